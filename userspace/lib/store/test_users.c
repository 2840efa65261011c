// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for users.c: names, hashing and verification, changes, and the
 * file read and written in a fresh directory.
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
#include "test_table.h"
#include "test_tmpdir.h"
#include "users.h"

/* A yescrypt hash of "secret", made once with this library. */
#define SECRET_HASH "$y$j9T$p5y33FYSZ2DWDLo0zdggj1" \
		    "$OxD6GjUDJz0zqrGdMTfsVnhPVpbZF.PaKdBGuZzw9BD"

static const struct name_case {
	const char *name;
	const char *user;
	bool ok;
} name_cases[] = {
	{ "name_plain", "alice", true },
	{ "name_upper_case_is_lowered_so_valid", "Alice.Smith", true },
	{ "name_digits_dot_dash_underscore", "a-b_c.9", true },
	{ "name_one_char", "a", true },
#define A32 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	{ "name_64_chars", A32 A32, true },
	{ "name_65_chars_too_long", A32 A32 "a", false },
	{ "name_empty", "", false },
	{ "name_dot", ".", false },
	{ "name_dotdot", "..", false },
	{ "name_with_at", "a@b", false },
	{ "name_with_colon", "a:b", false },
	{ "name_with_slash", "a/b", false },
	{ "name_with_space", "a b", false },
	{ "name_with_plus", "a+b", false },
	{ "name_utf8", "caf\xc3\xa9", false },
};

static void run_name(void **state)
{
	const struct name_case *c = *state;

	assert_int_equal(users_name_ok(c->user), c->ok);
}

static void add_then_verify_right_and_wrong(void **state)
{
	struct users u = { 0 };
	const struct user *user;

	(void)state;
	assert_int_equal(users_set(&u, "alice", "s3cret pass", false), 0);
	user = users_find(&u, "alice");
	assert_non_null(user);
	assert_memory_equal(user->hash, "$y$", 3);
	assert_true(users_verify(user, "s3cret pass"));
	assert_false(users_verify(user, "s3cret pas"));
	assert_false(users_verify(user, "s3cret pass "));
	assert_false(users_verify(user, ""));
	users_free(&u);
}

static void verify_a_stored_hash(void **state)
{
	struct user user = { "bob", SECRET_HASH };

	(void)state;
	assert_true(users_verify(&user, "secret"));
	assert_false(users_verify(&user, "Secret"));
}

static void verify_garbage_hash_is_false(void **state)
{
	struct user user = { "bob", "not-a-hash" };

	(void)state;
	assert_false(users_verify(&user, "not-a-hash"));
	user.hash = NULL;
	assert_false(users_verify(&user, ""));
	assert_false(users_verify(NULL, ""));
}

static void same_password_gets_fresh_salt(void **state)
{
	struct users u = { 0 };

	(void)state;
	assert_int_equal(users_set(&u, "a", "pw", false), 0);
	assert_int_equal(users_set(&u, "b", "pw", false), 0);
	assert_string_not_equal(u.v[0].hash, u.v[1].hash);
	users_free(&u);
}

static void names_are_stored_lower_case(void **state)
{
	struct users u = { 0 };

	(void)state;
	assert_int_equal(users_set(&u, "Alice", "pw", false), 0);
	assert_string_equal(u.v[0].name, "alice");
	assert_ptr_equal(users_find(&u, "ALICE"), &u.v[0]);
	assert_int_equal(users_set(&u, "aLiCe", "pw", false), -EEXIST);
	users_free(&u);
}

static void replace_changes_the_password(void **state)
{
	struct users u = { 0 };

	(void)state;
	assert_int_equal(users_set(&u, "alice", "old", false), 0);
	assert_int_equal(users_set(&u, "alice", "new", true), 0);
	assert_int_equal(u.n, 1);
	assert_true(users_verify(&u.v[0], "new"));
	assert_false(users_verify(&u.v[0], "old"));
	users_free(&u);
}

static void replace_of_unknown_is_enoent(void **state)
{
	struct users u = { 0 };

	(void)state;
	assert_int_equal(users_set(&u, "nobody", "pw", true), -ENOENT);
	assert_int_equal(u.n, 0);
}

static void bad_name_or_empty_password_is_einval(void **state)
{
	struct users u = { 0 };

	(void)state;
	assert_int_equal(users_set(&u, "a b", "pw", false), -EINVAL);
	assert_int_equal(users_set(&u, "alice", "", false), -EINVAL);
	assert_int_equal(u.n, 0);
}

static void del_removes_only_that_user(void **state)
{
	struct users u = { 0 };

	(void)state;
	assert_int_equal(users_set(&u, "a", "1", false), 0);
	assert_int_equal(users_set(&u, "b", "2", false), 0);
	assert_int_equal(users_set(&u, "c", "3", false), 0);
	assert_int_equal(users_del(&u, "B"), 0);
	assert_int_equal(u.n, 2);
	assert_null(users_find(&u, "b"));
	assert_string_equal(u.v[0].name, "a");
	assert_string_equal(u.v[1].name, "c");
	assert_true(users_verify(&u.v[1], "3"));
	assert_int_equal(users_del(&u, "b"), -ENOENT);
	users_free(&u);
}

/* A fresh directory holding the users file "users". */
static int setup(void **state)
{
	return test_dir_setup(state, "users", "users");
}

static int teardown(void **state)
{
	return test_dir_teardown(state);
}

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

static void missing_file_is_empty(void **state)
{
	struct test_dir *d = *state;
	struct users u;
	int line = -1;

	assert_int_equal(users_load(d->path, &u, &line), 0);
	assert_int_equal(u.n, 0);
	assert_int_equal(line, 0);
	users_free(&u);
}

static void save_load_round_trip(void **state)
{
	struct test_dir *d = *state;
	struct users u = { 0 }, v;
	struct stat st;
	char tmp[sizeof(d->path) + 8];

	umask(077);
	assert_int_equal(users_set(&u, "alice", "pw1", false), 0);
	assert_int_equal(users_set(&u, "bob", "pw2", false), 0);
	assert_int_equal(users_save(d->path, &u, (gid_t)-1), 0);
	assert_int_equal(stat(d->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	snprintf(tmp, sizeof(tmp), "%s.tmp", d->path);
	assert_int_equal(access(tmp, F_OK), -1);
	assert_int_equal(users_load(d->path, &v, NULL), 0);
	assert_int_equal(v.n, 2);
	assert_string_equal(v.v[0].name, "alice");
	assert_string_equal(v.v[0].hash, u.v[0].hash);
	assert_true(users_verify(users_find(&v, "bob"), "pw2"));
	users_free(&u);
	users_free(&v);
}

static void save_replaces_whole_file(void **state)
{
	struct test_dir *d = *state;
	struct users u = { 0 }, v;

	write_file(d->path, "old:" SECRET_HASH "\n", strlen(SECRET_HASH) + 5);
	assert_int_equal(users_set(&u, "new", "pw", false), 0);
	assert_int_equal(users_save(d->path, &u, (gid_t)-1), 0);
	assert_int_equal(users_load(d->path, &v, NULL), 0);
	assert_int_equal(v.n, 1);
	assert_string_equal(v.v[0].name, "new");
	users_free(&u);
	users_free(&v);
}

static void save_into_missing_dir_fails(void **state)
{
	struct test_dir *d = *state;
	struct users u = { 0 };
	char path[96];

	snprintf(path, sizeof(path), "%s/no/users", d->root);
	assert_int_equal(users_save(path, &u, (gid_t)-1), -ENOENT);
}

/*
 * The daemon's group reads the file: given, it replaces the group a first
 * file or an old root:root one had; the mode stays 0640 whatever the old.
 */
static void save_gives_the_group(void **state)
{
	struct test_dir *d = *state;
	struct users u = { 0 };
	struct stat st;
	gid_t gid = 65534;	/* nogroup: any but root's */

	if (geteuid() != 0)
		skip();		/* only root gives a file any group */
	assert_int_equal(users_set(&u, "alice", "pw", false), 0);
	assert_int_equal(users_save(d->path, &u, gid), 0);
	assert_int_equal(stat(d->path, &st), 0);
	assert_int_equal(st.st_gid, gid);
	assert_int_equal(st.st_mode & 0777, 0640);
	assert_int_equal(chown(d->path, 0, 0), 0);
	assert_int_equal(chmod(d->path, 0604), 0);
	assert_int_equal(users_save(d->path, &u, gid), 0);
	assert_int_equal(stat(d->path, &st), 0);
	assert_int_equal(st.st_uid, 0);
	assert_int_equal(st.st_gid, gid);
	assert_int_equal(st.st_mode & 0777, 0640);
	users_free(&u);
}

/* Files that load: what they hold, as "name name ...". */
static const struct load_case {
	const char *name;
	const char *text;
	const char *names;
} load_cases[] = {
#define H ":" SECRET_HASH
	{ "load_empty_file", "", "" },
	{ "load_comments_and_blank_lines_ignored",
	  "# accounts\n\n   \n\t# indented comment\nalice" H "\n", "alice" },
	{ "load_names_lower_cased", "Alice" H "\nBOB" H "\n", "alice bob" },
	{ "load_crlf_lines", "alice" H "\r\nbob" H "\r\n", "alice bob" },
	{ "load_last_line_without_newline", "alice" H, "alice" },
	{ "load_other_crypt_methods", "alice:$6$salt$abc\nbob:!\n",
	  "alice bob" },
};

static void run_load(void **state)
{
	const struct load_case *c = *state;
	char got[256] = "";
	struct users u;
	struct test_dir *d = NULL;
	size_t i, n = 0;

	assert_int_equal(setup((void **)&d), 0);
	write_file(d->path, c->text, strlen(c->text));
	assert_int_equal(users_load(d->path, &u, NULL), 0);
	for (i = 0; i < u.n; i++)
		n += snprintf(got + n, sizeof(got) - n, "%s%s", i ? " " : "",
			      u.v[i].name);
	assert_string_equal(got, c->names);
	users_free(&u);
	teardown((void **)&d);
}

/* Files that do not load, and the line named. */
static const struct bad_case {
	const char *name;
	const char *text;
	size_t len;		/* 0: strlen(text) */
	int line;
} bad_cases[] = {
	{ "bad_line_without_colon", "alice\n", 0, 1 },
	{ "bad_empty_hash", "alice:\n", 0, 1 },
	{ "bad_empty_name", H "\n", 0, 1 },
	{ "bad_name_with_space", "al ice" H "\n", 0, 1 },
	{ "bad_hash_with_space", "alice:$y$ x\n", 0, 1 },
	{ "bad_hash_with_second_colon", "alice:a:b\n", 0, 1 },
	{ "bad_duplicate_name_any_case", "alice" H "\nALICE" H "\n", 0, 2 },
	{ "bad_line_counted_after_comments", "# c\n\nalice" H "\nbob\n", 0,
	  4 },
	{ "bad_leading_space_before_name", " alice" H "\n", 0, 1 },
#define NUL_FILE "alice" H "\n\0bob" H "\n"
	{ "bad_nul_byte", NUL_FILE, sizeof(NUL_FILE) - 1, 2 },
};

static void run_bad(void **state)
{
	const struct bad_case *c = *state;
	size_t len = c->len ? c->len : strlen(c->text);
	struct users u;
	struct test_dir *d = NULL;
	int line = 0;

	assert_int_equal(setup((void **)&d), 0);
	write_file(d->path, c->text, len);
	assert_int_equal(users_load(d->path, &u, &line), -EINVAL);
	assert_int_equal(line, c->line);
	assert_null(u.v);
	assert_int_equal(u.n, 0);
	teardown((void **)&d);
}

#define DIR_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(name_cases) +
			       ARRAY_SIZE(load_cases) +
			       ARRAY_SIZE(bad_cases) + 14] = {
		cmocka_unit_test(add_then_verify_right_and_wrong),
		cmocka_unit_test(verify_a_stored_hash),
		cmocka_unit_test(verify_garbage_hash_is_false),
		cmocka_unit_test(same_password_gets_fresh_salt),
		cmocka_unit_test(names_are_stored_lower_case),
		cmocka_unit_test(replace_changes_the_password),
		cmocka_unit_test(replace_of_unknown_is_enoent),
		cmocka_unit_test(bad_name_or_empty_password_is_einval),
		cmocka_unit_test(del_removes_only_that_user),
		DIR_TEST(missing_file_is_empty),
		DIR_TEST(save_load_round_trip),
		DIR_TEST(save_replaces_whole_file),
		DIR_TEST(save_into_missing_dir_fails),
		DIR_TEST(save_gives_the_group),
	};
	size_t n = 14;

	TEST_TABLE(tests, n, name_cases, run_name);
	TEST_TABLE(tests, n, load_cases, run_load);
	TEST_TABLE(tests, n, bad_cases, run_bad);
	return cmocka_run_group_tests_name("users", tests, NULL, NULL);
}
