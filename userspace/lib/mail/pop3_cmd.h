/* SPDX-License-Identifier: GPL-2.0 */
/*
 * POP3 command lines (RFC 1939, RFC 2449, RFC 2595, RFC 5034): an I/O-free
 * parser of one line (as smtp_line cuts them) into a verb and its
 * arguments, checked against what each verb takes.
 */
#ifndef NFPOST_POP3_CMD_H
#define NFPOST_POP3_CMD_H

enum pop3_verb {
	POP3_UNKNOWN,
	POP3_USER, POP3_PASS, POP3_APOP, POP3_AUTH, POP3_STLS, POP3_CAPA,
	POP3_QUIT, POP3_STAT, POP3_LIST, POP3_RETR, POP3_DELE, POP3_NOOP,
	POP3_RSET, POP3_TOP, POP3_UIDL,
};

/* Message numbers and TOP's line count: at most this (RFC 1939 is silent). */
#define POP3_NUM_MAX		4000000000UL

struct pop3_cmd {
	enum pop3_verb verb;
	/*
	 * USER, PASS (spaces and all, as passwords may hold them), AUTH: the
	 * rest of the line after the verb and one space; "" if none.
	 */
	const char *arg;
	int nnum;			/* numbers given: 0 to 2 */
	unsigned long num[2];		/* message number, TOP's lines */
};

/*
 * Parses @line (NUL-terminated, without its line end; changed in place).
 * The verb is case-insensitive. 0, -ENOENT for an unknown verb, -EINVAL
 * for arguments the verb does not take, with a reason in *@err_r.
 */
int pop3_cmd_parse(char *line, struct pop3_cmd *cmd, const char **err_r);

#endif /* NFPOST_POP3_CMD_H */
