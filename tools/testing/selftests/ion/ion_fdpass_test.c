// SPDX-License-Identifier: GPL-2.0
/*
 * Passing ION buffers between two processes over a unix socket
 * (SCM_RIGHTS), as Android's sharing examples do, with the data checked on both
 * sides: the legacy ABI (ALLOC with the msm id 25, SHARE, mmap; the peer
 * IMPORTs and SHAREs again) and the 4.12 ABI (HEAP_QUERY, ALLOC returning
 * an fd).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "ion_test_util.h"
#include "../kselftest_harness.h"

#define ION_FDPASS_LEN	(16 * 4096)

static int ion_send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {};
	char byte = 'f';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int ion_recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {};
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

static void ion_fill(unsigned char *p, size_t len, unsigned char base)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 7 + base);
}

static int ion_check(const unsigned char *p, size_t len, unsigned char base)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != (unsigned char)(i * 7 + base))
			return 0;
	return 1;
}

/*
 * The peer: receive an fd, import it into its own client with the legacy
 * ABI (or use it directly), check the sender's data, write its own, reply.
 * Exit status: 0 ok, 1..n the step that failed.
 */
static int ion_peer(int sock, int legacy)
{
	ion_user_handle_t handle = 0;
	unsigned char *p;
	int fd, ion, map_fd;

	fd = ion_recv_fd(sock);
	if (fd < 0)
		return 1;
	ion = open(ION_DEV, O_RDWR);
	if (ion < 0)
		return 2;
	map_fd = fd;
	if (legacy) {
		if (ion_legacy_import(ion, fd, &handle))
			return 3;
		close(fd);
		if (ion_legacy_share(ion, handle, &map_fd))
			return 4;
	}
	p = mmap(NULL, ION_FDPASS_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (p == MAP_FAILED)
		return 5;
	if (!ion_check(p, ION_FDPASS_LEN, 1))
		return 6;
	ion_fill(p, ION_FDPASS_LEN, 2);
	munmap(p, ION_FDPASS_LEN);
	if (legacy && ion_legacy_free(ion, handle))
		return 7;
	close(map_fd);
	close(ion);
	if (write(sock, "d", 1) != 1)
		return 8;
	return 0;
}

FIXTURE(fdpass) {
	int ion;
	int sv[2];
	pid_t child;
};

FIXTURE_VARIANT(fdpass) {
	int legacy;
};

FIXTURE_VARIANT_ADD(fdpass, legacy_abi) {
	.legacy = 1,
};

FIXTURE_VARIANT_ADD(fdpass, fd_abi) {
	.legacy = 0,
};

FIXTURE_SETUP(fdpass)
{
	self->child = -1;
	self->ion = open(ION_DEV, O_RDWR);
	if (self->ion < 0)
		SKIP(return, "%s: %s", ION_DEV, strerror(errno));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, self->sv));
	self->child = fork();
	ASSERT_GE(self->child, 0);
	if (!self->child) {
		close(self->sv[0]);
		close(self->ion);
		_exit(ion_peer(self->sv[1], variant->legacy));
	}
	close(self->sv[1]);
}

FIXTURE_TEARDOWN(fdpass)
{
	if (self->child > 0) {
		kill(self->child, SIGKILL);
		waitpid(self->child, NULL, 0);
	}
	if (self->ion >= 0)
		close(self->ion);
}

static unsigned int ion_query_system_heap_mask(int ion)
{
	struct ion_heap_data heaps[16];
	struct ion_heap_query q = {};
	unsigned int i;

	if (ioctl(ion, ION_IOC_HEAP_QUERY, &q) || !q.cnt)
		return 0;
	q.cnt = q.cnt < 16 ? q.cnt : 16;
	q.heaps = (unsigned long)heaps;
	if (ioctl(ion, ION_IOC_HEAP_QUERY, &q))
		return 0;
	for (i = 0; i < q.cnt; i++)
		if (heaps[i].type == ION_HEAP_TYPE_SYSTEM)
			return ION_HEAP(heaps[i].heap_id);
	return 0;
}

TEST_F(fdpass, round_trip)
{
	ion_user_handle_t handle = 0;
	unsigned char *p;
	int fd, status;
	char reply;

	if (variant->legacy) {
		ASSERT_EQ(0, ion_legacy_alloc(self->ion, ION_FDPASS_LEN, 0,
					      ION_HEAP(ION_SYSTEM_HEAP_ID), 0, &handle));
		ASSERT_EQ(0, ion_legacy_share(self->ion, handle, &fd));
	} else {
		unsigned int mask = ion_query_system_heap_mask(self->ion);

		ASSERT_NE(0, mask);
		ASSERT_EQ(0, ion_new_alloc(self->ion, ION_FDPASS_LEN, mask, 0, &fd));
	}
	p = mmap(NULL, ION_FDPASS_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	ion_fill(p, ION_FDPASS_LEN, 1);

	ASSERT_EQ(0, ion_send_fd(self->sv[0], fd));
	/* the sender drops everything but the mapping: the buffer lives on */
	close(fd);
	if (variant->legacy)
		EXPECT_EQ(0, ion_legacy_free(self->ion, handle));

	ASSERT_EQ(1, read(self->sv[0], &reply, 1));
	ASSERT_EQ(self->child, waitpid(self->child, &status, 0));
	self->child = -1;
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_TRUE(ion_check(p, ION_FDPASS_LEN, 2));
	munmap(p, ION_FDPASS_LEN);
	close(self->sv[0]);
}

TEST_HARNESS_MAIN
