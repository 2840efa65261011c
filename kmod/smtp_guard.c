// SPDX-License-Identifier: GPL-2.0
/*
 * The guard's decisions. A segment is placed in its direction's window,
 * the bytes it makes contiguous are read (kmod/proto/smtpg.c), and each
 * command and limit is checked as it is read. A violation under RESET or
 * BLOCK drops the segment that completed the offending command, so the
 * server never reads it, and resets both ends.
 *
 * Connection rules are judged on the client's SYN: a blocked client's SYN
 * is dropped; one over CONN_LIMIT or CONN_RATE, or in the client
 * blocklist, gets the rule's action (a reset to the client only: the
 * server never saw the SYN).
 */
#include <linux/slab.h>
#include <linux/string.h>

#include "smtp_event.h"
#include "smtp_guard.h"
#include "smtp_net.h"
#include "smtpg.h"

struct ctx {
	struct nfps_net *sn;
	const struct nfps_cfg *cfg;
	const struct nfps_seg *seg;
	struct nfps_verdict *v;
	struct nfps_flow *f;
	u64 now;
	u32 srv_next;		/* the server's next expected client byte */
};

static struct nfps_host *host_of(struct ctx *c)
{
	struct nfps_host *h;
	bool evicted;

	h = nfps_host_get(&c->sn->tables, &c->seg->key.caddr,
			  c->cfg->max_flows, &evicted);
	if (evicted)
		nfps_count(c->sn, NFPS_A_STAT_HOSTS_EVICTED);
	if (!h)
		nfps_count(c->sn, NFPS_A_STAT_NOMEM);
	return h;
}

static void rst_to_client(struct ctx *c, u32 seq, u32 ack)
{
	struct nfps_rst *r = &c->v->rst[c->v->nrst++];
	const struct nfps_key *k = &c->seg->key;

	r->saddr = k->saddr;
	r->daddr = k->caddr;
	r->sport = k->sport;
	r->dport = k->cport;
	r->seq = seq;
	r->ack = ack;
}

static void rst_to_server(struct ctx *c, u32 seq, u32 ack)
{
	struct nfps_rst *r = &c->v->rst[c->v->nrst++];
	const struct nfps_key *k = &c->seg->key;

	r->saddr = k->caddr;
	r->daddr = k->saddr;
	r->sport = k->cport;
	r->dport = k->sport;
	r->seq = seq;
	r->ack = ack;
}

/*
 * Counts and reports a violation, and carries out its action. Returns true
 * if the segment is to be dropped (and the flow is then over).
 */
static bool violate(struct ctx *c, int rule, const u8 *line, size_t len,
		    u64 value, bool has_value)
{
	u8 action = c->cfg->action[rule];
	struct nfps_event ev = {
		.rule = rule, .action = action, .key = &c->seg->key,
		.cmd = line, .cmd_len = len, .value = value,
		.has_value = has_value,
	};
	struct nfps_host *h;

	nfps_count_idx(c->sn, NFPS_STAT_RULE(rule));
	nfps_count_idx(c->sn, NFPS_STAT_ACT(action));
	nfps_event_queue(c->sn, &ev, &c->v->events);
	if (action == NFPS_ACT_LOG)
		return false;
	if (action == NFPS_ACT_BLOCK) {
		h = host_of(c);
		if (h)
			h->blocked_until = c->now + c->cfg->block_ms;
	}
	c->v->drop = true;
	if (c->seg->syn) {
		rst_to_client(c, 0, c->seg->seq + 1);
	} else {
		rst_to_client(c, c->seg->ack, c->seg->seq + c->seg->len);
		rst_to_server(c, c->srv_next, c->seg->ack);
	}
	return true;
}

/* One more in @n within the client's rate window; its count after. */
static u32 rate_hit(struct ctx *c, struct nfps_host *h, u32 *n)
{
	if (c->now - h->win_start >= c->cfg->rate_window_ms) {
		h->win_start = c->now;
		h->conn_n = 0;
		h->msg_n = 0;
		h->rcpt_n = 0;
	}
	return ++*n;
}

static bool rate_over(struct ctx *c, int rule, u32 limit, size_t field,
		      const u8 *line, size_t len)
{
	struct nfps_host *h;
	u32 n;

	if (!limit)
		return false;
	h = host_of(c);
	if (!h)
		return false;
	n = rate_hit(c, h, (u32 *)((u8 *)h + field));
	return n > limit && violate(c, rule, line, len, n, true);
}

/* --- connections --- */

static bool syn_allowed(struct ctx *c, struct nfps_host *h)
{
	const struct nfps_cfg *cfg = c->cfg;

	if (h->fail_until && time_before64(c->now, h->fail_until)) {
		nfps_count(c->sn, NFPS_A_STAT_CACHE_FAIL);
		if (violate(c, NFPS_RULE_PREGREET, NULL, 0,
			    h->fail_until - c->now, true))
			return false;
	}
	if (nfps_prefixes_match(&cfg->block_clients, &c->seg->key.caddr) &&
	    violate(c, NFPS_RULE_CLIENT, NULL, 0, 0, false))
		return false;
	if (cfg->conn_max && h->conns >= cfg->conn_max &&
	    violate(c, NFPS_RULE_CONN_LIMIT, NULL, 0, h->conns + 1, true))
		return false;
	return !rate_over(c, NFPS_RULE_CONN_RATE, cfg->conn_rate,
			  offsetof(struct nfps_host, conn_n), NULL, 0);
}

/* A client that passed the teaser lately skips it. */
static bool cached_pass(struct ctx *c, const struct nfps_host *h)
{
	if (!h || !h->pass_until || !time_before64(c->now, h->pass_until))
		return false;
	nfps_count(c->sn, NFPS_A_STAT_CACHE_PASS);
	return true;
}

static void client_syn(struct ctx *c)
{
	struct nfps_tables *t = &c->sn->tables;
	struct nfps_flow *f = c->f;
	struct nfps_host *h;
	bool evicted;

	if (f && !f->dir[NFPS_C2S].rb && !f->dir[NFPS_S2C].known) {
		f->dir[NFPS_C2S].base = c->seg->seq + 1;	/* again */
		return;
	}
	if (f)
		nfps_flow_free(t, f);		/* the ports are reused */
	h = host_of(c);
	if (!h)
		return;
	if (h->blocked_until && time_before64(c->now, h->blocked_until)) {
		nfps_count(c->sn, NFPS_A_STAT_BLOCKED_DROPS);
		c->v->drop = true;
		return;
	}
	h->blocked_until = 0;
	if (!syn_allowed(c, h))
		return;
	f = nfps_flow_new(t, &c->seg->key, c->cfg->max_flows, &evicted);
	if (evicted)
		nfps_count(c->sn, NFPS_A_STAT_FLOWS_EVICTED);
	if (!f) {
		nfps_count(c->sn, NFPS_A_STAT_NOMEM);
		return;
	}
	nfps_count(c->sn, NFPS_A_STAT_FLOWS_NEW);
	/* host_of() again: making the flow may have evicted that client. */
	h = host_of(c);
	if (h)
		h->conns++;
	f->teaser = c->cfg->teaser_ms && !cached_pass(c, h);
	f->start_ms = c->now;
	f->trusted = nfps_prefixes_match(&c->cfg->mynetworks,
					 &c->seg->key.caddr);
	f->dir[NFPS_C2S].base = c->seg->seq + 1;
	f->dir[NFPS_C2S].known = true;
}

/* --- commands --- */

/* Whether the RCPT path may go where it goes from this client. */
static bool relay_ok(struct ctx *c, const struct smtpg_out *o)
{
	const struct nfps_cfg *cfg = c->cfg;
	char path[NFPS_NAME_MAX + 2];
	const char *d;
	size_t len;

	if (c->f->trusted || (c->f->rd.authed && cfg->auth_relay))
		return true;
	/* What the guard cannot read counts as a relay attempt. */
	if (!o->path_ok || o->arg_len > NFPS_NAME_MAX ||
	    memchr(o->arg, '\0', o->arg_len))
		return false;
	memcpy(path, o->arg, o->arg_len);
	path[o->arg_len] = '\0';
	if (smtpg_next_domain(path, &d, &len))
		return false;
	return !len || nfps_names_match(&cfg->local_domains, d, len) ||
	       nfps_names_match(&cfg->relay_domains, d, len);
}

static bool sender_blocked(struct ctx *c, const struct smtpg_out *o)
{
	char path[NFPS_NAME_MAX + 2];

	if (!c->cfg->block_senders.n || !o->path_ok ||
	    o->arg_len > NFPS_NAME_MAX || memchr(o->arg, '\0', o->arg_len))
		return false;
	memcpy(path, o->arg, o->arg_len);
	path[o->arg_len] = '\0';
	return nfps_senders_match(&c->cfg->block_senders, path);
}

static bool on_rcpt(struct ctx *c, const struct smtpg_out *o)
{
	const struct nfps_cfg *cfg = c->cfg;
	struct nfps_flow *f = c->f;

	f->rcpts++;
	if (cfg->max_rcpt && f->rcpts > cfg->max_rcpt &&
	    violate(c, NFPS_RULE_RCPT_LIMIT, o->line, o->line_len, f->rcpts,
		    true))
		return true;
	if (rate_over(c, NFPS_RULE_RCPT_RATE, cfg->rcpt_rate,
		      offsetof(struct nfps_host, rcpt_n), o->line, o->line_len))
		return true;
	return !relay_ok(c, o) &&
	       violate(c, NFPS_RULE_RELAY, o->line, o->line_len, 0, false);
}

/* Returns true if the segment is to be dropped. */
static bool on_command(struct ctx *c, const struct smtpg_out *o)
{
	const struct nfps_cfg *cfg = c->cfg;
	struct nfps_flow *f = c->f;

	switch (o->verb) {
	case SMTPG_HELO:
	case SMTPG_EHLO:
		return nfps_names_match(&cfg->block_helo, (const char *)o->arg,
					o->arg_len) &&
		       violate(c, NFPS_RULE_HELO, o->line, o->line_len, 0, false);
	case SMTPG_MAIL:
		f->rcpts = 0;
		f->size_seen = false;
		if (sender_blocked(c, o) &&
		    violate(c, NFPS_RULE_SENDER, o->line, o->line_len, 0, false))
			return true;
		return rate_over(c, NFPS_RULE_MSG_RATE, cfg->msg_rate,
				 offsetof(struct nfps_host, msg_n), o->line,
				 o->line_len);
	case SMTPG_RCPT:
		return on_rcpt(c, o);
	case SMTPG_RSET:
		f->rcpts = 0;
		f->size_seen = false;
		return false;
	default:
		return false;
	}
}

static bool size_over(struct ctx *c, const struct smtpg_out *o)
{
	if (!c->cfg->max_size || o->size <= c->cfg->max_size ||
	    c->f->size_seen)
		return false;
	c->f->size_seen = true;
	return violate(c, NFPS_RULE_SIZE, NULL, 0, o->size, true);
}

static void opaque(struct ctx *c)
{
	if (!c->f->lost && !c->f->rd.tls)
		c->f->lost = true;
	nfps_count(c->sn, NFPS_A_STAT_OPAQUE);
}

/* Remembered for fail-ttl; any earlier pass is forgotten. */
static void pregreet_failed(struct ctx *c)
{
	struct nfps_host *h;

	c->f->pregreeted = true;
	c->f->teaser = false;
	h = host_of(c);
	if (!h)
		return;
	h->pass_until = 0;
	if (c->cfg->fail_ttl_ms)
		h->fail_until = c->now + c->cfg->fail_ttl_ms;
}

/* One step of the client's bytes; true if the segment is to be dropped. */
static bool client_step(struct ctx *c, struct smtpg_out *o)
{
	switch (o->ev) {
	case SMTPG_EV_CMD:
		return on_command(c, o);
	case SMTPG_EV_DATA:
	case SMTPG_EV_DATA_END:
	case SMTPG_EV_BDAT:
		return size_over(c, o);
	case SMTPG_EV_EARLY:
		if (o->wait == SMTPG_W_GREETING)
			pregreet_failed(c);
		if (violate(c, o->wait == SMTPG_W_GREETING ?
			    NFPS_RULE_PREGREET : NFPS_RULE_PIPELINING,
			    NULL, 0, 0, false))
			return true;
		smtpg_client_early(&c->f->rd);
		if (o->wait != SMTPG_W_GREETING)
			opaque(c);
		return false;
	case SMTPG_EV_BARE_EOL:
		return violate(c, NFPS_RULE_BARE_EOL, NULL, 0, o->size, true);
	case SMTPG_EV_LONG_LINE:
		nfps_count(c->sn, NFPS_A_STAT_SMTP_MALFORMED);
		return false;
	default:
		return false;
	}
}

static void server_step(struct ctx *c, struct smtpg_out *o)
{
	if (o->ev == SMTPG_EV_BAD_REPLY)
		nfps_count(c->sn, NFPS_A_STAT_SMTP_MALFORMED);
	else if (o->ev == SMTPG_EV_REPLY && o->last && c->f->rd.tls)
		nfps_count(c->sn, NFPS_A_STAT_OPAQUE);
}

/*
 * Reads up to @len bytes at @buf: how many were read, or -1 if the flow is
 * over (the segment is dropped).
 */
static long read_bytes(struct ctx *c, const u8 *buf, u32 len, bool client)
{
	struct smtpg_out o;
	u32 pos = 0, n;

	while (pos < len) {
		n = client ? smtpg_client(&c->f->rd, buf + pos, len - pos, &o) :
			     smtpg_server(&c->f->rd, buf + pos, len - pos, &o);
		if (client ? client_step(c, &o) : (server_step(c, &o), false))
			return -1;
		if (!n && o.ev != SMTPG_EV_EARLY && o.ev != SMTPG_EV_BARE_EOL)
			break;
		pos += n;
	}
	return pos;
}

/* Reads what is contiguous in the direction's window. */
static void read_dir(struct ctx *c, struct nfps_dir *d, bool client)
{
	long n = read_bytes(c, d->rb->data, d->rb->contig, client);

	if (n < 0)
		return;
	nfps_rbuf_consume(d->rb, n);
	d->base += n;
}

/*
 * The common case: a segment that starts at the reader's next byte, with
 * nothing held. It is read where it lies, the skb's head and then each of
 * its fragments, and is not copied into a window. Returns the bytes read;
 * what is left (a line cut by a fragment's end or the segment's) is stored
 * as any segment is.
 */
static u32 read_in_place(struct ctx *c, struct nfps_dir *d, bool client)
{
	const struct nfps_seg *seg = c->seg;
	struct skb_seq_state st;
	u32 done = 0, len;
	const u8 *p;
	long n;

	if (d->rb || seg->seq != d->base)
		return 0;
	skb_prepare_seq_read(seg->skb, seg->off, seg->off + seg->len, &st);
	while ((len = skb_seq_read(done, &p, &st))) {
		n = read_bytes(c, p, len, client);
		if (n < 0)
			break;
		done += n;
		d->base += n;
		if (n < len)
			break;
	}
	skb_abort_seq_read(&st);
	return done;
}

/* Once a session is opaque its bytes are no longer kept. */
static bool unread(const struct nfps_flow *f)
{
	return f->lost || f->rd.tls;
}

/*
 * Whether the server's segment carries (part of) the greeting's final
 * line: a line whose fourth byte ends the code ("220 ", or "220" alone).
 * The reader holds the start of a partial line; a segment ahead of a gap
 * is held too, one already read is not.
 */
static bool greeting_ends(struct ctx *c, const struct nfps_dir *d)
{
	const struct nfps_seg *seg = c->seg;
	u32 pos = d->rb ? d->rb->contig : 0, off, n, i;
	s32 ahead = seg->seq - (d->base + pos);
	u8 buf[64];
	const u8 *p;

	if (ahead)
		return ahead > 0;
	if (pos > 3 && d->rb->data[3] == ' ')
		return true;
	for (off = 0; off < seg->len; off += n) {
		n = min_t(u32, seg->len - off, sizeof(buf));
		p = skb_header_pointer(seg->skb, seg->off + off, n, buf);
		if (!p)
			return true;
		for (i = 0; i < n; i++) {
			if (pos == 3 && (p[i] == ' ' || p[i] == '\r' ||
					 p[i] == '\n'))
				return true;
			pos = p[i] == '\n' ? 0 : pos + 1;
		}
	}
	return false;
}

/*
 * The teaser (postscreen's greet_wait): the end of the greeting waits
 * until teaser-ms after the SYN; what comes before it passes. A client
 * silent through the wait passed, and is remembered for pass-ttl.
 */
static bool teaser_holds(struct ctx *c, const struct nfps_dir *d)
{
	struct nfps_flow *f = c->f;
	struct nfps_host *h;

	if (!smtpg_greeting_pending(&f->rd)) {
		f->teaser = false;
		return false;
	}
	if (!greeting_ends(c, d))
		return false;
	if (c->now - f->start_ms < c->cfg->teaser_ms)
		return true;
	f->teaser = false;
	h = host_of(c);
	if (h && c->cfg->pass_ttl_ms) {
		h->pass_until = c->now + c->cfg->pass_ttl_ms;
		h->fail_until = 0;
	}
	return false;
}

/*
 * Stores the segment in the direction's window. One that starts with no
 * gap before it but ends past the window (GRO on the way in and TSO on the
 * sender make segments of up to 64 KiB, larger than any window) goes in
 * pieces, each read before the next is stored; only what is left once the
 * reader can take no more (a line longer than the window) is refused.
 * The segment is stored from its byte @done on. Returns the result for
 * the last piece, which the caller reads.
 */
static enum nfps_rbuf_res store_long(struct ctx *c, struct nfps_dir *d,
				     u32 done, bool *ahead)
{
	const struct nfps_seg *seg = c->seg;
	bool client = seg->dir == NFPS_C2S;
	enum nfps_rbuf_res res;
	u32 n, base;
	s32 rel;

	for (;;) {
		n = seg->len - done;
		rel = seg->seq + done - d->base;
		if (rel <= (s32)(d->rb ? d->rb->contig : 0) &&
		    rel + (s64)n > NFPS_BUF_LEN)
			n = NFPS_BUF_LEN - rel;
		res = nfps_rbuf_store(&d->rb, d->base, seg->seq + done,
				      seg->skb, seg->off + done, n, ahead);
		done += n;
		if (res != NFPS_RB_OK || done == seg->len)
			return res;
		base = d->base;
		read_dir(c, d, client);
		if (!c->f || c->v->drop || unread(c->f))
			return NFPS_RB_OK;
		if (d->base == base)
			return NFPS_RB_WINDOW;	/* the reader is stuck */
	}
}

static void data(struct ctx *c)
{
	const struct nfps_seg *seg = c->seg;
	struct nfps_dir *d = &c->f->dir[seg->dir];
	enum nfps_rbuf_res res;
	bool ahead;
	u32 done;

	if (!d->known) {
		nfps_count(c->sn, NFPS_A_STAT_UNTRACKED);
		return;
	}
	if (unread(c->f))
		return;
	if (seg->dir == NFPS_S2C && c->f->teaser && teaser_holds(c, d)) {
		nfps_count(c->sn, NFPS_A_STAT_TEASER_HOLDS);
		c->v->drop = true;
		return;
	}
	c->srv_next = d->base + (d->rb ? d->rb->contig : 0);
	done = read_in_place(c, d, seg->dir == NFPS_C2S);
	if (c->v->drop || unread(c->f) || done == seg->len)
		return;
	res = store_long(c, d, done, &ahead);
	if (!c->f || c->v->drop || unread(c->f))
		return;
	switch (res) {
	case NFPS_RB_OLD:
		nfps_count(c->sn, NFPS_A_STAT_RETRANSMITS);
		return;
	case NFPS_RB_WINDOW:
		nfps_count(c->sn, NFPS_A_STAT_WINDOW_DROPS);
		c->v->drop = true;
		return;
	case NFPS_RB_NOMEM:
		nfps_count(c->sn, NFPS_A_STAT_NOMEM);
		c->v->drop = true;
		return;
	case NFPS_RB_MISMATCH:
		if (seg->dir == NFPS_S2C ||
		    !violate(c, NFPS_RULE_TCP, NULL, 0, 0, false))
			opaque(c);
		return;
	case NFPS_RB_OK:
		break;
	}
	if (ahead)
		nfps_count(c->sn, NFPS_A_STAT_REORDERED);
	read_dir(c, d, seg->dir == NFPS_C2S);
}

/* The flow ends: after a reset, or both FINs. */
static void end(struct ctx *c)
{
	nfps_flow_free(&c->sn->tables, c->f);
	c->f = NULL;
}

/*
 * A flow that was reset stays, so that nothing more of the client's reaches
 * the server should a reset be lost (its retransmission would otherwise
 * pass as a flow never seen): only the client's RST or a new SYN ends it,
 * or eviction. Our own reset to the client, seen leaving, does not. It is
 * no longer one of the client's connections (conn-max): the client's
 * stack has closed it, and may never send that RST.
 */
static void kill_flow(struct ctx *c)
{
	struct nfps_flow *f = c->f;
	struct nfps_host *h;

	h = nfps_host_find(&c->sn->tables, &f->key.caddr);
	if (h && h->conns)
		h->conns--;
	f->dead = true;
	kfree(f->dir[NFPS_C2S].rb);
	kfree(f->dir[NFPS_S2C].rb);
	f->dir[NFPS_C2S].rb = NULL;
	f->dir[NFPS_S2C].rb = NULL;
}

/*
 * A reset may be lost, or overtaken: a segment of the other end's, already
 * past the guard when the verdict was given, moves the receiver's window,
 * and a reset at the old sequence number is then ignored (RFC 5961 asks
 * for an exact match). So whatever comes from either end of a dead flow is
 * dropped, and its sender is reset again at the sequence number its own
 * acknowledgement says it expects. Resets pass: the client's ends the
 * flow; ours, seen leaving, and the server's go their way.
 */
static void dead_flow(struct ctx *c)
{
	const struct nfps_seg *seg = c->seg;

	if (seg->rst) {
		if (seg->dir == NFPS_C2S)
			end(c);
		return;
	}
	c->v->drop = true;
	if (!seg->ack_flag)
		return;
	if (seg->dir == NFPS_C2S)
		rst_to_client(c, seg->ack, seg->seq + seg->len);
	else
		rst_to_server(c, seg->ack, seg->seq + seg->len);
}

void nfps_guard_segment(struct nfps_net *sn, const struct nfps_cfg *cfg,
			const struct nfps_seg *seg, struct nfps_verdict *v)
{
	struct ctx c = {
		.sn = sn, .cfg = cfg, .seg = seg, .v = v,
		.now = nfps_now_ms(),
	};
	struct nfps_tables *t = &sn->tables;

	c.f = nfps_flow_find(t, &seg->key);
	if (seg->dir == NFPS_C2S && seg->syn && !seg->ack_flag) {
		client_syn(&c);
		return;
	}
	if (!c.f) {
		nfps_count(sn, NFPS_A_STAT_UNTRACKED);
		return;
	}
	nfps_flow_touch(t, c.f);
	if (c.f->dead) {
		dead_flow(&c);
		return;
	}
	if (seg->rst) {
		end(&c);
		return;
	}
	if (seg->dir == NFPS_S2C && seg->syn) {
		c.f->dir[NFPS_S2C].base = seg->seq + 1;
		c.f->dir[NFPS_S2C].known = true;
		return;
	}
	if (seg->len)
		data(&c);
	if (!c.f)
		return;
	if (v->drop && v->nrst) {
		kill_flow(&c);
		return;
	}
	if (v->drop)		/* held back: it comes again, FIN and all */
		return;
	nfps_rbuf_trim(&c.f->dir[seg->dir].rb);
	if (seg->fin)
		c.f->dir[seg->dir].fin = true;
	if (c.f->dir[NFPS_C2S].fin && c.f->dir[NFPS_S2C].fin)
		end(&c);
}
