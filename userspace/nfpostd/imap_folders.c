// SPDX-License-Identifier: GPL-2.0
/*
 * A user's folders, as LIST, LSUB and STATUS see them: the Maildir++
 * directories ".<name>" of the user's Maildir plus INBOX, matched against
 * LIST's patterns ('*' anything, '%' anything but the separator '.'), and
 * the subscriptions file (one name per line, as Dovecot reads it).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "imap_folders.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int push(struct imap_names *l, const char *name)
{
	char **v;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		v = realloc(l->v, l->cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
	}
	l->v[l->n] = strdup(name);
	return l->v[l->n++] ? 0 : -ENOMEM;
}

void imap_names_free(struct imap_names *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int imap_folders_read(const char *root, struct imap_names *l)
{
	struct dirent *e;
	DIR *d = opendir(root);
	int ret = 0;

	memset(l, 0, sizeof(*l));
	if (!d)
		return -errno;
	ret = push(l, "INBOX");
	while (!ret && (e = readdir(d)))
		if (e->d_name[0] == '.' && e->d_name[1] &&
		    strcmp(e->d_name, "..") && e->d_type == DT_DIR)
			ret = push(l, e->d_name + 1);
	closedir(d);
	if (!ret)
		qsort(l->v + 1, l->n - 1, sizeof(*l->v), cmp_str);
	return ret;
}

bool imap_names_has(const struct imap_names *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], name))
			return true;
	return false;
}

bool imap_has_children(const struct imap_names *l, const char *name)
{
	size_t len = strlen(name), i;

	for (i = 0; i < l->n; i++)
		if (!strncmp(l->v[i], name, len) && l->v[i][len] == '.')
			return true;
	return false;
}

bool imap_pattern_match(const char *pat, const char *name)
{
	for (; *pat; pat++, name++) {
		if (*pat == '*' || *pat == '%') {
			for (;; name++) {
				if (imap_pattern_match(pat + 1, name))
					return true;
				if (!*name || (*pat == '%' && *name == '.'))
					return false;
			}
		}
		if (*pat != *name)
			return false;
	}
	return !*name;
}

int imap_subs_read(const char *root, struct imap_names *l)
{
	char path[4200], line[512];
	FILE *f;
	int ret = 0;

	memset(l, 0, sizeof(*l));
	snprintf(path, sizeof(path), "%s/subscriptions", root);
	f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (!ret && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] && !(line[0] == 'V' && line[1] == '\t'))
			ret = push(l, line);
	}
	fclose(f);
	return ret;
}

/* Written whole: a temporary file, fsync, rename. */
int imap_subs_write(const char *root, const struct imap_names *l)
{
	char path[4200], tmp[4200];
	size_t i;
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "%s/subscriptions", root);
	snprintf(tmp, sizeof(tmp), "%s/subscriptions.tmp", root);
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	for (i = 0; i < l->n; i++)
		fprintf(f, "%s\n", l->v[i]);
	if (fflush(f) || fsync(fileno(f)))
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

int imap_names_add(struct imap_names *l, const char *name)
{
	return imap_names_has(l, name) ? 0 : push(l, name);
}

void imap_names_del(struct imap_names *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (strcmp(l->v[i], name))
			continue;
		free(l->v[i]);
		l->v[i] = l->v[--l->n];
		return;
	}
}
