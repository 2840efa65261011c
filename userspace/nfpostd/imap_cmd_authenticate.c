// SPDX-License-Identifier: GPL-2.0
/*
 * AUTHENTICATE PLAIN (RFC 3501 6.2.2, RFC 4616), with the initial response
 * on the command line (SASL-IR, RFC 4959) or after a "+" continuation.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "imap_priv.h"

#define AUTH_MAX	512

static int b64_decode(const char *in, unsigned char *out, size_t size)
{
	size_t len = strlen(in), pad = 0;
	int n;

	if (len % 4 || len / 4 * 3 >= size)
		return -1;
	n = EVP_DecodeBlock(out, (const unsigned char *)in, (int)len);
	if (n < 0)
		return -1;
	while (len && in[len - 1] == '=' && pad < 2) {
		len--;
		pad++;
	}
	n -= (int)pad;
	out[n] = '\0';
	return n;
}

/* authzid NUL authcid NUL password; authzid empty or the same user. */
static void plain(struct imap_session *s, const char *resp)
{
	unsigned char buf[AUTH_MAX];
	const char *authz, *user, *pass;
	int n = b64_decode(resp, buf, sizeof(buf));
	size_t zl, ul;

	if (n < 0) {
		imap_bad(s, "Invalid base64 data in response.");
		return;
	}
	authz = (const char *)buf;
	zl = strnlen(authz, (size_t)n);
	user = authz + zl + 1;
	ul = zl < (size_t)n ? strnlen(user, (size_t)n - zl - 1) : 0;
	pass = user + ul + 1;
	if (zl >= (size_t)n || zl + ul + 1 >= (size_t)n ||
	    (zl && strcasecmp(authz, user))) {
		imap_login(s, "", "");
		return;
	}
	imap_login(s, user, pass);
	OPENSSL_cleanse(buf, sizeof(buf));
}

void imap_cmd_authenticate(struct imap_session *s,
			   const struct imap_arg *args, bool uid)
{
	const char *mech = imap_arg_atom(args);
	const char *init = args ? imap_arg_str(args->next) : NULL;

	(void)uid;
	if (!mech || (args->next && (!init || args->next->next))) {
		imap_bad(s, "AUTHENTICATE needs a mechanism.");
		return;
	}
	if (strcasecmp(mech, "PLAIN")) {
		imap_done(s, "NO", "Unsupported authentication mechanism.");
		return;
	}
	if (!imap_login_allowed(s)) {
		imap_done(s, "NO", "[PRIVACYREQUIRED] Plaintext "
			  "authentication disallowed on non-secure (SSL/TLS) "
			  "connections.");
		return;
	}
	if (init) {
		plain(s, strcmp(init, "=") ? init : "");
		return;
	}
	s->sasl_pending = true;
	imap_send(s, "+ ");
}

void imap_authenticate_line(struct imap_session *s, const char *line)
{
	s->sasl_pending = false;
	if (!strcmp(line, "*")) {
		imap_bad(s, "Authentication aborted by client.");
		return;
	}
	plain(s, line);
}
