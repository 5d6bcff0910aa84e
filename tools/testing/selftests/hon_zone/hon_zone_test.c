// SPDX-License-Identifier: GPL-2.0
/*
 * kselftests of /dev/hon_zone: user space and a driver sharing one buffer
 * in both directions, the kernel allocation flow, FILL and CHECKSUM against our own computation, a
 * zone outliving the user's fds, a second process binding a buffer received
 * over SCM_RIGHTS, foreign dma-bufs (DMA-BUF system heap, udmabuf), the
 * read/write/lseek semantics, HON_ZONE_BIND, the extensible structures
 * (larger with a tail of zeros, larger with a non-zero tail, smaller), and
 * every error of the ABI, one per test.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/dma-heap.h>
#include <linux/udmabuf.h>

#include "../kselftest_harness.h"
#include "hon_zone_util.h"

#define BUF_SIZE	(16 * 4096)

static void fill_random(void *buf, size_t len, unsigned int start)
{
	uint8_t *p = buf;
	size_t i;

	srand(start);
	for (i = 0; i < len; i++)
		p[i] = rand();
}

/* ---------------------------------------------------------------------
 * Flows over every heap
 */

FIXTURE(zone) {
	int ion_fd;
	int zone_fd;
	int buf_fd;
	void *map;
};

FIXTURE_VARIANT(zone) {
	unsigned int heap_mask;
	unsigned int flags;
};

FIXTURE_VARIANT_ADD(zone, system) {
	.heap_mask = ION_HEAP_SYSTEM_MASK,
	.flags = 0,
};

FIXTURE_VARIANT_ADD(zone, system_cached_msm_id) {
	.heap_mask = ION_HEAP(ION_SYSTEM_HEAP_ID),
	.flags = ION_FLAG_CACHED,
};

FIXTURE_VARIANT_ADD(zone, system_contig) {
	.heap_mask = ION_HEAP_SYSTEM_CONTIG_MASK,
	.flags = ION_FLAG_CACHED,
};

FIXTURE_SETUP(zone)
{
	self->buf_fd = -1;
	self->map = MAP_FAILED;
	self->ion_fd = -1;
	self->zone_fd = open(HON_ZONE_DEV, O_RDWR | O_CLOEXEC);
	if (self->zone_fd < 0 && errno == ENOENT)
		SKIP(return, "no %s", HON_ZONE_DEV);
	ASSERT_LE(0, self->zone_fd);
	self->ion_fd = open(ION_DEV, O_RDWR | O_CLOEXEC);
	if (self->ion_fd < 0 && errno == ENOENT)
		SKIP(return, "no %s", ION_DEV);
	ASSERT_LE(0, self->ion_fd);
	self->buf_fd = hz_ion_alloc_fd(self->ion_fd, BUF_SIZE,
				       variant->heap_mask, variant->flags);
	if (self->buf_fd == -ENODEV)
		SKIP(return, "heap mask %#x not registered", variant->heap_mask);
	ASSERT_LE(0, self->buf_fd);
	self->map = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
			 self->buf_fd, 0);
	ASSERT_NE(MAP_FAILED, self->map);
}

FIXTURE_TEARDOWN(zone)
{
	if (self->map != MAP_FAILED)
		munmap(self->map, BUF_SIZE);
	if (self->buf_fd >= 0)
		close(self->buf_fd);
	if (self->ion_fd >= 0)
		close(self->ion_fd);
	if (self->zone_fd >= 0)
		close(self->zone_fd);
}

/* User space writes through mmap, the kernel reads it. */
TEST_F(zone, user_writes_kernel_reads)
{
	static char buf[BUF_SIZE];
	struct hon_zone_info info;

	fill_random(self->map, BUF_SIZE, 1);
	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_ION_INIT, &self->buf_fd));
	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_GET_INFO, &info));
	EXPECT_EQ(BUF_SIZE, info.size);
	EXPECT_EQ(HON_ZONE_STATE_BOUND | HON_ZONE_STATE_ION, info.state);
	EXPECT_EQ(variant->flags, info.ion_flags);
	EXPECT_EQ(0, info.reserved);

	ASSERT_EQ(BUF_SIZE, pread(self->zone_fd, buf, BUF_SIZE, 0));
	EXPECT_EQ(0, memcmp(buf, self->map, BUF_SIZE));
	/* and a later write through the mapping too */
	memcpy((char *)self->map + 5000, "from user", 10);
	ASSERT_EQ(10, pread(self->zone_fd, buf, 10, 5000));
	EXPECT_STREQ("from user", buf);
}

/* The other way: the kernel writes, user space sees it. */
TEST_F(zone, kernel_writes_user_reads)
{
	struct hon_zone_fill_data fill = {
		.offset = 100, .len = 3 * 4096, .pattern = 0xa5,
	};
	static const char msg[] = "written by the kernel";
	uint8_t *p = self->map;
	size_t i;

	memset(self->map, 0, BUF_SIZE);
	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_ION_INIT, &self->buf_fd));
	ASSERT_EQ(sizeof(msg), pwrite(self->zone_fd, msg, sizeof(msg), 4096 * 8));
	EXPECT_STREQ(msg, (char *)self->map + 4096 * 8);

	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_FILL, &fill));
	EXPECT_EQ(0, p[99]);
	for (i = 100; i < 100 + 3 * 4096; i++)
		if (p[i] != 0xa5)
			break;
	EXPECT_EQ(100 + 3 * 4096, i);
	EXPECT_EQ(0, p[100 + 3 * 4096]);
}

/* The classic init_ion()/bind_driver(): legacy handle, ION_IOC_SHARE, an int. */
TEST_F(zone, legacy_share_bind_int)
{
	ion_user_handle_t handle;
	int shared_fd, zone2;
	char *g_buf;
	char buf[32] = "";

	shared_fd = hz_ion_legacy_share(self->ion_fd, BUF_SIZE, variant->heap_mask,
					variant->flags, &handle);
	ASSERT_LE(0, shared_fd);
	g_buf = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		     shared_fd, 0);
	ASSERT_NE(MAP_FAILED, g_buf);
	memcpy(g_buf, "qwertysdfgh", sizeof("qwertysdfgh"));

	zone2 = open(HON_ZONE_DEV, O_RDWR);
	ASSERT_LE(0, zone2);
	ASSERT_EQ(0, ioctl(zone2, HON_ZONE_ION_INIT, &shared_fd));
	ASSERT_EQ(12, pread(zone2, buf, 12, 0));
	EXPECT_STREQ("qwertysdfgh", buf);
	ASSERT_EQ(6, pwrite(zone2, "kernel", 6, 0));
	EXPECT_EQ(0, memcmp(g_buf, "kernelsdfgh", 12));

	/* release_ion(): the zone still has the buffer */
	EXPECT_EQ(0, hz_ion_legacy_free(self->ion_fd, handle));
	EXPECT_EQ(0, munmap(g_buf, BUF_SIZE));
	EXPECT_EQ(0, close(shared_fd));
	ASSERT_EQ(12, pread(zone2, buf, 12, 0));
	EXPECT_STREQ("kernelsdfgh", buf);
	EXPECT_EQ(0, close(zone2));
}

/* A driver allocates ION memory in the kernel: the zone allocates it itself. */
TEST_F(zone, kernel_alloc)
{
	struct hon_zone_alloc_data alloc = {
		.len = 3 * 4096 + 1,
		.heap_id_mask = variant->heap_mask,
		.flags = variant->flags,
		.fd = -1,
	};
	struct hon_zone_fill_data fill = { .offset = 0, .len = 4096, .pattern = 0x5c };
	struct hon_zone_info info;
	char buf[16] = "";
	uint8_t *p;
	int zone2;

	zone2 = open(HON_ZONE_DEV, O_RDWR);
	ASSERT_LE(0, zone2);
	ASSERT_EQ(0, ioctl(zone2, HON_ZONE_ION_ALLOC, &alloc));
	ASSERT_LE(0, (int)alloc.fd);
	EXPECT_EQ(FD_CLOEXEC, fcntl(alloc.fd, F_GETFD));
	EXPECT_EQ(O_RDWR, fcntl(alloc.fd, F_GETFL) & O_ACCMODE);
	EXPECT_EQ(0, alloc.reserved);

	ASSERT_EQ(0, ioctl(zone2, HON_ZONE_GET_INFO, &info));
	EXPECT_EQ(4 * 4096, info.size);
	EXPECT_EQ(HON_ZONE_STATE_BOUND | HON_ZONE_STATE_ION |
		  HON_ZONE_STATE_KERNEL_ALLOC, info.state);
	EXPECT_EQ(variant->flags, info.ion_flags);
	EXPECT_EQ(4 * 4096, lseek(alloc.fd, 0, SEEK_END));

	p = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, alloc.fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, ioctl(zone2, HON_ZONE_FILL, &fill));
	EXPECT_EQ(0x5c, p[0]);
	EXPECT_EQ(0x5c, p[4095]);
	EXPECT_EQ(0, p[4096]);
	memcpy((char *)p + 3 * 4096, "from user", sizeof("from user"));
	ASSERT_EQ(10, pread(zone2, buf, 10, 3 * 4096));
	EXPECT_STREQ("from user", buf);

	/* the binding goes, the user's fd and mapping stay */
	ASSERT_EQ(0, ioctl(zone2, HON_ZONE_ION_DEINIT));
	EXPECT_EQ(0, close(zone2));
	EXPECT_EQ(0x5c, p[1]);
	EXPECT_EQ(0, munmap(p, 4 * 4096));
	EXPECT_EQ(0, close(alloc.fd));
}

/* FILL and CHECKSUM against our own model of the buffer and our own CRC. */
TEST_F(zone, fill_and_checksum)
{
	static uint8_t model[BUF_SIZE];
	struct hon_zone_checksum_data sum = { 0 };
	struct hon_zone_fill_data fill = { 0 };
	unsigned int i;
	uint32_t crc;

	fill_random(model, BUF_SIZE, 2);
	memcpy(self->map, model, BUF_SIZE);
	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_ION_INIT, &self->buf_fd));

	sum.len = BUF_SIZE;
	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_CHECKSUM, &sum));
	EXPECT_EQ(hz_crc32(0, model, BUF_SIZE), sum.crc);
	EXPECT_EQ(0, sum.reserved);

	srand(3);
	for (i = 0; i < 50; i++) {
		uint64_t off = rand() % BUF_SIZE;
		uint64_t len = rand() % (BUF_SIZE - off + 1);

		fill.offset = off;
		fill.len = len;
		fill.pattern = rand() & 0xff;
		ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_FILL, &fill));
		memset(model + off, fill.pattern, len);

		off = rand() % BUF_SIZE;
		len = rand() % (BUF_SIZE - off + 1);
		sum.offset = off;
		sum.len = len;
		sum.crc = 0;
		ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_CHECKSUM, &sum));
		ASSERT_EQ(hz_crc32(0, model + off, len), sum.crc);
	}
	EXPECT_EQ(0, memcmp(model, self->map, BUF_SIZE));

	/* chained: the CRC of two ranges equals the CRC of their union */
	sum.offset = 0;
	sum.len = 1000;
	sum.crc = 0;
	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_CHECKSUM, &sum));
	sum.offset = 1000;
	sum.len = BUF_SIZE - 1000;
	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_CHECKSUM, &sum));
	crc = hz_crc32(0, model, BUF_SIZE);
	EXPECT_EQ(crc, sum.crc);
	/* the check value of CRC-32 */
	memcpy(self->map, "123456789", 9);
	sum.offset = 0;
	sum.len = 9;
	sum.crc = 0;
	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_CHECKSUM, &sum));
	EXPECT_EQ(0xcbf43926, sum.crc);
}

/* The zone keeps the buffer after user space dropped every reference. */
TEST_F(zone, outlives_user_fds)
{
	struct hon_zone_checksum_data sum = { .len = BUF_SIZE };
	struct hon_zone_info info;
	char buf[8] = "";

	memset(self->map, 0x3e, BUF_SIZE);
	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_ION_INIT, &self->buf_fd));
	ASSERT_EQ(0, munmap(self->map, BUF_SIZE));
	self->map = MAP_FAILED;
	ASSERT_EQ(0, close(self->buf_fd));
	self->buf_fd = -1;
	ASSERT_EQ(0, close(self->ion_fd));
	self->ion_fd = -1;

	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_GET_INFO, &info));
	EXPECT_EQ(BUF_SIZE, info.size);
	EXPECT_EQ(4, pwrite(self->zone_fd, "live", 4, BUF_SIZE - 4));
	EXPECT_EQ(8, pread(self->zone_fd, buf, 8, BUF_SIZE - 8));
	EXPECT_EQ(0, memcmp(buf, "\x3e\x3e\x3e\x3elive", 8));
	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_CHECKSUM, &sum));
	EXPECT_NE(0, sum.crc);
	/* the zone's close drops the last reference (kmemleak would see it) */
}

/* DEINIT, then bind another buffer to the same zone. */
TEST_F(zone, deinit_and_rebind)
{
	struct hon_zone_info info;
	char c = 0;
	int other;

	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_ION_INIT, &self->buf_fd));
	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_ION_DEINIT));
	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_GET_INFO, &info));
	EXPECT_EQ(0, info.size);
	EXPECT_EQ(0, info.state);

	other = hz_ion_alloc_fd(self->ion_fd, 4096, variant->heap_mask, 0);
	ASSERT_LE(0, other);
	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_ION_INIT, &other));
	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_GET_INFO, &info));
	EXPECT_EQ(4096, info.size);
	EXPECT_EQ(1, pwrite(self->zone_fd, "x", 1, 0));
	EXPECT_EQ(0, ((char *)self->map)[0]);
	EXPECT_EQ(0, pread(self->zone_fd, &c, 1, 4096));
	EXPECT_EQ(0, close(other));
}

/*
 * A zone makes its ION client at its first ION bind and keeps it, without
 * a buffer, across DEINIT and the binds after it; closing the zone
 * destroys it.
 */
TEST_F(zone, one_client_across_binds)
{
	int base = hz_count_zone_clients();
	int i;

	if (base < 0)
		SKIP(return, "no %s", ION_CLIENTS);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_ION_INIT, &self->buf_fd));
		EXPECT_EQ(base + 1, hz_count_zone_clients());
		ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_ION_DEINIT));
		EXPECT_EQ(base + 1, hz_count_zone_clients());
	}
	EXPECT_EQ(0, close(self->zone_fd));
	self->zone_fd = -1;
	EXPECT_EQ(base, hz_count_zone_clients());
}

/*
 * Two processes share one buffer over a socket, plus the zone: a child
 * allocates a buffer and binds it to its zone, sends the fd over
 * SCM_RIGHTS; the parent binds it to a second zone.  Each sees the other's kernel-side writes.
 */
TEST_F(zone, cross_process_scm_rights)
{
	int sv[2], status, fd;
	char buf[32] = "";
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int ion = open(ION_DEV, O_RDWR), zone = open(HON_ZONE_DEV, O_RDWR);
		int buf_fd;
		char *p;

		close(sv[0]);
		if (ion < 0 || zone < 0)
			_exit(10);
		buf_fd = hz_ion_alloc_fd(ion, BUF_SIZE, variant->heap_mask,
					 variant->flags);
		if (buf_fd < 0)
			_exit(11);
		p = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
			 buf_fd, 0);
		if (p == MAP_FAILED)
			_exit(12);
		memcpy(p, "from the child", sizeof("from the child"));
		munmap(p, BUF_SIZE);
		if (ioctl(zone, HON_ZONE_ION_INIT, &buf_fd))
			_exit(13);
		if (hz_send_fd(sv[1], buf_fd))
			_exit(14);
		/* nothing of the child but its zone holds the buffer now */
		close(buf_fd);
		close(ion);
		if (read(sv[1], buf, 1) != 1)
			_exit(15);
		if (pread(zone, buf, 16, 4096) != 16)
			_exit(16);
		if (strcmp(buf, "from the parent"))
			_exit(17);
		_exit(0);
	}
	close(sv[1]);
	fd = hz_recv_fd(sv[0]);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_ION_INIT, &fd));
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(15, pread(self->zone_fd, buf, 15, 0));
	EXPECT_STREQ("from the child", buf);
	ASSERT_EQ(16, pwrite(self->zone_fd, "from the parent", 16, 4096));
	ASSERT_EQ(1, write(sv[0], "g", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(sv[0]);
}

/* read/write/lseek: sequential access, the end of the buffer. */
TEST_F(zone, read_write_lseek)
{
	char buf[64];

	memset(self->map, 0, BUF_SIZE);
	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_ION_INIT, &self->buf_fd));
	EXPECT_EQ(BUF_SIZE, lseek(self->zone_fd, 0, SEEK_END));
	EXPECT_EQ(0, read(self->zone_fd, buf, sizeof(buf)));
	EXPECT_EQ(-1, write(self->zone_fd, "x", 1));
	EXPECT_EQ(ENOSPC, errno);
	EXPECT_EQ(BUF_SIZE - 3, lseek(self->zone_fd, -3, SEEK_END));
	EXPECT_EQ(3, write(self->zone_fd, "abcdef", 6));
	EXPECT_EQ(BUF_SIZE, lseek(self->zone_fd, 0, SEEK_CUR));
	EXPECT_EQ(0, memcmp((char *)self->map + BUF_SIZE - 3, "abc", 3));

	EXPECT_EQ(0, lseek(self->zone_fd, 0, SEEK_SET));
	EXPECT_EQ(5, write(self->zone_fd, "hello", 5));
	EXPECT_EQ(5, write(self->zone_fd, "world", 5));
	EXPECT_EQ(0, lseek(self->zone_fd, 0, SEEK_SET));
	EXPECT_EQ(5, read(self->zone_fd, buf, 5));
	EXPECT_EQ(5, read(self->zone_fd, buf + 5, 5));
	EXPECT_EQ(0, memcmp(buf, "helloworld", 10));
	EXPECT_EQ(0, memcmp(self->map, "helloworld", 10));
	/* past the end: reads return 0 */
	EXPECT_EQ(0, pread(self->zone_fd, buf, 8, BUF_SIZE + 100));
	EXPECT_EQ(4, pread(self->zone_fd, buf, 8, BUF_SIZE - 4));
}

/* ---------------------------------------------------------------------
 * Dma-bufs of other exporters
 */

FIXTURE(foreign) {
	int zone_fd;
};

FIXTURE_SETUP(foreign)
{
	self->zone_fd = open(HON_ZONE_DEV, O_RDWR | O_CLOEXEC);
	if (self->zone_fd < 0 && errno == ENOENT)
		SKIP(return, "no %s", HON_ZONE_DEV);
	ASSERT_LE(0, self->zone_fd);
}

FIXTURE_TEARDOWN(foreign)
{
	if (self->zone_fd >= 0)
		close(self->zone_fd);
}

static void check_foreign(struct __test_metadata *_metadata, int zone_fd,
			  int buf_fd, uint8_t *p, size_t size)
{
	struct hon_zone_checksum_data sum = { .len = size };
	struct hon_zone_fill_data fill = { .offset = 10, .len = 20, .pattern = 0x99 };
	struct hon_zone_bind_data bind = {
		.fd = buf_fd, .flags = HON_ZONE_BIND_ION_ONLY,
	};
	struct hon_zone_info info;
	char buf[16] = "";

	fill_random(p, size, 4);
	/* no ION buffer: HON_ZONE_BIND_ION_ONLY refuses it and binds nothing */
	errno = 0;
	EXPECT_EQ(-1, ioctl(zone_fd, HON_ZONE_BIND, &bind));
	EXPECT_EQ(EXDEV, errno);
	ASSERT_EQ(0, ioctl(zone_fd, HON_ZONE_GET_INFO, &info));
	EXPECT_EQ(0, info.state);
	ASSERT_EQ(0, ioctl(zone_fd, HON_ZONE_ION_INIT, &buf_fd));
	ASSERT_EQ(0, ioctl(zone_fd, HON_ZONE_GET_INFO, &info));
	EXPECT_EQ(size, info.size);
	EXPECT_EQ(HON_ZONE_STATE_BOUND, info.state);
	EXPECT_EQ(0, info.heap_id);
	EXPECT_EQ(0, info.ion_flags);
	ASSERT_EQ(0, ioctl(zone_fd, HON_ZONE_CHECKSUM, &sum));
	EXPECT_EQ(hz_crc32(0, p, size), sum.crc);
	ASSERT_EQ(0, ioctl(zone_fd, HON_ZONE_FILL, &fill));
	EXPECT_EQ(0x99, p[10]);
	EXPECT_EQ(0x99, p[29]);
	memcpy((char *)p + 100, "user", sizeof("user"));
	ASSERT_EQ(5, pread(zone_fd, buf, 5, 100));
	EXPECT_STREQ("user", buf);
	ASSERT_EQ(7, pwrite(zone_fd, "kernel", 7, 200));
	EXPECT_STREQ("kernel", (char *)p + 200);
	ASSERT_EQ(0, ioctl(zone_fd, HON_ZONE_ION_DEINIT));
}

TEST_F(foreign, dma_heap_system)
{
	struct dma_heap_allocation_data data = {
		.len = BUF_SIZE,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};
	int heap;
	void *p;

	heap = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);
	if (heap < 0)
		SKIP(return, "no DMA-BUF system heap");
	ASSERT_EQ(0, ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &data));
	close(heap);
	p = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, data.fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	check_foreign(_metadata, self->zone_fd, data.fd, p, BUF_SIZE);
	munmap(p, BUF_SIZE);
	close(data.fd);
}

TEST_F(foreign, udmabuf)
{
	struct udmabuf_create create = { .offset = 0, .size = BUF_SIZE };
	int dev, memfd, buf_fd;
	void *p;

	dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	if (dev < 0)
		SKIP(return, "no /dev/udmabuf");
	memfd = memfd_create("hon_zone", MFD_ALLOW_SEALING);
	ASSERT_LE(0, memfd);
	ASSERT_EQ(0, ftruncate(memfd, BUF_SIZE));
	ASSERT_EQ(0, fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK));
	create.memfd = memfd;
	buf_fd = ioctl(dev, UDMABUF_CREATE, &create);
	ASSERT_LE(0, buf_fd);
	close(dev);
	/* the memfd's own mapping sees the same pages */
	p = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	ASSERT_NE(MAP_FAILED, p);
	check_foreign(_metadata, self->zone_fd, buf_fd, p, BUF_SIZE);
	munmap(p, BUF_SIZE);
	close(buf_fd);
	close(memfd);
}

/* ---------------------------------------------------------------------
 * The ABI and its errors, one per test
 */

FIXTURE(abi) {
	int ion_fd;
	int zone_fd;
	int buf_fd;
	long long max_size;
};

FIXTURE_SETUP(abi)
{
	self->buf_fd = -1;
	self->max_size = -1;
	self->ion_fd = -1;
	self->zone_fd = open(HON_ZONE_DEV, O_RDWR | O_CLOEXEC);
	if (self->zone_fd < 0 && errno == ENOENT)
		SKIP(return, "no %s", HON_ZONE_DEV);
	ASSERT_LE(0, self->zone_fd);
	self->ion_fd = open(ION_DEV, O_RDWR | O_CLOEXEC);
	if (self->ion_fd < 0 && errno == ENOENT)
		SKIP(return, "no %s", ION_DEV);
	ASSERT_LE(0, self->ion_fd);
	self->buf_fd = hz_ion_alloc_fd(self->ion_fd, 2 * 4096,
				       ION_HEAP_SYSTEM_MASK, 0);
	ASSERT_LE(0, self->buf_fd);
}

FIXTURE_TEARDOWN(abi)
{
	if (self->max_size >= 0)
		hz_set_max_size(self->max_size);
	if (self->buf_fd >= 0)
		close(self->buf_fd);
	if (self->ion_fd >= 0)
		close(self->ion_fd);
	if (self->zone_fd >= 0)
		close(self->zone_fd);
}

#define EXPECT_ERRNO(expected, cmd)		\
	do {					\
		errno = 0;			\
		EXPECT_EQ(-1, cmd);		\
		EXPECT_EQ(expected, errno);	\
	} while (0)

static int zone_init(int zone_fd, int buf_fd)
{
	return ioctl(zone_fd, HON_ZONE_ION_INIT, &buf_fd);
}

TEST_F(abi, struct_sizes)
{
	EXPECT_EQ(4, _IOC_SIZE(HON_ZONE_ION_INIT));
	EXPECT_EQ(32, sizeof(struct hon_zone_info));
	EXPECT_EQ(32, _IOC_SIZE(HON_ZONE_GET_INFO));
	EXPECT_EQ(24, sizeof(struct hon_zone_alloc_data));
	EXPECT_EQ(24, _IOC_SIZE(HON_ZONE_ION_ALLOC));
	EXPECT_EQ(24, sizeof(struct hon_zone_fill_data));
	EXPECT_EQ(24, _IOC_SIZE(HON_ZONE_FILL));
	EXPECT_EQ(24, sizeof(struct hon_zone_checksum_data));
	EXPECT_EQ(24, _IOC_SIZE(HON_ZONE_CHECKSUM));
	EXPECT_EQ(16, sizeof(struct hon_zone_bind_data));
	EXPECT_EQ(16, _IOC_SIZE(HON_ZONE_BIND));
}

/*
 * A structure of @size bytes at @arg for the extensible ioctl @cmd: the
 * same number and direction, another size.
 */
static int zone_ioctl_size(int zone_fd, unsigned long cmd, size_t size,
			   void *arg)
{
	unsigned long sized = (cmd & ~((unsigned long)_IOC_SIZEMASK << _IOC_SIZESHIFT)) |
			      ((unsigned long)size << _IOC_SIZESHIFT);

	return ioctl(zone_fd, sized, arg);
}

/* A newer program's structure: today's structure and more. */
struct fill_next {
	struct hon_zone_fill_data data;
	__u64 extra;
};

/*
 * Succeeds if a larger FILL structure whose extra bytes are 0 fills, and
 * one with a non-zero extra byte is E2BIG and fills nothing.
 */
TEST_F(abi, larger_struct_zero_tail_accepted)
{
	struct fill_next big = { { .len = 16, .pattern = 0x3c }, 0 };
	struct hon_zone_checksum_data sum = { .len = 16 };
	uint8_t expect[16];

	ASSERT_EQ(0, zone_init(self->zone_fd, self->buf_fd));
	EXPECT_EQ(0, zone_ioctl_size(self->zone_fd, HON_ZONE_FILL,
				     sizeof(big), &big));
	memset(expect, 0x3c, sizeof(expect));
	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_CHECKSUM, &sum));
	EXPECT_EQ(hz_crc32(0, expect, sizeof(expect)), sum.crc);
}

TEST_F(abi, larger_struct_nonzero_tail_e2big)
{
	struct fill_next big = { { .len = 16, .pattern = 0x3c }, 1ULL << 63 };
	struct hon_zone_checksum_data sum = { .len = 16 };
	uint8_t expect[16] = { 0 };

	ASSERT_EQ(0, zone_init(self->zone_fd, self->buf_fd));
	EXPECT_ERRNO(E2BIG, zone_ioctl_size(self->zone_fd, HON_ZONE_FILL,
					    sizeof(big), &big));
	/* one byte past the structure is enough */
	big.extra = 0;
	((uint8_t *)&big)[sizeof(big.data)] = 1;
	EXPECT_ERRNO(E2BIG, zone_ioctl_size(self->zone_fd, HON_ZONE_FILL,
					    sizeof(big.data) + 1, &big));
	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_CHECKSUM, &sum));
	EXPECT_EQ(hz_crc32(0, expect, sizeof(expect)), sum.crc);
}

/*
 * Succeeds if an older FILL structure without its reserved field fills,
 * and one shorter than its last field is EINVAL.
 */
TEST_F(abi, smaller_struct_accepted)
{
	struct hon_zone_fill_data fill = { .len = 8, .pattern = 0x7e };
	struct hon_zone_checksum_data sum = { .len = 8 };
	uint8_t expect[8];

	ASSERT_EQ(0, zone_init(self->zone_fd, self->buf_fd));
	/* offset, len, pattern: the reserved field is left out */
	EXPECT_EQ(0, zone_ioctl_size(self->zone_fd, HON_ZONE_FILL, 20, &fill));
	memset(expect, 0x7e, sizeof(expect));
	/* CHECKSUM without its reserved field writes back only 20 bytes */
	sum.reserved = 0xdeadbeef;
	ASSERT_EQ(0, zone_ioctl_size(self->zone_fd, HON_ZONE_CHECKSUM, 20, &sum));
	EXPECT_EQ(hz_crc32(0, expect, sizeof(expect)), sum.crc);
	EXPECT_EQ(0xdeadbeef, sum.reserved);
}

TEST_F(abi, too_small_struct_einval)
{
	struct hon_zone_fill_data fill = { .len = 8, .pattern = 0x7e };
	struct hon_zone_checksum_data sum = { .len = 8 };
	struct hon_zone_info info;
	struct hon_zone_bind_data bind = { .fd = self->buf_fd };
	struct hon_zone_alloc_data alloc = {
		.len = 4096, .heap_id_mask = ION_HEAP_SYSTEM_MASK,
	};

	EXPECT_ERRNO(EINVAL, zone_ioctl_size(self->zone_fd, HON_ZONE_BIND, 4,
					     &bind));
	EXPECT_ERRNO(EINVAL, zone_ioctl_size(self->zone_fd, HON_ZONE_ION_ALLOC,
					     16, &alloc));
	EXPECT_ERRNO(EINVAL, zone_ioctl_size(self->zone_fd, HON_ZONE_GET_INFO,
					     16, &info));
	ASSERT_EQ(0, zone_init(self->zone_fd, self->buf_fd));
	EXPECT_ERRNO(EINVAL, zone_ioctl_size(self->zone_fd, HON_ZONE_FILL, 16,
					     &fill));
	EXPECT_ERRNO(EINVAL, zone_ioctl_size(self->zone_fd, HON_ZONE_CHECKSUM,
					     16, &sum));
	EXPECT_ERRNO(EINVAL, zone_ioctl_size(self->zone_fd, HON_ZONE_FILL, 0,
					     &fill));
}

/*
 * Succeeds if a larger GET_INFO structure gets today's fields and zeros in
 * the rest, and a larger CHECKSUM one gets zeros in the rest too.
 */
TEST_F(abi, larger_struct_output_zeroed)
{
	struct {
		struct hon_zone_info info;
		__u64 extra[2];
	} big;
	struct {
		struct hon_zone_checksum_data sum;
		__u64 extra;
	} bigsum = { { .len = 4096 }, 0 };

	ASSERT_EQ(0, zone_init(self->zone_fd, self->buf_fd));
	memset(&big, 0xff, sizeof(big));
	ASSERT_EQ(0, zone_ioctl_size(self->zone_fd, HON_ZONE_GET_INFO,
				     sizeof(big), &big));
	EXPECT_EQ(2 * 4096, big.info.size);
	EXPECT_EQ(HON_ZONE_STATE_BOUND | HON_ZONE_STATE_ION, big.info.state);
	EXPECT_EQ(0, big.info.reserved);
	EXPECT_EQ(0, big.extra[0]);
	EXPECT_EQ(0, big.extra[1]);
	ASSERT_EQ(0, zone_ioctl_size(self->zone_fd, HON_ZONE_CHECKSUM,
				     sizeof(bigsum), &bigsum));
	EXPECT_NE(0, bigsum.sum.crc);
	EXPECT_EQ(0, bigsum.extra);
}

/* Succeeds if another direction on an extensible number is ENOTTY. */
TEST_F(abi, wrong_direction_enotty)
{
	struct hon_zone_fill_data fill = { .len = 1 };

	EXPECT_ERRNO(ENOTTY, ioctl(self->zone_fd,
				   _IOWR(HON_ZONE_IOC_MAGIC, 0x04,
					 struct hon_zone_fill_data), &fill));
	EXPECT_ERRNO(ENOTTY, ioctl(self->zone_fd, _IO(HON_ZONE_IOC_MAGIC, 0x02)));
	/* and the fixed ABI takes exactly its own size */
	EXPECT_ERRNO(ENOTTY, ioctl(self->zone_fd,
				   _IOW(HON_ZONE_IOC_MAGIC, 0x00, __u64), &fill));
}

/* --- HON_ZONE_BIND --------------------------------------------------- */

/* Succeeds if BIND binds an ION buffer as HON_ZONE_ION_INIT does. */
TEST_F(abi, bind_ion)
{
	struct hon_zone_bind_data bind = { .fd = self->buf_fd };
	struct hon_zone_info info;

	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_BIND, &bind));
	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_GET_INFO, &info));
	EXPECT_EQ(2 * 4096, info.size);
	EXPECT_EQ(HON_ZONE_STATE_BOUND | HON_ZONE_STATE_ION, info.state);
	EXPECT_ERRNO(EBUSY, ioctl(self->zone_fd, HON_ZONE_BIND, &bind));
	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_ION_DEINIT));
	bind.flags = HON_ZONE_BIND_ION_ONLY;
	EXPECT_EQ(0, ioctl(self->zone_fd, HON_ZONE_BIND, &bind));
}

/* Succeeds if the oldest BIND structure (fd and flags) binds. */
TEST_F(abi, bind_smaller_struct)
{
	struct hon_zone_bind_data bind = { .fd = self->buf_fd };
	struct hon_zone_info info;

	ASSERT_EQ(0, zone_ioctl_size(self->zone_fd, HON_ZONE_BIND, 8, &bind));
	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_GET_INFO, &info));
	EXPECT_EQ(HON_ZONE_STATE_BOUND | HON_ZONE_STATE_ION, info.state);
}

TEST_F(abi, bind_larger_struct)
{
	struct {
		struct hon_zone_bind_data bind;
		__u64 extra;
	} big = { { .fd = self->buf_fd }, 0 };

	big.extra = 1;
	EXPECT_ERRNO(E2BIG, zone_ioctl_size(self->zone_fd, HON_ZONE_BIND,
					    sizeof(big), &big));
	big.extra = 0;
	EXPECT_EQ(0, zone_ioctl_size(self->zone_fd, HON_ZONE_BIND,
				     sizeof(big), &big));
}

TEST_F(abi, bind_unknown_flag_einval)
{
	struct hon_zone_bind_data bind = { .fd = self->buf_fd, .flags = 1U << 1 };
	struct hon_zone_info info;

	EXPECT_ERRNO(EINVAL, ioctl(self->zone_fd, HON_ZONE_BIND, &bind));
	bind.flags = 1U << 31;
	EXPECT_ERRNO(EINVAL, ioctl(self->zone_fd, HON_ZONE_BIND, &bind));
	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_GET_INFO, &info));
	EXPECT_EQ(0, info.state);
}

TEST_F(abi, bind_reserved_einval)
{
	struct hon_zone_bind_data bind = { .fd = self->buf_fd, .reserved = 1 };
	struct hon_zone_info info;

	EXPECT_ERRNO(EINVAL, ioctl(self->zone_fd, HON_ZONE_BIND, &bind));
	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_GET_INFO, &info));
	EXPECT_EQ(0, info.state);
}

TEST_F(abi, bind_ebadf)
{
	struct hon_zone_bind_data bind = { .fd = -1 };
	int fd = dup(self->buf_fd);

	EXPECT_ERRNO(EBADF, ioctl(self->zone_fd, HON_ZONE_BIND, &bind));
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, close(fd));
	bind.fd = fd;
	EXPECT_ERRNO(EBADF, ioctl(self->zone_fd, HON_ZONE_BIND, &bind));
}

TEST_F(abi, bind_not_dmabuf_einval)
{
	struct hon_zone_bind_data bind = { .fd = self->ion_fd };

	EXPECT_ERRNO(EINVAL, ioctl(self->zone_fd, HON_ZONE_BIND, &bind));
}

TEST_F(abi, bind_efault)
{
	EXPECT_ERRNO(EFAULT, ioctl(self->zone_fd, HON_ZONE_BIND, NULL));
}

TEST_F(abi, bind_readonly_view_eacces)
{
	struct ion_share_ro_data ro = { .fd = self->buf_fd, .ro_fd = -1 };
	struct hon_zone_bind_data bind = { 0 };

	ASSERT_EQ(0, ioctl(self->ion_fd, ION_IOC_SHARE_RO, &ro));
	bind.fd = ro.ro_fd;
	EXPECT_ERRNO(EACCES, ioctl(self->zone_fd, HON_ZONE_BIND, &bind));
	close(ro.ro_fd);
}

TEST_F(abi, unknown_ioctl_enotty)
{
	EXPECT_ERRNO(ENOTTY, ioctl(self->zone_fd, _IO(HON_ZONE_IOC_MAGIC, 0x7f)));
}

TEST_F(abi, init_efault)
{
	EXPECT_ERRNO(EFAULT, ioctl(self->zone_fd, HON_ZONE_ION_INIT, NULL));
}

TEST_F(abi, init_ebadf)
{
	int fd = dup(self->buf_fd);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, close(fd));
	EXPECT_ERRNO(EBADF, ioctl(self->zone_fd, HON_ZONE_ION_INIT, &fd));
}

TEST_F(abi, init_negative_fd_ebadf)
{
	int fd = -1;

	EXPECT_ERRNO(EBADF, ioctl(self->zone_fd, HON_ZONE_ION_INIT, &fd));
}

TEST_F(abi, init_not_dmabuf_einval)
{
	int p[2];

	ASSERT_EQ(0, pipe(p));
	EXPECT_ERRNO(EINVAL, ioctl(self->zone_fd, HON_ZONE_ION_INIT, &p[0]));
	close(p[0]);
	close(p[1]);
}

TEST_F(abi, init_ion_fd_einval)
{
	/* /dev/ion itself is not a dma-buf */
	EXPECT_ERRNO(EINVAL, ioctl(self->zone_fd, HON_ZONE_ION_INIT,
				   &self->ion_fd));
}

TEST_F(abi, init_zone_fd_einval)
{
	EXPECT_ERRNO(EINVAL, ioctl(self->zone_fd, HON_ZONE_ION_INIT,
				   &self->zone_fd));
}

/* A read-only view of an ION buffer (ION_IOC_SHARE_RO): the zone writes. */
TEST_F(abi, init_readonly_view_eacces)
{
	struct ion_share_ro_data ro = { .fd = self->buf_fd, .ro_fd = -1 };
	struct hon_zone_info info;

	ASSERT_EQ(0, ioctl(self->ion_fd, ION_IOC_SHARE_RO, &ro));
	EXPECT_ERRNO(EACCES, zone_init(self->zone_fd, ro.ro_fd));
	/* nothing stays bound: the read-write fd binds */
	EXPECT_EQ(0, zone_init(self->zone_fd, self->buf_fd));
	EXPECT_EQ(0, ioctl(self->zone_fd, HON_ZONE_GET_INFO, &info));
	close(ro.ro_fd);
}

TEST_F(abi, init_twice_ebusy)
{
	ASSERT_EQ(0, zone_init(self->zone_fd, self->buf_fd));
	EXPECT_ERRNO(EBUSY, zone_init(self->zone_fd, self->buf_fd));
}

TEST_F(abi, init_efbig)
{
	struct hon_zone_info info;

	self->max_size = hz_get_max_size();
	if (self->max_size < 0)
		SKIP(return, "no %s", HON_ZONE_PARAM);
	ASSERT_EQ(0, hz_set_max_size(4096));
	EXPECT_ERRNO(EFBIG, zone_init(self->zone_fd, self->buf_fd));
	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_GET_INFO, &info));
	EXPECT_EQ(0, info.state);
	ASSERT_EQ(0, hz_set_max_size(2 * 4096));
	EXPECT_EQ(0, zone_init(self->zone_fd, self->buf_fd));
}

TEST_F(abi, alloc_efbig)
{
	struct hon_zone_alloc_data alloc = {
		.len = 4096 + 1, .heap_id_mask = ION_HEAP_SYSTEM_MASK,
	};

	self->max_size = hz_get_max_size();
	if (self->max_size < 0)
		SKIP(return, "no %s", HON_ZONE_PARAM);
	ASSERT_EQ(0, hz_set_max_size(4096));
	EXPECT_ERRNO(EFBIG, ioctl(self->zone_fd, HON_ZONE_ION_ALLOC, &alloc));
}

TEST_F(abi, alloc_huge_efbig)
{
	struct hon_zone_alloc_data alloc = {
		.len = ~0ULL, .heap_id_mask = ION_HEAP_SYSTEM_MASK,
	};

	EXPECT_ERRNO(EFBIG, ioctl(self->zone_fd, HON_ZONE_ION_ALLOC, &alloc));
}

TEST_F(abi, alloc_reserved_einval)
{
	struct hon_zone_alloc_data alloc = {
		.len = 4096, .heap_id_mask = ION_HEAP_SYSTEM_MASK, .reserved = 1,
	};

	EXPECT_ERRNO(EINVAL, ioctl(self->zone_fd, HON_ZONE_ION_ALLOC, &alloc));
}

TEST_F(abi, alloc_zero_len_einval)
{
	struct hon_zone_alloc_data alloc = {
		.len = 0, .heap_id_mask = ION_HEAP_SYSTEM_MASK,
	};

	EXPECT_ERRNO(EINVAL, ioctl(self->zone_fd, HON_ZONE_ION_ALLOC, &alloc));
}

TEST_F(abi, alloc_no_heap_enodev)
{
	struct hon_zone_alloc_data alloc = { .len = 4096, .heap_id_mask = 0 };

	EXPECT_ERRNO(ENODEV, ioctl(self->zone_fd, HON_ZONE_ION_ALLOC, &alloc));
}

TEST_F(abi, alloc_bound_ebusy)
{
	struct hon_zone_alloc_data alloc = {
		.len = 4096, .heap_id_mask = ION_HEAP_SYSTEM_MASK,
	};

	ASSERT_EQ(0, zone_init(self->zone_fd, self->buf_fd));
	EXPECT_ERRNO(EBUSY, ioctl(self->zone_fd, HON_ZONE_ION_ALLOC, &alloc));
}

TEST_F(abi, alloc_efault)
{
	EXPECT_ERRNO(EFAULT, ioctl(self->zone_fd, HON_ZONE_ION_ALLOC, NULL));
}

/* The result cannot be written back: nothing is bound, no fd is left. */
TEST_F(abi, alloc_copy_out_efault)
{
	struct hon_zone_alloc_data *alloc;
	struct hon_zone_info info;
	int next_fd;

	alloc = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, alloc);
	alloc->len = 4096;
	alloc->heap_id_mask = ION_HEAP_SYSTEM_MASK;
	ASSERT_EQ(0, mprotect(alloc, 4096, PROT_READ));
	next_fd = dup(0);
	ASSERT_LE(0, next_fd);
	close(next_fd);

	EXPECT_ERRNO(EFAULT, ioctl(self->zone_fd, HON_ZONE_ION_ALLOC, alloc));
	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_GET_INFO, &info));
	EXPECT_EQ(0, info.state);
	EXPECT_EQ(next_fd, dup(0));
	close(next_fd);
	munmap(alloc, 4096);
}

/* No free fd: EMFILE before anything is allocated. */
TEST_F(abi, alloc_emfile)
{
	struct hon_zone_alloc_data alloc = {
		.len = 4096, .heap_id_mask = ION_HEAP_SYSTEM_MASK,
	};
	struct hon_zone_info info;
	struct rlimit rl;
	int fd;

	/* each test runs in its own process: the limit goes with it */
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &rl));
	fd = dup(0);
	ASSERT_LE(0, fd);
	close(fd);
	rl.rlim_cur = fd;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	EXPECT_ERRNO(EMFILE, ioctl(self->zone_fd, HON_ZONE_ION_ALLOC, &alloc));
	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_GET_INFO, &info));
	EXPECT_EQ(0, info.state);
}

TEST_F(abi, deinit_unbound_enxio)
{
	EXPECT_ERRNO(ENXIO, ioctl(self->zone_fd, HON_ZONE_ION_DEINIT));
}

TEST_F(abi, get_info_efault)
{
	EXPECT_ERRNO(EFAULT, ioctl(self->zone_fd, HON_ZONE_GET_INFO, NULL));
}

TEST_F(abi, get_info_unbound)
{
	struct hon_zone_info info;

	memset(&info, 0xff, sizeof(info));
	ASSERT_EQ(0, ioctl(self->zone_fd, HON_ZONE_GET_INFO, &info));
	EXPECT_EQ(0, info.size);
	EXPECT_EQ(0, info.state);
	EXPECT_EQ(0, info.heap_id);
	EXPECT_EQ(0, info.ion_flags);
	EXPECT_EQ(0, info.reserved);
}

TEST_F(abi, fill_unbound_enxio)
{
	struct hon_zone_fill_data fill = { .len = 1 };

	EXPECT_ERRNO(ENXIO, ioctl(self->zone_fd, HON_ZONE_FILL, &fill));
}

TEST_F(abi, fill_reserved_einval)
{
	struct hon_zone_fill_data fill = { .len = 1, .reserved = 1 };

	ASSERT_EQ(0, zone_init(self->zone_fd, self->buf_fd));
	EXPECT_ERRNO(EINVAL, ioctl(self->zone_fd, HON_ZONE_FILL, &fill));
}

TEST_F(abi, fill_pattern_einval)
{
	struct hon_zone_fill_data fill = { .len = 1, .pattern = 0x100 };

	ASSERT_EQ(0, zone_init(self->zone_fd, self->buf_fd));
	EXPECT_ERRNO(EINVAL, ioctl(self->zone_fd, HON_ZONE_FILL, &fill));
}

TEST_F(abi, fill_past_end_einval)
{
	struct hon_zone_fill_data fill = { .offset = 4096, .len = 4097 };

	ASSERT_EQ(0, zone_init(self->zone_fd, self->buf_fd));
	EXPECT_ERRNO(EINVAL, ioctl(self->zone_fd, HON_ZONE_FILL, &fill));
}

TEST_F(abi, fill_overflow_einval)
{
	struct hon_zone_fill_data fill = { .offset = 16, .len = ~0ULL - 8 };

	ASSERT_EQ(0, zone_init(self->zone_fd, self->buf_fd));
	EXPECT_ERRNO(EINVAL, ioctl(self->zone_fd, HON_ZONE_FILL, &fill));
}

TEST_F(abi, fill_efault)
{
	ASSERT_EQ(0, zone_init(self->zone_fd, self->buf_fd));
	EXPECT_ERRNO(EFAULT, ioctl(self->zone_fd, HON_ZONE_FILL, NULL));
}

TEST_F(abi, checksum_unbound_enxio)
{
	struct hon_zone_checksum_data sum = { .len = 1 };

	EXPECT_ERRNO(ENXIO, ioctl(self->zone_fd, HON_ZONE_CHECKSUM, &sum));
}

TEST_F(abi, checksum_reserved_einval)
{
	struct hon_zone_checksum_data sum = { .len = 1, .reserved = 1 };

	ASSERT_EQ(0, zone_init(self->zone_fd, self->buf_fd));
	EXPECT_ERRNO(EINVAL, ioctl(self->zone_fd, HON_ZONE_CHECKSUM, &sum));
}

TEST_F(abi, checksum_past_end_einval)
{
	struct hon_zone_checksum_data sum = { .offset = 2 * 4096 + 1 };

	ASSERT_EQ(0, zone_init(self->zone_fd, self->buf_fd));
	EXPECT_ERRNO(EINVAL, ioctl(self->zone_fd, HON_ZONE_CHECKSUM, &sum));
}

TEST_F(abi, checksum_efault)
{
	ASSERT_EQ(0, zone_init(self->zone_fd, self->buf_fd));
	EXPECT_ERRNO(EFAULT, ioctl(self->zone_fd, HON_ZONE_CHECKSUM, NULL));
}

TEST_F(abi, read_unbound_enxio)
{
	char c;

	EXPECT_ERRNO(ENXIO, read(self->zone_fd, &c, 1));
}

TEST_F(abi, write_unbound_enxio)
{
	EXPECT_ERRNO(ENXIO, write(self->zone_fd, "x", 1));
}

TEST_F(abi, write_past_end_enospc)
{
	ASSERT_EQ(0, zone_init(self->zone_fd, self->buf_fd));
	EXPECT_ERRNO(ENOSPC, pwrite(self->zone_fd, "x", 1, 2 * 4096));
}

TEST_F(abi, read_efault)
{
	void *bad = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);

	ASSERT_NE(MAP_FAILED, bad);
	ASSERT_EQ(0, zone_init(self->zone_fd, self->buf_fd));
	EXPECT_ERRNO(EFAULT, pread(self->zone_fd, bad, 16, 0));
	munmap(bad, 4096);
}

TEST_F(abi, write_efault)
{
	void *bad = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);

	ASSERT_NE(MAP_FAILED, bad);
	ASSERT_EQ(0, zone_init(self->zone_fd, self->buf_fd));
	EXPECT_ERRNO(EFAULT, pwrite(self->zone_fd, bad, 16, 0));
	munmap(bad, 4096);
}

/*
 * Last (the harness runs fixtures in the order they are declared, the
 * fixture-less TEST()s first): every zone of the tests above is closed, so
 * no zone may still hold an ION client, a buffer or a mapping.
 */
FIXTURE(leaks) {
};

FIXTURE_SETUP(leaks)
{
}

FIXTURE_TEARDOWN(leaks)
{
}

TEST_F(leaks, no_zone_client_left)
{
	int n = hz_count_zone_clients();

	if (n < 0)
		SKIP(return, "no %s", ION_CLIENTS);
	EXPECT_EQ(0, n);
}

TEST_HARNESS_MAIN
