// SPDX-License-Identifier: GPL-2.0
/*
 * APPEND (RFC 3501 6.3.11) with UIDPLUS's APPENDUID (RFC 4315): the
 * message is delivered as SMTP delivers (tmp/, fsync, rename, fsync),
 * then given its flags (cur/:2,, keywords by the target's
 * dovecot-keywords) and INTERNALDATE (the file's mtime).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "log.h"
#include "maildir.h"
#include "imap_priv.h"

/* RFC 3501 date-time: "dd-Mon-yyyy hh:mm:ss +zzzz" (day may be " d"). */
static int parse_date(const char *s, time_t *t)
{
	struct tm tm = { 0 };
	const char *end;
	long off;

	end = strptime(s + (s[0] == ' '), "%d-%b-%Y %H:%M:%S %z", &tm);
	if (!end || *end)
		return -EINVAL;
	off = tm.tm_gmtoff;	/* timegm() resets it */
	*t = timegm(&tm) - off;
	return 0;
}

/* The new file into cur/ with its flag letters; @name updated. */
static int give_flags(const char *dir, char *name, size_t len,
		      unsigned int flags, const char *letters)
{
	char from[2 * PATH_MAX], to[2 * PATH_MAX];
	char suffix[MAILBOX_FLAGS_MAX + 1], moved[2 * NAME_MAX];

	if (!flags && !*letters)
		return 0;
	mailbox_flag_suffix(flags, letters, suffix, sizeof(suffix));
	snprintf(from, sizeof(from), "%s/%s", dir, name);
	snprintf(to, sizeof(to), "%s/cur/%s%s", dir, name + 4, suffix);
	if (rename(from, to))
		return -errno;
	snprintf(moved, sizeof(moved), "cur/%.*s%s", NAME_MAX, name + 4,
		 suffix);
	snprintf(name, len, "%.*s", (int)len - 1, moved);
	return 0;
}

static int deliver(const char *dir, const struct imap_arg *msg,
		   unsigned int flags, const char *letters, time_t date,
		   char *name, size_t len, uint32_t *id, uint32_t *validity)
{
	struct timespec ts[2] = { { date, 0 }, { date, 0 } };
	struct maildir_msg m;
	char path[2 * PATH_MAX];
	int ret;

	ret = maildir_open(dir, &m);
	if (!ret)
		ret = maildir_write(&m, msg->str, msg->len);
	if (!ret)
		ret = mailbox_commit_uid(&m, name, len, id, validity);
	maildir_abort(&m);
	if (!ret && date) {
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		utimensat(AT_FDCWD, path, ts, 0);
	}
	if (!ret)
		ret = give_flags(dir, name, len, flags, letters);
	return ret;
}

/* The UID the message got, from the mailbox's UID list. */
static uint32_t uid_of(const char *dir, const char *name,
		       uint32_t *validity)
{
	size_t base = strcspn(name + 4, ":"), i;
	struct mailbox mb;
	uint32_t uid = 0;

	if (mailbox_open(dir, &mb))
		return 0;
	for (i = mb.n; i-- > 0;) {
		if (mb.v[i].base_len == base &&
		    !strncmp(mb.v[i].name + 4, name + 4, base)) {
			uid = mb.v[i].uid;
			break;
		}
	}
	*validity = mb.uidvalidity;
	mailbox_close(&mb);
	return uid;
}

void imap_cmd_append(struct imap_session *s, const struct imap_arg *args,
		     bool uid)
{
	const char *box = imap_arg_str(args);
	const struct imap_arg *a = args ? args->next : NULL;
	char dir[PATH_MAX], name[MAILDIR_NAME_MAX + 40];
	char letters[KEYWORDS_MAX + 1];
	struct imap_flag_list fl = { 0 };
	struct keywords kw;
	uint32_t id = 0, validity = 0;
	time_t date = 0;
	int ret;

	(void)uid;
	if (a && a->type == IMAP_ARG_LIST) {
		if (imap_flag_list_parse(a, &fl)) {
			imap_bad(s, "Invalid flags.");
			return;
		}
		a = a->next;
	}
	if (a && a->type == IMAP_ARG_STRING) {
		if (parse_date(a->str, &date)) {
			imap_bad(s, "Invalid date-time.");
			return;
		}
		a = a->next;
	}
	if (!box || !a || a->type != IMAP_ARG_LITERAL || a->next) {
		imap_bad(s, "APPEND needs a mailbox and a message literal.");
		return;
	}
	if (imap_folder_path(s, box, dir, sizeof(dir)) || access(dir, F_OK)) {
		imap_done(s, "NO", "[TRYCREATE] Mailbox doesn't exist: %s",
			  box);
		return;
	}
	ret = keywords_read(dir, &kw);
	if (!ret)
		ret = imap_flag_list_letters(dir, &kw, &fl, true, letters,
					     NULL);
	if (ret == -ENOSPC) {
		imap_done(s, "NO", "[LIMIT] That mailbox has 26 keywords "
			  "already.");
		return;
	}
	if (!ret)
		ret = deliver(dir, a, fl.flags, letters, date, name,
			      sizeof(name), &id, &validity);
	if (ret) {
		log_msg(LOG_ERR, "imap(%s): append to %s: %s", s->user, dir,
			strerror(-ret));
		imap_done(s, "NO", "[SERVERBUG] Can't save the message.");
		return;
	}
	if (!id)		/* no UID list yet: a scan makes it */
		id = uid_of(dir, name, &validity);
	/* Into the selected mailbox: told without a rescan when it can be. */
	if (s->state == IMAP_S_SELECTED && !strcmp(s->mb.path, dir) &&
	    (!id || imap_view_appended(s, name, id, validity, fl.n_kw)))
		imap_view_sync(s, false);
	if (id)
		imap_done(s, "OK", "[APPENDUID %u %u] Append completed.",
			  validity, id);
	else
		imap_done(s, "OK", "Append completed.");
}
