/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `nfpost mcast` command line, parsed without I/O (test_mcast_args.c checks
 * it from a table): argv in, struct mcast_args or an error and exit code out.
 */
#ifndef NFPOST_MCAST_ARGS_H
#define NFPOST_MCAST_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mcast_verb {
	MCAST_HELP,
	MCAST_ENABLE,
	MCAST_DISABLE,
	MCAST_SET,
	MCAST_SHOW,
	MCAST_STATS,
	MCAST_CONFIG,
	MCAST_ADD,
	MCAST_DEL,
	MCAST_ROUTER,
	MCAST_PORT,		/* set port options, or list ports */
};

#define MCAST_MAX_SET	16

struct mcast_set {
	uint16_t attr;		/* NFPM_A_CFG_* */
	uint32_t val;
};

struct mcast_args {
	enum mcast_verb verb;
	bool json;
	const char *dev;
	const char *port;
	uint8_t group[16], src[16];
	size_t alen;		/* 4 or 16, of group (and src); 0: none */
	bool has_src;
	bool permanent;
	int router;		/* enum nfpm_router, -1: not given */
	int fast_leave;		/* 0 or 1, -1: not given */
	int64_t port_max;	/* -1: not given */
	unsigned int n_set;
	struct mcast_set set[MCAST_MAX_SET];
};

int mcast_args_parse(int argc, char **argv, struct mcast_args *m, char *err,
		     size_t len);

/* The keys of `set` and `config`: command-line word, JSON key, attribute. */
struct mcast_key {
	const char *word;
	const char *json;
	uint16_t attr;
	const char *const *names;	/* value words, NULL: a number */
};

extern const struct mcast_key mcast_keys[];
extern const size_t mcast_n_keys;

/* The word of @val for a key with names, or NULL. */
const char *mcast_key_name(const struct mcast_key *k, uint32_t val);

#endif /* NFPOST_MCAST_ARGS_H */
