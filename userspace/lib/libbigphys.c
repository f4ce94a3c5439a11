// SPDX-License-Identifier: LGPL-2.1-or-later
/* libbigphys: thin errno-style wrapper around the /dev/bigphys ioctls. */
#define _GNU_SOURCE
/* 64-bit off_t in 32-bit builds too: buffer mmap offsets lie above 4 GiB. */
#undef _FILE_OFFSET_BITS
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bigphys.h"

struct bigphys {
	int fd;
	unsigned int flags;	/* BIGPHYS_OPEN_* */
};

static int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

int bigphys_open(const char *path, unsigned int flags, struct bigphys **bpp)
{
	struct bigphys *bp;
	int oflags = O_RDWR | O_CLOEXEC;

	if (!bpp || (flags & ~BIGPHYS_OPEN_UNCACHED))
		return -EINVAL;
	if (flags & BIGPHYS_OPEN_UNCACHED)
		oflags |= O_SYNC;
	bp = calloc(1, sizeof(*bp));
	if (!bp)
		return -ENOMEM;
	bp->flags = flags;
	bp->fd = open(path ? path : BIGPHYS_DEFAULT_PATH, oflags);
	if (bp->fd < 0) {
		int err = neg_errno();

		free(bp);
		return err;
	}
	*bpp = bp;
	return 0;
}

void bigphys_close(struct bigphys *bp)
{
	if (!bp)
		return;
	close(bp->fd);
	free(bp);
}

int bigphys_fd(const struct bigphys *bp)
{
	return bp ? bp->fd : -EINVAL;
}

int bigphys_info(struct bigphys *bp, struct bigphys_info *info)
{
	if (!bp || !info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	return ioctl(bp->fd, BIGPHYS_IOC_INFO, info) ? neg_errno() : 0;
}

int bigphys_alloc(struct bigphys *bp, uint64_t size, uint64_t align,
		  uint32_t flags, struct bigphys_buffer *buf)
{
	struct bigphys_alloc_req req = {
		.size = size, .align = align, .flags = flags,
	};

	if (!bp || !buf)
		return -EINVAL;
	if (ioctl(bp->fd, BIGPHYS_IOC_ALLOC, &req))
		return neg_errno();
	/* As the driver does: no cache mode on an O_SYNC file is uncached. */
	if (!flags && (bp->flags & BIGPHYS_OPEN_UNCACHED))
		flags = BIGPHYS_ALLOC_UNCACHED;
	*buf = (struct bigphys_buffer){
		.id = req.id, .flags = flags, .size = req.size,
		.offset = req.offset, .phys = req.phys,
	};
	return 0;
}

int bigphys_map(struct bigphys *bp, struct bigphys_buffer *buf)
{
	void *p;

	if (!bp || !buf || buf->addr || buf->size > SIZE_MAX ||
	    buf->offset > (uint64_t)INT64_MAX)
		return -EINVAL;
	p = mmap(NULL, buf->size, PROT_READ | PROT_WRITE, MAP_SHARED, bp->fd,
		 (off_t)buf->offset);
	if (p == MAP_FAILED)
		return neg_errno();
	buf->addr = p;
	return 0;
}

int bigphys_unmap(struct bigphys_buffer *buf)
{
	if (!buf)
		return -EINVAL;
	if (!buf->addr)
		return 0;
	if (munmap(buf->addr, buf->size))
		return neg_errno();
	buf->addr = NULL;
	return 0;
}

int bigphys_sync(struct bigphys *bp, const struct bigphys_buffer *buf,
		 uint64_t offset, uint64_t length, uint32_t direction)
{
	struct bigphys_sync_req req = {
		.id = buf ? buf->id : 0, .direction = direction,
		.offset = offset, .length = length,
	};

	if (!bp || !buf)
		return -EINVAL;
	return ioctl(bp->fd, BIGPHYS_IOC_SYNC, &req) ? neg_errno() : 0;
}

int bigphys_free(struct bigphys *bp, struct bigphys_buffer *buf)
{
	struct bigphys_free_req req;
	int err;

	if (!bp || !buf)
		return -EINVAL;
	err = bigphys_unmap(buf);
	if (err)
		return err;
	req = (struct bigphys_free_req){ .id = buf->id };
	if (ioctl(bp->fd, BIGPHYS_IOC_FREE, &req))
		return neg_errno();
	buf->id = 0;
	return 0;
}

int bigphys_map_area(struct bigphys *bp, size_t length, void **addr)
{
	void *p;

	if (!bp || !addr || !length)
		return -EINVAL;
	p = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, bp->fd, 0);
	if (p == MAP_FAILED)
		return neg_errno();
	*addr = p;
	return 0;
}

int bigphys_export(struct bigphys *bp, const struct bigphys_buffer *buf,
		   unsigned int flags, int *fd)
{
	struct bigphys_export_req req;

	if (!bp || !buf || !fd)
		return -EINVAL;
	req = (struct bigphys_export_req){ .id = buf->id, .flags = flags, .fd = -1 };
	if (ioctl(bp->fd, BIGPHYS_IOC_EXPORT, &req))
		return neg_errno();
	if (req.fd < 0)
		return -EIO;	/* a kernel that did not fill it in */
	*fd = req.fd;
	return 0;
}

int bigphys_heap_alloc(const char *heap, uint64_t size, unsigned int fd_flags,
		       int *fd)
{
	struct dma_heap_allocation_data req = {
		.len = size, .fd_flags = fd_flags, .heap_flags = 0,
	};
	int hfd, err = 0;

	if (!fd || !size)
		return -EINVAL;
	/* Allocation needs no write access to the heap's device node. */
	hfd = open(heap ? heap : BIGPHYS_HEAP_DEFAULT_PATH, O_RDONLY | O_CLOEXEC);
	if (hfd < 0)
		return neg_errno();
	if (ioctl(hfd, DMA_HEAP_IOCTL_ALLOC, &req))
		err = neg_errno();
	else if ((int)req.fd < 0)
		err = -EIO;
	close(hfd);
	if (!err)
		*fd = (int)req.fd;
	return err;
}

int bigphys_dmabuf_sync(int fd, uint64_t flags)
{
	struct dma_buf_sync req = { .flags = flags };
	int ret;

	if (fd < 0)
		return -EBADF;
	do {
		ret = ioctl(fd, DMA_BUF_IOCTL_SYNC, &req);
	} while (ret && (errno == EINTR || errno == EAGAIN));
	return ret ? neg_errno() : 0;
}

/*
 * The syntax of the kernel's bigphysarea= size (mm/bigphysarea.c,
 * bigphys_parse_num()): decimal, 0x hex or 0 octal digits, then optionally
 * one K/M/G/T/P/E (either case) and, as an extension, "B" or "iB" after it.
 * Nothing else may follow: no sign, no whitespace. Sizes are in bytes here,
 * not pages. Malformed input is -EINVAL, values above UINT64_MAX -ERANGE.
 */
static unsigned int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

int bigphys_parse_size(const char *s, uint64_t *size)
{
	static const char suffixes[] = "KMGTPE";
	unsigned int base = 10, shift = 0, d;
	const char *p, *sfx;
	uint64_t v = 0;

	if (!s || !size)
		return -EINVAL;
	p = s;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (p[0] == '0') {
		base = 8;
	}
	if (digit_value(*p) >= base)
		return -EINVAL;		/* empty, "0x", sign, space, "K" */
	for (; (d = digit_value(*p)) < base; p++) {
		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	if (*p) {
		sfx = strchr(suffixes, *p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
		if (!sfx || !*sfx)
			return -EINVAL;
		p++;
		if (!strcmp(p, "B") || !strcmp(p, "iB"))
			p += strlen(p);
		if (*p)
			return -EINVAL;
		shift = 10 * (unsigned int)(sfx - suffixes + 1);
		if (v > (UINT64_MAX >> shift))
			return -ERANGE;
	}
	*size = v << shift;
	return 0;
}
