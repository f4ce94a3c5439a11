#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Reservation facts that need more than one boot: MemTotal drops by the
# area's size, placement limits and fixed bases are honoured.
. "$(dirname "$0")/../tap.sh"

memtotal() { "$VMRUN" "$@" -- sh -c "awk '/^MemTotal:/{print \$2}' /proc/meminfo" 2>/dev/null | grep -E '^[0-9]+$'; }
without=$(memtotal)
with=$(memtotal --append bigphysarea=4096)
check_eq "MemTotal drops by 16384 kB with bigphysarea=4096" "$((without - with))" 16384

# iomem_range ARGS...: print "start end" (hex) of the Bigphysarea range.
iomem_range() {
	"$VMRUN" "$@" -- sh -c 'grep " : Bigphysarea$" /proc/iomem' 2>/dev/null |
		sed -n 's/^ *\([0-9a-f]*\)-\([0-9a-f]*\) : Bigphysarea.*/\1 \2/p'
}

# With 6 GiB of RAM the top-down reservation would land above 4 GiB.
read -r s e < <(iomem_range --mem 6G --append "bigphysarea=64M")
check "without a limit the area is above 4 GiB (so the next test means something)" \
	test -n "$s" -a "$((0x${s:-0}))" -ge $((1 << 32))
read -r s e < <(iomem_range --mem 6G --append "bigphysarea=64M@0-4G")
check "bigphysarea=64M@0-4G: area exists" test -n "$s"
check "bigphysarea=64M@0-4G: whole area below 4 GiB" test -n "$e" -a "$((0x${e:-0}))" -lt $((1 << 32))
check_eq "bigphysarea=64M@0-4G: 64 MiB" "$(( (0x${e:-0} - 0x${s:-0} + 1) >> 20 ))" 64

# RAM starts at 0 on the PC, at 1 GiB on QEMU's arm64 virt machine.
case "$GUEST_ARCH" in arm64) ram=$((1 << 30)) ;; *) ram=0 ;; esac
fixed=$(printf '%x' $((ram + 0x20000000)))
read -r s e < <(iomem_range --append "bigphysarea=16M@0x$fixed")
check_eq "bigphysarea=16M@0x$fixed: fixed base honoured" "${s:-none} ${e:-none}" \
	"$fixed $(printf '%x' $((0x$fixed + (16 << 20) - 1)))"

read -r s e < <(iomem_range --append "mem=512M bigphysarea=64M")
check "mem=512M bigphysarea=64M: area below RAM + 512 MiB" test -n "$e" -a "$((0x${e:-0}))" -lt $((ram + (512 << 20)))
tap_done
