// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for dsn.c: the status code taken from a reply, and the bounce
 * (RFC 3464) read back part by part.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <event2/buffer.h>

#include "dsn.h"
#include "test_table.h"

struct status_case {
	const char *name;
	const char *reply;
	const char *status;
};

static const struct status_case status_cases[] = {
	{ "status: enhanced 5.1.1", "550 5.1.1 User unknown", "5.1.1" },
	{ "status: enhanced 4.3.0", "451 4.3.0 x", "4.3.0" },
	{ "status: enhanced 2.0.0", "250 2.0.0 Ok", "2.0.0" },
	{ "status: enhanced code ends the reply", "554 5.7.1", "5.7.1" },
	{ "status: enhanced code before CRLF", "452 4.2.2\r\n", "4.2.2" },
	{ "status: three-digit subject and detail", "550 5.123.456 x",
	  "5.123.456" },
	{ "status: no enhanced code, 5xx", "550 User unknown", "5.0.0" },
	{ "status: no enhanced code, 4xx", "421 too busy", "4.0.0" },
	{ "status: code glued to text is not enhanced", "550 5.1.1x",
	  "5.0.0" },
	{ "status: class 3 is not enhanced", "550 3.1.1 x", "5.0.0" },
	{ "status: four-digit detail is not enhanced", "550 5.1.1000 x",
	  "5.0.0" },
	{ "status: two parts are not enhanced", "451 4.1 x", "4.0.0" },
	{ "status: a sign is not a digit", "550 5.-1.1 x", "5.0.0" },
	{ "status: a space inside is not enhanced", "550 5. 1.1 x", "5.0.0" },
	{ "status: reply code alone", "554", "5.0.0" },
	{ "status: empty reply", "", "4.0.0" },
};

static void status_taken(void **state)
{
	const struct status_case *c = *state;
	char buf[16];

	memset(buf, 'X', sizeof(buf));
	dsn_status(c->reply, buf, sizeof(buf));
	assert_string_equal(buf, c->status);
}

/*
 * One bounce, built once: mail from alice to bob (refused by the next hop)
 * and carol (never reached), the original with its body.
 */
#define HOST	"mx.example.org"
#define ID	"4QxYz0AbCdB"
#define ORIG	"Received: from client.example.com\r\n" \
		"\tby mx.example.org; Tue, 14 Nov 2023 22:13:20 +0000\r\n" \
		"From: Alice <alice@example.com>\r\n" \
		"Subject: the original subject\r\n" \
		"Message-ID: <orig@example.com>\r\n" \
		"\r\n" \
		"the secret body line\r\n" \
		"\r\n" \
		"X-Not-A-Header: in the body\r\n"

static char *dsn;		/* the bounce, NUL-terminated */
static char *part[4];		/* [0]: top headers; 1..3: the three parts */

static const struct dsn_failure failures[] = {
	{ "bob@example.net", "5.1.1", "mx.example.net",
	  "550 5.1.1 <bob@example.net>: User unknown", DSN_FAILED, NULL },
	{ "carol@example.net", "4.4.7", "",
	  "delivery time expired (connection timed out)", DSN_FAILED, NULL },
};

static char *build(const char *orig)
{
	struct queue_entry e = { .arrival = 1700000000 };
	struct evbuffer *out = evbuffer_new();
	size_t len;
	char *text;

	assert_non_null(out);
	strcpy(e.id, "4QxYz0AbCd1");
	strcpy(e.from, "alice@example.com");
	dsn_build(out, HOST, ID, &e, failures, ARRAY_SIZE(failures), orig,
		  strlen(orig));
	len = evbuffer_get_length(out);
	text = malloc(len + 1);
	assert_non_null(text);
	assert_int_equal(evbuffer_remove(out, text, len), len);
	text[len] = '\0';
	evbuffer_free(out);
	return text;
}

/* The text between "\r\n--" BOUNDARY "\r\n" lines, each NUL-terminated. */
static int split(void **state)
{
	const char *delim = "\r\n--" ID "/" HOST "\r\n";
	char *p, *next;
	int i;

	(void)state;
	dsn = build(ORIG);
	part[0] = strdup(dsn);
	p = strstr(part[0], "\r\n\r\n");
	if (!p)
		return -1;
	p[2] = '\0';		/* the top headers, last CRLF kept */
	p += 4;
	for (i = 1; i < 4; i++) {
		p = strstr(p, delim);
		if (!p)
			return -1;
		part[i] = p + strlen(delim);
		p = part[i];
	}
	/* Cut each part at the next delimiter (or the closing one). */
	for (i = 1; i < 4; i++) {
		next = strstr(part[i], "\r\n--" ID "/" HOST);
		if (!next)
			return -1;
		next[2] = '\0';	/* the part's last CRLF kept */
	}
	return 0;
}

static int unsplit(void **state)
{
	(void)state;
	free(part[0]);
	free(dsn);
	return 0;
}

struct part_case {
	const char *name;
	int part;		/* 0: top headers, 1..3 */
	const char *text;
	bool present;
};

static const struct part_case part_cases[] = {
	{ "header: From MAILER-DAEMON", 0,
	  "From: Mail Delivery System <MAILER-DAEMON@" HOST ">\r\n", true },
	{ "header: To the sender", 0, "\r\nTo: <alice@example.com>\r\n",
	  true },
	{ "header: Subject", 0,
	  "\r\nSubject: Undelivered Mail Returned to Sender\r\n", true },
	{ "header: Auto-Submitted", 0, "\r\nAuto-Submitted: auto-replied\r\n",
	  true },
	{ "header: MIME-Version", 0, "\r\nMIME-Version: 1.0\r\n", true },
	{ "header: Message-ID from the id", 0,
	  "\r\nMessage-ID: <" ID ".bounce@" HOST ">\r\n", true },
	{ "header: Date", 0, "\r\nDate: ", true },
	{ "header: multipart/report with report-type and boundary", 0,
	  "\r\nContent-Type: multipart/report;\r\n"
	  "\treport-type=delivery-status;\r\n"
	  "\tboundary=\"" ID "/" HOST "\"\r\n", true },

	{ "part 1: text/plain", 1,
	  "Content-Type: text/plain; charset=us-ascii\r\n\r\n", true },
	{ "part 1: names the host", 1, "at host " HOST ".\r\n", true },
	{ "part 1: remote reply quoted", 1,
	  "\r\n<bob@example.net>: mx.example.net said: 550 5.1.1 "
	  "<bob@example.net>: User unknown\r\n", true },
	{ "part 1: local reason without a remote", 1,
	  "\r\n<carol@example.net>: delivery time expired "
	  "(connection timed out)\r\n", true },

	{ "part 2: message/delivery-status", 2,
	  "Content-Type: message/delivery-status\r\n\r\n", true },
	{ "part 2: per-message fields", 2,
	  "\r\n\r\nReporting-MTA: dns; " HOST "\r\n"
	  "X-Nfpost-Queue-ID: 4QxYz0AbCd1\r\nArrival-Date: ", true },
	{ "part 2: remote recipient fields", 2,
	  "\r\n\r\nFinal-Recipient: rfc822; bob@example.net\r\n"
	  "Action: failed\r\nStatus: 5.1.1\r\n"
	  "Remote-MTA: dns; mx.example.net\r\n"
	  "Diagnostic-Code: smtp; 550 5.1.1 <bob@example.net>: "
	  "User unknown\r\n", true },
	{ "part 2: local recipient fields", 2,
	  "\r\n\r\nFinal-Recipient: rfc822; carol@example.net\r\n"
	  "Action: failed\r\nStatus: 4.4.7\r\n"
	  "Diagnostic-Code: X-nfpost; delivery time expired "
	  "(connection timed out)\r\n", true },
	{ "part 2: no Remote-MTA without a remote", 2,
	  "Remote-MTA: dns; \r\n", false },
	{ "part 2: one Remote-MTA only", 2,
	  "Remote-MTA: dns; mx.example.net\r\nDiagnostic-Code: smtp; "
	  "550 5.1.1 <bob@example.net>: User unknown\r\n\r\n"
	  "Final-Recipient: rfc822; carol", true },

	{ "part 3: text/rfc822-headers", 3,
	  "Content-Type: text/rfc822-headers\r\n\r\n", true },
	{ "part 3: original headers, folded line whole", 3,
	  "\r\n\r\nReceived: from client.example.com\r\n"
	  "\tby mx.example.org; Tue, 14 Nov 2023 22:13:20 +0000\r\n"
	  "From: Alice <alice@example.com>\r\n"
	  "Subject: the original subject\r\n"
	  "Message-ID: <orig@example.com>\r\n", true },
	{ "part 3: not the original body", 3, "secret body", false },
	{ "part 3: not a header-like body line", 3, "X-Not-A-Header", false },
};

static void part_holds(void **state)
{
	const struct part_case *c = *state;
	const char *found = strstr(part[c->part], c->text);

	if (c->present && !found)
		fail_msg("part %d lacks \"%s\":\n%s", c->part, c->text,
			 part[c->part]);
	if (!c->present && found)
		fail_msg("part %d has \"%s\":\n%s", c->part, c->text,
			 part[c->part]);
}

static void body_nowhere(void **state)
{
	(void)state;
	assert_null(strstr(dsn, "secret body"));
}

static void every_line_ends_in_crlf(void **state)
{
	const char *p;

	(void)state;
	for (p = strchr(dsn, '\n'); p; p = strchr(p + 1, '\n'))
		assert_true(p > dsn && p[-1] == '\r');
	assert_int_equal(dsn[strlen(dsn) - 1], '\n');
}

static void closing_boundary_ends_it(void **state)
{
	const char *end = "\r\n--" ID "/" HOST "--\r\n";
	size_t n = strlen(dsn), m = strlen(end);

	(void)state;
	assert_true(n > m);
	assert_string_equal(dsn + n - m, end);
}

static void three_parts_in_order(void **state)
{
	(void)state;
	assert_true(part[1] < part[2] && part[2] < part[3]);
	assert_memory_equal(part[1], "Content-Type: text/plain", 24);
	assert_memory_equal(part[2], "Content-Type: message/delivery-status",
			    37);
	assert_memory_equal(part[3], "Content-Type: text/rfc822-headers", 33);
}

static void no_other_boundary_lines(void **state)
{
	const char *p = dsn;
	int n = 0;

	(void)state;
	while ((p = strstr(p, "\r\n--")) != NULL) {
		n++;
		p += 4;
	}
	assert_int_equal(n, 4);	/* three parts and the close */
}

/* Originals the bounce must quote without breaking its own framing. */
struct orig_case {
	const char *name;
	const char *orig;
	const char *headers;	/* part 3 after its own header */
};

static const struct orig_case orig_cases[] = {
	{ "original: headers only, no empty line",
	  "Subject: s\r\nFrom: a@x.test\r\n",
	  "Subject: s\r\nFrom: a@x.test\r\n" },
	{ "original: last header without CRLF", "Subject: s",
	  "Subject: s" },
	{ "original: empty", "", "" },
	{ "original: body only", "\r\nbody\r\n", "" },
};

static void original_quoted(void **state)
{
	const struct orig_case *c = *state;
	const char *head = "Content-Type: text/rfc822-headers\r\n\r\n";
	char *text = build(c->orig), *p, want[256];

	p = strstr(text, head);
	assert_non_null(p);
	p += strlen(head);
	snprintf(want, sizeof(want), "%s\r\n--" ID "/" HOST "--\r\n",
		 c->headers);
	assert_string_equal(p, want);
	free(text);
}

/* A report of other news, with the DSN parameters the sender gave. */
static char *build_with(const struct dsn_failure *f, int n,
			enum dsn_ret ret, const char *envid)
{
	struct queue_entry e = { .arrival = 1700000000, .ret = ret };
	struct evbuffer *out = evbuffer_new();
	size_t len;
	char *text;

	assert_non_null(out);
	strcpy(e.id, "4QxYz0AbCd1");
	strcpy(e.from, "alice@example.com");
	strcpy(e.envid, envid);
	dsn_build(out, HOST, ID, &e, f, n, ORIG, strlen(ORIG));
	len = evbuffer_get_length(out);
	text = malloc(len + 1);
	assert_non_null(text);
	assert_int_equal(evbuffer_remove(out, text, len), len);
	text[len] = '\0';
	evbuffer_free(out);
	return text;
}

static const struct dsn_failure successes[] = {
	{ "bob@example.net", "2.0.0", "", "delivered to mailbox",
	  DSN_DELIVERED, "rfc822;Bob+2Bdsn@example.net" },
	{ "carol@example.net", "2.0.0", "mx.example.net",
	  "250 2.0.0 taken", DSN_RELAYED, NULL },
};

static void success_report_says_delivered_and_relayed(void **state)
{
	char *t = build_with(successes, 2, DSN_RET_FULL, "QQ+2B314");

	(void)state;
	assert_non_null(strstr(t, "\r\nSubject: Successful Mail Delivery "
				  "Report\r\n"));
	assert_non_null(strstr(t, "\r\n\r\nOriginal-Envelope-Id: QQ+314\r\n"
				  "Reporting-MTA: dns; " HOST "\r\n"));
	assert_non_null(strstr(t, "\r\n\r\nOriginal-Recipient: rfc822; "
				  "Bob+dsn@example.net\r\nFinal-Recipient: "
				  "rfc822; bob@example.net\r\nAction: "
				  "delivered\r\nStatus: 2.0.0\r\n"));
	assert_non_null(strstr(t, "\r\n\r\nFinal-Recipient: rfc822; "
				  "carol@example.net\r\nAction: relayed\r\n"
				  "Status: 2.0.0\r\nRemote-MTA: dns; "
				  "mx.example.net\r\n"));
	/* RET=FULL is for failures only: a success returns the headers. */
	assert_non_null(strstr(t, "text/rfc822-headers"));
	assert_null(strstr(t, "secret body"));
	free(t);
}

static void no_envid_no_original_envelope_id(void **state)
{
	char *t = build_with(successes, 1, DSN_RET_NONE, "");

	(void)state;
	assert_null(strstr(t, "Original-Envelope-Id"));
	free(t);
}

static void failure_with_ret_full_returns_the_message(void **state)
{
	char *t = build_with(failures, 1, DSN_RET_FULL, "");

	(void)state;
	assert_non_null(strstr(t, "\r\nSubject: Undelivered Mail Returned "
				  "to Sender\r\n"));
	assert_non_null(strstr(t, "\r\nContent-Type: message/rfc822\r\n"
				  "\r\n" ORIG "\r\n--" ID "/" HOST "--\r\n"));
	assert_null(strstr(t, "text/rfc822-headers"));
	free(t);
}

static void failure_with_ret_hdrs_returns_headers(void **state)
{
	char *t = build_with(failures, 1, DSN_RET_HDRS, "");

	(void)state;
	assert_non_null(strstr(t, "text/rfc822-headers"));
	assert_null(strstr(t, "secret body"));
	free(t);
}

static void delay_report_is_named_so(void **state)
{
	static const struct dsn_failure delayed[] = {
		{ "bob@example.net", "4.2.0", "", "450 4.2.0 not now",
		  DSN_DELAYED, NULL },
	};
	char *t = build_with(delayed, 1, DSN_RET_FULL, "");

	(void)state;
	assert_non_null(strstr(t, "\r\nSubject: Delayed Mail (still being "
				  "retried)\r\n"));
	assert_non_null(strstr(t, "\r\nAction: delayed\r\nStatus: "
				  "4.2.0\r\n"));
	assert_null(strstr(t, "secret body"));
	free(t);
}

int main(void)
{
	struct CMUnitTest t[ARRAY_SIZE(status_cases) + ARRAY_SIZE(part_cases) +
			    ARRAY_SIZE(orig_cases) + 10] = {
		cmocka_unit_test(success_report_says_delivered_and_relayed),
		cmocka_unit_test(no_envid_no_original_envelope_id),
		cmocka_unit_test(failure_with_ret_full_returns_the_message),
		cmocka_unit_test(failure_with_ret_hdrs_returns_headers),
		cmocka_unit_test(delay_report_is_named_so),
		cmocka_unit_test(body_nowhere),
		cmocka_unit_test(every_line_ends_in_crlf),
		cmocka_unit_test(closing_boundary_ends_it),
		cmocka_unit_test(three_parts_in_order),
		cmocka_unit_test(no_other_boundary_lines),
	};
	size_t n = 10;

	TEST_TABLE(t, n, status_cases, status_taken);
	TEST_TABLE(t, n, part_cases, part_holds);
	TEST_TABLE(t, n, orig_cases, original_quoted);
	return _cmocka_run_group_tests("dsn", t, n, split, unsplit);
}
