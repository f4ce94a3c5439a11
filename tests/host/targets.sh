#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The documented entry points exist: every "make TARGET" the README names
# is a Makefile target (make -n, nothing runs), every flavour of
# configs/flavours has its targets and existing fragments, and every
# configs/*.config belongs to a flavour.
. "$(dirname "$0")/../tap.sh"
cd "$TOP" || exit 1
dry_run() { make -n -s "$1" >/dev/null 2>&1; }

# "make TARGET" in backquotes; "make kernel-NAME" stands for the flavours (below).
mapfile -t targets < <(grep -oE '`make [a-z][a-z0-9-]*[^A-Za-z0-9-]' README.md |
	sed -e 's/^`make //' -e 's/.$//' | grep -v -- '-$' | sort -u)
check "README names make targets" test ${#targets[@]} -gt 5
for t in "${targets[@]}"; do
	check "README's 'make $t' is a target" dry_run "$t"
done

mapfile -t flavours < <(awk '!/^#/ && NF { print $1 }' configs/flavours)
for f in test debug bench bisect; do
	check "configs/flavours has the $f flavour the scripts use" grep -qx "$f" <<<"$(printf '%s\n' "${flavours[@]}")"
done
for f in "${flavours[@]}"; do
	for t in tree config kernel; do
		check "flavour $f: make $t-$f is a target" dry_run "$t-$f"
	done
	# An initramfs only for the flavours QEMU boots.
	case "$(awk -v f="$f" '!/^#/ && $1 == f { print $2 }' configs/flavours)" in
	x86_64|arm64) check "flavour $f: make initramfs-$f is a target" dry_run "initramfs-$f" ;;
	*) check "flavour $f: no initramfs-$f (not booted)" bash -c '! make -n -s "initramfs-$1" >/dev/null 2>&1' _ "$f" ;;
	esac
	for c in $(awk -v f="$f" '!/^#/ && $1 == f { for (i = 4; i <= NF; i++) print $i }' configs/flavours); do
		check "flavour $f: configs/$c.config exists" test -f "configs/$c.config"
	done
done
for c in configs/*.config; do
	c=$(basename "$c" .config)
	check "configs/$c.config is used by a flavour" \
		awk -v c="$c" '!/^#/ { for (i = 4; i <= NF; i++) if ($i == c) found = 1 } END { exit !found }' configs/flavours
done
# Each target builds what its runner needs first (make -n lists the
# recipes in the order make runs them; every step here is phony).
# before "MAKE-ARGS" RUNNER-REGEX STEP...: every STEP line comes before the
# first line matching RUNNER-REGEX.
before() {
	local out r l s
	# shellcheck disable=SC2086 # MAKE-ARGS is a word list
	out=$(make -n $1 2>/dev/null) || return 1
	r=$(grep -nE "$2" <<<"$out" | head -n1 | cut -d: -f1)
	[ -n "$r" ] || return 1
	shift 2
	for s in "$@"; do
		l=$(grep -nxF -- "$s" <<<"$out" | head -n1 | cut -d: -f1)
		[ -n "$l" ] && [ "$l" -lt "$r" ] || return 1
	done
}
check "make check-host builds the test kernel and the userspace before its tests" \
	before check-host '^FLAVOUR=test tests/run host' 'FLAVOUR=test scripts/build-kernel' 'make -s -C userspace'
check "make check-vm builds the kernel and the initramfs before its tests" \
	before check-vm '^FLAVOUR=test tests/run vm' 'FLAVOUR=test scripts/build-kernel' 'FLAVOUR=test scripts/initramfs'
check "make check builds the kernel and the initramfs before its tests" \
	before check '^FLAVOUR=test tests/run all' 'FLAVOUR=test scripts/build-kernel' 'FLAVOUR=test scripts/initramfs'
check "make check-debug builds the debug initramfs, the i386 kernel and the bisect trees before its tests" \
	before check-debug '^tests/run debug' 'FLAVOUR=debug scripts/initramfs' 'FLAVOUR=test scripts/build-kernel' \
	'FLAVOUR=i386 scripts/build-kernel' 'FLAVOUR=bisect scripts/tree' 'FLAVOUR=arm64-bisect scripts/tree'
check "make bench builds the bench initramfs before scripts/bench" \
	before bench '^scripts/bench' 'FLAVOUR=bench scripts/initramfs'
check "make demo builds the test initramfs before scripts/demo" \
	before demo '^FLAVOUR=test scripts/demo' 'FLAVOUR=test scripts/initramfs'
check "make check ARCH=arm64 builds the arm64 initramfs before its tests" \
	before "check ARCH=arm64" '^FLAVOUR=arm64-test tests/run arm64' 'FLAVOUR=arm64-test scripts/build-kernel' 'FLAVOUR=arm64-test scripts/initramfs'
check "make check-host ARCH=arm64 builds the arm64 kernel before its tests" \
	before "check-host ARCH=arm64" '^FLAVOUR=arm64-test tests/run arm64-build' 'FLAVOUR=arm64-test scripts/build-kernel'
check "make demo ARCH=arm64 builds the arm64 initramfs before scripts/demo" \
	before "demo ARCH=arm64" '^FLAVOUR=arm64-test scripts/demo' 'FLAVOUR=arm64-test scripts/initramfs'
check "make vm ARCH=arm64 boots the arm64 initramfs it builds" \
	before "vm ARCH=arm64" '^FLAVOUR=arm64-test scripts/vm-run --shell' 'FLAVOUR=arm64-test scripts/initramfs'
check_fails "the order check fails for a step that does not come first" \
	before check-vm '^FLAVOUR=test tests/run vm' 'FLAVOUR=bench scripts/initramfs'

help=$(make -s help 2>&1)
for t in check check-host check-vm check-debug bench kernel; do
	check "make help lists $t" grep -q "make $t " <<<"$help"
done
# Sources edited without "scripts/series-dev gen": no tree is built from
# the stale patches/.
check "every tree-NAME needs patches/ checked against its sources first" \
	bash -c 'l=$(make -pn help 2>/dev/null | grep -E "^tree-[a-z0-9-]+:") && [ -n "$l" ] && ! grep -v "build/series.ok" <<<"$l"'
check "build/series.ok runs scripts/series-dev check" \
	bash -c 'make -pn help 2>/dev/null | grep -A6 "^build/series.ok:" | grep -q "scripts/series-dev check"'
check "build/series.ok depends on the source directories (a deleted file makes it stale)" \
	bash -c 'make -pn help 2>/dev/null | grep -E "^build/series.ok:" | grep -qE "(^| )linux/mm( |$)"'
check "make check-vm TESTS=kunit (an in-guest script, no VM test) stops before building anything" \
	bash -c 'out=$(make -n check-vm TESTS=kunit 2>&1); [ $? != 0 ] && grep -q "no test .kunit. for make check-vm" <<<"$out"'
check "make check TESTS=no-such-test stops before building anything" \
	bash -c 'out=$(make -n check TESTS=no-such-test 2>&1); [ $? != 0 ] && grep -q "no test .no-such-test." <<<"$out"'
# "What is here" names every top-level entry git tracks, and every script.
here=$(sed -n '/^## What is here/,/^## [^W]/p' README.md | grep '^| ')
entries=$(git ls-files | cut -d/ -f1 | sort -u)
[ -n "$entries" ] && [ -n "$here" ] || fail "README's 'What is here' and git ls-files are readable"
for e in $entries; do
	case "$e" in .gitignore|README.md) continue ;; esac
	if [ -d "$e" ]; then
		check "README's 'What is here' names $e/" grep -qF "\`$e/" <<<"$here"
	else
		check "README's 'What is here' names $e" grep -qF "\`$e\`" <<<"$here"
	fi
done
for f in scripts/*; do
	n=$(basename "$f")
	check "README's scripts row names $n" bash -c 'grep "^| \`scripts/\`" <<<"$2" | grep -qw -- "$1"' _ "${n%.sh}" "$here"
done
tap_done
