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

static void open_mb(const struct test_dir *d, struct mailbox *mb)
{
	assert_int_equal(mailbox_open(d->path, mb), 0);
	assert_int_equal(modseq_load(mb, true), 0);
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
static void store(struct mailbox *mb, size_t i, unsigned int flags)
{
	assert_int_equal(mailbox_set_flags(mb, i, flags), 0);
	assert_int_equal(modseq_changed(mb, &i, 1), 0);
}

static void new_messages_get_one_modseq_kept_across_opens(void **state)
{
	struct mailbox mb, again;
	off_t size;

	deliver(*state, 3);
	open_mb(*state, &mb);
	assert_int_equal(mb.highestmodseq, 1);
	assert_int_equal(mb.v[0].modseq, 1);
	assert_int_equal(mb.v[2].modseq, 1);
	size = log_size(*state);
	assert_true(size > 0);
	open_mb(*state, &again);
	assert_int_equal(again.highestmodseq, 1);
	assert_int_equal(again.v[1].modseq, 1);
	/* Nothing new: nothing written. */
	assert_int_equal(log_size(*state), size);
	mailbox_close(&mb);
	mailbox_close(&again);
}

static void a_store_raises_only_its_messages(void **state)
{
	struct mailbox mb, again;

	deliver(*state, 3);
	open_mb(*state, &mb);
	store(&mb, 1, MAILBOX_SEEN);
	assert_int_equal(mb.v[1].modseq, 2);
	assert_int_equal(mb.highestmodseq, 2);
	store(&mb, 1, MAILBOX_SEEN | MAILBOX_FLAGGED);
	assert_int_equal(mb.v[1].modseq, 3);
	open_mb(*state, &again);
	assert_int_equal(again.v[0].modseq, 1);
	assert_int_equal(again.v[1].modseq, 3);
	assert_int_equal(again.v[2].modseq, 1);
	assert_int_equal(again.highestmodseq, 3);
	mailbox_close(&mb);
	mailbox_close(&again);
}

static void a_change_behind_the_logs_back_gets_a_new_modseq(void **state)
{
	struct mailbox mb, other, again;

	deliver(*state, 2);
	open_mb(*state, &mb);
	store(&mb, 0, MAILBOX_SEEN);
	/* Dovecot, or a crash between the rename and the log. */
	assert_int_equal(mailbox_open(((struct test_dir *)*state)->path, &other), 0);
	assert_int_equal(mailbox_set_flags(&other, 1, MAILBOX_ANSWERED), 0);
	open_mb(*state, &again);
	assert_int_equal(again.v[0].modseq, 2);
	assert_int_equal(again.v[1].modseq, 3);
	assert_int_equal(again.highestmodseq, 3);
	mailbox_close(&mb);
	mailbox_close(&other);
	mailbox_close(&again);
}

static void peek_shows_what_load_would_give_writes_nothing(void **state)
{
	struct mailbox mb;

	deliver(*state, 2);
	assert_int_equal(mailbox_open(((struct test_dir *)*state)->path, &mb), 0);
	assert_int_equal(modseq_load(&mb, false), 0);
	assert_int_equal(mb.highestmodseq, 1);
	assert_int_equal(log_size(*state), -1);
	mailbox_close(&mb);
}

static void torn_line_of_a_crash_is_ignored_then_cut(void **state)
{
	struct mailbox mb, again;
	char path[200], buf[512];
	FILE *f;
	size_t n;

	deliver(*state, 1);
	open_mb(*state, &mb);
	store(&mb, 0, MAILBOX_SEEN);
	log_append(*state, "1 77 :F");	/* a write the crash cut short */
	open_mb(*state, &again);
	assert_int_equal(again.v[0].modseq, 2);
	assert_int_equal(again.highestmodseq, 2);
	mailbox_close(&again);
	store(&mb, 0, MAILBOX_DRAFT);
	assert_int_equal(mb.v[0].modseq, 3);
	snprintf(path, sizeof(path), "%s/" MODSEQ_LOG,
		 ((struct test_dir *)*state)->path);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_null(strstr(buf, ":F"));
	assert_non_null(strstr(buf, "\n1 3 :D\n"));
	mailbox_close(&mb);
}

static void expunge_raises_the_highest_for_good(void **state)
{
	struct mailbox mb, again;
	uint32_t uid;

	deliver(*state, 2);
	open_mb(*state, &mb);
	uid = mb.v[1].uid;
	assert_int_equal(mailbox_remove(&mb, 1), 0);
	assert_int_equal(modseq_expunged(&mb, &uid, 1), 0);
	assert_int_equal(mb.highestmodseq, 2);
	open_mb(*state, &again);
	assert_int_equal(again.n, 1);
	assert_int_equal(again.highestmodseq, 2);
	mailbox_close(&mb);
	mailbox_close(&again);
}

static void long_log_is_compacted_keeping_every_modseq(void **state)
{
	struct mailbox mb, again;
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
	assert_int_equal(mb.v[2].modseq, (uint64_t)k + 3);
	open_mb(*state, &again);
	for (i = 0; i < 3; i++)
		assert_int_equal(again.v[i].modseq, mb.v[i].modseq);
	assert_int_equal(again.v[0].modseq, 2);
	assert_int_equal(again.v[1].modseq, 1);
	assert_int_equal(again.highestmodseq, mb.highestmodseq);
	/* And appends go on after it. */
	store(&again, 1, MAILBOX_SEEN);
	assert_int_equal(again.v[1].modseq, (uint64_t)k + 4);
	assert_true(log_size(*state) > size);
	mailbox_close(&mb);
	mailbox_close(&again);
}

static void new_uidvalidity_starts_over_never_lower(void **state)
{
	const struct test_dir *d = *state;
	char path[200], buf[512], out[512], *v;
	struct mailbox mb;
	FILE *f;
	size_t n;

	deliver(*state, 1);
	open_mb(*state, &mb);
	store(&mb, 0, MAILBOX_SEEN);
	store(&mb, 0, MAILBOX_FLAGGED);
	mailbox_close(&mb);
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
	assert_int_equal(mb.v[0].modseq, 4);
	assert_int_equal(mb.highestmodseq, 4);
	mailbox_close(&mb);
	open_mb(*state, &mb);
	assert_int_equal(mb.v[0].modseq, 4);
	mailbox_close(&mb);
}

#define DIR_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	struct CMUnitTest t[8 + ARRAY_SIZE(parses)] = {
		DIR_TEST(new_messages_get_one_modseq_kept_across_opens),
		DIR_TEST(a_store_raises_only_its_messages),
		DIR_TEST(a_change_behind_the_logs_back_gets_a_new_modseq),
		DIR_TEST(peek_shows_what_load_would_give_writes_nothing),
		DIR_TEST(torn_line_of_a_crash_is_ignored_then_cut),
		DIR_TEST(expunge_raises_the_highest_for_good),
		DIR_TEST(long_log_is_compacted_keeping_every_modseq),
		DIR_TEST(new_uidvalidity_starts_over_never_lower),
	};
	size_t n = 8;

	TEST_TABLE(t, n, parses, run_parse);
	return cmocka_run_group_tests_name("modseq", t, NULL, NULL);
}
