/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The ION_IOC_CUSTOM commands of the sample heap (ion_sample_heap.ko), for
 * the module and for user space.  A platform heap that needs commands of
 * its own puts them in a header like this one.
 */
#ifndef _ION_SAMPLE_HEAP_H
#define _ION_SAMPLE_HEAP_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define ION_SAMPLE_HEAP_IOC_MAGIC	'h'

/**
 * struct ion_sample_heap_buffer_info - argument of ION_SAMPLE_HEAP_BUFFER_INFO
 * @fd: a dma-buf file descriptor of a buffer of the sample heap (input)
 * @reserved: must be 0
 * @size: size of the buffer in bytes (output)
 * @nr_pages: pages of the buffer, one scatterlist entry each (output)
 * @heap_used: bytes in all live buffers of the heap (output)
 * @heap_limit: bytes the heap hands out at most, the max_bytes module
 *              parameter (output)
 *
 * User space passes it through ION_IOC_CUSTOM on /dev/ion:
 *
 *     struct ion_custom_data custom = {
 *             .cmd = ION_SAMPLE_HEAP_BUFFER_INFO,
 *             .arg = (unsigned long)&info,
 *     };
 *     ioctl(ion_fd, ION_IOC_CUSTOM, &custom);
 *
 * Errors: ENOTTY when the sample heap is not loaded (no ION_IOC_CUSTOM
 * handler) or for another command; EFAULT when the structure cannot be read
 * or written; EINVAL when @reserved is not 0, or @fd is not an ION buffer or
 * an ION buffer of another heap; EBADF when @fd is not open.
 */
struct ion_sample_heap_buffer_info {
	__u32 fd;
	__u32 reserved;
	__u64 size;
	__u64 nr_pages;
	__u64 heap_used;
	__u64 heap_limit;
};

#define ION_SAMPLE_HEAP_BUFFER_INFO \
	_IOWR(ION_SAMPLE_HEAP_IOC_MAGIC, 0, struct ion_sample_heap_buffer_info)

#endif /* _ION_SAMPLE_HEAP_H */
