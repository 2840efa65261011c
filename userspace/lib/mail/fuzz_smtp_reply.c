// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of smtp_reply.c: the same replies, codes, texts and
 * extensions whether fed whole, in two pieces or byte by byte; every text
 * printable ASCII and every code a valid one.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_reply.h"

#define MAX_REPLIES	64

struct result {
	int n;
	size_t consumed;
	enum smtp_reply_status status;
	struct {
		size_t end;	/* input offset right after the reply */
		int code, lines;
		unsigned int ext;
		char text[SMTP_REPLY_LINE_MAX];
	} r[MAX_REPLIES];
};

/* Feeds @in in pieces of @step bytes (0: whole), after a first of @split. */
static void feed(const char *in, size_t n, size_t split, size_t step,
		 struct result *res)
{
	struct smtp_reply r;
	size_t piece;

	memset(res, 0, sizeof(*res));
	smtp_reply_init(&r);
	while (res->consumed < n && res->status != SMTP_REPLY_BAD &&
	       res->n < MAX_REPLIES) {
		piece = res->consumed < split ? split - res->consumed :
			step ? step : n - res->consumed;
		if (piece > n - res->consumed)
			piece = n - res->consumed;
		res->consumed += smtp_reply_feed(&r, in + res->consumed, piece,
						 &res->status);
		if (res->status != SMTP_REPLY_DONE)
			continue;
		res->r[res->n].end = res->consumed;
		res->r[res->n].code = r.code;
		res->r[res->n].lines = r.lines;
		res->r[res->n].ext = r.ext;
		memcpy(res->r[res->n].text, r.text, sizeof(r.text));
		res->n++;
	}
}

static void check_one(const char *in, const struct result *res)
{
	size_t j;
	int i;

	for (i = 0; i < res->n; i++) {
		assert(res->r[i].code >= 200 && res->r[i].code <= 559);
		assert(res->r[i].lines >= 1 &&
		       res->r[i].lines <= SMTP_REPLY_LINES_MAX);
		assert(in[res->r[i].end - 1] == '\n');
		for (j = 0; res->r[i].text[j]; j++)
			assert(res->r[i].text[j] >= 0x20 &&
			       res->r[i].text[j] < 0x7f);
		assert(j >= 3 && j < SMTP_REPLY_LINE_MAX);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct result whole, halves, bytes;
	size_t n, split;
	char *in;

	if (size < 1)
		return 0;
	n = size - 1;
	split = n ? data[0] % n : 0;
	in = malloc(n ? n : 1);
	memcpy(in, data + 1, n);
	feed(in, n, 0, 0, &whole);
	feed(in, n, split, 0, &halves);
	feed(in, n, 0, 1, &bytes);
	check_one(in, &whole);
	assert(!memcmp(&whole, &halves, sizeof(whole)));
	assert(!memcmp(&whole, &bytes, sizeof(whole)));
	free(in);
	return 0;
}
