// SPDX-License-Identifier: GPL-2.0
/* KUnit tests for the bigphysarea parameter parser and allocator. */

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/bigphysarea.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/iosys-map.h>
#include <linux/scatterlist.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/sizes.h>

#include "bigphysarea.h"
#include "bigphysarea_pool.h"

struct bigphys_parse_case {
	const char *arg;
	int ret;
	u64 size;
	u64 start;
	u64 end;
	bool fixed;
	bool rounded;
};

#define OK(a, sz, st, en, fx, rd) { a, 0, sz, st, en, fx, rd }
#define BAD(a, err) { a, err }

static const struct bigphys_parse_case bigphys_parse_cases[] = {
	/* Legacy page counts. */
	OK("1024", 1024 * PAGE_SIZE, 0, 0, false, false),
	OK("4096", 4096 * PAGE_SIZE, 0, 0, false, false),
	OK("1", PAGE_SIZE, 0, 0, false, false),
	OK("0x100", 256 * PAGE_SIZE, 0, 0, false, false),
	OK("010", 8 * PAGE_SIZE, 0, 0, false, false),
	/* Sizes in bytes. */
	OK("16M", SZ_16M, 0, 0, false, false),
	OK("16m", SZ_16M, 0, 0, false, false),
	OK("64K", SZ_64K, 0, 0, false, false),
	OK("1G", SZ_1G, 0, 0, false, false),
	OK("1000K", 1000 * SZ_1K, 0, 0, false, false),
	OK("1K", PAGE_SIZE, 0, 0, false, true),
	OK("6K", PAGE_ALIGN(6 * SZ_1K), 0, 0, false, PAGE_SIZE > SZ_2K),
	OK("15E", 15ULL << 60, 0, 0, false, false),
	/* Placement. */
	OK("64M@0-4G", SZ_64M, 0, SZ_4G, false, false),
	OK("64M@-4G", SZ_64M, 0, SZ_4G, false, false),
	OK("64M@0x40000000", SZ_64M, SZ_1G, 0, true, false),
	OK("64M@1G", SZ_64M, SZ_1G, 0, true, false),
	OK("16M@4097-1G", SZ_16M, 2 * PAGE_SIZE, SZ_1G, false, true),
	OK("16M@0-1073741825", SZ_16M, 0, SZ_1G, false, true),
	OK("4096@256M-2G", 4096 * PAGE_SIZE, SZ_256M, SZ_2G, false, false),
	/* Malformed. */
	BAD(NULL, -EINVAL),
	BAD("", -EINVAL),
	BAD("abc", -EINVAL),
	BAD("0", -EINVAL),
	BAD("0M", -EINVAL),
	BAD("-5", -EINVAL),
	BAD("0x", -EINVAL),
	BAD("08", -EINVAL),
	BAD("16M ", -EINVAL),
	BAD("16Mx", -EINVAL),
	BAD("1,2", -EINVAL),
	BAD("16M@", -EINVAL),
	BAD("16M@-", -EINVAL),
	BAD("16M@16M-", -EINVAL),
	BAD("16M@4097", -EINVAL),
	BAD("16M@1G-1G", -EINVAL),
	BAD("16M@2G-1G", -EINVAL),
	BAD("16M@0-8M", -EINVAL),
	BAD("16M@0-4G@0", -EINVAL),
	BAD("16M@x", -EINVAL),
	/* Overflow. */
	BAD("18446744073709551616", -ERANGE),
	BAD("99999999999999999999999", -ERANGE),
	BAD("999999999999999999999999999999", -ERANGE),
	BAD("17179869184G", -ERANGE),
	BAD("16E", -ERANGE),
	BAD("4503599627370496", -ERANGE),
	BAD("16M@0xfffffffffffff000", -ERANGE),
	BAD("16M@0-99999999999999999999999", -ERANGE),
};

static void bigphys_parse_case_desc(const struct bigphys_parse_case *c,
				    char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "\"%s\"", c->arg ?: "(null)");
}

KUNIT_ARRAY_PARAM(bigphys_parse, bigphys_parse_cases, bigphys_parse_case_desc);

static void bigphys_parse_test(struct kunit *test)
{
	const struct bigphys_parse_case *c = test->param_value;
	struct bigphys_param p;
	const char *why = NULL;
	int ret;

	ret = bigphys_parse_param(c->arg, &p, &why);
	KUNIT_ASSERT_EQ(test, ret, c->ret);
	if (ret) {
		KUNIT_EXPECT_NOT_NULL(test, why);
		return;
	}
	KUNIT_EXPECT_EQ(test, p.size, c->size);
	KUNIT_EXPECT_EQ(test, p.start, c->start);
	KUNIT_EXPECT_EQ(test, p.end, c->end);
	KUNIT_EXPECT_EQ(test, p.fixed, c->fixed);
	KUNIT_EXPECT_EQ(test, p.rounded, c->rounded);
}

/* Allocator tests run on a private pool over 64 ordinary pages. */
#define TEST_PAGES	64
#define TEST_SIZE	(TEST_PAGES * PAGE_SIZE)

static int bigphys_pool_test_init(struct kunit *test)
{
	struct bigphys_pool *pool;
	void *mem;

	pool = kunit_kzalloc(test, sizeof(*pool), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pool);
	mem = alloc_pages_exact(TEST_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, mem);
	KUNIT_ASSERT_EQ(test, bigphys_pool_init(pool, mem, virt_to_phys(mem),
						TEST_SIZE), 0);
	test->priv = pool;
	return 0;
}

static void bigphys_pool_test_exit(struct kunit *test)
{
	struct bigphys_pool *pool = test->priv;
	void *mem;

	if (!pool || !pool->size)
		return;
	mem = (void *)pool->vbase;
	bigphys_pool_destroy(pool);
	free_pages_exact(mem, TEST_SIZE);
}

static void expect_stats(struct kunit *test, struct bigphys_pool *pool,
			 size_t free, unsigned long nr_allocs,
			 unsigned long nr_free_blocks, size_t largest_free)
{
	struct bigphys_stats st;

	bigphys_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.size, TEST_SIZE);
	KUNIT_EXPECT_EQ(test, st.free, free);
	KUNIT_EXPECT_EQ(test, st.nr_allocs, nr_allocs);
	KUNIT_EXPECT_EQ(test, st.nr_free_blocks, nr_free_blocks);
	KUNIT_EXPECT_EQ(test, st.largest_free, largest_free);
}

static void bigphys_alloc_free_test(struct kunit *test)
{
	struct bigphys_pool *pool = test->priv;
	char *a, *b;

	expect_stats(test, pool, TEST_SIZE, 0, 1, TEST_SIZE);

	a = bigphys_pool_alloc(pool, 1, 0, GFP_KERNEL, "a");
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(a));
	b = bigphys_pool_alloc(pool, 3 * PAGE_SIZE, 0, GFP_KERNEL, "b");
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_TRUE(test, b >= a + PAGE_SIZE || b + 3 * PAGE_SIZE <= a);
	expect_stats(test, pool, TEST_SIZE - 4 * PAGE_SIZE, 2, 1,
		     TEST_SIZE - 4 * PAGE_SIZE);

	/* The memory is the pool's and is usable. */
	memset(b, 0x5a, 3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, virt_to_phys(b) - pool->pbase,
			(phys_addr_t)((unsigned long)b - pool->vbase));

	KUNIT_EXPECT_EQ(test, bigphys_pool_free(pool, a, NULL), 0);
	KUNIT_EXPECT_EQ(test, bigphys_pool_free(pool, b, NULL), 0);
	expect_stats(test, pool, TEST_SIZE, 0, 1, TEST_SIZE);

	KUNIT_EXPECT_NULL(test, bigphys_pool_alloc(pool, 0, 0, GFP_KERNEL, "z"));
}

static void bigphys_zero_test(struct kunit *test)
{
	struct bigphys_pool *pool = test->priv;
	unsigned char *p;
	size_t i, nonzero = 0;

	p = bigphys_pool_alloc(pool, TEST_SIZE, 0, GFP_KERNEL, "dirty");
	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, 0xa5, TEST_SIZE);
	bigphys_pool_free(pool, p, NULL);

	p = bigphys_pool_alloc(pool, TEST_SIZE, 0, GFP_KERNEL | __GFP_ZERO, "z");
	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < TEST_SIZE; i++)
		nonzero += p[i] != 0;
	KUNIT_EXPECT_EQ(test, nonzero, 0);
	bigphys_pool_free(pool, p, NULL);
}

static void bigphys_legacy_align_test(struct kunit *test)
{
	static const unsigned long aligns[] = { 0, 1, 2, 3, 5, 7, 8, 13, 16 };
	struct bigphys_pool *pool = test->priv;
	unsigned long pfn;
	void *p;
	int i;

	/* Every alignment from 0 to 16 on its own, odd ones included. */
	for (i = 0; i <= 16; i++) {
		p = bigphys_pool_alloc(pool, 3 * PAGE_SIZE, i, GFP_KERNEL, "align");
		KUNIT_ASSERT_NOT_NULL_MSG(test, p, "align %d", i);
		pfn = PHYS_PFN(virt_to_phys(p));
		KUNIT_EXPECT_EQ_MSG(test, pfn % (i ?: 1), 0, "align %d", i);
		KUNIT_EXPECT_EQ(test, bigphys_pool_free(pool, p, NULL), 0);
	}
	/* Then several live at once, each placed around the others. */

	for (i = 0; i < ARRAY_SIZE(aligns); i++) {
		p = bigphys_pool_alloc(pool, 2 * PAGE_SIZE, aligns[i], GFP_KERNEL,
				       "align");
		KUNIT_ASSERT_NOT_NULL_MSG(test, p, "align %lu", aligns[i]);
		pfn = PHYS_PFN(virt_to_phys(p));
		KUNIT_EXPECT_EQ_MSG(test, pfn % (aligns[i] ?: 1), 0,
				    "align %lu", aligns[i]);
	}
	/* An alignment no page of the pool satisfies cannot be met. */
	pfn = PHYS_PFN(pool->pbase);
	KUNIT_EXPECT_NULL(test, bigphys_pool_alloc(pool, PAGE_SIZE,
						   pfn + TEST_PAGES + 1,
						   GFP_KERNEL, "x"));
}

static void bigphys_exhaustion_test(struct kunit *test)
{
	struct bigphys_pool *pool = test->priv;
	int n = 0;

	KUNIT_EXPECT_NULL(test, bigphys_pool_alloc(pool, TEST_SIZE + PAGE_SIZE,
						   0, GFP_KERNEL, "big"));
	while (bigphys_pool_alloc(pool, PAGE_SIZE, 0, GFP_KERNEL, "one"))
		n++;
	KUNIT_EXPECT_EQ(test, n, TEST_PAGES);
	expect_stats(test, pool, 0, TEST_PAGES, 0, 0);
	KUNIT_EXPECT_NULL(test, bigphys_pool_alloc(pool, PAGE_SIZE, 0,
						   GFP_ATOMIC, "more"));
}

static void bigphys_coalesce_test(struct kunit *test)
{
	struct bigphys_pool *pool = test->priv;
	const size_t blk = TEST_SIZE / 8;
	char *b[8], *big;
	int i;

	for (i = 0; i < 8; i++) {
		b[i] = bigphys_pool_alloc(pool, blk, 0, GFP_KERNEL, "blk");
		KUNIT_ASSERT_NOT_NULL(test, b[i]);
	}
	for (i = 0; i < 8; i += 2)
		bigphys_pool_free(pool, b[i], NULL);
	expect_stats(test, pool, 4 * blk, 4, 4, blk);
	KUNIT_EXPECT_NULL(test, bigphys_pool_alloc(pool, 2 * blk, 0,
						   GFP_KERNEL, "frag"));

	/* Freeing b[1] joins b[0..2] into one block. */
	bigphys_pool_free(pool, b[1], NULL);
	expect_stats(test, pool, 5 * blk, 3, 3, 3 * blk);
	big = bigphys_pool_alloc(pool, 3 * blk, 0, GFP_KERNEL, "big");
	KUNIT_EXPECT_PTR_EQ(test, big, b[0]);
	bigphys_pool_free(pool, big, NULL);

	for (i = 3; i < 8; i += 2)
		bigphys_pool_free(pool, b[i], NULL);
	expect_stats(test, pool, TEST_SIZE, 0, 1, TEST_SIZE);
}

static void bigphys_bad_free_test(struct kunit *test)
{
	struct bigphys_pool *pool = test->priv;
	char *a, *b;
	size_t size = 0;

	a = bigphys_pool_alloc(pool, 2 * PAGE_SIZE, 0, GFP_KERNEL, "a");
	b = bigphys_pool_alloc(pool, 2 * PAGE_SIZE, 0, GFP_KERNEL, "b");
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);

	KUNIT_EXPECT_EQ(test, bigphys_pool_free(pool, a, &size), 0);
	KUNIT_EXPECT_EQ(test, size, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, bigphys_pool_free(pool, a, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, bigphys_pool_free(pool, b + PAGE_SIZE, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, bigphys_pool_free(pool, NULL, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, bigphys_pool_free(pool, (void *)pool->vbase +
						 TEST_SIZE, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, pool->bad_frees, 4);
	/* b is intact and still allocated. */
	expect_stats(test, pool, TEST_SIZE - 2 * PAGE_SIZE, 1, 2,
		     TEST_SIZE - 2 * PAGE_SIZE - ((unsigned long)b - pool->vbase));
	KUNIT_EXPECT_EQ(test, bigphys_pool_free(pool, b, NULL), 0);
	expect_stats(test, pool, TEST_SIZE, 0, 1, TEST_SIZE);
}

/*
 * Freed memory is dirty until scrubbed: a zeroed allocation of it is
 * zeroed, before the scrub (memset) and after it (known zero), and memory
 * dirtied after a scrub is dirty again.
 */
static void bigphys_scrub_test(struct kunit *test)
{
	struct bigphys_pool *pool = test->priv;
	unsigned char *p, *q;
	int steps = 0;

	KUNIT_EXPECT_EQ(test, pool->dirty_pages, TEST_PAGES);
	p = bigphys_pool_alloc(pool, TEST_SIZE, 0, GFP_KERNEL, "dirty");
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, pool->dirty_pages, 0);
	memset(p, 0xa5, TEST_SIZE);
	bigphys_pool_free(pool, p, NULL);
	KUNIT_EXPECT_EQ(test, pool->dirty_pages, TEST_PAGES);

	/* Before any scrub. */
	p = bigphys_pool_alloc(pool, TEST_SIZE, 0, GFP_KERNEL | __GFP_ZERO, "z");
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_NULL(test, memchr_inv(p, 0, TEST_SIZE));
	memset(p, 0x5a, TEST_SIZE);
	bigphys_pool_free(pool, p, NULL);

	/* Half of it scrubbed: one chunk covers the 64 pages, so scrub a part. */
	p = bigphys_pool_alloc(pool, TEST_SIZE / 2, 0, GFP_KERNEL, "keep");
	KUNIT_ASSERT_NOT_NULL(test, p);
	while (bigphys_pool_scrub_step(pool))
		steps++;
	KUNIT_EXPECT_GT(test, steps, 0);
	KUNIT_EXPECT_EQ(test, pool->dirty_pages, 0);
	KUNIT_EXPECT_NULL(test, memchr_inv(p + TEST_SIZE / 2, 0, TEST_SIZE / 2));
	KUNIT_EXPECT_EQ(test, p[0], 0x5a);	/* allocated: untouched */
	bigphys_pool_free(pool, p, NULL);
	KUNIT_EXPECT_EQ(test, pool->dirty_pages, TEST_PAGES / 2);

	/* Straddling the known-zero half and the dirty one. */
	p = bigphys_pool_alloc(pool, TEST_SIZE, 0, GFP_KERNEL | __GFP_ZERO, "z");
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_NULL(test, memchr_inv(p, 0, TEST_SIZE));
	bigphys_pool_free(pool, p, NULL);

	/* After a full scrub: dirty a few pages, the rest stays known zero. */
	while (bigphys_pool_scrub_step(pool))
		;
	KUNIT_EXPECT_EQ(test, pool->dirty_pages, 0);
	q = bigphys_pool_alloc(pool, 3 * PAGE_SIZE, 0, GFP_KERNEL, "dirty");
	KUNIT_ASSERT_NOT_NULL(test, q);
	memset(q, 0xff, 3 * PAGE_SIZE);
	bigphys_pool_free(pool, q, NULL);
	KUNIT_EXPECT_EQ(test, pool->dirty_pages, 3);
	p = bigphys_pool_alloc(pool, TEST_SIZE, 0, GFP_KERNEL | __GFP_ZERO, "z");
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_NULL(test, memchr_inv(p, 0, TEST_SIZE));
	bigphys_pool_free(pool, p, NULL);
}

/*
 * A writer that can reach free memory (a writable whole-area mapping)
 * makes the pool forget what it knew to be zero and stops the scrubber
 * until it is gone: memory written meanwhile is never handed out as
 * zeroed, during or after.
 */
static void bigphys_writer_test(struct kunit *test)
{
	struct bigphys_pool *pool = test->priv;
	unsigned char *p, *q;

	p = bigphys_pool_alloc(pool, TEST_SIZE / 2, 0, GFP_KERNEL, "keep");
	KUNIT_ASSERT_NOT_NULL(test, p);
	while (bigphys_pool_scrub_step(pool))
		;
	KUNIT_EXPECT_EQ(test, pool->dirty_pages, 0);
	bigphys_pool_free(pool, p, NULL);
	/* Half known zero (scrubbed), half dirty: two known-zero parts. */
	q = bigphys_pool_alloc(pool, PAGE_SIZE, 0, GFP_KERNEL, "split");
	KUNIT_ASSERT_NOT_NULL(test, q);
	p = bigphys_pool_alloc(pool, PAGE_SIZE, 0, GFP_KERNEL, "gap");
	KUNIT_ASSERT_NOT_NULL(test, p);
	bigphys_pool_free(pool, q, NULL);
	while (bigphys_pool_scrub_step(pool))
		;
	KUNIT_EXPECT_EQ(test, pool->dirty_pages, 0);

	bigphys_pool_writer_get(pool);
	KUNIT_EXPECT_EQ(test, pool->dirty_pages, TEST_PAGES - 1);
	KUNIT_EXPECT_FALSE(test, bigphys_pool_scrub_step(pool));
	/* The writer writes into free memory. */
	memset((void *)pool->vbase, 0xa5, PAGE_SIZE);
	memset((void *)pool->vbase + 2 * PAGE_SIZE, 0xa5, TEST_SIZE - 2 * PAGE_SIZE);
	q = bigphys_pool_alloc(pool, TEST_SIZE / 2, 0, GFP_KERNEL | __GFP_ZERO, "z");
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_NULL(test, memchr_inv(q, 0, TEST_SIZE / 2));
	bigphys_pool_free(pool, q, NULL);
	/* A second writer (a split mapping) needs its own put. */
	bigphys_pool_writer_get(pool);
	bigphys_pool_writer_put(pool);
	KUNIT_EXPECT_FALSE(test, bigphys_pool_scrub_step(pool));
	memset((void *)pool->vbase + 2 * PAGE_SIZE, 0x5a, TEST_SIZE - 2 * PAGE_SIZE);
	bigphys_pool_writer_put(pool);
	KUNIT_EXPECT_EQ(test, pool->writers, 0);

	/* Gone: nothing it wrote counts as zero, and scrubbing resumes. */
	KUNIT_EXPECT_EQ(test, pool->dirty_pages, TEST_PAGES - 1);
	q = bigphys_pool_alloc(pool, TEST_SIZE - 2 * PAGE_SIZE, 0,
			       GFP_KERNEL | __GFP_ZERO, "z");
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_NULL(test, memchr_inv(q, 0, TEST_SIZE - 2 * PAGE_SIZE));
	memset(q, 0x77, TEST_SIZE - 2 * PAGE_SIZE);
	bigphys_pool_free(pool, q, NULL);
	KUNIT_EXPECT_TRUE(test, bigphys_pool_scrub_step(pool));
	while (bigphys_pool_scrub_step(pool))
		;
	KUNIT_EXPECT_EQ(test, pool->dirty_pages, 0);
	KUNIT_EXPECT_NULL(test, memchr_inv((void *)pool->vbase + 2 * PAGE_SIZE, 0,
					   TEST_SIZE - 2 * PAGE_SIZE));
	bigphys_pool_free(pool, p, NULL);
}

/*
 * An allocation that needs the chunk the scrubber has out takes it back,
 * as dirty memory, instead of waiting for the scrubber (which runs at the
 * lowest priority), but never while a step is zeroing it; the scrubber
 * then stops and nothing is given back twice. A writer stops the chunk in
 * progress the same way.
 */
static void bigphys_scrub_steal_test(struct kunit *test)
{
	struct bigphys_pool *pool = test->priv;
	struct bigphys_scrub_chunk c;
	unsigned char *p;

	p = bigphys_pool_alloc(pool, TEST_SIZE, 0, GFP_KERNEL, "dirty");
	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, 0xa5, TEST_SIZE);
	bigphys_pool_free(pool, p, NULL);

	/* The scrubber has a chunk out (all of the pool with 4 KiB pages). */
	KUNIT_ASSERT_TRUE(test, bigphys_pool_scrub_claim(pool, &c));
	KUNIT_EXPECT_GT(test, c.pages, 0);
	KUNIT_EXPECT_EQ(test, pool->scrub_busy, c.pages);
	KUNIT_EXPECT_FALSE(test, bigphys_pool_scrub_claim(pool, &c));

	/*
	 * While a step runs (as if on another CPU), an atomic allocation
	 * only asks: the chunk stays out, so nobody gets memory that is
	 * still being zeroed, and the allocation fails as it would have.
	 */
	WRITE_ONCE(pool->scrub_stepping, true);
	KUNIT_EXPECT_NULL(test, bigphys_pool_alloc(pool, TEST_SIZE, 0, GFP_ATOMIC, "mid-step"));
	KUNIT_EXPECT_EQ(test, pool->scrub_busy, c.pages);
	KUNIT_EXPECT_TRUE(test, pool->scrub_stolen);
	WRITE_ONCE(pool->scrub_stepping, false);
	/* The scrubber stops at its next step and gives the chunk back dirty. */
	KUNIT_EXPECT_FALSE(test, bigphys_pool_scrub_zero(pool, &c));
	bigphys_pool_scrub_finish(pool, &c);
	KUNIT_EXPECT_EQ(test, pool->scrub_busy, 0);
	KUNIT_EXPECT_FALSE(test, pool->scrub_stolen);
	KUNIT_EXPECT_EQ(test, pool->dirty_pages, TEST_PAGES);

	/* No step running: an allocation, atomic too, takes it back at once. */
	KUNIT_ASSERT_TRUE(test, bigphys_pool_scrub_claim(pool, &c));
	p = bigphys_pool_alloc(pool, TEST_SIZE, 0, GFP_ATOMIC | __GFP_ZERO, "steal");
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_NULL(test, memchr_inv(p, 0, TEST_SIZE));
	KUNIT_EXPECT_EQ(test, pool->scrub_busy, 0);
	memset(p, 0x5a, TEST_SIZE);
	KUNIT_EXPECT_FALSE(test, bigphys_pool_scrub_zero(pool, &c));
	KUNIT_EXPECT_NULL(test, memchr_inv(p, 0x5a, TEST_SIZE));
	bigphys_pool_scrub_finish(pool, &c);
	KUNIT_EXPECT_EQ(test, pool->used, TEST_SIZE);
	KUNIT_EXPECT_NULL(test, bigphys_pool_alloc(pool, PAGE_SIZE, 0, GFP_KERNEL, "full"));
	KUNIT_EXPECT_NULL(test, memchr_inv(p, 0x5a, TEST_SIZE));
	bigphys_pool_free(pool, p, NULL);

	/* Freed dirty; scrubbing resumes and the pool is whole again. */
	KUNIT_EXPECT_EQ(test, pool->dirty_pages, TEST_PAGES);
	while (bigphys_pool_scrub_step(pool))
		;
	KUNIT_EXPECT_EQ(test, pool->dirty_pages, 0);
	KUNIT_EXPECT_EQ(test, pool->used, 0);
	p = bigphys_pool_alloc(pool, TEST_SIZE, 0, GFP_KERNEL | __GFP_ZERO, "whole");
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_NULL(test, memchr_inv(p, 0, TEST_SIZE));
	memset(p, 0xa5, TEST_SIZE);
	bigphys_pool_free(pool, p, NULL);

	/*
	 * A writer (a writable whole-area mapping) stops the chunk in
	 * progress too: what it writes is never zeroed behind it.
	 */
	KUNIT_ASSERT_TRUE(test, bigphys_pool_scrub_claim(pool, &c));
	bigphys_pool_writer_get(pool);
	KUNIT_EXPECT_EQ(test, pool->scrub_busy, 0);
	memset((void *)pool->vbase, 0x77, TEST_SIZE);
	KUNIT_EXPECT_FALSE(test, bigphys_pool_scrub_zero(pool, &c));
	bigphys_pool_scrub_finish(pool, &c);
	KUNIT_EXPECT_NULL(test, memchr_inv((void *)pool->vbase, 0x77, TEST_SIZE));
	KUNIT_EXPECT_FALSE(test, bigphys_pool_scrub_step(pool));
	bigphys_pool_writer_put(pool);
	KUNIT_EXPECT_EQ(test, pool->dirty_pages, TEST_PAGES);
	KUNIT_EXPECT_EQ(test, pool->used, 0);
}

/* The thread scrubs by itself once turned on, and stops with the pool. */
static void bigphys_scrub_thread_test(struct kunit *test)
{
	struct bigphys_pool *pool = test->priv;
	unsigned char *p;
	int i;

	p = bigphys_pool_alloc(pool, TEST_SIZE, 0, GFP_KERNEL, "dirty");
	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, 0xa5, TEST_SIZE);
	bigphys_pool_free(pool, p, NULL);
	KUNIT_ASSERT_EQ(test, bigphys_pool_scrub_start(pool), 0);
	msleep(50);
	KUNIT_EXPECT_EQ(test, READ_ONCE(pool->dirty_pages), TEST_PAGES);	/* off */
	bigphys_pool_set_scrub(pool, true);
	for (i = 0; i < 100 && READ_ONCE(pool->dirty_pages); i++)
		msleep(50);
	KUNIT_EXPECT_EQ(test, READ_ONCE(pool->dirty_pages), 0);
	KUNIT_EXPECT_NULL(test, memchr_inv(p, 0, TEST_SIZE));
	p = bigphys_pool_alloc(pool, TEST_SIZE, 0, GFP_KERNEL | __GFP_ZERO, "z");
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_NULL(test, memchr_inv(p, 0, TEST_SIZE));
	bigphys_pool_free(pool, p, NULL);
}

/* Private pools of any size for the tests below. */
struct bigphys_test_pool {
	struct bigphys_pool pool;
	void *mem;
	size_t size;
};

static void bigphys_test_pool_free(void *data)
{
	struct bigphys_test_pool *tp = data;

	bigphys_pool_destroy(&tp->pool);
	free_pages_exact(tp->mem, tp->size);
	kfree(tp);
}

static struct bigphys_pool *bigphys_test_pool(struct kunit *test,
					      unsigned long pages)
{
	struct bigphys_test_pool *tp;

	tp = kzalloc(sizeof(*tp), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tp);
	tp->size = pages * PAGE_SIZE;
	tp->mem = alloc_pages_exact(tp->size, GFP_KERNEL);
	if (!tp->mem)
		kfree(tp);
	KUNIT_ASSERT_NOT_NULL(test, tp->mem);
	KUNIT_ASSERT_EQ(test, bigphys_pool_init(&tp->pool, tp->mem,
						virt_to_phys(tp->mem), tp->size), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							bigphys_test_pool_free,
							tp), 0);
	return &tp->pool;
}

/*
 * The pool's own invariants, checked page by page: every free extent is
 * on the list of its class with its first and last page pointing to it
 * and nothing in between, no two free extents touch, every allocation's
 * first page points to it, the counters and the class bits agree, and
 * every page is free, allocated or the scrubber's.
 */
static const char *pool_check(struct bigphys_pool *pool)
{
	unsigned long pages = pool->size >> PAGE_SHIFT, i, t, nr = 0;
	unsigned long dirty = 0, mask = 0, free = 0, used = 0, flags;
	const char *err = NULL;
	struct bigphys_extent *e;
	struct bigphys_alloc *ba;
	unsigned int c;

	spin_lock_irqsave(&pool->lock, flags);
	for (c = 0; c < BIGPHYS_CLASSES && !err; c++) {
		if (!list_empty(&pool->classes[c]))
			mask |= BIT(c);
		list_for_each_entry(e, &pool->classes[c], node) {
			nr++;
			free += e->pages;
			dirty += e->pages - (e->zhi - e->zlo);
			if (!e->pages || ilog2(e->pages) != c ||
			    e->start + e->pages > pages)
				err = "a free extent on the wrong list";
			else if (pool->tags[e->start] != (unsigned long)e ||
				 pool->tags[e->start + e->pages - 1] != (unsigned long)e)
				err = "a free extent's pages do not point to it";
			else if (e->zlo > e->zhi ||
				 (e->zlo != e->zhi && (e->zlo < e->start ||
						       e->zhi > e->start + e->pages)))
				err = "a known-zero part outside its extent";
			else if (list_empty(&e->dirty) == (e->zhi - e->zlo < e->pages))
				err = "a free extent on the wrong side of the dirty list";
			for (i = e->start + 1; !err && i + 1 < e->start + e->pages; i++)
				if (pool->tags[i])
					err = "a tag inside a free extent";
			t = e->start ? pool->tags[e->start - 1] : 0;
			if (!err && t && !(t & BIGPHYS_TAG_ALLOC))
				err = "two free extents touch";
			if (err)
				break;
		}
	}
	for (i = 0; i < pages && !err; i++) {
		t = pool->tags[i];
		if (!(t & BIGPHYS_TAG_ALLOC))
			continue;
		ba = (struct bigphys_alloc *)(t & ~BIGPHYS_TAG_ALLOC);
		if (ba->addr != pool->vbase + i * PAGE_SIZE)
			err = "an allocation tag on the wrong page";
		used += ba->size;
	}
	if (!err && mask != pool->class_mask)
		err = "class bits wrong";
	else if (!err && nr != pool->nr_extents)
		err = "extent count wrong";
	else if (!err && dirty != pool->dirty_pages)
		err = "dirty page count wrong";
	else if (!err && used != pool->used)
		err = "used bytes wrong";
	else if (!err && free + pool->scrub_busy + used / PAGE_SIZE != pages)
		err = "pages neither free, allocated nor the scrubber's";
	spin_unlock_irqrestore(&pool->lock, flags);
	return err;
}

/*
 * More extents large enough but misaligned than one lock hold looks at:
 * the search drops the lock and goes on, and still finds the only fit.
 */
#define SEARCH_PAGES	256

static void bigphys_search_batch_test(struct kunit *test)
{
	struct bigphys_pool *pool = bigphys_test_pool(test, SEARCH_PAGES);
	unsigned long last = pool->base_pfn + SEARCH_PAGES - 2;
	void **p, *q;
	int i;

	p = kunit_kcalloc(test, SEARCH_PAGES, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);

	for (i = 0; i < SEARCH_PAGES; i++) {
		p[i] = bigphys_pool_alloc(pool, PAGE_SIZE, 0, GFP_KERNEL, "one");
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	/* The fit is freed first, so that the search looks at it last. */
	for (i = SEARCH_PAGES - 2; i >= 0; i -= 2)
		bigphys_pool_free(pool, p[i], NULL);
	KUNIT_EXPECT_NULL(test, pool_check(pool));
	/* 128 one-page holes; only the last one's frame number divides by @last. */
	q = bigphys_pool_alloc(pool, PAGE_SIZE, last, GFP_ATOMIC, "last");
	KUNIT_EXPECT_PTR_EQ(test, q, p[SEARCH_PAGES - 2]);
	KUNIT_EXPECT_NULL(test, pool_check(pool));
	KUNIT_EXPECT_NULL(test, bigphys_pool_alloc(pool, PAGE_SIZE, last + 1,
						   GFP_KERNEL, "none"));
	KUNIT_EXPECT_NULL(test, bigphys_pool_alloc(pool, 2 * PAGE_SIZE, 0,
						   GFP_KERNEL, "none"));
}

/*
 * The allocator against a trivial model over a seeded random sequence:
 * one owner byte per page, every place tried by scanning. Every
 * allocation must succeed when the model finds room and fail when it
 * does not, land on pages the model has free at the alignment asked for,
 * keep its contents while it lives, and be zero when asked zeroed; bad
 * frees are refused; the statistics agree; scrubbing runs in between.
 */
#define MODEL_PAGES	256
#define MODEL_LIVE	48
#define MODEL_OPS	6000

struct bigphys_model {
	u8 owner[MODEL_PAGES];		/* 0 free, else slot + 1 */
	struct {
		u8 *p;
		unsigned long pages;
		u8 tag;
	} live[MODEL_LIVE];
};

static long model_fit(struct bigphys_model *m, unsigned long base_pfn,
		      unsigned long n, unsigned long align)
{
	unsigned long s, i;

	for (s = 0; s + n <= MODEL_PAGES; s++) {
		if ((base_pfn + s) % align)
			continue;
		for (i = 0; i < n && !m->owner[s + i]; i++)
			;
		if (i == n)
			return s;
	}
	return -1;
}

/* Whether @p is a place for @n pages at @align that the model has free. */
static long model_place(struct bigphys_model *m, u8 *base, unsigned long base_pfn,
			u8 *p, unsigned long n, unsigned long align)
{
	unsigned long s, i;

	if (p < base || (p - base) % PAGE_SIZE)
		return -1;
	s = (p - base) / PAGE_SIZE;
	if (s + n > MODEL_PAGES || (base_pfn + s) % align)
		return -1;
	for (i = 0; i < n; i++)
		if (m->owner[s + i])
			return -1;
	return s;
}

static void model_expect_stats(struct kunit *test, struct bigphys_pool *pool,
			       struct bigphys_model *m, unsigned int op)
{
	unsigned long i, run = 0, blocks = 0, largest = 0, free = 0, nr = 0;
	struct bigphys_stats st;

	for (i = 0; i <= MODEL_PAGES; i++) {
		if (i < MODEL_PAGES && !m->owner[i]) {
			run++;
			free++;
			continue;
		}
		if (run)
			blocks++;
		largest = max(largest, run);
		run = 0;
	}
	for (i = 0; i < MODEL_LIVE; i++)
		nr += !!m->live[i].p;
	bigphys_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ_MSG(test, st.free, free * PAGE_SIZE, "op %u", op);
	KUNIT_EXPECT_EQ_MSG(test, st.nr_free_blocks, blocks, "op %u", op);
	KUNIT_EXPECT_EQ_MSG(test, st.largest_free, largest * PAGE_SIZE, "op %u", op);
	KUNIT_EXPECT_EQ_MSG(test, st.nr_allocs, nr, "op %u", op);
	KUNIT_EXPECT_LE_MSG(test, pool->dirty_pages, free, "op %u", op);
}

static void bigphys_model_test(struct kunit *test)
{
	struct bigphys_pool *pool = bigphys_test_pool(test, MODEL_PAGES);
	u8 *base = (u8 *)pool->vbase;
	unsigned long n, align, bad = 0, i;
	unsigned int op, slot, r, allocs = 0, fails = 0, zeroed = 0;
	struct bigphys_model *m;
	struct rnd_state rs;
	const char *err;
	long want;
	bool zero;
	u8 *p;

	m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);
	prandom_seed_state(&rs, 20261126);
	memset(base, 0xee, MODEL_PAGES * PAGE_SIZE);	/* never zero at first */

	for (op = 0; op < MODEL_OPS && !test->status; op++) {
		r = prandom_u32_state(&rs) % 100;
		for (slot = 0; slot < MODEL_LIVE && m->live[slot].p; slot++)
			;
		if (r < 45 && slot < MODEL_LIVE) {
			r = prandom_u32_state(&rs);
			if (r % 20 == 0)
				n = 1 + prandom_u32_state(&rs) % (MODEL_PAGES + 8);
			else if (r % 4 == 0)
				n = 1 + prandom_u32_state(&rs) % 64;
			else
				n = 1 + prandom_u32_state(&rs) % 8;
			r = prandom_u32_state(&rs);
			align = r % 10 ? r % 17 : 17 + (r >> 8) % 400;
			zero = r & 0x100;
			want = model_fit(m, pool->base_pfn, n, align ?: 1);
			p = bigphys_pool_alloc(pool, n * PAGE_SIZE, align,
					       GFP_KERNEL | (zero ? __GFP_ZERO : 0),
					       "model");
			if (want < 0) {
				KUNIT_EXPECT_NULL_MSG(test, p, "op %u n %lu align %lu",
						      op, n, align);
				fails++;
				if (p)
					break;
				continue;
			}
			want = model_place(m, base, pool->base_pfn, p, n, align ?: 1);
			KUNIT_EXPECT_GE_MSG(test, want, 0, "op %u n %lu align %lu: at %ld",
					    op, n, align, (long)(p - base));
			if (want < 0)
				break;
			if (zero) {
				KUNIT_EXPECT_NULL_MSG(test, memchr_inv(p, 0, n * PAGE_SIZE),
						      "op %u: zeroed allocation not zero", op);
				zeroed++;
			}
			m->live[slot].p = p;
			m->live[slot].pages = n;
			m->live[slot].tag = 1 + op % 251;
			memset(p, m->live[slot].tag, n * PAGE_SIZE);
			memset(m->owner + want, slot + 1, n);
			allocs++;
		} else if (r < 85) {
			slot = prandom_u32_state(&rs) % MODEL_LIVE;
			p = m->live[slot].p;
			if (!p)
				continue;
			n = m->live[slot].pages;
			KUNIT_EXPECT_NULL_MSG(test, memchr_inv(p, m->live[slot].tag,
							       n * PAGE_SIZE),
					      "op %u: allocation overwritten", op);
			KUNIT_EXPECT_EQ(test, bigphys_pool_free(pool, p, NULL), 0);
			memset(m->owner + (p - base) / PAGE_SIZE, 0, n);
			m->live[slot].p = NULL;
		} else if (r < 92) {
			/* Any page that does not start a live allocation. */
			i = prandom_u32_state(&rs) % MODEL_PAGES;
			if (m->owner[i] && m->live[m->owner[i] - 1].p == base + i * PAGE_SIZE)
				continue;
			KUNIT_EXPECT_EQ(test, bigphys_pool_free(pool, base + i * PAGE_SIZE,
								NULL), -EINVAL);
			bad++;
		} else if (r < 98) {
			bigphys_pool_scrub_step(pool);
		} else {
			model_expect_stats(test, pool, m, op);
		}
		err = pool_check(pool);
		KUNIT_EXPECT_NULL_MSG(test, err, "op %u: %s", op, err);
		if (err)
			break;
	}
	KUNIT_EXPECT_EQ(test, pool->bad_frees, bad);
	model_expect_stats(test, pool, m, op);
	for (slot = 0; slot < MODEL_LIVE; slot++)
		if (m->live[slot].p)
			bigphys_pool_free(pool, m->live[slot].p, NULL);
	memset(m->owner, 0, sizeof(m->owner));
	memset(m->live, 0, sizeof(m->live));
	model_expect_stats(test, pool, m, op);
	kunit_info(test, "%u ops: %u allocations (%u zeroed), %u failed as modelled, %lu bad frees\n",
		   op, allocs, zeroed, fails, bad);
	KUNIT_EXPECT_GT(test, fails, 0);
	KUNIT_EXPECT_GT(test, zeroed, 100);
}

static void bigphys_atomic_test(struct kunit *test)
{
	struct bigphys_pool *pool = test->priv;
	unsigned long flags;
	void *p;
	int ret;

	local_irq_save(flags);
	p = bigphys_pool_alloc(pool, 4 * PAGE_SIZE, 2, GFP_ATOMIC, "atomic");
	ret = p ? bigphys_pool_free(pool, p, NULL) : -ENOMEM;
	local_irq_restore(flags);
	KUNIT_EXPECT_EQ(test, ret, 0);
}

struct bigphys_stress {
	struct bigphys_pool *pool;
	struct completion done;
	unsigned int id;
	unsigned long errors;
};

/* Allocate, fill with our id, check nobody else wrote into it, free. */
static int bigphys_stress_thread(void *data)
{
	struct bigphys_stress *s = data;
	int i;

	for (i = 0; i < 2000; i++) {
		size_t size = (1 + get_random_u32_below(4)) * PAGE_SIZE;
		u32 *p = bigphys_pool_alloc(s->pool, size,
					    get_random_u32_below(4),
					    GFP_KERNEL, "stress");
		size_t j;

		if (!p)
			continue;
		for (j = 0; j < size / sizeof(*p); j++)
			p[j] = s->id;
		cond_resched();
		for (j = 0; j < size / sizeof(*p); j++)
			s->errors += p[j] != s->id;
		if (bigphys_pool_free(s->pool, p, NULL))
			s->errors++;
	}
	complete(&s->done);
	return 0;
}

static void bigphys_concurrency_test(struct kunit *test)
{
	struct bigphys_pool *pool = test->priv;
	struct bigphys_stress s[4];
	struct task_struct *t;
	int i;

	for (i = 0; i < ARRAY_SIZE(s); i++) {
		s[i] = (struct bigphys_stress){ .pool = pool, .id = i + 1 };
		init_completion(&s[i].done);
		t = kthread_run(bigphys_stress_thread, &s[i], "bigphys-kunit/%d", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	}
	for (i = 0; i < ARRAY_SIZE(s); i++) {
		wait_for_completion(&s[i].done);
		KUNIT_EXPECT_EQ(test, s[i].errors, 0);
	}
	expect_stats(test, pool, TEST_SIZE, 0, 1, TEST_SIZE);
	KUNIT_EXPECT_EQ(test, pool->bad_frees, 0);
}

/* The classic interface takes the GFP mask as an int. */
#define LEGACY_GFP_KERNEL	((__force int)GFP_KERNEL)

/* The exported interfaces on the boot area, when one was reserved. */
static void bigphys_boot_area_test(struct kunit *test)
{
	struct bigphys_stats before, after;
	struct bigphys_buf buf;
	void *p;

	if (bigphys_get_stats(&before))
		kunit_skip(test, "booted without bigphysarea=");
	if (before.largest_free < SZ_256K)
		kunit_skip(test, "less than 256 KiB of the area free");

	p = bigphysarea_alloc_pages(3, 3, LEGACY_GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, PHYS_PFN(virt_to_phys(p)) % 3, 0);
	KUNIT_EXPECT_TRUE(test, bigphys_contains(virt_to_phys(p), 3 * PAGE_SIZE));
	bigphysarea_free_pages(p);

	KUNIT_EXPECT_NULL(test, bigphysarea_alloc_pages(0, 0, LEGACY_GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, bigphysarea_alloc_pages(-1, 0, LEGACY_GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, bigphysarea_alloc_pages(1, -1, LEGACY_GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, bigphysarea_alloc(0));

	p = bigphysarea_alloc(PAGE_SIZE + 1);
	KUNIT_ASSERT_NOT_NULL(test, p);
	bigphysarea_free(p, PAGE_SIZE + 1);

	KUNIT_EXPECT_EQ(test, bigphys_alloc(0, 0, GFP_KERNEL, "t", &buf), -EINVAL);
	KUNIT_EXPECT_EQ(test, bigphys_alloc(PAGE_SIZE, 3 * PAGE_SIZE, GFP_KERNEL,
					    "t", &buf), -EINVAL);
	KUNIT_EXPECT_EQ(test, bigphys_alloc(before.size + 1, 0, GFP_KERNEL,
					    "t", &buf), -ENOMEM);
	KUNIT_ASSERT_EQ(test, bigphys_alloc(SZ_64K + 1, SZ_64K, GFP_KERNEL,
					    "t", &buf), 0);
	KUNIT_EXPECT_EQ(test, buf.size, SZ_64K + PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(buf.phys, SZ_64K));
	KUNIT_EXPECT_EQ(test, buf.phys, virt_to_phys(buf.vaddr));
	bigphys_free(&buf);
	KUNIT_EXPECT_NULL(test, buf.vaddr);
	bigphys_free(&buf);		/* a cleared buffer is ignored */

	KUNIT_ASSERT_EQ(test, bigphys_get_stats(&after), 0);
	KUNIT_EXPECT_EQ(test, after.free, before.free);
	KUNIT_EXPECT_EQ(test, after.nr_allocs, before.nr_allocs);
}

/*
 * A freed allocation whose page still carries a reference (a pin, a pipe
 * buffer) is held: not free, not reusable, not freeable twice, and
 * returned once the reference is gone.
 */
static void bigphys_held_test(struct kunit *test)
{
	struct bigphys_pool *pool = test->priv;
	struct bigphys_stats st;
	struct page *page;
	char *a, *b;

	pool->track_refs = true;
	a = bigphys_pool_alloc(pool, TEST_SIZE, 0, GFP_KERNEL, "pinned");
	KUNIT_ASSERT_NOT_NULL(test, a);
	memset(a, 'A', TEST_SIZE);
	page = virt_to_page(a + 5 * PAGE_SIZE);
	get_page(page);

	KUNIT_EXPECT_EQ(test, bigphys_pool_free(pool, a, NULL), 0);
	bigphys_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.held, TEST_SIZE);
	KUNIT_EXPECT_EQ(test, st.nr_held, 1);
	KUNIT_EXPECT_EQ(test, st.free, 0);
	KUNIT_EXPECT_NULL(test, bigphys_pool_alloc(pool, PAGE_SIZE, 0,
						   GFP_KERNEL, "next"));
	KUNIT_EXPECT_EQ(test, bigphys_pool_free(pool, a, NULL), -EINVAL);

	/* Still referenced: a scan keeps it, the data stays the owner's. */
	bigphys_pool_reclaim(pool);
	bigphys_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.held, TEST_SIZE);
	KUNIT_EXPECT_EQ(test, a[5 * PAGE_SIZE], 'A');

	put_page(page);
	bigphys_pool_reclaim(pool);
	bigphys_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.held, 0);
	KUNIT_EXPECT_EQ(test, st.nr_held, 0);
	expect_stats(test, pool, TEST_SIZE, 0, 1, TEST_SIZE);

	b = bigphys_pool_alloc(pool, TEST_SIZE, 0, GFP_KERNEL | __GFP_ZERO, "next");
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, b[5 * PAGE_SIZE], 0);
	KUNIT_EXPECT_EQ(test, bigphys_pool_free(pool, b, NULL), 0);
}

/*
 * Freeing is O(1): the page reference check of tracked pools happens
 * later. Until then the memory is pending, still counted as used, and an
 * allocation that needs it checks it itself instead of failing, in any
 * context; one whose pages are referenced ends up held.
 */
static void bigphys_pending_test(struct kunit *test)
{
	struct bigphys_pool *pool = test->priv;
	struct bigphys_stats st;
	struct page *page;
	size_t budget;
	char *a, *b;

	pool->track_refs = true;
	/* Keep the background check out of the way. */
	disable_delayed_work_sync(&pool->verify_work);

	a = bigphys_pool_alloc(pool, TEST_SIZE, 0, GFP_KERNEL, "a");
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, bigphys_pool_free(pool, a, NULL), 0);
	KUNIT_EXPECT_EQ(test, pool->nr_pending, 1);
	KUNIT_EXPECT_EQ(test, pool->pending_bytes, TEST_SIZE);
	KUNIT_EXPECT_EQ(test, pool->used, TEST_SIZE);
	KUNIT_EXPECT_EQ(test, bigphys_pool_free(pool, a, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, pool->bad_frees, 1);

	/* An atomic allocation checks pending memory too. */
	b = bigphys_pool_alloc(pool, TEST_SIZE, 0, GFP_ATOMIC, "b");
	KUNIT_ASSERT_PTR_EQ(test, b, a);
	KUNIT_EXPECT_EQ(test, pool->nr_pending, 0);
	KUNIT_EXPECT_EQ(test, bigphys_pool_free(pool, b, NULL), 0);

	/* ...but no more of it than its budget: that is the worker's. */
	budget = pool->atomic_verify;
	pool->atomic_verify = TEST_SIZE / 2;
	KUNIT_EXPECT_NULL(test, bigphys_pool_alloc(pool, TEST_SIZE, 0, GFP_ATOMIC, "c"));
	KUNIT_EXPECT_EQ(test, pool->nr_pending, 1);
	pool->atomic_verify = budget;
	/* A sleeping allocation checks all of it. */
	b = bigphys_pool_alloc(pool, TEST_SIZE, 0, GFP_KERNEL, "b");
	KUNIT_ASSERT_PTR_EQ(test, b, a);
	KUNIT_EXPECT_EQ(test, pool->nr_pending, 0);
	KUNIT_EXPECT_EQ(test, bigphys_pool_free(pool, b, NULL), 0);

	/* Statistics show it free, not pending. */
	bigphys_pool_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.free, TEST_SIZE);
	KUNIT_EXPECT_EQ(test, pool->nr_pending, 0);

	/* A reference found by the failing allocation: held, not reused. */
	a = bigphys_pool_alloc(pool, TEST_SIZE, 0, GFP_KERNEL, "pinned");
	KUNIT_ASSERT_NOT_NULL(test, a);
	page = virt_to_page(a + TEST_SIZE - PAGE_SIZE);
	get_page(page);
	KUNIT_EXPECT_EQ(test, bigphys_pool_free(pool, a, NULL), 0);
	KUNIT_EXPECT_NULL(test, bigphys_pool_alloc(pool, PAGE_SIZE, 0,
						   GFP_KERNEL, "next"));
	KUNIT_EXPECT_EQ(test, pool->nr_pending, 0);
	KUNIT_EXPECT_EQ(test, pool->nr_held, 1);
	KUNIT_EXPECT_EQ(test, pool->held_bytes, TEST_SIZE);
	put_page(page);
	bigphys_pool_reclaim(pool);
	KUNIT_EXPECT_EQ(test, pool->nr_held, 0);
	expect_stats(test, pool, TEST_SIZE, 0, 1, TEST_SIZE);

	/* The background check does it by itself. */
	enable_delayed_work(&pool->verify_work);
	a = bigphys_pool_alloc(pool, 2 * PAGE_SIZE, 0, GFP_KERNEL, "bg");
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, bigphys_pool_free(pool, a, NULL), 0);
	flush_delayed_work(&pool->verify_work);
	KUNIT_EXPECT_EQ(test, pool->nr_pending, 0);
	KUNIT_EXPECT_EQ(test, pool->used, 0);
}

/* The background scan returns held memory without anyone asking. */
static void bigphys_held_background_test(struct kunit *test)
{
	struct bigphys_pool *pool = test->priv;
	struct bigphys_stats st;
	struct page *page;
	char *a;
	int i;

	pool->track_refs = true;
	a = bigphys_pool_alloc(pool, 2 * PAGE_SIZE, 0, GFP_KERNEL, "pinned");
	KUNIT_ASSERT_NOT_NULL(test, a);
	page = virt_to_page(a);
	get_page(page);
	KUNIT_EXPECT_EQ(test, bigphys_pool_free(pool, a, NULL), 0);
	put_page(page);
	for (i = 0; i < 50; i++) {
		bigphys_pool_stats(pool, &st);
		if (!st.held)
			break;
		msleep(100);
	}
	KUNIT_EXPECT_EQ(test, st.held, 0);
	KUNIT_EXPECT_EQ(test, st.free, TEST_SIZE);
}

static struct kunit_case bigphys_parse_test_cases[] = {
	KUNIT_CASE_PARAM(bigphys_parse_test, bigphys_parse_gen_params),
	{}
};

static struct kunit_suite bigphys_parse_test_suite = {
	.name = "bigphysarea_param",
	.test_cases = bigphys_parse_test_cases,
};

static struct kunit_case bigphys_pool_test_cases[] = {
	KUNIT_CASE(bigphys_alloc_free_test),
	KUNIT_CASE(bigphys_zero_test),
	KUNIT_CASE(bigphys_legacy_align_test),
	KUNIT_CASE(bigphys_exhaustion_test),
	KUNIT_CASE(bigphys_coalesce_test),
	KUNIT_CASE(bigphys_bad_free_test),
	KUNIT_CASE(bigphys_held_test),
	KUNIT_CASE(bigphys_held_background_test),
	KUNIT_CASE(bigphys_pending_test),
	KUNIT_CASE(bigphys_scrub_test),
	KUNIT_CASE(bigphys_writer_test),
	KUNIT_CASE(bigphys_scrub_steal_test),
	KUNIT_CASE(bigphys_scrub_thread_test),
	KUNIT_CASE(bigphys_search_batch_test),
	KUNIT_CASE(bigphys_model_test),
	KUNIT_CASE(bigphys_atomic_test),
	KUNIT_CASE(bigphys_concurrency_test),
	KUNIT_CASE(bigphys_boot_area_test),
	{}
};

static struct kunit_suite bigphys_pool_test_suite = {
	.name = "bigphysarea_pool",
	.init = bigphys_pool_test_init,
	.exit = bigphys_pool_test_exit,
	.test_cases = bigphys_pool_test_cases,
};

/*
 * The area's dma-bufs: argument checks, zeroing, an importer's mapping,
 * CPU access, reference-counted vmap, and the memory coming back when
 * the last reference is gone.
 */
static void bigphys_dmabuf_args_test(struct kunit *test)
{
	struct bigphys_stats st;

	if (bigphys_get_stats(&st))
		kunit_skip(test, "booted without bigphysarea=");
	KUNIT_EXPECT_EQ(test, PTR_ERR(bigphys_dmabuf_alloc(0, 0, BIGPHYS_CACHED,
							   O_RDWR, "t")), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(bigphys_dmabuf_alloc(st.size + 1, 0,
							   BIGPHYS_CACHED,
							   O_RDWR, "t")), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(bigphys_dmabuf_alloc(PAGE_SIZE, 3 * PAGE_SIZE,
							   BIGPHYS_CACHED,
							   O_RDWR, "t")), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(bigphys_dmabuf_alloc(PAGE_SIZE, 0, 3,
							   O_RDWR, "t")), -EINVAL);
	KUNIT_EXPECT_NULL(test, bigphys_dmabuf_buf(NULL));
	KUNIT_EXPECT_EQ(test, bigphys_dmabuf_cache(NULL), -EINVAL);
}

static void bigphys_dmabuf_import_test(struct kunit *test)
{
	struct dma_buf_attachment *attach;
	const struct bigphys_buf *buf;
	struct bigphys_stats before, after;
	struct iosys_map map1, map2;
	struct dma_buf *dmabuf;
	struct sg_table *sgt;
	struct device *dev;

	if (bigphys_get_stats(&before))
		kunit_skip(test, "booted without bigphysarea=");
	if (before.largest_free < SZ_1M)
		kunit_skip(test, "less than 1 MiB of the area free");

	dmabuf = bigphys_dmabuf_alloc(SZ_512K + 1, SZ_64K, BIGPHYS_CACHED,
				      O_RDWR, "kunit");
	KUNIT_ASSERT_FALSE(test, IS_ERR(dmabuf));
	KUNIT_EXPECT_EQ(test, dmabuf->size, SZ_512K + PAGE_SIZE);
	buf = bigphys_dmabuf_buf(dmabuf);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(buf->phys, SZ_64K));
	KUNIT_EXPECT_TRUE(test, bigphys_contains(buf->phys, buf->size));
	KUNIT_EXPECT_NULL(test, memchr_inv(buf->vaddr, 0, buf->size));
	KUNIT_EXPECT_EQ(test, bigphys_dmabuf_cache(dmabuf), BIGPHYS_CACHED);

	KUNIT_ASSERT_EQ(test, dma_buf_vmap_unlocked(dmabuf, &map1), 0);
	KUNIT_ASSERT_EQ(test, dma_buf_vmap_unlocked(dmabuf, &map2), 0);
	KUNIT_EXPECT_PTR_EQ(test, map1.vaddr, map2.vaddr);
	memset(map1.vaddr, 0xa5, PAGE_SIZE);
	dma_buf_vunmap_unlocked(dmabuf, &map2);
	dma_buf_vunmap_unlocked(dmabuf, &map1);
	KUNIT_EXPECT_EQ(test, *(u8 *)buf->vaddr, 0xa5);

	dev = kunit_device_register(test, "bigphys-kunit-importer");
	KUNIT_ASSERT_FALSE(test, IS_ERR(dev));
	KUNIT_ASSERT_EQ(test, dma_coerce_mask_and_coherent(dev, DMA_BIT_MASK(64)), 0);
	attach = dma_buf_attach(dmabuf, dev);
	KUNIT_ASSERT_FALSE(test, IS_ERR(attach));
	sgt = dma_buf_map_attachment_unlocked(attach, DMA_BIDIRECTIONAL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(sgt));
	KUNIT_EXPECT_EQ(test, sgt->orig_nents, 1);
	KUNIT_EXPECT_EQ(test, sg_dma_len(sgt->sgl), buf->size);
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(dmabuf, DMA_FROM_DEVICE), 0);
	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(dmabuf, DMA_TO_DEVICE), 0);
	KUNIT_EXPECT_EQ(test, bigphys_dmabuf_sync(dmabuf, 0, buf->size,
						  DMA_BIDIRECTIONAL), 0);
	KUNIT_EXPECT_EQ(test, bigphys_dmabuf_sync(dmabuf, buf->size, 1,
						  DMA_TO_DEVICE), -EINVAL);
	KUNIT_EXPECT_EQ(test, bigphys_dmabuf_sync(dmabuf, 0, buf->size + 1,
						  DMA_TO_DEVICE), -EINVAL);
	dma_buf_unmap_attachment_unlocked(attach, sgt, DMA_BIDIRECTIONAL);
	dma_buf_detach(dmabuf, attach);

	KUNIT_ASSERT_EQ(test, bigphys_get_stats(&after), 0);
	KUNIT_EXPECT_EQ(test, after.free, before.free - buf->size);
	dma_buf_put(dmabuf);
	flush_delayed_fput();	/* the release runs from the last fput() */
	KUNIT_ASSERT_EQ(test, bigphys_get_stats(&after), 0);
	KUNIT_EXPECT_EQ(test, after.free, before.free);
	KUNIT_EXPECT_EQ(test, after.nr_allocs, before.nr_allocs);
}

static struct kunit_case bigphys_dmabuf_test_cases[] = {
	KUNIT_CASE(bigphys_dmabuf_args_test),
	KUNIT_CASE(bigphys_dmabuf_import_test),
	{}
};

static struct kunit_suite bigphys_dmabuf_test_suite = {
	.name = "bigphysarea_dmabuf",
	.test_cases = bigphys_dmabuf_test_cases,
};

kunit_test_suites(&bigphys_parse_test_suite, &bigphys_pool_test_suite,
		  &bigphys_dmabuf_test_suite);

MODULE_DESCRIPTION("KUnit tests for bigphysarea");
MODULE_LICENSE("GPL");
