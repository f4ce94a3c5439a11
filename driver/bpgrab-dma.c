// SPDX-License-Identifier: GPL-2.0
/* bpgrab: the simulated capture DMA engine, one frame per timer tick. */

#include <linux/crc32.h>
#include <linux/dma-direct.h>
#include <linux/hrtimer.h>
#include <linux/io.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>
#include <kunit/visibility.h>

#include "bpgrab.h"
#include "bpgrab-pattern.h"

/**
 * bpgrab_checksum() - CRC-32 of a frame, as zlib's crc32() computes it
 * @data: frame data
 * @len: bytes
 *
 * Return: the checksum reported in struct bpgrab_buffer.
 */
u32 bpgrab_checksum(const void *data, size_t len)
{
	return ~crc32_le(~0U, data, len);
}
EXPORT_SYMBOL_IF_KUNIT(bpgrab_checksum);

/*
 * Write one frame the way the hardware would: to the bus address the
 * buffer was programmed with, not through any CPU mapping the driver or
 * the application holds.
 */
static void bpgrab_dma_write(struct bpgrab_dev *g, struct bpgrab_buf *b,
			     u64 sequence)
{
	u32 size = g->fmt.sizeimage;
	void *frame;

	frame = memremap(dma_to_phys(g->dev, b->dma), size, MEMREMAP_WB);
	if (!frame) {
		dev_err_ratelimited(g->dev, "cannot reach buffer at %pad\n", &b->dma);
		b->result.bytesused = 0;
		b->result.checksum = 0;
		return;
	}
	bpgrab_pattern_fill(frame, g->fmt.width, g->fmt.height,
			    g->fmt.pixelformat, sequence);
	b->result.bytesused = size;
	b->result.checksum = bpgrab_checksum(frame, size);
	memunmap(frame);
}

/* One frame slot: fill the oldest queued buffer, or count a drop. */
static void bpgrab_dma_frame(struct bpgrab_dev *g, u64 missed)
{
	struct bpgrab_buf *b;
	u64 sequence;

	spin_lock_irq(&g->qlock);
	g->sequence += missed;
	g->stats.frames_dropped += missed;
	sequence = g->sequence++;
	g->stats.last_sequence = sequence;
	b = list_first_entry_or_null(&g->queued, struct bpgrab_buf, list);
	if (b) {
		list_del(&b->list);
		b->owner = BPGRAB_FILLING;
	} else {
		g->stats.frames_dropped++;
	}
	spin_unlock_irq(&g->qlock);
	if (!b)
		return;

	bpgrab_dma_write(g, b, sequence);

	spin_lock_irq(&g->qlock);
	b->result.sequence = sequence;
	b->result.timestamp_ns = ktime_get_ns();
	b->result.flags = BPGRAB_BUF_DONE;
	b->owner = BPGRAB_DONE;
	list_add_tail(&b->list, &g->done);
	g->stats.frames_captured++;
	spin_unlock_irq(&g->qlock);
	wake_up_interruptible(&g->wq);
}

/*
 * Frame slots follow the clock: if writing a frame overran one or more
 * slots, those are counted as dropped, like a sensor that does not wait.
 */
static int bpgrab_dma_thread(void *data)
{
	struct bpgrab_dev *g = data;
	u64 interval = div_u64(NSEC_PER_SEC, g->fmt.fps);
	ktime_t next = ktime_add_ns(ktime_get(), interval);
	u64 missed = 0;

	while (!kthread_should_stop()) {
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
 * @g: the grabber, with buffers allocated; called with @g->lock held
 *
 * Return: 0 or a negative errno.
 */
int bpgrab_dma_start(struct bpgrab_dev *g)
{
	struct task_struct *t;

	t = kthread_run(bpgrab_dma_thread, g, "%s-dma", g->name);
	if (IS_ERR(t))
		return PTR_ERR(t);
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
}
