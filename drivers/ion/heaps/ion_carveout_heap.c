// SPDX-License-Identifier: GPL-2.0
/*
 * ION carveout heap: one physically contiguous region set aside for ION and
 * managed with a gen_pool.  Every buffer is one contiguous range of the
 * region (an sg_table of one entry, ion_phys() gives its address), zeroed
 * when it is allocated.  Heap id 2 (== its type).
 *
 * The region is configured with carveout=SIZE[@ADDR] (ion.carveout= on the
 * kernel command line when ION is built in):
 *
 *  - SIZE@ADDR: physical memory the platform reserved for ION (on x86,
 *    memmap=SIZE$ADDR makes it an E820 reserved range).  It must not be
 *    System RAM, and every page of it must have a struct page
 *    (pfn_valid()) that is PageReserved: the core maps buffers through
 *    their pages (vmap(), remap_pfn_range(), dma_map_sgtable()).  Such
 *    memory is not in the kernel's linear map on x86-64, so the heap
 *    zeroes it through a short-lived memremap() of the new buffer only,
 *    with the caching the buffer will be mapped with (a permanent WB
 *    mapping would make PAT refuse write-combined user mappings).
 *  - SIZE: memory carved from the kernel's own RAM.  Built in, the
 *    parameter is parsed before the page allocator takes over from
 *    memblock, and the region is carved with memblock_phys_alloc() then,
 *    so any size works.  Without the parameter a built-in ION carves
 *    CONFIG_ION_CARVEOUT_SIZE MiB at init with alloc_contig_pages() (or,
 *    on kernels without CONFIG_CONTIG_ALLOC, with alloc_pages_exact(),
 *    limited to PAGE_SIZE << MAX_PAGE_ORDER).  A module carves it at load
 *    time with alloc_pages_exact(): alloc_contig_pages() and the CMA
 *    functions are not exported, so a module's SIZE is limited to
 *    PAGE_SIZE << MAX_PAGE_ORDER (4 MiB with 4 KiB pages); reserve larger
 *    regions with memmap= and give @ADDR.
 *
 * A built-in ION also takes its region from the device tree: a
 * reserved-memory node compatible with "ion,carveout", with a static reg or
 * a dynamic size (and alignment), mapped (no "no-map": buffers are zeroed
 * and mapped through their struct pages) and not "reusable" (that is CMA's):
 *
 *	reserved-memory {
 *		#address-cells = <2>;
 *		#size-cells = <2>;
 *		ranges;
 *
 *		ion-carveout {
 *			compatible = "ion,carveout";
 *			size = <0x0 0x2000000>;
 *			alignment = <0x0 0x100000>;
 *		};
 *	};
 *
 * carveout= on the command line takes precedence over the node, which takes
 * precedence over CONFIG_ION_CARVEOUT_SIZE.  UML boots with a device tree
 * given as dtb=FILE (CONFIG_OF).
 *
 * The gen_pool does its own locking; the heap has no lock of its own.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/align.h>
#include <linux/err.h>
#include <linux/genalloc.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/ion.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/of.h>
#include <linux/of_fdt.h>
#include <linux/of_reserved_mem.h>
#include <linux/sched/signal.h>
#include <linux/scatterlist.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <kunit/visibility.h>

#include "../ion_priv.h"

#ifdef CONFIG_ION_CARVEOUT_SIZE
#define ION_CARVEOUT_DEFAULT_SIZE	((size_t)CONFIG_ION_CARVEOUT_SIZE * SZ_1M)
#else
/* out-of-tree module: no Kconfig default, carveout= only */
#define ION_CARVEOUT_DEFAULT_SIZE	0
#endif

/* Largest alignment asked of the region itself: enough for any buffer. */
#define ION_CARVEOUT_REGION_ALIGN	SZ_16M

/* Zero a platform region through mappings of at most this much at a time. */
#define ION_CARVEOUT_ZERO_CHUNK		SZ_1M

/**
 * enum ion_carveout_source - where the region's memory comes from
 * @ION_CARVEOUT_CALLER: given by the caller, who frees it (KUnit)
 * @ION_CARVEOUT_PLATFORM: reserved by the platform (carveout=SIZE@ADDR)
 * @ION_CARVEOUT_MEMBLOCK: carved from memblock at boot (built in)
 * @ION_CARVEOUT_CONTIG: alloc_contig_pages() at init (built in)
 * @ION_CARVEOUT_PAGES: alloc_pages_exact() at init or module load
 * @ION_CARVEOUT_RESERVED_MEM: a device tree reserved-memory node (built in)
 */
enum ion_carveout_source {
	ION_CARVEOUT_CALLER,
	ION_CARVEOUT_PLATFORM,
	ION_CARVEOUT_MEMBLOCK,
	ION_CARVEOUT_CONTIG,
	ION_CARVEOUT_PAGES,
	ION_CARVEOUT_RESERVED_MEM,
};

static const char * const ion_carveout_source_names[] = {
	[ION_CARVEOUT_CALLER] = "caller",
	[ION_CARVEOUT_PLATFORM] = "platform",
	[ION_CARVEOUT_MEMBLOCK] = "memblock",
	[ION_CARVEOUT_CONTIG] = "contig",
	[ION_CARVEOUT_PAGES] = "pages",
	[ION_CARVEOUT_RESERVED_MEM] = "reserved-memory",
};

/**
 * struct ion_carveout_heap - a carveout heap and its region
 * @heap: the ION heap
 * @pool: the region's free space; addresses are physical addresses
 * @base: physical address of the region
 * @size: size of the region in bytes
 * @max_align: largest alignment the heap honours (the region's own)
 * @linear: the region is in the kernel's linear map (kernel RAM); a
 *	platform region is not
 * @source: where the region comes from, to give it back
 */
struct ion_carveout_heap {
	struct ion_heap heap;
	struct gen_pool *pool;
	phys_addr_t base;
	size_t size;
	unsigned long max_align;
	bool linear;
	enum ion_carveout_source source;
};

/*
 * carveout=SIZE[@ADDR], parsed by ion_carveout_param_set().  Written only
 * while parameters are parsed (boot or module load, perm 0444), read at
 * init: no lock.
 */
static size_t ion_carveout_size = ION_CARVEOUT_DEFAULT_SIZE;
static phys_addr_t ion_carveout_addr;
static bool ion_carveout_has_addr;
static bool ion_carveout_given;
/* the region memblock carved at boot for a built-in ION, or 0 */
static phys_addr_t ion_carveout_early_base;
/*
 * The "ion,carveout" reserved-memory region, or size 0.  Written once while
 * the device tree is scanned at boot, read at init: no lock.
 */
static phys_addr_t ion_carveout_of_base;
static size_t ion_carveout_of_size;

/* The heap of the default device, registered by ion_init(). */
static struct ion_carveout_heap *ion_carveout_default;

static struct ion_carveout_heap *to_carveout_heap(struct ion_heap *heap)
{
	return container_of(heap, struct ion_carveout_heap, heap);
}

static int ion_carveout_parse(const char *val, size_t *size, phys_addr_t *addr,
			      bool *has_addr)
{
	unsigned long long s, a = 0;
	char *end;

	s = memparse(val, &end);
	if (end == val)
		return -EINVAL;
	*has_addr = *end == '@';
	if (*has_addr) {
		const char *start = end + 1;

		a = memparse(start, &end);
		if (end == start)
			return -EINVAL;
	}
	if (*end == '\n')
		end++;
	if (*end)
		return -EINVAL;
	if (!PAGE_ALIGNED(s) || !PAGE_ALIGNED(a) || s > SIZE_MAX ||
	    (*has_addr && (!a || !s || a + s < a)))
		return -EINVAL;
	*size = s;
	*addr = a;
	return 0;
}

/*
 * Built in, parameters are parsed in start_kernel() after setup_arch() and
 * before mm_core_init() hands memblock's memory to the page allocator:
 * memblock is complete and still allocates.  (early_param() handlers run
 * too early for that on x86, before e820 fills memblock.)
 */
static void __init ion_carveout_early_reserve(size_t size)
{
	phys_addr_t align = min_t(phys_addr_t, rounddown_pow_of_two(size),
				  ION_CARVEOUT_REGION_ALIGN);

	ion_carveout_early_base = memblock_phys_alloc(size, align);
	if (!ion_carveout_early_base)
		pr_err("cannot reserve a %zu byte carveout at boot\n", size);
}

/* __ref: calls the __init reserve only before the slab allocator is up */
static int __ref ion_carveout_param_set(const char *val,
					const struct kernel_param *kp)
{
	phys_addr_t addr;
	bool has_addr;
	size_t size;
	int ret;

	/* a region carved for an earlier carveout= stays the region */
	if (ion_carveout_early_base)
		return -EBUSY;
	ret = ion_carveout_parse(val, &size, &addr, &has_addr);
	if (ret)
		return ret;
	ion_carveout_size = size;
	ion_carveout_addr = addr;
	ion_carveout_has_addr = has_addr;
	ion_carveout_given = true;
	if (IS_BUILTIN(CONFIG_ION) && !slab_is_available() && size && !has_addr)
		ion_carveout_early_reserve(size);
	return 0;
}

static int ion_carveout_param_get(char *buf, const struct kernel_param *kp)
{
	if (ion_carveout_has_addr)
		return sysfs_emit(buf, "%zu@%pa\n", ion_carveout_size,
				  &ion_carveout_addr);
	return sysfs_emit(buf, "%zu\n", ion_carveout_size);
}

static const struct kernel_param_ops ion_carveout_param_ops = {
	.set = ion_carveout_param_set,
	.get = ion_carveout_param_get,
};

module_param_cb(carveout, &ion_carveout_param_ops, NULL, 0444);
MODULE_PARM_DESC(carveout,
		 "carveout heap region SIZE[@ADDR] (0: none; @ADDR: memory the platform reserved, e.g. with memmap=SIZE$ADDR)");

#if IS_BUILTIN(CONFIG_ION) && IS_ENABLED(CONFIG_OF_RESERVED_MEM)
/*
 * Called by early_init_fdt_scan_reserved_mem() for an "ion,carveout" node,
 * before the page allocator runs: the region is memblock-reserved, so its
 * pages stay PageReserved and in the linear map.  An error leaves the
 * memory reserved and unused.
 */
static int __init ion_carveout_rmem_init(struct reserved_mem *rmem)
{
	unsigned long node = rmem->fdt_node;

	if (of_get_flat_dt_prop(node, "no-map", NULL) ||
	    of_get_flat_dt_prop(node, "reusable", NULL)) {
		pr_err("reserved-memory %s: a carveout can be neither no-map nor reusable\n",
		       rmem->name);
		return -EINVAL;
	}
	if (!PAGE_ALIGNED(rmem->base) || !PAGE_ALIGNED(rmem->size) ||
	    !rmem->size || rmem->size > SIZE_MAX) {
		pr_err("reserved-memory %s: %pa+%pa is not whole pages\n",
		       rmem->name, &rmem->base, &rmem->size);
		return -EINVAL;
	}
	if (ion_carveout_of_size) {
		pr_err("reserved-memory %s: ION has a carveout region already\n",
		       rmem->name);
		return -EBUSY;
	}
	ion_carveout_of_base = rmem->base;
	ion_carveout_of_size = rmem->size;
	return 0;
}

RESERVEDMEM_OF_DECLARE(ion_carveout, "ion,carveout", ion_carveout_rmem_init);
#endif

static int ion_carveout_zero_platform(phys_addr_t addr, size_t len,
				      unsigned long flags)
{
	unsigned long type = flags & ION_FLAG_CACHED ? MEMREMAP_WB : MEMREMAP_WC;
	size_t done, chunk;
	void *vaddr;

	for (done = 0; done < len; done += chunk) {
		if (fatal_signal_pending(current))
			return -EINTR;
		chunk = min_t(size_t, len - done, ION_CARVEOUT_ZERO_CHUNK);
		vaddr = memremap(addr + done, chunk, type);
		if (!vaddr)
			return -ENOMEM;
		memset(vaddr, 0, chunk);
		memunmap(vaddr);
		cond_resched();
	}
	return 0;
}

static int ion_carveout_heap_allocate(struct ion_heap *heap,
				      struct ion_buffer *buffer,
				      unsigned long len, unsigned long align,
				      unsigned long flags)
{
	struct ion_carveout_heap *ch = to_carveout_heap(heap);
	struct genpool_data_align data = { .align = PAGE_SIZE };
	struct sg_table *table;
	unsigned long addr;
	struct page *page;
	int ret;

	if (align > PAGE_SIZE) {
		if (!is_power_of_2(align) || align > ch->max_align)
			return -EINVAL;
		data.align = align;
	}
	if (len > ch->size)
		return -ENOMEM;

	addr = gen_pool_alloc_algo(ch->pool, len, gen_pool_first_fit_align,
				   &data);
	if (!addr)
		return -ENOMEM;
	if (WARN_ON_ONCE(!IS_ALIGNED(addr, data.align))) {
		ret = -EINVAL;
		goto free_range;
	}

	page = pfn_to_page(PHYS_PFN(addr));
	if (ch->linear)
		ret = ion_heap_zero_pages(page, len);
	else
		ret = ion_carveout_zero_platform(addr, len, flags);
	if (ret)
		goto free_range;

	table = ion_heap_contig_sg_table(page, len);
	if (IS_ERR(table)) {
		ret = PTR_ERR(table);
		goto free_range;
	}
	buffer->sg_table = table;
	return 0;

free_range:
	gen_pool_free(ch->pool, addr, len);
	return ret;
}

static void ion_carveout_heap_free(struct ion_buffer *buffer)
{
	struct ion_carveout_heap *ch = to_carveout_heap(buffer->heap);
	phys_addr_t addr = page_to_phys(sg_page(buffer->sg_table->sgl));

	gen_pool_free(ch->pool, addr, buffer->size);
	ion_heap_free_sg_table(buffer->sg_table);
	buffer->sg_table = NULL;
}

static int ion_carveout_heap_phys(struct ion_heap *heap,
				  struct ion_buffer *buffer,
				  ion_phys_addr_t *addr, size_t *len)
{
	*addr = page_to_phys(sg_page(buffer->sg_table->sgl));
	*len = buffer->size;
	return 0;
}

static void ion_carveout_heap_debug_show(struct ion_heap *heap,
					 struct seq_file *s)
{
	struct ion_carveout_heap *ch = to_carveout_heap(heap);

	seq_printf(s, "%16s %16pa\n", "region_base", &ch->base);
	seq_printf(s, "%16s %16zu\n", "region_size", ch->size);
	seq_printf(s, "%16s %16zu\n", "region_free", gen_pool_avail(ch->pool));
	seq_printf(s, "%16s %16lu\n", "max_align", ch->max_align);
	seq_printf(s, "%16s %16s\n", "region_source",
		   ion_carveout_source_names[ch->source]);
}

static const struct ion_heap_ops ion_carveout_heap_ops = {
	.allocate = ion_carveout_heap_allocate,
	.free = ion_carveout_heap_free,
	.phys = ion_carveout_heap_phys,
	.debug_show = ion_carveout_heap_debug_show,
};

/**
 * ion_carveout_heap_create() - a carveout heap over a region
 * @base: physical address of the region, page aligned, not 0
 * @size: size of the region, page aligned, not 0
 * @linear: the region is kernel RAM in the linear map (zeroed through
 *	kmap_local_page()); otherwise it is platform memory zeroed through
 *	memremap()
 *
 * Every page of the region must have a struct page.  The heap is named
 * "ion_carveout_heap", id and type %ION_HEAP_TYPE_CARVEOUT, no alias; the
 * caller may change the public fields before ion_device_add_heap().  The
 * caller keeps ownership of the region's memory.
 *
 * Context: process context.
 * Return: the heap, ERR_PTR(-EINVAL) for a bad region, ERR_PTR(-ENOMEM).
 */
struct ion_heap *ion_carveout_heap_create(phys_addr_t base, size_t size,
					  bool linear)
{
	struct ion_carveout_heap *ch;
	int ret;

	if (!base || !size || !PAGE_ALIGNED(base) || !PAGE_ALIGNED(size) ||
	    base + size - 1 < base || base + size - 1 > ULONG_MAX)
		return ERR_PTR(-EINVAL);

	ch = kzalloc(sizeof(*ch), GFP_KERNEL);
	if (!ch)
		return ERR_PTR(-ENOMEM);
	ch->pool = gen_pool_create(PAGE_SHIFT, NUMA_NO_NODE);
	if (!ch->pool) {
		ret = -ENOMEM;
		goto free_heap;
	}
	ret = gen_pool_add(ch->pool, base, size, NUMA_NO_NODE);
	if (ret)
		goto destroy_pool;

	ch->base = base;
	ch->size = size;
	ch->linear = linear;
	ch->source = ION_CARVEOUT_CALLER;
	/*
	 * gen_pool aligns relative to the region: no more than its own, and
	 * within the int of struct genpool_data_align.
	 */
	ch->max_align = min3(1UL << __ffs(base), rounddown_pow_of_two(size),
			     (unsigned long)SZ_1G);
	ch->heap.name = "ion_carveout_heap";
	ch->heap.type = ION_HEAP_TYPE_CARVEOUT;
	ch->heap.id = ION_HEAP_TYPE_CARVEOUT;
	ch->heap.alias_id = -1;
	ch->heap.max_len = size;
	ch->heap.ops = &ion_carveout_heap_ops;
	ch->heap.owner = THIS_MODULE;
	return &ch->heap;

destroy_pool:
	gen_pool_destroy(ch->pool);
free_heap:
	kfree(ch);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_IF_KUNIT(ion_carveout_heap_create);

/**
 * ion_carveout_heap_pool() - the gen_pool of a carveout heap
 * @heap: a heap from ion_carveout_heap_create()
 *
 * For tests: gen_pool_avail() of it is the region's free space.
 *
 * Context: any context.
 * Return: the pool.
 */
struct gen_pool *ion_carveout_heap_pool(struct ion_heap *heap)
{
	return to_carveout_heap(heap)->pool;
}
EXPORT_SYMBOL_IF_KUNIT(ion_carveout_heap_pool);

/**
 * ion_carveout_heap_destroy() - free a heap from ion_carveout_heap_create()
 * @heap: the heap, not registered (or removed) and without buffers
 *
 * Does not free the region's memory.  A region with ranges still allocated
 * (a heap bug) is left alone with a warning rather than freed under them.
 *
 * Context: process context.
 * Return: true when the region was whole and the heap is freed; false when
 * ranges were still allocated and the heap and its pool were leaked.
 */
bool ion_carveout_heap_destroy(struct ion_heap *heap)
{
	struct ion_carveout_heap *ch = to_carveout_heap(heap);

	if (WARN_ON_ONCE(gen_pool_avail(ch->pool) != ch->size))
		return false;
	gen_pool_destroy(ch->pool);
	kfree(ch);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(ion_carveout_heap_destroy);

/* Platform memory: reserved, with struct pages, and claimed for ION. */
static int ion_carveout_claim_platform(phys_addr_t base, size_t size)
{
	unsigned long pfn;

	if (!IS_ENABLED(CONFIG_HAS_IOMEM)) {
		pr_err("carveout=SIZE@ADDR needs memremap(), absent here\n");
		return -EOPNOTSUPP;
	}
	if (region_intersects(base, size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
		pr_err("carveout %pa+%zu overlaps System RAM: reserve it (memmap=SIZE$ADDR)\n",
		       &base, size);
		return -EBUSY;
	}
	for (pfn = PHYS_PFN(base); pfn < PHYS_PFN(base + size); pfn++) {
		if (!pfn_valid(pfn)) {
			pr_err("carveout %pa+%zu has no struct page at pfn %#lx\n",
			       &base, size, pfn);
			return -EINVAL;
		}
		if (!PageReserved(pfn_to_page(pfn))) {
			pr_err("carveout %pa+%zu: pfn %#lx is in use by the page allocator\n",
			       &base, size, pfn);
			return -EBUSY;
		}
	}
	if (!request_mem_region(base, size, "ion carveout")) {
		pr_err("carveout %pa+%zu is claimed by another driver\n",
		       &base, size);
		return -EBUSY;
	}
	return 0;
}

/* Kernel RAM at init time; sets *source.  Returns the base or 0. */
static phys_addr_t ion_carveout_carve(size_t size,
				      enum ion_carveout_source *source)
{
	void *vaddr;

#ifdef CONFIG_CONTIG_ALLOC
	if (IS_BUILTIN(CONFIG_ION)) {
		struct page *page;

		page = alloc_contig_pages(size >> PAGE_SHIFT,
					  GFP_KERNEL | __GFP_NOWARN,
					  numa_mem_id(), NULL);
		*source = ION_CARVEOUT_CONTIG;
		return page ? page_to_phys(page) : 0;
	}
#endif
	if (size > PAGE_SIZE << MAX_PAGE_ORDER) {
		pr_err("carveout=%zu without @ADDR is limited to %lu bytes here: reserve memory with memmap=SIZE$ADDR and give @ADDR\n",
		       size, PAGE_SIZE << MAX_PAGE_ORDER);
		return 0;
	}
	vaddr = alloc_pages_exact(size, GFP_KERNEL | __GFP_NOWARN |
					__GFP_RETRY_MAYFAIL);
	*source = ION_CARVEOUT_PAGES;
	return vaddr ? virt_to_phys(vaddr) : 0;
}

/* Give the region back to where it came from. */
static void ion_carveout_release(phys_addr_t base, size_t size,
				 enum ion_carveout_source source)
{
	switch (source) {
	case ION_CARVEOUT_PLATFORM:
		release_mem_region(base, size);
		break;
	case ION_CARVEOUT_MEMBLOCK:
		/* only a built-in ION carves from memblock */
		if (IS_BUILTIN(CONFIG_ION))
			free_reserved_area(phys_to_virt(base),
					   phys_to_virt(base + size), -1,
					   "ion carveout");
		break;
	case ION_CARVEOUT_CONTIG:
		free_contig_range(PHYS_PFN(base), size >> PAGE_SHIFT);
		break;
	case ION_CARVEOUT_PAGES:
		free_pages_exact(phys_to_virt(base), size);
		break;
	case ION_CARVEOUT_RESERVED_MEM:
		/* the device tree keeps it reserved: nobody else may use it */
	case ION_CARVEOUT_CALLER:
		break;
	}
}

static int ion_carveout_setup(struct ion_device *dev)
{
	enum ion_carveout_source source = ION_CARVEOUT_PLATFORM;
	size_t size = ion_carveout_size;
	struct ion_carveout_heap *ch;
	struct ion_heap *heap;
	phys_addr_t base;
	int ret;

	if (ion_carveout_has_addr) {
		base = ion_carveout_addr;
		ret = ion_carveout_claim_platform(base, size);
		if (ret)
			return ret;
	} else if (ion_carveout_of_size && !ion_carveout_given) {
		base = ion_carveout_of_base;
		size = ion_carveout_of_size;
		source = ION_CARVEOUT_RESERVED_MEM;
	} else if (ion_carveout_early_base) {
		base = ion_carveout_early_base;
		source = ION_CARVEOUT_MEMBLOCK;
		/* the heap owns it from here, even if registration fails */
		ion_carveout_early_base = 0;
	} else {
		base = ion_carveout_carve(size, &source);
		if (!base) {
			pr_err("cannot carve a %zu byte carveout\n", size);
			return -ENOMEM;
		}
	}

	heap = ion_carveout_heap_create(base, size, source != ION_CARVEOUT_PLATFORM);
	if (IS_ERR(heap)) {
		ret = PTR_ERR(heap);
		goto release_region;
	}
	ch = to_carveout_heap(heap);
	ch->source = source;
	ret = ion_device_add_heap(dev, heap);
	if (ret)
		goto destroy_heap;
	ion_carveout_default = ch;
	pr_info("carveout heap: %zu bytes at %pa (%s)\n", size, &base,
		ion_carveout_source_names[source]);
	return 0;

destroy_heap:
	ion_carveout_heap_destroy(heap);
release_region:
	ion_carveout_release(base, size, source);
	return ret;
}

/**
 * ion_carveout_heap_register() - add the configured carveout heap
 * @dev: the device
 *
 * Sets up the region given by carveout=, else by an "ion,carveout"
 * reserved-memory node, else by CONFIG_ION_CARVEOUT_SIZE, and registers
 * its heap.  No region configured: nothing to do.  A region
 * that cannot be set up is an error when carveout= asked for it, and only
 * a warning for the Kconfig default, so that ION still comes up.
 *
 * Context: process context (module init).
 * Return: 0, or -EINVAL / -EBUSY / -ENOMEM / -EOPNOTSUPP when the region
 * asked for cannot be used, or an ion_device_add_heap() error.
 */
int ion_carveout_heap_register(struct ion_device *dev)
{
	bool of_region = ion_carveout_of_size && !ion_carveout_given;
	int ret;

	if (ion_carveout_of_size && ion_carveout_given)
		pr_info("carveout= given: the reserved-memory region %pa+%zu stays unused\n",
			&ion_carveout_of_base, ion_carveout_of_size);
	if (!ion_carveout_size && !of_region)
		return 0;
	ret = ion_carveout_setup(dev);
	if (ret && !ion_carveout_given) {
		pr_warn("no carveout heap (%s): %d\n",
			of_region ? "reserved-memory" : "Kconfig default", ret);
		return 0;
	}
	return ret;
}

/**
 * ion_carveout_heap_unregister() - remove the carveout heap, free its region
 *
 * Context: process context, sleeps until the heap's buffers are gone.
 */
void ion_carveout_heap_unregister(void)
{
	struct ion_carveout_heap *ch = ion_carveout_default;
	enum ion_carveout_source source;
	phys_addr_t base;
	size_t size;

	if (!ch)
		return;
	ion_carveout_default = NULL;
	ion_device_remove_heap(&ch->heap);
	base = ch->base;
	size = ch->size;
	source = ch->source;
	/* a region with ranges still allocated is leaked, never reused */
	if (ion_carveout_heap_destroy(&ch->heap))
		ion_carveout_release(base, size, source);
}
