/* SPDX-License-Identifier: GPL-2.0 */
/* bigphysarea: the boot parameter and the reservation, shared with the tests. */
#ifndef __MM_BIGPHYSAREA_H__
#define __MM_BIGPHYSAREA_H__

#include <linux/types.h>

/**
 * struct bigphys_param - a parsed "bigphysarea=" boot parameter
 * @size: bytes to reserve, a multiple of PAGE_SIZE
 * @start: lowest physical address the area may start at
 * @end: highest physical address + 1 the area may end at (0: no limit)
 * @fixed: the area must start exactly at @start
 * @rounded: @size, @start or @end was rounded to a page boundary
 */
struct bigphys_param {
	u64 size;
	u64 start;
	u64 end;
	bool fixed;
	bool rounded;
};

int bigphys_parse_param(const char *arg, struct bigphys_param *p,
			const char **why);

bool bigphys_reserved(phys_addr_t *base, size_t *size);

/* Writers of the area's free memory (whole-area mappings), bigphysarea_api.c */
void bigphys_area_writer_get(void);
void bigphys_area_writer_put(void);

int bigphys_of_area(const char *name, phys_addr_t base, phys_addr_t size,
		    bool fixed);

#endif /* __MM_BIGPHYSAREA_H__ */
