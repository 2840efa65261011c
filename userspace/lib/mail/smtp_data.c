// SPDX-License-Identifier: GPL-2.0
/*
 * The DATA reader: finds <CRLF>.<CRLF>, undoes dot-stuffing, and stops at
 * the first bare CR or LF so that no smuggled end of data is ever honoured.
 */
#include <stdint.h>
#include <string.h>

#include "smtp_data.h"

/*
 * Where the reader is (RFC 5321 4.1.1.4, 4.5.2). "keep" bytes go out as they
 * are; "cut" bytes are dropped; "bad" leaves the byte unconsumed.
 *
 *   state   byte     next    action
 *   BOL     '.'      DOT     cut: a stuffing dot, or the final line
 *   BOL     other    as TEXT
 *   TEXT    '\r'     CR      keep, but held back at the end of a chunk
 *   TEXT    '\n'     BAD     bad: bare LF
 *   TEXT    other    TEXT    keep
 *   DOT     '\r'     DOT_CR  cut
 *   DOT     other    as TEXT (".." gives ".", ".x" gives "x")
 *   DOT_CR  '\n'     END     cut: the end of the message
 *   DOT_CR  other    BAD     bad: bare CR
 *   CR      '\n'     BOL     keep
 *   CR      other    BAD     bad: bare CR
 *   END, BAD                 sticky: nothing more is consumed
 *
 * BDAT chunks (chunked) never enter DOT: a '.' at BOL is text. Their end
 * is smtp_data_chunks_end(): from CR it is a bare CR (BAD), from TEXT the
 * line gets its CRLF, then END.
 */
enum { ST_BOL, ST_TEXT, ST_CR, ST_DOT, ST_DOT_CR, ST_END, ST_BAD };

enum act { KEEP, CUT, STOP_END, STOP_BAD };

void smtp_data_init(struct smtp_data *d, uint64_t max_size,
		    smtp_data_out_fn out, void *ctx)
{
	memset(d, 0, sizeof(*d));
	d->state = ST_BOL;
	d->max_size = max_size;
	d->out = out;
	d->ctx = ctx;
}

void smtp_data_init_chunked(struct smtp_data *d, uint64_t max_size,
			    smtp_data_out_fn out, void *ctx)
{
	smtp_data_init(d, max_size, out, ctx);
	d->chunked = true;
}

/* Line lengths count the line as stored: the stuffing dot is not in it. */
static void count(struct smtp_data *d, unsigned char c)
{
	if (!c)
		d->flags |= SMTP_DATA_E_NUL;
	if (c >= 0x80)
		d->flags |= SMTP_DATA_E_8BIT;
	if (++d->line_len > SMTP_TEXT_LINE_MAX)
		d->flags |= SMTP_DATA_E_LINE_TOO_LONG;
}

static enum act bad(struct smtp_data *d)
{
	d->state = ST_BAD;
	return STOP_BAD;
}

static enum act text(struct smtp_data *d, unsigned char c)
{
	if (c == '\n')
		return bad(d);
	d->state = c == '\r' ? ST_CR : ST_TEXT;
	count(d, c);
	return KEEP;
}

static enum act step(struct smtp_data *d, unsigned char c)
{
	switch (d->state) {
	case ST_BOL:
		if (c != '.' || d->chunked)
			return text(d, c);
		d->state = ST_DOT;
		return CUT;
	case ST_TEXT:
		return text(d, c);
	case ST_DOT:
		if (c != '\r')
			return text(d, c);
		d->state = ST_DOT_CR;
		return CUT;
	case ST_DOT_CR:
		if (c != '\n')
			return bad(d);
		d->state = ST_END;
		return STOP_END;
	case ST_CR:
		if (c != '\n')
			return bad(d);
		count(d, c);
		d->state = ST_BOL;
		d->line_len = 0;
		return KEEP;
	}
	return bad(d);
}

/* Past max_size bytes are counted but no longer passed out. */
static void emit(struct smtp_data *d, const char *p, size_t n)
{
	uint64_t room = n;

	if (d->max_size && d->size + n > d->max_size) {
		room = d->size < d->max_size ? d->max_size - d->size : 0;
		d->flags |= SMTP_DATA_E_TOO_BIG;
	}
	d->size += n;
	if (room && d->out)
		d->out(d->ctx, p, room);
}

/*
 * Passes out the run [@from, @to) of kept bytes, less a CR at its end that
 * has not yet shown its LF: it goes out with the LF, or never.
 */
static void flush(struct smtp_data *d, const char *in, size_t from, size_t to,
		  bool cr_pending)
{
	if (cr_pending && to > from)
		to--;
	if (to > from)
		emit(d, in + from, to - from);
}

/* A byte that changes nothing but the line's length: 7-bit, not NUL. */
static bool plain(unsigned char c)
{
	return c && c != '\r' && c != '\n' && c < 0x80;
}

/*
 * How many plain bytes @p starts with, eight at a time while none of the
 * eight is special: a word holding a NUL, CR or LF has a zero byte once
 * XORed with it, and (w - 0x01..) & ~w has the high bit of a zero byte set
 * (exactly so when no byte of w has its own high bit set, and a word with
 * one of those stops the fast loop anyway).
 */
static size_t plain_span(const unsigned char *p, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t highs = 0x8080808080808080ULL;
	uint64_t w, cr, lf;
	size_t k = 0;

	for (; n - k >= 8; k += 8) {
		memcpy(&w, p + k, 8);
		cr = w ^ (ones * '\r');
		lf = w ^ (ones * '\n');
		if ((w | ((w - ones) & ~w) | ((cr - ones) & ~cr) |
		     ((lf - ones) & ~lf)) & highs)
			break;
	}
	while (k < n && plain(p[k]))
		k++;
	return k;
}

/*
 * The text of a line, up to its CR or the next byte to look at closer, in
 * one go: what step() would do to each byte of it (keep it, TEXT, count
 * it), without the switch for each. Returns how many bytes it took.
 */
static size_t text_run(struct smtp_data *d, const unsigned char *p, size_t n)
{
	size_t k = 0;

	if (d->state != ST_TEXT &&
	    (d->state != ST_BOL || (p[0] == '.' && !d->chunked)))
		return 0;
	k = plain_span(p, n);
	if (!k)
		return 0;
	d->state = ST_TEXT;
	d->line_len += k;
	if (d->line_len > SMTP_TEXT_LINE_MAX)
		d->flags |= SMTP_DATA_E_LINE_TOO_LONG;
	return k;
}

size_t smtp_data_feed(struct smtp_data *d, const char *in, size_t n,
		      enum smtp_data_status *status_r)
{
	enum act act = KEEP;
	size_t i = 0, run = 0, k;
	bool cr;

	if (d->state == ST_END || d->state == ST_BAD) {
		*status_r = d->state == ST_END ? SMTP_DATA_END :
			    SMTP_DATA_BAD_EOL;
		return 0;
	}
	while (i < n && act <= CUT) {
		k = text_run(d, (const unsigned char *)in + i, n - i);
		if (k) {
			i += k;
			act = KEEP;
			continue;
		}
		cr = d->state == ST_CR;
		act = step(d, in[i]);
		/* A CR held back at the end of the last chunk: its LF came. */
		if (act == KEEP && cr && i == 0)
			emit(d, "\r", 1);
		i++;
		if (act == KEEP)
			continue;
		flush(d, in, run, i - 1, act == STOP_BAD && cr);
		run = i;
	}
	if (act == KEEP)
		flush(d, in, run, n, d->state == ST_CR);
	*status_r = act == STOP_END ? SMTP_DATA_END :
		    act == STOP_BAD ? SMTP_DATA_BAD_EOL : SMTP_DATA_MORE;
	return act == STOP_BAD ? i - 1 : i;
}

enum smtp_data_status smtp_data_chunks_end(struct smtp_data *d)
{
	if (d->state == ST_CR)
		d->state = ST_BAD;
	if (d->state == ST_BAD)
		return SMTP_DATA_BAD_EOL;
	if (d->state == ST_TEXT) {
		count(d, '\r');
		count(d, '\n');
		emit(d, "\r\n", 2);
	}
	d->state = ST_END;
	return SMTP_DATA_END;
}
