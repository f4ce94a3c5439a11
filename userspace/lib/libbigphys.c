// SPDX-License-Identifier: LGPL-2.1-or-later
/* libbigphys: thin errno-style wrapper around the /dev/bigphys ioctls. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bigphys.h"

struct bigphys {
	int fd;
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

int bigphys_parse_size(const char *s, uint64_t *size)
{
	static const char suffixes[] = "KMGTPE";
	unsigned long long v;
	const char *sfx;
	char *end;
	unsigned int shift = 0;

	if (!s || !size || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno == ERANGE)
		return -ERANGE;
	if (end == s)
		return -EINVAL;
	if (*end) {
		sfx = strchr(suffixes, *end & ~0x20);
		if (!sfx || (end[1] && strcmp(end + 1, "iB") && strcmp(end + 1, "B")))
			return -EINVAL;
		shift = 10 * (unsigned int)(sfx - suffixes + 1);
	}
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*size = (uint64_t)v << shift;
	return 0;
}
