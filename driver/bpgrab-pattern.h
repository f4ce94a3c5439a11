/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpgrab test pattern. Shared, unchanged, by the driver (which "captures"
 * it) and the capture application (which regenerates it to verify frames).
 */
#ifndef _BPGRAB_PATTERN_H
#define _BPGRAB_PATTERN_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stddef.h>
#include <stdint.h>
typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;
#endif

u32 bpgrab_bytesperline(u32 pixelformat, u32 width);
void bpgrab_pattern_fill(u8 *dst, u32 width, u32 height, u32 pixelformat,
			 u64 sequence);

#endif /* _BPGRAB_PATTERN_H */
