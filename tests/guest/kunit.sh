#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Report every KUnit case in /sys/kernel/debug/kunit as one TAP line.
# Parameterised cases count one line per parameter. A suite given in
# $KUNIT_SUITES that has no results counts as a failure.
. /tests/tap.sh
dir=/sys/kernel/debug/kunit
for s in ${KUNIT_SUITES:-}; do
	[ -f "$dir/$s/results" ] || fail "suite $s did not run"
done
for r in "$dir"/*/results; do
	[ -f "$r" ] || continue
	suite=$(basename "$(dirname "$r")")
	# A result line is a leaf case unless the result line before it was
	# deeper (then it closes a subtest). Names of open subtests prefix it.
	# awk prints "ok|not ok<TAB>suite.subtest.case[ # SKIP reason]".
	cases=$(awk -v suite="$suite" '
	function indent(s) { match(s, /^ */); return RLENGTH }
	/^ *# Subtest: / { d = indent($0); sub(/^ *# Subtest: /, ""); name[d] = $0; next }
	/^ *(not )?ok [0-9]+/ {
		d = indent($0); line = $0; sub(/^ */, "", line)
		res = line ~ /^not ok/ ? "not ok" : "ok"
		sub(/^(not )?ok [0-9]+ /, "", line)
		if (prev > d) { prev = d; next }
		prev = d
		path = suite
		for (i = 8; i <= d; i += 4)
			if (i in name) path = path "." name[i]
		print res "\t" path "." line
	}' "$r") || { fail "suite $suite: results readable"; continue; }
	[ -n "$cases" ] || { fail "suite $suite reported no case"; continue; }
	tab=$(printf '\t')
	while IFS="$tab" read -r res name; do
		if [ "$res" = ok ]; then pass "$name"; else fail "$name"; fi
	done <<EOT
$cases
EOT
done
tap_done
