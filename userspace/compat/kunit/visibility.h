/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: KUnit exports are a no-op outside the kernel. */
#define EXPORT_SYMBOL_IF_KUNIT(symbol)
