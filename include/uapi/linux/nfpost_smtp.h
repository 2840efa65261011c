/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * nfpost_smtp: the generic netlink ABI of the SMTP relay and spam guard.
 * Shared, as is, by the kernel module and by the nfpost CLI.
 *
 * Overview
 * --------
 * nfpost_smtp follows SMTP sessions to the guarded TCP ports (default 25)
 * in the packet path, in both directions, in every network namespace it is
 * loaded into: on NF_INET_LOCAL_IN and NF_INET_LOCAL_OUT for a server on
 * this host, and on NF_INET_FORWARD for a server behind this router, IPv4
 * and IPv6. It reads the client's commands and the server's replies (see
 * kmod/proto/smtpg.h and Documentation/smtp.md) and applies the policy
 * below. A rule that is broken is a violation: it is counted, reported as
 * an event, and answered with the rule's action:
 *   NFPS_ACT_LOG     the event only;
 *   NFPS_ACT_RESET   the segment that completes the offending command is
 *                    dropped, and a TCP reset goes to the client and to the
 *                    server: the server never reads that command;
 *   NFPS_ACT_BLOCK   the same, and the client's new connections are dropped
 *                    for NFPS_A_CFG_BLOCK_MS (see NFPS_CMD_ADD_BLOCK).
 *
 * The rules (enum nfps_rule):
 *   RELAY        RCPT to a domain that is neither a local nor a relay
 *                domain, from a client outside mynetworks that has not
 *                authenticated in this session (or NFPS_A_CFG_AUTH_RELAY is
 *                0). The domain is the one the mail would go to next: a
 *                percent hack, bang path or quoted '@' in the local part is
 *                seen through, a source route skipped; a path the guard
 *                cannot read counts as a relay attempt. A path without '@'
 *                is the server's own.
 *   PREGREET     client bytes before the server's greeting ended; or a
 *                SYN from a client whose pregreet failure is cached (see
 *                the teaser below; NFPS_A_VALUE: the ms it still holds).
 *   PIPELINING   client bytes after DATA, AUTH or STARTTLS before the reply
 *                (RFC 2920 3.1). Under NFPS_ACT_LOG the session is no longer
 *                read (the bytes might be a message or TLS).
 *   BARE_EOL     a bare CR or LF in DATA: nfpostd answers 521 and closes, a
 *                server taking LF as a line end would read on; nothing after
 *                it is read.
 *   RCPT_LIMIT   more than NFPS_A_CFG_MAX_RCPT recipients in a transaction.
 *   SIZE         more than NFPS_A_CFG_MAX_SIZE bytes of DATA or BDAT.
 *   CONN_LIMIT   more than NFPS_A_CFG_CONN_MAX connections at once from one
 *                client address (judged on its SYN: dropped, reset sent).
 *   CONN_RATE    more than NFPS_A_CFG_CONN_RATE connections per rate window.
 *   MSG_RATE     more than NFPS_A_CFG_MSG_RATE MAIL commands per window.
 *   RCPT_RATE    more than NFPS_A_CFG_RCPT_RATE RCPT commands per window.
 *   CLIENT       a SYN from a client in the client blocklist.
 *   HELO         HELO or EHLO with a name in the HELO blocklist.
 *   SENDER       MAIL FROM a sender in the sender blocklist.
 *   TCP          a segment that rewrites bytes the guard already holds with
 *                other bytes (an overlap the server may read otherwise).
 * A limit of 0 turns its rule off. Rates count per client address over
 * windows of NFPS_A_CFG_RATE_WINDOW_MS. Every rule's action is
 * NFPS_ACT_LOG until set: a namespace's mail servers see no change from
 * the module until its policy says so.
 *
 * Teaser and verdict cache (Postfix postscreen's greet_wait and its cache):
 * with NFPS_A_CFG_TEASER_MS set, the segment of the server's greeting that
 * carries its final "220 " line is dropped until that many ms have passed
 * since the client's SYN (the server's TCP sends it again); lines "220-"
 * before it pass as a teaser. A client that talks in that time breaks
 * PREGREET. A client that stayed silent through it passed: its address
 * is remembered for NFPS_A_CFG_PASS_TTL_MS, and its connections skip the
 * wait until then (NFPS_A_STAT_CACHE_PASS). A client that broke PREGREET
 * (teaser or not) is remembered for NFPS_A_CFG_FAIL_TTL_MS: each SYN of
 * it until then breaks PREGREET at once (NFPS_A_STAT_CACHE_FAIL; under
 * RESET or BLOCK the server never sees the connection). A TTL of 0 keeps
 * no such verdict. Verdicts live in the table of client addresses
 * (bounded by NFPS_A_CFG_MAX_FLOWS, evictions in
 * NFPS_A_STAT_HOSTS_EVICTED).
 *
 * After a 220 reply to STARTTLS the session is opaque: only the
 * connection-level rules (CONN_*, CLIENT, blocks) apply to it.
 *
 * Tracking is bounded: at most NFPS_A_CFG_MAX_FLOWS flows and as many
 * client addresses (the oldest evicted and counted); each direction of a
 * flow holds at most NFPS_BUF_LEN bytes not yet read (a partial line, and
 * segments ahead of a gap). An in-order segment longer than the window is
 * read in pieces; what still lies past the window is dropped (the peer
 * sends it again) and counted. Connections that were open before the
 * module came are not followed.
 *
 * Permissions
 * -----------
 * GET_CONFIG, GET_STATS, GET_FLOWS, GET_BLOCKS and GET_CACHE are open to
 * any user. SET_CONFIG, ADD_BLOCK, DEL_BLOCK, FLUSH_CACHE, SUBSCRIBE and
 * UNSUBSCRIBE need
 * CAP_NET_ADMIN in the user namespace owning the network namespace (-EPERM
 * otherwise). Every request acts on the namespace of the socket sending it.
 *
 * Errors
 * ------
 * A rejected request fails with a negative errno and an extended ack
 * message (and the offending attribute where there is one).
 *
 * Commands
 * --------
 * NFPS_CMD_GET_CONFIG, NFPS_CMD_SET_CONFIG
 *   The namespace's policy. SET changes only what it carries: a scalar
 *   NFPS_A_CFG_*, a list (a nest of NFPS_A_PREFIX nests or NFPS_A_NAME
 *   strings) replaced whole, NFPS_A_CFG_PORTS (a nest of NFPS_A_PORT u16),
 *   NFPS_A_CFG_ACTIONS (a nest whose attribute type is the rule and value,
 *   u8, the action). A prefix is NFPS_A_ADDR (4 or 16 bytes) and
 *   NFPS_A_PREFIXLEN (u8). Names are domains (local, relay, HELO) compared
 *   without regard to ASCII case and a trailing dot; a name starting with
 *   '.' matches every subdomain. A sender entry holding '@' matches that
 *   address, else every address of that domain. At most NFPS_LIST_MAX
 *   entries per list and NFPS_NAME_MAX bytes per name. GET returns all.
 *
 * NFPS_CMD_GET_STATS
 *   Counters, u64: NFPS_A_STAT_*, NFPS_A_STAT_RULES (a nest, type = rule,
 *   value = violations) and NFPS_A_STAT_ACTIONS (type = action, value =
 *   times taken). NFPS_A_STAT_FLOWS and NFPS_A_STAT_HOSTS are current sizes.
 *
 * NFPS_CMD_GET_FLOWS (dump)
 *   One message per tracked flow: NFPS_A_CLIENT, NFPS_A_CLIENT_PORT,
 *   NFPS_A_SERVER, NFPS_A_SERVER_PORT, NFPS_A_FLOW_FLAGS (NFPS_FF_*),
 *   NFPS_A_RCPTS (recipients in the transaction), NFPS_A_SIZE, NFPS_A_AGE_MS.
 *
 * NFPS_CMD_ADD_BLOCK, NFPS_CMD_DEL_BLOCK, NFPS_CMD_GET_BLOCKS (dump)
 *   Blocked client addresses (NFPS_A_CLIENT), their new connections dropped
 *   until NFPS_A_REMAINING_MS (ADD: default NFPS_A_CFG_BLOCK_MS) have
 *   passed; ADD of a blocked address sets its time anew. DEL of an address
 *   that is not blocked fails with -ENOENT.
 *
 * NFPS_CMD_GET_CACHE (dump), NFPS_CMD_FLUSH_CACHE
 *   The pregreet verdicts held: one message per client address and
 *   verdict, NFPS_A_CLIENT, NFPS_A_VERDICT and NFPS_A_REMAINING_MS. FLUSH
 *   forgets them all, or with NFPS_A_CLIENT that client's (-ENOENT when it
 *   has none).
 *
 * NFPS_CMD_SUBSCRIBE, NFPS_CMD_UNSUBSCRIBE, NFPS_CMD_EVENT
 *   As nfpost_watch's: the subscribing socket gets one NFPS_CMD_EVENT per
 *   violation (sequence and port id 0), at most 64 sockets per namespace,
 *   a subscription ends with the socket. Each event carries NFPS_A_TIME,
 *   NFPS_A_NETNS, NFPS_A_RULE, NFPS_A_ACTION, NFPS_A_CLIENT,
 *   NFPS_A_CLIENT_PORT, NFPS_A_SERVER, NFPS_A_SERVER_PORT and, where they
 *   apply, NFPS_A_COMMAND (the offending line, escaped: printable ASCII
 *   as is, '\' as "\\", other bytes "\xHH", at most 255 characters) and
 *   NFPS_A_VALUE (the count, size or rate that broke the limit).
 *   Delivered messages count in NFPS_A_STAT_EVENTS, lost ones in
 *   NFPS_A_STAT_EVENTS_DROPPED.
 *
 * Addresses are in network byte order, 4 bytes (IPv4) or 16 (IPv6); times
 * are ns since the epoch (CLOCK_REALTIME).
 */
#ifndef _UAPI_LINUX_NFPOST_SMTP_H
#define _UAPI_LINUX_NFPOST_SMTP_H

#define NFPS_GENL_NAME		"nfpost_smtp"
#define NFPS_GENL_VERSION	1

#define NFPS_LIST_MAX		64
#define NFPS_NAME_MAX		255
#define NFPS_PORTS_MAX		8
#define NFPS_BUF_LEN		2048

enum nfps_cmd {
	NFPS_CMD_UNSPEC,
	NFPS_CMD_GET_CONFIG,
	NFPS_CMD_SET_CONFIG,
	NFPS_CMD_GET_STATS,
	NFPS_CMD_GET_FLOWS,
	NFPS_CMD_ADD_BLOCK,
	NFPS_CMD_DEL_BLOCK,
	NFPS_CMD_GET_BLOCKS,
	NFPS_CMD_SUBSCRIBE,
	NFPS_CMD_UNSUBSCRIBE,
	NFPS_CMD_EVENT,
	NFPS_CMD_GET_CACHE,
	NFPS_CMD_FLUSH_CACHE,

	__NFPS_CMD_MAX,
	NFPS_CMD_MAX = __NFPS_CMD_MAX - 1
};

enum nfps_rule {
	NFPS_RULE_UNSPEC,
	NFPS_RULE_RELAY,
	NFPS_RULE_PREGREET,
	NFPS_RULE_PIPELINING,
	NFPS_RULE_BARE_EOL,
	NFPS_RULE_RCPT_LIMIT,
	NFPS_RULE_SIZE,
	NFPS_RULE_CONN_LIMIT,
	NFPS_RULE_CONN_RATE,
	NFPS_RULE_MSG_RATE,
	NFPS_RULE_RCPT_RATE,
	NFPS_RULE_CLIENT,
	NFPS_RULE_HELO,
	NFPS_RULE_SENDER,
	NFPS_RULE_TCP,

	__NFPS_RULE_MAX,
	NFPS_RULE_MAX = __NFPS_RULE_MAX - 1
};

enum nfps_action {
	NFPS_ACT_UNSPEC,
	NFPS_ACT_LOG,
	NFPS_ACT_RESET,
	NFPS_ACT_BLOCK,

	__NFPS_ACT_MAX,
	NFPS_ACT_MAX = __NFPS_ACT_MAX - 1
};

/* NFPS_A_VERDICT: a pregreet verdict in the cache */
enum nfps_cache_verdict {
	NFPS_VERDICT_UNSPEC,
	NFPS_VERDICT_PASS,
	NFPS_VERDICT_FAIL,
};

/* NFPS_A_FLOW_FLAGS */
enum nfps_flow_flags {
	NFPS_FF_GREETED		= 1 << 0,	/* the server's 220 has ended */
	NFPS_FF_AUTHED		= 1 << 1,	/* a 235 answered AUTH */
	NFPS_FF_TLS		= 1 << 2,	/* STARTTLS: opaque */
	NFPS_FF_TRUSTED		= 1 << 3,	/* client in mynetworks */
	NFPS_FF_LOST		= 1 << 4,	/* no longer read (see PIPELINING) */
	NFPS_FF_DATA		= 1 << 5,	/* inside a message */
};

enum nfps_attr {
	NFPS_A_UNSPEC,
	NFPS_A_PAD,
	NFPS_A_ADDR,		/* binary, 4 or 16: in a prefix */
	NFPS_A_PREFIXLEN,	/* u8 */
	NFPS_A_PREFIX,		/* nest: ADDR, PREFIXLEN */
	NFPS_A_NAME,		/* string: in a list of names */
	NFPS_A_PORT,		/* u16: in NFPS_A_CFG_PORTS */

	/* configuration */
	NFPS_A_CFG_PORTS,		/* nest of PORT; default 25 */
	NFPS_A_CFG_MYNETWORKS,		/* nest of PREFIX */
	NFPS_A_CFG_LOCAL_DOMAINS,	/* nest of NAME */
	NFPS_A_CFG_RELAY_DOMAINS,	/* nest of NAME */
	NFPS_A_CFG_BLOCK_CLIENTS,	/* nest of PREFIX */
	NFPS_A_CFG_BLOCK_HELO,		/* nest of NAME */
	NFPS_A_CFG_BLOCK_SENDERS,	/* nest of NAME */
	NFPS_A_CFG_AUTH_RELAY,		/* u8 0/1, default 1 */
	NFPS_A_CFG_MAX_RCPT,		/* u32, default 0 (off) */
	NFPS_A_CFG_MAX_SIZE,		/* u32 bytes, default 0 (off) */
	NFPS_A_CFG_CONN_MAX,		/* u32, default 0 (off) */
	NFPS_A_CFG_CONN_RATE,		/* u32 per window, default 0 (off) */
	NFPS_A_CFG_MSG_RATE,		/* u32 per window, default 0 (off) */
	NFPS_A_CFG_RCPT_RATE,		/* u32 per window, default 0 (off) */
	NFPS_A_CFG_RATE_WINDOW_MS,	/* u32 100..86400000, default 60000 */
	NFPS_A_CFG_BLOCK_MS,		/* u32 1000..604800000, default 600000 */
	NFPS_A_CFG_MAX_FLOWS,		/* u32 16..1048576, default 65536 */
	NFPS_A_CFG_ACTIONS,		/* nest: type rule, u8 action */
	NFPS_A_CFG_TEASER_MS,		/* u32 0..60000, default 0 (off) */
	NFPS_A_CFG_PASS_TTL_MS,		/* u32 0..2592000000, default 86400000 */
	NFPS_A_CFG_FAIL_TTL_MS,		/* u32 0..2592000000, default 0 (off) */

	/* counters, all u64 */
	NFPS_A_STAT_PACKETS,		/* TCP segments of guarded ports seen */
	NFPS_A_STAT_FLOWS,		/* flows tracked now */
	NFPS_A_STAT_FLOWS_NEW,		/* flows started (SYN seen) */
	NFPS_A_STAT_FLOWS_EVICTED,	/* oldest flow evicted for room */
	NFPS_A_STAT_HOSTS,		/* client addresses tracked now */
	NFPS_A_STAT_HOSTS_EVICTED,
	NFPS_A_STAT_UNTRACKED,		/* segments of flows not followed */
	NFPS_A_STAT_RETRANSMITS,	/* segments with bytes already read */
	NFPS_A_STAT_REORDERED,		/* segments held ahead of a gap */
	NFPS_A_STAT_WINDOW_DROPS,	/* past the per-flow buffer: dropped */
	NFPS_A_STAT_TCP_MALFORMED,	/* bad header, checksum, fragment */
	NFPS_A_STAT_SMTP_MALFORMED,	/* long lines, bad reply lines */
	NFPS_A_STAT_OPAQUE,		/* flows gone opaque (TLS, lost) */
	NFPS_A_STAT_RESETS_SENT,	/* TCP resets sent (two per reset) */
	NFPS_A_STAT_BLOCKED_DROPS,	/* SYNs of blocked clients dropped */
	NFPS_A_STAT_NOMEM,		/* buffers or flows not allocated */
	NFPS_A_STAT_EVENTS,
	NFPS_A_STAT_EVENTS_DROPPED,
	NFPS_A_STAT_TEASER_HOLDS,	/* greeting segments held back */
	NFPS_A_STAT_CACHE_PASS,		/* SYNs let past the teaser: cached */
	NFPS_A_STAT_CACHE_FAIL,		/* SYNs judged on a cached failure */
	NFPS_A_STAT_RULES,		/* nest: type rule, u64 */
	NFPS_A_STAT_ACTIONS,		/* nest: type action, u64 */

	/* flows, blocks, events */
	NFPS_A_CLIENT,			/* binary, 4 or 16 */
	NFPS_A_CLIENT_PORT,		/* u16 */
	NFPS_A_SERVER,			/* binary, 4 or 16 */
	NFPS_A_SERVER_PORT,		/* u16 */
	NFPS_A_FLOW_FLAGS,		/* u32, NFPS_FF_* */
	NFPS_A_RCPTS,			/* u32 */
	NFPS_A_SIZE,			/* u64 */
	NFPS_A_AGE_MS,			/* u64 */
	NFPS_A_REMAINING_MS,		/* u64 */
	NFPS_A_TIME,			/* u64 */
	NFPS_A_NETNS,			/* u32 */
	NFPS_A_RULE,			/* u8, enum nfps_rule */
	NFPS_A_ACTION,			/* u8, enum nfps_action */
	NFPS_A_COMMAND,			/* string, escaped */
	NFPS_A_VALUE,			/* u64 */
	NFPS_A_VERDICT,			/* u8, enum nfps_cache_verdict */

	__NFPS_A_MAX,
	NFPS_A_MAX = __NFPS_A_MAX - 1
};

#endif /* _UAPI_LINUX_NFPOST_SMTP_H */
