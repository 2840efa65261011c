/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A Maildir's IMAP keywords (RFC 3501 2.3.2: "$Forwarded", "$Junk", any
 * atom) as Dovecot keeps them, so that both servers read the same files:
 * a keyword is a lower-case letter a-z after ":2," in a message's name,
 * and "dovecot-keywords" in the Maildir says which name each letter
 * stands for, one "<n> <name>" line per letter ('a' + n). The file is
 * rewritten whole under Dovecot's dotlock "dovecot-keywords.lock": the
 * new list goes into the lock file, fsync()ed, renamed over the old one,
 * then the directory is fsync()ed. A letter is never given to another
 * name (messages may carry it), so a Maildir has at most 26 keywords.
 */
#ifndef NFPOST_KEYWORDS_H
#define NFPOST_KEYWORDS_H

#include <stdbool.h>
#include <stddef.h>

#define KEYWORDS_MAX		26
/* A keyword's longest name here (Dovecot has no small bound). */
#define KEYWORD_NAME_MAX	64

struct keywords {
	char name[KEYWORDS_MAX][KEYWORD_NAME_MAX + 1];	/* "" if unused */
};

/* A keyword's name is an IMAP atom, not "\..." (RFC 3501 9 flag-keyword). */
bool keyword_name_ok(const char *name);
/*
 * Parses a "dovecot-keywords" file's text. Lines that are not
 * "<0..25> <valid name>" are skipped; a letter or name seen twice keeps
 * its first line.
 */
void keywords_parse(const char *text, size_t len, struct keywords *kw);
/* The letter of @name (case-insensitive, as Dovecot), or 0. */
char keywords_letter(const struct keywords *kw, const char *name);
/* The name of letter @c, or NULL. */
const char *keywords_name(const struct keywords *kw, char c);
/* How many letters are in use. */
size_t keywords_count(const struct keywords *kw);

/* Reads the Maildir's list; none is an empty list. */
int keywords_read(const char *maildir, struct keywords *kw);
/*
 * The letter of @name in the Maildir at @maildir, given it now if it has
 * none (the list re-read under the lock, saved durably before this
 * returns). *@kw is the list as it now is. -ENOSPC when all 26 letters
 * are taken, -EINVAL for a bad name, -EAGAIN if the lock stays held.
 */
int keywords_add(const char *maildir, struct keywords *kw, const char *name);

#endif /* NFPOST_KEYWORDS_H */
