/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ION page pools: the freed blocks of one order that a heap keeps instead
 * of giving them back to the page allocator, zeroed (clean) or waiting to
 * be zeroed (dirty).
 */
#ifndef _ION_PAGE_POOL_H
#define _ION_PAGE_POOL_H

#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct page;

/**
 * struct ion_page_pool - freed blocks of one order
 * @lock: protects @clean, @dirty, @clean_count and @dirty_count
 * @clean: zeroed blocks, linked through page->lru, handed out as they are
 * @dirty: blocks of freed buffers, linked through page->lru, not zeroed yet
 * @clean_count: number of blocks in @clean
 * @dirty_count: number of blocks in @dirty plus the blocks
 *	ion_page_pool_clean_one() is zeroing on their way to @clean
 * @order: allocation order of every block in the pool
 *
 * Clean blocks are accounted as %NR_KERNEL_MISC_RECLAIMABLE on their node,
 * so they show up as KReclaimable in /proc/meminfo.
 */
struct ion_page_pool {
	spinlock_t lock;	/* see @lock */
	struct list_head clean;
	struct list_head dirty;
	unsigned long clean_count;
	unsigned long dirty_count;
	unsigned int order;
};

void ion_page_pool_init(struct ion_page_pool *pool, unsigned int order);
struct page *ion_page_pool_remove(struct ion_page_pool *pool);
int ion_page_pool_add(struct ion_page_pool *pool, struct page *page);
int ion_page_pool_add_zeroed(struct ion_page_pool *pool, struct page *page);
void ion_page_pool_add_dirty(struct ion_page_pool *pool,
			     struct list_head *pages, unsigned long nr_blocks);
struct page *ion_page_pool_remove_dirty(struct ion_page_pool *pool);
bool ion_page_pool_clean_one(struct ion_page_pool *pool);
unsigned long ion_page_pool_shrink(struct ion_page_pool *pool,
				   unsigned long nr_to_scan);
unsigned long ion_page_pool_count(struct ion_page_pool *pool);
unsigned long ion_page_pool_nr_pages(struct ion_page_pool *pool);
unsigned long ion_page_pool_dirty_nr_pages(struct ion_page_pool *pool);

#endif /* _ION_PAGE_POOL_H */
