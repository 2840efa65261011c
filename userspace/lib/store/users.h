/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The users file: the accounts of the local domains, one per line,
 * "name:hash" with a yescrypt hash (libxcrypt), '#' comments. A name is a
 * local part, valid in every local domain (as Postfix's local(8) users
 * are); names are compared case-insensitively and stored lower-cased. The
 * file is rewritten whole (temporary file, fsync, rename) on every change.
 */
#ifndef NFPOST_USERS_H
#define NFPOST_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define USERS_NAME_MAX		64
/*
 * The longest password AUTH can carry: RFC 4616's passwd is at most 255
 * octets, and AUTH LOGIN's base64 line fits it too.
 */
#define USERS_PASSWORD_MAX	255

struct user {
	char name[USERS_NAME_MAX + 1];
	char *hash;
};

struct users {
	struct user *v;
	size_t n;
};

/*
 * Loads @path into @u (a missing file is an empty set). -EINVAL for a bad
 * line (no ':', a bad or repeated name, an empty hash or one with blanks),
 * with its number in *@line_r if not NULL; @u is then empty. The hash may
 * be of any crypt(5) method, so that hashes made elsewhere can be used.
 */
int users_load(const char *path, struct users *u, int *line_r);
void users_free(struct users *u);
/*
 * Rewrites @path from @u atomically, mode 0640, keeping the old file's
 * owner and group when permitted (comments in it are not kept); then with
 * group @gid unless it is (gid_t)-1, so that the daemon's group reads it.
 */
int users_save(const char *path, const struct users *u, gid_t gid);

const struct user *users_find(const struct users *u, const char *name);
/* A valid name: 1 to 64 of [a-z0-9._-] after lower-casing, not "." or "..". */
bool users_name_ok(const char *name);
/*
 * Takes the file's lock (an flock(2) on "@path.lock") for a rewrite: load,
 * change, save. Returns the fd to close to release it, or -errno.
 */
int users_lock(const char *path);
/*
 * Adds or (if @replace) changes, with a fresh yescrypt hash of @password;
 * -EEXIST / -ENOENT otherwise, -EINVAL for a bad name or an empty password.
 */
int users_set(struct users *u, const char *name, const char *password,
	      bool replace);
int users_del(struct users *u, const char *name);

/*
 * Whether @password matches @user's hash (constant time compare); false for
 * a NULL @user, so that users_find()'s result can be passed as it is.
 */
bool users_verify(const struct user *user, const char *password);

#endif /* NFPOST_USERS_H */
