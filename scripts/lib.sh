# SPDX-License-Identifier: GPL-2.0
# Common settings and helpers for the bigphys scripts. Source, do not run.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
LOGS=$BUILD/logs
# Which kernel configuration we build: "test" (default) or "debug".
FLAVOUR=${FLAVOUR:-test}
# Kernel source tree with the series applied (quilt-managed unless KSRC is given).
SRC=${KSRC:-$BUILD/src}
# Out-of-tree object directory; build/linux points at the default one.
OBJ=$BUILD/obj-$FLAVOUR
PRISTINE_TARBALL=${PRISTINE_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
JOBS=${JOBS:-$(nproc)}
export CCACHE_DIR=${CCACHE_DIR:-$BUILD/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
# Paths below build/ become relative, so object directories share hits.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$BUILD}

mkdir -p "$LOGS"

_t0=$(date +%s)
# step NAME: announce a long step with the elapsed time since the script began.
step() {
	printf '[%4ss] %s\n' "$(( $(date +%s) - _t0 ))" "$*" >&2
}

die() {
	printf '%s: error: %s\n' "$(basename "$0")" "$*" >&2
	exit 1
}

# run_logged LOGNAME CMD...: run CMD with output in build/logs/LOGNAME.log;
# on failure show the log tail and fail.
run_logged() {
	local log=$LOGS/$1.log
	shift
	if ! "$@" >"$log" 2>&1; then
		tail -n 40 "$log" >&2
		die "'$*' failed; full log: $log"
	fi
}

# Print patch file names from the top-level series, in order.
series_patches() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/series" | awk '{print $1}'
}

kmake() {
	make -C "$SRC" O="$OBJ" -j"$JOBS" CC="ccache gcc" HOSTCC="ccache gcc" "$@"
}
