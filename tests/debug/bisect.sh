#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every prefix of the series builds (bzImage + modules, -Werror where the
# kernel sets it), incrementally in build/obj-bisect with ccache. The tree
# is left with the whole series applied.
. "$(dirname "$0")/../tap.sh"
export FLAVOUR=bisect	# build/obj-bisect, before lib.sh derives OBJ from it
. "$TOP/scripts/lib.sh"
export QUILT_PATCHES=$TOP/patches QUILT_SERIES=$TOP/series QUILT_PC=.pc
"$TOP/scripts/tree" >/dev/null || { fail "tree is at the series"; tap_done; }
check "bisect builds in build/obj-bisect" test "$OBJ" = "$BUILD/obj-bisect"

mapfile -t pl < <(series_patches)
cd "$SRC" && quilt pop -a -q -f >/dev/null
i=0
for p in "${pl[@]}"; do
	i=$((i + 1))
	quilt push -q --fuzz=0 "$p" >/dev/null 2>&1 || { fail "prefix $i ($p) applies"; break; }
	t0=$(date +%s)
	if CONFIG_CHECK=0 "$TOP/scripts/configure" >/dev/null 2>&1 &&
	   kmake bzImage modules >"$LOGS/bisect-$i.log" 2>&1; then
		pass "prefix 1..$i builds ($p, $(( $(date +%s) - t0 ))s)"
	else
		fail "prefix 1..$i builds ($p); log: $LOGS/bisect-$i.log"
		grep -E 'error|warning:' "$LOGS/bisect-$i.log" | head -n 5 | sed 's/^/#   /'
	fi
done
quilt push -a -q >/dev/null 2>&1
"$TOP/scripts/tree" >/dev/null
check "tree is back at the full series" test "$(quilt applied 2>/dev/null | wc -l)" = ${#pl[@]}
tap_done
