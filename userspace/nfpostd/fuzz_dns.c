// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of dns_each(): any bytes as an answer, for each record
 * type the sender checks read; no read past the end, every record's data
 * within the answer's size, the same walk twice.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "dns.h"

struct sum {
	size_t max, total;
	int calls;
};

static int each(void *ctx, const void *data, size_t n, uint32_t ttl)
{
	struct sum *s = ctx;
	const volatile unsigned char *p = data;

	(void)ttl;
	assert(n <= s->max);
	if (n)
		(void)p[n - 1];
	s->total += n;
	s->calls++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int types[] = { 1, 12, 15, 16, 28 };
	size_t i;

	if (size > DNS_ANSWER_MAX)
		return 0;
	for (i = 0; i < sizeof(types) / sizeof(*types); i++) {
		struct sum a = { .max = DNS_ANSWER_MAX }, b = a;
		int r1 = dns_each(data, (int)size, types[i], each, &a);
		int r2 = dns_each(data, (int)size, types[i], each, &b);

		assert(r1 == r2 && a.calls == b.calls && a.total == b.total);
		assert(r1 == 0 || r1 == -22);
	}
	return 0;
}
