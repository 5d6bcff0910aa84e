/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the ION kselftests. */
#ifndef ION_TEST_UTIL_H
#define ION_TEST_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/ion.h>

#define ION_DEV			"/dev/ion"
#define ION_LEGACY_PARAM	"/sys/module/ion/parameters/legacy_abi"
#define ION_CLIENTS		"/sys/kernel/debug/ion/clients"

/* ioctl() returning -errno, so that tests can compare in one line */
static inline int ion_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

static inline int ion_legacy_alloc(int fd, size_t len, size_t align,
				   unsigned int mask, unsigned int flags,
				   ion_user_handle_t *handle)
{
	struct ion_allocation_data data = {
		.len = len, .align = align, .heap_id_mask = mask, .flags = flags,
	};
	int ret = ion_ioctl(fd, ION_IOC_ALLOC, &data);

	if (!ret)
		*handle = data.handle;
	return ret;
}

static inline int ion_legacy_free(int fd, ion_user_handle_t handle)
{
	struct ion_handle_data data = { .handle = handle };

	return ion_ioctl(fd, ION_IOC_FREE, &data);
}

static inline int ion_legacy_share(int fd, ion_user_handle_t handle, int *share_fd)
{
	struct ion_fd_data data = { .handle = handle, .fd = -1 };
	int ret = ion_ioctl(fd, ION_IOC_SHARE, &data);

	if (!ret)
		*share_fd = data.fd;
	return ret;
}

static inline int ion_legacy_import(int fd, int share_fd, ion_user_handle_t *handle)
{
	struct ion_fd_data data = { .fd = share_fd };
	int ret = ion_ioctl(fd, ION_IOC_IMPORT, &data);

	if (!ret)
		*handle = data.handle;
	return ret;
}

static inline int ion_new_alloc(int fd, __u64 len, unsigned int mask,
				unsigned int flags, int *buf_fd)
{
	struct ion_new_allocation_data data = {
		.len = len, .heap_id_mask = mask, .flags = flags,
	};
	int ret = ion_ioctl(fd, ION_IOC_NEW_ALLOC, &data);

	if (!ret)
		*buf_fd = data.fd;
	return ret;
}

/* 1 when every byte of [p, p + len) is c */
static inline int ion_all_bytes(const void *p, size_t len, unsigned char c)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != c)
			return 0;
	return 1;
}

/* ion.legacy_abi as the kernel was booted (or the module loaded) with: 1, 0 or -errno */
static inline int ion_legacy_abi(void)
{
	int fd = open(ION_LEGACY_PARAM, O_RDONLY);
	char c;
	int ret;

	if (fd < 0)
		return -errno;
	ret = read(fd, &c, 1) == 1 ? c == 'Y' : -EIO;
	close(fd);
	return ret;
}

/* A page the kernel can read but not write: copy_to_user faults. */
static inline void *ion_readonly_copy(const void *data, size_t size)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memcpy(p, data, size);
	if (mprotect(p, 4096, PROT_READ)) {
		munmap(p, 4096);
		return NULL;
	}
	return p;
}

/* the lowest free fd number: fds leaked by a failed call show up here */
static inline int ion_next_fd(void)
{
	int fd = open("/dev/null", O_RDONLY);

	if (fd >= 0)
		close(fd);
	return fd;
}

/*
 * 1 when @file, an entry of ION_CLIENTS, is a client file
 * "<pid>-<name>-<serial>" of @name, and of @pid unless @pid is -1
 */
static inline int ion_client_file_is(const char *file, long pid,
				     const char *name)
{
	const char *p = strchr(file, '-');
	size_t len = strlen(name);

	if (!p || (pid >= 0 && strtol(file, NULL, 10) != pid))
		return 0;
	p++;
	if (strncmp(p, name, len) || p[len] != '-' || !p[len + 1])
		return 0;
	return strspn(p + len + 1, "0123456789") == strlen(p + len + 1);
}

/*
 * The number of client files of @name (and of @pid unless -1); the path of
 * the last one in @path; -1 without ION debugfs
 */
static inline int ion_client_files(long pid, const char *name, char *path,
				   size_t size)
{
	DIR *dir = opendir(ION_CLIENTS);
	struct dirent *d;
	int n = 0;

	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		if (!ion_client_file_is(d->d_name, pid, name))
			continue;
		n++;
		if (path)
			snprintf(path, size, "%s/%s", ION_CLIENTS, d->d_name);
	}
	closedir(dir);
	return n;
}

#endif /* ION_TEST_UTIL_H */
