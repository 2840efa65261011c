// SPDX-License-Identifier: GPL-2.0
/*
 * The guard's SMTP reader: both directions of one session, in step, as the
 * server behind the guard reads them (nfpostd's rules where servers differ).
 */
#include "mailpath.h"
#include "smtpg.h"

/*
 * How the client's bytes are read, and what moves the reader (RFC 5321 4.1,
 * RFC 2920 pipelining, RFC 3030 BDAT, RFC 4954 AUTH, RFC 3207 STARTTLS):
 *
 *   mode     input                      next
 *   CMD      a line                     CMD; a reply is owed for it
 *   CMD      DATA, AUTH, STARTTLS line  CMD, waiting: no byte may follow
 *                                       before the reply (else EARLY)
 *   CMD      BDAT n line                BDAT for n bytes (then CMD)
 *   CMD      511 bytes, no LF           DISCARD to the LF (LONG_LINE)
 *   DATA     <CRLF>.<CRLF>              CMD; a reply is owed
 *   DATA     bare CR or LF              CLOSED (BARE_EOL)
 *   AUTH     a line                     CMD, waiting for AUTH's next reply
 *   OPAQUE, CLOSED                      nothing more is read
 *
 *   reply to     code   next
 *   greeting     220    greeted
 *   DATA         354    client DATA
 *   AUTH         334    client AUTH (one response line)
 *   AUTH         235    authenticated
 *   STARTTLS     220    both OPAQUE: TLS follows
 */
enum { C_CMD, C_DISCARD, C_DATA, C_BDAT, C_AUTH, C_OPAQUE, C_CLOSED };
enum { S_GREETING, S_REPLY, S_DISCARD, S_OPAQUE };

/* nfpostd's DATA reader (userspace/lib/mail/smtp_data.c), the same table. */
enum { D_BOL, D_TEXT, D_CR, D_DOT, D_DOT_CR, D_END, D_BAD };

#define TEXT_MAX	(SMTPG_LINE_MAX - 2)	/* without CRLF */

void smtpg_init(struct smtpg *s)
{
	memset(s, 0, sizeof(*s));
	s->cmode = C_CMD;
	s->smode = S_GREETING;
	s->wait = SMTPG_W_GREETING;
	s->pending = 1;
}

static u8 upper(u8 c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

static bool blank(u8 c)
{
	return c == ' ' || c == '\t';
}

/* @word (upper case) at @p, case-insensitively; @p has @len bytes. */
static bool word_is(const u8 *p, size_t len, const char *word)
{
	size_t i;

	for (i = 0; word[i]; i++)
		if (i >= len || upper(p[i]) != (u8)word[i])
			return false;
	return true;
}

static const struct {
	const char *word;
	enum smtpg_verb verb;
} verbs[] = {
	{ "HELO", SMTPG_HELO }, { "EHLO", SMTPG_EHLO },
	{ "MAIL", SMTPG_MAIL }, { "RCPT", SMTPG_RCPT },
	{ "DATA", SMTPG_DATA }, { "BDAT", SMTPG_BDAT },
	{ "RSET", SMTPG_RSET }, { "NOOP", SMTPG_NOOP },
	{ "QUIT", SMTPG_QUIT }, { "VRFY", SMTPG_VRFY },
	{ "EXPN", SMTPG_EXPN }, { "HELP", SMTPG_HELP },
	{ "STARTTLS", SMTPG_STARTTLS }, { "AUTH", SMTPG_AUTH },
};

static enum smtpg_verb verb_of(const u8 *p, size_t len, size_t *wlen)
{
	size_t i, n;

	for (n = 0; n < len && !blank(p[n]); n++)
		;
	*wlen = n;
	for (i = 0; i < ARRAY_SIZE(verbs); i++)
		if (strlen(verbs[i].word) == n && word_is(p, n, verbs[i].word))
			return verbs[i].verb;
	return SMTPG_UNKNOWN;
}

static size_t skip_blanks(const u8 *p, size_t len, size_t i)
{
	while (i < len && blank(p[i]))
		i++;
	return i;
}

/*
 * The path after "FROM:" or "TO:", as nfpostd's smtp_cmd.c finds it: up to
 * the '>' closing a '<' (not one inside quotes), or else to the first blank.
 */
static void path_of(const u8 *p, size_t len, struct smtpg_out *o)
{
	bool bracket = len && *p == '<', quoted = false;
	size_t i;

	o->arg = p;
	o->arg_len = len;
	for (i = bracket; i < len; i++) {
		if (quoted && p[i] == '\\' && i + 1 < len)
			i++;
		else if (p[i] == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (p[i] == '<' || (p[i] == '>' && !bracket))
			return;
		else if (p[i] == '>' || (!bracket && blank(p[i])))
			break;
	}
	if (quoted || (bracket && i == len) || (!bracket && !i))
		return;
	/* "<a@b>x": nfpostd wants a blank or the end after the '>'. */
	if (bracket && i + 1 < len && !blank(p[i + 1]))
		return;
	o->arg = p + bracket;
	o->arg_len = i - bracket;
	o->path_ok = true;
}

static void path_cmd(const u8 *p, size_t len, const char *word,
		     struct smtpg_out *o)
{
	size_t wl = strlen(word), i;

	o->arg = p;
	o->arg_len = len;
	if (!word_is(p, len, word))
		return;
	i = skip_blanks(p, len, wl);
	path_of(p + i, len - i, o);
}

/* "size [LAST]": a chunk the client sends next, read or not by the server. */
static bool bdat_args(const u8 *p, size_t len, u64 *size, bool *last)
{
	size_t i = 0;
	u64 n = 0;

	if (!len || p[0] < '0' || p[0] > '9')
		return false;
	for (; i < len && p[i] >= '0' && p[i] <= '9'; i++) {
		if (n > (~0ULL - 9) / 10)
			return false;
		n = n * 10 + (p[i] - '0');
	}
	i = skip_blanks(p, len, i);
	*last = i < len && word_is(p + i, len - i, "LAST");
	*size = n;
	return true;
}

static void command(struct smtpg *s, const u8 *p, size_t len,
		    struct smtpg_out *o)
{
	size_t wl, i;

	o->ev = SMTPG_EV_CMD;
	o->verb = verb_of(p, len, &wl);
	i = skip_blanks(p, len, wl);
	o->arg = p + i;
	o->arg_len = len - i;
	s->pending++;
	switch (o->verb) {
	case SMTPG_HELO:
	case SMTPG_EHLO:
		for (wl = 0; wl < o->arg_len && !blank(o->arg[wl]); wl++)
			;
		o->arg_len = wl;
		if (o->verb == SMTPG_EHLO) {
			s->wait = SMTPG_W_EHLO;
			s->caps = 0;
		}
		break;
	case SMTPG_MAIL:
		s->size = 0;
		path_cmd(p + i, len - i, "FROM:", o);
		break;
	case SMTPG_RCPT:
		path_cmd(p + i, len - i, "TO:", o);
		break;
	case SMTPG_RSET:
		s->size = 0;
		break;
	case SMTPG_DATA:
		s->wait = SMTPG_W_DATA;
		break;
	case SMTPG_AUTH:
		s->wait = SMTPG_W_AUTH;
		break;
	case SMTPG_STARTTLS:
		s->wait = SMTPG_W_STARTTLS;
		break;
	case SMTPG_BDAT:
		if (!bdat_args(o->arg, o->arg_len, &s->bdat_left, &s->bdat_last))
			break;
		o->last = s->bdat_last;
		if (s->bdat_left)
			s->cmode = C_BDAT;
		break;
	default:
		break;
	}
}

/*
 * A line of at most SMTPG_LINE_MAX bytes with its LF, or MORE, or the
 * start of a long line: its length with the LF, 0 for MORE, -1 for long.
 */
static long line_len(const u8 *buf, size_t len)
{
	const u8 *lf = memchr(buf, '\n', len < SMTPG_LINE_MAX ? len :
				      SMTPG_LINE_MAX);

	if (lf)
		return lf - buf + 1;
	return len < SMTPG_LINE_MAX ? 0 : -1;
}

/* Text without its line end (CRLF or, as nfpostd takes it, bare LF). */
static size_t text_len(const u8 *buf, size_t n)
{
	n--;
	return n && buf[n - 1] == '\r' ? n - 1 : n;
}

static size_t discard(u8 *mode, u8 back, const u8 *buf, size_t len)
{
	const u8 *lf = memchr(buf, '\n', len);

	if (!lf)
		return len;
	*mode = back;
	return lf - buf + 1;
}

static size_t client_line(struct smtpg *s, const u8 *buf, size_t len,
			  struct smtpg_out *o)
{
	long n = line_len(buf, len);
	size_t t;

	if (!n)
		return 0;
	if (n < 0) {
		o->ev = SMTPG_EV_LONG_LINE;
		o->line = buf;
		o->line_len = SMTPG_LINE_MAX;
		s->pending++;
		s->cmode = C_DISCARD;
		return SMTPG_LINE_MAX;
	}
	t = text_len(buf, n);
	o->line = buf;
	o->line_len = t;
	if (t > TEXT_MAX) {
		o->ev = SMTPG_EV_LONG_LINE;
		s->pending++;
	} else if (s->cmode == C_AUTH) {
		o->ev = SMTPG_EV_AUTH_LINE;
		s->cmode = C_CMD;
		s->wait = SMTPG_W_AUTH;
		s->pending++;
	} else {
		command(s, buf, t, o);
	}
	return n;
}

/* A text byte: CR is kept for its LF, a bare LF is the end of reading. */
static u8 text_step(u8 c, u8 cr)
{
	if (c == '\n')
		return D_BAD;
	return c == '\r' ? cr : D_TEXT;
}

/* One byte of DATA: the next state, D_BAD without consuming it. */
static u8 data_step(u8 st, u8 c)
{
	switch (st) {
	case D_BOL:
		return c == '.' ? D_DOT : text_step(c, D_CR);
	case D_TEXT:
		return text_step(c, D_CR);
	case D_DOT:
		return text_step(c, D_DOT_CR);
	case D_CR:
		return c == '\n' ? D_BOL : D_BAD;
	case D_DOT_CR:
		return c == '\n' ? D_END : D_BAD;
	}
	return D_BAD;
}

/*
 * The first byte from @i on that is CR or LF, or @len: a message's text
 * runs are read a word at a time, the byte table only at line ends. A word
 * holds a byte equal to c if (w ^ c...c) has a zero byte, which
 * (x - 0x01..01) & ~x & 0x80..80 tells exactly.
 */
static size_t text_run(const u8 *buf, size_t i, size_t len)
{
	const u64 ones = 0x0101010101010101ULL, highs = ones << 7;
	u64 w, cr, lf;

	for (; len - i >= sizeof(w); i += sizeof(w)) {
		memcpy(&w, buf + i, sizeof(w));
		cr = w ^ (ones * '\r');
		lf = w ^ (ones * '\n');
		if (((cr - ones) & ~cr & highs) | ((lf - ones) & ~lf & highs))
			break;
	}
	while (i < len && buf[i] != '\r' && buf[i] != '\n')
		i++;
	return i;
}

static size_t data(struct smtpg *s, const u8 *buf, size_t len,
		   struct smtpg_out *o)
{
	size_t i;
	u8 st;

	for (i = 0; i < len; i++) {
		if (s->dstate == D_TEXT) {
			i = text_run(buf, i, len);
			if (i == len)
				break;
		}
		st = data_step(s->dstate, buf[i]);
		if (st == D_BAD)
			break;
		s->dstate = st;
		if (st == D_END)
			break;
	}
	if (i < len && s->dstate == D_END) {
		s->size += ++i;
		s->cmode = C_CMD;
		s->pending++;
		o->ev = SMTPG_EV_DATA_END;
	} else if (i < len && !i) {
		s->cmode = C_CLOSED;
		o->ev = SMTPG_EV_BARE_EOL;
	} else {
		s->size += i;
		o->ev = SMTPG_EV_DATA;
	}
	o->size = s->size;
	return i;
}

static size_t bdat(struct smtpg *s, size_t len, struct smtpg_out *o)
{
	size_t n = len < s->bdat_left ? len : (size_t)s->bdat_left;

	s->bdat_left -= n;
	s->size += n;
	o->ev = SMTPG_EV_BDAT;
	o->size = s->size;
	if (!s->bdat_left) {
		s->cmode = C_CMD;
		o->last = s->bdat_last;
	}
	return n;
}

size_t smtpg_client(struct smtpg *s, const u8 *buf, size_t len,
		    struct smtpg_out *o)
{
	memset(o, 0, sizeof(*o));
	if (!len)
		return 0;
	switch (s->cmode) {
	case C_OPAQUE:
	case C_CLOSED:
		o->ev = SMTPG_EV_OPAQUE;
		return len;
	case C_DISCARD:
		return discard(&s->cmode, C_CMD, buf, len);
	case C_DATA:
		return data(s, buf, len, o);
	case C_BDAT:
		return bdat(s, len, o);
	}
	if (s->wait != SMTPG_W_NONE && s->wait != SMTPG_W_EHLO) {
		o->ev = SMTPG_EV_EARLY;
		o->wait = s->wait;
		return 0;
	}
	return client_line(s, buf, len, o);
}

/*
 * Bytes ahead of a greeting are commands all the same; ahead of any other
 * reply they may be a message or TLS: the session can no longer be read.
 */
void smtpg_client_early(struct smtpg *s)
{
	if (s->wait == SMTPG_W_GREETING) {
		s->wait = SMTPG_W_NONE;
		return;
	}
	s->cmode = C_OPAQUE;
	s->smode = S_OPAQUE;
	s->wait = SMTPG_W_NONE;
}

bool smtpg_greeting_pending(const struct smtpg *s)
{
	return s->smode == S_GREETING;
}

static const struct {
	const char *word;
	u8 cap;
} caps[] = {
	{ "PIPELINING", SMTPG_CAP_PIPELINING },
	{ "STARTTLS", SMTPG_CAP_STARTTLS },
	{ "AUTH", SMTPG_CAP_AUTH },
	{ "CHUNKING", SMTPG_CAP_CHUNKING },
	{ "SIZE", SMTPG_CAP_SIZE },
	{ "8BITMIME", SMTPG_CAP_8BITMIME },
};

static void ehlo_line(struct smtpg *s, const u8 *p, size_t len)
{
	size_t i, n;

	for (n = 0; n < len && !blank(p[n]) && p[n] != '='; n++)
		;
	for (i = 0; i < ARRAY_SIZE(caps); i++)
		if (strlen(caps[i].word) == n && word_is(p, n, caps[i].word))
			s->caps |= caps[i].cap;
}

/* The reply that the client waited for ends: where each side goes next. */
static void reply_done(struct smtpg *s, u16 code)
{
	if (s->smode == S_GREETING) {
		s->smode = S_REPLY;
		s->greeted = code == 220;
	}
	if (s->pending)
		s->pending--;
	if (s->pending)
		return;
	switch (s->wait) {
	case SMTPG_W_DATA:
		if (code == 354) {
			s->cmode = C_DATA;
			s->dstate = D_BOL;
		}
		break;
	case SMTPG_W_AUTH:
		if (code == 334)
			s->cmode = C_AUTH;
		else if (code == 235)
			s->authed = true;
		break;
	case SMTPG_W_STARTTLS:
		if (code == 220) {
			s->tls = true;
			s->cmode = C_OPAQUE;
			s->smode = S_OPAQUE;
		}
		break;
	}
	s->wait = SMTPG_W_NONE;
}

static bool digit(u8 c, u8 lo, u8 hi)
{
	return c >= lo && c <= hi;
}

static void reply_line(struct smtpg *s, const u8 *p, size_t len,
		       struct smtpg_out *o)
{
	o->line = p;
	o->line_len = len;
	if (len < 3 || !digit(p[0], '2', '5') || !digit(p[1], '0', '5') ||
	    !digit(p[2], '0', '9') || (len > 3 && p[3] != ' ' && p[3] != '-')) {
		o->ev = SMTPG_EV_BAD_REPLY;
		return;
	}
	o->ev = SMTPG_EV_REPLY;
	o->code = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
	o->last = len == 3 || p[3] == ' ';
	if (s->wait == SMTPG_W_EHLO && s->pending == 1 && o->code == 250 &&
	    s->in_reply)
		ehlo_line(s, p + 4, len > 4 ? len - 4 : 0);
	s->in_reply = !o->last;
	if (o->last)
		reply_done(s, o->code);
}

size_t smtpg_server(struct smtpg *s, const u8 *buf, size_t len,
		    struct smtpg_out *o)
{
	long n;

	memset(o, 0, sizeof(*o));
	if (!len)
		return 0;
	if (s->smode == S_OPAQUE) {
		o->ev = SMTPG_EV_OPAQUE;
		return len;
	}
	if (s->smode == S_DISCARD)
		return discard(&s->smode, S_REPLY, buf, len);
	n = line_len(buf, len);
	if (!n)
		return 0;
	if (n < 0) {
		o->ev = SMTPG_EV_BAD_REPLY;
		s->smode = S_DISCARD;
		return SMTPG_LINE_MAX;
	}
	reply_line(s, buf, text_len(buf, n), o);
	return n;
}

/* The domain a relay-syntax local part @l sends to, if any. */
static bool inner_domain(const char *l, size_t len, const char **dom,
			 size_t *dlen)
{
	size_t i;

	if (len >= 2 && l[0] == '"') {
		l++;
		len -= 2;
	}
	for (i = len; i > 0; i--)
		if (l[i - 1] == '@')
			goto after;
	for (i = len; i > 0; i--)
		if (l[i - 1] == '%')
			goto after;
	for (i = 0; i < len; i++)
		if (l[i] == '!') {
			*dom = l;
			*dlen = i;
			return true;
		}
	return false;
after:
	*dom = l + i;
	*dlen = len - i;
	return true;
}

int smtpg_next_domain(const char *path, const char **dom, size_t *len)
{
	struct nfpost_mailpath mp;
	const char *why;
	int ret;

	if (!strchr(path, '@')) {
		if (!inner_domain(path, strlen(path), dom, len)) {
			*dom = path + strlen(path);
			*len = 0;
		}
		return 0;
	}
	ret = nfpost_mailpath_split(path, &mp, &why);
	if (ret)
		return ret;
	if (mp.relay_syntax &&
	    inner_domain(path + mp.local_off, mp.local_len, dom, len))
		return 0;
	*dom = path + mp.domain_off;
	*len = mp.domain_len;
	return 0;
}

size_t smtpg_escape(const u8 *in, size_t len, char *out, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	if (!size)
		return 0;
	for (i = 0; i < len; i++) {
		u8 c = in[i];
		size_t need = c == '\\' ? 2 : (c >= 0x20 && c < 0x7f) ? 1 : 4;

		if (o + need >= size)
			break;
		if (need == 1) {
			out[o++] = c;
		} else if (need == 2) {
			out[o++] = '\\';
			out[o++] = '\\';
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return o;
}
