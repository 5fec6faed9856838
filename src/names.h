/*
 * names.h: the names of a fleet's nodes, stacks and hosts, cached on disk
 * for shell completion (`bbbctl complete`), which must never wait for a
 * server.  `bbbctl status` writes the cache of its configuration after
 * every look; completion reads it, and starts a status in the background
 * when it is old.
 *
 * The cache is $XDG_CACHE_HOME/bbbctl/names-<hash of the configuration's
 * path> (~/.cache/...), mode 0600, lines "node NAME", "stack NAME",
 * "host NAME"; written to a temporary file and renamed over.
 */
#ifndef BBBCTL_NAMES_H
#define BBBCTL_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fleet;

/* The cache file of the configuration at path; allocated, or NULL. */
char	*names_path(const char *config_path);
/* Write the fleet's names; 0, or -1 with *cause. */
int	 names_save(const struct fleet *, const char *config_path,
	     char **cause);
/*
 * The cached names of a kind ("node", "stack", "host"): an allocated
 * array of allocated strings, *n set (NULL, 0 when none); *age_ms the
 * cache's age (-1 when there is none).
 */
char	**names_load(const char *config_path, const char *kind, size_t *n,
	     int64_t *age_ms);
void	 names_free(char **, size_t);
/*
 * Should a refresh of the cache start now?  True at most once every
 * retry_ms (a stamp file beside the cache records the last one).
 */
bool	 names_refresh_due(const char *config_path, int64_t retry_ms);

#endif
