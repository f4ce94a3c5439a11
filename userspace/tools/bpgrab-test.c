// SPDX-License-Identifier: GPL-2.0
/*
 * In-guest TAP tests of the bpgrab V4L2 device beyond v4l2-compliance:
 * its formats, where its buffers come from and its errors (REQBUFS and
 * S_FMT while busy, DMABUF import of non-contiguous and short buffers).
 * "bpgrab-test unbind" instead unbinds the driver under an open file, idle
 * and streaming with DQBUF and poll() blocked, and binds it again
 * (tests/guest/grabber-unbind.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-heap.h>
#include <linux/videodev2.h>
#include "bigphys.h"
#define TAP_PREFIX "bpgrab"
#include "tap.h"

#define DRV "/sys/bus/platform/drivers/bpgrab/"
#define PDEV "bpgrab.0"
#define CAP V4L2_BUF_TYPE_VIDEO_CAPTURE

static char devpath[64];

static int xio(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

/* Open the bpgrab video node (found by driver name), or bail out. */
static int grab_open(int flags)
{
	struct v4l2_capability cap;
	int fd, i;

	for (i = 0; !devpath[0] && i < 64; i++) {
		char p[64];

		snprintf(p, sizeof(p), "/dev/video%d", i);
		fd = open(p, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (!ioctl(fd, VIDIOC_QUERYCAP, &cap) && !strcmp((char *)cap.driver, "bpgrab"))
			strcpy(devpath, p);
		close(fd);
	}
	fd = devpath[0] ? open(devpath, O_RDWR | O_CLOEXEC | flags) : -1;
	if (fd < 0) {
		printf("Bail out! no bpgrab video device\n");
		exit(1);
	}
	return fd;
}

static int s_fmt(int fd, uint32_t w, uint32_t h, uint32_t pf, struct v4l2_format *f)
{
	memset(f, 0, sizeof(*f));
	f->type = CAP;
	f->fmt.pix.width = w;
	f->fmt.pix.height = h;
	f->fmt.pix.pixelformat = pf;
	return xio(fd, VIDIOC_S_FMT, f);
}

static int reqbufs(int fd, uint32_t count, uint32_t memory)
{
	struct v4l2_requestbuffers rb = { .count = count, .type = CAP, .memory = memory };
	int ret = xio(fd, VIDIOC_REQBUFS, &rb);

	return ret ? ret : (int)rb.count;
}

static int qbuf_dmabuf(int fd, uint32_t index, int dmabuf, uint32_t length)
{
	struct v4l2_buffer b = {
		.index = index, .type = CAP, .memory = V4L2_MEMORY_DMABUF,
		.length = length,
	};

	b.m.fd = dmabuf;
	return xio(fd, VIDIOC_QBUF, &b);
}

static int stream(int fd, int on)
{
	int type = CAP;

	return xio(fd, on ? VIDIOC_STREAMON : VIDIOC_STREAMOFF, &type);
}

/* A dma-buf of @size from the heap @name, or -errno. */
static int heap_alloc(const char *name, uint64_t size)
{
	struct dma_heap_allocation_data d = {
		.len = size, .fd_flags = O_RDWR | O_CLOEXEC,
	};
	char path[64];
	int heap, ret;

	snprintf(path, sizeof(path), "/dev/dma_heap/%s", name);
	heap = open(path, O_RDONLY | O_CLOEXEC);
	if (heap < 0)
		return -errno;
	ret = xio(heap, DMA_HEAP_IOCTL_ALLOC, &d);
	close(heap);
	return ret ? ret : (int)d.fd;
}


/* The fastest rate the driver offers: module parameter max_fps (60). */
static unsigned int max_fps(void)
{
	unsigned int v = 60;
	FILE *f = fopen("/sys/module/bpgrab/parameters/max_fps", "r");

	if (f) {
		if (fscanf(f, "%u", &v) != 1)
			v = 60;
		fclose(f);
	}
	return v;
}
static void test_formats(void)
{
	static const uint32_t fmts[] = { V4L2_PIX_FMT_YUYV, V4L2_PIX_FMT_GREY, V4L2_PIX_FMT_RGB24 };
	struct v4l2_fmtdesc d = { .type = CAP };
	struct v4l2_streamparm parm = { .type = CAP };
	struct v4l2_format f;
	unsigned int n = 0;
	int fd = grab_open(0);

	for (d.index = 0; !xio(fd, VIDIOC_ENUM_FMT, &d); d.index++)
		n += d.index < 3 && d.pixelformat == fmts[d.index];
	ok(n == 3 && d.index == 3, "ENUM_FMT: YUYV, GREY, RGB24");
	ok(!s_fmt(fd, 640, 480, V4L2_PIX_FMT_RGB24, &f) && f.fmt.pix.bytesperline == 1920 &&
	   f.fmt.pix.sizeimage == 1920 * 480, "S_FMT 640x480 RGB24: 1920 bytes a line");
	ok(!s_fmt(fd, 640, 480, v4l2_fourcc('X', 'X', 'X', 'X'), &f) &&
	   f.fmt.pix.pixelformat == V4L2_PIX_FMT_YUYV,
	   "S_FMT of an unsupported format gives YUYV (V4L2 adjusts, no error)");
	ok(!s_fmt(fd, 641, 9999, V4L2_PIX_FMT_GREY, &f) && f.fmt.pix.width == 640 &&
	   f.fmt.pix.height == 4096, "S_FMT 641x9999 gives 640x4096");
	ok(!s_fmt(fd, 2, 2, V4L2_PIX_FMT_GREY, &f) && f.fmt.pix.width == 16 &&
	   f.fmt.pix.height == 16, "S_FMT 2x2 gives 16x16");
	parm.parm.capture.timeperframe = (struct v4l2_fract){ 1, 25 };
	ok(!xio(fd, VIDIOC_S_PARM, &parm) && parm.parm.capture.timeperframe.denominator == 25 &&
	   parm.parm.capture.timeperframe.numerator == 1, "S_PARM 25 fps");
	parm.parm.capture.timeperframe = (struct v4l2_fract){ 1, 5000 };
	ok(!xio(fd, VIDIOC_S_PARM, &parm) &&
	   parm.parm.capture.timeperframe.denominator == max_fps(),
	   "S_PARM 5000 fps gives the module's max_fps");
	parm.parm.capture.timeperframe = (struct v4l2_fract){ 1, UINT32_MAX };
	ok(!xio(fd, VIDIOC_S_PARM, &parm) &&
	   parm.parm.capture.timeperframe.denominator == max_fps(),
	   "S_PARM 1/UINT32_MAX s gives max_fps too (no u32 wrap)");
	close(fd);
}

/* MMAP buffers, REQBUFS and S_FMT while busy, the sequence and timestamps. */
static void test_mmap(void)
{
	struct bigphys *bp = NULL;
	struct bigphys_info before = { 0 }, during = { 0 };
	struct v4l2_buffer b = { .type = CAP, .memory = V4L2_MEMORY_MMAP };
	struct v4l2_format f;
	int fd = grab_open(0), n, i, ret;
	uint64_t ts[2] = { 0 };

	struct v4l2_streamparm parm = { .type = CAP };

	bigphys_open(NULL, 0, &bp);
	if (bp)
		bigphys_info(bp, &before);
	s_fmt(fd, 640, 480, V4L2_PIX_FMT_YUYV, &f);
	parm.parm.capture.timeperframe = (struct v4l2_fract){ 1, 30 };
	xio(fd, VIDIOC_S_PARM, &parm);
	n = reqbufs(fd, 4, V4L2_MEMORY_MMAP);
	ok(n == 4, "REQBUFS MMAP 4 (got %d)", n);
	if (bp)
		bigphys_info(bp, &during);
	ok(before.free - during.free >= 4 * 614400ULL,
	   "the MMAP buffers come from the area (%llu bytes taken)",
	   (unsigned long long)(before.free - during.free));
	ok(s_fmt(fd, 320, 240, V4L2_PIX_FMT_YUYV, &f) == -EBUSY, "S_FMT with buffers: EBUSY");
	for (i = 0; i < 4; i++) {
		b.index = i;
		xio(fd, VIDIOC_QBUF, &b);
	}
	b.index = 4;
	ok(xio(fd, VIDIOC_QBUF, &b) == -EINVAL, "QBUF of index 4 of 4: EINVAL");
	ok(!stream(fd, 1), "STREAMON");
	ok(reqbufs(fd, 2, V4L2_MEMORY_MMAP) == -EBUSY, "REQBUFS while streaming: EBUSY");
	ok(reqbufs(fd, 0, V4L2_MEMORY_MMAP) == -EBUSY, "REQBUFS 0 while streaming: EBUSY");
	for (i = 0; i < 2; i++) {
		memset(&b, 0, sizeof(b));
		b.type = CAP;
		b.memory = V4L2_MEMORY_MMAP;
		ret = xio(fd, VIDIOC_DQBUF, &b);
		ts[i] = b.timestamp.tv_sec * 1000000ULL + b.timestamp.tv_usec;
		ok(!ret && b.sequence == (uint32_t)i && b.bytesused == 614400 &&
		   (b.flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) == V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC,
		   "DQBUF %d: sequence %u, 614400 bytes, monotonic timestamp", i, b.sequence);
	}
	ok(ts[1] > ts[0], "timestamps increase (%llu us apart)", (unsigned long long)(ts[1] - ts[0]));
	/* S_PARM while streaming: the engine follows, and G_PARM tells the truth. */
	parm.parm.capture.timeperframe = (struct v4l2_fract){ 1, 10 };
	ok(!xio(fd, VIDIOC_S_PARM, &parm) && parm.parm.capture.timeperframe.denominator == 10,
	   "S_PARM 10 fps while streaming");
	memset(&parm, 0, sizeof(parm));
	parm.type = CAP;
	ok(!xio(fd, VIDIOC_G_PARM, &parm) && parm.parm.capture.timeperframe.denominator == 10,
	   "G_PARM while streaming: 10 fps");
	/* The 2 still queued may be written at the old rate: requeue them after. */
	for (i = 0; i < 4; i++) {
		memset(&b, 0, sizeof(b));
		b.type = CAP;
		b.memory = V4L2_MEMORY_MMAP;
		xio(fd, VIDIOC_DQBUF, &b);
		if (i < 2)
			xio(fd, VIDIOC_QBUF, &b);
		else
			ts[i - 2] = b.timestamp.tv_sec * 1000000ULL + b.timestamp.tv_usec;
	}
	ok(ts[1] - ts[0] >= 80000, "frames then come 100 ms apart, not 33 (%llu us)",
	   (unsigned long long)(ts[1] - ts[0]));
	ok(!stream(fd, 0), "STREAMOFF");
	ok(!reqbufs(fd, 0, V4L2_MEMORY_MMAP), "REQBUFS 0 after STREAMOFF");
	if (bp)
		bigphys_info(bp, &during);
	ok(during.free == before.free, "the area has its bytes back");
	close(fd);
	bigphys_close(bp);
}

/* DMABUF import: area buffers work, others are refused clearly. */
static void test_dmabuf(void)
{
	struct v4l2_buffer b = { .type = CAP, .memory = V4L2_MEMORY_DMABUF };
	struct v4l2_format f;
	int fd = grab_open(0), area, sys, small, big, ret, i;

	s_fmt(fd, 640, 480, V4L2_PIX_FMT_YUYV, &f);
	ok(reqbufs(fd, 2, V4L2_MEMORY_DMABUF) == 4, "REQBUFS DMABUF 2 gives the minimum, 4");
	area = heap_alloc("bigphys", 614400);
	ok(area >= 0, "a buffer from /dev/dma_heap/bigphys (%d)", area);
	ok(!qbuf_dmabuf(fd, 0, area, 614400), "QBUF of a bigphys heap buffer");
	ok(!stream(fd, 1), "STREAMON");
	ret = xio(fd, VIDIOC_DQBUF, &b);
	ok(!ret && b.index == 0 && b.bytesused == 614400, "DQBUF: the frame was written into it");
	stream(fd, 0);
	/* A system heap buffer of 1 MiB + 4 KiB: two chunks, not contiguous. */
	sys = heap_alloc("system", (1 << 20) + 4096);
	if (sys < 0) {
		skip("DMABUF from the system heap", "no /dev/dma_heap/system");
	} else {
		ret = qbuf_dmabuf(fd, 1, sys, (1 << 20) + 4096);
		ok(ret == -EINVAL, "QBUF of a non-contiguous system heap buffer: EINVAL (%s)",
		   strerror(-ret));
		close(sys);
	}
	small = heap_alloc("bigphys", 4096);
	ret = qbuf_dmabuf(fd, 1, small, 4096);
	ok(ret == -EINVAL || ret == -EFAULT, "QBUF of a 4 KiB buffer for 614400-byte frames fails (%s)",
	   strerror(-ret));
	ok(!qbuf_dmabuf(fd, 1, area, 614400), "the same slot takes a good buffer after that");
	/* Longer than the dma-buf: refused, and no reference is left behind
	 * (grabber.t checks the area is all free after this program). */
	big = heap_alloc("bigphys", 614400);
	for (i = 0; i < 3; i++)
		ret = qbuf_dmabuf(fd, 2, big, 1 << 20);
	ok(ret == -EINVAL, "QBUF with a length beyond the dma-buf's size: EINVAL (%s)",
	   strerror(-ret));
	close(big);
	close(small);
	close(area);
	reqbufs(fd, 0, V4L2_MEMORY_DMABUF);
	close(fd);
}

/* EXPBUF hands out a read-write dma-buf: only to a file that may write. */
static void test_expbuf_access(void)
{
	struct v4l2_exportbuffer eb = { .type = CAP, .index = 0, .flags = O_RDWR };
	struct v4l2_format f;
	int fd = grab_open(0), ro, ret;

	s_fmt(fd, 320, 240, V4L2_PIX_FMT_YUYV, &f);
	ok(reqbufs(fd, 4, V4L2_MEMORY_MMAP) == 4, "REQBUFS MMAP 4 for EXPBUF");
	ret = xio(fd, VIDIOC_EXPBUF, &eb);
	ok(!ret && eb.fd >= 0, "EXPBUF from a read-write file (%s)", strerror(-ret));
	if (!ret)
		close(eb.fd);
	ro = open(devpath, O_RDONLY | O_CLOEXEC);
	eb.fd = -1;
	ret = xio(ro, VIDIOC_EXPBUF, &eb);
	ok(ret == -EACCES, "EXPBUF from a read-only file: EACCES (%s)", strerror(-ret));
	close(ro);
	reqbufs(fd, 0, V4L2_MEMORY_MMAP);
	close(fd);
}

/* --- unbind: blocked DQBUF and poll() wake, every later ioctl fails. --- */

static int sysfs_write(const char *file, const char *val)
{
	int fd = open(file, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

struct waiter {
	int fd, poll, ret;
	short revents;
};

static void *waiter_fn(void *arg)
{
	struct waiter *w = arg;
	struct v4l2_buffer b = { .type = CAP, .memory = V4L2_MEMORY_MMAP };

	if (w->poll) {
		struct pollfd p = { .fd = w->fd, .events = POLLIN };

		w->ret = poll(&p, 1, 10000);
		w->revents = p.revents;
	} else {
		w->ret = xio(w->fd, VIDIOC_DQBUF, &b);
	}
	return NULL;
}

static void test_unbind(void)
{
	struct v4l2_format f;
	struct waiter w[2];
	pthread_t t[2];
	void *map;
	int fd, i, ret;

	/* Idle: the open file sees ENODEV, close works. */
	fd = grab_open(0);
	ok(!sysfs_write(DRV "unbind", PDEV), "unbind while open and idle");
	ok(s_fmt(fd, 640, 480, V4L2_PIX_FMT_YUYV, &f) == -ENODEV, "S_FMT after unbind: ENODEV");
	ok(!close(fd), "close after unbind");
	ok(!sysfs_write(DRV "bind", PDEV), "bind again");
	usleep(200000);

	/* Streaming with no buffer queued: DQBUF and poll() block, then wake. */
	devpath[0] = 0;
	fd = grab_open(0);
	s_fmt(fd, 320, 240, V4L2_PIX_FMT_YUYV, &f);
	ok(reqbufs(fd, 2, V4L2_MEMORY_MMAP) == 4, "REQBUFS 2 gives the minimum, 4");
	map = mmap(NULL, f.fmt.pix.sizeimage, PROT_READ, MAP_SHARED, fd, 0);
	ok(map != MAP_FAILED, "mmap buffer 0");
	ok(!stream(fd, 1), "STREAMON with no buffer queued");
	for (i = 0; i < 2; i++) {
		w[i] = (struct waiter){ .fd = fd, .poll = i };
		pthread_create(&t[i], NULL, waiter_fn, &w[i]);
	}
	usleep(300000);
	ok(!sysfs_write(DRV "unbind", PDEV), "unbind while streaming, DQBUF and poll() blocked");
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	ok(w[0].ret == -EIO || w[0].ret == -ENODEV, "the blocked DQBUF wakes with an error (%s)",
	   strerror(-w[0].ret));
	ok(w[1].ret == 1 && (w[1].revents & (POLLERR | POLLHUP)),
	   "the blocked poll() wakes with POLLERR/POLLHUP (revents %#x)", w[1].revents);
	ret = stream(fd, 0);
	ok(ret == -ENODEV, "STREAMOFF after unbind: ENODEV (%s)", strerror(-ret));
	if (map != MAP_FAILED)
		ok(((volatile uint8_t *)map)[0] == ((volatile uint8_t *)map)[0],
		   "the mapping is still readable");
	ok(!close(fd), "close");
	if (map != MAP_FAILED)
		munmap(map, f.fmt.pix.sizeimage);
	ok(!sysfs_write(DRV "bind", PDEV), "bind again");
	usleep(200000);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "unbind")) {
		test_unbind();
		return tap_failed != 0;
	}
	test_formats();
	test_mmap();
	test_dmabuf();
	test_expbuf_access();
	return tap_failed != 0;
}
