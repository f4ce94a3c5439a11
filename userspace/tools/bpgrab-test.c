// SPDX-License-Identifier: GPL-2.0
/*
 * In-guest TAP tests of the bpgrab control interface and its error cases.
 * "bpgrab-test unbind" instead unbinds the driver under an open file, idle
 * and streaming, and binds it again (tests/guest/grabber-unbind.sh).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/bpgrab.h>
#include "bigphys.h"
#define TAP_PREFIX "bpgrab"
#include "tap.h"

#define DEV "/dev/bpgrab0"
#define DRV "/sys/bus/platform/drivers/bpgrab/"
#define PDEV "bpgrab.0"

static int xio(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

static int grab_open(int flags)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC | flags);

	if (fd < 0) {
		printf("Bail out! cannot open %s: %s\n", DEV, strerror(errno));
		exit(1);
	}
	return fd;
}

static int s_fmt(int fd, uint32_t w, uint32_t h, uint32_t pf, uint32_t fps,
		 struct bpgrab_format *f)
{
	*f = (struct bpgrab_format){ .width = w, .height = h, .pixelformat = pf, .fps = fps };
	return xio(fd, BPGRAB_IOC_S_FMT, f);
}

static int reqbufs(int fd, uint32_t count, struct bpgrab_reqbufs *rb)
{
	memset(rb, 0, sizeof(*rb));
	rb->count = count;
	return xio(fd, BPGRAB_IOC_REQBUFS, rb);
}

static int qbuf(int fd, uint32_t index)
{
	struct bpgrab_buffer b = { .index = index };

	return xio(fd, BPGRAB_IOC_QBUF, &b);
}

static uint64_t area_free(void)
{
	struct bigphys_info in = { 0 };
	struct bigphys *bp;

	if (bigphys_open(NULL, 0, &bp))
		return 0;
	bigphys_info(bp, &in);
	bigphys_close(bp);
	return in.free;
}

static void test_format(int fd)
{
	struct bpgrab_format f;

	ok(xio(fd, BPGRAB_IOC_G_FMT, &f) == 0 && f.width == 640 && f.height == 480 &&
	   f.pixelformat == BPGRAB_PIX_YUYV && f.sizeimage == 640 * 480 * 2 && f.fps > 0,
	   "default format 640x480 YUYV");
	ok(s_fmt(fd, 320, 240, BPGRAB_PIX_RGB24, 15, &f) == 0 && f.bytesperline == 960 &&
	   f.sizeimage == 960 * 240 && f.fps == 15, "S_FMT 320x240 RGB24 15 fps");
	ok(s_fmt(fd, 320, 240, BPGRAB_PIX_GREY, 0, &f) == 0 && f.fps == 15 && f.sizeimage == 320 * 240,
	   "S_FMT GREY, fps 0 keeps the rate");
	ok(s_fmt(fd, 321, 240, BPGRAB_PIX_YUYV, 30, &f) == -EINVAL, "odd width: EINVAL");
	ok(s_fmt(fd, 8, 240, BPGRAB_PIX_YUYV, 30, &f) == -EINVAL, "width too small: EINVAL");
	ok(s_fmt(fd, 8192, 240, BPGRAB_PIX_YUYV, 30, &f) == -EINVAL, "width too large: EINVAL");
	ok(s_fmt(fd, 320, 0, BPGRAB_PIX_YUYV, 30, &f) == -EINVAL, "height 0: EINVAL");
	ok(s_fmt(fd, 320, 240, 0x34325241, 30, &f) == -EINVAL, "unknown pixel format: EINVAL");
	ok(s_fmt(fd, 320, 240, BPGRAB_PIX_YUYV, 5000, &f) == -EINVAL, "fps too high: EINVAL");
	f = (struct bpgrab_format){ .width = 320, .height = 240, .pixelformat = BPGRAB_PIX_YUYV };
	f.reserved[2] = 1;
	ok(xio(fd, BPGRAB_IOC_S_FMT, &f) == -EINVAL, "S_FMT reserved set: EINVAL");
	ok(xio(fd, _IO(BPGRAB_IOC_MAGIC, 0x1f), NULL) == -ENOTTY, "unknown ioctl: ENOTTY");
	ok(xio(fd, BPGRAB_IOC_S_FMT, (void *)8) == -EFAULT, "S_FMT bad pointer: EFAULT");
}

static void test_buffers(int fd)
{
	uint64_t free0 = area_free();
	struct bpgrab_reqbufs rb;
	struct bpgrab_format f;
	struct bpgrab_buffer b;

	s_fmt(fd, 320, 240, BPGRAB_PIX_YUYV, 30, &f);
	ok(reqbufs(fd, 1, &rb) == -EINVAL, "REQBUFS 1: EINVAL");
	ok(reqbufs(fd, BPGRAB_MAX_BUFFERS + 1, &rb) == -EINVAL, "REQBUFS 33: EINVAL");
	memset(&rb, 0, sizeof(rb));
	rb.count = 2;
	rb.reserved = 1;
	ok(xio(fd, BPGRAB_IOC_REQBUFS, &rb) == -EINVAL, "REQBUFS reserved set: EINVAL");
	ok(xio(fd, BPGRAB_IOC_STREAMON, NULL) == -EINVAL, "STREAMON without buffers: EINVAL");
	ok(reqbufs(fd, 4, &rb) == 0 && rb.buffers[0].size >= f.sizeimage &&
	   rb.buffers[3].size >= f.sizeimage && rb.buffers[0].area_offset != rb.buffers[1].area_offset,
	   "REQBUFS 4: offsets and sizes");
	ok(area_free() == free0 - 4 * rb.buffers[0].size, "buffers come from the bigphysarea");
	ok(s_fmt(fd, 640, 480, BPGRAB_PIX_YUYV, 30, &f) == -EBUSY, "S_FMT with buffers: EBUSY");
	ok(qbuf(fd, 4) == -EINVAL, "QBUF index out of range: EINVAL");
	ok(qbuf(fd, 0) == 0, "QBUF");
	ok(qbuf(fd, 0) == -EINVAL, "QBUF twice: EINVAL");
	b = (struct bpgrab_buffer){ .index = 1, .reserved = { 1 } };
	ok(xio(fd, BPGRAB_IOC_QBUF, &b) == -EINVAL, "QBUF reserved set: EINVAL");
	ok(xio(fd, BPGRAB_IOC_DQBUF, &b) == -EPIPE, "DQBUF when not streaming: EPIPE");
	ok(reqbufs(fd, 0, &rb) == 0 && area_free() == free0, "REQBUFS 0 frees the buffers");

	/* More than the area holds: fails cleanly, nothing leaks. */
	s_fmt(fd, 4096, 4096, BPGRAB_PIX_RGB24, 30, &f);
	ok(reqbufs(fd, 32, &rb) == -ENOMEM, "REQBUFS beyond the area: ENOMEM");
	ok(area_free() == free0, "failed REQBUFS leaks nothing");
}

static void *dq_blocked(void *arg)
{
	struct bpgrab_buffer b;
	int fd = *(int *)arg;

	*(int *)arg = xio(fd, BPGRAB_IOC_DQBUF, &b);
	return NULL;
}

static void test_streaming(int fd)
{
	struct bpgrab_reqbufs rb;
	struct bpgrab_format f;
	struct bpgrab_buffer b, held;
	struct bpgrab_stats st;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct bigphys_info info;
	struct bigphys *bp;
	uint8_t *area = NULL, *copy;
	pthread_t t;
	int arg, i, errors = 0;

	s_fmt(fd, 160, 120, BPGRAB_PIX_YUYV, 50, &f);
	reqbufs(fd, 3, &rb);
	ok(poll(&pfd, 1, 0) == 1 && pfd.revents & POLLERR, "poll when not streaming: POLLERR");

	/* Nothing queued: every frame is dropped and counted. */
	ok(xio(fd, BPGRAB_IOC_STREAMON, NULL) == 0, "STREAMON");
	ok(xio(fd, BPGRAB_IOC_STREAMON, NULL) == -EBUSY, "STREAMON twice: EBUSY");
	usleep(300000);
	ok(xio(fd, BPGRAB_IOC_G_STATS, &st) == 0 && st.streaming == 1 && st.frames_captured == 0 &&
	   st.frames_dropped >= 5 && st.frames_dropped == st.last_sequence + 1,
	   "no buffer queued: frames dropped and counted (%llu)", (unsigned long long)st.frames_dropped);
	xio(fd, BPGRAB_IOC_STREAMOFF, NULL);

	/* poll and blocking DQBUF deliver frames; sequence advances. */
	for (i = 0; i < 3; i++)
		qbuf(fd, i);
	xio(fd, BPGRAB_IOC_STREAMON, NULL);
	ok(poll(&pfd, 1, 2000) == 1 && pfd.revents & POLLIN, "poll reports a filled buffer");
	ok(xio(fd, BPGRAB_IOC_DQBUF, &held) == 0 && held.flags & BPGRAB_BUF_DONE &&
	   held.bytesused == f.sizeimage && held.timestamp_ns, "DQBUF returns a filled buffer");

	/* The held buffer is never written while the others cycle. */
	if (!bigphys_open(NULL, 0, &bp) && !bigphys_info(bp, &info) &&
	    !bigphys_map_area(bp, info.total, (void **)&area)) {
		copy = malloc(f.sizeimage);
		memcpy(copy, area + rb.buffers[held.index].area_offset, f.sizeimage);
		for (i = 0; i < 10; i++) {
			if (xio(fd, BPGRAB_IOC_DQBUF, &b) || b.index == held.index ||
			    b.sequence <= held.sequence)
				errors++;
			qbuf(fd, b.index);
		}
		ok(errors == 0, "10 frames cycle through the other buffers");
		ok(!memcmp(copy, area + rb.buffers[held.index].area_offset, f.sizeimage),
		   "a buffer the application holds is never written");
		free(copy);
		munmap(area, info.total);
	} else {
		ok(0, "map the area");
	}
	bigphys_close(bp);

	/* Non-blocking DQBUF with nothing ready. */
	{
		int nfd = open(DEV, O_RDWR | O_NONBLOCK);

		ok(nfd < 0 && errno == EBUSY, "second open: EBUSY");
		if (nfd >= 0)
			close(nfd);
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	while (xio(fd, BPGRAB_IOC_DQBUF, &b) == 0)
		qbuf(fd, b.index);
	ok(errno == EAGAIN, "O_NONBLOCK DQBUF with nothing ready: EAGAIN");
	fcntl(fd, F_SETFL, 0);

	/* STREAMOFF wakes a blocked DQBUF and returns all buffers. */
	xio(fd, BPGRAB_IOC_STREAMOFF, NULL);
	reqbufs(fd, 2, &rb);
	qbuf(fd, 0);
	xio(fd, BPGRAB_IOC_STREAMON, NULL);
	ok(xio(fd, BPGRAB_IOC_DQBUF, &b) == 0 && b.index == 0,
	   "the only queued buffer fills; the application holds it");
	arg = fd;
	pthread_create(&t, NULL, dq_blocked, &arg);
	usleep(200000);
	ok(xio(fd, BPGRAB_IOC_STREAMOFF, NULL) == 0, "STREAMOFF");
	pthread_join(t, NULL);
	ok(arg == -EPIPE, "STREAMOFF wakes a blocked DQBUF with EPIPE");
	ok(qbuf(fd, 0) == 0 && qbuf(fd, 1) == 0, "after STREAMOFF all buffers are the application's");
	ok(xio(fd, BPGRAB_IOC_G_STATS, &st) == 0 && !st.streaming && st.queued == 2 && st.done == 0,
	   "stats: not streaming, 2 queued");
	ok(xio(fd, BPGRAB_IOC_STREAMOFF, NULL) == 0 && xio(fd, BPGRAB_IOC_G_STATS, &st) == 0 &&
	   st.queued == 0, "STREAMOFF again is harmless and returns queued buffers");
}

static void test_close_streaming(void)
{
	uint64_t free0 = area_free();
	struct bpgrab_reqbufs rb;
	struct bpgrab_format f;
	int fd = grab_open(0), i;

	s_fmt(fd, 320, 240, BPGRAB_PIX_YUYV, 60, &f);
	reqbufs(fd, 4, &rb);
	for (i = 0; i < 4; i++)
		qbuf(fd, i);
	xio(fd, BPGRAB_IOC_STREAMON, NULL);
	usleep(200000);
	close(fd);
	ok(area_free() == free0, "close while streaming returns every buffer");
	fd = open(DEV, O_RDWR);
	ok(fd >= 0, "device opens again after close");
	close(fd);
}

static int sysfs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int unbind(void)
{
	return sysfs_write(DRV "unbind", PDEV);
}

static int bind(void)
{
	return sysfs_write(DRV "bind", PDEV);
}

/* Is the DMA engine's kernel thread ("bpgrab0-dma") alive? */
static int engine_running(void)
{
	struct dirent *d;
	char path[300], comm[64];
	int found = 0;
	DIR *proc = opendir("/proc");
	FILE *f;

	while (proc && !found && (d = readdir(proc))) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		found = fgets(comm, sizeof(comm), f) && !strcmp(comm, "bpgrab0-dma\n");
		fclose(f);
	}
	if (proc)
		closedir(proc);
	return found;
}

struct waiter {
	pthread_t t;
	int fd, ret;
	short revents;
};

static void *poll_blocked(void *arg)
{
	struct waiter *w = arg;
	struct pollfd pfd = { .fd = w->fd, .events = POLLIN };

	w->ret = poll(&pfd, 1, 10000);
	w->revents = pfd.revents;
	return NULL;
}

static void *dqbuf_blocked(void *arg)
{
	struct waiter *w = arg;
	struct bpgrab_buffer b;

	w->ret = xio(w->fd, BPGRAB_IOC_DQBUF, &b);
	return NULL;
}

/* Join @w within 10 s; a thread still blocked then is a failure, not a hang. */
static int join_waiter(struct waiter *w)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 10;
	return pthread_timedjoin_np(w->t, NULL, &ts) ? -1 : 0;
}

/* Every ioctl of the interface on @fd: how many did not fail with ENODEV. */
static int ioctls_not_enodev(int fd)
{
	static const unsigned long cmds[] = {
		BPGRAB_IOC_S_FMT, BPGRAB_IOC_G_FMT, BPGRAB_IOC_REQBUFS,
		BPGRAB_IOC_QBUF, BPGRAB_IOC_DQBUF, BPGRAB_IOC_STREAMON,
		BPGRAB_IOC_STREAMOFF, BPGRAB_IOC_G_STATS,
	};
	struct bpgrab_reqbufs arg;
	unsigned int i;
	int bad = 0;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		memset(&arg, 0, sizeof(arg));
		arg.count = 2;
		if (xio(fd, cmds[i], &arg) != -ENODEV)
			bad++;
	}
	return bad;
}

static void test_unbind_open(void)
{
	uint64_t free0 = area_free();
	struct pollfd pfd;
	struct bpgrab_reqbufs rb;
	struct bpgrab_format f;
	struct stat st;
	int fd = grab_open(0), fd2, ret;

	s_fmt(fd, 160, 120, BPGRAB_PIX_YUYV, 50, &f);
	ok(reqbufs(fd, 4, &rb) == 0 && area_free() < free0, "open file with 4 buffers");
	ok(unbind() == 0, "unbind while open");
	ok(area_free() == free0, "unbind gives the open file's buffers back to the area");
	ok(stat(DEV, &st) && errno == ENOENT, "%s is gone", DEV);
	ok(ioctls_not_enodev(fd) == 0, "every ioctl on the open file: ENODEV");
	fcntl(fd, F_SETFL, O_NONBLOCK);
	ok(ioctls_not_enodev(fd) == 0, "...also with O_NONBLOCK");
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	ret = poll(&pfd, 1, 0);
	ok(ret == 1 && (pfd.revents & (POLLERR | POLLHUP)) == (POLLERR | POLLHUP),
	   "poll on the open file: POLLERR | POLLHUP (ret %d revents %#x)", ret, pfd.revents);

	ok(bind() == 0 && stat(DEV, &st) == 0, "bind again: %s is back", DEV);
	fd2 = open(DEV, O_RDWR | O_CLOEXEC);
	ok(fd2 >= 0, "the new device opens while the unbound file is still open");
	ok(fd2 >= 0 && xio(fd2, BPGRAB_IOC_G_FMT, &f) == 0 && f.width == 640,
	   "the new device works (G_FMT)");
	ok(xio(fd, BPGRAB_IOC_G_FMT, &f) == -ENODEV, "the unbound file still gets ENODEV");
	ok(close(fd) == 0, "close the unbound file");
	if (fd2 >= 0)
		close(fd2);
	ok(area_free() == free0, "area as before");
}

static void test_unbind_streaming(void)
{
	uint64_t free0 = area_free();
	struct waiter dq = { 0 }, pw = { 0 };
	struct bpgrab_reqbufs rb;
	struct bpgrab_format f;
	struct bpgrab_buffer b;
	int fd = grab_open(0), joined;

	/* Hold the only filled buffer: the engine streams, nothing completes. */
	s_fmt(fd, 160, 120, BPGRAB_PIX_YUYV, 50, &f);
	reqbufs(fd, 2, &rb);
	qbuf(fd, 0);
	ok(xio(fd, BPGRAB_IOC_STREAMON, NULL) == 0 && xio(fd, BPGRAB_IOC_DQBUF, &b) == 0 &&
	   engine_running(), "streaming, the application holds the filled buffer");
	dq.fd = pw.fd = fd;
	pthread_create(&dq.t, NULL, dqbuf_blocked, &dq);
	pthread_create(&pw.t, NULL, poll_blocked, &pw);
	usleep(300000);
	ok(unbind() == 0, "unbind while streaming, with DQBUF and poll() blocked");
	ok(!engine_running(), "the DMA engine thread has ended");
	ok(area_free() == free0, "unbind while streaming gives every buffer back");
	joined = join_waiter(&dq) == 0;
	ok(joined && dq.ret == -ENODEV, "the blocked DQBUF wakes with ENODEV (%s)",
	   joined ? strerror(-dq.ret) : "still blocked");
	joined = join_waiter(&pw) == 0;
	ok(joined && pw.ret == 1 && (pw.revents & (POLLERR | POLLHUP)) == (POLLERR | POLLHUP),
	   "the blocked poll() wakes with POLLERR | POLLHUP (ret %d revents %#x)",
	   pw.ret, pw.revents);
	ok(xio(fd, BPGRAB_IOC_QBUF, &b) == -ENODEV, "QBUF of the held buffer: ENODEV");
	ok(close(fd) == 0, "close the unbound file");
	ok(bind() == 0, "bind again");
}

static int test_unbind(void)
{
	test_unbind_open();
	test_unbind_streaming();
	return tap_failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct stat st;
	int fd;

	if (argc == 2 && !strcmp(argv[1], "unbind"))
		return test_unbind();
	if (argc != 1) {
		fprintf(stderr, "usage: bpgrab-test [unbind]\n");
		return 2;
	}

	ok(stat(DEV, &st) == 0 && S_ISCHR(st.st_mode) && (st.st_mode & 0777) == 0600,
	   "%s is a character device with mode 0600", DEV);
	fd = grab_open(0);
	test_format(fd);
	test_buffers(fd);
	test_streaming(fd);
	close(fd);
	test_close_streaming();
	return tap_failed ? 1 : 0;
}
