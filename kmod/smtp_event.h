/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Violation events: built where the violation is found (under the table
 * lock, GFP_ATOMIC), queued, and delivered once the lock is released.
 */
#ifndef NFPOST_SMTP_EVENT_H
#define NFPOST_SMTP_EVENT_H

#include <linux/skbuff.h>

#include "smtp_flow.h"

struct nfps_net;

struct nfps_event {
	u8 rule;
	u8 action;
	const struct nfps_key *key;
	const u8 *cmd;		/* raw bytes of the offending line, or NULL */
	size_t cmd_len;
	u64 value;
	bool has_value;
};

/* Builds @ev onto @q if anyone listens; a failure is counted as lost. */
void nfps_event_queue(struct nfps_net *sn, const struct nfps_event *ev,
		      struct sk_buff_head *q);
void nfps_event_flush(struct nfps_net *sn, struct sk_buff_head *q);
void nfps_event_enable(bool on);
bool nfps_event_wanted(const struct nfps_net *sn);
int nfps_put_addr(struct sk_buff *skb, int attr, const struct nfps_addr *a);

#endif /* NFPOST_SMTP_EVENT_H */
