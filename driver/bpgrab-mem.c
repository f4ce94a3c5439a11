// SPDX-License-Identifier: GPL-2.0
/*
 * bpgrab: vb2 memory operations over the bigphysarea.
 *
 * MMAP buffers are area buffers, allocated as dma-bufs with
 * bigphys_dmabuf_alloc(): mmap() and VIDIOC_EXPBUF hand out that dma-buf,
 * and the memory goes back to the area when its last holder (the queue,
 * a mapping, an exported descriptor) lets go. There is no other allocator.
 *
 * DMABUF buffers are imported. The simulated engine stands for a device
 * without an IOMMU or scatter-gather: it takes one bus address per frame,
 * so a whole imported buffer must map as one contiguous DMA range, as
 * area buffers from /dev/dma_heap/bigphys and BIGPHYS_IOC_EXPORT do.
 * The engine writes through the buffer's kernel mapping (dma_buf_vmap()).
 */

#include <linux/bigphysarea.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/iosys-map.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <media/videobuf2-core.h>

#include "bpgrab.h"

/**
 * struct bpgrab_mem - the memory of one plane
 * @dev: the device the buffer is for
 * @dbuf: the dma-buf: our own area buffer (MMAP) or an imported one
 * @attach: the attachment of an imported dma-buf
 * @sgt: its DMA mapping while mapped
 * @map: its kernel mapping while mapped
 * @vaddr: the kernel address the engine writes to
 * @dma: the bus address the engine is programmed with
 * @size: the plane size vb2 asked for
 */
struct bpgrab_mem {
	struct device *dev;
	struct dma_buf *dbuf;
	struct dma_buf_attachment *attach;
	struct sg_table *sgt;
	struct iosys_map map;
	void *vaddr;
	dma_addr_t dma;
	unsigned long size;
};

static void *bpgrab_mem_alloc(struct vb2_buffer *vb, struct device *dev,
			      unsigned long size)
{
	const struct bigphys_buf *buf;
	struct bpgrab_mem *m;
	int ret;

	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return ERR_PTR(-ENOMEM);
	m->dbuf = bigphys_dmabuf_alloc(size, 0, BIGPHYS_CACHED, O_RDWR,
				       dev_name(dev));
	if (IS_ERR(m->dbuf)) {
		ret = PTR_ERR(m->dbuf);
		dev_info_ratelimited(dev, "cannot allocate buffer %u (%lu bytes) from the bigphysarea: %d\n",
				     vb->index + 1, size, ret);
		kfree(m);
		return ERR_PTR(ret);
	}
	buf = bigphys_dmabuf_buf(m->dbuf);
	m->dev = dev;
	m->size = size;
	m->vaddr = buf->vaddr;
	m->dma = bigphys_dma_addr(dev, buf);
	if (m->dma + buf->size - 1 > dma_get_mask(dev)) {
		dev_info_ratelimited(dev, "buffer beyond the device's DMA mask\n");
		dma_buf_put(m->dbuf);
		kfree(m);
		return ERR_PTR(-EIO);
	}
	return m;
}

static void bpgrab_mem_put(void *priv)
{
	struct bpgrab_mem *m = priv;

	dma_buf_put(m->dbuf);
	kfree(m);
}

/* VIDIOC_EXPBUF: the buffer's own dma-buf, the same one mmap() uses. */
static struct dma_buf *bpgrab_mem_get_dmabuf(struct vb2_buffer *vb, void *priv,
					     unsigned long flags)
{
	struct bpgrab_mem *m = priv;

	get_dma_buf(m->dbuf);
	return m->dbuf;
}

/**
 * bpgrab_mem_begin_write() - before the engine writes a buffer's plane
 * @vb: the buffer
 *
 * The engine is the CPU writing through the kernel mapping, so it takes
 * part in the dma-buf's CPU access protocol: every importer's mapping,
 * ours included, is synced for the CPU before and for the device after
 * (on a non-coherent device the lines written reach memory before any
 * reader invalidates its cache).
 *
 * Return: 0 or a negative errno; the buffer must not be written then.
 */
int bpgrab_mem_begin_write(struct vb2_buffer *vb)
{
	struct bpgrab_mem *m = vb->planes[0].mem_priv;

	return dma_buf_begin_cpu_access(m->dbuf, DMA_TO_DEVICE);
}

/**
 * bpgrab_mem_end_write() - after the engine has written a buffer's plane
 * @vb: the buffer, after a successful bpgrab_mem_begin_write()
 */
void bpgrab_mem_end_write(struct vb2_buffer *vb)
{
	struct bpgrab_mem *m = vb->planes[0].mem_priv;

	dma_buf_end_cpu_access(m->dbuf, DMA_TO_DEVICE);
}

/* The mapping holds the dma-buf: the memory outlives REQBUFS(0) while mapped. */
static int bpgrab_mem_mmap(void *priv, struct vm_area_struct *vma)
{
	struct bpgrab_mem *m = priv;

	return dma_buf_mmap(m->dbuf, vma, 0);
}

static unsigned int bpgrab_mem_num_users(void *priv)
{
	struct bpgrab_mem *m = priv;

	return file_count(m->dbuf->file);
}

static void *bpgrab_mem_vaddr(struct vb2_buffer *vb, void *priv)
{
	struct bpgrab_mem *m = priv;

	return m->vaddr;
}

static void *bpgrab_mem_cookie(struct vb2_buffer *vb, void *priv)
{
	struct bpgrab_mem *m = priv;

	return &m->dma;
}

static void *bpgrab_mem_attach_dmabuf(struct vb2_buffer *vb, struct device *dev,
				      struct dma_buf *dbuf, unsigned long size)
{
	struct bpgrab_mem *m;

	if (dbuf->size < size)
		return ERR_PTR(-EINVAL);
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return ERR_PTR(-ENOMEM);
	m->dev = dev;
	m->dbuf = dbuf;
	m->size = size;
	m->attach = dma_buf_attach(dbuf, dev);
	if (IS_ERR(m->attach)) {
		void *err = ERR_CAST(m->attach);

		kfree(m);
		return err;
	}
	return m;
}

/* Length of the contiguous DMA range at the start of @sgt. */
static size_t bpgrab_contig_size(struct sg_table *sgt)
{
	dma_addr_t next = sg_dma_address(sgt->sgl);
	struct scatterlist *s;
	size_t size = 0;
	unsigned int i;

	for_each_sgtable_dma_sg(sgt, s, i) {
		if (sg_dma_address(s) != next)
			break;
		next += sg_dma_len(s);
		size += sg_dma_len(s);
	}
	return size;
}

static int bpgrab_mem_map_dmabuf(void *priv)
{
	struct bpgrab_mem *m = priv;
	struct sg_table *sgt;
	size_t contig;
	int ret;

	sgt = dma_buf_map_attachment_unlocked(m->attach, DMA_FROM_DEVICE);
	if (IS_ERR(sgt))
		return PTR_ERR(sgt);
	contig = bpgrab_contig_size(sgt);
	if (contig < m->dbuf->size) {
		dev_info_ratelimited(m->dev, "DMABUF import from %s refused: not contiguous (%zu of %zu bytes in one DMA range); the engine needs one contiguous buffer, e.g. from /dev/dma_heap/bigphys\n",
				     m->dbuf->exp_name, contig, m->dbuf->size);
		ret = -EINVAL;
		goto err_unmap;
	}
	ret = dma_buf_vmap_unlocked(m->dbuf, &m->map);
	if (ret || m->map.is_iomem) {
		dev_info_ratelimited(m->dev, "DMABUF import from %s: no kernel mapping\n",
				     m->dbuf->exp_name);
		if (!ret)
			dma_buf_vunmap_unlocked(m->dbuf, &m->map);
		ret = -EINVAL;
		goto err_unmap;
	}
	m->sgt = sgt;
	m->dma = sg_dma_address(sgt->sgl);
	m->vaddr = m->map.vaddr;
	return 0;

err_unmap:
	dma_buf_unmap_attachment_unlocked(m->attach, sgt, DMA_FROM_DEVICE);
	return ret;
}

static void bpgrab_mem_unmap_dmabuf(void *priv)
{
	struct bpgrab_mem *m = priv;

	if (!m->sgt)
		return;
	dma_buf_vunmap_unlocked(m->dbuf, &m->map);
	dma_buf_unmap_attachment_unlocked(m->attach, m->sgt, DMA_FROM_DEVICE);
	m->sgt = NULL;
	m->vaddr = NULL;
}

static void bpgrab_mem_detach_dmabuf(void *priv)
{
	struct bpgrab_mem *m = priv;

	bpgrab_mem_unmap_dmabuf(m);
	dma_buf_detach(m->dbuf, m->attach);
	kfree(m);
}

const struct vb2_mem_ops bpgrab_mem_ops = {
	.alloc		= bpgrab_mem_alloc,
	.put		= bpgrab_mem_put,
	.get_dmabuf	= bpgrab_mem_get_dmabuf,
	.mmap		= bpgrab_mem_mmap,
	.num_users	= bpgrab_mem_num_users,
	.vaddr		= bpgrab_mem_vaddr,
	.cookie		= bpgrab_mem_cookie,
	.attach_dmabuf	= bpgrab_mem_attach_dmabuf,
	.detach_dmabuf	= bpgrab_mem_detach_dmabuf,
	.map_dmabuf	= bpgrab_mem_map_dmabuf,
	.unmap_dmabuf	= bpgrab_mem_unmap_dmabuf,
};
