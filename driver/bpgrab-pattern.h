/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpgrab test pattern. Shared, unchanged, by the driver (which "captures"
 * it) and the capture application (which regenerates it to verify frames,
 * building this file against the small shims in userspace/compat/).
 */
#ifndef _BPGRAB_PATTERN_H
#define _BPGRAB_PATTERN_H

#include <linux/types.h>

u32 bpgrab_bytesperline(u32 pixelformat, u32 width);
void bpgrab_pattern_background(u8 *dst, u32 width, u32 height, u32 pixelformat);
void bpgrab_pattern_overlay(u8 *dst, u32 width, u32 height, u32 pixelformat,
			    u64 sequence);
void bpgrab_pattern_fill(u8 *dst, u32 width, u32 height, u32 pixelformat,
			 u64 sequence);

#endif /* _BPGRAB_PATTERN_H */
