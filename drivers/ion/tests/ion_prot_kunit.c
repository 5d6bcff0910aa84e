// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the protection mask of ION buffers (ION_IOC_BUFFER_PROT):
 * the mask only loses bits, mappings are checked against it, read-only
 * views share it, dma-bufs of other exporters have none, and the ioctl's
 * growing argument is read and written with its documented errors.
 */

#include <kunit/test.h>
#include <linux/dma-buf.h>
#include <linux/err.h>
#include <linux/ion.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include "../ion_priv.h"

KUNIT_DEFINE_ACTION_WRAPPER(ion_prot_kunit_put, dma_buf_put, struct dma_buf *);

static struct ion_buffer *ion_prot_kunit_buffer(struct kunit *test)
{
	struct ion_device *dev = ion_default_device();
	struct ion_buffer *buffer;

	if (IS_ERR_OR_NULL(dev))
		kunit_skip(test, "no ION device");
	buffer = ion_buffer_create(dev, PAGE_SIZE, 0, ION_HEAP_SYSTEM_MASK, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buffer);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ion_prot_kunit_put,
							   buffer->dmabuf));
	return buffer;
}

static void ion_prot_new_buffer(struct kunit *test)
{
	struct ion_buffer *buffer = ion_prot_kunit_buffer(test);

	KUNIT_EXPECT_EQ(test, ION_PROT_MASK, ion_prot_get(buffer));
	KUNIT_EXPECT_EQ(test, ION_PROT_MASK, ion_prot_of_dma_buf(buffer->dmabuf));
	/* the values of <sys/mman.h> */
	KUNIT_EXPECT_EQ(test, PROT_READ, ION_PROT_READ);
	KUNIT_EXPECT_EQ(test, PROT_WRITE, ION_PROT_WRITE);
	KUNIT_EXPECT_EQ(test, PROT_EXEC, ION_PROT_EXEC);
}

static void ion_prot_only_drops(struct kunit *test)
{
	struct ion_buffer *buffer = ion_prot_kunit_buffer(test);

	KUNIT_EXPECT_EQ(test, 0, ion_prot_restrict(buffer, ION_PROT_MASK));
	KUNIT_EXPECT_EQ(test, ION_PROT_MASK, ion_prot_get(buffer));
	KUNIT_EXPECT_EQ(test, 0, ion_prot_restrict(buffer,
						   ION_PROT_READ | ION_PROT_WRITE));
	KUNIT_EXPECT_EQ(test, ION_PROT_READ | ION_PROT_WRITE, ion_prot_get(buffer));
	KUNIT_EXPECT_EQ(test, 0, ion_prot_restrict(buffer, ION_PROT_READ));
	KUNIT_EXPECT_EQ(test, ION_PROT_READ, ion_prot_get(buffer));
	/* raising fails and changes nothing */
	KUNIT_EXPECT_EQ(test, -EINVAL,
			ion_prot_restrict(buffer, ION_PROT_READ | ION_PROT_WRITE));
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_prot_restrict(buffer, ION_PROT_EXEC));
	KUNIT_EXPECT_EQ(test, ION_PROT_READ, ion_prot_get(buffer));
	KUNIT_EXPECT_EQ(test, 0, ion_prot_restrict(buffer, ION_PROT_READ));
	KUNIT_EXPECT_EQ(test, 0, ion_prot_restrict(buffer, 0));
	KUNIT_EXPECT_EQ(test, 0, ion_prot_get(buffer));
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_prot_restrict(buffer, ION_PROT_READ));
	KUNIT_EXPECT_EQ(test, 0, ion_prot_get(buffer));
}

static void ion_prot_unknown_bits(struct kunit *test)
{
	struct ion_buffer *buffer = ion_prot_kunit_buffer(test);

	KUNIT_EXPECT_EQ(test, -EINVAL, ion_prot_restrict(buffer, 0x8));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			ion_prot_restrict(buffer, ION_PROT_READ | 0x80000000));
	KUNIT_EXPECT_EQ(test, ION_PROT_MASK, ion_prot_get(buffer));
}

struct ion_prot_kunit_vma {
	u32 prot;
	vm_flags_t flags;
	int ret;
	vm_flags_t clear;
};

static void ion_prot_vm_flags_checked(struct kunit *test)
{
	static const struct ion_prot_kunit_vma cases[] = {
		/* everything allowed: nothing refused, nothing cleared */
		{ ION_PROT_MASK, VM_SHARED | VM_READ | VM_WRITE | VM_MAYWRITE, 0, 0 },
		/* read-only: writable mappings refused, shared or private */
		{ ION_PROT_READ, VM_SHARED | VM_READ | VM_WRITE, -EPERM, 0 },
		{ ION_PROT_READ, VM_READ | VM_WRITE, -EPERM, 0 },
		/* a shared read mapping loses what mprotect() could add */
		{ ION_PROT_READ, VM_SHARED | VM_READ | VM_MAYREAD | VM_MAYWRITE,
		  0, VM_MAYWRITE | VM_MAYEXEC },
		/* a private one keeps its VM_MAY* bits (ION refuses it later) */
		{ ION_PROT_READ, VM_READ | VM_MAYWRITE, 0, 0 },
		{ ION_PROT_READ | ION_PROT_WRITE, VM_SHARED | VM_READ | VM_EXEC,
		  -EPERM, 0 },
		{ 0, VM_SHARED | VM_READ, -EPERM, 0 },
		/* PROT_NONE is always allowed, as on ashmem */
		{ 0, VM_SHARED, 0, VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		vm_flags_t clear = ~0UL;

		KUNIT_EXPECT_EQ_MSG(test, cases[i].ret,
				    ion_prot_vm_flags(cases[i].prot, cases[i].flags,
						      &clear), "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, cases[i].clear, clear, "case %u", i);
	}
}

static void ion_prot_apply_errors(struct kunit *test)
{
	struct ion_buffer *buffer = ion_prot_kunit_buffer(test);
	u32 prot = ION_PROT_READ;

	KUNIT_EXPECT_EQ(test, -EINVAL, ion_prot_apply(NULL, true, 0, &prot));
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_prot_apply(buffer->dmabuf, true,
						      ION_BUFFER_PROT_SET | 2, &prot));
	KUNIT_EXPECT_EQ(test, -EACCES, ion_prot_apply(buffer->dmabuf, false,
						      ION_BUFFER_PROT_SET, &prot));
	KUNIT_EXPECT_EQ(test, ION_PROT_READ, prot);
	KUNIT_EXPECT_EQ(test, ION_PROT_MASK, ion_prot_get(buffer));

	/* a query through any file, and the mask in the output */
	KUNIT_EXPECT_EQ(test, 0, ion_prot_apply(buffer->dmabuf, false, 0, &prot));
	KUNIT_EXPECT_EQ(test, ION_PROT_MASK, prot);
	prot = ION_PROT_READ;
	KUNIT_EXPECT_EQ(test, 0, ion_prot_apply(buffer->dmabuf, true,
						ION_BUFFER_PROT_SET, &prot));
	KUNIT_EXPECT_EQ(test, ION_PROT_READ, prot);
	prot = ION_PROT_MASK;
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_prot_apply(buffer->dmabuf, true,
						      ION_BUFFER_PROT_SET, &prot));
	KUNIT_EXPECT_EQ(test, ION_PROT_MASK, prot);
	KUNIT_EXPECT_EQ(test, ION_PROT_READ, ion_prot_get(buffer));
}

/* A read-only view is the same buffer: one mask. */
static void ion_prot_view_shares_mask(struct kunit *test)
{
	struct ion_buffer *buffer = ion_prot_kunit_buffer(test);
	struct dma_buf *view;
	u32 prot = ION_PROT_READ;

	view = ion_buffer_export_readonly(buffer->dmabuf);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, view);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ion_prot_kunit_put,
							   view));
	KUNIT_EXPECT_EQ(test, -EACCES,
			ion_prot_apply(view, view->file->f_mode & FMODE_WRITE,
				       ION_BUFFER_PROT_SET, &prot));
	KUNIT_EXPECT_EQ(test, 0, ion_prot_restrict(buffer, ION_PROT_READ));
	KUNIT_EXPECT_EQ(test, ION_PROT_READ, ion_prot_of_dma_buf(view));
	prot = 0;
	KUNIT_EXPECT_EQ(test, 0, ion_prot_apply(view, false, 0, &prot));
	KUNIT_EXPECT_EQ(test, ION_PROT_READ, prot);
}

static struct sg_table *ion_prot_kunit_map(struct dma_buf_attachment *a,
					   enum dma_data_direction dir)
{
	return ERR_PTR(-ENODEV);
}

static void ion_prot_kunit_unmap(struct dma_buf_attachment *a,
				 struct sg_table *sgt,
				 enum dma_data_direction dir)
{
}

static void ion_prot_kunit_release(struct dma_buf *dmabuf)
{
}

static const struct dma_buf_ops ion_prot_kunit_foreign_ops = {
	.map_dma_buf = ion_prot_kunit_map,
	.unmap_dma_buf = ion_prot_kunit_unmap,
	.release = ion_prot_kunit_release,
};

/* Another exporter's buffer has no ION mask: drivers see every bit. */
static void ion_prot_foreign(struct kunit *test)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);
	struct dma_buf *dmabuf;
	u32 prot = 0;

	exp_info.ops = &ion_prot_kunit_foreign_ops;
	exp_info.size = PAGE_SIZE;
	exp_info.flags = O_RDWR;
	exp_info.priv = test;
	dmabuf = dma_buf_export(&exp_info);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dmabuf);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ion_prot_kunit_put,
							   dmabuf));
	KUNIT_EXPECT_EQ(test, ION_PROT_MASK, ion_prot_of_dma_buf(dmabuf));
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_prot_apply(dmabuf, true, 0, &prot));
	KUNIT_EXPECT_EQ(test, 0, prot);
}

static void __user *ion_prot_kunit_user_page(struct kunit *test)
{
	unsigned long addr;

	addr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
	if (IS_ERR_VALUE(addr))
		kunit_skip(test, "no user memory (%ld)", (long)addr);
	return (void __user *)addr;
}

/* The argument grows by its size field, with the documented errors. */
static void ion_prot_data_sizes(struct kunit *test)
{
	struct ion_buffer_prot_data in = {
		.flags = ION_BUFFER_PROT_SET, .fd = 7, .prot = ION_PROT_READ,
	};
	struct ion_buffer_prot_data data;
	u8 __user *u = ion_prot_kunit_user_page(test);
	u8 tail[8] = { 0 };
	u32 usize;

	KUNIT_EXPECT_EQ(test, 16, sizeof(struct ion_buffer_prot_data));
	KUNIT_EXPECT_EQ(test, -EFAULT, ion_prot_data_in(&data, NULL, &usize));

	in.size = sizeof(in) - 4;
	KUNIT_ASSERT_EQ(test, 0, copy_to_user(u, &in, sizeof(in)));
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_prot_data_in(&data, u, &usize));

	in.size = sizeof(in);
	KUNIT_ASSERT_EQ(test, 0, copy_to_user(u, &in, sizeof(in)));
	KUNIT_EXPECT_EQ(test, 0, ion_prot_data_in(&data, u, &usize));
	KUNIT_EXPECT_EQ(test, sizeof(in), usize);
	KUNIT_EXPECT_MEMEQ(test, &in, &data, sizeof(in));

	/* a newer caller's larger structure: zeros beyond ours are fine */
	in.size = sizeof(in) + sizeof(tail);
	KUNIT_ASSERT_EQ(test, 0, copy_to_user(u, &in, sizeof(in)));
	KUNIT_ASSERT_EQ(test, 0, copy_to_user(u + sizeof(in), tail, sizeof(tail)));
	KUNIT_EXPECT_EQ(test, 0, ion_prot_data_in(&data, u, &usize));
	KUNIT_EXPECT_EQ(test, sizeof(in) + sizeof(tail), usize);
	tail[3] = 1;
	KUNIT_ASSERT_EQ(test, 0, copy_to_user(u + sizeof(in), tail, sizeof(tail)));
	KUNIT_EXPECT_EQ(test, -E2BIG, ion_prot_data_in(&data, u, &usize));

	in.size = PAGE_SIZE + 1;
	KUNIT_ASSERT_EQ(test, 0, copy_to_user(u, &in, sizeof(in)));
	KUNIT_EXPECT_EQ(test, -E2BIG, ion_prot_data_in(&data, u, &usize));

	/* the driver writes its fields and zeros over the caller's tail */
	data = in;
	data.prot = ION_PROT_READ | ION_PROT_EXEC;
	KUNIT_EXPECT_EQ(test, 0, ion_prot_data_out(u, sizeof(in) + sizeof(tail),
						   &data));
	KUNIT_ASSERT_EQ(test, 0, copy_from_user(&in, u, sizeof(in)));
	KUNIT_ASSERT_EQ(test, 0, copy_from_user(tail, u + sizeof(in), sizeof(tail)));
	KUNIT_EXPECT_EQ(test, ION_PROT_READ | ION_PROT_EXEC, in.prot);
	KUNIT_EXPECT_EQ(test, 0, memchr_inv(tail, 0, sizeof(tail)) ? 1 : 0);
}

static struct kunit_case ion_prot_test_cases[] = {
	KUNIT_CASE(ion_prot_new_buffer),
	KUNIT_CASE(ion_prot_only_drops),
	KUNIT_CASE(ion_prot_unknown_bits),
	KUNIT_CASE(ion_prot_vm_flags_checked),
	KUNIT_CASE(ion_prot_apply_errors),
	KUNIT_CASE(ion_prot_view_shares_mask),
	KUNIT_CASE(ion_prot_foreign),
	KUNIT_CASE(ion_prot_data_sizes),
	{}
};

static struct kunit_suite ion_prot_test_suite = {
	.name = "ion_prot",
	.test_cases = ion_prot_test_cases,
};

kunit_test_suite(ion_prot_test_suite);
