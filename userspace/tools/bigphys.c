// SPDX-License-Identifier: GPL-2.0
/* bigphys: inspect and exercise /dev/bigphys from the command line. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bigphys.h"

/* Exit codes (documented in --help and the README). */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,		/* the operation failed (no memory, bad data) */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_NODEV = 3,		/* cannot open the device */
};

static const char *device = BIGPHYS_DEFAULT_PATH;

static void usage(FILE *f)
{
	fprintf(f,
"usage: bigphys [--device PATH] COMMAND [OPTIONS]\n"
"\n"
"Commands:\n"
"  info [--json]                     size and use of the area\n"
"  alloc SIZE [--align A] [--hold S] [--uncached|--write-combine]\n"
"             [--export] [--json]\n"
"                                    allocate SIZE (e.g. 4M), print it, keep\n"
"                                    it S seconds (default 0), free it;\n"
"                                    --export: also as a dma-buf\n"
"  alloc SIZE --heap[=HEAP] [--hold S] [--json]\n"
"                                    allocate a dma-buf from the dma-buf heap\n"
"                                    HEAP (default " BIGPHYS_HEAP_DEFAULT_PATH ")\n"
"  selftest [--size SIZE] [--rounds N]\n"
"                                    allocate, fill with a pattern, verify,\n"
"                                    free; report MB/s\n"
"  help                              this text\n"
"\n"
"Sizes take K, M, G suffixes (powers of 1024). Every command takes --help.\n"
"Exit status: 0 success, 1 operation failed, 2 usage error,\n"
"3 device (or heap) not available.\n");
}

static int fail_errno(const char *what, int err)
{
	fprintf(stderr, "bigphys: %s: %s\n", what, strerror(-err));
	return EXIT_FAIL;
}

static int open_dev(struct bigphys **bp, unsigned int flags)
{
	int err = bigphys_open(device, flags, bp);

	if (err) {
		fprintf(stderr, "bigphys: cannot open %s: %s\n", device, strerror(-err));
		return EXIT_NODEV;
	}
	return EXIT_OK;
}

static int parse_size_arg(const char *what, const char *s, uint64_t *v)
{
	int err = bigphys_parse_size(s, v);

	if (err) {
		fprintf(stderr, "bigphys: invalid %s '%s': %s\n", what, s,
			err == -ERANGE ? "too large" :
			"expected a number with an optional K/M/G/T/P/E suffix and nothing after it");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static int parse_uint_arg(const char *what, const char *s, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	if (!*s || *end || errno || *s == '-') {
		fprintf(stderr, "bigphys: invalid %s '%s'\n", what, s);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct bigphys_info info;
	struct bigphys *bp;
	int c, json = 0, rc, err;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'h': printf("usage: bigphys info [--json]\n"); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "bigphys info: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	rc = open_dev(&bp, 0);
	if (rc)
		return rc;
	err = bigphys_info(bp, &info);
	bigphys_close(bp);
	if (err)
		return fail_errno("info", err);

	if (json) {
		printf("{\"total\": %" PRIu64 ", \"free\": %" PRIu64
		       ", \"used\": %" PRIu64 ", \"largest_free\": %" PRIu64
		       ", \"held\": %" PRIu64
		       ", \"allocations\": %u, \"page_size\": %u, \"phys_base\": %" PRIu64 "}\n",
		       (uint64_t)info.total, (uint64_t)info.free,
		       (uint64_t)(info.total - info.free), (uint64_t)info.largest_free,
		       (uint64_t)info.held,
		       info.nr_allocs, info.page_size, (uint64_t)info.phys_base);
		return EXIT_OK;
	}
	printf("%-22s %12" PRIu64 " kB\n", "size:", (uint64_t)info.total >> 10);
	printf("%-22s %12" PRIu64 " kB\n", "free:", (uint64_t)info.free >> 10);
	printf("%-22s %12" PRIu64 " kB\n", "used:", (uint64_t)(info.total - info.free) >> 10);
	printf("%-22s %12" PRIu64 " kB\n", "largest free block:", (uint64_t)info.largest_free >> 10);
	printf("%-22s %12" PRIu64 " kB\n", "held (referenced):", (uint64_t)info.held >> 10);
	printf("%-22s %12u\n", "allocations:", info.nr_allocs);
	printf("%-22s %12u bytes\n", "page size:", info.page_size);
	if (info.phys_base)
		printf("%-22s %#12" PRIx64 "\n", "physical base:", (uint64_t)info.phys_base);
	else
		printf("%-22s %12s\n", "physical base:", "(needs CAP_SYS_ADMIN)");
	return EXIT_OK;
}

#define ALLOC_USAGE \
	"usage: bigphys alloc SIZE [--align A] [--hold SECONDS] [--uncached|--write-combine]\n" \
	"                          [--export] [--json]\n" \
	"       bigphys alloc SIZE --heap[=HEAP] [--hold SECONDS] [--json]\n" \
	"--export also exports the buffer as a dma-buf (BIGPHYS_IOC_EXPORT); --heap\n" \
	"allocates a dma-buf from the dma-buf heap HEAP instead of /dev/bigphys\n" \
	"(default " BIGPHYS_HEAP_DEFAULT_PATH "). --hold keeps the buffer, and the\n" \
	"dma-buf, for SECONDS before freeing them.\n"

/* The dma-buf's inode number (one per dma-buf: exports of one buffer share it). */
static unsigned long long dmabuf_inode(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : (unsigned long long)st.st_ino;
}

/* bigphys alloc SIZE --heap[=HEAP]: a dma-buf from a dma-buf heap. */
static int alloc_heap(const char *heap, uint64_t size, unsigned long hold, int json)
{
	unsigned long long ino;
	off_t len;
	int err, fd;

	err = bigphys_heap_alloc(heap, size, O_RDWR | O_CLOEXEC, &fd);
	if (err == -ENOENT || err == -ENODEV || err == -ENXIO || err == -EACCES ||
	    err == -EPERM || err == -ENOTTY) {
		/* open() failed, or it is no dma-buf heap: "not available" */
		fprintf(stderr, "bigphys: cannot allocate from heap %s: %s\n", heap,
			strerror(-err));
		return EXIT_NODEV;
	}
	if (err)
		return fail_errno("heap alloc", err);
	len = lseek(fd, 0, SEEK_END);
	ino = dmabuf_inode(fd);
	if (json)
		printf("{\"heap\": \"%s\", \"size\": %lld, \"dmabuf_fd\": %d, \"dmabuf_inode\": %llu}\n",
		       heap, (long long)len, fd, ino);
	else
		printf("heap %s size %lld dma-buf fd %d (inode %llu)\n", heap,
		       (long long)len, fd, ino);
	fflush(stdout);
	if (hold)
		sleep(hold);
	close(fd);
	return EXIT_OK;
}

static int cmd_alloc(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "align", required_argument, NULL, 'a' },
		{ "hold", required_argument, NULL, 't' },
		{ "uncached", no_argument, NULL, 'u' },
		{ "write-combine", no_argument, NULL, 'w' },
		{ "export", no_argument, NULL, 'e' },
		{ "heap", optional_argument, NULL, 'H' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct bigphys_buffer buf;
	struct bigphys *bp;
	const char *heap = NULL;
	uint64_t size, align = 0;
	unsigned long hold = 0;
	uint32_t flags = 0;
	int c, rc, err, export = 0, json = 0, have_align = 0, dfd = -1;

	while ((c = getopt_long(argc, argv, "a:t:uwejh", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if ((rc = parse_size_arg("alignment", optarg, &align)))
				return rc;
			have_align = 1;
			break;
		case 't':
			if ((rc = parse_uint_arg("hold time", optarg, &hold)))
				return rc;
			break;
		case 'u': flags |= BIGPHYS_ALLOC_UNCACHED; break;
		case 'w': flags |= BIGPHYS_ALLOC_WRITECOMBINE; break;
		case 'e': export = 1; break;
		case 'j': json = 1; break;
		case 'H':
			heap = optarg ? optarg : BIGPHYS_HEAP_DEFAULT_PATH;
			if (!*heap) {
				fprintf(stderr, "bigphys alloc: empty --heap path\n");
				return EXIT_USAGE;
			}
			break;
		case 'h':
			printf(ALLOC_USAGE);
			return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "bigphys alloc: expected exactly one SIZE\n");
		return EXIT_USAGE;
	}
	if ((rc = parse_size_arg("size", argv[optind], &size)))
		return rc;
	if (flags == (BIGPHYS_ALLOC_UNCACHED | BIGPHYS_ALLOC_WRITECOMBINE)) {
		fprintf(stderr, "bigphys alloc: --uncached and --write-combine exclude each other\n");
		return EXIT_USAGE;
	}
	if (heap && (export || flags || have_align)) {
		fprintf(stderr, "bigphys alloc: --heap takes no %s (heap buffers are cached, page-aligned dma-bufs)\n",
			export ? "--export" : flags ? "cache mode" : "--align");
		return EXIT_USAGE;
	}
	if (heap)
		return alloc_heap(heap, size, hold, json);
	rc = open_dev(&bp, 0);
	if (rc)
		return rc;
	err = bigphys_alloc(bp, size, align, flags, &buf);
	if (err) {
		bigphys_close(bp);
		return fail_errno("alloc", err);
	}
	if (export) {
		err = bigphys_export(bp, &buf, O_RDWR | O_CLOEXEC, &dfd);
		if (err) {
			bigphys_free(bp, &buf);
			bigphys_close(bp);
			return fail_errno("export", err);
		}
	}
	if (json) {
		printf("{\"id\": %u, \"size\": %" PRIu64 ", \"offset\": %" PRIu64
		       ", \"phys\": %" PRIu64 ", \"flags\": %u",
		       buf.id, buf.size, buf.offset, buf.phys, buf.flags);
		if (export)
			printf(", \"dmabuf_fd\": %d, \"dmabuf_inode\": %llu", dfd,
			       dmabuf_inode(dfd));
		printf("}\n");
	} else {
		printf("id %u size %" PRIu64 " offset %#" PRIx64 " phys %#" PRIx64 "\n",
		       buf.id, buf.size, buf.offset, buf.phys);
		if (export)
			printf("exported as dma-buf fd %d (inode %llu)\n", dfd,
			       dmabuf_inode(dfd));
	}
	fflush(stdout);
	if (hold)
		sleep(hold);
	/* The id and the dma-buf each hold the memory: it goes with the last. */
	err = bigphys_free(bp, &buf);
	if (dfd >= 0)
		close(dfd);
	bigphys_close(bp);
	return err ? fail_errno("free", err) : EXIT_OK;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmd_selftest(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	uint64_t size = 0, bad = 0, i, n;
	unsigned long rounds = 1, r;
	struct bigphys_info info;
	struct bigphys_buffer buf;
	struct bigphys *bp;
	double t0, tw = 0, tr = 0;
	int c, rc, err;

	while ((c = getopt_long(argc, argv, "s:r:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if ((rc = parse_size_arg("size", optarg, &size)))
				return rc;
			break;
		case 'r':
			if ((rc = parse_uint_arg("rounds", optarg, &rounds)))
				return rc;
			break;
		case 'h':
			printf("usage: bigphys selftest [--size SIZE] [--rounds N]\n"
			       "Default size: half of the largest free block.\n");
			return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind != argc || !rounds) {
		fprintf(stderr, "bigphys selftest: bad arguments (see --help)\n");
		return EXIT_USAGE;
	}
	rc = open_dev(&bp, 0);
	if (rc)
		return rc;
	err = bigphys_info(bp, &info);
	if (!err && !size)
		size = info.largest_free / 2 & ~(uint64_t)(info.page_size - 1);
	if (!err)
		err = bigphys_alloc(bp, size ? size : 1, 0, 0, &buf);
	if (!err)
		err = bigphys_map(bp, &buf);
	if (err) {
		bigphys_close(bp);
		return fail_errno("selftest", err);
	}
	n = buf.size / sizeof(uint64_t);
	for (r = 0; r < rounds; r++) {
		uint64_t *p = buf.addr, seed = 0x9e3779b97f4a7c15ULL * (r + 1);

		t0 = now();
		for (i = 0; i < n; i++)
			p[i] = seed ^ (i * 0x100000001b3ULL);
		tw += now() - t0;
		t0 = now();
		for (i = 0; i < n; i++)
			bad += p[i] != (seed ^ (i * 0x100000001b3ULL));
		tr += now() - t0;
	}
	err = bigphys_free(bp, &buf);
	bigphys_close(bp);
	printf("selftest: %" PRIu64 " bytes x %lu rounds: write %.1f MB/s, verify %.1f MB/s, %" PRIu64 " bad words\n",
	       buf.size, rounds, buf.size * rounds / 1e6 / (tw > 0 ? tw : 1e-9),
	       buf.size * rounds / 1e6 / (tr > 0 ? tr : 1e-9), bad);
	if (err)
		return fail_errno("free", err);
	return bad ? EXIT_FAIL : EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *cmd;
	int c;

	/* Global options stop at the command name. */
	while ((c = getopt_long(argc, argv, "+d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': device = optarg; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	optind = 0;	/* glibc: fully reset getopt for the command's options */
	if (!strcmp(cmd, "info"))
		return cmd_info(argc, argv);
	if (!strcmp(cmd, "alloc"))
		return cmd_alloc(argc, argv);
	if (!strcmp(cmd, "selftest"))
		return cmd_selftest(argc, argv);
	if (!strcmp(cmd, "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	fprintf(stderr, "bigphys: unknown command '%s'\n", cmd);
	usage(stderr);
	return EXIT_USAGE;
}
