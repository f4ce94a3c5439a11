/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: the kernel's <uapi/linux/bpgrab.h> is our <linux/bpgrab.h>. */
#include <linux/bpgrab.h>
