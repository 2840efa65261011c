// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink over libmnl. Every request asks for an ack so that a
 * failure always comes back with its errno and, from the kernel's extended
 * ack, the text saying why; callers print that text, these helpers never do.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/netlink.h>
#include "genl.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct request {
	mnl_cb_t cb;
	void *data;
	int err;
	char *extack;
};

int genl_open(struct genl_sock *s)
{
	int one = 1;

	memset(s, 0, sizeof(*s));
	s->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!s->nl)
		return -errno;
	if (mnl_socket_bind(s->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;

		genl_close(s);
		return err;
	}
	/* Best effort: kernels without them still give us the errno. */
	mnl_socket_setsockopt(s->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(s->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	s->portid = mnl_socket_get_portid(s->nl);
	s->seq = 0;
	return 0;
}

void genl_close(struct genl_sock *s)
{
	if (s->nl)
		mnl_socket_close(s->nl);
	s->nl = NULL;
}

struct nlmsghdr *genl_msg_start(void *buf, uint16_t family, uint8_t cmd,
				uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

static int extack_attr(const struct nlattr *attr, void *data)
{
	char *extack = data;

	if (mnl_attr_get_type(attr) != NLMSGERR_ATTR_MSG ||
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
		return MNL_CB_OK;
	snprintf(extack, GENL_EXTACK_LEN, "%s", mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

/*
 * NLMSG_ERROR carries struct nlmsgerr, then (unless capped) the request
 * echoed back, then the extack TLVs. NLMSG_DONE carries an int error, then
 * the TLVs. Returns 0 or -errno; extack gets the message or "".
 */
int genl_error_parse(const struct nlmsghdr *nlh, char *extack, size_t len)
{
	char msg[GENL_EXTACK_LEN] = "";
	unsigned int off;
	int err;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(int))
		return -EBADMSG;
	err = *(const int *)mnl_nlmsg_get_payload(nlh);
	if (nlh->nlmsg_type == NLMSG_DONE) {
		off = sizeof(int);
	} else {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

		if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
			return -EBADMSG;
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	}
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
	    off <= mnl_nlmsg_get_payload_len(nlh))
		mnl_attr_parse(nlh, off, extack_attr, msg);
	if (extack)
		snprintf(extack, len, "%s", msg);
	return err > 0 ? -err : err;
}

static int request_data(const struct nlmsghdr *nlh, void *data)
{
	struct request *r = data;

	return r->cb ? r->cb(nlh, r->data) : MNL_CB_OK;
}

static int request_end(const struct nlmsghdr *nlh, void *data)
{
	struct request *r = data;

	r->err = genl_error_parse(nlh, r->extack, GENL_EXTACK_LEN);
	return MNL_CB_STOP;
}

static int request_recv(struct genl_sock *s, unsigned int seq,
			struct request *r)
{
	static mnl_cb_t ctl[] = {
		[NLMSG_ERROR] = request_end,
		[NLMSG_DONE] = request_end,
	};
	static char buf[GENL_BUF_SIZE];
	int n, ret;

	do {
		n = mnl_socket_recvfrom(s->nl, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		ret = mnl_cb_run2(buf, n, seq, s->portid, request_data, r,
				  ctl, ARRAY_SIZE(ctl));
	} while (ret > MNL_CB_STOP);
	if (ret == MNL_CB_ERROR && !r->err)
		return errno ? -errno : -EPROTO;
	return r->err;
}

/*
 * Sends nlh and hands every reply message to cb until the ack (or, for a
 * dump, NLMSG_DONE). Returns 0 or -errno, with s->extack set on failure.
 */
int genl_request(struct genl_sock *s, struct nlmsghdr *nlh, mnl_cb_t cb,
		 void *data)
{
	struct request r = { .cb = cb, .data = data, .extack = s->extack };

	s->extack[0] = '\0';
	nlh->nlmsg_seq = ++s->seq;
	if ((nlh->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(s->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	errno = 0;
	return request_recv(s, nlh->nlmsg_seq, &r);
}

int genl_join(struct genl_sock *s, uint32_t group)
{
	if (mnl_socket_setsockopt(s->nl, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group)) < 0)
		return -errno;
	return 0;
}

static int group_attr(const struct nlattr *attr, void *data)
{
	struct genl_group *g = data;

	switch (mnl_attr_get_type(attr)) {
	case CTRL_ATTR_MCAST_GRP_NAME:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
			snprintf(g->name, sizeof(g->name), "%s",
				 mnl_attr_get_str(attr));
		break;
	case CTRL_ATTR_MCAST_GRP_ID:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
			g->id = mnl_attr_get_u32(attr);
		break;
	}
	return MNL_CB_OK;
}

static void family_groups(const struct nlattr *nest, struct genl_family *fam)
{
	const struct nlattr *pos;

	mnl_attr_for_each_nested(pos, nest) {
		struct genl_group g = { "", 0 };

		if (fam->n_groups == GENL_MAX_GROUPS)
			return;
		mnl_attr_parse_nested(pos, group_attr, &g);
		if (g.name[0] && g.id)
			fam->groups[fam->n_groups++] = g;
	}
}

static int family_attr(const struct nlattr *attr, void *data)
{
	struct genl_family *fam = data;

	switch (mnl_attr_get_type(attr)) {
	case CTRL_ATTR_FAMILY_NAME:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
			snprintf(fam->name, sizeof(fam->name), "%s",
				 mnl_attr_get_str(attr));
		break;
	case CTRL_ATTR_FAMILY_ID:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) >= 0)
			fam->id = mnl_attr_get_u16(attr);
		break;
	case CTRL_ATTR_VERSION:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
			fam->version = mnl_attr_get_u32(attr);
		break;
	case CTRL_ATTR_MCAST_GROUPS:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) >= 0)
			family_groups(attr, fam);
		break;
	}
	return MNL_CB_OK;
}

/*
 * Parses a CTRL_CMD_NEWFAMILY reply or notification (also DELFAMILY and
 * NEWMCAST_GRP, which carry the same attributes). Returns 0 or -EBADMSG.
 */
int genl_family_parse(const struct nlmsghdr *nlh, struct genl_family *fam_r)
{
	memset(fam_r, 0, sizeof(*fam_r));
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr))
		return -EBADMSG;
	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr,
			   fam_r) < 0)
		return -EBADMSG;
	return 0;
}

uint32_t genl_family_group(const struct genl_family *fam, const char *name)
{
	unsigned int i;

	for (i = 0; i < fam->n_groups; i++)
		if (!strcmp(fam->groups[i].name, name))
			return fam->groups[i].id;
	return 0;
}

static int family_reply(const struct nlmsghdr *nlh, void *data)
{
	return genl_family_parse(nlh, data) ? MNL_CB_ERROR : MNL_CB_OK;
}

/* Returns 0, -ENOENT when no such family is registered, or -errno. */
int genl_family_get(struct genl_sock *s, const char *name,
		    struct genl_family *fam_r)
{
	char buf[1024];
	struct nlmsghdr *nlh;
	int ret;

	nlh = genl_msg_start(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	ret = genl_request(s, nlh, family_reply, fam_r);
	if (!ret && !fam_r->id)
		ret = -ENOENT;
	return ret;
}
