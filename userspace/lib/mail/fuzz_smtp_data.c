// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of smtp_data.c: the same message, status and findings
 * whether fed whole, in two pieces or byte by byte, and no bare CR or LF out,
 * for DATA and for BDAT chunks.
 */
#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_data.h"

struct result {
	char *out;
	size_t out_len, cap;
	enum smtp_data_status status;
	size_t consumed;
	unsigned int flags;
	uint64_t size;
};

static void collect(void *ctx, const char *p, size_t n)
{
	struct result *r = ctx;

	assert(n && r->out_len + n <= r->cap);
	memcpy(r->out + r->out_len, p, n);
	r->out_len += n;
}

/* Feeds @in in pieces of @step bytes (0: whole), after a first of @split. */
static void feed(const char *in, size_t n, uint64_t max, bool bdat,
		 size_t split, size_t step, struct result *r)
{
	struct smtp_data d;
	size_t piece;

	r->cap = n + 2;		/* BDAT may add a last CRLF */
	r->out = malloc(r->cap);
	r->out_len = r->consumed = 0;
	r->status = SMTP_DATA_MORE;
	if (bdat)
		smtp_data_init_chunked(&d, max, collect, r);
	else
		smtp_data_init(&d, max, collect, r);
	while (r->consumed < n && r->status == SMTP_DATA_MORE) {
		piece = r->consumed < split ? split - r->consumed :
			step ? step : n - r->consumed;
		if (piece > n - r->consumed)
			piece = n - r->consumed;
		r->consumed += smtp_data_feed(&d, in + r->consumed, piece,
					      &r->status);
	}
	if (bdat && r->status == SMTP_DATA_MORE)
		r->status = smtp_data_chunks_end(&d);
	r->flags = d.flags;
	r->size = d.size;
}

static void check_same(const struct result *a, const struct result *b)
{
	assert(a->status == b->status && a->consumed == b->consumed);
	assert(a->flags == b->flags && a->size == b->size);
	assert(a->out_len == b->out_len &&
	       !memcmp(a->out, b->out, a->out_len));
}

/* What the status promises about the input, and the output's line ends. */
static void check_one(const char *in, size_t n, uint64_t max, bool bdat,
		      const struct result *r)
{
	size_t i, c = r->consumed;

	if (r->status == SMTP_DATA_END && bdat)
		assert(c == n);
	else if (r->status == SMTP_DATA_END)
		assert(c >= 3 && !memcmp(in + c - 3, ".\r\n", 3) &&
		       (c == 3 || !memcmp(in + c - 5, "\r\n", 2)));
	if (r->status == SMTP_DATA_BAD_EOL)
		assert((c && in[c - 1] == '\r') || (c < n && in[c] == '\n'));
	assert(!bdat || r->status != SMTP_DATA_MORE);
	assert(r->out_len <= r->size);
	assert(!!(r->flags & SMTP_DATA_E_TOO_BIG) == (max && r->size > max));
	if (r->flags & SMTP_DATA_E_TOO_BIG)
		return;
	assert(r->out_len == r->size);
	for (i = 0; i < r->out_len; i++) {
		if (r->out[i] == '\r')
			assert(i + 1 < r->out_len && r->out[i + 1] == '\n');
		if (r->out[i] == '\n')
			assert(i && r->out[i - 1] == '\r');
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct result whole, halves, bytes;
	uint64_t max;
	size_t n, split;
	bool bdat;
	char *in;

	if (size < 2)
		return 0;
	/*
	 * The first two bytes pick DATA or BDAT and the size limit, and where
	 * to split.
	 */
	bdat = data[0] & 1;
	max = (data[0] >> 1) * 6u;
	n = size - 2;
	split = n ? data[1] % n : 0;
	in = malloc(n ? n : 1);
	memcpy(in, data + 2, n);
	feed(in, n, max, bdat, 0, 0, &whole);
	feed(in, n, max, bdat, split, 0, &halves);
	feed(in, n, max, bdat, 0, 1, &bytes);
	check_one(in, n, max, bdat, &whole);
	check_same(&whole, &halves);
	check_same(&whole, &bytes);
	free(whole.out);
	free(halves.out);
	free(bytes.out);
	free(in);
	return 0;
}
