// SPDX-License-Identifier: GPL-2.0
/* Host-side unit tests of libbigphys: parsing and errno-style errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/dma-buf.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "bigphys.h"

#define TAP_PREFIX "libbigphys"
#include "../tools/tap.h"

static const struct {
	const char *in;
	int ret;
	uint64_t out;
} sizes[] = {
	{ "0", 0, 0 }, { "4096", 0, 4096 }, { "0x1000", 0, 4096 },
	{ "0X1000", 0, 4096 }, { "010", 0, 8 }, { "0x1E", 0, 30 },
	{ "4K", 0, 4096 }, { "4k", 0, 4096 }, { "16k", 0, 16 << 10 },
	{ "16M", 0, 16 << 20 }, { "16m", 0, 16 << 20 }, { "0x10M", 0, 16 << 20 },
	{ "1G", 0, 1ULL << 30 }, { "1g", 0, 1ULL << 30 }, { "2T", 0, 2ULL << 40 },
	{ "1p", 0, 1ULL << 50 }, { "1MiB", 0, 1 << 20 }, { "1MB", 0, 1 << 20 },
	{ "15E", 0, 15ULL << 60 }, { "16777215T", 0, 16777215ULL << 40 },
	{ "18446744073709551615", 0, UINT64_MAX },
	{ "0xffffffffffffffff", 0, UINT64_MAX },
	/* Malformed: what the kernel's bigphysarea= size parser rejects. */
	{ "", -EINVAL, 0 }, { "M", -EINVAL, 0 }, { "-1", -EINVAL, 0 },
	{ "+1", -EINVAL, 0 }, { " 1", -EINVAL, 0 }, { "\t1", -EINVAL, 0 },
	{ "\n1", -EINVAL, 0 }, { "1X", -EINVAL, 0 }, { "16Q", -EINVAL, 0 },
	{ "1MM", -EINVAL, 0 }, { "1 M", -EINVAL, 0 }, { "12abc", -EINVAL, 0 },
	{ "16 ", -EINVAL, 0 }, { "16K ", -EINVAL, 0 }, { "16\n", -EINVAL, 0 },
	{ "16M\t", -EINVAL, 0 }, { "16Mx", -EINVAL, 0 }, { "16MiBx", -EINVAL, 0 },
	{ "16b", -EINVAL, 0 }, { "16Mb", -EINVAL, 0 }, { "16ib", -EINVAL, 0 },
	{ "0x", -EINVAL, 0 }, { "0xK", -EINVAL, 0 }, { "0x-1", -EINVAL, 0 },
	{ "08", -EINVAL, 0 }, { "1,2", -EINVAL, 0 }, { "1.5M", -EINVAL, 0 },
	{ "16M@0", -EINVAL, 0 }, { "abc", -EINVAL, 0 },
	/* Overflow. */
	{ "16E", -ERANGE, 0 }, { "99999999999999999999", -ERANGE, 0 },
	{ "18446744073709551616", -ERANGE, 0 }, { "0x10000000000000000", -ERANGE, 0 },
	{ "17179869184G", -ERANGE, 0 }, { "16777216T", -ERANGE, 0 },
	{ "999999999999999999999999999999 ", -ERANGE, 0 },
};

/* The input as a C string literal body, so that TAP lines stay one line. */
static const char *escaped(const char *s, char *out, size_t len)
{
	size_t n = 0;

	for (; *s && n + 5 < len; s++) {
		if (*s == '\n' || *s == '\t')
			n += (size_t)snprintf(out + n, len - n, "\\%c", *s == '\n' ? 'n' : 't');
		else
			out[n++] = *s;
	}
	out[n] = '\0';
	return out;
}

int main(void)
{
	struct bigphys_buffer buf = { 0 };
	struct bigphys *bp = NULL;
	char path[64];
	int dfd = -7;
	uint64_t v;
	size_t i;
	FILE *f;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char name[64];
		int ret;

		v = 12345;
		ret = bigphys_parse_size(sizes[i].in, &v);
		ok(ret == sizes[i].ret && (ret || v == sizes[i].out),
		   "parse_size(\"%s\")", escaped(sizes[i].in, name, sizeof(name)));
	}
	ok(bigphys_parse_size(NULL, &v) == -EINVAL, "parse_size(NULL) is -EINVAL%s", "");

	ok(bigphys_open("/nonexistent/bigphys", 0, &bp) == -ENOENT && !bp,
	   "open of a missing device returns -ENOENT%s", "");
	ok(bigphys_open(NULL, 0x80, &bp) == -EINVAL, "open with unknown flags is -EINVAL%s", "");
	ok(bigphys_open(NULL, 0, NULL) == -EINVAL, "open without a result pointer is -EINVAL%s", "");

	/* A regular file opens but is not the device: ioctls fail with ENOTTY. */
	snprintf(path, sizeof(path), "/tmp/libbigphys-test.%d", (int)getpid());
	f = fopen(path, "w");
	if (f)
		fclose(f);
	ok(bigphys_open(path, 0, &bp) == 0 && bp, "open of a regular file succeeds%s", "");
	if (bp) {
		struct bigphys_info info;

		ok(bigphys_info(bp, &info) == -ENOTTY, "info on a non-device is -ENOTTY%s", "");
		ok(bigphys_alloc(bp, 4096, 0, 0, &buf) == -ENOTTY, "alloc on a non-device is -ENOTTY%s", "");
		ok(bigphys_info(bp, NULL) == -EINVAL, "info(NULL) is -EINVAL%s", "");
		ok(bigphys_alloc(bp, 4096, 0, 0, NULL) == -EINVAL, "alloc(NULL) is -EINVAL%s", "");
		dfd = -7;
		buf.id = 1;
		ok(bigphys_export(bp, &buf, O_CLOEXEC | O_RDWR, &dfd) == -ENOTTY && dfd == -7,
		   "export on a non-device is -ENOTTY, fd untouched%s", "");
		ok(bigphys_export(bp, &buf, 0, NULL) == -EINVAL, "export(fd NULL) is -EINVAL%s", "");
		ok(bigphys_dmabuf_sync(bigphys_fd(bp), DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ) == -ENOTTY,
		   "dma-buf sync on a non-dma-buf is -ENOTTY%s", "");
		buf.id = 0;
		ok(bigphys_fd(bp) >= 0, "fd is valid%s", "");
		bigphys_close(bp);
	}
	ok(bigphys_heap_alloc(path, 4096, O_RDWR | O_CLOEXEC, &dfd) == -ENOTTY && dfd == -7,
	   "heap alloc from a regular file is -ENOTTY, fd untouched%s", "");
	unlink(path);
	ok(bigphys_heap_alloc("/nonexistent/heap", 4096, O_RDWR | O_CLOEXEC, &dfd) == -ENOENT,
	   "heap alloc from a missing heap is -ENOENT%s", "");
	ok(bigphys_heap_alloc(NULL, 0, O_RDWR, &dfd) == -EINVAL, "heap alloc of 0 bytes is -EINVAL%s", "");
	ok(bigphys_heap_alloc(NULL, 4096, O_RDWR, NULL) == -EINVAL,
	   "heap alloc without a result pointer is -EINVAL%s", "");
	ok(bigphys_export(NULL, &buf, 0, &dfd) == -EINVAL, "export(NULL) is -EINVAL%s", "");
	ok(bigphys_dmabuf_sync(-1, DMA_BUF_SYNC_START) == -EBADF, "dma-buf sync(-1) is -EBADF%s", "");
	ok(bigphys_unmap(&buf) == 0, "unmap of an unmapped buffer is a no-op%s", "");
	ok(bigphys_map(NULL, &buf) == -EINVAL, "map(NULL) is -EINVAL%s", "");
	ok(bigphys_free(NULL, &buf) == -EINVAL, "free(NULL) is -EINVAL%s", "");
	ok(bigphys_sync(NULL, &buf, 0, 1, 1) == -EINVAL, "sync(NULL) is -EINVAL%s", "");
	ok(bigphys_fd(NULL) == -EINVAL, "fd(NULL) is -EINVAL%s", "");
	bigphys_close(NULL);
	return tap_failed ? 1 : 0;
}
