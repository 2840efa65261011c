// SPDX-License-Identifier: GPL-2.0
/* The MODSEQ log of a Maildir (see modseq.h): read, appended, compacted. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "decimal.h"
#include "fileio.h"
#include "modseq.h"

#define MODSEQ_TMP		"nfpost-modseq.tmp"
#define LOG_MAGIC		"nfpost-modseq 1 "
/* A rewrite when the lines outnumber twice the messages and this. */
#define COMPACT_SLACK		1024
/* RFC 7162 3.1.1: a mod-sequence is a positive 63-bit number. */
#define MODSEQ_LIMIT		INT64_MAX

static bool parse_u64(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;

	*v = 0;
	while (s < end && *s >= '0' && *s <= '9' && s - *p < 19)
		*v = *v * 10 + (uint64_t)(*s++ - '0');
	if (s == *p || (s < end && *s >= '0' && *s <= '9'))
		return false;
	*p = s;
	return true;
}

static bool parse_header(const char *p, const char *end, struct modseq_log *log)
{
	size_t n = sizeof(LOG_MAGIC) - 1;
	uint64_t v, h;

	if ((size_t)(end - p) < n || memcmp(p, LOG_MAGIC, n))
		return false;
	p += n;
	if (p == end || *p++ != 'V' || !parse_u64(&p, end, &v) ||
	    v > UINT32_MAX || p == end || *p++ != ' ' || p == end ||
	    *p++ != 'H' || !parse_u64(&p, end, &h) || p != end ||
	    h > MODSEQ_LIMIT)
		return false;
	log->uidvalidity = (uint32_t)v;
	if (h > log->highest)
		log->highest = h;
	return true;
}

static bool parse_rec(const char *p, const char *end, struct modseq_rec *r)
{
	uint64_t uid;
	size_t n;

	memset(r, 0, sizeof(*r));
	if (!parse_u64(&p, end, &uid) || !uid || uid > UINT32_MAX ||
	    p == end || *p++ != ' ' || !parse_u64(&p, end, &r->modseq) ||
	    !r->modseq || r->modseq > MODSEQ_LIMIT || p == end || *p++ != ' ')
		return false;
	r->uid = (uint32_t)uid;
	if (end - p == 1 && *p == '!') {
		r->gone = true;
		return true;
	}
	if (p == end || *p++ != ':' || (size_t)(end - p) > MODSEQ_LETTERS_MAX)
		return false;
	for (n = 0; p + n < end; n++)
		if (!((p[n] >= 'A' && p[n] <= 'Z') ||
		      (p[n] >= 'a' && p[n] <= 'z')))
			return false;
	memcpy(r->letters, p, n);
	return true;
}

/*
 * "C <lines> <sec> <nsec> <sec> <nsec>": a STORE's last @lines lines, and
 * cur/'s mtimes before and after its renames.
 */
static bool parse_mark(const char *p, const char *end, uint64_t *lines,
		       struct timespec ts[2])
{
	uint64_t v[5];
	int i;

	if (end - p < 2 || p[0] != 'C' || p[1] != ' ')
		return false;
	p += 2;
	for (i = 0; i < 5; i++)
		if ((i && (p == end || *p++ != ' ')) || !parse_u64(&p, end, &v[i]) ||
		    (i && !(i & 1) && v[i] > 999999999) || v[i] > INT64_MAX)
			return false;
	if (p != end)
		return false;
	*lines = v[0];
	for (i = 0; i < 2; i++) {
		ts[i].tv_sec = (time_t)v[2 * i + 1];
		ts[i].tv_nsec = (long)v[2 * i + 2];
	}
	return true;
}

static bool ts_eq(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

static bool ts_lt(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/*
 * A STORE's "C" line (modseq.h): it takes the chain on if it starts where
 * the chain is; one that ended by the mtime the readdir saw is in what it
 * read (a view is only renamed from the log if that mtime was settled: no
 * later change could leave it); any other breaks the chain.
 */
static void chain_mark(struct modseq_log *log, uint64_t n,
		       const struct timespec ts[2])
{
	size_t i, seen = log->n_pending;

	log->n_pending = 0;
	if (!log->chain_ok)
		return;
	if (!ts_eq(&ts[0], &log->chain)) {
		if (ts_lt(&log->from, &ts[1]))
			log->chain_ok = false;
		return;
	}
	log->chain = ts[1];
	/* Its lines: the last @n read, kept in the ring of pending UIDs. */
	if (n > seen || n > MODSEQ_TOUCHED_MAX ||
	    log->n_touched + n > MODSEQ_TOUCHED_MAX) {
		log->touched_over = true;
		return;
	}
	for (i = seen - n; i < seen; i++)
		log->touched[log->n_touched++] =
			log->pending[i % MODSEQ_TOUCHED_MAX];
}

static void chain_rec(struct modseq_log *log, uint32_t uid)
{
	log->pending[log->n_pending % MODSEQ_TOUCHED_MAX] = uid;
	/* Past twice the ring, only "more than it holds" matters. */
	if (++log->n_pending == 2 * MODSEQ_TOUCHED_MAX)
		log->n_pending = MODSEQ_TOUCHED_MAX;
}

void modseq_log_sync_point(struct modseq_log *log, const struct timespec *cur)
{
	log->chain_ok = true;
	log->chain = *cur;
	log->from = *cur;
	log->touched_over = false;
	log->n_touched = 0;
	log->n_pending = 0;
}

/* By UID, then by place in the text: the last of a UID is its state. */
static int cmp_rec(const void *a, const void *b)
{
	const struct modseq_rec *x = a, *y = b;

	if (x->uid != y->uid)
		return x->uid < y->uid ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* @v[0..@n) by UID, one (the last) per UID; the new count. */
static size_t sort_last(struct modseq_rec *v, size_t n)
{
	size_t i, k;

	/*
	 * Appended in UID order (a delivery's lines, a rewritten log), the
	 * lines are mostly in order already: no sort then.
	 */
	for (i = 1; i < n && cmp_rec(&v[i - 1], &v[i]) < 0; i++)
		;
	if (i < n)
		qsort(v, n, sizeof(*v), cmp_rec);
	for (i = 0, k = 0; i < n; i++) {
		if (k && v[k - 1].uid == v[i].uid)
			k--;
		v[k] = v[i];
		v[k++].line = 0;
	}
	return k;
}

static int grow(struct modseq_rec **v, size_t *cap, size_t want)
{
	struct modseq_rec *p;
	size_t n = *cap ? *cap : 64;

	while (n < want)
		n *= 2;
	if (n == *cap)
		return 0;
	p = realloc(*v, n * sizeof(*p));
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = n;
	return 0;
}

/* The records of @text's whole lines, in order; header into @log. */
static int parse_lines(const char *text, size_t len, struct modseq_log *log,
		       struct modseq_rec **v_r, size_t *n_r, size_t *used_r)
{
	const char *p = text, *end = text + len, *nl;
	struct modseq_rec *v = NULL, r;
	struct timespec ts[2];
	size_t n = 0, cap = 0;
	uint64_t k;

	/* Room for every line at once: a log read whole is large. */
	for (nl = p; nl < end && (nl = memchr(nl, '\n', (size_t)(end - nl)));
	     nl++)
		n++;
	if (n && grow(&v, &cap, n))
		return -ENOMEM;
	n = 0;
	*used_r = 0;
	for (; p < end && (nl = memchr(p, '\n', (size_t)(end - p)));
	     p = nl + 1) {
		*used_r = (size_t)(nl + 1 - text);
		if (p == text && !log->good && parse_header(p, nl, log))
			continue;
		if (parse_mark(p, nl, &k, ts)) {
			log->lines++;
			chain_mark(log, k, ts);
			continue;
		}
		if (!parse_rec(p, nl, &r))
			continue;
		chain_rec(log, r.uid);
		if (n == cap && grow(&v, &cap, n + 1)) {
			free(v);
			return -ENOMEM;
		}
		r.line = (uint32_t)n;
		v[n++] = r;
	}
	*v_r = v;
	*n_r = n;
	return 0;
}

/*
 * Emptied but for the highest MODSEQ: the next read reads all. The chain
 * (modseq.h) goes too, lines it did not see may be lost, unless nothing
 * was ever read.
 */
static void forget(struct modseq_log *log)
{
	struct modseq_log was = *log;

	free(log->v);
	memset(log, 0, sizeof(*log));
	log->highest = was.highest;
	log->fresh_over = true;		/* what changed is no longer known */
	if (was.ino || was.good)
		return;
	log->chain_ok = was.chain_ok;
	log->from = was.from;
	log->chain = was.chain;
}

/*
 * @add (by UID, one per UID, none that @log has) into @log's records,
 * merged from the end, where the room is.
 */
static int merge(struct modseq_log *log, const struct modseq_rec *add,
		 size_t n)
{
	size_t i = log->n, j = n, k = log->n + n;

	if (!n)
		return 0;
	if (grow(&log->v, &log->cap, k))
		return -ENOMEM;
	while (j) {
		if (i && log->v[i - 1].uid > add[j - 1].uid)
			log->v[--k] = log->v[--i];
		else
			log->v[--k] = add[--j];
	}
	log->n += n;
	return 0;
}

int modseq_log_parse_more(const char *text, size_t len,
			  struct modseq_log *log)
{
	struct modseq_log was = *log;
	struct modseq_rec *v, *r;
	size_t n, used, i, k = 0;
	int ret = parse_lines(text, len, log, &v, &n, &used);

	if (ret) {
		*log = was;
		return ret;
	}
	for (i = 0; i < n; i++) {
		if (v[i].modseq > log->highest)
			log->highest = v[i].modseq;
		if (log->n_fresh < MODSEQ_TOUCHED_MAX)
			log->fresh[log->n_fresh++] = v[i].uid;
		else
			log->fresh_over = true;
	}
	log->lines += n;
	log->good += used;
	/* A UID the log has: its later line replaces it, where it is. */
	for (i = 0; i < n; i++) {
		r = (struct modseq_rec *)modseq_log_find(log, v[i].uid);
		if (r) {
			*r = v[i];
			r->line = 0;
		} else {
			v[k++] = v[i];
		}
	}
	k = sort_last(v, k);
	if (!log->n) {
		/* Read whole: the records are the log's, as they are. */
		free(log->v);
		log->v = v;
		log->cap = k;
		log->n = k;
		return 0;
	}
	ret = merge(log, v, k);
	free(v);
	if (ret)
		forget(log);
	return ret;
}

int modseq_log_parse(const char *text, size_t len, struct modseq_log *log)
{
	memset(log, 0, sizeof(*log));
	return modseq_log_parse_more(text, len, log);
}

void modseq_log_free(struct modseq_log *log)
{
	free(log->v);
	memset(log, 0, sizeof(*log));
}

const struct modseq_rec *modseq_log_find(const struct modseq_log *log,
					 uint32_t uid)
{
	size_t lo = 0, hi = log->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (log->v[mid].uid == uid)
			return &log->v[mid];
		if (log->v[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void letters_of(const struct mailbox_msg *m, char *buf, size_t len)
{
	char suffix[MAILBOX_FLAGS_MAX + 1];
	size_t n;

	mailbox_flag_suffix(m->flags, m->other, suffix, sizeof(suffix));
	n = strnlen(suffix + 3, len - 1);	/* after ":2," */
	memcpy(buf, suffix + 3, n);
	buf[n] = '\0';
}

/* Bytes [@from, @to) of @fd, parsed on into @log. */
static int read_on(int fd, off_t from, off_t to, struct modseq_log *log)
{
	size_t len = (size_t)(to - from), got = 0;
	char *buf = malloc(len + 1);
	ssize_t n;
	int ret;

	if (!buf)
		return -ENOMEM;
	while (got < len) {
		n = pread(fd, buf + got, len - got, from + (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	ret = modseq_log_parse_more(buf, got, log);
	free(buf);
	return ret;
}

int modseq_log_read(int fd, struct modseq_log *log)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	/* Compacted (renamed over), or cut by hand: read from the start. */
	if ((uint64_t)st.st_ino != log->ino || (uint64_t)st.st_dev != log->dev ||
	    (uint64_t)st.st_size < log->good)
		forget(log);
	log->dev = (uint64_t)st.st_dev;
	log->ino = (uint64_t)st.st_ino;
	if ((uint64_t)st.st_size == log->good)
		return 0;
	return read_on(fd, (off_t)log->good, st.st_size, log);
}

/*
 * The log opened and flock()ed, created if missing. A rewrite renames a
 * new file over the one a waiter may hold: it then starts again.
 */
static int lock_log(int dirfd, int *fd_r)
{
	struct stat a, b;
	int fd;

	for (;;) {
		fd = openat(dirfd, MODSEQ_LOG, O_RDWR | O_CREAT | O_CLOEXEC,
			    0600);
		if (fd < 0)
			return -errno;
		if (flock(fd, LOCK_EX) || fstat(fd, &a)) {
			close(fd);
			return -errno;
		}
		if (!fstatat(dirfd, MODSEQ_LOG, &b, 0) &&
		    a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
			*fd_r = fd;
			return 0;
		}
		close(fd);
	}
}

/* A growing text buffer; on failure it is freed and stays NULL. */
struct out {
	char *p;
	size_t len, cap;
	bool failed;
};

static void out_printf(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* At least @need bytes free at the end of @o, or it has failed. */
static int out_room(struct out *o, size_t need)
{
	char *p;

	if (o->cap - o->len >= need)
		return 0;
	o->cap = o->cap ? 2 * o->cap : 4096;
	if (o->cap - o->len < need)
		o->cap = o->len + need;
	p = realloc(o->p, o->cap);
	if (!p) {
		o->failed = true;
		return -ENOMEM;
	}
	o->p = p;
	return 0;
}

static void out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->failed || out_room(o, 96))
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->cap - o->len)
		o->failed = true;
	else
		o->len += (size_t)n;
}

static void out_header(struct out *o, uint32_t validity, uint64_t highest)
{
	out_printf(o, LOG_MAGIC "V%" PRIu32 " H%" PRIu64 "\n", validity,
		   highest);
}

/* "UID MODSEQ :letters\n", as out_printf() would, one per message. */
static void out_line(struct out *o, uint32_t uid, uint64_t modseq,
		     const char *letters)
{
	size_t n = strlen(letters);

	if (o->failed || out_room(o, 48 + n))
		return;
	o->len += put_decimal(o->p + o->len, uid);
	o->p[o->len++] = ' ';
	o->len += put_decimal(o->p + o->len, modseq);
	memcpy(o->p + o->len, " :", 2);
	memcpy(o->p + o->len + 2, letters, n);
	o->len += 2 + n;
	o->p[o->len++] = '\n';
}

static void out_msg(struct out *o, const struct mailbox_msg *m)
{
	char letters[MODSEQ_LETTERS_MAX + 1];

	letters_of(m, letters, sizeof(letters));
	out_line(o, m->uid, m->modseq, letters);
}

static int fsync_dir(int dirfd)
{
	return fsync(dirfd) ? -errno : 0;
}

/*
 * @log made what @o is, the text of the file @fd. Its chain stays: this
 * writer read every line the rewrite drops, and cur/ did not change.
 */
static void reread(int fd, const struct out *o, struct modseq_log *log)
{
	struct modseq_log was = *log;
	struct stat st;

	forget(log);
	log->chain_ok = was.chain_ok;
	log->from = was.from;
	log->chain = was.chain;
	log->touched_over = was.touched_over;
	log->n_touched = was.n_touched;
	memcpy(log->touched, was.touched, sizeof(log->touched));
	if (!fstat(fd, &st) && !modseq_log_parse_more(o->p, o->len, log)) {
		log->n_pending = 0;	/* no STORE's lines */
		log->dev = (uint64_t)st.st_dev;
		log->ino = (uint64_t)st.st_ino;
		return;
	}
	forget(log);	/* read whole next time */
	log->chain_ok = false;
}

/*
 * The log rewritten: @mb's messages as they now are (their MODSEQs just
 * set), and the lines of UIDs newer than @mb's, under the lock; @log
 * made the new file's.
 */
static int rewrite(int dirfd, const struct mailbox *mb,
		   struct modseq_log *log, uint64_t highest)
{
	uint32_t newest = mb->n ? mb->v[mb->n - 1].uid : 0;
	struct out o = { 0 };
	size_t i;
	int fd, ret;

	out_header(&o, mb->uidvalidity, highest);
	for (i = 0; i < mb->n; i++)
		out_msg(&o, &mb->v[i]);
	for (i = 0; log->uidvalidity == mb->uidvalidity && i < log->n; i++)
		if (log->v[i].uid > newest && !log->v[i].gone)
			out_line(&o, log->v[i].uid, log->v[i].modseq,
				 log->v[i].letters);
	if (o.failed) {
		free(o.p);
		return -ENOMEM;
	}
	fd = openat(dirfd, MODSEQ_TMP, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0600);
	ret = fd < 0 ? -errno : fileio_pwrite(fd, o.p, o.len, 0);
	if (!ret && fsync(fd))
		ret = -errno;
	if (!ret && renameat(dirfd, MODSEQ_TMP, dirfd, MODSEQ_LOG))
		ret = -errno;
	if (!ret)
		ret = fsync_dir(dirfd);
	else
		unlinkat(dirfd, MODSEQ_TMP, 0);
	if (!ret)
		reread(fd, &o, log);
	if (fd >= 0)
		close(fd);
	free(o.p);
	return ret;
}

/* Message @m's MODSEQ from @log, 0 if the log does not know it as it is. */
static uint64_t known_as(const struct modseq_log *log,
			 const struct mailbox *mb, const struct mailbox_msg *m,
			 const struct modseq_rec *r)
{
	char suffix[MAILBOX_FLAGS_MAX + 1];

	if (!r || r->gone || log->uidvalidity != mb->uidvalidity)
		return 0;
	mailbox_flag_suffix(m->flags, m->other, suffix, sizeof(suffix));
	return strcmp(suffix + 3, r->letters) ? 0 : r->modseq;	/* ":2," */
}

static uint64_t known(const struct modseq_log *log, const struct mailbox *mb,
		      const struct mailbox_msg *m)
{
	return known_as(log, mb, m, modseq_log_find(log, m->uid));
}

/* MODSEQs from @log; those it lacks get @next. How many lacked one. */
static size_t apply(struct mailbox *mb, const struct modseq_log *log,
		    uint64_t next, bool *need)
{
	const struct modseq_rec *r;
	size_t i, j = 0, n = 0;

	mb->highestmodseq = log->highest;
	/* Both by UID: one walk, not a search per message. */
	for (i = 0; i < mb->n; i++) {
		while (j < log->n && log->v[j].uid < mb->v[i].uid)
			j++;
		r = j < log->n && log->v[j].uid == mb->v[i].uid ? &log->v[j] :
			NULL;
		mb->v[i].modseq = known_as(log, mb, &mb->v[i], r);
		need[i] = !mb->v[i].modseq;
		if (need[i]) {
			mb->v[i].modseq = next;
			mb->highestmodseq = next;
			n++;
		}
	}
	return n;
}

/*
 * Under the lock: @mb's unknown messages (if @need) or @idx (STORE) or
 * @gone (EXPUNGE) given log->highest + 1 and appended, or the whole log
 * rewritten when its header is stale or it has grown too long.
 */
struct change {
	const size_t *idx;
	size_t n;
	const uint32_t *gone;
	size_t n_gone;
	bool load;
	const struct timespec *cur;	/* STORE's cur/ mtimes, or NULL */
};

static int commit(int dirfd, int fd, struct mailbox *mb,
		  struct modseq_log *log, const struct change *c)
{
	struct out o = { 0 };
	uint64_t next;
	bool *need = NULL;
	size_t i, k = 0;
	int ret = modseq_log_read(fd, log);

	if (ret)
		return ret;
	next = log->highest + 1;
	ret = -EOVERFLOW;
	if (next > MODSEQ_LIMIT)
		goto out;
	ret = -ENOMEM;
	need = calloc(mb->n + 1, sizeof(*need));
	if (!need)
		goto out;
	if (c->load && !apply(mb, log, next, need)) {
		ret = 0;	/* another session logged them meanwhile */
		goto out;
	}
	for (i = 0; i < c->n; i++) {
		mb->v[c->idx[i]].modseq = next;
		need[c->idx[i]] = true;
	}
	if (mb->highestmodseq < next)
		mb->highestmodseq = next;
	if (log->uidvalidity != mb->uidvalidity ||
	    log->lines > 2 * mb->n + COMPACT_SLACK) {
		if (!c->load)
			for (i = 0; i < mb->n; i++)
				if (!need[i] && !(mb->v[i].modseq =
						  known(log, mb, &mb->v[i])))
					mb->v[i].modseq = next;
		ret = rewrite(dirfd, mb, log, next);
		goto out;
	}
	if (!log->good)
		out_header(&o, mb->uidvalidity, log->highest);
	for (i = 0; i < mb->n; i++)
		if (need[i]) {
			out_msg(&o, &mb->v[i]);
			k++;
		}
	for (i = 0; i < c->n_gone; i++)
		out_printf(&o, "%" PRIu32 " %" PRIu64 " !\n", c->gone[i], next);
	if (c->cur)
		out_printf(&o, "C %zu %lld %ld %lld %ld\n", k + c->n_gone,
			   (long long)c->cur[0].tv_sec, c->cur[0].tv_nsec,
			   (long long)c->cur[1].tv_sec, c->cur[1].tv_nsec);
	ret = -ENOMEM;
	if (o.failed)
		goto out;
	/* A torn line of a crash is cut off, not continued. */
	ret = ftruncate(fd, (off_t)log->good) ? -errno : 0;
	if (!ret)
		ret = fileio_pwrite(fd, o.p, o.len, (off_t)log->good);
	if (!ret && fdatasync(fd))
		ret = -errno;
	if (!ret && !log->good)
		ret = fsync_dir(dirfd);
	/* What was just written is known as read: the next read goes on. */
	if (!ret && modseq_log_parse_more(o.p, o.len, log))
		forget(log);
out:
	free(o.p);
	free(need);
	return ret;
}

static int commit_locked(struct mailbox *mb, struct modseq_log *log,
			 const struct change *c)
{
	int dirfd, fd, ret;

	dirfd = open(mb->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	ret = lock_log(dirfd, &fd);
	if (!ret) {
		ret = commit(dirfd, fd, mb, log, c);
		close(fd);	/* drops the flock */
	}
	close(dirfd);
	return ret;
}

int modseq_log_update(const char *dir, struct modseq_log *log)
{
	char path[PATH_MAX + 32];
	int fd, ret;

	snprintf(path, sizeof(path), "%s/" MODSEQ_LOG, dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		forget(log);	/* none yet, or removed: MODSEQs go on */
		return 0;
	}
	if (fd < 0)
		return -errno;
	ret = modseq_log_read(fd, log);
	close(fd);
	return ret;
}

int modseq_load(struct mailbox *mb, struct modseq_log *log, bool write)
{
	struct change c = { .load = true };
	bool *need;
	size_t n;
	int ret = modseq_log_update(mb->path, log);

	if (ret)
		return ret;
	need = calloc(mb->n + 1, sizeof(*need));
	if (!need)
		return -ENOMEM;
	n = apply(mb, log, log->highest + 1, need);
	free(need);
	/* The common case: nothing new since the log was written. */
	if (n && write)
		ret = commit_locked(mb, log, &c);
	/* All of it applied (a commit applies what it reads). */
	log->n_fresh = 0;
	log->fresh_over = false;
	return ret;
}

int modseq_changed(struct mailbox *mb, struct modseq_log *log,
		   const size_t *idx, size_t n)
{
	struct change c = { .idx = idx, .n = n };

	return n ? commit_locked(mb, log, &c) : 0;
}

int modseq_stored(struct mailbox *mb, struct modseq_log *log,
		  const size_t *idx, size_t n, const struct timespec cur[2])
{
	struct change c = { .idx = idx, .n = n, .cur = cur };

	return n ? commit_locked(mb, log, &c) : 0;
}

/* Message @m as the letters of @r name it, if its file is there. */
struct renamed {
	char *name;
	bool gone;		/* expunged, its file gone */
	unsigned int flags;
	char other[sizeof(((struct mailbox_msg *)0)->other)];
};

static int rename_target(const struct mailbox *mb, const struct mailbox_msg *m,
			 const struct modseq_rec *r, struct renamed *t)
{
	char suffix[MAILBOX_FLAGS_MAX + 1], path[PATH_MAX];
	struct stat st;

	t->gone = false;
	t->flags = mailbox_flags_parse(r->letters, t->other, sizeof(t->other));
	mailbox_flag_suffix(t->flags, t->other, suffix, sizeof(suffix));
	if (asprintf(&t->name, "cur/%.*s%s", (int)m->base_len, m->name + 4,
		     suffix) < 0)
		return -ENOMEM;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", mb->path,
			     t->name) >= sizeof(path) || stat(path, &st)) {
		free(t->name);
		t->name = NULL;
		return -ESTALE;
	}
	return 0;
}

/* @m takes @t; whether its flags changed. */
static bool rename_take(struct mailbox_msg *m, struct renamed *t)
{
	bool changed = m->flags != t->flags || strcmp(m->other, t->other);

	free(m->name);
	m->name = t->name;
	t->name = NULL;
	m->flags = t->flags;
	memcpy(m->other, t->other, sizeof(t->other));
	return changed;
}

/* Message @m renamed to the letters of @r, if its file is there. */
static int rename_to(const struct mailbox *mb, struct mailbox_msg *m,
		     const struct modseq_rec *r)
{
	struct renamed t;
	int ret = rename_target(mb, m, r, &t);

	if (!ret)
		rename_take(m, &t);
	return ret;
}

int modseq_renamed(struct mailbox *mb, struct modseq_log *log)
{
	const struct modseq_rec *r;
	size_t i;
	long k;
	int ret = 0;

	if (!log->chain_ok || log->touched_over)
		return -ESTALE;
	for (i = 0; i < log->n_touched && !ret; i++) {
		r = modseq_log_find(log, log->touched[i]);
		k = mailbox_find(mb, log->touched[i]);
		if (!r || r->gone || k < 0 || mb->v[k].in_new)
			ret = -ESTALE;
		else
			ret = rename_to(mb, &mb->v[k], r);
	}
	log->n_touched = 0;
	return ret;
}

/*
 * Whether cur/ changed, since @old read it, by STOREs alone (the log's
 * chain reaches cur/'s mtime): then their renames come from the log.
 */
static int rescan_from_log(const struct mailbox *old, struct mailbox *fresh,
			   struct modseq_log *log)
{
	struct timespec cur;

	if (!log->chain_ok || old->cur_from_log ||
	    mailbox_cur_mtime(old, &cur) || modseq_log_update(old->path, log) ||
	    !log->chain_ok || !ts_eq(&cur, &log->chain))
		return -ESTALE;
	if (mailbox_rescan_cur(old, fresh, &cur))
		return -ESTALE;
	if (fresh->cur_from_log && modseq_renamed(fresh, log)) {
		mailbox_close(fresh);
		return -ESTALE;
	}
	return 0;
}

int modseq_rescan(const struct mailbox *old, struct mailbox *fresh,
		  struct modseq_log *log)
{
	int ret = rescan_from_log(old, fresh, log);

	if (ret)
		ret = mailbox_rescan(old, fresh);
	if (!ret && !fresh->cur_from_log)
		modseq_log_sync_point(log, &fresh->stamp[1]);
	return ret;
}

int modseq_expunged(struct mailbox *mb, struct modseq_log *log,
		    const uint32_t *uid, size_t n, const struct timespec cur[2])
{
	struct change c = { .gone = uid, .n_gone = n, .cur = cur };

	return n ? commit_locked(mb, log, &c) : 0;
}

static void delta_add(struct modseq_delta *d, uint32_t uid, bool flags,
		      bool modseq)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].uid == uid) {
			d->v[i].flags |= flags;
			d->v[i].modseq |= modseq;
			return;
		}
	if (d->n < MODSEQ_CHANGES_MAX)
		d->v[d->n++] = (struct modseq_change){ .uid = uid,
						       .flags = flags,
						       .modseq = modseq };
}

/* Message @m, expunged: @t says so if its file is gone. */
static int gone_target(const struct mailbox *mb, const struct mailbox_msg *m,
		       unsigned int how, struct renamed *t)
{
	char path[PATH_MAX];
	struct stat st;

	t->name = NULL;
	t->gone = true;
	if (how & MODSEQ_NO_GONE ||
	    (size_t)snprintf(path, sizeof(path), "%s/%s", mb->path,
			     m->name) >= sizeof(path) ||
	    !stat(path, &st) || errno != ENOENT)
		return -ESTALE;
	return 0;
}

/* The messages @t names gone (their indices @k) removed from @mb, told. */
static void remove_gone(struct mailbox *mb, const long *k,
			const struct renamed *t, size_t n,
			struct modseq_delta *d)
{
	size_t i, j, w;

	for (i = 0; i < n; i++)
		if (t[i].gone && mb->v[k[i]].name) {
			d->gone[d->n_gone++] = mb->v[k[i]].uid;
			d->gone_recent += mb->v[k[i]].recent;
			free(mb->v[k[i]].name);
			mb->v[k[i]].name = NULL;
		}
	if (!d->n_gone)
		return;
	for (j = 0, w = 0; j < mb->n; j++)
		if (mb->v[j].name)
			mb->v[w++] = mb->v[j];
	mb->n = w;
}

/*
 * modseq_renamed() in place, and the chain's expunges: every touched
 * message checked (its line, its file) before any is changed, so that a
 * refusal leaves @mb whole.
 */
static int renamed_in_place(struct mailbox *mb, struct modseq_log *log,
			    unsigned int how, struct modseq_delta *d)
{
	struct renamed t[MODSEQ_TOUCHED_MAX];
	const struct modseq_rec *r;
	long k[MODSEQ_TOUCHED_MAX];
	size_t i, n = log->n_touched;
	int ret = 0;

	for (i = 0; i < n && !ret; i++) {
		r = modseq_log_find(log, log->touched[i]);
		k[i] = mailbox_find(mb, log->touched[i]);
		if (!r || k[i] < 0 || mb->v[k[i]].in_new)
			ret = -ESTALE;
		else if (r->gone)
			ret = gone_target(mb, &mb->v[k[i]], how, &t[i]);
		else
			ret = rename_target(mb, &mb->v[k[i]], r, &t[i]);
		if (ret)
			n = i;
	}
	for (i = 0; i < n; i++) {
		if (ret || t[i].gone)
			free(t[i].name);
		else
			delta_add(d, mb->v[k[i]].uid,
				  rename_take(&mb->v[k[i]], &t[i]), false);
	}
	if (ret)
		return ret;
	remove_gone(mb, k, t, n, d);
	log->n_touched = 0;
	return 0;
}

/* cur/ changed by the chain's STOREs and EXPUNGEs alone: done in place. */
static int cur_from_log(struct mailbox *mb, struct modseq_log *log,
			const struct timespec ts[2], unsigned int how,
			struct modseq_delta *d)
{
	int ret;

	if (!log->chain_ok || log->touched_over || mb->cur_from_log ||
	    !mb->settled || !ts_eq(&ts[0], &mb->stamp[0]) ||
	    !ts_eq(&ts[1], &log->chain))
		return -ESTALE;
	ret = renamed_in_place(mb, log, how, d);
	if (ret)
		return ret;
	/* As mailbox_rescan_cur(): the next rescan reads cur/ whole. */
	mb->stamp[1] = ts[1];
	mb->cur_from_log = true;
	mb->settled = mb->cur_settled = false;
	return 0;
}

/* Message @k's MODSEQ from @log, or it is one of @need's. */
static void take_modseq(struct mailbox *mb, const struct modseq_log *log,
			size_t k, size_t *need, size_t *n_need,
			struct modseq_delta *d, bool told)
{
	struct mailbox_msg *m = &mb->v[k];
	uint64_t ms = known(log, mb, m);
	size_t i;

	if (!ms) {
		for (i = 0; i < *n_need; i++)
			if (need[i] == k)
				return;
		need[(*n_need)++] = k;
		return;
	}
	if (ms == m->modseq)
		return;
	m->modseq = ms;
	if (told)
		delta_add(d, m->uid, false, true);
}

/*
 * The MODSEQs of what changed: the renamed, the appended, the messages
 * of the lines read since. Those the log does not know as they now are
 * get a new one, logged (as modseq_load() would).
 */
static int modseqs(struct mailbox *mb, struct modseq_log *log,
		   struct modseq_delta *d, size_t first_added)
{
	size_t *need, n_need = 0, i, cap;
	long k;
	int ret = 0;

	cap = d->n + log->n_fresh + (mb->n - first_added) + 1;
	need = malloc(cap * sizeof(*need));
	if (!need)
		return -ENOMEM;
	if (mb->highestmodseq < log->highest)
		mb->highestmodseq = log->highest;
	/*
	 * cur/ unknown (a rescan follows): the view's letters may be stale,
	 * none is logged; the fresh lines are left to the rescan's load.
	 */
	for (i = 0; !d->cur_unknown && i < d->n; i++)
		if ((k = mailbox_find(mb, d->v[i].uid)) >= 0)
			take_modseq(mb, log, (size_t)k, need, &n_need, d, true);
	for (i = 0; !d->cur_unknown && i < log->n_fresh; i++)
		if ((k = mailbox_find(mb, log->fresh[i])) >= 0 &&
		    (size_t)k < first_added)
			take_modseq(mb, log, (size_t)k, need, &n_need, d, true);
	for (i = first_added; i < mb->n; i++)
		take_modseq(mb, log, i, need, &n_need, d, false);
	if (!d->cur_unknown)
		log->n_fresh = 0;
	/* Shown even if the log cannot be written, as modseq_load() does. */
	for (i = 0; i < n_need; i++) {
		mb->v[need[i]].modseq = log->highest + 1;
		if (need[i] < first_added)
			delta_add(d, mb->v[need[i]].uid, false, true);
	}
	if (n_need && mb->highestmodseq <= log->highest)
		mb->highestmodseq = log->highest + 1;
	if (n_need)
		ret = modseq_changed(mb, log, need, n_need);
	free(need);
	return ret;
}

int modseq_update(struct mailbox *mb, struct modseq_log *log, unsigned int how,
		  struct modseq_delta *d)
{
	struct timespec ts[2];
	size_t first;
	bool cur_same;
	int ret;

	d->n = 0;
	d->n_gone = 0;
	d->gone_recent = 0;
	d->added = 0;
	d->cur_unknown = false;
	ret = modseq_log_update(mb->path, log);
	if (ret)
		return ret;
	if (log->fresh_over || log->uidvalidity != mb->uidvalidity ||
	    mailbox_mtimes(mb, ts))
		return -ESTALE;
	cur_same = mb->cur_settled && ts_eq(&ts[1], &mb->stamp[1]);
	if (!cur_same && (how & MODSEQ_CUR_KNOWN) && !mb->cur_from_log) {
		cur_same = true;
		mb->stamp[1] = ts[1];
		mb->settled = mb->cur_settled = false;
	}
	d->cur_same = cur_same;
	if (!cur_same && cur_from_log(mb, log, ts, how, d)) {
		if (!(how & MODSEQ_NEW_ANYWAY))
			return -ESTALE;
		d->cur_unknown = true;
	}
	first = mb->n;
	/*
	 * new/ read again unless its mtime is the one the view read and was
	 * old enough then: after renames from the log the view is not
	 * settled (cur/ is read whole at the next rescan), but new/ still is
	 * known, and going through a large view for its messages in new/
	 * was most of what following another session's STORE cost.
	 */
	if (!mb->new_settled || !ts_eq(&ts[0], &mb->stamp[0])) {
		/* Not after renames from the log: those want new/ the same. */
		ret = mailbox_update_new(mb, &d->added);
		if (ret)
			return ret;
	}
	d->log_err = modseqs(mb, log, d, first);
	if (cur_same && !mb->cur_from_log)
		modseq_log_sync_point(log, &mb->stamp[1]);
	return 0;
}
