// SPDX-License-Identifier: GPL-2.0
/* /dev/bigphys: hand out buffers of the boot-time contiguous area to userspace. */

#define pr_fmt(fmt) "bigphys: " fmt

#include <linux/bigphysarea.h>
#include <linux/capability.h>
#include <linux/dma-buf.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/log2.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include <uapi/linux/bigphys.h>

/*
 * A buffer's mmap offset is its id shifted by this many bits. Ids stay
 * small enough that the page offset fits 32 bits, so that a 32-bit
 * process (mmap2) can map every buffer.
 */
#define BIGPHYS_OFFSET_SHIFT	32
#define BIGPHYS_ID_PGSHIFT	(BIGPHYS_OFFSET_SHIFT - PAGE_SHIFT)
/* mmap2 counts 4096-byte units on every architecture with a compat ABI. */
#define BIGPHYS_MAX_ID		((1U << (32 - (BIGPHYS_OFFSET_SHIFT - 12))) - 1)

/**
 * struct bigphys_file - per open file state
 * @lock: protects @bufs; never held across copy_*_user() or allocation
 * @bufs: the file's buffers by id, each holding a reference to the
 *	buffer's dma-buf; a reserved (NULL) slot is an ALLOC in progress,
 *	invisible to FREE, SYNC, EXPORT and mmap
 * @uncached: opened with O_SYNC: buffers default to uncached
 *
 * A buffer is an area dma-buf (bigphys_dmabuf_alloc()): the id, every
 * exported dma-buf descriptor and every mapping hold it, and its memory
 * goes back to the area when the last of them is gone.
 */
struct bigphys_file {
	struct mutex lock;	/* see the kernel-doc above */
	struct xarray bufs;
	bool uncached;
};

static size_t bigphys_area_size;

/* Look up a published buffer and take a reference, or NULL. */
static struct dma_buf *bigphys_buf_get(struct bigphys_file *bf,
				       unsigned long id)
{
	struct dma_buf *dmabuf;

	mutex_lock(&bf->lock);
	dmabuf = xa_load(&bf->bufs, id);
	if (dmabuf)
		get_dma_buf(dmabuf);
	mutex_unlock(&bf->lock);
	return dmabuf;
}

static int bigphys_open(struct inode *inode, struct file *file)
{
	struct bigphys_file *bf;
	int ret;

	if ((file->f_flags & O_SYNC) && !bigphys_cache_supported())
		return -EOPNOTSUPP;
	ret = bigphys_area_open(file);
	if (ret)
		return ret;
	bf = kzalloc(sizeof(*bf), GFP_KERNEL);
	if (!bf)
		return -ENOMEM;
	mutex_init(&bf->lock);
	xa_init_flags(&bf->bufs, XA_FLAGS_ALLOC1);
	bf->uncached = file->f_flags & O_SYNC;
	file->private_data = bf;
	return 0;
}

static int bigphys_release(struct inode *inode, struct file *file)
{
	struct bigphys_file *bf = file->private_data;
	struct dma_buf *dmabuf;
	unsigned long id;

	/* The last file reference: no ioctl or mmap() can run any more. */
	xa_for_each(&bf->bufs, id, dmabuf)
		dma_buf_put(dmabuf);
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
	if (req->flags && !bigphys_cache_supported())
		return -EOPNOTSUPP;
	return 0;
}

static enum bigphys_cache bigphys_cache_mode(struct bigphys_file *bf, u32 flags)
{
	if (flags & BIGPHYS_ALLOC_WRITECOMBINE)
		return BIGPHYS_WRITECOMBINE;
	if (flags & BIGPHYS_ALLOC_UNCACHED || bf->uncached)
		return BIGPHYS_UNCACHED;
	return BIGPHYS_CACHED;
}

static const u32 bigphys_alloc_flags[] = {
	[BIGPHYS_CACHED]	= 0,
	[BIGPHYS_UNCACHED]	= BIGPHYS_ALLOC_UNCACHED,
	[BIGPHYS_WRITECOMBINE]	= BIGPHYS_ALLOC_WRITECOMBINE,
};

/* Drop an id reserved by ALLOC that was never published. */
static void bigphys_release_id(struct bigphys_file *bf, u32 id)
{
	mutex_lock(&bf->lock);
	xa_release(&bf->bufs, id);
	mutex_unlock(&bf->lock);
}

/*
 * ALLOC reserves an id (first: a file out of ids costs nothing), fills
 * the reply from the buffer it still owns alone, copies it out and only
 * then publishes the buffer. Until then FREE, SYNC, EXPORT and mmap() of
 * the id see nothing, and a failed copy undoes exactly what this call did.
 */
static long bigphys_ioc_alloc(struct bigphys_file *bf, void __user *arg)
{
	char owner[TASK_COMM_LEN];
	struct bigphys_alloc_req req;
	const struct bigphys_buf *buf;
	struct dma_buf *dmabuf;
	u32 id;
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

	get_task_comm(owner, current);
	dmabuf = bigphys_dmabuf_alloc(req.size, req.align,
				      bigphys_cache_mode(bf, req.flags),
				      O_RDWR, owner);
	if (IS_ERR(dmabuf)) {
		bigphys_release_id(bf, id);
		return PTR_ERR(dmabuf);
	}

	buf = bigphys_dmabuf_buf(dmabuf);
	req.size = buf->size;
	req.flags = bigphys_alloc_flags[bigphys_dmabuf_cache(dmabuf)];
	req.id = id;
	req.offset = (u64)id << BIGPHYS_OFFSET_SHIFT;
	req.phys = capable(CAP_SYS_ADMIN) ? buf->phys : 0;
	if (copy_to_user(arg, &req, sizeof(req))) {
		bigphys_release_id(bf, id);
		dma_buf_put(dmabuf);
		return -EFAULT;
	}

	mutex_lock(&bf->lock);
	xa_store(&bf->bufs, id, dmabuf, GFP_KERNEL);	/* reserved: cannot fail */
	mutex_unlock(&bf->lock);
	return 0;
}

static long bigphys_ioc_free(struct bigphys_file *bf, void __user *arg)
{
	struct bigphys_free_req req;
	struct dma_buf *dmabuf = NULL;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.reserved)
		return -EINVAL;
	mutex_lock(&bf->lock);
	/* xa_erase() would also drop a reservation: look first. */
	if (req.id && xa_load(&bf->bufs, req.id))
		dmabuf = xa_erase(&bf->bufs, req.id);
	mutex_unlock(&bf->lock);
	if (!dmabuf)
		return -ENOENT;
	/* Mappings and exported descriptors keep their own references. */
	dma_buf_put(dmabuf);
	return 0;
}

static const enum dma_data_direction bigphys_sync_dir[] = {
	[BIGPHYS_SYNC_TO_DEVICE]	= DMA_TO_DEVICE,
	[BIGPHYS_SYNC_FROM_DEVICE]	= DMA_FROM_DEVICE,
	[BIGPHYS_SYNC_BIDIRECTIONAL]	= DMA_BIDIRECTIONAL,
};

static long bigphys_ioc_sync(struct bigphys_file *bf, void __user *arg)
{
	struct bigphys_sync_req req;
	struct dma_buf *dmabuf;
	int ret;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.reserved || !req.direction ||
	    req.direction > BIGPHYS_SYNC_BIDIRECTIONAL || !req.length)
		return -EINVAL;

	dmabuf = bigphys_buf_get(bf, req.id);
	if (!dmabuf)
		return -ENOENT;
	if (req.offset >= dmabuf->size || req.length > dmabuf->size - req.offset)
		ret = -EINVAL;
	else
		ret = bigphys_dmabuf_sync(dmabuf, req.offset, req.length,
					  bigphys_sync_dir[req.direction]);
	dma_buf_put(dmabuf);
	return ret;
}

/*
 * EXPORT gives a new descriptor of the buffer's dma-buf. The dma-buf is
 * read-write, so only a file open for writing may export. The descriptor
 * is installed only after the reply is out, so that a failed copy leaves
 * nothing behind in the caller's file table.
 */
static long bigphys_ioc_export(struct file *file, void __user *arg)
{
	struct bigphys_file *bf = file->private_data;
	struct bigphys_export_req req;
	struct dma_buf *dmabuf;
	int fd;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.reserved || req.flags & ~(O_CLOEXEC | O_RDWR))
		return -EINVAL;
	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;

	dmabuf = bigphys_buf_get(bf, req.id);
	if (!dmabuf)
		return -ENOENT;
	fd = get_unused_fd_flags(req.flags & O_CLOEXEC);
	if (fd < 0) {
		dma_buf_put(dmabuf);
		return fd;
	}
	req.fd = fd;
	if (copy_to_user(arg, &req, sizeof(req))) {
		put_unused_fd(fd);
		dma_buf_put(dmabuf);
		return -EFAULT;
	}
	fd_install(fd, dmabuf->file);	/* takes the reference from the lookup */
	return 0;
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
	case BIGPHYS_IOC_EXPORT:
		return bigphys_ioc_export(file, uarg);
	default:
		return -ENOTTY;
	}
}

/* The whole area is /dev/mem for its range: the same rules apply. */
static int bigphys_mmap_area(struct vm_area_struct *vma)
{
	int ret;

	if (!capable(CAP_SYS_RAWIO))
		return -EPERM;
	ret = security_locked_down(LOCKDOWN_DEV_MEM);
	if (ret)
		return ret;
	return bigphys_area_mmap(vma);
}

/*
 * A buffer's mapping is its dma-buf's (dma_buf_mmap() makes the dma-buf
 * the mapping's file): one mapping implementation for both doors, and
 * the mapping holds the buffer after FREE or close.
 */
static int bigphys_mmap_buf(struct bigphys_file *bf, struct vm_area_struct *vma)
{
	unsigned long id = vma->vm_pgoff >> BIGPHYS_ID_PGSHIFT;
	struct dma_buf *dmabuf;
	int ret;

	if (vma->vm_pgoff & ((1UL << BIGPHYS_ID_PGSHIFT) - 1))
		return -EINVAL;
	dmabuf = bigphys_buf_get(bf, id);
	if (!dmabuf)
		return -EINVAL;
	ret = dma_buf_mmap(dmabuf, vma, 0);
	dma_buf_put(dmabuf);
	if (!ret)
		vm_flags_set(vma, VM_DONTCOPY);	/* as documented: not inherited */
	return ret;
}

static int bigphys_mmap(struct file *file, struct vm_area_struct *vma)
{
	/* MAP_SHARED only, read-only or not. */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (vma->vm_pgoff)
		return bigphys_mmap_buf(file->private_data, vma);
	return bigphys_mmap_area(vma);
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
	phys_addr_t base;

	if (bigphys_area(&base, &bigphys_area_size))
		return 0;	/* booted without bigphysarea= */
	return misc_register(&bigphys_misc);
}
device_initcall(bigphys_dev_init);
