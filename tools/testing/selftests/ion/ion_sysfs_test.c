// SPDX-License-Identifier: GPL-2.0
/*
 * What Android's memory tools read about ION buffers: the totals in
 * /sys/kernel/ion (libmeminfo), the per-heap directories, ION's pools in
 * /sys/kernel/dma_heap/total_pools_kb, and the exp_name and name of a
 * buffer in /proc/PID/fdinfo (libdmabufinfo counts a buffer as heap memory
 * when its exp_name is a node of /dev/dma_heap).
 */
#define _GNU_SOURCE
#include <sys/ioctl.h>

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>

#include "ion_test_util.h"
#include "ion_stats_util.h"
#include "../kselftest_harness.h"

#define SYSFS_LEN	(256 * 1024)
#define HEAP_DIR	ION_SYSFS "/heaps/" ION_SYSTEM_HEAP_NAME

FIXTURE(sysfs) {
	int ion;
};

FIXTURE_SETUP(sysfs)
{
	self->ion = open(ION_DEV, O_RDWR | O_CLOEXEC);
	if (self->ion < 0)
		SKIP(return, "%s: %s", ION_DEV, strerror(errno));
	ASSERT_EQ(0, access(ION_SYSFS "/total_heaps_kb", R_OK));
}

FIXTURE_TEARDOWN(sysfs)
{
	if (self->ion >= 0)
		close(self->ion);
}

/* The files Android's libmeminfo reads: one decimal number and a newline. */
TEST_F(sysfs, format)
{
	static const char * const files[] = {
		ION_SYSFS "/total_heaps_kb", ION_SYSFS "/total_pools_kb",
		"/sys/kernel/dma_heap/total_pools_kb", HEAP_DIR "/buffers",
		HEAP_DIR "/total_kb", HEAP_DIR "/pool_kb",
	};
	unsigned int i;
	char buf[64];

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		size_t n;

		ASSERT_EQ(0, ion_read_file(files[i], buf, sizeof(buf))) TH_LOG("%s", files[i]);
		n = strspn(buf, "0123456789");
		EXPECT_LT(0, n) TH_LOG("%s: '%s'", files[i], buf);
		EXPECT_STREQ("\n", buf + n) TH_LOG("%s: '%s'", files[i], buf);
	}
	/* read-only, also for root */
	EXPECT_EQ(-EACCES, ion_write_file(ION_SYSFS "/total_heaps_kb", "0"));
}

/* A buffer counts in the totals while it lives, in KiB. */
TEST_F(sysfs, totals_follow_buffers)
{
	long long heaps, heap_kb, buffers;
	int fd;

	heaps = ion_read_number(ION_SYSFS "/total_heaps_kb");
	heap_kb = ion_read_number(HEAP_DIR "/total_kb");
	buffers = ion_read_number(HEAP_DIR "/buffers");
	ASSERT_LE(0, heaps);
	ASSERT_LE(heap_kb, heaps);

	ASSERT_EQ(0, ion_new_alloc(self->ion, SYSFS_LEN, ION_HEAP_SYSTEM_MASK, 0, &fd));
	EXPECT_EQ(heaps + SYSFS_LEN / 1024, ion_read_number(ION_SYSFS "/total_heaps_kb"));
	EXPECT_EQ(heap_kb + SYSFS_LEN / 1024, ion_read_number(HEAP_DIR "/total_kb"));
	EXPECT_EQ(buffers + 1, ion_read_number(HEAP_DIR "/buffers"));
	close(fd);
	EXPECT_EQ(heaps, ion_read_number(ION_SYSFS "/total_heaps_kb"));
	EXPECT_EQ(heap_kb, ion_read_number(HEAP_DIR "/total_kb"));
	EXPECT_EQ(buffers, ion_read_number(HEAP_DIR "/buffers"));
}

/*
 * The pools: the sum of the heaps', the same in /sys/kernel/dma_heap, and
 * a buffer freed uncharged (mem_accounting off) lands in them.
 */
TEST_F(sysfs, pools)
{
	long long pools, after;
	int fd, accounting;

	accounting = ion_mem_accounting();
	ASSERT_LE(0, accounting);
	ASSERT_EQ(0, ion_set_mem_accounting(0));
	ASSERT_EQ(0, ion_drop_pools());
	ASSERT_EQ(0, ion_new_alloc(self->ion, SYSFS_LEN, ION_HEAP_SYSTEM_MASK, 0, &fd));
	pools = ion_read_number(ION_SYSFS "/total_pools_kb");
	close(fd);
	after = ion_read_number(ION_SYSFS "/total_pools_kb");
	ASSERT_EQ(0, ion_set_mem_accounting(accounting));
	EXPECT_LE(pools + SYSFS_LEN / 1024, after);
	/* the system heap is the only heap with pools */
	EXPECT_EQ(after, ion_read_number(HEAP_DIR "/pool_kb"));
	EXPECT_EQ(after, ion_read_number("/sys/kernel/dma_heap/total_pools_kb"));
}

/* exp_name is the heap's /dev/dma_heap node, for every way to allocate. */
TEST_F(sysfs, exp_name)
{
	const char *want = "ion-" ION_SYSTEM_HEAP_NAME;
	struct dma_heap_allocation_data heap_data = {
		.len = SYSFS_LEN, .fd_flags = O_RDWR | O_CLOEXEC,
	};
	ion_user_handle_t handle;
	char val[64];
	int fd, heap;

	if (access(ION_SYSTEM_DMA_HEAP, F_OK))
		want = "ion";

	ASSERT_EQ(0, ion_new_alloc(self->ion, SYSFS_LEN, ION_HEAP_SYSTEM_MASK, 0, &fd));
	ASSERT_EQ(0, ion_fdinfo_str(fd, "exp_name", val, sizeof(val)));
	EXPECT_STREQ(want, val);
	close(fd);

	if (ion_legacy_abi() == 1) {
		ASSERT_EQ(0, ion_legacy_alloc(self->ion, SYSFS_LEN, 0, ION_HEAP_SYSTEM_MASK,
					      0, &handle));
		ASSERT_EQ(0, ion_legacy_share(self->ion, handle, &fd));
		ASSERT_EQ(0, ion_fdinfo_str(fd, "exp_name", val, sizeof(val)));
		EXPECT_STREQ(want, val);
		close(fd);
		ion_legacy_free(self->ion, handle);
	}

	heap = open(ION_SYSTEM_DMA_HEAP, O_RDONLY | O_CLOEXEC);
	if (heap < 0)
		return;
	ASSERT_EQ(0, ion_ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &heap_data));
	ASSERT_EQ(0, ion_fdinfo_str(heap_data.fd, "exp_name", val, sizeof(val)));
	EXPECT_STREQ(want, val);
	close(heap_data.fd);
	close(heap);
}

/* A buffer of user space has no name until DMA_BUF_SET_NAME gives it one. */
TEST_F(sysfs, name)
{
	char val[64];
	int fd;

	ASSERT_EQ(0, ion_new_alloc(self->ion, SYSFS_LEN, ION_HEAP_SYSTEM_MASK, 0, &fd));
	EXPECT_EQ(-ENOENT, ion_fdinfo_str(fd, "name", val, sizeof(val)));
	ASSERT_EQ(0, ion_ioctl(fd, DMA_BUF_SET_NAME_B, "camera-preview"));
	ASSERT_EQ(0, ion_fdinfo_str(fd, "name", val, sizeof(val)));
	EXPECT_STREQ("camera-preview", val);
	close(fd);
}

TEST_HARNESS_MAIN
