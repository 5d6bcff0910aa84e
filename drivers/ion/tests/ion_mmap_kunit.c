// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the run table behind user mappings of ION buffers:
 * physically contiguous sg entries merge into one run and the others do
 * not, the sentinel ends the table at the buffer's size, every page is
 * found in its run, and only cached buffers of the page allocator's pages
 * are mapped at fault time.
 */

#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/ion.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>

#include "../ion_priv.h"

/* Order-4 blocks the tests cut into sg entries. */
#define ION_MMAP_KUNIT_ORDER	4
#define ION_MMAP_KUNIT_BLOCK	BIT(ION_MMAP_KUNIT_ORDER)

struct ion_mmap_kunit_buffer {
	struct ion_buffer buffer;
	struct sg_table table;
	struct page *block[2];
};

static void ion_mmap_kunit_free(void *data)
{
	struct ion_mmap_kunit_buffer *b = data;
	unsigned int i;

	kvfree(b->buffer.mmap_runs);
	sg_free_table(&b->table);
	for (i = 0; i < ARRAY_SIZE(b->block); i++)
		if (b->block[i])
			__free_pages(b->block[i], ION_MMAP_KUNIT_ORDER);
}

/*
 * A buffer of five sg entries over two blocks A and B:
 * A[0..3], A[4..15] (contiguous with the first), B[0], B[2..3] (a gap),
 * A[0] again: runs at buffer pages 0 (16 pages), 16 (1), 17 (2), 19 (1).
 */
static struct ion_mmap_kunit_buffer *ion_mmap_kunit_buffer(struct kunit *test,
							   unsigned long flags)
{
	static const struct { unsigned int block, first, n; } ent[] = {
		{ 0, 0, 4 }, { 0, 4, 12 }, { 1, 0, 1 }, { 1, 2, 2 }, { 0, 0, 1 },
	};
	struct ion_mmap_kunit_buffer *b;
	struct scatterlist *sg;
	unsigned int i;

	b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, 0, sg_alloc_table(&b->table, ARRAY_SIZE(ent),
						GFP_KERNEL));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ion_mmap_kunit_free, b));
	for (i = 0; i < ARRAY_SIZE(b->block); i++) {
		b->block[i] = alloc_pages(GFP_KERNEL, ION_MMAP_KUNIT_ORDER);
		KUNIT_ASSERT_NOT_NULL(test, b->block[i]);
	}
	/* B must not follow A, or B[0] would join A's run */
	if (page_to_pfn(b->block[1]) == page_to_pfn(b->block[0]) + ION_MMAP_KUNIT_BLOCK)
		swap(b->block[0], b->block[1]);

	for_each_sgtable_sg(&b->table, sg, i)
		sg_set_page(sg, nth_page(b->block[ent[i].block], ent[i].first),
			    ent[i].n * PAGE_SIZE, 0);
	b->buffer.sg_table = &b->table;
	b->buffer.flags = flags;
	b->buffer.size = 20 * PAGE_SIZE;
	return b;
}

static void ion_mmap_runs_merge_contiguous(struct kunit *test)
{
	struct ion_mmap_kunit_buffer *b = ion_mmap_kunit_buffer(test, ION_FLAG_CACHED);
	unsigned long a = page_to_pfn(b->block[0]), bb = page_to_pfn(b->block[1]);
	const unsigned long want_pgoff[] = { 0, 16, 17, 19, 20 };
	const unsigned long want_pfn[] = { a, bb, bb + 2, a };
	struct ion_mmap_runs *runs;
	unsigned int i;

	runs = ion_mmap_build_runs(&b->buffer);
	KUNIT_ASSERT_NOT_NULL(test, runs);
	b->buffer.mmap_runs = runs;
	KUNIT_ASSERT_EQ(test, 4UL, runs->nr);
	for (i = 0; i <= runs->nr; i++)
		KUNIT_EXPECT_EQ_MSG(test, want_pgoff[i], runs->run[i].pgoff, "run %u", i);
	for (i = 0; i < runs->nr; i++)
		KUNIT_EXPECT_EQ_MSG(test, want_pfn[i], runs->run[i].pfn, "run %u", i);
}

static void ion_mmap_runs_find_every_page(struct kunit *test)
{
	struct ion_mmap_kunit_buffer *b = ion_mmap_kunit_buffer(test, ION_FLAG_CACHED);
	const unsigned int want_run[] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 2, 3,
	};
	const struct ion_mmap_run *run;
	struct ion_mmap_runs *runs;
	unsigned long pgoff;

	runs = ion_mmap_build_runs(&b->buffer);
	KUNIT_ASSERT_NOT_NULL(test, runs);
	b->buffer.mmap_runs = runs;
	for (pgoff = 0; pgoff < ARRAY_SIZE(want_run); pgoff++) {
		run = ion_mmap_find_run(runs, pgoff);
		KUNIT_EXPECT_EQ_MSG(test, (long)want_run[pgoff], (long)(run - runs->run),
				    "page %lu", pgoff);
		KUNIT_EXPECT_LE(test, run->pgoff, pgoff);
		KUNIT_EXPECT_LT(test, pgoff, run[1].pgoff);
	}
}

static void ion_mmap_runs_at_fault(struct kunit *test)
{
	struct ion_mmap_kunit_buffer *b = ion_mmap_kunit_buffer(test, ION_FLAG_CACHED);
	struct ion_mmap_kunit_buffer *u = ion_mmap_kunit_buffer(test, 0);
	struct ion_mmap_runs *runs;

	runs = ion_mmap_build_runs(&b->buffer);
	KUNIT_ASSERT_NOT_NULL(test, runs);
	KUNIT_EXPECT_TRUE(test, runs->at_fault);
	kvfree(runs);

	/* uncached: mapped write-combined by mmap() */
	runs = ion_mmap_build_runs(&u->buffer);
	KUNIT_ASSERT_NOT_NULL(test, runs);
	KUNIT_EXPECT_FALSE(test, runs->at_fault);
	kvfree(runs);

	/* a reserved page at the head of an entry: PAT checks the memory type */
	SetPageReserved(nth_page(b->block[1], 2));
	runs = ion_mmap_build_runs(&b->buffer);
	ClearPageReserved(nth_page(b->block[1], 2));
	KUNIT_ASSERT_NOT_NULL(test, runs);
	KUNIT_EXPECT_FALSE(test, runs->at_fault);
	kvfree(runs);
}

static struct kunit_case ion_mmap_test_cases[] = {
	KUNIT_CASE(ion_mmap_runs_merge_contiguous),
	KUNIT_CASE(ion_mmap_runs_find_every_page),
	KUNIT_CASE(ion_mmap_runs_at_fault),
	{}
};

static struct kunit_suite ion_mmap_test_suite = {
	.name = "ion_mmap",
	.test_cases = ion_mmap_test_cases,
};

kunit_test_suite(ion_mmap_test_suite);
