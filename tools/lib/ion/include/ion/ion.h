/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libion: the user-space library for the ION memory allocator.
 *
 * The first part is Android's libion API (system/core/libion of Android
 * 10 and 11, later system/memory/libion), with the same signatures and the
 * same convention: every function but ion_open() returns 0 (or a count)
 * on success and a negative errno on failure; ion_open() returns a
 * descriptor or -1 with errno set, as open() does.  errno itself is left
 * as the failing call set it.  On the legacy ABI every call makes the same
 * ioctl on the same descriptor as Android's libion and returns what it
 * returns.  Where Android's libion knows only one ABI per process (it
 * probes the first descriptor it is given), this one decides per
 * descriptor, and a descriptor that is not ION (fd 0, /dev/null, a pipe)
 * fails every call with -ENOTTY, which is what Android's libion returns
 * for it on a legacy kernel.  The library picks the kernel interface at
 * run time, per descriptor returned by ion_open():
 *
 *  - /dev/ion with the legacy handle ABI (Linux 3.x to 4.11 and this
 *    project's driver): every call maps to the matching ioctl;
 *  - /dev/ion with only the 4.12 fd ABI (Linux 4.12 to 5.10): allocations
 *    return dma-buf fds, and the handle calls are emulated inside the
 *    library (a handle names a dma-buf fd the library keeps open), where
 *    Android's libion fails them with -EINVAL; ion_sync_fd() syncs with
 *    DMA_BUF_IOCTL_SYNC where Android's fails with -EINVAL;
 *  - no /dev/ion, only DMA-BUF heaps (/dev/dma_heap/<name>): ion_open()
 *    returns a descriptor of that directory, heap masks select heap nodes
 *    (see ion_query_get_heaps() for their ids), handles are emulated.
 *
 * The second part adds what every user of shared buffers writes by hand:
 * passing a buffer fd to another process over a unix socket, naming a
 * buffer, sharing it read-only, and a best-fit sub-allocator that hands out
 * pieces of one shared buffer (Android's MemoryDealer).
 *
 * Applications include <ion/ion.h>, which includes <linux/ion.h>, and link
 * with -lion (pkg-config libion).
 */
#ifndef _ION_ION_H
#define _ION_ION_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include <linux/ion.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Android's libion API. */

/**
 * ion_open() - open the ION device (or the DMA-BUF heaps directory).
 *
 * Opens /dev/ion read-only, or /dev/dma_heap when the kernel has no ION
 * device.  The descriptor is close-on-exec.
 *
 * Context: any thread.
 * Return: a descriptor >= 0, or -1 with errno set (as Android's libion:
 * ENOENT when neither exists, the error of opening /dev/ion otherwise).
 */
int ion_open(void);

/**
 * ion_close() - close a descriptor returned by ion_open().
 * @fd: the descriptor.
 *
 * Also releases every handle the library emulates for @fd.
 *
 * Context: any thread.
 * Return: 0, or -errno from close().
 */
int ion_close(int fd);

/**
 * ion_alloc() - allocate a buffer and return a handle.
 * @fd: descriptor from ion_open().
 * @len: size in bytes, rounded up to pages by the kernel.
 * @align: alignment; honoured by the heaps that can, ignored by DMA-BUF heaps.
 * @heap_mask: ION_HEAP(id) bits of the heaps to try.
 * @flags: ION_FLAG_* bits.
 * @handle: receives the handle.
 *
 * Context: any thread.
 * Return: 0, -EINVAL (bad argument or flags), -ENODEV (no such heap),
 * -ENOMEM, or another -errno of the kernel.
 */
int ion_alloc(int fd, size_t len, size_t align, unsigned int heap_mask,
	      unsigned int flags, ion_user_handle_t *handle);

/**
 * ion_alloc_fd() - allocate a buffer and return it as a dma-buf fd.
 * @fd: descriptor from ion_open().
 * @len: size in bytes.
 * @align: alignment (legacy ABI only).
 * @heap_mask: ION_HEAP(id) bits of the heaps to try.
 * @flags: ION_FLAG_* bits.
 * @handle_fd: receives the dma-buf fd (close-on-exec).
 *
 * On the legacy ABI this is ALLOC + SHARE + FREE, as in Android.
 *
 * Context: any thread.
 * Return: 0 or -errno as ion_alloc().
 */
int ion_alloc_fd(int fd, size_t len, size_t align, unsigned int heap_mask,
		 unsigned int flags, int *handle_fd);

/**
 * ion_sync_fd() - make CPU writes to a buffer visible to devices.
 * @fd: descriptor from ion_open().
 * @handle_fd: the buffer's dma-buf fd.
 *
 * ION_IOC_SYNC on the legacy ABI, DMA_BUF_IOCTL_SYNC (start and end of a
 * read/write access) elsewhere.
 *
 * Context: any thread.
 * Return: 0, -EBADF (closed fd), -EINVAL (not a dma-buf), or -errno.
 */
int ion_sync_fd(int fd, int handle_fd);

/**
 * ion_free() - drop a handle.
 * @fd: descriptor from ion_open().
 * @handle: a handle from ion_alloc() or ion_import().
 *
 * The buffer lives on while fds, mappings or other handles refer to it.
 *
 * Context: any thread.
 * Return: 0, -EINVAL (no such handle), or -errno.
 */
int ion_free(int fd, ion_user_handle_t handle);

/**
 * ion_map() - map a buffer by handle.
 * @fd: descriptor from ion_open().
 * @handle: the handle.
 * @length: bytes to map.
 * @prot: PROT_* for mmap().
 * @flags: MAP_* for mmap(), normally MAP_SHARED.
 * @offset: page-aligned offset into the buffer.
 * @ptr: receives the mapping.
 * @map_fd: receives a new dma-buf fd of the buffer; the caller closes it.
 *
 * Context: any thread.
 * Return: 0, -EINVAL (bad argument or handle), or -errno from mmap().
 */
int ion_map(int fd, ion_user_handle_t handle, size_t length, int prot,
	    int flags, off_t offset, unsigned char **ptr, int *map_fd);

/**
 * ion_share() - get a dma-buf fd for a handle, to pass to others.
 * @fd: descriptor from ion_open().
 * @handle: the handle.
 * @share_fd: receives a new dma-buf fd (close-on-exec).
 *
 * Context: any thread.
 * Return: 0, -EINVAL (bad argument or handle), -EMFILE, or -errno.
 */
int ion_share(int fd, ion_user_handle_t handle, int *share_fd);

/**
 * ion_import() - get a handle for a dma-buf fd.
 * @fd: descriptor from ion_open().
 * @share_fd: a dma-buf fd.
 * @handle: receives the handle; importing a buffer twice gives the same one.
 *
 * Context: any thread.
 * Return: 0, -EBADF (closed fd), -EINVAL (not an ION buffer or not a
 * dma-buf), or -errno.
 */
int ion_import(int fd, int share_fd, ion_user_handle_t *handle);

/**
 * ion_query_heap_cnt() - count the heaps.
 * @fd: descriptor from ion_open().
 * @cnt: receives the count.
 *
 * Context: any thread.
 * Return: 0, -EINVAL (NULL @cnt), -ENOTTY (a legacy kernel without
 * HEAP_QUERY), or -errno.
 */
int ion_query_heap_cnt(int fd, int *cnt);

/**
 * ion_query_get_heaps() - describe the heaps.
 * @fd: descriptor from ion_open().
 * @cnt: number of entries in @buffers.
 * @buffers: array of @cnt struct ion_heap_data.
 *
 * Fills at most @cnt entries.  With DMA-BUF heaps, "system" gets id 0 and
 * type ION_HEAP_TYPE_SYSTEM; the others get ids from 1 up in name order
 * (ION_HEAP_TYPE_DMA for CMA heaps, ION_HEAP_TYPE_CUSTOM otherwise).
 * ION_SYSTEM_HEAP_ID in a mask also selects "system".
 *
 * As Android's libion, @cnt and @buffers go to ION_IOC_HEAP_QUERY as they
 * are: with NULL @buffers the kernel only counts the heaps and the call
 * returns 0 (the count is not returned: ion_query_heap_cnt() gives it),
 * a @cnt of 0 with @buffers is -EINVAL, a negative @cnt is a large one.
 * The DMA-BUF heaps emulation answers the same.
 *
 * Context: any thread.
 * Return: 0, -EINVAL (@cnt 0 with @buffers), -EFAULT, -ENOTTY (not ION, or
 * a legacy kernel without HEAP_QUERY), or -errno.
 */
int ion_query_get_heaps(int fd, int cnt, void *buffers);

/**
 * ion_is_legacy() - does @fd speak the legacy handle ABI?
 * @fd: descriptor from ion_open().
 *
 * Probes ION_IOC_FREE with handle 0, as Android's libion: ENOTTY means a
 * 4.12+ kernel.  Unlike Android's, the answer is per descriptor and the
 * device must be ION (see ion_backend()).
 *
 * Context: any thread.
 * Return: 1 for the legacy ABI, 0 otherwise (4.12 ABI, DMA-BUF heaps, or
 * not ION).
 */
int ion_is_legacy(int fd);

/**
 * ion_is_using_modular_heaps() - are the kernel's ION heaps modules?
 * @fd: descriptor from ion_open().
 *
 * Asks ION_IOC_ABI_VERSION (Android's 5.4 and later kernels), as Android's
 * libion: its heaps are modules from ABI version 2 on.  This project's
 * driver and the 4.12 to 5.10 kernels do not have the ioctl, so the answer
 * there is 0 (built-in heaps), as it is for a descriptor that is not ION.
 *
 * Context: any thread.
 * Return: 1 or 0.
 */
int ion_is_using_modular_heaps(int fd);

/* Extensions. */

/**
 * enum ion_backend - the kernel interface behind an ion_open() descriptor.
 * @ION_BACKEND_LEGACY: /dev/ion with the legacy handle ABI.
 * @ION_BACKEND_MODERN: /dev/ion with only the 4.12 fd ABI.
 * @ION_BACKEND_DMA_HEAP: /dev/dma_heap, no ION device.
 */
enum ion_backend {
	ION_BACKEND_LEGACY = 1,
	ION_BACKEND_MODERN = 2,
	ION_BACKEND_DMA_HEAP = 3,
};

/**
 * ion_backend() - which kernel interface does @fd use?
 * @fd: descriptor from ion_open().
 *
 * ION is detected by what it answers: ION_IOC_HEAP_QUERY (then
 * ION_IOC_FREE of handle 0 tells the two ABIs apart), or for a kernel
 * older than 4.12 a misc device without HEAP_QUERY whose FREE of handle 0
 * is EINVAL.  The DMA-BUF heaps backend is the /dev/dma_heap directory
 * itself.
 *
 * Context: any thread.
 * Return: an enum ion_backend value, or -EBADF (closed fd) or -ENOTTY
 * (not an ION or DMA-BUF heaps descriptor).
 */
int ion_backend(int fd);

/**
 * ion_backend_name() - a short name for an enum ion_backend value.
 * @backend: the value.
 *
 * Context: any thread.
 * Return: "legacy", "4.12", "dma-heap" or "unknown".
 */
const char *ion_backend_name(int backend);

/**
 * ion_send_fd() - send a file descriptor over a unix socket (SCM_RIGHTS).
 * @sock: a connected AF_UNIX socket.
 * @fd: the descriptor to send; the caller still owns it.
 * @data: bytes sent with it (may be NULL if @len is 0; one byte is sent then).
 * @len: number of bytes in @data.
 *
 * Retries on EINTR; never raises SIGPIPE.
 *
 * Context: any thread.
 * Return: 0, -EBADF (bad @fd), -EINVAL, -EPIPE (peer gone), or -errno.
 */
int ion_send_fd(int sock, int fd, const void *data, size_t len);

/**
 * ion_recv_fd() - receive a file descriptor sent by ion_send_fd().
 * @sock: a connected AF_UNIX socket.
 * @fd: receives the descriptor (close-on-exec); -1 on failure.
 * @data: buffer for the bytes sent with it, or NULL.
 * @len: size of @data.
 *
 * Descriptors beyond the first one in a message are closed.
 *
 * Context: any thread.
 * Return: the number of data bytes received (>= 0), -ECONNRESET (peer
 * closed the socket), -EBADMSG (no descriptor in the message), -EMSGSIZE
 * (data or descriptors truncated; nothing is leaked), or -errno.
 */
int ion_recv_fd(int sock, int *fd, void *data, size_t len);

/**
 * ion_buffer_size() - the size of a dma-buf.
 * @buf_fd: a dma-buf fd.
 * @size: receives the size in bytes.
 *
 * Context: any thread.
 * Return: 0, -EBADF, -EINVAL (not a dma-buf), or -errno.
 */
int ion_buffer_size(int buf_fd, size_t *size);

/**
 * ion_buffer_set_name() - name a buffer (DMA_BUF_SET_NAME).
 * @buf_fd: a dma-buf fd.
 * @name: up to 31 bytes; shown in /proc/PID/fdinfo and in debugfs.
 *
 * Context: any thread.
 * Return: 0, -EBADF, -EINVAL (not a dma-buf, or @name NULL or too long),
 * -EOPNOTSUPP (kernel without DMA_BUF_SET_NAME), or -errno.
 */
int ion_buffer_set_name(int buf_fd, const char *name);

/**
 * ion_buffer_get_name() - read a buffer's name from /proc/self/fdinfo.
 * @buf_fd: a dma-buf fd.
 * @name: receives the name ("" when unnamed).
 * @len: size of @name.
 *
 * Context: any thread.
 * Return: 0, -EBADF, -EINVAL (not a dma-buf or @name NULL), -ERANGE
 * (@name too small), or -errno.
 */
int ion_buffer_get_name(int buf_fd, char *name, size_t len);

/**
 * ion_share_readonly() - get a read-only descriptor of a buffer.
 * @buf_fd: a dma-buf fd of an ION buffer.
 * @ro_fd: receives a new dma-buf descriptor (O_CLOEXEC) of the same memory
 *	whose mmap() with PROT_WRITE fails with EACCES, and which ION and the
 *	drivers importing through ION refuse to import (EACCES).
 *
 * Uses ION_IOC_SHARE_RO of /dev/ion.
 *
 * Context: any thread.
 * Return: 0, -EBADF, -EINVAL (not a dma-buf), -EOPNOTSUPP (not an ION
 * buffer, or a kernel without ION_IOC_SHARE_RO, such as one with only
 * DMA-BUF heaps), or -errno.
 */
int ion_share_readonly(int buf_fd, int *ro_fd);

/**
 * ion_buffer_get_prot() - the protection mask of an ION buffer.
 * @buf_fd: a dma-buf fd of an ION buffer (or of a read-only view of one).
 * @prot: receives the PROT_* bits that mmap() of the buffer may still ask.
 *
 * Uses ION_IOC_BUFFER_PROT of /dev/ion.
 *
 * Context: any thread.
 * Return: 0, -EBADF, -EINVAL (not a dma-buf, or @prot NULL), -EOPNOTSUPP
 * (not an ION buffer, or a kernel without ION_IOC_BUFFER_PROT), or -errno.
 */
int ion_buffer_get_prot(int buf_fd, int *prot);

/**
 * ion_buffer_set_prot() - restrict the protection mask of an ION buffer.
 * @buf_fd: a dma-buf fd of an ION buffer, open for writing.
 * @prot: the new mask of PROT_* bits, a subset of the current one.
 *
 * As ashmem's ASHMEM_SET_PROT_MASK: from then on mmap() of the buffer
 * asking for more than @prot fails with EPERM, through every fd of it in
 * every process; mappings made before keep working; the mask never grows
 * back.
 *
 * Context: any thread.
 * Return: 0, -EBADF, -EINVAL (not a dma-buf, or @prot not a subset of the
 * mask), -EACCES (@buf_fd is a read-only view), -EOPNOTSUPP (as
 * ion_buffer_get_prot()), or -errno.
 */
int ion_buffer_set_prot(int buf_fd, int prot);

/**
 * struct ion_mapping - a mapping of part of a buffer, from ion_map_range().
 * @ptr: the first byte of the requested range.
 * @base: the start of the page-aligned mapping (for munmap()).
 * @length: the length of the page-aligned mapping.
 */
struct ion_mapping {
	void *ptr;
	void *base;
	size_t length;
};

/**
 * ion_map_range() - map [@offset, @offset + @size) of a buffer.
 * @buf_fd: a dma-buf fd.
 * @offset: any byte offset (a sub-allocation from an ion_dealer).
 * @size: bytes, > 0.
 * @prot: PROT_* for mmap().
 * @map: receives the mapping.
 *
 * Context: any thread.
 * Return: 0, -EINVAL (bad range), -EACCES (write mapping of a read-only
 * descriptor), or -errno from mmap().
 */
int ion_map_range(int buf_fd, size_t offset, size_t size, int prot,
		  struct ion_mapping *map);

/**
 * ion_unmap_range() - undo ion_map_range().
 * @map: the mapping; cleared.
 *
 * Context: any thread.
 * Return: 0 or -errno from munmap().
 */
int ion_unmap_range(struct ion_mapping *map);

/*
 * The MemoryDealer-style sub-allocator: best fit over the byte range
 * [0, size) of one buffer.  It only hands out offsets, so its state is
 * private to the process that creates it, while the offsets and sizes are
 * valid in every process that has the buffer's fd.
 */
struct ion_dealer;

/**
 * ion_dealer_create() - create a sub-allocator.
 * @size: bytes to manage, > 0.
 * @align: alignment of every offset and size, a power of two; 0 means 32.
 * @name: a label for ion_dealer_dump(), or NULL.
 * @dealer: receives the allocator.
 *
 * Context: any thread.
 * Return: 0, -EINVAL, or -ENOMEM.
 */
int ion_dealer_create(size_t size, size_t align, const char *name,
		      struct ion_dealer **dealer);

/**
 * ion_dealer_destroy() - free a sub-allocator (NULL is ignored).
 * @dealer: the allocator.
 *
 * Context: no other thread uses @dealer.
 */
void ion_dealer_destroy(struct ion_dealer *dealer);

/**
 * ion_dealer_alloc() - allocate @size bytes, best fit.
 * @dealer: the allocator.
 * @size: bytes, > 0; rounded up to the alignment.
 * @offset: receives the offset of the piece.
 *
 * Context: any thread (the allocator has a lock).
 * Return: 0, -EINVAL, or -ENOMEM (no free piece is large enough).
 */
int ion_dealer_alloc(struct ion_dealer *dealer, size_t size, size_t *offset);

/**
 * ion_dealer_free() - free the piece that starts at @offset.
 * @dealer: the allocator.
 * @offset: an offset from ion_dealer_alloc().
 *
 * Context: any thread.
 * Return: 0, or -EINVAL (no allocated piece starts at @offset).
 */
int ion_dealer_free(struct ion_dealer *dealer, size_t offset);

/**
 * ion_dealer_size() - size of the piece allocated at @offset.
 * @dealer: the allocator.
 * @offset: an offset from ion_dealer_alloc().
 * @size: receives the (aligned) size.
 *
 * Context: any thread.
 * Return: 0, or -EINVAL (no allocated piece starts at @offset).
 */
int ion_dealer_size(struct ion_dealer *dealer, size_t offset, size_t *size);

/**
 * ion_dealer_free_bytes() - total and largest free space.
 * @dealer: the allocator.
 * @total: receives the free bytes, or NULL.
 * @largest: receives the largest free piece, or NULL.
 *
 * Context: any thread.
 */
void ion_dealer_free_bytes(struct ion_dealer *dealer, size_t *total,
			   size_t *largest);

/**
 * ion_dealer_dump() - print the chunk table.
 * @dealer: the allocator.
 * @out: the stream.
 *
 * One line per chunk: offset, size and whether it is free or in use.
 *
 * Context: any thread.
 * Return: the number of chunks, or -errno when writing fails.
 */
int ion_dealer_dump(struct ion_dealer *dealer, FILE *out);

#ifdef __cplusplus
}
#endif

#endif /* _ION_ION_H */
