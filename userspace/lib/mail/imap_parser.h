/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IMAP4rev1 commands (RFC 3501 9, RFC 7888 LITERAL+): an I/O-free reader
 * that gathers one whole command, literals included, under a size limit,
 * telling when a synchronizing literal wants its "+" continuation; and the
 * parser of a gathered command into its tag, name and arguments (atoms,
 * quoted strings, literals, NIL, nested lists).
 */
#ifndef NFPOST_IMAP_PARSER_H
#define NFPOST_IMAP_PARSER_H

#include <stdbool.h>
#include <stddef.h>

/* A command line between literals (RFC 7162 3 asks 8192 at least). */
#define IMAP_LINE_MAX		8192
/* Nesting of parenthesized lists. */
#define IMAP_DEPTH_MAX		16
/* Arguments of one command, lists and their members included. */
#define IMAP_ARGS_MAX		1024

enum imap_read_status {
	IMAP_READ_MORE,		/* all input consumed, no command end yet */
	IMAP_READ_CONTINUE,	/* a {N} literal waits: send "+ ..." */
	IMAP_READ_DONE,		/* a whole command is in buf */
	IMAP_READ_TOO_LONG,	/* a line over IMAP_LINE_MAX: discarded to its end */
	IMAP_READ_TOO_BIG,	/* a literal over the limit: the line is dropped */
	IMAP_READ_NUL,		/* a NUL outside a literal: dropped */
};

struct imap_reader {
	char *buf;		/* the command as sent, literals inline */
	size_t len, cap;
	size_t max;		/* of the whole command, literals included */
	size_t line_start;	/* where the current line began in buf */
	size_t literal_left;	/* bytes still to come in a literal */
	bool discard;		/* dropping up to the next line end */
	bool nul;		/* a NUL was seen in this line */
	bool done;		/* private: the next feed starts afresh */
	bool literal_plus;	/* TOO_BIG: the literal was {N+}, its bytes come */
	enum imap_read_status fail;	/* why the line is being discarded */
};

/* @max: the largest command, literals included (APPEND's message). */
void imap_reader_init(struct imap_reader *r, size_t max);
void imap_reader_free(struct imap_reader *r);
/*
 * Consumes up to @n bytes of @in, stopping after a command's end, after a
 * line announcing a synchronizing literal (CONTINUE), or after a refused
 * line's end. Returns how many bytes it consumed. -1 on no memory.
 * A line may end with CRLF or a bare LF (hand-typed sessions).
 */
long imap_reader_feed(struct imap_reader *r, const char *in, size_t n,
		      enum imap_read_status *status_r);

enum imap_arg_type {
	IMAP_ARG_ATOM,		/* also \Flags, 1:*, BODY[HEADER]<0.10> */
	IMAP_ARG_STRING,	/* quoted, unescaped */
	IMAP_ARG_LITERAL,	/* {N} or {N+} and its bytes (may hold NUL) */
	IMAP_ARG_NIL,
	IMAP_ARG_LIST,		/* (...) */
};

struct imap_arg {
	enum imap_arg_type type;
	const char *str;	/* NUL-terminated, @len bytes; NULL for lists */
	size_t len;
	struct imap_arg *child;	/* a list's first member */
	struct imap_arg *next;	/* the next argument at the same level */
};

struct imap_cmd {
	const char *tag;
	const char *name;	/* upper-cased in place */
	struct imap_arg *args;	/* the first, NULL if none */
	struct imap_arg pool[IMAP_ARGS_MAX];
	size_t nargs;
};

/*
 * Parses the command gathered in @buf (changed in place: strings are
 * unescaped and terminated there, so @buf must outlive @cmd). 0, or
 * -EINVAL with a reason in *@err_r; a missing tag is -ENOENT (the reply
 * is then untagged "* BAD").
 */
int imap_cmd_parse(char *buf, size_t len, struct imap_cmd *cmd,
		   const char **err_r);

/* Arguments: how many at this level, and the @i-th. */
size_t imap_args_count(const struct imap_arg *a);
const struct imap_arg *imap_arg_nth(const struct imap_arg *a, size_t i);
/* An atom, quoted string or literal as a C string, or NULL. */
const char *imap_arg_str(const struct imap_arg *a);
/* An atom only, or NULL. */
const char *imap_arg_atom(const struct imap_arg *a);

#endif /* NFPOST_IMAP_PARSER_H */
