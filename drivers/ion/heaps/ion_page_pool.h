/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ION page pools: free lists of zeroed pages of one order, which a heap
 * keeps instead of giving freed pages back to the page allocator.
 */
#ifndef _ION_PAGE_POOL_H
#define _ION_PAGE_POOL_H

#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct page;

/**
 * struct ion_page_pool - zeroed pages of one order
 * @lock: protects @pages and @count
 * @pages: the pooled pages, linked through page->lru; every one is zeroed
 * @count: number of blocks (of 1 << @order pages each) in @pages
 * @order: allocation order of every block in the pool
 * @cached: the pool serves buffers with %ION_FLAG_CACHED (only used for
 *	debugfs: on architectures without cache maintenance both kinds of
 *	pages are the same)
 *
 * Pooled pages are accounted as %NR_KERNEL_MISC_RECLAIMABLE on their node,
 * so they show up as KReclaimable in /proc/meminfo.
 */
struct ion_page_pool {
	spinlock_t lock;	/* see @lock */
	struct list_head pages;
	unsigned long count;
	unsigned int order;
	bool cached;
};

void ion_page_pool_init(struct ion_page_pool *pool, unsigned int order,
			bool cached);
struct page *ion_page_pool_remove(struct ion_page_pool *pool);
int ion_page_pool_add(struct ion_page_pool *pool, struct page *page);
unsigned long ion_page_pool_shrink(struct ion_page_pool *pool,
				   unsigned long nr_to_scan);
unsigned long ion_page_pool_count(struct ion_page_pool *pool);
unsigned long ion_page_pool_nr_pages(struct ion_page_pool *pool);

#endif /* _ION_PAGE_POOL_H */
