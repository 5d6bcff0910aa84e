// SPDX-License-Identifier: GPL-2.0
/*
 * The region of /dev/ion's carveout heap: where its memory comes from, how
 * it is set up at init and given back when the heap is released.  The heap
 * itself is ion_carveout_heap.c.
 *
 * The region is configured with carveout=SIZE[@ADDR] (ion.carveout= on the
 * kernel command line when ION is built in):
 *
 *  - SIZE@ADDR: physical memory the platform reserved for ION (on x86,
 *    memmap=SIZE$ADDR makes it an E820 reserved range).  It must not be
 *    System RAM, and every page of it must have a struct page
 *    (pfn_valid()) that is PageReserved.
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
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
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
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "ion_heaps.h"

#ifdef CONFIG_ION_CARVEOUT_SIZE
#define ION_CARVEOUT_REGION_DEFAULT_SIZE	((size_t)CONFIG_ION_CARVEOUT_SIZE * SZ_1M)
#else
/* out-of-tree module: no Kconfig default, carveout= only */
#define ION_CARVEOUT_REGION_DEFAULT_SIZE	0
#endif

/* Largest alignment asked of the region itself: enough for any buffer. */
#define ION_CARVEOUT_REGION_ALIGN	SZ_16M

/*
 * carveout=SIZE[@ADDR], parsed by ion_carveout_region_param_set().
 * Written only while parameters are parsed (boot or module load, perm
 * 0444), read at init: no lock.
 */
static size_t ion_carveout_region_size = ION_CARVEOUT_REGION_DEFAULT_SIZE;
static phys_addr_t ion_carveout_region_addr;
static bool ion_carveout_region_has_addr;
static bool ion_carveout_region_given;
/* the region memblock carved at boot for a built-in ION, or 0 */
static phys_addr_t ion_carveout_region_early_base;
/*
 * The "ion,carveout" reserved-memory region, or size 0.  Written once while
 * the device tree is scanned at boot, read at init: no lock.
 */
static phys_addr_t ion_carveout_region_of_base;
static size_t ion_carveout_region_of_size;

/* The heap of the default device, added by ion_carveout_region_init(). */
static struct ion_heap *ion_carveout_region_heap;

static int ion_carveout_region_parse(const char *val, size_t *size,
				     phys_addr_t *addr, bool *has_addr)
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
static void __init ion_carveout_region_early_reserve(size_t size)
{
	phys_addr_t align = min_t(phys_addr_t, rounddown_pow_of_two(size),
				  ION_CARVEOUT_REGION_ALIGN);

	ion_carveout_region_early_base = memblock_phys_alloc(size, align);
	if (!ion_carveout_region_early_base)
		pr_err("cannot reserve a %zu byte carveout at boot\n", size);
}

/* __ref: calls the __init reserve only before the slab allocator is up */
static int __ref ion_carveout_region_param_set(const char *val,
					       const struct kernel_param *kp)
{
	phys_addr_t addr;
	bool has_addr;
	size_t size;
	int ret;

	/* a region carved for an earlier carveout= stays the region */
	if (ion_carveout_region_early_base)
		return -EBUSY;
	ret = ion_carveout_region_parse(val, &size, &addr, &has_addr);
	if (ret)
		return ret;
	ion_carveout_region_size = size;
	ion_carveout_region_addr = addr;
	ion_carveout_region_has_addr = has_addr;
	ion_carveout_region_given = true;
	if (IS_BUILTIN(CONFIG_ION) && !slab_is_available() && size && !has_addr)
		ion_carveout_region_early_reserve(size);
	return 0;
}

static int ion_carveout_region_param_get(char *buf,
					 const struct kernel_param *kp)
{
	if (ion_carveout_region_has_addr)
		return sysfs_emit(buf, "%zu@%pa\n", ion_carveout_region_size,
				  &ion_carveout_region_addr);
	return sysfs_emit(buf, "%zu\n", ion_carveout_region_size);
}

static const struct kernel_param_ops ion_carveout_region_param_ops = {
	.set = ion_carveout_region_param_set,
	.get = ion_carveout_region_param_get,
};

module_param_cb(carveout, &ion_carveout_region_param_ops, NULL, 0444);
MODULE_PARM_DESC(carveout,
		 "carveout heap region SIZE[@ADDR] (0: none; @ADDR: memory the platform reserved, e.g. with memmap=SIZE$ADDR)");

#if IS_BUILTIN(CONFIG_ION) && IS_ENABLED(CONFIG_OF_RESERVED_MEM)
/*
 * Called by early_init_fdt_scan_reserved_mem() for an "ion,carveout" node,
 * before the page allocator runs: the region is memblock-reserved, so its
 * pages stay PageReserved and in the linear map.  An error leaves the
 * memory reserved and unused.
 */
static int __init ion_carveout_region_rmem_init(struct reserved_mem *rmem)
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
	if (ion_carveout_region_of_size) {
		pr_err("reserved-memory %s: ION has a carveout region already\n",
		       rmem->name);
		return -EBUSY;
	}
	ion_carveout_region_of_base = rmem->base;
	ion_carveout_region_of_size = rmem->size;
	return 0;
}

RESERVEDMEM_OF_DECLARE(ion_carveout, "ion,carveout", ion_carveout_region_rmem_init);
#endif

/* Platform memory: reserved, with struct pages, and claimed for ION. */
static int ion_carveout_region_claim_platform(phys_addr_t base, size_t size)
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

/* Each source of memory, named as debugfs shows it, and its way back. */
static void ion_carveout_region_release_platform(const struct ion_carveout_region *region)
{
	release_mem_region(region->base, region->size);
}

static void ion_carveout_region_release_memblock(const struct ion_carveout_region *region)
{
	/* only a built-in ION carves from memblock */
	if (IS_BUILTIN(CONFIG_ION))
		free_reserved_area(phys_to_virt(region->base),
				   phys_to_virt(region->base + region->size), -1,
				   "ion carveout");
}

#ifdef CONFIG_CONTIG_ALLOC
static void ion_carveout_region_release_contig(const struct ion_carveout_region *region)
{
	free_contig_range(PHYS_PFN(region->base), region->size >> PAGE_SHIFT);
}
#endif

static void ion_carveout_region_release_pages(const struct ion_carveout_region *region)
{
	free_pages_exact(phys_to_virt(region->base), region->size);
}

/* Kernel RAM at init time: fills *region, returns 0 or -ENOMEM. */
static int ion_carveout_region_carve(size_t size,
				     struct ion_carveout_region *region)
{
	void *vaddr;

	region->size = size;
	region->linear = true;
#ifdef CONFIG_CONTIG_ALLOC
	if (IS_BUILTIN(CONFIG_ION)) {
		struct page *page;

		page = alloc_contig_pages(size >> PAGE_SHIFT,
					  GFP_KERNEL | __GFP_NOWARN,
					  numa_mem_id(), NULL);
		if (!page)
			return -ENOMEM;
		region->base = page_to_phys(page);
		region->source = "contig";
		region->release = ion_carveout_region_release_contig;
		return 0;
	}
#endif
	if (size > PAGE_SIZE << MAX_PAGE_ORDER) {
		pr_err("carveout=%zu without @ADDR is limited to %lu bytes here: reserve memory with memmap=SIZE$ADDR and give @ADDR\n",
		       size, PAGE_SIZE << MAX_PAGE_ORDER);
		return -ENOMEM;
	}
	vaddr = alloc_pages_exact(size, GFP_KERNEL | __GFP_NOWARN |
					__GFP_RETRY_MAYFAIL);
	if (!vaddr)
		return -ENOMEM;
	region->base = virt_to_phys(vaddr);
	region->source = "pages";
	region->release = ion_carveout_region_release_pages;
	return 0;
}

/* The configured region, ready for the heap: fills *region. */
static int ion_carveout_region_get(struct ion_carveout_region *region)
{
	int ret;

	if (ion_carveout_region_has_addr) {
		ret = ion_carveout_region_claim_platform(ion_carveout_region_addr,
							 ion_carveout_region_size);
		if (ret)
			return ret;
		*region = (struct ion_carveout_region) {
			.base = ion_carveout_region_addr,
			.size = ion_carveout_region_size,
			.source = "platform",
			.release = ion_carveout_region_release_platform,
		};
	} else if (ion_carveout_region_of_size && !ion_carveout_region_given) {
		/* the device tree keeps it reserved: nobody else may use it */
		*region = (struct ion_carveout_region) {
			.base = ion_carveout_region_of_base,
			.size = ion_carveout_region_of_size,
			.linear = true,
			.source = "reserved-memory",
		};
	} else if (ion_carveout_region_early_base) {
		*region = (struct ion_carveout_region) {
			.base = ion_carveout_region_early_base,
			.size = ion_carveout_region_size,
			.linear = true,
			.source = "memblock",
			.release = ion_carveout_region_release_memblock,
		};
		/* the heap owns it from here, even if registration fails */
		ion_carveout_region_early_base = 0;
	} else {
		ret = ion_carveout_region_carve(ion_carveout_region_size, region);
		if (ret) {
			pr_err("cannot carve a %zu byte carveout\n",
			       ion_carveout_region_size);
			return ret;
		}
	}
	return 0;
}

static int ion_carveout_region_setup(struct ion_device *dev)
{
	struct ion_carveout_region region;
	struct ion_heap *heap;
	int ret;

	ret = ion_carveout_region_get(&region);
	if (ret)
		return ret;
	heap = ion_carveout_heap_create(&region);
	if (IS_ERR(heap)) {
		ret = PTR_ERR(heap);
		goto release_region;
	}
	ret = ion_device_add_heap(dev, heap);
	if (ret)
		goto destroy_heap;
	/* Ownership of the region is the heap's from here. */
	ion_carveout_region_heap = heap;
	pr_info("carveout heap: %zu bytes at %pa (%s)\n", region.size,
		&region.base, region.source);
	return 0;

destroy_heap:
	ion_carveout_heap_destroy(heap);
release_region:
	if (region.release)
		region.release(&region);
	return ret;
}

/**
 * ion_carveout_region_init() - add the carveout heap of the configured region
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
int ion_carveout_region_init(struct ion_device *dev)
{
	bool of_region = ion_carveout_region_of_size && !ion_carveout_region_given;
	int ret;

	if (ion_carveout_region_of_size && ion_carveout_region_given)
		pr_info("carveout= given: the reserved-memory region %pa+%zu stays unused\n",
			&ion_carveout_region_of_base, ion_carveout_region_of_size);
	if (!ion_carveout_region_size && !of_region)
		return 0;
	ret = ion_carveout_region_setup(dev);
	if (ret && !ion_carveout_region_given) {
		pr_warn("no carveout heap (%s): %d\n",
			of_region ? "reserved-memory" : "Kconfig default", ret);
		return 0;
	}
	return ret;
}

/**
 * ion_carveout_region_exit() - remove the carveout heap
 *
 * The heap's release frees it and gives its region back, here (no buffer
 * is left when the module goes) or with its last buffer.
 *
 * Context: process context.
 */
void ion_carveout_region_exit(void)
{
	struct ion_heap *heap = ion_carveout_region_heap;

	if (!heap)
		return;
	ion_carveout_region_heap = NULL;
	ion_device_remove_heap(heap);
}
