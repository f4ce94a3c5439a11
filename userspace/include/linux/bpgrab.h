/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * bpgrab: a simulated frame grabber that captures into the bigphysarea
 *
 * /dev/bpgrabN is the control interface. The frame buffers are carved out
 * of the boot-time area by the driver; the application reaches them by
 * mapping the whole area through /dev/bigphys (offset 0) and adding each
 * buffer's area offset, the classic bigphysarea frame grabber model:
 *
 *	ioctl(grab, BPGRAB_IOC_S_FMT, &fmt);		// 640x480 YUYV 30 fps
 *	ioctl(grab, BPGRAB_IOC_REQBUFS, &rb);		// 4 buffers
 *	area = mmap(NULL, total, PROT_READ, MAP_SHARED, bigphys_fd, 0);
 *	for (i = 0; i < rb.count; i++)
 *		ioctl(grab, BPGRAB_IOC_QBUF, &(struct bpgrab_buffer){ .index = i });
 *	ioctl(grab, BPGRAB_IOC_STREAMON);
 *	for (;;) {
 *		ioctl(grab, BPGRAB_IOC_DQBUF, &b);	// blocks; poll() works
 *		use(area + rb.buffers[b.index].area_offset, b.bytesused);
 *		ioctl(grab, BPGRAB_IOC_QBUF, &b);
 *	}
 *
 * Only one file may have the device open. Reserved fields must be zero;
 * structs are versioned by their size, which the ioctl number encodes.
 * If the driver is unbound while the device is open, capture stops, the
 * buffers are freed, every ioctl fails with ENODEV and poll() reports
 * POLLERR | POLLHUP: close the file.
 */
#ifndef _UAPI_LINUX_BPGRAB_H
#define _UAPI_LINUX_BPGRAB_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define BPGRAB_FOURCC(a, b, c, d) \
	((__u32)(a) | ((__u32)(b) << 8) | ((__u32)(c) << 16) | ((__u32)(d) << 24))
/* Same codes as V4L2_PIX_FMT_*. */
#define BPGRAB_PIX_YUYV		BPGRAB_FOURCC('Y', 'U', 'Y', 'V')	/* 4:2:2, Y0 U Y1 V */
#define BPGRAB_PIX_GREY		BPGRAB_FOURCC('G', 'R', 'E', 'Y')	/* 8-bit luma */
#define BPGRAB_PIX_RGB24	BPGRAB_FOURCC('R', 'G', 'B', '3')	/* R G B */

#define BPGRAB_MIN_WIDTH	16
#define BPGRAB_MAX_WIDTH	4096
#define BPGRAB_MIN_HEIGHT	16
#define BPGRAB_MAX_HEIGHT	4096
#define BPGRAB_MAX_FPS		1000
#define BPGRAB_MAX_BUFFERS	32

/**
 * struct bpgrab_format - BPGRAB_IOC_S_FMT / BPGRAB_IOC_G_FMT
 * @width: in: pixels, even, BPGRAB_MIN_WIDTH..BPGRAB_MAX_WIDTH
 * @height: in: lines, BPGRAB_MIN_HEIGHT..BPGRAB_MAX_HEIGHT
 * @pixelformat: in: BPGRAB_PIX_*
 * @fps: in: frames per second, 1..BPGRAB_MAX_FPS; 0 keeps the current rate
 *	(the module parameter "fps" sets the default)
 * @bytesperline: out: bytes per line
 * @sizeimage: out: bytes per frame
 * @reserved: must be zero
 */
struct bpgrab_format {
	__u32 width;
	__u32 height;
	__u32 pixelformat;
	__u32 fps;
	__u32 bytesperline;
	__u32 sizeimage;
	__u32 reserved[4];
};

/**
 * struct bpgrab_buffer_info - where one frame buffer lives
 * @area_offset: offset of the buffer from the start of the bigphysarea,
 *	i.e. in a mapping of /dev/bigphys at offset 0
 * @size: size of the buffer in bytes (sizeimage rounded up to pages)
 */
struct bpgrab_buffer_info {
	__u64 area_offset;
	__u64 size;
};

/**
 * struct bpgrab_reqbufs - BPGRAB_IOC_REQBUFS: allocate or free frame buffers
 * @count: in: number of buffers, 0 to free them; 2..BPGRAB_MAX_BUFFERS
 *	otherwise. Buffers start owned by the application: queue them.
 * @reserved: must be zero
 * @buffers: out: location of each buffer
 */
struct bpgrab_reqbufs {
	__u32 count;
	__u32 reserved;
	struct bpgrab_buffer_info buffers[BPGRAB_MAX_BUFFERS];
};

/* struct bpgrab_buffer.flags */
#define BPGRAB_BUF_DONE		(1U << 0)	/* holds a captured frame */

/**
 * struct bpgrab_buffer - BPGRAB_IOC_QBUF (in: index) / BPGRAB_IOC_DQBUF (out)
 * @index: buffer index
 * @flags: BPGRAB_BUF_*
 * @sequence: frame number since STREAMON, counting dropped frames too, so
 *	a gap in the sequence is a dropped frame
 * @timestamp_ns: CLOCK_MONOTONIC time the frame was completed
 * @bytesused: bytes of frame data
 * @checksum: CRC-32 (as zlib's crc32()) of the frame data
 * @reserved: must be zero (QBUF)
 */
struct bpgrab_buffer {
	__u32 index;
	__u32 flags;
	__u64 sequence;
	__u64 timestamp_ns;
	__u32 bytesused;
	__u32 checksum;
	__u32 reserved[4];
};

/**
 * struct bpgrab_stats - BPGRAB_IOC_G_STATS
 * @frames_captured: frames written into buffers since the device was opened
 * @frames_dropped: frame slots with no queued buffer
 * @last_sequence: sequence number of the last frame slot
 * @streaming: 1 while streaming
 * @queued: buffers queued to the driver
 * @done: buffers filled and waiting for DQBUF
 * @reserved: zero
 */
struct bpgrab_stats {
	__u64 frames_captured;
	__u64 frames_dropped;
	__u64 last_sequence;
	__u32 streaming;
	__u32 queued;
	__u32 done;
	__u32 reserved[5];
};

#define BPGRAB_IOC_MAGIC	0xB9
#define BPGRAB_IOC_S_FMT	_IOWR(BPGRAB_IOC_MAGIC, 0x10, struct bpgrab_format)
#define BPGRAB_IOC_G_FMT	_IOR(BPGRAB_IOC_MAGIC, 0x11, struct bpgrab_format)
#define BPGRAB_IOC_REQBUFS	_IOWR(BPGRAB_IOC_MAGIC, 0x12, struct bpgrab_reqbufs)
#define BPGRAB_IOC_QBUF		_IOW(BPGRAB_IOC_MAGIC, 0x13, struct bpgrab_buffer)
#define BPGRAB_IOC_DQBUF	_IOR(BPGRAB_IOC_MAGIC, 0x14, struct bpgrab_buffer)
#define BPGRAB_IOC_STREAMON	_IO(BPGRAB_IOC_MAGIC, 0x15)
#define BPGRAB_IOC_STREAMOFF	_IO(BPGRAB_IOC_MAGIC, 0x16)
#define BPGRAB_IOC_G_STATS	_IOR(BPGRAB_IOC_MAGIC, 0x17, struct bpgrab_stats)

#endif /* _UAPI_LINUX_BPGRAB_H */
