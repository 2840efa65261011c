/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netfilter hooks of nfpost_watch: where packets enter the observer.
 */
#ifndef NFPOST_WATCH_HOOKS_H
#define NFPOST_WATCH_HOOKS_H

struct net;

int nfpost_hooks_register(struct net *net);
void nfpost_hooks_unregister(struct net *net);

#endif /* NFPOST_WATCH_HOOKS_H */
