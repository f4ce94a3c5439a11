#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sparse (make C=2) on every object of the series that the test kernel
# builds: no warnings in any file the series adds (.c and headers). Both
# lists come from the series' patches, not from a hand-written pattern.
. "$(dirname "$0")/../tap.sh"
export FLAVOUR=test
. "$TOP/scripts/lib.sh"

mapfile -t added < <(series_added_files)
mapfile -t objs < <(series_built_objects)
mapfile -t unbuilt < <(printf '%s\n' "${added[@]}" | sed -n 's/\.c$/.o/p' |
	grep -vxF -f <(printf '%s\n' "${objs[@]}") | sed 's/\.o$/.c/')
[ ${#unbuilt[@]} -eq 0 ] || diag "not in the test kernel's configuration: ${unbuilt[*]}"
check "the series adds C files the test kernel builds (${#objs[@]})" test ${#objs[@]} -gt 0

log=$LOGS/sparse.log
kmake C=2 CHECK="sparse" "${objs[@]}" >"$log" 2>&1
check "make C=2 on the series' objects runs" test $? = 0
# A warning or error located in any file the series adds.
ours=$(series_diagnostics "$log")
missed=()
for o in "${objs[@]}"; do
	grep -qE "^  CHECK +(.*/)?${o%.o}\.c$" "$log" || missed+=("${o%.o}.c")
done
check_eq "sparse checked every C file of the series that is built (${#objs[@]})" "${missed[*]}" ""
if [ -z "$ours" ]; then pass "sparse: no warnings in the series' code"; else
	fail "sparse: warnings in the series' code"; sed 's/^/#   /' <<<"$ours"; fi
tap_done
