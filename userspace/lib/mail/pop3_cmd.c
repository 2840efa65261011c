// SPDX-License-Identifier: GPL-2.0
/*
 * POP3 command lines: the verb, then what RFC 1939 and its extensions say
 * each verb takes (a name, a password, numbers, a SASL mechanism).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "pop3_cmd.h"

/* What a verb's argument is. */
enum args {
	A_NONE,		/* nothing */
	A_REST,		/* the rest of the line, required */
	A_REST_OPT,	/* the rest of the line, if any */
	A_MSG_OPT,	/* a message number, if any */
	A_MSG,		/* a message number */
	A_MSG_LINES,	/* a message number and a line count */
};

static const struct {
	enum pop3_verb verb;
	const char *name;
	enum args args;
} verbs[] = {
	{ POP3_USER, "USER", A_REST }, { POP3_PASS, "PASS", A_REST_OPT },
	{ POP3_APOP, "APOP", A_REST }, { POP3_AUTH, "AUTH", A_REST_OPT },
	{ POP3_STLS, "STLS", A_NONE }, { POP3_CAPA, "CAPA", A_NONE },
	{ POP3_QUIT, "QUIT", A_NONE }, { POP3_STAT, "STAT", A_NONE },
	{ POP3_LIST, "LIST", A_MSG_OPT }, { POP3_RETR, "RETR", A_MSG },
	{ POP3_DELE, "DELE", A_MSG }, { POP3_NOOP, "NOOP", A_NONE },
	{ POP3_RSET, "RSET", A_NONE }, { POP3_TOP, "TOP", A_MSG_LINES },
	{ POP3_UIDL, "UIDL", A_MSG_OPT },
};

/* Decimal digits only, no sign, at most POP3_NUM_MAX. */
static bool number(const char *s, size_t len, unsigned long *out)
{
	unsigned long v = 0;
	size_t i;

	if (!len || len > 10)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > POP3_NUM_MAX)
		return false;
	*out = v;
	return true;
}

/* Up to @max space-separated numbers; trailing spaces are forgiven. */
static int numbers(const char *p, struct pop3_cmd *cmd, int min, int max,
		   const char **err_r)
{
	size_t len;

	cmd->nnum = 0;
	for (;;) {
		p += strspn(p, " ");
		if (!*p)
			break;
		len = strcspn(p, " ");
		if (cmd->nnum == max) {
			*err_r = "Too many arguments";
			return -EINVAL;
		}
		if (!number(p, len, &cmd->num[cmd->nnum])) {
			*err_r = "Invalid number";
			return -EINVAL;
		}
		cmd->nnum++;
		p += len;
	}
	if (cmd->nnum < min) {
		*err_r = "Missing argument";
		return -EINVAL;
	}
	return 0;
}

static int args(const char *rest, enum args a, struct pop3_cmd *cmd,
		const char **err_r)
{
	switch (a) {
	case A_NONE:
		if (rest[strspn(rest, " ")]) {
			*err_r = "No arguments allowed";
			return -EINVAL;
		}
		return 0;
	case A_REST:
		if (!*rest) {
			*err_r = "Missing argument";
			return -EINVAL;
		}
		/* fall through */
	case A_REST_OPT:
		cmd->arg = rest;
		return 0;
	case A_MSG_OPT:
		return numbers(rest, cmd, 0, 1, err_r);
	case A_MSG:
		return numbers(rest, cmd, 1, 1, err_r);
	default:
		return numbers(rest, cmd, 2, 2, err_r);
	}
}

int pop3_cmd_parse(char *line, struct pop3_cmd *cmd, const char **err_r)
{
	size_t vlen = strcspn(line, " "), i;
	const char *rest;

	memset(cmd, 0, sizeof(*cmd));
	cmd->arg = "";
	*err_r = NULL;
	rest = line + vlen + (line[vlen] == ' ');
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strlen(verbs[i].name) != vlen ||
		    strncasecmp(line, verbs[i].name, vlen))
			continue;
		cmd->verb = verbs[i].verb;
		return args(rest, verbs[i].args, cmd, err_r);
	}
	*err_r = "Unknown command";
	return -ENOENT;
}
