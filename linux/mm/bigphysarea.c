// SPDX-License-Identifier: GPL-2.0
/* bigphysarea: reserve a large physically contiguous memory area at boot. */

#define pr_fmt(fmt) "bigphysarea: " fmt

#include <linux/ctype.h>
#include <linux/init.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/kmemleak.h>
#include <linux/kstrtox.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/string.h>

#include "internal.h"
#include "bigphysarea.h"

static struct bigphys_param bigphys_request __initdata;
static bool bigphys_requested __initdata;
static bool bigphys_param_seen __initdata;

/**
 * struct bigphys_of - the area a device-tree reserved-memory node defines
 * @name: the node's name
 * @base: physical base of its reserved memory
 * @size: its size in bytes; 0 if no node defines an area
 * @fixed: a "reg" region; else memblock allocated it for the node
 */
static struct bigphys_of {
	const char *name;
	phys_addr_t base;
	phys_addr_t size;
	bool fixed;
} bigphys_of __initdata;

/* The reservation, fixed once made; bigphys_size == 0 means no area. */
static phys_addr_t bigphys_base __ro_after_init;
static size_t bigphys_size __ro_after_init;

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
 * asks for a fixed base, which must be page aligned; START-END (START may
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
	if (p->start > PHYS_ADDR_MAX || (have_end && p->end && p->end - 1 > PHYS_ADDR_MAX)) {
		*why = "placement is above the physical address limit";
		return -ERANGE;
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
	else if (!memblock_is_map_memory(p->start))
		why = "it is marked no-map (firmware or device tree)";
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
	/* As memblock_phys_alloc_range() does: usable in TDX/SNP guests. */
	accept_memory(p->start, p->size);
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
	if (!base) {
		pr_err("cannot reserve %llu KiB in [%#llx-%#llx]: not enough free contiguous memory; no area reserved\n",
		       p->size >> 10, p->start, (u64)end - 1);
		return 0;
	}
	/* GiBs of DMA data and uncached pages: kmemleak must not scan them. */
	kmemleak_ignore_phys(base);
	return base;
}

/**
 * bigphys_of_area() - offer the memory of a device-tree node as the area
 * @name: the reserved-memory node's name (kept: the flattened tree stays)
 * @base: physical base of the memory reserved for it
 * @size: its size in bytes, a multiple of PAGE_SIZE
 * @fixed: the node has a "reg" region; else memblock allocated the memory
 *
 * Called by mm/bigphysarea_of.c while the device tree's reserved memory
 * is set up, before bigphysarea_reserve().
 *
 * Return: 0; -EEXIST if "bigphysarea=" is on the command line (device-tree
 * architectures parse early parameters first: the node's memory can go
 * back at once); or -EBUSY if another node has offered an area already.
 */
int __init bigphys_of_area(const char *name, phys_addr_t base,
			   phys_addr_t size, bool fixed)
{
	if (bigphys_param_seen)
		return -EEXIST;
	if (bigphys_of.size)
		return -EBUSY;
	bigphys_of.name = name;
	bigphys_of.base = base;
	bigphys_of.size = size;
	bigphys_of.fixed = fixed;
	return 0;
}

/*
 * The device tree's area, unless "bigphysarea=" is on the command line:
 * that one wins, and memory memblock allocated for the node is given back
 * (a fixed region stays reserved, as the device tree says).
 */
static phys_addr_t __init bigphys_reserve_of(phys_addr_t limit)
{
	const struct bigphys_of *p = &bigphys_of;
	const char *why = NULL;

	if (bigphys_param_seen)
		why = "bigphysarea= on the command line overrides it";
	else if (!memblock_is_region_memory(p->base, p->size))
		why = "it is not all RAM";
	else if (!memblock_is_map_memory(p->base))
		why = "it is marked no-map";
	else if (p->base > limit || p->size > limit - p->base)
		why = "it is not in the kernel direct map";
	if (why) {
		if (!p->fixed)
			memblock_phys_free(p->base, p->size);
		pr_warn("device tree node %s (%llu KiB at %#llx) not used: %s%s\n",
			p->name, (u64)p->size >> 10, (u64)p->base, why,
			p->fixed ? "; the region stays reserved" : "");
		return 0;
	}
	/* kmemleak: the device-tree code has it ignore what it allocates. */
	return p->base;
}

/**
 * bigphysarea_reserve() - reserve the area requested with "bigphysarea="
 *
 * Called from mm_core_init() after the memory map is set up and before
 * memblock hands its free memory to the page allocator, so it works the
 * same on every architecture that uses memblock. The area is taken from
 * the top of the allowed range, within the kernel direct map. Without
 * the parameter, a device-tree reserved-memory node can define the area
 * (mm/bigphysarea_of.c).
 */
void __init bigphysarea_reserve(void)
{
	phys_addr_t limit = memblock_get_current_limit();
	phys_addr_t base = 0;
	size_t size = bigphys_request.size;

	if (bigphys_of.size) {
		base = bigphys_reserve_of(limit);
		if (base)
			size = bigphys_of.size;
	}
	if (bigphys_requested && bigphys_request.fixed)
		base = bigphys_reserve_fixed(&bigphys_request, limit);
	else if (bigphys_requested)
		base = bigphys_reserve_range(&bigphys_request, limit);
	if (!base)
		return;

	bigphys_base = base;
	bigphys_size = size;
	pr_info("reserved %zu KiB at [mem %pa-%#llx]\n", bigphys_size >> 10,
		&bigphys_base, (u64)bigphys_base + bigphys_size - 1);
}

/**
 * bigphys_reserved() - where the boot-time reservation is
 * @base: set to its physical base address
 * @size: set to its size in bytes
 *
 * Return: true if an area was reserved.
 */
bool bigphys_reserved(phys_addr_t *base, size_t *size)
{
	*base = bigphys_base;
	*size = bigphys_size;
	return bigphys_size;
}

/* Publish the area in /proc/iomem. */
static int __init bigphysarea_iomem_init(void)
{
	if (!bigphys_size)
		return 0;
	bigphys_resource.start = bigphys_base;
	bigphys_resource.end = bigphys_base + bigphys_size - 1;
	if (insert_resource(&iomem_resource, &bigphys_resource))
		pr_warn("cannot register the area in /proc/iomem\n");
	return 0;
}
core_initcall(bigphysarea_iomem_init);
