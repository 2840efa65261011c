/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfpostd's configuration: an INI file (libinih) with the sections [server],
 * [listen] and [transport], read once at start. Documentation/nfpostd.8 has
 * every key.
 */
#ifndef NFPOSTD_CONF_H
#define NFPOSTD_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "netaddr.h"

#define CONF_MAX_DOMAINS	32
#define CONF_MAX_NETWORKS	32
#define CONF_MAX_LISTEN		16
#define CONF_MAX_TRANSPORTS	32
#define CONF_MAX_DKIM		16
#define CONF_MAX_AUTHCHECK	32
#define CONF_STR_MAX		256

/* What a listening socket speaks. */
enum listen_kind {
	LISTEN_SMTP,		/* 25: relay and delivery, STARTTLS offered */
	LISTEN_SUBMISSION,	/* 587: STARTTLS and AUTH required */
	LISTEN_SMTPS,		/* 465: TLS from the first byte, AUTH required */
	LISTEN_POP3,		/* 110: STLS offered, login after it */
	LISTEN_POP3S,		/* 995: TLS from the first byte */
	LISTEN_IMAP,		/* 143: STARTTLS offered, login after it */
	LISTEN_IMAPS,		/* 993: TLS from the first byte */
};

struct conf_listen {
	enum listen_kind kind;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	bool any;		/* a port alone: IPv6 and IPv4 (addr is v4) */
};

/* Mail for @domain goes to @host:@port instead of its MX (labs, tests). */
struct conf_transport {
	char domain[CONF_STR_MAX];
	char host[CONF_STR_MAX];
	char port[16];
};

/* Mail from @domain that nfpostd relays is DKIM-signed with this key. */
struct conf_dkim {
	char domain[CONF_STR_MAX];
	char selector[64];
	char key_file[CONF_STR_MAX];	/* PEM, read once as root */
};

/*
 * What to do with incoming mail for @domain ("*": any other) that fails
 * SPF/DMARC as its sender's domain asks: at most this ([authcheck]).
 */
enum authcheck_action {
	AUTHCHECK_ACCEPT,	/* the Authentication-Results: header only */
	AUTHCHECK_TAG,		/* and X-Spam-Flag: YES */
	AUTHCHECK_QUARANTINE,	/* into the recipient's Junk folder */
	AUTHCHECK_REJECT,	/* 550 5.7.1 at the end of DATA */
};

struct conf_authcheck {
	char domain[CONF_STR_MAX];
	enum authcheck_action action;
};

struct conf {
	char hostname[CONF_STR_MAX];	/* in the greeting and Received: */
	char run_as[64];		/* user to become after binding */
	char users_file[CONF_STR_MAX];
	char mail_root[CONF_STR_MAX];	/* <mail_root>/<user>/ is a Maildir */
	char spool[CONF_STR_MAX];	/* the relay queue */
	char postmaster[64];		/* local user who gets postmaster@ */
	char tls_cert[CONF_STR_MAX];
	char tls_key[CONF_STR_MAX];
	char domains[CONF_MAX_DOMAINS][CONF_STR_MAX];
	int ndomains;
	struct netaddr_prefix mynetworks[CONF_MAX_NETWORKS];
	int nnetworks;
	bool mynetworks_set;		/* else the loopback default */
	struct conf_listen listen[CONF_MAX_LISTEN];
	int nlisten;
	struct conf_transport transports[CONF_MAX_TRANSPORTS];
	int ntransports;
	struct conf_dkim dkim[CONF_MAX_DKIM];	/* [dkim] */
	int ndkim;
	/* [authcheck]: SPF, DKIM and DMARC checks of incoming mail, if any. */
	struct conf_authcheck authcheck[CONF_MAX_AUTHCHECK];
	int nauthcheck;
	/* DNS for those checks: /etc/resolv.conf's unless resolver_set. */
	struct sockaddr_in resolver;	/* IPv4 ADDRESS:PORT */
	bool resolver_set;
	int dns_timeout;		/* seconds per query, then temperror */
	uint64_t max_message_size;	/* bytes, advertised with SIZE */
	int max_recipients;		/* per message */
	int max_errors;			/* bad commands before 421 */
	int max_sessions;		/* open at once; more get 421 */
	int max_sessions_per_ip;	/* open at once from one client */
	int max_user_sessions;		/* IMAP, logged in as one user */
	int max_connection_rate;	/* accepted per minute per client */
	int max_login_failures;		/* POP3/IMAP, per client, 15 min */
	int timeout;			/* seconds idle before 421 */
	int command_deadline;		/* seconds for a whole command */
	int data_deadline;		/* for a whole message (DATA, BDAT) */
	int store_threads;		/* writing and syncing messages */
	/* The relay queue, in seconds. */
	int queue_interval;		/* how often the queue is scanned */
	int retry_min;			/* first retry after a 4xx; doubles */
	int retry_max;			/* the longest wait between tries */
	int queue_lifetime;		/* then the message bounces */
	int delay_warning;		/* then a delay DSN; 0: never */
	bool plaintext_auth;		/* POP3/IMAP logins before TLS (labs) */
};

/*
 * Reads @path into @c (defaults first). On failure returns -errno and puts
 * a message naming the line and key in @err.
 */
int conf_load(const char *path, struct conf *c, char *err, size_t len);

/* "smtp", "submission" or "smtps": the [listen] key. */
const char *listen_kind_name(enum listen_kind kind);
/* Whether a listener speaks TLS from the first byte (smtps, pop3s, imaps). */
bool conf_needs_tls(const struct conf *c);
bool conf_is_local_domain(const struct conf *c, const char *domain);
bool conf_in_mynetworks(const struct conf *c, const struct sockaddr *sa);
/* [authcheck]'s action for mail to @domain: its own line, else "*"'s. */
enum authcheck_action conf_authcheck_action(const struct conf *c,
					    const char *domain);
const char *conf_authcheck_name(enum authcheck_action a);
const struct conf_transport *conf_transport_find(const struct conf *c,
						 const char *domain);

#endif /* NFPOSTD_CONF_H */
