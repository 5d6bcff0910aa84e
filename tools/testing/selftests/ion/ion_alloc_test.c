// SPDX-License-Identifier: GPL-2.0
/*
 * ION ioctls of both ABIs on every heap: allocation, zeroing (also of
 * recycled memory), mmap, SHARE/MAP/IMPORT/FREE/SYNC, HEAP_QUERY, the
 * legacy_abi parameter and the debugfs accounting; the out-of-memory and
 * killable paths; the carveout heap's region (when the kernel has a
 * carveout heap); the system heap's deferred free thread.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>

#include "ion_test_util.h"
#include "../kselftest_harness.h"

FIXTURE(ion) {
	int fd;
	long page;
	unsigned int mask;		/* the variant's, or the heap's id bit */
	char heap[MAX_HEAP_NAME];	/* the heap's name on /dev/ion */
};

/* @mask 0: the first heap whose name starts with @heap, by its id */
FIXTURE_VARIANT(ion) {
	unsigned int mask;
	const char *heap;
};

FIXTURE_VARIANT_ADD(ion, system) {
	.mask = ION_HEAP_SYSTEM_MASK, .heap = "ion_system_heap",
};

FIXTURE_VARIANT_ADD(ion, system_contig) {
	.mask = ION_HEAP_SYSTEM_CONTIG_MASK, .heap = "ion_system_contig_heap",
};

FIXTURE_VARIANT_ADD(ion, msm_system_25) {
	.mask = ION_HEAP(ION_SYSTEM_HEAP_ID), .heap = "ion_system_heap",
};

FIXTURE_VARIANT_ADD(ion, msm_contig_21) {
	.mask = ION_HEAP(ION_SYSTEM_CONTIG_HEAP_ID), .heap = "ion_system_contig_heap",
};

/* only when the kernel has one: ion.carveout= or CONFIG_ION_CARVEOUT_SIZE */
FIXTURE_VARIANT_ADD(ion, carveout) {
	.mask = ION_HEAP_CARVEOUT_MASK, .heap = "ion_carveout_heap",
};

/*
 * only when the kernel has a CMA area and ION is built in: cma-ion from
 * ion.cma= (UML), cma-reserved from cma= (DMA_CMA); ids are given at boot
 */
FIXTURE_VARIANT_ADD(ion, cma) {
	.mask = 0, .heap = "cma-",
};

/*
 * HEAP_QUERY: 0 and *out filled when /dev/ion has a heap of that name, or
 * whose name starts with it when @prefix
 */
static int ion_find_heap_by(int fd, const char *name, bool prefix,
			    struct ion_heap_data *out)
{
	struct ion_heap_data heaps[ION_NUM_HEAP_IDS];
	struct ion_heap_query query = {
		.cnt = ION_NUM_HEAP_IDS, .heaps = (unsigned long)heaps,
	};
	size_t len = prefix ? strlen(name) : sizeof(heaps[0].name);
	__u32 i;

	if (ion_ioctl(fd, ION_IOC_HEAP_QUERY, &query))
		return -errno;
	for (i = 0; i < query.cnt; i++) {
		if (!strncmp(heaps[i].name, name, len)) {
			*out = heaps[i];
			return 0;
		}
	}
	return -ENOENT;
}

static int ion_find_heap(int fd, const char *name, struct ion_heap_data *out)
{
	return ion_find_heap_by(fd, name, false, out);
}

/*
 * The number after @key on a "KEY VALUE" line of the heap's debugfs file
 * (leading blanks skipped, @key may hold blanks: "deferred free:"); -1
 * when absent.
 */
static long ion_heap_debugfs_value(const char *heap, const char *key)
{
	char path[128], line[256], *p, *end;
	size_t key_len = strlen(key);
	long value = -1, v;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/ion/heaps/%s", heap);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		p = line + strspn(line, " ");
		if (strncmp(p, key, key_len) || !isspace((unsigned char)p[key_len]))
			continue;
		v = strtol(p + key_len, &end, 0);
		if (end != p + key_len)
			value = v;
	}
	fclose(f);
	return value;
}

FIXTURE_SETUP(ion)
{
	struct ion_heap_data heap;

	self->page = sysconf(_SC_PAGESIZE);
	self->fd = open(ION_DEV, O_RDWR | O_CLOEXEC);
	if (self->fd < 0)
		SKIP(return, "%s: %s", ION_DEV, strerror(errno));
	if (ion_find_heap_by(self->fd, variant->heap, !variant->mask, &heap))
		SKIP(return, "no %s%s on %s", variant->heap,
		     variant->mask ? "" : "*", ION_DEV);
	self->mask = variant->mask ? variant->mask : ION_HEAP(heap.heap_id);
	snprintf(self->heap, sizeof(self->heap), "%s", heap.name);
}

FIXTURE_TEARDOWN(ion)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(ion, legacy_alloc_share_mmap)
{
	size_t len = 3 * self->page + 1, mlen = 4 * self->page;
	ion_user_handle_t handle;
	int share_fd, flags;
	char *p;

	ASSERT_EQ(0, ion_legacy_alloc(self->fd, len, 0, self->mask, 0, &handle));
	EXPECT_GE(handle, 1);
	ASSERT_EQ(0, ion_legacy_share(self->fd, handle, &share_fd));
	flags = fcntl(share_fd, F_GETFD);
	EXPECT_TRUE(flags & FD_CLOEXEC);
	/* the length was rounded up to pages */
	EXPECT_EQ(mlen, lseek(share_fd, 0, SEEK_END));

	p = mmap(NULL, mlen, PROT_READ | PROT_WRITE, MAP_SHARED, share_fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_TRUE(ion_all_bytes(p, mlen, 0));
	memset(p, 0x3c, mlen);
	EXPECT_EQ(0, munmap(p, mlen));

	/* the buffer lives on through the fd after FREE */
	EXPECT_EQ(0, ion_legacy_free(self->fd, handle));
	EXPECT_EQ(-EINVAL, ion_legacy_free(self->fd, handle));
	p = mmap(NULL, self->page, PROT_READ, MAP_SHARED, share_fd, 3 * self->page);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_TRUE(ion_all_bytes(p, self->page, 0x3c));
	munmap(p, self->page);
	close(share_fd);
}

TEST_F(ion, legacy_map_is_share)
{
	struct ion_fd_data data;
	ion_user_handle_t handle;
	char *p;

	ASSERT_EQ(0, ion_legacy_alloc(self->fd, self->page, 0, self->mask, 0, &handle));
	data.handle = handle;
	data.fd = -1;
	ASSERT_EQ(0, ion_ioctl(self->fd, ION_IOC_MAP, &data));
	ASSERT_GE(data.fd, 0);
	p = mmap(NULL, self->page, PROT_READ | PROT_WRITE, MAP_SHARED, data.fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_TRUE(ion_all_bytes(p, self->page, 0));
	munmap(p, self->page);
	close(data.fd);
	EXPECT_EQ(0, ion_legacy_free(self->fd, handle));
}

TEST_F(ion, legacy_import_same_handle)
{
	ion_user_handle_t handle, h2, h3;
	int share_fd, other;

	ASSERT_EQ(0, ion_legacy_alloc(self->fd, self->page, 0, self->mask, 0, &handle));
	ASSERT_EQ(0, ion_legacy_share(self->fd, handle, &share_fd));
	ASSERT_EQ(0, ion_legacy_import(self->fd, share_fd, &h2));
	EXPECT_EQ(handle, h2);
	/* one user count per ALLOC/IMPORT */
	EXPECT_EQ(0, ion_legacy_free(self->fd, handle));
	EXPECT_EQ(0, ion_legacy_free(self->fd, handle));
	EXPECT_EQ(-EINVAL, ion_legacy_free(self->fd, handle));

	/* another client gets its own handle, starting at 1 */
	other = open(ION_DEV, O_RDWR);
	ASSERT_GE(other, 0);
	ASSERT_EQ(0, ion_legacy_import(other, share_fd, &h3));
	EXPECT_EQ(1, h3);
	EXPECT_EQ(-EINVAL, ion_legacy_free(self->fd, h3));
	EXPECT_EQ(0, ion_legacy_free(other, h3));
	close(other);
	close(share_fd);
}

TEST_F(ion, legacy_import_new_alloc_fd)
{
	ion_user_handle_t handle;
	int buf_fd, share_fd;
	char *p;

	ASSERT_EQ(0, ion_new_alloc(self->fd, self->page, self->mask, 0, &buf_fd));
	ASSERT_EQ(0, ion_legacy_import(self->fd, buf_fd, &handle));
	p = mmap(NULL, self->page, PROT_READ | PROT_WRITE, MAP_SHARED, buf_fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[5] = 'x';
	munmap(p, self->page);
	close(buf_fd);
	ASSERT_EQ(0, ion_legacy_share(self->fd, handle, &share_fd));
	p = mmap(NULL, self->page, PROT_READ, MAP_SHARED, share_fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ('x', p[5]);
	munmap(p, self->page);
	close(share_fd);
	EXPECT_EQ(0, ion_legacy_free(self->fd, handle));
}

TEST_F(ion, new_alloc_mmap)
{
	struct ion_new_allocation_data data = {
		.len = 2 * self->page, .heap_id_mask = self->mask,
		.flags = ION_FLAG_CACHED, .fd = 12345, .unused = 77,
	};
	char *p;

	/* fd and unused inputs are ignored, as 4.12 to 5.10 did */
	ASSERT_EQ(0, ion_ioctl(self->fd, ION_IOC_NEW_ALLOC, &data));
	ASSERT_GE((int)data.fd, 0);
	EXPECT_TRUE(fcntl(data.fd, F_GETFD) & FD_CLOEXEC);
	p = mmap(NULL, 2 * self->page, PROT_READ | PROT_WRITE, MAP_SHARED, data.fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_TRUE(ion_all_bytes(p, 2 * self->page, 0));
	memset(p, 0xee, 2 * self->page);
	munmap(p, 2 * self->page);
	close(data.fd);
}

TEST_F(ion, recycled_memory_is_zeroed)
{
	size_t len = 64 * self->page;
	int i;

	for (i = 0; i < 8; i++) {
		int buf_fd;
		char *p;

		ASSERT_EQ(0, ion_new_alloc(self->fd, len, self->mask, 0, &buf_fd));
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, buf_fd, 0);
		ASSERT_NE(MAP_FAILED, p);
		ASSERT_TRUE(ion_all_bytes(p, len, 0));
		memset(p, 0xff, len);
		munmap(p, len);
		close(buf_fd);
	}
}

TEST_F(ion, mmap_bounds)
{
	int buf_fd;
	char *p;

	ASSERT_EQ(0, ion_new_alloc(self->fd, 2 * self->page, self->mask, 0, &buf_fd));
	p = mmap(NULL, 3 * self->page, PROT_READ, MAP_SHARED, buf_fd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	p = mmap(NULL, self->page, PROT_READ, MAP_SHARED, buf_fd, 2 * self->page);
	EXPECT_EQ(MAP_FAILED, p);
	p = mmap(NULL, self->page, PROT_READ, MAP_SHARED, buf_fd, self->page);
	ASSERT_NE(MAP_FAILED, p);
	/* VM_DONTEXPAND: the mapping cannot grow past the buffer */
	EXPECT_EQ(MAP_FAILED, mremap(p, self->page, 2 * self->page, 0));
	munmap(p, self->page);
	close(buf_fd);
}

/*
 * Tags every page of @p, which maps @n pages of a buffer from page @first
 * on, with its page index in the buffer: the index at its start, the
 * index's complement at its end.
 */
static void ion_tag_pages(unsigned int *p, size_t first, size_t n, long page)
{
	size_t words = page / sizeof(*p), i;

	for (i = 0; i < n; i++) {
		p[i * words] = first + i;
		p[(i + 1) * words - 1] = ~(first + i);
	}
}

/*
 * How many pages of @p, which maps @n pages of a tagged buffer from page
 * @first on, carry their tags, visiting them from @start on, @step pages
 * at a time, wrapping around (@step coprime with @n visits each once).
 * @n when all of them do.
 */
static size_t ion_check_tags_from(const unsigned int *p, size_t first,
				  size_t n, long page, size_t start,
				  size_t step)
{
	size_t words = page / sizeof(*p), k, i;

	for (k = 0; k < n; k++) {
		i = (start + k * step) % n;
		if (p[i * words] != first + i ||
		    p[(i + 1) * words - 1] != ~(unsigned int)(first + i))
			return k;
	}
	return n;
}

static size_t ion_check_tags(const unsigned int *p, size_t first, size_t n,
			     long page)
{
	return ion_check_tags_from(p, first, n, page, 0, 1);
}

/*
 * A new buffer of @pages pages with @flags, tagged (ion_tag_pages()): its
 * fd in *@buf_fd and a shared writable mapping of all of it, or MAP_FAILED
 * (and no fd) when either fails.
 */
static unsigned int *ion_tagged_buffer(int fd, unsigned int mask,
				       unsigned int flags, size_t pages,
				       long page, int *buf_fd)
{
	unsigned int *p;

	if (ion_new_alloc(fd, pages * page, mask, flags, buf_fd))
		return MAP_FAILED;
	p = mmap(NULL, pages * page, PROT_READ | PROT_WRITE, MAP_SHARED,
		 *buf_fd, 0);
	if (p == MAP_FAILED) {
		close(*buf_fd);
		return MAP_FAILED;
	}
	ion_tag_pages(p, 0, pages, page);
	return p;
}

/*
 * The buffer sizes of the mapping tests, in pages: three of the system
 * heap's 1 MiB blocks, eight of 64 KiB and seven pages, which takes more
 * than one 2 MiB window of page tables wherever the mapping lands.
 */
#define ION_MMAP_TEST_PAGES	(3 * 256 + 8 * 16 + 7)

static const unsigned int ion_mmap_test_flags[] = { 0, ION_FLAG_CACHED };

/*
 * Windows of a buffer made of chunks of several sizes, cached (mapped at
 * fault time) and uncached (mapped at mmap time): every page is tagged
 * through a mapping of the whole buffer, then mappings that start at a
 * nonzero page offset (inside a chunk, on a chunk boundary, in the last
 * page) and end before the buffer does must show exactly those pages.
 */
TEST_F(ion, mmap_windows)
{
	const size_t pages = ION_MMAP_TEST_PAGES;
	const struct { size_t off, len; } win[] = {
		{ 0, pages }, { 1, 1 }, { 1, pages - 1 }, { 255, 2 },
		{ 256, 256 }, { 300, 230 }, { 511, 20 }, { 767, 136 },
		{ 768, 128 }, { 896, 7 }, { pages - 1, 1 }, { 7, 890 },
		{ 500, 403 },
	};
	size_t len = pages * self->page, w, f;
	unsigned int *p, *q;
	int buf_fd;

	for (f = 0; f < ARRAY_SIZE(ion_mmap_test_flags); f++) {
		unsigned int flags = ion_mmap_test_flags[f];

		p = ion_tagged_buffer(self->fd, self->mask, flags, pages,
				      self->page, &buf_fd);
		ASSERT_NE(MAP_FAILED, p);
		munmap(p, len);

		for (w = 0; w < ARRAY_SIZE(win); w++) {
			size_t wlen = win[w].len * self->page;

			q = mmap(NULL, wlen, PROT_READ, MAP_SHARED, buf_fd,
				 win[w].off * self->page);
			ASSERT_NE(MAP_FAILED, q);
			EXPECT_EQ(win[w].len, ion_check_tags(q, win[w].off,
							     win[w].len, self->page))
				TH_LOG("flags %#x, window at page %zu of %zu pages",
				       flags, win[w].off, win[w].len);
			/* backwards, a prime stride apart */
			EXPECT_EQ(win[w].len,
				  ion_check_tags_from(q, win[w].off, win[w].len,
						      self->page, win[w].len - 1,
						      win[w].len % 509 ?
						      win[w].len - 509 % win[w].len : 1));
			munmap(q, wlen);
		}
		close(buf_fd);
	}
}

/*
 * A mapping split by munmap() and mprotect() and its pieces moved by
 * mremap() before and after they were touched: every piece still maps
 * the pages it mapped, writes through one piece show through another
 * mapping, and the whole cycle can be repeated (nothing leaks that a
 * later mmap would run out of).
 */
TEST_F(ion, mmap_split_and_moved)
{
	const size_t pages = ION_MMAP_TEST_PAGES, hole = 300, hole_len = 40;
	const size_t tail = hole + hole_len, tail_len = pages - tail;
	size_t len = pages * self->page, f, round;
	unsigned int *p, *q, *moved, *spot;
	int buf_fd;

	for (f = 0; f < ARRAY_SIZE(ion_mmap_test_flags); f++) {
		unsigned int flags = ion_mmap_test_flags[f];

		q = ion_tagged_buffer(self->fd, self->mask, flags, pages,
				      self->page, &buf_fd);
		ASSERT_NE(MAP_FAILED, q);

		for (round = 0; round < 8; round++) {
			p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
				 buf_fd, 0);
			ASSERT_NE(MAP_FAILED, p);
			/* touch one page of the head only: the rest is not mapped yet */
			if (round & 1)
				EXPECT_EQ(1, ion_check_tags(p + 5 * self->page / sizeof(*p),
							    5, 1, self->page));
			ASSERT_EQ(0, munmap((char *)p + hole * self->page,
					    hole_len * self->page));
			ASSERT_EQ(0, mprotect(p, 100 * self->page, PROT_READ));
			/* the tail to a place of its own, away from where it was */
			spot = mmap(NULL, (tail_len + 1024) * self->page, PROT_NONE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			ASSERT_NE(MAP_FAILED, spot);
			moved = mremap((char *)p + tail * self->page,
				       tail_len * self->page, tail_len * self->page,
				       MREMAP_MAYMOVE | MREMAP_FIXED,
				       (char *)spot + 517 * self->page);
			ASSERT_NE(MAP_FAILED, moved);

			EXPECT_EQ(hole, ion_check_tags(p, 0, hole, self->page));
			EXPECT_EQ(tail_len, ion_check_tags(moved, tail, tail_len,
							   self->page));
			/* writes through a moved piece reach the buffer */
			moved[3] = 0x5a5a0000 + round;
			EXPECT_EQ(0x5a5a0000 + round, q[tail * self->page / sizeof(*q) + 3]);
			q[tail * self->page / sizeof(*q) + 3] = 0;

			munmap(p, hole * self->page);
			munmap(spot, (tail_len + 1024) * self->page);
		}
		munmap(q, len);
		close(buf_fd);
	}
}

/*
 * fork() copies a mapping that was never touched and one that was: the
 * child's faults map the buffer's pages, not copies, and what the child
 * writes the parent reads.
 */
TEST_F(ion, mmap_fork_before_touch)
{
	const size_t pages = ION_MMAP_TEST_PAGES;
	size_t len = pages * self->page, f;
	unsigned int *p, *q;
	int buf_fd, status;
	pid_t pid;

	for (f = 0; f < ARRAY_SIZE(ion_mmap_test_flags); f++) {
		unsigned int flags = ion_mmap_test_flags[f];

		q = ion_tagged_buffer(self->fd, self->mask, flags, pages,
				      self->page, &buf_fd);
		ASSERT_NE(MAP_FAILED, q);
		/* untouched */
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, buf_fd, 0);
		ASSERT_NE(MAP_FAILED, p);

		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			if (ion_check_tags_from(p, 0, pages, self->page, pages - 1,
						pages - 2) != pages ||
			    ion_check_tags(q, 0, pages, self->page) != pages)
				_exit(1);
			p[(pages - 1) * self->page / sizeof(*p) + 1] = 0xc0ffee;
			_exit(0);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
			TH_LOG("flags %#x: the child saw wrong pages", flags);
		EXPECT_EQ(0xc0ffee, q[(pages - 1) * self->page / sizeof(*q) + 1]);
		EXPECT_EQ(pages, ion_check_tags(p, 0, pages, self->page));
		munmap(p, len);
		munmap(q, len);
		close(buf_fd);
	}
}

struct ion_fault_thread {
	const unsigned int *p;
	size_t pages;
	long page;
	size_t start, step;
	size_t good;
	pthread_barrier_t *barrier;
};

static void *ion_fault_thread(void *arg)
{
	struct ion_fault_thread *t = arg;

	pthread_barrier_wait(t->barrier);
	t->good = ion_check_tags_from(t->p, 0, t->pages, t->page, t->start,
				      t->step);
	return NULL;
}

/*
 * Threads that fault the same fresh mapping at once, each in its own
 * order: every thread reads every page right (a fault that finds an entry
 * filled by another one keeps it).
 */
TEST_F(ion, mmap_concurrent_faults)
{
	const size_t pages = ION_MMAP_TEST_PAGES, nr_threads = 4;
	static const size_t steps[] = { 1, 11, 509, 2 };
	struct ion_fault_thread t[4];
	pthread_t tid[4];
	pthread_barrier_t barrier;
	size_t len = pages * self->page, f, round, i;
	unsigned int *p, *q;
	int buf_fd;

	for (f = 0; f < ARRAY_SIZE(ion_mmap_test_flags); f++) {
		unsigned int flags = ion_mmap_test_flags[f];

		q = ion_tagged_buffer(self->fd, self->mask, flags, pages,
				      self->page, &buf_fd);
		ASSERT_NE(MAP_FAILED, q);

		for (round = 0; round < 8; round++) {
			p = mmap(NULL, len, PROT_READ, MAP_SHARED, buf_fd, 0);
			ASSERT_NE(MAP_FAILED, p);
			ASSERT_EQ(0, pthread_barrier_init(&barrier, NULL, nr_threads));
			for (i = 0; i < nr_threads; i++) {
				t[i] = (struct ion_fault_thread) {
					.p = p, .pages = pages, .page = self->page,
					.start = (i * pages / nr_threads + round) % pages,
					.step = steps[i], .barrier = &barrier,
				};
				ASSERT_EQ(0, pthread_create(&tid[i], NULL,
							    ion_fault_thread, &t[i]));
			}
			for (i = 0; i < nr_threads; i++) {
				pthread_join(tid[i], NULL);
				EXPECT_EQ(pages, t[i].good)
					TH_LOG("flags %#x, round %zu, thread %zu: step %zu",
					       flags, round, i, t[i].good);
			}
			pthread_barrier_destroy(&barrier);
			munmap(p, len);
		}
		munmap(q, len);
		close(buf_fd);
	}
}

/*
 * Minor faults the calling thread takes reading the first word of each
 * page of @p, or -1 when one is not zero (a new buffer's are).
 */
static long ion_faults_reading(const unsigned int *p, size_t pages,
			       long page)
{
	struct rusage before, after;
	unsigned int sum = 0;
	size_t i;

	getrusage(RUSAGE_THREAD, &before);
	for (i = 0; i < pages; i++)
		sum += p[i * page / sizeof(*p)];
	getrusage(RUSAGE_THREAD, &after);
	return sum ? -1 : after.ru_minflt - before.ru_minflt;
}

/*
 * How many faults a mapping takes: none for a mapping of up to 2 MiB,
 * whole from mmap() on; for a larger cached one of pages the page
 * allocator handed out, mapped at fault time beyond its first 2 MiB, one
 * per 2 MiB page table after that (at least one, at most two here); none
 * for the others, mapped whole by mmap().  Skips on a kernel that counts
 * faults on present entries.
 */
TEST_F(ion, mmap_fault_count)
{
	const size_t big = ION_MMAP_TEST_PAGES, pmd_pages = (2 << 20) / self->page;
	const size_t small[] = { 1, 16, pmd_pages };
	size_t f, i, len;
	long n, lo, hi;
	void *anon;
	int buf_fd;
	void *p;

	anon = mmap(NULL, 16 * self->page, PROT_READ,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, anon);
	n = ion_faults_reading(anon, 16, self->page);
	munmap(anon, 16 * self->page);
	if (n)
		SKIP(return, "this kernel faults on present page table entries");

	for (f = 0; f < ARRAY_SIZE(ion_mmap_test_flags); f++) {
		unsigned int flags = ion_mmap_test_flags[f];

		/*
		 * Uncached: at mmap() time.  A carveout: at mmap() time when its
		 * pages are reserved ones (memmap=), else at fault time.
		 */
		hi = flags & ION_FLAG_CACHED ? 2 : 0;
		lo = hi && strcmp(self->heap, "ion_carveout_heap") ? 1 : 0;
		ASSERT_EQ(0, ion_new_alloc(self->fd, big * self->page,
					   self->mask, flags, &buf_fd));
		for (i = 0; i < ARRAY_SIZE(small); i++) {
			len = small[i] * self->page;
			p = mmap(NULL, len, PROT_READ, MAP_SHARED, buf_fd,
				 (big - small[i]) * self->page);
			ASSERT_NE(MAP_FAILED, p);
			EXPECT_EQ(0, ion_faults_reading(p, small[i], self->page))
				TH_LOG("flags %#x: %zu pages", flags, small[i]);
			munmap(p, len);
		}

		len = big * self->page;
		p = mmap(NULL, len, PROT_READ, MAP_SHARED, buf_fd, 0);
		ASSERT_NE(MAP_FAILED, p);
		n = ion_faults_reading(p, big, self->page);
		EXPECT_TRUE(n >= lo && n <= hi)
			TH_LOG("flags %#x: %ld faults for %zu pages, not %ld to %ld",
			       flags, n, big, lo, hi);
		munmap(p, len);
		close(buf_fd);
	}
}

/* MAP_PRIVATE of a writable buffer fd would write to copies: EINVAL. */
TEST_F(ion, mmap_private)
{
	int buf_fd;
	char *p;

	ASSERT_EQ(0, ion_new_alloc(self->fd, 2 * self->page, self->mask, 0, &buf_fd));
	p = mmap(NULL, 2 * self->page, PROT_READ | PROT_WRITE, MAP_PRIVATE, buf_fd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	p = mmap(NULL, self->page, PROT_READ, MAP_PRIVATE, buf_fd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	/* a shared mapping still works afterwards */
	p = mmap(NULL, 2 * self->page, PROT_READ | PROT_WRITE, MAP_SHARED, buf_fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_TRUE(ion_all_bytes(p, 2 * self->page, 0));
	munmap(p, 2 * self->page);
	close(buf_fd);
}

/*
 * More than half of RAM (here: all of it): ENOMEM from both ABIs at once,
 * without the OOM killer (this process lives on) and without a buffer left.
 */
TEST_F(ion, out_of_memory)
{
	ion_user_handle_t handle = 0;
	long before = ion_heap_debugfs_value(self->heap, "buffers");
	unsigned long long len;
	struct sysinfo si;
	int buf_fd = -1;

	ASSERT_EQ(0, sysinfo(&si));
	len = (unsigned long long)si.totalram * si.mem_unit;
	len = (len + self->page - 1) & ~(unsigned long long)(self->page - 1);
	EXPECT_EQ(-ENOMEM, ion_new_alloc(self->fd, len, self->mask, 0, &buf_fd));
	EXPECT_EQ(-1, buf_fd);
	EXPECT_EQ(-ENOMEM, ion_legacy_alloc(self->fd, len, 0, self->mask, 0, &handle));
	EXPECT_EQ(0, handle);
	EXPECT_EQ(before, ion_heap_debugfs_value(self->heap, "buffers"));
	/* the heap still serves */
	ASSERT_EQ(0, ion_new_alloc(self->fd, self->page, self->mask, 0, &buf_fd));
	close(buf_fd);
}

static long long ion_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/*
 * Fork a child that allocates @len from @mask on @fd, kill it and wait for
 * it: with @whole, once the whole buffer is allocated; else as soon as the
 * parent runs after the child started to allocate.  Returns how long it took to die after the
 * kill, in us, with *@into (us into the allocation at the kill) and
 * *@status; -1 when a step of the test itself failed.
 */
static long long ion_kill_allocating_child(int fd, unsigned long long len,
					   unsigned int mask, bool whole,
					   long long *into, int *status)
{
	long long *start, t, died = -1;
	int ready[2], buf_fd;
	pid_t pid;
	char c;

	start = mmap(NULL, sizeof(*start), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (start == MAP_FAILED)
		return -1;
	if (pipe(ready))
		goto unmap;
	pid = fork();
	if (pid < 0) {
		close(ready[0]);
		close(ready[1]);
		goto unmap;
	}
	if (!pid) {
		close(ready[0]);
		*start = ion_now_us();
		if (!whole && write(ready[1], "r", 1) != 1)
			_exit(2);
		if (ion_new_alloc(fd, len, mask, 0, &buf_fd) && whole)
			_exit(2);
		if (whole && write(ready[1], "a", 1) == 1)
			pause();
		/* the allocation ended before the kill came */
		_exit(3);
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) == 1) {
		t = ion_now_us();
		if (!kill(pid, SIGKILL)) {
			*into = t - *start;
			if (waitpid(pid, status, 0) == pid)
				died = ion_now_us() - t;
		}
	}
	close(ready[0]);
	if (died < 0)
		waitpid(pid, status, 0);
unmap:
	munmap(start, sizeof(*start));
	return died;
}

/*
 * A fatal signal stops one long allocation inside it.  Killed at time k
 * into an allocation that takes T (k < 4 T / 5), the child must die within
 * (T - k) / 2 of what a child killed with the whole buffer allocated takes
 * to die (an allocation that ran to its end would take T - k more), and
 * leave no buffer in the heap.  Each figure is the best of three: a debug
 * kernel's process exit has outliers of several times its usual cost.  A
 * kill that came late (on one CPU the parent may get the CPU back only at
 * a timer tick, or after the whole allocation: the child exits 3) tells
 * too little and is tried again.  Heaps whose largest allocation takes
 * under 20 ms (one block of the page allocator) are skipped.
 */
TEST_F(ion, killable)
{
	long before = ion_heap_debugfs_value(self->heap, "buffers");
	long long once = -1, teardown = -1, t, died, into, best = -1;
	long long best_died = 0, best_into = 0;
	unsigned long long len;
	int status, buf_fd, i, valid = 0;
	struct sysinfo si;

	if (before < 0)
		SKIP(return, "no debugfs file for %s", self->heap);
	ASSERT_EQ(0, sysinfo(&si));
	/* a quarter of the memory, or the largest the heap gives */
	len = (unsigned long long)si.totalram * si.mem_unit / 4;
	len &= ~(unsigned long long)(self->page - 1);
	for (; len >= (unsigned long long)self->page; len /= 2) {
		if (!ion_new_alloc(self->fd, len, self->mask, 0, &buf_fd))
			break;
	}
	ASSERT_LE(self->page, len);
	close(buf_fd);
	/* the quickest of three: a warm allocation, as the child's is */
	for (i = 0; i < 3; i++) {
		t = ion_now_us();
		ASSERT_EQ(0, ion_new_alloc(self->fd, len, self->mask, 0, &buf_fd));
		t = ion_now_us() - t;
		close(buf_fd);
		once = once < 0 || t < once ? t : once;
	}
	if (once < 20000)
		SKIP(return, "an allocation of %llu bytes takes %lld us: too short to tell",
		     len, once);

	/* what dying costs with the whole buffer allocated */
	for (i = 0; i < 3; i++) {
		died = ion_kill_allocating_child(self->fd, len, self->mask, true,
						 &into, &status);
		ASSERT_LE(0, died);
		ASSERT_TRUE(WIFSIGNALED(status));
		teardown = teardown < 0 || died < teardown ? died : teardown;
	}

	for (i = 0; i < 10 && valid < 3; i++) {
		died = ion_kill_allocating_child(self->fd, len, self->mask, false,
						 &into, &status);
		ASSERT_LE(0, died);
		if ((WIFEXITED(status) && WEXITSTATUS(status) == 3) || into >= once * 4 / 5)
			continue;
		ASSERT_TRUE(WIFSIGNALED(status)) TH_LOG("exit status %d", WEXITSTATUS(status));
		ASSERT_EQ(SIGKILL, WTERMSIG(status));
		valid++;
		/* how far over what the bound allows for this kill's k */
		t = died - (once - into) / 2;
		if (best < 0 || t < best) {
			best = t;
			best_died = died;
			best_into = into;
		}
	}
	TH_LOG("%llu bytes: %lld us; best kill %lld us into it, died %lld us later",
	       len, once, best_into, best_died);
	TH_LOG("dying with the buffer allocated: %lld us; %d of %d kills in time",
	       teardown, valid, i);
	ASSERT_LT(0, valid) TH_LOG("no kill came in the first 4/5 of the allocation");
	EXPECT_GT(teardown + (once - best_into) / 2, best_died);
	EXPECT_EQ(before, ion_heap_debugfs_value(self->heap, "buffers"));
}

TEST_F(ion, sync)
{
	struct ion_fd_data data = {};
	ion_user_handle_t handle;

	ASSERT_EQ(0, ion_legacy_alloc(self->fd, self->page, 0, self->mask, 0, &handle));
	ASSERT_EQ(0, ion_legacy_share(self->fd, handle, &data.fd));
	EXPECT_EQ(0, ion_ioctl(self->fd, ION_IOC_SYNC, &data));
	close(data.fd);
	EXPECT_EQ(0, ion_legacy_free(self->fd, handle));
}

TEST_F(ion, align)
{
	ion_user_handle_t handle;

	/* up to a page, power of two or not, on every heap */
	ASSERT_EQ(0, ion_legacy_alloc(self->fd, self->page, 3, self->mask, 0, &handle));
	EXPECT_EQ(0, ion_legacy_free(self->fd, handle));
	ASSERT_EQ(0, ion_legacy_alloc(self->fd, 4 * self->page, self->page,
				      self->mask, 0, &handle));
	EXPECT_EQ(0, ion_legacy_free(self->fd, handle));
}

TEST_F(ion, debugfs_accounting)
{
	char path[300], line[256], comm[32] = "";
	ion_user_handle_t handle;
	int found = 0;
	FILE *f;

	ASSERT_EQ(0, ion_legacy_alloc(self->fd, 5 * self->page, 0, self->mask, 0, &handle));

	f = fopen("/proc/self/comm", "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(comm, sizeof(comm), f));
	fclose(f);
	comm[strcspn(comm, "\n")] = 0;

	snprintf(path, sizeof(path), "/sys/kernel/debug/ion/heaps/%s", self->heap);
	f = fopen(path, "r");
	if (!f)
		SKIP(return, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char name[64];
		long pid, size;

		if (sscanf(line, "%63s %ld %ld", name, &pid, &size) == 3 &&
		    pid == getpid() && size == 5 * self->page)
			found = 1;
	}
	fclose(f);
	EXPECT_TRUE(found);

	ASSERT_EQ(1, ion_client_files(getpid(), comm, path, sizeof(path)));
	f = fopen(path, "r");
	ASSERT_NE(NULL, f) TH_LOG("%s", path);
	found = 0;
	while (fgets(line, sizeof(line), f)) {
		char name[64];
		long size, handles;

		if (sscanf(line, "%63s %ld %ld", name, &size, &handles) == 3 &&
		    !strcmp(name, self->heap) && size == 5 * self->page && handles == 1)
			found = 1;
	}
	fclose(f);
	EXPECT_TRUE(found);
	EXPECT_EQ(0, ion_legacy_free(self->fd, handle));
}

/*
 * A process name with '/', which debugfs refuses in a file name, still
 * gets its client file, with '!' for '/'.
 */
TEST(debugfs_client_name_with_slash)
{
	char path[300];
	int fd;

	if (access(ION_CLIENTS, R_OK))
		SKIP(return, "no %s", ION_CLIENTS);
	ASSERT_EQ(0, prctl(PR_SET_NAME, "ion/slash", 0, 0, 0));
	fd = open(ION_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(1, ion_client_files(getpid(), "ion!slash", path, sizeof(path)));
	close(fd);
	EXPECT_EQ(0, ion_client_files(getpid(), "ion!slash", NULL, 0));
}

static long ion_open_close_ns(void)
{
	struct timespec t0, t1;
	int fd;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	fd = open(ION_DEV, O_RDWR | O_CLOEXEC);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (fd < 0)
		return -1;
	close(fd);
	return (t1.tv_sec - t0.tv_sec) * 1000000000L + t1.tv_nsec - t0.tv_nsec;
}

static int ion_cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

/* median time of an open of /dev/ion (which also creates a client file) */
static long ion_open_median_ns(void)
{
	long t[65];
	int i;

	for (i = 0; i < 65; i++) {
		t[i] = ion_open_close_ns();
		if (t[i] < 0)
			return -1;
	}
	qsort(t, 65, sizeof(t[0]), ion_cmp_long);
	return t[32];
}

#define ION_MANY_CLIENTS	8000

/*
 * Opening /dev/ion costs the same with thousands of clients of the same
 * name (one process's) as with none: creating a client must not look at
 * the others.
 */
TEST(open_cost_with_many_clients)
{
	struct rlimit rl = { ION_MANY_CLIENTS + 100, ION_MANY_CLIENTS + 100 };
	long few, many;
	int *fds, i, n;

	if (setrlimit(RLIMIT_NOFILE, &rl))
		SKIP(return, "RLIMIT_NOFILE %d: %s", ION_MANY_CLIENTS + 100,
		     strerror(errno));
	fds = calloc(ION_MANY_CLIENTS, sizeof(*fds));
	ASSERT_NE(NULL, fds);
	few = ion_open_median_ns();
	ASSERT_LT(0, few);
	for (n = 0; n < ION_MANY_CLIENTS; n++) {
		fds[n] = open(ION_DEV, O_RDWR | O_CLOEXEC);
		if (fds[n] < 0)
			break;
	}
	many = n == ION_MANY_CLIENTS ? ion_open_median_ns() : -1;
	for (i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
	ASSERT_EQ(ION_MANY_CLIENTS, n) TH_LOG("open: %s", strerror(errno));
	ASSERT_LT(0, many);
	TH_LOG("open of /dev/ion: %ld ns, with %d clients %ld ns", few,
	       ION_MANY_CLIENTS, many);
	/* the same, within the noise of a loaded machine */
	EXPECT_LT(many, 3 * few + 20000);
}

FIXTURE(contig) {
	int fd;
	unsigned int mask;
};

FIXTURE_SETUP(contig)
{
	struct ion_heap_data heap;

	self->fd = open(ION_DEV, O_RDWR | O_CLOEXEC);
	if (self->fd < 0)
		SKIP(return, "%s: %s", ION_DEV, strerror(errno));
	if (ion_find_heap(self->fd, "ion_system_contig_heap", &heap))
		SKIP(return, "no ion_system_contig_heap");
	self->mask = ION_HEAP(heap.heap_id);
}

FIXTURE_TEARDOWN(contig)
{
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * 1024 allocations in a row of each size from a page to 4 MiB (every order,
 * and lengths between two orders) from the contiguous heap all succeed: a
 * freed buffer gives its whole block back to the page allocator.  About 5 s
 * in the normal kernel, longer in the debug one.
 */
TEST_F_TIMEOUT(contig, repeated_sizes, 300)
{
	static const unsigned long sizes[] = {
		4096, 3 * 4096, 8192, 16384, 32768, 65536, 131072, 262144,
		524288, 1 << 20, (1 << 20) + 4096, 2 << 20, (2 << 20) + 4096,
		3 << 20, 4 << 20,
	};
	unsigned int i, n, failed, total = 0;
	int buf_fd;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		for (n = 0, failed = 0; n < 1024; n++) {
			if (ion_new_alloc(self->fd, sizes[i], self->mask, 0, &buf_fd)) {
				failed++;
				continue;
			}
			close(buf_fd);
		}
		EXPECT_EQ(0, failed) TH_LOG("%lu bytes: %u of 1024 failed", sizes[i], failed);
		total += failed;
	}
	EXPECT_EQ(0, total);
}

TEST(heap_query)
{
	struct ion_heap_data heaps[8];
	struct ion_heap_query query = {};
	int fd, i, sys = 0, contig = 0;
	__u32 n;

	fd = open(ION_DEV, O_RDWR);
	if (fd < 0)
		SKIP(return, "%s: %s", ION_DEV, strerror(errno));
	ASSERT_EQ(0, ion_ioctl(fd, ION_IOC_HEAP_QUERY, &query));
	n = query.cnt;
	ASSERT_GE(n, 2);

	memset(heaps, 0x55, sizeof(heaps));
	query.cnt = n < 8 ? n : 8;
	query.heaps = (unsigned long)heaps;
	ASSERT_EQ(0, ion_ioctl(fd, ION_IOC_HEAP_QUERY, &query));
	EXPECT_EQ(n < 8 ? n : 8, query.cnt);
	for (i = 0; i < (int)query.cnt; i++) {
		EXPECT_EQ(0, heaps[i].reserved0 | heaps[i].reserved1 | heaps[i].reserved2);
		EXPECT_NE(NULL, memchr(heaps[i].name, 0, sizeof(heaps[i].name)));
		if (!strcmp(heaps[i].name, "ion_system_heap")) {
			sys++;
			EXPECT_EQ(ION_HEAP_TYPE_SYSTEM, heaps[i].type);
			EXPECT_EQ(0, heaps[i].heap_id);
		}
		if (!strcmp(heaps[i].name, "ion_system_contig_heap")) {
			contig++;
			EXPECT_EQ(ION_HEAP_TYPE_SYSTEM_CONTIG, heaps[i].type);
			EXPECT_EQ(1, heaps[i].heap_id);
		}
	}
	EXPECT_EQ(1, sys);
	EXPECT_EQ(1, contig);

	/* fewer entries than heaps: exactly cnt are written */
	memset(heaps, 0x55, sizeof(heaps));
	query.cnt = 1;
	ASSERT_EQ(0, ion_ioctl(fd, ION_IOC_HEAP_QUERY, &query));
	EXPECT_EQ(1, query.cnt);
	EXPECT_EQ(0x55, ((unsigned char *)&heaps[1])[0]);
	close(fd);
}

/* The pid of the kernel thread whose name starts with @name; 0 if none. */
static pid_t ion_find_kthread(const char *name, int *count)
{
	char path[300], comm[64];
	struct dirent *de;
	pid_t pid = 0;
	DIR *proc;
	FILE *f;

	*count = 0;
	proc = opendir("/proc");
	if (!proc)
		return 0;
	while ((de = readdir(proc))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) &&
		    !strncmp(comm, name, strlen(name))) {
			pid = atoi(de->d_name);
			(*count)++;
		}
		fclose(f);
	}
	closedir(proc);
	return pid;
}

/*
 * The system heap zeroes freed buffers on its own kernel thread, which is
 * SCHED_IDLE so that it never takes the CPU from a task that allocates, and
 * which does run once the CPU is idle: a freed 1 MiB buffer leaves the
 * queue.
 */
TEST(system_heap_free_thread)
{
	struct ion_heap_data heap;
	int fd, buf_fd, count, i;
	long queued = -1;
	pid_t pid;

	fd = open(ION_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		SKIP(return, "%s: %s", ION_DEV, strerror(errno));
	if (ion_find_heap(fd, "ion_system_heap", &heap))
		SKIP(return, "no ion_system_heap on %s", ION_DEV);
	/* kthread names are cut to 15 characters in some places */
	pid = ion_find_kthread("ion_system_heap", &count);
	ASSERT_EQ(1, count);
	EXPECT_EQ(SCHED_IDLE, sched_getscheduler(pid));

	if (ion_heap_debugfs_value("ion_system_heap", "deferred free:") < 0)
		SKIP(goto out, "no debugfs file for ion_system_heap");
	ASSERT_EQ(0, ion_new_alloc(fd, 1 << 20, ION_HEAP_SYSTEM_MASK, 0, &buf_fd));
	close(buf_fd);
	for (i = 0; i < 500; i++) {
		queued = ion_heap_debugfs_value("ion_system_heap", "deferred free:");
		if (!queued)
			break;
		usleep(10000);
	}
	EXPECT_EQ(0, queued);
out:
	close(fd);
}

/*
 * The carveout region through /dev/ion: one buffer can take all of it,
 * then nothing more fits; freeing gives all of it back, zeroed.
 */
TEST(carveout_region)
{
	long page = sysconf(_SC_PAGESIZE), size, max_len;
	ion_user_handle_t handle;
	struct ion_heap_data heap;
	int fd, buf_fd, other;
	char *p;

	fd = open(ION_DEV, O_RDWR);
	if (fd < 0)
		SKIP(return, "%s: %s", ION_DEV, strerror(errno));
	if (ion_find_heap(fd, "ion_carveout_heap", &heap))
		SKIP(close(fd); return, "no carveout heap");
	EXPECT_EQ(ION_HEAP_TYPE_CARVEOUT, heap.type);
	EXPECT_EQ(ION_HEAP_TYPE_CARVEOUT, heap.heap_id);
	size = ion_heap_debugfs_value("ion_carveout_heap", "region_size");
	max_len = ion_heap_debugfs_value("ion_carveout_heap", "max_len");
	if (size <= 0 || max_len <= 0)
		SKIP(close(fd); return, "no debugfs region_size/max_len");
	EXPECT_LE(max_len, size);
	ASSERT_EQ(size, ion_heap_debugfs_value("ion_carveout_heap", "region_free"))
		TH_LOG("the carveout is in use by someone else");

	/* more than the heap ever holds: ENOMEM at once */
	EXPECT_EQ(-ENOMEM, ion_new_alloc(fd, max_len + page, ION_HEAP_CARVEOUT_MASK,
					 0, &buf_fd));

	/* as much as it can hold, dirtied, then nothing more fits */
	ASSERT_EQ(0, ion_new_alloc(fd, max_len, ION_HEAP_CARVEOUT_MASK, 0, &buf_fd));
	EXPECT_EQ(size - max_len,
		  ion_heap_debugfs_value("ion_carveout_heap", "region_free"));
	p = mmap(NULL, max_len, PROT_READ | PROT_WRITE, MAP_SHARED, buf_fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_TRUE(ion_all_bytes(p, max_len, 0));
	memset(p, 0xc3, max_len);
	munmap(p, max_len);
	if (max_len == size) {
		EXPECT_EQ(-ENOMEM, ion_legacy_alloc(fd, page, 0, ION_HEAP_CARVEOUT_MASK,
						    0, &handle));
		/* a mask with another heap falls back to it */
		EXPECT_EQ(0, ion_new_alloc(fd, page, ION_HEAP_CARVEOUT_MASK |
					   ION_HEAP_SYSTEM_MASK, 0, &other));
		close(other);
	}
	close(buf_fd);

	/* all of it back, and zeroed for the next owner */
	EXPECT_EQ(size, ion_heap_debugfs_value("ion_carveout_heap", "region_free"));
	ASSERT_EQ(0, ion_legacy_alloc(fd, max_len, 0, ION_HEAP_CARVEOUT_MASK, 0, &handle));
	ASSERT_EQ(0, ion_legacy_share(fd, handle, &buf_fd));
	p = mmap(NULL, max_len, PROT_READ, MAP_SHARED, buf_fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_TRUE(ion_all_bytes(p, max_len, 0));
	munmap(p, max_len);
	close(buf_fd);
	EXPECT_EQ(0, ion_legacy_free(fd, handle));
	EXPECT_EQ(size, ion_heap_debugfs_value("ion_carveout_heap", "region_free"));
	close(fd);
}

/*
 * ion.legacy_abi is set at boot or module load only: its sysfs file cannot
 * be opened for writing, not even by root, and /dev/ion answers the legacy
 * ioctls as the value says.  Boot with ion.legacy_abi=0 to run the "off"
 * half (scripts/test does).
 */
TEST(legacy_abi)
{
	ion_user_handle_t handle;
	int fd, buf_fd, on, param;

	on = ion_legacy_abi();
	if (on < 0)
		SKIP(return, "%s: %s", ION_LEGACY_PARAM, strerror(-on));
	param = open(ION_LEGACY_PARAM, O_WRONLY);
	EXPECT_EQ(-1, param);
	EXPECT_EQ(EACCES, errno);
	if (param >= 0)
		close(param);

	fd = open(ION_DEV, O_RDWR);
	if (fd < 0)
		SKIP(return, "%s: %s", ION_DEV, strerror(errno));
	EXPECT_EQ(0, ion_new_alloc(fd, 4096, ION_HEAP_SYSTEM_MASK, 0, &buf_fd));
	if (on) {
		/* legacy kernels: FREE(0) fails with something other than ENOTTY */
		EXPECT_EQ(-EINVAL, ion_legacy_free(fd, 0));
		ASSERT_EQ(0, ion_legacy_import(fd, buf_fd, &handle));
		EXPECT_EQ(0, ion_legacy_free(fd, handle));
	} else {
		EXPECT_EQ(-ENOTTY, ion_legacy_alloc(fd, 4096, 0, ION_HEAP_SYSTEM_MASK, 0,
						    &handle));
		/* AOSP libion's ion_is_legacy(): FREE(0) fails with ENOTTY on 4.12+ */
		EXPECT_EQ(-ENOTTY, ion_legacy_free(fd, 0));
		EXPECT_EQ(-ENOTTY, ion_legacy_share(fd, 1, &buf_fd));
		EXPECT_EQ(-ENOTTY, ion_legacy_import(fd, buf_fd, &handle));
	}
	close(buf_fd);
	close(fd);
}

TEST_HARNESS_MAIN
