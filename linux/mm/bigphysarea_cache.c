// SPDX-License-Identifier: GPL-2.0
/* Area buffers' cache modes: uncached, write-combining, cache maintenance. */

#define pr_fmt(fmt) "bigphysarea: " fmt

#include <linux/bigphysarea.h>
#include <linux/cacheflush.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/platform_device.h>
#include <linux/swiotlb.h>

#include "bigphysarea_dmabuf.h"

#ifdef CONFIG_X86
#include <asm/set_memory.h>
#endif

/*
 * The device that does the buffers' own cache maintenance (the zeroes at
 * allocation, bigphys_dmabuf_sync()). Buffers are not mapped on it when
 * DMA would bounce (swiotlb=force, confidential-computing guests): a
 * bounce copy would overwrite the data and hold bounce slots.
 */
static struct platform_device *bigphys_maint;
static bool bigphys_dma_ok __ro_after_init;

static struct device *bigphys_maint_dev(void)
{
	return &bigphys_maint->dev;
}

/**
 * bigphys_cache_supported() - whether buffers may be uncached
 *
 * A user mapping of another memory type can be kept consistent with the
 * kernel's mapping of the same pages on x86 (the direct map is switched,
 * PAT) and on arm64 (Normal-NC beside a cacheable linear map, consistent
 * once the lines are cleaned to memory, which needs DMA that does not
 * bounce).
 *
 * Return: true if BIGPHYS_UNCACHED and BIGPHYS_WRITECOMBINE buffers can
 * be allocated.
 */
bool bigphys_cache_supported(void)
{
	return IS_ENABLED(CONFIG_X86) ||
	       (IS_ENABLED(CONFIG_ARM64) && bigphys_dma_ok);
}

/*
 * The memory type of a buffer's user and kernel mappings. On arm64 an
 * uncached buffer is Normal non-cacheable, as write-combining is: Device
 * memory (pgprot_noncached()) faults on unaligned accesses and DC ZVA,
 * which memcpy() and memset() use on ordinary memory, and Normal-NC is
 * what the DMA API maps buffers of non-coherent devices as. Both modes
 * bypass the caches; only the store buffer may merge writes, and
 * bigphys_dmabuf_sync() drains it.
 */
pgprot_t bigphys_pgprot(enum bigphys_cache cache, pgprot_t prot)
{
	if (cache == BIGPHYS_CACHED)
		return prot;
	if (cache == BIGPHYS_WRITECOMBINE || IS_ENABLED(CONFIG_ARM64))
		return pgprot_writecombine(prot);
	return pgprot_noncached(prot);
}

/* Switch the direct map of a buffer to its cache mode, or back to WB. */
static int bigphys_set_memtype(struct bigphys_dmabuf *b, bool restore)
{
#ifdef CONFIG_X86
	unsigned long addr = (unsigned long)b->buf.vaddr;
	int pages = b->buf.size >> PAGE_SHIFT;

	if (restore)
		return set_memory_wb(addr, pages);
	if (b->cache == BIGPHYS_WRITECOMBINE)
		return set_memory_wc(addr, pages);
	return set_memory_uc(addr, pages);
#else
	return 0;
#endif
}

/*
 * Write the buffer's cache lines (its zeroes) back to memory, so that an
 * uncached or write-combining reader never sees the previous owner's
 * bytes. An explicit step, not a side effect of changing the direct map.
 */
static void bigphys_write_back(struct bigphys_dmabuf *b)
{
#ifdef CONFIG_X86
	clflush_cache_range(b->buf.vaddr, b->buf.size);
#else
	/* Done in bigphys_dmabuf_create(): the DMA API cleans the zeroes. */
#endif
}

/* Give a new buffer its cache mode, first removing write-back aliases. */
int bigphys_make_uncached(struct bigphys_dmabuf *b)
{
	int ret;

	if (b->cache == BIGPHYS_CACHED)
		return 0;
	ret = bigphys_area_forbid(b->buf.phys, b->buf.size);
	if (ret)
		return ret;
	bigphys_write_back(b);
	ret = bigphys_set_memtype(b, false);
	if (ret) {
		/* A partial change must not leave pages uncached in the pool. */
		if (bigphys_set_memtype(b, true))
			return -EHWPOISON;	/* see bigphys_dmabuf_create() */
		bigphys_area_allow(b->buf.phys);
	}
	return ret;
}

/* Back to write-back before the memory is reused. */
int bigphys_make_cached(struct bigphys_dmabuf *b)
{
	int ret;

	if (b->cache == BIGPHYS_CACHED)
		return 0;
	ret = bigphys_set_memtype(b, true);
	if (ret)
		return ret;
	bigphys_area_allow(b->buf.phys);
	return 0;
}

void bigphys_maint_unmap(struct bigphys_dmabuf *b)
{
	if (bigphys_dma_ok)
		dma_unmap_page_attrs(bigphys_maint_dev(), b->dma, b->buf.size,
				     DMA_BIDIRECTIONAL, DMA_ATTR_SKIP_CPU_SYNC);
}

/*
 * Map a buffer for its own cache maintenance and clean its zeroes to
 * memory, so that a later invalidate can only discard what the owner
 * wrote, never expose what was there before. An uncached or
 * write-combining buffer is invalidated as well (what
 * arch_dma_prep_coherent() does for coherent allocations): no line of
 * its cacheable direct-map alias is left to go stale under writes
 * through the non-cacheable mappings.
 */
int bigphys_maint_map(struct bigphys_dmabuf *b)
{
	struct device *dev = bigphys_maint_dev();

	if (!bigphys_dma_ok)
		return 0;
	b->dma = dma_map_page_attrs(dev, virt_to_page(b->buf.vaddr), 0,
				    b->buf.size, DMA_BIDIRECTIONAL,
				    DMA_ATTR_SKIP_CPU_SYNC);
	if (dma_mapping_error(dev, b->dma))
		return -ENOMEM;
	dma_sync_single_for_device(dev, b->dma, b->buf.size, DMA_BIDIRECTIONAL);
	if (b->cache != BIGPHYS_CACHED)
		dma_sync_single_for_cpu(dev, b->dma, b->buf.size,
					DMA_BIDIRECTIONAL);
	return 0;
}

/**
 * bigphys_dmabuf_cache() - the cache mode of an area buffer
 * @dmabuf: any dma-buf
 *
 * Return: its enum bigphys_cache mode, or -EINVAL if @dmabuf is not an
 * area buffer.
 */
int bigphys_dmabuf_cache(struct dma_buf *dmabuf)
{
	struct bigphys_dmabuf *b;

	if (!bigphys_dmabuf_buf(dmabuf))
		return -EINVAL;
	b = dmabuf->priv;
	return b->cache;
}
EXPORT_SYMBOL_GPL(bigphys_dmabuf_cache);

/**
 * bigphys_dmabuf_sync() - hand a range of an area buffer to or from devices
 * @dmabuf: an area buffer's dma-buf
 * @offset: start of the range in bytes
 * @len: length of the range in bytes
 * @dir: DMA_TO_DEVICE cleans the CPU caches for the range, DMA_FROM_DEVICE
 *	invalidates them, DMA_BIDIRECTIONAL does both
 *
 * For devices that reach the buffer by its physical address rather than
 * by importing the dma-buf (DMA_BUF_IOCTL_SYNC covers importers). Drains
 * write-combining buffers and orders against the device in any case.
 *
 * Return: 0, or -EINVAL for a range outside the buffer or a dma-buf that
 * is not an area buffer.
 */
int bigphys_dmabuf_sync(struct dma_buf *dmabuf, size_t offset, size_t len,
			enum dma_data_direction dir)
{
	struct bigphys_dmabuf *b;
	struct device *dev = bigphys_maint_dev();

	if (!bigphys_dmabuf_buf(dmabuf))
		return -EINVAL;
	b = dmabuf->priv;
	if (!len || offset >= b->buf.size || len > b->buf.size - offset)
		return -EINVAL;
	if (!bigphys_dma_ok)
		goto barrier;	/* coherent (x86), or no uncached modes */
	if (dir == DMA_TO_DEVICE || dir == DMA_BIDIRECTIONAL)
		dma_sync_single_for_device(dev, b->dma + offset, len,
					   DMA_TO_DEVICE);
	if (dir == DMA_FROM_DEVICE || dir == DMA_BIDIRECTIONAL)
		dma_sync_single_for_cpu(dev, b->dma + offset, len,
					DMA_FROM_DEVICE);
barrier:
	/* Drains write-combining buffers and orders against the device. */
	mb();
	return 0;
}
EXPORT_SYMBOL_GPL(bigphys_dmabuf_sync);

int __init bigphys_maint_init(void)
{
	struct device *dev;
	int ret;

	bigphys_maint = platform_device_register_simple("bigphysarea",
							PLATFORM_DEVID_NONE,
							NULL, 0);
	if (IS_ERR(bigphys_maint))
		return PTR_ERR(bigphys_maint);
	dev = bigphys_maint_dev();
	ret = dma_coerce_mask_and_coherent(dev, DMA_BIT_MASK(64));
	if (ret) {
		platform_device_unregister(bigphys_maint);
		return ret;
	}
	bigphys_dma_ok = !is_swiotlb_force_bounce(dev);
	if (!bigphys_dma_ok && !IS_ENABLED(CONFIG_X86))
		pr_info("DMA bounces: buffers cannot be uncached, sync is a barrier only\n");
	return 0;
}
