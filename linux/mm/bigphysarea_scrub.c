// SPDX-License-Identifier: GPL-2.0
/* bigphysarea: zero freed memory in the background. */

#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/wait.h>

#include "bigphysarea_pool_internal.h"

/*
 * Zeroing is what a zeroed allocation costs. A thread at nice 19
 * zeroes free memory not known to be zero, a chunk at a time
 * taken out of the free extents, and gives it back as known to be zero:
 * a zeroed allocation from it needs no memset() (bigphys_pool_alloc()
 * clears only what is not known to be zero).
 */

/* The scrubber zeroes free memory this much at a time (pages). */
#define BIGPHYS_SCRUB_CHUNK	(SZ_2M >> PAGE_SHIFT)
/* and yields the CPU after every this many bytes. */
#define BIGPHYS_SCRUB_STEP	SZ_64K

/*
 * Taking the scrubber's chunk back. Whoever needs it (an allocation that
 * finds no room, the first writer) asks, under @pool->lock, with
 * bigphys_pool_scrub_steal(): the scrubber starts no step after that. The chunk
 * goes back to the free extents (dirty) only once no step is in progress,
 * so that nobody, the asker or any other allocation, can get memory the
 * scrubber is still zeroing: right away if no step is running, else by
 * the first of the scrubber (bigphys_pool_scrub_finish()) and any caller
 * that can wait for the step (bigphys_pool_scrub_wait_step()) to find it
 * done. A step is one 64 KiB memset() with preemption disabled.
 */

/* Give a stolen chunk back, with @pool->lock held and no step running. */
static void bigphys_scrub_release_stolen(struct bigphys_pool *pool)
{
	lockdep_assert_held(&pool->lock);
	if (!pool->scrub_busy)
		return;		/* done already */
	list_add(&pool->scrub_spare->spare, &pool->spare);
	pool->scrub_spare = NULL;
	bigphys_ext_release(pool, pool->scrub_start, pool->scrub_busy, false);
	WRITE_ONCE(pool->scrub_busy, 0);
}

/**
 * bigphys_pool_scrub_steal() - ask for the scrubber's chunk back
 * @pool: the pool, with @pool->lock held
 *
 * Context: any context.
 * Return: true if it is back in the free extents now.
 */
bool bigphys_pool_scrub_steal(struct bigphys_pool *pool)
{
	lockdep_assert_held(&pool->lock);
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
	/* Pairs with bigphys_pool_scrub_steal(). */
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

/**
 * bigphys_pool_scrub_wait_step() - wait for the chunk asked for to be back
 * @pool: the pool, with @pool->lock dropped
 *
 * After bigphys_pool_scrub_steal() returned false: wait for the step in
 * progress on another CPU, then give the chunk back unless the scrubber
 * did. Only for callers that may sleep: they hold no spinlock an
 * interrupt on the scrubber's CPU could want.
 */
void bigphys_pool_scrub_wait_step(struct bigphys_pool *pool)
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
 * bigphys_pool_scrub_kick() - tell the scrubber that memory was freed
 * @pool: the pool
 */
void bigphys_pool_scrub_kick(struct bigphys_pool *pool)
{
	if (READ_ONCE(pool->scrub) && READ_ONCE(pool->scrub_task))
		wake_up(&pool->scrub_wait);
}

/**
 * bigphys_pool_scrub_step() - zero one chunk of free memory not known to be zero
 * @pool: the pool
 *
 * Claims up to BIGPHYS_SCRUB_CHUNK dirty free pages next to the known-zero
 * part of their extent, zeroes them with the lock dropped, yielding every
 * BIGPHYS_SCRUB_STEP bytes, and gives them back as known to be zero. While
 * it zeroes, the chunk is out of the pool: an allocation that finds no
 * room without it asks for it back (bigphys_pool_scrub_steal()); the scrubber
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

	/* One record for bigphys_ext_carve(), one set aside for the release. */
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
		e = bigphys_ext_first(pool, BIGPHYS_EXT_DIRTY);
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
	bigphys_ext_carve(pool, e, a, n, &clo, &chi);
	WRITE_ONCE(pool->scrub_busy, n);
	pool->scrub_start = a;
	pool->scrub_spare = rel;
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
		bigphys_ext_release(pool, c->start, c->pages,
				    !pool->writers && pool->writers_seq == c->seq);
		WRITE_ONCE(pool->scrub_busy, 0);
		pool->scrubbed_pages += c->pages;
	}
	/* The two records bigphys_pool_scrub_claim() brought. */
	spare[0] = bigphys_ext_spare(pool);
	spare[1] = bigphys_ext_spare(pool);
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

/* The scrubbing thread: nice 19, one chunk at a time. */
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
 * Context: task context; O(k) for k extents with a known-zero part, the
 * first time only.
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
	wait = first && pool->scrub_busy && !bigphys_pool_scrub_steal(pool);
	bigphys_unlock(pool, flags);
	if (wait)
		bigphys_pool_scrub_wait_step(pool);
	if (!first)
		return;

	/* No new known-zero part appears while there is a writer. */
	do {
		flags = bigphys_lock(pool);
		for (i = 0; i < BIGPHYS_SEARCH_BATCH; i++) {
			e = bigphys_ext_first(pool, BIGPHYS_EXT_ZERO);
			if (!e)
				break;
			bigphys_ext_forget_zero(pool, e);
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
		bigphys_pool_scrub_kick(pool);
}

/**
 * bigphys_pool_scrub_init() - set up scrubbing, off and without a thread
 * @pool: the pool, being initialised
 */
void bigphys_pool_scrub_init(struct bigphys_pool *pool)
{
	init_waitqueue_head(&pool->scrub_wait);
}

/**
 * bigphys_pool_scrub_stop() - stop the scrubbing thread, for the pool's teardown
 * @pool: the pool; no user remains
 */
void bigphys_pool_scrub_stop(struct bigphys_pool *pool)
{
	if (pool->scrub_task) {
		kthread_stop(pool->scrub_task);
		pool->scrub_task = NULL;
	}
	/* A chunk still out (a test stopped between claim and finish). */
	kfree(pool->scrub_spare);
	pool->scrub_spare = NULL;
}
