// SPDX-License-Identifier: GPL-2.0
/* bpgrab: simulated V4L2 frame grabber capturing into the bigphysarea. */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <media/v4l2-ioctl.h>

#include "bpgrab.h"
#include "bpgrab-pattern.h"

static unsigned int fps = 30;
module_param(fps, uint, 0444);
MODULE_PARM_DESC(fps, "default frame rate (1-max_fps)");

/*
 * Like a real grabber, the engine has a fastest rate; v4l2-compliance and
 * other tools stream at the fastest rate a device offers.
 */
static unsigned int max_fps = 60;
module_param(max_fps, uint, 0444);
MODULE_PARM_DESC(max_fps, "fastest frame rate offered (1-1000, default 60)");

static const u32 bpgrab_formats[] = {
	V4L2_PIX_FMT_YUYV, V4L2_PIX_FMT_GREY, V4L2_PIX_FMT_RGB24,
};

/* Bring @f to the nearest format the engine produces. */
static void bpgrab_try_fmt(struct v4l2_pix_format *f)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bpgrab_formats); i++)
		if (f->pixelformat == bpgrab_formats[i])
			break;
	if (i == ARRAY_SIZE(bpgrab_formats))
		f->pixelformat = V4L2_PIX_FMT_YUYV;
	f->width = clamp_t(u32, f->width, BPGRAB_MIN_WIDTH, BPGRAB_MAX_WIDTH) & ~1U;
	f->height = clamp_t(u32, f->height, BPGRAB_MIN_HEIGHT, BPGRAB_MAX_HEIGHT);
	f->field = V4L2_FIELD_NONE;
	f->bytesperline = bpgrab_bytesperline(f->pixelformat, f->width);
	f->sizeimage = f->bytesperline * f->height;
	f->colorspace = V4L2_COLORSPACE_SRGB;
	f->xfer_func = V4L2_XFER_FUNC_DEFAULT;
	f->ycbcr_enc = V4L2_YCBCR_ENC_DEFAULT;
	f->quantization = V4L2_QUANTIZATION_DEFAULT;
	f->flags = 0;
	f->priv = 0;
}

static int bpgrab_querycap(struct file *file, void *priv,
			   struct v4l2_capability *cap)
{
	struct bpgrab_dev *g = video_drvdata(file);

	strscpy(cap->driver, KBUILD_MODNAME, sizeof(cap->driver));
	strscpy(cap->card, "bpgrab simulated frame grabber", sizeof(cap->card));
	snprintf(cap->bus_info, sizeof(cap->bus_info), "platform:%s",
		 dev_name(g->dev));
	return 0;
}

static int bpgrab_enum_fmt(struct file *file, void *priv,
			   struct v4l2_fmtdesc *f)
{
	if (f->index >= ARRAY_SIZE(bpgrab_formats))
		return -EINVAL;
	f->pixelformat = bpgrab_formats[f->index];
	return 0;
}

static int bpgrab_g_fmt(struct file *file, void *priv, struct v4l2_format *f)
{
	struct bpgrab_dev *g = video_drvdata(file);

	f->fmt.pix = g->fmt;
	return 0;
}

static int bpgrab_try_fmt_vid_cap(struct file *file, void *priv,
				  struct v4l2_format *f)
{
	bpgrab_try_fmt(&f->fmt.pix);
	return 0;
}

static int bpgrab_s_fmt(struct file *file, void *priv, struct v4l2_format *f)
{
	struct bpgrab_dev *g = video_drvdata(file);

	bpgrab_try_fmt(&f->fmt.pix);
	if (vb2_is_busy(&g->queue))
		return -EBUSY;	/* buffers are sized for the old format */
	g->fmt = f->fmt.pix;
	return 0;
}

static bool bpgrab_known_fmt(u32 pixelformat)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bpgrab_formats); i++)
		if (pixelformat == bpgrab_formats[i])
			return true;
	return false;
}

static int bpgrab_enum_framesizes(struct file *file, void *priv,
				  struct v4l2_frmsizeenum *fs)
{
	if (fs->index || !bpgrab_known_fmt(fs->pixel_format))
		return -EINVAL;
	fs->type = V4L2_FRMSIZE_TYPE_STEPWISE;
	fs->stepwise = (struct v4l2_frmsize_stepwise){
		.min_width = BPGRAB_MIN_WIDTH, .max_width = BPGRAB_MAX_WIDTH,
		.step_width = 2,
		.min_height = BPGRAB_MIN_HEIGHT, .max_height = BPGRAB_MAX_HEIGHT,
		.step_height = 1,
	};
	return 0;
}

static int bpgrab_enum_frameintervals(struct file *file, void *priv,
				      struct v4l2_frmivalenum *fi)
{
	struct bpgrab_dev *g = video_drvdata(file);
	struct v4l2_pix_format f = {
		.pixelformat = fi->pixel_format,
		.width = fi->width, .height = fi->height,
	};

	if (fi->index || !bpgrab_known_fmt(fi->pixel_format))
		return -EINVAL;
	bpgrab_try_fmt(&f);
	if (f.width != fi->width || f.height != fi->height)
		return -EINVAL;
	fi->type = V4L2_FRMIVAL_TYPE_CONTINUOUS;
	fi->stepwise.min = (struct v4l2_fract){ 1, g->max_fps };
	fi->stepwise.max = (struct v4l2_fract){ 1, 1 };
	fi->stepwise.step = (struct v4l2_fract){ 1, 1 };
	return 0;
}

static int bpgrab_g_parm(struct file *file, void *priv,
			 struct v4l2_streamparm *parm)
{
	struct bpgrab_dev *g = video_drvdata(file);

	if (parm->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
		return -EINVAL;
	parm->parm.capture.capability = V4L2_CAP_TIMEPERFRAME;
	parm->parm.capture.timeperframe = (struct v4l2_fract){ 1, READ_ONCE(g->fps) };
	parm->parm.capture.readbuffers = 0;
	return 0;
}

/* A running stream follows the new rate from its next frame slot on. */
static int bpgrab_s_parm(struct file *file, void *priv,
			 struct v4l2_streamparm *parm)
{
	struct bpgrab_dev *g = video_drvdata(file);
	struct v4l2_fract *tpf = &parm->parm.capture.timeperframe;

	if (parm->type != V4L2_BUF_TYPE_VIDEO_CAPTURE)
		return -EINVAL;
	if (tpf->numerator && tpf->denominator)
		WRITE_ONCE(g->fps,
			   clamp_t(u64, DIV_ROUND_CLOSEST_ULL((u64)tpf->denominator,
							      tpf->numerator),
				   1, g->max_fps));
	return bpgrab_g_parm(file, priv, parm);
}

static int bpgrab_enum_input(struct file *file, void *priv,
			     struct v4l2_input *inp)
{
	if (inp->index)
		return -EINVAL;
	inp->type = V4L2_INPUT_TYPE_CAMERA;
	strscpy(inp->name, "Test pattern", sizeof(inp->name));
	return 0;
}

static int bpgrab_g_input(struct file *file, void *priv, unsigned int *i)
{
	*i = 0;
	return 0;
}

static int bpgrab_s_input(struct file *file, void *priv, unsigned int i)
{
	return i ? -EINVAL : 0;
}

static int bpgrab_log_status(struct file *file, void *priv)
{
	struct bpgrab_dev *g = video_drvdata(file);

	spin_lock_irq(&g->qlock);
	v4l2_info(&g->v4l2_dev, "%s, %u frame slots, %llu dropped\n",
		  g->engine ? "streaming" : "stopped", g->sequence, g->dropped);
	spin_unlock_irq(&g->qlock);
	return 0;
}

/*
 * A buffer has one dma-buf, opened read-write, whatever EXPBUF asks for:
 * only a file that may write gets it.
 */
static int bpgrab_expbuf(struct file *file, void *priv,
			 struct v4l2_exportbuffer *eb)
{
	if (!(file->f_mode & FMODE_WRITE))
		return -EACCES;
	return vb2_ioctl_expbuf(file, priv, eb);
}

static const struct v4l2_ioctl_ops bpgrab_ioctl_ops = {
	.vidioc_querycap		= bpgrab_querycap,
	.vidioc_enum_fmt_vid_cap	= bpgrab_enum_fmt,
	.vidioc_g_fmt_vid_cap		= bpgrab_g_fmt,
	.vidioc_try_fmt_vid_cap		= bpgrab_try_fmt_vid_cap,
	.vidioc_s_fmt_vid_cap		= bpgrab_s_fmt,
	.vidioc_enum_framesizes		= bpgrab_enum_framesizes,
	.vidioc_enum_frameintervals	= bpgrab_enum_frameintervals,
	.vidioc_g_parm			= bpgrab_g_parm,
	.vidioc_s_parm			= bpgrab_s_parm,
	.vidioc_enum_input		= bpgrab_enum_input,
	.vidioc_g_input			= bpgrab_g_input,
	.vidioc_s_input			= bpgrab_s_input,
	.vidioc_log_status		= bpgrab_log_status,
	.vidioc_reqbufs			= vb2_ioctl_reqbufs,
	.vidioc_create_bufs		= vb2_ioctl_create_bufs,
	.vidioc_prepare_buf		= vb2_ioctl_prepare_buf,
	.vidioc_querybuf		= vb2_ioctl_querybuf,
	.vidioc_qbuf			= vb2_ioctl_qbuf,
	.vidioc_dqbuf			= vb2_ioctl_dqbuf,
	.vidioc_expbuf			= bpgrab_expbuf,
	.vidioc_streamon		= vb2_ioctl_streamon,
	.vidioc_streamoff		= vb2_ioctl_streamoff,
};

static const struct v4l2_file_operations bpgrab_fops = {
	.owner		= THIS_MODULE,
	.open		= v4l2_fh_open,
	.release	= vb2_fop_release,
	.poll		= vb2_fop_poll,
	.mmap		= vb2_fop_mmap,
	.unlocked_ioctl	= video_ioctl2,
};

/* The driver is unbound and the last file is closed. */
static void bpgrab_release(struct v4l2_device *v4l2_dev)
{
	struct bpgrab_dev *g = container_of(v4l2_dev, struct bpgrab_dev,
					    v4l2_dev);

	v4l2_device_unregister(&g->v4l2_dev);
	mutex_destroy(&g->lock);
	put_device(g->dev);
	kfree(g);
}

static int bpgrab_probe(struct platform_device *pdev)
{
	struct bpgrab_dev *g;
	int ret;

	/* Not devm: an open file keeps using @g after remove(). */
	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (!g)
		return -ENOMEM;
	g->dev = get_device(&pdev->dev);
	mutex_init(&g->lock);
	spin_lock_init(&g->qlock);
	INIT_LIST_HEAD(&g->queued);
	snprintf(g->name, sizeof(g->name), "bpgrab%d", pdev->id);
	g->max_fps = clamp(max_fps, 1U, (unsigned int)BPGRAB_MAX_FPS);
	g->fps = clamp(fps, 1U, g->max_fps);
	g->fmt = (struct v4l2_pix_format){
		.width = 640, .height = 480, .pixelformat = V4L2_PIX_FMT_YUYV,
	};
	bpgrab_try_fmt(&g->fmt);

	ret = dma_coerce_mask_and_coherent(g->dev, DMA_BIT_MASK(64));
	if (ret)
		goto err_free;
	platform_set_drvdata(pdev, g);
	ret = v4l2_device_register(g->dev, &g->v4l2_dev);
	if (ret)
		goto err_free;
	g->v4l2_dev.release = bpgrab_release;
	ret = bpgrab_vb2_init(g);
	if (ret)
		goto err_put;

	g->vdev = (struct video_device){
		.v4l2_dev = &g->v4l2_dev,
		.fops = &bpgrab_fops,
		.ioctl_ops = &bpgrab_ioctl_ops,
		.release = video_device_release_empty,
		.lock = &g->lock,
		.queue = &g->queue,
		.device_caps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING,
		.vfl_dir = VFL_DIR_RX,
	};
	strscpy(g->vdev.name, g->name, sizeof(g->vdev.name));
	video_set_drvdata(&g->vdev, g);
	ret = video_register_device(&g->vdev, VFL_TYPE_VIDEO, -1);
	if (ret)
		goto err_put;
	dev_info(g->dev, "simulated frame grabber at /dev/%s\n",
		 video_device_node_name(&g->vdev));
	return 0;

err_put:
	v4l2_device_put(&g->v4l2_dev);
	return ret;
err_free:
	mutex_destroy(&g->lock);
	put_device(g->dev);
	kfree(g);
	return ret;
}

/**
 * bpgrab_remove() - unbind the driver, also while the device is open
 * @pdev: the platform device
 *
 * Once video_unregister_device() returns, nothing can open the device
 * and every ioctl fails with -ENODEV; poll() reports EPOLLERR | EPOLLHUP.
 * Stop the DMA engine and wait for the frame in progress, and fail the
 * queue, which wakes a blocked DQBUF. The buffers go back to the area
 * when the file that holds them is closed (or, for mapped and exported
 * ones, when their last mapping and descriptor are gone); the last close
 * frees the state. Module unload cannot get here with the device open:
 * the file holds a reference to the module.
 */
static void bpgrab_remove(struct platform_device *pdev)
{
	struct bpgrab_dev *g = platform_get_drvdata(pdev);
	bool busy;

	video_unregister_device(&g->vdev);

	mutex_lock(&g->lock);
	busy = vb2_is_busy(&g->queue);
	bpgrab_dma_stop(g);
	vb2_queue_error(&g->queue);
	if (busy)
		dev_info(g->dev, "unbound while open: capture stopped\n");
	mutex_unlock(&g->lock);

	v4l2_device_disconnect(&g->v4l2_dev);
	v4l2_device_put(&g->v4l2_dev);
}

static struct platform_driver bpgrab_driver = {
	.probe	= bpgrab_probe,
	.remove	= bpgrab_remove,
	.driver	= {
		.name = "bpgrab",
	},
};

#define BPGRAB_MAX_DEVICES	4

static unsigned int devices = 1;
module_param(devices, uint, 0444);
MODULE_PARM_DESC(devices, "number of grabbers (1-4): a second one can export DMABUF buffers to the first");

static struct platform_device *bpgrab_pdevs[BPGRAB_MAX_DEVICES];

static void bpgrab_unregister_devices(void)
{
	unsigned int i;

	for (i = BPGRAB_MAX_DEVICES; i--; ) {
		platform_device_unregister(bpgrab_pdevs[i]);
		bpgrab_pdevs[i] = NULL;
	}
}

static int __init bpgrab_init(void)
{
	struct platform_device *pdev;
	unsigned int i;
	int ret;

	ret = platform_driver_register(&bpgrab_driver);
	if (ret)
		return ret;
	/* No real hardware: create the simulated devices ourselves. */
	for (i = 0; i < clamp(devices, 1U, (unsigned int)BPGRAB_MAX_DEVICES); i++) {
		pdev = platform_device_register_simple("bpgrab", i, NULL, 0);
		if (IS_ERR(pdev)) {
			bpgrab_unregister_devices();
			platform_driver_unregister(&bpgrab_driver);
			return PTR_ERR(pdev);
		}
		bpgrab_pdevs[i] = pdev;
	}
	return 0;
}
module_init(bpgrab_init);

static void __exit bpgrab_exit(void)
{
	bpgrab_unregister_devices();
	platform_driver_unregister(&bpgrab_driver);
}
module_exit(bpgrab_exit);

MODULE_DESCRIPTION("Simulated V4L2 frame grabber capturing into the bigphysarea");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
