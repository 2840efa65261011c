// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of pop3_cmd.c: any line parses to a known verb with
 * the arguments it takes, or is refused with a reason; nothing is read
 * past the line.
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pop3_cmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	struct pop3_cmd cmd;
	const char *err;
	int ret, i;

	memcpy(buf, data, size);
	buf[size] = '\0';
	ret = pop3_cmd_parse(buf, &cmd, &err);
	assert(ret == 0 || ret == -EINVAL || ret == -ENOENT);
	assert(!ret == !err);
	assert((ret == -ENOENT) == (cmd.verb == POP3_UNKNOWN));
	if (!ret) {
		assert(cmd.arg && cmd.nnum >= 0 && cmd.nnum <= 2);
		for (i = 0; i < cmd.nnum; i++)
			assert(cmd.num[i] <= POP3_NUM_MAX);
		if (cmd.verb == POP3_TOP)
			assert(cmd.nnum == 2);
		if (cmd.verb == POP3_RETR || cmd.verb == POP3_DELE)
			assert(cmd.nnum == 1);
	}
	free(buf);
	return 0;
}
