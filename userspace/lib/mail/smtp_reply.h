/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Replies of an SMTP server (RFC 5321 4.2), for the relay's client: an
 * I/O-free reader that finds where a reply ends, its code, its last line
 * and, in an EHLO reply, the extensions the relay cares about.
 */
#ifndef NFPOST_SMTP_REPLY_H
#define NFPOST_SMTP_REPLY_H

#include <stddef.h>

/* A reply line, CRLF included (RFC 5321 4.5.3.1.5); longer ones are cut. */
#define SMTP_REPLY_LINE_MAX	512
/* Lines of one reply: past it the server is not speaking SMTP. */
#define SMTP_REPLY_LINES_MAX	1000

enum smtp_reply_status {
	SMTP_REPLY_MORE,	/* all input consumed, the reply goes on */
	SMTP_REPLY_DONE,	/* a whole reply was consumed, nothing after */
	/*
	 * A line that is not "ddd", "ddd text" or "ddd-text" with the same
	 * code as the lines before, or too many lines: the caller drops the
	 * connection. Sticky until smtp_reply_init().
	 */
	SMTP_REPLY_BAD,
};

/* EHLO keywords (RFC 5321 4.1.1.1), from the lines after the first. */
#define SMTP_REPLY_EXT_STARTTLS		0x1	/* RFC 3207 */
#define SMTP_REPLY_EXT_8BITMIME		0x2	/* RFC 6152 */
#define SMTP_REPLY_EXT_SMTPUTF8		0x4	/* RFC 6531 */
#define SMTP_REPLY_EXT_PIPELINING	0x8	/* RFC 2920 */
#define SMTP_REPLY_EXT_DSN		0x10	/* RFC 3461 */

struct smtp_reply {
	int state;		/* private */
	size_t len;		/* private: bytes of the line being read */
	char line[SMTP_REPLY_LINE_MAX];	/* private */
	/* Of the last reply, once SMTP_REPLY_DONE: */
	int code;		/* 200..599 */
	int lines;
	unsigned int ext;	/* SMTP_REPLY_EXT_* */
	/*
	 * Its last line without CRLF, cut to SMTP_REPLY_LINE_MAX - 1 bytes,
	 * every byte that is not printable ASCII shown as '?' (it goes into
	 * logs and bounces).
	 */
	char text[SMTP_REPLY_LINE_MAX];
};

void smtp_reply_init(struct smtp_reply *r);
/*
 * Consumes up to @n bytes of @in, stopping right after the end of a reply;
 * returns how many it consumed and sets *@status_r. A line ends at LF, a CR
 * before it dropped. The next call after SMTP_REPLY_DONE starts a new reply.
 */
size_t smtp_reply_feed(struct smtp_reply *r, const char *in, size_t n,
		       enum smtp_reply_status *status_r);

#endif /* NFPOST_SMTP_REPLY_H */
