// SPDX-License-Identifier: GPL-2.0
/*
 * The message of an SMTP transaction: DATA (RFC 5321 4.1.1.4) and BDAT
 * (RFC 3030) in, the checks at its end, the Received: line (RFC 5321 4.4),
 * and the hand-over to the store before the 250.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <event2/buffer.h>

#include <event2/bufferevent.h>

#include "authcheck.h"
#include "dkim_sign.h"
#include "log.h"
#include "relay.h"
#include "rfc5322.h"
#include "smtp_priv.h"
#include "store.h"

static void append(void *ctx, const char *p, size_t n)
{
	struct smtp_session *s = ctx;

	evbuffer_add(s->msg, p, n);
}

void smtp_data_start(struct smtp_session *s)
{
	smtp_data_init(&s->data, s->srv->conf.max_message_size, append, s);
	s->in = SMTP_IN_DATA;
	smtp_reply(s, "354 End data with <CR><LF>.<CR><LF>");
}

/* RFC 3848's names, and RFC 6531 3.7.3's when SMTPUTF8 was used. */
static const char *protocol(const struct smtp_session *s)
{
	static char buf[16];

	if (!s->esmtp)
		return "SMTP";
	snprintf(buf, sizeof(buf), "%s%s%s",
		 s->txn.smtputf8 ? "UTF8SMTP" : "ESMTP", s->link.tls ? "S" : "",
		 s->auth_user[0] ? "A" : "");
	return buf;
}

/*
 * Received: from <helo> ([<ip>]) by <host> (nfpostd) with <proto> id <id>
 * (the TLS version and cipher, if any) for <rcpt> (if only one); <date>
 */
static void received(const struct smtp_session *s, char *buf, size_t len)
{
	char date[RFC5322_DATE_LEN], tls[200] = "";
	char rcpt[MAILADDR_PATH_MAX + 16] = "";

	rfc5322_format_date(date, sizeof(date), time(NULL));
	if (s->link.tls)
		snprintf(tls, sizeof(tls), "\r\n\t(using %s)", s->tls_info);
	if (s->txn.nrcpt == 1)
		snprintf(rcpt, sizeof(rcpt), "\r\n\tfor <%s>", s->txn.rcpts[0].addr);
	snprintf(buf, len, "Received: from %s ([%s])\r\n\tby %s (nfpostd) "
		 "with %s id %s%s%s;\r\n\t%s\r\n",
		 s->helo[0] ? s->helo : "unknown", s->peer_ip,
		 s->srv->conf.hostname, protocol(s), s->txn.id, tls, rcpt, date);
}

/*
 * Delivers to every local recipient, then queues the others; all or none.
 * On the heap: max_recipients may be 100,000 and this runs on a worker's
 * stack.
 */
static int hand_over(struct smtp_session *s, const struct store_msg *m,
		     const enum authcheck_action *actions)
{
	char (*names)[256] = calloc((size_t)s->txn.nrcpt, sizeof(*names));
	char **remote = calloc((size_t)s->txn.nrcpt, sizeof(*remote));
	unsigned int *notify = calloc((size_t)s->txn.nrcpt, sizeof(*notify));
	const char **orcpt = calloc((size_t)s->txn.nrcpt, sizeof(*orcpt));
	struct store_msg q = *m;
	int i, nremote = 0, done = 0;
	int ret = names && remote && notify && orcpt ? 0 : -ENOMEM;

	for (; !ret && done < s->txn.nrcpt; done++) {
		if (!s->txn.rcpts[done].user[0]) {
			notify[nremote] = s->txn.rcpts[done].notify;
			orcpt[nremote] = s->txn.rcpts[done].orcpt;
			remote[nremote++] = s->txn.rcpts[done].addr;
			continue;
		}
		q = *m;
		if (actions) {
			q.spam_flag = actions[done] >= AUTHCHECK_TAG;
			q.junk = actions[done] >= AUTHCHECK_QUARANTINE;
		}
		ret = store_local(s->srv, s->txn.rcpts[done].user, &q,
				  names[done], sizeof(names[done]));
		if (ret)
			break;
	}
	q = *m;
	q.notify = notify;
	q.orcpt = orcpt;
	if (!ret && nremote)
		ret = store_queue(s->srv, &q, remote, nremote);
	for (i = 0; ret && names && i < done; i++)
		if (names[i][0])
			store_local_undo(s->srv, s->txn.rcpts[i].user, names[i]);
	free(names);
	free(remote);
	free(notify);
	free(orcpt);
	return ret;
}

static bool wants_success(const struct smtp_session *s,
			  const struct smtp_rcpt *r)
{
	return r->user[0] && (r->notify & DSN_NOTIFY_SUCCESS) &&
	       s->txn.from[0];
}

/*
 * In a worker, once the message is stored: the "delivered" notice
 * (RFC 3461 4.1, RFC 3464 2.3.3) for the local recipients whose NOTIFY
 * asked for one. The message is accepted whatever becomes of it: a notice
 * that cannot be stored is logged, not answered.
 */
static void notify_delivered(struct smtp_session *s, const struct store_msg *m)
{
	struct queue_entry e = { .arrival = time(NULL), .ret = s->txn.ret };
	struct dsn_failure *f = calloc((size_t)s->txn.nrcpt, sizeof(*f));
	const char *msg;
	int i, n = 0, ret;

	for (i = 0; f && i < s->txn.nrcpt; i++) {
		const struct smtp_rcpt *r = &s->txn.rcpts[i];

		if (wants_success(s, r))
			f[n++] = (struct dsn_failure){
				.rcpt = r->addr, .status = "2.0.0",
				.remote = "", .diagnostic = "delivered to "
				"mailbox", .action = DSN_DELIVERED,
				.orcpt = r->orcpt,
			};
	}
	msg = n ? (const char *)evbuffer_pullup(m->body, -1) : NULL;
	if (msg) {
		snprintf(e.id, sizeof(e.id), "%s", s->txn.id);
		snprintf(e.from, sizeof(e.from), "%s", s->txn.from);
		snprintf(e.envid, sizeof(e.envid), "%s", s->txn.envid);
		ret = relay_dsn_send(s->srv, &e, f, n, msg,
				     evbuffer_get_length(m->body),
				     s->store.dsn_user);
		s->store.dsn_queued = !ret && !s->store.dsn_user[0];
	} else if (n) {
		log_msg(LOG_ERR, "%s: delivery notification: out of memory",
			s->txn.id);
	}
	free(f);
}

/*
 * One line per accepted message: who sent it, how, and where each
 * recipient went ("local" into its Maildir, "queued" for the relay).
 */
static void log_accepted(struct smtp_session *s, size_t size)
{
	char to[2048];
	size_t off = 0;
	int i;

	to[0] = '\0';
	for (i = 0; i < s->txn.nrcpt && off < sizeof(to); i++)
		off += (size_t)snprintf(to + off, sizeof(to) - off, "%s<%s> %s",
					i ? ", " : "", s->txn.rcpts[i].addr,
					s->txn.rcpts[i].user[0] ? "local" :
					"queued");
	log_msg(LOG_INFO, "%s: client=unknown[%s], helo=<%s>, proto=%s%s%s, "
		"from=<%s>, size=%zu, nrcpt=%d, to=%s", s->txn.id, s->peer_ip,
		s->helo, protocol(s), s->auth_user[0] ? ", sasl_username=" :
		"", s->auth_user, s->txn.from, size, s->txn.nrcpt, to);
}

/* Mail from outside (not mynetworks, not authenticated), if configured. */
static bool checked(const struct smtp_session *s)
{
	return s->srv->conf.nauthcheck && !s->auth_user[0] && !s->trusted;
}

/*
 * The action for each recipient: what the sender's domain asks, at most
 * what [authcheck] allows for the recipient's domain. The message is
 * refused only when every recipient's action is to refuse it; otherwise
 * those recipients get it in Junk.
 */
static int decide(struct smtp_session *s, const struct authcheck_result *r)
{
	const char *at;
	enum authcheck_action a;
	int i, reject = 0;

	s->store.actions = calloc((size_t)s->txn.nrcpt,
				  sizeof(*s->store.actions));
	if (!s->store.actions)
		return -ENOMEM;
	for (i = 0; i < s->txn.nrcpt; i++) {
		at = strrchr(s->txn.rcpts[i].addr, '@');
		a = conf_authcheck_action(&s->srv->conf, at ? at + 1 : "");
		s->store.actions[i] = r->asks < a ? r->asks : a;
		reject += s->store.actions[i] == AUTHCHECK_REJECT;
		if (s->store.actions[i] == AUTHCHECK_REJECT)
			s->store.actions[i] = AUTHCHECK_QUARANTINE;
	}
	return reject == s->txn.nrcpt ? -EACCES : 0;
}

/*
 * In a worker: SPF, DKIM and DMARC, the verdicts on top of the Received:
 * line, our own authserv-id's fields removed from what the client sent
 * (RFC 8601 5). -EACCES when the message is to be refused.
 */
static int check(struct smtp_session *s)
{
	const struct conf *c = &s->srv->conf;
	struct authcheck_in in = { .id = s->txn.id,
				   .peer = (const struct sockaddr *)&s->peer,
				   .helo = s->helo, .mail_from = s->txn.from,
				   .msg = s->msg };
	struct authcheck_result *r = malloc(sizeof(*r));
	size_t n = strlen(s->store.received);
	int ret, forged;

	if (!r)
		return -ENOMEM;
	authcheck_run(c, &in, r);
	ret = decide(s, r);
	snprintf(s->store.why, sizeof(s->store.why), "%s", r->why);
	if (ret) {
		free(r);
		return ret;
	}
	forged = authcheck_strip(s->msg, c->hostname);
	if (forged > 0)
		log_msg(LOG_NOTICE, "%s: removed %d Authentication-Results: "
			"field(s) claiming to be from %s", s->txn.id, forged,
			c->hostname);
	if (strlen(r->header) + n < sizeof(s->store.received)) {
		memmove(s->store.received + strlen(r->header),
			s->store.received, n + 1);
		memcpy(s->store.received, r->header, strlen(r->header));
	}
	if (r->asks != AUTHCHECK_ACCEPT)
		log_msg(LOG_INFO, "%s: authcheck: %s", s->txn.id, r->why);
	free(r);
	return forged < 0 ? forged : 0;
}

/* In a worker: the files are written and synced. */
static void store_run(struct work *w)
{
	struct smtp_session *s = ((struct smtp_store_work *)w)->s;
	struct store_msg m = { .id = s->txn.id, .from = s->txn.from,
			       .received = s->store.received, .body = s->msg,
			       .body_8bit = s->txn.body_8bit,
			       .smtputf8 = s->txn.smtputf8,
			       .ret = s->txn.ret, .envid = s->txn.envid };

	s->store.actions = NULL;
	s->store.why[0] = '\0';
	if (checked(s)) {
		s->store.ret = check(s);
		if (s->store.ret)
			goto out;
	}
	/*
	 * What our users send, logged in or from mynetworks: signed if its
	 * domain has a key; unsigned (and logged) if that fails.
	 */
	if (s->auth_user[0] || s->trusted)
		dkim_sign_message(s->srv, s->txn.from, s->txn.id, s->msg,
				  s->store.received, sizeof(s->store.received));
	s->store.ret = hand_over(s, &m, s->store.actions);
	if (!s->store.ret)
		notify_delivered(s, &m);
out:
	free(s->store.actions);
	s->store.actions = NULL;
}

/* Back in the loop: the reply, then whatever the client pipelined. */
static void store_done(struct work *w)
{
	struct smtp_session *s = ((struct smtp_store_work *)w)->s;
	bool queued = false;
	int i;

	s->working = false;
	if (s->store.ret == -EACCES) {
		log_msg(LOG_INFO, "%s: reject: from=<%s> client=[%s]: %s",
			s->txn.id, s->txn.from, s->peer_ip, s->store.why);
		smtp_reply(s, "550 5.7.1 %s", s->store.why);
	} else if (s->store.ret) {
		smtp_reply(s, "451 4.3.0 Error: queue file write error");
	} else {
		log_accepted(s, evbuffer_get_length(s->msg));
		smtp_reply(s, "250 2.0.0 Ok: queued as %s", s->txn.id);
		for (i = 0; i < s->txn.nrcpt; i++)
			queued |= !s->txn.rcpts[i].user[0];
	}
	if (queued || s->store.dsn_queued)
		relay_kick(s->srv);
	smtp_txn_reset(s);
	smtp_resume(s);
}

static const char *refusal(const struct smtp_session *s, unsigned int flags)
{
	if (flags & SMTP_DATA_E_TOO_BIG)
		return "552 5.3.4 Error: message file too big";
	if (flags & SMTP_DATA_E_NUL)
		return "550 5.6.0 Error: NUL character in message";
	if (flags & SMTP_DATA_E_LINE_TOO_LONG)
		return "550 5.6.0 Error: message line longer than 1000 octets";
	if ((flags & SMTP_DATA_E_8BIT) && !s->txn.body_8bit)
		return "550 5.6.0 Error: 8-bit data without BODY=8BITMIME";
	return NULL;
}

/* In the loop: where a "delivered" notice would go (users may change). */
static void find_dsn_user(struct smtp_session *s)
{
	int i;

	s->store.dsn_user[0] = '\0';
	s->store.dsn_queued = false;
	for (i = 0; i < s->txn.nrcpt; i++) {
		if (wants_success(s, &s->txn.rcpts[i])) {
			relay_dsn_user(s->srv, s->txn.from, s->store.dsn_user);
			return;
		}
	}
}

/*
 * A message arrived whole: refused, or handed to a worker to store. The
 * session reads nothing more until the store is done and the 250 is out.
 */
static void finish(struct smtp_session *s, unsigned int flags)
{
	const char *no = refusal(s, flags);

	if (no) {
		smtp_reply(s, "%s", no);
		smtp_txn_reset(s);
		return;
	}
	received(s, s->store.received, sizeof(s->store.received));
	find_dsn_user(s);
	s->store.s = s;
	s->store.w.run = store_run;
	s->store.w.done = store_done;
	s->working = true;
	bufferevent_disable(s->link.bev, EV_READ);
	workers_submit(s->srv->workers, &s->store.w);
}

void smtp_data_done(struct smtp_session *s)
{
	s->in = SMTP_IN_CMD;
	finish(s, s->data.flags);
}

void smtp_data_bad_eol(struct smtp_session *s)
{
	log_msg(LOG_WARNING, "%s: bare <CR> or <LF> in %s from unknown[%s]",
		s->txn.id, s->txn.bdat ? "BDAT" : "DATA", s->peer_ip);
	smtp_reply(s, "521 5.5.2 %s Error: bare <CR> or <LF> received",
		   s->srv->conf.hostname);
	smtp_txn_reset(s);
	smtp_close(s);
}

/*
 * BDAT (RFC 3030): the chunk is exactly its size in octets, read raw, and
 * checked as DATA is (smtp_data_init_chunked): what BDAT stores could have
 * come through DATA, so the relay never carries a bare CR or LF on. A
 * message too big is answered after the chunk that made it so, and the
 * rest of the transaction's chunks are read and answered with the same
 * error; the other findings are answered at LAST, as DATA's are at its
 * end. A bare CR or LF ends the session as it does in DATA.
 */
void smtp_bdat_start(struct smtp_session *s, const struct smtp_cmd *cmd)
{
	if (!s->txn.bdat)
		smtp_data_init_chunked(&s->data, s->srv->conf.max_message_size,
				       append, s);
	s->txn.bdat = true;
	s->bdat_left = cmd->bdat_size;
	s->bdat_chunk = cmd->bdat_size;
	s->bdat_last = cmd->bdat_last;
	s->in = SMTP_IN_BDAT;
	if (!s->bdat_left)
		smtp_bdat_feed(s, NULL, 0);
}

static void bdat_chunk_done(struct smtp_session *s)
{
	s->in = SMTP_IN_CMD;
	if (s->bdat_last) {
		if (smtp_data_chunks_end(&s->data) == SMTP_DATA_BAD_EOL)
			smtp_data_bad_eol(s);
		else
			finish(s, s->data.flags);
		return;
	}
	if (s->data.flags & SMTP_DATA_E_TOO_BIG)
		smtp_reply(s, "552 5.3.4 Error: message file too big");
	else
		smtp_reply(s, "250 2.0.0 %llu octets received",
			   (unsigned long long)s->bdat_chunk);
}

size_t smtp_bdat_feed(struct smtp_session *s, const char *p, size_t n)
{
	size_t take = n < s->bdat_left ? n : (size_t)s->bdat_left;
	enum smtp_data_status st;

	if (take) {
		take = smtp_data_feed(&s->data, p, take, &st);
		if (st == SMTP_DATA_BAD_EOL) {
			s->in = SMTP_IN_CMD;
			smtp_data_bad_eol(s);
			return take;
		}
	}
	s->bdat_left -= take;
	if (!s->bdat_left)
		bdat_chunk_done(s);
	return take;
}
