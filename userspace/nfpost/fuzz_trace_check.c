// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of trace_check.c: two Received: values and any header
 * fields in, every finding bounded and printable, the same report twice.
 * Input: RECEIVED1 '\n' RECEIVED2 '\n' then fields, each a selector byte
 * and a value up to the next NUL.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "trace_check.h"

static const char *const names[] = {
	"From", "Reply-To", "Return-Path", "Message-ID",
	"Authentication-Results", "Subject",
};

static void check_str(const char *s, size_t size)
{
	size_t len = strnlen(s, size), i;

	assert(len < size);
	for (i = 0; i < len; i++)
		assert(((unsigned char)s[i] >= 0x20 || s[i] == '\t') &&
		       s[i] != 0x7f);
}

static void check(const struct trace_header *h, const struct trace_report *r)
{
	size_t i, j;

	assert(r->n <= TRACE_FINDINGS_MAX && r->suspects <= r->n);
	assert(r->trusted <= 2);
	for (i = 0; i < r->n; i++)
		check_str(r->f[i].text, sizeof(r->f[i].text));
	check_str(h->from, sizeof(h->from));
	check_str(h->reply_to, sizeof(h->reply_to));
	check_str(h->return_path, sizeof(h->return_path));
	check_str(h->msgid_host, sizeof(h->msgid_host));
	assert(h->n_auth <= TRACE_AUTH_MAX);
	for (i = 0; i < h->n_auth; i++) {
		check_str(h->auth[i].authserv, sizeof(h->auth[i].authserv));
		assert(h->auth[i].n <= TRACE_AUTH_METHODS);
		for (j = 0; j < h->auth[i].n; j++) {
			check_str(h->auth[i].m[j].method,
				  sizeof(h->auth[i].m[j].method));
			check_str(h->auth[i].m[j].result,
				  sizeof(h->auth[i].m[j].result));
		}
	}
}

/* The next piece of @buf up to @sep (or the end), exact-size on the heap. */
static char *piece(const uint8_t **data, size_t *size, int sep, size_t *len)
{
	const uint8_t *end = memchr(*data, sep, *size);
	char *p;

	*len = end ? (size_t)(end - *data) : *size;
	p = malloc(*len ? *len : 1);
	memcpy(p, *data, *len);
	*data += *len + (end != NULL);
	*size -= *len + (end != NULL);
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct trace_report r1, r2;
	struct trace_header h = { 0 };
	struct received v[2];
	size_t i, len, name;
	char *p;

	for (i = 0; i < 2; i++) {
		p = piece(&data, &size, '\n', &len);
		received_parse(p, len, &v[i]);
		free(p);
	}
	while (size) {
		name = data[0] % (sizeof(names) / sizeof(*names));
		data++;
		size--;
		p = piece(&data, &size, '\0', &len);
		trace_check_field(&h, names[name], p, len);
		free(p);
	}
	trace_check(v, 2, &h, 1700000000, &r1);
	check(&h, &r1);
	trace_check(v, 2, &h, 1700000000, &r2);
	assert(!memcmp(&r1, &r2, sizeof(r1)));
	return 0;
}
