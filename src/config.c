/*
 * config.c: the INI configuration, described by one table.
 *
 * inih splits the lines; our own reader feeds it one line at a time, so
 * we always know the line number, and checks what inih would only flag
 * as "an error somewhere" (unknown section, a line that is neither
 * [section] nor key = value).  The reader also strips leading blanks, so
 * inih's multi-line continuation never applies: a value is one line.
 * Lines longer than inih's buffer are handed over with the value kept
 * aside, so long PromQL overrides work.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "mask.h"
#include "prom-queries.h"
#include "util.h"

enum config_type {
	CONFIG_STRING,
	CONFIG_SECRET,
	CONFIG_BOOL,
	CONFIG_INT,
	CONFIG_DURATION,
	CONFIG_URL,
	CONFIG_PATH,
	CONFIG_PROMQL		/* query_<name>, not in the table */
};

static const char *config_type_names[] = {
	"string", "secret", "bool", "int", "duration", "url", "path", "promql"
};

struct config_entry {
	const char	*section;
	const char	*key;
	enum config_type type;
	size_t		 offset;
	const char	*def;		/* default as written in a file */
	long long	 min;		/* int: value, duration: ms */
	long long	 max;
	const char	*choices;	/* string: allowed words, or NULL */
	const char	*doc;
};

#define OFF(f)		offsetof(struct config, f)
#define E(s, k, t, f, d, doc) \
	{ s, k, t, OFF(f), d, 0, 0, NULL, doc }
#define E_RANGE(s, k, t, f, d, lo, hi, doc) \
	{ s, k, t, OFF(f), d, lo, hi, NULL, doc }
#define E_CHOICE(s, k, f, d, ch, doc) \
	{ s, k, CONFIG_STRING, OFF(f), d, 0, 0, ch, doc }

static const struct config_entry config_table[] = {
	E_CHOICE("cluster", "name", cluster.name, "bbb", NULL,
	    "name of the fleet, shown in the title bar"),
	E_CHOICE("cluster", "node_key", cluster.node_key, "host",
	    "host fqdn alnum",
	    "how nodes are matched across sources (host: short host name; "
	    "fqdn: whole name; alnum: short name, letters and digits only)"),
	E("cluster", "domain", CONFIG_STRING, cluster.domain, NULL,
	    "domain suffix stripped from host names"),
	E("cluster", "node_pattern", CONFIG_STRING, cluster.node_pattern,
	    "bbb-*", "globs: Rancher hosts and VMs that are BBB nodes even "
	    "when no BBB source knows them"),

	E("consul", "url", CONFIG_URL, consul.url, NULL,
	    "consul HTTP API, e.g. http://127.0.0.1:8500"),
	E("consul", "token", CONFIG_SECRET, consul.token, NULL,
	    "consul ACL token"),
	E_CHOICE("consul", "service", consul.service, "bbb", NULL,
	    "consul service name of the BBB nodes"),
	E("consul", "ca_file", CONFIG_PATH, consul.ca_file, NULL,
	    "CA certificate(s) to verify consul's TLS certificate"),

	E("prometheus", "url", CONFIG_URL, prometheus.url, NULL,
	    "Prometheus server, e.g. http://prometheus:9090"),
	E("prometheus", "user", CONFIG_STRING, prometheus.user, NULL,
	    "HTTP basic authentication user"),
	E("prometheus", "password", CONFIG_SECRET, prometheus.password, NULL,
	    "HTTP basic authentication password"),
	E("prometheus", "ca_file", CONFIG_PATH, prometheus.ca_file, NULL,
	    "CA certificate(s) to verify Prometheus' TLS certificate"),

	E("scalelite", "url", CONFIG_URL, scalelite.url, NULL,
	    "scalelite base URL, e.g. https://lb.example.org"),
	E("scalelite", "secret", CONFIG_SECRET, scalelite.secret, NULL,
	    "scalelite shared secret (LOADBALANCER_SECRET)"),
	E("scalelite", "ca_file", CONFIG_PATH, scalelite.ca_file, NULL,
	    "CA certificate(s) to verify scalelite's TLS certificate"),
	E("scalelite", "ssh_host", CONFIG_STRING, scalelite.ssh_host, NULL,
	    "host running the scalelite containers, for rake over ssh "
	    "(scalelite before 1.5.1); port and keys from [ssh]"),
	E_CHOICE("scalelite", "container", scalelite.container,
	    "scalelite-api", NULL,
	    "name of the scalelite API container (docker exec)"),

	E("rancher", "url", CONFIG_URL, rancher.url, NULL,
	    "Rancher 1.6 server, e.g. https://rancher.example.org"),
	E("rancher", "access_key", CONFIG_STRING, rancher.access_key, NULL,
	    "Rancher API access key"),
	E("rancher", "secret_key", CONFIG_SECRET, rancher.secret_key, NULL,
	    "Rancher API secret key"),
	E("rancher", "project", CONFIG_STRING, rancher.project, NULL,
	    "Rancher project (environment) id, e.g. 1a5"),
	E("rancher", "ca_file", CONFIG_PATH, rancher.ca_file, NULL,
	    "CA certificate(s) to verify Rancher's TLS certificate"),

	E("openstack", "auth_url", CONFIG_URL, openstack.auth_url, NULL,
	    "Keystone v3 URL, e.g. https://keystone.example.org:5000/v3"),
	E("openstack", "application_credential_id", CONFIG_STRING,
	    openstack.application_credential_id, NULL,
	    "application credential id"),
	E("openstack", "application_credential_secret", CONFIG_SECRET,
	    openstack.application_credential_secret, NULL,
	    "application credential secret"),
	E("openstack", "region", CONFIG_STRING, openstack.region, NULL,
	    "region name, e.g. RegionOne"),
	E("openstack", "ca_file", CONFIG_PATH, openstack.ca_file, NULL,
	    "CA certificate(s) to verify OpenStack's TLS certificates"),

	E("postgres", "conninfo", CONFIG_SECRET, postgres.conninfo, NULL,
	    "libpq connection string of the audit/backup database"),

	E("ssh", "user", CONFIG_STRING, ssh.user, "root",
	    "user for ssh to the nodes"),
	E_RANGE("ssh", "port", CONFIG_INT, ssh.port, "22", 1, 65535,
	    "ssh port of the nodes"),
	E("ssh", "identity", CONFIG_PATH, ssh.identity, NULL,
	    "private key file for ssh to the nodes"),
	E("ssh", "known_hosts", CONFIG_PATH, ssh.known_hosts, NULL,
	    "known_hosts file to verify the nodes' host keys"),
	E("ssh", "authorized_keys", CONFIG_STRING, ssh.authorized_keys,
	    ".ssh/authorized_keys", "the user's authorized_keys file on the "
	    "hosts, relative to its home (keys rotate)"),
	E_RANGE("ssh", "max_parallel", CONFIG_INT, ssh.max_parallel, "4", 1,
	    64, "hosts changed at once by keys rotate (1 to 64)"),

	E("backup", "dir", CONFIG_PATH, backup.dir, NULL,
	    "directory for backups"),

	E("scale", "flavor", CONFIG_STRING, scale.flavor, NULL,
	    "Nova flavor (name or id) of a new node's VM"),
	E("scale", "image", CONFIG_STRING, scale.image, NULL,
	    "image (name or id) of a new node's VM"),
	E("scale", "networks", CONFIG_STRING, scale.networks, NULL,
	    "networks (names or ids, comma-separated) of a new node's VM"),
	E("scale", "key_name", CONFIG_STRING, scale.key_name, NULL,
	    "Nova key pair of a new node's VM"),
	E("scale", "security_groups", CONFIG_STRING, scale.security_groups,
	    "default", "security groups (comma-separated) of a new node's VM"),
	E("scale", "availability_zone", CONFIG_STRING,
	    scale.availability_zone, NULL,
	    "availability zone of a new node's VM (none: Nova's choice)"),
	E("scale", "name_pattern", CONFIG_STRING, scale.name_pattern,
	    "bbb-NN", "names of new nodes: the run of N is the number, "
	    "zero-padded (bbb-NN: bbb-07)"),
	E_RANGE("scale", "max_parallel", CONFIG_INT, scale.max_parallel, "4",
	    1, 32, "nodes a scale job adds or removes at once"),
	E_RANGE("scale", "min_nodes", CONFIG_INT, scale.min_nodes, "1", 0,
	    100000, "scale in never leaves fewer BBB nodes"),
	E("scale", "user_data", CONFIG_PATH, scale.user_data,
	    PKGDATADIR "/cloud-init/bbb-node.yaml",
	    "cloud-init template of a new node's VM"),
	E("scale", "stack_dir", CONFIG_PATH, scale.stack_dir,
	    PKGDATADIR "/stacks/bbb-node",
	    "directory of the node stack's docker-compose.yml and "
	    "rancher-compose.yml"),
	E("scale", "bbb_image", CONFIG_STRING, scale.bbb_image,
	    "bigbluebutton/bigbluebutton:v2.7.12",
	    "BBB server image of a new node's stack"),
	E("scale", "bbb_secret", CONFIG_SECRET, scale.bbb_secret, NULL,
	    "BBB API shared secret of new nodes (also for scalelite)"),
	E("scale", "agent_image", CONFIG_STRING, scale.agent_image, NULL,
	    "Rancher agent image (none: the registration token's)"),
	E_RANGE("scale", "boot_timeout", CONFIG_DURATION,
	    scale.boot_timeout_ms, "10m", 1000, 86400000,
	    "how long a new VM may take to be ACTIVE"),
	E_RANGE("scale", "register_timeout", CONFIG_DURATION,
	    scale.register_timeout_ms, "10m", 1000, 86400000,
	    "how long a new VM's host may take to register with Rancher"),
	E_RANGE("scale", "stack_timeout", CONFIG_DURATION,
	    scale.stack_timeout_ms, "15m", 1000, 86400000,
	    "how long a new node's stack may take to be active and healthy"),
	E_RANGE("scale", "consul_timeout", CONFIG_DURATION,
	    scale.consul_timeout_ms, "5m", 1000, 86400000,
	    "how long a new node's consul check may take to pass"),
	E_RANGE("scale", "scalelite_timeout", CONFIG_DURATION,
	    scale.scalelite_timeout_ms, "5m", 1000, 86400000,
	    "how long scalelite may take to see a new node online"),
	E_RANGE("scale", "delete_timeout", CONFIG_DURATION,
	    scale.delete_timeout_ms, "5m", 1000, 86400000,
	    "how long a VM, host or stack may take to go"),
	E_RANGE("scale", "drain_timeout", CONFIG_DURATION,
	    scale.drain_timeout_ms, "30m", 1000, 7 * 86400000LL,
	    "how long scale in waits for a node's meetings to end"),
	E_RANGE("scale", "poll", CONFIG_DURATION, scale.poll_ms, "2s", 10,
	    60000, "how often a scale job looks at what it waits for"),

	E_RANGE("ui", "refresh", CONFIG_DURATION, ui.refresh_ms, "2s",
	    100, 3600000, "how often the dashboard polls (100ms to 1h)"),
	E("ui", "readonly", CONFIG_BOOL, ui.readonly, "no",
	    "refuse every action that changes the fleet"),
	E("ui", "color", CONFIG_BOOL, ui.color, "yes",
	    "use colours (NO_COLOR and --no-color turn them off)"),
	E("ui", "ascii", CONFIG_BOOL, ui.ascii, "no",
	    "draw with ASCII only (no Unicode lines or graphs)"),
	E("ui", "mouse", CONFIG_BOOL, ui.mouse, "no",
	    "accept mouse clicks"),
	E("ui", "bell", CONFIG_BOOL, ui.bell, "no",
	    "ring the terminal bell when a new critical problem appears"),

	E("probes", "greenlight_url", CONFIG_URL, probes.greenlight_url, NULL,
	    "Greenlight base URL (with its root, e.g. https://gl.example.org/b); "
	    "probed at /health_check"),
	E("probes", "coturn_host", CONFIG_STRING, probes.coturn_host, NULL,
	    "coturn (STUN/TURN) host to probe"),
	E_RANGE("probes", "coturn_port", CONFIG_INT, probes.coturn_port,
	    "3478", 1, 65535, "coturn's STUN/TURN port (UDP and TCP)"),
	E_RANGE("probes", "coturn_tls_port", CONFIG_INT,
	    probes.coturn_tls_port, "5349", 0, 65535,
	    "coturn's TURN over TLS port (0: not probed)"),
	E("probes", "turn_secret", CONFIG_SECRET, probes.turn_secret, NULL,
	    "coturn's static-auth-secret (TURN REST credentials); without "
	    "it only STUN is probed"),
	E("probes", "tls_endpoints", CONFIG_STRING, probes.tls_endpoints,
	    NULL, "more TLS endpoints (host[:port], blank separated) whose "
	    "certificates are watched"),
	E("probes", "ca_file", CONFIG_PATH, probes.ca_file, NULL,
	    "CA certificate(s) for Greenlight, coturn's TLS port and "
	    "tls_endpoints"),
	E_RANGE("probes", "interval", CONFIG_DURATION, probes.interval_ms,
	    "60s", 1000, 86400000, "how often the dashboard probes the "
	    "services (1s to 24h)"),
	E_RANGE("probes", "timeout", CONFIG_DURATION, probes.timeout_ms,
	    "5s", 500, 60000, "how long one probe may take (500ms to 60s)"),

	E_RANGE("problems", "cpu_warn", CONFIG_INT, problems.cpu_warn, "90",
	    1, 100, "cpu-high: CPU percent at or above which a node warns "
	    "(after hold)"),
	E_RANGE("problems", "mem_warn", CONFIG_INT, problems.mem_warn, "90",
	    1, 100, "mem-high: memory percent used at or above which a node "
	    "warns (after hold)"),
	E_RANGE("problems", "hold", CONFIG_DURATION, problems.hold_ms, "5m",
	    0, 86400000, "how long CPU or memory must stay high before it is "
	    "a problem (0 to 24h)"),
	E_RANGE("problems", "cordoned_idle", CONFIG_DURATION,
	    problems.cordoned_idle_ms, "30m", 0, 168 * 3600000LL,
	    "cordoned-idle: how long a cordoned node must be idle (0 to "
	    "168h)"),
	E_RANGE("problems", "cert_days", CONFIG_INT, problems.cert_days, "14",
	    0, 365, "cert-expiry: warn when a TLS certificate expires "
	    "within this many days"),
	E_RANGE("problems", "cert_crit_days", CONFIG_INT,
	    problems.cert_crit_days, "3", 0, 365,
	    "cert-expiry: critical within this many days (or expired)"),
	E_RANGE("problems", "stale_after", CONFIG_DURATION,
	    problems.stale_after_ms, "5m", 10000, 86400000,
	    "a source whose refreshes fail shows its older data this long, "
	    "then fails (10s to 24h)"),
};

static const struct prom_query_default config_queries[] =
    PROM_QUERY_DEFAULTS;
_Static_assert(nitems(config_queries) <= CONFIG_PROM_QUERIES_MAX,
    "CONFIG_PROM_QUERIES_MAX is too small");

#define CONFIG_NSLOTS	(nitems(config_table) + nitems(config_queries))
#define CONFIG_QUERY_PREFIX	"query_"
#define CONFIG_FILE_SUFFIX	"_file"
#define CONFIG_MAX_ERRORS	20
#define CONFIG_SECRET_MAX	4096
/* A longer line is an error, and is never held in memory whole. */
#define CONFIG_LINE_MAX		65536

/* One key as matched: a table entry or a query, maybe the _file form. */
struct config_match {
	const struct config_entry *entry;	/* NULL for a query */
	size_t		 query;
	size_t		 slot;			/* for duplicates */
	bool		 file;			/* KEY_file */
};

struct config_parse {
	struct config	*cfg;
	const char	*path;
	char		*dir;		/* of path, for relative paths */
	FILE		*f;
	int		 lineno;
	bool		 section_bad;	/* current [section] is unknown */
	int		 long_lineno;	/* line whose value is in long_value */
	char		*long_value;
	int		 seen[CONFIG_NSLOTS];	/* line a key was set on */
	bool		 inline_secret;
	struct buf	 errors;
	int		 nerrors;
};

static void	config_error(struct config_parse *, const char *, ...)
		    printflike(2, 3);

static char **
config_str_field(struct config *cfg, const struct config_entry *e)
{
	return ((char **)((char *)cfg + e->offset));
}

static void
config_error(struct config_parse *p, const char *fmt, ...)
{
	va_list	 ap;

	if (p->nerrors++ >= CONFIG_MAX_ERRORS) {
		if (p->nerrors == CONFIG_MAX_ERRORS + 1)
			buf_adds(&p->errors, "\n(more errors not shown)");
		return;
	}
	if (p->errors.len != 0)
		buf_addc(&p->errors, '\n');
	if (p->lineno > 0)
		buf_printf(&p->errors, "%s:%d: ", p->path, p->lineno);
	else
		buf_printf(&p->errors, "%s: ", p->path);
	va_start(ap, fmt);
	{
		char	*s = xvasprintf(fmt, ap);

		buf_adds(&p->errors, s);
		free(s);
	}
	va_end(ap);
}

/* A value quoted in a message: short, one line, printable. */
static char *
config_quote(const char *value)
{
	struct buf	 b = { 0 };
	size_t		 i;

	buf_addc(&b, '\'');
	for (i = 0; value[i] != '\0' && i < 40; i++) {
		if (isprint((unsigned char)value[i]))
			buf_addc(&b, value[i]);
		else
			buf_addc(&b, '?');
	}
	if (value[i] != '\0')
		buf_adds(&b, "...");
	buf_addc(&b, '\'');
	return (buf_steal(&b));
}

/*
 * Whether a name that is not ours may be quoted in a message.  A secret
 * pasted on a line of its own ("c2VjcmV0==" or "3f9a...=x") turns into a
 * key; only names that look like our keys are shown (lower-case letters,
 * '_' and '-', short), the others are described without their text.
 */
static bool
config_name_shown(const char *name)
{
	size_t	 n;

	n = strspn(name, "abcdefghijklmnopqrstuvwxyz_-");
	return (n > 0 && n <= 32 && name[n] == '\0');
}

static bool
config_section_known(const char *section)
{
	size_t	 i;

	for (i = 0; i < nitems(config_table); i++) {
		if (strcmp(config_table[i].section, section) == 0)
			return (true);
	}
	return (false);
}

static bool
config_close_enough(const char *a, const char *b, size_t *best)
{
	size_t	 d, la = strlen(a), lb = strlen(b);

	/* Far apart in length: no suggestion (and no quadratic work). */
	if (la > lb + 3 || lb > la + 3)
		return (false);
	d = util_levenshtein(a, b);
	if (d > 3 || (d > 1 && d * 3 > la + 1))
		return (false);
	if (d >= *best)
		return (false);
	*best = d;
	return (true);
}

static const char *
config_suggest_section(const char *section)
{
	const char	*found = NULL;
	size_t		 i, best = SIZE_MAX;

	for (i = 0; i < nitems(config_table); i++) {
		if (config_close_enough(section, config_table[i].section,
		    &best))
			found = config_table[i].section;
	}
	return (found);
}

/* The key closest to `key` in `section`, into a static buffer. */
static const char *
config_suggest_key(const char *section, const char *key)
{
	static char	 out[128];
	const char	*found = NULL;
	size_t		 i, best = SIZE_MAX;
	char		 tmp[128];

	for (i = 0; i < nitems(config_table); i++) {
		const struct config_entry *e = &config_table[i];

		if (strcmp(e->section, section) != 0)
			continue;
		if (config_close_enough(key, e->key, &best)) {
			snprintf(out, sizeof out, "%s", e->key);
			found = out;
		}
		if (e->type != CONFIG_SECRET)
			continue;
		snprintf(tmp, sizeof tmp, "%s%s", e->key, CONFIG_FILE_SUFFIX);
		if (config_close_enough(key, tmp, &best)) {
			snprintf(out, sizeof out, "%s", tmp);
			found = out;
		}
	}
	if (strcmp(section, "prometheus") == 0) {
		for (i = 0; i < nitems(config_queries); i++) {
			snprintf(tmp, sizeof tmp, "%s%s", CONFIG_QUERY_PREFIX,
			    config_queries[i].name);
			if (config_close_enough(key, tmp, &best)) {
				snprintf(out, sizeof out, "%s", tmp);
				found = out;
			}
		}
	}
	return (found);
}

static bool
config_match_key(const char *section, const char *key,
    struct config_match *m)
{
	size_t	 i, n, len = strlen(key), slen = strlen(CONFIG_FILE_SUFFIX);

	memset(m, 0, sizeof *m);
	for (i = 0; i < nitems(config_table); i++) {
		const struct config_entry *e = &config_table[i];

		if (strcmp(e->section, section) != 0)
			continue;
		m->entry = e;
		m->slot = i;
		if (strcmp(e->key, key) == 0)
			return (true);
		n = strlen(e->key);
		if (e->type == CONFIG_SECRET && len == n + slen &&
		    strncmp(e->key, key, n) == 0 &&
		    strcmp(key + n, CONFIG_FILE_SUFFIX) == 0) {
			m->file = true;
			return (true);
		}
	}
	m->entry = NULL;
	n = strlen(CONFIG_QUERY_PREFIX);
	if (strcmp(section, "prometheus") == 0 &&
	    strncmp(key, CONFIG_QUERY_PREFIX, n) == 0) {
		for (i = 0; i < nitems(config_queries); i++) {
			if (strcmp(key + n, config_queries[i].name) == 0) {
				m->query = i;
				m->slot = nitems(config_table) + i;
				return (true);
			}
		}
	}
	return (false);
}

/* Expand ~/ and make a relative path relative to the config's directory. */
static char *
config_resolve_path(struct config_parse *p, const char *value)
{
	const char	*home;

	if (value[0] == '~' && value[1] == '/') {
		if ((home = getenv("HOME")) == NULL || *home == '\0')
			return (NULL);
		return (xasprintf("%s%s", home, value + 1));
	}
	if (value[0] == '/' || p->dir == NULL)
		return (xstrdup(value));
	return (xasprintf("%s/%s", p->dir, value));
}

static bool
config_url_ok(const char *url, const char **why)
{
	const char	*host, *end;
	size_t		 i;

	if (strncasecmp(url, "http://", 7) == 0)
		host = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		host = url + 8;
	else {
		*why = "expected an http:// or https:// URL";
		return (false);
	}
	for (i = 0; url[i] != '\0'; i++) {
		if (isspace((unsigned char)url[i]) ||
		    iscntrl((unsigned char)url[i])) {
			*why = "expected a URL without spaces";
			return (false);
		}
	}
	end = host + strcspn(host, "/?#");
	if (end == host) {
		*why = "expected a host name after the scheme";
		return (false);
	}
	if (memchr(host, '@', end - host) != NULL) {
		*why = "user:password@ is not allowed in a URL; use the "
		    "credential keys";
		return (false);
	}
	return (true);
}

/*
 * The directories above path, up to / or the home directory, checked as
 * OpenSSH's safe_path checks them: each owned by us or by root and
 * writable by no one else, for whoever can replace an entry on the way
 * can replace the file.  A sticky directory (/tmp) may be writable by
 * all: no one there can rename or remove what another user owns, and
 * what is below it is checked in turn.  0, or -1 with *cause.
 */
static int
config_check_dirs(const char *path, char **cause)
{
	struct stat	 st;
	const char	*env;
	char		*real, *home = NULL, *slash;
	mode_t		 w;
	int		 rc = -1;

	if ((real = realpath(path, NULL)) == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return (-1);
	}
	if ((env = getenv("HOME")) != NULL && *env == '/')
		home = realpath(env, NULL);
	for (;;) {
		if ((slash = strrchr(real, '/')) == NULL)
			break;
		slash[slash == real ? 1 : 0] = '\0';
		if (stat(real, &st) == -1) {
			*cause = xasprintf("%s: %s: %s", path, real,
			    strerror(errno));
			goto out;
		}
		if (st.st_uid != getuid() && st.st_uid != 0) {
			*cause = xasprintf("%s: the directory %s is owned by "
			    "uid %lu, neither you (uid %lu) nor root; run: "
			    "chown %lu %s", path, real,
			    (unsigned long)st.st_uid, (unsigned long)getuid(),
			    (unsigned long)getuid(), real);
			goto out;
		}
		w = st.st_mode & (S_IWGRP | S_IWOTH);
		if (w != 0 && (st.st_mode & S_ISVTX) == 0) {
			*cause = xasprintf("%s: the directory %s is writable "
			    "by %s (mode %04o); run: chmod %s-w %s", path, real,
			    w == S_IWOTH ? "others" : w == S_IWGRP ?
			    "the group" : "the group and others",
			    (unsigned)(st.st_mode & 07777), w == S_IWOTH ?
			    "o" : w == S_IWGRP ? "g" : "go", real);
			goto out;
		}
		if (strcmp(real, "/") == 0 ||
		    (home != NULL && strcmp(real, home) == 0))
			break;
	}
	rc = 0;
out:
	free(home);
	free(real);
	return (rc);
}

/*
 * Open a config or secret file without blocking (a FIFO would block in
 * open(2) until a writer comes), and check it as OpenSSH checks its own
 * files: a regular file, owned by us or by root, writable by no one
 * else, and so is each directory above it (config_check_dirs).  The
 * descriptor is back in blocking mode.  -1 with *cause.
 */
static int
config_open_checked(const char *path, struct stat *st, char **cause)
{
	int	 fd, fl;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK |
	    O_NOCTTY)) == -1) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return (-1);
	}
	if (fstat(fd, st) == -1) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st->st_mode)) {
		*cause = xasprintf("%s: not a regular file", path);
		goto fail;
	}
	if (st->st_uid != getuid() && st->st_uid != 0) {
		*cause = xasprintf("%s: is owned by uid %lu, neither you "
		    "(uid %lu) nor root; run: chown %lu %s",
		    path, (unsigned long)st->st_uid,
		    (unsigned long)getuid(), (unsigned long)getuid(), path);
		goto fail;
	}
	/* Whoever can write it can point bbbctl at their own server. */
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		*cause = xasprintf("%s: is writable by %s (mode %04o); run: "
		    "chmod %s-w %s", path, (st->st_mode & S_IWOTH) != 0 ?
		    "others" : "the group", (unsigned)(st->st_mode & 07777),
		    (st->st_mode & S_IWOTH) != 0 ? "o" : "g", path);
		goto fail;
	}
	if (config_check_dirs(path, cause) != 0)
		goto fail;
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		goto fail;
	}
	return (fd);
fail:
	close(fd);
	return (-1);
}

/* Read a secret from the first line of a file that only we may read. */
static char *
config_read_secret(struct config_parse *p, const char *what,
    const char *path)
{
	struct stat	 st;
	char		 line[CONFIG_SECRET_MAX + 2], *s = NULL, *why;
	int		 fd;
	size_t		 n, len;
	ssize_t		 r;

	if ((fd = config_open_checked(path, &st, &why)) == -1) {
		config_error(p, "%s: %s", what, why);
		free(why);
		return (NULL);
	}
	if ((st.st_mode & (S_IRGRP | S_IROTH)) != 0) {
		config_error(p, "%s: %s is readable by others (mode %04o); "
		    "run: chmod 600 %s", what, path,
		    (unsigned)(st.st_mode & 07777), path);
		close(fd);
		return (NULL);
	}
	/* read(2), not stdio: no buffer of ours keeps the secret. */
	len = 0;
	while (len < sizeof line - 1) {
		if ((r = read(fd, line + len, sizeof line - 1 - len)) == -1) {
			if (errno == EINTR)
				continue;
			config_error(p, "%s: %s: %s", what, path,
			    strerror(errno));
			close(fd);
			explicit_bzero(line, sizeof line);
			return (NULL);
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (memchr(line + len - r, '\n', r) != NULL)
			break;
	}
	close(fd);
	line[len] = '\0';
	n = strcspn(line, "\r\n");
	if (n > CONFIG_SECRET_MAX)
		config_error(p, "%s: %s: the first line is longer than %d "
		    "characters", what, path, CONFIG_SECRET_MAX);
	else if (n == 0)
		config_error(p, "%s: %s: the first line is empty", what, path);
	else
		s = xstrndup(line, n);
	explicit_bzero(line, sizeof line);
	return (s);
}

/*
 * Store one value.  Returns false (after an error) if it is bad; `value`
 * is never quoted for secrets.
 */
static bool
config_set(struct config_parse *p, const struct config_entry *e,
    const char *value, bool from_file)
{
	struct config	*cfg = p->cfg;
	char		**sp, *s, *q, what[96];
	const char	*why;
	long long	 ll;
	int64_t		 ms;
	bool		 b;
	size_t		 n;

	snprintf(what, sizeof what, "[%s] %s%s", e->section, e->key,
	    from_file ? CONFIG_FILE_SUFFIX : "");
	switch (e->type) {
	case CONFIG_SECRET:
		sp = config_str_field(cfg, e);
		if (*value == '\0')
			s = NULL;
		else if (from_file) {
			if ((q = config_resolve_path(p, value)) == NULL) {
				config_error(p, "%s: cannot expand ~ without "
				    "HOME", what);
				return (false);
			}
			s = config_read_secret(p, what, q);
			free(q);
			if (s == NULL)
				return (false);
		} else {
			s = xstrdup(value);
			p->inline_secret = true;
		}
		freezero_str(*sp);
		*sp = s;
		return (true);
	case CONFIG_STRING:
		sp = config_str_field(cfg, e);
		if (*value == '\0' && e->def != NULL) {
			config_error(p, "%s: expected a value (default %s)",
			    what, e->def);
			return (false);
		}
		if (e->choices != NULL) {
			n = strlen(value);
			q = strstr(e->choices, value);
			if (n == 0 || q == NULL ||
			    (q != e->choices && q[-1] != ' ') ||
			    (q[n] != '\0' && q[n] != ' ')) {
				q = config_quote(value);
				config_error(p, "%s: expected one of: %s; got "
				    "%s", what, e->choices, q);
				free(q);
				return (false);
			}
		}
		free(*sp);
		*sp = *value == '\0' ? NULL : xstrdup(value);
		return (true);
	case CONFIG_URL:
		sp = config_str_field(cfg, e);
		if (*value != '\0' && !config_url_ok(value, &why)) {
			if (strchr(value, '@') != NULL)
				config_error(p, "%s: %s", what, why);
			else {
				q = config_quote(value);
				config_error(p, "%s: %s, got %s", what, why,
				    q);
				free(q);
			}
			return (false);
		}
		free(*sp);
		s = *value == '\0' ? NULL : xstrdup(value);
		if (s != NULL) {
			n = strlen(s);
			while (n > 0 && s[n - 1] == '/' &&
			    strstr(s, "://") + 3 < s + n - 1)
				s[--n] = '\0';
		}
		*sp = s;
		return (true);
	case CONFIG_PATH:
		sp = config_str_field(cfg, e);
		s = NULL;
		if (*value != '\0' &&
		    (s = config_resolve_path(p, value)) == NULL) {
			config_error(p, "%s: cannot expand ~ without HOME",
			    what);
			return (false);
		}
		free(*sp);
		*sp = s;
		return (true);
	case CONFIG_BOOL:
		if (util_parse_bool(value, &b) == -1) {
			q = config_quote(value);
			config_error(p, "%s: expected yes or no, got %s", what,
			    q);
			free(q);
			return (false);
		}
		*(bool *)((char *)cfg + e->offset) = b;
		return (true);
	case CONFIG_INT:
		if (util_parse_ll(value, e->min, e->max, &ll, &why) == -1) {
			q = config_quote(value);
			config_error(p, "%s: expected a whole number from %lld "
			    "to %lld, got %s", what, e->min, e->max, q);
			free(q);
			return (false);
		}
		*(long *)((char *)cfg + e->offset) = (long)ll;
		return (true);
	case CONFIG_DURATION:
		if (util_parse_duration_ms(value, &ms, &why) == -1) {
			q = config_quote(value);
			config_error(p, "%s: expected a duration like 2s or "
			    "500ms, got %s", what, q);
			free(q);
			return (false);
		}
		if (ms < e->min || ms > e->max) {
			q = config_quote(value);
			config_error(p, "%s: expected a duration from %lldms "
			    "to %llds, got %s", what, e->min, e->max / 1000,
			    q);
			free(q);
			return (false);
		}
		*(int64_t *)((char *)cfg + e->offset) = ms;
		return (true);
	case CONFIG_PROMQL:
		break;
	}
	return (false);
}

static void
config_set_query(struct config_parse *p, size_t i, const char *value)
{
	char	**sp = &p->cfg->prometheus.queries[i];

	free(*sp);
	if (*value == '\0')
		*sp = xstrdup(config_queries[i].promql);
	else
		*sp = xstrdup(value);
}

#if INI_HANDLER_LINENO
static int
config_handler_cb(void *arg, const char *section, const char *key,
    const char *value, int lineno)
#else
static int
config_handler_cb(void *arg, const char *section, const char *key,
    const char *value)
#endif
{
	struct config_parse	*p = arg;
	struct config_match	 m;
	const char		*sug, *name;
	int			 prev;

	if (p->long_lineno == p->lineno && p->long_value != NULL)
		value = p->long_value;
	if (*section == '\0') {
		if (config_name_shown(key))
			config_error(p, "key '%s' is outside any [section]",
			    key);
		else
			config_error(p, "a key is outside any [section]");
		return (1);
	}
	if (p->section_bad)
		return (1);	/* reported at the [section] line */
	if (!config_match_key(section, key, &m)) {
		sug = config_suggest_key(section, key);
		if (sug != NULL)
			config_error(p, "unknown key '%s' in [%s]; did you "
			    "mean '%s'?", key, section, sug);
		else if (config_name_shown(key))
			config_error(p, "unknown key '%s' in [%s]", key,
			    section);
		else
			config_error(p, "unknown key in [%s] (not shown: it "
			    "looks like a value)", section);
		return (1);
	}
	if ((prev = p->seen[m.slot]) != 0) {
		name = m.entry != NULL ? m.entry->key : key;
		if (m.entry != NULL && m.entry->type == CONFIG_SECRET)
			config_error(p, "[%s] %s: already set on line %d "
			    "(give only one of %s and %s%s)", section, key,
			    prev, name, name, CONFIG_FILE_SUFFIX);
		else
			config_error(p, "[%s] %s: already set on line %d",
			    section, key, prev);
		return (1);
	}
	p->seen[m.slot] = p->lineno;
	if (m.entry == NULL)
		config_set_query(p, m.query, value);
	else
		config_set(p, m.entry, value, m.file);
	return (1);
}

/*
 * inih's rules, which our reader checks itself: stop at one of chars or
 * at an inline comment (';' after a blank).
 */
static char *
config_find_chars(char *s, const char *chars)
{
	bool	 was_space = false;

	while (*s != '\0' && (chars == NULL || strchr(chars, *s) == NULL) &&
	    !(was_space && *s == ';')) {
		was_space = isspace((unsigned char)*s);
		s++;
	}
	return (s);
}

static void
config_rstrip(char *s)
{
	size_t	 n = strlen(s);

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/*
 * Check one line (leading blanks and the newline gone) before inih sees
 * it.  Returns false if inih should get an empty line instead.
 */
static bool
config_check_line(struct config_parse *p, char *line)
{
	char	*end, *name, *rest, save;
	const char *sug;

	if (*line == '\0' || *line == ';' || *line == '#')
		return (true);
	if (*line == '[') {
		end = config_find_chars(line + 1, "]");
		if (*end != ']') {
			config_error(p, "expected ']' to end the section name");
			return (false);
		}
		rest = end + 1;
		while (isspace((unsigned char)*rest))
			rest++;
		if (*rest != '\0' && *rest != ';' && *rest != '#') {
			/* inih would drop every key after it, silently. */
			config_error(p, "text after the section header: put it "
			    "on a line of its own");
			return (false);
		}
		name = line + 1;
		save = *end;
		*end = '\0';
		p->section_bad = !config_section_known(name);
		if (p->section_bad) {
			if ((sug = config_suggest_section(name)) != NULL)
				config_error(p, "unknown section [%s]; did "
				    "you mean [%s]?", name, sug);
			else if (config_name_shown(name))
				config_error(p, "unknown section [%s]", name);
			else
				config_error(p, "unknown section");
		}
		*end = save;
		return (true);
	}
	/* inih also takes "key: value"; we do not (a pasted token would
	 * turn into a key that messages show). */
	end = config_find_chars(line, "=:");
	if (*end != '=' || end == line) {
		config_error(p, "expected 'key = value' or '[section]'");
		return (false);
	}
	return (true);
}

/*
 * One line (up to and without the LF) into *line, at most CONFIG_LINE_MAX
 * bytes kept: the rest of a longer line is read and dropped (*toolong).
 * The length, or -1 at the end of the file.
 */
static ssize_t
config_getline(FILE *f, char **line, size_t *cap, bool *toolong)
{
	size_t	 len = 0;
	int	 ch;

	*toolong = false;
	if (*line == NULL) {
		*cap = 256;
		*line = xmalloc(*cap);
	}
	while ((ch = getc(f)) != EOF) {
		if (ch == '\n')
			break;
		if (len >= CONFIG_LINE_MAX) {
			*toolong = true;
			continue;
		}
		if (len + 2 > *cap) {
			*line = xrealloc(*line, *cap * 2);
			*cap *= 2;
		}
		(*line)[len++] = (char)ch;
	}
	if (ch == EOF && len == 0 && !*toolong)
		return (-1);
	(*line)[len] = '\0';
	return ((ssize_t)len);
}

/* inih's reader: one whole line per call, so lineno stays exact. */
static char *
config_reader_cb(char *str, int num, void *arg)
{
	struct config_parse	*p = arg;
	char			*line = NULL, *start, *end, *value;
	size_t			 cap = 0, len;
	ssize_t			 n;
	bool			 toolong;

	if ((n = config_getline(p->f, &line, &cap, &toolong)) == -1) {
		free(line);
		return (NULL);
	}
	p->lineno++;
	len = (size_t)n;
	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	if (toolong) {
		config_error(p, "line longer than %d bytes", CONFIG_LINE_MAX);
		len = 0;
		line[0] = '\0';
	}
	if (memchr(line, '\r', len) != NULL) {
		/* Mac line endings: inih would read one line, or misparse. */
		config_error(p, "a carriage return inside the line: lines "
		    "must end in LF or CR LF (CR-only line endings?)");
		len = 0;
		line[0] = '\0';
	}
	start = line;
	if (p->lineno == 1 && strncmp(start, "\xEF\xBB\xBF", 3) == 0)
		start += 3;
	while (isspace((unsigned char)*start))
		start++;
	if (memchr(start, '\0', len - (start - line)) != NULL) {
		config_error(p, "unexpected NUL byte");
		*start = '\0';
	}
	if (!config_check_line(p, start))
		*start = '\0';

	len = strlen(start);
	if (*start == ';' || *start == '#')
		*start = '\0';		/* a comment, however long */
	else if (len + 2 > (size_t)num) {
		/* Too long for inih: hand it the key, keep the value. */
		end = config_find_chars(start, "=:");
		if (*start == '[' || *end == '\0' ||
		    (size_t)(end - start) + 4 > (size_t)num) {
			config_error(p, "line too long");
			*start = '\0';
		} else {
			value = end + 1;
			*config_find_chars(value, NULL) = '\0';
			while (isspace((unsigned char)*value))
				value++;
			config_rstrip(value);
			freezero_str(p->long_value);
			p->long_value = xstrdup(value);
			p->long_lineno = p->lineno;
			end[1] = '\0';
		}
	}
	snprintf(str, num, "%s\n", start);
	explicit_bzero(line, cap);
	free(line);
	return (str);
}

static void
config_set_defaults(struct config *cfg)
{
	struct config_parse	 p;
	size_t			 i;

	memset(&p, 0, sizeof p);
	p.cfg = cfg;
	p.path = "(defaults)";
	for (i = 0; i < nitems(config_table); i++) {
		if (config_table[i].def != NULL &&
		    !config_set(&p, &config_table[i], config_table[i].def,
		    false))
			fatalx("config: bad default for [%s] %s",
			    config_table[i].section, config_table[i].key);
	}
	for (i = 0; i < nitems(config_queries); i++)
		cfg->prometheus.queries[i] = xstrdup(config_queries[i].promql);
	buf_free(&p.errors);
}

struct config *
config_new(void)
{
	struct config	*cfg;

	cfg = xcalloc(1, sizeof *cfg);
	config_set_defaults(cfg);
	return (cfg);
}

void
config_free(struct config *cfg)
{
	size_t	 i;
	char	**sp;

	if (cfg == NULL)
		return;
	for (i = 0; i < nitems(config_table); i++) {
		switch (config_table[i].type) {
		case CONFIG_SECRET:
			sp = config_str_field(cfg, &config_table[i]);
			freezero_str(*sp);
			break;
		case CONFIG_STRING:
		case CONFIG_URL:
		case CONFIG_PATH:
			free(*config_str_field(cfg, &config_table[i]));
			break;
		default:
			break;
		}
	}
	for (i = 0; i < CONFIG_PROM_QUERIES_MAX; i++)
		free(cfg->prometheus.queries[i]);
	free(cfg->path);
	explicit_bzero(cfg, sizeof *cfg);
	free(cfg);
}

static bool
config_exists(const char *path)
{
	return (access(path, F_OK) == 0);
}

char *
config_find(const char *explicit_path)
{
	const char	*env, *home;
	char		*path;

	if (explicit_path != NULL)
		return (xstrdup(explicit_path));
	if ((env = getenv("BBBCTL_CONFIG")) != NULL && *env != '\0')
		return (xstrdup(env));
	if ((env = getenv("XDG_CONFIG_HOME")) != NULL && *env == '/')
		path = xasprintf("%s/bbbctl/bbbctl.conf", env);
	else if ((home = getenv("HOME")) != NULL && *home != '\0')
		path = xasprintf("%s/.config/bbbctl/bbbctl.conf", home);
	else
		path = NULL;
	if (path != NULL && config_exists(path))
		return (path);
	free(path);
#ifdef SYSCONFDIR
	path = xstrdup(SYSCONFDIR "/bbbctl/bbbctl.conf");
	if (config_exists(path))
		return (path);
	free(path);
#endif
	if (config_exists("/etc/bbbctl/bbbctl.conf"))
		return (xstrdup("/etc/bbbctl/bbbctl.conf"));
	return (NULL);
}

int
config_load(struct config *cfg, const char *path, char **cause)
{
	struct config_parse	 p;
	struct stat		 st;
	char			*slash, iobuf[BUFSIZ];
	int			 fd, rc, ret = -1;

	memset(&p, 0, sizeof p);
	p.cfg = cfg;
	p.path = path;
	if ((fd = config_open_checked(path, &st, cause)) == -1)
		return (-1);
	if ((p.f = fdopen(fd, "r")) == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		close(fd);
		return (-1);
	}
	setvbuf(p.f, iobuf, _IOFBF, sizeof iobuf);	/* zeroed below */
	if ((slash = strrchr(path, '/')) != NULL)
		p.dir = xstrndup(path, slash == path ? 1 : slash - path);

	rc = ini_parse_stream(config_reader_cb, &p, config_handler_cb, &p);
	if (rc == -2)
		fatalx("config: out of memory");
	if (rc > 0 && p.nerrors == 0) {
		/* inih found something our reader did not. */
		p.lineno = rc;
		config_error(&p, "syntax error");
	}
	if (ferror(p.f)) {
		p.lineno = 0;
		config_error(&p, "read error: %s", strerror(errno));
	}
	if (p.inline_secret && (st.st_mode & (S_IRGRP | S_IROTH)) != 0) {
		p.lineno = 0;
		config_error(&p, "holds secrets but is readable by others "
		    "(mode %04o); run: chmod 600 %s",
		    (unsigned)(st.st_mode & 07777), path);
	}
	free(cfg->path);
	cfg->path = xstrdup(path);
	if (p.nerrors != 0) {
		*cause = buf_steal(&p.errors);
		goto out;
	}
	/* From now on no text leaving the process shows these. */
	mask_add_config(cfg);
	ret = 0;
out:
	fclose(p.f);
	explicit_bzero(iobuf, sizeof iobuf);
	freezero_str(p.long_value);
	buf_free(&p.errors);
	free(p.dir);
	return (ret);
}

bool
config_key_is_secret(const char *section, const char *key)
{
	struct config_match	 m;

	if (!config_match_key(section, key, &m) || m.entry == NULL)
		return (false);
	return (m.entry->type == CONFIG_SECRET && !m.file);
}

const char *
config_prom_query(const struct config *cfg, const char *name)
{
	size_t	 i;

	for (i = 0; i < nitems(config_queries); i++) {
		if (strcmp(config_queries[i].name, name) == 0)
			return (cfg->prometheus.queries[i]);
	}
	return (NULL);
}

void
config_dump(const struct config *cfg, FILE *f)
{
	const struct config_entry	*e;
	const char			*section = NULL;
	const void			*field;
	const char			*s;
	char				*c;
	size_t				 i, j;

	for (i = 0; i < nitems(config_table); i++) {
		e = &config_table[i];
		field = (const char *)cfg + e->offset;
		if (section == NULL || strcmp(section, e->section) != 0) {
			fprintf(f, "%s[%s]\n", section == NULL ? "" : "\n",
			    e->section);
			section = e->section;
		}
		switch (e->type) {
		case CONFIG_SECRET:
		case CONFIG_STRING:
		case CONFIG_URL:
		case CONFIG_PATH:
			s = *(char *const *)field;
			if (s == NULL)
				fprintf(f, "#%s =\n", e->key);
			else if (e->type == CONFIG_SECRET)
				fprintf(f, "%s = ********\n", e->key);
			else {
				/* No control character to the terminal. */
				c = util_clean(s);
				fprintf(f, "%s = %s\n", e->key, c);
				free(c);
			}
			break;
		case CONFIG_BOOL:
			fprintf(f, "%s = %s\n", e->key,
			    *(const bool *)field ? "yes" : "no");
			break;
		case CONFIG_INT:
			fprintf(f, "%s = %ld\n", e->key, *(const long *)field);
			break;
		case CONFIG_DURATION:
			fprintf(f, "%s = %lldms\n", e->key,
			    (long long)*(const int64_t *)field);
			break;
		case CONFIG_PROMQL:
			break;
		}
		if (strcmp(e->section, "prometheus") == 0 &&
		    (i + 1 == nitems(config_table) ||
		    strcmp(config_table[i + 1].section, "prometheus") != 0)) {
			for (j = 0; j < nitems(config_queries); j++) {
				c = util_clean(cfg->prometheus.queries[j]);
				fprintf(f, "%s%s = %s\n", CONFIG_QUERY_PREFIX,
				    config_queries[j].name, c);
				free(c);
			}
		}
	}
}

void
config_dump_keys(FILE *f)
{
	const struct config_entry	*e;
	size_t				 i, j;

	for (i = 0; i < nitems(config_table); i++) {
		e = &config_table[i];
		fprintf(f, "%s.%s\t%s\t%s\n", e->section, e->key,
		    config_type_names[e->type], e->doc);
		if (e->type == CONFIG_SECRET)
			fprintf(f, "%s.%s%s\tpath\tfile whose first line is "
			    "%s\n", e->section, e->key, CONFIG_FILE_SUFFIX,
			    e->key);
		if (strcmp(e->section, "prometheus") == 0 &&
		    (i + 1 == nitems(config_table) ||
		    strcmp(config_table[i + 1].section, "prometheus") != 0)) {
			for (j = 0; j < nitems(config_queries); j++)
				fprintf(f, "prometheus.%s%s\tpromql\t"
				    "PromQL for %s (see prom-queries.h)\n",
				    CONFIG_QUERY_PREFIX,
				    config_queries[j].name,
				    config_queries[j].name);
		}
	}
}
