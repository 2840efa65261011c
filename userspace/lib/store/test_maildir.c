// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for maildir.c, in a fresh directory per test: the layout, the
 * names, and that a message is in new/ whole or nowhere.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "maildir.h"
#include "test_table.h"
#include "test_tmpdir.h"

static int setup(void **state)
{
	return test_dir_setup(state, "maildir", "Maildir");
}

static int teardown(void **state)
{
	return test_dir_teardown(state);
}

/* How many entries @sub of the Maildir holds; the last one's name in @name. */
static int entries(const struct test_dir *d, const char *sub, char *name,
		   size_t len)
{
	char path[160];
	struct dirent *e;
	int n = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/%s", d->path, sub);
	dir = opendir(path);
	assert_non_null(dir);
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		n++;
		if (name)
			snprintf(name, len, "%s", e->d_name);
	}
	closedir(dir);
	return n;
}

static void create_makes_three_private_subdirs(void **state)
{
	static const char *const subs[] = { "", "/cur", "/new", "/tmp" };
	struct test_dir *d = *state;
	char path[160];
	struct stat st;
	size_t i;

	umask(022);
	assert_int_equal(maildir_create(d->path), 0);
	for (i = 0; i < ARRAY_SIZE(subs); i++) {
		snprintf(path, sizeof(path), "%s%s", d->path, subs[i]);
		assert_int_equal(stat(path, &st), 0);
		assert_true(S_ISDIR(st.st_mode));
		assert_int_equal(st.st_mode & 0777, 0700);
	}
}

static void create_twice_is_fine(void **state)
{
	struct test_dir *d = *state;

	assert_int_equal(maildir_create(d->path), 0);
	assert_int_equal(maildir_create(d->path), 0);
}

static void create_needs_the_parent(void **state)
{
	struct test_dir *d = *state;
	char path[160];

	snprintf(path, sizeof(path), "%s/no/Maildir", d->root);
	assert_int_equal(maildir_create(path), -ENOENT);
}

static void open_without_maildir_fails_closed(void **state)
{
	struct test_dir *d = *state;
	struct maildir_msg m;

	assert_int_equal(maildir_open(d->path, &m), -ENOENT);
	assert_int_equal(m.fd, -1);
	assert_int_equal(m.dirfd, -1);
	maildir_abort(&m);
}

/* Messages written in pieces of @piece bytes (0: all at once). */
static const struct commit_case {
	const char *name;
	const char *data;
	size_t len;
	size_t piece;
} commit_cases[] = {
#define MSG "Subject: hi\r\n\r\nhello\r\n"
	{ "commit_one_write", MSG, sizeof(MSG) - 1, 0 },
	{ "commit_byte_by_byte", MSG, sizeof(MSG) - 1, 1 },
	{ "commit_uneven_pieces", MSG, sizeof(MSG) - 1, 7 },
	{ "commit_empty_message_is_size_0", "", 0, 0 },
	{ "commit_binary_with_nul_bytes", "a\0b\0\xff\r\n", 7, 3 },
};

static void check_file(const struct test_dir *d, const char *name,
		       const struct commit_case *c)
{
	char path[600], *buf = malloc(c->len + 2);
	int fd;

	snprintf(path, sizeof(path), "%s/%s", d->path, name);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, buf, c->len + 1), c->len);
	assert_memory_equal(buf, c->data, c->len);
	close(fd);
	free(buf);
}

static void run_commit(void **state)
{
	const struct commit_case *c = *state;
	struct test_dir *d = NULL;
	char name[MAILDIR_NAME_MAX + 5], listed[MAILDIR_NAME_MAX + 1];
	char want[32];
	struct maildir_msg m;
	size_t off, n;

	assert_int_equal(setup((void **)&d), 0);
	assert_int_equal(maildir_create(d->path), 0);
	assert_int_equal(maildir_open(d->path, &m), 0);
	assert_int_equal(entries(d, "tmp", NULL, 0), 1);
	for (off = 0; off < c->len; off += n) {
		n = c->piece && c->piece < c->len - off ? c->piece
							: c->len - off;
		assert_int_equal(maildir_write(&m, c->data + off, n), 0);
	}
	assert_int_equal(m.size, c->len);
	assert_int_equal(maildir_commit(&m, name, sizeof(name)), 0);
	assert_int_equal(entries(d, "tmp", NULL, 0), 0);
	assert_int_equal(entries(d, "new", listed, sizeof(listed)), 1);
	assert_string_equal(name + 4, listed);
	assert_memory_equal(name, "new/", 4);
	snprintf(want, sizeof(want), ",S=%zu", c->len);
	assert_string_equal(name + strlen(name) - strlen(want), want);
	check_file(d, name, c);
	teardown((void **)&d);
}

static void abort_leaves_nothing(void **state)
{
	struct test_dir *d = *state;
	struct maildir_msg m;

	assert_int_equal(maildir_create(d->path), 0);
	assert_int_equal(maildir_open(d->path, &m), 0);
	assert_int_equal(maildir_write(&m, "x", 1), 0);
	maildir_abort(&m);
	assert_int_equal(entries(d, "tmp", NULL, 0), 0);
	assert_int_equal(entries(d, "new", NULL, 0), 0);
	maildir_abort(&m);
}

static void two_messages_get_distinct_names(void **state)
{
	char a[MAILDIR_NAME_MAX + 5], b[MAILDIR_NAME_MAX + 5];
	struct test_dir *d = *state;
	struct maildir_msg m1, m2;

	assert_int_equal(maildir_create(d->path), 0);
	assert_int_equal(maildir_open(d->path, &m1), 0);
	assert_int_equal(maildir_open(d->path, &m2), 0);
	assert_string_not_equal(m1.name, m2.name);
	assert_int_equal(maildir_commit(&m1, a, sizeof(a)), 0);
	assert_int_equal(maildir_commit(&m2, b, sizeof(b)), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(entries(d, "new", NULL, 0), 2);
}

/* <sec>.M<usec>P<pid>Q<counter>.<host>, ':' and '/' never in it. */
static void name_has_dovecot_shape(void **state)
{
	struct test_dir *d = *state;
	struct maildir_msg m;
	long long sec;
	long usec, pid;
	unsigned long q;
	int host = 0;

	assert_int_equal(maildir_create(d->path), 0);
	assert_int_equal(maildir_open(d->path, &m), 0);
	assert_int_equal(sscanf(m.name, "%lld.M%6ldP%ldQ%lu.%n", &sec, &usec,
				&pid, &q, &host), 4);
	assert_true(host > 0 && m.name[host]);
	assert_int_equal(pid, getpid());
	assert_null(strpbrk(m.name, ":/"));
	maildir_abort(&m);
}

static void write_after_commit_is_ebadf(void **state)
{
	struct test_dir *d = *state;
	struct maildir_msg m;

	assert_int_equal(maildir_create(d->path), 0);
	assert_int_equal(maildir_open(d->path, &m), 0);
	assert_int_equal(maildir_commit(&m, NULL, 0), 0);
	assert_int_equal(maildir_write(&m, "x", 1), -EBADF);
	assert_int_equal(maildir_commit(&m, NULL, 0), -EBADF);
	maildir_abort(&m);
	assert_int_equal(entries(d, "new", NULL, 0), 1);
}

static void short_name_buffer_only_truncates(void **state)
{
	struct test_dir *d = *state;
	struct maildir_msg m;
	char name[8];

	assert_int_equal(maildir_create(d->path), 0);
	assert_int_equal(maildir_open(d->path, &m), 0);
	assert_int_equal(maildir_commit(&m, name, sizeof(name)), 0);
	assert_int_equal(strlen(name), sizeof(name) - 1);
	assert_memory_equal(name, "new/", 4);
	assert_int_equal(entries(d, "new", NULL, 0), 1);
}

/* maildir_writev: pieces, empty ones too, land in order and are counted. */
static void writev_pieces_land_in_order(void **state)
{
	static char big[70000];
	struct commit_case c = { "writev", NULL, 0, 0 };
	struct test_dir *d = *state;
	char name[MAILDIR_NAME_MAX + 5], *all;
	struct iovec iov[4];
	struct maildir_msg m;

	memset(big, 'z', sizeof(big));
	iov[0] = (struct iovec){ "Return-Path: <>\r\n", 18 };
	iov[1] = (struct iovec){ "", 0 };
	iov[2] = (struct iovec){ big, sizeof(big) };
	iov[3] = (struct iovec){ "end\r\n", 5 };
	all = malloc(18 + sizeof(big) + 5);
	memcpy(all, "Return-Path: <>\r\n", 18);
	memcpy(all + 18, big, sizeof(big));
	memcpy(all + 18 + sizeof(big), "end\r\n", 5);
	c.data = all;
	c.len = 18 + sizeof(big) + 5;
	assert_int_equal(maildir_create(d->path), 0);
	assert_int_equal(maildir_open(d->path, &m), 0);
	assert_int_equal(maildir_writev(&m, iov, 4), 0);
	assert_int_equal(m.size, c.len);
	assert_int_equal(maildir_commit(&m, name, sizeof(name)), 0);
	check_file(d, name, &c);
	free(all);
}

#define DIR_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(commit_cases) + 10] = {
		DIR_TEST(create_makes_three_private_subdirs),
		DIR_TEST(create_twice_is_fine),
		DIR_TEST(create_needs_the_parent),
		DIR_TEST(open_without_maildir_fails_closed),
		DIR_TEST(abort_leaves_nothing),
		DIR_TEST(two_messages_get_distinct_names),
		DIR_TEST(name_has_dovecot_shape),
		DIR_TEST(write_after_commit_is_ebadf),
		DIR_TEST(short_name_buffer_only_truncates),
		DIR_TEST(writev_pieces_land_in_order),
	};
	size_t n = 10;

	TEST_TABLE(tests, n, commit_cases, run_commit);
	return cmocka_run_group_tests_name("maildir", tests, NULL, NULL);
}
