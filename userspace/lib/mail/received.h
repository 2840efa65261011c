/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The value of a Received: field (RFC 5321 4.4 Time-stamp-line, RFC 5322
 * 3.6.7) as MTAs really write it: who handed the message to whom, how, and
 * when.
 */
#ifndef NFPOST_RECEIVED_H
#define NFPOST_RECEIVED_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define RECEIVED_HOST_MAX	255	/* a domain, RFC 5321 4.5.3.1.2 */
#define RECEIVED_IP_MAX		45	/* INET6_ADDRSTRLEN - 1 */
#define RECEIVED_WORD_MAX	255	/* protocol, id, for */

/*
 * Each string is "" when absent, and cut to its size when longer. Nothing
 * is checked but @ip (a valid IPv4 or IPv6 address) and @time.
 */
struct received {
	/* The FROM clause's domain or address literal, as written. */
	char from[RECEIVED_HOST_MAX + 1];
	/*
	 * From FROM's comment, "(rdns [ip])": the name the receiver found for
	 * the client's address ("unknown" when none), as written.
	 */
	char rdns[RECEIVED_HOST_MAX + 1];
	/* Exim's "helo=NAME" or qmail's "(HELO NAME)" in FROM's comment. */
	char helo[RECEIVED_HOST_MAX + 1];
	/*
	 * The client's address: in brackets in FROM's comment (an "IPv6:"
	 * prefix dropped), else a comment that is only an address (Exchange,
	 * qmail), else FROM's own address literal.
	 */
	char ip[RECEIVED_IP_MAX + 1];
	char by[RECEIVED_HOST_MAX + 1];		/* the receiving host */
	/*
	 * WITH's protocol (ESMTPS, LMTP, ...; upper-cased when one word, as
	 * the names are case-insensitive) up to the next comment or clause:
	 * Exchange writes "Microsoft SMTP Server".
	 */
	char with[RECEIVED_WORD_MAX + 1];
	char id[RECEIVED_WORD_MAX + 1];		/* the queue id */
	char for_addr[RECEIVED_WORD_MAX + 1];	/* FOR's path */
	time_t time;				/* the date-time, UTC */
	bool has_time;
};

/*
 * Parses @len bytes of @value, an unfolded Received: value. The clauses are
 * read leniently (any order, unknown words and comments skipped, nested
 * comments allowed) and always filled; the date-time after the last ';'
 * outside comments must be valid (rfc5322_date()), else -EINVAL with
 * @has_time false.
 */
int received_parse(const char *value, size_t len, struct received *r);

#endif /* NFPOST_RECEIVED_H */
