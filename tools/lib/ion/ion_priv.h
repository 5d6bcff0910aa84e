/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libion internals shared by its objects and its tests; never installed.
 */
#ifndef _ION_PRIV_H
#define _ION_PRIV_H

#define ION_HIDDEN __attribute__((visibility("hidden")))

/*
 * Where ion_open() looks.  Defined in paths.c; libion's own tests link
 * libion.a and point these elsewhere to pretend that a kernel has no
 * /dev/ion (the DMA-BUF heaps only case).
 */
extern const char *ion_dev_path ION_HIDDEN;
extern const char *ion_dma_heap_dir ION_HIDDEN;

int ion_fd_check_dmabuf(int fd) ION_HIDDEN;

#endif /* _ION_PRIV_H */
