// SPDX-License-Identifier: GPL-2.0
/* bigphysarea: the kernel interfaces, classic and modern, over the boot area. */

#define pr_fmt(fmt) "bigphysarea: " fmt

#include <linux/bigphysarea.h>
#include <linux/dma-direct.h>
#include <linux/export.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>

#include "bigphysarea.h"
#include "bigphysarea_pool.h"

/* The allocator over the area; usable once bigphys_ready is set. */
static struct bigphys_pool bigphys_pool;
static bool bigphys_ready __ro_after_init;
static phys_addr_t bigphys_base __ro_after_init;
static size_t bigphys_size __ro_after_init;

/*
 * Background scrubbing of freed memory, on by default: zeroed allocations
 * from scrubbed memory need no memset(). bigphysarea.scrub=0 on the
 * command line, or 0 written to /sys/module/bigphysarea/parameters/scrub,
 * turns it off (no background CPU time and memory bandwidth; zeroed
 * allocations pay for their memset() again).
 */
static bool bigphys_scrub = true;

static int bigphys_scrub_set(const char *val, const struct kernel_param *kp)
{
	int ret = param_set_bool(val, kp);

	if (!ret && bigphys_ready)
		bigphys_pool_set_scrub(&bigphys_pool, READ_ONCE(bigphys_scrub));
	return ret;
}

static const struct kernel_param_ops bigphys_scrub_ops = {
	.set = bigphys_scrub_set,
	.get = param_get_bool,
};

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "bigphysarea."
module_param_cb(scrub, &bigphys_scrub_ops, &bigphys_scrub, 0644);
MODULE_PARM_DESC(scrub, "zero freed memory in the background (default: on)");

/**
 * bigphysarea_alloc_pages() - allocate pages from the area (classic interface)
 * @count: number of pages
 * @align: alignment in pages, any positive value; 0 means one page. The
 *	physical address of the result is a multiple of @align pages.
 * @priority: GFP flags: GFP_KERNEL, or GFP_ATOMIC in atomic context
 *
 * Context: any context with GFP_ATOMIC.
 * Return: the kernel virtual address of the first page, or NULL if there is
 * no area, the arguments are invalid or no such block is free.
 */
void *bigphysarea_alloc_pages(int count, int align, int priority)
{
	char owner[BIGPHYS_OWNER_LEN];

	if (!bigphys_ready || count <= 0 || align < 0 ||
	    (unsigned long)count > SIZE_MAX >> PAGE_SHIFT)
		return NULL;
	snprintf(owner, sizeof(owner), "%ps", __builtin_return_address(0));
	return bigphys_pool_alloc(&bigphys_pool, (size_t)count << PAGE_SHIFT,
				  align, (__force gfp_t)priority, owner);
}
EXPORT_SYMBOL(bigphysarea_alloc_pages);

/**
 * bigphysarea_free_pages() - free pages from bigphysarea_alloc_pages()
 * @base: the address returned by bigphysarea_alloc_pages(); NULL is ignored
 *
 * An address that is not the start of a live allocation is reported once
 * and otherwise ignored.
 *
 * Context: any context.
 */
void bigphysarea_free_pages(void *base)
{
	if (base && bigphys_ready)
		bigphys_pool_free(&bigphys_pool, base, NULL);
}
EXPORT_SYMBOL(bigphysarea_free_pages);

/**
 * bigphysarea_alloc() - allocate bytes from the area (classic interface)
 * @size: size in bytes, rounded up to whole pages
 *
 * Context: process context; may sleep.
 * Return: a page aligned kernel virtual address, or NULL.
 */
void *bigphysarea_alloc(int size)
{
	char owner[BIGPHYS_OWNER_LEN];

	if (!bigphys_ready || size <= 0)
		return NULL;
	snprintf(owner, sizeof(owner), "%ps", __builtin_return_address(0));
	return bigphys_pool_alloc(&bigphys_pool, size, 1, GFP_KERNEL, owner);
}
EXPORT_SYMBOL(bigphysarea_alloc);

/**
 * bigphysarea_free() - free memory from bigphysarea_alloc()
 * @addr: the address returned by bigphysarea_alloc(); NULL is ignored
 * @size: ignored; the whole allocation is freed, as in the classic patch
 *
 * Context: any context.
 */
void bigphysarea_free(void *addr, int size)
{
	bigphysarea_free_pages(addr);
}
EXPORT_SYMBOL(bigphysarea_free);

/**
 * bigphys_alloc() - allocate a physically contiguous buffer from the area
 * @size: size in bytes, rounded up to whole pages
 * @align: alignment of the physical address in bytes, a power of two;
 *	0 means PAGE_SIZE
 * @gfp: GFP_KERNEL or GFP_ATOMIC; add __GFP_ZERO to get zeroed memory
 * @owner: name shown in the statistics, e.g. dev_name(dev) (copied)
 * @buf: filled in on success
 *
 * Context: any context with GFP_ATOMIC (zeroing large buffers takes time).
 * Return: 0, -ENODEV if no area was reserved, -EINVAL for a zero size or a
 * bad alignment, -ENOMEM if no suitable block is free.
 */
int bigphys_alloc(size_t size, size_t align, gfp_t gfp, const char *owner,
		  struct bigphys_buf *buf)
{
	void *vaddr;

	if (!bigphys_ready)
		return -ENODEV;
	if (!size || (align && !is_power_of_2(align)))
		return -EINVAL;
	if (size > bigphys_pool.size || align > bigphys_pool.size)
		return -ENOMEM;

	vaddr = bigphys_pool_alloc(&bigphys_pool, size, align >> PAGE_SHIFT,
				   gfp, owner);
	if (!vaddr && gfpflags_allow_blocking(gfp) && READ_ONCE(bigphys_pool.nr_held)) {
		/* Memory whose last reference just dropped may fit. */
		bigphys_pool_reclaim(&bigphys_pool);
		vaddr = bigphys_pool_alloc(&bigphys_pool, size,
					   align >> PAGE_SHIFT, gfp, owner);
	}
	if (!vaddr)
		return -ENOMEM;
	buf->vaddr = vaddr;
	buf->phys = virt_to_phys(vaddr);
	buf->size = PAGE_ALIGN(size);
	return 0;
}
EXPORT_SYMBOL_GPL(bigphys_alloc);

/**
 * bigphys_free() - free a buffer from bigphys_alloc()
 * @buf: the buffer; @buf->vaddr is cleared. A cleared buffer is ignored.
 *
 * Context: any context.
 */
void bigphys_free(struct bigphys_buf *buf)
{
	if (!buf || !buf->vaddr || !bigphys_ready)
		return;
	bigphys_pool_free(&bigphys_pool, buf->vaddr, NULL);
	buf->vaddr = NULL;
}
EXPORT_SYMBOL_GPL(bigphys_free);

/**
 * bigphys_dma_addr() - the address a device uses to reach a buffer
 * @dev: the device doing DMA
 * @buf: a buffer from bigphys_alloc()
 *
 * For devices that reach memory without an IOMMU translating for them,
 * which is what the area is for. Devices behind an IOMMU should use
 * dma_map_page() on virt_to_page(@buf->vaddr) instead.
 *
 * Return: the bus address of @buf's first byte as seen by @dev.
 */
dma_addr_t bigphys_dma_addr(struct device *dev, const struct bigphys_buf *buf)
{
	return phys_to_dma(dev, buf->phys);
}
EXPORT_SYMBOL_GPL(bigphys_dma_addr);

/**
 * bigphys_get_stats() - report the area's size and use
 * @stats: filled in on success
 *
 * Return: 0, or -ENODEV if no area was reserved.
 */
int bigphys_get_stats(struct bigphys_stats *stats)
{
	if (!bigphys_ready)
		return -ENODEV;
	bigphys_pool_stats(&bigphys_pool, stats);
	return 0;
}
EXPORT_SYMBOL_GPL(bigphys_get_stats);

/**
 * bigphys_area() - the area's physical base and size
 * @base: set to the physical base address
 * @size: set to the size in bytes
 *
 * Unlike bigphys_get_stats() this is O(1) and takes no lock, for hot
 * paths such as page faults.
 *
 * Context: any context.
 * Return: 0, or -ENODEV if no area was reserved.
 */
int bigphys_area(phys_addr_t *base, size_t *size)
{
	if (!bigphys_ready)
		return -ENODEV;
	*base = bigphys_base;
	*size = bigphys_size;
	return 0;
}
EXPORT_SYMBOL_GPL(bigphys_area);

/**
 * bigphys_reclaim() - return held memory whose last reference is gone
 *
 * Held memory comes back by itself within a second of its last reference
 * dropping; call this for an up-to-date view before reading statistics.
 *
 * Context: process context; may sleep.
 */
void bigphys_reclaim(void)
{
	if (bigphys_ready)
		bigphys_pool_reclaim(&bigphys_pool);
}
EXPORT_SYMBOL_GPL(bigphys_reclaim);

/**
 * bigphys_contains() - whether a physical range lies within the area
 * @phys: physical start address
 * @size: length in bytes
 *
 * Return: true if [@phys, @phys + @size) is inside the area.
 */
bool bigphys_contains(phys_addr_t phys, size_t size)
{
	return bigphys_ready && phys >= bigphys_base &&
	       size <= bigphys_size && phys - bigphys_base <= bigphys_size - size;
}
EXPORT_SYMBOL_GPL(bigphys_contains);

/**
 * bigphys_area_writer_get() - the area's free memory may be written directly
 *
 * For a writable mapping of the whole area: until the matching
 * bigphys_area_writer_put(), the allocator knows no free memory to be
 * zero, forgets what it knew before, and stops the scrubber's chunk in
 * progress. Each call needs its put.
 *
 * Context: task context.
 */
void bigphys_area_writer_get(void)
{
	if (bigphys_ready)
		bigphys_pool_writer_get(&bigphys_pool);
}

/**
 * bigphys_area_writer_put() - a writer of bigphys_area_writer_get() is gone
 *
 * Context: any context.
 */
void bigphys_area_writer_put(void)
{
	if (bigphys_ready)
		bigphys_pool_writer_put(&bigphys_pool);
}

/* The pool over the boot area for debugfs, or NULL if there is none. */
struct bigphys_pool *bigphys_boot_pool(void)
{
	return bigphys_ready ? &bigphys_pool : NULL;
}

static int __init bigphysarea_api_init(void)
{
	int ret;

	if (!bigphys_reserved(&bigphys_base, &bigphys_size))
		return 0;
	ret = bigphys_pool_init(&bigphys_pool, phys_to_virt(bigphys_base),
				bigphys_base, bigphys_size);
	if (ret) {
		pr_err("cannot set up the allocator (%d); area unused\n", ret);
		return ret;
	}
	bigphys_pool.track_refs = true;
	bigphys_ready = true;
	/* The thread runs either way; it sleeps while scrubbing is off. */
	ret = bigphys_pool_scrub_start(&bigphys_pool);
	if (ret)
		pr_warn("cannot start the scrubber (%d); freed memory is zeroed on allocation\n",
			ret);
	else
		bigphys_pool_set_scrub(&bigphys_pool, READ_ONCE(bigphys_scrub));
	return 0;
}
core_initcall(bigphysarea_api_init);
