// SPDX-License-Identifier: GPL-2.0
/*
 * A camera pipeline on ION buffers, the way a camera HAL drives one.
 *
 * The capture buffers come from ION and are queued to a V4L2 driver with
 * V4L2_MEMORY_DMABUF, so the driver writes every frame straight into ION
 * memory.  Each dequeued frame is checked through an mmap() of its ION fd
 * (bracketed by DMA_BUF_IOCTL_SYNC), and the same fd is bound to
 * /dev/hon_zone, whose HON_ZONE_CHECKSUM must equal the CRC user space
 * computed.  The drivers are the kernel's V4L2 test drivers:
 *
 *  - vivid, a camera whose test pattern generator paints 100% colour bars
 *    (the OSD text off, so that every frame is the same known image).  A
 *    vivid instance uses vb2-vmalloc (allocators=0), which takes any
 *    dma-buf and maps it into the kernel, or vb2-dma-contig
 *    (allocators=1), which needs memory that is contiguous for DMA: the
 *    contiguous, carveout and CMA heaps; a buffer from the system heap,
 *    whose pages are scattered, is refused by VIDIOC_QBUF with EFAULT
 *    (vb2-dma-contig's "contiguous chunk is too small" in the kernel log);
 *  - vivid's video output looped back to its HDMI capture input: frames
 *    the CPU wrote into ION output buffers come back in the ION capture
 *    buffers;
 *  - vim2m, a memory-to-memory device: ION buffers on both queues, RGB24
 *    in, BGR24 out, mirrored (V4L2_CID_HFLIP).
 *
 * Every scenario runs with three kinds of buffers: allocated through
 * /dev/ion (libion), through the DMA-BUF heap of the same ION heap
 * (/dev/dma_heap/ion-<heap>), and allocated in the kernel by hon_zone
 * (HON_ZONE_ION_ALLOC) and queued by user space.
 *
 * vivid needs two instances, one per memory mode: built in, boot with
 * "vivid.n_devs=2 vivid.allocators=0,1" (scripts/boot does); as a module,
 * "modprobe vivid n_devs=2 allocators=0,1".  Scenarios whose driver, mode
 * or heap this kernel lacks are skipped.  The output is kselftest's: one
 * "ok"/"not ok" line per scenario and a "# Totals:" line.
 *
 *   camera_capture [-n FRAMES]      (as root; default 8 frames per scenario)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ion/ion.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/hon_zone.h>
#include <linux/videodev2.h>

#include "sample_crc32.h"

/* Exit status of a scenario that cannot run here (kselftest's KSFT_SKIP). */
#define EXIT_SKIP	4

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* The frame every scenario streams: VGA, 24-bit RGB, 900 KiB. */
#define WIDTH		640
#define HEIGHT		480
#define BPP		3
/* Buffers per queue, as a HAL keeps a few in flight. */
#define NBUFS		4
/* The most buffers a scenario gives one queue. */
#define QUEUE_MAX	8
/* What user space writes into a buffer before queueing it. */
#define POISON		0x5a
/* Frames a looped-back capture may take before the output reaches it. */
#define LOOP_WARMUP	30
/* How long to wait for one frame. */
#define FRAME_TIMEOUT_MS 5000
/* Camera buffers are 4 KiB aligned (ION's alignment argument). */
#define CAMERA_ALIGN	4096

/* Where a buffer comes from. */
enum buf_source {
	SRC_ION,	/* ion_alloc_fd() on /dev/ion */
	SRC_DMA_HEAP,	/* DMA_HEAP_IOCTL_ALLOC on /dev/dma_heap/ion-<heap> */
	SRC_ZONE,	/* HON_ZONE_ION_ALLOC: allocated in the kernel */
};

static const char * const source_names[] = {
	[SRC_ION] = "/dev/ion",
	[SRC_DMA_HEAP] = "dma-heap",
	[SRC_ZONE] = "hon_zone",
};

/* An ION heap as ION_IOC_HEAP_QUERY describes it. */
struct heap {
	char name[MAX_HEAP_NAME];
	unsigned int id;
	int found;
};

/* The heaps the scenarios use, by ION heap type. */
static struct heap heap_system, heap_contig, heap_carveout, heap_cma;

/* One buffer: its dma-buf fd, the zone bound to it, its mapping. */
struct frame_buf {
	int fd;
	int zone;
	unsigned char *map;
	size_t size;
};

/* One queue of a video node and the ION buffers allocated for it. */
struct frame_queue {
	int fd;
	unsigned int type;
	int n;				/* buffers allocated in bufs[] */
	struct frame_buf bufs[QUEUE_MAX];
};

/* A V4L2 video node and what QUERYCAP said about it. */
struct node {
	char path[32];
	char driver[16];
	int instance;		/* vivid's instance number, from bus_info */
	unsigned int caps;	/* device_caps */
};

#define MAX_NODES	64
static struct node nodes[MAX_NODES];
static int n_nodes;

static int ion_fd = -1;
static int frames = 8;
static int n_case, n_pass, n_fail, n_skip;

/* The image vivid's "100% Colorbar" pattern gives in RGB24 at VGA. */
static unsigned char colour_bars[WIDTH * HEIGHT * BPP];
static unsigned int colour_bars_crc;

/* Report a failure with errno as it was on entry; returns -1. */
static int fail(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	printf("#   FAILED: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" (errno %d: %s)\n", err, strerror(err));
	errno = err;
	return -1;
}

/* ioctl() retried on EINTR; returns 0 or -1 with errno set. */
static int xioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do
		ret = ioctl(fd, req, arg);
	while (ret < 0 && errno == EINTR);
	return ret < 0 ? -1 : 0;
}

/* One scenario's kselftest line; @rc is 0, EXIT_SKIP or a failure. */
static void result(int rc, const char *fmt, ...)
{
	char name[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	n_case++;
	if (rc == EXIT_SKIP) {
		n_skip++;
		printf("ok %d %s # SKIP\n", n_case, name);
	} else if (rc) {
		n_fail++;
		printf("not ok %d %s\n", n_case, name);
	} else {
		n_pass++;
		printf("ok %d %s\n", n_case, name);
	}
}

/* Skip a scenario, saying why; returns EXIT_SKIP. */
static int skip(const char *fmt, ...)
{
	va_list ap;

	printf("#   skipped: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return EXIT_SKIP;
}

/* Colour bar k of 8 (white, yellow, cyan, green, magenta, red, blue, black). */
static void fill_colour_bars(void)
{
	static const unsigned char rgb[8][3] = {
		{ 255, 255, 255 }, { 255, 255, 0 }, { 0, 255, 255 }, { 0, 255, 0 },
		{ 255, 0, 255 }, { 255, 0, 0 }, { 0, 0, 255 }, { 0, 0, 0 },
	};
	unsigned char *p = colour_bars;
	int x, y;

	for (y = 0; y < HEIGHT; y++)
		for (x = 0; x < WIDTH; x++, p += BPP)
			memcpy(p, rgb[x * 8 / WIDTH], BPP);
	colour_bars_crc = crc32_update(0, colour_bars, sizeof(colour_bars));
}

/* An RGB24 picture that differs with @seed, for output buffers. */
static void fill_picture(unsigned char *p, unsigned int seed)
{
	int x, y;

	for (y = 0; y < HEIGHT; y++) {
		for (x = 0; x < WIDTH; x++, p += BPP) {
			p[0] = (unsigned char)(x + 3 * y + seed);
			p[1] = (unsigned char)(2 * x + y + 7 * seed);
			p[2] = (unsigned char)((x ^ y) + 13 * seed);
		}
	}
}

/* ---- buffers ---------------------------------------------------------- */

static int buf_sync(const struct frame_buf *b, unsigned long long flags)
{
	struct dma_buf_sync sync = { .flags = flags };

	return xioctl(b->fd, DMA_BUF_IOCTL_SYNC, &sync);
}

/* Bind a user-allocated buffer to a zone of its own; check its heap. */
static int buf_bind_zone(struct frame_buf *b, const struct heap *heap)
{
	struct hon_zone_bind_data bind = { .flags = HON_ZONE_BIND_ION_ONLY };
	struct hon_zone_info info = { 0 };

	b->zone = open("/dev/hon_zone", O_RDWR | O_CLOEXEC);
	if (b->zone < 0)
		return fail("open /dev/hon_zone");
	bind.fd = b->fd;
	if (xioctl(b->zone, HON_ZONE_BIND, &bind))
		return fail("HON_ZONE_BIND of the frame's fd");
	if (xioctl(b->zone, HON_ZONE_GET_INFO, &info))
		return fail("HON_ZONE_GET_INFO");
	if (!(info.state & HON_ZONE_STATE_ION) || info.heap_id != heap->id ||
	    info.size != b->size) {
		errno = EIO;
		return fail("the zone sees heap %u, %llu bytes; expected heap %u, %zu bytes",
			    info.heap_id, (unsigned long long)info.size, heap->id, b->size);
	}
	return 0;
}

static int buf_alloc_dma_heap(struct frame_buf *b, const struct heap *heap)
{
	struct dma_heap_allocation_data data = {
		.len = b->size,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};
	char path[64 + MAX_HEAP_NAME];
	int dev;

	snprintf(path, sizeof(path), "/dev/dma_heap/ion-%s", heap->name);
	dev = open(path, O_RDONLY | O_CLOEXEC);
	if (dev < 0)
		return fail("open %s", path);
	if (xioctl(dev, DMA_HEAP_IOCTL_ALLOC, &data)) {
		fail("DMA_HEAP_IOCTL_ALLOC on %s", path);
		close(dev);
		return -1;
	}
	close(dev);
	b->fd = data.fd;
	return 0;
}

static int buf_alloc_zone(struct frame_buf *b, const struct heap *heap)
{
	struct hon_zone_alloc_data alloc = {
		.len = b->size,
		.heap_id_mask = ION_HEAP(heap->id),
		.flags = ION_FLAG_CACHED,
	};

	b->zone = open("/dev/hon_zone", O_RDWR | O_CLOEXEC);
	if (b->zone < 0)
		return fail("open /dev/hon_zone");
	if (xioctl(b->zone, HON_ZONE_ION_ALLOC, &alloc))
		return fail("HON_ZONE_ION_ALLOC of %zu bytes from %s", b->size, heap->name);
	b->fd = alloc.fd;
	return 0;
}

static void buf_free(struct frame_buf *b)
{
	if (b->map && b->map != MAP_FAILED)
		munmap(b->map, b->size);
	if (b->fd >= 0)
		close(b->fd);
	/* The zone's close drops its reference: the last one frees the buffer. */
	if (b->zone >= 0)
		close(b->zone);
	b->map = NULL;
	b->fd = -1;
	b->zone = -1;
}

/*
 * The CPU writes @len bytes of @data at the start of @b and POISON in the
 * rest, between DMA_BUF_IOCTL_SYNC start and end.
 */
static int buf_write(struct frame_buf *b, const unsigned char *data, size_t len)
{
	if (buf_sync(b, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE))
		return fail("DMA_BUF_IOCTL_SYNC start");
	if (len)
		memcpy(b->map, data, len);
	memset(b->map + len, POISON, b->size - len);
	if (buf_sync(b, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE))
		return fail("DMA_BUF_IOCTL_SYNC end");
	return 0;
}

/* Poison a buffer, so that its next frame must be written anew. */
static int buf_poison(struct frame_buf *b)
{
	return buf_write(b, NULL, 0);
}

/*
 * A buffer of at least @len bytes from @heap through @src, bound to a zone
 * of its own and mapped; every byte set to POISON.
 */
static int buf_alloc(struct frame_buf *b, enum buf_source src,
		     const struct heap *heap, size_t len)
{
	int ret = -1;
	size_t size;

	b->fd = -1;
	b->zone = -1;
	b->map = NULL;
	b->size = (len + CAMERA_ALIGN - 1) & ~(size_t)(CAMERA_ALIGN - 1);
	switch (src) {
	case SRC_ION:
		ret = ion_alloc_fd(ion_fd, b->size, CAMERA_ALIGN, ION_HEAP(heap->id),
				   ION_FLAG_CACHED, &b->fd);
		if (ret < 0) {
			errno = -ret;
			fail("ion_alloc_fd of %zu bytes from %s", b->size, heap->name);
		}
		break;
	case SRC_DMA_HEAP:
		ret = buf_alloc_dma_heap(b, heap);
		break;
	case SRC_ZONE:
		ret = buf_alloc_zone(b, heap);
		break;
	}
	if (ret < 0)
		goto free_buf;
	if (ion_buffer_size(b->fd, &size) < 0 || size != b->size) {
		errno = EIO;
		fail("the dma-buf has %zu bytes, not %zu", size, b->size);
		goto free_buf;
	}
	if (src != SRC_ZONE && buf_bind_zone(b, heap))
		goto free_buf;
	b->map = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED, b->fd, 0);
	if (b->map == MAP_FAILED) {
		fail("mmap of the buffer");
		goto free_buf;
	}
	if (buf_poison(b))
		goto free_buf;
	return 0;

free_buf:
	buf_free(b);
	return -1;
}

/* Does the CPU's view of @b start with the @len bytes at @want? */
static int buf_equal(const struct frame_buf *b, const unsigned char *want, size_t len)
{
	int same;

	if (buf_sync(b, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ))
		return 0;
	same = !memcmp(b->map, want, len);
	buf_sync(b, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
	return same;
}

/*
 * Check a frame: @len bytes equal to @want in the CPU's view (between SYNC
 * start and end), and the kernel's CRC through the zone equal to the CRC
 * user space computes.  Prints one line about the frame.
 */
static int frame_check(const struct frame_buf *b, unsigned int seq, size_t len,
		       const unsigned char *want, const char *what)
{
	struct hon_zone_checksum_data sum = { .len = len };
	unsigned int crc, want_crc;
	size_t i;

	if (buf_sync(b, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ))
		return fail("DMA_BUF_IOCTL_SYNC start");
	crc = crc32_update(0, b->map, len);
	for (i = 0; i < len && b->map[i] == want[i]; i++)
		;
	if (buf_sync(b, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ))
		return fail("DMA_BUF_IOCTL_SYNC end");
	want_crc = crc32_update(0, want, len);
	if (i < len) {
		errno = EIO;
		return fail("frame %u: byte %zu (pixel %zu, %zu) is %#x, %s has %#x",
			    seq, i, i / BPP % WIDTH, i / BPP / WIDTH, b->map[i], what,
			    want[i]);
	}
	if (xioctl(b->zone, HON_ZONE_CHECKSUM, &sum))
		return fail("HON_ZONE_CHECKSUM");
	printf("#   frame %u: %zu bytes, %s; CRC32 user %08x, hon_zone %08x\n",
	       seq, len, what, crc, sum.crc);
	if (crc != want_crc || sum.crc != crc) {
		errno = EIO;
		return fail("frame %u: CRC32 user %08x, hon_zone %08x, expected %08x",
			    seq, crc, sum.crc, want_crc);
	}
	return 0;
}

/* ---- V4L2 ------------------------------------------------------------- */

/* Every /dev/videoN, with its driver, capabilities and vivid instance. */
static void nodes_scan(void)
{
	struct v4l2_capability cap;
	struct dirent *de;
	DIR *dir;

	dir = opendir("/dev");
	if (!dir)
		return;
	while ((de = readdir(dir)) && n_nodes < MAX_NODES) {
		struct node *n = &nodes[n_nodes];
		const char *inst;
		int fd;

		if (strncmp(de->d_name, "video", 5))
			continue;
		snprintf(n->path, sizeof(n->path), "/dev/%.20s", de->d_name);
		fd = open(n->path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(&cap, 0, sizeof(cap));
		if (!xioctl(fd, VIDIOC_QUERYCAP, &cap)) {
			snprintf(n->driver, sizeof(n->driver), "%.15s", (char *)cap.driver);
			n->caps = cap.capabilities & V4L2_CAP_DEVICE_CAPS ?
				  cap.device_caps : cap.capabilities;
			inst = strstr((char *)cap.bus_info, "vivid-");
			n->instance = inst ? atoi(inst + 6) : -1;
			n_nodes++;
		}
		close(fd);
	}
	closedir(dir);
}

/* The node of @driver (and vivid @instance, or -1) with every bit of @caps. */
static const struct node *node_find(const char *driver, int instance, unsigned int caps)
{
	int i;

	for (i = 0; i < n_nodes; i++)
		if (!strcmp(nodes[i].driver, driver) && (nodes[i].caps & caps) == caps &&
		    (instance < 0 || nodes[i].instance == instance))
			return &nodes[i];
	return NULL;
}

/* vivid's allocators= for @instance: 0 vb2-vmalloc, 1 vb2-dma-contig. */
static int vivid_allocator(int instance)
{
	char line[512], *p = line;
	FILE *f;
	int i;

	f = fopen("/sys/module/vivid/parameters/allocators", "re");
	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	for (i = 0; i < instance && p; i++) {
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return p ? atoi(p) : -1;
}

/* The vivid capture node whose instance uses @allocator. */
static const struct node *vivid_camera(int allocator)
{
	int i;

	for (i = 0; i < n_nodes; i++)
		if (!strcmp(nodes[i].driver, "vivid") &&
		    (nodes[i].caps & V4L2_CAP_VIDEO_CAPTURE) &&
		    vivid_allocator(nodes[i].instance) == allocator)
			return &nodes[i];
	return NULL;
}

/* Set the control called @name; a menu control to its item @item. */
static int ctrl_set(int fd, const char *name, const char *item, int value)
{
	struct v4l2_queryctrl qc = { .id = V4L2_CTRL_FLAG_NEXT_CTRL };
	struct v4l2_querymenu qm;
	struct v4l2_control c;

	while (!xioctl(fd, VIDIOC_QUERYCTRL, &qc)) {
		if (!strcmp((char *)qc.name, name))
			break;
		qc.id |= V4L2_CTRL_FLAG_NEXT_CTRL;
	}
	if (strcmp((char *)qc.name, name)) {
		errno = ENOENT;
		return fail("no control \"%s\"", name);
	}
	if (item) {
		for (value = qc.minimum; value <= qc.maximum; value++) {
			memset(&qm, 0, sizeof(qm));
			qm.id = qc.id;
			qm.index = value;
			if (!xioctl(fd, VIDIOC_QUERYMENU, &qm) &&
			    !strcmp((char *)qm.name, item))
				break;
		}
		if (value > qc.maximum) {
			errno = ENOENT;
			return fail("control \"%s\" has no item \"%s\"", name, item);
		}
	}
	c.id = qc.id;
	c.value = value;
	if (xioctl(fd, VIDIOC_S_CTRL, &c))
		return fail("VIDIOC_S_CTRL \"%s\"", name);
	return 0;
}

/* Select the input (or output) whose name starts with @prefix. */
static int route_select(int fd, int output, const char *prefix)
{
	struct v4l2_output out = { 0 };
	struct v4l2_input in = { 0 };
	unsigned int i;

	for (i = 0; ; i++) {
		const char *name;

		in.index = i;
		out.index = i;
		if (xioctl(fd, output ? VIDIOC_ENUMOUTPUT : VIDIOC_ENUMINPUT,
			   output ? (void *)&out : (void *)&in)) {
			errno = ENOENT;
			return fail("no %s \"%s\"", output ? "output" : "input", prefix);
		}
		name = output ? (char *)out.name : (char *)in.name;
		if (!strncmp(name, prefix, strlen(prefix)))
			break;
	}
	if (xioctl(fd, output ? VIDIOC_S_OUTPUT : VIDIOC_S_INPUT, &i))
		return fail("select %s \"%s\"", output ? "output" : "input", prefix);
	return 0;
}

/* VGA with @fourcc on queue @type; the driver must take it as it is. */
static int format_set(int fd, unsigned int type, unsigned int fourcc,
		      struct v4l2_pix_format *pix)
{
	struct v4l2_format fmt = { .type = type };

	fmt.fmt.pix.width = WIDTH;
	fmt.fmt.pix.height = HEIGHT;
	fmt.fmt.pix.pixelformat = fourcc;
	fmt.fmt.pix.field = V4L2_FIELD_NONE;
	if (xioctl(fd, VIDIOC_S_FMT, &fmt))
		return fail("VIDIOC_S_FMT");
	*pix = fmt.fmt.pix;
	if (pix->width != WIDTH || pix->height != HEIGHT || pix->pixelformat != fourcc ||
	    pix->bytesperline != WIDTH * BPP || pix->sizeimage < WIDTH * HEIGHT * BPP) {
		errno = EINVAL;
		return fail("the driver chose %ux%u %.4s, %u bytes per line",
			    pix->width, pix->height, (char *)&pix->pixelformat,
			    pix->bytesperline);
	}
	return 0;
}

static int reqbufs(int fd, unsigned int type, unsigned int count)
{
	struct v4l2_requestbuffers req = {
		.count = count,
		.type = type,
		.memory = V4L2_MEMORY_DMABUF,
	};

	if (xioctl(fd, VIDIOC_REQBUFS, &req))
		return fail("VIDIOC_REQBUFS(%u, DMABUF)", count);
	if (req.count < count) {
		errno = ENOMEM;
		return fail("VIDIOC_REQBUFS gave %u buffers, not %u", req.count, count);
	}
	return 0;
}

/* Queue buffer @index, whose memory is the dma-buf of @b. */
static int qbuf(int fd, unsigned int type, unsigned int index,
		const struct frame_buf *b, unsigned int bytesused)
{
	struct v4l2_buffer buf = {
		.index = index,
		.type = type,
		.memory = V4L2_MEMORY_DMABUF,
		.bytesused = bytesused,
		.length = b->size,
		.field = V4L2_FIELD_NONE,
	};

	buf.m.fd = b->fd;
	buf.timestamp.tv_usec = index;
	return xioctl(fd, VIDIOC_QBUF, &buf);
}

/* Wait for and dequeue a buffer of queue @type. */
static int dqbuf(int fd, unsigned int type, struct v4l2_buffer *buf)
{
	struct pollfd pfd = {
		.fd = fd,
		.events = V4L2_TYPE_IS_OUTPUT(type) ? POLLOUT : POLLIN,
	};
	int ret;

	memset(buf, 0, sizeof(*buf));
	buf->type = type;
	buf->memory = V4L2_MEMORY_DMABUF;
	for (;;) {
		if (!xioctl(fd, VIDIOC_DQBUF, buf))
			break;
		if (errno != EAGAIN)
			return fail("VIDIOC_DQBUF");
		ret = poll(&pfd, 1, FRAME_TIMEOUT_MS);
		if (ret < 0 && errno != EINTR)
			return fail("poll");
		if (ret == 0) {
			errno = ETIMEDOUT;
			return fail("no frame within %d ms", FRAME_TIMEOUT_MS);
		}
	}
	if (buf->flags & V4L2_BUF_FLAG_ERROR) {
		errno = EIO;
		return fail("buffer %u came back with V4L2_BUF_FLAG_ERROR", buf->index);
	}
	return 0;
}

static int streamon(int fd, unsigned int type)
{
	if (xioctl(fd, VIDIOC_STREAMON, &type))
		return fail("VIDIOC_STREAMON");
	return 0;
}

/* Stop a queue and give its buffers back (the driver drops its references). */
static void stream_stop(int fd, unsigned int type)
{
	struct v4l2_requestbuffers req = {
		.type = type,
		.memory = V4L2_MEMORY_DMABUF,
	};

	xioctl(fd, VIDIOC_STREAMOFF, &type);
	xioctl(fd, VIDIOC_REQBUFS, &req);
}

/* Allocate @count more buffers of @size for @q (see buf_alloc()). */
static int queue_alloc(struct frame_queue *q, int count, enum buf_source src,
		       const struct heap *heap, size_t size)
{
	while (count--) {
		if (q->n == QUEUE_MAX) {
			errno = ENOBUFS;
			return fail("more than %d buffers on one queue", QUEUE_MAX);
		}
		if (buf_alloc(&q->bufs[q->n], src, heap, size))
			return -1;
		q->n++;
	}
	return 0;
}

/* Queue every buffer of @q, buffer i at index i, @bytesused each. */
static int queue_all(struct frame_queue *q, unsigned int bytesused)
{
	int i;

	for (i = 0; i < q->n; i++)
		if (qbuf(q->fd, q->type, i, &q->bufs[i], bytesused))
			return fail("VIDIOC_QBUF of buffer %d", i);
	return 0;
}

/* Stop @q, so that the driver lets go of its buffers, and free them. */
static void queue_release(struct frame_queue *q)
{
	stream_stop(q->fd, q->type);
	while (q->n)
		buf_free(&q->bufs[--q->n]);
}

static int node_open(const struct node *n)
{
	int fd = open(n->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		fail("open %s", n->path);
	return fd;
}

/*
 * The camera: vivid's webcam input, 100% colour bars without OSD text, no
 * movement; VGA RGB24.
 */
static int camera_setup(int fd, struct v4l2_pix_format *pix)
{
	if (route_select(fd, 0, "Webcam") ||
	    ctrl_set(fd, "Test Pattern", "100% Colorbar", 0) ||
	    ctrl_set(fd, "OSD Text Mode", "None", 0) ||
	    ctrl_set(fd, "Horizontal Movement", "No Movement", 0) ||
	    ctrl_set(fd, "Vertical Movement", "No Movement", 0))
		return -1;
	return format_set(fd, V4L2_BUF_TYPE_VIDEO_CAPTURE, V4L2_PIX_FMT_RGB24, pix);
}

/* ---- scenarios -------------------------------------------------------- */

static const char *mode_name(int allocator)
{
	return allocator ? "vb2-dma-contig" : "vb2-vmalloc";
}

/* Stream @frames colour-bar frames from the camera into ION buffers. */
static int scenario_capture(int allocator, const struct heap *heap, enum buf_source src)
{
	struct frame_queue q = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	const struct node *cam;
	struct v4l2_pix_format pix;
	struct v4l2_buffer buf;
	unsigned int last_seq = 0;
	int i, ret = -1;

	cam = vivid_camera(allocator);
	if (!cam)
		return skip("no vivid instance with %s (vivid.allocators=%d)",
			    mode_name(allocator), allocator);
	if (!heap->found)
		return skip("no ION heap of that type");
	q.fd = node_open(cam);
	if (q.fd < 0)
		return -1;
	printf("#   %s (vivid instance %d, %s), buffers from %s through %s\n",
	       cam->path, cam->instance, mode_name(allocator), heap->name,
	       source_names[src]);
	if (camera_setup(q.fd, &pix) || reqbufs(q.fd, q.type, NBUFS) ||
	    queue_alloc(&q, NBUFS, src, heap, pix.sizeimage) || queue_all(&q, 0) ||
	    streamon(q.fd, q.type))
		goto release;
	for (i = 0; i < frames; i++) {
		if (dqbuf(q.fd, q.type, &buf))
			goto release;
		if (buf.bytesused != pix.sizeimage || buf.m.fd != q.bufs[buf.index].fd ||
		    (i && buf.sequence <= last_seq)) {
			errno = EIO;
			fail("buffer %u: %u bytes, fd %d, sequence %u after %u",
			     buf.index, buf.bytesused, buf.m.fd, buf.sequence, last_seq);
			goto release;
		}
		last_seq = buf.sequence;
		if (frame_check(&q.bufs[buf.index], buf.sequence, buf.bytesused, colour_bars,
				"the 100% colour bars"))
			goto release;
		if (buf_poison(&q.bufs[buf.index]) ||
		    qbuf(q.fd, q.type, buf.index, &q.bufs[buf.index], 0))
			goto release;
	}
	ret = 0;
release:
	queue_release(&q);
	close(q.fd);
	return ret;
}

/*
 * vb2-dma-contig needs one DMA-contiguous chunk: a system-heap buffer is
 * refused at VIDIOC_QBUF with EFAULT.  The system heap's pages can happen
 * to lie in order (the page allocator often hands out one 64 KiB block
 * right after the other), and such a buffer is rightly accepted; then the
 * scenario tries another buffer, holding the ones before, REFUSE_TRIES
 * times at most.
 */
#define REFUSE_TRIES	QUEUE_MAX
static int scenario_refuse(enum buf_source src)
{
	struct frame_queue q = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct v4l2_pix_format pix;
	const struct node *cam;
	int ret = -1;

	cam = vivid_camera(1);
	if (!cam)
		return skip("no vivid instance with vb2-dma-contig (vivid.allocators=1)");
	if (!heap_system.found)
		return skip("no ION system heap");
	q.fd = node_open(cam);
	if (q.fd < 0)
		return -1;
	printf("#   %s (vivid instance %d, vb2-dma-contig), a buffer from %s through %s\n",
	       cam->path, cam->instance, heap_system.name, source_names[src]);
	if (camera_setup(q.fd, &pix))
		goto release;
	/* Each try holds the buffers before it: none of them may come again. */
	for (;;) {
		if (q.n == REFUSE_TRIES) {
			errno = 0;
			fail("vb2-dma-contig took %d system-heap buffers in a row", q.n);
			goto release;
		}
		if (reqbufs(q.fd, q.type, 1) ||
		    queue_alloc(&q, 1, src, &heap_system, pix.sizeimage))
			goto release;
		if (qbuf(q.fd, q.type, 0, &q.bufs[q.n - 1], 0))
			break;
		printf("#   buffer %d: VIDIOC_QBUF took it (its pages happen to lie in order)\n",
		       q.n);
		stream_stop(q.fd, q.type);
	}
	if (errno != EFAULT) {
		fail("VIDIOC_QBUF failed, but not with EFAULT");
		goto release;
	}
	printf("#   VIDIOC_QBUF: %s (EFAULT): not one contiguous chunk for DMA\n",
	       strerror(errno));
	ret = 0;
release:
	queue_release(&q);
	close(q.fd);
	return ret;
}

/* Both ends of vivid's loop on 640x480p60 (the DV timings of VGA). */
static int loop_timings(int cap, int out)
{
	struct v4l2_enum_dv_timings e = { 0 };

	for (e.index = 0; !xioctl(cap, VIDIOC_ENUM_DV_TIMINGS, &e); e.index++) {
		if (e.timings.bt.width == WIDTH && e.timings.bt.height == HEIGHT &&
		    !e.timings.bt.interlaced)
			break;
	}
	if (e.timings.bt.width != WIDTH || e.timings.bt.height != HEIGHT) {
		errno = ENOENT;
		return fail("no VGA DV timings");
	}
	if (xioctl(cap, VIDIOC_S_DV_TIMINGS, &e.timings) ||
	    xioctl(out, VIDIOC_S_DV_TIMINGS, &e.timings))
		return fail("VIDIOC_S_DV_TIMINGS");
	return 0;
}

/*
 * vivid's HDMI output looped back to its HDMI input: the CPU writes a
 * picture into ION output buffers, the capture buffers (ION too) must come
 * back with exactly that picture.
 */
static int scenario_loopback(enum buf_source src)
{
	struct frame_queue cq = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct frame_queue oq = { .fd = -1, .type = V4L2_BUF_TYPE_VIDEO_OUTPUT };
	static unsigned char picture[WIDTH * HEIGHT * BPP];
	char ctrl_name[40], item[40];
	struct v4l2_pix_format cpix, opix;
	const struct node *cam, *out;
	int looped = 0, i, ret = -1;
	struct v4l2_buffer buf;

	cam = vivid_camera(0);
	out = cam ? node_find("vivid", cam->instance, V4L2_CAP_VIDEO_OUTPUT) : NULL;
	if (!out)
		return skip("no vivid instance with vb2-vmalloc and a video output");
	if (!heap_system.found)
		return skip("no ION system heap");
	cq.fd = node_open(cam);
	if (cq.fd < 0)
		return -1;
	oq.fd = node_open(out);
	if (oq.fd < 0)
		goto close_fds;
	printf("#   %s -> HDMI -> %s (vivid instance %d), buffers from %s through %s\n",
	       out->path, cam->path, cam->instance, heap_system.name, source_names[src]);
	snprintf(ctrl_name, sizeof(ctrl_name), "HDMI %03d-0 Is Connected To", cam->instance);
	snprintf(item, sizeof(item), "Output HDMI %03d-0", cam->instance);
	if (route_select(oq.fd, 1, "HDMI") || route_select(cq.fd, 0, "HDMI") ||
	    loop_timings(cq.fd, oq.fd) || ctrl_set(cq.fd, ctrl_name, item, 0) ||
	    ctrl_set(cq.fd, "OSD Text Mode", "None", 0) ||
	    format_set(cq.fd, cq.type, V4L2_PIX_FMT_RGB24, &cpix) ||
	    format_set(oq.fd, oq.type, V4L2_PIX_FMT_RGB24, &opix) ||
	    reqbufs(oq.fd, oq.type, NBUFS) || reqbufs(cq.fd, cq.type, NBUFS))
		goto disconnect;

	fill_picture(picture, 0);
	if (queue_alloc(&oq, NBUFS, src, &heap_system, opix.sizeimage))
		goto release;
	for (i = 0; i < oq.n; i++)
		if (buf_write(&oq.bufs[i], picture, sizeof(picture)))
			goto release;
	/* The output first, so that the capture finds a frame to copy. */
	if (queue_all(&oq, opix.sizeimage) ||
	    queue_alloc(&cq, NBUFS, src, &heap_system, cpix.sizeimage) ||
	    queue_all(&cq, 0) || streamon(oq.fd, oq.type) || streamon(cq.fd, cq.type))
		goto release;
	for (i = 0; looped < frames;) {
		struct pollfd pfd[2] = {
			{ .fd = cq.fd, .events = POLLIN },
			{ .fd = oq.fd, .events = POLLOUT },
		};

		ret = poll(pfd, 2, FRAME_TIMEOUT_MS);
		if (ret <= 0) {
			if (!ret)
				errno = ETIMEDOUT;
			ret = fail("poll");
			goto release;
		}
		ret = -1;
		/* Shown output frames go straight back: the output never runs dry. */
		if (pfd[1].revents & POLLOUT) {
			if (dqbuf(oq.fd, oq.type, &buf) ||
			    qbuf(oq.fd, oq.type, buf.index, &oq.bufs[buf.index], opix.sizeimage))
				goto release;
		}
		if (!(pfd[0].revents & POLLIN))
			continue;
		if (dqbuf(cq.fd, cq.type, &buf))
			goto release;
		if (!looped && i++ < LOOP_WARMUP &&
		    !buf_equal(&cq.bufs[buf.index], picture, sizeof(picture))) {
			/* Before the output's first frame: the pattern generator. */
			printf("#   frame %u: not the output's picture yet\n", buf.sequence);
		} else {
			if (frame_check(&cq.bufs[buf.index], buf.sequence, sizeof(picture),
					picture, "the output's picture"))
				goto release;
			looped++;
		}
		if (buf_poison(&cq.bufs[buf.index]) ||
		    qbuf(cq.fd, cq.type, buf.index, &cq.bufs[buf.index], 0))
			goto release;
	}
	ret = 0;
release:
	queue_release(&cq);
	queue_release(&oq);
disconnect:
	ctrl_set(cq.fd, ctrl_name, "Test Pattern Generator", 0);
	route_select(cq.fd, 0, "Webcam");
close_fds:
	if (oq.fd >= 0)
		close(oq.fd);
	close(cq.fd);
	return ret;
}

/* What vim2m makes of @in: BGR24 from RGB24, mirrored left to right. */
static void m2m_expect(unsigned char *want, const unsigned char *in)
{
	int x, y;

	for (y = 0; y < HEIGHT; y++) {
		for (x = 0; x < WIDTH; x++) {
			const unsigned char *s = in + (y * WIDTH + (WIDTH - 1 - x)) * BPP;
			unsigned char *d = want + (y * WIDTH + x) * BPP;

			d[0] = s[2];
			d[1] = s[1];
			d[2] = s[0];
		}
	}
}

/*
 * vim2m with ION buffers on both queues: each frame a new picture in, its
 * mirror image in BGR24 out.
 */
static int scenario_m2m(enum buf_source src)
{
	struct frame_queue cq = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct frame_queue oq = { .type = V4L2_BUF_TYPE_VIDEO_OUTPUT };
	static unsigned char picture[WIDTH * HEIGHT * BPP], want[WIDTH * HEIGHT * BPP];
	struct v4l2_control hflip = { .id = V4L2_CID_HFLIP, .value = 1 };
	struct v4l2_pix_format cpix, opix;
	struct v4l2_buffer buf;
	const struct node *m2m;
	int fd, i, ret = -1;

	m2m = node_find("vim2m", -1, V4L2_CAP_VIDEO_M2M);
	if (!m2m)
		return skip("no vim2m device");
	if (!heap_system.found)
		return skip("no ION system heap");
	fd = node_open(m2m);
	if (fd < 0)
		return -1;
	cq.fd = fd;
	oq.fd = fd;
	printf("#   %s (vim2m): RGB24 in, BGR24 mirrored out, buffers from %s through %s\n",
	       m2m->path, heap_system.name, source_names[src]);
	if (format_set(fd, oq.type, V4L2_PIX_FMT_RGB24, &opix) ||
	    format_set(fd, cq.type, V4L2_PIX_FMT_BGR24, &cpix))
		goto close_fd;
	if (xioctl(fd, VIDIOC_S_CTRL, &hflip)) {
		fail("VIDIOC_S_CTRL V4L2_CID_HFLIP");
		goto close_fd;
	}
	if (reqbufs(fd, oq.type, 2) || reqbufs(fd, cq.type, 2) ||
	    queue_alloc(&oq, 2, src, &heap_system, opix.sizeimage) ||
	    queue_alloc(&cq, 2, src, &heap_system, cpix.sizeimage) ||
	    streamon(fd, oq.type) || streamon(fd, cq.type))
		goto release;
	for (i = 0; i < frames; i++) {
		struct frame_buf *ob = &oq.bufs[i % 2], *cb = &cq.bufs[i % 2];

		fill_picture(picture, i + 1);
		if (buf_write(ob, picture, sizeof(picture)) || buf_poison(cb))
			goto release;
		if (qbuf(fd, cq.type, i % 2, cb, 0) ||
		    qbuf(fd, oq.type, i % 2, ob, opix.sizeimage)) {
			fail("VIDIOC_QBUF");
			goto release;
		}
		if (dqbuf(fd, cq.type, &buf))
			goto release;
		if (buf.index != (unsigned int)i % 2 || buf.bytesused != cpix.sizeimage) {
			errno = EIO;
			fail("capture buffer %u with %u bytes", buf.index, buf.bytesused);
			goto release;
		}
		m2m_expect(want, picture);
		if (frame_check(cb, i, sizeof(want), want, "the input mirrored, in BGR"))
			goto release;
		if (dqbuf(fd, oq.type, &buf))
			goto release;
	}
	ret = 0;
release:
	queue_release(&cq);
	queue_release(&oq);
close_fd:
	close(fd);
	return ret;
}

/* ---- ION_IOC_SYNC ----------------------------------------------------- */

/* A trace instance of its own: the global trace is left alone. */
#define TRACEFS		"/sys/kernel/tracing"
#define INSTANCE	TRACEFS "/instances/camera_capture"
#define SYNC_EVENT	"/events/dma/dma_sync_sg_for_device/enable"

static int trace_write(const char *path, const char *val)
{
	int fd, ret;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = write(fd, val, strlen(val)) == (ssize_t)strlen(val) ? 0 : -1;
	close(fd);
	return ret;
}

/*
 * Lines of the trace buffer with a for-device sync event of a device whose
 * name starts with @dev.
 */
static int trace_count_syncs(const char *dev)
{
	char line[512], want[64];
	int n = 0;
	FILE *f;

	snprintf(want, sizeof(want), "dma_sync_sg_for_device: %s", dev);
	f = fopen(INSTANCE "/trace", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, want))
			n++;
	fclose(f);
	return n;
}

/*
 * ION_IOC_SYNC reaches the devices the buffer is mapped for: a buffer
 * queued to vivid's vb2-dma-contig instance is mapped for its device, and
 * the sync must show as a dma_sync_sg_for_device event for that device.
 * The DMA API skips the sync of a coherent device unless its debugging
 * (CONFIG_DMA_API_DEBUG, the debug kernel) is on: without it and without
 * an event, the scenario cannot tell and skips.
 */
static int scenario_sync(void)
{
	struct frame_queue q = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct v4l2_pix_format pix;
	/* every vivid instance is on the one platform device, "vivid.0" */
	const char *dev = "vivid";
	const struct node *cam;
	int n, ret = -1;

	cam = vivid_camera(1);
	if (!cam)
		return skip("no vivid instance with vb2-dma-contig (vivid.allocators=1)");
	if (!heap_contig.found)
		return skip("no ION system_contig heap");
	if (access(TRACEFS "/instances", F_OK) &&
	    mount("tracefs", TRACEFS, "tracefs", 0, NULL))
		return skip("no tracefs");
	if (access(TRACEFS SYNC_EVENT, F_OK))
		return skip("no dma_sync_sg_for_device event in tracefs");
	rmdir(INSTANCE);
	if (mkdir(INSTANCE, 0755))
		return fail("mkdir " INSTANCE);
	q.fd = node_open(cam);
	if (q.fd < 0)
		goto remove_instance;
	printf("#   %s (vivid instance %d, vb2-dma-contig), a buffer from %s\n",
	       cam->path, cam->instance, heap_contig.name);
	if (camera_setup(q.fd, &pix) || reqbufs(q.fd, q.type, 1) ||
	    queue_alloc(&q, 1, SRC_ION, &heap_contig, pix.sizeimage) || queue_all(&q, 0))
		goto release;
	if (trace_write(INSTANCE SYNC_EVENT, "1")) {
		fail("enable the dma_sync_sg_for_device event");
		goto release;
	}
	ret = ion_sync_fd(ion_fd, q.bufs[0].fd);
	trace_write(INSTANCE SYNC_EVENT, "0");
	if (ret) {
		errno = -ret;
		ret = fail("ION_IOC_SYNC of a buffer queued to vivid");
		goto release;
	}
	n = trace_count_syncs(dev);
	if (n < 0) {
		ret = fail("read " INSTANCE "/trace");
	} else if (n) {
		printf("#   ION_IOC_SYNC: %d dma_sync_sg_for_device event%s for %s\n",
		       n, n == 1 ? "" : "s", dev);
		ret = 0;
	} else if (access("/sys/kernel/debug/dma-api", F_OK)) {
		ret = skip("%s needs no sync and DMA API debugging is off: nothing to see",
			   dev);
	} else {
		errno = 0;
		ret = fail("ION_IOC_SYNC made no dma_sync_sg_for_device for %s", dev);
	}
release:
	queue_release(&q);
	close(q.fd);
remove_instance:
	rmdir(INSTANCE);
	return ret;
}

/* ---- main ------------------------------------------------------------- */

/* Find the first heap of each type the scenarios use. */
static int heaps_find(void)
{
	struct ion_heap_data *heaps;
	int cnt = 0, i, ret;

	ret = ion_query_heap_cnt(ion_fd, &cnt);
	if (ret < 0 || cnt <= 0)
		return -1;
	heaps = calloc(cnt, sizeof(*heaps));
	if (!heaps)
		return -1;
	ret = ion_query_get_heaps(ion_fd, cnt, heaps);
	for (i = 0; !ret && i < cnt; i++) {
		struct heap *h = NULL;

		switch (heaps[i].type) {
		case ION_HEAP_TYPE_SYSTEM:
			h = &heap_system;
			break;
		case ION_HEAP_TYPE_SYSTEM_CONTIG:
			h = &heap_contig;
			break;
		case ION_HEAP_TYPE_CARVEOUT:
			h = &heap_carveout;
			break;
		case ION_HEAP_TYPE_DMA:
			h = &heap_cma;
			break;
		}
		if (!h || h->found)
			continue;
		snprintf(h->name, sizeof(h->name), "%.31s", heaps[i].name);
		h->id = heaps[i].heap_id;
		h->found = 1;
	}
	free(heaps);
	return ret;
}

int main(int argc, char **argv)
{
	static const enum buf_source sources[] = { SRC_ION, SRC_DMA_HEAP, SRC_ZONE };
	const struct {
		int allocator;
		const struct heap *heap;
		const char *label;
	} captures[] = {
		{ 0, &heap_system, "system" },
		{ 1, &heap_contig, "system_contig" },
		{ 1, &heap_carveout, "carveout" },
		{ 1, &heap_cma, "CMA" },
	};
	unsigned int s, c;
	int opt;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt == 'n' && atoi(optarg) > 0) {
			frames = atoi(optarg);
			continue;
		}
		fprintf(stderr, "usage: %s [-n FRAMES]\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");
	printf("1..%zu\n", ARRAY_SIZE(sources) * (ARRAY_SIZE(captures) + 3) + 1);
	printf("# camera_capture: V4L2 drivers fill ION buffers, %d frames per scenario\n",
	       frames);
	if (access("/dev/hon_zone", F_OK) || access("/dev/ion", F_OK)) {
		printf("# this kernel has no /dev/ion or /dev/hon_zone\n");
		printf("# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:0 error:0\n");
		return EXIT_SKIP;
	}
	ion_fd = ion_open();
	if (ion_fd < 0 || heaps_find()) {
		printf("# FAILED: ion_open or ION_IOC_HEAP_QUERY\n");
		return 1;
	}
	fill_colour_bars();
	nodes_scan();
	printf("# %d V4L2 video nodes; the 100%% colour bars at VGA have CRC32 %08x\n",
	       n_nodes, colour_bars_crc);

	for (s = 0; s < ARRAY_SIZE(sources); s++) {
		const char *via = source_names[sources[s]];

		for (c = 0; c < ARRAY_SIZE(captures); c++) {
			result(scenario_capture(captures[c].allocator, captures[c].heap,
						sources[s]),
			       "capture: %s, %s heap via %s", mode_name(captures[c].allocator),
			       captures[c].label, via);
		}
		result(scenario_refuse(sources[s]),
		       "capture: vb2-dma-contig refuses a system-heap buffer via %s", via);
		result(scenario_loopback(sources[s]),
		       "loopback: video output to capture via %s", via);
		result(scenario_m2m(sources[s]), "vim2m: both queues via %s", via);
	}
	result(scenario_sync(), "ION_IOC_SYNC reaches the device a buffer is mapped for");
	ion_close(ion_fd);
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n",
	       n_pass, n_fail, n_skip);
	if (n_fail)
		return 1;
	return n_pass ? 0 : EXIT_SKIP;
}
