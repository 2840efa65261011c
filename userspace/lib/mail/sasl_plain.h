/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SASL PLAIN (RFC 4616) as SMTP AUTH, POP3 AUTH and IMAP AUTHENTICATE
 * receive it: one base64 response decoded (RFC 4648, padded, nothing
 * else), then split into [authzid] NUL authcid NUL passwd. I/O-free.
 */
#ifndef NFPOST_SASL_PLAIN_H
#define NFPOST_SASL_PLAIN_H

#include <stddef.h>

/* RFC 4616: authzid, authcid and passwd are each 1 to 255 octets. */
#define SASL_PLAIN_FIELD_MAX	255
/* Decoded bytes of one response: three fields and two NULs, and a NUL. */
#define SASL_PLAIN_MAX		(3 * SASL_PLAIN_FIELD_MAX + 3)

/*
 * @in as base64 into @out (NUL-terminated): the decoded length, or
 * -EINVAL if @in is not canonical padded base64 (length a multiple of 4,
 * '=' only at the end, no blanks), -E2BIG if it does not fit in @size.
 * "" decodes to 0 bytes.
 */
int sasl_b64_decode(const char *in, unsigned char *out, size_t size);

struct sasl_plain {
	unsigned char buf[SASL_PLAIN_MAX + 1];
	const char *user;	/* the authcid, into buf */
	const char *pass;	/* into buf */
};

/*
 * Decodes the response @b64 into @p. -EINVAL: not base64 (a protocol
 * error: SMTP 501, POP3 -ERR, IMAP BAD); -EACCES: base64, but no PLAIN
 * message as RFC 4616 has it (exactly two NULs, authcid and passwd of 1 to
 * 255 octets, an authzid empty or equal to the authcid byte for byte, no
 * proxy authorization): a failed login. Callers wipe @p after use.
 */
int sasl_plain_decode(const char *b64, struct sasl_plain *p);

#endif /* NFPOST_SASL_PLAIN_H */
