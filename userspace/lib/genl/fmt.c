// SPDX-License-Identifier: GPL-2.0
/*
 * Text forms of netlink's binary values. Times are ISO 8601 in UTC, so that
 * output taken in different lab VMs sorts and compares as text.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <time.h>
#include "fmt.h"

/* buf must hold FMT_TIME_LEN bytes. */
const char *fmt_time(char *buf, uint64_t ns, bool usec)
{
	time_t sec = ns / 1000000000ULL;
	struct tm tm;
	size_t n;

	if (!gmtime_r(&sec, &tm)) {
		snprintf(buf, FMT_TIME_LEN, "%llu", (unsigned long long)ns);
		return buf;
	}
	n = strftime(buf, FMT_TIME_LEN, "%Y-%m-%dT%H:%M:%S", &tm);
	if (usec)
		snprintf(buf + n, FMT_TIME_LEN - n, ".%06lluZ",
			 (unsigned long long)(ns % 1000000000ULL / 1000));
	else
		snprintf(buf + n, FMT_TIME_LEN - n, "Z");
	return buf;
}

const char *fmt_lladdr(char *buf, const uint8_t *m)
{
	snprintf(buf, FMT_LLADDR_LEN, "%02x:%02x:%02x:%02x:%02x:%02x",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
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
