// SPDX-License-Identifier: GPL-2.0
/* bpgrab: simulated frame grabber capturing into the bigphysarea. */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-direct.h>
#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "bpgrab.h"
#include "bpgrab-pattern.h"

static unsigned int fps = 30;
module_param(fps, uint, 0644);
MODULE_PARM_DESC(fps, "default frame rate (1-1000)");

static bool bpgrab_zeroed(const u32 *r, size_t n)
{
	return !memchr_inv(r, 0, n * sizeof(*r));
}

/* Validate @f and fill in its output fields. */
static int bpgrab_try_fmt(struct bpgrab_format *f, u32 cur_fps)
{
	if (!bpgrab_zeroed(f->reserved, ARRAY_SIZE(f->reserved)))
		return -EINVAL;
	if (f->width < BPGRAB_MIN_WIDTH || f->width > BPGRAB_MAX_WIDTH ||
	    f->width & 1 || f->height < BPGRAB_MIN_HEIGHT ||
	    f->height > BPGRAB_MAX_HEIGHT || f->fps > BPGRAB_MAX_FPS)
		return -EINVAL;
	f->bytesperline = bpgrab_bytesperline(f->pixelformat, f->width);
	if (!f->bytesperline)
		return -EINVAL;
	f->sizeimage = f->bytesperline * f->height;
	if (!f->fps)
		f->fps = cur_fps;
	return 0;
}

static void bpgrab_default_fmt(struct bpgrab_dev *g)
{
	g->fmt = (struct bpgrab_format){
		.width = 640, .height = 480, .pixelformat = BPGRAB_PIX_YUYV,
		.fps = clamp(fps, 1U, (unsigned int)BPGRAB_MAX_FPS),
	};
	bpgrab_try_fmt(&g->fmt, g->fmt.fps);
}

/* Free the frame buffers; the engine must be stopped. */
static void bpgrab_free_bufs(struct bpgrab_dev *g)
{
	spin_lock_irq(&g->qlock);
	INIT_LIST_HEAD(&g->queued);
	INIT_LIST_HEAD(&g->done);
	spin_unlock_irq(&g->qlock);
	while (g->nbufs)
		bigphys_free(&g->bufs[--g->nbufs].mem);
}

/* Stop streaming and give every buffer back to the application. */
static void bpgrab_streamoff(struct bpgrab_dev *g)
{
	unsigned int i;

	bpgrab_dma_stop(g);
	spin_lock_irq(&g->qlock);
	g->streaming = false;
	INIT_LIST_HEAD(&g->queued);
	INIT_LIST_HEAD(&g->done);
	for (i = 0; i < g->nbufs; i++)
		g->bufs[i].owner = BPGRAB_APP;
	spin_unlock_irq(&g->qlock);
	wake_up_interruptible(&g->wq);
}

/* The last reference is gone: no file has the device open, it is unbound. */
static void bpgrab_dev_release(struct kref *ref)
{
	struct bpgrab_dev *g = container_of(ref, struct bpgrab_dev, ref);

	mutex_destroy(&g->lock);
	put_device(g->dev);
	kfree(g);
}

/*
 * misc_open() holds misc_mtx across this call and remove() deregisters the
 * misc device before it drops the driver's reference, so @g is alive here.
 */
static int bpgrab_open(struct inode *inode, struct file *file)
{
	struct bpgrab_dev *g = container_of(file->private_data,
					    struct bpgrab_dev, misc);
	int ret = 0;

	mutex_lock(&g->lock);
	if (g->is_open) {
		ret = -EBUSY;
	} else {
		g->is_open = true;
		bpgrab_default_fmt(g);
		memset(&g->stats, 0, sizeof(g->stats));
		kref_get(&g->ref);
		file->private_data = g;
	}
	mutex_unlock(&g->lock);
	return ret;
}

/* After remove() the engine is stopped and the buffers are freed already. */
static int bpgrab_release(struct inode *inode, struct file *file)
{
	struct bpgrab_dev *g = file->private_data;

	mutex_lock(&g->lock);
	bpgrab_streamoff(g);
	bpgrab_free_bufs(g);
	g->is_open = false;
	mutex_unlock(&g->lock);
	kref_put(&g->ref, bpgrab_dev_release);
	return 0;
}

static long bpgrab_s_fmt(struct bpgrab_dev *g, void __user *arg)
{
	struct bpgrab_format f;
	int ret;

	if (copy_from_user(&f, arg, sizeof(f)))
		return -EFAULT;
	ret = bpgrab_try_fmt(&f, g->fmt.fps);
	if (ret)
		return ret;
	if (g->nbufs)
		return -EBUSY;	/* buffers are sized for the old format */
	g->fmt = f;
	return copy_to_user(arg, &f, sizeof(f)) ? -EFAULT : 0;
}

static long bpgrab_reqbufs(struct bpgrab_dev *g, void __user *arg)
{
	struct bpgrab_reqbufs *rb;
	struct bigphys_stats st;
	struct bpgrab_buf *b;
	unsigned int i;
	int ret;

	if (g->streaming)
		return -EBUSY;
	rb = memdup_user(arg, sizeof(*rb));
	if (IS_ERR(rb))
		return PTR_ERR(rb);
	ret = -EINVAL;
	if (rb->reserved || rb->count == 1 || rb->count > BPGRAB_MAX_BUFFERS)
		goto out;
	bpgrab_free_bufs(g);
	ret = 0;
	if (!rb->count)
		goto out;

	ret = bigphys_get_stats(&st);
	if (ret) {
		dev_info(g->dev, "no bigphysarea: boot with bigphysarea=\n");
		goto out;
	}
	memset(rb->buffers, 0, sizeof(rb->buffers));
	for (i = 0; i < rb->count; i++) {
		b = &g->bufs[i];
		ret = bigphys_alloc(g->fmt.sizeimage, SZ_64K, GFP_KERNEL,
				    g->name, &b->mem);
		if (ret) {
			dev_info(g->dev, "cannot allocate buffer %u of %u (%u bytes) from the bigphysarea: %d\n",
				 i + 1, rb->count, g->fmt.sizeimage, ret);
			goto out_free;
		}
		g->nbufs++;
		b->dma = bigphys_dma_addr(g->dev, &b->mem);
		if (b->dma + b->mem.size - 1 > dma_get_mask(g->dev)) {
			dev_info(g->dev, "buffer beyond the device's DMA mask\n");
			ret = -EIO;
			goto out_free;
		}
		b->owner = BPGRAB_APP;
		rb->buffers[i].area_offset = b->mem.phys - st.base;
		rb->buffers[i].size = b->mem.size;
	}
	if (copy_to_user(arg, rb, sizeof(*rb)))
		ret = -EFAULT;
	else
		goto out;
out_free:
	bpgrab_free_bufs(g);
out:
	kfree(rb);
	return ret;
}

static long bpgrab_qbuf(struct bpgrab_dev *g, void __user *arg)
{
	struct bpgrab_buffer u;
	struct bpgrab_buf *b;
	int ret = 0;

	if (copy_from_user(&u, arg, sizeof(u)))
		return -EFAULT;
	if (!bpgrab_zeroed(u.reserved, ARRAY_SIZE(u.reserved)) ||
	    u.index >= g->nbufs)
		return -EINVAL;
	b = &g->bufs[u.index];
	spin_lock_irq(&g->qlock);
	if (b->owner != BPGRAB_APP) {
		ret = -EINVAL;	/* already queued or holding a frame */
	} else {
		b->owner = BPGRAB_QUEUED;
		list_add_tail(&b->list, &g->queued);
	}
	spin_unlock_irq(&g->qlock);
	return ret;
}

/*
 * Take the oldest filled buffer: 0, -EAGAIN if none yet, -EPIPE if stopped,
 * -ENODEV once the device is unbound.
 */
static int bpgrab_try_dqbuf(struct bpgrab_dev *g, struct bpgrab_buffer *out)
{
	struct bpgrab_buf *b;
	int ret = -EAGAIN;

	spin_lock_irq(&g->qlock);
	b = list_first_entry_or_null(&g->done, struct bpgrab_buf, list);
	if (g->dead) {
		ret = -ENODEV;
	} else if (b) {
		list_del(&b->list);
		b->owner = BPGRAB_APP;
		*out = b->result;
		out->index = b - g->bufs;
		ret = 0;
	} else if (!g->streaming) {
		ret = -EPIPE;
	}
	spin_unlock_irq(&g->qlock);
	return ret;
}

static bool bpgrab_dq_ready(struct bpgrab_dev *g)
{
	bool ready;

	spin_lock_irq(&g->qlock);
	ready = !list_empty(&g->done) || !g->streaming || g->dead;
	spin_unlock_irq(&g->qlock);
	return ready;
}

/* Called without g->lock: a blocked DQBUF must not hold off STREAMOFF. */
static long bpgrab_dqbuf(struct bpgrab_dev *g, struct file *file,
			 void __user *arg)
{
	struct bpgrab_buffer out;
	int ret;

	for (;;) {
		ret = bpgrab_try_dqbuf(g, &out);
		if (ret != -EAGAIN || file->f_flags & O_NONBLOCK)
			break;
		ret = wait_event_interruptible(g->wq, bpgrab_dq_ready(g));
		if (ret)
			return ret;
	}
	if (ret)
		return ret;
	return copy_to_user(arg, &out, sizeof(out)) ? -EFAULT : 0;
}

static long bpgrab_streamon(struct bpgrab_dev *g)
{
	int ret;

	if (g->streaming)
		return -EBUSY;
	if (!g->nbufs)
		return -EINVAL;
	spin_lock_irq(&g->qlock);
	g->streaming = true;
	g->sequence = 0;
	spin_unlock_irq(&g->qlock);
	ret = bpgrab_dma_start(g);
	if (ret)
		bpgrab_streamoff(g);
	return ret;
}

static long bpgrab_g_stats(struct bpgrab_dev *g, void __user *arg)
{
	struct bpgrab_stats st;
	struct list_head *pos;

	spin_lock_irq(&g->qlock);
	st = g->stats;
	st.streaming = g->streaming;
	list_for_each(pos, &g->queued)
		st.queued++;
	list_for_each(pos, &g->done)
		st.done++;
	spin_unlock_irq(&g->qlock);
	return copy_to_user(arg, &st, sizeof(st)) ? -EFAULT : 0;
}

static long bpgrab_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	struct bpgrab_dev *g = file->private_data;
	void __user *uarg = (void __user *)arg;
	long ret;

	if (cmd == BPGRAB_IOC_DQBUF)
		return bpgrab_dqbuf(g, file, uarg);

	mutex_lock(&g->lock);
	if (g->dead) {
		ret = -ENODEV;
		goto out_unlock;
	}
	switch (cmd) {
	case BPGRAB_IOC_S_FMT:
		ret = bpgrab_s_fmt(g, uarg);
		break;
	case BPGRAB_IOC_G_FMT:
		ret = copy_to_user(uarg, &g->fmt, sizeof(g->fmt)) ? -EFAULT : 0;
		break;
	case BPGRAB_IOC_REQBUFS:
		ret = bpgrab_reqbufs(g, uarg);
		break;
	case BPGRAB_IOC_QBUF:
		ret = bpgrab_qbuf(g, uarg);
		break;
	case BPGRAB_IOC_STREAMON:
		ret = bpgrab_streamon(g);
		break;
	case BPGRAB_IOC_STREAMOFF:
		bpgrab_streamoff(g);
		ret = 0;
		break;
	case BPGRAB_IOC_G_STATS:
		ret = bpgrab_g_stats(g, uarg);
		break;
	default:
		ret = -ENOTTY;
	}
out_unlock:
	mutex_unlock(&g->lock);
	return ret;
}

static __poll_t bpgrab_poll(struct file *file, poll_table *wait)
{
	struct bpgrab_dev *g = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &g->wq, wait);
	spin_lock_irq(&g->qlock);
	if (g->dead)
		mask |= EPOLLERR | EPOLLHUP;
	else if (!list_empty(&g->done))
		mask |= EPOLLIN | EPOLLRDNORM;
	else if (!g->streaming)
		mask |= EPOLLERR;
	spin_unlock_irq(&g->qlock);
	return mask;
}

static const struct file_operations bpgrab_fops = {
	.owner		= THIS_MODULE,
	.open		= bpgrab_open,
	.release	= bpgrab_release,
	.unlocked_ioctl	= bpgrab_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.poll		= bpgrab_poll,
	.llseek		= noop_llseek,
};

static int bpgrab_probe(struct platform_device *pdev)
{
	struct bpgrab_dev *g;
	int ret;

	/* Not devm: an open file keeps using @g after remove(). */
	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (!g)
		return -ENOMEM;
	kref_init(&g->ref);
	g->dev = get_device(&pdev->dev);
	mutex_init(&g->lock);
	spin_lock_init(&g->qlock);
	init_waitqueue_head(&g->wq);
	INIT_LIST_HEAD(&g->queued);
	INIT_LIST_HEAD(&g->done);
	snprintf(g->name, sizeof(g->name), "bpgrab%d", pdev->id);

	ret = dma_coerce_mask_and_coherent(g->dev, DMA_BIT_MASK(64));
	if (ret)
		goto err_put;

	g->misc.minor = MISC_DYNAMIC_MINOR;
	g->misc.name = g->name;
	g->misc.fops = &bpgrab_fops;
	g->misc.parent = g->dev;
	g->misc.mode = 0600;
	platform_set_drvdata(pdev, g);
	ret = misc_register(&g->misc);
	if (ret)
		goto err_put;
	dev_info(g->dev, "simulated frame grabber at /dev/%s\n", g->name);
	return 0;

err_put:
	kref_put(&g->ref, bpgrab_dev_release);
	return ret;
}

/**
 * bpgrab_remove() - unbind the driver, also while the device is open
 * @pdev: the platform device
 *
 * Once misc_deregister() returns, nothing can open the device any more.
 * A file that has it open keeps its reference to the state: stop the DMA
 * engine and wait for the frame in progress, give the buffers back to the
 * bigphysarea and wake every DQBUF and poll() waiter. From then on every
 * operation on that file fails with -ENODEV, and its close frees the state.
 * Module unload cannot get here with the device open: the file holds a
 * reference to the module.
 */
static void bpgrab_remove(struct platform_device *pdev)
{
	struct bpgrab_dev *g = platform_get_drvdata(pdev);

	misc_deregister(&g->misc);

	mutex_lock(&g->lock);
	/* Before the wakeup in bpgrab_streamoff(): waiters see -ENODEV. */
	spin_lock_irq(&g->qlock);
	g->dead = true;
	spin_unlock_irq(&g->qlock);
	bpgrab_streamoff(g);
	bpgrab_free_bufs(g);
	if (g->is_open)
		dev_info(g->dev, "unbound while open: capture stopped, buffers freed\n");
	mutex_unlock(&g->lock);

	kref_put(&g->ref, bpgrab_dev_release);
}

static struct platform_driver bpgrab_driver = {
	.probe	= bpgrab_probe,
	.remove	= bpgrab_remove,
	.driver	= {
		.name = "bpgrab",
	},
};

static struct platform_device *bpgrab_pdev;

static int __init bpgrab_init(void)
{
	int ret;

	ret = platform_driver_register(&bpgrab_driver);
	if (ret)
		return ret;
	/* No real hardware: create the simulated device ourselves. */
	bpgrab_pdev = platform_device_register_simple("bpgrab", 0, NULL, 0);
	if (IS_ERR(bpgrab_pdev)) {
		platform_driver_unregister(&bpgrab_driver);
		return PTR_ERR(bpgrab_pdev);
	}
	return 0;
}
module_init(bpgrab_init);

static void __exit bpgrab_exit(void)
{
	platform_device_unregister(bpgrab_pdev);
	platform_driver_unregister(&bpgrab_driver);
}
module_exit(bpgrab_exit);

MODULE_DESCRIPTION("Simulated frame grabber capturing into the bigphysarea");
MODULE_LICENSE("GPL");
