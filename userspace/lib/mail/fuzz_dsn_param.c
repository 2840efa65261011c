// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of dsn_param.c: xtext decodes the same fed whole or in
 * two pieces, what it decodes is printable and encodes back to something
 * that decodes the same, and no value breaks the parameter checks.
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dsn_param.h"

static void check_xtext(const char *in, size_t len, size_t split)
{
	char a[128], b[128], enc[3 * sizeof(a)], again[sizeof(a)];
	struct xtext_dec d;
	int ra, rb;
	size_t i;

	ra = xtext_decode(in, a, sizeof(a));
	assert(ra == 0 || ra == -EINVAL || ra == -ENOSPC);
	xtext_dec_init(&d, b, sizeof(b));
	xtext_dec_feed(&d, in, split);
	xtext_dec_feed(&d, in + split, len - split);
	rb = xtext_dec_end(&d);
	assert(ra == rb);
	if (ra)
		return;
	assert(!strcmp(a, b));
	for (i = 0; a[i]; i++)
		assert(a[i] >= 0x20 && a[i] <= 0x7e);
	assert(xtext_encode(a, enc, sizeof(enc)) < sizeof(enc));
	for (i = 0; enc[i]; i++)
		assert(enc[i] > ' ' && enc[i] < 0x7f && enc[i] != '=');
	assert(!xtext_decode(enc, again, sizeof(again)));
	assert(!strcmp(a, again));
}

static void check_params(const char *in)
{
	unsigned int notify = 0;
	enum dsn_ret ret;
	char buf[64];

	if (!dsn_notify_parse(in, &notify)) {
		assert(notify && notify < 16);
		assert(!(notify & DSN_NOTIFY_NEVER) ||
		       notify == DSN_NOTIFY_NEVER);
		dsn_notify_format(notify, buf, sizeof(buf));
		assert(!strcasecmp(buf, in) || strlen(buf) == strlen(in));
	}
	if (!dsn_ret_parse(in, &ret))
		assert(ret == DSN_RET_FULL || ret == DSN_RET_HDRS);
	if (!dsn_envid_check(in))
		assert(strlen(in) <= DSN_ENVID_MAX);
	if (!dsn_orcpt_check(in))
		assert(strlen(in) <= DSN_ORCPT_MAX && strchr(in, ';'));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size heap copy lets ASan catch any read past the end. */
	char *in = malloc(size + 1);
	size_t len, split;

	memcpy(in, data, size);
	in[size] = '\0';
	len = strlen(in);
	split = len ? (size * 131u) % (len + 1) : 0;
	check_xtext(in, len, split);
	check_params(in);
	free(in);
	return 0;
}
