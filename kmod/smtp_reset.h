/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TCP resets of the guard's own making, to either end of a flow: sent from
 * the other end's address and port, with the sequence number the receiver
 * expects, so that it closes at once.
 */
#ifndef NFPOST_SMTP_RESET_H
#define NFPOST_SMTP_RESET_H

#include <net/net_namespace.h>

#include "smtp_cfg.h"

struct nfps_rst {
	struct nfps_addr saddr;
	struct nfps_addr daddr;
	__be16 sport;
	__be16 dport;
	u32 seq;
	u32 ack;
};

/* 0 or -errno (no route, no memory). Not under the table lock: it loops. */
int nfps_reset_send(struct net *net, const struct nfps_rst *r);

#endif /* NFPOST_SMTP_RESET_H */
