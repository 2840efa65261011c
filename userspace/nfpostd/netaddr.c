// SPDX-License-Identifier: GPL-2.0
/*
 * Network prefixes and listen addresses of nfpostd's configuration.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netaddr.h"

int netaddr_prefix_parse(const char *s, struct netaddr_prefix *p)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	long len;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	memset(p, 0, sizeof(*p));
	if (inet_pton(AF_INET, buf, p->addr) == 1) {
		p->family = AF_INET;
		p->len = 32;
	} else if (inet_pton(AF_INET6, buf, p->addr) == 1) {
		p->family = AF_INET6;
		p->len = 128;
	} else {
		return -EINVAL;
	}
	if (!slash)
		return 0;
	errno = 0;
	len = strtol(slash, &end, 10);
	if (!*slash || *end || errno || len < 0 || len > p->len)
		return -EINVAL;
	p->len = (int)len;
	return 0;
}

static bool bits_equal(const unsigned char *a, const unsigned char *b,
		       int bits)
{
	int bytes = bits / 8, rest = bits % 8;
	unsigned char mask;

	if (memcmp(a, b, bytes))
		return false;
	if (!rest)
		return true;
	mask = (unsigned char)(0xff << (8 - rest));
	return (a[bytes] & mask) == (b[bytes] & mask);
}

bool netaddr_prefix_match(const struct netaddr_prefix *p,
			  const struct sockaddr *sa)
{
	const struct sockaddr_in6 *s6 = (const void *)sa;
	const struct sockaddr_in *s4 = (const void *)sa;

	if (sa->sa_family == AF_INET && p->family == AF_INET)
		return bits_equal(p->addr, (const void *)&s4->sin_addr, p->len);
	if (sa->sa_family != AF_INET6)
		return false;
	if (p->family == AF_INET6)
		return bits_equal(p->addr, s6->sin6_addr.s6_addr, p->len);
	return IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr) &&
	       bits_equal(p->addr, s6->sin6_addr.s6_addr + 12, p->len);
}

static int port_parse(const char *s, in_port_t *port)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < 1 || v > 65535)
		return -EINVAL;
	*port = htons((in_port_t)v);
	return 0;
}

int netaddr_listen_parse(const char *s, struct sockaddr_storage *ss,
			 socklen_t *len_r)
{
	struct sockaddr_in6 *s6 = (void *)ss;
	struct sockaddr_in *s4 = (void *)ss;
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(s, ':');
	size_t hlen;

	memset(ss, 0, sizeof(*ss));
	if (!colon) {
		colon = s - 1;	/* a bare port */
		hlen = 0;
	} else {
		hlen = (size_t)(colon - s);
	}
	if (hlen >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
		host[hlen - 1] = '\0';
		s6->sin6_family = AF_INET6;
		*len_r = sizeof(*s6);
		if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1)
			return -EINVAL;
		return port_parse(colon + 1, &s6->sin6_port);
	}
	s4->sin_family = AF_INET;
	*len_r = sizeof(*s4);
	if (hlen && inet_pton(AF_INET, host, &s4->sin_addr) != 1)
		return -EINVAL;
	return port_parse(colon + 1, &s4->sin_port);
}

const char *netaddr_ntop(const struct sockaddr *sa, char *buf, size_t len)
{
	const struct sockaddr_in6 *s6 = (const void *)sa;
	const struct sockaddr_in *s4 = (const void *)sa;

	if (sa->sa_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
		return inet_ntop(AF_INET, s6->sin6_addr.s6_addr + 12, buf,
				 (socklen_t)len);
	if (sa->sa_family == AF_INET6)
		return inet_ntop(AF_INET6, &s6->sin6_addr, buf, (socklen_t)len);
	if (sa->sa_family == AF_INET)
		return inet_ntop(AF_INET, &s4->sin_addr, buf, (socklen_t)len);
	snprintf(buf, len, "unknown");
	return buf;
}
