// SPDX-License-Identifier: GPL-2.0
/*
 * ION accounting in debugfs:
 *
 *   /sys/kernel/debug/ion/heaps/<heap>           clients of the heap with their
 *                                                bytes, orphaned buffers, totals
 *   /sys/kernel/debug/ion/clients/<pid>-<name>-<serial>
 *                                                bytes and handles per heap
 *
 * Readers walk the device's client list and the heap's buffer list under
 * their locks; clients and buffers leave those lists before they are torn
 * down, and debugfs_remove() waits for the readers of a file that goes away.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/atomic.h>
#include <linux/dma-buf.h>
#include <linux/ion.h>
#include <linux/rbtree.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <uapi/linux/dma-buf.h>

#include "ion_priv.h"

static int ion_debugfs_heap_show(struct seq_file *s, void *unused)
{
	struct ion_heap *heap = s->private;
	struct ion_device *dev = heap->dev;
	struct ion_client *client;
	struct ion_buffer *buffer;
	size_t total = 0, orphaned = 0;
	char name[DMA_BUF_NAME_LEN];
	unsigned int nbuffers = 0;

	seq_printf(s, "%16s %16s %16s\n", "client", "pid", "size");
	seq_puts(s, "----------------------------------------------------\n");

	mutex_lock(&dev->client_lock);
	list_for_each_entry(client, &dev->clients, node) {
		size_t size = 0;
		struct rb_node *n;

		mutex_lock(&client->lock);
		for (n = rb_first(&client->handles); n; n = rb_next(n)) {
			struct ion_handle *h = rb_entry(n, struct ion_handle, node);

			if (h->buffer->heap == heap)
				size += h->buffer->size;
		}
		mutex_unlock(&client->lock);
		if (size)
			seq_printf(s, "%16s %16d %16zu\n", client->name,
				   client->pid, size);
	}
	mutex_unlock(&dev->client_lock);

	seq_puts(s, "----------------------------------------------------\n");
	seq_puts(s, "orphaned allocations (info is from last known client, name):\n");
	spin_lock(&heap->buffers_lock);
	list_for_each_entry(buffer, &heap->buffers, node) {
		nbuffers++;
		total += buffer->size;
		if (!atomic_read(&buffer->handle_cnt)) {
			ion_buffer_name(buffer, name, sizeof(name));
			seq_printf(s, "%16s %16d %16zu %s\n", buffer->task_comm,
				   buffer->pid, buffer->size, name);
			orphaned += buffer->size;
		}
	}
	spin_unlock(&heap->buffers_lock);
	seq_puts(s, "----------------------------------------------------\n");
	seq_printf(s, "%16s %16zu\n", "total orphaned", orphaned);
	seq_printf(s, "%16s %16zu\n", "total", total);
	seq_printf(s, "%16s %16u\n", "buffers", nbuffers);
	/* 0: no limit besides half of RAM (heap_max= of ion_device.c) */
	seq_printf(s, "%16s %16zu\n", "max_len", heap->max_len);
	if (heap->ops->debug_show) {
		seq_puts(s, "----------------------------------------------------\n");
		heap->ops->debug_show(heap, s);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ion_debugfs_heap);

struct ion_debugfs_heap_use {
	struct ion_heap *heap;
	size_t bytes;
	unsigned int handles;
};

/* One line per handle, with the name user space gave the buffer. */
static void ion_debugfs_client_handles(struct seq_file *s,
				       struct ion_client *client)
{
	char name[DMA_BUF_NAME_LEN];
	struct ion_handle *h;
	int id;

	lockdep_assert_held(&client->lock);
	seq_printf(s, "\n%8s %16s %16s %8s %s\n", "handle", "heap",
		   "size_in_bytes", "users", "name");
	idr_for_each_entry(&client->idr, h, id) {
		ion_buffer_name(h->buffer, name, sizeof(name));
		seq_printf(s, "%8d %16s %16zu %8u %s\n", id,
			   h->buffer->heap->name, h->buffer->size, h->user_cnt,
			   name);
	}
}

static int ion_debugfs_client_show(struct seq_file *s, void *unused)
{
	struct ion_client *client = s->private;
	struct ion_debugfs_heap_use use[ION_NUM_HEAP_IDS] = {};
	unsigned int i, nheaps = 0;
	struct rb_node *n;

	seq_printf(s, "%16s %16s %16s\n", "heap_name", "size_in_bytes",
		   "handles");
	/* Handles hold their buffers, which hold their heaps. */
	mutex_lock(&client->lock);
	for (n = rb_first(&client->handles); n; n = rb_next(n)) {
		struct ion_handle *h = rb_entry(n, struct ion_handle, node);
		struct ion_heap *heap = h->buffer->heap;

		for (i = 0; i < nheaps; i++)
			if (use[i].heap == heap)
				break;
		if (i == nheaps) {
			if (nheaps == ARRAY_SIZE(use))
				continue;
			use[nheaps++].heap = heap;
		}
		use[i].bytes += h->buffer->size;
		use[i].handles++;
	}
	for (i = 0; i < nheaps; i++)
		seq_printf(s, "%16s %16zu %16u\n", use[i].heap->name,
			   use[i].bytes, use[i].handles);
	ion_debugfs_client_handles(s, client);
	mutex_unlock(&client->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ion_debugfs_client);

/**
 * ion_debugfs_add_device() - create the device's debugfs directories
 * @dev: the device
 *
 * Context: process context.
 */
void ion_debugfs_add_device(struct ion_device *dev)
{
	dev->debug_root = debugfs_create_dir(dev->name, NULL);
	dev->heaps_debug_root = debugfs_create_dir("heaps", dev->debug_root);
	dev->clients_debug_root = debugfs_create_dir("clients", dev->debug_root);
}

/**
 * ion_debugfs_remove_device() - remove the device's debugfs directories
 * @dev: the device
 *
 * Context: process context.
 */
void ion_debugfs_remove_device(struct ion_device *dev)
{
	debugfs_remove(dev->debug_root);
	dev->debug_root = NULL;
}

/**
 * ion_debugfs_add_heap() - create heaps/<name>
 * @heap: a registered heap
 *
 * Context: process context.
 */
void ion_debugfs_add_heap(struct ion_heap *heap)
{
	heap->debugfs = debugfs_create_file(heap->name, 0444,
					    heap->dev->heaps_debug_root, heap,
					    &ion_debugfs_heap_fops);
}

/**
 * ion_debugfs_remove_heap() - remove heaps/<name>, waiting for readers
 * @heap: the heap
 *
 * Context: process context.
 */
void ion_debugfs_remove_heap(struct ion_heap *heap)
{
	debugfs_remove(heap->debugfs);
	heap->debugfs = NULL;
}

/* Serial numbers of client files, unique across devices: never reused. */
static atomic64_t ion_debugfs_client_serial = ATOMIC64_INIT(0);

/**
 * ion_debugfs_add_client() - create clients/<pid>-<name>-<serial>
 * @client: the client
 *
 * The serial number makes the name unique without looking at the other
 * clients' files, so that creating one costs the same with any number of
 * clients.  Names longer than 63 characters are cut in the file name only,
 * and a '/', which debugfs refuses, becomes a '!' as in sysfs.
 *
 * Context: process context.
 */
void ion_debugfs_add_client(struct ion_client *client)
{
	struct ion_device *dev = client->dev;
	/* pid, '-', name, '-', u64 serial and the NUL */
	char name[10 + 1 + 63 + 1 + 20 + 1];

	if (IS_ERR_OR_NULL(dev->clients_debug_root))
		return;
	snprintf(name, sizeof(name), "%d-%.63s-%llu", client->pid,
		 client->name,
		 (unsigned long long)atomic64_inc_return(&ion_debugfs_client_serial));
	strreplace(name, '/', '!');
	client->debugfs = debugfs_create_file(name, 0444,
					      dev->clients_debug_root, client,
					      &ion_debugfs_client_fops);
}

/**
 * ion_debugfs_remove_client() - remove the client's file, waiting for readers
 * @client: the client
 *
 * Context: process context.
 */
void ion_debugfs_remove_client(struct ion_client *client)
{
	debugfs_remove(client->debugfs);
	client->debugfs = NULL;
}
