// SPDX-License-Identifier: GPL-2.0
/*
 * ion_module_hold: the user-space half of ion_module_cycle.sh.  Allocates ION
 * buffers in the ways that must pin the modules, says "ready" on stdout and
 * keeps them until its standard input reaches end of file:
 *
 *   ion_module_hold fd      a dma-buf fd from ION_IOC_NEW_ALLOC, /dev/ion closed
 *   ion_module_hold map     only a mapping of the buffer, every fd closed
 *   ion_module_hold handle  a legacy handle in an open /dev/ion
 *   ion_module_hold zone    a buffer bound to a /dev/hon_zone zone, only the zone open
 *   ion_module_hold cycle   allocate, map, fill, check and free one buffer per heap
 *                    (and a legacy handle), then exit without waiting
 *   ion_module_hold heap NAME   a zeroed dma-buf fd from the heap called NAME
 *   ion_module_hold listed NAME exit 0 when ION_IOC_HEAP_QUERY lists NAME, else 1
 *
 * Exit status: 0 on success, 1 on an error (with a message on stderr),
 * 4 when a device node is missing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/hon_zone.h>
#include <linux/ion.h>

/* 4 MiB held; 1 MiB per heap and cycle (50 cycles: 50 MiB per heap) */
#define HOLD_LEN	(4UL * 1024 * 1024)
#define CYCLE_LEN	(1024UL * 1024)

static int hold_open(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "ion_module_hold: %s: %s\n", path, strerror(errno));
		exit(errno == ENOENT ? 4 : 1);
	}
	return fd;
}

static void hold_fail(const char *what)
{
	fprintf(stderr, "ion_module_hold: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int hold_alloc(int ion, unsigned int mask, size_t len)
{
	struct ion_new_allocation_data data = {
		.len = len,
		.heap_id_mask = mask,
	};

	if (ioctl(ion, ION_IOC_NEW_ALLOC, &data) < 0)
		return -1;
	return data.fd;
}

/* Fill the buffer through a mapping and read the pattern back. */
static void hold_touch(int buf, size_t len, unsigned char pattern)
{
	unsigned long long *p, want;
	size_t i;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, buf, 0);
	if (p == MAP_FAILED)
		hold_fail("mmap");
	memset(p, pattern, len);
	memset(&want, pattern, sizeof(want));
	for (i = 0; i < len / sizeof(*p); i++) {
		if (p[i] != want) {
			fprintf(stderr, "ion_module_hold: word %zu reads back wrong\n", i);
			exit(1);
		}
	}
	munmap(p, len);
}

static void hold_wait(void)
{
	char c;

	printf("ready\n");
	fflush(stdout);
	while (read(STDIN_FILENO, &c, 1) > 0)
		;
}

/* The id of the heap called name, from ION_IOC_HEAP_QUERY, or -1. */
static int hold_heap_id(int ion, const char *name)
{
	struct ion_heap_data heaps[ION_NUM_HEAP_IDS];
	struct ion_heap_query query = {
		.cnt = ION_NUM_HEAP_IDS,
		.heaps = (unsigned long)heaps,
	};
	unsigned int i;

	if (ioctl(ion, ION_IOC_HEAP_QUERY, &query) < 0)
		hold_fail("ION_IOC_HEAP_QUERY");
	for (i = 0; i < query.cnt; i++)
		if (!strcmp(heaps[i].name, name))
			return heaps[i].heap_id;
	return -1;
}

/* A buffer of the named heap: zeroed, then filled and checked. */
static int hold_heap(int ion, const char *name)
{
	int id = hold_heap_id(ion, name), buf;
	unsigned char *p;
	size_t i;

	if (id < 0) {
		fprintf(stderr, "ion_module_hold: no heap %s\n", name);
		return 1;
	}
	buf = hold_alloc(ion, 1U << id, HOLD_LEN);
	if (buf < 0)
		hold_fail(name);
	close(ion);
	p = mmap(NULL, HOLD_LEN, PROT_READ, MAP_SHARED, buf, 0);
	if (p == MAP_FAILED)
		hold_fail("mmap");
	for (i = 0; i < HOLD_LEN; i++) {
		if (p[i]) {
			fprintf(stderr, "ion_module_hold: %s: byte %zu is not zero\n", name, i);
			return 1;
		}
	}
	munmap(p, HOLD_LEN);
	hold_touch(buf, HOLD_LEN, 0x5a);
	hold_wait();
	close(buf);
	return 0;
}

/* One buffer per heap that takes it, then a legacy handle. */
static int hold_cycle(int ion)
{
	struct ion_heap_data heaps[ION_NUM_HEAP_IDS];
	struct ion_heap_query query = {
		.cnt = ION_NUM_HEAP_IDS,
		.heaps = (unsigned long)heaps,
	};
	struct ion_allocation_data legacy = {
		.len = CYCLE_LEN,
		.heap_id_mask = ION_HEAP_SYSTEM_MASK,
	};
	struct ion_handle_data free_data;
	unsigned int i, done = 0;
	int buf;

	if (ioctl(ion, ION_IOC_HEAP_QUERY, &query) < 0)
		hold_fail("ION_IOC_HEAP_QUERY");
	for (i = 0; i < query.cnt; i++) {
		buf = hold_alloc(ion, 1U << heaps[i].heap_id, CYCLE_LEN);
		if (buf < 0) {
			/* a small carveout or a missing CMA area may say no */
			if (errno == ENOMEM)
				continue;
			hold_fail(heaps[i].name);
		}
		hold_touch(buf, CYCLE_LEN, (unsigned char)(i + 1));
		close(buf);
		done++;
	}
	if (!done) {
		fprintf(stderr, "ion_module_hold: no heap gave a buffer\n");
		return 1;
	}
	if (ioctl(ion, ION_IOC_ALLOC, &legacy) < 0)
		hold_fail("ION_IOC_ALLOC");
	free_data.handle = legacy.handle;
	if (ioctl(ion, ION_IOC_FREE, &free_data) < 0)
		hold_fail("ION_IOC_FREE");
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	int ion, buf;

	if (!strcmp(mode, "zone")) {
		struct hon_zone_alloc_data data = {
			.len = HOLD_LEN,
			.heap_id_mask = ION_HEAP_SYSTEM_MASK,
		};
		int zone = hold_open("/dev/hon_zone");

		if (ioctl(zone, HON_ZONE_ION_ALLOC, &data) < 0)
			hold_fail("HON_ZONE_ION_ALLOC");
		close(data.fd);
		hold_wait();
		close(zone);
		return 0;
	}

	ion = hold_open("/dev/ion");
	if (!strcmp(mode, "cycle"))
		return hold_cycle(ion);
	if (!strcmp(mode, "heap") && argc > 2)
		return hold_heap(ion, argv[2]);
	if (!strcmp(mode, "listed") && argc > 2)
		return hold_heap_id(ion, argv[2]) < 0;
	if (!strcmp(mode, "handle")) {
		struct ion_allocation_data data = {
			.len = HOLD_LEN,
			.heap_id_mask = ION_HEAP_SYSTEM_MASK,
		};

		if (ioctl(ion, ION_IOC_ALLOC, &data) < 0)
			hold_fail("ION_IOC_ALLOC");
		hold_wait();
		close(ion);
		return 0;
	}

	buf = hold_alloc(ion, ION_HEAP_SYSTEM_MASK, HOLD_LEN);
	if (buf < 0)
		hold_fail("ION_IOC_NEW_ALLOC");
	close(ion);
	if (!strcmp(mode, "fd")) {
		hold_wait();
		close(buf);
		return 0;
	}
	if (!strcmp(mode, "map")) {
		void *p = mmap(NULL, HOLD_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, buf, 0);

		if (p == MAP_FAILED)
			hold_fail("mmap");
		close(buf);
		hold_wait();
		munmap(p, HOLD_LEN);
		return 0;
	}
	fprintf(stderr, "usage: ion_module_hold fd|map|handle|zone|cycle|heap NAME|listed NAME\n");
	return 1;
}
