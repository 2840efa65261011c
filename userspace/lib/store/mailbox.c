// SPDX-License-Identifier: GPL-2.0
/*
 * A Maildir as a mailbox: scanning new/ and cur/, the persistent UID list
 * (dovecot-uidlist, under its dotlock) and flag changes as renames.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "decimal.h"
#include "dotlock.h"
#include "fileio.h"
#include "mailbox.h"
#include "maildir.h"
#include "rfc5322.h"

#define UIDLIST		"dovecot-uidlist"
#define UIDLIST_LOCK	"dovecot-uidlist.lock"	/* dotlock.h */
/* The list is a few MB at 100,000 messages: read whole, bounded. */
#define UIDLIST_MAX	(256u << 20)

/* A line of the UID list, or a message of a view: the UID a base had. */
struct entry {
	uint32_t uid;
	uint32_t len;		/* of base */
	const char *base;	/* not NUL-ended in a view's entries */
};

/*
 * Entries by base name, open addressing: the UID list is looked up once
 * per message at every scan, so in O(1). A slot keeps the hash, so that
 * most misses compare no string; index + 1 into v, 0 for a free slot.
 */
struct slot {
	uint32_t hash;
	uint32_t idx;
};

struct basetab {
	struct entry *v;
	size_t n;
	struct slot *slots;
	size_t mask;
};

struct uidlist {
	char *buf;
	struct basetab tab;
	uint32_t uidvalidity;
	uint32_t uidnext;
	bool valid;		/* a version 3 header was read */
	bool in_order;		/* every line's UID above the line's before */
};

static const struct {
	char letter;
	unsigned int flag;
} letters[] = {
	{ 'D', MAILBOX_DRAFT }, { 'F', MAILBOX_FLAGGED },
	{ 'R', MAILBOX_ANSWERED }, { 'S', MAILBOX_SEEN },
	{ 'T', MAILBOX_DELETED },
};

unsigned int mailbox_flags_parse(const char *s, char *other, size_t len)
{
	unsigned int flags = 0;
	size_t i, n = 0;
	bool sys;

	for (; *s; s++) {
		sys = false;
		for (i = 0; i < sizeof(letters) / sizeof(letters[0]); i++) {
			if (*s == letters[i].letter) {
				flags |= letters[i].flag;
				sys = true;
			}
		}
		if (!sys && ((*s >= 'a' && *s <= 'z') || *s == 'P') &&
		    n + 1 < len && !memchr(other, *s, n))
			other[n++] = *s;
	}
	if (len)
		other[n] = '\0';
	return flags;
}

void mailbox_flag_suffix(unsigned int flags, const char *other, char *buf,
			 size_t len)
{
	uint64_t set = 0;	/* bit c - 'A' for each letter 'A'..'z' */
	size_t i, n;
	int c;

	for (i = 0; i < sizeof(letters) / sizeof(letters[0]); i++)
		if (flags & letters[i].flag)
			set |= 1ULL << (letters[i].letter - 'A');
	for (; other && *other; other++) {
		c = *other & 127;
		if (c >= 'A' && c <= 'z')
			set |= 1ULL << (c - 'A');
	}
	if (len < 4) {
		if (len)
			buf[0] = '\0';
		return;
	}
	memcpy(buf, ":2,", 3);
	/* In ASCII order, each letter once: the lowest bit first. */
	for (n = 3; set && n + 1 < len; set &= set - 1)
		buf[n++] = (char)('A' + __builtin_ctzll(set));
	if (n < len)
		buf[n] = '\0';
}

void mailbox_uidl(const struct mailbox *mb, size_t i, char buf[17])
{
	/* Dovecot's %X is lower-case hex: "%08Xu%08Xv" gives 0000000a... */
	snprintf(buf, 17, "%08x%08x", mb->v[i].uid, mb->uidvalidity);
}

/* FNV-1a of a base name. */
static uint32_t hash_base(const char *base, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)base[i]) * 16777619u;
	return h;
}

static int basetab_index(struct basetab *t)
{
	size_t size = 64, i, j;
	uint32_t h;

	while (size < 2 * t->n)
		size *= 2;
	t->slots = calloc(size, sizeof(*t->slots));
	if (!t->slots)
		return -ENOMEM;
	t->mask = size - 1;
	for (i = 0; i < t->n; i++) {
		h = hash_base(t->v[i].base, t->v[i].len);
		for (j = h & t->mask; t->slots[j].idx; j = (j + 1) & t->mask)
			;
		t->slots[j].hash = h;
		t->slots[j].idx = (uint32_t)i + 1;
	}
	return 0;
}

/* The first entry for base @base[0..@len), or NULL. */
static const struct entry *basetab_find(const struct basetab *t,
					const char *base, size_t len)
{
	const struct entry *e;
	uint32_t h;
	size_t j;

	if (!t->n)
		return NULL;
	h = hash_base(base, len);
	for (j = h & t->mask; t->slots[j].idx; j = (j + 1) & t->mask) {
		if (t->slots[j].hash != h)
			continue;
		e = &t->v[t->slots[j].idx - 1];
		if (e->len == len && !memcmp(e->base, base, len))
			return e;
	}
	return NULL;
}

static void basetab_free(struct basetab *t)
{
	free(t->slots);
	free(t->v);
}

/* "3 V<uidvalidity> N<uidnext> ..." */
static bool parse_header(struct uidlist *ul, char *line)
{
	char *tok, *save, *end;
	unsigned long v;

	tok = strtok_r(line, " ", &save);
	if (!tok || strcmp(tok, "3"))
		return false;
	while ((tok = strtok_r(NULL, " ", &save))) {
		v = strtoul(tok + 1, &end, 10);
		if (*end || v > UINT32_MAX)
			continue;
		if (tok[0] == 'V')
			ul->uidvalidity = (uint32_t)v;
		else if (tok[0] == 'N')
			ul->uidnext = (uint32_t)v;
	}
	return ul->uidvalidity != 0;
}

/* "<uid> [fields] :<base>"; false for anything else. */
static bool parse_line(char *line, struct entry *e)
{
	unsigned long uid;
	char *end, *colon;

	uid = strtoul(line, &end, 10);
	if (end == line || *end != ' ' || !uid || uid > UINT32_MAX)
		return false;
	colon = strstr(end, " :");
	if (!colon || !colon[2] || strchr(colon + 2, '/'))
		return false;
	e->uid = (uint32_t)uid;
	e->base = colon + 2;
	e->len = (uint32_t)strlen(e->base);
	return true;
}

static int read_file(int dirfd, const char *name, char **buf_r, size_t *len_r)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t got;
	size_t len = 0;
	char *buf;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || (size_t)st.st_size > UIDLIST_MAX) {
		close(fd);
		return -EFBIG;
	}
	buf = malloc((size_t)st.st_size + 1);
	while (buf && len < (size_t)st.st_size) {
		got = read(fd, buf + len, (size_t)st.st_size - len);
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	close(fd);
	if (!buf)
		return -ENOMEM;
	buf[len] = '\0';
	*buf_r = buf;
	*len_r = len;
	return 0;
}

/*
 * Reads the list; a missing or unreadable one is an empty, invalid list
 * (the mailbox then gets a new UIDVALIDITY, as RFC 3501 2.3.1.1 asks when
 * UIDs cannot be kept).
 */
static int uidlist_read(int dirfd, struct uidlist *ul)
{
	char *p, *nl;
	size_t len, cap = 0;
	struct entry e, *v;
	uint32_t last = 0;
	int ret;

	memset(ul, 0, sizeof(*ul));
	ret = read_file(dirfd, UIDLIST, &ul->buf, &len);
	if (ret == -ENOENT || ret == -EFBIG)
		return 0;
	if (ret)
		return ret;
	nl = strchr(ul->buf, '\n');
	if (!nl)
		return 0;
	*nl = '\0';
	ul->valid = parse_header(ul, ul->buf);
	if (!ul->valid)
		return 0;
	ul->in_order = true;
	/* Only whole lines: an append cut short by a crash ends unended. */
	for (p = nl + 1; (nl = strchr(p, '\n')); p = nl + 1) {
		*nl = '\0';
		if (!parse_line(p, &e))
			continue;
		if (ul->tab.n == cap) {
			cap = cap ? 2 * cap : 256;
			v = realloc(ul->tab.v, cap * sizeof(*v));
			if (!v)
				return -ENOMEM;
			ul->tab.v = v;
		}
		ul->tab.v[ul->tab.n++] = e;
		ul->in_order = ul->in_order && e.uid > last;
		last = e.uid;
		if (e.uid >= ul->uidnext)
			ul->uidnext = e.uid + 1;
	}
	return basetab_index(&ul->tab);
}

static void uidlist_free(struct uidlist *ul)
{
	basetab_free(&ul->tab);
	free(ul->buf);
}

static void lock_drop(int dirfd, int fd)
{
	close(fd);
	unlinkat(dirfd, UIDLIST_LOCK, 0);
}

static int fsync_at(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = fsync(fd) ? -errno : 0;
	close(fd);
	return ret;
}

/* Lines for messages @from..n-1 (all for a rewrite) into a new buffer. */
static char *format_lines(const struct mailbox *mb, size_t from,
			  bool header, size_t *len_r)
{
	size_t cap = 64 + (mb->n - from) * 24, len = 0, i, need;
	char *buf = malloc(cap), *nb;
	const struct mailbox_msg *m;

	if (buf && header)
		len = (size_t)snprintf(buf, cap, "3 V%u N%u\n",
				       mb->uidvalidity, mb->uidnext);
	for (i = from; buf && i < mb->n; i++) {
		m = &mb->v[i];
		need = m->base_len + 16;
		if (len + need >= cap) {
			cap = 2 * cap + need;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
		}
		len += put_decimal(buf + len, m->uid);
		memcpy(buf + len, " :", 2);
		memcpy(buf + len + 2, m->name + 4, m->base_len);
		len += 2 + m->base_len;
		buf[len++] = '\n';
	}
	*len_r = len;
	return buf;
}

/* The whole list into the lock file, renamed over the old one. */
static int uidlist_rewrite(int dirfd, int lockfd, const struct mailbox *mb)
{
	size_t len;
	char *buf = format_lines(mb, 0, true, &len);
	int ret;

	if (!buf)
		return -ENOMEM;
	ret = fileio_write(lockfd, buf, len);
	free(buf);
	if (!ret && fsync(lockfd))
		ret = -errno;
	if (!ret && renameat(dirfd, UIDLIST_LOCK, dirfd, UIDLIST))
		ret = -errno;
	if (!ret)
		ret = fsync_at(dirfd, ".");
	return ret;
}

/* New messages' lines at the end of the list, made durable. */
static int uidlist_append(int dirfd, const struct mailbox *mb, size_t from)
{
	int fd = openat(dirfd, UIDLIST, O_WRONLY | O_APPEND | O_CLOEXEC);
	size_t len;
	char *buf;
	int ret;

	if (fd < 0)
		return -errno;
	buf = format_lines(mb, from, false, &len);
	ret = buf ? fileio_write(fd, buf, len) : -ENOMEM;
	free(buf);
	if (!ret && fsync(fd))
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * The UID the list's next line gets: the larger of the header's N and the
 * last whole line's UID + 1, reading the first line and the last 4 KiB
 * only; 0 if the list is no version 3 or its end cannot be parsed.
 * *@torn_r: the list ends in a line cut short, to be ended first.
 */
static uint32_t uidlist_next(int fd, uint32_t *validity_r, bool *torn_r)
{
	struct uidlist ul = { 0 };
	char head[256], tail[4097], *nl, *last;
	struct entry e;
	struct stat st;
	ssize_t got;
	off_t from;

	got = pread(fd, head, sizeof(head) - 1, 0);
	if (got <= 0 || fstat(fd, &st))
		return 0;
	head[got] = '\0';
	nl = strchr(head, '\n');
	if (!nl)
		return 0;
	*nl = '\0';
	if (!parse_header(&ul, head))
		return 0;
	from = st.st_size > 4096 ? st.st_size - 4096 : 0;
	got = pread(fd, tail, sizeof(tail) - 1, from);
	if (got <= 0)
		return 0;
	tail[got] = '\0';
	*torn_r = tail[got - 1] != '\n';
	nl = strrchr(tail, '\n');
	if (!nl)
		return 0;
	*nl = '\0';
	last = strrchr(tail, '\n');
	last = last ? last + 1 : tail;
	*validity_r = ul.uidvalidity;
	if (from == 0 && last == tail)		/* the header alone */
		return ul.uidnext ? ul.uidnext : 1;
	if (!parse_line(last, &e))
		return 0;
	return e.uid >= ul.uidnext ? e.uid + 1 : ul.uidnext;
}

int mailbox_commit_uid(struct maildir_msg *m, char *name_r, size_t len,
		       uint32_t *uid_r, uint32_t *validity_r)
{
	/* The commit closes the message's own descriptor of the Maildir. */
	int dirfd = fcntl(m->dirfd, F_DUPFD_CLOEXEC, 0), lockfd, fd, ret;
	char line[MAILDIR_NAME_MAX + 64];
	bool torn = false;
	uint32_t uid = 0;

	*uid_r = 0;
	if (dirfd < 0)
		return -errno;
	lockfd = dotlock_take(dirfd, UIDLIST_LOCK);
	if (lockfd < 0) {
		close(dirfd);
		return lockfd;
	}
	fd = openat(dirfd, UIDLIST, O_RDWR | O_APPEND | O_CLOEXEC);
	if (fd >= 0)
		uid = uidlist_next(fd, validity_r, &torn);
	if (uid) {
		snprintf(line, sizeof(line), "%s%u :%s,S=%zu\n",
			 torn ? "\n" : "", uid, m->name, m->size);
		ret = fileio_write(fd, line, strlen(line));
		if (!ret && fsync(fd))
			ret = -errno;
		if (ret)
			uid = 0;
	}
	if (fd >= 0)
		close(fd);
	ret = maildir_commit(m, name_r, len);
	lock_drop(dirfd, lockfd);
	close(dirfd);
	if (!ret)
		*uid_r = uid;
	return ret;
}

static int path_of(const struct mailbox *mb, const char *name, char *buf,
		   size_t len);

/*
 * Where ",W=" (else ",S=") starts in @base[0..@len), or NULL: one pass,
 * as this runs once per name of every scan.
 */
static const char *size_field(const char *base, size_t len)
{
	const char *s = NULL, *p = base, *end = base + len;

	while ((p = memchr(p, ',', (size_t)(end - p))) && end - p >= 3) {
		if (p[2] == '=' && p[1] == 'W')
			return p;
		if (p[2] == '=' && p[1] == 'S' && !s)
			s = p;
		p++;
	}
	return s;
}

/* @m from its file name @name in @sub ("new" or "cur"), UID apart. */
static int fill_msg(struct mailbox_msg *m, const char *sub, const char *name,
		    int subfd)
{
	size_t len = strlen(name), sublen = strlen(sub);
	const char *colon = memchr(name, ':', len), *s;
	struct stat st;

	/* Once per message of a large view: no printf, no string twice. */
	memset(m, 0, sizeof(*m));
	m->name = malloc(sublen + 1 + len + 1);
	if (!m->name)
		return -ENOMEM;
	memcpy(m->name, sub, sublen);
	m->name[sublen] = '/';
	memcpy(m->name + sublen + 1, name, len + 1);
	m->base_len = colon ? (size_t)(colon - name) : len;
	m->in_new = !strcmp(sub, "new");
	if (colon && !strncmp(colon, ":2,", 3))
		m->flags = mailbox_flags_parse(colon + 3, m->other,
					       sizeof(m->other));
	/*
	 * ",W=" is the size with CRLF line ends, which Dovecot adds when it
	 * stored the message with bare LFs: the size a client is told. Both
	 * are looked for in the base only (what follows ':' is flags).
	 */
	s = size_field(name, m->base_len);
	if (s)
		m->size = strtoull(s + 3, NULL, 10);
	else if (!fstatat(subfd, name, &st, 0))
		m->size = (uint64_t)st.st_size;
	return 0;
}

static int add_msg(struct mailbox *mb, size_t *cap, const char *sub,
		   const char *name, int subfd)
{
	struct mailbox_msg *v;
	int ret;

	if (mb->n == *cap) {
		*cap = *cap ? 2 * *cap : 256;
		v = realloc(mb->v, *cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		mb->v = v;
	}
	ret = fill_msg(&mb->v[mb->n], sub, name, subfd);
	if (!ret)
		mb->n++;
	return ret;
}

int mailbox_add(struct mailbox *mb, const char *name, uint32_t uid)
{
	struct mailbox_msg *v;
	char sub[4], path[PATH_MAX];
	struct stat st;
	int ret;

	if (strncmp(name, "new/", 4) && strncmp(name, "cur/", 4))
		return -EINVAL;
	if (!uid || uid != mb->uidnext)
		return -ESTALE;
	v = realloc(mb->v, (mb->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	mb->v = v;
	memcpy(sub, name, 3);
	sub[3] = '\0';
	/* No ",S=" in the name (not one of ours): the file's size. */
	ret = fill_msg(&mb->v[mb->n], sub, name + 4, -1);
	if (ret)
		return ret;
	if (!strstr(name, ",S=") && !path_of(mb, name, path, sizeof(path)) &&
	    !stat(path, &st))
		mb->v[mb->n].size = (uint64_t)st.st_size;
	mb->v[mb->n++].uid = uid;
	mb->uidnext = uid + 1;
	return 0;
}

/* Every message of new/ then cur/ (a move in between is seen in cur/). */
static int scan_dirs(struct mailbox *mb, int dirfd, size_t cap, int dirs)
{
	static const char *const subs[] = { "new", "cur" };
	struct dirent *e;
	int fd, ret = 0, i;
	DIR *d;

	for (i = 0; i < dirs && !ret; i++) {
		fd = openat(dirfd, subs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		d = fd >= 0 ? fdopendir(fd) : NULL;
		if (!d) {
			ret = -errno;
			if (fd >= 0)
				close(fd);
			break;
		}
		while (!ret && (e = readdir(d)))
			if (e->d_name[0] != '.')
				ret = add_msg(mb, &cap, subs[i], e->d_name,
					      fd);
		closedir(d);
	}
	return ret;
}

static int scan(struct mailbox *mb, int dirfd)
{
	return scan_dirs(mb, dirfd, 0, 2);
}

static int cmp_uid_then_name(const void *a, const void *b)
{
	const struct mailbox_msg *x = a, *y = b;

	if (x->uid != y->uid)
		return x->uid < y->uid ? -1 : 1;
	/* Both new (uid 0): delivery order, as the names start with it. */
	return strcmp(x->name + 4, y->name + 4);
}

static void drop(struct mailbox *mb, size_t i)
{
	free(mb->v[i].name);
	memmove(&mb->v[i], &mb->v[i + 1], (mb->n - i - 1) * sizeof(*mb->v));
	mb->n--;
}

/* A base seen twice from @from on (sorted: side by side) counts once. */
static void dedupe_from(struct mailbox *mb, size_t from)
{
	size_t i;

	for (i = from + 1; i < mb->n;) {
		/* The same base twice has the same UID (0 if new). */
		if (mb->v[i].uid == mb->v[i - 1].uid &&
		    mb->v[i].base_len == mb->v[i - 1].base_len &&
		    !memcmp(mb->v[i].name + 4, mb->v[i - 1].name + 4,
			    mb->v[i].base_len))
			drop(mb, mb->v[i].in_new ? i : i - 1);
		else
			i++;
	}
}

/*
 * By UID (new ones, UID 0, first); a base seen twice counts once. The
 * first @sorted are in order already (a rescan's copy of cur/): when the
 * rest sort after them, as deliveries do, only the rest is sorted.
 */
static void sort_dedupe(struct mailbox *mb, size_t sorted)
{
	if (sorted > mb->n)
		sorted = mb->n;
	if (mb->n > sorted)	/* an empty mailbox may have no array */
		qsort(mb->v + sorted, mb->n - sorted, sizeof(*mb->v),
		      cmp_uid_then_name);
	if (sorted && sorted < mb->n &&
	    cmp_uid_then_name(&mb->v[sorted - 1], &mb->v[sorted]) > 0)
		qsort(mb->v, mb->n, sizeof(*mb->v), cmp_uid_then_name);
	dedupe_from(mb, 0);
}

/*
 * The messages @v[0..@n) by name past "new/" or "cur/" (strcmp()'s
 * order: delivery order, as names start with the time). A Maildir seen
 * for the first time sorts all its names, which took qsort() and a
 * strcmp() per comparison a third of the scan: here a merge sort of keys
 * holding the first 16 bytes as two numbers, compared inline.
 */
struct name_key {
	uint64_t k[2];		/* bytes 0-15, big-endian, 0 past the end */
	const char *name;
	uint32_t i;
};

static int cmp_name_key(const struct name_key *x, const struct name_key *y)
{
	if (x->k[0] != y->k[0])
		return x->k[0] < y->k[0] ? -1 : 1;
	if (x->k[1] != y->k[1])
		return x->k[1] < y->k[1] ? -1 : 1;
	/* The same 16 bytes: the same string if it ended within them. */
	return strlen(x->name) < 16 ? 0 : strcmp(x->name + 16, y->name + 16);
}

static void merge_sort(struct name_key *a, struct name_key *tmp, size_t n)
{
	size_t h = n / 2, i = 0, j = h, k = 0;
	struct name_key x;

	if (n <= 12) {		/* insertion sort */
		for (i = 1; i < n; i++) {
			x = a[i];
			for (j = i; j && cmp_name_key(&x, &a[j - 1]) < 0; j--)
				a[j] = a[j - 1];
			a[j] = x;
		}
		return;
	}
	merge_sort(a, tmp, h);
	merge_sort(a + h, tmp, n - h);
	if (cmp_name_key(&a[h - 1], &a[h]) <= 0)
		return;		/* in order already */
	while (i < h && j < n)
		tmp[k++] = cmp_name_key(&a[j], &a[i]) < 0 ? a[j++] : a[i++];
	while (i < h)
		tmp[k++] = a[i++];
	memcpy(a, tmp, k * sizeof(*a));
}

/*
 * @v[j] takes @v[@from[j]], for @from a permutation of 0..@n-1: in place,
 * cycle by cycle, each place marked done in @from as it is filled. A view
 * is not copied: a first open touches its memory page by page.
 */
static void permute(struct mailbox_msg *v, uint32_t *from, size_t n)
{
	struct mailbox_msg x;
	size_t i, j, k;

	for (i = 0; i < n; i++) {
		if (from[i] == i)
			continue;
		x = v[i];
		for (j = i;; j = k) {
			k = from[j];
			from[j] = (uint32_t)j;
			if (k == i)
				break;
			v[j] = v[k];
		}
		v[j] = x;
	}
}

static int sort_by_name(struct mailbox_msg *v, size_t n)
{
	/* Twice: the second half is the merges' room. */
	struct name_key *key = malloc((n ? n : 1) * 2 * sizeof(*key));
	uint32_t *from;
	size_t i, j;

	if (!key)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const unsigned char *p = (const unsigned char *)v[i].name + 4;
		uint64_t k[2] = { 0, 0 };

		for (j = 0; j < 16 && p[j]; j++)
			k[j / 8] |= (uint64_t)p[j] << (56 - 8 * (j % 8));
		key[i].k[0] = k[0];
		key[i].k[1] = k[1];
		key[i].name = v[i].name + 4;
		key[i].i = (uint32_t)i;
	}
	merge_sort(key, key + n, n);
	/* The merges' room, free now, holds the permutation. */
	from = (uint32_t *)(key + n);
	for (i = 0; i < n; i++)
		from[i] = key[i].i;
	permute(v, from, n);
	free(key);
	return 0;
}

/*
 * The list's lines are in UID order as written (an append gives UIDs
 * above all before it, a rewrite writes the view in order), so the
 * messages it knows are put in order by their lines' places, no sort
 * (which took a fifth of a scan's time): @at[k] is the message of line k,
 * + 1. A base found twice (new/ and cur/, a rename seen half-way) keeps
 * the cur/ one. Then the messages the list lacks, by name. The number the
 * list knew, or -1.
 */
static size_t place(struct mailbox *mb, const struct uidlist *ul,
		    uint32_t *at)
{
	struct mailbox_msg *m;
	const struct entry *e;
	size_t i, j, k, n = 0, live;
	uint32_t *from;

	for (i = 0; i < mb->n; i++) {
		m = &mb->v[i];
		e = basetab_find(&ul->tab, m->name + 4, m->base_len);
		m->uid = e ? e->uid : 0;
		if (!e)
			continue;
		k = (size_t)(e - ul->tab.v);
		if (at[k]) {
			j = at[k] - 1;
			if (!m->in_new)
				at[k] = (uint32_t)i + 1;
			m = &mb->v[m->in_new ? i : j];
			free(m->name);
			m->name = NULL;		/* the one left out */
			continue;
		}
		at[k] = (uint32_t)i + 1;
	}
	/* The known in the list's order, the others, those left out. */
	from = malloc((mb->n ? mb->n : 1) * sizeof(*from));
	if (!from)
		return (size_t)-1;
	for (k = 0; k < ul->tab.n; k++)
		if (at[k])
			from[n++] = at[k] - 1;
	j = n;
	for (i = 0; i < mb->n; i++)
		if (!mb->v[i].uid && mb->v[i].name)
			from[n++] = (uint32_t)i;
	live = n;
	for (i = 0; i < mb->n; i++)
		if (!mb->v[i].name)
			from[n++] = (uint32_t)i;
	permute(mb->v, from, n);
	free(from);
	mb->n = live;
	if (sort_by_name(mb->v + j, live - j))
		return (size_t)-1;
	dedupe_from(mb, j);
	return j;
}

/*
 * Gives the messages the list knows their UIDs and the others new ones, in
 * delivery order. A base seen twice (a rename seen half-way) counts once.
 * Returns the index of the first new message (n if none).
 */
static size_t assign(struct mailbox *mb, const struct uidlist *ul)
{
	const struct entry *e;
	size_t i, first;
	uint32_t *at;

	/* No list (a Maildir seen for the first time): in order too. */
	if ((ul->in_order || !ul->tab.n) && mb->n < UINT32_MAX &&
	    (at = calloc(ul->tab.n ? ul->tab.n : 1, sizeof(*at)))) {
		first = place(mb, ul, at);
		free(at);
		if (first == (size_t)-1)
			return first;
		for (i = first; i < mb->n; i++)
			mb->v[i].uid = mb->uidnext++;
		return first;
	}
	for (i = 0; i < mb->n; i++) {
		e = basetab_find(&ul->tab, mb->v[i].name + 4,
				 mb->v[i].base_len);
		mb->v[i].uid = e ? e->uid : 0;
	}
	sort_dedupe(mb, 0);
	for (first = 0; first < mb->n && !mb->v[first].uid; first++)
		;
	/*
	 * The new ones sort first (UID 0): rotate them to the end, unless
	 * they are all there is (a Maildir seen for the first time).
	 */
	if (first && first < mb->n) {
		struct mailbox_msg *tmp = malloc(first * sizeof(*tmp));

		if (!tmp)
			return (size_t)-1;
		memcpy(tmp, mb->v, first * sizeof(*tmp));
		memmove(mb->v, mb->v + first, (mb->n - first) * sizeof(*tmp));
		memcpy(mb->v + mb->n - first, tmp, first * sizeof(*tmp));
		free(tmp);
	}
	for (i = mb->n - first; i < mb->n; i++)
		mb->v[i].uid = mb->uidnext++;
	return mb->n - first;
}

/* Stale lines (expunged messages) past half, or no list: rewrite. */
static bool must_rewrite(const struct uidlist *ul, size_t first)
{
	return !ul->valid || ul->tab.n > 2 * first + 64;
}

/* Under the lock: the list as @mb now knows it all (mailbox_rescan). */
static void note_list(struct mailbox *mb, int dirfd)
{
	struct stat st;

	if (fstatat(dirfd, UIDLIST, &st, 0))
		return;
	mb->list_ino = st.st_ino;
	mb->list_size = (uint64_t)st.st_size;
}

/*
 * Under the lock: the list, the directories, the new UIDs saved. After a
 * rewrite the lock file has become the list: it is only closed then.
 */
static int load(struct mailbox *mb, int dirfd)
{
	bool rewrite = false;
	struct uidlist ul;
	size_t first;
	int lockfd, ret;

	lockfd = dotlock_take(dirfd, UIDLIST_LOCK);
	if (lockfd < 0)
		return lockfd;
	ret = uidlist_read(dirfd, &ul);
	if (!ret)
		ret = scan(mb, dirfd);
	if (!ret) {
		mb->uidvalidity = ul.valid ? ul.uidvalidity :
			(uint32_t)time(NULL);
		mb->uidnext = ul.valid && ul.uidnext ? ul.uidnext : 1;
		first = assign(mb, &ul);
		if (first == (size_t)-1)
			ret = -ENOMEM;
	}
	if (!ret) {
		rewrite = must_rewrite(&ul, first);
		if (rewrite)
			ret = uidlist_rewrite(dirfd, lockfd, mb);
		else if (first < mb->n)
			ret = uidlist_append(dirfd, mb, first);
	}
	uidlist_free(&ul);
	if (!ret)
		note_list(mb, dirfd);
	if (rewrite && !ret)
		close(lockfd);
	else
		lock_drop(dirfd, lockfd);
	return ret;
}

/* Without the lock and without saving: what a reader such as the CLI sees. */
static int peek(struct mailbox *mb, int dirfd)
{
	struct uidlist ul;
	int ret;

	ret = uidlist_read(dirfd, &ul);
	if (!ret)
		ret = scan(mb, dirfd);
	if (!ret) {
		mb->uidvalidity = ul.valid ? ul.uidvalidity : 0;
		mb->uidnext = ul.valid && ul.uidnext ? ul.uidnext : 1;
		if (assign(mb, &ul) == (size_t)-1)
			ret = -ENOMEM;
	}
	uidlist_free(&ul);
	return ret;
}

static bool mtimes(const char *path, struct timespec ts[2])
{
	static const char *const subs[] = { "new", "cur" };
	char sub[PATH_MAX + 8];
	struct stat st;
	int i;

	for (i = 0; i < 2; i++) {
		snprintf(sub, sizeof(sub), "%s/%s", path, subs[i]);
		if (stat(sub, &st))
			return false;
		ts[i] = st.st_mtim;
	}
	return true;
}

static bool ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/*
 * Whether an mtime read at @now is old enough that a later change in the
 * directory cannot leave it as it is. A file system that keeps only whole
 * seconds can: a second, as Dovecot waits. One that keeps nanoseconds
 * stamps from the kernel's coarse clock, a tick (10 ms at most) behind:
 * MAILBOX_SETTLE_NS is well past it. A sub-second part of 0 is taken for
 * the first kind (wrongly once in 10^9 times, at the cost of a rescan).
 */
#define MAILBOX_SETTLE_NS	50000000L

static bool settled_at(const struct timespec *mtime, const struct timespec *now)
{
	struct timespec t = *now;

	if (!mtime->tv_sec)
		return false;
	if (!mtime->tv_nsec) {
		t.tv_sec -= 1;
	} else if (t.tv_nsec >= MAILBOX_SETTLE_NS) {
		t.tv_nsec -= MAILBOX_SETTLE_NS;
	} else {
		t.tv_sec -= 1;
		t.tv_nsec += 1000000000L - MAILBOX_SETTLE_NS;
	}
	return ts_before(mtime, &t);
}

/* The directories' mtimes before the scan, and whether they can be told. */
static void stamp(struct mailbox *mb)
{
	struct timespec now;
	bool ok;

	clock_gettime(CLOCK_REALTIME, &now);
	ok = mtimes(mb->path, mb->stamp);
	mb->settled = ok && settled_at(&mb->stamp[0], &now) &&
		      settled_at(&mb->stamp[1], &now);
	mb->cur_settled = ok && settled_at(&mb->stamp[1], &now);
	mb->new_settled = ok && settled_at(&mb->stamp[0], &now);
}

bool mailbox_unchanged(const struct mailbox *mb)
{
	struct timespec ts[2];
	int i;

	if (!mb->settled || !mtimes(mb->path, ts))
		return false;
	for (i = 0; i < 2; i++)
		if (ts[i].tv_sec != mb->stamp[i].tv_sec ||
		    ts[i].tv_nsec != mb->stamp[i].tv_nsec)
			return false;
	return true;
}

static int open_with(const char *path, struct mailbox *mb,
		     int (*how)(struct mailbox *, int))
{
	int dirfd, ret;

	memset(mb, 0, sizeof(*mb));
	if (strlen(path) >= sizeof(mb->path))
		return -ENAMETOOLONG;
	strcpy(mb->path, path);
	dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	stamp(mb);
	ret = how(mb, dirfd);
	close(dirfd);
	if (ret)
		mailbox_close(mb);
	return ret;
}

int mailbox_open(const char *path, struct mailbox *mb)
{
	return open_with(path, mb, load);
}

int mailbox_peek(const char *path, struct mailbox *mb)
{
	return open_with(path, mb, peek);
}

/* The UIDVALIDITY in the list's header, 0 if none can be read. */
static uint32_t list_validity(int dirfd)
{
	struct uidlist ul = { 0 };
	char head[256], *nl;
	int fd = openat(dirfd, UIDLIST, O_RDONLY | O_CLOEXEC);
	ssize_t got;

	if (fd < 0)
		return 0;
	got = pread(fd, head, sizeof(head) - 1, 0);
	close(fd);
	if (got <= 0)
		return 0;
	head[got] = '\0';
	nl = strchr(head, '\n');
	if (!nl)
		return 0;
	*nl = '\0';
	return parse_header(&ul, head) ? ul.uidvalidity : 0;
}

/*
 * @mb's messages without a UID get @old's by base name (@new_only: the
 * ones @old had in new/, cur/ being @old's already); how many are left.
 */
static int uids_from(struct mailbox *mb, const struct mailbox *old,
		     bool new_only, size_t *unknown)
{
	struct basetab t = { 0 };
	const struct entry *e;
	size_t i;
	int ret;

	*unknown = 0;
	t.v = malloc((old->n ? old->n : 1) * sizeof(*t.v));
	if (!t.v)
		return -ENOMEM;
	for (i = 0; i < old->n; i++) {
		if (new_only && !old->v[i].in_new)
			continue;
		t.v[t.n].uid = old->v[i].uid;
		t.v[t.n].base = old->v[i].name + 4;
		t.v[t.n++].len = (uint32_t)old->v[i].base_len;
	}
	ret = basetab_index(&t);
	for (i = 0; !ret && i < mb->n; i++) {
		if (mb->v[i].uid)
			continue;
		e = basetab_find(&t, mb->v[i].name + 4, mb->v[i].base_len);
		if (e)
			mb->v[i].uid = e->uid;
		else
			(*unknown)++;
	}
	basetab_free(&t);
	return ret;
}

/* @old's messages in cur/, as they are (cur/ has not changed since). */
static int copy_cur(struct mailbox *mb, const struct mailbox *old,
		    size_t *cap)
{
	size_t i;

	*cap = old->n + 64;
	mb->v = malloc(*cap * sizeof(*mb->v));
	if (!mb->v)
		return -ENOMEM;
	for (i = 0; i < old->n; i++) {
		if (old->v[i].in_new)
			continue;
		mb->v[mb->n] = old->v[i];
		mb->v[mb->n].recent = false;
		mb->v[mb->n].name = strdup(old->v[i].name);
		if (!mb->v[mb->n].name)
			return -ENOMEM;
		mb->n++;
	}
	return 0;
}

static int cmp_msg_name(const void *a, const void *b)
{
	const struct mailbox_msg *const *x = a, *const *y = b;

	return strcmp((*x)->name + 4, (*y)->name + 4);
}

/*
 * The lines appended to the list since @old read it (its same file, no
 * shorter), read from there only; -ESTALE if the list was made anew.
 * Into @buf, as entries of @t.
 */
static int read_tail(int fd, const struct mailbox *old, char **buf,
		     struct basetab *t)
{
	struct stat st;
	size_t len, cap = 0, from;
	char *p, *nl;
	struct entry e, *v;
	ssize_t got;

	if (fstat(fd, &st) || !old->list_ino || st.st_ino != old->list_ino ||
	    (uint64_t)st.st_size < old->list_size ||
	    (uint64_t)st.st_size - old->list_size > UIDLIST_MAX)
		return -ESTALE;
	/* From the byte before: a line torn then is no line of ours. */
	from = old->list_size ? (size_t)old->list_size - 1 : 0;
	len = (size_t)st.st_size - from;
	*buf = malloc(len + 1);
	if (!*buf)
		return -ENOMEM;
	got = pread(fd, *buf, len, (off_t)from);
	if (got < 0)
		return -errno;
	(*buf)[got] = '\0';
	p = *buf;
	if (old->list_size) {
		nl = strchr(p, '\n');
		if (!nl)
			return 0;
		p = nl + 1;
	}
	for (; (nl = strchr(p, '\n')); p = nl + 1) {
		*nl = '\0';
		if (!parse_line(p, &e))
			continue;
		if (t->n == cap) {
			cap = cap ? 2 * cap : 16;
			v = realloc(t->v, cap * sizeof(*v));
			if (!v)
				return -ENOMEM;
			t->v = v;
		}
		t->v[t->n++] = e;
	}
	return basetab_index(t);
}

/* New UIDs, in delivery order, for @mb's @n messages still without one. */
static int number_new(struct mailbox *mb, int fd, size_t n)
{
	struct mailbox_msg **unnumbered = malloc((n ? n : 1) * sizeof(*unnumbered));
	char line[NAME_MAX + 32];
	uint32_t next, validity = 0;
	bool torn = false;
	size_t i, k = 0;
	int ret = 0;

	if (!unnumbered)
		return -ENOMEM;
	next = uidlist_next(fd, &validity, &torn);
	if (!next || validity != mb->uidvalidity) {
		free(unnumbered);
		return -ESTALE;
	}
	for (i = 0; i < mb->n; i++)
		if (!mb->v[i].uid)
			unnumbered[k++] = &mb->v[i];
	qsort(unnumbered, k, sizeof(*unnumbered), cmp_msg_name);
	if (next < mb->uidnext)
		next = mb->uidnext;
	for (i = 0; i < k && !ret; i++) {
		unnumbered[i]->uid = next++;
		snprintf(line, sizeof(line), "%s%u :%.*s\n",
			 !i && torn ? "\n" : "", unnumbered[i]->uid,
			 (int)unnumbered[i]->base_len, unnumbered[i]->name + 4);
		ret = fileio_write(fd, line, strlen(line));
	}
	free(unnumbered);
	if (!ret && k && fsync(fd))
		ret = -errno;
	if (!ret)
		mb->uidnext = next;
	return ret;
}

/*
 * Under the lock: UIDs for the messages @old lacks, from the lines added
 * to the list since (deliveries that numbered theirs), else new ones,
 * saved as mailbox_open() saves them. -ESTALE: the list is not the one
 * @old read, mailbox_open() must.
 */
static int number_unknown(struct mailbox *mb, const struct mailbox *old,
			  int dirfd, size_t unknown)
{
	struct basetab t = { 0 };
	const struct entry *e;
	char *buf = NULL;
	int lockfd, fd, ret;
	size_t i;

	lockfd = dotlock_take(dirfd, UIDLIST_LOCK);
	if (lockfd < 0)
		return lockfd;
	fd = openat(dirfd, UIDLIST, O_RDWR | O_APPEND | O_CLOEXEC);
	ret = fd < 0 ? -ESTALE : read_tail(fd, old, &buf, &t);
	for (i = 0; !ret && i < mb->n; i++) {
		if (mb->v[i].uid)
			continue;
		e = basetab_find(&t, mb->v[i].name + 4, mb->v[i].base_len);
		if (!e)
			continue;
		mb->v[i].uid = e->uid;
		if (e->uid >= mb->uidnext)
			mb->uidnext = e->uid + 1;
		unknown--;
	}
	if (!ret && unknown)
		ret = number_new(mb, fd, unknown);
	if (!ret)
		note_list(mb, dirfd);
	basetab_free(&t);
	free(buf);
	if (fd >= 0)
		close(fd);
	lock_drop(dirfd, lockfd);
	return ret;
}

static bool ts_same(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/* mailbox_rescan() but for the fallback; -ESTALE: mailbox_open() must. */
static int rescan(const struct mailbox *old, struct mailbox *mb, int dirfd,
		  const struct timespec *cur)
{
	size_t cap = 0, unknown = 0, copied;
	bool cur_same;
	int ret;

	if (!old->uidvalidity || list_validity(dirfd) != old->uidvalidity)
		return -ESTALE;
	stamp(mb);
	mb->uidvalidity = old->uidvalidity;
	mb->uidnext = old->uidnext;
	mb->list_ino = old->list_ino;
	mb->list_size = old->list_size;
	/* A delivery changes new/ only: cur/ is not read again. */
	cur_same = old->cur_settled &&
		   ts_same(&mb->stamp[1], &old->stamp[1]);
	/*
	 * cur/ changed by renames the caller knows of (mailbox_rescan_cur):
	 * @old's, to be renamed; the next rescan reads it (not settled).
	 */
	if (!cur_same && cur && old->settled && !old->cur_from_log &&
	    ts_same(&mb->stamp[1], cur) &&
	    ts_same(&mb->stamp[0], &old->stamp[0])) {
		cur_same = true;
		mb->cur_from_log = true;
		mb->settled = mb->cur_settled = false;
	}
	ret = cur_same ? copy_cur(mb, old, &cap) : 0;
	copied = mb->n;
	if (!ret)
		ret = scan_dirs(mb, dirfd, cap, cur_same ? 1 : 2);
	if (!ret)
		ret = uids_from(mb, old, cur_same, &unknown);
	if (!ret && unknown)
		ret = number_unknown(mb, old, dirfd, unknown);
	if (!ret)
		sort_dedupe(mb, copied);
	return ret;
}

static int rescan_with(const struct mailbox *old, struct mailbox *mb,
		       const struct timespec *cur)
{
	int dirfd, ret;

	memset(mb, 0, sizeof(*mb));
	memcpy(mb->path, old->path, sizeof(mb->path));
	dirfd = open(mb->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	ret = rescan(old, mb, dirfd, cur);
	close(dirfd);
	if (!ret)
		return 0;
	mailbox_close(mb);
	if (ret != -ESTALE)
		return ret;
	/* The list made anew: all of it read again, under the lock. */
	return mailbox_open(old->path, mb);
}

int mailbox_rescan(const struct mailbox *old, struct mailbox *mb)
{
	return rescan_with(old, mb, NULL);
}

int mailbox_rescan_cur(const struct mailbox *old, struct mailbox *mb,
		       const struct timespec *cur)
{
	return rescan_with(old, mb, cur);
}

int mailbox_cur_mtime(const struct mailbox *mb, struct timespec *ts)
{
	struct timespec both[2];

	if (!mtimes(mb->path, both))
		return -errno;
	*ts = both[1];
	return 0;
}

int mailbox_mtimes(const struct mailbox *mb, struct timespec ts[2])
{
	return mtimes(mb->path, ts) ? 0 : -errno;
}

static int cmp_name(const void *a, const void *b)
{
	const struct mailbox_msg *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/*
 * new/ as read (@t, by name) less what @mb has there: what is left is
 * unknown to @mb. -ESTALE if a message @mb has in new/ is not there.
 */
static int new_only(const struct mailbox *mb, struct mailbox *t)
{
	struct mailbox_msg key = { 0 }, *hit;
	size_t i, k;

	if (t->n)
		qsort(t->v, t->n, sizeof(*t->v), cmp_name);
	for (i = 0; i < mb->n; i++) {
		if (!mb->v[i].in_new)
			continue;
		key.name = mb->v[i].name;
		hit = t->n ? bsearch(&key, t->v, t->n, sizeof(*t->v),
				     cmp_name) : NULL;
		if (!hit)
			return -ESTALE;
		hit->uid = mb->v[i].uid;
	}
	for (i = 0, k = 0; i < t->n; i++) {
		if (t->v[i].uid) {
			free(t->v[i].name);
			continue;
		}
		t->v[k++] = t->v[i];
	}
	t->n = k;
	return 0;
}

/* @t's messages, numbered and sorted, appended to @mb (which takes them). */
static int append_all(struct mailbox *mb, struct mailbox *t)
{
	struct mailbox_msg *v;

	if (!t->n)
		return 0;
	qsort(t->v, t->n, sizeof(*t->v), cmp_uid_then_name);
	if (mb->n && t->v[0].uid <= mb->v[mb->n - 1].uid)
		return -ESTALE;
	v = realloc(mb->v, (mb->n + t->n) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	mb->v = v;
	memcpy(mb->v + mb->n, t->v, t->n * sizeof(*v));
	mb->n += t->n;
	t->n = 0;
	return 0;
}

int mailbox_update_new(struct mailbox *mb, size_t *added_r)
{
	struct mailbox t = { 0 };
	struct timespec now, ts[2];
	int dirfd, ret;

	*added_r = 0;
	memcpy(t.path, mb->path, sizeof(t.path));
	clock_gettime(CLOCK_REALTIME, &now);
	if (!mb->uidvalidity || !mtimes(mb->path, ts))
		return -ESTALE;
	dirfd = open(mb->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	ret = list_validity(dirfd) == mb->uidvalidity ?
	      scan_dirs(&t, dirfd, 0, 1) : -ESTALE;
	if (!ret && t.n > MAILBOX_UPDATE_MAX)
		ret = -ESTALE;
	if (!ret)
		ret = new_only(mb, &t);
	t.uidvalidity = mb->uidvalidity;
	t.uidnext = mb->uidnext;
	t.list_ino = mb->list_ino;
	t.list_size = mb->list_size;
	if (!ret && t.n)
		ret = number_unknown(&t, mb, dirfd, t.n);
	close(dirfd);
	*added_r = t.n;
	if (!ret)
		ret = append_all(mb, &t);
	if (ret) {
		*added_r = 0;
		mailbox_close(&t);
		return ret;
	}
	free(t.v);
	mb->uidnext = t.uidnext;
	mb->list_ino = t.list_ino;
	mb->list_size = t.list_size;
	mb->stamp[0] = ts[0];
	mb->new_settled = settled_at(&ts[0], &now);
	mb->settled = mb->cur_settled && mb->new_settled;
	return 0;
}

void mailbox_close(struct mailbox *mb)
{
	size_t i;

	mailbox_dir_release(mb);
	for (i = 0; i < mb->n; i++)
		free(mb->v[i].name);
	free(mb->v);
	mb->v = NULL;
	mb->n = 0;
}

int mailbox_dir_hold(struct mailbox *mb)
{
	int fd;

	if (mb->dir_held)
		return 0;
	fd = open(mb->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	mb->dir_fd = fd;
	mb->dir_held = true;
	return 0;
}

void mailbox_dir_release(struct mailbox *mb)
{
	if (!mb->dir_held)
		return;
	close(mb->dir_fd);
	mb->dir_held = false;
}

long mailbox_find(const struct mailbox *mb, uint32_t uid)
{
	size_t lo = 0, hi = mb->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (mb->v[mid].uid == uid)
			return (long)mid;
		if (mb->v[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int path_of(const struct mailbox *mb, const char *name, char *buf,
		   size_t len)
{
	if ((size_t)snprintf(buf, len, "%s/%s", mb->path, name) >= len)
		return -ENAMETOOLONG;
	return 0;
}

int mailbox_set_flags(struct mailbox *mb, size_t i, unsigned int flags)
{
	return mailbox_set_letters(mb, i, flags, mb->v[i].other);
}

int mailbox_set_letters(struct mailbox *mb, size_t i, unsigned int flags,
			const char *other)
{
	struct mailbox_msg *m = &mb->v[i];
	char from[PATH_MAX], to[PATH_MAX], suffix[MAILBOX_FLAGS_MAX + 1];
	char keep[sizeof(m->other)], *name;

	mailbox_flags_parse(other, keep, sizeof(keep));
	mailbox_flag_suffix(flags, keep, suffix, sizeof(suffix));
	if (asprintf(&name, "cur/%.*s%s", (int)m->base_len, m->name + 4,
		     suffix) < 0)
		return -ENOMEM;
	if (!strcmp(name, m->name)) {
		free(name);
		return 0;
	}
	if (path_of(mb, m->name, from, sizeof(from)) ||
	    path_of(mb, name, to, sizeof(to))) {
		free(name);
		return -ENAMETOOLONG;
	}
	if (rename(from, to)) {
		free(name);
		return -errno;
	}
	free(m->name);
	m->name = name;
	m->flags = flags;
	mailbox_flags_parse(suffix + 3, m->other, sizeof(m->other));
	m->in_new = false;
	return 0;
}

int mailbox_remove(struct mailbox *mb, size_t i)
{
	char path[PATH_MAX];
	int ret = path_of(mb, mb->v[i].name, path, sizeof(path));

	if (!ret && unlink(path))
		ret = -errno;
	return ret;
}

int mailbox_sync_dirs(const struct mailbox *mb)
{
	int dirfd = open(mb->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ret;

	if (dirfd < 0)
		return -errno;
	ret = fsync_at(dirfd, "new");
	if (!ret)
		ret = fsync_at(dirfd, "cur");
	close(dirfd);
	return ret;
}

/* @name, relative to the Maildir, opened for reading; -1 and errno. */
static int open_in(const struct mailbox *mb, const char *name)
{
	char path[PATH_MAX];

	if (mb->dir_held)
		return openat(mb->dir_fd, name, O_RDONLY | O_CLOEXEC);
	if (path_of(mb, name, path, sizeof(path))) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return open(path, O_RDONLY | O_CLOEXEC);
}

int mailbox_msg_open(const struct mailbox *mb, size_t i)
{
	char name[PATH_MAX];
	int fd = open_in(mb, mb->v[i].name), ret;

	if (fd < 0 && errno == ENOENT && mb->v[i].in_new) {
		/* Claimed by another session since: in cur/, no flags. */
		ret = snprintf(name, sizeof(name), "cur/%s:2,",
			       mb->v[i].name + 4);
		if (ret < 0 || (size_t)ret >= sizeof(name))
			return -ENOENT;
		fd = open_in(mb, name);
	}
	return fd < 0 ? -errno : fd;
}

int mailbox_refind(struct mailbox *mb, size_t i)
{
	static const char *const subs[] = { "cur", "new" };
	struct mailbox_msg *m = &mb->v[i], found;
	const char *base = m->name + 4;
	char path[PATH_MAX];
	struct dirent *e;
	int ret = -ENOENT;
	size_t k;
	DIR *dir;

	for (k = 0; k < 2 && ret == -ENOENT; k++) {
		if (path_of(mb, subs[k], path, sizeof(path)))
			return -ENAMETOOLONG;
		dir = opendir(path);
		if (!dir)
			return -errno;
		while ((e = readdir(dir))) {
			if (strncmp(e->d_name, base, m->base_len) ||
			    (e->d_name[m->base_len] != ':' &&
			     e->d_name[m->base_len]))
				continue;
			ret = fill_msg(&found, subs[k], e->d_name, dirfd(dir));
			break;
		}
		closedir(dir);
	}
	if (ret)
		return ret;
	found.uid = m->uid;
	found.size = m->size;
	found.modseq = m->modseq;
	found.recent = m->recent;
	free(m->name);
	*m = found;
	return 0;
}

/* Every bare LF of @buf[0..@len) made CRLF, into a new buffer. */
static int to_crlf(char **buf, size_t *len)
{
	const char *p = *buf, *end = *buf + *len, *lf;
	size_t bare = 0, j = 0, n;
	char *out;

	/* Line by line (memchr): a message is mostly text between LFs. */
	for (lf = p; (lf = memchr(lf, '\n', (size_t)(end - lf))); lf++)
		bare += lf == p || lf[-1] != '\r';
	if (!bare)
		return 0;
	out = malloc(*len + bare + 1);
	if (!out)
		return -ENOMEM;
	while ((lf = memchr(p, '\n', (size_t)(end - p)))) {
		n = (size_t)(lf - p);
		memcpy(out + j, p, n);
		j += n;
		if (lf == *buf || lf[-1] != '\r')
			out[j++] = '\r';
		out[j++] = '\n';
		p = lf + 1;
	}
	memcpy(out + j, p, (size_t)(end - p));
	j += (size_t)(end - p);
	out[j] = '\0';
	free(*buf);
	*buf = out;
	*len = j;
	return 0;
}

/*
 * Message @i into a new buffer: all of it, or (@header) its header, in
 * 4 KiB reads until a blank line has come: a header fetch on a large
 * mailbox reads no bodies past the first block, and the part of the body
 * read with the header is cut off, not converted.
 */
static int read_msg(const struct mailbox *mb, size_t i, bool header,
		    char **buf_r, size_t *len_r, time_t *mtime_r)
{
	int fd = mailbox_msg_open(mb, i), ret = 0;
	size_t len = 0, cap = 4096, hdr = 0;
	struct stat st;
	char *buf, *nb;
	ssize_t n;

	if (fd < 0)
		return fd;
	if ((!header || mtime_r) && fstat(fd, &st)) {
		ret = -errno;
		close(fd);
		return ret;
	}
	if (!header)
		cap = (size_t)st.st_size;
	buf = malloc(cap + 1);
	while (buf) {
		if (len == cap && header) {
			cap *= 2;
			nb = realloc(buf, cap + 1);
			if (!nb)
				break;
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (header && (hdr = rfc5322_header_end(buf, len)))
			break;
	}
	close(fd);
	if (!buf || (header && len == cap && !hdr)) {
		/* The realloc() failed with the header incomplete. */
		free(buf);
		return -ENOMEM;
	}
	if (hdr)
		len = hdr;
	buf[len] = '\0';
	ret = to_crlf(&buf, &len);
	if (ret) {
		free(buf);
		return ret;
	}
	*buf_r = buf;
	*len_r = len;
	if (mtime_r)
		*mtime_r = st.st_mtime;
	return 0;
}

int mailbox_msg_read(const struct mailbox *mb, size_t i, char **buf_r,
		     size_t *len_r, time_t *mtime_r)
{
	return read_msg(mb, i, false, buf_r, len_r, mtime_r);
}

int mailbox_msg_read_header(const struct mailbox *mb, size_t i, char **buf_r,
			    size_t *len_r, time_t *mtime_r)
{
	return read_msg(mb, i, true, buf_r, len_r, mtime_r);
}
