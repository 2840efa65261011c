// SPDX-License-Identifier: GPL-2.0
/*
 * Blocking DNS queries for the workers: one glibc resolver state per
 * thread, its name server and timeout taken from the configuration at each
 * query, and a cache of DNS_CACHE_SLOTS answers shared by every thread.
 * The cache is direct-mapped: a new answer takes its slot from whatever
 * was there (counted as an eviction), so it never grows.
 */
#include <arpa/nameser.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <resolv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "dns.h"

#define DNS_CACHE_SLOTS	1024
#define DNS_TTL_MAX	3600	/* seconds an answer is kept at most */
#define DNS_NEG_TTL	60	/* for "no such name" and "no such record" */

struct slot {
	char name[NS_MAXDNAME];
	int type;
	int ret;			/* dns_query()'s: length or -errno */
	unsigned char *ans;		/* ret bytes, when ret > 0 */
	time_t expires;			/* CLOCK_MONOTONIC seconds */
};

static struct {
	pthread_mutex_t lock;
	struct slot slots[DNS_CACHE_SLOTS];
	struct dns_stats st;
} cache = { .lock = PTHREAD_MUTEX_INITIALIZER };

static __thread struct __res_state rs;
static __thread bool rs_ready;
/* Closes a worker's resolver when the thread ends (res_nclose frees what
 * res_send allocated for its name servers). */
static pthread_key_t rs_key;
static bool rs_key_ok;
static pthread_once_t rs_once = PTHREAD_ONCE_INIT;

static void rs_close(void *unused)
{
	(void)unused;
	if (rs_ready) {
		res_nclose(&rs);
		rs_ready = false;
	}
}

static void rs_key_make(void)
{
	rs_key_ok = !pthread_key_create(&rs_key, rs_close);
}

static time_t now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* FNV-1a of the type and the name, case folded as DNS compares names. */
static struct slot *slot_of(const char *name, int type)
{
	uint32_t h = 2166136261u ^ (uint32_t)type;

	for (; *name; name++)
		h = (h ^ (uint8_t)tolower((unsigned char)*name)) * 16777619u;
	return &cache.slots[h % DNS_CACHE_SLOTS];
}

static int cache_get(const char *name, int type, unsigned char *ans,
		     size_t len)
{
	struct slot *sl;
	int ret = -ESRCH;

	pthread_mutex_lock(&cache.lock);
	sl = slot_of(name, type);
	if (sl->expires > now() && sl->type == type &&
	    !strcasecmp(sl->name, name) && (sl->ret <= 0 ||
					     (size_t)sl->ret <= len)) {
		ret = sl->ret;
		if (ret > 0)
			memcpy(ans, sl->ans, (size_t)ret);
		cache.st.hits++;
	} else {
		cache.st.misses++;
	}
	pthread_mutex_unlock(&cache.lock);
	return ret;
}

static void cache_put(const char *name, int type, int ret,
		      const unsigned char *ans, uint32_t ttl)
{
	unsigned char *copy = NULL;
	struct slot *sl;

	if (ret > 0 && !(copy = malloc((size_t)ret)))
		return;
	if (copy)
		memcpy(copy, ans, (size_t)ret);
	pthread_mutex_lock(&cache.lock);
	sl = slot_of(name, type);
	if (sl->expires && sl->expires > now() &&
	    (sl->type != type || strcasecmp(sl->name, name)))
		cache.st.evictions++;
	free(sl->ans);
	snprintf(sl->name, sizeof(sl->name), "%s", name);
	sl->type = type;
	sl->ret = ret;
	sl->ans = copy;
	sl->expires = now() + (ttl > DNS_TTL_MAX ? DNS_TTL_MAX : ttl);
	pthread_mutex_unlock(&cache.lock);
}

void dns_stats(struct dns_stats *st)
{
	pthread_mutex_lock(&cache.lock);
	*st = cache.st;
	pthread_mutex_unlock(&cache.lock);
}

/*
 * This thread's resolver, as the configuration says now: its name server
 * (else resolv.conf's), one try of dns_timeout seconds, no search list.
 */
static int resolver(const struct conf *c)
{
	if (!rs_ready) {
		pthread_once(&rs_once, rs_key_make);
		if (res_ninit(&rs))
			return -EAGAIN;
		rs_ready = true;
		/* any non-NULL value: the destructor runs at thread exit */
		if (rs_key_ok)
			pthread_setspecific(rs_key, &rs);
	}
	if (c->resolver_set) {
		rs.nscount = 1;
		rs.nsaddr_list[0] = c->resolver;
	}
	rs.retrans = c->dns_timeout;
	rs.retry = 1;
	rs.options &= ~(RES_DNSRCH | RES_DEFNAMES);
	rs.options |= RES_USE_EDNS0;
	return 0;
}

static int min_ttl(void *ctx, const void *data, size_t n, uint32_t ttl)
{
	uint32_t *min = ctx;

	(void)data;
	(void)n;
	if (ttl < *min)
		*min = ttl;
	return 0;
}

int dns_query(const struct conf *c, const char *name, int type,
	      unsigned char *ans, size_t len)
{
	uint32_t ttl = DNS_NEG_TTL;
	int ret = cache_get(name, type, ans, len);

	if (ret != -ESRCH)
		return ret;
	ret = resolver(c);
	if (ret)
		return ret;
	ret = res_nquery(&rs, name, ns_c_in, type, ans, (int)len);
	if (ret < 0) {
		if (rs.res_h_errno == HOST_NOT_FOUND)
			ret = -ENOENT;
		else if (rs.res_h_errno == NO_DATA)
			ret = -ENODATA;
		else
			return -EAGAIN;
	} else if ((size_t)ret > len) {
		return -EAGAIN;		/* truncated even over TCP */
	} else {
		ttl = DNS_TTL_MAX;
		dns_each(ans, ret, type, min_ttl, &ttl);
	}
	cache_put(name, type, ret, ans, ttl);
	return ret;
}

/* A TXT record's character-strings, joined (RFC 7208 3.3, RFC 6376 3.6.2.2). */
static int txt_join(const unsigned char *rd, size_t n, char *out)
{
	size_t i = 0, off = 0, k;

	while (i < n) {
		k = rd[i++];
		if (k > n - i)
			return -EINVAL;
		memcpy(out + off, rd + i, k);
		off += k;
		i += k;
	}
	out[off] = '\0';
	return (int)off;
}

static int one(const ns_msg *msg, const ns_rr *rr, int type,
	       int (*fn)(void *, const void *, size_t, uint32_t), void *ctx)
{
	const unsigned char *rd = ns_rr_rdata(*rr);
	size_t n = ns_rr_rdlen(*rr);
	char buf[DNS_ANSWER_MAX];
	int k;

	switch (type) {
	case ns_t_txt:
		k = txt_join(rd, n, buf);
		break;
	case ns_t_mx:
		if (n < 2)
			return -EINVAL;
		rd += 2;
		/* fallthrough */
	case ns_t_ptr:
	case ns_t_cname:
		k = ns_name_uncompress(ns_msg_base(*msg), ns_msg_end(*msg), rd,
				       buf, sizeof(buf));
		k = k < 0 ? -EINVAL : (int)strlen(buf);
		break;
	default:
		return fn(ctx, rd, n, ns_rr_ttl(*rr));
	}
	return k < 0 ? k : fn(ctx, buf, (size_t)k, ns_rr_ttl(*rr));
}

int dns_each(const unsigned char *ans, int len, int type,
	     int (*fn)(void *ctx, const void *data, size_t n, uint32_t ttl),
	     void *ctx)
{
	ns_msg msg;
	ns_rr rr;
	int i, ret = 0;

	if (ns_initparse(ans, len, &msg))
		return -EINVAL;
	for (i = 0; !ret && i < ns_msg_count(msg, ns_s_an); i++) {
		if (ns_parserr(&msg, ns_s_an, i, &rr))
			return -EINVAL;
		if ((int)ns_rr_type(rr) == type && ns_rr_class(rr) == ns_c_in)
			ret = one(&msg, &rr, type, fn, ctx);
	}
	return ret;
}
