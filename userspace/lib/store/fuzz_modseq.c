// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of modseq_log_parse(): whatever a crash or a hand
 * left in the MODSEQ log, the records read are one per UID, in order,
 * none above the highest MODSEQ, and the torn tail past the last whole
 * line changes nothing (the text up to it reads the same).
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "modseq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct modseq_log log, head;
	size_t i;

	if (modseq_log_parse(text, size, &log))
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
	if (!modseq_log_parse(text, log.good, &head)) {
		assert(head.n == log.n && head.lines == log.lines &&
		       head.highest == log.highest &&
		       head.uidvalidity == log.uidvalidity);
		assert(!log.n ||
		       !memcmp(head.v, log.v, log.n * sizeof(*log.v)));
		modseq_log_free(&head);
	}
	modseq_log_free(&log);
	return 0;
}
