// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of mailaddr.c: any path, no read past its end, and an
 * accepted address formats to one that parses back to the same parts.
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mailaddr.h"

/* What relay decisions rely on: the domain alone names where mail goes. */
static void check_parts(const struct mailaddr *a, bool allow_utf8)
{
	const char *d;

	assert(strlen(a->local) <= MAILADDR_LOCAL_MAX);
	assert(strlen(a->domain) <= MAILADDR_DOMAIN_MAX);
	assert(!strpbrk(a->domain, "@%!\"\\ "));
	assert(a->quoted || !strchr(a->local, '@'));
	assert(!a->utf8 || allow_utf8);
	for (d = a->domain; *d; d++)
		assert(!(*d >= 'A' && *d <= 'Z') || d - a->domain < 5);
	assert(mailaddr_domain_eq(a->domain, a->domain));
}

static void check_round_trip(const struct mailaddr *a, bool allow_utf8)
{
	char buf[MAILADDR_LOCAL_MAX + MAILADDR_DOMAIN_MAX + 2];
	struct mailaddr b;
	size_t len;

	assert(!mailaddr_format(a, buf, sizeof(buf)));
	len = strlen(buf);
	assert(!mailaddr_parse(buf, a->null, allow_utf8, &b, NULL));
	assert(mailaddr_format(a, buf, len) == -ENOSPC);
	assert(!strcmp(a->local, b.local) && !strcmp(a->domain, b.domain));
	assert(a->null == b.null && a->quoted == b.quoted && !b.routed);
	assert(a->relay_syntax == b.relay_syntax && a->utf8 == b.utf8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool allow_null, allow_utf8;
	const char *err = NULL;
	struct mailaddr a;
	char *path;
	int ret;

	if (!size)
		return 0;
	/* The first byte picks the options; the rest, NUL-ended, is the path. */
	allow_null = data[0] & 1;
	allow_utf8 = data[0] & 2;
	path = malloc(size);
	memcpy(path, data + 1, size - 1);
	path[size - 1] = '\0';
	ret = mailaddr_parse(path, allow_null, allow_utf8, &a, &err);
	assert(ret == 0 || ret == -EINVAL || ret == -E2BIG);
	assert(!ret == !err);
	if (!ret) {
		assert(!a.null || (allow_null && !*path));
		check_parts(&a, allow_utf8);
		check_round_trip(&a, allow_utf8);
	}
	free(path);
	return 0;
}
