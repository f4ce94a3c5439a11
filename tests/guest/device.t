#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# /dev/bigphys: the C test program does the ioctl/mmap/privilege cases.
. /tests/tap.sh
if [ ! -c /dev/bigphys ]; then
	fail "/dev/bigphys exists"
	tap_done
fi
/usr/bin/bigphys-devtest
rc=$?
check_eq "bigphys-devtest exit status" "$rc" 0
check_eq "all memory returned after the device tests" \
	"$(proc_area used)" 0
tap_done
