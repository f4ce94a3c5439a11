#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot-parameter matrix: malformed and edge-case bigphysarea= values (alone
# and with mem=/memmap=). Every boot must reach userspace, log exactly one
# problem line "bigphysarea: ..." and leave the documented area (or none).
. "$(dirname "$0")/../tap.sh"

# "KERNEL ARGS|expected /proc/bigphysarea size in kB, or none"
cases=(
	"bigphysarea=|none" "bigphysarea|none" "bigphysarea=abc|none"
	"bigphysarea=0|none" "bigphysarea=0M|none" "bigphysarea=-5|none"
	"bigphysarea=0x|none" "bigphysarea=08|none" "bigphysarea=16Mx|none"
	"bigphysarea=1,2|none" "bigphysarea=16M@|none" "bigphysarea=16M@-|none"
	"bigphysarea=16M@16M-|none" "bigphysarea=16M@4097|none"
	"bigphysarea=16M@1G-1G|none" "bigphysarea=16M@2G-1G|none"
	"bigphysarea=16M@0-8M|none" "bigphysarea=16M@0-4G@0|none"
	"bigphysarea=16M@x|none" "bigphysarea=\"16M \"|none"
	"bigphysarea=18446744073709551616|none"
	"bigphysarea=99999999999999999999999|none" "bigphysarea=17179869184G|none"
	"bigphysarea=16E|none" "bigphysarea=4503599627370496|none"
	"bigphysarea=16M@0xfffffffffffff000|none"
	"bigphysarea=999999999999999999999999999999|none"
	"bigphysarea=16M@0-99999999999999999999999|none"
	"bigphysarea=15E|none" "bigphysarea=2G|none"
	"bigphysarea=16M@0|none" "bigphysarea=16M@0x1000000|none"
	"bigphysarea=16M@0x100000000|none" "bigphysarea=16M@0-1M|none"
	"mem=256M bigphysarea=512M|none"
	"memmap=64M\$0x10000000 bigphysarea=16M@0x10000000|none"
	"bigphysarea=8M bigphysarea=16M|8192"
	"bigphysarea=1K|4" "bigphysarea=4097K|4100"
)
# Placement with rounding inside RAM (at 0 on the PC, at 1 GiB on arm64
# virt); memmap= is x86 only.
case "$GUEST_ARCH" in
arm64) cases+=("bigphysarea=16M@0x40000001-2G|16384") ;;
*) cases+=("bigphysarea=16M@4097-1G|16384") ;;
esac

run_case() {
	local args=${1%|*} want=${1##*|} out rc problems size
	# KUnit is off: its own allocator tests log "bigphysarea:" lines too.
	out=$("$VMRUN" --smp 1 --mem 512M --timeout 120 --append "kunit.enable=0 $args" -- \
		sh -c 'echo REACHED-USERSPACE; echo LOG-BEGIN; dmesg | grep "bigphysarea: "; echo LOG-END; . /tests/tap.sh; echo "AREA=$(proc_area size)"' 2>&1)
	rc=$?
	log=$(sed -n '/^LOG-BEGIN$/,/^LOG-END$/p' <<<"$out")
	problems=$(grep -v 'bigphysarea: reserved ' <<<"$log" | grep -c '^\[.*\] bigphysarea: ')
	size=$(sed -n 's/^AREA=//p' <<<"$out")
	if [ $rc = 0 ] && grep -q REACHED-USERSPACE <<<"$out" && [ "$problems" = 1 ] &&
		[ "$size" = "$want" ]; then
		pass "'$args' boots, one message, area $want"
	else
		fail "'$args' (rc $rc, $problems problem lines, area ${size:-?}, want $want)"
		grep 'bigphysarea\|panic\|vm-run' <<<"$out" | sed 's/^/#   /' | head -n 8
	fi
	grep '^\[.*\] bigphysarea: ' <<<"$log" | grep -v 'reserved ' | sed 's/^\[[^]]*\] /#   /'
}
export -f run_case
export TOP TAP_PREFIX
# Two boots at a time: one per core.
results=$(printf '%s\n' "${cases[@]}" |
	xargs -d '\n' -P 2 -I{} bash -c '. "$TOP/tests/tap.sh"; run_case "$1"' _ {})
printf '%s\n' "$results"
# A case whose shell died says nothing: count the results.
check_eq "every case reported a result" "$(grep -cE '^(not )?ok - ' <<<"$results")" "${#cases[@]}"
tap_done
