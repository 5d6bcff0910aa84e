/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ION in-kernel API: the client API for drivers that allocate, share, import
 * and map ION buffers, and the heap API for heap authors.
 */
#ifndef _LINUX_ION_H
#define _LINUX_ION_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <uapi/linux/ion.h>

struct dentry;
struct dma_buf;
struct kobject;
struct iosys_map;
struct module;
struct page;
struct seq_file;
struct sg_table;

struct ion_buffer;
struct ion_client;
struct ion_device;
struct ion_handle;
struct ion_mmap_runs;
struct ion_heap;

/**
 * typedef ion_phys_addr_t - alias of phys_addr_t, for vendor code
 *
 * The kernels vendor drivers were written for made it an unsigned long,
 * which cuts the addresses of 32-bit LPAE systems.  The API here takes a
 * phys_addr_t; the old name stays so that vendor code that declares its
 * variables with it still builds.  New code uses phys_addr_t.
 */
typedef phys_addr_t ion_phys_addr_t;

/* ---------------------------------------------------------------------
 * Heap API
 */

/**
 * struct ion_heap_ops - what a heap implements
 * @allocate: allocate @len bytes (page aligned, non-zero) with @align for
 *	the buffer: fill buffer->sg_table (zeroed pages) and optionally
 *	buffer->priv_virt.  Return 0 or -errno (-EINVAL for an alignment the
 *	heap cannot honour, -ENOMEM, -EINTR on a fatal signal).  Never sees
 *	file descriptors or user pointers.  May sleep.
 * @free: give back everything @allocate took, including the sg_table.
 *	Called once, when the last reference to the buffer goes.  May sleep.
 * @phys: optional: physical address and length of a contiguous buffer.
 *	Without it, ion_phys() fails with -EINVAL.
 * @debug_show: optional: extra lines (pool sizes...) for the heap's debugfs
 *	file.
 * @pool_size: optional: bytes the heap keeps in page pools for reuse (not
 *	in any buffer), for /sys/kernel/ion/total_pools_kb.  Any context
 *	but NMI; may be stale.
 * @release: required: called once, after ion_device_remove_heap(), when
 *	the heap's last buffer is gone (from ion_device_remove_heap() when it
 *	has none): from here the heap, its @priv and its memory may be freed,
 *	and the heap may be added again.  A heap whose memory outlives it (a
 *	static one) has nothing to do here.  May sleep; runs in the task that
 *	drops the last buffer reference or in ion_device_remove_heap().
 */
struct ion_heap_ops {
	int (*allocate)(struct ion_heap *heap, struct ion_buffer *buffer,
			unsigned long len, unsigned long align,
			unsigned long flags);
	void (*free)(struct ion_buffer *buffer);
	int (*phys)(struct ion_heap *heap, struct ion_buffer *buffer,
		    phys_addr_t *addr, size_t *len);
	void (*debug_show)(struct ion_heap *heap, struct seq_file *s);
	unsigned long (*pool_size)(struct ion_heap *heap);
	void (*release)(struct ion_heap *heap);
};

/**
 * struct ion_heap - a heap registered with an ION device
 * @name: name shown by ION_IOC_HEAP_QUERY and in debugfs
 * @type: enum ion_heap_type
 * @id: heap id, the bit of heap_id_mask selecting this heap (0..31)
 * @alias_id: a second id accepted in heap_id_mask (the msm id), or -1
 * @priority: allocations with several heaps in the mask try the heap with
 *	the highest priority first (ties: highest id first)
 * @max_len: largest buffer the heap can ever hold (0: no limit besides
 *	half of RAM); larger requests fail with -ENOMEM at once
 * @ops: the heap's operations
 * @owner: module implementing @ops; pinned by every live buffer
 * @priv: for the heap's own use
 * @node: private: entry in the device's heap list
 * @dev: private: the device the heap is registered with
 * @num_buffers: private: live buffers of this heap
 * @num_bytes: private: bytes in live buffers of this heap
 * @debugfs: private: the heap's debugfs file
 * @sysfs: private: the heap's directory in /sys/kernel/ion/heaps
 * @dma_heap_name: private: name of the heap's /dev/dma_heap node while it
 *	is published there, else NULL; the exporter name of its buffers
 * @buffers_lock: private: protects @buffers
 * @buffers: private: the heap's live buffers (&ion_buffer.node), for debugfs
 * @ref: private: one reference while registered plus one per live buffer;
 *	the heap is released (&ion_heap_ops.release) when it drops to zero
 *
 * The heap author fills the public fields and calls ion_device_add_heap().
 */
struct ion_heap {
	const char *name;
	unsigned int type;
	unsigned int id;
	int alias_id;
	int priority;
	size_t max_len;
	const struct ion_heap_ops *ops;
	struct module *owner;
	void *priv;

	struct list_head node;
	struct ion_device *dev;
	atomic_t num_buffers;
	atomic_long_t num_bytes;
	struct dentry *debugfs;
	struct kobject *sysfs;
	const char *dma_heap_name;
	spinlock_t buffers_lock;	/* see @buffers_lock */
	struct list_head buffers;
	refcount_t ref;
};

/**
 * struct ion_buffer - the heap's view of one buffer
 * @heap: the heap that allocated it
 * @size: size in bytes, page aligned
 * @flags: ION_FLAG_* bits given at allocation
 * @sg_table: pages of the buffer; filled by &ion_heap_ops.allocate
 * @priv_virt: for the heap's own use
 * @account: set by the core before &ion_heap_ops.allocate for a buffer of
 *	user space: a heap that takes pages from the page allocator charges
 *	them to the current task's memory cgroup (__GFP_ACCOUNT) and
 *	uncharges them when it frees them (freeing to the page allocator
 *	does; a page kept in a pool must be uncharged first)
 * @exposed: set by the core before anyone may write the buffer's pages: a
 *	mapping into user space or the kernel, a device attachment,
 *	ion_sg_table() or ion_phys().  A buffer freed without it holds what
 *	its heap put there at allocation, zeroes: a heap may pool its pages
 *	as zeroed ones.
 *
 * The members after @exposed (the dma-buf, attachments, kernel mapping,
 * accounting) are private to the core.
 */
struct ion_buffer {
	struct ion_heap *heap;
	size_t size;
	unsigned long flags;
	struct sg_table *sg_table;
	void *priv_virt;
	bool account;
	bool exposed;

	/* private: */
	struct dma_buf *dmabuf;
	unsigned long ino;		/* the dma-buf's inode number */
	struct list_head node;		/* in heap->buffers, under heap->buffers_lock */
	atomic_t handle_cnt;		/* handles of any client on this buffer */
	pid_t pid;			/* allocating task, for debugfs */
	char task_comm[16];
	struct mutex lock;		/* protects the three fields below */
	struct list_head attachments;
	void *vaddr;			/* the dma-buf's vmap while it has one */
	struct ion_mmap_runs *mmap_runs; /* ion_mmap.c, set once, by the first mmap */
	atomic_t prot_denied;		/* ION_PROT_* bits taken away, ion_prot.c */
};

int ion_device_add_heap(struct ion_device *dev, struct ion_heap *heap);
int ion_heap_zero_pages(struct page *page, size_t len);
struct sg_table *ion_heap_contig_sg_table(struct page *page, size_t len);
void ion_heap_free_sg_table(struct sg_table *table);
void ion_device_remove_heap(struct ion_heap *heap);
int ion_device_set_custom_ioctl(struct ion_device *dev,
				long (*custom)(struct ion_client *client,
					       unsigned int cmd,
					       unsigned long arg));

/* ---------------------------------------------------------------------
 * Client API
 */

struct ion_device *ion_default_device(void);
struct ion_client *ion_client_create(struct ion_device *dev, const char *name);
struct ion_client *msm_ion_client_create(const char *name);
void ion_client_destroy(struct ion_client *client);
struct ion_handle *ion_alloc(struct ion_client *client, size_t len,
			     size_t align, unsigned int heap_id_mask,
			     unsigned int flags);
void ion_free(struct ion_client *client, struct ion_handle *handle);
int ion_phys(struct ion_client *client, struct ion_handle *handle,
	     phys_addr_t *addr, size_t *len);
void *ion_map_kernel(struct ion_client *client, struct ion_handle *handle);
void ion_unmap_kernel(struct ion_client *client, struct ion_handle *handle);
struct sg_table *ion_sg_table(struct ion_client *client,
			      struct ion_handle *handle);
struct dma_buf *ion_share_dma_buf(struct ion_client *client,
				  struct ion_handle *handle);
int ion_share_dma_buf_fd(struct ion_client *client, struct ion_handle *handle);
struct ion_handle *ion_import_dma_buf(struct ion_client *client, int fd);
struct ion_handle *ion_import_dma_buf_obj(struct ion_client *client,
					  struct dma_buf *dmabuf);
int ion_handle_get_size(struct ion_client *client, struct ion_handle *handle,
			size_t *size);
int ion_handle_get_flags(struct ion_client *client, struct ion_handle *handle,
			 unsigned long *flags);
int ion_handle_get_heap_id(struct ion_client *client, struct ion_handle *handle,
			   unsigned int *heap_id);

bool ion_dma_buf_is_ion(struct dma_buf *dmabuf);
bool ion_dma_buf_is_readonly(struct dma_buf *dmabuf);
int ion_dma_buf_map_kernel(struct dma_buf *dmabuf, struct iosys_map *map);
void ion_dma_buf_unmap_kernel(struct dma_buf *dmabuf, struct iosys_map *map);
u32 ion_prot_of_dma_buf(struct dma_buf *dmabuf);
int ion_prot_restrict_dma_buf(struct dma_buf *dmabuf, u32 prot);

#endif /* _LINUX_ION_H */
