// SPDX-License-Identifier: GPL-2.0
/* bpgrab: the vb2 capture queue. */

#include <linux/bigphysarea.h>
#include <linux/device.h>
#include <linux/sizes.h>
#include <media/videobuf2-v4l2.h>

#include "bpgrab.h"

static int bpgrab_queue_setup(struct vb2_queue *q, unsigned int *nbuffers,
			      unsigned int *nplanes, unsigned int sizes[],
			      struct device *alloc_devs[])
{
	struct bpgrab_dev *g = vb2_get_drv_priv(q);
	struct bigphys_stats st;

	if (q->memory == VB2_MEMORY_MMAP && bigphys_get_stats(&st)) {
		dev_info(g->dev, "no bigphysarea: boot with bigphysarea=\n");
		return -ENODEV;
	}
	if (*nplanes)
		return sizes[0] < g->fmt.sizeimage ? -EINVAL : 0;
	*nplanes = 1;
	sizes[0] = g->fmt.sizeimage;
	return 0;
}

static int bpgrab_buf_prepare(struct vb2_buffer *vb)
{
	struct bpgrab_dev *g = vb2_get_drv_priv(vb->vb2_queue);

	if (vb2_plane_size(vb, 0) < g->fmt.sizeimage) {
		dev_info_ratelimited(g->dev, "buffer of %lu bytes too small for %u-byte frames\n",
				     vb2_plane_size(vb, 0), g->fmt.sizeimage);
		return -EINVAL;
	}
	if (!vb2_plane_vaddr(vb, 0))
		return -EINVAL;
	vb2_set_plane_payload(vb, 0, g->fmt.sizeimage);
	return 0;
}

static void bpgrab_buf_queue(struct vb2_buffer *vb)
{
	struct bpgrab_dev *g = vb2_get_drv_priv(vb->vb2_queue);
	struct vb2_v4l2_buffer *vbuf = to_vb2_v4l2_buffer(vb);
	struct bpgrab_buffer *b = container_of(vbuf, struct bpgrab_buffer, vb);

	spin_lock_irq(&g->qlock);
	list_add_tail(&b->list, &g->queued);
	spin_unlock_irq(&g->qlock);
}

/* Give every buffer still waiting for a frame back to vb2. */
static void bpgrab_return_all(struct bpgrab_dev *g, enum vb2_buffer_state state)
{
	struct bpgrab_buffer *b, *tmp;
	LIST_HEAD(list);

	spin_lock_irq(&g->qlock);
	list_splice_init(&g->queued, &list);
	spin_unlock_irq(&g->qlock);
	list_for_each_entry_safe(b, tmp, &list, list) {
		list_del(&b->list);
		vb2_buffer_done(&b->vb.vb2_buf, state);
	}
}

static int bpgrab_start_streaming(struct vb2_queue *q, unsigned int count)
{
	struct bpgrab_dev *g = vb2_get_drv_priv(q);
	int ret;

	spin_lock_irq(&g->qlock);
	g->sequence = 0;
	g->dropped = 0;
	spin_unlock_irq(&g->qlock);
	ret = bpgrab_dma_start(g);
	if (ret)
		bpgrab_return_all(g, VB2_BUF_STATE_QUEUED);
	return ret;
}

/* STREAMOFF, close, REQBUFS(0) and remove(): no buffer is written after. */
static void bpgrab_stop_streaming(struct vb2_queue *q)
{
	struct bpgrab_dev *g = vb2_get_drv_priv(q);

	bpgrab_dma_stop(g);
	bpgrab_return_all(g, VB2_BUF_STATE_ERROR);
}

static const struct vb2_ops bpgrab_vb2_ops = {
	.queue_setup		= bpgrab_queue_setup,
	.buf_prepare		= bpgrab_buf_prepare,
	.buf_queue		= bpgrab_buf_queue,
	.start_streaming	= bpgrab_start_streaming,
	.stop_streaming		= bpgrab_stop_streaming,
	.wait_prepare		= vb2_ops_wait_prepare,
	.wait_finish		= vb2_ops_wait_finish,
};

/**
 * bpgrab_vb2_init() - set up the capture queue
 * @g: the grabber
 *
 * MMAP buffers come from the bigphysarea (bpgrab_mem_ops), DMABUF
 * buffers must be contiguous.
 *
 * Return: 0 or a negative errno.
 */
int bpgrab_vb2_init(struct bpgrab_dev *g)
{
	struct vb2_queue *q = &g->queue;

	q->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	q->io_modes = VB2_MMAP | VB2_DMABUF;
	q->drv_priv = g;
	q->buf_struct_size = sizeof(struct bpgrab_buffer);
	q->ops = &bpgrab_vb2_ops;
	q->mem_ops = &bpgrab_mem_ops;
	q->timestamp_flags = V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC |
			     V4L2_BUF_FLAG_TSTAMP_SRC_EOF;
	/* Slack for a consumer that is late now and then: no drop. */
	q->min_reqbufs_allocation = 4;
	q->lock = &g->lock;
	q->dev = g->dev;
	return vb2_queue_init(q);
}
