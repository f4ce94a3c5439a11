// SPDX-License-Identifier: GPL-2.0
/* bigphysarea: debugfs view of the live allocations. */

#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/seq_file.h>

#include "bigphysarea.h"

/* One line per allocation: physical range, size and owner, by address. */
static int bigphys_allocations_show(struct seq_file *m, void *v)
{
	struct bigphys_pool *pool = m->private;
	struct bigphys_alloc *ba;
	struct rb_node *node;
	unsigned long flags;
	phys_addr_t start;

	spin_lock_irqsave(&pool->lock, flags);
	for (node = rb_first(&pool->allocs); node; node = rb_next(node)) {
		ba = rb_entry(node, struct bigphys_alloc, node);
		start = pool->pbase + (ba->addr - pool->vbase);
		seq_printf(m, "%pa-%#llx %10zu kB %s\n", &start,
			   (u64)start + ba->size - 1, ba->size >> 10, ba->owner);
	}
	spin_unlock_irqrestore(&pool->lock, flags);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(bigphys_allocations);

static int bigphys_bad_frees_get(void *data, u64 *val)
{
	struct bigphys_pool *pool = data;

	*val = READ_ONCE(pool->bad_frees);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(bigphys_bad_frees_fops, bigphys_bad_frees_get, NULL,
			 "%llu\n");

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
	return 0;
}
late_initcall(bigphys_debugfs_init);
