// SPDX-License-Identifier: GPL-2.0
/*
 * A custom ION heap in a loadable module: the model to copy for a platform
 * heap.  It hands out zeroed pages from the page allocator, one sg entry per
 * page, up to a byte limit, and shows its usage in its debugfs file:
 *
 *   insmod ion_sample_heap.ko id=16 max_bytes=16777216
 *   ION_IOC_HEAP_QUERY now lists "sample_heap", ION_HEAP_TYPE_CUSTOM, id 16;
 *   ION_IOC_NEW_ALLOC with heap_id_mask ION_HEAP(16) allocates from it;
 *   cat /sys/kernel/debug/ion/heaps/sample_heap shows its buffers and usage;
 *   ION_IOC_CUSTOM with ION_SAMPLE_HEAP_BUFFER_INFO (ion_sample_heap.h)
 *   tells how the heap laid out one of its buffers and how full it is;
 *   rmmod ion_sample_heap is refused while one of its buffers lives.
 *
 * Every live buffer pins this module, so the heap is removed in module exit
 * only once all of its buffers are gone, and ion_device_remove_heap()
 * releases it before it returns.  A heap removed at another time (a
 * platform driver's unbind) may outlive the call: its release op, called
 * with its last buffer, is where it frees its memory.
 *
 * The heap's ION_IOC_CUSTOM handler is the only one of the device: it is set
 * after the heap is added and removed before the heap is, and removing it
 * waits for the calls that are running.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/ion.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched/signal.h>
#include <linux/scatterlist.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include "ion_sample_heap.h"

/* The first id after the range the kernels' own heaps used (0..15). */
static unsigned int ion_sample_heap_id = 16;
module_param_named(id, ion_sample_heap_id, uint, 0444);
MODULE_PARM_DESC(id, "heap id, the bit of heap_id_mask (0-31, default 16)");

/* A platform heap is usually bounded; this one by a parameter. */
static unsigned long ion_sample_heap_max_bytes = SZ_16M;
module_param_named(max_bytes, ion_sample_heap_max_bytes, ulong, 0444);
MODULE_PARM_DESC(max_bytes, "bytes the heap hands out at most (default 16 MiB)");

/**
 * struct ion_sample_heap - the heap and its accounting
 * @heap: what ION sees
 * @lock: protects @used
 * @used: bytes in live buffers, at most ion_sample_heap_max_bytes
 */
struct ion_sample_heap {
	struct ion_heap heap;
	spinlock_t lock;	/* see @lock */
	size_t used;
};

static struct ion_sample_heap ion_sample_heap;

/* No OOM kill and no warning for a request the heap can refuse. */
#define ION_SAMPLE_HEAP_GFP	(GFP_HIGHUSER | __GFP_ZERO | __GFP_NOWARN | \
				 __GFP_RETRY_MAYFAIL)

static struct ion_sample_heap *to_sample_heap(struct ion_heap *heap)
{
	return container_of(heap, struct ion_sample_heap, heap);
}

static int ion_sample_heap_reserve(struct ion_sample_heap *sh, size_t len)
{
	int ret = -ENOMEM;

	spin_lock(&sh->lock);
	if (len <= ion_sample_heap_max_bytes - sh->used) {
		sh->used += len;
		ret = 0;
	}
	spin_unlock(&sh->lock);
	return ret;
}

static void ion_sample_heap_unreserve(struct ion_sample_heap *sh, size_t len)
{
	spin_lock(&sh->lock);
	sh->used -= len;
	spin_unlock(&sh->lock);
}

/* Free the pages of a table filled in part or in full, then the table. */
static void ion_sample_heap_free_table(struct sg_table *table)
{
	struct scatterlist *sg;
	unsigned int i;

	/* sg_alloc_table() zeroed the entries: unfilled ones have no page */
	for_each_sgtable_sg(table, sg, i)
		if (sg_page(sg))
			__free_page(sg_page(sg));
	sg_free_table(table);
	kfree(table);
}

static int ion_sample_heap_allocate(struct ion_heap *heap,
				    struct ion_buffer *buffer,
				    unsigned long len, unsigned long align,
				    unsigned long flags)
{
	struct ion_sample_heap *sh = to_sample_heap(heap);
	struct sg_table *table;
	struct scatterlist *sg;
	unsigned int i;
	int ret;

	/* single pages: no alignment beyond a page */
	if (align > PAGE_SIZE)
		return -EINVAL;
	if (len >> PAGE_SHIFT > UINT_MAX)
		return -ENOMEM;
	ret = ion_sample_heap_reserve(sh, len);
	if (ret)
		return ret;

	table = kzalloc(sizeof(*table), GFP_KERNEL);
	if (!table) {
		ret = -ENOMEM;
		goto unreserve;
	}
	ret = sg_alloc_table(table, len >> PAGE_SHIFT, GFP_KERNEL);
	if (ret) {
		kfree(table);
		goto unreserve;
	}
	for_each_sgtable_sg(table, sg, i) {
		struct page *page;

		/* a large buffer takes a while: stay killable */
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			goto free_table;
		}
		page = alloc_page(ION_SAMPLE_HEAP_GFP);
		if (!page) {
			ret = -ENOMEM;
			goto free_table;
		}
		sg_set_page(sg, page, PAGE_SIZE, 0);
	}
	buffer->sg_table = table;
	return 0;

free_table:
	ion_sample_heap_free_table(table);
unreserve:
	ion_sample_heap_unreserve(sh, len);
	return ret;
}

static void ion_sample_heap_free(struct ion_buffer *buffer)
{
	ion_sample_heap_free_table(buffer->sg_table);
	buffer->sg_table = NULL;
	ion_sample_heap_unreserve(to_sample_heap(buffer->heap), buffer->size);
}

static void ion_sample_heap_debug_show(struct ion_heap *heap, struct seq_file *s)
{
	struct ion_sample_heap *sh = to_sample_heap(heap);
	size_t used;

	spin_lock(&sh->lock);
	used = sh->used;
	spin_unlock(&sh->lock);
	seq_printf(s, "%16s %16zu\n", "used", used);
	seq_printf(s, "%16s %16lu\n", "limit", ion_sample_heap_max_bytes);
}

/* The heap is static and its buffers gave their pages back: nothing to free. */
static void ion_sample_heap_release(struct ion_heap *heap)
{
	WARN_ON_ONCE(to_sample_heap(heap)->used);
}

static const struct ion_heap_ops ion_sample_heap_ops = {
	.allocate = ion_sample_heap_allocate,
	.free = ion_sample_heap_free,
	.debug_show = ion_sample_heap_debug_show,
	.release = ion_sample_heap_release,
};

/*
 * Describe the buffer of @info->fd, which must be one of this heap.  It is
 * looked up through a client of the heap's own, so that the caller's handle
 * table never sees it.
 */
static int ion_sample_heap_describe(struct ion_sample_heap_buffer_info *info)
{
	struct ion_sample_heap *sh = &ion_sample_heap;
	struct ion_client *client;
	struct ion_handle *handle;
	struct sg_table *table;
	unsigned int heap_id;
	size_t size;
	int ret;

	client = ion_client_create(ion_default_device(), "ion_sample_heap");
	if (IS_ERR(client))
		return PTR_ERR(client);
	/* -EBADF for an fd that is not open, -EINVAL for no ION buffer */
	handle = ion_import_dma_buf(client, info->fd > INT_MAX ? -1 : info->fd);
	if (IS_ERR(handle)) {
		ret = PTR_ERR(handle);
		goto destroy_client;
	}
	ret = ion_handle_get_heap_id(client, handle, &heap_id);
	if (ret)
		goto free_handle;
	if (heap_id != sh->heap.id) {
		ret = -EINVAL;
		goto free_handle;
	}
	ret = ion_handle_get_size(client, handle, &size);
	if (ret)
		goto free_handle;
	table = ion_sg_table(client, handle);
	if (IS_ERR(table)) {
		ret = PTR_ERR(table);
		goto free_handle;
	}
	info->size = size;
	info->nr_pages = table->orig_nents;
	spin_lock(&sh->lock);
	info->heap_used = sh->used;
	spin_unlock(&sh->lock);
	info->heap_limit = ion_sample_heap_max_bytes;

free_handle:
	ion_free(client, handle);
destroy_client:
	ion_client_destroy(client);
	return ret;
}

static long ion_sample_heap_buffer_info(void __user *uarg)
{
	struct ion_sample_heap_buffer_info info;
	int ret;

	if (copy_from_user(&info, uarg, sizeof(info)))
		return -EFAULT;
	if (info.reserved)
		return -EINVAL;
	ret = ion_sample_heap_describe(&info);
	if (ret)
		return ret;
	if (copy_to_user(uarg, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

/*
 * The ION_IOC_CUSTOM handler: @arg is the user pointer of
 * ion_custom_data.arg (compat_ptr() applied for 32-bit callers).
 */
static long ion_sample_heap_custom_ioctl(struct ion_client *client,
					 unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case ION_SAMPLE_HEAP_BUFFER_INFO:
		return ion_sample_heap_buffer_info((void __user *)arg);
	}
	return -ENOTTY;
}

static int __init ion_sample_heap_init(void)
{
	struct ion_sample_heap *sh = &ion_sample_heap;
	struct ion_device *dev = ion_default_device();
	int ret;

	if (!dev)
		return -ENODEV;
	spin_lock_init(&sh->lock);
	sh->heap.name = "sample_heap";
	sh->heap.type = ION_HEAP_TYPE_CUSTOM;
	sh->heap.id = ion_sample_heap_id;
	sh->heap.alias_id = -1;
	sh->heap.priority = 0;
	sh->heap.max_len = ion_sample_heap_max_bytes;
	sh->heap.ops = &ion_sample_heap_ops;
	sh->heap.owner = THIS_MODULE;

	/* -EINVAL for an id above 31, -EEXIST for an id in use */
	ret = ion_device_add_heap(dev, &sh->heap);
	if (ret) {
		pr_err("cannot add heap id %u: %d\n", ion_sample_heap_id, ret);
		return ret;
	}
	/* -EBUSY when another module has the device's handler */
	ret = ion_device_set_custom_ioctl(dev, ion_sample_heap_custom_ioctl);
	if (ret) {
		pr_err("cannot set the ION_IOC_CUSTOM handler: %d\n", ret);
		goto remove_heap;
	}
	pr_info("heap id %u, up to %lu bytes\n", ion_sample_heap_id,
		ion_sample_heap_max_bytes);
	return 0;

remove_heap:
	ion_device_remove_heap(&sh->heap);
	return ret;
}

static void __exit ion_sample_heap_exit(void)
{
	/* Waits for running calls of the handler: none starts afterwards. */
	ion_device_set_custom_ioctl(ion_default_device(), NULL);
	/* No buffer is left: each one held a reference on this module. */
	ion_device_remove_heap(&ion_sample_heap.heap);
}

module_init(ion_sample_heap_init);
module_exit(ion_sample_heap_exit);

MODULE_DESCRIPTION("Sample custom ION heap");
MODULE_LICENSE("GPL");
