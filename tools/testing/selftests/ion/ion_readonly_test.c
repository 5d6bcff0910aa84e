// SPDX-License-Identifier: GPL-2.0
/*
 * ION_IOC_SHARE_RO: a read-only dma-buf fd over an ION buffer, as ashmem's
 * ASHMEM_SET_PROT_MASK gave for ashmem regions.  The owner
 * writes, the holder of the read-only fd reads and can neither map it
 * writable nor import it into ION; bad input leaves no fd behind; names set
 * with DMA_BUF_SET_NAME show in the view and in debugfs.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/syscall.h>

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>

#include "ion_test_util.h"
#include "../kselftest_harness.h"

#define ION_RO_LEN	(4 * 4096)

static int ion_share_ro(int ion_fd, int buf_fd, int *ro_fd)
{
	struct ion_share_ro_data data = { .fd = buf_fd, .ro_fd = -1 };
	int ret = ion_ioctl(ion_fd, ION_IOC_SHARE_RO, &data);

	if (!ret)
		*ro_fd = data.ro_fd;
	return ret;
}

FIXTURE(ro) {
	int ion;
	int buf;
	unsigned char *map;
};

FIXTURE_SETUP(ro)
{
	self->buf = -1;
	self->map = MAP_FAILED;
	self->ion = open(ION_DEV, O_RDWR | O_CLOEXEC);
	if (self->ion < 0)
		SKIP(return, "%s: %s", ION_DEV, strerror(errno));
	ASSERT_EQ(0, ion_new_alloc(self->ion, ION_RO_LEN, ION_HEAP_SYSTEM_MASK,
				   0, &self->buf));
	self->map = mmap(NULL, ION_RO_LEN, PROT_READ | PROT_WRITE, MAP_SHARED,
			 self->buf, 0);
	ASSERT_NE(MAP_FAILED, self->map);
	memset(self->map, 0x5a, ION_RO_LEN);
}

FIXTURE_TEARDOWN(ro)
{
	if (self->map != MAP_FAILED)
		munmap(self->map, ION_RO_LEN);
	if (self->buf >= 0)
		close(self->buf);
	if (self->ion >= 0)
		close(self->ion);
}

TEST_F(ro, number)
{
	EXPECT_EQ(0xC0104910UL, (unsigned long)ION_IOC_SHARE_RO);
	EXPECT_EQ(16, sizeof(struct ion_share_ro_data));
}

TEST_F(ro, view_is_readonly_and_cloexec)
{
	int ro, flags;

	ASSERT_EQ(0, ion_share_ro(self->ion, self->buf, &ro));
	flags = fcntl(ro, F_GETFL);
	ASSERT_GE(flags, 0);
	EXPECT_EQ(O_RDONLY, flags & O_ACCMODE);
	EXPECT_EQ(FD_CLOEXEC, fcntl(ro, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(ION_RO_LEN, lseek(ro, 0, SEEK_END));
	close(ro);
}

TEST_F(ro, reads_see_the_owners_writes)
{
	unsigned char *p;
	int ro;

	ASSERT_EQ(0, ion_share_ro(self->ion, self->buf, &ro));
	p = mmap(NULL, ION_RO_LEN, PROT_READ, MAP_SHARED, ro, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_TRUE(ion_all_bytes(p, ION_RO_LEN, 0x5a));
	self->map[ION_RO_LEN - 1] = 0xa5;
	EXPECT_EQ(0xa5, p[ION_RO_LEN - 1]);
	munmap(p, ION_RO_LEN);
	close(ro);
}

TEST_F(ro, writable_mappings_fail)
{
	unsigned char *p;
	int ro;

	ASSERT_EQ(0, ion_share_ro(self->ion, self->buf, &ro));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, ION_RO_LEN, PROT_READ | PROT_WRITE,
				   MAP_SHARED, ro, 0));
	EXPECT_EQ(EACCES, errno);
	/* a private writable mapping would write to a copy: refused too */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, ION_RO_LEN, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE, ro, 0));
	EXPECT_EQ(EACCES, errno);
	/* and a read-only mapping cannot be upgraded */
	p = mmap(NULL, ION_RO_LEN, PROT_READ, MAP_SHARED, ro, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, mprotect(p, ION_RO_LEN, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	munmap(p, ION_RO_LEN);
	close(ro);
}

TEST_F(ro, import_is_eacces)
{
	ion_user_handle_t h = 0;
	int ro;

	ASSERT_EQ(0, ion_share_ro(self->ion, self->buf, &ro));
	EXPECT_EQ(-EACCES, ion_legacy_import(self->ion, ro, &h));
	EXPECT_EQ(0, h);
	/* the read-write fd still imports */
	EXPECT_EQ(0, ion_legacy_import(self->ion, self->buf, &h));
	EXPECT_EQ(0, ion_legacy_free(self->ion, h));
	close(ro);
}

TEST_F(ro, sync_works_on_the_view)
{
	struct dma_buf_sync sync = {
		.flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ,
	};
	struct ion_fd_data data;
	int ro;

	ASSERT_EQ(0, ion_share_ro(self->ion, self->buf, &ro));
	data.fd = ro;
	EXPECT_EQ(0, ion_ioctl(self->ion, ION_IOC_SYNC, &data));
	EXPECT_EQ(0, ion_ioctl(ro, DMA_BUF_IOCTL_SYNC, &sync));
	sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ;
	EXPECT_EQ(0, ion_ioctl(ro, DMA_BUF_IOCTL_SYNC, &sync));
	close(ro);
}

TEST_F(ro, view_keeps_the_buffer_alive)
{
	unsigned char *p;
	int ro;

	ASSERT_EQ(0, ion_share_ro(self->ion, self->buf, &ro));
	munmap(self->map, ION_RO_LEN);
	self->map = MAP_FAILED;
	close(self->buf);
	self->buf = -1;
	p = mmap(NULL, ION_RO_LEN, PROT_READ, MAP_SHARED, ro, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_TRUE(ion_all_bytes(p, ION_RO_LEN, 0x5a));
	munmap(p, ION_RO_LEN);
	close(ro);
}

TEST_F(ro, view_of_a_view)
{
	int ro, ro2;

	ASSERT_EQ(0, ion_share_ro(self->ion, self->buf, &ro));
	ASSERT_EQ(0, ion_share_ro(self->ion, ro, &ro2));
	EXPECT_EQ(O_RDONLY, fcntl(ro2, F_GETFL) & O_ACCMODE);
	close(ro);
	close(ro2);
}

TEST_F(ro, name_is_copied)
{
	char path[64], line[128], name[] = "ro-test-name";
	int ro, found = 0;
	FILE *f;

	ASSERT_EQ(0, ion_ioctl(self->buf, DMA_BUF_SET_NAME_B, name));
	ASSERT_EQ(0, ion_share_ro(self->ion, self->buf, &ro));
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", ro);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "name:", 5) && strstr(line, "ro-test-name"))
			found = 1;
	fclose(f);
	EXPECT_TRUE(found);
	close(ro);
}

/* Write @val to @path; 0 or -errno. */
static int ion_write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		ret = -errno;
	close(fd);
	return ret;
}

/* The first character of @path, or 0 */
static char ion_read_char(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char c = 0;

	if (fd >= 0) {
		if (read(fd, &c, 1) != 1)
			c = 0;
		close(fd);
	}
	return c;
}

/* 1 when the fdinfo of @fd has "name:" with @name */
static int ion_fd_has_name(int fd, const char *name)
{
	char path[64], line[128];
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "name:", 5) && strstr(line, name))
			found = 1;
	fclose(f);
	return found;
}

#define ION_FAILSLAB		"/sys/kernel/debug/failslab/"
#define ION_FAIL_NTH		"/proc/thread-self/fail-nth"

/*
 * The n-th allocation of the call fails, for n = 1, 2, ... until the call
 * runs without an injected failure (failslab, sleeping allocations
 * included): each call fails with ENOMEM and leaves no fd, or returns a
 * view named as the buffer.
 */
TEST_F(ro, name_is_copied_or_enomem)
{
	char name[] = "ro-fail-nth", nth[16], left, wait, verbose;
	int n, ro, ret, next, fail_nth, injected = 0;

	fail_nth = open(ION_FAIL_NTH, O_RDWR | O_CLOEXEC);
	if (fail_nth < 0 || access(ION_FAILSLAB "ignore-gfp-wait", W_OK))
		SKIP(return, "no %s or failslab in debugfs", ION_FAIL_NTH);
	wait = ion_read_char(ION_FAILSLAB "ignore-gfp-wait");
	verbose = ion_read_char(ION_FAILSLAB "verbose");
	ASSERT_EQ(0, ion_write_file(ION_FAILSLAB "ignore-gfp-wait", "N"));
	ASSERT_EQ(0, ion_write_file(ION_FAILSLAB "verbose", "0"));
	ASSERT_EQ(0, ion_ioctl(self->buf, DMA_BUF_SET_NAME_B, name));
	for (n = 1; n < 1000; n++) {
		next = ion_next_fd();
		snprintf(nth, sizeof(nth), "%d", n);
		/* the fd is open already: these two allocate nothing */
		ASSERT_LT(0, pwrite(fail_nth, nth, strlen(nth), 0));
		ret = ion_share_ro(self->ion, self->buf, &ro);
		ASSERT_EQ(1, pread(fail_nth, &left, 1, 0));
		if (left != '0') {
			/* the call made fewer than n allocations */
			ASSERT_LT(0, pwrite(fail_nth, "0", 1, 0));
			EXPECT_EQ(0, ret);
			if (!ret) {
				EXPECT_TRUE(ion_fd_has_name(ro, name));
				close(ro);
			}
			break;
		}
		injected++;
		if (ret) {
			EXPECT_EQ(-ENOMEM, ret) TH_LOG("allocation %d failed", n);
			EXPECT_EQ(next, ion_next_fd());
		} else {
			EXPECT_TRUE(ion_fd_has_name(ro, name))
				TH_LOG("allocation %d failed: unnamed view", n);
			close(ro);
		}
	}
	close(fail_nth);
	ion_write_file(ION_FAILSLAB "ignore-gfp-wait", wait == 'N' ? "N" : "Y");
	ion_write_file(ION_FAILSLAB "verbose", (char[]){ verbose ?: '2', 0 });
	TH_LOG("%d allocation failures injected", injected);
	EXPECT_LT(0, injected);
}

TEST_F(ro, bad_input_leaves_no_fd)
{
	struct ion_share_ro_data data = { .fd = self->buf };
	int next = ion_next_fd(), memfd, ro;

	data.flags = 1;
	EXPECT_EQ(-EINVAL, ion_ioctl(self->ion, ION_IOC_SHARE_RO, &data));
	data.flags = 0;
	data.reserved = 1;
	EXPECT_EQ(-EINVAL, ion_ioctl(self->ion, ION_IOC_SHARE_RO, &data));
	EXPECT_EQ(-EBADF, ion_share_ro(self->ion, 1000, &ro));
	EXPECT_EQ(-EBADF, ion_share_ro(self->ion, -1, &ro));
	memfd = syscall(SYS_memfd_create, "not-ion", 0);
	ASSERT_GE(memfd, 0);
	EXPECT_EQ(-EINVAL, ion_share_ro(self->ion, memfd, &ro));
	close(memfd);
	EXPECT_EQ(-EFAULT, ion_ioctl(self->ion, ION_IOC_SHARE_RO, (void *)16));
	EXPECT_EQ(next, ion_next_fd());
}

TEST_F(ro, efault_on_copy_out_leaves_no_fd)
{
	struct ion_share_ro_data data = { .fd = self->buf };
	int next = ion_next_fd();
	void *p = ion_readonly_copy(&data, sizeof(data));

	ASSERT_NE(NULL, p);
	EXPECT_EQ(-EFAULT, ion_ioctl(self->ion, ION_IOC_SHARE_RO, p));
	EXPECT_EQ(next, ion_next_fd());
	munmap(p, 4096);
}

/* The client's debugfs file lists each handle with the buffer's name. */
TEST_F(ro, debugfs_shows_buffer_names)
{
	char cmd[256], out[256] = "", name[] = "named-in-debugfs";
	ion_user_handle_t h;
	FILE *f;

	if (access("/sys/kernel/debug/ion/clients", R_OK))
		SKIP(return, "no ION debugfs");
	ASSERT_EQ(0, ion_ioctl(self->buf, DMA_BUF_SET_NAME_B, name));
	ASSERT_EQ(0, ion_legacy_import(self->ion, self->buf, &h));
	snprintf(cmd, sizeof(cmd),
		 "grep -h named-in-debugfs /sys/kernel/debug/ion/clients/%d-* 2>/dev/null",
		 getpid());
	f = popen(cmd, "r");
	ASSERT_NE(NULL, f);
	if (!fgets(out, sizeof(out), f))
		out[0] = '\0';
	pclose(f);
	EXPECT_NE(NULL, strstr(out, "named-in-debugfs"));
	EXPECT_NE(NULL, strstr(out, "ion_system_heap"));
	EXPECT_EQ(0, ion_legacy_free(self->ion, h));
}

#define ION_DMA_HEAP	"/dev/dma_heap/ion-ion_system_heap"

/* DMA_HEAP_IOCTL_ALLOC on @heap with @fd_flags: the fd or -errno */
static int ion_dma_heap_alloc(int heap, unsigned int fd_flags)
{
	struct dma_heap_allocation_data data = {
		.len = ION_RO_LEN, .fd_flags = fd_flags,
	};
	int ret = ion_ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &data);

	return ret ? ret : (int)data.fd;
}

/*
 * The /dev/dma_heap/ion-* nodes honour fd_flags as the kernel's own heaps:
 * O_CLOEXEC or not, and O_RDONLY gives a dma-buf that reads the buffer but
 * cannot be mapped writable; O_RDWR one that can.
 */
TEST(dma_heap_fd_flags)
{
	int heap, fd, ro_fd, flags;
	unsigned char *p, *q;

	heap = open(ION_DMA_HEAP, O_RDONLY | O_CLOEXEC);
	if (heap < 0)
		SKIP(return, "%s: %s", ION_DMA_HEAP, strerror(errno));

	fd = ion_dma_heap_alloc(heap, O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_EQ(O_RDWR, fcntl(fd, F_GETFL) & O_ACCMODE);
	EXPECT_EQ(0, fcntl(fd, F_GETFD) & FD_CLOEXEC);
	p = mmap(NULL, ION_RO_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 0x3c, ION_RO_LEN);
	munmap(p, ION_RO_LEN);
	close(fd);

	ro_fd = ion_dma_heap_alloc(heap, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ro_fd);
	flags = fcntl(ro_fd, F_GETFL);
	EXPECT_EQ(O_RDONLY, flags & O_ACCMODE);
	EXPECT_EQ(FD_CLOEXEC, fcntl(ro_fd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, ION_RO_LEN, PROT_READ | PROT_WRITE,
				   MAP_SHARED, ro_fd, 0));
	EXPECT_EQ(EACCES, errno);
	q = mmap(NULL, ION_RO_LEN, PROT_READ, MAP_SHARED, ro_fd, 0);
	ASSERT_NE(MAP_FAILED, q);
	/* a new buffer: zeroed */
	EXPECT_TRUE(ion_all_bytes(q, ION_RO_LEN, 0));
	EXPECT_NE(0, mprotect(q, ION_RO_LEN, PROT_READ | PROT_WRITE));
	munmap(q, ION_RO_LEN);
	close(ro_fd);

	/* write-only makes no sense for memory: refused, no fd left */
	fd = ion_next_fd();
	EXPECT_EQ(-EINVAL, ion_dma_heap_alloc(heap, O_WRONLY));
	EXPECT_EQ(fd, ion_next_fd());
	close(heap);
}

TEST_HARNESS_MAIN
