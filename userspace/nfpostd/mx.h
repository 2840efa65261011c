/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The next hops of a domain without a transport entry: its MX hosts from
 * the lowest preference up, or the domain itself when it has no MX
 * (RFC 5321 5.1).
 */
#ifndef NFPOSTD_MX_H
#define NFPOSTD_MX_H

#include <stddef.h>

/*
 * Parses a DNS answer @msg of @len bytes to an MX query: the exchange of
 * lowest preference into @host. -ENOENT if it holds no MX record.
 */
int mx_pick(const unsigned char *msg, int len, char *host, size_t size);
/* A host name as mx_pick_all() and mx_lookup() give it. */
#define MX_HOST_MAX	256
/*
 * The same answer's exchanges, lowest preference first (ties in answer
 * order), at most @max of them: how many, or -ENOENT/-EINVAL as
 * mx_pick(). A name too long for MX_HOST_MAX is skipped.
 */
int mx_pick_all(const unsigned char *msg, int len, char (*hosts)[MX_HOST_MAX],
		int max);
/*
 * Asks the resolver (blocking): up to @max next hops of @domain, best
 * first; how many, or -EAGAIN when it cannot tell now.
 */
int mx_lookup(const char *domain, char (*hosts)[MX_HOST_MAX], int max);

#endif /* NFPOSTD_MX_H */
