// SPDX-License-Identifier: GPL-2.0
/*
 * COPY and MOVE (RFC 3501 6.4.7, RFC 6851), UID forms too, with UIDPLUS's
 * COPYUID (RFC 4315): each message is delivered anew into the target
 * (tmp/, fsync, rename, fsync) with its flags and keywords (their
 * letters the target's: each Maildir names its own); MOVE then removes the
 * originals and tells their EXPUNGE.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "maildir.h"
#include "imap_priv.h"

/*
 * Message @i's keywords as letters of the target's list @kw (a letter
 * means a name per Maildir): names it lacks are added to it.
 */
static int target_letters(struct imap_session *s, size_t i, const char *dir,
			  struct keywords *kw, char *letters)
{
	struct imap_flag_list fl = { 0 };
	const char *p, *name;

	for (p = s->mb.v[i].other; *p; p++) {
		name = keywords_name(&s->kw, *p);
		if (name)
			fl.kw[fl.n_kw++] = name;
	}
	return imap_flag_list_letters(dir, kw, &fl, true, letters, NULL);
}

static int copy_file(struct imap_session *s, size_t i, const char *dir,
		     struct keywords *kw, char *name, size_t len)
{
	struct maildir_msg m;
	char buf[65536], from[2 * PATH_MAX], to[2 * PATH_MAX];
	char suffix[MAILBOX_FLAGS_MAX + 1], letters[KEYWORDS_MAX + 1];
	ssize_t got;
	int fd, ret;

	/* First: renamed by another, it comes with the flags it has now. */
	fd = mailbox_msg_open(&s->mb, i);
	if (fd == -ENOENT && imap_view_refind(s, i))
		fd = mailbox_msg_open(&s->mb, i);
	if (fd < 0)
		return fd;
	ret = target_letters(s, i, dir, kw, letters);
	if (ret) {
		close(fd);
		return ret;
	}
	ret = maildir_open(dir, &m);
	while (!ret && (got = read(fd, buf, sizeof(buf))) > 0)
		ret = maildir_write(&m, buf, (size_t)got);
	close(fd);
	if (!ret)
		ret = maildir_commit(&m, name, len);
	maildir_abort(&m);
	if (ret || (!s->mb.v[i].flags && !*letters))
		return ret;
	mailbox_flag_suffix(s->mb.v[i].flags, letters, suffix, sizeof(suffix));
	snprintf(from, sizeof(from), "%s/%s", dir, name);
	snprintf(to, sizeof(to), "%s/cur/%s%s", dir, name + 4, suffix);
	return rename(from, to) ? -errno : 0;
}

/* "a,b,c" of the UIDs the copies got, for COPYUID. */
static void new_uids(const char *dir, char **names, size_t n, char *out,
		     size_t len, uint32_t *validity)
{
	struct mailbox mb;
	size_t i, j, off = 0, base;

	out[0] = '\0';
	if (mailbox_open(dir, &mb))
		return;
	*validity = mb.uidvalidity;
	for (i = 0; i < n && off < len; i++) {
		base = strcspn(names[i] + 4, ":");
		for (j = mb.n; j-- > 0;)
			if (mb.v[j].base_len == base &&
			    !strncmp(mb.v[j].name + 4, names[i] + 4, base))
				break;
		if (j == (size_t)-1) {
			out[0] = '\0';
			break;
		}
		off += (size_t)snprintf(out + off, len - off, "%s%u",
					i ? "," : "", mb.v[j].uid);
	}
	mailbox_close(&mb);
}

static void copy(struct imap_session *s, const struct imap_arg *args,
		 bool uid, bool move)
{
	const char *box = args ? imap_arg_str(args->next) : NULL;
	char dir[PATH_MAX], **names, src[4096], dst[4096];
	struct keywords kw;
	size_t *idx = NULL, n = 0, i, off = 0;
	struct timespec cur[2];
	uint32_t validity = 0;
	bool timed;
	int ret = 0;

	if (!box || args->next->next ||
	    imap_view_select(s, imap_arg_atom(args), uid, &idx, &n)) {
		imap_bad(s, "Invalid COPY arguments.");
		return;
	}
	if (imap_folder_path(s, box, dir, sizeof(dir)) || access(dir, F_OK)) {
		free(idx);
		imap_done(s, "NO", "[TRYCREATE] Mailbox doesn't exist: %s",
			  box);
		return;
	}
	if (move && s->readonly) {
		free(idx);
		imap_done(s, "NO", "[READ-ONLY] Mailbox is read-only.");
		return;
	}
	if (keywords_read(dir, &kw))
		memset(&kw, 0, sizeof(kw));
	names = calloc(n ? n : 1, sizeof(*names));
	for (i = 0; names && i < n && !ret; i++) {
		names[i] = malloc(MAILDIR_NAME_MAX + 40);
		ret = names[i] ? copy_file(s, idx[i], dir, &kw, names[i],
					   MAILDIR_NAME_MAX + 40) : -ENOMEM;
		if (!ret && off < sizeof(src))
			off += (size_t)snprintf(src + off, sizeof(src) - off,
						"%s%u", i ? "," : "",
						s->mb.v[idx[i]].uid);
	}
	if (!names)
		ret = -ENOMEM;
	if (!ret && n)
		new_uids(dir, names, n, dst, sizeof(dst), &validity);
	timed = move && !ret && !mailbox_cur_mtime(&s->mb, &cur[0]);
	for (i = 0; move && !ret && i < n; i++)
		ret = imap_view_remove(s, idx[i], false);
	if (move && !ret)
		ret = mailbox_sync_dirs(&s->mb);
	if (move && !ret && n)
		imap_modseq_expunged(s, idx, n, timed &&
				     !mailbox_cur_mtime(&s->mb, &cur[1]) ?
				     cur : NULL);
	for (i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
	free(idx);
	if (ret == -ENOSPC) {
		imap_done(s, "NO", "[LIMIT] The target has 26 keywords "
			  "already.");
		return;
	}
	if (ret) {
		imap_done(s, "NO", "[SERVERBUG] %s failed: %s",
			  move ? "Move" : "Copy", strerror(-ret));
		return;
	}
	if (move) {
		/* RFC 6851 4.3: COPYUID comes untagged, before the EXPUNGEs. */
		if (n && dst[0])
			imap_send(s, "* OK [COPYUID %u %s %s] Moved.",
				  validity, src, dst);
		imap_view_sync_done(s, "Move completed.");
	} else if (n && dst[0] && off < sizeof(src)) {
		imap_done(s, "OK", "[COPYUID %u %s %s] Copy completed.",
			  validity, src, dst);
	} else {
		imap_done(s, "OK", "Copy completed.");
	}
}

void imap_cmd_copy(struct imap_session *s, const struct imap_arg *args,
		   bool uid)
{
	copy(s, args, uid, false);
}

void imap_cmd_move(struct imap_session *s, const struct imap_arg *args,
		   bool uid)
{
	copy(s, args, uid, true);
}
