/*
 * task.h: background work that is not a job.
 *
 * A task runs one blocking function on a thread of its own (all signals
 * blocked, so the loop keeps them) and delivers its end on the loop
 * thread: reads such as the audit listing, connection tests, backup
 * listing and verification.  It never touches the model or the screen;
 * its run callback fills its arg, and the done callback, on the loop,
 * takes the result from there.
 *
 * Ownership: arg belongs to the task from task_start() until its done
 * callback, which is called exactly once for every task started:
 *   TASK_DONE		on the loop thread, the run callback returned;
 *   TASK_CANCELLED	the same, after task_cancel() (the result may be
 *			partial or missing);
 *   TASK_ORPHANED	the task outlived tasks_free()'s wait: called on
 *			the task's own thread when it finally returns; it
 *			may only free arg (the loop and its owner are gone).
 *
 * The run callback polls task_cancelled() (or hands task_cancel_flag()
 * to proc_run()) and sleeps with task_sleep(), which a cancel cuts short.
 */
#ifndef BBBCTL_TASK_H
#define BBBCTL_TASK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct loop;
struct tasks;
struct task;

enum task_end {
	TASK_DONE,
	TASK_CANCELLED,
	TASK_ORPHANED
};

typedef void	(*task_run_cb)(struct task *, void *arg);
typedef void	(*task_done_cb)(uint32_t id, enum task_end, void *arg);

/* The tasks of one loop; free them before the loop. */
struct tasks	*tasks_new(struct loop *);
/*
 * Cancel every task, wait up to wait_ms for them to return, run the done
 * callbacks of those that did (here, on the calling thread), and leave
 * the others to free themselves (TASK_ORPHANED).  Takes NULL.
 */
void		 tasks_free(struct tasks *, int wait_ms);
/* Tasks started and not yet delivered. */
size_t		 tasks_running(struct tasks *);

/*
 * Start run(task, arg) on a new thread; done(id, end, arg) follows on the
 * loop.  The id (never 0), or 0 with *cause when no thread could be made
 * or tasks_free() has begun (then neither callback runs and arg is still
 * the caller's).
 */
uint32_t	 task_start(struct tasks *, task_run_cb, task_done_cb,
		     void *arg, char **cause);
/* Ask a task to stop; false if it is not running (any more). */
bool		 task_cancel(struct tasks *, uint32_t id);
/*
 * Ask every task to stop, and start no more (task_start() fails from
 * now on), as tasks_free() does first; to wait on the loop before it.
 */
void		 tasks_close(struct tasks *);

/* On the task's thread. */
bool		 task_cancelled(const struct task *);
const atomic_bool *task_cancel_flag(const struct task *);
/* Sleep ms, or less when cancelled; true if cancelled. */
bool		 task_sleep(struct task *, int ms);

#endif
