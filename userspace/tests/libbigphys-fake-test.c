// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side unit tests of libbigphys against a fake device: this program
 * defines ioctl(), which the library (linked statically) then calls, and
 * opens a regular file as the "device". Covers what the library itself
 * decides, such as the cache mode it reports in struct bigphys_buffer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "bigphys.h"

static int failed;

__attribute__((format(printf, 2, 3)))
static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s - libbigphys: ", cond ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failed += !cond;
}

/* What the fake driver saw and handed out. */
static struct {
	uint32_t next_id;
	uint32_t req_flags;	/* flags of the last ALLOC request */
} fake;

/* The fake /dev/bigphys: ALLOC and FREE succeed, the rest is ENOTTY. */
int ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	void *arg;

	(void)fd;
	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (request == BIGPHYS_IOC_ALLOC) {
		struct bigphys_alloc_req *r = arg;

		fake.req_flags = r->flags;
		r->size = (r->size + 4095) & ~4095ULL;
		r->id = ++fake.next_id;
		r->offset = (uint64_t)r->id << 32;
		r->phys = 0;
		return 0;
	}
	if (request == BIGPHYS_IOC_FREE)
		return 0;
	errno = ENOTTY;
	return -1;
}

static const char *mode_name(uint32_t flags)
{
	switch (flags) {
	case 0: return "cached";
	case BIGPHYS_ALLOC_UNCACHED: return "uncached";
	case BIGPHYS_ALLOC_WRITECOMBINE: return "write-combine";
	default: return "invalid";
	}
}

/* Allocate with @flags on a handle opened with @open_flags; check buf.flags. */
static void check_mode(const char *path, unsigned int open_flags, uint32_t flags,
		       uint32_t want)
{
	struct bigphys_buffer buf = { 0 };
	struct bigphys *bp;
	char what[64];
	int err, fl;

	snprintf(what, sizeof(what), "%s handle, %s buffer asked",
		 open_flags ? "O_SYNC" : "default", mode_name(flags));
	err = bigphys_open(path, open_flags, &bp);
	if (err) {
		ok(0, "%s: open %s: %s", what, path, strerror(-err));
		return;
	}
	fl = fcntl(bigphys_fd(bp), F_GETFL);
	ok(fl >= 0 && !(fl & O_SYNC) == !(open_flags & BIGPHYS_OPEN_UNCACHED),
	   "%s: the file is %sopened O_SYNC", what, open_flags ? "" : "not ");
	err = bigphys_alloc(bp, 5000, 0, flags, &buf);
	ok(!err && buf.flags == want && buf.size == 8192 && buf.id == fake.next_id &&
	   buf.offset == (uint64_t)buf.id << 32 && !buf.addr,
	   "%s: buf.flags says %s (got %s)", what, mode_name(want), mode_name(buf.flags));
	ok(fake.req_flags == flags, "%s: the driver is asked for %s", what, mode_name(flags));
	ok(bigphys_free(bp, &buf) == 0 && buf.id == 0, "%s: free clears the id", what);
	bigphys_close(bp);
}

int main(void)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/libbigphys-fake-test.%d", (int)getpid());
	f = fopen(path, "w");
	if (!f) {
		printf("Bail out! cannot create %s: %s\n", path, strerror(errno));
		return 1;
	}
	fclose(f);

	check_mode(path, 0, 0, 0);
	check_mode(path, 0, BIGPHYS_ALLOC_UNCACHED, BIGPHYS_ALLOC_UNCACHED);
	check_mode(path, 0, BIGPHYS_ALLOC_WRITECOMBINE, BIGPHYS_ALLOC_WRITECOMBINE);
	check_mode(path, BIGPHYS_OPEN_UNCACHED, 0, BIGPHYS_ALLOC_UNCACHED);
	check_mode(path, BIGPHYS_OPEN_UNCACHED, BIGPHYS_ALLOC_UNCACHED, BIGPHYS_ALLOC_UNCACHED);
	check_mode(path, BIGPHYS_OPEN_UNCACHED, BIGPHYS_ALLOC_WRITECOMBINE,
		   BIGPHYS_ALLOC_WRITECOMBINE);
	unlink(path);
	return failed ? 1 : 0;
}
