// SPDX-License-Identifier: GPL-2.0
/* bigphysarea: debugfs view of the live allocations. */

#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/seq_file.h>

#include "bigphysarea_pool.h"

/*
 * One line per allocation: physical range, size, owner and whether it is
 * held by page references, by address. Each record is copied out under
 * the pool lock on its own, so a long listing never holds the lock.
 */
struct bigphys_dbg_iter {
	struct bigphys_pool *pool;
	phys_addr_t cursor;
	struct bigphys_alloc_info info;
};

static void *bigphys_dbg_fetch(struct bigphys_dbg_iter *it)
{
	return bigphys_pool_next(it->pool, it->cursor, &it->info) ? it : NULL;
}

static void *bigphys_dbg_start(struct seq_file *m, loff_t *pos)
{
	struct bigphys_dbg_iter *it = m->private;

	if (!*pos) {
		/* Freed memory shows up free or held, not still allocated. */
		bigphys_pool_settle(it->pool);
		it->cursor = 0;
	}
	return bigphys_dbg_fetch(it);
}

static void *bigphys_dbg_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct bigphys_dbg_iter *it = v;

	++*pos;
	it->cursor = it->info.phys + it->info.size;
	return bigphys_dbg_fetch(it);
}

static void bigphys_dbg_stop(struct seq_file *m, void *v)
{
}

static int bigphys_dbg_show(struct seq_file *m, void *v)
{
	struct bigphys_dbg_iter *it = v;

	seq_printf(m, "%pa-%#llx %10zu kB %s%s\n", &it->info.phys,
		   (u64)it->info.phys + it->info.size - 1, it->info.size >> 10,
		   it->info.owner, it->info.held ? " (held: pages still referenced)" : "");
	return 0;
}

static const struct seq_operations bigphys_allocations_sops = {
	.start	= bigphys_dbg_start,
	.next	= bigphys_dbg_next,
	.stop	= bigphys_dbg_stop,
	.show	= bigphys_dbg_show,
};

static int bigphys_allocations_open(struct inode *inode, struct file *file)
{
	struct bigphys_dbg_iter *it;

	it = __seq_open_private(file, &bigphys_allocations_sops, sizeof(*it));
	if (!it)
		return -ENOMEM;
	it->pool = inode->i_private;
	return 0;
}

static const struct file_operations bigphys_allocations_fops = {
	.owner		= THIS_MODULE,
	.open		= bigphys_allocations_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= seq_release_private,
};

static int bigphys_bad_frees_get(void *data, u64 *val)
{
	struct bigphys_pool *pool = data;

	*val = READ_ONCE(pool->bad_frees);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(bigphys_bad_frees_fops, bigphys_bad_frees_get, NULL,
			 "%llu\n");

/*
 * Background scrubbing: whether it is on, free memory not known to be
 * zero, memory being zeroed right now, how much was zeroed so far, the
 * writable whole-area mappings (nothing is known to be zero while there
 * is one), and freed memory whose pages are not checked for references
 * yet.
 */
static int bigphys_scrub_show(struct seq_file *m, void *v)
{
	struct bigphys_pool *pool = m->private;

	seq_printf(m, "scrub %d\ndirty_kB %lu\nbusy_kB %lu\nscrubbed_kB %lu\n",
		   READ_ONCE(pool->scrub),
		   READ_ONCE(pool->dirty_pages) << (PAGE_SHIFT - 10),
		   READ_ONCE(pool->scrub_busy) << (PAGE_SHIFT - 10),
		   READ_ONCE(pool->scrubbed_pages) << (PAGE_SHIFT - 10));
	seq_printf(m, "writers %lu\npending_kB %zu\n", READ_ONCE(pool->writers),
		   READ_ONCE(pool->pending_bytes) >> 10);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(bigphys_scrub);

/* Create /sys/kernel/debug/bigphysarea/ once debugfs is up. */
static int __init bigphys_debugfs_init(void)
{
	struct bigphys_pool *pool = bigphys_boot_pool();
	struct dentry *dir;

	if (!pool)
		return 0;
	dir = debugfs_create_dir("bigphysarea", NULL);
	debugfs_create_file("allocations", 0400, dir, pool,
			    &bigphys_allocations_fops);
	debugfs_create_file_unsafe("bad_frees", 0400, dir, pool,
				   &bigphys_bad_frees_fops);
	debugfs_create_file("scrub", 0400, dir, pool, &bigphys_scrub_fops);
	return 0;
}
late_initcall(bigphys_debugfs_init);
