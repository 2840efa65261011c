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

int mx_lookup(const char *domain, char *host, size_t size)
{
	unsigned char answer[NS_PACKETSZ * 4];
	int len, ret;

	len = res_query(domain, ns_c_in, ns_t_mx, answer, sizeof(answer));
	if (len < 0) {
		if (h_errno != HOST_NOT_FOUND && h_errno != NO_DATA)
			return -EAGAIN;
		len = 0;
	}
	ret = len ? mx_pick(answer, len, host, size) : -ENOENT;
	if (ret != -ENOENT)
		return ret;
	/* No MX: the domain's own address records are the exchange. */
	if (strlen(domain) >= size)
		return -ENAMETOOLONG;
	strcpy(host, domain);
	return 0;
}
