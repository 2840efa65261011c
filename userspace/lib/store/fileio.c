// SPDX-License-Identifier: GPL-2.0
/* Writes that finish (fileio.h). */
#include <errno.h>
#include <stdbool.h>
#include <unistd.h>

#include "fileio.h"

static int write_whole(int fd, const char *p, size_t len, bool at, off_t off)
{
	ssize_t n;

	while (len) {
		n = at ? pwrite(fd, p, len, off) : write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		off += n;
		len -= (size_t)n;
	}
	return 0;
}

int fileio_write(int fd, const void *buf, size_t len)
{
	return write_whole(fd, buf, len, false, 0);
}

int fileio_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	return write_whole(fd, buf, len, true, off);
}
