// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of sasl_plain.c: any response decodes within its
 * buffer, and whatever PLAIN accepts keeps RFC 4616's promises.
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sasl_plain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1);
	unsigned char out[64];
	struct sasl_plain p;
	size_t ul, pl;
	int n, ret;

	if (!in)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	n = sasl_b64_decode(in, out, sizeof(out));
	assert(n == -EINVAL || n == -E2BIG || (n >= 0 && n < (int)sizeof(out)));
	if (n >= 0)
		assert(out[n] == '\0' && strlen(in) % 4 == 0 &&
		       (size_t)n <= strlen(in) / 4 * 3);
	ret = sasl_plain_decode(in, &p);
	assert(ret == 0 || ret == -EINVAL || ret == -EACCES);
	if (ret == 0) {
		ul = strlen(p.user);
		pl = strlen(p.pass);
		assert(ul >= 1 && ul <= SASL_PLAIN_FIELD_MAX);
		assert(pl >= 1 && pl <= SASL_PLAIN_FIELD_MAX);
		assert(p.user > (const char *)p.buf &&
		       p.pass + pl < (const char *)p.buf + sizeof(p.buf));
		assert(p.pass == p.user + ul + 1);
	} else {
		assert(!p.user && !p.pass);
	}
	free(in);
	return 0;
}
