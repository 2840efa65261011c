/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writes that finish: what the store's files (the UID list, the MODSEQ
 * log, dovecot-keywords, queue state, a message) need before an fsync().
 */
#ifndef NFPOST_FILEIO_H
#define NFPOST_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

/* All of @buf[0..@len) to @fd, through EINTR and short writes; -errno. */
int fileio_write(int fd, const void *buf, size_t len);
/* The same at offset @off (pwrite(2): @fd's offset is left alone). */
int fileio_pwrite(int fd, const void *buf, size_t len, off_t off);

#endif /* NFPOST_FILEIO_H */
