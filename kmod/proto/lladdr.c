// SPDX-License-Identifier: GPL-2.0
/*
 * Link-layer address history. The classification mirrors arpwatch:
 *
 *   address == current                        -> same
 *   address == previous, previous seen within
 *              the flip-flop window           -> flip flop
 *   address == previous (too long ago), or
 *              any older one in the history   -> reused old ethernet address
 *   otherwise                                 -> changed ethernet address
 */
#include "lladdr.h"

static int find(const struct nfpost_lladdr_hist *h, const u8 *addr)
{
	int i;

	for (i = 0; i < h->n; i++)
		if (!memcmp(h->slot[i].addr, addr, ETH_ALEN))
			return i;
	return -1;
}

enum nfpost_lladdr_verdict
nfpost_lladdr_classify(const struct nfpost_lladdr_hist *h, const u8 *addr,
		       u64 now, u64 flipflop_ns)
{
	int i;

	if (!h->n)
		return NFPOST_LL_NEW;
	i = find(h, addr);
	if (i == 0)
		return NFPOST_LL_SAME;
	if (i < 0)
		return NFPOST_LL_CHANGED;
	if (i == 1 && now - h->slot[1].last_seen <= flipflop_ns)
		return NFPOST_LL_FLIP_FLOP;
	return NFPOST_LL_REUSED;
}

/* Moves @addr to the front, keeping the others in order of use. */
void nfpost_lladdr_record(struct nfpost_lladdr_hist *h, const u8 *addr,
			  u64 now)
{
	int i = find(h, addr);

	if (i < 0) {
		if (h->n < NFPOST_LLADDR_HIST)
			h->n++;
		i = h->n - 1;
	}
	memmove(&h->slot[1], &h->slot[0], i * sizeof(h->slot[0]));
	memcpy(h->slot[0].addr, addr, ETH_ALEN);
	h->slot[0].last_seen = now;
}
