// SPDX-License-Identifier: GPL-2.0
/*
 * The header section of a message, one byte at a time, and RFC 5322 dates.
 * Nothing here does I/O or allocates: memory is bounded by struct rfc5322.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "rfc5322.h"

/*
 * Where in a line the parser is. A field ends only when the next line
 * starts with something other than white space, so the previous field is
 * handed out from S_START.
 *
 *   S_START --WSP--> S_VALUE (a continuation: unfolding keeps the WSP)
 *   S_START --ftext--> S_NAME --':'--> S_VALUE --EOL--> S_START
 *   S_NAME --WSP--> S_NAME_WSP --':'--> S_VALUE (obs-optional, 4.5.2)
 *   S_START --EOL--> S_DONE (the empty line)
 */
enum state { S_START, S_NAME, S_NAME_WSP, S_VALUE, S_DONE, S_ERROR };

enum step { STEP_MORE, STEP_DONE, STEP_ERROR };

void rfc5322_init(struct rfc5322 *p, rfc5322_field_fn field, void *ctx)
{
	p->state = S_START;
	p->cr = false;
	p->has_field = false;
	p->truncated = false;
	p->name_len = 0;
	p->value_len = 0;
	p->field_line = 0;
	p->line = 1;
	p->fields = 0;
	p->err = NULL;
	p->cb_ret = 0;
	p->field = field;
	p->ctx = ctx;
}

static bool is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* ftext: printable US-ASCII but ':' (3.6.8). */
static bool is_ftext(char c)
{
	return c >= 33 && c <= 126 && c != ':';
}

static enum step fail(struct rfc5322 *p, const char *why)
{
	p->state = S_ERROR;
	p->err = why;
	return STEP_ERROR;
}

static void add_value(struct rfc5322 *p, char c)
{
	if (!p->value_len && is_wsp(c))
		return;			/* leading white space */
	if (p->value_len == RFC5322_VALUE_MAX) {
		p->truncated = true;
		return;
	}
	p->value[p->value_len++] = c;
}

/* Hands out the field held, if any. */
static enum step flush(struct rfc5322 *p)
{
	struct rfc5322_field f;
	int ret;

	if (!p->has_field)
		return STEP_MORE;
	while (p->value_len && is_wsp(p->value[p->value_len - 1]))
		p->value_len--;
	p->value[p->value_len] = '\0';
	p->name[p->name_len] = '\0';
	f = (struct rfc5322_field){ p->name, p->value, p->value_len,
				    p->field_line, p->truncated };
	p->has_field = false;
	p->fields++;
	ret = p->field ? p->field(p->ctx, &f) : 0;
	if (ret) {
		p->cb_ret = ret;
		return fail(p, "stopped by the caller");
	}
	return STEP_MORE;
}

static enum step eol(struct rfc5322 *p)
{
	enum step ret = STEP_MORE;

	switch (p->state) {
	case S_START:
		ret = flush(p);
		if (ret != STEP_MORE)
			return ret;
		p->state = S_DONE;
		ret = STEP_DONE;
		break;
	case S_VALUE:
		p->state = S_START;
		break;
	default:
		return fail(p, "a line is neither a field nor a continuation");
	}
	p->line++;
	return ret;
}

static enum step start_name(struct rfc5322 *p, char c)
{
	enum step ret;

	if (!is_ftext(c))
		return fail(p, c == ':' ? "a field has no name"
					: "a field name has a bad character");
	ret = flush(p);
	if (ret != STEP_MORE)
		return ret;
	p->name[0] = c;
	p->name_len = 1;
	p->value_len = 0;
	p->truncated = false;
	p->field_line = p->line;
	p->state = S_NAME;
	return STEP_MORE;
}

static enum step start(struct rfc5322 *p, char c)
{
	if (!is_wsp(c))
		return start_name(p, c);
	if (!p->has_field)
		return fail(p, "a continuation line comes before any field");
	p->state = S_VALUE;
	add_value(p, c);
	return STEP_MORE;
}

static enum step name(struct rfc5322 *p, char c)
{
	if (c == ':') {
		p->has_field = true;
		p->state = S_VALUE;
		return STEP_MORE;
	}
	if (is_wsp(c)) {
		p->state = S_NAME_WSP;
		return STEP_MORE;
	}
	if (p->state == S_NAME_WSP)
		return fail(p, "a field name has white space in it");
	if (!is_ftext(c))
		return fail(p, "a field name has a bad character");
	if (p->name_len == RFC5322_NAME_MAX)
		return fail(p, "a field name is too long");
	p->name[p->name_len++] = c;
	return STEP_MORE;
}

static enum step step(struct rfc5322 *p, char c)
{
	if (p->cr) {
		p->cr = false;
		if (c == '\n')
			return eol(p);
		if (p->state != S_VALUE)
			return fail(p, "a CR is not followed by LF");
		add_value(p, '\r');	/* a bare CR inside a value */
	}
	if (c == '\r') {
		p->cr = true;
		return STEP_MORE;
	}
	if (c == '\n')
		return eol(p);
	switch (p->state) {
	case S_START:
		return start(p, c);
	case S_NAME:
	case S_NAME_WSP:
		return name(p, c);
	default:
		add_value(p, c);
		return STEP_MORE;
	}
}

size_t rfc5322_feed(struct rfc5322 *p, const char *in, size_t n,
		    enum rfc5322_status *status_r)
{
	enum step ret = STEP_MORE;
	size_t i;

	for (i = 0; i < n && p->state < S_DONE; i++) {
		ret = step(p, in[i]);
		if (ret == STEP_ERROR)
			break;
		if (ret == STEP_DONE) {
			i++;
			break;
		}
	}
	*status_r = p->state == S_DONE ? RFC5322_DONE :
		    p->state == S_ERROR ? RFC5322_ERROR : RFC5322_MORE;
	return i;
}

enum rfc5322_status rfc5322_finish(struct rfc5322 *p)
{
	if (p->state == S_NAME || p->state == S_NAME_WSP)
		fail(p, "the input ends inside a field name");
	if (p->state == S_START || p->state == S_VALUE) {
		p->cr = false;		/* a last CR ends the last line */
		if (flush(p) == STEP_MORE)
			p->state = S_DONE;
	}
	return p->state == S_DONE ? RFC5322_DONE : RFC5322_ERROR;
}

/* Dates: comments out, then a strict walk over the tokens. */

/* Comments out; a valid date-time is under 40 bytes, white space aside. */
#define DATE_MAX	128

struct cur {
	const char *s;
	size_t i, n;
};

/*
 * Copies @s without its comments (nested, with quoted-pairs), each made a
 * space; -EINVAL if a comment is not closed or the rest is too long.
 */
static int uncomment(const char *s, size_t len, char *out, size_t *out_len)
{
	size_t i, n = 0;
	int depth = 0;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (depth) {
			if (c == '\\')
				i++;
			else if (c == '(')
				depth++;
			else if (c == ')')
				depth--;
			continue;
		}
		if (c == '(') {
			depth = 1;
			c = ' ';
		}
		if (n == DATE_MAX)
			return -EINVAL;
		out[n++] = c;
	}
	*out_len = n;
	return depth ? -EINVAL : 0;
}

static bool skip_space(struct cur *c)
{
	size_t from = c->i;

	while (c->i < c->n && (c->s[c->i] == ' ' || c->s[c->i] == '\t' ||
			       c->s[c->i] == '\r' || c->s[c->i] == '\n'))
		c->i++;
	return c->i > from || c->i == c->n;
}

static int number(struct cur *c, size_t min, size_t max, int *v_r)
{
	size_t from = c->i;
	int v = 0;

	while (c->i < c->n && c->i - from < max && c->s[c->i] >= '0' &&
	       c->s[c->i] <= '9')
		v = v * 10 + c->s[c->i++] - '0';
	if (c->i - from < min ||
	    (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9'))
		return -EINVAL;
	*v_r = v;
	return 0;
}

/* Up to @len - 1 letters into @buf; -EINVAL if none or more. */
static int letters(struct cur *c, char *buf, size_t len)
{
	size_t n = 0;

	while (c->i < c->n && ((c->s[c->i] >= 'a' && c->s[c->i] <= 'z') ||
			       (c->s[c->i] >= 'A' && c->s[c->i] <= 'Z'))) {
		if (n + 1 == len)
			return -EINVAL;
		buf[n++] = c->s[c->i++];
	}
	buf[n] = '\0';
	return n ? 0 : -EINVAL;
}

static int lookup(const char *word, const char *const *names, int count)
{
	int i;

	for (i = 0; i < count; i++)
		if (!strcasecmp(word, names[i]))
			return i;
	return -1;
}

static const char *const days[] = {
	"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
};

static const char *const months[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* [ day-of-week "," ]: the comma is tolerated missing. */
static int day_of_week(struct cur *c)
{
	char w[8];

	if (c->i == c->n || c->s[c->i] < 'A')
		return 0;
	if (letters(c, w, sizeof(w)) || lookup(w, days, 7) < 0)
		return -EINVAL;
	skip_space(c);
	if (c->i < c->n && c->s[c->i] == ',')
		c->i++;
	skip_space(c);
	return 0;
}

struct date {
	int year, month, day, hour, min, sec, zone;	/* zone in minutes */
};

/* 4.3: a two-digit year is 1950-2049, a three-digit one 1900 + it. */
static int year(struct cur *c, int *y_r)
{
	size_t from = c->i;

	if (number(c, 2, 4, y_r))
		return -EINVAL;
	if (c->i - from == 2)
		*y_r += *y_r < 50 ? 2000 : 1900;
	else if (c->i - from == 3)
		*y_r += 1900;
	return *y_r >= 1900 ? 0 : -EINVAL;
}

static int date_part(struct cur *c, struct date *d)
{
	char w[8];

	if (number(c, 1, 2, &d->day) || !skip_space(c) ||
	    letters(c, w, sizeof(w)) || !skip_space(c))
		return -EINVAL;
	d->month = lookup(w, months, 12) + 1;
	if (!d->month || year(c, &d->year) || !skip_space(c))
		return -EINVAL;
	return 0;
}

static int time_part(struct cur *c, struct date *d)
{
	d->sec = 0;
	if (number(c, 1, 2, &d->hour) || c->i == c->n || c->s[c->i++] != ':' ||
	    number(c, 2, 2, &d->min))
		return -EINVAL;
	if (c->i < c->n && c->s[c->i] == ':') {
		c->i++;
		if (number(c, 2, 2, &d->sec))
			return -EINVAL;
	}
	return skip_space(c) ? 0 : -EINVAL;
}

static const struct {
	const char *name;
	int hours;
} zones[] = {
	{ "UT", 0 }, { "GMT", 0 }, { "UTC", 0 },
	{ "EST", -5 }, { "EDT", -4 }, { "CST", -6 }, { "CDT", -5 },
	{ "MST", -7 }, { "MDT", -6 }, { "PST", -8 }, { "PDT", -7 },
};

static int zone_name(struct cur *c, int *zone_r)
{
	char w[8];
	size_t i;

	if (letters(c, w, sizeof(w)))
		return -EINVAL;
	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		if (!strcasecmp(w, zones[i].name)) {
			*zone_r = zones[i].hours * 60;
			return 0;
		}
	}
	/* Military zones were defined with the wrong sign: "-0000" (4.3). */
	if (!w[1] && w[0] != 'j' && w[0] != 'J') {
		*zone_r = 0;
		return 0;
	}
	return -EINVAL;
}

static int zone(struct cur *c, int *zone_r)
{
	int sign, v;

	if (c->i == c->n)
		return -EINVAL;
	if (c->s[c->i] != '+' && c->s[c->i] != '-')
		return zone_name(c, zone_r);
	sign = c->s[c->i++] == '-' ? -1 : 1;
	if (number(c, 4, 4, &v) || v / 100 > 23 || v % 100 > 59)
		return -EINVAL;
	*zone_r = sign * (v / 100 * 60 + v % 100);
	return 0;
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool valid(const struct date *d)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30,
				     31, 31, 30, 31, 30, 31 };
	int max = mdays[d->month - 1] + (d->month == 2 && leap(d->year));

	return d->day >= 1 && d->day <= max && d->hour <= 23 &&
	       d->min <= 59 && d->sec <= 60;
}

/* Days from 1970-01-01 to a date of the proleptic Gregorian calendar. */
static int64_t days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int parse(struct cur *c, struct date *d)
{
	skip_space(c);
	if (day_of_week(c) || date_part(c, d) || time_part(c, d) ||
	    zone(c, &d->zone))
		return -EINVAL;
	skip_space(c);
	return c->i == c->n && valid(d) ? 0 : -EINVAL;
}

int rfc5322_date(const char *s, size_t len, time_t *t_r)
{
	char buf[DATE_MAX];
	struct cur c = { buf, 0, 0 };
	struct date d;
	int64_t t;

	if (uncomment(s, len, buf, &c.n) || parse(&c, &d))
		return -EINVAL;
	t = days_from_civil(d.year, d.month, d.day) * 86400 + d.hour * 3600 +
	    d.min * 60 + d.sec - d.zone * 60;
	*t_r = (time_t)t;
	return 0;
}

size_t rfc5322_header_end(const char *msg, size_t len)
{
	const char *p = msg, *end = msg + len;

	if (len && msg[0] == '\n')
		return 1;
	if (len >= 2 && msg[0] == '\r' && msg[1] == '\n')
		return 2;
	while ((p = memchr(p, '\n', (size_t)(end - p)))) {
		if (p + 1 < end && p[1] == '\n')
			return (size_t)(p + 2 - msg);
		if (p + 2 < end && p[1] == '\r' && p[2] == '\n')
			return (size_t)(p + 3 - msg);
		p++;
	}
	return 0;
}

const char *rfc5322_format_date(char *buf, size_t len, time_t t)
{
	static const char days[][4] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	static const char months[][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	struct tm tm;
	long off;

	if (!localtime_r(&t, &tm)) {
		snprintf(buf, len, "Thu, 01 Jan 1970 00:00:00 +0000");
		return buf;
	}
	off = tm.tm_gmtoff / 60;
	snprintf(buf, len, "%s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld",
		 days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
		 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
	return buf;
}
