// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The device paths ion_open() tries, in an object of their own so that
 * libion's tests can redirect them (see ion_priv.h).
 */
#include "ion_priv.h"

const char *ion_dev_path = "/dev/ion";
const char *ion_dma_heap_dir = "/dev/dma_heap";
