/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SMTP session as the nfpost_smtp guard follows it from the packet path:
 * an I/O-free reader of the client's commands and the server's replies, fed
 * each direction's bytes in order, that keeps both sides in step (greeting,
 * pipelining, DATA and its end, BDAT chunks, AUTH, STARTTLS) and says what
 * each step was. Policy is the caller's; this only reads.
 */
#ifndef NFPOST_PROTO_SMTPG_H
#define NFPOST_PROTO_SMTPG_H

#include "compat.h"

/* A command line with its CRLF (RFC 5321 4.5.3.1.4); a reply line too. */
#define SMTPG_LINE_MAX		512

enum smtpg_verb {
	SMTPG_UNKNOWN,
	SMTPG_HELO, SMTPG_EHLO, SMTPG_MAIL, SMTPG_RCPT, SMTPG_DATA,
	SMTPG_BDAT, SMTPG_RSET, SMTPG_NOOP, SMTPG_QUIT, SMTPG_VRFY,
	SMTPG_EXPN, SMTPG_HELP, SMTPG_STARTTLS, SMTPG_AUTH,
};

/* A command after which the client must wait for the reply (RFC 2920 3.1). */
enum smtpg_wait {
	SMTPG_W_NONE,
	SMTPG_W_GREETING,	/* the server has not finished its 220 */
	SMTPG_W_DATA,
	SMTPG_W_AUTH,
	SMTPG_W_STARTTLS,
	SMTPG_W_EHLO,		/* followed for its capabilities only */
};

/* What one step of the reader consumed. */
enum smtpg_ev {
	SMTPG_EV_MORE,		/* nothing: a line is not complete, feed more */
	SMTPG_EV_CMD,		/* a command line: verb, arg */
	SMTPG_EV_AUTH_LINE,	/* a line answering a 334 challenge */
	SMTPG_EV_DATA,		/* message bytes; size is the total so far */
	SMTPG_EV_DATA_END,	/* through <CRLF>.<CRLF>; size as above */
	SMTPG_EV_BDAT,		/* chunk bytes; size is the transaction's total */
	/* client bytes while it had to wait (wait says for what): none consumed */
	SMTPG_EV_EARLY,
	/*
	 * A bare CR or LF in DATA: nfpostd answers 521 and closes, and a server
	 * that takes LF as a line end would read what follows otherwise. None of
	 * it is consumed; the reader reads nothing more from the client.
	 */
	SMTPG_EV_BARE_EOL,
	SMTPG_EV_LONG_LINE,	/* over SMTPG_LINE_MAX: discarded to its end */
	SMTPG_EV_OPAQUE,	/* bytes passed unread: after STARTTLS, or lost */
	SMTPG_EV_REPLY,		/* server: a reply line; final, code */
	SMTPG_EV_BAD_REPLY,	/* server: a line that is no reply line */
};

/* EHLO keywords seen in the last reply to EHLO. */
#define SMTPG_CAP_PIPELINING	0x01
#define SMTPG_CAP_STARTTLS	0x02
#define SMTPG_CAP_AUTH		0x04
#define SMTPG_CAP_CHUNKING	0x08
#define SMTPG_CAP_SIZE		0x10
#define SMTPG_CAP_8BITMIME	0x20

struct smtpg {
	u8 cmode;		/* private: how client bytes are read */
	u8 smode;		/* private: how server bytes are read */
	u8 dstate;		/* private: where in a DATA line */
	u8 wait;		/* enum smtpg_wait */
	u8 caps;		/* SMTPG_CAP_* */
	bool authed;		/* a 235 answered AUTH */
	bool greeted;		/* the greeting's last line was a 220 */
	bool tls;		/* a 220 answered STARTTLS: opaque from there */
	bool in_reply;		/* private: a multi-line reply goes on */
	u32 pending;		/* replies the server owes */
	u16 code;		/* of the reply being read */
	u64 size;		/* DATA or BDAT bytes of this transaction */
	u64 bdat_left;		/* private: bytes left in a BDAT chunk */
	bool bdat_last;		/* private: the chunk being read is LAST */
};

/*
 * What a step read. @arg points into the buffer fed: for MAIL and RCPT the
 * path without its brackets (path_ok false and arg the rest of the line if
 * the brackets do not pair), for HELO and EHLO the name, for BDAT nothing;
 * for CMD, LONG_LINE, AUTH_LINE and REPLY @line is the line without its end.
 */
struct smtpg_out {
	enum smtpg_ev ev;
	enum smtpg_verb verb;
	const u8 *line;
	size_t line_len;
	const u8 *arg;
	size_t arg_len;
	bool path_ok;
	bool last;		/* REPLY: the reply's last line; BDAT: LAST */
	u8 wait;		/* EARLY: what the client should have waited for */
	u16 code;		/* REPLY: its code */
	u64 size;
};

void smtpg_init(struct smtpg *s);

/*
 * One step over the client's next bytes @buf (@len of them, in order).
 * Returns how many it consumed (at most one line, or a run of DATA or BDAT
 * bytes) and fills @o. With SMTPG_EV_MORE it consumed nothing: the caller
 * keeps the bytes and calls again with more; it never has to keep more than
 * SMTPG_LINE_MAX - 1 of them. SMTPG_EV_EARLY consumes nothing either: call
 * smtpg_client_early() to read on regardless (the bytes are then commands
 * after a greeting, or unread if the reply they ran ahead of changes how
 * they are to be read).
 */
size_t smtpg_client(struct smtpg *s, const u8 *buf, size_t len,
		    struct smtpg_out *o);
void smtpg_client_early(struct smtpg *s);
/* Whether the server's greeting has yet to end. */
bool smtpg_greeting_pending(const struct smtpg *s);

/* The same over the server's bytes: one reply line per step. */
size_t smtpg_server(struct smtpg *s, const u8 *buf, size_t len,
		    struct smtpg_out *o);

/*
 * The domain mail for this path goes to next, seen through a local part's
 * relay syntax ("a%b@c", "b!a@c", "\"a@b\"@c" go to b, whatever c is):
 * a pointer into @path and its length. @path is NUL-terminated, brackets
 * removed. Returns -EINVAL for a path that does not split (see mailpath.h);
 * a path without '@' at all gives an empty domain (the server's own).
 */
int smtpg_next_domain(const char *path, const char **dom, size_t *len);

/*
 * Escapes @in for an event or a log line: printable ASCII but '\' as is,
 * '\' as "\\", anything else as "\xHH". Writes at most @size - 1 bytes and a
 * NUL; returns the length written (cut at a whole escape).
 */
size_t smtpg_escape(const u8 *in, size_t len, char *out, size_t size);

#endif /* NFPOST_PROTO_SMTPG_H */
