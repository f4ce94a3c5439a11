// SPDX-License-Identifier: GPL-2.0
/* bigphysarea: freed memory is reused only once no page references remain. */

#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/page_ref.h>
#include <linux/sizes.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "bigphysarea_pool_internal.h"

/*
 * A freed allocation whose pages still carry references beyond the pool's
 * own (GUP pins, pipe buffers, page table entries) must not reach another
 * owner. bigphys_pool_free() makes it pending when @pool->track_refs is
 * set; the check below releases it or holds it, and a background scan
 * returns held memory once the last reference is gone.
 */

/* Bytes of pending frees an allocation that cannot sleep checks itself. */
#define BIGPHYS_ATOMIC_VERIFY	SZ_4M

/* Rescan held memory this often at first, backing off to the maximum. */
#define BIGPHYS_RECLAIM_MIN	(HZ / 20)
#define BIGPHYS_RECLAIM_MAX	HZ

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

/**
 * bigphys_pool_verify_pending() - check freed allocations for page references
 * @pool: the pool
 * @can_sleep: the caller may sleep
 *
 * Checks the pages of pending allocations for references, one allocation
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
bool bigphys_pool_verify_pending(struct bigphys_pool *pool, bool can_sleep)
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
			spare = bigphys_pool_release_locked(pool, ba);
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
			bigphys_pool_release_done(pool, ba, spare);
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

	bigphys_pool_verify_pending(pool, true);
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
	bigphys_pool_verify_pending(pool, true);
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
		spare = bigphys_pool_release_locked(pool, ba);
		bigphys_unlock(pool, flags);
		bigphys_pool_release_done(pool, ba, spare);
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
 * bigphys_pool_hold_init() - set up the checks of freed memory
 * @pool: the pool, being initialised
 */
void bigphys_pool_hold_init(struct bigphys_pool *pool)
{
	INIT_LIST_HEAD(&pool->pending);
	pool->atomic_verify = BIGPHYS_ATOMIC_VERIFY;
	INIT_DELAYED_WORK(&pool->verify_work, bigphys_verify_work);
	init_waitqueue_head(&pool->verify_done);
	INIT_LIST_HEAD(&pool->held);
	mutex_init(&pool->reclaim_lock);
	INIT_DELAYED_WORK(&pool->reclaim_work, bigphys_reclaim_work);
}

/**
 * bigphys_pool_hold_stop() - stop checking freed memory, for the pool's teardown
 * @pool: the pool; no user remains
 *
 * Pending and held memory go with the pool.
 */
void bigphys_pool_hold_stop(struct bigphys_pool *pool)
{
	disable_delayed_work_sync(&pool->verify_work);
	disable_delayed_work_sync(&pool->reclaim_work);
	WARN_ON(pool->nr_held);
}
