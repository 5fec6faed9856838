/*
 * confedit.h: set keys in a configuration file without touching the
 * rest of it (keys rotate switches [ssh] identity and [scale] key_name).
 *
 * confedit_set() is pure: in text, the first "key = ..." line of
 * [section] (blanks allowed around '=', not a comment) becomes
 * "key = value"; when the section has no such line, one is put right
 * after the section's header; when there is no such section, it is
 * appended.  Every other byte stays as it was.
 *
 * confedit_write() replaces the file atomically: a temp file in the
 * same directory, mode 0600, written, fsync'd, renamed over, the
 * directory fsync'd.
 */
#ifndef BBBCTL_CONFEDIT_H
#define BBBCTL_CONFEDIT_H

#include <stddef.h>

/* Allocated; *outlen its length. */
char	*confedit_set(const char *text, size_t len, const char *section,
	     const char *key, const char *value, size_t *outlen);
int	 confedit_write(const char *path, const char *text, size_t len,
	     char **cause);
/* Read a whole file (up to 1 MiB): allocated, or NULL with *cause. */
char	*confedit_read(const char *path, size_t *len, char **cause);

#endif
