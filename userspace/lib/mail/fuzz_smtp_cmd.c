// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of smtp_cmd.c: the line reader gives the same lines fed
 * whole or in two pieces, and no line or command breaks the parser's promises.
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_cmd.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void check_param(const struct smtp_param *p)
{
	const char *c;

	assert(p->key && *p->key && *p->key != '-');
	for (c = p->key; *c; c++)
		assert((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		       *c == '-');
	if (!p->value)
		return;
	assert(*p->value);
	for (c = p->value; *c; c++)
		assert(*c > ' ' && *c < 0x7f && *c != '=');
}

/* Parses a copy of @line of exactly its size, so ASan sees any overread. */
static void parse(const char *line, size_t len)
{
	char *buf = malloc(len + 1);
	const char *err = NULL;
	struct smtp_cmd cmd;
	size_t alen;
	int i, ret;

	memcpy(buf, line, len);
	buf[len] = '\0';
	ret = smtp_cmd_parse(buf, &cmd, &err);
	assert(ret == 0 || ret == -EINVAL || ret == -ENOENT);
	assert(!ret == !err);
	assert((ret == -ENOENT) == (cmd.verb == SMTP_UNKNOWN));
	if (!ret) {
		alen = strlen(cmd.arg);
		assert(!alen || (!is_blank(*cmd.arg) &&
				 !is_blank(cmd.arg[alen - 1])));
		assert(!cmd.path == (cmd.verb != SMTP_MAIL &&
				     cmd.verb != SMTP_RCPT));
		assert(cmd.nparams >= 0 && cmd.nparams <= SMTP_MAX_PARAMS);
		for (i = 0; i < cmd.nparams; i++)
			check_param(&cmd.params[i]);
	}
	free(buf);
}

struct transcript {
	char *buf;
	size_t len;
};

static void append(struct transcript *t, const char *p, size_t n)
{
	memcpy(t->buf + t->len, p, n);
	t->len += n;
}

/* One status byte, then the line and a NUL for OK: at most 2 per input byte. */
static void feed(const char *in, size_t n, size_t split, struct transcript *t,
		 bool parse_lines, size_t max)
{
	enum smtp_line_status st;
	struct smtp_line l;
	size_t off = 0, end, used;
	char s;

	smtp_line_init_max(&l, max);
	while (off < n) {
		end = off < split ? split : n;
		used = smtp_line_feed(&l, in + off, end - off, &st);
		assert(used > 0 && used <= end - off);
		off += used;
		if (st == SMTP_LINE_MORE)
			continue;
		s = (char)st;
		append(t, &s, 1);
		assert(l.buf[l.len] == '\0');
		if (st != SMTP_LINE_OK) {
			assert(!l.len);
			continue;
		}
		assert(l.len <= max - 2 && strlen(l.buf) == l.len);
		assert(!memchr(l.buf, '\n', l.len));
		append(t, l.buf, l.len + 1);
		if (parse_lines)
			parse(l.buf, l.len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size heap copy lets ASan catch any read past the end. */
	char *in = malloc(size ? size : 1);
	struct transcript a = { malloc(2 * size + 1), 0 };
	struct transcript b = { malloc(2 * size + 1), 0 };
	struct transcript c = { malloc(2 * size + 1), 0 };
	struct transcript e = { malloc(2 * size + 1), 0 };
	size_t split = size ? (data[0] * 257u + size) % size : 0;

	memcpy(in, data, size);
	feed(in, size, 0, &a, true, SMTP_LINE_MAX);
	feed(in, size, split, &b, false, SMTP_LINE_MAX);
	assert(a.len == b.len && !memcmp(a.buf, b.buf, a.len));
	/* The same for RFC 3461's longer lines (the session's reader). */
	feed(in, size, 0, &c, true, SMTP_LINE_MAX_DSN);
	feed(in, size, split, &e, false, SMTP_LINE_MAX_DSN);
	assert(c.len == e.len && !memcmp(c.buf, e.buf, c.len));
	parse(in, size);
	free(a.buf);
	free(b.buf);
	free(c.buf);
	free(e.buf);
	free(in);
	return 0;
}
