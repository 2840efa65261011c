// SPDX-License-Identifier: GPL-2.0
/*
 * Prints nfpost_watch events. Text uses arpwatch's words for what arpwatch
 * reports; JSON uses stable kebab-case names and carries every attribute the
 * message has, so scripts never need to parse the text.
 */
#include <string.h>
#include <linux/if_arp.h>
#include <linux/nfpost_watch.h>
#include "event.h"
#include "fmt.h"
#include "json.h"

enum detail { D_NONE, D_ARP, D_ECHO, D_UNREACH, D_TIMEX, D_REDIRECT,
	      D_TRACE, D_FLOOD, D_SWEEP, D_RARP };

static const struct {
	const char *json;
	const char *text;
	enum detail detail;
} events[NFPW_EV_MAX + 1] = {
	[NFPW_EV_NEW_STATION]	= { "new-station", "new station", D_ARP },
	[NFPW_EV_CHANGED_LLADDR] = { "changed-lladdr",
				     "changed ethernet address", D_ARP },
	[NFPW_EV_FLIP_FLOP]	= { "flip-flop", "flip flop", D_ARP },
	[NFPW_EV_REUSED_LLADDR]	= { "reused-lladdr",
				    "reused old ethernet address", D_ARP },
	[NFPW_EV_GRATUITOUS]	= { "gratuitous", "gratuitous arp", D_ARP },
	[NFPW_EV_UNSOLICITED]	= { "unsolicited", "unsolicited reply", D_ARP },
	[NFPW_EV_BOGON]		= { "bogon", "bogon", D_ARP },
	[NFPW_EV_ETHER_MISMATCH] = { "ether-mismatch", "ethernet mismatch",
				     D_ARP },
	[NFPW_EV_BCAST_SENDER]	= { "bcast-sender", "ethernet broadcast",
				    D_ARP },
	[NFPW_EV_SPOOF_DROPPED]	= { "spoof-dropped", "spoof dropped", D_ARP },
	[NFPW_EV_ECHO_REQUEST]	= { "echo-request", "echo request", D_ECHO },
	[NFPW_EV_ECHO_REPLY]	= { "echo-reply", "echo reply", D_ECHO },
	[NFPW_EV_UNREACHABLE]	= { "unreachable", "unreachable", D_UNREACH },
	[NFPW_EV_TIME_EXCEEDED]	= { "time-exceeded", "time exceeded",
				    D_TIMEX },
	[NFPW_EV_REDIRECT]	= { "redirect", "redirect", D_REDIRECT },
	[NFPW_EV_TRACEROUTE]	= { "traceroute", "traceroute", D_TRACE },
	[NFPW_EV_FLOOD]		= { "flood", "flood", D_FLOOD },
	[NFPW_EV_SWEEP]		= { "sweep", "ping sweep", D_SWEEP },
	[NFPW_EV_EXPIRED]	= { "expired", "expired station", D_ARP },
	[NFPW_EV_RARP_REQUEST]	= { "rarp-request", "rarp request", D_RARP },
	[NFPW_EV_RARP_REPLY]	= { "rarp-reply", "rarp reply", D_RARP },
};

enum kind { K_IPV4, K_MAC, K_U8, K_U16, K_U32, K_ARPOP };

/* The JSON keys after "event", in output order. */
static const struct {
	const char *key;
	uint16_t attr;
	enum kind kind;
} fields[] = {
	{ "addr",	NFPW_A_ADDR,		K_IPV4 },
	{ "lladdr",	NFPW_A_LLADDR,		K_MAC },
	{ "prev_lladdr", NFPW_A_PREV_LLADDR,	K_MAC },
	{ "eth_saddr",	NFPW_A_ETH_SADDR,	K_MAC },
	{ "arp_op",	NFPW_A_ARP_OP,		K_ARPOP },
	{ "saddr",	NFPW_A_SADDR,		K_IPV4 },
	{ "daddr",	NFPW_A_DADDR,		K_IPV4 },
	{ "icmp_type",	NFPW_A_ICMP_TYPE,	K_U8 },
	{ "icmp_code",	NFPW_A_ICMP_CODE,	K_U8 },
	{ "id",		NFPW_A_ICMP_ID,		K_U16 },
	{ "seq",	NFPW_A_ICMP_SEQ,	K_U16 },
	{ "ttl",	NFPW_A_TTL,		K_U8 },
	{ "rtt_us",	NFPW_A_RTT_US,		K_U32 },
	{ "gateway",	NFPW_A_GATEWAY,		K_IPV4 },
	{ "orig_saddr",	NFPW_A_ORIG_SADDR,	K_IPV4 },
	{ "orig_daddr",	NFPW_A_ORIG_DADDR,	K_IPV4 },
	{ "orig_proto",	NFPW_A_ORIG_PROTO,	K_U8 },
	{ "count",	NFPW_A_COUNT,		K_U32 },
	{ "rate",	NFPW_A_RATE,		K_U32 },
};

static const char *const unreach_codes[] = {
	"net", "host", "protocol", "port", "frag-needed",
	"source-route-failed", "net-unknown", "host-unknown",
	"host-isolated", "net-prohibited", "host-prohibited", "net-tos",
	"host-tos", "admin-prohibited", "host-precedence",
	"precedence-cutoff",
};
static const char *const timex_codes[] = { "ttl", "reassembly" };
static const char *const redirect_codes[] = {
	"net", "host", "tos-net", "tos-host",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static uint32_t event_of(const struct nlattr *const *tb)
{
	return tb[NFPW_A_EVENT] ? mnl_attr_get_u32(tb[NFPW_A_EVENT]) : 0;
}

static bool known(uint32_t ev)
{
	return ev <= NFPW_EV_MAX && events[ev].json;
}

/* "unknown-N" for what a newer module may send, in JSON and text alike. */
static const char *event_name(uint32_t ev, bool json, char *buf, size_t len)
{
	if (known(ev))
		return json ? events[ev].json : events[ev].text;
	snprintf(buf, len, "unknown-%u", ev);
	return buf;
}

static const char *arp_op(const struct nlattr *a, char *buf, size_t len)
{
	uint16_t op = mnl_attr_get_u16(a);

	if (op == ARPOP_REQUEST)
		return "request";
	if (op == ARPOP_REPLY)
		return "reply";
	if (op == ARPOP_RREQUEST)
		return "rarp-request";
	if (op == ARPOP_RREPLY)
		return "rarp-reply";
	snprintf(buf, len, "unknown-%u", op);
	return buf;
}

static void json_field(struct json *j, const char *key,
		       const struct nlattr *a, enum kind kind)
{
	char buf[FMT_TIME_LEN];

	switch (kind) {
	case K_IPV4:
		json_str(j, key, fmt_ipv4(buf, mnl_attr_get_u32(a)));
		break;
	case K_MAC:
		json_str(j, key, fmt_lladdr(buf, mnl_attr_get_payload(a)));
		break;
	case K_U8:
		json_u64(j, key, mnl_attr_get_u8(a));
		break;
	case K_U16:
		json_u64(j, key, mnl_attr_get_u16(a));
		break;
	case K_U32:
		json_u64(j, key, mnl_attr_get_u32(a));
		break;
	case K_ARPOP:
		json_str(j, key, arp_op(a, buf, sizeof(buf)));
		break;
	}
}

static void json_head(struct json *j, const struct nlattr *const *tb,
		      const struct event_ctx *ctx)
{
	const char *ns = NULL;
	char buf[FMT_TIME_LEN];

	if (tb[NFPW_A_TIME])
		json_str(j, "time",
			 fmt_time(buf, mnl_attr_get_u64(tb[NFPW_A_TIME]), true));
	if (tb[NFPW_A_NETNS]) {
		uint32_t ino = mnl_attr_get_u32(tb[NFPW_A_NETNS]);

		json_u64(j, "netns", ino);
		if (ctx->netns_name)
			ns = ctx->netns_name(ino, ctx->data);
		if (ns)
			json_str(j, "netns_name", ns);
	}
	if (tb[NFPW_A_IFNAME])
		json_str(j, "ifname", mnl_attr_get_str(tb[NFPW_A_IFNAME]));
	if (tb[NFPW_A_IFINDEX])
		json_u64(j, "ifindex", mnl_attr_get_u32(tb[NFPW_A_IFINDEX]));
}

static void event_json(FILE *f, const struct nlattr *const *tb,
		       const struct event_ctx *ctx)
{
	char buf[32];
	struct json j;
	size_t i;

	json_open(&j, f);
	json_head(&j, tb, ctx);
	json_str(&j, "event", event_name(event_of(tb), true, buf, sizeof(buf)));
	for (i = 0; i < ARRAY_SIZE(fields); i++)
		if (tb[fields[i].attr])
			json_field(&j, fields[i].key, tb[fields[i].attr],
				   fields[i].kind);
	json_close(&j);
	fputc('\n', f);
}

static const char *ip(const struct nlattr *a, char *buf)
{
	return a ? fmt_ipv4(buf, mnl_attr_get_u32(a)) : "?";
}

static const char *mac(const struct nlattr *a, char *buf)
{
	return a ? fmt_lladdr(buf, mnl_attr_get_payload(a)) : "?";
}

/* " S > D", the shape of every ICMP event's text. */
static void text_flow(FILE *f, const struct nlattr *s, const struct nlattr *d)
{
	char b1[FMT_IPV4_LEN], b2[FMT_IPV4_LEN];

	fprintf(f, " %s > %s", ip(s, b1), ip(d, b2));
}

static void text_num(FILE *f, const char *word, const struct nlattr *a,
		     enum kind kind)
{
	if (!a)
		return;
	fprintf(f, " %s %u", word, kind == K_U8 ? mnl_attr_get_u8(a) :
		kind == K_U16 ? mnl_attr_get_u16(a) : mnl_attr_get_u32(a));
}

static void text_code(FILE *f, const struct nlattr *a,
		      const char *const *names, size_t n)
{
	uint8_t code;

	if (!a)
		return;
	code = mnl_attr_get_u8(a);
	if (code < n)
		fprintf(f, " %s", names[code]);
	else
		fprintf(f, " code-%u", code);
}

static const char *proto_name(uint8_t p, char *buf, size_t len)
{
	switch (p) {
	case 1: return "icmp";
	case 2: return "igmp";
	case 6: return "tcp";
	case 17: return "udp";
	case 47: return "gre";
	case 132: return "sctp";
	}
	snprintf(buf, len, "proto-%u", p);
	return buf;
}

/* " orig [PROTO] S > D": the packet an ICMP error quotes. */
static void text_orig(FILE *f, const struct nlattr *const *tb)
{
	char buf[16];

	if (!tb[NFPW_A_ORIG_SADDR] && !tb[NFPW_A_ORIG_DADDR])
		return;
	fputs(" orig", f);
	if (tb[NFPW_A_ORIG_PROTO])
		fprintf(f, " %s", proto_name(mnl_attr_get_u8(tb[NFPW_A_ORIG_PROTO]),
					     buf, sizeof(buf)));
	text_flow(f, tb[NFPW_A_ORIG_SADDR], tb[NFPW_A_ORIG_DADDR]);
}

static void text_arp(FILE *f, const struct nlattr *const *tb, uint32_t ev)
{
	const struct nlattr *ll = tb[NFPW_A_LLADDR], *eth = tb[NFPW_A_ETH_SADDR];
	char b1[FMT_LLADDR_LEN], b2[FMT_LLADDR_LEN];

	fprintf(f, " %s lladdr %s", ip(tb[NFPW_A_ADDR], b1), mac(ll, b2));
	/* For a dropped spoof, PREV_LLADDR is the address bound statically. */
	if (tb[NFPW_A_PREV_LLADDR])
		fprintf(f, " %s %s", ev == NFPW_EV_SPOOF_DROPPED ? "bound" : "prev",
			mac(tb[NFPW_A_PREV_LLADDR], b1));
	if (eth && (!ll || memcmp(mnl_attr_get_payload(eth),
				  mnl_attr_get_payload(ll), 6)))
		fprintf(f, " eth %s", mac(eth, b1));
	if (tb[NFPW_A_DADDR])
		fprintf(f, " target %s", ip(tb[NFPW_A_DADDR], b1));
	if (tb[NFPW_A_ARP_OP])
		fprintf(f, " op %s", arp_op(tb[NFPW_A_ARP_OP], b1, sizeof(b1)));
}

/* "[IP] lladdr MAC [server IP] [eth MAC]": who asks, or who is answered. */
static void text_rarp(FILE *f, const struct nlattr *const *tb)
{
	const struct nlattr *ll = tb[NFPW_A_LLADDR], *eth = tb[NFPW_A_ETH_SADDR];
	char b1[FMT_LLADDR_LEN], b2[FMT_LLADDR_LEN];

	if (tb[NFPW_A_ADDR])
		fprintf(f, " %s", ip(tb[NFPW_A_ADDR], b1));
	fprintf(f, " lladdr %s", mac(ll, b2));
	if (tb[NFPW_A_SADDR])
		fprintf(f, " server %s", ip(tb[NFPW_A_SADDR], b1));
	if (eth && (!ll || memcmp(mnl_attr_get_payload(eth),
				  mnl_attr_get_payload(ll), 6)))
		fprintf(f, " eth %s", mac(eth, b1));
}

static void text_echo(FILE *f, const struct nlattr *const *tb)
{
	text_flow(f, tb[NFPW_A_SADDR], tb[NFPW_A_DADDR]);
	text_num(f, "id", tb[NFPW_A_ICMP_ID], K_U16);
	text_num(f, "seq", tb[NFPW_A_ICMP_SEQ], K_U16);
	text_num(f, "ttl", tb[NFPW_A_TTL], K_U8);
	if (tb[NFPW_A_RTT_US]) {
		uint32_t us = mnl_attr_get_u32(tb[NFPW_A_RTT_US]);

		fprintf(f, " rtt %u.%03u ms", us / 1000, us % 1000);
	}
}

static void text_icmp_error(FILE *f, const struct nlattr *const *tb,
			    const char *const *codes, size_t n_codes)
{
	char buf[FMT_IPV4_LEN];

	text_code(f, tb[NFPW_A_ICMP_CODE], codes, n_codes);
	text_flow(f, tb[NFPW_A_SADDR], tb[NFPW_A_DADDR]);
	if (tb[NFPW_A_GATEWAY])
		fprintf(f, " gateway %s", ip(tb[NFPW_A_GATEWAY], buf));
	text_orig(f, tb);
}

static void text_details(FILE *f, const struct nlattr *const *tb, uint32_t ev)
{
	char buf[FMT_IPV4_LEN];

	switch (known(ev) ? events[ev].detail : D_NONE) {
	case D_NONE:
		break;
	case D_ARP:
		text_arp(f, tb, ev);
		break;
	case D_RARP:
		text_rarp(f, tb);
		break;
	case D_ECHO:
		text_echo(f, tb);
		break;
	case D_UNREACH:
		text_icmp_error(f, tb, unreach_codes, ARRAY_SIZE(unreach_codes));
		break;
	case D_TIMEX:
		text_icmp_error(f, tb, timex_codes, ARRAY_SIZE(timex_codes));
		break;
	case D_REDIRECT:
		text_icmp_error(f, tb, redirect_codes, ARRAY_SIZE(redirect_codes));
		break;
	case D_TRACE:
		text_flow(f, tb[NFPW_A_SADDR], tb[NFPW_A_DADDR]);
		text_num(f, "probes", tb[NFPW_A_COUNT], K_U32);
		text_num(f, "ttl", tb[NFPW_A_TTL], K_U8);
		break;
	case D_FLOOD:
		text_flow(f, tb[NFPW_A_SADDR], tb[NFPW_A_DADDR]);
		if (tb[NFPW_A_RATE])
			fprintf(f, " rate %u pps", mnl_attr_get_u32(tb[NFPW_A_RATE]));
		break;
	case D_SWEEP:
		fprintf(f, " %s", ip(tb[NFPW_A_SADDR], buf));
		text_num(f, "hosts", tb[NFPW_A_COUNT], K_U32);
		break;
	}
}

/* "TIME NETNS IFNAME": "-" stands for what the message does not carry. */
static void text_head(FILE *f, const struct nlattr *const *tb,
		      const struct event_ctx *ctx)
{
	const char *ns = NULL;
	char buf[FMT_TIME_LEN];

	fputs(tb[NFPW_A_TIME] ?
	      fmt_time(buf, mnl_attr_get_u64(tb[NFPW_A_TIME]), true) : "-", f);
	if (tb[NFPW_A_NETNS] && ctx->netns_name)
		ns = ctx->netns_name(mnl_attr_get_u32(tb[NFPW_A_NETNS]), ctx->data);
	if (ns)
		fprintf(f, " %s", ns);
	else if (tb[NFPW_A_NETNS])
		fprintf(f, " %u", mnl_attr_get_u32(tb[NFPW_A_NETNS]));
	else
		fputs(" -", f);
	fprintf(f, " %s", tb[NFPW_A_IFNAME] ?
		mnl_attr_get_str(tb[NFPW_A_IFNAME]) : "-");
}

static void event_text(FILE *f, const struct nlattr *const *tb,
		       const struct event_ctx *ctx)
{
	uint32_t ev = event_of(tb);
	char buf[32];

	text_head(f, tb, ctx);
	fprintf(f, " %s", event_name(ev, false, buf, sizeof(buf)));
	text_details(f, tb, ev);
	fputc('\n', f);
}

/* One line, newline included; tb holds validated attributes (attrs.c). */
void event_print(FILE *f, const struct nlattr *const *tb,
		 const struct event_ctx *ctx)
{
	if (ctx->json)
		event_json(f, tb, ctx);
	else
		event_text(f, tb, ctx);
}

void event_notice(FILE *f, enum event_notice n, uint64_t now_ns, bool json)
{
	static const char *const names[][2] = {
		[NOTICE_LOST] = { "lost", "lost events: socket buffer overrun" },
		[NOTICE_UNLOADED] = { "module-unloaded", "nfpost_watch unloaded" },
		[NOTICE_LOADED] = { "module-loaded", "nfpost_watch loaded" },
	};
	char buf[FMT_TIME_LEN];
	struct json j;

	if (!json) {
		fprintf(f, "%s\n", names[n][1]);
		return;
	}
	json_open(&j, f);
	json_str(&j, "event", names[n][0]);
	json_str(&j, "time", fmt_time(buf, now_ns, true));
	json_close(&j);
	fputc('\n', f);
}
