/*
 * mask.h: the secrets of this process, masked in every text that leaves
 * it.
 *
 * A server that echoes a request back in an error (a proxy's debug page,
 * a misconfigured ingress, a hostile server) reflects a secret in the
 * form bbbctl sent it: raw (a consul token header, the scalelite
 * checksum's input), base64 of user:password (Basic auth), URL-encoded
 * (a query), JSON-escaped (a request body).  mask_add() registers a
 * secret in all those forms; mask_text() replaces each by "********".
 * It is applied where remote text enters a cause (the http layer's
 * description of an answer, a source's error, a job's step and result)
 * and again where text leaves the process (the log, the audit trail and
 * its spool).
 *
 * The registry is process-wide and thread-safe; secrets shorter than
 * MASK_MIN are not searched (they would mask ordinary words).
 */
#ifndef BBBCTL_MASK_H
#define BBBCTL_MASK_H

#include <stdbool.h>
#include <stddef.h>

#define MASK_TEXT	"********"
#define MASK_MIN	4

struct config;

/* A secret, in every form bbbctl sends it in (copied; NULL ignored). */
void	 mask_add(const char *);
/* A Basic credential: the password as mask_add(), and base64(user:pass). */
void	 mask_add_basic(const char *user, const char *password);
/* Every secret of cfg (tokens, passwords, keys, the conninfo). */
void	 mask_add_config(const struct config *);
/* Forget every secret (zeroed); for the tests. */
void	 mask_clear(void);

/* An allocated copy of s with every secret form replaced; NULL for NULL. */
char	*mask_text(const char *);
/* Replace in place (*s is freed and replaced when something matched). */
void	 mask_inplace(char **);
/* True if s holds a secret form. */
bool	 mask_has(const char *);
/* The length of the longest form (0: none registered). */
size_t	 mask_longest(void);

#endif
