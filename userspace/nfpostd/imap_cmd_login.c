// SPDX-License-Identifier: GPL-2.0
/*
 * LOGIN (RFC 3501 6.2.3), and the password check it shares with
 * AUTHENTICATE: run by a worker, a failure answered after a delay that
 * doubles with each failure of the session, client and user (authfail.h),
 * a client with too many refused unchecked; the user's folders made at
 * the first login.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

#include "authfail.h"
#include "log.h"
#include "imap_priv.h"

static void check_run(struct work *w)
{
	struct imap_auth_work *a = (struct imap_auth_work *)w;
	struct user u = { .hash = a->hash };

	a->ok = users_verify(&u, a->password) && a->user[0];
	OPENSSL_cleanse(a->password, sizeof(a->password));
}

static void delay_expired(evutil_socket_t fd, short what, void *arg)
{
	struct imap_session *s = arg;

	(void)fd;
	(void)what;
	event_free(s->delay);
	s->delay = NULL;
	imap_done(s, "NO", "[AUTHENTICATIONFAILED] Authentication failed.");
	imap_resume(s);
}

static void failed(struct imap_session *s, const char *user)
{
	struct timeval tv;
	long ms;

	s->failures++;
	ms = authfail_failed(s->srv->authfail, (struct sockaddr *)&s->peer,
			     user, s->failures, authfail_clock());
	log_msg(LOG_WARNING, "imap-login: Aborted login (auth failed, %u "
		"attempts): user=<%s>, rip=%s", s->failures, user,
		s->peer_ip);
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	s->working = true;
	bufferevent_disable(s->link.bev, EV_READ);
	s->delay = evtimer_new(s->srv->base, delay_expired, s);
	if (!s->delay || evtimer_add(s->delay, &tv))
		delay_expired(-1, 0, s);
}

static void logged_in(struct imap_session *s, const char *user)
{
	if (imap_user_sessions(s, user) >= s->srv->conf.max_user_sessions) {
		imap_done(s, "NO", "[LIMIT] Too many sessions for this "
			  "user.");
		return;
	}
	snprintf(s->user, sizeof(s->user), "%s", user);
	snprintf(s->root, sizeof(s->root), "%s/%s", s->srv->conf.mail_root,
		 user);
	if (imap_view_init_user(s)) {
		s->user[0] = '\0';
		imap_done(s, "NO", "[UNAVAILABLE] Can't open the mailbox.");
		return;
	}
	s->state = IMAP_S_AUTH;
	authfail_ok(s->srv->authfail, (struct sockaddr *)&s->peer, user);
	log_msg(LOG_INFO, "imap-login: Login: user=<%s>, rip=%s%s", user,
		s->peer_ip, s->link.tls ? ", TLS" : "");
	imap_done(s, "OK", "[CAPABILITY %s] Logged in", imap_capability(s));
}

static void check_done(struct work *w)
{
	struct imap_auth_work *a = (struct imap_auth_work *)w;
	struct imap_session *s = a->s;

	free(a->hash);
	a->hash = NULL;
	if (s->gone) {
		imap_resume(s);
		return;
	}
	if (!a->ok) {
		s->working = false;
		failed(s, a->user);
		return;
	}
	logged_in(s, a->user);
	imap_resume(s);
}

void imap_login(struct imap_session *s, const char *user,
		const char *password)
{
	const struct user *u;
	struct imap_auth_work *a = &s->auth;

	if (authfail_check(s->srv->authfail, (struct sockaddr *)&s->peer,
			   authfail_clock())) {
		log_msg(LOG_WARNING, "imap-login: Refused login (too many "
			"failures): rip=%s", s->peer_ip);
		imap_done(s, "NO", "[UNAVAILABLE] Too many failed logins, "
			  "try again later.");
		return;
	}
	u = server_local_user(s->srv, user);
	memset(a, 0, sizeof(*a));
	a->s = s;
	snprintf(a->user, sizeof(a->user), "%s", u ? u->name : "");
	a->hash = strdup(u ? u->hash : s->srv->dummy_hash);
	if (!a->hash || strlen(password) >= sizeof(a->password)) {
		free(a->hash);
		a->hash = NULL;
		failed(s, "");
		return;
	}
	strcpy(a->password, password);
	a->w.run = check_run;
	a->w.done = check_done;
	imap_submit(s, &a->w);
}

void imap_cmd_login(struct imap_session *s, const struct imap_arg *args,
		    bool uid)
{
	const char *user = imap_arg_str(args);
	const char *pass = args ? imap_arg_str(args->next) : NULL;

	(void)uid;
	if (!user || !pass || args->next->next) {
		imap_bad(s, "LOGIN needs a user name and a password.");
		return;
	}
	if (!imap_login_allowed(s)) {
		imap_done(s, "NO", "[PRIVACYREQUIRED] Plaintext "
			  "authentication disallowed on non-secure (SSL/TLS) "
			  "connections.");
		return;
	}
	imap_login(s, user, pass);
}
