/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bigphysarea - a large physically contiguous memory area reserved at boot
 *
 * Booting with "bigphysarea=64M" sets aside 64 MiB of RAM before the page
 * allocator takes it; drivers then carve buffers out of it at run time,
 * when the buddy allocator could no longer find that much contiguous memory.
 * The area is in the kernel direct map, so virt_to_phys() works on every
 * address handed out.
 *
 * Example, a capture driver allocating a 4 MiB frame buffer::
 *
 *	struct bigphys_buf buf;
 *	int ret;
 *
 *	ret = bigphys_alloc(SZ_4M, SZ_64K, GFP_KERNEL | __GFP_ZERO,
 *			    dev_name(dev), &buf);
 *	if (ret)
 *		return ret;
 *	writel(bigphys_dma_addr(dev, &buf), regs + DMA_BASE);
 *	...
 *	bigphys_free(&buf);
 *
 * Drivers written for the classic bigphysarea patch keep working unchanged
 * with bigphysarea_alloc_pages() and friends.
 */
#ifndef _LINUX_BIGPHYSAREA_H
#define _LINUX_BIGPHYSAREA_H

#include <linux/dma-direction.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/types.h>

struct device;
struct dma_buf;
struct file;
struct vm_area_struct;

/**
 * enum bigphys_cache - the cache mode of an area buffer's mappings
 * @BIGPHYS_CACHED: write-back, like any other RAM
 * @BIGPHYS_UNCACHED: uncached
 * @BIGPHYS_WRITECOMBINE: uncached, writes may be combined
 */
enum bigphys_cache {
	BIGPHYS_CACHED,
	BIGPHYS_UNCACHED,
	BIGPHYS_WRITECOMBINE,
};

/**
 * struct bigphys_buf - a buffer allocated from the area
 * @vaddr: kernel virtual address (in the direct map)
 * @phys: physical address of the first byte
 * @size: size in bytes, a multiple of PAGE_SIZE
 */
struct bigphys_buf {
	void *vaddr;
	phys_addr_t phys;
	size_t size;
};

/**
 * struct bigphys_stats - a snapshot of the area's state
 * @base: physical base address of the area
 * @size: size of the area in bytes
 * @free: bytes not allocated
 * @largest_free: size of the largest free block in bytes
 * @largest_used: size of the largest allocation in bytes
 * @nr_free_blocks: number of free blocks (holes between allocations)
 * @nr_allocs: number of live allocations, held ones included
 * @held: bytes freed by their owners but not reusable yet, because their
 *	pages still carry references (pins, pipe buffers); counted as used
 * @nr_held: number of such allocations
 */
struct bigphys_stats {
	phys_addr_t base;
	size_t size;
	size_t free;
	size_t largest_free;
	size_t largest_used;
	unsigned long nr_free_blocks;
	unsigned long nr_allocs;
	size_t held;
	unsigned long nr_held;
};

#ifdef CONFIG_BIGPHYS_AREA

/* Classic bigphysarea interface: counts and alignments are in pages. */
void *bigphysarea_alloc_pages(int count, int align, int priority);
void bigphysarea_free_pages(void *base);
void *bigphysarea_alloc(int size);
void bigphysarea_free(void *addr, int size);

int bigphys_alloc(size_t size, size_t align, gfp_t gfp, const char *owner,
		  struct bigphys_buf *buf);
void bigphys_free(struct bigphys_buf *buf);
dma_addr_t bigphys_dma_addr(struct device *dev, const struct bigphys_buf *buf);
int bigphys_get_stats(struct bigphys_stats *stats);
int bigphys_area(phys_addr_t *base, size_t *size);
void bigphys_reclaim(void);
bool bigphys_contains(phys_addr_t phys, size_t size);

/* Area buffers as dma-bufs, for drivers, the dma-buf heap and /dev/bigphys */
struct dma_buf *bigphys_dmabuf_alloc(size_t size, size_t align,
				     enum bigphys_cache cache, int flags,
				     const char *owner);
const struct bigphys_buf *bigphys_dmabuf_buf(struct dma_buf *dmabuf);
int bigphys_dmabuf_cache(struct dma_buf *dmabuf);
int bigphys_dmabuf_sync(struct dma_buf *dmabuf, size_t offset, size_t len,
			enum dma_data_direction dir);
bool bigphys_cache_supported(void);

/* Whole-area mappings, for /dev/bigphys */
int bigphys_area_open(struct file *file);
int bigphys_area_mmap(struct vm_area_struct *vma);

#else /* !CONFIG_BIGPHYS_AREA */

static inline int bigphys_alloc(size_t size, size_t align, gfp_t gfp,
				const char *owner, struct bigphys_buf *buf)
{
	return -ENODEV;
}

static inline void bigphys_free(struct bigphys_buf *buf) { }

static inline int bigphys_get_stats(struct bigphys_stats *stats)
{
	return -ENODEV;
}

static inline int bigphys_area(phys_addr_t *base, size_t *size)
{
	return -ENODEV;
}

static inline void bigphys_reclaim(void) { }

static inline bool bigphys_contains(phys_addr_t phys, size_t size)
{
	return false;
}

static inline struct dma_buf *bigphys_dmabuf_alloc(size_t size, size_t align,
						   enum bigphys_cache cache,
						   int flags, const char *owner)
{
	return ERR_PTR(-ENODEV);
}

static inline const struct bigphys_buf *bigphys_dmabuf_buf(struct dma_buf *dmabuf)
{
	return NULL;
}

static inline int bigphys_dmabuf_cache(struct dma_buf *dmabuf)
{
	return -EINVAL;
}

static inline int bigphys_dmabuf_sync(struct dma_buf *dmabuf, size_t offset,
				      size_t len, enum dma_data_direction dir)
{
	return -EINVAL;
}

static inline bool bigphys_cache_supported(void)
{
	return false;
}

#endif /* CONFIG_BIGPHYS_AREA */

#endif /* _LINUX_BIGPHYSAREA_H */
