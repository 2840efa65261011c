// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of received.c: any input, no read past its end, every
 * field a bounded printable string, the same result twice.
 */
#include <arpa/inet.h>
#include <assert.h>
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "received.h"

static void check_str(const char *s, size_t size)
{
	size_t len = strnlen(s, size), i;

	assert(len < size);
	for (i = 0; i < len; i++)
		assert((unsigned char)s[i] >= 0x20 && s[i] != 0x7f);
}

static void check(const struct received *r, int ret)
{
	unsigned char bin[16];
	size_t i;

	check_str(r->from, sizeof(r->from));
	check_str(r->rdns, sizeof(r->rdns));
	check_str(r->helo, sizeof(r->helo));
	check_str(r->ip, sizeof(r->ip));
	check_str(r->by, sizeof(r->by));
	check_str(r->with, sizeof(r->with));
	check_str(r->id, sizeof(r->id));
	check_str(r->for_addr, sizeof(r->for_addr));
	assert(r->has_time == !ret);
	if (r->ip[0])
		assert(inet_pton(AF_INET, r->ip, bin) == 1 ||
		       inet_pton(AF_INET6, r->ip, bin) == 1);
	if (!strchr(r->with, ' '))
		for (i = 0; r->with[i]; i++)
			assert(!islower((unsigned char)r->with[i]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size heap copy lets ASan catch any read past the end. */
	char *buf = malloc(size ? size : 1);
	struct received r1, r2;
	int ret;

	memcpy(buf, data, size);
	ret = received_parse(buf, size, &r1);
	check(&r1, ret);
	assert(received_parse(buf, size, &r2) == ret);
	assert(!memcmp(&r1, &r2, sizeof(r1)));
	free(buf);
	return 0;
}
