// SPDX-License-Identifier: GPL-2.0
/*
 * Every errno of the ION ioctls (include/uapi/linux/ion.h), one error path
 * per test, each checked for having no side effect: no handle, no fd and no
 * memory left behind.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <linux/udmabuf.h>

#include "ion_test_util.h"
#include "../kselftest_harness.h"

FIXTURE(ion) {
	int fd;
	long page;
};

FIXTURE_SETUP(ion)
{
	self->page = sysconf(_SC_PAGESIZE);
	self->fd = open(ION_DEV, O_RDWR | O_CLOEXEC);
	if (self->fd < 0)
		SKIP(return, "%s: %s", ION_DEV, strerror(errno));
}

FIXTURE_TEARDOWN(ion)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* A fresh client's first handle is 1: FREE(1) tells whether one exists. */
#define EXPECT_NO_HANDLE() EXPECT_EQ(-EINVAL, ion_legacy_free(self->fd, 1))

TEST_F(ion, alloc_len_zero)
{
	ion_user_handle_t h;

	EXPECT_EQ(-EINVAL, ion_legacy_alloc(self->fd, 0, 0, ION_HEAP_SYSTEM_MASK, 0, &h));
	EXPECT_NO_HANDLE();
}

TEST_F(ion, new_alloc_len_zero)
{
	int buf_fd;

	EXPECT_EQ(-EINVAL, ion_new_alloc(self->fd, 0, ION_HEAP_SYSTEM_MASK, 0, &buf_fd));
}

TEST_F(ion, alloc_len_overflows_page_rounding)
{
	ion_user_handle_t h;

	EXPECT_EQ(-EINVAL, ion_legacy_alloc(self->fd, SIZE_MAX - 10, 0,
					    ION_HEAP_SYSTEM_MASK, 0, &h));
	EXPECT_NO_HANDLE();
}

TEST_F(ion, new_alloc_len_overflows)
{
	int buf_fd;

	EXPECT_EQ(-EINVAL, ion_new_alloc(self->fd, UINT64_MAX, ION_HEAP_SYSTEM_MASK, 0,
					 &buf_fd));
}

TEST_F(ion, alloc_more_than_half_ram)
{
	ion_user_handle_t h;
	long pages = sysconf(_SC_PHYS_PAGES);

	EXPECT_EQ(-ENOMEM, ion_legacy_alloc(self->fd, (pages / 2 + 1) * self->page, 0,
					    ION_HEAP_SYSTEM_MASK, 0, &h));
	EXPECT_NO_HANDLE();
}

TEST_F(ion, new_alloc_huge)
{
	int buf_fd;

	EXPECT_EQ(-ENOMEM, ion_new_alloc(self->fd, 1ULL << 50, ION_HEAP_SYSTEM_MASK, 0,
					 &buf_fd));
}

TEST_F(ion, alloc_larger_than_contig_heap)
{
	ion_user_handle_t h;

	EXPECT_EQ(-ENOMEM, ion_legacy_alloc(self->fd, 64 << 20, 0,
					    ION_HEAP_SYSTEM_CONTIG_MASK, 0, &h));
	EXPECT_NO_HANDLE();
}

TEST_F(ion, alloc_mask_zero)
{
	ion_user_handle_t h;

	EXPECT_EQ(-ENODEV, ion_legacy_alloc(self->fd, 4096, 0, 0, 0, &h));
	EXPECT_NO_HANDLE();
}

TEST_F(ion, alloc_mask_no_heap)
{
	ion_user_handle_t h;

	EXPECT_EQ(-ENODEV, ion_legacy_alloc(self->fd, 4096, 0, ION_HEAP(30), 0, &h));
	EXPECT_NO_HANDLE();
}

TEST_F(ion, new_alloc_mask_no_heap)
{
	int buf_fd;

	EXPECT_EQ(-ENODEV, ion_new_alloc(self->fd, 4096, ION_HEAP(ION_AUDIO_HEAP_ID), 0,
					 &buf_fd));
}

TEST_F(ion, alloc_unknown_flags)
{
	ion_user_handle_t h;

	EXPECT_EQ(-EINVAL, ion_legacy_alloc(self->fd, 4096, 0, ION_HEAP_SYSTEM_MASK,
					    1U << 31, &h));
	EXPECT_NO_HANDLE();
}

TEST_F(ion, new_alloc_unknown_flags)
{
	int buf_fd;

	EXPECT_EQ(-EINVAL, ion_new_alloc(self->fd, 4096, ION_HEAP_SYSTEM_MASK, 4, &buf_fd));
}

TEST_F(ion, alloc_system_align_above_page)
{
	ion_user_handle_t h;

	EXPECT_EQ(-EINVAL, ion_legacy_alloc(self->fd, 4096, 2 * self->page,
					    ION_HEAP_SYSTEM_MASK, 0, &h));
	EXPECT_NO_HANDLE();
}

TEST_F(ion, unknown_ioctl)
{
	char buf[64] = {};

	EXPECT_EQ(-ENOTTY, ion_ioctl(self->fd, _IOWR('I', 9, struct ion_fd_data), buf));
	EXPECT_EQ(-ENOTTY, ion_ioctl(self->fd, _IOWR('J', 0, struct ion_fd_data), buf));
}

TEST_F(ion, custom_without_handler)
{
	struct ion_custom_data data = { .cmd = 1, .arg = 0 };

	EXPECT_EQ(-ENOTTY, ion_ioctl(self->fd, ION_IOC_CUSTOM, &data));
}

TEST_F(ion, free_handle_never_allocated)
{
	EXPECT_EQ(-EINVAL, ion_legacy_free(self->fd, 42));
}

TEST_F(ion, free_handle_zero)
{
	EXPECT_EQ(-EINVAL, ion_legacy_free(self->fd, 0));
}

TEST_F(ion, free_handle_negative)
{
	EXPECT_EQ(-EINVAL, ion_legacy_free(self->fd, -1));
}

TEST_F(ion, free_freed_handle)
{
	ion_user_handle_t h;

	ASSERT_EQ(0, ion_legacy_alloc(self->fd, 4096, 0, ION_HEAP_SYSTEM_MASK, 0, &h));
	ASSERT_EQ(0, ion_legacy_free(self->fd, h));
	EXPECT_EQ(-EINVAL, ion_legacy_free(self->fd, h));
}

TEST_F(ion, share_freed_handle)
{
	ion_user_handle_t h;
	int fd, next = ion_next_fd();

	ASSERT_EQ(0, ion_legacy_alloc(self->fd, 4096, 0, ION_HEAP_SYSTEM_MASK, 0, &h));
	ASSERT_EQ(0, ion_legacy_free(self->fd, h));
	EXPECT_EQ(-EINVAL, ion_legacy_share(self->fd, h, &fd));
	EXPECT_EQ(next, ion_next_fd());
}

TEST_F(ion, share_handle_of_other_client)
{
	ion_user_handle_t h;
	int other, fd;

	other = open(ION_DEV, O_RDWR);
	ASSERT_GE(other, 0);
	ASSERT_EQ(0, ion_legacy_alloc(other, 4096, 0, ION_HEAP_SYSTEM_MASK, 0, &h));
	EXPECT_EQ(-EINVAL, ion_legacy_share(self->fd, h, &fd));
	EXPECT_EQ(-EINVAL, ion_legacy_free(self->fd, h));
	EXPECT_EQ(0, ion_legacy_free(other, h));
	close(other);
}

TEST_F(ion, import_closed_fd)
{
	ion_user_handle_t h;
	int fd = ion_next_fd();

	EXPECT_EQ(-EBADF, ion_legacy_import(self->fd, fd, &h));
	EXPECT_NO_HANDLE();
}

TEST_F(ion, import_negative_fd)
{
	ion_user_handle_t h;

	EXPECT_EQ(-EBADF, ion_legacy_import(self->fd, -1, &h));
}

TEST_F(ion, import_memfd)
{
	ion_user_handle_t h;
	int fd = memfd_create("ion", 0);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(-EINVAL, ion_legacy_import(self->fd, fd, &h));
	EXPECT_NO_HANDLE();
	close(fd);
}

TEST_F(ion, import_pipe)
{
	ion_user_handle_t h;
	int p[2];

	ASSERT_EQ(0, pipe(p));
	EXPECT_EQ(-EINVAL, ion_legacy_import(self->fd, p[0], &h));
	close(p[0]);
	close(p[1]);
}

TEST_F(ion, import_eventfd)
{
	ion_user_handle_t h;
	int fd = eventfd(0, 0);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(-EINVAL, ion_legacy_import(self->fd, fd, &h));
	close(fd);
}

TEST_F(ion, import_socket)
{
	ion_user_handle_t h;
	int sv[2];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	EXPECT_EQ(-EINVAL, ion_legacy_import(self->fd, sv[0], &h));
	close(sv[0]);
	close(sv[1]);
}

TEST_F(ion, import_ion_device_fd)
{
	ion_user_handle_t h;

	EXPECT_EQ(-EINVAL, ion_legacy_import(self->fd, self->fd, &h));
}

TEST_F(ion, import_udmabuf)
{
	struct udmabuf_create create = { .flags = UDMABUF_FLAGS_CLOEXEC };
	ion_user_handle_t h;
	int dev, memfd, buf;

	dev = open("/dev/udmabuf", O_RDWR);
	if (dev < 0)
		SKIP(return, "/dev/udmabuf: %s", strerror(errno));
	memfd = memfd_create("ion", MFD_ALLOW_SEALING);
	ASSERT_GE(memfd, 0);
	ASSERT_EQ(0, ftruncate(memfd, self->page));
	ASSERT_EQ(0, fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK));
	create.memfd = memfd;
	create.size = self->page;
	buf = ioctl(dev, UDMABUF_CREATE, &create);
	ASSERT_GE(buf, 0);
	EXPECT_EQ(-EINVAL, ion_legacy_import(self->fd, buf, &h));
	EXPECT_NO_HANDLE();
	close(buf);
	close(memfd);
	close(dev);
}

TEST_F(ion, import_dma_heap_buffer)
{
	struct {
		__u64 len;
		__u32 fd;
		__u32 fd_flags;
		__u64 heap_flags;
	} data = { .len = 4096, .fd_flags = O_RDWR | O_CLOEXEC };
	ion_user_handle_t h;
	int heap;

	heap = open("/dev/dma_heap/system", O_RDWR);
	if (heap < 0)
		SKIP(return, "/dev/dma_heap/system: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(heap, _IOWR('H', 0x0, typeof(data)), &data));
	EXPECT_EQ(-EINVAL, ion_legacy_import(self->fd, data.fd, &h));
	EXPECT_NO_HANDLE();
	close(data.fd);
	close(heap);
}

TEST_F(ion, sync_not_dma_buf)
{
	struct ion_fd_data data = { .fd = -1 };

	EXPECT_EQ(-EBADF, ion_ioctl(self->fd, ION_IOC_SYNC, &data));
	data.fd = self->fd;
	EXPECT_EQ(-EINVAL, ion_ioctl(self->fd, ION_IOC_SYNC, &data));
}

TEST_F(ion, alloc_bad_pointer)
{
	EXPECT_EQ(-EFAULT, ion_ioctl(self->fd, ION_IOC_ALLOC, (void *)16));
	EXPECT_NO_HANDLE();
}

/* The copy back to user space faults: the allocation is undone. */
TEST_F(ion, alloc_readonly_result)
{
	struct ion_allocation_data data = {
		.len = 4096, .heap_id_mask = ION_HEAP_SYSTEM_MASK,
	};
	void *ro = ion_readonly_copy(&data, sizeof(data));

	ASSERT_NE(NULL, ro);
	EXPECT_EQ(-EFAULT, ion_ioctl(self->fd, ION_IOC_ALLOC, ro));
	EXPECT_NO_HANDLE();
	munmap(ro, 4096);
}

TEST_F(ion, new_alloc_readonly_result)
{
	struct ion_new_allocation_data data = {
		.len = 4096, .heap_id_mask = ION_HEAP_SYSTEM_MASK,
	};
	void *ro = ion_readonly_copy(&data, sizeof(data));
	int next = ion_next_fd();

	ASSERT_NE(NULL, ro);
	EXPECT_EQ(-EFAULT, ion_ioctl(self->fd, ION_IOC_NEW_ALLOC, ro));
	EXPECT_EQ(next, ion_next_fd());
	munmap(ro, 4096);
}

TEST_F(ion, share_readonly_result)
{
	struct ion_fd_data data = {};
	ion_user_handle_t h;
	int next;
	void *ro;

	ASSERT_EQ(0, ion_legacy_alloc(self->fd, 4096, 0, ION_HEAP_SYSTEM_MASK, 0, &h));
	data.handle = h;
	ro = ion_readonly_copy(&data, sizeof(data));
	ASSERT_NE(NULL, ro);
	next = ion_next_fd();
	EXPECT_EQ(-EFAULT, ion_ioctl(self->fd, ION_IOC_SHARE, ro));
	EXPECT_EQ(next, ion_next_fd());
	EXPECT_EQ(0, ion_legacy_free(self->fd, h));
	munmap(ro, 4096);
}

TEST_F(ion, import_readonly_result)
{
	struct ion_fd_data data = {};
	int other, buf_fd;
	void *ro;

	other = open(ION_DEV, O_RDWR);
	ASSERT_GE(other, 0);
	ASSERT_EQ(0, ion_new_alloc(other, 4096, ION_HEAP_SYSTEM_MASK, 0, &buf_fd));
	data.fd = buf_fd;
	ro = ion_readonly_copy(&data, sizeof(data));
	ASSERT_NE(NULL, ro);
	EXPECT_EQ(-EFAULT, ion_ioctl(self->fd, ION_IOC_IMPORT, ro));
	EXPECT_NO_HANDLE();
	munmap(ro, 4096);
	close(buf_fd);
	close(other);
}

TEST_F(ion, heap_query_reserved)
{
	struct ion_heap_query q = { .reserved1 = 1 };

	EXPECT_EQ(-EINVAL, ion_ioctl(self->fd, ION_IOC_HEAP_QUERY, &q));
}

TEST_F(ion, heap_query_cnt_zero)
{
	struct ion_heap_data heaps[2];
	struct ion_heap_query q = { .cnt = 0, .heaps = (uintptr_t)heaps };

	EXPECT_EQ(-EINVAL, ion_ioctl(self->fd, ION_IOC_HEAP_QUERY, &q));
}

TEST_F(ion, heap_query_bad_heaps_pointer)
{
	struct ion_heap_query q = { .cnt = 2, .heaps = 16 };

	EXPECT_EQ(-EFAULT, ion_ioctl(self->fd, ION_IOC_HEAP_QUERY, &q));
}

/* A full fd table: EMFILE, and the buffer is not leaked. */
TEST_F(ion, new_alloc_fd_table_full)
{
	struct rlimit old, lim;
	int buf_fd, next = ion_next_fd();

	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &old));
	lim = old;
	lim.rlim_cur = next;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &lim));
	EXPECT_EQ(-EMFILE, ion_new_alloc(self->fd, 4096, ION_HEAP_SYSTEM_MASK, 0, &buf_fd));
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	EXPECT_EQ(next, ion_next_fd());
}

TEST_F(ion, share_fd_table_full)
{
	struct rlimit old, lim;
	ion_user_handle_t h;
	int fd, next;

	ASSERT_EQ(0, ion_legacy_alloc(self->fd, 4096, 0, ION_HEAP_SYSTEM_MASK, 0, &h));
	next = ion_next_fd();
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &old));
	lim = old;
	lim.rlim_cur = next;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &lim));
	EXPECT_EQ(-EMFILE, ion_legacy_share(self->fd, h, &fd));
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	EXPECT_EQ(0, ion_legacy_free(self->fd, h));
	EXPECT_EQ(-EINVAL, ion_legacy_free(self->fd, h));
}

TEST_F(ion, mmap_past_end)
{
	int buf_fd;

	ASSERT_EQ(0, ion_new_alloc(self->fd, 4096, ION_HEAP_SYSTEM_MASK, 0, &buf_fd));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 2 * self->page, PROT_READ, MAP_SHARED, buf_fd, 0));
	EXPECT_EQ(EINVAL, errno);
	close(buf_fd);
}

TEST_HARNESS_MAIN
