// SPDX-License-Identifier: GPL-2.0
/*
 * SMTP command lines: the reader that cuts client bytes into lines under the
 * 512-octet limit, and the syntax check of one line against its verb.
 */
#include <errno.h>
#include <string.h>

#include "smtp_cmd.h"

#define BLANKS	" \t"

/* ASCII only: the daemon may run under any locale. */
static char ascii_upper(char c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

static bool ascii_ncaseeq(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (ascii_upper(*a) != ascii_upper(*b))
			return false;
		if (!*a)
			break;
	}
	return true;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

void smtp_line_init_max(struct smtp_line *l, size_t max)
{
	memset(l, 0, sizeof(*l));
	l->max = max < 3 || max > SMTP_LINE_MAX_DSN ? SMTP_LINE_MAX_DSN : max;
}

void smtp_line_init(struct smtp_line *l)
{
	smtp_line_init_max(l, SMTP_LINE_MAX);
}

/*
 * A CR is stored like any byte and dropped at the LF if it is last, so a CR
 * at the end of one chunk needs no state of its own. Room is kept for
 * max - 2 octets of text plus that CR; one byte more and the line is too
 * long.
 */
/* A reader never initialised (all zero) has the RFC 5321 limit. */
static size_t limit(const struct smtp_line *l)
{
	return l->max ? l->max : SMTP_LINE_MAX;
}

static void line_store(struct smtp_line *l, char c)
{
	if (!c)
		l->nul = true;
	if (l->overflow)
		return;
	if (l->len == limit(l) - 1) {
		l->overflow = true;
		return;
	}
	l->buf[l->len++] = c;
}

static enum smtp_line_status line_end(struct smtp_line *l)
{
	enum smtp_line_status st = SMTP_LINE_OK;

	if (l->len && l->buf[l->len - 1] == '\r')
		l->len--;
	if (l->overflow || l->len > limit(l) - 2)
		st = SMTP_LINE_TOO_LONG;
	else if (l->nul)
		st = SMTP_LINE_HAS_NUL;
	if (st != SMTP_LINE_OK)
		l->len = 0;
	l->buf[l->len] = '\0';
	l->ended = true;
	return st;
}

size_t smtp_line_feed(struct smtp_line *l, const char *in, size_t n,
		      enum smtp_line_status *status_r)
{
	size_t i;

	if (l->ended)
		smtp_line_init_max(l, limit(l));
	for (i = 0; i < n; i++) {
		if (in[i] == '\n') {
			*status_r = line_end(l);
			return i + 1;
		}
		line_store(l, in[i]);
	}
	*status_r = SMTP_LINE_MORE;
	return n;
}

static char *skip_blanks(char *p)
{
	return p + strspn(p, BLANKS);
}

static void trim_end(char *p)
{
	size_t len = strlen(p);

	while (len && is_blank(p[len - 1]))
		p[--len] = '\0';
}

/*
 * Finds the end of a path: the '>' closing a '<' at @p, or else the first
 * blank. '<', '>' and blanks inside a quoted local part do not count
 * ("<\"a>b\"@c>"). Returns NULL if the brackets do not pair.
 */
static char *path_end(char *p)
{
	bool bracket = *p == '<', quoted = false;

	for (p += bracket; *p; p++) {
		if (quoted && *p == '\\' && p[1])
			p++;
		else if (*p == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (*p == '>')
			return bracket ? p : NULL;
		else if (*p == '<')
			return NULL;
		else if (!bracket && is_blank(*p))
			return p;
	}
	return bracket || quoted ? NULL : p;
}

/* KEY or KEY=value (RFC 5321 4.1.2 esmtp-param); the key is upper-cased. */
static int parse_param(struct smtp_param *param, char *tok)
{
	char *p = tok;

	if (!is_alnum(*p))
		return -EINVAL;
	for (; is_alnum(*p) || *p == '-'; p++)
		*p = ascii_upper(*p);
	param->key = tok;
	param->value = NULL;
	if (!*p)
		return 0;
	if (*p != '=' || !p[1])
		return -EINVAL;
	*p++ = '\0';
	param->value = p;
	for (; *p; p++)
		if (*p < 0x21 || *p > 0x7e || *p == '=')
			return -EINVAL;
	return 0;
}

static int parse_params(struct smtp_cmd *cmd, const char *text,
			const char **err_r)
{
	char *p = cmd->pbuf, *tok;

	if (strlen(text) >= sizeof(cmd->pbuf))
		return -EINVAL;
	strcpy(p, text);
	while (*(p = skip_blanks(p))) {
		tok = p;
		p += strcspn(p, BLANKS);
		if (*p)
			*p++ = '\0';
		if (cmd->nparams == SMTP_MAX_PARAMS) {
			*err_r = "Too many ESMTP parameters";
			return -EINVAL;
		}
		if (parse_param(&cmd->params[cmd->nparams++], tok)) {
			*err_r = "Syntax: bad ESMTP parameter";
			return -EINVAL;
		}
	}
	return 0;
}

/* "FROM:<path> params" or "TO:<path> params", after the verb. */
static int parse_path_cmd(struct smtp_cmd *cmd, char *arg, const char *word,
			  const char **err_r)
{
	size_t wlen = strlen(word);
	char *path, *end;

	if (!ascii_ncaseeq(arg, word, wlen))
		return -EINVAL;
	path = skip_blanks(arg + wlen);
	end = path_end(path);
	if (!end || end == path)
		return -EINVAL;
	if (*path == '<') {
		*end++ = '\0';
		path++;
		if (*end && !is_blank(*end))
			return -EINVAL;
	}
	if (*end)
		*end++ = '\0';
	cmd->path = path;
	cmd->arg = skip_blanks(end);
	return parse_params(cmd, cmd->arg, err_r);
}

static int check_mail(struct smtp_cmd *cmd, char *arg, const char **err_r)
{
	return parse_path_cmd(cmd, arg, "FROM:", err_r);
}

static int check_rcpt(struct smtp_cmd *cmd, char *arg, const char **err_r)
{
	return parse_path_cmd(cmd, arg, "TO:", err_r);
}

/* "size [LAST]" (RFC 3030): a decimal size that fits 64 bits. */
static int check_bdat(struct smtp_cmd *cmd, char *arg, const char **err_r)
{
	uint64_t size = 0;
	char *p = arg;

	(void)err_r;
	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (size > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -EINVAL;
		size = size * 10 + (uint64_t)(*p - '0');
	}
	if (*p && !is_blank(*p))
		return -EINVAL;
	p = skip_blanks(p);
	if (*p && (!ascii_ncaseeq(p, "LAST", 4) || p[4]))
		return -EINVAL;
	cmd->bdat_size = size;
	cmd->bdat_last = *p;
	return 0;
}

static int arg_none(struct smtp_cmd *cmd, char *arg, const char **err_r)
{
	(void)cmd;
	(void)err_r;
	return *arg ? -EINVAL : 0;
}

static int arg_needed(struct smtp_cmd *cmd, char *arg, const char **err_r)
{
	(void)cmd;
	(void)err_r;
	return *arg ? 0 : -EINVAL;
}

static int arg_any(struct smtp_cmd *cmd, char *arg, const char **err_r)
{
	(void)cmd;
	(void)arg;
	(void)err_r;
	return 0;
}

/*
 * The verbs and the check of their arguments, with the reason given for a
 * 501 when the check fails (the wording is Postfix's, which clients and
 * course notes know). VRFY, EXPN and AUTH need an argument (RFC 5321
 * 4.1.1.6-7, RFC 4954); NOOP and HELP may take one.
 */
static const struct verb {
	const char *name;
	enum smtp_verb verb;
	int (*check)(struct smtp_cmd *cmd, char *arg, const char **err_r);
	const char *syntax;
} verbs[] = {
	{ "HELO", SMTP_HELO, arg_needed, "Syntax: HELO hostname" },
	{ "EHLO", SMTP_EHLO, arg_needed, "Syntax: EHLO hostname" },
	{ "MAIL", SMTP_MAIL, check_mail, "Syntax: MAIL FROM:<address>" },
	{ "RCPT", SMTP_RCPT, check_rcpt, "Syntax: RCPT TO:<address>" },
	{ "DATA", SMTP_DATA, arg_none, "Syntax: DATA" },
	{ "BDAT", SMTP_BDAT, check_bdat, "Syntax: BDAT size [LAST]" },
	{ "RSET", SMTP_RSET, arg_none, "Syntax: RSET" },
	{ "NOOP", SMTP_NOOP, arg_any, NULL },
	{ "QUIT", SMTP_QUIT, arg_none, "Syntax: QUIT" },
	{ "VRFY", SMTP_VRFY, arg_needed, "Syntax: VRFY address" },
	{ "EXPN", SMTP_EXPN, arg_needed, "Syntax: EXPN list" },
	{ "HELP", SMTP_HELP, arg_any, NULL },
	{ "STARTTLS", SMTP_STARTTLS, arg_none, "Syntax: STARTTLS" },
	{ "AUTH", SMTP_AUTH, arg_needed, "Syntax: AUTH mechanism" },
};

static const struct verb *find_verb(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strlen(verbs[i].name) == len &&
		    ascii_ncaseeq(name, verbs[i].name, len))
			return &verbs[i];
	return NULL;
}

int smtp_cmd_parse(char *line, struct smtp_cmd *cmd, const char **err_r)
{
	const char *err = NULL;
	const struct verb *v;
	char *name, *arg;
	int ret;

	memset(cmd, 0, offsetof(struct smtp_cmd, pbuf));
	cmd->arg = "";
	name = skip_blanks(line);
	arg = name + strcspn(name, BLANKS);
	v = find_verb(name, arg - name);
	if (!v) {
		if (err_r)
			*err_r = "Error: command not recognized";
		return -ENOENT;
	}
	cmd->verb = v->verb;
	arg = skip_blanks(arg);
	trim_end(arg);
	cmd->arg = arg;
	ret = v->check(cmd, arg, &err);
	if (err_r)
		*err_r = ret ? (err ? err : v->syntax) : NULL;
	return ret;
}

size_t smtp_cmd_line_max(enum smtp_verb verb)
{
	if (verb == SMTP_MAIL)
		return SMTP_LINE_MAX_MAIL;
	return verb == SMTP_RCPT ? SMTP_LINE_MAX_DSN : SMTP_LINE_MAX;
}

const char *smtp_cmd_param(const struct smtp_cmd *cmd, const char *key,
			   bool *found_r)
{
	int i;

	for (i = 0; i < cmd->nparams; i++) {
		if (strlen(cmd->params[i].key) == strlen(key) &&
		    ascii_ncaseeq(cmd->params[i].key, key, strlen(key))) {
			if (found_r)
				*found_r = true;
			return cmd->params[i].value;
		}
	}
	if (found_r)
		*found_r = false;
	return NULL;
}
