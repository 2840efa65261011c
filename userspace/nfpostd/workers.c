// SPDX-License-Identifier: GPL-2.0
/*
 * The worker threads: a queue of jobs under a mutex, and an eventfd that
 * tells the loop when finished jobs wait for their done step. Workers touch
 * nothing of libevent: only the job's own data, which its session leaves
 * alone until done.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "workers.h"

struct workers {
	pthread_mutex_t lock;
	pthread_cond_t more;
	struct work *pending, **pending_tail;	/* FIFO: first come, first run */
	struct work *finished;
	bool stop;
	int efd;
	struct event *ev;
	pthread_t *threads;
	int nthreads;
};

static void *worker(void *arg)
{
	struct workers *ws = arg;
	uint64_t one = 1;
	struct work *w;

	pthread_mutex_lock(&ws->lock);
	for (;;) {
		while (!ws->pending && !ws->stop)
			pthread_cond_wait(&ws->more, &ws->lock);
		if (!ws->pending)
			break;
		w = ws->pending;
		ws->pending = w->next;
		if (!ws->pending)
			ws->pending_tail = &ws->pending;
		pthread_mutex_unlock(&ws->lock);
		w->run(w);
		pthread_mutex_lock(&ws->lock);
		w->next = ws->finished;
		ws->finished = w;
		if (write(ws->efd, &one, sizeof(one)) < 0)
			abort();	/* an eventfd write fails only on overflow */
	}
	pthread_mutex_unlock(&ws->lock);
	return NULL;
}

/* In the loop: the done steps, oldest first. */
static void finished(evutil_socket_t fd, short what, void *arg)
{
	struct workers *ws = arg;
	struct work *w, *rev = NULL, *next;
	uint64_t n;

	(void)what;
	if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return;
	pthread_mutex_lock(&ws->lock);
	w = ws->finished;
	ws->finished = NULL;
	pthread_mutex_unlock(&ws->lock);
	for (; w; w = next) {
		next = w->next;
		w->next = rev;
		rev = w;
	}
	for (w = rev; w; w = next) {
		next = w->next;
		w->done(w);
	}
}

struct workers *workers_new(struct event_base *base, int threads)
{
	struct workers *ws = calloc(1, sizeof(*ws));
	int i;

	if (!ws)
		return NULL;
	pthread_mutex_init(&ws->lock, NULL);
	pthread_cond_init(&ws->more, NULL);
	ws->pending_tail = &ws->pending;
	ws->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ws->threads = calloc((size_t)threads, sizeof(*ws->threads));
	ws->ev = ws->efd < 0 ? NULL :
		 event_new(base, ws->efd, EV_READ | EV_PERSIST, finished, ws);
	if (!ws->threads || !ws->ev || event_add(ws->ev, NULL))
		goto fail;
	for (i = 0; i < threads; i++) {
		if (pthread_create(&ws->threads[i], NULL, worker, ws))
			goto fail;
		ws->nthreads++;
	}
	return ws;
fail:
	workers_free(ws);
	return NULL;
}

void workers_submit(struct workers *ws, struct work *w)
{
	w->next = NULL;
	pthread_mutex_lock(&ws->lock);
	*ws->pending_tail = w;
	ws->pending_tail = &w->next;
	pthread_cond_signal(&ws->more);
	pthread_mutex_unlock(&ws->lock);
}

void workers_free(struct workers *ws)
{
	int i;

	if (!ws)
		return;
	pthread_mutex_lock(&ws->lock);
	ws->stop = true;
	pthread_cond_broadcast(&ws->more);
	pthread_mutex_unlock(&ws->lock);
	for (i = 0; i < ws->nthreads; i++)
		pthread_join(ws->threads[i], NULL);
	if (ws->ev)
		event_free(ws->ev);
	if (ws->efd >= 0)
		close(ws->efd);
	free(ws->threads);
	pthread_mutex_destroy(&ws->lock);
	pthread_cond_destroy(&ws->more);
	free(ws);
}
