/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfpostd's log: syslog (facility mail), and stderr when run in the
 * foreground. Lines follow Postfix's shapes so that fail2ban's postfix
 * filters match them.
 */
#ifndef NFPOSTD_LOG_H
#define NFPOSTD_LOG_H

#include <stdbool.h>
#include <syslog.h>

void log_open(bool to_stderr);
void log_msg(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* NFPOSTD_LOG_H */
