// SPDX-License-Identifier: GPL-2.0
/*
 * SPF, DKIM and DMARC checks with the libraries Debian ships for them:
 * libspf2 (RFC 7208's evaluation, macros and limits), OpenDKIM's
 * libopendkim (already nfpostd's signer) and OpenDMARC's libopendmarc
 * (alignment against the public suffix list). None of them does its own
 * DNS here: libspf2 gets a DNS layer, libopendkim a key lookup and
 * libopendmarc the record, all three through dns.c, so every lookup has
 * the configured server, timeout and cache.
 *
 * What the sender's domain asks (RFC 7489 6.6.2, RFC 7208 8.4 and 8.5):
 *
 *   DMARC record   DMARC result   SPF result      asks
 *   present        pass           any             accept
 *   present        fail           any             its p= (or sp=)
 *   absent         -              fail            reject
 *   absent         -              softfail        tag
 *   any            temperror      any             accept (tagged nothing)
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <opendkim/dkim.h>
#include <opendmarc/dmarc.h>
#include <spf2/spf.h>

#include "authcheck.h"
#include "dns.h"
#include "log.h"

#define PSL_FILE	"/usr/share/publicsuffix/public_suffix_list.dat"
#define MAX_SIGS	8	/* DKIM signatures reported, of the first seen */

/* Exported by libopendmarc, not declared by its header. */
int opendmarc_get_tld(u_char *domain, u_char *tld, size_t tld_len);

static DKIM_LIB *dkim_lib;
static OPENDMARC_LIB_T dmarc_lib;

/* One check's results, before they become the field. */
struct verdicts {
	SPF_result_t spf;
	char spf_domain[256];
	int ndkim;
	struct {
		char result[16];	/* pass, fail, permerror, ... */
		char domain[256], selector[64], b[16];
		int outcome;		/* DMARC_POLICY_DKIM_OUTCOME_* */
	} dkim[MAX_SIGS];
	char dmarc[16];			/* pass, fail, none, temperror, ... */
	char dmarc_p[16];		/* reject, quarantine, none */
	char from_domain[256];
};

/* ---- the header ---- */

/*
 * Calls @fn for each field of the header at @p (@n bytes, CRLF lines) with
 * its offset and length, folds included, until the empty line.
 */
static int each_field(const char *p, size_t n,
		      int (*fn)(void *ctx, const char *f, size_t off,
				size_t len), void *ctx)
{
	size_t off = 0, end;
	const char *nl;
	int ret;

	while (off < n && !(n - off >= 2 && p[off] == '\r' &&
			    p[off + 1] == '\n')) {
		end = off;
		do {
			nl = memchr(p + end, '\n', n - end);
			end = nl ? (size_t)(nl - p) + 1 : n;
		} while (end < n && (p[end] == ' ' || p[end] == '\t'));
		ret = fn(ctx, p + off, off, end - off);
		if (ret)
			return ret;
		off = end;
	}
	return 0;
}

static bool is_field(const char *f, size_t len, const char *name)
{
	size_t k = strlen(name);

	return len > k && f[k] == ':' && !strncasecmp(f, name, k);
}

/* ---- SPF: a libspf2 DNS layer over dns.c ---- */

struct spf_fill {
	SPF_dns_rr_t *rr;
	int type;
};

static int spf_add(void *ctx, const void *data, size_t n, uint32_t ttl)
{
	struct spf_fill *f = ctx;
	SPF_dns_rr_t *rr = f->rr;
	int i = rr->num_rr;

	(void)ttl;
	if ((f->type == ns_t_a && n != 4) || (f->type == ns_t_aaaa && n != 16))
		return 0;
	if (SPF_dns_rr_buf_realloc(rr, i, n + 1) != SPF_E_SUCCESS)
		return -ENOMEM;
	memcpy(rr->rr[i], data, n);
	if (f->type != ns_t_a && f->type != ns_t_aaaa)
		((char *)rr->rr[i])[n] = '\0';
	rr->num_rr = i + 1;
	return 0;
}

static SPF_dns_rr_t *spf_lookup(SPF_dns_server_t *srv, const char *domain,
				ns_type type, int should_cache)
{
	const struct conf *c = srv->hook;
	unsigned char ans[DNS_ANSWER_MAX];
	int len = dns_query(c, domain, type, ans, sizeof(ans));
	struct spf_fill f = { .type = type };

	(void)should_cache;
	f.rr = SPF_dns_rr_new_init(srv, domain, type, 0,
				   len >= 0 ? NETDB_SUCCESS :
				   len == -ENOENT ? HOST_NOT_FOUND :
				   len == -ENODATA ? NO_DATA : TRY_AGAIN);
	if (f.rr && len >= 0 && dns_each(ans, len, type, spf_add, &f) == -EINVAL)
		f.rr->herrno = TRY_AGAIN;
	if (f.rr && len >= 0 && !f.rr->num_rr && f.rr->herrno == NETDB_SUCCESS)
		f.rr->herrno = NO_DATA;
	return f.rr;
}

/* An IPv4 client on a dual-stack socket is checked as IPv4 (RFC 7208 5). */
static void set_ip(SPF_request_t *req, const struct sockaddr *sa)
{
	const struct in6_addr *a6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	struct in_addr a4;

	if (sa->sa_family == AF_INET) {
		SPF_request_set_ipv4(req, ((const struct sockaddr_in *)sa)->sin_addr);
	} else if (IN6_IS_ADDR_V4MAPPED(a6)) {
		memcpy(&a4, &a6->s6_addr[12], 4);
		SPF_request_set_ipv4(req, a4);
	} else {
		SPF_request_set_ipv6(req, *a6);
	}
}

static void spf_check(const struct conf *c, const struct authcheck_in *in,
		      struct verdicts *v)
{
	SPF_dns_server_t layer = { .lookup = spf_lookup, .name = "nfpostd",
				   .hook = (void *)c };
	SPF_response_t *resp = NULL;
	SPF_request_t *req = NULL;
	SPF_server_t *srv = SPF_server_new_dns(&layer, 0);
	SPF_errcode_t err;
	char from[600];
	const char *at;

	v->spf = SPF_RESULT_TEMPERROR;
	snprintf(from, sizeof(from), in->mail_from[0] ? "%s" : "postmaster@%s",
		 in->mail_from[0] ? in->mail_from : in->helo);
	at = strrchr(from, '@');
	snprintf(v->spf_domain, sizeof(v->spf_domain), "%s", at ? at + 1 : "");
	if (srv)
		req = SPF_request_new(srv);
	if (!req)
		goto out;
	set_ip(req, in->peer);
	if (in->helo[0])
		SPF_request_set_helo_dom(req, in->helo);
	if (SPF_request_set_env_from(req, from)) {
		v->spf = SPF_RESULT_PERMERROR;	/* not a domain at all */
		goto out;
	}
	err = SPF_request_query_mailfrom(req, &resp);
	if (resp)
		v->spf = SPF_response_result(resp);
	/*
	 * libspf2 gives no result, only SPF_E_DNS_ERROR, when the record's
	 * lookup timed out: RFC 7208 4.4's temperror.
	 */
	if (err == SPF_E_DNS_ERROR)
		v->spf = SPF_RESULT_TEMPERROR;
out:
	if (resp)
		SPF_response_free(resp);
	if (req)
		SPF_request_free(req);
	if (srv)
		SPF_server_free(srv);
}

/* RFC 8601 2.7.2's names, which libspf2's SPF_strresult() mostly spells. */
static const char *spf_name(SPF_result_t r)
{
	switch (r) {
	case SPF_RESULT_PASS:		return "pass";
	case SPF_RESULT_FAIL:		return "fail";
	case SPF_RESULT_SOFTFAIL:	return "softfail";
	case SPF_RESULT_NEUTRAL:	return "neutral";
	case SPF_RESULT_NONE:		return "none";
	case SPF_RESULT_TEMPERROR:	return "temperror";
	default:			return "permerror";
	}
}

static size_t value(char *out, size_t len, const char *v);

/* ---- DKIM ---- */

struct key_buf {
	u_char *buf;
	size_t len;
	bool found;
};

/* The first TXT record of the answer: a key record is one (RFC 6376 3.6.2.2). */
static int first_txt(void *ctx, const void *data, size_t n, uint32_t ttl)
{
	struct key_buf *k = ctx;

	(void)ttl;
	if (n >= k->len)
		return -E2BIG;
	memcpy(k->buf, data, n);
	k->buf[n] = '\0';
	k->found = true;
	return 1;
}

static DKIM_CBSTAT key_lookup(DKIM *d, DKIM_SIGINFO *sig, u_char *buf,
			      size_t len)
{
	const struct conf *c = dkim_get_user_context(d);
	struct key_buf k = { buf, len, false };
	unsigned char ans[DNS_ANSWER_MAX];
	char name[NS_MAXDNAME];
	int n;

	snprintf(name, sizeof(name), "%s._domainkey.%s",
		 dkim_sig_getselector(sig), dkim_sig_getdomain(sig));
	n = dns_query(c, name, ns_t_txt, ans, sizeof(ans));
	if (n == -ENOENT || n == -ENODATA)
		return DKIM_CBSTAT_NOTFOUND;
	if (n < 0)
		return DKIM_CBSTAT_TRYAGAIN;
	if (dns_each(ans, n, ns_t_txt, first_txt, &k) < 0)
		return DKIM_CBSTAT_ERROR;
	return k.found ? DKIM_CBSTAT_CONTINUE : DKIM_CBSTAT_NOTFOUND;
}

/* RFC 8601 2.7.1: a signature's result, and DMARC's outcome for it. */
static const char *sig_result(DKIM_SIGINFO *sig, int *outcome)
{
	int err = dkim_sig_geterror(sig);

	*outcome = DMARC_POLICY_DKIM_OUTCOME_FAIL;
	if ((dkim_sig_getflags(sig) & DKIM_SIGFLAG_PASSED) &&
	    dkim_sig_getbh(sig) == DKIM_SIGBH_MATCH) {
		*outcome = DMARC_POLICY_DKIM_OUTCOME_PASS;
		return "pass";
	}
	switch (err) {
	case DKIM_SIGERROR_KEYFAIL:
		*outcome = DMARC_POLICY_DKIM_OUTCOME_TMPFAIL;
		return "temperror";
	case DKIM_SIGERROR_OK:		/* the body hash differs */
	case DKIM_SIGERROR_BADSIG:
	case DKIM_SIGERROR_UNKNOWN:
		return "fail";
	default:			/* no key, revoked key, bad syntax */
		return "permerror";
	}
}

/* A few characters of b= tell two signatures apart (RFC 6008). */
static void sig_b(DKIM *d, DKIM_SIGINFO *sig, char *out, size_t len)
{
	size_t n = len;

	out[0] = '\0';
	if (dkim_get_sigsubstring(d, sig, out, &n) != DKIM_STAT_OK)
		out[0] = '\0';
	out[len - 1] = '\0';
}

static void dkim_check(const struct conf *c, const struct authcheck_in *in,
		       const unsigned char *p, size_t n, struct verdicts *v)
{
	DKIM_SIGINFO **sigs;
	DKIM_STAT st;
	int i, nsigs = 0;
	DKIM *d = dkim_lib ? dkim_verify(dkim_lib, (const u_char *)in->id,
					 NULL, &st) : NULL;

	if (!d)
		return;
	dkim_set_user_context(d, (void *)c);
	st = n ? dkim_chunk(d, (u_char *)p, n) : DKIM_STAT_OK;
	if (st == DKIM_STAT_OK)
		st = dkim_chunk(d, NULL, 0);
	if (st == DKIM_STAT_OK)
		dkim_eom(d, NULL);
	if (dkim_getsiglist(d, &sigs, &nsigs) != DKIM_STAT_OK)
		nsigs = 0;
	for (i = 0; i < nsigs && v->ndkim < MAX_SIGS; i++) {
		typeof(v->dkim[0]) *r = &v->dkim[v->ndkim];

		if (!dkim_sig_getdomain(sigs[i]))
			continue;
		snprintf(r->result, sizeof(r->result), "%s",
			 sig_result(sigs[i], &r->outcome));
		snprintf(r->domain, sizeof(r->domain), "%s",
			 dkim_sig_getdomain(sigs[i]));
		snprintf(r->selector, sizeof(r->selector), "%s",
			 dkim_sig_getselector(sigs[i]) ?
			 (char *)dkim_sig_getselector(sigs[i]) : "");
		sig_b(d, sigs[i], r->b, sizeof(r->b));
		v->ndkim++;
	}
	dkim_free(d);
}

/* ---- DMARC ---- */

struct from_field {
	int count;
	char value[1024];
};

static int find_from(void *ctx, const char *f, size_t off, size_t len)
{
	struct from_field *ff = ctx;
	size_t i, k = 0;

	(void)off;
	if (!is_field(f, len, "From"))
		return 0;
	if (ff->count++)
		return 0;
	/* Unfolded, for the library's address parser. */
	for (i = 5; i < len && k + 1 < sizeof(ff->value); i++)
		if (f[i] != '\r' && f[i] != '\n')
			ff->value[k++] = f[i];
	ff->value[k] = '\0';
	return 0;
}

/* RFC 7489 3.2 and 6.6.1: the From: domain, one address in one field. */
int authcheck_from_domain(const char *p, size_t n, char *out, size_t len)
{
	struct from_field ff = { 0 };
	u_char *user, *domain;

	each_field(p, n, find_from, &ff);
	if (ff.count != 1 || strchr(ff.value, ',') ||
	    dkim_mail_parse((u_char *)ff.value, &user, &domain) || !domain ||
	    !domain[0] || strlen((char *)domain) >= len)
		return -EINVAL;
	snprintf(out, len, "%s", (char *)domain);
	return 0;
}

/* _dmarc.<domain>'s "v=DMARC1" record: 0, -ENOENT or -EAGAIN. */
static int dmarc_record(const struct conf *c, const char *domain, char *out,
			size_t len)
{
	unsigned char ans[DNS_ANSWER_MAX];
	struct key_buf k = { (u_char *)out, len, false };
	char name[NS_MAXDNAME];
	int n;

	snprintf(name, sizeof(name), "_dmarc.%s", domain);
	n = dns_query(c, name, ns_t_txt, ans, sizeof(ans));
	if (n == -EAGAIN)
		return -EAGAIN;
	if (n < 0 || dns_each(ans, n, ns_t_txt, first_txt, &k) < 0 ||
	    !k.found || strncmp(out, "v=DMARC1", 8))
		return -ENOENT;
	return 0;
}

static const char *p_name(int p)
{
	return p == DMARC_RECORD_P_REJECT ? "reject" :
	       p == DMARC_RECORD_P_QUARANTINE ? "quarantine" : "none";
}

/* The record of the From: domain, else of its organizational domain. */
static int dmarc_lookup(const struct conf *c, const char *from, char *rec,
			size_t len, char *org, size_t olen)
{
	int ret = dmarc_record(c, from, rec, len);

	org[0] = '\0';
	if (opendmarc_get_tld((u_char *)from, (u_char *)org, olen))
		org[0] = '\0';
	if (ret == -ENOENT && org[0] && strcasecmp(org, from))
		ret = dmarc_record(c, org, rec, len);
	return ret;
}

static void dmarc_store(DMARC_POLICY_T *pc, const struct verdicts *v)
{
	int i, spf = v->spf == SPF_RESULT_PASS ? DMARC_POLICY_SPF_OUTCOME_PASS :
		     v->spf == SPF_RESULT_TEMPERROR ?
		     DMARC_POLICY_SPF_OUTCOME_TMPFAIL :
		     v->spf == SPF_RESULT_NONE ? DMARC_POLICY_SPF_OUTCOME_NONE :
		     DMARC_POLICY_SPF_OUTCOME_FAIL;

	opendmarc_policy_store_spf(pc, (u_char *)v->spf_domain, spf,
				   DMARC_POLICY_SPF_ORIGIN_MAILFROM, NULL);
	/* The library keeps one: a passing one if there is any. */
	for (i = 0; i < v->ndkim; i++)
		opendmarc_policy_store_dkim(pc, (u_char *)v->dkim[i].domain,
					    (u_char *)v->dkim[i].selector,
					    v->dkim[i].outcome, NULL);
}

static void dmarc_check(const struct conf *c, const struct authcheck_in *in,
			const char *p, size_t n, struct verdicts *v,
			struct authcheck_result *r)
{
	char rec[1024], org[256], ip[INET6_ADDRSTRLEN], dom[300];
	DMARC_POLICY_T *pc;
	int ret, pol, pp = 0;

	if (authcheck_from_domain(p, n, v->from_domain,
				  sizeof(v->from_domain))) {
		snprintf(v->dmarc, sizeof(v->dmarc), "permerror");
		return;
	}
	ret = dmarc_lookup(c, v->from_domain, rec, sizeof(rec), org,
			   sizeof(org));
	snprintf(v->dmarc, sizeof(v->dmarc), "%s",
		 ret == -EAGAIN ? "temperror" : ret ? "none" : "");
	if (ret)
		return;
	getnameinfo(in->peer, in->peer->sa_family == AF_INET ?
		    sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6),
		    ip, sizeof(ip), NULL, 0, NI_NUMERICHOST);
	pc = opendmarc_policy_connect_init((u_char *)ip,
					   in->peer->sa_family == AF_INET6);
	if (!pc) {
		snprintf(v->dmarc, sizeof(v->dmarc), "temperror");
		return;
	}
	opendmarc_policy_store_from_domain(pc, (u_char *)v->from_domain);
	if (opendmarc_policy_store_dmarc(pc, (u_char *)rec,
					 (u_char *)v->from_domain,
					 org[0] ? (u_char *)org : NULL) !=
	    DMARC_PARSE_OKAY) {
		snprintf(v->dmarc, sizeof(v->dmarc), "permerror");
		goto out;
	}
	dmarc_store(pc, v);
	pol = opendmarc_get_policy_to_enforce(pc);
	if (opendmarc_get_policy_token_used(pc) == DMARC_USED_POLICY_IS_SP)
		opendmarc_policy_fetch_sp(pc, &pp);
	else
		opendmarc_policy_fetch_p(pc, &pp);
	snprintf(v->dmarc_p, sizeof(v->dmarc_p), "%s", p_name(pp));
	snprintf(v->dmarc, sizeof(v->dmarc), "%s",
		 pol == DMARC_POLICY_PASS ? "pass" : "fail");
	if (pol == DMARC_POLICY_REJECT || pol == DMARC_POLICY_QUARANTINE) {
		r->asks = pol == DMARC_POLICY_REJECT ? AUTHCHECK_REJECT :
			  AUTHCHECK_QUARANTINE;
		value(dom, sizeof(dom), v->from_domain);
		snprintf(r->why, sizeof(r->why), "DMARC policy of %s (p=%s): "
			 "no aligned SPF or DKIM pass", dom, v->dmarc_p);
	}
out:
	opendmarc_policy_connect_shutdown(pc);
}

/* ---- the field (RFC 8601 2.2) ---- */

/* A value as a token when it is one, else a quoted-string; 8-bit as '?'. */
static size_t value(char *out, size_t len, const char *v)
{
	bool token = *v != '\0';
	size_t off = 0;
	const char *q;

	for (q = v; *q; q++)
		if (!isalnum((unsigned char)*q) && !strchr("@._-+", *q))
			token = false;
	if (token)
		return (size_t)snprintf(out, len, "%s", v);
	if (len < 3)
		return 0;
	out[off++] = '"';
	for (q = v; *q && off + 4 < len; q++) {
		unsigned char ch = (unsigned char)*q;

		if (ch == '"' || ch == '\\')
			out[off++] = '\\';
		out[off++] = ch < 0x20 || ch > 0x7e ? '?' : (char)ch;
	}
	out[off++] = '"';
	out[off] = '\0';
	return off;
}

struct field_buf {
	char *p;
	size_t len, off;
};

static void put(struct field_buf *b, const char *fmt, const char *v)
{
	char tmp[600];

	if (b->off >= b->len)
		return;
	value(tmp, sizeof(tmp), v ? v : "");
	b->off += (size_t)snprintf(b->p + b->off, b->len - b->off, fmt, tmp);
}

static void lit(struct field_buf *b, const char *s)
{
	if (b->off < b->len)
		b->off += (size_t)snprintf(b->p + b->off, b->len - b->off, "%s",
					   s);
}

static void format(const struct conf *c, const struct authcheck_in *in,
		   const struct verdicts *v, struct authcheck_result *r)
{
	struct field_buf b = { r->header, sizeof(r->header) - 3, 0 };
	char from[600];
	int i;

	snprintf(from, sizeof(from), "%s", in->mail_from[0] ? in->mail_from :
		 in->helo);
	put(&b, "Authentication-Results: %s;", c->hostname);
	lit(&b, "\r\n\tspf=");
	lit(&b, spf_name(v->spf));
	put(&b, in->mail_from[0] ? " smtp.mailfrom=%s" : " smtp.helo=%s", from);
	for (i = 0; i < v->ndkim; i++) {
		lit(&b, ";\r\n\tdkim=");
		lit(&b, v->dkim[i].result);
		put(&b, " header.d=%s", v->dkim[i].domain);
		put(&b, " header.s=%s", v->dkim[i].selector);
		if (v->dkim[i].b[0])
			put(&b, " header.b=%s", v->dkim[i].b);
	}
	if (!v->ndkim)
		lit(&b, ";\r\n\tdkim=none");
	lit(&b, ";\r\n\tdmarc=");
	lit(&b, v->dmarc);
	if (v->dmarc_p[0]) {
		lit(&b, " (p=");
		lit(&b, v->dmarc_p);
		lit(&b, ")");
	}
	if (v->from_domain[0])
		put(&b, " header.from=%s", v->from_domain);
	if (b.off > b.len)
		b.off = b.len;
	memcpy(r->header + b.off, "\r\n", 3);
}

void authcheck_run(const struct conf *c, const struct authcheck_in *in,
		   struct authcheck_result *r)
{
	size_t n = evbuffer_get_length(in->msg);
	const unsigned char *p = n ? evbuffer_pullup(in->msg, -1) : NULL;
	struct verdicts *v = calloc(1, sizeof(*v));
	char dom[300];

	memset(r, 0, sizeof(*r));
	if (!v || (n && !p)) {
		free(v);
		snprintf(r->header, sizeof(r->header), "Authentication-Results:"
			 " %s; none (out of memory)\r\n", c->hostname);
		return;
	}
	spf_check(c, in, v);
	dkim_check(c, in, p, n, v);
	dmarc_check(c, in, (const char *)p, n, v, r);
	value(dom, sizeof(dom), v->spf_domain);
	if (!strcmp(v->dmarc, "none") && v->spf == SPF_RESULT_FAIL) {
		r->asks = AUTHCHECK_REJECT;
		snprintf(r->why, sizeof(r->why), "SPF of %s: fail for this "
			 "client", dom);
	} else if (!strcmp(v->dmarc, "none") && v->spf == SPF_RESULT_SOFTFAIL) {
		r->asks = AUTHCHECK_TAG;
		snprintf(r->why, sizeof(r->why), "SPF of %s: softfail", dom);
	}
	format(c, in, v, r);
	free(v);
}

/* ---- forged fields ---- */

struct strip {
	const char *host;
	struct evbuffer *out;
	const char *p;
	size_t kept;			/* copied up to here */
	int removed;
};

/* authserv-id: the first word of the value, after blanks and comments. */
static bool ours(const char *f, size_t len, const char *host)
{
	size_t i = strlen("Authentication-Results:"), k = strlen(host);
	int depth = 0;

	for (; i < len; i++) {
		if (f[i] == '(')
			depth++;
		else if (f[i] == ')' && depth)
			depth--;
		else if (!depth && !isspace((unsigned char)f[i]))
			break;
	}
	return len - i >= k && !strncasecmp(f + i, host, k) &&
	       (i + k == len || f[i + k] == ';' ||
		isspace((unsigned char)f[i + k]) || f[i + k] == '(');
}

static int strip_one(void *ctx, const char *f, size_t off, size_t len)
{
	struct strip *s = ctx;

	if (!is_field(f, len, "Authentication-Results") || !ours(f, len, s->host))
		return 0;
	if (evbuffer_add(s->out, s->p + s->kept, off - s->kept))
		return -ENOMEM;
	s->kept = off + len;
	s->removed++;
	return 0;
}

int authcheck_strip(struct evbuffer *msg, const char *host)
{
	size_t n = evbuffer_get_length(msg);
	struct strip s = { .host = host };
	int ret;

	s.p = n ? (const char *)evbuffer_pullup(msg, -1) : NULL;
	if (!s.p)
		return 0;
	s.out = evbuffer_new();
	if (!s.out)
		return -ENOMEM;
	ret = each_field(s.p, n, strip_one, &s);
	if (!ret && s.removed)
		ret = evbuffer_add(s.out, s.p + s.kept, n - s.kept) ? -ENOMEM : 0;
	if (!ret && s.removed) {
		evbuffer_drain(msg, n);
		evbuffer_add_buffer(msg, s.out);
	}
	evbuffer_free(s.out);
	return ret ? ret : s.removed;
}

/* ---- the libraries ---- */

int authcheck_init(const struct conf *c)
{
	dkim_lib = dkim_init(NULL, NULL);
	if (!dkim_lib || dkim_set_key_lookup(dkim_lib, key_lookup)) {
		log_msg(LOG_ERR, "authcheck: cannot start libopendkim");
		authcheck_free();
		return -ENOMEM;
	}
	/* Without the list, alignment is exact only (and logged). */
	dmarc_lib.tld_type = OPENDMARC_TLD_TYPE_MOZILLA;
	snprintf((char *)dmarc_lib.tld_source_file,
		 sizeof(dmarc_lib.tld_source_file), "%s", PSL_FILE);
	if (opendmarc_policy_library_init(&dmarc_lib) != DMARC_PARSE_OKAY &&
	    c->nauthcheck)
		log_msg(LOG_WARNING, "authcheck: %s: cannot read the public "
			"suffix list", PSL_FILE);
	return 0;
}

void authcheck_free(void)
{
	if (dkim_lib)
		dkim_close(dkim_lib);
	dkim_lib = NULL;
	opendmarc_policy_library_shutdown(&dmarc_lib);
}
