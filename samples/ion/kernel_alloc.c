// SPDX-License-Identifier: GPL-2.0
/*
 * A driver allocates ION memory in the kernel, user space maps it.
 *
 * hon_zone allocates the buffer itself with the in-kernel ION API
 * (HON_ZONE_ION_ALLOC) and hands user space a dma-buf fd of it.  The
 * kernel fills it, user space maps the fd and sees the kernel's bytes, the
 * kernel checksums what user space wrote, and a second process that
 * receives the fd imports it into its own ION client with libion.
 *
 *   kernel_alloc           (as root, with /dev/ion and /dev/hon_zone)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ion/ion.h>
#include <linux/hon_zone.h>

#include "sample_crc32.h"

#define BUF_SIZE	(256 * 1024)

/* Exit status of a scenario that cannot run here (kselftest's KSFT_SKIP). */
#define EXIT_SKIP	4

/* The second process: import the fd with libion and check the bytes. */
static int import_and_check(int sock)
{
	ion_user_handle_t handle;
	unsigned char *p;
	int fd, ion, map_fd, ret, i;

	ret = ion_recv_fd(sock, &fd, NULL, 0);
	if (ret < 0) {
		fprintf(stderr, "reader: ion_recv_fd: %s\n", strerror(-ret));
		return 1;
	}
	ion = ion_open();
	if (ion < 0) {
		fprintf(stderr, "reader: ion_open: %s\n", strerror(errno));
		close(fd);
		return 1;
	}
	ret = ion_import(ion, fd, &handle);
	close(fd);
	if (ret < 0) {
		fprintf(stderr, "reader: ion_import: %s\n", strerror(-ret));
		goto close_ion;
	}
	ret = ion_map(ion, handle, BUF_SIZE, PROT_READ, MAP_SHARED, 0, &p, &map_fd);
	if (ret < 0) {
		fprintf(stderr, "reader: ion_map: %s\n", strerror(-ret));
		goto free_handle;
	}
	for (i = 0; i < BUF_SIZE; i++)
		if (p[i] != 0x3c)
			break;
	printf("  reader %d: ion_import() = handle %d, ion_map(): %s\n", getpid(),
	       handle, i == BUF_SIZE ? "every byte is the kernel's 0x3c" :
	       "WRONG BYTES");
	ret = i == BUF_SIZE ? 0 : -EIO;
	munmap(p, BUF_SIZE);
	close(map_fd);
free_handle:
	if (ion_free(ion, handle) < 0 && !ret)
		ret = -EIO;
close_ion:
	ion_close(ion);
	return ret < 0;
}

int main(void)
{
	struct hon_zone_alloc_data alloc = { 0 };
	struct hon_zone_checksum_data sum = { 0 };
	struct hon_zone_fill_data fill = { 0 };
	struct hon_zone_info info = { 0 };
	unsigned char *p = MAP_FAILED;
	int zone, sv[2], status = 1, ret, wstatus;
	unsigned int crc;
	size_t i;
	pid_t pid;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("kernel_alloc: a driver allocates ION memory in the kernel\n");
	if (access("/dev/hon_zone", F_OK) || access("/dev/ion", F_OK)) {
		printf("kernel_alloc: skipped, this kernel has no /dev/hon_zone or /dev/ion\n");
		return EXIT_SKIP;
	}
	zone = open("/dev/hon_zone", O_RDWR | O_CLOEXEC);
	if (zone < 0) {
		perror("open /dev/hon_zone");
		return 1;
	}
	alloc.len = BUF_SIZE;
	alloc.heap_id_mask = ION_HEAP_SYSTEM_MASK;
	alloc.flags = ION_FLAG_CACHED;
	if (ioctl(zone, HON_ZONE_ION_ALLOC, &alloc) < 0) {
		perror("HON_ZONE_ION_ALLOC");
		goto close_zone;
	}
	if (ioctl(zone, HON_ZONE_GET_INFO, &info) < 0) {
		perror("HON_ZONE_GET_INFO");
		goto close_buf;
	}
	printf("  HON_ZONE_ION_ALLOC: the kernel allocated %llu KiB from ION heap %u\n",
	       (unsigned long long)info.size / 1024, info.heap_id);
	printf("  and returned dma-buf fd %u to user space\n", alloc.fd);
	if (!(info.state & HON_ZONE_STATE_KERNEL_ALLOC) || info.size != BUF_SIZE) {
		fprintf(stderr, "unexpected zone info\n");
		goto close_buf;
	}

	fill.len = BUF_SIZE;
	fill.pattern = 0x3c;
	if (ioctl(zone, HON_ZONE_FILL, &fill) < 0) {
		perror("HON_ZONE_FILL");
		goto close_buf;
	}
	p = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, alloc.fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		goto close_buf;
	}
	for (i = 0; i < BUF_SIZE; i++) {
		if (p[i] != 0x3c) {
			fprintf(stderr, "byte %zu is %#x, not the kernel's 0x3c\n", i, p[i]);
			goto unmap;
		}
	}
	printf("  the kernel filled the buffer with 0x3c; mmap() of the fd shows it\n");

	/* A second process gets the fd and reads the kernel's bytes. */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		perror("socketpair");
		goto unmap;
	}
	pid = fork();
	if (pid < 0) {
		perror("fork");
		close(sv[0]);
		close(sv[1]);
		goto unmap;
	}
	if (pid == 0) {
		close(sv[0]);
		_exit(import_and_check(sv[1]));
	}
	close(sv[1]);
	ret = ion_send_fd(sv[0], alloc.fd, NULL, 0);
	close(sv[0]);
	if (ret < 0)
		fprintf(stderr, "ion_send_fd: %s\n", strerror(-ret));
	if (waitpid(pid, &wstatus, 0) != pid || !WIFEXITED(wstatus) ||
	    WEXITSTATUS(wstatus) || ret < 0) {
		fprintf(stderr, "the reader failed\n");
		goto unmap;
	}

	for (i = 0; i < BUF_SIZE; i++)
		p[i] = (unsigned char)(i ^ (i >> 8));
	crc = crc32_update(0, p, BUF_SIZE);
	sum.len = BUF_SIZE;
	if (ioctl(zone, HON_ZONE_CHECKSUM, &sum) < 0) {
		perror("HON_ZONE_CHECKSUM");
		goto unmap;
	}
	printf("  user space wrote a pattern; CRC32: user %08x, kernel %08x\n",
	       crc, sum.crc);
	if (crc != sum.crc) {
		fprintf(stderr, "the checksums differ\n");
		goto unmap;
	}
	status = 0;
unmap:
	if (p != MAP_FAILED)
		munmap(p, BUF_SIZE);
close_buf:
	close(alloc.fd);
close_zone:
	/* Closing the zone unbinds it; the last reference frees the buffer. */
	close(zone);
	printf("kernel_alloc: %s\n", status ? "FAILED" : "ok");
	return status;
}
