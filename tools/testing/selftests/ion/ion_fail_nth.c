// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation failures injected into every call of /dev/ion (legacy handle
 * ABI and fd ABI, every heap), /dev/hon_zone and /dev/dma_heap/ion-*,
 * mmap() of a buffer and the last close() of each file.
 *
 * failslab and fail_page_alloc are told to fail sleeping allocations and
 * order-0 pages too; then each call is made with n written to
 * /proc/thread-self/fail-nth, for n = 1, 2, ... until the call runs to its
 * end without reaching its n-th injection site (fail-nth reads back
 * non-zero).  For every n:
 *
 *  - a failed call returns one of the errnos its ABI documents, and leaves
 *    the process's fds, the dma-bufs, the ION clients and handles, and every
 *    heap's buffer and byte counters (debugfs) as they were before it;
 *  - a call that succeeded anyway (the failure was absorbed) is correct:
 *    the size, zeroed contents, access mode and O_CLOEXEC of what it
 *    returned, and the counters it should have moved.
 *
 * Each test prints the number of injection sites it reached; the last one
 * prints the sum.  Kmemleak (scripts/boot scans after the run) finds what
 * the counters cannot see.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/hon_zone.h>

#include "ion_test_util.h"
#include "../kselftest_harness.h"

#define FI_DEBUGFS		"/sys/kernel/debug"
#define FI_NTH			"/proc/thread-self/fail-nth"
#define FI_ION_HEAPS		FI_DEBUGFS "/ion/heaps"
#define FI_ION_CLIENTS		FI_DEBUGFS "/ion/clients"
#define FI_DMA_BUFS		FI_DEBUGFS "/dma_buf/bufinfo"
#define FI_DMA_HEAPS		"/dev/dma_heap"
#define FI_ZONE_DEV		"/dev/hon_zone"
/* more sites than any call here reaches: a loop that never ends fails */
#define FI_MAX_SITES		2000
/* one order-4 block and one page from the system heap: several sites */
#define FI_LEN			(17 * 4096)
#define FI_NAME			"fail-nth-buffer"
#define FI_PATTERN		0xa5
#define FI_MAX_HEAPS		ION_NUM_HEAP_IDS
/*
 * Each test's bound, in seconds, in place of the harness's 30: a sweep ends
 * at its last site, not at a time, and under software emulation with KASAN
 * and lockdep one sweep of HON_ZONE_ION_INIT over four heaps takes more
 * than a minute.
 */
#define FI_TIMEOUT		300

static bool fi_available;
/* the sites of every test, summed across the harness's child processes */
static unsigned int *fi_total_sites;

static int fi_write_file(const char *path, const char *val)
{
	ssize_t len = strlen(val);
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, len) != len)
		ret = -EIO;
	close(fd);
	return ret;
}

/*
 * Let fail-nth reach every allocation: sleeping ones, highmem and order-0
 * pages (fail_page_alloc skips orders below 1 by default).  Fail-nth itself
 * ignores probability, interval, times and the task filter.  Quiet: the
 * interesting reports are the kernel's own splats.
 */
static __attribute__((constructor)) void fi_setup(void)
{
	static const char *const files[][2] = {
		{ FI_DEBUGFS "/failslab/ignore-gfp-wait", "N" },
		{ FI_DEBUGFS "/failslab/verbose", "0" },
		{ FI_DEBUGFS "/fail_page_alloc/ignore-gfp-wait", "N" },
		{ FI_DEBUGFS "/fail_page_alloc/ignore-gfp-highmem", "N" },
		{ FI_DEBUGFS "/fail_page_alloc/min-order", "0" },
		{ FI_DEBUGFS "/fail_page_alloc/verbose", "0" },
	};
	unsigned int i;

	fi_total_sites = mmap(NULL, sizeof(*fi_total_sites),
			      PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (fi_total_sites == MAP_FAILED)
		return;
	*fi_total_sites = 0;
	if (access(FI_NTH, W_OK))
		return;
	for (i = 0; i < ARRAY_SIZE(files); i++)
		if (fi_write_file(files[i][0], files[i][1]))
			return;
	/* usercopy faults, where the kernel has them, stay quiet too */
	fi_write_file(FI_DEBUGFS "/fail_usercopy/verbose", "0");
	fi_available = true;
}

/* What a failed call must leave as it found it. */
struct fi_state {
	int fds;
	long dma_bufs;
	int clients;
	int handles;
	int nheaps;
	char heap[FI_MAX_HEAPS][MAX_HEAP_NAME];
	unsigned long heap_buffers[FI_MAX_HEAPS];
	unsigned long heap_bytes[FI_MAX_HEAPS];
};

static int fi_count_dir(const char *path)
{
	struct dirent *d;
	DIR *dir;
	int n = 0;

	dir = opendir(path);
	if (!dir)
		return -1;
	while ((d = readdir(dir)))
		if (d->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

/* The handle rows of one client file: the lines after the "handle" header. */
static int fi_client_handles(const char *name)
{
	char path[512], line[256];
	bool rows = false;
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", FI_ION_CLIENTS, name);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char word[16];

		if (rows && line[0] != '\n')
			n++;
		if (sscanf(line, "%15s", word) == 1 && !strcmp(word, "handle"))
			rows = true;
	}
	fclose(f);
	return n;
}

static void fi_heap_counters(const char *heap, unsigned long *buffers,
			     unsigned long *bytes)
{
	char path[512], line[256];
	unsigned long v;
	FILE *f;

	*buffers = *bytes = ~0UL;
	snprintf(path, sizeof(path), "%s/%s", FI_ION_HEAPS, heap);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " total %lu", &v) == 1)
			*bytes = v;
		else if (sscanf(line, " buffers %lu", &v) == 1)
			*buffers = v;
	}
	fclose(f);
}

static void fi_state_read(struct fi_state *st)
{
	struct dirent *d;
	char line[256];
	DIR *dir;
	FILE *f;

	memset(st, 0, sizeof(*st));
	st->fds = fi_count_dir("/proc/self/fd");
	st->dma_bufs = -1;
	f = fopen(FI_DMA_BUFS, "re");
	if (f) {
		/* not "Total %d devices attached", a line per buffer */
		while (fgets(line, sizeof(line), f))
			if (strstr(line, " objects, ") &&
			    sscanf(line, "Total %ld", &st->dma_bufs) == 1)
				break;
		fclose(f);
	}
	dir = opendir(FI_ION_CLIENTS);
	if (dir) {
		while ((d = readdir(dir))) {
			if (d->d_name[0] == '.')
				continue;
			st->clients++;
			st->handles += fi_client_handles(d->d_name);
		}
		closedir(dir);
	}
	dir = opendir(FI_ION_HEAPS);
	if (dir) {
		while ((d = readdir(dir)) && st->nheaps < FI_MAX_HEAPS) {
			int i = st->nheaps;

			if (d->d_name[0] == '.')
				continue;
			snprintf(st->heap[i], MAX_HEAP_NAME, "%.*s",
				 MAX_HEAP_NAME - 1, d->d_name);
			fi_heap_counters(d->d_name, &st->heap_buffers[i],
					 &st->heap_bytes[i]);
			st->nheaps++;
		}
		closedir(dir);
	}
}

/* The heap's index in @st, -1 when there is no such heap file. */
static int fi_state_heap(const struct fi_state *st, const char *heap)
{
	int i;

	for (i = 0; i < st->nheaps; i++)
		if (!strcmp(st->heap[i], heap))
			return i;
	return -1;
}

/* @a and @b are equal; @what names the moment for the log. */
static void fi_state_expect_equal(struct __test_metadata *_metadata,
				  const struct fi_state *a,
				  const struct fi_state *b, const char *what)
{
	int i;

	EXPECT_EQ(a->fds, b->fds) TH_LOG("open fds %s", what);
	EXPECT_EQ(a->dma_bufs, b->dma_bufs) TH_LOG("dma-bufs %s", what);
	EXPECT_EQ(a->clients, b->clients) TH_LOG("ION clients %s", what);
	EXPECT_EQ(a->handles, b->handles) TH_LOG("ION handles %s", what);
	ASSERT_EQ(a->nheaps, b->nheaps) TH_LOG("ION heaps %s", what);
	for (i = 0; i < a->nheaps; i++) {
		EXPECT_EQ(a->heap_buffers[i], b->heap_buffers[i])
			TH_LOG("buffers of heap %s %s", a->heap[i], what);
		EXPECT_EQ(a->heap_bytes[i], b->heap_bytes[i])
			TH_LOG("bytes of heap %s %s", a->heap[i], what);
	}
}

/*
 * fail-nth: arm it for the n-th site from now, then read what is left and
 * disarm it.  Reading back 0 means the n-th site was reached and failed.
 * The read's own copy to user space may be a site (usercopy injection):
 * then it fails with EFAULT, which means the call did not reach the site.
 */
static void fi_nth_arm(struct __test_metadata *_metadata, int fd, unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	ASSERT_EQ(len, pwrite(fd, buf, len, 0));
}

static bool fi_nth_disarm(struct __test_metadata *_metadata, int fd)
{
	char buf[16] = "";
	bool injected;
	ssize_t res;

	res = pread(fd, buf, sizeof(buf) - 1, 0);
	if (res < 0 && errno == EFAULT) {
		injected = false;
	} else {
		ASSERT_LT(0, res);
		injected = atoi(buf) == 0;
	}
	/* disarming can meet a usercopy site as well: then try again */
	if (pwrite(fd, "0", 1, 0) != 1)
		ASSERT_EQ(1, pwrite(fd, "0", 1, 0));
	return injected;
}

/* One call under test and its surroundings. */
struct fi_ctx {
	int ion;		/* /dev/ion of the test */
	unsigned int heap_id;
	const char *heap;	/* its name */
	bool every_heap;	/* the call is swept on every heap in turn */
	int fd;			/* a buffer's fd made by setup, or -1 */
	ion_user_handle_t handle; /* a legacy handle made by setup, or 0 */
	int dev;		/* a device made by setup (zone, dma heap, ion) */
	int out_fd;		/* what the call returned */
	ion_user_handle_t out_handle;
	void *map;
	struct fi_state base;	/* before setup */
	struct fi_state before;	/* after setup, before the call */
	struct fi_state after;	/* after the call */
	bool injected;		/* a failure was injected into the call */
	union {
		struct ion_allocation_data alloc;
		struct ion_new_allocation_data new_alloc;
		struct ion_fd_data fd_data;
		struct ion_handle_data handle_data;
		struct ion_share_ro_data ro;
		struct ion_heap_query query;
		struct ion_custom_data custom;
		struct dma_heap_allocation_data heap_alloc;
		struct hon_zone_bind_data bind;
		struct hon_zone_alloc_data zone_alloc;
		struct hon_zone_info info;
		struct hon_zone_fill_data fill;
		struct hon_zone_checksum_data checksum;
		int init_fd;
	} arg;
	struct ion_heap_data heaps[FI_MAX_HEAPS];
	unsigned int nheaps;
	char path[256];
};

/*
 * One swept call.  setup and undo run without injection; call is the one
 * system call under test, returning 0 or -errno; check verifies a success.
 * errnos lists what a failure may return, 0-terminated.
 */
struct fi_op {
	const char *name;
	int (*setup)(struct fi_ctx *c);
	int (*call)(struct fi_ctx *c);
	void (*check)(struct __test_metadata *_metadata, struct fi_ctx *c);
	void (*undo)(struct fi_ctx *c);
	int errnos[6];
};

static bool fi_errno_listed(const struct fi_op *op, int err)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(op->errnos) && op->errnos[i]; i++)
		if (op->errnos[i] == err)
			return true;
	return false;
}

static void fi_ctx_reset(struct fi_ctx *c)
{
	c->fd = -1;
	c->handle = 0;
	c->dev = -1;
	c->out_fd = -1;
	c->out_handle = 0;
	c->map = MAP_FAILED;
	memset(&c->arg, 0, sizeof(c->arg));
}

/* Run @op for n = 1, 2, ... and return the number of sites it reached. */
static unsigned int fi_sweep(struct __test_metadata *_metadata,
			     const struct fi_op *op, struct fi_ctx *c)
{
	unsigned int n, failures = 0, bad_site = 0;
	int nth;

	nth = open(FI_NTH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, nth);
	for (n = 1; ; n++) {
		bool injected;
		int ret;

		ASSERT_GT(FI_MAX_SITES, n) TH_LOG("%s: no end in sight", op->name);
		fi_ctx_reset(c);
		fi_state_read(&c->base);
		ASSERT_EQ(0, op->setup ? op->setup(c) : 0)
			TH_LOG("%s: setup failed", op->name);
		fi_state_read(&c->before);
		fi_nth_arm(_metadata, nth, n);
		ret = op->call(c);
		injected = fi_nth_disarm(_metadata, nth);
		fi_state_read(&c->after);
		if (ret) {
			char what[128];

			failures++;
			EXPECT_TRUE(injected)
				TH_LOG("%s failed with %s, no failure injected",
				       op->name, strerror(-ret));
			EXPECT_TRUE(fi_errno_listed(op, -ret))
				TH_LOG("%s: site %u: undocumented errno %d (%s)",
				       op->name, n, -ret, strerror(-ret));
			snprintf(what, sizeof(what), "after %s failed at site %u",
				 op->name, n);
			fi_state_expect_equal(_metadata, &c->before, &c->after,
					      what);
		} else if (op->check) {
			c->injected = injected;
			op->check(_metadata, c);
		}
		if (op->undo)
			op->undo(c);
		/* a defect at one site: on to the next, to count them all */
		if (_metadata->exit_code != KSFT_PASS && !bad_site) {
			TH_LOG("%s: first wrong at site %u", op->name, n);
			bad_site = n;
		}
		if (!injected)
			break;
	}
	close(nth);
	ksft_print_msg("%s%s%s: %u injection sites, %u failed the call\n",
		       op->name, c->every_heap ? " on " : "",
		       c->every_heap ? c->heap : "", n - 1, failures);
	__atomic_add_fetch(fi_total_sites, n - 1, __ATOMIC_RELAXED);
	return n - 1;
}

/* ---- checks of what a successful call returned ---- */

static void fi_expect_fd(struct __test_metadata *_metadata, int fd,
			 int accmode, size_t len)
{
	int fl = fcntl(fd, F_GETFL), fdfl = fcntl(fd, F_GETFD);

	ASSERT_LE(0, fd);
	EXPECT_EQ(accmode, fl & O_ACCMODE) TH_LOG("fd %d access mode", fd);
	EXPECT_TRUE(fdfl >= 0 && (fdfl & FD_CLOEXEC))
		TH_LOG("fd %d has no O_CLOEXEC", fd);
	EXPECT_EQ((off_t)len, lseek(fd, 0, SEEK_END)) TH_LOG("fd %d size", fd);
	lseek(fd, 0, SEEK_SET);
}

/*
 * The buffer of @fd is zeroed, then dirtied, so that the next allocation
 * that reuses its pages has something to zero.
 */
static void fi_expect_zeroed(struct __test_metadata *_metadata, int fd,
			     size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	ASSERT_NE(MAP_FAILED, p) TH_LOG("mmap of fd %d: %s", fd, strerror(errno));
	EXPECT_TRUE(ion_all_bytes(p, len, 0)) TH_LOG("a new buffer is not zeroed");
	memset(p, FI_PATTERN, len);
	munmap(p, len);
}

/* @heap moved by @buffers buffers of @len bytes from @a to @b. */
static void fi_expect_heap_moved(struct __test_metadata *_metadata,
				 const struct fi_state *a,
				 const struct fi_state *b, const char *heap,
				 long buffers, long len)
{
	int i = fi_state_heap(a, heap);

	ASSERT_LE(0, i) TH_LOG("no debugfs file for heap %s", heap);
	EXPECT_EQ(a->heap_buffers[i] + buffers, b->heap_buffers[i])
		TH_LOG("buffers of heap %s", heap);
	EXPECT_EQ(a->heap_bytes[i] + buffers * len, b->heap_bytes[i])
		TH_LOG("bytes of heap %s", heap);
}

/* The dma-buf name of @fd (its fdinfo "name:" line), "" when unnamed. */
static void fi_dmabuf_name(int fd, char *name, size_t size)
{
	char path[64], line[256];
	FILE *f;

	name[0] = 0;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "name:", 5)) {
			snprintf(name, size, "%s", line + 5 + strspn(line + 5, " \t"));
			name[strcspn(name, "\n")] = 0;
		}
	fclose(f);
}

static void fi_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* ---- setups and undos shared by several calls ---- */

static int fi_new_buffer(struct fi_ctx *c)
{
	int ret = ion_new_alloc(c->ion, FI_LEN, 1U << c->heap_id, 0, &c->fd);

	if (ret)
		return ret;
	return ion_ioctl(c->fd, DMA_BUF_SET_NAME_B, (void *)FI_NAME);
}

/* A cached buffer, which mmap() leaves to be mapped at fault time. */
static int fi_new_cached_buffer(struct fi_ctx *c)
{
	int ret = ion_new_alloc(c->ion, FI_LEN, 1U << c->heap_id,
				ION_FLAG_CACHED, &c->fd);

	if (ret)
		return ret;
	return ion_ioctl(c->fd, DMA_BUF_SET_NAME_B, (void *)FI_NAME);
}

static int fi_legacy_buffer(struct fi_ctx *c)
{
	return ion_legacy_alloc(c->ion, FI_LEN, 0, 1U << c->heap_id, 0,
				&c->handle);
}

static void fi_undo_all(struct fi_ctx *c)
{
	if (c->map != MAP_FAILED)
		munmap(c->map, FI_LEN);
	c->map = MAP_FAILED;
	if (c->out_handle > 0)
		ion_legacy_free(c->ion, c->out_handle);
	if (c->handle > 0)
		ion_legacy_free(c->ion, c->handle);
	c->out_handle = 0;
	c->handle = 0;
	fi_close(&c->out_fd);
	fi_close(&c->fd);
	fi_close(&c->dev);
}

/* ---- /dev/ion ---- */

static int fi_call_ion_open(struct fi_ctx *c)
{
	c->out_fd = open(ION_DEV, O_RDWR | O_CLOEXEC);
	return c->out_fd < 0 ? -errno : 0;
}

static void fi_check_ion_open(struct __test_metadata *_metadata,
			      struct fi_ctx *c)
{
	/*
	 * debugfs is best effort: a client whose file could not be made
	 * (a failure injected into debugfs) still works, as the kernel's
	 * debugfs rules want.  Without an injected failure it has its file.
	 */
	if (c->injected) {
		EXPECT_GE(c->before.clients + 1, c->after.clients);
	} else {
		EXPECT_EQ(c->before.clients + 1, c->after.clients)
			TH_LOG("the new client has no debugfs file");
	}
	EXPECT_LE(c->before.clients, c->after.clients);
	EXPECT_EQ(0, ion_ioctl(c->out_fd, ION_IOC_HEAP_QUERY, &c->arg.query));
}

static const struct fi_op fi_ion_open = {
	.name = "open(/dev/ion)",
	.call = fi_call_ion_open,
	.check = fi_check_ion_open,
	.undo = fi_undo_all,
	.errnos = { ENOMEM, EFAULT },
};

static int fi_call_new_alloc(struct fi_ctx *c)
{
	int ret;

	c->arg.new_alloc.len = FI_LEN;
	c->arg.new_alloc.heap_id_mask = 1U << c->heap_id;
	ret = ion_ioctl(c->ion, ION_IOC_NEW_ALLOC, &c->arg.new_alloc);
	if (!ret)
		c->out_fd = c->arg.new_alloc.fd;
	return ret;
}

static void fi_check_new_buffer(struct __test_metadata *_metadata,
				struct fi_ctx *c)
{
	fi_expect_fd(_metadata, c->out_fd, O_RDWR, FI_LEN);
	fi_expect_zeroed(_metadata, c->out_fd, FI_LEN);
	EXPECT_EQ(c->before.dma_bufs + 1, c->after.dma_bufs);
	fi_expect_heap_moved(_metadata, &c->before, &c->after, c->heap, 1, FI_LEN);
}

static const struct fi_op fi_new_alloc = {
	.name = "ION_IOC_NEW_ALLOC",
	.call = fi_call_new_alloc,
	.check = fi_check_new_buffer,
	.undo = fi_undo_all,
	.errnos = { ENOMEM, EFAULT },
};

static int fi_call_alloc(struct fi_ctx *c)
{
	int ret;

	c->arg.alloc.len = FI_LEN;
	c->arg.alloc.heap_id_mask = 1U << c->heap_id;
	ret = ion_ioctl(c->ion, ION_IOC_ALLOC, &c->arg.alloc);
	if (!ret)
		c->out_handle = c->arg.alloc.handle;
	return ret;
}

static void fi_check_alloc(struct __test_metadata *_metadata, struct fi_ctx *c)
{
	EXPECT_LT(0, c->out_handle);
	EXPECT_EQ(c->before.handles + 1, c->after.handles);
	fi_expect_heap_moved(_metadata, &c->before, &c->after, c->heap, 1, FI_LEN);
	ASSERT_EQ(0, ion_legacy_share(c->ion, c->out_handle, &c->out_fd));
	fi_expect_fd(_metadata, c->out_fd, O_RDWR, FI_LEN);
	fi_expect_zeroed(_metadata, c->out_fd, FI_LEN);
}

static const struct fi_op fi_alloc = {
	.name = "ION_IOC_ALLOC",
	.call = fi_call_alloc,
	.check = fi_check_alloc,
	.undo = fi_undo_all,
	.errnos = { ENOMEM, EFAULT },
};

static int fi_call_free(struct fi_ctx *c)
{
	c->arg.handle_data.handle = c->handle;
	return ion_ioctl(c->ion, ION_IOC_FREE, &c->arg.handle_data);
}

static void fi_check_free(struct __test_metadata *_metadata, struct fi_ctx *c)
{
	c->handle = 0;
	fi_state_expect_equal(_metadata, &c->base, &c->after, "after ION_IOC_FREE");
}

static const struct fi_op fi_free = {
	.name = "ION_IOC_FREE",
	.setup = fi_legacy_buffer,
	.call = fi_call_free,
	.check = fi_check_free,
	.undo = fi_undo_all,
	.errnos = { ENOMEM, EFAULT },
};

static int fi_call_share(struct fi_ctx *c, unsigned long req)
{
	int ret;

	c->arg.fd_data.handle = c->handle;
	c->arg.fd_data.fd = -1;
	ret = ion_ioctl(c->ion, req, &c->arg.fd_data);
	if (!ret)
		c->out_fd = c->arg.fd_data.fd;
	return ret;
}

static int fi_call_legacy_share(struct fi_ctx *c)
{
	return fi_call_share(c, ION_IOC_SHARE);
}

static int fi_call_legacy_map(struct fi_ctx *c)
{
	return fi_call_share(c, ION_IOC_MAP);
}

static void fi_check_share(struct __test_metadata *_metadata, struct fi_ctx *c)
{
	fi_expect_fd(_metadata, c->out_fd, O_RDWR, FI_LEN);
	fi_expect_zeroed(_metadata, c->out_fd, FI_LEN);
	fi_expect_heap_moved(_metadata, &c->before, &c->after, c->heap, 0, FI_LEN);
	EXPECT_EQ(c->before.handles, c->after.handles);
}

static const struct fi_op fi_share = {
	.name = "ION_IOC_SHARE",
	.setup = fi_legacy_buffer,
	.call = fi_call_legacy_share,
	.check = fi_check_share,
	.undo = fi_undo_all,
	.errnos = { ENOMEM, EFAULT },
};

static const struct fi_op fi_map = {
	.name = "ION_IOC_MAP",
	.setup = fi_legacy_buffer,
	.call = fi_call_legacy_map,
	.check = fi_check_share,
	.undo = fi_undo_all,
	.errnos = { ENOMEM, EFAULT },
};

static int fi_call_import(struct fi_ctx *c)
{
	int ret;

	c->arg.fd_data.fd = c->fd;
	ret = ion_ioctl(c->ion, ION_IOC_IMPORT, &c->arg.fd_data);
	if (!ret)
		c->out_handle = c->arg.fd_data.handle;
	return ret;
}

static void fi_check_import(struct __test_metadata *_metadata, struct fi_ctx *c)
{
	EXPECT_LT(0, c->out_handle);
	EXPECT_EQ(c->before.handles + 1, c->after.handles);
	fi_expect_heap_moved(_metadata, &c->before, &c->after, c->heap, 0, FI_LEN);
	EXPECT_EQ(c->before.dma_bufs, c->after.dma_bufs);
}

static const struct fi_op fi_import = {
	.name = "ION_IOC_IMPORT",
	.setup = fi_new_buffer,
	.call = fi_call_import,
	.check = fi_check_import,
	.undo = fi_undo_all,
	.errnos = { ENOMEM, EFAULT },
};

static int fi_call_share_ro(struct fi_ctx *c)
{
	int ret;

	c->arg.ro.fd = c->fd;
	ret = ion_ioctl(c->ion, ION_IOC_SHARE_RO, &c->arg.ro);
	if (!ret)
		c->out_fd = c->arg.ro.ro_fd;
	return ret;
}

static void fi_check_share_ro(struct __test_metadata *_metadata,
			      struct fi_ctx *c)
{
	char name[64];
	void *p;

	fi_expect_fd(_metadata, c->out_fd, O_RDONLY, FI_LEN);
	fi_dmabuf_name(c->out_fd, name, sizeof(name));
	EXPECT_STREQ(FI_NAME, name) TH_LOG("the read-only view is not named as the buffer");
	p = mmap(NULL, FI_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, c->out_fd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EACCES, errno);
	if (p != MAP_FAILED)
		munmap(p, FI_LEN);
	p = mmap(NULL, FI_LEN, PROT_READ, MAP_SHARED, c->out_fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_TRUE(ion_all_bytes(p, FI_LEN, 0));
	munmap(p, FI_LEN);
	fi_expect_heap_moved(_metadata, &c->before, &c->after, c->heap, 0, FI_LEN);
}

static const struct fi_op fi_share_ro = {
	.name = "ION_IOC_SHARE_RO",
	.setup = fi_new_buffer,
	.call = fi_call_share_ro,
	.check = fi_check_share_ro,
	.undo = fi_undo_all,
	.errnos = { ENOMEM, EFAULT },
};

static int fi_call_sync(struct fi_ctx *c)
{
	c->arg.fd_data.fd = c->fd;
	return ion_ioctl(c->ion, ION_IOC_SYNC, &c->arg.fd_data);
}

static const struct fi_op fi_sync = {
	.name = "ION_IOC_SYNC",
	.setup = fi_new_buffer,
	.call = fi_call_sync,
	.undo = fi_undo_all,
	.errnos = { ENOMEM, EFAULT },
};

static int fi_call_heap_query(struct fi_ctx *c)
{
	c->arg.query.cnt = FI_MAX_HEAPS;
	c->arg.query.heaps = (uintptr_t)c->heaps;
	return ion_ioctl(c->ion, ION_IOC_HEAP_QUERY, &c->arg.query);
}

static const struct fi_op fi_heap_query = {
	.name = "ION_IOC_HEAP_QUERY",
	.call = fi_call_heap_query,
	.errnos = { ENOMEM, EFAULT },
};

/* With no handler registered, ENOTTY is the right answer. */
static int fi_call_custom(struct fi_ctx *c)
{
	int ret = ion_ioctl(c->ion, ION_IOC_CUSTOM, &c->arg.custom);

	return ret == -ENOTTY ? 0 : ret;
}

static const struct fi_op fi_custom = {
	.name = "ION_IOC_CUSTOM",
	.call = fi_call_custom,
	.errnos = { ENOMEM, EFAULT },
};

static int fi_call_mmap(struct fi_ctx *c)
{
	c->map = mmap(NULL, FI_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, 0);
	return c->map == MAP_FAILED ? -errno : 0;
}

static void fi_check_mmap(struct __test_metadata *_metadata, struct fi_ctx *c)
{
	EXPECT_TRUE(ion_all_bytes(c->map, FI_LEN, 0));
	memset(c->map, FI_PATTERN, FI_LEN);
	EXPECT_TRUE(ion_all_bytes(c->map, FI_LEN, FI_PATTERN));
	fi_state_expect_equal(_metadata, &c->before, &c->after, "after mmap");
}

static const struct fi_op fi_mmap = {
	.name = "mmap",
	.setup = fi_new_buffer,
	.call = fi_call_mmap,
	.check = fi_check_mmap,
	.undo = fi_undo_all,
	.errnos = { ENOMEM, EAGAIN },
};

static const struct fi_op fi_mmap_cached = {
	.name = "mmap of a cached buffer",
	.setup = fi_new_cached_buffer,
	.call = fi_call_mmap,
	.check = fi_check_mmap,
	.undo = fi_undo_all,
	.errnos = { ENOMEM, EAGAIN },
};

/* The last close of a buffer fd frees the buffer, whatever fails inside. */
static int fi_call_close_buffer(struct fi_ctx *c)
{
	int fd = c->fd;

	c->fd = -1;
	return close(fd) ? -errno : 0;
}

static void fi_check_close(struct __test_metadata *_metadata, struct fi_ctx *c)
{
	fi_state_expect_equal(_metadata, &c->base, &c->after, "after the last close");
}

static const struct fi_op fi_close_buffer = {
	.name = "last close of a buffer",
	.setup = fi_new_buffer,
	.call = fi_call_close_buffer,
	.check = fi_check_close,
	.undo = fi_undo_all,
};

/* A client holding handles, a mapping and a shared fd closes for the last time. */
static int fi_setup_client(struct fi_ctx *c)
{
	int saved = c->ion, ret;

	c->dev = open(ION_DEV, O_RDWR | O_CLOEXEC);
	if (c->dev < 0)
		return -errno;
	c->ion = c->dev;
	ret = fi_legacy_buffer(c);
	if (!ret)
		ret = ion_legacy_alloc(c->ion, FI_LEN, 0, 1U << c->heap_id, 0,
				       &c->out_handle);
	c->ion = saved;
	return ret;
}

static int fi_call_close_client(struct fi_ctx *c)
{
	int fd = c->dev;

	c->dev = -1;
	c->handle = 0;
	c->out_handle = 0;
	return close(fd) ? -errno : 0;
}

static const struct fi_op fi_close_client = {
	.name = "last close of /dev/ion",
	.setup = fi_setup_client,
	.call = fi_call_close_client,
	.check = fi_check_close,
	.undo = fi_undo_all,
};

/* ---- /dev/dma_heap/ion-* ---- */

static int fi_setup_dma_heap(struct fi_ctx *c)
{
	c->dev = open(c->path, O_RDONLY | O_CLOEXEC);
	return c->dev < 0 ? -errno : 0;
}

static int fi_call_dma_heap_alloc(struct fi_ctx *c)
{
	int ret;

	c->arg.heap_alloc.len = FI_LEN;
	c->arg.heap_alloc.fd_flags = O_RDWR | O_CLOEXEC;
	ret = ion_ioctl(c->dev, DMA_HEAP_IOCTL_ALLOC, &c->arg.heap_alloc);
	if (!ret)
		c->out_fd = c->arg.heap_alloc.fd;
	return ret;
}

static const struct fi_op fi_dma_heap_alloc = {
	.name = "DMA_HEAP_IOCTL_ALLOC",
	.setup = fi_setup_dma_heap,
	.call = fi_call_dma_heap_alloc,
	.check = fi_check_new_buffer,
	.undo = fi_undo_all,
	.errnos = { ENOMEM, EFAULT },
};

/* ---- /dev/hon_zone ---- */

static int fi_zone_open(struct fi_ctx *c)
{
	c->dev = open(FI_ZONE_DEV, O_RDWR | O_CLOEXEC);
	return c->dev < 0 ? -errno : 0;
}

static int fi_zone_bound(struct fi_ctx *c)
{
	int ret = fi_new_buffer(c);

	if (!ret)
		ret = fi_zone_open(c);
	if (!ret) {
		c->arg.init_fd = c->fd;
		ret = ion_ioctl(c->dev, HON_ZONE_ION_INIT, &c->arg.init_fd);
	}
	memset(&c->arg, 0, sizeof(c->arg));
	return ret;
}

static int fi_zone_buffer(struct fi_ctx *c)
{
	int ret = fi_new_buffer(c);

	return ret ?: fi_zone_open(c);
}

static void fi_expect_zone(struct __test_metadata *_metadata, int zone,
			   __u64 size)
{
	struct hon_zone_info info = {};

	ASSERT_EQ(0, ion_ioctl(zone, HON_ZONE_GET_INFO, &info));
	EXPECT_EQ(size, info.size);
	EXPECT_EQ(!!size, !!(info.state & HON_ZONE_STATE_BOUND));
}

static int fi_call_zone_open(struct fi_ctx *c)
{
	c->out_fd = open(FI_ZONE_DEV, O_RDWR | O_CLOEXEC);
	return c->out_fd < 0 ? -errno : 0;
}

static void fi_check_zone_open(struct __test_metadata *_metadata,
			       struct fi_ctx *c)
{
	fi_expect_zone(_metadata, c->out_fd, 0);
}

static const struct fi_op fi_zone_open_op = {
	.name = "open(/dev/hon_zone)",
	.call = fi_call_zone_open,
	.check = fi_check_zone_open,
	.undo = fi_undo_all,
	.errnos = { ENOMEM, EFAULT },
};

static int fi_call_zone_init(struct fi_ctx *c)
{
	c->arg.init_fd = c->fd;
	return ion_ioctl(c->dev, HON_ZONE_ION_INIT, &c->arg.init_fd);
}

static void fi_check_zone_bound(struct __test_metadata *_metadata,
				struct fi_ctx *c)
{
	fi_expect_zone(_metadata, c->dev, FI_LEN);
	EXPECT_EQ(c->before.fds, c->after.fds);
	fi_expect_heap_moved(_metadata, &c->before, &c->after, c->heap, 0, FI_LEN);
}

static const struct fi_op fi_zone_init = {
	.name = "HON_ZONE_ION_INIT",
	.setup = fi_zone_buffer,
	.call = fi_call_zone_init,
	.check = fi_check_zone_bound,
	.undo = fi_undo_all,
	.errnos = { ENOMEM, EFAULT },
};

static int fi_call_zone_bind(struct fi_ctx *c)
{
	c->arg.bind.fd = c->fd;
	c->arg.bind.flags = HON_ZONE_BIND_ION_ONLY;
	return ion_ioctl(c->dev, HON_ZONE_BIND, &c->arg.bind);
}

static const struct fi_op fi_zone_bind = {
	.name = "HON_ZONE_BIND",
	.setup = fi_zone_buffer,
	.call = fi_call_zone_bind,
	.check = fi_check_zone_bound,
	.undo = fi_undo_all,
	.errnos = { ENOMEM, EFAULT },
};

static int fi_call_zone_alloc(struct fi_ctx *c)
{
	int ret;

	c->arg.zone_alloc.len = FI_LEN;
	c->arg.zone_alloc.heap_id_mask = 1U << c->heap_id;
	ret = ion_ioctl(c->dev, HON_ZONE_ION_ALLOC, &c->arg.zone_alloc);
	if (!ret)
		c->out_fd = c->arg.zone_alloc.fd;
	return ret;
}

static void fi_check_zone_alloc(struct __test_metadata *_metadata,
				struct fi_ctx *c)
{
	fi_expect_zone(_metadata, c->dev, FI_LEN);
	fi_check_new_buffer(_metadata, c);
}

static const struct fi_op fi_zone_alloc = {
	.name = "HON_ZONE_ION_ALLOC",
	.setup = fi_zone_open,
	.call = fi_call_zone_alloc,
	.check = fi_check_zone_alloc,
	.undo = fi_undo_all,
	.errnos = { ENOMEM, EFAULT },
};

static int fi_call_zone_deinit(struct fi_ctx *c)
{
	return ion_ioctl(c->dev, HON_ZONE_ION_DEINIT, NULL);
}

static void fi_check_zone_deinit(struct __test_metadata *_metadata,
				 struct fi_ctx *c)
{
	fi_expect_zone(_metadata, c->dev, 0);
}

static const struct fi_op fi_zone_deinit = {
	.name = "HON_ZONE_ION_DEINIT",
	.setup = fi_zone_bound,
	.call = fi_call_zone_deinit,
	.check = fi_check_zone_deinit,
	.undo = fi_undo_all,
	.errnos = { ENOMEM, EFAULT },
};

static int fi_call_zone_info(struct fi_ctx *c)
{
	return ion_ioctl(c->dev, HON_ZONE_GET_INFO, &c->arg.info);
}

static void fi_check_zone_info(struct __test_metadata *_metadata,
			       struct fi_ctx *c)
{
	EXPECT_EQ(FI_LEN, c->arg.info.size);
	EXPECT_TRUE(c->arg.info.state & HON_ZONE_STATE_ION);
	EXPECT_EQ(c->heap_id, c->arg.info.heap_id);
}

static const struct fi_op fi_zone_info = {
	.name = "HON_ZONE_GET_INFO",
	.setup = fi_zone_bound,
	.call = fi_call_zone_info,
	.check = fi_check_zone_info,
	.undo = fi_undo_all,
	.errnos = { ENOMEM, EFAULT },
};

static int fi_call_zone_fill(struct fi_ctx *c)
{
	c->arg.fill.len = FI_LEN;
	c->arg.fill.pattern = FI_PATTERN;
	return ion_ioctl(c->dev, HON_ZONE_FILL, &c->arg.fill);
}

static void fi_check_zone_fill(struct __test_metadata *_metadata,
			       struct fi_ctx *c)
{
	void *p = mmap(NULL, FI_LEN, PROT_READ, MAP_SHARED, c->fd, 0);

	ASSERT_NE(MAP_FAILED, p);
	EXPECT_TRUE(ion_all_bytes(p, FI_LEN, FI_PATTERN));
	munmap(p, FI_LEN);
}

static const struct fi_op fi_zone_fill = {
	.name = "HON_ZONE_FILL",
	.setup = fi_zone_bound,
	.call = fi_call_zone_fill,
	.check = fi_check_zone_fill,
	.undo = fi_undo_all,
	.errnos = { ENOMEM, EFAULT },
};

static int fi_call_zone_checksum(struct fi_ctx *c)
{
	c->arg.checksum.len = FI_LEN;
	return ion_ioctl(c->dev, HON_ZONE_CHECKSUM, &c->arg.checksum);
}

/* The CRC-32 of FI_LEN zero bytes, as zlib's crc32() computes it. */
static __u32 fi_crc32_zeroes(size_t len)
{
	__u32 crc = ~0U;
	int k;

	while (len--)
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320U & -(crc & 1U));
	return ~crc;
}

static void fi_check_zone_checksum(struct __test_metadata *_metadata,
				   struct fi_ctx *c)
{
	EXPECT_EQ(fi_crc32_zeroes(FI_LEN), c->arg.checksum.crc);
}

static const struct fi_op fi_zone_checksum = {
	.name = "HON_ZONE_CHECKSUM",
	.setup = fi_zone_bound,
	.call = fi_call_zone_checksum,
	.check = fi_check_zone_checksum,
	.undo = fi_undo_all,
	.errnos = { ENOMEM, EFAULT },
};

/* A bound zone whose buffer fd is closed: its last close frees the buffer. */
static int fi_setup_zone_alone(struct fi_ctx *c)
{
	int ret = fi_zone_bound(c);

	fi_close(&c->fd);
	return ret;
}

static int fi_call_zone_close(struct fi_ctx *c)
{
	int fd = c->dev;

	c->dev = -1;
	return close(fd) ? -errno : 0;
}

static const struct fi_op fi_zone_close = {
	.name = "last close of a bound /dev/hon_zone",
	.setup = fi_setup_zone_alone,
	.call = fi_call_zone_close,
	.check = fi_check_close,
	.undo = fi_undo_all,
};

/* ---- the tests ---- */

FIXTURE(fail_nth) {
	struct fi_ctx c;
	bool legacy;
};

FIXTURE_SETUP(fail_nth)
{
	struct ion_heap_query query = { .cnt = FI_MAX_HEAPS };
	struct fi_ctx *c = &self->c;

	memset(c, 0, sizeof(*c));
	c->ion = -1;
	if (!fi_available)
		SKIP(return, "no fault injection (FAILSLAB, FAIL_PAGE_ALLOC, debugfs)");
	c->ion = open(ION_DEV, O_RDWR | O_CLOEXEC);
	if (c->ion < 0)
		SKIP(return, "%s: %s", ION_DEV, strerror(errno));
	if (access(FI_ION_HEAPS, R_OK))
		SKIP(return, "no ION debugfs: the counters cannot be checked");
	query.heaps = (uintptr_t)c->heaps;
	ASSERT_EQ(0, ion_ioctl(c->ion, ION_IOC_HEAP_QUERY, &query));
	c->nheaps = query.cnt;
	self->legacy = ion_legacy_abi() == 1;
}

FIXTURE_TEARDOWN(fail_nth)
{
	if (self->c.ion >= 0)
		close(self->c.ion);
}

/* @op once on every heap. */
static void fi_sweep_heaps(struct __test_metadata *_metadata,
			   struct fi_ctx *c, const struct fi_op *op)
{
	unsigned int i;

	c->every_heap = true;
	for (i = 0; i < c->nheaps && _metadata->exit_code == KSFT_PASS; i++) {
		c->heap_id = c->heaps[i].heap_id;
		c->heap = c->heaps[i].name;
		fi_sweep(_metadata, op, c);
	}
}

/* @op once, on the first heap. */
static void fi_sweep_one(struct __test_metadata *_metadata,
			 struct fi_ctx *c, const struct fi_op *op)
{
	c->every_heap = false;
	c->heap_id = c->heaps[0].heap_id;
	c->heap = c->heaps[0].name;
	fi_sweep(_metadata, op, c);
}

#define FI_NO_LEGACY	"ion.legacy_abi is 0: no legacy ioctls"

TEST_F_TIMEOUT(fail_nth, ion_open, FI_TIMEOUT)
{
	fi_sweep_one(_metadata, &self->c, &fi_ion_open);
}

TEST_F_TIMEOUT(fail_nth, ion_new_alloc, FI_TIMEOUT)
{
	fi_sweep_heaps(_metadata, &self->c, &fi_new_alloc);
}

TEST_F_TIMEOUT(fail_nth, ion_heap_query, FI_TIMEOUT)
{
	fi_sweep_one(_metadata, &self->c, &fi_heap_query);
}

TEST_F_TIMEOUT(fail_nth, ion_share_ro, FI_TIMEOUT)
{
	fi_sweep_heaps(_metadata, &self->c, &fi_share_ro);
}

TEST_F_TIMEOUT(fail_nth, ion_sync, FI_TIMEOUT)
{
	fi_sweep_one(_metadata, &self->c, &fi_sync);
}

TEST_F_TIMEOUT(fail_nth, ion_custom, FI_TIMEOUT)
{
	fi_sweep_one(_metadata, &self->c, &fi_custom);
}

TEST_F_TIMEOUT(fail_nth, ion_legacy_alloc, FI_TIMEOUT)
{
	if (!self->legacy)
		SKIP(return, FI_NO_LEGACY);
	fi_sweep_heaps(_metadata, &self->c, &fi_alloc);
}

TEST_F_TIMEOUT(fail_nth, ion_legacy_free, FI_TIMEOUT)
{
	if (!self->legacy)
		SKIP(return, FI_NO_LEGACY);
	fi_sweep_one(_metadata, &self->c, &fi_free);
}

TEST_F_TIMEOUT(fail_nth, ion_legacy_share, FI_TIMEOUT)
{
	if (!self->legacy)
		SKIP(return, FI_NO_LEGACY);
	fi_sweep_one(_metadata, &self->c, &fi_share);
}

TEST_F_TIMEOUT(fail_nth, ion_legacy_map, FI_TIMEOUT)
{
	if (!self->legacy)
		SKIP(return, FI_NO_LEGACY);
	fi_sweep_one(_metadata, &self->c, &fi_map);
}

TEST_F_TIMEOUT(fail_nth, ion_legacy_import, FI_TIMEOUT)
{
	if (!self->legacy)
		SKIP(return, FI_NO_LEGACY);
	fi_sweep_heaps(_metadata, &self->c, &fi_import);
}

TEST_F_TIMEOUT(fail_nth, buffer_mmap, FI_TIMEOUT)
{
	fi_sweep_heaps(_metadata, &self->c, &fi_mmap);
}

TEST_F_TIMEOUT(fail_nth, buffer_mmap_cached, FI_TIMEOUT)
{
	fi_sweep_heaps(_metadata, &self->c, &fi_mmap_cached);
}

TEST_F_TIMEOUT(fail_nth, buffer_last_close, FI_TIMEOUT)
{
	fi_sweep_heaps(_metadata, &self->c, &fi_close_buffer);
}

TEST_F_TIMEOUT(fail_nth, ion_last_close, FI_TIMEOUT)
{
	if (!self->legacy)
		SKIP(return, FI_NO_LEGACY);
	fi_sweep_one(_metadata, &self->c, &fi_close_client);
}

TEST_F_TIMEOUT(fail_nth, dma_heap_alloc, FI_TIMEOUT)
{
	unsigned int i, found = 0;

	for (i = 0; i < self->c.nheaps && _metadata->exit_code == KSFT_PASS; i++) {
		struct fi_ctx *c = &self->c;

		snprintf(c->path, sizeof(c->path), "%s/ion-%s", FI_DMA_HEAPS,
			 c->heaps[i].name);
		if (access(c->path, R_OK))
			continue;
		found++;
		c->every_heap = true;
		c->heap_id = c->heaps[i].heap_id;
		c->heap = c->heaps[i].name;
		fi_sweep(_metadata, &fi_dma_heap_alloc, c);
	}
	if (!found)
		SKIP(return, "no %s/ion-* heap", FI_DMA_HEAPS);
}

/* 0 when there is a /dev/hon_zone to open, else the errno of access(). */
static int fi_no_zone(void)
{
	return access(FI_ZONE_DEV, R_OK | W_OK) ? errno : 0;
}

TEST_F_TIMEOUT(fail_nth, zone_open, FI_TIMEOUT)
{
	if (fi_no_zone())
		SKIP(return, "%s: %s", FI_ZONE_DEV, strerror(fi_no_zone()));
	fi_sweep_one(_metadata, &self->c, &fi_zone_open_op);
}

TEST_F_TIMEOUT(fail_nth, zone_ion_init, FI_TIMEOUT)
{
	if (fi_no_zone())
		SKIP(return, "%s: %s", FI_ZONE_DEV, strerror(fi_no_zone()));
	fi_sweep_heaps(_metadata, &self->c, &fi_zone_init);
}

TEST_F_TIMEOUT(fail_nth, zone_bind, FI_TIMEOUT)
{
	if (fi_no_zone())
		SKIP(return, "%s: %s", FI_ZONE_DEV, strerror(fi_no_zone()));
	fi_sweep_one(_metadata, &self->c, &fi_zone_bind);
}

TEST_F_TIMEOUT(fail_nth, zone_ion_alloc, FI_TIMEOUT)
{
	if (fi_no_zone())
		SKIP(return, "%s: %s", FI_ZONE_DEV, strerror(fi_no_zone()));
	fi_sweep_heaps(_metadata, &self->c, &fi_zone_alloc);
}

TEST_F_TIMEOUT(fail_nth, zone_ion_deinit, FI_TIMEOUT)
{
	if (fi_no_zone())
		SKIP(return, "%s: %s", FI_ZONE_DEV, strerror(fi_no_zone()));
	fi_sweep_one(_metadata, &self->c, &fi_zone_deinit);
}

TEST_F_TIMEOUT(fail_nth, zone_get_info, FI_TIMEOUT)
{
	if (fi_no_zone())
		SKIP(return, "%s: %s", FI_ZONE_DEV, strerror(fi_no_zone()));
	fi_sweep_one(_metadata, &self->c, &fi_zone_info);
}

TEST_F_TIMEOUT(fail_nth, zone_fill, FI_TIMEOUT)
{
	if (fi_no_zone())
		SKIP(return, "%s: %s", FI_ZONE_DEV, strerror(fi_no_zone()));
	fi_sweep_one(_metadata, &self->c, &fi_zone_fill);
}

TEST_F_TIMEOUT(fail_nth, zone_checksum, FI_TIMEOUT)
{
	if (fi_no_zone())
		SKIP(return, "%s: %s", FI_ZONE_DEV, strerror(fi_no_zone()));
	fi_sweep_one(_metadata, &self->c, &fi_zone_checksum);
}

TEST_F_TIMEOUT(fail_nth, zone_last_close, FI_TIMEOUT)
{
	if (fi_no_zone())
		SKIP(return, "%s: %s", FI_ZONE_DEV, strerror(fi_no_zone()));
	fi_sweep_heaps(_metadata, &self->c, &fi_zone_close);
}

/* Last: the sum of the sites the tests above reached. */
TEST_F_TIMEOUT(fail_nth, total_sites, FI_TIMEOUT)
{
	ksft_print_msg("%u injection sites reached in all\n", *fi_total_sites);
	EXPECT_LT(0, *fi_total_sites);
}

TEST_HARNESS_MAIN
