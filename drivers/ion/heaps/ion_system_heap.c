// SPDX-License-Identifier: GPL-2.0
/*
 * ION system heap: zeroed pages from the page allocator, not physically
 * contiguous, largest orders first.  Heap id 0 (== its type), msm alias
 * ION_SYSTEM_HEAP_ID (25).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/ion.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "../ion_priv.h"

/*
 * Higher orders never retry, never warn and never reclaim (they fall back to
 * smaller orders); order 0 may retry but fails rather than waking the OOM
 * killer.
 */
#define ION_SYSTEM_HIGH_ORDER_GFP (((GFP_HIGHUSER | __GFP_ZERO | __GFP_NOWARN | \
				     __GFP_NORETRY) & ~__GFP_RECLAIM) | __GFP_COMP)
#define ION_SYSTEM_LOW_ORDER_GFP (GFP_HIGHUSER | __GFP_ZERO | __GFP_NOWARN | \
				  __GFP_RETRY_MAYFAIL)

/*
 * The orders (1MB, 64K, 4K) are designed to match with the sizes often
 * found in IOMMUs, as the DMA-BUF system heap does.
 */
static const unsigned int ion_system_heap_orders[] = {8, 4, 0};

static struct ion_heap ion_system_heap = {
	.name = "ion_system_heap",
	.type = ION_HEAP_TYPE_SYSTEM,
	.id = ION_HEAP_TYPE_SYSTEM,
	.alias_id = ION_SYSTEM_HEAP_ID,
	.priority = 0,
	.ops = &ion_system_heap_ops,
	.owner = THIS_MODULE,
};

static struct page *ion_system_heap_alloc_largest(unsigned long size,
						  unsigned int max_order)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ion_system_heap_orders); i++) {
		unsigned int order = ion_system_heap_orders[i];
		struct page *page;

		if (size < (PAGE_SIZE << order) || order > max_order)
			continue;
		page = alloc_pages(order ? ION_SYSTEM_HIGH_ORDER_GFP :
				   ION_SYSTEM_LOW_ORDER_GFP, order);
		if (page)
			return page;
	}
	return NULL;
}

static void ion_system_heap_free_table(struct sg_table *table)
{
	struct scatterlist *sg;
	int i;

	for_each_sgtable_sg(table, sg, i)
		__free_pages(sg_page(sg), get_order(sg->length));
	sg_free_table(table);
	kfree(table);
}

static int ion_system_heap_allocate(struct ion_heap *heap,
				    struct ion_buffer *buffer,
				    unsigned long len, unsigned long align,
				    unsigned long flags)
{
	unsigned int max_order = ion_system_heap_orders[0];
	unsigned long size_remaining = len;
	struct page *page, *tmp_page;
	struct scatterlist *sg;
	struct sg_table *table;
	struct list_head pages;
	unsigned int i = 0;
	int ret = -ENOMEM;

	/* The old driver accepted any align up to a page, power of 2 or not. */
	if (align > PAGE_SIZE)
		return -EINVAL;

	INIT_LIST_HEAD(&pages);
	while (size_remaining > 0) {
		/* Stop a large allocation when the caller is being killed. */
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			goto free_pages;
		}
		page = ion_system_heap_alloc_largest(size_remaining, max_order);
		if (!page)
			goto free_pages;
		list_add_tail(&page->lru, &pages);
		size_remaining -= page_size(page);
		max_order = compound_order(page);
		i++;
	}

	table = kzalloc(sizeof(*table), GFP_KERNEL);
	if (!table)
		goto free_pages;
	if (sg_alloc_table(table, i, GFP_KERNEL))
		goto free_table;

	sg = table->sgl;
	list_for_each_entry_safe(page, tmp_page, &pages, lru) {
		sg_set_page(sg, page, page_size(page), 0);
		sg = sg_next(sg);
		list_del(&page->lru);
	}
	buffer->sg_table = table;
	return 0;

free_table:
	kfree(table);
free_pages:
	list_for_each_entry_safe(page, tmp_page, &pages, lru)
		__free_pages(page, compound_order(page));
	return ret;
}

static void ion_system_heap_free(struct ion_buffer *buffer)
{
	ion_system_heap_free_table(buffer->sg_table);
	buffer->sg_table = NULL;
}

const struct ion_heap_ops ion_system_heap_ops = {
	.allocate = ion_system_heap_allocate,
	.free = ion_system_heap_free,
};
EXPORT_SYMBOL_IF_KUNIT(ion_system_heap_ops);

/**
 * ion_system_heap_register() - add the system heap to a device
 * @dev: the device
 *
 * Context: process context.
 * Return: 0 or an ion_device_add_heap() error.
 */
int ion_system_heap_register(struct ion_device *dev)
{
	return ion_device_add_heap(dev, &ion_system_heap);
}

/**
 * ion_system_heap_unregister() - remove the system heap
 *
 * Context: process context, sleeps until its buffers are gone.
 */
void ion_system_heap_unregister(void)
{
	ion_device_remove_heap(&ion_system_heap);
}
