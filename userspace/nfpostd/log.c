// SPDX-License-Identifier: GPL-2.0
/* nfpostd's log lines: to syslog, and copied to stderr in the foreground. */
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

static bool copy_to_stderr;

void log_open(bool to_stderr)
{
	copy_to_stderr = to_stderr;
	openlog("nfpostd", LOG_PID | LOG_NDELAY, LOG_MAIL);
}

void log_msg(int prio, const char *fmt, ...)
{
	char line[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	syslog(prio, "%s", line);
	if (copy_to_stderr)
		fprintf(stderr, "nfpostd: %s\n", line);
}
