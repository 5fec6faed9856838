/*
 * config.h: the INI configuration.
 *
 * Lookup order: --config FILE, $BBBCTL_CONFIG,
 * $XDG_CONFIG_HOME/bbbctl/bbbctl.conf (or ~/.config/bbbctl/bbbctl.conf),
 * /etc/bbbctl/bbbctl.conf.  Every secret may be given inline or as
 * KEY_file = PATH.  A file holding an inline secret that group or others
 * can read is refused.  Keys are described by one table in config.c,
 * which also documents them (data/bbbctl.conf.example, bbbctl.1).
 *
 * struct config owns all its strings; config_free() zeroes secrets.
 * Unset strings are NULL unless a default is stated.
 */
#ifndef BBBCTL_CONFIG_H
#define BBBCTL_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

struct config {
	char	*path;			/* the file read, or NULL */

	struct {
		char	*name;		/* default "bbb" */
		char	*node_key;	/* join rule, see fleet.c; "host" */
		char	*domain;	/* stripped from host names if set */
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
	} prometheus;

	struct {
		char	*url;
		char	*secret;	/* secret */
		char	*ca_file;
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
	} ssh;

	struct {
		char	*dir;
	} backup;

	struct {
		int64_t	 refresh_ms;	/* default 2000 */
		bool	 readonly;
		bool	 color;		/* default true */
		bool	 ascii;
		bool	 mouse;
	} ui;
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
 * Load a file into cfg.  0, or -1 with an allocated *cause naming
 * file:line and key, never containing a secret's value.
 */
int		 config_load(struct config *, const char *path, char **cause);

/* True for keys whose value is secret (for messages and --dry-run). */
bool		 config_key_is_secret(const char *section, const char *key);

#endif
