// SPDX-License-Identifier: GPL-2.0
/*
 * bigphys-dmabuf: in-guest tests of the area's dma-buf doors, with raw
 * ioctls: the heap /dev/dma_heap/bigphys and BIGPHYS_IOC_EXPORT on
 * /dev/bigphys (tests/guest/dmabuf.sh runs it).
 *
 *   bigphys-dmabuf odirect BLOCKDEV   O_DIRECT round trips from heap and
 *                                     exported buffers; the CMA heap's
 *                                     VM_PFNMAP mapping fails with EFAULT
 *   bigphys-dmabuf lifetime           export/close/FREE/munmap orders
 *   bigphys-dmabuf errors             bad input gets a clear errno
 *   bigphys-dmabuf all BLOCKDEV       all three
 *
 * Every check is one TAP line "ok - dmabuf: ..."; the exit status is 1
 * if any failed, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/bigphys.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>

#define TAP_PREFIX "dmabuf"
#include "cma-heap.h"
#include "tap.h"

#define MB (1UL << 20)
#define HEAP "/dev/dma_heap/bigphys"

/* ioctl that returns 0 or -errno */
static int xioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

static int dev_open(void)
{
	int fd = open("/dev/bigphys", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		perror("bigphys-dmabuf: /dev/bigphys");
		exit(2);
	}
	return fd;
}

/* Bytes free in the area, from a fresh open (the caller's may be closed). */
static uint64_t area_free(uint64_t *total)
{
	struct bigphys_info in = { 0 };
	int fd = dev_open();

	if (ioctl(fd, BIGPHYS_IOC_INFO, &in))
		perror("bigphys-dmabuf: INFO");
	close(fd);
	if (total)
		*total = in.total;
	return in.free;
}

static int heap_alloc(int heap, uint64_t len, uint32_t fd_flags, uint64_t heap_flags, int *out)
{
	struct dma_heap_allocation_data d = {
		.len = len, .fd_flags = fd_flags, .heap_flags = heap_flags,
	};
	int ret = xioctl(heap, DMA_HEAP_IOCTL_ALLOC, &d);

	*out = ret ? -1 : (int)d.fd;
	return ret;
}

static int dev_alloc(int fd, uint64_t size, struct bigphys_alloc_req *r)
{
	*r = (struct bigphys_alloc_req){ .size = size };
	return xioctl(fd, BIGPHYS_IOC_ALLOC, r);
}

static int dev_free(int fd, uint32_t id)
{
	struct bigphys_free_req f = { .id = id };

	return xioctl(fd, BIGPHYS_IOC_FREE, &f);
}

static int export(int fd, uint32_t id, uint32_t flags, uint32_t reserved, int *out)
{
	struct bigphys_export_req e = { .id = id, .flags = flags, .reserved = reserved, .fd = -1 };
	int ret = xioctl(fd, BIGPHYS_IOC_EXPORT, &e);

	*out = ret ? -1 : e.fd;
	return ret;
}

static void *map(int fd, size_t len, off_t off)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);

	return p == MAP_FAILED ? NULL : p;
}

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i += 4) {
		uint32_t v = (uint32_t)(i / 4) * 2654435761u ^ seed;

		memcpy(p + i, &v, 4);
	}
}

static int same(const uint8_t *p, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i += 4) {
		uint32_t v = (uint32_t)(i / 4) * 2654435761u ^ seed;

		if (memcmp(p + i, &v, 4))
			return 0;
	}
	return 1;
}

static int dmabuf_sync(int fd, uint64_t flags)
{
	struct dma_buf_sync s = { .flags = flags };

	return xioctl(fd, DMA_BUF_IOCTL_SYNC, &s);
}

/* Write @a to the disk at @off with O_DIRECT, read it into @b, compare. */
static void round_trip(const char *what, int disk, uint8_t *a, uint8_t *b, size_t n, off_t off, uint32_t seed)
{
	ssize_t w, r;

	fill(a, n, seed);
	memset(b, 0, n);
	w = pwrite(disk, a, n, off);
	ok(w == (ssize_t)n, "O_DIRECT write of %zu KiB from a mapped %s: %zd (%s)",
	   n >> 10, what, w, w < 0 ? strerror(errno) : "ok");
	r = pread(disk, b, n, off);
	ok(r == (ssize_t)n, "O_DIRECT read of %zu KiB into a second mapped %s: %zd (%s)",
	   n >> 10, what, r, r < 0 ? strerror(errno) : "ok");
	ok(w == (ssize_t)n && r == (ssize_t)n && same(b, n, seed),
	   "%s: the data read back is the pattern written", what);
}

static int test_odirect(const char *dev)
{
	const size_t n = 1 * MB;
	int disk, heap, fd, a, b, ea, eb, c;
	struct bigphys_alloc_req ra, rb;
	uint8_t *pa, *pb, *pc, *q;
	uint64_t total;
	char cname[256] = "";
	ssize_t ret;

	disk = open(dev, O_RDWR | O_DIRECT | O_CLOEXEC);
	ok(disk >= 0, "open %s with O_DIRECT", dev);
	if (disk < 0)
		return 1;

	/* heap buffers */
	heap = open(HEAP, O_RDWR | O_CLOEXEC);
	ok(heap >= 0, "open " HEAP);
	ok(!heap_alloc(heap, n, O_RDWR | O_CLOEXEC, 0, &a) && !heap_alloc(heap, n, O_RDWR | O_CLOEXEC, 0, &b),
	   "two 1 MiB bigphys heap buffers");
	pa = a >= 0 ? map(a, n, 0) : NULL;
	pb = b >= 0 ? map(b, n, 0) : NULL;
	ok(pa && pb, "both heap buffers map");
	if (pa && pb)
		round_trip("bigphys heap buffer", disk, pa, pb, n, 0, 0x1234);
	ok(pa && !dmabuf_sync(a, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW) &&
	   !dmabuf_sync(a, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW), "DMA_BUF_IOCTL_SYNC start/end on a heap buffer");
	if (pa)
		munmap(pa, n);
	if (pb)
		munmap(pb, n);
	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);

	/* exported /dev/bigphys buffers, mapped through the dma-buf */
	fd = dev_open();
	ok(!dev_alloc(fd, n, &ra) && !dev_alloc(fd, n, &rb), "two 1 MiB /dev/bigphys buffers");
	ok(!export(fd, ra.id, O_RDWR | O_CLOEXEC, 0, &ea) && !export(fd, rb.id, O_CLOEXEC, 0, &eb),
	   "both exported as dma-bufs");
	pa = ea >= 0 ? map(ea, n, 0) : NULL;
	pb = eb >= 0 ? map(eb, n, 0) : NULL;
	ok(pa && pb, "both dma-bufs map");
	if (pa && pb)
		round_trip("exported /dev/bigphys buffer", disk, pa, pb, n, n, 0xbeef);
	/* one object: the device's own mapping sees what O_DIRECT read */
	q = map(fd, n, (off_t)rb.offset);
	ok(q && same(q, n, 0xbeef), "the /dev/bigphys mapping of the same buffer sees the data read");
	if (q) {
		/* and O_DIRECT works from it too */
		fill(q, n, 0x77);
		ret = pwrite(disk, q, n, 2 * n);
		ok(ret == (ssize_t)n, "O_DIRECT write from the /dev/bigphys mapping: %zd", ret);
		munmap(q, n);
	}
	if (pa)
		munmap(pa, n);
	if (pb)
		munmap(pb, n);
	if (ea >= 0)
		close(ea);
	if (eb >= 0)
		close(eb);
	close(fd);
	ok(area_free(&total) == total, "all memory returned after the O_DIRECT tests");

	/* the upstream CMA heap: VM_PFNMAP, so no O_DIRECT */
	c = cma_heap_open(cname, sizeof(cname));
	ok(c >= 0, "an upstream CMA heap exists (/dev/dma_heap/%s)", cname[0] ? cname : "?");
	if (c >= 0) {
		int ca = -1;

		ok(!heap_alloc(c, n, O_RDWR | O_CLOEXEC, 0, &ca), "1 MiB CMA heap buffer");
		pc = ca >= 0 ? map(ca, n, 0) : NULL;
		ok(pc != NULL, "the CMA heap buffer maps");
		if (pc) {
			fill(pc, n, 0x55);
			errno = 0;
			ret = pwrite(disk, pc, n, 3 * n);
			ok(ret < 0 && errno == EFAULT, "O_DIRECT write from a mapped CMA heap buffer fails with EFAULT (%zd, %s)",
			   ret, strerror(errno));
			errno = 0;
			ret = pread(disk, pc, n, 0);
			ok(ret < 0 && errno == EFAULT, "O_DIRECT read into a mapped CMA heap buffer fails with EFAULT (%zd, %s)",
			   ret, strerror(errno));
			ok(same(pc, n, 0x55), "the CMA heap buffer is unchanged");
			munmap(pc, n);
		}
		if (ca >= 0)
			close(ca);
		close(c);
	}
	if (heap >= 0)
		close(heap);
	close(disk);
	return 0;
}

static int test_lifetime(void)
{
	const size_t n = 2 * MB;
	struct bigphys_alloc_req r;
	uint64_t total, free0;
	int fd, heap, e, e2, h, ret;
	struct stat s1 = { 0 }, s2 = { 0 };
	uint8_t *p, *p2, *q;

	free0 = area_free(&total);
	ok(free0 == total, "the area is all free at the start (%llu of %llu)",
	   (unsigned long long)free0, (unsigned long long)total);

	/* export, close /dev/bigphys, keep using the dma-buf */
	fd = dev_open();
	ok(!dev_alloc(fd, n, &r), "ALLOC 2 MiB");
	q = map(fd, n, (off_t)r.offset);
	if (q)
		fill(q, n, 1);
	ret = export(fd, r.id, O_RDWR | O_CLOEXEC, 0, &e);
	ok(!ret && e >= 0, "EXPORT O_RDWR|O_CLOEXEC gives a dma-buf fd (%d)", ret);
	ok(e >= 0 && (fcntl(e, F_GETFD) & FD_CLOEXEC), "the dma-buf fd has FD_CLOEXEC");
	p = e >= 0 ? map(e, n, 0) : NULL;
	ok(p && same(p, n, 1), "the dma-buf mapping shows what the /dev/bigphys mapping wrote");
	if (q)
		munmap(q, n);
	close(fd);
	ok(area_free(NULL) == total - n, "closing /dev/bigphys keeps the exported buffer allocated");
	ok(p && same(p, n, 1), "the dma-buf mapping still holds the data after /dev/bigphys is closed");
	if (p) {
		fill(p, n, 2);
		ok(same(p, n, 2), "and can still be written");
	}
	ok(!dmabuf_sync(e, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ) && !dmabuf_sync(e, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ),
	   "DMA_BUF_IOCTL_SYNC on the exported buffer");
	close(e);
	ok(area_free(NULL) == total - n, "closing the dma-buf while it is mapped keeps the memory");
	ok(p && same(p, n, 2), "the mapping alone still holds the data");
	if (p)
		munmap(p, n);
	ok(area_free(NULL) == total, "the last mapping gone: all memory returned");

	/* FREE while exported */
	fd = dev_open();
	ok(!dev_alloc(fd, n, &r) && !export(fd, r.id, O_RDWR, 0, &e), "ALLOC and EXPORT (O_RDWR)");
	ok(e >= 0 && !(fcntl(e, F_GETFD) & FD_CLOEXEC), "without O_CLOEXEC the dma-buf fd has no FD_CLOEXEC");
	p = map(e, n, 0);
	if (p)
		fill(p, n, 3);
	ok(!dev_free(fd, r.id), "FREE of an exported buffer's id succeeds");
	ok(dev_free(fd, r.id) == -ENOENT, "a second FREE of that id: ENOENT (the id is gone)");
	ret = export(fd, r.id, O_CLOEXEC, 0, &e2);
	ok(ret == -ENOENT, "EXPORT of the freed id: ENOENT (%d)", ret);
	if (e2 >= 0)
		close(e2);
	ok(area_free(NULL) == total - n, "FREE while exported keeps the memory allocated");
	ok(p && same(p, n, 3), "the dma-buf mapping still works after FREE");
	q = map(e, n, 0);
	ok(q && same(q, n, 3), "a new mapping of the dma-buf after FREE shows the data");
	if (q)
		munmap(q, n);
	if (p)
		munmap(p, n);
	ok(area_free(NULL) == total - n, "unmapped, the dma-buf fd alone keeps the memory");
	close(e);
	ok(area_free(NULL) == total, "dma-buf closed after FREE: all memory returned");
	close(fd);

	/* several exports of one id: one dma-buf */
	fd = dev_open();
	ok(!dev_alloc(fd, n, &r), "ALLOC for multiple exports");
	ok(!export(fd, r.id, O_CLOEXEC, 0, &e) && !export(fd, r.id, O_CLOEXEC | O_RDWR, 0, &e2) && e != e2,
	   "the same id exported twice gives two fds");
	ret = fstat(e, &s1) || fstat(e2, &s2);
	ok(!ret && s1.st_ino && s1.st_ino == s2.st_ino,
	   "both fds are the same dma-buf (inode %lu, %lu)", (unsigned long)s1.st_ino, (unsigned long)s2.st_ino);
	p = map(e, n, 0);
	p2 = map(e2, n, 0);
	if (p)
		fill(p, n, 4);
	ok(p && p2 && same(p2, n, 4), "a write through one export reads back through the other");
	if (p)
		munmap(p, n);
	close(e);
	ok(!dev_free(fd, r.id), "FREE the id");
	close(fd);
	ok(area_free(NULL) == total - n, "the second export keeps the memory after FREE and close");
	ok(p2 && same(p2, n, 4), "and its mapping the data");
	if (p2)
		munmap(p2, n);
	close(e2);
	ok(area_free(NULL) == total, "the last export closed: all memory returned");

	/* heap buffers: allocated from the area, returned on the last close/munmap */
	heap = open(HEAP, O_RDWR | O_CLOEXEC);
	ok(heap >= 0, "open " HEAP);
	ret = heap_alloc(heap, n, O_RDWR | O_CLOEXEC, 0, &h);
	ok(!ret, "heap ALLOC 2 MiB (%d)", ret);
	ok(area_free(NULL) == total - n, "the heap buffer comes from the area");
	p = h >= 0 ? map(h, n, 0) : NULL;
	ok(p && p[0] == 0 && p[n - 1] == 0 && !memcmp(p, p + 1, n - 1), "a new heap buffer is zeroed");
	if (p)
		fill(p, n, 5);
	close(h);
	ok(area_free(NULL) == total - n, "the heap buffer's fd closed while mapped: memory kept");
	ok(p && same(p, n, 5), "its mapping still holds the data");
	if (p)
		munmap(p, n);
	ok(area_free(NULL) == total, "heap buffer unmapped and closed: all memory returned");
	ret = heap_alloc(heap, 4096, O_RDWR | O_CLOEXEC, 0, &h);
	if (!ret)
		close(h);
	ok(!ret && area_free(NULL) == total, "heap buffer closed unmapped: all memory returned");
	/* a heap buffer survives its heap fd */
	ret = heap_alloc(heap, n, O_RDWR | O_CLOEXEC, 0, &h);
	close(heap);
	p = ret ? NULL : map(h, n, 0);
	if (p)
		fill(p, n, 6);
	ok(p && same(p, n, 6), "a heap buffer maps and works after the heap fd is closed");
	if (p)
		munmap(p, n);
	if (h >= 0)
		close(h);
	ok(area_free(NULL) == total, "all memory returned after the lifetime tests");
	return 0;
}

static int test_errors(void)
{
	struct bigphys_alloc_req r;
	uint64_t total;
	int fd, heap, e, h, ret, hold;

	area_free(&total);
	fd = dev_open();
	ok(!dev_alloc(fd, 4096, &r), "ALLOC one page");
	ret = export(fd, r.id, O_APPEND, 0, &e);
	ok(ret == -EINVAL, "EXPORT flags O_APPEND: EINVAL (%d)", ret);
	ret = export(fd, r.id, O_CLOEXEC | O_NONBLOCK, 0, &e);
	ok(ret == -EINVAL, "EXPORT flags O_CLOEXEC|O_NONBLOCK: EINVAL (%d)", ret);
	ret = export(fd, r.id, 0x80000000u, 0, &e);
	ok(ret == -EINVAL, "EXPORT flags bit 31: EINVAL (%d)", ret);
	ret = export(fd, r.id, O_CLOEXEC, 1, &e);
	ok(ret == -EINVAL, "EXPORT with reserved != 0: EINVAL (%d)", ret);
	ret = export(fd, 54321, O_CLOEXEC, 0, &e);
	ok(ret == -ENOENT, "EXPORT of an unknown id: ENOENT (%d)", ret);
	ret = export(fd, r.id + 1, O_CLOEXEC, 0, &e);
	ok(ret == -ENOENT, "EXPORT of the next, never allocated id: ENOENT (%d)", ret);
	ret = export(fd, 0, O_CLOEXEC, 0, &e);
	ok(ret == -ENOENT || ret == -EINVAL, "EXPORT of id 0: ENOENT or EINVAL (%d)", ret);
	{
		int other = dev_open();

		ret = export(other, r.id, O_CLOEXEC, 0, &e);
		ok(ret == -ENOENT, "EXPORT of another file's id: ENOENT (%d)", ret);
		close(other);
	}
	ret = export(fd, r.id, 0, 0, &e);
	ok(!ret, "EXPORT flags 0 is fine (%d)", ret);
	if (!ret)
		close(e);
	ok(!dev_free(fd, r.id), "FREE");
	{
		/* The dma-buf is read-write: a read-only file may not export. */
		int ro = open("/dev/bigphys", O_RDONLY | O_CLOEXEC);
		struct bigphys_alloc_req rr;
		void *p;

		ok(ro >= 0 && !dev_alloc(ro, 4096, &rr), "ALLOC on a read-only /dev/bigphys");
		p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, ro, rr.offset);
		ok(p != MAP_FAILED, "read-only MAP_SHARED of its buffer works");
		if (p != MAP_FAILED)
			munmap(p, 4096);
		ret = export(ro, rr.id, O_CLOEXEC, 0, &e);
		ok(ret == -EBADF, "EXPORT on a read-only /dev/bigphys: EBADF (%d)", ret);
		close(ro);
	}

	heap = open(HEAP, O_RDWR | O_CLOEXEC);
	ok(heap >= 0, "open " HEAP);
	ret = heap_alloc(heap, total + 4096, O_RDWR | O_CLOEXEC, 0, &h);
	ok(ret == -EINVAL, "heap ALLOC larger than the area: EINVAL (%d)", ret);
	ret = heap_alloc(heap, 0, O_RDWR | O_CLOEXEC, 0, &h);
	ok(ret == -EINVAL, "heap ALLOC length 0: EINVAL (%d)", ret);
	ret = heap_alloc(heap, UINT64_MAX, O_RDWR | O_CLOEXEC, 0, &h);
	ok(ret == -EINVAL, "heap ALLOC length UINT64_MAX: EINVAL (%d)", ret);
	ret = heap_alloc(heap, 4096, O_RDWR | O_CLOEXEC, 1, &h);
	ok(ret == -EINVAL, "heap ALLOC heap_flags 1: EINVAL (%d)", ret);
	ret = heap_alloc(heap, 4096, O_RDWR | O_CLOEXEC, 1ULL << 63, &h);
	ok(ret == -EINVAL, "heap ALLOC heap_flags bit 63: EINVAL (%d)", ret);
	ret = heap_alloc(heap, 4096, O_APPEND, 0, &h);
	ok(ret == -EINVAL, "heap ALLOC fd_flags O_APPEND: EINVAL (%d)", ret);
	ret = heap_alloc(heap, 4096, 0x40000000u, 0, &h);
	ok(ret == -EINVAL, "heap ALLOC fd_flags bit 30: EINVAL (%d)", ret);
	ret = heap_alloc(heap, 8192, O_CLOEXEC, 0, &h);	/* O_RDONLY */
	ok(!ret, "heap ALLOC of a read-only dma-buf (%d)", ret);
	if (!ret) {
		void *p = mmap(NULL, 8192, PROT_READ, MAP_SHARED, h, 0);

		ok(p != MAP_FAILED && !*(volatile char *)p,
		   "read-only dma-buf: PROT_READ MAP_SHARED works, zeroed");
		if (p != MAP_FAILED)
			munmap(p, 8192);
		p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, h, 0);
		ok(p == MAP_FAILED && errno == EACCES,
		   "read-only dma-buf: a writable mapping is EACCES");
		p = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, h, 0);
		ok(p == MAP_FAILED && errno == EINVAL, "dma-buf MAP_PRIVATE: EINVAL");
		close(h);
	}
	/* fits the area but not now: one page is taken */
	ok(!dev_alloc(fd, 4096, &r), "ALLOC one page to take room");
	hold = -1;
	ret = heap_alloc(heap, total, O_RDWR | O_CLOEXEC, 0, &hold);
	ok(ret == -ENOMEM, "heap ALLOC of the whole area while a page is used: ENOMEM (%d)", ret);
	if (hold >= 0)
		close(hold);
	dev_free(fd, r.id);
	ret = heap_alloc(heap, total, O_RDWR | O_CLOEXEC, 0, &hold);
	ok(!ret, "heap ALLOC of the whole, free area succeeds (%d)", ret);
	if (hold >= 0)
		close(hold);
	close(heap);
	close(fd);
	ok(area_free(NULL) == total, "all memory returned after the error tests");
	return 0;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";

	if (!strcmp(what, "odirect") && argc > 2)
		test_odirect(argv[2]);
	else if (!strcmp(what, "lifetime"))
		test_lifetime();
	else if (!strcmp(what, "errors"))
		test_errors();
	else if (!strcmp(what, "all") && argc > 2) {
		test_errors();
		test_lifetime();
		test_odirect(argv[2]);
	} else {
		fprintf(stderr, "usage: bigphys-dmabuf odirect|all BLOCKDEV\n"
			"       bigphys-dmabuf lifetime|errors\n");
		return 2;
	}
	return tap_failed != 0;
}
