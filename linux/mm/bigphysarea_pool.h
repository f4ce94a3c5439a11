/* SPDX-License-Identifier: GPL-2.0 */
/* bigphysarea: page-granular allocator over one contiguous range. */
#ifndef __MM_BIGPHYSAREA_POOL_H__
#define __MM_BIGPHYSAREA_POOL_H__

#include <linux/bigphysarea.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct gen_pool;

#define BIGPHYS_OWNER_LEN	24

/**
 * struct bigphys_alloc - one live allocation
 * @node: entry in &bigphys_pool.allocs, ordered by @addr
 * @addr: kernel virtual address of the first byte
 * @size: size in bytes, a multiple of PAGE_SIZE
 * @owner: who allocated it, for statistics
 * @held_node: entry in &bigphys_pool.held while @held
 * @held: freed by its owner, but its pages may still carry references
 *	(GUP pins, pipe buffers); not reused until they are gone
 */
struct bigphys_alloc {
	struct rb_node node;
	unsigned long addr;
	size_t size;
	char owner[BIGPHYS_OWNER_LEN];
	struct list_head held_node;
	bool held;
};

/**
 * struct bigphys_pool - an allocator instance over one contiguous range
 * @gp: genalloc pool doing the bitmap work, one chunk, page granular
 * @lock: protects @allocs, @held, @used, @held_bytes, @nr_allocs,
 *	@nr_held and @bad_frees, and keeps them consistent with @gp's bitmap;
 *	taken with interrupts disabled, so allocation and free work from any
 *	context. Never held for work proportional to a size or a count.
 * @allocs: live allocations, ordered by address
 * @vbase: virtual address of the range
 * @pbase: physical address of the range
 * @size: size of the range in bytes
 * @used: bytes allocated
 * @nr_allocs: number of entries in @allocs
 * @bad_frees: number of invalid or double frees seen
 * @track_refs: freed pages still referenced are held, not reused
 * @held: freed allocations waiting for their pages' references to drop
 * @held_bytes: bytes in @held (counted in @used as well)
 * @nr_held: number of entries in @held
 * @reclaim_lock: serialises the scans of @held
 * @reclaim_work: rescans @held while it is not empty
 * @reclaim_delay: current rescan interval in jiffies (backs off)
 */
struct bigphys_pool {
	struct gen_pool *gp;
	spinlock_t lock;		/* see the kernel-doc above */
	struct rb_root allocs;
	unsigned long vbase;
	phys_addr_t pbase;
	size_t size;
	size_t used;
	unsigned long nr_allocs;
	unsigned long bad_frees;
	bool track_refs;
	struct list_head held;
	size_t held_bytes;
	unsigned long nr_held;
	struct mutex reclaim_lock;	/* see the kernel-doc above */
	struct delayed_work reclaim_work;
	unsigned long reclaim_delay;
};

/**
 * struct bigphys_alloc_info - a copy of one allocation, for listings
 * @phys: physical address of the first byte
 * @size: size in bytes
 * @held: freed, waiting for page references to drop
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
bool bigphys_pool_next(struct bigphys_pool *pool, phys_addr_t from,
		       struct bigphys_alloc_info *info);

/* The pool over the boot area, or NULL (bigphysarea_api.c). */
struct bigphys_pool *bigphys_boot_pool(void);

#endif /* __MM_BIGPHYSAREA_POOL_H__ */
