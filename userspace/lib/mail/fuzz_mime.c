// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of mime.c and imap_struct.c: any message makes a tree
 * whose parts all lie inside it, with parameters (RFC 2231 ones joined and
 * decoded) inside their bounds, and an ENVELOPE and BODYSTRUCTURE whose
 * parentheses balance outside strings.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imap_struct.h"
#include "mime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct mime_part *p, size_t len, int depth)
{
	int i;

	for (; p; p = p->next) {
		/* RFC 2231 joins and decodes within each parameter's bounds. */
		assert(p->nparams >= 0 && p->nparams <= MIME_PARAMS_MAX);
		for (i = 0; i < p->nparams; i++) {
			assert(memchr(p->params[i].value, 0,
				      sizeof(p->params[i].value)));
			assert(memchr(p->params[i].charset, 0,
				      sizeof(p->params[i].charset)));
			assert(p->params[i].name[0]);
		}
		assert(depth <= MIME_DEPTH_MAX + 1);
		assert(p->hdr_off + p->hdr_len == p->body_off);
		assert(p->body_off + p->body_len <= len);
		check(p->child, len, depth + 1);
		check(p->message, len, depth + 1);
	}
}

/* Parentheses outside quoted strings and literals balance. */
static void balanced(const struct imap_buf *b)
{
	size_t i, n;
	int depth = 0;
	char *end;

	for (i = 0; i < b->len; i++) {
		if (b->p[i] == '"') {
			for (i++; i < b->len && b->p[i] != '"'; i++)
				;
		} else if (b->p[i] == '{') {
			n = strtoul(b->p + i + 1, &end, 10);
			i = (size_t)(end - b->p) + 2 + n;
		} else if (b->p[i] == '(') {
			depth++;
		} else if (b->p[i] == ')') {
			assert(--depth >= 0);
		}
	}
	assert(!depth);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *msg = (const char *)data;
	struct mime_part *root;
	struct imap_buf b = { 0 };

	if (mime_parse(msg, size, &root))
		return 0;
	check(root, size, 0);
	imap_bodystructure(&b, msg, root);
	assert(!b.failed);
	balanced(&b);
	imap_buf_free(&b);
	imap_envelope(&b, msg, root->hdr_len);
	balanced(&b);
	imap_buf_free(&b);
	mime_free(root);
	return 0;
}
