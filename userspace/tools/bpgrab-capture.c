// SPDX-License-Identifier: GPL-2.0
/*
 * bpgrab-capture: stream frames from the bpgrab V4L2 capture device and
 * verify them. By default the buffers are allocated from /dev/bigphys,
 * mapped, exported as dma-bufs and queued with V4L2_MEMORY_DMABUF;
 * --mmap uses the driver's V4L2_MEMORY_MMAP buffers instead.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/videodev2.h>
#include "bigphys.h"
#include "bpgrab-pattern.h"

enum { EXIT_OK, EXIT_VERIFY, EXIT_USAGE, EXIT_DEVICE };

#define MIN_WIDTH	16
#define MAX_WIDTH	4096
#define MIN_HEIGHT	16
#define MAX_HEIGHT	4096
#define MAX_FPS		1000
#define MAX_BUFFERS	32

struct opts {
	const char *device, *area, *y4m, *dir, *verify;
	uint32_t width, height, pixfmt, fps, buffers, every;
	uint64_t frames;
	double seconds;
	int quiet, verify_pattern, mmap;
};

struct result {
	uint64_t frames, drops, bad_size, bad_pattern, bad_seq, bytes, checksum;
	uint64_t first_ts, last_ts;
	double t0, t1;
};

/* One frame buffer: its mapping and, with DMABUF, its area buffer. */
struct frame_buf {
	uint8_t *addr;
	size_t length;
	struct bigphys_buffer area;
	int dmabuf;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: bpgrab-capture [options]\n"
"Stream frames from the bpgrab V4L2 frame grabber, verify every frame\n"
"(sequence, size, pixels) and optionally save them. The frame buffers are\n"
"allocated from the bigphysarea through /dev/bigphys, mapped there and\n"
"queued as dma-bufs (V4L2_MEMORY_DMABUF), or with --mmap are the driver's\n"
"own (V4L2_MEMORY_MMAP, also from the area).\n"
"\n"
"  -d, --device PATH     V4L2 device (default: the /dev/videoN of bpgrab)\n"
"  -a, --area PATH       bigphys device (default /dev/bigphys)\n"
"  -m, --mmap            use V4L2 MMAP buffers instead of DMABUF\n"
"  -V, --verify FILE     capture nothing: check that FILE holds raw frames of\n"
"                        the pattern in -W/-H/-f (e.g. from v4l2-ctl\n"
"                        --stream-to), in order; gaps are counted as drops;\n"
"                        -o DIR/ and -e N save its frames\n"
"  -W, --width N         width in pixels, even (default 640)\n"
"  -H, --height N        height in lines (default 480)\n"
"  -f, --format FMT      yuyv, grey or rgb24 (default yuyv)\n"
"  -r, --fps N           frames per second (default: the driver's)\n"
"  -b, --buffers N       frame buffers, 2-32 (default 4)\n"
"  -n, --frames N        stop after N frames (default 100)\n"
"  -s, --seconds S       stop after S seconds instead\n"
"  -o, --output PATH     FILE.y4m: write a Y4M stream; DIR/: write one\n"
"                        PPM (PGM for grey) per frame; may be repeated\n"
"  -e, --every N         save only every Nth frame to DIR/ (default 1)\n"
"      --no-pattern      check sequence and size only, not pixels (every\n"
"                        frame is still read)\n"
"  -q, --quiet           no progress line\n"
"  -h, --help            this text\n"
"\n"
"Exit status: 0 all frames verified, 1 a frame failed verification,\n"
"2 usage error, 3 device or I/O error.\n");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint8_t clamp8(int v)
{
	return v < 0 ? 0 : v > 255 ? 255 : v;
}

/* BT.601 limited range YUV to RGB, for PPM output. */
static void yuv_to_rgb(int y, int u, int v, uint8_t *rgb)
{
	int c = 298 * (y - 16), d = u - 128, e = v - 128;

	rgb[0] = clamp8((c + 409 * e + 128) >> 8);
	rgb[1] = clamp8((c - 100 * d - 208 * e + 128) >> 8);
	rgb[2] = clamp8((c + 516 * d + 128) >> 8);
}

static void rgb_to_yuv(const uint8_t *p, uint8_t *y, uint8_t *u, uint8_t *v)
{
	*y = ((66 * p[0] + 129 * p[1] + 25 * p[2] + 128) >> 8) + 16;
	*u = ((-38 * p[0] - 74 * p[1] + 112 * p[2] + 128) >> 8) + 128;
	*v = ((112 * p[0] - 94 * p[1] - 18 * p[2] + 128) >> 8) + 128;
}

static int write_all(FILE *f, const void *p, size_t n)
{
	return fwrite(p, 1, n, f) == n ? 0 : -1;
}

static int save_pnm(const struct opts *o, const uint8_t *frame, uint64_t seq,
		    uint8_t *scratch)
{
	char path[4096];
	uint32_t x, y, w = o->width, h = o->height;
	int grey = o->pixfmt == V4L2_PIX_FMT_GREY, rc;
	const uint8_t *out = frame;
	FILE *f;

	snprintf(path, sizeof(path), "%s/frame-%06" PRIu64 ".%s", o->dir, seq,
		 grey ? "pgm" : "ppm");
	if (o->pixfmt == V4L2_PIX_FMT_YUYV) {
		for (y = 0; y < h; y++)
			for (x = 0; x < w; x += 2) {
				const uint8_t *q = frame + (size_t)y * w * 2 + x * 2;
				uint8_t *d = scratch + ((size_t)y * w + x) * 3;

				yuv_to_rgb(q[0], q[1], q[3], d);
				yuv_to_rgb(q[2], q[1], q[3], d + 3);
			}
		out = scratch;
	}
	f = fopen(path, "wb");
	if (!f)
		return -1;
	fprintf(f, "P%c\n%u %u\n255\n", grey ? '5' : '6', w, h);
	rc = write_all(f, out, (size_t)w * h * (grey ? 1 : 3));
	return fclose(f) || rc ? -1 : 0;
}

static int save_y4m_header(const struct opts *o, FILE *f)
{
	const char *cs = o->pixfmt == V4L2_PIX_FMT_GREY ? "mono" :
			 o->pixfmt == V4L2_PIX_FMT_YUYV ? "422" : "444";

	return fprintf(f, "YUV4MPEG2 W%u H%u F%u:1 Ip A1:1 C%s\n", o->width,
		       o->height, o->fps, cs) < 0 ? -1 : 0;
}

/* Y4M is planar YCbCr: split YUYV, convert RGB24 to 4:4:4. */
static int save_y4m_frame(const struct opts *o, FILE *f, const uint8_t *frame,
			  uint8_t *scratch)
{
	size_t n = (size_t)o->width * o->height, i;
	uint8_t *yp = scratch, *up, *vp;

	if (fputs("FRAME\n", f) < 0)
		return -1;
	switch (o->pixfmt) {
	case V4L2_PIX_FMT_GREY:
		return write_all(f, frame, n);
	case V4L2_PIX_FMT_YUYV:
		up = yp + n;
		vp = up + n / 2;
		for (i = 0; i < n / 2; i++) {
			yp[2 * i] = frame[4 * i];
			up[i] = frame[4 * i + 1];
			yp[2 * i + 1] = frame[4 * i + 2];
			vp[i] = frame[4 * i + 3];
		}
		return write_all(f, scratch, n * 2);
	default:
		up = yp + n;
		vp = up + n;
		for (i = 0; i < n; i++)
			rgb_to_yuv(frame + 3 * i, yp + i, up + i, vp + i);
		return write_all(f, scratch, n * 3);
	}
}

static int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *v)
{
	char *end;
	unsigned long x;

	errno = 0;
	x = strtoul(s, &end, 10);
	if (!*s || *end || errno || *s == '-' || x < min || x > max)
		return -1;
	*v = x;
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "area", required_argument, NULL, 'a' },
		{ "mmap", no_argument, NULL, 'm' },
		{ "verify", required_argument, NULL, 'V' },
		{ "width", required_argument, NULL, 'W' },
		{ "height", required_argument, NULL, 'H' },
		{ "format", required_argument, NULL, 'f' },
		{ "fps", required_argument, NULL, 'r' },
		{ "buffers", required_argument, NULL, 'b' },
		{ "frames", required_argument, NULL, 'n' },
		{ "seconds", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "every", required_argument, NULL, 'e' },
		{ "no-pattern", no_argument, NULL, 'P' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	uint32_t frames;
	char *end;
	size_t len;
	int c;

	*o = (struct opts){
		.device = NULL, .area = BIGPHYS_DEFAULT_PATH,
		.width = 640, .height = 480, .pixfmt = V4L2_PIX_FMT_YUYV,
		.buffers = 4, .frames = 100, .every = 1, .verify_pattern = 1,
	};
	while ((c = getopt_long(argc, argv, "d:a:mV:W:H:f:r:b:n:s:o:e:qh", lo, NULL)) != -1) {
		switch (c) {
		case 'd': o->device = optarg; break;
		case 'a': o->area = optarg; break;
		case 'm': o->mmap = 1; break;
		case 'V': o->verify = optarg; break;
		case 'W':
			if (parse_u32(optarg, MIN_WIDTH, MAX_WIDTH, &o->width) || o->width & 1)
				goto bad;
			break;
		case 'H':
			if (parse_u32(optarg, MIN_HEIGHT, MAX_HEIGHT, &o->height))
				goto bad;
			break;
		case 'f':
			if (!strcmp(optarg, "yuyv"))
				o->pixfmt = V4L2_PIX_FMT_YUYV;
			else if (!strcmp(optarg, "grey") || !strcmp(optarg, "gray"))
				o->pixfmt = V4L2_PIX_FMT_GREY;
			else if (!strcmp(optarg, "rgb24"))
				o->pixfmt = V4L2_PIX_FMT_RGB24;
			else
				goto bad;
			break;
		case 'r':
			if (parse_u32(optarg, 1, MAX_FPS, &o->fps))
				goto bad;
			break;
		case 'b':
			if (parse_u32(optarg, 2, MAX_BUFFERS, &o->buffers))
				goto bad;
			break;
		case 'n':
			if (parse_u32(optarg, 1, UINT32_MAX, &frames))
				goto bad;
			o->frames = frames;
			break;
		case 's':
			errno = 0;
			o->seconds = strtod(optarg, &end);
			if (*end || errno || !(o->seconds > 0) || o->seconds > 1e6)
				goto bad;
			o->frames = UINT64_MAX;
			break;
		case 'o':
			len = strlen(optarg);
			if (len > 4 && !strcmp(optarg + len - 4, ".y4m")) {
				o->y4m = optarg;
			} else if (len && optarg[len - 1] == '/') {
				o->dir = optarg;
			} else {
				fprintf(stderr, "bpgrab-capture: --output wants FILE.y4m or DIR/\n");
				return EXIT_USAGE;
			}
			break;
		case 'e':
			if (parse_u32(optarg, 1, UINT32_MAX, &o->every))
				goto bad;
			break;
		case 'P': o->verify_pattern = 0; break;
		case 'q': o->quiet = 1; break;
		case 'h': usage(stdout); exit(EXIT_OK);
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "bpgrab-capture: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	return EXIT_OK;
bad:
	fprintf(stderr, "bpgrab-capture: invalid value '%s' for -%c (see --help)\n", optarg, c);
	return EXIT_USAGE;
}

/* Whether the driver behind @fd is gone (unbound): even QUERYCAP fails with ENODEV. */
static int device_gone(int fd)
{
	struct v4l2_capability cap;

	return ioctl(fd, VIDIOC_QUERYCAP, &cap) < 0 && errno == ENODEV;
}

static int xioctl(int fd, unsigned long cmd, void *arg, const char *what)
{
	int err;

	if (ioctl(fd, cmd, arg) == 0)
		return 0;
	err = errno;
	/*
	 * The driver was unbound: whichever call notices it says so. (ENODEV
	 * alone is also REQBUFS without an area.)
	 */
	fprintf(stderr, "bpgrab-capture: %s: %s\n", what,
		err == ENODEV && device_gone(fd) ? "device removed (driver unbound)" :
		strerror(err));
	errno = err;
	return -1;
}

/* The first /dev/videoN whose driver is bpgrab. */
static int open_device(struct opts *o)
{
	static char path[64];
	struct v4l2_capability cap;
	int fd, i;

	for (i = 0; !o->device && i < 64; i++) {
		snprintf(path, sizeof(path), "/dev/video%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (!ioctl(fd, VIDIOC_QUERYCAP, &cap) && !strcmp((char *)cap.driver, "bpgrab")) {
			o->device = path;
			return fd;
		}
		close(fd);
	}
	if (!o->device) {
		fprintf(stderr, "bpgrab-capture: no bpgrab video device (modprobe bpgrab)\n");
		return -1;
	}
	fd = open(o->device, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "bpgrab-capture: cannot open %s: %s\n", o->device, strerror(errno));
		return -1;
	}
	if (ioctl(fd, VIDIOC_QUERYCAP, &cap) ||
	    !(cap.device_caps & V4L2_CAP_VIDEO_CAPTURE) ||
	    !(cap.device_caps & V4L2_CAP_STREAMING)) {
		fprintf(stderr, "bpgrab-capture: %s is no V4L2 streaming capture device\n", o->device);
		close(fd);
		return -1;
	}
	return fd;
}

/* The format and rate, exactly as asked: the driver adjusts what it cannot do. */
static int set_format(int fd, struct opts *o, struct v4l2_pix_format *pix)
{
	struct v4l2_format f = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct v4l2_streamparm parm = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };

	f.fmt.pix.width = o->width;
	f.fmt.pix.height = o->height;
	f.fmt.pix.pixelformat = o->pixfmt;
	f.fmt.pix.field = V4L2_FIELD_NONE;
	if (xioctl(fd, VIDIOC_S_FMT, &f, "set format"))
		return -1;
	if (f.fmt.pix.width != o->width || f.fmt.pix.height != o->height ||
	    f.fmt.pix.pixelformat != o->pixfmt) {
		fprintf(stderr, "bpgrab-capture: %s cannot capture %ux%u %.4s (it offers %ux%u %.4s)\n",
			o->device, o->width, o->height, (const char *)&o->pixfmt,
			f.fmt.pix.width, f.fmt.pix.height, (const char *)&f.fmt.pix.pixelformat);
		return -1;
	}
	*pix = f.fmt.pix;
	if (o->fps) {
		parm.parm.capture.timeperframe.numerator = 1;
		parm.parm.capture.timeperframe.denominator = o->fps;
		if (xioctl(fd, VIDIOC_S_PARM, &parm, "set frame rate"))
			return -1;
	} else if (xioctl(fd, VIDIOC_G_PARM, &parm, "get frame rate")) {
		return -1;
	}
	if (!parm.parm.capture.timeperframe.numerator) {
		fprintf(stderr, "bpgrab-capture: the driver reports no frame rate\n");
		return -1;
	}
	o->fps = parm.parm.capture.timeperframe.denominator /
		 parm.parm.capture.timeperframe.numerator;
	return 0;
}

/* V4L2 MMAP buffers: the driver allocates them from the area. */
static int mmap_buffers(int fd, struct opts *o, struct frame_buf *fb)
{
	struct v4l2_requestbuffers rb = {
		.count = o->buffers, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
	};
	uint32_t i;

	if (xioctl(fd, VIDIOC_REQBUFS, &rb, "request buffers"))
		return -1;
	if (rb.count < 2 || rb.count > MAX_BUFFERS) {
		fprintf(stderr, "bpgrab-capture: request buffers: got %u of %u buffers\n",
			rb.count, o->buffers);
		return -1;
	}
	o->buffers = rb.count;
	for (i = 0; i < o->buffers; i++) {
		struct v4l2_buffer b = {
			.index = i, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
			.memory = V4L2_MEMORY_MMAP,
		};

		if (xioctl(fd, VIDIOC_QUERYBUF, &b, "query buffer"))
			return -1;
		fb[i].length = b.length;
		fb[i].addr = mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
				  b.m.offset);
		if (fb[i].addr == MAP_FAILED) {
			fb[i].addr = NULL;
			fprintf(stderr, "bpgrab-capture: mmap buffer %u: %s\n", i, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/*
 * DMABUF: allocate each buffer from /dev/bigphys, map it there and export
 * it as a dma-buf; the driver imports it.
 */
static int area_buffers(int fd, struct opts *o, struct bigphys *bp,
			const struct v4l2_pix_format *pix, struct frame_buf *fb)
{
	struct v4l2_requestbuffers rb = {
		.count = o->buffers, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_DMABUF,
	};
	uint32_t i;
	int err;

	for (i = 0; i < o->buffers; i++) {
		struct bigphys_export_req ex = { .flags = O_RDWR | O_CLOEXEC };

		err = bigphys_alloc(bp, pix->sizeimage, 0, 0, &fb[i].area);
		if (!err)
			err = bigphys_map(bp, &fb[i].area);
		if (err) {
			fprintf(stderr, "bpgrab-capture: cannot allocate buffer %u of %u (%u bytes) from %s: %s\n",
				i + 1, o->buffers, pix->sizeimage, o->area, strerror(-err));
			return -1;
		}
		ex.id = fb[i].area.id;
		if (ioctl(bigphys_fd(bp), BIGPHYS_IOC_EXPORT, &ex)) {
			fprintf(stderr, "bpgrab-capture: export buffer %u as a dma-buf: %s\n",
				i, strerror(errno));
			return -1;
		}
		fb[i].dmabuf = ex.fd;
		fb[i].addr = fb[i].area.addr;
		fb[i].length = fb[i].area.size;
	}
	if (xioctl(fd, VIDIOC_REQBUFS, &rb, "request buffers"))
		return -1;
	if (rb.count < o->buffers) {
		fprintf(stderr, "bpgrab-capture: request buffers: got %u of %u buffers\n",
			rb.count, o->buffers);
		return -1;
	}
	return 0;
}

static int queue_buffer(int fd, const struct opts *o, const struct frame_buf *fb,
			uint32_t i)
{
	struct v4l2_buffer b = {
		.index = i, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = o->mmap ? V4L2_MEMORY_MMAP : V4L2_MEMORY_DMABUF,
	};

	if (!o->mmap) {
		b.m.fd = fb[i].dmabuf;
		b.length = fb[i].length;
	}
	return xioctl(fd, VIDIOC_QBUF, &b, "queue buffer");
}

/* Bracket CPU reads of an imported buffer for the devices that wrote it. */
static void dmabuf_sync(const struct frame_buf *fb, uint64_t flags)
{
	struct dma_buf_sync s = { .flags = DMA_BUF_SYNC_READ | flags };

	if (fb->dmabuf > 0)
		ioctl(fb->dmabuf, DMA_BUF_IOCTL_SYNC, &s);
}

static void verify_frame(const struct opts *o, const struct v4l2_buffer *b,
			 const uint8_t *frame, uint8_t *expect, const uint8_t *background,
			 const struct v4l2_pix_format *pix, struct result *r)
{
	if (b->bytesused != pix->sizeimage) {
		if (r->bad_size++ < 5)
			fprintf(stderr, "\nbpgrab-capture: frame %u: %u bytes, want %u\n",
				b->sequence, b->bytesused, pix->sizeimage);
		return;
	}
	if (!o->verify_pattern) {
		/* Still read every byte, as a consumer of the frames would. */
		const uint64_t *w = (const void *)frame;
		uint64_t x = 0;
		size_t i;

		for (i = 0; i < pix->sizeimage / 8; i++)
			x ^= w[i];
		r->checksum ^= x;
		return;
	}
	{
		memcpy(expect, background, pix->sizeimage);
		bpgrab_pattern_overlay(expect, o->width, o->height, o->pixfmt, b->sequence);
		if (memcmp(expect, frame, pix->sizeimage) && r->bad_pattern++ < 5)
			fprintf(stderr, "\nbpgrab-capture: frame %u: pixels differ from the pattern\n",
				b->sequence);
	}
}

/*
 * --verify: every frame of a raw file must be the pattern of a frame
 * number after the previous one's; the first is frame 0.
 */
static int verify_file(const struct opts *o)
{
	size_t size = (size_t)bpgrab_bytesperline(o->pixfmt, o->width) * o->height;
	uint8_t *frame = malloc(size), *expect = malloc(size), *bg = malloc(size);
	uint8_t *scratch = malloc((size_t)o->width * o->height * 3);
	uint64_t n = 0, drops = 0, bad = 0, next = 0, s;
	FILE *f = fopen(o->verify, "rb");
	size_t got = 0;
	int rc = EXIT_DEVICE;

	if (!f || !frame || !expect || !bg || !scratch) {
		fprintf(stderr, "bpgrab-capture: cannot read %s: %s\n", o->verify, strerror(errno));
		goto out;
	}
	if (o->dir && mkdir(o->dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "bpgrab-capture: cannot create %s: %s\n", o->dir, strerror(errno));
		goto out;
	}
	bpgrab_pattern_background(bg, o->width, o->height, o->pixfmt);
	while ((got = fread(frame, 1, size, f)) == size) {
		for (s = next; s < next + 1000; s++) {
			memcpy(expect, bg, size);
			bpgrab_pattern_overlay(expect, o->width, o->height, o->pixfmt, s);
			if (!memcmp(expect, frame, size))
				break;
		}
		if (s == next + 1000) {
			if (bad++ < 5)
				fprintf(stderr, "bpgrab-capture: %s: frame %" PRIu64 " is no pattern frame after %" PRIu64 "\n",
					o->verify, n, next);
			s = next;
		}
		drops += s - next;
		next = s + 1;
		n++;
		if (o->dir && s % o->every == 0 && save_pnm(o, frame, s, scratch)) {
			fprintf(stderr, "bpgrab-capture: writing output failed: %s\n", strerror(errno));
			goto out;
		}
	}
	if (got) {
		fprintf(stderr, "bpgrab-capture: %s: %zu bytes of a partial frame at the end\n",
			o->verify, got);
		bad++;
	}
	printf("verified %s: %" PRIu64 " frames %ux%u %.4s, drops %" PRIu64 ", %" PRIu64 " pattern errors\n",
	       o->verify, n, o->width, o->height, (const char *)&o->pixfmt, drops, bad);
	rc = bad || !n ? EXIT_VERIFY : EXIT_OK;
out:
	if (f)
		fclose(f);
	free(frame);
	free(expect);
	free(bg);
	free(scratch);
	return rc;
}

int main(int argc, char **argv)
{
	struct frame_buf fb[MAX_BUFFERS];
	struct v4l2_pix_format pix = { 0 };
	struct bigphys *bp = NULL;
	struct result r = { 0 };
	struct opts o;
	uint8_t *expect = NULL, *background = NULL, *scratch = NULL;
	uint64_t next_seq = 0;
	FILE *y4m = NULL;
	double last_progress = 0;
	int grab = -1, rc, err, streaming = 0, type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	uint32_t i;

	memset(fb, 0, sizeof(fb));
	rc = parse_args(argc, argv, &o);
	if (rc)
		return rc;
	if (o.verify)
		return verify_file(&o);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	rc = EXIT_DEVICE;

	grab = open_device(&o);
	if (grab < 0)
		goto out;
	if (set_format(grab, &o, &pix))
		goto out;
	if (o.mmap) {
		if (mmap_buffers(grab, &o, fb))
			goto out;
	} else {
		err = bigphys_open(o.area, 0, &bp);
		if (err) {
			fprintf(stderr, "bpgrab-capture: cannot open %s: %s\n", o.area, strerror(-err));
			goto out;
		}
		if (area_buffers(grab, &o, bp, &pix, fb))
			goto out;
	}

	expect = malloc(pix.sizeimage);
	background = malloc(pix.sizeimage);
	scratch = malloc((size_t)o.width * o.height * 3);
	if (!expect || !background || !scratch)
		goto out;
	bpgrab_pattern_background(background, o.width, o.height, o.pixfmt);
	if (o.dir && mkdir(o.dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "bpgrab-capture: cannot create %s: %s\n", o.dir, strerror(errno));
		goto out;
	}
	if (o.y4m) {
		y4m = fopen(o.y4m, "wb");
		if (!y4m || save_y4m_header(&o, y4m)) {
			fprintf(stderr, "bpgrab-capture: cannot write %s: %s\n", o.y4m, strerror(errno));
			goto out;
		}
	}

	for (i = 0; i < o.buffers; i++)
		if (queue_buffer(grab, &o, fb, i))
			goto out;
	if (xioctl(grab, VIDIOC_STREAMON, &type, "stream on"))
		goto out;
	streaming = 1;
	r.t0 = now();

	while (!stop && r.frames < o.frames &&
	       !(o.seconds > 0 && now() - r.t0 >= o.seconds)) {
		struct pollfd pfd = { .fd = grab, .events = POLLIN };
		struct v4l2_buffer b;
		const uint8_t *frame;
		uint64_t ts;
		uint32_t seq;

		rc = poll(&pfd, 1, 5000);
		if (rc <= 0 || pfd.revents & (POLLERR | POLLHUP)) {
			/* POLLHUP: the driver was unbound, every ioctl fails with ENODEV. */
			if (rc < 0 && errno == EINTR)
				continue;
			fprintf(stderr, "bpgrab-capture: %s\n", rc == 0 ? "no frame for 5 s" :
				rc < 0 ? strerror(errno) :
				(pfd.revents & POLLHUP) || device_gone(grab) ?
				"device removed (driver unbound)" : "stream stopped");
			rc = EXIT_DEVICE;
			goto out;
		}
		memset(&b, 0, sizeof(b));
		b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		b.memory = o.mmap ? V4L2_MEMORY_MMAP : V4L2_MEMORY_DMABUF;
		if (xioctl(grab, VIDIOC_DQBUF, &b, "dequeue buffer")) {
			rc = EXIT_DEVICE;
			goto out;
		}
		if (b.index >= o.buffers) {
			fprintf(stderr, "bpgrab-capture: bad buffer index %u\n", b.index);
			rc = EXIT_DEVICE;
			goto out;
		}
		if (b.flags & V4L2_BUF_FLAG_ERROR) {
			fprintf(stderr, "bpgrab-capture: buffer %u came back with an error%s\n", b.index,
				device_gone(grab) ? ": device removed (driver unbound)" : "");
			rc = EXIT_DEVICE;
			goto out;
		}
		ts = (uint64_t)b.timestamp.tv_sec * 1000000000 + b.timestamp.tv_usec * 1000ULL;
		if (b.sequence < next_seq || (r.frames && ts < r.last_ts))
			r.bad_seq++;
		else
			r.drops += b.sequence - next_seq;
		next_seq = (uint64_t)b.sequence + 1;
		if (!r.frames)
			r.first_ts = ts;
		r.last_ts = ts;

		frame = fb[b.index].addr;
		dmabuf_sync(&fb[b.index], DMA_BUF_SYNC_START);
		verify_frame(&o, &b, frame, expect, background, &pix, &r);
		if ((o.dir && b.sequence % o.every == 0 && save_pnm(&o, frame, b.sequence, scratch)) ||
		    (y4m && save_y4m_frame(&o, y4m, frame, scratch))) {
			fprintf(stderr, "bpgrab-capture: writing output failed: %s\n", strerror(errno));
			rc = EXIT_DEVICE;
			goto out;
		}
		dmabuf_sync(&fb[b.index], DMA_BUF_SYNC_END);
		r.frames++;
		r.bytes += b.bytesused;
		seq = b.sequence;
		if (queue_buffer(grab, &o, fb, b.index)) {
			rc = EXIT_DEVICE;
			goto out;
		}
		if (!o.quiet && isatty(2) && now() - last_progress > 0.5) {
			last_progress = now();
			fprintf(stderr, "\rframe %" PRIu64 "  seq %u  drops %" PRIu64 "  %.1f fps   ",
				r.frames, seq, r.drops,
				r.frames / (last_progress - r.t0));
		}
	}
	r.t1 = now();
	if (xioctl(grab, VIDIOC_STREAMOFF, &type, "stream off")) {
		rc = EXIT_DEVICE;
		goto out;
	}
	streaming = 0;
	if (!o.quiet && isatty(2))
		fputc('\n', stderr);

	{
		double span = r.frames > 1 ? (r.last_ts - r.first_ts) / 1e9 : 0;
		double wall = r.t1 - r.t0;

		printf("captured %" PRIu64 " frames %ux%u %.4s, drops %" PRIu64
		       " (%s buffers), %.2f fps, %.1f MB/s\n",
		       r.frames, o.width, o.height, (const char *)&o.pixfmt, r.drops,
		       o.mmap ? "V4L2 MMAP" : "DMABUF from /dev/bigphys",
		       span > 0 ? (r.frames - 1) / span : 0,
		       wall > 0 ? r.bytes / 1e6 / wall : 0);
		printf("verified: %" PRIu64 " size errors, %" PRIu64 " pattern errors, %" PRIu64
		       " sequence errors", r.bad_size, r.bad_pattern, r.bad_seq);
		if (!o.verify_pattern)
			printf(" (pixels not checked; xor of all frames %016" PRIx64 ")", r.checksum);
		putchar('\n');
	}
	rc = r.bad_size || r.bad_pattern || r.bad_seq ? EXIT_VERIFY : EXIT_OK;
out:
	if (streaming)
		ioctl(grab, VIDIOC_STREAMOFF, &type);
	if (y4m && fclose(y4m) && rc == EXIT_OK) {
		fprintf(stderr, "bpgrab-capture: writing %s failed\n", o.y4m);
		rc = EXIT_DEVICE;
	}
	for (i = 0; i < MAX_BUFFERS; i++) {
		if (o.mmap && fb[i].addr)
			munmap(fb[i].addr, fb[i].length);
		if (fb[i].dmabuf > 0)
			close(fb[i].dmabuf);
		if (fb[i].area.size)
			bigphys_free(bp, &fb[i].area);
	}
	if (grab >= 0)
		close(grab);
	bigphys_close(bp);
	free(expect);
	free(background);
	free(scratch);
	return rc;
}
