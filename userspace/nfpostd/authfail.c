// SPDX-License-Identifier: GPL-2.0
/*
 * Failed logins per client and per user: two fixed tables searched
 * linearly (a lab's clients and users), an entry reused once its count is
 * forgotten, or the least recently failed one when none is.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authfail.h"
#include "users.h"

/* A client's key (family, 4 or 8 address bytes) or a user's name. */
#define KEY_MAX		(USERS_NAME_MAX + 1)

struct entry {
	char key[KEY_MAX];
	unsigned int failures;
	time_t last;		/* of the last failure */
	bool used;
};

struct table {
	struct entry *v;
	unsigned int size;
};

struct authfail {
	struct table clients, users;
	unsigned int max_failures;
	struct authfail_stats stats;
};

struct authfail *authfail_new(unsigned int size, unsigned int max_failures)
{
	struct authfail *af = calloc(1, sizeof(*af));

	if (!af)
		return NULL;
	af->clients.v = calloc(size, sizeof(struct entry));
	af->users.v = calloc(size, sizeof(struct entry));
	if (!af->clients.v || !af->users.v) {
		authfail_free(af);
		return NULL;
	}
	af->clients.size = af->users.size = size;
	af->max_failures = max_failures;
	return af;
}

void authfail_free(struct authfail *af)
{
	if (!af)
		return;
	free(af->clients.v);
	free(af->users.v);
	free(af);
}

/* IPv4: the address; IPv6: its /64, as clients.c counts sessions. */
static void client_key(const struct sockaddr *sa, char key[KEY_MAX])
{
	memset(key, 0, KEY_MAX);
	key[0] = (char)sa->sa_family;
	if (sa->sa_family == AF_INET)
		memcpy(key + 1, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	else if (sa->sa_family == AF_INET6)
		memcpy(key + 1, &((const struct sockaddr_in6 *)sa)->sin6_addr,
		       8);
}

static void user_key(const char *user, char key[KEY_MAX])
{
	size_t i;

	memset(key, 0, KEY_MAX);
	for (i = 0; user[i] && i < KEY_MAX - 1; i++)
		key[i] = user[i] >= 'A' && user[i] <= 'Z' ?
			 (char)(user[i] - 'A' + 'a') : user[i];
}

static bool forgotten(const struct entry *e, time_t now)
{
	return !e->used || now - e->last >= AUTHFAIL_WINDOW;
}

/* @key's entry if it still counts at @now (any, at 0), or NULL. */
static struct entry *find(struct table *t, const char *key, time_t now)
{
	unsigned int i;

	for (i = 0; i < t->size; i++)
		if (t->v[i].used && !memcmp(t->v[i].key, key, KEY_MAX))
			return forgotten(&t->v[i], now) ? NULL : &t->v[i];
	return NULL;
}

/* A slot for @key: its own, a forgotten one, else the stalest (counted). */
static struct entry *slot(struct authfail *af, struct table *t,
			  const char *key, time_t now)
{
	struct entry *e = NULL, *stale = NULL;
	unsigned int i;

	for (i = 0; i < t->size; i++) {
		struct entry *c = &t->v[i];

		if (c->used && !memcmp(c->key, key, KEY_MAX)) {
			if (forgotten(c, now))
				c->failures = 0;
			return c;
		}
		if (!e && forgotten(c, now))
			e = c;
		if (!stale || c->last < stale->last)
			stale = c;
	}
	if (!e && stale) {
		e = stale;
		af->stats.evicted++;
	}
	if (!e)
		return NULL;
	memset(e, 0, sizeof(*e));
	memcpy(e->key, key, KEY_MAX);
	e->used = true;
	return e;
}

int authfail_check(struct authfail *af, const struct sockaddr *sa,
		   time_t now)
{
	struct entry *e;
	char key[KEY_MAX];

	client_key(sa, key);
	e = find(&af->clients, key, now);
	if (!e || e->failures < af->max_failures)
		return 0;
	af->stats.refused++;
	return -EAGAIN;
}

static unsigned int count(struct authfail *af, struct table *t,
			  const char *key, time_t now)
{
	struct entry *e = slot(af, t, key, now);

	if (!e)
		return 0;
	e->failures++;
	e->last = now;
	return e->failures;
}

long authfail_failed(struct authfail *af, const struct sockaddr *sa,
		     const char *user, unsigned int session_failures,
		     time_t now)
{
	unsigned int n = session_failures, k;
	char key[KEY_MAX];
	long ms;

	af->stats.failures++;
	client_key(sa, key);
	k = count(af, &af->clients, key, now);
	n = k > n ? k : n;
	if (user && *user) {
		user_key(user, key);
		k = count(af, &af->users, key, now);
		n = k > n ? k : n;
	}
	/* The n-th failure waits 250 ms << (n - 1), up to the max. */
	ms = AUTHFAIL_DELAY_FIRST_MS << (n > 1 ? (n - 1 < 6 ? n - 1 : 6) : 0);
	return ms < AUTHFAIL_DELAY_MAX_MS ? ms : AUTHFAIL_DELAY_MAX_MS;
}

void authfail_ok(struct authfail *af, const struct sockaddr *sa,
		 const char *user)
{
	struct entry *e;
	char key[KEY_MAX];

	client_key(sa, key);
	e = find(&af->clients, key, 0);
	if (e)
		e->used = false;
	if (!user || !*user)
		return;
	user_key(user, key);
	e = find(&af->users, key, 0);
	if (e)
		e->used = false;
}

const struct authfail_stats *authfail_stats(const struct authfail *af)
{
	return &af->stats;
}

time_t authfail_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}
