// SPDX-License-Identifier: GPL-2.0
/*
 * nfpostd's INI configuration: defaults, one handler per section, checks
 * of what must hang together once the file is read.
 */
#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "conf.h"
#include "mailaddr.h"

struct loader {
	struct conf *c;
	char *err;
	size_t len;
	FILE *f;
	int line;	/* being read */
	int err_line;	/* of the message in @err; 0: none yet */
};

/* Splits @value on spaces and commas, calling @fn on each word. */
static int each_word(const char *value, int (*fn)(struct conf *, const char *),
		     struct conf *c)
{
	char buf[1024], *save, *w;
	int ret;

	if (strlen(value) >= sizeof(buf))
		return -E2BIG;
	strcpy(buf, value);
	for (w = strtok_r(buf, " \t,", &save); w;
	     w = strtok_r(NULL, " \t,", &save)) {
		ret = fn(c, w);
		if (ret)
			return ret;
	}
	return 0;
}

static int add_domain(struct conf *c, const char *d)
{
	char *p;

	if (c->ndomains == CONF_MAX_DOMAINS)
		return -E2BIG;
	if (strlen(d) >= CONF_STR_MAX)
		return -EINVAL;
	p = c->domains[c->ndomains++];
	strcpy(p, d);
	for (; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return 0;
}

static int add_network(struct conf *c, const char *n)
{
	if (c->nnetworks == CONF_MAX_NETWORKS)
		return -E2BIG;
	return netaddr_prefix_parse(n, &c->mynetworks[c->nnetworks++]);
}

static int copy(char *dst, size_t size, const char *value)
{
	if (strlen(value) >= size)
		return -E2BIG;
	strcpy(dst, value);
	return 0;
}

static int number(const char *value, long long min, long long max,
		  long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(value, &end, 10);
	if (!*value || *end || errno || *out < min || *out > max)
		return -EINVAL;
	return 0;
}

static int yes_no(const char *value, bool *out)
{
	if (!strcmp(value, "yes") || !strcmp(value, "no")) {
		*out = value[0] == 'y';
		return 0;
	}
	return -EINVAL;
}

static int queue_key(struct conf *c, const char *key, const char *value)
{
#define YEAR	(365LL * 86400)
	static const struct {
		const char *key;
		size_t off;
		long long max;
	} keys[] = {
		{ "queue_interval", offsetof(struct conf, queue_interval), YEAR },
		{ "retry_min", offsetof(struct conf, retry_min), YEAR },
		{ "retry_max", offsetof(struct conf, retry_max), YEAR },
		{ "queue_lifetime", offsetof(struct conf, queue_lifetime), YEAR },
		{ "store_threads", offsetof(struct conf, store_threads), 256 },
		{ "max_sessions", offsetof(struct conf, max_sessions), 100000 },
		{ "max_sessions_per_ip",
		  offsetof(struct conf, max_sessions_per_ip), 100000 },
		{ "max_user_sessions",
		  offsetof(struct conf, max_user_sessions), 100000 },
		{ "max_connection_rate",
		  offsetof(struct conf, max_connection_rate), 1000000 },
		{ "max_login_failures",
		  offsetof(struct conf, max_login_failures), 100000 },
		{ "command_deadline", offsetof(struct conf, command_deadline),
		  86400 },
		{ "data_deadline", offsetof(struct conf, data_deadline), 86400 },
	};
	long long v;
	size_t i;

	/* 0 turns the delay notices (RFC 3461 DELAY) off. */
	if (!strcmp(key, "delay_warning")) {
		if (number(value, 0, YEAR, &v))
			return -EINVAL;
		c->delay_warning = (int)v;
		return 0;
	}
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(key, keys[i].key))
			continue;
		if (number(value, 1, keys[i].max, &v))
			return -EINVAL;
		*(int *)((char *)c + keys[i].off) = (int)v;
		return 0;
	}
	return -ENOENT;
}

/*
 * "a.b.c.d:port", parsed as [listen] addresses are: IPv4 only, as glibc's
 * resolver state keeps its name servers.
 */
static int resolver_key(struct conf *c, const char *value)
{
	struct sockaddr_storage ss;
	socklen_t len;

	if (netaddr_listen_parse(value, &ss, &len) || ss.ss_family != AF_INET ||
	    !((struct sockaddr_in *)&ss)->sin_addr.s_addr)
		return -EINVAL;
	memcpy(&c->resolver, &ss, sizeof(c->resolver));
	c->resolver_set = true;
	return 0;
}

static int server_key(struct conf *c, const char *key, const char *value)
{
	long long v;
	int ret;

	if (!strcmp(key, "hostname"))
		return copy(c->hostname, sizeof(c->hostname), value);
	if (!strcmp(key, "user"))
		return copy(c->run_as, sizeof(c->run_as), value);
	if (!strcmp(key, "users"))
		return copy(c->users_file, sizeof(c->users_file), value);
	if (!strcmp(key, "mail_root"))
		return copy(c->mail_root, sizeof(c->mail_root), value);
	if (!strcmp(key, "spool"))
		return copy(c->spool, sizeof(c->spool), value);
	if (!strcmp(key, "postmaster"))
		return copy(c->postmaster, sizeof(c->postmaster), value);
	if (!strcmp(key, "tls_cert"))
		return copy(c->tls_cert, sizeof(c->tls_cert), value);
	if (!strcmp(key, "tls_key"))
		return copy(c->tls_key, sizeof(c->tls_key), value);
	if (!strcmp(key, "domains"))
		return each_word(value, add_domain, c);
	if (!strcmp(key, "resolver"))
		return resolver_key(c, value);
	if (!strcmp(key, "plaintext_auth"))
		return yes_no(value, &c->plaintext_auth);
	if (!strcmp(key, "mynetworks")) {
		if (!c->mynetworks_set)	/* replaces the default */
			c->nnetworks = 0;
		c->mynetworks_set = true;
		return each_word(value, add_network, c);
	}
	if (!strcmp(key, "max_message_size")) {
		ret = number(value, 1024, 1LL << 40, &v);
		c->max_message_size = (uint64_t)v;
	} else if (!strcmp(key, "max_recipients")) {
		ret = number(value, 1, 100000, &v);
		c->max_recipients = (int)v;
	} else if (!strcmp(key, "max_errors")) {
		ret = number(value, 1, 1000, &v);
		c->max_errors = (int)v;
	} else if (!strcmp(key, "dns_timeout")) {
		ret = number(value, 1, 60, &v);
		c->dns_timeout = (int)v;
	} else if (!strcmp(key, "timeout")) {
		ret = number(value, 1, 86400, &v);
		c->timeout = (int)v;
	} else {
		return queue_key(c, key, value);
	}
	return ret;
}

static const char *const listen_names[] = {
	[LISTEN_SMTP] = "smtp",
	[LISTEN_SUBMISSION] = "submission",
	[LISTEN_SMTPS] = "smtps",
	[LISTEN_POP3] = "pop3",
	[LISTEN_POP3S] = "pop3s",
	[LISTEN_IMAP] = "imap",
	[LISTEN_IMAPS] = "imaps",
};

bool conf_needs_tls(const struct conf *c)
{
	int i;

	for (i = 0; i < c->nlisten; i++)
		if (c->listen[i].kind == LISTEN_SMTPS ||
		    c->listen[i].kind == LISTEN_POP3S ||
		    c->listen[i].kind == LISTEN_IMAPS)
			return true;
	return false;
}

const char *listen_kind_name(enum listen_kind kind)
{
	return listen_names[kind];
}

static int add_listen(struct conf *c, const char *addr)
{
	struct conf_listen *l;

	if (c->nlisten == CONF_MAX_LISTEN)
		return -E2BIG;
	l = &c->listen[c->nlisten++];
	l->any = !strchr(addr, ':') || addr[0] == ':';
	return netaddr_listen_parse(addr, &l->addr, &l->addrlen);
}

/* Each address of the key's line, then the kind the key names. */
static int listen_key(struct conf *c, const char *key, const char *value)
{
	int first = c->nlisten, ret, j;
	size_t i;

	for (i = 0; i < sizeof(listen_names) / sizeof(listen_names[0]); i++) {
		if (strcmp(key, listen_names[i]))
			continue;
		ret = each_word(value, add_listen, c);
		for (j = first; j < c->nlisten; j++)
			c->listen[j].kind = (enum listen_kind)i;
		return ret;
	}
	return -ENOENT;
}

static int transport_key(struct conf *c, const char *key, const char *value)
{
	struct conf_transport *t;
	const char *colon = strrchr(value, ':');

	if (c->ntransports == CONF_MAX_TRANSPORTS)
		return -E2BIG;
	if (!colon || colon == value || strlen(colon + 1) >= sizeof(t->port))
		return -EINVAL;
	t = &c->transports[c->ntransports++];
	if (copy(t->domain, sizeof(t->domain), key) ||
	    (size_t)(colon - value) >= sizeof(t->host))
		return -E2BIG;
	memcpy(t->host, value, (size_t)(colon - value));
	t->host[colon - value] = '\0';
	strcpy(t->port, colon + 1);
	return 0;
}

/* "DOMAIN = SELECTOR KEY_FILE" */
static int dkim_key(struct conf *c, const char *key, const char *value)
{
	const char *sp = strchr(value, ' ');
	struct conf_dkim *d;
	size_t n;

	if (c->ndkim == CONF_MAX_DKIM)
		return -E2BIG;
	n = sp ? (size_t)(sp - value) : 0;
	if (!n || !sp[1] || strchr(sp + 1, ' '))
		return -EINVAL;
	d = &c->dkim[c->ndkim++];
	if (n >= sizeof(d->selector) || copy(d->domain, sizeof(d->domain), key) ||
	    copy(d->key_file, sizeof(d->key_file), sp + 1))
		return -E2BIG;
	memcpy(d->selector, value, n);
	d->selector[n] = '\0';
	return 0;
}

static const char *const authcheck_names[] = {
	[AUTHCHECK_ACCEPT] = "accept",
	[AUTHCHECK_TAG] = "tag",
	[AUTHCHECK_QUARANTINE] = "quarantine",
	[AUTHCHECK_REJECT] = "reject",
};

const char *conf_authcheck_name(enum authcheck_action a)
{
	return authcheck_names[a];
}

/* "DOMAIN = accept|tag|quarantine|reject", DOMAIN "*" for the others. */
static int authcheck_key(struct conf *c, const char *key, const char *value)
{
	struct conf_authcheck *a;
	size_t i;

	if (c->nauthcheck == CONF_MAX_AUTHCHECK)
		return -E2BIG;
	for (i = 0; i < sizeof(authcheck_names) / sizeof(*authcheck_names); i++)
		if (!strcmp(value, authcheck_names[i]))
			break;
	if (i == sizeof(authcheck_names) / sizeof(*authcheck_names))
		return -EINVAL;
	a = &c->authcheck[c->nauthcheck++];
	a->action = (enum authcheck_action)i;
	return copy(a->domain, sizeof(a->domain), key);
}

static int handler(void *user, const char *section, const char *key,
		   const char *value)
{
	struct loader *l = user;
	int ret;

	if (!strcmp(section, "server"))
		ret = server_key(l->c, key, value);
	else if (!strcmp(section, "listen"))
		ret = listen_key(l->c, key, value);
	else if (!strcmp(section, "transport"))
		ret = transport_key(l->c, key, value);
	else if (!strcmp(section, "dkim"))
		ret = dkim_key(l->c, key, value);
	else if (!strcmp(section, "authcheck"))
		ret = authcheck_key(l->c, key, value);
	else
		ret = -ENOENT;
	if (!ret)
		return 1;
	/* libinih reads on after an error and reports the first line. */
	if (l->err_line)
		return 0;
	l->err_line = l->line;
	snprintf(l->err, l->len, "[%s] %s: %s", section, key,
		 ret == -ENOENT ? "unknown key" :
		 ret == -E2BIG ? "too long or too many" : "bad value");
	return 0;
}

static void defaults(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	if (gethostname(c->hostname, sizeof(c->hostname) - 1))
		strcpy(c->hostname, "localhost");
	strcpy(c->users_file, "/etc/nfpost/users");
	strcpy(c->mail_root, "/var/mail/nfpost");
	strcpy(c->spool, "/var/spool/nfpost");
	c->max_message_size = 10240000;	/* Postfix's message_size_limit */
	c->max_recipients = 1000;	/* smtpd_recipient_limit */
	c->max_errors = 20;		/* smtpd_hard_error_limit */
	c->max_sessions = 100;		/* smtpd's default_process_limit */
	c->max_sessions_per_ip = 20;	/* a fifth of the slots */
	c->max_user_sessions = 20;	/* Dovecot: 10 per user and IP */
	c->max_connection_rate = 60;	/* per minute, as Postfix's anvil */
	c->max_login_failures = 10;	/* then refused for 15 minutes */
	c->timeout = 300;		/* RFC 5321 4.5.3.2.7 */
	c->command_deadline = 300;	/* the idle timeout, for a whole line */
	c->data_deadline = 600;		/* RFC 5321 4.5.3.2.6's 10 minutes */
	c->store_threads = 16;		/* fsyncs overlap: one per session */
	c->queue_interval = 60;
	c->retry_min = 300;		/* Postfix's minimal_backoff_time */
	c->retry_max = 4000;		/* maximal_backoff_time */
	c->queue_lifetime = 5 * 86400;	/* maximal_queue_lifetime */
	c->delay_warning = 4 * 3600;	/* Postfix's delay_warning_time */
	c->dns_timeout = 5;		/* glibc's RES_TIMEOUT */
	add_network(c, "127.0.0.0/8");
	add_network(c, "::1/128");
}

/* fgets() for libinih, counting lines as it does, for handler(). */
static char *read_line(char *str, int num, void *stream)
{
	struct loader *l = stream;

	l->line++;
	return fgets(str, num, l->f);
}

int conf_load(const char *path, struct conf *c, char *err, size_t len)
{
	struct loader l = { .c = c, .err = err, .len = len };
	int ret;

	defaults(c);
	err[0] = '\0';
	l.f = fopen(path, "r");
	if (!l.f) {
		snprintf(err, len, "%s: cannot read", path);
		return -ENOENT;
	}
	ret = ini_parse_stream(read_line, &l, handler, &l);
	fclose(l.f);
	if (ret < 0) {
		snprintf(err, len, "%s: out of memory", path);
		return -ENOMEM;
	}
	if (ret > 0) {
		char msg[512];

		snprintf(msg, sizeof(msg), "%s:%d: %s", path, ret,
			 ret == l.err_line ? err : "syntax error");
		snprintf(err, len, "%s", msg);
		return -EINVAL;
	}
	if (!c->nlisten) {
		snprintf(err, len, "%s: no [listen] address", path);
		return -EINVAL;
	}
	return 0;
}

bool conf_is_local_domain(const struct conf *c, const char *domain)
{
	int i;

	for (i = 0; i < c->ndomains; i++)
		if (mailaddr_domain_eq(c->domains[i], domain))
			return true;
	return false;
}

bool conf_in_mynetworks(const struct conf *c, const struct sockaddr *sa)
{
	int i;

	for (i = 0; i < c->nnetworks; i++)
		if (netaddr_prefix_match(&c->mynetworks[i], sa))
			return true;
	return false;
}

enum authcheck_action conf_authcheck_action(const struct conf *c,
					    const char *domain)
{
	enum authcheck_action any = AUTHCHECK_ACCEPT;
	int i;

	for (i = 0; i < c->nauthcheck; i++) {
		if (!strcmp(c->authcheck[i].domain, "*"))
			any = c->authcheck[i].action;
		else if (mailaddr_domain_eq(c->authcheck[i].domain, domain))
			return c->authcheck[i].action;
	}
	return any;
}

const struct conf_transport *conf_transport_find(const struct conf *c,
						 const char *domain)
{
	int i;

	for (i = 0; i < c->ntransports; i++)
		if (mailaddr_domain_eq(c->transports[i].domain, domain))
			return &c->transports[i];
	return NULL;
}
