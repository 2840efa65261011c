// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for `nfpost mail trace` (mail.c): sample messages in, the
 * exact text or JSON out. The JSON is also fed to jq, when installed, to
 * make sure it is JSON at all.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "mail.h"
#include "test_table.h"

/*
 * A message from a laptop through its provider's submission server and an
 * outgoing relay to the recipient's MX and mailbox: four hops, newest first.
 */
#define SAMPLE \
	"Return-Path: <alice@example.org>\r\n" \
	"Received: from mx.example.net by mx.example.net with LMTP\r\n" \
	"\tid kJb0GJ4CEGRXHwAA3p7KUA (envelope-from <alice@example.org>)\r\n" \
	"\tfor <bob@example.net>; Tue, 14 Mar 2023 10:17:05 +0100\r\n" \
	"Received: from relay.example.org\r\n" \
	"\t(relay.example.org [192.0.2.10])\r\n" \
	"\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384\r\n" \
	"\t(256/256 bits))\r\n" \
	"\tby mx.example.net (Postfix) with ESMTPS id 4PbQ1x2yZ3z9rxL\r\n" \
	"\tfor <bob@example.net>; Tue, 14 Mar 2023 10:15:44 +0100 (CET)\r\n" \
	"Received: from smtp.example.org (smtp.example.org [192.0.2.5])\r\n" \
	"\tby relay.example.org with ESMTP id 1pc0Xy-0001Ab-2C;\r\n" \
	"\tTue, 14 Mar 2023 09:15:43 +0000\r\n" \
	"Received: from [10.0.0.7] (unknown [198.51.100.7])\r\n" \
	"\t(Authenticated sender: alice)\r\n" \
	"\tby smtp.example.org (Postfix) with ESMTPSA id 1A2B3C4D5E;\r\n" \
	"\tTue, 14 Mar 2023 02:15:42 -0700 (PDT)\r\n" \
	"From: Alice <alice@example.org>\r\n" \
	"To: bob@example.net\r\n" \
	"Subject: Lunch\r\n" \
	"\r\n" \
	"Received: from a body line that is not a header\r\n"

static const struct trace_case {
	const char *name;
	const char *in;
	bool json;
	int ret;
	const char *out;
} cases[] = {
	{ .name = "text_oldest_hop_first_with_delays", .in = SAMPLE,
	  .out = "hop 1 time 2023-03-14T09:15:42Z from [10.0.0.7] rdns unknown "
		 "ip 198.51.100.7 by smtp.example.org with ESMTPSA "
		 "id 1A2B3C4D5E\n"
		 "hop 2 time 2023-03-14T09:15:43Z delay 1s "
		 "from smtp.example.org "
		 "ip 192.0.2.5 by relay.example.org with ESMTP "
		 "id 1pc0Xy-0001Ab-2C\n"
		 "hop 3 time 2023-03-14T09:15:44Z delay 1s "
		 "from relay.example.org "
		 "ip 192.0.2.10 by mx.example.net with ESMTPS "
		 "id 4PbQ1x2yZ3z9rxL\n"
		 "hop 4 time 2023-03-14T09:17:05Z delay 1m21s "
		 "from mx.example.net "
		 "by mx.example.net with LMTP id kJb0GJ4CEGRXHwAA3p7KUA\n"
		 "hops 4 total 1m23s\n" },
	{ .name = "json_one_object", .in = SAMPLE, .json = true,
	  .out = "{\"hops\":["
		 "{\"hop\":1,\"time\":\"2023-03-14T09:15:42Z\","
		 "\"from\":\"[10.0.0.7]\",\"rdns\":\"unknown\","
		 "\"ip\":\"198.51.100.7\",\"by\":\"smtp.example.org\","
		 "\"with\":\"ESMTPSA\",\"id\":\"1A2B3C4D5E\"},"
		 "{\"hop\":2,\"time\":\"2023-03-14T09:15:43Z\",\"delay\":1,"
		 "\"from\":\"smtp.example.org\",\"rdns\":\"smtp.example.org\","
		 "\"ip\":\"192.0.2.5\",\"by\":\"relay.example.org\","
		 "\"with\":\"ESMTP\",\"id\":\"1pc0Xy-0001Ab-2C\"},"
		 "{\"hop\":3,\"time\":\"2023-03-14T09:15:44Z\",\"delay\":1,"
		 "\"from\":\"relay.example.org\","
		 "\"rdns\":\"relay.example.org\","
		 "\"ip\":\"192.0.2.10\",\"by\":\"mx.example.net\","
		 "\"with\":\"ESMTPS\",\"id\":\"4PbQ1x2yZ3z9rxL\","
		 "\"for\":\"<bob@example.net>\"},"
		 "{\"hop\":4,\"time\":\"2023-03-14T09:17:05Z\",\"delay\":81,"
		 "\"from\":\"mx.example.net\",\"by\":\"mx.example.net\","
		 "\"with\":\"LMTP\",\"id\":\"kJb0GJ4CEGRXHwAA3p7KUA\","
		 "\"for\":\"<bob@example.net>\"}"
		 "],\"total\":83}\n" },
	{ .name = "mbox_from_line_skipped",
	  .in = "From alice@example.org Tue Mar 14 09:15:42 2023\n"
		"Received: from a by b; 14 Mar 2023 09:15:42 +0000\n\n",
	  .out = "hop 1 time 2023-03-14T09:15:42Z from a by b\n"
		 "hops 1 total 0s\n" },
	{ .name = "no_received_fields", .in = "From: a\nTo: b\n\nhi\n",
	  .out = "hops 0\n" },
	{ .name = "no_received_fields_json", .in = "From: a\n\n", .json = true,
	  .out = "{\"hops\":[]}\n" },
	{ .name = "hop_without_date_has_no_time_nor_delay",
	  .in = "Received: from b by c; 14 Mar 2023 09:15:50 +0000\n"
		"Received: from a by b with SMTP\n"
		"Received: from z by a; 14 Mar 2023 09:15:42 +0000\n\n",
	  .out = "hop 1 time 2023-03-14T09:15:42Z from z by a\n"
		 "hop 2 from a by b with SMTP\n"
		 "hop 3 time 2023-03-14T09:15:50Z from b by c\n"
		 "hops 3 total 8s\n" },
	{ .name = "clock_skew_gives_negative_delay",
	  .in = "Received: by b; 14 Mar 2023 09:15:40 +0000\n"
		"Received: by a; 14 Mar 2023 11:16:45 +0000\n\n",
	  .out = "hop 1 time 2023-03-14T11:16:45Z by a\n"
		 "hop 2 time 2023-03-14T09:15:40Z delay -2h01m05s by b\n"
		 "hops 2 total -2h01m05s\n" },
	{ .name = "clock_skew_json_negative_delay",
	  .in = "Received: by b; 14 Mar 2023 09:15:40 +0000\n"
		"Received: by a; 14 Mar 2023 09:15:45 +0000\n\n",
	  .json = true,
	  .out = "{\"hops\":[{\"hop\":1,\"time\":\"2023-03-14T09:15:45Z\","
		 "\"by\":\"a\"},{\"hop\":2,\"time\":\"2023-03-14T09:15:40Z\","
		 "\"delay\":-5,\"by\":\"b\"}],\"total\":-5}\n" },
	{ .name = "days_in_delay",
	  .in = "Received: by b; 16 Mar 2023 10:16:43 +0000\n"
		"Received: by a; 14 Mar 2023 09:15:42 +0000\n",
	  .out = "hop 1 time 2023-03-14T09:15:42Z by a\n"
		 "hop 2 time 2023-03-16T10:16:43Z delay 2d01h01m01s by b\n"
		 "hops 2 total 2d01h01m01s\n" },
	{ .name = "helo_shown_when_not_the_from_name",
	  .in = "received: from mail.example.net ([192.0.2.8]:54321 "
		"helo=smtp.example.net) by mx with esmtps; "
		"14 Mar 2023 09:15:42 +0000\n",
	  .out = "hop 1 time 2023-03-14T09:15:42Z from mail.example.net "
		 "helo smtp.example.net ip 192.0.2.8 by mx with ESMTPS\n"
		 "hops 1 total 0s\n" },
	{ .name = "broken_header_is_an_error", .ret = 1,
	  .in = "Received: by a; 14 Mar 2023 09:15:42 +0000\nnot a field\n\n",
	  .out = "" },
};

/* Whether jq takes @json, or true if jq is not installed. */
static bool jq_accepts(const char *json)
{
	FILE *p;

	if (system("command -v jq >/dev/null 2>&1"))
		return true;
	p = popen("jq -e . >/dev/null 2>&1", "w");
	assert_non_null(p);
	fputs(json, p);
	return pclose(p) == 0;
}

static void run_case(void **state)
{
	const struct trace_case *c = *state;
	FILE *in = fmemopen((void *)c->in, strlen(c->in), "r");
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	assert_int_equal(mail_trace(in, "sample", f, c->json), c->ret);
	fclose(f);
	fclose(in);
	assert_string_equal(out, c->out);
	if (c->json)
		assert_true(jq_accepts(out));
	free(out);
}

int main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(cases)];
	size_t n = 0;

	TEST_TABLE(tests, n, cases, run_case);
	return cmocka_run_group_tests_name("nfpost_trace", tests, NULL, NULL);
}
