/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One direction's bytes of a flow that the reader has not consumed: a
 * partial line, and segments that came ahead of a gap. A window of
 * NFPS_BUF_LEN bytes from the reader's next byte.
 */
#ifndef NFPOST_SMTP_RBUF_H
#define NFPOST_SMTP_RBUF_H

#include <linux/bitmap.h>
#include <linux/skbuff.h>
#include <linux/types.h>
#include <linux/nfpost_smtp.h>

struct nfps_rbuf {
	u32 contig;		/* bytes present from data[0] on */
	u32 held;		/* bytes present in all */
	DECLARE_BITMAP(have, NFPS_BUF_LEN);
	u8 data[NFPS_BUF_LEN];
};

enum nfps_rbuf_res {
	NFPS_RB_OK,		/* stored */
	NFPS_RB_OLD,		/* every byte was read already */
	NFPS_RB_WINDOW,		/* ends past the window: not stored */
	NFPS_RB_MISMATCH,	/* rewrites held bytes with others */
	NFPS_RB_NOMEM,
};

/*
 * Stores @len payload bytes of @skb at @off, sequence @seq, in *@rbp
 * (allocated if NULL) given the reader's next byte @base. *@ahead is set if
 * the bytes went past a gap.
 */
enum nfps_rbuf_res nfps_rbuf_store(struct nfps_rbuf **rbp, u32 base, u32 seq,
				   const struct sk_buff *skb, int off, u32 len,
				   bool *ahead);
/* Drops the first @n bytes (the reader consumed them). */
void nfps_rbuf_consume(struct nfps_rbuf *rb, u32 n);
/* Frees *@rbp if it holds nothing. */
void nfps_rbuf_trim(struct nfps_rbuf **rbp);

#endif /* NFPOST_SMTP_RBUF_H */
