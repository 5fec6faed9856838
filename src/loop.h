/*
 * loop.h: the one poll(2) event loop on the main thread.
 *
 * fd watchers, one-shot/re-armable timers, signals delivered through a
 * self-pipe (handlers run on the loop, never in signal context), and a
 * wake pipe that any thread may poke (loop_wake) to get the registered
 * wake callbacks run on the loop thread.
 *
 * Handles (struct loop_fd, struct loop_timer) are owned by the caller
 * until passed to loop_fd_remove()/loop_timer_free(); both may be called
 * from inside any callback, including the handle's own.
 */
#ifndef BBBCTL_LOOP_H
#define BBBCTL_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#define LOOP_READ	0x1
#define LOOP_WRITE	0x2
#define LOOP_ERROR	0x4	/* reported only, never requested */

struct loop;
struct loop_fd;
struct loop_timer;

typedef void (*loop_fd_cb)(int fd, int events, void *arg);
typedef void (*loop_timer_cb)(void *arg);
typedef void (*loop_signal_cb)(int signo, void *arg);
typedef void (*loop_wake_cb)(void *arg);

struct loop	*loop_new(void);
void		 loop_free(struct loop *);

/* Run until loop_break(); 0 on a clean break, -1 on a poll failure. */
int		 loop_run(struct loop *);
/* One pass: wait at most timeout_ms (-1: until something happens). */
int		 loop_run_once(struct loop *, int timeout_ms);
void		 loop_break(struct loop *);
/* Monotonic ms, refreshed at every pass. */
int64_t		 loop_now(struct loop *);

struct loop_fd	*loop_fd_add(struct loop *, int fd, int events, loop_fd_cb,
		     void *arg);
void		 loop_fd_set_events(struct loop_fd *, int events);
void		 loop_fd_remove(struct loop_fd *);

struct loop_timer *loop_timer_new(struct loop *, loop_timer_cb, void *arg);
void		 loop_timer_start(struct loop_timer *, int64_t ms);
void		 loop_timer_stop(struct loop_timer *);
bool		 loop_timer_pending(const struct loop_timer *);
void		 loop_timer_free(struct loop_timer *);

/* Catch signo on the loop (SIGWINCH, SIGHUP, SIGTERM, SIGINT ...). */
int		 loop_signal(struct loop *, int signo, loop_signal_cb,
		     void *arg);

/* Register a callback run on the loop after any loop_wake(). */
void		 loop_on_wake(struct loop *, loop_wake_cb, void *arg);
/* Unregister it (also from inside a wake callback). */
void		 loop_off_wake(struct loop *, loop_wake_cb, void *arg);
/* Thread-safe and async-signal-safe. */
void		 loop_wake(struct loop *);

#endif
