/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the hon_zone kselftests: raw ION ioctls (no libion),
 * a bitwise CRC-32, fd passing over SCM_RIGHTS.
 */
#ifndef HON_ZONE_UTIL_H
#define HON_ZONE_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/hon_zone.h>
#include <linux/ion.h>

#define HON_ZONE_DEV	"/dev/hon_zone"
#define ION_DEV		"/dev/ion"
#define HON_ZONE_PARAM	"/sys/module/hon_zone/parameters/max_buffer_size"
#define ION_CLIENTS	"/sys/kernel/debug/ion/clients"

/* CRC-32 of IEEE 802.3 bit by bit, the same as zlib's crc32(crc, p, len). */
static inline uint32_t hz_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	int k;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1u));
	}
	return ~crc;
}

/* ION_IOC_NEW_ALLOC (4.12 ABI): a dma-buf fd, or -errno. */
static inline int hz_ion_alloc_fd(int ion_fd, uint64_t len,
				  unsigned int heap_mask, unsigned int flags)
{
	struct ion_new_allocation_data data = {
		.len = len,
		.heap_id_mask = heap_mask,
		.flags = flags,
	};

	if (ioctl(ion_fd, ION_IOC_NEW_ALLOC, &data) < 0)
		return -errno;
	return data.fd;
}

/*
 * The legacy flow of existing programs' init_ion(): ION_IOC_ALLOC a handle,
 * ION_IOC_SHARE it as shared_fd.  Returns the shared fd or -errno; the
 * handle is left in *handle for ION_IOC_FREE.
 */
static inline int hz_ion_legacy_share(int ion_fd, size_t len,
				      unsigned int heap_mask,
				      unsigned int flags,
				      ion_user_handle_t *handle)
{
	struct ion_allocation_data alloc = {
		.len = len,
		.align = 0,
		.heap_id_mask = heap_mask,
		.flags = flags,
	};
	struct ion_fd_data share = { 0 };
	struct ion_handle_data free_data = { 0 };
	int err;

	if (ioctl(ion_fd, ION_IOC_ALLOC, &alloc) < 0)
		return -errno;
	share.handle = alloc.handle;
	if (ioctl(ion_fd, ION_IOC_SHARE, &share) < 0) {
		err = -errno;
		free_data.handle = alloc.handle;
		ioctl(ion_fd, ION_IOC_FREE, &free_data);
		return err;
	}
	*handle = alloc.handle;
	return share.fd;
}

static inline int hz_ion_legacy_free(int ion_fd, ion_user_handle_t handle)
{
	struct ion_handle_data data = { .handle = handle };

	return ioctl(ion_fd, ION_IOC_FREE, &data);
}

static inline int hz_send_fd(int sock, int fd)
{
	char byte = 'F';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cm;

	memset(&control, 0, sizeof(control));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static inline int hz_recv_fd(int sock)
{
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* Read or write max_buffer_size; -1 when the parameter is not there. */
static inline long long hz_get_max_size(void)
{
	char buf[32] = "";
	int fd = open(HON_ZONE_PARAM, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	return strtoll(buf, NULL, 0);
}

static inline int hz_set_max_size(long long size)
{
	char buf[32];
	int fd = open(HON_ZONE_PARAM, O_WRONLY);
	int len, ret;

	if (fd < 0)
		return -1;
	len = snprintf(buf, sizeof(buf), "%lld\n", size);
	ret = write(fd, buf, len) == len ? 0 : -1;
	close(fd);
	return ret;
}

/*
 * The ION clients of zones that are alive: ION's debugfs names a client
 * "<pid>-<name>[-<n>]" and a zone's client is "hon_zone" for as long as an
 * ION buffer is bound to the zone.  -1 without ION's debugfs.
 */
static inline int hz_count_zone_clients(void)
{
	DIR *dir = opendir(ION_CLIENTS);
	struct dirent *d;
	const char *name;
	int n = 0;

	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		name = strchr(d->d_name, '-');
		if (name && (!strcmp(name + 1, "hon_zone") ||
			     !strncmp(name + 1, "hon_zone-", 9)))
			n++;
	}
	closedir(dir);
	return n;
}

#endif /* HON_ZONE_UTIL_H */
