// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON writer. Interface names, netns names and mail headers come from
 * outside our control, so every string goes through json_escape().
 */
#include <inttypes.h>

#include "json.h"

/*
 * The length of the valid UTF-8 sequence at @p (RFC 3629 4), 0 if there is
 * none. Input ends at a NUL, which no continuation byte range holds.
 */
static int utf8_len(const unsigned char *p)
{
	unsigned char lo = 0x80, hi = 0xbf;
	int n, i;

	if (*p < 0x80)
		return 1;
	if (*p >= 0xc2 && *p <= 0xdf)
		n = 2;
	else if (*p >= 0xe0 && *p <= 0xef)
		n = 3;
	else if (*p >= 0xf0 && *p <= 0xf4)
		n = 4;
	else
		return 0;	/* a continuation byte, C0, C1 or F5-FF */
	if (*p == 0xe0)
		lo = 0xa0;	/* overlong */
	else if (*p == 0xed)
		hi = 0x9f;	/* surrogates */
	else if (*p == 0xf0)
		lo = 0x90;	/* overlong */
	else if (*p == 0xf4)
		hi = 0x8f;	/* past U+10FFFF */
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

void json_escape(FILE *f, const char *s)
{
	const unsigned char *p;
	int n;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p; p++) {
		/* A run that needs no escaping, the usual case, in one write. */
		for (n = 0; p[n] >= 0x20 && p[n] < 0x7f && p[n] != '"' &&
		     p[n] != '\\'; n++)
			;
		if (n) {
			fwrite(p, 1, (size_t)n, f);
			p += n - 1;
			continue;
		}
		if (*p >= 0x80) {
			n = utf8_len(p);
			if (!n) {
				fprintf(f, "\\u%04x", *p);
				continue;
			}
			fwrite(p, 1, (size_t)n, f);
			p += n - 1;
			continue;
		}
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

void json_open(struct json *j, FILE *f)
{
	j->f = f;
	j->first = true;
	fputc('{', f);
}

void json_close(struct json *j)
{
	fputc('}', j->f);
}

void json_key(struct json *j, const char *k)
{
	if (!j->first)
		fputc(',', j->f);
	j->first = false;
	json_escape(j->f, k);
	fputc(':', j->f);
}

void json_str(struct json *j, const char *k, const char *val)
{
	json_key(j, k);
	json_escape(j->f, val);
}

void json_u64(struct json *j, const char *k, uint64_t val)
{
	json_key(j, k);
	fprintf(j->f, "%llu", (unsigned long long)val);
}

void json_s64(struct json *j, const char *k, int64_t val)
{
	json_key(j, k);
	fprintf(j->f, "%" PRId64, val);
}

void json_bool(struct json *j, const char *k, bool val)
{
	json_key(j, k);
	fputs(val ? "true" : "false", j->f);
}

void json_obj(struct json *j, const char *k, struct json *child)
{
	json_key(j, k);
	json_open(child, j->f);
}

void json_arr_start(struct json_arr *a, FILE *f)
{
	a->f = f;
	a->first = true;
	a->lines = false;
	fputc('[', f);
}

void json_arr_start_lines(struct json_arr *a, FILE *f)
{
	json_arr_start(a, f);
	a->lines = true;
}

/* Before each element: the comma, and the line break of a lines array. */
void json_arr_next(struct json_arr *a)
{
	if (!a->first)
		fputc(',', a->f);
	if (a->lines)
		fputc('\n', a->f);
	a->first = false;
}

void json_arr_arr(struct json_arr *a, struct json_arr *e)
{
	json_arr_next(a);
	json_arr_start(e, a->f);
}

void json_arr_str(struct json_arr *a, const char *val)
{
	json_arr_next(a);
	json_escape(a->f, val);
}

void json_arr_u64(struct json_arr *a, uint64_t val)
{
	json_arr_next(a);
	fprintf(a->f, "%" PRIu64, val);
}

void json_arr_s64(struct json_arr *a, int64_t val)
{
	json_arr_next(a);
	fprintf(a->f, "%" PRId64, val);
}

void json_arr_open(struct json *j, const char *k, struct json_arr *a)
{
	json_key(j, k);
	json_arr_start(a, j->f);
}

void json_arr_obj(struct json_arr *a, struct json *e)
{
	json_arr_next(a);
	json_open(e, a->f);
}

void json_arr_close(struct json_arr *a)
{
	if (a->lines && !a->first)
		fputc('\n', a->f);
	fputc(']', a->f);
}
