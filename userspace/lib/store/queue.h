/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The relay queue on disk, shared by nfpostd (which fills and works it)
 * and `nfpost mail queue` (which lists and flushes it):
 *
 *   <spool>/tmp/, new/   a Maildir: one file per message, written by
 *                        store_queue(): "key value" envelope lines, an
 *                        empty line, then the message. Keys: nfpost-queue
 *                        (1), id, arrival, from, rcpt (one per recipient),
 *                        and since BODY=8BITMIME and SMTPUTF8 are kept,
 *                        "body 8BITMIME" and "smtputf8 yes" when the
 *                        client gave them; unknown keys are skipped, so
 *                        older files read as 7-bit ASCII mail; and the
 *                        DSN parameters (RFC 3461): "ret FULL|HDRS",
 *                        "envid XTEXT", and after a rcpt line, for it,
 *                        "notify SUCCESS,DELAY" and "orcpt TYPE;XTEXT"
 *   <spool>/state/NAME   what happened since: attempts, next try, the
 *                        last error, recipients done, "warned 1" once
 *                        the delay DSN went out (replaced whole:
 *                        written, fsync'ed, renamed, directory fsync'ed)
 *   <spool>/nfpostd.pid  the daemon to wake for a flush (SIGUSR1)
 */
#ifndef NFPOSTD_QUEUE_H
#define NFPOSTD_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "dsn_param.h"

#define QUEUE_ADDR_MAX	257
#define QUEUE_ERR_MAX	512

struct queue_rcpt {
	char addr[QUEUE_ADDR_MAX];
	bool done;			/* delivered, or bounced */
	unsigned int notify;		/* DSN_NOTIFY_*, 0: not given */
	char orcpt[DSN_ORCPT_MAX + 1];	/* ORCPT= as given, or "" */
};

struct queue_entry {
	char name[256];			/* file name in new/ */
	char id[16];
	char from[QUEUE_ADDR_MAX];	/* "" for the null sender */
	time_t arrival;
	struct queue_rcpt *rcpts;
	int nrcpt;
	bool body_8bit;			/* BODY=8BITMIME (RFC 6152) */
	bool smtputf8;			/* SMTPUTF8 (RFC 6531) */
	enum dsn_ret ret;		/* RET= (RFC 3461) */
	char envid[DSN_ENVID_MAX + 1];	/* ENVID= as given, or "" */
	off_t body_off;			/* where the message starts */
	off_t size;			/* of the whole file */
	int attempts;
	time_t next;			/* not before; 0: now */
	char last_error[QUEUE_ERR_MAX];
	bool warned;			/* the delay DSN was sent */
};

/* Reads new/@name and its state. */
int queue_load(const char *spool, const char *name, struct queue_entry *e);
void queue_entry_free(struct queue_entry *e);
/* Replaces state/<name> (atomically, file and directory fsync'ed). */
int queue_save_state(const char *spool, const struct queue_entry *e);
/*
 * The same in two steps, for a caller that formats where @e may change
 * and writes elsewhere: the state text (malloc'ed, its length in @len_r,
 * NULL if out of memory), then the write of such a text.
 */
char *queue_state_format(const struct queue_entry *e, size_t *len_r);
int queue_state_write(const char *spool, const char *name, const char *buf,
		      size_t len);
/* The message and its state are gone (delivered or bounced), synced. */
int queue_remove(const char *spool, const char *name);
/* Names in new/, sorted (oldest first: they start with the time). */
int queue_names(const char *spool, char ***names_r, int *n_r);
void queue_names_free(char **names, int n);
/* Asks the running daemon to try every entry now; -ESRCH if none runs. */
int queue_flush(const char *spool);

#endif /* NFPOSTD_QUEUE_H */
