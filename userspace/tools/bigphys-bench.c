// SPDX-License-Identifier: GPL-2.0
/* bigphys-bench: userspace bandwidth through cached, WC and UC /dev/bigphys mappings vs anonymous memory. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

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
		       "Prints BENCH lines: write/read/copy MB/s for anonymous memory and\n"
		       "cached, write-combining and uncached /dev/bigphys buffers.\n");
		return 0;
	}
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
