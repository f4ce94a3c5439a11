// SPDX-License-Identifier: GPL-2.0
/*
 * bigphys-fuzz: seeded random ioctl/mmap/fork/close storm against
 * /dev/bigphys, its dma-bufs (BIGPHYS_IOC_EXPORT), the heap
 * /dev/dma_heap/bigphys and the bpgrab V4L2 device from several processes.
 * Expected errors are fine; crashes, broken invariants and memory not
 * returned are not.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/bigphys.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/videodev2.h>

#define TAP_PREFIX "fuzz"
#include "tap.h"

#define PG 4096ULL
#define MAXB 64
#define MAXD 16

struct buf {
	uint32_t id, flags;
	uint64_t size, offset;
	uint8_t *map;
	uint64_t maplen;
};

/* A dma-buf (exported or from the heap); its mapping may outlive the fd. */
struct dbuf {
	int fd;
	uint64_t size;
	uint8_t *map;
	uint64_t maplen;
};

struct state {
	uint64_t rng;
	int fd, grab, heap;
	uint64_t total;
	struct buf b[MAXB];
	struct dbuf d[MAXD];
	unsigned long ops, errors, exports, heap_bufs, dbuf_maps;
};

static uint64_t rnd(struct state *s)
{
	/* xorshift64*: small, fast, reproducible */
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return s->rng * 0x2545f4914f6cdd1dULL;
}

static uint64_t pick(struct state *s, uint64_t n)
{
	return n ? rnd(s) % n : 0;
}

/* Mostly plausible values, sometimes garbage. */
static uint64_t fuzz_size(struct state *s)
{
	switch (pick(s, 8)) {
	case 0: return 0;
	case 1: return rnd(s);
	case 2: return s->total + pick(s, 3 * PG);
	case 3: return UINT64_MAX - pick(s, PG);
	default: return 1 + pick(s, 64 * PG);
	}
}

static void bad(struct state *s, const char *what)
{
	fprintf(stderr, "bigphys-fuzz: invariant broken: %s\n", what);
	s->errors++;
}

/*
 * A new buffer is zero: its first, last and one more page (picked from
 * its id, so the fuzzer's random sequence stays what the seed makes it).
 */
static void check_zero(struct state *s, uint64_t off, uint64_t size, uint32_t id)
{
	uint64_t pages = size / PG, pg[3] = { 0, pages - 1, id * 2654435761ULL % pages };
	uint8_t *p;
	int i, j;

	if (!pages)
		return;
	p = mmap(NULL, size, PROT_READ, MAP_SHARED, s->fd, (off_t)off);
	if (p == MAP_FAILED)
		return;
	for (i = 0; i < 3; i++)
		for (j = 0; j < (int)PG; j++)
			if (p[pg[i] * PG + j]) {
				bad(s, "new buffer not zero");
				i = 3;
				break;
			}
	munmap(p, size);
}

static void op_alloc(struct state *s)
{
	struct bigphys_alloc_req r = {
		.size = fuzz_size(s),
		.align = pick(s, 4) ? 0 : pick(s, 2) ? 1ULL << pick(s, 30) : rnd(s),
		.flags = pick(s, 6) ? (uint32_t)pick(s, 3) : (uint32_t)rnd(s),
	};
	int i, slot = -1;

	if (!pick(s, 20))
		r.reserved[pick(s, 2)] = rnd(s) | 1;
	for (i = 0; i < MAXB; i++)
		if (!s->b[i].id) {
			slot = i;
			break;
		}
	if (ioctl(s->fd, BIGPHYS_IOC_ALLOC, &r))
		return;
	if (r.size % PG || !r.id || !r.offset || r.size > s->total)
		bad(s, "ALLOC succeeded with a bad result");
	check_zero(s, r.offset, r.size, r.id);
	if (slot < 0) {	/* table full: free it again */
		struct bigphys_free_req f = { .id = r.id };

		if (ioctl(s->fd, BIGPHYS_IOC_FREE, &f))
			bad(s, "FREE of a fresh buffer failed");
		return;
	}
	s->b[slot] = (struct buf){ .id = r.id, .flags = r.flags, .size = r.size, .offset = r.offset };
}

static void op_free(struct state *s)
{
	struct buf *b = &s->b[pick(s, MAXB)];
	struct bigphys_free_req f = { .id = b->id ? b->id : (uint32_t)rnd(s) };
	int ret;

	if (!pick(s, 20))
		f.reserved = 1;
	ret = ioctl(s->fd, BIGPHYS_IOC_FREE, &f);
	if (b->id && !f.reserved) {
		if (ret)
			bad(s, "FREE of a live buffer failed");
		b->id = 0;	/* its mapping, if any, stays valid */
	}
}

static void op_sync(struct state *s)
{
	struct buf *b = &s->b[pick(s, MAXB)];
	struct bigphys_sync_req r = {
		.id = b->id ? b->id : (uint32_t)rnd(s),
		.direction = (uint32_t)pick(s, 5),
		.offset = pick(s, 2) ? pick(s, b->size + 1) : rnd(s),
		.length = pick(s, 2) ? pick(s, b->size + 1) : rnd(s),
	};

	ioctl(s->fd, BIGPHYS_IOC_SYNC, &r);
}

static void op_info(struct state *s)
{
	struct bigphys_info in = { 0 };
	int ret = ioctl(s->fd, BIGPHYS_IOC_INFO, &in);

	if (ret || in.total != s->total || in.free > in.total || in.largest_free > in.free) {
		fprintf(stderr, "bigphys-fuzz: INFO: ret %d (%s), total %llu (want %llu), free %llu, largest free %llu\n",
			ret, ret ? strerror(errno) : "ok", (unsigned long long)in.total,
			(unsigned long long)s->total, (unsigned long long)in.free,
			(unsigned long long)in.largest_free);
		bad(s, "INFO inconsistent");
	}
}

static void op_mmap(struct state *s)
{
	struct buf *b = &s->b[pick(s, MAXB)];
	uint64_t off, len;
	int flags;
	uint8_t *p;

	if (b->map) {	/* unmap, sometimes only a part first */
		if (!pick(s, 3) && b->maplen > PG) {
			munmap(b->map + b->maplen - PG, PG);
			b->maplen -= PG;
		} else {
			munmap(b->map, b->maplen);
			b->map = NULL;
		}
		return;
	}
	switch (pick(s, 6)) {
	case 0: off = 0; len = pick(s, s->total + PG) & ~(PG - 1); break;
	case 1: off = rnd(s) & ~(PG - 1); len = PG; break;
	default: off = b->offset; len = (1 + pick(s, (b->size ? b->size : PG) / PG + 1)) * PG; break;
	}
	if (!len)
		len = PG;
	flags = pick(s, 8) ? MAP_SHARED : MAP_PRIVATE;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, s->fd, (off_t)off);
	if (p == MAP_FAILED)
		return;
	if (flags == MAP_PRIVATE)
		bad(s, "MAP_PRIVATE succeeded");
	/* Buffer offsets are ids << 32; nothing else but 0 (the area) maps. */
	if (off & 0xffffffffULL)
		bad(s, "mmap of an offset that is no buffer succeeded");
	if (!b->id || off != b->offset) {
		munmap(p, len);
		return;
	}
	if (len > b->size)
		bad(s, "mmap longer than the buffer succeeded");
	p[0] = 0x5a;
	p[len - 1] = 0xa5;
	if (p[0] != 0x5a || p[len - 1] != 0xa5)
		bad(s, "mapping does not read back");
	b->map = p;
	b->maplen = len;
}

/* A free dma-buf slot (no fd, no mapping), or NULL. */
static struct dbuf *dbuf_slot(struct state *s)
{
	int i;

	for (i = 0; i < MAXD; i++)
		if (s->d[i].fd < 0 && !s->d[i].map)
			return &s->d[i];
	return NULL;
}

/*
 * Mostly valid dma-buf fd flags, sometimes garbage. EXPORT takes O_CLOEXEC
 * and O_RDWR; the heap core any O_ACCMODE bits and O_CLOEXEC.
 */
static uint32_t fuzz_fd_flags(struct state *s)
{
	static const uint32_t good[] = { 0, O_CLOEXEC, O_RDWR, O_CLOEXEC | O_RDWR };

	if (pick(s, 8))
		return good[pick(s, 4)];
	return pick(s, 2) ? (uint32_t)rnd(s) : O_CLOEXEC | (uint32_t)(1u << pick(s, 32));
}

static void dbuf_add(struct state *s, int fd, uint64_t size)
{
	struct dbuf *d = dbuf_slot(s);

	if (!d) {	/* table full: drop it again */
		close(fd);
		return;
	}
	*d = (struct dbuf){ .fd = fd, .size = size };
}

static void op_export(struct state *s)
{
	struct buf *b = &s->b[pick(s, MAXB)];
	int i;

	/* mostly a live buffer of ours, if there is one */
	for (i = 0; i < 8 && !b->id; i++)
		b = &s->b[pick(s, MAXB)];
	struct bigphys_export_req e = {
		.id = b->id ? b->id : pick(s, 2) ? (uint32_t)pick(s, 8) : (uint32_t)rnd(s),
		.flags = fuzz_fd_flags(s),
	};
	int valid = !(e.flags & ~(uint32_t)(O_CLOEXEC | O_RDWR));

	if (!pick(s, 20))
		e.reserved = (uint32_t)rnd(s) | 1;
	if (ioctl(s->fd, BIGPHYS_IOC_EXPORT, &e)) {
		/* cached buffers at least must export */
		if (b->id && !b->flags && valid && !e.reserved && errno != EMFILE && errno != ENOMEM)
			bad(s, "EXPORT of a live buffer failed");
		return;
	}
	if (e.reserved || !valid)
		bad(s, "EXPORT with bad flags or reserved set succeeded");
	if (e.fd < 0) {
		bad(s, "EXPORT succeeded without an fd");
		return;
	}
	s->exports++;
	/* ids of this file we do not track (a child's, a random one) export too */
	dbuf_add(s, e.fd, b->id == e.id ? b->size : 0);
}

static void op_heap(struct state *s)
{
	struct dma_heap_allocation_data a = {
		.len = fuzz_size(s),
		.fd_flags = fuzz_fd_flags(s),
		.heap_flags = pick(s, 10) ? 0 : rnd(s),
	};
	int valid = !(a.fd_flags & ~(uint32_t)(O_CLOEXEC | O_ACCMODE));

	if (s->heap < 0)
		return;
	if (ioctl(s->heap, DMA_HEAP_IOCTL_ALLOC, &a))
		return;
	if (a.heap_flags || !valid || !a.len || a.len > s->total)
		bad(s, "heap ALLOC with bad arguments succeeded");
	s->heap_bufs++;
	dbuf_add(s, (int)a.fd, (a.len + PG - 1) & ~(PG - 1));
}

/* Map, unmap, sync, poke or close a dma-buf. */
static void op_dbuf(struct state *s)
{
	struct dbuf *d = &s->d[pick(s, MAXD)];
	struct dma_buf_sync sy;
	uint64_t off, len;
	uint8_t *p;

	if (d->fd < 0 && !d->map)
		return;
	switch (pick(s, 6)) {
	case 0: /* close the fd: a mapping keeps the memory */
		if (d->fd >= 0)
			close(d->fd);
		d->fd = -1;
		break;
	case 1: /* unmap */
		if (d->map)
			munmap(d->map, d->maplen);
		d->map = NULL;
		break;
	case 2: /* map */
		if (d->map || d->fd < 0)
			break;
		off = pick(s, 4) ? 0 : pick(s, 4) * PG;
		len = pick(s, 4) ? (d->size ? d->size : PG) : (1 + pick(s, 64)) * PG;
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, pick(s, 10) ? MAP_SHARED : MAP_PRIVATE,
			 d->fd, (off_t)off);
		if (p == MAP_FAILED)
			break;
		if (d->size && off + len > d->size)
			bad(s, "dma-buf mmap past its end succeeded");
		p[0] = 0x5a;
		p[len - 1] = 0xa5;
		if (p[0] != 0x5a || p[len - 1] != 0xa5)
			bad(s, "dma-buf mapping does not read back");
		d->map = p;
		d->maplen = len;
		s->dbuf_maps++;
		break;
	case 3: /* sync, sometimes with bad flags */
		if (d->fd < 0)
			break;
		sy.flags = pick(s, 4) ? DMA_BUF_SYNC_START | (1 + pick(s, 3)) : rnd(s);
		ioctl(d->fd, DMA_BUF_IOCTL_SYNC, &sy);
		sy.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW;
		ioctl(d->fd, DMA_BUF_IOCTL_SYNC, &sy);
		break;
	default: /* touch the mapping */
		if (d->map)
			memset(d->map, (int)pick(s, 256), d->maplen < 2 * PG ? d->maplen : 2 * PG);
		break;
	}
}

/* The grabber's V4L2 node: /dev/video0 (the only video device in the VM). */
static void op_grab(struct state *s)
{
	struct v4l2_format f = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct v4l2_requestbuffers rb = {
		.count = (uint32_t)pick(s, 40), .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
	};
	struct v4l2_buffer b = {
		.index = (uint32_t)pick(s, 40), .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
	};
	struct v4l2_streamparm parm = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;

	f.fmt.pix.width = pick(s, 2) ? 16 + 2 * pick(s, 200) : (uint32_t)rnd(s);
	f.fmt.pix.height = pick(s, 2) ? 16 + pick(s, 200) : (uint32_t)rnd(s);
	f.fmt.pix.pixelformat = pick(s, 4) ? V4L2_PIX_FMT_YUYV : (uint32_t)rnd(s);
	parm.parm.capture.timeperframe.numerator = 1;
	parm.parm.capture.timeperframe.denominator = (uint32_t)pick(s, 300);
	if (s->grab < 0) {
		s->grab = open("/dev/video0", O_RDWR | O_NONBLOCK | O_CLOEXEC);
		return;
	}
	switch (pick(s, 10)) {
	case 0: ioctl(s->grab, VIDIOC_S_FMT, &f); break;
	case 1: ioctl(s->grab, VIDIOC_REQBUFS, &rb); break;
	case 2: case 3: ioctl(s->grab, VIDIOC_QBUF, &b); break;
	case 4: if (!ioctl(s->grab, VIDIOC_DQBUF, &b) && b.index >= 40)
			bad(s, "DQBUF index out of range");
		break;
	case 5: ioctl(s->grab, VIDIOC_STREAMON, &type); break;
	case 6: ioctl(s->grab, VIDIOC_STREAMOFF, &type); break;
	case 7: ioctl(s->grab, VIDIOC_S_PARM, &parm); break;
	case 8: ioctl(s->grab, VIDIOC_QUERYBUF, &b); break;
	default: close(s->grab); s->grab = -1; break;
	}
}

static void drop_all(struct state *s)
{
	int i;

	for (i = 0; i < MAXD; i++) {
		if (s->d[i].map)
			munmap(s->d[i].map, s->d[i].maplen);
		if (s->d[i].fd >= 0)
			close(s->d[i].fd);
		s->d[i] = (struct dbuf){ .fd = -1 };
	}
	for (i = 0; i < MAXB; i++) {
		if (s->b[i].map)
			munmap(s->b[i].map, s->b[i].maplen);
		s->b[i] = (struct buf){ 0 };
	}
}

static int one_op(struct state *s)
{
	pid_t pid;
	int st;

	s->ops++;
	switch (pick(s, 40)) {
	case 0: /* close and reopen: the file's buffers go, mappings stay */
		close(s->fd);
		s->fd = open("/dev/bigphys", O_RDWR | O_CLOEXEC | (pick(s, 4) ? 0 : O_SYNC));
		if (s->fd < 0)
			return -1;
		for (st = 0; st < MAXB; st++)
			s->b[st].id = 0;
		return 0;
	case 1: /* fork: the child pokes with the shared file, then exits */
		pid = fork();
		if (pid == 0) {
			int i;

			s->rng ^= 0x9e3779b97f4a7c15ULL;
			for (i = 0; i < 20; i++) {
				switch (pick(s, 7)) {
				case 0: op_alloc(s); break;
				case 1: op_free(s); break;
				case 2: op_sync(s); break;
				case 3: op_export(s); break;
				case 4: op_heap(s); break;
				case 5: op_dbuf(s); break;
				default: op_info(s); break;
				}
			}
			_exit(s->errors ? 1 : 0);
		}
		if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			bad(s, "forked child crashed or saw a broken invariant");
		/* the child may have freed our ids: forget them */
		for (st = 0; st < MAXB; st++)
			s->b[st].id = 0;
		return 0;
	}
	switch (pick(s, 12)) {
	case 0: case 1: op_alloc(s); break;
	case 2: op_free(s); break;
	case 3: op_sync(s); break;
	case 4: op_info(s); break;
	case 5: op_grab(s); break;
	case 6: op_export(s); break;
	case 7: op_heap(s); break;
	case 8: case 9: op_dbuf(s); break;
	default: op_mmap(s); break;
	}
	return 0;
}

static int worker(uint64_t seed, unsigned int idx, unsigned long ops)
{
	struct state s = { .rng = seed * 0x100000001b3ULL + idx + 1, .grab = -1 };
	struct bigphys_info in;
	int i;

	for (i = 0; i < MAXD; i++)
		s.d[i].fd = -1;
	s.heap = open("/dev/dma_heap/bigphys", O_RDWR | O_CLOEXEC);
	s.fd = open("/dev/bigphys", O_RDWR | O_CLOEXEC);
	if (s.fd < 0 || ioctl(s.fd, BIGPHYS_IOC_INFO, &in)) {
		perror("bigphys-fuzz: /dev/bigphys");
		return 2;
	}
	s.total = in.total;
	while (s.ops < ops)
		if (one_op(&s))
			return 2;
	printf("# worker %u: %lu exports, %lu heap buffers, %lu dma-buf mappings\n",
	       idx, s.exports, s.heap_bufs, s.dbuf_maps);
	fflush(stdout);
	drop_all(&s);
	if (s.grab >= 0)
		close(s.grab);
	if (s.heap >= 0)
		close(s.heap);
	close(s.fd);
	return s.errors ? 1 : 0;
}

int main(int argc, char **argv)
{
	unsigned long ops = 10000, procs = 4, i;
	uint64_t seed = 1;
	struct bigphys_info in;
	int c, fd, st, failed = 0;

	while ((c = getopt(argc, argv, "s:n:p:h")) != -1) {
		switch (c) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'n': ops = strtoul(optarg, NULL, 0); break;
		case 'p': procs = strtoul(optarg, NULL, 0); break;
		case 'h':
			printf("usage: bigphys-fuzz [-s SEED] [-n TOTAL_OPS] [-p PROCESSES]\n"
			       "Exit status: 0 clean, 1 invariant broken or memory not returned, 2 error.\n");
			return 0;
		default: return 2;
		}
	}
	if (!procs || procs > 64 || !ops) {
		fprintf(stderr, "bigphys-fuzz: bad arguments\n");
		return 2;
	}
	printf("# bigphys-fuzz: seed %" PRIu64 ", %lu operations over %lu processes\n",
	       seed, ops, procs);
	fflush(stdout);
	for (i = 0; i < procs; i++) {
		if (fork() == 0)
			_exit(worker(seed, i, ops / procs));
	}
	for (i = 0; i < procs; i++) {
		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
			fprintf(stderr, "bigphys-fuzz: a worker %s %d\n",
				WIFSIGNALED(st) ? "died of signal" : "exited with",
				WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
			failed = 1;
		}
	}
	fd = open("/dev/bigphys", O_RDWR);
	if (fd < 0 || ioctl(fd, BIGPHYS_IOC_INFO, &in) || in.free != in.total || in.nr_allocs) {
		fprintf(stderr, "bigphys-fuzz: memory not returned (free %llu of %llu, %u allocations)\n",
			(unsigned long long)in.free, (unsigned long long)in.total, in.nr_allocs);
		failed = 1;
	}
	ok(!failed, "seed %" PRIu64 ", %lu ops, %lu processes, all memory returned",
	   seed, ops, procs);
	return tap_failed != 0;
}
