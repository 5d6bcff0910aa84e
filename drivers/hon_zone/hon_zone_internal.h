/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hon_zone internals shared with the KUnit suite: the zone operations that
 * the file operations wrap, callable without a file, and the helpers of the
 * ioctl layer that read and check the extensible ioctl arguments.
 */
#ifndef _HON_ZONE_INTERNAL_H
#define _HON_ZONE_INTERNAL_H

#include <linux/dma-buf.h>
#include <linux/errno.h>
#include <linux/ion.h>
#include <linux/minmax.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <linux/uaccess.h>

#include <linux/hon_zone.h>

struct hon_zone;
struct iov_iter;

#if IS_ENABLED(CONFIG_KUNIT)
struct hon_zone *hon_zone_create(void);
void hon_zone_destroy(struct hon_zone *zone);
int hon_zone_bind(struct hon_zone *zone, struct dma_buf *dmabuf);
int hon_zone_unbind(struct hon_zone *zone);
struct dma_buf *hon_zone_alloc(struct hon_zone *zone, u64 len,
			       u32 heap_id_mask, u32 flags);
int hon_zone_get_info(struct hon_zone *zone, struct hon_zone_info *info);
int hon_zone_fill(struct hon_zone *zone, u64 offset, u64 len, u8 pattern);
int hon_zone_checksum(struct hon_zone *zone, u64 offset, u64 len, u32 *crc);
ssize_t hon_zone_read(struct hon_zone *zone, struct iov_iter *to, loff_t *pos);
ssize_t hon_zone_write(struct hon_zone *zone, struct iov_iter *from,
		       loff_t *pos);
#endif

/*
 * Sizes of the oldest structure each extensible ioctl accepts: up to the end
 * of its last field that is not reserved.
 */
#define HON_ZONE_BIND_SIZE0	offsetofend(struct hon_zone_bind_data, flags)
#define HON_ZONE_INFO_SIZE0	offsetofend(struct hon_zone_info, heap_id)
#define HON_ZONE_ALLOC_SIZE0	offsetofend(struct hon_zone_alloc_data, fd)
#define HON_ZONE_FILL_SIZE0	offsetofend(struct hon_zone_fill_data, pattern)
#define HON_ZONE_CHECKSUM_SIZE0	offsetofend(struct hon_zone_checksum_data, crc)

/**
 * hon_zone_arg_in() - read an extensible ioctl argument
 * @dst: the driver's structure
 * @ksize: its size
 * @min_size: size of the oldest structure accepted
 * @src: the user's structure
 * @usize: its size, _IOC_SIZE() of the command
 *
 * A smaller structure is zero-extended, a larger one must be 0 beyond
 * @ksize (copy_struct_from_user()).
 *
 * Context: Process context, may fault.
 * Return: 0; -EINVAL if @usize < @min_size, -E2BIG if a byte of @src beyond
 * @ksize is not 0, -EFAULT if @src cannot be read.
 */
static inline int hon_zone_arg_in(void *dst, size_t ksize, size_t min_size,
				  const void __user *src, size_t usize)
{
	if (usize < min_size)
		return -EINVAL;
	return copy_struct_from_user(dst, ksize, src, usize);
}

/**
 * hon_zone_arg_out() - write an extensible ioctl argument
 * @dst: the user's structure
 * @usize: its size, _IOC_SIZE() of the command
 * @src: the driver's structure
 * @ksize: its size
 *
 * Writes the first min(@usize, @ksize) bytes of @src and zeros over the
 * user's bytes beyond @ksize.
 *
 * Context: Process context, may fault.
 * Return: 0, or -EFAULT if @dst cannot be written.
 */
static inline int hon_zone_arg_out(void __user *dst, size_t usize,
				   const void *src, size_t ksize)
{
	if (copy_to_user(dst, src, min(usize, ksize)))
		return -EFAULT;
	if (usize > ksize && clear_user(dst + ksize, usize - ksize))
		return -EFAULT;
	return 0;
}

/**
 * hon_zone_bind_data_check() - check a HON_ZONE_BIND argument
 * @data: the argument
 *
 * Context: Any context.
 * Return: 0, or -EINVAL for an unknown flag or a reserved field that is not
 * 0.
 */
static inline int hon_zone_bind_data_check(const struct hon_zone_bind_data *data)
{
	if (data->flags & ~HON_ZONE_BIND_FLAGS || data->reserved)
		return -EINVAL;
	return 0;
}

/**
 * hon_zone_bind_flags_allow() - whether the HON_ZONE_BIND flags allow a buffer
 * @flags: HON_ZONE_BIND_* bits, checked by hon_zone_bind_data_check()
 * @dmabuf: the buffer
 *
 * Context: Any context.
 * Return: 0, or -EXDEV if @flags has HON_ZONE_BIND_ION_ONLY and @dmabuf is
 * not an ION buffer.
 */
static inline int hon_zone_bind_flags_allow(u32 flags, struct dma_buf *dmabuf)
{
	if (flags & HON_ZONE_BIND_ION_ONLY && !ion_dma_buf_is_ion(dmabuf))
		return -EXDEV;
	return 0;
}

#endif /* _HON_ZONE_INTERNAL_H */
