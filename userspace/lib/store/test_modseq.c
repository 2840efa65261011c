// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for modseq.c: the log parsed from tables, then in a fresh
 * Maildir per test: MODSEQs given, kept across opens, raised by changes
 * made here or behind the log's back, after a crash, and a compaction.
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
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "mailbox.h"
#include "maildir.h"
#include "modseq.h"
#include "test_table.h"
#include "test_tmpdir.h"

struct parse_case {
	const char *name;
	const char *text;
	uint32_t validity;
	uint64_t highest;
	size_t n, lines, good;
	uint32_t uid;		/* looked up */
	uint64_t modseq;	/* its, 0 if none */
	const char *letters;
	bool gone;
};

#define HDR "nfpost-modseq 1 V7 H5\n"

static const struct parse_case parses[] = {
	{ "empty log", "", 0, 0, 0, 0, 0, 1, 0, NULL, false },
	{ "header only", HDR, 7, 5, 0, 0, 22, 1, 0, NULL, false },
	{ "later line wins", HDR "1 6 :S\n2 7 :\n1 8 :FS\n", 7, 8, 2, 3, 43,
	  1, 8, "FS", false },
	{ "expunge line", HDR "3 6 :\n3 9 !\n", 7, 9, 1, 2, 34, 3, 9, "",
	  true },
	{ "torn last line ignored", HDR "1 6 :S\n1 7 :F", 7, 6, 1, 1, 29, 1,
	  6, "S", false },
	{ "malformed lines skipped", HDR "x 6 :S\n0 6 :S\n4 0 :S\n4 6 S\n"
	  "4 6 :S1\n4 6 :S\n", 7, 6, 1, 1, 64, 4, 6, "S", false },
	{ "keyword letters", HDR "2 6 :Sab\n", 7, 6, 1, 1, 31, 2, 6, "Sab",
	  false },
	{ "highest kept by the header", "nfpost-modseq 1 V7 H90\n2 6 :\n", 7,
	  90, 1, 1, 29, 2, 6, "", false },
	{ "no header: no uidvalidity", "1 3 :S\n", 0, 3, 1, 1, 7, 1, 3, "S",
	  false },
	{ "modseq over 63 bits refused", HDR "1 9223372036854775808 :S\n",
	  7, 5, 0, 0, 47, 1, 0, NULL, false },
	{ "header not first is no header", "1 3 :S\n" HDR, 0, 3, 1, 1, 29,
	  1, 3, "S", false },
};

static void assert_same_log(const struct modseq_log *a,
			    const struct modseq_log *b)
{
	assert_int_equal(a->uidvalidity, b->uidvalidity);
	assert_int_equal(a->highest, b->highest);
	assert_int_equal(a->n, b->n);
	assert_int_equal(a->lines, b->lines);
	assert_int_equal(a->good, b->good);
	if (a->n)
		assert_memory_equal(a->v, b->v, a->n * sizeof(*a->v));
}

/* Parsed on as the bytes come, one at a time: the same as whole. */
static void parse_bytewise(const char *text, const struct modseq_log *whole)
{
	struct modseq_log log = { 0 };
	size_t k;

	for (k = 1; k <= strlen(text); k++)
		assert_int_equal(modseq_log_parse_more(text + log.good,
						       k - log.good, &log), 0);
	assert_same_log(&log, whole);
	modseq_log_free(&log);
}

static void run_parse(void **state)
{
	const struct parse_case *c = *state;
	const struct modseq_rec *r;
	struct modseq_log log;

	assert_int_equal(modseq_log_parse(c->text, strlen(c->text), &log), 0);
	assert_int_equal(log.uidvalidity, c->validity);
	assert_int_equal(log.highest, c->highest);
	assert_int_equal(log.n, c->n);
	assert_int_equal(log.lines, c->lines);
	assert_int_equal(log.good, c->good);
	r = modseq_log_find(&log, c->uid);
	if (!c->modseq) {
		assert_null(r);
	} else {
		assert_non_null(r);
		assert_int_equal(r->modseq, c->modseq);
		assert_string_equal(r->letters, c->letters);
		assert_int_equal(r->gone, c->gone);
	}
	parse_bytewise(c->text, &log);
	modseq_log_free(&log);
}

static int setup(void **state)
{
	if (test_dir_setup(state, "modseq", "Maildir"))
		return -1;
	return maildir_create(((struct test_dir *)*state)->path) ? -1 : 0;
}

static int teardown(void **state)
{
	return test_dir_teardown(state);
}

static void deliver(const struct test_dir *d, int n)
{
	struct maildir_msg m;
	char buf[300];

	while (n--) {
		assert_int_equal(maildir_open(d->path, &m), 0);
		assert_int_equal(maildir_write(&m, "Subject: x\n\nx\n", 14), 0);
		assert_int_equal(maildir_commit(&m, buf, sizeof(buf)), 0);
	}
}

/* A session's view: its mailbox and the log as it last read it. */
struct view {
	struct mailbox mb;
	struct modseq_log log;
};

/* As a session opens it (imap_view_open): the chain starts there. */
static void open_mb(const struct test_dir *d, struct view *v)
{
	memset(&v->log, 0, sizeof(v->log));
	assert_int_equal(mailbox_open(d->path, &v->mb), 0);
	modseq_log_sync_point(&v->log, &v->mb.stamp[1]);
	assert_int_equal(modseq_load(&v->mb, &v->log, true), 0);
}

static void close_mb(struct view *v)
{
	mailbox_close(&v->mb);
	modseq_log_free(&v->log);
}

static off_t log_size(const struct test_dir *d)
{
	char path[200];
	struct stat st;

	snprintf(path, sizeof(path), "%s/" MODSEQ_LOG, d->path);
	return stat(path, &st) ? -1 : st.st_size;
}

static void log_append(const struct test_dir *d, const char *text)
{
	char path[200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/" MODSEQ_LOG, d->path);
	f = fopen(path, "a");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* STORE's two steps: the rename, then the log. */
static void store(struct view *v, size_t i, unsigned int flags)
{
	assert_int_equal(mailbox_set_flags(&v->mb, i, flags), 0);
	assert_int_equal(modseq_changed(&v->mb, &v->log, &i, 1), 0);
}

static void new_messages_get_one_modseq_kept_across_opens(void **state)
{
	struct view mb, again;
	off_t size;

	deliver(*state, 3);
	open_mb(*state, &mb);
	assert_int_equal(mb.mb.highestmodseq, 1);
	assert_int_equal(mb.mb.v[0].modseq, 1);
	assert_int_equal(mb.mb.v[2].modseq, 1);
	size = log_size(*state);
	assert_true(size > 0);
	open_mb(*state, &again);
	assert_int_equal(again.mb.highestmodseq, 1);
	assert_int_equal(again.mb.v[1].modseq, 1);
	/* Nothing new: nothing written. */
	assert_int_equal(log_size(*state), size);
	close_mb(&mb);
	close_mb(&again);
}

static void a_store_raises_only_its_messages(void **state)
{
	struct view mb, again;

	deliver(*state, 3);
	open_mb(*state, &mb);
	store(&mb, 1, MAILBOX_SEEN);
	assert_int_equal(mb.mb.v[1].modseq, 2);
	assert_int_equal(mb.mb.highestmodseq, 2);
	store(&mb, 1, MAILBOX_SEEN | MAILBOX_FLAGGED);
	assert_int_equal(mb.mb.v[1].modseq, 3);
	open_mb(*state, &again);
	assert_int_equal(again.mb.v[0].modseq, 1);
	assert_int_equal(again.mb.v[1].modseq, 3);
	assert_int_equal(again.mb.v[2].modseq, 1);
	assert_int_equal(again.mb.highestmodseq, 3);
	close_mb(&mb);
	close_mb(&again);
}

static void a_change_behind_the_logs_back_gets_a_new_modseq(void **state)
{
	struct view mb, again;
	struct mailbox other;

	deliver(*state, 2);
	open_mb(*state, &mb);
	store(&mb, 0, MAILBOX_SEEN);
	/* Dovecot, or a crash between the rename and the log. */
	assert_int_equal(mailbox_open(((struct test_dir *)*state)->path, &other), 0);
	assert_int_equal(mailbox_set_flags(&other, 1, MAILBOX_ANSWERED), 0);
	open_mb(*state, &again);
	assert_int_equal(again.mb.v[0].modseq, 2);
	assert_int_equal(again.mb.v[1].modseq, 3);
	assert_int_equal(again.mb.highestmodseq, 3);
	close_mb(&mb);
	mailbox_close(&other);
	close_mb(&again);
}

static void peek_shows_what_load_would_give_writes_nothing(void **state)
{
	struct view mb;

	deliver(*state, 2);
	memset(&mb.log, 0, sizeof(mb.log));
	assert_int_equal(mailbox_open(((struct test_dir *)*state)->path, &mb.mb), 0);
	assert_int_equal(modseq_load(&mb.mb, &mb.log, false), 0);
	assert_int_equal(mb.mb.highestmodseq, 1);
	assert_int_equal(log_size(*state), -1);
	close_mb(&mb);
}

static void torn_line_of_a_crash_is_ignored_then_cut(void **state)
{
	struct view mb, again;
	char path[200], buf[512];
	FILE *f;
	size_t n;

	deliver(*state, 1);
	open_mb(*state, &mb);
	store(&mb, 0, MAILBOX_SEEN);
	log_append(*state, "1 77 :F");	/* a write the crash cut short */
	open_mb(*state, &again);
	assert_int_equal(again.mb.v[0].modseq, 2);
	assert_int_equal(again.mb.highestmodseq, 2);
	close_mb(&again);
	store(&mb, 0, MAILBOX_DRAFT);
	assert_int_equal(mb.mb.v[0].modseq, 3);
	snprintf(path, sizeof(path), "%s/" MODSEQ_LOG,
		 ((struct test_dir *)*state)->path);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_null(strstr(buf, ":F"));
	assert_non_null(strstr(buf, "\n1 3 :D\n"));
	close_mb(&mb);
}

static void expunge_raises_the_highest_for_good(void **state)
{
	struct view mb, again;
	uint32_t uid;

	deliver(*state, 2);
	open_mb(*state, &mb);
	uid = mb.mb.v[1].uid;
	assert_int_equal(mailbox_remove(&mb.mb, 1), 0);
	assert_int_equal(modseq_expunged(&mb.mb, &mb.log, &uid, 1, NULL), 0);
	assert_int_equal(mb.mb.highestmodseq, 2);
	open_mb(*state, &again);
	assert_int_equal(again.mb.n, 1);
	assert_int_equal(again.mb.highestmodseq, 2);
	close_mb(&mb);
	close_mb(&again);
}

static void long_log_is_compacted_keeping_every_modseq(void **state)
{
	struct view mb, again;
	off_t size = 0, prev;
	size_t i;
	int k;

	deliver(*state, 3);
	open_mb(*state, &mb);
	store(&mb, 0, MAILBOX_DELETED);
	/* Past twice the messages and 1024 lines, the next change compacts. */
	for (k = 0; k < 1100; k++) {
		prev = size;
		store(&mb, 2, k & 1 ? MAILBOX_SEEN : MAILBOX_FLAGGED);
		size = log_size(*state);
		if (size < prev)
			break;
	}
	assert_in_range(k, 1020, 1040);
	assert_true(size < 200);
	assert_int_equal(mb.mb.v[2].modseq, (uint64_t)k + 3);
	open_mb(*state, &again);
	for (i = 0; i < 3; i++)
		assert_int_equal(again.mb.v[i].modseq, mb.mb.v[i].modseq);
	assert_int_equal(again.mb.v[0].modseq, 2);
	assert_int_equal(again.mb.v[1].modseq, 1);
	assert_int_equal(again.mb.highestmodseq, mb.mb.highestmodseq);
	/* And appends go on after it. */
	store(&again, 1, MAILBOX_SEEN);
	assert_int_equal(again.mb.v[1].modseq, (uint64_t)k + 4);
	assert_true(log_size(*state) > size);
	close_mb(&mb);
	close_mb(&again);
}

static void new_uidvalidity_starts_over_never_lower(void **state)
{
	const struct test_dir *d = *state;
	char path[200], buf[512], out[512], *v;
	struct view mb;
	FILE *f;
	size_t n;

	deliver(*state, 1);
	open_mb(*state, &mb);
	store(&mb, 0, MAILBOX_SEEN);
	store(&mb, 0, MAILBOX_FLAGGED);
	close_mb(&mb);
	/* The log of an older UID list: "V1" (no list is that old). */
	snprintf(path, sizeof(path), "%s/" MODSEQ_LOG, d->path);
	f = fopen(path, "r+");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	v = strstr(buf, " H");
	assert_non_null(v);
	snprintf(out, sizeof(out), "nfpost-modseq 1 V1%s", v);
	rewind(f);
	assert_int_equal(ftruncate(fileno(f), 0), 0);
	fputs(out, f);
	fclose(f);
	open_mb(*state, &mb);
	assert_int_equal(mb.mb.v[0].modseq, 4);
	assert_int_equal(mb.mb.highestmodseq, 4);
	close_mb(&mb);
	open_mb(*state, &mb);
	assert_int_equal(mb.mb.v[0].modseq, 4);
	close_mb(&mb);
}

/* The log file whole, as a fresh session would parse it. */
static void parse_file(const struct test_dir *d, struct modseq_log *log,
		       struct stat *st)
{
	char path[200], *buf;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/" MODSEQ_LOG, d->path);
	assert_int_equal(stat(path, st), 0);
	buf = malloc((size_t)st->st_size + 1);
	assert_non_null(buf);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, (size_t)st->st_size, f);
	fclose(f);
	assert_int_equal(n, (size_t)st->st_size);
	assert_int_equal(modseq_log_parse(buf, n, log), 0);
	free(buf);
}

/* modseq_log_read() of the file into @log, as a load starts. */
static void read_log(const struct test_dir *d, struct modseq_log *log)
{
	char path[200];
	int fd;

	snprintf(path, sizeof(path), "%s/" MODSEQ_LOG, d->path);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(modseq_log_read(fd, log), 0);
	close(fd);
}

/* @v's log is what a full parse of the file gives, and of that file. */
static void assert_log_is_file(const struct test_dir *d, const struct view *v)
{
	struct modseq_log whole;
	struct stat st;

	parse_file(d, &whole, &st);
	assert_same_log(&v->log, &whole);
	assert_int_equal(v->log.good, (size_t)st.st_size);
	assert_int_equal(v->log.ino, (uint64_t)st.st_ino);
	modseq_log_free(&whole);
}

/* Overwrites the log's byte at @off (same size, same file). */
static void poke(const struct test_dir *d, off_t off, char c)
{
	char path[200];
	int fd;

	snprintf(path, sizeof(path), "%s/" MODSEQ_LOG, d->path);
	fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, &c, 1, off), 1);
	close(fd);
}

/* As a session's sync does it (imap_view.c). */
static void rescan(struct view *v)
{
	struct mailbox fresh;

	assert_int_equal(modseq_rescan(&v->mb, &fresh, &v->log), 0);
	mailbox_close(&v->mb);
	v->mb = fresh;
	assert_int_equal(modseq_load(&v->mb, &v->log, true), 0);
}

static void a_load_reads_only_the_lines_appended_since(void **state)
{
	const struct test_dir *d = *state;
	struct view a, b;
	size_t lines, good;

	deliver(*state, 3);
	open_mb(d, &a);
	open_mb(d, &b);
	store(&b, 0, MAILBOX_SEEN);
	rescan(&a);
	assert_log_is_file(d, &a);
	lines = a.log.lines;
	good = a.log.good;
	store(&b, 1, MAILBOX_FLAGGED);
	deliver(*state, 1);
	rescan(&b);
	rescan(&a);
	assert_int_equal(a.log.lines, lines + 2);
	assert_true(a.log.good > good);
	assert_int_equal(a.mb.n, 4);
	assert_int_equal(a.mb.v[1].modseq, 3);
	assert_int_equal(a.mb.v[3].modseq, 4);
	assert_int_equal(a.mb.highestmodseq, 4);
	assert_log_is_file(d, &a);
	/*
	 * Bytes already read are not read again: "1 2 :S\n", the last line
	 * of the first rescan, spoilt in place, still counts.
	 */
	poke(d, (off_t)good - 2, '!');
	store(&b, 2, MAILBOX_DRAFT);
	rescan(&a);
	assert_string_equal(modseq_log_find(&a.log, 1)->letters, "S");
	assert_int_equal(a.mb.v[0].modseq, 2);
	assert_int_equal(a.mb.v[2].modseq, 5);
	assert_int_equal(a.mb.highestmodseq, 5);
	assert_int_equal(a.log.lines, lines + 3);
	close_mb(&a);
	close_mb(&b);
}

static void a_compaction_by_another_writer_rereads_whole(void **state)
{
	const struct test_dir *d = *state;
	struct view a, b;
	uint64_t ino;
	size_t i;
	int k;

	deliver(*state, 3);
	open_mb(d, &a);
	open_mb(d, &b);
	ino = a.log.ino;
	for (k = 0; k < 1100 && b.log.ino == ino; k++)
		store(&b, 2, k & 1 ? MAILBOX_SEEN : MAILBOX_FLAGGED);
	assert_in_range(k, 1020, 1040);	/* b rewrote it */
	rescan(&a);
	assert_true(a.log.ino != ino);
	assert_log_is_file(d, &a);
	assert_int_equal(a.log.lines, 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(a.mb.v[i].modseq, b.mb.v[i].modseq);
	assert_int_equal(a.mb.highestmodseq, b.mb.highestmodseq);
	assert_int_equal(a.mb.highestmodseq, (uint64_t)k + 1);
	close_mb(&a);
	close_mb(&b);
}

static void a_writers_own_lines_and_rewrite_are_known_as_read(void **state)
{
	const struct test_dir *d = *state;
	struct view a;
	int k;

	deliver(*state, 2);
	open_mb(d, &a);
	assert_log_is_file(d, &a);
	store(&a, 0, MAILBOX_SEEN);
	assert_log_is_file(d, &a);
	for (k = 0; k < 1100 && a.log.lines > 2; k++)
		store(&a, 1, k & 1 ? MAILBOX_SEEN : MAILBOX_FLAGGED);
	assert_true(k > 2 && k < 1100);
	assert_log_is_file(d, &a);
	close_mb(&a);
}

static void a_torn_tail_completed_later_is_read_once(void **state)
{
	const struct test_dir *d = *state;
	struct modseq_log log = { 0 };
	size_t lines, good;

	deliver(*state, 1);
	log_append(d, "");		/* no log yet: made by the load */
	{
		struct view a;

		open_mb(d, &a);
		close_mb(&a);
	}
	read_log(d, &log);
	lines = log.lines;
	good = log.good;
	log_append(d, "1 77 :F");
	read_log(d, &log);
	assert_int_equal(log.good, good);
	assert_int_equal(log.lines, lines);
	assert_int_equal(log.highest, 1);
	log_append(d, "S\n");
	read_log(d, &log);
	assert_int_equal(log.lines, lines + 1);
	assert_int_equal(log.highest, 77);
	assert_string_equal(modseq_log_find(&log, 1)->letters, "FS");
	assert_int_equal(log.good, (size_t)log_size(d));
	read_log(d, &log);
	assert_int_equal(log.lines, lines + 1);
	modseq_log_free(&log);
}

static void a_log_cut_shorter_is_reread_highest_kept(void **state)
{
	const struct test_dir *d = *state;
	struct view a, b;
	char path[200];

	deliver(*state, 2);
	open_mb(d, &a);
	open_mb(d, &b);
	store(&b, 0, MAILBOX_SEEN);
	store(&b, 1, MAILBOX_SEEN);
	rescan(&a);
	assert_int_equal(a.mb.highestmodseq, 3);
	/* Cut by hand to its header ("H1"): the lines of 2 and 3 lost. */
	snprintf(path, sizeof(path), "%s/" MODSEQ_LOG, d->path);
	assert_int_equal(truncate(path, 22), 0);
	rescan(&a);
	assert_true(a.log.lines >= 2);	/* reread, then both logged anew */
	assert_int_equal(a.mb.v[0].modseq, 4);
	assert_int_equal(a.mb.v[1].modseq, 4);
	assert_int_equal(a.mb.highestmodseq, 4);
	assert_log_is_file(d, &a);
	close_mb(&a);
	close_mb(&b);
}

/* Sets the mtime of @d's @sub ("new", "cur") to @sec.@nsec. */
static void set_mtime(const struct test_dir *d, const char *sub, time_t sec,
		      long nsec)
{
	struct timespec ts[2] = { { 0, UTIME_OMIT }, { sec, nsec } };
	char path[200];

	snprintf(path, sizeof(path), "%s/%s", d->path, sub);
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static struct timespec cur_mtime(const struct test_dir *d)
{
	char path[200];
	struct stat st;

	snprintf(path, sizeof(path), "%s/cur", d->path);
	assert_int_equal(stat(path, &st), 0);
	return st.st_mtim;
}

/*
 * Three messages in cur/, new/ and cur/ made a minute old: a view read
 * then is settled (mailbox.h), as one read long after the last change.
 */
static void settled_maildir(const struct test_dir *d)
{
	struct mailbox mb;
	time_t old = time(NULL) - 60;
	size_t i;

	deliver(d, 3);
	assert_int_equal(mailbox_open(d->path, &mb), 0);
	for (i = 0; i < mb.n; i++)
		assert_int_equal(mailbox_set_flags(&mb, i, 0), 0);
	mailbox_close(&mb);
	set_mtime(d, "new", old, 0);
	set_mtime(d, "cur", old, 0);
}

/* STORE as imap_cmd_store.c does it: cur/'s mtimes logged around it. */
static void store_timed(struct view *v, size_t i, unsigned int flags)
{
	struct timespec cur[2];

	assert_int_equal(mailbox_cur_mtime(&v->mb, &cur[0]), 0);
	assert_int_equal(mailbox_set_flags(&v->mb, i, flags), 0);
	assert_int_equal(mailbox_sync_dirs(&v->mb), 0);
	assert_int_equal(mailbox_cur_mtime(&v->mb, &cur[1]), 0);
	assert_int_equal(modseq_stored(&v->mb, &v->log, &i, 1, cur), 0);
}

/* @a's message @i as @b has it: flags, file name, MODSEQ. */
static void assert_same_msg(const struct view *a, const struct view *b,
			    size_t i)
{
	int fd;

	assert_int_equal(a->mb.v[i].uid, b->mb.v[i].uid);
	assert_int_equal(a->mb.v[i].flags, b->mb.v[i].flags);
	assert_string_equal(a->mb.v[i].name, b->mb.v[i].name);
	assert_int_equal(a->mb.v[i].modseq, b->mb.v[i].modseq);
	fd = mailbox_msg_open(&a->mb, i);
	assert_true(fd >= 0);
	close(fd);
}

static void another_sessions_store_is_renamed_from_the_log(void **state)
{
	const struct test_dir *d = *state;
	struct view a, b;

	settled_maildir(d);
	open_mb(d, &a);
	open_mb(d, &b);
	assert_true(a.mb.settled);
	store_timed(&b, 1, MAILBOX_SEEN | MAILBOX_FLAGGED);
	rescan(&a);
	assert_true(a.mb.cur_from_log);
	assert_false(a.mb.settled);
	assert_same_msg(&a, &b, 0);
	assert_same_msg(&a, &b, 1);
	assert_same_msg(&a, &b, 2);
	assert_int_equal(a.mb.highestmodseq, b.mb.highestmodseq);
	/* The next rescan reads cur/ again, and finds the same. */
	rescan(&a);
	assert_false(a.mb.cur_from_log);
	assert_same_msg(&a, &b, 1);
	close_mb(&a);
	close_mb(&b);
}

static void a_change_the_mtime_cannot_tell_is_seen_next_rescan(void **state)
{
	const struct test_dir *d = *state;
	struct timespec after;
	struct view a, b;
	char path[200], mark[128];
	time_t old = time(NULL) - 30;
	FILE *f;

	settled_maildir(d);
	open_mb(d, &a);
	open_mb(d, &b);
	store_timed(&b, 0, MAILBOX_SEEN);
	/*
	 * Another program's message, in the same clock tick as a STORE's
	 * rename: here one that left cur/'s mtime long settled, so that
	 * only the rule "a view renamed from the log reads cur/ next" can
	 * find the message.
	 */
	after = cur_mtime(d);
	snprintf(path, sizeof(path), "%s/cur/1.other.host:2,S", d->path);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("Subject: y\n\ny\n", f);
	fclose(f);
	set_mtime(d, "cur", old, 0);
	snprintf(mark, sizeof(mark), "C 0 %lld %ld %lld 0\n",
		 (long long)after.tv_sec, after.tv_nsec, (long long)old);
	log_append(d, mark);
	rescan(&a);
	assert_true(a.mb.cur_from_log);
	assert_int_equal(a.mb.n, 3);
	assert_same_msg(&a, &b, 0);
	rescan(&a);
	assert_false(a.mb.cur_from_log);
	assert_int_equal(a.mb.n, 4);
	close_mb(&a);
	close_mb(&b);
}

/*
 * A rename by another program (no log line) after the STORE, or before
 * it, in another clock tick: cur/ is read, both are seen.
 */
static void foreign_rename(const struct test_dir *d, size_t i, time_t bump)
{
	struct timespec t = cur_mtime(d);
	struct mailbox mb;

	assert_int_equal(mailbox_open(d->path, &mb), 0);
	assert_int_equal(mailbox_set_flags(&mb, i, MAILBOX_ANSWERED), 0);
	mailbox_close(&mb);
	set_mtime(d, "cur", t.tv_sec + bump, t.tv_nsec);
}

static void a_foreign_rename_after_a_store_is_read_from_cur(void **state)
{
	const struct test_dir *d = *state;
	struct view a, b;

	settled_maildir(d);
	open_mb(d, &a);
	open_mb(d, &b);
	store_timed(&b, 1, MAILBOX_FLAGGED);
	foreign_rename(d, 2, 2);
	rescan(&a);
	assert_false(a.mb.cur_from_log);
	assert_int_equal(a.mb.v[1].flags, MAILBOX_FLAGGED);
	assert_int_equal(a.mb.v[2].flags, MAILBOX_ANSWERED);
	close_mb(&a);
	close_mb(&b);
}

static void a_foreign_rename_before_a_store_is_read_from_cur(void **state)
{
	const struct test_dir *d = *state;
	struct view a, b;

	settled_maildir(d);
	open_mb(d, &a);
	open_mb(d, &b);
	foreign_rename(d, 2, -30);	/* still older than now */
	store_timed(&b, 1, MAILBOX_FLAGGED);
	rescan(&a);
	assert_false(a.mb.cur_from_log);
	assert_int_equal(a.mb.v[1].flags, MAILBOX_FLAGGED);
	assert_int_equal(a.mb.v[2].flags, MAILBOX_ANSWERED);
	close_mb(&a);
	close_mb(&b);
}

/*
 * Writer C read cur/'s mtime, then another program and writer B changed
 * cur/, then C renamed: C's line starts where the chain is, yet B's line,
 * which followed nothing, broke the chain for good: cur/ is read.
 */
static void a_line_that_follows_nothing_breaks_the_chain(void **state)
{
	const struct test_dir *d = *state;
	time_t old = time(NULL) - 60;
	struct view a, b;
	char mark[128];
	size_t i = 1;

	settled_maildir(d);
	open_mb(d, &a);
	open_mb(d, &b);
	foreign_rename(d, 2, 1);			/* old + 1 */
	assert_int_equal(mailbox_set_flags(&b.mb, 1, MAILBOX_FLAGGED), 0);
	assert_int_equal(modseq_changed(&b.mb, &b.log, &i, 1), 0);
	set_mtime(d, "cur", old + 2, 0);
	snprintf(mark, sizeof(mark), "C 1 %lld 0 %lld 0\nC 0 %lld 0 %lld 0\n",
		 (long long)old + 1, (long long)old + 2, (long long)old,
		 (long long)old + 3);
	log_append(d, mark);
	set_mtime(d, "cur", old + 3, 0);
	rescan(&a);
	assert_false(a.mb.cur_from_log);
	assert_int_equal(a.mb.v[1].flags, MAILBOX_FLAGGED);
	assert_int_equal(a.mb.v[2].flags, MAILBOX_ANSWERED);
	close_mb(&a);
	close_mb(&b);
}

/* As a session syncs (imap_view.c): in place, else a rescan. */
static int sync_view(struct view *v, struct modseq_delta *dl)
{
	int ret;

	if (mailbox_unchanged(&v->mb))
		return 1;
	ret = modseq_update(&v->mb, &v->log, 0, dl);
	if (ret == -ESTALE)
		rescan(v);
	else
		assert_int_equal(dl->log_err, 0);
	return ret;
}

/* @a as a view read whole now has it: every message, name and MODSEQ. */
static void assert_same_as_fresh(const struct test_dir *d, struct view *a)
{
	struct view f;
	size_t i;

	open_mb(d, &f);
	assert_int_equal(a->mb.n, f.mb.n);
	for (i = 0; i < f.mb.n; i++) {
		assert_int_equal(a->mb.v[i].uid, f.mb.v[i].uid);
		assert_string_equal(a->mb.v[i].name, f.mb.v[i].name);
		assert_int_equal(a->mb.v[i].flags, f.mb.v[i].flags);
		assert_string_equal(a->mb.v[i].other, f.mb.v[i].other);
		assert_int_equal(a->mb.v[i].in_new, f.mb.v[i].in_new);
		assert_int_equal(a->mb.v[i].modseq, f.mb.v[i].modseq);
	}
	assert_int_equal(a->mb.uidnext, f.mb.uidnext);
	assert_int_equal(a->mb.highestmodseq, f.mb.highestmodseq);
	close_mb(&f);
}

static void a_delivery_is_appended_in_place(void **state)
{
	const struct test_dir *d = *state;
	struct modseq_delta dl;
	struct view a;

	settled_maildir(d);
	open_mb(d, &a);
	deliver(d, 2);
	assert_int_equal(sync_view(&a, &dl), 0);
	assert_int_equal(dl.added, 2);
	assert_int_equal(dl.n, 0);
	assert_true(a.mb.v[3].in_new && a.mb.v[4].in_new);
	assert_same_as_fresh(d, &a);
	close_mb(&a);
}

static void a_store_is_renamed_in_place_and_told(void **state)
{
	const struct test_dir *d = *state;
	struct modseq_delta dl;
	struct view a, b;

	settled_maildir(d);
	open_mb(d, &a);
	open_mb(d, &b);
	store_timed(&b, 1, MAILBOX_SEEN | MAILBOX_FLAGGED);
	assert_int_equal(sync_view(&a, &dl), 0);
	assert_int_equal(dl.added, 0);
	assert_int_equal(dl.n, 1);
	assert_int_equal(dl.v[0].uid, a.mb.v[1].uid);
	assert_true(dl.v[0].flags && dl.v[0].modseq);
	assert_true(a.mb.cur_from_log);
	assert_same_msg(&a, &b, 1);
	assert_same_as_fresh(d, &a);
	close_mb(&a);
	close_mb(&b);
}

/*
 * Following another session's STORE goes through cur/'s chain only: new/,
 * settled and with the mtime the view read, is not read again (going
 * through a 100,000-message view for its messages in new/ was most of
 * that sync). A file put there behind the mtime's back is therefore only
 * seen once new/'s mtime moves, as mailbox_unchanged() has it.
 */
static void new_is_read_again_only_when_its_mtime_moves(void **state)
{
	const struct test_dir *d = *state;
	struct modseq_delta dl;
	struct timespec was;
	struct view a, b;
	struct stat st;
	char path[200];

	settled_maildir(d);
	open_mb(d, &a);
	open_mb(d, &b);
	snprintf(path, sizeof(path), "%s/new", d->path);
	assert_int_equal(stat(path, &st), 0);
	was = st.st_mtim;
	deliver(d, 1);
	set_mtime(d, "new", was.tv_sec, was.tv_nsec);
	store_timed(&b, 1, MAILBOX_SEEN);
	assert_int_equal(sync_view(&a, &dl), 0);
	assert_true(a.mb.cur_from_log);
	assert_int_equal(dl.n, 1);
	assert_int_equal(dl.added, 0);
	assert_int_equal(a.mb.n, 3);
	assert_true(a.mb.new_settled);
	/* new/ changes: read (by the rescan owed to cur/), the file found. */
	deliver(d, 1);
	sync_view(&a, &dl);
	assert_int_equal(a.mb.n, 5);
	assert_same_as_fresh(d, &a);
	close_mb(&a);
	close_mb(&b);
}

static void an_expunge_leaves_the_view_for_a_rescan(void **state)
{
	const struct test_dir *d = *state;
	struct modseq_delta dl;
	struct view a, b;
	uint32_t uid;

	settled_maildir(d);
	open_mb(d, &a);
	open_mb(d, &b);
	uid = b.mb.v[0].uid;
	assert_int_equal(mailbox_remove(&b.mb, 0), 0);
	assert_int_equal(modseq_expunged(&b.mb, &b.log, &uid, 1, NULL), 0);
	assert_int_equal(modseq_update(&a.mb, &a.log, 0, &dl), -ESTALE);
	assert_int_equal(a.mb.n, 3);
	assert_int_equal(a.mb.v[0].uid, uid);
	close_mb(&a);
	close_mb(&b);
}

/* EXPUNGE as imap_cmd_expunge.c does it: cur/'s mtimes logged around. */
static void expunge_timed(struct view *v, size_t i)
{
	struct timespec cur[2];
	uint32_t uid = v->mb.v[i].uid;

	assert_int_equal(mailbox_cur_mtime(&v->mb, &cur[0]), 0);
	assert_int_equal(mailbox_remove(&v->mb, i), 0);
	assert_int_equal(mailbox_sync_dirs(&v->mb), 0);
	assert_int_equal(mailbox_cur_mtime(&v->mb, &cur[1]), 0);
	assert_int_equal(modseq_expunged(&v->mb, &v->log, &uid, 1, cur), 0);
}

static void a_logged_expunge_is_removed_in_place(void **state)
{
	const struct test_dir *d = *state;
	struct modseq_delta dl;
	struct view a, b;
	uint32_t uid;

	settled_maildir(d);
	open_mb(d, &a);
	open_mb(d, &b);
	uid = b.mb.v[1].uid;
	expunge_timed(&b, 1);
	/* Where EXPUNGE may not be told (RFC 3501 7.4.1): a rescan's. */
	assert_int_equal(modseq_update(&a.mb, &a.log, MODSEQ_NO_GONE, &dl),
			 -ESTALE);
	assert_int_equal(a.mb.n, 3);
	assert_int_equal(sync_view(&a, &dl), 0);
	assert_int_equal(dl.n_gone, 1);
	assert_int_equal(dl.gone[0], uid);
	assert_int_equal(a.mb.n, 2);
	assert_same_as_fresh(d, &a);
	close_mb(&a);
	close_mb(&b);
}

/*
 * With @new_anyway (IDLE) a delivery is let in even when cur/ changed
 * in a way no log line explains; the rescan after it finds the rest.
 */
static void idle_gets_deliveries_before_the_rescan_of_cur(void **state)
{
	const struct test_dir *d = *state;
	struct modseq_delta dl;
	struct view a;

	settled_maildir(d);
	open_mb(d, &a);
	foreign_rename(d, 2, 2);
	deliver(d, 1);
	assert_int_equal(modseq_update(&a.mb, &a.log, 0, &dl), -ESTALE);
	assert_int_equal(a.mb.n, 3);
	assert_int_equal(modseq_update(&a.mb, &a.log, MODSEQ_NEW_ANYWAY, &dl),
			 0);
	assert_true(dl.cur_unknown);
	assert_int_equal(dl.added, 1);
	assert_int_equal(a.mb.v[2].flags, 0);
	rescan(&a);
	assert_int_equal(a.mb.v[2].flags, MAILBOX_ANSWERED);
	assert_same_as_fresh(d, &a);
	close_mb(&a);
}

/*
 * A watch that saw no change in cur/ but the view's own claims vouches
 * for cur/ (MODSEQ_CUR_KNOWN): its mtime is taken, not trusted later.
 */
static void cur_known_from_a_watch_takes_its_mtime_unsettled(void **state)
{
	const struct test_dir *d = *state;
	struct modseq_delta dl;
	struct timespec now;
	struct view a;

	settled_maildir(d);
	open_mb(d, &a);
	deliver(d, 1);
	assert_int_equal(sync_view(&a, &dl), 0);
	assert_int_equal(mailbox_set_flags(&a.mb, 3, 0), 0);	/* claimed */
	deliver(d, 1);
	assert_int_equal(modseq_update(&a.mb, &a.log, 0, &dl), -ESTALE);
	assert_int_equal(modseq_update(&a.mb, &a.log, MODSEQ_CUR_KNOWN, &dl),
			 0);
	assert_true(dl.cur_same);
	assert_int_equal(dl.added, 1);
	now = cur_mtime(d);
	assert_int_equal(a.mb.stamp[1].tv_sec, now.tv_sec);
	assert_int_equal(a.mb.stamp[1].tv_nsec, now.tv_nsec);
	assert_false(a.mb.cur_settled);
	assert_false(mailbox_unchanged(&a.mb));
	assert_same_as_fresh(d, &a);
	close_mb(&a);
}

/*
 * The in-place update against a view read whole, on random changes by
 * another session (STORE, EXPUNGE, claims), deliveries (numbered by the
 * UID list or not) and another program's renames. Directory mtimes are
 * set to distinct old times after the changes mtimes alone must tell,
 * so that which path is taken does not hang on the clock.
 */
static void settle(const struct test_dir *d, const char *sub, time_t *t)
{
	set_mtime(d, sub, ++*t, 0);
}

static void deliver_numbered(const struct test_dir *d)
{
	struct maildir_msg m;
	char name[300];
	uint32_t uid, validity;

	assert_int_equal(maildir_open(d->path, &m), 0);
	assert_int_equal(maildir_write(&m, "Subject: n\n\nn\n", 14), 0);
	assert_int_equal(mailbox_commit_uid(&m, name, sizeof(name), &uid,
					    &validity), 0);
}

static void random_change(const struct test_dir *d, time_t *t,
			  size_t *stores)
{
	static const unsigned int flags[] = {
		0, MAILBOX_SEEN, MAILBOX_FLAGGED | MAILBOX_SEEN,
		MAILBOX_ANSWERED, MAILBOX_DELETED | MAILBOX_DRAFT,
	};
	struct view b;
	size_t i;
	uint32_t uid;
	unsigned int f;
	int op = rand() % 8;

	open_mb(d, &b);
	i = b.mb.n ? (size_t)rand() % b.mb.n : 0;
	/* As STORE: a message whose flags do not change is not logged. */
	f = flags[rand() % 5];
	if (op <= 2 && b.mb.n && !b.mb.v[i].in_new && b.mb.v[i].flags != f) {
		store_timed(&b, i, f);
		(*stores)++;
		if (op == 2)	/* and another program, in the same tick */
			settle(d, "cur", t);
	} else if (op == 3 && b.mb.n && !b.mb.v[i].in_new && rand() % 2) {
		expunge_timed(&b, i);
		(*stores)++;
	} else if (op == 3 && b.mb.n) {
		uid = b.mb.v[i].uid;
		assert_int_equal(mailbox_remove(&b.mb, i), 0);
		assert_int_equal(modseq_expunged(&b.mb, &b.log, &uid, 1, NULL),
				 0);
		settle(d, b.mb.v[i].in_new ? "new" : "cur", t);
	} else if (op == 4 && b.mb.n) {
		assert_int_equal(mailbox_set_flags(&b.mb, i, MAILBOX_SEEN), 0);
		settle(d, "new", t);
		settle(d, "cur", t);
	} else if (op == 5) {
		deliver_numbered(d);
		settle(d, "new", t);
	} else {
		deliver(d, 1 + rand() % 3);
		settle(d, "new", t);
	}
	close_mb(&b);
}

static void an_update_in_place_equals_a_rescan(void **state)
{
	const struct test_dir *d = *state;
	struct modseq_delta dl;
	size_t step, i, in_place = 0, added = 0, stores = 0, renamed = 0;
	size_t gone = 0;
	time_t t = time(NULL) - 100000;
	struct view a;

	srand(12);
	settled_maildir(d);
	open_mb(d, &a);
	for (step = 0; step < 300; step++) {
		random_change(d, &t, &stores);
		if (!sync_view(&a, &dl)) {
			in_place++;
			added += dl.added;
			renamed += dl.n;
			gone += dl.n_gone;
		}
		assert_same_as_fresh(d, &a);
		/* The session claims what it was told of, now and then. */
		for (i = 0; step % 3 == 0 && i < a.mb.n; i++)
			if (a.mb.v[i].in_new)
				assert_int_equal(mailbox_set_flags(&a.mb, i,
								   0), 0);
		if (step % 3 == 0)
			settle(d, "cur", &t);
	}
	/* Both kinds of change took the cheap path, many times. */
	assert_true(in_place > 50);
	assert_true(added > 20);
	assert_true(renamed > 10);
	assert_true(gone > 3);
	close_mb(&a);
}

#define DIR_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	struct CMUnitTest t[25 + ARRAY_SIZE(parses)] = {
		DIR_TEST(new_messages_get_one_modseq_kept_across_opens),
		DIR_TEST(a_store_raises_only_its_messages),
		DIR_TEST(a_change_behind_the_logs_back_gets_a_new_modseq),
		DIR_TEST(peek_shows_what_load_would_give_writes_nothing),
		DIR_TEST(torn_line_of_a_crash_is_ignored_then_cut),
		DIR_TEST(expunge_raises_the_highest_for_good),
		DIR_TEST(long_log_is_compacted_keeping_every_modseq),
		DIR_TEST(new_uidvalidity_starts_over_never_lower),
		DIR_TEST(a_load_reads_only_the_lines_appended_since),
		DIR_TEST(a_compaction_by_another_writer_rereads_whole),
		DIR_TEST(a_writers_own_lines_and_rewrite_are_known_as_read),
		DIR_TEST(a_torn_tail_completed_later_is_read_once),
		DIR_TEST(a_log_cut_shorter_is_reread_highest_kept),
		DIR_TEST(another_sessions_store_is_renamed_from_the_log),
		DIR_TEST(a_change_the_mtime_cannot_tell_is_seen_next_rescan),
		DIR_TEST(a_foreign_rename_after_a_store_is_read_from_cur),
		DIR_TEST(a_foreign_rename_before_a_store_is_read_from_cur),
		DIR_TEST(a_line_that_follows_nothing_breaks_the_chain),
		DIR_TEST(a_delivery_is_appended_in_place),
		DIR_TEST(a_store_is_renamed_in_place_and_told),
		DIR_TEST(new_is_read_again_only_when_its_mtime_moves),
		DIR_TEST(an_expunge_leaves_the_view_for_a_rescan),
		DIR_TEST(idle_gets_deliveries_before_the_rescan_of_cur),
		DIR_TEST(a_logged_expunge_is_removed_in_place),
		DIR_TEST(cur_known_from_a_watch_takes_its_mtime_unsettled),
		DIR_TEST(an_update_in_place_equals_a_rescan),
	};
	size_t n = 25;

	TEST_TABLE(t, n, parses, run_parse);
	return cmocka_run_group_tests_name("modseq", t, NULL, NULL);
}
