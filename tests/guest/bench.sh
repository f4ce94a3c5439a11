#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-guest part of make bench (bench kernel, booted with bigphysarea= and
# cma= of the same size). Prints "BENCH ..." lines for scripts/bench.
#   bench.sh contig|churn|scale|mmap|fault|grab|lat|irqoff|zeroed|scrub|heap|odirect|dmabuf|frag|all
# odirect (and all) overwrite the first virtio disk (scripts/bench attaches
# a scratch image).
B=/sys/kernel/debug/bigphysarea_bench
SCRUB=/sys/module/bigphysarea/parameters/scrub
run() { echo "$*" >$B/cmd && cat $B/result || echo "error"; }
. /tests/tap.sh	# proc_area
area=$(( $(proc_area size) / 1024 ))M

# Fragmentation figure: free blocks of order >= 9 (2 MiB) outside the CMA
# area, and inside it, from /proc/pagetypeinfo.
fragfig() {
	awk -v st="$1" '/^Node .* type / {
			n = 0; for (o = 9; 7 + o <= NF; o++) n += $(7 + o)
			if ($6 == "CMA") cma += n; else if ($6 != "Isolate") other += n
		}
		END { printf "BENCH fragfig %s ge9_noncma %d ge9_cma %d\n", st, other, cma }' /proc/pagetypeinfo
}

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
	# Unmovable: 128 MiB of kernel pages, all allocated first, then every
	# other one freed (bench_frag()). Movable: then page cache in a tmpfs
	# of its own (/tmp is capped at half of RAM) until only the CMA area
	# plus 96 MiB is free. The page allocator serves movable allocations
	# from CMA once CMA holds more than half of the free memory, so the
	# fill spills into the CMA area (about 80 MiB of it end up used), as
	# on a busy machine, and CMA has to migrate those pages.
	echo "BENCH frag unmovable $(run frag 128)"
	avail_mb=$(awk '/^MemAvailable:/{print int($2 / 1024)}' /proc/meminfo)
	cma_mb=$(awk '/^CmaTotal:/{print int($2 / 1024)}' /proc/meminfo)
	fill_mb=$((avail_mb - cma_mb - 96))
	[ "$fill_mb" -gt 0 ] || fill_mb=0
	mkdir -p /frag && mount -t tmpfs -o size=100% frag /frag
	dd if=/dev/zero of=/frag/fill bs=1M count=$fill_mb 2>/dev/null
	echo "BENCH frag tmpfs_MB $fill_mb cma_used_MB $(awk '/^CmaTotal:/{t = $2} /^CmaFree:/{f = $2} END {print int((t - f) / 1024)}' /proc/meminfo)"
}

# Where CMA can fail and the area cannot: N tries of 64 and 256 MiB each.
cmafail() {	# $1: pinned|full
	for size in 64M 256M; do
		bytes=$(( ${size%M} << 20 ))
		for m in bigphys cma contig; do
			echo "BENCH cmafail $1 $m $size $(run contig $m $bytes 10 0)"
		done
	done
}

failcases() {
	# No swap, tmpfs filling RAM: the page allocator spills into the CMA
	# area once the rest is gone, and migrated pages have nowhere to go.
	# (a tmpfs of its own beside fragment()'s)
	# What stays free is the CMA area's size plus 64 MiB: tmpfs pages
	# cannot be killed, and failed CMA migrations leave the pages they
	# moved outside the area, so with less (40 MiB in an earlier version)
	# unmovable memory ran out and the guest panicked ("System is
	# deadlocked on memory").
	memfree_mb=$(awk '/^MemFree:/{print int($2 / 1024)}' /proc/meminfo)
	keep_mb=$(awk '/^CmaTotal:/{print int($2 / 1024) + 64}' /proc/meminfo)
	mkdir -p /fill && mount -t tmpfs -o size=100% fill /fill
	dd if=/dev/zero of=/fill/fill2 bs=1M count=$((memfree_mb - keep_mb)) 2>/dev/null
	echo "BENCH full tmpfs_MB $((memfree_mb - keep_mb)) $(awk '/^MemFree:/{print $2 " kB free"}' /proc/meminfo)"
	fragfig full
	cmafail full
	# Room to migrate to again (fragment()'s fill goes), CMA still in use:
	# then short-term references (I/O in flight, vmsplice()d page cache)
	# on one in-use page per thousand inside the CMA area.
	rm -f /frag/fill
	umount /frag
	fragfig cmaused
	cmafail cmaused
	echo "BENCH pincma $(run pincma 1)"
	cmafail pinned
	run pincma 0 >/dev/null
	rm -f /fill/fill2
	umount /fill
}

# bigphys alloc-only and free latency per size (both timed apart).
lat() {
	sizes=""
	for size in 4K 4M 64M 256M 4G; do
		case $size in *K) b=$(( ${size%K} << 10 )) ;; *M) b=$(( ${size%M} << 20 )) ;; *G) b=$(( ${size%G} << 30 )) ;; esac
		[ $(( b >> 20 )) -gt "${area%M}" ] || { sizes="$sizes $size:$b"; scan=$(( b >> 12 )); }
	done
	for sb in $sizes; do
		size=${sb%:*} b=${sb#*:}
		echo "BENCH lat $area $size $(run lat $b 20)"
		echo "BENCH latnoref $area $size $(run lat $b 20 1)"
		# every size after the same page-reference check, that of the
		# largest size's free, and one untimed 4 KiB alloc+free
		echo "BENCH latscan $area $size $(run lat $b 40 0 1 $scan)"
	done
}

# Longest pool lock hold (interrupts off) of one alloc or free, by live buffers.
irqoff() {
	for live in 1 100 10000 100000; do
		# one page each and a hole after it: 8 KiB per live buffer
		[ $((live * 8 / 1024 + 80)) -ge "${area%M}" ] && continue
		echo "BENCH irqoff $area live $live $(run irqoff $live 2000)"
	done
}

# Everything but zeroed() and scrub() runs with scrubbing off, so that no
# scrubber chunk is out while alloc-only latency is measured.

# Zeroed allocations once the scrubber has caught up (it waits before each
# iteration, untimed), and with scrubbing off.
zeroed() {
	for size in 4M 64M 256M; do
		bytes=$(( ${size%M} << 20 ))
		case $size in 4M) iters=20 ;; 64M) iters=12 ;; 256M) iters=10 ;; esac
		echo 1 >$SCRUB
		echo "BENCH zeroed $size scrubbed $(run contig bigphys $bytes $iters 1 1)"
		echo "BENCH zeroed $size allocidle $(run contig bigphys $bytes $iters 0 1)"
		echo 0 >$SCRUB
		echo "BENCH zeroed $size noscrub $(run contig bigphys $bytes $iters 1 0)"
	done
}

# Scrub time of freed memory, and 4 KiB alloc+free while it runs.
scrub() {
	echo 1 >$SCRUB
	echo "BENCH churn bigphys 4096 $(run churn bigphys 4096 2000)"
	echo "BENCH scrubwait boot $(run scrubwait 600000)"
	mb=$(( ${area%M} - 16 ))
	echo "BENCH scrub $mb $(run scrubtime $mb)"
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
lat) lat ;;
irqoff) irqoff ;;
zeroed) zeroed ;;
scrub) scrub ;;
area) lat; irqoff; echo "BENCH scale live 100000 $(run scale 100000 2000)" ;;
churn) churn ;;
scale) scale ;;
mmap) bigphys-bench 16 3 ;;
fault) fault ;;
grab) grab ;;
heap) heap idle ;;
odirect) odirect ;;
frag)	# the fragmented state and its contiguous allocations alone
	fragfig idle
	fragment
	fragfig frag
	contig frag
	;;
dmabuf)	# the dma-buf figures alone: heap idle, O_DIRECT, heap after filling memory
	heap idle
	odirect
	fragment
	heap frag
	;;
all)
	echo 0 >$SCRUB
	bigphys-bench 16 3
	fault
	churn
	scale
	fragfig idle
	contig idle
	zeroed
	lat
	irqoff
	scrub
	echo 0 >$SCRUB
	heap idle
	odirect
	grab
	fragment
	fragfig frag
	contig frag
	heap frag
	failcases
	;;
esac
