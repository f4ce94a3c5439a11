/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libbigphys: physically contiguous buffers from /dev/bigphys
 *
 *	struct bigphys *bp;
 *	struct bigphys_buffer buf;
 *	int err;
 *
 *	err = bigphys_open(NULL, 0, &bp);
 *	if (!err)
 *		err = bigphys_alloc(bp, 1 << 20, 0, 0, &buf);
 *	if (!err)
 *		err = bigphys_map(bp, &buf);
 *	if (err)
 *		fprintf(stderr, "bigphys: %s\n", strerror(-err));
 *	... use buf.addr ...
 *	bigphys_free(bp, &buf);
 *	bigphys_close(bp);
 *
 * Every function returns 0 or a negative errno value and prints nothing.
 * There is no global state; a handle may be used by several threads.
 */
#ifndef BIGPHYS_H
#define BIGPHYS_H

#include <stddef.h>
#include <stdint.h>
#include <linux/bigphys.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BIGPHYS_DEFAULT_PATH	"/dev/bigphys"

/* bigphys_open() flags */
#define BIGPHYS_OPEN_UNCACHED	(1U << 0)	/* O_SYNC: buffers default uncached */

struct bigphys;

/**
 * struct bigphys_buffer - one buffer
 * @id: kernel handle
 * @flags: its cache mode (BIGPHYS_ALLOC_*): the one asked for or, when 0
 *	was asked for on a handle opened with BIGPHYS_OPEN_UNCACHED,
 *	BIGPHYS_ALLOC_UNCACHED
 * @size: size in bytes (whole pages)
 * @offset: mmap() offset on the handle's file descriptor
 * @phys: physical address, 0 unless the caller has CAP_SYS_ADMIN
 * @addr: the mapping after bigphys_map(), else NULL
 */
struct bigphys_buffer {
	uint32_t id;
	uint32_t flags;
	uint64_t size;
	uint64_t offset;
	uint64_t phys;
	void *addr;
};

int bigphys_open(const char *path, unsigned int flags, struct bigphys **bp);
void bigphys_close(struct bigphys *bp);
int bigphys_fd(const struct bigphys *bp);

int bigphys_info(struct bigphys *bp, struct bigphys_info *info);

int bigphys_alloc(struct bigphys *bp, uint64_t size, uint64_t align,
		  uint32_t flags, struct bigphys_buffer *buf);
int bigphys_map(struct bigphys *bp, struct bigphys_buffer *buf);
int bigphys_unmap(struct bigphys_buffer *buf);
int bigphys_sync(struct bigphys *bp, const struct bigphys_buffer *buf,
		 uint64_t offset, uint64_t length, uint32_t direction);
int bigphys_free(struct bigphys *bp, struct bigphys_buffer *buf);

int bigphys_map_area(struct bigphys *bp, size_t length, void **addr);

int bigphys_parse_size(const char *s, uint64_t *size);

#ifdef __cplusplus
}
#endif

#endif /* BIGPHYS_H */
