/* SPDX-License-Identifier: GPL-2.0 */
/* Reading a bufferevent's input a piece at a time. */
#ifndef NFPOSTD_INBUF_H
#define NFPOSTD_INBUF_H

#include <stdbool.h>
#include <event2/buffer.h>

/*
 * The first piece of what @in holds, in @v; false when it holds nothing.
 * The TLS filter (tls.h) reserves room at the end of its input for every
 * read it tries, and a read that finds no record leaves an empty chain
 * there: evbuffer_peek() returns it as a piece of length 0, and a loop
 * that consumes pieces until there are none would spin on it.
 */
static inline bool inbuf_first(struct evbuffer *in, struct evbuffer_iovec *v)
{
	if (!evbuffer_get_length(in))
		return false;
	if (evbuffer_peek(in, -1, NULL, v, 1) > 0 && v->iov_len)
		return true;
	/* Data behind an empty chain: into the first one. */
	evbuffer_pullup(in, 1);
	return evbuffer_peek(in, -1, NULL, v, 1) > 0 && v->iov_len;
}

#endif /* NFPOSTD_INBUF_H */
