// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of rfc2047.c: any header text decodes within the
 * buffer it is given, NUL-terminated, the same into a big buffer whole or
 * as a prefix into a small one.
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rfc2047.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size ? size : 1), *big, small[16];
	size_t bsize = 16 * size + 64;	/* iconv may grow a byte a lot */
	ssize_t n, k;

	big = malloc(bsize);
	if (!in || !big)
		goto out;
	memcpy(in, data, size);		/* exactly @size: ASan sees overreads */
	n = rfc2047_decode(in, size, big, bsize);
	assert(n >= 0 && (size_t)n < bsize && big[n] == '\0');
	k = rfc2047_decode(in, size, small, sizeof(small));
	assert(k == -E2BIG || k == n);
	k = k < 0 ? (ssize_t)strlen(small) : k;
	assert((size_t)k < sizeof(small) && !memcmp(small, big, (size_t)k));
out:
	free(in);
	free(big);
	return 0;
}
