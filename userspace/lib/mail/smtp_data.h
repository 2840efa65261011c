/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The DATA phase of SMTP (RFC 5321 4.1.1.4, 4.5.2): an I/O-free reader that
 * finds the <CRLF>.<CRLF> end, removes dot-stuffing and checks line endings,
 * line lengths, size and 8-bit content as bytes arrive.
 */
#ifndef NFPOST_SMTP_DATA_H
#define NFPOST_SMTP_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A text line, CRLF included (RFC 5321 4.5.3.1.6). */
#define SMTP_TEXT_LINE_MAX	1000

enum smtp_data_status {
	SMTP_DATA_MORE,		/* all input consumed, the message goes on */
	SMTP_DATA_END,		/* the final "." line was consumed */
	/*
	 * A CR not followed by LF, or an LF not preceded by CR: the session
	 * answers "521 5.5.2 Error: bare <CR> or <LF> received" and closes,
	 * so that nothing after it (a smuggled <LF>.<LF> and commands) is ever
	 * read as SMTP. The byte that shows the error is not consumed: a bare
	 * LF itself, or the byte after a bare CR (the CR was consumed, perhaps
	 * in an earlier call, but never passed out).
	 */
	SMTP_DATA_BAD_EOL,
};

/* Sticky findings about the message, for the reply after its end. */
#define SMTP_DATA_E_LINE_TOO_LONG	0x1	/* a line over SMTP_TEXT_LINE_MAX */
#define SMTP_DATA_E_TOO_BIG		0x2	/* over max_size: 552 5.3.4 */
#define SMTP_DATA_E_8BIT		0x4	/* a byte >= 0x80 */
#define SMTP_DATA_E_NUL			0x8	/* a NUL byte */

typedef void (*smtp_data_out_fn)(void *ctx, const char *p, size_t n);

struct smtp_data {
	int state;		/* private: where in a line the reader is */
	bool chunked;		/* private: BDAT, see smtp_data_init_chunked() */
	size_t line_len;	/* private */
	uint64_t size;		/* message bytes passed out so far (or counted past max) */
	uint64_t max_size;	/* 0: no limit */
	unsigned int flags;	/* SMTP_DATA_E_* */
	smtp_data_out_fn out;
	void *ctx;
};

/*
 * @out receives the message as it is to be stored: dot-stuffing removed
 * (the first dot of any line that starts with one, as Postfix does), every
 * line ending CRLF, the final "." line not included. Once the size passes
 * @max_size, nothing more is passed out (exactly the first @max_size bytes
 * were) but bytes are still counted and consumed until the end, so the
 * session can answer 552 after it. Line lengths count the line as stored
 * (RFC 5321 4.5.3.1.6: not the stuffing dot). @out may be NULL.
 */
void smtp_data_init(struct smtp_data *d, uint64_t max_size,
		    smtp_data_out_fn out, void *ctx);
/*
 * The same reader for BDAT (RFC 3030): the chunks' octets are the message
 * itself, so there is no dot-stuffing and no end line, but the same checks
 * (line ends, line length, NUL, 8-bit, size) as DATA, so that what BDAT
 * stores could have come through DATA. smtp_data_feed() then never reports
 * SMTP_DATA_END; smtp_data_chunks_end() closes the message at BDAT LAST.
 */
void smtp_data_init_chunked(struct smtp_data *d, uint64_t max_size,
			    smtp_data_out_fn out, void *ctx);
/*
 * After the LAST chunk: SMTP_DATA_BAD_EOL if it ended in a bare CR (or a
 * bare CR or LF came before), else SMTP_DATA_END, a last line without its
 * CRLF having been given one (passed out and counted).
 */
enum smtp_data_status smtp_data_chunks_end(struct smtp_data *d);
/*
 * Consumes up to @n bytes of @in, stopping right after the end of the
 * message or right before a bare CR/LF; returns how many it consumed and
 * sets *@status_r.
 */
size_t smtp_data_feed(struct smtp_data *d, const char *in, size_t n,
		      enum smtp_data_status *status_r);

#endif /* NFPOST_SMTP_DATA_H */
