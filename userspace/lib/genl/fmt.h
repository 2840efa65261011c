/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text forms of the values netlink carries in binary: wall-clock times in
 * nanoseconds, IPv4 addresses in network byte order, Ethernet addresses.
 */
#ifndef NFPOST_FMT_H
#define NFPOST_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FMT_TIME_LEN	32	/* "2026-11-23T23:59:01.123456Z" */
#define FMT_LLADDR_LEN	18	/* "aa:bb:cc:dd:ee:ff" */
#define FMT_IPV4_LEN	16	/* "255.255.255.255" */

const char *fmt_time(char *buf, uint64_t ns, bool usec);
const char *fmt_lladdr(char *buf, const uint8_t *mac);
const char *fmt_ipv4(char *buf, uint32_t be);
int fmt_parse_lladdr(const char *s, uint8_t *mac_r);

#endif /* NFPOST_FMT_H */
