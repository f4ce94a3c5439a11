#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-guest part of make bench (bench kernel, booted with bigphysarea= and
# cma= of the same size). Prints "BENCH ..." lines for scripts/bench.
#   bench.sh contig|churn|scale|mmap|fault|grab|heap|odirect|dmabuf|all
# odirect (and all) overwrite the first virtio disk (scripts/bench attaches
# a scratch image).
B=/sys/kernel/debug/bigphysarea_bench
run() { echo "$*" >$B/cmd && cat $B/result || echo "error"; }

contig() {	# $1: idle|frag
	for size in 4M 64M 256M; do
		bytes=$(( ${size%M} << 20 ))
		case $size in 4M) iters=20 ;; 64M) iters=8 ;; 256M) iters=4 ;; esac
		for m in bigphys cma contig; do
			for z in 0 1; do
				echo "BENCH contig $1 $m $size zero=$z $(run contig $m $bytes $iters $z)"
			done
		done
	done
}

fragment() {
	# Movable: page cache in tmpfs and anonymous memory over most of RAM
	# (they spill into the CMA area, which then has to migrate them);
	# unmovable: scattered kernel pages.
	free_mb=$(awk '/^MemAvailable:/{print int($2 / 1024)}' /proc/meminfo)
	dd if=/dev/zero of=/tmp/fill bs=1M count=$((free_mb * 6 / 10)) 2>/dev/null
	echo "BENCH frag tmpfs_MB $((free_mb * 6 / 10)) $(run frag 128)"
}

heap() {	# $1: idle|frag. dma-buf heap ALLOC latency, bigphys vs CMA heap
	bigphys-bench heap "$1" 4 16 5	# MiB, batch (timed together), rounds
	bigphys-bench heap "$1" 64 2 4
}

odirect() {	# O_DIRECT MB/s from a bigphys heap buffer vs anonymous memory
	for b in /sys/block/vd*; do
		[ -e "$b" ] || continue
		bigphys-bench odirect 32 3 "/dev/${b##*/}"
		return
	done
	echo "BENCH odirect error no_disk"
}

churn() {
	for size in 4096 65536 1048576; do
		for m in bigphys kmalloc pages; do
			echo "BENCH churn $m $size $(run churn $m $size 2000)"
		done
	done
}

scale() {
	for live in 1 10 100 1000 10000; do
		echo "BENCH scale live $live $(run scale $live 2000)"
	done
}

fault() {
	# Whole-area fault rate: 1 vs 10 000 live buffers, and with a WC
	# alloc/free loop running beside it (against a cached loop: the
	# same CPU load without memory type changes).
	bigphys-bench fault 1 3
	bigphys-bench fault 10000 3
	bigphys-bench fault 1 3 cached
	bigphys-bench fault 1 3 wc
}

grab() {
	# Highest 1920x1080 YUYV frame rate with 0 drops over 10 s (bisection),
	# above the 60 fps the grabber offers by default.
	modprobe bpgrab max_fps=1000
	lo=0 hi=512
	while [ $((hi - lo)) -gt 1 ]; do
		mid=$(( (lo + hi) / 2 ))
		out=$(bpgrab-capture -q --no-pattern -W 1920 -H 1080 -f yuyv -b 16 -r $mid -s 10 2>&1)
		if [ $? = 0 ] && echo "$out" | grep -q 'drops 0 '; then lo=$mid; else hi=$mid; fi
		echo "BENCH grab try fps $mid $(echo "$out" | head -n1)"
	done
	echo "BENCH grab max_fps $lo frame_bytes $((1920 * 1080 * 2))"
}

case ${1:-all} in
contig) contig idle ;;
churn) churn ;;
scale) scale ;;
mmap) bigphys-bench 16 3 ;;
fault) fault ;;
grab) grab ;;
heap) heap idle ;;
odirect) odirect ;;
dmabuf)	# the dma-buf figures alone: heap idle, O_DIRECT, heap after filling memory
	heap idle
	odirect
	fragment
	heap frag
	;;
all)
	bigphys-bench 16 3
	fault
	churn
	scale
	contig idle
	heap idle
	odirect
	grab
	fragment
	contig frag
	heap frag
	;;
esac
