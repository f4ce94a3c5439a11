#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Under kernel lockdown the whole-area mapping (the area's /dev/mem) is
# refused; buffers still map.
. "$(dirname "$0")/../tap.sh"
out=$("$VMRUN" --append "bigphysarea=16M lockdown=integrity kunit.enable=0" -- sh -c '
	dmesg | grep -o "Kernel is locked down from command line"
	bigphys-lifetime lockdown' 2>&1)
sed -n 's/^\(not \)\{0,1\}ok/# &/p' <<<"$out"
check "the kernel is locked down (lockdown=integrity)" grep -q "Kernel is locked down from command line" <<<"$out"
check "whole-area mmap refused with EPERM" grep -q '^ok - lifetime: lockdown: mapping the whole area is refused' <<<"$out"
check "buffer mmap still works" grep -q '^ok - lifetime: lockdown: mapping a buffer works' <<<"$out"
tap_done
