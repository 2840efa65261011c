// SPDX-License-Identifier: GPL-2.0
/* FETCH data items and the header cuts their sections ask for. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "imap_fetch.h"
#include "rfc5322.h"

static const struct {
	const char *name;
	enum imap_fetch_what what;
} simple[] = {
	{ "FLAGS", IMAP_FETCH_FLAGS }, { "UID", IMAP_FETCH_UID },
	{ "RFC822.SIZE", IMAP_FETCH_SIZE },
	{ "INTERNALDATE", IMAP_FETCH_INTERNALDATE },
	{ "ENVELOPE", IMAP_FETCH_ENVELOPE },
	{ "BODYSTRUCTURE", IMAP_FETCH_BODYSTRUCTURE },
	{ "BODY", IMAP_FETCH_BODY },
	{ "MODSEQ", IMAP_FETCH_MODSEQ },
};

int imap_modseq_parse(const char *atom, uint64_t *v)
{
	const char *p = atom;

	*v = 0;
	if (!p || !*p)
		return -EINVAL;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' ||
		    *v > (INT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -EINVAL;
		*v = *v * 10 + (uint64_t)(*p - '0');
	}
	return 0;
}

/* "(A b C)" into "A B C"; header names are atoms or strings in quotes. */
static int field_list(const char *p, const char *end, char *out, size_t size)
{
	size_t n = 0;

	if (p >= end || *p++ != '(' || end[-1] != ')')
		return -EINVAL;
	end--;
	while (p < end) {
		if (*p == ' ') {
			p++;
			continue;
		}
		if (n)
			out[n++] = ' ';
		if (*p == '"')
			p++;
		while (p < end && *p != ' ' && *p != '"') {
			if (n + 2 >= size || (unsigned char)*p <= ' ' ||
			    *p == ':' || *p == '(' || *p == ')')
				return -EINVAL;
			out[n++] = (char)toupper((unsigned char)*p++);
		}
		if (p < end && *p == '"')
			p++;
	}
	out[n] = '\0';
	return n ? 0 : -EINVAL;
}

/* "1.2.3" and the text after it; returns the text. */
static const char *part_numbers(const char *p, const char *end,
				struct imap_fetch_item *it)
{
	size_t n = 0;

	while (p < end && isdigit((unsigned char)*p)) {
		if (*p == '0' && (n == 0 || it->part[n - 1] == '.'))
			return NULL;
		while (p < end && isdigit((unsigned char)*p) &&
		       n + 2 < sizeof(it->part))
			it->part[n++] = *p++;
		if (p < end && *p == '.' && p + 1 < end &&
		    isdigit((unsigned char)p[1]))
			it->part[n++] = *p++;
		else
			break;
	}
	it->part[n] = '\0';
	if (n && p < end) {
		if (*p != '.')
			return NULL;
		p++;
	}
	return p;
}

static int section(const char *p, const char *end, struct imap_fetch_item *it)
{
	size_t len;

	p = part_numbers(p, end, it);
	if (!p)
		return -EINVAL;
	len = (size_t)(end - p);
	if (!len) {
		it->sect = IMAP_SECT_ALL;
	} else if (len == 6 && !strncasecmp(p, "HEADER", 6)) {
		it->sect = IMAP_SECT_HEADER;
	} else if (len == 4 && !strncasecmp(p, "TEXT", 4)) {
		it->sect = IMAP_SECT_TEXT;
	} else if (len == 4 && !strncasecmp(p, "MIME", 4) && it->part[0]) {
		it->sect = IMAP_SECT_MIME;
	} else if (len > 18 && !strncasecmp(p, "HEADER.FIELDS.NOT ", 18)) {
		it->sect = IMAP_SECT_FIELDS_NOT;
		return field_list(p + 18, end, it->fields, sizeof(it->fields));
	} else if (len > 14 && !strncasecmp(p, "HEADER.FIELDS ", 14)) {
		it->sect = IMAP_SECT_FIELDS;
		return field_list(p + 14, end, it->fields, sizeof(it->fields));
	} else {
		return -EINVAL;
	}
	return 0;
}

/* "<origin.octets>" in a request. */
static int partial(const char *p, struct imap_fetch_item *it)
{
	unsigned long long o, n;
	int used = 0;

	if (sscanf(p, "<%llu.%llu>%n", &o, &n, &used) != 2 || p[used] ||
	    !isdigit((unsigned char)p[1]) || o > UINT32_MAX || !n ||
	    n > UINT32_MAX)
		return -EINVAL;
	it->partial = true;
	it->off = (uint32_t)o;
	it->len = (uint32_t)n;
	return 0;
}

static void make_label(struct imap_fetch_item *it)
{
	static const char *const names[] = {
		[IMAP_SECT_ALL] = "", [IMAP_SECT_HEADER] = "HEADER",
		[IMAP_SECT_TEXT] = "TEXT", [IMAP_SECT_FIELDS] = "HEADER.FIELDS",
		[IMAP_SECT_FIELDS_NOT] = "HEADER.FIELDS.NOT",
		[IMAP_SECT_MIME] = "MIME",
	};
	bool fields = it->sect == IMAP_SECT_FIELDS ||
		      it->sect == IMAP_SECT_FIELDS_NOT;
	int n;

	n = snprintf(it->label, sizeof(it->label), "BODY[%s%s%s%s%s%s]",
		     it->part, it->part[0] && it->sect != IMAP_SECT_ALL ?
		     "." : "", names[it->sect], fields ? " (" : "",
		     fields ? it->fields : "", fields ? ")" : "");
	if (it->partial && n > 0 && (size_t)n < sizeof(it->label))
		snprintf(it->label + n, sizeof(it->label) - (size_t)n, "<%u>",
			 it->off);
}

static int rfc822(const char *atom, struct imap_fetch_item *it)
{
	it->what = IMAP_FETCH_SECTION;
	if (!strcasecmp(atom, "RFC822")) {
		it->sect = IMAP_SECT_ALL;
	} else if (!strcasecmp(atom, "RFC822.HEADER")) {
		it->sect = IMAP_SECT_HEADER;
		it->peek = true;
	} else if (!strcasecmp(atom, "RFC822.TEXT")) {
		it->sect = IMAP_SECT_TEXT;
	} else {
		return -EINVAL;
	}
	snprintf(it->label, sizeof(it->label), "%s", atom);
	for (char *c = it->label; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	return 0;
}

int imap_fetch_item_parse(const char *atom, struct imap_fetch_item *it)
{
	const char *open, *close;
	size_t i;

	memset(it, 0, sizeof(*it));
	for (i = 0; i < sizeof(simple) / sizeof(simple[0]); i++) {
		if (!strcasecmp(atom, simple[i].name)) {
			it->what = simple[i].what;
			return 0;
		}
	}
	if (!strncasecmp(atom, "RFC822", 6))
		return rfc822(atom, it);
	if (!strncasecmp(atom, "BODY[", 5))
		open = atom + 4;
	else if (!strncasecmp(atom, "BODY.PEEK[", 10))
		open = atom + 9, it->peek = true;
	else
		return -EINVAL;
	close = strchr(open, ']');
	if (!close || section(open + 1, close, it))
		return -EINVAL;
	if (close[1] && partial(close + 1, it))
		return -EINVAL;
	it->what = IMAP_FETCH_SECTION;
	make_label(it);
	return 0;
}

size_t imap_header_len(const char *msg, size_t len)
{
	size_t n = rfc5322_header_end(msg, len);

	return n ? n : len;
}

/* Whether the field starting at @line is named in @fields. */
static bool named(const char *line, size_t len, const char *fields)
{
	const char *colon = memchr(line, ':', len), *f = fields;
	size_t n, k;

	if (!colon)
		return false;
	n = (size_t)(colon - line);
	while (n && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	while (*f) {
		k = strcspn(f, " ");
		if (k == n && !strncasecmp(f, line, n))
			return true;
		f += k + (f[k] == ' ');
	}
	return false;
}

size_t imap_header_fields(const char *hdr, size_t len, const char *fields,
			  bool not, char *out)
{
	size_t i = 0, start, n = 0;
	const char *nl;

	while (i < len) {
		start = i;
		/* A field: its line and the continuation lines after it. */
		do {
			nl = memchr(hdr + i, '\n', len - i);
			i = nl ? (size_t)(nl - hdr) + 1 : len;
		} while (i < len && (hdr[i] == ' ' || hdr[i] == '\t'));
		if (i - start <= 2 && (hdr[start] == '\r' || hdr[start] == '\n'))
			break;		/* the empty line */
		if (named(hdr + start, i - start, fields) != not) {
			memcpy(out + n, hdr + start, i - start);
			n += i - start;
		}
	}
	memcpy(out + n, "\r\n", 2);
	return n + 2;
}
