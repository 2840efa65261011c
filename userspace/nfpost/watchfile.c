// SPDX-License-Identifier: GPL-2.0
/*
 * One line of a saved binding table (see watchfile.h): parsed whole, with
 * one message per way a line can be wrong, and formatted back.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "fmt.h"
#include "watchfile.h"

#define FIELDS 4

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Splits @s in place into at most FIELDS + 1 words; returns how many. */
static int split(char *s, char **w)
{
	int n = 0;

	for (;;) {
		while (blank(*s))
			s++;
		if (!*s || n == FIELDS + 1)
			return n;
		w[n++] = s;
		while (*s && !blank(*s))
			s++;
		if (*s)
			*s++ = '\0';
	}
}

/* The kernel's dev_valid_name(), as `bind add` checks it. */
static bool valid_dev(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= IF_NAMESIZE || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	return !strpbrk(s, "/:");
}

static int fields(char **w, struct watchfile_entry *e, const char **err_r)
{
	if (inet_pton(AF_INET, w[0], &e->addr) != 1 || !e->addr.s_addr) {
		*err_r = "not an IPv4 address";
		return -EINVAL;
	}
	if (fmt_parse_lladdr(w[1], e->lladdr)) {
		*err_r = "not a link-layer address";
		return -EINVAL;
	}
	if ((e->lladdr[0] & 1) || !memcmp(e->lladdr, "\0\0\0\0\0\0", 6)) {
		*err_r = "link-layer address not unicast";
		return -EINVAL;
	}
	if (!valid_dev(w[2])) {
		*err_r = "not an interface name";
		return -EINVAL;
	}
	strcpy(e->dev, w[2]);
	if (strcmp(w[3], "static") && strcmp(w[3], "learned")) {
		*err_r = "kind is neither \"static\" nor \"learned\"";
		return -EINVAL;
	}
	e->is_static = !strcmp(w[3], "static");
	return 1;
}

int watchfile_parse(const char *line, size_t len, struct watchfile_entry *e,
		    const char **err_r)
{
	char buf[WATCHFILE_LINE_MAX + 1], *w[FIELDS + 1];
	int n;

	if (len && line[len - 1] == '\n')
		len--;
	if (len && line[len - 1] == '\r')
		len--;
	if (len > WATCHFILE_LINE_MAX) {
		*err_r = "line too long";
		return -EINVAL;
	}
	if (memchr(line, '\0', len)) {
		*err_r = "NUL byte in the line";
		return -EINVAL;
	}
	memcpy(buf, line, len);
	buf[len] = '\0';
	n = split(buf, w);
	if (!n || w[0][0] == '#')
		return 0;
	if (n != FIELDS) {
		*err_r = n < FIELDS ? "too few fields (IP LLADDR DEV static|learned)"
				    : "too many fields (IP LLADDR DEV static|learned)";
		return -EINVAL;
	}
	memset(e, 0, sizeof(*e));
	return fields(w, e, err_r);
}

int watchfile_format(char *buf, size_t len, const struct watchfile_entry *e)
{
	char ip[INET_ADDRSTRLEN], mac[FMT_LLADDR_LEN];

	inet_ntop(AF_INET, &e->addr, ip, sizeof(ip));
	return snprintf(buf, len, "%s %s %s %s\n", ip,
			fmt_lladdr(mac, e->lladdr), e->dev,
			e->is_static ? "static" : "learned");
}
