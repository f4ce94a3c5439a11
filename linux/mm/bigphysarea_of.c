// SPDX-License-Identifier: GPL-2.0
/*
 * bigphysarea: the area from a device-tree reserved-memory node
 * (Documentation/devicetree/bindings/reserved-memory/bigphysarea.yaml).
 */

#define pr_fmt(fmt) "bigphysarea: " fmt

#include <linux/init.h>
#include <linux/initrd.h>
#include <linux/libfdt.h>
#include <linux/mm.h>
#include <linux/of_fdt.h>
#include <linux/of_reserved_mem.h>
#include <linux/string.h>
#include <asm/sections.h>

#include "bigphysarea.h"

static bool __init bigphys_of_overlaps(phys_addr_t base, phys_addr_t size,
				       phys_addr_t start, phys_addr_t len)
{
	return len && base < start + len && start < base + size;
}

/*
 * A fixed region ("reg") is reserved as the device tree says, whatever
 * else is there; the area must not share its memory with anything the
 * kernel knows to be in use at this point.
 */
static const char * __init bigphys_of_conflict(struct reserved_mem *rmem)
{
	const void *fdt = initial_boot_params;
	int i, node, child;

	if (bigphys_of_overlaps(rmem->base, rmem->size, __pa_symbol(_text),
				__pa_symbol(_end) - __pa_symbol(_text)))
		return "it overlaps the kernel image";
	if (IS_ENABLED(CONFIG_BLK_DEV_INITRD) &&
	    bigphys_of_overlaps(rmem->base, rmem->size, phys_initrd_start,
				phys_initrd_size))
		return "it overlaps the initrd";
	for (i = 0; i < fdt_num_mem_rsv(fdt); i++) {
		u64 start, len;

		if (!fdt_get_mem_rsv(fdt, i, &start, &len) &&
		    bigphys_of_overlaps(rmem->base, rmem->size, start, len))
			return "it overlaps a /memreserve/ entry";
	}
	node = fdt_path_offset(fdt, "/reserved-memory");
	fdt_for_each_subnode(child, fdt, node) {
		const __be32 *reg;
		const char *status;
		phys_addr_t start, len;
		int n;

		status = of_get_flat_dt_prop(child, "status", NULL);
		if (child == rmem->fdt_node ||
		    (status && strcmp(status, "okay") && strcmp(status, "ok")))
			continue;
		reg = of_get_flat_dt_prop(child, "reg", &n);
		if (!reg || n < (dt_root_addr_cells + dt_root_size_cells) *
			    (int)sizeof(__be32))
			continue;
		start = dt_mem_next_cell(dt_root_addr_cells, &reg);
		len = dt_mem_next_cell(dt_root_size_cells, &reg);
		if (bigphys_of_overlaps(rmem->base, rmem->size, start, len))
			return "it overlaps another reserved-memory node";
	}
	return NULL;
}

/*
 * Called for a node with compatible = "bigphysarea" once its memory is
 * reserved: taken from memblock for "size" (and "alloc-ranges",
 * "alignment"), or the fixed "reg". Whether the area is used is decided
 * in bigphysarea_reserve(), when the command line is known too.
 *
 * A node that cannot be the area gets one message. Memory that the
 * kernel allocated for it is given back (an error return); a fixed
 * region stays reserved as the device tree says (-ENOENT: no driver).
 */
static int __init bigphys_of_init(struct reserved_mem *rmem)
{
	unsigned long node = rmem->fdt_node;
	bool fixed = of_get_flat_dt_prop(node, "reg", NULL);
	const char *why = NULL;

	if (of_get_flat_dt_prop(node, "reusable", NULL))
		why = "\"reusable\" memory is lent to the page allocator";
	else if (of_get_flat_dt_prop(node, "no-map", NULL))
		why = "\"no-map\" memory is not in the kernel direct map";
	else if (!PAGE_ALIGNED(rmem->base) || !PAGE_ALIGNED(rmem->size))
		why = "base and size must be page aligned";
	else if (fixed)
		why = bigphys_of_conflict(rmem);
	if (!why) {
		if (!bigphys_of_area(rmem->name, rmem->base, rmem->size, fixed))
			return 0;
		why = "another node defines the area already";
	}

	pr_err("device tree node %s (%llu KiB at %#llx) not used: %s%s\n",
	       rmem->name, (u64)rmem->size >> 10, (u64)rmem->base, why,
	       fixed ? "; the region stays reserved" : "");
	return fixed ? -ENOENT : -EINVAL;
}

RESERVEDMEM_OF_DECLARE(bigphysarea, "bigphysarea", bigphys_of_init);
