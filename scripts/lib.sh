# SPDX-License-Identifier: GPL-2.0
# Common settings and helpers for the bigphys scripts. Source, do not run.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
LOGS=$BUILD/logs
# Which kernel flavour we build: a row of configs/flavours ("test" by default).
FLAVOUR=${FLAVOUR:-test}
FLAVOURS_TABLE=$TOP/configs/flavours
# flavour_row NAME: print "arch root configs..." of NAME from the table.
flavour_row() {
	awk -v f="$1" '!/^#/ && $1 == f { $1 = ""; print substr($0, 2); found = 1 } END { exit !found }' \
		"$FLAVOURS_TABLE"
}
_row=$(flavour_row "$FLAVOUR") || {
	printf '%s: error: no flavour "%s" in %s\n' "$(basename "$0")" "$FLAVOUR" "$FLAVOURS_TABLE" >&2
	exit 1
}
read -r ARCH _root _configs <<<"$_row"
# Kconfig fragments of this flavour, in order.
read -r -a FRAGMENTS <<<"$_configs"
FRAGMENTS=("${FRAGMENTS[@]/#/$TOP/configs/}")
FRAGMENTS=("${FRAGMENTS[@]/%/.config}")
# KARCH: the kernel's ARCH; SRCARCH: its arch/ directory; KTARGET: the
# image target; KIMAGE: its path in OBJ; CROSS: the CROSS_COMPILE prefix
# (Debian's cross compilers); QEMU: the system emulator that boots it.
CROSS="" QEMU=""
case "$ARCH" in
x86_64) KARCH=x86 SRCARCH=x86 KTARGET=bzImage KIMAGE=arch/x86/boot/bzImage QEMU=qemu-system-x86_64 ;;
# 32-bit x86: built (the series must build warning-free), not booted.
i386) KARCH=i386 SRCARCH=x86 KTARGET=bzImage KIMAGE=arch/x86/boot/bzImage ;;
# 64-bit Arm, cross-compiled (gcc-aarch64-linux-gnu), booted on QEMU's virt machine.
arm64) KARCH=arm64 SRCARCH=arm64 KTARGET=Image KIMAGE=arch/arm64/boot/Image
       CROSS=aarch64-linux-gnu- QEMU=qemu-system-aarch64
       # Unpacked by scripts/deps arm64 when not installed (gcc-multilib conflicts).
       [ -x "$BUILD/cross/bin/aarch64-linux-gnu-gcc" ] && PATH=$BUILD/cross/bin:$PATH ;;
*) printf '%s: error: flavour %s: arch %s is not supported yet\n' "$(basename "$0")" "$FLAVOUR" "$ARCH" >&2
   exit 1 ;;
esac
# The flavour's root: its source tree (quilt-managed, the series applied;
# KSRC=/path/to/linux replaces build/src) and its object directory
# (build/linux points at the test one).
ROOT=$BUILD/$_root
ROOT=${ROOT%/.}
if [ "$ROOT" = "$BUILD" ]; then SRC=${KSRC:-$ROOT/src}; else SRC=$ROOT/src; fi
OBJ=$ROOT/obj-$FLAVOUR
unset _row _root _configs
PRISTINE_TARBALL=${PRISTINE_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
JOBS=${JOBS:-$(nproc)}
export CCACHE_DIR=${CCACHE_DIR:-$BUILD/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
# Paths below the flavour's root become relative, so object directories
# (and roots, which all have the same layout) share hits.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$ROOT}

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

# Print the kernel paths of the files the series adds (whole), sorted.
series_added_files() {
	local p
	for p in $(series_patches); do cat "$TOP/patches/$p"; done |
		awk 'prev == "--- /dev/null" && /^\+\+\+ b\// { print substr($2, 3) } { prev = $0 }' | sort -u
}

# The host's TSC frequency in kHz, if it is an x86_64 host whose TSC runs
# at one known rate: "cpu MHz" is that rate on CPUs without cpufreq and
# without APERF/MPERF (a VM's); otherwise it is the current clock, so
# nothing then.
host_tsc_khz() {
	[ "$(uname -m)" = x86_64 ] && [ ! -e /sys/devices/system/cpu/cpu0/cpufreq ] &&
		grep -qw constant_tsc /proc/cpuinfo && ! grep -qw aperfmperf /proc/cpuinfo ||
		return 1
	LC_ALL=C awk -F': *' '/^cpu MHz/ { k = int($2 * 1000); if (k > 0) { print k; f = 1 }; exit }
		END { exit !f }' /proc/cpuinfo
}

# series_built_objects: the objects (kernel paths, .o) of the C files the
# series adds that $OBJ's last build linked into vmlinux or a module: from
# vmlinux.a and the modules' .mod lists, not from .o files on disk (a
# configuration change leaves stale ones behind).
series_built_objects() {
	local m linked
	linked=$( { (cd "$OBJ" && ar t vmlinux.a) 2>/dev/null
		if [ -f "$OBJ/modules.order" ]; then
			while read -r m; do cat "$OBJ/${m%.o}.mod" 2>/dev/null; done <"$OBJ/modules.order"
		fi; } | tr ' ' '\n' | sed '/^$/d' | sort -u)
	series_added_files | sed -n 's/\.c$/.o/p' | grep -xF -f <(printf '%s\n' "$linked") || true
}

# series_diagnostics LOG: the compiler/sparse warnings and errors in LOG
# that are located in a file the series adds (paths relative to SRC).
series_diagnostics() {
	local f pat
	pat=$(for f in $(series_added_files); do
		printf '(^|/)%s:[0-9]+:[0-9]+: (warning|error)\n' "$(sed 's/[.[\*^$]/\\&/g' <<<"$f")"
	done)
	grep -E -e "$pat" "$1" | sed "s|$SRC/||"
}

kmake() {
	make -C "$SRC" O="$OBJ" ARCH="$KARCH" ${CROSS:+CROSS_COMPILE="$CROSS"} -j"$JOBS" \
		CC="ccache ${CROSS}gcc" HOSTCC="ccache gcc" "$@"
}
