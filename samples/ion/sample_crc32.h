/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zlib's crc32(), bit by bit: what HON_ZONE_CHECKSUM computes in the
 * kernel, so that the samples can check the driver's answer.
 */
#ifndef SAMPLE_CRC32_H
#define SAMPLE_CRC32_H

#include <stddef.h>

static inline unsigned int crc32_update(unsigned int crc,
					const unsigned char *p, size_t len)
{
	int k;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
	}
	return ~crc;
}

#endif /* SAMPLE_CRC32_H */
