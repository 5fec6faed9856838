/*
 * log.h: the log file.  Nothing is written to stderr while curses is up:
 * main() calls log_set_stderr(false) before the UI starts.  libcurl,
 * libpq and libssh2 messages are routed here by their modules.
 *
 * The file defaults to $XDG_STATE_HOME/bbbctl/bbbctl.log (or
 * ~/.local/state/bbbctl/bbbctl.log).  Secrets must never be passed in.
 */
#ifndef BBBCTL_LOG_H
#define BBBCTL_LOG_H

#include <stdbool.h>

#include "util.h"

enum log_level {
	LOG_LEVEL_DEBUG,
	LOG_LEVEL_INFO,
	LOG_LEVEL_WARN,
	LOG_LEVEL_ERROR
};

/* NULL path = the default.  0 / -1 with an allocated *cause. */
int	 log_open(const char *, char **);
void	 log_close(void);
const char *log_path(void);		/* NULL when no file is open */
void	 log_set_level(enum log_level);
enum log_level log_get_level(void);
void	 log_set_stderr(bool);		/* also echo to stderr (default on) */

void	 log_debug(const char *, ...) printflike(1, 2);
void	 log_info(const char *, ...) printflike(1, 2);
void	 log_warn(const char *, ...) printflike(1, 2);
void	 log_error(const char *, ...) printflike(1, 2);

/*
 * Fatal programmer error or out of memory: run the registered cleanup
 * (the UI restores the terminal), log, print to stderr, abort.
 */
__dead void fatalx(const char *, ...) printflike(1, 2);
void	 log_set_fatal_hook(void (*)(void));

#endif
