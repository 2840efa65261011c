// SPDX-License-Identifier: GPL-2.0
/*
 * A connection to nfpost_watch. nfpw_report() is where every failure of a
 * request becomes exactly one line on stderr: the kernel's extack text when
 * it gave one, otherwise what we know from the errno.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/nfpost_watch.h>
#include "args.h"
#include "nfpw.h"

/* Returns 0 or -errno; -ENOENT with w->fam.id == 0: module not loaded. */
int nfpw_open(struct nfpw *w)
{
	int ret;

	memset(w, 0, sizeof(*w));
	ret = genl_open(&w->sock);
	if (ret)
		return ret;
	ret = genl_family_get(&w->sock, NFPW_GENL_NAME, &w->fam);
	if (ret)
		w->fam.id = 0;
	return ret;
}

void nfpw_close(struct nfpw *w)
{
	genl_close(&w->sock);
}

struct nlmsghdr *nfpw_msg(struct nfpw *w, void *buf, uint8_t cmd,
			  uint16_t flags)
{
	return genl_msg_start(buf, w->fam.id, cmd, NFPW_GENL_VERSION, flags);
}

/* Prints why `what` failed and returns the exit code. */
int nfpw_report(const struct nfpw *w, int err, const char *what)
{
	if (!w->sock.nl)
		fprintf(stderr, "nfpost: Error: cannot open a generic netlink socket: %s\n",
			strerror(-err));
	else if (!w->fam.id && err == -ENOENT)
		fprintf(stderr, "nfpost: the %s module is not loaded (insmod %s.ko)\n",
			NFPW_GENL_NAME, NFPW_GENL_NAME);
	else if (err == -EPERM || err == -EACCES)
		fprintf(stderr, "nfpost: Error: \"%s\" needs CAP_NET_ADMIN (%s).\n",
			what, w->sock.extack[0] ? w->sock.extack : strerror(-err));
	else if (w->sock.extack[0])
		fprintf(stderr, "nfpost: Error: %s\n", w->sock.extack);
	else
		fprintf(stderr, "nfpost: Error: %s: %s\n", what, strerror(-err));
	return EXIT_RUNTIME;
}
