/* SPDX-License-Identifier: GPL-2.0 */
/* bpgrab: what the V4L2 core, the vb2 queue and the DMA engine share. */
#ifndef _BPGRAB_H
#define _BPGRAB_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/videodev2.h>
#include <media/v4l2-device.h>
#include <media/v4l2-dev.h>
#include <media/videobuf2-v4l2.h>

struct device;
struct task_struct;

#define BPGRAB_MIN_WIDTH	16
#define BPGRAB_MAX_WIDTH	4096
#define BPGRAB_MIN_HEIGHT	16
#define BPGRAB_MAX_HEIGHT	4096
#define BPGRAB_MAX_FPS		1000

/**
 * struct bpgrab_buffer - one frame buffer
 * @vb: the vb2 buffer; its plane memory comes from bpgrab_mem_ops
 * @list: entry in &bpgrab_dev.queued while it waits for a frame
 */
struct bpgrab_buffer {
	struct vb2_v4l2_buffer vb;
	struct list_head list;
};

/**
 * struct bpgrab_dev - one simulated frame grabber
 * @v4l2_dev: the V4L2 device; its release frees this structure once the
 *	driver is unbound and the last file is closed
 * @vdev: /dev/videoN, registered while the driver is bound
 * @queue: the capture queue
 * @dev: the platform device, referenced for as long as this structure
 * @lock: serialises every ioctl, open, release and remove(); protects
 *	@fmt, @fps, @engine and @background; the engine reads @fps
 *	locklessly (READ_ONCE()), at every frame slot
 * @qlock: protects @queued, @sequence and @dropped; taken by the engine
 * @queued: buffers waiting for a frame, oldest first
 * @engine: the DMA engine's thread while streaming
 * @background: the part of the test pattern that every frame shares,
 *	computed at STREAMON
 * @fmt: current format
 * @fps: frame rate; a change takes effect at the next frame slot
 * @max_fps: fastest frame rate offered; set at probe
 * @sequence: next frame slot number
 * @dropped: frame slots without a queued buffer since STREAMON
 * @name: the engine thread's name prefix
 */
struct bpgrab_dev {
	struct v4l2_device v4l2_dev;
	struct video_device vdev;
	struct vb2_queue queue;
	struct device *dev;
	struct mutex lock;		/* see the kernel-doc above */
	spinlock_t qlock;		/* see the kernel-doc above */
	struct list_head queued;
	struct task_struct *engine;
	void *background;
	struct v4l2_pix_format fmt;
	unsigned int fps;
	unsigned int max_fps;
	u32 sequence;
	u64 dropped;
	char name[16];
};

extern const struct vb2_mem_ops bpgrab_mem_ops;
int bpgrab_mem_begin_write(struct vb2_buffer *vb);
void bpgrab_mem_end_write(struct vb2_buffer *vb);
int bpgrab_vb2_init(struct bpgrab_dev *g);

int bpgrab_dma_start(struct bpgrab_dev *g);
void bpgrab_dma_stop(struct bpgrab_dev *g);

#endif /* _BPGRAB_H */
