/*
 * rake.h: scalelite's rake tasks over ssh, for scalelite before 1.5.1
 * (no admin API: its /scalelite/api answers unsupportedRequest).
 *
 * The tasks run in the API container on [scalelite] ssh_host:
 *
 *	docker exec CONTAINER ./bin/rake 'servers:VERB[ID]' servers
 *
 * (the list after the action shows the state it left).  Task names and
 * outputs differ between scalelite versions (reference: rake tasks by
 * version): cordon exists from 1.1 on; 1.0.x prints "ERROR: ..." on
 * stdout and exits 0; 1.6.12 to 1.7.0 print through the Rails logger
 * ("I, [time #pid]  INFO -- : " before a message); the status table has
 * 7 columns in 1.0.x, LOAD from 1.3, BBB VERSION and TAG from 1.6.  All
 * of these are handled.  Blocking: for job worker threads.
 */
#ifndef BBBCTL_RAKE_H
#define BBBCTL_RAKE_H

#include <stdbool.h>
#include <stddef.h>

struct config;

/*
 * Change a server's state: verb is enable, cordon, disable or panic;
 * server is a scalelite server id (UUID), a host name (an id when
 * SERVER_ID_IS_HOSTNAME, else matched against the servers' URLs) or the
 * server's URL.  Anything else is refused before any ssh.  0 when the
 * task said OK and the listing shows the expected state; *output (may be
 * NULL) gets the task's own output, secrets masked.  -1 with *cause
 * otherwise (ssh, unknown server, a scalelite too old for cordon, a
 * disable that wants a confirmation because the server has load ...).
 */
int	 rake_server_state(const struct config *, const char *verb,
	     const char *server, char **output, char **cause);
/*
 * As rake_server_state(), and check(arg, cause) is called right before
 * the task runs (after the listing that finds the server's id); when
 * it returns -1, nothing is run and its *cause is the cause.
 */
int	 rake_server_state_checked(const struct config *, const char *verb,
	     const char *server, int (*check)(void *, char **), void *arg,
	     char **output, char **cause);

/* One row of `rake status`. */
struct rake_server {
	char	*hostname;
	char	*state;		/* enabled cordoned disabled (as printed) */
	bool	 online;
	long	 meetings;	/* -1 when blank */
	long	 users;
	long	 largest;
	long	 videos;
	bool	 has_load;	/* LOAD column present and not blank */
	double	 load;
	char	*bbb_version;	/* NULL when absent or blank */
	char	*tag;		/* NULL when absent or blank */
};

/* Which layout the table had. */
enum rake_status_format {
	RAKE_STATUS_V1_0,	/* 7 columns (1.0.x) */
	RAKE_STATUS_V1_3,	/* + LOAD (1.3 to 1.5.x; the docs add TAG) */
	RAKE_STATUS_V1_6	/* + LOAD, BBB VERSION, TAG (1.6.0 on) */
};

struct rake_status {
	struct rake_server	*v;
	size_t			 n;
	enum rake_status_format	 format;
};

/*
 * Parse `rake status` output (any of the layouts; logger prefixes and
 * wrapped rows handled).  0, or -1 with *cause.  Free with
 * rake_status_free() (also after -1).
 */
int	 rake_parse_status(const char *, size_t, struct rake_status *,
	     char **cause);
void	 rake_status_free(struct rake_status *);

/* Run `rake status` over ssh and parse it. */
int	 rake_servers_status(const struct config *, struct rake_status *,
	     char **cause);

/* One server of `rake servers` (the secret is never kept). */
struct rake_entry {
	char	*id;
	char	*url;
	char	*state;		/* enabled cordoned disabled */
	bool	 online;
	bool	 has_load;
	double	 load;
};

struct rake_list {
	struct rake_entry	*v;
	size_t			 n;
};

/*
 * Parse `rake servers` output; text before the first "id:" line (the
 * output of a task run before it) is ignored.  0, or -1 with *cause.
 */
int	 rake_parse_servers(const char *, size_t, struct rake_list *,
	     char **cause);
void	 rake_list_free(struct rake_list *);

/* Run `rake servers` over ssh and parse it (no servers: rl->n 0). */
int	 rake_servers_list(const struct config *, struct rake_list *,
	     char **cause);
/*
 * servers:add[url,secret,1]: a new server (disabled, as scalelite adds
 * it); 0 with its *id (allocated), or -1 with *cause.  The secret never
 * is in a command line: it goes on the ssh channel's stdin to a shell in
 * the container (`docker exec -i CONTAINER sh -c 'IFS= read -r s &&
 * exec ./bin/rake "servers:add[URL,$s,1]"'`), is registered with
 * mask.h and masked in every output.  url must be a plain http(s) URL
 * and the secret letters, digits, '-' and '_' (rake splits arguments
 * at commas): anything else is refused before any ssh.
 */
int	 rake_server_add(const struct config *, const char *url,
	     const char *secret, char **id, char **cause);
/*
 * servers:remove[id], then the listing: 0 when the task said OK and the
 * server is no longer listed, else -1 with *cause.
 */
int	 rake_server_remove(const struct config *, const char *id,
	     char **cause);

/* Predicates for ids and host names (nothing else reaches a shell). */
bool	 rake_valid_uuid(const char *);
bool	 rake_valid_hostname(const char *);

/* Strip a Rails logger prefix from a line; returns where the text starts. */
const char *rake_strip_logger(const char *);

#endif
