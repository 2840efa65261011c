// SPDX-License-Identifier: GPL-2.0
/*
 * AUTHENTICATE PLAIN (RFC 3501 6.2.2, RFC 4616), with the initial response
 * on the command line (SASL-IR, RFC 4959) or after a "+" continuation.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <openssl/crypto.h>

#include "imap_priv.h"
#include "sasl_plain.h"

/* RFC 4616, strictly: see sasl_plain.h. */
static void plain(struct imap_session *s, const char *resp)
{
	struct sasl_plain p;
	int ret = sasl_plain_decode(resp, &p);

	if (ret == -EINVAL)
		imap_bad(s, "Invalid base64 data in response.");
	else if (ret)
		imap_login(s, "", "");
	else
		imap_login(s, p.user, p.pass);
	OPENSSL_cleanse(&p, sizeof(p));
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
