/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ION core internals shared by the core's files: the device, clients,
 * handles, and the functions one file offers the others.
 *
 * Locking
 * =======
 *
 * Every lock of ION, what it protects, and the order of each pair that
 * nests (outer first; a lock not named in a pair is never held with the
 * other).  Documentation/driver-api/ion.rst has the same section.
 *
 * Locks:
 *
 * - ion_device.heap_lock (rwsem): the device's heap list; read across an
 *   allocation and a heap query, written to add or remove a heap.
 * - ion_device.custom_lock (rwsem): the ION_IOC_CUSTOM handler; read across
 *   a call of it.
 * - ion_device.client_lock (mutex): the device's client list.
 * - ion_client.lock (mutex): the client's handle table (id table, tree by
 *   buffer, spare handles) and every count of its handles.
 * - ion_heap.buffers_lock (spinlock): the heap's list of live buffers.
 * - ion_buffer.lock (mutex): the buffer's attachment list and its kernel
 *   mapping's address.
 * - ion_page_pool.lock (spinlock): a pool's clean and dirty lists and
 *   their counts.
 * - ion_dma_heap_list_lock (mutex, ion_dma_heap.c): the list of ION heaps
 *   exported in /dev/dma_heap; ion_dma_heap.lock (rwsem): one exported
 *   heap's link to its ION heap.
 * - locks of other subsystems ION takes: the dma-buf's reservation lock
 *   (dma_resv, a ww_mutex), the dma-buf's name_lock (spinlock), the
 *   carveout heap's and the CMA heap's own allocator locks.
 *
 * Order:
 *
 * - device.custom_lock -> every other lock: a custom handler may call any
 *   client function.
 * - device.heap_lock -> the heaps' own locks (pool.lock, the allocators'
 *   locks), heap.buffers_lock: an allocation runs under it for reading.
 * - dma_heap_list_lock -> device.heap_lock, dma_heap.lock, and the
 *   DMA-BUF heap core's list lock (dma_heap_add()).
 * - dma_heap.lock -> device.heap_lock: an allocation through
 *   /dev/dma_heap/ion-<name> holds the node's lock for reading.
 * - device.client_lock -> client.lock: heap debugfs sums each client's
 *   handles.
 * - client.lock -> dma_resv: ion_map_kernel() maps, and freeing a handle
 *   unmaps, the buffer's dma-buf.
 * - client.lock -> dma-buf name_lock: client debugfs prints buffer names.
 * - dma_resv -> buffer.lock: the dma-buf core calls map, vmap and vunmap
 *   under the reservation lock, and they set the buffer's fields.
 * - heap.buffers_lock -> dma-buf name_lock: heap debugfs prints the names
 *   of orphaned buffers.
 * - No ION lock is held across a user copy (a heap query copies the heap
 *   list out of the heap lock first), and none when an fd is installed.
 *
 * No lock of the device is taken when a buffer is allocated or released.
 * A dma-buf reference may be dropped under client.lock: the file's release
 * is deferred (fput()), so the buffer's release never runs under an ION
 * lock.
 */
#ifndef _ION_PRIV_H
#define _ION_PRIV_H

#include <linux/idr.h>
#include <linux/ion.h>
#include <linux/miscdevice.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/rwsem.h>

/**
 * struct ion_device - one ION device: its heaps and clients
 * @misc: the character device (/dev/ion for the default device)
 * @name: device name, also the debugfs directory name
 * @heap_lock: protects @heaps; held for reading across an allocation so
 *	that a heap is not removed under it
 * @heaps: registered heaps, highest priority first
 * @custom_lock: protects @custom_ioctl; held for reading across a call of
 *	the handler (which may allocate) so that it is not removed under it
 * @custom_ioctl: ION_IOC_CUSTOM handler or NULL
 * @client_lock: protects @clients
 * @clients: every client (user and kernel)
 * @debug_root: debugfs directory or NULL
 * @heaps_debug_root: debugfs "heaps" directory
 * @clients_debug_root: debugfs "clients" directory
 * @has_misc: @misc is registered
 */
struct ion_device {
	struct miscdevice misc;
	const char *name;
	struct rw_semaphore heap_lock;	/* see @heap_lock */
	struct list_head heaps;
	struct rw_semaphore custom_lock;	/* see @custom_lock */
	long (*custom_ioctl)(struct ion_client *client, unsigned int cmd,
			     unsigned long arg);
	struct mutex client_lock;	/* see @client_lock */
	struct list_head clients;
	struct dentry *debug_root;
	struct dentry *heaps_debug_root;
	struct dentry *clients_debug_root;
	bool has_misc;
};

/**
 * struct ion_client - one user of a device: an open /dev/ion or a driver
 * @dev: the device
 * @name: name given at creation (task comm for user clients)
 * @pid: tgid of the creating task, 0 for kernel threads
 * @node: entry in dev->clients, under dev->client_lock
 * @debugfs: the client's debugfs file
 * @lock: protects @idr, @handles, @spare_handles and every handle's
 *	@id, @buffer, counts and list entries
 * @idr: handle id -> handle, what the in-kernel API and the legacy ioctls
 *	look handles up in
 * @handles: handles sorted by buffer address, for import
 * @spare_handles: freed handles, out of @idr and @handles, for reuse
 */
struct ion_client {
	struct ion_device *dev;
	const char *name;
	pid_t pid;
	struct list_head node;
	struct dentry *debugfs;
	struct mutex lock;		/* see @lock */
	struct idr idr;
	struct rb_root handles;
	struct list_head spare_handles;
};

/**
 * struct ion_handle - a client's reference to a buffer
 * @client: the owning client; never changes, also while the handle is a
 *	spare
 * @buffer: the buffer; the handle holds one reference on its dma-buf.
 *	NULL while a spare
 * @node: entry in client->handles while in the table
 * @spare: entry in client->spare_handles while a spare
 * @id: id in client->idr, what user space sees (starts at 1); 0 while a
 *	spare
 * @user_cnt: allocations and imports not yet freed; the handle leaves the
 *	table when it drops to zero
 * @kmap_cnt: ion_map_kernel() calls not yet undone
 *
 * Everything but @client is protected by client->lock.
 */
struct ion_handle {
	struct ion_client *client;
	struct ion_buffer *buffer;
	union {
		struct rb_node node;
		struct list_head spare;
	};
	int id;
	unsigned int user_cnt;
	unsigned int kmap_cnt;
};

/**
 * ion_heap_matches() - does heap_id_mask select this heap
 * @heap: the heap
 * @heap_id_mask: ION_HEAP() bits of heap ids or alias ids
 *
 * Inline: every allocation asks it of each heap in turn.
 *
 * Context: any context.
 * Return: true when the mask has the bit of the heap's id or alias id.
 */
static inline bool ion_heap_matches(const struct ion_heap *heap,
				    unsigned int heap_id_mask)
{
	if (heap_id_mask & ION_HEAP(heap->id))
		return true;
	return heap->alias_id >= 0 && (heap_id_mask & ION_HEAP(heap->alias_id));
}

/* ion_device.c */
struct ion_device *ion_device_create(const char *name, bool misc);
void ion_device_destroy(struct ion_device *dev);
struct ion_heap *ion_device_first_heap(struct ion_device *dev,
				       unsigned int heap_id_mask);
int ion_heap_max_lookup(const char *spec, const char *name, size_t *len);
/* the longest heap_max= value and its NUL */
#define ION_HEAP_MAX_LEN	256
#if IS_ENABLED(CONFIG_KUNIT)
int ion_heap_max_param_set(const char *val, char *old, size_t len);
#endif
void ion_device_heap_put(struct ion_heap *heap);

/* ion_buffer.c */
struct ion_buffer *ion_buffer_create(struct ion_device *dev, size_t len,
				     size_t align, unsigned int heap_id_mask,
				     unsigned int flags);
void *ion_buffer_kmap_get(struct ion_buffer *buffer);
void ion_buffer_kmap_put(struct ion_buffer *buffer);
void ion_buffer_sync_for_device(struct ion_buffer *buffer);
struct ion_buffer *ion_dma_buf_to_buffer(struct dma_buf *dmabuf);
struct dma_buf *ion_buffer_export_readonly(struct dma_buf *dmabuf);
void ion_buffer_name(struct ion_buffer *buffer, char *name, size_t len);
struct ion_buffer *ion_buffer_create_user(struct ion_device *dev, size_t len,
					  size_t align,
					  unsigned int heap_id_mask,
					  unsigned int flags);
int ion_buffer_set_name(struct ion_buffer *buffer, const char *name);
unsigned long ion_buffer_total_bytes(void);

/* ion_mmap.c: user mappings */
/**
 * struct ion_mmap_run - pages of a buffer that are physically contiguous
 * @pgoff: the run's first page, counted from the start of the buffer
 * @pfn: the page frame of that page
 */
struct ion_mmap_run {
	unsigned long pgoff;
	unsigned long pfn;
};

/**
 * struct ion_mmap_runs - a buffer's pages as physically contiguous runs
 * @nr: runs in @run, not counting the sentinel
 * @at_fault: the buffer is mapped at fault time (see ion_mmap.c)
 * @run: the runs in the order of the buffer, and a sentinel whose @pgoff is
 *	the buffer's size in pages
 */
struct ion_mmap_runs {
	unsigned long nr;
	bool at_fault;
	struct ion_mmap_run run[];
};

int ion_mmap_buffer(struct ion_buffer *buffer, struct vm_area_struct *vma);
void ion_mmap_release(struct ion_buffer *buffer);
#if IS_ENABLED(CONFIG_KUNIT)
struct ion_mmap_runs *ion_mmap_build_runs(struct ion_buffer *buffer);
const struct ion_mmap_run *ion_mmap_find_run(const struct ion_mmap_runs *runs,
					     unsigned long pgoff);
#endif

/* ion_prot.c: the buffer's protection mask */
u32 ion_prot_get(struct ion_buffer *buffer);
int ion_prot_restrict(struct ion_buffer *buffer, u32 prot);
int ion_prot_vm_flags(u32 prot, vm_flags_t vm_flags, vm_flags_t *clear);
int ion_prot_mmap(struct ion_buffer *buffer, struct vm_area_struct *vma);
int ion_prot_apply(struct dma_buf *dmabuf, bool writable, u32 flags, u32 *prot);
int ion_prot_data_in(struct ion_buffer_prot_data *data, void __user *uarg,
		     u32 *usize);
int ion_prot_data_out(void __user *uarg, u32 usize,
		      const struct ion_buffer_prot_data *data);

/* ion_client.c */
struct ion_client *ion_client_create_user(struct ion_device *dev);
struct ion_handle *ion_handle_create(struct ion_client *client,
				     struct ion_buffer *buffer);
struct dma_buf *ion_handle_put_user(struct ion_handle *handle);
struct ion_handle *ion_client_import(struct ion_client *client,
				     struct dma_buf *dmabuf);
unsigned int ion_client_handle_count(struct ion_client *client);

/* ion_legacy_id.c: the legacy ioctls' handle ids */
int ion_legacy_id_alloc(struct ion_client *client, size_t len, size_t align,
			unsigned int heap_id_mask, unsigned int flags, int *id);
int ion_legacy_id_free(struct ion_client *client, int id);
struct dma_buf *ion_legacy_id_get_dma_buf(struct ion_client *client, int id);
int ion_legacy_id_import(struct ion_client *client, struct dma_buf *dmabuf,
			 int *id);

/* ion_ioctl.c */
extern const struct file_operations ion_fops;

/* ion_debugfs.c */
void ion_debugfs_add_device(struct ion_device *dev);
void ion_debugfs_remove_device(struct ion_device *dev);
void ion_debugfs_add_heap(struct ion_heap *heap);
void ion_debugfs_remove_heap(struct ion_heap *heap);
void ion_debugfs_add_client(struct ion_client *client);
void ion_debugfs_remove_client(struct ion_client *client);

/* ion_sysfs.c: /sys/kernel/ion and /sys/kernel/dma_heap/total_pools_kb */
int ion_sysfs_init(struct ion_device *dev);
void ion_sysfs_exit(void);
void ion_sysfs_add_heap(struct ion_heap *heap);
void ion_sysfs_remove_heap(struct ion_heap *heap);

/* ion_dma_heap.c: the heaps of the default device in /dev/dma_heap */
#if IS_ENABLED(CONFIG_ION_DMA_HEAP)
void ion_dma_heap_add(struct ion_heap *heap);
void ion_dma_heap_remove(struct ion_heap *heap);
struct dma_buf *ion_dma_heap_alloc_by_name(const char *name, unsigned long len);
#else
static inline void ion_dma_heap_add(struct ion_heap *heap) { }
static inline void ion_dma_heap_remove(struct ion_heap *heap) { }
#endif

#endif /* _ION_PRIV_H */
