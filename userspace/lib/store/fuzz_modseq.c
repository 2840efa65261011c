// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of modseq_log_parse(): whatever a crash or a hand
 * left in the MODSEQ log, the records read are one per UID, in order,
 * none above the highest MODSEQ, the torn tail past the last whole line
 * changes nothing (the text up to it reads the same), and the log read
 * on in two pieces (modseq_log_parse_more(), a session's next load)
 * reads as the whole, STOREs' cur/ chain (modseq.h) included.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "modseq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same(const struct modseq_log *a, const struct modseq_log *b)
{
	assert(a->n == b->n && a->lines == b->lines &&
	       a->highest == b->highest && a->uidvalidity == b->uidvalidity &&
	       a->good == b->good);
	assert(!a->n || !memcmp(a->v, b->v, a->n * sizeof(*a->v)));
	assert(a->chain_ok == b->chain_ok &&
	       a->touched_over == b->touched_over &&
	       a->n_touched == b->n_touched && a->n_pending == b->n_pending &&
	       a->chain.tv_sec == b->chain.tv_sec &&
	       a->chain.tv_nsec == b->chain.tv_nsec);
	assert(a->n_touched <= MODSEQ_TOUCHED_MAX &&
	       !memcmp(a->touched, b->touched,
		       a->n_touched * sizeof(*a->touched)));
}

/* From a chain at 1 s (a "C 0 1 0 ..." line continues it). */
static int parse_chained(const char *text, size_t len, struct modseq_log *log)
{
	const struct timespec start = { 1, 0 };

	memset(log, 0, sizeof(*log));
	modseq_log_sync_point(log, &start);
	return modseq_log_parse_more(text, len, log);
}

/* Read up to @cut, then on from where that stopped. */
static void in_two(const char *text, size_t size, size_t cut,
		   const struct modseq_log *whole)
{
	struct modseq_log log;

	if (parse_chained(text, cut, &log))
		return;
	if (!modseq_log_parse_more(text + log.good, size - log.good, &log))
		same(&log, whole);
	modseq_log_free(&log);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct modseq_log log, head;
	size_t i;

	if (parse_chained(text, size, &log))
		return 0;
	assert(log.good <= size && log.n <= log.lines);
	assert(!log.good || text[log.good - 1] == '\n');
	assert(!memchr(text + log.good, '\n', size - log.good));
	for (i = 0; i < log.n; i++) {
		assert(log.v[i].uid && log.v[i].modseq);
		assert(log.v[i].modseq <= log.highest);
		assert(!i || log.v[i - 1].uid < log.v[i].uid);
		assert(strlen(log.v[i].letters) <= MODSEQ_LETTERS_MAX);
		assert(modseq_log_find(&log, log.v[i].uid) == &log.v[i]);
	}
	if (!parse_chained(text, log.good, &head)) {
		same(&head, &log);
		modseq_log_free(&head);
	}
	/* Cut where the first byte says, and in the middle. */
	if (size)
		in_two(text, size, data[0] % (size + 1), &log);
	in_two(text, size, size / 2, &log);
	modseq_log_free(&log);
	return 0;
}
