/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: memcpy() and friends. */
#include <string.h>
