// SPDX-License-Identifier: GPL-2.0
/*
 * tools/ion/ion-dump against the kernel: the buffers this process holds
 * (by fd, by a second fd, by a mapping only, named), their sizes and
 * exporters, and its totals against /sys/kernel/ion.  ion-dump is found
 * next to the build's selftests (build/tools/ion-dump) or at $ION_DUMP.
 */
#define _GNU_SOURCE
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <linux/dma-buf.h>

#include "ion_test_util.h"
#include "ion_stats_util.h"
#include "../kselftest_harness.h"

#define DUMP_LEN	(128 * 1024)

/* One row of ion-dump --csv. */
struct dump_row {
	char kind[16];
	int pid;
	unsigned long ino;
	unsigned long long bytes;
	char exporter[64];
	char name[64];
	long fd_refs, map_refs, buffers;
};

FIXTURE(dump) {
	int ion;
	char tool[PATH_MAX];
	struct dump_row *rows;
	int nr;
};

FIXTURE_SETUP(dump)
{
	char exe[PATH_MAX];
	ssize_t n;

	self->rows = NULL;
	self->ion = open(ION_DEV, O_RDWR | O_CLOEXEC);
	if (self->ion < 0)
		SKIP(return, "%s: %s", ION_DEV, strerror(errno));
	if (getenv("ION_DUMP")) {
		snprintf(self->tool, sizeof(self->tool), "%s", getenv("ION_DUMP"));
	} else {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		ASSERT_LT(0, n);
		exe[n] = '\0';
		snprintf(self->tool, sizeof(self->tool), "%s/../../tools/ion-dump", dirname(exe));
	}
	if (access(self->tool, X_OK))
		SKIP(return, "%.900s: %s", self->tool, strerror(errno));
}

FIXTURE_TEARDOWN(dump)
{
	free(self->rows);
	if (self->ion >= 0)
		close(self->ion);
}

/* Split one CSV line without quoted fields (the test's names have none). */
static int dump_parse(char *line, struct dump_row *r)
{
	char *f[10];
	int i;

	line[strcspn(line, "\n")] = '\0';
	for (i = 0; i < 10; i++) {
		f[i] = strsep(&line, ",");
		if (!f[i])
			return -1;
	}
	memset(r, 0, sizeof(*r));
	snprintf(r->kind, sizeof(r->kind), "%s", f[0]);
	r->pid = atoi(f[1]);
	r->ino = strtoul(f[3], NULL, 10);
	r->bytes = strtoull(f[4], NULL, 10);
	snprintf(r->exporter, sizeof(r->exporter), "%s", f[5]);
	snprintf(r->name, sizeof(r->name), "%s", f[6]);
	r->fd_refs = *f[7] ? atol(f[7]) : -1;
	r->map_refs = *f[8] ? atol(f[8]) : -1;
	r->buffers = *f[9] ? atol(f[9]) : -1;
	return 0;
}

/* Run ion-dump --csv [args]; its rows into self->rows. */
static int dump_run(struct _test_data_dump *self, const char *args)
{
	char cmd[PATH_MAX + 64], line[512];
	FILE *p;

	free(self->rows);
	self->rows = NULL;
	self->nr = 0;
	snprintf(cmd, sizeof(cmd), "%s --csv %s", self->tool, args);
	p = popen(cmd, "r");
	if (!p)
		return -errno;
	if (!fgets(line, sizeof(line), p) ||
	    strcmp(line, "kind,pid,process,inode,bytes,exporter,name,fd_refs,map_refs,buffers\n")) {
		pclose(p);
		return -EPROTO;
	}
	while (fgets(line, sizeof(line), p)) {
		self->rows = realloc(self->rows, (self->nr + 1) * sizeof(*self->rows));
		if (!self->rows || dump_parse(line, &self->rows[self->nr])) {
			pclose(p);
			return -EPROTO;
		}
		self->nr++;
	}
	return pclose(p) ? -EIO : 0;
}

static struct dump_row *dump_find(struct _test_data_dump *self, const char *kind,
				  unsigned long ino, const char *exporter)
{
	int i;

	for (i = 0; i < self->nr; i++) {
		struct dump_row *r = &self->rows[i];

		if (strcmp(r->kind, kind) || (ino && r->ino != ino) ||
		    (exporter && strcmp(r->exporter, exporter)))
			continue;
		return r;
	}
	return NULL;
}

static unsigned long dump_ino(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : st.st_ino;
}

/* Our buffers, each with its fd and map references, size, exporter, name. */
TEST_F(dump, own_buffers)
{
	const char *exp = access(ION_SYSTEM_DMA_HEAP, F_OK) ? "ion" :
			  "ion-" ION_SYSTEM_HEAP_NAME;
	int plain, twice, twice2, named, mapped;
	struct dump_row *r;
	unsigned long ino_mapped;
	char args[32];
	int stats;
	void *map;

	ASSERT_EQ(0, ion_new_alloc(self->ion, DUMP_LEN, ION_HEAP_SYSTEM_MASK, 0, &plain));
	ASSERT_EQ(0, ion_new_alloc(self->ion, 2 * DUMP_LEN, ION_HEAP_SYSTEM_MASK, 0, &twice));
	twice2 = dup(twice);
	ASSERT_LE(0, twice2);
	ASSERT_EQ(0, ion_new_alloc(self->ion, DUMP_LEN, ION_HEAP_SYSTEM_MASK, 0, &named));
	ASSERT_EQ(0, ion_ioctl(named, DMA_BUF_SET_NAME_B, "dump-test"));
	ASSERT_EQ(0, ion_new_alloc(self->ion, 4 * DUMP_LEN, ION_HEAP_SYSTEM_MASK, 0, &mapped));
	map = mmap(NULL, 4 * DUMP_LEN, PROT_READ, MAP_SHARED, mapped, 0);
	ASSERT_NE(MAP_FAILED, map);
	ino_mapped = dump_ino(mapped);
	/* mapped only: no fd left */
	close(mapped);

	snprintf(args, sizeof(args), "%d", getpid());
	ASSERT_EQ(0, dump_run(self, args));

	r = dump_find(self, "buffer", dump_ino(plain), NULL);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(getpid(), r->pid);
	EXPECT_EQ(DUMP_LEN, r->bytes);
	EXPECT_STREQ(exp, r->exporter);
	EXPECT_EQ(1, r->fd_refs);
	EXPECT_EQ(0, r->map_refs);

	r = dump_find(self, "buffer", dump_ino(twice), NULL);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(2 * DUMP_LEN, r->bytes);
	EXPECT_EQ(2, r->fd_refs);

	r = dump_find(self, "buffer", dump_ino(named), NULL);
	ASSERT_NE(NULL, r);
	EXPECT_STREQ("dump-test", r->name);

	r = dump_find(self, "buffer", ino_mapped, NULL);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(0, r->fd_refs);
	EXPECT_EQ(1, r->map_refs);
	EXPECT_EQ(4 * DUMP_LEN, r->bytes);
	/* its exporter only where the kernel has DMA-BUF sysfs stats */
	stats = !access("/sys/kernel/dmabuf/buffers", F_OK);
	EXPECT_STREQ(stats ? exp : "-", r->exporter);

	/* counted once per buffer, although one has two fds */
	r = dump_find(self, "exporter", 0, exp);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(stats ? 4 : 3, r->buffers);
	EXPECT_EQ((stats ? 8 : 4) * DUMP_LEN, r->bytes);

	munmap(map, 4 * DUMP_LEN);
	close(plain);
	close(twice);
	close(twice2);
	close(named);
}

/*
 * Over every process, the ION buffers ion-dump finds add up to what the
 * kernel counts, in total and per heap, when no kernel driver holds one.
 */
TEST_F(dump, totals_match_kernel)
{
	const char *exp = access(ION_SYSTEM_DMA_HEAP, F_OK) ? "ion" :
			  "ion-" ION_SYSTEM_HEAP_NAME;
	unsigned long long ion_bytes = 0;
	struct dump_row *r, *heap;
	int fds[3], i;

	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, ion_new_alloc(self->ion, (i + 1) * DUMP_LEN, ION_HEAP_SYSTEM_MASK,
					   0, &fds[i]));
	ASSERT_EQ(0, dump_run(self, ""));
	for (i = 0; i < self->nr; i++) {
		r = &self->rows[i];
		if (!strcmp(r->kind, "exporter") &&
		    (!strcmp(r->exporter, "ion") || !strncmp(r->exporter, "ion-", 4)))
			ion_bytes += r->bytes;
	}
	r = dump_find(self, "total", 0, "total_heaps_kb");
	ASSERT_NE(NULL, r);
	EXPECT_EQ(r->bytes, ion_bytes);
	EXPECT_LE(6 * DUMP_LEN, ion_bytes);

	heap = dump_find(self, "heap", 0, ION_SYSTEM_HEAP_NAME);
	r = dump_find(self, "exporter", 0, exp);
	ASSERT_NE(NULL, heap);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(heap->bytes, r->bytes);
	EXPECT_EQ(heap->buffers, r->buffers);

	r = dump_find(self, "total", 0, "total_pools_kb");
	ASSERT_NE(NULL, r);
	EXPECT_EQ(ion_read_number(ION_SYSFS "/total_pools_kb") * 1024, r->bytes);
	for (i = 0; i < 3; i++)
		close(fds[i]);
}

/* The table: a header per process and the sysfs section. */
TEST_F(dump, table)
{
	char cmd[PATH_MAX + 32], out[8192];
	size_t n;
	FILE *p;
	int fd;

	ASSERT_EQ(0, ion_new_alloc(self->ion, DUMP_LEN, ION_HEAP_SYSTEM_MASK, 0, &fd));
	snprintf(cmd, sizeof(cmd), "%s %d", self->tool, getpid());
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	EXPECT_EQ(0, pclose(p));
	TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "inode   size(kB) fd_refs map_refs"));
	EXPECT_NE(NULL, strstr(out, "ION heaps (/sys/kernel/ion)"));
	snprintf(cmd, sizeof(cmd), "%10lu %10d %7d %8d", dump_ino(fd), DUMP_LEN / 1024, 1, 0);
	EXPECT_NE(NULL, strstr(out, cmd)) TH_LOG("no row '%s'", cmd);
	close(fd);
}

TEST_HARNESS_MAIN
