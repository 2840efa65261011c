// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for received.c: a table of Received: values shaped like those
 * real MTAs write, each with every clause expected, and broken ones.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "received.h"
#include "test_table.h"

/* 2023-03-14T09:15:42Z */
#define T 1678785342LL

/* NULL: expected "". */
static const struct received_case {
	const char *name;
	const char *in;
	int ret;
	long long t;
	const char *from, *rdns, *helo, *ip, *by, *with, *id, *for_addr;
} cases[] = {
	{ .name = "postfix_esmtps_with_tls_comment",
	  .in = "from mail.example.org (mail.example.org [192.0.2.10])\t"
		"(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 "
		"bits)\t key-exchange X25519 server-signature RSA-PSS (2048 "
		"bits) server-digest SHA256)\t(No client certificate "
		"requested)\tby mx.example.net (Postfix) with ESMTPS id "
		"4PbQ1x2yZ3z9rxL\tfor <user@example.net>; Tue, 14 Mar 2023 "
		"10:15:42 +0100 (CET)",
	  .t = T, .from = "mail.example.org", .rdns = "mail.example.org",
	  .ip = "192.0.2.10", .by = "mx.example.net", .with = "ESMTPS",
	  .id = "4PbQ1x2yZ3z9rxL", .for_addr = "<user@example.net>" },
	{ .name = "postfix_submission_helo_differs_rdns_unknown",
	  .in = "from laptop (unknown [198.51.100.7]) (Authenticated sender: "
		"alice) by smtp.example.org (Postfix) with ESMTPSA id "
		"1A2B3C4D5E; Tue, 14 Mar 2023 09:15:42 +0000 (UTC)",
	  .t = T, .from = "laptop", .rdns = "unknown", .ip = "198.51.100.7",
	  .by = "smtp.example.org", .with = "ESMTPSA", .id = "1A2B3C4D5E" },
	{ .name = "postfix_local_pickup_has_no_from",
	  .in = "by mx.example.net (Postfix, from userid 1000) id 3F9A41234; "
		"Tue, 14 Mar 2023 09:15:42 +0000 (UTC)",
	  .t = T, .by = "mx.example.net", .id = "3F9A41234" },
	{ .name = "postfix_ipv6_literal_prefix_dropped",
	  .in = "from mail.example.org (mail.example.org [IPv6:2001:db8::25]) "
		"by mx.example.net (Postfix) with ESMTPS id 4Pb; "
		"Tue, 14 Mar 2023 09:15:42 +0000",
	  .t = T, .from = "mail.example.org", .rdns = "mail.example.org",
	  .ip = "2001:db8::25", .by = "mx.example.net", .with = "ESMTPS",
	  .id = "4Pb" },
	{ .name = "sendmail_esmtp",
	  .in = "from host.example.com (host.example.com [192.0.2.5]) by "
		"mail.example.org (8.15.2/8.15.2) with ESMTP id "
		"32E9FgA1012345 for <user@example.org>; Tue, 14 Mar 2023 "
		"05:15:42 -0400",
	  .t = T, .from = "host.example.com", .rdns = "host.example.com",
	  .ip = "192.0.2.5", .by = "mail.example.org", .with = "ESMTP",
	  .id = "32E9FgA1012345", .for_addr = "<user@example.org>" },
	{ .name = "sendmail_may_be_forged_nested_comment",
	  .in = "from client.example.com (rdns.example.net [192.0.2.66] (may "
		"be forged)) by mail.example.org (8.17.1/8.17.1) with ESMTP "
		"id 32E9Fg; Tue, 14 Mar 2023 09:15:42 GMT",
	  .t = T, .from = "client.example.com", .rdns = "rdns.example.net",
	  .ip = "192.0.2.66", .by = "mail.example.org", .with = "ESMTP",
	  .id = "32E9Fg" },
	{ .name = "from_localhost_without_ip",
	  .in = "from localhost by mail.example.org with LMTP id "
		"kJb0GJ4CEGRXHwAA3p7KUA (envelope-from <a@example.org>) for "
		"<b@example.org>; Tue, 14 Mar 2023 09:15:42 +0000",
	  .t = T, .from = "localhost", .by = "mail.example.org",
	  .with = "LMTP", .id = "kJb0GJ4CEGRXHwAA3p7KUA",
	  .for_addr = "<b@example.org>" },
	{ .name = "exim_address_literal_and_helo",
	  .in = "from [192.0.2.7] (helo=client.example.net) by mx.example.org "
		"with esmtpsa  (TLS1.3) tls TLS_AES_256_GCM_SHA384 (Exim "
		"4.96) (envelope-from <a@example.net>) id 1pc0Xy-0001Ab-2C "
		"for c@example.org; Tue, 14 Mar 2023 09:15:42 +0000",
	  .t = T, .from = "[192.0.2.7]", .helo = "client.example.net",
	  .ip = "192.0.2.7", .by = "mx.example.org", .with = "ESMTPSA",
	  .id = "1pc0Xy-0001Ab-2C", .for_addr = "c@example.org" },
	{ .name = "exim_rdns_and_address_with_port",
	  .in = "from mail.example.net ([192.0.2.8]:54321 "
		"helo=smtp.example.net) by mx.example.org with esmtps "
		"(TLS1.2) tls TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (Exim "
		"4.94.2) (envelope-from <a@example.net>) id 1pc0Xz-0002; "
		"Tue, 14 Mar 2023 09:15:42 +0000",
	  .t = T, .from = "mail.example.net", .helo = "smtp.example.net",
	  .ip = "192.0.2.8", .by = "mx.example.org", .with = "ESMTPS",
	  .id = "1pc0Xz-0002" },
	{ .name = "exim_local_submission",
	  .in = "from alice by host.example.org with local (Exim 4.96) "
		"(envelope-from <alice@host.example.org>) id 1pc0Y0-0003; "
		"Tue, 14 Mar 2023 09:15:42 +0000",
	  .t = T, .from = "alice", .by = "host.example.org", .with = "LOCAL",
	  .id = "1pc0Y0-0003" },
	{ .name = "gmail_smtps_trailing_dot_rdns",
	  .in = "from mail-sor-f41.google.com (mail-sor-f41.google.com. "
		"[209.85.220.41]) by mx.google.com with SMTPS id "
		"a640c23a62f3a-8f4b1c2d3e5sor1234567ejc.12.2023.03.14.02.15.42"
		" for <bob@gmail.com> (Google Transport Security); Tue, 14 Mar "
		"2023 02:15:42 -0700 (PDT)",
	  .t = T, .from = "mail-sor-f41.google.com",
	  .rdns = "mail-sor-f41.google.com.", .ip = "209.85.220.41",
	  .by = "mx.google.com", .with = "SMTPS",
	  .id = "a640c23a62f3a-8f4b1c2d3e5sor1234567ejc.12.2023.03.14.02.15.42",
	  .for_addr = "<bob@gmail.com>" },
	{ .name = "gmail_first_hop_by_ipv6_without_from",
	  .in = "by 2002:a05:6a10:a28c:b0:4a1:7d2c:1e93 with SMTP id "
		"j12csp123456pxh; Tue, 14 Mar 2023 02:15:42 -0700 (PDT)",
	  .t = T, .by = "2002:a05:6a10:a28c:b0:4a1:7d2c:1e93", .with = "SMTP",
	  .id = "j12csp123456pxh" },
	{ .name = "exchange_bare_ip_comment_and_long_protocol",
	  .in = "from EXCH01.corp.example.com (10.1.2.3) by "
		"EXCH02.corp.example.com (10.1.2.4) with Microsoft SMTP Server "
		"(version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384)"
		" id 15.1.2507.23; Tue, 14 Mar 2023 09:15:42 +0000",
	  .t = T, .from = "EXCH01.corp.example.com", .ip = "10.1.2.3",
	  .by = "EXCH02.corp.example.com", .with = "Microsoft SMTP Server",
	  .id = "15.1.2507.23" },
	{ .name = "office365_ipv6_comment_and_via",
	  .in = "from AM0PR07MB1234.eurprd07.prod.outlook.com "
		"(2603:10a6:208:1::12) by "
		"AM0PR07MB5678.eurprd07.prod.outlook.com (2603:10a6:208:2::34) "
		"with Microsoft SMTP Server (version=TLS1_2, cipher=x) id "
		"15.20.6178.26 via Frontend Transport; Tue, 14 Mar 2023 "
		"09:15:42 +0000",
	  .t = T, .from = "AM0PR07MB1234.eurprd07.prod.outlook.com",
	  .ip = "2603:10a6:208:1::12",
	  .by = "AM0PR07MB5678.eurprd07.prod.outlook.com",
	  .with = "Microsoft SMTP Server", .id = "15.20.6178.26" },
	{ .name = "qmail_invoked_only_a_comment",
	  .in = "(qmail 12345 invoked by uid 1000); 14 Mar 2023 09:15:42 -0000",
	  .t = T },
	{ .name = "qmail_helo_and_ip_comments",
	  .in = "from unknown (HELO mail.example.com) (192.0.2.9) by "
		"mx.example.org with SMTP; 14 Mar 2023 09:15:42 -0000",
	  .t = T, .from = "unknown", .helo = "mail.example.com",
	  .ip = "192.0.2.9", .by = "mx.example.org", .with = "SMTP" },
	{ .name = "semicolon_in_comment_is_not_the_date",
	  .in = "from a (a [192.0.2.1]) (x; y) by b with ESMTP id X; Tue, 14 "
		"Mar 2023 09:15:42 +0000 (a; b)",
	  .t = T, .from = "a", .rdns = "a", .ip = "192.0.2.1", .by = "b",
	  .with = "ESMTP", .id = "X" },
	{ .name = "keywords_any_case",
	  .in = "FROM a (b [192.0.2.1]) BY c WITH esmtp ID d FOR <e@f>; Tue, "
		"14 Mar 2023 09:15:42 +0000",
	  .t = T, .from = "a", .rdns = "b", .ip = "192.0.2.1", .by = "c",
	  .with = "ESMTP", .id = "d", .for_addr = "<e@f>" },
	{ .name = "line_breaks_tolerated",
	  .in = "from a\r\n\tby b with SMTP;\r\n\tTue, 14 Mar 2023 09:15:42 "
		"+0000",
	  .t = T, .from = "a", .by = "b", .with = "SMTP" },
	{ .name = "first_address_wins",
	  .in = "from a ([192.0.2.1]) (b [192.0.2.2]) by c; 14 Mar 2023 "
		"09:15:42 +0000",
	  .t = T, .from = "a", .ip = "192.0.2.1", .by = "c" },
	{ .name = "first_clause_of_a_kind_wins",
	  .in = "from a by b by c with SMTP with ESMTP; 14 Mar 2023 09:15:42 "
		"+0000",
	  .t = T, .from = "a", .by = "b", .with = "SMTP" },
	{ .name = "bad_address_literal_is_no_ip",
	  .in = "from a (a [999.1.1.1]) by b; 14 Mar 2023 09:15:42 +0000",
	  .t = T, .from = "a", .by = "b" },
	{ .name = "quoted_local_part_with_space_in_for",
	  .in = "from a by b for <\"j doe\"@c>; 14 Mar 2023 09:15:42 +0000",
	  .t = T, .from = "a", .by = "b", .for_addr = "<\"j doe\"@c>" },
	{ .name = "control_bytes_made_question_marks",
	  .in = "from evil\x1b[2J by b; 14 Mar 2023 09:15:42 +0000",
	  .t = T, .from = "evil?[2J", .by = "b" },
	{ .name = "bad_no_date_clauses_still_read",
	  .in = "from a (a [192.0.2.1]) by b with SMTP id x", .ret = -EINVAL,
	  .from = "a", .rdns = "a", .ip = "192.0.2.1", .by = "b",
	  .with = "SMTP", .id = "x" },
	{ .name = "bad_date_words",
	  .in = "from a by b; yesterday", .ret = -EINVAL, .from = "a",
	  .by = "b" },
	{ .name = "bad_date_without_zone",
	  .in = "from a by b; Tue, 14 Mar 2023 09:15:42", .ret = -EINVAL,
	  .from = "a", .by = "b" },
	{ .name = "bad_date_feb_30",
	  .in = "by b; 30 Feb 2023 09:15:42 +0000", .ret = -EINVAL,
	  .by = "b" },
	{ .name = "bad_date_empty_after_semicolon",
	  .in = "from a by b;", .ret = -EINVAL, .from = "a", .by = "b" },
	{ .name = "bad_unclosed_comment_eats_the_rest",
	  .in = "from a (b [192.0.2.1] by c; 14 Mar 2023 09:15:42 +0000",
	  .ret = -EINVAL, .from = "a", .rdns = "b", .ip = "192.0.2.1" },
	{ .name = "bad_empty_value", .in = "", .ret = -EINVAL },
};

static void str_is(const char *got, const char *want)
{
	assert_string_equal(got, want ? want : "");
}

static void run_case(void **state)
{
	const struct received_case *c = *state;
	size_t len = strlen(c->in);
	char *copy = malloc(len ? len : 1);
	struct received r;

	memcpy(copy, c->in, len);	/* no NUL: the length is the end */
	assert_int_equal(received_parse(copy, len, &r), c->ret);
	assert_int_equal(r.has_time, !c->ret);
	if (!c->ret)
		assert_int_equal((long long)r.time, c->t);
	str_is(r.from, c->from);
	str_is(r.rdns, c->rdns);
	str_is(r.helo, c->helo);
	str_is(r.ip, c->ip);
	str_is(r.by, c->by);
	str_is(r.with, c->with);
	str_is(r.id, c->id);
	str_is(r.for_addr, c->for_addr);
	free(copy);
}

static void long_words_are_cut(void **state)
{
	size_t len = 2 * RECEIVED_HOST_MAX;
	char *in = malloc(len + 64);
	struct received r;

	(void)state;
	memcpy(in, "from ", 5);
	memset(in + 5, 'h', len);
	strcpy(in + 5 + len, " by b; 14 Mar 2023 09:15:42 +0000");
	assert_int_equal(received_parse(in, strlen(in), &r), 0);
	assert_int_equal(strlen(r.from), RECEIVED_HOST_MAX);
	assert_string_equal(r.by, "b");
	free(in);
}

int main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(cases) + 1] = {
		cmocka_unit_test(long_words_are_cut),
	};
	size_t n = 1;

	TEST_TABLE(tests, n, cases, run_case);
	return cmocka_run_group_tests_name("received", tests, NULL, NULL);
}
