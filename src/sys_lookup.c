/* sys_lookup.c: the socket layer's resolver that does not block: getaddrinfo on worker threads, its answers woken through a pipe. */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "sys_int.h"
#include "sys_lookup.h"

/*
 * getaddrinfo blocks for as long as DNS takes, seconds at worst, and an
 * event loop that called it would stall every other pair meanwhile.
 * getaddrinfo_a runs its lookups on glibc's own threads and tells of
 * them by a signal or yet another thread; workers of ours, fed by a
 * queue and answering through a pipe the loop watches, are as simple,
 * portable beyond glibc, and put the answer in the epoll set. A worker
 * answers one question at a time, so a name whose server is slow would
 * hold up every name behind it: while more questions wait than workers
 * are free, one more worker starts, up to LOOKUP_WORKERS_MAX, and those
 * started stay for the next questions.
 */
#define LOOKUP_WORKERS_MAX 64

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t asked = PTHREAD_COND_INITIALIZER;
static struct sys_lookup *questions, *questions_tail;
static struct sys_lookup *answers, *answers_tail;
static int wake[2] = { -1, -1 };
static int workers, workers_free, questions_waiting;

static void
append(struct sys_lookup **head, struct sys_lookup **tail,
    struct sys_lookup *l)
{
	l->next = NULL;
	if (*tail != NULL)
		(*tail)->next = l;
	else
		*head = l;
	*tail = l;
}

static void *
worker(void *unused)
{
	struct sys_lookup *l;
	ssize_t n;

	(void)unused;
	for (;;) {
		pthread_mutex_lock(&lock);
		workers_free++;
		while (questions == NULL)
			pthread_cond_wait(&asked, &lock);
		workers_free--;
		questions_waiting--;
		l = questions;
		questions = l->next;
		if (questions == NULL)
			questions_tail = NULL;
		pthread_mutex_unlock(&lock);
		/* Traced by the loop's thread when it takes the answer. */
		l->rc = getaddrinfo(l->host, l->service, &l->hints,
		    &l->result);
		if (l->rc != 0)
			l->result = NULL;
		pthread_mutex_lock(&lock);
		append(&answers, &answers_tail, l);
		pthread_mutex_unlock(&lock);
		/* A full pipe already says that answers wait. */
		do
			n = write(wake[1], "", 1);
		while (n < 0 && errno == EINTR);
	}
	return NULL;
}

/* One more worker; 0, or the error pthread_create gave. */
static int
add_worker(void)
{
	pthread_t t;
	sigset_t all, old;
	int rc;

	/* Signals are the main thread's: its handler wakes the loop. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&t, NULL, worker, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		return rc;
	pthread_detach(t);
	pthread_mutex_lock(&lock);
	workers++;
	pthread_mutex_unlock(&lock);
	return 0;
}

int
sys_lookup_start(void)
{
	int rc;

	if (wake[0] >= 0)
		return wake[0];
	if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	if ((rc = add_worker()) != 0) {
		close(wake[0]);
		close(wake[1]);
		wake[0] = wake[1] = -1;
		errno = rc;
		return -1;
	}
	return wake[0];
}

int
sys_lookup_ask(struct sys_lookup *l)
{
	bool more;

	if (wake[0] < 0) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&lock);
	append(&questions, &questions_tail, l);
	questions_waiting++;
	more = questions_waiting > workers_free &&
	    workers < LOOKUP_WORKERS_MAX;
	pthread_cond_signal(&asked);
	pthread_mutex_unlock(&lock);
	/* Without another worker the question waits for one that is busy. */
	if (more)
		(void)add_worker();
	return 0;
}

struct sys_lookup *
sys_lookup_answers(void)
{
	struct sys_lookup *list;
	char drain[64];

	while (read(wake[0], drain, sizeof(drain)) > 0)
		continue;
	pthread_mutex_lock(&lock);
	list = answers;
	answers = answers_tail = NULL;
	pthread_mutex_unlock(&lock);
	return list;
}

void
sys_lookup_trace(const struct sys_lookup *l)
{
	sys_trace_getaddrinfo(l->host, l->service, &l->hints, l->rc,
	    l->result);
}

void
sys_lookup_free(struct sys_lookup *l)
{
	if (l == NULL)
		return;
	if (l->result != NULL)
		freeaddrinfo(l->result);
	free(l);
}
