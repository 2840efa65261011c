// SPDX-License-Identifier: GPL-2.0
/*
 * Delivery status notifications in RFC 3464 form: multipart/report;
 * report-type=delivery-status, for failures, delays and successes.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dsn.h"
#include "dsn_param.h"
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

static bool has(const struct dsn_failure *f, int n, enum dsn_action a)
{
	int i;

	for (i = 0; i < n; i++)
		if (f[i].action == a)
			return true;
	return false;
}

bool dsn_returns_full(const struct queue_entry *e,
		      const struct dsn_failure *f, int n)
{
	return e->ret == DSN_RET_FULL && has(f, n, DSN_FAILED);
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

static const char *action_name(enum dsn_action a)
{
	static const char *const names[] = {
		[DSN_FAILED] = "failed", [DSN_DELAYED] = "delayed",
		[DSN_DELIVERED] = "delivered", [DSN_RELAYED] = "relayed",
	};

	return names[a];
}

/* The worst news first: it names the report. */
static const char *subject(const struct dsn_failure *f, int n)
{
	if (has(f, n, DSN_FAILED))
		return "Undelivered Mail Returned to Sender";
	if (has(f, n, DSN_DELAYED))
		return "Delayed Mail (still being retried)";
	return "Successful Mail Delivery Report";
}

static void explanation(struct evbuffer *out, const char *hostname,
			const struct dsn_failure *f, int n)
{
	static const char *const what[] = {
		[DSN_FAILED] = "Your message could not be delivered to one or "
			       "more\r\nrecipients.",
		[DSN_DELAYED] = "Your message could not be delivered yet to "
				"one or more\r\nrecipients. It will be tried "
				"again; you need not send it again.",
		[DSN_DELIVERED] = "Your message was delivered to the mailbox "
				  "of these\r\nrecipients.",
		[DSN_RELAYED] = "Your message was handed over to a mail "
				"system that sends\r\nno notices: no further "
				"word will come about these\r\nrecipients.",
	};
	int a, i;

	evbuffer_add_printf(out, "This is the mail system at host %s.\r\n",
			    hostname);
	for (a = DSN_FAILED; a <= DSN_RELAYED; a++) {
		if (!has(f, n, (enum dsn_action)a))
			continue;
		evbuffer_add_printf(out, "\r\n%s\r\n\r\n", what[a]);
		for (i = 0; i < n; i++)
			if (f[i].action == (enum dsn_action)a)
				evbuffer_add_printf(out, "<%s>: %s%s%s\r\n",
						    f[i].rcpt, f[i].remote,
						    f[i].remote[0] ?
						    " said: " : "",
						    f[i].diagnostic);
	}
}

/*
 * "type;xtext" as RFC 3464 2.3.1 wants it, "type; decoded". The value was
 * checked on its way in (dsn_orcpt_check): decoded, it is printable.
 */
static void original_recipient(struct evbuffer *out, const char *orcpt)
{
	char addr[DSN_ORCPT_MAX + 1];
	const char *semi = orcpt ? strchr(orcpt, ';') : NULL;

	if (!semi || xtext_decode(semi + 1, addr, sizeof(addr)))
		return;
	evbuffer_add_printf(out, "Original-Recipient: %.*s; %s\r\n",
			    (int)(semi - orcpt), orcpt, addr);
}

static void per_message(struct evbuffer *out, const char *hostname,
			const struct queue_entry *e)
{
	char when[64], envid[DSN_ENVID_MAX + 1];

	rfc5322_format_date(when, sizeof(when), e->arrival);
	if (e->envid[0] && !xtext_decode(e->envid, envid, sizeof(envid)))
		evbuffer_add_printf(out, "Original-Envelope-Id: %s\r\n", envid);
	evbuffer_add_printf(out, "Reporting-MTA: dns; %s\r\n"
			    "X-Nfpost-Queue-ID: %s\r\nArrival-Date: %s\r\n",
			    hostname, e->id, when);
}

static void status_part(struct evbuffer *out, const char *hostname,
			const struct queue_entry *e,
			const struct dsn_failure *f, int n)
{
	int i;

	per_message(out, hostname, e);
	for (i = 0; i < n; i++) {
		evbuffer_add(out, "\r\n", 2);
		original_recipient(out, f[i].orcpt);
		evbuffer_add_printf(out, "Final-Recipient: rfc822; %s\r\n"
				    "Action: %s\r\nStatus: %s\r\n",
				    f[i].rcpt, action_name(f[i].action),
				    f[i].status);
		if (f[i].remote[0])
			evbuffer_add_printf(out, "Remote-MTA: dns; %s\r\n"
					    "Diagnostic-Code: smtp; %s\r\n",
					    f[i].remote, f[i].diagnostic);
		else
			evbuffer_add_printf(out, "Diagnostic-Code: X-nfpost; "
					    "%s\r\n", f[i].diagnostic);
	}
}

static void returned(struct evbuffer *out, const char *boundary, bool full,
		     const char *orig, size_t orig_len)
{
	evbuffer_add_printf(out, "\r\n--%s\r\nContent-Type: %s\r\n\r\n",
			    boundary, full ? "message/rfc822" :
			    "text/rfc822-headers");
	if (!full) {
		headers_of(out, orig, orig_len);
		return;
	}
	evbuffer_add(out, orig, orig_len);
	if (orig_len && orig[orig_len - 1] != '\n')
		evbuffer_add(out, "\r\n", 2);
}

void dsn_build(struct evbuffer *out, const char *hostname, const char *id,
	       const struct queue_entry *e, const struct dsn_failure *f,
	       int n, const char *orig, size_t orig_len)
{
	char now[64], boundary[300];

	rfc5322_format_date(now, sizeof(now), time(NULL));
	snprintf(boundary, sizeof(boundary), "%s/%s", id, hostname);
	evbuffer_add_printf(out,
		"From: Mail Delivery System <MAILER-DAEMON@%s>\r\n"
		"To: <%s>\r\n"
		"Subject: %s\r\n"
		"Date: %s\r\n"
		"Message-ID: <%s.bounce@%s>\r\n"
		"Auto-Submitted: auto-replied\r\n"
		"MIME-Version: 1.0\r\n"
		"Content-Type: multipart/report;\r\n"
		"\treport-type=delivery-status;\r\n"
		"\tboundary=\"%s\"\r\n\r\n"
		"This is a MIME-encapsulated message.\r\n\r\n"
		"--%s\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n",
		hostname, e->from, subject(f, n), now, id, hostname, boundary,
		boundary);
	explanation(out, hostname, f, n);
	evbuffer_add_printf(out, "\r\n--%s\r\n"
			    "Content-Type: message/delivery-status\r\n\r\n",
			    boundary);
	status_part(out, hostname, e, f, n);
	returned(out, boundary, dsn_returns_full(e, f, n), orig, orig_len);
	evbuffer_add_printf(out, "\r\n--%s--\r\n", boundary);
}
