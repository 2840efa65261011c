// SPDX-License-Identifier: GPL-2.0
/*
 * Events: join, leave, expiry, eviction, querier change. Built with
 * GFP_ATOMIC (they come from the packet path and timers) and only while a
 * socket listens to the group.
 */
#include <linux/ktime.h>
#include <net/genetlink.h>

#include "mcast_event.h"
#include "mcast_netlink.h"
#include "mcast_table.h"

#define EVENT_SIZE	256

int mc_put_addr(struct sk_buff *skb, int attr, const struct nfpost_mc_addr *a)
{
	if (nfpost_mc_addr_is_v4(a))
		return nla_put(skb, attr, 4, a->b + 12);
	return nla_put(skb, attr, 16, a->b);
}

static int put_port(struct sk_buff *skb, struct mc_br *br,
		    const struct mc_port *port)
{
	struct net_device *dev;
	int ret = 0;

	if (nla_put_u32(skb, NFPM_A_PORT, port->ifindex))
		return -EMSGSIZE;
	rcu_read_lock();
	dev = dev_get_by_index_rcu(dev_net(br->dev), port->ifindex);
	if (dev && nla_put_string(skb, NFPM_A_PORT_NAME, dev->name))
		ret = -EMSGSIZE;
	rcu_read_unlock();
	return ret;
}

static int fill(struct sk_buff *skb, struct mc_br *br, int type,
		const struct mc_port *port, const struct nfpost_mc_addr *group,
		const struct nfpost_mc_addr *querier)
{
	int qattr;

	if (nla_put_u32(skb, NFPM_A_EVENT, type) ||
	    nla_put_u64_64bit(skb, NFPM_A_TIME, ktime_get_real_ns(),
			      NFPM_A_PAD) ||
	    nla_put_u32(skb, NFPM_A_IFINDEX, br->dev->ifindex) ||
	    nla_put_string(skb, NFPM_A_IFNAME, br->dev->name))
		return -EMSGSIZE;
	if (port && put_port(skb, br, port))
		return -EMSGSIZE;
	if (group && mc_put_addr(skb, NFPM_A_GROUP, group))
		return -EMSGSIZE;
	if (querier) {
		qattr = nfpost_mc_addr_is_v4(querier) ? NFPM_A_QUERIER4 :
							NFPM_A_QUERIER6;
		if (mc_put_addr(skb, qattr, querier))
			return -EMSGSIZE;
	}
	return 0;
}

void mc_event(struct mc_br *br, int type, const struct mc_port *port,
	      const struct nfpost_mc_addr *group,
	      const struct nfpost_mc_addr *querier)
{
	struct net *net = dev_net(br->dev);
	struct sk_buff *skb;
	void *hdr;

	if (!genl_has_listeners(&nfpost_mcast_family, net, 0))
		return;
	skb = genlmsg_new(EVENT_SIZE, GFP_ATOMIC);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &nfpost_mcast_family, 0, NFPM_CMD_EVENT);
	if (!hdr || WARN_ON_ONCE(fill(skb, br, type, port, group, querier))) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&nfpost_mcast_family, net, skb, 0, 0,
				GFP_ATOMIC);
}
