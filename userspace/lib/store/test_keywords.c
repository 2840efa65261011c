// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for keywords.c: Dovecot's "dovecot-keywords" read line by
 * line, names looked up as Dovecot does, and new names given letters in
 * a file that Dovecot reads back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "keywords.h"
#include "test_tmpdir.h"

static const struct {
	const char *what;
	const char *text;
	const char *want[KEYWORDS_MAX];	/* by letter, NULL: unused */
} parses[] = {
	{ "two lines give a and b", "0 $Forwarded\n1 $Junk\n",
	  { "$Forwarded", "$Junk" } },
	{ "a gap keeps its letters", "0 one\n2 three\n",
	  { "one", NULL, "three" } },
	{ "index 25 is z, 26 is none", "25 last\n26 over\n",
	  { [25] = "last" } },
	{ "a torn last line is not read", "0 one\n1 tw", { "one" } },
	{ "a letter seen twice keeps the first", "0 one\n0 two\n",
	  { "one" } },
	{ "a name seen twice keeps the first", "0 one\n1 ONE\n", { "one" } },
	{ "bad lines are skipped",
	  "x a\n0\n1  b\n2 \\Seen\n3 a b\n-1 c\n4 ok\n",
	  { [4] = "ok" } },
	{ "a name past the bound is skipped",
	  "0 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
	  { NULL } },
	{ "empty", "", { NULL } },
};

static void parse_table(void **state)
{
	struct keywords kw;
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(parses) / sizeof(parses[0]); i++) {
		keywords_parse(parses[i].text, strlen(parses[i].text), &kw);
		for (j = 0; j < KEYWORDS_MAX; j++) {
			const char *got = keywords_name(&kw, (char)('a' + j));

			if (!parses[i].want[j] && !got)
				continue;
			if (!parses[i].want[j] || !got ||
			    strcmp(parses[i].want[j], got))
				fail_msg("%s: letter %c: %s", parses[i].what,
					 (int)('a' + j), got ? got : "none");
		}
	}
}

static void parse_byte_by_byte_prefixes_never_overread(void **state)
{
	const char *text = "0 $Forwarded\n1 $Junk\n2 NonJunk\n";
	size_t len = strlen(text), i;
	struct keywords kw;
	char *copy;

	(void)state;
	for (i = 0; i <= len; i++) {
		copy = malloc(i ? i : 1);	/* exact size: ASan sees overreads */
		memcpy(copy, text, i);
		keywords_parse(copy, i, &kw);
		assert_int_equal(keywords_count(&kw),
				 i >= 31 ? 3 : i >= 21 ? 2 : i >= 13 ? 1 : 0);
		free(copy);
	}
}

static void letter_lookup_ignores_case(void **state)
{
	const char *text = "0 $Forwarded\n3 Work\n";
	struct keywords kw;

	(void)state;
	keywords_parse(text, strlen(text), &kw);
	assert_int_equal(keywords_letter(&kw, "$forwarded"), 'a');
	assert_int_equal(keywords_letter(&kw, "WORK"), 'd');
	assert_int_equal(keywords_letter(&kw, "other"), 0);
	assert_null(keywords_name(&kw, 'b'));
	assert_null(keywords_name(&kw, 'P'));
}

static const struct {
	const char *name;
	bool ok;
} names[] = {
	{ "$Forwarded", true }, { "$Junk", true }, { "Work-2026", true },
	{ "", false }, { "\\Seen", false }, { "a b", false }, { "a(b", false },
	{ "a]b", false }, { "a%", false }, { "a*", false }, { "a\"b", false },
	{ "a{b", false }, { "\xc3\xa9t\xc3\xa9", false }, { "a\tb", false },
};

static void name_is_an_atom(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (keyword_name_ok(names[i].name) != names[i].ok)
			fail_msg("\"%s\": want %s", names[i].name,
				 names[i].ok ? "ok" : "refused");
}

static int setup(void **state)
{
	char *dir = malloc(64);

	if (!dir || test_tmpdir_make(dir, 64, "keywords"))
		return -1;
	*state = dir;
	return 0;
}

static int teardown(void **state)
{
	test_tmpdir_remove(*state);
	free(*state);
	return 0;
}

static void slurp(const char *dir, const char *name, char *buf, size_t len)
{
	char path[128];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void add_writes_dovecots_file_and_keeps_letters(void **state)
{
	const char *dir = *state;
	struct keywords kw, again;
	char buf[256];
	struct stat st;

	assert_int_equal(keywords_read(dir, &kw), 0);
	assert_int_equal(keywords_count(&kw), 0);
	assert_int_equal(keywords_add(dir, &kw, "$Forwarded"), 'a');
	assert_int_equal(keywords_add(dir, &kw, "$Junk"), 'b');
	assert_int_equal(keywords_add(dir, &kw, "$FORWARDED"), 'a');
	slurp(dir, "dovecot-keywords", buf, sizeof(buf));
	assert_string_equal(buf, "0 $Forwarded\n1 $Junk\n");
	snprintf(buf, sizeof(buf), "%s/dovecot-keywords.lock", dir);
	assert_int_equal(stat(buf, &st), -1);
	assert_int_equal(keywords_read(dir, &again), 0);
	assert_memory_equal(&kw, &again, sizeof(kw));
}

static void add_reads_what_another_process_added(void **state)
{
	const char *dir = *state;
	struct keywords mine, theirs;

	assert_int_equal(keywords_read(dir, &mine), 0);
	assert_int_equal(keywords_add(dir, &theirs, "Theirs"), 'a');
	/* @mine is stale: the file is read again under the lock. */
	assert_int_equal(keywords_add(dir, &mine, "Mine"), 'b');
	assert_string_equal(keywords_name(&mine, 'a'), "Theirs");
}

static void add_fills_a_gap_then_refuses_a_27th(void **state)
{
	const char *dir = *state;
	struct keywords kw;
	char path[128], name[16];
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "%s/dovecot-keywords", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("1 b\n", f);
	fclose(f);
	assert_int_equal(keywords_add(dir, &kw, "first"), 'a');
	for (i = 2; i < KEYWORDS_MAX; i++) {
		snprintf(name, sizeof(name), "k%d", i);
		assert_int_equal(keywords_add(dir, &kw, name), 'a' + i);
	}
	assert_int_equal(keywords_add(dir, &kw, "more"), -ENOSPC);
	assert_int_equal(keywords_add(dir, &kw, "b"), 'b');
	assert_int_equal(keywords_add(dir, &kw, "bad name"), -EINVAL);
	assert_int_equal(keywords_count(&kw), KEYWORDS_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_table),
		cmocka_unit_test(parse_byte_by_byte_prefixes_never_overread),
		cmocka_unit_test(letter_lookup_ignores_case),
		cmocka_unit_test(name_is_an_atom),
		cmocka_unit_test_setup_teardown(
			add_writes_dovecots_file_and_keeps_letters, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			add_reads_what_another_process_added, setup, teardown),
		cmocka_unit_test_setup_teardown(
			add_fills_a_gap_then_refuses_a_27th, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
