/*
 * config.h: the INI configuration.
 *
 * Lookup order: --config FILE, $BBBCTL_CONFIG,
 * $XDG_CONFIG_HOME/bbbctl/bbbctl.conf (or ~/.config/bbbctl/bbbctl.conf),
 * /etc/bbbctl/bbbctl.conf.  Every secret may be given inline or as
 * KEY_file = PATH.  A file holding an inline secret that group or others
 * can read is refused, and so is any file others can write.  Keys are described by one table in config.c,
 * which also documents them (data/bbbctl.conf.example, bbbctl.1).
 *
 * struct config owns all its strings; config_free() zeroes secrets.
 * Unset strings are NULL unless a default is stated.
 */
#ifndef BBBCTL_CONFIG_H
#define BBBCTL_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Room for the query_<name> overrides (PROM_QUERY_DEFAULTS has fewer). */
#define CONFIG_PROM_QUERIES_MAX	32

struct config {
	char	*path;			/* the file read, or NULL */

	struct {
		char	*name;		/* default "bbb" */
		char	*node_key;	/* join rule (fleet.c); default "host" */
		char	*domain;	/* stripped from host names if set */
		char	*node_pattern;	/* globs of node-like VM/host
					   names (fleet.c); "bbb-*" */
	} cluster;

	struct {
		char	*url;
		char	*token;		/* secret */
		char	*service;	/* default "bbb" */
		char	*ca_file;
	} consul;

	struct {
		char	*url;
		char	*user;
		char	*password;	/* secret */
		char	*ca_file;
		/*
		 * queries[i] is the PromQL for the i-th entry of
		 * PROM_QUERY_DEFAULTS (prom-queries.h): the query_<name>
		 * override or the default.  Never NULL for those i after
		 * config_new(); NULL beyond them.
		 */
		char	*queries[CONFIG_PROM_QUERIES_MAX];
	} prometheus;

	struct {
		char	*url;
		char	*secret;	/* secret */
		char	*ca_file;
		char	*ssh_host;	/* for rake over ssh (legacy) */
		char	*container;	/* default "scalelite-api" */
	} scalelite;

	struct {
		char	*url;
		char	*access_key;
		char	*secret_key;	/* secret */
		char	*project;
		char	*ca_file;
	} rancher;

	struct {
		char	*auth_url;
		char	*application_credential_id;
		char	*application_credential_secret; /* secret */
		char	*region;
		char	*ca_file;
	} openstack;

	struct {
		char	*conninfo;	/* secret (may hold a password) */
	} postgres;

	struct {
		char	*user;		/* default "root" */
		long	 port;		/* default 22 */
		char	*identity;
		char	*known_hosts;
		char	*authorized_keys; /* on the hosts; default
					   ".ssh/authorized_keys" */
		long	 max_parallel;	/* default 4 */
	} ssh;

	struct {
		char	*dir;
	} backup;

	struct {			/* scale out / in (action/scale.c) */
		char	*flavor;	/* Nova flavor name or id */
		char	*image;		/* Glance image name or id */
		char	*networks;	/* comma-separated names or ids */
		char	*key_name;
		char	*security_groups; /* comma-separated; "default" */
		char	*availability_zone;
		char	*name_pattern;	/* "bbb-NN": the N run is the number */
		long	 max_parallel;	/* default 4 */
		long	 min_nodes;	/* default 1 */
		char	*user_data;	/* cloud-init template */
		char	*stack_dir;	/* docker-compose.yml, rancher-compose */
		char	*bbb_image;
		char	*bbb_secret;	/* secret: the nodes' BBB API secret */
		char	*agent_image;	/* the Rancher agent's */
		int64_t	 boot_timeout_ms;
		int64_t	 register_timeout_ms;
		int64_t	 stack_timeout_ms;
		int64_t	 consul_timeout_ms;
		int64_t	 scalelite_timeout_ms;
		int64_t	 delete_timeout_ms;
		int64_t	 drain_timeout_ms;
		int64_t	 poll_ms;
	} scale;

	struct {
		int64_t	 refresh_ms;	/* default 2000 */
		bool	 readonly;
		bool	 color;		/* default true */
		bool	 ascii;
		bool	 mouse;
		bool	 bell;		/* a new critical rings */
	} ui;

	struct {			/* probe.h: fleet-wide services */
		char	*greenlight_url;
		char	*coturn_host;	/* host or host:port */
		long	 coturn_port;	/* default 3478 (UDP and TCP) */
		long	 coturn_tls_port; /* default 5349, 0 off */
		char	*turn_secret;	/* secret: static-auth-secret */
		char	*tls_endpoints;	/* host[:port], blank separated */
		char	*ca_file;
		int64_t	 interval_ms;	/* default 60s */
		int64_t	 timeout_ms;	/* default 5s */
	} probes;

	struct {			/* problems.h's limits */
		long	 cpu_warn;	/* percent, default 90 */
		long	 mem_warn;	/* percent, default 90 */
		int64_t	 hold_ms;	/* default 5m */
		int64_t	 cordoned_idle_ms; /* default 30m */
		long	 cert_days;	/* default 14 */
		long	 cert_crit_days; /* default 3 */
		int64_t	 stale_after_ms; /* default 5m */
	} problems;
};

/* Defaults only (no file).  Never fails. */
struct config	*config_new(void);
void		 config_free(struct config *);

/*
 * Find the file by the lookup order (explicit may be NULL).  Returns an
 * allocated path, or NULL when none exists (not an error by itself).
 */
char		*config_find(const char *explicit_path);

/*
 * Load a file into cfg (from config_new()).  0, or -1 with an allocated
 * *cause naming file:line and key, never containing a secret's value;
 * every error found is in it, one a line.  On error cfg holds a partial
 * load: free it.  A key given twice in one file (or both KEY and
 * KEY_file) is an error, never a silent override.
 */
int		 config_load(struct config *, const char *path, char **cause);

/* True for keys whose value is secret (for messages and --dry-run). */
bool		 config_key_is_secret(const char *section, const char *key);

/*
 * The PromQL for query `name` (a PROM_QUERY_DEFAULTS name such as "cpu"):
 * the override or the default.  NULL for an unknown name.  Borrowed from
 * cfg, valid until config_free().
 */
const char	*config_prom_query(const struct config *, const char *name);

/*
 * Print the effective configuration in INI form, secrets as "********"
 * and unset keys as "#key =" (bbbctl config check).
 */
void		 config_dump(const struct config *, FILE *);

/*
 * Print every accepted key, one a line: "section.key<TAB>type<TAB>doc"
 * (bbbctl config keys; the documentation tests compare it with
 * data/bbbctl.1 and data/bbbctl.conf.example).
 */
void		 config_dump_keys(FILE *);

#endif
