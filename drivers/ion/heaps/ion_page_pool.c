// SPDX-License-Identifier: GPL-2.0
/*
 * ION page pools: per-order free lists of zeroed pages.
 *
 * A heap keeps the pages of freed buffers here instead of giving them back
 * to the page allocator, so that the next allocation of the same size skips
 * the buddy allocator (and, for high orders, compaction).  A page enters a
 * pool only through ion_page_pool_add(), which zeroes it first: a page out
 * of a pool is always zero, and ion_page_pool_remove() never zeroes.
 *
 * Pooled pages count as NR_KERNEL_MISC_RECLAIMABLE (KReclaimable in
 * /proc/meminfo) because the heap's shrinker gives them back on demand with
 * ion_page_pool_shrink().  Which pools exist, how large they may grow and
 * when they are shrunk is the heap's policy, not this file's.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bug.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/vmstat.h>

#include "ion_page_pool.h"

/* Zero a block between yields: 64 pages (256 KiB with 4 KiB pages). */
#define ION_PAGE_POOL_ZERO_BATCH	64

static void ion_page_pool_account(struct ion_page_pool *pool,
				  struct page *page, long sign)
{
	mod_node_page_state(page_pgdat(page), NR_KERNEL_MISC_RECLAIMABLE,
			    sign * (1L << pool->order));
}

/**
 * ion_page_pool_init() - initialise an empty pool
 * @pool: the pool
 * @order: allocation order of the blocks the pool will hold
 * @cached: the pool serves cached buffers (for the heap's bookkeeping)
 *
 * Context: any context.
 */
void ion_page_pool_init(struct ion_page_pool *pool, unsigned int order,
			bool cached)
{
	spin_lock_init(&pool->lock);
	INIT_LIST_HEAD(&pool->pages);
	pool->count = 0;
	pool->order = order;
	pool->cached = cached;
}

/**
 * ion_page_pool_remove() - take a zeroed block out of the pool
 * @pool: the pool
 *
 * Context: any context; takes @pool->lock unless the pool is empty.
 * Return: a zeroed block of 1 << @pool->order pages that the caller now
 * owns (free it with __free_pages() or give it back with
 * ion_page_pool_add()), or NULL when the pool is empty.
 */
struct page *ion_page_pool_remove(struct ion_page_pool *pool)
{
	struct page *page;

	/*
	 * An unlocked look first: allocations from a cold pool should not pay
	 * for the lock.  A block added meanwhile is missed, as it would have
	 * been had it come a moment later.
	 */
	if (list_empty(&pool->pages))
		return NULL;
	spin_lock(&pool->lock);
	page = list_first_entry_or_null(&pool->pages, struct page, lru);
	if (page) {
		list_del(&page->lru);
		pool->count--;
		ion_page_pool_account(pool, page, -1);
	}
	spin_unlock(&pool->lock);
	return page;
}

/**
 * ion_page_pool_add() - zero a block and put it in the pool
 * @pool: the pool
 * @page: a block of 1 << @pool->order pages (compound when the order is not
 *	zero) that the caller owns; its content may be anything
 *
 * Zeroes the whole block through kmap_local_page(), yielding the CPU every
 * %ION_PAGE_POOL_ZERO_BATCH pages, then adds it to the pool, which owns it
 * from then on.  The pool does not limit its own size: the caller decides
 * whether a block goes to the pool or back to the page allocator.
 *
 * Context: process context, may sleep.
 * Return: 0, or -EINVAL (and a warning) when the block's order is not the
 * pool's; the caller keeps @page then.
 */
int ion_page_pool_add(struct ion_page_pool *pool, struct page *page)
{
	unsigned long i;

	if (WARN_ON_ONCE(!page || compound_order(page) != pool->order))
		return -EINVAL;

	for (i = 0; i < (1UL << pool->order); i++) {
		clear_highpage(nth_page(page, i));
		if (!((i + 1) % ION_PAGE_POOL_ZERO_BATCH))
			cond_resched();
	}

	spin_lock(&pool->lock);
	list_add_tail(&page->lru, &pool->pages);
	pool->count++;
	ion_page_pool_account(pool, page, 1);
	spin_unlock(&pool->lock);
	return 0;
}

/**
 * ion_page_pool_shrink() - give pooled blocks back to the page allocator
 * @pool: the pool
 * @nr_to_scan: how many pages (not blocks) to free at least, ULONG_MAX to
 *	empty the pool
 *
 * Frees whole blocks, most recently added last, until at least
 * @nr_to_scan pages are freed or the pool is empty.
 *
 * Context: process context (the shrinker, heap teardown); takes
 * @pool->lock once per block.
 * Return: the number of pages freed.
 */
unsigned long ion_page_pool_shrink(struct ion_page_pool *pool,
				   unsigned long nr_to_scan)
{
	unsigned long freed = 0;
	struct page *page;

	while (freed < nr_to_scan) {
		page = ion_page_pool_remove(pool);
		if (!page)
			break;
		__free_pages(page, pool->order);
		freed += 1UL << pool->order;
	}
	return freed;
}

/**
 * ion_page_pool_count() - blocks in the pool
 * @pool: the pool
 *
 * Context: any context; the value may be stale by the time it is used.
 * Return: the number of blocks of 1 << @pool->order pages in the pool.
 */
unsigned long ion_page_pool_count(struct ion_page_pool *pool)
{
	return READ_ONCE(pool->count);
}

/**
 * ion_page_pool_nr_pages() - pages in the pool
 * @pool: the pool
 *
 * Context: any context; the value may be stale by the time it is used.
 * Return: the number of pages (blocks times 1 << @pool->order) in the pool.
 */
unsigned long ion_page_pool_nr_pages(struct ion_page_pool *pool)
{
	return ion_page_pool_count(pool) << pool->order;
}
