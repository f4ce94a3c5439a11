/* SPDX-License-Identifier: GPL-2.0 */
/* bpgrab: internal interface between the control device and the DMA engine. */
#ifndef _BPGRAB_H
#define _BPGRAB_H

#include <linux/bigphysarea.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <uapi/linux/bpgrab.h>

struct device;
struct task_struct;

/* Who owns a buffer. Only BPGRAB_QUEUED buffers are ever written. */
enum bpgrab_owner {
	BPGRAB_APP,		/* the application (after REQBUFS or DQBUF) */
	BPGRAB_QUEUED,		/* waiting for a frame */
	BPGRAB_FILLING,		/* the DMA engine is writing it */
	BPGRAB_DONE,		/* filled, waiting for DQBUF */
};

/**
 * struct bpgrab_buf - one frame buffer
 * @mem: the memory, from the bigphysarea
 * @dma: its bus address, what the device is programmed with
 * @list: entry in &bpgrab_dev.queued or &bpgrab_dev.done
 * @owner: see enum bpgrab_owner
 * @result: what DQBUF reports for the frame it holds
 */
struct bpgrab_buf {
	struct bigphys_buf mem;
	dma_addr_t dma;
	struct list_head list;
	enum bpgrab_owner owner;
	struct bpgrab_buffer result;
};

/**
 * struct bpgrab_dev - one simulated frame grabber
 * @ref: the bound driver holds one reference and the open file another;
 *	the last put frees the structure, so an open file outlives unbind
 * @dev: the platform device, referenced for as long as @ref
 * @misc: /dev/bpgrabN, registered while the driver is bound
 * @lock: serialises open/release, the control ioctls and remove(); protects
 *	@fmt, @bufs, @nbufs, @is_open and @engine
 * @qlock: protects @queued, @done, every buffer's @owner and @result,
 *	@streaming, @sequence and @stats; taken by the DMA engine
 * @wq: DQBUF and poll() wait here for filled buffers
 * @dead: remove() ran: the engine is stopped, the buffers are freed and
 *	every operation but close fails with -ENODEV. Written with both
 *	@lock and @qlock held, so either is enough to read it.
 * @is_open: the device is open (one file at a time)
 * @streaming: the DMA engine runs
 * @fmt: current format
 * @bufs: the frame buffers
 * @nbufs: number of @bufs allocated
 * @queued: buffers waiting for a frame, oldest first
 * @done: filled buffers, oldest first
 * @engine: the DMA engine's thread while streaming
 * @sequence: next frame slot number
 * @stats: counters for G_STATS
 * @name: device node name
 */
struct bpgrab_dev {
	struct kref ref;
	struct device *dev;
	struct miscdevice misc;
	struct mutex lock;		/* see the kernel-doc above */
	spinlock_t qlock;		/* see the kernel-doc above */
	wait_queue_head_t wq;
	bool dead;
	bool is_open;
	bool streaming;
	struct bpgrab_format fmt;
	struct bpgrab_buf bufs[BPGRAB_MAX_BUFFERS];
	unsigned int nbufs;
	struct list_head queued;
	struct list_head done;
	struct task_struct *engine;
	u64 sequence;
	struct bpgrab_stats stats;
	char name[16];
};

int bpgrab_dma_start(struct bpgrab_dev *g);
void bpgrab_dma_stop(struct bpgrab_dev *g);
u32 bpgrab_checksum(const void *data, size_t len);

#endif /* _BPGRAB_H */
