// SPDX-License-Identifier: GPL-2.0
/*
 * Durable hand-over of accepted messages: Maildir delivery for local users
 * and the relay queue's files. Both write everything, fsync the file,
 * rename it into place and fsync the directory before returning.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "maildir.h"
#include "store.h"

static int write_body(struct maildir_msg *mm, struct evbuffer *body)
{
	struct evbuffer_iovec v[16];
	struct evbuffer_ptr pos;
	int n, i, ret;

	evbuffer_ptr_set(body, &pos, 0, EVBUFFER_PTR_SET);
	for (;;) {
		n = evbuffer_peek(body, -1, &pos, v, 16);
		if (n <= 0)
			return 0;
		for (i = 0; i < n && i < 16; i++) {
			ret = maildir_write(mm, v[i].iov_base, v[i].iov_len);
			if (ret)
				return ret;
			evbuffer_ptr_set(body, &pos, v[i].iov_len,
					 EVBUFFER_PTR_ADD);
		}
		if (n <= 16)
			return 0;
	}
}

static int user_maildir(struct server *srv, const char *user, char *path,
			size_t len)
{
	if ((size_t)snprintf(path, len, "%s/%s", srv->conf.mail_root, user) >=
	    len)
		return -ENAMETOOLONG;
	return maildir_create(path);
}

/* Writes @prefix, Received: and the body, then commits. */
static int put(const char *dir, const char *prefix,
	       const struct store_msg *m, char *name_r, size_t len)
{
	struct maildir_msg mm;
	int ret;

	ret = maildir_open(dir, &mm);
	if (ret)
		return ret;
	ret = maildir_write(&mm, prefix, strlen(prefix));
	if (!ret)
		ret = maildir_write(&mm, m->received, strlen(m->received));
	if (!ret)
		ret = write_body(&mm, m->body);
	if (!ret)
		ret = maildir_commit(&mm, name_r, len);
	if (ret)
		maildir_abort(&mm);
	return ret;
}

int store_local(struct server *srv, const char *user,
		const struct store_msg *m, char *name_r, size_t len)
{
	char dir[PATH_MAX], rp[600];
	int ret;

	snprintf(rp, sizeof(rp), "Return-Path: <%s>\r\n", m->from);
	ret = user_maildir(srv, user, dir, sizeof(dir));
	if (!ret)
		ret = put(dir, rp, m, name_r, len);
	if (ret)
		log_msg(LOG_ERR, "%s: to=<%s>, relay=local, status=deferred "
			"(maildir %s: %s)", m->id, user, dir, strerror(-ret));
	return ret;
}

void store_local_undo(struct server *srv, const char *user, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s/%s", srv->conf.mail_root, user,
		 name);
	unlink(path);
}

/*
 * The queue is a Maildir of its own (the spool's tmp/ and new/), one file
 * per message: an envelope of "key value" lines, an empty line, then the
 * message. The relay takes them from new/.
 */
static int envelope(const struct store_msg *m, char *const *rcpts, int n,
		    char *buf, size_t len)
{
	size_t off;
	int i;

	off = (size_t)snprintf(buf, len,
			       "nfpost-queue 1\nid %s\narrival %lld\nfrom %s\n",
			       m->id, (long long)time(NULL), m->from);
	for (i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "rcpt %s\n",
					rcpts[i]);
	if (off + 2 >= len)
		return -E2BIG;
	strcpy(buf + off, "\n");
	return 0;
}

int store_queue(struct server *srv, const struct store_msg *m,
		char *const *rcpts, int n)
{
	char env[65536], name[256];
	int ret;

	ret = envelope(m, rcpts, n, env, sizeof(env));
	if (!ret)
		ret = maildir_create(srv->conf.spool);
	if (!ret)
		ret = put(srv->conf.spool, env, m, name, sizeof(name));
	if (ret)
		log_msg(LOG_ERR, "%s: queue %s: %s", m->id, srv->conf.spool,
			strerror(-ret));
	return ret;
}
