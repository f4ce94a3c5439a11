// SPDX-License-Identifier: GPL-2.0
/*
 * bigphys-lifetime: in-guest TAP test that nothing of one owner reaches
 * another through /dev/bigphys: pages in a pipe (vmsplice) after FREE or
 * close, held memory in INFO and `bigphys info`, racing ioctls on one fd,
 * a reply that cannot be copied out, free memory written through the
 * whole-area mapping never handed out as zeroed (mode "scrub", with
 * background scrubbing on), and (mode "lockdown") the whole-area mapping
 * under kernel lockdown.
 *
 *	bigphys-lifetime [all|pipe|area|scrub|race|lockdown] [--iterations N]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/bigphys.h>

#define TAP_PREFIX "lifetime"
#include "tap.h"

#define DEV "/dev/bigphys"
#define MIB (1u << 20)
#define SPLICED (64u << 10)

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

static int info(int fd, struct bigphys_info *in)
{
	memset(in, 0, sizeof(*in));
	return xioctl(fd, BIGPHYS_IOC_INFO, in);
}

static int alloc_buf(int fd, uint64_t size, struct bigphys_alloc_req *req)
{
	memset(req, 0, sizeof(*req));
	req->size = size;
	return xioctl(fd, BIGPHYS_IOC_ALLOC, req);
}

static int free_buf(int fd, uint32_t id)
{
	struct bigphys_free_req fr = { .id = id };

	return xioctl(fd, BIGPHYS_IOC_FREE, &fr);
}

static int all_bytes(const unsigned char *p, size_t n, unsigned char c)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != c)
			return 0;
	return 1;
}

/* `bigphys info --json`'s "held" value, or -1. */
static long long cli_held(void)
{
	char line[512], *h;
	long long v = -1;
	FILE *f = popen("bigphys info --json", "r");

	if (!f)
		return -1;
	if (fgets(line, sizeof(line), f) && (h = strstr(line, "\"held\": ")))
		v = strtoll(h + 8, NULL, 10);
	pclose(f);
	return v;
}

/*
 * One owner fills a buffer with 'A', vmsplice()s 64 KiB of it into a pipe,
 * unmaps it and lets go of it (FREE or close). A second owner allocates
 * and writes 'B'. The pipe must still read 'A', the new buffer must have
 * been zeroed, and the memory counts as held until the pipe is drained.
 */
static void pipe_case(int use_close)
{
	const char *how = use_close ? "close" : "FREE";
	struct bigphys_alloc_req req, req2;
	struct bigphys_info in;
	int fd, fd2, pfd[2];
	unsigned char *p, *q, *back;
	struct iovec iov;
	ssize_t n;
	size_t got = 0;
	int ret;

	fd = open(DEV, O_RDWR | O_CLOEXEC);
	fd2 = open(DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0 || fd2 < 0 || pipe(pfd)) {
		ok(0, "%s: open device and pipe", how);
		return;
	}
	fcntl(pfd[1], F_SETPIPE_SZ, 1 << 20);
	ok(alloc_buf(fd, MIB, &req) == 0, "%s: first owner allocates 1 MiB", how);
	p = mmap(NULL, MIB, PROT_READ | PROT_WRITE, MAP_SHARED, fd, req.offset);
	ok(p != MAP_FAILED, "%s: first owner maps it", how);
	if (p == MAP_FAILED)
		goto out;
	memset(p, 'A', MIB);
	iov.iov_base = p;
	iov.iov_len = SPLICED;
	n = vmsplice(pfd[1], &iov, 1, 0);
	ok(n == SPLICED, "%s: vmsplice 64 KiB of it into a pipe (%zd)", how, n);
	munmap(p, MIB);
	if (use_close) {
		close(fd);
		fd = -1;
	} else {
		ok(free_buf(fd, req.id) == 0, "%s: first owner frees it", how);
	}

	ret = info(fd2, &in);
	ok(ret == 0 && in.held >= MIB,
	   "%s: INFO shows the buffer held while the pipe has its pages (%" PRIu64 ")",
	   how, (uint64_t)in.held);
	ok(in.free <= in.total - MIB, "%s: held memory does not count as free", how);
	ok(cli_held() >= MIB, "%s: bigphys info --json shows it held", how);

	ok(alloc_buf(fd2, MIB, &req2) == 0, "%s: second owner allocates 1 MiB", how);
	q = mmap(NULL, MIB, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, req2.offset);
	ok(q != MAP_FAILED && all_bytes(q, MIB, 0), "%s: the new buffer is zeroed", how);
	if (q != MAP_FAILED)
		memset(q, 'B', MIB);

	back = malloc(SPLICED);
	while (back && got < SPLICED && (n = read(pfd[0], back + got, SPLICED - got)) > 0)
		got += n;
	ok(got == SPLICED && all_bytes(back, SPLICED, 'A'),
	   "%s: the pipe reads the first owner's bytes, not the second's", how);
	free(back);
	close(pfd[0]);
	close(pfd[1]);
	pfd[0] = pfd[1] = -1;

	ok(info(fd2, &in) == 0 && in.held == 0,
	   "%s: nothing held once the pipe is drained and closed", how);
	ok(cli_held() == 0, "%s: bigphys info --json shows nothing held", how);
	if (q != MAP_FAILED)
		munmap(q, MIB);
	free_buf(fd2, req2.id);
	ok(info(fd2, &in) == 0 && in.free == in.total && in.nr_allocs == 0,
	   "%s: everything free at the end", how);
out:
	if (fd >= 0)
		close(fd);
	close(fd2);
	if (pfd[0] >= 0) {
		close(pfd[0]);
		close(pfd[1]);
	}
}

/*
 * The whole-area mapping (root) reaches free pages and other owners'
 * buffers, so it must not be able to take page references: it is a raw
 * PFN mapping, like /dev/mem, and get_user_pages() (vmsplice, O_DIRECT)
 * refuses it. Plain loads and stores through it work.
 */
static void area_pin_case(void)
{
	struct bigphys_alloc_req req;
	struct bigphys_info in;
	unsigned char *area, *q;
	int fd = open(DEV, O_RDWR | O_CLOEXEC), pfd[2], ret;
	struct iovec iov;
	ssize_t n;

	if (fd < 0 || info(fd, &in) || pipe(pfd)) {
		ok(0, "area: open, INFO, pipe");
		return;
	}
	area = mmap(NULL, in.total, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ok(area != MAP_FAILED, "area: root maps the whole area");
	if (area == MAP_FAILED)
		return;
	memset(area, 'P', 4096);
	ok(area[4095] == 'P', "area: loads and stores through it work");
	iov.iov_base = area;
	iov.iov_len = 4096;
	errno = 0;
	n = vmsplice(pfd[1], &iov, 1, 0);
	ok(n < 0 && errno == EFAULT,
	   "area: vmsplice of a free page through it is refused (%zd, %s)", n, strerror(errno));
	ok(alloc_buf(fd, MIB, &req) == 0, "area: a new buffer while the area is mapped");
	q = mmap(NULL, MIB, PROT_READ | PROT_WRITE, MAP_SHARED, fd, req.offset);
	ok(q != MAP_FAILED && all_bytes(q, MIB, 0), "area: the new buffer is zeroed");
	if (q != MAP_FAILED)
		munmap(q, MIB);
	free_buf(fd, req.id);
	munmap(area, in.total);
	close(pfd[0]);
	close(pfd[1]);
	ret = info(fd, &in);
	ok(ret == 0 && in.free == in.total && !in.held,
	   "area: everything free, nothing held (held %" PRIu64 ")", (uint64_t)in.held);
	close(fd);
}

#define SCRUB_FILE "/sys/kernel/debug/bigphysarea/scrub"

/*
 * The "NAME value" lines of the debugfs scrub file named in @names, in one
 * read (a consistent snapshot); -1 for a name not found.
 */
static void scrub_values(const char *const *names, long *vals, int n)
{
	char line[128];
	FILE *f = fopen(SCRUB_FILE, "r");
	int k;

	for (k = 0; k < n; k++)
		vals[k] = -1;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		for (k = 0; k < n; k++) {
			size_t len = strlen(names[k]);

			if (!strncmp(line, names[k], len) && line[len] == ' ')
				vals[k] = strtol(line + len + 1, NULL, 10);
		}
	fclose(f);
}

/* One "NAME value" line of the debugfs scrub file, or -1. */
static long scrub_value(const char *name)
{
	long v;

	scrub_values(&name, &v, 1);
	return v;
}

/*
 * Whether all free memory is scrubbed in one read of the scrub file:
 * nothing dirty, nothing being zeroed, and no freed memory whose pages
 * are still to be checked (it becomes dirty free memory then).
 */
static bool scrub_idle_once(void)
{
	static const char *const names[] = { "dirty_kB", "pending_kB", "busy_kB" };
	long v[3];

	scrub_values(names, v, 3);
	return v[0] == 0 && v[1] == 0 && v[2] == 0;
}

/* Wait up to 30 s for two idle reads in a row, 0.1 s apart. */
static bool scrub_settled(void)
{
	int i, idle = 0;

	for (i = 0; i < 300 && idle < 2; i++) {
		idle = scrub_idle_once() ? idle + 1 : 0;
		if (idle < 2)
			usleep(100000);
	}
	return idle == 2;
}

/* The number of pages of a new whole-area buffer that are not all zero. */
static long alloc_nonzero_pages(int fd, uint64_t size)
{
	struct bigphys_alloc_req req;
	unsigned char *q;
	long bad = 0;

	if (alloc_buf(fd, size, &req))
		return -1;
	q = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, req.offset);
	if (q == MAP_FAILED) {
		free_buf(fd, req.id);
		return -1;
	}
	for (uint64_t off = 0; off < size; off += 4096)
		bad += !all_bytes(q + off, 4096, 0);
	munmap(q, size);
	free_buf(fd, req.id);
	return bad;
}

/*
 * Free memory the scrubber zeroed is known to be zero, and zeroed
 * allocations take it without a memset(). A writable whole-area mapping
 * can write into it behind the allocator's back: while one exists nothing
 * is known to be zero, and what was known before is forgotten, so that
 * new buffers are zero during and after the mapping.
 */
static void area_scrub_case(void)
{
	struct bigphys_info in;
	unsigned char *area;
	int fd = open(DEV, O_RDWR | O_CLOEXEC);
	long bad;

	if (fd < 0 || info(fd, &in) || in.free != in.total) {
		ok(0, "scrub: open, INFO, the area all free");
		return;
	}
	if (scrub_value("scrub") != 1) {
		ok(0, "scrub: background scrubbing is on (%ld)", scrub_value("scrub"));
		close(fd);
		return;
	}
	ok(scrub_settled(), "scrub: the free area is scrubbed");

	area = mmap(NULL, in.total, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ok(area != MAP_FAILED, "scrub: root maps the whole area writable");
	if (area == MAP_FAILED) {
		close(fd);
		return;
	}
	ok(scrub_value("writers") == 1, "scrub: the mapping counts as a writer");
	ok(scrub_value("dirty_kB") == (long)(in.total >> 10),
	   "scrub: nothing is known to be zero while it exists (dirty_kB %ld)",
	   scrub_value("dirty_kB"));
	memset(area, 0xa5, in.total);
	bad = alloc_nonzero_pages(fd, in.total);
	ok(bad == 0, "scrub: a new buffer is zero while the area is mapped (%ld pages not)", bad);
	memset(area, 0x5a, in.total);
	munmap(area, in.total);
	ok(scrub_value("writers") == 0, "scrub: no writer after munmap");
	bad = alloc_nonzero_pages(fd, in.total);
	ok(bad == 0, "scrub: a new buffer is zero after the mapping is gone (%ld pages not)", bad);

	/* Scrubbed again, then a read-only mapping is no writer. */
	ok(scrub_settled(), "scrub: scrubbed again once the writer is gone");
	close(fd);
	fd = open(DEV, O_RDONLY | O_CLOEXEC);
	area = fd < 0 ? MAP_FAILED : mmap(NULL, in.total, PROT_READ, MAP_SHARED, fd, 0);
	ok(area != MAP_FAILED && scrub_value("writers") == 0 &&
	   scrub_value("dirty_kB") == 0,
	   "scrub: a read-only whole-area mapping keeps what is known to be zero");
	if (area != MAP_FAILED)
		munmap(area, in.total);
	if (fd >= 0)
		close(fd);
}

/* Threads on one fd: ALLOC, FREE of guessed ids, SYNC, mmap/munmap. */
struct racer {
	int fd;
	int kind;
	unsigned int seed;
	long iterations;
};

static void *race_thread(void *arg)
{
	struct racer *r = arg;
	struct bigphys_alloc_req req;
	struct bigphys_sync_req sr;
	uint32_t mine[16] = { 0 };
	void *p;

	for (long i = 0; i < r->iterations; i++) {
		uint32_t id = 1 + rand_r(&r->seed) % 8;

		switch (r->kind) {
		case 0:
			/* At most 16 of its own live at once: the area stays usable. */
			free_buf(r->fd, mine[i % 16]);
			mine[i % 16] = 0;
			if (!alloc_buf(r->fd, 4096 * (1 + rand_r(&r->seed) % 4), &req))
				mine[i % 16] = req.id;
			break;
		case 1:
			free_buf(r->fd, id);
			break;
		case 2:
			memset(&sr, 0, sizeof(sr));
			sr.id = id;
			sr.direction = 1 + rand_r(&r->seed) % 3;
			sr.length = 4096;
			xioctl(r->fd, BIGPHYS_IOC_SYNC, &sr);
			break;
		default:
			p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
				 r->fd, (off_t)id << 32);
			if (p != MAP_FAILED) {
				((volatile char *)p)[0] = 1;
				munmap(p, 4096);
			}
			break;
		}
	}
	return NULL;
}

static void race_case(long iterations)
{
	pthread_t t[8];
	struct racer r[8];
	struct bigphys_info in;
	struct bigphys_alloc_req *ro;
	int fd = open(DEV, O_RDWR | O_CLOEXEC);
	int i, ret;

	if (fd < 0) {
		ok(0, "race: open");
		return;
	}
	for (i = 0; i < 8; i++) {
		r[i] = (struct racer){ fd, i % 4, 1234u + i, iterations };
		pthread_create(&t[i], NULL, race_thread, &r[i]);
	}
	for (i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	ok(1, "race: 8 threads x %ld ALLOC/FREE/SYNC/mmap on one fd finished", iterations);
	close(fd);
	fd = open(DEV, O_RDWR | O_CLOEXEC);

	/* copy_from_user() succeeds, copy_to_user() fails. */
	ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(ro, 0, sizeof(*ro));
	ro->size = 4096;
	mprotect(ro, 4096, PROT_READ);
	for (i = 0; i < 100; i++) {
		ret = xioctl(fd, BIGPHYS_IOC_ALLOC, ro);
		if (ret != -EFAULT)
			break;
	}
	ok(ret == -EFAULT, "race: ALLOC with a read-only request fails with EFAULT (%d)", ret);
	munmap(ro, 4096);
	close(fd);

	fd = open(DEV, O_RDWR | O_CLOEXEC);
	ret = info(fd, &in);
	ok(ret == 0 && in.free == in.total && in.nr_allocs == 0 && !in.held,
	   "race: free == total afterwards (%" PRIu64 "/%" PRIu64 ", %u allocations)",
	   (uint64_t)in.free, (uint64_t)in.total, in.nr_allocs);
	close(fd);
}

/* Booted with lockdown=integrity: the area is /dev/mem, buffers are not. */
static void lockdown_case(void)
{
	struct bigphys_alloc_req req;
	int fd = open(DEV, O_RDWR | O_CLOEXEC);
	void *p;

	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	ok(p == MAP_FAILED && errno == EPERM,
	   "lockdown: mapping the whole area is refused with EPERM");
	ok(alloc_buf(fd, 4096, &req) == 0, "lockdown: ALLOC works");
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, req.offset);
	ok(p != MAP_FAILED, "lockdown: mapping a buffer works");
	if (p != MAP_FAILED) {
		memset(p, 1, 4096);
		munmap(p, 4096);
	}
	close(fd);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "all";
	long iterations = 20000;

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: bigphys-lifetime [all|pipe|area|scrub|race|lockdown] [--iterations N]\n");
		return 0;
	}
	if (argc > 3 && !strcmp(argv[2], "--iterations"))
		iterations = atol(argv[3]);
	if (!strcmp(mode, "all") || !strcmp(mode, "pipe")) {
		pipe_case(0);
		pipe_case(1);
	}
	if (!strcmp(mode, "all") || !strcmp(mode, "area"))
		area_pin_case();
	if (!strcmp(mode, "scrub"))
		area_scrub_case();
	if (!strcmp(mode, "all") || !strcmp(mode, "race"))
		race_case(iterations);
	if (!strcmp(mode, "lockdown"))
		lockdown_case();
	return tap_failed != 0;
}
