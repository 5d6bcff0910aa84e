// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the hon_zone zone operations, called without a file:
 * the lifecycle of a zone bound to ION buffers made with the ION in-kernel
 * client API, to buffers the zone allocates itself, and to a dma-buf of
 * another exporter (a small vmalloc exporter defined here); and the helpers
 * with which the ioctl layer reads, writes and checks the extensible ioctl
 * arguments, on user memory of the test.
 */

#include <kunit/test.h>
#include <linux/dma-buf.h>
#include <linux/err.h>
#include <linux/ion.h>
#include <linux/iosys-map.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/vmalloc.h>

#include <linux/hon_zone.h>

#include "../hon_zone_internal.h"

KUNIT_DEFINE_ACTION_WRAPPER(hon_zone_kunit_destroy_zone, hon_zone_destroy,
			    struct hon_zone *);
KUNIT_DEFINE_ACTION_WRAPPER(hon_zone_kunit_put_dmabuf, dma_buf_put,
			    struct dma_buf *);
KUNIT_DEFINE_ACTION_WRAPPER(hon_zone_kunit_destroy_client, ion_client_destroy,
			    struct ion_client *);

/* CRC-32 (IEEE 802.3, as zlib's crc32()) computed bit by bit. */
static u32 hon_zone_kunit_crc32(u32 crc, const u8 *p, size_t len)
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

static void hon_zone_kunit_random(struct kunit *test, void *buf, size_t len)
{
	struct rnd_state rnd;
	u64 seed = get_random_u64();

	kunit_info(test, "random seed %llu\n", seed);
	prandom_seed_state(&rnd, seed);
	prandom_bytes_state(&rnd, buf, len);
}

/* Run @action(@ctx) at the end of the test. */
static void hon_zone_kunit_defer(struct kunit *test, kunit_action_t *action,
				 void *ctx)
{
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, action, ctx));
}

static struct hon_zone *hon_zone_kunit_zone(struct kunit *test)
{
	struct hon_zone *zone = hon_zone_create();

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, zone);
	hon_zone_kunit_defer(test, hon_zone_kunit_destroy_zone, zone);
	return zone;
}

static ssize_t hon_zone_kunit_read(struct hon_zone *zone, void *buf,
				   size_t len, loff_t pos)
{
	struct kvec kv = { .iov_base = buf, .iov_len = len };
	struct iov_iter iter;

	iov_iter_kvec(&iter, ITER_DEST, &kv, 1, len);
	return hon_zone_read(zone, &iter, &pos);
}

static ssize_t hon_zone_kunit_write(struct hon_zone *zone, const void *buf,
				    size_t len, loff_t pos)
{
	struct kvec kv = { .iov_base = (void *)buf, .iov_len = len };
	struct iov_iter iter;

	iov_iter_kvec(&iter, ITER_SOURCE, &kv, 1, len);
	return hon_zone_write(zone, &iter, &pos);
}

/* --- an ION buffer made through the client API ------------------------- */

struct hon_zone_kunit_ion {
	struct ion_client *client;
	struct ion_handle *handle;
	struct dma_buf *dmabuf;
	u8 *vaddr;
	size_t size;
};

/* @id: the heap id that ION reports for buffers allocated with @mask */
struct hon_zone_kunit_heap {
	const char *name;
	unsigned int mask;
	unsigned int id;
};

static const struct hon_zone_kunit_heap hon_zone_kunit_heaps[] = {
	{ "system", ION_HEAP_SYSTEM_MASK, ION_HEAP_TYPE_SYSTEM },
	{ "system_contig", ION_HEAP_SYSTEM_CONTIG_MASK,
	  ION_HEAP_TYPE_SYSTEM_CONTIG },
	{ "msm_system_alias", ION_HEAP(ION_SYSTEM_HEAP_ID),
	  ION_HEAP_TYPE_SYSTEM },
};

static void hon_zone_kunit_heap_desc(const struct hon_zone_kunit_heap *heap,
				     char *desc)
{
	strscpy(desc, heap->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(hon_zone_kunit_heap, hon_zone_kunit_heaps,
		  hon_zone_kunit_heap_desc);

static unsigned int hon_zone_kunit_mask(struct kunit *test)
{
	const struct hon_zone_kunit_heap *heap = test->param_value;

	return heap ? heap->mask : ION_HEAP_SYSTEM_MASK;
}

static unsigned int hon_zone_kunit_heap_id(struct kunit *test)
{
	const struct hon_zone_kunit_heap *heap = test->param_value;

	return heap ? heap->id : ION_HEAP_TYPE_SYSTEM;
}

static struct ion_client *hon_zone_kunit_client(struct kunit *test)
{
	struct ion_device *dev = ion_default_device();
	struct ion_client *client;

	if (IS_ERR_OR_NULL(dev))
		kunit_skip(test, "no ION device");
	client = ion_client_create(dev, "hon_zone_kunit");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, client);
	hon_zone_kunit_defer(test, hon_zone_kunit_destroy_client, client);
	return client;
}

/*
 * Allocate @len bytes from the test's heap with a client of the test, map
 * them and share them as a dma-buf; everything is released at the end of the
 * test (the client's destruction frees the handle and the mapping).
 */
static void hon_zone_kunit_ion_alloc(struct kunit *test,
				     struct hon_zone_kunit_ion *ion, size_t len)
{
	ion->client = hon_zone_kunit_client(test);
	ion->handle = ion_alloc(ion->client, len, 0, hon_zone_kunit_mask(test),
				ION_FLAG_CACHED);
	if (PTR_ERR_OR_ZERO(ion->handle) == -ENODEV)
		kunit_skip(test, "heap not registered");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ion->handle);
	KUNIT_ASSERT_EQ(test, 0, ion_handle_get_size(ion->client, ion->handle,
						     &ion->size));
	ion->vaddr = ion_map_kernel(ion->client, ion->handle);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ion->vaddr);
	ion->dmabuf = ion_share_dma_buf(ion->client, ion->handle);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ion->dmabuf);
	hon_zone_kunit_defer(test, hon_zone_kunit_put_dmabuf, ion->dmabuf);
}

/* --- a dma-buf of another exporter -------------------------------------- */

struct hon_zone_kunit_foreign {
	void *vaddr;
	bool iomem;
	int vmaps;
};

static struct sg_table *hon_zone_kunit_map_dma_buf(struct dma_buf_attachment *a,
						   enum dma_data_direction dir)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static void hon_zone_kunit_unmap_dma_buf(struct dma_buf_attachment *a,
					 struct sg_table *sgt,
					 enum dma_data_direction dir)
{
}

static int hon_zone_kunit_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct hon_zone_kunit_foreign *priv = dmabuf->priv;

	if (!priv->vaddr)
		return -ENOMEM;
	if (priv->iomem)
		iosys_map_set_vaddr_iomem(map, (void __iomem *)priv->vaddr);
	else
		iosys_map_set_vaddr(map, priv->vaddr);
	priv->vmaps++;
	return 0;
}

static void hon_zone_kunit_vunmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct hon_zone_kunit_foreign *priv = dmabuf->priv;

	priv->vmaps--;
}

static void hon_zone_kunit_release(struct dma_buf *dmabuf)
{
	struct hon_zone_kunit_foreign *priv = dmabuf->priv;

	vfree(priv->vaddr);
	kfree(priv);
}

static const struct dma_buf_ops hon_zone_kunit_foreign_ops = {
	.map_dma_buf = hon_zone_kunit_map_dma_buf,
	.unmap_dma_buf = hon_zone_kunit_unmap_dma_buf,
	.vmap = hon_zone_kunit_vmap,
	.vunmap = hon_zone_kunit_vunmap,
	.release = hon_zone_kunit_release,
};

/* An exporter that gives no kernel mapping at all. */
static const struct dma_buf_ops hon_zone_kunit_no_vmap_ops = {
	.map_dma_buf = hon_zone_kunit_map_dma_buf,
	.unmap_dma_buf = hon_zone_kunit_unmap_dma_buf,
	.release = hon_zone_kunit_release,
};

/*
 * A dma-buf of @size bytes, backed by vmalloc memory when @backed, whose
 * file is opened with @flags (O_RDWR, or O_RDONLY as a read-only view).
 */
static struct dma_buf *hon_zone_kunit_export_flags(struct kunit *test,
						   size_t size, bool backed,
						   const struct dma_buf_ops *ops,
						   int flags)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);
	struct hon_zone_kunit_foreign *priv;
	struct dma_buf *dmabuf;

	priv = kzalloc(sizeof(*priv), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, priv);
	if (backed) {
		priv->vaddr = vzalloc(size);
		if (!priv->vaddr)
			kfree(priv);
		KUNIT_ASSERT_NOT_NULL(test, priv->vaddr);
	}
	exp_info.ops = ops;
	exp_info.size = size;
	exp_info.flags = flags;
	exp_info.priv = priv;
	dmabuf = dma_buf_export(&exp_info);
	if (IS_ERR(dmabuf)) {
		vfree(priv->vaddr);
		kfree(priv);
	}
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dmabuf);
	/* Ownership of priv is held by the dmabuf from here. */
	hon_zone_kunit_defer(test, hon_zone_kunit_put_dmabuf, dmabuf);
	return dmabuf;
}

static struct dma_buf *hon_zone_kunit_export(struct kunit *test, size_t size,
					     bool backed,
					     const struct dma_buf_ops *ops)
{
	return hon_zone_kunit_export_flags(test, size, backed, ops, O_RDWR);
}

static struct dma_buf *hon_zone_kunit_foreign(struct kunit *test, size_t size,
					      bool backed)
{
	return hon_zone_kunit_export(test, size, backed,
				     &hon_zone_kunit_foreign_ops);
}

static struct hon_zone_kunit_foreign *hon_zone_kunit_priv(struct dma_buf *dmabuf)
{
	return dmabuf->priv;
}

/* --- tests -------------------------------------------------------------- */

/* Bind an ION buffer, read what its owner wrote, write what it then sees. */
static void hon_zone_ion_bind_read_write(struct kunit *test)
{
	struct hon_zone *zone = hon_zone_kunit_zone(test);
	struct hon_zone_kunit_ion ion;
	struct hon_zone_info info;
	u8 *buf;

	hon_zone_kunit_ion_alloc(test, &ion, 3 * PAGE_SIZE + 100);
	KUNIT_ASSERT_EQ(test, ion.size, 4 * PAGE_SIZE);
	buf = kunit_kmalloc(test, ion.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	hon_zone_kunit_random(test, ion.vaddr, ion.size);

	KUNIT_ASSERT_EQ(test, 0, hon_zone_bind(zone, ion.dmabuf));
	KUNIT_ASSERT_EQ(test, 0, hon_zone_get_info(zone, &info));
	KUNIT_EXPECT_EQ(test, info.size, ion.size);
	KUNIT_EXPECT_EQ(test, info.state,
			HON_ZONE_STATE_BOUND | HON_ZONE_STATE_ION);
	KUNIT_EXPECT_EQ(test, info.heap_id, hon_zone_kunit_heap_id(test));
	KUNIT_EXPECT_EQ(test, info.ion_flags, ION_FLAG_CACHED);
	KUNIT_EXPECT_EQ(test, info.reserved, 0);

	KUNIT_EXPECT_EQ(test, hon_zone_kunit_read(zone, buf, ion.size, 0),
			ion.size);
	KUNIT_EXPECT_MEMEQ(test, buf, ion.vaddr, ion.size);

	memset(buf, 0x5a, 300);
	KUNIT_EXPECT_EQ(test, hon_zone_kunit_write(zone, buf, 300, 4000), 300);
	KUNIT_EXPECT_MEMEQ(test, ion.vaddr + 4000, buf, 300);

	KUNIT_EXPECT_EQ(test, 0, hon_zone_unbind(zone));
	KUNIT_EXPECT_EQ(test, 0, hon_zone_get_info(zone, &info));
	KUNIT_EXPECT_EQ(test, info.size, 0);
	KUNIT_EXPECT_EQ(test, info.state, 0);
	/* unbound again: bind again */
	KUNIT_EXPECT_EQ(test, 0, hon_zone_bind(zone, ion.dmabuf));
}

/*
 * A buffer whose ION protection mask lost ION_PROT_WRITE is read, never
 * written, through the zone, also when the mask changed after the bind.
 */
static void hon_zone_ion_write_protected(struct kunit *test)
{
	struct hon_zone *zone = hon_zone_kunit_zone(test);
	struct hon_zone_kunit_ion ion;
	u32 crc = 0;
	u8 buf[64];

	hon_zone_kunit_ion_alloc(test, &ion, PAGE_SIZE);
	memset(ion.vaddr, 0x11, ion.size);
	KUNIT_ASSERT_EQ(test, 0, hon_zone_bind(zone, ion.dmabuf));
	KUNIT_ASSERT_EQ(test, ION_PROT_MASK, ion_prot_of_dma_buf(ion.dmabuf));
	KUNIT_EXPECT_EQ(test, 0, hon_zone_fill(zone, 0, 16, 0x22));

	KUNIT_ASSERT_EQ(test, 0, ion_prot_restrict_dma_buf(ion.dmabuf, ION_PROT_READ));
	memset(buf, 0x33, sizeof(buf));
	KUNIT_EXPECT_EQ(test, -EPERM, hon_zone_kunit_write(zone, buf, sizeof(buf), 0));
	KUNIT_EXPECT_EQ(test, -EPERM, hon_zone_fill(zone, 0, 16, 0x44));
	KUNIT_EXPECT_EQ(test, 0x22, ion.vaddr[0]);
	KUNIT_EXPECT_EQ(test, 0x11, ion.vaddr[16]);

	KUNIT_EXPECT_EQ(test, sizeof(buf), hon_zone_kunit_read(zone, buf, sizeof(buf), 0));
	KUNIT_EXPECT_EQ(test, 0x22, buf[0]);
	KUNIT_EXPECT_EQ(test, 0, hon_zone_checksum(zone, 0, ion.size, &crc));
	KUNIT_EXPECT_EQ(test, hon_zone_kunit_crc32(0, ion.vaddr, ion.size), crc);
}

/* The zone keeps the buffer when its owner dropped everything. */
static void hon_zone_ion_outlives_owner(struct kunit *test)
{
	struct hon_zone *zone = hon_zone_kunit_zone(test);
	struct ion_device *dev = ion_default_device();
	struct ion_client *client;
	struct ion_handle *handle;
	struct dma_buf *dmabuf;
	u8 *vaddr, buf[64];
	u32 crc = 0;

	if (IS_ERR_OR_NULL(dev))
		kunit_skip(test, "no ION device");
	client = ion_client_create(dev, "hon_zone_kunit_owner");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, client);
	handle = ion_alloc(client, PAGE_SIZE, 0, ION_HEAP_SYSTEM_MASK, 0);
	if (IS_ERR(handle))
		ion_client_destroy(client);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, handle);
	vaddr = ion_map_kernel(client, handle);
	if (!IS_ERR(vaddr))
		memset(vaddr, 0xa5, PAGE_SIZE);
	dmabuf = ion_share_dma_buf(client, handle);
	if (!IS_ERR(dmabuf)) {
		KUNIT_EXPECT_EQ(test, 0, hon_zone_bind(zone, dmabuf));
		dma_buf_put(dmabuf);
	}
	/* everything of the owner goes */
	ion_unmap_kernel(client, handle);
	ion_free(client, handle);
	ion_client_destroy(client);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vaddr);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dmabuf);

	KUNIT_EXPECT_EQ(test, hon_zone_kunit_read(zone, buf, sizeof(buf), 100),
			sizeof(buf));
	KUNIT_EXPECT_EQ(test, buf[0], 0xa5);
	KUNIT_EXPECT_EQ(test, buf[63], 0xa5);
	KUNIT_EXPECT_EQ(test, 0, hon_zone_fill(zone, 0, PAGE_SIZE, 0x11));
	KUNIT_EXPECT_EQ(test, 0, hon_zone_checksum(zone, 0, 64, &crc));
	memset(buf, 0x11, sizeof(buf));
	KUNIT_EXPECT_EQ(test, crc, hon_zone_kunit_crc32(0, buf, sizeof(buf)));
	/* the zone's destruction (a test action) drops the last reference */
}

static void hon_zone_bind_busy(struct kunit *test)
{
	struct hon_zone *zone = hon_zone_kunit_zone(test);
	struct hon_zone_kunit_ion ion;
	struct dma_buf *other;

	hon_zone_kunit_ion_alloc(test, &ion, PAGE_SIZE);
	other = hon_zone_kunit_foreign(test, PAGE_SIZE, true);
	KUNIT_ASSERT_EQ(test, 0, hon_zone_bind(zone, ion.dmabuf));
	KUNIT_EXPECT_EQ(test, -EBUSY, hon_zone_bind(zone, ion.dmabuf));
	KUNIT_EXPECT_EQ(test, -EBUSY, hon_zone_bind(zone, other));
	KUNIT_EXPECT_EQ(test, -EBUSY,
			PTR_ERR(hon_zone_alloc(zone, PAGE_SIZE,
					       ION_HEAP_SYSTEM_MASK, 0)));
	KUNIT_EXPECT_EQ(test, 0, hon_zone_unbind(zone));
	KUNIT_EXPECT_EQ(test, -ENXIO, hon_zone_unbind(zone));
	KUNIT_EXPECT_EQ(test, 0, hon_zone_bind(zone, other));
	KUNIT_EXPECT_EQ(test, 1, hon_zone_kunit_priv(other)->vmaps);
}

/* Two zones bind the same buffer and see each other's writes. */
static void hon_zone_two_zones_one_buffer(struct kunit *test)
{
	struct hon_zone *a = hon_zone_kunit_zone(test);
	struct hon_zone *b = hon_zone_kunit_zone(test);
	struct hon_zone_kunit_ion ion;
	char buf[6] = "";

	hon_zone_kunit_ion_alloc(test, &ion, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, 0, hon_zone_bind(a, ion.dmabuf));
	KUNIT_ASSERT_EQ(test, 0, hon_zone_bind(b, ion.dmabuf));
	KUNIT_EXPECT_EQ(test, hon_zone_kunit_write(a, "hello", 6, 10), 6);
	KUNIT_EXPECT_EQ(test, hon_zone_kunit_read(b, buf, 6, 10), 6);
	KUNIT_EXPECT_STREQ(test, buf, "hello");
	KUNIT_EXPECT_EQ(test, 0, hon_zone_unbind(a));
	KUNIT_EXPECT_EQ(test, hon_zone_kunit_read(b, buf, 6, 10), 6);
	KUNIT_EXPECT_STREQ(test, (char *)ion.vaddr + 10, "hello");
}

/* HON_ZONE_ION_ALLOC: the zone allocates, binds and hands out a dma-buf. */
static void hon_zone_alloc_ion(struct kunit *test)
{
	struct hon_zone *zone = hon_zone_kunit_zone(test);
	struct iosys_map map = {};
	struct hon_zone_info info;
	struct dma_buf *dmabuf;
	u32 crc = 0;
	u8 *ref;

	dmabuf = hon_zone_alloc(zone, 2 * PAGE_SIZE + 1,
				hon_zone_kunit_mask(test), ION_FLAG_CACHED);
	if (PTR_ERR_OR_ZERO(dmabuf) == -ENODEV)
		kunit_skip(test, "heap not registered");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dmabuf);
	hon_zone_kunit_defer(test, hon_zone_kunit_put_dmabuf, dmabuf);
	KUNIT_EXPECT_TRUE(test, ion_dma_buf_is_ion(dmabuf));

	KUNIT_ASSERT_EQ(test, 0, hon_zone_get_info(zone, &info));
	KUNIT_EXPECT_EQ(test, info.size, 3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, info.state, HON_ZONE_STATE_BOUND |
			HON_ZONE_STATE_ION | HON_ZONE_STATE_KERNEL_ALLOC);
	KUNIT_EXPECT_EQ(test, info.heap_id, hon_zone_kunit_heap_id(test));
	KUNIT_EXPECT_EQ(test, info.ion_flags, ION_FLAG_CACHED);

	KUNIT_ASSERT_EQ(test, 0, hon_zone_fill(zone, 0, 3 * PAGE_SIZE, 0x3c));
	KUNIT_ASSERT_EQ(test, 0, hon_zone_fill(zone, 5, 10, 0xc3));

	/* what the zone wrote, seen through the dma-buf it returned */
	KUNIT_ASSERT_EQ(test, 0, ion_dma_buf_map_kernel(dmabuf, &map));
	ref = kunit_kmalloc(test, 3 * PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ref);
	memset(ref, 0x3c, 3 * PAGE_SIZE);
	memset(ref + 5, 0xc3, 10);
	KUNIT_EXPECT_MEMEQ(test, map.vaddr, ref, 3 * PAGE_SIZE);
	ion_dma_buf_unmap_kernel(dmabuf, &map);

	KUNIT_EXPECT_EQ(test, 0, hon_zone_checksum(zone, 0, 3 * PAGE_SIZE,
						   &crc));
	KUNIT_EXPECT_EQ(test, crc, hon_zone_kunit_crc32(0, ref, 3 * PAGE_SIZE));

	/* the dma-buf outlives the zone's binding */
	KUNIT_EXPECT_EQ(test, 0, hon_zone_unbind(zone));
	KUNIT_ASSERT_EQ(test, 0, ion_dma_buf_map_kernel(dmabuf, &map));
	KUNIT_EXPECT_MEMEQ(test, map.vaddr, ref, 3 * PAGE_SIZE);
	ion_dma_buf_unmap_kernel(dmabuf, &map);
}

static long hon_zone_kunit_alloc_err(struct hon_zone *zone, u64 len,
				     u32 heap_id_mask)
{
	return PTR_ERR(hon_zone_alloc(zone, len, heap_id_mask, 0));
}

static void hon_zone_alloc_bad(struct kunit *test)
{
	struct hon_zone *zone = hon_zone_kunit_zone(test);
	const u32 mask = ION_HEAP_SYSTEM_MASK;
	struct hon_zone_info info;

	KUNIT_EXPECT_EQ(test, -EINVAL, hon_zone_kunit_alloc_err(zone, 0, mask));
	KUNIT_EXPECT_EQ(test, -EFBIG, hon_zone_kunit_alloc_err(zone, SZ_1G, mask));
	KUNIT_EXPECT_EQ(test, -EFBIG, hon_zone_kunit_alloc_err(zone, U64_MAX, mask));
	KUNIT_EXPECT_EQ(test, -ENODEV, hon_zone_kunit_alloc_err(zone, PAGE_SIZE, 0));
	KUNIT_EXPECT_EQ(test, 0, hon_zone_get_info(zone, &info));
	KUNIT_EXPECT_EQ(test, info.state, 0);
}

/* A dma-buf of another exporter goes through the vmap interface. */
static void hon_zone_foreign_bind(struct kunit *test)
{
	struct hon_zone *zone = hon_zone_kunit_zone(test);
	struct dma_buf *dmabuf = hon_zone_kunit_foreign(test, 2 * PAGE_SIZE,
							true);
	struct hon_zone_kunit_foreign *priv = hon_zone_kunit_priv(dmabuf);
	static const char digits[] = "123456789";
	struct hon_zone_info info;
	u8 buf[16];
	u32 crc;

	KUNIT_ASSERT_EQ(test, 0, hon_zone_bind(zone, dmabuf));
	KUNIT_EXPECT_EQ(test, priv->vmaps, 1);
	KUNIT_ASSERT_EQ(test, 0, hon_zone_get_info(zone, &info));
	KUNIT_EXPECT_EQ(test, info.size, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, info.state, HON_ZONE_STATE_BOUND);
	KUNIT_EXPECT_EQ(test, info.heap_id, 0);
	KUNIT_EXPECT_EQ(test, info.ion_flags, 0);

	memcpy(priv->vaddr + PAGE_SIZE - 4, digits, 9);
	/* the check value of CRC-32 */
	crc = 0;
	KUNIT_EXPECT_EQ(test, 0, hon_zone_checksum(zone, PAGE_SIZE - 4, 9,
						   &crc));
	KUNIT_EXPECT_EQ(test, crc, 0xcbf43926);
	/* chained over two ranges */
	crc = 0;
	KUNIT_EXPECT_EQ(test, 0, hon_zone_checksum(zone, PAGE_SIZE - 4, 4,
						   &crc));
	KUNIT_EXPECT_EQ(test, 0, hon_zone_checksum(zone, PAGE_SIZE, 5, &crc));
	KUNIT_EXPECT_EQ(test, crc, 0xcbf43926);
	/* an empty range leaves the CRC alone */
	KUNIT_EXPECT_EQ(test, 0, hon_zone_checksum(zone, 2 * PAGE_SIZE, 0,
						   &crc));
	KUNIT_EXPECT_EQ(test, crc, 0xcbf43926);

	KUNIT_EXPECT_EQ(test, hon_zone_kunit_read(zone, buf, 9,
						  PAGE_SIZE - 4), 9);
	KUNIT_EXPECT_MEMEQ(test, buf, digits, 9);
	KUNIT_EXPECT_EQ(test, hon_zone_kunit_write(zone, "abc", 3, 7), 3);
	KUNIT_EXPECT_MEMEQ(test, priv->vaddr + 7, "abc", 3);
	KUNIT_EXPECT_EQ(test, 0, hon_zone_fill(zone, 100, 50, 0xee));
	KUNIT_EXPECT_EQ(test, ((u8 *)priv->vaddr)[99], 0);
	KUNIT_EXPECT_EQ(test, ((u8 *)priv->vaddr)[100], 0xee);
	KUNIT_EXPECT_EQ(test, ((u8 *)priv->vaddr)[149], 0xee);
	KUNIT_EXPECT_EQ(test, ((u8 *)priv->vaddr)[150], 0);

	KUNIT_EXPECT_EQ(test, 0, hon_zone_unbind(zone));
	KUNIT_EXPECT_EQ(test, priv->vmaps, 0);
}

/* A mapping in I/O memory is refused and undone. */
static void hon_zone_foreign_iomem(struct kunit *test)
{
	struct hon_zone *zone = hon_zone_kunit_zone(test);
	struct dma_buf *dmabuf = hon_zone_kunit_foreign(test, PAGE_SIZE, true);
	struct hon_zone_kunit_foreign *priv = hon_zone_kunit_priv(dmabuf);
	struct hon_zone_info info;

	priv->iomem = true;
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP, hon_zone_bind(zone, dmabuf));
	KUNIT_EXPECT_EQ(test, priv->vmaps, 0);
	KUNIT_EXPECT_EQ(test, 0, hon_zone_get_info(zone, &info));
	KUNIT_EXPECT_EQ(test, info.state, 0);
	priv->iomem = false;
	KUNIT_EXPECT_EQ(test, 0, hon_zone_bind(zone, dmabuf));
}

/* An exporter without vmap: refused with -EOPNOTSUPP. */
static void hon_zone_foreign_no_vmap(struct kunit *test)
{
	struct hon_zone *zone = hon_zone_kunit_zone(test);
	struct dma_buf *dmabuf;

	dmabuf = hon_zone_kunit_export(test, PAGE_SIZE, true,
				       &hon_zone_kunit_no_vmap_ops);
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP, hon_zone_bind(zone, dmabuf));
}

/* A read-only dma-buf file: refused before anything is mapped. */
static void hon_zone_foreign_readonly(struct kunit *test)
{
	struct hon_zone *zone = hon_zone_kunit_zone(test);
	struct dma_buf *dmabuf;

	dmabuf = hon_zone_kunit_export_flags(test, PAGE_SIZE, true,
					     &hon_zone_kunit_foreign_ops,
					     O_RDONLY);
	KUNIT_EXPECT_EQ(test, -EACCES, hon_zone_bind(zone, dmabuf));
	KUNIT_EXPECT_EQ(test, hon_zone_kunit_priv(dmabuf)->vmaps, 0);
	KUNIT_EXPECT_EQ(test, -ENXIO, hon_zone_unbind(zone));
}

/* Larger than max_buffer_size: refused before anything is mapped. */
static void hon_zone_foreign_too_big(struct kunit *test)
{
	struct hon_zone *zone = hon_zone_kunit_zone(test);
	struct dma_buf *dmabuf = hon_zone_kunit_foreign(test, SZ_512M, false);

	KUNIT_EXPECT_EQ(test, -EFBIG, hon_zone_bind(zone, dmabuf));
	KUNIT_EXPECT_EQ(test, hon_zone_kunit_priv(dmabuf)->vmaps, 0);
}

/* Everything that needs a bound zone fails with -ENXIO on an unbound one. */
static void hon_zone_unbound(struct kunit *test)
{
	struct hon_zone *zone = hon_zone_kunit_zone(test);
	struct hon_zone_info info;
	u8 buf[4];
	u32 crc = 0;

	KUNIT_EXPECT_EQ(test, -ENXIO, hon_zone_unbind(zone));
	KUNIT_EXPECT_EQ(test, -ENXIO, hon_zone_fill(zone, 0, 0, 0));
	KUNIT_EXPECT_EQ(test, -ENXIO, hon_zone_checksum(zone, 0, 0, &crc));
	KUNIT_EXPECT_EQ(test, -ENXIO, hon_zone_kunit_read(zone, buf, 4, 0));
	KUNIT_EXPECT_EQ(test, -ENXIO, hon_zone_kunit_write(zone, buf, 4, 0));
	KUNIT_EXPECT_EQ(test, 0, hon_zone_get_info(zone, &info));
	KUNIT_EXPECT_EQ(test, info.size, 0);
	KUNIT_EXPECT_EQ(test, info.state, 0);
}

/* Ranges and file positions at and past the end of the buffer. */
static void hon_zone_ranges(struct kunit *test)
{
	struct hon_zone *zone = hon_zone_kunit_zone(test);
	struct dma_buf *dmabuf = hon_zone_kunit_foreign(test, PAGE_SIZE, true);
	u8 *vaddr = hon_zone_kunit_priv(dmabuf)->vaddr;
	u8 buf[32] = {};
	u32 crc = 0x1234;

	KUNIT_ASSERT_EQ(test, 0, hon_zone_bind(zone, dmabuf));

	KUNIT_EXPECT_EQ(test, 0, hon_zone_fill(zone, PAGE_SIZE, 0, 1));
	KUNIT_EXPECT_EQ(test, -EINVAL, hon_zone_fill(zone, PAGE_SIZE + 1, 0, 1));
	KUNIT_EXPECT_EQ(test, -EINVAL, hon_zone_fill(zone, 1, PAGE_SIZE, 1));
	KUNIT_EXPECT_EQ(test, -EINVAL, hon_zone_fill(zone, 2, U64_MAX, 1));
	KUNIT_EXPECT_EQ(test, -EINVAL, hon_zone_fill(zone, U64_MAX, 2, 1));
	KUNIT_EXPECT_EQ(test, -EINVAL, hon_zone_checksum(zone, 0,
							 PAGE_SIZE + 1, &crc));
	KUNIT_EXPECT_EQ(test, -EINVAL, hon_zone_checksum(zone, U64_MAX, 1,
							 &crc));
	KUNIT_EXPECT_EQ(test, crc, 0x1234);
	KUNIT_EXPECT_EQ(test, vaddr[0], 0);

	/* reads at or past the end return 0, writes there fail */
	KUNIT_EXPECT_EQ(test, 0, hon_zone_kunit_read(zone, buf, 8, PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, 0, hon_zone_kunit_read(zone, buf, 8, SZ_1G));
	KUNIT_EXPECT_EQ(test, -ENOSPC,
			hon_zone_kunit_write(zone, buf, 8, PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, -ENOSPC,
			hon_zone_kunit_write(zone, buf, 8, SZ_1G));
	/* crossing the end: short */
	memset(buf, 0x77, sizeof(buf));
	KUNIT_EXPECT_EQ(test, 10, hon_zone_kunit_write(zone, buf, 32,
						       PAGE_SIZE - 10));
	KUNIT_EXPECT_EQ(test, vaddr[PAGE_SIZE - 1], 0x77);
	memset(buf, 0, sizeof(buf));
	KUNIT_EXPECT_EQ(test, 10, hon_zone_kunit_read(zone, buf, 32,
						      PAGE_SIZE - 10));
	KUNIT_EXPECT_EQ(test, buf[9], 0x77);
	KUNIT_EXPECT_EQ(test, buf[10], 0);
	/* empty transfers */
	KUNIT_EXPECT_EQ(test, 0, hon_zone_kunit_read(zone, buf, 0, 0));
	KUNIT_EXPECT_EQ(test, 0, hon_zone_kunit_write(zone, buf, 0, 0));
}

/* A buffer larger than one chunk: FILL and CHECKSUM cover every chunk. */
static void hon_zone_large_buffer(struct kunit *test)
{
	struct hon_zone *zone = hon_zone_kunit_zone(test);
	size_t size = SZ_1M + 3 * PAGE_SIZE;
	struct hon_zone_kunit_ion ion;
	u32 crc = 0;

	hon_zone_kunit_ion_alloc(test, &ion, size);
	KUNIT_ASSERT_EQ(test, 0, hon_zone_bind(zone, ion.dmabuf));
	hon_zone_kunit_random(test, ion.vaddr, size);
	KUNIT_EXPECT_EQ(test, 0, hon_zone_checksum(zone, 1, size - 2, &crc));
	KUNIT_EXPECT_EQ(test, crc, hon_zone_kunit_crc32(0, ion.vaddr + 1,
							size - 2));
	KUNIT_EXPECT_EQ(test, 0, hon_zone_fill(zone, 1, size - 2, 0x42));
	KUNIT_EXPECT_EQ(test, ion.vaddr[1], 0x42);
	KUNIT_EXPECT_EQ(test, ion.vaddr[size / 2], 0x42);
	KUNIT_EXPECT_EQ(test, ion.vaddr[size - 2], 0x42);
}

/* --- the extensible ioctl arguments -------------------------------------- */

/* A page of user memory for the ioctl helpers, or skip without one. */
static void __user *hon_zone_kunit_user_page(struct kunit *test)
{
	unsigned long addr;

	addr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
	if (IS_ERR_VALUE(addr))
		kunit_skip(test, "no user memory (%ld)", (long)addr);
	return (void __user *)addr;
}

/*
 * The oldest structure of each extensible ioctl ends after its last field
 * that is not reserved, as the uapi header documents.  The test case
 * succeeds if every size is the documented one.
 */
static void hon_zone_arg_sizes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, HON_ZONE_BIND_SIZE0, 8);
	KUNIT_EXPECT_EQ(test, HON_ZONE_INFO_SIZE0, 24);
	KUNIT_EXPECT_EQ(test, HON_ZONE_ALLOC_SIZE0, 20);
	KUNIT_EXPECT_EQ(test, HON_ZONE_FILL_SIZE0, 20);
	KUNIT_EXPECT_EQ(test, HON_ZONE_CHECKSUM_SIZE0, 20);
	KUNIT_EXPECT_EQ(test, sizeof(struct hon_zone_bind_data), 16);
}

/*
 * hon_zone_arg_in(): the test case succeeds if a structure of today's size
 * is read as it is, a smaller one down to the oldest is zero-extended, a
 * larger one is read when its tail is 0 and -E2BIG otherwise, a shorter one
 * is -EINVAL and a bad pointer -EFAULT.
 */
static void hon_zone_arg_in_sizes(struct kunit *test)
{
	u8 __user *ubuf = hon_zone_kunit_user_page(test);
	struct hon_zone_bind_data in = { .fd = 7, .flags = 1, .reserved = 3 };
	struct hon_zone_bind_data data;
	u8 zeros[8] = {};
	u8 one = 1;

	KUNIT_ASSERT_EQ(test, 0, copy_to_user(ubuf, &in, sizeof(in)));
	KUNIT_ASSERT_EQ(test, 0, copy_to_user(ubuf + sizeof(in), zeros,
					      sizeof(zeros)));

	memset(&data, 0xff, sizeof(data));
	KUNIT_EXPECT_EQ(test, 0, hon_zone_arg_in(&data, sizeof(data),
						 HON_ZONE_BIND_SIZE0, ubuf,
						 sizeof(data)));
	KUNIT_EXPECT_EQ(test, data.fd, 7);
	KUNIT_EXPECT_EQ(test, data.reserved, 3);

	/* the oldest structure: reserved reads as 0 */
	memset(&data, 0xff, sizeof(data));
	KUNIT_EXPECT_EQ(test, 0, hon_zone_arg_in(&data, sizeof(data),
						 HON_ZONE_BIND_SIZE0, ubuf,
						 HON_ZONE_BIND_SIZE0));
	KUNIT_EXPECT_EQ(test, data.fd, 7);
	KUNIT_EXPECT_EQ(test, data.flags, 1);
	KUNIT_EXPECT_EQ(test, data.reserved, 0);

	/* a newer structure with a tail of zeros */
	KUNIT_EXPECT_EQ(test, 0, hon_zone_arg_in(&data, sizeof(data),
						 HON_ZONE_BIND_SIZE0, ubuf,
						 sizeof(data) + sizeof(zeros)));
	KUNIT_EXPECT_EQ(test, data.fd, 7);
	/* and with one byte of it set, the last one */
	KUNIT_ASSERT_EQ(test, 0, copy_to_user(ubuf + sizeof(in) + 7, &one, 1));
	KUNIT_EXPECT_EQ(test, -E2BIG,
			hon_zone_arg_in(&data, sizeof(data),
					HON_ZONE_BIND_SIZE0, ubuf,
					sizeof(data) + sizeof(zeros)));

	KUNIT_EXPECT_EQ(test, -EINVAL,
			hon_zone_arg_in(&data, sizeof(data),
					HON_ZONE_BIND_SIZE0, ubuf,
					HON_ZONE_BIND_SIZE0 - 1));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			hon_zone_arg_in(&data, sizeof(data),
					HON_ZONE_BIND_SIZE0, ubuf, 0));
	KUNIT_EXPECT_EQ(test, -EFAULT,
			hon_zone_arg_in(&data, sizeof(data),
					HON_ZONE_BIND_SIZE0, NULL,
					sizeof(data)));
}

/*
 * hon_zone_arg_out(): the test case succeeds if a smaller user structure
 * gets only its own bytes, a larger one today's structure and zeros, and a
 * bad pointer is -EFAULT.
 */
static void hon_zone_arg_out_sizes(struct kunit *test)
{
	u8 __user *ubuf = hon_zone_kunit_user_page(test);
	struct hon_zone_info info = {
		.size = 1, .ion_flags = 2, .state = 3, .heap_id = 4,
	};
	u8 back[sizeof(info) + 8];
	u8 ones[sizeof(back)];

	memset(ones, 0xff, sizeof(ones));
	KUNIT_ASSERT_EQ(test, 0, copy_to_user(ubuf, ones, sizeof(ones)));
	KUNIT_EXPECT_EQ(test, 0, hon_zone_arg_out(ubuf, HON_ZONE_INFO_SIZE0,
						  &info, sizeof(info)));
	KUNIT_ASSERT_EQ(test, 0, copy_from_user(back, ubuf, sizeof(back)));
	KUNIT_EXPECT_MEMEQ(test, back, &info, HON_ZONE_INFO_SIZE0);
	KUNIT_EXPECT_MEMEQ(test, back + HON_ZONE_INFO_SIZE0, ones,
			   sizeof(back) - HON_ZONE_INFO_SIZE0);

	KUNIT_EXPECT_EQ(test, 0, hon_zone_arg_out(ubuf, sizeof(back), &info,
						  sizeof(info)));
	KUNIT_ASSERT_EQ(test, 0, copy_from_user(back, ubuf, sizeof(back)));
	KUNIT_EXPECT_MEMEQ(test, back, &info, sizeof(info));
	memset(ones, 0, sizeof(ones));
	KUNIT_EXPECT_MEMEQ(test, back + sizeof(info), ones, 8);

	KUNIT_EXPECT_EQ(test, -EFAULT, hon_zone_arg_out(NULL, sizeof(info),
							&info, sizeof(info)));
}

/*
 * HON_ZONE_BIND's checks: the test case succeeds if unknown flags and a
 * non-zero reserved field are -EINVAL, and HON_ZONE_BIND_ION_ONLY refuses a
 * dma-buf of another exporter with -EXDEV and takes an ION buffer.
 */
static void hon_zone_bind_flags(struct kunit *test)
{
	struct dma_buf *foreign = hon_zone_kunit_foreign(test, PAGE_SIZE, true);
	struct hon_zone_bind_data data = { .flags = HON_ZONE_BIND_ION_ONLY };
	struct hon_zone_kunit_ion ion;

	KUNIT_EXPECT_EQ(test, 0, hon_zone_bind_data_check(&data));
	data.flags = 0;
	KUNIT_EXPECT_EQ(test, 0, hon_zone_bind_data_check(&data));
	data.flags = HON_ZONE_BIND_ION_ONLY << 1;
	KUNIT_EXPECT_EQ(test, -EINVAL, hon_zone_bind_data_check(&data));
	data.flags = 1U << 31;
	KUNIT_EXPECT_EQ(test, -EINVAL, hon_zone_bind_data_check(&data));
	data.flags = 0;
	data.reserved = 1ULL << 63;
	KUNIT_EXPECT_EQ(test, -EINVAL, hon_zone_bind_data_check(&data));

	KUNIT_EXPECT_EQ(test, 0, hon_zone_bind_flags_allow(0, foreign));
	KUNIT_EXPECT_EQ(test, -EXDEV,
			hon_zone_bind_flags_allow(HON_ZONE_BIND_ION_ONLY,
						  foreign));
	hon_zone_kunit_ion_alloc(test, &ion, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, 0,
			hon_zone_bind_flags_allow(HON_ZONE_BIND_ION_ONLY,
						  ion.dmabuf));
}

static struct kunit_case hon_zone_test_cases[] = {
	KUNIT_CASE_PARAM(hon_zone_ion_bind_read_write,
			 hon_zone_kunit_heap_gen_params),
	KUNIT_CASE(hon_zone_ion_write_protected),
	KUNIT_CASE(hon_zone_ion_outlives_owner),
	KUNIT_CASE(hon_zone_bind_busy),
	KUNIT_CASE(hon_zone_two_zones_one_buffer),
	KUNIT_CASE_PARAM(hon_zone_alloc_ion, hon_zone_kunit_heap_gen_params),
	KUNIT_CASE(hon_zone_alloc_bad),
	KUNIT_CASE(hon_zone_foreign_bind),
	KUNIT_CASE(hon_zone_foreign_iomem),
	KUNIT_CASE(hon_zone_foreign_no_vmap),
	KUNIT_CASE(hon_zone_foreign_readonly),
	KUNIT_CASE(hon_zone_foreign_too_big),
	KUNIT_CASE(hon_zone_unbound),
	KUNIT_CASE(hon_zone_ranges),
	KUNIT_CASE(hon_zone_large_buffer),
	KUNIT_CASE(hon_zone_arg_sizes),
	KUNIT_CASE(hon_zone_arg_in_sizes),
	KUNIT_CASE(hon_zone_arg_out_sizes),
	KUNIT_CASE(hon_zone_bind_flags),
	{}
};

static struct kunit_suite hon_zone_test_suite = {
	.name = "hon_zone",
	.test_cases = hon_zone_test_cases,
};

kunit_test_suite(hon_zone_test_suite);

MODULE_DESCRIPTION("KUnit tests for hon_zone");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
