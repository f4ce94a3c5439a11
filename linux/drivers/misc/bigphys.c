// SPDX-License-Identifier: GPL-2.0
/* /dev/bigphys: hand out buffers of the boot-time contiguous area to userspace. */

#define pr_fmt(fmt) "bigphys: " fmt

#include <linux/bigphysarea.h>
#include <linux/capability.h>
#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kref.h>
#include <linux/log2.h>
#include <linux/maple_tree.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/mutex.h>
#include <linux/pseudo_fs.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/swiotlb.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include <uapi/linux/bigphys.h>

#ifdef CONFIG_X86
#include <asm/cacheflush.h>
#include <asm/set_memory.h>
#endif

/*
 * A buffer's mmap offset is its id shifted by this many bits. Ids stay
 * small enough that the page offset fits 32 bits, so that a 32-bit
 * process (mmap2) can map every buffer.
 */
#define BIGPHYS_OFFSET_SHIFT	32
#define BIGPHYS_ID_PGSHIFT	(BIGPHYS_OFFSET_SHIFT - PAGE_SHIFT)
/* mmap2 counts 4096-byte units on every architecture with a compat ABI. */
#define BIGPHYS_MAX_ID		((1U << (32 - (BIGPHYS_OFFSET_SHIFT - 12))) - 1)

#define BIGPHYS_FS_MAGIC	0x62706873	/* "bphs" */

/**
 * struct bigphys_ubuf - a buffer handed to userspace
 * @ref: one reference for the owning file's table, one per mapping, and
 *	one for each ioctl working on it
 * @buf: the memory
 * @dma: @buf mapped for the device's cache maintenance (SYNC)
 * @cache: BIGPHYS_ALLOC_* cache mode; the direct map is switched to it
 *	while the buffer exists, so that no alias disagrees with the user's
 * @pgoff: first page offset of the buffer's mmap() range
 */
struct bigphys_ubuf {
	struct kref ref;
	struct bigphys_buf buf;
	dma_addr_t dma;
	u32 cache;
	unsigned long pgoff;
};

/**
 * struct bigphys_file - per open file state
 * @lock: protects @bufs; never held across copy_*_user() or cache work
 * @bufs: the file's buffers by id; a reserved (NULL) slot is an ALLOC
 *	in progress, invisible to FREE, SYNC and mmap
 * @uncached: opened with O_SYNC: buffers default to uncached
 */
struct bigphys_file {
	struct mutex lock;	/* see the kernel-doc above */
	struct xarray bufs;
	bool uncached;
};

/*
 * Whole-area mappings are write-back. A page must not be mapped write-back
 * while its direct map is uncached or write-combining (aliases with
 * different memory types are undefined), so faulting such a page in there
 * gets SIGBUS.
 *
 * bigphys_memtype maps the page frame numbers of every non-WB buffer to the
 * buffer; lookups are lockless (RCU). The whole-area fault handler checks
 * it and inserts the page inside a bigphys_fault_srcu read section. A
 * buffer changing type is stored first, then synchronize_srcu() waits for
 * faults that may have missed it, then its pages are zapped from every
 * whole-area mapping, and only then does the direct map change. Faults
 * therefore never wait for a type change and cost the same whatever the
 * number of buffers.
 *
 * All files share one address_space (bigphys_inode's), so one
 * unmap_mapping_range() reaches every whole-area mapping.
 */
static DEFINE_MTREE(bigphys_memtype);
DEFINE_STATIC_SRCU(bigphys_fault_srcu);
static struct vfsmount *bigphys_mnt;
static struct inode *bigphys_inode;
static phys_addr_t bigphys_area_base;
static size_t bigphys_area_size;

static struct miscdevice bigphys_misc;
/*
 * Buffers get a streaming DMA mapping for SYNC unless DMA would bounce
 * (swiotlb=force, confidential-computing guests): a bounce copy would
 * overwrite the user's data and every buffer would hold bounce slots.
 */
static bool bigphys_dma_ok __ro_after_init;

static struct device *bigphys_dev(void)
{
	return bigphys_misc.this_device;
}

/*
 * Whether a user mapping of another memory type can be kept consistent
 * with the kernel's mapping of the same pages: x86 switches the direct
 * map (PAT), arm64 maps Normal-NC beside a cacheable linear map, which is
 * consistent once the lines are cleaned to memory.
 */
static bool bigphys_memtype_supported(void)
{
	return IS_ENABLED(CONFIG_X86) ||
	       (IS_ENABLED(CONFIG_ARM64) && bigphys_dma_ok);
}

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

/*
 * Write the buffer's cache lines (its zeroes) back to memory, so that an
 * uncached or write-combining reader never sees the previous owner's
 * bytes. An explicit step, not a side effect of changing the direct map.
 */
static void bigphys_write_back(struct bigphys_ubuf *ub)
{
#ifdef CONFIG_X86
	clflush_cache_range(ub->buf.vaddr, ub->buf.size);
#else
	/* Done in bigphys_ubuf_create(): the DMA API cleans the zeroes. */
#endif
}

static void bigphys_zap_area(phys_addr_t phys, size_t size)
{
	unmap_mapping_range(bigphys_inode->i_mapping, phys - bigphys_area_base,
			    size, 1);
}

/* Give a new buffer its cache mode, first removing write-back aliases. */
static int bigphys_make_uncached(struct bigphys_ubuf *ub)
{
	unsigned long pfn = PHYS_PFN(ub->buf.phys);
	int ret;

	if (!ub->cache)
		return 0;
	ret = mtree_store_range(&bigphys_memtype, pfn,
				pfn + (ub->buf.size >> PAGE_SHIFT) - 1, ub,
				GFP_KERNEL);
	if (ret)
		return ret;
	synchronize_srcu(&bigphys_fault_srcu);
	bigphys_zap_area(ub->buf.phys, ub->buf.size);
	bigphys_write_back(ub);
	ret = bigphys_set_memtype(ub, false);
	if (ret) {
		/* A partial change must not leave pages uncached in the pool. */
		if (bigphys_set_memtype(ub, true))
			return -EHWPOISON;	/* see bigphys_ubuf_create() */
		mtree_erase(&bigphys_memtype, pfn);
	}
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
	mtree_erase(&bigphys_memtype, PHYS_PFN(ub->buf.phys));
	return 0;
}

static void bigphys_ubuf_dma_unmap(struct bigphys_ubuf *ub)
{
	if (bigphys_dma_ok)
		dma_unmap_page_attrs(bigphys_dev(), ub->dma, ub->buf.size,
				     DMA_BIDIRECTIONAL, DMA_ATTR_SKIP_CPU_SYNC);
}

/*
 * Allocate, zero and map a buffer for cache maintenance. The zeroes are
 * cleaned to memory here, so that a later SYNC that invalidates can only
 * discard what the owner wrote, never expose what was there before.
 */
static struct bigphys_ubuf *bigphys_ubuf_create(u64 size, u64 align, u32 cache)
{
	struct bigphys_ubuf *ub;
	int ret;

	ub = kzalloc(sizeof(*ub), GFP_KERNEL);
	if (!ub)
		return ERR_PTR(-ENOMEM);
	kref_init(&ub->ref);
	ub->cache = cache;
	ret = bigphys_alloc(size, align, GFP_KERNEL | __GFP_ZERO, current->comm,
			    &ub->buf);
	if (ret)
		goto err_free_ub;
	if (bigphys_dma_ok) {
		ub->dma = dma_map_page_attrs(bigphys_dev(),
					     virt_to_page(ub->buf.vaddr), 0,
					     ub->buf.size, DMA_BIDIRECTIONAL,
					     DMA_ATTR_SKIP_CPU_SYNC);
		if (dma_mapping_error(bigphys_dev(), ub->dma)) {
			ret = -ENOMEM;
			goto err_free_buf;
		}
		dma_sync_single_for_device(bigphys_dev(), ub->dma, ub->buf.size,
					   DMA_BIDIRECTIONAL);
	}
	ret = bigphys_make_uncached(ub);
	if (ret == -EHWPOISON) {
		/* Not write-back again: never reuse it (it stays SIGBUS). */
		pr_warn("cannot restore write-back caching; leaking %zu bytes\n",
			ub->buf.size);
		bigphys_ubuf_dma_unmap(ub);
		kfree(ub);
		return ERR_PTR(-ENOMEM);
	}
	if (ret)
		goto err_unmap;
	return ub;

err_unmap:
	bigphys_ubuf_dma_unmap(ub);
err_free_buf:
	bigphys_free(&ub->buf);
err_free_ub:
	kfree(ub);
	return ERR_PTR(ret);
}

/*
 * The last reference is gone: no mapping or ioctl uses the buffer. Zap it
 * from whole-area mappings so that their page references do not hold it,
 * then free it; the area keeps pages that are still pinned or in a pipe
 * until those references drop.
 */
static void bigphys_ubuf_release(struct kref *ref)
{
	struct bigphys_ubuf *ub = container_of(ref, struct bigphys_ubuf, ref);

	bigphys_zap_area(ub->buf.phys, ub->buf.size);
	bigphys_ubuf_dma_unmap(ub);
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

/* Look up a published buffer and take a reference, or NULL. */
static struct bigphys_ubuf *bigphys_ubuf_get(struct bigphys_file *bf,
					     unsigned long id)
{
	struct bigphys_ubuf *ub;

	mutex_lock(&bf->lock);
	ub = xa_load(&bf->bufs, id);
	if (ub)
		kref_get(&ub->ref);
	mutex_unlock(&bf->lock);
	return ub;
}

static int bigphys_open(struct inode *inode, struct file *file)
{
	struct bigphys_file *bf;

	if ((file->f_flags & O_SYNC) && !bigphys_memtype_supported())
		return -EOPNOTSUPP;
	bf = kzalloc(sizeof(*bf), GFP_KERNEL);
	if (!bf)
		return -ENOMEM;
	mutex_init(&bf->lock);
	xa_init_flags(&bf->bufs, XA_FLAGS_ALLOC1);
	bf->uncached = file->f_flags & O_SYNC;
	file->private_data = bf;
	/* One address_space for all files, for unmap_mapping_range(). */
	file->f_mapping = bigphys_inode->i_mapping;
	return 0;
}

static int bigphys_release(struct inode *inode, struct file *file)
{
	struct bigphys_file *bf = file->private_data;
	struct bigphys_ubuf *ub;
	unsigned long id;

	/* The last file reference: no ioctl or mmap() can run any more. */
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

	bigphys_reclaim();
	ret = bigphys_get_stats(&st);
	if (ret)
		return ret;
	info.total = st.size;
	info.free = st.free;
	info.largest_free = st.largest_free;
	info.phys_base = capable(CAP_SYS_ADMIN) ? st.base : 0;
	info.page_size = PAGE_SIZE;
	info.nr_allocs = st.nr_allocs;
	info.held = st.held;
	return copy_to_user(arg, &info, sizeof(info)) ? -EFAULT : 0;
}

static int bigphys_check_alloc(const struct bigphys_alloc_req *req)
{
	if (!bigphys_zeroed(req->reserved, ARRAY_SIZE(req->reserved)))
		return -EINVAL;
	if (req->flags & ~BIGPHYS_ALLOC_FLAGS ||
	    hweight32(req->flags) > 1)
		return -EINVAL;
	/* Requests that can never be met are invalid, not out of memory. */
	if (!req->size || req->size > bigphys_area_size)
		return -EINVAL;
	if (req->align && (!is_power_of_2(req->align) ||
			   req->align > bigphys_area_size))
		return -EINVAL;
	if (req->flags && !bigphys_memtype_supported())
		return -EOPNOTSUPP;
	return 0;
}

/*
 * ALLOC reserves an id (first: a file out of ids costs nothing), fills
 * the reply from the buffer it still owns alone, copies it out and only
 * then publishes the buffer. Until then FREE, SYNC and mmap() of the id
 * see nothing, and a failed copy undoes exactly what this call did.
 */
static long bigphys_ioc_alloc(struct bigphys_file *bf, void __user *arg)
{
	struct bigphys_alloc_req req;
	struct bigphys_ubuf *ub;
	u32 cache, id;
	int ret;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	ret = bigphys_check_alloc(&req);
	if (ret)
		return ret;

	mutex_lock(&bf->lock);
	ret = xa_alloc(&bf->bufs, &id, NULL, XA_LIMIT(1, BIGPHYS_MAX_ID),
		       GFP_KERNEL);
	mutex_unlock(&bf->lock);
	if (ret)
		return ret == -EBUSY ? -ENOSPC : ret;

	cache = req.flags ?: (bf->uncached ? BIGPHYS_ALLOC_UNCACHED : 0);
	ub = bigphys_ubuf_create(req.size, req.align, cache);
	if (IS_ERR(ub)) {
		mutex_lock(&bf->lock);
		xa_release(&bf->bufs, id);
		mutex_unlock(&bf->lock);
		return PTR_ERR(ub);
	}
	ub->pgoff = (unsigned long)id << BIGPHYS_ID_PGSHIFT;

	req.size = ub->buf.size;
	req.flags = ub->cache;
	req.id = id;
	req.offset = (u64)id << BIGPHYS_OFFSET_SHIFT;
	req.phys = capable(CAP_SYS_ADMIN) ? ub->buf.phys : 0;
	if (copy_to_user(arg, &req, sizeof(req))) {
		mutex_lock(&bf->lock);
		xa_release(&bf->bufs, id);
		mutex_unlock(&bf->lock);
		bigphys_ubuf_put(ub);
		return -EFAULT;
	}

	mutex_lock(&bf->lock);
	xa_store(&bf->bufs, id, ub, GFP_KERNEL);	/* reserved: cannot fail */
	mutex_unlock(&bf->lock);
	return 0;
}

static long bigphys_ioc_free(struct bigphys_file *bf, void __user *arg)
{
	struct bigphys_free_req req;
	struct bigphys_ubuf *ub = NULL;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.reserved)
		return -EINVAL;
	mutex_lock(&bf->lock);
	/* xa_erase() would also drop a reservation: look first. */
	if (req.id && xa_load(&bf->bufs, req.id))
		ub = xa_erase(&bf->bufs, req.id);
	mutex_unlock(&bf->lock);
	if (!ub)
		return -ENOENT;
	bigphys_ubuf_put(ub);	/* mappings keep their own references */
	return 0;
}

/*
 * SYNC follows the DMA API on the buffer's mapping: clean for the device,
 * invalidate for the CPU. Lines still dirty from zeroing were cleaned at
 * allocation, so an invalidate only ever discards what the owner wrote.
 */
static void bigphys_sync_range(struct bigphys_ubuf *ub, u64 offset, u64 len,
			       u32 dir)
{
	if (!bigphys_dma_ok)
		goto barrier;	/* coherent (x86), or refused at ALLOC */
	if (dir & BIGPHYS_SYNC_TO_DEVICE)
		dma_sync_single_for_device(bigphys_dev(), ub->dma + offset, len,
					   DMA_TO_DEVICE);
	if (dir & BIGPHYS_SYNC_FROM_DEVICE)
		dma_sync_single_for_cpu(bigphys_dev(), ub->dma + offset, len,
					DMA_FROM_DEVICE);
barrier:
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

	ub = bigphys_ubuf_get(bf, req.id);
	if (!ub)
		return -ENOENT;
	if (req.offset >= ub->buf.size ||
	    req.length > ub->buf.size - req.offset)
		ret = -EINVAL;
	else
		bigphys_sync_range(ub, req.offset, req.length, req.direction);
	bigphys_ubuf_put(ub);
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
	phys_addr_t phys;
	vm_fault_t ret;
	int idx;

	if (ub) {
		if (vmf->pgoff - ub->pgoff >= ub->buf.size >> PAGE_SHIFT)
			return VM_FAULT_SIGBUS;
		return bigphys_insert(vmf, ub->buf.phys +
				      ((vmf->pgoff - ub->pgoff) << PAGE_SHIFT));
	}

	/* The whole area: write-back, so never a page that is not. */
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

static const struct vm_operations_struct bigphys_vm_ops = {
	.open	= bigphys_vm_open,
	.close	= bigphys_vm_close,
	.fault	= bigphys_vm_fault,
};

/* The whole area is /dev/mem for its range: the same rules apply. */
static int bigphys_mmap_area(struct vm_area_struct *vma, size_t len)
{
	int ret;

	if (!capable(CAP_SYS_RAWIO))
		return -EPERM;
	ret = security_locked_down(LOCKDOWN_DEV_MEM);
	if (ret)
		return ret;
	if (len > bigphys_area_size)
		return -EINVAL;
	vma->vm_private_data = NULL;
	/*
	 * Raw PFNs: no page references, so nothing taken through the area
	 * (it maps free pages and other owners' buffers) can hold or pin
	 * memory, and get_user_pages() refuses it, as for /dev/mem.
	 */
	vm_flags_set(vma, VM_PFNMAP);
	return 0;
}

static int bigphys_mmap_buf(struct bigphys_file *bf, struct vm_area_struct *vma,
			    size_t len)
{
	unsigned long id = vma->vm_pgoff >> BIGPHYS_ID_PGSHIFT;
	struct bigphys_ubuf *ub;

	if (vma->vm_pgoff & ((1UL << BIGPHYS_ID_PGSHIFT) - 1))
		return -EINVAL;
	ub = bigphys_ubuf_get(bf, id);
	if (!ub)
		return -EINVAL;
	if (len > ub->buf.size) {
		bigphys_ubuf_put(ub);
		return -EINVAL;
	}

	vma->vm_private_data = ub;	/* the reference taken above */
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

	/* Buffers are page-backed, so O_DIRECT and io_uring work on them. */
	if (vma->vm_pgoff)
		vm_flags_set(vma, VM_MIXEDMAP);
	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP | VM_DONTCOPY);
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

static int bigphys_fs_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, BIGPHYS_FS_MAGIC) ? 0 : -ENOMEM;
}

static struct file_system_type bigphys_fs_type = {
	.name			= "bigphys",
	.init_fs_context	= bigphys_fs_init_fs_context,
	.kill_sb		= kill_anon_super,
};

static int __init bigphys_dev_init(void)
{
	struct device *dev;
	int ret;

	if (bigphys_area(&bigphys_area_base, &bigphys_area_size))
		return 0;	/* booted without bigphysarea= */

	bigphys_mnt = kern_mount(&bigphys_fs_type);
	if (IS_ERR(bigphys_mnt))
		return PTR_ERR(bigphys_mnt);
	bigphys_inode = alloc_anon_inode(bigphys_mnt->mnt_sb);
	if (IS_ERR(bigphys_inode)) {
		ret = PTR_ERR(bigphys_inode);
		goto err_umount;
	}

	ret = misc_register(&bigphys_misc);
	if (ret)
		goto err_iput;
	/* The device does cache maintenance for SYNC through the DMA API. */
	dev = bigphys_dev();
	dev->dma_mask = &dev->coherent_dma_mask;
	ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64));
	if (ret)
		goto err_deregister;
	bigphys_dma_ok = !is_swiotlb_force_bounce(dev);
	if (!bigphys_dma_ok && !IS_ENABLED(CONFIG_X86))
		pr_info("DMA bounces: SYNC is a barrier only, no uncached or write-combining buffers\n");
	return 0;

err_deregister:
	misc_deregister(&bigphys_misc);
err_iput:
	iput(bigphys_inode);
err_umount:
	kern_unmount(bigphys_mnt);
	return ret;
}
device_initcall(bigphys_dev_init);
