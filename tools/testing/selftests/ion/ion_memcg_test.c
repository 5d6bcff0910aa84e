// SPDX-License-Identifier: GPL-2.0
/*
 * Buffers of user space in memory cgroups (v2): charged to the allocating
 * process's cgroup (memory.current, memory.stat "kernel") for the system
 * and system contig heaps, uncharged when freed, refused with ENOMEM over
 * memory.max without an OOM kill; pooled pages are charged to nobody and
 * a buffer from the pools' heap is charged afresh; a buffer shared into
 * another cgroup stays charged to its allocator's; ion.mem_accounting=0
 * turns charging off.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <linux/dma-heap.h>

#include "ion_test_util.h"
#include "ion_stats_util.h"
#include "../kselftest_harness.h"

#define CGROOT		"/sys/fs/cgroup"
#define CG_A		CGROOT "/ion_memcg_test_a"
#define CG_B		CGROOT "/ion_memcg_test_b"
#define MEMCG_LEN	(8 << 20)
/* What else a cgroup may be charged for meanwhile: page tables, slab. */
#define MEMCG_SLACK	(1024 * 1024)

FIXTURE(memcg) {
	int ion;
	int accounting;
};

static int cg_write(const char *cg, const char *file, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", cg, file);
	return ion_write_file(path, val);
}

static long long cg_current(const char *cg)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/memory.current", cg);
	return ion_read_number(path);
}

/*
 * @cg's memory.current once it holds still: what an earlier close() set
 * going (RCU-freed inodes and dentries, a heap's deferred free) can
 * uncharge a page or more just after a single read, and a baseline read
 * before that would make the next charge look short.  At most about a
 * second; the last value read if it never settles.
 */
static long long cg_current_settled(const char *cg)
{
	long long prev = cg_current(cg), cur = prev;
	int i;

	for (i = 0; i < 50; i++) {
		usleep(20 * 1000);
		cur = cg_current(cg);
		if (cur == prev)
			break;
		prev = cur;
	}
	return cur;
}

static long long cg_stat(const char *cg, const char *file, const char *key)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", cg, file);
	return ion_read_key(path, key);
}

/* Move the calling process into cg. */
static int cg_enter(const char *cg)
{
	char pid[32];

	snprintf(pid, sizeof(pid), "%d", getpid());
	return cg_write(cg, "cgroup.procs", pid);
}

FIXTURE_SETUP(memcg)
{
	char controllers[256];

	self->accounting = -1;
	self->ion = open(ION_DEV, O_RDWR | O_CLOEXEC);
	if (self->ion < 0)
		SKIP(return, "%s: %s", ION_DEV, strerror(errno));
	if (access(CGROOT "/cgroup.controllers", F_OK) &&
	    mount("cgroup2", CGROOT, "cgroup2", 0, NULL))
		SKIP(return, "no cgroup v2: %s", strerror(errno));
	if (ion_read_file(CGROOT "/cgroup.controllers", controllers, sizeof(controllers)) ||
	    !strstr(controllers, "memory"))
		SKIP(return, "no memory controller");
	ASSERT_EQ(0, cg_write(CGROOT, "cgroup.subtree_control", "+memory"));
	rmdir(CG_A);
	rmdir(CG_B);
	ASSERT_EQ(0, mkdir(CG_A, 0755));
	ASSERT_EQ(0, mkdir(CG_B, 0755));
	self->accounting = ion_mem_accounting();
	ASSERT_LE(0, self->accounting);
	ASSERT_EQ(0, ion_set_mem_accounting(1));
}

FIXTURE_TEARDOWN(memcg)
{
	if (self->ion >= 0)
		close(self->ion);
	cg_enter(CGROOT);
	rmdir(CG_A);
	rmdir(CG_B);
	if (self->accounting >= 0)
		ion_set_mem_accounting(self->accounting);
}

/* Allocated in A: charged to A as kernel memory, uncharged at release. */
TEST_F(memcg, charge_uncharge)
{
	static const unsigned int masks[] = {
		ION_HEAP_SYSTEM_MASK, ION_HEAP_SYSTEM_CONTIG_MASK,
	};
	unsigned int i;

	ASSERT_EQ(0, cg_enter(CG_A));
	for (i = 0; i < 2; i++) {
		long long cur, kernel;
		size_t len = i ? (1 << 20) : MEMCG_LEN;
		int fd;

		cur = cg_current_settled(CG_A);
		kernel = cg_stat(CG_A, "memory.stat", "kernel");
		ASSERT_LE(0, cur);
		ASSERT_LE(0, kernel);
		ASSERT_EQ(0, ion_new_alloc(self->ion, len, masks[i], 0, &fd));
		EXPECT_LE(cur + (long long)len, cg_current(CG_A)) TH_LOG("heap mask %#x", masks[i]);
		EXPECT_LE(kernel + (long long)len, cg_stat(CG_A, "memory.stat", "kernel"));
		close(fd);
		EXPECT_GT(cur + MEMCG_SLACK, cg_current(CG_A)) TH_LOG("heap mask %#x", masks[i]);
	}
}

/* The legacy ABI's and /dev/dma_heap's buffers are charged alike. */
TEST_F(memcg, other_abis)
{
	struct dma_heap_allocation_data heap_data = {
		.len = MEMCG_LEN, .fd_flags = O_RDWR | O_CLOEXEC,
	};
	ion_user_handle_t handle;
	long long cur;
	int heap;

	ASSERT_EQ(0, cg_enter(CG_A));
	if (ion_legacy_abi() == 1) {
		cur = cg_current(CG_A);
		ASSERT_EQ(0, ion_legacy_alloc(self->ion, MEMCG_LEN, 0, ION_HEAP_SYSTEM_MASK,
					      0, &handle));
		EXPECT_LE(cur + MEMCG_LEN, cg_current(CG_A));
		ASSERT_EQ(0, ion_legacy_free(self->ion, handle));
		EXPECT_GT(cur + MEMCG_SLACK, cg_current(CG_A));
	}
	heap = open(ION_SYSTEM_DMA_HEAP, O_RDONLY | O_CLOEXEC);
	if (heap < 0)
		return;
	cur = cg_current(CG_A);
	ASSERT_EQ(0, ion_ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &heap_data));
	EXPECT_LE(cur + MEMCG_LEN, cg_current(CG_A));
	close(heap_data.fd);
	EXPECT_GT(cur + MEMCG_SLACK, cg_current(CG_A));
	close(heap);
}

/*
 * Over memory.max: ENOMEM, nobody killed, the blocks taken before the
 * limit was hit uncharged again, and a smaller buffer still fits.
 */
TEST_F(memcg, limit)
{
	long long kills, cur;
	int fd;

	ASSERT_EQ(0, cg_write(CG_A, "memory.max", "16M"));
	ASSERT_EQ(0, cg_enter(CG_A));
	kills = cg_stat(CG_A, "memory.events", "oom_kill");
	ASSERT_LE(0, kills);
	cur = cg_current(CG_A);
	ASSERT_LE(0, cur);
	EXPECT_EQ(-ENOMEM, ion_new_alloc(self->ion, 32 << 20, ION_HEAP_SYSTEM_MASK, 0, &fd));
	EXPECT_GT(cur + MEMCG_SLACK, cg_current(CG_A));
	EXPECT_EQ(-ENOMEM, ion_new_alloc(self->ion, 32 << 20, ION_HEAP_SYSTEM_MASK,
					 ION_FLAG_CACHED, &fd));
	EXPECT_GT(cur + MEMCG_SLACK, cg_current(CG_A));
	EXPECT_EQ(kills, cg_stat(CG_A, "memory.events", "oom_kill"));
	EXPECT_GT(16 << 20, cg_current(CG_A));
	ASSERT_EQ(0, ion_new_alloc(self->ion, MEMCG_LEN, ION_HEAP_SYSTEM_MASK, 0, &fd));
	close(fd);
	/* the root cgroup's OOM killer did not run either */
	EXPECT_EQ(0, cg_stat(CG_A, "memory.events", "oom"));
}

/* ion.mem_accounting=0: charged to nobody. */
TEST_F(memcg, accounting_off)
{
	long long cur;
	int fd;

	ASSERT_EQ(0, ion_set_mem_accounting(0));
	ASSERT_EQ(0, cg_enter(CG_A));
	cur = cg_current(CG_A);
	ASSERT_EQ(0, ion_new_alloc(self->ion, MEMCG_LEN, ION_HEAP_SYSTEM_MASK, 0, &fd));
	EXPECT_GT(cur + MEMCG_SLACK, cg_current(CG_A));
	close(fd);
}

/* A built-in ION moves pooled pages between cgroups; a module cannot. */
static int ion_builtin(void)
{
	return access("/sys/module/ion/initstate", F_OK) != 0;
}

/*
 * Pooled pages are charged to nobody: a buffer freed in A leaves A
 * uncharged whether its pages are pooled or not; pages handed out of the
 * pools to a buffer allocated in B are charged to B.  A built-in ION pools
 * a charged buffer's pages and takes them again; as a module ION pools
 * only uncharged buffers' pages, and a charged buffer never takes them.
 */
TEST_F(memcg, pool_handover)
{
	long long cur_a, cur_b, pools, taken;
	int fd;

	ASSERT_EQ(0, ion_drop_pools());
	ASSERT_EQ(0, cg_enter(CG_A));
	cur_a = cg_current(CG_A);
	ASSERT_EQ(0, ion_new_alloc(self->ion, MEMCG_LEN, ION_HEAP_SYSTEM_MASK, 0, &fd));
	EXPECT_LE(cur_a + MEMCG_LEN, cg_current(CG_A));
	pools = ion_read_number(ION_SYSFS "/total_pools_kb");
	close(fd);
	EXPECT_GT(cur_a + MEMCG_SLACK, cg_current(CG_A));
	if (ion_builtin()) {
		EXPECT_LE(pools + MEMCG_LEN / 1024, ion_read_number(ION_SYSFS "/total_pools_kb"));
	} else {
		EXPECT_EQ(pools, ion_read_number(ION_SYSFS "/total_pools_kb"));
		/* pool the pages of an uncharged buffer instead */
		ASSERT_EQ(0, ion_set_mem_accounting(0));
		ASSERT_EQ(0, ion_new_alloc(self->ion, MEMCG_LEN, ION_HEAP_SYSTEM_MASK, 0, &fd));
		close(fd);
		ASSERT_EQ(0, ion_set_mem_accounting(1));
		EXPECT_GT(cur_a + MEMCG_SLACK, cg_current(CG_A));
	}

	ASSERT_EQ(0, cg_enter(CG_B));
	cur_b = cg_current(CG_B);
	pools = ion_read_number(ION_SYSFS "/total_pools_kb");
	ASSERT_LE(MEMCG_LEN / 1024, pools);
	ASSERT_EQ(0, ion_new_alloc(self->ion, MEMCG_LEN, ION_HEAP_SYSTEM_MASK, 0, &fd));
	taken = pools - ion_read_number(ION_SYSFS "/total_pools_kb");
	EXPECT_LE(cur_b + MEMCG_LEN, cg_current(CG_B));
	EXPECT_GT(cur_a + MEMCG_SLACK, cg_current(CG_A));
	/* built in: all of it, unless other orders than the freed buffer's fitted */
	EXPECT_EQ(ion_builtin(), taken > 0) TH_LOG("%lld KiB from the pools", taken);
	close(fd);
	EXPECT_GT(cur_b + MEMCG_SLACK, cg_current(CG_B));
}

/*
 * A buffer allocated in A and used from B (fd inherited, mapped, written)
 * stays A's: B is not charged, and A is uncharged only when B's last
 * reference goes.
 */
TEST_F(memcg, shared_into_other_cgroup)
{
	int to_child[2], to_parent[2], status, fd;
	long long cur_a, cur_b;
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(to_child));
	ASSERT_EQ(0, pipe(to_parent));
	ASSERT_EQ(0, cg_enter(CG_A));
	cur_a = cg_current(CG_A);
	cur_b = cg_current(CG_B);
	ASSERT_EQ(0, ion_new_alloc(self->ion, MEMCG_LEN, ION_HEAP_SYSTEM_MASK, 0, &fd));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		unsigned char *map;

		if (cg_enter(CG_B))
			_exit(1);
		map = mmap(NULL, MEMCG_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (map == MAP_FAILED)
			_exit(2);
		memset(map, 0x5a, MEMCG_LEN);
		munmap(map, MEMCG_LEN);
		/* B's reference only from here */
		if (write(to_parent[1], "m", 1) != 1 || read(to_child[0], &c, 1) != 1)
			_exit(3);
		close(fd);
		_exit(0);
	}
	ASSERT_EQ(1, read(to_parent[0], &c, 1));
	close(fd);
	EXPECT_LE(cur_a + MEMCG_LEN, cg_current(CG_A));
	EXPECT_GT(cur_b + MEMCG_SLACK, cg_current(CG_B));
	ASSERT_EQ(1, write(to_child[1], "c", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	EXPECT_GT(cur_a + MEMCG_SLACK, cg_current(CG_A));
}

TEST_HARNESS_MAIN
