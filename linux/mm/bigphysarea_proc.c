// SPDX-License-Identifier: GPL-2.0
/* bigphysarea: /proc/bigphysarea, in the format of the classic patch. */

#include <linux/bigphysarea.h>
#include <linux/init.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

/* /proc/bigphysarea, in the format of the classic patch. */
static int bigphys_proc_show(struct seq_file *m, void *v)
{
	struct bigphys_stats st;

	if (bigphys_get_stats(&st)) {
		seq_puts(m, "No big physical area allocated!\n");
		return 0;
	}
	seq_printf(m, "Big physical area, size %zu kB\n", st.size >> 10);
	seq_puts(m, "                       free list:             used list:\n");
	seq_printf(m, "number of blocks:      %8lu               %8lu\n",
		   st.nr_free_blocks, st.nr_allocs);
	seq_printf(m, "size of largest block: %8zu kB            %8zu kB\n",
		   st.largest_free >> 10, st.largest_used >> 10);
	seq_printf(m, "total:                 %8zu kB            %8zu kB\n",
		   st.free >> 10, (st.size - st.free) >> 10);
	/* Freed, but pinned or in a pipe: counted as used until released. */
	seq_printf(m, "held (still referenced): %8zu kB in %lu blocks\n",
		   st.held >> 10, st.nr_held);
	return 0;
}

static int __init bigphysarea_proc_init(void)
{
	proc_create_single("bigphysarea", 0444, NULL, bigphys_proc_show);
	return 0;
}
fs_initcall(bigphysarea_proc_init);
