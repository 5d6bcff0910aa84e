// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for custom heaps, the heap API of <linux/ion.h> as a heap
 * author uses it: a heap defined here (zeroed pages, a byte limit, a
 * release op) is registered, allocated from through the client API and
 * through heap masks, removed while a buffer of it lives, released with
 * its last buffer, and published in /dev/dma_heap when the bridge is
 * built.
 */

#include <kunit/test.h>
#include <linux/dma-buf.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/ion.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include "../ion_priv.h"
#include "ion_kunit_release.h"

/* An id the built-in heaps leave free on a private device. */
#define ION_HEAP_KUNIT_ID	16

/**
 * struct ion_heap_kunit_state - what the test heap reports, kunit-managed
 * @heap: the heap: kmalloc'ed and freed by its release op
 *	(ion_heap_kunit_ops), or kunit-managed (ion_heap_kunit_static_ops)
 * @limit: largest allocation the heap accepts (0: any)
 * @allocs: successful allocate calls
 * @frees: free calls
 * @released: release op calls
 * @removed: the test removed @heap itself (no removal at cleanup)
 */
struct ion_heap_kunit_state {
	struct ion_heap *heap;
	unsigned long limit;
	atomic_t allocs;
	atomic_t frees;
	atomic_t released;
	bool removed;
};

static void ion_heap_kunit_free_table(struct sg_table *table)
{
	struct scatterlist *sg;
	unsigned int i;

	/* sg_alloc_table() zeroed the entries: unfilled ones have no page */
	for_each_sgtable_sg(table, sg, i)
		if (sg_page(sg))
			__free_page(sg_page(sg));
	sg_free_table(table);
	kfree(table);
}

static int ion_heap_kunit_allocate(struct ion_heap *heap,
				   struct ion_buffer *buffer,
				   unsigned long len, unsigned long align,
				   unsigned long flags)
{
	struct ion_heap_kunit_state *st = heap->priv;
	struct sg_table *table;
	struct scatterlist *sg;
	unsigned int i;

	if (align > PAGE_SIZE)
		return -EINVAL;
	if (st->limit && len > st->limit)
		return -ENOMEM;
	table = kzalloc(sizeof(*table), GFP_KERNEL);
	if (!table)
		return -ENOMEM;
	if (sg_alloc_table(table, len >> PAGE_SHIFT, GFP_KERNEL)) {
		kfree(table);
		return -ENOMEM;
	}
	for_each_sgtable_sg(table, sg, i) {
		struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);

		if (!page) {
			ion_heap_kunit_free_table(table);
			return -ENOMEM;
		}
		sg_set_page(sg, page, PAGE_SIZE, 0);
	}
	buffer->sg_table = table;
	atomic_inc(&st->allocs);
	return 0;
}

static void ion_heap_kunit_free(struct ion_buffer *buffer)
{
	struct ion_heap_kunit_state *st = buffer->heap->priv;

	ion_heap_kunit_free_table(buffer->sg_table);
	buffer->sg_table = NULL;
	atomic_inc(&st->frees);
}

static void ion_heap_kunit_release(struct ion_heap *heap)
{
	struct ion_heap_kunit_state *st = heap->priv;

	atomic_inc(&st->released);
	kfree(heap);
}

/* A heap that is freed by its release op. */
static const struct ion_heap_ops ion_heap_kunit_ops = {
	.allocate = ion_heap_kunit_allocate,
	.free = ion_heap_kunit_free,
	.release = ion_heap_kunit_release,
};

static void ion_heap_kunit_static_release(struct ion_heap *heap)
{
	struct ion_heap_kunit_state *st = heap->priv;

	atomic_inc(&st->released);
}

/* A heap whose memory outlives it (static, here kunit-managed). */
static const struct ion_heap_ops ion_heap_kunit_static_ops = {
	.allocate = ion_heap_kunit_allocate,
	.free = ion_heap_kunit_free,
	.release = ion_heap_kunit_static_release,
};

KUNIT_DEFINE_ACTION_WRAPPER(ion_heap_kunit_device_destroy, ion_device_destroy,
			    struct ion_device *);
KUNIT_DEFINE_ACTION_WRAPPER(ion_heap_kunit_client_destroy, ion_client_destroy,
			    struct ion_client *);
KUNIT_DEFINE_ACTION_WRAPPER(ion_heap_kunit_dma_buf_put, dma_buf_put,
			    struct dma_buf *);

static void ion_heap_kunit_cleanup(void *data)
{
	struct ion_heap_kunit_state *st = data;

	if (st->removed) {
		flush_delayed_fput();
		return;
	}
	ion_kunit_wait_release(!atomic_read(&st->heap->num_buffers));
	ion_device_remove_heap(st->heap);
}

static struct ion_device *ion_heap_kunit_device(struct kunit *test)
{
	struct ion_device *dev;

	dev = ion_device_create("ion_kunit_heap", false);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ion_heap_kunit_device_destroy,
							   dev));
	return dev;
}

static struct ion_client *ion_heap_kunit_client(struct kunit *test,
						struct ion_device *dev)
{
	struct ion_client *client;

	client = ion_client_create(dev, "ion_kunit_heap");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, client);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ion_heap_kunit_client_destroy,
							   client));
	return client;
}

/* A heap, not yet registered; freed by its release op or at test end. */
static struct ion_heap_kunit_state *
ion_heap_kunit_new(struct kunit *test, const char *name, unsigned int id,
		   const struct ion_heap_ops *ops)
{
	struct ion_heap_kunit_state *st;
	struct ion_heap *heap;

	st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, st);
	if (ops == &ion_heap_kunit_ops)
		heap = kzalloc(sizeof(*heap), GFP_KERNEL);
	else
		heap = kunit_kzalloc(test, sizeof(*heap), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, heap);
	heap->name = name;
	heap->type = ION_HEAP_TYPE_CUSTOM;
	heap->id = id;
	heap->alias_id = -1;
	heap->priority = 10;
	heap->ops = ops;
	heap->owner = THIS_MODULE;
	heap->priv = st;
	st->heap = heap;
	return st;
}

/* ion_device_add_heap(), and removal at test end. */
static void ion_heap_kunit_register(struct kunit *test, struct ion_device *dev,
				    struct ion_heap_kunit_state *st)
{
	int ret;

	ret = ion_device_add_heap(dev, st->heap);
	if (ret && st->heap->ops == &ion_heap_kunit_ops)
		kfree(st->heap);
	KUNIT_ASSERT_EQ(test, 0, ret);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ion_heap_kunit_cleanup, st));
}

static struct ion_heap_kunit_state *
ion_heap_kunit_add(struct kunit *test, struct ion_device *dev, const char *name,
		   unsigned int id, const struct ion_heap_ops *ops)
{
	struct ion_heap_kunit_state *st = ion_heap_kunit_new(test, name, id, ops);

	ion_heap_kunit_register(test, dev, st);
	return st;
}

/*
 * Write a pattern through the buffer's kernel mapping, read it back
 * through another path: each page of the buffer's sg table mapped on its
 * own.  The pattern differs from page to page: a mapping of other pages
 * than the buffer's, or of its pages in another order, fails.
 */
static u8 ion_heap_kunit_byte(u8 first, size_t i)
{
	return first + i + 37 * (i >> PAGE_SHIFT);
}

static void ion_heap_kunit_rw(struct kunit *test, struct ion_client *client,
			      struct ion_handle *handle, u8 *vaddr, size_t len,
			      u8 first)
{
	struct sg_page_iter iter;
	struct sg_table *table;
	size_t i, off = 0, bad = len;

	for (i = 0; i < len; i++)
		vaddr[i] = ion_heap_kunit_byte(first, i);
	table = ion_sg_table(client, handle);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, table);
	for_each_sgtable_page(table, &iter, 0) {
		u8 *p = kmap_local_page(sg_page_iter_page(&iter));

		for (i = 0; i < PAGE_SIZE && off + i < len; i++)
			if (p[i] != ion_heap_kunit_byte(first, off + i) && bad == len)
				bad = off + i;
		kunmap_local(p);
		off += PAGE_SIZE;
	}
	KUNIT_EXPECT_GE(test, off, len);
	KUNIT_EXPECT_EQ_MSG(test, bad, len, "first byte that differs");
}

/* Register; allocate through the client API and through heap masks. */
static void ion_heap_custom_alloc(struct kunit *test)
{
	struct ion_device *dev = ion_heap_kunit_device(test);
	struct ion_client *client = ion_heap_kunit_client(test, dev);
	struct ion_heap_kunit_state *st, *other;
	struct ion_handle *handle;
	struct ion_buffer *buffer;
	unsigned int heap_id;
	size_t len = 3 * PAGE_SIZE;
	u8 *vaddr;

	st = ion_heap_kunit_add(test, dev, "kunit_custom", ION_HEAP_KUNIT_ID,
				&ion_heap_kunit_ops);
	other = ion_heap_kunit_new(test, "kunit_other", 2, &ion_heap_kunit_ops);
	other->heap->priority = 0;
	ion_heap_kunit_register(test, dev, other);
	KUNIT_EXPECT_PTR_EQ(test, st->heap,
			    ion_device_first_heap(dev, ION_HEAP(ION_HEAP_KUNIT_ID)));

	handle = ion_alloc(client, len - 100, 0, ION_HEAP(ION_HEAP_KUNIT_ID), 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, handle);
	KUNIT_EXPECT_EQ(test, 0, ion_handle_get_heap_id(client, handle, &heap_id));
	KUNIT_EXPECT_EQ(test, heap_id, ION_HEAP_KUNIT_ID);
	KUNIT_EXPECT_EQ(test, atomic_read(&st->allocs), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&st->heap->num_buffers), 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&st->heap->num_bytes), (long)len);

	vaddr = ion_map_kernel(client, handle);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vaddr);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(vaddr, 0, len));
	ion_heap_kunit_rw(test, client, handle, vaddr, len, 7);
	ion_unmap_kernel(client, handle);

	/* a heap this heap does not own an alignment for */
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL),
			    ion_alloc(client, PAGE_SIZE, 2 * PAGE_SIZE,
				      ION_HEAP(ION_HEAP_KUNIT_ID), 0));

	/* the mask picks the custom heap first: it has the higher priority */
	buffer = ion_buffer_create(dev, PAGE_SIZE, 0,
				   ION_HEAP(ION_HEAP_KUNIT_ID) | ION_HEAP(2), 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buffer);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ion_heap_kunit_dma_buf_put,
							   buffer->dmabuf));
	KUNIT_EXPECT_PTR_EQ(test, buffer->heap, st->heap);
	KUNIT_EXPECT_EQ(test, atomic_read(&st->heap->num_buffers), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&other->allocs), 0);

	ion_free(client, handle);
	ion_kunit_wait_release(atomic_read(&st->frees) == 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&st->frees), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&st->heap->num_buffers), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&st->released), 0);
}

/*
 * Removal with a live buffer: new allocations fail at once, the buffer
 * keeps working, and the heap is released with its last buffer.
 */
static void ion_heap_custom_remove_live(struct kunit *test)
{
	struct ion_device *dev = ion_heap_kunit_device(test);
	struct ion_client *client = ion_heap_kunit_client(test, dev);
	struct ion_heap_kunit_state *st, *next;
	unsigned int mask = ION_HEAP(ION_HEAP_KUNIT_ID);
	struct ion_handle *handle, *h2;
	struct sg_table *table;
	size_t len = 2 * PAGE_SIZE;
	struct ion_heap *heap;
	u8 *vaddr;

	st = ion_heap_kunit_add(test, dev, "kunit_live", ION_HEAP_KUNIT_ID,
				&ion_heap_kunit_ops);
	heap = st->heap;
	handle = ion_alloc(client, len, 0, mask, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, handle);
	vaddr = ion_map_kernel(client, handle);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vaddr);
	ion_heap_kunit_rw(test, client, handle, vaddr, len, 1);

	/* returns at once: this task holds the heap's only buffer */
	ion_device_remove_heap(heap);
	st->removed = true;
	KUNIT_EXPECT_EQ(test, atomic_read(&st->released), 0);
	KUNIT_EXPECT_NULL(test, ion_device_first_heap(dev, mask));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENODEV), ion_alloc(client, len, 0, mask, 0));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENODEV),
			    ion_buffer_create(dev, len, 0, mask, 0));
	/* not again before the release */
	KUNIT_EXPECT_EQ(test, -EBUSY, ion_device_add_heap(dev, heap));
	KUNIT_EXPECT_EQ(test, atomic_read(&st->allocs), 1);

	/* the live buffer: mapped, mapped again, written, read, its pages */
	ion_heap_kunit_rw(test, client, handle, vaddr, len, 2);
	KUNIT_EXPECT_PTR_EQ(test, vaddr, ion_map_kernel(client, handle));
	ion_unmap_kernel(client, handle);
	table = ion_sg_table(client, handle);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, table);
	KUNIT_EXPECT_EQ(test, table->orig_nents, len >> PAGE_SHIFT);
	KUNIT_EXPECT_EQ(test, vaddr[5], (u8)(2 + 5));

	/* the id is free: a new heap takes it while the old one drains */
	next = ion_heap_kunit_add(test, dev, "kunit_next", ION_HEAP_KUNIT_ID,
				  &ion_heap_kunit_ops);
	h2 = ion_alloc(client, PAGE_SIZE, 0, mask, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, h2);
	KUNIT_EXPECT_EQ(test, atomic_read(&next->allocs), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&st->allocs), 1);
	ion_free(client, h2);

	/* the last buffer goes: the old heap is released, once */
	ion_unmap_kernel(client, handle);
	ion_free(client, handle);
	ion_kunit_wait_release(atomic_read(&st->released) == 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&st->frees), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&st->released), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&next->released), 0);
}

/*
 * Removal of a heap without buffers releases it before returning; a
 * released heap whose memory outlives it can be added again.
 */
static void ion_heap_custom_remove_idle(struct kunit *test)
{
	struct ion_device *dev = ion_heap_kunit_device(test);
	struct ion_heap_kunit_state *st, *again;

	st = ion_heap_kunit_add(test, dev, "kunit_idle", ION_HEAP_KUNIT_ID,
				&ion_heap_kunit_ops);
	ion_device_remove_heap(st->heap);
	st->removed = true;
	KUNIT_EXPECT_EQ(test, atomic_read(&st->released), 1);

	again = ion_heap_kunit_add(test, dev, "kunit_again", 3,
				   &ion_heap_kunit_static_ops);
	ion_device_remove_heap(again->heap);
	KUNIT_EXPECT_EQ(test, atomic_read(&again->released), 1);
	KUNIT_EXPECT_NULL(test, ion_device_first_heap(dev, ION_HEAP(3)));
	KUNIT_EXPECT_EQ(test, 0, ion_device_add_heap(dev, again->heap));
	KUNIT_EXPECT_PTR_EQ(test, again->heap, ion_device_first_heap(dev, ION_HEAP(3)));
	KUNIT_EXPECT_EQ(test, atomic_read(&again->released), 1);
}

/* A heap that says no: the error comes through, nothing is accounted. */
static void ion_heap_custom_alloc_fail(struct kunit *test)
{
	struct ion_device *dev = ion_heap_kunit_device(test);
	struct ion_client *client = ion_heap_kunit_client(test, dev);
	struct ion_heap_kunit_state *st;
	struct ion_handle *handle;

	st = ion_heap_kunit_add(test, dev, "kunit_small", ION_HEAP_KUNIT_ID,
				&ion_heap_kunit_ops);
	st->limit = 2 * PAGE_SIZE;
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOMEM),
			    ion_alloc(client, 3 * PAGE_SIZE, 0,
				      ION_HEAP(ION_HEAP_KUNIT_ID), 0));
	KUNIT_EXPECT_EQ(test, atomic_read(&st->heap->num_buffers), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&st->heap->num_bytes), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&st->frees), 0);
	KUNIT_EXPECT_EQ(test, ion_client_handle_count(client), 0);

	handle = ion_alloc(client, 2 * PAGE_SIZE, 0, ION_HEAP(ION_HEAP_KUNIT_ID), 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, handle);
	ion_free(client, handle);
}

/* Registration errors: the precise errno, and the registry unchanged. */
static void ion_heap_custom_add_errors(struct kunit *test)
{
	struct ion_device *dev = ion_heap_kunit_device(test);
	const struct ion_heap_ops no_free = {
		.allocate = ion_heap_kunit_allocate,
		.release = ion_heap_kunit_static_release,
	};
	const struct ion_heap_ops no_release = {
		.allocate = ion_heap_kunit_allocate,
		.free = ion_heap_kunit_free,
	};
	struct ion_heap_kunit_state *st, *bad;
	struct ion_heap *heap;

	st = ion_heap_kunit_add(test, dev, "kunit_first", ION_HEAP_KUNIT_ID,
				&ion_heap_kunit_static_ops);
	bad = ion_heap_kunit_new(test, "kunit_bad", ION_HEAP_KUNIT_ID,
				 &ion_heap_kunit_static_ops);
	heap = bad->heap;

	/* duplicate id, as id or as alias */
	KUNIT_EXPECT_EQ(test, -EEXIST, ion_device_add_heap(dev, heap));
	heap->id = 4;
	heap->alias_id = ION_HEAP_KUNIT_ID;
	KUNIT_EXPECT_EQ(test, -EEXIST, ion_device_add_heap(dev, heap));
	/* the same heap twice */
	KUNIT_EXPECT_EQ(test, -EBUSY, ion_device_add_heap(dev, st->heap));

	/* bad ids */
	heap->alias_id = -1;
	heap->id = ION_NUM_HEAP_IDS;
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_device_add_heap(dev, heap));
	heap->id = UINT_MAX;
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_device_add_heap(dev, heap));
	heap->id = 4;
	heap->alias_id = ION_NUM_HEAP_IDS;
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_device_add_heap(dev, heap));
	heap->alias_id = -2;
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_device_add_heap(dev, heap));
	heap->alias_id = 4;
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_device_add_heap(dev, heap));

	/* incomplete heaps */
	heap->alias_id = -1;
	heap->ops = &no_free;
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_device_add_heap(dev, heap));
	heap->ops = &no_release;
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_device_add_heap(dev, heap));
	heap->ops = NULL;
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_device_add_heap(dev, heap));
	heap->ops = &ion_heap_kunit_static_ops;
	heap->name = NULL;
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_device_add_heap(dev, heap));
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_device_add_heap(NULL, st->heap));
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_device_add_heap(dev, NULL));

	/* nothing of that reached the registry */
	KUNIT_EXPECT_NULL(test, ion_device_first_heap(dev, ION_HEAP(4)));
	KUNIT_EXPECT_PTR_EQ(test, st->heap,
			    ion_device_first_heap(dev, ION_HEAP(ION_HEAP_KUNIT_ID)));
	KUNIT_EXPECT_EQ(test, refcount_read(&heap->ref), 0);

	/* and a good one still goes in */
	heap->name = "kunit_good";
	KUNIT_EXPECT_EQ(test, 0, ion_device_add_heap(dev, heap));
	ion_device_remove_heap(heap);
	KUNIT_EXPECT_EQ(test, atomic_read(&bad->released), 1);
}

/*
 * The DMA-BUF heap bridge: a custom heap of the default device is published
 * as /dev/dma_heap/ion-<name>; after removal the node fails with -ENODEV
 * and a heap of the same name brings it back.
 */
#if IS_ENABLED(CONFIG_ION_DMA_HEAP)
static void ion_heap_custom_dma_heap(struct kunit *test)
{
	struct ion_device *dev = ion_default_device();
	struct ion_heap_kunit_state *st, *again;
	const char *node = "ion-kunit_bridge";
	struct ion_buffer *buffer;
	struct dma_buf *dmabuf;
	int id;

	KUNIT_ASSERT_NOT_NULL(test, dev);
	/* a free id of the default device, from the top */
	for (id = ION_NUM_HEAP_IDS - 1; id >= 0; id--)
		if (!ion_device_first_heap(dev, ION_HEAP(id)))
			break;
	KUNIT_ASSERT_GE(test, id, 0);

	st = ion_heap_kunit_add(test, dev, "kunit_bridge", id, &ion_heap_kunit_ops);
	dmabuf = ion_dma_heap_alloc_by_name(node, 2 * PAGE_SIZE);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dmabuf);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ion_heap_kunit_dma_buf_put,
							   dmabuf));
	buffer = ion_dma_buf_to_buffer(dmabuf);
	KUNIT_ASSERT_NOT_NULL(test, buffer);
	KUNIT_EXPECT_PTR_EQ(test, buffer->heap, st->heap);
	KUNIT_EXPECT_EQ(test, buffer->size, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, buffer->flags, ION_FLAG_CACHED);
	KUNIT_EXPECT_TRUE(test, !!(dmabuf->file->f_mode & FMODE_WRITE));

	ion_device_remove_heap(st->heap);
	st->removed = true;
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENODEV),
			    ion_dma_heap_alloc_by_name(node, PAGE_SIZE));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOENT),
			    ion_dma_heap_alloc_by_name("ion-kunit_never", PAGE_SIZE));
	/* the buffer outlives its heap's registration */
	KUNIT_EXPECT_EQ(test, atomic_read(&st->released), 0);

	again = ion_heap_kunit_add(test, dev, "kunit_bridge", id, &ion_heap_kunit_ops);
	dmabuf = ion_dma_heap_alloc_by_name(node, PAGE_SIZE);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dmabuf);
	KUNIT_EXPECT_PTR_EQ(test, ion_dma_buf_to_buffer(dmabuf)->heap, again->heap);
	dma_buf_put(dmabuf);
	ion_kunit_wait_release(atomic_read(&again->frees) == 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&again->frees), 1);
}
#else
static void ion_heap_custom_dma_heap(struct kunit *test)
{
	kunit_skip(test, "CONFIG_ION_DMA_HEAP is off");
}
#endif

static struct kunit_case ion_heap_test_cases[] = {
	KUNIT_CASE(ion_heap_custom_alloc),
	KUNIT_CASE(ion_heap_custom_remove_live),
	KUNIT_CASE(ion_heap_custom_remove_idle),
	KUNIT_CASE(ion_heap_custom_alloc_fail),
	KUNIT_CASE(ion_heap_custom_add_errors),
	KUNIT_CASE(ion_heap_custom_dma_heap),
	{}
};

static struct kunit_suite ion_heap_test_suite = {
	.name = "ion_heap",
	.test_cases = ion_heap_test_cases,
};

kunit_test_suite(ion_heap_test_suite);
