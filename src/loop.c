/*
 * loop.c: the one poll(2) event loop.
 *
 * A pass: build the pollfd array from the live watchers, wait until the
 * nearest timer deadline (or the caller's timeout), refresh the clock,
 * dispatch fd events, then fire the timers that are due, in deadline
 * order.
 *
 * Removal from inside callbacks: a watcher removed while a pass is
 * dispatching is only marked dead and freed at the end of the pass.  Due
 * timers are moved to a firing list before any of them runs, so a timer
 * stopped or freed by an earlier callback never runs, and a timer re-armed
 * from its own callback waits for the next pass even with a zero delay.
 *
 * Signals: the handler only writes the signal number (one byte) to a
 * self-pipe; the loop reads it and runs the callback.  Only one loop at a
 * time owns the signal pipe (the last one that called loop_signal()).
 *
 * loop_break() ends loop_run() after the current pass.
 *
 * Wake: loop_wake() writes one byte to a non-blocking pipe (EAGAIN means
 * a wake-up is already pending); the loop drains it and runs every
 * callback registered with loop_on_wake().
 */
#include <sys/queue.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "util.h"

#define LOOP_NSIG	65	/* signal numbers fit in one byte */

struct loop_fd {
	struct loop		*loop;
	int			 fd;
	int			 events;
	loop_fd_cb		 cb;
	void			*arg;
	bool			 dead;
	TAILQ_ENTRY(loop_fd)	 entry;
};
TAILQ_HEAD(loop_fds, loop_fd);

enum loop_timer_state {
	LOOP_TIMER_IDLE,
	LOOP_TIMER_PENDING,	/* on loop->timers */
	LOOP_TIMER_FIRING	/* on loop->firing, due this pass */
};

struct loop_timer {
	struct loop		*loop;
	loop_timer_cb		 cb;
	void			*arg;
	int64_t			 deadline;
	enum loop_timer_state	 state;
	TAILQ_ENTRY(loop_timer)	 entry;
};
TAILQ_HEAD(loop_timers, loop_timer);

struct loop_wake_entry {
	loop_wake_cb		 cb;
	void			*arg;
};

struct loop_sig {
	loop_signal_cb		 cb;
	void			*arg;
	bool			 installed;
	struct sigaction	 old;
};

struct loop {
	int64_t			 now;
	bool			 brk;
	int			 depth;		/* passes dispatching */
	bool			 have_dead;

	struct loop_fds		 fds;
	struct loop_timers	 timers;	/* sorted by deadline */
	struct loop_timers	 firing;

	struct pollfd		*pfds;
	struct loop_fd		**pmap;
	size_t			 pcap;

	int			 wake_pipe[2];
	struct loop_wake_entry	*wakes;
	size_t			 nwakes;

	int			 sig_pipe[2];
	struct loop_sig		 sigs[LOOP_NSIG];
};

/* The write end of the signal pipe of the loop that owns signals. */
static volatile sig_atomic_t	 loop_sig_fd = -1;
static struct loop		*loop_sig_owner;

static int
loop_pipe(int p[2])
{
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) == -1)
		return (-1);
	return (0);
}

static void
loop_drain(int fd, void (*each)(struct loop *, unsigned char),
    struct loop *loop)
{
	unsigned char	 buf[64];
	ssize_t		 n, i;

	for (;;) {
		n = read(fd, buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (each != NULL) {
			for (i = 0; i < n; i++)
				each(loop, buf[i]);
		}
	}
}

struct loop *
loop_new(void)
{
	struct loop	*loop;

	loop = xcalloc(1, sizeof *loop);
	TAILQ_INIT(&loop->fds);
	TAILQ_INIT(&loop->timers);
	TAILQ_INIT(&loop->firing);
	if (loop_pipe(loop->wake_pipe) == -1)
		fatalx("loop: pipe: %s", strerror(errno));
	if (loop_pipe(loop->sig_pipe) == -1)
		fatalx("loop: pipe: %s", strerror(errno));
	loop->now = util_mono_ms();
	return (loop);
}

void
loop_free(struct loop *loop)
{
	struct loop_fd		*lfd;
	struct loop_timer	*t;
	int			 i;

	if (loop == NULL)
		return;
	if (loop_sig_owner == loop) {
		for (i = 1; i < LOOP_NSIG; i++) {
			if (loop->sigs[i].installed)
				sigaction(i, &loop->sigs[i].old, NULL);
		}
		loop_sig_fd = -1;
		loop_sig_owner = NULL;
	}
	while ((lfd = TAILQ_FIRST(&loop->fds)) != NULL) {
		TAILQ_REMOVE(&loop->fds, lfd, entry);
		free(lfd);
	}
	/* Timers belong to their owners; detach them. */
	while ((t = TAILQ_FIRST(&loop->timers)) != NULL) {
		TAILQ_REMOVE(&loop->timers, t, entry);
		t->state = LOOP_TIMER_IDLE;
	}
	while ((t = TAILQ_FIRST(&loop->firing)) != NULL) {
		TAILQ_REMOVE(&loop->firing, t, entry);
		t->state = LOOP_TIMER_IDLE;
	}
	close(loop->wake_pipe[0]);
	close(loop->wake_pipe[1]);
	close(loop->sig_pipe[0]);
	close(loop->sig_pipe[1]);
	free(loop->pfds);
	free(loop->pmap);
	free(loop->wakes);
	free(loop);
}

int64_t
loop_now(struct loop *loop)
{
	return (loop->now);
}

void
loop_break(struct loop *loop)
{
	loop->brk = true;
}

/* fd watchers ---------------------------------------------------------------*/

struct loop_fd *
loop_fd_add(struct loop *loop, int fd, int events, loop_fd_cb cb, void *arg)
{
	struct loop_fd	*lfd;

	lfd = xcalloc(1, sizeof *lfd);
	lfd->loop = loop;
	lfd->fd = fd;
	lfd->events = events & (LOOP_READ | LOOP_WRITE);
	lfd->cb = cb;
	lfd->arg = arg;
	TAILQ_INSERT_TAIL(&loop->fds, lfd, entry);
	return (lfd);
}

void
loop_fd_set_events(struct loop_fd *lfd, int events)
{
	if (lfd != NULL && !lfd->dead)
		lfd->events = events & (LOOP_READ | LOOP_WRITE);
}

void
loop_fd_remove(struct loop_fd *lfd)
{
	struct loop	*loop;

	if (lfd == NULL || lfd->dead)
		return;
	loop = lfd->loop;
	if (loop->depth > 0) {
		/* The pass may still hold a pointer: free it at its end. */
		lfd->dead = true;
		lfd->events = 0;
		loop->have_dead = true;
		return;
	}
	TAILQ_REMOVE(&loop->fds, lfd, entry);
	free(lfd);
}

static void
loop_fd_reap(struct loop *loop)
{
	struct loop_fd	*lfd, *next;

	if (!loop->have_dead || loop->depth > 0)
		return;
	for (lfd = TAILQ_FIRST(&loop->fds); lfd != NULL; lfd = next) {
		next = TAILQ_NEXT(lfd, entry);
		if (lfd->dead) {
			TAILQ_REMOVE(&loop->fds, lfd, entry);
			free(lfd);
		}
	}
	loop->have_dead = false;
}

/* timers --------------------------------------------------------------------*/

struct loop_timer *
loop_timer_new(struct loop *loop, loop_timer_cb cb, void *arg)
{
	struct loop_timer	*t;

	t = xcalloc(1, sizeof *t);
	t->loop = loop;
	t->cb = cb;
	t->arg = arg;
	t->state = LOOP_TIMER_IDLE;
	return (t);
}

void
loop_timer_stop(struct loop_timer *t)
{
	if (t == NULL)
		return;
	switch (t->state) {
	case LOOP_TIMER_PENDING:
		TAILQ_REMOVE(&t->loop->timers, t, entry);
		break;
	case LOOP_TIMER_FIRING:
		TAILQ_REMOVE(&t->loop->firing, t, entry);
		break;
	case LOOP_TIMER_IDLE:
		break;
	}
	t->state = LOOP_TIMER_IDLE;
}

void
loop_timer_start(struct loop_timer *t, int64_t ms)
{
	struct loop		*loop = t->loop;
	struct loop_timer	*it;

	loop_timer_stop(t);
	if (ms < 0)
		ms = 0;
	t->deadline = util_mono_ms() + ms;

	/* Keep the list sorted; equal deadlines fire in start order. */
	TAILQ_FOREACH_REVERSE(it, &loop->timers, loop_timers, entry) {
		if (it->deadline <= t->deadline)
			break;
	}
	if (it == NULL)
		TAILQ_INSERT_HEAD(&loop->timers, t, entry);
	else
		TAILQ_INSERT_AFTER(&loop->timers, it, t, entry);
	t->state = LOOP_TIMER_PENDING;
}

bool
loop_timer_pending(const struct loop_timer *t)
{
	return (t != NULL && t->state != LOOP_TIMER_IDLE);
}

void
loop_timer_free(struct loop_timer *t)
{
	if (t == NULL)
		return;
	loop_timer_stop(t);
	free(t);
}

static void
loop_timers_fire(struct loop *loop)
{
	struct loop_timer	*t;

	/* Move everything due now to the firing list, in deadline order. */
	while ((t = TAILQ_FIRST(&loop->timers)) != NULL &&
	    t->deadline <= loop->now) {
		TAILQ_REMOVE(&loop->timers, t, entry);
		TAILQ_INSERT_TAIL(&loop->firing, t, entry);
		t->state = LOOP_TIMER_FIRING;
	}
	while ((t = TAILQ_FIRST(&loop->firing)) != NULL) {
		TAILQ_REMOVE(&loop->firing, t, entry);
		t->state = LOOP_TIMER_IDLE;
		t->cb(t->arg);		/* may free or re-arm t */
	}
}

/* signals -------------------------------------------------------------------*/

static void
loop_signal_handler(int signo)
{
	int		 saved = errno;
	unsigned char	 c = (unsigned char)signo;
	int		 fd = loop_sig_fd;

	if (fd != -1)
		(void)!write(fd, &c, 1);
	errno = saved;
}

int
loop_signal(struct loop *loop, int signo, loop_signal_cb cb, void *arg)
{
	struct sigaction	 sa;
	struct loop_sig		*s;

	if (signo <= 0 || signo >= LOOP_NSIG) {
		errno = EINVAL;
		return (-1);
	}
	if (loop_sig_owner != NULL && loop_sig_owner != loop) {
		log_warn("loop: signals moved to a new loop");
		loop_sig_owner = NULL;
	}
	s = &loop->sigs[signo];
	s->cb = cb;
	s->arg = arg;
	loop_sig_owner = loop;
	loop_sig_fd = loop->sig_pipe[1];
	if (s->installed)
		return (0);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = loop_signal_handler;
	sigfillset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: poll returns EINTR */
	if (sigaction(signo, &sa, &s->old) == -1)
		return (-1);
	s->installed = true;
	return (0);
}

static void
loop_signal_one(struct loop *loop, unsigned char signo)
{
	struct loop_sig	*s;

	if (signo == 0 || signo >= LOOP_NSIG)
		return;
	s = &loop->sigs[signo];
	if (s->cb != NULL)
		s->cb(signo, s->arg);
}

/* wake ----------------------------------------------------------------------*/

void
loop_on_wake(struct loop *loop, loop_wake_cb cb, void *arg)
{
	size_t	 i;

	for (i = 0; i < loop->nwakes; i++) {
		if (loop->wakes[i].cb == NULL) {	/* unregistered */
			loop->wakes[i].cb = cb;
			loop->wakes[i].arg = arg;
			return;
		}
	}
	loop->wakes = xreallocarray(loop->wakes, loop->nwakes + 1,
	    sizeof *loop->wakes);
	loop->wakes[loop->nwakes].cb = cb;
	loop->wakes[loop->nwakes].arg = arg;
	loop->nwakes++;
}

void
loop_off_wake(struct loop *loop, loop_wake_cb cb, void *arg)
{
	size_t	 i;

	/* Cleared, not moved: loop_wake_run() may be walking the array. */
	for (i = 0; i < loop->nwakes; i++) {
		if (loop->wakes[i].cb == cb && loop->wakes[i].arg == arg) {
			loop->wakes[i].cb = NULL;
			loop->wakes[i].arg = NULL;
		}
	}
	if (loop->depth > 0)
		return;
	while (loop->nwakes > 0 && loop->wakes[loop->nwakes - 1].cb == NULL)
		loop->nwakes--;
}

void
loop_wake(struct loop *loop)
{
	int		 saved = errno;
	unsigned char	 c = 0;

	/* EAGAIN: the pipe is full, a wake-up is pending anyway. */
	(void)!write(loop->wake_pipe[1], &c, 1);
	errno = saved;
}

static void
loop_wake_run(struct loop *loop)
{
	size_t	 i;

	loop_drain(loop->wake_pipe[0], NULL, loop);
	/* Callbacks may register more; index, do not cache the pointer. */
	for (i = 0; i < loop->nwakes; i++) {
		if (loop->wakes[i].cb != NULL)
			loop->wakes[i].cb(loop->wakes[i].arg);
	}
}

/* the pass ------------------------------------------------------------------*/

static int
loop_poll_timeout(struct loop *loop, int timeout_ms)
{
	struct loop_timer	*t;
	int64_t			 delta;

	if ((t = TAILQ_FIRST(&loop->timers)) == NULL)
		return (timeout_ms);
	delta = t->deadline - util_mono_ms();
	if (delta < 0)
		delta = 0;
	if (delta > INT_MAX)
		delta = INT_MAX;
	if (timeout_ms < 0 || delta < timeout_ms)
		return ((int)delta);
	return (timeout_ms);
}

static size_t
loop_build_pollfds(struct loop *loop)
{
	struct loop_fd	*lfd;
	size_t		 n = 0, want = 2;

	TAILQ_FOREACH(lfd, &loop->fds, entry)
		want++;
	if (want > loop->pcap) {
		loop->pcap = want + 16;
		loop->pfds = xreallocarray(loop->pfds, loop->pcap,
		    sizeof *loop->pfds);
		loop->pmap = xreallocarray(loop->pmap, loop->pcap,
		    sizeof *loop->pmap);
	}

	loop->pfds[n].fd = loop->wake_pipe[0];
	loop->pfds[n].events = POLLIN;
	loop->pmap[n++] = NULL;
	loop->pfds[n].fd = loop->sig_pipe[0];
	loop->pfds[n].events = POLLIN;
	loop->pmap[n++] = NULL;
	TAILQ_FOREACH(lfd, &loop->fds, entry) {
		if (lfd->dead || lfd->events == 0)
			continue;
		loop->pfds[n].fd = lfd->fd;
		loop->pfds[n].events = 0;
		if (lfd->events & LOOP_READ)
			loop->pfds[n].events |= POLLIN;
		if (lfd->events & LOOP_WRITE)
			loop->pfds[n].events |= POLLOUT;
		loop->pmap[n++] = lfd;
	}
	for (want = 0; want < n; want++)
		loop->pfds[want].revents = 0;
	return (n);
}

static void
loop_dispatch(struct loop *loop, size_t n)
{
	struct loop_fd	*lfd;
	size_t		 i;
	short		 re;
	int		 ev;

	if (loop->pfds[1].revents != 0)
		loop_drain(loop->sig_pipe[0], loop_signal_one, loop);
	if (loop->pfds[0].revents != 0)
		loop_wake_run(loop);
	for (i = 2; i < n; i++) {
		lfd = loop->pmap[i];
		re = loop->pfds[i].revents;
		if (re == 0 || lfd->dead)
			continue;
		ev = 0;
		if (re & (POLLIN | POLLHUP))
			ev |= LOOP_READ;
		if (re & POLLOUT)
			ev |= LOOP_WRITE;
		if (re & (POLLERR | POLLHUP | POLLNVAL))
			ev |= LOOP_ERROR;
		lfd->cb(lfd->fd, ev, lfd->arg);
		if ((re & POLLNVAL) && !lfd->dead) {
			/* Closed but still watched: stop, or we would spin. */
			log_warn("loop: fd %d is not open; watcher disabled",
			    lfd->fd);
			lfd->events = 0;
		}
	}
}

int
loop_run_once(struct loop *loop, int timeout_ms)
{
	size_t	 n;
	int	 r, saved;

	n = loop_build_pollfds(loop);
	r = poll(loop->pfds, n, loop_poll_timeout(loop, timeout_ms));
	saved = errno;
	loop->now = util_mono_ms();
	if (r == -1) {
		if (saved != EINTR && saved != EAGAIN) {
			log_error("loop: poll: %s", strerror(saved));
			errno = saved;
			return (-1);
		}
		/* A signal: its byte is in the pipe; look now. */
		for (r = 0; r < (int)n; r++)
			loop->pfds[r].revents = 0;
		loop->pfds[1].revents = POLLIN;
	}

	loop->depth++;
	loop_dispatch(loop, n);
	loop_timers_fire(loop);
	loop->depth--;
	loop_fd_reap(loop);
	return (0);
}

int
loop_run(struct loop *loop)
{
	int	 r = 0;

	loop->brk = false;
	while (!loop->brk) {
		if ((r = loop_run_once(loop, -1)) == -1)
			break;
	}
	loop->brk = false;
	return (r);
}
