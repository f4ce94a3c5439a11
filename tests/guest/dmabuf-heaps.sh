#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The kernel's own dma-buf heap selftest (tools/testing/selftests/
# dmabuf-heaps, built static from the patched tree by scripts/initramfs)
# over every heap in /dev/dma_heap: the area's "bigphys" and the upstream
# CMA heap. Each of its results becomes one line "ok - dmabuf-heaps: HEAP:
# ..." (its own numbered TAP lines are kept as comments), then: every case
# of the bigphys heap ran and passed with no skip (vgem is built in, so the
# import case runs), and the selftest's own exit status. Needs an area and
# a CMA area of at least 32 MiB each (its zeroing case holds 32 x 1 MiB):
# tests/vm/dmabuf.sh boots with bigphysarea=64M cma=64M.
. /tests/tap.sh
if [ ! -x /usr/bin/dmabuf-heap ]; then
	fail "selftest binary /usr/bin/dmabuf-heap in the initramfs"
	tap_done
fi
check "heap /dev/dma_heap/bigphys exists" test -c /dev/dma_heap/bigphys
check "vgem is there for the import case" test -d /sys/bus/platform/devices/vgem
out=/tmp/dmabuf-heap.out
/usr/bin/dmabuf-heap >$out 2>&1
rc=$?
# Heap name from "# Testing heap: NAME"; results per heap; summary per heap.
awk -v prefix="$TAP_PREFIX" '
/^# Testing heap: / { heap = $4; print "# " $0; next }
/^(not )?ok [0-9]+/ {
	res = /^not ok/ ? "not ok" : "ok"
	line = $0; sub(/^(not )?ok [0-9]+ */, "", line)
	print "# " $0
	if (line ~ /^# SKIP/) { sub(/^# SKIP */, "", line); line = line " # SKIP" }
	print res " - " prefix ": " heap ": " line
	n[heap]++
	if (res == "not ok") bad[heap]++
	else if (line ~ /# SKIP/) skip[heap]++
	next
}
{ print "# " $0 }
END {
	for (h in n) printf "# heap %s: %d results, %d failed, %d skipped\n", h, n[h], bad[h], skip[h]
	printf "SUMMARY %d %d %d\n", n["bigphys"], bad["bigphys"], skip["bigphys"]
}' $out >$out.tap
grep -v '^SUMMARY ' $out.tap
set -- $(sed -n 's/^SUMMARY //p' $out.tap)
check_eq "bigphys heap: every selftest case ran (results)" "$1" 11
check_eq "bigphys heap: no case failed" "$2" 0
check_eq "bigphys heap: no case skipped" "$3" 0
check_eq "dmabuf-heap selftest exit status" "$rc" 0
tap_done
