// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * libion's ashmem (<cutils/ashmem.h>): ashmem regions as named buffers of
 * ION's system heap, with ashmem's return convention (-1 and errno).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/dma-buf.h>

#include <cutils/ashmem.h>
#include <ion/ion.h>

#include "ion_priv.h"

/* What DMA_BUF_SET_NAME keeps, with the NUL. */
#define ASHMEM_ION_NAME_LEN	DMA_BUF_NAME_LEN

/* -1 with errno set to -@err, ashmem's way of failing. */
static int ashmem_fail(int err)
{
	errno = -err;
	return -1;
}

int ashmem_valid(int fd)
{
	int prot;

	return ion_buffer_get_prot(fd, &prot) == 0;
}

/* The size of a region, or -ENOTTY when @fd is not one. */
static int ashmem_region_size(int fd, size_t *size)
{
	struct stat st;

	if (!ashmem_valid(fd))
		return -ENOTTY;
	if (fstat(fd, &st) < 0)
		return -errno;
	*size = st.st_size;
	return 0;
}

int ashmem_create_region(const char *name, size_t size)
{
	char label[ASHMEM_ION_NAME_LEN];
	int ion_fd, buf_fd, ret;

	/* the system heap of ION itself, not another backend's */
	ion_fd = open(ion_dev_path, O_RDONLY | O_CLOEXEC);
	if (ion_fd < 0)
		return -1;
	ret = ion_alloc_fd(ion_fd, size, 0, ION_HEAP_SYSTEM_MASK,
			   ION_FLAG_CACHED, &buf_fd);
	close(ion_fd);
	if (ret < 0)
		return ashmem_fail(ret);
	if (name) {
		/* ashmem cuts long names too, at ASHMEM_NAME_LEN */
		snprintf(label, sizeof(label), "%.*s", (int)sizeof(label) - 1,
			 name);
		ret = ion_buffer_set_name(buf_fd, label);
		if (ret < 0) {
			close(buf_fd);
			return ashmem_fail(ret);
		}
	}
	return buf_fd;
}

int ashmem_set_prot_region(int fd, int prot)
{
	int ret;

	if (!ashmem_valid(fd))
		return ashmem_fail(-ENOTTY);
	ret = ion_buffer_set_prot(fd, prot);
	return ret < 0 ? ashmem_fail(ret) : 0;
}

/* ashmem's check of a pin or unpin range. */
static int ashmem_check_range(int fd, size_t offset, size_t len)
{
	size_t page = sysconf(_SC_PAGESIZE), size;
	int ret;

	ret = ashmem_region_size(fd, &size);
	if (ret < 0)
		return ret;
	if ((offset | len) & (page - 1))
		return -EINVAL;
	if (offset > size || len > size - offset)
		return -EINVAL;
	return 0;
}

int ashmem_pin_region(int fd, size_t offset, size_t len)
{
	int ret = ashmem_check_range(fd, offset, len);

	return ret < 0 ? ashmem_fail(ret) : ASHMEM_NOT_PURGED;
}

int ashmem_unpin_region(int fd, size_t offset, size_t len)
{
	int ret = ashmem_check_range(fd, offset, len);

	return ret < 0 ? ashmem_fail(ret) : ASHMEM_IS_UNPINNED;
}

int ashmem_get_size_region(int fd)
{
	size_t size;
	int ret;

	ret = ashmem_region_size(fd, &size);
	if (ret < 0)
		return ashmem_fail(ret);
	if (size > INT_MAX)
		return ashmem_fail(-EOVERFLOW);
	return (int)size;
}
