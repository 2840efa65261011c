// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of rfc5322.c: any input fed whole and one byte at a
 * time must give the same fields, status and end, each field well formed;
 * and any date that parses must survive a round trip.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "rfc5322.h"

struct sum {
	uint64_t hash;		/* FNV-1a over every field */
	unsigned int fields;
};

static void mix(struct sum *s, const void *p, size_t len)
{
	const unsigned char *b = p;

	while (len--)
		s->hash = (s->hash ^ *b++) * 0x100000001b3ULL;
}

static int check_field(void *ctx, const struct rfc5322_field *f)
{
	size_t name_len = strlen(f->name), i;
	struct sum *s = ctx;

	assert(name_len >= 1 && name_len <= RFC5322_NAME_MAX);
	for (i = 0; i < name_len; i++)
		assert(f->name[i] > ' ' && f->name[i] < 127 &&
		       f->name[i] != ':');
	assert(f->value_len <= RFC5322_VALUE_MAX);
	assert(f->value[f->value_len] == '\0');
	assert(!memchr(f->value, '\n', f->value_len));
	if (f->value_len) {
		assert(f->value[0] != ' ' && f->value[0] != '\t');
		assert(f->value[f->value_len - 1] != ' ' &&
		       f->value[f->value_len - 1] != '\t');
	}
	assert(f->line >= 1);
	mix(s, f->name, name_len + 1);
	mix(s, f->value, f->value_len);
	mix(s, &f->value_len, sizeof(f->value_len));
	mix(s, &f->line, sizeof(f->line));
	mix(s, &f->truncated, sizeof(f->truncated));
	s->fields++;
	return 0;
}

/* Feeds in pieces of @piece bytes (0: whole); returns the bytes consumed. */
static size_t parse(struct rfc5322 *p, struct sum *s, const char *buf,
		    size_t size, size_t piece, enum rfc5322_status *st)
{
	size_t off = 0, n, used;

	*s = (struct sum){ 0xcbf29ce484222325ULL, 0 };
	rfc5322_init(p, check_field, s);
	*st = RFC5322_MORE;
	while (off < size && *st == RFC5322_MORE) {
		n = piece && piece < size - off ? piece : size - off;
		used = rfc5322_feed(p, buf + off, n, st);
		assert(used <= n);
		assert(*st != RFC5322_MORE || used == n);
		off += used;
	}
	if (*st == RFC5322_DONE)
		assert(off >= 1 && buf[off - 1] == '\n');
	if (*st == RFC5322_MORE)
		*st = rfc5322_finish(p);
	assert(*st != RFC5322_ERROR || p->err);
	assert(p->fields == s->fields);
	return off;
}

static void date_round_trip(const char *buf, size_t size)
{
	char text[64];
	struct tm tm;
	time_t t, again;

	if (rfc5322_date(buf, size, &t) || !gmtime_r(&t, &tm) ||
	    tm.tm_year < 0 || tm.tm_year > 8099)
		return;
	strftime(text, sizeof(text), "%d %b %Y %H:%M:%S +0000", &tm);
	assert(!rfc5322_date(text, strlen(text), &again));
	assert(again == t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size heap copy lets ASan catch any read past the end. */
	char *buf = malloc(size ? size : 1);
	struct rfc5322 *p = malloc(sizeof(*p));
	enum rfc5322_status st1, st2;
	struct sum s1, s2;
	size_t end1, end2;

	memcpy(buf, data, size);
	end1 = parse(p, &s1, buf, size, 0, &st1);
	end2 = parse(p, &s2, buf, size, 1, &st2);
	assert(st1 == st2 && end1 == end2);
	assert(s1.fields == s2.fields && s1.hash == s2.hash);
	date_round_trip(buf, size);
	free(p);
	free(buf);
	return 0;
}
