// SPDX-License-Identifier: GPL-2.0
/*
 * ION system contig heap: physically contiguous, zeroed pages from the page
 * allocator, aligned as asked (up to the size of the allocation's order).
 * Heap id 1 (== its type), msm alias ION_SYSTEM_CONTIG_HEAP_ID (21).
 *
 * Each buffer is one whole block of 2^order pages, kept whole (a compound
 * page) and given back whole: a block split and freed page by page leaves
 * its pages to other allocations, which then sit inside every free block
 * of that order, and the next large request finds none.  A buffer of a
 * length between two orders keeps the unused tail of its block.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/ion.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "ion_heaps.h"

/* Never wake the OOM killer or warn for a contiguous request. */
#define ION_SYSTEM_CONTIG_GFP (GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN | \
			       __GFP_RETRY_MAYFAIL | __GFP_COMP)

static const struct ion_heap_ops ion_system_contig_heap_ops;

static struct ion_heap ion_system_contig_heap = {
	.name = "ion_system_contig_heap",
	.type = ION_HEAP_TYPE_SYSTEM_CONTIG,
	.id = ION_HEAP_TYPE_SYSTEM_CONTIG,
	.alias_id = ION_SYSTEM_CONTIG_HEAP_ID,
	.priority = 0,
	/* the largest block the page allocator hands out */
	.max_len = PAGE_SIZE << MAX_PAGE_ORDER,
	.ops = &ion_system_contig_heap_ops,
	.owner = THIS_MODULE,
};

static int ion_system_contig_heap_allocate(struct ion_heap *heap,
					   struct ion_buffer *buffer,
					   unsigned long len,
					   unsigned long align,
					   unsigned long flags)
{
	unsigned int order = get_order(len);
	struct sg_table *table;
	struct page *page;
	int ret;

	if (order > MAX_PAGE_ORDER)
		return -ENOMEM;
	/* A block of 2^order pages is aligned to its own size. */
	if (align > (PAGE_SIZE << order) || (align > PAGE_SIZE && !is_power_of_2(align)))
		return -EINVAL;

	/* A buffer of user space is charged to the task's memory cgroup. */
	page = alloc_pages(ION_SYSTEM_CONTIG_GFP |
			   (buffer->account ? __GFP_ACCOUNT : 0), order);
	if (!page)
		return -ENOMEM;

	table = ion_heap_contig_sg_table(page, len);
	if (IS_ERR(table)) {
		ret = PTR_ERR(table);
		goto free_pages;
	}
	buffer->sg_table = table;
	buffer->priv_virt = page;
	return 0;

free_pages:
	__free_pages(page, order);
	return ret;
}

static void ion_system_contig_heap_free(struct ion_buffer *buffer)
{
	struct page *page = buffer->priv_virt;

	__free_pages(page, get_order(buffer->size));
	ion_heap_free_sg_table(buffer->sg_table);
	buffer->sg_table = NULL;
}

static int ion_system_contig_heap_phys(struct ion_heap *heap,
				       struct ion_buffer *buffer,
				       phys_addr_t *addr, size_t *len)
{
	struct page *page = buffer->priv_virt;

	*addr = page_to_phys(page);
	*len = buffer->size;
	return 0;
}

/* A static heap over the page allocator: nothing to free. */
static void ion_system_contig_heap_release(struct ion_heap *heap)
{
}

static const struct ion_heap_ops ion_system_contig_heap_ops = {
	.allocate = ion_system_contig_heap_allocate,
	.free = ion_system_contig_heap_free,
	.phys = ion_system_contig_heap_phys,
	.release = ion_system_contig_heap_release,
};

/**
 * ion_system_contig_heap_init() - add the contiguous heap to a device
 * @dev: the device
 *
 * Context: process context.
 * Return: 0 or an ion_device_add_heap() error.
 */
int ion_system_contig_heap_init(struct ion_device *dev)
{
	return ion_device_add_heap(dev, &ion_system_contig_heap);
}

/**
 * ion_system_contig_heap_exit() - remove the contiguous heap
 *
 * Context: process context.
 */
void ion_system_contig_heap_exit(void)
{
	ion_device_remove_heap(&ion_system_contig_heap);
}
