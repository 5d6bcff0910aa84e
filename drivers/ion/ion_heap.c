// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers for heap authors: zeroing memory that does not come zeroed from
 * its allocator (carveout, CMA) and describing a physically contiguous
 * block as an sg_table.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/highmem.h>
#include <linux/ion.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include "ion_priv.h"

/**
 * ion_heap_zero_pages() - zero a physically contiguous block of pages
 * @page: first page of the block
 * @len: length in bytes, a multiple of PAGE_SIZE
 *
 * Zeroes page by page through kmap_local_page(), so highmem and memory
 * without a linear mapping of its own work.  Stops when the caller gets a
 * fatal signal.
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL when @len is not page aligned, -EINTR.
 */
int ion_heap_zero_pages(struct page *page, size_t len)
{
	unsigned long i, npages = len >> PAGE_SHIFT;

	if (!page || !len || !PAGE_ALIGNED(len))
		return -EINVAL;
	for (i = 0; i < npages; i++) {
		/* zeroing a large carveout takes a while: stay killable */
		if (!(i % 256)) {
			if (fatal_signal_pending(current))
				return -EINTR;
			cond_resched();
		}
		clear_highpage(nth_page(page, i));
	}
	return 0;
}
EXPORT_SYMBOL_GPL(ion_heap_zero_pages);

/**
 * ion_heap_contig_sg_table() - an sg_table of one physically contiguous block
 * @page: first page of the block
 * @len: length in bytes
 *
 * Context: process context, may sleep.
 * Return: the table (free it with ion_heap_free_sg_table()), or
 * ERR_PTR(-EINVAL) / ERR_PTR(-ENOMEM).
 */
struct sg_table *ion_heap_contig_sg_table(struct page *page, size_t len)
{
	struct sg_table *table;
	int ret;

	if (!page || !len || len > UINT_MAX)
		return ERR_PTR(-EINVAL);
	table = kmalloc(sizeof(*table), GFP_KERNEL);
	if (!table)
		return ERR_PTR(-ENOMEM);
	ret = sg_alloc_table(table, 1, GFP_KERNEL);
	if (ret) {
		kfree(table);
		return ERR_PTR(ret);
	}
	sg_set_page(table->sgl, page, len, 0);
	return table;
}
EXPORT_SYMBOL_GPL(ion_heap_contig_sg_table);

/**
 * ion_heap_free_sg_table() - free a table, not the pages it describes
 * @table: a table from ion_heap_contig_sg_table() or allocated the same way
 *	(kmalloc() + sg_alloc_table()); NULL is ignored
 *
 * Context: any context that may free memory.
 */
void ion_heap_free_sg_table(struct sg_table *table)
{
	if (!table)
		return;
	sg_free_table(table);
	kfree(table);
}
EXPORT_SYMBOL_GPL(ion_heap_free_sg_table);
