/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The MIME structure of a message (RFC 2045, RFC 2046): an I/O-free parser
 * of a whole message into a tree of parts (multipart children, the
 * message inside a message/rfc822), each with its header and body
 * offsets, media type and parameters; and header field lookup. What IMAP's
 * BODYSTRUCTURE, ENVELOPE and part sections are made from.
 *
 * Parameters follow RFC 2231: "name*0", "name*1"... are joined into one
 * "name", and "name*=charset'lang'%XX..." pieces percent-decoded, their
 * charset kept beside the bytes (converted by no one here). RFC 2047
 * encoded words are passed on raw, as IMAP allows.
 */
#ifndef NFPOST_MIME_H
#define NFPOST_MIME_H

#include <stdbool.h>
#include <stddef.h>

#define MIME_DEPTH_MAX		20	/* nesting of multiparts and messages */
#define MIME_PARTS_MAX		1000	/* parts of one message */
#define MIME_PARAMS_MAX		8
#define MIME_TOKEN_MAX		128

struct mime_param {
	char name[MIME_TOKEN_MAX];	/* lower-cased, without RFC 2231's '*' */
	char value[256];		/* decoded, NUL-ended (cut if longer) */
	char charset[40];		/* RFC 2231's, "" if none was given */
};

struct mime_part {
	size_t hdr_off, hdr_len;	/* its header, the empty line included */
	size_t body_off, body_len;
	size_t lines;			/* of the body */
	char type[MIME_TOKEN_MAX];	/* lower-cased; "text" by default */
	char subtype[MIME_TOKEN_MAX];	/* "plain" by default */
	struct mime_param params[MIME_PARAMS_MAX];
	int nparams;
	struct mime_part *child;	/* multipart: the first part */
	struct mime_part *next;		/* the next part of the same multipart */
	struct mime_part *message;	/* message/rfc822: the message's root */
};

/*
 * Parses @msg (@len bytes, need not be NUL-terminated) into a tree
 * (free with mime_free). -ENOMEM only: any input makes a tree, malformed
 * parts being taken as text/plain, too deep nesting as leaves.
 */
int mime_parse(const char *msg, size_t len, struct mime_part **root_r);
void mime_free(struct mime_part *root);

/*
 * The first field @name (case-insensitive) in the header @hdr, unfolded
 * (CR LF before white space removed) and trimmed, into @out; false if
 * absent. A longer value is cut to @size - 1.
 */
bool mime_header_get(const char *hdr, size_t len, const char *name,
		     char *out, size_t size);

/* A parameter's value, or NULL. */
const char *mime_param(const struct mime_part *p, const char *name);

/* Part @n (1-based) of a multipart, or NULL. */
struct mime_part *mime_child(struct mime_part *p, unsigned long n);

#endif /* NFPOST_MIME_H */
