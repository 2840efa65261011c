/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The DNS side of a DKIM key (RFC 6376 3.6): the names a key is published
 * under and the TXT record that holds its public half. No I/O.
 */
#ifndef NFPOST_DKIM_RECORD_H
#define NFPOST_DKIM_RECORD_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A host name as DNS takes it: labels of letters, digits and inner
 * hyphens, 1-63 octets each, at most 253 in all, no trailing dot. Both
 * the domain and the selector (RFC 6376 3.1: a sub-domain) are such.
 */
bool dkim_name_ok(const char *name);

/*
 * "SELECTOR._domainkey.DOMAIN. IN TXT ( "v=DKIM1; k=rsa; " "p=..." )"
 * for the base64 public key @b64, cut in strings of at most 255 octets
 * (RFC 1035 3.3.14), one per line, into @buf. Returns the length it
 * needs without the NUL, as snprintf does.
 */
size_t dkim_txt_format(const char *selector, const char *domain,
		       const char *b64, char *buf, size_t len);

#endif /* NFPOST_DKIM_RECORD_H */
