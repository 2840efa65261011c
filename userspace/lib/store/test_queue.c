// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for queue.c in a fresh spool per test: envelopes as store.c
 * writes them, the state beside them, listing, removing and flushing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "queue.h"
#include "test_table.h"
#include "test_tmpdir.h"

#define NAME	"1700000000.M1P2Q3.host"

struct spool {
	char root[64];		/* the mkdtemp() directory, the spool */
};

static int setup(void **state)
{
	struct spool *s = calloc(1, sizeof(*s));
	char path[96];

	if (!s || test_tmpdir_make(s->root, sizeof(s->root), "queue"))
		return -1;
	snprintf(path, sizeof(path), "%s/new", s->root);
	if (mkdir(path, 0700))
		return -1;
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct spool *s = *state;

	test_tmpdir_remove(s->root);
	free(s);
	return 0;
}

/* Writes @text to <spool>/@sub/@name. */
static void put(const struct spool *s, const char *sub, const char *name,
		const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", s->root, sub, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static bool exists(const struct spool *s, const char *sub, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s/%s", s->root, sub, name);
	return access(path, F_OK) == 0;
}

/* An envelope as store.c's envelope() writes it, then the message. */
#define ENV(from, rcpts) \
	"nfpost-queue 1\nid 4QxYz0AbCd1\narrival 1700000000\nfrom " from \
	"\n" rcpts "\n"
#define MSG "Subject: hi\r\n\r\nline one\r\n\r\nline two\r\n"

/* The longest address a queue entry holds, and one byte more. */
#define A64 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define ADDR256 A64 A64 A64 \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@x.test"
#define ADDR257 "a" ADDR256
_Static_assert(sizeof(ADDR256) == QUEUE_ADDR_MAX, "ADDR256 is 256 long");

struct load_case {
	const char *name;
	const char *env;	/* up to and with the empty line */
	const char *body;
	const char *from;
	int nrcpt;
	const char *rcpts[3];
};

static const struct load_case load_cases[] = {
	{ "load: one recipient", ENV("alice@example.com",
				     "rcpt bob@example.net\n"), MSG,
	  "alice@example.com", 1, { "bob@example.net" } },
	{ "load: null sender is an empty from", ENV("", "rcpt bob@x.test\n"),
	  MSG, "", 1, { "bob@x.test" } },
	{ "load: three recipients in order",
	  ENV("a@x.test", "rcpt b@y.test\nrcpt c@z.test\nrcpt d@y.test\n"),
	  MSG, "a@x.test", 3, { "b@y.test", "c@z.test", "d@y.test" } },
	{ "load: body starts after the first empty line",
	  ENV("a@x.test", "rcpt b@y.test\n"), "\n\nrcpt evil@z.test\n\n",
	  "a@x.test", 1, { "b@y.test" } },
	{ "load: empty message", ENV("a@x.test", "rcpt b@y.test\n"), "",
	  "a@x.test", 1, { "b@y.test" } },
	{ "load: unknown envelope key is skipped",
	  "nfpost-queue 1\nid 4QxYz0AbCd1\narrival 1700000000\nfrom a@x.test\n"
	  "size 42\nrcpt b@y.test\n\n", MSG, "a@x.test", 1, { "b@y.test" } },
	{ "load: longest address", ENV(ADDR256, "rcpt " ADDR256 "\n"), MSG,
	  ADDR256, 1, { ADDR256 } },
};

static void loaded(void **state)
{
	const struct load_case *c = *state;
	struct queue_entry e;
	struct spool *s;
	char text[1024];
	int i;

	assert_int_equal(setup((void **)&s), 0);
	snprintf(text, sizeof(text), "%s%s", c->env, c->body);
	put(s, "new", NAME, text);
	assert_int_equal(queue_load(s->root, NAME, &e), 0);
	assert_string_equal(e.name, NAME);
	assert_string_equal(e.id, "4QxYz0AbCd1");
	assert_int_equal(e.arrival, 1700000000);
	assert_string_equal(e.from, c->from);
	assert_int_equal(e.nrcpt, c->nrcpt);
	for (i = 0; i < c->nrcpt; i++) {
		assert_string_equal(e.rcpts[i].addr, c->rcpts[i]);
		assert_false(e.rcpts[i].done);
	}
	assert_int_equal(e.body_off, strlen(c->env));
	assert_int_equal(e.size, strlen(c->env) + strlen(c->body));
	/* Never tried: no state file. */
	assert_int_equal(e.attempts, 0);
	assert_int_equal(e.next, 0);
	assert_string_equal(e.last_error, "");
	/* Files of before the body and smtputf8 keys: 7-bit ASCII mail. */
	assert_false(e.body_8bit);
	assert_false(e.smtputf8);
	queue_entry_free(&e);
	assert_null(e.rcpts);
	teardown((void **)&s);
}

struct bad_case {
	const char *name;
	const char *text;
};

static const struct bad_case bad_cases[] = {
	{ "reject: no rcpt", ENV("a@x.test", "") MSG },
	{ "reject: version 2", "nfpost-queue 2\nid X\nfrom a@x.test\n"
	  "rcpt b@y.test\n\n" MSG },
	{ "reject: version with junk", "nfpost-queue 1x\nfrom a@x.test\n"
	  "rcpt b@y.test\n\n" MSG },
	{ "reject: no empty line", "nfpost-queue 1\nid X\nfrom a@x.test\n"
	  "rcpt b@y.test\n" },
	{ "reject: empty file", "" },
	{ "reject: rcpt one over the longest",
	  ENV("a@x.test", "rcpt " ADDR257 "\n") MSG },
	{ "reject: notify before any rcpt",
	  ENV("a@x.test", "notify NEVER\nrcpt b@y.test\n") MSG },
	{ "reject: bad notify", ENV("a@x.test", "rcpt b@y.test\n"
				    "notify NEVER,DELAY\n") MSG },
	{ "reject: bad orcpt", ENV("a@x.test", "rcpt b@y.test\n"
				   "orcpt b@y.test\n") MSG },
	{ "reject: bad ret", "nfpost-queue 1\nid X\nfrom a@x.test\n"
	  "ret ALL\nrcpt b@y.test\n\n" MSG },
	{ "reject: bad envid", "nfpost-queue 1\nid X\nfrom a@x.test\n"
	  "envid a+\nrcpt b@y.test\n\n" MSG },
	{ "reject: rcpt longer than a line",
	  ENV("a@x.test", "rcpt " ADDR257 ADDR257 "\n") MSG },
};

static void rejected(void **state)
{
	const struct bad_case *c = *state;
	struct queue_entry e;
	struct spool *s;

	assert_int_equal(setup((void **)&s), 0);
	put(s, "new", NAME, c->text);
	assert_int_equal(queue_load(s->root, NAME, &e), -EINVAL);
	assert_null(e.rcpts);
	assert_int_equal(e.nrcpt, 0);
	teardown((void **)&s);
}

static void load_missing_is_enoent(void **state)
{
	struct spool *s = *state;
	struct queue_entry e;

	assert_int_equal(queue_load(s->root, NAME, &e), -ENOENT);
}

struct state_case {
	const char *name;
	int attempts;
	long long next;
	const char *error;
	unsigned int done;	/* bit i: rcpts[i] */
};

static const struct state_case state_cases[] = {
	{ "state: first failure", 1, 1700000300, "451 4.3.0 try later", 0 },
	{ "state: one of three done", 2, 1700000900, "421 busy", 0x2 },
	{ "state: first and last done", 3, 1700001000, "", 0x5 },
	{ "state: all done", 7, 0, "550 5.1.1 <c@z.test> unknown", 0x7 },
	{ "state: long error kept", 9, 1, "452 4.2.2 " ADDR256, 0x1 },
};

static void state_round_trip(void **state)
{
	const struct state_case *c = *state;
	struct queue_entry e, back;
	struct spool *s;
	int i;

	assert_int_equal(setup((void **)&s), 0);
	put(s, "new", NAME, ENV("a@x.test", "rcpt b@y.test\nrcpt c@z.test\n"
				"rcpt d@y.test\n") MSG);
	assert_int_equal(queue_load(s->root, NAME, &e), 0);
	e.attempts = c->attempts;
	e.next = (time_t)c->next;
	snprintf(e.last_error, sizeof(e.last_error), "%s", c->error);
	for (i = 0; i < e.nrcpt; i++)
		e.rcpts[i].done = c->done & (1u << i);
	assert_int_equal(queue_save_state(s->root, &e), 0);
	assert_true(exists(s, "state", NAME));
	assert_false(exists(s, "state", NAME ".tmp"));

	assert_int_equal(queue_load(s->root, NAME, &back), 0);
	assert_int_equal(back.attempts, c->attempts);
	assert_int_equal(back.next, c->next);
	assert_string_equal(back.last_error, c->error);
	assert_int_equal(back.nrcpt, 3);
	for (i = 0; i < back.nrcpt; i++) {
		assert_string_equal(back.rcpts[i].addr, e.rcpts[i].addr);
		assert_int_equal(back.rcpts[i].done, !!(c->done & (1u << i)));
	}
	assert_int_equal(back.body_off, e.body_off);
	queue_entry_free(&back);
	queue_entry_free(&e);
	teardown((void **)&s);
}

static void state_is_replaced_whole(void **state)
{
	struct spool *s = *state;
	struct queue_entry e;

	put(s, "new", NAME, ENV("a@x.test", "rcpt b@y.test\nrcpt c@z.test\n")
	    MSG);
	assert_int_equal(queue_load(s->root, NAME, &e), 0);
	e.attempts = 1;
	snprintf(e.last_error, sizeof(e.last_error), "first");
	e.rcpts[0].done = true;
	assert_int_equal(queue_save_state(s->root, &e), 0);
	e.attempts = 2;
	e.last_error[0] = '\0';
	e.rcpts[0].done = false;
	e.rcpts[1].done = true;
	assert_int_equal(queue_save_state(s->root, &e), 0);
	queue_entry_free(&e);

	assert_int_equal(queue_load(s->root, NAME, &e), 0);
	assert_int_equal(e.attempts, 2);
	assert_string_equal(e.last_error, "");
	assert_false(e.rcpts[0].done);
	assert_true(e.rcpts[1].done);
	queue_entry_free(&e);
}

static void done_names_only_its_recipient(void **state)
{
	struct spool *s = *state;
	struct queue_entry e;
	char dir[96];

	put(s, "new", NAME, ENV("a@x.test", "rcpt b@y.test\nrcpt bb@y.test\n")
	    MSG);
	snprintf(dir, sizeof(dir), "%s/state", s->root);
	assert_int_equal(mkdir(dir, 0700), 0);
	put(s, "state", NAME, "attempts 1\nnext 0\nerror \ndone bb@y.test\n"
	    "done nobody@y.test\n");
	assert_int_equal(queue_load(s->root, NAME, &e), 0);
	assert_false(e.rcpts[0].done);
	assert_true(e.rcpts[1].done);
	queue_entry_free(&e);
}

static void names_sorted_without_dot_files(void **state)
{
	static const char *const files[] = {
		"1700000002.M2P1Q1.h", ".hidden", "1700000001.M9P1Q1.h",
		"1700000003.M1P1Q1.h", "..odd",
	};
	struct spool *s = *state;
	char **names;
	size_t i;
	int n;

	for (i = 0; i < ARRAY_SIZE(files); i++)
		put(s, "new", files[i], "x");
	assert_int_equal(queue_names(s->root, &names, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "1700000001.M9P1Q1.h");
	assert_string_equal(names[1], "1700000002.M2P1Q1.h");
	assert_string_equal(names[2], "1700000003.M1P1Q1.h");
	queue_names_free(names, n);
}

static void names_of_empty_queue(void **state)
{
	struct spool *s = *state;
	char **names;
	int n = -1;

	assert_int_equal(queue_names(s->root, &names, &n), 0);
	assert_int_equal(n, 0);
	queue_names_free(names, n);
}

static void names_without_new_dir_is_empty(void **state)
{
	struct spool *s = *state;
	char path[96], **names;
	int n = -1;

	snprintf(path, sizeof(path), "%s/new", s->root);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(queue_names(s->root, &names, &n), 0);
	assert_int_equal(n, 0);
	assert_null(names);
}

static void remove_takes_message_and_state(void **state)
{
	struct spool *s = *state;
	struct queue_entry e;

	put(s, "new", NAME, ENV("a@x.test", "rcpt b@y.test\n") MSG);
	put(s, "new", "other", ENV("a@x.test", "rcpt b@y.test\n") MSG);
	assert_int_equal(queue_load(s->root, NAME, &e), 0);
	assert_int_equal(queue_save_state(s->root, &e), 0);
	queue_entry_free(&e);
	assert_int_equal(queue_remove(s->root, NAME), 0);
	assert_false(exists(s, "new", NAME));
	assert_false(exists(s, "state", NAME));
	assert_true(exists(s, "new", "other"));
}

static void load_keeps_8bitmime_and_smtputf8(void **state)
{
	struct spool *s = *state;
	struct queue_entry e;

	put(s, "new", NAME, "nfpost-queue 1\nid X\narrival 1\nfrom a@x.test\n"
	    "body 8BITMIME\nsmtputf8 yes\nrcpt b@y.test\n\n" MSG);
	put(s, "new", "8bit", "nfpost-queue 1\nid X\narrival 1\nfrom a@x.test\n"
	    "body 8BITMIME\nrcpt b@y.test\n\n" MSG);
	assert_int_equal(queue_load(s->root, NAME, &e), 0);
	assert_true(e.body_8bit);
	assert_true(e.smtputf8);
	queue_entry_free(&e);
	assert_int_equal(queue_load(s->root, "8bit", &e), 0);
	assert_true(e.body_8bit);
	assert_false(e.smtputf8);
	queue_entry_free(&e);
}

static void load_keeps_dsn_parameters(void **state)
{
	struct spool *s = *state;
	struct queue_entry e;

	put(s, "new", NAME, "nfpost-queue 1\nid X\narrival 1\nfrom a@x.test\n"
	    "ret HDRS\nenvid QQ+2B1\nrcpt b@y.test\nnotify SUCCESS,DELAY\n"
	    "orcpt rfc822;B+2Bx@y.test\nrcpt c@y.test\n\n" MSG);
	assert_int_equal(queue_load(s->root, NAME, &e), 0);
	assert_int_equal(e.ret, DSN_RET_HDRS);
	assert_string_equal(e.envid, "QQ+2B1");
	assert_int_equal(e.nrcpt, 2);
	assert_int_equal(e.rcpts[0].notify,
			 DSN_NOTIFY_SUCCESS | DSN_NOTIFY_DELAY);
	assert_string_equal(e.rcpts[0].orcpt, "rfc822;B+2Bx@y.test");
	/* The next rcpt line starts afresh. */
	assert_int_equal(e.rcpts[1].notify, 0);
	assert_string_equal(e.rcpts[1].orcpt, "");
	assert_false(e.warned);
	e.warned = true;
	assert_int_equal(queue_save_state(s->root, &e), 0);
	queue_entry_free(&e);
	assert_int_equal(queue_load(s->root, NAME, &e), 0);
	assert_true(e.warned);
	queue_entry_free(&e);
}

/* State is sized from the data: thousands of long addresses done. */
static void state_of_many_long_recipients_round_trips(void **state)
{
	static const char rcpt[] = "rcpt " ADDR256 "\n";
	struct spool *s = *state;
	struct queue_entry e;
	size_t len, off;
	char *text;
	int i, n = 2000;

	len = strlen(ENV("a@x.test", "")) + (size_t)n * (sizeof(rcpt) - 1) + 1;
	text = malloc(len);
	assert_non_null(text);
	off = (size_t)sprintf(text, "nfpost-queue 1\nid X\narrival 1\n"
			      "from a@x.test\n");
	for (i = 0; i < n; i++)
		off += (size_t)sprintf(text + off, "%s", rcpt);
	strcpy(text + off, "\n");
	put(s, "new", NAME, text);
	free(text);
	assert_int_equal(queue_load(s->root, NAME, &e), 0);
	assert_int_equal(e.nrcpt, n);
	for (i = 0; i < n - 1; i++)
		e.rcpts[i].done = true;
	assert_int_equal(queue_save_state(s->root, &e), 0);
	queue_entry_free(&e);
	assert_int_equal(queue_load(s->root, NAME, &e), 0);
	/* One name for all: "done" marks every copy of it. */
	for (i = 0; i < n; i++)
		assert_true(e.rcpts[i].done);
	queue_entry_free(&e);
}

static void state_format_sizes_itself(void **state)
{
	struct queue_rcpt r[3] = {
		{ .addr = ADDR256, .done = true }, { .addr = "b@y.test" },
		{ .addr = "c@z.test", .done = true },
	};
	struct queue_entry e = { .attempts = 3, .next = 7, .rcpts = r,
				 .nrcpt = 3 };
	const char *want = "attempts 3\nnext 7\nerror " ADDR256 "\n"
			   "done " ADDR256 "\ndone c@z.test\n";
	size_t len;
	char *buf;

	(void)state;
	snprintf(e.last_error, sizeof(e.last_error), "%s", ADDR256);
	buf = queue_state_format(&e, &len);
	assert_non_null(buf);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(buf, want, len);
	free(buf);
}

static void remove_twice_is_fine(void **state)
{
	struct spool *s = *state;

	put(s, "new", NAME, ENV("a@x.test", "rcpt b@y.test\n") MSG);
	assert_int_equal(queue_remove(s->root, NAME), 0);
	assert_int_equal(queue_remove(s->root, NAME), 0);
}

/*
 * queue.o's kill(), linked with --wrap=kill: only this test's own child is
 * ever signalled, so that a broken pid check cannot reach kill(-1) (every
 * process) or kill(0) (the test's group) while the tests run, as root too.
 */
int __real_kill(pid_t pid, int sig);
int __wrap_kill(pid_t pid, int sig);

static pid_t child;		/* the one pid handed to the real kill() */
static int kills;		/* calls seen */

int __wrap_kill(pid_t pid, int sig)
{
	kills++;
	if (child > 1 && pid == child)
		return __real_kill(pid, sig);
	errno = ESRCH;
	return -1;
}

struct flush_case {
	const char *name;
	const char *pid;	/* the pid file's text; NULL: none */
};

static const struct flush_case flush_cases[] = {
	{ "flush: no pid file", NULL },
	{ "flush: empty pid file", "" },
	{ "flush: pid file not a number", "nfpostd\n" },
	{ "flush: pid 1 is never signalled", "1\n" },
	{ "flush: pid 0 is never signalled", "0\n" },
	{ "flush: negative pid is never signalled", "-1\n" },
};

static void flush_finds_no_daemon(void **state)
{
	const struct flush_case *c = *state;
	struct spool *s;

	assert_int_equal(setup((void **)&s), 0);
	if (c->pid)
		put(s, ".", "nfpostd.pid", c->pid);
	kills = 0;
	assert_int_equal(queue_flush(s->root), -ESRCH);
	assert_int_equal(kills, 0);
	teardown((void **)&s);
}

static void write_pid(const struct spool *s, pid_t pid)
{
	char text[32];

	snprintf(text, sizeof(text), "%ld\n", (long)pid);
	put(s, ".", "nfpostd.pid", text);
}

static void flush_of_exited_daemon_is_esrch(void **state)
{
	struct spool *s = *state;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (!pid)
		_exit(0);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	write_pid(s, pid);
	child = pid;
	kills = 0;
	assert_int_equal(queue_flush(s->root), -ESRCH);
	child = 0;
	assert_int_equal(kills, 1);
}

/* The child stands in for nfpostd: it exits 0 on SIGUSR1 and nothing else. */
static void flush_signals_the_daemon(void **state)
{
	struct spool *s = *state;
	sigset_t usr1, old;
	int sig = 0, status;
	pid_t pid;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	/* Blocked before fork(), so the signal waits for sigwait(). */
	assert_int_equal(sigprocmask(SIG_BLOCK, &usr1, &old), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		alarm(10);	/* SIGALRM kills it if nothing comes */
		_exit(sigwait(&usr1, &sig) || sig != SIGUSR1);
	}
	assert_int_equal(sigprocmask(SIG_SETMASK, &old, NULL), 0);
	write_pid(s, pid);
	child = pid;
	kills = 0;
	assert_int_equal(queue_flush(s->root), 0);
	child = 0;
	assert_int_equal(kills, 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

#define SPOOL_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	struct CMUnitTest t[ARRAY_SIZE(load_cases) + ARRAY_SIZE(bad_cases) +
			    ARRAY_SIZE(state_cases) + ARRAY_SIZE(flush_cases) +
			    14] = {
		SPOOL_TEST(load_keeps_8bitmime_and_smtputf8),
		SPOOL_TEST(load_keeps_dsn_parameters),
		SPOOL_TEST(state_of_many_long_recipients_round_trips),
		cmocka_unit_test(state_format_sizes_itself),
		SPOOL_TEST(load_missing_is_enoent),
		SPOOL_TEST(state_is_replaced_whole),
		SPOOL_TEST(done_names_only_its_recipient),
		SPOOL_TEST(names_sorted_without_dot_files),
		SPOOL_TEST(names_of_empty_queue),
		SPOOL_TEST(names_without_new_dir_is_empty),
		SPOOL_TEST(remove_takes_message_and_state),
		SPOOL_TEST(remove_twice_is_fine),
		SPOOL_TEST(flush_of_exited_daemon_is_esrch),
		SPOOL_TEST(flush_signals_the_daemon),
	};
	size_t n = 14;

	TEST_TABLE(t, n, load_cases, loaded);
	TEST_TABLE(t, n, bad_cases, rejected);
	TEST_TABLE(t, n, state_cases, state_round_trip);
	TEST_TABLE(t, n, flush_cases, flush_finds_no_daemon);
	return _cmocka_run_group_tests("queue", t, n, NULL, NULL);
}
