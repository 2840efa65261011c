/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What in a message's header looks forged: the analysis behind
 * `nfpost mail trace`. I/O-free: the caller gives the parsed Received:
 * chain, a few other fields and the time now, and prints the findings.
 */
#ifndef NFPOST_TRACE_CHECK_H
#define NFPOST_TRACE_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "received.h"

#define TRACE_DOMAIN_MAX	255
#define TRACE_AUTH_MAX		8	/* Authentication-Results: kept */
#define TRACE_AUTH_METHODS	6	/* method=result pairs kept from each */
#define TRACE_FINDINGS_MAX	64
#define TRACE_TEXT_MAX		600

/* Two hosts' clocks may disagree by this much before a date is suspect. */
#define TRACE_CLOCK_SKEW	300

/* One Authentication-Results: field (RFC 8601), as far as it is shown. */
struct trace_auth {
	char authserv[TRACE_DOMAIN_MAX + 1];
	struct {
		char method[16];	/* spf, dkim, dmarc, arc, ... */
		char result[16];	/* pass, fail, softfail, none, ... */
	} m[TRACE_AUTH_METHODS];
	size_t n;
};

/*
 * The header fields besides Received: that the analysis reads. Domains
 * are lower-cased, "" when the field is absent or holds no address.
 */
struct trace_header {
	char from[TRACE_DOMAIN_MAX + 1];
	char reply_to[TRACE_DOMAIN_MAX + 1];
	char return_path[TRACE_DOMAIN_MAX + 1];
	char msgid_host[TRACE_DOMAIN_MAX + 1];	/* after the '@' of Message-ID */
	bool has_msgid;
	struct trace_auth auth[TRACE_AUTH_MAX];
	size_t n_auth;
};

struct trace_finding {
	size_t hop;		/* 1 = oldest, as printed; 0 = the message */
	const char *kind;	/* "broken-chain", "bad-date", ... */
	bool suspect;		/* false: worth knowing, not a sign of forgery */
	char text[TRACE_TEXT_MAX];
};

struct trace_report {
	struct trace_finding f[TRACE_FINDINGS_MAX];
	size_t n;
	size_t suspects;
	/*
	 * The oldest hop written by the receiving side's own organisation:
	 * its from and ip are what that side saw itself. Everything older is
	 * what other hosts claim. 0 when there is no hop.
	 */
	size_t trusted;
};

/* Fills @h from one header field; fields it does not read are ignored. */
void trace_check_field(struct trace_header *h, const char *name,
		       const char *value, size_t len);

/*
 * Checks the chain @v of @n hops, newest first as in the header, against
 * itself, @h and @now, into @rep.
 */
void trace_check(const struct received *v, size_t n,
		 const struct trace_header *h, time_t now,
		 struct trace_report *rep);

/* The organisation's domain of @host ("mx.a.example.co.uk" -> ...). */
const char *trace_org(const char *host, char *buf, size_t len);

#endif /* NFPOST_TRACE_CHECK_H */
