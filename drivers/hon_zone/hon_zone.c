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
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/uio.h>

#include <linux/hon_zone.h>

#include "hon_zone_internal.h"

/**
 * struct hon_zone_buffer - a buffer bound to a zone
 * @dmabuf: the buffer; the zone's own reference, NULL when nothing is bound
 * @map: kernel mapping of all of @dmabuf (always system memory)
 * @size: size of @dmabuf in bytes
 * @client: the zone's ION client for an ION buffer, NULL for other dma-bufs
 * @handle: the buffer's handle in @client, which maps it
 * @heap_id: ION heap id of the buffer (valid with @client)
 * @ion_flags: ION allocation flags of the buffer (valid with @client)
 * @kernel_alloc: the zone allocated the buffer itself (HON_ZONE_ION_ALLOC)
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
 * @lock: protects @buf; held across every access to the buffer's bytes, so
 *        unbinding waits for readers, writers, FILL and CHECKSUM to finish
 * @buf: the bound buffer
 */
struct hon_zone {
	/* protects buf; held across every access to the buffer's bytes */
	struct mutex lock;
	struct hon_zone_buffer buf;
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

/* Undo hon_zone_buffer_map_ion() */
static void hon_zone_buffer_unmap_ion(struct hon_zone_buffer *buf)
{
	ion_unmap_kernel(buf->client, buf->handle);
	ion_free(buf->client, buf->handle);
	ion_client_destroy(buf->client);
	buf->client = NULL;
	buf->handle = NULL;
}

/*
 * Map the ION buffer of @buf->handle in @buf->client and record what the
 * zone reports about it.  On failure the handle and the client are freed.
 */
static int hon_zone_buffer_map_ion(struct hon_zone_buffer *buf)
{
	size_t size;
	void *vaddr;
	int ret;

	ret = ion_handle_get_size(buf->client, buf->handle, &size);
	if (ret)
		goto free_handle;
	/* The zone only touches @buf->size bytes: that many must exist. */
	if (WARN_ON_ONCE(size > buf->dmabuf->size)) {
		ret = -EINVAL;
		goto free_handle;
	}
	ret = ion_handle_get_heap_id(buf->client, buf->handle, &buf->heap_id);
	if (ret)
		goto free_handle;
	ret = ion_handle_get_flags(buf->client, buf->handle, &buf->ion_flags);
	if (ret)
		goto free_handle;

	vaddr = ion_map_kernel(buf->client, buf->handle);
	if (IS_ERR(vaddr)) {
		ret = PTR_ERR(vaddr);
		goto free_handle;
	}
	iosys_map_set_vaddr(&buf->map, vaddr);
	buf->size = size;
	return 0;

free_handle:
	ion_free(buf->client, buf->handle);
	ion_client_destroy(buf->client);
	buf->client = NULL;
	buf->handle = NULL;
	return ret;
}

/*
 * Import and map an ION buffer.  The import goes through the dma_buf
 * object, not through the fd: user space can replace the fd's file between
 * two lookups, the object stays what the zone checked.
 */
static int hon_zone_buffer_import_ion(struct hon_zone_buffer *buf)
{
	struct ion_client *client;
	struct ion_handle *handle;

	client = msm_ion_client_create("hon_zone");
	if (IS_ERR(client))
		return PTR_ERR(client);

	handle = ion_import_dma_buf_obj(client, buf->dmabuf);
	if (IS_ERR(handle)) {
		ion_client_destroy(client);
		return PTR_ERR(handle);
	}
	buf->client = client;
	buf->handle = handle;
	return hon_zone_buffer_map_ion(buf);
}

/* Map a dma-buf of another exporter through the dma-buf vmap interface. */
static int hon_zone_buffer_map_foreign(struct hon_zone_buffer *buf)
{
	int ret;

	if (!buf->dmabuf->ops->vmap)
		return -EOPNOTSUPP;
	ret = ion_dma_buf_map_kernel(buf->dmabuf, &buf->map);
	if (ret)
		return ret;
	if (buf->map.is_iomem) {
		/* read/write/FILL/CHECKSUM use plain memory accesses */
		ion_dma_buf_unmap_kernel(buf->dmabuf, &buf->map);
		iosys_map_clear(&buf->map);
		return -EOPNOTSUPP;
	}
	buf->size = buf->dmabuf->size;
	return 0;
}

/* Unmap the buffer and drop every reference of @buf. */
static void hon_zone_buffer_release(struct hon_zone_buffer *buf)
{
	if (buf->client)
		hon_zone_buffer_unmap_ion(buf);
	else
		ion_dma_buf_unmap_kernel(buf->dmabuf, &buf->map);
	dma_buf_put(buf->dmabuf);
	memset(buf, 0, sizeof(*buf));
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
 * hon_zone_destroy() - unbind a zone and free it
 * @zone: the zone; nothing else may use it any more
 *
 * Context: Process context.  Takes the zone's lock.
 * Return: nothing.
 */
VISIBLE_IF_KUNIT void hon_zone_destroy(struct hon_zone *zone)
{
	hon_zone_unbind_buffer(zone, NULL);
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
 * ION buffers are imported through a new ION client of the zone and mapped
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

	if (ion_dma_buf_is_ion(dmabuf))
		ret = hon_zone_buffer_import_ion(&buf);
	else
		ret = hon_zone_buffer_map_foreign(&buf);
	if (ret)
		goto unlock;

	get_dma_buf(dmabuf);
	zone->buf = buf;
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

	buf.client = msm_ion_client_create("hon_zone");
	if (IS_ERR(buf.client)) {
		ret = PTR_ERR(buf.client);
		goto unlock;
	}
	buf.handle = ion_alloc(buf.client, len, 0, heap_id_mask, flags);
	if (IS_ERR(buf.handle)) {
		ret = PTR_ERR(buf.handle);
		goto destroy_client;
	}
	dmabuf = ion_share_dma_buf(buf.client, buf.handle);
	if (IS_ERR(dmabuf)) {
		ret = PTR_ERR(dmabuf);
		goto free_handle;
	}
	/* ION rounds up to pages: check the size the buffer really has. */
	ret = hon_zone_check_size(dmabuf->size);
	if (ret)
		goto put_dmabuf;
	buf.dmabuf = dmabuf;
	ret = hon_zone_buffer_map_ion(&buf);
	if (ret) {
		/* the handle and the client are freed already */
		dma_buf_put(dmabuf);
		goto unlock;
	}

	/* The zone keeps the reference from ion_share_dma_buf(). */
	zone->buf = buf;
	/* Taken under the lock: an unbind right after it drops the zone's. */
	get_dma_buf(dmabuf);
	mutex_unlock(&zone->lock);
	return dmabuf;

put_dmabuf:
	dma_buf_put(dmabuf);
free_handle:
	ion_free(buf.client, buf.handle);
destroy_client:
	ion_client_destroy(buf.client);
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

/*
 * Lock the zone for an access to [@offset, @offset + @len) of its buffer.
 * On success the zone is locked and bound and the range lies in the buffer.
 */
static int hon_zone_lock_range(struct hon_zone *zone, u64 offset, u64 len)
{
	u64 end;

	if (mutex_lock_killable(&zone->lock))
		return -EINTR;
	if (!hon_zone_is_bound(zone)) {
		mutex_unlock(&zone->lock);
		return -ENXIO;
	}
	if (check_add_overflow(offset, len, &end) || end > zone->buf.size) {
		mutex_unlock(&zone->lock);
		return -EINVAL;
	}
	return 0;
}

/* Between two chunks: let others run, stop on a fatal signal. */
static bool hon_zone_chunk_break(void)
{
	if (fatal_signal_pending(current))
		return true;
	cond_resched();
	return false;
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
 * range does not lie in the buffer, -EINTR on a fatal signal (part of the
 * range may be written), or the error of begin_cpu_access.
 */
VISIBLE_IF_KUNIT int hon_zone_fill(struct hon_zone *zone, u64 offset, u64 len,
				   u8 pattern)
{
	u64 done, n;
	int ret;

	ret = hon_zone_lock_range(zone, offset, len);
	if (ret)
		return ret;
	ret = dma_buf_begin_cpu_access(zone->buf.dmabuf, HON_ZONE_CPU_DIR);
	if (ret)
		goto unlock;
	for (done = 0; done < len; done += n) {
		n = min_t(u64, len - done, HON_ZONE_CHUNK);
		memset(zone->buf.map.vaddr + offset + done, pattern, n);
		if (done + n < len && hon_zone_chunk_break()) {
			ret = -EINTR;
			break;
		}
	}
	dma_buf_end_cpu_access(zone->buf.dmabuf, HON_ZONE_CPU_DIR);
unlock:
	mutex_unlock(&zone->lock);
	return ret;
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
	u64 done, n;
	int ret;

	ret = hon_zone_lock_range(zone, offset, len);
	if (ret)
		return ret;
	ret = dma_buf_begin_cpu_access(zone->buf.dmabuf, HON_ZONE_CPU_DIR);
	if (ret)
		goto unlock;
	for (done = 0; done < len; done += n) {
		n = min_t(u64, len - done, HON_ZONE_CHUNK);
		state = crc32_le(state, zone->buf.map.vaddr + offset + done, n);
		if (done + n < len && hon_zone_chunk_break()) {
			ret = -EINTR;
			break;
		}
	}
	dma_buf_end_cpu_access(zone->buf.dmabuf, HON_ZONE_CPU_DIR);
	if (!ret)
		*crc = ~state;
unlock:
	mutex_unlock(&zone->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(hon_zone_checksum);

/*
 * Copy between the buffer at *@pos and @iter, at most @count bytes, in
 * chunks.  The zone is locked and bound, the range lies in the buffer.
 */
static ssize_t hon_zone_copy(struct hon_zone *zone, struct iov_iter *iter,
			     loff_t *pos, size_t count, bool to_user)
{
	size_t done = 0, n, copied;
	void *vaddr;
	int ret;

	lockdep_assert_held(&zone->lock);
	ret = dma_buf_begin_cpu_access(zone->buf.dmabuf, HON_ZONE_CPU_DIR);
	if (ret)
		return ret;
	while (done < count) {
		n = min_t(size_t, count - done, HON_ZONE_CHUNK);
		vaddr = zone->buf.map.vaddr + *pos + done;
		if (to_user)
			copied = copy_to_iter(vaddr, n, iter);
		else
			copied = copy_from_iter(vaddr, n, iter);
		done += copied;
		if (copied < n) {
			if (!done)
				ret = -EFAULT;
			break;
		}
		if (done < count && hon_zone_chunk_break()) {
			if (!done)
				ret = -EINTR;
			break;
		}
	}
	dma_buf_end_cpu_access(zone->buf.dmabuf, HON_ZONE_CPU_DIR);
	if (ret)
		return ret;
	*pos += done;
	return done;
}

/*
 * read() (@read) and write(): copy between @iter and the buffer at *@pos,
 * at most up to the end of the buffer.
 */
static ssize_t hon_zone_rw(struct hon_zone *zone, struct iov_iter *iter,
			   loff_t *pos, bool read)
{
	size_t count;
	ssize_t ret;

	if (*pos < 0)
		return -EINVAL;
	if (mutex_lock_killable(&zone->lock))
		return -EINTR;
	if (!hon_zone_is_bound(zone)) {
		ret = -ENXIO;
		goto unlock;
	}
	count = iov_iter_count(iter);
	if (!count) {
		ret = 0;
		goto unlock;
	}
	if (*pos >= zone->buf.size) {
		/* end of file for a read, no room left for a write */
		ret = read ? 0 : -ENOSPC;
		goto unlock;
	}
	count = min_t(u64, count, zone->buf.size - *pos);
	ret = hon_zone_copy(zone, iter, pos, count, read);
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
 * -ENOSPC if @pos is at or past the end of the buffer, -EFAULT if no byte
 * could be copied, -EINTR on a fatal signal before any byte was copied.
 */
VISIBLE_IF_KUNIT ssize_t hon_zone_write(struct hon_zone *zone,
					struct iov_iter *from, loff_t *pos)
{
	return hon_zone_rw(zone, from, pos, false);
}
EXPORT_SYMBOL_IF_KUNIT(hon_zone_write);

static int hon_zone_ioctl_init(struct hon_zone *zone, int __user *argp)
{
	struct dma_buf *dmabuf;
	int fd, ret;

	if (get_user(fd, argp))
		return -EFAULT;
	/* -EBADF for a closed fd, -EINVAL for a file that is no dma-buf */
	dmabuf = dma_buf_get(fd);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	ret = hon_zone_bind(zone, dmabuf);
	dma_buf_put(dmabuf);
	return ret;
}

static int hon_zone_ioctl_get_info(struct hon_zone *zone, void __user *argp)
{
	struct hon_zone_info info;
	int ret;

	ret = hon_zone_get_info(zone, &info);
	if (ret)
		return ret;
	if (copy_to_user(argp, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

static int hon_zone_ioctl_alloc(struct hon_zone *zone, void __user *argp)
{
	struct hon_zone_alloc_data data;
	struct dma_buf *dmabuf;
	int fd, ret;

	if (copy_from_user(&data, argp, sizeof(data)))
		return -EFAULT;
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
	if (copy_to_user(argp, &data, sizeof(data))) {
		ret = -EFAULT;
		goto unbind;
	}
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

static int hon_zone_ioctl_fill(struct hon_zone *zone, void __user *argp)
{
	struct hon_zone_fill_data data;

	if (copy_from_user(&data, argp, sizeof(data)))
		return -EFAULT;
	if (data.reserved || data.pattern > 0xff)
		return -EINVAL;
	return hon_zone_fill(zone, data.offset, data.len, data.pattern);
}

static int hon_zone_ioctl_checksum(struct hon_zone *zone, void __user *argp)
{
	struct hon_zone_checksum_data data;
	int ret;

	if (copy_from_user(&data, argp, sizeof(data)))
		return -EFAULT;
	if (data.reserved)
		return -EINVAL;
	ret = hon_zone_checksum(zone, data.offset, data.len, &data.crc);
	if (ret)
		return ret;
	if (copy_to_user(argp, &data, sizeof(data)))
		return -EFAULT;
	return 0;
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

static long hon_zone_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	struct hon_zone *zone = file->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case HON_ZONE_ION_INIT:
		return hon_zone_ioctl_init(zone, argp);
	case HON_ZONE_ION_DEINIT:
		return hon_zone_unbind(zone);
	case HON_ZONE_GET_INFO:
		return hon_zone_ioctl_get_info(zone, argp);
	case HON_ZONE_ION_ALLOC:
		return hon_zone_ioctl_alloc(zone, argp);
	case HON_ZONE_FILL:
		return hon_zone_ioctl_fill(zone, argp);
	case HON_ZONE_CHECKSUM:
		return hon_zone_ioctl_checksum(zone, argp);
	default:
		return -ENOTTY;
	}
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
