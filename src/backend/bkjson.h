/*
 * bkjson.h: strict field access on jansson values for the decoders.
 *
 * Every getter takes the object, the key, a path for messages (the
 * place of the object, e.g. "[3].Node") and sets an allocated *cause on
 * a wrong type: "<sys>: <path>.<key>: expected a string, got an
 * integer".  A missing key or JSON null is an error only when required;
 * otherwise the output is left at its "unknown" value (NULL, -1, NAN,
 * false) and 0 is returned.
 */
#ifndef BBBCTL_BACKEND_BKJSON_H
#define BBBCTL_BACKEND_BKJSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "jscan.h"

#define BKJ_REQUIRED	true
#define BKJ_OPTIONAL	false

json_t	*bkj_load(const char *sys, const char *, size_t, char **);
const char *bkj_type_name(const json_t *);
char	*bkj_error(const char *sys, const char *path, const char *key,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* "<sys>: <path>: expected <want>, got <type of j>" */
char	*bkj_type_error(const char *sys, const char *path, const char *want,
	     const json_t *);

int	 bkj_string(const char *sys, const json_t *, const char *path,
	     const char *key, bool req, char **, char **);
/* A borrowed string (valid while the json_t lives). */
int	 bkj_cstring(const char *sys, const json_t *, const char *path,
	     const char *key, bool req, const char **, char **);
int	 bkj_int(const char *sys, const json_t *, const char *path,
	     const char *key, bool req, long long min, long long max,
	     long long *, char **);
int	 bkj_bool(const char *sys, const json_t *, const char *path,
	     const char *key, bool req, bool *, char **);
/* Object / array children, borrowed; NULL when optional and absent. */
int	 bkj_object(const char *sys, const json_t *, const char *path,
	     const char *key, bool req, json_t **, char **);
int	 bkj_array(const char *sys, const json_t *, const char *path,
	     const char *key, bool req, json_t **, char **);
/* The value at key exists and is not null. */
bool	 bkj_has(const json_t *, const char *key);

/*
 * The same checks and messages on values read with the streaming reader
 * (src/jscan.h) for the decoders that do not build a DOM.  A value of
 * type JSCAN_NONE is an absent key; JSON null counts as absent.
 */
#define BKS_KEY(k, n, lit) ((n) == sizeof (lit) - 1 && \
	memcmp((k), (lit), sizeof (lit) - 1) == 0)
/* "<prefix>[<i>]" into buf (cheaper than snprintf for every element). */
const char *bks_path(char *buf, size_t, const char *prefix, size_t i);
/* "<sys>: empty answer" or "<sys>: not JSON: <what> at byte <n>" */
char	*bks_syntax(const char *sys, const struct jscan *);
/*
 * The end of an answer whose root must be an array of n entries (what,
 * e.g. "entries", names them in messages): its fault that decides, in
 * this order: not JSON anywhere, the root not an array, too many
 * entries, an entry's *ecause (taken).  0 when there is none.
 */
int	 bks_array_end(const char *sys, struct jscan *, enum jscan_type,
	     size_t n, const char *what, char **ecause, char **cause);
int	 bks_string(const char *sys, const struct jscan_val *,
	     const char *path, const char *key, bool req, char **, char **);
int	 bks_int(const char *sys, const struct jscan_val *, const char *path,
	     const char *key, bool req, long long min, long long max,
	     long long *, char **);
int	 bks_bool(const char *sys, const struct jscan_val *, const char *path,
	     const char *key, bool req, bool *, char **);
/* A value that must be of type t (an object or an array) if present. */
int	 bks_type(const char *sys, const struct jscan_val *, const char *path,
	     const char *key, bool req, enum jscan_type t, char **);

#endif
