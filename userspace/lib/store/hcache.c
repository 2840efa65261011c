// SPDX-License-Identifier: GPL-2.0
/*
 * The header cache (hcache.h): per mailbox, an array of entries by UID,
 * each with one malloc()ed record: the base name, then each cached field
 * as its number (a byte), its length (4 bytes) and its value. Searches go
 * through the mailbox in UID order, so a lookup first tries where the
 * last one was and the next entry, then bisects.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hcache.h"
#include "mailbox.h"

struct hcache_ent {
	uint32_t uid;
	uint16_t base_len;
	uint8_t known;		/* a bit per field number */
	uint32_t len;		/* of rec */
	uint64_t size;
	char *rec;
};

#define REC_HDR		5	/* field number and length */

static size_t ent_bytes(const struct hcache_ent *e)
{
	return sizeof(*e) + e->len;
}

void hcache_set_init(struct hcache_set *set, size_t mailbox_bytes,
		     size_t total_bytes)
{
	memset(set, 0, sizeof(*set));
	set->mailbox_bytes = mailbox_bytes ? mailbox_bytes : 32u << 20;
	set->total_bytes = total_bytes ? total_bytes : 128u << 20;
}

static void hc_clear(struct hcache *hc)
{
	size_t i;

	for (i = 0; i < hc->n; i++)
		free(hc->v[i].rec);
	free(hc->v);
	hc->v = NULL;
	hc->n = hc->cap = hc->hint = 0;
	hc->nfields = 0;
	hc->set->bytes -= hc->bytes;
	hc->bytes = 0;
}

static void hc_free(struct hcache *hc)
{
	hc_clear(hc);
	free(hc->path);
	free(hc);
}

void hcache_set_free(struct hcache_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		hc_free(set->v[i]);
	set->n = 0;
}

struct hcache *hcache_get(struct hcache_set *set, const char *path,
			  uint32_t uidvalidity)
{
	struct hcache *hc = NULL;
	size_t i, lru = 0;

	for (i = 0; i < set->n; i++) {
		if (!strcmp(set->v[i]->path, path)) {
			hc = set->v[i];
			break;
		}
		if (set->v[i]->used < set->v[lru]->used)
			lru = i;
	}
	if (!hc) {
		hc = calloc(1, sizeof(*hc));
		if (!hc)
			return NULL;
		hc->path = strdup(path);
		if (!hc->path) {
			free(hc);
			return NULL;
		}
		hc->set = set;
		hc->uidvalidity = uidvalidity;
		if (set->n == HCACHE_MAILBOXES) {
			hc_free(set->v[lru]);
			set->v[lru] = set->v[--set->n];
			set->stats.evicted++;
		}
		set->v[set->n++] = hc;
	} else if (hc->uidvalidity != uidvalidity) {
		hc_clear(hc);
		hc->uidvalidity = uidvalidity;
	}
	hc->used = ++set->clock;
	return hc;
}

int hcache_field(struct hcache *hc, const char *name)
{
	size_t i, len = strlen(name);

	for (i = 0; i < hc->nfields; i++)
		if (!strcasecmp(hc->fields[i], name))
			return (int)i;
	if (len > HCACHE_FIELD_MAX)
		return -EINVAL;
	if (hc->nfields == HCACHE_FIELDS)
		return -ENOSPC;
	for (i = 0; i <= len; i++)
		hc->fields[hc->nfields][i] = (char)toupper((unsigned char)name[i]);
	return (int)hc->nfields++;
}

/* The index of @uid's entry, or where it would go (*@found false). */
static size_t find(struct hcache *hc, uint32_t uid, bool *found)
{
	size_t lo = 0, hi = hc->n, mid, h = hc->hint;

	*found = false;
	/* The last one, and the one after it: a search's next message. */
	if (h < hc->n && hc->v[h].uid <= uid) {
		if (hc->v[h].uid == uid) {
			*found = true;
			return h;
		}
		if (h + 1 == hc->n || hc->v[h + 1].uid > uid)
			return h + 1;
		if (hc->v[h + 1].uid == uid) {
			hc->hint = h + 1;
			*found = true;
			return h + 1;
		}
		lo = h + 1;
	}
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (hc->v[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < hc->n && hc->v[lo].uid == uid) {
		*found = true;
		hc->hint = lo;
	}
	return lo;
}

static bool same(const struct hcache_ent *e, const char *base,
		 size_t base_len, uint64_t size)
{
	return e->base_len == base_len && e->size == size &&
	       !memcmp(e->rec, base, base_len);
}

/* Field @field's record in @e, or NULL. */
static const char *field_rec(const struct hcache_ent *e, int field)
{
	const char *p = e->rec + e->base_len, *end = e->rec + e->len;
	uint32_t n;

	if (!(e->known & (1u << field)))
		return NULL;
	while (p + REC_HDR <= end) {
		memcpy(&n, p + 1, 4);
		if ((unsigned char)*p == field)
			return p;
		p += REC_HDR + n;
	}
	return NULL;
}

int hcache_lookup(struct hcache *hc, uint32_t uid, const char *base,
		  size_t base_len, uint64_t size, int field,
		  const char **v_r, size_t *len_r)
{
	const struct hcache_ent *e;
	const char *r;
	uint32_t n;
	bool found;
	size_t i;

	if (field < 0 || field >= HCACHE_FIELDS)
		return -EINVAL;
	i = find(hc, uid, &found);
	e = &hc->v[i];
	if (!found || !same(e, base, base_len, size) ||
	    !(r = field_rec(e, field))) {
		hc->set->stats.misses++;
		return -ENOENT;
	}
	memcpy(&n, r + 1, 4);
	*v_r = r + REC_HDR;
	*len_r = n;
	hc->set->stats.hits++;
	return 0;
}

static void account(struct hcache *hc, size_t add, size_t sub)
{
	hc->bytes = hc->bytes + add - sub;
	hc->set->bytes = hc->set->bytes + add - sub;
}

int hcache_store(struct hcache *hc, uint32_t uid, const char *base,
		 size_t base_len, uint64_t size, int field, const char *v,
		 size_t len)
{
	struct hcache_ent *e, *nv;
	size_t i, old = 0, grow;
	uint32_t n = (uint32_t)len;
	bool found, fresh;
	char *rec;

	if (field < 0 || field >= HCACHE_FIELDS || base_len > UINT16_MAX ||
	    len > UINT32_MAX / 2)
		return -EINVAL;
	i = find(hc, uid, &found);
	fresh = !found || !same(&hc->v[i], base, base_len, size);
	if (found && !fresh && field_rec(&hc->v[i], field))
		return 0;
	if (found)
		old = fresh ? ent_bytes(&hc->v[i]) : 0;
	grow = fresh ? sizeof(*e) + base_len + REC_HDR + len : REC_HDR + len;
	if (hc->bytes + grow - old > hc->set->mailbox_bytes ||
	    hc->set->bytes + grow - old > hc->set->total_bytes) {
		hc->set->stats.refused++;
		return -ENOSPC;
	}
	if (!found && hc->n == hc->cap) {
		size_t cap = hc->cap ? 2 * hc->cap : 256;

		nv = realloc(hc->v, cap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		hc->v = nv;
		hc->cap = cap;
	}
	if (fresh) {
		rec = malloc(base_len + REC_HDR + len);
		if (!rec)
			return -ENOMEM;
		memcpy(rec, base, base_len);
		if (found) {
			free(hc->v[i].rec);
		} else {
			memmove(&hc->v[i + 1], &hc->v[i],
				(hc->n - i) * sizeof(*hc->v));
			hc->n++;
		}
		e = &hc->v[i];
		e->uid = uid;
		e->base_len = (uint16_t)base_len;
		e->size = size;
		e->known = 0;
		e->len = (uint32_t)base_len;
		e->rec = rec;
	} else {
		e = &hc->v[i];
		rec = realloc(e->rec, e->len + REC_HDR + len);
		if (!rec)
			return -ENOMEM;
		e->rec = rec;
	}
	e->rec[e->len] = (char)field;
	memcpy(e->rec + e->len + 1, &n, 4);
	memcpy(e->rec + e->len + REC_HDR, v, len);
	e->len += REC_HDR + (uint32_t)len;
	e->known |= 1u << field;
	hc->hint = i;
	account(hc, grow, old);
	return 0;
}

void hcache_retain(struct hcache *hc, const struct mailbox *mb)
{
	uint32_t last = mb->n ? mb->v[mb->n - 1].uid : 0;
	size_t i, j = 0, k = 0, gone = 0;

	for (i = 0; i < hc->n; i++) {
		struct hcache_ent *e = &hc->v[i];

		while (j < mb->n && mb->v[j].uid < e->uid)
			j++;
		if (e->uid < last && (j == mb->n || mb->v[j].uid != e->uid)) {
			gone += ent_bytes(e);
			free(e->rec);
			continue;
		}
		hc->v[k++] = *e;
	}
	hc->n = k;
	hc->hint = 0;
	account(hc, 0, gone);
}

size_t hcache_count(const struct hcache *hc)
{
	return hc->n;
}
