/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The next hop of a domain without a transport entry: its MX host of
 * lowest preference, or the domain itself when it has no MX (RFC 5321 5.1).
 */
#ifndef NFPOSTD_MX_H
#define NFPOSTD_MX_H

#include <stddef.h>

/*
 * Parses a DNS answer @msg of @len bytes to an MX query: the exchange of
 * lowest preference into @host. -ENOENT if it holds no MX record.
 */
int mx_pick(const unsigned char *msg, int len, char *host, size_t size);
/* Asks the resolver (blocking). -EAGAIN when it cannot tell now. */
int mx_lookup(const char *domain, char *host, size_t size);

#endif /* NFPOSTD_MX_H */
