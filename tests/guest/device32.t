#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# /dev/bigphys from a 32-bit process (an -m32 build of the device test on
# the 64-bit kernel): compat ioctls, and every buffer id maps via mmap2.
. /tests/tap.sh
if [ ! -x /usr/bin/bigphys-devtest32 ]; then
	# Only x86_64 guests have it (an i386 program); arm64 has no compat test yet.
	skip "bigphys-devtest32" "no 32-bit device test for $(uname -m)"
	tap_done
fi
/usr/bin/bigphys-devtest32
check_eq "bigphys-devtest32 exit status" "$?" 0
check_eq "all memory returned after the 32-bit device tests" \
	"$(proc_area used)" 0
tap_done
