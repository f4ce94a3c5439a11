#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every prefix of the series builds (image + modules, -Werror where the
# kernel sets it; no compiler warning in the files the series adds),
# incrementally with ccache, in the bisect flavour's own
# tree and object directory (configs/flavours: build/bisect/src and
# build/bisect/obj-bisect; make tree-bisect sets the tree up). build/src
# and the other flavours' objects are never touched. The bisect tree is
# left with the whole series applied.
. "$(dirname "$0")/../tap.sh"
# BISECT_FLAVOUR=arm64-bisect (tests/debug/bisect-arm64.sh): the same for
# arm64, in the same tree with objects of its own.
export FLAVOUR=${BISECT_FLAVOUR:-bisect}	# before scripts/lib.sh derives SRC and OBJ from it
. "$TOP/scripts/lib.sh"
export QUILT_PATCHES=$TOP/patches QUILT_SERIES=$TOP/series QUILT_PC=.pc

check "bisect uses a tree of its own (build/bisect/src)" test "$SRC" = "$BUILD/bisect/src"
check "$FLAVOUR builds in build/bisect/obj-$FLAVOUR" test "$OBJ" = "$BUILD/bisect/obj-$FLAVOUR"
mapfile -t pl < <(series_patches)
at_series() { [ "$(cat "$1/.pc/applied-patches" 2>/dev/null)" = "$(printf '%s\n' "${pl[@]}")" ]; }
at_series "$SRC" || { fail "$SRC has the series applied (make tree-bisect)"; tap_done; }
# The shared tree's quilt state, to show it is left alone.
shared=$(stat -c '%Y %s' "$BUILD/src/.pc/applied-patches" 2>/dev/null)

cd "$SRC" && quilt pop -a -q -f >/dev/null
i=0
for p in "${pl[@]}"; do
	i=$((i + 1))
	quilt push -q --fuzz=0 "$p" >/dev/null 2>&1 || { fail "prefix $i ($p) applies"; break; }
	t0=$(date +%s)
	if CONFIG_CHECK=0 "$TOP/scripts/configure" >/dev/null 2>&1 &&
	   kmake "$KTARGET" modules >"$LOGS/$FLAVOUR-$i.log" 2>&1; then
		pass "prefix 1..$i builds ($p, $(( $(date +%s) - t0 ))s)"
		# What this push recompiled (ccache replays cached warnings).
		ours=$(series_diagnostics "$LOGS/$FLAVOUR-$i.log")
		check_eq "prefix 1..$i: no compiler warning in the files the series adds" "$ours" ""
	else
		fail "prefix 1..$i builds ($p); log: $LOGS/$FLAVOUR-$i.log"
		grep -E 'error|warning:' "$LOGS/$FLAVOUR-$i.log" | head -n 5 | sed 's/^/#   /'
	fi
done
quilt push -a -q >/dev/null 2>&1
check "bisect tree is back at the full series" at_series "$SRC"
if [ -n "$shared" ]; then
	check_eq "build/src was not touched" "$(stat -c '%Y %s' "$BUILD/src/.pc/applied-patches" 2>/dev/null)" "$shared"
else
	skip "build/src was not touched" "no build/src with quilt state to compare"
fi
tap_done
