// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * libion's <cutils/ashmem.h>: regions are named, zeroed ION buffers whose
 * size fstat() and ashmem_get_size_region() give; ashmem_set_prot_region()
 * takes write access away from every descriptor in every process and never
 * gives it back; pinning checks its range; every failure is -1 with
 * ashmem's errno.
 *
 * Run as root inside the project's UML kernel:
 *   scripts/boot scripts/run-tests build/libion/ashmem_test
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/dma-heap.h>

#include <cutils/ashmem.h>
#include <ion/ion.h>

#include "ion_priv.h"
#include "kselftest_harness.h"
#include "test_util.h"

FIXTURE(region) {
	int fd;
	size_t page;
};

FIXTURE_SETUP(region)
{
	self->fd = -1;
	self->page = sysconf(_SC_PAGESIZE);
	if (!ion_test_exists("/dev/ion"))
		SKIP(return, "no /dev/ion");
	self->fd = ashmem_create_region("ashmem-test", 3 * self->page + 1);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(region)
{
	if (self->fd >= 0)
		close(self->fd);
}

static int map_errno(int fd, size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		return -errno;
	munmap(p, len);
	return 0;
}

TEST_F(region, created_zeroed_rounded_and_valid)
{
	size_t len = 4 * self->page, i;
	unsigned char *p;
	struct stat st;
	int flags;

	EXPECT_EQ(1, ashmem_valid(self->fd));
	EXPECT_EQ((int)len, ashmem_get_size_region(self->fd));
	ASSERT_EQ(0, fstat(self->fd, &st));
	EXPECT_EQ((off_t)len, st.st_size);
	EXPECT_EQ(FD_CLOEXEC, fcntl(self->fd, F_GETFD) & FD_CLOEXEC);
	flags = fcntl(self->fd, F_GETFL);
	EXPECT_EQ(O_RDWR, flags & O_ACCMODE);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < len; i++)
		ASSERT_EQ(0, p[i]);
	memset(p, 0x6b, len);
	munmap(p, len);
}

TEST_F(region, named)
{
	char name[64];
	int fd;

	ASSERT_EQ(0, ion_buffer_get_name(self->fd, name, sizeof(name)));
	EXPECT_STREQ("ashmem-test", name);
	/* cut, not refused, as ashmem cuts at its own length */
	fd = ashmem_create_region("a-name-that-is-longer-than-a-dma-buf-name",
				  self->page);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ion_buffer_get_name(fd, name, sizeof(name)));
	EXPECT_STREQ("a-name-that-is-longer-than-a-dm", name);
	close(fd);
	fd = ashmem_create_region(NULL, self->page);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ion_buffer_get_name(fd, name, sizeof(name)));
	EXPECT_STREQ("", name);
	close(fd);
}

TEST_F(region, size_zero_is_einval)
{
	errno = 0;
	EXPECT_EQ(-1, ashmem_create_region("empty", 0));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(region, without_ion_is_enoent)
{
	const char *saved = ion_dev_path;

	ion_dev_path = "/nonexistent/ion";
	errno = 0;
	EXPECT_EQ(-1, ashmem_create_region("none", self->page));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(0, ashmem_valid(self->fd));
	ion_dev_path = saved;
}

TEST_F(region, read_only_refuses_writable_mappings)
{
	size_t len = 4 * self->page;

	EXPECT_EQ(0, map_errno(self->fd, len, PROT_READ | PROT_WRITE));
	ASSERT_EQ(0, ashmem_set_prot_region(self->fd, PROT_READ));
	EXPECT_EQ(-EPERM, map_errno(self->fd, len, PROT_READ | PROT_WRITE));
	EXPECT_EQ(0, map_errno(self->fd, len, PROT_READ));
	/* the same again is fine, raising is not */
	EXPECT_EQ(0, ashmem_set_prot_region(self->fd, PROT_READ));
	errno = 0;
	EXPECT_EQ(-1, ashmem_set_prot_region(self->fd, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-EPERM, map_errno(self->fd, len, PROT_READ | PROT_WRITE));
}

TEST_F(region, unknown_prot_bit_is_einval)
{
	errno = 0;
	EXPECT_EQ(-1, ashmem_set_prot_region(self->fd, PROT_READ | 0x100));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, map_errno(self->fd, self->page, PROT_READ | PROT_WRITE));
}

/* MemoryHeapBase maps first, then protects: its own mapping still writes. */
TEST_F(region, mapping_made_before_keeps_writing)
{
	size_t len = 4 * self->page;
	unsigned char *rw, *ro;

	rw = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, rw);
	ASSERT_EQ(0, ashmem_set_prot_region(self->fd, PROT_READ));
	rw[len - 1] = 0x42;
	ro = mmap(NULL, len, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, ro);
	EXPECT_EQ(0x42, ro[len - 1]);
	munmap(ro, len);
	munmap(rw, len);
}

/* The fd passed to another process after the protection is read-only there. */
TEST_F(region, other_process_cannot_map_writable)
{
	size_t len = 4 * self->page;
	int sv[2], status, fd;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(sv[0]);
		close(self->fd);
		if (ion_recv_fd(sv[1], &fd, NULL, 0) < 0)
			_exit(10);
		if (ashmem_valid(fd) != 1)
			_exit(11);
		if (ashmem_get_size_region(fd) != (int)len)
			_exit(12);
		if (map_errno(fd, len, PROT_READ | PROT_WRITE) != -EPERM)
			_exit(13);
		if (map_errno(fd, len, PROT_READ))
			_exit(14);
		_exit(0);
	}
	close(sv[1]);
	ASSERT_EQ(0, ashmem_set_prot_region(self->fd, PROT_READ));
	ASSERT_EQ(0, ion_send_fd(sv[0], self->fd, NULL, 0));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(sv[0]);
}

TEST_F(region, read_only_view_cannot_protect)
{
	int ro;

	ASSERT_EQ(0, ion_share_readonly(self->fd, &ro));
	EXPECT_EQ(1, ashmem_valid(ro));
	errno = 0;
	EXPECT_EQ(-1, ashmem_set_prot_region(ro, PROT_READ));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(0, map_errno(self->fd, self->page, PROT_READ | PROT_WRITE));
	close(ro);
}

TEST_F(region, pin_and_unpin_check_the_range)
{
	size_t page = self->page;

	EXPECT_EQ(ASHMEM_NOT_PURGED, ashmem_pin_region(self->fd, 0, 0));
	EXPECT_EQ(ASHMEM_NOT_PURGED, ashmem_pin_region(self->fd, page, 2 * page));
	EXPECT_EQ(ASHMEM_IS_UNPINNED, ashmem_unpin_region(self->fd, page, 0));
	EXPECT_EQ(ASHMEM_IS_UNPINNED, ashmem_unpin_region(self->fd, 0, 4 * page));
	errno = 0;
	EXPECT_EQ(-1, ashmem_pin_region(self->fd, 1, page));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, ashmem_unpin_region(self->fd, 0, page + 1));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, ashmem_pin_region(self->fd, 3 * page, 2 * page));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, ashmem_unpin_region(self->fd, 5 * page, 0));
	EXPECT_EQ(EINVAL, errno);
}

static void check_not_region(struct __test_metadata *_metadata, int fd)
{
	EXPECT_EQ(0, ashmem_valid(fd));
	errno = 0;
	EXPECT_EQ(-1, ashmem_set_prot_region(fd, PROT_READ));
	EXPECT_EQ(ENOTTY, errno);
	errno = 0;
	EXPECT_EQ(-1, ashmem_get_size_region(fd));
	EXPECT_EQ(ENOTTY, errno);
	errno = 0;
	EXPECT_EQ(-1, ashmem_pin_region(fd, 0, 0));
	EXPECT_EQ(ENOTTY, errno);
	errno = 0;
	EXPECT_EQ(-1, ashmem_unpin_region(fd, 0, 0));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(region, memfd_and_closed_fd_are_not_regions)
{
	int memfd;

	memfd = memfd_create("not-a-region", MFD_CLOEXEC);
	ASSERT_LE(0, memfd);
	ASSERT_EQ(0, ftruncate(memfd, self->page));
	check_not_region(_metadata, memfd);
	close(memfd);
	check_not_region(_metadata, 1000);
}

TEST_F(region, other_exporters_buffer_is_not_a_region)
{
	struct dma_heap_allocation_data alloc = {
		.len = 4096, .fd_flags = O_RDWR | O_CLOEXEC,
	};
	int heap;

	heap = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);
	if (heap < 0)
		SKIP(return, "/dev/dma_heap/system: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &alloc));
	close(heap);
	check_not_region(_metadata, alloc.fd);
	close(alloc.fd);
}

TEST_HARNESS_MAIN
