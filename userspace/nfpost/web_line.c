// SPDX-License-Identifier: GPL-2.0
/*
 * The checks a recorded line passes before `nfpost web --replay` sends it to
 * browsers: one JSON object on one line, and its "time" for the pacing.
 * I/O-free, tested by test_web.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "web.h"

bool web_line_ok(const char *line, size_t len)
{
	size_t i;

	if (len < 2 || len >= WEB_LINE_MAX || line[0] != '{' ||
	    line[len - 1] != '}')
		return false;
	for (i = 0; i < len; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			return false;
	return true;
}

/* The "time" the monitor wrote: 2026-11-27T08:01:31.123456Z. */
int web_line_time(const char *line, uint64_t *ns_r)
{
	const char *t = strstr(line, "\"time\":\"");
	unsigned int us = 0;
	struct tm tm = { 0 };
	char frac[8] = "";
	int n = 0;
	time_t sec;

	if (!t)
		return -ENOENT;
	t += strlen("\"time\":\"");
	if (sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 ||
	    n != 19)
		return -EINVAL;
	t += n;
	if (*t == '.') {
		if (sscanf(t + 1, "%6[0-9]%n", frac, &n) != 1 || n != 6)
			return -EINVAL;
		us = atoi(frac);
		t += 7;
	}
	if (*t != 'Z' || t[1] != '"')
		return -EINVAL;
	/* timegm() would take the 13th month as next January. */
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60)
		return -EINVAL;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	sec = timegm(&tm);
	if (sec == (time_t)-1)
		return -EINVAL;
	*ns_r = sec * 1000000000ULL + us * 1000ULL;
	return 0;
}
