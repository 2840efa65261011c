/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * nfpost_watch: the generic netlink ABI of the ARP and ICMP observer.
 * Shared, as is, by the kernel module and by the nfpost CLI.
 *
 * Overview
 * --------
 * nfpost_watch watches ARP, RARP and ICMP in every network namespace it is
 * loaded into. It keeps a table of IPv4 -> link-layer address bindings per
 * (namespace, interface) and reports what a lab operator wants to know as
 * events: new stations, changed or flip-flopping addresses, gratuitous or
 * unsolicited ARP, spoofing, pings with their round-trip time, unreachables,
 * time-exceeded, traceroutes, redirects, ICMP floods and ping sweeps.
 *
 * Where a bridge carries the traffic, the interface of a binding is the
 * bridge, not the port: the bridge is the broadcast domain the addresses
 * live in, and a station moving between ports keeps its binding.
 *
 * The generic netlink family is NFPW_GENL_NAME, version NFPW_GENL_VERSION.
 * Every request and reply carries flat attributes from enum nfpw_attr.
 * All state is per network namespace: a request sees and changes only the
 * namespace of the socket that sent it, and an event reaches only
 * subscribers in the namespace where the packet was seen.
 *
 * Permissions
 * -----------
 * NFPW_CMD_GET_BINDINGS, NFPW_CMD_GET_CONFIG and NFPW_CMD_GET_STATS are open
 * to any user. Every command that changes state, and NFPW_CMD_SUBSCRIBE and
 * NFPW_CMD_UNSUBSCRIBE, need CAP_NET_ADMIN in the user namespace that owns
 * the network namespace; otherwise they fail with -EPERM. Events are never
 * multicast: the family has no multicast group, so there is nothing an
 * unprivileged socket could join to read them.
 *
 * CAP_NET_ADMIN over a namespace is not privilege over the machine: any user
 * who may create a user namespace (`unshare -Urn`, allowed by default on
 * Debian) has it in the network namespace created with it, and so may add
 * static bindings, subscribe and set thresholds there. What such a user may
 * make the kernel hold is bounded three ways:
 *   - NFPW_A_CFG_MAX_BINDINGS above its default (4096) needs CAP_NET_ADMIN
 *     in the initial user namespace (the socket's opener and the sender),
 *     else -EPERM; lowering it needs only the namespace's CAP_NET_ADMIN;
 *   - the bindings of all namespaces whose user namespace is not the initial
 *     one count against one global cap, the module parameter
 *     userns_max_bindings (default 65536): beyond it nothing more is learned
 *     there and NFPW_CMD_ADD_BINDING fails with -EDQUOT;
 *   - a binding added with NFPW_CMD_ADD_BINDING is charged to the memory
 *     cgroup of the process that added it (learned bindings are allocated in
 *     the packet path, where there is no such caller, and are bounded by the
 *     two caps above).
 *
 * Errors
 * ------
 * Every request the module refuses fails with a negative errno and an
 * extended ack message (and, where it applies, the offending attribute)
 * saying what was wrong. Each command accepts only the attributes listed
 * with it below; any other is refused with -EINVAL and the generic netlink
 * core's "Unsupported attribute". Some refusals come from the generic
 * netlink core before the module sees the request, and carry what the core
 * gives: -EPERM for a missing CAP_NET_ADMIN (no message), -EOPNOTSUPP for an
 * unknown command (no message), -EINVAL for a message too short for its
 * generic netlink header (no message) or with a non-zero reserved field
 * (the core's message says so), and the policy's own messages for an
 * attribute of the wrong size or out of range.
 *
 * Commands
 * --------
 * NFPW_CMD_GET_BINDINGS (dump only)
 *   Lists the binding table, one message per binding, resuming where the
 *   previous part of the dump stopped. An optional NFPW_A_IFINDEX in the
 *   request restricts the dump to one interface. Each message carries:
 *     NFPW_A_IFINDEX, NFPW_A_IFNAME     the interface (bridge, if bridged)
 *     NFPW_A_ADDR                       the IPv4 address
 *     NFPW_A_LLADDR                     its current link-layer address
 *     NFPW_A_PREV_LLADDR                the one before, if it ever changed
 *     NFPW_A_FIRST_SEEN, NFPW_A_LAST_SEEN  wall-clock times, see below
 *     NFPW_A_PACKETS                    ARP packets seen from this address
 *     NFPW_A_CHANGES                    times its link-layer address changed
 *     NFPW_A_FLAGS                      NFPW_BF_* bits
 *
 * NFPW_CMD_ADD_BINDING, NFPW_CMD_DEL_BINDING (CAP_NET_ADMIN)
 *   Add or remove a static binding. Requires NFPW_A_IFINDEX, NFPW_A_ADDR and,
 *   for ADD, NFPW_A_LLADDR. A static binding is never evicted and is
 *   enforced: an ARP packet whose sender claims the bound IPv4 address with
 *   another link-layer address is dropped, counted in NFPW_A_STAT_ENFORCED
 *   and reported as NFPW_EV_SPOOF_DROPPED. Without static bindings nothing is
 *   ever dropped: enforcement is off by default. ADD of an existing static
 *   binding replaces its address; ADD over a learned binding turns it static
 *   (in place: its history and counters stay). ADD fails with -ENOSPC when
 *   the table is full of static bindings (or more than a few learned ones
 *   would have to be evicted first), -EDQUOT at the global cap (see
 *   Permissions). DEL of a binding that is not static fails with -ENOENT.
 *   ADD with NFPW_A_FLAGS (NFPW_BF_* bits; absent means NFPW_BF_STATIC)
 *   without NFPW_BF_STATIC adds a learned binding instead, as `nfpost watch
 *   restore` does with a saved table: evictable, never enforced, no event,
 *   and no change to an address already bound (packets know better).
 *   A static binding goes with its interface when the interface is deleted.
 *
 * NFPW_CMD_FLUSH (CAP_NET_ADMIN)
 *   Removes every learned (non-static) binding, of NFPW_A_IFINDEX if given.
 *   With NFPW_A_ADDR, only the learned binding of that address (on
 *   NFPW_A_IFINDEX, if given); -ENOENT if there was none.
 *
 * NFPW_CMD_GET_CONFIG, NFPW_CMD_SET_CONFIG (SET: CAP_NET_ADMIN)
 *   Read or change the namespace's thresholds, NFPW_A_CFG_*. SET changes
 *   only the attributes it carries, at least one; GET returns all of them.
 *   Out-of-range values are rejected by the policy, with the range in the
 *   extack. A NFPW_A_CFG_MAX_BINDINGS below the table's size evicts the
 *   least recently seen learned bindings at once, each counted in
 *   NFPW_A_STAT_EVICTED; a packet itself evicts at most a few bindings.
 *   NFPW_A_CFG_MAX_AGE, off (0) by default as in arpwatch, ages learned
 *   bindings: once a second, each one whose address was last seen that many
 *   seconds ago or more goes, counted in NFPW_A_STAT_EXPIRED and reported as
 *   NFPW_EV_EXPIRED (so it expires between MAX_AGE and MAX_AGE + 2 seconds
 *   after its last packet). Static bindings never expire.
 *
 * NFPW_CMD_GET_STATS
 *   Returns the namespace's counters, NFPW_A_STAT_*, as u64. Counters only
 *   grow, except NFPW_A_STAT_BINDINGS, the current table size, and
 *   NFPW_A_STAT_BUCKETS, the number of hash buckets the table has now. The
 *   table is resized to its count, not to NFPW_A_CFG_MAX_BINDINGS: it grows
 *   (doubling) once its bindings exceed 75% of its buckets and shrinks once
 *   they fall below 30%, never below 4 buckets. Resizing is done by a kernel
 *   worker shortly after the insertion or removal that crossed the
 *   threshold, so a reading taken at once may lag; once it has run, a table
 *   of N bindings has at least N buckets (a lookup walks a chain of about
 *   one entry), and an emptied table shrinks back to a few buckets.
 *
 * NFPW_CMD_SUBSCRIBE (CAP_NET_ADMIN)
 *   Subscribes the socket that sent it (its netlink port id) to the events
 *   of the socket's namespace; events then arrive on that same socket as
 *   NFPW_CMD_EVENT messages. Idempotent: subscribing twice is one
 *   subscription. At most 64 sockets per namespace; beyond that it fails
 *   with -ENOSPC. A subscription ends when the socket is closed, with
 *   NFPW_CMD_UNSUBSCRIBE, or when the module is unloaded (a monitor that
 *   sees the family come back, through nlctrl's "notify" group, subscribes
 *   again).
 *
 * NFPW_CMD_UNSUBSCRIBE (CAP_NET_ADMIN)
 *   Ends the sending socket's subscription; -ENOENT if it had none.
 *
 * NFPW_CMD_EVENT (kernel to user, unicast to each subscriber)
 *   One message per event and subscriber, with sequence number 0 and port
 *   id 0, so that a subscriber can tell events from the replies to its own
 *   requests on the same socket. Always present: NFPW_A_EVENT (enum
 *   nfpw_event), NFPW_A_TIME, NFPW_A_NETNS. Present where they apply:
 *   NFPW_A_IFINDEX and NFPW_A_IFNAME, NFPW_A_ADDR and NFPW_A_LLADDR (the
 *   station), and the attributes listed with each event in enum nfpw_event.
 *   Delivery is counted per subscriber: each message queued on a
 *   subscriber's socket adds one to NFPW_A_STAT_EVENTS; each one that is not
 *   (no memory to build or copy it, the subscriber's receive buffer full, or
 *   its socket gone) adds one to NFPW_A_STAT_EVENTS_DROPPED, so with N
 *   subscribers an event adds N to their sum. When the buffer was full the
 *   socket also gets ENOBUFS from its next recv(), as for any netlink
 *   overrun. Nothing is counted, and no event is built, while no socket is
 *   subscribed. Traceroute, flood and sweep detection run only while a
 *   socket is subscribed (they have nothing to report otherwise), and an
 *   echo reply carries NFPW_A_RTT_US only if its request passed while one
 *   was: the fine clock it needs is read only then.
 *
 * Times are nanoseconds since the Unix epoch (CLOCK_REALTIME), u64.
 * IPv4 addresses are u32 in network byte order; link-layer addresses are
 * ETH_ALEN binary octets.
 */
#ifndef _UAPI_LINUX_NFPOST_WATCH_H
#define _UAPI_LINUX_NFPOST_WATCH_H

#define NFPW_GENL_NAME		"nfpost_watch"
#define NFPW_GENL_VERSION	1

enum nfpw_cmd {
	NFPW_CMD_UNSPEC,
	NFPW_CMD_GET_BINDINGS,
	NFPW_CMD_ADD_BINDING,
	NFPW_CMD_DEL_BINDING,
	NFPW_CMD_FLUSH,
	NFPW_CMD_GET_CONFIG,
	NFPW_CMD_SET_CONFIG,
	NFPW_CMD_GET_STATS,
	NFPW_CMD_EVENT,
	NFPW_CMD_SUBSCRIBE,
	NFPW_CMD_UNSUBSCRIBE,

	__NFPW_CMD_MAX,
	NFPW_CMD_MAX = __NFPW_CMD_MAX - 1
};

/* NFPW_A_FLAGS of a binding */
enum nfpw_binding_flags {
	NFPW_BF_STATIC = 1 << 0,	/* set by NFPW_CMD_ADD_BINDING, enforced */
};

enum nfpw_attr {
	NFPW_A_UNSPEC,
	NFPW_A_PAD,
	NFPW_A_IFINDEX,		/* u32 */
	NFPW_A_IFNAME,		/* string, in replies and events */
	NFPW_A_ADDR,		/* be32: IPv4 address of the station */
	NFPW_A_LLADDR,		/* binary, ETH_ALEN */
	NFPW_A_PREV_LLADDR,	/* binary, ETH_ALEN */
	NFPW_A_FIRST_SEEN,	/* u64, ns since the epoch */
	NFPW_A_LAST_SEEN,	/* u64, ns since the epoch */
	NFPW_A_PACKETS,		/* u64 */
	NFPW_A_CHANGES,		/* u32 */
	NFPW_A_FLAGS,		/* u32, NFPW_BF_* */

	/* events */
	NFPW_A_EVENT,		/* u32, enum nfpw_event */
	NFPW_A_TIME,		/* u64, ns since the epoch */
	NFPW_A_NETNS,		/* u32: inode of the network namespace */
	NFPW_A_SADDR,		/* be32: IPv4 source of the packet */
	NFPW_A_DADDR,		/* be32: IPv4 destination of the packet */
	NFPW_A_ETH_SADDR,	/* binary, ETH_ALEN: Ethernet source */
	NFPW_A_ARP_OP,		/* u16: ARPOP_REQUEST, ARPOP_REPLY (RARP: 3, 4) */
	NFPW_A_ICMP_TYPE,	/* u8 */
	NFPW_A_ICMP_CODE,	/* u8 */
	NFPW_A_ICMP_ID,		/* u16, host order */
	NFPW_A_ICMP_SEQ,	/* u16, host order */
	NFPW_A_RTT_US,		/* u32: round-trip time in microseconds */
	NFPW_A_TTL,		/* u8 */
	NFPW_A_GATEWAY,		/* be32: gateway of a redirect */
	NFPW_A_ORIG_SADDR,	/* be32: source of the packet an error quotes */
	NFPW_A_ORIG_DADDR,	/* be32: destination of the quoted packet */
	NFPW_A_ORIG_PROTO,	/* u8: IP protocol of the quoted packet */
	NFPW_A_COUNT,		/* u32: see the event */
	NFPW_A_RATE,		/* u32: packets per second */

	/* configuration, NFPW_CMD_{GET,SET}_CONFIG */
	NFPW_A_CFG_MAX_BINDINGS,	/* u32, 16..1048576, default 4096 */
	NFPW_A_CFG_FLOOD_PPS,		/* u32, 1..10000000, default 1000 */
	NFPW_A_CFG_SWEEP_HOSTS,		/* u32, 2..256, default 16 */
	NFPW_A_CFG_SWEEP_WINDOW_MS,	/* u32, 100..3600000, default 10000 */
	NFPW_A_CFG_TRACE_PROBES,	/* u32, 2..32, default 3 */
	NFPW_A_CFG_TRACE_MAX_TTL,	/* u32, 1..255, default 30 */
	NFPW_A_CFG_FLIPFLOP_MS,		/* u32, 1000..86400000, default 3600000 */
	NFPW_A_CFG_ECHO_TIMEOUT_MS,	/* u32, 100..600000, default 10000 */

	/* counters, NFPW_CMD_GET_STATS, all u64 */
	NFPW_A_STAT_ARP,		/* ARP packets parsed */
	NFPW_A_STAT_ICMP,		/* ICMP packets parsed */
	NFPW_A_STAT_IPV4,		/* other IPv4 packets looked at (TTL) */
	NFPW_A_STAT_ARP_MALFORMED,	/* truncated or inconsistent ARP */
	/* truncated or inconsistent IP/ICMP, or a wrong ICMP checksum */
	NFPW_A_STAT_ICMP_MALFORMED,
	NFPW_A_STAT_BINDINGS,		/* current number of bindings */
	NFPW_A_STAT_EVICTED,		/* bindings evicted, each counted */
	NFPW_A_STAT_ENFORCED,		/* ARP packets dropped by a static binding */
	/* event messages delivered, per subscriber */
	NFPW_A_STAT_EVENTS,
	/*
	 * event messages lost, per subscriber: no memory, buffer full, socket
	 * gone
	 */
	NFPW_A_STAT_EVENTS_DROPPED,
	/* echo replies matched to a request (paired while subscribed) */
	NFPW_A_STAT_ECHO_PAIRED,
	NFPW_A_STAT_TRACKER_EVICTED,	/* echo/source/ARP-request trackers evicted */
	/*
	 * stations not learned: no room (static bindings, the per-packet
	 * eviction budget, the global cap of user namespaces) or no memory
	 */
	NFPW_A_STAT_NOT_LEARNED,
	/* learned bindings expired by CFG_MAX_AGE, each counted */
	NFPW_A_STAT_EXPIRED,
	NFPW_A_STAT_RARP,		/* RARP packets parsed */
	NFPW_A_STAT_RARP_MALFORMED,	/* truncated or inconsistent RARP */

	/* configuration, continued */
	NFPW_A_CFG_MAX_AGE,		/* u32, seconds, 0..31536000, default 0: off */

	/* counters, continued: the table's geometry, see NFPW_CMD_GET_STATS */
	NFPW_A_STAT_BUCKETS,		/* u64: hash buckets of the binding table */

	__NFPW_A_MAX,
	NFPW_A_MAX = __NFPW_A_MAX - 1
};

/*
 * Events. Names follow arpwatch's reports where arpwatch has one.
 * The attributes named with each are present in its NFPW_CMD_EVENT message
 * in addition to NFPW_A_EVENT, NFPW_A_TIME and NFPW_A_NETNS.
 */
enum nfpw_event {
	NFPW_EV_UNSPEC,
	/*
	 * ARP; all carry IFINDEX, IFNAME, ADDR (sender IP), LLADDR (sender
	 * MAC), ARP_OP and, where the frame had one, ETH_SADDR.
	 */
	NFPW_EV_NEW_STATION,	  /* first time this IPv4 address is seen */
	NFPW_EV_CHANGED_LLADDR,	  /* new MAC; PREV_LLADDR is the old one */
	NFPW_EV_FLIP_FLOP,	  /* back to PREV_LLADDR within CFG_FLIPFLOP_MS */
	NFPW_EV_REUSED_LLADDR,	  /* back to an older MAC of this address */
	NFPW_EV_GRATUITOUS,	  /* sender IP == target IP */
	/* reply with no matching request; DADDR is the target IP */
	NFPW_EV_UNSOLICITED,
	NFPW_EV_BOGON,		  /* sender IP outside the interface's subnets */
	NFPW_EV_ETHER_MISMATCH,	  /* ETH_SADDR != ARP sender MAC */
	NFPW_EV_BCAST_SENDER,	  /* sender MAC is broadcast or multicast */
	/*
	 * contradicted a static binding: dropped; PREV_LLADDR is the bound MAC
	 */
	NFPW_EV_SPOOF_DROPPED,
	/*
	 * ICMP; all carry SADDR, DADDR, ICMP_TYPE, ICMP_CODE (but see
	 * TRACEROUTE) and, where known, IFINDEX and IFNAME.
	 */
	NFPW_EV_ECHO_REQUEST,	  /* ICMP_ID, ICMP_SEQ, TTL */
	NFPW_EV_ECHO_REPLY,	  /* ICMP_ID, ICMP_SEQ, TTL; RTT_US if paired */
	NFPW_EV_UNREACHABLE,	  /* ORIG_SADDR, ORIG_DADDR, ORIG_PROTO */
	NFPW_EV_TIME_EXCEEDED,	  /* ORIG_SADDR, ORIG_DADDR, ORIG_PROTO */
	NFPW_EV_REDIRECT,	  /* GATEWAY, ORIG_SADDR, ORIG_DADDR */
	/*
	 * SADDR probes DADDR with rising TTL: COUNT probes with distinct TTLs,
	 * TTL the last; ICMP_TYPE and ICMP_CODE only when the probes are ICMP
	 * (not UDP or TCP)
	 */
	NFPW_EV_TRACEROUTE,
	/*
	 * SADDR sends ICMP above CFG_FLOOD_PPS: RATE; reported once per second
	 * at most
	 */
	NFPW_EV_FLOOD,
	/*
	 * SADDR pinged COUNT distinct hosts within CFG_SWEEP_WINDOW_MS; once
	 * per window
	 */
	NFPW_EV_SWEEP,
	/*
	 * a learned binding not seen for CFG_MAX_AGE went: IFINDEX, IFNAME
	 * (if the interface is still there), ADDR and LLADDR (its last address)
	 */
	NFPW_EV_EXPIRED,
	/*
	 * RARP (RFC 903, ethertype 0x8035), seen on input; never learned from.
	 * Both carry IFINDEX, IFNAME, ARP_OP (3 or 4) and, where the frame had
	 * one, ETH_SADDR.
	 */
	NFPW_EV_RARP_REQUEST,	  /* LLADDR asks for its IPv4 address */
	NFPW_EV_RARP_REPLY,	  /* SADDR (the server) gives LLADDR address ADDR */

	__NFPW_EV_MAX,
	NFPW_EV_MAX = __NFPW_EV_MAX - 1
};

#endif /* _UAPI_LINUX_NFPOST_WATCH_H */
