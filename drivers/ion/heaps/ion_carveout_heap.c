// SPDX-License-Identifier: GPL-2.0
/*
 * ION carveout heap: one physically contiguous region set aside for ION and
 * managed with a gen_pool.  Every buffer is one contiguous range of the
 * region (an sg_table of one entry, ion_phys() gives its address), zeroed
 * when it is allocated.  Heap id 2 (== its type).
 *
 * The heap is given its region (struct ion_carveout_region): where the
 * memory of /dev/ion's carveout heap comes from is ion_carveout_region.c's
 * job.  Every page of the region must have a struct page: the core maps
 * buffers through their pages (vmap(), remap_pfn_range(),
 * dma_map_sgtable()).  Kernel RAM is zeroed through kmap_local_page();
 * platform memory is not in the kernel's linear map on x86-64, so the heap
 * zeroes it through a short-lived memremap() of the new buffer only, with
 * the caching the buffer will be mapped with (a permanent WB mapping would
 * make PAT refuse write-combined user mappings).
 *
 * The gen_pool does its own locking; the heap has no lock of its own.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/align.h>
#include <linux/err.h>
#include <linux/genalloc.h>
#include <linux/io.h>
#include <linux/ion.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/scatterlist.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "ion_heaps.h"

/* Zero a platform region through mappings of at most this much at a time. */
#define ION_CARVEOUT_ZERO_CHUNK		SZ_1M

/**
 * struct ion_carveout_heap - a carveout heap and its region
 * @heap: the ION heap
 * @pool: the region's free space; addresses are physical addresses
 * @region: the region, given back through its release when the heap is
 *	released
 * @max_align: largest alignment the heap honours (the region's own)
 */
struct ion_carveout_heap {
	struct ion_heap heap;
	struct gen_pool *pool;
	struct ion_carveout_region region;
	unsigned long max_align;
};

static struct ion_carveout_heap *to_carveout_heap(struct ion_heap *heap)
{
	return container_of(heap, struct ion_carveout_heap, heap);
}

static int ion_carveout_zero_platform(phys_addr_t addr, size_t len,
				      unsigned long flags)
{
	unsigned long type = flags & ION_FLAG_CACHED ? MEMREMAP_WB : MEMREMAP_WC;
	size_t done, chunk;
	void *vaddr;

	for (done = 0; done < len; done += chunk) {
		if (fatal_signal_pending(current))
			return -EINTR;
		chunk = min_t(size_t, len - done, ION_CARVEOUT_ZERO_CHUNK);
		vaddr = memremap(addr + done, chunk, type);
		if (!vaddr)
			return -ENOMEM;
		memset(vaddr, 0, chunk);
		memunmap(vaddr);
		cond_resched();
	}
	return 0;
}

static int ion_carveout_heap_allocate(struct ion_heap *heap,
				      struct ion_buffer *buffer,
				      unsigned long len, unsigned long align,
				      unsigned long flags)
{
	struct ion_carveout_heap *ch = to_carveout_heap(heap);
	struct genpool_data_align data = { .align = PAGE_SIZE };
	struct sg_table *table;
	unsigned long addr;
	struct page *page;
	int ret;

	if (align > PAGE_SIZE) {
		if (!is_power_of_2(align) || align > ch->max_align)
			return -EINVAL;
		data.align = align;
	}
	if (len > ch->region.size)
		return -ENOMEM;

	addr = gen_pool_alloc_algo(ch->pool, len, gen_pool_first_fit_align,
				   &data);
	if (!addr)
		return -ENOMEM;
	if (WARN_ON_ONCE(!IS_ALIGNED(addr, data.align))) {
		ret = -EINVAL;
		goto free_range;
	}

	page = pfn_to_page(PHYS_PFN(addr));
	if (ch->region.linear)
		ret = ion_heap_zero_pages(page, len);
	else
		ret = ion_carveout_zero_platform(addr, len, flags);
	if (ret)
		goto free_range;

	table = ion_heap_contig_sg_table(page, len);
	if (IS_ERR(table)) {
		ret = PTR_ERR(table);
		goto free_range;
	}
	buffer->sg_table = table;
	return 0;

free_range:
	gen_pool_free(ch->pool, addr, len);
	return ret;
}

static void ion_carveout_heap_free(struct ion_buffer *buffer)
{
	struct ion_carveout_heap *ch = to_carveout_heap(buffer->heap);
	phys_addr_t addr = page_to_phys(sg_page(buffer->sg_table->sgl));

	gen_pool_free(ch->pool, addr, buffer->size);
	ion_heap_free_sg_table(buffer->sg_table);
	buffer->sg_table = NULL;
}

static int ion_carveout_heap_phys(struct ion_heap *heap,
				  struct ion_buffer *buffer,
				  phys_addr_t *addr, size_t *len)
{
	*addr = page_to_phys(sg_page(buffer->sg_table->sgl));
	*len = buffer->size;
	return 0;
}

static void ion_carveout_heap_debug_show(struct ion_heap *heap,
					 struct seq_file *s)
{
	struct ion_carveout_heap *ch = to_carveout_heap(heap);

	seq_printf(s, "%16s %16pa\n", "region_base", &ch->region.base);
	seq_printf(s, "%16s %16zu\n", "region_size", ch->region.size);
	seq_printf(s, "%16s %16zu\n", "region_free", gen_pool_avail(ch->pool));
	seq_printf(s, "%16s %16lu\n", "max_align", ch->max_align);
	seq_printf(s, "%16s %16s\n", "region_source", ch->region.source);
}

/* Removed, last buffer gone: free the heap, then give the region back. */
static void ion_carveout_heap_release(struct ion_heap *heap)
{
	struct ion_carveout_region region = to_carveout_heap(heap)->region;

	/* a region with ranges still allocated is leaked, never reused */
	if (ion_carveout_heap_destroy(heap) && region.release)
		region.release(&region);
}

static const struct ion_heap_ops ion_carveout_heap_ops = {
	.allocate = ion_carveout_heap_allocate,
	.free = ion_carveout_heap_free,
	.phys = ion_carveout_heap_phys,
	.debug_show = ion_carveout_heap_debug_show,
	.release = ion_carveout_heap_release,
};

/**
 * ion_carveout_heap_create() - a carveout heap over a region
 * @region: the region; copied.  Its base and size page aligned and not 0,
 *	every page of it with a struct page.
 *
 * The heap is named "ion_carveout_heap", id and type
 * %ION_HEAP_TYPE_CARVEOUT, no alias; the caller may change the public
 * fields before ion_device_add_heap().  Once added, the heap frees itself
 * and calls @region->release when it is released (removed, last buffer
 * gone); until then, or when it is never added, the caller frees it with
 * ion_carveout_heap_destroy() and keeps the region.
 *
 * Context: process context.
 * Return: the heap, ERR_PTR(-EINVAL) for a bad region, ERR_PTR(-ENOMEM).
 */
struct ion_heap *ion_carveout_heap_create(const struct ion_carveout_region *region)
{
	phys_addr_t base = region->base;
	size_t size = region->size;
	struct ion_carveout_heap *ch;
	int ret;

	if (!base || !size || !PAGE_ALIGNED(base) || !PAGE_ALIGNED(size) ||
	    base + size - 1 < base || base + size - 1 > ULONG_MAX)
		return ERR_PTR(-EINVAL);

	ch = kzalloc(sizeof(*ch), GFP_KERNEL);
	if (!ch)
		return ERR_PTR(-ENOMEM);
	ch->pool = gen_pool_create(PAGE_SHIFT, NUMA_NO_NODE);
	if (!ch->pool) {
		ret = -ENOMEM;
		goto free_heap;
	}
	/* gen_pool addresses are unsigned long: checked above */
	ret = gen_pool_add(ch->pool, base, size, NUMA_NO_NODE);
	if (ret)
		goto destroy_pool;

	ch->region = *region;
	/*
	 * gen_pool aligns relative to the region: no more than its own, and
	 * within the int of struct genpool_data_align.
	 */
	ch->max_align = min3(1UL << __ffs(base), rounddown_pow_of_two(size),
			     (unsigned long)SZ_1G);
	ch->heap.name = "ion_carveout_heap";
	ch->heap.type = ION_HEAP_TYPE_CARVEOUT;
	ch->heap.id = ION_HEAP_TYPE_CARVEOUT;
	ch->heap.alias_id = -1;
	ch->heap.max_len = size;
	ch->heap.ops = &ion_carveout_heap_ops;
	ch->heap.owner = THIS_MODULE;
	return &ch->heap;

destroy_pool:
	gen_pool_destroy(ch->pool);
free_heap:
	kfree(ch);
	return ERR_PTR(ret);
}

/**
 * ion_carveout_heap_pool() - the gen_pool of a carveout heap
 * @heap: a heap from ion_carveout_heap_create()
 *
 * For tests: gen_pool_avail() of it is the region's free space.
 *
 * Context: any context.
 * Return: the pool.
 */
struct gen_pool *ion_carveout_heap_pool(struct ion_heap *heap)
{
	return to_carveout_heap(heap)->pool;
}

/**
 * ion_carveout_heap_destroy() - free a heap from ion_carveout_heap_create()
 * @heap: the heap, never added, or released
 *
 * Does not give the region back.  A region with ranges still allocated (a
 * heap bug) is left alone with a warning rather than freed under them.
 *
 * Context: process context.
 * Return: true when the region was whole and the heap is freed; false when
 * ranges were still allocated and the heap and its pool were leaked.
 */
bool ion_carveout_heap_destroy(struct ion_heap *heap)
{
	struct ion_carveout_heap *ch = to_carveout_heap(heap);

	if (WARN_ON_ONCE(gen_pool_avail(ch->pool) != ch->region.size))
		return false;
	gen_pool_destroy(ch->pool);
	kfree(ch);
	return true;
}
