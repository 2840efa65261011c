// SPDX-License-Identifier: GPL-2.0
/*
 * nfpost_watch's thresholds. Text output uses the same keys as
 * `nfpost watch set`, so a saved `config` can be replayed as arguments.
 */
#include <string.h>
#include <linux/nfpost_watch.h>
#include "config.h"
#include "json.h"

const struct config_key config_keys[CONFIG_KEYS] = {
	{ "max-bindings",  "max_bindings",  NFPW_A_CFG_MAX_BINDINGS },
	{ "flood-pps",     "flood_pps",     NFPW_A_CFG_FLOOD_PPS },
	{ "sweep-hosts",   "sweep_hosts",   NFPW_A_CFG_SWEEP_HOSTS },
	{ "sweep-window",  "sweep_window",  NFPW_A_CFG_SWEEP_WINDOW_MS },
	{ "trace-probes",  "trace_probes",  NFPW_A_CFG_TRACE_PROBES },
	{ "trace-max-ttl", "trace_max_ttl", NFPW_A_CFG_TRACE_MAX_TTL },
	{ "flipflop",      "flipflop",      NFPW_A_CFG_FLIPFLOP_MS },
	{ "echo-timeout",  "echo_timeout",  NFPW_A_CFG_ECHO_TIMEOUT_MS },
	{ "max-age",       "max_age",       NFPW_A_CFG_MAX_AGE },
};

const struct config_key *config_key_find(const char *key)
{
	int i;

	for (i = 0; i < CONFIG_KEYS; i++)
		if (!strcmp(config_keys[i].key, key))
			return &config_keys[i];
	return NULL;
}

/* tb holds validated attributes (attrs.c); absent ones are left out. */
void config_print(FILE *f, const struct nlattr *const *tb, bool json)
{
	struct json j;
	int i;

	if (json)
		json_open(&j, f);
	for (i = 0; i < CONFIG_KEYS; i++) {
		const struct nlattr *a = tb[config_keys[i].attr];

		if (!a)
			continue;
		if (json)
			json_u64(&j, config_keys[i].json, mnl_attr_get_u32(a));
		else
			fprintf(f, "%-14s %u\n", config_keys[i].key,
				mnl_attr_get_u32(a));
	}
	if (json) {
		json_close(&j);
		fputc('\n', f);
	}
}
