/*
 * tui.c: a full-screen program's signals, crash handlers and terminal
 * watcher on the loop (tui.h).  Curses-free: the terminal itself is
 * ui/terminal.c's, reached only through the callbacks.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "loop.h"
#include "tui.h"
#include "util.h"

struct tui {
	struct loop	*loop;
	struct tui_cbs	 cbs;
	void		*arg;
	struct loop_fd	*tty;
};

/* For the crash handlers, which take no argument. */
static void	(*tui_crash_cb)(void);

static void
tui_signal_cb(int signo, void *arg)
{
	struct tui	*t = arg;

	if (signo == SIGWINCH) {
		if (t->cbs.resize != NULL)
			t->cbs.resize(t->arg);
		return;
	}
	if (t->cbs.end != NULL)
		t->cbs.end(signo, signo == SIGHUP, t->arg);
}

static void
tui_tty_cb(int fd, int events, void *arg)
{
	struct tui	*t = arg;

	(void)fd;
	(void)events;
	if (t->cbs.input != NULL)
		t->cbs.input(t->arg);
}

/*
 * A crash: give the terminal back before the default action (a core
 * dump) runs.  endwin() is not async-signal-safe; on this path a usable
 * terminal is worth the risk (htop does the same).
 */
static void
tui_crash_handler(int signo)
{
	if (tui_crash_cb != NULL)
		tui_crash_cb();
	raise(signo);
}

static void
tui_crash_handlers(bool on)
{
	/* SIGQUIT: the ^\ key, which cbreak mode leaves on. */
	static const int	 sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL,
	    SIGABRT, SIGQUIT };
	struct sigaction	 sa;
	size_t			 i;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on ? tui_crash_handler : SIG_DFL;
	sa.sa_flags = on ? SA_RESETHAND : 0;
	for (i = 0; i < nitems(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

struct tui *
tui_new(struct loop *loop, const struct tui_cbs *cbs, void *arg)
{
	struct tui	*t;

	t = xcalloc(1, sizeof *t);
	t->loop = loop;
	t->cbs = *cbs;
	t->arg = arg;
	loop_signal(loop, SIGWINCH, tui_signal_cb, t);
	loop_signal(loop, SIGHUP, tui_signal_cb, t);
	loop_signal(loop, SIGTERM, tui_signal_cb, t);
	loop_signal(loop, SIGINT, tui_signal_cb, t);
	log_set_stderr(false);
	tui_crash_cb = cbs->crash;
	tui_crash_handlers(true);
	return (t);
}

void
tui_attach(struct tui *t, int fd)
{
	if (t->tty != NULL)
		loop_fd_remove(t->tty);
	t->tty = NULL;
	if (fd != -1)
		t->tty = loop_fd_add(t->loop, fd, LOOP_READ, tui_tty_cb, t);
}

void
tui_free(struct tui *t)
{
	if (t == NULL)
		return;
	if (t->tty != NULL)
		loop_fd_remove(t->tty);
	/* Still caught (the loop ends that), but nothing is called. */
	loop_signal(t->loop, SIGWINCH, NULL, NULL);
	loop_signal(t->loop, SIGHUP, NULL, NULL);
	loop_signal(t->loop, SIGTERM, NULL, NULL);
	loop_signal(t->loop, SIGINT, NULL, NULL);
	tui_crash_handlers(false);
	tui_crash_cb = NULL;
	log_set_stderr(true);
	free(t);
}
