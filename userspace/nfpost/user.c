// SPDX-License-Identifier: GPL-2.0
/*
 * `nfpost user`: list, add, del and passwd on the users file, and reading a
 * password from a pipe or, without echo, from the terminal.
 */
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include "conf.h"
#include "json.h"
#include "user.h"
#include "users.h"

#define PASSWORD_MAX	1024

static volatile sig_atomic_t caught;

void user_usage(FILE *f)
{
	fputs("Usage: nfpost user [-c CONFIG] [-f USERS_FILE] [list] [-j]\n"
	      "       nfpost user [-c CONFIG] [-f USERS_FILE] add NAME\n"
	      "       nfpost user [-c CONFIG] [-f USERS_FILE] del NAME\n"
	      "       nfpost user [-c CONFIG] [-f USERS_FILE] passwd NAME\n"
	      "       nfpost user help\n"
	      "USERS_FILE defaults to $NFPOST_USERS, else to the users file\n"
	      "of nfpostd's CONFIG (" USER_CONF_DEFAULT "), else to\n"
	      USER_FILE_DEFAULT ". The file is written mode 0640, group\n"
	      "that of CONFIG's user= when -c is given or USERS_FILE is not.\n"
	      "add and passwd read the password from standard input (its\n"
	      "first line) or, on a terminal, ask for it twice.\n", f);
}

static void on_signal(int sig)
{
	caught = sig;
}

/* One line of stdin without its end; -ENODATA at once at end of file. */
static int read_line(char *buf, size_t len, const char **why_r)
{
	bool over = false;
	size_t n = 0;
	ssize_t r;
	char c;

	while ((r = read(STDIN_FILENO, &c, 1)) != 0) {
		if (r < 0 && errno == EINTR && !caught)
			continue;
		if (r < 0) {
			*why_r = "cannot read the password";
			return -errno;
		}
		if (c == '\n')
			break;
		if (n + 1 < len)
			buf[n++] = c;
		else
			over = true;
	}
	if (!r && !n && !over) {
		*why_r = "no password on standard input";
		return -ENODATA;
	}
	n -= n && buf[n - 1] == '\r';
	buf[n] = '\0';
	*why_r = over ? "the password is too long" : "the password is empty";
	return over ? -EMSGSIZE : n ? 0 : -EINVAL;
}

static const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

/*
 * Echo off while the password is typed. A signal meanwhile must not leave
 * the terminal silent: it ends the read, echo is restored, and the signal
 * is raised again with the old disposition.
 */
static int ask(const char *prompt, char *buf, size_t len, const char **why_r)
{
	struct sigaction sa = { .sa_handler = on_signal }, old[4];
	struct termios saved, quiet;
	size_t i;
	int ret;

	if (tcgetattr(STDIN_FILENO, &saved)) {
		*why_r = "cannot read the password";
		return -errno;
	}
	quiet = saved;
	quiet.c_lflag &= ~ECHO;
	for (i = 0; i < 4; i++)
		sigaction(signals[i], &sa, &old[i]);
	fputs(prompt, stderr);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	ret = read_line(buf, len, why_r);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
	fputc('\n', stderr);
	for (i = 0; i < 4; i++)
		sigaction(signals[i], &old[i], NULL);
	if (caught)
		raise(caught);
	return ret;
}

static int password(char *buf, size_t len, const char **why_r)
{
	char again[PASSWORD_MAX];
	int ret;

	if (!isatty(STDIN_FILENO))
		return read_line(buf, len, why_r);
	ret = ask("Password: ", buf, len, why_r);
	if (!ret)
		ret = ask("Retype password: ", again, sizeof(again), why_r);
	if (!ret && strcmp(buf, again)) {
		*why_r = "the passwords do not match";
		ret = -EINVAL;
	}
	explicit_bzero(again, sizeof(again));
	return ret;
}

static int load(const char *path, struct users *u)
{
	int line, ret = users_load(path, u, &line);

	if (ret == -EINVAL)
		fprintf(stderr, "nfpost: Error: %s line %d: \"name:hash\" is expected, with a valid name not used before.\n",
			path, line);
	else if (ret)
		fprintf(stderr, "nfpost: Error: cannot read %s: %s.\n", path,
			strerror(-ret));
	return ret ? EXIT_RUNTIME : 0;
}

static int save(const char *path, const struct users *u, gid_t gid)
{
	int ret = users_save(path, u, gid);

	if (ret)
		fprintf(stderr, "nfpost: Error: cannot write %s: %s.\n", path,
			strerror(-ret));
	return ret ? EXIT_RUNTIME : 0;
}

static int exists(const struct users *u, const char *name, bool want)
{
	if (!users_find(u, name) == !want)
		return 0;
	fprintf(stderr, "nfpost: Error: user \"%s\" %s.\n", name,
		want ? "does not exist" : "already exists");
	return EXIT_RUNTIME;
}

/* add and passwd: checked before the password is asked for. */
static int set(const struct nfpost_args *a, const char *path, gid_t gid,
	       struct users *u)
{
	bool replace = a->cmd == CMD_USER_PASSWD;
	char pw[PASSWORD_MAX];
	const char *why;
	int ret;

	ret = exists(u, a->user, replace);
	if (ret)
		return ret;
	ret = password(pw, sizeof(pw), &why);
	if (ret) {
		fprintf(stderr, "nfpost: Error: %s.\n", why);
		return EXIT_RUNTIME;
	}
	if (strlen(pw) > USERS_PASSWORD_MAX) {
		explicit_bzero(pw, sizeof(pw));
		fprintf(stderr, "nfpost: Error: the password is longer than %d "
			"octets, more than SMTP AUTH can carry (RFC 4616).\n",
			USERS_PASSWORD_MAX);
		return EXIT_RUNTIME;
	}
	ret = users_set(u, a->user, pw, replace);
	explicit_bzero(pw, sizeof(pw));
	if (ret) {
		fprintf(stderr,
			"nfpost: Error: cannot hash the password: %s.\n",
			strerror(-ret));
		return EXIT_RUNTIME;
	}
	return save(path, u, gid);
}

static int del(const struct nfpost_args *a, const char *path, gid_t gid,
	       struct users *u)
{
	int ret = exists(u, a->user, true);

	if (ret)
		return ret;
	users_del(u, a->user);
	return save(path, u, gid);
}

/* JSON as `watch show`: "[]" when empty, else one object per line. */
static int list(const struct nfpost_args *a, const char *path, gid_t gid,
		struct users *u)
{
	struct json_arr arr;
	struct json j;
	size_t i;

	(void)path;
	(void)gid;
	for (i = 0; i < u->n && !a->json; i++)
		printf("%s\n", u->v[i].name);
	if (!a->json)
		return 0;
	json_arr_start_lines(&arr, stdout);
	for (i = 0; i < u->n; i++) {
		json_arr_obj(&arr, &j);
		json_str(&j, "name", u->v[i].name);
		json_close(&j);
	}
	json_arr_close(&arr);
	putchar('\n');
	return 0;
}

typedef int (*verb_fn)(const struct nfpost_args *a, const char *path,
		       gid_t gid, struct users *u);

static const verb_fn verbs[] = {
	[CMD_USER_LIST]		= list,
	[CMD_USER_ADD]		= set,
	[CMD_USER_PASSWD]	= set,
	[CMD_USER_DEL]		= del,
};

static const char *users_env(const struct nfpost_args *a)
{
	const char *env = getenv("NFPOST_USERS");

	if (a->users_file)
		return a->users_file;
	return env && *env ? env : NULL;
}

/*
 * nfpostd's configuration names its users file and, with user=, the group
 * that must read it: a users file the daemon cannot read refuses every
 * local recipient. Read with -c, or when no users file is named; then a
 * missing default configuration means a users file of no daemon.
 */
static int daemon_conf(const struct nfpost_args *a, struct conf *c,
		       gid_t *gid_r)
{
	const char *path = a->conf ? a->conf : USER_CONF_DEFAULT;
	struct passwd *pw;
	char err[512];

	*gid_r = (gid_t)-1;
	c->users_file[0] = '\0';
	if (!a->conf && (users_env(a) || access(path, F_OK)))
		return 0;
	if (conf_load(path, c, err, sizeof(err))) {
		fprintf(stderr, "nfpost: Error: %s.\n", err);
		return EXIT_RUNTIME;
	}
	if (!c->run_as[0])
		return 0;
	pw = getpwnam(c->run_as);
	if (!pw) {
		fprintf(stderr, "nfpost: Error: %s: user \"%s\" does not exist.\n",
			path, c->run_as);
		return EXIT_RUNTIME;
	}
	*gid_r = pw->pw_gid;
	return 0;
}

int user_run(const struct nfpost_args *a)
{
	static struct conf c;
	const char *path;
	struct users u;
	gid_t gid;
	int ret, lock = -1;

	if (a->cmd == CMD_USER_HELP) {
		user_usage(stdout);
		return 0;
	}
	if (a->cmd >= sizeof(verbs) / sizeof(verbs[0]) || !verbs[a->cmd])
		return EXIT_USAGE;
	ret = daemon_conf(a, &c, &gid);
	if (ret)
		return ret;
	path = users_env(a);
	if (!path)
		path = c.users_file[0] ? c.users_file : USER_FILE_DEFAULT;
	/* A rewrite holds the lock from its load to its save. */
	if (a->cmd != CMD_USER_LIST) {
		lock = users_lock(path);
		if (lock < 0) {
			fprintf(stderr, "nfpost: Error: cannot lock %s.lock: "
				"%s.\n", path, strerror(-lock));
			return EXIT_RUNTIME;
		}
	}
	ret = load(path, &u);
	if (!ret) {
		ret = verbs[a->cmd](a, path, gid, &u);
		users_free(&u);
	}
	if (lock >= 0)
		close(lock);
	return ret;
}
