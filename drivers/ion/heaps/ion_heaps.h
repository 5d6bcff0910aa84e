/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ION's own heaps: the init and exit function of each, which the core's
 * heap table in ion_device.c calls (stubs for a heap that is configured
 * out), and what a heap offers its KUnit suite.
 */
#ifndef _ION_HEAPS_H
#define _ION_HEAPS_H

#include <linux/types.h>

struct gen_pool;
struct ion_device;
struct ion_heap;
struct ion_heap_ops;

/*
 * Each init function adds its heaps to @dev and returns 0 or -errno (a heap
 * that has nothing to register, no region or no CMA area, returns 0); the
 * matching exit function removes them.  Exit runs only when the module is
 * unloaded, when no buffer is left (each one pins the module), so removal
 * releases every heap before it returns.
 */
#if IS_ENABLED(CONFIG_ION_SYSTEM_HEAP)
int ion_system_heap_init(struct ion_device *dev);
void ion_system_heap_exit(void);
extern const struct ion_heap_ops ion_system_heap_ops;
#else
static inline int ion_system_heap_init(struct ion_device *dev) { return 0; }
static inline void ion_system_heap_exit(void) { }
#endif

#if IS_ENABLED(CONFIG_ION_SYSTEM_CONTIG_HEAP)
int ion_system_contig_heap_init(struct ion_device *dev);
void ion_system_contig_heap_exit(void);
#else
static inline int ion_system_contig_heap_init(struct ion_device *dev) { return 0; }
static inline void ion_system_contig_heap_exit(void) { }
#endif

#if IS_ENABLED(CONFIG_ION_CARVEOUT_HEAP)
/**
 * struct ion_carveout_region - the memory under a carveout heap
 * @base: physical address, page aligned, not 0
 * @size: size in bytes, page aligned, not 0
 * @linear: kernel RAM in the linear map (zeroed through kmap_local_page());
 *	otherwise platform memory, zeroed through memremap()
 * @source: where the memory comes from, the region_source line of the
 *	heap's debugfs file
 * @release: gives the memory back once the heap is released, or NULL when
 *	the creator keeps it
 */
struct ion_carveout_region {
	phys_addr_t base;
	size_t size;
	bool linear;
	const char *source;
	void (*release)(const struct ion_carveout_region *region);
};

/* ion_carveout_heap.c: the heap over one region */
struct ion_heap *ion_carveout_heap_create(const struct ion_carveout_region *region);
bool ion_carveout_heap_destroy(struct ion_heap *heap);
struct gen_pool *ion_carveout_heap_pool(struct ion_heap *heap);

/* ion_carveout_region.c: the region of /dev/ion's carveout heap */
int ion_carveout_region_init(struct ion_device *dev);
void ion_carveout_region_exit(void);
#else
static inline int ion_carveout_region_init(struct ion_device *dev) { return 0; }
static inline void ion_carveout_region_exit(void) { }
#endif

#if IS_ENABLED(CONFIG_ION_CMA_HEAP)
int ion_cma_heap_init(struct ion_device *dev);
void ion_cma_heap_exit(void);
char *ion_cma_heap_name(const char *area);
#else
static inline int ion_cma_heap_init(struct ion_device *dev) { return 0; }
static inline void ion_cma_heap_exit(void) { }
#endif

#if IS_ENABLED(CONFIG_ION_SYSTEM_HEAP) && IS_ENABLED(CONFIG_KUNIT)
/* ion_system_heap.c internals for its KUnit suite */
struct ion_page_pool;
struct shrink_control;
struct shrinker;
extern unsigned int ion_system_heap_pool_limit_mb;
struct ion_page_pool *ion_system_heap_pool(unsigned int order, bool cached);
unsigned long ion_system_heap_pool_pages(void);
unsigned long ion_system_heap_queued_pages(void);
void ion_system_heap_flush_free(void);
unsigned long ion_system_heap_shrink_count(struct shrinker *shrinker,
					   struct shrink_control *sc);
unsigned long ion_system_heap_shrink_scan(struct shrinker *shrinker,
					  struct shrink_control *sc);
#endif

#endif /* _ION_HEAPS_H */
