// SPDX-License-Identifier: GPL-2.0
/*
 * ION heaps as DMA-BUF heaps: every heap of the default ION device is also
 * published as /dev/dma_heap/ion-<heap name>, so that programs written for
 * the DMA-BUF heap ABI (DMA_HEAP_IOCTL_ALLOC) allocate from it.  Each
 * allocation is an ordinary ION buffer of exactly that heap (the same
 * dma_buf_ops, accounting and debugfs entries), with cached CPU mappings
 * like the kernel's own system heap.  The fd flags are honoured as there:
 * the DMA-BUF heap core installs the fd with O_CLOEXEC when asked, and
 * O_RDONLY gives a read-only dma-buf (ION's read-only view of the buffer,
 * which cannot be mapped writable).
 *
 * The DMA-BUF heap core of Linux 6.12 has no dma_heap_remove(): a published
 * heap's device node stays until reboot.  The bridge keeps one small
 * struct ion_dma_heap per published name; removing the ION heap marks it
 * dead (allocations fail with -ENODEV), and adding a heap of the same name
 * again brings the node back to life.  dma_heap_add() is not exported in
 * 6.12, hence CONFIG_ION_DMA_HEAP needs ION built in.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/err.h>
#include <linux/init.h>
#include <linux/ion.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <uapi/linux/dma-heap.h>

#include "ion_priv.h"

/**
 * struct ion_dma_heap - one published /dev/dma_heap/ion-<name>
 * @name: the DMA-BUF heap name, "ion-" and the ION heap's name; the
 *	DMA-BUF heap core keeps the pointer, so it lives as long as the node
 * @dma_heap: the DMA-BUF heap
 * @lock: protects @heap; held for reading across an allocation, so that
 *	the ION heap is not removed under it
 * @heap: the ION heap behind the node, NULL while it is removed (dead)
 * @node: entry in ion_dma_heaps, under ion_dma_heap_list_lock
 */
struct ion_dma_heap {
	char *name;
	struct dma_heap *dma_heap;
	struct rw_semaphore lock;	/* see @lock */
	struct ion_heap *heap;
	struct list_head node;
};

/* Protects ion_dma_heaps and ion_dma_heap_ready. */
static DEFINE_MUTEX(ion_dma_heap_list_lock);
/* Every node published since boot, dead or alive; never freed. */
static LIST_HEAD(ion_dma_heaps);
/* The DMA-BUF heap core is up (ion_dma_heap_init() has run). */
static bool ion_dma_heap_ready;

static struct dma_buf *ion_dma_heap_allocate(struct dma_heap *dma_heap,
					     unsigned long len, u32 fd_flags,
					     u64 heap_flags)
{
	struct ion_dma_heap *idh = dma_heap_get_drvdata(dma_heap);
	struct ion_buffer *buffer;
	struct dma_buf *view;

	/* The core checked both already; ION has no heap flags of its own. */
	if ((fd_flags & ~DMA_HEAP_VALID_FD_FLAGS) ||
	    (heap_flags & ~DMA_HEAP_VALID_HEAP_FLAGS))
		return ERR_PTR(-EINVAL);
	/* ION buffers are readable: O_RDWR or O_RDONLY */
	if ((fd_flags & O_ACCMODE) == O_WRONLY)
		return ERR_PTR(-EINVAL);

	down_read(&idh->lock);
	if (!idh->heap) {
		buffer = ERR_PTR(-ENODEV);
		goto unlock;
	}
	/*
	 * Heap ids and alias ids are unique in a device, and the heap stays
	 * registered while idh->lock is held: this mask selects it alone.
	 */
	buffer = ion_buffer_create_user(idh->heap->dev, len, 0,
					ION_HEAP(idh->heap->id), ION_FLAG_CACHED);
unlock:
	up_read(&idh->lock);
	if (IS_ERR(buffer))
		return ERR_CAST(buffer);
	/* The caller owns the dma-buf's reference, which owns the buffer. */
	if ((fd_flags & O_ACCMODE) == O_RDWR)
		return buffer->dmabuf;
	/*
	 * O_RDONLY: the read-only view of ION_IOC_SHARE_RO, a dma-buf whose
	 * file is O_RDONLY (no writable mapping), as the kernel's own heaps
	 * give; it holds the buffer, whose own reference goes.
	 */
	view = ion_buffer_export_readonly(buffer->dmabuf);
	dma_buf_put(buffer->dmabuf);
	return view;
}

static const struct dma_heap_ops ion_dma_heap_ops = {
	.allocate = ion_dma_heap_allocate,
};

static struct ion_dma_heap *ion_dma_heap_find(struct ion_heap *heap,
					      const char *name)
{
	struct ion_dma_heap *idh;

	lockdep_assert_held(&ion_dma_heap_list_lock);
	list_for_each_entry(idh, &ion_dma_heaps, node) {
		if (heap && idh->heap == heap)
			return idh;
		if (name && !strcmp(idh->name, name))
			return idh;
	}
	return NULL;
}

/* Publish @heap, or bring its dead node back; failures only warn. */
static void ion_dma_heap_publish(struct ion_heap *heap)
{
	struct dma_heap_export_info exp_info = {
		.ops = &ion_dma_heap_ops,
	};
	struct ion_dma_heap *idh;
	struct dma_heap *dma_heap;
	char *name;

	lockdep_assert_held(&ion_dma_heap_list_lock);
	if (ion_dma_heap_find(heap, NULL))
		return;
	name = kasprintf(GFP_KERNEL, "ion-%s", heap->name);
	if (!name)
		goto warn;

	idh = ion_dma_heap_find(NULL, name);
	if (idh) {
		kfree(name);
		down_write(&idh->lock);
		if (!idh->heap)
			idh->heap = heap;
		up_write(&idh->lock);
		if (idh->heap != heap)
			pr_warn("heap %s: /dev/dma_heap/%s belongs to another heap of that name\n",
				heap->name, idh->name);
		else
			WRITE_ONCE(heap->dma_heap_name, idh->name);
		return;
	}

	idh = kzalloc(sizeof(*idh), GFP_KERNEL);
	if (!idh)
		goto free_name;
	idh->name = name;
	init_rwsem(&idh->lock);
	idh->heap = heap;
	exp_info.name = name;
	exp_info.priv = idh;
	dma_heap = dma_heap_add(&exp_info);
	if (IS_ERR(dma_heap)) {
		pr_warn("heap %s: dma_heap_add: %pe\n", heap->name, dma_heap);
		goto free_idh;
	}
	idh->dma_heap = dma_heap;
	list_add_tail(&idh->node, &ion_dma_heaps);
	/* The exporter name of its buffers; idh and its name are never freed. */
	WRITE_ONCE(heap->dma_heap_name, idh->name);
	return;

free_idh:
	kfree(idh);
free_name:
	kfree(name);
warn:
	pr_warn("heap %s is not available in /dev/dma_heap\n", heap->name);
}

/**
 * ion_dma_heap_add() - publish a newly added heap in /dev/dma_heap
 * @heap: a heap just added with ion_device_add_heap()
 *
 * Heaps of other devices than the default one are left alone, and so is
 * every heap before the DMA-BUF heap core is up (ion_dma_heap_init()
 * publishes those).  A failure is logged; the ION heap works regardless.
 *
 * Context: process context, may sleep; no ION lock held.
 */
void ion_dma_heap_add(struct ion_heap *heap)
{
	if (heap->dev != ion_default_device())
		return;
	mutex_lock(&ion_dma_heap_list_lock);
	if (ion_dma_heap_ready)
		ion_dma_heap_publish(heap);
	mutex_unlock(&ion_dma_heap_list_lock);
}

/**
 * ion_dma_heap_remove() - mark a heap's node dead before the heap goes
 * @heap: a heap being removed by ion_device_remove_heap(), still registered
 *
 * Waits for the allocations in progress through the node; later ones fail
 * with -ENODEV.  The node stays (6.12 cannot remove it).
 *
 * Context: process context, sleeps; no ION lock held.
 */
void ion_dma_heap_remove(struct ion_heap *heap)
{
	struct ion_dma_heap *idh;

	mutex_lock(&ion_dma_heap_list_lock);
	idh = ion_dma_heap_find(heap, NULL);
	if (idh) {
		down_write(&idh->lock);
		idh->heap = NULL;
		up_write(&idh->lock);
	}
	WRITE_ONCE(heap->dma_heap_name, NULL);
	mutex_unlock(&ion_dma_heap_list_lock);
}

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * ion_dma_heap_alloc_by_name() - allocate through a published node, for tests
 * @name: the node's name, "ion-" and the ION heap's name
 * @len: length, page aligned and non-zero as the DMA-BUF heap core makes it
 *
 * Context: process context, sleeps.
 * Return: the dma-buf (the caller owns its reference), ERR_PTR(-ENOENT) when
 * no such node was ever published, or the allocation's error (-ENODEV for a
 * removed heap).
 */
struct dma_buf *ion_dma_heap_alloc_by_name(const char *name, unsigned long len)
{
	struct ion_dma_heap *idh;

	mutex_lock(&ion_dma_heap_list_lock);
	idh = ion_dma_heap_find(NULL, name);
	mutex_unlock(&ion_dma_heap_list_lock);
	if (!idh)
		return ERR_PTR(-ENOENT);
	/* Nodes are never freed: idh stays valid without the list lock. */
	return ion_dma_heap_allocate(idh->dma_heap, len, O_RDWR | O_CLOEXEC, 0);
}
#endif

/*
 * ION itself comes up at subsys_initcall, like the DMA-BUF heap core, and
 * link order alone would decide which one is first: publish the heaps
 * registered so far once both are up.
 */
static int __init ion_dma_heap_init(void)
{
	struct ion_device *dev = ion_default_device();
	struct ion_heap *heap;

	mutex_lock(&ion_dma_heap_list_lock);
	ion_dma_heap_ready = true;
	if (dev) {
		down_read(&dev->heap_lock);
		list_for_each_entry(heap, &dev->heaps, node)
			ion_dma_heap_publish(heap);
		up_read(&dev->heap_lock);
	}
	mutex_unlock(&ion_dma_heap_list_lock);
	return 0;
}
device_initcall(ion_dma_heap_init);
