/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The relay queue on disk, shared by nfpostd (which fills and works it)
 * and `nfpost mail queue` (which lists and flushes it):
 *
 *   <spool>/tmp/, new/   a Maildir: one file per message, written by
 *                        store_queue(): "key value" envelope lines, an
 *                        empty line, then the message
 *   <spool>/state/NAME   what happened since: attempts, next try, the
 *                        last error, recipients done (replaced whole)
 *   <spool>/nfpostd.pid  the daemon to wake for a flush (SIGUSR1)
 */
#ifndef NFPOSTD_QUEUE_H
#define NFPOSTD_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#define QUEUE_ADDR_MAX	257
#define QUEUE_ERR_MAX	512

struct queue_rcpt {
	char addr[QUEUE_ADDR_MAX];
	bool done;			/* delivered, or bounced */
};

struct queue_entry {
	char name[256];			/* file name in new/ */
	char id[16];
	char from[QUEUE_ADDR_MAX];	/* "" for the null sender */
	time_t arrival;
	struct queue_rcpt *rcpts;
	int nrcpt;
	off_t body_off;			/* where the message starts */
	off_t size;			/* of the whole file */
	int attempts;
	time_t next;			/* not before; 0: now */
	char last_error[QUEUE_ERR_MAX];
};

/* Reads new/@name and its state. */
int queue_load(const char *spool, const char *name, struct queue_entry *e);
void queue_entry_free(struct queue_entry *e);
/* Replaces state/<name> (atomically, fsync'ed). */
int queue_save_state(const char *spool, const struct queue_entry *e);
/* The message and its state are gone (delivered or bounced). */
int queue_remove(const char *spool, const char *name);
/* Names in new/, sorted (oldest first: they start with the time). */
int queue_names(const char *spool, char ***names_r, int *n_r);
void queue_names_free(char **names, int n);
/* Asks the running daemon to try every entry now; -ESRCH if none runs. */
int queue_flush(const char *spool);

#endif /* NFPOSTD_QUEUE_H */
