// SPDX-License-Identifier: GPL-2.0
/*
 * ION in sysfs, where Android's memory tools (libmeminfo) read it:
 *
 * - /sys/kernel/ion/total_heaps_kb: KiB in live buffers of every heap;
 * - /sys/kernel/ion/total_pools_kb: KiB the heaps of /dev/ion keep in
 *   their page pools;
 * - /sys/kernel/ion/heaps/<heap name>/{buffers,total_kb,pool_kb}: the same
 *   per heap of /dev/ion;
 * - /sys/kernel/dma_heap/total_pools_kb: ION's pools again, for the tools
 *   that read the DMA-BUF heaps' pools there.  Linux 6.12 has no such file;
 *   a kernel that has its own /sys/kernel/dma_heap keeps it, without ION.
 *
 * Documentation/ABI/testing/sysfs-kernel-ion describes the files.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ion.h>
#include <linux/kobject.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "ion_priv.h"

/* What the files read; set and cleared by ion_sysfs_init() and _exit(). */
static struct ion_device *ion_sysfs_dev;
static struct kobject *ion_sysfs_root;
static struct kobject *ion_sysfs_heaps;
static struct kobject *ion_sysfs_dma_heap;

/**
 * struct ion_sysfs_heap - the directory of one heap
 * @kobj: /sys/kernel/ion/heaps/<heap name>
 * @heap: the heap; valid while @kobj is in sysfs: ion_sysfs_remove_heap()
 *	waits for the readers before the heap goes
 */
struct ion_sysfs_heap {
	struct kobject kobj;
	struct ion_heap *heap;
};

static unsigned long ion_sysfs_pools_bytes(void)
{
	struct ion_device *dev = ion_sysfs_dev;
	unsigned long bytes = 0;
	struct ion_heap *heap;

	down_read(&dev->heap_lock);
	list_for_each_entry(heap, &dev->heaps, node)
		if (heap->ops->pool_size)
			bytes += heap->ops->pool_size(heap);
	up_read(&dev->heap_lock);
	return bytes;
}

static ssize_t total_heaps_kb_show(struct kobject *kobj,
				   struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n", ion_buffer_total_bytes() / SZ_1K);
}

static ssize_t total_pools_kb_show(struct kobject *kobj,
				   struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n", ion_sysfs_pools_bytes() / SZ_1K);
}

static struct kobj_attribute ion_sysfs_total_heaps_kb = __ATTR_RO(total_heaps_kb);
static struct kobj_attribute ion_sysfs_total_pools_kb = __ATTR_RO(total_pools_kb);

static struct attribute *ion_sysfs_root_attrs[] = {
	&ion_sysfs_total_heaps_kb.attr,
	&ion_sysfs_total_pools_kb.attr,
	NULL,
};

static const struct attribute_group ion_sysfs_root_group = {
	.attrs = ion_sysfs_root_attrs,
};

static struct ion_heap *ion_sysfs_to_heap(struct kobject *kobj)
{
	return container_of(kobj, struct ion_sysfs_heap, kobj)->heap;
}

static ssize_t buffers_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	struct ion_heap *heap = ion_sysfs_to_heap(kobj);

	return sysfs_emit(buf, "%d\n", atomic_read(&heap->num_buffers));
}

static ssize_t total_kb_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	struct ion_heap *heap = ion_sysfs_to_heap(kobj);

	return sysfs_emit(buf, "%lu\n",
			  (unsigned long)atomic_long_read(&heap->num_bytes) / SZ_1K);
}

static ssize_t pool_kb_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	struct ion_heap *heap = ion_sysfs_to_heap(kobj);
	unsigned long bytes = 0;

	if (heap->ops->pool_size)
		bytes = heap->ops->pool_size(heap);
	return sysfs_emit(buf, "%lu\n", bytes / SZ_1K);
}

static struct kobj_attribute ion_sysfs_heap_buffers = __ATTR_RO(buffers);
static struct kobj_attribute ion_sysfs_heap_total_kb = __ATTR_RO(total_kb);
static struct kobj_attribute ion_sysfs_heap_pool_kb = __ATTR_RO(pool_kb);

static struct attribute *ion_sysfs_heap_attrs[] = {
	&ion_sysfs_heap_buffers.attr,
	&ion_sysfs_heap_total_kb.attr,
	&ion_sysfs_heap_pool_kb.attr,
	NULL,
};
ATTRIBUTE_GROUPS(ion_sysfs_heap);

static void ion_sysfs_heap_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct ion_sysfs_heap, kobj));
}

static const struct kobj_type ion_sysfs_heap_ktype = {
	.release = ion_sysfs_heap_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = ion_sysfs_heap_groups,
};

/**
 * ion_sysfs_add_heap() - add the directory of a heap of /dev/ion
 * @heap: a heap just added to a device; heaps of other devices are skipped
 *
 * A heap without a directory (a name taken by another heap, no memory)
 * still counts in the totals.
 *
 * Context: process context.
 */
void ion_sysfs_add_heap(struct ion_heap *heap)
{
	struct ion_sysfs_heap *sh;
	int ret;

	if (!ion_sysfs_heaps || heap->dev != ion_sysfs_dev)
		return;
	sh = kzalloc(sizeof(*sh), GFP_KERNEL);
	if (!sh)
		goto fail;
	sh->heap = heap;
	ret = kobject_init_and_add(&sh->kobj, &ion_sysfs_heap_ktype,
				   ion_sysfs_heaps, "%s", heap->name);
	if (ret) {
		/* The kobject frees sh. */
		kobject_put(&sh->kobj);
		goto fail;
	}
	heap->sysfs = &sh->kobj;
	return;

fail:
	pr_warn("heap %s: no directory in /sys/kernel/ion/heaps\n", heap->name);
}

/**
 * ion_sysfs_remove_heap() - remove the directory of a heap
 * @heap: the heap, before it leaves its device
 *
 * Waits for the readers of the heap's files.
 *
 * Context: process context.
 */
void ion_sysfs_remove_heap(struct ion_heap *heap)
{
	struct kobject *kobj = heap->sysfs;

	if (!kobj)
		return;
	heap->sysfs = NULL;
	kobject_del(kobj);
	kobject_put(kobj);
}

/* The DMA-BUF heaps' file, where the kernel has not made the directory. */
static struct kobj_attribute ion_sysfs_dma_heap_pools_kb = __ATTR_RO(total_pools_kb);

static void ion_sysfs_add_dma_heap(void)
{
	struct kernfs_node *kn;

	/* A kernel of its own here would own the file: leave it alone. */
	kn = sysfs_get_dirent(kernel_kobj->sd, "dma_heap");
	if (kn) {
		sysfs_put(kn);
		pr_info("/sys/kernel/dma_heap is the kernel's: ION's pools are not in its total_pools_kb\n");
		return;
	}
	ion_sysfs_dma_heap = kobject_create_and_add("dma_heap", kernel_kobj);
	if (!ion_sysfs_dma_heap)
		return;
	if (sysfs_create_file(ion_sysfs_dma_heap,
			      &ion_sysfs_dma_heap_pools_kb.attr)) {
		kobject_put(ion_sysfs_dma_heap);
		ion_sysfs_dma_heap = NULL;
	}
}

/**
 * ion_sysfs_init() - create /sys/kernel/ion for the device behind /dev/ion
 * @dev: the default device, before its heaps are added
 *
 * Context: process context.
 * Return: 0 or -ENOMEM.
 */
int ion_sysfs_init(struct ion_device *dev)
{
	int ret;

	ion_sysfs_dev = dev;
	ion_sysfs_root = kobject_create_and_add("ion", kernel_kobj);
	if (!ion_sysfs_root)
		return -ENOMEM;
	ret = sysfs_create_group(ion_sysfs_root, &ion_sysfs_root_group);
	if (ret)
		goto put_root;
	ion_sysfs_heaps = kobject_create_and_add("heaps", ion_sysfs_root);
	if (!ion_sysfs_heaps) {
		ret = -ENOMEM;
		goto put_root;
	}
	ion_sysfs_add_dma_heap();
	return 0;

put_root:
	kobject_put(ion_sysfs_root);
	ion_sysfs_root = NULL;
	return ret;
}

/**
 * ion_sysfs_exit() - remove what ion_sysfs_init() created
 *
 * Called after every heap's directory is gone.
 *
 * Context: process context.
 */
void ion_sysfs_exit(void)
{
	kobject_put(ion_sysfs_dma_heap);
	ion_sysfs_dma_heap = NULL;
	kobject_put(ion_sysfs_heaps);
	ion_sysfs_heaps = NULL;
	kobject_put(ion_sysfs_root);
	ion_sysfs_root = NULL;
	ion_sysfs_dev = NULL;
}
