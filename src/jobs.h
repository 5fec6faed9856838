/*
 * jobs.h: the job framework.  Every mutating action is a job:
 *
 *	plan -> confirm -> run (worker thread) -> progress -> result
 *
 * An action (src/action/<verb>.c) is a row of the action registry
 * (action/registry.h): its verb ("server cordon"), target, options,
 * help, risk (what confirmation it needs), key, whether it can be
 * cancelled, a plan function and a run function.
 *
 * plan() runs on the main thread.  It checks the arguments and fills a
 * struct job_plan: the exact steps and API calls the job will make, in
 * words, secrets masked.  The plan is what --dry-run prints, what the
 * confirm dialog shows and what the audit record keeps.  It may read
 * the fleet model (ctx->fleet, NULL on the command line) and never does
 * I/O: what it must look up first (is each host reachable now?) is the
 * row's survey() (registry.h), made before it off the loop thread and
 * handed over as ctx->survey.  A plan with a refusal is shown, never
 * started (--dry-run says the job would refuse and exits non-zero).
 *
 * run() runs on a worker thread of its own, with its own blocking
 * handles (http_perform(), PGconn, LIBSSH2_SESSION).  It reports through
 * job_step()/job_progress()/job_result() only; those go into the job
 * queue, and the main thread applies them to fleet->jobs
 * (fleet_apply_job()) when the loop wakes.  A worker never touches the
 * model, the screen or the loop.  It checks job_cancelled() (or sleeps
 * with job_sleep()) between steps when its action is cancellable, and
 * calls job_lock_check() right before every mutating step: a job whose
 * cluster lock is lost stops there and its outcome is "lock lost: ...".
 *
 * Around run(), the worker writes the audit records (audit.h: planned,
 * confirmed, started, then done, failed or cancelled) and holds the cluster lock (lock.h) while the job
 * mutates; a job waiting for the lock is FLEET_JOB_WAITING.
 *
 * Ownership: struct jobs is the caller's (jobs_new/jobs_free); it
 * borrows the loop, the fleet and the config for its whole life.
 * jobs_free() cancels every running job and joins its worker.
 */
#ifndef BBBCTL_JOBS_H
#define BBBCTL_JOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "action/registry.h"
#include "fleet.h"

struct config;
struct loop;
struct jobs;
struct job;

/*
 * What an action is asked to do; strings borrowed for the call.  priv:
 * the action's own arguments (registry.h: action_args_new(), its
 * options parsed into it), NULL for its defaults; jobs_start() takes it.
 */
struct job_args {
	const char	*target;	/* NODE, STACK ...; "" for none */
	int64_t		 lock_wait_ms;	/* wait for the lock; 0 = give up */
	int64_t		 timeout_ms;	/* the run's own limit; 0 = default */
	void		*priv;
};

struct job_plan {
	char		*title;		/* "server cordon bbb-03" */
	char		**steps;	/* one line each, secrets masked */
	size_t		 nsteps;
	enum job_risk	 risk;		/* the action's, or raised */
	char		*confirm;	/* what to type when destructive */
	char		*warning;	/* shown first (a system failing), or
					   NULL */
	char		*refusal;	/* the job would refuse to start (an
					   unreachable host ...): shown last;
					   nothing may be started.  NULL */
	int64_t		 made_ms;	/* wall ms it was made */
};

/* What plan() may look at (main thread). */
struct job_ctx {
	const struct config *cfg;
	const struct fleet *fleet;	/* NULL on the command line */
	const void	*survey;	/* the row's survey() result, or
					   NULL (no survey, or not made) */
};

/* --- plans --------------------------------------------------------------- */
struct job_plan	*job_plan_new(const char *title);
void		 job_plan_free(struct job_plan *);
void		 job_plan_add(struct job_plan *, const char *, ...)
		     __attribute__((format(printf, 2, 3)));
/* The plan as text: the title, then "  1. step" lines.  Allocated. */
char		*job_plan_text(const struct job_plan *);
/*
 * Run the action's plan().  0 with *planp set, or -1 with *cause (bad
 * target, source not configured ...).
 */
int		 jobs_plan(const struct action *, const struct job_ctx *,
		     const struct job_args *, struct job_plan **, char **);

/* --- the framework (main thread) ----------------------------------------- */
struct jobs_opts {
	const char	*operator;	/* "alice@10.0.0.5"; NULL: derived */
	bool		 no_audit;	/* tests of the framework alone */
	bool		 no_lock;
};

/* Called on the main thread after every change of a job in the model. */
typedef void (*jobs_change_cb)(const struct fleet_job *, void *);

struct jobs	*jobs_new(struct loop *, struct fleet *, const struct config *,
		     const struct jobs_opts *);
void		 jobs_free(struct jobs *);
void		 jobs_on_change(struct jobs *, jobs_change_cb, void *);

/*
 * Start a confirmed job: takes the plan and args->priv, copies the rest
 * of args; its worker starts at once.  Returns the job's id (unique in
 * the process, never 0).
 */
uint32_t	 jobs_start(struct jobs *, const struct action *,
		     const struct job_args *, struct job_plan *taken);
/* Ask a running job to stop; -1 with *cause when it cannot. */
int		 jobs_cancel(struct jobs *, uint32_t, char **);
/* Jobs whose workers still run. */
size_t		 jobs_running(const struct jobs *);
/*
 * The terminal is gone (SIGHUP, SIGTERM): cancel every running job that
 * has not passed its point of no return (job_no_return()); the others
 * go on to finish.  Returns how many are left to finish.
 */
size_t		 jobs_hangup(struct jobs *);
/* Cancel every running job (where it can be cancelled). */
void		 jobs_cancel_all(struct jobs *);
/* Operator of this process: "$USER@<SSH_CLIENT origin or host>". */
char		*jobs_operator(void);

/* --- the worker's side (worker thread only) ------------------------------ */
const struct config *job_config(struct job *);
const struct job_args *job_args(struct job *);
const struct action *job_action(struct job *);
uint32_t	 job_id(struct job *);
/* A new step: its text (no secret) and progress back to unknown. */
void		 job_step(struct job *, const char *, ...)
		     __attribute__((format(printf, 2, 3)));
void		 job_progress(struct job *, int percent);
/* A new step with its progress, in one update (one line on the CLI). */
void		 job_step_progress(struct job *, int percent, const char *,
		     ...) __attribute__((format(printf, 3, 4)));
/*
 * A new line of one part of the job ("bbb-07"), for jobs whose parts
 * run side by side on their own threads (serialised by the caller):
 * the job's step becomes "<part> <line>" with its percent, as
 * job_step_progress(), and the model keeps each part's last line and
 * percent (struct fleet_job, parts) for the jobs view.
 */
void		 job_step_part(struct job *, const char *part, int percent,
		     const char *, ...) __attribute__((format(printf, 4, 5)));
/* The result line of a job that succeeds. */
void		 job_result(struct job *, const char *, ...)
		     __attribute__((format(printf, 2, 3)));
/* The job must stop: it is cancelled, or its cluster lock is lost. */
bool		 job_cancelled(struct job *);
/* Sleep up to ms; false (at once) when the job must stop (as above). */
bool		 job_sleep(struct job *, int64_t ms);
/*
 * A follow phase (polling until a state is reached) retries a transient
 * failure of its poll (http_response_transient()) instead of ending the
 * job on one 500.  After a failure, job_retry() says the step ("<cause>;
 * retrying in Ns"), sleeps the back-off (1 s, doubling to 30 s) and
 * returns true to try again; false to give up: the next try would come
 * more than JOB_RETRY_FOR_MS after the first failure, or after the
 * phase's deadline `end` (mono ms), or (cancellable) the job must stop.
 * A persistent failure thus ends the job within about 30 s; a not
 * cancellable phase sleeps through a cancel.  job_retry_ok() after a
 * good poll.
 */
#define JOB_RETRY_FOR_MS	(45 * 1000)
struct job_retry {
	int64_t		 first;		/* mono ms of the first failure, 0 */
	int64_t		 backoff;
	unsigned	 n;
};
bool		 job_retry(struct job *, struct job_retry *, int64_t end,
		     bool cancellable, const char *cause);
void		 job_retry_ok(struct job_retry *);
/*
 * Before every mutating step: check with consul that the job still
 * holds the cluster lock (lock_check()).  0: go on (also when the job
 * holds no lock).  -1 with *cause "lock lost: <why>" when it is lost:
 * the job must not make that step nor any other change (a rollback is
 * a change too), and should return that cause with what state it
 * leaves.  The lock's renewal thread also finds a lost session, within
 * TTL/2; then job_cancelled() is true and job_sleep() wakes.
 */
int		 job_lock_check(struct job *, char **);
/*
 * An audit record "resource" at once (any worker thread), its result
 * the text: a resource the job made or removed, by its id, so that it is
 * in the trail even when the process dies before the job's outcome.
 */
void		 job_audit_resource(struct job *, const char *, ...)
		     __attribute__((format(printf, 2, 3)));
/* The cluster lock is lost (see job_lock_check()). */
bool		 job_lock_lost(struct job *);
/*
 * From now on a cancel comes too late to be obeyed (a redeploy whose
 * upgrade is being finished): the job goes on, and should it fail, its
 * outcome is "failed", not "cancelled".  Unless the job must stop
 * already (as job_cancelled(), in the same breath): then it returns
 * true and marks nothing.
 */
bool		 job_cancel_too_late(struct job *);
/*
 * The job has passed its point of no return: undoing it now would do
 * more harm than finishing it (a redeploy whose BBB service has already
 * restarted and ended its meetings: a rollback restarts it again).  An
 * operator's cancel is still obeyed; a hang-up (jobs_hangup()) no longer
 * cancels the job: it finishes.
 */
void		 job_no_return(struct job *);

#endif
