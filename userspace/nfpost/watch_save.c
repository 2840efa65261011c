// SPDX-License-Identifier: GPL-2.0
/*
 * `nfpost watch save FILE` writes the binding table as watchfile.h lines,
 * to a temporary file renamed over FILE once complete. `restore FILE`
 * reads it whole first: a bad line, or an interface that is not there,
 * is reported with its line number and nothing is applied. Then each line
 * is added (static as static, learned as learned); a line the kernel
 * refuses is reported with its number and the rest still go in, and the
 * exit code says that not all did.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/nfpost_watch.h>
#include "attrs.h"
#include "watch_save.h"
#include "watchfile.h"

struct save {
	FILE *f;
	unsigned long n;
};

static int save_one(const struct nlmsghdr *nlh, void *data)
{
	struct watchfile_entry e = { 0 };
	char line[WATCHFILE_LINE_MAX];
	struct save *s = data;
	nfpw_tb tb;

	/* A binding whose interface just went has no name: nothing to save. */
	if (attrs_parse(nlh, tb) || !tb[NFPW_A_ADDR] || !tb[NFPW_A_LLADDR] ||
	    !tb[NFPW_A_IFNAME])
		return MNL_CB_OK;
	e.addr.s_addr = mnl_attr_get_u32(tb[NFPW_A_ADDR]);
	memcpy(e.lladdr, mnl_attr_get_payload(tb[NFPW_A_LLADDR]), 6);
	snprintf(e.dev, sizeof(e.dev), "%s", mnl_attr_get_str(tb[NFPW_A_IFNAME]));
	e.is_static = tb[NFPW_A_FLAGS] &&
		      (mnl_attr_get_u32(tb[NFPW_A_FLAGS]) & NFPW_BF_STATIC);
	watchfile_format(line, sizeof(line), &e);
	fputs(line, s->f);
	s->n++;
	return MNL_CB_OK;
}

static int save_close(FILE *f, const char *tmp, const char *file)
{
	if (fflush(f) || fsync(fileno(f)) || fclose(f)) {
		fprintf(stderr, "nfpost: Error: %s: %s\n", tmp, strerror(errno));
		unlink(tmp);
		return EXIT_RUNTIME;
	}
	if (rename(tmp, file)) {
		fprintf(stderr, "nfpost: Error: %s: %s\n", file, strerror(errno));
		unlink(tmp);
		return EXIT_RUNTIME;
	}
	return 0;
}

int watch_save(const struct nfpost_args *a, struct nfpw *w)
{
	struct save s = { 0 };
	char buf[1024], tmp[4096];
	struct nlmsghdr *nlh;
	int ret;

	snprintf(tmp, sizeof(tmp), "%s.tmp", a->file);
	s.f = fopen(tmp, "w");
	if (!s.f) {
		fprintf(stderr, "nfpost: Error: %s: %s\n", tmp, strerror(errno));
		nfpw_close(w);
		return EXIT_RUNTIME;
	}
	fputs("# nfpost watch save: IP LLADDR DEV static|learned\n", s.f);
	nlh = nfpw_msg(w, buf, NFPW_CMD_GET_BINDINGS, NLM_F_DUMP);
	ret = genl_request(&w->sock, nlh, save_one, &s);
	if (ret) {
		ret = nfpw_report(w, ret, "watch save");
		fclose(s.f);
		unlink(tmp);
	} else {
		ret = save_close(s.f, tmp, a->file);
	}
	nfpw_close(w);
	if (!ret)
		fprintf(stderr, "nfpost: saved %lu bindings to %s\n", s.n, a->file);
	return ret;
}

struct restore {
	struct watchfile_entry *e;
	unsigned int *line;		/* its line number in the file */
	unsigned int *ifindex;
	size_t n, cap;
};

static int keep(struct restore *r, const struct watchfile_entry *e,
		unsigned int line)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 64;
		void *e2 = realloc(r->e, cap * sizeof(*r->e));
		void *l2 = e2 ? realloc(r->line, cap * sizeof(*r->line)) : NULL;

		if (e2)
			r->e = e2;
		if (l2)
			r->line = l2;
		if (!e2 || !l2)
			return -ENOMEM;
		r->cap = cap;
	}
	r->e[r->n] = *e;
	r->line[r->n++] = line;
	return 0;
}

/* Reads and checks every line; returns how many were bad, or -errno. */
static int read_file(const char *file, struct restore *r)
{
	struct watchfile_entry e;
	unsigned int lineno = 0;
	size_t size = 0;
	char *line = NULL;
	const char *err;
	ssize_t len;
	int bad = 0, ret = 0;
	FILE *f;

	f = fopen(file, "r");
	if (!f)
		return -errno;
	while (!ret && (len = getline(&line, &size, f)) >= 0) {
		lineno++;
		ret = watchfile_parse(line, len, &e, &err);
		if (ret < 0) {
			fprintf(stderr, "nfpost: %s:%u: %s\n", file, lineno, err);
			bad++;
		} else if (ret == 1) {
			ret = keep(r, &e, lineno);
			continue;
		}
		ret = 0;
	}
	if (!ret && ferror(f))
		ret = -EIO;
	free(line);
	fclose(f);
	return ret ? ret : bad;
}

/* Every interface named must be here; returns how many are not. */
static int resolve(const char *file, struct restore *r)
{
	size_t i;
	int bad = 0;

	r->ifindex = calloc(r->n ? r->n : 1, sizeof(*r->ifindex));
	if (!r->ifindex)
		return -ENOMEM;
	for (i = 0; i < r->n; i++) {
		r->ifindex[i] = if_nametoindex(r->e[i].dev);
		if (!r->ifindex[i]) {
			fprintf(stderr, "nfpost: %s:%u: Device \"%s\" does not exist.\n",
				file, r->line[i], r->e[i].dev);
			bad++;
		}
	}
	return bad;
}

/* Adds each binding; returns how many the kernel refused. */
static size_t apply(const char *file, struct restore *r, struct nfpw *w)
{
	size_t i, failed = 0;
	char buf[1024];
	int ret;

	for (i = 0; i < r->n; i++) {
		struct nlmsghdr *nlh = nfpw_msg(w, buf, NFPW_CMD_ADD_BINDING, 0);

		mnl_attr_put_u32(nlh, NFPW_A_IFINDEX, r->ifindex[i]);
		mnl_attr_put_u32(nlh, NFPW_A_ADDR, r->e[i].addr.s_addr);
		mnl_attr_put(nlh, NFPW_A_LLADDR, 6, r->e[i].lladdr);
		mnl_attr_put_u32(nlh, NFPW_A_FLAGS,
				 r->e[i].is_static ? NFPW_BF_STATIC : 0);
		ret = genl_request(&w->sock, nlh, NULL, NULL);
		if (!ret)
			continue;
		/* The family is there (read_file ran after nfpw_open). */
		fprintf(stderr, "nfpost: %s:%u: Error: %s\n", file, r->line[i],
			w->sock.extack[0] ? w->sock.extack : strerror(-ret));
		failed++;
	}
	return failed;
}

int watch_restore(const struct nfpost_args *a, struct nfpw *w)
{
	struct restore r = { 0 };
	size_t failed;
	int ret;

	/* Every problem at once: bad lines, then absent interfaces. */
	ret = read_file(a->file, &r);
	if (ret >= 0) {
		int missing = resolve(a->file, &r);

		ret = missing < 0 ? missing : ret + missing;
	}
	if (ret < 0)
		fprintf(stderr, "nfpost: Error: %s: %s\n", a->file, strerror(-ret));
	else if (ret > 0)
		fprintf(stderr, "nfpost: %s: %d bad line%s or interface%s: nothing restored\n",
			a->file, ret, ret > 1 ? "s" : "", ret > 1 ? "s" : "");
	if (ret) {
		ret = EXIT_RUNTIME;
		goto out;
	}
	failed = apply(a->file, &r, w);
	if (failed)
		fprintf(stderr, "nfpost: %s: restored %zu of %zu bindings\n",
			a->file, r.n - failed, r.n);
	ret = failed ? EXIT_RUNTIME : 0;
out:
	nfpw_close(w);
	free(r.e);
	free(r.line);
	free(r.ifindex);
	return ret;
}
