// SPDX-License-Identifier: GPL-2.0
/*
 * In-guest TAP tests of /dev/bigphys: ioctls, errors, mmap rules, privileges.
 * Also built -m32 (bigphys-devtest32) to run on the x86_64 kernel as a
 * 32-bit process; its TAP lines say "device32".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bigphys.h"
#if UINTPTR_MAX == 0xffffffffU
#define TAP_PREFIX "device32"
#else
#define TAP_PREFIX "device"
#endif
#include "tap.h"

#define DEV BIGPHYS_DEFAULT_PATH
#define PG 4096ULL

static int xopen(int flags)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC | flags);

	if (fd < 0) {
		printf("Bail out! cannot open %s: %s\n", DEV, strerror(errno));
		exit(1);
	}
	return fd;
}

/* ioctl returning 0 or -errno */
static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

static struct bigphys_info info_of(int fd)
{
	struct bigphys_info in;

	memset(&in, 0xff, sizeof(in));
	if (xioctl(fd, BIGPHYS_IOC_INFO, &in))
		memset(&in, 0, sizeof(in));
	return in;
}

static int alloc_req(int fd, uint64_t size, uint64_t align, uint32_t flags,
		     struct bigphys_alloc_req *req)
{
	memset(req, 0, sizeof(*req));
	req->size = size;
	req->align = align;
	req->flags = flags;
	return xioctl(fd, BIGPHYS_IOC_ALLOC, req);
}

static int free_id(int fd, uint32_t id)
{
	struct bigphys_free_req fr = { .id = id };

	return xioctl(fd, BIGPHYS_IOC_FREE, &fr);
}

static void *map_at(int fd, uint64_t len, uint64_t off, int flags)
{
	return mmap(NULL, len, PROT_READ | PROT_WRITE, flags, fd, (off_t)off);
}

static int map_errno(int fd, uint64_t len, uint64_t off, int flags)
{
	void *p = map_at(fd, len, off, flags);

	if (p == MAP_FAILED)
		return -errno;
	munmap(p, len);
	return 0;
}

static uint64_t proc_size_kb(void)
{
	FILE *f = fopen("/proc/bigphysarea", "r");
	unsigned long long kb = 0;

	if (f) {
		if (fscanf(f, "Big physical area, size %llu kB", &kb) != 1)
			kb = 0;
		fclose(f);
	}
	return kb;
}

static void test_info(int fd)
{
	struct bigphys_info in = info_of(fd);
	struct stat st;

	ok(stat(DEV, &st) == 0 && S_ISCHR(st.st_mode) && (st.st_mode & 0777) == 0600,
	   "%s is a character device with mode 0600", DEV);
	ok(in.total && in.total == proc_size_kb() * 1024,
	   "INFO total (%" PRIu64 ") matches /proc/bigphysarea", (uint64_t)in.total);
	ok(in.free == in.total && in.largest_free == in.total && in.nr_allocs == 0,
	   "INFO: all free at start");
	ok(in.page_size == PG, "INFO page size is %u", in.page_size);
	ok(in.phys_base != 0 && in.phys_base % PG == 0, "INFO phys_base visible to root");
	ok(!in.reserved[0] && !in.reserved[1] && !in.reserved[2] && !in.held,
	   "INFO reserved fields zeroed, nothing held");
	ok(xioctl(fd, _IO(BIGPHYS_IOC_MAGIC, 0x7f), NULL) == -ENOTTY, "unknown ioctl: ENOTTY");
	ok(xioctl(fd, BIGPHYS_IOC_INFO, (void *)8) == -EFAULT, "INFO to a bad pointer: EFAULT");
}

static void test_alloc(int fd)
{
	struct bigphys_info in = info_of(fd), after;
	struct bigphys_alloc_req req, r2;
	unsigned char *p;
	uint64_t i, nonzero = 0;

	ok(alloc_req(fd, 1, 0, 0, &req) == 0 && req.size == PG && req.id > 0 &&
	   req.offset && req.phys && req.phys % PG == 0,
	   "ALLOC 1 byte: one page, id, offset and phys returned");
	after = info_of(fd);
	ok(after.free == in.free - PG && after.nr_allocs == in.nr_allocs + 1,
	   "INFO accounts the allocation");
	ok(req.phys >= in.phys_base && req.phys + req.size <= in.phys_base + in.total,
	   "buffer lies inside the area");
	ok(free_id(fd, req.id) == 0, "FREE");
	ok(free_id(fd, req.id) == -ENOENT, "double FREE: ENOENT");
	ok(free_id(fd, 0) == -ENOENT, "FREE id 0: ENOENT");
	ok(free_id(fd, 54321) == -ENOENT, "FREE unknown id: ENOENT");
	{
		struct bigphys_free_req fr = { .id = 1, .reserved = 1 };

		ok(xioctl(fd, BIGPHYS_IOC_FREE, &fr) == -EINVAL, "FREE with reserved set: EINVAL");
	}
	ok(info_of(fd).free == in.free, "free space restored");

	ok(alloc_req(fd, 0, 0, 0, &req) == -EINVAL, "ALLOC size 0: EINVAL");
	ok(alloc_req(fd, in.total + 1, 0, 0, &req) == -EINVAL, "ALLOC larger than the area: EINVAL");
	ok(alloc_req(fd, UINT64_MAX, 0, 0, &req) == -EINVAL, "ALLOC UINT64_MAX: EINVAL");
	ok(alloc_req(fd, UINT64_MAX - PG + 2, 0, 0, &req) == -EINVAL, "ALLOC that overflows page rounding: EINVAL");
	ok(alloc_req(fd, PG, 3 * PG, 0, &req) == -EINVAL, "ALLOC align not a power of two: EINVAL");
	ok(alloc_req(fd, PG, in.total * 2, 0, &req) == -EINVAL, "ALLOC align larger than the area: EINVAL");
	ok(alloc_req(fd, PG, 0, 1U << 7, &req) == -EINVAL, "ALLOC unknown flag: EINVAL");
	ok(alloc_req(fd, PG, 0, BIGPHYS_ALLOC_UNCACHED | BIGPHYS_ALLOC_WRITECOMBINE, &req) == -EINVAL,
	   "ALLOC uncached + write-combine: EINVAL");
	memset(&r2, 0, sizeof(r2));
	r2.size = PG;
	r2.reserved[1] = 1;
	ok(xioctl(fd, BIGPHYS_IOC_ALLOC, &r2) == -EINVAL, "ALLOC with reserved set: EINVAL");
	ok(xioctl(fd, BIGPHYS_IOC_ALLOC, (void *)8) == -EFAULT, "ALLOC from a bad pointer: EFAULT");
	ok(info_of(fd).free == in.free && info_of(fd).nr_allocs == in.nr_allocs,
	   "failed ALLOCs leak nothing");

	ok(alloc_req(fd, 3 * PG, 1 << 20, 0, &req) == 0 && req.phys % (1 << 20) == 0,
	   "ALLOC with 1 MiB alignment is aligned");
	free_id(fd, req.id);

	/* Exhaustion: the whole area, then one more page. */
	ok(alloc_req(fd, in.total, 0, 0, &req) == 0, "ALLOC the whole area");
	ok(alloc_req(fd, PG, 0, 0, &r2) == -ENOMEM, "ALLOC when full: ENOMEM");
	free_id(fd, req.id);

	/* New buffers are zeroed even when the last user left data behind. */
	alloc_req(fd, 64 * PG, 0, 0, &req);
	p = map_at(fd, req.size, req.offset, MAP_SHARED);
	if (p != MAP_FAILED) {
		memset(p, 0xa5, req.size);
		munmap(p, req.size);
	}
	free_id(fd, req.id);
	alloc_req(fd, 64 * PG, 0, 0, &req);
	p = map_at(fd, req.size, req.offset, MAP_SHARED);
	if (p != MAP_FAILED) {
		for (i = 0; i < req.size; i++)
			nonzero += p[i] != 0;
		munmap(p, req.size);
	}
	ok(p != MAP_FAILED && nonzero == 0, "new buffer is zeroed (%" PRIu64 " nonzero bytes)", nonzero);
	free_id(fd, req.id);
}

static void test_sync(int fd)
{
	struct bigphys_alloc_req req;
	struct bigphys_sync_req s;

#define SYNC(id_, dir_, off_, len_) \
	(s = (struct bigphys_sync_req){ .id = (id_), .direction = (dir_), \
		.offset = (off_), .length = (len_) }, xioctl(fd, BIGPHYS_IOC_SYNC, &s))
	alloc_req(fd, 2 * PG, 0, 0, &req);
	ok(SYNC(req.id, BIGPHYS_SYNC_TO_DEVICE, 0, 2 * PG) == 0 &&
	   SYNC(req.id, BIGPHYS_SYNC_FROM_DEVICE, PG, PG) == 0 &&
	   SYNC(req.id, BIGPHYS_SYNC_BIDIRECTIONAL, 10, 100) == 0,
	   "SYNC in each direction");
	ok(SYNC(req.id, 0, 0, PG) == -EINVAL, "SYNC direction 0: EINVAL");
	ok(SYNC(req.id, 4, 0, PG) == -EINVAL, "SYNC unknown direction: EINVAL");
	ok(SYNC(req.id, 1, 0, 0) == -EINVAL, "SYNC length 0: EINVAL");
	ok(SYNC(req.id, 1, 2 * PG, 1) == -EINVAL, "SYNC offset past the end: EINVAL");
	ok(SYNC(req.id, 1, PG, PG + 1) == -EINVAL, "SYNC range past the end: EINVAL");
	ok(SYNC(req.id, 1, PG, UINT64_MAX) == -EINVAL, "SYNC overflowing range: EINVAL");
	ok(SYNC(9999, 1, 0, 1) == -ENOENT, "SYNC unknown id: ENOENT");
	s = (struct bigphys_sync_req){ .id = req.id, .direction = 1, .length = 1, .reserved = 1 };
	ok(xioctl(fd, BIGPHYS_IOC_SYNC, &s) == -EINVAL, "SYNC with reserved set: EINVAL");
	free_id(fd, req.id);
#undef SYNC
}

static void test_mmap(int fd)
{
	struct bigphys_info in = info_of(fd);
	struct bigphys_alloc_req req;
	unsigned char *p, *area, buf[64];
	struct iovec local = { buf, sizeof(buf) }, remote;
	uint64_t i, bad = 0;

	alloc_req(fd, 4 * PG, 0, 0, &req);
	ok(map_errno(fd, 4 * PG, req.offset, MAP_SHARED) == 0, "mmap buffer, full length");
	ok(map_errno(fd, PG, req.offset, MAP_SHARED) == 0, "mmap buffer, shorter length");
	ok(map_errno(fd, 5 * PG, req.offset, MAP_SHARED) == -EINVAL, "mmap longer than the buffer: EINVAL");
	ok(map_errno(fd, PG, req.offset + PG, MAP_SHARED) == -EINVAL, "mmap inside a buffer: EINVAL");
	ok(map_errno(fd, PG, req.offset, MAP_PRIVATE) == -EINVAL, "mmap MAP_PRIVATE: EINVAL");
	ok(map_errno(fd, PG, (uint64_t)4000 << 32, MAP_SHARED) == -EINVAL, "mmap unknown buffer offset: EINVAL");
	ok(map_errno(fd, in.total + PG, 0, MAP_SHARED) == -EINVAL, "mmap more than the area: EINVAL");

	/* Page-backed: get_user_pages() (process_vm_readv) works on it. */
	p = map_at(fd, 4 * PG, req.offset, MAP_SHARED);
	memset(p, 0x3c, 4 * PG);
	remote = (struct iovec){ p + PG, sizeof(buf) };
	errno = 0;
	ok(process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == sizeof(buf) &&
	   buf[0] == 0x3c && buf[63] == 0x3c,
	   "get_user_pages on a mapping works (process_vm_readv: %s)", strerror(errno));

	/* The classic way: whole area at offset 0, buffer at phys - base. */
	area = map_at(fd, in.total, 0, MAP_SHARED);
	ok(area != MAP_FAILED, "root maps the whole area at offset 0");
	if (area != MAP_FAILED) {
		unsigned char *q = area + (req.phys - in.phys_base);

		ok(q[0] == 0x3c && q[4 * PG - 1] == 0x3c, "buffer written via its mapping is seen in the area mapping");
		for (i = 0; i < in.total; i += PG)
			((volatile uint64_t *)area)[i / 8] = i ^ 0x5555aaaa;
		for (i = 0; i < in.total; i += PG)
			bad += ((volatile uint64_t *)area)[i / 8] != (i ^ 0x5555aaaa);
		ok(bad == 0, "pattern over the whole area reads back (%" PRIu64 " bad)", bad);
		ok(*(volatile uint64_t *)p == ((req.phys - in.phys_base) ^ 0x5555aaaa),
		   "a write through the area mapping is seen in the buffer mapping");
		munmap(area, in.total);
	}
	munmap(p, 4 * PG);
	free_id(fd, req.id);
}

static void test_lifetime(void)
{
	int fd = xopen(0), fd2;
	struct bigphys_info in = info_of(fd);
	struct bigphys_alloc_req a, b;
	unsigned char *p;

	/* Closing the file frees its buffers. */
	fd2 = xopen(0);
	alloc_req(fd2, 8 * PG, 0, 0, &a);
	alloc_req(fd2, 8 * PG, 0, 0, &b);
	ok(info_of(fd).free == in.free - 16 * PG, "second file holds 2 buffers");
	close(fd2);
	ok(info_of(fd).free == in.free, "close frees the file's buffers");

	/* Freed while mapped: held until the mapping goes. */
	alloc_req(fd, in.total / 2, 0, 0, &a);
	p = map_at(fd, a.size, a.offset, MAP_SHARED);
	memset(p, 0x77, a.size);
	ok(free_id(fd, a.id) == 0, "FREE a mapped buffer");
	ok(info_of(fd).free == in.free - a.size, "mapped buffer is not returned yet");
	ok(alloc_req(fd, in.total / 2 + PG, 0, 0, &b) == -ENOMEM,
	   "its pages cannot be reallocated while mapped");
	ok(p[0] == 0x77 && p[a.size - 1] == 0x77, "data in the still-mapped buffer is intact");
	ok(map_errno(fd, PG, a.offset, MAP_SHARED) == -EINVAL, "a freed buffer cannot be mapped again");
	munmap(p, a.size);
	ok(info_of(fd).free == in.free, "last munmap returns the memory");

	/* Partial unmap (VMA split) keeps the accounting right. */
	alloc_req(fd, 8 * PG, 0, 0, &a);
	p = map_at(fd, a.size, a.offset, MAP_SHARED);
	munmap(p + 2 * PG, 2 * PG);
	free_id(fd, a.id);
	ok(info_of(fd).free == in.free - a.size, "split mapping still holds the buffer");
	munmap(p, 2 * PG);
	ok(info_of(fd).free == in.free - a.size, "one piece still holds it");
	munmap(p + 4 * PG, 4 * PG);
	ok(info_of(fd).free == in.free, "last piece unmapped: freed");

	/* Closing the file with a live mapping. */
	fd2 = xopen(0);
	alloc_req(fd2, 8 * PG, 0, 0, &a);
	p = map_at(fd2, a.size, a.offset, MAP_SHARED);
	close(fd2);
	p[0] = 1;
	ok(info_of(fd).free == in.free - a.size, "mapping outlives close of its file");
	munmap(p, a.size);
	ok(info_of(fd).free == in.free, "...and its unmap frees the buffer");
	close(fd);
}

static void test_processes(void)
{
	int fd = xopen(0), status;
	struct bigphys_alloc_req a;
	volatile unsigned char *p;
	pid_t pid;

	alloc_req(fd, 4 * PG, 0, 0, &a);
	p = map_at(fd, a.size, a.offset, MAP_SHARED);
	p[0] = 42;

	pid = fork();
	if (pid == 0) {
		int fd2 = open(DEV, O_RDWR);
		void *q = map_at(fd2, PG, a.offset, MAP_SHARED);

		_exit(q == MAP_FAILED && errno == EINVAL ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "another process cannot map this file's buffer through its own file");

	pid = fork();
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		_exit(p[0] == 42 ? 3 : 4);	/* must fault: not inherited */
	}
	waitpid(pid, &status, 0);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
	   "mappings are not inherited across fork");
	munmap((void *)p, a.size);
	close(fd);
}

static void test_unprivileged(void)
{
	int fd = xopen(0), status;
	struct bigphys_alloc_req a;
	pid_t pid;

	alloc_req(fd, PG, 0, 0, &a);
	pid = fork();
	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(10);
		_exit(open(DEV, O_RDWR) < 0 && errno == EACCES ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "uid 65534 cannot open the 0600 device");

	chmod(DEV, 0666);
	pid = fork();
	if (pid == 0) {
		struct bigphys_alloc_req own;
		struct bigphys_info in;
		int rc = 0, fd2;

		if (setgid(65534) || setuid(65534))
			_exit(10);
		fd2 = open(DEV, O_RDWR);
		if (fd2 < 0)
			_exit(11);
		in = info_of(fd2);
		rc |= in.total == 0 || in.phys_base != 0;			/* bit 0 */
		rc |= (map_errno(fd2, PG, 0, MAP_SHARED) != -EPERM) << 1;	/* bit 1 */
		rc |= (map_errno(fd2, PG, a.offset, MAP_SHARED) != -EINVAL) << 2;
		rc |= (alloc_req(fd2, PG, 0, 0, &own) != 0 || own.phys != 0) << 3;
		rc |= (map_errno(fd2, PG, own.offset, MAP_SHARED) != 0) << 4;
		_exit(rc);
	}
	waitpid(pid, &status, 0);
	chmod(DEV, 0600);
	status = WIFEXITED(status) ? WEXITSTATUS(status) : 255;
	ok(!(status & 0x80) && !(status & 1), "unprivileged INFO works and hides phys_base");
	ok(!(status & 0x80) && !(status & 2), "unprivileged mmap of the whole area: EPERM");
	ok(!(status & 0x80) && !(status & 4), "unprivileged mmap of another's buffer: EINVAL");
	ok(!(status & 0x80) && !(status & 8), "unprivileged ALLOC works, phys hidden");
	ok(!(status & 0x80) && !(status & 16), "unprivileged mmap of its own buffer works");
	free_id(fd, a.id);
	close(fd);
}

/*
 * Direct-map page attributes from ptdump: returns a bitmask of
 * 1 = some page has PWT, 2 = some page has PCD, 4 = some page has neither.
 */
static int directmap_attrs(uint64_t phys, uint64_t size)
{
	FILE *f = fopen("/sys/kernel/debug/page_tables/kernel", "r");
	unsigned long long s, e, po = 0, lo, hi;
	char line[512];
	int in_lkm = 0, res = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "---[ Low Kernel Mapping ]---")) {
			in_lkm = 1;
			continue;
		}
		if (!in_lkm || sscanf(line, "0x%llx-0x%llx", &s, &e) != 2)
			continue;
		if (!po)	/* page_offset_base is 1 GiB aligned; page 0 is unmapped */
			po = s & ~((1ULL << 30) - 1);
		lo = po + phys;
		hi = lo + size;
		if (e <= lo || s >= hi)
			continue;
		if (strstr(line, " PWT"))
			res |= 1;
		if (strstr(line, " PCD"))
			res |= 2;
		if (!strstr(line, " PWT") && !strstr(line, " PCD"))
			res |= 4;
		if (e >= hi)
			break;
	}
	fclose(f);
	return res;
}

static int dmesg_has(const char *what)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "dmesg | grep -q '%s'", what);
	return system(cmd) == 0;
}

/*
 * x86 switches the direct map of uncached and write-combining buffers
 * (PAT), which ptdump shows; arm64 leaves its linear map cacheable and
 * maps both Normal non-cacheable in the buffer's own mappings.
 */
#if defined(__x86_64__) || defined(__i386__)
#define DIRECTMAP_TYPES 1
#else
#define DIRECTMAP_TYPES 0
#define NO_DIRECTMAP_TYPES "the direct map keeps its type on this architecture"
#endif

/*
 * Normal memory (cached or not) takes unaligned accesses and DC ZVA, as
 * memcpy() and memset() use them; Device memory would fault.
 */
static int normal_memory_access(unsigned char *p, size_t size)
{
	unsigned char tmp[64];
	size_t i;

	memset(p, 0, size);
	for (i = 0; i < sizeof(tmp); i++)
		tmp[i] = i;
	memcpy(p + 3, tmp, sizeof(tmp));
	memcpy(tmp, p + 1, sizeof(tmp) - 1);
	return p[0] == 0 && p[3] == 0 && p[4] == 1 && tmp[2] == 0 && tmp[3] == 1 &&
	       p[size - 1] == 0;
}

static void test_cache_modes(void)
{
	int fd = xopen(0), fds = xopen(O_SYNC);
	struct bigphys_alloc_req wc, uc, cached, sync;
	unsigned char *p;

	alloc_req(fd, 16 * PG, 0, 0, &cached);
	alloc_req(fd, 16 * PG, 0, BIGPHYS_ALLOC_WRITECOMBINE, &wc);
	alloc_req(fd, 16 * PG, 0, BIGPHYS_ALLOC_UNCACHED, &uc);
	alloc_req(fds, 16 * PG, 0, 0, &sync);
	if (DIRECTMAP_TYPES) {
		ok(directmap_attrs(cached.phys, cached.size) == 4, "cached buffer: direct map write-back");
		ok(directmap_attrs(wc.phys, wc.size) == 1, "write-combine buffer: direct map has PWT (WC)");
		ok(directmap_attrs(uc.phys, uc.size) == 2, "uncached buffer: direct map has PCD (UC-)");
		ok(directmap_attrs(sync.phys, sync.size) == 2, "O_SYNC file: buffer uncached (PCD)");
	}
	p = map_at(fd, uc.size, uc.offset, MAP_SHARED);
	ok(p != MAP_FAILED && normal_memory_access(p, uc.size),
	   "uncached mapping is Normal memory: unaligned accesses, memset() and memcpy() work");
	if (p != MAP_FAILED)
		munmap(p, uc.size);

	p = map_at(fd, wc.size, wc.offset, MAP_SHARED);
	ok(p != MAP_FAILED, "write-combine buffer maps");
	if (p != MAP_FAILED) {
		memset(p, 0x11, wc.size);
		ok(p[0] == 0x11 && p[wc.size - 1] == 0x11, "write-combine mapping reads back");
		munmap(p, wc.size);
	}
	p = map_at(fds, sync.size, sync.offset, MAP_SHARED);
	ok(p != MAP_FAILED, "uncached buffer maps");
	if (p != MAP_FAILED) {
		memset(p, 0x22, sync.size);
		ok(p[sync.size - 1] == 0x22, "uncached mapping reads back");
		munmap(p, sync.size);
	}
	ok(!dmesg_has("x86/PAT:.*got write-back"), "no PAT fallback to write-back in dmesg");

	free_id(fd, wc.id);
	free_id(fd, uc.id);
	close(fds);
	if (DIRECTMAP_TYPES)
		ok(directmap_attrs(wc.phys, wc.size) == 4 && directmap_attrs(uc.phys, uc.size) == 4 &&
		   directmap_attrs(sync.phys, sync.size) == 4,
		   "freed buffers are write-back again");
#ifdef NO_DIRECTMAP_TYPES
	skip("direct map of cached, write-combine, uncached and freed buffers (PAT)",
	     NO_DIRECTMAP_TYPES);
#endif
	free_id(fd, cached.id);
	close(fd);
}

/* libbigphys reports the cache mode the driver gave the buffer. */
static void test_lib_cache_modes(void)
{
	struct bigphys_buffer def = { 0 }, wc = { 0 };
	struct bigphys *bp;
	int err;

	err = bigphys_open(NULL, BIGPHYS_OPEN_UNCACHED, &bp);
	ok(!err, "libbigphys: open with BIGPHYS_OPEN_UNCACHED (%s)", strerror(-err));
	if (err)
		return;
	err = bigphys_alloc(bp, 4 * PG, 0, 0, &def);
	ok(!err && def.flags == BIGPHYS_ALLOC_UNCACHED,
	   "libbigphys, O_SYNC handle: a default buffer reports BIGPHYS_ALLOC_UNCACHED (flags %u)",
	   def.flags);
	if (DIRECTMAP_TYPES)
		ok(!err && directmap_attrs(def.phys, def.size) == 2,
		   "libbigphys, O_SYNC handle: ...and it is uncached (PCD)");
	err = bigphys_alloc(bp, 4 * PG, 0, BIGPHYS_ALLOC_WRITECOMBINE, &wc);
	ok(!err && wc.flags == BIGPHYS_ALLOC_WRITECOMBINE &&
	   (!DIRECTMAP_TYPES || directmap_attrs(wc.phys, wc.size) == 1),
	   "libbigphys, O_SYNC handle: write-combine asked: reports and is write-combine (flags %u)",
	   wc.flags);
	ok(bigphys_free(bp, &def) == 0 && bigphys_free(bp, &wc) == 0, "libbigphys: free both");
	bigphys_close(bp);
}

static sigjmp_buf bus_jmp;

static void on_sigbus(int sig)
{
	siglongjmp(bus_jmp, sig);
}

/* Read one byte; returns 1 if that raised SIGBUS. */
static int read_faults(volatile unsigned char *p)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	int faulted;

	sigaction(SIGBUS, &sa, &old);
	faulted = sigsetjmp(bus_jmp, 1) != 0;
	if (!faulted)
		(void)*p;
	sigaction(SIGBUS, &old, NULL);
	return faulted;
}

/* The write-back whole-area mapping never aliases a WC/UC buffer's pages. */
static void test_area_alias(void)
{
	int fd = xopen(0);
	struct bigphys_info in = info_of(fd);
	struct bigphys_alloc_req wc, cached;
	unsigned char *area;
	uint64_t i;

	area = map_at(fd, in.total, 0, MAP_SHARED);
	if (area == MAP_FAILED) {
		ok(0, "map the whole area");
		close(fd);
		return;
	}
	for (i = 0; i < in.total; i += PG)	/* every page mapped write-back */
		area[i] = 1;
	alloc_req(fd, 8 * PG, 0, BIGPHYS_ALLOC_WRITECOMBINE, &wc);
	alloc_req(fd, 8 * PG, 0, 0, &cached);
	ok(read_faults(area + (wc.phys - in.phys_base)) &&
	   read_faults(area + (wc.phys - in.phys_base) + 7 * PG),
	   "a write-combining buffer's pages leave the whole-area mapping (SIGBUS)");
	ok(!read_faults(area + (cached.phys - in.phys_base)),
	   "a cached buffer's pages stay reachable through the area mapping");
	free_id(fd, wc.id);
	ok(!read_faults(area + (wc.phys - in.phys_base)),
	   "after the buffer is freed its pages are reachable again");
	free_id(fd, cached.id);
	munmap(area, in.total);
	close(fd);
}

/*
 * Map buffers [0, n) that are allocated (id != 0) and not yet mapped, and
 * write their id at both ends. Returns the number that failed to map;
 * *first is set to the id of the first failure.
 */
static unsigned int map_and_mark(struct bigphys *bp, struct bigphys_buffer *b,
				 unsigned int n, uint32_t *first, int *first_err)
{
	unsigned int i, bad = 0;

	for (i = 0; i < n; i++) {
		int err;

		if (!b[i].id || b[i].addr)
			continue;
		err = bigphys_map(bp, &b[i]);
		if (err) {
			if (!bad++) {
				*first = b[i].id;
				*first_err = err;
			}
			continue;
		}
		((volatile uint32_t *)b[i].addr)[0] = b[i].id;
		((volatile uint32_t *)b[i].addr)[b[i].size / 4 - 1] = ~b[i].id;
	}
	return bad;
}

/* "" or " (N failed, first id ID: error)" for a TAP line. */
static const char *failures(char *buf, size_t len, unsigned int bad, uint32_t id, int err)
{
	if (!bad)
		return "";
	snprintf(buf, len, " (%u failed, first id %u: %s)", bad, id,
		 err ? strerror(-err) : "wrong data");
	return buf;
}

/* Mapped buffers whose marks do not read back (another id's data, zero). */
static unsigned int bad_marks(const struct bigphys_buffer *b, unsigned int n)
{
	unsigned int i, bad = 0;

	for (i = 0; i < n; i++) {
		const volatile uint32_t *p = b[i].addr;

		if (b[i].id && p)
			bad += p[0] != b[i].id || p[b[i].size / 4 - 1] != ~b[i].id;
	}
	return bad;
}

/*
 * Every buffer id the driver hands out can be mapped: 100 one-page buffers,
 * then some more after freeing every third (their ids come back), then a
 * long alloc/map/free churn that walks on through the id space if ids are
 * not reused. In the -m32 build this is what a 32-bit process can reach
 * through mmap2's 32-bit page offset.
 */
static void test_many_ids(void)
{
	enum { N = 100, MORE = 12, CHURN = 4200 };
	struct bigphys_buffer b[N + MORE];
	uint32_t freed[N], first = 0, max_id = 0;
	unsigned int i, j, n, nfreed = 0, reused = 0, bad, churn_bad = 0;
	struct bigphys *bp;
	int err, first_err = 0;
	char note[96];

	ok(sizeof(off_t) == 8, "off_t is 64 bits (%u): mmap offsets above 4 GiB",
	   (unsigned int)sizeof(off_t) * 8);
	err = bigphys_open(NULL, 0, &bp);
	if (err) {
		ok(0, "libbigphys: open: %s", strerror(-err));
		return;
	}
	memset(b, 0, sizeof(b));
	for (n = 0; n < N && !bigphys_alloc(bp, PG, 0, 0, &b[n]); n++)
		max_id = b[n].id > max_id ? b[n].id : max_id;
	ok(n == N, "libbigphys: %u of %u one-page buffers allocated", n, N);
	bad = map_and_mark(bp, b, n, &first, &first_err);
	ok(bad == 0, "all %u buffers map, ids up to %u%s", n, max_id,
	   failures(note, sizeof(note), bad, first, first_err));
	bad = bad_marks(b, n);
	ok(bad == 0, "each of the %u mappings reads back its own data (%u wrong)", n, bad);

	for (i = 0; i < n; i += 3) {
		freed[nfreed++] = b[i].id;
		bigphys_free(bp, &b[i]);
	}
	for (i = N; i < N + MORE; i++) {
		if (bigphys_alloc(bp, PG, 0, 0, &b[i]))
			break;
		for (j = 0; j < nfreed; j++)
			reused += b[i].id == freed[j];
	}
	ok(i == N + MORE, "after freeing %u, %u more buffers allocated (%u of them with a freed id)",
	   nfreed, i - N, reused);
	first_err = 0;
	bad = map_and_mark(bp, b, N + MORE, &first, &first_err);
	ok(bad == 0, "the new buffers map%s", failures(note, sizeof(note), bad, first, first_err));
	bad = bad_marks(b, N + MORE);
	ok(bad == 0, "all %u live mappings read back their own data (%u wrong)",
	   n - nfreed + i - N, bad);
	for (i = 0; i < N + MORE; i++)
		if (b[i].id)
			bigphys_free(bp, &b[i]);

	/* Churn: one buffer at a time; whatever id comes back must map. */
	first = 0;
	first_err = 0;
	for (i = 0; i < CHURN; i++) {
		struct bigphys_buffer c = { 0 };
		uint32_t id = 0;
		int map_err = 0;

		err = bigphys_alloc(bp, PG, 0, 0, &c);
		if (!err) {
			id = c.id;
			max_id = id > max_id ? id : max_id;
			bad = map_and_mark(bp, &c, 1, &id, &map_err) || bad_marks(&c, 1);
			bigphys_free(bp, &c);
		}
		if ((err || bad) && !churn_bad++) {
			first = id;
			first_err = err ? err : map_err;
		}
	}
	ok(churn_bad == 0, "%u alloc/map/write/read/free rounds, ids up to %u%s", CHURN, max_id,
	   failures(note, sizeof(note), churn_bad, first, first_err));
	bigphys_close(bp);
}

struct storm {
	int fd;
	unsigned int seed;
	int errors;
};

static void *storm_thread(void *arg)
{
	struct storm *s = arg;
	int i;

	for (i = 0; i < 300; i++) {
		struct bigphys_alloc_req r;
		uint64_t pages = 1 + rand_r(&s->seed) % 32;
		uint64_t *p;

		if (alloc_req(s->fd, pages * PG, 0, rand_r(&s->seed) % 4 == 0 ?
			      BIGPHYS_ALLOC_WRITECOMBINE : 0, &r)) {
			if (errno != ENOMEM)
				s->errors++;
			continue;
		}
		p = map_at(s->fd, r.size, r.offset, MAP_SHARED);
		if (p == MAP_FAILED) {
			s->errors++;
			free_id(s->fd, r.id);
			continue;
		}
		p[0] = r.id;
		p[r.size / 8 - 1] = ~(uint64_t)r.id;
		if (rand_r(&s->seed) % 2) {	/* free while still mapped */
			if (free_id(s->fd, r.id))
				s->errors++;
			s->errors += p[0] != r.id || p[r.size / 8 - 1] != ~(uint64_t)r.id;
			munmap(p, r.size);
		} else {
			s->errors += p[0] != r.id || p[r.size / 8 - 1] != ~(uint64_t)r.id;
			munmap(p, r.size);
			if (free_id(s->fd, r.id))
				s->errors++;
		}
	}
	return NULL;
}

static void test_storm(void)
{
	int fd = xopen(0), i, errors = 0;
	struct bigphys_info in = info_of(fd), out;
	struct storm s[8];
	pthread_t t[8];

	for (i = 0; i < 8; i++) {
		s[i] = (struct storm){ .fd = fd, .seed = 1234 + i };
		pthread_create(&t[i], NULL, storm_thread, &s[i]);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		errors += s[i].errors;
	}
	out = info_of(fd);
	ok(errors == 0, "8-thread alloc/map/unmap/free storm: %d errors", errors);
	ok(out.free == in.total && out.nr_allocs == 0, "after the storm free == total");
	close(fd);
}

int main(void)
{
	int fd = xopen(0);

	test_info(fd);
	test_alloc(fd);
	test_sync(fd);
	test_mmap(fd);
	close(fd);
	test_lifetime();
	test_processes();
	test_unprivileged();
	test_cache_modes();
	test_lib_cache_modes();
	test_area_alias();
	test_many_ids();
	test_storm();
	return tap_failed ? 1 : 0;
}
