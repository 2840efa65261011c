/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The DSN extension's parameters (RFC 3461): xtext, RET and ENVID of MAIL,
 * NOTIFY and ORCPT of RCPT. I/O-free: the session, the queue and the relay
 * client all read and write them through here.
 */
#ifndef NFPOST_DSN_PARAM_H
#define NFPOST_DSN_PARAM_H

#include <stdbool.h>
#include <stddef.h>

/* RFC 3461 4.4: an ENVID value is at most 100 characters (as xtext). */
#define DSN_ENVID_MAX		100
/* RFC 3461 4.2: an ORCPT value, "type;xtext", is at most 500 characters. */
#define DSN_ORCPT_MAX		500

enum dsn_ret {
	DSN_RET_NONE,		/* not given: headers only */
	DSN_RET_FULL,
	DSN_RET_HDRS,
};

/* NOTIFY (RFC 3461 4.1); none of these set: not given. */
#define DSN_NOTIFY_NEVER	0x1
#define DSN_NOTIFY_SUCCESS	0x2
#define DSN_NOTIFY_FAILURE	0x4
#define DSN_NOTIFY_DELAY	0x8

/*
 * An xtext decoder fed any number of bytes at a time (RFC 3461 4):
 *   xtext   = *( xchar / hexchar )
 *   xchar   = "!" to "~", except "+" and "="
 *   hexchar = "+" followed by two upper case hexadecimal digits
 * What it decodes must be printable US-ASCII (0x20-0x7e; RFC 3461 4.2 and
 * 4.4 ask that of ENVID and of an ORCPT address): so no CR, LF or NUL can
 * reach a DSN's header fields.
 */
struct xtext_dec {
	char *out;		/* the decoded text, NUL-terminated */
	size_t cap;		/* room in out, NUL included */
	size_t len;
	int state;		/* private: 0, or hex digits still due */
	int hex;		/* private: the value so far */
	int err;		/* 0 or the first error, sticky */
};

void xtext_dec_init(struct xtext_dec *d, char *out, size_t cap);
/* Sets d->err to -EINVAL (not xtext, not printable) or -ENOSPC. */
void xtext_dec_feed(struct xtext_dec *d, const char *in, size_t n);
/* 0, or -EINVAL for a "+" without its two digits, or the feed's error. */
int xtext_dec_end(struct xtext_dec *d);

/* Decodes the NUL-terminated @in whole; 0, -EINVAL or -ENOSPC. */
int xtext_decode(const char *in, char *out, size_t cap);
/*
 * Encodes @in (any bytes but NUL) as xtext into @out, NUL-terminated.
 * Returns the length it needs without the NUL, as snprintf does: a
 * result >= @cap means @out was cut short.
 */
size_t xtext_encode(const char *in, char *out, size_t cap);

/*
 * Parameter values, as smtp_cmd.h hands them over (NULL: no "="). Each
 * returns 0 or -EINVAL; the session answers 501 5.5.4 to the latter.
 */
int dsn_ret_parse(const char *value, enum dsn_ret *ret_r);
/* The value, checked, stays xtext: it is kept and passed on as given. */
int dsn_envid_check(const char *value);
/* "NEVER", or a list of SUCCESS, FAILURE and DELAY, each at most once. */
int dsn_notify_parse(const char *value, unsigned int *notify_r);
/*
 * "addr-type;xtext" (RFC 3461 4.2): addr-type an atom (RFC 5322), the
 * xtext decoding to printable US-ASCII, the whole at most DSN_ORCPT_MAX.
 */
int dsn_orcpt_check(const char *value);

/* "RET=FULL" and back: "FULL", "HDRS", or "" for DSN_RET_NONE. */
const char *dsn_ret_name(enum dsn_ret ret);
/* "SUCCESS,DELAY", "NEVER", or "" when none was given; into @buf. */
const char *dsn_notify_format(unsigned int notify, char *buf, size_t len);

#endif /* NFPOST_DSN_PARAM_H */
