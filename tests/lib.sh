# SPDX-License-Identifier: GPL-2.0
# TAP helpers for host-side and VM-driving tests (bash). Source it.
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TAP_PREFIX=${TAP_PREFIX:-$(basename "$0" .sh)}
TAP_FAILED=0
pass() { echo "ok - $TAP_PREFIX: $*"; }
fail() { echo "not ok - $TAP_PREFIX: $*"; TAP_FAILED=$((TAP_FAILED + 1)); }
skip() { echo "ok - $TAP_PREFIX: $1 # SKIP ${2:-}"; }
diag() { echo "# $*"; }
check() { local n=$1; shift; if "$@"; then pass "$n"; else fail "$n"; fi; }
check_eq() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1 (got '$2', want '$3')"; fi; }
tap_done() { exit $((TAP_FAILED > 0)); }
VMRUN=$TOP/scripts/vm-run
