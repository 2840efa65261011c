/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The domain-deciding core of the RFC 5321 path parser, shared by nfpostd
 * (userspace/lib/mail/mailaddr.c) and the nfpost_smtp guard: where a path's local
 * part and domain are, whatever its source route or quoted local part holds.
 */
#ifndef NFPOST_PROTO_MAILPATH_H
#define NFPOST_PROTO_MAILPATH_H

#include "compat.h"

struct nfpost_mailpath {
	size_t local_off;	/* from the start of the path given */
	size_t local_len;
	size_t domain_off;
	size_t domain_len;	/* may be 0: "a@" is the caller's error */
	bool routed;		/* "@a,@b:" was given (and checked) */
	bool quoted;		/* the local part is a quoted-string */
	bool relay_syntax;	/* '%', '!' or '@' in the local part */
};

/*
 * Splits NUL-terminated @path (brackets removed, not the null path) at the
 * '@' after a quoted local part, or else at its last '@'. A source route
 * must be "@dom,@dom:" of LDH domains. Returns 0, or -EINVAL with *@why_r
 * one of "Bad source route", "Bad local part syntax", "Domain missing".
 * Only the split: the syntax of the local part and domain found is the
 * caller's (nfpost_mailpath_domain_ok() for a domain that is not a literal).
 */
int nfpost_mailpath_split(const char *path, struct nfpost_mailpath *mp,
			  const char **why_r);

/* LDH labels of 1 to 63 octets, no hyphen at either end; UTF-8 allowed. */
bool nfpost_mailpath_domain_ok(const char *d, size_t len);

#endif /* NFPOST_PROTO_MAILPATH_H */
