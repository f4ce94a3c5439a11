// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side unit tests of libbigphys against a fake device: this program
 * defines ioctl(), which the library (linked statically) then calls, and
 * opens a regular file as the "device". Covers what the library itself
 * decides, such as the cache mode it reports in struct bigphys_buffer, and
 * what it hands to the kernel: the EXPORT and heap ALLOC requests, the
 * dma-buf SYNC retries.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "bigphys.h"

#define TAP_PREFIX "libbigphys"
#include "../tools/tap.h"

/* What the fake driver saw and handed out. */
static struct {
	uint32_t next_id;
	uint32_t req_flags;	/* flags of the last ALLOC request */
	int calls;		/* EXPORT, heap ALLOC and SYNC calls */
	int fd;			/* the descriptor of the last of those */
	struct bigphys_export_req export;	/* the last EXPORT, as passed */
	struct dma_heap_allocation_data heap;	/* the last heap ALLOC, as passed */
	int heap_fl;		/* F_GETFL of the heap's descriptor */
	int heap_fdfl;		/* F_GETFD of the heap's descriptor */
	int new_fd;		/* the last descriptor handed out */
	uint64_t sync_flags;	/* flags of the last dma-buf SYNC */
	int sync_eintr;		/* fail this many SYNCs with EINTR/EAGAIN first */
	int sync_errno;		/* then fail with this (0: succeed) */
} fake;

/* A new descriptor, as the kernel's dma-buf would be. */
static int fake_new_fd(void)
{
	fake.new_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return fake.new_fd;
}

/*
 * The fake /dev/bigphys: ALLOC and FREE succeed, EXPORT checks like the
 * driver (id 1..next_id, O_CLOEXEC|O_RDWR, reserved 0). The fake heap: any
 * len > 0, fd_flags O_CLOEXEC|O_RDWR, heap_flags 0. The fake dma-buf SYNC
 * fails sync_eintr times with EINTR/EAGAIN, then with sync_errno. Anything
 * else is ENOTTY.
 */
int ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (request == BIGPHYS_IOC_EXPORT) {
		struct bigphys_export_req *r = arg;

		fake.calls++;
		fake.fd = fd;
		fake.export = *r;
		if ((r->flags & ~(unsigned int)(O_CLOEXEC | O_RDWR)) || r->reserved) {
			errno = EINVAL;
			return -1;
		}
		if (!r->id || r->id > fake.next_id) {
			errno = ENOENT;
			return -1;
		}
		r->fd = fake_new_fd();
		return 0;
	}
	if (request == DMA_HEAP_IOCTL_ALLOC) {
		struct dma_heap_allocation_data *r = arg;

		fake.calls++;
		fake.fd = fd;
		fake.heap = *r;
		fake.heap_fl = fcntl(fd, F_GETFL);
		fake.heap_fdfl = fcntl(fd, F_GETFD);
		if (!r->len || r->heap_flags ||
		    (r->fd_flags & ~(unsigned int)(O_CLOEXEC | O_RDWR))) {
			errno = EINVAL;
			return -1;
		}
		if (r->len > (1ULL << 40)) {
			errno = ENOMEM;
			return -1;
		}
		r->fd = (uint32_t)fake_new_fd();
		return 0;
	}
	if (request == DMA_BUF_IOCTL_SYNC) {
		const struct dma_buf_sync *r = arg;

		fake.calls++;
		fake.fd = fd;
		fake.sync_flags = r->flags;
		if (fake.sync_eintr > 0) {
			errno = fake.sync_eintr-- % 2 ? EINTR : EAGAIN;
			return -1;
		}
		if (fake.sync_errno) {
			errno = fake.sync_errno;
			return -1;
		}
		return 0;
	}
	if (request == BIGPHYS_IOC_ALLOC) {
		struct bigphys_alloc_req *r = arg;

		fake.req_flags = r->flags;
		r->size = (r->size + 4095) & ~4095ULL;
		r->id = ++fake.next_id;
		r->offset = (uint64_t)r->id << 32;
		r->phys = 0;
		return 0;
	}
	if (request == BIGPHYS_IOC_FREE)
		return 0;
	errno = ENOTTY;
	return -1;
}

static const char *mode_name(uint32_t flags)
{
	switch (flags) {
	case 0: return "cached";
	case BIGPHYS_ALLOC_UNCACHED: return "uncached";
	case BIGPHYS_ALLOC_WRITECOMBINE: return "write-combine";
	default: return "invalid";
	}
}

/* Allocate with @flags on a handle opened with @open_flags; check buf.flags. */
static void check_mode(const char *path, unsigned int open_flags, uint32_t flags,
		       uint32_t want)
{
	struct bigphys_buffer buf = { 0 };
	struct bigphys *bp;
	char what[64];
	int err, fl;

	snprintf(what, sizeof(what), "%s handle, %s buffer asked",
		 open_flags ? "O_SYNC" : "default", mode_name(flags));
	err = bigphys_open(path, open_flags, &bp);
	if (err) {
		ok(0, "%s: open %s: %s", what, path, strerror(-err));
		return;
	}
	fl = fcntl(bigphys_fd(bp), F_GETFL);
	ok(fl >= 0 && !(fl & O_SYNC) == !(open_flags & BIGPHYS_OPEN_UNCACHED),
	   "%s: the file is %sopened O_SYNC", what, open_flags ? "" : "not ");
	err = bigphys_alloc(bp, 5000, 0, flags, &buf);
	ok(!err && buf.flags == want && buf.size == 8192 && buf.id == fake.next_id &&
	   buf.offset == (uint64_t)buf.id << 32 && !buf.addr,
	   "%s: buf.flags says %s (got %s)", what, mode_name(want), mode_name(buf.flags));
	ok(fake.req_flags == flags, "%s: the driver is asked for %s", what, mode_name(flags));
	ok(bigphys_free(bp, &buf) == 0 && buf.id == 0, "%s: free clears the id", what);
	bigphys_close(bp);
}

/* Is @fd an open descriptor? */
static int fd_open(int fd)
{
	return fd >= 0 && fcntl(fd, F_GETFD) >= 0;
}

/* bigphys_export(): the request the driver gets, its errors, the result. */
static void check_export(const char *path)
{
	struct bigphys_buffer buf = { 0 }, other = { 0 };
	struct bigphys *bp;
	int err, fd, calls;

	err = bigphys_open(path, 0, &bp);
	if (!err)
		err = bigphys_alloc(bp, 4096, 0, 0, &buf);
	if (err) {
		ok(0, "export: open and alloc: %s", strerror(-err));
		return;
	}
	fd = -7;
	err = bigphys_export(bp, &buf, O_CLOEXEC | O_RDWR, &fd);
	ok(!err && fd == fake.new_fd && fd_open(fd),
	   "export returns the driver's dma-buf fd (err %d, fd %d)", err, fd);
	ok(fake.fd == bigphys_fd(bp) && fake.export.id == buf.id &&
	   fake.export.flags == (O_CLOEXEC | O_RDWR) && fake.export.reserved == 0,
	   "export: BIGPHYS_IOC_EXPORT on the handle's fd with the buffer's id, the flags, reserved 0");
	close(fd);
	ok(bigphys_export(bp, &buf, 0, &fd) == 0 && fake.export.flags == 0,
	   "export with flags 0 passes 0");
	close(fd);
	ok(bigphys_export(bp, &buf, O_CLOEXEC, &fd) == 0 && fake.export.flags == O_CLOEXEC,
	   "export with O_CLOEXEC passes O_CLOEXEC");
	close(fd);

	fd = -7;
	ok(bigphys_export(bp, &buf, O_NONBLOCK, &fd) == -EINVAL && fd == -7,
	   "export: the driver's EINVAL (bad flags) is -EINVAL, fd untouched");
	ok(fake.export.flags == O_NONBLOCK,
	   "export: flags reach the driver unchanged (it decides)");
	other.id = 999;
	ok(bigphys_export(bp, &other, O_RDWR, &fd) == -ENOENT && fd == -7,
	   "export: the driver's ENOENT (unknown id) is -ENOENT, fd untouched");
	calls = fake.calls;
	ok(bigphys_export(NULL, &buf, 0, &fd) == -EINVAL &&
	   bigphys_export(bp, NULL, 0, &fd) == -EINVAL &&
	   bigphys_export(bp, &buf, 0, NULL) == -EINVAL && fake.calls == calls,
	   "export with a NULL handle, buffer or fd pointer is -EINVAL without an ioctl");
	ok(bigphys_free(bp, &buf) == 0 && bigphys_export(bp, &buf, 0, &fd) == -ENOENT &&
	   fake.export.id == 0,
	   "export after free asks for id 0: -ENOENT");
	bigphys_close(bp);
}

/* bigphys_heap_alloc(): the heap's open, the ALLOC request, its errors. */
static void check_heap(const char *path)
{
	int err, fd = -7, calls;

	err = bigphys_heap_alloc(path, 5000, O_RDWR | O_CLOEXEC, &fd);
	ok(!err && fd == fake.new_fd && fd_open(fd),
	   "heap alloc returns the heap's dma-buf fd (err %d, fd %d)", err, fd);
	ok(fake.heap.len == 5000 && fake.heap.fd_flags == (O_RDWR | O_CLOEXEC) &&
	   fake.heap.heap_flags == 0,
	   "heap alloc: DMA_HEAP_IOCTL_ALLOC with len, fd_flags, heap_flags 0");
	ok((fake.heap_fl & O_ACCMODE) == O_RDONLY && (fake.heap_fdfl & FD_CLOEXEC),
	   "heap alloc: the heap is opened read-only and close-on-exec");
	ok(fake.fd != fd && !fd_open(fake.fd),
	   "heap alloc: the heap's descriptor is closed again");
	close(fd);
	ok(bigphys_heap_alloc(path, 4096, O_CLOEXEC, &fd) == 0 &&
	   fake.heap.fd_flags == O_CLOEXEC, "heap alloc with O_CLOEXEC passes O_CLOEXEC");
	close(fd);

	fd = -7;
	ok(bigphys_heap_alloc(path, 4096, O_NONBLOCK, &fd) == -EINVAL && fd == -7 &&
	   fake.heap.fd_flags == O_NONBLOCK,
	   "heap alloc: flags reach the heap unchanged, its EINVAL is -EINVAL");
	ok(!fd_open(fake.fd), "heap alloc: the heap's descriptor is closed after an error too");
	ok(bigphys_heap_alloc(path, 1ULL << 41, O_RDWR, &fd) == -ENOMEM && fd == -7,
	   "heap alloc: the heap's ENOMEM is -ENOMEM, fd untouched");
	calls = fake.calls;
	ok(bigphys_heap_alloc(path, 0, O_RDWR, &fd) == -EINVAL &&
	   bigphys_heap_alloc(path, 4096, O_RDWR, NULL) == -EINVAL && fake.calls == calls,
	   "heap alloc of size 0 or without an fd pointer is -EINVAL without an ioctl");
	ok(bigphys_heap_alloc("/nonexistent/heap", 4096, O_RDWR, &fd) == -ENOENT &&
	   fake.calls == calls && fd == -7,
	   "heap alloc from a missing heap is open()'s -ENOENT");
}

/* bigphys_dmabuf_sync(): flags unchanged, EINTR/EAGAIN retried. */
static void check_dmabuf_sync(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC), calls, err;

	ok(bigphys_dmabuf_sync(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW) == 0 &&
	   fake.fd == fd && fake.sync_flags == (DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW),
	   "dmabuf_sync: DMA_BUF_IOCTL_SYNC on the fd with the flags");
	calls = fake.calls;
	fake.sync_eintr = 3;
	err = bigphys_dmabuf_sync(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE);
	ok(!err && fake.calls == calls + 4,
	   "dmabuf_sync retries EINTR and EAGAIN (%d calls, 4 expected)", fake.calls - calls);
	fake.sync_errno = EINVAL;
	ok(bigphys_dmabuf_sync(fd, 0x80) == -EINVAL && fake.sync_flags == 0x80,
	   "dmabuf_sync: the kernel's EINVAL is -EINVAL");
	fake.sync_errno = 0;
	calls = fake.calls;
	ok(bigphys_dmabuf_sync(-1, DMA_BUF_SYNC_START) == -EBADF && fake.calls == calls,
	   "dmabuf_sync(-1) is -EBADF without an ioctl");
	close(fd);
}

int main(void)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/libbigphys-fake-test.%d", (int)getpid());
	f = fopen(path, "w");
	if (!f) {
		printf("Bail out! cannot create %s: %s\n", path, strerror(errno));
		return 1;
	}
	fclose(f);

	check_mode(path, 0, 0, 0);
	check_mode(path, 0, BIGPHYS_ALLOC_UNCACHED, BIGPHYS_ALLOC_UNCACHED);
	check_mode(path, 0, BIGPHYS_ALLOC_WRITECOMBINE, BIGPHYS_ALLOC_WRITECOMBINE);
	check_mode(path, BIGPHYS_OPEN_UNCACHED, 0, BIGPHYS_ALLOC_UNCACHED);
	check_mode(path, BIGPHYS_OPEN_UNCACHED, BIGPHYS_ALLOC_UNCACHED, BIGPHYS_ALLOC_UNCACHED);
	check_mode(path, BIGPHYS_OPEN_UNCACHED, BIGPHYS_ALLOC_WRITECOMBINE,
		   BIGPHYS_ALLOC_WRITECOMBINE);
	check_export(path);
	check_heap(path);
	check_dmabuf_sync();
	unlink(path);
	return tap_failed != 0;
}
