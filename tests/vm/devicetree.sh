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
dyn() { printf '\t\t%s {\n\t\t\tcompatible = "bigphysarea";\n\t\t\tsize = <0x0 %s>;\n%s\t\t};\n' "$1" "$2" "${3:-}"; }
fix() { printf '\t\t%s@%x {\n\t\t\tcompatible = "bigphysarea";\n\t\t\treg = <0x0 %s 0x0 %s>;\n%s\t\t};\n' "$1" "$(($2))" "$2" "$3" "${4:-}"; }

# "name|nodes|extra kernel args|want area kB or none|want problem lines|grep for them"
cases=(
	"dynamic|$(dyn bigphysarea 0x2000000 $'\t\t\talloc-ranges = <0x0 0x40000000 0x0 0x40000000>;\n\t\t\talignment = <0x0 0x200000>;\n')||32768|0|"
	"fixed|$(fix bigphysarea 0x50000000 0x1000000)||16384|0|"
	"cmdline-wins|$(dyn bigphysarea 0x2000000)|bigphysarea=8M|8192|1|bigphysarea= on the command line overrides it"
	"cmdline-wins-fixed|$(fix bigphysarea 0x50000000 0x1000000)|bigphysarea=8M|8192|1|overrides it; the region stays reserved"
	"no-map|$(dyn bigphysarea 0x1000000 $'\t\t\tno-map;\n')||none|1|\"no-map\" memory is not in the kernel direct map"
	"reusable|$(dyn bigphysarea 0x1000000 $'\t\t\treusable;\n')||none|1|\"reusable\" memory is lent"
	"unaligned|$(dyn bigphysarea 0x100800)||none|1|base and size must be page aligned"
	"over-kernel|$(fix bigphysarea 0x40000000 0x4000000)||none|1|overlaps the kernel image"
	"overlap|$(fix other 0x50000000 0x1000000; fix bigphysarea 0x50800000 0x1000000)||none|1|overlaps another reserved-memory node"
	"not-ram|$(fix bigphysarea 0x20000000 0x1000000)||none|1|it is not all RAM"
	"two-nodes|$(dyn bigphysarea 0x1000000; dyn bigphysarea2 0x800000)||16384|1|another node defines the area already"
	"too-big|$(dyn bigphysarea 0x80000000)||none|0|"
)

for c in "${cases[@]}"; do
	IFS='|' read -r name nodes args want nprob pat <<<"$c"
	mkdtb "$name" "$nodes"
	out=$("$VMRUN" --mem $MEM --smp $SMP --timeout 120 --dtb "$work/$name.dtb" \
		--append "kunit.enable=0 $args" -- sh -c 'echo REACHED-USERSPACE; echo LOG-BEGIN;
		dmesg | grep -E "bigphysarea: |OF: reserved mem"; echo LOG-END;
		. /tests/tap.sh; echo "AREA=$(proc_area size)"; grep " : Bigphysarea$" /proc/iomem' 2>&1)
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
	case "$name" in
	fixed) check "fixed: the area is the node's reg" grep -q '^ *50000000-50ffffff : Bigphysarea' <<<"$out" ;;
	dynamic) check "dynamic: the area is within alloc-ranges" \
		grep -qE '^ *[4-7][0-9a-f]{7}-[4-7][0-9a-f]{7} : Bigphysarea' <<<"$out" ;;
	too-big) check "too-big: the device-tree code says it could not allocate the node" \
		grep -q 'OF: reserved mem: failed to allocate memory for node' <<<"$log" ;;
	esac
done
tap_done
