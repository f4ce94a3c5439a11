// SPDX-License-Identifier: GPL-2.0
/* Area buffers as dma-bufs: zeroed and page-backed. */

#define pr_fmt(fmt) "bigphysarea: " fmt

#include <linux/bigphysarea.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/highmem.h>
#include <linux/init.h>
#include <linux/iosys-map.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "bigphysarea_dmabuf.h"

/* The largest scatterlist entry: sg lengths are 32 bits. */
#define BIGPHYS_SG_MAX		SZ_1G

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

/* The area's size once buffers can be made, or 0. */
static size_t bigphys_area_size;

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

	if (!bigphys_area_size)
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

static int __init bigphys_dmabuf_init(void)
{
	phys_addr_t base;
	size_t size;
	int ret;

	if (bigphys_area(&base, &size))
		return 0;	/* booted without bigphysarea= */
	ret = bigphys_areamap_init(base, size);
	if (ret)
		return ret;
	ret = bigphys_maint_init();
	if (ret) {
		bigphys_areamap_exit();
		return ret;
	}
	bigphys_area_size = size;	/* published: buffers can be made */
	return 0;
}
subsys_initcall(bigphys_dmabuf_init);
