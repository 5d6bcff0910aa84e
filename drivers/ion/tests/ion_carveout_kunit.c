// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the ION carveout heap (allocation, freeing, alignment,
 * exhaustion, physical addresses, zeroing, and the region's free space
 * coming back whole after every sequence, failures included) and for the
 * per-heap size limits of heap_max=.
 *
 * Each test builds its own heap over a 1 MiB region of kernel pages on a
 * private device; the carveout heap of /dev/ion (CONFIG_ION_CARVEOUT_SIZE or
 * ion.carveout=) is tested when there is one.
 */

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/cma.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/file.h>
#include <linux/genalloc.h>
#include <linux/gfp.h>
#include <linux/ion.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../ion_priv.h"
#include "../heaps/ion_heaps.h"
#include "ion_kunit_release.h"

#define ION_CARVEOUT_TEST_SIZE	SZ_1M

/**
 * struct ion_carveout_test - one test's heap and where it lives
 * @dev: private device
 * @heap: carveout heap over @region
 * @region: ION_CARVEOUT_TEST_SIZE bytes of kernel pages
 * @base: physical address of @region
 */
struct ion_carveout_test {
	struct ion_device *dev;
	struct ion_heap *heap;
	void *region;
	phys_addr_t base;
};

KUNIT_DEFINE_ACTION_WRAPPER(ion_carveout_kfree, kfree, const void *);
KUNIT_DEFINE_ACTION_WRAPPER(ion_carveout_dma_buf_put, dma_buf_put,
			    struct dma_buf *);
KUNIT_DEFINE_ACTION_WRAPPER(ion_carveout_device_destroy, ion_device_destroy,
			    struct ion_device *);

static void ion_carveout_free_region(void *region)
{
	free_pages_exact(region, ION_CARVEOUT_TEST_SIZE);
}

static void ion_carveout_destroy_heap(void *heap)
{
	ion_carveout_heap_destroy(heap);
}

static void ion_carveout_remove_heap(void *data)
{
	struct ion_heap *heap = data;

	ion_kunit_wait_release(!atomic_read(&heap->num_buffers));
	/*
	 * The release frees the heap; a heap bug that leaves ranges
	 * allocated makes it WARN and leak the heap instead.
	 */
	ion_device_remove_heap(heap);
}

static size_t ion_carveout_avail(struct ion_heap *heap)
{
	return gen_pool_avail(ion_carveout_heap_pool(heap));
}

/* Drop the last reference of a buffer now, not at the end of the test. */
static void ion_carveout_put(struct kunit *test, struct ion_buffer *buffer)
{
	struct ion_heap *heap = buffer->heap;
	int live = atomic_read(&heap->num_buffers);

	kunit_release_action(test, ion_carveout_dma_buf_put, buffer->dmabuf);
	ion_kunit_wait_release(atomic_read(&heap->num_buffers) < live);
}

/*
 * A heap over a fresh region, on @dev with the name @name and the first
 * free id from the carveout type up, or on a private device when @dev is
 * NULL; @max_len 0 keeps the heap's own.
 */
static void ion_carveout_setup_on(struct kunit *test, struct ion_carveout_test *t,
				  struct ion_device *dev, const char *name,
				  size_t max_len)
{
	struct ion_carveout_region region = {
		.size = ION_CARVEOUT_TEST_SIZE,
		.linear = true,
		.source = "caller",
	};
	int ret = -ENOSPC;

	t->dev = dev;
	if (!dev) {
		t->dev = ion_device_create("ion_kunit_carveout", false);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->dev);
		KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
								   ion_carveout_device_destroy,
								   t->dev));
	}

	t->region = alloc_pages_exact(ION_CARVEOUT_TEST_SIZE,
				      GFP_KERNEL | __GFP_NOWARN);
	KUNIT_ASSERT_NOT_NULL(test, t->region);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   ion_carveout_free_region,
							   t->region));
	/* fill it: the heap must zero what it hands out */
	memset(t->region, 0x5a, ION_CARVEOUT_TEST_SIZE);
	t->base = virt_to_phys(t->region);

	region.base = t->base;
	t->heap = ion_carveout_heap_create(&region);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->heap);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   ion_carveout_destroy_heap,
							   t->heap));
	if (max_len)
		t->heap->max_len = max_len;
	if (name)
		t->heap->name = name;
	for (; t->heap->id < ION_NUM_HEAP_IDS; t->heap->id++) {
		ret = ion_device_add_heap(t->dev, t->heap);
		if (ret != -EEXIST)
			break;
	}
	KUNIT_ASSERT_EQ(test, 0, ret);
	/* added: its release frees it from now on */
	kunit_remove_action(test, ion_carveout_destroy_heap, t->heap);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   ion_carveout_remove_heap,
							   t->heap));
	KUNIT_ASSERT_EQ(test, ION_CARVEOUT_TEST_SIZE, ion_carveout_avail(t->heap));
}

static void ion_carveout_setup(struct kunit *test, struct ion_carveout_test *t,
			       size_t max_len)
{
	ion_carveout_setup_on(test, t, NULL, NULL, max_len);
}

static struct ion_buffer *ion_carveout_alloc_mask(struct kunit *test,
						  struct ion_device *dev,
						  size_t len, size_t align,
						  unsigned int mask,
						  unsigned int flags)
{
	struct ion_buffer *buffer;

	buffer = ion_buffer_create(dev, len, align, mask, flags);
	if (IS_ERR(buffer))
		return buffer;
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   ion_carveout_dma_buf_put,
							   buffer->dmabuf));
	return buffer;
}

static struct ion_buffer *ion_carveout_alloc(struct kunit *test,
					     struct ion_device *dev, size_t len,
					     size_t align, unsigned int flags)
{
	return ion_carveout_alloc_mask(test, dev, len, align,
				       ION_HEAP_CARVEOUT_MASK, flags);
}

static phys_addr_t ion_carveout_phys(struct ion_buffer *buffer)
{
	return sg_phys(buffer->sg_table->sgl);
}

static void ion_carveout_create_rejects(struct kunit *test)
{
	static const struct ion_carveout_region bad[] = {
		{ .base = 0, .size = SZ_1M },
		{ .base = SZ_1M, .size = 0 },
		{ .base = SZ_1M + 1, .size = SZ_1M },
		{ .base = SZ_1M, .size = SZ_1M - 1 },
		/* wraps around the end of the physical address space */
		{ .base = (phys_addr_t)-SZ_1M, .size = SZ_2M },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_PTR_EQ_MSG(test, ERR_PTR(-EINVAL),
					ion_carveout_heap_create(&bad[i]),
					"region %u", i);
}

static unsigned int ion_carveout_released;

static void ion_carveout_count_release(const struct ion_carveout_region *region)
{
	ion_carveout_released++;
}

/*
 * The heap's release (removal, last buffer gone) gives the region back
 * through the region's own release, once, and not before.
 */
static void ion_carveout_release_region(struct kunit *test)
{
	struct ion_carveout_region region = {
		.size = ION_CARVEOUT_TEST_SIZE,
		.linear = true,
		.source = "caller",
		.release = ion_carveout_count_release,
	};
	struct ion_buffer *buffer;
	struct ion_device *dev;
	struct ion_heap *heap;
	void *mem;

	dev = ion_device_create("ion_kunit_carveout", false);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   ion_carveout_device_destroy,
							   dev));
	mem = alloc_pages_exact(ION_CARVEOUT_TEST_SIZE, GFP_KERNEL | __GFP_NOWARN);
	KUNIT_ASSERT_NOT_NULL(test, mem);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   ion_carveout_free_region,
							   mem));
	region.base = virt_to_phys(mem);
	heap = ion_carveout_heap_create(&region);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, heap);
	if (ion_device_add_heap(dev, heap)) {
		ion_carveout_heap_destroy(heap);
		KUNIT_FAIL(test, "cannot add the heap");
		return;
	}
	ion_carveout_released = 0;
	buffer = ion_buffer_create(dev, PAGE_SIZE, 0, ION_HEAP_CARVEOUT_MASK, 0);
	ion_device_remove_heap(heap);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buffer);
	/* the buffer keeps the heap, and the heap its region */
	KUNIT_EXPECT_EQ(test, ion_carveout_released, 0);
	dma_buf_put(buffer->dmabuf);
	ion_kunit_wait_release(READ_ONCE(ion_carveout_released) == 1);
	KUNIT_EXPECT_EQ(test, ion_carveout_released, 1);
}

/* One contiguous range per buffer, inside the region, given by ion_phys. */
static void ion_carveout_contig_phys(struct kunit *test)
{
	struct ion_carveout_test t;
	struct ion_buffer *buffer;
	phys_addr_t addr;
	size_t len;

	ion_carveout_setup(test, &t, 0);
	KUNIT_EXPECT_EQ(test, t.heap->type, ION_HEAP_TYPE_CARVEOUT);
	KUNIT_EXPECT_EQ(test, t.heap->id, ION_HEAP_TYPE_CARVEOUT);
	KUNIT_EXPECT_EQ(test, t.heap->max_len, ION_CARVEOUT_TEST_SIZE);

	buffer = ion_carveout_alloc(test, t.dev, 5 * PAGE_SIZE, 0, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buffer);
	KUNIT_EXPECT_EQ(test, buffer->sg_table->orig_nents, 1);
	KUNIT_EXPECT_EQ(test, buffer->sg_table->sgl->length, 5 * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, 0, t.heap->ops->phys(t.heap, buffer, &addr, &len));
	KUNIT_EXPECT_EQ(test, addr, ion_carveout_phys(buffer));
	KUNIT_EXPECT_EQ(test, len, 5 * PAGE_SIZE);
	KUNIT_EXPECT_GE(test, (phys_addr_t)addr, t.base);
	KUNIT_EXPECT_LE(test, (phys_addr_t)addr + len,
			t.base + ION_CARVEOUT_TEST_SIZE);
	KUNIT_EXPECT_EQ(test, ion_carveout_avail(t.heap),
			ION_CARVEOUT_TEST_SIZE - 5 * PAGE_SIZE);

	ion_carveout_put(test, buffer);
	KUNIT_EXPECT_EQ(test, ion_carveout_avail(t.heap), ION_CARVEOUT_TEST_SIZE);
}

/* Dirty memory and recycled memory both come out zeroed. */
static void ion_carveout_zeroed(struct kunit *test)
{
	struct ion_carveout_test t;
	struct ion_buffer *buffer;
	phys_addr_t first;
	u8 *vaddr;

	ion_carveout_setup(test, &t, 0);
	buffer = ion_carveout_alloc(test, t.dev, 8 * PAGE_SIZE, 0, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buffer);
	first = ion_carveout_phys(buffer);
	vaddr = ion_buffer_kmap_get(buffer);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vaddr);
	KUNIT_EXPECT_NULL(test, memchr_inv(vaddr, 0, 8 * PAGE_SIZE));
	memset(vaddr, 0xa5, 8 * PAGE_SIZE);
	ion_buffer_kmap_put(buffer);
	ion_carveout_put(test, buffer);

	/* first fit: the same range again, cached this time */
	buffer = ion_carveout_alloc(test, t.dev, 8 * PAGE_SIZE, 0,
				    ION_FLAG_CACHED);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buffer);
	KUNIT_EXPECT_EQ(test, ion_carveout_phys(buffer), first);
	vaddr = ion_buffer_kmap_get(buffer);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vaddr);
	KUNIT_EXPECT_NULL(test, memchr_inv(vaddr, 0, 8 * PAGE_SIZE));
	ion_buffer_kmap_put(buffer);
}

static void ion_carveout_align(struct kunit *test)
{
	struct ion_carveout_test t;
	struct ion_buffer *small, *aligned;
	size_t avail;

	ion_carveout_setup(test, &t, 0);
	/* the first page taken: the next free byte is not 64 KiB aligned */
	small = ion_carveout_alloc(test, t.dev, PAGE_SIZE, 0, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, small);

	aligned = ion_carveout_alloc(test, t.dev, PAGE_SIZE, SZ_64K, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, aligned);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(ion_carveout_phys(aligned), SZ_64K));
	KUNIT_EXPECT_NE(test, ion_carveout_phys(aligned), ion_carveout_phys(small));

	avail = ion_carveout_avail(t.heap);
	/* not a power of two, larger than the region's own alignment */
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL),
			    ion_carveout_alloc(test, t.dev, PAGE_SIZE, 3 * PAGE_SIZE, 0));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL),
			    ion_carveout_alloc(test, t.dev, PAGE_SIZE, SZ_2M, 0));
	/* 1 MiB aligned: only the region's start, which is taken */
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOMEM),
			    ion_carveout_alloc(test, t.dev, PAGE_SIZE, SZ_1M, 0));
	KUNIT_EXPECT_EQ(test, ion_carveout_avail(t.heap), avail);

	ion_carveout_put(test, small);
	aligned = ion_carveout_alloc(test, t.dev, PAGE_SIZE, SZ_1M, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, aligned);
	KUNIT_EXPECT_EQ(test, ion_carveout_phys(aligned), t.base);
}

/* Fill the region page by page, fail, give everything back. */
static void ion_carveout_exhaustion(struct kunit *test)
{
	unsigned int i, n = ION_CARVEOUT_TEST_SIZE / PAGE_SIZE;
	struct ion_carveout_test t;
	struct ion_buffer **buffers;

	ion_carveout_setup(test, &t, 0);
	buffers = kunit_kcalloc(test, n, sizeof(*buffers), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buffers);

	/* larger than the region: -ENOMEM at once */
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOMEM),
			    ion_carveout_alloc(test, t.dev,
					       ION_CARVEOUT_TEST_SIZE + PAGE_SIZE, 0, 0));
	KUNIT_EXPECT_EQ(test, ion_carveout_avail(t.heap), ION_CARVEOUT_TEST_SIZE);

	for (i = 0; i < n; i++) {
		buffers[i] = ion_carveout_alloc(test, t.dev, PAGE_SIZE, 0, 0);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buffers[i]);
	}
	KUNIT_EXPECT_EQ(test, ion_carveout_avail(t.heap), 0);
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOMEM),
			    ion_carveout_alloc(test, t.dev, PAGE_SIZE, 0, 0));
	KUNIT_EXPECT_EQ(test, atomic_read(&t.heap->num_buffers), n);

	/* every other page back: 2 pages never fit, 1 page does */
	for (i = 0; i < n; i += 2) {
		ion_carveout_put(test, buffers[i]);
		buffers[i] = NULL;
	}
	KUNIT_EXPECT_EQ(test, ion_carveout_avail(t.heap), ION_CARVEOUT_TEST_SIZE / 2);
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOMEM),
			    ion_carveout_alloc(test, t.dev, 2 * PAGE_SIZE, 0, 0));
	buffers[0] = ion_carveout_alloc(test, t.dev, PAGE_SIZE, 0, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buffers[0]);
	KUNIT_EXPECT_EQ(test, ion_carveout_phys(buffers[0]), t.base);

	for (i = 0; i < n; i++)
		if (buffers[i])
			ion_carveout_put(test, buffers[i]);
	KUNIT_EXPECT_EQ(test, ion_carveout_avail(t.heap), ION_CARVEOUT_TEST_SIZE);
	KUNIT_EXPECT_EQ(test, atomic_read(&t.heap->num_buffers), 0);
}

/* An allocation that fails half way (fatal signal while zeroing) frees. */
static void ion_carveout_fatal_signal(struct kunit *test)
{
	struct ion_carveout_test t;
	struct ion_buffer *buffer;

	ion_carveout_setup(test, &t, 0);
	allow_signal(SIGKILL);
	send_sig(SIGKILL, current, 1);
	buffer = ion_buffer_create(t.dev, SZ_64K, 0, ION_HEAP_CARVEOUT_MASK, 0);
	flush_signals(current);
	disallow_signal(SIGKILL);
	if (!IS_ERR(buffer))
		dma_buf_put(buffer->dmabuf);
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINTR), buffer);
	ion_kunit_wait_release(!atomic_read(&t.heap->num_buffers));
	KUNIT_EXPECT_EQ(test, ion_carveout_avail(t.heap), ION_CARVEOUT_TEST_SIZE);
	KUNIT_EXPECT_EQ(test, atomic_read(&t.heap->num_buffers), 0);
}

/*
 * Random allocations and frees: the free space always equals the region
 * minus the live buffers, and comes back whole at the end.
 */
static void ion_carveout_random_sequence(struct kunit *test)
{
	struct ion_buffer *live[32] = {};
	struct ion_carveout_test t;
	struct rnd_state rnd;
	size_t used = 0;
	unsigned int i;
	u32 seed;

	ion_carveout_setup(test, &t, 0);
	seed = get_random_u32();
	kunit_info(test, "random seed %u\n", seed);
	prandom_seed_state(&rnd, seed);

	for (i = 0; i < 512; i++) {
		unsigned int slot = prandom_u32_state(&rnd) % ARRAY_SIZE(live);
		struct ion_buffer *buffer = live[slot];

		if (buffer) {
			used -= buffer->size;
			ion_carveout_put(test, buffer);
			live[slot] = NULL;
		} else {
			size_t len = (1 + prandom_u32_state(&rnd) % 64) * PAGE_SIZE;
			size_t align = PAGE_SIZE << (prandom_u32_state(&rnd) % 5);

			buffer = ion_carveout_alloc(test, t.dev, len, align, 0);
			if (IS_ERR(buffer)) {
				KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOMEM), buffer);
			} else {
				KUNIT_EXPECT_TRUE(test,
						  IS_ALIGNED(ion_carveout_phys(buffer), align));
				used += buffer->size;
				live[slot] = buffer;
			}
		}
		KUNIT_ASSERT_EQ_MSG(test, ion_carveout_avail(t.heap),
				    ION_CARVEOUT_TEST_SIZE - used, "step %u", i);
	}
	for (i = 0; i < ARRAY_SIZE(live); i++)
		if (live[i])
			ion_carveout_put(test, live[i]);
	KUNIT_EXPECT_EQ(test, ion_carveout_avail(t.heap), ION_CARVEOUT_TEST_SIZE);
}

/* A device attaches and maps the buffer; user space mmaps it. */
static void ion_carveout_attach_map(struct kunit *test)
{
	struct dma_buf_attachment *attach;
	struct ion_carveout_test t;
	struct ion_buffer *buffer;
	struct sg_table *sgt;
	struct device *kdev;

	ion_carveout_setup(test, &t, 0);
	kdev = kunit_device_register(test, "ion_kunit_carveout_dev");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, kdev);
	kdev->dma_mask = &kdev->coherent_dma_mask;
	KUNIT_ASSERT_EQ(test, 0, dma_set_mask_and_coherent(kdev, DMA_BIT_MASK(64)));

	buffer = ion_carveout_alloc(test, t.dev, 4 * PAGE_SIZE, 0, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buffer);
	attach = dma_buf_attach(buffer->dmabuf, kdev);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, attach);
	sgt = dma_buf_map_attachment_unlocked(attach, DMA_BIDIRECTIONAL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sgt);
	/* importers see DMA addresses only (DMABUF_DEBUG mangles the pages) */
	KUNIT_EXPECT_EQ(test, sgt->orig_nents, 1);
	KUNIT_EXPECT_EQ(test, sgt->nents, 1);
	KUNIT_EXPECT_EQ(test, sg_dma_len(sgt->sgl), 4 * PAGE_SIZE);
	dma_buf_unmap_attachment_unlocked(attach, sgt, DMA_BIDIRECTIONAL);
	dma_buf_detach(buffer->dmabuf, attach);
}

/* The heap of /dev/ion, when the kernel has one. */
static void ion_carveout_default_heap(struct kunit *test)
{
	struct ion_heap *heap;
	struct ion_buffer *buffer;
	size_t avail;

	heap = ion_device_first_heap(ion_default_device(), ION_HEAP_CARVEOUT_MASK);
	if (!heap || heap->type != ION_HEAP_TYPE_CARVEOUT)
		kunit_skip(test, "no carveout heap (CONFIG_ION_CARVEOUT_SIZE=0, no ion.carveout=)");
	KUNIT_EXPECT_EQ(test, heap->id, ION_HEAP_TYPE_CARVEOUT);
	KUNIT_EXPECT_GT(test, heap->max_len, 0);
	KUNIT_EXPECT_LE(test, heap->max_len, gen_pool_size(ion_carveout_heap_pool(heap)));

	avail = ion_carveout_avail(heap);
	buffer = ion_carveout_alloc(test, ion_default_device(), SZ_1M, SZ_1M, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buffer);
	KUNIT_EXPECT_PTR_EQ(test, buffer->heap, heap);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(ion_carveout_phys(buffer), SZ_1M));
	KUNIT_EXPECT_EQ(test, ion_carveout_avail(heap), avail - SZ_1M);
	ion_carveout_put(test, buffer);
	KUNIT_EXPECT_EQ(test, ion_carveout_avail(heap), avail);
}

/*
 * A CMA heap of /dev/ion (CONFIG_ION_CMA_HEAP with a CMA area: ion.cma=SIZE
 * in UML, the kernel's own cma=SIZE with DMA_CMA on x86_64): contiguous,
 * aligned, zeroed, and its area's pages back.
 */
static void ion_carveout_cma_heap(struct kunit *test)
{
	struct ion_device *dev = ion_default_device();
	struct ion_heap *heap = NULL;
	struct ion_buffer *buffer;
	phys_addr_t addr;
	phys_addr_t first;
	unsigned int id;
	size_t len;
	u8 *vaddr;

	for (id = ION_HEAP_TYPE_DMA; id < ION_NUM_HEAP_IDS && !heap; id++) {
		heap = ion_device_first_heap(dev, ION_HEAP(id));
		if (heap && (heap->type != ION_HEAP_TYPE_DMA || heap->id != id))
			heap = NULL;
	}
	if (!heap)
		kunit_skip(test, "no CMA heap (no ION_CMA_HEAP or no CMA area: ion.cma=)");
	KUNIT_EXPECT_EQ(test, 0, strncmp(heap->name, "cma-", 4));
	/* which area: make test checks that x86_64 used the one of cma= */
	kunit_info(test, "CMA heap %s, id %u\n", heap->name, heap->id);

	buffer = ion_carveout_alloc_mask(test, dev, 16 * PAGE_SIZE, SZ_64K,
					 ION_HEAP(heap->id), 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buffer);
	KUNIT_EXPECT_EQ(test, buffer->sg_table->orig_nents, 1);
	KUNIT_ASSERT_EQ(test, 0, heap->ops->phys(heap, buffer, &addr, &len));
	KUNIT_EXPECT_EQ(test, addr, ion_carveout_phys(buffer));
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(addr, SZ_64K));
	KUNIT_EXPECT_EQ(test, len, 16 * PAGE_SIZE);
	first = addr;
	vaddr = ion_buffer_kmap_get(buffer);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vaddr);
	KUNIT_EXPECT_NULL(test, memchr_inv(vaddr, 0, 16 * PAGE_SIZE));
	memset(vaddr, 0x77, 16 * PAGE_SIZE);
	ion_buffer_kmap_put(buffer);
	ion_carveout_put(test, buffer);
	KUNIT_EXPECT_EQ(test, atomic_read(&heap->num_buffers), 0);

	/* the same block again (first fit in the area), zeroed */
	buffer = ion_carveout_alloc_mask(test, dev, 16 * PAGE_SIZE, SZ_64K,
					 ION_HEAP(heap->id), 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buffer);
	KUNIT_EXPECT_EQ(test, ion_carveout_phys(buffer), first);
	vaddr = ion_buffer_kmap_get(buffer);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vaddr);
	KUNIT_EXPECT_NULL(test, memchr_inv(vaddr, 0, 16 * PAGE_SIZE));
	ion_buffer_kmap_put(buffer);

	/* not a power of two; more than the area holds */
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL),
			    ion_buffer_create(dev, PAGE_SIZE, 3 * PAGE_SIZE,
					      ION_HEAP(heap->id), 0));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOMEM),
			    ion_buffer_create(dev, heap->max_len + PAGE_SIZE, 0,
					      ION_HEAP(heap->id), 0));
}

/*
 * CMA heap names keep the whole area name (up to CMA_MAX_NAME - 1
 * characters): two long area names that differ only at the end give two
 * heap names.
 */
static void ion_carveout_cma_heap_name(struct kunit *test)
{
#if IS_ENABLED(CONFIG_ION_CMA_HEAP)
	char area[CMA_MAX_NAME];
	char *a, *b;

	memset(area, 'x', sizeof(area) - 1);
	area[sizeof(area) - 1] = '\0';
	a = ion_cma_heap_name(area);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ion_carveout_kfree, a));
	area[sizeof(area) - 2] = 'y';
	b = ion_cma_heap_name(area);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ion_carveout_kfree, b));

	KUNIT_EXPECT_EQ(test, strlen(b), 4 + CMA_MAX_NAME - 1);
	KUNIT_EXPECT_EQ(test, 0, strncmp(b, "cma-", 4));
	KUNIT_EXPECT_STREQ(test, b + 4, area);
	KUNIT_EXPECT_STRNEQ(test, a, b);
#else
	kunit_skip(test, "no CONFIG_ION_CMA_HEAP");
#endif
}

/* heap_max= parsing. */
static void ion_carveout_heap_max_lookup(struct kunit *test)
{
	static const char * const bad[] = {
		":1M", "a", "a:", "a:0", "a:1M;", "a,b:1M", "a:1M,,b:2M", "a:x",
	};
	size_t len = 0;
	unsigned int i;

	KUNIT_EXPECT_EQ(test, 0, ion_heap_max_lookup("a:1M,bb:2K", "bb", &len));
	KUNIT_EXPECT_EQ(test, len, SZ_2K);
	KUNIT_EXPECT_EQ(test, 0, ion_heap_max_lookup("a:1M,bb:2K\n", "a", &len));
	KUNIT_EXPECT_EQ(test, len, SZ_1M);
	KUNIT_EXPECT_EQ(test, 0, ion_heap_max_lookup("ion_system_heap:65536",
						     "ion_system_heap", &len));
	KUNIT_EXPECT_EQ(test, len, 65536);
	/* names match whole */
	KUNIT_EXPECT_EQ(test, -ENOENT, ion_heap_max_lookup("a:1M,bb:2K", "b", &len));
	KUNIT_EXPECT_EQ(test, -ENOENT, ion_heap_max_lookup("a:1M", "ab", &len));
	KUNIT_EXPECT_EQ(test, -ENOENT, ion_heap_max_lookup("", "a", &len));
	KUNIT_EXPECT_EQ(test, -ENOENT, ion_heap_max_lookup("a:1M", NULL, &len));
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, -EINVAL,
				    ion_heap_max_lookup(bad[i], "a", &len),
				    "spec \"%s\"", bad[i]);
}

static void ion_carveout_heap_max_restore(void *old)
{
	WARN_ON_ONCE(ion_heap_max_param_set(old, NULL, 0));
}

/*
 * heap_max= as the command line sets it: the parameter's own parser, then
 * a heap of that name added to /dev/ion's device takes the limit; larger
 * requests fail at once, nothing is taken.
 */
static void ion_carveout_size_limit(struct kunit *test)
{
	struct ion_carveout_test t;
	struct ion_buffer *buffer;
	char *old;

	old = kunit_kzalloc(test, ION_HEAP_MAX_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, old);
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_heap_max_param_set("ion_kunit_limited:", NULL, 0));
	KUNIT_ASSERT_EQ(test, 0,
			ion_heap_max_param_set("ion_kunit_other:1M,ion_kunit_limited:64K\n",
					       old, ION_HEAP_MAX_LEN));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ion_carveout_heap_max_restore,
							   old));
	ion_carveout_setup_on(test, &t, ion_default_device(), "ion_kunit_limited", 0);
	KUNIT_EXPECT_EQ(test, t.heap->max_len, SZ_64K);

	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOMEM),
			    ion_carveout_alloc_mask(test, t.dev, SZ_64K + PAGE_SIZE, 0,
						    ION_HEAP(t.heap->id), 0));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOMEM),
			    ion_carveout_alloc_mask(test, t.dev, SZ_64K + 1, 0,
						    ION_HEAP(t.heap->id), 0));
	KUNIT_EXPECT_EQ(test, ion_carveout_avail(t.heap), ION_CARVEOUT_TEST_SIZE);
	KUNIT_EXPECT_EQ(test, atomic_read(&t.heap->num_buffers), 0);

	buffer = ion_carveout_alloc_mask(test, t.dev, SZ_64K, 0, ION_HEAP(t.heap->id), 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buffer);
	KUNIT_EXPECT_EQ(test, ion_carveout_avail(t.heap), ION_CARVEOUT_TEST_SIZE - SZ_64K);
}

static struct kunit_case ion_carveout_test_cases[] = {
	KUNIT_CASE(ion_carveout_create_rejects),
	KUNIT_CASE(ion_carveout_release_region),
	KUNIT_CASE(ion_carveout_contig_phys),
	KUNIT_CASE(ion_carveout_zeroed),
	KUNIT_CASE(ion_carveout_align),
	KUNIT_CASE(ion_carveout_exhaustion),
	KUNIT_CASE(ion_carveout_fatal_signal),
	KUNIT_CASE(ion_carveout_random_sequence),
	KUNIT_CASE(ion_carveout_attach_map),
	KUNIT_CASE(ion_carveout_default_heap),
	KUNIT_CASE(ion_carveout_cma_heap),
	KUNIT_CASE(ion_carveout_cma_heap_name),
	KUNIT_CASE(ion_carveout_heap_max_lookup),
	KUNIT_CASE(ion_carveout_size_limit),
	{}
};

static struct kunit_suite ion_carveout_test_suite = {
	.name = "ion_carveout",
	.test_cases = ion_carveout_test_cases,
};

kunit_test_suite(ion_carveout_test_suite);
