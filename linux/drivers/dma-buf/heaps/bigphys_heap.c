// SPDX-License-Identifier: GPL-2.0
/* The "bigphys" dma-buf heap: contiguous buffers from the boot-time area. */

#define pr_fmt(fmt) "bigphys_heap: " fmt

#include <linux/bigphysarea.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/err.h>
#include <linux/init.h>
#include <linux/sched.h>

/*
 * Buffers are area buffers (bigphys_dmabuf_alloc()): the area's allocator,
 * zeroing, lifetime and page-backed mappings, shared with /dev/bigphys.
 * Unlike the CMA heap an allocation never migrates pages, and unlike every
 * other heap its user mappings work with O_DIRECT and io_uring.
 */
static struct dma_buf *bigphys_heap_allocate(struct dma_heap *heap,
					     unsigned long len, u32 fd_flags,
					     u64 heap_flags)
{
	char owner[TASK_COMM_LEN];

	/* No heap flags exist; the dma-heap core refuses any (EINVAL). */
	get_task_comm(owner, current);
	return bigphys_dmabuf_alloc(len, 0, BIGPHYS_CACHED, fd_flags, owner);
}

static const struct dma_heap_ops bigphys_heap_ops = {
	.allocate = bigphys_heap_allocate,
};

static int __init bigphys_heap_init(void)
{
	struct dma_heap_export_info exp_info = {
		.name	= "bigphys",
		.ops	= &bigphys_heap_ops,
	};
	struct dma_heap *heap;
	phys_addr_t base;
	size_t size;

	if (bigphys_area(&base, &size))
		return 0;	/* booted without bigphysarea= */
	heap = dma_heap_add(&exp_info);
	if (IS_ERR(heap)) {
		pr_err("cannot add the heap: %ld\n", PTR_ERR(heap));
		return PTR_ERR(heap);
	}
	return 0;
}
device_initcall(bigphys_heap_init);
