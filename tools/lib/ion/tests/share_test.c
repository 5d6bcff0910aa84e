// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * libion's sharing helpers: fd passing over unix sockets (SCM_RIGHTS),
 * buffer names, read-only descriptors, byte-range mappings and sizes.
 * The socket tests need no device; the buffer tests use whatever ion_open()
 * finds (/dev/ion, or /dev/dma_heap) and skip without either.
 *
 *   scripts/uml-run build/libion/share_test
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ion/ion.h>

#include "kselftest_harness.h"
#include "test_util.h"

/* The lowest free descriptor number: shows leaks. */
static int lowest_free_fd(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	close(fd);
	return fd;
}

static int memfd_with(const char *text)
{
	int fd = memfd_create("share-test", MFD_CLOEXEC);

	if (fd >= 0 && write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return -1;
	}
	return fd;
}

FIXTURE(sock) {
	int sv[2];
};

FIXTURE_VARIANT(sock) {
	int type;
};

FIXTURE_VARIANT_ADD(sock, seqpacket) {
	.type = SOCK_SEQPACKET,
};

FIXTURE_VARIANT_ADD(sock, stream) {
	.type = SOCK_STREAM,
};

FIXTURE_VARIANT_ADD(sock, dgram) {
	.type = SOCK_DGRAM,
};

FIXTURE_SETUP(sock)
{
	ASSERT_EQ(0, socketpair(AF_UNIX, variant->type | SOCK_CLOEXEC, 0,
				self->sv));
}

FIXTURE_TEARDOWN(sock)
{
	close(self->sv[0]);
	close(self->sv[1]);
}

TEST_F(sock, fd_arrives_and_is_cloexec)
{
	char buf[16] = { 0 };
	int m, got = -1;

	m = memfd_with("hello");
	ASSERT_LE(0, m);
	ASSERT_EQ(0, ion_send_fd(self->sv[0], m, NULL, 0));
	close(m);
	ASSERT_EQ(0, ion_recv_fd(self->sv[1], &got, NULL, 0));
	ASSERT_LE(0, got);
	EXPECT_EQ(FD_CLOEXEC, fcntl(got, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(5, pread(got, buf, sizeof(buf), 0));
	EXPECT_STREQ("hello", buf);
	close(got);
}

TEST_F(sock, data_comes_with_the_fd)
{
	struct { unsigned long offset, size; } msg = { 4096, 100 }, in = { 0 };
	int m, got;

	m = memfd_with("x");
	ASSERT_LE(0, m);
	ASSERT_EQ(0, ion_send_fd(self->sv[0], m, &msg, sizeof(msg)));
	close(m);
	ASSERT_EQ((int)sizeof(in), ion_recv_fd(self->sv[1], &got, &in, sizeof(in)));
	EXPECT_EQ(4096, in.offset);
	EXPECT_EQ(100, in.size);
	close(got);
}

TEST_F(sock, send_negative_fd_is_ebadf)
{
	EXPECT_EQ(-EBADF, ion_send_fd(self->sv[0], -1, NULL, 0));
}

TEST_F(sock, send_closed_fd_is_ebadf)
{
	EXPECT_EQ(-EBADF, ion_send_fd(self->sv[0], lowest_free_fd(), NULL, 0));
}

TEST_F(sock, send_null_data_is_einval)
{
	EXPECT_EQ(-EINVAL, ion_send_fd(self->sv[0], 0, NULL, 4));
}

TEST_F(sock, send_on_a_non_socket_is_enotsock)
{
	int m = memfd_with("x");

	ASSERT_LE(0, m);
	EXPECT_EQ(-ENOTSOCK, ion_send_fd(m, m, NULL, 0));
	close(m);
}

TEST_F(sock, recv_null_fd_is_einval)
{
	EXPECT_EQ(-EINVAL, ion_recv_fd(self->sv[1], NULL, NULL, 0));
}

TEST_F(sock, recv_without_fd_is_ebadmsg)
{
	int got = 7;

	ASSERT_EQ(1, send(self->sv[0], "x", 1, 0));
	EXPECT_EQ(-EBADMSG, ion_recv_fd(self->sv[1], &got, NULL, 0));
	EXPECT_EQ(-1, got);
}

TEST_F(sock, recv_after_peer_closed_is_econnreset)
{
	struct timeval tv = { .tv_usec = 100000 };
	int got;

	close(self->sv[0]);
	self->sv[0] = -1;
	if (variant->type == SOCK_DGRAM) {
		/* A datagram socket has no end of file: only a timeout helps. */
		ASSERT_EQ(0, setsockopt(self->sv[1], SOL_SOCKET, SO_RCVTIMEO,
					&tv, sizeof(tv)));
		EXPECT_EQ(-EAGAIN, ion_recv_fd(self->sv[1], &got, NULL, 0));
		return;
	}
	EXPECT_EQ(-ECONNRESET, ion_recv_fd(self->sv[1], &got, NULL, 0));
}

TEST_F(sock, send_to_closed_peer_is_epipe)
{
	int m = memfd_with("x");

	ASSERT_LE(0, m);
	close(self->sv[1]);
	self->sv[1] = -1;
	/* MSG_NOSIGNAL: an error, no SIGPIPE */
	EXPECT_EQ(variant->type == SOCK_DGRAM ? -ECONNREFUSED : -EPIPE,
		  ion_send_fd(self->sv[0], m, NULL, 0));
	close(m);
}

TEST_F(sock, truncated_message_is_emsgsize_without_leak)
{
	char big[64] = "0123456789", small[4];
	int m, got, before;

	m = memfd_with("x");
	ASSERT_LE(0, m);
	ASSERT_EQ(0, ion_send_fd(self->sv[0], m, big, sizeof(big)));
	close(m);
	before = lowest_free_fd();
	if (variant->type == SOCK_STREAM) {
		/* A stream is not truncated: the rest waits in the socket. */
		EXPECT_EQ(4, ion_recv_fd(self->sv[1], &got, small, sizeof(small)));
		EXPECT_EQ(before, got);
		close(got);
		return;
	}
	EXPECT_EQ(-EMSGSIZE, ion_recv_fd(self->sv[1], &got, small, sizeof(small)));
	EXPECT_EQ(-1, got);
	EXPECT_EQ(before, lowest_free_fd());
}

TEST_F(sock, extra_fds_are_closed)
{
	char cbuf[CMSG_SPACE(3 * sizeof(int))] = { 0 };
	struct msghdr msg = { 0 };
	struct cmsghdr *cmsg;
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	int fds[3], got, before, i;

	for (i = 0; i < 3; i++) {
		fds[i] = memfd_with("x");
		ASSERT_LE(0, fds[i]);
	}
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(cmsg), fds, sizeof(fds));
	ASSERT_EQ(1, sendmsg(self->sv[0], &msg, 0));
	for (i = 0; i < 3; i++)
		close(fds[i]);
	before = lowest_free_fd();
	ASSERT_EQ(0, ion_recv_fd(self->sv[1], &got, NULL, 0));
	EXPECT_EQ(before, got);
	/* only the one kept is open */
	close(got);
	EXPECT_EQ(before, lowest_free_fd());
}

/* Buffers. */

FIXTURE(buf) {
	int ion;
	int buf;
	size_t page;
};

FIXTURE_SETUP(buf)
{
	self->ion = -1;
	self->buf = -1;
	self->page = sysconf(_SC_PAGESIZE);
	self->ion = ion_open();
	if (self->ion < 0)
		SKIP(return, "no /dev/ion and no /dev/dma_heap: %s",
		     strerror(-self->ion));
	ASSERT_EQ(0, ion_alloc_fd(self->ion, 3 * self->page, 0,
				  ION_HEAP(ION_SYSTEM_HEAP_ID), 0, &self->buf));
}

FIXTURE_TEARDOWN(buf)
{
	if (self->buf >= 0)
		close(self->buf);
	if (self->ion >= 0)
		ion_close(self->ion);
}

TEST_F(buf, size)
{
	size_t size = 0;

	EXPECT_EQ(0, ion_buffer_size(self->buf, &size));
	EXPECT_EQ(3 * self->page, size);
}

TEST_F(buf, size_of_memfd_is_einval)
{
	size_t size;
	int m = memfd_with("x");

	EXPECT_EQ(-EINVAL, ion_buffer_size(m, &size));
	close(m);
}

TEST_F(buf, size_of_closed_fd_is_ebadf)
{
	size_t size;

	EXPECT_EQ(-EBADF, ion_buffer_size(lowest_free_fd(), &size));
}

TEST_F(buf, unnamed_buffer_has_empty_name)
{
	char name[32] = "junk";

	EXPECT_EQ(0, ion_buffer_get_name(self->buf, name, sizeof(name)));
	EXPECT_STREQ("", name);
}

TEST_F(buf, name_shows_in_fdinfo)
{
	char name[32], path[64], line[128];
	bool found = false;
	FILE *f;

	ASSERT_EQ(0, ion_buffer_set_name(self->buf, "camera-preview"));
	ASSERT_EQ(0, ion_buffer_get_name(self->buf, name, sizeof(name)));
	EXPECT_STREQ("camera-preview", name);
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", self->buf);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "name:") == line && strstr(line, "camera-preview"))
			found = true;
	fclose(f);
	EXPECT_TRUE(found);
}

TEST_F(buf, name_too_long_is_einval)
{
	const char *name = "0123456789012345678901234567890123456789";

	EXPECT_EQ(-EINVAL, ion_buffer_set_name(self->buf, name));
}

TEST_F(buf, name_null_is_einval)
{
	EXPECT_EQ(-EINVAL, ion_buffer_set_name(self->buf, NULL));
}

TEST_F(buf, name_of_memfd_is_einval)
{
	int m = memfd_with("x");

	EXPECT_EQ(-EINVAL, ion_buffer_set_name(m, "memfd"));
	close(m);
}

TEST_F(buf, get_name_into_small_buffer_is_erange)
{
	char name[4];

	ASSERT_EQ(0, ion_buffer_set_name(self->buf, "longer-name"));
	EXPECT_EQ(-ERANGE, ion_buffer_get_name(self->buf, name, sizeof(name)));
}

TEST_F(buf, map_range_at_any_offset)
{
	struct ion_mapping whole, part;

	ASSERT_EQ(0, ion_map_range(self->buf, 0, 3 * self->page,
				   PROT_READ | PROT_WRITE, &whole));
	memcpy((char *)whole.ptr + self->page + 100, "sub-allocation", 15);
	ASSERT_EQ(0, ion_map_range(self->buf, self->page + 100, 15, PROT_READ,
				   &part));
	EXPECT_STREQ("sub-allocation", (char *)part.ptr);
	EXPECT_EQ(self->page, part.length);
	EXPECT_EQ(0, ion_unmap_range(&part));
	EXPECT_EQ(0, ion_unmap_range(&whole));
}

TEST_F(buf, map_range_past_end_is_einval)
{
	struct ion_mapping map;

	EXPECT_EQ(-EINVAL, ion_map_range(self->buf, 3 * self->page - 8, 16,
					 PROT_READ, &map));
}

TEST_F(buf, map_range_size_zero_is_einval)
{
	struct ion_mapping map;

	EXPECT_EQ(-EINVAL, ion_map_range(self->buf, 0, 0, PROT_READ, &map));
}

TEST_F(buf, unmap_range_null_is_einval)
{
	EXPECT_EQ(-EINVAL, ion_unmap_range(NULL));
}

TEST_F(buf, readonly_share_refuses_write_mappings)
{
	char *p;
	int ro, ret;

	p = mmap(NULL, self->page, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->buf, 0);
	ASSERT_NE(MAP_FAILED, p);
	snprintf(p, self->page, "owner wrote this");
	ret = ion_share_readonly(self->buf, &ro);
	if (ret == -EOPNOTSUPP) {
		munmap(p, self->page);
		SKIP(return, "this kernel cannot reopen a dma-buf read-only");
	}
	ASSERT_EQ(0, ret);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, self->page, PROT_READ | PROT_WRITE,
				   MAP_SHARED, ro, 0));
	EXPECT_EQ(EACCES, errno);
	munmap(p, self->page);
	p = mmap(NULL, self->page, PROT_READ, MAP_SHARED, ro, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_STREQ("owner wrote this", p);
	munmap(p, self->page);
	close(ro);
}

TEST_F(buf, readonly_share_of_memfd_is_einval)
{
	int m = memfd_with("x"), ro;

	EXPECT_EQ(-EINVAL, ion_share_readonly(m, &ro));
	close(m);
}

/* Two processes share one buffer, done with the helpers: fork, pass, read. */
TEST_F(buf, pass_named_buffer_to_another_process)
{
	char name[32], *p;
	int sv[2], got, status;
	size_t size;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int b;

		close(sv[0]);
		if (ion_alloc_fd(self->ion, self->page, 0,
				 ION_HEAP(ION_SYSTEM_HEAP_ID), 0, &b) < 0)
			_exit(1);
		if (ion_buffer_set_name(b, "from-child") < 0)
			_exit(2);
		p = mmap(NULL, self->page, PROT_READ | PROT_WRITE, MAP_SHARED,
			 b, 0);
		if (p == MAP_FAILED)
			_exit(3);
		snprintf(p, self->page, "qwertysdfgh");
		munmap(p, self->page);
		if (ion_send_fd(sv[1], b, NULL, 0) < 0)
			_exit(4);
		close(b);
		_exit(0);
	}
	close(sv[1]);
	ASSERT_EQ(0, ion_recv_fd(sv[0], &got, NULL, 0));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	/* The child and its fds are gone: the passed fd holds the buffer. */
	ASSERT_EQ(0, ion_buffer_size(got, &size));
	EXPECT_EQ(self->page, size);
	ASSERT_EQ(0, ion_buffer_get_name(got, name, sizeof(name)));
	EXPECT_STREQ("from-child", name);
	p = mmap(NULL, self->page, PROT_READ, MAP_SHARED, got, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_STREQ("qwertysdfgh", p);
	munmap(p, self->page);
	close(got);
	close(sv[0]);
}

TEST_HARNESS_MAIN
