// SPDX-License-Identifier: GPL-2.0
/* Bounces in RFC 3464 form: multipart/report; report-type=delivery-status. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dsn.h"
#include "rfc5322.h"

void dsn_status(const char *reply, char *buf, size_t len)
{
	const char *p = reply;
	int a, b, c, n = 0;

	while (*p && !isspace((unsigned char)*p))
		p++;
	while (isspace((unsigned char)*p))
		p++;
	/* %d alone would take a sign or spaces: "5.-1.1" is no status. */
	if (sscanf(p, "%1d.%3d.%3d%n", &a, &b, &c, &n) == 3 &&
	    strspn(p, "0123456789.") == (size_t)n &&
	    (a == 2 || a == 4 || a == 5) &&
	    (!p[n] || isspace((unsigned char)p[n]))) {
		snprintf(buf, len, "%d.%d.%d", a, b, c);
		return;
	}
	snprintf(buf, len, "%c.0.0", reply[0] == '5' ? '5' : '4');
}

static void headers_of(struct evbuffer *out, const char *orig, size_t len)
{
	const char *end = orig + len, *p = orig, *nl;

	/* Up to the empty line that ends the header section. */
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		nl = nl ? nl + 1 : end;
		if (nl - p <= 2 && (*p == '\r' || *p == '\n'))
			break;
		evbuffer_add(out, p, (size_t)(nl - p));
		p = nl;
	}
}

static void explanation(struct evbuffer *out, const char *hostname,
			const struct dsn_failure *f, int n)
{
	int i;

	evbuffer_add_printf(out,
		"This is the mail system at host %s.\r\n\r\n"
		"Your message could not be delivered to one or more\r\n"
		"recipients.\r\n\r\n", hostname);
	for (i = 0; i < n; i++)
		evbuffer_add_printf(out, "<%s>: %s%s%s\r\n", f[i].rcpt,
				    f[i].remote[0] ? f[i].remote : "",
				    f[i].remote[0] ? " said: " : "",
				    f[i].diagnostic);
}

static void status_part(struct evbuffer *out, const char *hostname,
			const struct queue_entry *e,
			const struct dsn_failure *f, int n)
{
	char when[64];
	int i;

	rfc5322_format_date(when, sizeof(when), e->arrival);
	evbuffer_add_printf(out, "Reporting-MTA: dns; %s\r\n"
			    "X-Nfpost-Queue-ID: %s\r\nArrival-Date: %s\r\n",
			    hostname, e->id, when);
	for (i = 0; i < n; i++) {
		evbuffer_add_printf(out, "\r\nFinal-Recipient: rfc822; %s\r\n"
				    "Action: failed\r\nStatus: %s\r\n",
				    f[i].rcpt, f[i].status);
		if (f[i].remote[0])
			evbuffer_add_printf(out, "Remote-MTA: dns; %s\r\n"
					    "Diagnostic-Code: smtp; %s\r\n",
					    f[i].remote, f[i].diagnostic);
		else
			evbuffer_add_printf(out, "Diagnostic-Code: X-nfpost; "
					    "%s\r\n", f[i].diagnostic);
	}
}

void dsn_build(struct evbuffer *out, const char *hostname, const char *id,
	       const struct queue_entry *e, const struct dsn_failure *f,
	       int n, const char *orig, size_t orig_len)
{
	char now[64];

	rfc5322_format_date(now, sizeof(now), time(NULL));
	evbuffer_add_printf(out,
		"From: Mail Delivery System <MAILER-DAEMON@%s>\r\n"
		"To: <%s>\r\n"
		"Subject: Undelivered Mail Returned to Sender\r\n"
		"Date: %s\r\n"
		"Message-ID: <%s.bounce@%s>\r\n"
		"Auto-Submitted: auto-replied\r\n"
		"MIME-Version: 1.0\r\n"
		"Content-Type: multipart/report;\r\n"
		"\treport-type=delivery-status;\r\n"
		"\tboundary=\"%s/%s\"\r\n\r\n"
		"This is a MIME-encapsulated message.\r\n\r\n"
		"--%s/%s\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n",
		hostname, e->from, now, id, hostname, id, hostname, id,
		hostname);
	explanation(out, hostname, f, n);
	evbuffer_add_printf(out, "\r\n--%s/%s\r\n"
			    "Content-Type: message/delivery-status\r\n\r\n",
			    id, hostname);
	status_part(out, hostname, e, f, n);
	evbuffer_add_printf(out, "\r\n--%s/%s\r\n"
			    "Content-Type: text/rfc822-headers\r\n\r\n",
			    id, hostname);
	headers_of(out, orig, orig_len);
	evbuffer_add_printf(out, "\r\n--%s/%s--\r\n", id, hostname);
}
