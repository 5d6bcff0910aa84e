// SPDX-License-Identifier: GPL-2.0
/*
 * Two processes share one ION buffer over a socket.
 *
 * The child allocates a buffer with the legacy ION ioctls exactly as
 * Android's well-known ION sharing example does in getIONBuffer() (ALLOC
 * with heap mask 1 << 25, SHARE, mmap, write, FREE), and passes the shared
 * fd to its parent over a socketpair (the example's send_fd()/recv_fd(),
 * here libion's ion_send_fd() and ion_recv_fd()).  The parent IMPORTs the
 * fd into its own ION client, maps it and reads what the child wrote, after
 * the child has exited.
 *
 *   process_share          (with /dev/ion)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ion/ion.h>

/* Exit status of a scenario that cannot run here (kselftest's KSFT_SKIP). */
#define EXIT_SKIP	4

static const char message[50] = "qwertysdfgh";

/* The example's getIONBuffer(): returns the shared fd or -1. */
static int get_ion_buffer(void)
{
	struct ion_allocation_data alloc = { 0 };
	struct ion_handle_data handle = { 0 };
	struct ion_fd_data share = { 0 };
	int ion_fd, ret = -1;
	void *data;

	ion_fd = open("/dev/ion", O_RDWR | O_CLOEXEC);
	if (ion_fd < 0) {
		perror("child: open /dev/ion");
		return -1;
	}
	/* The example's odd values: 50 bytes, aligned to 50, vendor heap id 25. */
	alloc.len = sizeof(message);
	alloc.align = sizeof(message);
	alloc.heap_id_mask = 1 << 25;
	alloc.flags = ION_FLAG_CACHED;
	if (ioctl(ion_fd, ION_IOC_ALLOC, &alloc) < 0) {
		perror("child: ION_IOC_ALLOC");
		goto close_ion;
	}
	share.handle = alloc.handle;
	handle.handle = alloc.handle;
	if (ioctl(ion_fd, ION_IOC_SHARE, &share) < 0) {
		perror("child: ION_IOC_SHARE");
		goto free_handle;
	}
	data = mmap(NULL, sizeof(message), PROT_READ | PROT_WRITE, MAP_SHARED,
		    share.fd, 0);
	if (data == MAP_FAILED) {
		perror("child: mmap");
		close(share.fd);
		goto free_handle;
	}
	memcpy(data, message, sizeof(message));
	munmap(data, sizeof(message));
	printf("  child %d: ALLOC handle %d, SHARE fd %d, wrote \"%s\" through mmap\n",
	       getpid(), alloc.handle, share.fd, message);
	ret = share.fd;
free_handle:
	/* The shared fd keeps the buffer: the handle can go now. */
	if (ioctl(ion_fd, ION_IOC_FREE, &handle) < 0) {
		perror("child: ION_IOC_FREE");
		if (ret >= 0)
			close(ret);
		ret = -1;
	}
close_ion:
	close(ion_fd);
	return ret;
}

static int run_child(int sock)
{
	int fd, ret;

	fd = get_ion_buffer();
	if (fd < 0)
		return 1;
	ret = ion_send_fd(sock, fd, NULL, 0);
	close(fd);
	if (ret < 0) {
		fprintf(stderr, "child: ion_send_fd: %s\n", strerror(-ret));
		return 1;
	}
	printf("  child %d: sent the fd over the socket and exits\n", getpid());
	return 0;
}

static int run_parent(int sock, pid_t pid)
{
	struct ion_handle_data handle = { 0 };
	struct ion_fd_data import = { 0 };
	char buff_data[sizeof(message)];
	int fd = -1, c_ion_fd, ret, status, result = 1;
	void *data;

	ret = ion_recv_fd(sock, &fd, NULL, 0);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, "parent: the child failed\n");
		if (fd >= 0)
			close(fd);
		return 1;
	}
	if (ret < 0) {
		fprintf(stderr, "parent: ion_recv_fd: %s\n", strerror(-ret));
		return 1;
	}
	printf("  parent: received fd %d; the child has exited, the fd holds the buffer\n",
	       fd);

	c_ion_fd = open("/dev/ion", O_RDWR | O_CLOEXEC);
	if (c_ion_fd < 0) {
		perror("parent: open /dev/ion");
		goto close_fd;
	}
	import.fd = fd;
	if (ioctl(c_ion_fd, ION_IOC_IMPORT, &import) < 0) {
		perror("parent: ION_IOC_IMPORT");
		goto close_ion;
	}
	handle.handle = import.handle;
	printf("  parent: ION_IOC_IMPORT gave handle %d in the parent's own client\n",
	       import.handle);
	/* The example mapped stFdData.fd, i.e. the fd it received. */
	data = mmap(NULL, sizeof(buff_data), PROT_READ | PROT_WRITE, MAP_SHARED,
		    fd, 0);
	if (data == MAP_FAILED) {
		perror("parent: mmap");
		goto free_handle;
	}
	memcpy(buff_data, data, sizeof(buff_data));
	munmap(data, sizeof(buff_data));
	printf("  parent: read \"%s\"\n", buff_data);
	if (memcmp(buff_data, message, sizeof(message))) {
		fprintf(stderr, "parent: the data differs from what the child wrote\n");
		goto free_handle;
	}
	result = 0;
free_handle:
	if (ioctl(c_ion_fd, ION_IOC_FREE, &handle) < 0) {
		perror("parent: ION_IOC_FREE");
		result = 1;
	}
close_ion:
	close(c_ion_fd);
close_fd:
	close(fd);
	return result;
}

int main(void)
{
	int sv[2], status;
	pid_t pid;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("process_share: two processes share one buffer over a socket\n");
	if (access("/dev/ion", F_OK)) {
		printf("process_share: skipped, this kernel has no /dev/ion\n");
		return EXIT_SKIP;
	}
	/*
	 * SOCK_SEQPACKET rather than the example's SOCK_DGRAM: if the child dies
	 * before sending, the parent sees end of file instead of waiting
	 * forever.
	 */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		perror("socketpair");
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		close(sv[0]);
		_exit(run_child(sv[1]));
	}
	close(sv[1]);
	status = run_parent(sv[0], pid);
	close(sv[0]);
	printf("process_share: %s\n", status ? "FAILED" : "ok");
	return status;
}
