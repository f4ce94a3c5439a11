// SPDX-License-Identifier: GPL-2.0
/* bpgrab-capture: stream frames from /dev/bpgrab0 through /dev/bigphys and verify them. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/bpgrab.h>
#include "bigphys.h"
#include "bpgrab-pattern.h"

enum { EXIT_OK, EXIT_VERIFY, EXIT_USAGE, EXIT_DEVICE };

struct opts {
	const char *device, *area, *y4m, *dir;
	uint32_t width, height, pixfmt, fps, buffers, every;
	uint64_t frames;
	double seconds;
	int quiet, verify_pattern;
};

struct result {
	uint64_t frames, drops, bad_crc, bad_pattern, bad_seq, bytes;
	uint64_t first_ts, last_ts;
	double t0, t1;
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
"Stream frames from a bpgrab frame grabber, reading them through a mapping\n"
"of the whole bigphysarea (/dev/bigphys, needs root), verify every frame\n"
"(sequence, CRC-32, pixels) and optionally save them.\n"
"\n"
"  -d, --device PATH     grabber control device (default /dev/bpgrab0)\n"
"  -a, --area PATH       bigphys device (default /dev/bigphys)\n"
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
"      --no-pattern      check sequence and CRC-32 only, not pixels\n"
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

/* CRC-32 as zlib's crc32(), the driver's checksum. */
static uint32_t crc_table[8][256];

static void crc_init(void)
{
	uint32_t i, j, c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (j = 0; j < 8; j++)
			c = c & 1 ? 0xedb88320 ^ (c >> 1) : c >> 1;
		crc_table[0][i] = c;
	}
	for (i = 0; i < 256; i++)
		for (j = 1; j < 8; j++)
			crc_table[j][i] = (crc_table[j - 1][i] >> 8) ^
					  crc_table[0][crc_table[j - 1][i] & 0xff];
}

static uint32_t crc32_buf(const uint8_t *p, size_t n)
{
	uint32_t c = ~0U;

	for (; n >= 8; n -= 8, p += 8) {	/* slice-by-8 */
		uint32_t a = c ^ (p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24);

		c = crc_table[7][a & 0xff] ^ crc_table[6][(a >> 8) & 0xff] ^
		    crc_table[5][(a >> 16) & 0xff] ^ crc_table[4][a >> 24] ^
		    crc_table[3][p[4]] ^ crc_table[2][p[5]] ^
		    crc_table[1][p[6]] ^ crc_table[0][p[7]];
	}
	while (n--)
		c = crc_table[0][(c ^ *p++) & 0xff] ^ (c >> 8);
	return ~c;
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
	int grey = o->pixfmt == BPGRAB_PIX_GREY, rc;
	const uint8_t *out = frame;
	FILE *f;

	snprintf(path, sizeof(path), "%s/frame-%06" PRIu64 ".%s", o->dir, seq,
		 grey ? "pgm" : "ppm");
	if (o->pixfmt == BPGRAB_PIX_YUYV) {
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
	const char *cs = o->pixfmt == BPGRAB_PIX_GREY ? "mono" :
			 o->pixfmt == BPGRAB_PIX_YUYV ? "422" : "444";

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
	case BPGRAB_PIX_GREY:
		return write_all(f, frame, n);
	case BPGRAB_PIX_YUYV:
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
		.device = "/dev/bpgrab0", .area = BIGPHYS_DEFAULT_PATH,
		.width = 640, .height = 480, .pixfmt = BPGRAB_PIX_YUYV,
		.buffers = 4, .frames = 100, .every = 1, .verify_pattern = 1,
	};
	while ((c = getopt_long(argc, argv, "d:a:W:H:f:r:b:n:s:o:e:qh", lo, NULL)) != -1) {
		switch (c) {
		case 'd': o->device = optarg; break;
		case 'a': o->area = optarg; break;
		case 'W':
			if (parse_u32(optarg, BPGRAB_MIN_WIDTH, BPGRAB_MAX_WIDTH, &o->width) || o->width & 1)
				goto bad;
			break;
		case 'H':
			if (parse_u32(optarg, BPGRAB_MIN_HEIGHT, BPGRAB_MAX_HEIGHT, &o->height))
				goto bad;
			break;
		case 'f':
			if (!strcmp(optarg, "yuyv"))
				o->pixfmt = BPGRAB_PIX_YUYV;
			else if (!strcmp(optarg, "grey") || !strcmp(optarg, "gray"))
				o->pixfmt = BPGRAB_PIX_GREY;
			else if (!strcmp(optarg, "rgb24"))
				o->pixfmt = BPGRAB_PIX_RGB24;
			else
				goto bad;
			break;
		case 'r':
			if (parse_u32(optarg, 1, BPGRAB_MAX_FPS, &o->fps))
				goto bad;
			break;
		case 'b':
			if (parse_u32(optarg, 2, BPGRAB_MAX_BUFFERS, &o->buffers))
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

static int xioctl(int fd, unsigned long cmd, void *arg, const char *what)
{
	if (ioctl(fd, cmd, arg) == 0)
		return 0;
	fprintf(stderr, "bpgrab-capture: %s: %s\n", what, strerror(errno));
	return -1;
}

static void verify_frame(const struct opts *o, const struct bpgrab_buffer *b,
			 const uint8_t *frame, uint8_t *expect,
			 const struct bpgrab_format *fmt, struct result *r)
{
	uint32_t crc = crc32_buf(frame, b->bytesused);

	if (b->bytesused != fmt->sizeimage || crc != b->checksum) {
		if (r->bad_crc++ < 5)
			fprintf(stderr, "\nbpgrab-capture: frame %" PRIu64 ": %u bytes, CRC %08x, driver says %08x\n",
				(uint64_t)b->sequence, b->bytesused, crc, b->checksum);
	}
	if (o->verify_pattern) {
		bpgrab_pattern_fill(expect, o->width, o->height, o->pixfmt, b->sequence);
		if (memcmp(expect, frame, fmt->sizeimage) && r->bad_pattern++ < 5)
			fprintf(stderr, "\nbpgrab-capture: frame %" PRIu64 ": pixels differ from the pattern\n",
				(uint64_t)b->sequence);
	}
}

int main(int argc, char **argv)
{
	struct bpgrab_format fmt = { 0 };
	struct bpgrab_reqbufs *rb = NULL;
	struct bpgrab_stats st;
	struct bigphys_info info;
	struct bigphys *bp = NULL;
	struct result r = { 0 };
	struct opts o;
	uint8_t *area = NULL, *expect = NULL, *scratch = NULL;
	uint64_t next_seq = 0;
	FILE *y4m = NULL;
	double last_progress = 0;
	int grab = -1, rc, err, streaming = 0;
	uint32_t i;

	rc = parse_args(argc, argv, &o);
	if (rc)
		return rc;
	crc_init();
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	rc = EXIT_DEVICE;

	grab = open(o.device, O_RDWR | O_CLOEXEC);
	if (grab < 0) {
		fprintf(stderr, "bpgrab-capture: cannot open %s: %s\n", o.device, strerror(errno));
		goto out;
	}
	fmt = (struct bpgrab_format){ .width = o.width, .height = o.height,
				      .pixelformat = o.pixfmt, .fps = o.fps };
	if (xioctl(grab, BPGRAB_IOC_S_FMT, &fmt, "set format"))
		goto out;
	o.fps = fmt.fps;
	rb = calloc(1, sizeof(*rb));
	if (!rb)
		goto out;
	rb->count = o.buffers;
	if (xioctl(grab, BPGRAB_IOC_REQBUFS, rb, "request buffers"))
		goto out;

	err = bigphys_open(o.area, 0, &bp);
	if (!err)
		err = bigphys_info(bp, &info);
	if (!err)
		err = bigphys_map_area(bp, info.total, (void **)&area);
	if (err) {
		fprintf(stderr, "bpgrab-capture: cannot map the area through %s: %s%s\n",
			o.area, strerror(-err), err == -EPERM ? " (needs CAP_SYS_RAWIO)" : "");
		goto out;
	}
	for (i = 0; i < o.buffers; i++) {
		if (rb->buffers[i].area_offset + rb->buffers[i].size > info.total) {
			fprintf(stderr, "bpgrab-capture: buffer %u lies outside the area\n", i);
			goto out;
		}
	}

	expect = malloc(fmt.sizeimage);
	scratch = malloc((size_t)o.width * o.height * 3);
	if (!expect || !scratch)
		goto out;
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

	for (i = 0; i < o.buffers; i++) {
		struct bpgrab_buffer b = { .index = i };

		if (xioctl(grab, BPGRAB_IOC_QBUF, &b, "queue buffer"))
			goto out;
	}
	if (xioctl(grab, BPGRAB_IOC_STREAMON, NULL, "stream on"))
		goto out;
	streaming = 1;
	r.t0 = now();

	while (!stop && r.frames < o.frames &&
	       !(o.seconds > 0 && now() - r.t0 >= o.seconds)) {
		struct pollfd pfd = { .fd = grab, .events = POLLIN };
		struct bpgrab_buffer b;
		const uint8_t *frame;
		uint64_t seq;

		rc = poll(&pfd, 1, 5000);
		if (rc <= 0 || pfd.revents & (POLLERR | POLLHUP)) {
			/* POLLHUP: the driver was unbound, every ioctl fails with ENODEV. */
			fprintf(stderr, "bpgrab-capture: %s\n", rc == 0 ? "no frame for 5 s" :
				rc < 0 ? strerror(errno) :
				pfd.revents & POLLHUP ? "device removed (driver unbound)" :
				"stream stopped");
			if (rc < 0 && errno == EINTR)
				continue;
			rc = EXIT_DEVICE;
			goto out;
		}
		memset(&b, 0, sizeof(b));
		if (xioctl(grab, BPGRAB_IOC_DQBUF, &b, "dequeue buffer")) {
			rc = EXIT_DEVICE;
			goto out;
		}
		if (b.index >= o.buffers) {
			fprintf(stderr, "bpgrab-capture: bad buffer index %u\n", b.index);
			rc = EXIT_DEVICE;
			goto out;
		}
		if (b.sequence < next_seq)
			r.bad_seq++;
		else
			r.drops += b.sequence - next_seq;
		next_seq = b.sequence + 1;
		if (!r.frames)
			r.first_ts = b.timestamp_ns;
		r.last_ts = b.timestamp_ns;

		frame = area + rb->buffers[b.index].area_offset;
		verify_frame(&o, &b, frame, expect, &fmt, &r);
		if ((o.dir && b.sequence % o.every == 0 && save_pnm(&o, frame, b.sequence, scratch)) ||
		    (y4m && save_y4m_frame(&o, y4m, frame, scratch))) {
			fprintf(stderr, "bpgrab-capture: writing output failed: %s\n", strerror(errno));
			rc = EXIT_DEVICE;
			goto out;
		}
		r.frames++;
		r.bytes += b.bytesused;
		seq = b.sequence;
		b = (struct bpgrab_buffer){ .index = b.index };
		if (xioctl(grab, BPGRAB_IOC_QBUF, &b, "queue buffer")) {
			rc = EXIT_DEVICE;
			goto out;
		}
		if (!o.quiet && isatty(2) && now() - last_progress > 0.5) {
			last_progress = now();
			fprintf(stderr, "\rframe %" PRIu64 "  seq %" PRIu64 "  drops %" PRIu64 "  %.1f fps   ",
				r.frames, seq, r.drops,
				r.frames / (last_progress - r.t0));
		}
	}
	r.t1 = now();
	if (xioctl(grab, BPGRAB_IOC_G_STATS, &st, "statistics") ||
	    xioctl(grab, BPGRAB_IOC_STREAMOFF, NULL, "stream off")) {
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
		       " (driver: %" PRIu64 " captured, %" PRIu64 " dropped), %.2f fps, %.1f MB/s\n",
		       r.frames, o.width, o.height, (const char *)&o.pixfmt, r.drops,
		       (uint64_t)st.frames_captured, (uint64_t)st.frames_dropped,
		       span > 0 ? (r.frames - 1) / span : 0,
		       wall > 0 ? r.bytes / 1e6 / wall : 0);
		printf("verified: %" PRIu64 " CRC errors, %" PRIu64 " pattern errors, %" PRIu64
		       " sequence errors%s\n", r.bad_crc, r.bad_pattern, r.bad_seq,
		       o.verify_pattern ? "" : " (pixels not checked)");
	}
	/* Every gap we saw must be a drop the driver counted. */
	if (r.drops > st.frames_dropped) {
		fprintf(stderr, "bpgrab-capture: %" PRIu64 " gaps but the driver counted %" PRIu64 " drops\n",
			r.drops, (uint64_t)st.frames_dropped);
		r.bad_seq++;
	}
	rc = r.bad_crc || r.bad_pattern || r.bad_seq ? EXIT_VERIFY : EXIT_OK;
out:
	if (streaming)
		ioctl(grab, BPGRAB_IOC_STREAMOFF);
	if (y4m && fclose(y4m) && rc == EXIT_OK) {
		fprintf(stderr, "bpgrab-capture: writing %s failed\n", o.y4m);
		rc = EXIT_DEVICE;
	}
	if (area)
		munmap(area, info.total);
	bigphys_close(bp);
	if (grab >= 0)
		close(grab);
	free(rb);
	free(expect);
	free(scratch);
	return rc;
}
