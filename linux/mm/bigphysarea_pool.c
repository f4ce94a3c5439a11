// SPDX-License-Identifier: GPL-2.0
/* bigphysarea: page-granular allocator over one contiguous range. */

#define pr_fmt(fmt) "bigphysarea: " fmt

#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "bigphysarea_pool_internal.h"

/*
 * The free memory is a set of extents (maximal runs of free pages), each
 * on the list of its size class: list i holds the extents of 2^i to
 * 2^(i + 1) - 1 pages, and a bit per list says which are not empty. Any
 * extent of at least n + a - 1 pages holds n pages at an alignment of a
 * pages, wherever it starts: an allocation takes the first extent of the
 * first non-empty class of that size or more (one find_next_bit() on one
 * word). The head of each smaller class that may hold it is tried first
 * (at most one per class): a tighter fit. Only if all of that fails does
 * it look through the extents of those smaller classes, letting go of
 * the lock every BIGPHYS_SEARCH_BATCH of them.
 *
 * A table with one word per page finds records by address: the first
 * and last page of a free extent point to it, the first page of an
 * allocation to its record. A free finds its record, and the free
 * neighbours it joins, through the table.
 *
 * So an allocation or free touches a bounded number of records, whatever
 * its size and however many allocations and extents there are: the time
 * interrupts are off for it does not grow with either (that last search
 * aside, which only runs when no extent is large enough for any start,
 * and is cut into bounded holds). Alignments need not be powers of two
 * (the classic rule: the page frame number is a multiple of any count).
 * The first level of TLSF, without its second: a class holds extents of
 * up to twice the size of its smallest.
 */

/* Pages bigphys_pool_next() steps over one by one per hold of the lock. */
#define BIGPHYS_WALK_BATCH	1024

static inline struct bigphys_extent *tag_ext(struct bigphys_pool *pool,
					     unsigned long page)
{
	unsigned long t = pool->tags[page];

	return t & BIGPHYS_TAG_ALLOC ? NULL : (struct bigphys_extent *)t;
}

static inline struct bigphys_alloc *tag_alloc(struct bigphys_pool *pool,
					      unsigned long page)
{
	unsigned long t = pool->tags[page];

	return t & BIGPHYS_TAG_ALLOC ?
	       (struct bigphys_alloc *)(t & ~BIGPHYS_TAG_ALLOC) : NULL;
}

static inline unsigned long pool_pages(const struct bigphys_pool *pool)
{
	return pool->size >> PAGE_SHIFT;
}

static inline unsigned long ext_dirty(const struct bigphys_extent *e)
{
	return e->pages - (e->zhi - e->zlo);
}

/* Limit a known-zero range [*lo, *hi) to [s, e); empty is s, s. */
static void zero_clamp(unsigned long *lo, unsigned long *hi,
		       unsigned long s, unsigned long e)
{
	*lo = max(*lo, s);
	*hi = min(*hi, e);
	if (*lo >= *hi)
		*lo = *hi = s;
}

/* Join two known-zero ranges: their union if they touch, else the longer. */
static void zero_join(unsigned long *lo, unsigned long *hi,
		      unsigned long lo2, unsigned long hi2)
{
	if (lo2 == hi2)
		return;
	if (*lo == *hi) {
		*lo = lo2;
		*hi = hi2;
	} else if (*hi == lo2 || hi2 == *lo) {
		*lo = min(*lo, lo2);
		*hi = max(*hi, hi2);
	} else if (hi2 - lo2 > *hi - *lo) {
		*lo = lo2;
		*hi = hi2;
	}
}

/* Take a linked extent off its class list and out of the page table. */
static void ext_unlink(struct bigphys_pool *pool, struct bigphys_extent *e)
{
	unsigned int c = ilog2(e->pages);

	list_del(&e->node);
	if (list_empty(&pool->classes[c]))
		__clear_bit(c, &pool->class_mask);
	pool->tags[e->start] = 0;
	pool->tags[e->start + e->pages - 1] = 0;
	pool->nr_extents--;
}

static void ext_link(struct bigphys_pool *pool, struct bigphys_extent *e)
{
	unsigned int c = ilog2(e->pages);

	list_add(&e->node, &pool->classes[c]);
	__set_bit(c, &pool->class_mask);
	pool->tags[e->start] = (unsigned long)e;
	pool->tags[e->start + e->pages - 1] = (unsigned long)e;
	pool->nr_extents++;
	e->seen = 0;	/* moved or changed: a search in progress looks again */
}

/*
 * Set a free extent's range and known-zero part, relinking it (@e->pages
 * is 0 for a record from the spares), and keep @dirty_pages, @dirty and
 * @zero up to date.
 */
static void ext_set(struct bigphys_pool *pool, struct bigphys_extent *e,
		    unsigned long start, unsigned long pages,
		    unsigned long zlo, unsigned long zhi)
{
	unsigned long old = ext_dirty(e);

	if (e->pages)
		ext_unlink(pool, e);
	zero_clamp(&zlo, &zhi, start, start + pages);
	e->start = start;
	e->pages = pages;
	e->zlo = zlo;
	e->zhi = zhi;
	ext_link(pool, e);
	/* One store: the scrubber reads it without the lock. */
	WRITE_ONCE(pool->dirty_pages, pool->dirty_pages - old + ext_dirty(e));
	if (!ext_dirty(e))
		list_del_init(&e->dirty);
	else if (list_empty(&e->dirty))
		list_add_tail(&e->dirty, &pool->dirty);
	if (zhi == zlo)
		list_del_init(&e->zero);
	else if (list_empty(&e->zero))
		list_add_tail(&e->zero, &pool->zero);
}

static void ext_erase(struct bigphys_pool *pool, struct bigphys_extent *e)
{
	WRITE_ONCE(pool->dirty_pages, pool->dirty_pages - ext_dirty(e));
	ext_unlink(pool, e);
	list_del_init(&e->dirty);
	list_del_init(&e->zero);
	e->pages = 0;
	list_add(&e->spare, &pool->spare);
}

/**
 * bigphys_ext_first() - the free extent the scrubber or a writer looks at next
 * @pool: the pool, with @pool->lock held
 * @key: BIGPHYS_EXT_DIRTY: with pages not known to be zero, oldest first;
 *	BIGPHYS_EXT_ZERO: with a known-zero part
 *
 * Return: the extent, or NULL if there is none.
 */
struct bigphys_extent *bigphys_ext_first(struct bigphys_pool *pool,
					 enum bigphys_ext_key key)
{
	lockdep_assert_held(&pool->lock);
	if (key == BIGPHYS_EXT_DIRTY)
		return list_first_entry_or_null(&pool->dirty,
						struct bigphys_extent, dirty);
	return list_first_entry_or_null(&pool->zero, struct bigphys_extent,
					zero);
}

/* Forget the known-zero part of free extent @e, with @pool->lock held. */
void bigphys_ext_forget_zero(struct bigphys_pool *pool, struct bigphys_extent *e)
{
	lockdep_assert_held(&pool->lock);
	ext_set(pool, e, e->start, e->pages, 0, 0);
}

/* A record from @pool->spare; there always is one where it is needed. */
struct bigphys_extent *bigphys_ext_spare(struct bigphys_pool *pool)
{
	struct bigphys_extent *e;

	lockdep_assert_held(&pool->lock);
	e = list_first_entry_or_null(&pool->spare, struct bigphys_extent, spare);
	if (e) {
		list_del(&e->spare);
		e->pages = 0;
		e->zlo = 0;
		e->zhi = 0;
		INIT_LIST_HEAD(&e->dirty);
		INIT_LIST_HEAD(&e->zero);
	}
	return e;
}

/*
 * Take pages [@a, @a + @n) out of free extent @e. [*@clo, *@chi) is set
 * to the part of them known to be zero. Needs a spare record when the
 * extent splits: the caller has added one.
 */
void bigphys_ext_carve(struct bigphys_pool *pool, struct bigphys_extent *e,
		       unsigned long a, unsigned long n,
		       unsigned long *clo, unsigned long *chi)
{
	unsigned long s = e->start, end = e->start + e->pages;
	unsigned long zlo = e->zlo, zhi = e->zhi;
	struct bigphys_extent *r;

	lockdep_assert_held(&pool->lock);
	*clo = zlo;
	*chi = zhi;
	zero_clamp(clo, chi, a, a + n);
	if (a > s) {
		ext_set(pool, e, s, a - s, zlo, zhi);
		if (a + n < end) {
			r = bigphys_ext_spare(pool);
			ext_set(pool, r, a + n, end - a - n, zlo, zhi);
		}
	} else if (a + n < end) {
		ext_set(pool, e, a + n, end - a - n, zlo, zhi);
	} else {
		ext_erase(pool, e);
	}
}

/* Give pages [@a, @a + @n) back, joining the neighbouring extents. */
void bigphys_ext_release(struct bigphys_pool *pool, unsigned long a,
			 unsigned long n, bool zero)
{
	unsigned long zlo = zero ? a : 0, zhi = zero ? a + n : 0, end;
	struct bigphys_extent *l = NULL, *r = NULL, *e;

	lockdep_assert_held(&pool->lock);
	if (a)
		l = tag_ext(pool, a - 1);
	if (a + n < pool_pages(pool))
		r = tag_ext(pool, a + n);
	if (l && l->start + l->pages != a)
		l = NULL;
	if (r && r->start != a + n)
		r = NULL;

	if (l) {
		end = a + n;
		zero_join(&zlo, &zhi, l->zlo, l->zhi);
		if (r) {
			zero_join(&zlo, &zhi, r->zlo, r->zhi);
			end = r->start + r->pages;
			ext_erase(pool, r);
		}
		ext_set(pool, l, l->start, end - l->start, zlo, zhi);
	} else if (r) {
		zero_join(&zlo, &zhi, r->zlo, r->zhi);
		ext_set(pool, r, a, r->start + r->pages - a, zlo, zhi);
	} else {
		e = bigphys_ext_spare(pool);
		ext_set(pool, e, a, n, zlo, zhi);
	}
}

/* The first page at or after @s whose page frame number is a multiple of @align. */
static inline unsigned long bigphys_align_up(struct bigphys_pool *pool,
					     unsigned long s, unsigned long align)
{
	unsigned long rem = (pool->base_pfn + s) % align;

	return rem ? s + align - rem : s;
}

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
	struct bigphys_extent *e;
	unsigned int i;

	/* The low bit of a record's address is free for BIGPHYS_TAG_ALLOC. */
	BUILD_BUG_ON(ARCH_KMALLOC_MINALIGN < 2);
	memset(pool, 0, sizeof(*pool));
	if (!size || !PAGE_ALIGNED(size) || !PAGE_ALIGNED(phys))
		return -EINVAL;
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	/* One word per page (0.2 % of the range with 4 KiB pages). */
	pool->tags = kvcalloc(size >> PAGE_SHIFT, sizeof(*pool->tags),
			      GFP_KERNEL);
	if (!e || !pool->tags) {
		kfree(e);
		kvfree(pool->tags);
		pool->tags = NULL;
		return -ENOMEM;
	}
	spin_lock_init(&pool->lock);
	for (i = 0; i < BIGPHYS_CLASSES; i++)
		INIT_LIST_HEAD(&pool->classes[i]);
	INIT_LIST_HEAD(&pool->dirty);
	INIT_LIST_HEAD(&pool->zero);
	INIT_LIST_HEAD(&pool->spare);
	INIT_LIST_HEAD(&e->dirty);
	INIT_LIST_HEAD(&e->zero);
	bigphys_pool_hold_init(pool);
	bigphys_pool_scrub_init(pool);
	pool->vbase = (unsigned long)vaddr;
	pool->pbase = phys;
	pool->base_pfn = PHYS_PFN(phys);
	pool->size = size;
	/* Nothing is known to be zero yet. */
	ext_set(pool, e, 0, size >> PAGE_SHIFT, 0, 0);
	return 0;
}

/**
 * bigphys_pool_destroy() - tear down a pool, releasing what is still allocated
 * @pool: the pool
 */
void bigphys_pool_destroy(struct bigphys_pool *pool)
{
	struct bigphys_extent *e, *etmp;
	unsigned long i;

	/* No user may remain; pending and held memory go with the pool. */
	bigphys_pool_hold_stop(pool);
	bigphys_pool_scrub_stop(pool);
	for (i = 0; pool->tags && i < pool_pages(pool); i++) {
		e = tag_ext(pool, i);
		if (e) {
			/* Its last page points to it too: go past it first. */
			i = e->start + e->pages - 1;
			kfree(e);
		} else {
			kfree(tag_alloc(pool, i));
		}
		if (!(i % SZ_64K))
			cond_resched();
	}
	kvfree(pool->tags);
	pool->tags = NULL;
	list_for_each_entry_safe(e, etmp, &pool->spare, spare)
		kfree(e);
	INIT_LIST_HEAD(&pool->spare);
	pool->size = 0;
}

/* The allocation starting at @addr, or NULL. */
static struct bigphys_alloc *bigphys_lookup(struct bigphys_pool *pool,
					    unsigned long addr)
{
	struct bigphys_alloc *ba;

	if (addr < pool->vbase || addr - pool->vbase >= pool->size ||
	    !PAGE_ALIGNED(addr))
		return NULL;
	ba = tag_alloc(pool, (addr - pool->vbase) >> PAGE_SHIFT);
	return ba && ba->addr == addr ? ba : NULL;
}

/* Whether @n pages at a multiple of @align fit in @e; *@ap: where. */
static bool ext_fits(struct bigphys_pool *pool, struct bigphys_extent *e,
		     unsigned long n, unsigned long align, unsigned long *ap)
{
	unsigned long a = bigphys_align_up(pool, e->start, align);

	if (e->pages < n || a - e->start > e->pages - n)
		return false;
	*ap = a;
	return true;
}

/*
 * Where @n pages at a page frame number that is a multiple of @align go:
 * the extent, with *@ap set to the first page; NULL if none fits. Search
 * @gen marks the extents it looked at, *@looked counts them.
 * ERR_PTR(-EAGAIN) after looking at BIGPHYS_SEARCH_BATCH extents that did
 * not fit: the caller lets go of the lock and calls again (with a new
 * @gen if another search moved extents meanwhile). A search gives up,
 * as if nothing fitted, after four times as many extents as there are:
 * only searches that keep moving each other's extents get there.
 */
static struct bigphys_extent *ext_find(struct bigphys_pool *pool,
				       unsigned long n, unsigned long align,
				       u64 gen, unsigned long *ap,
				       unsigned int *looked)
{
	unsigned long c, cg = BIGPHYS_CLASSES;
	struct bigphys_extent *e;
	unsigned int batch = 0;

	/* Any extent of n + align - 1 pages or more fits. */
	if (align - 1 <= pool_pages(pool) - n)
		cg = order_base_2(n + align - 1);
	/* A tighter fit first: the head of each smaller class that may hold it. */
	for (c = ilog2(n); c < cg; c++) {
		e = list_first_entry_or_null(&pool->classes[c],
					     struct bigphys_extent, node);
		if (e && ext_fits(pool, e, n, align, ap))
			return e;
	}
	c = cg < BIGPHYS_CLASSES ?
	    find_next_bit(&pool->class_mask, BIGPHYS_CLASSES, cg) :
	    BIGPHYS_CLASSES;
	if (c < BIGPHYS_CLASSES) {
		e = list_first_entry(&pool->classes[c], struct bigphys_extent, node);
		*ap = bigphys_align_up(pool, e->start, align);
		return e;
	}
	/*
	 * The rest of the smaller classes. Each extent looked at goes to
	 * the end of its list, marked, so that after the lock was dropped the
	 * search goes on with those it has not seen.
	 */
	for (c = ilog2(n); c < cg; c++) {
		while ((e = list_first_entry_or_null(&pool->classes[c],
						     struct bigphys_extent, node)) &&
		       e->seen != gen) {
			if (*looked > 4 * pool->nr_extents + BIGPHYS_SEARCH_BATCH)
				return NULL;
			(*looked)++;
			e->seen = gen;
			list_move_tail(&e->node, &pool->classes[c]);
			pool->search_owner = gen;
			if (ext_fits(pool, e, n, align, ap))
				return e;
			if (++batch == BIGPHYS_SEARCH_BATCH)
				return ERR_PTR(-EAGAIN);
		}
	}
	return NULL;
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
	unsigned long align = align_pages ?: 1, n, a = 0, flags;
	unsigned long clo = 0, chi = 0;
	u64 gen;
	gfp_t kgfp = gfp & ~(GFP_ZONEMASK | __GFP_ZERO);
	struct bigphys_extent *e, *spare;
	struct bigphys_alloc *ba;
	unsigned int looked = 0, retries = 0, verified = 0, rescanned = 0, steal;
	bool found, pending, verifying, holding_off = false;
	bool dropped = false;

	if (!size || size > pool->size)
		return NULL;
	size = PAGE_ALIGN(size);
	n = size >> PAGE_SHIFT;

	ba = kmalloc(sizeof(*ba), kgfp);
	spare = kmalloc(sizeof(*spare), kgfp);
	if (!ba || !spare) {
		kfree(ba);
		kfree(spare);
		return NULL;
	}
	ba->size = size;
	ba->state = BIGPHYS_LIVE;
	INIT_LIST_HEAD(&ba->held_node);
	strscpy(ba->owner, owner ?: "unknown", sizeof(ba->owner));

retry:
	flags = bigphys_lock(pool);
	/* One record more per allocation; bigphys_ext_carve() may need it. */
	list_add(&spare->spare, &pool->spare);
	gen = ++pool->search_gen;
	while (IS_ERR(e = ext_find(pool, n, align, gen, &a, &looked))) {
		/* Let interrupts in; go on with the extents not looked at. */
		dropped = true;
		bigphys_unlock(pool, flags);
		cpu_relax();
		flags = bigphys_lock(pool);
		/* Another search moved extents meanwhile: start over. */
		if (pool->search_owner != gen)
			gen = ++pool->search_gen;
	}
	found = e;
	if (found) {
		bigphys_ext_carve(pool, e, a, n, &clo, &chi);
		if (pool->writers) {	/* free memory may have been written */
			clo = a;
			chi = a;
		}
		ba->addr = pool->vbase + (a << PAGE_SHIFT);
		pool->tags[a] = (unsigned long)ba | BIGPHYS_TAG_ALLOC;
		pool->used += size;
		pool->nr_allocs++;
		spare = NULL;
	}
	pending = !list_empty(&pool->pending);
	verifying = pool->verifying;
	/*
	 * The scrubber's chunk may be what was missing: ask for it back
	 * (dirty) rather than wait for a thread at the lowest priority. It
	 * is back at once unless a step is running; a caller that may
	 * sleep waits for that step (one memset() on another CPU).
	 */
	steal = 0;
	if (!found && pool->scrub_busy && pool->size - pool->used >= size &&
	    retries++ < 3) {
		if (bigphys_pool_scrub_steal(pool))
			steal = 1;
		else if (gfpflags_allow_blocking(gfp))
			steal = 2;
		if (steal)
			atomic_inc(&pool->scrub_held_off);
	}
	if (!found)
		spare = bigphys_ext_spare(pool);
	bigphys_unlock(pool, flags);
	if (holding_off) {
		atomic_dec(&pool->scrub_held_off);
		holding_off = false;
	}
	if (steal) {
		if (steal == 2)
			bigphys_pool_scrub_wait_step(pool);
		holding_off = true;
		looked = 0;
		goto retry;
	}

	if (!found) {
		/* Memory freed behind the search while it let go: once more. */
		if (dropped && !rescanned++) {
			dropped = false;
			looked = 0;
			goto retry;
		}
		/*
		 * Freed memory not checked for references yet may be what
		 * was missing: check it now rather than fail (without
		 * sleeping, only BIGPHYS_ATOMIC_VERIFY bytes of it). What
		 * another thread is checking comes back within one scan.
		 */
		if (pending && verified++ < 4) {
			bigphys_pool_verify_pending(pool, gfpflags_allow_blocking(gfp));
			looked = 0;
			goto retry;
		}
		if (verifying && verified++ < 4 && gfpflags_allow_blocking(gfp)) {
			wait_event(pool->verify_done, !READ_ONCE(pool->verifying));
			looked = 0;
			goto retry;
		}
		goto fail;
	}
	if (gfp & __GFP_ZERO) {
		/* Only what is not known to be zero: [a, clo) and [chi, a + n). */
		memset((void *)ba->addr, 0, (clo - a) << PAGE_SHIFT);
		if (chi > clo)
			memset((void *)(pool->vbase + (chi << PAGE_SHIFT)), 0,
			       (a + n - chi) << PAGE_SHIFT);
		else
			memset((void *)ba->addr, 0, size);
	}
	return (void *)ba->addr;

fail:
	kfree(spare);
	kfree(ba);
	return NULL;
}

/*
 * Give an allocation's range back. Called with @pool->lock; returns the
 * extent record that is now one too many, for bigphys_pool_release_done().
 */
struct bigphys_extent *bigphys_pool_release_locked(struct bigphys_pool *pool,
						   struct bigphys_alloc *ba)
{
	lockdep_assert_held(&pool->lock);
	pool->tags[(ba->addr - pool->vbase) >> PAGE_SHIFT] = 0;
	bigphys_ext_release(pool, (ba->addr - pool->vbase) >> PAGE_SHIFT,
			    ba->size >> PAGE_SHIFT, false);
	pool->used -= ba->size;
	pool->nr_allocs--;
	return bigphys_ext_spare(pool);
}

/* After bigphys_pool_release_locked(), with @pool->lock dropped. */
void bigphys_pool_release_done(struct bigphys_pool *pool,
			       struct bigphys_alloc *ba,
			       struct bigphys_extent *spare)
{
	kfree(spare);
	kfree(ba);
	bigphys_pool_scrub_kick(pool);
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
 * If @pool->track_refs is set, the memory is not reused before its pages
 * have been checked for references beyond the pool's own (a pin or a
 * pipe buffer taken through a user mapping). The check costs one read per
 * page, so it is not done here: the allocation becomes pending, still
 * counted as used, and a background worker checks it a jiffy later.
 * Unreferenced, it goes back to the free extents; referenced, it is held,
 * shown as held,
 * and returned by a background scan once the last reference is gone. An
 * allocation that finds no room checks pending memory itself first, and
 * statistics do so before they are taken, so a free is never seen late.
 *
 * Context: any context. O(1) under @pool->lock, whatever the size.
 * Return: 0, or -EINVAL for an invalid or double free.
 */
int bigphys_pool_free(struct bigphys_pool *pool, void *vaddr, size_t *size)
{
	struct bigphys_extent *spare = NULL;
	struct bigphys_alloc *ba;
	unsigned long flags;
	bool first_bad = false, pending = false;

	flags = bigphys_lock(pool);
	ba = bigphys_lookup(pool, (unsigned long)vaddr);
	if (!ba || ba->state != BIGPHYS_LIVE) {
		first_bad = !pool->bad_frees++;
		ba = NULL;
	} else if (pool->track_refs) {
		pending = true;
		ba->state = BIGPHYS_PENDING;	/* a second free is bad now */
		list_add_tail(&ba->held_node, &pool->pending);
		pool->pending_bytes += ba->size;
		pool->nr_pending++;
	} else {
		spare = bigphys_pool_release_locked(pool, ba);
	}
	if (ba && size)
		*size = ba->size;
	bigphys_unlock(pool, flags);

	if (!ba) {
		if (first_bad) {
			pr_warn("invalid or double free of %p ignored\n", vaddr);
			dump_stack();
		}
		return -EINVAL;
	}
	if (pending) {
		/* No longer ours. A timer, not a wake-up: the free stays cheap. */
		queue_delayed_work(system_unbound_wq, &pool->verify_work, 1);
		return 0;
	}
	bigphys_pool_release_done(pool, ba, spare);
	return 0;
}

/**
 * bigphys_pool_next() - copy the first allocation at or after an address
 * @pool: the pool
 * @from: physical address to start at
 * @info: filled in
 *
 * For listings that must not hold @pool->lock across all allocations.
 * The walk steps over free extents whole and over anything else (the
 * inside of an allocation, memory out of the free extents but in none,
 * the inside of an extent that grew since the previous call) page by
 * page, letting go of the lock every BIGPHYS_WALK_BATCH steps.
 *
 * Return: true if an allocation was found.
 */
bool bigphys_pool_next(struct bigphys_pool *pool, phys_addr_t from,
		       struct bigphys_alloc_info *info)
{
	struct bigphys_alloc *found = NULL;
	struct bigphys_extent *e;
	unsigned long i, flags;
	unsigned int steps = 0;

	if (from < pool->pbase)
		from = pool->pbase;
	if (from - pool->pbase >= pool->size)
		return false;
	i = DIV_ROUND_UP(from - pool->pbase, PAGE_SIZE);

	flags = bigphys_lock(pool);
	while (i < pool_pages(pool)) {
		found = tag_alloc(pool, i);
		if (found)
			break;
		/* A free extent is stepped over whole, anything else by page. */
		e = tag_ext(pool, i);
		i += e && e->start == i ? e->pages : 1;
		if (!(++steps % BIGPHYS_WALK_BATCH)) {
			bigphys_unlock(pool, flags);
			cpu_relax();
			flags = bigphys_lock(pool);
		}
	}
	if (found) {
		info->phys = pool->pbase + (found->addr - pool->vbase);
		info->size = found->size;
		info->held = found->state != BIGPHYS_LIVE;
		memcpy(info->owner, found->owner, sizeof(info->owner));
	}
	bigphys_unlock(pool, flags);
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
 * show up coalesced, as the free extents have them. The counters are one
 * snapshot; the holes are gathered one allocation at a time, so they are
 * exact only while nothing allocates or frees meanwhile. Memory freed
 * before the call is checked for references first, so it shows up as
 * free or held, never as still allocated.
 *
 * Context: process context; may sleep.
 */
void bigphys_pool_stats(struct bigphys_pool *pool, struct bigphys_stats *st)
{
	struct bigphys_alloc_info info;
	phys_addr_t next = pool->pbase;
	unsigned long flags;

	memset(st, 0, sizeof(*st));
	st->base = pool->pbase;
	st->size = pool->size;

	bigphys_pool_settle(pool);
	flags = bigphys_lock(pool);
	st->free = pool->size - pool->used;
	st->nr_allocs = pool->nr_allocs;
	st->held = pool->held_bytes;
	st->nr_held = pool->nr_held;
	bigphys_unlock(pool, flags);

	/* One allocation per lock hold: interrupts stay off briefly. */
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

