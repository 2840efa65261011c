// SPDX-License-Identifier: GPL-2.0
/*
 * nfpost_watch's counters. Text is one "name value" line per counter,
 * names aligned, in the order of the uapi header.
 */
#include <linux/nfpost_watch.h>
#include "json.h"
#include "stats.h"

static const struct {
	const char *text;
	const char *json;
	uint16_t attr;
} counters[] = {
	{ "arp",		"arp",			NFPW_A_STAT_ARP },
	{ "icmp",		"icmp",			NFPW_A_STAT_ICMP },
	{ "ipv4",		"ipv4",			NFPW_A_STAT_IPV4 },
	{ "arp-malformed",	"arp_malformed",	NFPW_A_STAT_ARP_MALFORMED },
	{ "icmp-malformed",	"icmp_malformed",	NFPW_A_STAT_ICMP_MALFORMED },
	{ "bindings",		"bindings",		NFPW_A_STAT_BINDINGS },
	{ "evicted",		"evicted",		NFPW_A_STAT_EVICTED },
	{ "enforced",		"enforced",		NFPW_A_STAT_ENFORCED },
	{ "events",		"events",		NFPW_A_STAT_EVENTS },
	{ "events-dropped",	"events_dropped",	NFPW_A_STAT_EVENTS_DROPPED },
	{ "echo-paired",	"echo_paired",		NFPW_A_STAT_ECHO_PAIRED },
	{ "tracker-evicted",	"tracker_evicted",	NFPW_A_STAT_TRACKER_EVICTED },
	{ "not-learned",	"not_learned",		NFPW_A_STAT_NOT_LEARNED },
	{ "expired",		"expired",		NFPW_A_STAT_EXPIRED },
	{ "rarp",		"rarp",			NFPW_A_STAT_RARP },
	{ "rarp-malformed",	"rarp_malformed",	NFPW_A_STAT_RARP_MALFORMED },
	{ "buckets",		"buckets",		NFPW_A_STAT_BUCKETS },
};

/* tb holds validated attributes (attrs.c); absent ones are left out. */
void stats_print(FILE *f, const struct nlattr *const *tb, bool json)
{
	struct json j;
	size_t i;

	if (json)
		json_open(&j, f);
	for (i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
		const struct nlattr *a = tb[counters[i].attr];

		if (!a)
			continue;
		if (json)
			json_u64(&j, counters[i].json, mnl_attr_get_u64(a));
		else
			fprintf(f, "%-16s %llu\n", counters[i].text,
				(unsigned long long)mnl_attr_get_u64(a));
	}
	if (json) {
		json_close(&j);
		fputc('\n', f);
	}
}
