/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: <linux/videodev2.h> uses struct timespec (C11 <time.h>). */
#ifndef BIGPHYS_COMPAT_LINUX_VIDEODEV2_H
#define BIGPHYS_COMPAT_LINUX_VIDEODEV2_H
#include <time.h>
#include_next <linux/videodev2.h>
#endif
