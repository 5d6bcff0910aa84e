// SPDX-License-Identifier: GPL-2.0
/*
 * ION in-kernel client sample: what a driver does with <linux/ion.h>.
 *
 * Loading the module runs the whole life cycle once and logs each step:
 *
 *   # insmod ion_client_sample.ko && dmesg | grep ion_client_sample
 *
 * create a client, allocate from the system heap (msm id 25) and the
 * contiguous heap (msm id 21), map into the kernel, write, share as a
 * dma-buf and as an fd, import back (the same handle comes back with one
 * more count), free, destroy.  Any failure makes the load fail.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-buf.h>
#include <linux/err.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/ion.h>
#include <linux/module.h>
#include <linux/string.h>

static int ion_client_sample_heap(struct ion_client *client,
				  unsigned int heap_id_mask, const char *what)
{
	struct ion_handle *handle, *again;
	struct dma_buf *dmabuf;
	ion_phys_addr_t phys;
	size_t size;
	char *vaddr;
	int fd, ret;

	handle = ion_alloc(client, 2 * PAGE_SIZE, PAGE_SIZE, heap_id_mask,
			   ION_FLAG_CACHED);
	if (IS_ERR(handle)) {
		pr_err("%s: ion_alloc: %pe\n", what, handle);
		return PTR_ERR(handle);
	}

	vaddr = ion_map_kernel(client, handle);
	if (IS_ERR(vaddr)) {
		ret = PTR_ERR(vaddr);
		goto free_handle;
	}
	strscpy(vaddr, "hello from the kernel", PAGE_SIZE);
	ion_unmap_kernel(client, handle);

	ret = ion_handle_get_size(client, handle, &size);
	if (ret)
		goto free_handle;
	if (!ion_phys(client, handle, &phys, &size))
		pr_info("%s: contiguous, %zu bytes\n", what, size);

	/* as a dma-buf object, for another driver in the kernel */
	dmabuf = ion_share_dma_buf(client, handle);
	if (IS_ERR(dmabuf)) {
		ret = PTR_ERR(dmabuf);
		goto free_handle;
	}
	again = ion_import_dma_buf_obj(client, dmabuf);
	dma_buf_put(dmabuf);
	if (IS_ERR(again)) {
		ret = PTR_ERR(again);
		goto free_handle;
	}
	/* the same handle, one more count: one more ion_free() */
	ion_free(client, again);

	/* as an fd, for the current process (here: insmod) */
	fd = ion_share_dma_buf_fd(client, handle);
	if (fd < 0) {
		ret = fd;
		goto free_handle;
	}
	again = ion_import_dma_buf(client, fd);
	close_fd(fd);
	if (IS_ERR(again)) {
		ret = PTR_ERR(again);
		goto free_handle;
	}
	ion_free(client, again);

	vaddr = ion_map_kernel(client, handle);
	if (IS_ERR(vaddr)) {
		ret = PTR_ERR(vaddr);
		goto free_handle;
	}
	pr_info("%s: %zu bytes, read back \"%s\"\n", what, size, vaddr);
	ion_unmap_kernel(client, handle);
	ret = 0;

free_handle:
	ion_free(client, handle);
	return ret;
}

static int __init ion_client_sample_init(void)
{
	struct ion_client *client;
	int ret;

	client = msm_ion_client_create("ion_client_sample");
	if (IS_ERR(client))
		return PTR_ERR(client);

	ret = ion_client_sample_heap(client, ION_HEAP(ION_SYSTEM_HEAP_ID),
				     "system heap");
	if (!ret)
		ret = ion_client_sample_heap(client,
					     ION_HEAP(ION_SYSTEM_CONTIG_HEAP_ID),
					     "contiguous heap");
	/* frees whatever handles are left */
	ion_client_destroy(client);
	return ret;
}

static void __exit ion_client_sample_exit(void)
{
}

module_init(ion_client_sample_init);
module_exit(ion_client_sample_exit);

MODULE_DESCRIPTION("ION in-kernel client API sample");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
