// SPDX-License-Identifier: GPL-2.0
/*
 * User space and a driver share one buffer.
 *
 * The process allocates an ION buffer with libion (init_ion()), maps it,
 * and hands the shared fd to the hon_zone driver (bind_driver()), which
 * maps the same pages into the kernel.  Then each side writes and the other
 * reads, and the kernel computes a CRC32 over bytes the process wrote.
 *
 *   zone_share             (as root, with /dev/ion and /dev/hon_zone)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <ion/ion.h>
#include <linux/hon_zone.h>

#include "sample_crc32.h"

#define HON_ZONE_SIZE	(64 * 1024)

/* Exit status of a scenario that cannot run here (kselftest's KSFT_SKIP). */
#define EXIT_SKIP	4

static int ion_fd = -1;
static ion_user_handle_t ion_hdl;
static int shared_fd = -1;
static int zone_fd = -1;
static unsigned char *g_buf = MAP_FAILED;

/* Allocate and share the buffer (init_ion()), every error reported and undone. */
static int init_ion(void)
{
	int ret;

	ion_fd = ion_open();
	if (ion_fd < 0) {
		fprintf(stderr, "Failed to open ion device: %s\n", strerror(errno));
		return ion_fd;
	}
	ret = ion_alloc(ion_fd, HON_ZONE_SIZE, 0, 1 << ION_SYSTEM_HEAP_ID,
			ION_FLAG_CACHED, &ion_hdl);
	if (ret < 0) {
		fprintf(stderr, "Failed to allocate ion buffer: %s\n", strerror(-ret));
		goto close_fd;
	}
	ret = ion_share(ion_fd, ion_hdl, &shared_fd);
	if (ret < 0) {
		fprintf(stderr, "Failed to share the ion buffer: %s\n", strerror(-ret));
		goto free_handle;
	}
	g_buf = mmap(NULL, HON_ZONE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		     shared_fd, 0);
	if (g_buf == MAP_FAILED) {
		ret = -errno;
		fprintf(stderr, "Failed to mmap buffer: %s\n", strerror(errno));
		goto close_shared;
	}
	printf("  ion_open() = fd %d, ion_alloc() = handle %d (%d KiB, system heap, cached)\n",
	       ion_fd, ion_hdl, HON_ZONE_SIZE / 1024);
	printf("  ion_share() = dma-buf fd %d, mmap() = %p\n", shared_fd, (void *)g_buf);
	return 0;

close_shared:
	close(shared_fd);
	shared_fd = -1;
free_handle:
	ion_free(ion_fd, ion_hdl);
close_fd:
	ion_close(ion_fd);
	ion_fd = -1;
	return ret;
}

static void release_ion(void)
{
	if (g_buf != MAP_FAILED)
		munmap(g_buf, HON_ZONE_SIZE);
	g_buf = MAP_FAILED;
	if (shared_fd >= 0)
		close(shared_fd);
	shared_fd = -1;
	if (ion_fd >= 0) {
		ion_free(ion_fd, ion_hdl);
		ion_close(ion_fd);
	}
	ion_fd = -1;
}

/* Hand the shared fd to the driver (bind_driver()). */
static int bind_driver(void)
{
	int fd, ret;

	fd = open("/dev/hon_zone", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		fprintf(stderr, "Failed to open hon_zone device: %s\n", strerror(errno));
		return ret;
	}
	if (ioctl(fd, HON_ZONE_ION_INIT, &shared_fd) < 0) {
		ret = -errno;
		fprintf(stderr, "HON_ZONE_ION_INIT failed: %s\n", strerror(errno));
		close(fd);
		return ret;
	}
	zone_fd = fd;
	printf("  open(/dev/hon_zone) = fd %d, ioctl(HON_ZONE_ION_INIT, &shared_fd) = 0\n",
	       zone_fd);
	printf("  the kernel imported the buffer and mapped it into kernel space\n");
	return 0;
}

/*
 * Report a failed expectation; returns non-zero when @ok is false.  errno
 * is read on entry, so a system call in @ok is reported correctly.
 */
static int failed(int ok, const char *what)
{
	int err = errno;

	if (ok)
		return 0;
	fprintf(stderr, "FAILED: %s (errno: %s)\n", what, strerror(err));
	return 1;
}

int main(void)
{
	static const char user_msg[] = "written by user space through mmap";
	static const char kern_msg[] = "written through the zone's kernel mapping";
	struct hon_zone_checksum_data sum = { 0 };
	struct hon_zone_fill_data fill = { 0 };
	struct hon_zone_info info = { 0 };
	char back[64] = { 0 };
	int status = 1;
	unsigned int crc;
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("zone_share: user space and a driver share one buffer\n");
	if (access("/dev/hon_zone", F_OK) || access("/dev/ion", F_OK)) {
		printf("zone_share: skipped, this kernel has no /dev/hon_zone or /dev/ion\n");
		return EXIT_SKIP;
	}
	if (init_ion() < 0)
		return 1;
	if (bind_driver() < 0)
		goto out;

	if (failed(ioctl(zone_fd, HON_ZONE_GET_INFO, &info) == 0, "HON_ZONE_GET_INFO"))
		goto out;
	printf("  the zone reports: size %llu bytes, %s buffer, heap id %u, flags %#llx\n",
	       (unsigned long long)info.size,
	       info.state & HON_ZONE_STATE_ION ? "an ION" : "a foreign",
	       info.heap_id, (unsigned long long)info.ion_flags);
	if (failed(info.size == HON_ZONE_SIZE && (info.state & HON_ZONE_STATE_BOUND),
		   "the zone info is wrong"))
		goto out;

	/* user writes, kernel reads */
	memcpy(g_buf, user_msg, sizeof(user_msg));
	if (failed(pread(zone_fd, back, sizeof(user_msg), 0) == sizeof(user_msg),
		   "pread from the zone"))
		goto out;
	printf("  user wrote \"%s\"; the kernel read back \"%s\"\n", user_msg, back);
	if (failed(!memcmp(back, user_msg, sizeof(user_msg)), "the kernel read other bytes"))
		goto out;

	/* kernel writes, user reads */
	if (failed(pwrite(zone_fd, kern_msg, sizeof(kern_msg), 4096) == sizeof(kern_msg),
		   "pwrite to the zone"))
		goto out;
	printf("  the kernel wrote at offset 4096; user space sees \"%s\"\n",
	       (char *)g_buf + 4096);
	if (failed(!memcmp(g_buf + 4096, kern_msg, sizeof(kern_msg)),
		   "user space does not see the kernel's write"))
		goto out;

	fill.offset = 8192;
	fill.len = 8192;
	fill.pattern = 0xa5;
	if (failed(ioctl(zone_fd, HON_ZONE_FILL, &fill) == 0, "HON_ZONE_FILL"))
		goto out;
	for (i = 0; i < fill.len; i++)
		if (g_buf[fill.offset + i] != 0xa5)
			break;
	if (failed(i == fill.len, "user space does not see the kernel's fill"))
		goto out;
	printf("  the kernel filled 8 KiB at offset 8192 with 0xa5; user space sees all of it\n");

	/* the kernel checksums bytes the user wrote */
	for (i = 0; i < HON_ZONE_SIZE; i++)
		g_buf[i] = (unsigned char)(i * 7 + 3);
	crc = crc32_update(0, g_buf, HON_ZONE_SIZE);
	sum.len = HON_ZONE_SIZE;
	if (failed(ioctl(zone_fd, HON_ZONE_CHECKSUM, &sum) == 0, "HON_ZONE_CHECKSUM"))
		goto out;
	printf("  CRC32 of the whole buffer: user space %08x, kernel %08x\n", crc, sum.crc);
	if (failed(crc == sum.crc, "the checksums differ"))
		goto out;

	/* the zone keeps the buffer alive after user space let go of it */
	memcpy(g_buf, user_msg, sizeof(user_msg));
	release_ion();
	memset(back, 0, sizeof(back));
	if (failed(pread(zone_fd, back, sizeof(user_msg), 0) == sizeof(user_msg),
		   "pread after release"))
		goto out;
	printf("  after ion_free(), munmap() and close() the zone still reads \"%s\"\n", back);
	if (failed(!memcmp(back, user_msg, sizeof(user_msg)), "the buffer changed"))
		goto out;

	if (failed(ioctl(zone_fd, HON_ZONE_ION_DEINIT) == 0, "HON_ZONE_ION_DEINIT"))
		goto out;
	if (failed(pread(zone_fd, back, 1, 0) < 0 && errno == ENXIO,
		   "reading an unbound zone should fail with ENXIO"))
		goto out;
	printf("  HON_ZONE_ION_DEINIT unbound the zone; reading it now fails with ENXIO\n");
	status = 0;
out:
	if (zone_fd >= 0)
		close(zone_fd);
	release_ion();
	printf("zone_share: %s\n", status ? "FAILED" : "ok");
	return status;
}
