/* log.c: the log file; stderr only while no UI owns the terminal. */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mask.h"
#include "util.h"

static FILE		*log_file;
static char		*log_file_path;
static enum log_level	 log_level = LOG_LEVEL_INFO;
static bool		 log_stderr = true;
static void		(*log_fatal_hook)(void);

static const char *log_level_names[] = { "debug", "info", "warn", "error" };

static int
log_mkdirs(const char *path)
{
	char	*p, *s;

	p = xstrdup(path);
	for (s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) == -1 && errno != EEXIST) {
			free(p);
			return (-1);
		}
		*s = '/';
	}
	free(p);
	return (0);
}

static char *
log_default_path(void)
{
	const char	*state, *home;

	if ((state = getenv("XDG_STATE_HOME")) != NULL && *state == '/')
		return (xasprintf("%s/bbbctl/bbbctl.log", state));
	if ((home = getenv("HOME")) != NULL && *home != '\0')
		return (xasprintf("%s/.local/state/bbbctl/bbbctl.log", home));
	return (NULL);
}

int
log_open(const char *path, char **cause)
{
	char	*p;
	int	 fd;

	log_close();
	p = path != NULL ? xstrdup(path) : log_default_path();
	if (p == NULL) {
		*cause = xstrdup("no log file: neither XDG_STATE_HOME nor HOME "
		    "is set");
		return (-1);
	}
	if (path == NULL && log_mkdirs(p) == -1) {
		*cause = xasprintf("%s: %s", p, strerror(errno));
		free(p);
		return (-1);
	}
	fd = open(p, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1 || (log_file = fdopen(fd, "a")) == NULL) {
		*cause = xasprintf("%s: %s", p, strerror(errno));
		if (fd != -1)
			close(fd);
		free(p);
		return (-1);
	}
	setvbuf(log_file, NULL, _IOLBF, 0);
	log_file_path = p;
	return (0);
}

void
log_close(void)
{
	if (log_file != NULL)
		fclose(log_file);
	log_file = NULL;
	free(log_file_path);
	log_file_path = NULL;
}

const char *
log_path(void)
{
	return (log_file_path);
}

void
log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level
log_get_level(void)
{
	return (log_level);
}

void
log_set_stderr(bool on)
{
	log_stderr = on;
}

void
log_set_fatal_hook(void (*hook)(void))
{
	log_fatal_hook = hook;
}

static void
log_vwrite(enum log_level level, const char *fmt, va_list ap)
{
	char		 stamp[32], *raw, *msg;
	struct tm	 tm;
	time_t		 t;

	if (level < log_level)
		return;
	if (log_file == NULL && !(log_stderr && level >= LOG_LEVEL_WARN))
		return;
	/* A secret a server reflected into a cause is not written. */
	if (vasprintf(&raw, fmt, ap) == -1)
		return;
	msg = mask_text(raw);
	free(raw);
	if (log_file != NULL) {
		t = time(NULL);
		gmtime_r(&t, &tm);
		strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
		fprintf(log_file, "%s %d %s: %s\n", stamp, (int)getpid(),
		    log_level_names[level], msg);
	}
	if (log_stderr && level >= LOG_LEVEL_WARN)
		fprintf(stderr, "bbbctl: %s\n", msg);
	free(msg);
}

#define LOG_FN(name, level)				\
void							\
name(const char *fmt, ...)				\
{							\
	va_list	 ap;					\
							\
	va_start(ap, fmt);				\
	log_vwrite(level, fmt, ap);			\
	va_end(ap);					\
}
LOG_FN(log_debug, LOG_LEVEL_DEBUG)
LOG_FN(log_info, LOG_LEVEL_INFO)
LOG_FN(log_warn, LOG_LEVEL_WARN)
LOG_FN(log_error, LOG_LEVEL_ERROR)

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	if (log_fatal_hook != NULL) {
		void (*hook)(void) = log_fatal_hook;

		log_fatal_hook = NULL;
		hook();
	}
	log_stderr = true;
	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_ERROR, fmt, ap);
	va_end(ap);
	abort();
}
