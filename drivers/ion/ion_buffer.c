// SPDX-License-Identifier: GPL-2.0
/*
 * ION buffers: allocation from the heaps of a mask in priority order, and
 * the one dma_buf_ops that exports every buffer of every heap.  The buffer
 * is the dma-buf: it lives until the dma-buf's last reference (handle, fd,
 * mapping, attachment or kernel user) goes.  Its kernel mapping is the
 * dma-buf's vmap, counted once, by the dma-buf core, for every user
 * (ion_map_kernel(), dma_buf_vmap() of the buffer or of a read-only view).
 *
 * Every allocation and release emits the ion/ion_stat trace event, every
 * heap that fails an allocation ion/ion_heap_alloc_fail; the bytes of all
 * live buffers are counted here for that event and for sysfs.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/dma-resv.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/ion.h>
#include <linux/iosys-map.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <uapi/linux/dma-buf.h>

#include "ion_priv.h"

#define CREATE_TRACE_POINTS
#include <trace/events/ion.h>

/* Bytes in live buffers of every device and heap. */
static atomic_long_t ion_buffer_total;

/*
 * Charge the pages of buffers that user space allocates to the allocating
 * task's memory cgroup, as the DMA-BUF system heap of later kernels does:
 * otherwise one container or app could take the machine's memory through
 * /dev/ion without its cgroup's limit noticing.  Read at each allocation;
 * a buffer keeps what it was given.
 */
static bool ion_buffer_mem_accounting = true;
module_param_named(mem_accounting, ion_buffer_mem_accounting, bool, 0644);
MODULE_PARM_DESC(mem_accounting,
		 "Charge buffers allocated by user space to the allocating task's memory cgroup (default Y)");

/**
 * struct ion_buffer_attachment - one device attached to a buffer
 * @dev: the attached device
 * @table: the attachment's own copy of the buffer's sg_table
 * @list: entry in buffer->attachments
 * @mapped: @table is DMA mapped for @dev
 * @dir: the direction @table is mapped in
 */
struct ion_buffer_attachment {
	struct device *dev;
	struct sg_table *table;
	struct list_head list;
	bool mapped;
	enum dma_data_direction dir;
};

static const struct dma_buf_ops ion_dma_buf_ops;
static const struct dma_buf_ops ion_dma_buf_ro_ops;

/*
 * An attachment's own copy of the buffer's table, whose entries are no
 * longer than the importer's DMA segments may be: a contiguous block of a
 * megabyte is one entry in the buffer's table, but a device that maps at
 * most 64 KiB per segment gets it as sixteen entries (contiguous still).
 */
static struct sg_table *ion_buffer_dup_sg_table(struct sg_table *table,
						struct device *dev)
{
	unsigned int max_seg = max_t(unsigned int, PAGE_SIZE,
				     round_down(dma_get_max_seg_size(dev), PAGE_SIZE));
	struct scatterlist *sg, *new_sg;
	struct sg_table *new_table;
	unsigned int nents = 0;
	int ret, i;

	for_each_sgtable_sg(table, sg, i)
		nents += DIV_ROUND_UP(sg->length, max_seg);

	new_table = kzalloc(sizeof(*new_table), GFP_KERNEL);
	if (!new_table)
		return ERR_PTR(-ENOMEM);

	ret = sg_alloc_table(new_table, nents, GFP_KERNEL);
	if (ret) {
		kfree(new_table);
		return ERR_PTR(-ENOMEM);
	}

	new_sg = new_table->sgl;
	for_each_sgtable_sg(table, sg, i) {
		unsigned int done, len;

		for (done = 0; done < sg->length; done += len) {
			unsigned int off = sg->offset + done;

			len = min(sg->length - done, max_seg);
			sg_set_page(new_sg, nth_page(sg_page(sg), off >> PAGE_SHIFT),
				    len, offset_in_page(off));
			new_sg = sg_next(new_sg);
		}
	}
	return new_table;
}

static pgprot_t ion_buffer_pgprot(struct ion_buffer *buffer, pgprot_t prot)
{
	if (buffer->flags & ION_FLAG_CACHED)
		return prot;
	return pgprot_writecombine(prot);
}

/*
 * The first page of a buffer whose pages are one physically contiguous run
 * in the kernel's linear map (every sg entry starts where the one before it
 * ends), or NULL.  Memory the page allocator (or CMA) handed out is in the
 * linear map; a reserved page may belong to a region mapped nowhere (no-map
 * carveouts) and a highmem page has no permanent address, so neither counts.
 */
static struct page *ion_buffer_linear_page(struct ion_buffer *buffer)
{
	struct sg_table *table = buffer->sg_table;
	struct page *first = sg_page(table->sgl);
	unsigned long next = page_to_pfn(first);
	struct scatterlist *sg;
	int i;

	if (PageHighMem(first) || PageReserved(first))
		return NULL;
	for_each_sgtable_sg(table, sg, i) {
		if (sg->offset || page_to_pfn(sg_page(sg)) != next)
			return NULL;
		next += PAGE_ALIGN(sg->length) >> PAGE_SHIFT;
	}
	if (next - page_to_pfn(first) != buffer->size >> PAGE_SHIFT)
		return NULL;
	return first;
}

/*
 * The buffer's kernel mapping.  A cached buffer that is one contiguous run
 * of lowmem is already mapped, cached, by the linear map: its address there
 * costs nothing to make or to undo (ion_buffer_vunmap() leaves it alone).
 * Every other buffer gets a vmap() with the buffer's page protection, from
 * a page array built one sg entry (one contiguous chunk) at a time.
 */
static void *ion_buffer_vmap(struct ion_buffer *buffer)
{
	unsigned long npages = buffer->size >> PAGE_SHIFT;
	struct page **pages, **tmp;
	struct scatterlist *sg;
	struct page *linear;
	void *vaddr;
	int i;

	if (buffer->flags & ION_FLAG_CACHED) {
		linear = ion_buffer_linear_page(buffer);
		if (linear)
			return page_address(linear);
	}

	pages = kvmalloc_array(npages, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return ERR_PTR(-ENOMEM);

	tmp = pages;
	for_each_sgtable_sg(buffer->sg_table, sg, i) {
		unsigned long n = PAGE_ALIGN(sg->offset + sg->length) >> PAGE_SHIFT;
		unsigned long j;

		if (WARN_ON_ONCE(n > npages - (tmp - pages))) {
			kvfree(pages);
			return ERR_PTR(-EINVAL);
		}
		for (j = 0; j < n; j++)
			*tmp++ = nth_page(sg_page(sg), j);
	}

	vaddr = vmap(pages, tmp - pages, VM_MAP,
		     ion_buffer_pgprot(buffer, PAGE_KERNEL));
	kvfree(pages);
	return vaddr ?: ERR_PTR(-ENOMEM);
}

static void ion_buffer_vunmap(void *vaddr)
{
	if (is_vmalloc_addr(vaddr))
		vunmap(vaddr);
}

/**
 * ion_buffer_kmap_get() - take a counted kernel mapping of the buffer
 * @buffer: the buffer
 *
 * The count is the dma-buf's own (dma_buf_vmap_unlocked()): the first user
 * maps the buffer, the others share the address.
 *
 * Context: process context; takes the dma-buf's reservation lock, so the
 * caller must not hold it.
 * Return: the kernel address, or ERR_PTR(-ENOMEM).
 */
void *ion_buffer_kmap_get(struct ion_buffer *buffer)
{
	struct iosys_map map;
	int ret;

	ret = dma_buf_vmap_unlocked(buffer->dmabuf, &map);
	if (ret)
		return ERR_PTR(ret);
	return map.vaddr;
}

/**
 * ion_buffer_kmap_put() - drop a mapping taken with ion_buffer_kmap_get()
 * @buffer: the buffer
 *
 * Context: process context; takes the dma-buf's reservation lock, so the
 * caller must not hold it.
 */
void ion_buffer_kmap_put(struct ion_buffer *buffer)
{
	/* The mapping the caller holds keeps vaddr set and unchanged. */
	struct iosys_map map = IOSYS_MAP_INIT_VADDR(READ_ONCE(buffer->vaddr));

	if (WARN_ON_ONCE(!map.vaddr))
		return;
	dma_buf_vunmap_unlocked(buffer->dmabuf, &map);
}

/*
 * Cache maintenance between the CPU and every device with a mapped
 * attachment: @for_cpu hands the devices' writes to the CPU (begin CPU
 * access), otherwise the CPU's writes go to the devices.  Each device is
 * synced in the direction of its mapping, as the DMA API wants, whatever
 * @direction the CPU asked for.
 */
static void ion_buffer_sync(struct ion_buffer *buffer,
			    enum dma_data_direction direction, bool for_cpu)
{
	struct ion_buffer_attachment *a;

	mutex_lock(&buffer->lock);
	if (buffer->vaddr) {
		if (for_cpu)
			invalidate_kernel_vmap_range(buffer->vaddr, buffer->size);
		else
			flush_kernel_vmap_range(buffer->vaddr, buffer->size);
	}
	list_for_each_entry(a, &buffer->attachments, list) {
		if (!a->mapped)
			continue;
		if (for_cpu)
			dma_sync_sgtable_for_cpu(a->dev, a->table, a->dir);
		else
			dma_sync_sgtable_for_device(a->dev, a->table, a->dir);
	}
	mutex_unlock(&buffer->lock);
}

/**
 * ion_buffer_sync_for_device() - hand CPU writes over to the devices
 * @buffer: the buffer
 *
 * Context: process context, takes buffer->lock.
 */
void ion_buffer_sync_for_device(struct ion_buffer *buffer)
{
	ion_buffer_sync(buffer, DMA_BIDIRECTIONAL, false);
}

static int ion_buffer_attach(struct dma_buf *dmabuf,
			     struct dma_buf_attachment *attachment)
{
	struct ion_buffer *buffer = dmabuf->priv;
	struct ion_buffer_attachment *a;
	struct sg_table *table;

	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;

	WRITE_ONCE(buffer->exposed, true);
	table = ion_buffer_dup_sg_table(buffer->sg_table, attachment->dev);
	if (IS_ERR(table)) {
		kfree(a);
		return PTR_ERR(table);
	}

	a->table = table;
	a->dev = attachment->dev;
	INIT_LIST_HEAD(&a->list);
	attachment->priv = a;

	mutex_lock(&buffer->lock);
	list_add(&a->list, &buffer->attachments);
	mutex_unlock(&buffer->lock);
	return 0;
}

static void ion_buffer_detach(struct dma_buf *dmabuf,
			      struct dma_buf_attachment *attachment)
{
	struct ion_buffer *buffer = dmabuf->priv;
	struct ion_buffer_attachment *a = attachment->priv;

	mutex_lock(&buffer->lock);
	list_del(&a->list);
	mutex_unlock(&buffer->lock);

	sg_free_table(a->table);
	kfree(a->table);
	kfree(a);
}

static struct sg_table *ion_buffer_map_dma_buf(struct dma_buf_attachment *attachment,
					       enum dma_data_direction direction)
{
	struct ion_buffer_attachment *a = attachment->priv;
	struct ion_buffer *buffer = attachment->dmabuf->priv;
	int ret;

	ret = dma_map_sgtable(attachment->dev, a->table, direction, 0);
	if (ret)
		return ERR_PTR(ret);

	mutex_lock(&buffer->lock);
	a->dir = direction;
	a->mapped = true;
	mutex_unlock(&buffer->lock);
	return a->table;
}

static void ion_buffer_unmap_dma_buf(struct dma_buf_attachment *attachment,
				     struct sg_table *table,
				     enum dma_data_direction direction)
{
	struct ion_buffer_attachment *a = attachment->priv;
	struct ion_buffer *buffer = attachment->dmabuf->priv;

	mutex_lock(&buffer->lock);
	a->mapped = false;
	mutex_unlock(&buffer->lock);
	dma_unmap_sgtable(attachment->dev, table, direction, 0);
}

static int ion_buffer_begin_cpu_access(struct dma_buf *dmabuf,
				       enum dma_data_direction direction)
{
	ion_buffer_sync(dmabuf->priv, direction, true);
	return 0;
}

static int ion_buffer_end_cpu_access(struct dma_buf *dmabuf,
				     enum dma_data_direction direction)
{
	ion_buffer_sync(dmabuf->priv, direction, false);
	return 0;
}

static int ion_buffer_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma)
{
	struct ion_buffer *buffer = dmabuf->priv;
	int ret;

	ret = ion_prot_mmap(buffer, vma);
	if (ret)
		return ret;
	/*
	 * A private mapping that may be written would give the writer copies
	 * of the pages, never the buffer: refuse it, as DRM's GEM helpers do.
	 */
	if (is_cow_mapping(vma->vm_flags))
		return -EINVAL;
	/* dma_buf_mmap_internal() checked this already; mmap is not hot */
	if (vma->vm_pgoff > (buffer->size >> PAGE_SHIFT) ||
	    vma_pages(vma) > (buffer->size >> PAGE_SHIFT) - vma->vm_pgoff)
		return -EINVAL;

	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_page_prot = ion_buffer_pgprot(buffer, vma->vm_page_prot);
	WRITE_ONCE(buffer->exposed, true);
	return ion_mmap_buffer(buffer, vma);
}

/*
 * The dma-buf core calls vmap for the first mapping of the buffer's dma-buf
 * and vunmap after the last one, under the reservation lock.
 */
static int ion_buffer_dma_buf_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct ion_buffer *buffer = dmabuf->priv;
	void *vaddr;

	dma_resv_assert_held(dmabuf->resv);
	WRITE_ONCE(buffer->exposed, true);
	vaddr = ion_buffer_vmap(buffer);
	if (IS_ERR(vaddr))
		return PTR_ERR(vaddr);
	mutex_lock(&buffer->lock);
	buffer->vaddr = vaddr;
	mutex_unlock(&buffer->lock);
	iosys_map_set_vaddr(map, vaddr);
	return 0;
}

static void ion_buffer_dma_buf_vunmap(struct dma_buf *dmabuf,
				      struct iosys_map *map)
{
	struct ion_buffer *buffer = dmabuf->priv;

	dma_resv_assert_held(dmabuf->resv);
	mutex_lock(&buffer->lock);
	buffer->vaddr = NULL;
	mutex_unlock(&buffer->lock);
	ion_buffer_vunmap(map->vaddr);
}

/*
 * A buffer pins the module that implements its heap until it is released.
 * ION's own heaps need no reference of their own: the caller holds this
 * module while it allocates (an open /dev/ion, or a module using our
 * symbols), and from dma_buf_export() to the end of ion_buffer_release()
 * the dma-buf holds it (exp_info.owner).
 */
static bool ion_buffer_get_owner(struct module *owner)
{
	return owner == THIS_MODULE || try_module_get(owner);
}

static void ion_buffer_put_owner(struct module *owner)
{
	if (owner != THIS_MODULE)
		module_put(owner);
}

static void ion_buffer_release(struct dma_buf *dmabuf)
{
	struct ion_buffer *buffer = dmabuf->priv;
	struct ion_heap *heap = buffer->heap;
	struct module *owner = heap->owner;

	/* Leave the heap's list before anything is torn down. */
	spin_lock(&heap->buffers_lock);
	list_del(&buffer->node);
	spin_unlock(&heap->buffers_lock);

	WARN_ON_ONCE(buffer->vaddr);
	WARN_ON_ONCE(!list_empty(&buffer->attachments));
	ion_mmap_release(buffer);
	heap->ops->free(buffer);
	atomic_long_sub(buffer->size, &heap->num_bytes);
	trace_ion_stat(buffer->ino, -(long)buffer->size,
		       atomic_long_sub_return(buffer->size, &ion_buffer_total));
	mutex_destroy(&buffer->lock);
	kfree(buffer);

	atomic_dec(&heap->num_buffers);
	/* The heap may be released or freed from here. */
	ion_device_heap_put(heap);
	ion_buffer_put_owner(owner);
}

static const struct dma_buf_ops ion_dma_buf_ops = {
	.attach = ion_buffer_attach,
	.detach = ion_buffer_detach,
	.map_dma_buf = ion_buffer_map_dma_buf,
	.unmap_dma_buf = ion_buffer_unmap_dma_buf,
	.begin_cpu_access = ion_buffer_begin_cpu_access,
	.end_cpu_access = ion_buffer_end_cpu_access,
	.mmap = ion_buffer_mmap,
	.vmap = ion_buffer_dma_buf_vmap,
	.vunmap = ion_buffer_dma_buf_vunmap,
	.release = ion_buffer_release,
};

/*
 * A read-only view is a second dma-buf of the same buffer whose file is
 * O_RDONLY and whose reservation object is the buffer's dma-buf's.  It
 * shares the buffer's ops except these: mmap refuses every writable mapping
 * (a private one would write to a copy, never to the buffer), vmap and
 * vunmap take and drop a mapping of the buffer's dma-buf (the one count of
 * the buffer's kernel mapping; the shared reservation lock is held), and
 * release drops the reference the view holds on the buffer's own dma-buf,
 * which keeps the buffer alive.
 */
static int ion_buffer_ro_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_WRITE)
		return -EACCES;
	vm_flags_clear(vma, VM_MAYWRITE);
	return ion_buffer_mmap(dmabuf, vma);
}

static int ion_buffer_ro_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct ion_buffer *buffer = dmabuf->priv;

	return dma_buf_vmap(buffer->dmabuf, map);
}

static void ion_buffer_ro_vunmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct ion_buffer *buffer = dmabuf->priv;

	dma_buf_vunmap(buffer->dmabuf, map);
}

static void ion_buffer_ro_release(struct dma_buf *dmabuf)
{
	struct ion_buffer *buffer = dmabuf->priv;

	dma_buf_put(buffer->dmabuf);
}

static const struct dma_buf_ops ion_dma_buf_ro_ops = {
	.attach = ion_buffer_attach,
	.detach = ion_buffer_detach,
	.map_dma_buf = ion_buffer_map_dma_buf,
	.unmap_dma_buf = ion_buffer_unmap_dma_buf,
	.begin_cpu_access = ion_buffer_begin_cpu_access,
	.end_cpu_access = ion_buffer_end_cpu_access,
	.mmap = ion_buffer_ro_mmap,
	.vmap = ion_buffer_ro_vmap,
	.vunmap = ion_buffer_ro_vunmap,
	.release = ion_buffer_ro_release,
};

/**
 * ion_dma_buf_is_ion() - is this dma-buf an ION buffer
 * @dmabuf: any dma-buf
 *
 * Context: any context.
 * Return: true when ION exported @dmabuf, as a buffer or as a read-only
 * view of one (ion_dma_buf_is_readonly()).
 */
bool ion_dma_buf_is_ion(struct dma_buf *dmabuf)
{
	return dmabuf && (dmabuf->ops == &ion_dma_buf_ops ||
			  dmabuf->ops == &ion_dma_buf_ro_ops);
}
EXPORT_SYMBOL_GPL(ion_dma_buf_is_ion);

/**
 * ion_dma_buf_is_readonly() - is this dma-buf a read-only view of an ION buffer
 * @dmabuf: any dma-buf
 *
 * A read-only view (ION_IOC_SHARE_RO) cannot be mapped writable by user
 * space and cannot be imported into an ION client: a handle could be shared
 * again read-write and mapped writable in the kernel.
 *
 * Context: any context.
 * Return: true for a read-only view made by ION.
 */
bool ion_dma_buf_is_readonly(struct dma_buf *dmabuf)
{
	return dmabuf && dmabuf->ops == &ion_dma_buf_ro_ops;
}
EXPORT_SYMBOL_GPL(ion_dma_buf_is_readonly);

/**
 * ion_dma_buf_to_buffer() - the ION buffer behind a dma-buf
 * @dmabuf: a dma-buf
 *
 * Context: any context.
 * Return: the buffer (also for a read-only view), or NULL when @dmabuf is
 * not ION's.
 */
struct ion_buffer *ion_dma_buf_to_buffer(struct dma_buf *dmabuf)
{
	return ion_dma_buf_is_ion(dmabuf) ? dmabuf->priv : NULL;
}

/**
 * ion_buffer_export_readonly() - export a read-only view of a buffer
 * @dmabuf: an ION dma-buf or a read-only view of one
 *
 * The view is a new dma-buf with an O_RDONLY file over the same memory and
 * with the same reservation object.  It holds a reference on the buffer's
 * own dma-buf (which keeps that reservation object alive) and starts with
 * the same name (DMA_BUF_SET_NAME).
 *
 * Context: process context.
 * Return: the view, whose reference the caller owns, or ERR_PTR(-EINVAL)
 * for a dma-buf that is not ION's, -ENOMEM, or the dma_buf_export() error.
 */
struct dma_buf *ion_buffer_export_readonly(struct dma_buf *dmabuf)
{
	struct ion_buffer *buffer = ion_dma_buf_to_buffer(dmabuf);
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);
	struct dma_buf *view;
	char *name;

	if (!buffer)
		return ERR_PTR(-EINVAL);
	/* DMA_BUF_SET_NAME names are shorter: the copy fits, in any case */
	name = kmalloc(DMA_BUF_NAME_LEN, GFP_KERNEL);
	if (!name)
		return ERR_PTR(-ENOMEM);
	ion_buffer_name(buffer, name, DMA_BUF_NAME_LEN);
	if (!name[0]) {
		kfree(name);
		name = NULL;
	}

	exp_info.ops = &ion_dma_buf_ro_ops;
	exp_info.size = buffer->size;
	exp_info.flags = O_RDONLY;
	exp_info.resv = buffer->dmabuf->resv;
	exp_info.priv = buffer;
	get_dma_buf(buffer->dmabuf);
	view = dma_buf_export(&exp_info);
	if (IS_ERR(view)) {
		dma_buf_put(buffer->dmabuf);
		kfree(name);
		return view;
	}
	/* Nobody else sees the view yet: no name_lock needed. */
	view->name = name;
	return view;
}

/**
 * ion_buffer_name() - copy the buffer's dma-buf name (DMA_BUF_SET_NAME)
 * @buffer: the buffer
 * @name: output, NUL terminated; empty when the buffer has no name
 * @len: size of @name
 *
 * Context: any context; takes the dma-buf's name_lock (a spinlock).
 */
void ion_buffer_name(struct ion_buffer *buffer, char *name, size_t len)
{
	struct dma_buf *dmabuf = buffer->dmabuf;

	spin_lock(&dmabuf->name_lock);
	strscpy(name, dmabuf->name ?: "", len);
	spin_unlock(&dmabuf->name_lock);
}

/**
 * ion_dma_buf_map_kernel() - map any dma-buf, ION or foreign, into the kernel
 * @dmabuf: the dma-buf (ION, udmabuf, DMA-BUF heap...)
 * @map: output: the mapping
 *
 * A thin, clearly named wrapper of dma_buf_vmap_unlocked() for ION clients
 * that accept buffers of any exporter.  The mapping is counted by the
 * exporter and independent of begin/end_cpu_access.
 *
 * Context: process context; must not hold @dmabuf's reservation lock.
 * Return: 0 or -errno (-EINVAL for a NULL @dmabuf or an exporter without
 * vmap, -ENOMEM).
 */
int ion_dma_buf_map_kernel(struct dma_buf *dmabuf, struct iosys_map *map)
{
	if (!dmabuf || !map)
		return -EINVAL;
	return dma_buf_vmap_unlocked(dmabuf, map);
}
EXPORT_SYMBOL_GPL(ion_dma_buf_map_kernel);

/**
 * ion_dma_buf_unmap_kernel() - undo ion_dma_buf_map_kernel()
 * @dmabuf: the dma-buf
 * @map: the mapping ion_dma_buf_map_kernel() returned
 *
 * Context: process context; must not hold @dmabuf's reservation lock.
 */
void ion_dma_buf_unmap_kernel(struct dma_buf *dmabuf, struct iosys_map *map)
{
	if (!dmabuf || !map || iosys_map_is_null(map))
		return;
	dma_buf_vunmap_unlocked(dmabuf, map);
}
EXPORT_SYMBOL_GPL(ion_dma_buf_unmap_kernel);

static struct ion_buffer *ion_buffer_alloc_from_heap(struct ion_heap *heap,
						     size_t len, size_t align,
						     unsigned int flags,
						     bool account)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);
	struct ion_buffer *buffer;
	struct dma_buf *dmabuf;
	const char *exp_name;
	int ret;

	if (heap->max_len && len > heap->max_len)
		return ERR_PTR(-ENOMEM);
	if (!ion_buffer_get_owner(heap->owner))
		return ERR_PTR(-ENODEV);

	buffer = kzalloc(sizeof(*buffer), GFP_KERNEL);
	if (!buffer) {
		ret = -ENOMEM;
		goto put_owner;
	}
	buffer->heap = heap;
	buffer->size = len;
	buffer->flags = flags;
	buffer->account = account;
	mutex_init(&buffer->lock);
	INIT_LIST_HEAD(&buffer->attachments);
	INIT_LIST_HEAD(&buffer->node);
	buffer->pid = task_tgid_nr(current);
	/*
	 * Without get_task_comm()'s task_lock: every allocation passes here,
	 * comm always ends in a NUL, and a name changed meanwhile may come out
	 * mixed, which a debugfs listing can live with.
	 */
	strscpy_pad(buffer->task_comm, current->group_leader->comm);

	ret = heap->ops->allocate(heap, buffer, len, align, flags);
	if (ret)
		goto free_buffer;
	if (WARN_ON_ONCE(!buffer->sg_table)) {
		ret = -EINVAL;
		goto free_pages;
	}

	atomic_inc(&heap->num_buffers);
	atomic_long_add(len, &heap->num_bytes);

	/*
	 * The exporter name is the heap's /dev/dma_heap node where it has one
	 * (the name stays allocated for as long as the kernel runs), so that
	 * tools that match exp_name against /dev/dma_heap count the buffer as
	 * heap memory; "ion" otherwise.
	 */
	exp_name = READ_ONCE(heap->dma_heap_name);
	if (exp_name)
		exp_info.exp_name = exp_name;
	exp_info.ops = &ion_dma_buf_ops;
	exp_info.size = len;
	exp_info.flags = O_RDWR;
	exp_info.priv = buffer;
	dmabuf = dma_buf_export(&exp_info);
	if (IS_ERR(dmabuf)) {
		ret = PTR_ERR(dmabuf);
		atomic_long_sub(len, &heap->num_bytes);
		atomic_dec(&heap->num_buffers);
		goto free_pages;
	}
	/* Ownership of buffer is held by the dmabuf from here. */
	buffer->dmabuf = dmabuf;
	buffer->ino = file_inode(dmabuf->file)->i_ino;
	/* The buffer's reference on its heap, dropped in ion_buffer_release(). */
	refcount_inc(&heap->ref);
	trace_ion_stat(buffer->ino, len,
		       atomic_long_add_return(len, &ion_buffer_total));

	spin_lock(&heap->buffers_lock);
	list_add_tail(&buffer->node, &heap->buffers);
	spin_unlock(&heap->buffers_lock);
	return buffer;

free_pages:
	heap->ops->free(buffer);
free_buffer:
	mutex_destroy(&buffer->lock);
	kfree(buffer);
put_owner:
	ion_buffer_put_owner(heap->owner);
	return ERR_PTR(ret);
}

static struct ion_buffer *ion_buffer_alloc(struct ion_device *dev, size_t len,
					   size_t align,
					   unsigned int heap_id_mask,
					   unsigned int flags, bool account)
{
	struct ion_buffer *buffer = ERR_PTR(-ENODEV);
	struct ion_heap *heap;
	size_t rounded;

	if (!len || check_add_overflow(len, (size_t)PAGE_SIZE - 1, &rounded))
		return ERR_PTR(-EINVAL);
	len = rounded & PAGE_MASK;
	if (flags & ~ION_FLAGS_VALID)
		return ERR_PTR(-EINVAL);
	/* Never wake the OOM killer for a request that cannot be met. */
	if (len / PAGE_SIZE > totalram_pages() / 2)
		return ERR_PTR(-ENOMEM);
	if (!heap_id_mask)
		return ERR_PTR(-ENODEV);

	down_read(&dev->heap_lock);
	list_for_each_entry(heap, &dev->heaps, node) {
		if (!ion_heap_matches(heap, heap_id_mask))
			continue;
		buffer = ion_buffer_alloc_from_heap(heap, len, align, flags,
						    account);
		if (!IS_ERR(buffer))
			break;
		trace_ion_heap_alloc_fail(heap->name, heap->id, len, flags,
					  PTR_ERR(buffer));
		if (PTR_ERR(buffer) == -EINTR)
			break;
	}
	up_read(&dev->heap_lock);
	return buffer;
}

/**
 * ion_buffer_create() - allocate a buffer for the kernel and export it
 * @dev: the device
 * @len: requested length; rounded up to pages
 * @align: alignment, checked by the heap
 * @heap_id_mask: heaps (ids or alias ids) to try, highest priority first
 * @flags: ION_FLAG_* bits
 *
 * The buffer is the kernel's: its pages are charged to no memory cgroup.
 *
 * Context: process context, sleeps.
 * Return: the buffer, whose dma-buf reference the caller owns, or
 * ERR_PTR(-EINVAL) for len 0 / overflow / unknown flags, -ENODEV when no
 * heap matches, -ENOMEM, -EINTR, or the last heap's error.
 */
struct ion_buffer *ion_buffer_create(struct ion_device *dev, size_t len,
				     size_t align, unsigned int heap_id_mask,
				     unsigned int flags)
{
	return ion_buffer_alloc(dev, len, align, heap_id_mask, flags, false);
}

/**
 * ion_buffer_create_user() - allocate a buffer for user space and export it
 * @dev: the device
 * @len: see ion_buffer_create()
 * @align: see ion_buffer_create()
 * @heap_id_mask: see ion_buffer_create()
 * @flags: see ion_buffer_create()
 *
 * As ion_buffer_create(), for an allocation user space asked for: unless
 * mem_accounting is off, heaps that take pages from the page allocator
 * charge them to the calling task's memory cgroup, and the allocation fails
 * with -ENOMEM when that would exceed the cgroup's memory.max.
 *
 * Context: process context, sleeps.
 * Return: as ion_buffer_create().
 */
struct ion_buffer *ion_buffer_create_user(struct ion_device *dev, size_t len,
					  size_t align,
					  unsigned int heap_id_mask,
					  unsigned int flags)
{
	return ion_buffer_alloc(dev, len, align, heap_id_mask, flags,
				READ_ONCE(ion_buffer_mem_accounting));
}

/**
 * ion_buffer_set_name() - give a new buffer a dma-buf name
 * @buffer: a buffer nobody else has seen yet
 * @name: the name; cut to DMA_BUF_NAME_LEN - 1 characters, as
 *	DMA_BUF_SET_NAME cuts it
 *
 * User space may rename the buffer later with DMA_BUF_SET_NAME.
 *
 * Context: process context.
 * Return: 0 or -ENOMEM.
 */
int ion_buffer_set_name(struct ion_buffer *buffer, const char *name)
{
	struct dma_buf *dmabuf = buffer->dmabuf;
	char *copy;

	copy = kstrndup(name, DMA_BUF_NAME_LEN - 1, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	spin_lock(&dmabuf->name_lock);
	kfree(dmabuf->name);
	dmabuf->name = copy;
	spin_unlock(&dmabuf->name_lock);
	return 0;
}

/**
 * ion_buffer_total_bytes() - bytes in live buffers
 *
 * Context: any context; the value may be stale by the time it is used.
 * Return: the sum of the sizes of every live buffer of every heap.
 */
unsigned long ion_buffer_total_bytes(void)
{
	return atomic_long_read(&ion_buffer_total);
}
