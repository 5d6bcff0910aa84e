// SPDX-License-Identifier: GPL-2.0
/*
 * The protection mask of an ION buffer (ION_IOC_BUFFER_PROT): which
 * PROT_READ, PROT_WRITE and PROT_EXEC mappings user space may still make
 * of it, through any of its fds.  The mask only ever loses bits.  It is
 * kept as the bits taken away, so that a new (zeroed) buffer has them all.
 */

#include <linux/atomic.h>
#include <linux/dma-buf.h>
#include <linux/fs.h>
#include <linux/ion.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include "ion_priv.h"

/**
 * ion_prot_get() - the buffer's protection mask
 * @buffer: the buffer
 *
 * Context: any context.
 * Return: the ION_PROT_* bits user space may still map the buffer with.
 */
u32 ion_prot_get(struct ion_buffer *buffer)
{
	return ION_PROT_MASK & ~(u32)atomic_read(&buffer->prot_denied);
}

/**
 * ion_prot_restrict() - restrict the buffer's protection mask
 * @buffer: the buffer
 * @prot: the new mask, a subset of the current one
 *
 * Two callers racing each get their mask or fail; the result is never
 * more than either asked for.
 *
 * Context: any context.
 * Return: 0, or -EINVAL (nothing changed) when @prot has a bit outside
 * ION_PROT_MASK or outside the current mask.
 */
int ion_prot_restrict(struct ion_buffer *buffer, u32 prot)
{
	int denied = atomic_read(&buffer->prot_denied);

	if (prot & ~ION_PROT_MASK)
		return -EINVAL;
	do {
		if (prot & denied)
			return -EINVAL;
	} while (!atomic_try_cmpxchg(&buffer->prot_denied, &denied,
				     denied | (ION_PROT_MASK & ~prot)));
	return 0;
}

/**
 * ion_prot_vm_flags() - check a mapping's flags against a protection mask
 * @prot: the mask, ION_PROT_* bits
 * @vm_flags: the flags of the new mapping
 * @clear: output: the VM_MAY* flags the mapping must lose, so that
 *	mprotect() cannot add what the mask forbids
 *
 * A private mapping keeps its VM_MAY* flags: ION refuses every private
 * mapping that may be written.
 *
 * Context: any context.
 * Return: 0, or -EPERM when @vm_flags ask for a protection outside @prot.
 */
int ion_prot_vm_flags(u32 prot, vm_flags_t vm_flags, vm_flags_t *clear)
{
	vm_flags_t deny = 0, deny_may = 0;

	if (!(prot & ION_PROT_READ)) {
		deny |= VM_READ;
		deny_may |= VM_MAYREAD;
	}
	if (!(prot & ION_PROT_WRITE)) {
		deny |= VM_WRITE;
		deny_may |= VM_MAYWRITE;
	}
	if (!(prot & ION_PROT_EXEC)) {
		deny |= VM_EXEC;
		deny_may |= VM_MAYEXEC;
	}
	*clear = 0;
	if (vm_flags & deny)
		return -EPERM;
	if (vm_flags & VM_SHARED)
		*clear = deny_may;
	return 0;
}

/**
 * ion_prot_mmap() - apply the buffer's protection mask to a new mapping
 * @buffer: the buffer
 * @vma: the mapping being made
 *
 * Context: the mmap path, @vma write-locked.
 * Return: 0, or -EPERM when @vma asks for a protection the mask forbids.
 */
int ion_prot_mmap(struct ion_buffer *buffer, struct vm_area_struct *vma)
{
	vm_flags_t clear;
	int ret;

	ret = ion_prot_vm_flags(ion_prot_get(buffer), vma->vm_flags, &clear);
	if (ret)
		return ret;
	if (clear)
		vm_flags_clear(vma, clear);
	return 0;
}

/**
 * ion_prot_apply() - read, and with ION_BUFFER_PROT_SET restrict, the mask
 * @dmabuf: a dma-buf
 * @writable: the caller's file of @dmabuf is open for writing
 * @flags: ION_BUFFER_PROT_* bits
 * @prot: in: the new mask with ION_BUFFER_PROT_SET; out: the mask after
 *	the call (unchanged on failure)
 *
 * Context: any context.
 * Return: 0; -EINVAL for a dma-buf that is not ION's, an unknown flag or a
 * mask that is not a subset of the current one; -EACCES for
 * ION_BUFFER_PROT_SET through a file that is not open for writing (a
 * read-only view).
 */
int ion_prot_apply(struct dma_buf *dmabuf, bool writable, u32 flags, u32 *prot)
{
	struct ion_buffer *buffer = ion_dma_buf_to_buffer(dmabuf);
	int ret;

	if (!buffer || (flags & ~ION_BUFFER_PROT_FLAGS))
		return -EINVAL;
	if (flags & ION_BUFFER_PROT_SET) {
		if (!writable)
			return -EACCES;
		ret = ion_prot_restrict(buffer, *prot);
		if (ret)
			return ret;
	}
	*prot = ion_prot_get(buffer);
	return 0;
}

/**
 * ion_prot_data_in() - read an ION_IOC_BUFFER_PROT argument
 * @data: output: the argument
 * @uarg: the user's structure
 * @usize: output: its size, from its @size field
 *
 * The structure grows: a smaller one than the driver's fails, a larger one
 * must be 0 beyond the driver's (copy_struct_from_user()).  The first
 * bytes are written back unchanged, so that a structure that cannot be
 * written fails before the mask changes: a mask cannot be given back.
 *
 * Context: process context, may fault.
 * Return: 0; -EINVAL when @size is smaller than the structure, -E2BIG when
 * it is larger than a page or a byte beyond the structure is not 0,
 * -EFAULT.
 */
int ion_prot_data_in(struct ion_buffer_prot_data *data, void __user *uarg,
		     u32 *usize)
{
	int ret;

	if (get_user(*usize, (u32 __user *)uarg))
		return -EFAULT;
	if (*usize < sizeof(*data))
		return -EINVAL;
	if (*usize > PAGE_SIZE)
		return -E2BIG;
	ret = copy_struct_from_user(data, sizeof(*data), uarg, *usize);
	if (ret)
		return ret;
	if (copy_to_user(uarg, data, sizeof(*data)))
		return -EFAULT;
	return 0;
}

/**
 * ion_prot_data_out() - write an ION_IOC_BUFFER_PROT argument back
 * @uarg: the user's structure
 * @usize: its size, as ion_prot_data_in() returned it
 * @data: the argument
 *
 * Context: process context, may fault.
 * Return: 0 or -EFAULT.
 */
int ion_prot_data_out(void __user *uarg, u32 usize,
		      const struct ion_buffer_prot_data *data)
{
	if (copy_to_user(uarg, data, sizeof(*data)) ||
	    clear_user(uarg + sizeof(*data), usize - sizeof(*data)))
		return -EFAULT;
	return 0;
}

/**
 * ion_prot_of_dma_buf() - the protection mask a driver honours for a dma-buf
 * @dmabuf: any dma-buf
 *
 * A driver that writes a buffer on behalf of user space checks for
 * ION_PROT_WRITE here, so that a buffer made read-only with
 * ION_IOC_BUFFER_PROT is not written through it either.
 *
 * Context: any context.
 * Return: the ION_PROT_* mask of an ION buffer (also for a read-only view
 * of one: the buffer's), ION_PROT_MASK for a dma-buf of another exporter.
 */
u32 ion_prot_of_dma_buf(struct dma_buf *dmabuf)
{
	struct ion_buffer *buffer = ion_dma_buf_to_buffer(dmabuf);

	return buffer ? ion_prot_get(buffer) : ION_PROT_MASK;
}
EXPORT_SYMBOL_GPL(ion_prot_of_dma_buf);

/**
 * ion_prot_restrict_dma_buf() - restrict the protection mask of an ION buffer
 * @dmabuf: an ION dma-buf, or a read-only view of one
 * @prot: the new mask, ION_PROT_* bits, a subset of the current one
 *
 * What ION_IOC_BUFFER_PROT with ION_BUFFER_PROT_SET does, for a driver
 * that hands a buffer to user space for reading only.
 *
 * Context: any context.
 * Return: 0, or -EINVAL (nothing changed) for a dma-buf that is not ION's
 * or a @prot that is not a subset of the current mask.
 */
int ion_prot_restrict_dma_buf(struct dma_buf *dmabuf, u32 prot)
{
	struct ion_buffer *buffer = ion_dma_buf_to_buffer(dmabuf);

	return buffer ? ion_prot_restrict(buffer, prot) : -EINVAL;
}
EXPORT_SYMBOL_GPL(ion_prot_restrict_dma_buf);
