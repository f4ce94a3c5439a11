#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# dma-buf: the kernel's dmabuf-heaps selftest over the bigphys and CMA
# heaps (tests/guest/dmabuf-heaps.sh) and the export/heap/O_DIRECT tests
# (tests/guest/dmabuf.sh), in a boot of their own: a 64 MiB area and a
# 64 MiB CMA area (the selftest's zeroing case holds 32 x 1 MiB at once
# in each heap) and a 16 MiB raw disk for O_DIRECT.
. "$(dirname "$0")/../tap.sh"
disk=$(mktemp "${TMPDIR:-/tmp}/bigphys-dmabuf-disk.XXXXXX")
trap 'rm -f "$disk"' EXIT
truncate -s 16M "$disk"
"$VMRUN" --timeout 600 --disk "$disk" --append "kunit.enable=0 bigphysarea=64M cma=64M" -- \
	sh -c 'rc=0; sh /tests/dmabuf-heaps.sh || rc=1; sh /tests/dmabuf.sh || rc=1; exit $rc'
check_eq "dma-buf suite completed (vm-run status)" "$?" 0
tap_done
