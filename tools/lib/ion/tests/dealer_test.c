// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Unit tests of libion's MemoryDealer-style sub-allocator.  Pure user
 * space: no device is needed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ion/ion.h>

#include "kselftest_harness.h"

FIXTURE(dealer) {
	struct ion_dealer *d;
};

FIXTURE_SETUP(dealer)
{
	/* 4 KiB in 32-byte units, the MemoryDealer default alignment */
	ASSERT_EQ(0, ion_dealer_create(4096, 0, "test", &self->d));
}

FIXTURE_TEARDOWN(dealer)
{
	ion_dealer_destroy(self->d);
}

TEST(create_rejects_zero_size)
{
	struct ion_dealer *d = NULL;

	EXPECT_EQ(-EINVAL, ion_dealer_create(0, 0, NULL, &d));
	EXPECT_EQ(NULL, d);
}

TEST(create_rejects_size_below_alignment)
{
	struct ion_dealer *d = NULL;

	EXPECT_EQ(-EINVAL, ion_dealer_create(31, 32, NULL, &d));
}

TEST(create_rejects_non_power_of_two_alignment)
{
	struct ion_dealer *d = NULL;

	EXPECT_EQ(-EINVAL, ion_dealer_create(4096, 48, NULL, &d));
}

TEST(create_rejects_null_result)
{
	EXPECT_EQ(-EINVAL, ion_dealer_create(4096, 0, NULL, NULL));
}

TEST(destroy_null_is_noop)
{
	ion_dealer_destroy(NULL);
}

TEST_F(dealer, first_allocation_at_zero)
{
	size_t off = 1, size;

	ASSERT_EQ(0, ion_dealer_alloc(self->d, 100, &off));
	EXPECT_EQ(0, off);
	ASSERT_EQ(0, ion_dealer_size(self->d, off, &size));
	EXPECT_EQ(128, size);	/* rounded up to 32 */
}

TEST_F(dealer, offsets_are_aligned_and_disjoint)
{
	size_t off[10], i, j, s1, s2;

	for (i = 0; i < 10; i++) {
		ASSERT_EQ(0, ion_dealer_alloc(self->d, 1 + i * 37, &off[i]));
		EXPECT_EQ(0, off[i] % 32);
	}
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(0, ion_dealer_size(self->d, off[i], &s1));
		for (j = i + 1; j < 10; j++) {
			ASSERT_EQ(0, ion_dealer_size(self->d, off[j], &s2));
			EXPECT_TRUE(off[i] + s1 <= off[j] || off[j] + s2 <= off[i]);
		}
	}
}

TEST_F(dealer, alloc_rejects_zero_size)
{
	size_t off;

	EXPECT_EQ(-EINVAL, ion_dealer_alloc(self->d, 0, &off));
}

TEST_F(dealer, alloc_rejects_null_offset)
{
	EXPECT_EQ(-EINVAL, ion_dealer_alloc(self->d, 32, NULL));
}

TEST_F(dealer, alloc_too_large_is_enomem)
{
	size_t off;

	EXPECT_EQ(-ENOMEM, ion_dealer_alloc(self->d, 4097, &off));
}

TEST_F(dealer, alloc_overflowing_size_is_enomem)
{
	size_t off;

	EXPECT_EQ(-ENOMEM, ion_dealer_alloc(self->d, (size_t)-1, &off));
}

TEST_F(dealer, whole_range_then_full)
{
	size_t off, total, largest;

	ASSERT_EQ(0, ion_dealer_alloc(self->d, 4096, &off));
	EXPECT_EQ(0, off);
	EXPECT_EQ(-ENOMEM, ion_dealer_alloc(self->d, 1, &off));
	ion_dealer_free_bytes(self->d, &total, &largest);
	EXPECT_EQ(0, total);
	EXPECT_EQ(0, largest);
}

TEST_F(dealer, best_fit_picks_smallest_hole)
{
	size_t a, b, c, d, e, off;

	/* holes of 256 at a and 64 at c, separated by used chunks */
	ASSERT_EQ(0, ion_dealer_alloc(self->d, 256, &a));
	ASSERT_EQ(0, ion_dealer_alloc(self->d, 32, &b));
	ASSERT_EQ(0, ion_dealer_alloc(self->d, 64, &c));
	ASSERT_EQ(0, ion_dealer_alloc(self->d, 32, &d));
	ASSERT_EQ(0, ion_dealer_free(self->d, a));
	ASSERT_EQ(0, ion_dealer_free(self->d, c));
	ASSERT_EQ(0, ion_dealer_alloc(self->d, 50, &off));
	EXPECT_EQ(c, off);
	ASSERT_EQ(0, ion_dealer_alloc(self->d, 200, &e));
	EXPECT_EQ(a, e);
}

TEST_F(dealer, free_merges_neighbours)
{
	size_t a, b, c, total, largest;

	ASSERT_EQ(0, ion_dealer_alloc(self->d, 1024, &a));
	ASSERT_EQ(0, ion_dealer_alloc(self->d, 1024, &b));
	ASSERT_EQ(0, ion_dealer_alloc(self->d, 1024, &c));
	ASSERT_EQ(0, ion_dealer_free(self->d, a));
	ASSERT_EQ(0, ion_dealer_free(self->d, c));
	ion_dealer_free_bytes(self->d, &total, &largest);
	EXPECT_EQ(3072, total);
	EXPECT_EQ(2048, largest);	/* c merged with the tail */
	ASSERT_EQ(0, ion_dealer_free(self->d, b));
	ion_dealer_free_bytes(self->d, &total, &largest);
	EXPECT_EQ(4096, total);
	EXPECT_EQ(4096, largest);
	EXPECT_EQ(1, ion_dealer_dump(self->d, stderr));
}

TEST_F(dealer, free_unknown_offset_is_einval)
{
	EXPECT_EQ(-EINVAL, ion_dealer_free(self->d, 64));
}

TEST_F(dealer, double_free_is_einval)
{
	size_t off;

	ASSERT_EQ(0, ion_dealer_alloc(self->d, 64, &off));
	ASSERT_EQ(0, ion_dealer_free(self->d, off));
	EXPECT_EQ(-EINVAL, ion_dealer_free(self->d, off));
}

TEST_F(dealer, free_inside_a_chunk_is_einval)
{
	size_t off;

	ASSERT_EQ(0, ion_dealer_alloc(self->d, 256, &off));
	EXPECT_EQ(-EINVAL, ion_dealer_free(self->d, off + 32));
}

TEST_F(dealer, size_of_free_chunk_is_einval)
{
	size_t size;

	EXPECT_EQ(-EINVAL, ion_dealer_size(self->d, 0, &size));
}

TEST_F(dealer, dump_lists_every_chunk)
{
	size_t a, b, len = 0;
	char *text = NULL;
	FILE *f;

	ASSERT_EQ(0, ion_dealer_alloc(self->d, 64, &a));
	ASSERT_EQ(0, ion_dealer_alloc(self->d, 128, &b));
	ASSERT_EQ(0, ion_dealer_free(self->d, a));
	f = open_memstream(&text, &len);
	ASSERT_NE(NULL, f);
	EXPECT_EQ(3, ion_dealer_dump(self->d, f));
	fclose(f);
	TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "test: 4096 bytes, align 32"));
	EXPECT_NE(NULL, strstr(text, "         0         64  free"));
	EXPECT_NE(NULL, strstr(text, "        64        128  in use"));
	EXPECT_NE(NULL, strstr(text, "       192       3904  free"));
	free(text);
}

TEST_F(dealer, dump_rejects_null_stream)
{
	EXPECT_EQ(-EINVAL, ion_dealer_dump(self->d, NULL));
}

/* Random allocations checked against a byte map of what is in use. */
TEST(random_against_model)
{
	enum { SIZE = 1 << 16, ALIGN = 64, N = 128 };
	static unsigned char used[SIZE];
	size_t off[N] = { 0 }, len[N] = { 0 };
	unsigned int rng_state = time(NULL);
	struct ion_dealer *d;
	size_t total, i, k;
	int step;

	TH_LOG("random start value %u", rng_state);
	srand(rng_state);
	ASSERT_EQ(0, ion_dealer_create(SIZE, ALIGN, "random", &d));
	for (step = 0; step < 20000; step++) {
		i = rand() % N;
		if (len[i]) {
			ASSERT_EQ(0, ion_dealer_free(d, off[i]));
			memset(used + off[i], 0, len[i]);
			len[i] = 0;
			continue;
		}
		k = 1 + rand() % 2048;
		if (ion_dealer_alloc(d, k, &off[i]) < 0) {
			size_t largest;

			ion_dealer_free_bytes(d, NULL, &largest);
			ASSERT_LT(largest, k);
			continue;
		}
		ASSERT_EQ(0, off[i] % ALIGN);
		ASSERT_EQ(0, ion_dealer_size(d, off[i], &len[i]));
		ASSERT_GE(len[i], k);
		ASSERT_LE(off[i] + len[i], SIZE);
		for (k = 0; k < len[i]; k++)
			ASSERT_EQ(0, used[off[i] + k]);
		memset(used + off[i], 1, len[i]);
	}
	for (i = 0; i < N; i++)
		if (len[i])
			ASSERT_EQ(0, ion_dealer_free(d, off[i]));
	ion_dealer_free_bytes(d, &total, NULL);
	EXPECT_EQ(SIZE, total);
	ion_dealer_destroy(d);
}

static void *dealer_thread(void *arg)
{
	struct ion_dealer *d = arg;
	size_t off[16];
	int round, i;

	for (round = 0; round < 500; round++) {
		for (i = 0; i < 16; i++)
			if (ion_dealer_alloc(d, 64, &off[i]) < 0)
				return (void *)1;
		for (i = 0; i < 16; i++)
			if (ion_dealer_free(d, off[i]) < 0)
				return (void *)1;
	}
	return NULL;
}

TEST(threads_share_one_dealer)
{
	struct ion_dealer *d;
	pthread_t t[4];
	void *res;
	size_t total;
	int i;

	/* 4 threads x 16 x 64 bytes fit exactly */
	ASSERT_EQ(0, ion_dealer_create(4 * 16 * 64, 64, "threads", &d));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, dealer_thread, d));
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, pthread_join(t[i], &res));
		EXPECT_EQ(NULL, res);
	}
	ion_dealer_free_bytes(d, &total, NULL);
	EXPECT_EQ(4 * 16 * 64, total);
	ion_dealer_destroy(d);
}

TEST_HARNESS_MAIN
