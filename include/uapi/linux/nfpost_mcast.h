/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * nfpost_mcast: the generic netlink ABI of the IGMP/MLD snooping filter.
 * Shared, as is, by the kernel module and by the nfpost CLI.
 *
 * Overview
 * --------
 * nfpost_mcast snoops IGMP (v1, v2, v3) and MLD (v1, v2) on the Linux bridges
 * it is enabled on, learns which port wants which group (and, for IGMPv3 and
 * MLDv2, which sources), and drops the copies of multicast traffic the
 * bridge floods to ports that did not ask for it (RFC 4541). It works at the
 * bridge's netfilter hooks: learning where a frame enters a port
 * (NF_BR_PRE_ROUTING), filtering where a copy leaves one (NF_BR_FORWARD,
 * NF_BR_LOCAL_OUT). A copy of IPv4/IPv6 multicast leaves a port when:
 *   - its destination is link-local (224.0.0.0/24, ff02::/16) and it is not
 *     a report: always;
 *   - it is an IGMP/MLD query: always;
 *   - it is an IGMP/MLD report or leave: only to router ports;
 *   - the port is a router port: always;
 *   - its group has members on the bridge: only if a member on this port
 *     wants its source (RFC 3376 6.3: INCLUDE lists the sources wanted,
 *     EXCLUDE those not);
 *   - its group has no member anywhere on the bridge ("unregistered"): as
 *     NFPM_A_CFG_UNREGISTERED says.
 * Nothing else is touched: unicast, broadcast, non-IP and VLAN-tagged frames
 * pass, and so does traffic delivered to the bridge's own host.
 *
 * A bridge is enabled with NFPM_CMD_ENABLE. The bridge's own snooping must
 * be off for that bridge (ip link set BR type bridge mcast_snooping 0):
 * two snoopers would disagree, and ENABLE fails with -EBUSY and an extack
 * saying so. All state is per network namespace and per bridge: a request
 * sees and changes only the namespace of the socket that sent it.
 *
 * The generic netlink family is NFPM_GENL_NAME, version NFPM_GENL_VERSION,
 * with one multicast group, NFPM_MCGRP_EVENTS. Requests and replies carry
 * flat attributes from enum nfpm_attr, except the nested sources of a group.
 *
 * Permissions
 * -----------
 * NFPM_CMD_GET_* are open to any user. Every command that changes state,
 * and joining NFPM_MCGRP_EVENTS, need CAP_NET_ADMIN in the user namespace
 * that owns the network namespace; otherwise they fail with -EPERM.
 *
 * Errors
 * ------
 * Every rejected request fails with a negative errno and, where the cause
 * is the request, an extended ack message (and the offending attribute)
 * saying what was wrong: -ENODEV (no such interface), -EINVAL (not a bridge,
 * not a port of it, not a group), -EBUSY (the bridge's own snooping is on),
 * -EEXIST/-ENOENT (already enabled / not enabled, no such entry), -ENOSPC
 * (every entry of a full table is permanent). Each operation has its own
 * attribute policy; an attribute it does not take is rejected.
 *
 * Commands
 * --------
 * NFPM_CMD_ENABLE, NFPM_CMD_DISABLE (CAP_NET_ADMIN)
 *   NFPM_A_IFINDEX: the bridge. DISABLE forgets every entry and setting of
 *   that bridge; so does the bridge's removal.
 *
 * NFPM_CMD_GET_CONFIG (dump), NFPM_CMD_SET_CONFIG (CAP_NET_ADMIN)
 *   One message per enabled bridge (NFPM_A_IFINDEX restricts GET to one):
 *   NFPM_A_IFINDEX, NFPM_A_IFNAME, every NFPM_A_CFG_*, and the querier
 *   state: NFPM_A_QUERIER4 / NFPM_A_QUERIER6 (address of the querier heard
 *   on the segment, with NFPM_A_QUERIER4_TIMER_MS / ..6.. left of its
 *   other-querier-present timer) when one is. SET takes NFPM_A_IFINDEX and
 *   any NFPM_A_CFG_*, and changes only those; ranges are in the policy.
 *
 * NFPM_CMD_GET_GROUPS (dump)
 *   One message per (port, group): NFPM_A_IFINDEX, NFPM_A_IFNAME (bridge),
 *   NFPM_A_PORT, NFPM_A_PORT_NAME, NFPM_A_GROUP, NFPM_A_MODE,
 *   NFPM_A_GROUP_TIMER_MS (EXCLUDE mode: left of the group timer, absent if
 *   permanent), NFPM_A_FLAGS (NFPM_F_*), NFPM_A_SOURCES: a nest of
 *   NFPM_A_SOURCE nests, each with NFPM_A_SRC_ADDR and NFPM_A_SRC_TIMER_MS
 *   (0: the timer is not running, an EXCLUDE mode "exclude" source; absent:
 *   permanent). An optional NFPM_A_IFINDEX restricts it to one bridge.
 *
 * NFPM_CMD_ADD, NFPM_CMD_DEL (CAP_NET_ADMIN)
 *   NFPM_A_IFINDEX (bridge), NFPM_A_PORT, NFPM_A_GROUP, optional
 *   NFPM_A_SOURCE_ADDR and, for ADD, NFPM_A_PERMANENT. ADD without a source
 *   joins the whole group (EXCLUDE {}), with one (S,G) (INCLUDE {S}). A
 *   permanent entry never expires, is never evicted and is left alone by
 *   reports; a non-permanent one acts as if its port had sent that report.
 *   DEL with a source removes that source, without one the whole entry.
 *
 * NFPM_CMD_GET_PORTS (dump), NFPM_CMD_SET_PORT (CAP_NET_ADMIN)
 *   Per port of an enabled bridge that has state: NFPM_A_IFINDEX,
 *   NFPM_A_PORT, NFPM_A_PORT_NAME, NFPM_A_ROUTER (enum nfpm_router),
 *   NFPM_A_IS_ROUTER (u8), NFPM_A_ROUTER_TIMER_MS (while learned or
 *   temporary), NFPM_A_FAST_LEAVE, NFPM_A_MAX_GROUPS (0: no per-port cap),
 *   NFPM_A_GROUPS (entries now). SET takes NFPM_A_PORT (a port of an
 *   enabled bridge) and any of NFPM_A_ROUTER, NFPM_A_FAST_LEAVE,
 *   NFPM_A_MAX_GROUPS.
 *
 * NFPM_CMD_GET_STATS (dump)
 *   One message per enabled bridge: NFPM_A_IFINDEX, NFPM_A_IFNAME and every
 *   NFPM_A_STAT_*, u64. Counters only grow, except NFPM_A_STAT_GROUPS.
 *
 * NFPM_CMD_EVENT (kernel to NFPM_MCGRP_EVENTS)
 *   NFPM_A_EVENT (enum nfpm_event), NFPM_A_TIME, NFPM_A_IFINDEX and
 *   NFPM_A_IFNAME (bridge), and per event: NFPM_A_PORT, NFPM_A_PORT_NAME and
 *   NFPM_A_GROUP (join, leave, expiry, eviction), NFPM_A_QUERIER4 or
 *   NFPM_A_QUERIER6 (querier: the new one; absent when it went silent).
 *   No event is built while nobody listens.
 *
 * Times are ms left (timers) or ns since the Unix epoch (NFPM_A_TIME).
 * Addresses are binary, network order: 4 bytes for IPv4, 16 for IPv6.
 */
#ifndef _UAPI_LINUX_NFPOST_MCAST_H
#define _UAPI_LINUX_NFPOST_MCAST_H

#define NFPM_GENL_NAME		"nfpost_mcast"
#define NFPM_GENL_VERSION	1
#define NFPM_MCGRP_EVENTS	"events"

enum nfpm_cmd {
	NFPM_CMD_UNSPEC,
	NFPM_CMD_ENABLE,
	NFPM_CMD_DISABLE,
	NFPM_CMD_GET_CONFIG,
	NFPM_CMD_SET_CONFIG,
	NFPM_CMD_GET_GROUPS,
	NFPM_CMD_ADD,
	NFPM_CMD_DEL,
	NFPM_CMD_GET_PORTS,
	NFPM_CMD_SET_PORT,
	NFPM_CMD_GET_STATS,
	NFPM_CMD_EVENT,

	__NFPM_CMD_MAX,
	NFPM_CMD_MAX = __NFPM_CMD_MAX - 1
};

/* NFPM_A_MODE */
enum nfpm_mode {
	NFPM_MODE_INCLUDE,
	NFPM_MODE_EXCLUDE,
};

/* NFPM_A_FLAGS of a group entry */
enum nfpm_flags {
	NFPM_F_STATIC = 1 << 0,		/* added with NFPM_CMD_ADD */
	NFPM_F_PERMANENT = 1 << 1,	/* never expires nor is evicted */
};

/* NFPM_A_ROUTER: as the bridge's multicast_router port option */
enum nfpm_router {
	NFPM_ROUTER_DISABLED,	/* never a router port */
	NFPM_ROUTER_LEARNED,	/* one while queries arrive on it (default) */
	NFPM_ROUTER_PERMANENT,	/* always one */
	NFPM_ROUTER_TEMPORARY,	/* one for the other-querier interval, then learned */
};

/* NFPM_A_CFG_UNREGISTERED */
enum nfpm_unreg {
	/* the bridge's: flood while no querier is known, else routers only */
	NFPM_UNREG_AUTO,
	NFPM_UNREG_FLOOD,
	NFPM_UNREG_ROUTERS,
	NFPM_UNREG_DROP,
};

enum nfpm_attr {
	NFPM_A_UNSPEC,
	NFPM_A_PAD,
	NFPM_A_IFINDEX,		/* u32: the bridge */
	NFPM_A_IFNAME,		/* string, in replies and events */
	NFPM_A_PORT,		/* u32: ifindex of a bridge port */
	NFPM_A_PORT_NAME,	/* string, in replies and events */
	NFPM_A_GROUP,		/* binary, 4 or 16 bytes */
	NFPM_A_SOURCE_ADDR,	/* binary, 4 or 16: ADD/DEL of (S,G) */
	NFPM_A_PERMANENT,	/* flag: ADD */
	NFPM_A_MODE,		/* u8, enum nfpm_mode */
	NFPM_A_GROUP_TIMER_MS,	/* u32 */
	NFPM_A_FLAGS,		/* u32, NFPM_F_* */
	NFPM_A_SOURCES,		/* nest of NFPM_A_SOURCE */
	NFPM_A_SOURCE,		/* nest: NFPM_A_SRC_* */
	NFPM_A_SRC_ADDR,	/* binary, 4 or 16 */
	NFPM_A_SRC_TIMER_MS,	/* u32 */
	NFPM_A_ROUTER,		/* u8, enum nfpm_router */
	NFPM_A_IS_ROUTER,	/* u8: a router port right now */
	NFPM_A_ROUTER_TIMER_MS,	/* u32 */
	NFPM_A_FAST_LEAVE,	/* u8, 0 or 1 */
	NFPM_A_MAX_GROUPS,	/* u32: per-port cap, 0: none */
	NFPM_A_GROUPS,		/* u32: entries of the port */
	NFPM_A_QUERIER4,	/* binary, 4 */
	NFPM_A_QUERIER4_TIMER_MS, /* u32 */
	NFPM_A_QUERIER6,	/* binary, 16 */
	NFPM_A_QUERIER6_TIMER_MS, /* u32 */
	NFPM_A_EVENT,		/* u32, enum nfpm_event */
	NFPM_A_TIME,		/* u64, ns since the epoch */

	/* configuration per bridge, NFPM_CMD_{GET,SET}_CONFIG, all u32 */
	NFPM_A_CFG_UNREGISTERED,	/* enum nfpm_unreg, default AUTO */
	NFPM_A_CFG_MAX_GROUPS,		/* 1..1048576, default 4096 (entries) */
	NFPM_A_CFG_QUERY_INTERVAL_MS,	/* 1000..3600000, default 125000 */
	NFPM_A_CFG_QUERY_RESPONSE_MS,	/* 100..600000, default 10000 */
	NFPM_A_CFG_ROBUSTNESS,		/* 1..7, default 2 */
	NFPM_A_CFG_MEMBERSHIP_MS,	/* 1000..86400000, default 260000 */
	NFPM_A_CFG_OTHER_QUERIER_MS,	/* 1000..86400000, default 255000 */
	NFPM_A_CFG_LAST_MEMBER_MS,	/* 100..60000, default 1000 */
	NFPM_A_CFG_LAST_MEMBER_COUNT,	/* 1..7, default 2 */
	NFPM_A_CFG_QUERIER,		/* 0 or 1, default 0: see below */
	NFPM_A_CFG_IGMP_VERSION,	/* 2 or 3, default 2 */
	NFPM_A_CFG_MLD_VERSION,		/* 1 or 2, default 1 */

	/* counters per bridge, NFPM_CMD_GET_STATS, all u64 */
	NFPM_A_STAT_IGMP_QUERY,		/* IGMP queries received, any version */
	NFPM_A_STAT_IGMP_V1_REPORT,
	NFPM_A_STAT_IGMP_V2_REPORT,
	NFPM_A_STAT_IGMP_V3_REPORT,
	NFPM_A_STAT_IGMP_LEAVE,
	NFPM_A_STAT_MLD_QUERY,
	NFPM_A_STAT_MLD_V1_REPORT,
	NFPM_A_STAT_MLD_V2_REPORT,
	NFPM_A_STAT_MLD_DONE,
	NFPM_A_STAT_MALFORMED,		/* bad checksum, length, group, count */
	NFPM_A_STAT_FORWARDED,		/* multicast copies let out of a port */
	NFPM_A_STAT_FILTERED,		/* multicast copies dropped */
	NFPM_A_STAT_EVICTED,		/* entries evicted at a cap */
	NFPM_A_STAT_SOURCES_DROPPED,	/* sources past 64 per entry */
	NFPM_A_STAT_QUERIES_SENT,	/* by the bridge's own querier */
	NFPM_A_STAT_QUERIES_DROPPED,	/* last-member queries: 16 pending */
	NFPM_A_STAT_GROUPS,		/* entries now */

	__NFPM_A_MAX,
	NFPM_A_MAX = __NFPM_A_MAX - 1
};

/*
 * NFPM_A_CFG_QUERIER: when on, the bridge sends general queries every query
 * interval (IGMP from the bridge's first IPv4 address, or 0.0.0.0 if it has
 * none; MLD from its link-local address, skipped while it has none), and
 * on a leave NFPM_A_CFG_LAST_MEMBER_COUNT group-specific queries,
 * NFPM_A_CFG_LAST_MEMBER_MS apart; on a BLOCK or TO_IN that lowers source
 * timers, group-and-source-specific queries naming those sources (IGMPv3 and
 * MLDv2; a group-specific query with version 2/1 or past 16 sources). At
 * most 16 such queries are pending per bridge; past that they are counted in
 * NFPM_A_STAT_QUERIES_DROPPED. All of this unless a querier with a lower
 * address is heard (RFC 3376 6.6.2): it then keeps quiet for the
 * other-querier interval.
 */

enum nfpm_event {
	NFPM_EV_UNSPEC,
	NFPM_EV_JOIN,		/* a new (port, group) entry */
	NFPM_EV_LEAVE,		/* removed by a leave, fast leave or report */
	NFPM_EV_EXPIRY,		/* its timers ran out */
	NFPM_EV_EVICTION,	/* evicted at a cap */
	NFPM_EV_QUERIER,	/* the querier heard on the segment changed */

	__NFPM_EV_MAX,
	NFPM_EV_MAX = __NFPM_EV_MAX - 1
};

#endif /* _UAPI_LINUX_NFPOST_MCAST_H */
