/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the kselftests that read what ION reports about its buffers:
 * sysfs numbers, fdinfo fields, tracefs, cgroup files.
 */
#ifndef ION_STATS_UTIL_H
#define ION_STATS_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ION_SYSFS		"/sys/kernel/ion"
#define ION_SYSTEM_HEAP_NAME	"ion_system_heap"
#define ION_SYSTEM_DMA_HEAP	"/dev/dma_heap/ion-" ION_SYSTEM_HEAP_NAME
#define ION_MEM_ACCOUNTING	"/sys/module/ion/parameters/mem_accounting"

/* The whole of a small file, NUL terminated, or -errno. */
static inline int ion_read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

static inline int ion_write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* A file holding one decimal number; -1 when it cannot be read. */
static inline long long ion_read_number(const char *path)
{
	char buf[64];

	if (ion_read_file(path, buf, sizeof(buf)))
		return -1;
	return strtoll(buf, NULL, 10);
}

/* The number after "key" at the start of a line of path ("key: 12"), or -1. */
static inline long long ion_read_key(const char *path, const char *key)
{
	size_t klen = strlen(key);
	long long val = -1;
	char line[512];
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) &&
		    (line[klen] == ' ' || line[klen] == ':' || line[klen] == '\t')) {
			val = strtoll(line + klen + 1 + (line[klen] == ':'), NULL, 10);
			break;
		}
	}
	fclose(f);
	return val;
}

/* The text after "key:" of one fdinfo line of our fd, blanks stripped. */
static inline int ion_fdinfo_str(int fd, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key);
	char path[64], line[512];
	int ret = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *v = line + klen + 1;

		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		v += strspn(v, " \t");
		v[strcspn(v, "\n")] = '\0';
		snprintf(out, size, "%s", v);
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

/* ion.mem_accounting: 1, 0, or -errno when the parameter is missing. */
static inline int ion_mem_accounting(void)
{
	char buf[8];
	int ret = ion_read_file(ION_MEM_ACCOUNTING, buf, sizeof(buf));

	return ret ? ret : buf[0] == 'Y';
}

static inline int ion_set_mem_accounting(int on)
{
	return ion_write_file(ION_MEM_ACCOUNTING, on ? "1" : "0");
}

/*
 * Empty the system heap's pools through its shrinker ("2" runs every
 * shrinker), so that a test which frees a buffer into them does not find
 * them already at ion.pool_limit_mb, filled by earlier tests.
 */
static inline int ion_drop_pools(void)
{
	return ion_write_file("/proc/sys/vm/drop_caches", "2");
}

#endif /* ION_STATS_UTIL_H */
