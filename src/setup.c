/*
 * setup.c: the answers of bbbctl setup: the table of pages and fields,
 * their checks, the answers file, the configuration they make and the
 * plan.  No I/O but the answers file and the configuration written.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "setup.h"
#include "util.h"

#define SETUP_FILE_MAX		(256 * 1024)
#define SETUP_MAX_ERRORS	20
#define SETUP_FILE_SUFFIX	"_file"

static const struct setup_page setup_page_table[] = {
	{ "cluster", "The fleet",
	  "Its name, the domain of its public names, how many BBB nodes.",
	  false, NULL },
	{ "openstack", "OpenStack (Keystone v3)",
	  "Where the VMs of the BBB nodes are made: an application "
	  "credential.", false, NULL },
	{ "rancher", "Rancher 1.6",
	  "The environment where the stacks run: an API key pair.",
	  false, NULL },
	{ "consul", "consul",
	  "Service discovery of the nodes.  Mode create: setup makes it.",
	  true, "consul" },
	{ "prometheus", "Prometheus",
	  "Monitoring (with consul service discovery, Grafana, exporters).",
	  true, "metrics" },
	{ "scalelite", "scalelite",
	  "The load balancer of the BBB API (and Greenlight on it).",
	  true, "bbb-scalelite" },
	{ "postgres", "PostgreSQL",
	  "The database of scalelite, Greenlight and bbbctl's audit trail.",
	  true, "postgres" },
	{ "ssh", "ssh to the nodes",
	  "How bbbctl reaches the nodes (key rotation, rake, backups).",
	  false, NULL },
	{ "backup", "Backups and saving",
	  "Where backups go, and how the configuration keeps secrets.",
	  false, NULL },
};

#define MODE_HELP "existing: bbbctl uses it; create: setup makes its stack " \
	"on Rancher"
#define S(p, k, kind, label, help, d, req, conn, chk, cfg) \
	{ p, k, kind, label, help, d, NULL, 0, 0, req, conn, chk, cfg }
#define C(p, k, label, help, d, ch, cfg) \
	{ p, k, SETUP_CHOICE, label, help, d, ch, 0, 0, true, false, \
	  SETUP_CHECK_NONE, cfg }
#define N(p, k, label, help, d, lo, hi, cfg) \
	{ p, k, SETUP_NUMBER, label, help, d, NULL, lo, hi, true, false, \
	  SETUP_CHECK_NONE, cfg }

static const struct setup_field setup_field_table[] = {
	S("cluster", "name", SETUP_TEXT, "Fleet name",
	  "shown in the title bar; a-z, 0-9 and '-'", "bbb", true, false,
	  SETUP_CHECK_NAME, "cluster.name"),
	S("cluster", "domain", SETUP_TEXT, "Domain",
	  "nodes are bbb-NN.DOMAIN, scalelite lb.DOMAIN", NULL, true, false,
	  SETUP_CHECK_DOMAIN, "cluster.domain"),
	N("cluster", "nodes", "BBB nodes", "how many BBB nodes to create "
	  "(1 to 200)", "3", 1, 200, NULL),
	C("cluster", "turn", "TURN server", "create: a coturn stack with a "
	  "generated static auth secret", "create", "create none", NULL),

	S("openstack", "auth_url", SETUP_TEXT, "Keystone URL",
	  "Keystone v3, e.g. https://keystone.example.org:5000/v3", NULL,
	  true, false, SETUP_CHECK_URL, "openstack.auth_url"),
	S("openstack", "application_credential_id", SETUP_TEXT,
	  "Credential id", "the application credential's id", NULL, true,
	  false, SETUP_CHECK_WORD, "openstack.application_credential_id"),
	S("openstack", "application_credential_secret", SETUP_SECRET,
	  "Credential secret", "the application credential's secret "
	  "(never shown)", NULL, true, false, SETUP_CHECK_NONE,
	  "openstack.application_credential_secret"),
	S("openstack", "region", SETUP_TEXT, "Region", "the region name",
	  "RegionOne", true, false, SETUP_CHECK_WORD, "openstack.region"),
	S("openstack", "ca_file", SETUP_TEXT, "CA file", "CA certificates "
	  "to trust (empty: the system's)", NULL, false, false,
	  SETUP_CHECK_PATH, "openstack.ca_file"),
	S("openstack", "flavor", SETUP_TEXT, "Node flavor", "the Nova "
	  "flavor of a BBB node's VM (needed to create nodes)", NULL, false,
	  false, SETUP_CHECK_WORD, "scale.flavor"),
	S("openstack", "image", SETUP_TEXT, "Node image", "the image of a "
	  "BBB node's VM (needed to create nodes)", NULL, false, false,
	  SETUP_CHECK_WORD, "scale.image"),
	S("openstack", "networks", SETUP_TEXT, "Node networks", "networks "
	  "of a BBB node's VM, comma-separated (needed to create nodes)",
	  NULL, false, false, SETUP_CHECK_WORD, "scale.networks"),
	S("openstack", "key_name", SETUP_TEXT, "Key pair", "the Nova key "
	  "pair of a BBB node's VM (empty: none)", NULL, false, false,
	  SETUP_CHECK_WORD, "scale.key_name"),
	S("openstack", "bbb_secret", SETUP_SECRET, "BBB secret", "the BBB "
	  "API secret of new nodes (empty: generated; never shown)", NULL,
	  false, false, SETUP_CHECK_NONE, "scale.bbb_secret"),

	S("rancher", "url", SETUP_TEXT, "Rancher URL", "the Rancher 1.6 "
	  "server, e.g. https://rancher.example.org", NULL, true, false,
	  SETUP_CHECK_URL, "rancher.url"),
	S("rancher", "access_key", SETUP_TEXT, "Access key", "the API key "
	  "pair's access key", NULL, true, false, SETUP_CHECK_WORD,
	  "rancher.access_key"),
	S("rancher", "secret_key", SETUP_SECRET, "Secret key", "the API "
	  "key pair's secret key (never shown)", NULL, true, false,
	  SETUP_CHECK_NONE, "rancher.secret_key"),
	S("rancher", "project", SETUP_TEXT, "Environment id", "the "
	  "project (environment) id, e.g. 1a5", "1a5", true, false,
	  SETUP_CHECK_WORD, "rancher.project"),
	S("rancher", "ca_file", SETUP_TEXT, "CA file", "CA certificates "
	  "to trust (empty: the system's)", NULL, false, false,
	  SETUP_CHECK_PATH, "rancher.ca_file"),

	C("consul", "mode", "consul", MODE_HELP, "existing",
	  "existing create", NULL),
	S("consul", "url", SETUP_TEXT, "consul URL", "the HTTP API, e.g. "
	  "http://consul.example.org:8500", NULL, false, true,
	  SETUP_CHECK_URL, "consul.url"),
	S("consul", "token", SETUP_SECRET, "ACL token", "empty: the "
	  "agent's default token (never shown)", NULL, false, false,
	  SETUP_CHECK_NONE, "consul.token"),
	S("consul", "service", SETUP_TEXT, "Service", "the consul service "
	  "of the BBB nodes", "bbb", true, false, SETUP_CHECK_NAME,
	  "consul.service"),
	S("consul", "ca_file", SETUP_TEXT, "CA file", "CA certificates "
	  "to trust (empty: the system's)", NULL, false, false,
	  SETUP_CHECK_PATH, "consul.ca_file"),

	C("prometheus", "mode", "Prometheus", MODE_HELP, "existing",
	  "existing create", NULL),
	S("prometheus", "url", SETUP_TEXT, "Prometheus URL", "e.g. "
	  "http://prometheus.example.org:9090", NULL, false, true,
	  SETUP_CHECK_URL, "prometheus.url"),
	S("prometheus", "user", SETUP_TEXT, "User", "HTTP basic "
	  "authentication (empty: none)", NULL, false, false,
	  SETUP_CHECK_WORD, "prometheus.user"),
	S("prometheus", "password", SETUP_SECRET, "Password", "HTTP basic "
	  "authentication (never shown)", NULL, false, false,
	  SETUP_CHECK_NONE, "prometheus.password"),
	S("prometheus", "ca_file", SETUP_TEXT, "CA file", "CA "
	  "certificates to trust (empty: the system's)", NULL, false, false,
	  SETUP_CHECK_PATH, "prometheus.ca_file"),

	C("scalelite", "mode", "scalelite", MODE_HELP, "existing",
	  "existing create", NULL),
	S("scalelite", "url", SETUP_TEXT, "scalelite URL", "e.g. "
	  "https://lb.example.org", NULL, false, true, SETUP_CHECK_URL,
	  "scalelite.url"),
	S("scalelite", "secret", SETUP_SECRET, "Shared secret",
	  "LOADBALANCER_SECRET (never shown)", NULL, false, true,
	  SETUP_CHECK_NONE, "scalelite.secret"),
	S("scalelite", "ssh_host", SETUP_TEXT, "rake ssh host", "scalelite "
	  "before 1.5.1 only: the host of its containers", NULL, false,
	  false, SETUP_CHECK_DOMAIN, "scalelite.ssh_host"),
	S("scalelite", "ca_file", SETUP_TEXT, "CA file", "CA "
	  "certificates to trust (empty: the system's)", NULL, false, false,
	  SETUP_CHECK_PATH, "scalelite.ca_file"),
	C("scalelite", "greenlight", "Greenlight", "create: a Greenlight "
	  "stack on scalelite", "create", "create none", NULL),

	C("postgres", "mode", "PostgreSQL", MODE_HELP, "existing",
	  "existing create", NULL),
	S("postgres", "conninfo", SETUP_SECRET, "Connection", "libpq "
	  "string, e.g. host=db dbname=bbb user=bbbctl (never shown)", NULL,
	  false, true, SETUP_CHECK_NONE, "postgres.conninfo"),

	S("ssh", "user", SETUP_TEXT, "User", "the user on the nodes",
	  "root", true, false, SETUP_CHECK_WORD, "ssh.user"),
	N("ssh", "port", "Port", "the nodes' ssh port", "22", 1, 65535,
	  "ssh.port"),
	S("ssh", "identity", SETUP_TEXT, "Private key", "the key file, "
	  "e.g. ~/.ssh/id_ed25519", NULL, false, false, SETUP_CHECK_PATH,
	  "ssh.identity"),
	S("ssh", "known_hosts", SETUP_TEXT, "known_hosts", "the nodes' "
	  "host keys, e.g. ~/.ssh/known_hosts", NULL, false, false,
	  SETUP_CHECK_PATH, "ssh.known_hosts"),

	S("backup", "dir", SETUP_TEXT, "Backup directory", "where "
	  "backups go", "/var/backups/bbbctl", true, false,
	  SETUP_CHECK_PATH, "backup.dir"),
	C("backup", "secrets", "Secrets", "inline: in the 0600 "
	  "configuration; files: KEY_file, one 0600 file each", "inline",
	  "inline files", NULL),
};

const struct setup_page *
setup_pages(size_t *n)
{
	*n = nitems(setup_page_table);
	return (setup_page_table);
}

const struct setup_field *
setup_fields(size_t *n)
{
	*n = nitems(setup_field_table);
	return (setup_field_table);
}

int
setup_field_find(const char *page, const char *key)
{
	size_t	 i;

	for (i = 0; i < nitems(setup_field_table); i++) {
		if (strcmp(setup_field_table[i].page, page) == 0 &&
		    strcmp(setup_field_table[i].key, key) == 0)
			return ((int)i);
	}
	return (-1);
}

/* Choices as arrays, made once (the table is static). */
#define SETUP_CHOICES_MAX	4
const char *const *
setup_field_choices(const struct setup_field *f, size_t *n)
{
	static const char *const existing[] = { "existing", "create", NULL };
	static const char *const create[] = { "create", "none", NULL };
	static const char *const secrets[] = { "inline", "files", NULL };

	*n = 2;
	if (f->choices == NULL) {
		*n = 0;
		return (NULL);
	}
	if (strcmp(f->choices, "existing create") == 0)
		return (existing);
	if (strcmp(f->choices, "create none") == 0)
		return (create);
	return (secrets);
}

static bool
setup_is_choice(const struct setup_field *f, const char *v)
{
	const char *const	*c;
	size_t			 n, i;

	c = setup_field_choices(f, &n);
	for (i = 0; i < n; i++) {
		if (strcmp(c[i], v) == 0)
			return (true);
	}
	return (false);
}

struct setup_answers *
setup_answers_new(void)
{
	struct setup_answers	*a;
	size_t			 i, n = nitems(setup_field_table);

	a = xcalloc(1, sizeof *a);
	a->val = xcalloc(n, sizeof *a->val);
	a->line = xcalloc(n, sizeof *a->line);
	a->fromfile = xcalloc(n, sizeof *a->fromfile);
	for (i = 0; i < n; i++)
		a->val[i] = xstrdup(setup_field_table[i].dflt != NULL ?
		    setup_field_table[i].dflt : "");
	return (a);
}

static void
setup_wipe_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

void
setup_answers_free(struct setup_answers *a)
{
	size_t	 i;

	if (a == NULL)
		return;
	for (i = 0; i < nitems(setup_field_table); i++)
		setup_wipe_free(a->val[i]);
	free(a->val);
	free(a->line);
	free(a->fromfile);
	free(a->path);
	free(a->extra);
	free(a);
}

const char *
setup_answers_get(const struct setup_answers *a, const char *page,
    const char *key)
{
	int	 i;

	if ((i = setup_field_find(page, key)) == -1)
		return (NULL);
	return (a->val[i]);
}

void
setup_answers_set(struct setup_answers *a, const char *page,
    const char *key, const char *value)
{
	int	 i;

	if ((i = setup_field_find(page, key)) == -1)
		return;
	setup_wipe_free(a->val[i]);
	a->val[i] = xstrdup(value != NULL ? value : "");
}

bool
setup_answers_create(const struct setup_answers *a, const char *page)
{
	const char	*m;

	m = setup_answers_get(a, page, "mode");
	return (m != NULL && strcmp(m, "create") == 0);
}

/* --- checks --------------------------------------------------------------- */

static bool
setup_dns_name(const char *v)
{
	const char	*p;
	size_t		 label = 0;

	if (*v == '\0' || strlen(v) > 253 || *v == '.' || *v == '-')
		return (false);
	for (p = v; *p != '\0'; p++) {
		if (*p == '.') {
			if (label == 0 || p[-1] == '-')
				return (false);
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)*p) && *p != '-')
			return (false);
		if (++label > 63)
			return (false);
	}
	return (label != 0 && p[-1] != '-');
}

static char *
setup_check_url(const char *v)
{
	const char	*h;
	size_t		 n;
	long		 port;
	char		 host[256];

	if (strncmp(v, "http://", 7) == 0)
		h = v + 7;
	else if (strncmp(v, "https://", 8) == 0)
		h = v + 8;
	else
		return (xstrdup("must start with http:// or https://"));
	if (strpbrk(v, " \t") != NULL)
		return (xstrdup("a URL has no blanks"));
	if (*h == '[') {
		if (strchr(h, ']') == NULL)
			return (xstrdup("an IPv6 address needs its ']'"));
		return (NULL);
	}
	n = strcspn(h, ":/?#");
	if (n == 0)
		return (xstrdup("no host name after the scheme"));
	if (n >= sizeof host)
		return (xstrdup("the host name is too long"));
	memcpy(host, h, n);
	host[n] = '\0';
	if (!setup_dns_name(host))
		return (xasprintf("'%s' is not a host name", host));
	if (h[n] == ':') {
		h += n + 1;
		n = strspn(h, "0123456789");
		port = n > 0 && n <= 5 ? strtol(h, NULL, 10) : 0;
		if (port < 1 || port > 65535 ||
		    (h[n] != '\0' && h[n] != '/'))
			return (xstrdup("the port must be from 1 to 65535"));
	}
	return (NULL);
}

char *
setup_check_value(const struct setup_field *f, const char *v)
{
	const char	*p;
	long long	 n;
	char		*end;

	if (*v == '\0')
		return (NULL);		/* required-ness is the page's */
	if (strchr(v, '\n') != NULL || strchr(v, '\r') != NULL)
		return (xstrdup("one line only"));
	switch (f->kind) {
	case SETUP_NUMBER:
		errno = 0;
		n = strtoll(v, &end, 10);
		if (errno != 0 || *end != '\0' || end == v)
			return (xstrdup("must be a number"));
		if (n < f->lo || n > f->hi)
			return (xasprintf("must be from %lld to %lld", f->lo,
			    f->hi));
		return (NULL);
	case SETUP_CHOICE:
		if (!setup_is_choice(f, v))
			return (xasprintf("must be one of: %s", f->choices));
		return (NULL);
	case SETUP_SECRET:
	case SETUP_TEXT:
		break;
	}
	switch (f->check) {
	case SETUP_CHECK_NONE:
		break;
	case SETUP_CHECK_NAME:
		if (strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789-") !=
		    strlen(v) || *v == '-')
			return (xstrdup("only a-z, 0-9 and '-' (not first)"));
		if (strlen(v) > 63)
			return (xstrdup("at most 63 characters"));
		break;
	case SETUP_CHECK_DOMAIN:
		if (!setup_dns_name(v))
			return (xstrdup("not a DNS name (letters, digits, "
			    "'-' and dots)"));
		break;
	case SETUP_CHECK_URL:
		/* Rancher 2.x's API is /v3 */
		n = strlen(v);
		if (strcmp(f->page, "rancher") == 0 && ((n >= 3 &&
		    strcmp(v + n - 3, "/v3") == 0) || strstr(v, "/v3/") !=
		    NULL))
			return (xstrdup("a Rancher 2.x API (/v3): not "
			    "supported, bbbctl needs Rancher 1.6"));
		return (setup_check_url(v));
	case SETUP_CHECK_WORD:
		for (p = v; *p != '\0'; p++) {
			if (isspace((unsigned char)*p) ||
			    iscntrl((unsigned char)*p))
				return (xstrdup("no blanks"));
		}
		break;
	case SETUP_CHECK_PATH:
		for (p = v; *p != '\0'; p++) {
			if (iscntrl((unsigned char)*p))
				return (xstrdup("no control characters"));
		}
		break;
	}
	return (NULL);
}

int
setup_check_page(const struct setup_answers *a, size_t page, int *field,
    char **cause)
{
	const struct setup_page	*p = &setup_page_table[page];
	const struct setup_field *f;
	const char		*v;
	bool			 existing;
	size_t			 i;
	char			*why;

	existing = p->creatable && !setup_answers_create(a, p->name);
	for (i = 0; i < nitems(setup_field_table); i++) {
		f = &setup_field_table[i];
		if (strcmp(f->page, p->name) != 0)
			continue;
		v = a->val[i];
		if ((why = setup_check_value(f, v)) != NULL) {
			*field = (int)i;
			*cause = xasprintf("%s: %s", f->key, why);
			free(why);
			return (-1);
		}
		if (*v == '\0' && (f->required || (f->conn && existing))) {
			*field = (int)i;
			*cause = xasprintf("%s: required%s", f->key,
			    f->conn ? " (or choose mode create)" : "");
			return (-1);
		}
	}
	if (strcmp(p->name, "postgres") == 0 &&
	    setup_answers_create(a, "scalelite") &&
	    !setup_answers_create(a, "postgres")) {
		*field = setup_field_find("postgres", "mode");
		*cause = xstrdup("mode: a scalelite that setup creates needs "
		    "the postgres stack setup creates: choose create");
		return (-1);
	}
	return (0);
}

/* --- the answers file ----------------------------------------------------- */

struct setup_errs {
	struct buf	 b;
	size_t		 n;
};

static void printflike(2, 3)
setup_err(struct setup_errs *e, const char *fmt, ...)
{
	va_list	 ap;
	char	 line[1024];

	if (e->n++ >= SETUP_MAX_ERRORS)
		return;
	if (e->b.len != 0)
		buf_add(&e->b, "\n", 1);
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	buf_adds(&e->b, line);
}

static char *
setup_trim(char *s)
{
	char	*e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	*e = '\0';
	return (s);
}

/* The first line of a secret's file (relative to the answers' dir). */
static char *
setup_read_secret(const char *name, const char *path, char **cause)
{
	struct stat	 st;
	char		*full, *dir, *slash, buf[4097];
	ssize_t		 n;
	int		 fd;

	if (*path != '/' && (slash = strrchr(name, '/')) != NULL) {
		dir = xstrndup(name, (size_t)(slash - name));
		full = xasprintf("%s/%s", dir, path);
		free(dir);
	} else
		full = xstrdup(path);
	if ((fd = open(full, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)) == -1) {
		*cause = xasprintf("%s: %s", full, strerror(errno));
		free(full);
		return (NULL);
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		*cause = xasprintf("%s: not a regular file", full);
		goto fail;
	}
	if ((st.st_mode & 077) != 0) {
		*cause = xasprintf("%s: readable by others (chmod 600)", full);
		goto fail;
	}
	if ((n = read(fd, buf, sizeof buf - 1)) < 0) {
		*cause = xasprintf("%s: %s", full, strerror(errno));
		goto fail;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	close(fd);
	free(full);
	full = xstrdup(buf);
	explicit_bzero(buf, sizeof buf);
	return (full);
fail:
	close(fd);
	free(full);
	return (NULL);
}

int
setup_answers_parse(struct setup_answers *a, const char *name,
    const char *text, size_t len, char **cause)
{
	const struct setup_field *f;
	struct setup_errs	 e;
	struct setup_answers	*t;
	const char		*p = text, *end = text + len, *nl;
	char			*line, *s, *k, *v, *why, section[64] = "";
	size_t			 i, klen, np;
	int			 lineno = 0, fi, field;
	bool			 file, insection = false;

	memset(&e, 0, sizeof e);
	t = setup_answers_new();
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		line = xstrndup(p, (size_t)((nl != NULL ? nl : end) - p));
		p = nl != NULL ? nl + 1 : end;
		lineno++;
		s = setup_trim(line);
		if (*s == '\0' || *s == '#' || *s == ';') {
			free(line);
			continue;
		}
		if (*s == '[') {
			k = strchr(s, ']');
			if (k == NULL || k[1] != '\0' ||
			    (size_t)(k - s - 1) >= sizeof section) {
				setup_err(&e, "%s:%d: a malformed section "
				    "line", name, lineno);
				insection = false;
			} else {
				*k = '\0';
				snprintf(section, sizeof section, "%s",
				    setup_trim(s + 1));
				insection = false;
				for (i = 0; i < nitems(setup_page_table);
				    i++) {
					if (strcmp(setup_page_table[i].name,
					    section) == 0)
						insection = true;
				}
				if (!insection)
					setup_err(&e, "%s:%d: unknown "
					    "section [%s]", name, lineno,
					    section);
			}
			free(line);
			continue;
		}
		if ((v = strchr(s, '=')) == NULL) {
			setup_err(&e, "%s:%d: expected key = value", name,
			    lineno);
			free(line);
			continue;
		}
		*v++ = '\0';
		k = setup_trim(s);
		v = setup_trim(v);
		if (!insection) {
			if (*section == '\0')
				setup_err(&e, "%s:%d: %s outside a section",
				    name, lineno, k);
			free(line);
			continue;
		}
		file = false;
		klen = strlen(k);
		fi = setup_field_find(section, k);
		if (fi == -1 && klen > strlen(SETUP_FILE_SUFFIX) &&
		    strcmp(k + klen - strlen(SETUP_FILE_SUFFIX),
		    SETUP_FILE_SUFFIX) == 0) {
			k[klen - strlen(SETUP_FILE_SUFFIX)] = '\0';
			fi = setup_field_find(section, k);
			if (fi != -1 &&
			    setup_field_table[fi].kind != SETUP_SECRET)
				fi = -1;
			file = true;
		}
		if (fi == -1) {
			setup_err(&e, "%s:%d: unknown key %s%s in [%s]",
			    name, lineno, k, file ? SETUP_FILE_SUFFIX : "",
			    section);
			free(line);
			continue;
		}
		f = &setup_field_table[fi];
		if (t->line[fi] != 0) {
			setup_err(&e, "%s:%d: %s given twice in [%s] (first "
			    "on line %d)", name, lineno, f->key, section,
			    t->line[fi]);
			explicit_bzero(line, strlen(line));
			free(line);
			continue;
		}
		t->line[fi] = lineno;
		t->fromfile[fi] = file;
		if (file) {
			if ((v = setup_read_secret(name, v, &why)) == NULL) {
				setup_err(&e, "%s:%d: %s_file: %s", name,
				    lineno, f->key, why);
				free(why);
				free(line);
				continue;
			}
		} else
			v = xstrdup(v);
		if ((why = setup_check_value(f, v)) != NULL) {
			/* never the value: it may be a secret */
			setup_err(&e, "%s:%d: %s: %s", name, lineno, f->key,
			    why);
			free(why);
		}
		setup_wipe_free(t->val[fi]);
		t->val[fi] = v;
		explicit_bzero(line, strlen(line));
		free(line);
	}
	/* Each page as a whole, errors at the line of the field. */
	if (e.n == 0) {
		np = nitems(setup_page_table);
		for (i = 0; i < np; i++) {
			if (setup_check_page(t, i, &field, &why) == 0)
				continue;
			if (t->line[field] != 0)
				setup_err(&e, "%s:%d: [%s] %s", name,
				    t->line[field], setup_page_table[i].name,
				    why);
			else
				setup_err(&e, "%s: [%s] %s", name,
				    setup_page_table[i].name, why);
			free(why);
		}
	}
	if (e.n != 0) {
		if (e.n > SETUP_MAX_ERRORS)
			buf_printf(&e.b, "\n%s: %zu more errors", name,
			    e.n - SETUP_MAX_ERRORS);
		buf_add(&e.b, "", 1);
		*cause = buf_steal(&e.b);
		setup_answers_free(t);
		return (-1);
	}
	/* Take t's values. */
	for (i = 0; i < nitems(setup_field_table); i++) {
		setup_wipe_free(a->val[i]);
		a->val[i] = t->val[i];
		t->val[i] = NULL;
		a->line[i] = t->line[i];
		a->fromfile[i] = t->fromfile[i];
	}
	free(a->path);
	a->path = xstrdup(name);
	setup_answers_free(t);
	return (0);
}

static void
setup_answers_swap(struct setup_answers *a, struct setup_answers *b)
{
	struct setup_answers	 t;

	t = *a;
	*a = *b;
	*b = t;
}

int
setup_answers_load(struct setup_answers *a, const char *path, char **cause)
{
	struct setup_answers	*t;
	struct stat	 st;
	struct buf	 b = { 0 };
	char		 chunk[8192];
	ssize_t		 n;
	size_t		 i;
	int		 fd, rc;
	bool		 inline_secret = false;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK)) == -1) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		*cause = xasprintf("%s: not a regular file", path);
		close(fd);
		return (-1);
	}
	if (st.st_size > SETUP_FILE_MAX) {
		*cause = xasprintf("%s: larger than %d bytes", path,
		    SETUP_FILE_MAX);
		close(fd);
		return (-1);
	}
	while ((n = read(fd, chunk, sizeof chunk)) > 0 &&
	    b.len < SETUP_FILE_MAX)
		buf_add(&b, chunk, (size_t)n);
	close(fd);
	if (n < 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		buf_free(&b);
		return (-1);
	}
	if (memchr(b.data != NULL ? b.data : "", '\0', b.len) != NULL) {
		*cause = xasprintf("%s: a NUL byte: not a text file", path);
		buf_free(&b);
		return (-1);
	}
	t = setup_answers_new();
	rc = setup_answers_parse(t, path, b.data != NULL ? b.data : "",
	    b.len, cause);
	if (b.data != NULL)
		explicit_bzero(b.data, b.len);
	buf_free(&b);
	if (rc != 0) {
		setup_answers_free(t);
		return (rc);
	}
	/* An inline secret in a file others can read: refused. */
	for (i = 0; i < nitems(setup_field_table); i++) {
		if (setup_field_table[i].kind == SETUP_SECRET &&
		    t->line[i] != 0 && !t->fromfile[i] &&
		    *t->val[i] != '\0')
			inline_secret = true;
	}
	if (inline_secret && (st.st_mode & 077) != 0) {
		*cause = xasprintf("%s: holds a secret and others can read "
		    "it (chmod 600, or use KEY_file)", path);
		setup_answers_free(t);
		return (-1);
	}
	setup_answers_swap(a, t);
	setup_answers_free(t);
	return (0);
}

/* --- the configuration ---------------------------------------------------- */

/* The configuration value of a field with a cfg, or NULL to leave out. */
static const char *
setup_cfg_value(const struct setup_answers *a, size_t i)
{
	const struct setup_field *f = &setup_field_table[i];

	if (f->cfg == NULL || *a->val[i] == '\0')
		return (NULL);
	return (a->val[i]);
}

char *
setup_config_text(const struct setup_answers *a, enum setup_secrets how,
    const char *dir, bool mask)
{
	const struct setup_field *f;
	struct buf	 b = { 0 };
	const char	*v, *dot;
	char		 last[32] = "";
	size_t		 i, slen;
	bool		 created;

	buf_printf(&b, "# bbbctl.conf: written by bbbctl setup.  Check it "
	    "with: bbbctl config check\n");
	for (i = 0; i < nitems(setup_field_table); i++) {
		f = &setup_field_table[i];
		if (f->cfg == NULL)
			continue;
		dot = strchr(f->cfg, '.');
		slen = (size_t)(dot - f->cfg);
		if (strlen(last) != slen || strncmp(last, f->cfg, slen) != 0) {
			buf_printf(&b, "\n[%.*s]\n", (int)slen, f->cfg);
			snprintf(last, sizeof last, "%.*s", (int)slen, f->cfg);
			created = false;
			if (strcmp(f->page, "consul") == 0 ||
			    strcmp(f->page, "prometheus") == 0 ||
			    strcmp(f->page, "scalelite") == 0 ||
			    strcmp(f->page, "postgres") == 0)
				created = setup_answers_create(a, f->page);
			if (created)
				buf_printf(&b, "# created by bbbctl setup "
				    "(stack %s); its address is set when "
				    "the stack is up\n",
				    strcmp(f->page, "prometheus") == 0 ?
				    "metrics" : strcmp(f->page,
				    "scalelite") == 0 ? "bbb-scalelite" :
				    f->page);
		}
		if ((v = setup_cfg_value(a, i)) == NULL)
			continue;
		if (f->kind == SETUP_SECRET && how == SETUP_SECRETS_FILES)
			buf_printf(&b, "%s_file = %s/%.*s-%s\n", dot + 1, dir,
			    (int)slen, f->cfg, dot + 1);
		else if (f->kind == SETUP_SECRET && mask)
			buf_printf(&b, "%s = ********\n", dot + 1);
		else
			buf_printf(&b, "%s = %s\n", dot + 1, v);
	}
	if (a->extra != NULL)
		buf_printf(&b, "\n%s", a->extra);
	buf_add(&b, "", 1);
	return (buf_steal(&b));
}

int
setup_write_file(const char *path, const char *data, char **cause)
{
	char	*dir, *slash;
	int	 rc;

	if ((slash = strrchr(path, '/')) != NULL && slash != path) {
		dir = xstrndup(path, (size_t)(slash - path));
		rc = util_mkdirs(dir, cause);
		free(dir);
		if (rc == -1)
			return (-1);
	}
	return (util_write_atomic(path, data, strlen(data), 0600, cause));
}

/* Keep an existing file as path.~N~ (a hard link: the old file whole). */
static int
setup_keep_copy(const char *path, char **kept, char **cause)
{
	char	*name;
	int	 n;

	if (kept != NULL)
		*kept = NULL;
	if (access(path, F_OK) == -1)
		return (0);
	for (n = 1; n < 1000; n++) {
		name = xasprintf("%s.~%d~", path, n);
		if (link(path, name) == 0) {
			if (kept != NULL)
				*kept = name;
			else
				free(name);
			return (0);
		}
		if (errno != EEXIST) {
			*cause = xasprintf("cannot keep a copy of %s as %s: "
			    "%s", path, name, strerror(errno));
			free(name);
			return (-1);
		}
		free(name);
	}
	*cause = xasprintf("cannot keep a copy of %s: too many copies", path);
	return (-1);
}

int
setup_config_write(const struct setup_answers *a, enum setup_secrets how,
    const char *path, char **kept, char **cause)
{
	const struct setup_field *f;
	char		*dir, *slash, *text, *sp, *k = NULL;
	const char	*dot;
	size_t		 i;
	int		 rc;

	if (kept != NULL)
		*kept = NULL;
	if ((slash = strrchr(path, '/')) != NULL)
		dir = xstrndup(path, (size_t)(slash - path));
	else
		dir = xstrdup(".");
	if (*dir != '\0' && util_mkdirs(dir, cause) == -1) {
		free(dir);
		return (-1);
	}
	if (how == SETUP_SECRETS_FILES) {
		for (i = 0; i < nitems(setup_field_table); i++) {
			f = &setup_field_table[i];
			if (f->kind != SETUP_SECRET || f->cfg == NULL ||
			    setup_cfg_value(a, i) == NULL)
				continue;
			dot = strchr(f->cfg, '.');
			sp = xasprintf("%s/%.*s-%s", dir,
			    (int)(dot - f->cfg), f->cfg, dot + 1);
			text = xasprintf("%s\n", a->val[i]);
			if (setup_keep_copy(sp, NULL, cause) == -1)
				rc = -1;
			else
				rc = util_write_atomic(sp, text, strlen(text), 0600,
				    cause);
			explicit_bzero(text, strlen(text));
			free(text);
			free(sp);
			if (rc == -1) {
				free(dir);
				return (-1);
			}
		}
	}
	text = setup_config_text(a, how, dir, false);
	free(dir);
	if (setup_keep_copy(path, &k, cause) == -1)
		rc = -1;
	else
		rc = util_write_atomic(path, text, strlen(text), 0600, cause);
	explicit_bzero(text, strlen(text));
	free(text);
	if (rc == -1) {
		free(k);
		return (-1);
	}
	if (kept != NULL)
		*kept = k;
	else
		free(k);
	return (0);
}

/* --- the plan ------------------------------------------------------------- */

size_t
setup_plan_stacks(const struct setup_answers *a, const char **out,
    size_t max)
{
	size_t	 n = 0;

#define ADD(s) do { if (n < max) out[n] = (s); n++; } while (0)
	if (setup_answers_create(a, "postgres"))
		ADD("postgres");
	if (setup_answers_create(a, "consul"))
		ADD("consul");
	if (setup_answers_create(a, "scalelite")) {
		ADD("bbb-scalelite");
		if (strcmp(setup_answers_get(a, "scalelite", "greenlight"),
		    "create") == 0)
			ADD("bbb-greenlight");
	}
	if (setup_answers_create(a, "prometheus"))
		ADD("metrics");
	if (strcmp(setup_answers_get(a, "cluster", "turn"), "create") == 0)
		ADD("coturn");
	if (*setup_answers_get(a, "ssh", "identity") != '\0')
		ADD("ssh-keys");
#undef ADD
	return (n);
}

void
setup_plan_print(const struct setup_answers *a, const char *config_path,
    FILE *f)
{
	const char	*stacks[16];
	size_t		 n, i;
	int		 step = 1;

	fprintf(f, "bbbctl setup: the plan for fleet %s (%s)\n",
	    setup_answers_get(a, "cluster", "name"),
	    setup_answers_get(a, "cluster", "domain"));
	fprintf(f, "  %d. write the configuration %s (mode 0600, secrets "
	    "%s; an existing file is kept as %s.~N~)\n", step++, config_path,
	    strcmp(setup_answers_get(a, "backup", "secrets"), "files") == 0 ?
	    "in 0600 files beside it" : "inline", config_path);
	n = setup_plan_stacks(a, stacks, nitems(stacks));
	for (i = 0; i < n && i < nitems(stacks); i++)
		fprintf(f, "  %d. create stack %s on Rancher environment %s "
		    "from data/stacks/%s, wait until it is healthy\n", step++,
		    stacks[i], setup_answers_get(a, "rancher", "project"),
		    stacks[i]);
	fprintf(f, "  %d. create %s BBB node%s (bbb-01 ...) with scale out: "
	    "a VM each on OpenStack %s, its Rancher host, stack, consul "
	    "registration and scalelite server\n", step++,
	    setup_answers_get(a, "cluster", "nodes"),
	    strcmp(setup_answers_get(a, "cluster", "nodes"), "1") == 0 ?
	    "" : "s", setup_answers_get(a, "openstack", "region"));
	fprintf(f, "  %d. run the probes (bbbctl probe)\n", step++);
	fprintf(f, "  %d. run a test meeting through scalelite (bbbctl probe "
	    "meeting: create, join on a node, end); a failure stops here, "
	    "what was made is kept\n", step++);
	fprintf(f, "Existing systems used as they are: ");
	n = 0;
	if (!setup_answers_create(a, "consul"))
		fprintf(f, "%sconsul", n++ ? ", " : "");
	if (!setup_answers_create(a, "prometheus"))
		fprintf(f, "%sPrometheus", n++ ? ", " : "");
	if (!setup_answers_create(a, "scalelite"))
		fprintf(f, "%sscalelite", n++ ? ", " : "");
	if (!setup_answers_create(a, "postgres"))
		fprintf(f, "%sPostgreSQL", n++ ? ", " : "");
	fprintf(f, "%s.\n", n == 0 ? "none" : "");
}
