/*
 * confedit.h: set keys in a configuration file without touching the
 * rest of it (keys rotate switches [ssh] identity and [scale] key_name).
 *
 * confedit_set() is pure: in text, the first "key = ..." line of
 * [section] (blanks allowed around '=', not a comment) becomes
 * "key = value"; when the section has no such line, one is put right
 * after the section's header; when there is no such section, it is
 * appended.  Every other byte stays as it was.
 * The file is read with util_read_file() and replaced with
 * util_write_atomic() (mode 0600).
 */
#ifndef BBBCTL_CONFEDIT_H
#define BBBCTL_CONFEDIT_H

#include <stddef.h>

/* Allocated; *outlen its length. */
char	*confedit_set(const char *text, size_t len, const char *section,
	     const char *key, const char *value, size_t *outlen);

#endif
