/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Addresses in nfpostd's configuration: network prefixes ("10.0.0.0/8",
 * "::1/128") to match clients against, and "host:port" listen addresses.
 */
#ifndef NFPOSTD_NETADDR_H
#define NFPOSTD_NETADDR_H

#include <stdbool.h>
#include <netinet/in.h>
#include <sys/socket.h>

struct netaddr_prefix {
	int family;		/* AF_INET or AF_INET6 */
	unsigned char addr[16];
	int len;		/* prefix length in bits */
};

/* "a.b.c.d[/n]" or "v6[/n]"; no length means a host. */
int netaddr_prefix_parse(const char *s, struct netaddr_prefix *p);
/* An IPv4-mapped IPv6 client matches IPv4 prefixes. */
bool netaddr_prefix_match(const struct netaddr_prefix *p,
			  const struct sockaddr *sa);
/* "a.b.c.d:port", "[v6]:port" or ":port" / "port" (all addresses). */
int netaddr_listen_parse(const char *s, struct sockaddr_storage *ss,
			 socklen_t *len_r);
/* The address of @sa as text, without port, into @buf. */
const char *netaddr_ntop(const struct sockaddr *sa, char *buf, size_t len);

#endif /* NFPOSTD_NETADDR_H */
