/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FETCH data items (RFC 3501 6.4.5): an I/O-free parser of one item as
 * the command parser hands it over (an atom such as
 * "BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)]<0.100>"), and the header
 * and body cuts that sections ask for.
 */
#ifndef NFPOST_IMAP_FETCH_H
#define NFPOST_IMAP_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum imap_fetch_what {
	IMAP_FETCH_FLAGS, IMAP_FETCH_UID, IMAP_FETCH_SIZE,
	IMAP_FETCH_INTERNALDATE, IMAP_FETCH_ENVELOPE,
	IMAP_FETCH_BODYSTRUCTURE, IMAP_FETCH_BODY,	/* BODY without [] */
	IMAP_FETCH_SECTION,				/* BODY[...] etc. */
	IMAP_FETCH_MODSEQ,				/* RFC 7162 3.1.4.1 */
};

enum imap_section {
	IMAP_SECT_ALL,		/* [] or [1] of a single-part message... */
	IMAP_SECT_HEADER,
	IMAP_SECT_TEXT,
	IMAP_SECT_FIELDS,
	IMAP_SECT_FIELDS_NOT,
	IMAP_SECT_MIME,
};

#define IMAP_FETCH_FIELDS_MAX	1024	/* bytes of a HEADER.FIELDS list */
#define IMAP_FETCH_LABEL_MAX	(IMAP_FETCH_FIELDS_MAX + 64)

struct imap_fetch_item {
	enum imap_fetch_what what;
	bool peek;			/* no \Seen (BODY.PEEK, RFC822.HEADER) */
	enum imap_section sect;
	char part[64];			/* "1.2", "" for the whole message */
	char fields[IMAP_FETCH_FIELDS_MAX];	/* upper-cased, ' '-separated */
	bool partial;
	uint32_t off, len;		/* of a partial fetch */
	char label[IMAP_FETCH_LABEL_MAX];	/* as the answer names it */
};

/* 0, or -EINVAL for an item that is not one (case-insensitive). */
int imap_fetch_item_parse(const char *atom, struct imap_fetch_item *it);

/*
 * A mod-sequence (RFC 7162 7: 1*DIGIT, at most 2^63 - 1), 0 included
 * (mod-sequence-valzer); -EINVAL for anything else.
 */
int imap_modseq_parse(const char *atom, uint64_t *v);

/* Where the header ends in @msg: after its empty line (or at the end). */
size_t imap_header_len(const char *msg, size_t len);
/*
 * The header fields of @hdr named (or, if @not, not named) in @fields,
 * whole and folded as they are, then an empty line, into @out (at least
 * @len + 2 bytes). Returns the bytes written.
 */
size_t imap_header_fields(const char *hdr, size_t len, const char *fields,
			  bool not, char *out);

#endif /* NFPOST_IMAP_FETCH_H */
