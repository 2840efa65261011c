// SPDX-License-Identifier: GPL-2.0
/* The dotlock of the UID list and of dovecot-keywords (see dotlock.h). */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dotlock.h"

#define LOCK_STALE	120
#define LOCK_WAIT_MS	5000

int dotlock_take(int dirfd, const char *name)
{
	struct timespec ms = { 0, 1000000 };
	struct stat st;
	int fd, i;

	for (i = 0; i < LOCK_WAIT_MS; i++) {
		fd = openat(dirfd, name,
			    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd >= 0 ? fd : -errno;
		if (!fstatat(dirfd, name, &st, 0) &&
		    st.st_mtime + LOCK_STALE < time(NULL))
			unlinkat(dirfd, name, 0);
		else
			nanosleep(&ms, NULL);
	}
	return -EAGAIN;
}
