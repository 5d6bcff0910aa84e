/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ION memory allocator user ABI: /dev/ion.
 *
 * One device node serves two generations of user space: the legacy handle
 * ABI of Linux 3.x to 4.11 (ALLOC returns a handle, SHARE/MAP turn it into a
 * dma-buf fd) and the fd ABI of Linux 4.12 to 5.10 (ALLOC returns a dma-buf
 * fd, HEAP_QUERY lists the heaps).  Their ALLOC structs differ in size, so
 * their ioctl numbers differ and both are accepted.
 */
#ifndef _UAPI_LINUX_ION_H
#define _UAPI_LINUX_ION_H

#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * DOC: ION errno contract
 *
 * Every ioctl of /dev/ion returns 0 or -1 with errno set:
 *
 *  - ENOTTY: unknown ioctl number; the legacy-only ioctls (ION_IOC_ALLOC,
 *    ION_IOC_FREE, ION_IOC_SHARE, ION_IOC_MAP, ION_IOC_IMPORT and
 *    ION_IOC_CUSTOM) when the module parameter ion.legacy_abi is 0, as on
 *    Linux 4.12 to 5.10; ION_IOC_CUSTOM with no handler registered.
 *  - EFAULT: the argument pointer (or &ion_heap_query.heaps) faults; an
 *    allocation, handle or fd made by the call is undone first.
 *  - EINVAL: len is 0 or overflows when rounded up to pages; unknown bits in
 *    flags; align not accepted by the heap; a handle that does not exist in
 *    this file's table (including 0 and freed handles); an fd that is not a
 *    dma-buf (memfd, pipe, eventfd, socket); a dma-buf of another exporter
 *    given to ION_IOC_IMPORT; non-zero reserved fields in
 *    &struct ion_heap_query; ion_heap_query.cnt is 0 with a non-NULL heaps.
 *  - EBADF: the fd given to ION_IOC_IMPORT or ION_IOC_SYNC is not open.
 *  - ENODEV: heap_id_mask is 0 or names no registered heap.
 *  - ENOMEM: the buffer is larger than every heap in heap_id_mask can ever
 *    hold, larger than half of RAM, or memory ran out (the OOM killer is not
 *    woken for it).
 *  - EMFILE: the fd table is full; nothing is allocated or leaked.
 *  - EINTR: a large allocation was interrupted by a fatal signal.
 */

/**
 * typedef ion_user_handle_t - legacy handle: an id in the file's handle table
 *
 * Handles start at 1 and are only meaningful for the /dev/ion file that
 * returned them.  0 is never a valid handle.
 */
typedef __s32 ion_user_handle_t;

/**
 * enum ion_heap_type - the type of a heap, as reported by ION_IOC_HEAP_QUERY
 * @ION_HEAP_TYPE_SYSTEM: pages from the page allocator, not contiguous
 * @ION_HEAP_TYPE_SYSTEM_CONTIG: physically contiguous pages (kmalloc style)
 * @ION_HEAP_TYPE_CARVEOUT: memory reserved at boot, managed by a gen_pool
 * @ION_HEAP_TYPE_CHUNK: memory reserved at boot, handed out in fixed chunks
 * @ION_HEAP_TYPE_DMA: memory from the DMA API (CMA)
 * @ION_HEAP_TYPE_CUSTOM: first type for platform specific heaps
 */
enum ion_heap_type {
	ION_HEAP_TYPE_SYSTEM = 0,
	ION_HEAP_TYPE_SYSTEM_CONTIG = 1,
	ION_HEAP_TYPE_CARVEOUT = 2,
	ION_HEAP_TYPE_CHUNK = 3,
	ION_HEAP_TYPE_DMA = 4,
	ION_HEAP_TYPE_CUSTOM = 5
};

/* heap_id_mask bit of a heap id */
#define ION_HEAP(bit)			(1U << (bit))
#define ION_NUM_HEAP_IDS		32

/*
 * Heap ids.  The built-in heaps use id == type, as the board files did.
 * The Qualcomm (msm) ids are accepted as aliases in heap_id_mask: 25 is the
 * system heap and 21 the contiguous heap; the other msm ids are for heaps a
 * platform registers under those ids.
 */
#define ION_HEAP_SYSTEM_MASK		ION_HEAP(ION_HEAP_TYPE_SYSTEM)
#define ION_HEAP_SYSTEM_CONTIG_MASK	ION_HEAP(ION_HEAP_TYPE_SYSTEM_CONTIG)
#define ION_HEAP_CARVEOUT_MASK		ION_HEAP(ION_HEAP_TYPE_CARVEOUT)
#define ION_HEAP_TYPE_DMA_MASK		ION_HEAP(ION_HEAP_TYPE_DMA)

#define ION_CP_MM_HEAP_ID		8
#define ION_SECURE_HEAP_ID		9
#define ION_SECURE_DISPLAY_HEAP_ID	10
#define ION_CP_MFC_HEAP_ID		12
#define ION_SPSS_HEAP_ID		13
#define ION_SECURE_CARVEOUT_HEAP_ID	14
#define ION_CP_WB_HEAP_ID		16
#define ION_QSECOM_TA_HEAP_ID		19
#define ION_CAMERA_HEAP_ID		20
#define ION_SYSTEM_CONTIG_HEAP_ID	21
#define ION_ADSP_HEAP_ID		22
#define ION_PIL1_HEAP_ID		23
#define ION_SF_HEAP_ID			24
#define ION_SYSTEM_HEAP_ID		25
#define ION_IOMMU_HEAP_ID		ION_SYSTEM_HEAP_ID
#define ION_PIL2_HEAP_ID		26
#define ION_QSECOM_HEAP_ID		27
#define ION_AUDIO_HEAP_ID		28
#define ION_MM_FIRMWARE_HEAP_ID		29

/* Buffer flags */
#define ION_FLAG_CACHED			1	/* CPU mappings are cached */
#define ION_FLAG_CACHED_NEEDS_SYNC	2	/* user space syncs explicitly */
#define ION_FLAGS_VALID			(ION_FLAG_CACHED | ION_FLAG_CACHED_NEEDS_SYNC)

/**
 * struct ion_allocation_data - legacy ION_IOC_ALLOC argument
 * @len: size of the allocation, rounded up to pages
 * @align: required alignment; honoured by heaps that can (contiguous,
 *	carveout, CMA); the system heap accepts any value up to PAGE_SIZE
 * @heap_id_mask: mask of heap ids (or msm alias ids) to allocate from
 * @flags: ION_FLAG_* bits
 * @handle: output: the new handle
 *
 * Layout of Linux 3.x to 4.11 (32 bytes on 64-bit, 20 bytes on ILP32).
 * Errors: EINVAL, ENODEV, ENOMEM, EINTR, EFAULT (see the errno contract).
 */
struct ion_allocation_data {
	__kernel_size_t len;
	__kernel_size_t align;
	unsigned int heap_id_mask;
	unsigned int flags;
	ion_user_handle_t handle;
};

/**
 * struct ion_fd_data - legacy SHARE, MAP, IMPORT and SYNC argument
 * @handle: SHARE/MAP: the handle to export; IMPORT: output handle
 * @fd: SHARE/MAP: output dma-buf fd (O_CLOEXEC); IMPORT/SYNC: input fd
 *
 * Errors: EINVAL (bad handle, fd not a dma-buf, foreign dma-buf for IMPORT),
 * EBADF (closed fd), EMFILE, EFAULT.
 */
struct ion_fd_data {
	ion_user_handle_t handle;
	int fd;
};

/**
 * struct ion_handle_data - legacy ION_IOC_FREE argument
 * @handle: the handle whose user count to drop
 *
 * Errors: EINVAL for a handle that does not exist (0 included), EFAULT.
 */
struct ion_handle_data {
	ion_user_handle_t handle;
};

/**
 * struct ion_custom_data - legacy ION_IOC_CUSTOM argument
 * @cmd: platform specific command
 * @arg: platform specific argument, usually a user pointer
 *
 * Errors: ENOTTY when the platform registered no custom handler; otherwise
 * whatever the handler returns.
 */
struct ion_custom_data {
	unsigned int cmd;
	unsigned long arg;
};

/**
 * struct ion_new_allocation_data - 4.12 ION_IOC_NEW_ALLOC argument
 * @len: size of the allocation, rounded up to pages
 * @heap_id_mask: mask of heap ids from ION_IOC_HEAP_QUERY (msm ids accepted)
 * @flags: ION_FLAG_* bits
 * @fd: output: a dma-buf fd (O_CLOEXEC); its input value is ignored
 * @unused: ignored, as the 4.12 to 5.10 kernels did
 *
 * Errors: EINVAL, ENODEV, ENOMEM, EINTR, EMFILE, EFAULT.
 */
struct ion_new_allocation_data {
	__u64 len;
	__u32 heap_id_mask;
	__u32 flags;
	__u32 fd;
	__u32 unused;
};

#define MAX_HEAP_NAME			32

/**
 * struct ion_heap_data - one heap in the ION_IOC_HEAP_QUERY answer
 * @name: heap name, NUL terminated
 * @type: enum ion_heap_type
 * @heap_id: heap id, the bit to set in heap_id_mask
 * @reserved0: zero
 * @reserved1: zero
 * @reserved2: zero
 */
struct ion_heap_data {
	char name[MAX_HEAP_NAME];
	__u32 type;
	__u32 heap_id;
	__u32 reserved0;
	__u32 reserved1;
	__u32 reserved2;
};

/**
 * struct ion_heap_query - ION_IOC_HEAP_QUERY argument
 * @cnt: input: entries available at @heaps; output: entries written, or
 *	the number of heaps when @heaps is 0
 * @reserved0: must be zero
 * @heaps: user pointer to an array of &struct ion_heap_data, or 0
 * @reserved1: must be zero
 * @reserved2: must be zero
 *
 * Errors: EINVAL (reserved fields, @cnt 0 with @heaps set), EFAULT.
 */
struct ion_heap_query {
	__u32 cnt;
	__u32 reserved0;
	__u64 heaps;
	__u32 reserved1;
	__u32 reserved2;
};

/**
 * struct ion_share_ro_data - ION_IOC_SHARE_RO argument
 * @fd: input: a dma-buf fd of an ION buffer (from SHARE, MAP, NEW_ALLOC,
 *	or an earlier SHARE_RO)
 * @flags: must be zero
 * @ro_fd: output: a new dma-buf fd (O_RDONLY, O_CLOEXEC) over the same
 *	memory, named as the buffer is.  mmap() of it with PROT_WRITE fails
 *	with EACCES, and ION_IOC_IMPORT (and the drivers that import through
 *	ION) refuse it with EACCES; reading, SYNC and DMA_BUF_IOCTL_SYNC work.
 *	The buffer lives while the read-only fd does.
 * @reserved: must be zero
 *
 * An ION extension (as ashmem's ASHMEM_SET_PROT_MASK was for ashmem),
 * available whatever ABI the caller otherwise uses.
 *
 * Errors: EBADF (@fd not open), EINVAL (@fd not an ION dma-buf, @flags or
 * @reserved not zero), ENOMEM, EMFILE, EFAULT.
 */
struct ion_share_ro_data {
	__s32 fd;
	__u32 flags;
	__s32 ro_fd;
	__u32 reserved;
};

/*
 * Protection bits of an ION buffer (ION_IOC_BUFFER_PROT): the values of
 * PROT_READ, PROT_WRITE and PROT_EXEC of <sys/mman.h>.
 */
#define ION_PROT_READ		0x1
#define ION_PROT_WRITE		0x2
#define ION_PROT_EXEC		0x4
#define ION_PROT_MASK		(ION_PROT_READ | ION_PROT_WRITE | ION_PROT_EXEC)

/* Bits of ion_buffer_prot_data.flags. */
/* Restrict the buffer's mask to ion_buffer_prot_data.prot. */
#define ION_BUFFER_PROT_SET	(1U << 0)
/* Every flag this version of the driver knows. */
#define ION_BUFFER_PROT_FLAGS	ION_BUFFER_PROT_SET

/**
 * struct ion_buffer_prot_data - ION_IOC_BUFFER_PROT argument
 * @size: input: the size of this structure as the caller knows it,
 *	sizeof(struct ion_buffer_prot_data) of its header
 * @flags: input: ION_BUFFER_PROT_* bits; 0 only reads the mask
 * @fd: input: a dma-buf fd of an ION buffer, or of a read-only view of one
 *	(ION_IOC_SHARE_RO)
 * @prot: with ION_BUFFER_PROT_SET, input: the new mask of ION_PROT_* bits;
 *	output, always: the buffer's mask after the call
 *
 * Every ION buffer has one protection mask, shared by all its fds in every
 * process (the fd of the allocation, SHARE, MAP, read-only views, the
 * /dev/dma_heap/ion-<heap> nodes), as an ashmem region had with
 * ASHMEM_SET_PROT_MASK.  A buffer starts with ION_PROT_MASK.  The mask can
 * only lose bits: ION_BUFFER_PROT_SET with a @prot that is not a subset of
 * the current mask fails and changes nothing.
 *
 * From then on, mmap() of any fd of the buffer asking for a protection
 * outside the mask fails with EPERM, and a shared mapping made afterwards
 * cannot be given such a protection with mprotect() (EACCES).  Mappings
 * made before keep their protection, as on ashmem.  hon_zone refuses to
 * write a buffer without ION_PROT_WRITE (write(), pwrite(), HON_ZONE_FILL
 * fail with EPERM).  The mask does not restrict devices (DMA) or the kernel
 * mappings of other importers.
 *
 * The structure can grow: a later version adds fields at its end and
 * callers set @size to the size they know, with the same ioctl number.  A
 * larger @size is accepted when every byte beyond the structure the driver
 * knows is 0; the driver writes back at most @size bytes.
 *
 * Errors: EBADF (@fd not open); EINVAL (@fd is not a dma-buf or not an ION
 * buffer; @size smaller than this structure; unknown @flags; with
 * ION_BUFFER_PROT_SET a @prot bit outside ION_PROT_MASK or outside the
 * current mask); E2BIG (@size larger than a page, or a non-zero byte
 * beyond this structure); EACCES (ION_BUFFER_PROT_SET through a read-only
 * view); EFAULT.
 */
struct ion_buffer_prot_data {
	__u32 size;
	__u32 flags;
	__s32 fd;
	__u32 prot;
};

#define ION_IOC_MAGIC		'I'

/* Legacy handle ABI (Linux 3.x to 4.11) */
#define ION_IOC_ALLOC		_IOWR(ION_IOC_MAGIC, 0, struct ion_allocation_data)
#define ION_IOC_FREE		_IOWR(ION_IOC_MAGIC, 1, struct ion_handle_data)
#define ION_IOC_MAP		_IOWR(ION_IOC_MAGIC, 2, struct ion_fd_data)
#define ION_IOC_SHARE		_IOWR(ION_IOC_MAGIC, 4, struct ion_fd_data)
#define ION_IOC_IMPORT		_IOWR(ION_IOC_MAGIC, 5, struct ion_fd_data)
#define ION_IOC_CUSTOM		_IOWR(ION_IOC_MAGIC, 6, struct ion_custom_data)
#define ION_IOC_SYNC		_IOWR(ION_IOC_MAGIC, 7, struct ion_fd_data)

/* fd ABI (Linux 4.12 to 5.10) */
#define ION_IOC_NEW_ALLOC	_IOWR(ION_IOC_MAGIC, 0, struct ion_new_allocation_data)
#define ION_IOC_HEAP_QUERY	_IOWR(ION_IOC_MAGIC, 8, struct ion_heap_query)

/* Extensions of this driver, with either ABI */
#define ION_IOC_SHARE_RO	_IOWR(ION_IOC_MAGIC, 16, struct ion_share_ro_data)
#define ION_IOC_BUFFER_PROT	_IOWR(ION_IOC_MAGIC, 17, struct ion_buffer_prot_data)

#endif /* _UAPI_LINUX_ION_H */
