/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hon_zone internals shared with the KUnit suite: the zone operations that
 * the file operations wrap, callable without a file.
 */
#ifndef _HON_ZONE_INTERNAL_H
#define _HON_ZONE_INTERNAL_H

#include <linux/types.h>

struct dma_buf;
struct hon_zone;
struct hon_zone_info;
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

#endif /* _HON_ZONE_INTERNAL_H */
