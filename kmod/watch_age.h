/* SPDX-License-Identifier: GPL-2.0 */
/* Ageing of learned bindings, NFPW_A_CFG_MAX_AGE: see watch_age.c. */
#ifndef NFPOST_WATCH_AGE_H
#define NFPOST_WATCH_AGE_H

struct nfpost_watch_net;

void nfpost_age_init(struct nfpost_watch_net *wn);
/* After CFG_MAX_AGE changed: starts the work if it is now on. */
void nfpost_age_kick(struct nfpost_watch_net *wn);
void nfpost_age_destroy(struct nfpost_watch_net *wn);

#endif /* NFPOST_WATCH_AGE_H */
