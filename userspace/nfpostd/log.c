// SPDX-License-Identifier: GPL-2.0
/* nfpostd's log lines: to syslog, and copied to stderr in the foreground. */
#include <paths.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "log.h"

static bool copy_to_stderr;

/*
 * Without a syslog daemon (no /dev/log: a container, the lab VM, CI)
 * glibc's syslog() makes, connects and closes a socket for every line,
 * and loses the line all the same: three system calls per line, a dozen
 * per mail. Then syslog is left alone, and tried again (one connect)
 * after SYSLOG_RETRY_S. @syslog_retry: when, on CLOCK_MONOTONIC, in
 * seconds; 0 while syslog takes the lines. Log lines come from the
 * workers too, hence the atomic.
 */
#define SYSLOG_RETRY_S	60

static _Atomic long syslog_retry;

static long now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec;
}

static bool syslog_listens(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool up;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", _PATH_LOG);
	up = fd >= 0 && !connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	if (fd >= 0)
		close(fd);
	return up;
}

static bool syslog_wanted(void)
{
	long retry = atomic_load(&syslog_retry), now;

	if (!retry)
		return true;
	now = now_s();
	if (now < retry)
		return false;
	if (syslog_listens()) {
		atomic_store(&syslog_retry, 0);
		return true;
	}
	atomic_store(&syslog_retry, now + SYSLOG_RETRY_S);
	return false;
}

void log_open(bool to_stderr)
{
	copy_to_stderr = to_stderr;
	openlog("nfpostd", LOG_PID | LOG_NDELAY, LOG_MAIL);
	atomic_store(&syslog_retry,
		     syslog_listens() ? 0 : now_s() + SYSLOG_RETRY_S);
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
	if (syslog_wanted())
		syslog(prio, "%s", line);
	if (copy_to_stderr)
		fprintf(stderr, "nfpostd: %s\n", line);
}
