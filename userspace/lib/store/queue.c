// SPDX-License-Identifier: GPL-2.0
/*
 * The relay queue's files: envelopes written by store.c, the state kept
 * beside them, listing and flushing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "queue.h"

static int add_rcpt(struct queue_entry *e, const char *addr)
{
	struct queue_rcpt *v;

	if (strlen(addr) >= QUEUE_ADDR_MAX)
		return -EINVAL;
	v = realloc(e->rcpts, (size_t)(e->nrcpt + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	e->rcpts = v;
	memset(&v[e->nrcpt], 0, sizeof(v[e->nrcpt]));
	snprintf(v[e->nrcpt++].addr, QUEUE_ADDR_MAX, "%s", addr);
	return 0;
}

/* DSN lines: RET and ENVID of the message, NOTIFY and ORCPT of a rcpt. */
static int dsn_line(struct queue_entry *e, const char *key,
		    const char *value)
{
	struct queue_rcpt *r = e->nrcpt ? &e->rcpts[e->nrcpt - 1] : NULL;

	if (!strcmp(key, "ret"))
		return dsn_ret_parse(value, &e->ret);
	if (!strcmp(key, "envid")) {
		if (dsn_envid_check(value))
			return -EINVAL;
		snprintf(e->envid, sizeof(e->envid), "%s", value);
		return 0;
	}
	if (!r)
		return -EINVAL;
	if (!strcmp(key, "notify"))
		return dsn_notify_parse(value, &r->notify);
	if (dsn_orcpt_check(value))
		return -EINVAL;
	snprintf(r->orcpt, sizeof(r->orcpt), "%s", value);
	return 0;
}

/* One envelope line, "key value"; the value may be empty (from). */
static int envelope_line(struct queue_entry *e, char *line)
{
	char *value = strchr(line, ' ');

	value = value ? value + 1 : line + strlen(line);
	if (!strncmp(line, "nfpost-queue ", 13))
		return strcmp(value, "1") ? -EINVAL : 0;
	if (!strncmp(line, "id ", 3))
		snprintf(e->id, sizeof(e->id), "%s", value);
	else if (!strncmp(line, "arrival ", 8))
		e->arrival = (time_t)strtoll(value, NULL, 10);
	else if (!strncmp(line, "from ", 5) || !strcmp(line, "from"))
		snprintf(e->from, sizeof(e->from), "%s", value);
	else if (!strncmp(line, "rcpt ", 5))
		return add_rcpt(e, value);
	else if (!strcmp(line, "body 8BITMIME"))
		e->body_8bit = true;
	else if (!strcmp(line, "smtputf8 yes"))
		e->smtputf8 = true;
	else if (!strncmp(line, "ret ", 4) || !strncmp(line, "envid ", 6) ||
		 !strncmp(line, "notify ", 7) || !strncmp(line, "orcpt ", 6)) {
		value[-1] = '\0';
		return dsn_line(e, line, value);
	}
	return 0;
}

static int read_envelope(FILE *f, struct queue_entry *e)
{
	char line[DSN_ORCPT_MAX + 32];
	int ret;

	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0]) {
			e->body_off = ftello(f);
			return e->nrcpt ? 0 : -EINVAL;
		}
		ret = envelope_line(e, line);
		if (ret)
			return ret;
	}
	return -EINVAL;
}

static void state_path(const char *spool, const char *name, char *buf,
		       size_t len)
{
	snprintf(buf, len, "%s/state/%s", spool, name);
}

static void state_line(struct queue_entry *e, char *line)
{
	int i;

	line[strcspn(line, "\n")] = '\0';
	if (!strncmp(line, "attempts ", 9))
		e->attempts = atoi(line + 9);
	else if (!strncmp(line, "next ", 5))
		e->next = (time_t)strtoll(line + 5, NULL, 10);
	else if (!strncmp(line, "error ", 6))
		snprintf(e->last_error, sizeof(e->last_error), "%.*s",
			 (int)sizeof(e->last_error) - 1, line + 6);
	else if (!strcmp(line, "warned 1"))
		e->warned = true;
	else if (!strncmp(line, "done ", 5))
		for (i = 0; i < e->nrcpt; i++)
			if (!strcmp(e->rcpts[i].addr, line + 5))
				e->rcpts[i].done = true;
}

static void read_state(const char *spool, struct queue_entry *e)
{
	char path[PATH_MAX], line[QUEUE_ERR_MAX + 16];
	FILE *f;

	state_path(spool, e->name, path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return;		/* never tried yet */
	while (fgets(line, sizeof(line), f))
		state_line(e, line);
	fclose(f);
}

int queue_load(const char *spool, const char *name, struct queue_entry *e)
{
	char path[PATH_MAX];
	struct stat st;
	FILE *f;
	int ret;

	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", name);
	snprintf(path, sizeof(path), "%s/new/%s", spool, name);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	ret = fstat(fileno(f), &st) ? -errno : read_envelope(f, e);
	e->size = st.st_size;
	fclose(f);
	if (ret) {
		queue_entry_free(e);
		return ret;
	}
	read_state(spool, e);
	return 0;
}

void queue_entry_free(struct queue_entry *e)
{
	free(e->rcpts);
	e->rcpts = NULL;
	e->nrcpt = 0;
}

char *queue_state_format(const struct queue_entry *e, size_t *len_r)
{
	size_t len = 80 + strlen(e->last_error), off;
	char *buf;
	int i;

	for (i = 0; i < e->nrcpt; i++)
		if (e->rcpts[i].done)
			len += strlen(e->rcpts[i].addr) + 6;
	buf = malloc(len);
	if (!buf)
		return NULL;
	off = (size_t)snprintf(buf, len, "attempts %d\nnext %lld\nerror %s\n"
			       "%s", e->attempts, (long long)e->next,
			       e->last_error, e->warned ? "warned 1\n" : "");
	for (i = 0; i < e->nrcpt; i++)
		if (e->rcpts[i].done)
			off += (size_t)snprintf(buf + off, len - off,
						"done %s\n", e->rcpts[i].addr);
	*len_r = off;
	return buf;
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd))
		ret = -errno;
	close(fd);
	return ret;
}

int queue_state_write(const char *spool, const char *name, const char *buf,
		      size_t len)
{
	char dir[PATH_MAX], tmp[PATH_MAX + 8], path[PATH_MAX];
	int fd, ret;

	snprintf(dir, sizeof(dir), "%s/state", spool);
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	state_path(spool, name, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	ret = fileio_write(fd, buf, len);
	if (!ret && fsync(fd))
		ret = -errno;
	close(fd);
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret ? ret : sync_dir(dir);
}

int queue_save_state(const char *spool, const struct queue_entry *e)
{
	size_t len;
	char *buf = queue_state_format(e, &len);
	int ret;

	if (!buf)
		return -ENOMEM;
	ret = queue_state_write(spool, e->name, buf, len);
	free(buf);
	return ret;
}

/*
 * The message first, synced: a crash after it leaves a state file without
 * its message, which is harmless, never a message without its state.
 */
int queue_remove(const char *spool, const char *name)
{
	char path[PATH_MAX];
	int ret = 0;

	snprintf(path, sizeof(path), "%s/new/%s", spool, name);
	if (unlink(path) && errno != ENOENT)
		return -errno;
	snprintf(path, sizeof(path), "%s/new", spool);
	ret = sync_dir(path);
	state_path(spool, name, path, sizeof(path));
	unlink(path);
	return ret;
}
static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int queue_names(const char *spool, char ***names_r, int *n_r)
{
	char path[PATH_MAX], **v = NULL, **nv;
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/new", spool);
	*names_r = NULL;
	*n_r = 0;
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		nv = realloc(v, (size_t)(n + 1) * sizeof(*v));
		if (!nv || !(nv[n] = strdup(de->d_name))) {
			v = nv ? nv : v;
			queue_names_free(v, n);
			closedir(d);
			return -ENOMEM;
		}
		v = nv;
		n++;
	}
	closedir(d);
	if (n)
		qsort(v, (size_t)n, sizeof(*v), by_name);
	*names_r = v;
	*n_r = n;
	return 0;
}

void queue_names_free(char **names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The daemon tries every entry at once on SIGUSR1, due or not. */
int queue_flush(const char *spool)
{
	char path[PATH_MAX];
	long pid = 0;
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "%s/nfpostd.pid", spool);
	f = fopen(path, "r");
	if (!f)
		return -ESRCH;
	ret = fscanf(f, "%ld", &pid) == 1 && pid > 1 ? 0 : -ESRCH;
	fclose(f);
	if (!ret && kill((pid_t)pid, SIGUSR1))
		ret = -errno;
	return ret;
}
