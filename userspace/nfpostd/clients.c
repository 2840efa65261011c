// SPDX-License-Identifier: GPL-2.0
/*
 * Per-client counts (Postfix's anvil, in-process): a fixed table searched
 * linearly, small enough for a lab (max_sessions plus the clients of the
 * last minute). A slot is free again once its client has no session open
 * and its minute is over.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clients.h"

#define RATE_WINDOW	60	/* seconds: the rate is per minute */

struct client {
	uint8_t key[17];	/* family, then 4 or 8 address bytes */
	int open;		/* sessions open now */
	int rate;		/* accepted in the window */
	time_t window;		/* its start */
	bool used;
};

struct clients {
	unsigned int size;
	struct client v[];
};

struct clients *clients_new(unsigned int size)
{
	struct clients *cs = calloc(1, sizeof(*cs) + size * sizeof(cs->v[0]));

	if (cs)
		cs->size = size;
	return cs;
}

void clients_free(struct clients *cs)
{
	free(cs);
}

/*
 * IPv4: the address; IPv6: its /64, what one host or site owns. An IPv4
 * client of a dual-stack listener (::ffff:a.b.c.d) is keyed as IPv4: its
 * /64 would be every IPv4 client at once.
 */
static void key_of(const struct sockaddr *sa, uint8_t key[17])
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

	memset(key, 0, 17);
	key[0] = (uint8_t)sa->sa_family;
	if (sa->sa_family == AF_INET) {
		memcpy(key + 1, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6 &&
		   IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		key[0] = AF_INET;
		memcpy(key + 1, s6->sin6_addr.s6_addr + 12, 4);
	} else if (sa->sa_family == AF_INET6) {
		memcpy(key + 1, &s6->sin6_addr, 8);
	}
}

static bool expired(const struct client *c, time_t now)
{
	return !c->open && now - c->window >= RATE_WINDOW;
}

static struct client *find(struct clients *cs, const uint8_t key[17],
			   time_t now, bool add)
{
	struct client *free_slot = NULL;
	unsigned int i;

	for (i = 0; i < cs->size; i++) {
		struct client *c = &cs->v[i];

		if (c->used && !memcmp(c->key, key, sizeof(c->key)))
			return c;
		if (!free_slot && (!c->used || expired(c, now)))
			free_slot = c;
	}
	if (!add || !free_slot)
		return NULL;
	memset(free_slot, 0, sizeof(*free_slot));
	memcpy(free_slot->key, key, sizeof(free_slot->key));
	free_slot->used = true;
	free_slot->window = now;
	return free_slot;
}

enum clients_verdict clients_admit(struct clients *cs,
				   const struct sockaddr *sa, time_t now,
				   int max_open, int max_rate, int *count_r)
{
	struct client *c;
	uint8_t key[17];

	key_of(sa, key);
	c = find(cs, key, now, true);
	if (!c)
		return CLIENTS_FULL;
	if (now - c->window >= RATE_WINDOW) {
		c->window = now;
		c->rate = 0;
	}
	if (c->open >= max_open) {
		*count_r = c->open + 1;
		return CLIENTS_TOO_MANY;
	}
	if (c->rate >= max_rate) {
		*count_r = c->rate + 1;
		return CLIENTS_TOO_FAST;
	}
	c->open++;
	c->rate++;
	return CLIENTS_OK;
}

void clients_release(struct clients *cs, const struct sockaddr *sa)
{
	struct client *c;
	uint8_t key[17];

	key_of(sa, key);
	c = find(cs, key, 0, false);
	if (c && c->open)
		c->open--;
}
