/* SPDX-License-Identifier: GPL-2.0 */
/* bigphysarea: page-granular allocator over one contiguous range. */
#ifndef __MM_BIGPHYSAREA_POOL_H__
#define __MM_BIGPHYSAREA_POOL_H__

#include <linux/bigphysarea.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

struct task_struct;

#define BIGPHYS_OWNER_LEN	24

/**
 * enum bigphys_alloc_state - where an allocation is in its life
 * @BIGPHYS_LIVE: allocated, its owner has not freed it
 * @BIGPHYS_PENDING: freed by its owner; its pages have not been checked
 *	for references yet (on &bigphys_pool.pending, or being checked)
 * @BIGPHYS_HELD: freed, but its pages still carry references (GUP pins,
 *	pipe buffers); on &bigphys_pool.held until they are gone
 */
enum bigphys_alloc_state {
	BIGPHYS_LIVE,
	BIGPHYS_PENDING,
	BIGPHYS_HELD,
};

/**
 * struct bigphys_alloc - one allocation, live or on its way back
 * @addr: kernel virtual address of the first byte
 * @size: size in bytes, a multiple of PAGE_SIZE
 * @owner: who allocated it, for statistics
 * @held_node: entry in &bigphys_pool.pending or &bigphys_pool.held
 * @state: see enum bigphys_alloc_state; anything but BIGPHYS_LIVE makes
 *	a second free invalid (under &bigphys_pool.lock)
 */
struct bigphys_alloc {
	unsigned long addr;
	size_t size;
	char owner[BIGPHYS_OWNER_LEN];
	struct list_head held_node;
	enum bigphys_alloc_state state;
};

/* Size classes of free extents: ilog2() of the number of pages. */
#define BIGPHYS_CLASSES		BITS_PER_LONG

/* In &bigphys_pool.tags: the word points to an allocation, not an extent. */
#define BIGPHYS_TAG_ALLOC	1UL

/**
 * struct bigphys_extent - a maximal run of free pages
 * @node: entry in its size class's list, &bigphys_pool.classes
 * @start: first page, counted from the start of the pool
 * @pages: number of pages
 * @zlo: first page of the part known to be zero
 * @zhi: page after it; @zlo == @zhi when no part is known to be zero
 * @dirty: entry in &bigphys_pool.dirty while some page is not known zero
 * @zero: entry in &bigphys_pool.zero while a part is known to be zero
 * @seen: the search that looked at it last (see ext_find())
 * @spare: entry in &bigphys_pool.spare while unused
 *
 * Only one known-zero part is kept per extent. When extents join, the
 * longer one survives; the other is forgotten.
 */
struct bigphys_extent {
	struct list_head node;
	unsigned long start;
	unsigned long pages;
	unsigned long zlo;
	unsigned long zhi;
	struct list_head dirty;
	struct list_head zero;
	u64 seen;
	struct list_head spare;
};

/**
 * struct bigphys_pool - an allocator instance over one contiguous range
 * @lock: protects @classes, @class_mask, @dirty, @zero, @tags, @spare,
 *	@dirty_pages, @nr_extents, @search_gen, @search_owner, @used,
 *	@nr_allocs, @bad_frees, @lock_max_ns and what is marked "under
 *	@lock" below; taken with interrupts disabled, so allocation and free
 *	work from any context. Never held for work proportional to a size
 *	or to a count: an allocation or free touches a bounded number of
 *	records. (When no extent is large enough to fit whatever its start,
 *	an allocation looks at extents that may fit, letting go of the lock
 *	every BIGPHYS_SEARCH_BATCH of them; a caller that has interrupts off
 *	itself keeps them off for that whole search.) Nothing
 *	sleeps under it, and wake-ups come after it is dropped. Counters
 *	written under it are also read without it (READ_ONCE), by
 *	statistics and by the scrubber's test for work.
 * @classes: free extents by size class: list i holds the extents of
 *	2^i to 2^(i + 1) - 1 pages
 * @class_mask: bit i set while list i is not empty
 * @dirty: free extents with pages not known to be zero, oldest first
 * @zero: free extents with a known-zero part
 * @tags: one word per page: the first and the last page of a free extent
 *	point to it, the first page of an allocation to its record with
 *	BIGPHYS_TAG_ALLOC set; 0 elsewhere
 * @spare: extent records not in use. Every allocation not back in the
 *	free extents (live, pending or held), and every one in progress,
 *	has brought one, and there is one more: the free extents can never
 *	need more, so freeing never allocates memory.
 * @nr_extents: number of free extents
 * @search_gen: counts searches, to mark the extents a search looked at
 * @search_owner: the search that moved extents in their lists last
 * @base_pfn: page frame number of the first page
 * @dirty_pages: free pages not known to be zero
 * @vbase: virtual address of the range
 * @pbase: physical address of the range
 * @size: size of the range in bytes
 * @used: bytes allocated
 * @nr_allocs: number of allocations not back in the free extents
 * @bad_frees: number of invalid or double frees seen
 * @track_refs: freed pages still referenced are held, not reused; set
 *	by the pool's user before it allocates
 * @pending: freed allocations whose pages are not checked yet (under @lock)
 * @pending_bytes: bytes in @pending or being checked, counted in @used
 *	(under @lock)
 * @nr_pending: number of allocations in @pending or being checked
 *	(under @lock)
 * @verifying: allocations taken off @pending and being checked right now
 *	(under @lock)
 * @atomic_verify: bytes of @pending an allocation that cannot sleep checks
 *	itself at most (BIGPHYS_ATOMIC_VERIFY; tests lower it)
 * @verify_work: checks @pending in the background, one jiffy after the
 *	first free it finds queued (frees in a burst share one run)
 * @verify_done: woken whenever an allocation has been checked
 * @held: freed allocations waiting for their pages' references to drop
 *	(under @lock)
 * @held_bytes: bytes in @held, counted in @used as well (under @lock)
 * @nr_held: number of entries in @held (under @lock)
 * @reclaim_lock: serialises the scans of @held; taken before @lock
 * @reclaim_work: rescans @held while it is not empty
 * @reclaim_delay: current rescan interval in jiffies (backs off)
 * @scrub: scrub free memory in the background (READ/WRITE_ONCE)
 * @scrub_task: the scrubbing thread, or NULL
 * @scrub_wait: the thread sleeps here until there is work
 * @scrub_busy: pages claimed by the scrubber right now (under @lock)
 * @scrub_start: first page of the chunk the scrubber has out (under @lock)
 * @scrub_spare: an extent record set aside for giving that chunk back
 *	(under @lock)
 * @scrub_stolen: the chunk was asked back by an allocation or the first
 *	writer (written under @lock, read by the scrubber without it); the
 *	scrubber stops at its next step, and whichever of it and the asker
 *	finds no step running gives the chunk back dirty
 * @scrub_stepping: the scrubber is zeroing one step of its chunk, with
 *	preemption disabled (no lock: ordered against @scrub_stolen by full
 *	barriers on both sides, cleared with a release store)
 * @scrub_held_off: allocations about to look again after taking a chunk
 *	back (atomic); while there is one, the scrubber claims no new chunk
 * @scrubbed_pages: pages scrubbed since the pool was set up (under @lock)
 * @writers: users that can write free memory behind the allocator's back
 *	(writable whole-area mappings); while there is one, no free memory
 *	is known to be zero and nothing is scrubbed (under @lock)
 * @writers_seq: counts bigphys_pool_writer_get() calls, so that a scrubbed
 *	chunk written meanwhile is not given back as zero (under @lock)
 * @lock_max_ns: longest hold of @lock (CONFIG_BIGPHYS_AREA_BENCH only)
 * @lock_t0: when @lock was taken (CONFIG_BIGPHYS_AREA_BENCH only)
 * @lock_max_ip: where that longest hold ended (CONFIG_BIGPHYS_AREA_BENCH only)
 */
struct bigphys_pool {
	spinlock_t lock;		/* see the kernel-doc above */
	struct list_head classes[BIGPHYS_CLASSES];
	unsigned long class_mask;
	struct list_head dirty;
	struct list_head zero;
	unsigned long *tags;
	struct list_head spare;
	unsigned long nr_extents;
	u64 search_gen;
	u64 search_owner;
	unsigned long base_pfn;
	unsigned long dirty_pages;
	unsigned long vbase;
	phys_addr_t pbase;
	size_t size;
	size_t used;
	unsigned long nr_allocs;
	unsigned long bad_frees;
	bool track_refs;
	struct list_head pending;
	size_t pending_bytes;
	unsigned long nr_pending;
	unsigned long verifying;
	size_t atomic_verify;
	struct delayed_work verify_work;
	wait_queue_head_t verify_done;
	struct list_head held;
	size_t held_bytes;
	unsigned long nr_held;
	struct mutex reclaim_lock;	/* see the kernel-doc above */
	struct delayed_work reclaim_work;
	unsigned long reclaim_delay;
	bool scrub;
	struct task_struct *scrub_task;
	wait_queue_head_t scrub_wait;
	unsigned long scrub_busy;
	unsigned long scrub_start;
	struct bigphys_extent *scrub_spare;
	bool scrub_stolen;
	bool scrub_stepping;
	atomic_t scrub_held_off;
	unsigned long scrubbed_pages;
	unsigned long writers;
	unsigned long writers_seq;
	u64 lock_max_ns;
	u64 lock_t0;
	unsigned long lock_max_ip;
};

/**
 * struct bigphys_alloc_info - a copy of one allocation, for listings
 * @phys: physical address of the first byte
 * @size: size in bytes
 * @held: freed, waiting for its pages to be checked or for their
 *	references to drop
 * @owner: who allocated it
 */
struct bigphys_alloc_info {
	phys_addr_t phys;
	size_t size;
	bool held;
	char owner[BIGPHYS_OWNER_LEN];
};

int bigphys_pool_init(struct bigphys_pool *pool, void *vaddr,
		      phys_addr_t phys, size_t size);
void bigphys_pool_destroy(struct bigphys_pool *pool);
void *bigphys_pool_alloc(struct bigphys_pool *pool, size_t size,
			 unsigned long align_pages, gfp_t gfp,
			 const char *owner);
int bigphys_pool_free(struct bigphys_pool *pool, void *vaddr, size_t *size);
void bigphys_pool_stats(struct bigphys_pool *pool,
			struct bigphys_stats *stats);
void bigphys_pool_reclaim(struct bigphys_pool *pool);
void bigphys_pool_settle(struct bigphys_pool *pool);
void bigphys_pool_writer_get(struct bigphys_pool *pool);
void bigphys_pool_writer_put(struct bigphys_pool *pool);
bool bigphys_pool_next(struct bigphys_pool *pool, phys_addr_t from,
		       struct bigphys_alloc_info *info);

/**
 * struct bigphys_scrub_chunk - a chunk of free memory the scrubber has out
 * @start: its first page (index in the pool)
 * @pages: its length in pages
 * @seq: the pool's @writers_seq when it was claimed
 */
struct bigphys_scrub_chunk {
	unsigned long start;
	unsigned long pages;
	unsigned long seq;
};

bool bigphys_pool_scrub_claim(struct bigphys_pool *pool,
			      struct bigphys_scrub_chunk *c);
bool bigphys_pool_scrub_zero(struct bigphys_pool *pool,
			     const struct bigphys_scrub_chunk *c);
void bigphys_pool_scrub_finish(struct bigphys_pool *pool,
			       const struct bigphys_scrub_chunk *c);

int bigphys_pool_scrub_start(struct bigphys_pool *pool);
void bigphys_pool_set_scrub(struct bigphys_pool *pool, bool on);
bool bigphys_pool_scrub_step(struct bigphys_pool *pool);

/* The pool over the boot area, or NULL (bigphysarea_api.c). */
struct bigphys_pool *bigphys_boot_pool(void);

#endif /* __MM_BIGPHYSAREA_POOL_H__ */
