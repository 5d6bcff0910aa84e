// SPDX-License-Identifier: GPL-2.0
/*
 * hon_zone: a character device that binds a shared buffer (an ION buffer or
 * any other dma-buf) and works on it from kernel space.
 *
 * Every open of /dev/hon_zone is a zone.  A zone binds one buffer at a time,
 * holds its own reference on it and a kernel mapping of all of it, and lets
 * user space see what the kernel does with the bytes: read/write on the zone
 * go through the kernel mapping, FILL and CHECKSUM work on it in the kernel.
 * ION buffers are imported through the ION in-kernel client API, other
 * dma-bufs (DMA-BUF heaps, udmabuf) are mapped through the dma-buf vmap
 * interface.
 *
 * User space (without error handling):
 *
 *     struct ion_new_allocation_data alloc = {
 *             .len = 4096, .heap_id_mask = ION_HEAP_SYSTEM_MASK,
 *     };
 *     ion = open("/dev/ion", O_RDWR);
 *     ioctl(ion, ION_IOC_NEW_ALLOC, &alloc);
 *     p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, alloc.fd, 0);
 *     strcpy(p, "from user space");
 *
 *     zone = open("/dev/hon_zone", O_RDWR);
 *     ioctl(zone, HON_ZONE_ION_INIT, &alloc.fd);
 *     pread(zone, buf, 16, 0);              // "from user space"
 *     pwrite(zone, "from the kernel", 16, 0);  // p now reads it
 *     ioctl(zone, HON_ZONE_ION_DEINIT);
 *     close(zone);
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/crc32.h>
#include <linux/dma-buf.h>
#include <linux/dma-direction.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/ion.h>
#include <linux/iosys-map.h>
#include <linux/minmax.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/nospec.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/uio.h>

#include <linux/hon_zone.h>

#include "hon_zone_internal.h"

/**
 * struct hon_zone_buffer - a buffer bound to a zone
 * @dmabuf: the buffer; the zone's own reference, NULL when nothing is bound
 * @map: kernel mapping of all of @dmabuf (always system memory), null until
 *       it is mapped
 * @size: size of @dmabuf in bytes
 * @client: the zone's ION client (struct hon_zone's, borrowed) for an ION
 *          buffer, NULL for other dma-bufs
 * @handle: the buffer's handle in @client, which maps it
 * @heap_id: ION heap id of the buffer (valid with @client)
 * @ion_flags: ION allocation flags of the buffer (valid with @client)
 * @kernel_alloc: the zone allocated the buffer itself (HON_ZONE_ION_ALLOC)
 *
 * Each setup step sets the field of what it acquired; the one teardown,
 * hon_zone_buffer_release(), undoes whatever is set.
 */
struct hon_zone_buffer {
	struct dma_buf *dmabuf;
	struct iosys_map map;
	size_t size;
	struct ion_client *client;
	struct ion_handle *handle;
	unsigned int heap_id;
	unsigned long ion_flags;
	bool kernel_alloc;
};

/**
 * struct hon_zone - one open of /dev/hon_zone
 * @lock: protects @buf and @client; held across every access to the
 *        buffer's bytes, so unbinding waits for readers, writers, FILL and
 *        CHECKSUM to finish
 * @buf: the bound buffer
 * @client: the zone's ION client, made by the first ION bind or allocation
 *          that succeeds and kept, with no handle, across unbinds until the
 *          zone is destroyed: a client per bind would cost a debugfs file
 *          made and removed every time.  NULL before
 */
struct hon_zone {
	/* protects buf and client; held across every access to the buffer's bytes */
	struct mutex lock;
	struct hon_zone_buffer buf;
	struct ion_client *client;
};

/*
 * The largest buffer a zone binds or allocates.  A zone maps all of its
 * buffer into the kernel's vmalloc area, which is small on 32-bit systems,
 * and keeps it there for as long as the zone lives; the limit keeps one
 * process from filling it.  Changing it affects later binds only.
 */
static unsigned long max_buffer_size = SZ_256M;
module_param(max_buffer_size, ulong, 0644);
MODULE_PARM_DESC(max_buffer_size,
		 "largest buffer in bytes a zone binds or allocates (default 256 MiB)");

/*
 * FILL, CHECKSUM, read and write work on this many bytes at a time, then
 * reschedule if needed and stop on a fatal signal: a 256 MiB buffer takes
 * far too long for one uninterrupted stretch.
 */
#define HON_ZONE_CHUNK	SZ_64K

/*
 * The direction of every begin/end_cpu_access of the zone, reads and writes
 * alike.  Exporters may map their buffer for CPU access once, with the
 * direction of the first call, and sync with the direction of later calls:
 * udmabuf does, and DMA-API debugging then warns about a sync "with
 * different direction" as soon as a write follows a read.  One
 * bidirectional access is always correct and costs one extra cache sync.
 */
#define HON_ZONE_CPU_DIR	DMA_BIDIRECTIONAL

static bool hon_zone_is_bound(struct hon_zone *zone)
{
	lockdep_assert_held(&zone->lock);
	return zone->buf.dmabuf;
}

static int hon_zone_check_size(size_t size)
{
	if (size > READ_ONCE(max_buffer_size))
		return -EFBIG;
	return 0;
}

/*
 * The one teardown of a buffer: undo whatever of @buf is set up, in the
 * reverse order of hon_zone_bind() and hon_zone_alloc(), and leave it empty.
 * Every failure path of those two and every unbind ends here.
 */
static void hon_zone_buffer_release(struct hon_zone_buffer *buf)
{
	if (!iosys_map_is_null(&buf->map)) {
		if (buf->handle)
			ion_unmap_kernel(buf->client, buf->handle);
		else
			ion_dma_buf_unmap_kernel(buf->dmabuf, &buf->map);
	}
	if (buf->handle)
		ion_free(buf->client, buf->handle);
	if (buf->dmabuf)
		dma_buf_put(buf->dmabuf);
	memset(buf, 0, sizeof(*buf));
}

/*
 * Give @buf the zone's ION client, made on the default ION device if the
 * zone has none yet.  The caller undoes a client made here if its bind or
 * allocation fails (hon_zone_put_new_client()): a failed call leaves no
 * client behind.
 */
static int hon_zone_buffer_get_client(struct hon_zone *zone,
				      struct hon_zone_buffer *buf)
{
	struct ion_device *dev;
	struct ion_client *client;

	lockdep_assert_held(&zone->lock);
	if (!zone->client) {
		dev = ion_default_device();
		if (!dev)
			return -ENODEV;
		client = ion_client_create(dev, "hon_zone");
		if (IS_ERR(client))
			return PTR_ERR(client);
		zone->client = client;
	}
	buf->client = zone->client;
	return 0;
}

/*
 * After a failed bind or allocation: destroy the zone's client if that
 * call made it (@had_client false), so that the zone is as before.
 */
static void hon_zone_put_new_client(struct hon_zone *zone, bool had_client)
{
	lockdep_assert_held(&zone->lock);
	if (!had_client && zone->client) {
		ion_client_destroy(zone->client);
		zone->client = NULL;
	}
}

/*
 * Map the ION buffer of @buf->handle and record what the zone reports about
 * it.  On failure @buf keeps what it had: the caller releases it.
 */
static int hon_zone_buffer_map_ion(struct hon_zone_buffer *buf)
{
	size_t size;
	void *vaddr;
	int ret;

	ret = ion_handle_get_size(buf->client, buf->handle, &size);
	if (ret)
		return ret;
	/* The zone only touches @buf->size bytes: that many must exist. */
	if (WARN_ON_ONCE(size > buf->dmabuf->size))
		return -EINVAL;
	ret = ion_handle_get_heap_id(buf->client, buf->handle, &buf->heap_id);
	if (ret)
		return ret;
	ret = ion_handle_get_flags(buf->client, buf->handle, &buf->ion_flags);
	if (ret)
		return ret;
	vaddr = ion_map_kernel(buf->client, buf->handle);
	if (IS_ERR(vaddr))
		return PTR_ERR(vaddr);
	iosys_map_set_vaddr(&buf->map, vaddr);
	buf->size = size;
	return 0;
}

/*
 * Import and map the ION buffer @buf->dmabuf.  The import goes through the
 * dma_buf object, not through the fd: user space can replace the fd's file
 * between two lookups, the object stays what the zone checked.  On failure
 * @buf keeps what it had: the caller releases it.
 */
static int hon_zone_buffer_import_ion(struct hon_zone *zone,
				      struct hon_zone_buffer *buf)
{
	struct ion_handle *handle;
	int ret;

	ret = hon_zone_buffer_get_client(zone, buf);
	if (ret)
		return ret;
	handle = ion_import_dma_buf_obj(buf->client, buf->dmabuf);
	if (IS_ERR(handle))
		return PTR_ERR(handle);
	buf->handle = handle;
	return hon_zone_buffer_map_ion(buf);
}

/*
 * Map @buf->dmabuf, of another exporter, through the dma-buf vmap
 * interface.  On failure @buf keeps what it had: the caller releases it.
 */
static int hon_zone_buffer_map_foreign(struct hon_zone_buffer *buf)
{
	struct iosys_map map;
	int ret;

	if (!buf->dmabuf->ops->vmap)
		return -EOPNOTSUPP;
	ret = ion_dma_buf_map_kernel(buf->dmabuf, &map);
	if (ret)
		return ret;
	buf->map = map;
	/* read/write/FILL/CHECKSUM use plain memory accesses */
	if (map.is_iomem)
		return -EOPNOTSUPP;
	buf->size = buf->dmabuf->size;
	return 0;
}

/* Unbind the zone's buffer if it is @dmabuf, or any buffer when NULL. */
static int hon_zone_unbind_buffer(struct hon_zone *zone, struct dma_buf *dmabuf)
{
	int ret = 0;

	mutex_lock(&zone->lock);
	if (!hon_zone_is_bound(zone) || (dmabuf && zone->buf.dmabuf != dmabuf))
		ret = -ENXIO;
	else
		hon_zone_buffer_release(&zone->buf);
	mutex_unlock(&zone->lock);
	return ret;
}

/**
 * hon_zone_create() - create an unbound zone
 *
 * Context: Process context.
 * Return: the zone, or ERR_PTR(-ENOMEM).
 */
VISIBLE_IF_KUNIT struct hon_zone *hon_zone_create(void)
{
	struct hon_zone *zone;

	zone = kzalloc(sizeof(*zone), GFP_KERNEL_ACCOUNT);
	if (!zone)
		return ERR_PTR(-ENOMEM);
	mutex_init(&zone->lock);
	return zone;
}
EXPORT_SYMBOL_IF_KUNIT(hon_zone_create);

/**
 * hon_zone_destroy() - unbind a zone and free it, with its ION client
 * @zone: the zone; nothing else may use it any more
 *
 * Context: Process context.  Takes the zone's lock.
 * Return: nothing.
 */
VISIBLE_IF_KUNIT void hon_zone_destroy(struct hon_zone *zone)
{
	hon_zone_unbind_buffer(zone, NULL);
	if (zone->client)
		ion_client_destroy(zone->client);
	mutex_destroy(&zone->lock);
	kfree(zone);
}
EXPORT_SYMBOL_IF_KUNIT(hon_zone_destroy);

/**
 * hon_zone_bind() - bind a dma-buf to a zone
 * @zone: an unbound zone
 * @dmabuf: the buffer; the zone takes its own reference, the caller keeps
 *          its own
 *
 * ION buffers are imported through the zone's ION client and mapped
 * with ion_map_kernel(), other dma-bufs are mapped with
 * ion_dma_buf_map_kernel().
 *
 * Context: Process context.  Takes the zone's lock, killable.
 * Return: 0 on success; -EBUSY if the zone is bound, -EFBIG if the buffer is
 * larger than max_buffer_size, -EACCES if the dma-buf's file is not
 * writable (a read-only view), -EOPNOTSUPP if its exporter gives no kernel
 * mapping in system memory, -EINTR on a fatal signal, or the error of the
 * import or the mapping.
 */
VISIBLE_IF_KUNIT int hon_zone_bind(struct hon_zone *zone, struct dma_buf *dmabuf)
{
	struct hon_zone_buffer buf = { .dmabuf = dmabuf };
	bool had_client;
	int ret;

	ret = hon_zone_check_size(dmabuf->size);
	if (ret)
		return ret;
	/* The zone writes its buffer: a read-only fd (ION_IOC_SHARE_RO) is not enough. */
	if (!(dmabuf->file->f_mode & FMODE_WRITE))
		return -EACCES;
	if (mutex_lock_killable(&zone->lock))
		return -EINTR;
	if (hon_zone_is_bound(zone)) {
		ret = -EBUSY;
		goto unlock;
	}

	/* @buf holds the zone's own reference from here. */
	get_dma_buf(dmabuf);
	had_client = zone->client;
	if (ion_dma_buf_is_ion(dmabuf))
		ret = hon_zone_buffer_import_ion(zone, &buf);
	else
		ret = hon_zone_buffer_map_foreign(&buf);
	if (ret) {
		hon_zone_buffer_release(&buf);
		hon_zone_put_new_client(zone, had_client);
	} else {
		zone->buf = buf;
	}
unlock:
	mutex_unlock(&zone->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(hon_zone_bind);

/**
 * hon_zone_unbind() - unbind the zone's buffer
 * @zone: the zone
 *
 * Unmaps the buffer and drops the zone's references on it.
 *
 * Context: Process context.  Takes the zone's lock.
 * Return: 0 on success, -ENXIO if the zone is not bound.
 */
VISIBLE_IF_KUNIT int hon_zone_unbind(struct hon_zone *zone)
{
	return hon_zone_unbind_buffer(zone, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(hon_zone_unbind);

/*
 * Allocate @len bytes from @heap_id_mask into @buf, share them as its
 * dma-buf and map them.  On failure @buf keeps what it had: the caller
 * releases it.
 */
static int hon_zone_buffer_alloc_ion(struct hon_zone *zone,
				     struct hon_zone_buffer *buf, size_t len,
				     u32 heap_id_mask, u32 flags)
{
	struct ion_handle *handle;
	struct dma_buf *dmabuf;
	int ret;

	ret = hon_zone_buffer_get_client(zone, buf);
	if (ret)
		return ret;
	handle = ion_alloc(buf->client, len, 0, heap_id_mask, flags);
	if (IS_ERR(handle))
		return PTR_ERR(handle);
	buf->handle = handle;
	dmabuf = ion_share_dma_buf(buf->client, buf->handle);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	/* The zone's own reference, from ion_share_dma_buf(). */
	buf->dmabuf = dmabuf;
	/* ION rounds up to pages: check the size the buffer really has. */
	ret = hon_zone_check_size(dmabuf->size);
	if (ret)
		return ret;
	return hon_zone_buffer_map_ion(buf);
}

/**
 * hon_zone_alloc() - allocate an ION buffer and bind it to a zone
 * @zone: an unbound zone
 * @len: size in bytes
 * @heap_id_mask: ION heap id mask
 * @flags: ION allocation flags
 *
 * Context: Process context.  Takes the zone's lock, killable.
 * Return: a new reference on the buffer's dma-buf for the caller (the zone
 * holds its own); ERR_PTR(-EINVAL) if @len is 0, -EFBIG if it is larger than
 * max_buffer_size, -EBUSY if the zone is bound, -EINTR on a fatal signal, or
 * the error of the ION client API.
 */
VISIBLE_IF_KUNIT struct dma_buf *hon_zone_alloc(struct hon_zone *zone, u64 len,
						u32 heap_id_mask, u32 flags)
{
	struct hon_zone_buffer buf = { .kernel_alloc = true };
	struct dma_buf *dmabuf;
	bool had_client;
	int ret;

	if (!len)
		return ERR_PTR(-EINVAL);
	if (len > SIZE_MAX)
		return ERR_PTR(-EFBIG);
	ret = hon_zone_check_size(len);
	if (ret)
		return ERR_PTR(ret);
	if (mutex_lock_killable(&zone->lock))
		return ERR_PTR(-EINTR);
	if (hon_zone_is_bound(zone)) {
		ret = -EBUSY;
		goto unlock;
	}

	had_client = zone->client;
	ret = hon_zone_buffer_alloc_ion(zone, &buf, len, heap_id_mask, flags);
	if (ret) {
		hon_zone_buffer_release(&buf);
		hon_zone_put_new_client(zone, had_client);
		goto unlock;
	}
	zone->buf = buf;
	/* Taken under the lock: an unbind right after it drops the zone's. */
	dmabuf = buf.dmabuf;
	get_dma_buf(dmabuf);
	mutex_unlock(&zone->lock);
	return dmabuf;

unlock:
	mutex_unlock(&zone->lock);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_IF_KUNIT(hon_zone_alloc);

/**
 * hon_zone_get_info() - describe the zone's buffer
 * @zone: the zone
 * @info: filled in, all zeros when the zone is not bound
 *
 * Context: Process context.  Takes the zone's lock, killable.
 * Return: 0 on success, -EINTR on a fatal signal.
 */
VISIBLE_IF_KUNIT int hon_zone_get_info(struct hon_zone *zone,
				       struct hon_zone_info *info)
{
	memset(info, 0, sizeof(*info));
	if (mutex_lock_killable(&zone->lock))
		return -EINTR;
	if (hon_zone_is_bound(zone)) {
		info->size = zone->buf.size;
		info->state = HON_ZONE_STATE_BOUND;
		if (zone->buf.client) {
			info->state |= HON_ZONE_STATE_ION;
			info->heap_id = zone->buf.heap_id;
			info->ion_flags = zone->buf.ion_flags;
		}
		if (zone->buf.kernel_alloc)
			info->state |= HON_ZONE_STATE_KERNEL_ALLOC;
	}
	mutex_unlock(&zone->lock);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(hon_zone_get_info);

/* Lock a bound zone: 0 with the lock held, -EINTR or -ENXIO without. */
static int hon_zone_lock_bound(struct hon_zone *zone)
{
	if (mutex_lock_killable(&zone->lock))
		return -EINTR;
	if (!hon_zone_is_bound(zone)) {
		mutex_unlock(&zone->lock);
		return -ENXIO;
	}
	return 0;
}

/*
 * Lock the zone for an access to [@offset, @offset + @len) of its buffer.
 * On success the zone is locked and bound and the range lies in the buffer.
 */
static int hon_zone_lock_range(struct hon_zone *zone, u64 offset, u64 len)
{
	u64 end;
	int ret;

	ret = hon_zone_lock_bound(zone);
	if (ret)
		return ret;
	if (check_add_overflow(offset, len, &end) || end > zone->buf.size) {
		mutex_unlock(&zone->lock);
		return -EINVAL;
	}
	return 0;
}

/*
 * The zone writes its buffer for user space only while the buffer's ION
 * protection mask (ION_IOC_BUFFER_PROT) still has ION_PROT_WRITE.
 */
static int hon_zone_may_write(struct hon_zone *zone)
{
	lockdep_assert_held(&zone->lock);
	if (!(ion_prot_of_dma_buf(zone->buf.dmabuf) & ION_PROT_WRITE))
		return -EPERM;
	return 0;
}

/*
 * One chunk of a walk: work on @n bytes at @vaddr and return how many were
 * done; fewer than @n (a fault in the user's memory) ends the walk.
 */
typedef size_t (*hon_zone_chunk_fn)(void *vaddr, size_t n, void *ctx);

/*
 * The one chunk iterator of FILL, CHECKSUM, read and write: call @fn over
 * [@offset, @offset + @len) of the buffer in chunks of HON_ZONE_CHUNK bytes,
 * bracketed by one dma_buf_begin_cpu_access()/dma_buf_end_cpu_access().
 * Between two chunks it lets others run and stops on a fatal signal.
 *
 * The zone is locked and bound, the range lies in the buffer.  Returns the
 * number of bytes done, fewer than @len when @fn came short or a fatal
 * signal arrived; -EFAULT or -EINTR when that happened before any byte was
 * done; or the error of begin_cpu_access.
 */
static ssize_t hon_zone_walk(struct hon_zone *zone, u64 offset, size_t len,
			     hon_zone_chunk_fn fn, void *ctx)
{
	size_t done = 0, n, got;
	int ret;

	lockdep_assert_held(&zone->lock);
	if (!len)
		return 0;
	ret = dma_buf_begin_cpu_access(zone->buf.dmabuf, HON_ZONE_CPU_DIR);
	if (ret)
		return ret;
	while (done < len) {
		n = min_t(size_t, len - done, HON_ZONE_CHUNK);
		got = fn(zone->buf.map.vaddr + offset + done, n, ctx);
		done += got;
		if (got < n) {
			if (!done)
				ret = -EFAULT;
			break;
		}
		if (done == len)
			break;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
	}
	dma_buf_end_cpu_access(zone->buf.dmabuf, HON_ZONE_CPU_DIR);
	return done ? done : ret;
}

static size_t hon_zone_fill_chunk(void *vaddr, size_t n, void *ctx)
{
	memset(vaddr, *(u8 *)ctx, n);
	return n;
}

static size_t hon_zone_checksum_chunk(void *vaddr, size_t n, void *ctx)
{
	u32 *state = ctx;

	*state = crc32_le(*state, vaddr, n);
	return n;
}

static size_t hon_zone_read_chunk(void *vaddr, size_t n, void *ctx)
{
	return copy_to_iter(vaddr, n, ctx);
}

static size_t hon_zone_write_chunk(void *vaddr, size_t n, void *ctx)
{
	return copy_from_iter(vaddr, n, ctx);
}

/*
 * FILL and CHECKSUM: walk all of [@offset, @offset + @len) with @fn, which
 * writes the buffer when @write; a walk that stops early (a fatal signal)
 * is -EINTR.
 */
static int hon_zone_walk_range(struct hon_zone *zone, u64 offset, u64 len,
			       hon_zone_chunk_fn fn, void *ctx, bool write)
{
	ssize_t done;
	int ret;

	ret = hon_zone_lock_range(zone, offset, len);
	if (ret)
		return ret;
	if (write) {
		ret = hon_zone_may_write(zone);
		if (ret) {
			mutex_unlock(&zone->lock);
			return ret;
		}
	}
	/* the range lies in the buffer: @len fits in a size_t */
	done = hon_zone_walk(zone, offset, len, fn, ctx);
	mutex_unlock(&zone->lock);
	if (done < 0)
		return done;
	return (u64)done < len ? -EINTR : 0;
}

/**
 * hon_zone_fill() - write a byte over a range of the zone's buffer
 * @zone: a bound zone
 * @offset: first byte of the range
 * @len: length of the range
 * @pattern: the byte
 *
 * Works in chunks of HON_ZONE_CHUNK bytes, bracketed by
 * dma_buf_begin_cpu_access()/dma_buf_end_cpu_access().
 *
 * Context: Process context.  Takes the zone's lock, killable.
 * Return: 0 on success; -ENXIO if the zone is not bound, -EINVAL if the
 * range does not lie in the buffer, -EPERM if the buffer's ION protection
 * mask has no ION_PROT_WRITE, -EINTR on a fatal signal (part of the range
 * may be written), or the error of begin_cpu_access.
 */
VISIBLE_IF_KUNIT int hon_zone_fill(struct hon_zone *zone, u64 offset, u64 len,
				   u8 pattern)
{
	return hon_zone_walk_range(zone, offset, len, hon_zone_fill_chunk,
				   &pattern, true);
}
EXPORT_SYMBOL_IF_KUNIT(hon_zone_fill);

/**
 * hon_zone_checksum() - CRC-32 of a range of the zone's buffer
 * @zone: a bound zone
 * @offset: first byte of the range
 * @len: length of the range
 * @crc: in: CRC of the data before the range (0 to start); out: the CRC
 *       updated with the range, as zlib's crc32(crc, buf, len)
 *
 * Works in chunks of HON_ZONE_CHUNK bytes, bracketed by
 * dma_buf_begin_cpu_access()/dma_buf_end_cpu_access().
 *
 * Context: Process context.  Takes the zone's lock, killable.
 * Return: 0 on success; -ENXIO if the zone is not bound, -EINVAL if the
 * range does not lie in the buffer, -EINTR on a fatal signal (@crc is then
 * unchanged), or the error of begin_cpu_access.
 */
VISIBLE_IF_KUNIT int hon_zone_checksum(struct hon_zone *zone, u64 offset,
				       u64 len, u32 *crc)
{
	u32 state = ~*crc;
	int ret;

	ret = hon_zone_walk_range(zone, offset, len, hon_zone_checksum_chunk,
				  &state, false);
	if (!ret)
		*crc = ~state;
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(hon_zone_checksum);

/*
 * read() (@read) and write(): walk the buffer from *@pos for the bytes of
 * @iter, at most up to the end of the buffer, and advance *@pos.  At or past
 * the end, a read returns 0 and a write -ENOSPC.
 */
static ssize_t hon_zone_rw(struct hon_zone *zone, struct iov_iter *iter,
			   loff_t *pos, bool read)
{
	size_t count = iov_iter_count(iter);
	ssize_t ret;

	if (*pos < 0)
		return -EINVAL;
	ret = hon_zone_lock_bound(zone);
	if (ret)
		return ret;
	if (!count)
		goto unlock;
	if (!read) {
		ret = hon_zone_may_write(zone);
		if (ret)
			goto unlock;
	}
	if (*pos >= zone->buf.size) {
		ret = read ? 0 : -ENOSPC;
		goto unlock;
	}
	count = min_t(u64, count, zone->buf.size - *pos);
	ret = hon_zone_walk(zone, *pos, count, read ? hon_zone_read_chunk :
			    hon_zone_write_chunk, iter);
	if (ret > 0)
		*pos += ret;
unlock:
	mutex_unlock(&zone->lock);
	return ret;
}

/**
 * hon_zone_read() - read from the zone's buffer
 * @zone: the zone
 * @to: destination
 * @pos: offset in the buffer, advanced by the bytes read
 *
 * Context: Process context.  Takes the zone's lock, killable.
 * Return: the number of bytes read, 0 at or past the end of the buffer;
 * -ENXIO if the zone is not bound, -EFAULT if no byte could be copied,
 * -EINTR on a fatal signal before any byte was copied.
 */
VISIBLE_IF_KUNIT ssize_t hon_zone_read(struct hon_zone *zone,
				       struct iov_iter *to, loff_t *pos)
{
	return hon_zone_rw(zone, to, pos, true);
}
EXPORT_SYMBOL_IF_KUNIT(hon_zone_read);

/**
 * hon_zone_write() - write to the zone's buffer
 * @zone: the zone
 * @from: source
 * @pos: offset in the buffer, advanced by the bytes written
 *
 * A write that crosses the end of the buffer is short.
 *
 * Context: Process context.  Takes the zone's lock, killable.
 * Return: the number of bytes written; -ENXIO if the zone is not bound,
 * -EPERM if the buffer's ION protection mask has no ION_PROT_WRITE,
 * -ENOSPC if @pos is at or past the end of the buffer, -EFAULT if no byte
 * could be copied, -EINTR on a fatal signal before any byte was copied.
 */
VISIBLE_IF_KUNIT ssize_t hon_zone_write(struct hon_zone *zone,
					struct iov_iter *from, loff_t *pos)
{
	return hon_zone_rw(zone, from, pos, false);
}
EXPORT_SYMBOL_IF_KUNIT(hon_zone_write);

/* --- ioctls ------------------------------------------------------------- */

/* Bind the dma-buf of @fd if @flags (checked already) allow it. */
static int hon_zone_bind_fd(struct hon_zone *zone, int fd, u32 flags)
{
	struct dma_buf *dmabuf;
	int ret;

	/* -EBADF for a closed fd, -EINVAL for a file that is no dma-buf */
	dmabuf = dma_buf_get(fd);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	ret = hon_zone_bind_flags_allow(flags, dmabuf);
	if (!ret)
		ret = hon_zone_bind(zone, dmabuf);
	dma_buf_put(dmabuf);
	return ret;
}

/* HON_ZONE_ION_INIT: the fixed ABI, a bare int. */
static int hon_zone_ioctl_init(struct hon_zone *zone, int __user *argp)
{
	int fd;

	if (get_user(fd, argp))
		return -EFAULT;
	return hon_zone_bind_fd(zone, fd, 0);
}

/*
 * The extensible ioctls: each handler gets the user's structure and its
 * size, _IOC_SIZE() of the command, and reads and writes it with
 * hon_zone_arg_in() and hon_zone_arg_out().
 */
static int hon_zone_ioctl_bind(struct hon_zone *zone, void __user *argp,
			       size_t usize)
{
	struct hon_zone_bind_data data;
	int ret;

	ret = hon_zone_arg_in(&data, sizeof(data), HON_ZONE_BIND_SIZE0, argp,
			      usize);
	if (ret)
		return ret;
	ret = hon_zone_bind_data_check(&data);
	if (ret)
		return ret;
	/* an fd above INT_MAX is no fd: dma_buf_get() says -EBADF */
	return hon_zone_bind_fd(zone, data.fd > INT_MAX ? -1 : data.fd,
				data.flags);
}

static int hon_zone_ioctl_get_info(struct hon_zone *zone, void __user *argp,
				   size_t usize)
{
	struct hon_zone_info info;
	int ret;

	/* output only: nothing to read, but a size to check */
	if (usize < HON_ZONE_INFO_SIZE0)
		return -EINVAL;
	ret = hon_zone_get_info(zone, &info);
	if (ret)
		return ret;
	return hon_zone_arg_out(argp, usize, &info, sizeof(info));
}

static int hon_zone_ioctl_alloc(struct hon_zone *zone, void __user *argp,
				size_t usize)
{
	struct hon_zone_alloc_data data;
	struct dma_buf *dmabuf;
	int fd, ret;

	ret = hon_zone_arg_in(&data, sizeof(data), HON_ZONE_ALLOC_SIZE0, argp,
			      usize);
	if (ret)
		return ret;
	if (data.reserved)
		return -EINVAL;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		return fd;
	dmabuf = hon_zone_alloc(zone, data.len, data.heap_id_mask, data.flags);
	if (IS_ERR(dmabuf)) {
		ret = PTR_ERR(dmabuf);
		goto put_fd;
	}
	data.fd = fd;
	ret = hon_zone_arg_out(argp, usize, &data, sizeof(data));
	if (ret)
		goto unbind;
	/* The fd owns the reference from hon_zone_alloc() from here. */
	fd_install(fd, dmabuf->file);
	return 0;

unbind:
	/* Unless another thread already unbound it (and maybe bound another). */
	hon_zone_unbind_buffer(zone, dmabuf);
	dma_buf_put(dmabuf);
put_fd:
	put_unused_fd(fd);
	return ret;
}

static int hon_zone_ioctl_fill(struct hon_zone *zone, void __user *argp,
			       size_t usize)
{
	struct hon_zone_fill_data data;
	int ret;

	ret = hon_zone_arg_in(&data, sizeof(data), HON_ZONE_FILL_SIZE0, argp,
			      usize);
	if (ret)
		return ret;
	if (data.reserved || data.pattern > 0xff)
		return -EINVAL;
	return hon_zone_fill(zone, data.offset, data.len, data.pattern);
}

static int hon_zone_ioctl_checksum(struct hon_zone *zone, void __user *argp,
				   size_t usize)
{
	struct hon_zone_checksum_data data;
	int ret;

	ret = hon_zone_arg_in(&data, sizeof(data), HON_ZONE_CHECKSUM_SIZE0,
			      argp, usize);
	if (ret)
		return ret;
	if (data.reserved)
		return -EINVAL;
	ret = hon_zone_checksum(zone, data.offset, data.len, &data.crc);
	if (ret)
		return ret;
	return hon_zone_arg_out(argp, usize, &data, sizeof(data));
}

/* The extensible ioctls, indexed by _IOC_NR(); not the fixed ABI's 0x00, 0x01. */
static const struct hon_zone_ioctl_desc {
	unsigned int cmd;
	int (*fn)(struct hon_zone *zone, void __user *argp, size_t usize);
} hon_zone_ioctls[] = {
	[_IOC_NR(HON_ZONE_GET_INFO)] = { HON_ZONE_GET_INFO, hon_zone_ioctl_get_info },
	[_IOC_NR(HON_ZONE_ION_ALLOC)] = { HON_ZONE_ION_ALLOC, hon_zone_ioctl_alloc },
	[_IOC_NR(HON_ZONE_FILL)] = { HON_ZONE_FILL, hon_zone_ioctl_fill },
	[_IOC_NR(HON_ZONE_CHECKSUM)] = { HON_ZONE_CHECKSUM, hon_zone_ioctl_checksum },
	[_IOC_NR(HON_ZONE_BIND)] = { HON_ZONE_BIND, hon_zone_ioctl_bind },
};

/*
 * Dispatch an extensible ioctl on its number, as dma-heap does: type, number
 * and direction must match, the size is the user's (_IOC_SIZE()).
 */
static long hon_zone_ioctl_ext(struct hon_zone *zone, unsigned int cmd,
			       void __user *argp)
{
	const struct hon_zone_ioctl_desc *desc;
	unsigned int nr = _IOC_NR(cmd);

	if (_IOC_TYPE(cmd) != HON_ZONE_IOC_MAGIC ||
	    nr >= ARRAY_SIZE(hon_zone_ioctls))
		return -ENOTTY;
	desc = &hon_zone_ioctls[array_index_nospec(nr,
						   ARRAY_SIZE(hon_zone_ioctls))];
	if (!desc->fn || _IOC_DIR(cmd) != _IOC_DIR(desc->cmd))
		return -ENOTTY;
	return desc->fn(zone, argp, _IOC_SIZE(cmd));
}

static long hon_zone_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	struct hon_zone *zone = file->private_data;
	void __user *argp = (void __user *)arg;

	/* The fixed ABI: exactly these two commands. */
	switch (cmd) {
	case HON_ZONE_ION_INIT:
		return hon_zone_ioctl_init(zone, argp);
	case HON_ZONE_ION_DEINIT:
		return hon_zone_unbind(zone);
	}
	return hon_zone_ioctl_ext(zone, cmd, argp);
}

static int hon_zone_open(struct inode *inode, struct file *file)
{
	struct hon_zone *zone;

	zone = hon_zone_create();
	if (IS_ERR(zone))
		return PTR_ERR(zone);
	/* replaces the miscdevice that misc_open() stored */
	file->private_data = zone;
	return 0;
}

static ssize_t hon_zone_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	return hon_zone_read(iocb->ki_filp->private_data, to, &iocb->ki_pos);
}

static ssize_t hon_zone_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	return hon_zone_write(iocb->ki_filp->private_data, from, &iocb->ki_pos);
}

static loff_t hon_zone_llseek(struct file *file, loff_t offset, int whence)
{
	struct hon_zone *zone = file->private_data;
	loff_t size;

	if (mutex_lock_killable(&zone->lock))
		return -EINTR;
	size = zone->buf.size;
	mutex_unlock(&zone->lock);
	/* like a regular file: seeking past the end is allowed */
	return generic_file_llseek_size(file, offset, whence, MAX_LFS_FILESIZE,
					size);
}

static int hon_zone_release(struct inode *inode, struct file *file)
{
	hon_zone_destroy(file->private_data);
	return 0;
}

static const struct file_operations hon_zone_fops = {
	.owner = THIS_MODULE,
	.open = hon_zone_open,
	.read_iter = hon_zone_read_iter,
	.write_iter = hon_zone_write_iter,
	.llseek = hon_zone_llseek,
	.unlocked_ioctl = hon_zone_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.release = hon_zone_release,
};

static struct miscdevice hon_zone_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "hon_zone",
	.fops = &hon_zone_fops,
};

module_misc_device(hon_zone_misc);

MODULE_DESCRIPTION("hon_zone: kernel-side access to shared ION and dma-buf buffers");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
