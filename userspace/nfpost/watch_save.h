/* SPDX-License-Identifier: GPL-2.0 */
/* `nfpost watch save FILE` and `nfpost watch restore FILE`. */
#ifndef NFPOST_WATCH_SAVE_H
#define NFPOST_WATCH_SAVE_H

#include "args.h"
#include "nfpw.h"

/* Each returns the exit code, having printed any failure; @w is closed. */
int watch_save(const struct nfpost_args *a, struct nfpw *w);
int watch_restore(const struct nfpost_args *a, struct nfpw *w);

#endif /* NFPOST_WATCH_SAVE_H */
