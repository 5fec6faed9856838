/*
 * task.c: a blocking function on a thread, its end delivered on the loop.
 *
 * Each task has an atomic state that says who owns it: RUNNING (the
 * loop's list holds it, the thread runs), FINISHED (the thread is done
 * and will touch nothing but the tasks' mutex; the loop joins it and
 * calls done) or ORPHANED (tasks_free() gave up waiting: the thread owns
 * the task and frees it when run returns).  The thread and tasks_free()
 * race for it with one compare-and-swap from RUNNING, so exactly one of
 * them delivers.
 */
#include <sys/queue.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "loop.h"
#include "task.h"
#include "util.h"

enum task_state {
	TASK_S_RUNNING,
	TASK_S_FINISHED,
	TASK_S_ORPHANED
};

struct task {
	struct tasks		*tasks;
	uint32_t		 id;
	pthread_t		 thread;
	task_run_cb		 run;
	task_done_cb		 done;
	void			*arg;
	atomic_bool		 cancel;
	atomic_int		 state;		/* enum task_state */

	pthread_mutex_t		 mu;		/* task_sleep */
	pthread_cond_t		 cond;

	TAILQ_ENTRY(task)	 entry;		/* loop thread only */
};
TAILQ_HEAD(task_list, task);

struct tasks {
	struct loop		*loop;
	uint32_t		 next_id;
	struct task_list	 list;		/* started, not delivered */
	bool			 freeing;	/* no new tasks */

	pthread_mutex_t		 mu;		/* a task finished */
	pthread_cond_t		 cond;
};

static void
task_cond_init(pthread_cond_t *cond)
{
	pthread_condattr_t	 ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(cond, &ca);
	pthread_condattr_destroy(&ca);
}

static void
task_deadline(struct timespec *ts, int64_t ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static void
task_destroy(struct task *t)
{
	pthread_cond_destroy(&t->cond);
	pthread_mutex_destroy(&t->mu);
	free(t);
}

static void *
task_main(void *p)
{
	struct task	*t = p;
	struct tasks	*ts = t->tasks;
	int		 expected = TASK_S_RUNNING;

	t->run(t, t->arg);
	if (atomic_compare_exchange_strong(&t->state, &expected,
	    TASK_S_FINISHED)) {
		/* The loop joins us; ts lives until then. */
		pthread_mutex_lock(&ts->mu);
		pthread_cond_broadcast(&ts->cond);
		pthread_mutex_unlock(&ts->mu);
		loop_wake(ts->loop);
		return (NULL);
	}
	/* Orphaned by tasks_free(): nobody else will ever look at t. */
	t->done(t->id, TASK_ORPHANED, t->arg);
	task_destroy(t);
	return (NULL);
}

/* Join a finished task and deliver it. */
static void
task_deliver(struct task *t)
{
	enum task_end	 end;

	pthread_join(t->thread, NULL);
	end = atomic_load(&t->cancel) ? TASK_CANCELLED : TASK_DONE;
	t->done(t->id, end, t->arg);
	task_destroy(t);
}

static void
tasks_wake_cb(void *arg)
{
	struct tasks	*ts = arg;
	struct task_list ready;
	struct task	*t, *next;

	/* Collect first: a done callback may start or cancel tasks. */
	TAILQ_INIT(&ready);
	for (t = TAILQ_FIRST(&ts->list); t != NULL; t = next) {
		next = TAILQ_NEXT(t, entry);
		if (atomic_load(&t->state) == TASK_S_FINISHED) {
			TAILQ_REMOVE(&ts->list, t, entry);
			TAILQ_INSERT_TAIL(&ready, t, entry);
		}
	}
	while ((t = TAILQ_FIRST(&ready)) != NULL) {
		TAILQ_REMOVE(&ready, t, entry);
		task_deliver(t);
	}
}

struct tasks *
tasks_new(struct loop *loop)
{
	struct tasks	*ts;

	ts = xcalloc(1, sizeof *ts);
	ts->loop = loop;
	TAILQ_INIT(&ts->list);
	pthread_mutex_init(&ts->mu, NULL);
	task_cond_init(&ts->cond);
	loop_on_wake(loop, tasks_wake_cb, ts);
	return (ts);
}

static void
task_cancel_one(struct task *t)
{
	atomic_store(&t->cancel, true);
	pthread_mutex_lock(&t->mu);
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->mu);
}

static bool
tasks_any_running(struct tasks *ts)
{
	struct task	*t;

	TAILQ_FOREACH(t, &ts->list, entry) {
		if (atomic_load(&t->state) == TASK_S_RUNNING)
			return (true);
	}
	return (false);
}

void
tasks_close(struct tasks *ts)
{
	struct task	*t;

	ts->freeing = true;
	TAILQ_FOREACH(t, &ts->list, entry)
		task_cancel_one(t);
}

void
tasks_free(struct tasks *ts, int wait_ms)
{
	struct task	*t;
	struct timespec	 until;
	pthread_t	 thread;
	int		 expected, n = 0;

	if (ts == NULL)
		return;
	ts->freeing = true;
	TAILQ_FOREACH(t, &ts->list, entry)
		task_cancel_one(t);

	task_deadline(&until, wait_ms > 0 ? wait_ms : 0);
	pthread_mutex_lock(&ts->mu);
	while (tasks_any_running(ts)) {
		if (pthread_cond_timedwait(&ts->cond, &ts->mu, &until) ==
		    ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&ts->mu);

	while ((t = TAILQ_FIRST(&ts->list)) != NULL) {
		TAILQ_REMOVE(&ts->list, t, entry);
		/* Once orphaned, t is the thread's: it may be freed at once. */
		thread = t->thread;
		expected = TASK_S_RUNNING;
		if (atomic_compare_exchange_strong(&t->state, &expected,
		    TASK_S_ORPHANED)) {
			pthread_detach(thread);
			n++;
			continue;
		}
		task_deliver(t);
	}
	if (n > 0)
		log_warn("tasks: %d task(s) still running after %d ms; left "
		    "to end on their own", n, wait_ms);

	loop_off_wake(ts->loop, tasks_wake_cb, ts);
	pthread_cond_destroy(&ts->cond);
	pthread_mutex_destroy(&ts->mu);
	free(ts);
}

size_t
tasks_running(struct tasks *ts)
{
	struct task	*t;
	size_t		 n = 0;

	TAILQ_FOREACH(t, &ts->list, entry)
		n++;
	return (n);
}

uint32_t
task_start(struct tasks *ts, task_run_cb run, task_done_cb done, void *arg,
    char **cause)
{
	struct task	*t;
	sigset_t	 all, old;
	int		 error;

	if (ts->freeing) {
		*cause = xstrdup("cannot start a task: shutting down");
		return (0);
	}
	t = xcalloc(1, sizeof *t);
	t->tasks = ts;
	if (++ts->next_id == 0)
		ts->next_id = 1;
	t->id = ts->next_id;
	t->run = run;
	t->done = done;
	t->arg = arg;
	atomic_init(&t->cancel, false);
	atomic_init(&t->state, TASK_S_RUNNING);
	pthread_mutex_init(&t->mu, NULL);
	task_cond_init(&t->cond);

	/* The thread never takes the loop's signals. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	error = pthread_create(&t->thread, NULL, task_main, t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (error != 0) {
		*cause = xasprintf("cannot start a thread: %s",
		    strerror(error));
		task_destroy(t);
		return (0);
	}
	TAILQ_INSERT_TAIL(&ts->list, t, entry);
	return (t->id);
}

bool
task_cancel(struct tasks *ts, uint32_t id)
{
	struct task	*t;

	TAILQ_FOREACH(t, &ts->list, entry) {
		if (t->id != id)
			continue;
		if (atomic_load(&t->state) != TASK_S_RUNNING)
			return (false);
		task_cancel_one(t);
		return (true);
	}
	return (false);
}

bool
task_cancelled(const struct task *t)
{
	return (atomic_load(&t->cancel));
}

const atomic_bool *
task_cancel_flag(const struct task *t)
{
	return (&t->cancel);
}

bool
task_sleep(struct task *t, int ms)
{
	struct timespec	 until;

	task_deadline(&until, ms > 0 ? ms : 0);
	pthread_mutex_lock(&t->mu);
	while (!atomic_load(&t->cancel)) {
		if (pthread_cond_timedwait(&t->cond, &t->mu, &until) ==
		    ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&t->mu);
	return (atomic_load(&t->cancel));
}
