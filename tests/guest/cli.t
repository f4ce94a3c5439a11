#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The bigphys CLI: info agrees with /proc/bigphysarea, alloc, selftest,
# --help everywhere, exit codes.
. /tests/tap.sh

proc_kb=$(proc_area size)
info=$(bigphys info)
check_eq "info size matches /proc/bigphysarea" \
	"$(echo "$info" | awk '/^size:/{print $2}')" "$proc_kb"
check_eq "info free matches /proc/bigphysarea" \
	"$(echo "$info" | awk '/^free:/{print $2}')" "$(proc_area free)"
check_eq "info largest block matches /proc/bigphysarea" \
	"$(echo "$info" | awk '/^largest free block:/{print $4}')" \
	"$(proc_area largest_free)"
json=$(bigphys info --json)
check_eq "info --json total" "$(echo "$json" | sed -n 's/.*"total": \([0-9]*\).*/\1/p')" $((proc_kb * 1024))
check "info --json is one JSON object" sh -c "echo '$json' | grep -q '^{.*}\$'"

out=$(bigphys alloc 1M --align 64K)
check "alloc 1M prints id, size, offset, phys" sh -c "echo '$out' | grep -q '^id [0-9]* size 1048576 offset 0x[0-9a-f]* phys 0x[0-9a-f]*'"
bigphys alloc 2M --hold 3 >/tmp/hold.out &
sleep 2
check_eq "alloc --hold keeps the buffer (seen in /proc/bigphysarea)" \
	"$(proc_area used)" 2048
check "debugfs names the owner" grep -q ' bigphys$' /sys/kernel/debug/bigphysarea/allocations
wait
check_eq "held buffer freed on exit" "$(proc_area used)" 0

out=$(bigphys selftest --size 4M --rounds 2)
rc=$?
check_eq "selftest exit status" "$rc" 0
check "selftest reports MB/s and 0 bad words" sh -c "echo '$out' | grep -q 'MB/s.* 0 bad words'"
diag "$out"

for c in "" "info" "alloc" "selftest"; do
	bigphys $c --help >/dev/null 2>&1
	check_eq "bigphys $c --help exits 0" "$?" 0
done
bigphys frobnicate >/dev/null 2>&1; check_eq "unknown command: exit 2" "$?" 2
bigphys alloc >/dev/null 2>&1; check_eq "alloc without SIZE: exit 2" "$?" 2
bigphys alloc 12Q >/dev/null 2>&1; check_eq "alloc bad size: exit 2" "$?" 2
bigphys alloc 1M --align x >/dev/null 2>&1; check_eq "alloc bad align: exit 2" "$?" 2
bigphys alloc 1M --hold -1 >/dev/null 2>&1; check_eq "alloc bad hold: exit 2" "$?" 2
bigphys alloc 1M --uncached --write-combine >/dev/null 2>&1; check_eq "alloc conflicting cache modes: exit 2" "$?" 2
bigphys alloc 1T >/dev/null 2>&1; check_eq "alloc larger than the area: exit 1" "$?" 1
bigphys alloc 4K --align 3K >/dev/null 2>&1; check_eq "alloc non-power-of-two align: exit 1" "$?" 1
bigphys --device /nonexistent info >/dev/null 2>&1; check_eq "missing device: exit 3" "$?" 3
bigphys info extra >/dev/null 2>&1; check_eq "info with extra argument: exit 2" "$?" 2
check_eq "CLI tests leave the area free" "$(proc_area used)" 0
tap_done
