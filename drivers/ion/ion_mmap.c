// SPDX-License-Identifier: GPL-2.0
/*
 * User mappings of ION buffers: the page tables behind an mmap() of any of
 * a buffer's dma-buf fds.
 *
 * The first mmap() of a buffer describes it as a table of physically
 * contiguous runs (struct ion_mmap_runs), kept until the buffer goes.
 *
 * A cached buffer of pages the page allocator handed out (system,
 * system_contig and CMA heaps) is mapped when it is touched: mmap() sets
 * up the vma and fills its first 2 MiB (PMD_SIZE), and a fault fills every
 * page table entry of the PMD-sized window around the faulting address
 * that falls inside the vma, in one pass over one page table, under its
 * lock once.  mmap() and munmap() then cost no more per page than that
 * first stretch, a mapping of up to 2 MiB takes no fault, and touching a
 * larger one costs one fault per 2 MiB beyond its first.
 * The entries are special PFN entries with the vma's protection, as
 * remap_pfn_range() makes them; on x86 they bypass PAT's memory type
 * tracking, which for write-back RAM has nothing to track.
 *
 * Every other buffer is mapped whole at mmap() time, one
 * remap_pfn_range() per run: uncached buffers, mapped write-combined,
 * whose memory type PAT sets up when the mapping is made, and memory the
 * page allocator does not own (a carveout, pages a custom heap reserved),
 * whose memory type PAT has to check.
 */

#include <linux/ion.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pgtable.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "ion_priv.h"

/* The pages of @sg, from the start of its first page to its end. */
static unsigned long ion_mmap_sg_pages(struct scatterlist *sg)
{
	return PAGE_ALIGN(sg->offset + sg->length) >> PAGE_SHIFT;
}

/*
 * Builds the run table of @buffer in one pass over its sg_table, sized for
 * one run per entry at most.  A run is a sequence of sg entries each of
 * which starts at the page frame after the last one of the entry before it.
 */
VISIBLE_IF_KUNIT struct ion_mmap_runs *ion_mmap_build_runs(struct ion_buffer *buffer)
{
	struct sg_table *table = buffer->sg_table;
	unsigned long nr = 0, pgoff = 0, next_pfn = 0;
	struct ion_mmap_runs *runs;
	struct scatterlist *sg;
	bool at_fault;
	int i;

	runs = kvmalloc(struct_size(runs, run, table->orig_nents + 1), GFP_KERNEL);
	if (!runs)
		return NULL;

	at_fault = buffer->flags & ION_FLAG_CACHED;
	for_each_sgtable_sg(table, sg, i) {
		struct page *page = sg_page(sg);
		unsigned long pfn = page_to_pfn(page);

		if (!nr || pfn != next_pfn) {
			runs->run[nr].pgoff = pgoff;
			runs->run[nr].pfn = pfn;
			nr++;
		}
		if (PageReserved(page))
			at_fault = false;
		pgoff += ion_mmap_sg_pages(sg);
		next_pfn = pfn + ion_mmap_sg_pages(sg);
	}
	runs->run[nr].pgoff = pgoff;
	runs->run[nr].pfn = 0;
	runs->nr = nr;
	runs->at_fault = at_fault;
	return runs;
}

/*
 * The run table of @buffer, built by its first mmap().  It never changes
 * afterwards: the faults of a vma, which come after the mmap() that made
 * it, read it without the lock.
 */
static struct ion_mmap_runs *ion_mmap_get_runs(struct ion_buffer *buffer)
{
	struct ion_mmap_runs *runs;

	mutex_lock(&buffer->lock);
	runs = buffer->mmap_runs;
	if (!runs) {
		runs = ion_mmap_build_runs(buffer);
		buffer->mmap_runs = runs;
	}
	mutex_unlock(&buffer->lock);
	return runs;
}

/* The run that holds page @pgoff of the buffer; @pgoff is inside it. */
VISIBLE_IF_KUNIT const struct ion_mmap_run *
ion_mmap_find_run(const struct ion_mmap_runs *runs, unsigned long pgoff)
{
	unsigned long lo = 0, hi = runs->nr;

	/* run[lo].pgoff <= pgoff < run[hi].pgoff */
	while (hi - lo > 1) {
		unsigned long mid = lo + (hi - lo) / 2;

		if (runs->run[mid].pgoff <= pgoff)
			lo = mid;
		else
			hi = mid;
	}
	return &runs->run[lo];
}

/**
 * struct ion_mmap_fill - where a fill of page table entries is
 * @mm: the address space of the vma
 * @run: the run that holds @pgoff
 * @pgoff: the buffer's page that the next entry maps
 * @prot: the protection of the entries, the vma's
 */
struct ion_mmap_fill {
	struct mm_struct *mm;
	const struct ion_mmap_run *run;
	unsigned long pgoff;
	pgprot_t prot;
};

/*
 * apply_to_page_range() calls this for every entry of the window, in
 * address order, with the page table's lock held.  An entry another fault
 * filled already is left as it is.
 */
static int ion_mmap_fill_pte(pte_t *pte, unsigned long addr, void *data)
{
	struct ion_mmap_fill *fill = data;
	unsigned long pgoff = fill->pgoff++;

	/* A run holds one page at least: one step at most per entry. */
	if (pgoff >= fill->run[1].pgoff)
		fill->run++;
	if (pte_none(ptep_get(pte)))
		set_pte_at(fill->mm, addr, pte,
			   pte_mkspecial(pfn_pte(fill->run->pfn + pgoff - fill->run->pgoff,
						 fill->prot)));
	return 0;
}

/*
 * Fills the entries of [@start, @end) of @vma that are still empty with
 * the buffer's pages.  The range may span page tables; each is filled in
 * one pass under its lock.
 */
static int ion_mmap_fill_range(struct vm_area_struct *vma,
			       const struct ion_mmap_runs *runs,
			       unsigned long start, unsigned long end)
{
	struct ion_mmap_fill fill = {
		.mm = vma->vm_mm,
		.pgoff = vma->vm_pgoff + ((start - vma->vm_start) >> PAGE_SHIFT),
		.prot = vma->vm_page_prot,
	};

	/* mmap() checked that the vma fits, and it can only shrink since. */
	if (WARN_ON_ONCE(fill.pgoff + ((end - start) >> PAGE_SHIFT) >
			 runs->run[runs->nr].pgoff))
		return -EINVAL;
	fill.run = ion_mmap_find_run(runs, fill.pgoff);
	/* Only allocating a page table can fail. */
	return apply_to_page_range(vma->vm_mm, start, end - start,
				   ion_mmap_fill_pte, &fill);
}

static vm_fault_t ion_mmap_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct ion_buffer *buffer = vma->vm_private_data;
	unsigned long window = ALIGN_DOWN(vmf->address, PMD_SIZE);
	int ret;

	ret = ion_mmap_fill_range(vma, buffer->mmap_runs,
				  max(window, vma->vm_start),
				  min(window + PMD_SIZE, vma->vm_end));
	if (ret == -EINVAL)
		return VM_FAULT_SIGBUS;
	return ret ? VM_FAULT_OOM : VM_FAULT_NOPAGE;
}

static const struct vm_operations_struct ion_mmap_vm_ops = {
	.fault = ion_mmap_fault,
};

/*
 * Maps @npages from @pfn at *@addr and moves *@addr past them.
 *
 * A run that covers the whole of @vma is mapped as its first page and the
 * rest: x86's PAT takes a remap_pfn_range() of a whole vma as a
 * reservation of the range's memory type (VM_PAT), which for RAM whose
 * type differs (write-back, as the page allocator's pages are, under a
 * write-combined mapping) ends in a warning in the kernel log at every
 * mmap, and which 6.12 does not give back when the vma is split or moved
 * (later mmaps of the range then fail).  A smaller remap only looks the
 * type up.  The page tables come out the same.
 */
static int ion_mmap_remap_run(struct vm_area_struct *vma, unsigned long *addr,
			      unsigned long pfn, unsigned long npages)
{
	unsigned long len = npages << PAGE_SHIFT;
	int ret;

	if (npages > 1 && *addr == vma->vm_start && *addr + len == vma->vm_end) {
		ret = remap_pfn_range(vma, *addr, pfn, PAGE_SIZE,
				      vma->vm_page_prot);
		if (ret)
			return ret;
		*addr += PAGE_SIZE;
		pfn++;
		len -= PAGE_SIZE;
	}
	ret = remap_pfn_range(vma, *addr, pfn, len, vma->vm_page_prot);
	if (ret)
		return ret;
	*addr += len;
	return 0;
}

/*
 * Maps the buffer's pages from page vma->vm_pgoff on into the whole of
 * @vma, one remap_pfn_range() per run: the first run may start inside a
 * run of the table, the last one is cut at the end of @vma.
 */
static int ion_mmap_remap_runs(const struct ion_mmap_runs *runs,
			       struct vm_area_struct *vma)
{
	unsigned long pgoff = vma->vm_pgoff, end = pgoff + vma_pages(vma);
	unsigned long addr = vma->vm_start;
	const struct ion_mmap_run *run;
	int ret;

	for (run = ion_mmap_find_run(runs, pgoff); pgoff < end; run++) {
		unsigned long n = min(run[1].pgoff, end) - pgoff;

		ret = ion_mmap_remap_run(vma, &addr,
					 run->pfn + pgoff - run->pgoff, n);
		if (ret)
			return ret;
		pgoff += n;
	}
	return 0;
}

/**
 * ion_mmap_buffer() - back a user mapping of a buffer
 * @buffer: the buffer
 * @vma: the mapping, checked to fit inside @buffer, with the buffer's page
 *	protection in vm_page_prot
 *
 * Maps the buffer into @vma now or makes its faults map it (see the top of
 * the file).  A failure leaves nothing for the caller to undo: mmap_region()
 * unmaps whatever was mapped.
 *
 * Context: process context, mmap_lock held for writing; takes buffer->lock.
 * Return: 0, or -ENOMEM (no memory for the run table or the page tables),
 * or another error of remap_pfn_range().
 */
int ion_mmap_buffer(struct ion_buffer *buffer, struct vm_area_struct *vma)
{
	struct ion_mmap_runs *runs = ion_mmap_get_runs(buffer);

	if (!runs)
		return -ENOMEM;
	/* The heap's table covers the buffer's size, which mmap() checked. */
	if (WARN_ON_ONCE(vma->vm_pgoff + vma_pages(vma) > runs->run[runs->nr].pgoff))
		return -EINVAL;
	if (!runs->at_fault)
		return ion_mmap_remap_runs(runs, vma);

	/* What remap_pfn_range() would have set. */
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_private_data = buffer;
	vma->vm_ops = &ion_mmap_vm_ops;
	/*
	 * The first 2 MiB now: a small mapping is then whole before it is
	 * touched, as an eager one would be, and costs no fault at all.
	 */
	return ion_mmap_fill_range(vma, runs, vma->vm_start,
				   min(vma->vm_end, vma->vm_start + PMD_SIZE));
}

/**
 * ion_mmap_release() - free what the buffer's user mappings kept
 * @buffer: the buffer, released: no mapping of it is left
 *
 * Context: any context that may sleep.
 */
void ion_mmap_release(struct ion_buffer *buffer)
{
	kvfree(buffer->mmap_runs);
	buffer->mmap_runs = NULL;
}
