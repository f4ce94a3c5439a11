# SPDX-License-Identifier: GPL-2.0
# The shell TAP library of every test: host-side and VM-driving tests
# (bash: tests/host, tests/vm, tests/debug) and the in-guest tests (busybox
# sh: scripts/initramfs puts this file at /tests/tap.sh). Source it; keep it
# to what both shells run. The C test programs have userspace/tools/tap.h.
#
# Each result is one line "ok - PREFIX: NAME" or "not ok - PREFIX: NAME"
# (PREFIX: the test's file name without .sh/.t); tests/run counts them.

TAP_FAILED=0
TAP_PREFIX=${TAP_PREFIX:-$(basename "$0" .sh)}
TAP_PREFIX=${TAP_PREFIX%.t}

pass() { echo "ok - $TAP_PREFIX: $*"; }
fail() { echo "not ok - $TAP_PREFIX: $*"; TAP_FAILED=$((TAP_FAILED + 1)); }
# skip NAME [REASON]
skip() { echo "ok - $TAP_PREFIX: $1 # SKIP ${2:-}"; }
# diag TEXT: every line of TEXT as a TAP comment.
diag() { printf '%s\n' "$*" | sed 's/^/# /'; }

# check NAME CMD...: pass if CMD succeeds.
check() {
	local _name=$1
	shift
	if "$@"; then pass "$_name"; else fail "$_name"; fi
}

# check_fails NAME CMD...: pass if CMD fails.
check_fails() {
	local _name=$1
	shift
	if "$@"; then fail "$_name (unexpectedly succeeded)"; else pass "$_name"; fi
}

# check_eq NAME GOT WANT
check_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1 (got '$2', want '$3')"; fi
}

tap_done() { exit $((TAP_FAILED > 0)); }

# proc_area FIELD [FILE]: one number from /proc/bigphysarea (or FILE, its
# text), the only parser of that layout:
#   size, free, used, largest_free, largest_used   kB
#   free_blocks, allocs                            counts
#   held (kB), held_blocks                         freed but still referenced
# Prints "none" when no area is reserved, nothing for an unknown FIELD.
proc_area() {
	awk -v f="$1" '
	/^No big physical area allocated!/ { none = 1 }
	/^Big physical area, size [0-9]+ kB$/ { v["size"] = $5 }
	/^number of blocks:/ { v["free_blocks"] = $4; v["allocs"] = $5 }
	/^size of largest block:/ { v["largest_free"] = $5; v["largest_used"] = $7 }
	/^total:/ { v["free"] = $2; v["used"] = $4 }
	/^held \(still referenced\):/ { v["held"] = $4; v["held_blocks"] = $7 }
	END { if (none) print "none"; else if (f in v) print v[f] }' "${2:-/proc/bigphysarea}"
}

# Host side (bash): the repo and the VM runner.
if [ -n "${BASH_VERSION:-}" ]; then
	TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	VMRUN=$TOP/scripts/vm-run
	# The architecture of the flavour the VM tests boot (configs/flavours).
	GUEST_ARCH=$(awk -v f="${FLAVOUR:-test}" '!/^#/ && $1 == f { print $2 }' "$TOP/configs/flavours")
fi
