/* SPDX-License-Identifier: GPL-2.0 */
/* The tools' way to find the upstream CMA heap beside the bigphys heap. */
#ifndef BIGPHYS_TOOLS_CMA_HEAP_H
#define BIGPHYS_TOOLS_CMA_HEAP_H

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

/*
 * Open the upstream CMA heap: any heap in /dev/dma_heap but ours and
 * "system" (its name is the CMA area's). Its name goes to @name unless
 * that is NULL. Returns the descriptor or -1.
 */
static inline int cma_heap_open(char *name, size_t len)
{
	DIR *d = opendir("/dev/dma_heap");
	struct dirent *e;
	int fd = -1;

	while (d && (e = readdir(d))) {
		char path[300];

		if (e->d_name[0] == '.' || !strcmp(e->d_name, "bigphys") ||
		    !strcmp(e->d_name, "system"))
			continue;
		snprintf(path, sizeof(path), "/dev/dma_heap/%s", e->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (name)
			snprintf(name, len, "%s", e->d_name);
		break;
	}
	if (d)
		closedir(d);
	return fd;
}

#endif
