// SPDX-License-Identifier: GPL-2.0
/*
 * `nfpost mail ls USER [FOLDER]`: the messages with their UIDs, flags,
 * sizes, dates, senders and subjects; `nfpost mail show USER UID`: one
 * message as stored. Read through mailbox_peek(): no lock, nothing
 * written, so that running it as root leaves no root-owned file behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "conf.h"
#include "json.h"
#include "mailbox.h"
#include "maills.h"
#include "mime.h"
#include "rfc2047.h"
#include "users.h"

#define DEFAULT_CONF	"/etc/nfpost/nfpostd.conf"
#define HEADER_MAX	65536	/* read for From: and Subject: */

static int open_box(const struct nfpost_args *a, struct mailbox *mb)
{
	const char *f = a->folder;
	char err[512], path[2 * PATH_MAX];
	struct conf c;
	int ret;

	if (conf_load(a->conf ? a->conf : DEFAULT_CONF, &c, err,
		      sizeof(err))) {
		fprintf(stderr, "nfpost: Error: %s.\n", err);
		return EXIT_RUNTIME;
	}
	if (!users_name_ok(a->user) ||
	    (f && (!*f || f[0] == '.' || strchr(f, '/') || strstr(f, "..")))) {
		fprintf(stderr, "nfpost: Error: invalid user or folder name.\n");
		return EXIT_USAGE;
	}
	if (!f || !strcasecmp(f, "INBOX"))
		snprintf(path, sizeof(path), "%s/%s", c.mail_root, a->user);
	else
		snprintf(path, sizeof(path), "%s/%s/.%s", c.mail_root, a->user,
			 f);
	ret = mailbox_peek(path, mb);
	if (ret) {
		fprintf(stderr, "nfpost: Error: %s: %s.\n", path,
			strerror(-ret));
		return EXIT_RUNTIME;
	}
	return 0;
}

/* The start of message @i (its header, mostly), NUL-terminated. */
static char *head(const struct mailbox *mb, size_t i, size_t *len_r)
{
	int fd = mailbox_msg_open(mb, i);
	char *buf = malloc(HEADER_MAX + 1);
	ssize_t n = -1;

	if (fd >= 0 && buf)
		n = read(fd, buf, HEADER_MAX);
	if (fd >= 0)
		close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len_r = (size_t)n;
	return buf;
}

static void flags_text(unsigned int f, char *buf)
{
	snprintf(buf, 8, "%c%c%c%c%c", f & MAILBOX_SEEN ? 'S' : '-',
		 f & MAILBOX_ANSWERED ? 'R' : '-',
		 f & MAILBOX_FLAGGED ? 'F' : '-',
		 f & MAILBOX_DELETED ? 'T' : '-',
		 f & MAILBOX_DRAFT ? 'D' : '-');
}

static void date_of(const struct mailbox *mb, size_t i, char *buf, size_t len)
{
	char path[2 * PATH_MAX];
	struct stat st;
	struct tm tm;

	snprintf(path, sizeof(path), "%s/%s", mb->path, mb->v[i].name);
	if (stat(path, &st) || !gmtime_r(&st.st_mtime, &tm))
		snprintf(buf, len, "-");
	else
		strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void one(const struct mailbox *mb, size_t i, struct json_arr *json)
{
	char from[256] = "", subject[256] = "", flags[8], date[32];
	char raw[256];
	size_t len = 0;
	char *h = head(mb, i, &len);
	struct json j;

	/* Shown decoded (RFC 2047), as a mail reader shows them. */
	if (h) {
		if (mime_header_get(h, len, "From", raw, sizeof(raw)))
			rfc2047_decode(raw, strlen(raw), from, sizeof(from));
		if (mime_header_get(h, len, "Subject", raw, sizeof(raw)))
			rfc2047_decode(raw, strlen(raw), subject,
				       sizeof(subject));
		free(h);
	}
	date_of(mb, i, date, sizeof(date));
	if (!json) {
		flags_text(mb->v[i].flags, flags);
		printf("%-6u %s %8llu %s %-30.30s %s\n", mb->v[i].uid, flags,
		       (unsigned long long)mb->v[i].size, date, from, subject);
		return;
	}
	json_arr_obj(json, &j);
	json_u64(&j, "uid", mb->v[i].uid);
	json_bool(&j, "seen", mb->v[i].flags & MAILBOX_SEEN);
	json_bool(&j, "answered", mb->v[i].flags & MAILBOX_ANSWERED);
	json_bool(&j, "flagged", mb->v[i].flags & MAILBOX_FLAGGED);
	json_bool(&j, "deleted", mb->v[i].flags & MAILBOX_DELETED);
	json_bool(&j, "draft", mb->v[i].flags & MAILBOX_DRAFT);
	json_u64(&j, "size", mb->v[i].size);
	json_str(&j, "date", date);
	json_str(&j, "from", from);
	json_str(&j, "subject", subject);
	json_str(&j, "file", mb->v[i].name);
	json_close(&j);
}

int maills_list(const struct nfpost_args *a)
{
	struct json_arr list;
	struct mailbox mb;
	size_t i;
	int ret = open_box(a, &mb);

	if (ret)
		return ret;
	if (a->json)
		json_arr_start(&list, stdout);
	else
		printf("UID    FLAGS     SIZE DATE                 FROM        "
		       "                   SUBJECT\n");
	for (i = 0; i < mb.n; i++)
		one(&mb, i, a->json ? &list : NULL);
	if (a->json) {
		json_arr_close(&list);
		putchar('\n');
	}
	mailbox_close(&mb);
	return 0;
}

int maills_show(const struct nfpost_args *a)
{
	struct mailbox mb;
	char buf[65536];
	ssize_t n;
	long i;
	int fd, ret = open_box(a, &mb);

	if (ret)
		return ret;
	i = mailbox_find(&mb, (uint32_t)a->uid);
	fd = i < 0 ? -ENOENT : mailbox_msg_open(&mb, (size_t)i);
	if (fd < 0) {
		fprintf(stderr, "nfpost: Error: no message with UID %lu.\n",
			a->uid);
		mailbox_close(&mb);
		return EXIT_RUNTIME;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			break;
	close(fd);
	mailbox_close(&mb);
	return 0;
}
