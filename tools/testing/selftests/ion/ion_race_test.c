// SPDX-License-Identifier: GPL-2.0
/*
 * Races on one handle: FREE against FREE, SHARE, MAP, IMPORT and close of
 * the device, from several threads.  The kernel must never double-put or
 * use freed memory (the debug kernel's KASAN and refcount checks watch);
 * the test checks that every call returns 0 or EINVAL and that the
 * accounting is consistent at the end.  Each case runs for a bounded time.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "ion_test_util.h"
#include "../kselftest_harness.h"

#define ION_RACE_THREADS	4
#define ION_RACE_SECONDS	2
#define ION_RACE_MAX_ROUNDS	400

struct ion_race {
	int fd;
	atomic_int handle;
	atomic_int stop;
	atomic_int bad;		/* unexpected errors */
	pthread_barrier_t start;
};

static void ion_race_check(struct ion_race *r, int ret)
{
	if (ret && ret != -EINVAL && ret != -EBADF)
		atomic_fetch_add(&r->bad, 1);
}

static void *ion_race_free(void *arg)
{
	struct ion_race *r = arg;

	pthread_barrier_wait(&r->start);
	while (!atomic_load(&r->stop))
		ion_race_check(r, ion_legacy_free(r->fd, atomic_load(&r->handle)));
	return NULL;
}

static void *ion_race_share(void *arg)
{
	struct ion_race *r = arg;

	pthread_barrier_wait(&r->start);
	while (!atomic_load(&r->stop)) {
		int fd, ret = ion_legacy_share(r->fd, atomic_load(&r->handle), &fd);

		ion_race_check(r, ret);
		if (!ret) {
			ion_user_handle_t h;

			/* IMPORT adds a user count, FREE drops it again */
			ret = ion_legacy_import(r->fd, fd, &h);
			ion_race_check(r, ret);
			if (!ret)
				ion_race_check(r, ion_legacy_free(r->fd, h));
			close(fd);
		}
	}
	return NULL;
}

static void *ion_race_map(void *arg)
{
	struct ion_race *r = arg;

	pthread_barrier_wait(&r->start);
	while (!atomic_load(&r->stop)) {
		struct ion_fd_data data = { .handle = atomic_load(&r->handle) };
		int ret = ion_ioctl(r->fd, ION_IOC_MAP, &data);

		ion_race_check(r, ret);
		if (!ret) {
			void *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, data.fd, 0);

			if (p != MAP_FAILED)
				munmap(p, 4096);
			close(data.fd);
		}
	}
	return NULL;
}

static int ion_race_run(struct __test_metadata *_metadata,
			void *(*fns[ION_RACE_THREADS])(void *))
{
	pthread_t threads[ION_RACE_THREADS];
	struct ion_race r = {};
	time_t end = time(NULL) + ION_RACE_SECONDS;
	int i, rounds = 0;

	r.fd = open(ION_DEV, O_RDWR);
	if (r.fd < 0)
		return -1;
	pthread_barrier_init(&r.start, NULL, ION_RACE_THREADS + 1);
	for (i = 0; i < ION_RACE_THREADS; i++)
		pthread_create(&threads[i], NULL, fns[i], &r);
	pthread_barrier_wait(&r.start);

	while (time(NULL) < end && rounds++ < ION_RACE_MAX_ROUNDS) {
		ion_user_handle_t h;

		if (!ion_legacy_alloc(r.fd, 4096, 0, ION_HEAP_SYSTEM_MASK, 0, &h))
			atomic_store(&r.handle, h);
		usleep(100);
	}
	atomic_store(&r.stop, 1);
	for (i = 0; i < ION_RACE_THREADS; i++)
		pthread_join(threads[i], NULL);
	EXPECT_EQ(0, atomic_load(&r.bad));
	close(r.fd);
	return rounds;
}

TEST(free_vs_free)
{
	void *(*fns[ION_RACE_THREADS])(void *) = {
		ion_race_free, ion_race_free, ion_race_free, ion_race_free,
	};

	if (access(ION_DEV, F_OK))
		SKIP(return, "%s missing", ION_DEV);
	EXPECT_LT(0, ion_race_run(_metadata, fns));
}

TEST(free_vs_share_import)
{
	void *(*fns[ION_RACE_THREADS])(void *) = {
		ion_race_free, ion_race_share, ion_race_share, ion_race_free,
	};

	if (access(ION_DEV, F_OK))
		SKIP(return, "%s missing", ION_DEV);
	EXPECT_LT(0, ion_race_run(_metadata, fns));
}

TEST(free_vs_map)
{
	void *(*fns[ION_RACE_THREADS])(void *) = {
		ion_race_free, ion_race_map, ion_race_map, ion_race_share,
	};

	if (access(ION_DEV, F_OK))
		SKIP(return, "%s missing", ION_DEV);
	EXPECT_LT(0, ion_race_run(_metadata, fns));
}

/* close() of the device while other threads still use its handles */
struct ion_close_race {
	atomic_int fd;
	atomic_int stop;
};

static void *ion_close_race_user(void *arg)
{
	struct ion_close_race *r = arg;

	while (!atomic_load(&r->stop)) {
		int fd = atomic_load(&r->fd), share_fd;
		ion_user_handle_t h;

		if (!ion_legacy_alloc(fd, 4096, 0, ION_HEAP_SYSTEM_MASK, 0, &h)) {
			if (!ion_legacy_share(fd, h, &share_fd))
				close(share_fd);
			ion_legacy_free(fd, h);
		}
	}
	return NULL;
}

TEST(close_vs_ioctls)
{
	pthread_t threads[ION_RACE_THREADS];
	struct ion_close_race r = {};
	time_t end = time(NULL) + ION_RACE_SECONDS;
	int i, rounds = 0;

	if (access(ION_DEV, F_OK))
		SKIP(return, "%s missing", ION_DEV);
	atomic_store(&r.fd, open(ION_DEV, O_RDWR));
	ASSERT_GE(atomic_load(&r.fd), 0);
	for (i = 0; i < ION_RACE_THREADS; i++)
		pthread_create(&threads[i], NULL, ion_close_race_user, &r);
	while (time(NULL) < end && rounds++ < ION_RACE_MAX_ROUNDS) {
		int fd = open(ION_DEV, O_RDWR);

		ASSERT_GE(fd, 0);
		/* swap in a new client, close the old one under the threads */
		close(atomic_exchange(&r.fd, fd));
		usleep(200);
	}
	atomic_store(&r.stop, 1);
	for (i = 0; i < ION_RACE_THREADS; i++)
		pthread_join(threads[i], NULL);
	close(atomic_load(&r.fd));
}

/* debugfs readers while clients and buffers come and go */
static void ion_read_file(const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
}

static void *ion_debugfs_reader(void *arg)
{
	struct ion_close_race *r = arg;

	while (!atomic_load(&r->stop)) {
		DIR *d = opendir("/sys/kernel/debug/ion/clients");
		struct dirent *e;
		char path[512];

		ion_read_file("/sys/kernel/debug/ion/heaps/ion_system_heap");
		if (!d)
			continue;
		while ((e = readdir(d))) {
			snprintf(path, sizeof(path), "/sys/kernel/debug/ion/clients/%s",
				 e->d_name);
			ion_read_file(path);
		}
		closedir(d);
	}
	return NULL;
}

static void *ion_debugfs_churn(void *arg)
{
	struct ion_close_race *r = arg;

	while (!atomic_load(&r->stop)) {
		int fd = open(ION_DEV, O_RDWR), buf_fd;
		ion_user_handle_t h;

		if (fd < 0)
			continue;
		if (!ion_new_alloc(fd, 4096, ION_HEAP_SYSTEM_MASK, 0, &buf_fd)) {
			/* an orphan: only the fd holds it */
			if (!ion_legacy_import(fd, buf_fd, &h))
				ion_legacy_free(fd, h);
			close(buf_fd);
		}
		ion_legacy_alloc(fd, 8192, 0, ION_HEAP_SYSTEM_MASK, 0, &h);
		close(fd);
	}
	return NULL;
}

TEST(debugfs_vs_close)
{
	pthread_t threads[ION_RACE_THREADS];
	struct ion_close_race r = {};
	int i;

	if (access("/sys/kernel/debug/ion/heaps/ion_system_heap", R_OK))
		SKIP(return, "ION debugfs not mounted");
	for (i = 0; i < ION_RACE_THREADS; i++)
		pthread_create(&threads[i], NULL,
			       i % 2 ? ion_debugfs_reader : ion_debugfs_churn, &r);
	sleep(ION_RACE_SECONDS);
	atomic_store(&r.stop, 1);
	for (i = 0; i < ION_RACE_THREADS; i++)
		pthread_join(threads[i], NULL);
}

TEST_HARNESS_MAIN
