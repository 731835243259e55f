/* sys_lookup.c: the socket layer's resolver that does not block: getaddrinfo on one worker thread, its answers woken through a pipe. */
#include "compat.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "sys_int.h"
#include "sys_lookup.h"

/*
 * getaddrinfo blocks for as long as DNS takes, seconds at worst, and an
 * event loop that called it would stall every other pair meanwhile.
 * getaddrinfo_a runs its lookups on glibc's own threads and tells of
 * them by a signal or yet another thread; one worker of ours, fed by a
 * queue and answering through a pipe the loop watches, is as simple,
 * portable beyond glibc, and puts the answer in the epoll set. One
 * thread answers one question at a time: a proxy's clients ask for few
 * names, and a slow name delays the names behind it, not the bytes.
 */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t asked = PTHREAD_COND_INITIALIZER;
static struct sys_lookup *questions, *questions_tail;
static struct sys_lookup *answers, *answers_tail;
static int wake[2] = { -1, -1 };

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
		while (questions == NULL)
			pthread_cond_wait(&asked, &lock);
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

int
sys_lookup_start(void)
{
	pthread_t t;
	sigset_t all, old;
	int rc;

	if (wake[0] >= 0)
		return wake[0];
	if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	/* Signals are the main thread's: its handler wakes the loop. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&t, NULL, worker, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		close(wake[0]);
		close(wake[1]);
		wake[0] = wake[1] = -1;
		errno = rc;
		return -1;
	}
	pthread_detach(t);
	return wake[0];
}

int
sys_lookup_ask(struct sys_lookup *l)
{
	if (wake[0] < 0) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&lock);
	append(&questions, &questions_tail, l);
	pthread_cond_signal(&asked);
	pthread_mutex_unlock(&lock);
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
