// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for mime.c and imap_struct.c: the tree of a nested message,
 * header lookup, and the ENVELOPE and BODYSTRUCTURE made from them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "imap_struct.h"
#include "mime.h"

static const char nested[] =
	"From: \"Doe, John\" <john@example.org>\r\n"
	"To: a@b.example, Group: c@d.example, e@f.example;\r\n"
	"Subject: parts\r\n"
	"Message-ID: <1@x>\r\n"
	"Content-Type: multipart/mixed; boundary=\"XX\"\r\n"
	"\r\n"
	"preamble\r\n"
	"--XX\r\n"
	"Content-Type: text/plain; charset=utf-8\r\n"
	"\r\n"
	"hello\r\n"
	"--XX\r\n"
	"Content-Type: message/rfc822\r\n"
	"\r\n"
	"Subject: inner\r\n"
	"\r\n"
	"inner body\r\n"
	"--XX--\r\n"
	"epilogue\r\n";

static struct mime_part *parse(const char *msg)
{
	struct mime_part *root;

	assert_int_equal(mime_parse(msg, strlen(msg), &root), 0);
	return root;
}

static void tree_of_a_nested_message(void **state)
{
	struct mime_part *root = parse(nested), *p1, *p2;

	(void)state;
	assert_string_equal(root->type, "multipart");
	assert_string_equal(mime_param(root, "boundary"), "XX");
	p1 = mime_child(root, 1);
	p2 = mime_child(root, 2);
	assert_non_null(p1);
	assert_non_null(p2);
	assert_null(mime_child(root, 3));
	assert_string_equal(p1->subtype, "plain");
	assert_string_equal(mime_param(p1, "charset"), "utf-8");
	assert_int_equal(p1->body_len, 5);
	assert_memory_equal(nested + p1->body_off, "hello", 5);
	assert_non_null(p2->message);
	assert_memory_equal(nested + p2->message->body_off, "inner body", 10);
	mime_free(root);
}

static void header_lookup_unfolds(void **state)
{
	static const char h[] = "X-A: one\r\n two\r\nx-b:  three \r\n\r\n";
	char out[32];

	(void)state;
	assert_true(mime_header_get(h, strlen(h), "x-a", out, sizeof(out)));
	assert_string_equal(out, "one two");
	assert_true(mime_header_get(h, strlen(h), "X-B", out, sizeof(out)));
	assert_string_equal(out, "three");
	assert_false(mime_header_get(h, strlen(h), "X-C", out, sizeof(out)));
}

static void no_content_type_is_text_plain(void **state)
{
	struct mime_part *root = parse("Subject: x\r\n\r\nbody\r\nline\r\n");

	(void)state;
	assert_string_equal(root->type, "text");
	assert_string_equal(root->subtype, "plain");
	assert_int_equal(root->lines, 2);
	mime_free(root);
	/* Dovecot's count: line ends, none for a last line without one. */
	root = parse("Subject: x\r\n\r\nbody\r\nline");
	assert_int_equal(root->lines, 1);
	mime_free(root);
}

static void multipart_without_boundary_has_no_children(void **state)
{
	struct mime_part *root = parse("Content-Type: multipart/mixed\r\n\r\nx");
	struct imap_buf b = { 0 };

	(void)state;
	assert_null(root->child);
	imap_bodystructure(&b, "", root);
	assert_string_equal(b.p, "(\"TEXT\" \"PLAIN\" (\"CHARSET\" "
			    "\"us-ascii\") NIL NIL \"7BIT\" 1 0)");
	imap_buf_free(&b);
	mime_free(root);
}

static void envelope_of_the_nested_message(void **state)
{
	struct mime_part *root = parse(nested);
	struct imap_buf b = { 0 };

	(void)state;
	imap_envelope(&b, nested, root->hdr_len);
	assert_string_equal(b.p,
		"(NIL \"parts\" "
		"((\"Doe, John\" NIL \"john\" \"example.org\")) "
		"((\"Doe, John\" NIL \"john\" \"example.org\")) "
		"((\"Doe, John\" NIL \"john\" \"example.org\")) "
		"((NIL NIL \"a\" \"b.example\")(NIL NIL \"Group\" NIL)"
		"(NIL NIL \"c\" \"d.example\")(NIL NIL \"e\" \"f.example\")"
		"(NIL NIL NIL NIL)) NIL NIL NIL \"<1@x>\")");
	imap_buf_free(&b);
	mime_free(root);
}

static void bodystructure_of_the_nested_message(void **state)
{
	struct mime_part *root = parse(nested);
	struct imap_buf b = { 0 };

	(void)state;
	imap_bodystructure(&b, nested, root);
	assert_string_equal(b.p,
		"((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 5 0)"
		"(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 28 "
		"(NIL \"inner\" NIL NIL NIL NIL NIL NIL NIL NIL) "
		"(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" "
		"10 0) 2) \"MIXED\")");
	imap_buf_free(&b);
	mime_free(root);
}

static void strings_needing_it_become_literals(void **state)
{
	struct imap_buf b = { 0 };

	(void)state;
	imap_buf_nstring(&b, "a \"q\"");
	imap_buf_nstring(&b, NULL);
	assert_string_equal(b.p, "{5}\r\na \"q\"NIL");
	imap_buf_free(&b);
}

static const struct {
	const char *what;
	const char *ct;		/* the Content-Type value */
	const char *name;	/* the parameter looked up */
	const char *value;	/* NULL: absent */
	const char *charset;
} rfc2231[] = {
	{ "continuations are joined", "application/pdf; "
	  "name*0=\"long \"; name*1=report; name*2=\".pdf\"", "name",
	  "long report.pdf", "" },
	{ "percent-encoded with a charset", "application/pdf; "
	  "name*=utf-8''%E2%82%AC%20rates.pdf", "name",
	  "\xe2\x82\xac rates.pdf", "utf-8" },
	{ "the language is skipped", "text/plain; "
	  "title*=iso-8859-1'fr'%E9t%E9", "title", "\xe9t\xe9", "iso-8859-1" },
	{ "encoded and plain pieces mixed",
	  "text/plain; name*0*=utf-8'fr'%C3%A9t; name*1*=%C3%A9; "
	  "name*2=\"%41.txt\"", "name", "\xc3\xa9t\xc3\xa9%41.txt", "utf-8" },
	{ "pieces in any order", "text/plain; name*1=b; name*2=c; name*0=a",
	  "name", "abc", "" },
	{ "a gap ends the value", "text/plain; name*0=a; name*2=c", "name",
	  "a", "" },
	{ "no piece 0: no value", "text/plain; name*1=b", "name", NULL, "" },
	{ "a bad escape is kept", "text/plain; name*=utf-8''100%G1%2", "name",
	  "100%G1%2", "utf-8" },
	{ "the RFC 2231 value wins over the plain one",
	  "text/plain; name=fallback; name*=us-ascii''real", "name", "real",
	  "us-ascii" },
	{ "a plain name stays", "text/plain; charset=utf-8", "charset",
	  "utf-8", "" },
	{ "\"x*y\" is no RFC 2231 name", "text/plain; x*y=1", "x*y", "1", "" },
	{ "an encoded value without quotes has no charset",
	  "text/plain; name*=plain%20text", "name", "plain text", "" },
	{ "a joined value is cut at its bound",
	  "text/plain; n*0=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; "
	  "n*1=bbbbbbbbbb", "n",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "bbbbbbbbb", "" },
};

static void rfc2231_parameters(void **state)
{
	struct mime_part *root;
	const char *got;
	char msg[1024];
	size_t i;
	int k;

	(void)state;
	for (i = 0; i < sizeof(rfc2231) / sizeof(rfc2231[0]); i++) {
		snprintf(msg, sizeof(msg), "Content-Type: %s\r\n\r\nbody\r\n",
			 rfc2231[i].ct);
		root = parse(msg);
		got = mime_param(root, rfc2231[i].name);
		if (!rfc2231[i].value != !got ||
		    (got && strcmp(got, rfc2231[i].value)))
			fail_msg("%s: got \"%s\"", rfc2231[i].what,
				 got ? got : "(none)");
		for (k = 0; got && k < root->nparams; k++)
			if (root->params[k].value == got &&
			    strcmp(root->params[k].charset,
				   rfc2231[i].charset))
				fail_msg("%s: charset \"%s\"", rfc2231[i].what,
					 root->params[k].charset);
		mime_free(root);
	}
}

static void rfc2231_name_in_bodystructure_is_an_encoded_word(void **state)
{
	static const char msg[] =
		"Content-Type: application/pdf;\r\n"
		" name*0*=utf-8''%E2%82%AC%20r%C3%A9sum%C3%A9%20of%20the%20;\r\n"
		" name*1*=year%202026%20with%20a%20rather%20long%20name.pdf\r\n"
		"\r\n"
		"x\r\n";
	struct mime_part *root = parse(msg);
	struct imap_buf b = { 0 };

	(void)state;
	imap_bodystructure(&b, msg, root);
	/* Words of at most 75 characters, split between characters. */
	assert_string_equal(b.p,
		"(\"APPLICATION\" \"PDF\" (\"NAME\" "
		"\"=?utf-8?Q?=E2=82=AC_r=C3=A9sum=C3=A9_of_the_year_2026_with_a"
		"_rather_long_?= =?utf-8?Q?name=2Epdf?=\") NIL NIL \"7BIT\" 3)");
	imap_buf_free(&b);
	mime_free(root);
}

static void rfc2231_ascii_value_stays_a_plain_string(void **state)
{
	static const char msg[] =
		"Content-Type: text/plain; charset*=us-ascii'en'us-ascii;\r\n"
		" name*0=\"a b\"; name*1=.txt\r\n"
		"\r\n";
	struct mime_part *root = parse(msg);
	struct imap_buf b = { 0 };

	(void)state;
	imap_bodystructure(&b, msg, root);
	assert_string_equal(b.p,
		"(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\" \"NAME\" "
		"\"a b.txt\") NIL NIL \"7BIT\" 0 0)");
	imap_buf_free(&b);
	mime_free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tree_of_a_nested_message),
		cmocka_unit_test(header_lookup_unfolds),
		cmocka_unit_test(no_content_type_is_text_plain),
		cmocka_unit_test(multipart_without_boundary_has_no_children),
		cmocka_unit_test(envelope_of_the_nested_message),
		cmocka_unit_test(bodystructure_of_the_nested_message),
		cmocka_unit_test(strings_needing_it_become_literals),
		cmocka_unit_test(rfc2231_parameters),
		cmocka_unit_test(rfc2231_name_in_bodystructure_is_an_encoded_word),
		cmocka_unit_test(rfc2231_ascii_value_stays_a_plain_string),
	};

	return cmocka_run_group_tests_name("mime", tests, NULL, NULL);
}
