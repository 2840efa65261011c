// SPDX-License-Identifier: GPL-2.0
/*
 * Text forms of netlink's binary values. Times are ISO 8601 in UTC, so that
 * output taken in different lab VMs sorts and compares as text.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "fmt.h"

/* Two digits of v (0..99) at p. */
static char *put2(char *p, unsigned int v)
{
	p[0] = '0' + v / 10;
	p[1] = '0' + v % 10;
	return p + 2;
}

/*
 * buf must hold FMT_TIME_LEN bytes. A dump formats a time or two per
 * binding, mostly of the same few seconds: the date and time of the last
 * second formatted are kept, and the rest is done without printf.
 */
const char *fmt_time(char *buf, uint64_t ns, bool usec)
{
	static __thread time_t last_sec = -1;
	static __thread char last[FMT_TIME_LEN];
	time_t sec = ns / 1000000000ULL;
	unsigned int us;
	struct tm tm;
	char *p;

	if (sec != last_sec) {
		if (!gmtime_r(&sec, &tm)) {
			snprintf(buf, FMT_TIME_LEN, "%llu", (unsigned long long)ns);
			return buf;
		}
		strftime(last, sizeof(last), "%Y-%m-%dT%H:%M:%S", &tm);
		last_sec = sec;
	}
	p = stpcpy(buf, last);
	if (usec) {
		us = ns % 1000000000ULL / 1000;
		*p++ = '.';
		p = put2(p, us / 10000);
		p = put2(p, us / 100 % 100);
		p = put2(p, us % 100);
	}
	*p++ = 'Z';
	*p = '\0';
	return buf;
}

const char *fmt_lladdr(char *buf, const uint8_t *m)
{
	static const char hex[] = "0123456789abcdef";
	char *p = buf;
	int i;

	for (i = 0; i < 6; i++) {
		if (i)
			*p++ = ':';
		*p++ = hex[m[i] >> 4];
		*p++ = hex[m[i] & 15];
	}
	*p = '\0';
	return buf;
}

const char *fmt_ipv4(char *buf, uint32_t be)
{
	struct in_addr a = { .s_addr = be };

	return inet_ntop(AF_INET, &a, buf, FMT_IPV4_LEN);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Accepts exactly six colon-separated octets of one or two hex digits;
 * sscanf("%x") would also take signs, spaces and "0x".
 */
int fmt_parse_lladdr(const char *s, uint8_t *mac_r)
{
	int i, hi, lo;

	for (i = 0; i < 6; i++) {
		hi = hexval(*s++);
		if (hi < 0)
			return -EINVAL;
		lo = hexval(*s);
		if (lo >= 0) {
			hi = hi << 4 | lo;
			s++;
		}
		mac_r[i] = hi;
		if (*s != (i < 5 ? ':' : '\0'))
			return -EINVAL;
		s++;
	}
	return 0;
}
