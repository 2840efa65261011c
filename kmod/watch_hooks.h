/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netfilter hooks of nfpost_watch: where packets enter the observer.
 */
#ifndef NFPOST_WATCH_HOOKS_H
#define NFPOST_WATCH_HOOKS_H

struct nfpost_watch_net;

int nfpost_hooks_register(struct nfpost_watch_net *wn);
void nfpost_hooks_unregister(struct nfpost_watch_net *wn);
/* Module-wide: RARP outside bridges, for every namespace. */
void nfpost_hooks_rarp_register(void);
void nfpost_hooks_rarp_unregister(void);

#endif /* NFPOST_WATCH_HOOKS_H */
