// SPDX-License-Identifier: GPL-2.0
/*
 * The heaps and the accounting: list the heaps (ION_IOC_HEAP_QUERY through
 * libion), allocate a few named buffers from them, and show what ION's
 * debugfs reports about heaps and clients while the buffers are alive.
 *
 *   heaps_demo             (with /dev/ion or /dev/dma_heap; debugfs mounted
 *                           for the accounting part)
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ion/ion.h>

#define ION_DEBUGFS	"/sys/kernel/debug/ion"
#define MAX_BUFS	4
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char *heap_type_name(unsigned int type)
{
	static const char * const names[] = {
		[ION_HEAP_TYPE_SYSTEM] = "system",
		[ION_HEAP_TYPE_SYSTEM_CONTIG] = "system_contig",
		[ION_HEAP_TYPE_CARVEOUT] = "carveout",
		[ION_HEAP_TYPE_CHUNK] = "chunk",
		[ION_HEAP_TYPE_DMA] = "dma (CMA)",
		[ION_HEAP_TYPE_CUSTOM] = "custom",
	};

	return type < ARRAY_SIZE(names) && names[type] ?
		names[type] : "vendor";
}

static void cat_dir(const char *dir)
{
	char path[512], line[256];
	struct dirent **names;
	int n, i;

	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		printf("  (%s: %s)\n", dir, strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		FILE *f;

		if (names[i]->d_name[0] == '.') {
			free(names[i]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		free(names[i]);
		f = fopen(path, "re");
		if (!f)
			continue;
		printf("  --- %s\n", path);
		while (fgets(line, sizeof(line), f))
			printf("    %s", line);
		fclose(f);
	}
	free(names);
}

int main(void)
{
	struct ion_heap_data *heaps = NULL;
	int ion, cnt = 0, ret, i, nbufs = 0, status = 1;
	ion_user_handle_t handles[MAX_BUFS];
	int bufs[MAX_BUFS];

	setvbuf(stdout, NULL, _IOLBF, 0);
	ion = ion_open();
	if (ion < 0) {
		fprintf(stderr, "ion_open: %s\n", strerror(errno));
		return 1;
	}
	printf("  ion_open(): the kernel speaks the %s interface\n",
	       ion_backend_name(ion_backend(ion)));
	ret = ion_query_heap_cnt(ion, &cnt);
	if (ret < 0 || cnt <= 0) {
		fprintf(stderr, "ion_query_heap_cnt: %s\n",
			ret < 0 ? strerror(-ret) : "no heaps");
		goto close_ion;
	}
	heaps = calloc(cnt, sizeof(*heaps));
	if (!heaps)
		goto close_ion;
	ret = ion_query_get_heaps(ion, cnt, heaps);
	if (ret < 0) {
		fprintf(stderr, "ion_query_get_heaps: %s\n", strerror(-ret));
		goto free_heaps;
	}
	printf("  %d heaps (HEAP_QUERY):\n", cnt);
	printf("    %-24s %-14s %s\n", "name", "type", "id (mask bit)");
	for (i = 0; i < cnt; i++)
		printf("    %-24.32s %-14s %u\n", heaps[i].name,
		       heap_type_name(heaps[i].type), heaps[i].heap_id);

	/* One buffer from each heap that has one to give. */
	for (i = 0; i < cnt && nbufs < MAX_BUFS; i++) {
		char name[32];
		size_t len = (size_t)(nbufs + 1) * 256 * 1024;

		/* A handle, so that the client's debugfs file counts it. */
		ret = ion_alloc(ion, len, 0, ION_HEAP(heaps[i].heap_id), 0,
				&handles[nbufs]);
		if (!ret) {
			ret = ion_share(ion, handles[nbufs], &bufs[nbufs]);
			if (ret < 0)
				ion_free(ion, handles[nbufs]);
		}
		if (ret < 0) {
			printf("  %s: no %zu KiB buffer (%s)\n", heaps[i].name,
			       len / 1024, strerror(-ret));
			continue;
		}
		snprintf(name, sizeof(name), "demo-%.26s", heaps[i].name);
		ion_buffer_set_name(bufs[nbufs], name);
		printf("  allocated %zu KiB from %s, named \"%s\"\n", len / 1024,
		       heaps[i].name, name);
		nbufs++;
	}
	if (!nbufs) {
		fprintf(stderr, "no heap could allocate\n");
		goto free_heaps;
	}
	if (access(ION_DEBUGFS, R_OK) == 0) {
		printf("  What ION's debugfs shows while this process (pid %d) holds them:\n",
		       getpid());
		cat_dir(ION_DEBUGFS "/heaps");
		cat_dir(ION_DEBUGFS "/clients");
	}
	status = 0;
	while (nbufs--) {
		close(bufs[nbufs]);
		ion_free(ion, handles[nbufs]);
	}
free_heaps:
	free(heaps);
close_ion:
	ion_close(ion);
	return status;
}
