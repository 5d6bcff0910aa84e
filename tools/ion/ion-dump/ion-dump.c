// SPDX-License-Identifier: GPL-2.0
/*
 * ion-dump: who holds which dma-buf, the per-process view of Android's
 * dmabuf_dump, from /proc and sysfs only (no debugfs, no ioctl):
 *
 * - for each process: its dma-bufs by inode, with size, exporter
 *   (exp_name), name (DMA_BUF_SET_NAME), fd references (/proc/PID/fd and
 *   fdinfo) and map references (/proc/PID/maps);
 * - per exporter: the buffers seen in any process, each counted once;
 * - ION's own totals from /sys/kernel/ion: heaps, pools and the pools of
 *   /sys/kernel/dma_heap/total_pools_kb.
 *
 *   ion-dump [--csv] [PID...]
 *
 * Without PIDs every process is listed.  --csv prints one table with a
 * "kind" column (buffer, exporter, heap, pool, total) for scripts.  A buffer
 * that a process maps but holds no fd of has no fdinfo: its size is what
 * /sys/kernel/dmabuf/buffers/INODE/size says when the kernel has that
 * directory, else the extent of its mappings, and its exporter is "-".
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ION_DUMP_NAME_LEN	64

struct ion_dump_buf {
	unsigned long ino;
	unsigned long long size;
	char exp_name[ION_DUMP_NAME_LEN];
	char name[ION_DUMP_NAME_LEN];
	unsigned int fd_refs;
	unsigned int map_refs;
};

struct ion_dump_proc {
	int pid;
	char comm[ION_DUMP_NAME_LEN];
	struct ion_dump_buf *bufs;
	size_t nr;
};

struct ion_dump_exporter {
	char name[ION_DUMP_NAME_LEN];
	unsigned long long bytes;
	unsigned int buffers;
};

static int ion_dump_csv;

static void *ion_dump_grow(void *array, size_t nr, size_t size)
{
	/* room for one more element: the capacity doubles at powers of two */
	if (nr & (nr - 1))
		return array;
	array = realloc(array, (nr ? nr * 2 : 1) * size);
	if (!array) {
		perror("ion-dump");
		exit(1);
	}
	return array;
}

static int ion_dump_read(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static long long ion_dump_number(const char *path)
{
	char buf[64];

	if (ion_dump_read(path, buf, sizeof(buf)) || !isdigit((unsigned char)buf[0]))
		return -1;
	return strtoll(buf, NULL, 10);
}

static struct ion_dump_buf *ion_dump_find(struct ion_dump_proc *p, unsigned long ino)
{
	size_t i;

	for (i = 0; i < p->nr; i++)
		if (p->bufs[i].ino == ino)
			return &p->bufs[i];
	p->bufs = ion_dump_grow(p->bufs, p->nr, sizeof(*p->bufs));
	memset(&p->bufs[p->nr], 0, sizeof(*p->bufs));
	p->bufs[p->nr].ino = ino;
	return &p->bufs[p->nr++];
}

/* One fd's fdinfo: the dma-buf fields, or -1 when the fd is gone. */
static int ion_dump_fdinfo(int pid, const char *fd, struct ion_dump_buf *out)
{
	char path[PATH_MAX], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", pid, fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	memset(out, 0, sizeof(*out));
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':');

		if (!v)
			continue;
		*v++ = '\0';
		v += strspn(v, " \t");
		v[strcspn(v, "\n")] = '\0';
		if (!strcmp(line, "ino"))
			out->ino = strtoul(v, NULL, 10);
		else if (!strcmp(line, "size"))
			out->size = strtoull(v, NULL, 10);
		else if (!strcmp(line, "exp_name"))
			snprintf(out->exp_name, sizeof(out->exp_name), "%s", v);
		else if (!strcmp(line, "name"))
			snprintf(out->name, sizeof(out->name), "%s", v);
	}
	fclose(f);
	return out->ino ? 0 : -1;
}

/* A dma-buf's file is named "/dmabuf:NAME" (dmabuffs_dname()). */
static int ion_dump_is_dmabuf(const char *target)
{
	return !strncmp(target, "/dmabuf:", 8) || !strcmp(target, "anon_inode:dmabuf");
}

static void ion_dump_fds(struct ion_dump_proc *p)
{
	char path[PATH_MAX], target[PATH_MAX];
	struct dirent *de;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fd", p->pid);
	dir = opendir(path);
	if (!dir)
		return;
	while ((de = readdir(dir))) {
		struct ion_dump_buf info, *b;
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd/%s", p->pid, de->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		if (!ion_dump_is_dmabuf(target) || ion_dump_fdinfo(p->pid, de->d_name, &info))
			continue;
		b = ion_dump_find(p, info.ino);
		b->size = info.size;
		memcpy(b->exp_name, info.exp_name, sizeof(b->exp_name));
		memcpy(b->name, info.name, sizeof(b->name));
		b->fd_refs++;
	}
	closedir(dir);
}

static void ion_dump_maps(struct ion_dump_proc *p)
{
	char path[PATH_MAX], line[PATH_MAX + 128];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", p->pid);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, end, off;
		unsigned long ino;
		struct ion_dump_buf *b;
		int name_at = 0;

		if (sscanf(line, "%llx-%llx %*s %llx %*s %lu %n", &start, &end, &off, &ino,
			   &name_at) < 4 || !name_at)
			continue;
		line[strcspn(line, "\n")] = '\0';
		if (!ion_dump_is_dmabuf(line + name_at))
			continue;
		b = ion_dump_find(p, ino);
		b->map_refs++;
		if (!b->fd_refs && off + (end - start) > b->size)
			b->size = off + (end - start);
	}
	fclose(f);
}

/* Buffers only mapped: the kernel's DMA-BUF sysfs stats, when it has them. */
static void ion_dump_fill_mapped(struct ion_dump_proc *p)
{
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < p->nr; i++) {
		struct ion_dump_buf *b = &p->bufs[i];
		long long size;

		if (b->fd_refs)
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/dmabuf/buffers/%lu/size", b->ino);
		size = ion_dump_number(path);
		if (size >= 0)
			b->size = size;
		snprintf(path, sizeof(path), "/sys/kernel/dmabuf/buffers/%lu/exporter_name",
			 b->ino);
		if (ion_dump_read(path, b->exp_name, sizeof(b->exp_name)))
			snprintf(b->exp_name, sizeof(b->exp_name), "-");
	}
}

static int ion_dump_scan(int pid, struct ion_dump_proc *p)
{
	char path[64];

	memset(p, 0, sizeof(*p));
	p->pid = pid;
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	if (ion_dump_read(path, p->comm, sizeof(p->comm)))
		return -1;
	ion_dump_fds(p);
	ion_dump_maps(p);
	ion_dump_fill_mapped(p);
	return 0;
}

/* A CSV field: quoted when it holds a comma, a quote or a line break. */
static void ion_dump_csv_field(const char *s, int last)
{
	if (strpbrk(s, ",\"\n")) {
		putchar('"');
		for (; *s; s++) {
			if (*s == '"')
				putchar('"');
			putchar(*s);
		}
		putchar('"');
	} else {
		fputs(s, stdout);
	}
	putchar(last ? '\n' : ',');
}

static void ion_dump_csv_row(const char *kind, int pid, const char *comm,
			     unsigned long ino, unsigned long long bytes,
			     const char *exporter, const char *name,
			     long fd_refs, long map_refs, long buffers)
{
	char num[32];

	ion_dump_csv_field(kind, 0);
	snprintf(num, sizeof(num), "%d", pid);
	ion_dump_csv_field(pid > 0 ? num : "", 0);
	ion_dump_csv_field(comm, 0);
	snprintf(num, sizeof(num), "%lu", ino);
	ion_dump_csv_field(ino ? num : "", 0);
	snprintf(num, sizeof(num), "%llu", bytes);
	ion_dump_csv_field(num, 0);
	ion_dump_csv_field(exporter, 0);
	ion_dump_csv_field(name, 0);
	snprintf(num, sizeof(num), "%ld", fd_refs);
	ion_dump_csv_field(fd_refs >= 0 ? num : "", 0);
	snprintf(num, sizeof(num), "%ld", map_refs);
	ion_dump_csv_field(map_refs >= 0 ? num : "", 0);
	snprintf(num, sizeof(num), "%ld", buffers);
	ion_dump_csv_field(buffers >= 0 ? num : "", 1);
}

static void ion_dump_print_proc(const struct ion_dump_proc *p)
{
	unsigned long long total = 0;
	size_t i;

	if (ion_dump_csv) {
		for (i = 0; i < p->nr; i++) {
			const struct ion_dump_buf *b = &p->bufs[i];

			ion_dump_csv_row("buffer", p->pid, p->comm, b->ino, b->size,
					 b->exp_name, b->name, b->fd_refs, b->map_refs, -1);
		}
		return;
	}
	printf("%s (%d)\n", p->comm, p->pid);
	printf("  %10s %10s %7s %8s  %-28s %s\n", "inode", "size(kB)", "fd_refs",
	       "map_refs", "exporter", "name");
	for (i = 0; i < p->nr; i++) {
		const struct ion_dump_buf *b = &p->bufs[i];

		printf("  %10lu %10llu %7u %8u  %-28s %s\n", b->ino, b->size / 1024,
		       b->fd_refs, b->map_refs, b->exp_name, b->name[0] ? b->name : "-");
		total += b->size;
	}
	printf("  %10s %10llu kB in %zu buffers\n\n", "total", total / 1024, p->nr);
}

/* Count each buffer once across processes, per exporter. */
static void ion_dump_exporters(const struct ion_dump_proc *procs, size_t nr_procs)
{
	struct ion_dump_exporter *exps = NULL;
	unsigned long *seen = NULL;
	size_t nr_seen = 0, nr_exps = 0, i, j, k;

	for (i = 0; i < nr_procs; i++) {
		for (j = 0; j < procs[i].nr; j++) {
			const struct ion_dump_buf *b = &procs[i].bufs[j];

			for (k = 0; k < nr_seen && seen[k] != b->ino; k++)
				;
			if (k < nr_seen)
				continue;
			seen = ion_dump_grow(seen, nr_seen, sizeof(*seen));
			seen[nr_seen++] = b->ino;
			for (k = 0; k < nr_exps && strcmp(exps[k].name, b->exp_name); k++)
				;
			if (k == nr_exps) {
				exps = ion_dump_grow(exps, nr_exps, sizeof(*exps));
				memset(&exps[k], 0, sizeof(*exps));
				memcpy(exps[k].name, b->exp_name, sizeof(exps[k].name));
				nr_exps++;
			}
			exps[k].bytes += b->size;
			exps[k].buffers++;
		}
	}
	if (!ion_dump_csv) {
		printf("Buffers per exporter (each counted once)\n");
		printf("  %-28s %8s %10s\n", "exporter", "buffers", "size(kB)");
	}
	for (k = 0; k < nr_exps; k++) {
		if (ion_dump_csv)
			ion_dump_csv_row("exporter", 0, "", 0, exps[k].bytes, exps[k].name, "",
					 -1, -1, exps[k].buffers);
		else
			printf("  %-28s %8u %10llu\n", exps[k].name, exps[k].buffers,
			       exps[k].bytes / 1024);
	}
	if (!ion_dump_csv)
		printf("\n");
	free(exps);
	free(seen);
}

/* /sys/kernel/ion: the kernel's own totals, heaps and pools. */
static void ion_dump_ion_sysfs(void)
{
	long long heaps = ion_dump_number("/sys/kernel/ion/total_heaps_kb");
	long long pools = ion_dump_number("/sys/kernel/ion/total_pools_kb");
	long long dma_pools = ion_dump_number("/sys/kernel/dma_heap/total_pools_kb");
	struct dirent *de;
	DIR *dir;

	if (heaps < 0) {
		if (!ion_dump_csv)
			printf("ION: no /sys/kernel/ion\n");
		return;
	}
	if (ion_dump_csv) {
		ion_dump_csv_row("total", 0, "", 0, heaps * 1024, "total_heaps_kb", "", -1, -1, -1);
		ion_dump_csv_row("total", 0, "", 0, pools * 1024, "total_pools_kb", "", -1, -1, -1);
		if (dma_pools >= 0)
			ion_dump_csv_row("total", 0, "", 0, dma_pools * 1024,
					 "dma_heap/total_pools_kb", "", -1, -1, -1);
	} else {
		printf("ION heaps (/sys/kernel/ion)\n");
		printf("  %-28s %8s %10s %10s\n", "heap", "buffers", "size(kB)", "pool(kB)");
	}
	dir = opendir("/sys/kernel/ion/heaps");
	while (dir && (de = readdir(dir))) {
		char path[PATH_MAX];
		long long buffers, total, pool;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/ion/heaps/%s/buffers", de->d_name);
		buffers = ion_dump_number(path);
		snprintf(path, sizeof(path), "/sys/kernel/ion/heaps/%s/total_kb", de->d_name);
		total = ion_dump_number(path);
		snprintf(path, sizeof(path), "/sys/kernel/ion/heaps/%s/pool_kb", de->d_name);
		pool = ion_dump_number(path);
		if (ion_dump_csv) {
			ion_dump_csv_row("heap", 0, "", 0, total * 1024, de->d_name, "", -1, -1,
					 buffers);
			ion_dump_csv_row("pool", 0, "", 0, pool * 1024, de->d_name, "", -1, -1, -1);
		} else {
			printf("  %-28s %8lld %10lld %10lld\n", de->d_name, buffers, total, pool);
		}
	}
	if (dir)
		closedir(dir);
	if (ion_dump_csv)
		return;
	printf("  %-28s %8s %10lld %10lld\n", "total", "", heaps, pools);
	if (dma_pools >= 0)
		printf("  /sys/kernel/dma_heap/total_pools_kb: %lld\n", dma_pools);
}

static void ion_dump_usage(void)
{
	fprintf(stderr, "usage: ion-dump [--csv] [PID...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct ion_dump_proc *procs = NULL;
	size_t nr = 0, i;
	int argi = 1;

	for (; argi < argc && argv[argi][0] == '-'; argi++) {
		if (!strcmp(argv[argi], "--csv"))
			ion_dump_csv = 1;
		else
			ion_dump_usage();
	}
	if (argi < argc) {
		for (; argi < argc; argi++) {
			char *end;
			long pid = strtol(argv[argi], &end, 10);

			if (*end || pid <= 0)
				ion_dump_usage();
			procs = ion_dump_grow(procs, nr, sizeof(*procs));
			if (ion_dump_scan(pid, &procs[nr])) {
				fprintf(stderr, "ion-dump: no process %ld\n", pid);
				return 1;
			}
			nr++;
		}
	} else {
		DIR *dir = opendir("/proc");
		struct dirent *de;

		if (!dir) {
			perror("ion-dump: /proc");
			return 1;
		}
		while ((de = readdir(dir))) {
			if (!isdigit((unsigned char)de->d_name[0]))
				continue;
			procs = ion_dump_grow(procs, nr, sizeof(*procs));
			/* a process that exited meanwhile is skipped */
			if (!ion_dump_scan(atoi(de->d_name), &procs[nr]))
				nr++;
		}
		closedir(dir);
	}

	if (ion_dump_csv)
		printf("kind,pid,process,inode,bytes,exporter,name,fd_refs,map_refs,buffers\n");
	for (i = 0; i < nr; i++)
		if (procs[i].nr)
			ion_dump_print_proc(&procs[i]);
	ion_dump_exporters(procs, nr);
	ion_dump_ion_sysfs();
	for (i = 0; i < nr; i++)
		free(procs[i].bufs);
	free(procs);
	return 0;
}
