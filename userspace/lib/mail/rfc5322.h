/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The header section of a message (RFC 5322 2.2, 3.6): an I/O-free push
 * parser that hands out each field unfolded, and the date-time of 3.3.
 */
#ifndef NFPOST_RFC5322_H
#define NFPOST_RFC5322_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* A longer field name is an error: no real one comes near it. */
#define RFC5322_NAME_MAX	255
/*
 * An unfolded value is kept up to this many bytes and the rest dropped (the
 * field says it was truncated), so that memory stays bounded whatever the
 * input; the longest real fields (long To: lists) stay well below it.
 */
#define RFC5322_VALUE_MAX	16384

enum rfc5322_status {
	RFC5322_MORE,		/* all consumed, more header to come */
	/*
	 * The empty line that ends the header was consumed (the body starts
	 * right after it), or rfc5322_finish() found a clean end of input.
	 */
	RFC5322_DONE,
	/*
	 * A line that is neither a field nor a continuation, or the field
	 * callback returned non-zero: see @err, @line and @cb_ret. Input from
	 * the offending byte on is not consumed.
	 */
	RFC5322_ERROR,
};

struct rfc5322_field {
	const char *name;	/* as written (compare case-insensitively) */
	/*
	 * Unfolded (each line break before white space removed, the white
	 * space kept, RFC 5322 3.2.2) and trimmed of white space at both
	 * ends. NUL-terminated; it may also hold NUL bytes of its own.
	 */
	const char *value;
	size_t value_len;
	unsigned int line;	/* where the field starts, from 1 */
	bool truncated;		/* longer than RFC5322_VALUE_MAX */
};

/* Returns 0 to go on; anything else stops the parser (RFC5322_ERROR). */
typedef int (*rfc5322_field_fn)(void *ctx, const struct rfc5322_field *f);

struct rfc5322 {
	int state;		/* private: where in a line the parser is */
	bool cr;		/* private: a CR waits for its LF */
	bool has_field;		/* private: a field is held */
	bool truncated;		/* private */
	size_t name_len;	/* private */
	size_t value_len;	/* private */
	char name[RFC5322_NAME_MAX + 1];	/* private */
	char value[RFC5322_VALUE_MAX + 1];	/* private */
	unsigned int field_line;	/* private */
	unsigned int line;	/* the line being read, from 1 */
	unsigned int fields;	/* fields handed out so far */
	const char *err;	/* on RFC5322_ERROR: why, as a phrase */
	int cb_ret;		/* on RFC5322_ERROR: the callback's, or 0 */
	rfc5322_field_fn field;
	void *ctx;
};

void rfc5322_init(struct rfc5322 *p, rfc5322_field_fn field, void *ctx);
/*
 * Consumes up to @n bytes of @in: all of them (RFC5322_MORE), up to and
 * including the empty line (RFC5322_DONE) or up to the offending byte
 * (RFC5322_ERROR). Lines end in LF or CRLF. The last field is handed out
 * when the next line shows it is complete. Once done or failed, it
 * consumes nothing more.
 */
size_t rfc5322_feed(struct rfc5322 *p, const char *in, size_t n,
		    enum rfc5322_status *status_r);
/*
 * At the end of input without an empty line (a message without body):
 * hands out the last field and returns RFC5322_DONE, or RFC5322_ERROR if
 * the input stopped inside a field name.
 */
enum rfc5322_status rfc5322_finish(struct rfc5322 *p);

/*
 * The length of the header at @msg with the empty line that ends it (CRLF
 * or a bare LF), or 0 while @msg[0..@len) holds no such line. A message
 * that starts with its empty line has a header of that line alone.
 */
size_t rfc5322_header_end(const char *msg, size_t len);

/*
 * A date-time (RFC 5322 3.3, with the obsolete forms of 4.3: two- and
 * three-digit years, zone names, no seconds), comments and folding white
 * space allowed around it, into seconds since the epoch (UTC). The day of
 * the week is optional and not checked against the date. Military zones
 * count as -0000 (4.3), and "UTC" is taken as UT. -EINVAL otherwise.
 */
int rfc5322_date(const char *s, size_t len, time_t *t_r);

/* "Tue, 14 Mar 2023 10:15:42 +0100" and its NUL. */
#define RFC5322_DATE_LEN	32

/*
 * @t as a date-time of 3.3 in the local time zone (its numeric offset),
 * with English day and month names whatever the locale: what Date:,
 * Received: and the DSN's Arrival-Date: carry. Returns @buf.
 */
const char *rfc5322_format_date(char *buf, size_t len, time_t t);

#endif /* NFPOST_RFC5322_H */
