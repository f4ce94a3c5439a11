/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * /dev/bigphys: userspace access to the boot-time contiguous area
 *
 * The device hands out physically contiguous buffers from the area
 * reserved with "bigphysarea=" and maps them into the caller:
 *
 *	int fd = open("/dev/bigphys", O_RDWR | O_CLOEXEC);
 *	struct bigphys_alloc_req req = { .size = 1 << 20 };
 *
 *	ioctl(fd, BIGPHYS_IOC_ALLOC, &req);
 *	p = mmap(NULL, req.size, PROT_READ | PROT_WRITE, MAP_SHARED,
 *		 fd, req.offset);
 *	...
 *	munmap(p, req.size);
 *	struct bigphys_free_req fr = { .id = req.id };
 *	ioctl(fd, BIGPHYS_IOC_FREE, &fr);
 *
 * Buffers belong to the open file and are freed when it is closed; memory
 * still mapped is only reused after the last mapping is gone, and memory
 * whose pages are still referenced (pinned by O_DIRECT or io_uring, in a
 * pipe after vmsplice()) only after the last reference is gone. New
 * buffers are zeroed. Offset 0 maps the whole area (needs CAP_SYS_RAWIO
 * and is refused under kernel lockdown, like /dev/mem), the way classic
 * bigphysarea programs reach buffers a driver set up.
 *
 * A buffer can be exported as a dma-buf (BIGPHYS_IOC_EXPORT) for other
 * devices and APIs; the same memory is also available from the dma-buf
 * heap /dev/dma_heap/bigphys (see <linux/dma-heap.h>).
 *
 * Every struct is versioned by its size, which the ioctl number encodes;
 * reserved fields must be zero and later versions give them meaning.
 */
#ifndef _UAPI_LINUX_BIGPHYS_H
#define _UAPI_LINUX_BIGPHYS_H

#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * struct bigphys_info - BIGPHYS_IOC_INFO: the area's size and use
 * @total: size of the area in bytes
 * @free: bytes not allocated
 * @largest_free: largest free block in bytes (the largest buffer that
 *	can be allocated now)
 * @phys_base: physical address of the area; 0 unless the caller has
 *	CAP_SYS_ADMIN (as in /proc/iomem)
 * @page_size: allocation granule in bytes
 * @nr_allocs: number of live allocations in the whole area (all users),
 *	held ones included
 * @held: bytes freed by their owners whose pages still carry references
 *	(O_DIRECT or io_uring pins, pipe buffers from vmsplice()); not free,
 *	never handed out again until the last reference is gone, then
 *	returned automatically
 * @reserved: must be zero
 */
struct bigphys_info {
	__u64 total;
	__u64 free;
	__u64 largest_free;
	__u64 phys_base;
	__u32 page_size;
	__u32 nr_allocs;
	__u64 held;
	__u64 reserved[3];
};

/* Cache modes for struct bigphys_alloc_req.flags (at most one). */
#define BIGPHYS_ALLOC_UNCACHED		(1U << 0)
#define BIGPHYS_ALLOC_WRITECOMBINE	(1U << 1)
#define BIGPHYS_ALLOC_FLAGS		(BIGPHYS_ALLOC_UNCACHED | \
					 BIGPHYS_ALLOC_WRITECOMBINE)

/**
 * struct bigphys_alloc_req - BIGPHYS_IOC_ALLOC: allocate a buffer
 * @size: in: bytes wanted (> 0); out: bytes allocated, rounded up to
 *	whole pages
 * @align: in: alignment of the physical address in bytes, a power of two;
 *	0 means page alignment
 * @flags: in: BIGPHYS_ALLOC_* cache mode; 0 is cached, unless the file
 *	was opened with O_SYNC, which makes it uncached; out: the cache mode
 *	used. Uncached and write-combining buffers (and O_SYNC opens) fail
 *	with EOPNOTSUPP on architectures where the user mapping cannot be
 *	kept consistent with the kernel's (all but x86 and arm64)
 * @id: out: handle for BIGPHYS_IOC_FREE and BIGPHYS_IOC_SYNC; at most
 *	4095 buffers per open file (ENOSPC beyond)
 * @offset: out: mmap() offset of this buffer on this file, id << 32; its
 *	page offset fits 32 bits, so 32-bit processes can map it too
 * @phys: out: physical address; 0 unless the caller has CAP_SYS_ADMIN
 * @reserved: must be zero
 */
struct bigphys_alloc_req {
	__u64 size;
	__u64 align;
	__u32 flags;
	__u32 id;
	__u64 offset;
	__u64 phys;
	__u64 reserved[2];
};

/**
 * struct bigphys_free_req - BIGPHYS_IOC_FREE: free a buffer
 * @id: the buffer's id from BIGPHYS_IOC_ALLOC
 * @reserved: must be zero
 */
struct bigphys_free_req {
	__u32 id;
	__u32 reserved;
};

/* Directions for struct bigphys_sync_req.direction. */
#define BIGPHYS_SYNC_TO_DEVICE		1	/* CPU wrote, device reads */
#define BIGPHYS_SYNC_FROM_DEVICE	2	/* device wrote, CPU reads */
#define BIGPHYS_SYNC_BIDIRECTIONAL	3

/**
 * struct bigphys_sync_req - BIGPHYS_IOC_SYNC: hand a range to/from a device
 * @id: the buffer's id
 * @direction: BIGPHYS_SYNC_*
 * @offset: start of the range within the buffer in bytes
 * @length: length of the range in bytes (> 0)
 * @reserved: must be zero
 *
 * Orders the CPU's accesses against device access: drains write-combining
 * buffers and, on architectures without coherent DMA, follows the DMA
 * API: TO_DEVICE cleans (writes back) the CPU caches for the range,
 * FROM_DEVICE invalidates them. A new buffer's zeroes are already in
 * memory, so an invalidate only discards what the caller wrote.
 */
struct bigphys_sync_req {
	__u32 id;
	__u32 direction;
	__u64 offset;
	__u64 length;
	__u64 reserved;
};

/**
 * struct bigphys_export_req - BIGPHYS_IOC_EXPORT: a buffer as a dma-buf
 * @id: in: the buffer's id
 * @flags: in: O_CLOEXEC and/or O_RDWR (from <fcntl.h>), as for
 *	DMA_HEAP_IOCTL_ALLOC's fd_flags. The dma-buf is read-write whether
 *	O_RDWR is given or not (like a buffer's own mapping), so the file
 *	must be open for writing (EBADF otherwise)
 * @fd: out: a new dma-buf file descriptor for the buffer
 * @reserved: must be zero
 *
 * The buffer and the dma-buf are one object: its memory stays allocated
 * while the file's id, any dma-buf file descriptor, any mapping or any
 * pinned page holds it. BIGPHYS_IOC_FREE only drops the id, and closing
 * the dma-buf only drops the descriptor. Every export of a buffer gives
 * a descriptor of the same dma-buf. The dma-buf's mmap() is page-backed,
 * like the buffer's, and DMA_BUF_IOCTL_SYNC brackets CPU access for the
 * devices that imported it.
 */
struct bigphys_export_req {
	__u32 id;
	__u32 flags;
	__s32 fd;
	__u32 reserved;
};

#define BIGPHYS_IOC_MAGIC	0xB9
#define BIGPHYS_IOC_INFO	_IOR(BIGPHYS_IOC_MAGIC, 0x00, struct bigphys_info)
#define BIGPHYS_IOC_ALLOC	_IOWR(BIGPHYS_IOC_MAGIC, 0x01, struct bigphys_alloc_req)
#define BIGPHYS_IOC_FREE	_IOW(BIGPHYS_IOC_MAGIC, 0x02, struct bigphys_free_req)
#define BIGPHYS_IOC_SYNC	_IOW(BIGPHYS_IOC_MAGIC, 0x03, struct bigphys_sync_req)
#define BIGPHYS_IOC_EXPORT	_IOWR(BIGPHYS_IOC_MAGIC, 0x04, struct bigphys_export_req)

#endif /* _UAPI_LINUX_BIGPHYS_H */
