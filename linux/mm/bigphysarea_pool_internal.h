/* SPDX-License-Identifier: GPL-2.0 */
/* bigphysarea: what the pool's own files share, not for the pool's users. */
#ifndef __MM_BIGPHYSAREA_POOL_INTERNAL_H__
#define __MM_BIGPHYSAREA_POOL_INTERNAL_H__

#include <linux/lockdep.h>
#include <linux/sched/clock.h>

#include "bigphysarea_pool.h"

/* Extents a search or walk looks at per hold of @pool->lock. */
#define BIGPHYS_SEARCH_BATCH	32

/* @pool->lock, timed in CONFIG_BIGPHYS_AREA_BENCH kernels. */
static __always_inline unsigned long bigphys_lock(struct bigphys_pool *pool)
	__acquires(&pool->lock)
{
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	if (IS_ENABLED(CONFIG_BIGPHYS_AREA_BENCH))
		pool->lock_t0 = local_clock();
	return flags;
}

static __always_inline void bigphys_unlock(struct bigphys_pool *pool, unsigned long flags)
	__releases(&pool->lock)
{
	if (IS_ENABLED(CONFIG_BIGPHYS_AREA_BENCH)) {
		u64 ns = local_clock() - pool->lock_t0;

		if (ns > pool->lock_max_ns) {
			pool->lock_max_ns = ns;
			pool->lock_max_ip = _THIS_IP_;
		}
	}
	spin_unlock_irqrestore(&pool->lock, flags);
}

/* Free extents with pages not known to be zero, or with a known-zero part. */
enum bigphys_ext_key {
	BIGPHYS_EXT_DIRTY,
	BIGPHYS_EXT_ZERO,
};

/* Free extents (bigphysarea_pool.c), with @pool->lock held. */
struct bigphys_extent *bigphys_ext_first(struct bigphys_pool *pool,
					 enum bigphys_ext_key key);
struct bigphys_extent *bigphys_ext_spare(struct bigphys_pool *pool);
void bigphys_ext_carve(struct bigphys_pool *pool, struct bigphys_extent *e,
		       unsigned long a, unsigned long n,
		       unsigned long *clo, unsigned long *chi);
void bigphys_ext_release(struct bigphys_pool *pool, unsigned long a,
			 unsigned long n, bool zero);
void bigphys_ext_forget_zero(struct bigphys_pool *pool,
			     struct bigphys_extent *e);

/*
 * An allocation back to the free extents: bigphys_pool_release_locked()
 * with @pool->lock held, then bigphys_pool_release_done() with it dropped.
 */
struct bigphys_extent *bigphys_pool_release_locked(struct bigphys_pool *pool,
						   struct bigphys_alloc *ba);
void bigphys_pool_release_done(struct bigphys_pool *pool,
			       struct bigphys_alloc *ba,
			       struct bigphys_extent *spare);

/* Freed memory still referenced (bigphysarea_hold.c). */
void bigphys_pool_hold_init(struct bigphys_pool *pool);
void bigphys_pool_hold_stop(struct bigphys_pool *pool);
bool bigphys_pool_verify_pending(struct bigphys_pool *pool, bool can_sleep);

/* Background scrubbing (bigphysarea_scrub.c). */
void bigphys_pool_scrub_init(struct bigphys_pool *pool);
void bigphys_pool_scrub_stop(struct bigphys_pool *pool);
void bigphys_pool_scrub_kick(struct bigphys_pool *pool);
bool bigphys_pool_scrub_steal(struct bigphys_pool *pool);
void bigphys_pool_scrub_wait_step(struct bigphys_pool *pool);

#endif /* __MM_BIGPHYSAREA_POOL_INTERNAL_H__ */
