/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The DNS lookups of the SPF, DKIM and DMARC checks, made in the workers
 * (they block): glibc's resolver pointed at [server] resolver with
 * dns_timeout, behind a cache that every worker shares.
 */
#ifndef NFPOSTD_DNS_H
#define NFPOSTD_DNS_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

/* The largest answer kept: EDNS0's payload as glibc asks for it. */
#define DNS_ANSWER_MAX	4096

/*
 * Asks for @type (ns_t_txt, ...) records of @name: the answer's length in
 * @ans, or -ENOENT (no such name), -ENODATA (no such record), -EAGAIN (no
 * answer in time, SERVFAIL: a temporary error, never cached).
 */
int dns_query(const struct conf *c, const char *name, int type,
	      unsigned char *ans, size_t len);

/*
 * Calls @fn for each answer record of @type in @ans, with its data (TXT:
 * the strings joined; MX, PTR, CNAME: the name, NUL-terminated; A, AAAA:
 * the address) and its TTL. Stops at @fn's nonzero return and returns it;
 * -EINVAL for an answer that does not parse.
 */
int dns_each(const unsigned char *ans, int len, int type,
	     int (*fn)(void *ctx, const void *data, size_t n, uint32_t ttl),
	     void *ctx);

/* The cache's counters (dns.c), for tests and logs. */
struct dns_stats {
	unsigned long hits, misses, evictions;
};
void dns_stats(struct dns_stats *st);

#endif /* NFPOSTD_DNS_H */
