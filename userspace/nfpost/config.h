/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfpost_watch's per-namespace thresholds (NFPW_A_CFG_*): their command-line
 * keys, their JSON keys, and how `nfpost watch config` prints them.
 */
#ifndef NFPOST_CONFIG_H
#define NFPOST_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <libmnl/libmnl.h>

struct config_key {
	const char *key;	/* command line and text output */
	const char *json;	/* JSON output */
	uint16_t attr;		/* NFPW_A_CFG_* */
};

#define CONFIG_KEYS 9

extern const struct config_key config_keys[CONFIG_KEYS];

const struct config_key *config_key_find(const char *key);
void config_print(FILE *f, const struct nlattr *const *tb, bool json);

#endif /* NFPOST_CONFIG_H */
