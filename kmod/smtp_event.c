// SPDX-License-Identifier: GPL-2.0
/*
 * Builds NFPS_CMD_EVENT messages in the packet path and hands them to the
 * subscribers: nothing built without one, every loss counted.
 */
#include <net/genetlink.h>

#include "smtp_event.h"
#include "smtp_net.h"
#include "smtp_netlink.h"
#include "smtp_subs.h"
#include "smtpg.h"

/* Cleared, then a grace period waited for, before the family goes. */
static bool events_on __read_mostly;

/* The escaped command: 255 characters at most (uapi header). */
#define CMD_ESC_MAX	256
#define EVENT_SIZE	(512 + CMD_ESC_MAX)

void nfps_event_enable(bool on)
{
	WRITE_ONCE(events_on, on);
}

bool nfps_event_wanted(const struct nfps_net *sn)
{
	return READ_ONCE(events_on) && !nfpost_subs_empty(&sn->subs);
}

int nfps_put_addr(struct sk_buff *skb, int attr, const struct nfps_addr *a)
{
	if (nfps_addr_is_v4(a))
		return nla_put(skb, attr, 4, &a->a.s6_addr32[3]);
	return nla_put(skb, attr, 16, &a->a);
}

static int put_cmd(struct sk_buff *skb, const struct nfps_event *ev)
{
	char esc[CMD_ESC_MAX];

	smtpg_escape(ev->cmd, ev->cmd_len, esc, sizeof(esc));
	return nla_put_string(skb, NFPS_A_COMMAND, esc);
}

static int fill(struct sk_buff *skb, struct nfps_net *sn,
		const struct nfps_event *ev)
{
	const struct nfps_key *k = ev->key;
	void *hdr;

	hdr = genlmsg_put(skb, 0, 0, &nfps_family, 0, NFPS_CMD_EVENT);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, NFPS_A_TIME, ktime_get_real_ns(),
			      NFPS_A_PAD) ||
	    nla_put_u32(skb, NFPS_A_NETNS, sn->net->ns.inum) ||
	    nla_put_u8(skb, NFPS_A_RULE, ev->rule) ||
	    nla_put_u8(skb, NFPS_A_ACTION, ev->action) ||
	    nfps_put_addr(skb, NFPS_A_CLIENT, &k->caddr) ||
	    nla_put_u16(skb, NFPS_A_CLIENT_PORT, ntohs(k->cport)) ||
	    nfps_put_addr(skb, NFPS_A_SERVER, &k->saddr) ||
	    nla_put_u16(skb, NFPS_A_SERVER_PORT, ntohs(k->sport)) ||
	    (ev->cmd && put_cmd(skb, ev)) ||
	    (ev->has_value &&
	     nla_put_u64_64bit(skb, NFPS_A_VALUE, ev->value, NFPS_A_PAD))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

void nfps_event_queue(struct nfps_net *sn, const struct nfps_event *ev,
		      struct sk_buff_head *q)
{
	struct sk_buff *skb;

	if (!nfps_event_wanted(sn))
		return;
	skb = genlmsg_new(EVENT_SIZE, GFP_ATOMIC);
	if (!skb) {
		nfps_subs_lost(sn);
		return;
	}
	if (WARN_ON_ONCE(fill(skb, sn, ev))) {
		nlmsg_free(skb);
		nfps_subs_lost(sn);
		return;
	}
	__skb_queue_tail(q, skb);
}

/* Under RCU, as the subscriber list wants; after the table lock is gone. */
void nfps_event_flush(struct nfps_net *sn, struct sk_buff_head *q)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(q)))
		nfps_subs_deliver(sn, skb);
}
