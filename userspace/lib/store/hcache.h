/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The header cache: for each mailbox, the header fields SEARCH asked for
 * (SUBJECT, FROM, TO, CC, BCC, HEADER x, the Date of SENTBEFORE...), per
 * message, so that a repeated search on them reads no message file.
 *
 * Held in memory by the daemon, one cache per Maildir shared by every
 * session on it, not persisted. A message's entry is keyed by what makes
 * its content what it is:
 *
 *  - the mailbox's UIDVALIDITY (another one, and the cache is emptied);
 *  - its UID;
 *  - its base name (the unique part of its file name, compared whole,
 *    byte for byte, not hashed) and its size.
 *
 * A Maildir message's file is never written again once delivered (a flag
 * change is a rename, which keeps the base); a message changed by a
 * client is another message, with another base and UID. So an entry whose
 * key matches holds what the file holds, and one that does not is a miss
 * (its old content is dropped). An expunged message's entry is dropped
 * by hcache_retain() at the next search of any session whose view no
 * longer has it; nothing it holds could be asked for again anyway, as no
 * view has that UID any more.
 *
 * A field's cached value is imap_header_fields()'s output for that field:
 * its lines whole and folded as they are, then an empty line.
 *
 * Bounded: HCACHE_FIELDS field names per mailbox (a search on another
 * reads the files, as without a cache), a byte budget per mailbox and
 * one for all of them together, and at most HCACHE_MAILBOXES mailboxes
 * (the one used least recently is dropped for a new one). A value that
 * would go over a budget is not kept, and counted (struct hcache_stats).
 */
#ifndef NFPOST_HCACHE_H
#define NFPOST_HCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HCACHE_FIELDS		8
#define HCACHE_FIELD_MAX	64	/* a field name's length */
#define HCACHE_MAILBOXES	16

struct mailbox;

struct hcache_stats {
	uint64_t hits, misses;
	uint64_t refused;	/* values not kept: a budget was reached */
	uint64_t evicted;	/* mailboxes' caches dropped for others */
};

struct hcache_ent;

struct hcache {
	char *path;
	uint32_t uidvalidity;
	char fields[HCACHE_FIELDS][HCACHE_FIELD_MAX + 1];	/* upper case */
	size_t nfields;
	struct hcache_ent *v;		/* by UID, ascending */
	size_t n, cap;
	size_t hint;			/* where the last lookup was */
	size_t bytes;			/* what this cache holds, counted */
	struct hcache_set *set;
	uint64_t used;			/* for the set's LRU */
};

struct hcache_set {
	struct hcache *v[HCACHE_MAILBOXES];
	size_t n;
	size_t mailbox_bytes;		/* budget per mailbox */
	size_t total_bytes;		/* budget for all */
	size_t bytes;			/* held by all */
	uint64_t clock;
	struct hcache_stats stats;
};

/* A set with these budgets (0: the defaults, 32 MiB and 128 MiB). */
void hcache_set_init(struct hcache_set *set, size_t mailbox_bytes,
		     size_t total_bytes);
void hcache_set_free(struct hcache_set *set);

/*
 * The cache of the Maildir at @path, emptied if its UIDVALIDITY was not
 * @uidvalidity; made if there was none (the least recently used dropped
 * if HCACHE_MAILBOXES are held). NULL if out of memory.
 */
struct hcache *hcache_get(struct hcache_set *set, const char *path,
			  uint32_t uidvalidity);

/*
 * The number of field @name (case-insensitive) in @hc, given one if
 * there is room; -ENOSPC if HCACHE_FIELDS are in use, -EINVAL for a name
 * longer than HCACHE_FIELD_MAX.
 */
int hcache_field(struct hcache *hc, const char *name);

/*
 * Field @field of the message with @uid, base name @base (@base_len
 * bytes) and @size: 0 and the value in *@v_r, *@len_r (valid until the
 * next call that changes @hc), -ENOENT if not cached.
 */
int hcache_lookup(struct hcache *hc, uint32_t uid, const char *base,
		  size_t base_len, uint64_t size, int field,
		  const char **v_r, size_t *len_r);
/*
 * Keeps @v as field @field of that message (an entry with the same UID
 * but another base or size is replaced). -ENOSPC (counted) if a budget
 * would be exceeded, -ENOMEM.
 */
int hcache_store(struct hcache *hc, uint32_t uid, const char *base,
		 size_t base_len, uint64_t size, int field, const char *v,
		 size_t len);

/*
 * Drops the entries of messages @mb's view no longer has: UIDs below its
 * last one that it lacks (expunged). Entries above it (messages added
 * since that view was read) are kept.
 */
void hcache_retain(struct hcache *hc, const struct mailbox *mb);

/* The entries held. */
size_t hcache_count(const struct hcache *hc);

#endif /* NFPOST_HCACHE_H */
