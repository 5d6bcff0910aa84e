// SPDX-License-Identifier: GPL-2.0
/*
 * ION_IOC_CUSTOM through /dev/ion: ENOTTY while no heap has set a handler;
 * with the sample heap module (samples/ion/ion_sample_heap.ko) loaded, its
 * ION_SAMPLE_HEAP_BUFFER_INFO command describes a buffer of that heap and
 * refuses every other buffer and bad input with a precise errno.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>

#include "ion_test_util.h"
#include "../kselftest_harness.h"

#include "../../../../samples/ion/ion_sample_heap.h"

#define ION_SAMPLE_HEAP_NAME	"sample_heap"
#define ION_CUSTOM_LEN		(3 * 4096)

/* The id of the sample heap, or -1 when it is not registered. */
static int ion_sample_heap_id(int fd)
{
	struct ion_heap_data heaps[ION_NUM_HEAP_IDS];
	struct ion_heap_query query = {
		.cnt = ION_NUM_HEAP_IDS, .heaps = (uintptr_t)heaps,
	};
	__u32 i;

	if (ion_ioctl(fd, ION_IOC_HEAP_QUERY, &query))
		return -1;
	for (i = 0; i < query.cnt; i++)
		if (!strcmp(heaps[i].name, ION_SAMPLE_HEAP_NAME))
			return heaps[i].heap_id;
	return -1;
}

static int ion_custom(int fd, unsigned int cmd, void *arg)
{
	struct ion_custom_data data = {
		.cmd = cmd, .arg = (unsigned long)arg,
	};

	return ion_ioctl(fd, ION_IOC_CUSTOM, &data);
}

static int ion_buffer_info(int fd, int buf_fd,
			   struct ion_sample_heap_buffer_info *info)
{
	memset(info, 0, sizeof(*info));
	info->fd = buf_fd;
	return ion_custom(fd, ION_SAMPLE_HEAP_BUFFER_INFO, info);
}

FIXTURE(custom) {
	int fd;
	int heap_id;
};

FIXTURE_SETUP(custom)
{
	self->fd = open(ION_DEV, O_RDWR | O_CLOEXEC);
	if (self->fd < 0)
		SKIP(return, "%s: %s", ION_DEV, strerror(errno));
	self->heap_id = ion_sample_heap_id(self->fd);
}

FIXTURE_TEARDOWN(custom)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* Succeeds if ION_IOC_CUSTOM is ENOTTY while no heap set a handler. */
TEST_F(custom, no_handler_enotty)
{
	struct ion_sample_heap_buffer_info info;

	if (self->heap_id >= 0)
		SKIP(return, "%s is loaded: it has a handler", ION_SAMPLE_HEAP_NAME);
	EXPECT_EQ(-ENOTTY, ion_buffer_info(self->fd, 0, &info));
	EXPECT_EQ(-ENOTTY, ion_custom(self->fd, 0, NULL));
}

/*
 * Succeeds if the handler describes a buffer of the sample heap: its size,
 * one page per scatterlist entry, the heap's usage including it.
 */
TEST_F(custom, buffer_info)
{
	struct ion_sample_heap_buffer_info info, after;
	int buf_fd, buf2_fd;

	if (self->heap_id < 0)
		SKIP(return, "no %s (load ion_sample_heap.ko)", ION_SAMPLE_HEAP_NAME);
	ASSERT_EQ(0, ion_new_alloc(self->fd, ION_CUSTOM_LEN,
				   1u << self->heap_id, 0, &buf_fd));
	ASSERT_EQ(0, ion_buffer_info(self->fd, buf_fd, &info));
	EXPECT_EQ(ION_CUSTOM_LEN, info.size);
	EXPECT_EQ(ION_CUSTOM_LEN / 4096, info.nr_pages);
	EXPECT_LE(ION_CUSTOM_LEN, info.heap_used);
	EXPECT_LE(info.heap_used, info.heap_limit);
	EXPECT_EQ(0, info.reserved);

	/* a second buffer counts in the heap's usage */
	ASSERT_EQ(0, ion_new_alloc(self->fd, 4096, 1u << self->heap_id, 0,
				   &buf2_fd));
	ASSERT_EQ(0, ion_buffer_info(self->fd, buf2_fd, &after));
	EXPECT_EQ(4096, after.size);
	EXPECT_EQ(1, after.nr_pages);
	EXPECT_EQ(info.heap_used + 4096, after.heap_used);
	EXPECT_EQ(info.heap_limit, after.heap_limit);
	close(buf2_fd);
	close(buf_fd);
}

/* Clients of @name in ION's debugfs, or -1 without debugfs. */
static int ion_count_clients(const char *name)
{
	return ion_client_files(-1, name, NULL, 0);
}

/* Succeeds if the handler's own client is gone after each call. */
TEST_F(custom, buffer_info_no_trace)
{
	struct ion_sample_heap_buffer_info info;
	int buf_fd, i;

	if (self->heap_id < 0)
		SKIP(return, "no %s (load ion_sample_heap.ko)", ION_SAMPLE_HEAP_NAME);
	if (ion_count_clients("ion_sample_heap") < 0)
		SKIP(return, "no %s", ION_CLIENTS);
	ASSERT_EQ(0, ion_new_alloc(self->fd, 4096, 1u << self->heap_id, 0,
				   &buf_fd));
	for (i = 0; i < 8; i++) {
		ASSERT_EQ(0, ion_buffer_info(self->fd, buf_fd, &info));
		EXPECT_EQ(0, ion_count_clients("ion_sample_heap"));
	}
	/* failing calls too */
	EXPECT_EQ(-EBADF, ion_buffer_info(self->fd, -1, &info));
	EXPECT_EQ(0, ion_count_clients("ion_sample_heap"));
	close(buf_fd);
}

/* Succeeds if a buffer of another heap is EINVAL. */
TEST_F(custom, other_heap_einval)
{
	struct ion_sample_heap_buffer_info info;
	int buf_fd;

	if (self->heap_id < 0)
		SKIP(return, "no %s (load ion_sample_heap.ko)", ION_SAMPLE_HEAP_NAME);
	ASSERT_EQ(0, ion_new_alloc(self->fd, 4096, ION_HEAP_SYSTEM_MASK, 0,
				   &buf_fd));
	EXPECT_EQ(-EINVAL, ion_buffer_info(self->fd, buf_fd, &info));
	close(buf_fd);
}

/* Succeeds if an fd that is no dma-buf is EINVAL and a closed one EBADF. */
TEST_F(custom, bad_fd)
{
	struct ion_sample_heap_buffer_info info;
	int fd;

	if (self->heap_id < 0)
		SKIP(return, "no %s (load ion_sample_heap.ko)", ION_SAMPLE_HEAP_NAME);
	EXPECT_EQ(-EINVAL, ion_buffer_info(self->fd, self->fd, &info));
	fd = dup(self->fd);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, close(fd));
	EXPECT_EQ(-EBADF, ion_buffer_info(self->fd, fd, &info));
	EXPECT_EQ(-EBADF, ion_buffer_info(self->fd, -1, &info));
}

/* Succeeds if a non-zero reserved field is EINVAL and a bad pointer EFAULT. */
TEST_F(custom, bad_argument)
{
	struct ion_sample_heap_buffer_info info = { .reserved = 1 };
	int buf_fd;

	if (self->heap_id < 0)
		SKIP(return, "no %s (load ion_sample_heap.ko)", ION_SAMPLE_HEAP_NAME);
	ASSERT_EQ(0, ion_new_alloc(self->fd, 4096, 1u << self->heap_id, 0,
				   &buf_fd));
	info.fd = buf_fd;
	EXPECT_EQ(-EINVAL, ion_custom(self->fd, ION_SAMPLE_HEAP_BUFFER_INFO,
				      &info));
	EXPECT_EQ(-EFAULT, ion_custom(self->fd, ION_SAMPLE_HEAP_BUFFER_INFO,
				      NULL));
	close(buf_fd);
}

/* Succeeds if a command the handler does not know is ENOTTY. */
TEST_F(custom, unknown_command_enotty)
{
	struct ion_sample_heap_buffer_info info = { 0 };

	if (self->heap_id < 0)
		SKIP(return, "no %s (load ion_sample_heap.ko)", ION_SAMPLE_HEAP_NAME);
	EXPECT_EQ(-ENOTTY, ion_custom(self->fd, ION_SAMPLE_HEAP_BUFFER_INFO + 1,
				      &info));
	EXPECT_EQ(-ENOTTY, ion_custom(self->fd, 0, &info));
}

TEST_HARNESS_MAIN
