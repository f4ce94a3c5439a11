#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The boot reservation as seen from userspace. Expects bigphysarea=4096.
. /tests/tap.sh

want_kb=$((4096 * $(getconf PAGESIZE 2>/dev/null || echo 4096) / 1024))
line=$(grep ' : Bigphysarea$' /proc/iomem)
if [ -n "$line" ]; then
	range=$(echo "$line" | sed 's/^ *\([0-9a-f]*\)-\([0-9a-f]*\) .*/\1 \2/')
	start=$(printf '%d' "0x${range% *}"); end=$(printf '%d' "0x${range#* }")
	check_eq "/proc/iomem Bigphysarea is 16 MiB" $(( (end - start + 1) / 1024 )) $want_kb
	check "/proc/iomem Bigphysarea is inside System RAM" \
		sh -c "awk '/System RAM/{p=\$0} / : Bigphysarea\$/{print p; exit}' /proc/iomem | grep -q '^ *[0-9a-f]*-[0-9a-f]* : System RAM'"
else
	fail "/proc/iomem has a Bigphysarea range"
fi

check_eq "/proc/bigphysarea size line" "$(head -n1 /proc/bigphysarea)" \
	"Big physical area, size $want_kb kB"
check_eq "/proc/bigphysarea all free" "$(proc_area free) $(proc_area used)" "$want_kb 0"
check_eq "/proc/bigphysarea one free block, no allocations" \
	"$(proc_area free_blocks) $(proc_area allocs)" "1 0"
check_eq "/proc/bigphysarea header line" "$(sed -n 2p /proc/bigphysarea)" \
	"                       free list:             used list:"
check_eq "boot log reports the reservation once" \
	"$(dmesg | grep -c 'bigphysarea: reserved 16384 KiB at \[mem ')" 1
check_eq "debugfs lists no allocations" \
	"$(wc -l < /sys/kernel/debug/bigphysarea/allocations)" 0
check_eq "debugfs bad_frees is zero" "$(cat /sys/kernel/debug/bigphysarea/bad_frees)" 0
tap_done
