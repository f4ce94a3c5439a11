#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# /dev/bigphys from a 32-bit process (an -m32 build of the device test on
# the 64-bit kernel): compat ioctls, and every buffer id maps via mmap2.
. /tests/tap.sh
/usr/bin/bigphys-devtest32
check_eq "bigphys-devtest32 exit status" "$?" 0
check_eq "all memory returned after the 32-bit device tests" \
	"$(proc_area used)" 0
tap_done
