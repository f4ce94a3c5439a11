// SPDX-License-Identifier: GPL-2.0
/* Area buffers as dma-bufs: zeroed, page-backed, cached or not. */

#define pr_fmt(fmt) "bigphysarea: " fmt

#include <linux/bigphysarea.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/init.h>
#include <linux/iosys-map.h>
#include <linux/list.h>
#include <linux/maple_tree.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/pseudo_fs.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/swiotlb.h>
#include <linux/vmalloc.h>

#include "bigphysarea.h"

#ifdef CONFIG_X86
#include <asm/cacheflush.h>
#include <asm/set_memory.h>
#endif

/* The largest scatterlist entry: sg lengths are 32 bits. */
#define BIGPHYS_SG_MAX		SZ_1G

#define BIGPHYS_FS_MAGIC	0x62706873	/* "bphs" */

/**
 * struct bigphys_dmabuf - an area buffer behind a dma-buf
 * @buf: the memory
 * @cache: the cache mode; the direct map is switched to it while the
 *	buffer exists, so that no alias disagrees with a user's mapping
 * @dma: @buf mapped on bigphys_maint for range cache maintenance
 * @lock: protects @attachments, their @mapped, @vmap_cnt and @vaddr
 * @attachments: the importers' struct bigphys_attachment
 * @vmap_cnt: kernel mappings handed out by vmap
 * @vaddr: the kernel mapping while @vmap_cnt > 0
 * @vmapped: @vaddr is a vmap() of its own, not the direct map
 *
 * The dma-buf's file is the buffer's reference count: every holder (a
 * /dev/bigphys id, a dma-buf file descriptor, a user mapping, an
 * importer) holds the file, and the memory goes back to the area in
 * bigphys_dmabuf_release(), under the area's rules for pinned pages.
 */
struct bigphys_dmabuf {
	struct bigphys_buf buf;
	enum bigphys_cache cache;
	dma_addr_t dma;
	struct mutex lock;	/* see the kernel-doc above */
	struct list_head attachments;
	unsigned int vmap_cnt;
	void *vaddr;
	bool vmapped;
};

/**
 * struct bigphys_attachment - an importer's view of a buffer
 * @dev: the importing device
 * @table: the buffer as a scatterlist, mapped for @dev while @mapped
 * @list: entry in struct bigphys_dmabuf's attachments
 * @mapped: @table is DMA-mapped for @dev
 */
struct bigphys_attachment {
	struct device *dev;
	struct sg_table table;
	struct list_head list;
	bool mapped;
};

/*
 * Whole-area mappings are raw write-back PFN mappings. A page must not be
 * mapped write-back while its direct map is uncached or write-combining
 * (aliases with different memory types are undefined), so faulting such a
 * page in there gets SIGBUS.
 *
 * bigphys_memtype marks the page frame numbers of every non-WB buffer;
 * lookups are lockless (RCU). The whole-area fault handler
 * checks it and inserts the page inside a bigphys_fault_srcu read section.
 * A buffer changing type is stored first, then synchronize_srcu() waits
 * for faults that may have missed it, then its pages are zapped from every
 * whole-area mapping, and only then does the direct map change. Faults
 * therefore never wait for a type change and cost the same whatever the
 * number of buffers.
 *
 * All whole-area mappings share one address_space (bigphys_inode's), so
 * one unmap_mapping_range() reaches every one of them.
 */
static DEFINE_MTREE(bigphys_memtype);
#define BIGPHYS_NOT_WB		xa_mk_value(1)
DEFINE_STATIC_SRCU(bigphys_fault_srcu);
static struct vfsmount *bigphys_mnt;
static struct inode *bigphys_inode;
static phys_addr_t bigphys_area_base;
static size_t bigphys_area_size;

/*
 * The device that does the buffers' own cache maintenance (the zeroes at
 * allocation, bigphys_dmabuf_sync()). Buffers are not mapped on it when
 * DMA would bounce (swiotlb=force, confidential-computing guests): a
 * bounce copy would overwrite the data and hold bounce slots.
 */
static struct platform_device *bigphys_maint;
static bool bigphys_dma_ok __ro_after_init;

static const struct dma_buf_ops bigphys_dmabuf_ops;

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
static pgprot_t bigphys_pgprot(enum bigphys_cache cache, pgprot_t prot)
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

static void bigphys_zap_area(phys_addr_t phys, size_t size)
{
	unmap_mapping_range(bigphys_inode->i_mapping, phys - bigphys_area_base,
			    size, 1);
}

/* Give a new buffer its cache mode, first removing write-back aliases. */
static int bigphys_make_uncached(struct bigphys_dmabuf *b)
{
	unsigned long pfn = PHYS_PFN(b->buf.phys);
	int ret;

	if (b->cache == BIGPHYS_CACHED)
		return 0;
	ret = mtree_store_range(&bigphys_memtype, pfn,
				pfn + (b->buf.size >> PAGE_SHIFT) - 1,
				BIGPHYS_NOT_WB, GFP_KERNEL);
	if (ret)
		return ret;
	synchronize_srcu(&bigphys_fault_srcu);
	bigphys_zap_area(b->buf.phys, b->buf.size);
	bigphys_write_back(b);
	ret = bigphys_set_memtype(b, false);
	if (ret) {
		/* A partial change must not leave pages uncached in the pool. */
		if (bigphys_set_memtype(b, true))
			return -EHWPOISON;	/* see bigphys_dmabuf_create() */
		mtree_erase(&bigphys_memtype, pfn);
	}
	return ret;
}

/* Back to write-back before the memory is reused. */
static int bigphys_make_cached(struct bigphys_dmabuf *b)
{
	int ret;

	if (b->cache == BIGPHYS_CACHED)
		return 0;
	ret = bigphys_set_memtype(b, true);
	if (ret)
		return ret;
	mtree_erase(&bigphys_memtype, PHYS_PFN(b->buf.phys));
	return 0;
}

static void bigphys_maint_unmap(struct bigphys_dmabuf *b)
{
	if (bigphys_dma_ok)
		dma_unmap_page_attrs(bigphys_maint_dev(), b->dma, b->buf.size,
				     DMA_BIDIRECTIONAL, DMA_ATTR_SKIP_CPU_SYNC);
}

/*
 * Map a buffer for its own cache maintenance and clean its zeroes to
 * memory, so that a later invalidate can only discard what the owner
 * wrote, never expose what was there before.
 */
static int bigphys_maint_map(struct bigphys_dmabuf *b)
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
	return 0;
}

/* Allocate and zero the memory of a buffer and give it its cache mode. */
static struct bigphys_dmabuf *bigphys_dmabuf_create(size_t size, size_t align,
						    enum bigphys_cache cache,
						    const char *owner)
{
	struct bigphys_dmabuf *b;
	int ret;

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return ERR_PTR(-ENOMEM);
	mutex_init(&b->lock);
	INIT_LIST_HEAD(&b->attachments);
	b->cache = cache;
	ret = bigphys_alloc(size, align, GFP_KERNEL | __GFP_ZERO, owner, &b->buf);
	if (ret)
		goto err_free_b;
	ret = bigphys_maint_map(b);
	if (ret)
		goto err_free_buf;
	ret = bigphys_make_uncached(b);
	if (ret == -EHWPOISON) {
		/* Not write-back again: never reuse it (it stays SIGBUS). */
		pr_warn("cannot restore write-back caching; leaking %zu bytes\n",
			b->buf.size);
		bigphys_maint_unmap(b);
		kfree(b);
		return ERR_PTR(-ENOMEM);
	}
	if (ret)
		goto err_unmap;
	return b;

err_unmap:
	bigphys_maint_unmap(b);
err_free_buf:
	bigphys_free(&b->buf);
err_free_b:
	kfree(b);
	return ERR_PTR(ret);
}

/*
 * The dma-buf's file is gone: no descriptor, mapping or importer is left.
 * Pages still pinned or in a pipe keep the memory out of the area until
 * those references drop (bigphys_free() holds them).
 */
static void bigphys_dmabuf_destroy(struct bigphys_dmabuf *b)
{
	bigphys_maint_unmap(b);
	if (bigphys_make_cached(b))
		pr_warn("cannot restore write-back caching; leaking %zu bytes\n",
			b->buf.size);
	else
		bigphys_free(&b->buf);
	mutex_destroy(&b->lock);
	kfree(b);
}

static void bigphys_dmabuf_release(struct dma_buf *dmabuf)
{
	struct bigphys_dmabuf *b = dmabuf->priv;

	if (WARN_ON(b->vmap_cnt) && b->vmapped)
		vunmap(b->vaddr);
	bigphys_dmabuf_destroy(b);
}

/* The buffer as a scatterlist of at most BIGPHYS_SG_MAX bytes an entry. */
static int bigphys_sg_table(struct bigphys_dmabuf *b, struct sg_table *table)
{
	struct page *page = virt_to_page(b->buf.vaddr);
	size_t left = b->buf.size;
	struct scatterlist *sg;
	unsigned int i;
	int ret;

	ret = sg_alloc_table(table, DIV_ROUND_UP(left, BIGPHYS_SG_MAX),
			     GFP_KERNEL);
	if (ret)
		return ret;
	for_each_sgtable_sg(table, sg, i) {
		size_t len = min_t(size_t, left, BIGPHYS_SG_MAX);

		sg_set_page(sg, page, len, 0);
		page = nth_page(page, len >> PAGE_SHIFT);
		left -= len;
	}
	return 0;
}

static int bigphys_dmabuf_attach(struct dma_buf *dmabuf,
				 struct dma_buf_attachment *attachment)
{
	struct bigphys_dmabuf *b = dmabuf->priv;
	struct bigphys_attachment *a;
	int ret;

	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	ret = bigphys_sg_table(b, &a->table);
	if (ret) {
		kfree(a);
		return ret;
	}
	a->dev = attachment->dev;
	attachment->priv = a;

	mutex_lock(&b->lock);
	list_add(&a->list, &b->attachments);
	mutex_unlock(&b->lock);
	return 0;
}

static void bigphys_dmabuf_detach(struct dma_buf *dmabuf,
				  struct dma_buf_attachment *attachment)
{
	struct bigphys_dmabuf *b = dmabuf->priv;
	struct bigphys_attachment *a = attachment->priv;

	mutex_lock(&b->lock);
	list_del(&a->list);
	mutex_unlock(&b->lock);
	sg_free_table(&a->table);
	kfree(a);
}

static struct sg_table *bigphys_map_dma_buf(struct dma_buf_attachment *attachment,
					    enum dma_data_direction dir)
{
	struct bigphys_dmabuf *b = attachment->dmabuf->priv;
	struct bigphys_attachment *a = attachment->priv;
	int ret;

	ret = dma_map_sgtable(a->dev, &a->table, dir, 0);
	if (ret)
		return ERR_PTR(ret);
	mutex_lock(&b->lock);
	a->mapped = true;
	mutex_unlock(&b->lock);
	return &a->table;
}

static void bigphys_unmap_dma_buf(struct dma_buf_attachment *attachment,
				  struct sg_table *table,
				  enum dma_data_direction dir)
{
	struct bigphys_dmabuf *b = attachment->dmabuf->priv;
	struct bigphys_attachment *a = attachment->priv;

	mutex_lock(&b->lock);
	a->mapped = false;
	mutex_unlock(&b->lock);
	dma_unmap_sgtable(a->dev, table, dir, 0);
}

static int bigphys_begin_cpu_access(struct dma_buf *dmabuf,
				    enum dma_data_direction dir)
{
	struct bigphys_dmabuf *b = dmabuf->priv;
	struct bigphys_attachment *a;

	mutex_lock(&b->lock);
	if (b->vmapped)
		invalidate_kernel_vmap_range(b->vaddr, b->buf.size);
	list_for_each_entry(a, &b->attachments, list)
		if (a->mapped)
			dma_sync_sgtable_for_cpu(a->dev, &a->table, dir);
	mutex_unlock(&b->lock);
	return 0;
}

static int bigphys_end_cpu_access(struct dma_buf *dmabuf,
				  enum dma_data_direction dir)
{
	struct bigphys_dmabuf *b = dmabuf->priv;
	struct bigphys_attachment *a;

	mutex_lock(&b->lock);
	if (b->vmapped)
		flush_kernel_vmap_range(b->vaddr, b->buf.size);
	list_for_each_entry(a, &b->attachments, list)
		if (a->mapped)
			dma_sync_sgtable_for_device(a->dev, &a->table, dir);
	mutex_unlock(&b->lock);
	return 0;
}

/*
 * User mappings are page-backed (vm_insert_page()), unlike the raw PFN
 * mappings of other heaps, so that get_user_pages() works on them: O_DIRECT
 * and io_uring fixed buffers straight from a buffer. The mapping holds the
 * dma-buf's file; page references taken through it (pins) outlive it and
 * are the area's business (see bigphys_free()).
 */
static vm_fault_t bigphys_dmabuf_fault(struct vm_fault *vmf)
{
	struct bigphys_dmabuf *b = vmf->vma->vm_private_data;
	struct page *page;
	int ret;

	if (vmf->pgoff >= b->buf.size >> PAGE_SHIFT)
		return VM_FAULT_SIGBUS;
	page = nth_page(virt_to_page(b->buf.vaddr), vmf->pgoff);
	ret = vm_insert_page(vmf->vma, vmf->address, page);
	if (ret == -ENOMEM)
		return VM_FAULT_OOM;
	if (ret && ret != -EBUSY)
		return VM_FAULT_SIGBUS;
	return VM_FAULT_NOPAGE;
}

static const struct vm_operations_struct bigphys_dmabuf_vm_ops = {
	.fault	= bigphys_dmabuf_fault,
};

static int bigphys_dmabuf_mmap(struct dma_buf *dmabuf,
			       struct vm_area_struct *vma)
{
	struct bigphys_dmabuf *b = dmabuf->priv;

	/* MAP_SHARED, read-only or not (VM_SHARED needs a writable file). */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	vma->vm_page_prot = bigphys_pgprot(b->cache, vma->vm_page_prot);
	vm_flags_set(vma, VM_MIXEDMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &bigphys_dmabuf_vm_ops;
	vma->vm_private_data = b;
	return 0;
}

/*
 * A cached buffer is contiguous in the direct map, and on x86 the direct
 * map of any buffer has the buffer's memory type: that address is the
 * kernel mapping. Elsewhere an uncached buffer gets a vmap() of its type.
 */
static void *bigphys_dmabuf_do_vmap(struct bigphys_dmabuf *b)
{
	pgprot_t prot = bigphys_pgprot(b->cache, PAGE_KERNEL);
	unsigned int i, n = b->buf.size >> PAGE_SHIFT;
	struct page **pages;
	void *vaddr;

	if (b->cache == BIGPHYS_CACHED || IS_ENABLED(CONFIG_X86))
		return b->buf.vaddr;
	pages = kvmalloc_array(n, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;
	for (i = 0; i < n; i++)
		pages[i] = nth_page(virt_to_page(b->buf.vaddr), i);
	vaddr = vmap(pages, n, VM_MAP, prot);
	kvfree(pages);
	if (vaddr)
		b->vmapped = true;
	return vaddr;
}

static int bigphys_dmabuf_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct bigphys_dmabuf *b = dmabuf->priv;
	int ret = 0;

	mutex_lock(&b->lock);
	if (!b->vmap_cnt) {
		b->vaddr = bigphys_dmabuf_do_vmap(b);
		if (!b->vaddr) {
			ret = -ENOMEM;
			goto out;
		}
	}
	b->vmap_cnt++;
	iosys_map_set_vaddr(map, b->vaddr);
out:
	mutex_unlock(&b->lock);
	return ret;
}

static void bigphys_dmabuf_vunmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct bigphys_dmabuf *b = dmabuf->priv;

	mutex_lock(&b->lock);
	if (!WARN_ON(!b->vmap_cnt) && !--b->vmap_cnt) {
		if (b->vmapped)
			vunmap(b->vaddr);
		b->vmapped = false;
		b->vaddr = NULL;
	}
	mutex_unlock(&b->lock);
	iosys_map_clear(map);
}

static const struct dma_buf_ops bigphys_dmabuf_ops = {
	.attach			= bigphys_dmabuf_attach,
	.detach			= bigphys_dmabuf_detach,
	.map_dma_buf		= bigphys_map_dma_buf,
	.unmap_dma_buf		= bigphys_unmap_dma_buf,
	.begin_cpu_access	= bigphys_begin_cpu_access,
	.end_cpu_access		= bigphys_end_cpu_access,
	.mmap			= bigphys_dmabuf_mmap,
	.vmap			= bigphys_dmabuf_vmap,
	.vunmap			= bigphys_dmabuf_vunmap,
	.release		= bigphys_dmabuf_release,
};

/**
 * bigphys_dmabuf_alloc() - allocate an area buffer as a dma-buf
 * @size: bytes wanted, rounded up to whole pages
 * @align: alignment of the physical address in bytes, a power of two;
 *	0 means page alignment
 * @cache: the cache mode of the buffer's kernel and user mappings
 * @flags: the dma-buf file's flags: O_RDWR, O_CLOEXEC (see dma_buf_fd())
 * @owner: name recorded with the allocation (copied)
 *
 * The buffer is zeroed, and its zeroes are in memory. It is freed when
 * the dma-buf's last reference is gone: the caller's, those taken with
 * get_dma_buf(), file descriptors, user mappings and importers; memory
 * whose pages are still pinned is reused only after the last pin is gone.
 * User mappings of the dma-buf are page-backed, so O_DIRECT works on them.
 *
 * Context: process context; may sleep.
 * Return: the dma-buf, or an ERR_PTR(): -ENODEV without an area, -EINVAL
 * for a size of 0 or larger than the area, a bad @align or @cache,
 * -EOPNOTSUPP for an uncached mode this system cannot keep consistent
 * (bigphys_cache_supported()), -ENOMEM if no free block fits.
 */
struct dma_buf *bigphys_dmabuf_alloc(size_t size, size_t align,
				     enum bigphys_cache cache, int flags,
				     const char *owner)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);
	struct bigphys_dmabuf *b;
	struct dma_buf *dmabuf;

	if (!bigphys_inode)
		return ERR_PTR(-ENODEV);
	if (!size || size > bigphys_area_size ||
	    (align && (!is_power_of_2(align) || align > bigphys_area_size)) ||
	    cache > BIGPHYS_WRITECOMBINE)
		return ERR_PTR(-EINVAL);
	if (cache != BIGPHYS_CACHED && !bigphys_cache_supported())
		return ERR_PTR(-EOPNOTSUPP);

	b = bigphys_dmabuf_create(size, align, cache, owner);
	if (IS_ERR(b))
		return ERR_CAST(b);

	exp_info.exp_name = "bigphys";
	exp_info.ops = &bigphys_dmabuf_ops;
	exp_info.size = b->buf.size;
	exp_info.flags = flags;
	exp_info.priv = b;
	dmabuf = dma_buf_export(&exp_info);
	if (IS_ERR(dmabuf))
		bigphys_dmabuf_destroy(b);
	return dmabuf;
}
EXPORT_SYMBOL_GPL(bigphys_dmabuf_alloc);

/**
 * bigphys_dmabuf_buf() - the area buffer behind a dma-buf
 * @dmabuf: any dma-buf
 *
 * Lets a driver that imports a dma-buf use its physical address when it
 * comes from the area. The result is valid while the caller holds a
 * reference to @dmabuf.
 *
 * Return: the buffer, or NULL if @dmabuf is not an area buffer.
 */
const struct bigphys_buf *bigphys_dmabuf_buf(struct dma_buf *dmabuf)
{
	struct bigphys_dmabuf *b;

	if (!dmabuf || dmabuf->ops != &bigphys_dmabuf_ops)
		return NULL;
	b = dmabuf->priv;
	return &b->buf;
}
EXPORT_SYMBOL_GPL(bigphys_dmabuf_buf);

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

/**
 * bigphys_area_open() - prepare a file for whole-area mappings
 * @file: the file that will be passed to bigphys_area_mmap()
 *
 * Makes the file share the address_space of all whole-area mappings, so
 * that a buffer becoming uncached can unmap its pages from all of them.
 *
 * Return: 0, or -ENODEV if the area's buffers are not available (no area,
 * or their setup failed at boot).
 */
int bigphys_area_open(struct file *file)
{
	if (!bigphys_inode)
		return -ENODEV;
	file->f_mapping = bigphys_inode->i_mapping;
	return 0;
}

static vm_fault_t bigphys_area_fault(struct vm_fault *vmf)
{
	phys_addr_t phys;
	vm_fault_t ret;
	int idx;

	if (vmf->pgoff >= bigphys_area_size >> PAGE_SHIFT)
		return VM_FAULT_SIGBUS;
	phys = bigphys_area_base + ((phys_addr_t)vmf->pgoff << PAGE_SHIFT);
	idx = srcu_read_lock(&bigphys_fault_srcu);
	if (mtree_load(&bigphys_memtype, PHYS_PFN(phys)))
		ret = VM_FAULT_SIGBUS;
	else
		ret = vmf_insert_pfn(vmf->vma, vmf->address, PHYS_PFN(phys));
	srcu_read_unlock(&bigphys_fault_srcu, idx);
	return ret;
}

/*
 * A writable whole-area mapping reaches free memory too: while one
 * exists, the allocator must not trust what it knows to be zero. Every
 * VMA that may be written (VM_MAYWRITE, which never comes back once
 * cleared) counts as one writer, from bigphys_area_mmap() or a split or
 * move (->open) to its unmapping (->close, after its page table entries
 * are gone).
 */
static void bigphys_area_vm_open(struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_MAYWRITE)
		bigphys_area_writer_get();
}

static void bigphys_area_vm_close(struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_MAYWRITE)
		bigphys_area_writer_put();
}

static const struct vm_operations_struct bigphys_area_vm_ops = {
	.open	= bigphys_area_vm_open,
	.close	= bigphys_area_vm_close,
	.fault	= bigphys_area_fault,
};

/**
 * bigphys_area_mmap() - map the whole area, from offset 0
 * @vma: the mapping, of a file prepared with bigphys_area_open()
 *
 * A raw write-back PFN mapping, as /dev/mem makes: no page references, so
 * nothing taken through it (it maps free pages and every owner's buffers)
 * can hold or pin memory, and get_user_pages() refuses it. Pages of an
 * uncached or write-combining buffer are not mapped (SIGBUS). The caller
 * decides who may do this. While a writable one exists, no free memory
 * is known to be zero (bigphys_area_writer_get()).
 *
 * Return: 0, or -EINVAL if @vma is not shared, starts past 0 or is longer
 * than the area.
 */
int bigphys_area_mmap(struct vm_area_struct *vma)
{
	if (!(vma->vm_flags & VM_MAYSHARE) || vma->vm_pgoff ||
	    vma->vm_end - vma->vm_start > bigphys_area_size)
		return -EINVAL;
	vm_flags_set(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP |
		     VM_DONTCOPY);
	vma->vm_ops = &bigphys_area_vm_ops;
	vma->vm_private_data = NULL;
	bigphys_area_vm_open(vma);	/* nothing fails after this */
	return 0;
}

static int bigphys_fs_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, BIGPHYS_FS_MAGIC) ? 0 : -ENOMEM;
}

static struct file_system_type bigphys_fs_type = {
	.name			= "bigphys",
	.init_fs_context	= bigphys_fs_init_fs_context,
	.kill_sb		= kill_anon_super,
};

static int __init bigphys_maint_init(void)
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

static int __init bigphys_dmabuf_init(void)
{
	struct inode *inode;
	int ret;

	if (bigphys_area(&bigphys_area_base, &bigphys_area_size))
		return 0;	/* booted without bigphysarea= */

	bigphys_mnt = kern_mount(&bigphys_fs_type);
	if (IS_ERR(bigphys_mnt))
		return PTR_ERR(bigphys_mnt);
	inode = alloc_anon_inode(bigphys_mnt->mnt_sb);
	if (IS_ERR(inode)) {
		ret = PTR_ERR(inode);
		goto err_umount;
	}
	ret = bigphys_maint_init();
	if (ret)
		goto err_iput;
	bigphys_inode = inode;	/* published: buffers can be made */
	return 0;

err_iput:
	iput(inode);
err_umount:
	kern_unmount(bigphys_mnt);
	return ret;
}
subsys_initcall(bigphys_dmabuf_init);
