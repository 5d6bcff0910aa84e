// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for what ION tells the system about its buffers: the byte
 * count behind /sys/kernel/ion/total_heaps_kb and the ion_stat event, the
 * exporter name and default name of a buffer, and which buffers are charged
 * to a memory cgroup and how those meet the system heap's pools.
 */

#include <kunit/test.h>
#include <linux/dma-buf.h>
#include <linux/ion.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <uapi/linux/dma-buf.h>

#include "../ion_priv.h"
#include "../heaps/ion_heaps.h"
#include "ion_kunit_release.h"

KUNIT_DEFINE_ACTION_WRAPPER(ion_stats_test_destroy, ion_client_destroy,
			    struct ion_client *);

#define ION_STATS_TEST_LEN	(16 * PAGE_SIZE)

static struct ion_client *ion_stats_test_client(struct kunit *test)
{
	struct ion_client *client;

	client = ion_client_create(ion_default_device(), "ion_stats_kunit");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, client);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ion_stats_test_destroy,
							   client));
	return client;
}

/* A kernel client's buffer: named after the client, charged to nobody. */
static void ion_stats_kernel_buffer(struct kunit *test)
{
	struct ion_client *client = ion_stats_test_client(test);
	const char *exp_name = "ion";
	struct ion_handle *handle;
	struct ion_buffer *buffer;
	char name[DMA_BUF_NAME_LEN];

	handle = ion_alloc(client, ION_STATS_TEST_LEN, 0, ION_HEAP_SYSTEM_MASK, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, handle);
	buffer = handle->buffer;
	ion_buffer_name(buffer, name, sizeof(name));
	KUNIT_EXPECT_STREQ(test, name, "ion_stats_kunit");
	KUNIT_EXPECT_FALSE(test, buffer->account);
	if (IS_ENABLED(CONFIG_ION_DMA_HEAP))
		exp_name = "ion-ion_system_heap";
	KUNIT_EXPECT_STREQ(test, buffer->dmabuf->exp_name, exp_name);
	KUNIT_EXPECT_EQ(test, buffer->ino, file_inode(buffer->dmabuf->file)->i_ino);
	ion_free(client, handle);
}

/* The total grows by the buffer's size and shrinks back at release. */
static void ion_stats_total_bytes(struct kunit *test)
{
	struct ion_buffer *buffer;
	unsigned long before;

	/* let the releases of earlier cases finish first */
	ion_kunit_wait_release(!ion_buffer_total_bytes());
	before = ion_buffer_total_bytes();
	buffer = ion_buffer_create(ion_default_device(), ION_STATS_TEST_LEN, 0,
				   ION_HEAP_SYSTEM_MASK, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buffer);
	KUNIT_EXPECT_EQ(test, ion_buffer_total_bytes(), before + ION_STATS_TEST_LEN);
	dma_buf_put(buffer->dmabuf);
	KUNIT_EXPECT_TRUE(test, ion_kunit_wait_release(ion_buffer_total_bytes() == before));
}

/*
 * A buffer of user space is charged; freed, it goes to the pools' dirty
 * lists when ION is built in (which can uncharge a pooled block), else
 * straight back to the page allocator.  A kernel one always goes to the
 * pools.  (In a KUnit case, which runs in a kernel thread, the charge
 * itself is to nobody.)
 */
static void ion_stats_charged_pooling(struct kunit *test)
{
	unsigned long npages = ION_STATS_TEST_LEN >> PAGE_SHIFT;
	struct ion_device *dev = ion_default_device();
	struct ion_buffer *buffer;
	unsigned long pooled;

	buffer = ion_buffer_create_user(dev, ION_STATS_TEST_LEN, 0,
					ION_HEAP_SYSTEM_MASK, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buffer);
	if (!buffer->account) {
		dma_buf_put(buffer->dmabuf);
		kunit_skip(test, "booted with ion.mem_accounting=0");
	}
	/* The free work moves pages from dirty to clean or frees them. */
	pooled = ion_system_heap_queued_pages() + ion_system_heap_pool_pages();
	dma_buf_put(buffer->dmabuf);
	if (IS_BUILTIN(CONFIG_ION)) {
		KUNIT_EXPECT_TRUE(test, ion_kunit_wait_release(ion_system_heap_queued_pages() +
							       ion_system_heap_pool_pages() >=
							       pooled + npages));
	} else {
		ion_kunit_wait_release(ion_buffer_total_bytes() < ION_STATS_TEST_LEN);
		KUNIT_EXPECT_LE(test, ion_system_heap_queued_pages() +
				ion_system_heap_pool_pages(), pooled);
	}

	buffer = ion_buffer_create(dev, ION_STATS_TEST_LEN, 0, ION_HEAP_SYSTEM_MASK, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buffer);
	KUNIT_EXPECT_FALSE(test, buffer->account);
	pooled = ion_system_heap_queued_pages() + ion_system_heap_pool_pages();
	dma_buf_put(buffer->dmabuf);
	KUNIT_EXPECT_TRUE(test, ion_kunit_wait_release(ion_system_heap_queued_pages() +
						       ion_system_heap_pool_pages() >=
						       pooled + npages));
}

static struct kunit_case ion_stats_test_cases[] = {
	KUNIT_CASE(ion_stats_kernel_buffer),
	KUNIT_CASE(ion_stats_total_bytes),
	KUNIT_CASE(ion_stats_charged_pooling),
	{}
};

static struct kunit_suite ion_stats_test_suite = {
	.name = "ion_stats",
	.test_cases = ion_stats_test_cases,
};

kunit_test_suite(ion_stats_test_suite);
