/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal JSON object writer: one flat object at a time, keys in the
 * order written, strings escaped per RFC 8259.
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
void json_bool(struct json *j, const char *key, bool val);

/* A key whose value is an array of objects, each written as a struct json. */
struct json_arr {
	FILE *f;
	bool first;
};

void json_arr_open(struct json *j, const char *key, struct json_arr *a);
void json_arr_obj(struct json_arr *a, struct json *elem);
void json_arr_close(struct json_arr *a);

#endif /* NFPOST_JSON_H */
