/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guard: one TCP segment of a guarded port against its flow, its
 * client and the policy. Called by the hooks with the table lock held; what
 * it decides (drop, resets, events) is carried out after the lock is gone.
 */
#ifndef NFPOST_SMTP_GUARD_H
#define NFPOST_SMTP_GUARD_H

#include <linux/skbuff.h>

#include "smtp_cfg.h"
#include "smtp_flow.h"
#include "smtp_reset.h"

struct nfps_net;

/* A TCP segment as the hooks parsed it. */
struct nfps_seg {
	struct sk_buff *skb;		/* read only */
	struct nfps_key key;
	int dir;		/* NFPS_C2S or NFPS_S2C */
	u32 seq;
	u32 ack;
	int off;		/* payload offset in the skb */
	u32 len;		/* payload length */
	bool syn, ack_flag, fin, rst;
};

struct nfps_verdict {
	bool drop;
	int nrst;		/* resets to send */
	struct nfps_rst rst[2];
	struct sk_buff_head events;
};

void nfps_guard_segment(struct nfps_net *sn, const struct nfps_cfg *cfg,
			const struct nfps_seg *seg, struct nfps_verdict *v);

#endif /* NFPOST_SMTP_GUARD_H */
