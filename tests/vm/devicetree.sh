#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The area from a device-tree reserved-memory node (arm64): QEMU's own
# device tree (-machine dumpdtb) with a bigphysarea node added by dtc.
# Every boot must reach userspace and log the documented lines: good
# nodes give the area, bad ones exactly one "bigphysarea:" problem line
# and no area, and bigphysarea= on the command line wins over the node.
. "$(dirname "$0")/../tap.sh"
if [ "$GUEST_ARCH" != arm64 ]; then
	skip "device-tree reserved-memory node" "$GUEST_ARCH guests boot without a device tree"
	tap_done
fi
command -v dtc >/dev/null || { fail "dtc is installed (make deps ARCH=arm64)"; tap_done; }

work=$(mktemp -d "${TMPDIR:-/tmp}/bigphys-dt.XXXXXX")
trap 'rm -rf "$work"' EXIT
MEM=1G SMP=1
"$VMRUN" --mem $MEM --smp $SMP --dump-dtb "$work/virt.dtb" >/dev/null 2>&1
check "QEMU dumps its virt device tree" test -s "$work/virt.dtb"
dtc -q -I dtb -O dts -o "$work/virt.dts" "$work/virt.dtb"

# mkdtb NAME NODES: virt.dtb plus a /reserved-memory node holding NODES.
mkdtb() {
	{ cat "$work/virt.dts"
	  printf '/ {\n\treserved-memory {\n\t\t#address-cells = <2>;\n\t\t#size-cells = <2>;\n\t\tranges;\n%s\n\t};\n};\n' "$2"
	} >"$work/$1.dts"
	dtc -q -I dts -O dtb -o "$work/$1.dtb" "$work/$1.dts"
}
# dyn NAME SIZE [PROPS]: a node the kernel allocates, 2 MiB aligned.
dyn() { dyn_noalign "$1" "$2" $'\t\t\talignment = <0x0 0x200000>;\n'"${3:-}"; }
dyn_noalign() { printf '\t\t%s {\n\t\t\tcompatible = "bigphysarea";\n\t\t\tsize = <0x0 %s>;\n%s\t\t};\n' "$1" "$2" "${3:-}"; }
# plain NAME BASE SIZE [BASE2 SIZE2]: a reserved region of some other
# use (no compatible), with one or two reg entries.
plain() {
	printf '\t\t%s@%x {\n\t\t\treg = <0x0 %s 0x0 %s%s>;\n\t\t};\n' "$1" "$(($2))" "$2" "$3" \
		"${4:+ 0x0 $4 0x0 $5}"
}
fix() { printf '\t\t%s@%x {\n\t\t\tcompatible = "bigphysarea";\n\t\t\treg = <0x0 %s 0x0 %s>;\n%s\t\t};\n' "$1" "$(($2))" "$2" "$3" "${4:-}"; }

# dt_case NAME KERNEL-ARGS WANT-AREA-KB|none WANT-PROBLEM-LINES PATTERN NODES:
# boot with NODES under /reserved-memory; PATTERN must be in the log.
dt_case() {
	local name=$1 args=$2 want=$3 nprob=$4 pat=$5 nodes=$6 out rc log problems size
	mkdtb "$name" "$nodes"
	out=$("$VMRUN" --mem $MEM --smp $SMP --timeout 120 --dtb "$work/$name.dtb" \
		--append "kunit.enable=0 $args" -- sh -c 'echo REACHED-USERSPACE; echo LOG-BEGIN;
		dmesg | grep -E "bigphysarea: |OF: reserved mem"; echo LOG-END;
		. /tests/tap.sh; echo "AREA=$(proc_area size)"; grep " : Bigphysarea$" /proc/iomem; true' 2>&1)
	rc=$?
	log=$(sed -n '/^LOG-BEGIN$/,/^LOG-END$/p' <<<"$out")
	problems=$(grep 'bigphysarea: ' <<<"$log" | grep -vc 'bigphysarea: reserved ')
	size=$(sed -n 's/^AREA=//p' <<<"$out")
	if [ $rc = 0 ] && grep -q REACHED-USERSPACE <<<"$out" && [ "$problems" = "$nprob" ] &&
		[ "$size" = "$want" ] && { [ -z "$pat" ] || grep -qF -- "$pat" <<<"$log"; }; then
		pass "$name: boots, $nprob problem line(s), area $want"
	else
		fail "$name (rc $rc, $problems problem lines, area ${size:-?}; want $nprob, $want${pat:+, '$pat'})"
	fi
	grep -E 'bigphysarea: |OF: reserved mem' <<<"$log" | grep -v 'bigphysarea: reserved ' |
		sed 's/^\[[^]]*\] /#   /'
	OUT=$out LOG=$log
}

dt_case dynamic "" 32768 0 "" "$(dyn bigphysarea 0x2000000 $'\t\t\talloc-ranges = <0x0 0x40000000 0x0 0x40000000>;\n')"
check "dynamic: the area is within alloc-ranges" \
	grep -qE '^ *[4-7][0-9a-f]{7}-[4-7][0-9a-f]{7} : Bigphysarea' <<<"$OUT"
dt_case fixed "" 16384 0 "" "$(fix bigphysarea 0x50000000 0x1000000)"
check "fixed: the area is the node's reg" grep -q '^ *50000000-50ffffff : Bigphysarea' <<<"$OUT"
dt_case cmdline-wins bigphysarea=8M 8192 1 "bigphysarea= on the command line overrides it" \
	"$(dyn bigphysarea 0x2000000)"
dt_case cmdline-wins-fixed bigphysarea=8M 8192 1 "overrides it; the region stays reserved" \
	"$(fix bigphysarea 0x50000000 0x1000000)"
dt_case no-map "" none 1 '"no-map" memory is not in the kernel direct map' \
	"$(dyn bigphysarea 0x1000000 $'\t\t\tno-map;\n')"
dt_case reusable "" none 1 '"reusable" memory is lent' "$(dyn bigphysarea 0x1000000 $'\t\t\treusable;\n')"
dt_case unaligned "" none 1 "base and size must be page aligned" "$(dyn bigphysarea 0x100800)"
dt_case over-kernel "" none 1 "overlaps the kernel image" "$(fix bigphysarea 0x40000000 0x4000000)"
dt_case overlap "" none 1 "overlaps another reserved-memory node" \
	"$(plain other 0x50000000 0x1000000; fix bigphysarea 0x50800000 0x1000000)"
dt_case overlap-2nd-reg "" none 1 "overlaps another reserved-memory node" \
	"$(plain other 0x60000000 0x100000 0x50800000 0x100000; fix bigphysarea 0x50000000 0x1000000)"
dt_case no-alignment "" none 1 'a "size" node needs an "alignment"' \
	"$(dyn_noalign bigphysarea 0x1000000)"
dt_case not-ram "" none 1 "it is not all RAM" "$(fix bigphysarea 0x20000000 0x1000000)"
dt_case two-nodes "" 16384 1 "another node defines the area already" \
	"$(dyn bigphysarea 0x1000000; dyn bigphysarea2 0x800000)"
dt_case too-big "" none 0 "" "$(dyn bigphysarea 0x80000000)"
check "too-big: the device-tree code says it could not allocate the node" \
	grep -q 'OF: reserved mem: failed to allocate memory for node' <<<"$LOG"
tap_done
