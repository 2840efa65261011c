// SPDX-License-Identifier: GPL-2.0
/*
 * bench/mdfloor: what durable storing costs on a filesystem. Prints two
 * figures in microseconds:
 *   - one Maildir delivery with nfpostd's own maildir.c, N times in a row:
 *     open in tmp/, write SIZE bytes, commit (fsync, rename into new/,
 *     fsync new/);
 *   - the fsync() alone of a new file of SIZE bytes in DIR/tmp, timed
 *     around the call: what any server pays at least once before a durable
 *     250. Those files are left there, named mdfloor.N.
 *
 *   build/bench/mdfloor DIR N SIZE
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "maildir.h"

static double us(const struct timespec *a, const struct timespec *b)
{
	return ((b->tv_sec - a->tv_sec) * 1e9 + (b->tv_nsec - a->tv_nsec)) / 1e3;
}

/* Mean time of fsync() on @n new files of @size bytes in @dir. */
static double fsync_alone(const char *dir, long n, const char *buf,
			  size_t size)
{
	struct timespec t0, t1;
	double total = 0;
	char path[4096];
	long i;
	int fd;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/tmp/mdfloor.%ld", dir, i);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || write(fd, buf, size) != (ssize_t)size)
			return -1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (fsync(fd))
			return -1;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		total += us(&t0, &t1);
		close(fd);	/* kept: bench/smtp deletes nothing while it runs */
	}
	return total / n;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct maildir_msg m;
	size_t size;
	char *buf;
	long i, n;

	if (argc != 4) {
		fputs("usage: mdfloor DIR N SIZE\n", stderr);
		return 2;
	}
	n = atol(argv[2]);
	size = (size_t)atol(argv[3]);
	buf = malloc(size);
	if (!buf || n < 1 || maildir_create(argv[1]))
		return 1;
	memset(buf, 'x', size);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		if (maildir_open(argv[1], &m) || maildir_write(&m, buf, size) ||
		    maildir_commit(&m, NULL, 0)) {
			perror("mdfloor");
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.1f %.1f\n", us(&t0, &t1) / n,
	       fsync_alone(argv[1], n, buf, size));
	free(buf);
	return 0;
}
