/* test-task.c: task.c (and loop_off_wake) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loop.h"
#include "task.h"
#include "util.h"

static pthread_t	 main_thread;

/* Run passes until *n reaches want or ms pass; true when it did. */
static bool
run_until(struct loop *loop, const atomic_int *n, int want, int64_t ms)
{
	int64_t	 end = util_mono_ms() + ms;

	while (atomic_load(n) < want && util_mono_ms() < end)
		assert_int_equal(loop_run_once(loop, 50), 0);
	return (atomic_load(n) >= want);
}

struct job {
	int		 in;
	int		 out;
	bool		 on_thread;	/* run was not on the main thread */
	bool		 sigs_blocked;	/* SIGINT, SIGTERM, SIGWINCH blocked */
	int		 sleep_ms;	/* task_sleep this long first */
	bool		 ignore_cancel;
	int		 gate[2];	/* run waits for a byte when set */
	bool		 use_gate;

	/* filled by done */
	atomic_int	*ndone;
	uint32_t	 id;
	enum task_end	 end;
	bool		 done_on_main;
	int		 dones;
};

static void
job_run(struct task *t, void *arg)
{
	struct job	*j = arg;
	sigset_t	 cur;
	char		 c;

	j->on_thread = !pthread_equal(pthread_self(), main_thread);
	pthread_sigmask(SIG_SETMASK, NULL, &cur);
	j->sigs_blocked = sigismember(&cur, SIGINT) &&
	    sigismember(&cur, SIGTERM) && sigismember(&cur, SIGWINCH);
	if (j->use_gate)
		(void)!read(j->gate[0], &c, 1);
	if (j->sleep_ms > 0) {
		if (j->ignore_cancel)
			usleep((useconds_t)j->sleep_ms * 1000);
		else if (task_sleep(t, j->sleep_ms))
			return;
	}
	j->out = j->in * j->in;
}

static void
job_done(uint32_t id, enum task_end end, void *arg)
{
	struct job	*j = arg;

	j->id = id;
	j->end = end;
	j->done_on_main = pthread_equal(pthread_self(), main_thread);
	j->dones++;
	atomic_fetch_add(j->ndone, 1);
}

static void
test_deliver(void **state)
{
	struct loop	*loop;
	struct tasks	*ts;
	struct job	 j;
	atomic_int	 n = 0;
	char		*cause = NULL;
	uint32_t	 id;

	(void)state;
	loop = loop_new();
	ts = tasks_new(loop);
	memset(&j, 0, sizeof j);
	j.in = 7;
	j.ndone = &n;
	id = task_start(ts, job_run, job_done, &j, &cause);
	assert_int_not_equal(id, 0);
	assert_null(cause);
	assert_int_equal(tasks_running(ts), 1);
	/* Nothing is delivered outside the loop. */
	usleep(50 * 1000);
	assert_int_equal(atomic_load(&n), 0);
	assert_true(run_until(loop, &n, 1, 5000));
	assert_int_equal(j.out, 49);
	assert_int_equal(j.id, id);
	assert_int_equal(j.end, TASK_DONE);
	assert_true(j.on_thread);
	assert_true(j.sigs_blocked);
	assert_true(j.done_on_main);
	assert_int_equal(j.dones, 1);
	assert_int_equal(tasks_running(ts), 0);
	assert_false(task_cancel(ts, id));
	tasks_free(ts, 1000);
	assert_int_equal(j.dones, 1);
	loop_free(loop);
}

static void
test_cancel(void **state)
{
	struct loop	*loop;
	struct tasks	*ts;
	struct job	 j, k;
	atomic_int	 n = 0;
	char		*cause = NULL;
	uint32_t	 id, id2;
	int64_t		 t0;

	(void)state;
	loop = loop_new();
	ts = tasks_new(loop);
	memset(&j, 0, sizeof j);
	memset(&k, 0, sizeof k);
	j.in = k.in = 3;
	j.sleep_ms = k.sleep_ms = 30000;
	j.ndone = k.ndone = &n;
	id = task_start(ts, job_run, job_done, &j, &cause);
	id2 = task_start(ts, job_run, job_done, &k, &cause);
	assert_int_not_equal(id, 0);
	assert_int_not_equal(id2, 0);
	assert_int_not_equal(id, id2);
	assert_false(task_cancel(ts, id + id2 + 100));
	t0 = util_mono_ms();
	assert_true(task_cancel(ts, id));
	assert_true(run_until(loop, &n, 1, 5000));
	assert_true(util_mono_ms() - t0 < 10000);
	assert_int_equal(j.end, TASK_CANCELLED);
	assert_int_equal(j.out, 0);		/* it stopped early */
	assert_int_equal(k.dones, 0);		/* the other runs on */
	assert_int_equal(tasks_running(ts), 1);

	/* tasks_free cancels the rest and delivers here. */
	t0 = util_mono_ms();
	tasks_free(ts, 5000);
	assert_true(util_mono_ms() - t0 < 10000);
	assert_int_equal(k.dones, 1);
	assert_int_equal(k.end, TASK_CANCELLED);
	assert_true(k.done_on_main);
	loop_free(loop);
}

#define MANY	64

static void
test_many(void **state)
{
	struct loop	*loop;
	struct tasks	*ts;
	struct job	*v;
	atomic_int	 n = 0;
	char		*cause = NULL;
	uint32_t	 ids[MANY];
	int		 i, k;

	(void)state;
	loop = loop_new();
	ts = tasks_new(loop);
	v = xcalloc(MANY, sizeof *v);
	for (i = 0; i < MANY; i++) {
		v[i].in = i;
		v[i].sleep_ms = i % 5;
		v[i].ndone = &n;
		ids[i] = task_start(ts, job_run, job_done, &v[i], &cause);
		assert_int_not_equal(ids[i], 0);
		for (k = 0; k < i; k++)
			assert_int_not_equal(ids[k], ids[i]);
	}
	assert_true(run_until(loop, &n, MANY, 10000));
	for (i = 0; i < MANY; i++) {
		assert_int_equal(v[i].dones, 1);
		assert_int_equal(v[i].end, TASK_DONE);
		assert_int_equal(v[i].out, i * i);
		assert_int_equal(v[i].id, ids[i]);
	}
	assert_int_equal(tasks_running(ts), 0);
	tasks_free(ts, 1000);
	free(v);
	loop_free(loop);
}

/* A done callback that starts the next task. */
struct chain {
	struct tasks	*ts;
	atomic_int	 n;
	int		 left;
};

static void
chain_run(struct task *t, void *arg)
{
	(void)t;
	(void)arg;
}

static void
chain_done(uint32_t id, enum task_end end, void *arg)
{
	struct chain	*c = arg;
	char		*cause = NULL;

	(void)id;
	assert_int_equal(end, TASK_DONE);
	atomic_fetch_add(&c->n, 1);
	if (--c->left > 0)
		assert_int_not_equal(task_start(c->ts, chain_run, chain_done,
		    c, &cause), 0);
}

/* A done callback run by tasks_free cannot start another task. */
struct restart {
	struct tasks	*ts;
	int		 dones;
	uint32_t	 again;
	char		*cause;
};

static void
restart_run(struct task *t, void *arg)
{
	(void)arg;
	(void)task_sleep(t, 30000);
}

static void
restart_done(uint32_t id, enum task_end end, void *arg)
{
	struct restart	*r = arg;

	(void)id;
	assert_int_equal(end, TASK_CANCELLED);
	r->dones++;
	r->again = task_start(r->ts, restart_run, restart_done, r, &r->cause);
}

static void
test_no_start_while_freeing(void **state)
{
	struct loop	*loop;
	struct restart	 r;
	char		*cause = NULL;

	(void)state;
	loop = loop_new();
	memset(&r, 0, sizeof r);
	r.ts = tasks_new(loop);
	assert_int_not_equal(task_start(r.ts, restart_run, restart_done, &r,
	    &cause), 0);
	tasks_free(r.ts, 5000);
	assert_int_equal(r.dones, 1);
	assert_int_equal(r.again, 0);
	assert_string_equal(r.cause, "cannot start a task: shutting down");
	free(r.cause);
	loop_free(loop);
}

/*
 * tasks_close(): the task is cancelled at once and delivered on the loop
 * (waiting there, as the dashboard does when quitting); its done
 * callback cannot start another.
 */
static void
test_close_then_loop(void **state)
{
	struct loop	*loop;
	struct restart	 r;
	char		*cause = NULL;
	int64_t		 t0;

	(void)state;
	loop = loop_new();
	memset(&r, 0, sizeof r);
	r.ts = tasks_new(loop);
	assert_int_not_equal(task_start(r.ts, restart_run, restart_done, &r,
	    &cause), 0);
	t0 = util_mono_ms();
	tasks_close(r.ts);
	while (tasks_running(r.ts) > 0 && util_mono_ms() - t0 < 10000)
		assert_int_equal(loop_run_once(loop, 50), 0);
	assert_true(util_mono_ms() - t0 < 10000);	/* not the 30 s sleep */
	assert_int_equal(r.dones, 1);
	assert_int_equal(r.again, 0);
	assert_string_equal(r.cause, "cannot start a task: shutting down");
	tasks_free(r.ts, 0);
	free(r.cause);
	loop_free(loop);
}

static void
test_chain(void **state)
{
	struct loop	*loop;
	struct chain	 c;
	char		*cause = NULL;

	(void)state;
	loop = loop_new();
	memset(&c, 0, sizeof c);
	c.ts = tasks_new(loop);
	c.left = 10;
	assert_int_not_equal(task_start(c.ts, chain_run, chain_done, &c,
	    &cause), 0);
	assert_true(run_until(loop, &c.n, 10, 5000));
	assert_int_equal(tasks_running(c.ts), 0);
	tasks_free(c.ts, 1000);
	loop_free(loop);
}

/*
 * A task that ignores the cancel outlives tasks_free's wait: it is
 * orphaned, and its done runs on its own thread when it ends (ASan checks
 * that nothing leaks and nothing is used after being freed).
 */
struct orphan {
	int		 gate[2];
	atomic_int	 ended;
	atomic_int	 end;
	atomic_bool	 on_main;
	char		*payload;	/* freed by done */
};

static void
orphan_run(struct task *t, void *arg)
{
	struct orphan	*o = arg;
	char		 c;

	(void)t;
	(void)!read(o->gate[0], &c, 1);
	o->payload[0] = 'x';
}

static void
orphan_done(uint32_t id, enum task_end end, void *arg)
{
	struct orphan	*o = arg;

	(void)id;
	free(o->payload);
	o->payload = NULL;
	atomic_store(&o->on_main, pthread_equal(pthread_self(), main_thread));
	atomic_store(&o->end, (int)end);
	atomic_store(&o->ended, 1);
}

static void
test_free_orphans(void **state)
{
	struct loop	*loop;
	struct tasks	*ts;
	struct orphan	 o;
	struct job	 j;
	atomic_int	 n = 0;
	char		*cause = NULL;
	int64_t		 t0;
	int		 i;

	(void)state;
	loop = loop_new();
	ts = tasks_new(loop);
	memset(&o, 0, sizeof o);
	memset(&j, 0, sizeof j);
	assert_int_equal(pipe(o.gate), 0);
	o.payload = xstrdup("payload");
	j.in = 2;
	j.sleep_ms = 30000;		/* honours the cancel */
	j.ndone = &n;
	assert_int_not_equal(task_start(ts, orphan_run, orphan_done, &o,
	    &cause), 0);
	assert_int_not_equal(task_start(ts, job_run, job_done, &j, &cause), 0);

	t0 = util_mono_ms();
	tasks_free(ts, 200);
	assert_true(util_mono_ms() - t0 >= 150);
	assert_true(util_mono_ms() - t0 < 10000);
	assert_int_equal(j.dones, 1);
	assert_int_equal(j.end, TASK_CANCELLED);
	assert_int_equal(atomic_load(&o.ended), 0);

	/* The loop no longer calls the freed tasks' wake callback. */
	loop_wake(loop);
	assert_int_equal(loop_run_once(loop, 0), 0);

	assert_int_equal(write(o.gate[1], "", 1), 1);
	for (i = 0; i < 500 && atomic_load(&o.ended) == 0; i++)
		usleep(10 * 1000);
	assert_int_equal(atomic_load(&o.ended), 1);
	assert_int_equal(atomic_load(&o.end), TASK_ORPHANED);
	assert_false(atomic_load(&o.on_main));
	/* The orphan's thread frees its record right after done. */
	usleep(50 * 1000);
	close(o.gate[0]);
	close(o.gate[1]);
	loop_free(loop);
}

/*
 * An orphan that ends just as tasks_free() gives up on it: its thread
 * frees the task at once, while tasks_free() still detaches it.  Nothing
 * orders the two but the state's compare-and-swap, so tasks_free() must
 * take what it needs of the task before that (TSan, or ASan when the
 * thread wins the race, sees a read of freed memory otherwise).
 */
struct late {
	atomic_int	 ended;
	int		 sleep_ms;
};

static void
late_run(struct task *t, void *arg)
{
	struct late	*l = arg;

	(void)t;
	usleep((useconds_t)l->sleep_ms * 1000);	/* deaf to the cancel */
}

static void
late_done(uint32_t id, enum task_end end, void *arg)
{
	struct late	*l = arg;

	(void)id;
	(void)end;
	atomic_store(&l->ended, 1);
}

static void
test_free_orphan_ends_at_once(void **state)
{
	struct loop	*loop;
	struct tasks	*ts;
	struct late	 l;
	char		*cause = NULL;
	int		 round, i;

	(void)state;
	loop = loop_new();
	for (round = 0; round < 20; round++) {
		ts = tasks_new(loop);
		memset(&l, 0, sizeof l);
		l.sleep_ms = 20;
		assert_int_not_equal(task_start(ts, late_run, late_done, &l,
		    &cause), 0);
		tasks_free(ts, 20);
		for (i = 0; i < 500 && atomic_load(&l.ended) == 0; i++)
			usleep(2 * 1000);
		assert_int_equal(atomic_load(&l.ended), 1);
		usleep(5 * 1000);	/* the thread frees after done */
	}
	loop_free(loop);
}

/* loop_off_wake: also from inside a wake callback, and slots reused. */
struct wk {
	struct loop	*loop;
	int		 n;
	bool		 remove_self;
};

static void
wk_cb(void *arg)
{
	struct wk	*w = arg;

	w->n++;
	if (w->remove_self)
		loop_off_wake(w->loop, wk_cb, w);
}

static void
test_off_wake(void **state)
{
	struct loop	*loop;
	struct wk	 a = { 0 }, b = { 0 }, c = { 0 };

	(void)state;
	loop = loop_new();
	a.loop = b.loop = c.loop = loop;
	a.remove_self = true;
	loop_on_wake(loop, wk_cb, &a);
	loop_on_wake(loop, wk_cb, &b);
	loop_wake(loop);
	assert_int_equal(loop_run_once(loop, 1000), 0);
	assert_int_equal(a.n, 1);
	assert_int_equal(b.n, 1);
	loop_wake(loop);
	assert_int_equal(loop_run_once(loop, 1000), 0);
	assert_int_equal(a.n, 1);	/* removed itself */
	assert_int_equal(b.n, 2);
	loop_off_wake(loop, wk_cb, &b);
	loop_on_wake(loop, wk_cb, &c);
	loop_wake(loop);
	assert_int_equal(loop_run_once(loop, 1000), 0);
	assert_int_equal(b.n, 2);
	assert_int_equal(c.n, 1);
	loop_free(loop);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deliver),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_no_start_while_freeing),
		cmocka_unit_test(test_close_then_loop),
		cmocka_unit_test(test_free_orphans),
		cmocka_unit_test(test_free_orphan_ends_at_once),
		cmocka_unit_test(test_off_wake),
	};

	main_thread = pthread_self();
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
