// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * libion: sharing buffers.  Passing a buffer fd over a unix socket
 * (SCM_RIGHTS), naming a buffer, a read-only descriptor, and mapping an
 * arbitrary byte range of a buffer.  These work on any dma-buf fd, whatever
 * the kernel interface that allocated it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/ion.h>

#include <ion/ion.h>

#include "ion_priv.h"

/* Descriptors ion_recv_fd() makes room for: one wanted, the rest closed. */
#define ION_RECV_MAX_FDS	8

int ion_send_fd(int sock, int fd, const void *data, size_t len)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct msghdr msg = { 0 };
	struct cmsghdr *cmsg;
	struct iovec iov;
	char dummy = 0;
	size_t done;
	ssize_t n;

	if (fd < 0)
		return -EBADF;
	if (!data && len)
		return -EINVAL;
	/* At least one byte: a message with only control data is lost. */
	if (!len) {
		iov.iov_base = &dummy;
		iov.iov_len = 1;
	} else {
		iov.iov_base = (void *)data;
		iov.iov_len = len;
	}
	memset(&control, 0, sizeof(control));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control.buf;
	msg.msg_controllen = sizeof(control.buf);
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));

	do {
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	/* A stream socket may take part of the data; the fd went with it. */
	for (done = n; done < iov.iov_len; done += n) {
		do {
			n = send(sock, (char *)iov.iov_base + done,
				 iov.iov_len - done, MSG_NOSIGNAL);
		} while (n < 0 && errno == EINTR);
		if (n < 0)
			return -errno;
	}
	return 0;
}

int ion_recv_fd(int sock, int *fd, void *data, size_t len)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(ION_RECV_MAX_FDS * sizeof(int))];
	} control;
	struct msghdr msg = { 0 };
	struct cmsghdr *cmsg;
	struct iovec iov;
	char dummy;
	int got = -1;
	ssize_t n;

	if (!fd || (!data && len))
		return -EINVAL;
	*fd = -1;
	if (!len) {
		iov.iov_base = &dummy;
		iov.iov_len = 1;
	} else {
		iov.iov_base = data;
		iov.iov_len = len;
	}
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control.buf;
	msg.msg_controllen = sizeof(control.buf);

	do {
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;

	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		size_t i, nfds;

		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		nfds = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < nfds; i++) {
			int r;

			memcpy(&r, CMSG_DATA(cmsg) + i * sizeof(int), sizeof(r));
			if (got < 0)
				got = r;
			else
				close(r);
		}
	}
	if (msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC)) {
		if (got >= 0)
			close(got);
		return -EMSGSIZE;
	}
	if (got < 0)
		return n == 0 ? -ECONNRESET : -EBADMSG;
	*fd = got;
	return len ? (int)n : 0;
}

int ion_buffer_size(int buf_fd, size_t *size)
{
	off_t end;
	int ret;

	if (!size)
		return -EINVAL;
	ret = ion_fd_check_dmabuf(buf_fd);
	if (ret < 0)
		return ret;
	/* A dma-buf's lseek only reports its size; it has no position. */
	end = lseek(buf_fd, 0, SEEK_END);
	if (end < 0)
		return -errno;
	*size = end;
	return 0;
}

int ion_buffer_set_name(int buf_fd, const char *name)
{
	int ret;

	if (!name || strlen(name) >= DMA_BUF_NAME_LEN)
		return -EINVAL;
	ret = ion_fd_check_dmabuf(buf_fd);
	if (ret < 0)
		return ret;
	if (ioctl(buf_fd, DMA_BUF_SET_NAME, name) < 0)
		return errno == ENOTTY ? -EOPNOTSUPP : -errno;
	return 0;
}

int ion_buffer_get_name(int buf_fd, char *name, size_t len)
{
	char path[64], line[128];
	int ret = 0;
	FILE *f;

	if (!name || !len)
		return -EINVAL;
	ret = ion_fd_check_dmabuf(buf_fd);
	if (ret < 0)
		return ret;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", buf_fd);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	name[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		size_t n;

		/* "name:\t<name>\n", present once the buffer has a name */
		if (strncmp(line, "name:", 5))
			continue;
		n = strspn(line + 5, " \t");
		memmove(line, line + 5 + n, strlen(line + 5 + n) + 1);
		line[strcspn(line, "\n")] = '\0';
		if (strlen(line) >= len)
			ret = -ERANGE;
		else
			memcpy(name, line, strlen(line) + 1);
		break;
	}
	fclose(f);
	return ret;
}

/*
 * One ioctl through a /dev/ion of our own: the caller's descriptor may be
 * of another backend, or none.  0, -EOPNOTSUPP when there is no ION
 * device, or the ioctl's -errno.
 */
static int ion_private_ioctl(unsigned long request, void *arg)
{
	int ret, ion_fd, err;

	ion_fd = open(ion_dev_path, O_RDONLY | O_CLOEXEC);
	if (ion_fd < 0)
		return errno == ENOENT || errno == ENODEV || errno == ENXIO ?
		       -EOPNOTSUPP : -errno;
	ret = ioctl(ion_fd, request, arg);
	err = errno;
	close(ion_fd);
	return ret < 0 ? -err : 0;
}

int ion_share_readonly(int buf_fd, int *ro_fd)
{
	struct ion_share_ro_data data = { .fd = buf_fd };
	int ret;

	if (!ro_fd)
		return -EINVAL;
	ret = ion_fd_check_dmabuf(buf_fd);
	if (ret < 0)
		return ret;
	/*
	 * Only the exporter can make a second, read-only file for the same
	 * memory: reopening /proc/self/fd/N does not work for dma-bufs.  ION
	 * does it with ION_IOC_SHARE_RO; other exporters cannot.
	 */
	ret = ion_private_ioctl(ION_IOC_SHARE_RO, &data);
	if (ret < 0)
		/* EINVAL: a dma-buf of another exporter (udmabuf, heaps) */
		return ret == -ENOTTY || ret == -EINVAL ? -EOPNOTSUPP : ret;
	*ro_fd = data.ro_fd;
	return 0;
}

/* ION_IOC_BUFFER_PROT through a /dev/ion of our own. */
static int ion_buffer_prot_ioctl(int buf_fd, unsigned int flags,
				 unsigned int *prot)
{
	struct ion_buffer_prot_data data = {
		.size = sizeof(data), .flags = flags, .fd = buf_fd,
		.prot = *prot,
	};
	int ret;

	ret = ion_fd_check_dmabuf(buf_fd);
	if (ret < 0)
		return ret;
	ret = ion_private_ioctl(ION_IOC_BUFFER_PROT, &data);
	if (ret < 0)
		return ret == -ENOTTY ? -EOPNOTSUPP : ret;
	*prot = data.prot;
	return 0;
}

int ion_buffer_get_prot(int buf_fd, int *prot)
{
	unsigned int mask = 0;
	int ret;

	if (!prot)
		return -EINVAL;
	ret = ion_buffer_prot_ioctl(buf_fd, 0, &mask);
	/* the query fails with EINVAL only for a dma-buf that is not ION's */
	if (ret == -EINVAL)
		return -EOPNOTSUPP;
	if (ret < 0)
		return ret;
	*prot = (int)mask;
	return 0;
}

int ion_buffer_set_prot(int buf_fd, int prot)
{
	unsigned int mask = (unsigned int)prot;
	int ret, now;

	ret = ion_buffer_get_prot(buf_fd, &now);
	if (ret < 0)
		return ret;
	return ion_buffer_prot_ioctl(buf_fd, ION_BUFFER_PROT_SET, &mask);
}

int ion_map_range(int buf_fd, size_t offset, size_t size, int prot,
		  struct ion_mapping *map)
{
	size_t page = sysconf(_SC_PAGESIZE);
	size_t start, end;
	void *p;

	if (!map || !size || offset > SIZE_MAX - size ||
	    offset + size > SIZE_MAX - page)
		return -EINVAL;
	start = offset & ~(page - 1);
	end = (offset + size + page - 1) & ~(page - 1);
	p = mmap(NULL, end - start, prot, MAP_SHARED, buf_fd, start);
	if (p == MAP_FAILED)
		return -errno;
	map->base = p;
	map->length = end - start;
	map->ptr = (char *)p + (offset - start);
	return 0;
}

int ion_unmap_range(struct ion_mapping *map)
{
	int ret = 0;

	if (!map || !map->base)
		return -EINVAL;
	if (munmap(map->base, map->length) < 0)
		ret = -errno;
	map->base = NULL;
	map->ptr = NULL;
	map->length = 0;
	return ret;
}
