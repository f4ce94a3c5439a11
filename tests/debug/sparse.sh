#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sparse (make C=2) on every object of the series: no warnings.
. "$(dirname "$0")/../tap.sh"
. "$TOP/scripts/lib.sh"
OBJ=$BUILD/obj-test
objs=(mm/bigphysarea.o mm/bigphysarea_pool.o mm/bigphysarea_debug.o
      mm/bigphysarea_kunit.o drivers/misc/bigphys.o drivers/misc/bpgrab/)
log=$LOGS/sparse.log
kmake C=2 CHECK="sparse" "${objs[@]}" >"$log" 2>&1
check "make C=2 on the series' objects runs" test $? = 0
ours=$(grep -E '^(/[^:]*/)?(mm/bigphysarea|drivers/misc/bigphys|drivers/misc/bpgrab|include/linux/bigphysarea|include/uapi/linux/bi?p)[^:]*:[0-9]+:[0-9]+: (warning|error)' "$log" |
	sed "s|$SRC/||")
checked=$(grep -c '^  CHECK' "$log")
check "sparse checked the series' files ($checked)" test "$checked" -ge 8
if [ -z "$ours" ]; then pass "sparse: no warnings in the series' code"; else
	fail "sparse: warnings in the series' code"; sed 's/^/#   /' <<<"$ours"; fi
tap_done
