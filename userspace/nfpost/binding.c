// SPDX-License-Identifier: GPL-2.0
/*
 * Prints one binding of NFPW_CMD_GET_BINDINGS, as `ip neigh` prints a
 * neighbour: address first, then keyword/value pairs. Absent attributes
 * are left out rather than printed as zero.
 */
#include "binding.h"
#include "fmt.h"
#include "json.h"

static void text_lladdr(FILE *f, const char *word, const struct nlattr *a)
{
	char buf[FMT_LLADDR_LEN];

	if (a)
		fprintf(f, " %s %s", word, fmt_lladdr(buf, mnl_attr_get_payload(a)));
}

static void text_time(FILE *f, const char *word, const struct nlattr *a)
{
	char buf[FMT_TIME_LEN];

	if (a)
		fprintf(f, " %s %s", word, fmt_time(buf, mnl_attr_get_u64(a), false));
}

static void text_dev(FILE *f, const struct nlattr *const *tb)
{
	if (tb[NFPW_A_IFNAME])
		fprintf(f, " dev %s", mnl_attr_get_str(tb[NFPW_A_IFNAME]));
	else if (tb[NFPW_A_IFINDEX])
		fprintf(f, " ifindex %u", mnl_attr_get_u32(tb[NFPW_A_IFINDEX]));
}

static bool is_static(const struct nlattr *const *tb)
{
	return tb[NFPW_A_FLAGS] &&
	       (mnl_attr_get_u32(tb[NFPW_A_FLAGS]) & NFPW_BF_STATIC);
}

static void binding_text(FILE *f, const struct nlattr *const *tb)
{
	char buf[FMT_IPV4_LEN];

	fputs(tb[NFPW_A_ADDR] ?
	      fmt_ipv4(buf, mnl_attr_get_u32(tb[NFPW_A_ADDR])) : "?", f);
	text_lladdr(f, "lladdr", tb[NFPW_A_LLADDR]);
	text_dev(f, tb);
	if (tb[NFPW_A_PACKETS])
		fprintf(f, " packets %llu", (unsigned long long)
			mnl_attr_get_u64(tb[NFPW_A_PACKETS]));
	if (tb[NFPW_A_CHANGES])
		fprintf(f, " changes %u", mnl_attr_get_u32(tb[NFPW_A_CHANGES]));
	text_lladdr(f, "prev", tb[NFPW_A_PREV_LLADDR]);
	text_time(f, "first", tb[NFPW_A_FIRST_SEEN]);
	text_time(f, "last", tb[NFPW_A_LAST_SEEN]);
	if (is_static(tb))
		fputs(" static", f);
	fputc('\n', f);
}

static void json_lladdr(struct json *j, const char *key, const struct nlattr *a)
{
	char buf[FMT_LLADDR_LEN];

	if (a)
		json_str(j, key, fmt_lladdr(buf, mnl_attr_get_payload(a)));
}

static void json_time(struct json *j, const char *key, const struct nlattr *a)
{
	char buf[FMT_TIME_LEN];

	if (a)
		json_str(j, key, fmt_time(buf, mnl_attr_get_u64(a), true));
}

static void binding_json(FILE *f, const struct nlattr *const *tb)
{
	char buf[FMT_IPV4_LEN];
	struct json j;

	json_open(&j, f);
	if (tb[NFPW_A_IFNAME])
		json_str(&j, "ifname", mnl_attr_get_str(tb[NFPW_A_IFNAME]));
	if (tb[NFPW_A_IFINDEX])
		json_u64(&j, "ifindex", mnl_attr_get_u32(tb[NFPW_A_IFINDEX]));
	if (tb[NFPW_A_ADDR])
		json_str(&j, "addr", fmt_ipv4(buf, mnl_attr_get_u32(tb[NFPW_A_ADDR])));
	json_lladdr(&j, "lladdr", tb[NFPW_A_LLADDR]);
	json_lladdr(&j, "prev_lladdr", tb[NFPW_A_PREV_LLADDR]);
	json_time(&j, "first_seen", tb[NFPW_A_FIRST_SEEN]);
	json_time(&j, "last_seen", tb[NFPW_A_LAST_SEEN]);
	if (tb[NFPW_A_PACKETS])
		json_u64(&j, "packets", mnl_attr_get_u64(tb[NFPW_A_PACKETS]));
	if (tb[NFPW_A_CHANGES])
		json_u64(&j, "changes", mnl_attr_get_u32(tb[NFPW_A_CHANGES]));
	json_bool(&j, "static", is_static(tb));
	json_close(&j);
}

/* JSON: one object, no newline; the caller writes the array around it. */
void binding_print(FILE *f, const struct nlattr *const *tb, bool json)
{
	if (json)
		binding_json(f, tb);
	else
		binding_text(f, tb);
}
