/* test-proc.c: proc.c, alone and on a task's thread */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loop.h"
#include "proc.h"
#include "task.h"
#include "util.h"

static char	 tmpdir[256];

static int
run_sh(const char *script, struct proc_opts *o, struct proc_result *res,
    char **cause)
{
	const char	*argv[] = { "/bin/sh", "-c", script, NULL };

	o->argv = argv;
	return (proc_run(o, res, cause));
}

/* No child of ours is left unreaped. */
static void
assert_no_zombie(void)
{
	int	 st;

	assert_int_equal(waitpid(-1, &st, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* The pid is gone (or a zombie of someone else's, i.e. dead). */
static bool
pid_dead(pid_t pid)
{
	char	 path[64], buf[512], *p;
	FILE	*f;
	size_t	 n;

	if (kill(pid, 0) == -1 && errno == ESRCH)
		return (true);
	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return (true);
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return (p != NULL && (p[2] == 'Z' || p[2] == 'X'));
}

static bool
wait_dead(pid_t pid)
{
	int	 i;

	for (i = 0; i < 200; i++) {
		if (pid_dead(pid))
			return (true);
		usleep(10 * 1000);
	}
	return (false);
}

static void
test_exit_codes(void **state)
{
	struct proc_opts	 o;
	struct proc_result	 res;
	char			*cause = NULL;
	const char		*t[] = { "true", NULL };

	(void)state;
	memset(&o, 0, sizeof o);
	assert_int_equal(run_sh("echo out; echo err >&2; exit 3", &o, &res,
	    &cause), 0);
	assert_int_equal(res.exit_code, 3);
	assert_int_equal(res.signo, 0);
	assert_false(proc_ok(&res));
	assert_string_equal(res.why, "exited 3");
	assert_string_equal(res.out, "out\n");
	assert_int_equal(res.out_len, 4);
	assert_string_equal(res.err, "err\n");
	assert_false(res.out_truncated);
	assert_false(res.timed_out);
	proc_result_clear(&res);

	/* Looked up on PATH, no shell. */
	memset(&o, 0, sizeof o);
	o.argv = t;
	assert_int_equal(proc_run(&o, &res, &cause), 0);
	assert_true(proc_ok(&res));
	assert_string_equal(res.why, "exited 0");
	assert_string_equal(res.out, "");
	proc_result_clear(&res);

	/* Arguments are not split or expanded by anything. */
	{
		const char *a[] = { "printf", "%s|", "a b", "$HOME", "*",
		    NULL };

		o.argv = a;
		assert_int_equal(proc_run(&o, &res, &cause), 0);
		assert_string_equal(res.out, "a b|$HOME|*|");
		proc_result_clear(&res);
	}
	assert_no_zombie();
}

static void
test_signal(void **state)
{
	struct proc_opts	 o;
	struct proc_result	 res;
	char			*cause = NULL;

	(void)state;
	memset(&o, 0, sizeof o);
	assert_int_equal(run_sh("kill -USR1 $$; sleep 5", &o, &res,
	    &cause), 0);
	assert_int_equal(res.exit_code, -1);
	assert_int_equal(res.signo, SIGUSR1);
	assert_string_equal(res.why, "killed by SIGUSR1");
	assert_false(proc_ok(&res));
	proc_result_clear(&res);

	/* bbbctl ignores SIGPIPE; the child gets the default again. */
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(run_sh("kill -PIPE $$; sleep 5", &o, &res, &cause),
	    0);
	signal(SIGPIPE, SIG_DFL);
	assert_int_equal(res.signo, SIGPIPE);
	proc_result_clear(&res);
	assert_no_zombie();
}

/* Signals caught on the running thread (EINTR everywhere) change nothing. */
struct pester {
	pthread_t	 target;
	atomic_bool	 stop;
	atomic_int	 sent;
};

static void
pester_handler(int signo)
{
	(void)signo;
}

static void *
pester(void *arg)
{
	struct pester	*p = arg;

	while (!atomic_load(&p->stop)) {
		pthread_kill(p->target, SIGUSR2);
		atomic_fetch_add(&p->sent, 1);
		usleep(2000);
	}
	return (NULL);
}

static void
test_eintr(void **state)
{
	struct proc_opts	 o;
	struct proc_result	 res;
	struct sigaction	 sa, old;
	struct pester		 p;
	pthread_t		 th;
	char			*cause = NULL, *in;
	size_t			 n = 512 * 1024;

	(void)state;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = pester_handler;	/* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGUSR2, &sa, &old), 0);
	memset(&p, 0, sizeof p);
	p.target = pthread_self();
	atomic_init(&p.stop, false);
	atomic_init(&p.sent, 0);
	assert_int_equal(pthread_create(&th, NULL, pester, &p), 0);

	in = xmalloc(n);
	memset(in, 'q', n);
	memset(&o, 0, sizeof o);
	o.in = in;
	o.in_len = n;
	assert_int_equal(run_sh("sleep 0.3; cat; echo end >&2", &o, &res,
	    &cause), 0);
	atomic_store(&p.stop, true);
	pthread_join(th, NULL);
	sigaction(SIGUSR2, &old, NULL);
	assert_true(atomic_load(&p.sent) > 10);
	assert_true(proc_ok(&res));
	assert_int_equal(res.out_len, n);
	assert_memory_equal(res.out, in, n);
	assert_string_equal(res.err, "end\n");
	proc_result_clear(&res);
	free(in);
	assert_no_zombie();
}

static void
test_explain(void **state)
{
	char	*s;

	(void)state;
	s = proc_explain(2 << 8, 0, false);
	assert_string_equal(s, "exited 2");
	free(s);
	s = proc_explain(SIGKILL, 30000, false);
	assert_string_equal(s, "killed by SIGKILL after the 30 s deadline");
	free(s);
	s = proc_explain(SIGTERM, 1500, false);
	assert_string_equal(s, "killed by SIGTERM after the 1.5 s deadline");
	free(s);
	s = proc_explain(SIGTERM, 0, true);
	assert_string_equal(s, "killed by SIGTERM (cancelled)");
	free(s);
	s = proc_explain(1 << 8, 250, false);
	assert_string_equal(s, "exited 1 after SIGTERM at the 250 ms deadline");
	free(s);
	s = proc_explain(SIGSEGV | 0x80, 0, false);
	assert_string_equal(s, "killed by SIGSEGV (core dumped)");
	free(s);
	s = proc_explain(64, 0, false);
	assert_string_equal(s, "killed by signal 64");
	free(s);
}

/*
 * The deadline kills the whole group: the shell and the sleep it
 * started in the background (a grandchild of ours).
 */
static void
test_deadline_group(void **state)
{
	struct proc_opts	 o;
	struct proc_result	 res;
	char			*cause = NULL;
	long			 gc;

	(void)state;
	memset(&o, 0, sizeof o);
	o.deadline_ms = 300;
	o.grace_ms = 300;
	assert_int_equal(run_sh("sleep 300 & echo $!; wait", &o, &res,
	    &cause), 0);
	assert_true(res.timed_out);
	assert_int_equal(res.signo, SIGTERM);
	assert_string_equal(res.why, "killed by SIGTERM after the 300 ms "
	    "deadline");
	assert_true(res.ms >= 300 && res.ms < 10000);
	gc = strtol(res.out, NULL, 10);
	assert_true(gc > 1);
	assert_true(wait_dead((pid_t)gc));
	proc_result_clear(&res);

	/* SIGTERM ignored by all of them: SIGKILL after the grace. */
	o.deadline_ms = 200;
	o.grace_ms = 200;
	assert_int_equal(run_sh("trap '' TERM; sleep 300 & echo $!; wait",
	    &o, &res, &cause), 0);
	assert_true(res.timed_out);
	assert_int_equal(res.signo, SIGKILL);
	assert_string_equal(res.why, "killed by SIGKILL after the 200 ms "
	    "deadline");
	assert_true(res.ms >= 400 && res.ms < 10000);
	gc = strtol(res.out, NULL, 10);
	assert_true(wait_dead((pid_t)gc));
	proc_result_clear(&res);

	/* A program that exits leaves nothing running behind it. */
	o.deadline_ms = 10000;
	assert_int_equal(run_sh("sleep 300 >/dev/null 2>&1 & echo $!", &o,
	    &res, &cause), 0);
	assert_true(proc_ok(&res));
	assert_true(res.ms < 10000);
	gc = strtol(res.out, NULL, 10);
	assert_true(wait_dead((pid_t)gc));
	proc_result_clear(&res);
	assert_no_zombie();
}

static void
test_caps(void **state)
{
	struct proc_opts	 o;
	struct proc_result	 res;
	char			*cause = NULL;
	size_t			 i;

	(void)state;
	memset(&o, 0, sizeof o);
	o.out_max = 1000;
	o.err_max = 10;
	assert_int_equal(run_sh("head -c 300000 /dev/zero | tr '\\0' a; "
	    "echo 0123456789abcdef >&2", &o, &res, &cause), 0);
	assert_true(proc_ok(&res));
	assert_int_equal(res.out_len, 1000);
	assert_true(res.out_truncated);
	assert_int_equal(res.out_bytes, 300000);
	for (i = 0; i < res.out_len; i++)
		assert_int_equal(res.out[i], 'a');
	assert_int_equal(res.out[1000], '\0');
	assert_int_equal(res.err_len, 10);
	assert_true(res.err_truncated);
	assert_string_equal(res.err, "0123456789");
	proc_result_clear(&res);

	/* Exactly at the cap is not truncated. */
	o.out_max = 5;
	assert_int_equal(run_sh("printf 12345", &o, &res, &cause), 0);
	assert_string_equal(res.out, "12345");
	assert_false(res.out_truncated);
	proc_result_clear(&res);
}

static void
test_stdin(void **state)
{
	struct proc_opts	 o;
	struct proc_result	 res;
	char			*cause = NULL, *in, path[300];
	const char		*cat[] = { "cat", NULL };
	const char		*wc[] = { "wc", "-c", NULL };
	size_t			 i, n = 2 * 1024 * 1024;
	int			 fd;

	(void)state;
	/* Far more than a pipe holds, both ways at once. */
	in = xmalloc(n);
	for (i = 0; i < n; i++)
		in[i] = (char)('a' + i % 26);
	memset(&o, 0, sizeof o);
	o.argv = cat;
	o.in = in;
	o.in_len = n;
	o.out_max = n;
	assert_int_equal(proc_run(&o, &res, &cause), 0);
	assert_true(proc_ok(&res));
	assert_int_equal(res.out_len, n);
	assert_memory_equal(res.out, in, n);
	proc_result_clear(&res);

	/* A program that does not read its stdin does not hang us. */
	o.argv = NULL;
	o.deadline_ms = 5000;
	assert_int_equal(run_sh("exec 0<&-; echo closed", &o, &res, &cause),
	    0);
	assert_string_equal(res.out, "closed\n");
	assert_false(res.timed_out);
	proc_result_clear(&res);

	/* stdin from a file. */
	snprintf(path, sizeof path, "%s/in", tmpdir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd != -1);
	assert_int_equal(write(fd, in, 12345), 12345);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	memset(&o, 0, sizeof o);
	o.argv = wc;
	o.use_in_fd = true;
	o.in_fd = fd;
	assert_int_equal(proc_run(&o, &res, &cause), 0);
	assert_int_equal(strtol(res.out, NULL, 10), 12345);
	proc_result_clear(&res);
	close(fd);
	unlink(path);

	/* No stdin at all: /dev/null, EOF at once. */
	memset(&o, 0, sizeof o);
	o.argv = wc;
	assert_int_equal(proc_run(&o, &res, &cause), 0);
	assert_int_equal(strtol(res.out, NULL, 10), 0);
	proc_result_clear(&res);
	free(in);
}

static void
test_env(void **state)
{
	struct proc_opts	 o;
	struct proc_result	 res;
	char			*cause = NULL;
	const char		*env[] = { "PATH=/usr/bin:/bin", "A=1",
	    "B=2", NULL };
	const char		*add[] = { "B=two", "C=3", "A", NULL };

	(void)state;
	setenv("BBBCTL_TEST_OURS", "ours", 1);
	memset(&o, 0, sizeof o);
	assert_int_equal(run_sh("echo \"$BBBCTL_TEST_OURS\"", &o, &res,
	    &cause), 0);
	assert_string_equal(res.out, "ours\n");
	proc_result_clear(&res);

	o.env = env;
	assert_int_equal(run_sh("echo \"$A-$B-${BBBCTL_TEST_OURS:-none}\"",
	    &o, &res, &cause), 0);
	assert_string_equal(res.out, "1-2-none\n");
	proc_result_clear(&res);

	o.env_add = add;
	assert_int_equal(run_sh("echo \"${A:-unset}-$B-$C\"", &o, &res,
	    &cause), 0);
	assert_string_equal(res.out, "unset-two-3\n");
	proc_result_clear(&res);

	/* Over our own environment. */
	o.env = NULL;
	assert_int_equal(run_sh("echo \"$BBBCTL_TEST_OURS-$B\"", &o, &res,
	    &cause), 0);
	assert_string_equal(res.out, "ours-two\n");
	proc_result_clear(&res);
	unsetenv("BBBCTL_TEST_OURS");
}

/* Only 0, 1 and 2 reach the program, close-on-exec or not. */
static void
test_no_fd_leak(void **state)
{
	struct proc_opts	 o;
	struct proc_result	 res;
	char			*cause = NULL, *line, *save = NULL;
	int			 fd, leak, n = 0;
	long			 v;

	(void)state;
	/* Two high fds, one inheritable, one close-on-exec. */
	fd = open("/dev/null", O_RDONLY);
	assert_true(fd != -1);
	leak = fcntl(fd, F_DUPFD, 57);
	assert_int_equal(leak, 57);
	close(fd);
	fd = fcntl(leak, F_DUPFD_CLOEXEC, 58);
	assert_int_equal(fd, 58);
	memset(&o, 0, sizeof o);
	/* ls is the only process that looks, and it opens one fd. */
	assert_int_equal(run_sh("exec ls -1 /proc/self/fd", &o, &res, &cause),
	    0);
	assert_true(proc_ok(&res));
	for (line = strtok_r(res.out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		v = strtol(line, NULL, 10);
		assert_true(v != 57 && v != 58);
		assert_true(v <= 3);
		n++;
	}
	assert_true(n >= 3 && n <= 4);
	proc_result_clear(&res);
	close(leak);
	close(fd);
}

static void *
cancel_later(void *arg)
{
	usleep(150 * 1000);
	atomic_store((atomic_bool *)arg, true);
	return (NULL);
}

static bool
cb_cancel(void *arg)
{
	return (util_mono_ms() >= *(int64_t *)arg);
}

static void
test_cancel(void **state)
{
	struct proc_opts	 o;
	struct proc_result	 res;
	char			*cause = NULL;
	atomic_bool		 flag;
	pthread_t		 th;
	int64_t			 when;

	(void)state;
	atomic_init(&flag, false);
	memset(&o, 0, sizeof o);
	o.cancel = &flag;
	assert_int_equal(pthread_create(&th, NULL, cancel_later, &flag), 0);
	assert_int_equal(run_sh("sleep 30", &o, &res, &cause), 0);
	pthread_join(th, NULL);
	assert_true(res.cancelled);
	assert_false(res.timed_out);
	assert_int_equal(res.signo, SIGTERM);
	assert_string_equal(res.why, "killed by SIGTERM (cancelled)");
	assert_true(res.ms >= 100 && res.ms < 10000);
	proc_result_clear(&res);

	memset(&o, 0, sizeof o);
	when = util_mono_ms() + 100;
	o.cancel_cb = cb_cancel;
	o.cancel_arg = &when;
	assert_int_equal(run_sh("sleep 30", &o, &res, &cause), 0);
	assert_true(res.cancelled);
	assert_true(res.ms < 10000);
	proc_result_clear(&res);
	assert_no_zombie();
}

static void
test_not_run(void **state)
{
	struct proc_opts	 o;
	struct proc_result	 res;
	char			*cause = NULL, path[300];
	const char		*missing[] = { "bbbctl-no-such-program", NULL };
	const char		*noexec[] = { path, NULL };
	const char		*t[] = { "true", NULL };
	int			 fd;

	(void)state;
	memset(&o, 0, sizeof o);
	o.argv = missing;
	assert_int_equal(proc_run(&o, &res, &cause), -1);
	assert_string_equal(cause, "bbbctl-no-such-program: not found on PATH");
	free(cause);
	cause = NULL;

	snprintf(path, sizeof path, "%s/noexec", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd != -1);
	assert_int_equal(write(fd, "#!/bin/sh\n", 10), 10);
	close(fd);
	o.argv = noexec;
	assert_int_equal(proc_run(&o, &res, &cause), -1);
	assert_non_null(strstr(cause, "cannot run it: Permission denied"));
	free(cause);
	cause = NULL;
	unlink(path);

	o.argv = t;
	o.dir = "/nonexistent/bbbctl";
	assert_int_equal(proc_run(&o, &res, &cause), -1);
	assert_non_null(strstr(cause, "working directory"));
	free(cause);
	cause = NULL;

	o.argv = NULL;
	assert_int_equal(proc_run(&o, &res, &cause), -1);
	free(cause);
	assert_no_zombie();
}

struct progress {
	uint64_t	 last;
	int		 calls;
	bool		 monotonic;
};

static void
progress_cb(uint64_t bytes, void *arg)
{
	struct progress	*p = arg;

	if (bytes < p->last)
		p->monotonic = false;
	p->last = bytes;
	p->calls++;
}

static void
test_out_fd(void **state)
{
	struct proc_opts	 o;
	struct proc_result	 res;
	struct progress		 p = { 0, 0, true };
	struct stat		 sb;
	char			*cause = NULL, path[300];
	int			 fd;

	(void)state;
	snprintf(path, sizeof path, "%s/out", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd != -1);
	memset(&o, 0, sizeof o);
	o.use_out_fd = true;
	o.out_fd = fd;
	o.out_max = 10;		/* the cap is for captures only */
	o.progress = progress_cb;
	o.progress_arg = &p;
	assert_int_equal(run_sh("head -c 700000 /dev/zero", &o, &res, &cause),
	    0);
	close(fd);
	assert_true(proc_ok(&res));
	assert_string_equal(res.out, "");
	assert_false(res.out_truncated);
	assert_int_equal(res.out_bytes, 700000);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, 700000);
	assert_true(p.calls >= 2);
	assert_true(p.monotonic);
	assert_int_equal(p.last, 700000);
	proc_result_clear(&res);

	/* An output that cannot be written is an error, and stops it. */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	o.out_fd = fd;
	o.progress = NULL;
	assert_int_equal(run_sh("head -c 100000 /dev/zero; sleep 30", &o,
	    &res, &cause), -1);
	assert_non_null(strstr(cause, "writing its output"));
	free(cause);
	close(fd);
	unlink(path);
	assert_no_zombie();
}

/* On a task's thread (all signals blocked), cancelled from the loop. */
struct ptask {
	struct proc_result	 res;
	int			 rc;
	char			*cause;
	atomic_int		 done;
	enum task_end		 end;
};

static void
ptask_run(struct task *t, void *arg)
{
	struct ptask		*p = arg;
	struct proc_opts	 o;
	const char		*argv[] = { "sleep", "30", NULL };

	memset(&o, 0, sizeof o);
	o.argv = argv;
	o.cancel = task_cancel_flag(t);
	p->rc = proc_run(&o, &p->res, &p->cause);
}

static void
ptask_done(uint32_t id, enum task_end end, void *arg)
{
	struct ptask	*p = arg;

	(void)id;
	p->end = end;
	atomic_store(&p->done, 1);
}

static void
test_on_task(void **state)
{
	struct loop	*loop;
	struct tasks	*ts;
	struct ptask	 p;
	char		*cause = NULL;
	uint32_t	 id;
	int64_t		 end;

	(void)state;
	memset(&p, 0, sizeof p);
	loop = loop_new();
	ts = tasks_new(loop);
	id = task_start(ts, ptask_run, ptask_done, &p, &cause);
	assert_int_not_equal(id, 0);
	usleep(200 * 1000);
	assert_true(task_cancel(ts, id));
	end = util_mono_ms() + 5000;
	while (atomic_load(&p.done) == 0 && util_mono_ms() < end)
		assert_int_equal(loop_run_once(loop, 50), 0);
	assert_int_equal(atomic_load(&p.done), 1);
	assert_int_equal(p.end, TASK_CANCELLED);
	assert_int_equal(p.rc, 0);
	assert_true(p.res.cancelled);
	assert_string_equal(p.res.why, "killed by SIGTERM (cancelled)");
	proc_result_clear(&p.res);
	tasks_free(ts, 1000);
	loop_free(loop);
	assert_no_zombie();
}

static int
setup(void **state)
{
	const char	*t = getenv("TMPDIR");

	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "%s/test-proc.XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp");
	return (mkdtemp(tmpdir) == NULL ? -1 : 0);
}

static int
teardown(void **state)
{
	(void)state;
	return (rmdir(tmpdir));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_signal),
		cmocka_unit_test(test_explain),
		cmocka_unit_test(test_eintr),
		cmocka_unit_test(test_deadline_group),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_stdin),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_no_fd_leak),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_not_run),
		cmocka_unit_test(test_out_fd),
		cmocka_unit_test(test_on_task),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
