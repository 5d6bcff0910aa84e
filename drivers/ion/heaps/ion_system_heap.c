// SPDX-License-Identifier: GPL-2.0
/*
 * ION system heap: zeroed pages from the page allocator, not physically
 * contiguous, largest orders first.  Heap id 0 (== its type), msm alias
 * ION_SYSTEM_HEAP_ID (25).
 *
 * Freed pages are recycled through page pools, one per order and per kind
 * (cached, uncached), each with a clean and a dirty list:
 *
 * - allocation takes a clean block from the pool of the order first, else
 *   a dirty block of that order (zeroing it there and then), else one from
 *   the page allocator, else falls back to the next smaller order;
 * - freeing a buffer only puts its blocks on the dirty lists of their pools
 *   (no sleeping, no zeroing, no wakeup: the work is kicked through a
 *   timer, at the next tick); a SCHED_IDLE kthread worker zeroes them onto
 *   the clean lists; the blocks of a buffer that was never mapped,
 *   attached or given out (&ion_buffer.exposed) are still zero and go on
 *   the clean lists as they are; blocks beyond what the pools can take
 *   (pool_limit_mb, less the clean and the dirty pages) go back to the
 *   page allocator at once;
 * - an allocation that fails or is killed midway puts the blocks it took,
 *   still zero, on the clean lists as they are (the rest, beyond
 *   pool_limit_mb, back to the page allocator);
 * - a shrinker gives dirty and clean pages back under memory pressure, and
 *   on "echo 3 > /proc/sys/vm/drop_caches";
 * - the heap's debugfs file shows the clean blocks of every pool ("pool
 *   order ...", "pool total") and the dirty pages ("deferred free").
 *
 * A buffer of user space is charged to a memory cgroup
 * (&ion_buffer.account): its blocks from the page allocator come with
 * __GFP_ACCOUNT.  Pooled blocks are charged to nobody: a charged block is
 * uncharged on its way into a pool and a pooled block is charged to the
 * cgroup of the buffer it is handed to.  Only a built-in ION can do that:
 * the memcg functions that charge and uncharge a given page are not
 * exported in 6.12.  As a module, charged buffers bypass the pools both
 * ways (blocks from the page allocator, charged, and straight back to it,
 * which uncharges them), and only uncharged buffers are recycled.
 *
 * Every page handed out is zero: clean blocks were zeroed on their way to
 * the clean list, dirty ones are zeroed when taken, pages from the page
 * allocator come with __GFP_ZERO.
 *
 * Uncached buffers are mapped write-combined.  On architectures whose
 * caches are not coherent with devices, pages of the uncached pools would
 * also need the zeroes written back from the CPU cache before a device
 * sees them; on x86 and UML the caches are coherent and cached and uncached
 * pool pages do not differ in content.  The kinds stay apart all the same,
 * as in the historical ION, so that a page never changes kind while pooled.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/ion.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/scatterlist.h>
#include <linux/seq_file.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <kunit/visibility.h>
#include <uapi/linux/sched/types.h>

#include "ion_heaps.h"
#include "ion_page_pool.h"

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
#define ION_SYSTEM_HEAP_NUM_ORDERS ARRAY_SIZE(ion_system_heap_orders)

/* Can pooled blocks change hands between memory cgroups (see above)? */
#define ION_SYSTEM_HEAP_RECHARGE	IS_BUILTIN(CONFIG_ION)

/*
 * Clean pages kept in all pools together, in MiB.  Enough to serve a few camera
 * or display buffers without the page allocator; the shrinker empties the
 * pools under memory pressure anyway.  0 disables pooling.
 */
VISIBLE_IF_KUNIT unsigned int ion_system_heap_pool_limit_mb = 64;
module_param_named(pool_limit_mb, ion_system_heap_pool_limit_mb, uint, 0644);
MODULE_PARM_DESC(pool_limit_mb,
		 "Most memory (MiB) the system heap keeps in its page pools for reuse; 0 disables the pools (default 64)");

/**
 * struct ion_system_heap_state - the system heap's pools and their worker
 * @pools: the page pools, [0] uncached and [1] cached, one per entry of
 *	ion_system_heap_orders[]
 * @free_worker: the thread that runs @free_work, as SCHED_IDLE
 * @free_work: zeroes the pools' dirty blocks onto their clean lists
 * @shrinker: gives dirty and clean pages back to the page allocator
 */
struct ion_system_heap_state {
	struct ion_page_pool pools[2][ION_SYSTEM_HEAP_NUM_ORDERS];
	struct kthread_worker *free_worker;
	struct kthread_delayed_work free_work;
	struct shrinker *shrinker;
};

/*
 * How long freed pages wait before the free work is kicked: one tick.
 * Waking the worker from free() costs the freeing task a wakeup (an IPI
 * when the worker lands on another CPU) in every close(); a timer costs
 * nothing there, and batches the frees of one tick.  Allocations do not
 * wait for it: a dirty block of the order they need is theirs.
 */
#define ION_SYSTEM_HEAP_FREE_DELAY	1

static struct ion_system_heap_state ion_system_heap_state;

static struct ion_heap ion_system_heap = {
	.name = "ion_system_heap",
	.type = ION_HEAP_TYPE_SYSTEM,
	.id = ION_HEAP_TYPE_SYSTEM,
	.alias_id = ION_SYSTEM_HEAP_ID,
	.priority = 0,
	.ops = &ion_system_heap_ops,
	.owner = THIS_MODULE,
};

/* The index of @order in ion_system_heap_orders[], or NUM_ORDERS. */
static unsigned int ion_system_heap_order_index(unsigned int order)
{
	unsigned int i;

	for (i = 0; i < ION_SYSTEM_HEAP_NUM_ORDERS; i++)
		if (ion_system_heap_orders[i] == order)
			break;
	return i;
}

/**
 * ion_system_heap_pool() - the pool of one order and kind
 * @order: one of the heap's orders (8, 4, 0)
 * @cached: the pool of cached buffers, else of uncached ones
 *
 * Context: any context.
 * Return: the pool, or NULL for an order the heap does not use.
 */
VISIBLE_IF_KUNIT struct ion_page_pool *ion_system_heap_pool(unsigned int order,
							    bool cached)
{
	unsigned int i = ion_system_heap_order_index(order);

	if (i == ION_SYSTEM_HEAP_NUM_ORDERS)
		return NULL;
	return &ion_system_heap_state.pools[cached][i];
}

/**
 * ion_system_heap_pool_pages() - clean pages in all pools
 *
 * Context: any context; the value may be stale by the time it is used.
 * Return: the number of zeroed pages the pools hold.
 */
VISIBLE_IF_KUNIT unsigned long ion_system_heap_pool_pages(void)
{
	unsigned long nr_pages = 0;
	unsigned int i;

	for (i = 0; i < ION_SYSTEM_HEAP_NUM_ORDERS; i++) {
		nr_pages += ion_page_pool_nr_pages(&ion_system_heap_state.pools[0][i]);
		nr_pages += ion_page_pool_nr_pages(&ion_system_heap_state.pools[1][i]);
	}
	return nr_pages;
}

/**
 * ion_system_heap_queued_pages() - dirty pages in all pools
 *
 * Context: any context; the value may be stale by the time it is used.
 * Return: the number of pages of freed buffers not zeroed yet (waiting for
 * or being zeroed by the free work).
 */
VISIBLE_IF_KUNIT unsigned long ion_system_heap_queued_pages(void)
{
	unsigned long nr_pages = 0;
	unsigned int i;

	for (i = 0; i < ION_SYSTEM_HEAP_NUM_ORDERS; i++) {
		nr_pages += ion_page_pool_dirty_nr_pages(&ion_system_heap_state.pools[0][i]);
		nr_pages += ion_page_pool_dirty_nr_pages(&ion_system_heap_state.pools[1][i]);
	}
	return nr_pages;
}

/**
 * ion_system_heap_flush_free() - wait until freed pages are pooled
 *
 * Runs the free work now rather than at the next tick and waits for it to
 * process every page freed before the call; afterwards those pages are on
 * the clean lists or back in the page allocator.
 *
 * Context: process context, sleeps.
 */
VISIBLE_IF_KUNIT void ion_system_heap_flush_free(void)
{
	struct ion_system_heap_state *state = &ion_system_heap_state;

	kthread_mod_delayed_work(state->free_worker, &state->free_work, 0);
	kthread_flush_work(&state->free_work.work);
}

/* pool_limit_mb in pages */
static unsigned long ion_system_heap_pool_limit(void)
{
	return (unsigned long)READ_ONCE(ion_system_heap_pool_limit_mb) <<
	       (20 - PAGE_SHIFT);
}

/* Is there room on the clean lists for one more block of @order? */
static bool ion_system_heap_pool_has_room(unsigned int order)
{
	return ion_system_heap_pool_pages() + (1UL << order) <=
	       ion_system_heap_pool_limit();
}

/*
 * Pages that the pools can still take from a freed buffer: the limit less
 * the clean pages and the dirty ones, which will be clean once the free
 * work has run.
 */
static unsigned long ion_system_heap_pool_room(void)
{
	unsigned long used = ion_system_heap_pool_pages() +
			     ion_system_heap_queued_pages();
	unsigned long limit = ion_system_heap_pool_limit();

	return limit > used ? limit - used : 0;
}

/*
 * Zero every dirty block onto its clean list, cached pools first, or free
 * it when the clean lists are full.
 */
static void ion_system_heap_free_work(struct kthread_work *work)
{
	struct ion_system_heap_state *state =
		container_of(work, struct ion_system_heap_state, free_work.work);
	struct ion_page_pool *pool;
	struct page *page;
	unsigned int i;
	int c;

	for (c = 1; c >= 0; c--) {
		for (i = 0; i < ION_SYSTEM_HEAP_NUM_ORDERS; i++) {
			pool = &state->pools[c][i];
			for (;;) {
				if (ion_system_heap_pool_has_room(pool->order)) {
					if (!ion_page_pool_clean_one(pool))
						break;
				} else {
					page = ion_page_pool_remove_dirty(pool);
					if (!page)
						break;
					__free_pages(page, pool->order);
				}
				cond_resched();
			}
		}
	}
}

/**
 * ion_system_heap_shrink_count() - the shrinker's count_objects
 * @shrinker: the heap's shrinker
 * @sc: the shrink control (unused: the pools are not per node)
 *
 * Context: reclaim or drop_caches, process context.
 * Return: clean and dirty pages in the pools, or %SHRINK_EMPTY.
 */
VISIBLE_IF_KUNIT unsigned long
ion_system_heap_shrink_count(struct shrinker *shrinker,
			     struct shrink_control *sc)
{
	unsigned long nr_pages = ion_system_heap_pool_pages() +
				 ion_system_heap_queued_pages();

	return nr_pages ? nr_pages : SHRINK_EMPTY;
}

/**
 * ion_system_heap_shrink_scan() - the shrinker's scan_objects
 * @shrinker: the heap's shrinker
 * @sc: the shrink control; @sc->nr_to_scan pages are wanted
 *
 * Frees pooled blocks, highest order and uncached first, each pool's dirty
 * blocks before its clean ones, until @sc->nr_to_scan pages are freed or
 * nothing is left.
 *
 * Context: reclaim or drop_caches, process context.
 * Return: pages freed, or %SHRINK_STOP when there was nothing to free.
 */
VISIBLE_IF_KUNIT unsigned long
ion_system_heap_shrink_scan(struct shrinker *shrinker,
			    struct shrink_control *sc)
{
	struct ion_system_heap_state *state = &ion_system_heap_state;
	unsigned long freed = 0;
	unsigned int i;

	for (i = 0; i < ION_SYSTEM_HEAP_NUM_ORDERS && freed < sc->nr_to_scan; i++) {
		freed += ion_page_pool_shrink(&state->pools[0][i],
					      sc->nr_to_scan - freed);
		if (freed < sc->nr_to_scan)
			freed += ion_page_pool_shrink(&state->pools[1][i],
						      sc->nr_to_scan - freed);
	}
	return freed ? freed : SHRINK_STOP;
}

/*
 * A zeroed block from a pool, charged to the current task's memory cgroup
 * for a charged buffer; NULL when the pool is empty, when a charged buffer
 * cannot take pooled blocks, or when the cgroup is at its limit.
 */
static struct page *ion_system_heap_from_pool(struct ion_page_pool *pool,
					      bool account, gfp_t gfp)
{
	struct page *page;

	if (account && !ION_SYSTEM_HEAP_RECHARGE)
		return NULL;
	page = ion_page_pool_remove(pool);
	if (ION_SYSTEM_HEAP_RECHARGE && page && account &&
	    memcg_kmem_charge_page(page, gfp, pool->order)) {
		/* Over the limit: to the page allocator, as re-pooling zeroes again. */
		__free_pages(page, pool->order);
		return NULL;
	}
	return page;
}

/* A block of the largest order that fits, from a pool or the allocator. */
static struct page *ion_system_heap_alloc_largest(unsigned long size,
						  unsigned int max_order,
						  bool cached, bool account)
{
	unsigned int i;

	for (i = 0; i < ION_SYSTEM_HEAP_NUM_ORDERS; i++) {
		unsigned int order = ion_system_heap_orders[i];
		gfp_t gfp = order ? ION_SYSTEM_HIGH_ORDER_GFP : ION_SYSTEM_LOW_ORDER_GFP;
		struct page *page;

		if (size < (PAGE_SIZE << order) || order > max_order)
			continue;
		if (account)
			gfp |= __GFP_ACCOUNT;
		/*
		 * A clean block, else one freed since the free work last ran,
		 * zeroed now: cheaper than the page allocator's, which would be
		 * zeroed too.
		 */
		page = ion_system_heap_from_pool(&ion_system_heap_state.pools[cached][i],
						 account, gfp);
		if (page)
			return page;
		page = alloc_pages(gfp, order);
		if (page)
			return page;
	}
	return NULL;
}

/*
 * Hand blocks that are not clean, or do not fit on the clean lists, to the
 * free worker: @pages[i] holds @nr_blocks[i] blocks of the i-th order, and
 * the pools own them on return.  The worker zeroes them while the clean
 * lists have room and frees the rest, so the task giving them back does not
 * wait for either.
 */
static void ion_system_heap_queue_dirty(struct list_head *pages,
					const unsigned long *nr_blocks,
					bool cached)
{
	struct ion_system_heap_state *state = &ion_system_heap_state;
	bool queued = false;
	unsigned int idx;

	for (idx = 0; idx < ION_SYSTEM_HEAP_NUM_ORDERS; idx++) {
		if (!nr_blocks[idx])
			continue;
		ion_page_pool_add_dirty(&state->pools[cached][idx], &pages[idx],
					nr_blocks[idx]);
		queued = true;
	}
	if (queued)
		kthread_queue_delayed_work(state->free_worker, &state->free_work,
					   ION_SYSTEM_HEAP_FREE_DELAY);
}

/*
 * Give back the blocks of an allocation that failed or was killed.  Nobody
 * has seen them and they are still zero, so each goes to the clean list of
 * its pool as it is, uncharged first when the buffer was charged, while the
 * clean lists have room; the others go to the free worker as a freed
 * buffer's do, which frees them (the page allocator's free of a large
 * allocation costs about what the allocation did: a killed task would wait
 * for it before it could die).
 */
static void ion_system_heap_unwind(struct list_head *pages, bool cached,
				   bool account)
{
	struct list_head dirty[ION_SYSTEM_HEAP_NUM_ORDERS];
	unsigned long nr_blocks[ION_SYSTEM_HEAP_NUM_ORDERS] = {};
	struct page *page, *tmp_page;
	unsigned int order, idx;

	for (idx = 0; idx < ION_SYSTEM_HEAP_NUM_ORDERS; idx++)
		INIT_LIST_HEAD(&dirty[idx]);
	list_for_each_entry_safe(page, tmp_page, pages, lru) {
		list_del(&page->lru);
		order = compound_order(page);
		idx = ion_system_heap_order_index(order);
		/* a pooled block is charged to nobody */
		if ((account && !ION_SYSTEM_HEAP_RECHARGE) ||
		    WARN_ON_ONCE(idx == ION_SYSTEM_HEAP_NUM_ORDERS)) {
			__free_pages(page, order);
			continue;
		}
		if (ION_SYSTEM_HEAP_RECHARGE && account)
			memcg_kmem_uncharge_page(page, order);
		if (ion_system_heap_pool_has_room(order)) {
			ion_page_pool_add_zeroed(&ion_system_heap_state.pools[cached][idx],
						 page);
		} else {
			list_add_tail(&page->lru, &dirty[idx]);
			nr_blocks[idx]++;
		}
		cond_resched();
	}
	ion_system_heap_queue_dirty(dirty, nr_blocks, cached);
}

static int ion_system_heap_allocate(struct ion_heap *heap,
				    struct ion_buffer *buffer,
				    unsigned long len, unsigned long align,
				    unsigned long flags)
{
	unsigned int max_order = ion_system_heap_orders[0];
	bool cached = flags & ION_FLAG_CACHED;
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
		page = ion_system_heap_alloc_largest(size_remaining, max_order,
						     cached, buffer->account);
		if (!page)
			goto free_pages;
		list_add_tail(&page->lru, &pages);
		size_remaining -= page_size(page);
		max_order = compound_order(page);
		i++;
		/*
		 * Up to half of RAM in one call: without preemption, a CPU
		 * would be held for seconds (a soft lockup on a slow one).
		 */
		cond_resched();
		/*
		 * Stop a large allocation when the caller is being killed,
		 * also by a kill that came while it was off the CPU.
		 */
		if (size_remaining && fatal_signal_pending(current)) {
			ret = -EINTR;
			goto free_pages;
		}
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
	ion_system_heap_unwind(&pages, cached, buffer->account);
	return ret;
}

/*
 * Put the blocks on the dirty lists of their pools and return: zeroing
 * takes time (a large buffer milliseconds), which the task dropping the
 * last reference (often in close() or exit) should not wait for.  The
 * blocks of a buffer nobody could write (never mapped, attached or given
 * out, see &ion_buffer.exposed) are still zero: they go on the clean lists
 * as they are, and need no free work.
 *
 * Only as many blocks as the pools have room for, counting the dirty ones
 * queued already, are kept; the rest go back to the page allocator here.
 * Giving a block back to the page allocator zeroes nothing (unless the
 * kernel runs with init_on_free, which the DMA-BUF heaps' frees pay too),
 * while a block queued beyond the limit would be neither free nor pooled
 * until the free work (SCHED_IDLE, so not before the CPU idles) got to it:
 * a producer that frees and allocates back to back on a busy CPU would run
 * its allocations into reclaim of its own freed memory.
 */
static void ion_system_heap_free(struct ion_buffer *buffer)
{
	struct ion_system_heap_state *state = &ion_system_heap_state;
	bool cached = buffer->flags & ION_FLAG_CACHED;
	struct list_head pages[ION_SYSTEM_HEAP_NUM_ORDERS];
	unsigned long nr_blocks[ION_SYSTEM_HEAP_NUM_ORDERS] = {};
	struct sg_table *table = buffer->sg_table;
	unsigned long room = ion_system_heap_pool_room();
	bool zero = !READ_ONCE(buffer->exposed);
	struct scatterlist *sg;
	unsigned int order, idx;
	struct page *page;
	int i;

	for (idx = 0; idx < ION_SYSTEM_HEAP_NUM_ORDERS; idx++)
		INIT_LIST_HEAD(&pages[idx]);
	for_each_sgtable_sg(table, sg, i) {
		page = sg_page(sg);
		order = compound_order(page);
		idx = ion_system_heap_order_index(order);
		/*
		 * A pooled block is charged to nobody; every block came from
		 * this heap, so its order is one of ours.
		 */
		if ((buffer->account && !ION_SYSTEM_HEAP_RECHARGE) ||
		    WARN_ON_ONCE(idx == ION_SYSTEM_HEAP_NUM_ORDERS) ||
		    room < (1UL << order)) {
			__free_pages(page, order);
			continue;
		}
		room -= 1UL << order;
		if (ION_SYSTEM_HEAP_RECHARGE && buffer->account)
			memcg_kmem_uncharge_page(page, order);
		if (zero) {
			ion_page_pool_add_zeroed(&state->pools[cached][idx], page);
			continue;
		}
		list_add_tail(&page->lru, &pages[idx]);
		nr_blocks[idx]++;
	}
	/* Ownership of the pages passes to the pools here. */
	ion_system_heap_queue_dirty(pages, nr_blocks, cached);

	sg_free_table(table);
	kfree(table);
	buffer->sg_table = NULL;
}

static void ion_system_heap_debug_show(struct ion_heap *heap,
				       struct seq_file *s)
{
	unsigned int i;

	for (i = 0; i < ION_SYSTEM_HEAP_NUM_ORDERS; i++) {
		unsigned int order = ion_system_heap_orders[i];
		struct ion_page_pool *cached = ion_system_heap_pool(order, true);
		struct ion_page_pool *uncached = ion_system_heap_pool(order, false);

		seq_printf(s, "pool order %u cached: %lu blocks, %lu pages\n",
			   order, ion_page_pool_count(cached),
			   ion_page_pool_nr_pages(cached));
		seq_printf(s, "pool order %u uncached: %lu blocks, %lu pages\n",
			   order, ion_page_pool_count(uncached),
			   ion_page_pool_nr_pages(uncached));
	}
	seq_printf(s, "pool total: %lu bytes\n",
		   ion_system_heap_pool_pages() << PAGE_SHIFT);
	seq_printf(s, "deferred free: %lu bytes\n",
		   ion_system_heap_queued_pages() << PAGE_SHIFT);
}

/* Clean and dirty pages alike: both are the pools', not a buffer's. */
static unsigned long ion_system_heap_pool_size(struct ion_heap *heap)
{
	return (ion_system_heap_pool_pages() + ion_system_heap_queued_pages())
		<< PAGE_SHIFT;
}

/*
 * The heap is static and its pools belong to the module, which
 * ion_system_heap_exit() empties: nothing to free per heap.
 */
static void ion_system_heap_release(struct ion_heap *heap)
{
}

const struct ion_heap_ops ion_system_heap_ops = {
	.allocate = ion_system_heap_allocate,
	.free = ion_system_heap_free,
	.debug_show = ion_system_heap_debug_show,
	.pool_size = ion_system_heap_pool_size,
	.release = ion_system_heap_release,
};

/* Give every dirty and clean page back; nothing may use the heap. */
static void ion_system_heap_drain(void)
{
	struct ion_system_heap_state *state = &ion_system_heap_state;
	unsigned int i;

	ion_system_heap_flush_free();
	WARN_ON_ONCE(ion_system_heap_queued_pages());
	for (i = 0; i < ION_SYSTEM_HEAP_NUM_ORDERS; i++) {
		ion_page_pool_shrink(&state->pools[0][i], ULONG_MAX);
		ion_page_pool_shrink(&state->pools[1][i], ULONG_MAX);
	}
}

static const struct sched_attr ion_system_heap_idle_attr = {
	.size = sizeof(struct sched_attr),
	.sched_policy = SCHED_IDLE,
};

/**
 * ion_system_heap_init() - set up the pools and add the system heap
 * @dev: the device
 *
 * Context: process context.
 * Return: 0, -ENOMEM, or an ion_device_add_heap() error.
 */
int ion_system_heap_init(struct ion_device *dev)
{
	struct ion_system_heap_state *state = &ion_system_heap_state;
	unsigned int i;
	int ret;

	for (i = 0; i < ION_SYSTEM_HEAP_NUM_ORDERS; i++) {
		ion_page_pool_init(&state->pools[0][i], ion_system_heap_orders[i]);
		ion_page_pool_init(&state->pools[1][i], ion_system_heap_orders[i]);
	}
	kthread_init_delayed_work(&state->free_work, ion_system_heap_free_work);
	state->free_worker = kthread_create_worker(0, "ion_system_heap_free");
	if (IS_ERR(state->free_worker))
		return PTR_ERR(state->free_worker);
	/*
	 * Zeroing freed pages is background work: as SCHED_IDLE it runs on idle
	 * time and never preempts the tasks that allocate, which matters most
	 * on small machines (the historical ION's deferred free thread was
	 * SCHED_IDLE too).  Blocks left dirty under load are no loss: the
	 * shrinker frees them, and allocations zero them themselves.
	 */
	if (sched_setattr_nocheck(state->free_worker->task,
				  &ion_system_heap_idle_attr))
		sched_set_normal(state->free_worker->task, MAX_NICE);

	state->shrinker = shrinker_alloc(0, "ion-system-heap");
	if (!state->shrinker) {
		ret = -ENOMEM;
		goto destroy_worker;
	}
	state->shrinker->count_objects = ion_system_heap_shrink_count;
	state->shrinker->scan_objects = ion_system_heap_shrink_scan;
	shrinker_register(state->shrinker);

	ret = ion_device_add_heap(dev, &ion_system_heap);
	if (ret)
		goto free_shrinker;
	return 0;

free_shrinker:
	shrinker_free(state->shrinker);
	state->shrinker = NULL;
destroy_worker:
	kthread_destroy_worker(state->free_worker);
	state->free_worker = NULL;
	return ret;
}

/**
 * ion_system_heap_exit() - remove the system heap, free its pools
 *
 * Called when the module goes, with no buffer left: removal releases the
 * heap at once.  Then waits for the free work and gives every pooled page
 * back to the page allocator.
 *
 * Context: process context, sleeps.
 */
void ion_system_heap_exit(void)
{
	struct ion_system_heap_state *state = &ion_system_heap_state;

	ion_device_remove_heap(&ion_system_heap);
	shrinker_free(state->shrinker);
	state->shrinker = NULL;
	ion_system_heap_drain();
	kthread_cancel_delayed_work_sync(&state->free_work);
	kthread_destroy_worker(state->free_worker);
	state->free_worker = NULL;
}
