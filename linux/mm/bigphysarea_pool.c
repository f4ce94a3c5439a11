// SPDX-License-Identifier: GPL-2.0
/* bigphysarea: page-granular allocator over one contiguous range. */

#define pr_fmt(fmt) "bigphysarea: " fmt

#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/page_ref.h>
#include <linux/printk.h>
#include <linux/rbtree_augmented.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "bigphysarea_pool.h"

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
#define BIGPHYS_SEARCH_BATCH	32

/* Bytes of pending frees an allocation that cannot sleep checks itself. */
#define BIGPHYS_ATOMIC_VERIFY	SZ_4M

/* The scrubber zeroes free memory this much at a time (pages). */
#define BIGPHYS_SCRUB_CHUNK	(SZ_2M >> PAGE_SHIFT)
/* and yields the CPU after every this many bytes. */
#define BIGPHYS_SCRUB_STEP	SZ_64K

static unsigned long bigphys_lock(struct bigphys_pool *pool)
	__acquires(&pool->lock)
{
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	if (IS_ENABLED(CONFIG_BIGPHYS_AREA_BENCH))
		pool->lock_t0 = local_clock();
	return flags;
}

static void bigphys_unlock(struct bigphys_pool *pool, unsigned long flags)
	__releases(&pool->lock)
{
	if (IS_ENABLED(CONFIG_BIGPHYS_AREA_BENCH)) {
		u64 ns = local_clock() - pool->lock_t0;

		if (ns > pool->lock_max_ns)
			pool->lock_max_ns = ns;
	}
	spin_unlock_irqrestore(&pool->lock, flags);
}

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

/* A search looks for extents of at least N pages, N dirty or N known-zero. */
enum ext_key {
	EXT_FREE,
	EXT_DIRTY,
	EXT_ZERO,
};

static inline unsigned long ext_val(const struct bigphys_extent *e,
				    enum ext_key key)
{
	switch (key) {
	case EXT_DIRTY:
		return ext_dirty(e);
	case EXT_ZERO:
		return e->zhi - e->zlo;
	default:
		return e->pages;
	}
}

static inline unsigned long ext_sub(struct rb_node *node, enum ext_key key)
{
	const struct bigphys_extent_aug *aug = &ext_of(node)->aug;

	switch (key) {
	case EXT_DIRTY:
		return aug->dirty;
	case EXT_ZERO:
		return aug->zero;
	default:
		return aug->max;
	}
}

/* The first extent of @node's subtree that matches, or NULL. */
static struct bigphys_extent *ext_leftmost(struct rb_node *node,
					   unsigned long n, enum ext_key key)
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
				       unsigned long n, enum ext_key key)
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

/* The first extent at or after page @start that matches, or NULL. */
static struct bigphys_extent *ext_from(struct bigphys_pool *pool,
				       unsigned long start, unsigned long n,
				       enum ext_key key)
{
	struct bigphys_extent *e;

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
	return ext_from(pool, next, n, EXT_FREE);
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
	pool->dirty_pages -= ext_dirty(e);
	zero_clamp(&zlo, &zhi, start, start + pages);
	e->start = start;
	e->pages = pages;
	e->zlo = zlo;
	e->zhi = zhi;
	pool->dirty_pages += ext_dirty(e);
}

/* A record from @pool->spare; there always is one where it is needed. */
static struct bigphys_extent *ext_spare(struct bigphys_pool *pool)
{
	struct bigphys_extent *e;

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
	pool->dirty_pages -= ext_dirty(e);
	rb_erase_augmented(&e->rb, &pool->free, &bigphys_ext_cb);
	list_add(&e->spare, &pool->spare);
}

/*
 * Take pages [@a, @a + @n) out of free extent @e. [*@clo, *@chi) is set
 * to the part of them known to be zero. Needs a spare record when the
 * extent splits: the caller has added one.
 */
static void ext_carve(struct bigphys_pool *pool, struct bigphys_extent *e,
		      unsigned long a, unsigned long n,
		      unsigned long *clo, unsigned long *chi)
{
	unsigned long s = e->start, end = e->start + e->pages;
	unsigned long zlo = e->zlo, zhi = e->zhi;
	struct bigphys_extent *r;

	*clo = zlo;
	*chi = zhi;
	zero_clamp(clo, chi, a, a + n);
	if (a > s) {
		ext_set(pool, e, s, a - s, zlo, zhi);
		bigphys_ext_cb_propagate(&e->rb, NULL);
		if (a + n < end) {
			r = ext_spare(pool);
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
static void ext_release(struct bigphys_pool *pool, unsigned long a,
			unsigned long n, bool zero)
{
	unsigned long zlo = zero ? a : 0, zhi = zero ? a + n : 0, end;
	struct bigphys_extent *l = NULL, *r, *e;
	struct rb_node *prev;

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
		e = ext_spare(pool);
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

/* Rescan held memory this often at first, backing off to the maximum. */
#define BIGPHYS_RECLAIM_MIN	(HZ / 20)
#define BIGPHYS_RECLAIM_MAX	HZ

static void bigphys_reclaim_work(struct work_struct *work);
static void bigphys_verify_work(struct work_struct *work);

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
	INIT_LIST_HEAD(&pool->pending);
	pool->atomic_verify = BIGPHYS_ATOMIC_VERIFY;
	INIT_DELAYED_WORK(&pool->verify_work, bigphys_verify_work);
	init_waitqueue_head(&pool->verify_done);
	INIT_LIST_HEAD(&pool->held);
	mutex_init(&pool->reclaim_lock);
	INIT_DELAYED_WORK(&pool->reclaim_work, bigphys_reclaim_work);
	init_waitqueue_head(&pool->scrub_wait);
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
	disable_delayed_work_sync(&pool->verify_work);
	disable_delayed_work_sync(&pool->reclaim_work);
	if (pool->scrub_task) {
		kthread_stop(pool->scrub_task);
		pool->scrub_task = NULL;
	}
	WARN_ON(pool->nr_held);
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

/*
 * Whether any page of an allocation carries a reference beyond the one
 * every page of the range has while it is ours: a GUP pin (O_DIRECT,
 * io_uring), a pipe buffer (vmsplice), a page table entry. Lockless: a
 * freed allocation is mapped nowhere that takes page references, so no
 * new reference can appear.
 */
static bool bigphys_referenced(struct bigphys_pool *pool,
			       const struct bigphys_alloc *ba, bool can_sleep)
{
	unsigned long pfn = PHYS_PFN(pool->pbase + (ba->addr - pool->vbase));
	unsigned long i, nr = ba->size >> PAGE_SHIFT;

	for (i = 0; i < nr; i++) {
		if (page_ref_count(pfn_to_page(pfn + i)) > 1)
			return true;
		if (can_sleep && !((i + 1) % SZ_4K))
			cond_resched();
	}
	return false;
}

static bool bigphys_verify_pending(struct bigphys_pool *pool, bool can_sleep);

/*
 * Taking the scrubber's chunk back. Whoever needs it (an allocation that
 * finds no room, the first writer) asks, under @pool->lock, with
 * bigphys_scrub_steal(): the scrubber starts no step after that. The chunk
 * goes back to the free extents (dirty) only once no step is in progress,
 * so that nobody, the asker or any other allocation, can get memory the
 * scrubber is still zeroing: right away if no step is running, else by
 * the first of the scrubber (bigphys_pool_scrub_finish()) and any caller
 * that can wait for the step (bigphys_scrub_wait_step()) to find it
 * done. A step is one 64 KiB memset() with preemption disabled.
 */

/* Give a stolen chunk back, with @pool->lock held and no step running. */
static void bigphys_scrub_release_stolen(struct bigphys_pool *pool)
{
	if (!pool->scrub_busy)
		return;		/* done already */
	list_add(&pool->scrub_spare->spare, &pool->spare);
	pool->scrub_spare = NULL;
	ext_release(pool, pool->scrub_start, pool->scrub_busy, false);
	WRITE_ONCE(pool->scrub_busy, 0);
}

/*
 * Ask for the scrubber's chunk, with @pool->lock held; any context.
 * Return: true if it is back in the free extents now.
 */
static bool bigphys_scrub_steal(struct bigphys_pool *pool)
{
	WRITE_ONCE(pool->scrub_stolen, true);
	/* Pairs with bigphys_scrub_step_begin(): it sees this, or we its step. */
	smp_mb();
	/* Acquire: the zeroes of a step just ended come before new owners'. */
	if (smp_load_acquire(&pool->scrub_stepping))
		return false;
	bigphys_scrub_release_stolen(pool);
	return true;
}

/*
 * Before the scrubber zeroes one step of its chunk: false if the chunk was
 * asked for. Otherwise preemption stays disabled until
 * bigphys_scrub_step_end(), so that a caller waiting for the step waits
 * for one step's memset(), never for the scrubber to be scheduled.
 */
static bool bigphys_scrub_step_begin(struct bigphys_pool *pool)
{
	preempt_disable();
	WRITE_ONCE(pool->scrub_stepping, true);
	/* Pairs with bigphys_scrub_steal(). */
	smp_mb();
	if (!READ_ONCE(pool->scrub_stolen))
		return true;
	/* Orders the previous step's zeroes, as in bigphys_scrub_step_end(). */
	smp_store_release(&pool->scrub_stepping, false);
	preempt_enable();
	return false;
}

static void bigphys_scrub_step_end(struct bigphys_pool *pool)
{
	/* The zeroes before anything the chunk's next owner writes. */
	smp_store_release(&pool->scrub_stepping, false);
	preempt_enable();
}

/*
 * After bigphys_scrub_steal() returned false, with @pool->lock dropped:
 * wait for the step in progress on another CPU, then give the chunk back
 * unless the scrubber did. Only for callers that may sleep: they hold no
 * spinlock an interrupt on the scrubber's CPU could want.
 */
static void bigphys_scrub_wait_step(struct bigphys_pool *pool)
{
	unsigned long flags;

	/* Pairs with the release in bigphys_scrub_step_end(). */
	while (smp_load_acquire(&pool->scrub_stepping))
		cpu_relax();
	flags = bigphys_lock(pool);
	if (pool->scrub_stolen)
		bigphys_scrub_release_stolen(pool);
	bigphys_unlock(pool, flags);
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
	/* One record more per allocation; ext_carve() may need it. */
	list_add(&spare->spare, &pool->spare);
	e = ext_from(pool, 0, n, EXT_FREE);
	while (e) {
		a = bigphys_align_up(pool, e->start, align);
		if (a - e->start <= e->pages - n)
			break;
		if (++looked % BIGPHYS_SEARCH_BATCH) {
			e = ext_next(e, n, EXT_FREE);
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
		ext_carve(pool, e, a, n, &clo, &chi);
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
		if (bigphys_scrub_steal(pool))
			steal = 1;
		else if (gfpflags_allow_blocking(gfp))
			steal = 2;
		if (steal)
			atomic_inc(&pool->scrub_held_off);
	}
	if (!found)
		spare = ext_spare(pool);
	bigphys_unlock(pool, flags);
	if (holding_off) {
		atomic_dec(&pool->scrub_held_off);
		holding_off = false;
	}
	if (steal) {
		if (steal == 2)
			bigphys_scrub_wait_step(pool);
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
			bigphys_verify_pending(pool, gfpflags_allow_blocking(gfp));
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
 * extent record that is now one too many, for kfree() after unlocking.
 */
static struct bigphys_extent *bigphys_release(struct bigphys_pool *pool,
					      struct bigphys_alloc *ba)
{
	rb_erase(&ba->node, &pool->allocs);
	ext_release(pool, (ba->addr - pool->vbase) >> PAGE_SHIFT,
		    ba->size >> PAGE_SHIFT, false);
	pool->used -= ba->size;
	pool->nr_allocs--;
	return ext_spare(pool);
}

static void bigphys_scrub_kick(struct bigphys_pool *pool)
{
	if (READ_ONCE(pool->scrub) && READ_ONCE(pool->scrub_task))
		wake_up(&pool->scrub_wait);
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
 * counted as used, and a background worker checks it a jiffy later. Unreferenced, it
 * goes back to the free extents; referenced, it is held, shown as held,
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
		spare = bigphys_release(pool, ba);
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
	kfree(spare);
	kfree(ba);
	bigphys_scrub_kick(pool);
	return 0;
}

/*
 * Check the pages of pending allocations for references, one allocation
 * at a time taken off @pool->pending: release those without, hold the
 * others. Any context: the scan runs without the lock, with the caller's
 * interrupt state, rescheduling now and then if @can_sleep; a freed
 * allocation is mapped nowhere that takes page references, so none can
 * appear meanwhile. Without @can_sleep at most @pool->atomic_verify
 * bytes are scanned, so the time stays bounded, and the worker is told
 * to check the rest at once.
 *
 * Return: true if memory went back to the free extents.
 */
static bool bigphys_verify_pending(struct bigphys_pool *pool, bool can_sleep)
{
	size_t budget = can_sleep ? SIZE_MAX : pool->atomic_verify;
	struct bigphys_extent *spare;
	struct bigphys_alloc *ba;
	unsigned long flags;
	bool released = false, referenced, left;

	for (;;) {
		flags = bigphys_lock(pool);
		/* Oldest first; one too big for the budget ends the loop. */
		ba = list_first_entry_or_null(&pool->pending,
					      struct bigphys_alloc, held_node);
		left = ba && ba->size > budget;
		if (left)
			ba = NULL;
		if (ba) {
			list_del_init(&ba->held_node);
			pool->verifying++;
			budget -= ba->size;
		}
		bigphys_unlock(pool, flags);
		if (!ba)
			break;

		referenced = bigphys_referenced(pool, ba, can_sleep);

		spare = NULL;
		flags = bigphys_lock(pool);
		pool->verifying--;
		pool->pending_bytes -= ba->size;
		pool->nr_pending--;
		if (referenced) {
			ba->state = BIGPHYS_HELD;
			list_add_tail(&ba->held_node, &pool->held);
			pool->held_bytes += ba->size;
			pool->nr_held++;
		} else {
			spare = bigphys_release(pool, ba);
		}
		bigphys_unlock(pool, flags);
		wake_up_all(&pool->verify_done);

		if (referenced) {
			/* A scan already pending stays: holds never starve it. */
			if (queue_delayed_work(system_wq, &pool->reclaim_work,
					       BIGPHYS_RECLAIM_MIN))
				WRITE_ONCE(pool->reclaim_delay,
					   BIGPHYS_RECLAIM_MIN);
		} else {
			kfree(spare);
			kfree(ba);
			bigphys_scrub_kick(pool);
			released = true;
		}
	}
	/* The rest is too much to scan here: the worker does it now. */
	if (left)
		mod_delayed_work(system_unbound_wq, &pool->verify_work, 0);
	return released;
}

static void bigphys_verify_work(struct work_struct *work)
{
	struct bigphys_pool *pool = container_of(to_delayed_work(work),
						 struct bigphys_pool,
						 verify_work);

	bigphys_verify_pending(pool, true);
}

/**
 * bigphys_pool_settle() - finish checking freed memory for references
 * @pool: the pool
 *
 * When it returns, everything freed before the call is either free again
 * or held, for statistics and listings that must not show it pending.
 *
 * Context: process context; may sleep.
 */
void bigphys_pool_settle(struct bigphys_pool *pool)
{
	might_sleep();
	bigphys_verify_pending(pool, true);
	wait_event(pool->verify_done, !READ_ONCE(pool->verifying));
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
	struct bigphys_extent *spare;
	struct bigphys_alloc *ba, *tmp;
	unsigned long flags;
	LIST_HEAD(scan);
	bool more;

	bigphys_pool_settle(pool);
	mutex_lock(&pool->reclaim_lock);
	flags = bigphys_lock(pool);
	list_splice_init(&pool->held, &scan);
	bigphys_unlock(pool, flags);

	list_for_each_entry_safe(ba, tmp, &scan, held_node) {
		cond_resched();
		if (bigphys_referenced(pool, ba, true))
			continue;
		flags = bigphys_lock(pool);
		list_del(&ba->held_node);
		pool->held_bytes -= ba->size;
		pool->nr_held--;
		spare = bigphys_release(pool, ba);
		bigphys_unlock(pool, flags);
		kfree(spare);
		kfree(ba);
		bigphys_scrub_kick(pool);
	}

	flags = bigphys_lock(pool);
	list_splice(&scan, &pool->held);
	more = !list_empty(&pool->held);
	bigphys_unlock(pool, flags);
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

/**
 * bigphys_pool_scrub_step() - zero one chunk of free memory not known to be zero
 * @pool: the pool
 *
 * Claims up to BIGPHYS_SCRUB_CHUNK dirty free pages next to the known-zero
 * part of their extent, zeroes them with the lock dropped, yielding every
 * BIGPHYS_SCRUB_STEP bytes, and gives them back as known to be zero. While
 * it zeroes, the chunk is out of the pool: an allocation that finds no
 * room without it asks for it back (bigphys_scrub_steal()); the scrubber
 * stops at its next step and the chunk goes back dirty once the step in
 * progress, which runs with preemption disabled, is done. So no
 * allocation waits for the scrubber to be scheduled, and nothing is
 * zeroed under a new owner.
 * Free memory is write-back (buffers of other memory types are made
 * write-back again before they are freed, or leaked), so the direct map
 * writes here are cached writes, like any memset(). Nothing is scrubbed while a writer
 * (bigphys_pool_writer_get()) can write free memory, and a chunk that a
 * writer may have reached while it was being zeroed goes back dirty.
 *
 * Context: process context; may sleep.
 * Return: false if there was nothing to scrub.
 */
bool bigphys_pool_scrub_step(struct bigphys_pool *pool)
{
	struct bigphys_scrub_chunk c;

	if (!bigphys_pool_scrub_claim(pool, &c))
		return false;
	bigphys_pool_scrub_zero(pool, &c);
	bigphys_pool_scrub_finish(pool, &c);
	return true;
}

/**
 * bigphys_pool_scrub_claim() - take a chunk of dirty free memory out to zero it
 * @pool: the pool
 * @c: set to the chunk
 *
 * The first part of bigphys_pool_scrub_step(), apart for tests.
 *
 * Context: process context; may sleep.
 * Return: false if there is nothing to scrub, or a chunk is out already.
 */
bool bigphys_pool_scrub_claim(struct bigphys_pool *pool,
			      struct bigphys_scrub_chunk *c)
{
	struct bigphys_extent *e, *spare, *rel;
	unsigned long flags, a, n, clo, chi;

	/* One record for ext_carve(), one set aside for the release. */
	spare = kmalloc(sizeof(*spare), GFP_KERNEL);
	rel = kmalloc(sizeof(*rel), GFP_KERNEL);
	if (!spare || !rel) {
		kfree(spare);
		kfree(rel);
		return false;
	}
	flags = bigphys_lock(pool);
	e = NULL;
	/* One chunk out at a time. */
	if (!pool->writers && !atomic_read(&pool->scrub_held_off) &&
	    !pool->scrub_busy && !pool->scrub_stolen) {
		e = ext_from(pool, pool->scrub_cursor, 1, EXT_DIRTY);
		if (!e)
			e = ext_from(pool, 0, 1, EXT_DIRTY);
	}
	if (!e) {
		bigphys_unlock(pool, flags);
		kfree(spare);
		kfree(rel);
		return false;
	}
	if (e->zlo > e->start) {
		/* Grow the known-zero part downwards. */
		n = min(e->zlo - e->start, (unsigned long)BIGPHYS_SCRUB_CHUNK);
		a = e->zlo - n;
	} else {
		/* Upwards (an extent without one starts it at its start). */
		a = e->zhi;
		n = min(e->start + e->pages - a, (unsigned long)BIGPHYS_SCRUB_CHUNK);
	}
	list_add(&spare->spare, &pool->spare);
	ext_carve(pool, e, a, n, &clo, &chi);
	WRITE_ONCE(pool->scrub_busy, n);
	pool->scrub_start = a;
	pool->scrub_spare = rel;
	pool->scrub_cursor = a + n;
	c->start = a;
	c->pages = n;
	c->seq = pool->writers_seq;
	bigphys_unlock(pool, flags);
	return true;
}

/**
 * bigphys_pool_scrub_zero() - zero a claimed chunk, step by step
 * @pool: the pool
 * @c: the chunk from bigphys_pool_scrub_claim()
 *
 * Context: process context; may sleep between steps.
 * Return: false if an allocation took the chunk back before the end.
 */
bool bigphys_pool_scrub_zero(struct bigphys_pool *pool,
			     const struct bigphys_scrub_chunk *c)
{
	unsigned long done, step;

	for (done = 0; done < c->pages; done += step) {
		step = min(c->pages - done, (unsigned long)(BIGPHYS_SCRUB_STEP >> PAGE_SHIFT));
		if (!bigphys_scrub_step_begin(pool))
			return false;
		memset((void *)(pool->vbase + ((c->start + done) << PAGE_SHIFT)), 0,
		       step << PAGE_SHIFT);
		bigphys_scrub_step_end(pool);
		cond_resched();
	}
	return true;
}

/**
 * bigphys_pool_scrub_finish() - give a claimed chunk back
 * @pool: the pool
 * @c: the chunk from bigphys_pool_scrub_claim()
 *
 * Known to be zero unless a writer may have reached it meanwhile; nothing
 * to give back if an allocation took it back already.
 *
 * Context: process context.
 */
void bigphys_pool_scrub_finish(struct bigphys_pool *pool,
			       const struct bigphys_scrub_chunk *c)
{
	struct bigphys_extent *spare[2];
	unsigned long flags;

	flags = bigphys_lock(pool);
	if (pool->scrub_stolen) {
		/* No step runs now: give it back unless the asker did. */
		bigphys_scrub_release_stolen(pool);
		WRITE_ONCE(pool->scrub_stolen, false);
	} else {
		list_add(&pool->scrub_spare->spare, &pool->spare);
		pool->scrub_spare = NULL;
		ext_release(pool, c->start, c->pages,
			    !pool->writers && pool->writers_seq == c->seq);
		WRITE_ONCE(pool->scrub_busy, 0);
		pool->scrubbed_pages += c->pages;
	}
	/* The two records bigphys_pool_scrub_claim() brought. */
	spare[0] = ext_spare(pool);
	spare[1] = ext_spare(pool);
	bigphys_unlock(pool, flags);
	kfree(spare[0]);
	kfree(spare[1]);
}

static bool bigphys_scrub_wanted(struct bigphys_pool *pool)
{
	return kthread_should_stop() ||
	       (READ_ONCE(pool->scrub) && READ_ONCE(pool->dirty_pages) &&
		!READ_ONCE(pool->writers));
}

/* The scrubbing thread: lowest priority, one chunk at a time. */
static int bigphys_scrub_thread(void *data)
{
	struct bigphys_pool *pool = data;

	sched_set_normal(current, MAX_NICE);
	while (!kthread_should_stop()) {
		wait_event_idle(pool->scrub_wait, bigphys_scrub_wanted(pool));
		if (kthread_should_stop())
			break;
		if (!bigphys_pool_scrub_step(pool))
			schedule_timeout_idle(HZ / 10);
		cond_resched();
	}
	return 0;
}

/**
 * bigphys_pool_scrub_start() - start scrubbing a pool's free memory
 * @pool: the pool
 *
 * Freed memory is zeroed in the background by a thread of the lowest
 * priority, and zeroed allocations from memory known to be zero need no
 * memset(). It sleeps until bigphys_pool_set_scrub() turns it on.
 *
 * Context: process context.
 * Return: 0 or a negative errno.
 */
int bigphys_pool_scrub_start(struct bigphys_pool *pool)
{
	struct task_struct *t;

	if (pool->scrub_task)
		return 0;
	t = kthread_run(bigphys_scrub_thread, pool, "bigphys_scrub");
	if (IS_ERR(t))
		return PTR_ERR(t);
	WRITE_ONCE(pool->scrub_task, t);
	return 0;
}

/**
 * bigphys_pool_set_scrub() - turn background scrubbing on or off
 * @pool: the pool
 * @on: scrub (if the thread was started) or not
 *
 * Off, freed memory stays dirty, and every zeroed allocation of it pays
 * for its memset(); what was scrubbed before stays known to be zero.
 */
void bigphys_pool_set_scrub(struct bigphys_pool *pool, bool on)
{
	WRITE_ONCE(pool->scrub, on);
	wake_up(&pool->scrub_wait);
}

/**
 * bigphys_pool_writer_get() - free memory may be written behind the pool's back
 * @pool: the pool
 *
 * For something that can write any page of the range, free or not, such
 * as a writable mapping of the whole area. Until the matching
 * bigphys_pool_writer_put(), no free memory is treated as known to be
 * zero: zeroed allocations are zeroed in full and nothing is scrubbed.
 * The first writer also makes the pool forget what it knew to be zero,
 * before this returns, so that nothing written now is ever handed out
 * as zeroed later. That walk drops the lock after every
 * BIGPHYS_SEARCH_BATCH extents; the allocator ignores known-zero parts
 * from the moment the writer is counted, so what the walk has not reached
 * yet is never trusted.
 *
 * A chunk the scrubber is zeroing goes back to the free memory at once
 * (dirty), after at most the step in progress: the writer's writes are
 * never zeroed behind it.
 *
 * Context: task context; O(k log n) for k extents with a known-zero part,
 * the first time only.
 */
void bigphys_pool_writer_get(struct bigphys_pool *pool)
{
	struct bigphys_extent *e;
	unsigned long flags;
	unsigned int i;
	bool first, wait;

	flags = bigphys_lock(pool);
	first = !pool->writers++;
	pool->writers_seq++;
	/* The chunk being zeroed now would zero what the writer writes. */
	wait = first && pool->scrub_busy && !bigphys_scrub_steal(pool);
	bigphys_unlock(pool, flags);
	if (wait)
		bigphys_scrub_wait_step(pool);
	if (!first)
		return;

	/* No new known-zero part appears while there is a writer. */
	do {
		flags = bigphys_lock(pool);
		for (i = 0; i < BIGPHYS_SEARCH_BATCH; i++) {
			e = ext_leftmost(pool->free.rb_node, 1, EXT_ZERO);
			if (!e)
				break;
			ext_set(pool, e, e->start, e->pages, 0, 0);
			bigphys_ext_cb_propagate(&e->rb, NULL);
		}
		bigphys_unlock(pool, flags);
		cpu_relax();
	} while (e);
}

/**
 * bigphys_pool_writer_put() - a writer from bigphys_pool_writer_get() is gone
 * @pool: the pool
 *
 * With the last writer gone the scrubber starts over on all free memory.
 *
 * Context: any context.
 */
void bigphys_pool_writer_put(struct bigphys_pool *pool)
{
	unsigned long flags;
	bool last;

	flags = bigphys_lock(pool);
	if (!WARN_ON_ONCE(!pool->writers))
		pool->writers--;
	last = !pool->writers;
	bigphys_unlock(pool, flags);
	if (last)
		bigphys_scrub_kick(pool);
}
