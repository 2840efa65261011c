/* SPDX-License-Identifier: GPL-2.0 */
/* The netfilter hooks of nfpost_smtp, per namespace. */
#ifndef NFPOST_SMTP_HOOKS_H
#define NFPOST_SMTP_HOOKS_H

struct nfps_net;

int nfps_hooks_register(struct nfps_net *sn);
void nfps_hooks_unregister(struct nfps_net *sn);

#endif /* NFPOST_SMTP_HOOKS_H */
