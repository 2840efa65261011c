// SPDX-License-Identifier: GPL-2.0
/*
 * POP3 commands: a table of verbs, each with a check of the state it may
 * come in and a step that carries it out (RFC 1939, RFC 2449 CAPA, RFC
 * 2595 STLS, RFC 5034 AUTH).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <event2/buffer.h>

#include "log.h"
#include "pop3_priv.h"

/*
 * The states (RFC 1939 3), as the check steps below enforce them:
 *
 *  state          USER PASS AUTH   STLS          STAT LIST RETR TOP   QUIT
 *                                                DELE NOOP RSET UIDL
 *  AUTHORIZATION  -> TRANSACTION   once, before  -ERR                 close
 *                 (the maildrop    a login; not
 *                 locked or -ERR   on pop3s
 *                 [IN-USE])
 *  TRANSACTION    -ERR             -ERR          the maildrop         UPDATE,
 *                                                                     close
 *
 *  CAPA anywhere. USER, PASS and AUTH need TLS unless plaintext_auth is
 *  set (-ERR [AUTH]); PASS must follow USER. APOP is not offered.
 *  DELE only marks; the files go in UPDATE, after QUIT, and only then.
 */

struct pop3_command {
	enum pop3_verb verb;
	const char *name;
	/* 0, or the reply already sent: the command goes no further. */
	int (*check)(struct pop3_session *s, const struct pop3_cmd *cmd);
	void (*proceed)(struct pop3_session *s, const struct pop3_cmd *cmd);
};

static int reject(struct pop3_session *s, const char *reply)
{
	pop3_reply(s, "%s", reply);
	pop3_error(s);
	return -1;
}

static bool login_allowed(const struct pop3_session *s)
{
	return s->link.tls || s->srv->conf.plaintext_auth;
}

static int check_auth_state(struct pop3_session *s, const struct pop3_cmd *cmd)
{
	(void)cmd;
	if (s->state != POP3_S_AUTH)
		return reject(s, "-ERR Already logged in.");
	if (!login_allowed(s))
		return reject(s, "-ERR [AUTH] Plaintext authentication "
			      "disallowed on non-secure (SSL/TLS) "
			      "connections.");
	return 0;
}

static int check_trans(struct pop3_session *s, const struct pop3_cmd *cmd)
{
	(void)cmd;
	if (s->state != POP3_S_TRANS)
		return reject(s, "-ERR Unknown command.");
	return 0;
}

static int check_stls(struct pop3_session *s, const struct pop3_cmd *cmd)
{
	(void)cmd;
	if (!s->srv->tls || s->kind == LISTEN_POP3S)
		return reject(s, "-ERR TLS support isn't enabled.");
	if (s->link.tls)
		return reject(s, "-ERR TLS is already active.");
	if (s->state != POP3_S_AUTH)
		return reject(s, "-ERR Unknown command.");
	return 0;
}

/* Message number @n (1-based) as an index, or -1 with the -ERR sent. */
static long msg_index(struct pop3_session *s, unsigned long n)
{
	if (!n || n > s->mb.n) {
		pop3_reply(s, "-ERR There's no message %lu.", n);
		return -1;
	}
	if (s->marks[n - 1] & POP3_DELETED) {
		pop3_reply(s, "-ERR Message is deleted.");
		return -1;
	}
	return (long)(n - 1);
}

static void do_capa(struct pop3_session *s, const struct pop3_cmd *cmd)
{
	(void)cmd;
	pop3_reply(s, "+OK");
	pop3_reply(s, "CAPA");
	pop3_reply(s, "TOP");
	pop3_reply(s, "UIDL");
	pop3_reply(s, "RESP-CODES");
	pop3_reply(s, "AUTH-RESP-CODE");
	pop3_reply(s, "PIPELINING");
	if (s->state == POP3_S_AUTH && login_allowed(s)) {
		pop3_reply(s, "USER");
		pop3_reply(s, "SASL PLAIN");
	}
	if (s->state == POP3_S_AUTH && s->srv->tls && !s->link.tls &&
	    s->kind != LISTEN_POP3S)
		pop3_reply(s, "STLS");
	pop3_reply(s, "IMPLEMENTATION nfpostd");
	pop3_reply(s, ".");
}

static void do_user(struct pop3_session *s, const struct pop3_cmd *cmd)
{
	if (strlen(cmd->arg) > USERS_NAME_MAX) {
		s->user_arg[0] = '\0';
		/* Answered as any name: nothing tells which names exist. */
		pop3_reply(s, "+OK");
		return;
	}
	snprintf(s->user_arg, sizeof(s->user_arg), "%s", cmd->arg);
	pop3_reply(s, "+OK");
}

static void do_pass(struct pop3_session *s, const struct pop3_cmd *cmd)
{
	if (!s->user_arg[0]) {
		reject(s, "-ERR No username given.");
		return;
	}
	pop3_login(s, s->user_arg, cmd->arg);
}

static void do_apop(struct pop3_session *s, const struct pop3_cmd *cmd)
{
	(void)cmd;
	reject(s, "-ERR APOP is not supported.");
}

static void do_auth(struct pop3_session *s, const struct pop3_cmd *cmd)
{
	pop3_auth_start(s, cmd->arg);
}

static void do_stls(struct pop3_session *s, const struct pop3_cmd *cmd)
{
	(void)cmd;
	pop3_reply(s, "+OK Begin TLS negotiation now.");
	s->user_arg[0] = '\0';		/* RFC 2595 4: start afresh */
	pop3_starttls(s);
}

static void do_quit(struct pop3_session *s, const struct pop3_cmd *cmd)
{
	(void)cmd;
	if (s->state == POP3_S_TRANS) {
		pop3_update(s);
		return;
	}
	pop3_reply(s, "+OK Logging out.");
	pop3_close(s);
}

void pop3_count_live(struct pop3_session *s)
{
	size_t i;

	s->live = 0;
	s->live_octets = 0;
	for (i = 0; i < s->mb.n; i++) {
		if (s->marks[i] & POP3_DELETED)
			continue;
		s->live++;
		s->live_octets += s->mb.v[i].size;
	}
}

/* Kept, not counted: a pass over 10,000 messages took half a NOOP's time. */
static void do_stat(struct pop3_session *s, const struct pop3_cmd *cmd)
{
	(void)cmd;
	pop3_reply(s, "+OK %zu %llu", s->live, s->live_octets);
}

/* A LIST or UIDL line's longest: two 20-digit numbers, a blank, CRLF. */
#define LIST_LINE_MAX	(20 + 1 + 20 + 2)

/* @v in decimal at @p; returns the end. */
static char *put_u64(char *p, uint64_t v)
{
	char tmp[20];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* LIST and UIDL: one message, or every one not deleted. */
static void listing(struct pop3_session *s, const struct pop3_cmd *cmd,
		    bool uidl)
{
	char uid[17], *buf, *p;
	size_t i;
	long k;

	if (cmd->nnum) {
		k = msg_index(s, cmd->num[0]);
		if (k < 0)
			return;
		mailbox_uidl(&s->mb, (size_t)k, uid);
		if (uidl)
			pop3_reply(s, "+OK %ld %s", k + 1, uid);
		else
			pop3_reply(s, "+OK %ld %llu", k + 1,
				   (unsigned long long)s->mb.v[k].size);
		return;
	}
	/*
	 * All of it in one block, added at once: line by line, the output
	 * grew in small pieces that went out as as many small TLS records
	 * and writes (a hundred for 10,000 lines), each a wakeup for the
	 * client too. The lines are made here, not by printf(): a tenth of
	 * the time.
	 */
	buf = malloc(8 + s->mb.n * LIST_LINE_MAX);
	if (!buf) {
		pop3_reply(s, "-ERR [SYS/TEMP] Out of memory.");
		return;
	}
	p = stpcpy(buf, "+OK\r\n");
	for (i = 0; i < s->mb.n; i++) {
		if (s->marks[i] & POP3_DELETED)
			continue;
		p = put_u64(p, i + 1);
		*p++ = ' ';
		if (uidl) {
			mailbox_uidl(&s->mb, i, uid);
			memcpy(p, uid, 16);
			p += 16;
		} else {
			p = put_u64(p, s->mb.v[i].size);
		}
		*p++ = '\r';
		*p++ = '\n';
	}
	p = stpcpy(p, ".\r\n");
	evbuffer_add(bufferevent_get_output(s->link.bev), buf, (size_t)(p - buf));
	free(buf);
}

static void do_list(struct pop3_session *s, const struct pop3_cmd *cmd)
{
	listing(s, cmd, false);
}

static void do_uidl(struct pop3_session *s, const struct pop3_cmd *cmd)
{
	listing(s, cmd, true);
}

static int read_whole(int fd, char **buf_r, size_t *len_r)
{
	struct stat st;
	size_t len = 0;
	ssize_t n;
	char *buf;

	if (fstat(fd, &st))
		return -errno;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	while (len < (size_t)st.st_size) {
		n = read(fd, buf + len, (size_t)st.st_size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	*buf_r = buf;
	*len_r = len;
	return 0;
}

/*
 * The message as RFC 1939 sends it: CRLF line ends (a bare LF gets its
 * CR), a '.' doubled at a line's start, the ".\r\n" end. @body_lines < 0:
 * all of it; else the header, the empty line and that many body lines.
 * Into @out, at least 2 * @len + 8 bytes: a line of n bytes and its LF
 * gives at most n + 3 (a dot, CRLF), which is 2 * (n + 1) for n >= 1 and
 * 2 for an empty one, a last line without an LF up to 2 more, then the
 * end's 3. Returns the bytes written.
 */
static size_t stuff_message(char *out, const char *p, size_t len,
			    long body_lines)
{
	const char *end = p + len, *nl;
	bool in_body = false;
	char *o = out;
	size_t n;

	while (p < end && (body_lines < 0 || !in_body || body_lines-- > 0)) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n && p[n - 1] == '\r')
			n--;
		if (!n)
			in_body = true;
		if (n && p[0] == '.')
			*o++ = '.';
		memcpy(o, p, n);
		o += n;
		*o++ = '\r';
		*o++ = '\n';
		p = nl ? nl + 1 : end;
	}
	memcpy(o, ".\r\n", 3);
	return (size_t)(o + 3 - out);
}

/*
 * The reply line and the message in one block, added at once: a piece
 * per line made small TLS records, two writes and two wakeups of the
 * client per RETR.
 */
static int send_message(struct pop3_session *s, const char *line,
			const char *p, size_t len, long body_lines)
{
	size_t ll = strlen(line), cap = ll + 2 + 2 * len + 8;
	char *out = malloc(cap);

	if (!out)
		return -ENOMEM;
	memcpy(out, line, ll);
	memcpy(out + ll, "\r\n", 2);
	ll += 2;
	ll += stuff_message(out + ll, p, len, body_lines);
	evbuffer_add(bufferevent_get_output(s->link.bev), out, ll);
	free(out);
	return 0;
}

static void retrieve(struct pop3_session *s, unsigned long num, long lines)
{
	long k = msg_index(s, num);
	char *buf = NULL, line[64];
	size_t len = 0;
	int fd, ret;

	if (k < 0)
		return;
	fd = mailbox_msg_open(&s->mb, (size_t)k);
	/* Renamed by an IMAP session since (its flags): found again. */
	if (fd == -ENOENT && !mailbox_refind(&s->mb, (size_t)k))
		fd = mailbox_msg_open(&s->mb, (size_t)k);
	ret = fd < 0 ? fd : read_whole(fd, &buf, &len);
	if (fd >= 0)
		close(fd);
	if (ret) {
		log_msg(LOG_ERR, "pop3(%s): %s: %s", s->user,
			s->mb.v[k].name, strerror(-ret));
		pop3_reply(s, "-ERR [SYS/TEMP] Message %lu can't be read: "
			   "%s.", num, ret == -ENOENT ? "it was expunged" :
			   "internal error");
		return;
	}
	if (lines < 0)
		snprintf(line, sizeof(line), "+OK %llu octets",
			 (unsigned long long)s->mb.v[k].size);
	else
		strcpy(line, "+OK");
	ret = send_message(s, line, buf, len, lines);
	free(buf);
	if (ret) {
		pop3_reply(s, "-ERR [SYS/TEMP] Out of memory.");
		return;
	}
	if (lines < 0)
		s->marks[k] |= POP3_RETRIEVED;
}

static void do_retr(struct pop3_session *s, const struct pop3_cmd *cmd)
{
	retrieve(s, cmd->num[0], -1);
}

static void do_top(struct pop3_session *s, const struct pop3_cmd *cmd)
{
	retrieve(s, cmd->num[0], (long)cmd->num[1]);
}

static void do_dele(struct pop3_session *s, const struct pop3_cmd *cmd)
{
	long k = msg_index(s, cmd->num[0]);

	if (k < 0)
		return;
	s->marks[k] |= POP3_DELETED;
	s->live--;
	s->live_octets -= s->mb.v[k].size;
	pop3_reply(s, "+OK Marked to be deleted.");
}

static void do_noop(struct pop3_session *s, const struct pop3_cmd *cmd)
{
	(void)cmd;
	pop3_reply(s, "+OK");
}

static void do_rset(struct pop3_session *s, const struct pop3_cmd *cmd)
{
	size_t i;

	(void)cmd;
	for (i = 0; i < s->mb.n; i++)
		s->marks[i] &= (unsigned char)~POP3_DELETED;
	pop3_count_live(s);
	pop3_reply(s, "+OK");
}

static const struct pop3_command commands[] = {
	{ POP3_CAPA, "CAPA", NULL, do_capa },
	{ POP3_USER, "USER", check_auth_state, do_user },
	{ POP3_PASS, "PASS", check_auth_state, do_pass },
	{ POP3_APOP, "APOP", check_auth_state, do_apop },
	{ POP3_AUTH, "AUTH", check_auth_state, do_auth },
	{ POP3_STLS, "STLS", check_stls, do_stls },
	{ POP3_QUIT, "QUIT", NULL, do_quit },
	{ POP3_STAT, "STAT", check_trans, do_stat },
	{ POP3_LIST, "LIST", check_trans, do_list },
	{ POP3_RETR, "RETR", check_trans, do_retr },
	{ POP3_DELE, "DELE", check_trans, do_dele },
	{ POP3_NOOP, "NOOP", check_trans, do_noop },
	{ POP3_RSET, "RSET", check_trans, do_rset },
	{ POP3_TOP, "TOP", check_trans, do_top },
	{ POP3_UIDL, "UIDL", check_trans, do_uidl },
};

static const struct pop3_command *find(enum pop3_verb verb)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (commands[i].verb == verb)
			return &commands[i];
	return NULL;
}

static void command(struct pop3_session *s, char *line)
{
	const struct pop3_command *c;
	struct pop3_cmd cmd;
	const char *err;
	int ret;

	ret = pop3_cmd_parse(line, &cmd, &err);
	c = ret == -ENOENT ? NULL : find(cmd.verb);
	if (!c) {
		reject(s, "-ERR Unknown command.");
		return;
	}
	/* A bad argument in the wrong state: the state's answer first. */
	if (c->check && c->check(s, &cmd))
		return;
	if (ret) {
		pop3_reply(s, "-ERR %s.", err);
		pop3_error(s);
		return;
	}
	c->proceed(s, &cmd);
}

void pop3_line_done(struct pop3_session *s, enum smtp_line_status st)
{
	if (st == SMTP_LINE_TOO_LONG || st == SMTP_LINE_HAS_NUL) {
		s->sasl_pending = false;
		reject(s, st == SMTP_LINE_TOO_LONG ?
		       "-ERR Input line too long." :
		       "-ERR NUL character in command.");
		return;
	}
	if (s->sasl_pending)
		pop3_auth_line(s, s->line.buf);
	else
		command(s, s->line.buf);
}
