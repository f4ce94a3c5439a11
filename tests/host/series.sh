#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Series hygiene: headers, quilt push (no fuzz/offset), git am, checkpatch
# --strict, and repo-owned sources agreeing with the patched tree.
. "$(dirname "$0")/../tap.sh"
. "$TOP/scripts/lib.sh"
set -u

mapfile -t pl < <(series_patches)
check "patches/ and series are what 'scripts/series-dev gen' writes from linux/, driver/ and series.d/" \
	"$TOP/scripts/series-dev" check
check "series is not empty" test ${#pl[@]} -gt 0
check_eq "series lists every patches/*.patch in order" \
	"$(printf '%s\n' "${pl[@]}")" "$(cd "$TOP/patches" && ls *.patch)"

n=${#pl[@]}; i=0
for p in "${pl[@]}"; do
	i=$((i + 1)); f=$TOP/patches/$p
	from=$(sed -n 's/^From: //p' "$f" | head -n1)
	subj=$(sed -n 's/^Subject: //p' "$f" | head -n1)
	ok=1
	[[ "$subj" =~ ^\[PATCH\ 0*$i/$n\]\ [A-Za-z0-9/_.-]+:\ .+ ]] || ok=0
	grep -qxF "Signed-off-by: $from" "$f" || ok=0
	[ "$(awk '/^---$/{exit} /^Subject:/{s=1; next} s && NF {c++} END{print c+0}' "$f")" -ge 2 ] || ok=0
	check "$p: header (Subject [PATCH $i/$n] subsys: ..., body, Signed-off-by = From)" test $ok = 1
done

# A minimal pristine tree: the files the series modifies, plus what
# checkpatch needs. One pass over the tarball.
work=$BUILD/hosttest
rm -rf "$work" && mkdir -p "$work/base"
mapfile -t files < <(cat "${pl[@]/#/$TOP/patches/}" | sed -n 's@^--- a/@@p' | sort -u)
top=$(tar -tJf "$PRISTINE_TARBALL" 2>/dev/null | head -n1 | cut -d/ -f1)
tar -xJf "$PRISTINE_TARBALL" -C "$work/base" --strip-components=1 \
	"${files[@]/#/$top/}" "$top/scripts/checkpatch.pl" "$top/scripts/spelling.txt" \
	"$top/scripts/const_structs.checkpatch" "$top/scripts/spdxcheck.py" \
	"$top/scripts/kernel-doc" \
	"$top/scripts/spdxexclude" "$top/LICENSES" "$top/COPYING" "$top/CREDITS" \
	"$top/Kbuild" "$top/Makefile" "$top/README" 2>"$work/tar.err"
# checkpatch's idea of a kernel tree's top directory.
(cd "$work/base" && mkdir -p Documentation arch include drivers fs init ipc kernel lib scripts)
check "pristine files extracted from $(basename "$PRISTINE_TARBALL")" test -s "$work/base/scripts/checkpatch.pl"

cp -a "$work/base" "$work/quilt"
out=$(cd "$work/quilt" && QUILT_PATCHES=$TOP/patches QUILT_SERIES=$TOP/series QUILT_PC=.pc \
	quilt push -a --fuzz=0 2>&1)
rc=$?
check "quilt push -a applies" test $rc = 0
check "quilt push -a: no fuzz, no offsets" \
	bash -c '! grep -E "with fuzz|offset [0-9]+ line" <<<"$1"' _ "$out"

cp -a "$work/base" "$work/git"
# (the user's git configuration must not change what is applied)
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
(cd "$work/git" && git init -q && git add -A -f && git -c user.name=t -c user.email=t@t commit -qm base) >/dev/null
out=$(cd "$work/git" && git -c user.name=t -c user.email=t@t am -q "${pl[@]/#/$TOP/patches/}" 2>&1)
check "git am applies the series" test $? = 0
check "quilt and git am give the same tree" \
	diff -r -x .pc -x .git -x '*.orig' "$work/quilt" "$work/git"

# checkpatch reads a patch given as a git-tracked path as a source file, so
# feed it on stdin from inside a git tree (spdxcheck needs one).
for p in "${pl[@]}"; do
	out=$(cd "$work/git" && PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict -q --no-summary - <"$TOP/patches/$p" 2>&1)
	if [ -z "$out" ]; then pass "checkpatch --strict: $p"; else
		fail "checkpatch --strict: $p"; sed 's/^/#   /' <<<"$out" | head -n 30
	fi
done

# kernel-doc of every C file and header the series adds: no warnings.
mapfile -t added < <(series_added_files | grep '\.[ch]$')
out=$(cd "$work/git" && perl scripts/kernel-doc -Wall -none "${added[@]}" 2>&1)
if [ -z "$out" ]; then pass "kernel-doc -Wall on ${#added[@]} files of the series"; else
	fail "kernel-doc -Wall on the series' files"; sed 's/^/#   /' <<<"$out" | head -n 20
fi

# Repo-owned sources must equal what the series puts in the tree.
if owned=$("$TOP/scripts/series-dev" files) && [ -n "$owned" ]; then
	while read -r from to; do
		check "source of truth agrees: $from" cmp -s "$TOP/$from" "$work/git/$to"
	done <<<"$owned"
else
	fail "scripts/series-dev files lists the repo-owned files"
fi
tap_done
