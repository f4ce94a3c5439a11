/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: 64-bit division helpers for driver/bpgrab-pattern.c. */
#ifndef BIGPHYS_COMPAT_LINUX_MATH64_H
#define BIGPHYS_COMPAT_LINUX_MATH64_H
#include <linux/types.h>

static inline u64 div_u64_rem(u64 dividend, u32 divisor, u32 *remainder)
{
	*remainder = dividend % divisor;
	return dividend / divisor;
}
#endif
