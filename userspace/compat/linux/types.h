/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: kernel integer types for driver/bpgrab-pattern.c. */
#ifndef BIGPHYS_COMPAT_LINUX_TYPES_H
#define BIGPHYS_COMPAT_LINUX_TYPES_H
#include_next <linux/types.h>
#include <stddef.h>
#include <stdint.h>
typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;
#endif
