// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for mailbox.c, in a fresh Maildir per test: UIDs given once
 * and kept across opens, Dovecot's uidlist read and written, flags as
 * renames, and what a crash can leave behind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "mailbox.h"
#include "maildir.h"
#include "test_tmpdir.h"

static int setup(void **state)
{
	if (test_dir_setup(state, "mailbox", "Maildir"))
		return -1;
	return maildir_create(((struct test_dir *)*state)->path) ? -1 : 0;
}

static int teardown(void **state)
{
	return test_dir_teardown(state);
}

/* A message delivered as nfpostd delivers it; its name in @name. */
static void deliver(const struct test_dir *d, const char *text, char *name)
{
	struct maildir_msg m;
	char buf[300];

	assert_int_equal(maildir_open(d->path, &m), 0);
	assert_int_equal(maildir_write(&m, text, strlen(text)), 0);
	assert_int_equal(maildir_commit(&m, buf, sizeof(buf)), 0);
	if (name)
		strcpy(name, buf);
}

/* A file placed by hand, relative to the Maildir. */
static void put(const struct test_dir *d, const char *rel, const char *text)
{
	char path[400];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", d->path, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void slurp(const struct test_dir *d, const char *rel, char *buf, size_t len)
{
	char path[400];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", d->path, rel);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void new_messages_get_uids_in_delivery_order(void **state)
{
	struct test_dir *d = *state;
	struct mailbox mb;

	deliver(d, "one\r\n", NULL);
	deliver(d, "two two\r\n", NULL);
	deliver(d, "three\r\n", NULL);
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	assert_int_equal(mb.n, 3);
	assert_int_equal(mb.v[0].uid, 1);
	assert_int_equal(mb.v[2].uid, 3);
	assert_int_equal(mb.uidnext, 4);
	assert_int_equal(mb.v[1].size, 9);
	assert_true(mb.v[0].in_new);
	assert_int_not_equal(mb.uidvalidity, 0);
	mailbox_close(&mb);
}

static void uids_survive_a_reopen_and_are_never_reused(void **state)
{
	struct test_dir *d = *state;
	struct mailbox mb;
	uint32_t validity;
	char first[300];

	deliver(d, "one\r\n", first);
	deliver(d, "two\r\n", NULL);
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	validity = mb.uidvalidity;
	assert_int_equal(mailbox_remove(&mb, 0), 0);
	/* Not there (gone, or renamed by another): said, for a refind. */
	assert_int_equal(mailbox_remove(&mb, 0), -ENOENT);
	mailbox_close(&mb);
	deliver(d, "three\r\n", NULL);
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	assert_int_equal(mb.uidvalidity, validity);
	assert_int_equal(mb.n, 2);
	assert_int_equal(mb.v[0].uid, 2);
	assert_int_equal(mb.v[1].uid, 3);
	assert_int_equal(mailbox_find(&mb, 3), 1);
	assert_int_equal(mailbox_find(&mb, 1), -1);
	mailbox_close(&mb);
}

static void uidl_is_dovecots_default_format(void **state)
{
	struct test_dir *d = *state;
	struct mailbox mb;
	char uidl[17];

	put(d, "dovecot-uidlist", "3 V1700000000 N8 Gabc\n7 :1.M1P1.h\n");
	put(d, "cur/1.M1P1.h:2,S", "x\r\n");
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	mailbox_uidl(&mb, 0, uidl);
	assert_string_equal(uidl, "000000076553f100");
	mailbox_close(&mb);
}

/* Dovecot stores with bare LFs; ",W=" is the size a client is told. */
static void bare_lf_files_read_with_crlf_and_w_size(void **state)
{
	struct test_dir *d = *state;
	struct mailbox mb;
	size_t len, lf;
	time_t mtime;
	char *buf;

	put(d, "cur/1.M1P1.h,S=11,W=14:2,S", "A: b\n\nc\r\nd\n");
	put(d, "new/2.M2P2.h,S=4", "x\r\n\n");
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	assert_int_equal(mb.n, 2);
	lf = mb.v[0].in_new;	/* the order of UIDs is the scan's */
	assert_int_equal(mb.v[!lf].size, 4);
	assert_int_equal(mb.v[lf].size, 14);
	assert_int_equal(mailbox_msg_read(&mb, lf, &buf, &len, &mtime), 0);
	assert_int_equal(len, 14);
	assert_string_equal(buf, "A: b\r\n\r\nc\r\nd\r\n");
	assert_true(mtime > 0);
	free(buf);
	assert_int_equal(mailbox_msg_read(&mb, !lf, &buf, &len, NULL), 0);
	assert_int_equal(len, 5);
	assert_memory_equal(buf, "x\r\n\r\n", 6);
	free(buf);
	mailbox_close(&mb);
}

static int open_fds(void)
{
	int n = 0, fd;

	for (fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

/*
 * Held, the Maildir's descriptor opens the messages: the same bytes, a
 * message claimed into cur/ since found there; released (or closed), the
 * descriptor is gone.
 */
static void held_dir_reads_the_same_and_follows_a_claim(void **state)
{
	struct test_dir *d = *state;
	char *buf, from[400], to[400];
	struct mailbox mb;
	size_t len, nw;
	int fds = open_fds();

	put(d, "cur/1.M1P1.h,S=8:2,S", "A: b\n\nc\n");
	put(d, "new/2.M2P2.h,S=5", "x\r\n\r\n");
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	assert_int_equal(mailbox_dir_hold(&mb), 0);
	assert_true(mb.dir_held);
	assert_int_equal(open_fds(), fds + 1);
	nw = mb.v[0].in_new ? 0 : 1;
	assert_int_equal(mailbox_msg_read(&mb, !nw, &buf, &len, NULL), 0);
	assert_string_equal(buf, "A: b\r\n\r\nc\r\n");
	free(buf);
	snprintf(from, sizeof(from), "%s/new/2.M2P2.h,S=5", d->path);
	snprintf(to, sizeof(to), "%s/cur/2.M2P2.h,S=5:2,", d->path);
	assert_int_equal(rename(from, to), 0);
	assert_int_equal(mailbox_msg_read(&mb, nw, &buf, &len, NULL), 0);
	assert_memory_equal(buf, "x\r\n\r\n", 6);
	free(buf);
	mailbox_dir_release(&mb);
	assert_false(mb.dir_held);
	assert_int_equal(open_fds(), fds);
	assert_int_equal(mailbox_msg_read(&mb, nw, &buf, &len, NULL), 0);
	free(buf);
	assert_int_equal(mailbox_dir_hold(&mb), 0);
	mailbox_close(&mb);
	assert_int_equal(open_fds(), fds);
}

/* Where the header of CRLF text @p ends: past its blank line, or @len. */
static size_t crlf_header_end(const char *p, size_t len)
{
	size_t i;

	if (len >= 2 && !memcmp(p, "\r\n", 2))
		return 2;
	for (i = 0; i + 4 <= len; i++)
		if (!memcmp(p + i, "\r\n\r\n", 4))
			return i + 4;
	return len;
}

/*
 * A file of about @hdr header bytes (70-byte "X: xxx" lines, @lf: with
 * bare LFs), a blank line unless @blank is false, then @body bytes:
 * mailbox_msg_read_header() gives a prefix of what mailbox_msg_read()
 * gives: the whole header, up to and with its blank line, and nothing of
 * the body.
 */
static void header_read(const struct test_dir *d, size_t hdr, bool blank,
			size_t body, bool lf)
{
	const char *eol = lf ? "\n" : "\r\n";
	char *text = malloc(hdr + body + 8), *whole, *head;
	size_t n = 0, wlen, hlen, line;
	struct mailbox mb;
	time_t mtime = 0;

	assert_non_null(text);
	while (n < hdr) {
		line = hdr - n < 70 ? hdr - n : 70;
		memset(text + n, 'x', line);
		if (line > strlen(eol) + 3) {
			memcpy(text + n, "X: ", 3);
			memcpy(text + n + line - strlen(eol), eol, strlen(eol));
		}
		n += line;
	}
	if (blank) {
		memcpy(text + n, eol, strlen(eol));
		n += strlen(eol);
	}
	memset(text + n, 'b', body);
	text[n + body] = '\0';
	put(d, "cur/h:2,", text);
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	assert_int_equal(mailbox_msg_read(&mb, 0, &whole, &wlen, NULL), 0);
	assert_int_equal(mailbox_msg_read_header(&mb, 0, &head, &hlen,
						 &mtime), 0);
	assert_true(mtime > 0);
	assert_true(hlen <= wlen);
	assert_memory_equal(head, whole, hlen);
	assert_int_equal(head[hlen], '\0');
	/* The header exactly: none of the body read with it. */
	assert_int_equal(hlen, crlf_header_end(whole, wlen));
	if (!blank)
		assert_int_equal(hlen, wlen);
	free(head);
	free(whole);
	free(text);
	mailbox_close(&mb);
}

static void header_reads_stop_after_the_blank_line(void **state)
{
	struct test_dir *d = *state;

	header_read(d, 210, true, 20000, false);
	header_read(d, 6000, true, 20000, false);	/* past 4 KiB */
	header_read(d, 280, true, 20000, true);		/* bare LFs */
	header_read(d, 9000, false, 0, false);		/* no blank line */
	/* The blank line's CRLF across the first read's end. */
	header_read(d, 4094, true, 20000, false);
	header_read(d, 4095, true, 20000, false);
	header_read(d, 0, true, 100, false);
	header_read(d, 0, false, 0, false);		/* empty */
}

static void dovecots_list_is_honoured_fields_and_all(void **state)
{
	struct test_dir *d = *state;
	struct mailbox mb;

	/* As Dovecot 2.3 writes it: extension fields before the name. */
	put(d, "dovecot-uidlist", "3 V42 N20 G0123456789abcdef\n"
	    "5 W120 :1000.M1P1.host,S=118\n"
	    "9 G0123 :1001.M1P1.host,S=3\n");
	put(d, "cur/1001.M1P1.host,S=3:2,RS", "abc");
	put(d, "cur/1000.M1P1.host,S=118:2,", "x");
	put(d, "new/1002.M1P1.host", "new one");
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	assert_int_equal(mb.uidvalidity, 42);
	assert_int_equal(mb.n, 3);
	assert_int_equal(mb.v[0].uid, 5);
	assert_int_equal(mb.v[0].size, 118);
	assert_int_equal(mb.v[1].uid, 9);
	assert_int_equal(mb.v[1].flags, MAILBOX_ANSWERED | MAILBOX_SEEN);
	assert_int_equal(mb.v[2].uid, 20);
	assert_int_equal(mb.v[2].size, 7);
	assert_int_equal(mb.uidnext, 21);
	mailbox_close(&mb);
}

static void appended_lines_keep_the_header(void **state)
{
	struct test_dir *d = *state;
	struct mailbox mb;
	char buf[1000];

	put(d, "dovecot-uidlist", "3 V42 N3\n1 :a\n2 :b\n");
	put(d, "new/a", "1");
	put(d, "new/b", "2");
	put(d, "new/c", "3");
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	mailbox_close(&mb);
	slurp(d, "dovecot-uidlist", buf, sizeof(buf));
	assert_string_equal(buf, "3 V42 N3\n1 :a\n2 :b\n3 :c\n");
	snprintf(buf, sizeof(buf), "%s/dovecot-uidlist.lock", d->path);
	assert_int_equal(access(buf, F_OK), -1);
}

static void torn_last_line_is_ignored(void **state)
{
	struct test_dir *d = *state;
	struct mailbox mb;

	/* A crash in the middle of an append: "3 :c" has no line end. */
	put(d, "dovecot-uidlist", "3 V42 N3\n1 :a\n2 :b\n3 :c");
	put(d, "new/a", "1");
	put(d, "new/c", "3");
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	assert_int_equal(mb.n, 2);
	assert_int_equal(mb.v[0].uid, 1);
	assert_int_equal(mb.v[1].uid, 3);
	mailbox_close(&mb);
}

/* APPEND's way in: the UID is written down before the file appears. */
static uint32_t commit_uid(const struct test_dir *d, const char *text,
			   uint32_t *validity)
{
	struct maildir_msg m;
	char name[300];
	uint32_t uid;

	assert_int_equal(maildir_open(d->path, &m), 0);
	assert_int_equal(maildir_write(&m, text, strlen(text)), 0);
	assert_int_equal(mailbox_commit_uid(&m, name, sizeof(name), &uid,
					    validity), 0);
	maildir_abort(&m);
	return uid;
}

static void commit_uid_numbers_without_a_scan_as_open_would(void **state)
{
	struct test_dir *d = *state;
	struct mailbox mb;
	uint32_t validity = 0;

	/* No list yet: no UID given, the next open numbers it. */
	assert_int_equal(commit_uid(d, "one\r\n", &validity), 0);
	deliver(d, "two\r\n", NULL);
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	mailbox_close(&mb);
	assert_int_equal(commit_uid(d, "three\r\n", &validity), 3);
	assert_int_equal(validity, mb.uidvalidity);
	assert_int_equal(commit_uid(d, "four\r\n", &validity), 4);
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	assert_int_equal(mb.n, 4);
	assert_int_equal(mb.v[2].uid, 3);
	assert_int_equal(mb.v[3].uid, 4);
	assert_int_equal(mb.v[3].size, 6);
	assert_int_equal(mb.uidnext, 5);
	mailbox_close(&mb);
}

/* The same, its file name in @name. */
static uint32_t commit_named(const struct test_dir *d, const char *text,
			     char *name, size_t len)
{
	struct maildir_msg m;
	uint32_t uid, validity;

	assert_int_equal(maildir_open(d->path, &m), 0);
	assert_int_equal(maildir_write(&m, text, strlen(text)), 0);
	assert_int_equal(mailbox_commit_uid(&m, name, len, &uid, &validity),
			 0);
	maildir_abort(&m);
	return uid;
}

static void add_takes_the_next_uid_only(void **state)
{
	struct test_dir *d = *state;
	struct mailbox mb, again;
	char name[300], other[300];
	uint32_t uid;

	deliver(d, "one\r\n", NULL);
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	uid = commit_named(d, "two two\r\n", name, sizeof(name));
	assert_int_equal(uid, 2);
	assert_int_equal(mailbox_add(&mb, name, uid), 0);
	assert_int_equal(mb.n, 2);
	assert_int_equal(mb.v[1].uid, 2);
	assert_int_equal(mb.v[1].size, 9);
	assert_true(mb.v[1].in_new);
	assert_int_equal(mb.uidnext, 3);
	/* What a rescan finds: the same. */
	assert_int_equal(mailbox_open(d->path, &again), 0);
	assert_int_equal(again.n, 2);
	assert_string_equal(again.v[1].name, mb.v[1].name);
	assert_int_equal(again.uidnext, 3);
	mailbox_close(&again);
	/* Another message got UID 3: 4 would sort after one mb lacks. */
	commit_named(d, "three\r\n", other, sizeof(other));
	uid = commit_named(d, "four\r\n", name, sizeof(name));
	assert_int_equal(uid, 4);
	assert_int_equal(mailbox_add(&mb, name, uid), -ESTALE);
	assert_int_equal(mailbox_add(&mb, "tmp/x", 3), -EINVAL);
	assert_int_equal(mb.n, 2);
	assert_int_equal(mb.uidnext, 3);
	/* A flagged one, in cur/ with its letters. */
	assert_int_equal(mailbox_add(&mb, "cur/x,S=12:2,FS", 3), 0);
	assert_int_equal(mb.v[2].flags, MAILBOX_FLAGGED | MAILBOX_SEEN);
	assert_int_equal(mb.v[2].size, 12);
	assert_false(mb.v[2].in_new);
	mailbox_close(&mb);
}

static void rescan_takes_uids_from_the_view(void **state)
{
	struct test_dir *d = *state;
	struct mailbox mb, again;
	char head[64], buf[64];

	deliver(d, "one\r\n", NULL);
	deliver(d, "two\r\n", NULL);
	deliver(d, "three\r\n", NULL);
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	assert_int_equal(mailbox_set_flags(&mb, 1, MAILBOX_SEEN), 0);
	assert_int_equal(mailbox_remove(&mb, 0), 0);
	/* A list without lines: UIDs can only come from the view. */
	snprintf(head, sizeof(head), "3 V%u N4\n", mb.uidvalidity);
	put(d, "dovecot-uidlist", head);
	assert_int_equal(mailbox_rescan(&mb, &again), 0);
	assert_int_equal(again.n, 2);
	assert_int_equal(again.v[0].uid, 2);
	assert_int_equal(again.v[0].flags, MAILBOX_SEEN);
	assert_false(again.v[0].in_new);
	assert_int_equal(again.v[1].uid, 3);
	assert_true(again.v[1].in_new);
	assert_int_equal(again.uidvalidity, mb.uidvalidity);
	assert_int_equal(again.uidnext, 4);
	/* Neither read nor written, nor locked. */
	slurp(d, "dovecot-uidlist", buf, sizeof(buf));
	assert_string_equal(buf, head);
	mailbox_close(&mb);
	/* Again from a rescan's view. */
	assert_int_equal(mailbox_rescan(&again, &mb), 0);
	assert_int_equal(mb.n, 2);
	assert_int_equal(mb.v[1].uid, 3);
	mailbox_close(&mb);
	mailbox_close(&again);
}

static void rescan_with_a_new_message_or_uidvalidity_opens(void **state)
{
	struct test_dir *d = *state;
	struct mailbox mb, again;
	char buf[400];

	/* Empty, and still empty. */
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	assert_int_equal(mailbox_rescan(&mb, &again), 0);
	assert_int_equal(again.n, 0);
	mailbox_close(&again);
	mailbox_close(&mb);

	deliver(d, "one\r\n", NULL);
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	deliver(d, "two\r\n", NULL);
	assert_int_equal(mailbox_rescan(&mb, &again), 0);
	assert_int_equal(again.n, 2);
	assert_int_equal(again.v[1].uid, 2);
	assert_int_equal(again.uidnext, 3);
	slurp(d, "dovecot-uidlist", buf, sizeof(buf));
	assert_non_null(strstr(buf, "\n2 :"));
	mailbox_close(&again);
	/* The list made anew (another UIDVALIDITY): its UIDs, not mb's. */
	snprintf(buf, sizeof(buf), "3 V%u N20\n10 :%.*s\n", mb.uidvalidity + 1,
		 (int)mb.v[0].base_len, mb.v[0].name + 4);
	put(d, "dovecot-uidlist", buf);
	assert_int_equal(mailbox_rescan(&mb, &again), 0);
	assert_int_equal(again.uidvalidity, mb.uidvalidity + 1);
	assert_int_equal(again.n, 2);
	assert_int_equal(again.v[0].uid, 10);
	assert_int_equal(again.v[1].uid, 20);
	mailbox_close(&again);
	mailbox_close(&mb);
	/* The Maildir gone: its error, as mailbox_open() says it. */
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	test_tmpdir_remove(d->path);
	assert_int_equal(mailbox_rescan(&mb, &again), -ENOENT);
	mailbox_close(&mb);
}

/* How many lines @d's list has, its header with them. */
static int list_lines(const struct test_dir *d)
{
	char buf[4096], *p;
	int n = 0;

	slurp(d, "dovecot-uidlist", buf, sizeof(buf));
	for (p = buf; (p = strchr(p, '\n')); p++)
		n++;
	return n;
}

static void rescan_numbers_deliveries_from_the_list_tail(void **state)
{
	struct test_dir *d = *state;
	struct mailbox mb, again, check;
	char name[300];

	deliver(d, "one\r\n", NULL);
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	/* Numbered by its delivery: the line added since is read. */
	assert_int_equal(commit_named(d, "two\r\n", name, sizeof(name)), 2);
	assert_int_equal(list_lines(d), 3);
	assert_int_equal(mailbox_rescan(&mb, &again), 0);
	assert_int_equal(again.n, 2);
	assert_int_equal(again.v[1].uid, 2);
	assert_int_equal(again.uidnext, 3);
	assert_int_equal(list_lines(d), 3);
	mailbox_close(&mb);
	/* Not numbered (an outside MDA): the next UID, saved once. */
	put(d, "new/3.M3P3.outside", "three\r\n");
	put(d, "new/4.M4P4.outside", "four\r\n");
	assert_int_equal(mailbox_rescan(&again, &mb), 0);
	assert_int_equal(mb.n, 4);
	assert_int_equal(mb.v[2].uid, 3);
	assert_string_equal(mb.v[2].name, "new/3.M3P3.outside");
	assert_int_equal(mb.v[3].uid, 4);
	assert_int_equal(mb.uidnext, 5);
	assert_int_equal(list_lines(d), 5);
	/* What a whole open reads agrees, and adds nothing. */
	assert_int_equal(mailbox_open(d->path, &check), 0);
	assert_int_equal(check.n, 4);
	assert_int_equal(check.v[3].uid, 4);
	assert_string_equal(check.v[3].name, "new/4.M4P4.outside");
	assert_int_equal(check.uidnext, 5);
	assert_int_equal(list_lines(d), 5);
	mailbox_close(&check);
	mailbox_close(&again);
	/* A torn last line (a crash mid-append) is ended and ignored. */
	{
		FILE *f;
		char path[200];

		snprintf(path, sizeof(path), "%s/dovecot-uidlist", d->path);
		f = fopen(path, "a");
		assert_non_null(f);
		fputs("9 :torn", f);
		fclose(f);
	}
	put(d, "new/5.M5P5.outside", "five\r\n");
	assert_int_equal(mailbox_rescan(&mb, &again), 0);
	assert_int_equal(again.n, 5);
	assert_int_equal(again.v[4].uid, 5);
	mailbox_close(&again);
	mailbox_close(&mb);
	slurp(d, "dovecot-uidlist", name, sizeof(name));
	assert_non_null(strstr(name, "\n9 :torn\n5 :5.M5P5.outside\n"));
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	assert_int_equal(mb.n, 5);
	assert_int_equal(mb.v[4].uid, 5);
	mailbox_close(&mb);
}

static void rescan_reads_cur_only_when_it_changed(void **state)
{
	struct timespec past[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	struct test_dir *d = *state;
	struct mailbox mb, again;
	char cur[200], nw[200];

	snprintf(cur, sizeof(cur), "%s/cur", d->path);
	snprintf(nw, sizeof(nw), "%s/new", d->path);
	put(d, "cur/1.M1P1.h:2,S", "one\r\n");
	assert_int_equal(utimensat(AT_FDCWD, cur, past, 0), 0);
	assert_int_equal(utimensat(AT_FDCWD, nw, past, 0), 0);
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	assert_true(mb.settled);
	/* Slipped into cur/ with its mtime put back: not read again. */
	put(d, "cur/2.M2P2.h:2,", "two\r\n");
	assert_int_equal(utimensat(AT_FDCWD, cur, past, 0), 0);
	put(d, "new/3.M3P3.h", "three\r\n");
	assert_int_equal(mailbox_rescan(&mb, &again), 0);
	assert_int_equal(again.n, 2);
	assert_string_equal(again.v[0].name, "cur/1.M1P1.h:2,S");
	assert_int_equal(again.v[0].flags, MAILBOX_SEEN);
	assert_string_equal(again.v[1].name, "new/3.M3P3.h");
	assert_int_equal(again.v[1].uid, 2);
	mailbox_close(&again);
	/* cur/ changed: read, and its new message numbered after. */
	assert_int_equal(mailbox_set_flags(&mb, 0, 0), 0);
	assert_int_equal(mailbox_rescan(&mb, &again), 0);
	assert_int_equal(again.n, 3);
	assert_int_equal(again.v[0].flags, 0);
	assert_int_equal(again.v[1].uid, 2);
	assert_int_equal(again.v[2].uid, 3);
	assert_string_equal(again.v[2].name, "cur/2.M2P2.h:2,");
	mailbox_close(&again);
	mailbox_close(&mb);
}

static void commit_uid_honours_header_and_ends_a_torn_line(void **state)
{
	struct test_dir *d = *state;
	struct mailbox mb;
	uint32_t validity = 0;
	char buf[400];

	/* N above the last line (expunged ones), then a torn append. */
	put(d, "dovecot-uidlist", "3 V42 N9\n1 :a\n2 :b\n3 :c");
	put(d, "new/a", "1");
	assert_int_equal(commit_uid(d, "x\r\n", &validity), 9);
	assert_int_equal(validity, 42);
	slurp(d, "dovecot-uidlist", buf, sizeof(buf));
	assert_non_null(strstr(buf, "\n3 :c\n9 :"));
	put(d, "dovecot-uidlist", "3 V42 N2\n1 :a\n7 :b\n");
	assert_int_equal(commit_uid(d, "y\r\n", &validity), 8);
	/* y keeps 8; x, which the new list forgot, gets the next one. */
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	assert_int_equal(mb.n, 3);
	assert_int_equal(mb.v[1].uid, 8);
	assert_int_equal(mb.v[1].size, 3);
	assert_int_equal(mb.v[2].uid, 9);
	mailbox_close(&mb);
}

static void unchanged_until_a_delivery_or_a_rename(void **state)
{
	struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	struct test_dir *d = *state;
	struct mailbox mb;
	char sub[200];

	deliver(d, "one\r\n", NULL);
	/* Directories changed this very second are never trusted. */
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	assert_false(mailbox_unchanged(&mb));
	mailbox_close(&mb);
	snprintf(sub, sizeof(sub), "%s/new", d->path);
	assert_int_equal(utimensat(AT_FDCWD, sub, old, 0), 0);
	snprintf(sub, sizeof(sub), "%s/cur", d->path);
	assert_int_equal(utimensat(AT_FDCWD, sub, old, 0), 0);
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	assert_true(mailbox_unchanged(&mb));
	assert_int_equal(mailbox_set_flags(&mb, 0, MAILBOX_SEEN), 0);
	assert_false(mailbox_unchanged(&mb));
	mailbox_close(&mb);
	assert_int_equal(utimensat(AT_FDCWD, sub, old, 0), 0);
	snprintf(sub, sizeof(sub), "%s/new", d->path);
	assert_int_equal(utimensat(AT_FDCWD, sub, old, 0), 0);
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	assert_true(mailbox_unchanged(&mb));
	deliver(d, "two\r\n", NULL);
	assert_false(mailbox_unchanged(&mb));
	mailbox_close(&mb);
}

/* @sub's mtime @ms milliseconds ago (< 0: ahead), with a sub-second part. */
static void mtime_ago(const struct test_dir *d, const char *sub, long ms)
{
	struct timespec t[2];
	long long ns;
	char path[200];

	clock_gettime(CLOCK_REALTIME, &t[0]);
	ns = (long long)t[0].tv_sec * 1000000000LL + t[0].tv_nsec -
	     (long long)ms * 1000000LL;
	t[0].tv_sec = (time_t)(ns / 1000000000LL);
	t[0].tv_nsec = (long)(ns % 1000000000LL) | 1;
	t[1] = t[0];
	snprintf(path, sizeof(path), "%s/%s", d->path, sub);
	assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);
}

static void nanosecond_mtimes_settle_in_50_ms(void **state)
{
	struct test_dir *d = *state;
	struct mailbox mb;

	deliver(d, "one\r\n", NULL);
	mtime_ago(d, "new", 300);
	mtime_ago(d, "cur", 300);
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	assert_true(mb.settled);
	assert_true(mailbox_unchanged(&mb));
	mailbox_close(&mb);
	/*
	 * Changed in the last 50 ms (as if in the same tick): not trusted.
	 * Ahead of the clock, so that a slow machine cannot make it 50 ms
	 * old before the open.
	 */
	mtime_ago(d, "cur", -2000);
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	assert_false(mb.settled);
	assert_false(mb.cur_settled);
	assert_false(mailbox_unchanged(&mb));
	mailbox_close(&mb);
	mtime_ago(d, "cur", 300);
	mtime_ago(d, "new", -2000);
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	assert_false(mb.settled);
	assert_true(mb.cur_settled);
	mailbox_close(&mb);
}

static void unreadable_list_means_new_uidvalidity(void **state)
{
	struct test_dir *d = *state;
	struct mailbox mb;
	char buf[1000];

	put(d, "dovecot-uidlist", "garbage\n1 :a\n");
	put(d, "new/a", "1");
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	assert_int_not_equal(mb.uidvalidity, 0);
	assert_int_equal(mb.v[0].uid, 1);
	mailbox_close(&mb);
	slurp(d, "dovecot-uidlist", buf, sizeof(buf));
	assert_int_equal(strncmp(buf, "3 V", 3), 0);
	assert_non_null(strstr(buf, "\n1 :a\n"));
}

static void stale_lock_is_broken_fresh_one_waited_for(void **state)
{
	struct test_dir *d = *state;
	struct timespec old[2] = { { 1000, 0 }, { 1000, 0 } };
	struct mailbox mb;
	char path[200];

	put(d, "dovecot-uidlist.lock", "");
	snprintf(path, sizeof(path), "%s/dovecot-uidlist.lock", d->path);
	assert_int_equal(utimensat(AT_FDCWD, path, old, 0), 0);
	put(d, "new/a", "1");
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	assert_int_equal(mb.n, 1);
	mailbox_close(&mb);
	assert_int_equal(access(path, F_OK), -1);
}

static void keyword_letters_are_set_and_dropped(void **state)
{
	struct test_dir *d = *state;
	struct mailbox mb;

	put(d, "cur/a:2,Pb", "1");
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	assert_int_equal(mailbox_set_letters(&mb, 0, MAILBOX_SEEN, "Pzac"), 0);
	assert_string_equal(mb.v[0].name, "cur/a:2,PSacz");
	assert_string_equal(mb.v[0].other, "Pacz");
	/* What is neither P nor a-z is not a letter to keep. */
	assert_int_equal(mailbox_set_letters(&mb, 0, 0, "c!Q"), 0);
	assert_string_equal(mb.v[0].name, "cur/a:2,c");
	assert_string_equal(mb.v[0].other, "c");
	/* mailbox_set_flags() keeps them. */
	assert_int_equal(mailbox_set_flags(&mb, 0, MAILBOX_DRAFT), 0);
	assert_string_equal(mb.v[0].name, "cur/a:2,Dc");
	mailbox_close(&mb);
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	assert_string_equal(mb.v[0].other, "c");
	assert_int_equal(mb.v[0].flags, MAILBOX_DRAFT);
	mailbox_close(&mb);
}

static void flags_are_renames_into_cur(void **state)
{
	struct test_dir *d = *state;
	struct mailbox mb;
	char path[400];

	put(d, "new/a,S=1", "1");
	put(d, "cur/b:2,Pa", "2");
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	assert_int_equal(mailbox_set_flags(&mb, 0, MAILBOX_SEEN |
					   MAILBOX_FLAGGED), 0);
	assert_string_equal(mb.v[0].name, "cur/a,S=1:2,FS");
	assert_false(mb.v[0].in_new);
	/* P and keyword letters stay, in ASCII order with the others. */
	assert_string_equal(mb.v[1].other, "Pa");
	assert_int_equal(mailbox_set_flags(&mb, 1, MAILBOX_DELETED), 0);
	assert_string_equal(mb.v[1].name, "cur/b:2,PTa");
	assert_int_equal(mailbox_sync_dirs(&mb), 0);
	mailbox_close(&mb);
	snprintf(path, sizeof(path), "%s/cur/b:2,PTa", d->path);
	assert_int_equal(access(path, F_OK), 0);
	/* Reopened: the same UIDs, the flags from the names. */
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	assert_int_equal(mb.v[0].uid, 1);
	assert_int_equal(mb.v[0].flags, MAILBOX_SEEN | MAILBOX_FLAGGED);
	assert_int_equal(mb.v[1].flags, MAILBOX_DELETED);
	mailbox_close(&mb);
}

static void a_message_seen_in_new_and_cur_counts_once(void **state)
{
	struct test_dir *d = *state;
	struct mailbox mb;

	put(d, "new/a", "1");
	put(d, "cur/a:2,S", "1");
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	assert_int_equal(mb.n, 1);
	assert_string_equal(mb.v[0].name, "cur/a:2,S");
	mailbox_close(&mb);
}

/*
 * The list's order places the messages it knows, with no sort, when its
 * UIDs rise line by line; else they are sorted. Both give the same view.
 */
static void known_messages_in_uid_order_whatever_the_list(void **state)
{
	static const char *const lists[] = {
		"3 V7 N10\n3 :b\n5 :a\n",		/* placed */
		"3 V7 N10\n5 :a\n3 :b\n",		/* sorted */
	};
	struct test_dir *d = *state;
	char path[400];
	struct mailbox mb;
	size_t i;

	for (i = 0; i < 2; i++) {
		put(d, "dovecot-uidlist", lists[i]);
		put(d, "new/a", "1");
		put(d, "cur/a:2,S", "1");	/* a rename seen half-way */
		put(d, "cur/b:2,", "2");
		put(d, "new/d", "4");
		put(d, "new/c", "3");
		assert_int_equal(mailbox_open(d->path, &mb), 0);
		assert_int_equal(mb.n, 4);
		assert_int_equal(mb.v[0].uid, 3);
		assert_string_equal(mb.v[0].name, "cur/b:2,");
		assert_int_equal(mb.v[1].uid, 5);
		assert_string_equal(mb.v[1].name, "cur/a:2,S");
		assert_int_equal(mb.v[2].uid, 10);
		assert_string_equal(mb.v[2].name, "new/c");
		assert_int_equal(mb.v[3].uid, 11);
		assert_string_equal(mb.v[3].name, "new/d");
		mailbox_close(&mb);
		snprintf(path, sizeof(path), "%s/new/c", d->path);
		assert_int_equal(unlink(path), 0);
		snprintf(path, sizeof(path), "%s/new/d", d->path);
		assert_int_equal(unlink(path), 0);
	}
}

static void stale_lines_are_rewritten_away(void **state)
{
	struct test_dir *d = *state;
	struct mailbox mb;
	char buf[4000];
	size_t off;
	int i;

	off = (size_t)snprintf(buf, sizeof(buf), "3 V7 N101\n");
	for (i = 1; i <= 100; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off,
					"%d :m%d\n", i, i);
	put(d, "dovecot-uidlist", buf);
	put(d, "cur/m100:2,", "x");
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	assert_int_equal(mb.v[0].uid, 100);
	mailbox_close(&mb);
	slurp(d, "dovecot-uidlist", buf, sizeof(buf));
	assert_string_equal(buf, "3 V7 N101\n100 :m100\n");
}

static void peek_writes_nothing(void **state)
{
	struct test_dir *d = *state;
	struct mailbox mb;
	char path[200];

	put(d, "new/a", "1");
	assert_int_equal(mailbox_peek(d->path, &mb), 0);
	assert_int_equal(mb.n, 1);
	assert_int_equal(mb.v[0].uid, 1);
	assert_int_equal(mb.uidvalidity, 0);
	mailbox_close(&mb);
	snprintf(path, sizeof(path), "%s/dovecot-uidlist", d->path);
	assert_int_equal(access(path, F_OK), -1);
	/* Once the list exists, peek reads the same UIDs as open. */
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	mailbox_close(&mb);
	put(d, "new/b", "2");
	assert_int_equal(mailbox_peek(d->path, &mb), 0);
	assert_int_equal(mb.v[1].uid, 2);
	assert_int_not_equal(mb.uidvalidity, 0);
	mailbox_close(&mb);
}

static void not_a_maildir_is_enoent(void **state)
{
	struct test_dir *d = *state;
	struct mailbox mb;
	char path[200];

	snprintf(path, sizeof(path), "%s/none", d->root);
	assert_int_equal(mailbox_open(path, &mb), -ENOENT);
}

static void flag_letters_round_trip(void **state)
{
	char other[27], buf[40];
	unsigned int f;

	(void)state;
	f = mailbox_flags_parse("DFPRSTab", other, sizeof(other));
	assert_int_equal(f, MAILBOX_DRAFT | MAILBOX_FLAGGED |
			 MAILBOX_ANSWERED | MAILBOX_SEEN | MAILBOX_DELETED);
	assert_string_equal(other, "Pab");
	mailbox_flag_suffix(f, other, buf, sizeof(buf));
	assert_string_equal(buf, ":2,DFPRSTab");
	mailbox_flag_suffix(0, "", buf, sizeof(buf));
	assert_string_equal(buf, ":2,");
}

/*
 * Renamed by another (flags), a message is found by its base, with the
 * flags it has now; gone, it is -ENOENT.
 */
static void refind_follows_a_rename_and_says_gone(void **state)
{
	struct test_dir *d = *state;
	char from[400], to[400], *buf;
	struct mailbox mb;
	size_t len;

	deliver(d, "one\r\n", NULL);
	deliver(d, "two\r\n", NULL);
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	assert_int_equal(mailbox_set_flags(&mb, 1, MAILBOX_SEEN), 0);
	snprintf(from, sizeof(from), "%s/%s", d->path, mb.v[1].name);
	snprintf(to, sizeof(to), "%s/cur/%.*s:2,FSa", d->path,
		 (int)mb.v[1].base_len, mb.v[1].name + 4);
	assert_int_equal(rename(from, to), 0);
	assert_int_equal(mailbox_msg_read(&mb, 1, &buf, &len, NULL), -ENOENT);
	assert_int_equal(mailbox_refind(&mb, 1), 0);
	assert_int_equal(mb.v[1].uid, 2);
	assert_int_equal(mb.v[1].flags, MAILBOX_SEEN | MAILBOX_FLAGGED);
	assert_string_equal(mb.v[1].other, "a");
	assert_int_equal(mailbox_msg_read(&mb, 1, &buf, &len, NULL), 0);
	assert_memory_equal(buf, "two\r\n", len);
	free(buf);
	/* Its neighbour in new/ is not taken for it. */
	assert_int_equal(mailbox_remove(&mb, 1), 0);
	assert_int_equal(mailbox_refind(&mb, 1), -ENOENT);
	assert_true(mb.v[0].in_new);
	mailbox_close(&mb);
}

#define DIR_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		DIR_TEST(new_messages_get_uids_in_delivery_order),
		DIR_TEST(uids_survive_a_reopen_and_are_never_reused),
		DIR_TEST(uidl_is_dovecots_default_format),
		DIR_TEST(bare_lf_files_read_with_crlf_and_w_size),
		DIR_TEST(held_dir_reads_the_same_and_follows_a_claim),
		DIR_TEST(header_reads_stop_after_the_blank_line),
		DIR_TEST(dovecots_list_is_honoured_fields_and_all),
		DIR_TEST(appended_lines_keep_the_header),
		DIR_TEST(torn_last_line_is_ignored),
		DIR_TEST(commit_uid_numbers_without_a_scan_as_open_would),
		DIR_TEST(commit_uid_honours_header_and_ends_a_torn_line),
		DIR_TEST(add_takes_the_next_uid_only),
		DIR_TEST(rescan_takes_uids_from_the_view),
		DIR_TEST(rescan_with_a_new_message_or_uidvalidity_opens),
		DIR_TEST(rescan_numbers_deliveries_from_the_list_tail),
		DIR_TEST(rescan_reads_cur_only_when_it_changed),
		DIR_TEST(unchanged_until_a_delivery_or_a_rename),
		DIR_TEST(nanosecond_mtimes_settle_in_50_ms),
		DIR_TEST(unreadable_list_means_new_uidvalidity),
		DIR_TEST(stale_lock_is_broken_fresh_one_waited_for),
		DIR_TEST(flags_are_renames_into_cur),
		DIR_TEST(keyword_letters_are_set_and_dropped),
		DIR_TEST(a_message_seen_in_new_and_cur_counts_once),
		DIR_TEST(known_messages_in_uid_order_whatever_the_list),
		DIR_TEST(stale_lines_are_rewritten_away),
		DIR_TEST(peek_writes_nothing),
		DIR_TEST(not_a_maildir_is_enoent),
		DIR_TEST(refind_follows_a_rename_and_says_gone),
		cmocka_unit_test(flag_letters_round_trip),
	};

	return cmocka_run_group_tests_name("mailbox", tests, NULL, NULL);
}
