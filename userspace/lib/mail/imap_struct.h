/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FETCH's ENVELOPE and BODYSTRUCTURE (RFC 3501 7.4.2) as text, from a
 * message and its MIME tree (mime.h). I/O-free: the text goes to a
 * growing buffer.
 */
#ifndef NFPOST_IMAP_STRUCT_H
#define NFPOST_IMAP_STRUCT_H

#include <stdbool.h>
#include <stddef.h>

#include "mime.h"

struct imap_buf {
	char *p;
	size_t len, cap;
	bool failed;		/* out of memory: the text is cut */
};

void imap_buf_free(struct imap_buf *b);
/* A string as IMAP writes it: NIL (if NULL), quoted, or a literal. */
void imap_buf_nstring(struct imap_buf *b, const char *s);

/* The ENVELOPE of the header @hdr. */
void imap_envelope(struct imap_buf *b, const char *hdr, size_t len);
/* BODYSTRUCTURE of @p in @msg (BODY without extension data: same here). */
void imap_bodystructure(struct imap_buf *b, const char *msg,
			const struct mime_part *p);

#endif /* NFPOST_IMAP_STRUCT_H */
