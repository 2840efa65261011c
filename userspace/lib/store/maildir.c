// SPDX-License-Identifier: GPL-2.0
/*
 * Maildir delivery: unique names, the tmp/ -> new/ rename and the fsync()s
 * that make a message durable before the sender is told so.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <limits.h>
#include <sys/uio.h>
#include <unistd.h>
#include "fileio.h"
#include "maildir.h"

/* The longest ",S=<size>" suffix: a 64-bit size in decimal. */
#define SIZE_SUFFIX_MAX		(sizeof(",S=18446744073709551615") - 1)
/* Retries of a name already taken in tmp/ before giving up. */
#define OPEN_TRIES		100
/* "new/<name>,S=<size>" as the compiler can bound it; at most 259 in fact. */
#define FINAL_MAX		(4 + MAILDIR_NAME_MAX + SIZE_SUFFIX_MAX + 1)

/* Per process, so that two messages within one microsecond still differ. */
static unsigned long counter;

static int mkdir_ok(int dirfd, const char *path)
{
	if (mkdirat(dirfd, path, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

int maildir_create(const char *path)
{
	static const char *const subdirs[] = { "cur", "new", "tmp" };
	int dirfd, ret;
	size_t i;

	ret = mkdir_ok(AT_FDCWD, path);
	if (ret)
		return ret;
	dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	for (i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]) && !ret; i++)
		ret = mkdir_ok(dirfd, subdirs[i]);
	close(dirfd);
	return ret;
}

/*
 * The host name with '/' and ':' written as "\057" and "\072", as maildir(5)
 * asks: '/' cannot be in a file name and ':' starts the flags of cur/.
 */
static void host_part(char *buf, size_t len)
{
	static __thread char host[256];	/* read once per thread */
	size_t n = 0;
	const char *p;

	if (!host[0] && gethostname(host, sizeof(host)))
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	for (p = host; *p && n + 5 < len; p++) {
		if (*p == '/' || *p == ':')
			n += snprintf(buf + n, len - n, "\\%03o", *p);
		else
			buf[n++] = *p;
	}
	buf[n] = '\0';
}

/* <sec>.M<usec>P<pid>Q<counter>.<host>, short enough for ",S=" to fit. */
static void make_name(char *name)
{
	char host[MAILDIR_NAME_MAX + 1];
	struct timeval tv;
	int n;

	gettimeofday(&tv, NULL);
	n = snprintf(name, MAILDIR_NAME_MAX + 1, "%lld.M%06ldP%ldQ%lu.",
		     (long long)tv.tv_sec, (long)tv.tv_usec, (long)getpid(),
		     __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED));
	host_part(host, MAILDIR_NAME_MAX + 1 - SIZE_SUFFIX_MAX - n);
	strcat(name, host);
}

static int open_tmp(struct maildir_msg *m)
{
	char path[MAILDIR_NAME_MAX + 8];
	int tries;

	for (tries = 0; tries < OPEN_TRIES; tries++) {
		make_name(m->name);
		snprintf(path, sizeof(path), "tmp/%s", m->name);
		m->fd = openat(m->dirfd, path,
			       O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (m->fd >= 0)
			return 0;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

int maildir_open_at(int dirfd, struct maildir_msg *m)
{
	int ret;

	m->fd = -1;
	m->size = 0;
	m->name[0] = '\0';
	m->dirfd = dirfd;
	m->own_dirfd = false;
	ret = open_tmp(m);
	if (ret)
		m->dirfd = -1;
	return ret;
}

int maildir_open(const char *path, struct maildir_msg *m)
{
	int dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret;

	m->fd = -1;
	m->dirfd = -1;
	m->name[0] = '\0';
	if (dirfd < 0)
		return -errno;
	ret = maildir_open_at(dirfd, m);
	if (ret)
		close(dirfd);
	else
		m->own_dirfd = true;
	return ret;
}

int maildir_writev(struct maildir_msg *m, struct iovec *iov, int n)
{
	ssize_t done;

	if (m->fd < 0)
		return -EBADF;
	while (n > 0) {
		done = writev(m->fd, iov, n > IOV_MAX ? IOV_MAX : n);
		if (done < 0 && errno == EINTR)
			continue;
		if (done < 0)
			return -errno;
		m->size += (size_t)done;
		/* Skip what was written; a short write resumes mid-iovec. */
		while (n > 0 && (size_t)done >= iov->iov_len) {
			done -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + done;
			iov->iov_len -= (size_t)done;
		}
	}
	return 0;
}

int maildir_write(struct maildir_msg *m, const void *buf, size_t len)
{
	int ret;

	if (m->fd < 0)
		return -EBADF;
	ret = fileio_write(m->fd, buf, len);
	if (!ret)
		m->size += len;
	return ret;
}

static int fsync_dir(int dirfd, const char *path)
{
	int fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd))
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * RENAME_NOREPLACE so that a delivered message is never overwritten, should
 * a name ever come twice; plain renameat() where the filesystem lacks it.
 */
static int rename_new(int dirfd, const char *from, const char *to)
{
	if (!renameat2(dirfd, from, dirfd, to, RENAME_NOREPLACE))
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	return renameat(dirfd, from, dirfd, to) ? -errno : 0;
}

static int close_fd(struct maildir_msg *m)
{
	int ret = close(m->fd) ? -errno : 0;

	m->fd = -1;
	return ret;
}

/* tmp/ is synced with the file, new/ after the rename if @sync_new. */
static int commit(struct maildir_msg *m, char *final, size_t len,
		  bool sync_new)
{
	char tmp[MAILDIR_NAME_MAX + 8];
	int ret;

	snprintf(tmp, sizeof(tmp), "tmp/%s", m->name);
	snprintf(final, len, "new/%s,S=%zu", m->name, m->size);
	ret = fsync(m->fd) ? -errno : 0;
	if (!ret)
		ret = close_fd(m);
	if (!ret)
		ret = rename_new(m->dirfd, tmp, final);
	if (ret)
		return ret;
	m->name[0] = '\0';	/* nothing left in tmp/ for abort */
	if (!sync_new)
		return 0;
	ret = fsync_dir(m->dirfd, "new");
	/*
	 * Not durable, so the sender will be told to try again: take the
	 * message back rather than deliver it twice if it survives anyway.
	 */
	if (ret)
		unlinkat(m->dirfd, final, 0);
	return ret;
}

static int commit_name(struct maildir_msg *m, char *name_r, size_t len,
		       bool sync_new)
{
	char final[FINAL_MAX];
	int ret;

	if (m->fd < 0)
		return -EBADF;
	ret = commit(m, final, sizeof(final), sync_new);
	/* Delivered is delivered: a short @name_r only truncates the name. */
	if (!ret && name_r && len)
		snprintf(name_r, len, "%s", final);
	maildir_abort(m);
	return ret;
}

int maildir_commit(struct maildir_msg *m, char *name_r, size_t len)
{
	return commit_name(m, name_r, len, true);
}

int maildir_commit_unsynced(struct maildir_msg *m, char *name_r, size_t len)
{
	return commit_name(m, name_r, len, false);
}

void maildir_abort(struct maildir_msg *m)
{
	char tmp[MAILDIR_NAME_MAX + 8];

	if (m->fd >= 0)
		close_fd(m);
	if (m->dirfd < 0)
		return;
	if (m->name[0]) {
		snprintf(tmp, sizeof(tmp), "tmp/%s", m->name);
		unlinkat(m->dirfd, tmp, 0);
		m->name[0] = '\0';
	}
	if (m->own_dirfd)
		close(m->dirfd);
	m->dirfd = -1;
}

/* A file of ours, from a process that is gone: "...P<pid>Q...<host>". */
static bool dead_own_name(const char *name)
{
	char host[MAILDIR_NAME_MAX + 1];
	const char *p = strstr(name, ".M"), *dot;
	long pid;

	if (!p || !(p = strchr(p, 'P')) || sscanf(p, "P%ldQ", &pid) != 1 ||
	    pid <= 1 || pid == (long)getpid())
		return false;
	dot = strchr(p, '.');
	host_part(host, sizeof(host));
	if (!dot || strcmp(dot + 1, host))
		return false;
	return kill((pid_t)pid, 0) && errno == ESRCH;
}

int maildir_clean_tmp(const char *path, time_t max_age, bool dead_own)
{
	char tmp[PATH_MAX];
	time_t now = time(NULL);
	struct dirent *e;
	struct stat st;
	int n = 0;
	DIR *d;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/tmp", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	d = opendir(tmp);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISREG(st.st_mode))
			continue;
		if (now - st.st_mtime <= max_age &&
		    !(dead_own && dead_own_name(e->d_name)))
			continue;
		if (!unlinkat(dirfd(d), e->d_name, 0))
			n++;
	}
	closedir(d);
	return n;
}
