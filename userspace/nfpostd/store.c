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
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "maildir.h"
#include "maildirs.h"
#include "store.h"

#define STORE_IOV	64

/* @prefix, Received: and the body in one writev() when it fits. */
static int write_all(struct maildir_msg *mm, const char *prefix,
		     const struct store_msg *m)
{
	struct evbuffer_iovec body[STORE_IOV - 2];
	struct iovec iov[STORE_IOV];
	int i, n, ret;

	iov[0] = (struct iovec){ (void *)prefix, strlen(prefix) };
	iov[1] = (struct iovec){ (void *)m->received, strlen(m->received) };
	n = evbuffer_peek(m->body, -1, NULL, body, STORE_IOV - 2);
	if (n > STORE_IOV - 2) {
		/* A body in many pieces: one linear copy, then one write. */
		iov[2].iov_len = evbuffer_get_length(m->body);
		iov[2].iov_base = evbuffer_pullup(m->body, -1);
		n = iov[2].iov_base ? 1 : -1;
	} else {
		for (i = 0; i < n; i++)
			iov[2 + i] = (struct iovec){ body[i].iov_base,
						     body[i].iov_len };
	}
	if (n < 0)
		return -ENOMEM;
	ret = maildir_writev(mm, iov, 2 + n);
	return ret;
}

static int user_maildir(struct server *srv, const char *user, char *path,
			size_t len)
{
	if ((size_t)snprintf(path, len, "%s/%s", srv->conf.mail_root, user) >=
	    len)
		return -ENAMETOOLONG;
	return 0;
}

/* Writes @prefix, Received: and the body, then commits. */
static int put(struct server *srv, const char *dir, const char *prefix,
	       const struct store_msg *m, char *name_r, size_t len)
{
	struct maildirs_dir *d;
	struct maildir_msg mm;
	int ret;

	ret = maildirs_open(srv->maildirs, dir, &mm, &d);
	if (ret)
		return ret;
	ret = write_all(&mm, prefix, m);
	if (ret) {
		maildirs_abort(srv->maildirs, d, &mm);
		return ret;
	}
	return maildirs_commit(srv->maildirs, d, &mm, name_r, len);
}

/*
 * put() into @dir, making the Maildir first if it is missing: a user's
 * first message, or a spool removed under a running daemon. The common
 * case costs no mkdir.
 */
static int put_or_create(struct server *srv, const char *dir,
			 const char *prefix, const struct store_msg *m,
			 char *name_r, size_t len)
{
	int ret = put(srv, dir, prefix, m, name_r, len);

	if (ret != -ENOENT)
		return ret;
	/* The error to log is mkdir's (EACCES, say), not the ENOENT. */
	ret = maildir_create(dir);
	return ret ? ret : put(srv, dir, prefix, m, name_r, len);
}

/*
 * The Junk folder of a Maildir that may not exist yet: the Maildir first,
 * as Maildir++ folders live inside it.
 */
static int junk_dir(char *dir, size_t len)
{
	size_t n = strlen(dir);
	int ret;

	if (n + sizeof("/.Junk") > len)
		return -ENAMETOOLONG;
	ret = maildir_create(dir);
	if (ret && ret != -EEXIST)
		return ret;
	strcpy(dir + n, "/.Junk");
	return 0;
}

int store_local(struct server *srv, const char *user,
		const struct store_msg *m, char *name_r, size_t len)
{
	char dir[PATH_MAX], rp[600], name[256];
	int ret;

	snprintf(rp, sizeof(rp), "Return-Path: <%s>\r\n%s", m->from,
		 m->spam_flag ? "X-Spam-Flag: YES\r\n" : "");
	ret = user_maildir(srv, user, dir, sizeof(dir));
	if (!ret && m->junk)
		ret = junk_dir(dir, sizeof(dir));
	if (!ret)
		ret = put_or_create(srv, dir, rp, m, name, sizeof(name));
	if (!ret)
		snprintf(name_r, len, "%s%s", m->junk ? ".Junk/" : "", name);
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
/* A recipient's line, then its DSN lines (queue.h). */
static size_t rcpt_lines(const struct store_msg *m, char *const *rcpts,
			 int i, char *buf, size_t len)
{
	char notify[64] = "";
	const char *orcpt = m->orcpt ? m->orcpt[i] : "";

	if (m->notify)
		dsn_notify_format(m->notify[i], notify, sizeof(notify));
	return (size_t)snprintf(buf, len, "rcpt %s\n%s%s%s%s%s%s", rcpts[i],
				notify[0] ? "notify " : "", notify,
				notify[0] ? "\n" : "", orcpt[0] ? "orcpt " : "",
				orcpt, orcpt[0] ? "\n" : "");
}

static char *envelope(const struct store_msg *m, char *const *rcpts, int n)
{
	const char *envid = m->envid ? m->envid : "";
	size_t len = 160 + strlen(m->id) + strlen(m->from) + strlen(envid);
	size_t off;
	char *buf;
	int i;

	for (i = 0; i < n; i++)
		len += strlen(rcpts[i]) + 6 + 64 +
		       (m->orcpt ? strlen(m->orcpt[i]) + 7 : 0);
	buf = malloc(len);
	if (!buf)
		return NULL;
	off = (size_t)snprintf(buf, len,
			       "nfpost-queue 1\nid %s\narrival %lld\nfrom %s\n"
			       "%s%s%s%s%s%s%s", m->id, (long long)time(NULL),
			       m->from, m->body_8bit ? "body 8BITMIME\n" : "",
			       m->smtputf8 ? "smtputf8 yes\n" : "",
			       m->ret ? "ret " : "", dsn_ret_name(m->ret),
			       m->ret ? "\n" : "", envid[0] ? "envid " : "",
			       envid);
	if (envid[0])
		off += (size_t)snprintf(buf + off, len - off, "\n");
	for (i = 0; i < n; i++)
		off += rcpt_lines(m, rcpts, i, buf + off, len - off);
	snprintf(buf + off, len - off, "\n");
	return buf;
}

int store_queue(struct server *srv, const struct store_msg *m,
		char *const *rcpts, int n)
{
	char *env = envelope(m, rcpts, n), name[256];
	int ret = env ? 0 : -ENOMEM;

	if (!ret)
		ret = put_or_create(srv, srv->conf.spool, env, m, name,
				    sizeof(name));
	free(env);
	if (ret)
		log_msg(LOG_ERR, "%s: queue %s: %s", m->id, srv->conf.spool,
			strerror(-ret));
	return ret;
}
