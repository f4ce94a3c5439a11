#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bpgrab and the V4L2 peer tools (tests/guest/v4l2.sh, in its own boot):
# v4l2-compliance -s, and a v4l2-ctl capture of 100 frames of 640x480 YUYV
# at 30 fps that this side verifies frame by frame.
. "$(dirname "$0")/../tap.sh"
disk=$(mktemp "$TOP/build/v4l2-XXXXXX.img")
trap 'rm -rf "$disk" "$disk.d"' EXIT
truncate -s 128M "$disk"
out=$("$VMRUN" --timeout 300 --disk "$disk" --append "kunit.enable=0 bigphysarea=32M" -- sh /tests/v4l2.sh)
rc=$?
printf '%s\n' "$out"
check_eq "v4l2 suite completed (vm-run status)" "$rc" 0

mkdir -p "$disk.d"
tar -xf "$disk" -C "$disk.d" 2>/dev/null
if [ ! -f "$disk.d/v4l2-ctl.yuyv" ] && grep -q '^ok - .*v4l2-ctl capture # SKIP' <<<"$out"; then
	skip "host-side check of the v4l2-ctl capture" "the guest has no v4l2-ctl"
elif [ ! -f "$disk.d/v4l2-ctl.yuyv" ]; then
	fail "host-side check of the v4l2-ctl capture: no capture came back"
else
	out=$("$TOP/userspace/build/bin/bpgrab-capture" --verify "$disk.d/v4l2-ctl.yuyv" -W 640 -H 480 -f yuyv 2>&1)
	rc=$?
	diag "$out"
	check_eq "host: every frame of the v4l2-ctl capture is the pattern: exit 0" "$rc" 0
	check "host: 100 frames, 0 drops, 0 pattern errors" \
		grep -q ': 100 frames 640x480 YUYV, drops 0, 0 pattern errors$' <<<"$out"
fi
tap_done
