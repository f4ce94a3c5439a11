// SPDX-License-Identifier: GPL-2.0
/* bpgrab: test pattern generator (colour bars, moving box, frame number). */

#include <linux/export.h>
#include <linux/math64.h>
#include <linux/string.h>
#include <kunit/visibility.h>
#include <linux/videodev2.h>

#include "bpgrab-pattern.h"

struct bpgrab_rgb {
	u8 r, g, b;
};

/* 75% colour bars: white, yellow, cyan, green, magenta, red, blue, black. */
static const struct bpgrab_rgb bpgrab_bars[8] = {
	{ 191, 191, 191 }, { 191, 191, 0 }, { 0, 191, 191 }, { 0, 191, 0 },
	{ 191, 0, 191 }, { 191, 0, 0 }, { 0, 0, 191 }, { 0, 0, 0 },
};

static const struct bpgrab_rgb bpgrab_white = { 235, 235, 235 };
static const struct bpgrab_rgb bpgrab_black = { 16, 16, 16 };
static const struct bpgrab_rgb bpgrab_grey = { 48, 48, 48 };

/* 5x7 digits, one byte per row, bit 4 is the leftmost column. */
static const u8 bpgrab_font[10][7] = {
	{ 0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e }, /* 0 */
	{ 0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e }, /* 1 */
	{ 0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f }, /* 2 */
	{ 0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e }, /* 3 */
	{ 0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02 }, /* 4 */
	{ 0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e }, /* 5 */
	{ 0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e }, /* 6 */
	{ 0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08 }, /* 7 */
	{ 0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e }, /* 8 */
	{ 0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c }, /* 9 */
};

/**
 * bpgrab_bytesperline() - line length of a format
 * @pixelformat: V4L2_PIX_FMT_YUYV, V4L2_PIX_FMT_GREY or V4L2_PIX_FMT_RGB24
 * @width: pixels
 *
 * Return: bytes per line, or 0 for an unknown format.
 */
u32 bpgrab_bytesperline(u32 pixelformat, u32 width)
{
	switch (pixelformat) {
	case V4L2_PIX_FMT_YUYV:
		return width * 2;
	case V4L2_PIX_FMT_GREY:
		return width;
	case V4L2_PIX_FMT_RGB24:
		return width * 3;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(bpgrab_bytesperline);

/* BT.601 limited range. */
static u8 bpgrab_y(const struct bpgrab_rgb *c)
{
	return ((66 * c->r + 129 * c->g + 25 * c->b + 128) >> 8) + 16;
}

static u8 bpgrab_u(const struct bpgrab_rgb *c)
{
	return ((-38 * c->r - 74 * c->g + 112 * c->b + 128) >> 8) + 128;
}

static u8 bpgrab_v(const struct bpgrab_rgb *c)
{
	return ((112 * c->r - 94 * c->g - 18 * c->b + 128) >> 8) + 128;
}

/*
 * Write pixel @x of a line. In YUYV a pixel pair takes its chroma from
 * the even pixel, so writing an odd pixel only changes its luma.
 */
static void bpgrab_put(u8 *line, u32 x, u32 fmt, const struct bpgrab_rgb *c)
{
	switch (fmt) {
	case V4L2_PIX_FMT_YUYV:
		line[2 * x] = bpgrab_y(c);
		if (!(x & 1)) {
			line[2 * x + 1] = bpgrab_u(c);
			line[2 * x + 3] = bpgrab_v(c);
		}
		break;
	case V4L2_PIX_FMT_GREY:
		line[x] = bpgrab_y(c);
		break;
	case V4L2_PIX_FMT_RGB24:
		line[3 * x] = c->r;
		line[3 * x + 1] = c->g;
		line[3 * x + 2] = c->b;
		break;
	}
}

static void bpgrab_rect(u8 *dst, u32 bpl, u32 width, u32 height, u32 fmt,
			u32 x0, u32 y0, u32 w, u32 h,
			const struct bpgrab_rgb *c)
{
	u32 x, y;

	for (y = y0; y < y0 + h && y < height; y++)
		for (x = x0; x < x0 + w && x < width; x++)
			bpgrab_put(dst + (size_t)y * bpl, x, fmt, c);
}

/* The frame number in the top left corner, white on black. */
static void bpgrab_number(u8 *dst, u32 bpl, u32 width, u32 height, u32 fmt,
			  u64 n)
{
	u32 s = height / 60 ? height / 60 : 1, i, row, col, nd = 0;
	u8 digits[20];

	do {
		u32 rem;

		n = div_u64_rem(n, 10, &rem);
		digits[nd++] = rem;
	} while (n);

	bpgrab_rect(dst, bpl, width, height, fmt, s, s, (nd * 6 + 2) * s,
		    10 * s, &bpgrab_black);
	for (i = 0; i < nd; i++) {
		const u8 *glyph = bpgrab_font[digits[nd - 1 - i]];

		for (row = 0; row < 7; row++)
			for (col = 0; col < 5; col++)
				if (glyph[row] & (0x10 >> col))
					bpgrab_rect(dst, bpl, width, height, fmt,
						    (2 + i * 6 + col) * s,
						    (2 + row) * s, s, s,
						    &bpgrab_white);
	}
}

/**
 * bpgrab_pattern_background() - draw what every frame has in common
 * @dst: frame buffer, bpgrab_bytesperline() * @height bytes
 * @width: pixels, even
 * @height: lines
 * @pixelformat: V4L2_PIX_FMT_YUYV, V4L2_PIX_FMT_GREY or V4L2_PIX_FMT_RGB24
 *
 * The top two thirds are colour bars, the bottom third is grey. A frame
 * is this background with bpgrab_pattern_overlay() drawn on it, so a
 * capture engine computes the background once and copies it per frame.
 */
void bpgrab_pattern_background(u8 *dst, u32 width, u32 height, u32 pixelformat)
{
	u32 bpl = bpgrab_bytesperline(pixelformat, width);
	u32 bars_h = height * 2 / 3, x, y;
	u8 *bg;

	if (!bpl || !height)
		return;
	/* One line of each kind, then copies. */
	for (x = 0; x < width; x++)
		bpgrab_put(dst, x, pixelformat, &bpgrab_bars[x * 8 / width]);
	for (y = 1; y < bars_h; y++)
		memcpy(dst + (size_t)y * bpl, dst, bpl);
	if (bars_h < height) {
		bg = dst + (size_t)bars_h * bpl;
		for (x = 0; x < width; x++)
			bpgrab_put(bg, x, pixelformat, &bpgrab_grey);
		for (y = bars_h + 1; y < height; y++)
			memcpy(dst + (size_t)y * bpl, bg, bpl);
	}
}
EXPORT_SYMBOL_IF_KUNIT(bpgrab_pattern_background);

/**
 * bpgrab_pattern_overlay() - draw what changes from frame to frame
 * @dst: a frame holding bpgrab_pattern_background()
 * @width: pixels, even
 * @height: lines
 * @pixelformat: V4L2_PIX_FMT_YUYV, V4L2_PIX_FMT_GREY or V4L2_PIX_FMT_RGB24
 * @sequence: frame number: moves the box and is printed in the corner
 *
 * A white box moving right by width / 64 pixels per frame on the grey
 * third, and the frame number in the top left corner.
 */
void bpgrab_pattern_overlay(u8 *dst, u32 width, u32 height, u32 pixelformat,
			    u64 sequence)
{
	u32 bpl = bpgrab_bytesperline(pixelformat, width);
	u32 bars_h = height * 2 / 3, box = height / 6 ? height / 6 : 1;
	u32 step = width / 64 ? width / 64 : 1, span, boxx, boxy, x, y;
	size_t off, len;
	u8 *boxline;

	if (!bpl || !height)
		return;
	if (box > width)
		box = width;
	span = width - box + 1;
	div_u64_rem(sequence * step, span, &boxx);
	boxy = bars_h + (height - bars_h - box) / 2;

	if (bars_h < height && boxy < height) {
		boxline = dst + (size_t)boxy * bpl;
		for (x = boxx; x < boxx + box; x++)
			bpgrab_put(boxline, x, pixelformat, &bpgrab_white);
		/* Copy the box's pixel pairs (YUYV shares chroma) down. */
		x = boxx + box + ((boxx + box) & 1);
		if (x > width)
			x = width;
		off = (size_t)(boxx & ~1U) * (bpl / width);
		len = (size_t)x * (bpl / width) - off;
		for (y = boxy + 1; y < boxy + box && y < height; y++)
			memcpy(dst + (size_t)y * bpl + off, boxline + off, len);
	}
	bpgrab_number(dst, bpl, width, height, pixelformat, sequence);
}
EXPORT_SYMBOL_IF_KUNIT(bpgrab_pattern_overlay);

/**
 * bpgrab_pattern_fill() - draw frame @sequence of the test pattern
 * @dst: frame buffer, bpgrab_bytesperline() * @height bytes
 * @width: pixels, even
 * @height: lines
 * @pixelformat: V4L2_PIX_FMT_YUYV, V4L2_PIX_FMT_GREY or V4L2_PIX_FMT_RGB24
 * @sequence: frame number
 *
 * bpgrab_pattern_background() with bpgrab_pattern_overlay() on top.
 */
void bpgrab_pattern_fill(u8 *dst, u32 width, u32 height, u32 pixelformat,
			 u64 sequence)
{
	bpgrab_pattern_background(dst, width, height, pixelformat);
	bpgrab_pattern_overlay(dst, width, height, pixelformat, sequence);
}
EXPORT_SYMBOL_IF_KUNIT(bpgrab_pattern_fill);
