/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small JSON writer (RFC 8259): objects and arrays, nested, keys in the
 * order written. Strings are written as UTF-8; bytes that are not valid
 * UTF-8 (RFC 3629: overlong forms, surrogates and code points past
 * U+10FFFF included) are taken one by one as Latin-1 and written as
 * \u00XX, so that the output is always valid JSON and a Latin-1 header
 * reads as what its sender meant. Control characters are escaped too.
 */
#ifndef NFPOST_JSON_H
#define NFPOST_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json {
	FILE *f;
	bool first;
};

void json_escape(FILE *f, const char *s);
void json_open(struct json *j, FILE *f);
void json_close(struct json *j);
void json_str(struct json *j, const char *key, const char *val);
void json_u64(struct json *j, const char *key, uint64_t val);
void json_s64(struct json *j, const char *key, int64_t val);
void json_bool(struct json *j, const char *key, bool val);
/* A key whose value the caller writes itself (a printer of its own). */
void json_key(struct json *j, const char *key);
/* A key whose value is an object, written as @child up to its close. */
void json_obj(struct json *j, const char *key, struct json *child);

/*
 * An array: after a key, or a whole document (json_arr_start()); a
 * document of lines (json_arr_start_lines()) has each element on a line
 * of its own, "[\n{...},\n{...}\n]", and is "[]" when empty.
 */
struct json_arr {
	FILE *f;
	bool first;
	bool lines;
};

void json_arr_open(struct json *j, const char *key, struct json_arr *a);
void json_arr_start(struct json_arr *a, FILE *f);
void json_arr_start_lines(struct json_arr *a, FILE *f);
/* An element that is an object, written as @elem up to its json_close(). */
void json_arr_obj(struct json_arr *a, struct json *elem);
/* An element that is an array, written as @elem up to its close. */
void json_arr_arr(struct json_arr *a, struct json_arr *elem);
/* Before an element the caller writes itself (a printer of its own). */
void json_arr_next(struct json_arr *a);
void json_arr_str(struct json_arr *a, const char *val);
void json_arr_u64(struct json_arr *a, uint64_t val);
void json_arr_s64(struct json_arr *a, int64_t val);
void json_arr_close(struct json_arr *a);

#endif /* NFPOST_JSON_H */
