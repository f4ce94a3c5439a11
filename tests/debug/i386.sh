#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# 32-bit: the i386 flavour (the test fragments + configs/i386.config) builds
# with every object of the series recompiled, links (no 64-bit divisions
# left to libgcc), and the compiler warns about nothing in the series' files.
. "$(dirname "$0")/../tap.sh"
export FLAVOUR=i386
. "$TOP/scripts/lib.sh"

mapfile -t objs < <(series_built_objects)
check "the i386 kernel builds the series' C files (${#objs[@]})" test ${#objs[@]} -gt 3
check_eq "i386 kernel is 32-bit" "$(grep -c '^CONFIG_64BIT=y' "$OBJ/.config")" 0

# Recompile them (ccache replays warnings, but only a real compile runs).
rm -f "${objs[@]/#/$OBJ/}"
log=$LOGS/i386-series.log
kmake "${objs[@]}" >"$log" 2>&1
check "the series' objects compile for i386" test $? = 0
kmake "$KTARGET" modules >>"$log" 2>&1
check "the i386 kernel and modules link (modpost: no undefined 64-bit helpers)" test $? = 0
ours=$(series_diagnostics "$log")
if [ -z "$ours" ]; then pass "i386: no compiler warnings in the series' code"; else
	fail "i386: compiler warnings in the series' code"; sed 's/^/#   /' <<<"$ours"; fi
tap_done
