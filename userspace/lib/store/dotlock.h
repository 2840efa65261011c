/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NFPOST_DOTLOCK_H
#define NFPOST_DOTLOCK_H

/*
 * Dovecot's dotlock: a file created with O_EXCL beside what it guards.
 * dotlock_take() waits up to 5 s for a holder, breaking a lock older than
 * 2 minutes (its holder died), and returns the lock's fd or -errno; the
 * caller closes the fd and unlinks the name to drop it (or renames the
 * file over what it guards).
 */
int dotlock_take(int dirfd, const char *name);

#endif
