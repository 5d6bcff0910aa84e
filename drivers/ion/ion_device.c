// SPDX-License-Identifier: GPL-2.0
/*
 * ION device: the heap registry (ids, msm aliases, priorities, the heaps'
 * lifetime), the misc device /dev/ion and the module's init and exit,
 * which run the table of ION's own heaps.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/err.h>
#include <linux/init.h>
#include <linux/ion.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "ion_priv.h"
#include "heaps/ion_heaps.h"

/* The device behind /dev/ion, set once at module init. */
static struct ion_device *ion_default_dev;

/*
 * heap_max=NAME:SIZE[,NAME:SIZE...]: the largest buffer each named heap of
 * /dev/ion hands out (SIZE with K/M/G suffixes), for platforms that keep a
 * heap from being drained by one client.  Larger requests fail with
 * -ENOMEM at once.  Written only while parameters are parsed (boot or
 * module load, perm 0444) and read when a heap is added: no lock.
 */
static char ion_heap_max[ION_HEAP_MAX_LEN];

/**
 * ion_heap_max_lookup() - the limit heap_max= gives a heap
 * @spec: a heap_max= value: NAME:SIZE entries separated by commas
 * @name: the heap's name, or NULL to only check @spec
 * @len: output: the limit in bytes, when found
 *
 * Context: any context.
 * Return: 0 when @spec names @name (*@len set), -ENOENT when it does not,
 * -EINVAL when @spec is malformed (an entry without a name, without ':',
 * with a SIZE that is not a number or is 0).
 */
int ion_heap_max_lookup(const char *spec, const char *name, size_t *len)
{
	int ret = -ENOENT;

	while (*spec && *spec != '\n') {
		const char *colon = strchr(spec, ':');
		unsigned long long size;
		char *end;

		if (!colon || colon == spec || memchr(spec, ',', colon - spec))
			return -EINVAL;
		size = memparse(colon + 1, &end);
		if (end == colon + 1 || !size || size > SIZE_MAX ||
		    (*end && *end != ',' && *end != '\n'))
			return -EINVAL;
		if (ret == -ENOENT && name && strlen(name) == colon - spec &&
		    !strncmp(spec, name, colon - spec)) {
			*len = size;
			ret = 0;
		}
		spec = *end == ',' ? end + 1 : end;
	}
	return ret;
}

static int ion_heap_max_set(const char *val, const struct kernel_param *kp)
{
	size_t len;

	if (strlen(val) >= sizeof(ion_heap_max) ||
	    ion_heap_max_lookup(val, NULL, &len) == -EINVAL)
		return -EINVAL;
	strscpy(ion_heap_max, val, sizeof(ion_heap_max));
	strim(ion_heap_max);
	return 0;
}

static int ion_heap_max_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", ion_heap_max);
}

static const struct kernel_param_ops ion_heap_max_ops = {
	.set = ion_heap_max_set,
	.get = ion_heap_max_get,
};

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * ion_heap_max_param_set() - set heap_max= as the command line does, for tests
 * @val: the new value, parsed by the parameter's own set operation
 * @old: output: the value it had, NUL terminated; or NULL
 * @len: size of @old
 *
 * Context: process context; tests only, which add no heap meanwhile.
 * Return: 0, or -EINVAL for a malformed @val (heap_max= unchanged).
 */
int ion_heap_max_param_set(const char *val, char *old, size_t len)
{
	if (old)
		strscpy(old, ion_heap_max, len);
	return ion_heap_max_ops.set(val, NULL);
}
#endif

module_param_cb(heap_max, &ion_heap_max_ops, NULL, 0444);
MODULE_PARM_DESC(heap_max,
		 "largest buffer per heap of /dev/ion: NAME:SIZE[,NAME:SIZE...], e.g. ion_system_heap:64M");

/* Lower the heap's max_len to what heap_max= gives it, never raise it. */
static void ion_heap_max_apply(struct ion_heap *heap)
{
	size_t len;

	if (ion_heap_max_lookup(ion_heap_max, heap->name, &len))
		return;
	if (!heap->max_len || len < heap->max_len)
		heap->max_len = len;
}

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
 * %ION_NUM_HEAP_IDS and not used by another heap of the device.  A heap of
 * the default device also appears as /dev/dma_heap/ion-<name> when
 * CONFIG_ION_DMA_HEAP is enabled.  From here the core holds a reference on
 * the heap until ion_device_remove_heap(), and each buffer holds one until
 * it is freed; &ion_heap_ops.release is called when the last one goes.
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL for a bad id or missing ops (allocate, free and
 * release are required), -EEXIST for an id in use, -EBUSY for a heap that
 * is registered or whose removal has not completed (buffers alive,
 * &ion_heap_ops.release not called yet).
 */
int ion_device_add_heap(struct ion_device *dev, struct ion_heap *heap)
{
	struct ion_heap *pos;
	int ret = 0;

	if (!dev || !heap || !heap->name || !heap->ops ||
	    !heap->ops->allocate || !heap->ops->free || !heap->ops->release)
		return -EINVAL;
	if (heap->id >= ION_NUM_HEAP_IDS || heap->alias_id >= ION_NUM_HEAP_IDS ||
	    heap->alias_id < -1 || heap->alias_id == (int)heap->id)
		return -EINVAL;

	down_write(&dev->heap_lock);
	if (refcount_read(&heap->ref)) {
		ret = -EBUSY;
		goto unlock;
	}
	if (ion_device_id_used(dev, heap->id) ||
	    ion_device_id_used(dev, heap->alias_id)) {
		ret = -EEXIST;
		goto unlock;
	}
	heap->dev = dev;
	if (dev == ion_default_dev)
		ion_heap_max_apply(heap);
	atomic_set(&heap->num_buffers, 0);
	atomic_long_set(&heap->num_bytes, 0);
	spin_lock_init(&heap->buffers_lock);
	INIT_LIST_HEAD(&heap->buffers);
	/* the registration's reference, dropped by ion_device_remove_heap() */
	refcount_set(&heap->ref, 1);
	list_for_each_entry(pos, &dev->heaps, node)
		if (ion_heap_before(heap, pos))
			break;
	/* insert before pos (or at the tail when the loop ran off) */
	list_add_tail(&heap->node, &pos->node);
unlock:
	up_write(&dev->heap_lock);
	if (ret)
		return ret;
	ion_debugfs_add_heap(heap);
	ion_sysfs_add_heap(heap);
	ion_dma_heap_add(heap);
	return 0;
}
EXPORT_SYMBOL_GPL(ion_device_add_heap);

/**
 * ion_device_heap_put() - drop a reference on a heap
 * @heap: the heap
 *
 * The last reference goes when the heap is removed and its last buffer is
 * gone: then the heap's release op runs, in this call.
 *
 * Context: process context, may sleep (the release op).
 */
void ion_device_heap_put(struct ion_heap *heap)
{
	/* The heap's owner frees it from here: nothing touches it after. */
	if (refcount_dec_and_test(&heap->ref))
		heap->ops->release(heap);
}

/**
 * ion_device_remove_heap() - unregister a heap
 * @heap: a heap added with ion_device_add_heap()
 *
 * New allocations stop seeing the heap at once (they fail with -ENODEV when
 * no other heap matches their mask); buffers already allocated stay valid
 * and keep the heap's memory and ops in use.  The call never waits: the
 * heap's &ion_heap_ops.release is called after its last buffer is freed,
 * from this call when it has none, and the heap and its memory are freed
 * there.  Each live buffer pins the heap's owner module, so a heap removed
 * in its module's exit function is released before this call returns.
 *
 * A heap published as /dev/dma_heap/ion-<name> keeps its device node (the
 * DMA-BUF heap core cannot remove one); allocations through it fail with
 * -ENODEV until a heap of the same name is added again.
 *
 * Context: process context, may sleep (the release op).
 */
void ion_device_remove_heap(struct ion_heap *heap)
{
	struct ion_device *dev = heap->dev;

	if (WARN_ON_ONCE(!dev))
		return;
	ion_dma_heap_remove(heap);
	ion_sysfs_remove_heap(heap);
	ion_debugfs_remove_heap(heap);
	down_write(&dev->heap_lock);
	list_del_init(&heap->node);
	heap->dev = NULL;
	up_write(&dev->heap_lock);
	/* The heap may be released from here when it has no buffers. */
	ion_device_heap_put(heap);
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

/**
 * struct ion_heap_init - one entry of the heap table
 * @init: adds the heaps of one kind to the default device
 * @exit: removes them
 */
struct ion_heap_init {
	int (*init)(struct ion_device *dev);
	void (*exit)(void);
};

/*
 * ION's own heaps, started in this order and stopped in the reverse one.
 * A heap that is configured out has stubs (heaps/ion_heaps.h).
 */
static const struct ion_heap_init ion_heap_inits[] = {
	{ ion_system_heap_init, ion_system_heap_exit },
	{ ion_system_contig_heap_init, ion_system_contig_heap_exit },
	{ ion_carveout_region_init, ion_carveout_region_exit },
	{ ion_cma_heap_init, ion_cma_heap_exit },
};

static int __init ion_init(void)
{
	struct ion_device *dev;
	unsigned int i;
	int ret;

	dev = ion_device_create("ion", true);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	ion_default_dev = dev;
	ret = ion_sysfs_init(dev);
	if (ret)
		goto destroy_device;

	for (i = 0; i < ARRAY_SIZE(ion_heap_inits); i++) {
		ret = ion_heap_inits[i].init(dev);
		if (ret)
			goto exit_heaps;
	}
	return 0;

exit_heaps:
	while (i--)
		ion_heap_inits[i].exit();
	ion_sysfs_exit();
destroy_device:
	ion_default_dev = NULL;
	ion_device_destroy(dev);
	return ret;
}

static void __exit ion_exit(void)
{
	unsigned int i = ARRAY_SIZE(ion_heap_inits);

	while (i--)
		ion_heap_inits[i].exit();
	ion_sysfs_exit();
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
