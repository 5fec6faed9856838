/*
 * proc.h: run an outside program (pg_dump, pg_restore, ssh-keygen ...),
 * blocking, for worker threads, tasks and commands (never the loop
 * thread).
 *
 * No shell: argv is executed as it is (argv[0] is looked up on the PATH
 * of the child's environment when it has no '/').  The child gets only
 * fds 0, 1 and 2 (everything else is closed, close-on-exec or not),
 * default signal dispositions and an empty signal mask, and its own
 * process group: a deadline or a cancel sends SIGTERM to the whole
 * group, then SIGKILL after a grace, and when the program itself exits
 * anything it left running in its group is killed too.  The child is
 * always reaped (no zombie), and no SIGCHLD handler is used.
 *
 * stdout and stderr are captured up to a cap each (the rest is read and
 * dropped, *_truncated set); stdout may go to a file instead, with a
 * progress callback counting its bytes.
 */
#ifndef BBBCTL_PROC_H
#define BBBCTL_PROC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROC_DEADLINE_MS	60000		/* default for the whole run */
#define PROC_GRACE_MS		2000		/* SIGTERM -> SIGKILL */
#define PROC_CAPTURE_MAX	(1024 * 1024)	/* default cap per stream */

typedef void	(*proc_progress_cb)(uint64_t out_bytes, void *arg);
typedef bool	(*proc_cancel_cb)(void *arg);

/* Everything is borrowed for the call; zero is the default for each. */
struct proc_opts {
	const char *const *argv;	/* NULL-terminated, argv[0] set */
	const char *const *env;		/* whole environment; NULL: ours */
	const char *const *env_add;	/* "NAME=value" set over env */
	const char	*dir;		/* working directory */

	const void	*in;		/* stdin: these bytes, */
	size_t		 in_len;
	int		 in_fd;		/* or this fd (a file), */
	bool		 use_in_fd;	/* or neither: /dev/null */

	int		 out_fd;	/* stdout written here (a file) */
	bool		 use_out_fd;	/* instead of captured */
	size_t		 out_max;	/* caps; 0: PROC_CAPTURE_MAX */
	size_t		 err_max;

	int64_t		 deadline_ms;	/* 0: PROC_DEADLINE_MS */
	int64_t		 grace_ms;	/* 0: PROC_GRACE_MS */

	const atomic_bool *cancel;	/* set: stop the child */
	proc_cancel_cb	 cancel_cb;	/* true: stop the child */
	void		*cancel_arg;

	proc_progress_cb progress;	/* stdout bytes so far */
	void		*progress_arg;
};

struct proc_result {
	char		*out;		/* NUL-terminated; "" with out_fd */
	size_t		 out_len;
	bool		 out_truncated;
	char		*err;
	size_t		 err_len;
	bool		 err_truncated;
	uint64_t	 out_bytes;	/* all stdout, also past the cap */

	int		 exit_code;	/* -1 when killed by a signal */
	int		 signo;		/* the signal, or 0 */
	bool		 core;
	bool		 timed_out;	/* stopped at the deadline */
	bool		 cancelled;	/* stopped by the cancel flag */
	int64_t		 ms;		/* how long it ran */
	char		*why;		/* "exited 2", "killed by SIGKILL after
					   the 30 s deadline" ... */
};

/*
 * Run it.  0 when the program ran and was reaped, whatever its end (see
 * res->exit_code and res->why; proc_ok() for "exited 0"); -1 with *cause
 * when it could not be started (not found, not executable, no pipe) or
 * its output could not be written to out_fd.  res is filled on 0; clear
 * it with proc_result_clear().  Environment values never appear in a
 * cause.
 */
int		 proc_run(const struct proc_opts *, struct proc_result *,
		     char **cause);
void		 proc_result_clear(struct proc_result *);
bool		 proc_ok(const struct proc_result *);

/*
 * A wait status explained: "exited 2", "killed by SIGSEGV (core
 * dumped)"; with a deadline (ms > 0) "killed by SIGKILL after the 30 s
 * deadline", with cancelled "killed by SIGTERM (cancelled)".  Allocated.
 */
char		*proc_explain(int status, int64_t deadline_ms, bool cancelled);

#endif
