#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Report every KUnit case in /sys/kernel/debug/kunit as one TAP line.
# Parameterised cases count one line per parameter. A suite given in
# $KUNIT_SUITES that has no results counts as a failure.
dir=/sys/kernel/debug/kunit
rc=0
for s in ${KUNIT_SUITES:-}; do
	[ -f "$dir/$s/results" ] || { echo "not ok - kunit: suite $s did not run"; rc=1; }
done
for r in "$dir"/*/results; do
	[ -f "$r" ] || continue
	suite=$(basename "$(dirname "$r")")
	# A result line is a leaf case unless the result line before it was
	# deeper (then it closes a subtest). Names of open subtests prefix it.
	awk -v suite="$suite" '
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
		if (res == "not ok") bad = 1
		print res " - kunit: " path "." line
	}
	END { exit bad }' "$r" || rc=1
done
exit $rc
