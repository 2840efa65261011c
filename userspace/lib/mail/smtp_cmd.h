/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SMTP command lines (RFC 5321 section 4.1): an I/O-free reader that cuts the
 * client's bytes into lines under the 512-octet limit, and the parser of one
 * line into a verb, its argument, a path and ESMTP parameters.
 */
#ifndef NFPOST_SMTP_CMD_H
#define NFPOST_SMTP_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A command line, CRLF included (RFC 5321 4.5.3.1.4). */
#define SMTP_LINE_MAX		512
/*
 * The DSN extension makes MAIL up to 100 octets longer (RET, ENVID) and
 * RCPT up to 500 (NOTIFY, ORCPT): RFC 3461 4. A reader made with
 * smtp_line_init_max(l, SMTP_LINE_MAX_DSN) takes such lines; which verb may
 * be that long is the session's to check (smtp_cmd_line_max).
 */
#define SMTP_LINE_MAX_MAIL	(SMTP_LINE_MAX + 100)
#define SMTP_LINE_MAX_DSN	(SMTP_LINE_MAX + 500)

/*
 * Line reader. Commands end with CRLF; a bare LF is taken as a line end too,
 * as Postfix does, so that `nc` without -C works for typed commands. (DATA
 * is strict: see smtp_data.h.) A CR not before the LF stays in the line.
 * The limit is 510 octets without the line end, whichever end it has
 * (max - 2 for a reader made by smtp_line_init_max).
 */
struct smtp_line {
	char buf[SMTP_LINE_MAX_DSN + 1];	/* the line, without its end, NUL-terminated */
	size_t len;
	size_t max;			/* the limit, line end included */
	bool overflow;			/* past SMTP_LINE_MAX: discarding to the end */
	bool nul;			/* held a NUL byte */
	bool ended;			/* private: next feed starts a line */
};

enum smtp_line_status {
	SMTP_LINE_MORE,		/* all input consumed, no line end yet */
	SMTP_LINE_OK,		/* a line is in buf */
	SMTP_LINE_TOO_LONG,	/* a line over the limit ended; buf is empty */
	/* a line with a NUL byte ended; buf is empty (TOO_LONG wins) */
	SMTP_LINE_HAS_NUL,
};

void smtp_line_init(struct smtp_line *l);
/* A reader of lines up to @max octets, line end included (<= _DSN). */
void smtp_line_init_max(struct smtp_line *l, size_t max);
/*
 * Consumes up to @n bytes of @in, stopping right after the first line end.
 * Returns how many bytes it consumed and sets *@status_r. After OK,
 * TOO_LONG or HAS_NUL, the next call starts a new line.
 */
size_t smtp_line_feed(struct smtp_line *l, const char *in, size_t n,
		      enum smtp_line_status *status_r);

enum smtp_verb {
	SMTP_UNKNOWN,
	SMTP_HELO, SMTP_EHLO, SMTP_MAIL, SMTP_RCPT, SMTP_DATA, SMTP_BDAT,
	SMTP_RSET, SMTP_NOOP, SMTP_QUIT, SMTP_VRFY, SMTP_EXPN, SMTP_HELP,
	SMTP_STARTTLS, SMTP_AUTH,
};

#define SMTP_MAX_PARAMS		8

/* An ESMTP parameter, "KEY" or "KEY=value" (RFC 5321 4.1.2). */
struct smtp_param {
	const char *key;		/* upper-cased in place */
	const char *value;		/* NULL when there is no '=' */
};

struct smtp_cmd {
	enum smtp_verb verb;
	/*
	 * The rest of the line after the verb and one or more spaces, trailing
	 * spaces removed; "" if none. For MAIL and RCPT, what follows the path.
	 */
	const char *arg;
	/*
	 * MAIL FROM: and RCPT TO: only: the reverse- or forward-path with its
	 * angle brackets removed ("" for the null path "<>"). Accepted as
	 * "FROM:<a@b>", "FROM: <a@b>" and, as the course notes type it and
	 * Postfix accepts, "FROM: a@b" without brackets.
	 */
	const char *path;
	struct smtp_param params[SMTP_MAX_PARAMS];
	int nparams;
	/* BDAT: the chunk size and whether LAST was given. */
	uint64_t bdat_size;
	bool bdat_last;
	/*
	 * private: a copy of the parameters' text, cut into the keys and
	 * values above so that @arg stays whole. @params point here, so a
	 * copy of the struct must be parsed again, not assigned.
	 */
	char pbuf[SMTP_LINE_MAX_DSN];
};

/*
 * Parses @line (from smtp_line, without its end; modified in place: @cmd
 * points into it). Verbs are case-insensitive. Returns 0, or:
 *   -ENOENT   unknown verb: "500 5.5.2 Error: command not recognized"
 *   -EINVAL   bad arguments for a known verb (cmd->verb is set), *@err_r
 *             says what, for "501 5.5.4 <err>", e.g. "Syntax: MAIL
 *             FROM:<address>" for a bare "MAIL FROM"
 * *@err_r (may be NULL) is set NULL on success. Checks only the syntax of
 * each verb's arguments: whether an argument is required or forbidden
 * (DATA, RSET, QUIT, STARTTLS take none; HELO, EHLO need a domain; VRFY,
 * EXPN, AUTH an argument; MAIL needs FROM:, RCPT needs TO:, BDAT a size),
 * the bracket pairing of a path, the form of parameters. Spaces and tabs
 * both separate words. Sequencing, the address inside the path (see
 * mailaddr.h) and the meaning of parameters are the session's.
 */
int smtp_cmd_parse(char *line, struct smtp_cmd *cmd, const char **err_r);

/*
 * The longest line, line end included, that @verb may come in:
 * SMTP_LINE_MAX, or RFC 3461's more for MAIL and RCPT.
 */
size_t smtp_cmd_line_max(enum smtp_verb verb);

/* The value of parameter @key (upper case) in @cmd, or NULL; *@found_r. */
const char *smtp_cmd_param(const struct smtp_cmd *cmd, const char *key,
			   bool *found_r);

#endif /* NFPOST_SMTP_CMD_H */
