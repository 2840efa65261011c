/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A connection to the nfpost_watch generic netlink family, and the one
 * place that turns its failures into messages for the user.
 */
#ifndef NFPOST_NFPW_H
#define NFPOST_NFPW_H

#include "genl.h"

struct nfpw {
	struct genl_sock sock;
	struct genl_family fam;		/* fam.id == 0: not resolved */
};

int nfpw_open(struct nfpw *w);
void nfpw_close(struct nfpw *w);
struct nlmsghdr *nfpw_msg(struct nfpw *w, void *buf, uint8_t cmd,
			  uint16_t flags);
int nfpw_report(const struct nfpw *w, int err, const char *what);

#endif /* NFPOST_NFPW_H */
