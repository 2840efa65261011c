/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For cmocka tests that need files: a private directory under $TMPDIR (or
 * /tmp), and its removal with everything in it.
 */
#ifndef NFPOST_TEST_TMPDIR_H
#define NFPOST_TEST_TMPDIR_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "<$TMPDIR or /tmp>/<name>.XXXXXX", made with mkdtemp(), into @buf. */
static inline int test_tmpdir_make(char *buf, size_t len, const char *name)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(buf, len, "%s/%s.XXXXXX",
		 tmp && strlen(tmp) < 40 ? tmp : "/tmp", name);
	return mkdtemp(buf) ? 0 : -1;
}

static inline int test_tmpdir_rm_one(const char *path, const struct stat *st,
				     int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* @dir and everything under it. */
static inline int test_tmpdir_remove(const char *dir)
{
	return nftw(dir, test_tmpdir_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * A cmocka fixture's state: a private directory and one path in it, made by
 * test_dir_setup() and removed with all it holds by test_dir_teardown().
 */
struct test_dir {
	char root[64];		/* the mkdtemp() directory */
	char path[96];		/* root/<leaf> */
};

/*
 * Sets *@state to a new test_dir: a directory "@name.XXXXXX" under $TMPDIR
 * (or /tmp), and the path root/@leaf in it (not created).
 */
static inline int test_dir_setup(void **state, const char *name,
				 const char *leaf)
{
	struct test_dir *d = calloc(1, sizeof(*d));

	if (!d || test_tmpdir_make(d->root, sizeof(d->root), name)) {
		free(d);
		return -1;
	}
	snprintf(d->path, sizeof(d->path), "%s/%s", d->root, leaf);
	*state = d;
	return 0;
}

static inline int test_dir_teardown(void **state)
{
	struct test_dir *d = *state;

	test_tmpdir_remove(d->root);
	free(d);
	return 0;
}

#endif /* NFPOST_TEST_TMPDIR_H */
