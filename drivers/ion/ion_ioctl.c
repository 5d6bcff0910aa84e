// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl layers of /dev/ion: the legacy handle ABI (Linux 3.x to 4.11),
 * the fd ABI of 4.12 to 5.10 and the ILP32 compat translation.  Each is a
 * small translation in front of the one core; only this file touches user
 * memory, and fds are installed as the very last step.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/compat.h>
#include <linux/dma-buf.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/ion.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "ion_priv.h"

/*
 * With legacy_abi off, the legacy-only ioctls fail with -ENOTTY, so that
 * user space sees a 4.12 to 5.10 kernel (libion's version probe).  Set at
 * boot or module load only (read-only in sysfs): a process that probed the
 * ABI must not see it change under it.
 */
static bool legacy_abi = true;
module_param(legacy_abi, bool, 0444);
MODULE_PARM_DESC(legacy_abi,
		 "accept the legacy handle ioctls ALLOC/FREE/SHARE/MAP/IMPORT/CUSTOM (default: 1)");

/* the numbers 64-bit binaries send (x86_64, arm64) */
#ifdef CONFIG_64BIT
static_assert(ION_IOC_ALLOC == 0xC0204900);
static_assert(ION_IOC_CUSTOM == 0xC0104906);
#endif
static_assert(ION_IOC_FREE == 0xC0044901);
static_assert(ION_IOC_SHARE == 0xC0084904);
static_assert(ION_IOC_NEW_ALLOC == 0xC0184900);
static_assert(ION_IOC_HEAP_QUERY == 0xC0184908);
static_assert(ION_IOC_SHARE_RO == 0xC0104910);
static_assert(ION_IOC_BUFFER_PROT == 0xC0104911);

static struct ion_device *ion_file_device(struct file *file)
{
	struct miscdevice *misc = file->private_data;

	return container_of(misc, struct ion_device, misc);
}

static int ion_open(struct inode *inode, struct file *file)
{
	struct ion_device *dev = ion_file_device(file);
	struct ion_client *client;

	client = ion_client_create_user(dev);
	if (IS_ERR(client))
		return PTR_ERR(client);
	file->private_data = client;
	return 0;
}

static int ion_release(struct inode *inode, struct file *file)
{
	ion_client_destroy(file->private_data);
	return 0;
}

/* Reserve an fd, copy @fd_out to user space, then install: the last step. */
static int ion_ioctl_install_fd(struct dma_buf *dmabuf, void __user *uarg,
				void *data, size_t size, int *fd_field)
{
	int fd;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		dma_buf_put(dmabuf);
		return fd;
	}
	*fd_field = fd;
	if (copy_to_user(uarg, data, size)) {
		put_unused_fd(fd);
		dma_buf_put(dmabuf);
		return -EFAULT;
	}
	/* Ownership of the dmabuf reference goes to the fd from here. */
	fd_install(fd, dmabuf->file);
	return 0;
}

static long ion_ioctl_legacy_alloc(struct ion_client *client,
				   struct ion_allocation_data *data,
				   void __user *uarg, size_t size)
{
	int ret, id;

	ret = ion_legacy_id_alloc(client, data->len, data->align,
				  data->heap_id_mask, data->flags, &id);
	if (ret)
		return ret;
	data->handle = id;
	if (copy_to_user(uarg, data, size)) {
		ion_legacy_id_free(client, id);
		return -EFAULT;
	}
	return 0;
}

static long ion_ioctl_free(struct ion_client *client, void __user *uarg)
{
	struct ion_handle_data data;

	if (copy_from_user(&data, uarg, sizeof(data)))
		return -EFAULT;
	return ion_legacy_id_free(client, data.handle);
}

static long ion_ioctl_share(struct ion_client *client, void __user *uarg)
{
	struct ion_fd_data data;
	struct dma_buf *dmabuf;

	if (copy_from_user(&data, uarg, sizeof(data)))
		return -EFAULT;
	dmabuf = ion_legacy_id_get_dma_buf(client, data.handle);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	return ion_ioctl_install_fd(dmabuf, uarg, &data, sizeof(data), &data.fd);
}

static long ion_ioctl_import(struct ion_client *client, void __user *uarg)
{
	struct ion_fd_data data;
	struct dma_buf *dmabuf;
	int ret, id;

	if (copy_from_user(&data, uarg, sizeof(data)))
		return -EFAULT;
	dmabuf = dma_buf_get(data.fd);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	ret = ion_legacy_id_import(client, dmabuf, &id);
	dma_buf_put(dmabuf);
	if (ret)
		return ret;
	data.handle = id;
	if (copy_to_user(uarg, &data, sizeof(data))) {
		/* undo the user count this call added */
		ion_legacy_id_free(client, id);
		return -EFAULT;
	}
	return 0;
}

static long ion_ioctl_sync(struct ion_client *client, void __user *uarg)
{
	struct ion_buffer *buffer;
	struct ion_fd_data data;
	struct dma_buf *dmabuf;
	int ret = 0;

	if (copy_from_user(&data, uarg, sizeof(data)))
		return -EFAULT;
	dmabuf = dma_buf_get(data.fd);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	buffer = ion_dma_buf_to_buffer(dmabuf);
	if (buffer)
		ion_buffer_sync_for_device(buffer);
	else
		ret = -EINVAL;
	dma_buf_put(dmabuf);
	return ret;
}

static long ion_ioctl_share_ro(struct ion_client *client, void __user *uarg)
{
	struct ion_share_ro_data data;
	struct dma_buf *dmabuf, *view;

	if (copy_from_user(&data, uarg, sizeof(data)))
		return -EFAULT;
	if (data.flags || data.reserved)
		return -EINVAL;
	dmabuf = dma_buf_get(data.fd);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	view = ion_buffer_export_readonly(dmabuf);
	dma_buf_put(dmabuf);
	if (IS_ERR(view))
		return PTR_ERR(view);
	return ion_ioctl_install_fd(view, uarg, &data, sizeof(data),
				    &data.ro_fd);
}

/* ION_IOC_BUFFER_PROT: the argument is read and written by ion_prot.c. */
static long ion_ioctl_buffer_prot(void __user *uarg)
{
	struct ion_buffer_prot_data data;
	struct dma_buf *dmabuf;
	u32 usize;
	int ret;

	ret = ion_prot_data_in(&data, uarg, &usize);
	if (ret)
		return ret;
	dmabuf = dma_buf_get(data.fd);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	ret = ion_prot_apply(dmabuf, dmabuf->file->f_mode & FMODE_WRITE,
			     data.flags, &data.prot);
	dma_buf_put(dmabuf);
	if (ret)
		return ret;
	return ion_prot_data_out(uarg, usize, &data);
}

static long ion_ioctl_custom(struct ion_client *client, unsigned int cmd,
			     unsigned long arg)
{
	struct ion_device *dev = client->dev;
	long ret = -ENOTTY;

	down_read(&dev->custom_lock);
	if (dev->custom_ioctl)
		ret = dev->custom_ioctl(client, cmd, arg);
	up_read(&dev->custom_lock);
	return ret;
}

static long ion_ioctl_new_alloc(struct ion_client *client, void __user *uarg)
{
	struct ion_new_allocation_data data;
	struct ion_buffer *buffer;

	if (copy_from_user(&data, uarg, sizeof(data)))
		return -EFAULT;
	/* 4.12 to 5.10 ignored the fd and unused inputs: so do we. */
	if (data.len > SIZE_MAX)
		return -EINVAL;
	buffer = ion_buffer_create_user(client->dev, data.len, 0,
					data.heap_id_mask, data.flags);
	if (IS_ERR(buffer))
		return PTR_ERR(buffer);
	return ion_ioctl_install_fd(buffer->dmabuf, uarg, &data, sizeof(data),
				    (int *)&data.fd);
}

/*
 * The heap list is copied under the heap lock into a kernel array, and the
 * array to user space after it: a slowly faulting user buffer must not hold
 * up the heaps' registration and removal.
 */
static long ion_ioctl_heap_query(struct ion_client *client, void __user *uarg)
{
	struct ion_device *dev = client->dev;
	struct ion_heap_data __user *uheaps;
	struct ion_heap_data *hdata = NULL;
	struct ion_heap_query query;
	struct ion_heap *heap;
	u32 cnt = 0, max;

	if (copy_from_user(&query, uarg, sizeof(query)))
		return -EFAULT;
	if (query.reserved0 || query.reserved1 || query.reserved2)
		return -EINVAL;
	uheaps = u64_to_user_ptr(query.heaps);
	if (uheaps && !query.cnt)
		return -EINVAL;

	/* heap ids are unique in a device: it has at most this many heaps */
	max = uheaps ? min_t(u32, query.cnt, ION_NUM_HEAP_IDS) : 0;
	if (max) {
		hdata = kcalloc(max, sizeof(*hdata), GFP_KERNEL);
		if (!hdata)
			return -ENOMEM;
	}
	down_read(&dev->heap_lock);
	list_for_each_entry(heap, &dev->heaps, node) {
		if (uheaps && cnt >= max)
			break;
		if (uheaps) {
			strscpy(hdata[cnt].name, heap->name, sizeof(hdata[cnt].name));
			hdata[cnt].type = heap->type;
			hdata[cnt].heap_id = heap->id;
		}
		cnt++;
	}
	up_read(&dev->heap_lock);

	if (uheaps && cnt &&
	    copy_to_user(uheaps, hdata, cnt * sizeof(*hdata))) {
		kfree(hdata);
		return -EFAULT;
	}
	kfree(hdata);
	query.cnt = cnt;
	if (copy_to_user(uarg, &query, sizeof(query)))
		return -EFAULT;
	return 0;
}

static long ion_ioctl_legacy_only(struct ion_client *client, unsigned int cmd,
				  void __user *uarg)
{
	switch (cmd) {
	case ION_IOC_ALLOC: {
		struct ion_allocation_data data;

		if (copy_from_user(&data, uarg, sizeof(data)))
			return -EFAULT;
		return ion_ioctl_legacy_alloc(client, &data, uarg, sizeof(data));
	}
	case ION_IOC_FREE:
		return ion_ioctl_free(client, uarg);
	case ION_IOC_SHARE:
	case ION_IOC_MAP:
		return ion_ioctl_share(client, uarg);
	case ION_IOC_IMPORT:
		return ion_ioctl_import(client, uarg);
	case ION_IOC_CUSTOM: {
		struct ion_custom_data data;

		if (copy_from_user(&data, uarg, sizeof(data)))
			return -EFAULT;
		return ion_ioctl_custom(client, data.cmd, data.arg);
	}
	}
	return -ENOTTY;
}

static long ion_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct ion_client *client = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case ION_IOC_ALLOC:
	case ION_IOC_FREE:
	case ION_IOC_SHARE:
	case ION_IOC_MAP:
	case ION_IOC_IMPORT:
	case ION_IOC_CUSTOM:
		if (!legacy_abi)
			return -ENOTTY;
		return ion_ioctl_legacy_only(client, cmd, uarg);
	case ION_IOC_SYNC:
		return ion_ioctl_sync(client, uarg);
	case ION_IOC_NEW_ALLOC:
		return ion_ioctl_new_alloc(client, uarg);
	case ION_IOC_HEAP_QUERY:
		return ion_ioctl_heap_query(client, uarg);
	case ION_IOC_SHARE_RO:
		return ion_ioctl_share_ro(client, uarg);
	case ION_IOC_BUFFER_PROT:
		return ion_ioctl_buffer_prot(uarg);
	}
	return -ENOTTY;
}

#ifdef CONFIG_COMPAT
/* ILP32 layouts of the two legacy structs whose size depends on longs. */
struct ion_compat_allocation_data {
	compat_size_t len;
	compat_size_t align;
	compat_uint_t heap_id_mask;
	compat_uint_t flags;
	compat_int_t handle;
};

struct ion_compat_custom_data {
	compat_uint_t cmd;
	compat_ulong_t arg;
};

#define ION_IOC_COMPAT_ALLOC	_IOWR(ION_IOC_MAGIC, 0, struct ion_compat_allocation_data)
#define ION_IOC_COMPAT_CUSTOM	_IOWR(ION_IOC_MAGIC, 6, struct ion_compat_custom_data)

/* the numbers 32-bit binaries send, as the old kernels define them */
static_assert(ION_IOC_COMPAT_ALLOC == 0xC0144900);
static_assert(ION_IOC_COMPAT_CUSTOM == 0xC0084906);

static long ion_compat_alloc(struct ion_client *client, void __user *uarg)
{
	struct ion_compat_allocation_data data32;
	int ret, id;

	if (copy_from_user(&data32, uarg, sizeof(data32)))
		return -EFAULT;
	/*
	 * A length whose page rounding overflows a 32-bit size_t is EINVAL,
	 * as on a 32-bit kernel, not a huge request.
	 */
	if (PAGE_ALIGN((u64)data32.len) > U32_MAX)
		return -EINVAL;
	ret = ion_legacy_id_alloc(client, data32.len, data32.align,
				  data32.heap_id_mask, data32.flags, &id);
	if (ret)
		return ret;
	data32.handle = id;
	if (copy_to_user(uarg, &data32, sizeof(data32))) {
		ion_legacy_id_free(client, id);
		return -EFAULT;
	}
	return 0;
}

static long ion_compat_ioctl(struct file *file, unsigned int cmd,
			     unsigned long arg)
{
	struct ion_client *client = file->private_data;
	void __user *uarg = compat_ptr(arg);

	switch (cmd) {
	case ION_IOC_COMPAT_ALLOC:
		if (!legacy_abi)
			return -ENOTTY;
		return ion_compat_alloc(client, uarg);
	case ION_IOC_COMPAT_CUSTOM: {
		struct ion_compat_custom_data data32;

		if (!legacy_abi)
			return -ENOTTY;
		if (copy_from_user(&data32, uarg, sizeof(data32)))
			return -EFAULT;
		return ion_ioctl_custom(client, data32.cmd,
					(unsigned long)compat_ptr(data32.arg));
	}
	case ION_IOC_ALLOC:
	case ION_IOC_CUSTOM:
		/* the 64-bit layouts do not exist for 32-bit processes */
		return -ENOTTY;
	}
	return ion_ioctl(file, cmd, (unsigned long)uarg);
}
#else
#define ion_compat_ioctl NULL
#endif

const struct file_operations ion_fops = {
	.owner = THIS_MODULE,
	.open = ion_open,
	.release = ion_release,
	.unlocked_ioctl = ion_ioctl,
	.compat_ioctl = ion_compat_ioctl,
};
