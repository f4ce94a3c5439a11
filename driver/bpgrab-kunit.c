// SPDX-License-Identifier: GPL-2.0
/* KUnit tests for the bpgrab test pattern. */

#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/videodev2.h>

#include "bpgrab-pattern.h"

static void bpgrab_bytesperline_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, bpgrab_bytesperline(V4L2_PIX_FMT_YUYV, 640), 1280);
	KUNIT_EXPECT_EQ(test, bpgrab_bytesperline(V4L2_PIX_FMT_GREY, 640), 640);
	KUNIT_EXPECT_EQ(test, bpgrab_bytesperline(V4L2_PIX_FMT_RGB24, 640), 1920);
	KUNIT_EXPECT_EQ(test, bpgrab_bytesperline(0x12345678, 640), 0);
}

/* Known pixels of frame 0 and 1 at 64x48 in RGB24. */
static void bpgrab_pattern_rgb_test(struct kunit *test)
{
	const u32 w = 64, h = 48, bpl = w * 3;
	u8 *f = kunit_kzalloc(test, bpl * h, GFP_KERNEL);
	u8 *px;

	KUNIT_ASSERT_NOT_NULL(test, f);
	bpgrab_pattern_fill(f, w, h, V4L2_PIX_FMT_RGB24, 0);
	/* Bar 1 (yellow) at x = 12, y = 20; bar 6 (blue) at x = 50. */
	px = f + 20 * bpl + 12 * 3;
	KUNIT_EXPECT_EQ(test, px[0], 191);
	KUNIT_EXPECT_EQ(test, px[1], 191);
	KUNIT_EXPECT_EQ(test, px[2], 0);
	px = f + 20 * bpl + 50 * 3;
	KUNIT_EXPECT_EQ(test, px[0], 0);
	KUNIT_EXPECT_EQ(test, px[2], 191);
	/* The box (8x8 at x = seq, y = 36) is white, the rest grey. */
	px = f + 36 * bpl;
	KUNIT_EXPECT_EQ(test, px[0], 235);
	KUNIT_EXPECT_EQ(test, px[8 * 3], 48);
	bpgrab_pattern_fill(f, w, h, V4L2_PIX_FMT_RGB24, 1);
	KUNIT_EXPECT_EQ(test, px[0], 48);
	KUNIT_EXPECT_EQ(test, px[8 * 3], 235);
}

/* Frames differ from one to the next and are reproducible. */
static void bpgrab_pattern_frames_test(struct kunit *test)
{
	static const u32 fmts[] = { V4L2_PIX_FMT_YUYV, V4L2_PIX_FMT_GREY, V4L2_PIX_FMT_RGB24 };
	const u32 w = 160, h = 120;
	int i;

	for (i = 0; i < ARRAY_SIZE(fmts); i++) {
		size_t size = bpgrab_bytesperline(fmts[i], w) * h;
		u8 *a = kunit_kzalloc(test, size, GFP_KERNEL);
		u8 *b = kunit_kzalloc(test, size, GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, a);
		KUNIT_ASSERT_NOT_NULL(test, b);
		bpgrab_pattern_fill(a, w, h, fmts[i], 7);
		bpgrab_pattern_fill(b, w, h, fmts[i], 8);
		KUNIT_EXPECT_NE(test, memcmp(a, b, size), 0);
		bpgrab_pattern_fill(b, w, h, fmts[i], 7);
		KUNIT_EXPECT_EQ(test, memcmp(a, b, size), 0);
		/* Large frame numbers fit; the smallest frame is not overrun. */
		bpgrab_pattern_fill(a, w, h, fmts[i], U64_MAX);
	}
}

/* A background plus the overlay is the whole frame, over any old frame. */
static void bpgrab_pattern_overlay_test(struct kunit *test)
{
	static const u32 fmts[] = { V4L2_PIX_FMT_YUYV, V4L2_PIX_FMT_GREY, V4L2_PIX_FMT_RGB24 };
	const u32 w = 190, h = 100;
	int i;

	for (i = 0; i < ARRAY_SIZE(fmts); i++) {
		size_t size = bpgrab_bytesperline(fmts[i], w) * h;
		u8 *a = kunit_kzalloc(test, size, GFP_KERNEL);
		u8 *b = kunit_kzalloc(test, size, GFP_KERNEL);
		u64 seq;

		KUNIT_ASSERT_NOT_NULL(test, a);
		KUNIT_ASSERT_NOT_NULL(test, b);
		for (seq = 0; seq < 70; seq += 3) {
			bpgrab_pattern_fill(a, w, h, fmts[i], seq);
			bpgrab_pattern_background(b, w, h, fmts[i]);
			bpgrab_pattern_overlay(b, w, h, fmts[i], seq);
			KUNIT_EXPECT_EQ(test, memcmp(a, b, size), 0);
		}
	}
}

static void bpgrab_pattern_tiny_test(struct kunit *test)
{
	const u32 w = 16, h = 16, size = w * 2 * h;	/* the smallest frame */
	u8 *f = kunit_kmalloc(test, size + 64, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	memset(f + size, 0xa5, 64);
	bpgrab_pattern_fill(f, w, h, V4L2_PIX_FMT_YUYV, 123456789);
	KUNIT_EXPECT_NULL(test, memchr_inv(f + size, 0xa5, 64));
}

static struct kunit_case bpgrab_pattern_test_cases[] = {
	KUNIT_CASE(bpgrab_bytesperline_test),
	KUNIT_CASE(bpgrab_pattern_overlay_test),
	KUNIT_CASE(bpgrab_pattern_rgb_test),
	KUNIT_CASE(bpgrab_pattern_frames_test),
	KUNIT_CASE(bpgrab_pattern_tiny_test),
	{}
};

static struct kunit_suite bpgrab_pattern_test_suite = {
	.name = "bpgrab_pattern",
	.test_cases = bpgrab_pattern_test_cases,
};

kunit_test_suite(bpgrab_pattern_test_suite);

MODULE_DESCRIPTION("KUnit tests for the bpgrab test pattern");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
