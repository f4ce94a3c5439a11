// SPDX-License-Identifier: GPL-2.0
/* /dev/bigphys: hand out buffers of the boot-time contiguous area to userspace. */

#define pr_fmt(fmt) "bigphys: " fmt

#include <linux/bigphysarea.h>
#include <linux/capability.h>
#include <linux/dma-map-ops.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kref.h>
#include <linux/log2.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include <uapi/linux/bigphys.h>

#ifdef CONFIG_X86
#include <asm/set_memory.h>
#endif

/* A buffer's mmap offset is its id shifted by this many bits. */
#define BIGPHYS_OFFSET_SHIFT	32
#define BIGPHYS_MAX_ID		0xffffU

/**
 * struct bigphys_ubuf - a buffer handed to userspace
 * @ref: one reference for the owning file's table, one per mapping
 * @buf: the memory
 * @cache: BIGPHYS_ALLOC_* cache mode; the direct map is switched to it
 *	while the buffer exists, so that no alias disagrees with the user's
 * @pgoff: first page offset of the buffer's mmap() range
 * @alias_node: entry in bigphys_uncached while its memory type is not WB
 */
struct bigphys_ubuf {
	struct kref ref;
	struct bigphys_buf buf;
	u32 cache;
	unsigned long pgoff;
	struct list_head alias_node;
};

/**
 * struct bigphys_file - per open file state
 * @lock: protects @bufs against concurrent ALLOC/FREE/SYNC/mmap
 * @bufs: the file's buffers by id
 * @uncached: opened with O_SYNC: buffers default to uncached
 * @node: entry in bigphys_files
 * @mapping: where this file's mappings hang, for unmap_mapping_range()
 */
struct bigphys_file {
	struct mutex lock;	/* see the kernel-doc above */
	struct xarray bufs;
	bool uncached;
	struct list_head node;
	struct address_space *mapping;
};

/*
 * Whole-area mappings are write-back. A page must not be mapped write-back
 * while its direct map is uncached or write-combining (x86 PAT: aliases
 * with different memory types are undefined), so pages of such buffers are
 * unmapped from every whole-area mapping when the buffer changes type, and
 * faulting them in there gets SIGBUS until the buffer is back to WB.
 *
 * bigphys_alias_sem is held for writing while a buffer is added to
 * bigphys_uncached and its pages are unmapped, and while bigphys_files or
 * bigphys_uncached change; the whole-area fault handler holds it for
 * reading from its check to the page insertion.
 */
static DECLARE_RWSEM(bigphys_alias_sem);
static LIST_HEAD(bigphys_uncached);	/* struct bigphys_ubuf.alias_node */
static LIST_HEAD(bigphys_files);	/* struct bigphys_file.node */
static phys_addr_t bigphys_area_base;

/* Switch the direct map of a buffer to its cache mode, or back to WB. */
static int bigphys_set_memtype(struct bigphys_ubuf *ub, bool restore)
{
#ifdef CONFIG_X86
	unsigned long addr = (unsigned long)ub->buf.vaddr;
	int pages = ub->buf.size >> PAGE_SHIFT;

	if (restore)
		return set_memory_wb(addr, pages);
	if (ub->cache == BIGPHYS_ALLOC_WRITECOMBINE)
		return set_memory_wc(addr, pages);
	return set_memory_uc(addr, pages);
#else
	return 0;
#endif
}

/* Give a new buffer its cache mode, first removing write-back aliases. */
static int bigphys_make_uncached(struct bigphys_ubuf *ub)
{
	struct bigphys_file *bf;
	int ret;

	if (!ub->cache)
		return 0;
	down_write(&bigphys_alias_sem);
	list_add(&ub->alias_node, &bigphys_uncached);
	list_for_each_entry(bf, &bigphys_files, node)
		unmap_mapping_range(bf->mapping, ub->buf.phys - bigphys_area_base,
				    ub->buf.size, 1);
	ret = bigphys_set_memtype(ub, false);
	if (ret)
		list_del(&ub->alias_node);
	up_write(&bigphys_alias_sem);
	return ret;
}

/* Back to write-back before the memory is reused. */
static int bigphys_make_cached(struct bigphys_ubuf *ub)
{
	int ret;

	if (!ub->cache)
		return 0;
	ret = bigphys_set_memtype(ub, true);
	if (ret)
		return ret;
	down_write(&bigphys_alias_sem);
	list_del(&ub->alias_node);
	up_write(&bigphys_alias_sem);
	return 0;
}

static bool bigphys_page_uncached(phys_addr_t phys)
{
	struct bigphys_ubuf *ub;

	list_for_each_entry(ub, &bigphys_uncached, alias_node)
		if (phys >= ub->buf.phys && phys - ub->buf.phys < ub->buf.size)
			return true;
	return false;
}

static void bigphys_ubuf_release(struct kref *ref)
{
	struct bigphys_ubuf *ub = container_of(ref, struct bigphys_ubuf, ref);

	if (bigphys_make_cached(ub))
		pr_warn("cannot restore write-back caching; leaking %zu bytes\n",
			ub->buf.size);
	else
		bigphys_free(&ub->buf);
	kfree(ub);
}

static void bigphys_ubuf_put(struct bigphys_ubuf *ub)
{
	kref_put(&ub->ref, bigphys_ubuf_release);
}

static int bigphys_open(struct inode *inode, struct file *file)
{
	struct bigphys_file *bf;

	bf = kzalloc(sizeof(*bf), GFP_KERNEL);
	if (!bf)
		return -ENOMEM;
	mutex_init(&bf->lock);
	xa_init_flags(&bf->bufs, XA_FLAGS_ALLOC1);
	bf->uncached = file->f_flags & O_SYNC;
	bf->mapping = file->f_mapping;
	file->private_data = bf;
	down_write(&bigphys_alias_sem);
	list_add(&bf->node, &bigphys_files);
	up_write(&bigphys_alias_sem);
	return 0;
}

static int bigphys_release(struct inode *inode, struct file *file)
{
	struct bigphys_file *bf = file->private_data;
	struct bigphys_ubuf *ub;
	unsigned long id;

	/* No mapping of this file is left: it needs no more unmapping. */
	down_write(&bigphys_alias_sem);
	list_del(&bf->node);
	up_write(&bigphys_alias_sem);
	xa_for_each(&bf->bufs, id, ub)
		bigphys_ubuf_put(ub);
	xa_destroy(&bf->bufs);
	mutex_destroy(&bf->lock);
	kfree(bf);
	return 0;
}

static bool bigphys_zeroed(const u64 *r, size_t n)
{
	return !memchr_inv(r, 0, n * sizeof(*r));
}

static long bigphys_ioc_info(void __user *arg)
{
	struct bigphys_info info = {};
	struct bigphys_stats st;
	int ret;

	ret = bigphys_get_stats(&st);
	if (ret)
		return ret;
	info.total = st.size;
	info.free = st.free;
	info.largest_free = st.largest_free;
	info.phys_base = capable(CAP_SYS_ADMIN) ? st.base : 0;
	info.page_size = PAGE_SIZE;
	info.nr_allocs = st.nr_allocs;
	return copy_to_user(arg, &info, sizeof(info)) ? -EFAULT : 0;
}

static int bigphys_check_alloc(const struct bigphys_alloc_req *req)
{
	struct bigphys_stats st;
	int ret;

	if (!bigphys_zeroed(req->reserved, ARRAY_SIZE(req->reserved)))
		return -EINVAL;
	if (req->flags & ~BIGPHYS_ALLOC_FLAGS ||
	    hweight32(req->flags) > 1)
		return -EINVAL;
	ret = bigphys_get_stats(&st);
	if (ret)
		return ret;
	/* Requests that can never be met are invalid, not out of memory. */
	if (!req->size || req->size > st.size)
		return -EINVAL;
	if (req->align && (!is_power_of_2(req->align) || req->align > st.size))
		return -EINVAL;
	return 0;
}

static long bigphys_ioc_alloc(struct bigphys_file *bf, void __user *arg)
{
	struct bigphys_alloc_req req;
	struct bigphys_ubuf *ub;
	u32 id;
	int ret;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	ret = bigphys_check_alloc(&req);
	if (ret)
		return ret;

	ub = kzalloc(sizeof(*ub), GFP_KERNEL);
	if (!ub)
		return -ENOMEM;
	kref_init(&ub->ref);
	ub->cache = req.flags ?: (bf->uncached ? BIGPHYS_ALLOC_UNCACHED : 0);
	ret = bigphys_alloc(req.size, req.align, GFP_KERNEL | __GFP_ZERO,
			    current->comm, &ub->buf);
	if (ret)
		goto err_free_ub;
	ret = bigphys_make_uncached(ub);
	if (ret)
		goto err_free_buf;

	mutex_lock(&bf->lock);
	ret = xa_alloc(&bf->bufs, &id, ub, XA_LIMIT(1, BIGPHYS_MAX_ID),
		       GFP_KERNEL);
	if (!ret)
		ub->pgoff = (unsigned long)id << (BIGPHYS_OFFSET_SHIFT - PAGE_SHIFT);
	mutex_unlock(&bf->lock);
	if (ret)
		goto err_restore;

	req.size = ub->buf.size;
	req.id = id;
	req.offset = (u64)id << BIGPHYS_OFFSET_SHIFT;
	req.phys = capable(CAP_SYS_ADMIN) ? ub->buf.phys : 0;
	if (copy_to_user(arg, &req, sizeof(req))) {
		mutex_lock(&bf->lock);
		xa_erase(&bf->bufs, id);
		mutex_unlock(&bf->lock);
		bigphys_ubuf_put(ub);
		return -EFAULT;
	}
	return 0;

err_restore:
	if (bigphys_make_cached(ub)) {
		kfree(ub);	/* the memory stays allocated: not safe to reuse */
		return ret;
	}
err_free_buf:
	bigphys_free(&ub->buf);
err_free_ub:
	kfree(ub);
	return ret == -EBUSY ? -ENOSPC : ret;
}

static long bigphys_ioc_free(struct bigphys_file *bf, void __user *arg)
{
	struct bigphys_free_req req;
	struct bigphys_ubuf *ub;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.reserved)
		return -EINVAL;
	mutex_lock(&bf->lock);
	ub = req.id ? xa_erase(&bf->bufs, req.id) : NULL;
	mutex_unlock(&bf->lock);
	if (!ub)
		return -ENOENT;
	bigphys_ubuf_put(ub);	/* mappings keep their own references */
	return 0;
}

static void bigphys_sync_range(phys_addr_t phys, size_t len, u32 dir)
{
#ifdef CONFIG_ARCH_HAS_SYNC_DMA_FOR_DEVICE
	if (dir & BIGPHYS_SYNC_TO_DEVICE)
		arch_sync_dma_for_device(phys, len, DMA_TO_DEVICE);
#endif
#ifdef CONFIG_ARCH_HAS_SYNC_DMA_FOR_CPU
	if (dir & BIGPHYS_SYNC_FROM_DEVICE)
		arch_sync_dma_for_cpu(phys, len, DMA_FROM_DEVICE);
#endif
	/* Drains write-combining buffers and orders against the device. */
	mb();
}

static long bigphys_ioc_sync(struct bigphys_file *bf, void __user *arg)
{
	struct bigphys_sync_req req;
	struct bigphys_ubuf *ub;
	int ret = 0;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.reserved || !req.direction ||
	    req.direction > BIGPHYS_SYNC_BIDIRECTIONAL || !req.length)
		return -EINVAL;

	mutex_lock(&bf->lock);
	ub = xa_load(&bf->bufs, req.id);
	if (!ub)
		ret = -ENOENT;
	else if (req.offset >= ub->buf.size ||
		 req.length > ub->buf.size - req.offset)
		ret = -EINVAL;
	else
		bigphys_sync_range(ub->buf.phys + req.offset, req.length,
				   req.direction);
	mutex_unlock(&bf->lock);
	return ret;
}

static long bigphys_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	struct bigphys_file *bf = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case BIGPHYS_IOC_INFO:
		return bigphys_ioc_info(uarg);
	case BIGPHYS_IOC_ALLOC:
		return bigphys_ioc_alloc(bf, uarg);
	case BIGPHYS_IOC_FREE:
		return bigphys_ioc_free(bf, uarg);
	case BIGPHYS_IOC_SYNC:
		return bigphys_ioc_sync(bf, uarg);
	default:
		return -ENOTTY;
	}
}

/* vm_private_data: the buffer, or NULL for a mapping of the whole area. */
static void bigphys_vm_open(struct vm_area_struct *vma)
{
	struct bigphys_ubuf *ub = vma->vm_private_data;

	if (ub)
		kref_get(&ub->ref);
}

static void bigphys_vm_close(struct vm_area_struct *vma)
{
	struct bigphys_ubuf *ub = vma->vm_private_data;

	if (ub)
		bigphys_ubuf_put(ub);
}

static vm_fault_t bigphys_insert(struct vm_fault *vmf, phys_addr_t phys)
{
	int ret = vm_insert_page(vmf->vma, vmf->address, pfn_to_page(PHYS_PFN(phys)));

	if (ret == -ENOMEM)
		return VM_FAULT_OOM;
	if (ret && ret != -EBUSY)
		return VM_FAULT_SIGBUS;
	return VM_FAULT_NOPAGE;
}

static vm_fault_t bigphys_vm_fault(struct vm_fault *vmf)
{
	struct bigphys_ubuf *ub = vmf->vma->vm_private_data;
	struct bigphys_stats st;
	phys_addr_t phys;
	vm_fault_t ret;

	if (ub) {
		if (vmf->pgoff - ub->pgoff >= ub->buf.size >> PAGE_SHIFT)
			return VM_FAULT_SIGBUS;
		return bigphys_insert(vmf, ub->buf.phys +
				      ((vmf->pgoff - ub->pgoff) << PAGE_SHIFT));
	}

	/* The whole area: write-back, so never a page that is not. */
	if (bigphys_get_stats(&st) || vmf->pgoff >= st.size >> PAGE_SHIFT)
		return VM_FAULT_SIGBUS;
	phys = st.base + ((phys_addr_t)vmf->pgoff << PAGE_SHIFT);
	down_read(&bigphys_alias_sem);
	ret = bigphys_page_uncached(phys) ? VM_FAULT_SIGBUS :
					    bigphys_insert(vmf, phys);
	up_read(&bigphys_alias_sem);
	return ret;
}

static const struct vm_operations_struct bigphys_vm_ops = {
	.open	= bigphys_vm_open,
	.close	= bigphys_vm_close,
	.fault	= bigphys_vm_fault,
};

static int bigphys_mmap_area(struct vm_area_struct *vma, size_t len)
{
	struct bigphys_stats st;
	int ret;

	if (!capable(CAP_SYS_RAWIO))
		return -EPERM;
	ret = bigphys_get_stats(&st);
	if (ret)
		return ret;
	if (len > st.size)
		return -EINVAL;
	vma->vm_private_data = NULL;
	return 0;
}

static int bigphys_mmap_buf(struct bigphys_file *bf, struct vm_area_struct *vma,
			    size_t len)
{
	unsigned long id = vma->vm_pgoff >> (BIGPHYS_OFFSET_SHIFT - PAGE_SHIFT);
	struct bigphys_ubuf *ub;
	int ret = 0;

	if (vma->vm_pgoff & ((1UL << (BIGPHYS_OFFSET_SHIFT - PAGE_SHIFT)) - 1))
		return -EINVAL;
	mutex_lock(&bf->lock);
	ub = xa_load(&bf->bufs, id);
	if (!ub || len > ub->buf.size)
		ret = -EINVAL;
	else
		kref_get(&ub->ref);
	mutex_unlock(&bf->lock);
	if (ret)
		return ret;

	vma->vm_private_data = ub;
	if (ub->cache == BIGPHYS_ALLOC_WRITECOMBINE)
		vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
	else if (ub->cache == BIGPHYS_ALLOC_UNCACHED)
		vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	return 0;
}

static int bigphys_mmap(struct file *file, struct vm_area_struct *vma)
{
	size_t len = vma->vm_end - vma->vm_start;
	int ret;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_pgoff)
		ret = bigphys_mmap_buf(file->private_data, vma, len);
	else
		ret = bigphys_mmap_area(vma, len);
	if (ret)
		return ret;

	/* Page-backed, so get_user_pages() users (O_DIRECT, io_uring) work. */
	vm_flags_set(vma, VM_MIXEDMAP | VM_DONTEXPAND | VM_DONTDUMP | VM_DONTCOPY);
	vma->vm_ops = &bigphys_vm_ops;
	return 0;
}

static const struct file_operations bigphys_fops = {
	.owner		= THIS_MODULE,
	.open		= bigphys_open,
	.release	= bigphys_release,
	.unlocked_ioctl	= bigphys_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= bigphys_mmap,
};

static struct miscdevice bigphys_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "bigphys",
	.fops	= &bigphys_fops,
	.mode	= 0600,
};

static int __init bigphys_dev_init(void)
{
	struct bigphys_stats st;

	if (bigphys_get_stats(&st))
		return 0;	/* booted without bigphysarea= */
	bigphys_area_base = st.base;
	return misc_register(&bigphys_misc);
}
device_initcall(bigphys_dev_init);
