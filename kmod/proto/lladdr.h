/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The short history of link-layer addresses one IPv4 address has used, and
 * arpwatch's classification of a new one against it.
 */
#ifndef NFPOST_PROTO_LLADDR_H
#define NFPOST_PROTO_LLADDR_H

#include "compat.h"

#define NFPOST_LLADDR_HIST	4

struct nfpost_lladdr_slot {
	u8 addr[ETH_ALEN];
	u64 last_seen;		/* ns, any monotonic clock */
};

/* slot[0] is the current address, slot[1] the previous one, and so on. */
struct nfpost_lladdr_hist {
	u8 n;
	struct nfpost_lladdr_slot slot[NFPOST_LLADDR_HIST];
};

enum nfpost_lladdr_verdict {
	NFPOST_LL_NEW,		/* no address yet */
	NFPOST_LL_SAME,
	NFPOST_LL_CHANGED,	/* never seen before for this IPv4 address */
	NFPOST_LL_FLIP_FLOP,	/* the previous one, seen within the window */
	NFPOST_LL_REUSED,	/* an older one, or the previous one long ago */
};

enum nfpost_lladdr_verdict
nfpost_lladdr_classify(const struct nfpost_lladdr_hist *h, const u8 *addr,
		       u64 now, u64 flipflop_ns);
void nfpost_lladdr_record(struct nfpost_lladdr_hist *h, const u8 *addr,
			  u64 now);

#endif /* NFPOST_PROTO_LLADDR_H */
