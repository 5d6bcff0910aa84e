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
 * Switch the driver's legacy ioctls on or off: off, /dev/ion behaves like
 * a 4.12 to 5.10 kernel.  Return: 0 or -errno.
 */
static inline int ion_test_set_legacy_abi(bool on)
{
	int fd, ret = 0;

	fd = open(ION_TEST_LEGACY_ABI, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, on ? "Y\n" : "N\n", 2) != 2)
		ret = -errno;
	close(fd);
	return ret;
}

static inline bool ion_test_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

#endif /* _ION_TEST_UTIL_H */
