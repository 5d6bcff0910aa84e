// SPDX-License-Identifier: GPL-2.0
/*
 * ION device: the heap registry (ids, msm aliases, priorities), the misc
 * device /dev/ion and the module's init and exit.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/err.h>
#include <linux/init.h>
#include <linux/ion.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>
#include <kunit/visibility.h>

#include "ion_priv.h"

/* The device behind /dev/ion, set once at module init. */
static struct ion_device *ion_default_dev;

/**
 * ion_heap_matches() - does heap_id_mask select this heap
 * @heap: the heap
 * @heap_id_mask: ION_HEAP() bits of heap ids or alias ids
 *
 * Return: true when the mask has the bit of the heap's id or alias id.
 */
bool ion_heap_matches(struct ion_heap *heap, unsigned int heap_id_mask)
{
	if (heap_id_mask & ION_HEAP(heap->id))
		return true;
	return heap->alias_id >= 0 && (heap_id_mask & ION_HEAP(heap->alias_id));
}
EXPORT_SYMBOL_IF_KUNIT(ion_heap_matches);

/**
 * ion_device_first_heap() - the heap an allocation would try first
 * @dev: the device
 * @heap_id_mask: ION_HEAP() bits
 *
 * Context: takes and releases dev->heap_lock.  For tests: the heap may go
 * away after return.
 * Return: the heap or NULL.
 */
struct ion_heap *ion_device_first_heap(struct ion_device *dev,
				       unsigned int heap_id_mask)
{
	struct ion_heap *heap, *found = NULL;

	down_read(&dev->heap_lock);
	list_for_each_entry(heap, &dev->heaps, node) {
		if (ion_heap_matches(heap, heap_id_mask)) {
			found = heap;
			break;
		}
	}
	up_read(&dev->heap_lock);
	return found;
}
EXPORT_SYMBOL_IF_KUNIT(ion_device_first_heap);

static bool ion_device_id_used(struct ion_device *dev, int id)
{
	struct ion_heap *heap;

	lockdep_assert_held(&dev->heap_lock);
	if (id < 0)
		return false;
	list_for_each_entry(heap, &dev->heaps, node)
		if (heap->id == id || heap->alias_id == id)
			return true;
	return false;
}

/* higher priority first, then higher id first */
static bool ion_heap_before(struct ion_heap *a, struct ion_heap *b)
{
	if (a->priority != b->priority)
		return a->priority > b->priority;
	return a->id > b->id;
}

/**
 * ion_device_add_heap() - register a heap with a device
 * @dev: the device, usually ion_default_device()
 * @heap: the heap; name, type, id, alias_id, priority, max_len, ops and
 *	owner filled in by the caller
 *
 * The heap's id (and alias id, unless it is -1) must be below
 * %ION_NUM_HEAP_IDS and not used by another heap of the device.
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL for a bad id or missing ops, -EEXIST for an id in use.
 */
int ion_device_add_heap(struct ion_device *dev, struct ion_heap *heap)
{
	struct ion_heap *pos;
	int ret = 0;

	if (!dev || !heap || !heap->name || !heap->ops ||
	    !heap->ops->allocate || !heap->ops->free)
		return -EINVAL;
	if (heap->id >= ION_NUM_HEAP_IDS || heap->alias_id >= ION_NUM_HEAP_IDS ||
	    heap->alias_id < -1 || heap->alias_id == (int)heap->id)
		return -EINVAL;

	heap->dev = dev;
	atomic_set(&heap->num_buffers, 0);
	atomic_long_set(&heap->num_bytes, 0);
	INIT_LIST_HEAD(&heap->node);

	down_write(&dev->heap_lock);
	if (ion_device_id_used(dev, heap->id) ||
	    ion_device_id_used(dev, heap->alias_id)) {
		ret = -EEXIST;
		goto unlock;
	}
	list_for_each_entry(pos, &dev->heaps, node)
		if (ion_heap_before(heap, pos))
			break;
	/* insert before pos (or at the tail when the loop ran off) */
	list_add_tail(&heap->node, &pos->node);
unlock:
	up_write(&dev->heap_lock);
	if (!ret)
		ion_debugfs_add_heap(heap);
	return ret;
}
EXPORT_SYMBOL_GPL(ion_device_add_heap);

/**
 * ion_device_remove_heap() - unregister a heap
 * @heap: a heap added with ion_device_add_heap()
 *
 * New allocations stop seeing the heap at once; the call then waits until
 * every buffer of the heap is freed, so the heap's memory and ops may be
 * released on return.  Each live buffer pins the heap's owner module, so a
 * heap module removing its heap in its exit function never waits.
 *
 * Context: process context, sleeps; must not hold a reference to a buffer
 * of this heap.
 */
void ion_device_remove_heap(struct ion_heap *heap)
{
	struct ion_device *dev = heap->dev;

	if (WARN_ON_ONCE(!dev))
		return;
	ion_debugfs_remove_heap(heap);
	down_write(&dev->heap_lock);
	list_del_init(&heap->node);
	up_write(&dev->heap_lock);
	wait_var_event(&heap->num_buffers, !atomic_read(&heap->num_buffers));
	heap->dev = NULL;
}
EXPORT_SYMBOL_GPL(ion_device_remove_heap);

/**
 * ion_device_set_custom_ioctl() - set the ION_IOC_CUSTOM handler
 * @dev: the device
 * @custom: handler called with the client, the command and the argument
 *	(a user pointer; translated with compat_ptr() for 32-bit callers), or
 *	NULL to remove it
 *
 * Context: process context, may sleep.
 * Return: 0, or -EBUSY when another handler is set.
 */
int ion_device_set_custom_ioctl(struct ion_device *dev,
				long (*custom)(struct ion_client *client,
					       unsigned int cmd,
					       unsigned long arg))
{
	int ret = 0;

	down_write(&dev->custom_lock);
	if (custom && dev->custom_ioctl)
		ret = -EBUSY;
	else
		dev->custom_ioctl = custom;
	up_write(&dev->custom_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(ion_device_set_custom_ioctl);

/**
 * ion_default_device() - the device behind /dev/ion
 *
 * Context: any context.
 * Return: the device; never NULL once the ion module is loaded.
 */
struct ion_device *ion_default_device(void)
{
	return ion_default_dev;
}
EXPORT_SYMBOL_GPL(ion_default_device);

/**
 * ion_device_create() - create a device
 * @name: device and debugfs name
 * @misc: register a misc device /dev/@name
 *
 * Context: process context.
 * Return: the device or ERR_PTR(-ENOMEM) or the misc_register() error.
 */
struct ion_device *ion_device_create(const char *name, bool misc)
{
	struct ion_device *dev;
	int ret;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	dev->name = name;
	init_rwsem(&dev->heap_lock);
	init_rwsem(&dev->custom_lock);
	INIT_LIST_HEAD(&dev->heaps);
	mutex_init(&dev->client_lock);
	INIT_LIST_HEAD(&dev->clients);
	mutex_init(&dev->buffer_lock);
	INIT_LIST_HEAD(&dev->buffers);

	if (misc) {
		dev->misc.minor = MISC_DYNAMIC_MINOR;
		dev->misc.name = name;
		dev->misc.fops = &ion_fops;
		dev->misc.mode = 0666;
		ret = misc_register(&dev->misc);
		if (ret) {
			kfree(dev);
			return ERR_PTR(ret);
		}
		dev->has_misc = true;
	}
	ion_debugfs_add_device(dev);
	return dev;
}
EXPORT_SYMBOL_IF_KUNIT(ion_device_create);

/**
 * ion_device_destroy() - destroy a device created with ion_device_create()
 * @dev: the device; its heaps must have been removed and its clients
 *	destroyed
 *
 * Context: process context.
 */
void ion_device_destroy(struct ion_device *dev)
{
	if (dev->has_misc)
		misc_deregister(&dev->misc);
	WARN_ON_ONCE(!list_empty(&dev->heaps));
	WARN_ON_ONCE(!list_empty(&dev->clients));
	ion_debugfs_remove_device(dev);
	kfree(dev);
}
EXPORT_SYMBOL_IF_KUNIT(ion_device_destroy);

static int __init ion_init(void)
{
	struct ion_device *dev;
	int ret;

	dev = ion_device_create("ion", true);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	ion_default_dev = dev;

	ret = ion_system_heap_register(dev);
	if (ret)
		goto destroy_device;
	ret = ion_system_contig_heap_register(dev);
	if (ret)
		goto unregister_system_heap;
	return 0;

unregister_system_heap:
	ion_system_heap_unregister();
destroy_device:
	ion_default_dev = NULL;
	ion_device_destroy(dev);
	return ret;
}

static void __exit ion_exit(void)
{
	ion_system_contig_heap_unregister();
	ion_system_heap_unregister();
	ion_device_destroy(ion_default_dev);
	ion_default_dev = NULL;
}

/*
 * Built in, ION registers before the drivers (device_initcall level) that
 * create clients at probe time.
 */
subsys_initcall(ion_init);
module_exit(ion_exit);

MODULE_DESCRIPTION("ION memory allocator");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
