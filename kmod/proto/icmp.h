/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ICMP for IPv4 (RFC 792): parse an ICMP message, and the packet an error
 * message quotes, from bytes copied out of a packet.
 */
#ifndef NFPOST_PROTO_ICMP_H
#define NFPOST_PROTO_ICMP_H

#include "compat.h"
#include "ipv4.h"

#define NFPOST_ICMP_HDR_LEN	8

enum {
	NFPOST_ICMP_ECHOREPLY = 0,
	NFPOST_ICMP_DEST_UNREACH = 3,
	NFPOST_ICMP_SOURCE_QUENCH = 4,
	NFPOST_ICMP_REDIRECT = 5,
	NFPOST_ICMP_ECHO = 8,
	NFPOST_ICMP_TIME_EXCEEDED = 11,
	NFPOST_ICMP_PARAMETERPROB = 12,
};

/* Enough of a packet for its IPv4 header, ICMP header and a quoted header. */
#define NFPOST_ICMP_COPY_LEN	(NFPOST_IPV4_MAX_LEN + NFPOST_ICMP_HDR_LEN + \
				 NFPOST_IPV4_MAX_LEN + 8)

struct nfpost_icmp {
	u8 type;
	u8 code;
	u16 id;			/* echo, host order */
	u16 seq;		/* echo, host order */
	__be32 gateway;		/* redirect */
	bool has_orig;		/* an error: the quoted header below is valid */
	struct nfpost_ipv4 orig;
};

/* @buf holds the ICMP message, @len bytes of it (may be cut by the copy). */
int nfpost_icmp_parse(const void *buf, size_t len, struct nfpost_icmp *icmp);

/*
 * Whole packet: @len bytes of the IPv4 packet in @buf, @avail in the packet.
 * Returns 0 with *@is_icmp false for a packet that is not ICMP or not the
 * first fragment (no ICMP header to read).
 */
int nfpost_icmp_parse_packet(const void *buf, size_t len, size_t avail,
			     struct nfpost_ipv4 *ip, struct nfpost_icmp *icmp,
			     bool *is_icmp);

static inline bool nfpost_icmp_is_error(u8 type)
{
	return type == NFPOST_ICMP_DEST_UNREACH ||
	       type == NFPOST_ICMP_SOURCE_QUENCH ||
	       type == NFPOST_ICMP_REDIRECT ||
	       type == NFPOST_ICMP_TIME_EXCEEDED ||
	       type == NFPOST_ICMP_PARAMETERPROB;
}

/* The first bytes nfpost_icmp_plain() decides on. */
#define NFPOST_ICMP_PLAIN_LEN	(NFPOST_IPV4_MIN_LEN + NFPOST_ICMP_HDR_LEN)

/*
 * The common case, decided from the first NFPOST_ICMP_PLAIN_LEN bytes of a
 * packet of @avail bytes: a 20-byte IPv4 header whose lengths fit, not a
 * later fragment, carrying an ICMP message that is not an error. True only
 * where nfpost_icmp_parse_packet() would return 0 with *is_icmp set (the unit
 * test and the fuzzer check it), so a caller that only counts can skip the
 * full parse. False says nothing: parse it all.
 */
static inline bool nfpost_icmp_plain(const u8 *p, size_t avail)
{
	size_t tot_len = (size_t)(p[2] << 8 | p[3]);

	return p[0] == 0x45 && p[9] == NFPOST_IPPROTO_ICMP &&
	       tot_len >= NFPOST_ICMP_PLAIN_LEN && tot_len <= avail &&
	       ((p[6] & 0x1f) | p[7]) == 0 &&
	       !nfpost_icmp_is_error(p[NFPOST_IPV4_MIN_LEN]);
}

#endif /* NFPOST_PROTO_ICMP_H */
