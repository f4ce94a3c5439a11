#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# scripts/series-dev stops at the first error: "gen" into a directory
# exits non-zero and writes no patches when series.d/ or sources.map are
# broken. Runs on a copy of the repo; the real tree is never touched.
. "$(dirname "$0")/../tap.sh"
. "$TOP/scripts/lib.sh"
set -u

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# copy DIR: the repo's sources (no build output) in DIR, with a cached
# pristine base for "gen" (from $seed/) so that it need not unpack the
# tarball again.
seed=$BUILD
copy() {
	mkdir -p "$1"
	tar -C "$TOP" --exclude=./build --exclude=./userspace/build --exclude=./.git -cf - . | tar -C "$1" -xf -
	if [ -d "$seed/gen-base" ] && [ -f "$seed/gen-base.list" ]; then
		mkdir -p "$1/build"
		cp -a "$seed/gen-base" "$seed/gen-base.list" "$1/build/"
	fi
}
# gen DIR: run the copy's "series-dev gen" into DIR/out; output in DIR/log.
gen() {
	BUILD=$1/build "$1/scripts/series-dev" gen "$1/out" >"$1/log" 2>&1
}
first=$(ls -d "$TOP"/series.d/[0-9]*/ | head -n1 | xargs basename)

copy "$tmp/good"
gen "$tmp/good"
rc=$?
check_eq "gen of an unchanged copy succeeds" "$rc" 0
check "...and writes the repo's patches and series" \
	bash -c 'diff -r "$1/out/patches" "$2/patches" && cmp "$1/out/series" "$2/series"' _ "$tmp/good" "$TOP"
[ $rc = 0 ] || sed 's/^/#   /' "$tmp/good/log"
[ -d "$seed/gen-base" ] || seed=$tmp/good/build
# gen again over its own output: only what differs is written (make
# rebuilds from mtimes), and patches no longer in the series go.
touch -d 2000-01-01 "$tmp/good/out/patches/"*.patch "$tmp/good/out/series"
p1=$(ls "$tmp/good/out/patches" | head -n1)
echo "# changed" >>"$tmp/good/out/patches/$p1"
echo stale >"$tmp/good/out/patches/9999-stale.patch"
gen "$tmp/good"
check_eq "a second gen succeeds" "$?" 0
check_eq "...and rewrites only the patch that differed" \
	"$(find "$tmp/good/out/patches" "$tmp/good/out/series" -type f -newermt 2000-01-02 -printf '%f\n')" "$p1"
check "...which is the repo's again" cmp "$tmp/good/out/patches/$p1" "$TOP/patches/$p1"
check "...and removes a patch no longer in the series" test ! -e "$tmp/good/out/patches/9999-stale.patch"

# expect_fail NAME DIR WHAT: gen in DIR must fail, say WHAT, write nothing.
expect_fail() {
	gen "$2"
	local rc=$?
	check "$1: gen exits non-zero" test $rc != 0
	check "$1: the error says: $3" grep -qF -- "$3" "$2/log"
	check "$1: no patches written" test ! -e "$2/out/series" -a -z "$(ls "$2/out/patches" 2>/dev/null)"
	[ $rc != 0 ] || sed 's/^/#   /' "$2/log"
}

copy "$tmp/nofile"
echo mm/no-such-file.c >>"$tmp/nofile/series.d/$first/files"
expect_fail "series.d files entry that no repo file backs" "$tmp/nofile" "mm/no-such-file.c"

copy "$tmp/nomap"
echo "linux/no-such-dir/ drivers/none/" >>"$tmp/nomap/scripts/sources.map"
expect_fail "sources.map entry that does not exist" "$tmp/nomap" "sources.map: linux/no-such-dir/ does not exist"

copy "$tmp/badedit"
d=$(cd "$TOP/series.d" && ls -d [0-9]*/ | sed 's@/$@@' | while read -r x; do
	[ -s "$TOP/series.d/$x/edits.diff" ] && echo "$x"; done | head -n1)
# Change a context line of the first hunk: it no longer applies.
awk '!done && /^ [^ ]/ { $0 = " bigphys-test-garbage" substr($0, 2); done = 1 } { print }' \
	"$TOP/series.d/$d/edits.diff" >"$tmp/badedit/series.d/$d/edits.diff"
expect_fail "edits.diff that does not apply" "$tmp/badedit" "$d/edits.diff does not apply"

copy "$tmp/nosubject"
sed -i 's/^Subject: /Subjekt: /' "$tmp/nosubject/series.d/$first/message"
expect_fail "message without a Subject:" "$tmp/nosubject" "$first: message has no Subject:"
# import -> absorb round trip, in a copy whose build/dev is the pristine
# base of the files the series edits (import then skips the tarball), on a
# fresh machine's git: no identity, a hostile global configuration.
copy "$tmp/rt"
rt_git() { git -C "$tmp/rt/build/dev" "$@"; }
if [ -d "$seed/gen-base" ]; then
	mkdir -p "$tmp/rt/build/dev"
	cp -a "$seed/gen-base/." "$tmp/rt/build/dev/"
	# The kernel tree's attributes (hunk headers of edits.diff follow them).
	printf '*.[ch] diff=cpp\n*.dts diff=dts\n*.dts[io] diff=dts\n*.rs diff=rust\n' \
		>"$tmp/rt/build/dev/.gitattributes"
	printf '[diff]\n\tnoprefix = true\n[apply]\n\twhitespace = fix\n' >"$tmp/gitconfig"
	(cd "$tmp/rt/build/dev" && rm -rf .git && git init -q -b base && git add -A -f &&
		git -c user.name=base -c user.email=base@localhost commit -qm base && git tag pristine)
	HOME=$tmp/home GIT_CONFIG_GLOBAL=$tmp/gitconfig BUILD=$tmp/rt/build \
		"$tmp/rt/scripts/series-dev" import >"$tmp/rt/log" 2>&1
	check_eq "import on a machine without a git identity" "$?" 0
	check "...applies every patch" test "$(rt_git rev-list --count pristine..series)" = "$(wc -l <"$TOP/series")"
	GIT_CONFIG_GLOBAL=$tmp/gitconfig BUILD=$tmp/rt/build "$tmp/rt/scripts/series-dev" absorb >>"$tmp/rt/log" 2>&1
	check_eq "absorb right after import succeeds" "$?" 0
	# (edits.diff's index hashes and hunk positions follow linux/, which
	# may have been edited since series.d/ was last absorbed.)
	check "...and gives back series.d/ and the repo's files unchanged" \
		bash -c 'diff -r -I "^index [0-9a-f]*\.\.[0-9a-f]*" -I "^@@ " "$1/series.d" "$2/series.d" &&
			diff -r "$1/linux" "$2/linux" && diff -r "$1/driver" "$2/driver"' _ "$tmp/rt" "$TOP"
	GIT_CONFIG_GLOBAL=$tmp/gitconfig gen "$tmp/rt"
	check_eq "gen under a hostile git configuration succeeds" "$?" 0
	check "...and writes the repo's patches" diff -r "$tmp/rt/out/patches" "$TOP/patches"
	cp -a "$tmp/rt/series.d" "$tmp/rt-series.d"
	rt_git checkout -q -B series pristine
	BUILD=$tmp/rt/build "$tmp/rt/scripts/series-dev" absorb >"$tmp/rt/log" 2>&1
	check "absorb of a branch without commits fails" test $? != 0
	check "...says so" grep -q "no commits above 'pristine'" "$tmp/rt/log"
	check "...and leaves series.d/ alone" diff -r "$tmp/rt/series.d" "$tmp/rt-series.d"
	rt_git tag -d pristine >/dev/null
	BUILD=$tmp/rt/build "$tmp/rt/scripts/series-dev" absorb >"$tmp/rt/log" 2>&1
	check "absorb without the 'pristine' tag fails" test $? != 0
	check "...and leaves series.d/ alone" diff -r "$tmp/rt/series.d" "$tmp/rt-series.d"
else
	fail "import -> absorb round trip: no pristine base from gen"
fi
tap_done
