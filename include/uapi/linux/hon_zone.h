/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * hon_zone: user ABI of /dev/hon_zone, a character device that binds a
 * shared buffer (an ION buffer or any other dma-buf) and works on it from
 * kernel space.
 */
#ifndef _UAPI_LINUX_HON_ZONE_H
#define _UAPI_LINUX_HON_ZONE_H

#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * DOC: hon_zone ioctl format and errors
 *
 * Every open of /dev/hon_zone is its own zone.  A zone is unbound after
 * open; HON_ZONE_ION_INIT, HON_ZONE_BIND or HON_ZONE_ION_ALLOC binds one
 * buffer to it, HON_ZONE_ION_DEINIT or the last close() of the zone unbinds
 * it.  While it is bound the zone holds its own reference on the buffer and
 * a kernel mapping of it, so the buffer stays alive when user space has
 * closed all its file descriptors and freed its ION handles.
 *
 * read(), write(), pread(), pwrite() and lseek() access the bound buffer
 * through the kernel mapping, bracketed by DMA_BUF begin/end CPU access.
 * Reading at or past the end returns 0; writing at or past the end fails
 * with ENOSPC; a write that crosses the end is short.  Both fail with ENXIO
 * on an unbound zone and with EFAULT when no byte could be copied.  Writes
 * (write(), pwrite(), HON_ZONE_FILL) fail with EPERM when the buffer is an
 * ION buffer whose protection mask (ION_IOC_BUFFER_PROT) has lost
 * ION_PROT_WRITE; reading and HON_ZONE_CHECKSUM still work.
 *
 * The structures have fixed-width fields and are padded to 64 bits.  Fields
 * named reserved must be 0, otherwise the ioctl fails with EINVAL.
 *
 * HON_ZONE_ION_INIT and HON_ZONE_ION_DEINIT are the fixed ABI that existing
 * programs use: their numbers, bare int argument included, never change.
 * The ioctls that take a structure (HON_ZONE_BIND, HON_ZONE_GET_INFO,
 * HON_ZONE_ION_ALLOC, HON_ZONE_FILL, HON_ZONE_CHECKSUM) can grow: the
 * driver dispatches them on the ioctl number and takes the size of the
 * argument from the command (_IOC_SIZE), so that a program built against
 * another version of this header keeps working:
 *
 *  - a larger structure (a newer program) is accepted when every byte
 *    beyond the structure the driver knows is 0, and fails with E2BIG
 *    otherwise; on output the driver writes 0 to those bytes;
 *  - a smaller structure (an older program) is accepted down to the end of
 *    its last field that is not reserved: the missing bytes read as 0 and
 *    the driver writes only the bytes the program passed; a structure
 *    shorter than that fails with EINVAL.
 *
 * Errors common to every ioctl:
 *
 *  - ENOTTY: the ioctl number is not one of the numbers below, or its
 *    direction bits differ from the ones below.
 *  - EFAULT: the argument pointer cannot be read or written.
 *  - EINVAL: a reserved field is not 0, a flag is unknown, a field has a
 *    value out of range, or the structure is shorter than the oldest one.
 *  - E2BIG: the structure is larger than the driver's and a byte beyond the
 *    driver's structure is not 0.
 *  - ENXIO: the ioctl needs a bound zone and the zone is not bound.
 *  - EINTR: a fatal signal arrived while waiting for the zone or while
 *    working on a large buffer.
 *  - ENOMEM: out of memory.
 *
 * The errors specific to each ioctl are listed with it.
 */

#define HON_ZONE_IOC_MAGIC	0xB9

/**
 * define HON_ZONE_ION_INIT - bind a shared buffer to the zone
 *
 * The argument points to an int holding a dma-buf file descriptor of the
 * calling process (an ION buffer's shared fd or any other dma-buf, such as
 * one from a DMA-BUF heap or udmabuf).  The zone takes its own reference on
 * the buffer and maps all of it into the kernel; the caller may close the fd
 * afterwards.  ION buffers are imported through the ION in-kernel client
 * API, other buffers are mapped through the dma-buf vmap interface.
 *
 * Errors: EBUSY when the zone is already bound; EBADF when the fd is not
 * open; EINVAL when it is not a dma-buf; EACCES when it is a read-only fd
 * (ION_IOC_SHARE_RO); EFBIG when the buffer is larger than
 * the module parameter max_buffer_size; EOPNOTSUPP when the buffer's
 * exporter gives no kernel mapping in system memory; other errors of the
 * exporter's vmap operation.
 */
#define HON_ZONE_ION_INIT	_IOW(HON_ZONE_IOC_MAGIC, 0x00, int)

/**
 * define HON_ZONE_ION_DEINIT - unbind the zone's buffer
 *
 * Unmaps the buffer and drops the zone's references.  The zone can be bound
 * again.  No argument.
 *
 * Errors: ENXIO when the zone is not bound.
 */
#define HON_ZONE_ION_DEINIT	_IO(HON_ZONE_IOC_MAGIC, 0x01)

/* Bits of hon_zone_bind_data.flags. */
/* Bind only an ION buffer: a dma-buf of another exporter fails with EXDEV. */
#define HON_ZONE_BIND_ION_ONLY		(1U << 0)
/* Every flag this version of the driver knows. */
#define HON_ZONE_BIND_FLAGS		HON_ZONE_BIND_ION_ONLY

/**
 * struct hon_zone_bind_data - argument of HON_ZONE_BIND
 * @fd: a dma-buf file descriptor of the calling process, as for
 *      HON_ZONE_ION_INIT (input)
 * @flags: HON_ZONE_BIND_* bits (input)
 * @reserved: must be 0
 *
 * HON_ZONE_BIND does what HON_ZONE_ION_INIT does, with room to grow: flags
 * and a structure that later versions can extend.  The oldest structure
 * accepted ends after @flags.
 *
 * Errors: those of HON_ZONE_ION_INIT; EINVAL when @flags has a bit outside
 * HON_ZONE_BIND_FLAGS or @reserved is not 0; EXDEV with
 * HON_ZONE_BIND_ION_ONLY when the buffer is not an ION buffer.
 */
struct hon_zone_bind_data {
	__u32 fd;
	__u32 flags;
	__u64 reserved;
};

#define HON_ZONE_BIND		_IOW(HON_ZONE_IOC_MAGIC, 0x06, struct hon_zone_bind_data)

/* Bits of hon_zone_info.state. */
/* The zone has a buffer bound. */
#define HON_ZONE_STATE_BOUND		(1U << 0)
/* The bound buffer is an ION buffer: heap_id and ion_flags are valid. */
#define HON_ZONE_STATE_ION		(1U << 1)
/* The bound buffer was allocated by HON_ZONE_ION_ALLOC. */
#define HON_ZONE_STATE_KERNEL_ALLOC	(1U << 2)

/**
 * struct hon_zone_info - argument of HON_ZONE_GET_INFO (output only)
 * @size: size in bytes of the bound buffer, 0 when the zone is not bound
 * @ion_flags: ION allocation flags (ION_FLAG_*) of the buffer when
 *             HON_ZONE_STATE_ION is set, otherwise 0
 * @state: HON_ZONE_STATE_* bits
 * @heap_id: ION heap id (not mask) of the buffer when HON_ZONE_STATE_ION is
 *           set, otherwise 0
 * @reserved: written as 0
 *
 * HON_ZONE_GET_INFO never fails on a valid pointer; on an unbound zone it
 * returns a structure of zeros.  The oldest structure accepted ends after
 * @heap_id.
 */
struct hon_zone_info {
	__u64 size;
	__u64 ion_flags;
	__u32 state;
	__u32 heap_id;
	__u64 reserved;
};

#define HON_ZONE_GET_INFO	_IOR(HON_ZONE_IOC_MAGIC, 0x02, struct hon_zone_info)

/**
 * struct hon_zone_alloc_data - argument of HON_ZONE_ION_ALLOC
 * @len: size of the buffer in bytes (input), rounded up to pages by ION
 * @heap_id_mask: ION heap id mask, e.g. ION_HEAP_SYSTEM_MASK (input)
 * @flags: ION allocation flags, e.g. ION_FLAG_CACHED (input)
 * @fd: the buffer's new dma-buf file descriptor, opened with O_CLOEXEC and
 *      O_RDWR, usable with mmap() (output; the input value is ignored)
 * @reserved: must be 0
 *
 * The zone allocates the buffer itself through the ION client API, binds it
 * and returns a shared fd of it.  The fd is installed only when everything
 * else succeeded.  The oldest structure accepted ends after @fd.
 *
 * Errors: EBUSY when the zone is already bound; EINVAL when @len is 0 or
 * @reserved is not 0; EFBIG when @len is larger than the module parameter
 * max_buffer_size; ENODEV when no heap of @heap_id_mask exists; EMFILE when
 * the process has no free file descriptor; errors of ion_alloc().
 */
struct hon_zone_alloc_data {
	__u64 len;
	__u32 heap_id_mask;
	__u32 flags;
	__u32 fd;
	__u32 reserved;
};

#define HON_ZONE_ION_ALLOC	_IOWR(HON_ZONE_IOC_MAGIC, 0x03, struct hon_zone_alloc_data)

/**
 * struct hon_zone_fill_data - argument of HON_ZONE_FILL
 * @offset: first byte of the range in the bound buffer
 * @len: length of the range in bytes; 0 does nothing
 * @pattern: the byte written to every byte of the range, in bits 0-7; bits
 *           8-31 must be 0
 * @reserved: must be 0
 *
 * The kernel writes @pattern over the range through its own mapping, in
 * bounded chunks; a fatal signal stops it with EINTR (part of the range may
 * then be written).  The oldest structure accepted ends after @pattern.
 *
 * Errors: ENXIO when the zone is not bound; EINVAL when the range does not
 * lie inside the buffer, @pattern > 0xff or @reserved is not 0; EPERM when
 * the buffer's ION protection mask has no ION_PROT_WRITE.
 */
struct hon_zone_fill_data {
	__u64 offset;
	__u64 len;
	__u32 pattern;
	__u32 reserved;
};

#define HON_ZONE_FILL		_IOW(HON_ZONE_IOC_MAGIC, 0x04, struct hon_zone_fill_data)

/**
 * struct hon_zone_checksum_data - argument of HON_ZONE_CHECKSUM
 * @offset: first byte of the range in the bound buffer
 * @len: length of the range in bytes; 0 returns @crc unchanged
 * @crc: input: the CRC of the data before the range (0 to start);
 *       output: the CRC updated with the range
 * @reserved: must be 0
 *
 * The CRC is the CRC-32 of IEEE 802.3 (polynomial 0xedb88320 reflected,
 * initial value and final xor 0xffffffff), the same as zlib's
 * crc32(crc, buf, len), so ranges can be chained.  The kernel reads the
 * range through its own mapping, in bounded chunks; a fatal signal stops it
 * with EINTR.  The oldest structure accepted ends after @crc.
 *
 * Errors: ENXIO when the zone is not bound; EINVAL when the range does not
 * lie inside the buffer or @reserved is not 0.
 */
struct hon_zone_checksum_data {
	__u64 offset;
	__u64 len;
	__u32 crc;
	__u32 reserved;
};

#define HON_ZONE_CHECKSUM	_IOWR(HON_ZONE_IOC_MAGIC, 0x05, struct hon_zone_checksum_data)

#endif /* _UAPI_LINUX_HON_ZONE_H */
