// SPDX-License-Identifier: GPL-2.0
/*
 * `nfpost web`: the HTTP side. A fixed table of static files, a counters
 * route and a Server-Sent Events hub: each frame goes to every browser, whose
 * pending output is bounded (a slow one is dropped and counted, never waited
 * for), and is kept in a short backlog for browsers that come later.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include "json.h"
#include "web.h"

#ifndef NFPOST_WEBDIR
#define NFPOST_WEBDIR "/usr/local/share/nfpost/web"
#endif

#define WEB_LISTEN	"127.0.0.1:8080"
#define WEB_BACKLOG	512		/* frames a late browser is sent */
#define WEB_CLIENT_BUF	(1 << 20)	/* pending bytes past which: dropped */
#define WEB_FILE_MAX	(1 << 20)
#define WEB_KEEPALIVE	15		/* seconds: finds browsers gone away */

struct page {
	const char *path;
	const char *file;
	const char *type;
	char *body;
	size_t len;
};

struct client {
	LIST_ENTRY(client) link;
	struct web *web;
	struct evhttp_request *req;
	struct evhttp_connection *conn;
};

struct web {
	struct event_base *base;
	struct evhttp *http;
	const char *mode;
	struct page pages[3];
	LIST_HEAD(, client) clients;
	unsigned int n_clients;
	unsigned int max_clients;
	unsigned long served, refused, dropped, frames;
	char *backlog[WEB_BACKLOG];
	unsigned int head, n_backlog;
	char *snapshot;
	struct event *keepalive, *sigint, *sigterm;
	void (*first_fn)(void *arg);
	void *first_arg;
};

void web_usage(FILE *f)
{
	fputs("Usage: nfpost web [listen ADDR:PORT] [root DIR] [clients N]\n"
	      "       nfpost web --replay FILE [--speed N] [listen ADDR:PORT] ...\n"
	      "       (default listen " WEB_LISTEN ", clients 64; speed 0: as fast\n"
	      "        as possible; read-only: GET / and /events, nothing else)\n",
	      f);
}

struct event_base *web_base(struct web *web)
{
	return web->base;
}

void web_on_first_client(struct web *web, void (*fn)(void *), void *arg)
{
	web->first_fn = fn;
	web->first_arg = arg;
}

/*
 * One SSE frame. JSON needs no newline: the printers' last one goes, any
 * other becomes a space, so the data is the printed line byte for byte.
 */
static char *frame(const char *event, const char *data)
{
	size_t len = strlen(data);
	char *s, *p;

	while (len && (data[len - 1] == '\n' || data[len - 1] == '\r'))
		len--;
	if (asprintf(&s, "%s%s%sdata: %.*s\n\n", event ? "event: " : "",
		     event ? event : "", event ? "\n" : "", (int)len, data) < 0)
		return NULL;
	p = strstr(s, "data: ") + 6;
	for (; p[2]; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return s;
}

static void client_forget(struct client *c)
{
	LIST_REMOVE(c, link);
	c->web->n_clients--;
	free(c);
}

/*
 * The browser went away. evhttp detaches a request whose reply is still
 * going (ours never ends) instead of freeing it: that is ours to free.
 */
static void on_close(struct evhttp_connection *conn, void *arg)
{
	struct client *c = arg;
	struct evhttp_request *req = c->req;

	(void)conn;
	client_forget(c);
	if (!evhttp_request_get_connection(req))
		evhttp_request_free(req);
}

static void client_drop(struct client *c)
{
	struct evhttp_connection *conn = c->conn;

	c->web->dropped++;
	evhttp_connection_set_closecb(conn, NULL, NULL);
	client_forget(c);
	evhttp_connection_free(conn);
}

static size_t pending(const struct client *c)
{
	struct bufferevent *bev = evhttp_connection_get_bufferevent(c->conn);

	return evbuffer_get_length(bufferevent_get_output(bev));
}

/* Returns false when the client was dropped for being too slow. */
static bool client_send(struct client *c, const char *s)
{
	size_t len = strlen(s);
	struct evbuffer *buf;

	if (pending(c) + len > WEB_CLIENT_BUF) {
		client_drop(c);
		return false;
	}
	buf = evbuffer_new();
	if (!buf)
		return true;
	evbuffer_add(buf, s, len);
	evhttp_send_reply_chunk(c->req, buf);
	evbuffer_free(buf);
	return true;
}

/* The least any browser has pending: what a replay may wait on, since the
 * slowest must never hold the others back. 0 without browsers. */
size_t web_min_pending(struct web *web)
{
	struct client *c;
	size_t min = SIZE_MAX;

	LIST_FOREACH(c, &web->clients, link)
		if (pending(c) < min)
			min = pending(c);
	return min == SIZE_MAX ? 0 : min;
}

static void send_all(struct web *web, const char *s)
{
	struct client *c, *next;

	for (c = LIST_FIRST(&web->clients); c; c = next) {
		next = LIST_NEXT(c, link);
		client_send(c, s);
	}
}

static void backlog_keep(struct web *web, char *s)
{
	unsigned int i = (web->head + web->n_backlog) % WEB_BACKLOG;

	if (web->n_backlog == WEB_BACKLOG) {
		free(web->backlog[web->head]);
		web->head = (web->head + 1) % WEB_BACKLOG;
	} else {
		web->n_backlog++;
	}
	web->backlog[i] = s;
}

void web_broadcast(struct web *web, const char *event, const char *data,
		   bool keep)
{
	char *s = frame(event, data);

	if (!s)
		return;
	web->frames++;
	send_all(web, s);
	if (keep)
		backlog_keep(web, s);
	else
		free(s);
}

/* The tables as they are now: sent to all, and first to a new browser. */
void web_snapshot(struct web *web, const char *data)
{
	char *s = frame("snapshot", data);

	if (!s)
		return;
	send_all(web, s);
	free(web->snapshot);
	web->snapshot = s;
}

static void on_keepalive(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	send_all(arg, ": keepalive\n\n");
}

static void hello(struct client *c)
{
	struct web *web = c->web;
	char *data = NULL, *s;
	size_t len = 0;
	FILE *f = open_memstream(&data, &len);
	struct json j;

	if (!f)
		return;
	json_open(&j, f);
	json_str(&j, "mode", web->mode);
	json_u64(&j, "backlog", web->n_backlog);
	json_close(&j);
	fclose(f);
	s = frame("hello", data);
	if (s)
		client_send(c, s);
	free(s);
	free(data);
}

/* The hello, the last snapshot, then the backlog: the page starts whole. */
static void client_catch_up(struct client *c)
{
	struct web *web = c->web;
	unsigned int i;

	hello(c);
	if (web->snapshot && !client_send(c, web->snapshot))
		return;
	for (i = 0; i < web->n_backlog; i++)
		if (!client_send(c, web->backlog[(web->head + i) % WEB_BACKLOG]))
			return;
}

static void headers(struct evhttp_request *req, const char *type)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "Content-Type", type);
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "Content-Security-Policy",
			  "default-src 'self'; img-src 'self' data:");
}

/* evhttp_send_error() would drop our Retry-After. */
static void refuse(struct evhttp_request *req)
{
	static const char body[] = "Too many browsers: try again later.\n";
	struct evbuffer *buf = evbuffer_new();

	headers(req, "text/plain; charset=utf-8");
	evhttp_add_header(evhttp_request_get_output_headers(req),
			  "Retry-After", "10");
	if (buf)
		evbuffer_add(buf, body, sizeof(body) - 1);
	evhttp_send_reply(req, 503, "Service Unavailable", buf);
	if (buf)
		evbuffer_free(buf);
}

static void on_events(struct evhttp_request *req, void *arg)
{
	struct web *web = arg;
	struct client *c;

	if (web->n_clients >= web->max_clients || !(c = calloc(1, sizeof(*c)))) {
		refuse(req);
		web->refused++;
		return;
	}
	c->web = web;
	c->req = req;
	c->conn = evhttp_request_get_connection(req);
	LIST_INSERT_HEAD(&web->clients, c, link);
	web->n_clients++;
	web->served++;
	evhttp_connection_set_closecb(c->conn, on_close, c);
	headers(req, "text/event-stream");
	evhttp_send_reply_start(req, 200, "OK");
	if (!client_send(c, "retry: 2000\n\n"))
		return;
	client_catch_up(c);
	if (web->first_fn) {
		web->first_fn(web->first_arg);
		web->first_fn = NULL;
	}
}

static void on_stats(struct evhttp_request *req, void *arg)
{
	struct web *web = arg;
	struct evbuffer *buf = evbuffer_new();
	char *data = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&data, &len);
	struct json j;

	if (!buf || !f) {
		evhttp_send_error(req, 500, NULL);
		goto out;
	}
	json_open(&j, f);
	json_str(&j, "mode", web->mode);
	json_u64(&j, "clients", web->n_clients);
	json_u64(&j, "max_clients", web->max_clients);
	json_u64(&j, "served", web->served);
	json_u64(&j, "refused", web->refused);
	json_u64(&j, "dropped", web->dropped);
	json_u64(&j, "frames", web->frames);
	json_close(&j);
	fputc('\n', f);
	fclose(f);
	f = NULL;
	evbuffer_add(buf, data, len);
	headers(req, "application/json");
	evhttp_send_reply(req, 200, "OK", buf);
out:
	if (f)
		fclose(f);
	if (buf)
		evbuffer_free(buf);
	free(data);
}

static void on_page(struct evhttp_request *req, void *arg)
{
	const struct page *p = arg;
	struct evbuffer *buf = evbuffer_new();

	if (!buf) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	evbuffer_add_reference(buf, p->body, p->len, NULL, NULL);
	headers(req, p->type);
	evhttp_send_reply(req, 200, "OK", buf);
	evbuffer_free(buf);
}

static void on_other(struct evhttp_request *req, void *arg)
{
	(void)arg;
	evhttp_send_error(req, 404, NULL);
}

static int read_file(const char *dir, struct page *p)
{
	char path[PATH_MAX];
	FILE *f;
	long n;

	if (snprintf(path, sizeof(path), "%s/%s", dir, p->file) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "r");
	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || n > WEB_FILE_MAX ||
	    fseek(f, 0, SEEK_SET) || !(p->body = malloc(n ? n : 1)) ||
	    fread(p->body, 1, n, f) != (size_t)n) {
		fclose(f);
		return -EIO;
	}
	p->len = n;
	fclose(f);
	return 0;
}

/* The page's directory: asked for, installed, or beside the build's binary. */
static const char *page_dir(const char *asked, char *buf, size_t len)
{
	char *slash;
	ssize_t n;

	if (asked)
		return asked;
	if (!access(NFPOST_WEBDIR "/index.html", R_OK))
		return NFPOST_WEBDIR;
	n = readlink("/proc/self/exe", buf, len - sizeof("/../share/web"));
	if (n <= 0)
		return NFPOST_WEBDIR;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (slash)
		strcpy(slash, "/../share/web");
	return buf;
}

static int load_pages(struct web *web, const char *asked)
{
	static const struct page pages[] = {
		{ "/", "index.html", "text/html; charset=utf-8", NULL, 0 },
		{ "/app.js", "app.js", "text/javascript; charset=utf-8", NULL, 0 },
		{ "/style.css", "style.css", "text/css; charset=utf-8", NULL, 0 },
	};
	char buf[PATH_MAX];
	const char *dir = page_dir(asked, buf, sizeof(buf));
	size_t i;
	int ret;

	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		web->pages[i] = pages[i];
		ret = read_file(dir, &web->pages[i]);
		if (ret) {
			fprintf(stderr, "nfpost: Error: cannot read the page's %s/%s: %s\n",
				dir, pages[i].file, strerror(-ret));
			return EXIT_RUNTIME;
		}
		evhttp_set_cb(web->http, pages[i].path, on_page, &web->pages[i]);
	}
	evhttp_set_cb(web->http, "/index.html", on_page, &web->pages[0]);
	return 0;
}

/* "ADDR:PORT" or "[ADDR6]:PORT" into a host and a port. */
static int split_listen(const char *s, char *host, size_t len, uint16_t *port_r)
{
	const char *colon = strrchr(s, ':');
	struct in6_addr a6;
	size_t n;
	char *end;
	long p;

	if (!colon)
		return -EINVAL;
	n = colon - s;
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (!n || n >= len)
		return -EINVAL;
	memcpy(host, s, n);
	host[n] = '\0';
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || errno || p < 0 || p > 65535)
		return -EINVAL;
	if (inet_pton(AF_INET, host, &a6) != 1 &&
	    inet_pton(AF_INET6, host, &a6) != 1)
		return -EINVAL;
	*port_r = p;
	return 0;
}

static uint16_t bound_port(struct evhttp_bound_socket *b)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd = evhttp_bound_socket_get_fd(b);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return 0;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static bool loopback(const char *host)
{
	return !strncmp(host, "127.", 4) || !strcmp(host, "::1");
}

static int listen_on(struct web *web, const char *listen)
{
	struct evhttp_bound_socket *b;
	char host[INET6_ADDRSTRLEN];
	uint16_t port;

	if (split_listen(listen, host, sizeof(host), &port)) {
		fprintf(stderr, "nfpost: Error: \"%s\" is not a valid ADDR:PORT (for example 127.0.0.1:8080).\n",
			listen);
		return EXIT_USAGE;
	}
	b = evhttp_bind_socket_with_handle(web->http, host, port);
	if (!b) {
		fprintf(stderr, "nfpost: Error: cannot listen on %s: %s\n",
			listen, strerror(errno));
		return EXIT_RUNTIME;
	}
	if (!loopback(host))
		fprintf(stderr, "nfpost: warning: anyone who can reach %s can read the page.\n",
			host);
	printf("nfpost web: serving http://%s%s%s:%u/\n", strchr(host, ':') ? "[" : "",
	       host, strchr(host, ':') ? "]" : "", bound_port(b));
	fflush(stdout);
	return 0;
}

static void on_signal(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopbreak(arg);
}

static int setup(struct web *web, const struct nfpost_args *a)
{
	struct timeval ka = { WEB_KEEPALIVE, 0 };
	int ret;

	LIST_INIT(&web->clients);
	web->max_clients = a->max_clients;
	web->mode = a->replay ? "replay" : "live";
	web->base = event_base_new();
	web->http = web->base ? evhttp_new(web->base) : NULL;
	if (!web->http) {
		fprintf(stderr, "nfpost: Error: cannot start libevent's HTTP server.\n");
		return EXIT_RUNTIME;
	}
	evhttp_set_allowed_methods(web->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_max_headers_size(web->http, 8192);
	evhttp_set_max_body_size(web->http, 0);
	evhttp_set_cb(web->http, "/events", on_events, web);
	evhttp_set_cb(web->http, "/stats", on_stats, web);
	evhttp_set_gencb(web->http, on_other, web);
	ret = load_pages(web, a->webroot);
	if (ret)
		return ret;
	web->keepalive = event_new(web->base, -1, EV_PERSIST, on_keepalive, web);
	web->sigint = evsignal_new(web->base, SIGINT, on_signal, web->base);
	web->sigterm = evsignal_new(web->base, SIGTERM, on_signal, web->base);
	if (!web->keepalive || !web->sigint || !web->sigterm)
		return EXIT_RUNTIME;
	event_add(web->keepalive, &ka);
	event_add(web->sigint, NULL);
	event_add(web->sigterm, NULL);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static void teardown(struct web *web)
{
	unsigned int i;

	while (!LIST_EMPTY(&web->clients))
		client_drop(LIST_FIRST(&web->clients));
	if (web->http)
		evhttp_free(web->http);
	for (i = 0; i < sizeof(web->pages) / sizeof(web->pages[0]); i++)
		free(web->pages[i].body);
	for (i = 0; i < web->n_backlog; i++)
		free(web->backlog[(web->head + i) % WEB_BACKLOG]);
	free(web->snapshot);
	if (web->keepalive)
		event_free(web->keepalive);
	if (web->sigint)
		event_free(web->sigint);
	if (web->sigterm)
		event_free(web->sigterm);
	if (web->base)
		event_base_free(web->base);
}

int web_run(const struct nfpost_args *a)
{
	struct web_replay *rp = NULL;
	struct web_live *live = NULL;
	struct web web = { 0 };
	unsigned long dropped;
	int ret;

	/* Listening first: a taken port must not cost a subscription. Nobody
	 * is answered before the loop runs, with the source in place. */
	ret = setup(&web, a);
	if (!ret)
		ret = listen_on(&web, a->listen ? a->listen : WEB_LISTEN);
	if (!ret)
		ret = a->replay ?
		      web_replay_start(&web, a->replay, a->speed, &rp) :
		      web_live_start(&web, &live);
	if (!ret && event_base_dispatch(web.base) < 0)
		ret = EXIT_RUNTIME;
	dropped = web.dropped;
	if (rp)
		web_replay_stop(rp);
	if (live)
		web_live_stop(live);
	teardown(&web);
	if (dropped)
		fprintf(stderr, "nfpost web: %lu slow browser(s) dropped: %u KiB pending\n",
			dropped, WEB_CLIENT_BUF >> 10);
	if (web.refused)
		fprintf(stderr, "nfpost web: %lu browser(s) refused: limit of %u\n",
			web.refused, web.max_clients);
	return ret;
}
