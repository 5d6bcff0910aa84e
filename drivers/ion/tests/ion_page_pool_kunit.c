// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the ION page pools and the system heap built on them:
 * pool add/remove/shrink and zeroing, the heap's order fallback and pool
 * reuse, separate cached and uncached pools, the pool limit and the room
 * a freed buffer finds, the shrinker,
 * the deferred free queue and allocations that take from it, the debugfs
 * lines, killable allocations and where their blocks go, and a cold
 * versus warm timing of 1 MiB and 8 MiB allocations.
 */

#include <kunit/test.h>
#include <linux/dma-buf.h>
#include <linux/file.h>
#include <linux/highmem.h>
#include <linux/ion.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/shrinker.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmstat.h>

#include "../ion_priv.h"
#include "../heaps/ion_heaps.h"
#include "../heaps/ion_page_pool.h"
#include "ion_kunit_release.h"

/*
 * Per-cpu vmstat deltas reach the global counter only past a threshold of
 * at most 125 pages per cpu; checks of NR_KERNEL_MISC_RECLAIMABLE allow
 * twice that.
 */
#define ION_PAGE_POOL_TEST_VMSTAT_SLACK	250

KUNIT_DEFINE_ACTION_WRAPPER(ion_page_pool_test_client_destroy,
			    ion_client_destroy, struct ion_client *);

static void ion_page_pool_test_empty(void *pool)
{
	ion_page_pool_shrink(pool, ULONG_MAX);
}

static void ion_page_pool_test_restore_limit(void *old)
{
	ion_system_heap_pool_limit_mb = *(unsigned int *)old;
}

static bool ion_page_pool_test_is_zero(struct page *page, unsigned int order)
{
	unsigned long i;
	bool zero = true;

	for (i = 0; i < (1UL << order) && zero; i++) {
		void *vaddr = kmap_local_page(nth_page(page, i));

		zero = !memchr_inv(vaddr, 0, PAGE_SIZE);
		kunmap_local(vaddr);
	}
	return zero;
}

static void ion_page_pool_test_fill(struct page *page, unsigned int order,
				    int c)
{
	unsigned long i;

	for (i = 0; i < (1UL << order); i++) {
		void *vaddr = kmap_local_page(nth_page(page, i));

		memset(vaddr, c, PAGE_SIZE);
		kunmap_local(vaddr);
	}
}

static struct page *ion_page_pool_test_dirty_page(struct kunit *test,
						  unsigned int order)
{
	struct page *page;

	page = alloc_pages(GFP_KERNEL | __GFP_NOWARN | (order ? __GFP_COMP : 0),
			   order);
	KUNIT_ASSERT_NOT_NULL(test, page);
	ion_page_pool_test_fill(page, order, 0x5a);
	return page;
}

/* Put a dirty block into one of the system heap's pools. */
static struct page *ion_page_pool_test_stock(struct kunit *test,
					     unsigned int order, bool cached)
{
	struct ion_page_pool *pool = ion_system_heap_pool(order, cached);
	struct page *page;

	KUNIT_ASSERT_NOT_NULL(test, pool);
	page = ion_page_pool_test_dirty_page(test, order);
	KUNIT_ASSERT_EQ(test, 0, ion_page_pool_add(pool, page));
	return page;
}

/* Wait for freed buffers and empty the system heap's pools. */
static void ion_page_pool_test_drain(struct kunit *test)
{
	struct shrink_control sc = {
		.gfp_mask = GFP_KERNEL,
		.nr_to_scan = ULONG_MAX,
	};
	struct ion_heap *heap;

	heap = ion_device_first_heap(ion_default_device(), ION_HEAP_SYSTEM_MASK);
	KUNIT_ASSERT_NOT_NULL(test, heap);
	KUNIT_ASSERT_TRUE(test, ion_kunit_wait_release(!atomic_read(&heap->num_buffers)));
	ion_system_heap_flush_free();
	ion_system_heap_shrink_scan(NULL, &sc);
	KUNIT_ASSERT_EQ(test, 0, ion_system_heap_pool_pages());
	KUNIT_ASSERT_EQ(test, 0, ion_system_heap_queued_pages());
}

/* Drop the last reference and wait until the pages are pooled. */
static void ion_page_pool_test_free(struct ion_buffer *buffer)
{
	struct ion_heap *heap = buffer->heap;
	int live = atomic_read(&heap->num_buffers);

	dma_buf_put(buffer->dmabuf);
	ion_kunit_wait_release(atomic_read(&heap->num_buffers) < live);
	ion_system_heap_flush_free();
}

static void ion_page_pool_test_set_limit(struct kunit *test, unsigned int mb)
{
	unsigned int *old;

	old = kunit_kmalloc(test, sizeof(*old), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, old);
	*old = ion_system_heap_pool_limit_mb;
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   ion_page_pool_test_restore_limit,
							   old));
	ion_system_heap_pool_limit_mb = mb;
}

static struct ion_buffer *ion_page_pool_test_alloc(struct kunit *test,
						   size_t len, unsigned int flags)
{
	struct ion_buffer *buffer;

	buffer = ion_buffer_create(ion_default_device(), len, 0,
				   ION_HEAP_SYSTEM_MASK, flags);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buffer);
	return buffer;
}

static bool ion_page_pool_test_buffer_is_zero(struct ion_buffer *buffer)
{
	struct scatterlist *sg;
	bool zero = true;
	int i;

	for_each_sgtable_sg(buffer->sg_table, sg, i)
		zero &= ion_page_pool_test_is_zero(sg_page(sg),
						   get_order(sg->length));
	return zero;
}

/* Write every byte of @buffer through its kernel mapping, as a client does. */
static void ion_page_pool_test_write(struct kunit *test,
				     struct ion_buffer *buffer, int c)
{
	void *vaddr = ion_buffer_kmap_get(buffer);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vaddr);
	memset(vaddr, c, buffer->size);
	ion_buffer_kmap_put(buffer);
}

/* The pages of @buffer, read from its table without exposing them. */
static struct page **ion_page_pool_test_pages(struct kunit *test,
					      struct ion_buffer *buffer,
					      unsigned int *nents)
{
	struct scatterlist *sg;
	struct page **pages;
	int i;

	*nents = buffer->sg_table->orig_nents;
	pages = kunit_kcalloc(test, *nents, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	for_each_sgtable_sg(buffer->sg_table, sg, i)
		pages[i] = sg_page(sg);
	return pages;
}

/* A dirty block comes out of a pool zeroed; the pool counts blocks. */
static void ion_page_pool_add_remove(struct kunit *test)
{
	struct ion_page_pool *pool;
	struct page *page;

	pool = kunit_kzalloc(test, sizeof(*pool), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pool);
	ion_page_pool_init(pool, 4);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ion_page_pool_test_empty,
							   pool));
	KUNIT_EXPECT_NULL(test, ion_page_pool_remove(pool));

	page = ion_page_pool_test_dirty_page(test, 4);
	KUNIT_EXPECT_FALSE(test, ion_page_pool_test_is_zero(page, 4));
	KUNIT_ASSERT_EQ(test, 0, ion_page_pool_add(pool, page));
	KUNIT_EXPECT_EQ(test, 1, ion_page_pool_count(pool));
	KUNIT_EXPECT_EQ(test, 16, ion_page_pool_nr_pages(pool));

	KUNIT_EXPECT_PTR_EQ(test, page, ion_page_pool_remove(pool));
	KUNIT_EXPECT_EQ(test, 0, ion_page_pool_count(pool));
	KUNIT_EXPECT_TRUE(test, ion_page_pool_test_is_zero(page, 4));
	KUNIT_EXPECT_NULL(test, ion_page_pool_remove(pool));
	__free_pages(page, 4);
}

/* Shrinking frees whole blocks until enough pages are freed. */
static void ion_page_pool_shrink_blocks(struct kunit *test)
{
	struct ion_page_pool *pool;
	int i;

	pool = kunit_kzalloc(test, sizeof(*pool), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pool);
	ion_page_pool_init(pool, 2);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ion_page_pool_test_empty,
							   pool));
	for (i = 0; i < 5; i++)
		KUNIT_ASSERT_EQ(test, 0,
				ion_page_pool_add(pool, ion_page_pool_test_dirty_page(test, 2)));
	KUNIT_EXPECT_EQ(test, 5, ion_page_pool_count(pool));
	KUNIT_EXPECT_EQ(test, 0, ion_page_pool_shrink(pool, 0));
	KUNIT_EXPECT_EQ(test, 4, ion_page_pool_shrink(pool, 1));
	KUNIT_EXPECT_EQ(test, 8, ion_page_pool_shrink(pool, 5));
	KUNIT_EXPECT_EQ(test, 2, ion_page_pool_count(pool));
	KUNIT_EXPECT_EQ(test, 8, ion_page_pool_shrink(pool, ULONG_MAX));
	KUNIT_EXPECT_EQ(test, 0, ion_page_pool_count(pool));
	KUNIT_EXPECT_EQ(test, 0, ion_page_pool_shrink(pool, ULONG_MAX));
}

/*
 * End to end through the client API: a dirtied buffer's pages go to the
 * pools of its kind after the deferred free, the next allocation of the
 * same size gets exactly those pages, and they are zero.
 */
static void ion_page_pool_heap_recycle_zeroed(struct kunit *test)
{
	const size_t len = SZ_1M + SZ_64K + PAGE_SIZE;
	struct ion_client *client;
	struct ion_handle *handle;
	struct ion_heap *heap;
	struct page **pages;
	struct sg_table *sgt;
	struct scatterlist *sg;
	unsigned int n, nents;
	void *vaddr;
	int i;

	ion_page_pool_test_drain(test);
	client = ion_client_create(ion_default_device(), "ion_page_pool_kunit");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, client);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   ion_page_pool_test_client_destroy,
							   client));

	handle = ion_alloc(client, len, 0, ION_HEAP_SYSTEM_MASK, ION_FLAG_CACHED);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, handle);
	sgt = ion_sg_table(client, handle);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sgt);
	nents = sgt->orig_nents;
	pages = kunit_kcalloc(test, nents, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	n = 0;
	for_each_sgtable_sg(sgt, sg, i)
		pages[n++] = sg_page(sg);

	vaddr = ion_map_kernel(client, handle);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vaddr);
	KUNIT_EXPECT_FALSE(test, memchr_inv(vaddr, 0, len));
	memset(vaddr, 0xa5, len);
	ion_unmap_kernel(client, handle);
	heap = ion_device_first_heap(ion_default_device(), ION_HEAP_SYSTEM_MASK);
	ion_free(client, handle);
	ion_kunit_wait_release(!atomic_read(&heap->num_buffers));
	ion_system_heap_flush_free();

	KUNIT_EXPECT_EQ(test, 0, ion_system_heap_queued_pages());
	KUNIT_EXPECT_EQ(test, len >> PAGE_SHIFT, ion_system_heap_pool_pages());
	KUNIT_EXPECT_EQ(test, 0, ion_page_pool_count(ion_system_heap_pool(0, false)));

	handle = ion_alloc(client, len, 0, ION_HEAP_SYSTEM_MASK, ION_FLAG_CACHED);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, handle);
	KUNIT_EXPECT_EQ(test, 0, ion_system_heap_pool_pages());
	sgt = ion_sg_table(client, handle);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sgt);
	KUNIT_EXPECT_EQ(test, nents, sgt->orig_nents);
	for_each_sgtable_sg(sgt, sg, i) {
		unsigned int j;
		bool found = false;

		for (j = 0; j < nents; j++)
			found |= pages[j] == sg_page(sg);
		KUNIT_EXPECT_TRUE(test, found);
	}
	vaddr = ion_map_kernel(client, handle);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vaddr);
	KUNIT_EXPECT_FALSE(test, memchr_inv(vaddr, 0, len));
	ion_unmap_kernel(client, handle);
	ion_free(client, handle);
}

/*
 * Blocks are taken largest order first, the pool of the order before the
 * page allocator, and the order never grows again within a buffer.
 */
static void ion_page_pool_heap_order_fallback(struct kunit *test)
{
	struct ion_buffer *buffer;
	struct page *stocked4, *stocked0, *first0 = NULL;
	struct scatterlist *sg;
	unsigned int prev = UINT_MAX;
	int i;

	ion_page_pool_test_drain(test);
	stocked4 = ion_page_pool_test_stock(test, 4, false);
	stocked0 = ion_page_pool_test_stock(test, 0, false);

	/* 1 MiB - 4 KiB: no order 8 fits, fifteen of order 4, fifteen of 0 */
	buffer = ion_page_pool_test_alloc(test, SZ_1M - PAGE_SIZE, 0);
	KUNIT_EXPECT_EQ(test, 30, buffer->sg_table->orig_nents);
	for_each_sgtable_sg(buffer->sg_table, sg, i) {
		unsigned int order = get_order(sg->length);

		KUNIT_EXPECT_EQ(test, i < 15 ? 4 : 0, order);
		KUNIT_EXPECT_LE(test, order, prev);
		if (i == 15)
			first0 = sg_page(sg);
		prev = order;
	}
	/* the pooled blocks came first, zeroed */
	KUNIT_EXPECT_PTR_EQ(test, stocked4, sg_page(buffer->sg_table->sgl));
	KUNIT_EXPECT_PTR_EQ(test, stocked0, first0);
	KUNIT_EXPECT_TRUE(test, ion_page_pool_test_buffer_is_zero(buffer));
	KUNIT_EXPECT_EQ(test, 0, ion_system_heap_pool_pages());
	ion_page_pool_test_free(buffer);
	KUNIT_EXPECT_EQ(test, 15 + 15 * 16, ion_system_heap_pool_pages());
	KUNIT_EXPECT_EQ(test, 15, ion_page_pool_count(ion_system_heap_pool(4, false)));
	KUNIT_EXPECT_EQ(test, 15, ion_page_pool_count(ion_system_heap_pool(0, false)));
}

/* Cached buffers never take uncached pool pages and the other way round. */
static void ion_page_pool_heap_cached_apart(struct kunit *test)
{
	struct ion_buffer *buffer;
	struct page *cached;

	ion_page_pool_test_drain(test);
	cached = ion_page_pool_test_stock(test, 0, true);

	buffer = ion_page_pool_test_alloc(test, PAGE_SIZE, 0);
	KUNIT_EXPECT_PTR_NE(test, cached, sg_page(buffer->sg_table->sgl));
	KUNIT_EXPECT_EQ(test, 1, ion_page_pool_count(ion_system_heap_pool(0, true)));
	ion_page_pool_test_free(buffer);
	KUNIT_EXPECT_EQ(test, 1, ion_page_pool_count(ion_system_heap_pool(0, false)));

	buffer = ion_page_pool_test_alloc(test, PAGE_SIZE, ION_FLAG_CACHED);
	KUNIT_EXPECT_PTR_EQ(test, cached, sg_page(buffer->sg_table->sgl));
	KUNIT_EXPECT_EQ(test, 0, ion_page_pool_count(ion_system_heap_pool(0, true)));
	KUNIT_EXPECT_EQ(test, 1, ion_page_pool_count(ion_system_heap_pool(0, false)));
	ion_page_pool_test_free(buffer);
}

/* Beyond pool_limit_mb, freed blocks go straight back to the allocator. */
static void ion_page_pool_heap_limit(struct kunit *test)
{
	struct ion_buffer *buffer;

	ion_page_pool_test_drain(test);
	ion_page_pool_test_set_limit(test, 1);

	buffer = ion_page_pool_test_alloc(test, SZ_4M, 0);
	ion_page_pool_test_free(buffer);
	KUNIT_EXPECT_EQ(test, 0, ion_system_heap_queued_pages());
	KUNIT_EXPECT_LE(test, ion_system_heap_pool_pages(), SZ_1M >> PAGE_SHIFT);
	KUNIT_EXPECT_GT(test, ion_system_heap_pool_pages(), 0);

	/* a full pool takes no block of another order either */
	buffer = ion_page_pool_test_alloc(test, SZ_64K, 0);
	ion_page_pool_test_free(buffer);
	KUNIT_EXPECT_LE(test, ion_system_heap_pool_pages(), SZ_1M >> PAGE_SHIFT);

	ion_page_pool_test_drain(test);
	ion_system_heap_pool_limit_mb = 0;
	buffer = ion_page_pool_test_alloc(test, SZ_64K, ION_FLAG_CACHED);
	ion_page_pool_test_free(buffer);
	KUNIT_EXPECT_EQ(test, 0, ion_system_heap_pool_pages());
	KUNIT_EXPECT_EQ(test, 0, ion_system_heap_queued_pages());
}

/*
 * A written buffer larger than the pools' room is not queued whole: what
 * the dirty and clean lists cannot take together goes back to the page
 * allocator in the free itself, before the free work runs, and a second
 * buffer freed on top of the first queues nothing more.
 */
static void ion_page_pool_heap_free_beyond_room(struct kunit *test)
{
	const unsigned long limit = SZ_1M >> PAGE_SHIFT;
	struct ion_buffer *a, *b;
	struct ion_heap *heap;

	ion_page_pool_test_drain(test);
	ion_page_pool_test_set_limit(test, 1);
	a = ion_page_pool_test_alloc(test, SZ_4M, 0);
	b = ion_page_pool_test_alloc(test, SZ_4M, 0);
	ion_page_pool_test_write(test, a, 0x5a);
	ion_page_pool_test_write(test, b, 0xa5);
	heap = a->heap;

	dma_buf_put(a->dmabuf);
	KUNIT_ASSERT_TRUE(test, ion_kunit_wait_release(atomic_read(&heap->num_buffers) == 1));
	KUNIT_EXPECT_LE(test, ion_system_heap_queued_pages() + ion_system_heap_pool_pages(),
			limit);
	dma_buf_put(b->dmabuf);
	KUNIT_ASSERT_TRUE(test, ion_kunit_wait_release(!atomic_read(&heap->num_buffers)));
	KUNIT_EXPECT_LE(test, ion_system_heap_queued_pages() + ion_system_heap_pool_pages(),
			limit);

	ion_system_heap_flush_free();
	KUNIT_EXPECT_EQ(test, 0, ion_system_heap_queued_pages());
	KUNIT_EXPECT_EQ(test, limit, ion_system_heap_pool_pages());
}

/*
 * The shrinker counts pooled pages, frees at least what it is asked for,
 * empties the pools, and the pages leave NR_KERNEL_MISC_RECLAIMABLE.
 */
static void ion_page_pool_heap_shrinker(struct kunit *test)
{
	struct shrink_control sc = { .gfp_mask = GFP_KERNEL };
	unsigned long count, freed, before, after;
	struct ion_buffer *buffer;

	ion_page_pool_test_drain(test);
	KUNIT_EXPECT_EQ(test, SHRINK_EMPTY, ion_system_heap_shrink_count(NULL, &sc));
	sc.nr_to_scan = 128;
	KUNIT_EXPECT_EQ(test, SHRINK_STOP, ion_system_heap_shrink_scan(NULL, &sc));

	buffer = ion_page_pool_test_alloc(test, SZ_8M + SZ_64K, ION_FLAG_CACHED);
	ion_page_pool_test_free(buffer);
	count = ion_system_heap_shrink_count(NULL, &sc);
	KUNIT_EXPECT_EQ(test, (SZ_8M + SZ_64K) >> PAGE_SHIFT, count);
	KUNIT_EXPECT_EQ(test, count, ion_system_heap_pool_pages());

	before = global_node_page_state(NR_KERNEL_MISC_RECLAIMABLE);
	KUNIT_EXPECT_GE(test, before + ION_PAGE_POOL_TEST_VMSTAT_SLACK, count);

	sc.nr_to_scan = 1;
	freed = ion_system_heap_shrink_scan(NULL, &sc);
	KUNIT_EXPECT_GE(test, freed, 1);
	KUNIT_EXPECT_EQ(test, count - freed, ion_system_heap_pool_pages());

	sc.nr_to_scan = count;
	freed += ion_system_heap_shrink_scan(NULL, &sc);
	KUNIT_EXPECT_EQ(test, count, freed);
	KUNIT_EXPECT_EQ(test, 0, ion_system_heap_pool_pages());
	KUNIT_EXPECT_EQ(test, SHRINK_EMPTY, ion_system_heap_shrink_count(NULL, &sc));

	after = global_node_page_state(NR_KERNEL_MISC_RECLAIMABLE);
	KUNIT_EXPECT_GE(test, before, after + count - ION_PAGE_POOL_TEST_VMSTAT_SLACK);
}

/*
 * Freeing only queues: the deferred free drains into the pools, and the
 * debugfs lines show pools and queue in the documented format.
 */
static void ion_page_pool_heap_deferred_free(struct kunit *test)
{
	struct ion_buffer *buffers[8];
	struct seq_file s = {};
	struct ion_heap *heap;
	char line[64];
	unsigned int i;

	ion_page_pool_test_drain(test);
	for (i = 0; i < ARRAY_SIZE(buffers); i++)
		buffers[i] = ion_page_pool_test_alloc(test, SZ_256K, 0);
	heap = buffers[0]->heap;
	for (i = 0; i < ARRAY_SIZE(buffers); i++)
		dma_buf_put(buffers[i]->dmabuf);
	ion_kunit_wait_release(!atomic_read(&heap->num_buffers));
	KUNIT_EXPECT_LE(test, ion_system_heap_queued_pages() + ion_system_heap_pool_pages(),
			8 * (SZ_256K >> PAGE_SHIFT));
	ion_system_heap_flush_free();
	KUNIT_EXPECT_EQ(test, 0, ion_system_heap_queued_pages());
	KUNIT_EXPECT_EQ(test, 8 * (SZ_256K >> PAGE_SHIFT), ion_system_heap_pool_pages());
	KUNIT_EXPECT_EQ(test, 32, ion_page_pool_count(ion_system_heap_pool(4, false)));

	s.size = PAGE_SIZE;
	s.buf = kunit_kzalloc(test, s.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s.buf);
	ion_system_heap_ops.debug_show(NULL, &s);
	KUNIT_ASSERT_LT(test, s.count, s.size);
	KUNIT_EXPECT_NOT_NULL(test, strstr(s.buf, "pool order 8 cached: 0 blocks, 0 pages\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(s.buf, "pool order 8 uncached: 0 blocks, 0 pages\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(s.buf, "pool order 4 cached: 0 blocks, 0 pages\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(s.buf, "pool order 4 uncached: 32 blocks, 512 pages\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(s.buf, "pool order 0 cached: 0 blocks, 0 pages\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(s.buf, "pool order 0 uncached: 0 blocks, 0 pages\n"));
	snprintf(line, sizeof(line), "pool total: %lu bytes\n", 8UL * SZ_256K);
	KUNIT_EXPECT_NOT_NULL(test, strstr(s.buf, line));
	KUNIT_EXPECT_NOT_NULL(test, strstr(s.buf, "deferred free: 0 bytes\n"));
}

/*
 * An allocation does not wait for the free work: a block still queued from
 * a freed buffer (dirty) is zeroed for it and handed out, and leaves the
 * queue.  The free work is kicked at the next tick, so the freed block is
 * caught queued on one of a few attempts.
 */
static void ion_page_pool_heap_takes_queued(struct kunit *test)
{
	struct ion_buffer *a, *b;
	struct page *page = NULL;
	int attempt;

	for (attempt = 0; attempt < 5; attempt++) {
		ion_page_pool_test_drain(test);
		a = ion_page_pool_test_alloc(test, SZ_64K, 0);
		KUNIT_ASSERT_EQ(test, 1, a->sg_table->orig_nents);
		page = sg_page(a->sg_table->sgl);
		ion_page_pool_test_write(test, a, 0x5a);
		dma_buf_put(a->dmabuf);
		flush_delayed_fput();
		if (ion_system_heap_queued_pages() == SZ_64K >> PAGE_SHIFT)
			break;
	}
	KUNIT_ASSERT_EQ_MSG(test, SZ_64K >> PAGE_SHIFT, ion_system_heap_queued_pages(),
			    "the free work ran before every allocation");
	KUNIT_ASSERT_EQ(test, 0, ion_system_heap_pool_pages());

	b = ion_page_pool_test_alloc(test, SZ_64K, 0);
	KUNIT_EXPECT_PTR_EQ(test, page, sg_page(b->sg_table->sgl));
	KUNIT_EXPECT_TRUE(test, ion_page_pool_test_buffer_is_zero(b));
	KUNIT_EXPECT_EQ(test, 0, ion_system_heap_queued_pages());
	KUNIT_EXPECT_EQ(test, 0, ion_system_heap_pool_pages());
	ion_page_pool_test_free(b);
	KUNIT_EXPECT_EQ(test, SZ_64K >> PAGE_SHIFT, ion_system_heap_pool_pages());
}

/*
 * A buffer nobody mapped is still zero when it is freed: its blocks go to
 * the clean lists at once, without the free work, and come out again as
 * they went in.
 */
static void ion_page_pool_heap_unexposed_clean(struct kunit *test)
{
	const size_t len = SZ_1M + SZ_64K + PAGE_SIZE;
	struct ion_buffer *buffer;
	struct ion_heap *heap;
	struct scatterlist *sg;
	struct page **pages;
	unsigned int nents;
	int i;

	ion_page_pool_test_drain(test);
	buffer = ion_page_pool_test_alloc(test, len, 0);
	KUNIT_EXPECT_FALSE(test, buffer->exposed);
	pages = ion_page_pool_test_pages(test, buffer, &nents);
	heap = buffer->heap;
	dma_buf_put(buffer->dmabuf);
	KUNIT_ASSERT_TRUE(test, ion_kunit_wait_release(!atomic_read(&heap->num_buffers)));
	KUNIT_EXPECT_EQ(test, 0, ion_system_heap_queued_pages());
	KUNIT_EXPECT_EQ(test, len >> PAGE_SHIFT, ion_system_heap_pool_pages());

	buffer = ion_page_pool_test_alloc(test, len, 0);
	KUNIT_EXPECT_EQ(test, 0, ion_system_heap_pool_pages());
	KUNIT_ASSERT_EQ(test, nents, buffer->sg_table->orig_nents);
	for_each_sgtable_sg(buffer->sg_table, sg, i)
		KUNIT_EXPECT_PTR_EQ(test, pages[i], sg_page(sg));
	KUNIT_EXPECT_TRUE(test, ion_page_pool_test_buffer_is_zero(buffer));
	ion_page_pool_test_free(buffer);
}

/*
 * A buffer written through its kernel mapping (dma_buf_vmap(), nothing
 * else) counts as exposed: its blocks go through the dirty lists and come
 * out zeroed, whether the free work ran or not.
 */
static void ion_page_pool_heap_exposed_dirty(struct kunit *test)
{
	struct ion_buffer *buffer;
	struct ion_heap *heap;
	struct page **pages;
	unsigned int nents;

	ion_page_pool_test_drain(test);
	buffer = ion_page_pool_test_alloc(test, SZ_1M, 0);
	pages = ion_page_pool_test_pages(test, buffer, &nents);
	KUNIT_ASSERT_EQ(test, 1, nents);
	ion_page_pool_test_write(test, buffer, 0xa5);
	KUNIT_EXPECT_TRUE(test, buffer->exposed);
	heap = buffer->heap;
	dma_buf_put(buffer->dmabuf);
	KUNIT_ASSERT_TRUE(test, ion_kunit_wait_release(!atomic_read(&heap->num_buffers)));

	buffer = ion_page_pool_test_alloc(test, SZ_1M, 0);
	KUNIT_EXPECT_PTR_EQ(test, pages[0], sg_page(buffer->sg_table->sgl));
	KUNIT_EXPECT_TRUE(test, ion_page_pool_test_buffer_is_zero(buffer));
	KUNIT_EXPECT_FALSE(test, buffer->exposed);
	ion_page_pool_test_free(buffer);
}

/* Allocate @len with a fatal signal pending: the heap stops after a block. */
static struct ion_buffer *ion_page_pool_test_killed_alloc(size_t len,
							  unsigned int flags)
{
	struct ion_buffer *buffer;

	allow_signal(SIGKILL);
	send_sig(SIGKILL, current, 1);
	buffer = ion_buffer_create(ion_default_device(), len, 0,
				   ION_HEAP_SYSTEM_MASK, flags);
	flush_signals(current);
	disallow_signal(SIGKILL);
	if (!IS_ERR(buffer))
		ion_page_pool_test_free(buffer);
	return buffer;
}

/*
 * A pending fatal signal stops the allocation after its first block.  That
 * block, a dirty pooled one zeroed on the way out, goes back to the clean
 * list as it is (nothing waits for the free work), and the next allocation
 * gets it, zero.
 */
static void ion_page_pool_heap_killable(struct kunit *test)
{
	struct ion_page_pool *pool = ion_system_heap_pool(8, false);
	struct ion_buffer *buffer;
	struct page *dirty;
	LIST_HEAD(blocks);

	ion_page_pool_test_drain(test);
	dirty = ion_page_pool_test_dirty_page(test, 8);
	list_add(&dirty->lru, &blocks);
	ion_page_pool_add_dirty(pool, &blocks, 1);
	ion_page_pool_test_stock(test, 0, false);
	KUNIT_ASSERT_EQ(test, 256, ion_system_heap_queued_pages());

	buffer = ion_page_pool_test_killed_alloc(SZ_16M, 0);
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINTR), buffer);
	KUNIT_EXPECT_EQ(test, 0, ion_system_heap_queued_pages());
	KUNIT_EXPECT_EQ(test, 1, ion_page_pool_count(pool));
	KUNIT_EXPECT_EQ(test, 256 + 1, ion_system_heap_pool_pages());

	buffer = ion_page_pool_test_alloc(test, SZ_1M, 0);
	KUNIT_EXPECT_PTR_EQ(test, dirty, sg_page(buffer->sg_table->sgl));
	KUNIT_EXPECT_TRUE(test, ion_page_pool_test_buffer_is_zero(buffer));
	KUNIT_EXPECT_EQ(test, 0, ion_page_pool_count(pool));
	ion_page_pool_test_free(buffer);
}

/*
 * With the clean lists full, a killed allocation's blocks go to the free
 * worker, as a freed buffer's do: the killed task does not wait for the
 * page allocator, and the worker frees them, leaving the pools as they were.
 */
static void ion_page_pool_heap_killed_full(struct kunit *test)
{
	struct ion_buffer *buffer;
	int attempt;

	/* the worker may run at once, before the checks: try again then */
	for (attempt = 0; attempt < 5; attempt++) {
		ion_page_pool_test_drain(test);
		ion_page_pool_test_set_limit(test, 1);
		ion_page_pool_test_stock(test, 8, true);
		KUNIT_ASSERT_EQ(test, SZ_1M >> PAGE_SHIFT, ion_system_heap_pool_pages());

		/* its first block is the page allocator's: no uncached block is pooled */
		buffer = ion_page_pool_test_killed_alloc(SZ_16M, 0);
		KUNIT_ASSERT_PTR_EQ(test, ERR_PTR(-EINTR), buffer);
		KUNIT_EXPECT_EQ(test, 0, ion_page_pool_count(ion_system_heap_pool(8, false)));
		KUNIT_EXPECT_EQ(test, SZ_1M >> PAGE_SHIFT, ion_system_heap_pool_pages());
		if (ion_system_heap_queued_pages() == SZ_1M >> PAGE_SHIFT)
			break;
	}
	KUNIT_EXPECT_EQ_MSG(test, SZ_1M >> PAGE_SHIFT, ion_system_heap_queued_pages(),
			    "the killed allocation's block was not left to the free worker");

	ion_system_heap_flush_free();
	KUNIT_EXPECT_EQ(test, 0, ion_system_heap_queued_pages());
	KUNIT_EXPECT_EQ(test, 0, ion_page_pool_count(ion_system_heap_pool(8, false)));
	KUNIT_EXPECT_EQ(test, SZ_1M >> PAGE_SHIFT, ion_system_heap_pool_pages());
}

/**
 * struct ion_page_pool_test_times - one timed allocation and free
 * @alloc: ion_buffer_create(), in microseconds
 * @free: dropping the last reference until the heap's free op returned
 * @pool: then waiting for the background zeroing into the pools
 * @from_pool: pages the allocation took from the pools
 */
struct ion_page_pool_test_times {
	s64 alloc;
	s64 free;
	s64 pool;
	unsigned long from_pool;
};

static void ion_page_pool_test_cycle(struct kunit *test, size_t len,
				     struct ion_page_pool_test_times *t)
{
	unsigned long pooled = ion_system_heap_pool_pages();
	struct ion_buffer *buffer;
	ktime_t start, end;

	start = ktime_get();
	buffer = ion_page_pool_test_alloc(test, len, 0);
	end = ktime_get();
	t->alloc = ktime_us_delta(end, start);
	t->from_pool = pooled - ion_system_heap_pool_pages();

	start = end;
	dma_buf_put(buffer->dmabuf);
	flush_delayed_fput();
	end = ktime_get();
	t->free = ktime_us_delta(end, start);

	start = end;
	ion_system_heap_flush_free();
	t->pool = ktime_us_delta(ktime_get(), start);
}

/* Keep the run with the shortest total time. */
static void ion_page_pool_test_best(struct ion_page_pool_test_times *best,
				    const struct ion_page_pool_test_times *t)
{
	if (t->alloc + t->free + t->pool < best->alloc + best->free + best->pool)
		*best = *t;
}

/*
 * Cold pools (blocks from the page allocator, zeroed there) against warm
 * pools (zeroed in the background after the previous free); the fastest
 * of three runs each, as UML pays host page faults the first time it
 * touches its memory.  On UML (uniprocessor, no preemption) the free work may run
 * while the freeing task waits for the delayed fput, so part of the zeroing
 * can show in the free time.
 */
static void ion_page_pool_heap_timing(struct kunit *test)
{
	static const size_t sizes[] = { SZ_1M, SZ_8M };
	unsigned int i, run;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct ion_page_pool_test_times t, cold = { S64_MAX / 4, 0, 0 };
		struct ion_page_pool_test_times warm = cold;
		unsigned long npages = sizes[i] >> PAGE_SHIFT;

		for (run = 0; run < 3; run++) {
			ion_page_pool_test_drain(test);
			ion_page_pool_test_cycle(test, sizes[i], &t);
			KUNIT_EXPECT_EQ(test, 0, t.from_pool);
			KUNIT_EXPECT_EQ(test, npages, ion_system_heap_pool_pages());
			ion_page_pool_test_best(&cold, &t);

			ion_page_pool_test_cycle(test, sizes[i], &t);
			KUNIT_EXPECT_EQ(test, npages, t.from_pool);
			KUNIT_EXPECT_EQ(test, npages, ion_system_heap_pool_pages());
			ion_page_pool_test_best(&warm, &t);
		}
		kunit_info(test, "%zu KiB: cold pools alloc %lld us + free %lld us (+ %lld us more to pool); warm pools alloc %lld us + free %lld us (+ %lld us)\n",
			   sizes[i] / SZ_1K, cold.alloc, cold.free, cold.pool,
			   warm.alloc, warm.free, warm.pool);
	}
}

static struct kunit_case ion_page_pool_test_cases[] = {
	KUNIT_CASE(ion_page_pool_add_remove),
	KUNIT_CASE(ion_page_pool_shrink_blocks),
	KUNIT_CASE(ion_page_pool_heap_recycle_zeroed),
	KUNIT_CASE(ion_page_pool_heap_order_fallback),
	KUNIT_CASE(ion_page_pool_heap_cached_apart),
	KUNIT_CASE(ion_page_pool_heap_limit),
	KUNIT_CASE(ion_page_pool_heap_free_beyond_room),
	KUNIT_CASE(ion_page_pool_heap_shrinker),
	KUNIT_CASE(ion_page_pool_heap_deferred_free),
	KUNIT_CASE(ion_page_pool_heap_takes_queued),
	KUNIT_CASE(ion_page_pool_heap_unexposed_clean),
	KUNIT_CASE(ion_page_pool_heap_exposed_dirty),
	KUNIT_CASE(ion_page_pool_heap_killable),
	KUNIT_CASE(ion_page_pool_heap_killed_full),
	KUNIT_CASE(ion_page_pool_heap_timing),
	{}
};

static struct kunit_suite ion_page_pool_test_suite = {
	.name = "ion_page_pool",
	.test_cases = ion_page_pool_test_cases,
};

kunit_test_suite(ion_page_pool_test_suite);
