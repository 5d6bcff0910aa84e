/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libion's ashmem: the C interface of Android's libcutils ashmem
 * (<cutils/ashmem.h>), with its signatures and return values, over ION.
 * A region is a named buffer of ION's system heap; its descriptor is a
 * dma-buf fd, shared with other processes as an ashmem fd was (binder,
 * SCM_RIGHTS, fork) and mapped with mmap().  fstat() gives its size.
 *
 * Return values are ashmem's: a descriptor, a size or 0 on success, -1
 * with errno set on failure (where libcutils aborts the process on a
 * descriptor that is not ashmem, these fail with ENOTTY).  Differences
 * that follow from ION:
 *
 *  - a region's size is rounded up to pages when it is created (ashmem
 *    rounds when it is mapped), and a size of 0 fails with EINVAL;
 *  - names are cut to 31 bytes (DMA_BUF_SET_NAME) where ashmem kept 255;
 *    they show in /proc/PID/maps as /dmabuf:NAME and in fdinfo;
 *  - memory is never purged: pinning and unpinning check their range and
 *    report ASHMEM_NOT_PURGED, as libcutils does over memfd;
 *  - regions need /dev/ion (ION_IOC_BUFFER_PROT for the protection).
 *
 * Programs include <cutils/ashmem.h> and link with -lion (pkg-config
 * libion).
 */
#ifndef _ION_CUTILS_ASHMEM_H
#define _ION_CUTILS_ASHMEM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* As <linux/ashmem.h> has them, unless it was included first. */
#ifndef __ASHMEMIOC
#define ASHMEM_NAME_LEN		256
#define ASHMEM_NOT_PURGED	0
#define ASHMEM_WAS_PURGED	1
#define ASHMEM_IS_UNPINNED	0
#define ASHMEM_IS_PINNED	1
#endif

/**
 * ashmem_valid() - is @fd a region these functions work on?
 * @fd: any descriptor.
 *
 * Context: any thread.
 * Return: 1 for a dma-buf fd of an ION buffer (a region, or any other ION
 * buffer), 0 otherwise (also for a closed fd, or without /dev/ion).
 */
int ashmem_valid(int fd);

/**
 * ashmem_create_region() - create a region.
 * @name: a label (shown in /proc/PID/maps and fdinfo), or NULL.
 * @size: its size in bytes, rounded up to pages.
 *
 * The region is zeroed, cached, from ION's system heap, with every
 * protection (PROT_READ | PROT_WRITE | PROT_EXEC) allowed.  The
 * descriptor is close-on-exec and open for reading and writing.
 *
 * Context: any thread.
 * Return: the descriptor, or -1 with errno: ENOENT (no /dev/ion), EINVAL
 * (@size 0 or too large), ENOMEM, EMFILE, or another error of ION.
 */
int ashmem_create_region(const char *name, size_t size);

/**
 * ashmem_set_prot_region() - restrict what the region can be mapped with.
 * @fd: a region.
 * @prot: PROT_* bits; only bits the region still allows.
 *
 * As ASHMEM_SET_PROT_MASK: from then on mmap() of the region asking for
 * more than @prot fails with EPERM, through every descriptor of it in
 * every process; mappings made before keep working; protection can be
 * dropped, never raised.
 *
 * Context: any thread.
 * Return: 0, or -1 with errno: EINVAL (@prot adds a bit, or an unknown
 * one), EACCES (a read-only view of the region), ENOTTY (not a region).
 */
int ashmem_set_prot_region(int fd, int prot);

/**
 * ashmem_pin_region() - pin pages of the region.
 * @fd: a region.
 * @offset: page-aligned start.
 * @len: page-aligned length; 0 means up to the end of the region.
 *
 * ION never purges memory, so pinning only checks the range.
 *
 * Context: any thread.
 * Return: ASHMEM_NOT_PURGED, or -1 with errno: EINVAL (range not page
 * aligned or not inside the region), ENOTTY (not a region).
 */
int ashmem_pin_region(int fd, size_t offset, size_t len);

/**
 * ashmem_unpin_region() - unpin pages of the region.
 * @fd: a region.
 * @offset: page-aligned start.
 * @len: page-aligned length; 0 means up to the end of the region.
 *
 * The pages stay as they are: ION never purges them.
 *
 * Context: any thread.
 * Return: ASHMEM_IS_UNPINNED (0), or -1 with errno as ashmem_pin_region().
 */
int ashmem_unpin_region(int fd, size_t offset, size_t len);

/**
 * ashmem_get_size_region() - the region's size.
 * @fd: a region.
 *
 * Context: any thread.
 * Return: the size in bytes (a multiple of the page size), or -1 with
 * errno: ENOTTY (not a region), EOVERFLOW (larger than INT_MAX).
 */
int ashmem_get_size_region(int fd);

#ifdef __cplusplus
}
#endif

#endif /* _ION_CUTILS_ASHMEM_H */
