# SPDX-License-Identifier: GPL-2.0
# Minimal TAP helpers for the in-guest tests (busybox sh). Source it.
# Each result is one line "ok - NAME" / "not ok - NAME"; the host counts them.
TAP_FAILED=0
TAP_PREFIX=${TAP_PREFIX:-$(basename "$0" .t)}

pass() { echo "ok - $TAP_PREFIX: $*"; }
fail() { echo "not ok - $TAP_PREFIX: $*"; TAP_FAILED=$((TAP_FAILED + 1)); }
skip() { echo "ok - $TAP_PREFIX: $1 # SKIP ${2:-}"; }
diag() { printf '%s\n' "$*" | sed 's/^/# /'; }

# check NAME CMD...: pass if CMD succeeds.
check() {
	name=$1; shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}

# check_eq NAME GOT WANT
check_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1 (got '$2', want '$3')"; fi
}

# check_fails NAME CMD...: pass if CMD fails.
check_fails() {
	name=$1; shift
	if "$@"; then fail "$name (unexpectedly succeeded)"; else pass "$name"; fi
}

tap_done() { exit $((TAP_FAILED > 0)); }
