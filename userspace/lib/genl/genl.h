/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink over libmnl: family and multicast group resolution,
 * request/ack with the kernel's extended ack message, dumps, group joins.
 */
#ifndef NFPOST_GENL_H
#define NFPOST_GENL_H

#include <stdint.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

/* Large enough for the biggest skb the kernel builds for a dump. */
#define GENL_BUF_SIZE		32768
#define GENL_EXTACK_LEN		256
#define GENL_MAX_GROUPS		16

struct genl_group {
	char name[GENL_NAMSIZ];
	uint32_t id;
};

struct genl_family {
	char name[GENL_NAMSIZ];
	uint16_t id;
	uint32_t version;
	unsigned int n_groups;
	struct genl_group groups[GENL_MAX_GROUPS];
};

struct genl_sock {
	struct mnl_socket *nl;
	unsigned int portid;
	unsigned int seq;
	/* The kernel's extack message for the last failed request, or "". */
	char extack[GENL_EXTACK_LEN];
};

int genl_open(struct genl_sock *s);
void genl_close(struct genl_sock *s);
int genl_family_get(struct genl_sock *s, const char *name,
		    struct genl_family *fam_r);
struct nlmsghdr *genl_msg_start(void *buf, uint16_t family, uint8_t cmd,
				uint8_t version, uint16_t flags);
int genl_request(struct genl_sock *s, struct nlmsghdr *nlh, mnl_cb_t cb,
		 void *data);
int genl_join(struct genl_sock *s, uint32_t group);

/* I/O-free: usable on any received message, and by tests. */
int genl_family_parse(const struct nlmsghdr *nlh, struct genl_family *fam_r);
uint32_t genl_family_group(const struct genl_family *fam, const char *name);
int genl_error_parse(const struct nlmsghdr *nlh, char *extack, size_t len);

#endif /* NFPOST_GENL_H */
