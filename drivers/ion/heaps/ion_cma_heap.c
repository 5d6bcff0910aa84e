// SPDX-License-Identifier: GPL-2.0
/*
 * ION CMA heaps: one heap of type ION_HEAP_TYPE_DMA per CMA area of the
 * kernel (the default "reserved" area of cma=, per-NUMA areas,
 * reserved-memory areas), named "cma-<area name>", with the free heap ids
 * from 4 upward.  Each buffer is one contiguous block from cma_alloc(),
 * aligned as asked, zeroed, given back with cma_release().
 *
 * cma_alloc(), cma_release() and cma_for_each_area() are not exported in
 * Linux 6.12, so these heaps exist only when ION is built in
 * (CONFIG_ION_CMA_HEAP depends on ION=y and CMA), as the kernel's own
 * DMA-BUF CMA heap.
 *
 * Kernels without DMA_CMA or device tree (UML, for one) have no CMA area:
 * ion.cma=SIZE declares one more area, "ion", for ION's own use.
 *
 * The list of heaps is written only by ion_cma_heap_init() and
 * ion_cma_heap_exit(), which the module's init and exit call and which
 * never run concurrently: no lock.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cma.h>
#include <linux/err.h>
#include <linux/ion.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/scatterlist.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "ion_heaps.h"

/* Heap ids 0..3 are the types of the heaps ION registers itself. */
#define ION_CMA_HEAP_FIRST_ID	ION_HEAP_TYPE_DMA

/**
 * struct ion_cma_heap - the ION heap of one CMA area
 * @heap: the ION heap
 * @cma: the area
 * @node: entry in ion_cma_heaps
 * @name: "cma-<area name>", the whole area name
 */
struct ion_cma_heap {
	struct ion_heap heap;
	struct cma *cma;
	struct list_head node;
	char *name;
};

static LIST_HEAD(ion_cma_heaps);

/* size of the "ion" CMA area of ion.cma=; set once at boot, then read only */
static unsigned long ion_cma_area_size;

/*
 * Built-in module parameters are parsed in start_kernel() after
 * setup_arch() and before mm_core_init(): memblock is complete and still
 * allocates, and cma_init_reserved_areas() (core_initcall) activates the
 * area later, as it does the areas of cma=.
 * __ref: calls the __init cma_declare_contiguous() only at boot.
 */
static int __ref ion_cma_param_set(const char *val,
				   const struct kernel_param *kp)
{
	unsigned long long size;
	struct cma *cma;
	char *end;
	int ret;

	size = memparse(val, &end);
	if (end == val || (*end && *end != '\n') || size > ULONG_MAX)
		return -EINVAL;
	if (!size)
		return 0;
	/* only while booting: the area must come from memblock */
	if (slab_is_available() || ion_cma_area_size)
		return -EBUSY;
	ret = cma_declare_contiguous(0, size, 0, 0, 0, false, "ion", &cma);
	if (ret) {
		pr_err("cannot declare a %llu byte CMA area: %d\n", size, ret);
		return ret;
	}
	ion_cma_area_size = size;
	return 0;
}

static int ion_cma_param_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%lu\n", ion_cma_area_size);
}

static const struct kernel_param_ops ion_cma_param_ops = {
	.set = ion_cma_param_set,
	.get = ion_cma_param_get,
};

module_param_cb(cma, &ion_cma_param_ops, NULL, 0444);
MODULE_PARM_DESC(cma, "size of an extra CMA area \"ion\" declared at boot (ion.cma=SIZE)");

static struct ion_cma_heap *to_cma_heap(struct ion_heap *heap)
{
	return container_of(heap, struct ion_cma_heap, heap);
}

static int ion_cma_heap_allocate(struct ion_heap *heap,
				 struct ion_buffer *buffer, unsigned long len,
				 unsigned long align, unsigned long flags)
{
	struct ion_cma_heap *ch = to_cma_heap(heap);
	unsigned long count = len >> PAGE_SHIFT;
	unsigned int align_order = 0;
	struct sg_table *table;
	struct page *pages;
	int ret;

	if (align > PAGE_SIZE) {
		if (!is_power_of_2(align) || align > cma_get_size(ch->cma))
			return -EINVAL;
		align_order = ilog2(align) - PAGE_SHIFT;
	}

	pages = cma_alloc(ch->cma, count, align_order, true);
	if (!pages)
		return -ENOMEM;
	/* CMA memory comes back dirty: whatever was migrated out left it */
	ret = ion_heap_zero_pages(pages, len);
	if (ret)
		goto release_pages;

	table = ion_heap_contig_sg_table(pages, len);
	if (IS_ERR(table)) {
		ret = PTR_ERR(table);
		goto release_pages;
	}
	buffer->sg_table = table;
	buffer->priv_virt = pages;
	return 0;

release_pages:
	cma_release(ch->cma, pages, count);
	return ret;
}

static void ion_cma_heap_free(struct ion_buffer *buffer)
{
	struct ion_cma_heap *ch = to_cma_heap(buffer->heap);

	WARN_ON_ONCE(!cma_release(ch->cma, buffer->priv_virt,
				  buffer->size >> PAGE_SHIFT));
	ion_heap_free_sg_table(buffer->sg_table);
	buffer->sg_table = NULL;
}

static int ion_cma_heap_phys(struct ion_heap *heap, struct ion_buffer *buffer,
			     phys_addr_t *addr, size_t *len)
{
	struct page *pages = buffer->priv_virt;

	*addr = page_to_phys(pages);
	*len = buffer->size;
	return 0;
}

static void ion_cma_heap_debug_show(struct ion_heap *heap, struct seq_file *s)
{
	struct ion_cma_heap *ch = to_cma_heap(heap);
	phys_addr_t base = cma_get_base(ch->cma);

	seq_printf(s, "%16s %16s\n", "cma_area", cma_get_name(ch->cma));
	seq_printf(s, "%16s %16pa\n", "area_base", &base);
	seq_printf(s, "%16s %16lu\n", "area_size", cma_get_size(ch->cma));
}

/* The heap is removed and its last buffer is gone. */
static void ion_cma_heap_release(struct ion_heap *heap)
{
	struct ion_cma_heap *ch = to_cma_heap(heap);

	kfree(ch->name);
	kfree(ch);
}

static const struct ion_heap_ops ion_cma_heap_ops = {
	.allocate = ion_cma_heap_allocate,
	.free = ion_cma_heap_free,
	.phys = ion_cma_heap_phys,
	.debug_show = ion_cma_heap_debug_show,
	.release = ion_cma_heap_release,
};

/**
 * ion_cma_heap_name() - the heap name of a CMA area
 * @area: the area's name (cma_get_name()), up to CMA_MAX_NAME - 1 characters
 *
 * The whole area name: areas whose names differ only after the first
 * characters get heaps (and debugfs files, /dev/dma_heap nodes) of
 * different names.
 *
 * Context: process context.
 * Return: "cma-" and @area, to be freed with kfree(), or NULL.
 */
char *ion_cma_heap_name(const char *area)
{
	return kasprintf(GFP_KERNEL, "cma-%s", area);
}

static int ion_cma_heap_add_area(struct cma *cma, void *data)
{
	struct ion_device *dev = data;
	struct ion_cma_heap *ch;
	unsigned int id;
	int ret = -ENOSPC;

	ch = kzalloc(sizeof(*ch), GFP_KERNEL);
	if (!ch)
		return -ENOMEM;
	ch->name = ion_cma_heap_name(cma_get_name(cma));
	if (!ch->name) {
		ret = -ENOMEM;
		goto free_heap;
	}
	ch->cma = cma;
	ch->heap.name = ch->name;
	ch->heap.type = ION_HEAP_TYPE_DMA;
	ch->heap.alias_id = -1;
	ch->heap.max_len = cma_get_size(cma);
	ch->heap.ops = &ion_cma_heap_ops;
	ch->heap.owner = THIS_MODULE;

	/* the first free id from 4 up: platform heaps may hold some */
	for (id = ION_CMA_HEAP_FIRST_ID; id < ION_NUM_HEAP_IDS; id++) {
		ch->heap.id = id;
		ret = ion_device_add_heap(dev, &ch->heap);
		if (ret != -EEXIST)
			break;
	}
	if (ret) {
		pr_err("cannot add a heap for CMA area %s: %d\n",
		       cma_get_name(cma), ret);
		goto free_name;
	}
	list_add_tail(&ch->node, &ion_cma_heaps);
	return 0;

free_name:
	kfree(ch->name);
free_heap:
	kfree(ch);
	return ret;
}

/**
 * ion_cma_heap_exit() - remove every CMA heap
 *
 * Each heap is freed by its release op, here or with its last buffer.
 *
 * Context: process context.
 */
void ion_cma_heap_exit(void)
{
	struct ion_cma_heap *ch, *tmp;

	list_for_each_entry_safe(ch, tmp, &ion_cma_heaps, node) {
		list_del(&ch->node);
		ion_device_remove_heap(&ch->heap);
	}
}

/**
 * ion_cma_heap_init() - add one heap per CMA area
 * @dev: the device
 *
 * Context: process context (init).
 * Return: 0 (also when there is no CMA area), -ENOMEM, or -ENOSPC when no
 * heap id is left; on error no CMA heap stays registered.
 */
int ion_cma_heap_init(struct ion_device *dev)
{
	int ret;

	ret = cma_for_each_area(ion_cma_heap_add_area, dev);
	if (ret)
		ion_cma_heap_exit();
	return ret;
}
