// SPDX-License-Identifier: GPL-2.0
/*
 * The reply reader of smtp_reply.h: a line is gathered up to its LF, then
 * checked against the lines before it.
 *
 *   reply     = *( code "-" text CRLF ) code [ SP text ] CRLF
 *   code      = %x32-35 %x30-35 DIGIT     (RFC 5321 4.2, 4.2.1)
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "smtp_reply.h"

enum { R_START, R_LINE, R_DONE, R_BAD };

void smtp_reply_init(struct smtp_reply *r)
{
	memset(r, 0, sizeof(*r));
}

static int parse_code(const char *s)
{
	if (s[0] < '2' || s[0] > '5' || s[1] < '0' || s[1] > '5' ||
	    s[2] < '0' || s[2] > '9')
		return -1;
	return (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
}

static unsigned int keyword(const char *s, size_t len)
{
	static const struct {
		const char *name;
		unsigned int bit;
	} known[] = {
		{ "STARTTLS", SMTP_REPLY_EXT_STARTTLS },
		{ "8BITMIME", SMTP_REPLY_EXT_8BITMIME },
		{ "SMTPUTF8", SMTP_REPLY_EXT_SMTPUTF8 },
		{ "PIPELINING", SMTP_REPLY_EXT_PIPELINING },
		{ "DSN", SMTP_REPLY_EXT_DSN },
	};
	size_t i, n = strcspn(s, " ");

	if (n > len)
		n = len;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strlen(known[i].name) == n &&
		    !strncasecmp(s, known[i].name, n))
			return known[i].bit;
	return 0;
}

static void copy_text(char *dst, const char *src, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? src[i] : '?';
	dst[len] = '\0';
}

/* One whole line in r->line (r->len bytes, maybe more were cut). */
static enum smtp_reply_status end_line(struct smtp_reply *r)
{
	size_t len = r->len < sizeof(r->line) ? r->len : sizeof(r->line) - 1;
	bool last;
	int code;

	if (r->len <= sizeof(r->line) - 1 && len && r->line[len - 1] == '\r')
		len--;
	r->line[len] = '\0';
	code = len >= 3 ? parse_code(r->line) : -1;
	if (code < 0 || (len > 3 && r->line[3] != ' ' && r->line[3] != '-') ||
	    (r->lines && code != r->code) ||
	    r->lines >= SMTP_REPLY_LINES_MAX) {
		r->state = R_BAD;
		return SMTP_REPLY_BAD;
	}
	r->code = code;
	if (r->lines && len > 4)
		r->ext |= keyword(r->line + 4, len - 4);
	r->lines++;
	last = len == 3 || r->line[3] == ' ';
	copy_text(r->text, r->line, len);
	r->len = 0;
	r->state = last ? R_DONE : R_LINE;
	return last ? SMTP_REPLY_DONE : SMTP_REPLY_MORE;
}

size_t smtp_reply_feed(struct smtp_reply *r, const char *in, size_t n,
		       enum smtp_reply_status *status_r)
{
	size_t i;

	*status_r = SMTP_REPLY_MORE;
	if (r->state == R_BAD) {
		*status_r = SMTP_REPLY_BAD;
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (r->state == R_DONE || r->state == R_START) {
			r->code = r->lines = 0;
			r->ext = 0;
			r->text[0] = '\0';
			r->state = R_LINE;
		}
		if (in[i] != '\n') {
			if (r->len < sizeof(r->line))
				r->line[r->len++] = in[i];
			continue;
		}
		*status_r = end_line(r);
		if (*status_r != SMTP_REPLY_MORE)
			return i + 1;
	}
	return n;
}
