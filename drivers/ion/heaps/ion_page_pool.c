// SPDX-License-Identifier: GPL-2.0
/*
 * ION page pools: per-order lists of freed blocks.
 *
 * A heap keeps the pages of freed buffers here instead of giving them back
 * to the page allocator, so that the next allocation of the same size skips
 * the buddy allocator (and, for high orders, compaction).  A pool has two
 * lists:
 *
 * - dirty: blocks of freed buffers as they were, added without zeroing by
 *   ion_page_pool_add_dirty() (cheap enough for the freeing task);
 * - clean: zeroed blocks.  ion_page_pool_clean_one() (the heap's background
 *   worker) moves a block from dirty to clean, zeroing it on the way;
 *   ion_page_pool_add() zeroes a block of its caller's into clean, and
 *   ion_page_pool_add_zeroed() puts one there that is still zero (never
 *   written since it was zeroed) as it is.
 *
 * ion_page_pool_remove() hands out a clean block, or when there is none a
 * dirty one that it zeroes there and then: a block out of a pool is always
 * zero.  Both lists are last in, first out: the block added last, the one
 * likeliest to be in the CPU's caches still, is the next one taken (first
 * in, first out would hand out the coldest block of a large pool).
 *
 * Clean blocks count as NR_KERNEL_MISC_RECLAIMABLE (KReclaimable in
 * /proc/meminfo) because the heap's shrinker gives them back on demand with
 * ion_page_pool_shrink(), dirty ones first.  Which pools exist, how large
 * they may grow and when they are cleaned or shrunk is the heap's policy,
 * not this file's.
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

/* Zero a block through kmap_local_page(), yielding between batches. */
static void ion_page_pool_zero(struct ion_page_pool *pool, struct page *page)
{
	unsigned long i;

	for (i = 0; i < (1UL << pool->order); i++) {
		clear_highpage(nth_page(page, i));
		if (!((i + 1) % ION_PAGE_POOL_ZERO_BATCH))
			cond_resched();
	}
}

/* Put a zeroed block on the clean list. */
static void ion_page_pool_add_clean(struct ion_page_pool *pool,
				    struct page *page)
{
	lockdep_assert_held(&pool->lock);
	list_add(&page->lru, &pool->clean);
	pool->clean_count++;
	ion_page_pool_account(pool, page, 1);
}

/* Take the first block of the clean or the dirty list; NULL when empty. */
static struct page *ion_page_pool_take(struct ion_page_pool *pool, bool dirty)
{
	struct list_head *list = dirty ? &pool->dirty : &pool->clean;
	struct page *page;

	/*
	 * An unlocked look first: allocations from a cold pool should not pay
	 * for the lock.  A block added meanwhile is missed, as it would have
	 * been had it come a moment later.
	 */
	if (list_empty(list))
		return NULL;
	spin_lock(&pool->lock);
	page = list_first_entry_or_null(list, struct page, lru);
	if (page) {
		list_del(&page->lru);
		if (dirty) {
			pool->dirty_count--;
		} else {
			pool->clean_count--;
			ion_page_pool_account(pool, page, -1);
		}
	}
	spin_unlock(&pool->lock);
	return page;
}

/**
 * ion_page_pool_init() - initialise an empty pool
 * @pool: the pool
 * @order: allocation order of the blocks the pool will hold
 *
 * Context: any context.
 */
void ion_page_pool_init(struct ion_page_pool *pool, unsigned int order)
{
	spin_lock_init(&pool->lock);
	INIT_LIST_HEAD(&pool->clean);
	INIT_LIST_HEAD(&pool->dirty);
	pool->clean_count = 0;
	pool->dirty_count = 0;
	pool->order = order;
}

/**
 * ion_page_pool_remove() - take a zeroed block out of the pool
 * @pool: the pool
 *
 * A clean block when there is one, else a dirty block, zeroed here.
 *
 * Context: process context; may sleep when it zeroes a dirty block.
 * Return: a zeroed block of 1 << @pool->order pages that the caller now
 * owns (free it with __free_pages() or give it back with
 * ion_page_pool_add()), or NULL when the pool is empty.
 */
struct page *ion_page_pool_remove(struct ion_page_pool *pool)
{
	struct page *page;

	page = ion_page_pool_take(pool, false);
	if (page)
		return page;
	page = ion_page_pool_take(pool, true);
	if (page)
		ion_page_pool_zero(pool, page);
	return page;
}

/**
 * ion_page_pool_add() - zero a block and put it on the clean list
 * @pool: the pool
 * @page: a block of 1 << @pool->order pages (compound when the order is not
 *	zero) that the caller owns; its content may be anything
 *
 * Zeroes the whole block, yielding the CPU every %ION_PAGE_POOL_ZERO_BATCH
 * pages, then adds it to the pool, which owns it from then on.  The pool
 * does not limit its own size: the caller decides whether a block goes to
 * the pool or back to the page allocator.
 *
 * Context: process context, may sleep.
 * Return: 0, or -EINVAL (and a warning) when the block's order is not the
 * pool's; the caller keeps @page then.
 */
int ion_page_pool_add(struct ion_page_pool *pool, struct page *page)
{
	if (WARN_ON_ONCE(!page || compound_order(page) != pool->order))
		return -EINVAL;

	ion_page_pool_zero(pool, page);
	spin_lock(&pool->lock);
	ion_page_pool_add_clean(pool, page);
	spin_unlock(&pool->lock);
	return 0;
}

/**
 * ion_page_pool_add_zeroed() - put a block that is still zero on the clean list
 * @pool: the pool
 * @page: a block of 1 << @pool->order pages (compound when the order is not
 *	zero) that the caller owns and knows to be zero in every byte: taken
 *	zeroed from a pool or the page allocator and written by nobody since
 *
 * Nothing is zeroed here: the block goes on the clean list as it is, and
 * the pool owns it from then on.  As with ion_page_pool_add(), the caller
 * decides whether the pool has room.
 *
 * Context: any context; takes @pool->lock once.
 * Return: 0, or -EINVAL (and a warning) when the block's order is not the
 * pool's; the caller keeps @page then.
 */
int ion_page_pool_add_zeroed(struct ion_page_pool *pool, struct page *page)
{
	if (WARN_ON_ONCE(!page || compound_order(page) != pool->order))
		return -EINVAL;

	spin_lock(&pool->lock);
	ion_page_pool_add_clean(pool, page);
	spin_unlock(&pool->lock);
	return 0;
}

/**
 * ion_page_pool_add_dirty() - put freed blocks on the dirty list as they are
 * @pool: the pool
 * @pages: blocks of 1 << @pool->order pages each, linked through page->lru;
 *	the list is empty on return and the pool owns the blocks
 * @nr_blocks: number of blocks on @pages
 *
 * Nothing is zeroed here: ion_page_pool_clean_one() or ion_page_pool_remove()
 * does that later.
 *
 * Context: any context; takes @pool->lock once.
 */
void ion_page_pool_add_dirty(struct ion_page_pool *pool,
			     struct list_head *pages, unsigned long nr_blocks)
{
	spin_lock(&pool->lock);
	list_splice_init(pages, &pool->dirty);
	pool->dirty_count += nr_blocks;
	spin_unlock(&pool->lock);
}

/**
 * ion_page_pool_remove_dirty() - take a dirty block out of the pool unzeroed
 * @pool: the pool
 *
 * For a heap that gives a freed block back to the page allocator rather than
 * zero it (its pools are full, or memory is short).
 *
 * Context: any context.
 * Return: the block, which the caller now owns, or NULL when there is no
 * dirty block.
 */
struct page *ion_page_pool_remove_dirty(struct ion_page_pool *pool)
{
	return ion_page_pool_take(pool, true);
}

/**
 * ion_page_pool_clean_one() - zero one dirty block onto the clean list
 * @pool: the pool
 *
 * The block counts as dirty until it is on the clean list.
 *
 * Context: process context, may sleep.
 * Return: true when a block was cleaned, false when there was none.
 */
bool ion_page_pool_clean_one(struct ion_page_pool *pool)
{
	struct page *page;

	if (list_empty(&pool->dirty))
		return false;
	spin_lock(&pool->lock);
	page = list_first_entry_or_null(&pool->dirty, struct page, lru);
	if (page)
		list_del(&page->lru);
	spin_unlock(&pool->lock);
	if (!page)
		return false;

	ion_page_pool_zero(pool, page);
	spin_lock(&pool->lock);
	pool->dirty_count--;
	ion_page_pool_add_clean(pool, page);
	spin_unlock(&pool->lock);
	return true;
}

/**
 * ion_page_pool_shrink() - give pooled blocks back to the page allocator
 * @pool: the pool
 * @nr_to_scan: how many pages (not blocks) to free at least, ULONG_MAX to
 *	empty the pool
 *
 * Frees whole blocks, dirty ones first (nobody paid for zeroing them yet),
 * then clean ones, until at least @nr_to_scan pages are freed or the pool
 * is empty.
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
		page = ion_page_pool_take(pool, true);
		if (!page)
			page = ion_page_pool_take(pool, false);
		if (!page)
			break;
		__free_pages(page, pool->order);
		freed += 1UL << pool->order;
	}
	return freed;
}

/**
 * ion_page_pool_count() - clean blocks in the pool
 * @pool: the pool
 *
 * Context: any context; the value may be stale by the time it is used.
 * Return: the number of zeroed blocks of 1 << @pool->order pages.
 */
unsigned long ion_page_pool_count(struct ion_page_pool *pool)
{
	return READ_ONCE(pool->clean_count);
}

/**
 * ion_page_pool_nr_pages() - pages on the clean list
 * @pool: the pool
 *
 * Context: any context; the value may be stale by the time it is used.
 * Return: the number of zeroed pages (blocks times 1 << @pool->order).
 */
unsigned long ion_page_pool_nr_pages(struct ion_page_pool *pool)
{
	return ion_page_pool_count(pool) << pool->order;
}

/**
 * ion_page_pool_dirty_nr_pages() - pages not zeroed yet
 * @pool: the pool
 *
 * Context: any context; the value may be stale by the time it is used.
 * Return: the number of pages on the dirty list or being cleaned.
 */
unsigned long ion_page_pool_dirty_nr_pages(struct ion_page_pool *pool)
{
	return READ_ONCE(pool->dirty_count) << pool->order;
}
