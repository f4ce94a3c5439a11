/* SPDX-License-Identifier: GPL-2.0 */
/* bigphysarea: area buffers as dma-bufs, the internals shared between files. */
#ifndef __MM_BIGPHYSAREA_DMABUF_H__
#define __MM_BIGPHYSAREA_DMABUF_H__

#include <linux/bigphysarea.h>
#include <linux/init.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/pgtable.h>
#include <linux/types.h>

/**
 * struct bigphys_dmabuf - an area buffer behind a dma-buf
 * @buf: the memory
 * @cache: the cache mode; the direct map is switched to it while the
 *	buffer exists, so that no alias disagrees with a user's mapping
 * @dma: @buf mapped on bigphys_maint for range cache maintenance
 * @lock: protects @attachments, their @mapped, @vmap_cnt and @vaddr
 * @attachments: the importers' struct bigphys_attachment
 * @vmap_cnt: kernel mappings handed out by vmap
 * @vaddr: the kernel mapping while @vmap_cnt > 0
 * @vmapped: @vaddr is a vmap() of its own, not the direct map
 *
 * The dma-buf's file is the buffer's reference count: every holder (a
 * /dev/bigphys id, a dma-buf file descriptor, a user mapping, an
 * importer) holds the file, and the memory goes back to the area in
 * bigphys_dmabuf_release(), under the area's rules for pinned pages.
 */
struct bigphys_dmabuf {
	struct bigphys_buf buf;
	enum bigphys_cache cache;
	dma_addr_t dma;
	struct mutex lock;	/* see the kernel-doc above */
	struct list_head attachments;
	unsigned int vmap_cnt;
	void *vaddr;
	bool vmapped;
};

/* Cache modes and cache maintenance, bigphysarea_cache.c */
int __init bigphys_maint_init(void);
int bigphys_maint_map(struct bigphys_dmabuf *b);
void bigphys_maint_unmap(struct bigphys_dmabuf *b);
int bigphys_make_uncached(struct bigphys_dmabuf *b);
int bigphys_make_cached(struct bigphys_dmabuf *b);
pgprot_t bigphys_pgprot(enum bigphys_cache cache, pgprot_t prot);

/* The whole-area mapping, bigphysarea_areamap.c */
int __init bigphys_areamap_init(phys_addr_t base, size_t size);
void __init bigphys_areamap_exit(void);
int bigphys_area_forbid(phys_addr_t phys, size_t size);
void bigphys_area_allow(phys_addr_t phys);

#endif /* __MM_BIGPHYSAREA_DMABUF_H__ */
