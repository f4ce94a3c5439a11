// SPDX-License-Identifier: GPL-2.0
/* bigphys-bench: userspace bandwidth through cached, WC and UC /dev/bigphys mappings vs anonymous memory. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/bigphys.h>

#include "bigphys.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static volatile uint64_t sink;

/* Best of @rounds, in MB/s, for write (memset), read (sum) and copy in. */
static void measure(const char *name, uint8_t *p, const uint8_t *src, size_t n, int rounds)
{
	double w = 0, r = 0, c = 0, t;
	int i;

	for (i = 0; i < rounds; i++) {
		const volatile uint64_t *q = (const volatile uint64_t *)p;
		uint64_t s = 0;
		size_t j;

		t = now();
		memset(p, i, n);
		t = now() - t;
		if (n / t > w)
			w = n / t;
		t = now();
		for (j = 0; j < n / 8; j++)
			s += q[j];
		t = now() - t;
		sink = s;
		if (n / t > r)
			r = n / t;
		t = now();
		memcpy(p, src, n);
		t = now() - t;
		if (n / t > c)
			c = n / t;
	}
	printf("BENCH mmap %s write_MBps %.1f read_MBps %.1f copy_MBps %.1f\n",
	       name, w / 1e6, r / 1e6, c / 1e6);
}

/*
 * Whole-area page fault rate: fault in the pages of one cached 8 MiB
 * buffer through a mapping of the whole area (offset 0), zap them with
 * MADV_DONTNEED, repeat for @secs. @live one-page buffers exist meanwhile
 * (spread over files: at most 4095 per file); with @wc_loop 1 a child
 * allocates and frees write-combining buffers all the time, with 2
 * cached ones (the control: the same CPU load without type changes).
 */
static int fault_bench(long live, double secs, int wc_loop)
{
	const size_t target = 8u << 20;
	int nfds = live / 4000 + 1, *fds, fd, i;
	struct bigphys_alloc_req req = { .size = target };
	struct bigphys_info in = { 0 };
	uint64_t faults = 0;
	size_t off, pg = sysconf(_SC_PAGESIZE);
	pid_t child = -1;
	double t0, t;
	uint8_t *area;

	fds = calloc(nfds, sizeof(*fds));
	fd = open("/dev/bigphys", O_RDWR | O_CLOEXEC);
	if (!fds || fd < 0 || ioctl(fd, BIGPHYS_IOC_INFO, &in) ||
	    ioctl(fd, BIGPHYS_IOC_ALLOC, &req) || !req.phys) {
		perror("bigphys-bench fault: setup (needs root)");
		return 3;
	}
	for (i = 0; i < nfds; i++)
		fds[i] = open("/dev/bigphys", O_RDWR | O_CLOEXEC);
	for (i = 0; i < live; i++) {
		struct bigphys_alloc_req r = { .size = pg };

		if (ioctl(fds[i / 4000], BIGPHYS_IOC_ALLOC, &r)) {
			perror("bigphys-bench fault: live buffers");
			return 3;
		}
	}
	area = mmap(NULL, in.total, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (area == MAP_FAILED) {
		perror("bigphys-bench fault: whole-area mmap");
		return 3;
	}
	if (wc_loop) {
		child = fork();
		if (!child) {
			int cfd = open("/dev/bigphys", O_RDWR);

			for (;;) {
				struct bigphys_alloc_req w = {
					.size = 64 << 10,
					.flags = wc_loop == 1 ?
						 BIGPHYS_ALLOC_WRITECOMBINE : 0,
				};
				struct bigphys_free_req f;

				if (!ioctl(cfd, BIGPHYS_IOC_ALLOC, &w)) {
					f = (struct bigphys_free_req){ .id = w.id };
					ioctl(cfd, BIGPHYS_IOC_FREE, &f);
				}
			}
		}
	}
	area += req.phys - in.phys_base;
	t0 = now();
	do {
		for (off = 0; off < target; off += pg)
			sink += area[off];
		faults += target / pg;
		madvise(area, target, MADV_DONTNEED);
		t = now() - t0;
	} while (t < secs);
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	printf("BENCH fault live %ld loop %s faults_per_s %.0f\n", live,
	       wc_loop == 1 ? "wc" : wc_loop == 2 ? "cached" : "none",
	       faults / t);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct { const char *name; uint32_t flags; } modes[] = {
		{ "cached", 0 },
		{ "writecombine", BIGPHYS_ALLOC_WRITECOMBINE },
		{ "uncached", BIGPHYS_ALLOC_UNCACHED },
	};
	size_t n = (argc > 1 ? strtoul(argv[1], NULL, 0) : 16) << 20;
	int rounds = argc > 2 ? atoi(argv[2]) : 3;
	struct bigphys_buffer buf;
	struct bigphys *bp;
	uint8_t *anon, *src;
	unsigned int i;
	int err;

	if (argc > 1 && !strcmp(argv[1], "--help")) {
		printf("usage: bigphys-bench [MiB [ROUNDS]]\n"
		       "       bigphys-bench fault LIVE SECONDS [wc|cached]\n"
		       "Prints BENCH lines: write/read/copy MB/s for anonymous memory and\n"
		       "cached, write-combining and uncached /dev/bigphys buffers; or the\n"
		       "whole-area page fault rate with LIVE buffers (and a WC alloc/free\n"
		       "loop beside it).\n");
		return 0;
	}
	if (argc > 3 && !strcmp(argv[1], "fault"))
		return fault_bench(atol(argv[2]), atof(argv[3]),
				   argc < 5 ? 0 : !strcmp(argv[4], "wc") ? 1 : 2);
	if (!n || rounds < 1)
		return 2;
	anon = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	src = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (anon == MAP_FAILED || src == MAP_FAILED)
		return 3;
	memset(src, 0x5a, n);
	memset(anon, 0, n);
	measure("anonymous", anon, src, n, rounds);
	err = bigphys_open(NULL, 0, &bp);
	if (err) {
		fprintf(stderr, "bigphys-bench: %s\n", strerror(-err));
		return 3;
	}
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		err = bigphys_alloc(bp, n, 0, modes[i].flags, &buf);
		if (!err)
			err = bigphys_map(bp, &buf);
		if (err) {
			fprintf(stderr, "bigphys-bench: %s: %s\n", modes[i].name, strerror(-err));
			return 1;
		}
		measure(modes[i].name, buf.addr, src, n, rounds);
		bigphys_free(bp, &buf);
	}
	bigphys_close(bp);
	return 0;
}
