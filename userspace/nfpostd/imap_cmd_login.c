// SPDX-License-Identifier: GPL-2.0
/*
 * LOGIN (RFC 3501 6.2.3), and the password check it shares with
 * AUTHENTICATE: run by a worker, a failure answered after a delay that
 * doubles with each failure of the session, the user's folders made at
 * the first login.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

#include "log.h"
#include "imap_priv.h"

#define DELAY_FIRST_MS	250
#define DELAY_MAX_MS	8000

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
	unsigned int shift = s->failures < 6 ? s->failures : 6;
	long ms = DELAY_FIRST_MS << shift;
	struct timeval tv;

	s->failures++;
	log_msg(LOG_WARNING, "imap-login: Aborted login (auth failed, %u "
		"attempts): user=<%s>, rip=%s", s->failures, user,
		s->peer_ip);
	if (ms > DELAY_MAX_MS)
		ms = DELAY_MAX_MS;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	s->working = true;
	bufferevent_disable(s->bev, EV_READ);
	s->delay = evtimer_new(s->srv->base, delay_expired, s);
	if (!s->delay || evtimer_add(s->delay, &tv))
		delay_expired(-1, 0, s);
}

static void logged_in(struct imap_session *s, const char *user)
{
	if (imap_user_sessions(s, user) >= IMAP_USER_SESSIONS) {
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
	log_msg(LOG_INFO, "imap-login: Login: user=<%s>, rip=%s%s", user,
		s->peer_ip, s->tls ? ", TLS" : "");
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
	const struct user *u = server_local_user(s->srv, user);
	struct imap_auth_work *a = &s->auth;

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
