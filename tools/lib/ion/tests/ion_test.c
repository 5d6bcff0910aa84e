// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * libion's Android API against the three kernels it must work with, one
 * fixture variant each:
 *
 *  - legacy:   this project's /dev/ion with the legacy handle ABI;
 *  - modern:   the same driver booted with ion.legacy_abi=0, i.e. a 4.12 to
 *              5.10 kernel (the parameter is read-only at run time: each of
 *              legacy and modern skips in a kernel booted for the other);
 *  - dma_heap: no /dev/ion (libion's internal path pointed elsewhere), only
 *              the kernel's own /dev/dma_heap/system.
 *
 * Run as root inside the project's UML kernel:
 *   scripts/uml-run build/libion/ion_test
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <ion/ion.h>

#include "ion_priv.h"
#include "kselftest_harness.h"
#include "test_util.h"

#define SYSTEM_MASK	ION_HEAP(ION_SYSTEM_HEAP_ID)

FIXTURE(lib) {
	int fd;
	size_t page;
};

FIXTURE_VARIANT(lib) {
	int backend;
};

FIXTURE_VARIANT_ADD(lib, legacy) {
	.backend = ION_BACKEND_LEGACY,
};

FIXTURE_VARIANT_ADD(lib, modern) {
	.backend = ION_BACKEND_MODERN,
};

FIXTURE_VARIANT_ADD(lib, dma_heap) {
	.backend = ION_BACKEND_DMA_HEAP,
};

FIXTURE_SETUP(lib)
{
	self->fd = -1;
	self->page = sysconf(_SC_PAGESIZE);
	switch (variant->backend) {
	case ION_BACKEND_LEGACY:
		if (!ion_test_exists("/dev/ion"))
			SKIP(return, "no /dev/ion");
		/* legacy_abi may be missing on another ION driver: fine */
		if (ion_test_legacy_abi() == 0)
			SKIP(return, "booted with ion.legacy_abi=0");
		break;
	case ION_BACKEND_MODERN:
		if (!ion_test_exists("/dev/ion"))
			SKIP(return, "no /dev/ion");
		if (ion_test_legacy_abi() != 0)
			SKIP(return, "not booted with ion.legacy_abi=0");
		break;
	case ION_BACKEND_DMA_HEAP:
		if (!ion_test_exists("/dev/dma_heap/system"))
			SKIP(return, "no /dev/dma_heap/system");
		ion_dev_path = "/nonexistent/ion";
		break;
	}
	self->fd = ion_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(variant->backend, ion_backend(self->fd));
}

FIXTURE_TEARDOWN(lib)
{
}

static void check_zeroed_rw(struct __test_metadata *_metadata, int buf_fd,
			    size_t len)
{
	unsigned char *p;
	size_t i;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, buf_fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < len; i++)
		ASSERT_EQ(0, p[i]);
	memset(p, 0x5a, len);
	ASSERT_EQ(0x5a, p[len - 1]);
	munmap(p, len);
}

/* Every function on its success path. */

TEST_F(lib, open_close)
{
	EXPECT_EQ(variant->backend == ION_BACKEND_LEGACY, ion_is_legacy(self->fd));
	EXPECT_STRNE("unknown", ion_backend_name(variant->backend));
	EXPECT_EQ(0, ion_close(self->fd));
}

TEST_F(lib, open_is_cloexec)
{
	EXPECT_EQ(FD_CLOEXEC, fcntl(self->fd, F_GETFD) & FD_CLOEXEC);
}

TEST_F(lib, alloc_free)
{
	ion_user_handle_t handle = 0;

	ASSERT_EQ(0, ion_alloc(self->fd, self->page, 0, SYSTEM_MASK,
			       ION_FLAG_CACHED, &handle));
	EXPECT_LT(0, handle);
	EXPECT_EQ(0, ion_free(self->fd, handle));
}

TEST_F(lib, alloc_fd_zeroed_and_page_rounded)
{
	size_t size;
	int buf;

	ASSERT_EQ(0, ion_alloc_fd(self->fd, self->page + 1, 0, SYSTEM_MASK,
				  0, &buf));
	ASSERT_EQ(0, ion_buffer_size(buf, &size));
	EXPECT_EQ(2 * self->page, size);
	EXPECT_EQ(FD_CLOEXEC, fcntl(buf, F_GETFD) & FD_CLOEXEC);
	check_zeroed_rw(_metadata, buf, size);
	close(buf);
}

TEST_F(lib, alloc_fd_with_type_mask)
{
	int buf;

	/* ION_HEAP_SYSTEM_MASK: heap id 0, the system heap everywhere */
	ASSERT_EQ(0, ion_alloc_fd(self->fd, self->page, 0,
				  ION_HEAP_SYSTEM_MASK, 0, &buf));
	close(buf);
}

TEST_F(lib, share_then_mmap_sees_data)
{
	ion_user_handle_t handle;
	unsigned char *p;
	int a, b;

	ASSERT_EQ(0, ion_alloc(self->fd, self->page, 0, SYSTEM_MASK, 0, &handle));
	ASSERT_EQ(0, ion_share(self->fd, handle, &a));
	ASSERT_EQ(0, ion_share(self->fd, handle, &b));
	EXPECT_NE(a, b);
	/* The buffer outlives the handle: the fds hold it. */
	ASSERT_EQ(0, ion_free(self->fd, handle));
	p = mmap(NULL, self->page, PROT_READ | PROT_WRITE, MAP_SHARED, a, 0);
	ASSERT_NE(MAP_FAILED, p);
	snprintf((char *)p, self->page, "qwertysdfgh");
	munmap(p, self->page);
	close(a);
	p = mmap(NULL, self->page, PROT_READ, MAP_SHARED, b, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_STREQ("qwertysdfgh", (char *)p);
	munmap(p, self->page);
	close(b);
}

TEST_F(lib, import_twice_gives_same_handle)
{
	ion_user_handle_t h1, h2;
	int buf;

	ASSERT_EQ(0, ion_alloc_fd(self->fd, self->page, 0, SYSTEM_MASK, 0, &buf));
	ASSERT_EQ(0, ion_import(self->fd, buf, &h1));
	ASSERT_EQ(0, ion_import(self->fd, buf, &h2));
	EXPECT_EQ(h1, h2);
	EXPECT_EQ(0, ion_free(self->fd, h1));
	EXPECT_EQ(0, ion_free(self->fd, h2));
	EXPECT_EQ(-EINVAL, ion_free(self->fd, h1));
	close(buf);
}

TEST_F(lib, import_own_allocation_gives_its_handle)
{
	ion_user_handle_t handle, again;
	int buf;

	ASSERT_EQ(0, ion_alloc(self->fd, self->page, 0, SYSTEM_MASK, 0, &handle));
	ASSERT_EQ(0, ion_share(self->fd, handle, &buf));
	ASSERT_EQ(0, ion_import(self->fd, buf, &again));
	EXPECT_EQ(handle, again);
	EXPECT_EQ(0, ion_free(self->fd, again));
	EXPECT_EQ(0, ion_free(self->fd, handle));
	close(buf);
}

TEST_F(lib, map_by_handle)
{
	ion_user_handle_t handle;
	unsigned char *p, *q;
	int map_fd, buf;

	ASSERT_EQ(0, ion_alloc(self->fd, 2 * self->page, 0, SYSTEM_MASK, 0,
			       &handle));
	ASSERT_EQ(0, ion_map(self->fd, handle, 2 * self->page,
			     PROT_READ | PROT_WRITE, MAP_SHARED, 0, &p, &map_fd));
	EXPECT_LE(0, map_fd);
	p[self->page] = 0xa5;
	ASSERT_EQ(0, ion_share(self->fd, handle, &buf));
	q = mmap(NULL, 2 * self->page, PROT_READ, MAP_SHARED, buf, 0);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_EQ(0xa5, q[self->page]);
	munmap(q, 2 * self->page);
	munmap(p, 2 * self->page);
	close(buf);
	close(map_fd);
	EXPECT_EQ(0, ion_free(self->fd, handle));
}

TEST_F(lib, sync_fd)
{
	int buf;

	ASSERT_EQ(0, ion_alloc_fd(self->fd, self->page, 0, SYSTEM_MASK,
				  ION_FLAG_CACHED | ION_FLAG_CACHED_NEEDS_SYNC,
				  &buf));
	EXPECT_EQ(0, ion_sync_fd(self->fd, buf));
	close(buf);
}

TEST_F(lib, query_heaps)
{
	struct ion_heap_data *heaps;
	int cnt = 0, i, sys = -1, buf;

	ASSERT_EQ(0, ion_query_heap_cnt(self->fd, &cnt));
	ASSERT_LT(0, cnt);
	heaps = calloc(cnt, sizeof(*heaps));
	ASSERT_NE(NULL, heaps);
	ASSERT_EQ(0, ion_query_get_heaps(self->fd, cnt, heaps));
	for (i = 0; i < cnt; i++) {
		TH_LOG("heap %-20s type %u id %u", heaps[i].name,
		       heaps[i].type, heaps[i].heap_id);
		if (heaps[i].type == ION_HEAP_TYPE_SYSTEM)
			sys = i;
	}
	ASSERT_LE(0, sys);
	/* Every id the query reports can be used in a mask. */
	ASSERT_EQ(0, ion_alloc_fd(self->fd, self->page, 0,
				  ION_HEAP(heaps[sys].heap_id), 0, &buf));
	close(buf);
	free(heaps);
}

TEST_F(lib, close_releases_handles)
{
	ion_user_handle_t handle;
	int buf;

	ASSERT_EQ(0, ion_alloc(self->fd, self->page, 0, SYSTEM_MASK, 0, &handle));
	ASSERT_EQ(0, ion_share(self->fd, handle, &buf));
	ASSERT_EQ(0, ion_close(self->fd));
	/* A new client does not see the old handle. */
	self->fd = ion_open();
	ASSERT_LE(0, self->fd);
	EXPECT_EQ(-EINVAL, ion_free(self->fd, handle));
	close(buf);
}

/* Error returns, one per test. */

TEST_F(lib, close_twice_is_ebadf)
{
	ASSERT_EQ(0, ion_close(self->fd));
	EXPECT_EQ(-EBADF, ion_close(self->fd));
}

TEST_F(lib, alloc_on_closed_fd_is_ebadf)
{
	ion_user_handle_t handle;

	ASSERT_EQ(0, ion_close(self->fd));
	EXPECT_EQ(-EBADF, ion_alloc(self->fd, self->page, 0, SYSTEM_MASK, 0,
				    &handle));
}

TEST_F(lib, backend_of_a_pipe_is_enotty)
{
	int p[2];

	ASSERT_EQ(0, pipe(p));
	EXPECT_EQ(-ENOTTY, ion_backend(p[0]));
	EXPECT_EQ(0, ion_is_legacy(p[0]));
	close(p[0]);
	close(p[1]);
}

/*
 * Every call on a descriptor that is not ION fails with -ENOTTY, as
 * Android's libion does on a legacy kernel (never "succeeds" by emulating
 * handles over it).
 */
static void check_not_ion(struct __test_metadata *_metadata, int not_ion,
			  int buf)
{
	ion_user_handle_t handle = 0;
	struct ion_heap_data heap;
	unsigned char *p;
	int out = -1, cnt;

	EXPECT_EQ(-ENOTTY, ion_backend(not_ion));
	EXPECT_EQ(-ENOTTY, ion_import(not_ion, buf, &handle));
	EXPECT_EQ(0, handle);
	EXPECT_EQ(-ENOTTY, ion_sync_fd(not_ion, buf));
	EXPECT_EQ(-ENOTTY, ion_share(not_ion, 1, &out));
	EXPECT_EQ(-1, out);
	EXPECT_EQ(-ENOTTY, ion_alloc(not_ion, 4096, 0, SYSTEM_MASK, 0, &handle));
	EXPECT_EQ(-ENOTTY, ion_alloc_fd(not_ion, 4096, 0, SYSTEM_MASK, 0, &out));
	EXPECT_EQ(-ENOTTY, ion_free(not_ion, 1));
	EXPECT_EQ(-ENOTTY, ion_map(not_ion, 1, 4096, PROT_READ, MAP_SHARED, 0,
				   &p, &out));
	EXPECT_EQ(-ENOTTY, ion_query_heap_cnt(not_ion, &cnt));
	EXPECT_EQ(-ENOTTY, ion_query_get_heaps(not_ion, 1, &heap));
	EXPECT_EQ(0, ion_is_legacy(not_ion));
	EXPECT_EQ(0, ion_is_using_modular_heaps(not_ion));
	EXPECT_EQ(-1, out);
}

TEST_F(lib, dev_null_is_not_ion)
{
	int null, buf;

	ASSERT_EQ(0, ion_alloc_fd(self->fd, self->page, 0, SYSTEM_MASK, 0, &buf));
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, null);
	check_not_ion(_metadata, null, buf);
	close(null);
	close(buf);
}

TEST_F(lib, dma_heap_node_is_not_ion)
{
	int node, buf;

	node = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);
	if (node < 0)
		SKIP(return, "/dev/dma_heap/system: %s", strerror(errno));
	ASSERT_EQ(0, ion_alloc_fd(self->fd, self->page, 0, SYSTEM_MASK, 0, &buf));
	check_not_ion(_metadata, node, buf);
	close(node);
	close(buf);
}

TEST_F(lib, other_directory_is_not_ion)
{
	int dir, buf;

	ASSERT_EQ(0, ion_alloc_fd(self->fd, self->page, 0, SYSTEM_MASK, 0, &buf));
	dir = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, dir);
	check_not_ion(_metadata, dir, buf);
	close(dir);
	close(buf);
}

/* No kernel this library meets has ION_IOC_ABI_VERSION: built-in heaps. */
TEST_F(lib, heaps_are_not_modular)
{
	EXPECT_EQ(0, ion_is_using_modular_heaps(self->fd));
	EXPECT_EQ(0, ion_is_using_modular_heaps(-1));
}

TEST_F(lib, alloc_null_handle_is_einval)
{
	EXPECT_EQ(-EINVAL, ion_alloc(self->fd, self->page, 0, SYSTEM_MASK, 0,
				     NULL));
}

TEST_F(lib, alloc_fd_null_fd_is_einval)
{
	EXPECT_EQ(-EINVAL, ion_alloc_fd(self->fd, self->page, 0, SYSTEM_MASK,
					0, NULL));
}

TEST_F(lib, alloc_len_zero_is_einval)
{
	int buf;

	EXPECT_EQ(-EINVAL, ion_alloc_fd(self->fd, 0, 0, SYSTEM_MASK, 0, &buf));
}

TEST_F(lib, alloc_mask_zero_is_enodev)
{
	int buf;

	EXPECT_EQ(-ENODEV, ion_alloc_fd(self->fd, self->page, 0, 0, 0, &buf));
}

TEST_F(lib, alloc_unknown_heap_is_enodev)
{
	int buf;

	EXPECT_EQ(-ENODEV, ion_alloc_fd(self->fd, self->page, 0, ION_HEAP(30),
					0, &buf));
}

TEST_F(lib, alloc_unknown_flag_is_einval)
{
	int buf;

	EXPECT_EQ(-EINVAL, ion_alloc_fd(self->fd, self->page, 0, SYSTEM_MASK,
					1U << 30, &buf));
}

TEST_F(lib, alloc_larger_than_ram_is_enomem)
{
	ion_user_handle_t handle;

	EXPECT_EQ(-ENOMEM, ion_alloc(self->fd, (size_t)1 << 42, 0,
				     SYSTEM_MASK, 0, &handle));
}

TEST_F(lib, free_unknown_handle_is_einval)
{
	EXPECT_EQ(-EINVAL, ion_free(self->fd, 12345));
}

TEST_F(lib, share_unknown_handle_is_einval)
{
	int buf;

	EXPECT_EQ(-EINVAL, ion_share(self->fd, 12345, &buf));
}

TEST_F(lib, share_null_fd_is_einval)
{
	EXPECT_EQ(-EINVAL, ion_share(self->fd, 1, NULL));
}

TEST_F(lib, map_unknown_handle_is_einval)
{
	unsigned char *p;
	int map_fd;

	EXPECT_EQ(-EINVAL, ion_map(self->fd, 12345, self->page, PROT_READ,
				   MAP_SHARED, 0, &p, &map_fd));
}

TEST_F(lib, map_null_ptr_is_einval)
{
	int map_fd;

	EXPECT_EQ(-EINVAL, ion_map(self->fd, 1, self->page, PROT_READ,
				   MAP_SHARED, 0, NULL, &map_fd));
}

TEST_F(lib, map_past_end_fails_without_leak)
{
	ion_user_handle_t handle;
	unsigned char *p;
	int map_fd, probe, before;

	ASSERT_EQ(0, ion_alloc(self->fd, self->page, 0, SYSTEM_MASK, 0, &handle));
	probe = open("/dev/null", O_RDONLY | O_CLOEXEC);
	close(probe);
	before = probe;
	EXPECT_EQ(-EINVAL, ion_map(self->fd, handle, 4 * self->page, PROT_READ,
				   MAP_SHARED, 0, &p, &map_fd));
	/* The fd of the failed mapping was closed again. */
	probe = open("/dev/null", O_RDONLY | O_CLOEXEC);
	EXPECT_EQ(before, probe);
	close(probe);
	EXPECT_EQ(0, ion_free(self->fd, handle));
}

TEST_F(lib, import_closed_fd_is_ebadf)
{
	ion_user_handle_t handle;

	EXPECT_EQ(-EBADF, ion_import(self->fd, 1000, &handle));
}

TEST_F(lib, import_memfd_is_einval)
{
	ion_user_handle_t handle;
	int memfd;

	memfd = memfd_create("not-a-dmabuf", MFD_CLOEXEC);
	ASSERT_LE(0, memfd);
	EXPECT_EQ(-EINVAL, ion_import(self->fd, memfd, &handle));
	close(memfd);
}

TEST_F(lib, import_null_handle_is_einval)
{
	int buf;

	ASSERT_EQ(0, ion_alloc_fd(self->fd, self->page, 0, SYSTEM_MASK, 0, &buf));
	EXPECT_EQ(-EINVAL, ion_import(self->fd, buf, NULL));
	close(buf);
}

TEST_F(lib, sync_closed_fd_is_ebadf)
{
	EXPECT_EQ(-EBADF, ion_sync_fd(self->fd, 1000));
}

TEST_F(lib, sync_memfd_is_einval)
{
	int memfd;

	memfd = memfd_create("not-a-dmabuf", MFD_CLOEXEC);
	ASSERT_LE(0, memfd);
	EXPECT_EQ(-EINVAL, ion_sync_fd(self->fd, memfd));
	close(memfd);
}

TEST_F(lib, query_cnt_null_is_einval)
{
	EXPECT_EQ(-EINVAL, ion_query_heap_cnt(self->fd, NULL));
}

/* As Android's libion: the count goes to the kernel as an unsigned. */
TEST_F(lib, query_negative_cnt_is_passed_on)
{
	struct ion_heap_data *heaps;
	int cnt = 0;

	ASSERT_EQ(0, ion_query_heap_cnt(self->fd, &cnt));
	ASSERT_LT(0, cnt);
	heaps = calloc(cnt, sizeof(*heaps));
	ASSERT_NE(NULL, heaps);
	EXPECT_EQ(0, ion_query_get_heaps(self->fd, -1, heaps));
	EXPECT_NE(0, heaps[cnt - 1].name[0]);
	free(heaps);
}

/* NULL buffers reach the kernel, which only counts. */
TEST_F(lib, query_null_buffers_counts)
{
	EXPECT_EQ(0, ion_query_get_heaps(self->fd, 1, NULL));
	EXPECT_EQ(0, ion_query_get_heaps(self->fd, 0, NULL));
}

TEST_F(lib, query_zero_cnt_with_buffers_is_einval)
{
	struct ion_heap_data heap;

	EXPECT_EQ(-EINVAL, ion_query_get_heaps(self->fd, 0, &heap));
}

/* Without any device: ion_open() says so. */
TEST(open_without_devices_is_enoent)
{
	ion_dev_path = "/nonexistent/ion";
	ion_dma_heap_dir = "/nonexistent/dma_heap";
	errno = 0;
	/* as Android's libion: -1 and errno, as open() */
	EXPECT_EQ(-1, ion_open());
	EXPECT_EQ(ENOENT, errno);
}

TEST_HARNESS_MAIN
