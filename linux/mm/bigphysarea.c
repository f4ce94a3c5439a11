// SPDX-License-Identifier: GPL-2.0
/* bigphysarea: reserve a large physically contiguous memory area at boot. */

#define pr_fmt(fmt) "bigphysarea: " fmt

#include <linux/bigphysarea.h>
#include <linux/ctype.h>
#include <linux/dma-direct.h>
#include <linux/export.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/log2.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "internal.h"
#include "bigphysarea.h"

static struct bigphys_param bigphys_request __initdata;
static bool bigphys_requested __initdata;
static bool bigphys_param_seen __initdata;

/* The reservation, fixed once made; bigphys_size == 0 means no area. */
static phys_addr_t bigphys_base __ro_after_init;
static size_t bigphys_size __ro_after_init;

/* The allocator over the area; usable once bigphys_ready is set. */
static struct bigphys_pool bigphys_pool;
static bool bigphys_ready __ro_after_init;

static struct resource bigphys_resource = {
	.name	= "Bigphysarea",
	.flags	= IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY,
};

/*
 * Parse a number with an optional K/M/G/T/P/E suffix like memparse(), but
 * reject overflow instead of wrapping around. Advances *s past it.
 */
static int bigphys_parse_num(const char **s, u64 *val, bool *suffixed)
{
	const char *p = *s;
	bool hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
	size_t n = hex ? 2 : 0;
	static const char suffixes[] = "KMGTPE";
	const char *suffix;
	unsigned int shift = 0;
	char buf[24];
	int ret;

	while (hex ? isxdigit(p[n]) : isdigit(p[n]))
		n++;
	if (n == (hex ? 2 : 0))
		return -EINVAL;
	if (n >= sizeof(buf))
		return -ERANGE;
	memcpy(buf, p, n);
	buf[n] = '\0';
	ret = kstrtoull(buf, 0, val);
	if (ret)
		return ret;

	suffix = p[n] ? strchr(suffixes, toupper(p[n])) : NULL;
	if (suffix) {
		shift = 10 * (suffix - suffixes + 1);
		n++;
	}
	if (shift && *val > (U64_MAX >> shift))
		return -ERANGE;
	*val <<= shift;
	*suffixed = shift;
	*s = p + n;
	return 0;
}

/**
 * bigphys_parse_param() - parse the value of "bigphysarea="
 * @arg: the value: SIZE[@[START][-END]]
 * @p: result
 * @why: on error, set to a short description of what is wrong
 *
 * SIZE without a K/M/G/... suffix counts pages, as in the classic patch;
 * with a suffix it is in bytes and is rounded up to whole pages. START alone
 * asks for a fixed base, which must be page aligned; START-END (either may
 * be left out) limits where the area may be placed and is rounded inwards
 * to page boundaries. END is exclusive.
 *
 * Return: 0 on success, -EINVAL for malformed input, -ERANGE for overflow.
 */
int bigphys_parse_param(const char *arg, struct bigphys_param *p,
			const char **why)
{
	const char *s = arg;
	bool suffixed, have_start = false, have_end = false;
	u64 size;
	int ret;

	memset(p, 0, sizeof(*p));
	if (!s || !*s) {
		*why = "missing size";
		return -EINVAL;
	}
	ret = bigphys_parse_num(&s, &size, &suffixed);
	if (ret) {
		*why = ret == -ERANGE ? "size is too large" : "size is not a number";
		return ret;
	}
	if (!suffixed) {
		if (size > (U64_MAX >> PAGE_SHIFT)) {
			*why = "page count is too large";
			return -ERANGE;
		}
		size <<= PAGE_SHIFT;
	}
	if (!size) {
		*why = "size is zero";
		return -EINVAL;
	}
	if (size > SIZE_MAX - PAGE_SIZE + 1 || size > PHYS_ADDR_MAX - PAGE_SIZE + 1) {
		*why = "size is too large";
		return -ERANGE;
	}
	if (!PAGE_ALIGNED(size)) {
		size = PAGE_ALIGN(size);
		p->rounded = true;
	}
	p->size = size;

	if (*s == '@') {
		s++;
		if (*s != '-') {
			ret = bigphys_parse_num(&s, &p->start, &suffixed);
			if (ret) {
				*why = ret == -ERANGE ? "start is too large" :
							"start is not a number";
				return ret;
			}
			have_start = true;
		}
		if (*s == '-') {
			s++;
			ret = bigphys_parse_num(&s, &p->end, &suffixed);
			if (ret) {
				*why = ret == -ERANGE ? "end is too large" :
							"end is not a number";
				return ret;
			}
			have_end = true;
		}
		if (!have_start && !have_end) {
			*why = "missing placement after '@'";
			return -EINVAL;
		}
	}
	if (*s) {
		*why = "unexpected characters";
		return -EINVAL;
	}

	if (have_start && !have_end) {
		p->fixed = true;
		if (!PAGE_ALIGNED(p->start)) {
			*why = "fixed base is not page aligned";
			return -EINVAL;
		}
		if (p->start > PHYS_ADDR_MAX - size) {
			*why = "base + size overflows";
			return -ERANGE;
		}
		return 0;
	}

	if (!PAGE_ALIGNED(p->start)) {
		if (p->start > U64_MAX - PAGE_SIZE) {
			*why = "start is too large";
			return -ERANGE;
		}
		p->start = PAGE_ALIGN(p->start);
		p->rounded = true;
	}
	if (have_end) {
		if (!PAGE_ALIGNED(p->end)) {
			p->end = round_down(p->end, PAGE_SIZE);
			p->rounded = true;
		}
		if (p->end <= p->start) {
			*why = "empty placement range";
			return -EINVAL;
		}
		if (p->end - p->start < size) {
			*why = "placement range is smaller than the size";
			return -EINVAL;
		}
	}
	return 0;
}

static int __init bigphys_early_param(char *arg)
{
	const char *why;

	if (bigphys_param_seen) {
		pr_err("bigphysarea=%s ignored: the parameter was already given\n",
		       arg ?: "");
		return 0;
	}
	bigphys_param_seen = true;

	if (bigphys_parse_param(arg, &bigphys_request, &why)) {
		pr_err("invalid bigphysarea=%s: %s; no area reserved\n",
		       arg ?: "", why);
		return 0;
	}
	bigphys_requested = true;
	if (bigphys_request.rounded)
		pr_warn("bigphysarea=%s rounded to page boundaries: %llu KiB in [%#llx-%#llx]\n",
			arg, bigphys_request.size >> 10, bigphys_request.start,
			bigphys_request.end ? bigphys_request.end - 1 : U64_MAX);
	return 0;
}
early_param("bigphysarea", bigphys_early_param);

static phys_addr_t __init bigphys_reserve_fixed(const struct bigphys_param *p,
						phys_addr_t limit)
{
	const char *why = NULL;

	if (!memblock_is_region_memory(p->start, p->size))
		why = "it is not all RAM";
	else if (p->start + p->size > limit)
		why = "it is not in the kernel direct map";
	else if (memblock_is_region_reserved(p->start, p->size))
		why = "it is already in use";
	else if (memblock_reserve(p->start, p->size))
		why = "memblock_reserve() failed";

	if (why) {
		pr_err("cannot reserve %llu KiB at %#llx: %s; no area reserved\n",
		       p->size >> 10, p->start, why);
		return 0;
	}
	return p->start;
}

static phys_addr_t __init bigphys_reserve_range(const struct bigphys_param *p,
						phys_addr_t limit)
{
	phys_addr_t end = p->end ? min_t(u64, p->end, limit) : limit;
	phys_addr_t base = 0;

	/* A 2 MiB aligned area keeps the direct map's huge pages intact. */
	if (p->size >= PMD_SIZE)
		base = memblock_phys_alloc_range(p->size, PMD_SIZE, p->start, end);
	if (!base)
		base = memblock_phys_alloc_range(p->size, PAGE_SIZE, p->start, end);
	if (!base)
		pr_err("cannot reserve %llu KiB in [%#llx-%#llx]: not enough free contiguous memory; no area reserved\n",
		       p->size >> 10, p->start, (u64)end - 1);
	return base;
}

/**
 * bigphysarea_reserve() - reserve the area requested with "bigphysarea="
 *
 * Called from mm_core_init() after the memory map is set up and before
 * memblock hands its free memory to the page allocator, so it works the
 * same on every architecture that uses memblock. The area is taken from
 * the top of the allowed range, within the kernel direct map.
 */
void __init bigphysarea_reserve(void)
{
	phys_addr_t limit = memblock_get_current_limit();
	phys_addr_t base;

	if (!bigphys_requested)
		return;

	if (bigphys_request.fixed)
		base = bigphys_reserve_fixed(&bigphys_request, limit);
	else
		base = bigphys_reserve_range(&bigphys_request, limit);
	if (!base)
		return;

	bigphys_base = base;
	bigphys_size = bigphys_request.size;
	pr_info("reserved %zu KiB at [mem %pa-%#llx]\n", bigphys_size >> 10,
		&bigphys_base, (u64)bigphys_base + bigphys_size - 1);
}

/**
 * bigphysarea_alloc_pages() - allocate pages from the area (classic interface)
 * @count: number of pages
 * @align: alignment in pages, any positive value; 0 means one page. The
 *	physical address of the result is a multiple of @align pages.
 * @priority: GFP flags: GFP_KERNEL, or GFP_ATOMIC in atomic context
 *
 * Context: any context with GFP_ATOMIC.
 * Return: the kernel virtual address of the first page, or NULL if there is
 * no area, the arguments are invalid or no such block is free.
 */
void *bigphysarea_alloc_pages(int count, int align, int priority)
{
	char owner[BIGPHYS_OWNER_LEN];

	if (!bigphys_ready || count <= 0 || align < 0)
		return NULL;
	snprintf(owner, sizeof(owner), "%ps", __builtin_return_address(0));
	return bigphys_pool_alloc(&bigphys_pool, (size_t)count << PAGE_SHIFT,
				  align, (__force gfp_t)priority, owner);
}
EXPORT_SYMBOL(bigphysarea_alloc_pages);

/**
 * bigphysarea_free_pages() - free pages from bigphysarea_alloc_pages()
 * @base: the address returned by bigphysarea_alloc_pages(); NULL is ignored
 *
 * An address that is not the start of a live allocation is reported once
 * and otherwise ignored.
 *
 * Context: any context.
 */
void bigphysarea_free_pages(void *base)
{
	if (base && bigphys_ready)
		bigphys_pool_free(&bigphys_pool, base, NULL);
}
EXPORT_SYMBOL(bigphysarea_free_pages);

/**
 * bigphysarea_alloc() - allocate bytes from the area (classic interface)
 * @size: size in bytes, rounded up to whole pages
 *
 * Context: process context; may sleep.
 * Return: a page aligned kernel virtual address, or NULL.
 */
void *bigphysarea_alloc(int size)
{
	char owner[BIGPHYS_OWNER_LEN];

	if (!bigphys_ready || size <= 0)
		return NULL;
	snprintf(owner, sizeof(owner), "%ps", __builtin_return_address(0));
	return bigphys_pool_alloc(&bigphys_pool, size, 1, GFP_KERNEL, owner);
}
EXPORT_SYMBOL(bigphysarea_alloc);

/**
 * bigphysarea_free() - free memory from bigphysarea_alloc()
 * @addr: the address returned by bigphysarea_alloc(); NULL is ignored
 * @size: ignored; the whole allocation is freed, as in the classic patch
 *
 * Context: any context.
 */
void bigphysarea_free(void *addr, int size)
{
	bigphysarea_free_pages(addr);
}
EXPORT_SYMBOL(bigphysarea_free);

/**
 * bigphys_alloc() - allocate a physically contiguous buffer from the area
 * @size: size in bytes, rounded up to whole pages
 * @align: alignment of the physical address in bytes, a power of two;
 *	0 means PAGE_SIZE
 * @gfp: GFP_KERNEL or GFP_ATOMIC; add __GFP_ZERO to get zeroed memory
 * @owner: name shown in the statistics, e.g. dev_name(dev) (copied)
 * @buf: filled in on success
 *
 * Context: any context with GFP_ATOMIC (zeroing large buffers takes time).
 * Return: 0, -ENODEV if no area was reserved, -EINVAL for a zero size or a
 * bad alignment, -ENOMEM if no suitable block is free.
 */
int bigphys_alloc(size_t size, size_t align, gfp_t gfp, const char *owner,
		  struct bigphys_buf *buf)
{
	void *vaddr;

	if (!bigphys_ready)
		return -ENODEV;
	if (!size || (align && !is_power_of_2(align)))
		return -EINVAL;
	if (size > bigphys_pool.size || align > bigphys_pool.size)
		return -ENOMEM;

	vaddr = bigphys_pool_alloc(&bigphys_pool, size, align >> PAGE_SHIFT,
				   gfp, owner);
	if (!vaddr)
		return -ENOMEM;
	buf->vaddr = vaddr;
	buf->phys = virt_to_phys(vaddr);
	buf->size = PAGE_ALIGN(size);
	return 0;
}
EXPORT_SYMBOL_GPL(bigphys_alloc);

/**
 * bigphys_free() - free a buffer from bigphys_alloc()
 * @buf: the buffer; @buf->vaddr is cleared. A cleared buffer is ignored.
 *
 * Context: any context.
 */
void bigphys_free(struct bigphys_buf *buf)
{
	if (!buf || !buf->vaddr || !bigphys_ready)
		return;
	bigphys_pool_free(&bigphys_pool, buf->vaddr, NULL);
	buf->vaddr = NULL;
}
EXPORT_SYMBOL_GPL(bigphys_free);

/**
 * bigphys_dma_addr() - the address a device uses to reach a buffer
 * @dev: the device doing DMA
 * @buf: a buffer from bigphys_alloc()
 *
 * For devices that reach memory without an IOMMU translating for them,
 * which is what the area is for. Devices behind an IOMMU should use
 * dma_map_page() on virt_to_page(@buf->vaddr) instead.
 *
 * Return: the bus address of @buf's first byte as seen by @dev.
 */
dma_addr_t bigphys_dma_addr(struct device *dev, const struct bigphys_buf *buf)
{
	return phys_to_dma(dev, buf->phys);
}
EXPORT_SYMBOL_GPL(bigphys_dma_addr);

/**
 * bigphys_get_stats() - report the area's size and use
 * @stats: filled in on success
 *
 * Return: 0, or -ENODEV if no area was reserved.
 */
int bigphys_get_stats(struct bigphys_stats *stats)
{
	if (!bigphys_ready)
		return -ENODEV;
	bigphys_pool_stats(&bigphys_pool, stats);
	return 0;
}
EXPORT_SYMBOL_GPL(bigphys_get_stats);

/**
 * bigphys_contains() - whether a physical range lies within the area
 * @phys: physical start address
 * @size: length in bytes
 *
 * Return: true if [@phys, @phys + @size) is inside the area.
 */
bool bigphys_contains(phys_addr_t phys, size_t size)
{
	return bigphys_ready && phys >= bigphys_base &&
	       size <= bigphys_size && phys - bigphys_base <= bigphys_size - size;
}
EXPORT_SYMBOL_GPL(bigphys_contains);

/* The pool over the boot area for debugfs, or NULL if there is none. */
struct bigphys_pool *bigphys_boot_pool(void)
{
	return bigphys_ready ? &bigphys_pool : NULL;
}

/* /proc/bigphysarea, in the format of the classic patch. */
static int bigphys_proc_show(struct seq_file *m, void *v)
{
	struct bigphys_stats st;

	if (bigphys_get_stats(&st)) {
		seq_puts(m, "No big physical area allocated!\n");
		return 0;
	}
	seq_printf(m, "Big physical area, size %zu kB\n", st.size >> 10);
	seq_puts(m, "                       free list:             used list:\n");
	seq_printf(m, "number of blocks:      %8lu               %8lu\n",
		   st.nr_free_blocks, st.nr_allocs);
	seq_printf(m, "size of largest block: %8zu kB            %8zu kB\n",
		   st.largest_free >> 10, st.largest_used >> 10);
	seq_printf(m, "total:                 %8zu kB            %8zu kB\n",
		   st.free >> 10, (st.size - st.free) >> 10);
	return 0;
}

static int __init bigphysarea_init(void)
{
	int ret;

	proc_create_single("bigphysarea", 0444, NULL, bigphys_proc_show);
	if (!bigphys_size)
		return 0;

	bigphys_resource.start = bigphys_base;
	bigphys_resource.end = bigphys_base + bigphys_size - 1;
	if (insert_resource(&iomem_resource, &bigphys_resource))
		pr_warn("cannot register the area in /proc/iomem\n");

	ret = bigphys_pool_init(&bigphys_pool, phys_to_virt(bigphys_base),
				bigphys_base, bigphys_size);
	if (ret) {
		pr_err("cannot set up the allocator (%d); area unused\n", ret);
		return ret;
	}
	bigphys_ready = true;
	return 0;
}
core_initcall(bigphysarea_init);
