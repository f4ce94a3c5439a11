#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bpgrab as a V4L2 capture device: formats, buffers and errors (bpgrab-test),
# verified 640x480 YUYV 30 fps captures with DMABUF buffers from
# /dev/bigphys and with MMAP buffers, other formats with output files, and
# STREAMOFF, close and module unload while streaming.
# (v4l2-compliance and v4l2-ctl run in a boot of their own: tests/vm/v4l2.sh.)
. /tests/tap.sh

video=$(grep -l '^bpgrab' /sys/class/video4linux/video*/name 2>/dev/null | head -n1)
video=${video%/name}
check "the bpgrab video device exists (module loaded)" test -c "/dev/${video##*/}"
/usr/bin/bpgrab-test
check_eq "bpgrab-test exit status" "$?" 0
check "a non-contiguous DMABUF is refused with a clear message" \
	sh -c 'dmesg | grep -q "DMABUF import from system refused: not contiguous"'
check_eq "area free after bpgrab-test" "$(proc_area used)" 0

for mode in dmabuf mmap; do
	opt=; [ $mode = mmap ] && opt=--mmap
	out=$(bpgrab-capture -q $opt -W 640 -H 480 -f yuyv -r 30 -b 4 -n 100 2>&1)
	rc=$?
	diag "$out"
	check_eq "$mode: 640x480 YUYV 30 fps, 100 frames, 4 buffers: exit 0" "$rc" 0
	check "$mode: 100 frames, 0 drops" sh -c "echo '$out' | grep -q '^captured 100 frames 640x480 YUYV, drops 0 '"
	check "$mode: every frame verified" sh -c "echo '$out' | grep -q '^verified: 0 size errors, 0 pattern errors, 0 sequence errors$'"
	check_eq "$mode: area free after the capture" "$(proc_area used)" 0
done
out=$(bpgrab-capture -q -W 640 -H 480 -n 5 2>&1)
check "DMABUF is the default" sh -c "echo '$out' | grep -q '(DMABUF from /dev/bigphys buffers)'"

rm -rf /tmp/cap && mkdir -p /tmp/cap
out=$(bpgrab-capture -q -W 160 -H 120 -f grey -r 50 -n 12 -e 4 -o /tmp/cap/grey/ -o /tmp/cap/grey.y4m 2>&1)
check_eq "GREY capture with PGM and Y4M output: exit 0" "$?" 0
check_eq "every 4th frame saved as PGM" "$(ls /tmp/cap/grey/*.pgm 2>/dev/null | wc -l)" 3
check "PGM header" sh -c "head -c 15 /tmp/cap/grey/frame-000000.pgm | grep -q 'P5'"
check_eq "Y4M size: header + 12 mono frames" "$(wc -c < /tmp/cap/grey.y4m)" \
	$(( $(head -n1 /tmp/cap/grey.y4m | wc -c) + 12 * (6 + 160 * 120) ))
out=$(bpgrab-capture -q --mmap -W 160 -H 120 -f rgb24 -r 50 -n 6 -o /tmp/cap/rgb/ -o /tmp/cap/rgb.y4m 2>&1)
check_eq "RGB24 capture (MMAP): exit 0" "$?" 0
check_eq "RGB24 Y4M is 4:4:4" "$(head -n1 /tmp/cap/rgb.y4m)" "YUV4MPEG2 W160 H120 F50:1 Ip A1:1 C444"
check_eq "PPM size" "$(wc -c < /tmp/cap/rgb/frame-000000.ppm)" $((15 + 160 * 120 * 3))
bpgrab-capture -q -W 641 >/dev/null 2>&1; check_eq "bad width: exit 2" "$?" 2
bpgrab-capture -q -f mjpeg >/dev/null 2>&1; check_eq "unsupported format: exit 2" "$?" 2
bpgrab-capture -q -o /tmp/x.avi >/dev/null 2>&1; check_eq "bad output name: exit 2" "$?" 2
bpgrab-capture --help >/dev/null; check_eq "--help: exit 0" "$?" 0

# STREAMOFF (the capture ends), close (SIGKILL) while streaming: the area
# gets every byte back.
bpgrab-capture -q -W 320 -H 240 -s 1 >/dev/null 2>&1
check_eq "STREAMOFF after 1 s of streaming: exit 0" "$?" 0
check_eq "...area free" "$(proc_area used)" 0
for opt in "" --mmap; do
	bpgrab-capture -q $opt -W 320 -H 240 -s 30 >/dev/null 2>&1 &
	pid=$!
	sleep 1.5
	kill -9 $pid
	wait $pid 2>/dev/null
	sleep 0.2
	check_eq "killed while streaming (${opt:-dmabuf}): area free" "$(proc_area used)" 0
done

# Module unload while streaming is refused; after the stream ends it works.
# (The KUnit module uses bpgrab's symbols: unload it first.)
rmmod bpgrab_kunit 2>/dev/null
bpgrab-capture -q -W 320 -H 240 -s 3 >/tmp/cap/bg.out 2>&1 &
pid=$!
sleep 1.5
check "rmmod while streaming is refused" sh -c '! rmmod bpgrab 2>/dev/null'
wait $pid
check_eq "the stream survives the rmmod attempt (exit 0)" "$?" 0
check "rmmod after close" rmmod bpgrab
check_eq "area free after unload" "$(proc_area used)" 0
check "modprobe again" sh -c 'modprobe bpgrab && sleep 0.2 && ls /sys/class/video4linux/ | grep -q video'
rm -rf /tmp/cap
tap_done
