#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The peer tools against bpgrab: v4l2-compliance -s, with a second grabber
# exporting the buffers of the DMABUF tests (every result a TAP
# line, its totals and warnings as notes) and a v4l2-ctl capture of 100
# frames of 640x480 YUYV at 30 fps, written as a tar to /dev/vda for the
# host to verify. Not a *.t of the main suite: tests/vm/v4l2.sh runs it in
# a boot of its own. Without the tools (no v4l-utils tarball, or an arm64
# guest: v4l-utils is not cross-built) both are skipped, never passed.
. /tests/tap.sh
TAP_PREFIX=v4l2
case "$(uname -m)" in
x86_64) why="the v4l-utils tarball is missing (scripts/v4l-utils)" ;;
*) why="v4l-utils is not cross-built for $(uname -m)" ;;
esac

# Two grabbers: the second exports the DMABUF buffers for v4l2-compliance.
check "modprobe bpgrab devices=2" modprobe bpgrab devices=2
sleep 0.2
node() {
	n=$(grep -lx "$1" /sys/class/video4linux/video*/name 2>/dev/null | head -n1)
	n=${n%/name}
	echo "/dev/${n##*/}"
}
dev=$(node bpgrab0)
exp=$(node bpgrab1)
check "the bpgrab video devices exist ($dev, $exp)" test -c "$dev" -a -c "$exp"

if ! command -v v4l2-compliance >/dev/null; then
	skip "v4l2-compliance -d $dev -e $exp -s" "no v4l2-compliance in the initramfs: $why"
else
	# v4l2-compliance streams at the fastest rate offered (60 fps: module
	# parameter max_fps); a gap in the sequence is a drop, and a warning.
	v4l2-compliance -d "$dev" -e "$exp" -s >/tmp/compliance.out 2>&1
	rc=$?
	# One TAP line per compliance test; "OK (Not Supported)" counts as
	# succeeded, as v4l2-compliance counts it.
	awk -v p="$TAP_PREFIX: v4l2-compliance: " '
	{ while (match($0, /test [^\t]*: (OK|FAIL)[^\t]*/)) {
		s = substr($0, RSTART + 5, RLENGTH - 5); $0 = substr($0, RSTART + RLENGTH)
		n = s; sub(/: (OK|FAIL).*/, "", n)
		if (s ~ /: OK/) print "ok - " p n (s ~ /Not Supported/ ? " (not supported)" : "")
		else print "not ok - " p n } }' /tmp/compliance.out >/tmp/compliance.tap
	cat /tmp/compliance.tap
	grep '^not ok' /tmp/compliance.tap >/dev/null && TAP_FAILED=$((TAP_FAILED + 1))
	total=$(grep '^Total for ' /tmp/compliance.out)
	diag "v4l2-compliance $(v4l2-compliance --version 2>&1 | head -n1): $total"
	grep -E 'fail:|FAIL' /tmp/compliance.out | head -n 40 | sed 's/^/# /'
	warnings=$(grep -c 'warn:' /tmp/compliance.out)
	if [ "$warnings" -gt 0 ]; then
		diag "note: v4l2-compliance warnings ($warnings):"
		grep -o 'warn: .*' /tmp/compliance.out | sed 's/ [0-9][0-9]*/ N/g' | sort | uniq -c | sed 's/^/#   /'
	fi
	succeeded=$(echo "$total" | sed -n 's/.*Succeeded: \([0-9]*\).*/\1/p')
	check_eq "v4l2-compliance: its Succeeded count is the number of ok lines" \
		"$(grep -c '^ok' /tmp/compliance.tap)" "$succeeded"
	check "v4l2-compliance: 0 failed" sh -c "echo '$total' | grep -q 'Failed: 0,'"
	check_eq "v4l2-compliance: exit status" "$rc" 0
fi

if ! command -v v4l2-ctl >/dev/null; then
	skip "v4l2-ctl capture" "no v4l2-ctl in the initramfs: $why"
else
	check "v4l2-ctl: 1000 fps is set as the fastest offered, 60 fps" \
		sh -c "v4l2-ctl -d $dev --set-parm=1000 | grep -q 'Frame rate set to 60.000 fps'"
	check "v4l2-ctl: frame intervals 1/60 s to 1 s" \
		sh -c "v4l2-ctl -d $dev --list-frameintervals=width=640,height=480,pixelformat=YUYV | grep -q 'Continuous 0.017s - 1.000s'"
	check "v4l2-ctl: set 640x480 YUYV at 30 fps" \
		v4l2-ctl -d "$dev" --set-fmt-video=width=640,height=480,pixelformat=YUYV --set-parm=30
	fmt=$(v4l2-ctl -d "$dev" --get-fmt-video --get-parm 2>&1)
	diag "$fmt"
	check "v4l2-ctl: the format reads back" sh -c "echo '$fmt' | grep -q 'Width/Height *: 640/480'"
	v4l2-ctl -d "$dev" --stream-mmap=4 --stream-count=100 --stream-to=/tmp/v4l2-ctl.yuyv >/tmp/ctl.out 2>&1
	check_eq "v4l2-ctl --stream-mmap --stream-count=100 --stream-to: exit status" "$?" 0
	check_eq "...100 frames of 614400 bytes" "$(wc -c </tmp/v4l2-ctl.yuyv)" $((100 * 614400))
	if [ -b /dev/vda ]; then
		tar -cf /dev/vda -C /tmp v4l2-ctl.yuyv && sync
		check_eq "...handed to the host on /dev/vda" "$?" 0
	else
		fail "...handed to the host: no /dev/vda"
	fi
	rm -f /tmp/v4l2-ctl.yuyv
fi
check_eq "area free at the end" "$(proc_area used)" 0
tap_done
