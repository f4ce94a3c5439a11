#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The bigphys CLI: info agrees with /proc/bigphysarea, alloc, selftest,
# dma-bufs (alloc --export, alloc --heap), --help everywhere, exit codes.
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
# wait_out FILE: until a --hold run has printed its buffer (up to 20 s);
# it holds it for 60 s, and is killed once checked.
wait_out() {
	for i in $(seq 100); do [ -s "$1" ] && return 0; sleep 0.2; done
	return 1
}
bigphys alloc 2M --hold 60 >/tmp/hold.out &
pid=$!
wait_out /tmp/hold.out
check_eq "alloc --hold keeps the buffer (seen in /proc/bigphysarea)" \
	"$(proc_area used)" 2048
check "debugfs names the owner" grep -q ' bigphys$' /sys/kernel/debug/bigphysarea/allocations
kill $pid; wait $pid
check_eq "held buffer freed on exit" "$(proc_area used)" 0

# dma-bufs: a /dev/bigphys buffer exported, and one from the heap.
out=$(bigphys alloc 1M --export)
check_eq "alloc 1M --export exit status" "$?" 0
check "alloc --export prints the buffer, then the dma-buf fd and inode" sh -c \
	"echo '$out' | sed -n 1p | grep -q '^id [0-9]* size 1048576 ' &&
	 echo '$out' | sed -n 2p | grep -q '^exported as dma-buf fd [0-9][0-9]* (inode [1-9][0-9]*)\$'"
diag "$out"
json=$(bigphys alloc 64K --export --json)
check_eq "alloc --export --json exit status" "$?" 0
check "alloc --export --json: one object with id, size, dmabuf_fd, dmabuf_inode" sh -c \
	"echo '$json' | grep -q '^{\"id\": [0-9]*, \"size\": 65536, .*\"dmabuf_fd\": [0-9][0-9]*, \"dmabuf_inode\": [1-9][0-9]*}\$'"
check_eq "exported buffers freed on exit" "$(proc_area used)" 0
bigphys alloc 2M --export --hold 60 >/tmp/export.out &
pid=$!
wait_out /tmp/export.out
check_eq "alloc --export --hold keeps the buffer (seen in /proc/bigphysarea)" \
	"$(proc_area used)" 2048
fd=$(sed -n 's/^exported as dma-buf fd \([0-9]*\) .*/\1/p' /tmp/export.out)
check "the held dma-buf is an open dma-buf file of the process" \
	sh -c "readlink /proc/$pid/fd/$fd | grep -q dmabuf"
check "its fdinfo gives the buffer's size" \
	grep -q "^size:[[:space:]]*2097152\$" "/proc/$pid/fdinfo/$fd"
diag "$(cat "/proc/$pid/fdinfo/$fd" 2>&1)"
kill $pid; wait $pid
check_eq "buffer and dma-buf freed on exit (--export --hold)" "$(proc_area used)" 0

check "the heap exists: /dev/dma_heap/bigphys" test -c /dev/dma_heap/bigphys
out=$(bigphys alloc 5000 --heap)
check_eq "alloc 5000 --heap exit status" "$?" 0
check "alloc --heap prints the heap, the page-rounded size, the dma-buf fd and inode" sh -c \
	"echo '$out' | grep -q '^heap /dev/dma_heap/bigphys size 8192 dma-buf fd [0-9][0-9]* (inode [1-9][0-9]*)\$'"
diag "$out"
json=$(bigphys alloc 1M --heap=/dev/dma_heap/bigphys --json)
check "alloc --heap=PATH --json: one object with heap, size, dmabuf_fd, dmabuf_inode" sh -c \
	"echo '$json' | grep -q '^{\"heap\": \"/dev/dma_heap/bigphys\", \"size\": 1048576, \"dmabuf_fd\": [0-9][0-9]*, \"dmabuf_inode\": [1-9][0-9]*}\$'"
bigphys alloc 3M --heap --hold 60 >/tmp/heap.out &
pid=$!
wait_out /tmp/heap.out
check_eq "alloc --heap --hold: the heap's buffer is in the area (/proc/bigphysarea)" \
	"$(proc_area used)" 3072
kill $pid; wait $pid
check_eq "heap buffer freed on exit" "$(proc_area used)" 0
bigphys alloc 1M --heap --export >/dev/null 2>&1; check_eq "alloc --heap --export: exit 2" "$?" 2
bigphys alloc 1M --heap --uncached >/dev/null 2>&1; check_eq "alloc --heap --uncached: exit 2" "$?" 2
bigphys alloc 1M --heap --align 1M >/dev/null 2>&1; check_eq "alloc --heap --align: exit 2" "$?" 2
bigphys alloc 1T --heap >/dev/null 2>&1; check_eq "alloc --heap larger than the area: exit 1" "$?" 1
bigphys alloc 1T --export >/dev/null 2>&1; check_eq "alloc --export larger than the area: exit 1" "$?" 1
bigphys alloc 1M --heap=/dev/dma_heap/nonexistent >/dev/null 2>&1
check_eq "alloc --heap from a missing heap: exit 3" "$?" 3

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
