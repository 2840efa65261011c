/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Failed logins remembered across sessions, for POP3 and IMAP: per client
 * (IPv4 address or IPv6 /64) and per local user, in two fixed tables, so
 * that a password guesser gains nothing by reconnecting or by spreading
 * over users or addresses.
 *
 *  - Every failure is answered after a delay that doubles with the count
 *    that is largest of the session's, the client's and the user's: 250 ms,
 *    500 ms, ... up to 8 s (Dovecot doubles its per-address auth penalty
 *    the same way, up to 15 s).
 *  - A client with max_failures failures is refused outright (no password
 *    checked, no hash computed) until it has had none for AUTHFAIL_WINDOW
 *    seconds. A user is never locked out this way, only delayed: anyone
 *    could otherwise lock a user out by failing on her name.
 *  - Counts are forgotten AUTHFAIL_WINDOW seconds after their last
 *    failure; a successful login forgets its client's and user's.
 *  - A full table reuses its least recently failed entry; that, the
 *    failures and the refusals are counted (authfail_stats()).
 * I/O-free: the caller gives the time and does the waiting.
 */
#ifndef NFPOSTD_AUTHFAIL_H
#define NFPOSTD_AUTHFAIL_H

#include <sys/socket.h>
#include <time.h>

#define AUTHFAIL_TABLE		1024	/* clients, and users, remembered */
#define AUTHFAIL_WINDOW		900	/* seconds */
#define AUTHFAIL_DELAY_FIRST_MS	250
#define AUTHFAIL_DELAY_MAX_MS	8000

struct authfail;

struct authfail_stats {
	unsigned long failures;	/* recorded */
	unsigned long refused;	/* logins refused unchecked */
	unsigned long evicted;	/* entries reused while still counting */
};

/* Room for @size clients and @size users; @max_failures per client. */
struct authfail *authfail_new(unsigned int size, unsigned int max_failures);
void authfail_free(struct authfail *af);

/*
 * Before a login from @sa is checked: 0, or -EAGAIN if the client has had
 * max_failures failures in the window (the login is refused, counted).
 */
int authfail_check(struct authfail *af, const struct sockaddr *sa,
		   time_t now);
/*
 * A failed login from @sa, as @user if it names a local user (else "" or
 * NULL), the session's @session_failures-th: counted. The delay before
 * its answer, in milliseconds.
 */
long authfail_failed(struct authfail *af, const struct sockaddr *sa,
		     const char *user, unsigned int session_failures,
		     time_t now);
/* A successful login: the client's and the user's counts are dropped. */
void authfail_ok(struct authfail *af, const struct sockaddr *sa,
		 const char *user);
const struct authfail_stats *authfail_stats(const struct authfail *af);
/* Seconds of CLOCK_MONOTONIC: the @now the daemon gives. */
time_t authfail_clock(void);

#endif /* NFPOSTD_AUTHFAIL_H */
