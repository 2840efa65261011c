// SPDX-License-Identifier: GPL-2.0
/* nfpostd's log lines: to syslog, and copied to stderr in the foreground. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "log.h"

static bool copy_to_stderr;

void log_open(bool to_stderr)
{
	copy_to_stderr = to_stderr;
	openlog("nfpostd", LOG_PID | LOG_NDELAY, LOG_MAIL);
}

/*
 * Log lines carry what clients sent (HELO names, addresses, AUTH user
 * names): a control character in one could end the line and forge the
 * next one (a fail2ban match, say). Every control character and DEL
 * becomes \ooo, and a backslash \\, so that each call is one line and
 * reads back unambiguously.
 */
static void escape(const char *in, char *out, size_t size)
{
	size_t o = 0;

	for (; *in && o + 5 < size; in++) {
		unsigned char c = (unsigned char)*in;

		if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(out + o, size - o, "\\%03o", c);
		else if (c == '\\')
			o += (size_t)snprintf(out + o, size - o, "\\\\");
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
}

void log_msg(int prio, const char *fmt, ...)
{
	char raw[2048], line[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	escape(raw, line, sizeof(line));
	syslog(prio, "%s", line);
	if (copy_to_stderr)
		fprintf(stderr, "nfpostd: %s\n", line);
}
