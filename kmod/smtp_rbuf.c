// SPDX-License-Identifier: GPL-2.0
/*
 * Reassembly of one direction of a flow, for in-order reading: retransmitted
 * bytes already read are skipped, bytes ahead of a gap are held until it
 * fills, and a segment that would change bytes already held is refused (the
 * server might keep either copy: the guard must read what it reads).
 */
#include <linux/slab.h>

#include "smtp_rbuf.h"

static void recount(struct nfps_rbuf *rb)
{
	rb->contig = find_first_zero_bit(rb->have, NFPS_BUF_LEN);
}

/* Bytes [from, from + n) of the skb against what is held: any difference? */
static bool differs(const struct nfps_rbuf *rb, const struct sk_buff *skb,
		    int off, u32 from, u32 n)
{
	u8 tmp[64];
	u32 i, k, chunk;

	for (i = 0; i < n; i += chunk) {
		chunk = min_t(u32, n - i, sizeof(tmp));
		if (skb_copy_bits(skb, off + i, tmp, chunk))
			return true;
		for (k = 0; k < chunk; k++)
			if (test_bit(from + i + k, rb->have) &&
			    rb->data[from + i + k] != tmp[k])
				return true;
	}
	return false;
}

enum nfps_rbuf_res nfps_rbuf_store(struct nfps_rbuf **rbp, u32 base, u32 seq,
				   const struct sk_buff *skb, int off, u32 len,
				   bool *ahead)
{
	s32 rel = (s32)(seq - base);
	struct nfps_rbuf *rb = *rbp;
	u32 skip = 0, from, n;

	*ahead = false;
	if (rel < 0) {
		if ((u32)-rel >= len)
			return NFPS_RB_OLD;
		skip = -rel;
		rel = 0;
	}
	from = rel;
	n = len - skip;
	if (from + n > NFPS_BUF_LEN)
		return NFPS_RB_WINDOW;
	if (!rb) {
		rb = kmalloc(sizeof(*rb), GFP_ATOMIC);
		if (!rb)
			return NFPS_RB_NOMEM;
		rb->contig = 0;
		rb->held = 0;
		bitmap_zero(rb->have, NFPS_BUF_LEN);
		*rbp = rb;
	}
	if (rb->held && differs(rb, skb, off + skip, from, n))
		return NFPS_RB_MISMATCH;
	if (skb_copy_bits(skb, off + skip, rb->data + from, n))
		return NFPS_RB_WINDOW;
	*ahead = from > rb->contig;
	bitmap_set(rb->have, from, n);
	rb->held = bitmap_weight(rb->have, NFPS_BUF_LEN);
	recount(rb);
	return NFPS_RB_OK;
}

void nfps_rbuf_consume(struct nfps_rbuf *rb, u32 n)
{
	if (WARN_ON_ONCE(n > rb->contig))
		n = rb->contig;
	if (!n)
		return;
	memmove(rb->data, rb->data + n, NFPS_BUF_LEN - n);
	bitmap_shift_right(rb->have, rb->have, n, NFPS_BUF_LEN);
	rb->held -= n;
	recount(rb);
}

void nfps_rbuf_trim(struct nfps_rbuf **rbp)
{
	if (*rbp && !(*rbp)->held) {
		kfree(*rbp);
		*rbp = NULL;
	}
}
