// SPDX-License-Identifier: GPL-2.0
/*
 * MX lookup with the system resolver (libresolv). It blocks: the relay
 * calls it from a worker thread, never from the event loop. Tests use the
 * transport map, never DNS.
 */
#include <arpa/nameser.h>
#include <errno.h>
#include <netdb.h>
#include <resolv.h>
#include <stdio.h>
#include <string.h>

#include "mx.h"

int mx_pick(const unsigned char *msg, int len, char *host, size_t size)
{
	int i, n, best = -1, pref, ret = -ENOENT;
	char name[NS_MAXDNAME];
	ns_msg handle;
	ns_rr rr;

	if (ns_initparse(msg, len, &handle))
		return -EINVAL;
	n = ns_msg_count(handle, ns_s_an);
	for (i = 0; i < n; i++) {
		if (ns_parserr(&handle, ns_s_an, i, &rr))
			return -EINVAL;
		if (ns_rr_type(rr) != ns_t_mx || ns_rr_rdlen(rr) < 3)
			continue;
		pref = ns_get16(ns_rr_rdata(rr));
		if (best >= 0 && pref >= best)
			continue;
		if (dn_expand(ns_msg_base(handle), ns_msg_end(handle),
			      ns_rr_rdata(rr) + 2, name, sizeof(name)) < 0)
			return -EINVAL;
		best = pref;
		/* Too long matters only if no better one comes later. */
		ret = strlen(name) < size ? 0 : -ENAMETOOLONG;
		if (!ret)
			strcpy(host, name);
	}
	return ret;
}

/* Inserted after those of lower or equal preference: a stable order. */
static int insert(char (*hosts)[MX_HOST_MAX], int *prefs, int n, int max,
		  int pref, const char *name)
{
	int at = n;

	while (at > 0 && prefs[at - 1] > pref)
		at--;
	if (at >= max)
		return n;
	if (n == max)
		n--;	/* the worst one falls off */
	memmove(hosts + at + 1, hosts + at, (size_t)(n - at) * sizeof(*hosts));
	memmove(prefs + at + 1, prefs + at, (size_t)(n - at) * sizeof(*prefs));
	strcpy(hosts[at], name);
	prefs[at] = pref;
	return n + 1;
}

int mx_pick_all(const unsigned char *msg, int len, char (*hosts)[MX_HOST_MAX],
		int max)
{
	int i, n, found = 0, prefs[max > 0 ? max : 1];
	char name[NS_MAXDNAME];
	ns_msg handle;
	ns_rr rr;

	if (max <= 0 || ns_initparse(msg, len, &handle))
		return -EINVAL;
	n = ns_msg_count(handle, ns_s_an);
	for (i = 0; i < n; i++) {
		if (ns_parserr(&handle, ns_s_an, i, &rr))
			return -EINVAL;
		if (ns_rr_type(rr) != ns_t_mx || ns_rr_rdlen(rr) < 3)
			continue;
		if (dn_expand(ns_msg_base(handle), ns_msg_end(handle),
			      ns_rr_rdata(rr) + 2, name, sizeof(name)) < 0)
			return -EINVAL;
		if (strlen(name) < MX_HOST_MAX)
			found = insert(hosts, prefs, found, max,
				       ns_get16(ns_rr_rdata(rr)), name);
	}
	return found ? found : -ENOENT;
}

int mx_lookup(const char *domain, char (*hosts)[MX_HOST_MAX], int max)
{
	unsigned char answer[NS_PACKETSZ * 4];
	int len, ret;

	len = res_query(domain, ns_c_in, ns_t_mx, answer, sizeof(answer));
	if (len < 0) {
		if (h_errno != HOST_NOT_FOUND && h_errno != NO_DATA)
			return -EAGAIN;
		len = 0;
	}
	ret = len ? mx_pick_all(answer, len, hosts, max) : -ENOENT;
	if (ret != -ENOENT)
		return ret;
	/* No MX: the domain's own address records are the exchange. */
	if (strlen(domain) >= MX_HOST_MAX || max < 1)
		return -ENAMETOOLONG;
	strcpy(hosts[0], domain);
	return 1;
}
