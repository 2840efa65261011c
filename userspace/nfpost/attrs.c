// SPDX-License-Identifier: GPL-2.0
/*
 * Attribute validation for nfpost_watch messages. A newer module may send
 * attributes we do not know: they are skipped, as is any attribute of the
 * wrong size, so printers only ever read what is there and well-formed.
 */
#include <errno.h>
#include <string.h>
#include <linux/genetlink.h>
#include "attrs.h"

#define STR ((unsigned char)-1)	/* NUL-terminated string */

/* Payload size of each attribute; 0: not used in messages we read. */
static const unsigned char attr_size[NFPW_A_MAX + 1] = {
	[NFPW_A_IFINDEX] = 4, [NFPW_A_IFNAME] = STR,
	[NFPW_A_ADDR] = 4, [NFPW_A_LLADDR] = 6, [NFPW_A_PREV_LLADDR] = 6,
	[NFPW_A_FIRST_SEEN] = 8, [NFPW_A_LAST_SEEN] = 8,
	[NFPW_A_PACKETS] = 8, [NFPW_A_CHANGES] = 4, [NFPW_A_FLAGS] = 4,
	[NFPW_A_EVENT] = 4, [NFPW_A_TIME] = 8, [NFPW_A_NETNS] = 4,
	[NFPW_A_SADDR] = 4, [NFPW_A_DADDR] = 4, [NFPW_A_ETH_SADDR] = 6,
	[NFPW_A_ARP_OP] = 2, [NFPW_A_ICMP_TYPE] = 1, [NFPW_A_ICMP_CODE] = 1,
	[NFPW_A_ICMP_ID] = 2, [NFPW_A_ICMP_SEQ] = 2, [NFPW_A_RTT_US] = 4,
	[NFPW_A_TTL] = 1, [NFPW_A_GATEWAY] = 4, [NFPW_A_ORIG_SADDR] = 4,
	[NFPW_A_ORIG_DADDR] = 4, [NFPW_A_ORIG_PROTO] = 1,
	[NFPW_A_COUNT] = 4, [NFPW_A_RATE] = 4,
	[NFPW_A_CFG_MAX_BINDINGS ... NFPW_A_CFG_ECHO_TIMEOUT_MS] = 4,
	[NFPW_A_STAT_ARP ... NFPW_A_STAT_RARP_MALFORMED] = 8,
	[NFPW_A_CFG_MAX_AGE] = 4,
	[NFPW_A_STAT_BUCKETS] = 8,
};

static int attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	unsigned int type = mnl_attr_get_type(attr);
	unsigned char size;

	if (type > NFPW_A_MAX)
		return MNL_CB_OK;
	size = attr_size[type];
	if (size == STR) {
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			return MNL_CB_OK;
	} else if (!size || mnl_attr_get_payload_len(attr) != size) {
		return MNL_CB_OK;
	}
	tb[type] = attr;
	return MNL_CB_OK;
}

/* Returns 0 or -EBADMSG if the message has no room for its genl header. */
int attrs_parse(const struct nlmsghdr *nlh, nfpw_tb tb)
{
	memset(tb, 0, sizeof(nfpw_tb));
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr))
		return -EBADMSG;
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), attr_cb, tb);
	return 0;
}
