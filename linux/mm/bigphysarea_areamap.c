// SPDX-License-Identifier: GPL-2.0
/* The whole area in one user mapping: raw write-back PFNs, for /dev/bigphys. */

#include <linux/bigphysarea.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/maple_tree.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/pseudo_fs.h>
#include <linux/srcu.h>

#include "bigphysarea.h"
#include "bigphysarea_dmabuf.h"

#define BIGPHYS_FS_MAGIC	0x62706873	/* "bphs" */

/*
 * Whole-area mappings are raw write-back PFN mappings. A page must not be
 * mapped write-back while its direct map is uncached or write-combining
 * (aliases with different memory types are undefined), so faulting such a
 * page in there gets SIGBUS.
 *
 * bigphys_memtype marks the page frame numbers of every non-WB buffer;
 * lookups are lockless (RCU). The whole-area fault handler
 * checks it and inserts the page inside a bigphys_fault_srcu read section.
 * A buffer changing type is stored first, then synchronize_srcu() waits
 * for faults that may have missed it, then its pages are zapped from every
 * whole-area mapping (bigphys_area_forbid()), and only then does the
 * direct map change. Faults therefore never wait for a type change and
 * cost the same whatever the number of buffers.
 *
 * All whole-area mappings share one address_space (bigphys_inode's), so
 * one unmap_mapping_range() reaches every one of them.
 */
static DEFINE_MTREE(bigphys_memtype);
#define BIGPHYS_NOT_WB		xa_mk_value(1)
DEFINE_STATIC_SRCU(bigphys_fault_srcu);
static struct vfsmount *bigphys_mnt;
static struct inode *bigphys_inode;
static phys_addr_t bigphys_area_base;
static size_t bigphys_area_size;

static void bigphys_zap_area(phys_addr_t phys, size_t size)
{
	unmap_mapping_range(bigphys_inode->i_mapping, phys - bigphys_area_base,
			    size, 1);
}

/**
 * bigphys_area_forbid() - keep a range out of whole-area mappings
 * @phys: physical address of the first byte, page aligned
 * @size: length in bytes, a multiple of PAGE_SIZE
 *
 * For a buffer whose direct map is about to leave write-back: from now
 * on whole-area mappings fault its pages in as SIGBUS, and the pages they
 * had mapped are unmapped when this returns.
 *
 * Context: process context; may sleep.
 * Return: 0, or a negative error code if the range cannot be recorded.
 */
int bigphys_area_forbid(phys_addr_t phys, size_t size)
{
	unsigned long pfn = PHYS_PFN(phys);
	int ret;

	ret = mtree_store_range(&bigphys_memtype, pfn,
				pfn + (size >> PAGE_SHIFT) - 1,
				BIGPHYS_NOT_WB, GFP_KERNEL);
	if (ret)
		return ret;
	synchronize_srcu(&bigphys_fault_srcu);
	bigphys_zap_area(phys, size);
	return 0;
}

/**
 * bigphys_area_allow() - let whole-area mappings map a range again
 * @phys: the @phys given to bigphys_area_forbid()
 *
 * For a buffer whose direct map is write-back again.
 */
void bigphys_area_allow(phys_addr_t phys)
{
	mtree_erase(&bigphys_memtype, PHYS_PFN(phys));
}

/**
 * bigphys_area_open() - prepare a file for whole-area mappings
 * @file: the file that will be passed to bigphys_area_mmap()
 *
 * Makes the file share the address_space of all whole-area mappings, so
 * that a buffer becoming uncached can unmap its pages from all of them.
 *
 * Return: 0, or -ENODEV if the area's buffers are not available (no area,
 * or their setup failed at boot).
 */
int bigphys_area_open(struct file *file)
{
	if (!bigphys_inode)
		return -ENODEV;
	file->f_mapping = bigphys_inode->i_mapping;
	return 0;
}

static vm_fault_t bigphys_area_fault(struct vm_fault *vmf)
{
	phys_addr_t phys;
	vm_fault_t ret;
	int idx;

	if (vmf->pgoff >= bigphys_area_size >> PAGE_SHIFT)
		return VM_FAULT_SIGBUS;
	phys = bigphys_area_base + ((phys_addr_t)vmf->pgoff << PAGE_SHIFT);
	idx = srcu_read_lock(&bigphys_fault_srcu);
	if (mtree_load(&bigphys_memtype, PHYS_PFN(phys)))
		ret = VM_FAULT_SIGBUS;
	else
		ret = vmf_insert_pfn(vmf->vma, vmf->address, PHYS_PFN(phys));
	srcu_read_unlock(&bigphys_fault_srcu, idx);
	return ret;
}

/*
 * A writable whole-area mapping reaches free memory too: while one
 * exists, the allocator must not trust what it knows to be zero. Every
 * VMA that may be written (VM_MAYWRITE, which never comes back once
 * cleared) counts as one writer, from bigphys_area_mmap() or a split or
 * move (->open) to its unmapping (->close, after its page table entries
 * are gone).
 */
static void bigphys_area_vm_open(struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_MAYWRITE)
		bigphys_area_writer_get();
}

static void bigphys_area_vm_close(struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_MAYWRITE)
		bigphys_area_writer_put();
}

static const struct vm_operations_struct bigphys_area_vm_ops = {
	.open	= bigphys_area_vm_open,
	.close	= bigphys_area_vm_close,
	.fault	= bigphys_area_fault,
};

/**
 * bigphys_area_mmap() - map the whole area, from offset 0
 * @vma: the mapping, of a file prepared with bigphys_area_open()
 *
 * A raw write-back PFN mapping, as /dev/mem makes: no page references, so
 * nothing taken through it (it maps free pages and every owner's buffers)
 * can hold or pin memory, and get_user_pages() refuses it. Pages of an
 * uncached or write-combining buffer are not mapped (SIGBUS). The caller
 * decides who may do this. While a writable one exists, no free memory
 * is known to be zero (bigphys_area_writer_get()).
 *
 * Return: 0, or -EINVAL if @vma is not shared, starts past 0 or is longer
 * than the area.
 */
int bigphys_area_mmap(struct vm_area_struct *vma)
{
	if (!(vma->vm_flags & VM_MAYSHARE) || vma->vm_pgoff ||
	    vma->vm_end - vma->vm_start > bigphys_area_size)
		return -EINVAL;
	vm_flags_set(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP |
		     VM_DONTCOPY);
	vma->vm_ops = &bigphys_area_vm_ops;
	vma->vm_private_data = NULL;
	bigphys_area_vm_open(vma);	/* nothing fails after this */
	return 0;
}

static int bigphys_fs_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, BIGPHYS_FS_MAGIC) ? 0 : -ENOMEM;
}

static struct file_system_type bigphys_fs_type = {
	.name			= "bigphys",
	.init_fs_context	= bigphys_fs_init_fs_context,
	.kill_sb		= kill_anon_super,
};

int __init bigphys_areamap_init(phys_addr_t base, size_t size)
{
	struct inode *inode;

	bigphys_mnt = kern_mount(&bigphys_fs_type);
	if (IS_ERR(bigphys_mnt))
		return PTR_ERR(bigphys_mnt);
	inode = alloc_anon_inode(bigphys_mnt->mnt_sb);
	if (IS_ERR(inode)) {
		kern_unmount(bigphys_mnt);
		return PTR_ERR(inode);
	}
	bigphys_area_base = base;
	bigphys_area_size = size;
	bigphys_inode = inode;
	return 0;
}

/* Undo bigphys_areamap_init() when the buffers cannot be set up. */
void __init bigphys_areamap_exit(void)
{
	iput(bigphys_inode);
	bigphys_inode = NULL;
	kern_unmount(bigphys_mnt);
}
