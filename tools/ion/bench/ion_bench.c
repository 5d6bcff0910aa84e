// SPDX-License-Identifier: GPL-2.0
/*
 * ion_bench: how long it takes to get a zeroed buffer from each ION heap,
 * compared with the kernel's other ways of getting one: the DMA-BUF system
 * heap, udmabuf over a memfd and a plain memfd.  Run as root inside the
 * kernel under test:
 *
 *   ion_bench [-s 4K,64K,1M,8M,64M] [-o alloc,touch,share] [-p cold,warm]
 *             [-a ion,dma-heap,udmabuf,memfd] [-n REPS] [-t SECONDS]
 *             [-w WARMUP] [-T TOUCH_MAX] [-c FILE.csv]
 *   ion_bench --merge OUT.csv IN.csv...    median across runs, then report
 *                                          (ratios: per run, then median)
 *   ion_bench --report IN.csv              the tables of a CSV file
 *
 * Operations, each timed from the allocation to the last close():
 *   alloc  allocate, close the fd;
 *   touch  allocate, mmap, write one byte per page, munmap, close;
 *   share  allocate, pass the fd to a second process over a unix socket
 *          (SCM_RIGHTS); it imports the buffer (ION_IOC_IMPORT when the
 *          legacy ION ABI is there, mmap otherwise), closes it and replies;
 *          close.
 * These time only the mapping of a buffer allocated untimed (not by default):
 *   mmap   mmap of the whole buffer, munmap, no page touched;
 *   kmap   the kernel mapping: /dev/hon_zone's ION_INIT (import and vmap)
 *          and ION_DEINIT.
 * And these run back to back, without settling (not by default):
 *   sustained-alloc, sustained-touch  alloc or touch, over and over for
 *          --sustain seconds per allocator, in slices taken in turns; the
 *          deferred frees left at the end of a slice are waited for and
 *          their CPU time counted.  Rows: the wall time per operation (1e6
 *          over the operations per second) and, as sustained-*-cpu, the
 *          whole machine's busy time per operation from /proc/stat (kernel
 *          threads such as a heap's free worker included).
 *   pipeline  every 1/30 s allocate 4 buffers, free the previous period's,
 *          sleep, from pools warmed with two periods' buffers; allocation
 *          latency p50, p99, max.
 *   mixed  random sizes 4K..8M in random order under --mixed-cap bytes;
 *          allocation latency and the time per step.
 * And these measure how a cost grows with scale, ION only, at fixed sizes
 * (not by default; -s does not apply):
 *   lookup one legacy-handle lookup: ION_IOC_SHARE of a handle and close()
 *          of the fd it returns, in a client holding 10 handles and in one
 *          holding --lookup-handles (4 KiB buffers from ION_IOC_ALLOC; as
 *          many as fit when memory runs short, the count is the row's
 *          size); rows "lookup" (median, p10, p90 per call), "lookup-p99",
 *          "lookup-ioctl" (the same of the ioctl alone, without the
 *          close(), which is the VFS's); and "lookup-hot", "lookup-hot-p99":
 *          lookups of 10 handles of the large client only, the row's size
 *          being that client's handles (a large table, a small working
 *          set: what the table's size costs by itself, without the caches'
 *          misses).
 *   open   open() and close() of /dev/ion while the benchmark holds 10 and
 *          --open-clients other /dev/ion fds (RLIMIT_NOFILE raised); rows
 *          "open", "open-p99", the size being the clients held.
 *   threads  warm 64 KiB allocate + close back to back from 1 and from 2
 *          threads, each thread with its own device fd, for --sustain
 *          seconds each, every allocator; rows "threads" and "threads-2":
 *          the wall time per operation (1e6 over the operations per second
 *          of all threads together), and "cpus", the CPUs online.
 *          The scaling table gives large / small (threads: 1 thread's time
 *          per operation over 2 threads', the speed-up) within each run.
 * Pool states: cold drops every shrinker-backed cache (drop_caches) before
 * each repetition; warm allocates and frees the same size first.  Before
 * each repetition, in both states, the benchmark waits until the debugfs
 * file of every ION heap says "deferred free: 0 bytes" (when it says so at
 * all), untimed: what a heap does in the background after close() (zeroing
 * freed pages, refilling its pools) is in nobody's figures, neither its own
 * nor those of the allocator timed next.  page-clear rows are the physical
 * reference: memset of freshly mapped anonymous pages (page faults and the
 * kernel's zeroing included) and of pages already faulted in.
 *
 * Each case (operation, pool state, size) runs the allocators interleaved,
 * one repetition of each per round in a shuffled order, so that what drifts
 * during a run, and what one allocator leaves in the page allocator for the
 * next, weighs on all of them alike.  Before each timed repetition the CPU is
 * kept busy for a millisecond, so that no allocator pays a wake-up from
 * idle.  Before the first case, the free memory is touched once (a
 * guest's first touch of a page costs the host a fault too; --no-prefault
 * skips it).  An allocator runs --reps times, stopping early (after
 * three) once it has used --budget seconds; the page-faulting cases
 * (touch, memset of fresh pages) only run up to --touch-max bytes.  The
 * tables give the median and the p10-p90 spread in microseconds and the
 * size divided by the median in GB/s (10^9 bytes per second), then the
 * ratio of the ION system heap's median to the DMA-BUF system heap's for
 * each size (below 1: ION is faster).  The CSV has one line per case:
 * allocator,pool_state,op,size,median_us,p10_us,p90_us,n.  Speed never
 * makes it fail: it exits 1 only on a setup error it cannot skip (bad
 * options, no CSV file, no socket or process), and skips, saying so, the
 * allocators that are absent and the cases whose allocation fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-heap.h>
#include <linux/hon_zone.h>
#include <linux/ion.h>
#include <linux/udmabuf.h>

#define BENCH_MAX_ALLOCS	(ION_NUM_HEAP_IDS + 4)
#define BENCH_MAX_SIZES		16
#define BENCH_MAX_FILES		32
#define BENCH_NAME_LEN		48
#define BENCH_MIN_REPS		3
#define BENCH_PAGE		4096UL

/* How long to wait for a heap's deferred frees before measuring anyway. */
#define BENCH_SETTLE_MS		5000

/* How long to keep the CPU busy before each timed repetition. */
#define BENCH_SPIN_US		1000

static const char bench_ion_dev[] = "/dev/ion";
static const char bench_dma_heap_dev[] = "/dev/dma_heap/system";
static const char bench_udmabuf_dev[] = "/dev/udmabuf";
static const char bench_zone_dev[] = "/dev/hon_zone";
static const char bench_proc_stat[] = "/proc/stat";
static const char bench_drop_caches[] = "/proc/sys/vm/drop_caches";
static const char bench_ion_debugfs[] = "/sys/kernel/debug/ion/heaps";

enum bench_kind {
	BENCH_ION,
	BENCH_DMA_HEAP,
	BENCH_UDMABUF,
	BENCH_MEMFD,
};

enum bench_op {
	BENCH_OP_ALLOC,
	BENCH_OP_TOUCH,
	BENCH_OP_SHARE,
	BENCH_OP_MMAP,
	BENCH_OP_KMAP,
	BENCH_OP_SUSTAINED_ALLOC,
	BENCH_OP_SUSTAINED_TOUCH,
	BENCH_OP_PIPELINE,
	BENCH_OP_MIXED,
	BENCH_OP_LOOKUP,
	BENCH_OP_OPEN,
	BENCH_OP_THREADS,
	BENCH_NR_RUN_OPS,
	/* rows only, written by the operations above */
	BENCH_OP_SUSTAINED_ALLOC_CPU = BENCH_NR_RUN_OPS,
	BENCH_OP_SUSTAINED_TOUCH_CPU,
	BENCH_OP_PIPELINE_P99,
	BENCH_OP_PIPELINE_MAX,
	BENCH_OP_MIXED_P99,
	BENCH_OP_MIXED_OP,
	BENCH_OP_LOOKUP_P99,
	BENCH_OP_LOOKUP_HOT,
	BENCH_OP_LOOKUP_HOT_P99,
	BENCH_OP_LOOKUP_IOCTL,
	BENCH_OP_OPEN_P99,
	BENCH_OP_THREADS_2,
	BENCH_OP_CPUS,
	BENCH_NR_OPS,
};

static const char * const bench_op_names[] = {
	[BENCH_OP_ALLOC] = "alloc",
	[BENCH_OP_TOUCH] = "touch",
	[BENCH_OP_SHARE] = "share",
	[BENCH_OP_MMAP] = "mmap",
	[BENCH_OP_KMAP] = "kmap",
	[BENCH_OP_SUSTAINED_ALLOC] = "sustained-alloc",
	[BENCH_OP_SUSTAINED_TOUCH] = "sustained-touch",
	[BENCH_OP_PIPELINE] = "pipeline",
	[BENCH_OP_MIXED] = "mixed",
	[BENCH_OP_LOOKUP] = "lookup",
	[BENCH_OP_OPEN] = "open",
	[BENCH_OP_THREADS] = "threads",
	[BENCH_OP_SUSTAINED_ALLOC_CPU] = "sustained-alloc-cpu",
	[BENCH_OP_SUSTAINED_TOUCH_CPU] = "sustained-touch-cpu",
	[BENCH_OP_PIPELINE_P99] = "pipeline-p99",
	[BENCH_OP_PIPELINE_MAX] = "pipeline-max",
	[BENCH_OP_MIXED_P99] = "mixed-p99",
	[BENCH_OP_MIXED_OP] = "mixed-op",
	[BENCH_OP_LOOKUP_P99] = "lookup-p99",
	[BENCH_OP_LOOKUP_HOT] = "lookup-hot",
	[BENCH_OP_LOOKUP_HOT_P99] = "lookup-hot-p99",
	[BENCH_OP_LOOKUP_IOCTL] = "lookup-ioctl",
	[BENCH_OP_OPEN_P99] = "open-p99",
	[BENCH_OP_THREADS_2] = "threads-2",
	[BENCH_OP_CPUS] = "cpus",
};

/* The operations run when --ops is not given. */
static const bool bench_default_ops[BENCH_NR_OPS] = {
	[BENCH_OP_ALLOC] = true,
	[BENCH_OP_TOUCH] = true,
	[BENCH_OP_SHARE] = true,
};

enum bench_state {
	BENCH_COLD,
	BENCH_WARM,
	BENCH_NR_STATES,
};

static const char * const bench_state_names[] = {
	[BENCH_COLD] = "cold",
	[BENCH_WARM] = "warm",
};

/* One way of getting a buffer. */
struct bench_alloc {
	char name[BENCH_NAME_LEN];
	enum bench_kind kind;
	int dev_fd;
	unsigned int heap_id;
	unsigned int heap_type;
	char heap_name[MAX_HEAP_NAME];
	bool reports_deferred;
};

/* One measured case, as in the CSV file. */
struct bench_result {
	char alloc[BENCH_NAME_LEN];
	char state[16];
	char op[24];
	unsigned long long size;
	double median_us;
	double p10_us;
	double p90_us;
	int n;
};

struct bench_results {
	struct bench_result *r;
	int nr;
	int cap;
};

static struct {
	unsigned long long sizes[BENCH_MAX_SIZES];
	int nr_sizes;
	bool ops[BENCH_NR_OPS];
	bool states[BENCH_NR_STATES];
	const char *filter;
	int reps;
	int warmup;
	double budget_s;
	const char *csv;
	unsigned long long target_min;
	unsigned long long touch_max;
	bool prefault;
	bool ion_cached;
	double sustain_s;
	unsigned long long mixed_cap;
	int lookup_handles;
	int open_clients;
} bench_opts = {
	.sizes = { 4096, 65536, 1 << 20, 8 << 20, 64 << 20 },
	.nr_sizes = 5,
	.states = { true, true },
	/*
	 * Within a boot the p10-p90 spread of one case is often +-30 %: with
	 * 15 repetitions the median of a ratio moved by 10 % between boots,
	 * with 51 by about 5 %.  The budget keeps the large sizes short.
	 */
	.reps = 51,
	.warmup = 3,
	.budget_s = 2.0,
	.csv = "ion_bench.csv",
	.target_min = 1 << 20,
	.touch_max = ~0ULL,
	.prefault = true,
	.sustain_s = 2.0,
	.mixed_cap = 64ULL << 20,
	.lookup_handles = 100000,
	.open_clients = 10000,
};

static struct bench_alloc bench_allocs[BENCH_MAX_ALLOCS];
static int bench_nr_allocs;
/* The ION ABI /dev/ion answers: fd ABI ALLOC, legacy ABI (for IMPORT). */
static bool bench_ion_fd_abi;
static bool bench_ion_legacy;
/* The allocator names the ratio table compares. */
static char bench_ratio_num[BENCH_NAME_LEN];
static const char bench_ratio_den[] = "dma-heap:system";
static int bench_drop_fd = -1;
/* The order of the allocators in each round of a case, see bench_cases(). */
static unsigned int bench_rng_state = 1;

/* A new order of the @n entries of @order (Fisher-Yates, from a fixed start). */
static void bench_shuffle(int *order, int n)
{
	int i, j, k;

	for (i = n - 1; i > 0; i--) {
		j = rand_r(&bench_rng_state) % (i + 1);
		k = order[i];
		order[i] = order[j];
		order[j] = k;
	}
}

static double bench_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void bench_sleep_ms(unsigned int ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (ms % 1000) * 1000000L,
	};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int bench_ioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : ret;
}

static const char *bench_size_str(unsigned long long size, char *buf,
				  size_t len)
{
	if (size >= (1ULL << 30) && !(size % (1ULL << 30)))
		snprintf(buf, len, "%lluG", size >> 30);
	else if (size >= (1ULL << 20) && !(size % (1ULL << 20)))
		snprintf(buf, len, "%lluM", size >> 20);
	else if (size >= 1024 && !(size % 1024))
		snprintf(buf, len, "%lluK", size >> 10);
	else
		snprintf(buf, len, "%llu", size);
	return buf;
}

static int bench_parse_size(const char *s, unsigned long long *size)
{
	unsigned long long v;
	unsigned int shift;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	default:
		shift = 0;
	}
	if (shift)
		end++;
	if (*end || !v || v > (1ULL << (40 - shift)))
		return -EINVAL;
	*size = v << shift;
	return 0;
}

/* Allocator setup. */

static struct bench_alloc *bench_add(const char *name, enum bench_kind kind,
				     int dev_fd)
{
	struct bench_alloc *a;

	if (bench_nr_allocs == BENCH_MAX_ALLOCS)
		return NULL;
	a = &bench_allocs[bench_nr_allocs++];
	memset(a, 0, sizeof(*a));
	snprintf(a->name, sizeof(a->name), "%s", name);
	a->kind = kind;
	a->dev_fd = dev_fd;
	return a;
}

static bool bench_wanted(const char *name)
{
	const char *p = bench_opts.filter;
	size_t len;

	if (!p)
		return true;
	while (*p) {
		len = strcspn(p, ",");
		if (len && !strncmp(name, p, len))
			return true;
		p += len;
		if (*p)
			p++;
	}
	return false;
}

/* Reads the heap's debugfs file; -1 when it has no @key line. */
static long long bench_ion_debugfs_value(const struct bench_alloc *a,
					 const char *key)
{
	char path[256], buf[8192];
	long long v = -1;
	ssize_t len;
	char *p;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", bench_ion_debugfs, a->heap_name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = '\0';
	p = strstr(buf, key);
	if (p && sscanf(p + strlen(key), " %lld", &v) != 1)
		v = -1;
	return v;
}

/*
 * Keeps the CPU busy with cheap system calls for BENCH_SPIN_US before a timed
 * repetition.  Waiting for deferred frees (or drop_caches) may have let the
 * CPU go idle, and the first system calls after idle cost several times
 * what they cost afterwards (in UML 50 to 70 us instead of 7, the host's
 * CPU waking up and its caches refilling): without this the heaps that make
 * the benchmark wait would pay it inside their timed window and the others
 * would not.
 */
static void bench_spin_up(void)
{
	double end = bench_now_us() + BENCH_SPIN_US;

	while (bench_now_us() < end)
		getppid();
}

/* Waits until the heap has no deferred frees left, when it reports them. */
static void bench_ion_settle(struct bench_alloc *a)
{
	static bool warned;
	int ms;

	if (a->kind != BENCH_ION || !a->reports_deferred)
		return;
	for (ms = 0; ms < BENCH_SETTLE_MS; ms++) {
		if (bench_ion_debugfs_value(a, "deferred free:") <= 0)
			return;
		bench_sleep_ms(1);
	}
	if (!warned)
		fprintf(stderr, "ion_bench: %s: deferred frees left after %d ms, measuring\n",
			a->name, BENCH_SETTLE_MS);
	warned = true;
}

/*
 * Waits for the deferred frees of every heap, not only the one about to be
 * timed: a heap's background work (zeroing on another CPU, or in UML the
 * same one) must not run in another allocator's timed window either.
 */
static void bench_settle_all(void)
{
	int i;

	for (i = 0; i < bench_nr_allocs; i++)
		bench_ion_settle(&bench_allocs[i]);
}

static int bench_ion_add_heap(int fd, const char *name, unsigned int id,
			      unsigned int type)
{
	char label[BENCH_NAME_LEN];
	struct bench_alloc *a;

	snprintf(label, sizeof(label), "ion:%s", name);
	if (!bench_wanted(label))
		return 0;
	a = bench_add(label, BENCH_ION, fd);
	if (!a)
		return -ENOSPC;
	a->heap_id = id;
	a->heap_type = type;
	snprintf(a->heap_name, sizeof(a->heap_name), "%s", name);
	a->reports_deferred = bench_ion_debugfs_value(a, "deferred free:") >= 0;
	if (type == ION_HEAP_TYPE_SYSTEM && !bench_ratio_num[0])
		snprintf(bench_ratio_num, sizeof(bench_ratio_num), "%s", label);
	return 0;
}

static int bench_buf_alloc(const struct bench_alloc *a,
			   unsigned long long size, int *buf_fd);

/* Only the legacy ABI: find the heaps by allocating a page from each id. */
static void bench_ion_probe_legacy(int fd)
{
	struct bench_alloc probe = { .kind = BENCH_ION, .dev_fd = fd };
	char name[MAX_HEAP_NAME];
	unsigned int id;
	int buf_fd;

	for (id = 0; id < ION_NUM_HEAP_IDS; id++) {
		probe.heap_id = id;
		if (bench_buf_alloc(&probe, BENCH_PAGE, &buf_fd) < 0)
			continue;
		close(buf_fd);
		snprintf(name, sizeof(name), "heap%u", id);
		bench_ion_add_heap(fd, name, id,
				   id ? ION_HEAP_TYPE_CUSTOM : ION_HEAP_TYPE_SYSTEM);
	}
}

static void bench_ion_probe(void)
{
	struct ion_new_allocation_data nad = {
		.len = BENCH_PAGE,
		.heap_id_mask = ~0U,
	};
	struct ion_handle_data hd = { .handle = 0 };
	struct ion_heap_query q = { 0 };
	struct ion_heap_data *heaps;
	unsigned int i;
	int fd, ret;

	fd = open(bench_ion_dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		printf("skip ion: %s: %s\n", bench_ion_dev, strerror(errno));
		return;
	}
	/* FREE exists only in the legacy ABI; handle 0 is never valid. */
	bench_ion_legacy = bench_ioctl(fd, ION_IOC_FREE, &hd) != -ENOTTY;
	ret = bench_ioctl(fd, ION_IOC_NEW_ALLOC, &nad);
	if (ret >= 0)
		close((int)nad.fd);
	bench_ion_fd_abi = ret != -ENOTTY;
	if (!bench_ion_fd_abi && !bench_ion_legacy) {
		printf("skip ion: %s answers neither ION ABI\n", bench_ion_dev);
		close(fd);
		return;
	}
	printf("ion: allocating with the %s ABI; share imports with %s\n",
	       bench_ion_fd_abi ? "4.12 fd" : "legacy handle",
	       bench_ion_legacy ? "ION_IOC_IMPORT" : "mmap");

	ret = bench_ioctl(fd, ION_IOC_HEAP_QUERY, &q);
	if (ret == -ENOTTY) {
		bench_ion_probe_legacy(fd);
		return;
	}
	if (ret < 0 || !q.cnt) {
		printf("skip ion: ION_IOC_HEAP_QUERY: %s\n",
		       ret < 0 ? strerror(-ret) : "no heaps");
		close(fd);
		return;
	}
	heaps = calloc(q.cnt, sizeof(*heaps));
	if (!heaps) {
		close(fd);
		return;
	}
	q.heaps = (unsigned long)heaps;
	ret = bench_ioctl(fd, ION_IOC_HEAP_QUERY, &q);
	for (i = 0; ret >= 0 && i < q.cnt; i++) {
		heaps[i].name[MAX_HEAP_NAME - 1] = '\0';
		bench_ion_add_heap(fd, heaps[i].name, heaps[i].heap_id,
				   heaps[i].type);
	}
	free(heaps);
}

static void bench_probe(void)
{
	int fd;

	bench_ion_probe();
	if (bench_wanted(bench_ratio_den)) {
		fd = open(bench_dma_heap_dev, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			printf("skip %s: %s: %s\n", bench_ratio_den,
			       bench_dma_heap_dev, strerror(errno));
		else
			bench_add(bench_ratio_den, BENCH_DMA_HEAP, fd);
	}
	if (bench_wanted("udmabuf")) {
		fd = open(bench_udmabuf_dev, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			printf("skip udmabuf: %s: %s\n", bench_udmabuf_dev,
			       strerror(errno));
		else
			bench_add("udmabuf", BENCH_UDMABUF, fd);
	}
	if (bench_wanted("memfd"))
		bench_add("memfd", BENCH_MEMFD, -1);

	if (bench_opts.states[BENCH_COLD]) {
		bench_drop_fd = open(bench_drop_caches, O_WRONLY | O_CLOEXEC);
		if (bench_drop_fd < 0) {
			printf("skip cold pools: %s: %s\n", bench_drop_caches,
			       strerror(errno));
			bench_opts.states[BENCH_COLD] = false;
		}
	}
}

/* Buffers. */

static int bench_memfd(unsigned long long size, unsigned int flags)
{
	int fd, ret;

	fd = memfd_create("ion_bench", MFD_CLOEXEC | flags);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, size) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

static int bench_udmabuf(const struct bench_alloc *a, unsigned long long size)
{
	struct udmabuf_create create = {
		.flags = UDMABUF_FLAGS_CLOEXEC,
		.size = size,
	};
	int memfd, ret;

	memfd = bench_memfd(size, MFD_ALLOW_SEALING);
	if (memfd < 0)
		return memfd;
	if (fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK) < 0) {
		ret = -errno;
		goto close_memfd;
	}
	create.memfd = memfd;
	ret = bench_ioctl(a->dev_fd, UDMABUF_CREATE, &create);
close_memfd:
	close(memfd);
	return ret;
}

/* A legacy handle in the client of @ion_fd; 0 or -errno. */
static int bench_ion_handle_alloc(const struct bench_alloc *a, int ion_fd,
				  unsigned long long size, int *handle)
{
	struct ion_allocation_data ad = {
		.len = size,
		.heap_id_mask = ION_HEAP(a->heap_id),
		.flags = bench_opts.ion_cached ? ION_FLAG_CACHED : 0,
	};
	int ret;

	ret = bench_ioctl(ion_fd, ION_IOC_ALLOC, &ad);
	if (ret < 0)
		return ret;
	*handle = ad.handle;
	return 0;
}

/* The dma-buf fd of a legacy handle (ION_IOC_SHARE), or -errno. */
static int bench_ion_share(int ion_fd, int handle)
{
	struct ion_fd_data fdd = { .handle = handle };
	int ret;

	ret = bench_ioctl(ion_fd, ION_IOC_SHARE, &fdd);
	return ret < 0 ? ret : fdd.fd;
}

static int bench_ion_legacy_alloc(const struct bench_alloc *a,
				  unsigned long long size)
{
	struct ion_handle_data hd;
	int handle, ret;

	ret = bench_ion_handle_alloc(a, a->dev_fd, size, &handle);
	if (ret < 0)
		return ret;
	ret = bench_ion_share(a->dev_fd, handle);
	/* The fd holds the buffer now; the handle is not needed. */
	hd.handle = handle;
	bench_ioctl(a->dev_fd, ION_IOC_FREE, &hd);
	return ret;
}

static int bench_buf_alloc(const struct bench_alloc *a,
			   unsigned long long size, int *buf_fd)
{
	struct ion_new_allocation_data nad = {
		.len = size,
		.heap_id_mask = ION_HEAP(a->heap_id),
		.flags = bench_opts.ion_cached ? ION_FLAG_CACHED : 0,
	};
	struct dma_heap_allocation_data dhd = {
		.len = size,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};
	int ret;

	switch (a->kind) {
	case BENCH_ION:
		if (!bench_ion_fd_abi) {
			ret = bench_ion_legacy_alloc(a, size);
			break;
		}
		ret = bench_ioctl(a->dev_fd, ION_IOC_NEW_ALLOC, &nad);
		if (ret >= 0)
			ret = (int)nad.fd;
		break;
	case BENCH_DMA_HEAP:
		ret = bench_ioctl(a->dev_fd, DMA_HEAP_IOCTL_ALLOC, &dhd);
		if (ret >= 0)
			ret = (int)dhd.fd;
		break;
	case BENCH_UDMABUF:
		ret = bench_udmabuf(a, size);
		break;
	case BENCH_MEMFD:
		ret = bench_memfd(size, 0);
		break;
	default:
		ret = -EINVAL;
	}
	if (ret < 0)
		return ret;
	*buf_fd = ret;
	return 0;
}

static int bench_touch(int buf_fd, unsigned long long size)
{
	unsigned long long off;
	char *p;

	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, buf_fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	for (off = 0; off < size; off += BENCH_PAGE)
		p[off] = 1;
	/* p escapes into munmap(): the stores cannot be optimised away. */
	munmap(p, size);
	return 0;
}

/* mmap and munmap of the whole buffer, no page touched. */
static int bench_map(int buf_fd, unsigned long long size)
{
	void *p;

	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, buf_fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	munmap(p, size);
	return 0;
}

/*
 * The kernel mapping of the whole buffer: hon_zone's ION_INIT imports and
 * maps it (vmap), ION_DEINIT unmaps and drops it.  One zone, opened on
 * first use, serves every allocator.
 */
static int bench_kmap(int buf_fd)
{
	static int zone_fd = -1;
	int ret;

	if (zone_fd < 0) {
		zone_fd = open(bench_zone_dev, O_RDWR | O_CLOEXEC);
		if (zone_fd < 0)
			return -errno;
	}
	ret = bench_ioctl(zone_fd, HON_ZONE_ION_INIT, &buf_fd);
	if (ret < 0)
		return ret;
	ret = bench_ioctl(zone_fd, HON_ZONE_ION_DEINIT, NULL);
	return ret < 0 ? ret : 0;
}

/* The fd passing. */

static int bench_send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char byte = 'f';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -errno;
}

/* 1 with the fd in @fd, 0 at the end of the stream, or -errno. */
static int bench_recv_fd(int sock, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg;
	ssize_t len;

	len = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	if (len <= 0)
		return len < 0 ? -errno : 0;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		return -EPROTO;
	memcpy(fd, CMSG_DATA(cmsg), sizeof(int));
	return 1;
}

/* The importing process: one reply byte per fd, 0 or an errno. */
static void bench_child(int sock, const struct bench_alloc *a,
			unsigned long long size)
{
	bool ion_import = a->kind == BENCH_ION && bench_ion_legacy;
	struct ion_handle_data hd;
	struct ion_fd_data fdd;
	int ion_fd = -1, fd = -1, err, ret;
	unsigned char reply;
	void *p;

	if (ion_import) {
		ion_fd = open(bench_ion_dev, O_RDONLY | O_CLOEXEC);
		if (ion_fd < 0)
			_exit(1);
	}
	while ((ret = bench_recv_fd(sock, &fd)) > 0) {
		err = 0;
		if (ion_import) {
			fdd.fd = fd;
			err = bench_ioctl(ion_fd, ION_IOC_IMPORT, &fdd);
			if (!err) {
				hd.handle = fdd.handle;
				err = bench_ioctl(ion_fd, ION_IOC_FREE, &hd);
			}
		} else {
			p = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
			if (p == MAP_FAILED)
				err = -errno;
			else
				munmap(p, size);
		}
		close(fd);
		reply = -err;
		if (write(sock, &reply, 1) != 1)
			_exit(1);
	}
	_exit(ret < 0);
}

struct bench_peer {
	int sock;
	pid_t pid;
};

static int bench_peer_start(struct bench_peer *peer,
			    const struct bench_alloc *a,
			    unsigned long long size)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	peer->pid = fork();
	if (peer->pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return -errno;
	}
	if (!peer->pid) {
		close(sv[0]);
		bench_child(sv[1], a, size);
	}
	close(sv[1]);
	peer->sock = sv[0];
	return 0;
}

static void bench_peer_stop(struct bench_peer *peer)
{
	close(peer->sock);
	waitpid(peer->pid, NULL, 0);
}

static int bench_share(const struct bench_peer *peer, int buf_fd)
{
	unsigned char reply;
	int ret;

	ret = bench_send_fd(peer->sock, buf_fd);
	if (ret < 0)
		return ret;
	if (read(peer->sock, &reply, 1) != 1)
		return -EPIPE;
	return -(int)reply;
}

/* Results. */

static int bench_results_add(struct bench_results *res,
			     const struct bench_result *r)
{
	struct bench_result *n;

	if (res->nr == res->cap) {
		res->cap = res->cap ? 2 * res->cap : 64;
		n = realloc(res->r, res->cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		res->r = n;
	}
	res->r[res->nr++] = *r;
	return 0;
}

static int bench_cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return (x > y) - (x < y);
}

static int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of the @n values of @v, which it sorts. */
static double bench_median_of(double *v, int n)
{
	qsort(v, n, sizeof(*v), bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Sorts @v; the median, and p10 and p90 by the nearest-rank method. */
static void bench_stats(double *v, int n, struct bench_result *r)
{
	int i10, i90;

	r->median_us = bench_median_of(v, n);
	i10 = (int)ceil(0.1 * n) - 1;
	i90 = (int)ceil(0.9 * n) - 1;
	r->p10_us = v[i10 < 0 ? 0 : i10];
	r->p90_us = v[i90 < 0 ? 0 : i90];
	r->n = n;
}

static void bench_drop(void)
{
	/* not opened: the cold pools were not asked for */
	if (bench_drop_fd < 0)
		return;
	if (pwrite(bench_drop_fd, "3\n", 2, 0) != 2)
		fprintf(stderr, "ion_bench: %s: %s\n", bench_drop_caches,
			strerror(errno));
}

/* One timed repetition of @op; -errno when the allocation failed. */
static int bench_once(const struct bench_alloc *a, enum bench_op op,
		      unsigned long long size, const struct bench_peer *peer,
		      double *us)
{
	double t0;
	int buf_fd, ret;

	if (op == BENCH_OP_MMAP || op == BENCH_OP_KMAP) {
		/* only the mapping is timed, not the allocation */
		ret = bench_buf_alloc(a, size, &buf_fd);
		if (ret < 0)
			return ret;
		t0 = bench_now_us();
		if (op == BENCH_OP_MMAP)
			ret = bench_map(buf_fd, size);
		else
			ret = bench_kmap(buf_fd);
		*us = bench_now_us() - t0;
		close(buf_fd);
		return ret;
	}

	t0 = bench_now_us();
	ret = bench_buf_alloc(a, size, &buf_fd);
	if (ret < 0)
		return ret;
	if (op == BENCH_OP_TOUCH)
		ret = bench_touch(buf_fd, size);
	else if (op == BENCH_OP_SHARE)
		ret = bench_share(peer, buf_fd);
	close(buf_fd);
	*us = bench_now_us() - t0;
	return ret;
}

static void bench_warm_up(struct bench_alloc *a, unsigned long long size)
{
	int i, buf_fd;

	for (i = 0; i < bench_opts.warmup; i++) {
		if (bench_buf_alloc(a, size, &buf_fd) < 0)
			break;
		close(buf_fd);
	}
}

/* One allocator's part of an interleaved case. */
struct bench_slot {
	struct bench_alloc *a;
	struct bench_peer peer;
	double *samples;
	double used;
	int n;
	int err;
	bool done;
};

static void bench_slot_report(struct bench_slot *slot, enum bench_op op,
			      enum bench_state state, unsigned long long size,
			      struct bench_result *r)
{
	struct bench_alloc *a = slot->a;
	long long pool = -1;
	char sz[24];

	bench_size_str(size, sz, sizeof(sz));
	memcpy(r->alloc, a->name, sizeof(r->alloc));
	snprintf(r->state, sizeof(r->state), "%s", bench_state_names[state]);
	snprintf(r->op, sizeof(r->op), "%s", bench_op_names[op]);
	r->size = size;
	bench_stats(slot->samples, slot->n, r);
	fprintf(stderr, "ion_bench: %-5s %-5s %4s %-26s median %10.1f us n=%d",
		r->op, r->state, sz, r->alloc, r->median_us, slot->n);
	if (a->kind == BENCH_ION && state == BENCH_WARM) {
		/* What the pools hold once the last free went through. */
		bench_ion_settle(a);
		pool = bench_ion_debugfs_value(a, "pool total:");
	}
	if (pool >= 0)
		fprintf(stderr, " (pool total %lld bytes)", pool);
	fprintf(stderr, "\n");
}

/*
 * Stops the importing processes, last started first: each one inherited the
 * sockets of the ones started before it, which see the end of their input
 * only once it has closed them.
 */
static void bench_stop_peers(struct bench_slot *slots)
{
	int i;

	for (i = bench_nr_allocs - 1; i >= 0; i--) {
		if (slots[i].peer.sock >= 0)
			bench_peer_stop(&slots[i].peer);
		slots[i].peer.sock = -1;
	}
}

/*
 * Runs one case (operation, pool state, size) for every allocator,
 * interleaved: each round gives every allocator still running one timed
 * repetition, in an order shuffled anew each round.  Whatever drifts
 * during a run (the host backing the guest's memory as it is first
 * touched, other load) then weighs on all allocators alike instead of on
 * whichever ran first, and no allocator always follows the same one: an
 * allocator gets from the page allocator what the one before it freed
 * (order-8 blocks still in the CPU caches, or order-0 pages in the per-CPU
 * lists), which in a fixed order made the same heap look 30 % slower or
 * faster depending on its neighbour.  An allocator stops after --reps repetitions, or
 * after three once it has used --budget seconds, or at its first failed
 * allocation (it is skipped, saying so).  Returns -errno on a setup error.
 */
static int bench_cases(enum bench_op op, enum bench_state state,
		       unsigned long long size, struct bench_results *res)
{
	struct bench_slot *slots, *slot;
	int i, k, round, running, ret = 0;
	int order[BENCH_MAX_ALLOCS];
	struct bench_result r;
	char sz[24];

	slots = calloc(bench_nr_allocs, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	for (i = 0; i < bench_nr_allocs; i++)
		order[i] = i;
	for (i = 0; i < bench_nr_allocs; i++) {
		slot = &slots[i];
		slot->a = &bench_allocs[i];
		slot->peer.sock = -1;
		slot->samples = calloc(bench_opts.reps, sizeof(*slot->samples));
		if (!slot->samples) {
			ret = -ENOMEM;
			goto free_slots;
		}
		if (op == BENCH_OP_SHARE) {
			ret = bench_peer_start(&slot->peer, slot->a, size);
			if (ret < 0) {
				fprintf(stderr, "ion_bench: socket/fork: %s\n",
					strerror(-ret));
				goto free_slots;
			}
		}
		if (state == BENCH_WARM)
			bench_warm_up(slot->a, size);
	}

	for (round = 0; round < bench_opts.reps; round++) {
		running = 0;
		/* from a fixed start: runs are repeatable */
		bench_shuffle(order, bench_nr_allocs);
		for (k = 0; k < bench_nr_allocs; k++) {
			slot = &slots[order[k]];
			if (slot->done)
				continue;
			bench_settle_all();
			if (state == BENCH_COLD)
				bench_drop();
			bench_spin_up();
			ret = bench_once(slot->a, op, size, &slot->peer,
					 &slot->samples[slot->n]);
			if (ret < 0) {
				slot->err = ret;
				slot->done = true;
				continue;
			}
			slot->used += slot->samples[slot->n++];
			if (slot->n >= BENCH_MIN_REPS &&
			    slot->used >= bench_opts.budget_s * 1e6)
				slot->done = true;
			running++;
		}
		if (!running)
			break;
	}
	bench_stop_peers(slots);

	ret = 0;
	bench_size_str(size, sz, sizeof(sz));
	for (i = 0; i < bench_nr_allocs; i++) {
		slot = &slots[i];
		if (slot->err) {
			printf("skip %s %s %s %s: %s\n", slot->a->name,
			       bench_state_names[state], bench_op_names[op], sz,
			       strerror(-slot->err));
			continue;
		}
		bench_slot_report(slot, op, state, size, &r);
		if (bench_results_add(res, &r)) {
			ret = -ENOMEM;
			break;
		}
	}
free_slots:
	bench_stop_peers(slots);
	for (i = 0; i < bench_nr_allocs; i++)
		free(slots[i].samples);
	free(slots);
	return ret;
}

/*
 * The whole machine's busy time so far in microseconds (every CPU, kernel
 * threads and interrupts included: user, nice, system, irq, softirq and
 * steal of /proc/stat's "cpu" line), or a negative value.
 */
static double bench_busy_us(void)
{
	unsigned long long v[8] = { 0 };
	char line[256];
	FILE *f;
	int n;

	f = fopen(bench_proc_stat, "re");
	if (!f)
		return -1;
	n = fgets(line, sizeof(line), f) ?
		sscanf(line, "cpu %llu %llu %llu %llu %llu %llu %llu %llu",
		       &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) : 0;
	fclose(f);
	if (n < 4)
		return -1;
	/* v[3] idle and v[4] iowait are not busy */
	return (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) * 1e6 /
	       sysconf(_SC_CLK_TCK);
}

#define BENCH_SUSTAIN_SLICES	4

/* One allocator's totals in a sustained case. */
struct bench_sustain {
	unsigned long long ops;
	double wall_us;
	double busy_us;
	int err;
};

/*
 * Back to back for one slice: allocate (and with @touch map, write a byte
 * per page, unmap) and close, with no pause and no waiting for deferred
 * frees, until the slice is over (at least once).  The background work
 * left behind (deferred frees) is waited for afterwards and counted in the
 * busy time, not in the wall time.
 */
static void bench_sustain_slice(const struct bench_alloc *a, bool touch,
				unsigned long long size, double slice_us,
				struct bench_sustain *t)
{
	double busy0, t0, now;
	int buf_fd, ret;

	bench_settle_all();
	busy0 = bench_busy_us();
	t0 = bench_now_us();
	do {
		ret = bench_buf_alloc(a, size, &buf_fd);
		if (ret < 0) {
			t->err = ret;
			return;
		}
		if (touch)
			ret = bench_touch(buf_fd, size);
		close(buf_fd);
		if (ret < 0) {
			t->err = ret;
			return;
		}
		t->ops++;
		now = bench_now_us();
	} while (now - t0 < slice_us);
	t->wall_us += now - t0;
	bench_settle_all();
	t->busy_us += bench_busy_us() - busy0;
}

static void bench_sustain_row(struct bench_result *r, const char *alloc,
			      enum bench_op op, unsigned long long size,
			      double us, unsigned long long ops)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->alloc, sizeof(r->alloc), "%s", alloc);
	snprintf(r->state, sizeof(r->state), "%s", bench_state_names[BENCH_WARM]);
	snprintf(r->op, sizeof(r->op), "%s", bench_op_names[op]);
	r->size = size;
	r->median_us = us;
	r->p10_us = us;
	r->p90_us = us;
	r->n = ops > INT_MAX ? INT_MAX : (int)ops;
}

/*
 * sustained-alloc / sustained-touch: every allocator runs back to back for
 * --sustain seconds in all, in slices taken in turns (shuffled each
 * round).  Two rows per allocator: the wall time per operation (1e6 / the
 * operations per second) and the busy time of the whole machine per
 * operation (the -cpu row), both under state "warm" (the pools are in
 * whatever state the loop keeps them).
 */
static int bench_sustained(enum bench_op op, unsigned long long size,
			   struct bench_results *res)
{
	bool touch = op == BENCH_OP_SUSTAINED_TOUCH;
	double slice_us = bench_opts.sustain_s * 1e6 / BENCH_SUSTAIN_SLICES;
	struct bench_sustain t[BENCH_MAX_ALLOCS] = { 0 };
	int order[BENCH_MAX_ALLOCS], i, k, round;
	struct bench_result r;
	char sz[24];

	if (bench_busy_us() < 0)
		return -ENOENT;
	for (i = 0; i < bench_nr_allocs; i++)
		order[i] = i;
	for (round = 0; round < BENCH_SUSTAIN_SLICES; round++) {
		bench_shuffle(order, bench_nr_allocs);
		for (k = 0; k < bench_nr_allocs; k++) {
			i = order[k];
			if (!t[i].err)
				bench_sustain_slice(&bench_allocs[i], touch, size,
						    slice_us, &t[i]);
		}
	}

	bench_size_str(size, sz, sizeof(sz));
	for (i = 0; i < bench_nr_allocs; i++) {
		const char *name = bench_allocs[i].name;

		if (t[i].err || !t[i].ops) {
			printf("skip %s %s %s: %s\n", name, bench_op_names[op],
			       sz, strerror(t[i].err ? -t[i].err : EIO));
			continue;
		}
		fprintf(stderr, "ion_bench: %s %4s %-26s %8.0f ops/s, busy %8.1f us/op\n",
			bench_op_names[op], sz, name, t[i].ops * 1e6 / t[i].wall_us,
			t[i].busy_us / t[i].ops);
		bench_sustain_row(&r, name, op, size, t[i].wall_us / t[i].ops,
				  t[i].ops);
		if (bench_results_add(res, &r))
			return -ENOMEM;
		bench_sustain_row(&r, name, op + BENCH_OP_SUSTAINED_ALLOC_CPU -
				  BENCH_OP_SUSTAINED_ALLOC, size,
				  t[i].busy_us / t[i].ops, t[i].ops);
		if (bench_results_add(res, &r))
			return -ENOMEM;
	}
	return 0;
}

static int bench_add_row(struct bench_results *res, const char *alloc,
			 enum bench_op op, unsigned long long size, double us,
			 int n)
{
	struct bench_result r;

	bench_sustain_row(&r, alloc, op, size, us, n);
	return bench_results_add(res, &r);
}

/* The nearest-rank percentile @pct of the @n sorted values of @v. */
static double bench_pct(const double *v, int n, double pct)
{
	int i = (int)ceil(pct / 100 * n) - 1;

	return v[i < 0 ? 0 : i];
}

#define BENCH_PIPELINE_BUFS	4
#define BENCH_PIPELINE_FPS	30

/*
 * The warm state of the pipeline: its working set allocated and freed
 * once, untimed.  Two periods' buffers are live at once (a period's are
 * freed after the next period's are allocated), so a pool that is to serve
 * the steady state holds that many; the first periods of a run otherwise
 * take them from the page allocator, which is the pipeline's start-up, not
 * its steady state.
 */
static void bench_pipeline_warm(const struct bench_alloc *a,
				unsigned long long size)
{
	int fd[2 * BENCH_PIPELINE_BUFS], b, nr;

	for (nr = 0; nr < 2 * BENCH_PIPELINE_BUFS; nr++)
		if (bench_buf_alloc(a, size, &fd[nr]) < 0)
			break;
	for (b = 0; b < nr; b++)
		close(fd[b]);
}

/*
 * pipeline: a camera or codec pattern.  Every frame period (1/30 s) each
 * allocator allocates BENCH_PIPELINE_BUFS buffers of @size, each
 * allocation timed, frees the ones of the period before, and sleeps until
 * the next period; --sustain seconds of periods per allocator, in turns
 * of a quarter of that, each turn from the warm state
 * (bench_pipeline_warm()).  Rows: "pipeline" (median, p10, p90 of the
 * allocation latency), "pipeline-p99" and "pipeline-max".
 */
static int bench_pipeline(unsigned long long size, struct bench_results *res)
{
	const double period_us = 1e6 / BENCH_PIPELINE_FPS;
	int periods = bench_opts.sustain_s * BENCH_PIPELINE_FPS;
	int order[BENCH_MAX_ALLOCS], err[BENCH_MAX_ALLOCS] = { 0 };
	int held[BENCH_PIPELINE_BUFS], n[BENCH_MAX_ALLOCS] = { 0 };
	int i, k, b, p, round, slice, ret = 0;
	double *lat[BENCH_MAX_ALLOCS] = { NULL };
	struct bench_result r;
	double next, t0;
	char sz[24];

	if (periods < BENCH_SUSTAIN_SLICES)
		periods = BENCH_SUSTAIN_SLICES;
	slice = periods / BENCH_SUSTAIN_SLICES;
	for (i = 0; i < bench_nr_allocs; i++) {
		order[i] = i;
		lat[i] = calloc((size_t)slice * BENCH_SUSTAIN_SLICES *
				BENCH_PIPELINE_BUFS, sizeof(double));
		if (!lat[i]) {
			ret = -ENOMEM;
			goto free_lat;
		}
	}
	for (round = 0; round < BENCH_SUSTAIN_SLICES; round++) {
		bench_shuffle(order, bench_nr_allocs);
		for (k = 0; k < bench_nr_allocs; k++) {
			const struct bench_alloc *a = &bench_allocs[order[k]];
			int cur[BENCH_PIPELINE_BUFS];

			i = order[k];
			if (err[i])
				continue;
			bench_pipeline_warm(a, size);
			bench_settle_all();
			for (b = 0; b < BENCH_PIPELINE_BUFS; b++)
				held[b] = -1;
			next = bench_now_us();
			for (p = 0; p < slice && !err[i]; p++) {
				for (b = 0; b < BENCH_PIPELINE_BUFS; b++) {
					cur[b] = -1;
					t0 = bench_now_us();
					ret = bench_buf_alloc(a, size, &cur[b]);
					if (ret < 0) {
						err[i] = ret;
						break;
					}
					lat[i][n[i]++] = bench_now_us() - t0;
				}
				for (b = 0; b < BENCH_PIPELINE_BUFS; b++) {
					if (held[b] >= 0)
						close(held[b]);
					held[b] = cur[b];
				}
				next += period_us;
				t0 = bench_now_us();
				if (next > t0)
					bench_sleep_ms((unsigned int)((next - t0) / 1000));
			}
			for (b = 0; b < BENCH_PIPELINE_BUFS; b++)
				if (held[b] >= 0)
					close(held[b]);
		}
	}

	bench_size_str(size, sz, sizeof(sz));
	ret = 0;
	for (i = 0; i < bench_nr_allocs; i++) {
		const char *name = bench_allocs[i].name;

		if (err[i] || !n[i]) {
			printf("skip %s pipeline %s: %s\n", name, sz,
			       strerror(err[i] ? -err[i] : EIO));
			continue;
		}
		memset(&r, 0, sizeof(r));
		memcpy(r.alloc, name, sizeof(r.alloc));
		snprintf(r.state, sizeof(r.state), "%s",
			 bench_state_names[BENCH_WARM]);
		snprintf(r.op, sizeof(r.op), "%s", bench_op_names[BENCH_OP_PIPELINE]);
		r.size = size;
		bench_stats(lat[i], n[i], &r);
		fprintf(stderr,
			"ion_bench: pipeline %4s %-26s p50 %8.1f p99 %8.1f max %8.1f us n=%d\n",
			sz, name, r.median_us, bench_pct(lat[i], n[i], 99),
			lat[i][n[i] - 1], n[i]);
		if (bench_results_add(res, &r) ||
		    bench_add_row(res, name, BENCH_OP_PIPELINE_P99, size,
				  bench_pct(lat[i], n[i], 99), n[i]) ||
		    bench_add_row(res, name, BENCH_OP_PIPELINE_MAX, size,
				  lat[i][n[i] - 1], n[i])) {
			ret = -ENOMEM;
			break;
		}
	}
free_lat:
	for (i = 0; i < bench_nr_allocs; i++)
		free(lat[i]);
	return ret;
}

#define BENCH_MIXED_STEPS	2000
#define BENCH_MIXED_MAX_BUFS	512
#define BENCH_MIXED_MIN		BENCH_PAGE
#define BENCH_MIXED_MAX		(8ULL << 20)

/*
 * mixed: a working set of buffers of random sizes (pages, log-uniform from
 * 4 KiB to 8 MiB) under a total of --mixed-cap bytes, allocated and freed
 * in random order, BENCH_MIXED_STEPS steps; every allocator replays the
 * same sequence (one seed).  A step allocates when the next size fits under
 * the cap and a coin says so (or nothing is held), else frees a random
 * buffer.  Rows at size = the cap: "mixed" (median, p10, p90 of the
 * allocation latency), "mixed-p99", and "mixed-op", the wall time per step
 * (1e6 over the throughput in steps per second).
 */
static int bench_mixed(struct bench_results *res)
{
	unsigned long long cap = bench_opts.mixed_cap;
	static int fds[BENCH_MIXED_MAX_BUFS];
	static unsigned long long lens[BENCH_MIXED_MAX_BUFS];
	double *lat, t0, wall;
	int i, step, nr, n, ret = 0, a;
	unsigned long long held, len;
	unsigned int seed;
	struct bench_result r;
	char sz[24];

	lat = calloc(BENCH_MIXED_STEPS, sizeof(*lat));
	if (!lat)
		return -ENOMEM;
	bench_size_str(cap, sz, sizeof(sz));
	for (a = 0; a < bench_nr_allocs; a++) {
		const struct bench_alloc *al = &bench_allocs[a];

		bench_settle_all();
		seed = 12345;
		nr = 0;
		n = 0;
		held = 0;
		ret = 0;
		t0 = bench_now_us();
		for (step = 0; step < BENCH_MIXED_STEPS; step++) {
			double e = (double)rand_r(&seed) / RAND_MAX;
			bool coin = rand_r(&seed) & 1;
			double ta;

			len = (unsigned long long)(BENCH_MIXED_MIN *
				pow((double)BENCH_MIXED_MAX / BENCH_MIXED_MIN, e));
			len = (len + BENCH_PAGE - 1) & ~(BENCH_PAGE - 1);
			if (!nr || (coin && held + len <= cap &&
				    nr < BENCH_MIXED_MAX_BUFS)) {
				if (held + len > cap)
					continue;
				ta = bench_now_us();
				ret = bench_buf_alloc(al, len, &fds[nr]);
				if (ret < 0)
					break;
				lat[n++] = bench_now_us() - ta;
				lens[nr++] = len;
				held += len;
			} else {
				i = rand_r(&seed) % nr;
				close(fds[i]);
				held -= lens[i];
				fds[i] = fds[--nr];
				lens[i] = lens[nr];
			}
		}
		wall = bench_now_us() - t0;
		while (nr)
			close(fds[--nr]);
		if (ret < 0 || !n) {
			printf("skip %s mixed %s: %s\n", al->name, sz,
			       strerror(ret < 0 ? -ret : EIO));
			continue;
		}
		memset(&r, 0, sizeof(r));
		memcpy(r.alloc, al->name, sizeof(r.alloc));
		snprintf(r.state, sizeof(r.state), "%s",
			 bench_state_names[BENCH_WARM]);
		snprintf(r.op, sizeof(r.op), "%s", bench_op_names[BENCH_OP_MIXED]);
		r.size = cap;
		bench_stats(lat, n, &r);
		fprintf(stderr,
			"ion_bench: mixed %4s %-26s %8.0f steps/s, alloc p50 %8.1f p99 %8.1f us\n",
			sz, al->name, step * 1e6 / wall, r.median_us,
			bench_pct(lat, n, 99));
		if (bench_results_add(res, &r) ||
		    bench_add_row(res, al->name, BENCH_OP_MIXED_P99, cap,
				  bench_pct(lat, n, 99), n) ||
		    bench_add_row(res, al->name, BENCH_OP_MIXED_OP, cap,
				  wall / step, step)) {
			ret = -ENOMEM;
			break;
		}
		ret = 0;
	}
	free(lat);
	return ret < 0 ? ret : 0;
}

/* Scaling: how a cost grows with the handles or clients around it. */

#define BENCH_SCALE_SMALL	10
#define BENCH_SCALE_ROUNDS	4
#define BENCH_SCALE_CALLS	250
/* What the lookup client's handles leave free at the least. */
#define BENCH_LOOKUP_KEEP	(128ULL << 20)
/* fds besides the held clients: stdio, the allocators, the CSV */
#define BENCH_OPEN_SPARE	64

static unsigned long long bench_meminfo(const char *field);

/*
 * One side of a scaling case: the handles or clients, and its samples;
 * lookup's also the time of its ioctl alone, without the close().
 */
struct bench_scale {
	int count;
	double *lat;
	double *ioctl_lat;
	int n;
};

/* The allocator the ION-only cases use: the system heap, or the first. */
static const struct bench_alloc *bench_ion_alloc(void)
{
	const struct bench_alloc *first = NULL;
	int i;

	for (i = 0; i < bench_nr_allocs; i++) {
		if (bench_allocs[i].kind != BENCH_ION)
			continue;
		if (!strcmp(bench_allocs[i].name, bench_ratio_num))
			return &bench_allocs[i];
		if (!first)
			first = &bench_allocs[i];
	}
	return first;
}

/* @r: the warm row @op of @alloc at @sc's count, from the @sc->n samples @lat. */
static void bench_scale_result(struct bench_result *r, const char *alloc,
			       enum bench_op op, const struct bench_scale *sc,
			       double *lat)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->alloc, sizeof(r->alloc), "%s", alloc);
	snprintf(r->state, sizeof(r->state), "%s", bench_state_names[BENCH_WARM]);
	snprintf(r->op, sizeof(r->op), "%s", bench_op_names[op]);
	r->size = sc->count;
	bench_stats(lat, sc->n, r);
}

/* The rows of one side: @op (median, p10, p90) and @p99_op. */
static int bench_scale_rows(struct bench_results *res, const char *alloc,
			    enum bench_op op, enum bench_op p99_op,
			    struct bench_scale *sc)
{
	struct bench_result r;

	bench_scale_result(&r, alloc, op, sc, sc->lat);
	fprintf(stderr, "ion_bench: %s %6d %-20s p50 %8.2f p99 %8.2f us n=%d\n",
		r.op, sc->count, alloc, r.median_us,
		bench_pct(sc->lat, sc->n, 99), sc->n);
	if (bench_results_add(res, &r) ||
	    bench_add_row(res, alloc, p99_op, sc->count,
			  bench_pct(sc->lat, sc->n, 99), sc->n))
		return -ENOMEM;
	return 0;
}

/* lookup's row of the ioctl alone: median, p10, p90 per call. */
static int bench_lookup_ioctl_row(struct bench_results *res, const char *alloc,
				  struct bench_scale *sc)
{
	struct bench_result r;

	bench_scale_result(&r, alloc, BENCH_OP_LOOKUP_IOCTL, sc, sc->ioctl_lat);
	return bench_results_add(res, &r) ? -ENOMEM : 0;
}

/* Up to @want 4 KiB handles in the client of @ion_fd, while memory lasts. */
static int bench_lookup_fill(const struct bench_alloc *a, int ion_fd,
			     int *handles, int want)
{
	int n;

	for (n = 0; n < want; n++) {
		if (!(n % 1024) &&
		    bench_meminfo("MemAvailable:") < BENCH_LOOKUP_KEEP)
			break;
		if (bench_ion_handle_alloc(a, ion_fd, BENCH_PAGE, &handles[n]) < 0)
			break;
	}
	return n;
}

/*
 * BENCH_SCALE_CALLS timed lookups of random handles of one client, among
 * its first @pick handles.
 */
static int bench_lookup_block(int ion_fd, const int *handles, int pick,
			      struct bench_scale *sc)
{
	int i, h, fd;
	double t0, t1;

	bench_spin_up();
	for (i = 0; i < BENCH_SCALE_CALLS; i++) {
		h = handles[rand_r(&bench_rng_state) % pick];
		t0 = bench_now_us();
		fd = bench_ion_share(ion_fd, h);
		if (fd < 0)
			return fd;
		t1 = bench_now_us();
		close(fd);
		if (sc->ioctl_lat)
			sc->ioctl_lat[sc->n] = t1 - t0;
		sc->lat[sc->n++] = bench_now_us() - t0;
	}
	return 0;
}

/*
 * lookup: two clients, one with BENCH_SCALE_SMALL handles and one with
 * --lookup-handles (or as many as memory allows), timed in blocks taken
 * in turns, BENCH_SCALE_ROUNDS each; and a third side, BENCH_SCALE_SMALL
 * handles of the large client (sc[2], handles[1]).
 */
static int bench_lookup(struct bench_results *res)
{
	const struct bench_alloc *a = bench_ion_alloc();
	struct bench_scale sc[3] = {
		{ .count = BENCH_SCALE_SMALL },
		{ .count = bench_opts.lookup_handles },
		{ .count = BENCH_SCALE_SMALL },
	};
	int fds[2] = { -1, -1 }, order[3] = { 0, 1, 2 };
	int *handles[2] = { NULL, NULL };
	int c, k, round, want, ret = 0;

	if (!a || !bench_ion_legacy) {
		printf("skip lookup: %s\n", a ? "no legacy handle ABI" : "no ION heap");
		return 0;
	}
	for (c = 0; c < 2; c++) {
		handles[c] = calloc(sc[c].count, sizeof(*handles[c]));
		sc[c].lat = calloc(BENCH_SCALE_ROUNDS * BENCH_SCALE_CALLS,
				   sizeof(*sc[c].lat));
		sc[c].ioctl_lat = calloc(BENCH_SCALE_ROUNDS * BENCH_SCALE_CALLS,
					 sizeof(*sc[c].ioctl_lat));
		if (!handles[c] || !sc[c].lat || !sc[c].ioctl_lat) {
			ret = -ENOMEM;
			goto close_clients;
		}
		fds[c] = open(bench_ion_dev, O_RDONLY | O_CLOEXEC);
		if (fds[c] < 0) {
			ret = -errno;
			goto close_clients;
		}
		want = sc[c].count;
		sc[c].count = bench_lookup_fill(a, fds[c], handles[c], want);
		if (sc[c].count < BENCH_SCALE_SMALL) {
			printf("skip lookup: %s: no %d handles\n", a->name,
			       BENCH_SCALE_SMALL);
			goto close_clients;
		}
		if (sc[c].count < want)
			printf("lookup: %d of %d handles fit (memory: %llu MiB left)\n",
			       sc[c].count, want, bench_meminfo("MemAvailable:") >> 20);
	}
	sc[2].lat = calloc(BENCH_SCALE_ROUNDS * BENCH_SCALE_CALLS, sizeof(*sc[2].lat));
	if (!sc[2].lat) {
		ret = -ENOMEM;
		goto close_clients;
	}
	printf("lookup: %s, clients of %d and %d handles\n", a->name,
	       sc[0].count, sc[1].count);
	for (round = 0; round < BENCH_SCALE_ROUNDS; round++) {
		bench_shuffle(order, 3);
		for (k = 0; k < 3; k++) {
			c = order[k];
			ret = bench_lookup_block(fds[c & 1], handles[c & 1],
						 sc[c].count, &sc[c]);
			if (ret < 0) {
				printf("skip lookup: ION_IOC_SHARE: %s\n",
				       strerror(-ret));
				ret = 0;
				goto close_clients;
			}
		}
	}
	for (c = 0; c < 2 && !ret; c++) {
		ret = bench_scale_rows(res, a->name, BENCH_OP_LOOKUP,
				       BENCH_OP_LOOKUP_P99, &sc[c]);
		if (!ret)
			ret = bench_lookup_ioctl_row(res, a->name, &sc[c]);
	}
	if (!ret) {
		sc[2].count = sc[1].count;
		ret = bench_scale_rows(res, a->name, BENCH_OP_LOOKUP_HOT,
				       BENCH_OP_LOOKUP_HOT_P99, &sc[2]);
	}
close_clients:
	for (c = 0; c < 2; c++) {
		/* the client's release frees its handles */
		if (fds[c] >= 0)
			close(fds[c]);
		free(handles[c]);
		free(sc[c].lat);
		free(sc[c].ioctl_lat);
	}
	free(sc[2].lat);
	return ret;
}

/* Opens or closes /dev/ion clients until @held of them are open. */
static int bench_open_hold(int *fds, int *held, int want)
{
	while (*held > want)
		close(fds[--*held]);
	while (*held < want) {
		fds[*held] = open(bench_ion_dev, O_RDONLY | O_CLOEXEC);
		if (fds[*held] < 0)
			return -errno;
		++*held;
	}
	return 0;
}

/* As many as RLIMIT_NOFILE allows of @want held clients, raising it. */
static int bench_open_limit(int want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return BENCH_SCALE_SMALL;
	if (rl.rlim_cur < (rlim_t)want + BENCH_OPEN_SPARE) {
		rl.rlim_cur = (rlim_t)want + BENCH_OPEN_SPARE;
		if (rl.rlim_max < rl.rlim_cur)
			rl.rlim_max = rl.rlim_cur;
		if (setrlimit(RLIMIT_NOFILE, &rl) && !getrlimit(RLIMIT_NOFILE, &rl)) {
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
			getrlimit(RLIMIT_NOFILE, &rl);
		}
	}
	if (rl.rlim_cur < (rlim_t)want + BENCH_OPEN_SPARE)
		want = rl.rlim_cur > BENCH_OPEN_SPARE + BENCH_SCALE_SMALL ?
		       (int)(rl.rlim_cur - BENCH_OPEN_SPARE) : BENCH_SCALE_SMALL;
	return want;
}

/*
 * open: open() + close() of /dev/ion while BENCH_SCALE_SMALL and while
 * --open-clients other clients are open, in blocks, BENCH_SCALE_ROUNDS
 * each, the order of the two sides alternating from round to round.
 */
static int bench_open(struct bench_results *res)
{
	struct bench_scale sc[2] = {
		{ .count = BENCH_SCALE_SMALL },
		{ .count = bench_opts.open_clients },
	};
	int round, k, c, i, fd, held = 0, ret = 0;
	int *fds = NULL;
	double t0;

	if (!bench_ion_alloc()) {
		printf("skip open: no ION heap\n");
		return 0;
	}
	sc[1].count = bench_open_limit(sc[1].count);
	if (sc[1].count < bench_opts.open_clients)
		printf("open: RLIMIT_NOFILE allows %d of %d clients\n",
		       sc[1].count, bench_opts.open_clients);
	fds = calloc(sc[1].count, sizeof(*fds));
	for (c = 0; c < 2; c++) {
		sc[c].lat = calloc(BENCH_SCALE_ROUNDS * BENCH_SCALE_CALLS,
				   sizeof(*sc[c].lat));
		if (!sc[c].lat || !fds) {
			ret = -ENOMEM;
			goto close_clients;
		}
	}
	for (round = 0; round < BENCH_SCALE_ROUNDS; round++) {
		for (k = 0; k < 2; k++) {
			c = round % 2 ? 1 - k : k;
			ret = bench_open_hold(fds, &held, sc[c].count);
			if (ret < 0) {
				printf("skip open: %d clients: %s\n", held + 1,
				       strerror(-ret));
				ret = 0;
				goto close_clients;
			}
			bench_spin_up();
			for (i = 0; i < BENCH_SCALE_CALLS; i++) {
				t0 = bench_now_us();
				fd = open(bench_ion_dev, O_RDONLY | O_CLOEXEC);
				if (fd < 0) {
					printf("skip open: %s\n", strerror(errno));
					goto close_clients;
				}
				close(fd);
				sc[c].lat[sc[c].n++] = bench_now_us() - t0;
			}
		}
	}
	for (c = 0; c < 2 && !ret; c++)
		ret = bench_scale_rows(res, "ion", BENCH_OP_OPEN,
				       BENCH_OP_OPEN_P99, &sc[c]);
close_clients:
	bench_open_hold(fds, &held, 0);
	free(fds);
	for (c = 0; c < 2; c++)
		free(sc[c].lat);
	return ret;
}

#define BENCH_THREADS_SIZE	(64ULL << 10)
#define BENCH_THREADS_MAX	2

/* One allocating thread: a copy of the allocator with its own device fd. */
struct bench_thread {
	struct bench_alloc a;
	pthread_t tid;
	atomic_bool *go;
	atomic_bool *stop;
	unsigned long long ops;
	int err;
};

static void *bench_thread_main(void *arg)
{
	struct bench_thread *t = arg;
	int buf_fd;

	while (!atomic_load(t->go))
		sched_yield();
	while (!atomic_load_explicit(t->stop, memory_order_relaxed)) {
		t->err = bench_buf_alloc(&t->a, BENCH_THREADS_SIZE, &buf_fd);
		if (t->err < 0)
			break;
		close(buf_fd);
		t->ops++;
	}
	return NULL;
}

/* A device fd of the allocator's own, for one thread (-1: none needed). */
static int bench_dev_open(const struct bench_alloc *a)
{
	switch (a->kind) {
	case BENCH_ION:
		return open(bench_ion_dev, O_RDONLY | O_CLOEXEC);
	case BENCH_DMA_HEAP:
		return open(bench_dma_heap_dev, O_RDONLY | O_CLOEXEC);
	case BENCH_UDMABUF:
		return open(bench_udmabuf_dev, O_RDWR | O_CLOEXEC);
	default:
		return -1;
	}
}

/*
 * @nr threads allocating and freeing back to back for @us microseconds,
 * after their warm-up; adds to @ops and @wall_us, 0 or -errno.
 */
static int bench_threads_slice(const struct bench_alloc *a, int nr, double us,
			       unsigned long long *ops, double *wall_us)
{
	struct bench_thread t[BENCH_THREADS_MAX];
	atomic_bool go = false, stop = false;
	int i, started, ret = 0;
	double t0 = 0;

	for (i = 0; i < nr; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].a = *a;
		t[i].go = &go;
		t[i].stop = &stop;
		t[i].a.dev_fd = bench_dev_open(a);
		if (t[i].a.dev_fd < 0 && a->kind != BENCH_MEMFD)
			ret = -errno;
		else
			bench_warm_up(&t[i].a, BENCH_THREADS_SIZE);
	}
	for (started = 0; !ret && started < nr; started++) {
		ret = -pthread_create(&t[started].tid, NULL, bench_thread_main,
				      &t[started]);
		if (ret)
			break;
	}
	if (started < nr) {
		/* the threads started end at once */
		atomic_store(&stop, true);
		atomic_store(&go, true);
	} else {
		t0 = bench_now_us();
		atomic_store(&go, true);
		bench_sleep_ms((unsigned int)(us / 1000));
		atomic_store(&stop, true);
	}
	for (i = 0; i < started; i++)
		pthread_join(t[i].tid, NULL);
	if (!ret && started == nr)
		*wall_us += bench_now_us() - t0;
	for (i = 0; i < nr; i++) {
		if (t[i].a.dev_fd >= 0)
			close(t[i].a.dev_fd);
		if (!ret && t[i].err < 0)
			ret = t[i].err;
		*ops += t[i].ops;
	}
	return ret;
}

/*
 * threads: every allocator from 1 and from 2 threads, --sustain seconds
 * each in BENCH_SUSTAIN_SLICES slices taken in turns (shuffled), the
 * deferred frees of the slice before waited for.  Rows "threads" and
 * "threads-2" (wall time per operation, all threads together) under state
 * "warm", and "cpus".
 */
static int bench_threads(struct bench_results *res)
{
	double slice_us = bench_opts.sustain_s * 1e6 / BENCH_SUSTAIN_SLICES;
	unsigned long long ops[BENCH_MAX_ALLOCS][BENCH_THREADS_MAX] = { { 0 } };
	double wall[BENCH_MAX_ALLOCS][BENCH_THREADS_MAX] = { { 0 } };
	int err[BENCH_MAX_ALLOCS][BENCH_THREADS_MAX] = { { 0 } };
	int order[BENCH_MAX_ALLOCS * BENCH_THREADS_MAX];
	int nr = bench_nr_allocs * BENCH_THREADS_MAX;
	int i, k, a, th, round;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	char sz[24];

	for (i = 0; i < nr; i++)
		order[i] = i;
	for (round = 0; round < BENCH_SUSTAIN_SLICES; round++) {
		bench_shuffle(order, nr);
		for (k = 0; k < nr; k++) {
			a = order[k] / BENCH_THREADS_MAX;
			th = order[k] % BENCH_THREADS_MAX;
			if (err[a][th])
				continue;
			bench_settle_all();
			err[a][th] = bench_threads_slice(&bench_allocs[a], th + 1,
							 slice_us, &ops[a][th],
							 &wall[a][th]);
		}
	}

	bench_size_str(BENCH_THREADS_SIZE, sz, sizeof(sz));
	printf("threads: %ld CPUs online%s; each thread its own device fd\n",
	       cpus, cpus < 2 ? " (one CPU: 2 threads can only share it)" : "");
	for (a = 0; a < bench_nr_allocs; a++) {
		const char *name = bench_allocs[a].name;

		for (th = 0; th < BENCH_THREADS_MAX; th++) {
			if (err[a][th] || !ops[a][th]) {
				printf("skip %s threads %s x%d: %s\n", name, sz,
				       th + 1,
				       strerror(err[a][th] ? -err[a][th] : EIO));
				break;
			}
		}
		if (th < BENCH_THREADS_MAX)
			continue;
		fprintf(stderr, "ion_bench: threads %4s %-26s 1: %8.0f ops/s, 2: %8.0f ops/s\n",
			sz, name, ops[a][0] * 1e6 / wall[a][0],
			ops[a][1] * 1e6 / wall[a][1]);
		for (th = 0; th < BENCH_THREADS_MAX; th++)
			if (bench_add_row(res, name, th ? BENCH_OP_THREADS_2 :
					  BENCH_OP_THREADS, BENCH_THREADS_SIZE,
					  wall[a][th] / ops[a][th],
					  ops[a][th] > INT_MAX ? INT_MAX :
					  (int)ops[a][th]))
				return -ENOMEM;
	}
	if (bench_add_row(res, "machine", BENCH_OP_CPUS, 0, cpus, 1))
		return -ENOMEM;
	/* the machine has no pool state */
	snprintf(res->r[res->nr - 1].state, sizeof(res->r[0].state), "none");
	return 0;
}

/* The physical reference: memset of fresh and of faulted anonymous pages. */
static int bench_page_clear(unsigned long long size, bool faulted,
			    double *samples, struct bench_result *r)
{
	double used = 0, t0;
	char *p;
	int n = 0;

	while (n < bench_opts.reps &&
	       (n < BENCH_MIN_REPS || used < bench_opts.budget_s * 1e6)) {
		p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return -errno;
		if (faulted)
			memset(p, 0xa5, size);
		t0 = bench_now_us();
		memset(p, 0x5a, size);
		samples[n] = bench_now_us() - t0;
		munmap(p, size);
		used += samples[n++];
	}
	snprintf(r->alloc, sizeof(r->alloc), "page-clear");
	snprintf(r->state, sizeof(r->state), "none");
	snprintf(r->op, sizeof(r->op), faulted ? "memset-faulted" : "memset-fresh");
	r->size = size;
	bench_stats(samples, n, r);
	return 0;
}

static int bench_run(struct bench_results *res)
{
	struct bench_result r;
	double *samples;
	int op, st, s, i, ret = 0;

	samples = calloc(bench_opts.reps, sizeof(*samples));
	if (!samples)
		return -ENOMEM;
	for (op = 0; op < BENCH_NR_RUN_OPS; op++) {
		if (!bench_opts.ops[op])
			continue;
		if (op == BENCH_OP_MIXED || op == BENCH_OP_LOOKUP ||
		    op == BENCH_OP_OPEN || op == BENCH_OP_THREADS) {
			/* at sizes of their own, once */
			ret = op == BENCH_OP_MIXED ? bench_mixed(res) :
			      op == BENCH_OP_LOOKUP ? bench_lookup(res) :
			      op == BENCH_OP_OPEN ? bench_open(res) :
			      bench_threads(res);
			if (ret < 0)
				goto free_samples;
			continue;
		}
		for (s = 0; s < bench_opts.nr_sizes; s++) {
			if ((op == BENCH_OP_TOUCH ||
			     op == BENCH_OP_SUSTAINED_TOUCH) &&
			    bench_opts.sizes[s] > bench_opts.touch_max)
				continue;
			if (op == BENCH_OP_PIPELINE) {
				ret = bench_pipeline(bench_opts.sizes[s], res);
				if (ret < 0)
					goto free_samples;
				continue;
			}
			if (op == BENCH_OP_SUSTAINED_ALLOC ||
			    op == BENCH_OP_SUSTAINED_TOUCH) {
				ret = bench_sustained(op, bench_opts.sizes[s], res);
				if (ret < 0)
					goto free_samples;
				continue;
			}
			for (st = 0; st < BENCH_NR_STATES; st++) {
				if (!bench_opts.states[st])
					continue;
				ret = bench_cases(op, st, bench_opts.sizes[s], res);
				if (ret < 0)
					goto free_samples;
			}
		}
	}
	for (i = 0; i < 2; i++) {
		for (s = 0; s < bench_opts.nr_sizes; s++) {
			if (!i && bench_opts.sizes[s] > bench_opts.touch_max)
				continue;
			ret = bench_page_clear(bench_opts.sizes[s], i, samples, &r);
			if (ret < 0) {
				printf("skip page-clear: mmap: %s\n", strerror(-ret));
				ret = 0;
				continue;
			}
			if (bench_results_add(res, &r)) {
				ret = -ENOMEM;
				goto free_samples;
			}
		}
	}
	ret = 0;
free_samples:
	free(samples);
	return ret;
}

/* Output. */

static int bench_write_csv(const char *path, const struct bench_results *res)
{
	const struct bench_result *r;
	FILE *f;
	int i;

	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "allocator,pool_state,op,size,median_us,p10_us,p90_us,n\n");
	for (i = 0; i < res->nr; i++) {
		r = &res->r[i];
		fprintf(f, "%s,%s,%s,%llu,%.2f,%.2f,%.2f,%d\n", r->alloc,
			r->state, r->op, r->size, r->median_us, r->p10_us,
			r->p90_us, r->n);
	}
	if (fclose(f))
		return -errno;
	return 0;
}

static int bench_read_csv(const char *path, struct bench_results *res)
{
	struct bench_result r;
	char line[256];
	FILE *f;
	int ret = 0;

	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		memset(&r, 0, sizeof(r));
		if (sscanf(line, "%47[^,],%15[^,],%23[^,],%llu,%lf,%lf,%lf,%d",
			   r.alloc, r.state, r.op, &r.size, &r.median_us,
			   &r.p10_us, &r.p90_us, &r.n) != 8)
			continue;
		ret = bench_results_add(res, &r);
		if (ret)
			break;
	}
	fclose(f);
	return ret;
}

static const struct bench_result *bench_find(const struct bench_results *res,
					     const char *alloc,
					     const char *state, const char *op,
					     unsigned long long size)
{
	int i;

	for (i = 0; i < res->nr; i++) {
		const struct bench_result *r = &res->r[i];

		if (r->size == size && !strcmp(r->alloc, alloc) &&
		    !strcmp(r->state, state) && !strcmp(r->op, op))
			return r;
	}
	return NULL;
}

/* Whether @op's rows have a buffer size in their size column. */
static bool bench_op_sized(const char *op)
{
	return strcmp(op, bench_op_names[BENCH_OP_LOOKUP]) &&
	       strcmp(op, bench_op_names[BENCH_OP_LOOKUP_P99]) &&
	       strcmp(op, bench_op_names[BENCH_OP_LOOKUP_HOT]) &&
	       strcmp(op, bench_op_names[BENCH_OP_LOOKUP_HOT_P99]) &&
	       strcmp(op, bench_op_names[BENCH_OP_LOOKUP_IOCTL]) &&
	       strcmp(op, bench_op_names[BENCH_OP_OPEN]) &&
	       strcmp(op, bench_op_names[BENCH_OP_OPEN_P99]) &&
	       strcmp(op, bench_op_names[BENCH_OP_CPUS]);
}

static void bench_print_table(const struct bench_results *res)
{
	const struct bench_result *r;
	char sz[24];
	int i;

	printf("\n%-26s %-5s %-14s %5s %11s %11s %11s %8s %4s\n", "allocator",
	       "pool", "op", "size", "median_us", "p10_us", "p90_us", "GB/s",
	       "n");
	for (i = 0; i < res->nr; i++) {
		r = &res->r[i];
		if (i && (strcmp(r->op, res->r[i - 1].op) ||
			  r->size != res->r[i - 1].size))
			printf("\n");
		printf("%-26s %-5s %-14s %5s %11.1f %11.1f %11.1f %8.3f %4d\n",
		       r->alloc, r->state, r->op,
		       bench_size_str(r->size, sz, sizeof(sz)), r->median_us,
		       r->p10_us, r->p90_us,
		       r->median_us > 0 && bench_op_sized(r->op) ?
		       r->size / r->median_us / 1e3 : 0.0,
		       r->n);
	}
	printf("\n(median and p10-p90 spread over n repetitions; GB/s = size / median;\n"
	       " warm: the heap's deferred frees done, untimed, before each repetition)\n");
}

/* In a CSV without heap types: the ION heap named system or ion_system_heap. */
static void bench_guess_ratio_num(const struct bench_results *res)
{
	int i;

	for (i = 0; i < res->nr && !bench_ratio_num[0]; i++) {
		const char *name = res->r[i].alloc;

		if (!strcmp(name, "ion:ion_system_heap") ||
		    !strcmp(name, "ion:system"))
			snprintf(bench_ratio_num, sizeof(bench_ratio_num),
				 "%s", name);
	}
}

/*
 * The ratio of one case in each run that has both allocators, into @v;
 * returns how many.
 */
static int bench_case_ratios(const struct bench_results *runs, int nr_runs,
			     const char *state, const char *op,
			     unsigned long long size, double *v)
{
	const struct bench_result *num, *den;
	int f, k = 0;

	for (f = 0; f < nr_runs; f++) {
		num = bench_find(&runs[f], bench_ratio_num, state, op, size);
		den = bench_find(&runs[f], bench_ratio_den, state, op, size);
		if (num && den && den->median_us > 0)
			v[k++] = num->median_us / den->median_us;
	}
	return k;
}

/*
 * The ratio table: ION system heap / DMA-BUF system heap, per run (one
 * boot: the same kernel and the same host state for both), then the median
 * across the runs.  A boot that is slow as a whole (under TCG medians move
 * by 30 % from boot to boot) moves both allocators and cancels out of its
 * ratio, which it would not if the medians were merged first.  With
 * several runs a second table gives the lowest and highest per-run ratio.
 */
/*
 * The targets, warm and cold: with warm pools at least 2x faster; with cold
 * pools no slower, which a ratio within the benchmark's noise (5 % from run
 * to run at the least) cannot tell from 1.
 */
static const double bench_target[2] = { 0.50, 1.05 };

static void bench_print_ratios(const struct bench_results *runs, int nr_runs)
{
	static const char * const states[] = { "warm", "cold" };
	unsigned long long sizes[BENCH_MAX_SIZES];
	int nr_sizes = 0, i, j, f, k, op, st, pass;
	int nr_checked[2] = { 0 }, nr_missed[2] = { 0 };
	double v[BENCH_MAX_FILES], ratio;
	bool has[BENCH_NR_OPS][2] = { { false } };
	char sz[24], col[40];
	int w;

	for (f = 0; f < nr_runs && !bench_ratio_num[0]; f++)
		bench_guess_ratio_num(&runs[f]);
	if (!bench_ratio_num[0]) {
		printf("\nno ratio table: no ION system heap measured\n");
		return;
	}
	for (f = 0; f < nr_runs; f++) {
		for (i = 0; i < runs[f].nr; i++) {
			if (strncmp(runs[f].r[i].alloc, "ion:", 4) ||
			    !bench_op_sized(runs[f].r[i].op))
				continue;
			for (j = 0; j < nr_sizes && sizes[j] != runs[f].r[i].size; j++)
				;
			if (j == nr_sizes && nr_sizes < BENCH_MAX_SIZES)
				sizes[nr_sizes++] = runs[f].r[i].size;
		}
	}
	qsort(sizes, nr_sizes, sizeof(*sizes), bench_cmp_ull);
	/* only the columns and sizes something was measured in */
	for (i = 0; i < nr_sizes; i++) {
		bool sized = false;

		for (op = 0; op < BENCH_NR_OPS; op++)
			for (st = 0; st < 2; st++)
				if (bench_case_ratios(runs, nr_runs, states[st],
						      bench_op_names[op],
						      sizes[i], v) > 0) {
					has[op][st] = true;
					sized = true;
				}
		if (!sized) {
			memmove(&sizes[i], &sizes[i + 1],
				(nr_sizes - i - 1) * sizeof(*sizes));
			nr_sizes--;
			i--;
		}
	}

	for (pass = 0; pass < (nr_runs > 1 ? 2 : 1); pass++) {
		if (pass) {
			printf("\nlowest-highest of the runs' ratios\n");
		} else {
			printf("\nratio %s / %s", bench_ratio_num, bench_ratio_den);
			if (nr_runs > 1)
				printf(", median of the %d runs' ratios", nr_runs);
			printf(" (below 1: ION faster; 0.50: 2x faster)\n");
		}
		printf("%5s", "size");
		for (op = 0; op < BENCH_NR_OPS; op++)
			for (st = 0; st < 2; st++) {
				if (!has[op][st])
					continue;
				snprintf(col, sizeof(col), "%s-%s",
					 bench_op_names[op], states[st]);
				printf(" %11s", col);
			}
		printf("\n");
		for (i = 0; i < nr_sizes; i++) {
			printf("%5s", bench_size_str(sizes[i], sz, sizeof(sz)));
			for (op = 0; op < BENCH_NR_OPS; op++)
				for (st = 0; st < 2; st++) {
					if (!has[op][st])
						continue;
					w = strlen(bench_op_names[op]) +
					    strlen(states[st]) + 1;
					if (w < 11)
						w = 11;
					k = bench_case_ratios(runs, nr_runs, states[st],
							      bench_op_names[op],
							      sizes[i], v);
					if (!k) {
						printf(" %*s", w, "-");
						continue;
					}
					ratio = bench_median_of(v, k);
					if (pass) {
						snprintf(col, sizeof(col), "%.2f-%.2f",
							 v[0], v[k - 1]);
						printf(" %*s", w, col);
						continue;
					}
					printf(" %*.2f", w, ratio);
					if (op != BENCH_OP_ALLOC ||
					    sizes[i] < bench_opts.target_min)
						continue;
					nr_checked[st]++;
					if (ratio > bench_target[st])
						nr_missed[st]++;
				}
			printf("\n");
		}
	}
	printf("target, alloc at sizes >= %s:",
	       bench_size_str(bench_opts.target_min, sz, sizeof(sz)));
	for (st = 0; st < 2; st++) {
		printf(" %s ratio <= %.2f%s: ", states[st], bench_target[st],
		       st ? " (no slower, within 5 % noise)" : "");
		if (!nr_checked[st])
			printf("not measured");
		else if (nr_missed[st])
			printf("NOT met at %d of %d sizes", nr_missed[st],
			       nr_checked[st]);
		else
			printf("met at all %d sizes", nr_checked[st]);
		printf(st ? "\n" : ";");
	}
}

/*
 * The scaling table: for each case the figure at the large side over the
 * one at the small side, within each run (one boot: the same machine
 * state for both), then the median across the runs; threads: the speed-up,
 * 1 thread's time per operation over 2 threads'; lookup hot: 10 handles
 * of the large client against the small client's 10.
 */
static const struct bench_scaling {
	enum bench_op op;
	/* the large side's row: threads at the same size, lookup hot the largest */
	enum bench_op op2;
	const char *label;
	double target;
	bool at_least;
} bench_scalings[] = {
	{ BENCH_OP_LOOKUP, BENCH_OP_LOOKUP, "lookup p50", 1.5, false },
	{ BENCH_OP_LOOKUP_P99, BENCH_OP_LOOKUP_P99, "lookup p99", 1.5, false },
	{ BENCH_OP_LOOKUP, BENCH_OP_LOOKUP_HOT, "lookup hot", 1.5, false },
	{ BENCH_OP_LOOKUP_IOCTL, BENCH_OP_LOOKUP_IOCTL, "lookup ioctl", 1.5, false },
	{ BENCH_OP_OPEN, BENCH_OP_OPEN, "open p50", 1.5, false },
	{ BENCH_OP_OPEN_P99, BENCH_OP_OPEN_P99, "open p99", 1.5, false },
	{ BENCH_OP_THREADS, BENCH_OP_THREADS_2, "threads", 1.6, true },
	{ .label = NULL },
};

/*
 * One run's two sides of @sc for @alloc: the rows of the smallest and the
 * largest size (threads: the two rows of one size); false without both.
 */
static bool bench_scaling_sides(const struct bench_results *run,
				const struct bench_scaling *sc,
				const char *alloc,
				const struct bench_result **small,
				const struct bench_result **large)
{
	const struct bench_result *r;
	int i;

	*small = NULL;
	*large = NULL;
	for (i = 0; i < run->nr; i++) {
		r = &run->r[i];
		if (strcmp(r->alloc, alloc) || strcmp(r->op, bench_op_names[sc->op]))
			continue;
		if (!*small || r->size < (*small)->size)
			*small = r;
		if (sc->op == sc->op2 && (!*large || r->size > (*large)->size))
			*large = r;
	}
	if (*small && sc->op != sc->op2 && sc->at_least)
		*large = bench_find(run, alloc, (*small)->state,
				    bench_op_names[sc->op2], (*small)->size);
	for (i = 0; *small && sc->op != sc->op2 && !sc->at_least && i < run->nr; i++) {
		r = &run->r[i];
		if (!strcmp(r->alloc, alloc) && !strcmp(r->op, bench_op_names[sc->op2]) &&
		    (!*large || r->size > (*large)->size))
			*large = r;
	}
	return *small && *large && *large != *small &&
	       (*small)->median_us > 0 && (*large)->median_us > 0;
}

static void bench_print_scaling(const struct bench_results *runs, int nr_runs)
{
	double ratio[BENCH_MAX_FILES], us[2][BENCH_MAX_FILES];
	double side[2][BENCH_MAX_FILES], cpus[BENCH_MAX_FILES];
	const struct bench_result *small, *large, *r;
	char names[BENCH_MAX_ALLOCS][BENCH_NAME_LEN], col[2][32], range[32];
	int nr_names, f, i, j, k, s, nr_cpus = 0;
	bool header = false, met;

	for (f = 0; f < nr_runs; f++) {
		r = bench_find(&runs[f], "machine", "none",
			       bench_op_names[BENCH_OP_CPUS], 0);
		if (r)
			cpus[nr_cpus++] = r->median_us;
	}
	for (s = 0; bench_scalings[s].label; s++) {
		const struct bench_scaling *sc = &bench_scalings[s];

		/* the allocators with this case's rows, in order of appearance */
		nr_names = 0;
		for (f = 0; f < nr_runs; f++)
			for (i = 0; i < runs[f].nr; i++) {
				r = &runs[f].r[i];
				if (strcmp(r->op, bench_op_names[sc->op]))
					continue;
				for (j = 0; j < nr_names && strcmp(names[j], r->alloc); j++)
					;
				if (j == nr_names && nr_names < BENCH_MAX_ALLOCS)
					snprintf(names[nr_names++], BENCH_NAME_LEN,
						 "%s", r->alloc);
			}
		for (j = 0; j < nr_names; j++) {
			for (f = 0, k = 0; f < nr_runs; f++) {
				if (!bench_scaling_sides(&runs[f], sc, names[j],
							 &small, &large))
					continue;
				ratio[k] = sc->at_least ?
					   small->median_us / large->median_us :
					   large->median_us / small->median_us;
				us[0][k] = small->median_us;
				us[1][k] = large->median_us;
				side[0][k] = sc->at_least ? 1 : small->size;
				side[1][k] = sc->at_least ? 2 : large->size;
				k++;
			}
			if (!k)
				continue;
			if (!header) {
				printf("\nscaling: large / small within each run");
				if (nr_runs > 1)
					printf(", median of the %d runs (lowest-highest)",
					       nr_runs);
				printf("; threads: 1 thread's time per op / 2 threads'\n");
				printf("%-12s %-20s %16s %16s %6s %11s  %s\n", "case",
				       "allocator", "small: us", "large: us",
				       "ratio", "range", "target");
				header = true;
			}
			for (i = 0; i < 2; i++) {
				double n = bench_median_of(side[i], k);

				snprintf(col[i], sizeof(col[i]), "%s%.0f: %.2f",
					 sc->at_least ? "x" : "", n,
					 bench_median_of(us[i], k));
			}
			bench_median_of(ratio, k);
			snprintf(range, sizeof(range), "%.2f-%.2f", ratio[0],
				 ratio[k - 1]);
			met = sc->at_least ? bench_median_of(ratio, k) >= sc->target :
			      bench_median_of(ratio, k) <= sc->target;
			printf("%-12s %-20s %16s %16s %6.2f %11s  %s %.2f: %s",
			       sc->label, names[j], col[0], col[1],
			       bench_median_of(ratio, k), range,
			       sc->at_least ? ">=" : "<=", sc->target,
			       met ? "met" : "NOT met");
			if (sc->at_least && nr_cpus &&
			    bench_median_of(cpus, nr_cpus) < 2)
				printf(" (one CPU)");
			printf("\n");
		}
	}
	if (header && nr_cpus)
		printf("(small / large: handles, clients held, threads; CPUs online: %.0f)\n",
		       bench_median_of(cpus, nr_cpus));
}

/* --merge: every column is the median across the files; n is the sum. */
static int bench_merge(struct bench_results *out,
		       const struct bench_results *in, int nr_files)
{
	double med[BENCH_MAX_FILES], p10[BENCH_MAX_FILES], p90[BENCH_MAX_FILES];
	const struct bench_result *r, *o;
	struct bench_result m;
	int f, g, i, k, ret;

	/* Every case of every file, in the order they first appear. */
	for (f = 0; f < nr_files; f++) {
		for (i = 0; i < in[f].nr; i++) {
			r = &in[f].r[i];
			if (bench_find(out, r->alloc, r->state, r->op, r->size))
				continue;
			m = *r;
			m.n = 0;
			for (g = 0, k = 0; g < nr_files; g++) {
				o = bench_find(&in[g], r->alloc, r->state, r->op,
					       r->size);
				if (!o)
					continue;
				med[k] = o->median_us;
				p10[k] = o->p10_us;
				p90[k] = o->p90_us;
				m.n += o->n;
				k++;
			}
			m.median_us = bench_median_of(med, k);
			m.p10_us = bench_median_of(p10, k);
			m.p90_us = bench_median_of(p90, k);
			ret = bench_results_add(out, &m);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* --merge and --report: read the runs, print the tables. */
static int bench_offline(const char *merge, const char *const *files,
			 int nr_files)
{
	static struct bench_results in[BENCH_MAX_FILES];
	struct bench_results res = { 0 };
	int f, ret = 0;

	if (nr_files > BENCH_MAX_FILES) {
		fprintf(stderr, "ion_bench: at most %d files\n", BENCH_MAX_FILES);
		return 1;
	}
	for (f = 0; f < nr_files; f++) {
		ret = bench_read_csv(files[f], &in[f]);
		if (ret < 0) {
			fprintf(stderr, "ion_bench: %s: %s\n", files[f],
				strerror(-ret));
			goto free_inputs;
		}
	}
	if (merge) {
		ret = bench_merge(&res, in, nr_files);
		if (!ret)
			ret = bench_write_csv(merge, &res);
		if (ret < 0) {
			fprintf(stderr, "ion_bench: %s: %s\n", merge,
				strerror(-ret));
			goto free_inputs;
		}
		printf("merged %d runs: each column is their median, n their sum\n",
		       nr_files);
		bench_print_table(&res);
	} else {
		bench_print_table(&in[0]);
	}
	bench_print_ratios(in, nr_files);
	bench_print_scaling(in, nr_files);
free_inputs:
	free(res.r);
	for (f = 0; f < nr_files; f++)
		free(in[f].r);
	return ret < 0 ? 1 : 0;
}

/* Options. */

static int bench_parse_list(const char *arg, const char * const *names,
			    int nr, bool *set)
{
	const char *p = arg;
	size_t len;
	int i;

	memset(set, 0, nr * sizeof(*set));
	while (*p) {
		len = strcspn(p, ",");
		for (i = 0; i < nr; i++)
			if (strlen(names[i]) == len && !strncmp(p, names[i], len))
				break;
		if (i == nr)
			return -EINVAL;
		set[i] = true;
		p += len;
		if (*p)
			p++;
	}
	return 0;
}

static int bench_parse_sizes(const char *arg)
{
	char *copy, *tok, *save;
	int ret = 0;

	copy = strdup(arg);
	if (!copy)
		return -ENOMEM;
	bench_opts.nr_sizes = 0;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (bench_opts.nr_sizes == BENCH_MAX_SIZES) {
			ret = -E2BIG;
			break;
		}
		ret = bench_parse_size(tok,
				       &bench_opts.sizes[bench_opts.nr_sizes++]);
		if (ret)
			break;
	}
	free(copy);
	return ret ? ret : bench_opts.nr_sizes ? 0 : -EINVAL;
}

static void bench_usage(FILE *f)
{
	fprintf(f,
		"usage: ion_bench [options]\n"
		"       ion_bench [--target-min SIZE] --merge OUT.csv IN.csv...\n"
		"       ion_bench [--target-min SIZE] --report IN.csv\n"
		"  -s, --sizes LIST       sizes (default 4K,64K,1M,8M,64M)\n"
		"  -o, --ops LIST         alloc,touch,share,mmap,kmap,sustained-alloc,\n"
		"                         sustained-touch,pipeline,mixed,lookup,open,\n"
		"                         threads\n"
		"                         (default alloc,touch,share)\n"
		"  -p, --pools LIST       cold,warm (default both)\n"
		"  -a, --allocators LIST  name prefixes: ion, ion:<heap>, dma-heap,\n"
		"                         udmabuf, memfd (default all)\n"
		"  -n, --reps N           repetitions per case (default 51)\n"
		"  -t, --budget SECONDS   stop a case after this much (default 2), but\n"
		"                         never before 3 repetitions\n"
		"  -w, --warmup N         allocations before a warm case (default 3)\n"
		"  -T, --touch-max SIZE   largest size of the page-faulting cases\n"
		"                         (touch, memset-fresh; default no limit)\n"
		"  -c, --csv FILE         CSV output (default ion_bench.csv)\n"
		"  -m, --target-min SIZE  smallest size the 2x target applies to (1M)\n"
		"  -S, --sustain SECONDS  time of each sustained case per allocator\n"
		"                         (default 2)\n"
		"  -C, --cached           ION buffers with ION_FLAG_CACHED\n"
		"      --mixed-cap SIZE   total the mixed working set stays under (64M)\n"
		"      --lookup-handles N handles of lookup's large client (100000)\n"
		"      --open-clients N   clients open's large side holds (10000)\n"
		"      --no-prefault      do not touch the free memory once first\n");
}

enum {
	BENCH_OPT_MERGE = 256,
	BENCH_OPT_REPORT,
	BENCH_OPT_NO_PREFAULT,
	BENCH_OPT_MIXED_CAP,
	BENCH_OPT_LOOKUP_HANDLES,
	BENCH_OPT_OPEN_CLIENTS,
};

static const struct option bench_long_opts[] = {
	{ "sizes", required_argument, NULL, 's' },
	{ "ops", required_argument, NULL, 'o' },
	{ "pools", required_argument, NULL, 'p' },
	{ "allocators", required_argument, NULL, 'a' },
	{ "reps", required_argument, NULL, 'n' },
	{ "budget", required_argument, NULL, 't' },
	{ "warmup", required_argument, NULL, 'w' },
	{ "touch-max", required_argument, NULL, 'T' },
	{ "csv", required_argument, NULL, 'c' },
	{ "target-min", required_argument, NULL, 'm' },
	{ "merge", required_argument, NULL, BENCH_OPT_MERGE },
	{ "report", required_argument, NULL, BENCH_OPT_REPORT },
	{ "sustain", required_argument, NULL, 'S' },
	{ "cached", no_argument, NULL, 'C' },
	{ "mixed-cap", required_argument, NULL, BENCH_OPT_MIXED_CAP },
	{ "lookup-handles", required_argument, NULL, BENCH_OPT_LOOKUP_HANDLES },
	{ "open-clients", required_argument, NULL, BENCH_OPT_OPEN_CLIENTS },
	{ "no-prefault", no_argument, NULL, BENCH_OPT_NO_PREFAULT },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int bench_parse_args(int argc, char **argv, const char **merge,
			    const char **report)
{
	char *end;
	int c;

	memcpy(bench_opts.ops, bench_default_ops, sizeof(bench_opts.ops));
	while ((c = getopt_long(argc, argv, "s:o:p:a:n:t:w:T:c:m:S:Ch",
				bench_long_opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (bench_parse_sizes(optarg))
				return -EINVAL;
			break;
		case 'o':
			if (bench_parse_list(optarg, bench_op_names,
					     BENCH_NR_RUN_OPS, bench_opts.ops))
				return -EINVAL;
			break;
		case 'p':
			if (bench_parse_list(optarg, bench_state_names,
					     BENCH_NR_STATES, bench_opts.states))
				return -EINVAL;
			break;
		case 'a':
			bench_opts.filter = optarg;
			break;
		case 'n':
			bench_opts.reps = strtol(optarg, &end, 10);
			if (*end || bench_opts.reps < 1 || bench_opts.reps > 100000)
				return -EINVAL;
			break;
		case 't':
			bench_opts.budget_s = strtod(optarg, &end);
			if (*end || bench_opts.budget_s < 0)
				return -EINVAL;
			break;
		case 'w':
			bench_opts.warmup = strtol(optarg, &end, 10);
			if (*end || bench_opts.warmup < 0)
				return -EINVAL;
			break;
		case 'T':
			if (bench_parse_size(optarg, &bench_opts.touch_max))
				return -EINVAL;
			break;
		case 'c':
			bench_opts.csv = optarg;
			break;
		case 'm':
			if (bench_parse_size(optarg, &bench_opts.target_min))
				return -EINVAL;
			break;
		case BENCH_OPT_MERGE:
			*merge = optarg;
			break;
		case BENCH_OPT_REPORT:
			*report = optarg;
			break;
		case 'S':
			bench_opts.sustain_s = strtod(optarg, &end);
			if (*end || bench_opts.sustain_s <= 0)
				return -EINVAL;
			break;
		case 'C':
			bench_opts.ion_cached = true;
			break;
		case BENCH_OPT_MIXED_CAP:
			if (bench_parse_size(optarg, &bench_opts.mixed_cap))
				return -EINVAL;
			break;
		case BENCH_OPT_LOOKUP_HANDLES:
			bench_opts.lookup_handles = strtol(optarg, &end, 10);
			if (*end || bench_opts.lookup_handles < BENCH_SCALE_SMALL ||
			    bench_opts.lookup_handles > 10000000)
				return -EINVAL;
			break;
		case BENCH_OPT_OPEN_CLIENTS:
			bench_opts.open_clients = strtol(optarg, &end, 10);
			if (*end || bench_opts.open_clients < BENCH_SCALE_SMALL ||
			    bench_opts.open_clients > 1000000)
				return -EINVAL;
			break;
		case BENCH_OPT_NO_PREFAULT:
			bench_opts.prefault = false;
			break;
		case 'h':
			bench_usage(stdout);
			exit(0);
		default:
			return -EINVAL;
		}
	}
	if (*merge && optind == argc)
		return -EINVAL;
	if (!*merge && optind != argc)
		return -EINVAL;
	return 0;
}

/* A /proc/meminfo field ("MemFree:") in bytes, 0 when unknown. */
static unsigned long long bench_meminfo(const char *field)
{
	unsigned long long kb = 0, v;
	char line[128], name[64];
	FILE *f;

	f = fopen("/proc/meminfo", "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %llu", name, &v) == 2 &&
		    !strcmp(name, field)) {
			kb = v;
			break;
		}
	fclose(f);
	return kb << 10;
}

#define BENCH_PREFAULT_CHUNK	(16ULL << 20)
#define BENCH_PREFAULT_KEEP	(64ULL << 20)
#define BENCH_PREFAULT_MAX	4096

/*
 * Touches nearly all free memory once, through the kernel (MAP_POPULATE,
 * BENCH_PREFAULT_CHUNK at a time until MemAvailable is down to
 * BENCH_PREFAULT_KEEP), then gives it back.  In a guest the first touch of
 * a guest-physical page also costs the host a page fault (UML's memory is
 * a host file, qemu's host anonymous memory): until every page has been
 * touched once, an allocation that happens to get fresh pages costs up to
 * forty times more (a 1 MiB buffer 4 ms instead of 0.1 ms in UML), and the
 * allocators measured early in a run pay for the ones measured later.
 */
static void bench_prefault(void)
{
	static void *chunks[BENCH_PREFAULT_MAX];
	double t0 = bench_now_us();
	unsigned long long low;
	int i, n = 0;

	while (n < BENCH_PREFAULT_MAX &&
	       bench_meminfo("MemAvailable:") > BENCH_PREFAULT_KEEP +
						 BENCH_PREFAULT_CHUNK) {
		chunks[n] = mmap(NULL, BENCH_PREFAULT_CHUNK,
				 PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
				 -1, 0);
		if (chunks[n] == MAP_FAILED)
			break;
		n++;
	}
	low = bench_meminfo("MemFree:");
	for (i = 0; i < n; i++)
		munmap(chunks[i], BENCH_PREFAULT_CHUNK);
	bench_drop();
	printf("prefault: touched %llu MiB once in %.2f s (MemFree down to %llu MiB)\n",
	       (n * BENCH_PREFAULT_CHUNK) >> 20, (bench_now_us() - t0) / 1e6,
	       low >> 20);
}

/*
 * What one reading of the clock costs: in UML, clock_gettime() is a real
 * system call and its cost is part of every figure.
 */
static double bench_timer_cost_us(void)
{
	double v[101], t;
	int i;

	for (i = 0; i < 101; i++) {
		t = bench_now_us();
		v[i] = bench_now_us() - t;
	}
	return bench_median_of(v, 101);
}

static void bench_print_header(void)
{
	struct utsname u;
	char sz[24];
	int i;

	if (uname(&u) == 0)
		printf("kernel: %s %s %s\n", u.sysname, u.release, u.machine);
	printf("sizes:");
	for (i = 0; i < bench_opts.nr_sizes; i++)
		printf(" %s", bench_size_str(bench_opts.sizes[i], sz, sizeof(sz)));
	printf("; reps %d (at least %d, budget %.1f s per case); warm-up %d",
	       bench_opts.reps, BENCH_MIN_REPS, bench_opts.budget_s,
	       bench_opts.warmup);
	if (bench_opts.touch_max != ~0ULL)
		printf("; touch up to %s",
		       bench_size_str(bench_opts.touch_max, sz, sizeof(sz)));
	printf("\nclock: %.2f us per reading (median; not subtracted); %ld CPUs online\n",
	       bench_timer_cost_us(), sysconf(_SC_NPROCESSORS_ONLN));
}

int main(int argc, char **argv)
{
	const char *merge = NULL, *report = NULL;
	struct bench_results res = { 0 };
	int i, ret;

	if (bench_parse_args(argc, argv, &merge, &report)) {
		bench_usage(stderr);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);

	if (merge)
		return bench_offline(merge, (const char *const *)&argv[optind],
				     argc - optind);
	if (report)
		return bench_offline(NULL, &report, 1);

	bench_print_header();
	bench_probe();
	if (bench_opts.prefault)
		bench_prefault();
	printf("allocators:");
	for (i = 0; i < bench_nr_allocs; i++) {
		printf(" %s", bench_allocs[i].name);
		if (bench_allocs[i].kind == BENCH_ION)
			printf(bench_allocs[i].reports_deferred ?
			       " (debugfs: deferred free)" :
			       " (debugfs: no deferred free line)");
	}
	printf("\n");
	ret = bench_run(&res);
	if (ret < 0) {
		fprintf(stderr, "ion_bench: %s\n", strerror(-ret));
		free(res.r);
		return 1;
	}
	ret = bench_write_csv(bench_opts.csv, &res);
	if (ret < 0) {
		fprintf(stderr, "ion_bench: %s: %s\n", bench_opts.csv,
			strerror(-ret));
		free(res.r);
		return 1;
	}
	bench_print_table(&res);
	bench_print_ratios(&res, 1);
	bench_print_scaling(&res, 1);
	free(res.r);
	return 0;
}
