// SPDX-License-Identifier: GPL-2.0
/*
 * A Maildir's keyword names, Dovecot's "dovecot-keywords": parsed, looked
 * up, and a new name given a letter under the file's dotlock.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dotlock.h"
#include "fileio.h"
#include "keywords.h"

#define KEYWORDS_FILE	"dovecot-keywords"
#define KEYWORDS_LOCK	"dovecot-keywords.lock"
/* 26 lines of a bounded name: anything larger is not ours to read. */
#define FILE_MAX	(64u << 10)

bool keyword_name_ok(const char *name)
{
	size_t len = strlen(name), i;

	if (!len || len > KEYWORD_NAME_MAX || name[0] == '\\')
		return false;
	/* atom-char: no CTL, SP, ( ) { % * " \ ] and 7-bit only. */
	for (i = 0; i < len; i++)
		if (name[i] <= 0x20 || name[i] >= 0x7f ||
		    strchr("(){%*\"\\]", name[i]))
			return false;
	return true;
}

char keywords_letter(const struct keywords *kw, const char *name)
{
	size_t i;

	for (i = 0; i < KEYWORDS_MAX; i++)
		if (kw->name[i][0] && !strcasecmp(kw->name[i], name))
			return (char)('a' + i);
	return 0;
}

const char *keywords_name(const struct keywords *kw, char c)
{
	if (c < 'a' || c > 'z' || !kw->name[c - 'a'][0])
		return NULL;
	return kw->name[c - 'a'];
}

size_t keywords_count(const struct keywords *kw)
{
	size_t i, n = 0;

	for (i = 0; i < KEYWORDS_MAX; i++)
		n += kw->name[i][0] != '\0';
	return n;
}

/* "<n> <name>": false for anything else. */
static bool parse_line(const char *p, size_t len, struct keywords *kw)
{
	char name[KEYWORD_NAME_MAX + 1];
	size_t n = 0, digits = 0;

	while (digits < len && p[digits] >= '0' && p[digits] <= '9') {
		n = n * 10 + (size_t)(p[digits] - '0');
		if (++digits > 2)
			return false;
	}
	if (!digits || n >= KEYWORDS_MAX || digits == len ||
	    p[digits] != ' ' || len - digits - 1 > KEYWORD_NAME_MAX)
		return false;
	memcpy(name, p + digits + 1, len - digits - 1);
	name[len - digits - 1] = '\0';
	if (!keyword_name_ok(name) || kw->name[n][0] ||
	    keywords_letter(kw, name))
		return false;
	strcpy(kw->name[n], name);
	return true;
}

void keywords_parse(const char *text, size_t len, struct keywords *kw)
{
	const char *p = text, *end = text + len, *nl;

	memset(kw, 0, sizeof(*kw));
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		/* A line cut short (no '\n') is a torn write: not read. */
		if (!nl)
			break;
		parse_line(p, (size_t)(nl - p), kw);
		p = nl + 1;
	}
}

static int read_at(int dirfd, struct keywords *kw)
{
	int fd = openat(dirfd, KEYWORDS_FILE, O_RDONLY | O_CLOEXEC);
	char *buf;
	ssize_t n;
	size_t len = 0;

	memset(kw, 0, sizeof(*kw));
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	buf = malloc(FILE_MAX);
	while (buf && len < FILE_MAX) {
		n = read(fd, buf + len, FILE_MAX - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (!buf)
		return -ENOMEM;
	keywords_parse(buf, len, kw);
	free(buf);
	return 0;
}

int keywords_read(const char *maildir, struct keywords *kw)
{
	int dirfd = open(maildir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret;

	memset(kw, 0, sizeof(*kw));
	if (dirfd < 0)
		return -errno;
	ret = read_at(dirfd, kw);
	close(dirfd);
	return ret;
}

/* The whole list into the lock file, then over the old list. */
static int save(int dirfd, int lockfd, const struct keywords *kw)
{
	char buf[KEYWORDS_MAX * (KEYWORD_NAME_MAX + 4)];
	size_t len = 0, i;
	int ret;

	for (i = 0; i < KEYWORDS_MAX; i++)
		if (kw->name[i][0])
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
						"%zu %s\n", i, kw->name[i]);
	ret = fileio_write(lockfd, buf, len);
	if (!ret && fsync(lockfd))
		ret = -errno;
	if (!ret && renameat(dirfd, KEYWORDS_LOCK, dirfd, KEYWORDS_FILE))
		ret = -errno;
	if (!ret && fsync(dirfd))
		ret = -errno;
	return ret;
}

static int add_locked(int dirfd, int lockfd, struct keywords *kw,
		      const char *name, bool *saved)
{
	char c;
	size_t i;
	int ret = read_at(dirfd, kw);

	if (ret)
		return ret;
	c = keywords_letter(kw, name);
	if (c)
		return c;
	for (i = 0; i < KEYWORDS_MAX && kw->name[i][0]; i++)
		;
	if (i == KEYWORDS_MAX)
		return -ENOSPC;
	strcpy(kw->name[i], name);
	ret = save(dirfd, lockfd, kw);
	if (ret) {
		kw->name[i][0] = '\0';
		return ret;
	}
	*saved = true;
	return (int)('a' + i);
}

int keywords_add(const char *maildir, struct keywords *kw, const char *name)
{
	bool saved = false;
	int dirfd, lockfd, ret;

	if (!keyword_name_ok(name))
		return -EINVAL;
	dirfd = open(maildir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	lockfd = dotlock_take(dirfd, KEYWORDS_LOCK);
	if (lockfd < 0) {
		close(dirfd);
		return lockfd;
	}
	ret = add_locked(dirfd, lockfd, kw, name, &saved);
	close(lockfd);
	/* Saved, the lock file has become the list; else it goes. */
	if (!saved)
		unlinkat(dirfd, KEYWORDS_LOCK, 0);
	close(dirfd);
	return ret;
}
