// SPDX-License-Identifier: GPL-2.0
/*
 * The users file: loading and checking its lines, rewriting it atomically,
 * and yescrypt hashing and verification through libxcrypt.
 */
#include <crypt.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "users.h"

bool users_name_ok(const char *name)
{
	size_t i;

	for (i = 0; name[i]; i++) {
		char c = tolower((unsigned char)name[i]);

		if (i >= USERS_NAME_MAX)
			return false;
		if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') &&
		    c != '.' && c != '_' && c != '-')
			return false;
	}
	return i && strcmp(name, ".") && strcmp(name, "..");
}

/* @name must be users_name_ok(). */
static void lower_copy(char *dst, const char *name)
{
	size_t i;

	for (i = 0; name[i]; i++)
		dst[i] = tolower((unsigned char)name[i]);
	dst[i] = '\0';
}

const struct user *users_find(const struct users *u, const char *name)
{
	size_t i;

	for (i = 0; i < u->n; i++)
		if (!strcasecmp(u->v[i].name, name))
			return &u->v[i];
	return NULL;
}

void users_free(struct users *u)
{
	size_t i;

	for (i = 0; i < u->n; i++)
		free(u->v[i].hash);
	free(u->v);
	u->v = NULL;
	u->n = 0;
}

/* Takes @hash (malloc()ed) whatever happens. */
static int append(struct users *u, const char *name, char *hash)
{
	struct user *v = realloc(u->v, (u->n + 1) * sizeof(*v));

	if (!v) {
		free(hash);
		return -ENOMEM;
	}
	u->v = v;
	lower_copy(v[u->n].name, name);
	v[u->n].hash = hash;
	u->n++;
	return 0;
}

/*
 * crypt(3) of @password with @setting (a fresh salt or a stored hash), into
 * a malloc()ed string. The work area holds secrets: cleared before freed.
 */
static int hash_with(const char *password, const char *setting, char **out_r)
{
	void *data = NULL;
	int size = 0;
	char *h;

	h = crypt_ra(password, setting, &data, &size);
	if (!h || h[0] == '*') {
		*out_r = NULL;
	} else {
		*out_r = strdup(h);
		if (!*out_r)
			errno = ENOMEM;
	}
	if (data) {
		explicit_bzero(data, size);
		free(data);
	}
	return *out_r ? 0 : (errno ? -errno : -EINVAL);
}

static int hash_new(const char *password, char **hash_r)
{
	char *salt;
	int ret;

	salt = crypt_gensalt_ra("$y$", 0, NULL, 0);
	if (!salt)
		return errno ? -errno : -EINVAL;
	ret = hash_with(password, salt, hash_r);
	free(salt);
	return ret;
}

bool users_verify(const struct user *user, const char *password)
{
	volatile unsigned char diff = 0;
	size_t i, len;
	char *h;

	if (!user || !user->hash || hash_with(password, user->hash, &h))
		return false;
	/*
	 * The length follows from the (public) setting; the bytes must not
	 * leak through the time taken, so all of them are compared.
	 */
	len = strlen(h);
	if (len != strlen(user->hash))
		diff = 1;
	else
		for (i = 0; i < len; i++)
			diff |= h[i] ^ user->hash[i];
	explicit_bzero(h, len);
	free(h);
	return !diff;
}

int users_set(struct users *u, const char *name, const char *password,
	      bool replace)
{
	struct user *old;
	char *hash;
	int ret;

	if (!users_name_ok(name) || !*password)
		return -EINVAL;
	if (strlen(password) > USERS_PASSWORD_MAX)
		return -EMSGSIZE;
	old = (struct user *)users_find(u, name);
	if (old && !replace)
		return -EEXIST;
	if (!old && replace)
		return -ENOENT;
	ret = hash_new(password, &hash);
	if (ret)
		return ret;
	if (!old)
		return append(u, name, hash);
	free(old->hash);
	old->hash = hash;
	return 0;
}

int users_del(struct users *u, const char *name)
{
	const struct user *user = users_find(u, name);
	size_t i;

	if (!user)
		return -ENOENT;
	i = user - u->v;
	free(u->v[i].hash);
	memmove(&u->v[i], &u->v[i + 1], (u->n - i - 1) * sizeof(u->v[0]));
	u->n--;
	return 0;
}

/*
 * "name:hash", the hash one printable word (any crypt(3) method, so that
 * hashes made elsewhere can be pasted in). Cuts @line in place.
 */
static int parse_line(struct users *u, char *line)
{
	char *colon = strchr(line, ':'), *hash, *p;

	if (!colon)
		return -EINVAL;
	*colon = '\0';
	hash = colon + 1;
	if (!users_name_ok(line) || users_find(u, line) || !*hash)
		return -EINVAL;
	for (p = hash; *p; p++)
		if (*p <= ' ' || *p > '~' || *p == ':')
			return -EINVAL;
	hash = strdup(hash);
	if (!hash)
		return -ENOMEM;
	return append(u, line, hash);
}

static bool ignored(const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	return !*line || *line == '#';
}

static int read_lines(FILE *f, struct users *u, int *line_r)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int ret = 0;

	while (!ret && (len = getline(&line, &cap, f)) >= 0) {
		++*line_r;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len && line[len - 1] == '\r')
			line[--len] = '\0';
		if ((size_t)len != strlen(line))
			ret = -EINVAL;		/* a NUL byte */
		else if (!ignored(line))
			ret = parse_line(u, line);
	}
	if (!ret && ferror(f))
		ret = -EIO;
	free(line);
	return ret;
}

int users_load(const char *path, struct users *u, int *line_r)
{
	int line = 0, ret;
	FILE *f;

	u->v = NULL;
	u->n = 0;
	if (line_r)
		*line_r = 0;
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	ret = read_lines(f, u, &line);
	fclose(f);
	if (ret)
		users_free(u);
	if (ret == -EINVAL && line_r)
		*line_r = line;
	return ret;
}

/* Closes @fd whatever happens. */
static int write_all(int fd, const struct users *u)
{
	FILE *f = fdopen(fd, "w");
	size_t i;
	int ret = 0;

	if (!f) {
		ret = -errno;
		close(fd);
		return ret;
	}
	for (i = 0; i < u->n; i++)
		fprintf(f, "%s:%s\n", u->v[i].name, u->v[i].hash);
	if (fflush(f) || fsync(fd))
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

/*
 * The daemon reads the file through its group: a rewrite by root must keep
 * the old file's owner and group. Best effort, as for a first file there is
 * nothing to keep.
 */
static void keep_owner(int fd, const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return;
	if (fchown(fd, st.st_uid, st.st_gid))
		return;		/* not root: the file stays ours */
}

static int fsync_parent(const char *path)
{
	char *copy = strdup(path);
	int fd, ret = 0;

	if (!copy)
		return -ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd < 0)
		return -errno;
	if (fsync(fd))
		ret = -errno;
	close(fd);
	return ret;
}

int users_save(const char *path, const struct users *u, gid_t gid)
{
	char *tmp;
	int fd, ret;

	if (asprintf(&tmp, "%s.tmp", path) < 0)
		return -ENOMEM;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		  0640);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	keep_owner(fd, path);
	ret = gid != (gid_t)-1 && fchown(fd, (uid_t)-1, gid) ? -errno : 0;
	/* A stale .tmp or the umask may have left another mode. */
	if (!ret)
		ret = fchmod(fd, 0640) ? -errno : 0;
	if (ret)
		close(fd);
	else
		ret = write_all(fd, u);
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	else
		ret = fsync_parent(path);
out:
	free(tmp);
	return ret;
}

int users_lock(const char *path)
{
	char *lock;
	int fd;

	if (asprintf(&lock, "%s.lock", path) < 0)
		return -ENOMEM;
	fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	free(lock);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX)) {
		close(fd);
		return -errno;
	}
	return fd;
}
