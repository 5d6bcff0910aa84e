// SPDX-License-Identifier: GPL-2.0
/*
 * ION clients and handles, and the in-kernel client API.
 *
 * A client is an open /dev/ion or a kernel driver.  A handle is an entry in
 * the client's table (an id for user space, a pointer for the kernel) that
 * holds one reference on the buffer's dma-buf.  Allocating or importing a
 * buffer adds one user count to its handle, freeing drops one; the handle
 * and its dma-buf reference go when the count reaches zero.
 *
 * The in-kernel API finds a handle by its id in the client's table, in
 * constant time: a handle that is not there under that id (another
 * client's, or one already freed) fails with -EINVAL.  For that a freed
 * handle is not given back to the slab but kept, out of the table, on the
 * client's list of spare handles, and reused for the client's next handle;
 * so a stale pointer always points at a handle of its client, and the
 * client never holds more handle structs than it had handles at once.  The
 * legacy ioctls' view of the same table, by id alone, is ion_legacy_id.c.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-buf.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/idr.h>
#include <linux/ion.h>
#include <linux/module.h>
#include <linux/rbtree.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "ion_priv.h"

static struct ion_client *ion_client_create_pid(struct ion_device *dev,
						const char *name, pid_t pid)
{
	struct ion_client *client;

	client = kzalloc(sizeof(*client), GFP_KERNEL);
	if (!client)
		return ERR_PTR(-ENOMEM);
	client->name = kstrdup(name, GFP_KERNEL);
	if (!client->name) {
		kfree(client);
		return ERR_PTR(-ENOMEM);
	}
	client->dev = dev;
	client->pid = pid;
	mutex_init(&client->lock);
	idr_init_base(&client->idr, 1);
	client->handles = RB_ROOT;
	INIT_LIST_HEAD(&client->spare_handles);
	INIT_LIST_HEAD(&client->node);

	/* unique without looking at the other clients: no lock needed */
	ion_debugfs_add_client(client);
	mutex_lock(&dev->client_lock);
	list_add_tail(&client->node, &dev->clients);
	mutex_unlock(&dev->client_lock);
	return client;
}

/**
 * ion_client_create() - create a kernel client
 * @dev: the device, usually ion_default_device()
 * @name: name shown in debugfs; copied
 *
 * Context: process context, may sleep.
 * Return: the client, ERR_PTR(-EINVAL) for a NULL @dev or @name, or
 * ERR_PTR(-ENOMEM).
 */
struct ion_client *ion_client_create(struct ion_device *dev, const char *name)
{
	pid_t pid = 0;

	if (IS_ERR_OR_NULL(dev) || !name)
		return ERR_PTR(-EINVAL);
	if (!(current->flags & PF_KTHREAD))
		pid = task_tgid_nr(current);
	return ion_client_create_pid(dev, name, pid);
}
EXPORT_SYMBOL_GPL(ion_client_create);

/**
 * msm_ion_client_create() - create a kernel client of the default device
 * @name: name shown in debugfs; copied
 *
 * The Qualcomm vendor kernels' entry point, kept for drivers written
 * against them: ion_client_create(ion_default_device(), @name).
 *
 * Context: process context, may sleep.
 * Return: the client, ERR_PTR(-ENODEV) without a default device,
 * ERR_PTR(-EINVAL) or ERR_PTR(-ENOMEM).
 */
struct ion_client *msm_ion_client_create(const char *name)
{
	struct ion_device *dev = ion_default_device();

	if (!dev)
		return ERR_PTR(-ENODEV);
	return ion_client_create(dev, name);
}
EXPORT_SYMBOL_GPL(msm_ion_client_create);

/**
 * ion_client_create_user() - create the client of an open of /dev/ion
 * @dev: the device
 *
 * Context: process context, may sleep.
 * Return: the client or ERR_PTR(-ENOMEM).
 */
struct ion_client *ion_client_create_user(struct ion_device *dev)
{
	char comm[TASK_COMM_LEN];

	get_task_comm(comm, current->group_leader);
	return ion_client_create_pid(dev, comm, task_tgid_nr(current));
}

static struct ion_handle *ion_handle_find_buffer(struct ion_client *client,
						 struct ion_buffer *buffer)
{
	struct rb_node *n = client->handles.rb_node;

	lockdep_assert_held(&client->lock);
	while (n) {
		struct ion_handle *h = rb_entry(n, struct ion_handle, node);

		if (buffer < h->buffer)
			n = n->rb_left;
		else if (buffer > h->buffer)
			n = n->rb_right;
		else
			return h;
	}
	return NULL;
}

/**
 * ion_handle_lookup() - check a kernel caller's handle against the table
 * @client: the client
 * @handle: what the caller passed: a live handle of @client, a freed one
 *	(a spare of its client), another client's, an ERR_PTR or NULL
 *
 * Context: @client->lock held.
 * Return: @handle when it is in @client's table under its id, else NULL.
 */
static struct ion_handle *ion_handle_lookup(struct ion_client *client,
					    struct ion_handle *handle)
{
	lockdep_assert_held(&client->lock);
	if (IS_ERR_OR_NULL(handle) || handle->client != client)
		return NULL;
	/* A spare handle has id 0, which the table never holds. */
	if (idr_find(&client->idr, handle->id) != handle)
		return NULL;
	return handle;
}

/**
 * ion_handle_create() - add a handle for a buffer to the client's table
 * @client: the client
 * @buffer: the buffer, which the client has no handle for yet
 *
 * The handle starts with one user count.  The caller's dma-buf reference
 * is handed over to the handle on success.
 *
 * Context: process context, @client->lock held.
 * Return: the handle, or ERR_PTR(-ENOMEM) or ERR_PTR(-EMFILE) (no id left).
 */
struct ion_handle *ion_handle_create(struct ion_client *client,
				     struct ion_buffer *buffer)
{
	struct rb_node **p = &client->handles.rb_node, *parent = NULL;
	struct ion_handle *handle;
	int id;

	lockdep_assert_held(&client->lock);
	handle = list_first_entry_or_null(&client->spare_handles,
					  struct ion_handle, spare);
	if (handle) {
		list_del(&handle->spare);
	} else {
		handle = kzalloc(sizeof(*handle), GFP_KERNEL);
		if (!handle)
			return ERR_PTR(-ENOMEM);
		handle->client = client;
	}
	id = idr_alloc_cyclic(&client->idr, handle, 1, 0, GFP_KERNEL);
	if (id < 0) {
		list_add(&handle->spare, &client->spare_handles);
		return ERR_PTR(id == -ENOSPC ? -EMFILE : id);
	}
	handle->id = id;
	handle->buffer = buffer;
	handle->user_cnt = 1;
	handle->kmap_cnt = 0;

	while (*p) {
		struct ion_handle *h = rb_entry(*p, struct ion_handle, node);

		parent = *p;
		p = buffer < h->buffer ? &(*p)->rb_left : &(*p)->rb_right;
	}
	rb_link_node(&handle->node, parent, p);
	rb_insert_color(&handle->node, &client->handles);
	atomic_inc(&buffer->handle_cnt);
	return handle;
}

/*
 * Take @handle out of the table and undo its kernel mappings; it becomes a
 * spare of its client.  Returns the dma-buf whose reference the caller must
 * drop after unlocking.
 */
static struct dma_buf *ion_handle_destroy(struct ion_handle *handle)
{
	struct ion_client *client = handle->client;
	struct ion_buffer *buffer = handle->buffer;

	lockdep_assert_held(&client->lock);
	while (handle->kmap_cnt) {
		handle->kmap_cnt--;
		ion_buffer_kmap_put(buffer);
	}
	rb_erase(&handle->node, &client->handles);
	idr_remove(&client->idr, handle->id);
	atomic_dec(&buffer->handle_cnt);
	handle->id = 0;
	handle->buffer = NULL;
	list_add(&handle->spare, &client->spare_handles);
	return buffer->dmabuf;
}

/**
 * ion_handle_put_user() - drop one user count of a handle
 * @handle: a handle in its client's table
 *
 * Context: the client's lock held.
 * Return: the dma-buf whose reference the caller must drop after unlocking
 * when the count reached zero and the handle left the table, else NULL.
 */
struct dma_buf *ion_handle_put_user(struct ion_handle *handle)
{
	lockdep_assert_held(&handle->client->lock);
	if (--handle->user_cnt)
		return NULL;
	return ion_handle_destroy(handle);
}

/**
 * ion_client_destroy() - destroy a client and every handle it still holds
 * @client: the client
 *
 * Kernel mappings made with ion_map_kernel() are undone; buffers live on
 * while other references (fds, other clients, mappings) hold them.  The
 * caller must make sure no other call on @client runs or starts: the client
 * is freed on return.
 *
 * Context: process context, may sleep.
 */
void ion_client_destroy(struct ion_client *client)
{
	struct ion_handle *handle, *tmp;
	struct ion_device *dev;
	struct rb_node *n;

	if (IS_ERR_OR_NULL(client))
		return;
	dev = client->dev;

	/* Out of the accounting lists first: debugfs readers are done after. */
	mutex_lock(&dev->client_lock);
	ion_debugfs_remove_client(client);
	list_del(&client->node);
	mutex_unlock(&dev->client_lock);

	mutex_lock(&client->lock);
	while ((n = rb_first(&client->handles))) {
		struct dma_buf *dmabuf;

		handle = rb_entry(n, struct ion_handle, node);
		dmabuf = ion_handle_destroy(handle);
		dma_buf_put(dmabuf);
	}
	mutex_unlock(&client->lock);

	list_for_each_entry_safe(handle, tmp, &client->spare_handles, spare)
		kfree(handle);
	idr_destroy(&client->idr);
	mutex_destroy(&client->lock);
	kfree(client->name);
	kfree(client);
}
EXPORT_SYMBOL_GPL(ion_client_destroy);

/**
 * ion_client_handle_count() - number of handles in a client's table
 * @client: the client
 *
 * Context: process context, takes client->lock.
 * Return: the count.
 */
unsigned int ion_client_handle_count(struct ion_client *client)
{
	struct ion_handle *h;
	unsigned int cnt = 0;
	int id;

	mutex_lock(&client->lock);
	idr_for_each_entry(&client->idr, h, id)
		cnt++;
	mutex_unlock(&client->lock);
	return cnt;
}

static struct ion_handle *ion_client_add_buffer(struct ion_client *client,
						struct ion_buffer *buffer)
{
	struct ion_handle *handle;

	mutex_lock(&client->lock);
	handle = ion_handle_create(client, buffer);
	mutex_unlock(&client->lock);
	return handle;
}

/**
 * ion_alloc() - allocate a buffer and a handle to it
 * @client: the client
 * @len: size in bytes, rounded up to pages
 * @align: alignment; honoured by contiguous heaps, at most PAGE_SIZE for
 *	the system heap
 * @heap_id_mask: ION_HEAP() bits of heap ids or msm alias ids
 * @flags: ION_FLAG_* bits
 *
 * Context: process context, sleeps.
 * Return: the handle, or ERR_PTR(-EINVAL) (NULL client, len 0 or overflow,
 * unknown flags, bad align), -ENODEV (no heap in the mask), -ENOMEM,
 * -EINTR.  Never NULL.
 */
struct ion_handle *ion_alloc(struct ion_client *client, size_t len,
			     size_t align, unsigned int heap_id_mask,
			     unsigned int flags)
{
	struct ion_buffer *buffer;
	struct ion_handle *handle;

	if (IS_ERR_OR_NULL(client))
		return ERR_PTR(-EINVAL);
	buffer = ion_buffer_create(client->dev, len, align, heap_id_mask, flags);
	if (IS_ERR(buffer))
		return ERR_CAST(buffer);
	/* Named after its client until someone renames it (DMA_BUF_SET_NAME). */
	if (client->name && ion_buffer_set_name(buffer, client->name)) {
		dma_buf_put(buffer->dmabuf);
		return ERR_PTR(-ENOMEM);
	}
	/* The buffer's first dma-buf reference goes to the handle. */
	handle = ion_client_add_buffer(client, buffer);
	if (IS_ERR(handle))
		dma_buf_put(buffer->dmabuf);
	return handle;
}
EXPORT_SYMBOL_GPL(ion_alloc);

/**
 * ion_free() - drop one user count of a handle
 * @client: the client
 * @handle: a handle of @client
 *
 * The handle goes (and its kernel mappings with it) when every ion_alloc()
 * and import of it has been matched by ion_free().  A handle that is not in
 * @client's table (already freed, another client's) is reported once and
 * ignored.
 *
 * Context: process context, may sleep.
 */
void ion_free(struct ion_client *client, struct ion_handle *handle)
{
	struct dma_buf *dmabuf = NULL;

	if (IS_ERR_OR_NULL(client))
		return;
	mutex_lock(&client->lock);
	if (ion_handle_lookup(client, handle))
		dmabuf = ion_handle_put_user(handle);
	else
		pr_warn_once("%s: invalid handle for client %s\n", __func__,
			     client->name);
	mutex_unlock(&client->lock);
	if (dmabuf)
		dma_buf_put(dmabuf);
}
EXPORT_SYMBOL_GPL(ion_free);

/* Look up @handle and return its buffer, or NULL; client->lock held. */
static struct ion_buffer *ion_handle_buffer(struct ion_client *client,
					    struct ion_handle *handle)
{
	handle = ion_handle_lookup(client, handle);
	return handle ? handle->buffer : NULL;
}

/**
 * ion_phys() - physical address of a contiguous buffer
 * @client: the client
 * @handle: a handle of @client
 * @addr: output: physical address
 * @len: output: length in bytes
 *
 * Context: process context, may sleep.
 * Return: 0, or -EINVAL for a bad client or handle or a heap without
 * physical addresses (the system heap).
 */
int ion_phys(struct ion_client *client, struct ion_handle *handle,
	     phys_addr_t *addr, size_t *len)
{
	struct ion_buffer *buffer;
	int ret = -EINVAL;

	if (IS_ERR_OR_NULL(client) || !addr || !len)
		return -EINVAL;
	mutex_lock(&client->lock);
	buffer = ion_handle_buffer(client, handle);
	if (buffer && buffer->heap->ops->phys) {
		WRITE_ONCE(buffer->exposed, true);
		ret = buffer->heap->ops->phys(buffer->heap, buffer, addr, len);
	}
	mutex_unlock(&client->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(ion_phys);

/**
 * ion_map_kernel() - map a buffer into the kernel's address space
 * @client: the client
 * @handle: a handle of @client
 *
 * The mapping is the buffer's one kernel mapping (its dma-buf's vmap,
 * shared with dma_buf_vmap() users), counted per handle too: every call
 * needs one ion_unmap_kernel(), and ion_free() of the handle's last user
 * count or ion_client_destroy() undoes what is left.  It is independent of
 * user space's begin/end_cpu_access.
 *
 * Context: process context, may sleep.
 * Return: the kernel address, or ERR_PTR(-EINVAL) (bad client or handle),
 * -EOVERFLOW (the handle's count overflows), -ENOMEM.  Never NULL.
 */
void *ion_map_kernel(struct ion_client *client, struct ion_handle *handle)
{
	struct ion_buffer *buffer;
	void *vaddr;

	if (IS_ERR_OR_NULL(client))
		return ERR_PTR(-EINVAL);
	mutex_lock(&client->lock);
	buffer = ion_handle_buffer(client, handle);
	if (!buffer) {
		vaddr = ERR_PTR(-EINVAL);
		goto unlock;
	}
	if (handle->kmap_cnt == UINT_MAX) {
		vaddr = ERR_PTR(-EOVERFLOW);
		goto unlock;
	}
	vaddr = ion_buffer_kmap_get(buffer);
	if (!IS_ERR(vaddr))
		handle->kmap_cnt++;
unlock:
	mutex_unlock(&client->lock);
	return vaddr;
}
EXPORT_SYMBOL_GPL(ion_map_kernel);

/**
 * ion_unmap_kernel() - undo one ion_map_kernel()
 * @client: the client
 * @handle: a handle of @client
 *
 * Unmapping a handle that has no mapping (or an invalid handle) warns once
 * and changes nothing.
 *
 * Context: process context, may sleep.
 */
void ion_unmap_kernel(struct ion_client *client, struct ion_handle *handle)
{
	struct ion_buffer *buffer;

	if (IS_ERR_OR_NULL(client))
		return;
	mutex_lock(&client->lock);
	buffer = ion_handle_buffer(client, handle);
	if (!buffer || !handle->kmap_cnt) {
		pr_warn_once("%s: unbalanced or invalid unmap by client %s\n",
			     __func__, client->name);
		goto unlock;
	}
	handle->kmap_cnt--;
	ion_buffer_kmap_put(buffer);
unlock:
	mutex_unlock(&client->lock);
}
EXPORT_SYMBOL_GPL(ion_unmap_kernel);

/**
 * ion_sg_table() - the pages of a buffer
 * @client: the client
 * @handle: a handle of @client
 *
 * The table is the buffer's own and lives as long as the handle; it is not
 * DMA mapped (attach the dma-buf to a device for that).  The buffer counts
 * as written from then on (&ion_buffer.exposed).
 *
 * Context: process context, may sleep.
 * Return: the table or ERR_PTR(-EINVAL).
 */
struct sg_table *ion_sg_table(struct ion_client *client,
			      struct ion_handle *handle)
{
	struct ion_buffer *buffer;

	if (IS_ERR_OR_NULL(client))
		return ERR_PTR(-EINVAL);
	mutex_lock(&client->lock);
	buffer = ion_handle_buffer(client, handle);
	if (buffer)
		WRITE_ONCE(buffer->exposed, true);
	mutex_unlock(&client->lock);
	return buffer ? buffer->sg_table : ERR_PTR(-EINVAL);
}
EXPORT_SYMBOL_GPL(ion_sg_table);

/**
 * ion_share_dma_buf() - a new reference to a handle's dma-buf
 * @client: the client
 * @handle: a handle of @client
 *
 * Context: process context, may sleep.
 * Return: the dma-buf (drop it with dma_buf_put()) or ERR_PTR(-EINVAL).
 */
struct dma_buf *ion_share_dma_buf(struct ion_client *client,
				  struct ion_handle *handle)
{
	struct ion_buffer *buffer;
	struct dma_buf *dmabuf = ERR_PTR(-EINVAL);

	if (IS_ERR_OR_NULL(client))
		return dmabuf;
	mutex_lock(&client->lock);
	buffer = ion_handle_buffer(client, handle);
	if (buffer) {
		dmabuf = buffer->dmabuf;
		get_dma_buf(dmabuf);
	}
	mutex_unlock(&client->lock);
	return dmabuf;
}
EXPORT_SYMBOL_GPL(ion_share_dma_buf);

/**
 * ion_share_dma_buf_fd() - a new dma-buf fd for a handle, in the current process
 * @client: the client
 * @handle: a handle of @client
 *
 * Context: process context with a file table, may sleep.
 * Return: the fd (O_CLOEXEC), -EINVAL or -EMFILE.
 */
int ion_share_dma_buf_fd(struct ion_client *client, struct ion_handle *handle)
{
	struct dma_buf *dmabuf;
	int fd;

	dmabuf = ion_share_dma_buf(client, handle);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	fd = dma_buf_fd(dmabuf, O_CLOEXEC);
	if (fd < 0)
		dma_buf_put(dmabuf);
	return fd;
}
EXPORT_SYMBOL_GPL(ion_share_dma_buf_fd);

/**
 * ion_client_import() - find or create a client's handle for an ION dma-buf
 * @client: the client
 * @dmabuf: the dma-buf or NULL; the caller keeps its reference
 *
 * Adds one user count to the handle.
 *
 * Context: process context, @client->lock held.
 * Return: the handle, or ERR_PTR(-EINVAL) (NULL or not ION's), -EACCES (a
 * read-only view), -EOVERFLOW, or an ion_handle_create() error.
 */
struct ion_handle *ion_client_import(struct ion_client *client,
				     struct dma_buf *dmabuf)
{
	struct ion_buffer *buffer = ion_dma_buf_to_buffer(dmabuf);
	struct ion_handle *handle;

	lockdep_assert_held(&client->lock);
	if (!buffer)
		return ERR_PTR(-EINVAL);
	if (ion_dma_buf_is_readonly(dmabuf))
		return ERR_PTR(-EACCES);
	handle = ion_handle_find_buffer(client, buffer);
	if (handle) {
		if (handle->user_cnt == UINT_MAX)
			return ERR_PTR(-EOVERFLOW);
		handle->user_cnt++;
		return handle;
	}
	get_dma_buf(dmabuf);
	handle = ion_handle_create(client, buffer);
	if (IS_ERR(handle))
		dma_buf_put(dmabuf);
	return handle;
}

/**
 * ion_import_dma_buf_obj() - get a handle for an ION dma-buf
 * @client: the client
 * @dmabuf: a dma-buf exported by ION; the caller keeps its reference
 *
 * Importing a buffer the client already has a handle for returns that
 * handle with one more user count (one more ion_free() needed).
 *
 * Context: process context, may sleep.
 * Return: the handle, or ERR_PTR(-EINVAL) for a bad client, a NULL or
 * foreign dma-buf (use ion_dma_buf_map_kernel() to map those), -EACCES for
 * a read-only view (ion_dma_buf_is_readonly()), -ENOMEM, -EOVERFLOW.
 */
struct ion_handle *ion_import_dma_buf_obj(struct ion_client *client,
					  struct dma_buf *dmabuf)
{
	struct ion_handle *handle;

	if (IS_ERR_OR_NULL(client) || IS_ERR_OR_NULL(dmabuf))
		return ERR_PTR(-EINVAL);
	mutex_lock(&client->lock);
	handle = ion_client_import(client, dmabuf);
	mutex_unlock(&client->lock);
	return handle;
}
EXPORT_SYMBOL_GPL(ion_import_dma_buf_obj);

/**
 * ion_import_dma_buf() - get a handle for a dma-buf fd of the current process
 * @client: the client
 * @fd: a dma-buf fd exported by ION
 *
 * Context: process context, may sleep.
 * Return: the handle, or ERR_PTR(-EBADF) for an fd that is not open,
 * -EINVAL for an fd that is not an ION dma-buf, or an
 * ion_import_dma_buf_obj() error.
 */
struct ion_handle *ion_import_dma_buf(struct ion_client *client, int fd)
{
	struct ion_handle *handle;
	struct dma_buf *dmabuf;

	if (IS_ERR_OR_NULL(client))
		return ERR_PTR(-EINVAL);
	dmabuf = dma_buf_get(fd);
	if (IS_ERR(dmabuf))
		return ERR_CAST(dmabuf);
	handle = ion_import_dma_buf_obj(client, dmabuf);
	dma_buf_put(dmabuf);
	return handle;
}
EXPORT_SYMBOL_GPL(ion_import_dma_buf);

/* What a handle's buffer was allocated with; they never change. */
struct ion_handle_attrs {
	size_t size;
	unsigned long flags;
	unsigned int heap_id;
};

/* Copy @handle's buffer attributes, if @handle is one of @client's. */
static int ion_handle_get_attrs(struct ion_client *client,
				struct ion_handle *handle,
				struct ion_handle_attrs *attrs)
{
	struct ion_buffer *buffer;

	if (IS_ERR_OR_NULL(client))
		return -EINVAL;
	mutex_lock(&client->lock);
	buffer = ion_handle_buffer(client, handle);
	if (buffer) {
		attrs->size = buffer->size;
		attrs->flags = buffer->flags;
		attrs->heap_id = buffer->heap->id;
	}
	mutex_unlock(&client->lock);
	return buffer ? 0 : -EINVAL;
}

/**
 * ion_handle_get_size() - size of a handle's buffer
 * @client: the client
 * @handle: a handle of @client
 * @size: output: size in bytes (page aligned)
 *
 * Context: process context, may sleep.
 * Return: 0 or -EINVAL.
 */
int ion_handle_get_size(struct ion_client *client, struct ion_handle *handle,
			size_t *size)
{
	struct ion_handle_attrs attrs;
	int ret;

	if (!size)
		return -EINVAL;
	ret = ion_handle_get_attrs(client, handle, &attrs);
	if (!ret)
		*size = attrs.size;
	return ret;
}
EXPORT_SYMBOL_GPL(ion_handle_get_size);

/**
 * ion_handle_get_flags() - allocation flags of a handle's buffer
 * @client: the client
 * @handle: a handle of @client
 * @flags: output: ION_FLAG_* bits
 *
 * Context: process context, may sleep.
 * Return: 0 or -EINVAL.
 */
int ion_handle_get_flags(struct ion_client *client, struct ion_handle *handle,
			 unsigned long *flags)
{
	struct ion_handle_attrs attrs;
	int ret;

	if (!flags)
		return -EINVAL;
	ret = ion_handle_get_attrs(client, handle, &attrs);
	if (!ret)
		*flags = attrs.flags;
	return ret;
}
EXPORT_SYMBOL_GPL(ion_handle_get_flags);

/**
 * ion_handle_get_heap_id() - id of the heap a handle's buffer came from
 * @client: the client
 * @handle: a handle of @client
 * @heap_id: output: the heap's id (not its msm alias)
 *
 * Context: process context, may sleep.
 * Return: 0 or -EINVAL.
 */
int ion_handle_get_heap_id(struct ion_client *client, struct ion_handle *handle,
			   unsigned int *heap_id)
{
	struct ion_handle_attrs attrs;
	int ret;

	if (!heap_id)
		return -EINVAL;
	ret = ion_handle_get_attrs(client, handle, &attrs);
	if (!ret)
		*heap_id = attrs.heap_id;
	return ret;
}
EXPORT_SYMBOL_GPL(ion_handle_get_heap_id);
