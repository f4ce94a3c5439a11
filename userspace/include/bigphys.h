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
/* The area's dma-buf heap (see <linux/dma-heap.h>) */
#define BIGPHYS_HEAP_DEFAULT_PATH	"/dev/dma_heap/bigphys"

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

/**
 * bigphys_export() - a buffer of @bp as a dma-buf (BIGPHYS_IOC_EXPORT)
 * @bp: the handle the buffer was allocated on
 * @buf: the buffer (from bigphys_alloc())
 * @flags: O_CLOEXEC and/or O_RDWR from <fcntl.h>, passed to the kernel
 *	unchanged (it refuses anything else with -EINVAL)
 * @fd: out: a new dma-buf file descriptor, set only on success
 *
 * The buffer and the dma-buf are one object: its memory stays allocated
 * while the buffer's id, any dma-buf descriptor, any mapping or any pinned
 * page holds it, so bigphys_free() and bigphys_close() do not end a
 * dma-buf's life; close(*fd) drops the descriptor. Every export of a
 * buffer gives a descriptor of the same dma-buf.
 *
 * Return: 0; -EINVAL for a NULL argument or bad flags; -ENOENT when the
 * buffer is not (or no longer) one of @bp's; -ENOTTY when the kernel has
 * no BIGPHYS_IOC_EXPORT; -EMFILE and other errors of the kernel.
 */
int bigphys_export(struct bigphys *bp, const struct bigphys_buffer *buf,
		   unsigned int flags, int *fd);

/**
 * bigphys_heap_alloc() - a zeroed dma-buf from a dma-buf heap
 * @heap: path of the heap, NULL for BIGPHYS_HEAP_DEFAULT_PATH
 * @size: bytes wanted (> 0); the kernel rounds up to whole pages
 * @fd_flags: O_CLOEXEC and/or O_RDWR from <fcntl.h> for the new descriptor
 *	(DMA_HEAP_IOCTL_ALLOC's fd_flags, passed unchanged)
 * @fd: out: the dma-buf's file descriptor, set only on success
 *
 * Opens the heap, allocates with heap_flags 0 and closes the heap again:
 * the dma-buf is all that remains. Its size is lseek(*fd, 0, SEEK_END);
 * map it with mmap(MAP_SHARED) on *fd at offset 0 and bracket CPU access
 * with bigphys_dmabuf_sync(). Memory of the bigphys heap is page-backed,
 * so O_DIRECT and io_uring work on such a mapping.
 *
 * Return: 0; -EINVAL for a NULL @fd, size 0 or flags the kernel refuses;
 * the error of open() (-ENOENT: no such heap, -EACCES), -ENOMEM when no
 * block is large enough, -ENOTTY when @heap is not a dma-buf heap.
 */
int bigphys_heap_alloc(const char *heap, uint64_t size, unsigned int fd_flags,
		       int *fd);

/**
 * bigphys_dmabuf_sync() - start or end CPU access to a dma-buf
 * @fd: a dma-buf file descriptor (bigphys_export(), bigphys_heap_alloc()
 *	or any other exporter's)
 * @flags: DMA_BUF_SYNC_START or DMA_BUF_SYNC_END, or'ed with
 *	DMA_BUF_SYNC_READ, DMA_BUF_SYNC_WRITE or DMA_BUF_SYNC_RW (from
 *	<linux/dma-buf.h>)
 *
 * DMA_BUF_IOCTL_SYNC, retried while it is interrupted (-EINTR, -EAGAIN),
 * as the dma-buf documentation asks of callers.
 *
 * Return: 0; -EINVAL for bad flags; -EBADF or -ENOTTY when @fd is not a
 * dma-buf.
 */
int bigphys_dmabuf_sync(int fd, uint64_t flags);

int bigphys_parse_size(const char *s, uint64_t *size);

#ifdef __cplusplus
}
#endif

#endif /* BIGPHYS_H */
