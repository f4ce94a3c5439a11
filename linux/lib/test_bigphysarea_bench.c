// SPDX-License-Identifier: GPL-2.0
/*
 * bigphysarea benchmark: contiguous allocation latency of the bigphysarea
 * against CMA and alloc_contig_pages(), small-buffer churn against kmalloc
 * and the page allocator, and allocator scaling with live buffers.
 *
 * Write a command to /sys/kernel/debug/bigphysarea_bench/cmd, read the
 * result from .../result:
 *
 *	contig bigphys|cma|contig SIZE ITERS ZERO
 *	churn bigphys|kmalloc|pages SIZE ITERS
 *	scale LIVE ITERS
 *	frag MB		(hold MB of scattered unmovable pages; 0 releases)
 *
 * result: "ok N fail N min NS p50 NS p99 NS max NS avg NS" over the
 * successful iterations.
 */

#define pr_fmt(fmt) "bigphysarea_bench: " fmt

#include <linux/bigphysarea.h>
#include <linux/cma.h>
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

static DEFINE_MUTEX(bench_lock);	/* one command at a time; guards below */
static char bench_result[160];
static LIST_HEAD(bench_frag_list);
static unsigned long bench_frag_pages;

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

/* One contiguous allocation (and zeroing) and its free; returns its time. */
static int bench_contig_one(const char *method, size_t size, bool zero, u64 *ns)
{
	unsigned long nr = size >> PAGE_SHIFT;
	struct bigphys_buf buf;
	struct page *page = NULL;
	u64 t0 = ktime_get_ns();
	int ret = 0;

	if (!strcmp(method, "bigphys")) {
		ret = bigphys_alloc(size, 0, GFP_KERNEL | (zero ? __GFP_ZERO : 0),
				    "bench", &buf);
		*ns = ktime_get_ns() - t0;
		if (!ret)
			bigphys_free(&buf);
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
 * 1-4 pages: first fit has to look past the holes that are too small.
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

/* Scatter unmovable pages over memory: take @mb, give back every other page. */
static int bench_frag(unsigned long mb)
{
	struct page *page, *tmp;
	unsigned long i, n = mb << (20 - PAGE_SHIFT);

	list_for_each_entry_safe(page, tmp, &bench_frag_list, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
	bench_frag_pages = 0;
	for (i = 0; i < n; i++) {
		page = alloc_page(GFP_KERNEL | __GFP_NOWARN);
		if (!page)
			break;
		if (i & 1) {
			__free_page(page);
		} else {
			list_add(&page->lru, &bench_frag_list);
			bench_frag_pages++;
		}
		cond_resched();
	}
	snprintf(bench_result, sizeof(bench_result), "ok %lu pages held\n",
		 bench_frag_pages);
	return 0;
}

static int bench_run_cmd(char *cmd)
{
	char method[16];
	unsigned long long size;
	unsigned int iters, zero, i;
	struct bench_run r = {};
	int ret = 0;

	if (sscanf(cmd, "frag %llu", &size) == 1)
		return bench_frag(size);
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
	if (sscanf(cmd, "contig %15s %llu %u %u", method, &size, &iters, &zero) != 4 &&
	    sscanf(cmd, "churn %15s %llu %u", method, &size, &iters) != 3)
		return -EINVAL;
	if (!size || size > SZ_16G || !PAGE_ALIGNED(size) || !iters || iters > 1000000)
		return -EINVAL;
	r.ns = kvcalloc(iters, sizeof(u64), GFP_KERNEL);
	if (!r.ns)
		return -ENOMEM;
	for (i = 0; i < iters; i++) {
		u64 ns = 0;

		ret = cmd[1] == 'o' ? bench_contig_one(method, size, zero, &ns) :
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
