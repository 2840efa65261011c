// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the guard's SMTP reader: scripted sessions, each read whole
 * and byte by byte with the same trace of steps; and the relay-domain and
 * escape helpers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "smtpg.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/* One side's bytes as the kernel keeps them: what a step left unconsumed. */
struct side {
	u8 buf[4096];
	size_t len;
};

struct run {
	struct smtpg s;
	struct side c, sv;
	char trace[8192];
	bool opaque;		/* merge runs of OPAQUE */
};

static void add(struct run *r, const char *fmt, ...)
{
	size_t n = strlen(r->trace);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->trace + n, sizeof(r->trace) - n, fmt, ap);
	va_end(ap);
	n = strlen(r->trace);
	snprintf(r->trace + n, sizeof(r->trace) - n, "|");
}

static const char *const verb_names[] = {
	"?", "HELO", "EHLO", "MAIL", "RCPT", "DATA", "BDAT", "RSET", "NOOP",
	"QUIT", "VRFY", "EXPN", "HELP", "STARTTLS", "AUTH",
};

static void record(struct run *r, const struct smtpg_out *o)
{
	if (o->ev != SMTPG_EV_OPAQUE)
		r->opaque = false;
	switch (o->ev) {
	case SMTPG_EV_CMD:
		if (o->verb == SMTPG_MAIL || o->verb == SMTPG_RCPT)
			add(r, "%s%s %.*s", verb_names[o->verb],
			    o->path_ok ? "" : "!", (int)o->arg_len, o->arg);
		else if (o->verb == SMTPG_HELO || o->verb == SMTPG_EHLO)
			add(r, "%s %.*s", verb_names[o->verb], (int)o->arg_len,
			    o->arg);
		else
			add(r, "%s", verb_names[o->verb]);
		break;
	case SMTPG_EV_AUTH_LINE:
		add(r, "authline");
		break;
	case SMTPG_EV_DATA_END:
		add(r, "end %llu", (unsigned long long)o->size);
		break;
	case SMTPG_EV_BDAT:
		if (o->last)
			add(r, "chunks %llu", (unsigned long long)o->size);
		break;
	case SMTPG_EV_EARLY:
		add(r, "early %d", o->wait);
		break;
	case SMTPG_EV_BARE_EOL:
		add(r, "bare");
		break;
	case SMTPG_EV_LONG_LINE:
		add(r, "long");
		break;
	case SMTPG_EV_OPAQUE:
		if (!r->opaque)
			add(r, "opaque");
		r->opaque = true;
		break;
	case SMTPG_EV_REPLY:
		if (o->last)
			add(r, "%u", o->code);
		break;
	case SMTPG_EV_BAD_REPLY:
		add(r, "badreply");
		break;
	default:
		break;
	}
}

static void feed(struct run *r, bool client, const char *p, size_t n)
{
	struct side *sd = client ? &r->c : &r->sv;
	struct smtpg_out o;
	size_t used;

	assert_true(sd->len + n <= sizeof(sd->buf));
	memcpy(sd->buf + sd->len, p, n);
	sd->len += n;
	while (sd->len) {
		used = client ? smtpg_client(&r->s, sd->buf, sd->len, &o) :
				smtpg_server(&r->s, sd->buf, sd->len, &o);
		record(r, &o);
		if (o.ev == SMTPG_EV_EARLY) {
			smtpg_client_early(&r->s);
			continue;
		}
		if (o.ev == SMTPG_EV_BARE_EOL)
			continue;
		if (!used) {
			assert_int_equal(o.ev, SMTPG_EV_MORE);
			assert_true(sd->len < SMTPG_LINE_MAX);
			break;
		}
		assert_true(used <= sd->len);
		memmove(sd->buf, sd->buf + used, sd->len - used);
		sd->len -= used;
	}
}

/* A script: "C:" client bytes, "S:" server bytes, NULL ends. */
struct script_case {
	const char *name;
	const char *steps[24];
	const char *trace;
	bool authed, tls, greeted;
	u8 caps;
};

static const struct script_case cases[] = {
	{ "plain session, multi-line greeting and EHLO",
	  { "S:220-mx.example ESMTP\r\n220 ready\r\n", "C:EHLO client.example\r\n",
	    "S:250-mx.example\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250 STARTTLS\r\n",
	    "C:MAIL FROM:<a@client.example> SIZE=10\r\n", "S:250 ok\r\n",
	    "C:RCPT TO:<b@mx.example>\r\n", "S:250 ok\r\n", "C:DATA\r\n",
	    "S:354 go\r\n", "C:Subject: x\r\n\r\n..dot\r\n.\r\n", "S:250 queued\r\n",
	    "C:QUIT\r\n", "S:221 bye\r\n" },
	  "220|EHLO client.example|250|MAIL a@client.example|250|RCPT b@mx.example|250|DATA|354|end 24|250|QUIT|221|",
	  false, false, true, SMTPG_CAP_PIPELINING | SMTPG_CAP_SIZE | SMTPG_CAP_STARTTLS },
	{ "pipelined commands in one segment",
	  { "S:220 hi\r\n", "C:EHLO c\r\nMAIL FROM:<a@c>\r\nRCPT TO:<b@d>\r\nRCPT TO:<e@f>\r\nDATA\r\n",
	    "S:250 x\r\n250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n", "C:x\r\n.\r\n", "S:250 ok\r\n" },
	  "220|EHLO c|MAIL a@c|RCPT b@d|RCPT e@f|DATA|250|250|250|250|354|end 6|250|",
	  false, false, true, 0 },
	{ "pregreet: bytes before the greeting, read on as commands",
	  { "C:EHLO early\r\n", "S:220 hi\r\n", "S:250 ok\r\n", "C:QUIT\r\n" },
	  "early 1|EHLO early|220|250|QUIT|", false, false, true, 0 },
	{ "bytes after DATA before 354 are early, then unread",
	  { "S:220 hi\r\n", "C:DATA\r\nRCPT TO:<x@evil>\r\n", "S:354 go\r\n" },
	  "220|DATA|early 2|opaque|", false, false, true, 0 },
	{ "refused DATA goes back to commands",
	  { "S:220 hi\r\n", "C:DATA\r\n", "S:554 no valid recipients\r\n",
	    "C:RCPT TO:<x@y>\r\n" },
	  "220|DATA|554|RCPT x@y|", false, false, true, 0 },
	{ "bare LF in DATA stops the reading",
	  { "S:220 hi\r\n", "C:DATA\r\n", "S:354 go\r\n",
	    "C:a\r\nb\n.\nRCPT TO:<x@evil>\r\n" },
	  "220|DATA|354|bare|opaque|", false, false, true, 0 },
	{ "bare CR in DATA stops the reading",
	  { "S:220 hi\r\n", "C:DATA\r\n", "S:354 go\r\n", "C:a\rb\r\n.\r\n" },
	  "220|DATA|354|bare|opaque|", false, false, true, 0 },
	{ "LF.LF in DATA is no end",
	  { "S:220 hi\r\n", "C:DATA\r\n", "S:354 go\r\n", "C:a\r\n.\n" },
	  "220|DATA|354|bare|opaque|", false, false, true, 0 },
	{ "AUTH PLAIN then 235 authenticates",
	  { "S:220 hi\r\n", "C:AUTH PLAIN AGEAYg==\r\n", "S:235 ok\r\n",
	    "C:MAIL FROM:<a@b>\r\n" },
	  "220|AUTH|235|MAIL a@b|", true, false, true, 0 },
	{ "AUTH LOGIN: responses are not commands",
	  { "S:220 hi\r\n", "C:AUTH LOGIN\r\n", "S:334 VXNlcm5hbWU6\r\n",
	    "C:RCPT TO:<a@b>\r\n", "S:334 UGFzc3dvcmQ6\r\n", "C:cGFzcw==\r\n",
	    "S:535 no\r\n", "C:NOOP\r\n" },
	  "220|AUTH|334|authline|334|authline|535|NOOP|", false, false, true, 0 },
	{ "STARTTLS then 220 makes both sides opaque",
	  { "S:220 hi\r\n", "C:STARTTLS\r\n", "S:220 go ahead\r\n",
	    "C:\x16\x03\x01\x00\x10RCPT TO:<x@evil>\r\n", "S:\x16\x03\x03garbage\n" },
	  "220|STARTTLS|220|opaque|", false, true, true, 0 },
	{ "refused STARTTLS stays readable",
	  { "S:220 hi\r\n", "C:STARTTLS\r\n", "S:454 not now\r\n", "C:RCPT TO:<x@y>\r\n" },
	  "220|STARTTLS|454|RCPT x@y|", false, false, true, 0 },
	{ "BDAT chunks are counted, their bytes unread",
	  { "S:220 hi\r\n", "C:BDAT 13\r\nRCPT TO:<x>\r\nBDAT 3 LAST\r\nabc",
	    "C:RCPT TO:<y@z>\r\n" },
	  "220|BDAT|BDAT|chunks 16|RCPT y@z|", false, false, true, 0 },
	{ "paths as nfpostd reads them",
	  { "S:220 hi\r\n", "C:RCPT TO: <a@b> NOTIFY=NEVER\r\nrcpt to:c@d\r\n"
	    "RCPT TO:<\"x>y\"@z>\r\nRCPT TO:<a@b\r\nRCPT TO:<a@b>c\r\nMAIL FROM:<>\r\n" },
	  "220|RCPT a@b|RCPT c@d|RCPT \"x>y\"@z|RCPT! <a@b|RCPT! <a@b>c|MAIL |", false, false, true, 0 },
	{ "a long line is discarded to its end, then commands go on",
	  { "S:220 hi\r\n", "C:NOOP {x600}\r\nRCPT TO:<a@b>\r\n" },
	  "220|long|RCPT a@b|", false, false, true, 0 },
	{ "a line of 510 octets is a command, 511 is long",
	  { "S:220 hi\r\n", "C:NOOP {x505}\r\nNOOP {x506}\r\nQUIT\r\n" },
	  "220|NOOP|long|QUIT|", false, false, true, 0 },
	{ "bad reply lines are counted, not followed",
	  { "S:hello\r\n220 hi\r\n", "C:QUIT\r\n" },
	  "badreply|220|QUIT|", false, false, true, 0 },
	{ "a 554 greeting is no greeting",
	  { "S:554 go away\r\n", "C:QUIT\r\n" },
	  "554|QUIT|", false, false, false, 0 },
};

/* "{xN}" in a step stands for N 'x' bytes. */
static size_t expand(const char *in, char *out, size_t size)
{
	size_t o = 0;
	const char *p;
	char *end;
	long n;

	for (p = in; *p; p++) {
		if (p[0] == '{' && p[1] == 'x') {
			n = strtol(p + 2, &end, 10);
			if (*end == '}') {
				assert_true(o + n < size);
				memset(out + o, 'x', n);
				o += n;
				p = end;
				continue;
			}
		}
		assert_true(o + 1 < size);
		out[o++] = *p;
	}
	return o;
}

static void play(const struct script_case *c, size_t piece, struct run *r)
{
	char buf[2048];
	size_t i, n, off;

	memset(r, 0, sizeof(*r));
	smtpg_init(&r->s);
	for (i = 0; i < ARRAY_LEN(c->steps) && c->steps[i]; i++) {
		n = expand(c->steps[i] + 2, buf, sizeof(buf));
		for (off = 0; off < n; off += piece)
			feed(r, c->steps[i][0] == 'C', buf + off,
			     n - off < piece ? n - off : piece);
	}
}

static void scripts_read_alike_whole_and_byte_by_byte(void **state)
{
	static const size_t pieces[] = { 1, 2, 3, 7, 100000 };
	struct run *r = malloc(sizeof(*r));
	size_t i, j;

	(void)state;
	assert_non_null(r);
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		const struct script_case *c = &cases[i];

		for (j = 0; j < ARRAY_LEN(pieces); j++) {
			play(c, pieces[j], r);
			if (strcmp(r->trace, c->trace))
				fail_msg("%s (pieces of %zu):\n got  %s\n want %s",
					 c->name, pieces[j], r->trace, c->trace);
			if (r->s.authed != c->authed || r->s.tls != c->tls ||
			    r->s.greeted != c->greeted ||
			    (c->caps && r->s.caps != c->caps))
				fail_msg("%s: authed %d tls %d greeted %d caps %#x",
					 c->name, r->s.authed, r->s.tls,
					 r->s.greeted, r->s.caps);
		}
	}
	free(r);
}

static void pipelining_after_data_is_early_until_the_reply(void **state)
{
	static const char cmd[] = "DATA\r\nx";
	struct smtpg s;
	struct smtpg_out o;
	size_t n;

	(void)state;
	smtpg_init(&s);
	assert_int_equal(smtpg_server(&s, (const u8 *)"220 x\r\n", 7, &o), 7);
	n = smtpg_client(&s, (const u8 *)cmd, sizeof(cmd) - 1, &o);
	assert_int_equal(n, 6);
	assert_int_equal(o.verb, SMTPG_DATA);
	assert_int_equal(smtpg_client(&s, (const u8 *)"x", 1, &o), 0);
	assert_int_equal(o.ev, SMTPG_EV_EARLY);
	assert_int_equal(o.wait, SMTPG_W_DATA);
	assert_int_equal(smtpg_server(&s, (const u8 *)"354 go\r\n", 8, &o), 8);
	assert_int_equal(smtpg_client(&s, (const u8 *)"x", 1, &o), 1);
	assert_int_equal(o.ev, SMTPG_EV_DATA);
}

static void data_size_counts_every_byte_to_the_end(void **state)
{
	static const char msg[] = "12345\r\n..6\r\n.\r\nQUIT\r\n";
	struct smtpg s;
	struct smtpg_out o;

	(void)state;
	smtpg_init(&s);
	smtpg_server(&s, (const u8 *)"220 x\r\n", 7, &o);
	smtpg_client(&s, (const u8 *)"DATA\r\n", 6, &o);
	smtpg_server(&s, (const u8 *)"354 x\r\n", 7, &o);
	assert_int_equal(smtpg_client(&s, (const u8 *)msg, sizeof(msg) - 1, &o),
			 15);
	assert_int_equal(o.ev, SMTPG_EV_DATA_END);
	assert_int_equal(o.size, 15);
	assert_int_equal(s.pending, 1);
}

/*
 * DATA until its end or a bare line end, fed in pieces of @piece bytes:
 * the event that stopped it and the size read by then.
 */
static enum smtpg_ev data_stops(const char *body, size_t len, size_t piece,
				u64 *size)
{
	struct smtpg s;
	struct smtpg_out o;
	size_t off = 0, n, used;

	smtpg_init(&s);
	smtpg_server(&s, (const u8 *)"220 x\r\n", 7, &o);
	smtpg_client(&s, (const u8 *)"DATA\r\n", 6, &o);
	smtpg_server(&s, (const u8 *)"354 x\r\n", 7, &o);
	while (off < len) {
		n = len - off < piece ? len - off : piece;
		used = smtpg_client(&s, (const u8 *)body + off, n, &o);
		*size = s.size;
		if (o.ev != SMTPG_EV_DATA)
			return o.ev;
		assert_true(used > 0 && used <= n);
		off += used;
	}
	return SMTPG_EV_DATA;
}

/*
 * Text runs are read a word at a time: a line end at any offset in a word,
 * and a bare CR or LF there, must be seen as the byte table sees them.
 */
static void data_line_ends_at_every_offset_in_a_word(void **state)
{
	static const char *const ends[] = { "\r\n", "\r", "\n", "\rx\n" };
	static const size_t pieces[] = { 1, 3, 8, 9, 4096 };
	char body[128];
	size_t k, e, j, len;
	enum smtpg_ev ev;
	u64 size;

	(void)state;
	for (k = 0; k < 40; k++) {
		for (e = 0; e < ARRAY_LEN(ends); e++) {
			memset(body, 'y', k);
			len = k + sprintf(body + k, "%syyyyyyyyyyyy\r\n.\r\nQUIT\r\n",
					  ends[e]);
			for (j = 0; j < ARRAY_LEN(pieces); j++) {
				size = 0;
				ev = data_stops(body, len, pieces[j], &size);
				if (e == 0) {
					assert_int_equal(ev, SMTPG_EV_DATA_END);
					assert_int_equal(size, k + 2 + 14 + 3);
				} else {
					/* a CR is taken, its next byte is not */
					assert_int_equal(ev, SMTPG_EV_BARE_EOL);
					assert_int_equal(size,
							 k + (ends[e][0] == '\r'));
				}
			}
		}
	}
}

struct domain_case {
	const char *path;
	const char *domain;	/* NULL: -EINVAL */
};

static const struct domain_case domain_cases[] = {
	{ "a@b.example", "b.example" },
	{ "user%evil.example@local.example", "evil.example" },
	{ "a%b%evil.example@local.example", "evil.example" },
	{ "evil.example!user@local.example", "evil.example" },
	{ "next.example!evil.example!user@local.example", "next.example" },
	{ "\"user@evil.example\"@local.example", "evil.example" },
	{ "\"a\\\"b\"@local.example", "local.example" },
	{ "@hop.example,@hop2.example:user@evil.example", "evil.example" },
	{ "@hop.example:user%evil.example@local.example", "evil.example" },
	{ "postmaster", "" },
	{ "user%evil.example", "evil.example" },
	{ "@bad route:a@b", NULL },
	{ "\"unterminated@b", NULL },
	{ "a@", "" },
};

static void next_domain_sees_through_relay_syntax(void **state)
{
	const char *d;
	size_t i, len;
	int ret;

	(void)state;
	for (i = 0; i < ARRAY_LEN(domain_cases); i++) {
		const struct domain_case *c = &domain_cases[i];

		ret = smtpg_next_domain(c->path, &d, &len);
		if (!c->domain) {
			if (ret != -EINVAL)
				fail_msg("%s: want -EINVAL, got %d", c->path, ret);
			continue;
		}
		if (ret || len != strlen(c->domain) ||
		    memcmp(d, c->domain, len))
			fail_msg("%s: got %d \"%.*s\", want \"%s\"", c->path,
				 ret, (int)len, ret ? "" : d, c->domain);
	}
}

static void escape_makes_any_bytes_printable(void **state)
{
	static const u8 in[] = "a\\b\r\n\x01\xff";
	char out[64];

	(void)state;
	assert_int_equal(smtpg_escape(in, sizeof(in) - 1, out, sizeof(out)), 20);
	assert_string_equal(out, "a\\\\b\\x0d\\x0a\\x01\\xff");
	/* Cut at a whole escape, always terminated. */
	assert_int_equal(smtpg_escape(in, sizeof(in) - 1, out, 6), 4);
	assert_string_equal(out, "a\\\\b");
	assert_int_equal(smtpg_escape(in, sizeof(in) - 1, out, 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scripts_read_alike_whole_and_byte_by_byte),
		cmocka_unit_test(data_line_ends_at_every_offset_in_a_word),
		cmocka_unit_test(pipelining_after_data_is_early_until_the_reply),
		cmocka_unit_test(data_size_counts_every_byte_to_the_end),
		cmocka_unit_test(next_domain_sees_through_relay_syntax),
		cmocka_unit_test(escape_makes_any_bytes_printable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
