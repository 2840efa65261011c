/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The saved binding table of `nfpost watch save` and `restore`, in the
 * spirit of arpwatch's arp.dat: plain text, one binding per line,
 *
 *     IP LLADDR DEV static|learned
 *
 * fields separated by spaces or tabs; blank lines and lines whose first
 * non-blank character is '#' are skipped. Parsing and formatting do no I/O.
 */
#ifndef NFPOST_WATCHFILE_H
#define NFPOST_WATCHFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <net/if.h>

/* Longer lines are refused: a saved line is well under this. */
#define WATCHFILE_LINE_MAX 128

struct watchfile_entry {
	struct in_addr addr;
	uint8_t lladdr[6];
	char dev[IF_NAMESIZE];
	bool is_static;
};

/*
 * Parses the @len bytes at @line (a trailing "\n" or "\r\n" allowed).
 * Returns 1 with *e filled, 0 for a blank or comment line, or -EINVAL with
 * *err_r saying what is wrong.
 */
int watchfile_parse(const char *line, size_t len, struct watchfile_entry *e,
		    const char **err_r);
/* Writes @e as one line, newline included; returns its length. */
int watchfile_format(char *buf, size_t len, const struct watchfile_entry *e);

#endif /* NFPOST_WATCHFILE_H */
