/* SPDX-License-Identifier: GPL-2.0 */
/* Internal interface of the bigphysarea allocator, shared with its tests. */
#ifndef __MM_BIGPHYSAREA_H__
#define __MM_BIGPHYSAREA_H__

#include <linux/bigphysarea.h>
#include <linux/rbtree.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct gen_pool;

/**
 * struct bigphys_param - a parsed "bigphysarea=" boot parameter
 * @size: bytes to reserve, a multiple of PAGE_SIZE
 * @start: lowest physical address the area may start at
 * @end: highest physical address + 1 the area may end at (0: no limit)
 * @fixed: the area must start exactly at @start
 * @rounded: @size, @start or @end was rounded to a page boundary
 */
struct bigphys_param {
	u64 size;
	u64 start;
	u64 end;
	bool fixed;
	bool rounded;
};

int bigphys_parse_param(const char *arg, struct bigphys_param *p,
			const char **why);

#define BIGPHYS_OWNER_LEN	24

/**
 * struct bigphys_alloc - one live allocation
 * @node: entry in &bigphys_pool.allocs, ordered by @addr
 * @addr: kernel virtual address of the first byte
 * @size: size in bytes, a multiple of PAGE_SIZE
 * @owner: who allocated it, for statistics
 */
struct bigphys_alloc {
	struct rb_node node;
	unsigned long addr;
	size_t size;
	char owner[BIGPHYS_OWNER_LEN];
};

/**
 * struct bigphys_pool - an allocator instance over one contiguous range
 * @gp: genalloc pool doing the bitmap work, one chunk, page granular
 * @lock: protects @allocs, @used and @bad_frees, and keeps them
 *	consistent with @gp's bitmap; taken with interrupts disabled, so
 *	allocation and free work from any context
 * @allocs: live allocations, ordered by address
 * @vbase: virtual address of the range
 * @pbase: physical address of the range
 * @size: size of the range in bytes
 * @used: bytes allocated
 * @nr_allocs: number of entries in @allocs
 * @bad_frees: number of invalid or double frees seen
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
struct bigphys_pool *bigphys_boot_pool(void);

#endif /* __MM_BIGPHYSAREA_H__ */
