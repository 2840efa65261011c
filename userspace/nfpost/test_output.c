// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the printers (binding.c, event.c, config.c, stats.c):
 * synthetic nfpost_watch messages built with libmnl, parsed by attrs.c,
 * printed to memory and compared with the exact text or JSON expected.
 * The JSON expectations are also fed to jq, when installed, to make sure
 * they are JSON at all.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <linux/nfpost_watch.h>
#include "attrs.h"
#include "binding.h"
#include "config.h"
#include "event.h"
#include "fmt.h"
#include "genl.h"
#include "netns.h"
#include "stats.h"
#include "test_table.h"

enum kind { END, K8, K16, K32, K64, KIP, KMAC, KSTR, KRAW };

struct attr {
	uint16_t type;
	enum kind kind;
	uint64_t v;
	const char *s;
};

#define A8(t, v)	{ t, K8, v, NULL }
#define A16(t, v)	{ t, K16, v, NULL }
#define A32(t, v)	{ t, K32, v, NULL }
#define A64(t, v)	{ t, K64, v, NULL }
#define AIP(t, s)	{ t, KIP, 0, s }
#define AMAC(t, s)	{ t, KMAC, 0, s }
#define ASTR(t, s)	{ t, KSTR, 0, s }
#define ARAW(t, len)	{ t, KRAW, len, NULL }

#define T1	1795478341123456789ULL	/* 2026-11-23T23:59:01.123456Z */
#define T2	1795478345000001000ULL	/* 2026-11-23T23:59:05.000001Z */
#define NS	4026531840U		/* init_net's usual inode */
#define LAB_NS	4026532288U		/* "lab1" in the fake /run/netns */

#define MAC1	"aa:bb:cc:dd:ee:ff"
#define MAC2	"11:22:33:44:55:66"

#define EV(e)	A32(NFPW_A_EVENT, e), A64(NFPW_A_TIME, T1), \
		A32(NFPW_A_NETNS, NS)
#define DEV	A32(NFPW_A_IFINDEX, 5), ASTR(NFPW_A_IFNAME, "br0")
#define STATION	AIP(NFPW_A_ADDR, "10.0.0.1"), AMAC(NFPW_A_LLADDR, MAC1)
#define FLOW	AIP(NFPW_A_SADDR, "10.0.0.2"), AIP(NFPW_A_DADDR, "10.0.0.1")
#define ICMP(t, c) A8(NFPW_A_ICMP_TYPE, t), A8(NFPW_A_ICMP_CODE, c)
#define ORIG(p)	AIP(NFPW_A_ORIG_SADDR, "10.0.0.1"), \
		AIP(NFPW_A_ORIG_DADDR, "10.0.0.9"), A8(NFPW_A_ORIG_PROTO, p)

#define HEAD	"2026-11-23T23:59:01.123456Z 4026531840 br0 "
#define JHEAD	"{\"time\":\"2026-11-23T23:59:01.123456Z\",\"netns\":4026531840," \
		"\"ifname\":\"br0\",\"ifindex\":5,"

enum printer { BINDING, EVENT, CONFIG, STATS };

struct out_case {
	const char *name;
	enum printer printer;
	bool json;
	struct attr attrs[24];
	const char *want;
};

#define BINDING_ATTRS DEV, STATION, A64(NFPW_A_FIRST_SEEN, T1), \
	A64(NFPW_A_LAST_SEEN, T2), A64(NFPW_A_PACKETS, 12), \
	A32(NFPW_A_CHANGES, 1)
#define ARP(op) A16(NFPW_A_ARP_OP, op)

static const struct out_case cases[] = {
	/* bindings */
	{ "binding_static_text", BINDING, false,
	  { BINDING_ATTRS, AMAC(NFPW_A_PREV_LLADDR, MAC2),
	    A32(NFPW_A_FLAGS, NFPW_BF_STATIC) },
	  "10.0.0.1 lladdr " MAC1 " dev br0 packets 12 changes 1 prev " MAC2
	  " first 2026-11-23T23:59:01Z last 2026-11-23T23:59:05Z static\n" },
	{ "binding_static_json", BINDING, true,
	  { BINDING_ATTRS, AMAC(NFPW_A_PREV_LLADDR, MAC2),
	    A32(NFPW_A_FLAGS, NFPW_BF_STATIC) },
	  "{\"ifname\":\"br0\",\"ifindex\":5,\"addr\":\"10.0.0.1\","
	  "\"lladdr\":\"" MAC1 "\",\"prev_lladdr\":\"" MAC2 "\","
	  "\"first_seen\":\"2026-11-23T23:59:01.123456Z\","
	  "\"last_seen\":\"2026-11-23T23:59:05.000001Z\","
	  "\"packets\":12,\"changes\":1,\"static\":true}" },
	{ "binding_learned_text_has_no_prev_no_static", BINDING, false,
	  { BINDING_ATTRS, A32(NFPW_A_FLAGS, 0) },
	  "10.0.0.1 lladdr " MAC1 " dev br0 packets 12 changes 1"
	  " first 2026-11-23T23:59:01Z last 2026-11-23T23:59:05Z\n" },
	{ "binding_learned_json_omits_prev_static_false", BINDING, true,
	  { BINDING_ATTRS },
	  "{\"ifname\":\"br0\",\"ifindex\":5,\"addr\":\"10.0.0.1\","
	  "\"lladdr\":\"" MAC1 "\","
	  "\"first_seen\":\"2026-11-23T23:59:01.123456Z\","
	  "\"last_seen\":\"2026-11-23T23:59:05.000001Z\","
	  "\"packets\":12,\"changes\":1,\"static\":false}" },
	{ "binding_without_ifname_text_uses_ifindex", BINDING, false,
	  { A32(NFPW_A_IFINDEX, 5), STATION },
	  "10.0.0.1 lladdr " MAC1 " ifindex 5\n" },
	{ "binding_ifname_is_json_escaped", BINDING, true,
	  { ASTR(NFPW_A_IFNAME, "a\"b") },
	  "{\"ifname\":\"a\\\"b\",\"static\":false}" },
	/* ARP events */
	{ "event_new_station_text", EVENT, false,
	  { EV(NFPW_EV_NEW_STATION), DEV, STATION, ARP(1),
	    AMAC(NFPW_A_ETH_SADDR, MAC1) },
	  HEAD "new station 10.0.0.1 lladdr " MAC1 " op request\n" },
	{ "event_new_station_json", EVENT, true,
	  { EV(NFPW_EV_NEW_STATION), DEV, STATION, ARP(1),
	    AMAC(NFPW_A_ETH_SADDR, MAC1) },
	  JHEAD "\"event\":\"new-station\",\"addr\":\"10.0.0.1\","
	  "\"lladdr\":\"" MAC1 "\",\"eth_saddr\":\"" MAC1 "\","
	  "\"arp_op\":\"request\"}\n" },
	{ "event_changed_lladdr_text_names_prev", EVENT, false,
	  { EV(NFPW_EV_CHANGED_LLADDR), DEV, STATION,
	    AMAC(NFPW_A_PREV_LLADDR, MAC2), ARP(2) },
	  HEAD "changed ethernet address 10.0.0.1 lladdr " MAC1 " prev " MAC2
	  " op reply\n" },
	{ "event_changed_lladdr_json", EVENT, true,
	  { EV(NFPW_EV_CHANGED_LLADDR), DEV, STATION,
	    AMAC(NFPW_A_PREV_LLADDR, MAC2), ARP(2) },
	  JHEAD "\"event\":\"changed-lladdr\",\"addr\":\"10.0.0.1\","
	  "\"lladdr\":\"" MAC1 "\",\"prev_lladdr\":\"" MAC2 "\","
	  "\"arp_op\":\"reply\"}\n" },
	{ "event_flip_flop_text", EVENT, false,
	  { EV(NFPW_EV_FLIP_FLOP), DEV, STATION,
	    AMAC(NFPW_A_PREV_LLADDR, MAC2) },
	  HEAD "flip flop 10.0.0.1 lladdr " MAC1 " prev " MAC2 "\n" },
	{ "event_reused_lladdr_text", EVENT, false,
	  { EV(NFPW_EV_REUSED_LLADDR), DEV, STATION },
	  HEAD "reused old ethernet address 10.0.0.1 lladdr " MAC1 "\n" },
	{ "event_gratuitous_text", EVENT, false,
	  { EV(NFPW_EV_GRATUITOUS), DEV, STATION, ARP(1) },
	  HEAD "gratuitous arp 10.0.0.1 lladdr " MAC1 " op request\n" },
	{ "event_unsolicited_text_names_target", EVENT, false,
	  { EV(NFPW_EV_UNSOLICITED), DEV, STATION,
	    AIP(NFPW_A_DADDR, "10.0.0.7"), ARP(2) },
	  HEAD "unsolicited reply 10.0.0.1 lladdr " MAC1
	  " target 10.0.0.7 op reply\n" },
	{ "event_bogon_text", EVENT, false,
	  { EV(NFPW_EV_BOGON), DEV, STATION },
	  HEAD "bogon 10.0.0.1 lladdr " MAC1 "\n" },
	{ "event_ether_mismatch_text_names_eth_source", EVENT, false,
	  { EV(NFPW_EV_ETHER_MISMATCH), DEV, STATION,
	    AMAC(NFPW_A_ETH_SADDR, MAC2) },
	  HEAD "ethernet mismatch 10.0.0.1 lladdr " MAC1 " eth " MAC2 "\n" },
	{ "event_bcast_sender_text", EVENT, false,
	  { EV(NFPW_EV_BCAST_SENDER), DEV, AIP(NFPW_A_ADDR, "10.0.0.1"),
	    AMAC(NFPW_A_LLADDR, "ff:ff:ff:ff:ff:ff") },
	  HEAD "ethernet broadcast 10.0.0.1 lladdr ff:ff:ff:ff:ff:ff\n" },
	{ "event_spoof_dropped_text_names_bound_lladdr", EVENT, false,
	  { EV(NFPW_EV_SPOOF_DROPPED), DEV, STATION,
	    AMAC(NFPW_A_PREV_LLADDR, MAC2), ARP(2) },
	  HEAD "spoof dropped 10.0.0.1 lladdr " MAC1 " bound " MAC2
	  " op reply\n" },
	{ "event_spoof_dropped_json", EVENT, true,
	  { EV(NFPW_EV_SPOOF_DROPPED), DEV, STATION,
	    AMAC(NFPW_A_PREV_LLADDR, MAC2) },
	  JHEAD "\"event\":\"spoof-dropped\",\"addr\":\"10.0.0.1\","
	  "\"lladdr\":\"" MAC1 "\",\"prev_lladdr\":\"" MAC2 "\"}\n" },
	{ "event_expired_text", EVENT, false,
	  { EV(NFPW_EV_EXPIRED), DEV, STATION },
	  HEAD "expired station 10.0.0.1 lladdr " MAC1 "\n" },
	{ "event_expired_json", EVENT, true,
	  { EV(NFPW_EV_EXPIRED), DEV, STATION },
	  JHEAD "\"event\":\"expired\",\"addr\":\"10.0.0.1\","
	  "\"lladdr\":\"" MAC1 "\"}\n" },
	{ "event_rarp_request_text_shows_eth_only_if_other", EVENT, false,
	  { EV(NFPW_EV_RARP_REQUEST), DEV, AMAC(NFPW_A_LLADDR, MAC1),
	    A16(NFPW_A_ARP_OP, 3), AMAC(NFPW_A_ETH_SADDR, MAC2) },
	  HEAD "rarp request lladdr " MAC1 " eth " MAC2 "\n" },
	{ "event_rarp_reply_text", EVENT, false,
	  { EV(NFPW_EV_RARP_REPLY), DEV, STATION, AIP(NFPW_A_SADDR, "10.0.0.254"),
	    A16(NFPW_A_ARP_OP, 4) },
	  HEAD "rarp reply 10.0.0.1 lladdr " MAC1 " server 10.0.0.254\n" },
	{ "event_rarp_reply_json", EVENT, true,
	  { EV(NFPW_EV_RARP_REPLY), DEV, STATION, AIP(NFPW_A_SADDR, "10.0.0.254"),
	    A16(NFPW_A_ARP_OP, 4) },
	  JHEAD "\"event\":\"rarp-reply\",\"addr\":\"10.0.0.1\","
	  "\"lladdr\":\"" MAC1 "\",\"arp_op\":\"rarp-reply\","
	  "\"saddr\":\"10.0.0.254\"}\n" },
	/* ICMP events */
	{ "event_echo_request_text", EVENT, false,
	  { EV(NFPW_EV_ECHO_REQUEST), DEV, FLOW, ICMP(8, 0),
	    A16(NFPW_A_ICMP_ID, 77), A16(NFPW_A_ICMP_SEQ, 3),
	    A8(NFPW_A_TTL, 64) },
	  HEAD "echo request 10.0.0.2 > 10.0.0.1 id 77 seq 3 ttl 64\n" },
	{ "event_without_ifname_text_has_dash", EVENT, false,
	  { EV(NFPW_EV_ECHO_REQUEST), FLOW, ICMP(8, 0) },
	  "2026-11-23T23:59:01.123456Z 4026531840 - echo request"
	  " 10.0.0.2 > 10.0.0.1\n" },
	{ "event_echo_reply_text_has_rtt_in_ms", EVENT, false,
	  { EV(NFPW_EV_ECHO_REPLY), DEV, FLOW, ICMP(0, 0),
	    A16(NFPW_A_ICMP_ID, 77), A16(NFPW_A_ICMP_SEQ, 3),
	    A8(NFPW_A_TTL, 64), A32(NFPW_A_RTT_US, 123) },
	  HEAD "echo reply 10.0.0.2 > 10.0.0.1 id 77 seq 3 ttl 64"
	  " rtt 0.123 ms\n" },
	{ "event_echo_reply_rtt_over_a_millisecond", EVENT, false,
	  { EV(NFPW_EV_ECHO_REPLY), DEV, FLOW, A32(NFPW_A_RTT_US, 1500) },
	  HEAD "echo reply 10.0.0.2 > 10.0.0.1 rtt 1.500 ms\n" },
	{ "event_echo_reply_unpaired_has_no_rtt", EVENT, false,
	  { EV(NFPW_EV_ECHO_REPLY), DEV, FLOW, A16(NFPW_A_ICMP_SEQ, 3) },
	  HEAD "echo reply 10.0.0.2 > 10.0.0.1 seq 3\n" },
	{ "event_echo_reply_json", EVENT, true,
	  { EV(NFPW_EV_ECHO_REPLY), DEV, FLOW, ICMP(0, 0),
	    A16(NFPW_A_ICMP_ID, 77), A16(NFPW_A_ICMP_SEQ, 3),
	    A8(NFPW_A_TTL, 64), A32(NFPW_A_RTT_US, 123) },
	  JHEAD "\"event\":\"echo-reply\",\"saddr\":\"10.0.0.2\","
	  "\"daddr\":\"10.0.0.1\",\"icmp_type\":0,\"icmp_code\":0,\"id\":77,"
	  "\"seq\":3,\"ttl\":64,\"rtt_us\":123}\n" },
	{ "event_unreachable_port_text_quotes_packet", EVENT, false,
	  { EV(NFPW_EV_UNREACHABLE), DEV, FLOW, ICMP(3, 3), ORIG(17) },
	  HEAD "unreachable port 10.0.0.2 > 10.0.0.1"
	  " orig udp 10.0.0.1 > 10.0.0.9\n" },
	{ "event_unreachable_frag_needed_text", EVENT, false,
	  { EV(NFPW_EV_UNREACHABLE), DEV, FLOW, ICMP(3, 4), ORIG(6) },
	  HEAD "unreachable frag-needed 10.0.0.2 > 10.0.0.1"
	  " orig tcp 10.0.0.1 > 10.0.0.9\n" },
	{ "event_unreachable_admin_text", EVENT, false,
	  { EV(NFPW_EV_UNREACHABLE), DEV, FLOW, ICMP(3, 13), ORIG(1) },
	  HEAD "unreachable admin-prohibited 10.0.0.2 > 10.0.0.1"
	  " orig icmp 10.0.0.1 > 10.0.0.9\n" },
	{ "event_unreachable_unknown_code_and_proto_numbered", EVENT, false,
	  { EV(NFPW_EV_UNREACHABLE), DEV, FLOW, ICMP(3, 99), ORIG(250) },
	  HEAD "unreachable code-99 10.0.0.2 > 10.0.0.1"
	  " orig proto-250 10.0.0.1 > 10.0.0.9\n" },
	{ "event_unreachable_json", EVENT, true,
	  { EV(NFPW_EV_UNREACHABLE), DEV, FLOW, ICMP(3, 3), ORIG(17) },
	  JHEAD "\"event\":\"unreachable\",\"saddr\":\"10.0.0.2\","
	  "\"daddr\":\"10.0.0.1\",\"icmp_type\":3,\"icmp_code\":3,"
	  "\"orig_saddr\":\"10.0.0.1\",\"orig_daddr\":\"10.0.0.9\","
	  "\"orig_proto\":17}\n" },
	{ "event_time_exceeded_text", EVENT, false,
	  { EV(NFPW_EV_TIME_EXCEEDED), DEV, FLOW, ICMP(11, 0), ORIG(17) },
	  HEAD "time exceeded ttl 10.0.0.2 > 10.0.0.1"
	  " orig udp 10.0.0.1 > 10.0.0.9\n" },
	{ "event_redirect_text_names_gateway", EVENT, false,
	  { EV(NFPW_EV_REDIRECT), DEV, FLOW, ICMP(5, 1),
	    AIP(NFPW_A_GATEWAY, "10.0.0.254"),
	    AIP(NFPW_A_ORIG_SADDR, "10.0.0.1"),
	    AIP(NFPW_A_ORIG_DADDR, "10.0.0.9") },
	  HEAD "redirect host 10.0.0.2 > 10.0.0.1 gateway 10.0.0.254"
	  " orig 10.0.0.1 > 10.0.0.9\n" },
	{ "event_redirect_json", EVENT, true,
	  { EV(NFPW_EV_REDIRECT), FLOW, ICMP(5, 1),
	    AIP(NFPW_A_GATEWAY, "10.0.0.254") },
	  "{\"time\":\"2026-11-23T23:59:01.123456Z\",\"netns\":4026531840,"
	  "\"event\":\"redirect\",\"saddr\":\"10.0.0.2\","
	  "\"daddr\":\"10.0.0.1\",\"icmp_type\":5,\"icmp_code\":1,"
	  "\"gateway\":\"10.0.0.254\"}\n" },
	{ "event_traceroute_text", EVENT, false,
	  { EV(NFPW_EV_TRACEROUTE), DEV, FLOW, A32(NFPW_A_COUNT, 3),
	    A8(NFPW_A_TTL, 5) },
	  HEAD "traceroute 10.0.0.2 > 10.0.0.1 probes 3 ttl 5\n" },
	{ "event_flood_text", EVENT, false,
	  { EV(NFPW_EV_FLOOD), DEV, FLOW, A32(NFPW_A_RATE, 2500) },
	  HEAD "flood 10.0.0.2 > 10.0.0.1 rate 2500 pps\n" },
	{ "event_flood_json", EVENT, true,
	  { EV(NFPW_EV_FLOOD), DEV, FLOW, A32(NFPW_A_RATE, 2500) },
	  JHEAD "\"event\":\"flood\",\"saddr\":\"10.0.0.2\","
	  "\"daddr\":\"10.0.0.1\",\"rate\":2500}\n" },
	{ "event_sweep_text", EVENT, false,
	  { EV(NFPW_EV_SWEEP), DEV, FLOW, A32(NFPW_A_COUNT, 20) },
	  HEAD "ping sweep 10.0.0.2 hosts 20\n" },
	{ "event_sweep_json", EVENT, true,
	  { EV(NFPW_EV_SWEEP), DEV, FLOW, A32(NFPW_A_COUNT, 20) },
	  JHEAD "\"event\":\"sweep\",\"saddr\":\"10.0.0.2\","
	  "\"daddr\":\"10.0.0.1\",\"count\":20}\n" },
	/* forward compatibility and robustness */
	{ "event_unknown_number_text", EVENT, false,
	  { EV(99), DEV, STATION }, HEAD "unknown-99\n" },
	{ "event_unknown_number_json_keeps_attributes", EVENT, true,
	  { EV(99), DEV, STATION },
	  JHEAD "\"event\":\"unknown-99\",\"addr\":\"10.0.0.1\","
	  "\"lladdr\":\"" MAC1 "\"}\n" },
	{ "event_unknown_attribute_ignored", EVENT, false,
	  { EV(NFPW_EV_NEW_STATION), DEV, STATION, A32(NFPW_A_MAX + 10, 7) },
	  HEAD "new station 10.0.0.1 lladdr " MAC1 "\n" },
	{ "event_wrong_size_attribute_ignored_text", EVENT, false,
	  { EV(NFPW_EV_NEW_STATION), DEV, ARAW(NFPW_A_ADDR, 2),
	    AMAC(NFPW_A_LLADDR, MAC1) },
	  HEAD "new station ? lladdr " MAC1 "\n" },
	{ "event_wrong_size_attribute_ignored_json", EVENT, true,
	  { EV(NFPW_EV_NEW_STATION), DEV, ARAW(NFPW_A_ADDR, 2),
	    AMAC(NFPW_A_LLADDR, MAC1) },
	  JHEAD "\"event\":\"new-station\",\"lladdr\":\"" MAC1 "\"}\n" },
	{ "event_without_time_or_netns_text_has_dashes", EVENT, false,
	  { A32(NFPW_A_EVENT, NFPW_EV_BOGON), STATION },
	  "- - - bogon 10.0.0.1 lladdr " MAC1 "\n" },
	{ "event_named_netns_text_shows_name", EVENT, false,
	  { A32(NFPW_A_EVENT, NFPW_EV_BOGON), A64(NFPW_A_TIME, T1),
	    A32(NFPW_A_NETNS, LAB_NS), DEV, STATION },
	  "2026-11-23T23:59:01.123456Z lab1 br0 bogon 10.0.0.1 lladdr " MAC1
	  "\n" },
	{ "event_named_netns_json_adds_netns_name", EVENT, true,
	  { A32(NFPW_A_EVENT, NFPW_EV_BOGON), A64(NFPW_A_TIME, T1),
	    A32(NFPW_A_NETNS, LAB_NS), DEV },
	  "{\"time\":\"2026-11-23T23:59:01.123456Z\",\"netns\":4026532288,"
	  "\"netns_name\":\"lab1\",\"ifname\":\"br0\",\"ifindex\":5,"
	  "\"event\":\"bogon\"}\n" },
	/* config and stats */
	{ "config_text_uses_set_keys", CONFIG, false,
	  { A32(NFPW_A_CFG_MAX_BINDINGS, 4096), A32(NFPW_A_CFG_FLOOD_PPS, 1000),
	    A32(NFPW_A_CFG_SWEEP_HOSTS, 16),
	    A32(NFPW_A_CFG_SWEEP_WINDOW_MS, 10000),
	    A32(NFPW_A_CFG_TRACE_PROBES, 3), A32(NFPW_A_CFG_TRACE_MAX_TTL, 30),
	    A32(NFPW_A_CFG_FLIPFLOP_MS, 3600000),
	    A32(NFPW_A_CFG_ECHO_TIMEOUT_MS, 10000), A32(NFPW_A_CFG_MAX_AGE, 0) },
	  "max-bindings   4096\n"
	  "flood-pps      1000\n"
	  "sweep-hosts    16\n"
	  "sweep-window   10000\n"
	  "trace-probes   3\n"
	  "trace-max-ttl  30\n"
	  "flipflop       3600000\n"
	  "echo-timeout   10000\n"
	  "max-age        0\n" },
	{ "config_json", CONFIG, true,
	  { A32(NFPW_A_CFG_MAX_BINDINGS, 4096), A32(NFPW_A_CFG_FLOOD_PPS, 1000),
	    A32(NFPW_A_CFG_SWEEP_HOSTS, 16),
	    A32(NFPW_A_CFG_SWEEP_WINDOW_MS, 10000),
	    A32(NFPW_A_CFG_TRACE_PROBES, 3), A32(NFPW_A_CFG_TRACE_MAX_TTL, 30),
	    A32(NFPW_A_CFG_FLIPFLOP_MS, 3600000),
	    A32(NFPW_A_CFG_ECHO_TIMEOUT_MS, 10000) },
	  "{\"max_bindings\":4096,\"flood_pps\":1000,\"sweep_hosts\":16,"
	  "\"sweep_window\":10000,\"trace_probes\":3,\"trace_max_ttl\":30,"
	  "\"flipflop\":3600000,\"echo_timeout\":10000}\n" },
	{ "stats_text_aligned", STATS, false,
	  { A64(NFPW_A_STAT_ARP, 1), A64(NFPW_A_STAT_ICMP, 2),
	    A64(NFPW_A_STAT_IPV4, 3), A64(NFPW_A_STAT_ARP_MALFORMED, 4),
	    A64(NFPW_A_STAT_ICMP_MALFORMED, 5), A64(NFPW_A_STAT_BINDINGS, 6),
	    A64(NFPW_A_STAT_EVICTED, 7), A64(NFPW_A_STAT_ENFORCED, 8),
	    A64(NFPW_A_STAT_EVENTS, 9), A64(NFPW_A_STAT_EVENTS_DROPPED, 10),
	    A64(NFPW_A_STAT_ECHO_PAIRED, 11),
	    A64(NFPW_A_STAT_TRACKER_EVICTED, 12),
	    A64(NFPW_A_STAT_EXPIRED, 13), A64(NFPW_A_STAT_BUCKETS, 8192) },
	  "arp              1\n"
	  "icmp             2\n"
	  "ipv4             3\n"
	  "arp-malformed    4\n"
	  "icmp-malformed   5\n"
	  "bindings         6\n"
	  "evicted          7\n"
	  "enforced         8\n"
	  "events           9\n"
	  "events-dropped   10\n"
	  "echo-paired      11\n"
	  "tracker-evicted  12\n"
	  "expired          13\n"
	  "buckets          8192\n" },
	{ "stats_json_u64", STATS, true,
	  { A64(NFPW_A_STAT_ARP, 18446744073709551615ULL),
	    A64(NFPW_A_STAT_ICMP, 2),
	    A64(NFPW_A_STAT_IPV4, 3), A64(NFPW_A_STAT_ARP_MALFORMED, 4),
	    A64(NFPW_A_STAT_ICMP_MALFORMED, 5), A64(NFPW_A_STAT_BINDINGS, 6),
	    A64(NFPW_A_STAT_EVICTED, 7), A64(NFPW_A_STAT_ENFORCED, 8),
	    A64(NFPW_A_STAT_EVENTS, 9), A64(NFPW_A_STAT_EVENTS_DROPPED, 10),
	    A64(NFPW_A_STAT_ECHO_PAIRED, 11),
	    A64(NFPW_A_STAT_TRACKER_EVICTED, 12) },
	  "{\"arp\":18446744073709551615,\"icmp\":2,\"ipv4\":3,"
	  "\"arp_malformed\":4,\"icmp_malformed\":5,\"bindings\":6,"
	  "\"evicted\":7,\"enforced\":8,\"events\":9,\"events_dropped\":10,"
	  "\"echo_paired\":11,\"tracker_evicted\":12}\n" },
	{ "stats_json_empty_reply_is_empty_object", STATS, true, { { 0 } },
	  "{}\n" },
};

static char msgbuf[4096];

static void put(struct nlmsghdr *nlh, const struct attr *a)
{
	static const uint8_t zeros[16];
	uint8_t mac[6];
	struct in_addr in;

	switch (a->kind) {
	case K8: mnl_attr_put_u8(nlh, a->type, a->v); break;
	case K16: mnl_attr_put_u16(nlh, a->type, a->v); break;
	case K32: mnl_attr_put_u32(nlh, a->type, a->v); break;
	case K64: mnl_attr_put_u64(nlh, a->type, a->v); break;
	case KSTR: mnl_attr_put_strz(nlh, a->type, a->s); break;
	case KRAW: mnl_attr_put(nlh, a->type, a->v, zeros); break;
	case KIP:
		assert_int_equal(inet_pton(AF_INET, a->s, &in), 1);
		mnl_attr_put_u32(nlh, a->type, in.s_addr);
		break;
	case KMAC:
		assert_int_equal(fmt_parse_lladdr(a->s, mac), 0);
		mnl_attr_put(nlh, a->type, sizeof(mac), mac);
		break;
	case END:
		break;
	}
}

static struct nlmsghdr *build(const struct attr *attrs)
{
	struct nlmsghdr *nlh = genl_msg_start(msgbuf, 0x20, NFPW_CMD_EVENT,
					      NFPW_GENL_VERSION, 0);

	for (; attrs->kind != END; attrs++)
		put(nlh, attrs);
	return nlh;
}

/* Stands in for /run/netns: only LAB_NS has a name. */
static const char *fake_netns(uint32_t ino, void *data)
{
	(void)data;
	return ino == LAB_NS ? "lab1" : NULL;
}

static char *print(const struct out_case *c, const struct nlattr *const *tb)
{
	struct event_ctx ctx = { c->json, fake_netns, NULL };
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	switch (c->printer) {
	case BINDING: binding_print(f, tb, c->json); break;
	case EVENT: event_print(f, tb, &ctx); break;
	case CONFIG: config_print(f, tb, c->json); break;
	case STATS: stats_print(f, tb, c->json); break;
	}
	fclose(f);
	return out;
}

static void run_case(void **state)
{
	const struct out_case *c = *state;
	nfpw_tb tb;
	char *out;

	assert_int_equal(attrs_parse(build(c->attrs), tb), 0);
	out = print(c, tb);
	assert_string_equal(out, c->want);
	free(out);
}

static const struct notice_case {
	const char *name;
	enum event_notice notice;
	bool json;
	const char *want;
} notices[] = {
	{ "notice_lost_text", NOTICE_LOST, false,
	  "lost events: socket buffer overrun\n" },
	{ "notice_lost_json", NOTICE_LOST, true,
	  "{\"event\":\"lost\",\"time\":\"2026-11-23T23:59:01.123456Z\"}\n" },
	{ "notice_unloaded_text", NOTICE_UNLOADED, false,
	  "nfpost_watch unloaded\n" },
	{ "notice_unloaded_json", NOTICE_UNLOADED, true,
	  "{\"event\":\"module-unloaded\","
	  "\"time\":\"2026-11-23T23:59:01.123456Z\"}\n" },
	{ "notice_loaded_text", NOTICE_LOADED, false, "nfpost_watch loaded\n" },
	{ "notice_loaded_json", NOTICE_LOADED, true,
	  "{\"event\":\"module-loaded\","
	  "\"time\":\"2026-11-23T23:59:01.123456Z\"}\n" },
};

static void run_notice(void **state)
{
	const struct notice_case *c = *state;
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	event_notice(f, c->notice, T1, c->json);
	fclose(f);
	assert_string_equal(out, c->want);
	free(out);
}

/* Our expectations are only worth something if they are JSON at all. */
static void json_expectations_parse_with_jq(void **state)
{
	char cmd[64];
	size_t i;
	FILE *jq;

	(void)state;
	if (system("command -v jq >/dev/null 2>&1"))
		skip();
	for (i = 0; i < ARRAY_SIZE(cases) + ARRAY_SIZE(notices); i++) {
		bool json = i < ARRAY_SIZE(cases) ? cases[i].json :
			    notices[i - ARRAY_SIZE(cases)].json;
		const char *want = i < ARRAY_SIZE(cases) ? cases[i].want :
				   notices[i - ARRAY_SIZE(cases)].want;

		if (!json)
			continue;
		snprintf(cmd, sizeof(cmd), "jq -e 'type == \"object\"' >/dev/null");
		jq = popen(cmd, "w");
		assert_non_null(jq);
		fputs(want, jq);
		assert_int_equal(pclose(jq), 0);
	}
}

static void netns_name_found_by_inode(void **state)
{
	char dir[] = "/tmp/test_nfpost_netns.XXXXXX", path[64];
	struct stat st;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/lab1", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(stat(path, &st), 0);
	assert_string_equal(netns_name(st.st_ino, dir), "lab1");
	assert_null(netns_name(st.st_ino + 1, dir));
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(cases) + ARRAY_SIZE(notices) + 2] = {
		cmocka_unit_test(json_expectations_parse_with_jq),
		cmocka_unit_test(netns_name_found_by_inode),
	};
	size_t n = 2;

	TEST_TABLE(tests, n, cases, run_case);
	TEST_TABLE(tests, n, notices, run_notice);
	return cmocka_run_group_tests_name("nfpost_output", tests, NULL, NULL);
}
