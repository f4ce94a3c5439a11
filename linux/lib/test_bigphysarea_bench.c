// SPDX-License-Identifier: GPL-2.0
/*
 * bigphysarea benchmark: contiguous allocation latency of the bigphysarea
 * against CMA and alloc_contig_pages(), small-buffer churn against kmalloc
 * and the page allocator, and allocator scaling with live buffers.
 *
 * Write a command to /sys/kernel/debug/bigphysarea_bench/cmd, read the
 * result from .../result:
 *
 *	contig bigphys|cma|contig SIZE ITERS ZERO [IDLE]
 *			(IDLE=1: wait for the scrubber before each iteration)
 *	churn bigphys|kmalloc|pages SIZE ITERS
 *	scale LIVE ITERS
 *	frag MB		(hold MB of scattered unmovable pages; 0 releases)
 *	lat SIZE ITERS [NOREF [WARM]]	(bigphys alloc-only and free, timed
 *			apart; NOREF=1: no held-pages tracking; WARM=N: N
 *			untimed 4 KiB alloc+free before each, N <= 64)
 *	irqoff LIVE ITERS	(longest pool lock hold over alloc/free of
 *			4 KiB..64 MiB with LIVE one-page buffers and holes,
 *			the same ITERS operations run five times)
 *	scrubwait MS	(wait up to MS for the scrubber to finish)
 *	scrubtime MB	(free MB of dirty memory, time its scrub, and time
 *			4 KiB churn while the scrubber runs)
 *	pincma PERMILLE	(take a reference on that share of the in-use
 *			pages in the CMA area, as I/O in flight would; 0 drops)
 *
 * result: "ok N fail N min NS p50 NS p99 NS max NS avg NS" over the
 * successful iterations.
 */

#define pr_fmt(fmt) "bigphysarea_bench: " fmt

#include <linux/bigphysarea.h>
#include <linux/cma.h>
#include <linux/delay.h>
#include <linux/debugfs.h>
#include <linux/dma-map-ops.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "../mm/bigphysarea_pool.h"

static DEFINE_MUTEX(bench_lock);	/* one command at a time; guards below */
static char bench_result[384];
static LIST_HEAD(bench_frag_list);
static unsigned long bench_frag_pages;
static struct page **bench_pins;
static unsigned long bench_nr_pins;

struct bench_run {
	u64 *ns;
	unsigned int ok, fail;
};

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static void bench_report(struct bench_run *r)
{
	u64 sum = 0;
	unsigned int i;

	if (!r->ok) {
		snprintf(bench_result, sizeof(bench_result), "ok 0 fail %u\n", r->fail);
		return;
	}
	sort(r->ns, r->ok, sizeof(u64), cmp_u64, NULL);
	for (i = 0; i < r->ok; i++)
		sum += r->ns[i];
	snprintf(bench_result, sizeof(bench_result),
		 "ok %u fail %u min %llu p50 %llu p99 %llu max %llu avg %llu\n",
		 r->ok, r->fail, r->ns[0], r->ns[r->ok / 2],
		 r->ns[(r->ok * 99) / 100], r->ns[r->ok - 1],
		 div_u64(sum, r->ok));
}

/*
 * Let the background check of freed memory finish (untimed): the next
 * allocation finds the memory free, as it would a moment later.
 */
static unsigned long bench_sink;

static void bench_settle(void)
{
	struct bigphys_pool *pool = bigphys_boot_pool();

	if (pool)
		bigphys_pool_settle(pool);
}

/*
 * @n untimed 4 KiB alloc+free, then their frees checked: the allocator's
 * paths are warm again after a page-reference check evicted them, and
 * nothing is left pending for the timed call.
 */
static void bench_warm(unsigned int n)
{
	struct bigphys_buf buf;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!bigphys_alloc(PAGE_SIZE, 0, GFP_KERNEL, "bench", &buf))
			bigphys_free(&buf);
	}
	if (n)
		bench_settle();
}

/*
 * Read the reference counts of the area's first @pages pages, as the
 * check of a freed allocation of that many pages does: the same cache
 * and TLB footprint whatever size is measured next.
 */
static void bench_scan(unsigned long pages)
{
	struct bigphys_pool *pool = bigphys_boot_pool();
	unsigned long i, pfn, sum = 0;

	if (!pool)
		return;
	pfn = PHYS_PFN(pool->pbase);
	pages = min(pages, (unsigned long)(pool->size >> PAGE_SHIFT));
	for (i = 0; i < pages; i++) {
		sum += page_ref_count(pfn_to_page(pfn + i));
		if (!((i + 1) % SZ_4K))
			cond_resched();
	}
	WRITE_ONCE(bench_sink, sum);
}

/* Wait up to @ms for the scrubber to have zeroed all free memory. */
static long bench_scrub_wait(unsigned int ms)
{
	struct bigphys_pool *pool = bigphys_boot_pool();
	u64 t0 = ktime_get_ns();

	if (!pool)
		return -ENODEV;
	bigphys_pool_settle(pool);	/* freed memory back first */
	while (READ_ONCE(pool->dirty_pages) || READ_ONCE(pool->scrub_busy)) {
		if (ktime_get_ns() - t0 > (u64)ms * NSEC_PER_MSEC)
			return -ETIMEDOUT;
		usleep_range(500, 1000);
	}
	return div_u64(ktime_get_ns() - t0, NSEC_PER_USEC);
}

/* One contiguous allocation (and zeroing) and its free; returns its time. */
static int bench_contig_one(const char *method, size_t size, bool zero,
			    bool warm, u64 *ns)
{
	unsigned long nr = size >> PAGE_SHIFT;
	struct bigphys_buf buf;
	struct page *page = NULL;
	u64 t0 = ktime_get_ns();
	int ret = 0;

	if (!strcmp(method, "bigphys")) {
		/*
		 * The previous iteration's free was checked for page references
		 * (4 MiB of struct pages per 256 MiB), which leaves caches and
		 * TLBs cold: with @warm, an untimed 4 KiB alloc+free brings the
		 * allocator's paths back, as any earlier call would. Not where
		 * the scrubber is waited for: that free would dirty a page it
		 * has zeroed, and the zeroed allocation would clear it.
		 */
		if (warm)
			bench_warm(1);
		t0 = ktime_get_ns();
		ret = bigphys_alloc(size, 0, GFP_KERNEL | (zero ? __GFP_ZERO : 0),
				    "bench", &buf);
		*ns = ktime_get_ns() - t0;
		if (!ret)
			bigphys_free(&buf);
		bench_settle();
		return ret;
	}
	if (!strcmp(method, "cma")) {
		if (!dma_contiguous_default_area)
			return -ENODEV;
		page = cma_alloc(dma_contiguous_default_area, nr, 0, true);
	} else if (!strcmp(method, "contig")) {
		page = alloc_contig_pages(nr, GFP_KERNEL, first_online_node, NULL);
	} else {
		return -EINVAL;
	}
	if (page && zero)
		memset(page_address(page), 0, size);
	*ns = ktime_get_ns() - t0;
	if (!page)
		return -ENOMEM;
	if (!strcmp(method, "cma"))
		cma_release(dma_contiguous_default_area, page, nr);
	else
		free_contig_range(page_to_pfn(page), nr);
	return ret;
}

static int bench_churn_one(const char *method, size_t size, u64 *ns)
{
	struct bigphys_buf buf;
	u64 t0 = ktime_get_ns();
	struct page *page;
	void *p;

	if (!strcmp(method, "bigphys")) {
		if (bigphys_alloc(size, 0, GFP_KERNEL, "bench", &buf))
			return -ENOMEM;
		bigphys_free(&buf);
	} else if (!strcmp(method, "kmalloc")) {
		p = kmalloc(size, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		kfree(p);
	} else if (!strcmp(method, "pages")) {
		page = alloc_pages(GFP_KERNEL, get_order(size));
		if (!page)
			return -ENOMEM;
		__free_pages(page, get_order(size));
	} else {
		return -EINVAL;
	}
	*ns = ktime_get_ns() - t0;
	return 0;
}

/*
 * Hold @live buffers of 1-4 pages with a hole of 1-4 pages after each
 * (allocate 2 * @live, free every other), then time @iters alloc+free of
 * 1-4 pages among holes of all sizes.
 */
static int bench_scale(unsigned int live, unsigned int iters, struct bench_run *r)
{
	struct bigphys_buf *held;
	unsigned int i, n = 0;
	u32 seed = 12345;
	int ret = 0;

	held = kvcalloc(2 * (size_t)live, sizeof(*held), GFP_KERNEL);
	if (!held)
		return -ENOMEM;
	for (i = 0; i < 2 * live; i++, n++) {
		seed = seed * 1103515245 + 12345;
		if (bigphys_alloc(((seed >> 16) % 4 + 1) * PAGE_SIZE, 0, GFP_KERNEL,
				  "bench-live", &held[i])) {
			ret = -ENOSPC;
			break;
		}
	}
	for (i = 1; i < n; i += 2)
		bigphys_free(&held[i]);
	bench_settle();	/* the holes are there, not pending */
	for (i = 0; !ret && i < iters; i++) {
		u64 ns;

		seed = seed * 1103515245 + 12345;
		if (bench_churn_one("bigphys", ((seed >> 16) % 4 + 1) * PAGE_SIZE, &ns))
			r->fail++;
		else
			r->ns[r->ok++] = ns;
	}
	for (i = 0; i < n; i += 2)
		bigphys_free(&held[i]);
	kvfree(held);
	return ret;
}

/*
 * Scatter unmovable pages over memory: take @mb, then give back every
 * other page. Freeing each other page at once would not do: the page
 * goes to the head of the per-CPU list and is the next one allocated, so
 * the pages kept would be contiguous.
 */
static int bench_frag(unsigned long mb)
{
	struct page *page, *tmp;
	unsigned long i = 0, n = mb << (20 - PAGE_SHIFT);
	LIST_HEAD(all);

	list_for_each_entry_safe(page, tmp, &bench_frag_list, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
	bench_frag_pages = 0;
	for (i = 0; i < n; i++) {
		page = alloc_page(GFP_KERNEL | __GFP_NOWARN);
		if (!page)
			break;
		list_add_tail(&page->lru, &all);
		cond_resched();
	}
	i = 0;
	list_for_each_entry_safe(page, tmp, &all, lru) {
		list_del(&page->lru);
		if (i++ & 1) {
			__free_page(page);
		} else {
			list_add(&page->lru, &bench_frag_list);
			bench_frag_pages++;
		}
	}
	snprintf(bench_result, sizeof(bench_result), "ok %lu pages held\n",
		 bench_frag_pages);
	return 0;
}

/*
 * bigphys alloc-only and free latency, timed apart, with the background
 * check of the previous free finished (untimed). @noref: the pool without
 * page reference tracking (held pages), the allocator alone. Also the
 * latency of an allocation right after the free of the same size, which
 * checks the just-freed memory itself ("refill"). @warm: an untimed 4 KiB
 * alloc+free after the check, so that the timed calls do not pay for the
 * cache and TLB misses of the check's page scan.
 */
static int bench_lat(size_t size, unsigned int iters, bool noref,
		     unsigned int warm, unsigned long scan)
{
	struct bigphys_pool *pool = bigphys_boot_pool();
	bool track = pool && pool->track_refs;
	u64 *fns, *ans, *rns;
	struct bigphys_buf buf;
	unsigned int i, ok = 0, fail = 0;

	ans = kvcalloc(iters, sizeof(u64), GFP_KERNEL);
	fns = kvcalloc(iters, sizeof(u64), GFP_KERNEL);
	rns = kvcalloc(iters, sizeof(u64), GFP_KERNEL);
	if (!ans || !fns || !rns) {
		kvfree(ans);
		kvfree(fns);
		kvfree(rns);
		return -ENOMEM;
	}
	if (noref && pool) {
		bench_settle();
		pool->track_refs = false;
	}
	for (i = 0; i < iters; i++) {
		u64 t0, t1, t2;

		bench_settle();
		bench_scan(scan);
		/*
		 * The settle's page scan (64 MiB of struct pages for 4 GiB)
		 * evicts caches and TLBs; one untimed 4 KiB alloc+free brings
		 * the allocator's paths back, as any earlier call would.
		 */
		bench_warm(warm);
		t0 = ktime_get_ns();
		if (bigphys_alloc(size, 0, GFP_KERNEL, "bench", &buf)) {
			fail++;
			continue;
		}
		t1 = ktime_get_ns();
		bigphys_free(&buf);
		t2 = ktime_get_ns();
		fns[ok] = t2 - t1;
		ans[ok] = t1 - t0;
		if (bigphys_alloc(size, 0, GFP_KERNEL, "bench", &buf)) {
			fail++;
			continue;
		}
		rns[ok++] = ktime_get_ns() - t2;
		bigphys_free(&buf);
		cond_resched();
	}
	bench_settle();
	if (pool)
		pool->track_refs = track;
	if (ok) {
		sort(ans, ok, sizeof(u64), cmp_u64, NULL);
		sort(fns, ok, sizeof(u64), cmp_u64, NULL);
		sort(rns, ok, sizeof(u64), cmp_u64, NULL);
	}
	snprintf(bench_result, sizeof(bench_result),
		 "ok %u fail %u alloc_p50 %llu alloc_p99 %llu alloc_max %llu free_p50 %llu free_p99 %llu free_max %llu refill_p50 %llu refill_max %llu\n",
		 ok, fail, ok ? ans[ok / 2] : 0, ok ? ans[ok * 99 / 100] : 0,
		 ok ? ans[ok - 1] : 0, ok ? fns[ok / 2] : 0,
		 ok ? fns[ok * 99 / 100] : 0, ok ? fns[ok - 1] : 0,
		 ok ? rns[ok / 2] : 0, ok ? rns[ok - 1] : 0);
	kvfree(ans);
	kvfree(fns);
	kvfree(rns);
	return 0;
}

/* Clear the pool's longest lock hold. */
static void bench_hold_reset(struct bigphys_pool *pool)
{
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	pool->lock_max_ns = 0;
	spin_unlock_irqrestore(&pool->lock, flags);
}

/* One alloc+free of the irqoff sequence; false if the alloc failed. */
static bool bench_irqoff_op(unsigned int i)
{
	static const size_t sizes[] = { SZ_4K, SZ_64K, SZ_4M, SZ_64M };
	struct bigphys_buf buf;
	void *p;

	if (i % 5 == 4) {
		/* Classic rule: an odd alignment in pages. */
		p = bigphysarea_alloc_pages(3, 3 + i % 11, (__force int)GFP_KERNEL);
		if (!p)
			return false;
		bigphysarea_free_pages(p);
		return true;
	}
	if (bigphys_alloc(sizes[i % ARRAY_SIZE(sizes)], 0, GFP_KERNEL, "bench", &buf))
		return false;
	bigphys_free(&buf);
	return true;
}

#define BENCH_IRQOFF_RUNS	5

/*
 * The longest pool lock hold (interrupts off) over @iters alloc+free of
 * 4 KiB to 64 MiB, some with odd alignments, while @live one-page buffers
 * each followed by a one-page hole are held.
 *
 * The same sequence runs BENCH_IRQOFF_RUNS times; each operation's hold
 * is the longest while it ran. lock_max_ns is the longest of all;
 * replay_max_ns the longest of each operation's shortest run. Under TCG
 * a vCPU thread the host preempts inside the lock looks like a long
 * hold in one run; a hold that the code makes long is long in every run.
 */
static int bench_irqoff(unsigned int live, unsigned int iters)
{
	struct bigphys_pool *pool = bigphys_boot_pool();
	unsigned int i, run, n = 0, ok = 0, fail = 0;
	u64 setup_max, max = 0, replay_max = 0, p99, *best, *hold;
	unsigned long *best_ip, replay_ip = 0;
	unsigned int replay_op = 0;
	struct bigphys_buf *held;
	int ret = -ENOMEM;

	if (!pool)
		return -ENODEV;
	held = kvcalloc(2 * (size_t)live, sizeof(*held), GFP_KERNEL);
	best = kvmalloc_array(iters, sizeof(*best), GFP_KERNEL);
	hold = kvmalloc_array(iters, sizeof(*hold), GFP_KERNEL);
	best_ip = kvcalloc(iters, sizeof(*best_ip), GFP_KERNEL);
	if (!held || !best || !hold || !best_ip || !iters)
		goto out;
	bench_hold_reset(pool);
	for (i = 0; i < 2 * live; i++, n++) {
		if (bigphys_alloc(PAGE_SIZE, 0, GFP_KERNEL, "bench-live", &held[i]))
			break;
		if (!(i % 1024))
			cond_resched();
	}
	for (i = 1; i < n; i += 2)
		bigphys_free(&held[i]);
	bench_settle();	/* the holes are there, not pending */
	setup_max = READ_ONCE(pool->lock_max_ns);
	for (i = 0; i < iters; i++)
		best[i] = U64_MAX;
	for (run = 0; run < BENCH_IRQOFF_RUNS; run++) {
		for (i = 0; i < iters; i++) {
			bench_hold_reset(pool);
			if (bench_irqoff_op(i))
				ok++;
			else
				fail++;
			hold[i] = READ_ONCE(pool->lock_max_ns);
			if (hold[i] < best[i]) {
				best[i] = hold[i];
				best_ip[i] = READ_ONCE(pool->lock_max_ip);
			}
			max = max(max, hold[i]);
			cond_resched();
		}
	}
	for (i = 0; i < iters; i++) {
		if (best[i] > replay_max) {
			replay_max = best[i];
			replay_ip = best_ip[i];
			replay_op = i;
		}
	}
	/* p99 of the last run's holds */
	sort(hold, iters, sizeof(*hold), cmp_u64, NULL);
	p99 = hold[iters * 99 / 100];
	for (i = 0; i < n; i += 2)
		bigphys_free(&held[i]);
	snprintf(bench_result, sizeof(bench_result),
		 "ok %u fail %u live %u lock_max_ns %llu replay_max_ns %llu lock_p99_ns %llu setup_lock_max_ns %llu replay_op %u replay_at %ps\n",
		 ok, fail, n / 2, max, replay_max, p99, setup_max, replay_op,
		 (void *)replay_ip);
	ret = 0;
out:
	kvfree(best_ip);
	kvfree(hold);
	kvfree(best);
	kvfree(held);
	return ret;
}

/*
 * Scrub @mb of freed memory: its time, and 4 KiB alloc+free latency
 * measured meanwhile (the scrubber must never hold them up).
 */
static int bench_scrubtime(unsigned long mb, struct bench_run *r)
{
	struct bigphys_pool *pool = bigphys_boot_pool();
	struct bigphys_buf buf;
	u64 t0, t1 = 0, ns, idle[200];
	unsigned int during = 0, idle_n = 0;
	long waited;

	if (!pool)
		return -ENODEV;
	if (bench_scrub_wait(60000) < 0)
		return -ETIMEDOUT;
	/* The same loop with the scrubber idle, for comparison. */
	for (during = 0; during < 200; during++) {
		if (!bench_churn_one("bigphys", PAGE_SIZE, &ns))
			idle[idle_n++] = ns;
		usleep_range(1000, 2000);
	}
	sort(idle, idle_n, sizeof(u64), cmp_u64, NULL);
	during = 0;
	if (bigphys_alloc(mb << 20, 0, GFP_KERNEL, "bench-scrub", &buf))
		return -ENOMEM;
	bigphys_free(&buf);
	bench_settle();	/* the reference check, not the scrub */
	t0 = ktime_get_ns();
	while (r->ok < 2000 && (READ_ONCE(pool->dirty_pages) ||
				READ_ONCE(pool->scrub_busy))) {
		if (bench_churn_one("bigphys", PAGE_SIZE, &ns))
			r->fail++;
		else
			r->ns[r->ok++] = ns;
		during++;
		usleep_range(1000, 2000);
	}
	waited = bench_scrub_wait(600000);
	if (waited < 0)
		return waited;
	t1 = ktime_get_ns();
	bench_report(r);
	snprintf(bench_result + strlen(bench_result) - 1,
		 sizeof(bench_result) - strlen(bench_result) + 1,
		 " scrub_ms %llu MB %lu churn_during %u idle_p50 %llu idle_max %llu\n",
		 div_u64(t1 - t0, NSEC_PER_MSEC), mb, during,
		 idle_n ? idle[idle_n / 2] : 0, idle_n ? idle[idle_n - 1] : 0);
	return 0;
}

/*
 * Short-term references on pages inside the CMA area, as I/O in flight
 * or a vmsplice()d page cache page would hold them: migration cannot
 * move such a page, so no CMA allocation can cover it.
 */
static int bench_pincma(unsigned int permille)
{
	struct cma *cma = dma_contiguous_default_area;
	unsigned long pfn, start, end, i, max;
	struct page *page;

	for (i = 0; i < bench_nr_pins; i++)
		put_page(bench_pins[i]);
	kvfree(bench_pins);
	bench_pins = NULL;
	bench_nr_pins = 0;
	if (!permille) {
		snprintf(bench_result, sizeof(bench_result), "ok 0 pinned\n");
		return 0;
	}
	if (!cma)
		return -ENODEV;
	start = PHYS_PFN(cma_get_base(cma));
	end = start + (cma_get_size(cma) >> PAGE_SHIFT);
	max = (end - start) * permille / 1000 + 1;
	bench_pins = kvcalloc(max, sizeof(*bench_pins), GFP_KERNEL);
	if (!bench_pins)
		return -ENOMEM;
	for (pfn = start, i = 0; pfn < end && bench_nr_pins < max; pfn++) {
		if (!pfn_valid(pfn))
			continue;
		page = pfn_to_page(pfn);
		if (!PageLRU(page) || (i++ * permille) % 1000 >= permille)
			continue;
		if (get_page_unless_zero(page))
			bench_pins[bench_nr_pins++] = page;
		if (!(pfn % 4096))
			cond_resched();
	}
	snprintf(bench_result, sizeof(bench_result),
		 "ok %lu pinned of %lu pages\n", bench_nr_pins, end - start);
	return 0;
}

static int bench_run_cmd(char *cmd)
{
	char method[16];
	unsigned long long size;
	unsigned int iters, zero, idle, i;
	unsigned long scan;
	struct bench_run r = {};
	int ret = 0;

	if (sscanf(cmd, "frag %llu", &size) == 1)
		return bench_frag(size);
	if (sscanf(cmd, "pincma %u", &iters) == 1)
		return bench_pincma(min(iters, 1000U));
	if (sscanf(cmd, "scrubwait %u", &iters) == 1) {
		long us = bench_scrub_wait(iters);

		if (us < 0)
			return us;
		snprintf(bench_result, sizeof(bench_result), "ok waited_us %ld\n", us);
		return 0;
	}
	zero = 0;
	idle = 0;
	scan = 0;
	if (sscanf(cmd, "lat %llu %u %u %u %lu", &size, &iters, &zero, &idle, &scan) >= 2) {
		if (!size || size > SZ_16G || !iters || iters > 100000 ||
		    idle > 64)
			return -EINVAL;
		return bench_lat(size, iters, zero, idle, scan);
	}
	if (sscanf(cmd, "irqoff %llu %u", &size, &iters) == 2) {
		if (!size || size > 1000000 || !iters || iters > 1000000)
			return -EINVAL;
		return bench_irqoff(size, iters);
	}
	if (sscanf(cmd, "scrubtime %llu", &size) == 1) {
		if (!size || size > SZ_16K)
			return -EINVAL;
		r.ns = kvcalloc(2000, sizeof(u64), GFP_KERNEL);
		if (!r.ns)
			return -ENOMEM;
		ret = bench_scrubtime(size, &r);
		kvfree(r.ns);
		return ret;
	}
	if (sscanf(cmd, "scale %llu %u", &size, &iters) == 2) {
		if (!size || size > 1000000 || !iters || iters > 1000000)
			return -EINVAL;
		r.ns = kvcalloc(iters, sizeof(u64), GFP_KERNEL);
		if (!r.ns)
			return -ENOMEM;
		ret = bench_scale(size, iters, &r);
		goto report;
	}
	zero = 0;
	idle = 0;
	if (sscanf(cmd, "contig %15s %llu %u %u %u", method, &size, &iters, &zero,
		   &idle) < 4 &&
	    sscanf(cmd, "churn %15s %llu %u", method, &size, &iters) != 3)
		return -EINVAL;
	if (!size || size > SZ_16G || !PAGE_ALIGNED(size) || !iters || iters > 1000000)
		return -EINVAL;
	r.ns = kvcalloc(iters, sizeof(u64), GFP_KERNEL);
	if (!r.ns)
		return -ENOMEM;
	for (i = 0; i < iters; i++) {
		u64 ns = 0;

		if (idle && bench_scrub_wait(60000) < 0) {
			ret = -ETIMEDOUT;
			break;
		}
		ret = cmd[1] == 'o' ?
		      bench_contig_one(method, size, zero, !idle && !zero, &ns) :
				      bench_churn_one(method, size, &ns);
		if (ret == -EINVAL || ret == -ENODEV)
			break;
		if (ret)
			r.fail++;
		else
			r.ns[r.ok++] = ns;
		ret = 0;
		cond_resched();
	}
report:
	if (!ret)
		bench_report(&r);
	kvfree(r.ns);
	return ret;
}

static ssize_t bench_cmd_write(struct file *file, const char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	char cmd[96];
	int ret;

	if (len >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, len))
		return -EFAULT;
	cmd[len] = '\0';
	mutex_lock(&bench_lock);
	bench_result[0] = '\0';
	ret = bench_run_cmd(cmd);
	mutex_unlock(&bench_lock);
	return ret ? ret : len;
}

static const struct file_operations bench_cmd_fops = {
	.write = bench_cmd_write,
};

static int bench_result_show(struct seq_file *m, void *v)
{
	mutex_lock(&bench_lock);
	seq_puts(m, bench_result);
	mutex_unlock(&bench_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(bench_result);

static int __init bigphys_bench_init(void)
{
	struct dentry *bench_dir = debugfs_create_dir("bigphysarea_bench", NULL);

	debugfs_create_file("cmd", 0200, bench_dir, NULL, &bench_cmd_fops);
	debugfs_create_file("result", 0400, bench_dir, NULL, &bench_result_fops);
	return 0;
}
late_initcall(bigphys_bench_init);
