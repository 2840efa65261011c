// SPDX-License-Identifier: GPL-2.0
/*
 * The nfpost command line, parsed without I/O so that test_args.c can check
 * it from a table. Errors in the command line's shape are EXIT_USAGE; a
 * well-placed but invalid value (address, number) is EXIT_RUNTIME, "Error: ".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "args.h"
#include "fmt.h"
#include "users.h"

struct cur {
	int argc;
	char **argv;
	int i;
	char *err;
	size_t len;
	struct nfpost_args *a;
};

struct verb {
	const char *name;
	int (*parse)(struct cur *c);
};

static const char *next(struct cur *c)
{
	return c->i < c->argc ? c->argv[c->i++] : NULL;
}

static int fail(struct cur *c, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, c->len, fmt, ap);
	va_end(ap);
	return code;
}

static int incomplete(struct cur *c)
{
	return fail(c, EXIT_USAGE,
		    "Command line is not complete. Try \"nfpost help\".");
}

static int unknown(struct cur *c, const char *word, const char *help)
{
	return fail(c, EXIT_USAGE, "Unknown keyword \"%s\". Try \"nfpost %s\".",
		    word, help);
}

static bool is_json(const char *w)
{
	return !strcmp(w, "-j") || !strcmp(w, "--json");
}

/* The kernel's dev_valid_name(), so that we fail before asking it. */
static bool valid_ifname(const char *s)
{
	if (!*s || strlen(s) >= IF_NAMESIZE || !strcmp(s, ".") ||
	    !strcmp(s, ".."))
		return false;
	return !strpbrk(s, "/: \t\n\v\f\r");
}

static int dev_arg(struct cur *c)
{
	const char *v = next(c);

	if (!v)
		return incomplete(c);
	if (c->a->dev)
		return fail(c, EXIT_USAGE, "\"dev\" is given twice.");
	if (!valid_ifname(v))
		return fail(c, EXIT_RUNTIME,
			    "Error: \"%s\" is not a valid interface name.", v);
	c->a->dev = v;
	return 0;
}

static int parse_u32(const char *s, uint32_t *v_r)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v > UINT32_MAX)
		return -ERANGE;
	*v_r = v;
	return 0;
}

/* Words allowed: -j, and "dev IF" when with_dev. */
static int dev_and_json(struct cur *c, bool with_dev)
{
	const char *w;
	int ret;

	while ((w = next(c))) {
		if (is_json(w)) {
			c->a->json = true;
		} else if (with_dev && !strcmp(w, "dev")) {
			ret = dev_arg(c);
			if (ret)
				return ret;
		} else {
			return unknown(c, w, "watch help");
		}
	}
	return 0;
}

static int watch_show(struct cur *c)
{
	c->a->cmd = CMD_WATCH_SHOW;
	return dev_and_json(c, true);
}

/* flush [ADDR] [dev IF]: an address first, if one is given. */
static int watch_flush(struct cur *c)
{
	c->a->cmd = CMD_WATCH_FLUSH;
	if (c->i < c->argc && strcmp(c->argv[c->i], "dev") &&
	    !is_json(c->argv[c->i])) {
		const char *ip = next(c);

		if (inet_pton(AF_INET, ip, &c->a->addr) != 1 ||
		    !c->a->addr.s_addr)
			return fail(c, EXIT_RUNTIME,
				    "Error: \"%s\" is not a valid IPv4 address.", ip);
	}
	return dev_and_json(c, true);
}

static int watch_config(struct cur *c)
{
	c->a->cmd = CMD_WATCH_CONFIG;
	return dev_and_json(c, false);
}

static int watch_stats(struct cur *c)
{
	c->a->cmd = CMD_WATCH_STATS;
	return dev_and_json(c, false);
}

/* save FILE, restore FILE: one word, the file. */
static int watch_file(struct cur *c, enum nfpost_cmd cmd)
{
	const char *w;

	c->a->cmd = cmd;
	c->a->file = next(c);
	if (!c->a->file)
		return incomplete(c);
	w = next(c);
	return w ? unknown(c, w, "watch help") : 0;
}

static int watch_save(struct cur *c)
{
	return watch_file(c, CMD_WATCH_SAVE);
}

static int watch_restore(struct cur *c)
{
	return watch_file(c, CMD_WATCH_RESTORE);
}

static int watch_help(struct cur *c)
{
	c->a->cmd = CMD_WATCH_HELP;
	return 0;
}

static int lladdr_arg(struct cur *c)
{
	const char *v = next(c);

	if (!v)
		return incomplete(c);
	if (c->a->has_lladdr)
		return fail(c, EXIT_USAGE, "\"lladdr\" is given twice.");
	if (fmt_parse_lladdr(v, c->a->lladdr))
		return fail(c, EXIT_RUNTIME,
			    "Error: \"%s\" is not a valid link-layer address.",
			    v);
	c->a->has_lladdr = true;
	return 0;
}

static int bind_words(struct cur *c)
{
	const char *w;
	int ret;

	while ((w = next(c))) {
		ret = 0;
		if (is_json(w))
			c->a->json = true;
		else if (!strcmp(w, "dev"))
			ret = dev_arg(c);
		else if (!strcmp(w, "lladdr"))
			ret = lladdr_arg(c);
		else
			ret = unknown(c, w, "watch help");
		if (ret)
			return ret;
	}
	return 0;
}

/* bind add|del IP [lladdr MAC] [dev IF]: del ignores lladdr, as ip neigh. */
static int watch_bind(struct cur *c)
{
	const char *op = next(c), *ip;
	int ret;

	if (!op)
		return incomplete(c);
	if (!strcmp(op, "add"))
		c->a->cmd = CMD_WATCH_BIND_ADD;
	else if (!strcmp(op, "del"))
		c->a->cmd = CMD_WATCH_BIND_DEL;
	else
		return unknown(c, op, "watch help");
	ip = next(c);
	if (!ip)
		return incomplete(c);
	if (inet_pton(AF_INET, ip, &c->a->addr) != 1)
		return fail(c, EXIT_RUNTIME,
			    "Error: \"%s\" is not a valid IPv4 address.", ip);
	ret = bind_words(c);
	if (ret)
		return ret;
	if (!c->a->dev)
		return fail(c, EXIT_USAGE, "\"dev\" is required. Try \"nfpost watch help\".");
	if (c->a->cmd == CMD_WATCH_BIND_ADD && !c->a->has_lladdr)
		return fail(c, EXIT_USAGE, "\"lladdr\" is required. Try \"nfpost watch help\".");
	return 0;
}

static int set_pair(struct cur *c, const char *k)
{
	const struct config_key *key = config_key_find(k);
	const char *v;
	unsigned int i;
	uint32_t val;
	int ret;

	if (!key)
		return unknown(c, k, "watch help");
	v = next(c);
	if (!v)
		return incomplete(c);
	for (i = 0; i < c->a->n_set; i++)
		if (c->a->set[i].key == key)
			return fail(c, EXIT_USAGE, "\"%s\" is given twice.", k);
	ret = parse_u32(v, &val);
	if (ret == -ERANGE)
		return fail(c, EXIT_RUNTIME,
			    "Error: \"%s\" is out of range for \"%s\": the maximum is %u.",
			    v, k, UINT32_MAX);
	if (ret)
		return fail(c, EXIT_RUNTIME,
			    "Error: \"%s\" is not a valid value for \"%s\": an unsigned decimal number is expected.",
			    v, k);
	c->a->set[c->a->n_set++] = (struct config_set){ key, val };
	return 0;
}

static int watch_set(struct cur *c)
{
	const char *w;
	int ret;

	c->a->cmd = CMD_WATCH_SET;
	while ((w = next(c))) {
		if (is_json(w)) {
			c->a->json = true;
			continue;
		}
		ret = set_pair(c, w);
		if (ret)
			return ret;
	}
	return c->a->n_set ? 0 : incomplete(c);
}

static const struct verb watch_verbs[] = {
	{ "show",	watch_show },
	{ "bind",	watch_bind },
	{ "flush",	watch_flush },
	{ "set",	watch_set },
	{ "config",	watch_config },
	{ "stats",	watch_stats },
	{ "save",	watch_save },
	{ "restore",	watch_restore },
	{ "help",	watch_help },
};

static void start(struct cur *c, int argc, char **argv,
		  struct nfpost_args *a, char *err, size_t len)
{
	*c = (struct cur){ argc, argv, 0, err, len, a };
	err[0] = '\0';
}

/* argv[0] is the word after "watch"; no verb means "show", as ip link. */
int args_watch(int argc, char **argv, struct nfpost_args *a, char *err,
	       size_t len)
{
	struct cur c;
	const char *w;
	size_t i;

	start(&c, argc, argv, a, err, len);
	while (c.i < argc && is_json(argv[c.i])) {
		a->json = true;
		c.i++;
	}
	w = next(&c);
	if (!w) {
		a->cmd = CMD_WATCH_SHOW;
		return 0;
	}
	for (i = 0; i < sizeof(watch_verbs) / sizeof(watch_verbs[0]); i++)
		if (!strcmp(w, watch_verbs[i].name))
			return watch_verbs[i].parse(&c);
	return unknown(&c, w, "watch help");
}

static int count_arg(struct cur *c)
{
	const char *v = next(c);
	uint32_t n;

	if (!v)
		return incomplete(c);
	if (parse_u32(v, &n) || !n)
		return fail(c, EXIT_RUNTIME,
			    "Error: \"%s\" is not a valid count: a positive decimal number is expected.",
			    v);
	c->a->count = n;
	return 0;
}

/* argv[0] is the word after "monitor": [watch | mcast] [-j] [-c COUNT]. */
int args_monitor(int argc, char **argv, struct nfpost_args *a, char *err,
		 size_t len)
{
	bool watch = false;
	struct cur c;
	const char *w;
	int ret = 0;

	start(&c, argc, argv, a, err, len);
	a->cmd = CMD_MONITOR;
	while (!ret && (w = next(&c))) {
		if (is_json(w))
			a->json = true;
		else if (!strcmp(w, "-c") || !strcmp(w, "--count"))
			ret = count_arg(&c);
		else if (!strcmp(w, "help"))
			a->cmd = CMD_HELP;
		else if (!strcmp(w, "watch") && !watch && !a->monitor_mcast &&
			 !a->smtp)
			watch = true;
		else if (!strcmp(w, "smtp") && !watch && !a->smtp && !a->monitor_mcast)
			a->smtp = true;
		else if (!strcmp(w, "mcast") && !watch && !a->monitor_mcast && !a->smtp)
			a->monitor_mcast = true;
		else
			ret = unknown(&c, w, "help");
	}
	return ret;
}

static int mail_help(struct cur *c)
{
	c->a->cmd = CMD_MAIL_HELP;
	return 0;
}

/* trace FILE [-j]: FILE "-" is stdin, so it is a file, not an option. */
static int mail_trace(struct cur *c)
{
	const char *w;

	c->a->cmd = CMD_MAIL_TRACE;
	while ((w = next(c))) {
		if (is_json(w))
			c->a->json = true;
		else if (!c->a->file && (w[0] != '-' || !strcmp(w, "-")))
			c->a->file = w;
		else
			return unknown(c, w, "mail help");
	}
	return c->a->file ? 0 : incomplete(c);
}

/* queue [-c CONFIG] [list | flush] [-j] */
static int mail_queue(struct cur *c)
{
	bool verb = false;
	const char *w;

	c->a->cmd = CMD_MAIL_QUEUE;
	while ((w = next(c))) {
		if (is_json(w)) {
			c->a->json = true;
		} else if (!strcmp(w, "-c") && !c->a->conf) {
			c->a->conf = next(c);
			if (!c->a->conf)
				return incomplete(c);
		} else if (!verb && (!strcmp(w, "list") || !strcmp(w, "flush"))) {
			verb = true;
			if (!strcmp(w, "flush"))
				c->a->cmd = CMD_MAIL_FLUSH;
		} else {
			return unknown(c, w, "mail help");
		}
	}
	return 0;
}

/* -c CONFIG or -j among a verb's words; 0 if @w was one, 1 if not. */
static int mail_option(struct cur *c, const char *w, int *ret)
{
	*ret = 0;
	if (is_json(w)) {
		c->a->json = true;
	} else if (!strcmp(w, "-c") && !c->a->conf) {
		c->a->conf = next(c);
		if (!c->a->conf)
			*ret = incomplete(c);
	} else {
		return 1;
	}
	return 0;
}

/* ls USER [FOLDER] [-c CONFIG] [-j] */
static int mail_ls(struct cur *c)
{
	const char *w;
	int ret;

	c->a->cmd = CMD_MAIL_LS;
	while ((w = next(c))) {
		if (!mail_option(c, w, &ret)) {
			if (ret)
				return ret;
		} else if (!c->a->user && w[0] != '-') {
			c->a->user = w;
		} else if (!c->a->folder && w[0] != '-') {
			c->a->folder = w;
		} else {
			return unknown(c, w, "mail help");
		}
	}
	return c->a->user ? 0 : incomplete(c);
}

/* show USER UID [FOLDER] [-c CONFIG] */
static int mail_show(struct cur *c)
{
	const char *w;
	char *end;
	int ret;

	c->a->cmd = CMD_MAIL_SHOW;
	while ((w = next(c))) {
		if (!mail_option(c, w, &ret)) {
			if (ret)
				return ret;
		} else if (!c->a->user && w[0] != '-') {
			c->a->user = w;
		} else if (!c->a->uid && w[0] >= '1' && w[0] <= '9') {
			c->a->uid = strtoul(w, &end, 10);
			if (*end || c->a->uid > 0xffffffffUL)
				return unknown(c, w, "mail help");
		} else if (!c->a->folder && w[0] != '-') {
			c->a->folder = w;
		} else {
			return unknown(c, w, "mail help");
		}
	}
	return c->a->user && c->a->uid ? 0 : incomplete(c);
}

static const struct verb mail_verbs[] = {
	{ "trace",	mail_trace },
	{ "queue",	mail_queue },
	{ "ls",		mail_ls },
	{ "show",	mail_show },
	{ "help",	mail_help },
};

static int find_verb(struct cur *c, const struct verb *verbs, size_t n,
		     const char *help)
{
	const char *w = next(c);
	size_t i;

	if (!w)
		return incomplete(c);
	for (i = 0; i < n; i++)
		if (!strcmp(w, verbs[i].name))
			return verbs[i].parse(c);
	return unknown(c, w, help);
}

/* argv[0] is the word after "mail": [-j] VERB ... */
int args_mail(int argc, char **argv, struct nfpost_args *a, char *err,
	      size_t len)
{
	struct cur c;

	start(&c, argc, argv, a, err, len);
	while (c.i < argc && is_json(argv[c.i])) {
		a->json = true;
		c.i++;
	}
	return find_verb(&c, mail_verbs,
			 sizeof(mail_verbs) / sizeof(mail_verbs[0]),
			 "mail help");
}

static int users_file_arg(struct cur *c)
{
	const char *v = next(c);

	if (!v)
		return incomplete(c);
	if (c->a->users_file)
		return fail(c, EXIT_USAGE, "\"-f\" is given twice.");
	c->a->users_file = v;
	return 0;
}

/* The daemon's configuration, for its users file and its group. */
static int user_conf_arg(struct cur *c)
{
	const char *v = next(c);

	if (!v)
		return incomplete(c);
	if (c->a->conf)
		return fail(c, EXIT_USAGE, "\"-c\" is given twice.");
	c->a->conf = v;
	return 0;
}

/* -j, -f FILE or -c CONFIG: 0 if taken, -1 if @w is none, else the error. */
static int user_option(struct cur *c, const char *w)
{
	if (is_json(w)) {
		c->a->json = true;
		return 0;
	}
	if (!strcmp(w, "-c"))
		return user_conf_arg(c);
	return strcmp(w, "-f") ? -1 : users_file_arg(c);
}

/* The words after a verb: options only. */
static int user_options(struct cur *c)
{
	const char *w;
	int ret = 0;

	while (!ret && (w = next(c))) {
		ret = user_option(c, w);
		if (ret < 0)
			return unknown(c, w, "user help");
	}
	return ret;
}

static int user_list(struct cur *c)
{
	c->a->cmd = CMD_USER_LIST;
	return user_options(c);
}

static int user_help(struct cur *c)
{
	c->a->cmd = CMD_USER_HELP;
	return 0;
}

static int user_name(struct cur *c, enum nfpost_cmd cmd)
{
	const char *v = next(c);

	c->a->cmd = cmd;
	if (!v)
		return incomplete(c);
	if (!users_name_ok(v))
		return fail(c, EXIT_RUNTIME,
			    "Error: \"%s\" is not a valid user name: 1 to 64 of a-z 0-9 . _ - are expected.",
			    v);
	c->a->user = v;
	return user_options(c);
}

static int user_add(struct cur *c)
{
	return user_name(c, CMD_USER_ADD);
}

static int user_del(struct cur *c)
{
	return user_name(c, CMD_USER_DEL);
}

static int user_passwd(struct cur *c)
{
	return user_name(c, CMD_USER_PASSWD);
}

static const struct verb user_verbs[] = {
	{ "list",	user_list },
	{ "add",	user_add },
	{ "del",	user_del },
	{ "passwd",	user_passwd },
	{ "help",	user_help },
};

/* argv[0] is the word after "user": [-f FILE] [-j] [VERB]; none: list. */
int args_user(int argc, char **argv, struct nfpost_args *a, char *err,
	      size_t len)
{
	struct cur c;
	int ret;

	start(&c, argc, argv, a, err, len);
	a->cmd = CMD_USER_LIST;
	while (c.i < argc && argv[c.i][0] == '-') {
		ret = user_option(&c, next(&c));
		if (ret < 0)
			return unknown(&c, argv[c.i - 1], "user help");
		if (ret)
			return ret;
	}
	if (c.i == argc)
		return 0;
	return find_verb(&c, user_verbs,
			 sizeof(user_verbs) / sizeof(user_verbs[0]),
			 "user help");
}

/* A word's value: the next word, which must be there. */
static int value_arg(struct cur *c, const char **v_r)
{
	*v_r = next(c);
	return *v_r ? 0 : incomplete(c);
}

static int number_arg(struct cur *c, const char *what, bool zero_ok,
		      unsigned int *n_r)
{
	const char *v = next(c);
	uint32_t n;

	if (!v)
		return incomplete(c);
	if (parse_u32(v, &n) || (!n && !zero_ok))
		return fail(c, EXIT_RUNTIME,
			    "Error: \"%s\" is not a valid %s: %s decimal number is expected.",
			    v, what, zero_ok ? "a" : "a positive");
	*n_r = n;
	return 0;
}

static bool is_word(const char *w, const char *word)
{
	/* "replay" or "--replay": the issue and ip(8) both read naturally. */
	return !strcmp(w, word) || (!strncmp(w, "--", 2) && !strcmp(w + 2, word));
}

/* argv[0] is the word after "web": [listen ADDR:PORT] [root DIR]
 * [--replay FILE [--speed N]] [clients N]. */
int args_web(int argc, char **argv, struct nfpost_args *a, char *err,
	     size_t len)
{
	struct cur c;
	const char *w;
	int ret = 0;

	start(&c, argc, argv, a, err, len);
	a->cmd = CMD_WEB;
	a->speed = 1;
	a->max_clients = 64;
	while (!ret && (w = next(&c))) {
		if (is_word(w, "listen"))
			ret = value_arg(&c, &a->listen);
		else if (is_word(w, "root"))
			ret = value_arg(&c, &a->webroot);
		else if (is_word(w, "replay"))
			ret = value_arg(&c, &a->replay);
		else if (is_word(w, "speed"))
			ret = number_arg(&c, "speed", true, &a->speed);
		else if (is_word(w, "clients"))
			ret = number_arg(&c, "client limit", false,
					 &a->max_clients);
		else if (!strcmp(w, "help"))
			a->cmd = CMD_HELP;
		else
			ret = unknown(&c, w, "web help");
	}
	return ret;
}

/*
 * Global options, argv[0] being the program. *next_r gets the index of the
 * object word; a->cmd stays CMD_NONE when there is none.
 */
int args_global(int argc, char **argv, struct nfpost_args *a, int *next_r,
		char *err, size_t len)
{
	struct cur c;
	const char *w;

	memset(a, 0, sizeof(*a));
	start(&c, argc, argv, a, err, len);
	*next_r = argc;
	c.i = 1;
	while (c.i < argc && argv[c.i][0] == '-' && a->cmd == CMD_NONE) {
		w = next(&c);
		if (is_json(w))
			a->json = true;
		else if (!strcmp(w, "-V") || !strcmp(w, "--version"))
			a->cmd = CMD_VERSION;
		else if (!strcmp(w, "-h") || !strcmp(w, "--help"))
			a->cmd = CMD_HELP;
		else
			return fail(&c, EXIT_USAGE,
				    "Option \"%s\" is unknown, try \"nfpost help\".",
				    w);
	}
	*next_r = a->cmd == CMD_NONE ? c.i : argc;
	return 0;
}
