#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bpgrab: control-interface tests, a verified 640x480 YUYV 30 fps capture,
# other formats with output files, and module unload while streaming.
. /tests/tap.sh

check "/dev/bpgrab0 exists (module loaded)" test -c /dev/bpgrab0
/usr/bin/bpgrab-test
check_eq "bpgrab-test exit status" "$?" 0

out=$(bpgrab-capture -q -W 640 -H 480 -f yuyv -r 30 -b 4 -n 100 2>&1)
rc=$?
diag "$out"
check_eq "640x480 YUYV 30 fps, 100 frames, 4 buffers: exit 0" "$rc" 0
check "100 frames, 0 drops" sh -c "echo '$out' | grep -q '^captured 100 frames 640x480 YUYV, drops 0 '"
check "every frame verified" sh -c "echo '$out' | grep -q '^verified: 0 CRC errors, 0 pattern errors, 0 sequence errors$'"
check_eq "area free after the capture" "$(proc_area used)" 0

rm -rf /tmp/cap && mkdir -p /tmp/cap
out=$(bpgrab-capture -q -W 160 -H 120 -f grey -r 50 -n 12 -e 4 -o /tmp/cap/grey/ -o /tmp/cap/grey.y4m 2>&1)
check_eq "GREY capture with PGM and Y4M output: exit 0" "$?" 0
check_eq "every 4th frame saved as PGM" "$(ls /tmp/cap/grey/*.pgm 2>/dev/null | wc -l)" 3
check "PGM header" sh -c "head -c 15 /tmp/cap/grey/frame-000000.pgm | grep -q 'P5'"
check_eq "Y4M size: header + 12 mono frames" "$(wc -c < /tmp/cap/grey.y4m)" \
	$(( $(head -n1 /tmp/cap/grey.y4m | wc -c) + 12 * (6 + 160 * 120) ))
out=$(bpgrab-capture -q -W 160 -H 120 -f rgb24 -r 50 -n 6 -o /tmp/cap/rgb/ -o /tmp/cap/rgb.y4m 2>&1)
check_eq "RGB24 capture: exit 0" "$?" 0
check_eq "RGB24 Y4M is 4:4:4" "$(head -n1 /tmp/cap/rgb.y4m)" "YUV4MPEG2 W160 H120 F50:1 Ip A1:1 C444"
check_eq "PPM size" "$(wc -c < /tmp/cap/rgb/frame-000000.ppm)" $((15 + 160 * 120 * 3))
bpgrab-capture -q -W 641 >/dev/null 2>&1; check_eq "bad width: exit 2" "$?" 2
bpgrab-capture -q -o /tmp/x.avi >/dev/null 2>&1; check_eq "bad output name: exit 2" "$?" 2
bpgrab-capture --help >/dev/null; check_eq "--help: exit 0" "$?" 0

# Module unload while streaming is refused; after the stream ends it works.
# (The KUnit module uses bpgrab's symbols: unload it first.)
rmmod bpgrab_kunit 2>/dev/null
check "only the open file holds the module" sh -c "grep -q '^bpgrab [0-9]* 0 ' /proc/modules"
bpgrab-capture -q -W 320 -H 240 -s 3 >/tmp/cap/bg.out 2>&1 &
pid=$!
sleep 1.5
check "rmmod while streaming is refused" sh -c '! rmmod bpgrab 2>/dev/null'
wait $pid
check_eq "the stream survives the rmmod attempt (exit 0)" "$?" 0
check "rmmod after close" rmmod bpgrab
check_eq "area free after unload" "$(proc_area used)" 0
check "modprobe again" sh -c 'modprobe bpgrab && sleep 0.2 && test -c /dev/bpgrab0'
rm -rf /tmp/cap
tap_done
