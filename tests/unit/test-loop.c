/* test-loop.c: loop.c */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loop.h"
#include "util.h"

/* Run passes until *flag or the deadline (ms); true when flag was set. */
static bool
run_until(struct loop *loop, const volatile bool *flag, int64_t ms)
{
	int64_t	 end = util_mono_ms() + ms;

	while (!*flag && util_mono_ms() < end)
		assert_int_equal(loop_run_once(loop, 50), 0);
	return (*flag);
}

/* --- timers --- */

struct order {
	struct loop	*loop;
	int		 seen[8];
	int		 n;
	int64_t		 at[8];
};

struct order_timer {
	struct order	*o;
	int		 id;
};

static void
order_cb(void *arg)
{
	struct order_timer	*ot = arg;

	ot->o->at[ot->o->n] = loop_now(ot->o->loop);
	ot->o->seen[ot->o->n++] = ot->id;
}

static void
test_timer_order(void **state)
{
	struct loop		*loop;
	struct order		 o = { 0 };
	struct order_timer	 ot[4];
	struct loop_timer	*t[4];
	static const int	 delay[4] = { 40, 10, 30, 20 };
	int			 i;
	int64_t			 start;

	(void)state;
	loop = loop_new();
	o.loop = loop;
	start = util_mono_ms();
	for (i = 0; i < 4; i++) {
		ot[i].o = &o;
		ot[i].id = i;
		t[i] = loop_timer_new(loop, order_cb, &ot[i]);
		loop_timer_start(t[i], delay[i]);
		assert_true(loop_timer_pending(t[i]));
	}
	while (o.n < 4 && util_mono_ms() - start < 5000)
		assert_int_equal(loop_run_once(loop, -1), 0);
	assert_int_equal(o.n, 4);
	assert_int_equal(o.seen[0], 1);
	assert_int_equal(o.seen[1], 3);
	assert_int_equal(o.seen[2], 2);
	assert_int_equal(o.seen[3], 0);
	/* Never early. */
	assert_true(o.at[3] - start >= 40);
	for (i = 0; i < 4; i++) {
		assert_false(loop_timer_pending(t[i]));
		loop_timer_free(t[i]);
	}
	loop_free(loop);
}

static void
test_timer_same_pass(void **state)
{
	struct loop		*loop;
	struct order		 o = { 0 };
	struct order_timer	 ot[3];
	struct loop_timer	*t[3];
	int			 i;

	(void)state;
	loop = loop_new();
	o.loop = loop;
	/* Started in reverse; all due by the time the pass runs. */
	for (i = 2; i >= 0; i--) {
		ot[i].o = &o;
		ot[i].id = i;
		t[i] = loop_timer_new(loop, order_cb, &ot[i]);
		loop_timer_start(t[i], i);
	}
	usleep(10 * 1000);
	assert_int_equal(loop_run_once(loop, 0), 0);
	assert_int_equal(o.n, 3);
	assert_int_equal(o.seen[0], 0);
	assert_int_equal(o.seen[1], 1);
	assert_int_equal(o.seen[2], 2);
	for (i = 0; i < 3; i++)
		loop_timer_free(t[i]);
	loop_free(loop);
}

static void
count_cb(void *arg)
{
	(*(int *)arg)++;
}

static void
test_timer_stopped(void **state)
{
	struct loop		*loop;
	struct loop_timer	*t, *t2;
	int			 n = 0, n2 = 0;
	int64_t			 end;

	(void)state;
	loop = loop_new();
	t = loop_timer_new(loop, count_cb, &n);
	t2 = loop_timer_new(loop, count_cb, &n2);
	loop_timer_start(t, 10);
	loop_timer_start(t2, 30);
	loop_timer_stop(t);
	assert_false(loop_timer_pending(t));
	/* t2 is due after t would have been: once t2 fired, t had its turn. */
	end = util_mono_ms() + 5000;
	while (n2 == 0 && util_mono_ms() < end)
		loop_run_once(loop, 20);
	loop_run_once(loop, 20);
	assert_int_equal(n, 0);
	assert_int_equal(n2, 1);
	loop_timer_free(t);
	loop_timer_free(t2);
	loop_free(loop);
}

/* A timer that stops its sibling which is due in the same pass. */
struct killer {
	struct loop_timer	*victim;
	int			 fired;
};

static void
killer_cb(void *arg)
{
	struct killer	*k = arg;

	k->fired++;
	loop_timer_free(k->victim);
	k->victim = NULL;
}

static void
test_timer_free_sibling(void **state)
{
	struct loop		*loop;
	struct loop_timer	*t;
	struct killer		 k = { 0 };
	int			 n = 0;

	(void)state;
	loop = loop_new();
	t = loop_timer_new(loop, killer_cb, &k);
	k.victim = loop_timer_new(loop, count_cb, &n);
	loop_timer_start(t, 0);
	loop_timer_start(k.victim, 0);	/* same deadline, after t */
	usleep(2000);
	loop_run_once(loop, 0);
	assert_int_equal(k.fired, 1);
	assert_int_equal(n, 0);
	loop_timer_free(t);
	loop_free(loop);
}

struct rearm {
	struct loop_timer	*t;
	int			 n;
	bool			 done;
	bool			 free_self;
};

static void
rearm_cb(void *arg)
{
	struct rearm	*r = arg;

	if (++r->n < 5) {
		/* Zero delay: must wait for the next pass, not spin here. */
		loop_timer_start(r->t, 0);
		return;
	}
	r->done = true;
	if (r->free_self) {
		loop_timer_free(r->t);
		r->t = NULL;
	}
}

static void
test_timer_rearm(void **state)
{
	struct loop	*loop;
	struct rearm	 r = { 0 };
	int		 passes = 0;

	(void)state;
	loop = loop_new();
	r.t = loop_timer_new(loop, rearm_cb, &r);
	r.free_self = true;
	loop_timer_start(r.t, 1);
	while (!r.done && passes < 100) {
		loop_run_once(loop, 100);
		passes++;
		/* One firing per pass at most. */
		assert_true(r.n <= passes);
	}
	assert_true(r.done);
	assert_int_equal(r.n, 5);
	assert_null(r.t);	/* freed itself; ASan checks the rest */
	loop_free(loop);
}

/* --- loop_break --- */

static void
break_cb(void *arg)
{
	loop_break(arg);
}

static void
test_break(void **state)
{
	struct loop		*loop;
	struct loop_timer	*t;
	int64_t			 start;

	(void)state;
	loop = loop_new();
	t = loop_timer_new(loop, break_cb, loop);
	start = util_mono_ms();
	loop_timer_start(t, 20);
	assert_int_equal(loop_run(loop), 0);
	assert_true(loop_now(loop) - start >= 20);
	assert_true(loop_now(loop) - start < 2000);
	loop_timer_free(t);
	loop_free(loop);
}

/* --- signals --- */

struct sig {
	int		 signo;
	int		 n;
	bool		 got;
	pthread_t	 thread;
};

static void
sig_cb(int signo, void *arg)
{
	struct sig	*s = arg;

	s->signo = signo;
	s->n++;
	s->got = true;
	s->thread = pthread_self();	/* on the loop, not in the handler */
}

static void
test_signal(void **state)
{
	struct loop		*loop;
	struct sig		 s = { 0 };
	struct sigaction	 sa;

	(void)state;
	loop = loop_new();
	assert_int_equal(loop_signal(loop, SIGUSR1, sig_cb, &s), 0);
	assert_int_equal(raise(SIGUSR1), 0);
	/* Raised synchronously: the handler ran, the callback did not. */
	assert_false(s.got);
	assert_true(run_until(loop, &s.got, 2000));
	assert_int_equal(s.signo, SIGUSR1);
	assert_int_equal(s.n, 1);
	assert_true(pthread_equal(s.thread, pthread_self()));
	loop_free(loop);
	/* The old disposition is back. */
	assert_int_equal(sigaction(SIGUSR1, NULL, &sa), 0);
	assert_true(sa.sa_handler == SIG_DFL);
}

/* --- wake from another thread --- */

struct wake {
	struct loop	*loop;
	int		 n;
	bool		 got;
	pthread_t	 thread;
};

static void
wake_cb(void *arg)
{
	struct wake	*w = arg;

	w->n++;
	w->got = true;
	w->thread = pthread_self();
}

static void *
wake_thread(void *arg)
{
	struct wake	*w = arg;

	usleep(20 * 1000);
	loop_wake(w->loop);
	return (NULL);
}

static void
test_wake(void **state)
{
	struct loop	*loop;
	struct wake	 w = { 0 };
	pthread_t	 th;
	int		 i;
	int64_t		 start;

	(void)state;
	loop = loop_new();
	w.loop = loop;
	loop_on_wake(loop, wake_cb, &w);
	assert_int_equal(pthread_create(&th, NULL, wake_thread, &w), 0);
	start = util_mono_ms();
	/* Nothing else to wait for: poll(-1) must return on the wake. */
	assert_int_equal(loop_run_once(loop, 5000), 0);
	pthread_join(th, NULL);
	if (!w.got)
		assert_true(run_until(loop, &w.got, 2000));
	assert_true(util_mono_ms() - start < 4000);
	assert_true(pthread_equal(w.thread, pthread_self()));

	/* Many wakes (more than the pipe holds) coalesce, never block. */
	w.n = 0;
	w.got = false;
	for (i = 0; i < 100000; i++)
		loop_wake(loop);
	assert_true(run_until(loop, &w.got, 2000));
	assert_true(w.n >= 1);
	loop_free(loop);
}

/* --- fd readiness --- */

struct rd {
	struct loop_fd	*lfd;
	char		 buf[32];
	size_t		 len;
	int		 events;
	bool		 eof;
	int		 calls;
};

static void
rd_cb(int fd, int events, void *arg)
{
	struct rd	*r = arg;
	ssize_t		 n;

	r->calls++;
	r->events |= events;
	n = read(fd, r->buf + r->len, sizeof r->buf - 1 - r->len);
	if (n > 0)
		r->len += (size_t)n;
	else if (n == 0) {
		r->eof = true;
		loop_fd_remove(r->lfd);		/* own handle, from inside */
		r->lfd = NULL;
	}
}

static void
wr_cb(int fd, int events, void *arg)
{
	int	*n = arg;

	if (events & LOOP_WRITE)
		(*n)++;
}

static void
test_fd(void **state)
{
	struct loop	*loop;
	struct rd	 r = { 0 };
	struct loop_fd	*w;
	int		 p[2], nw = 0, calls;

	(void)state;
	loop = loop_new();
	assert_int_equal(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
	r.lfd = loop_fd_add(loop, p[0], LOOP_READ, rd_cb, &r);

	/* Nothing readable: a pass times out without a call. */
	assert_int_equal(loop_run_once(loop, 10), 0);
	assert_int_equal(r.calls, 0);

	assert_int_equal(write(p[1], "hello", 5), 5);
	assert_int_equal(loop_run_once(loop, 1000), 0);
	assert_int_equal(r.calls, 1);
	assert_true(r.events & LOOP_READ);
	assert_int_equal(r.len, 5);
	assert_memory_equal(r.buf, "hello", 5);

	/* Disabled events: not called even though readable. */
	assert_int_equal(write(p[1], "x", 1), 1);
	loop_fd_set_events(r.lfd, 0);
	calls = r.calls;
	loop_run_once(loop, 10);
	assert_int_equal(r.calls, calls);
	loop_fd_set_events(r.lfd, LOOP_READ);
	loop_run_once(loop, 1000);
	assert_int_equal(r.len, 6);

	/* Write readiness on the other end. */
	w = loop_fd_add(loop, p[1], LOOP_WRITE, wr_cb, &nw);
	loop_run_once(loop, 1000);
	assert_int_equal(nw, 1);
	loop_fd_remove(w);

	/* EOF: the callback removes its own watcher. */
	close(p[1]);
	assert_true(run_until(loop, &r.eof, 2000));
	assert_null(r.lfd);
	close(p[0]);
	loop_free(loop);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timer_order),
		cmocka_unit_test(test_timer_same_pass),
		cmocka_unit_test(test_timer_stopped),
		cmocka_unit_test(test_timer_free_sibling),
		cmocka_unit_test(test_timer_rearm),
		cmocka_unit_test(test_break),
		cmocka_unit_test(test_signal),
		cmocka_unit_test(test_wake),
		cmocka_unit_test(test_fd),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
