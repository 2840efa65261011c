// SPDX-License-Identifier: GPL-2.0
/* DKIM key records (RFC 6376 3.6.1, 3.6.2.1): names and TXT text. */
#include <stdio.h>
#include <string.h>

#include "dkim_record.h"

/* Base64 text per TXT string: 255 octets at most, 64 reads well. */
#define CHUNK	64

static bool ldh(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-';
}

bool dkim_name_ok(const char *name)
{
	size_t total = strlen(name), label = 0;
	const char *p;

	if (!total || total > 253)
		return false;
	for (p = name; ; p++) {
		if (*p && *p != '.') {
			if (!ldh(*p) || ++label > 63)
				return false;
			continue;
		}
		/* A label ends: not empty, no hyphen at either end. */
		if (!label || p[-1] == '-' || p[-(long)label] == '-')
			return false;
		if (!*p)
			return true;
		label = 0;
	}
}

size_t dkim_txt_format(const char *selector, const char *domain,
		       const char *b64, char *buf, size_t len)
{
	size_t n, off = 0, left = strlen(b64), piece;
	char *out = len ? buf : NULL;

#define PUT(...) do { \
		n = (size_t)snprintf(out ? out + off : NULL, \
				     out && off < len ? len - off : 0, \
				     __VA_ARGS__); \
		off += n; \
		if (off >= len) \
			out = NULL; \
	} while (0)
	PUT("%s._domainkey.%s. IN TXT ( \"v=DKIM1; k=rsa; \"\n\t\"p=",
	    selector, domain);
	for (piece = left < CHUNK - 2 ? left : CHUNK - 2; ;
	     piece = left < CHUNK ? left : CHUNK) {
		PUT("%.*s\"", (int)piece, b64);
		b64 += piece;
		left -= piece;
		if (!left)
			break;
		PUT("\n\t\"");
	}
	PUT(" )\n");
#undef PUT
	return off;
}
