// SPDX-License-Identifier: GPL-2.0
/*
 * bigphys-bench: userspace bandwidth through cached, WC and UC /dev/bigphys
 * mappings vs anonymous memory; whole-area fault rate; dma-buf heap
 * allocation latency (bigphys heap vs the CMA heap); O_DIRECT throughput
 * from a heap buffer vs anonymous memory.
 */
#define _GNU_SOURCE
#include <dirent.h>
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
#include <linux/dma-heap.h>

#include "bigphys.h"
#include "cma-heap.h"

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

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int heap_alloc(int heap, size_t len)
{
	struct dma_heap_allocation_data a = { .len = len, .fd_flags = O_RDWR | O_CLOEXEC };

	return ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &a) ? -1 : (int)a.fd;
}

/*
 * dma-buf heap allocation latency: @rounds batches of @batch back-to-back
 * DMA_HEAP_IOCTL_ALLOCs of @mib MiB (alloc-only: the ioctl, which zeroes in
 * both heaps; no mapping, no touching; the batch is closed outside the
 * timing), from the bigphys heap and the CMA heap. Timing whole batches
 * keeps a coarse guest clock (TCG: jiffies) out of the figures; the values
 * are the per-allocation mean of each batch. @state labels the lines.
 */
static int heap_bench(const char *state, long mib, int batch, int rounds)
{
	static const char *const names[] = { "bigphys", "cma" };
	double *t = calloc(rounds, sizeof(*t));
	int *fds = calloc(batch, sizeof(*fds));
	int m;

	if (!t || !fds || mib <= 0 || batch <= 0 || rounds <= 0)
		return 2;
	for (m = 0; m < 2; m++) {
		int heap = m ? cma_heap_open(NULL, 0) : open("/dev/dma_heap/bigphys", O_RDWR | O_CLOEXEC);
		int i, j, got, okn = 0, fail = 0;
		double sum = 0, t0;

		if (heap < 0) {
			printf("BENCH heap %s %s %ldM error no_heap\n", state, names[m], mib);
			continue;
		}
		for (i = 0; i < rounds; i++) {
			t0 = now();
			for (j = 0; j < batch; j++)
				fds[j] = heap_alloc(heap, (size_t)mib << 20);
			t0 = now() - t0;
			for (j = got = 0; j < batch; j++) {
				if (fds[j] < 0)
					continue;
				got++;
				close(fds[j]);
			}
			fail += batch - got;
			if (got < batch)
				continue;
			t[okn] = t0 * 1e9 / batch;
			sum += t[okn++];
		}
		close(heap);
		qsort(t, okn, sizeof(*t), cmp_double);
		if (okn)
			printf("BENCH heap %s %s %ldM ok %d fail %d min %.0f p50 %.0f avg %.0f max %.0f batch %d\n",
			       state, names[m], mib, okn * batch, fail, t[0], t[okn / 2], sum / okn,
			       t[okn - 1], batch);
		else
			printf("BENCH heap %s %s %ldM ok 0 fail %d\n", state, names[m], mib, fail);
		fflush(stdout);
	}
	free(t);
	free(fds);
	return 0;
}

/*
 * O_DIRECT throughput between @dev and a @mib MiB buffer: a mapped bigphys
 * heap buffer against anonymous memory; best of @rounds, whole buffer in
 * 1 MiB requests, write then read back. A mapped CMA heap buffer is tried
 * too (its VM_PFNMAP mapping makes O_DIRECT fail: the errno is printed).
 */
static int odirect_bench(long mib, int rounds, const char *dev)
{
	static const char *const names[] = { "anonymous", "heap", "cma" };
	size_t n = (size_t)mib << 20, chunk = 1 << 20, off;
	int disk = open(dev, O_RDWR | O_DIRECT | O_CLOEXEC);
	int m, i;

	if (disk < 0 || !n) {
		perror("bigphys-bench odirect: disk");
		return 3;
	}
	for (m = 0; m < 3; m++) {
		int heap = -1, buf = -1, err = 0;
		double w = 0, r = 0, t;
		uint8_t *p;

		if (m == 0) {
			p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		} else {
			heap = m == 1 ? open("/dev/dma_heap/bigphys", O_RDWR | O_CLOEXEC) : cma_heap_open(NULL, 0);
			buf = heap < 0 ? -1 : heap_alloc(heap, n);
			p = buf < 0 ? MAP_FAILED : mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED, buf, 0);
		}
		if (p == MAP_FAILED) {
			printf("BENCH odirect %s error no_buffer\n", names[m]);
			continue;
		}
		memset(p, 0x5a, n);
		/* 8 passes over the buffer per figure: coarse guest clocks */
		for (i = 0; i < rounds && !err; i++) {
			int pass;

			errno = 0;
			t = now();
			for (pass = 0; pass < 8; pass++)
				for (off = 0; off < n && !err; off += chunk)
					if (pwrite(disk, p + off, chunk, (off_t)off) != (ssize_t)chunk)
						err = errno ? errno : EIO;
			t = now() - t;
			if (!err && 8 * n / t > w)
				w = 8 * n / t;
			t = now();
			for (pass = 0; pass < 8; pass++)
				for (off = 0; off < n && !err; off += chunk)
					if (pread(disk, p + off, chunk, (off_t)off) != (ssize_t)chunk)
						err = errno ? errno : EIO;
			t = now() - t;
			if (!err && 8 * n / t > r)
				r = 8 * n / t;
		}
		if (err)
			printf("BENCH odirect %s error %s\n", names[m], strerrorname_np(err) ?: "?");
		else
			printf("BENCH odirect %s MiB %ld write_MBps %.1f read_MBps %.1f\n",
			       names[m], mib, w / 1e6, r / 1e6);
		fflush(stdout);
		munmap(p, n);
		if (buf >= 0)
			close(buf);
		if (heap >= 0)
			close(heap);
	}
	close(disk);
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
		       "       bigphys-bench heap STATE MiB [BATCH] ROUNDS\n"
		       "       bigphys-bench odirect MiB ROUNDS BLOCKDEV\n"
		       "Prints BENCH lines: write/read/copy MB/s for anonymous memory and\n"
		       "cached, write-combining and uncached /dev/bigphys buffers; or the\n"
		       "whole-area page fault rate with LIVE buffers (and a WC alloc/free\n"
		       "loop beside it); or the dma-buf heap allocation latency of the\n"
		       "bigphys and CMA heaps (lines labelled STATE); or O_DIRECT MB/s\n"
		       "to/from BLOCKDEV (overwritten!) from a heap buffer vs anonymous memory.\n");
		return 0;
	}
	if (argc > 4 && !strcmp(argv[1], "heap"))
		return heap_bench(argv[2], atol(argv[3]), argc > 5 ? atoi(argv[4]) : 1,
				  atoi(argv[argc > 5 ? 5 : 4]));
	if (argc > 4 && !strcmp(argv[1], "odirect"))
		return odirect_bench(atol(argv[2]), atoi(argv[3]), argv[4]);
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
