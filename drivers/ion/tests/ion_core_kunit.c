// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the ION core: the heap registry (ids, msm aliases,
 * priorities, removal), buffer allocation and zeroing on every heap, the
 * allocation errors, and the dma_buf_ops (attach/map with a real device,
 * vmap, CPU access).
 */

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/anon_inodes.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/highmem.h>
#include <linux/ion.h>
#include <linux/iosys-map.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <trace/events/dma.h>

#include "../ion_priv.h"
#include "../heaps/ion_heaps.h"
#include "ion_kunit_release.h"

struct ion_core_heap_param {
	const char *desc;
	unsigned int mask;
	unsigned int heap_id;
};

static const struct ion_core_heap_param ion_core_heap_params[] = {
	{ "system", ION_HEAP_SYSTEM_MASK, ION_HEAP_TYPE_SYSTEM },
	{ "system_contig", ION_HEAP_SYSTEM_CONTIG_MASK, ION_HEAP_TYPE_SYSTEM_CONTIG },
	{ "msm_system_25", ION_HEAP(ION_SYSTEM_HEAP_ID), ION_HEAP_TYPE_SYSTEM },
	{ "msm_contig_21", ION_HEAP(ION_SYSTEM_CONTIG_HEAP_ID), ION_HEAP_TYPE_SYSTEM_CONTIG },
};

static void ion_core_heap_param_desc(const struct ion_core_heap_param *p,
				     char *desc)
{
	strscpy(desc, p->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ion_core_heap, ion_core_heap_params, ion_core_heap_param_desc);

KUNIT_DEFINE_ACTION_WRAPPER(ion_core_dma_buf_put, dma_buf_put, struct dma_buf *);
KUNIT_DEFINE_ACTION_WRAPPER(ion_core_device_destroy, ion_device_destroy,
			    struct ion_device *);

static void ion_core_remove_heap(void *data)
{
	struct ion_heap *heap = data;

	ion_kunit_wait_release(!atomic_read(&heap->num_buffers));
	ion_device_remove_heap(heap);
}

static struct ion_buffer *ion_core_alloc(struct kunit *test,
					 struct ion_device *dev, size_t len,
					 size_t align, unsigned int mask,
					 unsigned int flags)
{
	struct ion_buffer *buffer;

	buffer = ion_buffer_create(dev, len, align, mask, flags);
	if (IS_ERR(buffer))
		return buffer;
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ion_core_dma_buf_put,
							   buffer->dmabuf));
	return buffer;
}

static struct ion_device *ion_core_private_device(struct kunit *test)
{
	struct ion_device *dev;

	dev = ion_device_create("ion_kunit_core", false);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ion_core_device_destroy,
							   dev));
	return dev;
}

/* A heap with the system heap's ops, not added to any device. */
static struct ion_heap *ion_core_new_heap(struct kunit *test, const char *name,
					  unsigned int id, int alias, int priority)
{
	struct ion_heap *heap;

	heap = kunit_kzalloc(test, sizeof(*heap), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, heap);
	heap->name = name;
	heap->type = ION_HEAP_TYPE_CUSTOM;
	heap->id = id;
	heap->alias_id = alias;
	heap->priority = priority;
	heap->ops = &ion_system_heap_ops;
	heap->owner = THIS_MODULE;
	return heap;
}

/* That heap added to @dev, and removed when the test ends. */
static struct ion_heap *ion_core_add_heap(struct kunit *test,
					  struct ion_device *dev,
					  const char *name, unsigned int id,
					  int alias, int priority)
{
	struct ion_heap *heap = ion_core_new_heap(test, name, id, alias, priority);

	KUNIT_ASSERT_EQ(test, 0, ion_device_add_heap(dev, heap));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ion_core_remove_heap,
							   heap));
	return heap;
}

static bool ion_core_is_zero(const u8 *p, size_t len)
{
	return !memchr_inv(p, 0, len);
}

/* Built-in heaps: id == type, msm aliases 25 and 21. */
static void ion_core_builtin_ids(struct kunit *test)
{
	struct ion_device *dev = ion_default_device();
	struct ion_heap *heap;

	KUNIT_ASSERT_NOT_NULL(test, dev);
	heap = ion_device_first_heap(dev, ION_HEAP_SYSTEM_MASK);
	KUNIT_ASSERT_NOT_NULL(test, heap);
	KUNIT_EXPECT_EQ(test, heap->id, ION_HEAP_TYPE_SYSTEM);
	KUNIT_EXPECT_EQ(test, heap->type, ION_HEAP_TYPE_SYSTEM);
	KUNIT_EXPECT_PTR_EQ(test, heap, ion_device_first_heap(dev, ION_HEAP(25)));

	heap = ion_device_first_heap(dev, ION_HEAP_SYSTEM_CONTIG_MASK);
	KUNIT_ASSERT_NOT_NULL(test, heap);
	KUNIT_EXPECT_EQ(test, heap->id, ION_HEAP_TYPE_SYSTEM_CONTIG);
	KUNIT_EXPECT_PTR_EQ(test, heap, ion_device_first_heap(dev, ION_HEAP(21)));

	KUNIT_EXPECT_NULL(test, ion_device_first_heap(dev, ION_HEAP(30)));
	KUNIT_EXPECT_NULL(test, ion_device_first_heap(dev, 0));
}

static void ion_core_registry_rejects(struct kunit *test)
{
	struct ion_device *dev = ion_core_private_device(test);
	struct ion_heap bad = {
		.name = "bad", .ops = &ion_system_heap_ops, .alias_id = -1,
	};

	ion_core_add_heap(test, dev, "a", 3, 17, 0);

	bad.id = 3;
	KUNIT_EXPECT_EQ(test, -EEXIST, ion_device_add_heap(dev, &bad));
	bad.id = 17;
	KUNIT_EXPECT_EQ(test, -EEXIST, ion_device_add_heap(dev, &bad));
	bad.id = 4;
	bad.alias_id = 3;
	KUNIT_EXPECT_EQ(test, -EEXIST, ion_device_add_heap(dev, &bad));
	bad.alias_id = 4;
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_device_add_heap(dev, &bad));
	bad.alias_id = -1;
	bad.id = ION_NUM_HEAP_IDS;
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_device_add_heap(dev, &bad));
	bad.id = 5;
	bad.alias_id = ION_NUM_HEAP_IDS;
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_device_add_heap(dev, &bad));
	bad.alias_id = -1;
	bad.ops = NULL;
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_device_add_heap(dev, &bad));
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_device_add_heap(dev, NULL));
}

static void ion_core_registry_priority(struct kunit *test)
{
	struct ion_device *dev = ion_core_private_device(test);
	struct ion_heap *low, *high, *mid;
	struct ion_buffer *buffer;

	low = ion_core_add_heap(test, dev, "low", 2, -1, 0);
	high = ion_core_add_heap(test, dev, "high", 1, 20, 10);
	mid = ion_core_add_heap(test, dev, "mid", 6, -1, 5);

	KUNIT_EXPECT_PTR_EQ(test, high,
			    ion_device_first_heap(dev, ION_HEAP(1) | ION_HEAP(2) | ION_HEAP(6)));
	KUNIT_EXPECT_PTR_EQ(test, mid, ion_device_first_heap(dev, ION_HEAP(2) | ION_HEAP(6)));
	KUNIT_EXPECT_PTR_EQ(test, low, ion_device_first_heap(dev, ION_HEAP(2)));
	KUNIT_EXPECT_PTR_EQ(test, high, ion_device_first_heap(dev, ION_HEAP(20)));

	buffer = ion_core_alloc(test, dev, PAGE_SIZE, 0, ION_HEAP(2) | ION_HEAP(20), 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buffer);
	KUNIT_EXPECT_PTR_EQ(test, buffer->heap, high);
	KUNIT_EXPECT_EQ(test, atomic_read(&high->num_buffers), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&low->num_buffers), 0);
}

/* Removal hides the heap from new allocations at once. */
static void ion_core_registry_remove(struct kunit *test)
{
	struct ion_device *dev = ion_core_private_device(test);
	struct ion_buffer *buffer;
	struct ion_heap *heap;

	heap = ion_core_new_heap(test, "removable", 9, -1, 0);
	KUNIT_ASSERT_EQ(test, 0, ion_device_add_heap(dev, heap));

	buffer = ion_buffer_create(dev, PAGE_SIZE, 0, ION_HEAP(9), 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buffer);
	KUNIT_EXPECT_EQ(test, atomic_read(&heap->num_buffers), 1);
	dma_buf_put(buffer->dmabuf);
	ion_kunit_wait_release(!atomic_read(&heap->num_buffers));
	KUNIT_EXPECT_EQ(test, atomic_read(&heap->num_buffers), 0);
	ion_device_remove_heap(heap);
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENODEV),
			    ion_buffer_create(dev, PAGE_SIZE, 0, ION_HEAP(9), 0));
	/* the id is free again */
	KUNIT_EXPECT_EQ(test, 0, ion_device_add_heap(dev, heap));
	ion_device_remove_heap(heap);
}

/*
 * Removal with a live buffer returns at once and hides the heap; the heap
 * stays held (it cannot be added again) until the buffer goes.
 */
static void ion_core_registry_remove_live(struct kunit *test)
{
	struct ion_device *dev = ion_core_private_device(test);
	struct ion_buffer *buffer;
	struct ion_heap *heap;

	heap = ion_core_new_heap(test, "live", 9, -1, 0);
	KUNIT_ASSERT_EQ(test, 0, ion_device_add_heap(dev, heap));

	buffer = ion_buffer_create(dev, PAGE_SIZE, 0, ION_HEAP(9), 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buffer);
	ion_device_remove_heap(heap);
	KUNIT_EXPECT_NULL(test, ion_device_first_heap(dev, ION_HEAP(9)));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENODEV),
			    ion_buffer_create(dev, PAGE_SIZE, 0, ION_HEAP(9), 0));
	KUNIT_EXPECT_EQ(test, -EBUSY, ion_device_add_heap(dev, heap));
	KUNIT_EXPECT_EQ(test, atomic_read(&heap->num_buffers), 1);

	dma_buf_put(buffer->dmabuf);
	ion_kunit_wait_release(!refcount_read(&heap->ref));
	KUNIT_EXPECT_EQ(test, refcount_read(&heap->ref), 0);
	KUNIT_EXPECT_EQ(test, 0, ion_device_add_heap(dev, heap));
	ion_device_remove_heap(heap);
}

static long ion_core_custom(struct ion_client *client, unsigned int cmd,
			    unsigned long arg)
{
	return cmd + arg;
}

static long ion_core_custom2(struct ion_client *client, unsigned int cmd,
			     unsigned long arg)
{
	return 0;
}

static void ion_core_custom_ioctl(struct kunit *test)
{
	struct ion_device *dev = ion_core_private_device(test);

	KUNIT_EXPECT_NULL(test, dev->custom_ioctl);
	KUNIT_EXPECT_EQ(test, 0, ion_device_set_custom_ioctl(dev, ion_core_custom));
	KUNIT_EXPECT_EQ(test, -EBUSY, ion_device_set_custom_ioctl(dev, ion_core_custom2));
	KUNIT_EXPECT_TRUE(test, dev->custom_ioctl == ion_core_custom);
	KUNIT_EXPECT_EQ(test, 0, ion_device_set_custom_ioctl(dev, NULL));
	KUNIT_EXPECT_NULL(test, dev->custom_ioctl);
}

/*
 * User memory whose first touch runs a fault handler that checks the heap
 * lock: a page of a file of this test, mapped private, the same page for
 * every fault.
 */
struct ion_core_user_page {
	struct ion_device *dev;
	struct page *page;
	int faults;
	int faults_under_heap_lock;
};

static vm_fault_t ion_core_user_page_fault(struct vm_fault *vmf)
{
	struct ion_core_user_page *u = vmf->vma->vm_private_data;

	u->faults++;
	if (down_write_trylock(&u->dev->heap_lock))
		up_write(&u->dev->heap_lock);
	else
		u->faults_under_heap_lock++;
	get_page(u->page);
	vmf->page = u->page;
	return 0;
}

static const struct vm_operations_struct ion_core_user_page_vm_ops = {
	.fault = ion_core_user_page_fault,
};

static int ion_core_user_page_mmap(struct file *file, struct vm_area_struct *vma)
{
	vma->vm_private_data = file->private_data;
	vma->vm_ops = &ion_core_user_page_vm_ops;
	return 0;
}

static const struct file_operations ion_core_user_page_fops = {
	.owner = THIS_MODULE,
	.mmap = ion_core_user_page_mmap,
};

KUNIT_DEFINE_ACTION_WRAPPER(ion_core_put_page, put_page, struct page *);
KUNIT_DEFINE_ACTION_WRAPPER(ion_core_client_destroy, ion_client_destroy,
			    struct ion_client *);

/*
 * HEAP_QUERY writes the heap list to user memory after it let go of the
 * heap lock: a user page that faults slowly (here: one whose fault handler
 * looks at the lock) cannot hold up heap registration.
 */
static void ion_core_heap_query_user_copy_unlocked(struct kunit *test)
{
	struct ion_device *dev = ion_core_private_device(test);
	struct ion_heap_data heaps[2] = {};
	struct ion_heap_query query = {};
	struct ion_core_user_page *u;
	struct ion_client *client;
	unsigned long uaddr;
	struct file *file;

	ion_core_add_heap(test, dev, "first", 1, -1, 10);
	ion_core_add_heap(test, dev, "second", 2, -1, 0);
	u = kunit_kzalloc(test, sizeof(*u), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, u);
	u->dev = dev;
	u->page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, u->page);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ion_core_put_page, u->page));
	file = anon_inode_getfile("ion_kunit_user_page", &ion_core_user_page_fops, u, O_RDWR);
	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	/* two pages: the query on the first, the heap list on the second */
	uaddr = kunit_vm_mmap(test, file, 0, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE, 0);
	fput(file);
	KUNIT_ASSERT_NE_MSG(test, uaddr, 0, "no user memory for the test");

	client = ion_client_create(dev, "ion_kunit_query");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, client);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ion_core_client_destroy,
							   client));
	/* the ioctl reads only private_data of its file */
	file = kunit_kzalloc(test, sizeof(*file), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, file);
	file->private_data = client;

	query.cnt = ARRAY_SIZE(heaps);
	query.heaps = uaddr + PAGE_SIZE;
	KUNIT_ASSERT_EQ(test, 0, copy_to_user((void __user *)uaddr, &query, sizeof(query)));
	KUNIT_EXPECT_EQ(test, u->faults, 1);
	KUNIT_ASSERT_EQ(test, 0, ion_fops.unlocked_ioctl(file, ION_IOC_HEAP_QUERY, uaddr));
	KUNIT_EXPECT_EQ(test, u->faults, 2);
	KUNIT_EXPECT_EQ(test, u->faults_under_heap_lock, 0);

	KUNIT_ASSERT_EQ(test, 0, copy_from_user(&query, (void __user *)uaddr, sizeof(query)));
	KUNIT_ASSERT_EQ(test, 0, copy_from_user(heaps, u64_to_user_ptr(query.heaps),
						sizeof(heaps)));
	KUNIT_EXPECT_EQ(test, query.cnt, 2);
	KUNIT_EXPECT_STREQ(test, heaps[0].name, "first");
	KUNIT_EXPECT_EQ(test, heaps[0].heap_id, 1);
	KUNIT_EXPECT_STREQ(test, heaps[1].name, "second");
	KUNIT_EXPECT_EQ(test, heaps[1].heap_id, 2);
}

static void ion_core_alloc_zeroed(struct kunit *test)
{
	const struct ion_core_heap_param *p = test->param_value;
	struct ion_device *dev = ion_default_device();
	static const size_t sizes[] = { 1, PAGE_SIZE, 3 * PAGE_SIZE + 5, SZ_1M + PAGE_SIZE };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct ion_buffer *buffer;
		u8 *vaddr;

		buffer = ion_core_alloc(test, dev, sizes[i], 0, p->mask, ION_FLAG_CACHED);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buffer);
		KUNIT_EXPECT_EQ(test, buffer->size, PAGE_ALIGN(sizes[i]));
		KUNIT_EXPECT_EQ(test, buffer->heap->id, p->heap_id);
		KUNIT_EXPECT_EQ(test, buffer->dmabuf->size, buffer->size);
		KUNIT_EXPECT_TRUE(test, ion_dma_buf_is_ion(buffer->dmabuf));

		vaddr = ion_buffer_kmap_get(buffer);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vaddr);
		KUNIT_EXPECT_TRUE(test, ion_core_is_zero(vaddr, buffer->size));
		memset(vaddr, 0xa5, buffer->size);
		ion_buffer_kmap_put(buffer);
	}
}

/* Memory written by a previous buffer comes back zeroed. */
static void ion_core_alloc_recycled_zeroed(struct kunit *test)
{
	const struct ion_core_heap_param *p = test->param_value;
	struct ion_device *dev = ion_default_device();
	unsigned int round;

	for (round = 0; round < 4; round++) {
		struct ion_buffer *buffer;
		u8 *vaddr;

		buffer = ion_buffer_create(dev, 16 * PAGE_SIZE, 0, p->mask, 0);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buffer);
		vaddr = ion_buffer_kmap_get(buffer);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vaddr);
		KUNIT_EXPECT_TRUE(test, ion_core_is_zero(vaddr, buffer->size));
		memset(vaddr, 0xff, buffer->size);
		ion_buffer_kmap_put(buffer);
		dma_buf_put(buffer->dmabuf);
		flush_delayed_fput();
	}
}

static void ion_core_alloc_errors(struct kunit *test)
{
	struct ion_device *dev = ion_default_device();

	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL),
			    ion_buffer_create(dev, 0, 0, ION_HEAP_SYSTEM_MASK, 0));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL),
			    ion_buffer_create(dev, SIZE_MAX, 0, ION_HEAP_SYSTEM_MASK, 0));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL),
			    ion_buffer_create(dev, SIZE_MAX - PAGE_SIZE + 2, 0,
					      ION_HEAP_SYSTEM_MASK, 0));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL),
			    ion_buffer_create(dev, PAGE_SIZE, 0, ION_HEAP_SYSTEM_MASK, 4));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENODEV),
			    ion_buffer_create(dev, PAGE_SIZE, 0, 0, 0));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENODEV),
			    ion_buffer_create(dev, PAGE_SIZE, 0, ION_HEAP(30), 0));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOMEM),
			    ion_buffer_create(dev, (totalram_pages() / 2 + 1) << PAGE_SHIFT,
					      0, ION_HEAP_SYSTEM_MASK, 0));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOMEM),
			    ion_buffer_create(dev, (PAGE_SIZE << MAX_PAGE_ORDER) + PAGE_SIZE,
					      0, ION_HEAP_SYSTEM_CONTIG_MASK, 0));
	/* the system heap refuses alignments above a page... */
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL),
			    ion_buffer_create(dev, PAGE_SIZE, 2 * PAGE_SIZE,
					      ION_HEAP_SYSTEM_MASK, 0));
	/* ...the contiguous heap those larger than the block */
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL),
			    ion_buffer_create(dev, PAGE_SIZE, 4 * PAGE_SIZE,
					      ION_HEAP_SYSTEM_CONTIG_MASK, 0));
}

/* A caller being killed stops a large allocation with -EINTR. */
static void ion_core_alloc_fatal_signal(struct kunit *test)
{
	struct ion_buffer *buffer;

	allow_signal(SIGKILL);
	send_sig(SIGKILL, current, 1);
	KUNIT_EXPECT_TRUE(test, fatal_signal_pending(current));
	buffer = ion_buffer_create(ion_default_device(), SZ_16M, 0,
				   ION_HEAP_SYSTEM_MASK, 0);
	flush_signals(current);
	disallow_signal(SIGKILL);
	if (!IS_ERR(buffer))
		dma_buf_put(buffer->dmabuf);
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINTR), buffer);
}

static void ion_core_alloc_align(struct kunit *test)
{
	struct ion_device *dev = ion_default_device();
	struct ion_buffer *buffer;
	struct ion_heap *heap;
	ion_phys_addr_t addr;
	size_t len;

	/* old drivers accepted any align up to a page on the system heap */
	buffer = ion_core_alloc(test, dev, PAGE_SIZE, 3, ION_HEAP_SYSTEM_MASK, 0);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, buffer);
	buffer = ion_core_alloc(test, dev, PAGE_SIZE, PAGE_SIZE, ION_HEAP_SYSTEM_MASK, 0);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, buffer);

	buffer = ion_core_alloc(test, dev, 8 * PAGE_SIZE, 8 * PAGE_SIZE,
				ION_HEAP_SYSTEM_CONTIG_MASK, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buffer);
	heap = buffer->heap;
	KUNIT_ASSERT_EQ(test, 0, heap->ops->phys(heap, buffer, &addr, &len));
	KUNIT_EXPECT_EQ(test, len, 8 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, addr % (8 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, buffer->sg_table->orig_nents, 1);
}

static void ion_core_heap_helpers(struct kunit *test)
{
	struct sg_table *table;
	struct page *page;
	u8 *vaddr;
	int i;

	page = alloc_pages(GFP_KERNEL, 2);
	KUNIT_ASSERT_NOT_NULL(test, page);
	for (i = 0; i < 4; i++) {
		vaddr = kmap_local_page(nth_page(page, i));
		memset(vaddr, 0xab, PAGE_SIZE);
		kunmap_local(vaddr);
	}
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_heap_zero_pages(page, PAGE_SIZE + 1));
	KUNIT_EXPECT_EQ(test, -EINVAL, ion_heap_zero_pages(NULL, PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, 0, ion_heap_zero_pages(page, 3 * PAGE_SIZE));
	for (i = 0; i < 4; i++) {
		vaddr = kmap_local_page(nth_page(page, i));
		KUNIT_EXPECT_EQ(test, i < 3, ion_core_is_zero(vaddr, PAGE_SIZE));
		kunmap_local(vaddr);
	}

	table = ion_heap_contig_sg_table(page, 4 * PAGE_SIZE);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, table);
	KUNIT_EXPECT_EQ(test, table->orig_nents, 1);
	KUNIT_EXPECT_PTR_EQ(test, sg_page(table->sgl), page);
	KUNIT_EXPECT_EQ(test, table->sgl->length, 4 * PAGE_SIZE);
	ion_heap_free_sg_table(table);
	ion_heap_free_sg_table(NULL);
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL), ion_heap_contig_sg_table(NULL, PAGE_SIZE));
	__free_pages(page, 2);
}

/*
 * The buffer's kernel mapping is counted once, by its dma-buf: the core's
 * kmap, dma_buf_vmap() of the buffer and of a read-only view share one
 * address and one count.  The test case succeeds if every mapper gets the
 * same address, the count follows the mappers and the last unmap clears it.
 */
static void ion_core_kmap_counted(struct kunit *test)
{
	struct iosys_map map, view_map;
	struct ion_buffer *buffer;
	struct dma_buf *view;
	void *a, *b;

	buffer = ion_core_alloc(test, ion_default_device(), 2 * PAGE_SIZE, 0,
				ION_HEAP_SYSTEM_MASK, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buffer);
	a = ion_buffer_kmap_get(buffer);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	KUNIT_ASSERT_EQ(test, 0, dma_buf_vmap_unlocked(buffer->dmabuf, &map));
	b = map.vaddr;
	KUNIT_EXPECT_PTR_EQ(test, a, b);
	KUNIT_EXPECT_EQ(test, buffer->dmabuf->vmapping_counter, 2);
	/* CPU access brackets do not touch the mapping count */
	KUNIT_EXPECT_EQ(test, 0, dma_buf_begin_cpu_access(buffer->dmabuf, DMA_BIDIRECTIONAL));
	KUNIT_EXPECT_EQ(test, 0, dma_buf_end_cpu_access(buffer->dmabuf, DMA_BIDIRECTIONAL));
	KUNIT_EXPECT_EQ(test, buffer->dmabuf->vmapping_counter, 2);

	/* a read-only view maps the same pages at the same address */
	view = ion_buffer_export_readonly(buffer->dmabuf);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, view);
	KUNIT_EXPECT_PTR_EQ(test, view->resv, buffer->dmabuf->resv);
	KUNIT_EXPECT_EQ(test, 0, dma_buf_vmap_unlocked(view, &view_map));
	KUNIT_EXPECT_PTR_EQ(test, view_map.vaddr, a);
	KUNIT_EXPECT_EQ(test, buffer->dmabuf->vmapping_counter, 3);
	if (!iosys_map_is_null(&view_map))
		dma_buf_vunmap_unlocked(view, &view_map);
	/* the view's release (delayed in a kernel thread) drops its reference */
	dma_buf_put(view);
	flush_delayed_fput();
	KUNIT_EXPECT_EQ(test, buffer->dmabuf->vmapping_counter, 2);

	dma_buf_vunmap_unlocked(buffer->dmabuf, &map);
	ion_buffer_kmap_put(buffer);
	KUNIT_EXPECT_EQ(test, buffer->dmabuf->vmapping_counter, 0);
	KUNIT_EXPECT_NULL(test, buffer->vaddr);
}

struct ion_core_kmap_param {
	const char *desc;
	unsigned int mask;
	unsigned int flags;
	bool contiguous;
};

static const struct ion_core_kmap_param ion_core_kmap_params[] = {
	{ "system", ION_HEAP_SYSTEM_MASK, 0, false },
	{ "system_cached", ION_HEAP_SYSTEM_MASK, ION_FLAG_CACHED, false },
	{ "system_contig", ION_HEAP_SYSTEM_CONTIG_MASK, 0, true },
	{ "system_contig_cached", ION_HEAP_SYSTEM_CONTIG_MASK, ION_FLAG_CACHED, true },
};

static void ion_core_kmap_param_desc(const struct ion_core_kmap_param *p,
				     char *desc)
{
	strscpy(desc, p->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ion_core_kmap, ion_core_kmap_params, ion_core_kmap_param_desc);

/*
 * The kernel mapping shows the buffer's pages in order: a tag written at
 * the start of every page through it is found in the sg_table's pages, in
 * sg order, for a buffer of several chunk sizes (the system heap's 1 MiB,
 * 64 KiB and 4 KiB blocks) and for a contiguous one.  A cached buffer whose
 * pages are one physically contiguous run is mapped by its linear map
 * address, every other one by vmap().
 * The test case succeeds if every tag is where it belongs and the mapping
 * is of the expected kind.
 */
static void ion_core_kmap_pages(struct kunit *test)
{
	const struct ion_core_kmap_param *p = test->param_value;
	const unsigned long npages = 256 + 16 + 3;
	struct sg_page_iter piter;
	struct ion_buffer *buffer;
	struct scatterlist *sg;
	unsigned long i = 0, next;
	bool contiguous = true;
	u32 *vaddr;
	int n;

	buffer = ion_core_alloc(test, ion_default_device(), npages * PAGE_SIZE,
				0, p->mask, p->flags);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buffer);
	next = page_to_pfn(sg_page(buffer->sg_table->sgl));
	for_each_sgtable_sg(buffer->sg_table, sg, n) {
		contiguous &= page_to_pfn(sg_page(sg)) == next;
		next = page_to_pfn(sg_page(sg)) + (sg->length >> PAGE_SHIFT);
	}
	if (p->contiguous)
		KUNIT_EXPECT_TRUE(test, contiguous);

	vaddr = ion_buffer_kmap_get(buffer);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vaddr);
	if ((p->flags & ION_FLAG_CACHED) && contiguous)
		KUNIT_EXPECT_PTR_EQ(test, (void *)vaddr,
				    page_address(sg_page(buffer->sg_table->sgl)));
	else
		KUNIT_EXPECT_TRUE(test, is_vmalloc_addr(vaddr));

	for (i = 0; i < npages; i++)
		vaddr[i * PAGE_SIZE / sizeof(*vaddr)] = i + 1;

	i = 0;
	for_each_sgtable_page(buffer->sg_table, &piter, 0) {
		u32 *page = kmap_local_page(sg_page_iter_page(&piter));
		u32 tag = *page;

		kunmap_local(page);
		if (tag != i + 1)
			break;
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, npages);
	ion_buffer_kmap_put(buffer);
	KUNIT_EXPECT_NULL(test, buffer->vaddr);
}

static void ion_core_attach_map(struct kunit *test)
{
	const struct ion_core_heap_param *p = test->param_value;
	struct dma_buf_attachment *attach;
	struct ion_buffer *buffer;
	struct sg_table *sgt;
	struct device *kdev;
	u8 *vaddr;

	kdev = kunit_device_register(test, "ion_kunit_dev");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, kdev);
	kdev->dma_mask = &kdev->coherent_dma_mask;
	KUNIT_ASSERT_EQ(test, 0, dma_set_mask_and_coherent(kdev, DMA_BIT_MASK(64)));

	buffer = ion_core_alloc(test, ion_default_device(), 4 * PAGE_SIZE, 0,
				p->mask, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buffer);

	attach = dma_buf_attach(buffer->dmabuf, kdev);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, attach);
	sgt = dma_buf_map_attachment_unlocked(attach, DMA_BIDIRECTIONAL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sgt);
	KUNIT_EXPECT_PTR_NE(test, sgt, buffer->sg_table);
	KUNIT_EXPECT_GT(test, sgt->nents, 0);

	vaddr = ion_buffer_kmap_get(buffer);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vaddr);
	KUNIT_EXPECT_EQ(test, 0, dma_buf_begin_cpu_access(buffer->dmabuf, DMA_FROM_DEVICE));
	vaddr[0] = 1;
	KUNIT_EXPECT_EQ(test, 0, dma_buf_end_cpu_access(buffer->dmabuf, DMA_TO_DEVICE));
	ion_buffer_kmap_put(buffer);

	dma_buf_unmap_attachment_unlocked(attach, sgt, DMA_BIDIRECTIONAL);
	dma_buf_detach(buffer->dmabuf, attach);
}

/*
 * An importer that maps at most 64 KiB per DMA segment gets a contiguous
 * megabyte as sixteen entries, in order, never one it cannot map.
 */
static void ion_core_attach_max_segment(struct kunit *test)
{
	struct device_dma_parameters *parms;
	struct dma_buf_attachment *attach;
	struct ion_buffer *buffer;
	struct scatterlist *sg;
	struct sg_table *sgt;
	struct device *kdev;
	dma_addr_t next;
	int i;

	kdev = kunit_device_register(test, "ion_kunit_seg_dev");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, kdev);
	parms = kunit_kzalloc(test, sizeof(*parms), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, parms);
	kdev->dma_parms = parms;
	dma_set_max_seg_size(kdev, SZ_64K);
	kdev->dma_mask = &kdev->coherent_dma_mask;
	KUNIT_ASSERT_EQ(test, 0, dma_set_mask_and_coherent(kdev, DMA_BIT_MASK(64)));

	buffer = ion_core_alloc(test, ion_default_device(), SZ_1M, 0,
				ION_HEAP_SYSTEM_CONTIG_MASK, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buffer);
	KUNIT_ASSERT_EQ(test, buffer->sg_table->orig_nents, 1);

	attach = dma_buf_attach(buffer->dmabuf, kdev);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, attach);
	sgt = dma_buf_map_attachment_unlocked(attach, DMA_BIDIRECTIONAL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sgt);
	KUNIT_EXPECT_EQ(test, sgt->orig_nents, SZ_1M / SZ_64K);
	/* what an importer may read (DMABUF_DEBUG mangles its pages) */
	next = sg_dma_address(sgt->sgl);
	for_each_sgtable_dma_sg(sgt, sg, i) {
		KUNIT_EXPECT_EQ(test, sg_dma_len(sg), SZ_64K);
		KUNIT_EXPECT_EQ(test, sg_dma_address(sg), next);
		next += SZ_64K;
	}
	dma_buf_unmap_attachment_unlocked(attach, sgt, DMA_BIDIRECTIONAL);
	dma_buf_detach(buffer->dmabuf, attach);
}

/* dma_sync_sg_for_device calls on one device, seen by their tracepoint */
struct ion_core_sync_count {
	struct device *dev;
	int syncs;
};

static void ion_core_count_sync(void *data, struct device *dev,
				struct scatterlist *sg, int nents,
				enum dma_data_direction dir)
{
	struct ion_core_sync_count *c = data;

	if (dev == c->dev)
		WRITE_ONCE(c->syncs, c->syncs + 1);
}

static void ion_core_unregister_sync(void *data)
{
	unregister_trace_dma_sync_sg_for_device(ion_core_count_sync, data);
	tracepoint_synchronize_unregister();
}

static void ion_core_close_fd(void *fd)
{
	close_fd((unsigned long)fd);
}

/*
 * ION_IOC_SYNC hands the CPU's writes to every device that has the buffer
 * mapped: one dma_sync_sg_for_device() per mapped attachment, and none for
 * another buffer.  The DMA API skips syncs a coherent device does not need
 * unless DMA API debugging is on: only the debug kernel can see them.
 */
static void ion_core_ioctl_sync(struct kunit *test)
{
	struct ion_core_sync_count *c;
	struct ion_buffer *buffer, *other;
	struct dma_buf_attachment *attach;
	struct ion_fd_data data = {};
	struct ion_client *client;
	struct sg_table *sgt;
	unsigned long uaddr;
	struct file *file;
	int fd;

	if (!IS_ENABLED(CONFIG_TRACEPOINTS) || !IS_ENABLED(CONFIG_DMA_API_DEBUG))
		kunit_skip(test, "syncs are seen with tracepoints and DMA API debugging only");
	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	c->dev = kunit_device_register(test, "ion_kunit_sync");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c->dev);
	c->dev->dma_mask = &c->dev->coherent_dma_mask;
	KUNIT_ASSERT_EQ(test, 0, dma_set_mask_and_coherent(c->dev, DMA_BIT_MASK(64)));

	buffer = ion_core_alloc(test, ion_default_device(), 4 * PAGE_SIZE, 0,
				ION_HEAP_SYSTEM_MASK, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buffer);
	other = ion_core_alloc(test, ion_default_device(), PAGE_SIZE, 0,
			       ION_HEAP_SYSTEM_MASK, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, other);
	attach = dma_buf_attach(buffer->dmabuf, c->dev);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, attach);
	sgt = dma_buf_map_attachment_unlocked(attach, DMA_BIDIRECTIONAL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sgt);

	client = ion_client_create(ion_default_device(), "ion_kunit_sync");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, client);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ion_core_client_destroy,
							   client));
	/* the ioctl reads only private_data of its file */
	file = kunit_kzalloc(test, sizeof(*file), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, file);
	file->private_data = client;
	uaddr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, 0);
	KUNIT_ASSERT_NE_MSG(test, uaddr, 0, "no user memory for the test");
	KUNIT_ASSERT_EQ(test, 0, register_trace_dma_sync_sg_for_device(ion_core_count_sync, c));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ion_core_unregister_sync, c));

	/* another buffer: no sync for this device */
	get_dma_buf(other->dmabuf);
	fd = dma_buf_fd(other->dmabuf, O_CLOEXEC);
	KUNIT_ASSERT_GE(test, fd, 0);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ion_core_close_fd,
							   (void *)(unsigned long)fd));
	data.fd = fd;
	KUNIT_ASSERT_EQ(test, 0, copy_to_user((void __user *)uaddr, &data, sizeof(data)));
	KUNIT_EXPECT_EQ(test, 0, ion_fops.unlocked_ioctl(file, ION_IOC_SYNC, uaddr));
	KUNIT_EXPECT_EQ(test, READ_ONCE(c->syncs), 0);

	get_dma_buf(buffer->dmabuf);
	fd = dma_buf_fd(buffer->dmabuf, O_CLOEXEC);
	KUNIT_ASSERT_GE(test, fd, 0);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, ion_core_close_fd,
							   (void *)(unsigned long)fd));
	data.fd = fd;
	KUNIT_ASSERT_EQ(test, 0, copy_to_user((void __user *)uaddr, &data, sizeof(data)));
	KUNIT_EXPECT_EQ(test, 0, ion_fops.unlocked_ioctl(file, ION_IOC_SYNC, uaddr));
	KUNIT_EXPECT_EQ(test, READ_ONCE(c->syncs), 1);

	/* unmapped: nothing to hand over */
	dma_buf_unmap_attachment_unlocked(attach, sgt, DMA_BIDIRECTIONAL);
	KUNIT_EXPECT_EQ(test, 0, ion_fops.unlocked_ioctl(file, ION_IOC_SYNC, uaddr));
	KUNIT_EXPECT_EQ(test, READ_ONCE(c->syncs), 1);
	dma_buf_detach(buffer->dmabuf, attach);
}

static struct kunit_case ion_core_test_cases[] = {
	KUNIT_CASE(ion_core_builtin_ids),
	KUNIT_CASE(ion_core_registry_rejects),
	KUNIT_CASE(ion_core_registry_priority),
	KUNIT_CASE(ion_core_registry_remove),
	KUNIT_CASE(ion_core_registry_remove_live),
	KUNIT_CASE(ion_core_custom_ioctl),
	KUNIT_CASE(ion_core_heap_query_user_copy_unlocked),
	KUNIT_CASE_PARAM(ion_core_alloc_zeroed, ion_core_heap_gen_params),
	KUNIT_CASE_PARAM(ion_core_alloc_recycled_zeroed, ion_core_heap_gen_params),
	KUNIT_CASE(ion_core_alloc_errors),
	KUNIT_CASE(ion_core_alloc_fatal_signal),
	KUNIT_CASE(ion_core_alloc_align),
	KUNIT_CASE(ion_core_heap_helpers),
	KUNIT_CASE(ion_core_kmap_counted),
	KUNIT_CASE_PARAM(ion_core_kmap_pages, ion_core_kmap_gen_params),
	KUNIT_CASE_PARAM(ion_core_attach_map, ion_core_heap_gen_params),
	KUNIT_CASE(ion_core_attach_max_segment),
	KUNIT_CASE(ion_core_ioctl_sync),
	{}
};

static struct kunit_suite ion_core_test_suite = {
	.name = "ion_core",
	.test_cases = ion_core_test_cases,
};

kunit_test_suite(ion_core_test_suite);
