/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Helpers shared by libion's tests.
 */
#ifndef _ION_TEST_UTIL_H
#define _ION_TEST_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#define ION_TEST_LEGACY_ABI	"/sys/module/ion/parameters/legacy_abi"

/*
 * The driver's legacy_abi parameter, fixed at boot or module load: off,
 * /dev/ion behaves like a 4.12 to 5.10 kernel.  Return: 1, 0 or -errno.
 */
static inline int ion_test_legacy_abi(void)
{
	int fd, ret;
	char c;

	fd = open(ION_TEST_LEGACY_ABI, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = read(fd, &c, 1) == 1 ? c == 'Y' : -EIO;
	close(fd);
	return ret;
}

static inline bool ion_test_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

#endif /* _ION_TEST_UTIL_H */
