/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netfilter hooks of nfpost_watch: where packets enter the observer.
 */
#ifndef NFPOST_WATCH_HOOKS_H
#define NFPOST_WATCH_HOOKS_H

struct nfpost_watch_net;

int nfpost_hooks_register(struct nfpost_watch_net *wn);
void nfpost_hooks_unregister(struct nfpost_watch_net *wn);

#endif /* NFPOST_WATCH_HOOKS_H */
