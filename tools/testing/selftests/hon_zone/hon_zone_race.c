// SPDX-License-Identifier: GPL-2.0
/*
 * Races on /dev/hon_zone, each bounded in time: INIT/DEINIT/read/write/FILL/
 * CHECKSUM from several threads on one zone, close() while other threads are
 * inside the zone, the bound fd closed under INIT, many zones on one buffer,
 * and a fatal signal during CHECKSUM of a large buffer.  The kernel must not
 * crash, leak (kmemleak runs after the tests in the debug kernel) or leave a
 * mapping behind; every error a thread sees must be one the ABI documents.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "hon_zone_util.h"

#define NTHREADS	4
#define RUN_MS		1500
#define SMALL_SIZE	(4 * 4096)
#define LARGE_SIZE	(8 * 4096)

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

/* What the threads of one test share. */
struct race {
	int zone_fd;
	int bufs[2];
	uint64_t deadline;
	atomic_int stop;
	atomic_int bad_errno;	/* first errno the ABI does not allow here */
	atomic_int bad_op;
	atomic_long ops;
	atomic_long ok;
};

static void race_bad(struct race *r, int op, int err)
{
	int zero = 0;

	if (atomic_compare_exchange_strong(&r->bad_errno, &zero, err))
		r->bad_op = op;
}

static bool race_done(struct race *r)
{
	return r->stop || now_ms() >= r->deadline;
}

/*
 * One random operation on r->zone_fd.  Errors allowed on a zone that other
 * threads bind and unbind: EBUSY (bound), ENXIO (unbound), EINVAL (range of
 * the larger buffer on the smaller one), ENOSPC (write past the end), and
 * EBADF once the zone fd is closed (@closing).
 */
static void race_one_op(struct race *r, unsigned int *rng_state, bool closing)
{
	struct hon_zone_checksum_data sum = { 0 };
	struct hon_zone_fill_data fill = { 0 };
	struct hon_zone_info info;
	char buf[512];
	int op = rand_r(rng_state) % 8, ret, err;
	off_t off = rand_r(rng_state) % LARGE_SIZE;

	switch (op) {
	case 0:
		ret = ioctl(r->zone_fd, HON_ZONE_ION_INIT, &r->bufs[rand_r(rng_state) & 1]);
		break;
	case 1:
		ret = ioctl(r->zone_fd, HON_ZONE_ION_DEINIT);
		break;
	case 2:
		ret = pread(r->zone_fd, buf, sizeof(buf), off);
		break;
	case 3:
		ret = pwrite(r->zone_fd, buf, sizeof(buf), off);
		break;
	case 4:
		fill.offset = off;
		fill.len = rand_r(rng_state) % 8192;
		fill.pattern = op;
		ret = ioctl(r->zone_fd, HON_ZONE_FILL, &fill);
		break;
	case 5:
		sum.offset = off;
		sum.len = rand_r(rng_state) % 8192;
		ret = ioctl(r->zone_fd, HON_ZONE_CHECKSUM, &sum);
		break;
	case 6:
		ret = ioctl(r->zone_fd, HON_ZONE_GET_INFO, &info);
		if (!ret && info.size != 0 && info.size != SMALL_SIZE &&
		    info.size != LARGE_SIZE)
			race_bad(r, op, ERANGE);
		break;
	default:
		ret = lseek(r->zone_fd, off, SEEK_SET) < 0 ? -1 : 0;
		break;
	}
	r->ops++;
	if (ret >= 0) {
		r->ok++;
		return;
	}
	err = errno;
	switch (err) {
	case EBUSY:
	case ENXIO:
	case EINVAL:
	case ENOSPC:
		return;
	case EBADF:
		if (closing) {
			r->stop = 1;
			return;
		}
		break;
	}
	race_bad(r, op, err);
}

static void *race_thread(void *arg)
{
	struct race *r = arg;
	unsigned int rng_state = (uintptr_t)&rng_state ^ getpid();

	while (!race_done(r))
		race_one_op(r, &rng_state, false);
	return NULL;
}

static void *race_thread_closing(void *arg)
{
	struct race *r = arg;
	unsigned int rng_state = (uintptr_t)&rng_state ^ getpid();

	while (!race_done(r))
		race_one_op(r, &rng_state, true);
	return NULL;
}

FIXTURE(race) {
	int ion_fd;
	struct race r;
};

FIXTURE_SETUP(race)
{
	int fd;

	memset(&self->r, 0, sizeof(self->r));
	self->r.zone_fd = -1;
	self->r.bufs[0] = -1;
	self->r.bufs[1] = -1;
	fd = open(HON_ZONE_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		SKIP(return, "no %s", HON_ZONE_DEV);
	ASSERT_LE(0, fd);
	close(fd);
	self->ion_fd = open(ION_DEV, O_RDWR | O_CLOEXEC);
	if (self->ion_fd < 0 && errno == ENOENT)
		SKIP(return, "no %s", ION_DEV);
	ASSERT_LE(0, self->ion_fd);
	self->r.bufs[0] = hz_ion_alloc_fd(self->ion_fd, SMALL_SIZE,
					  ION_HEAP_SYSTEM_MASK, 0);
	ASSERT_LE(0, self->r.bufs[0]);
	self->r.bufs[1] = hz_ion_alloc_fd(self->ion_fd, LARGE_SIZE,
					  ION_HEAP_SYSTEM_MASK, ION_FLAG_CACHED);
	ASSERT_LE(0, self->r.bufs[1]);
}

FIXTURE_TEARDOWN(race)
{
	if (self->r.zone_fd >= 0)
		close(self->r.zone_fd);
	if (self->r.bufs[0] >= 0)
		close(self->r.bufs[0]);
	if (self->r.bufs[1] >= 0)
		close(self->r.bufs[1]);
	close(self->ion_fd);
}

static void race_report(struct __test_metadata *_metadata, struct race *r)
{
	TH_LOG("%ld operations, %ld succeeded", (long)r->ops, (long)r->ok);
	if (r->bad_errno)
		TH_LOG("operation %d failed with %s", r->bad_op,
		       strerror(r->bad_errno));
	EXPECT_EQ(0, r->bad_errno);
	EXPECT_LT(0, r->ok);
}

/* Every operation from several threads on one zone. */
TEST_F(race, one_zone_all_ops)
{
	pthread_t t[NTHREADS];
	struct hon_zone_info info;
	int i;

	self->r.zone_fd = open(HON_ZONE_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->r.zone_fd);
	self->r.deadline = now_ms() + RUN_MS;
	for (i = 0; i < NTHREADS; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, race_thread, &self->r));
	for (i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	race_report(_metadata, &self->r);

	/* the zone is still consistent */
	ASSERT_EQ(0, ioctl(self->r.zone_fd, HON_ZONE_GET_INFO, &info));
	if (info.state)
		ASSERT_EQ(0, ioctl(self->r.zone_fd, HON_ZONE_ION_DEINIT));
	ASSERT_EQ(0, ioctl(self->r.zone_fd, HON_ZONE_ION_INIT, &self->r.bufs[1]));
	ASSERT_EQ(0, ioctl(self->r.zone_fd, HON_ZONE_GET_INFO, &info));
	EXPECT_EQ(LARGE_SIZE, info.size);
}

/*
 * The zone's fd is closed while threads are inside read, write, INIT,
 * FILL...: the last of them to leave releases the zone and its binding.
 */
TEST_F(race, close_while_busy)
{
	pthread_t t[NTHREADS];
	uint64_t end = now_ms() + RUN_MS;
	int i, rounds = 0;

	while (now_ms() < end) {
		self->r.stop = 0;
		self->r.zone_fd = open(HON_ZONE_DEV, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, self->r.zone_fd);
		ASSERT_EQ(0, ioctl(self->r.zone_fd, HON_ZONE_ION_INIT,
				   &self->r.bufs[rounds & 1]));
		/* bounded even if the close were never seen */
		self->r.deadline = now_ms() + RUN_MS;
		for (i = 0; i < NTHREADS; i++)
			ASSERT_EQ(0, pthread_create(&t[i], NULL,
						    race_thread_closing, &self->r));
		usleep(1000 + rounds % 5 * 1000);
		/* threads may be inside the zone now */
		ASSERT_EQ(0, close(self->r.zone_fd));
		for (i = 0; i < NTHREADS; i++)
			pthread_join(t[i], NULL);
		self->r.zone_fd = -1;
		rounds++;
	}
	TH_LOG("%d rounds", rounds);
	race_report(_metadata, &self->r);
}

struct init_close {
	int zone_fd;
	int ion_fd;
	atomic_int buf_fd;	/* replaced under the INIT thread's feet */
	uint64_t deadline;
	atomic_int bad_errno;
	atomic_long binds;
};

static void *init_close_thread(void *arg)
{
	struct init_close *ic = arg;
	int fd, zero = 0;

	while (now_ms() < ic->deadline) {
		fd = ic->buf_fd;
		if (!ioctl(ic->zone_fd, HON_ZONE_ION_INIT, &fd)) {
			ic->binds++;
			ioctl(ic->zone_fd, HON_ZONE_ION_DEINIT);
			continue;
		}
		/* closed (EBADF), or the number reused by a non-dma-buf (EINVAL) */
		if (errno != EBADF && errno != EINVAL)
			atomic_compare_exchange_strong(&ic->bad_errno, &zero, errno);
	}
	return NULL;
}

/* INIT races with the close of the buffer fd it names. */
TEST_F(race, init_vs_buffer_close)
{
	struct init_close ic = { 0 };
	struct hon_zone_info info;
	pthread_t t;
	int fd;

	ic.zone_fd = open(HON_ZONE_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, ic.zone_fd);
	ic.deadline = now_ms() + RUN_MS;
	ic.buf_fd = hz_ion_alloc_fd(self->ion_fd, 4096, ION_HEAP_SYSTEM_MASK, 0);
	ASSERT_LE(0, ic.buf_fd);
	ASSERT_EQ(0, pthread_create(&t, NULL, init_close_thread, &ic));
	while (now_ms() < ic.deadline) {
		fd = ic.buf_fd;
		close(fd);
		/* often the same number again: a pipe, then a dma-buf */
		if (rand() & 1) {
			int p[2];

			if (!pipe(p)) {
				close(p[0]);
				close(p[1]);
			}
		}
		fd = hz_ion_alloc_fd(self->ion_fd, 4096, ION_HEAP_SYSTEM_MASK, 0);
		ASSERT_LE(0, fd);
		ic.buf_fd = fd;
	}
	pthread_join(t, NULL);
	close(ic.buf_fd);
	TH_LOG("%ld binds", (long)ic.binds);
	EXPECT_EQ(0, ic.bad_errno);
	ASSERT_EQ(0, ioctl(ic.zone_fd, HON_ZONE_GET_INFO, &info));
	EXPECT_EQ(0, info.state);
	close(ic.zone_fd);
}

struct many {
	int buf_fd;
	int index;
	atomic_int *failures;
};

static void *many_zones_thread(void *arg)
{
	struct many *m = arg;
	struct hon_zone_fill_data fill = {
		.offset = m->index * 4096, .len = 4096, .pattern = 0x10 + m->index,
	};
	struct hon_zone_checksum_data sum = { .offset = m->index * 4096, .len = 4096 };
	uint8_t expect[4096];
	int zone, i;

	memset(expect, fill.pattern, sizeof(expect));
	zone = open(HON_ZONE_DEV, O_RDWR | O_CLOEXEC);
	if (zone < 0 || ioctl(zone, HON_ZONE_ION_INIT, &m->buf_fd)) {
		(*m->failures)++;
		return NULL;
	}
	for (i = 0; i < 50; i++) {
		sum.crc = 0;
		if (ioctl(zone, HON_ZONE_FILL, &fill) ||
		    ioctl(zone, HON_ZONE_CHECKSUM, &sum) ||
		    sum.crc != hz_crc32(0, expect, sizeof(expect))) {
			(*m->failures)++;
			break;
		}
	}
	close(zone);
	return NULL;
}

/* Many zones bind the same buffer at once; each works on its own page. */
TEST_F(race, many_zones_one_buffer)
{
	struct many m[NTHREADS * 2];
	pthread_t t[NTHREADS * 2];
	atomic_int failures = 0;
	uint8_t *p;
	int i;

	p = mmap(NULL, LARGE_SIZE, PROT_READ, MAP_SHARED, self->r.bufs[1], 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < NTHREADS * 2; i++) {
		m[i].buf_fd = self->r.bufs[1];
		m[i].index = i;
		m[i].failures = &failures;
		ASSERT_EQ(0, pthread_create(&t[i], NULL, many_zones_thread, &m[i]));
	}
	for (i = 0; i < NTHREADS * 2; i++)
		pthread_join(t[i], NULL);
	EXPECT_EQ(0, failures);
	for (i = 0; i < NTHREADS * 2; i++) {
		EXPECT_EQ(0x10 + i, p[i * 4096]);
		EXPECT_EQ(0x10 + i, p[i * 4096 + 4095]);
	}
	munmap(p, LARGE_SIZE);
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000ULL + ts.tv_nsec / 1000;
}

/*
 * A fatal signal stops one CHECKSUM of a large buffer inside it: killed a
 * tenth into a checksum that takes T, the task dies within T / 4 (a
 * checksum that ran to its end would take 0.9 T more).
 */
TEST_F(race, checksum_killable)
{
	struct hon_zone_checksum_data sum = { 0 };
	uint64_t size = 256ULL << 20, t, once = UINT64_MAX, died;
	int zone, buf, status, ready[2], i;
	long long max;
	pid_t pid;
	char c;

	max = hz_get_max_size();
	if (max >= 0 && (uint64_t)max < size)
		size = max & ~4095ULL;
	for (buf = -ENOMEM; buf == -ENOMEM && size >= (16ULL << 20); size /= 2)
		buf = hz_ion_alloc_fd(self->ion_fd, size, ION_HEAP_SYSTEM_MASK, 0);
	if (buf == -ENOMEM)
		SKIP(return, "no memory for a 16 MiB buffer");
	ASSERT_LE(0, buf);
	size *= 2;
	zone = open(HON_ZONE_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, zone);
	ASSERT_EQ(0, ioctl(zone, HON_ZONE_ION_INIT, &buf));
	close(buf);
	/*
	 * As much of the buffer as a checksum goes through in about 0.4 s:
	 * a sanitizer kernel (KCSAN, KASAN) is tens of times slower than a
	 * normal one, and the test must end within the harness's timeout.
	 */
	sum.len = 16ULL << 20;
	t = now_us();
	ASSERT_EQ(0, ioctl(zone, HON_ZONE_CHECKSUM, &sum));
	t = now_us() - t;
	if (t && t < 400000 && sum.len * (400000 / t) < size)
		sum.len *= 400000 / t;
	else if (t < 400000)
		sum.len = size;
	for (i = 0; i < 3; i++) {
		t = now_us();
		ASSERT_EQ(0, ioctl(zone, HON_ZONE_CHECKSUM, &sum));
		t = now_us() - t;
		once = t < once ? t : once;
	}
	if (once < 40000)
		SKIP(close(zone); return,
		     "a checksum of %llu bytes takes %llu us: too short to tell",
		     (unsigned long long)sum.len, (unsigned long long)once);

	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(ready[0]);
		if (write(ready[1], "r", 1) != 1)
			_exit(2);
		ioctl(zone, HON_ZONE_CHECKSUM, &sum);
		/* the checksum ran to its end: the kill did not stop it */
		_exit(3);
	}
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	close(ready[0]);
	usleep(once / 10);
	t = now_us();
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	died = now_us() - t;
	TH_LOG("checksum of %llu bytes: %llu us; killed 1/10 into it, died %llu us later",
	       (unsigned long long)sum.len, (unsigned long long)once,
	       (unsigned long long)died);
	ASSERT_TRUE(WIFSIGNALED(status)) TH_LOG("exit status %d", WEXITSTATUS(status));
	EXPECT_EQ(SIGKILL, WTERMSIG(status));
	EXPECT_GT(once / 4, died);
	/* the zone is usable after its user died inside it */
	sum.len = 4096;
	EXPECT_EQ(0, ioctl(zone, HON_ZONE_CHECKSUM, &sum));
	close(zone);
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
