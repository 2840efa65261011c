/* SPDX-License-Identifier: GPL-2.0 */
/* RARP observation (RFC 903): see watch_rarp.c. */
#ifndef NFPOST_WATCH_RARP_H
#define NFPOST_WATCH_RARP_H

#include "watch_arp.h"

struct nfpost_watch_net;

/* @p->arp as nfpost_rarp_parse() filled it. */
void nfpost_rarp_observe(struct nfpost_watch_net *wn,
			 const struct nfpost_arp_pkt *p);

#endif /* NFPOST_WATCH_RARP_H */
