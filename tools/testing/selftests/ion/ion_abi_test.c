// SPDX-License-Identifier: GPL-2.0
/*
 * ION uapi layout: the ioctl numbers and struct sizes of the legacy ABI
 * (Linux 3.x to 4.11) and the fd ABI (4.12 to 5.10) must be exactly the
 * historical ones, byte for byte.  Checked at compile time (so a wrong
 * header does not even build) and reported at run time.
 */
#include <assert.h>
#include <stddef.h>

#include "ion_test_util.h"
#include "../kselftest_harness.h"

#define ION_ABI_ASSERT(expr) static_assert(expr, #expr)

/* same on every ABI */
ION_ABI_ASSERT(ION_IOC_FREE == 0xC0044901);
ION_ABI_ASSERT(ION_IOC_MAP == 0xC0084902);
ION_ABI_ASSERT(ION_IOC_SHARE == 0xC0084904);
ION_ABI_ASSERT(ION_IOC_IMPORT == 0xC0084905);
ION_ABI_ASSERT(ION_IOC_SYNC == 0xC0084907);
ION_ABI_ASSERT(ION_IOC_NEW_ALLOC == 0xC0184900);
ION_ABI_ASSERT(ION_IOC_HEAP_QUERY == 0xC0184908);
ION_ABI_ASSERT(sizeof(struct ion_new_allocation_data) == 24);
ION_ABI_ASSERT(sizeof(struct ion_heap_query) == 24);
ION_ABI_ASSERT(offsetof(struct ion_heap_query, heaps) == 8);
ION_ABI_ASSERT(sizeof(struct ion_heap_data) == 52);
ION_ABI_ASSERT(offsetof(struct ion_heap_data, type) == 32);
ION_ABI_ASSERT(offsetof(struct ion_heap_data, heap_id) == 36);
ION_ABI_ASSERT(sizeof(ion_user_handle_t) == 4);

#if defined(__LP64__)
ION_ABI_ASSERT(ION_IOC_ALLOC == 0xC0204900);
ION_ABI_ASSERT(ION_IOC_CUSTOM == 0xC0104906);
ION_ABI_ASSERT(sizeof(struct ion_allocation_data) == 32);
ION_ABI_ASSERT(offsetof(struct ion_allocation_data, heap_id_mask) == 16);
ION_ABI_ASSERT(offsetof(struct ion_allocation_data, handle) == 24);
#else
ION_ABI_ASSERT(ION_IOC_ALLOC == 0xC0144900);
ION_ABI_ASSERT(ION_IOC_CUSTOM == 0xC0084906);
ION_ABI_ASSERT(sizeof(struct ion_allocation_data) == 20);
ION_ABI_ASSERT(offsetof(struct ion_allocation_data, handle) == 16);
#endif

ION_ABI_ASSERT(ION_FLAG_CACHED == 1);
ION_ABI_ASSERT(ION_FLAG_CACHED_NEEDS_SYNC == 2);
ION_ABI_ASSERT(ION_HEAP_TYPE_SYSTEM == 0 && ION_HEAP_TYPE_SYSTEM_CONTIG == 1 &&
	       ION_HEAP_TYPE_CARVEOUT == 2 && ION_HEAP_TYPE_CHUNK == 3 &&
	       ION_HEAP_TYPE_DMA == 4 && ION_HEAP_TYPE_CUSTOM == 5);
ION_ABI_ASSERT(ION_HEAP(25) == 0x2000000 && ION_HEAP_SYSTEM_MASK == 1);
ION_ABI_ASSERT(ION_SYSTEM_HEAP_ID == 25 && ION_SYSTEM_CONTIG_HEAP_ID == 21);

TEST(ioctl_numbers)
{
	ksft_print_msg("ALLOC %#lx NEW_ALLOC %#lx HEAP_QUERY %#lx CUSTOM %#lx\n",
		       (unsigned long)ION_IOC_ALLOC, (unsigned long)ION_IOC_NEW_ALLOC,
		       (unsigned long)ION_IOC_HEAP_QUERY, (unsigned long)ION_IOC_CUSTOM);
	EXPECT_EQ(0xC0184900UL, (unsigned long)ION_IOC_NEW_ALLOC);
	EXPECT_EQ(0xC0044901UL, (unsigned long)ION_IOC_FREE);
}

/*
 * Struct-size variants of ioctl 'I' 0: only the two historical ALLOC sizes
 * (and the ILP32 one through compat) are commands; any other size is ENOTTY.
 */
FIXTURE(ion_dev) {
	int fd;
};

FIXTURE_SETUP(ion_dev)
{
	self->fd = open(ION_DEV, O_RDWR | O_CLOEXEC);
	if (self->fd < 0)
		SKIP(return, "%s: %s", ION_DEV, strerror(errno));
}

FIXTURE_TEARDOWN(ion_dev)
{
	if (self->fd >= 0)
		close(self->fd);
}

#define ION_TEST_LENGTH(nr, size, expect)				\
	do {								\
		unsigned char buf[64] = {};				\
		EXPECT_EQ(expect, ion_ioctl(self->fd,			\
			_IOC(_IOC_READ | _IOC_WRITE, 'I', nr, size), buf)); \
	} while (0)

TEST_F(ion_dev, alloc_sizes)
{
	int i;

	for (i = 0; i < 64; i++) {
		if (i == sizeof(struct ion_new_allocation_data) ||
		    i == sizeof(struct ion_allocation_data))
			continue;
		ION_TEST_LENGTH(0, i, -ENOTTY);
	}
	/*
	 * A zeroed ALLOC of either ABI: len 0 is EINVAL, so the command is
	 * known.  A 32-bit process sees the ILP32 legacy size (20), never the
	 * LP64 one, whatever the kernel's word size.
	 */
	ION_TEST_LENGTH(0, sizeof(struct ion_new_allocation_data), -EINVAL);
	ION_TEST_LENGTH(0, sizeof(struct ion_allocation_data), -EINVAL);
}

TEST_F(ion_dev, other_sizes)
{
	int i;

	for (i = 0; i < 64; i++) {
		if (i != 4)
			ION_TEST_LENGTH(1, i, -ENOTTY);
		if (i != 8) {
			ION_TEST_LENGTH(2, i, -ENOTTY);
			ION_TEST_LENGTH(4, i, -ENOTTY);
			ION_TEST_LENGTH(5, i, -ENOTTY);
			ION_TEST_LENGTH(7, i, -ENOTTY);
		}
		if (i != 24)
			ION_TEST_LENGTH(8, i, -ENOTTY);
		if (i != sizeof(struct ion_custom_data))
			ION_TEST_LENGTH(6, i, -ENOTTY);
	}
	ION_TEST_LENGTH(3, 8, -ENOTTY);
	ION_TEST_LENGTH(9, 8, -ENOTTY);
}

TEST_HARNESS_MAIN
