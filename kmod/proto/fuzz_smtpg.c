// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the guard's SMTP reader: input is a session of
 * chunks, each tagged with its side; read whole and in 1-byte pieces, the
 * two readings must agree, never read past what was fed, never leave more
 * than a line unconsumed.
 */
#include <assert.h>
#include <stdlib.h>

#include "smtpg.h"

struct side {
	u8 buf[SMTPG_LINE_MAX + 256];
	size_t len;
};

static void feed(struct smtpg *s, struct side *sd, bool client, const u8 *p,
		 size_t n, u64 *sum)
{
	struct smtpg_out o;
	size_t used;

	assert(sd->len + n <= sizeof(sd->buf));
	memcpy(sd->buf + sd->len, p, n);
	sd->len += n;
	while (sd->len) {
		used = client ? smtpg_client(s, sd->buf, sd->len, &o) :
				smtpg_server(s, sd->buf, sd->len, &o);
		if (o.ev == SMTPG_EV_EARLY) {
			smtpg_client_early(s);
			continue;
		}
		if (o.ev == SMTPG_EV_BARE_EOL)
			continue;
		if (o.arg)
			assert(o.arg >= sd->buf && o.arg + o.arg_len <= sd->buf + used);
		if (o.ev == SMTPG_EV_CMD || o.ev == SMTPG_EV_REPLY)
			*sum = *sum * 31 + o.ev * 7 + o.verb + o.code;
		if (!used) {
			assert(o.ev == SMTPG_EV_MORE && sd->len < SMTPG_LINE_MAX);
			break;
		}
		memmove(sd->buf, sd->buf + used, sd->len - used);
		sd->len -= used;
	}
}

/* Chunks: a length byte (top bit: server) then that many bytes. */
static u64 play(const u8 *data, size_t size, bool bytewise, struct smtpg *s)
{
	struct side c = { .len = 0 }, sv = { .len = 0 };
	size_t i = 0, n, k;
	u64 sum = 0;

	smtpg_init(s);
	while (i < size) {
		bool client = !(data[i] & 0x80);

		n = data[i++] & 0x7f;
		if (n > size - i)
			n = size - i;
		for (k = 0; k < n; k += bytewise ? 1 : n)
			feed(s, client ? &c : &sv, client, data + i + k,
			     bytewise ? 1 : n, &sum);
		i += n;
	}
	return sum;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct smtpg a, b;
	char esc[64];
	const char *d;
	size_t len;
	char *path;

	assert(play(data, size, false, &a) == play(data, size, true, &b));
	assert(a.authed == b.authed && a.tls == b.tls && a.size == b.size &&
	       a.pending == b.pending);
	smtpg_escape(data, size, esc, sizeof(esc));
	path = malloc(size + 1);
	if (!path)
		return 0;
	memcpy(path, data, size);
	path[size] = '\0';
	if (!smtpg_next_domain(path, &d, &len))
		assert(d >= path && d + len <= path + strlen(path));
	free(path);
	return 0;
}
