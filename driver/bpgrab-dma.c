// SPDX-License-Identifier: GPL-2.0
/* bpgrab: the simulated capture DMA engine, one frame per timer tick. */

#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>

#include "bpgrab.h"
#include "bpgrab-pattern.h"

/*
 * Write one frame the way the hardware would write memory, through the
 * buffer's kernel mapping: the background every frame shares is
 * precomputed, so a frame costs one copy plus the box and the number.
 */
static int bpgrab_dma_write(struct bpgrab_dev *g, struct bpgrab_buffer *b)
{
	u8 *frame = vb2_plane_vaddr(&b->vb.vb2_buf, 0);
	size_t size = g->fmt.sizeimage, off = 0;
	int ret;

	ret = bpgrab_mem_begin_write(&b->vb.vb2_buf);
	if (ret)
		return ret;

	/*
	 * Whole pages go through copy_page(), the architecture's fastest page
	 * copy, when the frame is page aligned (the background is vmalloc()ed;
	 * area buffers always are, an imported dma-buf's mapping need not be).
	 */
	if (PAGE_ALIGNED(frame))
		for (; off + PAGE_SIZE <= size; off += PAGE_SIZE)
			copy_page(frame + off, g->background + off);
	memcpy(frame + off, g->background + off, size - off);
	bpgrab_pattern_overlay(frame, g->fmt.width, g->fmt.height,
			       g->fmt.pixelformat, b->vb.sequence);
	bpgrab_mem_end_write(&b->vb.vb2_buf);
	return 0;
}

/* One frame slot: fill the oldest queued buffer, or count a drop. */
static void bpgrab_dma_frame(struct bpgrab_dev *g, u32 missed)
{
	struct bpgrab_buffer *b;
	u32 sequence;
	int ret;

	spin_lock_irq(&g->qlock);
	g->sequence += missed;
	g->dropped += missed;
	sequence = g->sequence++;
	b = list_first_entry_or_null(&g->queued, struct bpgrab_buffer, list);
	if (b)
		list_del(&b->list);
	else
		g->dropped++;
	spin_unlock_irq(&g->qlock);
	if (!b)
		return;

	b->vb.sequence = sequence;
	b->vb.field = V4L2_FIELD_NONE;
	ret = bpgrab_dma_write(g, b);
	b->vb.vb2_buf.timestamp = ktime_get_ns();
	vb2_buffer_done(&b->vb.vb2_buf,
			ret ? VB2_BUF_STATE_ERROR : VB2_BUF_STATE_DONE);
}

/*
 * Frame slots follow the clock: if writing a frame overran one or more
 * slots, those are counted as dropped, like a sensor that does not wait.
 * A new frame rate (S_PARM) applies from the next slot on.
 */
static int bpgrab_dma_thread(void *data)
{
	struct bpgrab_dev *g = data;
	u64 interval = div_u64(NSEC_PER_SEC, READ_ONCE(g->fps));
	ktime_t next = ktime_add_ns(ktime_get(), interval);
	u32 missed = 0;

	while (!kthread_should_stop()) {
		interval = div_u64(NSEC_PER_SEC, READ_ONCE(g->fps));
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop()) {
			__set_current_state(TASK_RUNNING);
			break;
		}
		schedule_hrtimeout_range(&next, div_u64(interval, 100),
					 HRTIMER_MODE_ABS);
		if (kthread_should_stop())
			break;
		bpgrab_dma_frame(g, missed);
		next = ktime_add_ns(next, interval);
		missed = 0;
		while (ktime_after(ktime_get(), ktime_add_ns(next, interval))) {
			next = ktime_add_ns(next, interval);
			missed++;
		}
	}
	return 0;
}

/**
 * bpgrab_dma_start() - start capturing at the configured frame rate
 * @g: the grabber; called with @g->lock held
 *
 * Return: 0 or a negative errno.
 */
int bpgrab_dma_start(struct bpgrab_dev *g)
{
	struct task_struct *t;

	g->background = vmalloc(g->fmt.sizeimage);
	if (!g->background)
		return -ENOMEM;
	bpgrab_pattern_background(g->background, g->fmt.width, g->fmt.height,
				  g->fmt.pixelformat);
	t = kthread_run(bpgrab_dma_thread, g, "%s-dma", g->name);
	if (IS_ERR(t)) {
		vfree(g->background);
		g->background = NULL;
		return PTR_ERR(t);
	}
	g->engine = t;
	return 0;
}

/**
 * bpgrab_dma_stop() - stop capturing; returns once no buffer is written
 * @g: the grabber; called with @g->lock held
 */
void bpgrab_dma_stop(struct bpgrab_dev *g)
{
	if (!g->engine)
		return;
	kthread_stop(g->engine);
	g->engine = NULL;
	vfree(g->background);
	g->background = NULL;
	dev_dbg(g->dev, "stopped after %u frame slots, %llu dropped\n",
		g->sequence, g->dropped);
}
