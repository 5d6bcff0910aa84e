// SPDX-License-Identifier: GPL-2.0
/*
 * ION handle ids: the legacy ioctls' view of a client's handle table.
 *
 * User space of the legacy ABI names a handle by the id of its entry in the
 * client's table (ion_user_handle_t).  These calls are the handle calls of
 * ion_client.c by id instead of by pointer: allocation and import give the
 * id out, free and share take it, each looking it up in the table under
 * the client's lock.  Ids start at 1 and are not handed out again at once.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-buf.h>
#include <linux/err.h>
#include <linux/idr.h>
#include <linux/ion.h>
#include <linux/mutex.h>

#include "ion_priv.h"

/* The handle with id @id, or NULL; client->lock held. */
static struct ion_handle *ion_legacy_id_find(struct ion_client *client, int id)
{
	lockdep_assert_held(&client->lock);
	return id > 0 ? idr_find(&client->idr, id) : NULL;
}

/**
 * ion_legacy_id_alloc() - ion_alloc() returning the handle's id
 * @client: the client
 * @len: see ion_alloc()
 * @align: see ion_alloc()
 * @heap_id_mask: see ion_alloc()
 * @flags: see ion_alloc()
 * @id: output: the handle id
 *
 * Context: process context, sleeps.
 * Return: 0 or an ion_alloc() error.
 */
int ion_legacy_id_alloc(struct ion_client *client, size_t len, size_t align,
			unsigned int heap_id_mask, unsigned int flags, int *id)
{
	struct ion_buffer *buffer;
	struct ion_handle *handle;
	int ret = 0;

	buffer = ion_buffer_create_user(client->dev, len, align, heap_id_mask,
					flags);
	if (IS_ERR(buffer))
		return PTR_ERR(buffer);
	mutex_lock(&client->lock);
	handle = ion_handle_create(client, buffer);
	if (IS_ERR(handle))
		ret = PTR_ERR(handle);
	else
		*id = handle->id;
	mutex_unlock(&client->lock);
	if (ret)
		dma_buf_put(buffer->dmabuf);
	return ret;
}

/**
 * ion_legacy_id_free() - ion_free() by handle id
 * @client: the client
 * @id: handle id
 *
 * Context: process context, may sleep.
 * Return: 0 or -EINVAL for an id that is not in the table.
 */
int ion_legacy_id_free(struct ion_client *client, int id)
{
	struct dma_buf *dmabuf = NULL;
	struct ion_handle *handle;
	int ret = -EINVAL;

	mutex_lock(&client->lock);
	handle = ion_legacy_id_find(client, id);
	if (handle) {
		dmabuf = ion_handle_put_user(handle);
		ret = 0;
	}
	mutex_unlock(&client->lock);
	if (dmabuf)
		dma_buf_put(dmabuf);
	return ret;
}

/**
 * ion_legacy_id_get_dma_buf() - a new reference to a handle id's dma-buf
 * @client: the client
 * @id: handle id
 *
 * Context: process context, may sleep.
 * Return: the dma-buf or ERR_PTR(-EINVAL).
 */
struct dma_buf *ion_legacy_id_get_dma_buf(struct ion_client *client, int id)
{
	struct dma_buf *dmabuf = ERR_PTR(-EINVAL);
	struct ion_handle *handle;

	mutex_lock(&client->lock);
	handle = ion_legacy_id_find(client, id);
	if (handle) {
		dmabuf = handle->buffer->dmabuf;
		get_dma_buf(dmabuf);
	}
	mutex_unlock(&client->lock);
	return dmabuf;
}

/**
 * ion_legacy_id_import() - ion_import_dma_buf_obj() returning the id
 * @client: the client
 * @dmabuf: the dma-buf; the caller keeps its reference
 * @id: output: the handle id
 *
 * Context: process context, may sleep.
 * Return: 0 or an ion_import_dma_buf_obj() error.
 */
int ion_legacy_id_import(struct ion_client *client, struct dma_buf *dmabuf,
			 int *id)
{
	struct ion_handle *handle;
	int ret = 0;

	mutex_lock(&client->lock);
	handle = ion_client_import(client, dmabuf);
	if (IS_ERR(handle))
		ret = PTR_ERR(handle);
	else
		*id = handle->id;
	mutex_unlock(&client->lock);
	return ret;
}
