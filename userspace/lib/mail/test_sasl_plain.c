// SPDX-License-Identifier: GPL-2.0
/* Unit tests for sasl_plain.c: one case per behaviour, from tables. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "sasl_plain.h"
#include "test_table.h"

struct b64_case {
	const char *name;
	const char *in;
	int ret;		/* length, or -errno */
	const char *out;	/* ret bytes */
};

static const struct b64_case b64_cases[] = {
	{ "empty is zero bytes", "", 0, "" },
	{ "two pads", "YQ==", 1, "a" },
	{ "one pad", "YWI=", 2, "ab" },
	{ "no pad", "YWJj", 3, "abc" },
	{ "NULs come through", "AGEAYg==", 4, "\0a\0b" },
	{ "both extra alphabet chars", "+/+/", 3, "\xfb\xff\xbf" },
	{ "unpadded is refused", "YQ", -EINVAL, NULL },
	{ "pad inside is refused", "YQ==YQ==", -EINVAL, NULL },
	{ "pad then data is refused", "Y=Q=", -EINVAL, NULL },
	{ "three pads are refused", "Y===", -EINVAL, NULL },
	{ "a blank is refused", "YW J", -EINVAL, NULL },
	{ "a line end is refused", "YWJ\n", -EINVAL, NULL },
	{ "url-safe alphabet is refused", "-_-_", -EINVAL, NULL },
	{ "non-zero dropped bits are refused", "YR==", -EINVAL, NULL },
	{ "non-zero dropped bits with one pad", "YWJ=", -EINVAL, NULL },
};

static void run_b64(void **state)
{
	const struct b64_case *c = *state;
	unsigned char out[16];

	memset(out, 0x55, sizeof(out));
	assert_int_equal(sasl_b64_decode(c->in, out, sizeof(out)), c->ret);
	if (c->ret < 0)
		return;
	assert_memory_equal(out, c->out, (size_t)c->ret);
	assert_int_equal(out[c->ret], '\0');
}

static void b64_too_big_for_the_buffer(void **state)
{
	unsigned char out[4];

	(void)state;
	assert_int_equal(sasl_b64_decode("YWJj", out, sizeof(out)), 3);
	assert_int_equal(sasl_b64_decode("YWJjZA==", out, sizeof(out)),
			 -E2BIG);
	assert_int_equal(sasl_b64_decode("YWJjZGVmZ2hp", out, sizeof(out)),
			 -E2BIG);
}

/* Decoded messages, base64-encoded by the test. */
struct plain_case {
	const char *name;
	const char *msg;
	size_t len;
	int ret;
	const char *user;
	const char *pass;
};

#define M(s) s, sizeof(s) - 1

static const struct plain_case plain_cases[] = {
	{ "no authzid", M("\0alice\0wonder land"), 0, "alice", "wonder land" },
	{ "authzid equal to the user", M("alice\0alice\0pw"), 0, "alice",
	  "pw" },
	{ "authzid of another user is refused", M("bob\0alice\0pw"), -EACCES,
	  NULL, NULL },
	{ "authzid differing in case is refused", M("ALICE\0alice\0pw"),
	  -EACCES, NULL, NULL },
	{ "empty user is refused", M("\0\0pw"), -EACCES, NULL, NULL },
	{ "empty password is refused", M("\0alice\0"), -EACCES, NULL, NULL },
	{ "one NUL is refused", M("\0alice"), -EACCES, NULL, NULL },
	{ "no NUL is refused", M("alice"), -EACCES, NULL, NULL },
	{ "a third NUL is refused", M("\0alice\0pw\0x"), -EACCES, NULL, NULL },
	{ "nothing is refused", M(""), -EACCES, NULL, NULL },
};

static void b64_encode(const unsigned char *in, size_t len, char *out)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				"abcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;
	unsigned v;

	for (i = 0; i < len; i += 3) {
		v = (unsigned)in[i] << 16;
		v |= i + 1 < len ? (unsigned)in[i + 1] << 8 : 0;
		v |= i + 2 < len ? in[i + 2] : 0;
		*out++ = a[v >> 18 & 63];
		*out++ = a[v >> 12 & 63];
		*out++ = i + 1 < len ? a[v >> 6 & 63] : '=';
		*out++ = i + 2 < len ? a[v & 63] : '=';
	}
	*out = '\0';
}

static void run_plain(void **state)
{
	const struct plain_case *c = *state;
	struct sasl_plain p;
	char b64[1200];

	b64_encode((const unsigned char *)c->msg, c->len, b64);
	assert_int_equal(sasl_plain_decode(b64, &p), c->ret);
	if (c->ret) {
		assert_null(p.user);
		return;
	}
	assert_string_equal(p.user, c->user);
	assert_string_equal(p.pass, c->pass);
}

static void plain_not_base64_is_einval(void **state)
{
	struct sasl_plain p;

	(void)state;
	assert_int_equal(sasl_plain_decode("AGFsaWNlAHB3!", &p), -EINVAL);
	assert_int_equal(sasl_plain_decode("*", &p), -EINVAL);
}

static void plain_field_lengths_are_bounded(void **state)
{
	unsigned char msg[600];
	struct sasl_plain p;
	char b64[1200];

	(void)state;
	/* NUL, 255 x 'u', NUL, 255 x 'p': the longest accepted. */
	memset(msg, 'u', sizeof(msg));
	msg[0] = '\0';
	msg[256] = '\0';
	memset(msg + 257, 'p', 255);
	b64_encode(msg, 512, b64);
	assert_int_equal(sasl_plain_decode(b64, &p), 0);
	assert_int_equal(strlen(p.user), 255);
	assert_int_equal(strlen(p.pass), 255);
	/* A 256th octet of password. */
	msg[512] = 'p';
	b64_encode(msg, 513, b64);
	assert_int_equal(sasl_plain_decode(b64, &p), -EACCES);
	/* Past what any PLAIN message can be: refused before decoding. */
	memset(b64, 'A', 1100);
	b64[1100] = '\0';
	assert_int_equal(sasl_plain_decode(b64, &p), -EACCES);
}

int main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(b64_cases) +
				ARRAY_SIZE(plain_cases) + 3];
	size_t n = 0;

	TEST_TABLE(tests, n, b64_cases, run_b64);
	TEST_TABLE(tests, n, plain_cases, run_plain);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(
		b64_too_big_for_the_buffer);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(
		plain_not_base64_is_einval);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(
		plain_field_lengths_are_bounded);
	return cmocka_run_group_tests_name("sasl_plain", tests, NULL, NULL);
}
