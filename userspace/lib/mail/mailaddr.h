/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mail addresses as SMTP carries them (RFC 5321 4.1.2, RFC 6531 for UTF-8):
 * the parser of a path into a local part and a domain, for delivery and
 * relay decisions that percent hacks, bang paths, source routes and quoted
 * local parts holding '@' cannot fool.
 */
#ifndef NFPOST_MAILADDR_H
#define NFPOST_MAILADDR_H

#include <stdbool.h>
#include <stddef.h>

#define MAILADDR_LOCAL_MAX	64	/* RFC 5321 4.5.3.1.1 */
#define MAILADDR_DOMAIN_MAX	255	/* RFC 5321 4.5.3.1.2 */
#define MAILADDR_PATH_MAX	256	/* RFC 5321 4.5.3.1.3 */

struct mailaddr {
	/*
	 * As written (a quoted local part keeps its quotes and escapes), so
	 * that local + "@" + domain is the address to hand on. The domain is
	 * lower-cased (ASCII only); an address literal keeps its brackets:
	 * "[192.0.2.1]", "[IPv6:2001:db8::1]" (the tag is written so).
	 */
	char local[MAILADDR_LOCAL_MAX + 1];
	char domain[MAILADDR_DOMAIN_MAX + 1];
	bool null;		/* the null reverse-path "<>" */
	bool quoted;		/* the local part is a quoted-string */
	bool routed;		/* a source route "@a,@b:" was given and dropped */
	/*
	 * The local part holds '%', '!' or (quoted) '@': an old way to ask for
	 * relaying. Relay decisions use only @domain; a local domain looks the
	 * local part up as it is, so such an address is simply unknown.
	 */
	bool relay_syntax;
	bool utf8;		/* non-ASCII in local part or domain */
};

/*
 * Parses @path as smtp_cmd.h gives it (brackets removed; "" is the null
 * path, allowed only if @allow_null). Non-ASCII (UTF-8) is allowed only if
 * @allow_utf8 (the SMTPUTF8 parameter was given), and must be valid UTF-8.
 * Returns 0, or -EINVAL with *@err_r a reason for "501 5.1.3 <err>" (bad
 * syntax) or -E2BIG for "501 5.1.3" over a length limit (the reason says).
 * The path limit counts the brackets: at most 254 octets here. An address
 * without '@' is refused ("Domain missing"): no bare local parts.
 * A domain is a dot-atom of LDH labels (RFC 5321 Domain) or an address
 * literal "[a.b.c.d]" / "[IPv6:...]"; a local part is a Dot-string or a
 * Quoted-string. A source route is accepted and dropped (RFC 5321 C).
 */
int mailaddr_parse(const char *path, bool allow_null, bool allow_utf8,
		   struct mailaddr *a, const char **err_r);

/* local@domain into @buf (or "" for the null path); -ENOSPC if too small. */
int mailaddr_format(const struct mailaddr *a, char *buf, size_t len);

/* Case-insensitive domain comparison (ASCII). */
bool mailaddr_domain_eq(const char *a, const char *b);

#endif /* NFPOST_MAILADDR_H */
