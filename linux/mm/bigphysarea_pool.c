// SPDX-License-Identifier: GPL-2.0
/* bigphysarea: page-granular allocator over one contiguous range. */

#define pr_fmt(fmt) "bigphysarea: " fmt

#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/rbtree_augmented.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "bigphysarea_pool_internal.h"

/*
 * The free memory is a set of extents (maximal runs of free pages) in an
 * rbtree ordered by address. Each node also holds the largest extent and
 * the largest not known-zero part of its subtree, so the first extent of
 * at least N pages, or with dirty pages, is found in O(log n), and an
 * allocation or free costs the same for one page as for gigabytes.
 *
 * Alignments need not be powers of two (the classic rule: the page frame
 * number is a multiple of any count), so an extent large enough may still
 * not fit. The search then moves on to the next large enough extent, and
 * drops the lock every BIGPHYS_SEARCH_BATCH of them: interrupts are never
 * off for more than that many O(log n) steps.
 */

static inline struct bigphys_extent *ext_of(struct rb_node *node)
{
	return rb_entry(node, struct bigphys_extent, rb);
}

static inline unsigned long ext_dirty(const struct bigphys_extent *e)
{
	return e->pages - (e->zhi - e->zlo);
}

static void ext_aug_join(struct bigphys_extent_aug *aug, struct rb_node *child)
{
	struct bigphys_extent *c;

	if (!child)
		return;
	c = ext_of(child);
	aug->max = max(aug->max, c->aug.max);
	aug->dirty = max(aug->dirty, c->aug.dirty);
	aug->zero = max(aug->zero, c->aug.zero);
}

static bool ext_compute(struct bigphys_extent *e, bool exit)
{
	struct bigphys_extent_aug aug = {
		e->pages, ext_dirty(e), e->zhi - e->zlo
	};

	ext_aug_join(&aug, e->rb.rb_left);
	ext_aug_join(&aug, e->rb.rb_right);
	if (exit && !memcmp(&e->aug, &aug, sizeof(aug)))
		return true;
	e->aug = aug;
	return false;
}

RB_DECLARE_CALLBACKS(static, bigphys_ext_cb, struct bigphys_extent, rb, aug,
		     ext_compute);

static inline unsigned long ext_val(const struct bigphys_extent *e,
				    enum bigphys_ext_key key)
{
	switch (key) {
	case BIGPHYS_EXT_DIRTY:
		return ext_dirty(e);
	case BIGPHYS_EXT_ZERO:
		return e->zhi - e->zlo;
	default:
		return e->pages;
	}
}

static inline unsigned long ext_sub(struct rb_node *node, enum bigphys_ext_key key)
{
	const struct bigphys_extent_aug *aug = &ext_of(node)->aug;

	switch (key) {
	case BIGPHYS_EXT_DIRTY:
		return aug->dirty;
	case BIGPHYS_EXT_ZERO:
		return aug->zero;
	default:
		return aug->max;
	}
}

/* The first extent of @node's subtree that matches, or NULL. */
static struct bigphys_extent *ext_leftmost(struct rb_node *node,
					   unsigned long n, enum bigphys_ext_key key)
{
	if (!node || ext_sub(node, key) < n)
		return NULL;
	for (;;) {
		if (node->rb_left && ext_sub(node->rb_left, key) >= n) {
			node = node->rb_left;
			continue;
		}
		if (ext_val(ext_of(node), key) >= n)
			return ext_of(node);
		node = node->rb_right;
	}
}

/* The first extent after @e that matches, or NULL: O(log n). */
static struct bigphys_extent *ext_next(struct bigphys_extent *e,
				       unsigned long n, enum bigphys_ext_key key)
{
	struct rb_node *node = &e->rb, *parent;
	struct bigphys_extent *found;

	found = ext_leftmost(node->rb_right, n, key);
	if (found)
		return found;
	while ((parent = rb_parent(node))) {
		if (node == parent->rb_left) {
			if (ext_val(ext_of(parent), key) >= n)
				return ext_of(parent);
			found = ext_leftmost(parent->rb_right, n, key);
			if (found)
				return found;
		}
		node = parent;
	}
	return NULL;
}

/* The first extent starting at or after page @start. */
static struct bigphys_extent *ext_lower(struct bigphys_pool *pool,
					unsigned long start)
{
	struct rb_node *node = pool->free.rb_node;
	struct bigphys_extent *found = NULL;

	while (node) {
		if (ext_of(node)->start >= start) {
			found = ext_of(node);
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}
	return found;
}

/**
 * bigphys_ext_from() - find a free extent
 * @pool: the pool, with @pool->lock held
 * @start: the first page to look at
 * @n: at least this many pages (of the kind @key says)
 * @key: free pages, not known-zero pages or known-zero pages
 *
 * Return: the first extent at or after page @start that matches, or NULL.
 */
struct bigphys_extent *bigphys_ext_from(struct bigphys_pool *pool,
					unsigned long start, unsigned long n,
					enum bigphys_ext_key key)
{
	struct bigphys_extent *e;

	lockdep_assert_held(&pool->lock);
	if (!start)
		return ext_leftmost(pool->free.rb_node, n, key);
	e = ext_lower(pool, start);
	if (!e || ext_val(e, key) >= n)
		return e;
	return ext_next(e, n, key);
}

/*
 * Go on with a search at page @next after dropping the lock: from the
 * free extent that covers page @next - 1 if there is one (a free in the
 * meantime may have merged the extent looked at last with its
 * neighbours), else from @next.
 */
static struct bigphys_extent *ext_resume(struct bigphys_pool *pool,
					 unsigned long next, unsigned long n)
{
	struct bigphys_extent *e = ext_lower(pool, next);
	struct rb_node *prev = e ? rb_prev(&e->rb) : rb_last(&pool->free);

	if (prev && ext_of(prev)->start + ext_of(prev)->pages >= next)
		next = ext_of(prev)->start;
	return bigphys_ext_from(pool, next, n, BIGPHYS_EXT_FREE);
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

/* Set an extent's range and known-zero part, keeping @dirty_pages. */
static void ext_set(struct bigphys_pool *pool, struct bigphys_extent *e,
		    unsigned long start, unsigned long pages,
		    unsigned long zlo, unsigned long zhi)
{
	unsigned long old = ext_dirty(e);

	zero_clamp(&zlo, &zhi, start, start + pages);
	e->start = start;
	e->pages = pages;
	e->zlo = zlo;
	e->zhi = zhi;
	/* One store: the scrubber reads it without the lock. */
	WRITE_ONCE(pool->dirty_pages, pool->dirty_pages - old + ext_dirty(e));
}

/* Forget the known-zero part of free extent @e, with @pool->lock held. */
void bigphys_ext_forget_zero(struct bigphys_pool *pool, struct bigphys_extent *e)
{
	lockdep_assert_held(&pool->lock);
	ext_set(pool, e, e->start, e->pages, 0, 0);
	bigphys_ext_cb_propagate(&e->rb, NULL);
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
	}
	return e;
}

static void ext_insert(struct bigphys_pool *pool, struct bigphys_extent *new)
{
	struct rb_node **link = &pool->free.rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = new->start < ext_of(parent)->start ?
		       &parent->rb_left : &parent->rb_right;
	}
	new->aug.max = new->pages;
	new->aug.dirty = ext_dirty(new);
	new->aug.zero = new->zhi - new->zlo;
	rb_link_node(&new->rb, parent, link);
	bigphys_ext_cb_propagate(parent, NULL);
	rb_insert_augmented(&new->rb, &pool->free, &bigphys_ext_cb);
}

static void ext_erase(struct bigphys_pool *pool, struct bigphys_extent *e)
{
	WRITE_ONCE(pool->dirty_pages, pool->dirty_pages - ext_dirty(e));
	rb_erase_augmented(&e->rb, &pool->free, &bigphys_ext_cb);
	list_add(&e->spare, &pool->spare);
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
		bigphys_ext_cb_propagate(&e->rb, NULL);
		if (a + n < end) {
			r = bigphys_ext_spare(pool);
			ext_set(pool, r, a + n, end - a - n, zlo, zhi);
			ext_insert(pool, r);
		}
	} else if (a + n < end) {
		ext_set(pool, e, a + n, end - a - n, zlo, zhi);
		bigphys_ext_cb_propagate(&e->rb, NULL);
	} else {
		ext_erase(pool, e);
	}
}

/* Give pages [@a, @a + @n) back, joining the neighbouring extents. */
void bigphys_ext_release(struct bigphys_pool *pool, unsigned long a,
			 unsigned long n, bool zero)
{
	unsigned long zlo = zero ? a : 0, zhi = zero ? a + n : 0, end;
	struct bigphys_extent *l = NULL, *r, *e;
	struct rb_node *prev;

	lockdep_assert_held(&pool->lock);
	r = ext_lower(pool, a);
	prev = r ? rb_prev(&r->rb) : rb_last(&pool->free);
	if (prev && ext_of(prev)->start + ext_of(prev)->pages == a)
		l = ext_of(prev);
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
		bigphys_ext_cb_propagate(&l->rb, NULL);
	} else if (r) {
		zero_join(&zlo, &zhi, r->zlo, r->zhi);
		ext_set(pool, r, a, r->start + r->pages - a, zlo, zhi);
		bigphys_ext_cb_propagate(&r->rb, NULL);
	} else {
		e = bigphys_ext_spare(pool);
		ext_set(pool, e, a, n, zlo, zhi);
		ext_insert(pool, e);
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

	memset(pool, 0, sizeof(*pool));
	if (!size || !PAGE_ALIGNED(size) || !PAGE_ALIGNED(phys))
		return -EINVAL;
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	spin_lock_init(&pool->lock);
	pool->free = RB_ROOT;
	INIT_LIST_HEAD(&pool->spare);
	pool->allocs = RB_ROOT;
	bigphys_pool_hold_init(pool);
	bigphys_pool_scrub_init(pool);
	pool->vbase = (unsigned long)vaddr;
	pool->pbase = phys;
	pool->base_pfn = PHYS_PFN(phys);
	pool->size = size;
	/* Nothing is known to be zero yet. */
	ext_set(pool, e, 0, size >> PAGE_SHIFT, 0, 0);
	ext_insert(pool, e);
	return 0;
}

/**
 * bigphys_pool_destroy() - tear down a pool, releasing what is still allocated
 * @pool: the pool
 */
void bigphys_pool_destroy(struct bigphys_pool *pool)
{
	struct bigphys_extent *e, *etmp;
	struct bigphys_alloc *ba, *tmp;

	/* No user may remain; pending and held memory go with the pool. */
	bigphys_pool_hold_stop(pool);
	bigphys_pool_scrub_stop(pool);
	rbtree_postorder_for_each_entry_safe(ba, tmp, &pool->allocs, node)
		kfree(ba);
	pool->allocs = RB_ROOT;
	rbtree_postorder_for_each_entry_safe(e, etmp, &pool->free, rb)
		kfree(e);
	pool->free = RB_ROOT;
	list_for_each_entry_safe(e, etmp, &pool->spare, spare)
		kfree(e);
	INIT_LIST_HEAD(&pool->spare);
	pool->size = 0;
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
	unsigned long align = align_pages ?: 1, n, a = 0, next, flags;
	unsigned long clo = 0, chi = 0;
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
	e = bigphys_ext_from(pool, 0, n, BIGPHYS_EXT_FREE);
	while (e) {
		a = bigphys_align_up(pool, e->start, align);
		if (a - e->start <= e->pages - n)
			break;
		if (++looked % BIGPHYS_SEARCH_BATCH) {
			e = ext_next(e, n, BIGPHYS_EXT_FREE);
			continue;
		}
		/* Let interrupts in; go on after this extent. */
		next = e->start + e->pages;
		dropped = true;
		bigphys_unlock(pool, flags);
		cpu_relax();
		flags = bigphys_lock(pool);
		e = ext_resume(pool, next, n);
	}
	found = e;
	if (found) {
		bigphys_ext_carve(pool, e, a, n, &clo, &chi);
		if (pool->writers) {	/* free memory may have been written */
			clo = a;
			chi = a;
		}
		ba->addr = pool->vbase + (a << PAGE_SHIFT);
		bigphys_insert(pool, ba);
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
	rb_erase(&ba->node, &pool->allocs);
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
 * Context: any context. O(log n) under @pool->lock, whatever the size.
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

	flags = bigphys_lock(pool);
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

