// SPDX-License-Identifier: GPL-2.0
/* bigphysarea: page-granular allocator over one contiguous range. */

#define pr_fmt(fmt) "bigphysarea: " fmt

#include <linux/bitmap.h>
#include <linux/genalloc.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/page_ref.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "bigphysarea_pool.h"

/**
 * struct bigphys_align - placement rule for one allocation
 * @pages: the first page frame number must be a multiple of this
 * @base_pfn: page frame number of the pool's first page
 */
struct bigphys_align {
	unsigned long pages;
	unsigned long base_pfn;
};

/*
 * genalloc algorithm: first fit whose physical page frame number is a
 * multiple of @data->pages. Unlike gen_pool_first_fit_align() the alignment
 * need not be a power of two, as with the classic bigphysarea patch.
 */
static unsigned long bigphys_first_fit(unsigned long *map, unsigned long size,
				       unsigned long start, unsigned int nr,
				       void *data, struct gen_pool *gp,
				       unsigned long start_addr)
{
	const struct bigphys_align *a = data;
	unsigned long pos = start, rem;

	for (;;) {
		rem = (a->base_pfn + pos) % a->pages;
		if (rem)
			pos += a->pages - rem;
		if (pos >= size)
			return size;
		pos = bitmap_find_next_zero_area(map, size, pos, nr, 0);
		if (pos >= size)
			return size;
		if (!((a->base_pfn + pos) % a->pages))
			return pos;
	}
}

/* Rescan held memory this often at first, backing off to the maximum. */
#define BIGPHYS_RECLAIM_MIN	(HZ / 20)
#define BIGPHYS_RECLAIM_MAX	HZ

static void bigphys_reclaim_work(struct work_struct *work);

/**
 * bigphys_pool_init() - set up an allocator over a contiguous range
 * @pool: the pool to initialise
 * @vaddr: kernel virtual address of the range, page aligned
 * @phys: physical address of the range
 * @size: size of the range in bytes, a multiple of PAGE_SIZE
 *
 * Return: 0 or a negative errno.
 */
int bigphys_pool_init(struct bigphys_pool *pool, void *vaddr,
		      phys_addr_t phys, size_t size)
{
	int ret;

	memset(pool, 0, sizeof(*pool));
	pool->gp = gen_pool_create(PAGE_SHIFT, NUMA_NO_NODE);
	if (!pool->gp)
		return -ENOMEM;
	ret = gen_pool_add_virt(pool->gp, (unsigned long)vaddr, phys, size,
				NUMA_NO_NODE);
	if (ret) {
		gen_pool_destroy(pool->gp);
		return ret;
	}
	spin_lock_init(&pool->lock);
	pool->allocs = RB_ROOT;
	INIT_LIST_HEAD(&pool->held);
	mutex_init(&pool->reclaim_lock);
	INIT_DELAYED_WORK(&pool->reclaim_work, bigphys_reclaim_work);
	pool->vbase = (unsigned long)vaddr;
	pool->pbase = phys;
	pool->size = size;
	return 0;
}

/**
 * bigphys_pool_destroy() - tear down a pool, releasing what is still allocated
 * @pool: the pool
 */
void bigphys_pool_destroy(struct bigphys_pool *pool)
{
	struct bigphys_alloc *ba, *tmp;

	/* No user may remain; held memory goes with the pool. */
	disable_delayed_work_sync(&pool->reclaim_work);
	WARN_ON(pool->nr_held);
	rbtree_postorder_for_each_entry_safe(ba, tmp, &pool->allocs, node) {
		gen_pool_free(pool->gp, ba->addr, ba->size);
		kfree(ba);
	}
	pool->allocs = RB_ROOT;
	gen_pool_destroy(pool->gp);
	pool->gp = NULL;
}

static void bigphys_insert(struct bigphys_pool *pool, struct bigphys_alloc *new)
{
	struct rb_node **link = &pool->allocs.rb_node, *parent = NULL;

	while (*link) {
		struct bigphys_alloc *ba = rb_entry(*link, struct bigphys_alloc, node);

		parent = *link;
		link = new->addr < ba->addr ? &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(&new->node, parent, link);
	rb_insert_color(&new->node, &pool->allocs);
}

static struct bigphys_alloc *bigphys_lookup(struct bigphys_pool *pool,
					    unsigned long addr)
{
	struct rb_node *node = pool->allocs.rb_node;

	while (node) {
		struct bigphys_alloc *ba = rb_entry(node, struct bigphys_alloc, node);

		if (addr == ba->addr)
			return ba;
		node = addr < ba->addr ? node->rb_left : node->rb_right;
	}
	return NULL;
}

/*
 * Whether any page of an allocation carries a reference beyond the one
 * every page of the range has while it is ours: a GUP pin (O_DIRECT,
 * io_uring), a pipe buffer (vmsplice), a page table entry. Lockless: a
 * freed allocation is mapped nowhere that takes page references, so no
 * new reference can appear.
 */
static bool bigphys_referenced(struct bigphys_pool *pool,
			       const struct bigphys_alloc *ba)
{
	unsigned long pfn = PHYS_PFN(pool->pbase + (ba->addr - pool->vbase));
	unsigned long i, nr = ba->size >> PAGE_SHIFT;

	for (i = 0; i < nr; i++)
		if (page_ref_count(pfn_to_page(pfn + i)) > 1)
			return true;
	return false;
}

/* Put a claimed allocation on the held list; the background scan frees it. */
static void bigphys_hold(struct bigphys_pool *pool, struct bigphys_alloc *ba)
{
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	list_add_tail(&ba->held_node, &pool->held);
	pool->held_bytes += ba->size;
	pool->nr_held++;
	spin_unlock_irqrestore(&pool->lock, flags);
	/* A scan already pending stays as it is: frequent holds never starve it. */
	if (queue_delayed_work(system_wq, &pool->reclaim_work,
			       BIGPHYS_RECLAIM_MIN))
		WRITE_ONCE(pool->reclaim_delay, BIGPHYS_RECLAIM_MIN);
}

/**
 * bigphys_pool_alloc() - allocate whole pages from a pool
 * @pool: the pool
 * @size: bytes, rounded up to whole pages
 * @align_pages: the physical page frame number of the result is a multiple
 *	of this; any value, 0 and 1 meaning page alignment
 * @gfp: GFP_KERNEL or GFP_ATOMIC for the bookkeeping; __GFP_ZERO zeroes
 * @owner: name recorded for statistics (copied)
 *
 * Context: any context if @gfp does not allow sleeping.
 * Return: the kernel virtual address, or NULL.
 */
void *bigphys_pool_alloc(struct bigphys_pool *pool, size_t size,
			 unsigned long align_pages, gfp_t gfp,
			 const char *owner)
{
	struct bigphys_align align = {
		.pages = align_pages ?: 1,
		.base_pfn = PHYS_PFN(pool->pbase),
	};
	struct bigphys_alloc *ba;
	unsigned long addr, flags;

	if (!size || size > pool->size)
		return NULL;
	size = PAGE_ALIGN(size);

	ba = kmalloc(sizeof(*ba), gfp & ~(GFP_ZONEMASK | __GFP_ZERO));
	if (!ba)
		return NULL;
	ba->size = size;
	ba->held = false;
	INIT_LIST_HEAD(&ba->held_node);
	strscpy(ba->owner, owner ?: "unknown", sizeof(ba->owner));

	spin_lock_irqsave(&pool->lock, flags);
	addr = gen_pool_alloc_algo(pool->gp, size, bigphys_first_fit, &align);
	if (addr) {
		ba->addr = addr;
		bigphys_insert(pool, ba);
		pool->used += size;
		pool->nr_allocs++;
	}
	spin_unlock_irqrestore(&pool->lock, flags);

	if (!addr) {
		kfree(ba);
		return NULL;
	}
	if (gfp & __GFP_ZERO)
		memset((void *)addr, 0, size);
	return (void *)addr;
}

/* Give an allocation's range back to genalloc. Called with @pool->lock. */
static void bigphys_release(struct bigphys_pool *pool, struct bigphys_alloc *ba)
{
	rb_erase(&ba->node, &pool->allocs);
	gen_pool_free(pool->gp, ba->addr, ba->size);
	pool->used -= ba->size;
	pool->nr_allocs--;
}

/**
 * bigphys_pool_free() - return an allocation to its pool
 * @pool: the pool
 * @vaddr: address returned by bigphys_pool_alloc()
 * @size: if not NULL, set to the size that was freed
 *
 * Anything but the start of a live allocation is counted in
 * @pool->bad_frees and reported once; the pool is left untouched.
 *
 * If @pool->track_refs is set and a page of the allocation still carries a
 * reference (a pin or a pipe buffer taken through a user mapping), the
 * memory is held instead: it stays allocated, is shown as held, and is
 * returned by a background scan once the last reference is gone.
 *
 * Context: any context; the page scan runs with the caller's interrupt
 * state, never under @pool->lock.
 * Return: 0, or -EINVAL for an invalid or double free.
 */
int bigphys_pool_free(struct bigphys_pool *pool, void *vaddr, size_t *size)
{
	struct bigphys_alloc *ba;
	unsigned long flags;
	bool claimed = false, first_bad = false, referenced = false;

	spin_lock_irqsave(&pool->lock, flags);
	ba = bigphys_lookup(pool, (unsigned long)vaddr);
	if (ba && !ba->held) {
		ba->held = true;	/* ours now: a second free is bad */
		claimed = true;
	} else {
		first_bad = !pool->bad_frees++;
	}
	spin_unlock_irqrestore(&pool->lock, flags);

	if (!claimed) {
		if (first_bad) {
			pr_warn("invalid or double free of %p ignored\n", vaddr);
			dump_stack();
		}
		return -EINVAL;
	}
	if (size)
		*size = ba->size;

	if (pool->track_refs)
		referenced = bigphys_referenced(pool, ba);

	if (referenced) {
		bigphys_hold(pool, ba);
		return 0;
	}
	spin_lock_irqsave(&pool->lock, flags);
	bigphys_release(pool, ba);
	spin_unlock_irqrestore(&pool->lock, flags);
	kfree(ba);
	return 0;
}

/**
 * bigphys_pool_reclaim() - return held memory whose references are gone
 * @pool: the pool
 *
 * Runs from the background scan, and where a caller wants an up-to-date
 * view (statistics, a failed allocation).
 *
 * Context: process context; may sleep.
 */
void bigphys_pool_reclaim(struct bigphys_pool *pool)
{
	struct bigphys_alloc *ba, *tmp;
	unsigned long flags;
	LIST_HEAD(scan);
	bool more;

	mutex_lock(&pool->reclaim_lock);
	spin_lock_irqsave(&pool->lock, flags);
	list_splice_init(&pool->held, &scan);
	spin_unlock_irqrestore(&pool->lock, flags);

	list_for_each_entry_safe(ba, tmp, &scan, held_node) {
		cond_resched();
		if (bigphys_referenced(pool, ba))
			continue;
		spin_lock_irqsave(&pool->lock, flags);
		list_del(&ba->held_node);
		pool->held_bytes -= ba->size;
		pool->nr_held--;
		bigphys_release(pool, ba);
		spin_unlock_irqrestore(&pool->lock, flags);
		kfree(ba);
	}

	spin_lock_irqsave(&pool->lock, flags);
	list_splice(&scan, &pool->held);
	more = !list_empty(&pool->held);
	spin_unlock_irqrestore(&pool->lock, flags);
	mutex_unlock(&pool->reclaim_lock);

	if (more)
		queue_delayed_work(system_wq, &pool->reclaim_work,
				   READ_ONCE(pool->reclaim_delay));
}

static void bigphys_reclaim_work(struct work_struct *work)
{
	struct bigphys_pool *pool = container_of(to_delayed_work(work),
						 struct bigphys_pool,
						 reclaim_work);

	WRITE_ONCE(pool->reclaim_delay,
		   min(READ_ONCE(pool->reclaim_delay) * 2,
		       (unsigned long)BIGPHYS_RECLAIM_MAX));
	bigphys_pool_reclaim(pool);
}

/**
 * bigphys_pool_next() - copy the first allocation at or after an address
 * @pool: the pool
 * @from: physical address to start at
 * @info: filled in
 *
 * For listings that must not hold @pool->lock across all allocations:
 * each call costs one tree walk under the lock.
 *
 * Return: true if an allocation was found.
 */
bool bigphys_pool_next(struct bigphys_pool *pool, phys_addr_t from,
		       struct bigphys_alloc_info *info)
{
	unsigned long addr, flags;
	struct bigphys_alloc *ba, *found = NULL;
	struct rb_node *node;

	if (from < pool->pbase)
		from = pool->pbase;
	if (from - pool->pbase >= pool->size)
		return false;
	addr = pool->vbase + (from - pool->pbase);

	spin_lock_irqsave(&pool->lock, flags);
	node = pool->allocs.rb_node;
	while (node) {
		ba = rb_entry(node, struct bigphys_alloc, node);
		if (ba->addr >= addr) {
			found = ba;
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}
	if (found) {
		info->phys = pool->pbase + (found->addr - pool->vbase);
		info->size = found->size;
		info->held = !list_empty(&found->held_node);
		memcpy(info->owner, found->owner, sizeof(info->owner));
	}
	spin_unlock_irqrestore(&pool->lock, flags);
	return found;
}

static void bigphys_count_hole(struct bigphys_stats *st, size_t hole)
{
	if (!hole)
		return;
	st->nr_free_blocks++;
	st->largest_free = max(st->largest_free, hole);
}

/**
 * bigphys_pool_stats() - take a snapshot of a pool's state
 * @pool: the pool
 * @st: filled in
 *
 * Free blocks are the holes between allocations, so freed neighbours
 * show up coalesced, as genalloc's bitmap has them. The counters are one
 * snapshot; the holes are gathered one allocation at a time, so they are
 * exact only while nothing allocates or frees meanwhile.
 */
void bigphys_pool_stats(struct bigphys_pool *pool, struct bigphys_stats *st)
{
	struct bigphys_alloc_info info;
	phys_addr_t next = pool->pbase;
	unsigned long flags;

	memset(st, 0, sizeof(*st));
	st->base = pool->pbase;
	st->size = pool->size;

	spin_lock_irqsave(&pool->lock, flags);
	st->free = pool->size - pool->used;
	st->nr_allocs = pool->nr_allocs;
	st->held = pool->held_bytes;
	st->nr_held = pool->nr_held;
	spin_unlock_irqrestore(&pool->lock, flags);

	/* One allocation per lock hold: interrupts stay off for O(log n). */
	while (bigphys_pool_next(pool, next, &info)) {
		bigphys_count_hole(st, info.phys - next);
		st->largest_used = max(st->largest_used, info.size);
		next = info.phys + info.size;
	}
	bigphys_count_hole(st, pool->pbase + pool->size - next);
	/*
	 * Buffers freed during the walk can make a hole larger than the
	 * free bytes counted before it: no block is larger than all of them.
	 */
	st->largest_free = min(st->largest_free, st->free);
}
