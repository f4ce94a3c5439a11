#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The area's dma-buf doors (bigphys-dmabuf): bad input, export lifetime and
# O_DIRECT round trips on the raw virtio disk tests/vm/dmabuf.sh attaches
# (its contents are overwritten), against the upstream CMA heap's EFAULT.
# Needs bigphysarea= and cma= of at least 8 MiB.
. /tests/tap.sh
disk=
for b in /sys/block/vd*; do
	[ -e "$b" ] || continue
	disk=/dev/${b##*/}
	break
done
if [ -z "$disk" ] || [ ! -b "$disk" ]; then
	fail "a virtio disk (/dev/vd*) for the O_DIRECT tests"
	disk=/dev/null
fi
bigphys-dmabuf all "$disk"
check_eq "bigphys-dmabuf exit status" "$?" 0
check_eq "area free after the dma-buf tests (/proc/bigphysarea used kB)" "$(proc_area used)" 0
tap_done
