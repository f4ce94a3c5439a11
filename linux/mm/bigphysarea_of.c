// SPDX-License-Identifier: GPL-2.0
/*
 * bigphysarea: the area from a device-tree reserved-memory node
 * (Documentation/devicetree/bindings/reserved-memory/bigphysarea.yaml).
 */

#define pr_fmt(fmt) "bigphysarea: " fmt

#include <linux/crash_dump.h>
#include <linux/efi.h>
#include <linux/init.h>
#include <linux/initrd.h>
#include <linux/libfdt.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/of_fdt.h>
#include <linux/of_reserved_mem.h>
#include <linux/string.h>
#include <asm/sections.h>

#include "bigphysarea.h"

/* Without computing an end: a region may end at the top of phys_addr_t. */
static bool __init bigphys_of_overlaps(struct reserved_mem *rmem,
				       phys_addr_t start, phys_addr_t len)
{
	if (!len || !rmem->size)
		return false;
	if (start <= rmem->base)
		return rmem->base - start < len;
	return start - rmem->base < rmem->size;
}

/* Does any "reg" entry of another enabled reserved-memory node overlap? */
static bool __init bigphys_of_overlaps_node(struct reserved_mem *rmem)
{
	const void *fdt = initial_boot_params;
	int cells = dt_root_addr_cells + dt_root_size_cells;
	int node, child;

	node = fdt_path_offset(fdt, "/reserved-memory");
	if (node < 0)
		return false;
	fdt_for_each_subnode(child, fdt, node) {
		const char *status = of_get_flat_dt_prop(child, "status", NULL);
		const __be32 *reg;
		int len;

		if (child == rmem->fdt_node ||
		    (status && strcmp(status, "okay") && strcmp(status, "ok")))
			continue;
		reg = of_get_flat_dt_prop(child, "reg", &len);
		for (; reg && len >= cells * (int)sizeof(__be32);
		     len -= cells * sizeof(__be32)) {
			phys_addr_t start = dt_mem_next_cell(dt_root_addr_cells, &reg);
			phys_addr_t size = dt_mem_next_cell(dt_root_size_cells, &reg);

			if (bigphys_of_overlaps(rmem, start, size))
				return true;
		}
	}
	return false;
}

/* Is any of the region firmware's (no-map: EFI runtime, secure memory)? */
static bool __init bigphys_of_overlaps_nomap(struct reserved_mem *rmem)
{
	struct memblock_region *r;

	for_each_mem_region(r)
		if (memblock_is_nomap(r) &&
		    bigphys_of_overlaps(rmem, r->base, r->size))
			return true;
	return false;
}

/*
 * A fixed region ("reg") is reserved as the device tree says, whatever
 * else is there. The area is zeroed and handed out, so it must not
 * share its memory with anything in use this early: the kernel image,
 * the initrd, the device tree itself, /memreserve/ entries, other
 * reserved-memory regions, a crash kernel's ELF header, the EFI memory
 * map, or memory firmware keeps for itself (no-map).
 */
static const char * __init bigphys_of_conflict(struct reserved_mem *rmem)
{
	const void *fdt = initial_boot_params;
	int i;

	if (bigphys_of_overlaps(rmem, __pa_symbol(_text),
				__pa_symbol(_end) - __pa_symbol(_text)))
		return "it overlaps the kernel image";
	if (IS_ENABLED(CONFIG_BLK_DEV_INITRD) &&
	    bigphys_of_overlaps(rmem, phys_initrd_start, phys_initrd_size))
		return "it overlaps the initrd";
	if (bigphys_of_overlaps(rmem, initial_boot_params_pa,
				fdt_totalsize(fdt)))
		return "it overlaps the device tree blob";
	for (i = 0; i < fdt_num_mem_rsv(fdt); i++) {
		u64 start, len;

		if (!fdt_get_mem_rsv(fdt, i, &start, &len) &&
		    bigphys_of_overlaps(rmem, start, len))
			return "it overlaps a /memreserve/ entry";
	}
	if (bigphys_of_overlaps_node(rmem))
		return "it overlaps another reserved-memory node";
	if (IS_ENABLED(CONFIG_CRASH_DUMP) && is_kdump_kernel() &&
	    bigphys_of_overlaps(rmem, elfcorehdr_addr, elfcorehdr_size))
		return "it overlaps the crash dump's ELF header";
	if (efi_enabled(EFI_MEMMAP) &&
	    bigphys_of_overlaps(rmem, efi.memmap.phys_map,
				efi.memmap.map_end - efi.memmap.map))
		return "it overlaps the EFI memory map";
	if (bigphys_of_overlaps_nomap(rmem))
		return "it overlaps memory the firmware keeps (no-map)";
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
	bool nomap = of_get_flat_dt_prop(node, "no-map", NULL);
	const char *why = NULL;

	if (of_get_flat_dt_prop(node, "reusable", NULL))
		why = "\"reusable\" memory is lent to the page allocator";
	else if (nomap)
		why = "\"no-map\" memory is not in the kernel direct map";
	else if (!fixed && !of_get_flat_dt_prop(node, "alignment", NULL))
		/* memblock would align it to a cache line only */
		why = "a \"size\" node needs an \"alignment\" (at least the page size)";
	else if (!PAGE_ALIGNED(rmem->base) || !PAGE_ALIGNED(rmem->size))
		why = "base and size must be page aligned";
	else if (fixed)
		why = bigphys_of_conflict(rmem);
	if (!why) {
		int ret = bigphys_of_area(rmem->name, rmem->base, rmem->size,
					  fixed);

		if (!ret)
			return 0;
		why = ret == -EEXIST ?
			"bigphysarea= on the command line overrides it" :
			"another node defines the area already";
	}

	pr_err("device tree node %s (%llu KiB at %#llx) not used: %s%s\n",
	       rmem->name, (u64)rmem->size >> 10, (u64)rmem->base, why,
	       fixed ? "; the region stays reserved" : "");
	if (fixed)
		return -ENOENT;
	/* On an error the core frees allocated memory, but not if no-map. */
	if (nomap)
		memblock_phys_free(rmem->base, rmem->size);
	return -EINVAL;
}

RESERVEDMEM_OF_DECLARE(bigphysarea, "bigphysarea", bigphys_of_init);
