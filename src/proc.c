/*
 * proc.c: one outside program, run without a shell, with a deadline.
 *
 * fork + execve rather than posix_spawn: the child needs its own process
 * group, default signal dispositions (bbbctl ignores SIGPIPE, and
 * ignored signals survive exec), an empty signal mask (our threads block
 * everything) and every fd but 0-2 closed, whether or not a library
 * opened it close-on-exec.  Between fork and exec the child only makes
 * async-signal-safe system calls; everything it needs (the path, argv,
 * the environment) is built before the fork.  An exec failure comes back
 * through a close-on-exec pipe.
 *
 * The parent polls the pipes and, where the kernel has it, a pidfd for
 * the child's exit (else it looks every 20 ms with waitid(WNOHANG)).
 * The exit is first seen with WNOWAIT: the unreaped leader keeps its
 * process group id reserved, so killing the group's leftovers cannot hit
 * a stranger; only then is it reaped.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"
#include "util.h"

extern char **environ;

#define PROC_CHUNK	65536
#define PROC_TICK_MS	20	/* exit polling without a pidfd */
#define PROC_CANCEL_MS	50	/* cancel flag polling */
#define PROC_FD_MAX	65536	/* fds closed one by one without close_range */

enum proc_step {
	PROC_STEP_DUP,
	PROC_STEP_CHDIR,
	PROC_STEP_EXEC
};

struct proc_fail {
	int	 step;		/* enum proc_step */
	int	 error;
};

struct proc_stream {
	int		 fd;
	struct buf	 b;
	size_t		 max;
	bool		 truncated;
};

void
proc_result_clear(struct proc_result *r)
{
	if (r == NULL)
		return;
	free(r->out);
	free(r->err);
	free(r->why);
	memset(r, 0, sizeof *r);
}

bool
proc_ok(const struct proc_result *r)
{
	return (r->signo == 0 && r->exit_code == 0 && !r->timed_out &&
	    !r->cancelled);
}

static const char *
proc_signame(int signo, char *tmp, size_t len)
{
	static const struct {
		int		 n;
		const char	*name;
	} names[] = {
		{ SIGHUP, "SIGHUP" }, { SIGINT, "SIGINT" },
		{ SIGQUIT, "SIGQUIT" }, { SIGILL, "SIGILL" },
		{ SIGABRT, "SIGABRT" }, { SIGBUS, "SIGBUS" },
		{ SIGFPE, "SIGFPE" }, { SIGKILL, "SIGKILL" },
		{ SIGUSR1, "SIGUSR1" }, { SIGSEGV, "SIGSEGV" },
		{ SIGUSR2, "SIGUSR2" }, { SIGPIPE, "SIGPIPE" },
		{ SIGALRM, "SIGALRM" }, { SIGTERM, "SIGTERM" },
		{ SIGXCPU, "SIGXCPU" }, { SIGXFSZ, "SIGXFSZ" },
	};
	size_t	 i;

	for (i = 0; i < nitems(names); i++) {
		if (names[i].n == signo)
			return (names[i].name);
	}
	snprintf(tmp, len, "signal %d", signo);
	return (tmp);
}

static void
proc_fmt_ms(struct buf *b, int64_t ms)
{
	if (ms < 1000)
		buf_printf(b, "%lld ms", (long long)ms);
	else if (ms % 1000 == 0)
		buf_printf(b, "%lld s", (long long)(ms / 1000));
	else
		buf_printf(b, "%.1f s", (double)ms / 1000.0);
}

char *
proc_explain(int status, int64_t deadline_ms, bool cancelled)
{
	struct buf	 b = { 0 };
	char		 tmp[32];

	if (WIFEXITED(status)) {
		buf_printf(&b, "exited %d", WEXITSTATUS(status));
		if (deadline_ms > 0) {
			buf_adds(&b, " after SIGTERM at the ");
			proc_fmt_ms(&b, deadline_ms);
			buf_adds(&b, " deadline");
		} else if (cancelled)
			buf_adds(&b, " after SIGTERM (cancelled)");
	} else if (WIFSIGNALED(status)) {
		buf_printf(&b, "killed by %s", proc_signame(WTERMSIG(status),
		    tmp, sizeof tmp));
		if (WCOREDUMP(status))
			buf_adds(&b, " (core dumped)");
		if (deadline_ms > 0) {
			buf_adds(&b, " after the ");
			proc_fmt_ms(&b, deadline_ms);
			buf_adds(&b, " deadline");
		} else if (cancelled)
			buf_adds(&b, " (cancelled)");
	} else
		buf_printf(&b, "ended with status 0x%x", (unsigned)status);
	return (buf_steal(&b));
}

/* --- before the fork --------------------------------------------------- */

static bool
proc_same_name(const char *a, const char *b)
{
	size_t	 n = strcspn(b, "=");

	return (strncmp(a, b, n) == 0 && (a[n] == '=' || a[n] == '\0'));
}

/* env (or ours) with env_add over it; the strings are borrowed. */
static char **
proc_env(const struct proc_opts *o)
{
	const char *const	*base;
	char			**v;
	size_t			 n = 0, m = 0, i, j;

	base = o->env != NULL ? o->env : (const char *const *)environ;
	while (base[n] != NULL)
		n++;
	if (o->env_add != NULL) {
		while (o->env_add[m] != NULL)
			m++;
	}
	v = xcalloc(n + m + 1, sizeof *v);
	for (i = 0; i < n; i++)
		v[i] = (char *)base[i];
	for (j = 0; j < m; j++) {
		for (i = 0; i < n; i++) {
			if (v[i] != NULL && proc_same_name(v[i], o->env_add[j]))
				v[i] = NULL;
		}
		/* "NAME" without '=' only removes it. */
		if (strchr(o->env_add[j], '=') != NULL)
			v[n + j] = (char *)o->env_add[j];
	}
	for (i = j = 0; i < n + m; i++) {
		if (v[i] != NULL)
			v[j++] = v[i];
	}
	v[j] = NULL;
	return (v);
}

static bool
proc_executable(const char *path)
{
	struct stat	 sb;

	return (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    access(path, X_OK) == 0);
}

/* The program's path, by the child's PATH; allocated, or NULL. */
static char *
proc_find(const char *name, char **envp)
{
	const char	*path = NULL, *p, *e;
	char		*try;
	size_t		 i;

	if (strchr(name, '/') != NULL)
		return (xstrdup(name));
	for (i = 0; envp[i] != NULL; i++) {
		if (strncmp(envp[i], "PATH=", 5) == 0)
			path = envp[i] + 5;
	}
	if (path == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; ; p = e + 1) {
		e = strchr(p, ':');
		if (e == NULL)
			e = p + strlen(p);
		if (e == p)
			try = xasprintf("./%s", name);
		else
			try = xasprintf("%.*s/%s", (int)(e - p), p, name);
		if (proc_executable(try))
			return (try);
		free(try);
		if (*e == '\0')
			break;
	}
	return (NULL);
}

/* Move fd to 3 or above (0-2 are the child's targets), close-on-exec. */
static int
proc_fd_high(int fd)
{
	int	 nfd;

	if (fd == -1 || fd > 2)
		return (fd);
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	close(fd);
	return (nfd);
}

static int
proc_pipe(int p[2])
{
	if (pipe2(p, O_CLOEXEC) == -1)
		return (-1);
	p[0] = proc_fd_high(p[0]);
	p[1] = proc_fd_high(p[1]);
	if (p[0] == -1 || p[1] == -1) {
		if (p[0] != -1)
			close(p[0]);
		if (p[1] != -1)
			close(p[1]);
		return (-1);
	}
	return (0);
}

static void
proc_close(int *fd)
{
	if (*fd != -1) {
		close(*fd);
		*fd = -1;
	}
}

/* --- the child, between fork and exec ------------------------------------ */

static void
proc_close_from(int keep, int maxfd)
{
	int	 fd;

#ifdef SYS_close_range
	if ((keep == 3 || syscall(SYS_close_range, 3U,
	    (unsigned)(keep - 1), 0U) == 0) &&
	    syscall(SYS_close_range, (unsigned)(keep + 1), ~0U, 0U) == 0)
		return;
#endif
	for (fd = 3; fd < maxfd; fd++) {
		if (fd != keep)
			close(fd);
	}
}

static __dead void
proc_child(const char *path, char *const argv[], char *const envp[],
    const char *dir, const int fds[3], int failfd, int maxfd)
{
	struct sigaction	 sa;
	struct proc_fail	 f;
	sigset_t		 none;
	int			 i;

	setpgid(0, 0);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (i = 1; i < NSIG; i++) {
		if (i != SIGKILL && i != SIGSTOP)
			(void)sigaction(i, &sa, NULL);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	f.step = PROC_STEP_DUP;
	for (i = 0; i < 3; i++) {
		/* All sources are >= 3: dup2 clears close-on-exec. */
		if (dup2(fds[i], i) == -1)
			goto fail;
	}
	f.step = PROC_STEP_CHDIR;
	if (dir != NULL && chdir(dir) == -1)
		goto fail;
	proc_close_from(failfd, maxfd);
	f.step = PROC_STEP_EXEC;
	execve(path, argv, envp);
fail:
	f.error = errno;
	(void)!write(failfd, &f, sizeof f);
	_exit(127);
}

/* --- the parent ---------------------------------------------------------- */

struct proc_run {
	const struct proc_opts	*o;
	struct proc_result	*res;
	pid_t			 pid;
	int			 pidfd;
	int			 in;		/* our end of stdin, or -1 */
	size_t			 in_off;
	struct proc_stream	 out;
	struct proc_stream	 err;
	int			 write_error;	/* writing to out_fd */
	int			 status;
	bool			 exited;
	int64_t			 start;
	int64_t			 deadline;
	int64_t			 term_at;	/* SIGTERM sent (0: not) */
	bool			 killed;	/* SIGKILL sent */
	int64_t			 drain_until;	/* after the exit */
};

static bool
proc_want_cancel(const struct proc_opts *o)
{
	if (o->cancel != NULL && atomic_load(o->cancel))
		return (true);
	return (o->cancel_cb != NULL && o->cancel_cb(o->cancel_arg));
}

static void
proc_stop(struct proc_run *r, int64_t now)
{
	if (r->term_at == 0 && !r->exited) {
		kill(-r->pid, SIGTERM);
		r->term_at = now;
	}
}

static int
proc_write_all(int fd, const char *p, size_t n, int64_t deadline)
{
	struct pollfd	 pfd;
	ssize_t		 w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && errno == EAGAIN &&
		    util_mono_ms() < deadline) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			(void)poll(&pfd, 1, 100);
			continue;
		}
		return (w == -1 ? errno : EIO);
	}
	return (0);
}

static void
proc_read(struct proc_run *r, struct proc_stream *s, bool is_out)
{
	const struct proc_opts	*o = r->o;
	char			 tmp[PROC_CHUNK];
	ssize_t			 n;
	size_t			 keep;
	int			 error;

	n = read(s->fd, tmp, sizeof tmp);
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		proc_close(&s->fd);
		return;
	}
	if (is_out) {
		r->res->out_bytes += (uint64_t)n;
		if (o->use_out_fd) {
			if (r->write_error == 0) {
				error = proc_write_all(o->out_fd, tmp,
				    (size_t)n, r->deadline);
				if (error != 0) {
					r->write_error = error;
					proc_stop(r, util_mono_ms());
				}
			}
			if (o->progress != NULL)
				o->progress(r->res->out_bytes,
				    o->progress_arg);
			return;
		}
		if (o->progress != NULL)
			o->progress(r->res->out_bytes, o->progress_arg);
	}
	keep = s->b.len < s->max ? s->max - s->b.len : 0;
	if ((size_t)n > keep) {
		s->truncated = true;
		n = (ssize_t)keep;
	}
	if (n > 0)
		buf_add(&s->b, tmp, (size_t)n);
}

static void
proc_feed(struct proc_run *r)
{
	const struct proc_opts	*o = r->o;
	const char		*p = o->in;
	size_t			 left = o->in_len - r->in_off;
	ssize_t			 w;

	if (left > PROC_CHUNK)
		left = PROC_CHUNK;
	w = write(r->in, p + r->in_off, left);
	if (w > 0)
		r->in_off += (size_t)w;
	else if (w == -1 && (errno == EINTR || errno == EAGAIN))
		return;
	else {
		/* EPIPE: the program does not read (all of) it. */
		proc_close(&r->in);
		return;
	}
	if (r->in_off == o->in_len)
		proc_close(&r->in);
}

/* Has the child exited?  Seen without reaping; then the group goes. */
static void
proc_check_exit(struct proc_run *r, int64_t now)
{
	siginfo_t	 si;

	memset(&si, 0, sizeof si);
	if (waitid(P_PID, (id_t)r->pid, &si, WEXITED | WNOHANG | WNOWAIT) ==
	    -1 || si.si_pid == 0)
		return;
	/* Whatever it left in its group goes with it. */
	kill(-r->pid, SIGKILL);
	while (waitpid(r->pid, &r->status, 0) == -1 && errno == EINTR)
		;
	r->exited = true;
	r->drain_until = now + r->o->grace_ms;
	proc_close(&r->pidfd);
	proc_close(&r->in);
}

static int
proc_timeout(struct proc_run *r, int64_t now)
{
	int64_t	 t = INT32_MAX, d;

	if (r->exited)
		t = r->drain_until - now;
	else {
		if (r->term_at == 0)
			t = r->deadline - now;
		else if (!r->killed)
			t = r->term_at + r->o->grace_ms - now;
		if (r->pidfd == -1 && t > PROC_TICK_MS)
			t = PROC_TICK_MS;
		if ((r->o->cancel != NULL || r->o->cancel_cb != NULL) &&
		    r->term_at == 0 && t > PROC_CANCEL_MS)
			t = PROC_CANCEL_MS;
		if (r->killed && t > PROC_CANCEL_MS)
			t = PROC_CANCEL_MS;
	}
	d = t < 0 ? 0 : t > INT32_MAX ? INT32_MAX : t;
	return ((int)d);
}

static void
proc_loop(struct proc_run *r)
{
	struct pollfd	 pfd[4];
	int		 n, i_pid, i_in, i_out, i_err;
	int64_t		 now;

	for (;;) {
		now = util_mono_ms();
		if (!r->exited) {
			if (r->term_at == 0 && now >= r->deadline) {
				r->res->timed_out = true;
				proc_stop(r, now);
			} else if (r->term_at == 0 &&
			    proc_want_cancel(r->o)) {
				r->res->cancelled = true;
				proc_stop(r, now);
			}
			if (r->term_at != 0 && !r->killed &&
			    now >= r->term_at + r->o->grace_ms) {
				kill(-r->pid, SIGKILL);
				r->killed = true;
			}
		} else if (now >= r->drain_until ||
		    (r->out.fd == -1 && r->err.fd == -1))
			break;

		n = 0;
		i_pid = i_in = i_out = i_err = -1;
		if (r->pidfd != -1) {
			pfd[n].fd = r->pidfd;
			pfd[n].events = POLLIN;
			i_pid = n++;
		}
		if (r->in != -1) {
			pfd[n].fd = r->in;
			pfd[n].events = POLLOUT;
			i_in = n++;
		}
		if (r->out.fd != -1) {
			pfd[n].fd = r->out.fd;
			pfd[n].events = POLLIN;
			i_out = n++;
		}
		if (r->err.fd != -1) {
			pfd[n].fd = r->err.fd;
			pfd[n].events = POLLIN;
			i_err = n++;
		}
		if (poll(pfd, (nfds_t)n, proc_timeout(r, now)) == -1) {
			if (errno == EINTR)
				continue;
			/* Not expected; look at everything once more. */
			for (n--; n >= 0; n--)
				pfd[n].revents = POLLIN | POLLOUT;
		}
		if (i_in != -1 && pfd[i_in].revents != 0)
			proc_feed(r);
		if (i_out != -1 && pfd[i_out].revents != 0)
			proc_read(r, &r->out, true);
		if (i_err != -1 && pfd[i_err].revents != 0)
			proc_read(r, &r->err, false);
		if (!r->exited && (i_pid == -1 || pfd[i_pid].revents != 0))
			proc_check_exit(r, util_mono_ms());
	}
}

static int
proc_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
	int	 fd;

	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd != -1) {
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
		return (fd);
	}
#endif
	(void)pid;
	return (-1);
}

/* Wait for the exec (or its failure) with the deadline; 0 if it ran. */
static int
proc_wait_exec(int failfd, int64_t deadline, struct proc_fail *f)
{
	struct pollfd	 pfd;
	ssize_t		 n;
	int64_t		 left;

	for (;;) {
		left = deadline - util_mono_ms();
		if (left <= 0)
			return (0);	/* the deadline deals with it */
		pfd.fd = failfd;
		pfd.events = POLLIN;
		pfd.revents = 0;	/* poll() leaves it on EINTR */
		if (poll(&pfd, 1, (int)(left > 1000 ? 1000 : left)) == -1 &&
		    errno != EINTR)
			return (0);
		if (pfd.revents == 0)
			continue;
		n = read(failfd, f, sizeof *f);
		if (n == -1 && errno == EINTR)
			continue;
		return (n == (ssize_t)sizeof *f ? -1 : 0);
	}
}

static void
proc_nonblock(int fd)
{
	if (fd != -1)
		(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

int
proc_run(const struct proc_opts *oin, struct proc_result *res, char **cause)
{
	struct proc_opts	 o = *oin;
	struct proc_run		 r;
	struct proc_fail	 f;
	struct rlimit		 rl;
	sigset_t		 pipeset, oldmask, pend;
	char			**envp = NULL, *path = NULL;
	int			 pin[2] = { -1, -1 }, pout[2] = { -1, -1 };
	int			 perr[2] = { -1, -1 }, pfail[2] = { -1, -1 };
	int			 fds[3], rc = -1, maxfd, error, status;
	bool			 pipe_pending;
	const char		*what;

	memset(res, 0, sizeof *res);
	memset(&r, 0, sizeof r);
	if (o.argv == NULL || o.argv[0] == NULL || *o.argv[0] == '\0') {
		*cause = xstrdup("no program to run");
		return (-1);
	}
	if (o.deadline_ms <= 0)
		o.deadline_ms = PROC_DEADLINE_MS;
	if (o.grace_ms <= 0)
		o.grace_ms = PROC_GRACE_MS;
	if (o.out_max == 0)
		o.out_max = PROC_CAPTURE_MAX;
	if (o.err_max == 0)
		o.err_max = PROC_CAPTURE_MAX;

	envp = proc_env(&o);
	if ((path = proc_find(o.argv[0], envp)) == NULL) {
		*cause = xasprintf("%s: not found on PATH", o.argv[0]);
		goto out;
	}
	maxfd = PROC_FD_MAX;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < PROC_FD_MAX)
		maxfd = (int)rl.rlim_cur;

	what = "pipe";
	if (proc_pipe(pout) == -1 || proc_pipe(perr) == -1 ||
	    proc_pipe(pfail) == -1)
		goto syserr;
	if (o.use_in_fd) {
		what = "stdin";
		if ((pin[0] = fcntl(o.in_fd, F_DUPFD_CLOEXEC, 3)) == -1)
			goto syserr;
	} else if (o.in != NULL) {
		if (proc_pipe(pin) == -1)
			goto syserr;
	} else {
		what = "/dev/null";
		pin[0] = proc_fd_high(open("/dev/null", O_RDONLY | O_CLOEXEC));
		if (pin[0] == -1)
			goto syserr;
	}
	fds[0] = pin[0];
	fds[1] = pout[1];
	fds[2] = perr[1];

	/* A stdin the program closed must not kill us with SIGPIPE. */
	sigemptyset(&pipeset);
	sigaddset(&pipeset, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipeset, &oldmask);
	sigpending(&pend);
	pipe_pending = sigismember(&pend, SIGPIPE);

	r.o = &o;
	r.res = res;
	r.pidfd = -1;
	r.in = -1;
	r.out.fd = -1;
	r.err.fd = -1;
	r.start = util_mono_ms();
	r.deadline = r.start + o.deadline_ms;
	r.pid = fork();
	if (r.pid == -1) {
		error = errno;
		pthread_sigmask(SIG_SETMASK, &oldmask, NULL);
		errno = error;
		what = "fork";
		goto syserr;
	}
	if (r.pid == 0) {
		proc_child(path, (char *const *)o.argv, envp, o.dir, fds,
		    pfail[1], maxfd);
	}
	(void)setpgid(r.pid, r.pid);	/* the child does it too: no race */
	r.pidfd = proc_pidfd(r.pid);
	proc_close(&pin[0]);
	proc_close(&pout[1]);
	proc_close(&perr[1]);
	proc_close(&pfail[1]);
	r.in = pin[1];
	pin[1] = -1;
	r.out.fd = pout[0];
	r.out.max = o.out_max;
	pout[0] = -1;
	r.err.fd = perr[0];
	r.err.max = o.err_max;
	perr[0] = -1;
	proc_nonblock(r.in);
	proc_nonblock(r.out.fd);
	proc_nonblock(r.err.fd);
	if (o.in_len == 0)
		proc_close(&r.in);

	if (proc_wait_exec(pfail[0], r.deadline, &f) != 0) {
		while (waitpid(r.pid, &status, 0) == -1 && errno == EINTR)
			;
		proc_close(&r.pidfd);
		proc_close(&r.in);
		proc_close(&r.out.fd);
		proc_close(&r.err.fd);
		buf_free(&r.out.b);
		buf_free(&r.err.b);
		*cause = xasprintf("%s: %s: %s", o.argv[0],
		    f.step == PROC_STEP_CHDIR ? "cannot enter the working "
		    "directory" : f.step == PROC_STEP_DUP ? "cannot set up "
		    "its stdio" : "cannot run it", strerror(f.error));
		goto unmask;
	}
	proc_close(&pfail[0]);

	proc_loop(&r);
	proc_close(&r.pidfd);
	proc_close(&r.in);
	proc_close(&r.out.fd);
	proc_close(&r.err.fd);
	if (!r.exited) {	/* not reached: the loop ends after the exit */
		kill(-r.pid, SIGKILL);
		while (waitpid(r.pid, &r.status, 0) == -1 && errno == EINTR)
			;
	}

	res->ms = util_mono_ms() - r.start;
	if (WIFEXITED(r.status)) {
		res->exit_code = WEXITSTATUS(r.status);
	} else if (WIFSIGNALED(r.status)) {
		res->exit_code = -1;
		res->signo = WTERMSIG(r.status);
		res->core = WCOREDUMP(r.status);
	}
	res->why = proc_explain(r.status, res->timed_out ? o.deadline_ms : 0,
	    res->cancelled);
	buf_addc(&r.out.b, '\0');
	r.out.b.len--;
	res->out_len = r.out.b.len;
	res->out = buf_steal(&r.out.b);
	res->out_truncated = r.out.truncated;
	buf_addc(&r.err.b, '\0');
	r.err.b.len--;
	res->err_len = r.err.b.len;
	res->err = buf_steal(&r.err.b);
	res->err_truncated = r.err.truncated;
	if (r.write_error != 0) {
		*cause = xasprintf("%s: writing its output: %s", o.argv[0],
		    strerror(r.write_error));
		proc_result_clear(res);
		goto unmask;
	}
	rc = 0;

unmask:
	if (!pipe_pending) {
		sigpending(&pend);
		if (sigismember(&pend, SIGPIPE)) {
			struct timespec zero = { 0, 0 };

			(void)sigtimedwait(&pipeset, NULL, &zero);
		}
	}
	pthread_sigmask(SIG_SETMASK, &oldmask, NULL);
	goto out;

syserr:
	*cause = xasprintf("%s: %s: %s", o.argv[0], what, strerror(errno));
out:
	proc_close(&pin[0]);
	proc_close(&pin[1]);
	proc_close(&pout[0]);
	proc_close(&pout[1]);
	proc_close(&perr[0]);
	proc_close(&perr[1]);
	proc_close(&pfail[0]);
	proc_close(&pfail[1]);
	free(path);
	free(envp);
	return (rc);
}
