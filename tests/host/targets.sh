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
