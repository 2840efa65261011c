// SPDX-License-Identifier: GPL-2.0
/*
 * A minimal JSON object writer. Interface names and netns names come from
 * outside our control, so every string goes through json_escape().
 */
#include "json.h"

void json_escape(FILE *f, const char *s)
{
	const unsigned char *p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p; p++) {
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

static void key(struct json *j, const char *k)
{
	if (!j->first)
		fputc(',', j->f);
	j->first = false;
	json_escape(j->f, k);
	fputc(':', j->f);
}

void json_str(struct json *j, const char *k, const char *val)
{
	key(j, k);
	json_escape(j->f, val);
}

void json_u64(struct json *j, const char *k, uint64_t val)
{
	key(j, k);
	fprintf(j->f, "%llu", (unsigned long long)val);
}

void json_bool(struct json *j, const char *k, bool val)
{
	key(j, k);
	fputs(val ? "true" : "false", j->f);
}

void json_arr_open(struct json *j, const char *k, struct json_arr *a)
{
	key(j, k);
	fputc('[', j->f);
	a->f = j->f;
	a->first = true;
}

void json_arr_obj(struct json_arr *a, struct json *elem)
{
	if (!a->first)
		fputc(',', a->f);
	a->first = false;
	json_open(elem, a->f);
}

void json_arr_close(struct json_arr *a)
{
	fputc(']', a->f);
}
