/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RFC 2047 encoded words ("=?utf-8?Q?caf=C3=A9?=") in unstructured header
 * text, decoded to UTF-8 for SEARCH and for `nfpost mail ls`. IMAP's
 * ENVELOPE sends header text as it is (RFC 3501 7.4.2): clients decode.
 * I/O-free; other charsets than UTF-8 and US-ASCII go through iconv(3).
 */
#ifndef NFPOST_RFC2047_H
#define NFPOST_RFC2047_H

#include <stddef.h>
#include <sys/types.h>

/*
 * @in[0..@len) decoded into @out (@size > 0 bytes, always NUL-terminated):
 * folding (CRLF or LF before a blank) removed, encoded words decoded, the
 * blanks between two adjacent encoded words dropped (RFC 2047 6.2). A word
 * that is malformed or in a charset iconv does not know is left as it is.
 * The length written, or -E2BIG if @out was too small (what fitted is
 * there, cut at a character's start).
 */
ssize_t rfc2047_decode(const char *in, size_t len, char *out, size_t size);

#endif /* NFPOST_RFC2047_H */
