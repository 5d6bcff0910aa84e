// SPDX-License-Identifier: GPL-2.0
/*
 * ION's trace events through tracefs, in a trace instance of the test's
 * own: ion/ion_stat with the fields of Android's ION kernels (Perfetto
 * parses them) on every allocation and release, ion/ion_heap_alloc_fail
 * when a heap fails an allocation.
 */
#define _GNU_SOURCE
#include <sys/mount.h>
#include <sys/stat.h>

#include "ion_test_util.h"
#include "ion_stats_util.h"
#include "../kselftest_harness.h"

#define TRACEFS		"/sys/kernel/tracing"
#define INSTANCE	TRACEFS "/instances/ion_trace_test"
#define TRACE_LEN	(64 * 1024)

FIXTURE(trace) {
	int ion;
};

FIXTURE_SETUP(trace)
{
	self->ion = open(ION_DEV, O_RDWR | O_CLOEXEC);
	if (self->ion < 0)
		SKIP(return, "%s: %s", ION_DEV, strerror(errno));
	if (access(TRACEFS "/instances", F_OK) &&
	    mount("tracefs", TRACEFS, "tracefs", 0, NULL))
		SKIP(return, "no tracefs: %s", strerror(errno));
	if (access(TRACEFS "/events/ion/ion_stat", F_OK))
		SKIP(return, "no ion events in tracefs (kernel without tracing)");
	rmdir(INSTANCE);
	ASSERT_EQ(0, mkdir(INSTANCE, 0755));
}

FIXTURE_TEARDOWN(trace)
{
	if (self->ion >= 0)
		close(self->ion);
	rmdir(INSTANCE);
}

static int trace_enable(const char *event, int on)
{
	char path[256];

	snprintf(path, sizeof(path), INSTANCE "/events/ion/%s/enable", event);
	return ion_write_file(path, on ? "1" : "0");
}

/* The instance's trace buffer, NUL terminated, in a malloc()ed buffer. */
static char *trace_read(void)
{
	size_t size = 1 << 20;
	char *buf = malloc(size);

	if (buf && ion_read_file(INSTANCE "/trace", buf, size)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* The first event line with "buffer_id=ID len=LEN"; its total_allocated. */
static long long trace_stat(const char *trace, unsigned long id, long len)
{
	char needle[96];
	const char *p;

	snprintf(needle, sizeof(needle), "ion_stat: buffer_id=%lu len=%ldB total_allocated=",
		 id, len);
	p = strstr(trace, needle);
	return p ? strtoll(p + strlen(needle), NULL, 10) : -1;
}

/* The event's fields, as Android's kernels declare them. */
TEST_F(trace, stat_format)
{
	char format[4096];

	ASSERT_EQ(0, ion_read_file(TRACEFS "/events/ion/ion_stat/format", format,
				   sizeof(format)));
	EXPECT_NE(NULL, strstr(format, "field:unsigned int buffer_id;"));
	EXPECT_NE(NULL, strstr(format, "field:long len;"));
	EXPECT_NE(NULL, strstr(format, "field:unsigned long total_allocated;"));
}

/*
 * One event at the allocation (len > 0), one at the release (len < 0);
 * buffer_id is the dma-buf's inode number, total_allocated what
 * /sys/kernel/ion/total_heaps_kb counts.
 */
TEST_F(trace, stat_alloc_release)
{
	long long total, at_alloc, at_free;
	struct stat st;
	char *trace;
	int fd;

	ASSERT_EQ(0, trace_enable("ion_stat", 1));
	ASSERT_EQ(0, ion_new_alloc(self->ion, TRACE_LEN, ION_HEAP_SYSTEM_MASK, 0, &fd));
	ASSERT_EQ(0, fstat(fd, &st));
	total = ion_read_number(ION_SYSFS "/total_heaps_kb");
	close(fd);
	ASSERT_EQ(0, trace_enable("ion_stat", 0));

	trace = trace_read();
	ASSERT_NE(NULL, trace);
	at_alloc = trace_stat(trace, st.st_ino, TRACE_LEN);
	at_free = trace_stat(trace, st.st_ino, -TRACE_LEN);
	EXPECT_LE(TRACE_LEN, at_alloc) TH_LOG("trace:\n%s", trace);
	EXPECT_LE(0, at_free) TH_LOG("trace:\n%s", trace);
	EXPECT_EQ(total * 1024, at_alloc);
	EXPECT_EQ(at_alloc - TRACE_LEN, at_free);
	free(trace);
}

/* Nothing is emitted while the event is off. */
TEST_F(trace, stat_disabled)
{
	struct stat st;
	char *trace;
	int fd;

	ASSERT_EQ(0, ion_new_alloc(self->ion, TRACE_LEN, ION_HEAP_SYSTEM_MASK, 0, &fd));
	ASSERT_EQ(0, fstat(fd, &st));
	close(fd);
	trace = trace_read();
	ASSERT_NE(NULL, trace);
	EXPECT_EQ(-1, trace_stat(trace, st.st_ino, TRACE_LEN));
	free(trace);
}

/* A heap that cannot hold the buffer fails it: one event with the errno. */
#define FAIL_EVENT \
	"ion_heap_alloc_fail: heap=ion_system_contig_heap heap_id=1 len=67108864 flags=0x0 error=-12"

TEST_F(trace, heap_alloc_fail)
{
	char *trace;
	int fd;

	ASSERT_EQ(0, trace_enable("ion_heap_alloc_fail", 1));
	/* larger than the contig heap's largest block */
	ASSERT_EQ(-ENOMEM, ion_new_alloc(self->ion, 64 << 20, ION_HEAP_SYSTEM_CONTIG_MASK,
					 0, &fd));
	ASSERT_EQ(0, trace_enable("ion_heap_alloc_fail", 0));
	trace = trace_read();
	ASSERT_NE(NULL, trace);
	EXPECT_NE(NULL, strstr(trace, FAIL_EVENT)) TH_LOG("trace:\n%s", trace);
	free(trace);
}

TEST_HARNESS_MAIN
