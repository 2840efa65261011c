/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IMAP sequence sets (RFC 3501 9, sequence-set): "1:3,7,9:*", for message
 * sequence numbers and UIDs alike. I/O-free.
 */
#ifndef NFPOST_IMAP_SEQSET_H
#define NFPOST_IMAP_SEQSET_H

#include <stdbool.h>
#include <stdint.h>

#define IMAP_SEQSET_MAX		256	/* ranges in one set */
#define IMAP_SEQ_STAR		UINT32_MAX

struct imap_seqset {
	struct { uint32_t lo, hi; } r[IMAP_SEQSET_MAX];	/* lo <= hi once
								 * resolved */
	int n;
};

/* 0, or -EINVAL for a bad set (0 is no number; '*' is IMAP_SEQ_STAR). */
int imap_seqset_parse(const char *s, struct imap_seqset *set);
/* Whether @v is in @set, '*' standing for @max (RFC 3501: "the largest"). */
bool imap_seqset_has(const struct imap_seqset *set, uint32_t v, uint32_t max);

#endif /* NFPOST_IMAP_SEQSET_H */
