// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the saved-table line parser: any bytes, no read past
 * them, and what parses formats back to a line that parses the same.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "watchfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size ? size : 1);
	struct watchfile_entry e, back;
	char buf[WATCHFILE_LINE_MAX];
	const char *err = NULL;
	int ret, n;

	memcpy(line, data, size);
	ret = watchfile_parse(line, size, &e, &err);
	assert(ret == 1 || ret == 0 || (ret < 0 && err));
	if (ret == 1) {
		n = watchfile_format(buf, sizeof(buf), &e);
		assert(n > 0 && n < (int)sizeof(buf));
		assert(watchfile_parse(buf, n, &back, &err) == 1);
		assert(!memcmp(&back, &e, sizeof(e)));
	}
	free(line);
	return 0;
}
