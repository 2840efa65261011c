// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's shared state: the local users, re-read when `nfpost user`
 * has rewritten their file (a rename: the inode changes).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <event2/util.h>

#include "log.h"
#include "server.h"

static bool changed(const struct stat *a, const struct stat *b)
{
	return a->st_ino != b->st_ino || a->st_dev != b->st_dev ||
	       a->st_mtim.tv_sec != b->st_mtim.tv_sec ||
	       a->st_mtim.tv_nsec != b->st_mtim.tv_nsec ||
	       a->st_size != b->st_size;
}

const struct users *server_users(struct server *srv)
{
	struct users fresh;
	struct stat st;
	int line = 0, ret;

	if (stat(srv->conf.users_file, &st))
		memset(&st, 0, sizeof(st));
	if (!changed(&st, &srv->users_st))
		return &srv->users;
	srv->users_st = st;
	ret = users_load(srv->conf.users_file, &fresh, &line);
	if (ret) {
		/*
		 * Keep serving with the users we had; whoever is not among
		 * them gets 451 meanwhile, never a 550 that would bounce.
		 */
		srv->users_unreadable = true;
		if (line)
			log_msg(LOG_ERR, "%s:%d: bad line, keeping the %zu "
				"users known", srv->conf.users_file, line,
				srv->users.n);
		else
			log_msg(LOG_ERR, "%s: %s, keeping the %zu users known",
				srv->conf.users_file, strerror(-ret),
				srv->users.n);
		return &srv->users;
	}
	srv->users_unreadable = false;
	users_free(&srv->users);
	srv->users = fresh;
	return &srv->users;
}

int server_init_auth(struct server *srv)
{
	struct users tmp = { 0 };
	unsigned char r[16];
	char pw[33];
	size_t i;
	int ret;

	evutil_secure_rng_get_bytes(r, sizeof(r));
	for (i = 0; i < sizeof(r); i++)
		snprintf(pw + 2 * i, 3, "%02x", r[i]);
	ret = users_set(&tmp, "dummy", pw, false);
	if (!ret) {
		srv->dummy_hash = strdup(tmp.v[0].hash);
		ret = srv->dummy_hash ? 0 : -ENOMEM;
	}
	users_free(&tmp);
	return ret;
}

const struct user *server_local_user(struct server *srv, const char *local)
{
	const struct users *u = server_users(srv);
	char name[USERS_NAME_MAX + 1];
	size_t i;

	if (strlen(local) > USERS_NAME_MAX)
		return NULL;
	for (i = 0; local[i]; i++)
		name[i] = (char)tolower((unsigned char)local[i]);
	name[i] = '\0';
	if (!strcmp(name, "postmaster") && srv->conf.postmaster[0])
		snprintf(name, sizeof(name), "%s", srv->conf.postmaster);
	if (!users_name_ok(name))
		return NULL;
	return users_find(u, name);
}
