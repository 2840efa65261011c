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

/* The analysis' lines that most short samples end with. */
#define NO_MSGID "note message-id: no Message-ID:\n"
#define INCOMPLETE(k) \
	"note hop " #k " incomplete: this hop or the one below names no " \
	"host: the chain cannot be followed\n"

/* 2024-01-01T00:00:00Z: every sample's dates are in the past. */
#define NOW 1704067200

/*
 * The course's header-analysis exercise (shared/seeds 000): a chain that
 * does not meet, no dates, a Reply-To: elsewhere, a workstation's
 * Message-ID. Ten lines as the notes show them, tabs and comments apart.
 */
#define FORGED \
	"Received: from server.bidon.fr (184.184.184.184)\n" \
	" by smtp.monFAI.fr with ESMTP (SMTPD32-4.06) id A09D3203BC\n" \
	"Received: from besthacker ([100.100.100.100])\n" \
	" by server1.hack.com (8.7.5) ID LAA28548;\n" \
	"Message-Id: <599b403f348fd8529caa342af911e6ac1@johntheripper>\n" \
	"Reply-To: bof@gmail.com\n" \
	"From: hackhack@meeto.com\n" \
	"To: moi@monFAI.fr\n" \
	"Subject: Message important vous avez \xc3\xa9t\xc3\xa9 pirat\xc3\xa9\n" \
	"X-Mailer: Microsoft Outlook Express 4.72.3110.5\n" \
	"MIME-Version: 1.0\n\n"

/*
 * The course's first exercise (shared/seeds 002): a genuine message from
 * Hotmail through the university's MX, content filter and mailbox.
 */
#define GENUINE \
	"Return-Path: <mlegas@hotmail.fr>\n" \
	"Delivered-To: berthet@iut-velizy.uvsq.fr\n" \
	"Received: from localhost (unknown [127.0.0.1])\n" \
	"    by horus.iut-velizy.uvsq.fr (Postfix) with ESMTP id E1F5339800\n" \
	"    for <berthet@iut-velizy.uvsq.fr>; Tue, 26 Aug 2012 11:19:06 +0200 (CEST)\n" \
	"Received: from horus.iut-velizy.uvsq.fr ([127.0.0.1])\n" \
	"    by localhost (horus.iut-velizy.uvsq.fr [127.0.0.1]) (amavisd-new, port 10024)\n" \
	"    with ESMTP id uctqB4e33R6B for <berthet@iut-velizy.uvsq.fr>;\n" \
	"    Tue, 26 Aug 2012 11:18:41 +0200 (CEST)\n" \
	"Received: from soleil.uvsq.fr (soleil.uvsq.fr [193.51.24.1])\n" \
	"    by horus.iut-velizy.uvsq.fr (Postfix) with ESMTP id BCE9239804\n" \
	"    for <berthet@iut-velizy.uvsq.fr>; Tue, 26 Aug 2012 11:18:41 +0200 (CEST)\n" \
	"Received: from bay0-omc2-s6.bay0.hotmail.com (bay0-omc2-s6.bay0.hotmail.com\n" \
	"    [65.54.246.142]) by soleil.uvsq.fr (8.14.1/jtpda-5.4) with ESMTP id m7Q9IWmj059857\n" \
	"    for <berthet@iut-velizy.uvsq.fr>; Tue, 26 Aug 2012 11:18:38 +0200 (CEST)\n" \
	"Received: from BAY130-W1 ([65.55.135.36]) by bay0-omc2-s6.bay0.hotmail.com with\n" \
	"    Microsoft SMTPSVC(6.0.3790.3959); Tue, 26 Aug 2012 01:47:09 -0700\n" \
	"Message-ID: <BAY130-W196A51BC81C645318122CAB660@phx.gbl>\n" \
	"From: =?iso-8859-1?Q?M=E9lanie_Legas?= <mlegas@hotmail.fr>\n" \
	"To: <berthet@iut-velizy.uvsq.fr>\n" \
	"Date: Tue, 26 Aug 2012 10:47:09 +0200\n\n"

static const struct trace_case {
	const char *name;
	const char *in;
	bool json;
	int ret;
	const char *out;
	time_t now;	/* NOW when 0 */
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
		 "hops 4 total 1m23s\n"
		 "trusted hop 3 from relay.example.org ip 192.0.2.10 "
		 "by mx.example.net\n"
		 "suspect hop 3 private-ip: from example.org to example.net, "
		 "the client was 192.0.2.10, an address no Internet host has\n"
		 NO_MSGID, .ret = 1 },
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
		 "],\"total\":83,\"trusted\":3,\"auth\":[],\"findings\":["
		 "{\"hop\":3,\"kind\":\"private-ip\",\"suspect\":true,"
		 "\"text\":\"from example.org to example.net, the client was "
		 "192.0.2.10, an address no Internet host has\"},"
		 "{\"kind\":\"message-id\",\"suspect\":false,"
		 "\"text\":\"no Message-ID:\"}],\"suspect\":true}\n",
	  .ret = 1 },
	{ .name = "mbox_from_line_skipped",
	  .in = "From alice@example.org Tue Mar 14 09:15:42 2023\n"
		"Received: from a by b; 14 Mar 2023 09:15:42 +0000\n\n",
	  .out = "hop 1 time 2023-03-14T09:15:42Z from a by b\n"
		 "hops 1 total 0s\n"
		 "trusted hop 1 from a by b\n" NO_MSGID },
	{ .name = "latin1_received_json_is_valid_utf8",
	  .in = "Received: from caf\xe9.example (h\xf4te [192.0.2.1])\n"
		"\tby mx.example with ESMTP id X;"
		" Tue, 14 Mar 2023 09:15:42 +0000\n"
		"Message-ID: <a@mx.example>\n\n", .json = true,
	  .out = "{\"hops\":[{\"hop\":1,\"time\":\"2023-03-14T09:15:42Z\","
		 "\"from\":\"caf\\u00e9.example\",\"rdns\":\"h\\u00f4te\","
		 "\"ip\":\"192.0.2.1\",\"by\":\"mx.example\","
		 "\"with\":\"ESMTP\",\"id\":\"X\"}],\"total\":0,"
		 "\"trusted\":1,\"auth\":[],\"findings\":[],"
		 "\"suspect\":false}\n" },
	{ .name = "no_received_fields", .in = "From: a\nTo: b\n\nhi\n",
	  .out = "hops 0\n" NO_MSGID },
	{ .name = "no_received_fields_json", .in = "From: a\n\n", .json = true,
	  .out = "{\"hops\":[],\"auth\":[],\"findings\":[{\"kind\":"
		 "\"message-id\",\"suspect\":false,\"text\":"
		 "\"no Message-ID:\"}],\"suspect\":false}\n" },
	{ .name = "hop_without_date_has_no_time_nor_delay",
	  .in = "Received: from b by c; 14 Mar 2023 09:15:50 +0000\n"
		"Received: from a by b with SMTP\n"
		"Received: from z by a; 14 Mar 2023 09:15:42 +0000\n\n",
	  .out = "hop 1 time 2023-03-14T09:15:42Z from z by a\n"
		 "hop 2 from a by b with SMTP\n"
		 "hop 3 time 2023-03-14T09:15:50Z from b by c\n"
		 "hops 3 total 8s\n"
		 "trusted hop 1 from z by a\n"
		 "suspect hop 2 bad-date: no valid date "
		 "(RFC 5321 4.4 requires one)\n" NO_MSGID, .ret = 1 },
	{ .name = "clock_skew_gives_negative_delay",
	  .in = "Received: by b; 14 Mar 2023 09:15:40 +0000\n"
		"Received: by a; 14 Mar 2023 11:16:45 +0000\n\n",
	  .out = "hop 1 time 2023-03-14T11:16:45Z by a\n"
		 "hop 2 time 2023-03-14T09:15:40Z delay -2h01m05s by b\n"
		 "hops 2 total -2h01m05s\n"
		 "trusted hop 1 by a\n" INCOMPLETE(2)
		 "suspect hop 2 date-backwards: received 7265s before hop 1\n"
		 NO_MSGID, .ret = 1 },
	{ .name = "clock_skew_json_negative_delay",
	  .in = "Received: by b; 14 Mar 2023 09:15:40 +0000\n"
		"Received: by a; 14 Mar 2023 09:15:45 +0000\n\n",
	  .json = true,
	  .out = "{\"hops\":[{\"hop\":1,\"time\":\"2023-03-14T09:15:45Z\","
		 "\"by\":\"a\"},{\"hop\":2,\"time\":\"2023-03-14T09:15:40Z\","
		 "\"delay\":-5,\"by\":\"b\"}],\"total\":-5,\"trusted\":1,"
		 "\"auth\":[],\"findings\":[{\"hop\":2,\"kind\":\"incomplete\","
		 "\"suspect\":false,\"text\":\"this hop or the one below "
		 "names no host: the chain cannot be followed\"},"
		 "{\"kind\":\"message-id\",\"suspect\":false,"
		 "\"text\":\"no Message-ID:\"}],\"suspect\":false}\n" },
	{ .name = "days_in_delay",
	  .in = "Received: by b; 16 Mar 2023 10:16:43 +0000\n"
		"Received: by a; 14 Mar 2023 09:15:42 +0000\n",
	  .out = "hop 1 time 2023-03-14T09:15:42Z by a\n"
		 "hop 2 time 2023-03-16T10:16:43Z delay 2d01h01m01s by b\n"
		 "hops 2 total 2d01h01m01s\n"
		 "trusted hop 1 by a\n" INCOMPLETE(2) NO_MSGID },
	{ .name = "helo_shown_when_not_the_from_name",
	  .in = "received: from mail.example.net ([192.0.2.8]:54321 "
		"helo=smtp.example.net) by mx with esmtps; "
		"14 Mar 2023 09:15:42 +0000\n",
	  .out = "hop 1 time 2023-03-14T09:15:42Z from mail.example.net "
		 "helo smtp.example.net ip 192.0.2.8 by mx with ESMTPS\n"
		 "hops 1 total 0s\n"
		 "trusted hop 1 from mail.example.net ip 192.0.2.8 by mx\n"
		 NO_MSGID },
	{ .name = "broken_header_is_an_error", .ret = 1,
	  .in = "Received: by a; 14 Mar 2023 09:15:42 +0000\nnot a field\n\n",
	  .out = "" },
	{ .name = "course_forged_header_is_suspect", .in = FORGED, .ret = 1,
	  .out = "hop 1 from besthacker ip 100.100.100.100 "
		 "by server1.hack.com id LAA28548\n"
		 "hop 2 from server.bidon.fr ip 184.184.184.184 "
		 "by smtp.monFAI.fr with ESMTP id A09D3203BC\n"
		 "hops 2\n"
		 "trusted hop 2 from server.bidon.fr ip 184.184.184.184 "
		 "by smtp.monFAI.fr\n"
		 "suspect hop 1 bad-date: no valid date "
		 "(RFC 5321 4.4 requires one)\n"
		 "suspect hop 2 broken-chain: came from server.bidon.fr, "
		 "but hop 1 was received by server1.hack.com\n"
		 "suspect hop 2 bad-date: no valid date "
		 "(RFC 5321 4.4 requires one)\n"
		 "suspect reply-to: Reply-To: goes to gmail.com, "
		 "From: is meeto.com\n"
		 "suspect message-id: Message-ID: names host "
		 "\"johntheripper\", not a domain\n" },
	{ .name = "course_genuine_header_is_clean_and_trusts_the_mx",
	  .in = GENUINE,
	  .out = "hop 1 time 2012-08-26T08:47:09Z from BAY130-W1 "
		 "ip 65.55.135.36 by bay0-omc2-s6.bay0.hotmail.com "
		 "with Microsoft SMTPSVC\n"
		 "hop 2 time 2012-08-26T09:18:38Z delay 31m29s "
		 "from bay0-omc2-s6.bay0.hotmail.com ip 65.54.246.142 "
		 "by soleil.uvsq.fr with ESMTP id m7Q9IWmj059857\n"
		 "hop 3 time 2012-08-26T09:18:41Z delay 3s from soleil.uvsq.fr "
		 "ip 193.51.24.1 by horus.iut-velizy.uvsq.fr with ESMTP "
		 "id BCE9239804\n"
		 "hop 4 time 2012-08-26T09:18:41Z delay 0s "
		 "from horus.iut-velizy.uvsq.fr ip 127.0.0.1 by localhost "
		 "with ESMTP id uctqB4e33R6B\n"
		 "hop 5 time 2012-08-26T09:19:06Z delay 25s from localhost "
		 "rdns unknown ip 127.0.0.1 by horus.iut-velizy.uvsq.fr "
		 "with ESMTP id E1F5339800\n"
		 "hops 5 total 31m57s\n"
		 "trusted hop 2 from bay0-omc2-s6.bay0.hotmail.com "
		 "ip 65.54.246.142 by soleil.uvsq.fr\n"
		 "note message-id: Message-ID: host phx.gbl is not in From:'s "
		 "domain hotmail.fr\n" },
	{ .name = "course_forged_json_names_each_finding", .in = FORGED,
	  .json = true, .ret = 1,
	  .out = "{\"hops\":[{\"hop\":1,\"from\":\"besthacker\","
		 "\"ip\":\"100.100.100.100\",\"by\":\"server1.hack.com\","
		 "\"id\":\"LAA28548\"},{\"hop\":2,\"from\":\"server.bidon.fr\","
		 "\"ip\":\"184.184.184.184\",\"by\":\"smtp.monFAI.fr\","
		 "\"with\":\"ESMTP\",\"id\":\"A09D3203BC\"}],\"trusted\":2,"
		 "\"auth\":[],\"findings\":["
		 "{\"hop\":1,\"kind\":\"bad-date\",\"suspect\":true,"
		 "\"text\":\"no valid date (RFC 5321 4.4 requires one)\"},"
		 "{\"hop\":2,\"kind\":\"broken-chain\",\"suspect\":true,"
		 "\"text\":\"came from server.bidon.fr, but hop 1 was "
		 "received by server1.hack.com\"},"
		 "{\"hop\":2,\"kind\":\"bad-date\",\"suspect\":true,"
		 "\"text\":\"no valid date (RFC 5321 4.4 requires one)\"},"
		 "{\"kind\":\"reply-to\",\"suspect\":true,\"text\":"
		 "\"Reply-To: goes to gmail.com, From: is meeto.com\"},"
		 "{\"kind\":\"message-id\",\"suspect\":true,\"text\":"
		 "\"Message-ID: names host \\\"johntheripper\\\", "
		 "not a domain\"}],\"suspect\":true}\n" },
	{ .name = "date_in_the_future_is_suspect",
	  .now = 1678784400,	/* 2023-03-14T09:00:00Z */
	  .in = "Message-ID: <1@a.example>\n"
		"Received: from a.example by b.example; "
		"14 Mar 2023 09:15:42 +0000\n\n",
	  .ret = 1,
	  .out = "hop 1 time 2023-03-14T09:15:42Z from a.example "
		 "by b.example\n"
		 "hops 1 total 0s\n"
		 "trusted hop 1 from a.example by b.example\n"
		 "suspect hop 1 future-date: dated 942s in the future\n" },
	{ .name = "small_clock_skew_is_not_backwards",
	  .in = "Message-ID: <1@a.example>\n"
		"Received: from m.b.example by c.example; "
		"14 Mar 2023 09:13:00 +0000\n"
		"Received: from a.example by m.b.example; "
		"14 Mar 2023 09:15:42 +0000\n\n",
	  .out = "hop 1 time 2023-03-14T09:15:42Z from a.example "
		 "by m.b.example\n"
		 "hop 2 time 2023-03-14T09:13:00Z delay -2m42s "
		 "from m.b.example by c.example\n"
		 "hops 2 total -2m42s\n"
		 "trusted hop 2 from m.b.example by c.example\n" },
	{ .name = "renamed_host_inside_one_organisation_is_a_note",
	  .in = "Message-ID: <1@a.example>\n"
		"Received: from out1.b.example by mx.c.example; "
		"14 Mar 2023 09:15:43 +0000\n"
		"Received: from a.example by smtp.b.example; "
		"14 Mar 2023 09:15:42 +0000\n\n",
	  .out = "hop 1 time 2023-03-14T09:15:42Z from a.example "
		 "by smtp.b.example\n"
		 "hop 2 time 2023-03-14T09:15:43Z delay 1s "
		 "from out1.b.example by mx.c.example\n"
		 "hops 2 total 1s\n"
		 "trusted hop 2 from out1.b.example by mx.c.example\n"
		 "note hop 2 renamed: came from out1.b.example, hop 1 was "
		 "received by smtp.b.example, in the same organisation\n" },
	{ .name = "private_address_between_organisations_is_suspect",
	  .in = "Message-ID: <1@a.example>\n"
		"Received: from mx.b.example (mx.b.example [fd00::25]) "
		"by mx.c.example.co.uk; 14 Mar 2023 09:15:43 +0000\n"
		"Received: from pc ([10.1.2.3]) by mx.b.example; "
		"14 Mar 2023 09:15:42 +0000\n\n",
	  .ret = 1,
	  .out = "hop 1 time 2023-03-14T09:15:42Z from pc ip 10.1.2.3 "
		 "by mx.b.example\n"
		 "hop 2 time 2023-03-14T09:15:43Z delay 1s from mx.b.example "
		 "ip fd00::25 by mx.c.example.co.uk\n"
		 "hops 2 total 1s\n"
		 "trusted hop 2 from mx.b.example ip fd00::25 "
		 "by mx.c.example.co.uk\n"
		 "suspect hop 2 private-ip: from b.example to example.co.uk, "
		 "the client was fd00::25, an address no Internet host has\n" },
	{ .name = "sender_fields_compared_by_organisation",
	  .in = "From: Alice <alice@a.example>\n"
		"Reply-To: alice@lists.a.example\n"
		"Return-Path: <bounce@mailer.example>\n"
		"Message-ID: <x@mail.a.example>\n"
		"Received: from a.example by b.example; "
		"14 Mar 2023 09:15:42 +0000\n\n",
	  .ret = 1,
	  .out = "hop 1 time 2023-03-14T09:15:42Z from a.example "
		 "by b.example\n"
		 "hops 1 total 0s\n"
		 "trusted hop 1 from a.example by b.example\n"
		 "suspect return-path: Return-Path: is mailer.example, "
		 "From: is a.example\n" },
	{ .name = "only_the_receiving_sides_auth_results_count",
	  .in = "Authentication-Results: mx.b.example; spf=pass "
		"smtp.mailfrom=a.example; dkim=fail (bad signature) "
		"header.d=a.example; dmarc=fail header.from=a.example\n"
		"Authentication-Results: relay.z.example; dkim=pass\n"
		"Message-ID: <1@a.example>\n"
		"Received: from a.example by mx.b.example; "
		"14 Mar 2023 09:15:42 +0000\n\n",
	  .ret = 1,
	  .out = "hop 1 time 2023-03-14T09:15:42Z from a.example "
		 "by mx.b.example\n"
		 "hops 1 total 0s\n"
		 "trusted hop 1 from a.example by mx.b.example\n"
		 "auth mx.b.example spf=pass dkim=fail dmarc=fail\n"
		 "auth relay.z.example dkim=pass\n"
		 "suspect auth-fail: mx.b.example says dkim=fail\n"
		 "suspect auth-fail: mx.b.example says dmarc=fail\n"
		 "note auth-untrusted: Authentication-Results: from "
		 "relay.z.example, not the receiving side's\n" },
};

/*
 * Whether Python's json module reads @json, decoded strictly as UTF-8 (RFC
 * 8259 8.1): python3 is one of the test dependencies, unlike jq.
 */
static bool python_accepts(const char *json)
{
	FILE *p = popen("python3 -c 'import json, sys; "
			"json.loads(sys.stdin.buffer.read().decode(\"utf-8\"))'",
			"w");

	assert_non_null(p);
	fputs(json, p);
	return pclose(p) == 0;
}

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

	assert_int_equal(mail_trace(in, "sample", f, c->json,
				    c->now ? c->now : NOW), c->ret);
	fclose(f);
	fclose(in);
	assert_string_equal(out, c->out);
	if (c->json) {
		assert_true(jq_accepts(out));
		assert_true(python_accepts(out));
	}
	free(out);
}

int main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(cases)];
	size_t n = 0;

	TEST_TABLE(tests, n, cases, run_case);
	return cmocka_run_group_tests_name("nfpost_trace", tests, NULL, NULL);
}
