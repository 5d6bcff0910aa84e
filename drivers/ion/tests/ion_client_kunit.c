// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the ION in-kernel client API (<linux/ion.h>): every
 * function, every error return and the reference count rules (double free,
 * map/unmap imbalance, foreign dma-bufs, handles of another client, destroy
 * with live handles and mappings).
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/dma-buf.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/ion.h>
#include <linux/iosys-map.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "../ion_priv.h"
#include "ion_kunit_release.h"

KUNIT_DEFINE_ACTION_WRAPPER(ion_client_test_destroy, ion_client_destroy,
			    struct ion_client *);
KUNIT_DEFINE_ACTION_WRAPPER(ion_client_test_kfree, kfree, const void *);
KUNIT_DEFINE_ACTION_WRAPPER(ion_client_test_dma_buf_put, dma_buf_put,
			    struct dma_buf *);

static struct ion_client *ion_client_test_create(struct kunit *test,
						 const char *name)
{
	struct ion_client *client;

	client = ion_client_create(ion_default_device(), name);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, client);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ion_client_test_destroy,
							   client));
	return client;
}

/* A dma-buf of another exporter, with vmap, standing in for udmabuf. */
static struct sg_table *ion_client_foreign_map(struct dma_buf_attachment *a,
					       enum dma_data_direction dir)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static void ion_client_foreign_unmap(struct dma_buf_attachment *a,
				     struct sg_table *sgt,
				     enum dma_data_direction dir)
{
}

static int ion_client_foreign_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	iosys_map_set_vaddr(map, dmabuf->priv);
	return 0;
}

static void ion_client_foreign_release(struct dma_buf *dmabuf)
{
	vfree(dmabuf->priv);
}

static const struct dma_buf_ops ion_client_foreign_ops = {
	.map_dma_buf = ion_client_foreign_map,
	.unmap_dma_buf = ion_client_foreign_unmap,
	.vmap = ion_client_foreign_vmap,
	.release = ion_client_foreign_release,
};

static struct dma_buf *ion_client_foreign_dma_buf(struct kunit *test)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);
	struct dma_buf *dmabuf;
	void *mem;

	mem = vzalloc(PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, mem);
	exp_info.ops = &ion_client_foreign_ops;
	exp_info.size = PAGE_SIZE;
	exp_info.flags = O_RDWR;
	exp_info.priv = mem;
	dmabuf = dma_buf_export(&exp_info);
	if (IS_ERR(dmabuf))
		vfree(mem);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dmabuf);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ion_client_test_dma_buf_put,
							   dmabuf));
	return dmabuf;
}

static void ion_client_create_destroy(struct kunit *test)
{
	struct ion_client *client;

	KUNIT_EXPECT_NOT_NULL(test, ion_default_device());
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL), ion_client_create(NULL, "x"));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL),
			    ion_client_create(ion_default_device(), NULL));
	client = msm_ion_client_create("ion_kunit_msm");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, client);
	KUNIT_EXPECT_PTR_EQ(test, client->dev, ion_default_device());
	KUNIT_EXPECT_STREQ(test, client->name, "ion_kunit_msm");
	KUNIT_EXPECT_NOT_NULL(test, client->debugfs);
	ion_client_destroy(client);
	ion_client_destroy(NULL);
}

#define ION_CLIENT_TEST_LONG	3

/* Kernel clients created in a thread of their own, so that a hang shows. */
struct ion_client_test_long {
	struct completion done;
	struct ion_client *clients[ION_CLIENT_TEST_LONG];
};

static int ion_client_test_long_fn(void *arg)
{
	/* "0-" and this make 63 characters and more: longer than a short buffer */
	static const char name[] =
		"ion_kunit_a_kernel_client_whose_name_is_sixty_one_chars_long_";
	struct ion_client_test_long *t = arg;
	int i;

	for (i = 0; i < ION_CLIENT_TEST_LONG; i++)
		t->clients[i] = ion_client_create(ion_default_device(), name);
	complete(&t->done);
	return 0;
}

/*
 * Kernel clients (all of pid 0) with the same long name: each gets its own
 * debugfs file at once, and the full name stays the client's.
 */
static void ion_client_long_names(struct kunit *test)
{
	struct ion_client_test_long *t;
	struct task_struct *task;
	int i, j;

	/* on a hang the thread and its memory stay: never freed */
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	init_completion(&t->done);
	task = kthread_run(ion_client_test_long_fn, t, "ion_kunit_long");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	if (!wait_for_completion_timeout(&t->done, 10 * HZ)) {
		KUNIT_FAIL(test, "ion_client_create() did not return in 10 s");
		return;
	}
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ion_client_test_kfree, t));
	for (i = 0; i < ION_CLIENT_TEST_LONG; i++) {
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->clients[i]);
		KUNIT_ASSERT_EQ(test, 0,
				kunit_add_action_or_reset(test, ion_client_test_destroy,
							  t->clients[i]));
	}
	for (i = 0; i < ION_CLIENT_TEST_LONG; i++) {
		struct dentry *d = t->clients[i]->debugfs;

		KUNIT_EXPECT_EQ(test, strlen(t->clients[i]->name), 61);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, d);
		KUNIT_EXPECT_EQ(test, 0, strncmp(d->d_name.name, "0-ion_kunit_a_", 14));
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_STRNEQ(test, d->d_name.name,
					    t->clients[j]->debugfs->d_name.name);
	}
}

/* A name with '/' still gets a debugfs file: debugfs refuses the '/'. */
static void ion_client_name_with_slash(struct kunit *test)
{
	struct ion_client *client = ion_client_test_create(test, "ion/kunit");

	KUNIT_EXPECT_STREQ(test, client->name, "ion/kunit");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, client->debugfs);
	KUNIT_EXPECT_NULL(test, strchr(client->debugfs->d_name.name, '/'));
	KUNIT_EXPECT_EQ(test, 0, strncmp(client->debugfs->d_name.name,
					 "0-ion!kunit-", 12));
}

static void ion_client_alloc_free(struct kunit *test)
{
	struct ion_client *client = ion_client_test_create(test, "ion_kunit");
	struct ion_handle *handle;
	unsigned long flags;
	unsigned int heap_id;
	size_t size;

	handle = ion_alloc(client, PAGE_SIZE + 1, 0, ION_HEAP(ION_SYSTEM_HEAP_ID),
			   ION_FLAG_CACHED);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, handle);
	KUNIT_EXPECT_EQ(test, ion_client_handle_count(client), 1);
	KUNIT_EXPECT_EQ(test, 0, ion_handle_get_size(client, handle, &size));
	KUNIT_EXPECT_EQ(test, size, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, 0, ion_handle_get_flags(client, handle, &flags));
	KUNIT_EXPECT_EQ(test, flags, ION_FLAG_CACHED);
	KUNIT_EXPECT_EQ(test, 0, ion_handle_get_heap_id(client, handle, &heap_id));
	KUNIT_EXPECT_EQ(test, heap_id, ION_HEAP_TYPE_SYSTEM);

	ion_free(client, handle);
	KUNIT_EXPECT_EQ(test, ion_client_handle_count(client), 0);
	/* double free: reported, ignored */
	ion_free(client, handle);
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_handle_get_size(client, handle, &size));
	ion_free(NULL, handle);
	ion_free(client, NULL);
}

static void ion_client_alloc_errors(struct kunit *test)
{
	struct ion_client *client = ion_client_test_create(test, "ion_kunit");

	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL),
			    ion_alloc(NULL, PAGE_SIZE, 0, ION_HEAP_SYSTEM_MASK, 0));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL),
			    ion_alloc(client, 0, 0, ION_HEAP_SYSTEM_MASK, 0));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL),
			    ion_alloc(client, PAGE_SIZE, 0, ION_HEAP_SYSTEM_MASK, 0x100));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENODEV),
			    ion_alloc(client, PAGE_SIZE, 0, 0, 0));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENODEV),
			    ion_alloc(client, PAGE_SIZE, 0, ION_HEAP(ION_AUDIO_HEAP_ID), 0));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOMEM),
			    ion_alloc(client, (totalram_pages() / 2 + 1) << PAGE_SHIFT, 0,
				      ION_HEAP_SYSTEM_MASK, 0));
	KUNIT_EXPECT_EQ(test, ion_client_handle_count(client), 0);
}

static void ion_client_phys(struct kunit *test)
{
	struct ion_client *client = ion_client_test_create(test, "ion_kunit");
	struct ion_handle *sys, *contig;
	ion_phys_addr_t addr;
	size_t len;

	sys = ion_alloc(client, PAGE_SIZE, 0, ION_HEAP_SYSTEM_MASK, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sys);
	contig = ion_alloc(client, 3 * PAGE_SIZE, 0,
			   ION_HEAP(ION_SYSTEM_CONTIG_HEAP_ID), 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, contig);

	KUNIT_EXPECT_EQ(test, -EINVAL, ion_phys(client, sys, &addr, &len));
	KUNIT_ASSERT_EQ(test, 0, ion_phys(client, contig, &addr, &len));
	KUNIT_EXPECT_EQ(test, len, 3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, addr, page_to_phys(sg_page(ion_sg_table(client, contig)->sgl)));
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_phys(client, contig, NULL, &len));
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_phys(NULL, contig, &addr, &len));
}

static void ion_client_map_kernel(struct kunit *test)
{
	struct ion_client *client = ion_client_test_create(test, "ion_kunit");
	struct ion_handle *handle;
	struct ion_buffer *buffer;
	u8 *a, *b;

	handle = ion_alloc(client, 2 * PAGE_SIZE, 0, ION_HEAP_SYSTEM_MASK, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, handle);
	buffer = handle->buffer;

	a = ion_map_kernel(client, handle);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(a, 0, 2 * PAGE_SIZE));
	b = ion_map_kernel(client, handle);
	KUNIT_EXPECT_PTR_EQ(test, a, b);
	KUNIT_EXPECT_EQ(test, handle->kmap_cnt, 2);
	KUNIT_EXPECT_EQ(test, buffer->dmabuf->vmapping_counter, 2);
	a[PAGE_SIZE] = 0x5a;

	ion_unmap_kernel(client, handle);
	ion_unmap_kernel(client, handle);
	KUNIT_EXPECT_EQ(test, buffer->dmabuf->vmapping_counter, 0);
	/* one unmap too many: warns once, changes nothing */
	ion_unmap_kernel(client, handle);
	KUNIT_EXPECT_EQ(test, handle->kmap_cnt, 0);
	KUNIT_EXPECT_EQ(test, buffer->dmabuf->vmapping_counter, 0);

	a = ion_map_kernel(client, handle);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	KUNIT_EXPECT_EQ(test, a[PAGE_SIZE], 0x5a);
	/* overflow of the per-handle count */
	handle->kmap_cnt = UINT_MAX;
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EOVERFLOW), ion_map_kernel(client, handle));
	handle->kmap_cnt = 1;
	/* freeing the handle undoes its mapping */
	ion_free(client, handle);

	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL), ion_map_kernel(client, handle));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL), ion_map_kernel(NULL, handle));
	ion_unmap_kernel(client, handle);
}

static void ion_client_sg_table(struct kunit *test)
{
	struct ion_client *client = ion_client_test_create(test, "ion_kunit");
	struct ion_handle *handle;
	struct sg_table *sgt;

	handle = ion_alloc(client, 5 * PAGE_SIZE, 0, ION_HEAP_SYSTEM_MASK, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, handle);
	sgt = ion_sg_table(client, handle);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sgt);
	KUNIT_EXPECT_GT(test, sgt->orig_nents, 0);
	ion_free(client, handle);
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL), ion_sg_table(client, handle));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL), ion_sg_table(NULL, handle));
}

static void ion_client_share_import(struct kunit *test)
{
	struct ion_client *a = ion_client_test_create(test, "ion_kunit_a");
	struct ion_client *b = ion_client_test_create(test, "ion_kunit_b");
	struct ion_handle *ha, *hb, *hb2;
	struct dma_buf *dmabuf;
	u8 *va, *vb;

	ha = ion_alloc(a, PAGE_SIZE, 0, ION_HEAP_SYSTEM_MASK, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ha);
	dmabuf = ion_share_dma_buf(a, ha);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dmabuf);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ion_client_test_dma_buf_put,
							   dmabuf));
	KUNIT_EXPECT_TRUE(test, ion_dma_buf_is_ion(dmabuf));

	hb = ion_import_dma_buf_obj(b, dmabuf);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, hb);
	hb2 = ion_import_dma_buf_obj(b, dmabuf);
	KUNIT_EXPECT_PTR_EQ(test, hb, hb2);
	KUNIT_EXPECT_EQ(test, hb->user_cnt, 2);
	KUNIT_EXPECT_EQ(test, ion_client_handle_count(b), 1);

	va = ion_map_kernel(a, ha);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, va);
	vb = ion_map_kernel(b, hb);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vb);
	va[7] = 0x77;
	KUNIT_EXPECT_EQ(test, vb[7], 0x77);
	ion_unmap_kernel(b, hb);

	/* a handle of another client is refused */
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL), ion_map_kernel(b, ha));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL), ion_share_dma_buf(b, ha));
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_share_dma_buf_fd(b, ha));
	ion_free(b, ha);
	KUNIT_EXPECT_EQ(test, ion_client_handle_count(a), 1);

	/* the buffer outlives a's handle while b holds it */
	ion_unmap_kernel(a, ha);
	ion_free(a, ha);
	ion_free(b, hb);
	KUNIT_EXPECT_EQ(test, ion_client_handle_count(b), 1);
	vb = ion_map_kernel(b, hb);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vb);
	KUNIT_EXPECT_EQ(test, vb[7], 0x77);
	ion_unmap_kernel(b, hb);
	ion_free(b, hb);
	KUNIT_EXPECT_EQ(test, ion_client_handle_count(b), 0);

	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL), ion_import_dma_buf_obj(b, NULL));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL), ion_import_dma_buf_obj(NULL, dmabuf));
}

/*
 * A read-only view (ION_IOC_SHARE_RO) shares the buffer's memory, keeps it
 * alive, is still an ION dma-buf, and no client can import it.
 */
static void ion_client_readonly_view(struct kunit *test)
{
	struct ion_client *a = ion_client_test_create(test, "ion_kunit_ro");
	struct dma_buf *dmabuf, *view, *view2;
	struct iosys_map map;
	struct ion_handle *h;
	struct ion_heap *heap;
	long bytes;
	u8 *va;

	h = ion_alloc(a, PAGE_SIZE, 0, ION_HEAP_SYSTEM_MASK, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, h);
	heap = h->buffer->heap;
	dmabuf = ion_share_dma_buf(a, h);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dmabuf);
	va = ion_map_kernel(a, h);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, va);
	va[3] = 0x33;
	ion_unmap_kernel(a, h);

	view = ion_buffer_export_readonly(dmabuf);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, view);
	KUNIT_EXPECT_TRUE(test, ion_dma_buf_is_ion(view));
	KUNIT_EXPECT_TRUE(test, ion_dma_buf_is_readonly(view));
	KUNIT_EXPECT_FALSE(test, ion_dma_buf_is_readonly(dmabuf));
	KUNIT_EXPECT_EQ(test, view->size, dmabuf->size);
	KUNIT_EXPECT_FALSE(test, view->file->f_mode & FMODE_WRITE);
	KUNIT_EXPECT_PTR_EQ(test, ion_dma_buf_to_buffer(view),
			    ion_dma_buf_to_buffer(dmabuf));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EACCES), ion_import_dma_buf_obj(a, view));

	/* a view of a view is a view of the same buffer */
	view2 = ion_buffer_export_readonly(view);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, view2);
	if (!IS_ERR(view2)) {
		KUNIT_EXPECT_TRUE(test, ion_dma_buf_is_readonly(view2));
		dma_buf_put(view2);
	}

	/* the view alone keeps the memory */
	ion_free(a, h);
	dma_buf_put(dmabuf);
	flush_delayed_fput();
	bytes = atomic_long_read(&heap->num_bytes);
	KUNIT_EXPECT_EQ(test, 0, dma_buf_vmap_unlocked(view, &map));
	if (!iosys_map_is_null(&map)) {
		KUNIT_EXPECT_EQ(test, ((u8 *)map.vaddr)[3], 0x33);
		dma_buf_vunmap_unlocked(view, &map);
	}

	/* and gives it back when it goes */
	dma_buf_put(view);
	ion_kunit_wait_release(atomic_long_read(&heap->num_bytes) == bytes - PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&heap->num_bytes), bytes - PAGE_SIZE);

	view = ion_buffer_export_readonly(ion_client_foreign_dma_buf(test));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL), view);
}

static void ion_client_share_fd(struct kunit *test)
{
	struct ion_client *client = ion_client_test_create(test, "ion_kunit");
	struct ion_handle *handle, *imported;
	int fd;

	handle = ion_alloc(client, PAGE_SIZE, 0, ION_HEAP_SYSTEM_MASK, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, handle);
	fd = ion_share_dma_buf_fd(client, handle);
	KUNIT_ASSERT_GE(test, fd, 0);
	imported = ion_import_dma_buf(client, fd);
	KUNIT_EXPECT_PTR_EQ(test, imported, handle);
	KUNIT_EXPECT_EQ(test, handle->user_cnt, 2);
	close_fd(fd);
	ion_free(client, handle);
	ion_free(client, handle);
	KUNIT_EXPECT_EQ(test, ion_client_handle_count(client), 0);

	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EBADF), ion_import_dma_buf(client, fd));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EBADF), ion_import_dma_buf(client, -1));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL), ion_import_dma_buf(NULL, fd));
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_share_dma_buf_fd(client, handle));
}

static void ion_client_foreign(struct kunit *test)
{
	struct ion_client *client = ion_client_test_create(test, "ion_kunit");
	struct dma_buf *foreign = ion_client_foreign_dma_buf(test);
	struct ion_handle *handle;
	struct iosys_map map;
	int fd;

	KUNIT_EXPECT_FALSE(test, ion_dma_buf_is_ion(foreign));
	KUNIT_EXPECT_FALSE(test, ion_dma_buf_is_ion(NULL));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL), ion_import_dma_buf_obj(client, foreign));

	get_dma_buf(foreign);
	fd = dma_buf_fd(foreign, O_CLOEXEC);
	KUNIT_ASSERT_GE(test, fd, 0);
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL), ion_import_dma_buf(client, fd));
	close_fd(fd);
	KUNIT_EXPECT_EQ(test, ion_client_handle_count(client), 0);

	/* foreign buffers are mapped through the dma-buf interface */
	KUNIT_ASSERT_EQ(test, 0, ion_dma_buf_map_kernel(foreign, &map));
	KUNIT_EXPECT_PTR_EQ(test, map.vaddr, foreign->priv);
	((u8 *)map.vaddr)[1] = 1;
	ion_dma_buf_unmap_kernel(foreign, &map);
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_dma_buf_map_kernel(NULL, &map));

	/* and so are ION's */
	handle = ion_alloc(client, PAGE_SIZE, 0, ION_HEAP_SYSTEM_MASK, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, handle);
	KUNIT_ASSERT_EQ(test, 0, ion_dma_buf_map_kernel(handle->buffer->dmabuf, &map));
	KUNIT_EXPECT_EQ(test, handle->buffer->dmabuf->vmapping_counter, 1);
	/* the same mapping as ion_map_kernel()'s, counted once more */
	KUNIT_EXPECT_PTR_EQ(test, map.vaddr, ion_map_kernel(client, handle));
	KUNIT_EXPECT_EQ(test, handle->buffer->dmabuf->vmapping_counter, 2);
	ion_unmap_kernel(client, handle);
	ion_dma_buf_unmap_kernel(handle->buffer->dmabuf, &map);
	KUNIT_EXPECT_EQ(test, handle->buffer->dmabuf->vmapping_counter, 0);
}

static void ion_client_other_client_errors(struct kunit *test)
{
	struct ion_client *a = ion_client_test_create(test, "ion_kunit_a");
	struct ion_client *b = ion_client_test_create(test, "ion_kunit_b");
	struct ion_handle *ha;
	ion_phys_addr_t addr;
	unsigned long flags;
	unsigned int id;
	size_t size;

	ha = ion_alloc(a, PAGE_SIZE, 0, ION_HEAP_SYSTEM_CONTIG_MASK, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ha);
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_handle_get_size(b, ha, &size));
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_handle_get_flags(b, ha, &flags));
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_handle_get_heap_id(b, ha, &id));
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_phys(b, ha, &addr, &size));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL), ion_sg_table(b, ha));
	ion_unmap_kernel(b, ha);
	ion_free(b, ha);
	KUNIT_EXPECT_EQ(test, ion_client_handle_count(a), 1);
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_handle_get_size(a, ha, NULL));
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_handle_get_flags(a, ha, NULL));
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_handle_get_heap_id(a, ha, NULL));
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_handle_get_size(NULL, ha, &size));
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_handle_get_size(a, ERR_PTR(-EINVAL), &size));
}

/*
 * Handles are found by id in the caller's own table: a handle of another
 * client whose id is one of the caller's ids is still refused, and a freed
 * handle is refused until its struct serves the client's next handle.  The
 * test case succeeds if every call with a handle that is not the caller's
 * fails with -EINVAL (or is ignored) and leaves both tables as they were.
 */
static void ion_client_other_client_same_id(struct kunit *test)
{
	struct ion_client *a = ion_client_test_create(test, "ion_kunit_a");
	struct ion_client *b = ion_client_test_create(test, "ion_kunit_b");
	struct ion_handle *ha, *hb, *stale;
	size_t size;

	ha = ion_alloc(a, PAGE_SIZE, 0, ION_HEAP_SYSTEM_MASK, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ha);
	hb = ion_alloc(b, 2 * PAGE_SIZE, 0, ION_HEAP_SYSTEM_MASK, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, hb);
	KUNIT_ASSERT_EQ(test, ha->id, hb->id);

	KUNIT_EXPECT_EQ(test, -EINVAL, ion_handle_get_size(b, ha, &size));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL), ion_map_kernel(b, ha));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL), ion_share_dma_buf(a, hb));
	ion_unmap_kernel(a, hb);
	ion_free(a, hb);
	ion_free(b, ha);
	KUNIT_EXPECT_EQ(test, ion_client_handle_count(a), 1);
	KUNIT_EXPECT_EQ(test, ion_client_handle_count(b), 1);
	KUNIT_EXPECT_EQ(test, 0, ion_handle_get_size(a, ha, &size));
	KUNIT_EXPECT_EQ(test, size, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, 0, ion_handle_get_size(b, hb, &size));
	KUNIT_EXPECT_EQ(test, size, 2 * PAGE_SIZE);

	/* freed: refused by both clients, a second free ignored */
	stale = ha;
	ion_free(a, ha);
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_handle_get_size(a, stale, &size));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL), ion_sg_table(a, stale));
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_handle_get_size(b, stale, &size));
	ion_free(a, stale);
	KUNIT_EXPECT_EQ(test, ion_client_handle_count(a), 0);
	KUNIT_EXPECT_EQ(test, ion_client_handle_count(b), 1);
}

/* The id table behind the legacy ioctls. */
static void ion_client_handle_ids(struct kunit *test)
{
	struct ion_client *a = ion_client_test_create(test, "ion_kunit_a");
	struct ion_client *b = ion_client_test_create(test, "ion_kunit_b");
	struct dma_buf *dmabuf;
	int id1, id2, id3, idb;

	KUNIT_ASSERT_EQ(test, 0, ion_legacy_id_alloc(a, PAGE_SIZE, 0,
						     ION_HEAP_SYSTEM_MASK, 0, &id1));
	KUNIT_EXPECT_EQ(test, id1, 1);
	KUNIT_ASSERT_EQ(test, 0, ion_legacy_id_alloc(a, PAGE_SIZE, 0,
						     ION_HEAP_SYSTEM_MASK, 0, &id2));
	KUNIT_EXPECT_EQ(test, id2, 2);
	KUNIT_EXPECT_EQ(test, -ENODEV, ion_legacy_id_alloc(a, PAGE_SIZE, 0, 0, 0, &id3));

	dmabuf = ion_legacy_id_get_dma_buf(a, id1);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dmabuf);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ion_client_test_dma_buf_put,
							   dmabuf));
	/* importing a buffer the client has: same id, one more count */
	KUNIT_ASSERT_EQ(test, 0, ion_legacy_id_import(a, dmabuf, &id3));
	KUNIT_EXPECT_EQ(test, id3, id1);
	/* another client: its own table, starting at 1 */
	KUNIT_ASSERT_EQ(test, 0, ion_legacy_id_import(b, dmabuf, &idb));
	KUNIT_EXPECT_EQ(test, idb, 1);

	KUNIT_EXPECT_EQ(test, 0, ion_legacy_id_free(a, id1));
	KUNIT_EXPECT_EQ(test, 0, ion_legacy_id_free(a, id1));
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_legacy_id_free(a, id1));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL), ion_legacy_id_get_dma_buf(a, id1));
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_legacy_id_free(a, 0));
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_legacy_id_free(a, -1));
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_legacy_id_free(a, 1000));
	KUNIT_EXPECT_EQ(test, ion_client_handle_count(a), 1);
	/* freed ids are not handed out again at once */
	KUNIT_ASSERT_EQ(test, 0, ion_legacy_id_alloc(a, PAGE_SIZE, 0,
						     ION_HEAP_SYSTEM_MASK, 0, &id3));
	KUNIT_EXPECT_EQ(test, id3, 3);
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_legacy_id_import(a, NULL, &id3));
	KUNIT_EXPECT_EQ(test, 0, ion_legacy_id_free(b, idb));
	KUNIT_EXPECT_EQ(test, ion_client_handle_count(b), 0);
}

/* Destroy with live handles and mappings: everything is undone. */
static void ion_client_destroy_live(struct kunit *test)
{
	struct ion_client *client, *keeper;
	struct ion_handle *h1, *h2;
	struct ion_buffer *buffer;
	struct dma_buf *dmabuf;
	struct ion_heap *heap;
	long bytes;

	keeper = ion_client_test_create(test, "ion_kunit_keeper");
	client = ion_client_create(ion_default_device(), "ion_kunit_doomed");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, client);

	h1 = ion_alloc(client, PAGE_SIZE, 0, ION_HEAP_SYSTEM_MASK, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, h1);
	h2 = ion_alloc(client, 2 * PAGE_SIZE, 0, ION_HEAP_SYSTEM_MASK, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, h2);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ion_map_kernel(client, h1));
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ion_map_kernel(client, h1));

	dmabuf = ion_share_dma_buf(client, h2);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dmabuf);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ion_import_dma_buf_obj(keeper, dmabuf));
	dma_buf_put(dmabuf);
	flush_delayed_fput();
	buffer = h2->buffer;
	heap = buffer->heap;
	bytes = atomic_long_read(&heap->num_bytes);

	ion_client_destroy(client);
	ion_kunit_wait_release(atomic_long_read(&heap->num_bytes) == bytes - PAGE_SIZE);
	/* h1's buffer went, h2's lives on in keeper */
	KUNIT_EXPECT_EQ(test, atomic_long_read(&heap->num_bytes), bytes - PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ion_client_handle_count(keeper), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&buffer->handle_cnt), 1);
}

static struct kunit_case ion_client_test_cases[] = {
	KUNIT_CASE(ion_client_create_destroy),
	KUNIT_CASE(ion_client_name_with_slash),
	KUNIT_CASE(ion_client_alloc_free),
	KUNIT_CASE(ion_client_alloc_errors),
	KUNIT_CASE(ion_client_phys),
	KUNIT_CASE(ion_client_map_kernel),
	KUNIT_CASE(ion_client_sg_table),
	KUNIT_CASE(ion_client_share_import),
	KUNIT_CASE(ion_client_share_fd),
	KUNIT_CASE(ion_client_readonly_view),
	KUNIT_CASE(ion_client_foreign),
	KUNIT_CASE(ion_client_other_client_errors),
	KUNIT_CASE(ion_client_other_client_same_id),
	KUNIT_CASE(ion_client_handle_ids),
	KUNIT_CASE(ion_client_destroy_live),
	/* last: a hang in it must not hold up the other cases */
	KUNIT_CASE(ion_client_long_names),
	{}
};

static struct kunit_suite ion_client_test_suite = {
	.name = "ion_client",
	.test_cases = ion_client_test_cases,
};

kunit_test_suite(ion_client_test_suite);
