// SPDX-License-Identifier: GPL-2.0
/* Unit tests for imap_fetch.c: FETCH items and header cuts, from tables. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>
#include "imap_fetch.h"
#include "test_table.h"

struct item_case {
	const char *name;
	const char *atom;
	int ret;
	enum imap_fetch_what what;
	enum imap_section sect;
	bool peek;
	const char *label;
};

static const struct item_case items[] = {
	{ "flags", "flags", 0, IMAP_FETCH_FLAGS, 0, false, "" },
	{ "rfc822 size", "RFC822.SIZE", 0, IMAP_FETCH_SIZE, 0, false, "" },
	{ "whole body", "BODY[]", 0, IMAP_FETCH_SECTION, IMAP_SECT_ALL,
	  false, "BODY[]" },
	{ "peek keeps the label without peek", "body.peek[header]", 0,
	  IMAP_FETCH_SECTION, IMAP_SECT_HEADER, true, "BODY[HEADER]" },
	{ "text", "BODY[TEXT]", 0, IMAP_FETCH_SECTION, IMAP_SECT_TEXT, false,
	  "BODY[TEXT]" },
	{ "fields upper-cased", "BODY.PEEK[HEADER.FIELDS (Subject from)]", 0,
	  IMAP_FETCH_SECTION, IMAP_SECT_FIELDS, true,
	  "BODY[HEADER.FIELDS (SUBJECT FROM)]" },
	{ "fields not", "BODY[HEADER.FIELDS.NOT (Received)]", 0,
	  IMAP_FETCH_SECTION, IMAP_SECT_FIELDS_NOT, false,
	  "BODY[HEADER.FIELDS.NOT (RECEIVED)]" },
	{ "partial shows its origin", "BODY[]<10.20>", 0, IMAP_FETCH_SECTION,
	  IMAP_SECT_ALL, false, "BODY[]<10>" },
	{ "part number", "BODY[1]", 0, IMAP_FETCH_SECTION, IMAP_SECT_ALL,
	  false, "BODY[1]" },
	{ "part mime", "BODY[1.2.MIME]", 0, IMAP_FETCH_SECTION, IMAP_SECT_MIME,
	  false, "BODY[1.2.MIME]" },
	{ "rfc822 header is a peek", "RFC822.HEADER", 0, IMAP_FETCH_SECTION,
	  IMAP_SECT_HEADER, true, "RFC822.HEADER" },
	{ "rfc822", "rfc822", 0, IMAP_FETCH_SECTION, IMAP_SECT_ALL, false,
	  "RFC822" },
	{ "modseq", "modseq", 0, IMAP_FETCH_MODSEQ, 0, false, "" },
	{ "unknown item", "BODYX", -EINVAL, 0, 0, false, NULL },
	{ "mime without part", "BODY[MIME]", -EINVAL, 0, 0, false, NULL },
	{ "empty field list", "BODY[HEADER.FIELDS ()]", -EINVAL, 0, 0, false,
	  NULL },
	{ "zero length partial", "BODY[]<0.0>", -EINVAL, 0, 0, false, NULL },
	{ "bad partial", "BODY[]<a.b>", -EINVAL, 0, 0, false, NULL },
	{ "part zero", "BODY[0]", -EINVAL, 0, 0, false, NULL },
	{ "unknown section", "BODY[FOO]", -EINVAL, 0, 0, false, NULL },
};

static void run_item(void **state)
{
	const struct item_case *c = *state;
	struct imap_fetch_item it;

	assert_int_equal(imap_fetch_item_parse(c->atom, &it), c->ret);
	if (c->ret)
		return;
	assert_int_equal(it.what, c->what);
	if (c->what != IMAP_FETCH_SECTION)
		return;
	assert_int_equal(it.sect, c->sect);
	assert_int_equal(it.peek, c->peek);
	assert_string_equal(it.label, c->label);
}

struct modseq_case {
	const char *name;
	const char *atom;
	int ret;
	uint64_t v;
};

static const struct modseq_case modseqs[] = {
	{ "modseq zero (valzer)", "0", 0, 0 },
	{ "modseq plain", "917162500", 0, 917162500 },
	{ "modseq largest", "9223372036854775807", 0, INT64_MAX },
	{ "modseq over 63 bits", "9223372036854775808", -EINVAL, 0 },
	{ "modseq far over 64 bits", "99999999999999999999999", -EINVAL, 0 },
	{ "modseq empty", "", -EINVAL, 0 },
	{ "modseq sign", "-1", -EINVAL, 0 },
	{ "modseq trailing junk", "12a", -EINVAL, 0 },
};

static void run_modseq(void **state)
{
	const struct modseq_case *c = *state;
	uint64_t v;

	assert_int_equal(imap_modseq_parse(c->atom, &v), c->ret);
	if (!c->ret)
		assert_true(v == c->v);
}

static const char msg[] =
	"Received: from a\r\n\tby b\r\nSubject: hi\r\nFrom: x@y\r\n"
	"\r\nbody\r\n";

static void header_ends_after_the_empty_line(void **state)
{
	(void)state;
	assert_int_equal(imap_header_len(msg, strlen(msg)),
			 strlen(msg) - strlen("body\r\n"));
	assert_int_equal(imap_header_len("A: b\n\nx", 7), 6);
	assert_int_equal(imap_header_len("A: b\r\n", 6), 6);
	/* No field at all: the header is the empty line alone. */
	assert_int_equal(imap_header_len("\r\nbody\r\n", 8), 2);
	assert_int_equal(imap_header_len("\nbody\n", 6), 1);
}

static void fields_keep_folding_and_end_empty(void **state)
{
	char out[sizeof(msg) + 2];
	size_t n, h = imap_header_len(msg, strlen(msg));

	(void)state;
	n = imap_header_fields(msg, h, "RECEIVED FROM", false, out);
	assert_int_equal(n, strlen("Received: from a\r\n\tby b\r\n"
				   "From: x@y\r\n\r\n"));
	assert_memory_equal(out, "Received: from a\r\n\tby b\r\nFrom: x@y\r\n"
			    "\r\n", n);
	n = imap_header_fields(msg, h, "RECEIVED FROM", true, out);
	assert_memory_equal(out, "Subject: hi\r\n\r\n", n);
	n = imap_header_fields(msg, h, "NONE", false, out);
	assert_memory_equal(out, "\r\n", n);
}

int main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(items) + ARRAY_SIZE(modseqs) + 2] = {
		cmocka_unit_test(header_ends_after_the_empty_line),
		cmocka_unit_test(fields_keep_folding_and_end_empty),
	};
	size_t n = 2;

	TEST_TABLE(tests, n, items, run_item);
	TEST_TABLE(tests, n, modseqs, run_modseq);
	return cmocka_run_group_tests_name("imap_fetch", tests, NULL, NULL);
}
