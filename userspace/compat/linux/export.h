/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: nothing is exported outside the kernel. */
