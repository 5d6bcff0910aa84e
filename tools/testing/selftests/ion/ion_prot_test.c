// SPDX-License-Identifier: GPL-2.0
/*
 * ION_IOC_BUFFER_PROT: one protection mask per ION buffer, shared by all
 * of its fds in every process, that only loses bits, as an ashmem region's
 * ASHMEM_SET_PROT_MASK did.  Writable mappings fail with EPERM once it has
 * no ION_PROT_WRITE, from any fd and in another process; earlier mappings
 * keep working; hon_zone no longer writes the buffer; fstat() gives the
 * size; every errno of the ioctl, with the growing argument.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <linux/dma-heap.h>
#include <linux/hon_zone.h>

#include "ion_test_util.h"
#include "../kselftest_harness.h"

#define PROT_LEN	(4 * 4096)

/* ION_IOC_BUFFER_PROT on a structure the caller sized; -errno */
static int prot_ioctl(int ion, void *arg)
{
	return ion_ioctl(ion, ION_IOC_BUFFER_PROT, arg);
}

static int prot_call(int ion, int fd, unsigned int flags, unsigned int *prot)
{
	struct ion_buffer_prot_data data = {
		.size = sizeof(data), .flags = flags, .fd = fd, .prot = *prot,
	};
	int ret = prot_ioctl(ion, &data);

	if (!ret)
		*prot = data.prot;
	return ret;
}

static int prot_get(int ion, int fd)
{
	unsigned int prot = 0;
	int ret = prot_call(ion, fd, 0, &prot);

	return ret ? ret : (int)prot;
}

static int prot_set(int ion, int fd, unsigned int prot)
{
	return prot_call(ion, fd, ION_BUFFER_PROT_SET, &prot);
}

static int map_errno(int fd, int prot, int flags)
{
	void *p = mmap(NULL, PROT_LEN, prot, flags, fd, 0);

	if (p == MAP_FAILED)
		return -errno;
	munmap(p, PROT_LEN);
	return 0;
}

FIXTURE(prot) {
	int ion;
	int buf;
};

FIXTURE_SETUP(prot)
{
	self->buf = -1;
	self->ion = open(ION_DEV, O_RDWR | O_CLOEXEC);
	if (self->ion < 0)
		SKIP(return, "%s: %s", ION_DEV, strerror(errno));
	ASSERT_EQ(0, ion_new_alloc(self->ion, PROT_LEN, ION_HEAP_SYSTEM_MASK,
				   0, &self->buf));
}

FIXTURE_TEARDOWN(prot)
{
	if (self->buf >= 0)
		close(self->buf);
	if (self->ion >= 0)
		close(self->ion);
}

TEST_F(prot, number_and_layout)
{
	EXPECT_EQ(0xC0104911UL, (unsigned long)ION_IOC_BUFFER_PROT);
	EXPECT_EQ(16, sizeof(struct ion_buffer_prot_data));
	EXPECT_EQ(PROT_READ, ION_PROT_READ);
	EXPECT_EQ(PROT_WRITE, ION_PROT_WRITE);
	EXPECT_EQ(PROT_EXEC, ION_PROT_EXEC);
}

TEST_F(prot, new_buffer_has_every_bit)
{
	EXPECT_EQ(ION_PROT_MASK, prot_get(self->ion, self->buf));
	EXPECT_EQ(0, map_errno(self->buf, PROT_READ | PROT_WRITE, MAP_SHARED));
}

TEST_F(prot, fstat_gives_the_size)
{
	struct stat st;
	int buf;

	ASSERT_EQ(0, fstat(self->buf, &st));
	EXPECT_EQ(PROT_LEN, st.st_size);
	/* rounded up to pages, as ION rounds the buffer */
	ASSERT_EQ(0, ion_new_alloc(self->ion, 4097, ION_HEAP_SYSTEM_MASK, 0, &buf));
	ASSERT_EQ(0, fstat(buf, &st));
	EXPECT_EQ(8192, st.st_size);
	close(buf);
}

TEST_F(prot, read_only_refuses_writable_mappings)
{
	unsigned char *p;

	ASSERT_EQ(0, prot_set(self->ion, self->buf, PROT_READ));
	EXPECT_EQ(PROT_READ, prot_get(self->ion, self->buf));
	EXPECT_EQ(-EPERM, map_errno(self->buf, PROT_READ | PROT_WRITE, MAP_SHARED));
	EXPECT_EQ(-EPERM, map_errno(self->buf, PROT_WRITE, MAP_SHARED));
	EXPECT_EQ(-EPERM, map_errno(self->buf, PROT_READ | PROT_WRITE, MAP_PRIVATE));
	EXPECT_EQ(-EPERM, map_errno(self->buf, PROT_READ | PROT_EXEC, MAP_SHARED));
	/* reading still maps, and cannot be upgraded */
	p = mmap(NULL, PROT_LEN, PROT_READ, MAP_SHARED, self->buf, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, p[0]);
	EXPECT_EQ(-1, mprotect(p, PROT_LEN, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	munmap(p, PROT_LEN);
}

TEST_F(prot, earlier_mappings_keep_working)
{
	unsigned char *rw, *ro;

	rw = mmap(NULL, PROT_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, self->buf, 0);
	ASSERT_NE(MAP_FAILED, rw);
	ASSERT_EQ(0, prot_set(self->ion, self->buf, PROT_READ));
	rw[100] = 0x5a;
	ro = mmap(NULL, PROT_LEN, PROT_READ, MAP_SHARED, self->buf, 0);
	ASSERT_NE(MAP_FAILED, ro);
	EXPECT_EQ(0x5a, ro[100]);
	munmap(ro, PROT_LEN);
	munmap(rw, PROT_LEN);
}

TEST_F(prot, only_drops_never_raises)
{
	ASSERT_EQ(0, prot_set(self->ion, self->buf, PROT_READ | PROT_WRITE));
	EXPECT_EQ(-EINVAL, prot_set(self->ion, self->buf, ION_PROT_MASK));
	EXPECT_EQ(PROT_READ | PROT_WRITE, prot_get(self->ion, self->buf));
	ASSERT_EQ(0, prot_set(self->ion, self->buf, PROT_READ));
	EXPECT_EQ(-EINVAL, prot_set(self->ion, self->buf, PROT_READ | PROT_WRITE));
	EXPECT_EQ(PROT_READ, prot_get(self->ion, self->buf));
	/* the same mask again is fine; PROT_NONE then refuses reading too */
	EXPECT_EQ(0, prot_set(self->ion, self->buf, PROT_READ));
	ASSERT_EQ(0, prot_set(self->ion, self->buf, PROT_NONE));
	EXPECT_EQ(-EPERM, map_errno(self->buf, PROT_READ, MAP_SHARED));
	EXPECT_EQ(0, map_errno(self->buf, PROT_NONE, MAP_SHARED));
}

/* Every fd of the buffer: a dup, a SHARE, a read-only view, another process. */
TEST_F(prot, every_fd_and_process)
{
	struct ion_share_ro_data ro = { .fd = self->buf };
	int sv[2], status, dup_fd;
	pid_t pid;
	char c;

	dup_fd = dup(self->buf);
	ASSERT_LE(0, dup_fd);
	ASSERT_EQ(0, ion_ioctl(self->ion, ION_IOC_SHARE_RO, &ro));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* the child keeps its inherited fd, waits, then tries */
		close(sv[0]);
		if (read(sv[1], &c, 1) != 1)
			_exit(10);
		if (map_errno(self->buf, PROT_READ | PROT_WRITE, MAP_SHARED) != -EPERM)
			_exit(11);
		if (map_errno(self->buf, PROT_READ, MAP_SHARED))
			_exit(12);
		_exit(0);
	}
	close(sv[1]);
	/* restricted through the duplicate, seen through every other fd */
	ASSERT_EQ(0, prot_set(self->ion, dup_fd, PROT_READ));
	EXPECT_EQ(-EPERM, map_errno(self->buf, PROT_READ | PROT_WRITE, MAP_SHARED));
	EXPECT_EQ(PROT_READ, prot_get(self->ion, ro.ro_fd));
	EXPECT_EQ(0, map_errno(ro.ro_fd, PROT_READ, MAP_SHARED));
	ASSERT_EQ(1, write(sv[0], "x", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(sv[0]);
	close(ro.ro_fd);
	close(dup_fd);
}

TEST_F(prot, view_cannot_restrict)
{
	struct ion_share_ro_data ro = { .fd = self->buf };

	ASSERT_EQ(0, ion_ioctl(self->ion, ION_IOC_SHARE_RO, &ro));
	EXPECT_EQ(-EACCES, prot_set(self->ion, ro.ro_fd, PROT_READ));
	EXPECT_EQ(ION_PROT_MASK, prot_get(self->ion, self->buf));
	close(ro.ro_fd);
}

/* The mask is the buffer's: also through the /dev/dma_heap bridge. */
TEST_F(prot, dma_heap_bridge_buffer)
{
	struct dma_heap_allocation_data alloc = {
		.len = PROT_LEN, .fd_flags = O_RDWR | O_CLOEXEC,
	};
	int heap;

	heap = open("/dev/dma_heap/ion-ion_system_heap", O_RDONLY | O_CLOEXEC);
	if (heap < 0)
		SKIP(return, "/dev/dma_heap/ion-ion_system_heap: %s", strerror(errno));
	ASSERT_EQ(0, ion_ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &alloc));
	close(heap);
	ASSERT_EQ(0, prot_set(self->ion, alloc.fd, PROT_READ));
	EXPECT_EQ(-EPERM, map_errno(alloc.fd, PROT_READ | PROT_WRITE, MAP_SHARED));
	close(alloc.fd);
}

TEST_F(prot, hon_zone_writes_fail)
{
	struct hon_zone_fill_data fill = { .offset = 0, .len = 16, .pattern = 1 };
	struct hon_zone_checksum_data sum = { .len = PROT_LEN };
	char buf[16] = "0123456789abcde";
	int zone;

	zone = open("/dev/hon_zone", O_RDWR | O_CLOEXEC);
	if (zone < 0)
		SKIP(return, "/dev/hon_zone: %s", strerror(errno));
	ASSERT_EQ(0, ion_ioctl(zone, HON_ZONE_ION_INIT, &self->buf));
	EXPECT_EQ(16, pwrite(zone, buf, 16, 0));
	ASSERT_EQ(0, prot_set(self->ion, self->buf, PROT_READ));
	EXPECT_EQ(-1, pwrite(zone, buf, 16, 0));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, write(zone, buf, 16));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-EPERM, ion_ioctl(zone, HON_ZONE_FILL, &fill));
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(16, pread(zone, buf, 16, 0));
	EXPECT_STREQ("0123456789abcde", buf);
	EXPECT_EQ(0, ion_ioctl(zone, HON_ZONE_CHECKSUM, &sum));
	close(zone);
}

TEST_F(prot, errnos)
{
	struct ion_buffer_prot_data data = {
		.size = sizeof(data), .fd = self->buf,
	};
	int memfd;

	data.fd = 1000;
	EXPECT_EQ(-EBADF, prot_ioctl(self->ion, &data));
	memfd = memfd_create("not-a-dmabuf", MFD_CLOEXEC);
	ASSERT_LE(0, memfd);
	data.fd = memfd;
	EXPECT_EQ(-EINVAL, prot_ioctl(self->ion, &data));
	close(memfd);

	data.fd = self->buf;
	data.flags = 2;
	EXPECT_EQ(-EINVAL, prot_ioctl(self->ion, &data));
	data.flags = ION_BUFFER_PROT_SET;
	data.prot = PROT_READ | 0x8;
	EXPECT_EQ(-EINVAL, prot_ioctl(self->ion, &data));
	EXPECT_EQ(ION_PROT_MASK, prot_get(self->ion, self->buf));

	data.prot = PROT_READ;
	data.size = sizeof(data) - 4;
	EXPECT_EQ(-EINVAL, prot_ioctl(self->ion, &data));
	data.size = 8192;
	EXPECT_EQ(-E2BIG, prot_ioctl(self->ion, &data));
	EXPECT_EQ(-EFAULT, prot_ioctl(self->ion, NULL));
	/* nothing of that changed the mask */
	EXPECT_EQ(ION_PROT_MASK, prot_get(self->ion, self->buf));
}

/* Another exporter's dma-buf has no ION mask. */
TEST_F(prot, foreign_dma_buf_is_einval)
{
	struct dma_heap_allocation_data alloc = {
		.len = 4096, .fd_flags = O_RDWR | O_CLOEXEC,
	};
	int heap;

	heap = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);
	if (heap < 0)
		SKIP(return, "/dev/dma_heap/system: %s", strerror(errno));
	ASSERT_EQ(0, ion_ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &alloc));
	close(heap);
	EXPECT_EQ(-EINVAL, prot_get(self->ion, alloc.fd));
	close(alloc.fd);
}

/* A newer program's larger structure, zero beyond ours, works. */
TEST_F(prot, larger_structure)
{
	struct {
		struct ion_buffer_prot_data data;
		uint64_t more;
	} big = {
		.data = { .size = sizeof(big), .fd = self->buf,
			  .flags = ION_BUFFER_PROT_SET, .prot = PROT_READ },
	};

	EXPECT_EQ(0, prot_ioctl(self->ion, &big));
	EXPECT_EQ(PROT_READ, big.data.prot);
	EXPECT_EQ(0, big.more);
	big.more = 1;
	big.data.prot = 0;
	EXPECT_EQ(-E2BIG, prot_ioctl(self->ion, &big));
	EXPECT_EQ(PROT_READ, prot_get(self->ion, self->buf));
}

/* An argument the kernel cannot write back fails before the mask changes. */
TEST_F(prot, unwritable_argument_changes_nothing)
{
	struct ion_buffer_prot_data data = {
		.size = sizeof(data), .fd = self->buf,
		.flags = ION_BUFFER_PROT_SET, .prot = PROT_READ,
	};
	void *ro = ion_readonly_copy(&data, sizeof(data));

	ASSERT_NE(NULL, ro);
	EXPECT_EQ(-EFAULT, prot_ioctl(self->ion, ro));
	EXPECT_EQ(ION_PROT_MASK, prot_get(self->ion, self->buf));
	munmap(ro, 4096);
}

TEST_HARNESS_MAIN
