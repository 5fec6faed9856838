/* test-config.c: config.c (lookup order, secrets, modes, messages). */
#include <sys/stat.h>
#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "prom-queries.h"
#include "util.h"

#define SECRET1	"s3cr3t-Sc4leLite-value"
#define SECRET2	"tok-Consul-9f8e7d"
#define SECRET3	"fromfile-Rancher-0a1b2c"

static char	 tmpdir[PATH_MAX];

static char *
write_file(const char *name, mode_t mode, const char *text)
{
	char	*path;
	FILE	*f;

	path = xasprintf("%s/%s", tmpdir, name);
	unlink(path);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
	return (path);
}

/* Load text as a config file; returns the cause (or NULL on success). */
static char *
load_text(mode_t mode, const char *text, struct config **out, char **pathp)
{
	struct config	*cfg;
	char		*path, *cause = NULL;
	int		 rc;

	path = write_file("bbbctl.conf", mode, text);
	cfg = config_new();
	rc = config_load(cfg, path, &cause);
	if (rc == 0)
		assert_null(cause);
	else
		assert_non_null(cause);
	if (out != NULL)
		*out = cfg;
	else
		config_free(cfg);
	if (pathp != NULL)
		*pathp = path;
	else
		free(path);
	return (cause);
}

/* Expect `text` to fail with exactly "PATH:" + want. */
static void
expect_error(mode_t mode, const char *text, const char *want)
{
	char	*path, *cause, *full;

	cause = load_text(mode, text, NULL, &path);
	assert_non_null(cause);
	full = xasprintf("%s:%s", path, want);
	assert_string_equal(cause, full);
	assert_null(strstr(cause, SECRET1));
	assert_null(strstr(cause, SECRET2));
	assert_null(strstr(cause, SECRET3));
	free(full);
	free(cause);
	free(path);
}

static int
setup(void **state)
{
	const char	*t = getenv("TMPDIR");

	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "%s/test-config.XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp");
	assert_non_null(mkdtemp(tmpdir));
	unsetenv("BBBCTL_CONFIG");
	unsetenv("XDG_CONFIG_HOME");
	return (0);
}

static int
teardown(void **state)
{
	char	*cmd;

	(void)state;
	cmd = xasprintf("rm -rf '%s'", tmpdir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return (0);
}

static void
test_defaults(void **state)
{
	static const struct prom_query_default q[] = PROM_QUERY_DEFAULTS;
	struct config	*cfg;
	size_t		 i;

	(void)state;
	cfg = config_new();
	assert_null(cfg->path);
	assert_string_equal(cfg->cluster.name, "bbb");
	assert_string_equal(cfg->cluster.node_key, "host");
	assert_null(cfg->cluster.domain);
	assert_string_equal(cfg->consul.service, "bbb");
	assert_null(cfg->consul.url);
	assert_null(cfg->scalelite.secret);
	assert_string_equal(cfg->ssh.user, "root");
	assert_int_equal(cfg->ssh.port, 22);
	assert_int_equal(cfg->ui.refresh_ms, 2000);
	assert_true(cfg->ui.color);
	assert_false(cfg->ui.readonly);
	assert_false(cfg->ui.ascii);
	assert_false(cfg->ui.mouse);
	for (i = 0; i < nitems(q); i++) {
		assert_string_equal(cfg->prometheus.queries[i], q[i].promql);
		assert_string_equal(config_prom_query(cfg, q[i].name),
		    q[i].promql);
	}
	assert_null(cfg->prometheus.queries[nitems(q)]);
	assert_null(config_prom_query(cfg, "nosuch"));
	config_free(cfg);
	config_free(NULL);
}

static void
test_full_file(void **state)
{
	struct config	*cfg;
	char		*cause, *path, *want;
	const char	*home = getenv("HOME");

	(void)state;
	cause = load_text(0600,
	    "; a comment\n"
	    "# another\n"
	    "[cluster]\n"
	    "name = uni-x   ; inline comment\n"
	    "domain = bbb.example.org\n"
	    "\n"
	    "  [consul]\n"
	    "  url = http://127.0.0.1:8500/\n"
	    "token = " SECRET2 "\n"
	    "service = meet\n"
	    "ca_file = ca.pem\n"
	    "[prometheus]\n"
	    "url = https://prom.example.org:9090\n"
	    "user = ops\n"
	    "query_cpu = avg by (instance) (my_cpu)\n"
	    "[scalelite]\n"
	    "url = https://lb.example.org\n"
	    "secret = " SECRET1 "\n"
	    "[ssh]\n"
	    "port = 2222\n"
	    "identity = ~/.ssh/id_ed25519\n"
	    "known_hosts = /etc/bbbctl/known_hosts\n"
	    "[ui]\n"
	    "refresh = 500ms\n"
	    "readonly = yes\n"
	    "color = off\n"
	    "ascii = true\n"
	    "mouse = 1\n",
	    &cfg, &path);
	assert_null(cause);
	assert_string_equal(cfg->path, path);
	assert_string_equal(cfg->cluster.name, "uni-x");
	assert_string_equal(cfg->cluster.domain, "bbb.example.org");
	assert_string_equal(cfg->consul.url, "http://127.0.0.1:8500");
	assert_string_equal(cfg->consul.token, SECRET2);
	assert_string_equal(cfg->consul.service, "meet");
	want = xasprintf("%s/ca.pem", tmpdir);
	assert_string_equal(cfg->consul.ca_file, want);
	free(want);
	assert_string_equal(cfg->prometheus.url,
	    "https://prom.example.org:9090");
	assert_string_equal(cfg->prometheus.user, "ops");
	assert_string_equal(config_prom_query(cfg, "cpu"),
	    "avg by (instance) (my_cpu)");
	assert_string_equal(config_prom_query(cfg, "up"), "up");
	assert_string_equal(cfg->scalelite.secret, SECRET1);
	assert_int_equal(cfg->ssh.port, 2222);
	assert_string_equal(cfg->ssh.user, "root");
	if (home != NULL) {
		want = xasprintf("%s/.ssh/id_ed25519", home);
		assert_string_equal(cfg->ssh.identity, want);
		free(want);
	}
	assert_string_equal(cfg->ssh.known_hosts, "/etc/bbbctl/known_hosts");
	assert_int_equal(cfg->ui.refresh_ms, 500);
	assert_true(cfg->ui.readonly);
	assert_false(cfg->ui.color);
	assert_true(cfg->ui.ascii);
	assert_true(cfg->ui.mouse);
	config_free(cfg);
	free(path);
}

static void
test_long_line(void **state)
{
	struct config	*cfg;
	struct buf	 b = { 0 };
	char		*cause, *q;
	int		 i;

	(void)state;
	buf_adds(&b, "sum by (instance) (");
	for (i = 0; i < 60; i++)
		buf_printf(&b, "%smetric_%d", i ? " + " : "", i);
	buf_adds(&b, ")");
	q = buf_steal(&b);
	assert_true(strlen(q) > 600);
	buf_printf(&b, "[prometheus]\nquery_mem = %s   ; comment\n"
	    "query_up = up == 1\n[ui]\nrefresh = fast\n# %s\n; %s\n", q,
	    q + 30, q + 20);
	cause = load_text(0600, b.data, &cfg, NULL);
	/* line numbers stay exact after a long line */
	assert_non_null(cause);
	assert_non_null(strstr(cause, ":5: [ui] refresh:"));
	assert_null(strchr(cause, '\n'));	/* long comments are fine */
	assert_string_equal(config_prom_query(cfg, "mem"), q);
	assert_string_equal(config_prom_query(cfg, "up"), "up == 1");
	config_free(cfg);
	free(cause);
	free(q);
	buf_free(&b);
}

static void
test_lookup_order(void **state)
{
	char	*p, *xdg, *home, *want, *explicit;

	(void)state;
	xdg = xasprintf("%s/xdg", tmpdir);
	home = xasprintf("%s/home", tmpdir);
	assert_int_equal(mkdir(xdg, 0700), 0);
	assert_int_equal(mkdir(home, 0700), 0);
	want = xasprintf("%s/bbbctl", xdg);
	assert_int_equal(mkdir(want, 0700), 0);
	free(want);
	want = xasprintf("%s/.config", home);
	assert_int_equal(mkdir(want, 0700), 0);
	free(want);
	want = xasprintf("%s/.config/bbbctl", home);
	assert_int_equal(mkdir(want, 0700), 0);
	free(want);
	free(write_file("xdg/bbbctl/bbbctl.conf", 0600, "[ui]\n"));
	free(write_file("home/.config/bbbctl/bbbctl.conf", 0600, "[ui]\n"));
	explicit = write_file("explicit.conf", 0600, "[ui]\n");

	setenv("HOME", home, 1);
	setenv("XDG_CONFIG_HOME", xdg, 1);
	setenv("BBBCTL_CONFIG", "/nonexistent/env.conf", 1);

	/* 1. --config, even over the environment */
	p = config_find(explicit);
	assert_string_equal(p, explicit);
	free(p);

	/* 2. $BBBCTL_CONFIG, returned even if missing (to be reported) */
	p = config_find(NULL);
	assert_string_equal(p, "/nonexistent/env.conf");
	free(p);

	/* 3. $XDG_CONFIG_HOME/bbbctl/bbbctl.conf */
	unsetenv("BBBCTL_CONFIG");
	p = config_find(NULL);
	want = xasprintf("%s/bbbctl/bbbctl.conf", xdg);
	assert_string_equal(p, want);
	free(want);
	free(p);

	/* an empty BBBCTL_CONFIG counts as unset */
	setenv("BBBCTL_CONFIG", "", 1);
	p = config_find(NULL);
	assert_non_null(strstr(p, "/xdg/bbbctl/bbbctl.conf"));
	free(p);
	unsetenv("BBBCTL_CONFIG");

	/* 4. $HOME/.config/bbbctl/bbbctl.conf when XDG_CONFIG_HOME unset */
	unsetenv("XDG_CONFIG_HOME");
	p = config_find(NULL);
	want = xasprintf("%s/.config/bbbctl/bbbctl.conf", home);
	assert_string_equal(p, want);
	free(want);
	free(p);

	/* a relative XDG_CONFIG_HOME is ignored (XDG spec) */
	setenv("XDG_CONFIG_HOME", "relative/dir", 1);
	p = config_find(NULL);
	assert_non_null(strstr(p, "/home/.config/bbbctl/bbbctl.conf"));
	free(p);

	/* nothing found: NULL unless the machine has a system-wide file */
	setenv("XDG_CONFIG_HOME", tmpdir, 1);
	p = config_find(NULL);
	if (access("/etc/bbbctl/bbbctl.conf", F_OK) != 0 &&
	    access(SYSCONFDIR "/bbbctl/bbbctl.conf", F_OK) != 0)
		assert_null(p);
	free(p);
	unsetenv("XDG_CONFIG_HOME");
	free(explicit);
	free(xdg);
	free(home);
}

static void
test_file_secrets(void **state)
{
	struct config	*cfg;
	char		*cause, *sp, *text;

	(void)state;
	free(write_file("rancher.key", 0600, SECRET3 "\nsecond line\n"));
	sp = write_file("scalelite.key", 0400, SECRET1 "\r\n");
	text = xasprintf("[rancher]\nurl = https://r.example.org\n"
	    "secret_key_file = rancher.key\n"
	    "[scalelite]\nsecret_file = %s\n", sp);
	/* a config with only _file secrets may be world-readable */
	cause = load_text(0644, text, &cfg, NULL);
	assert_null(cause);
	assert_string_equal(cfg->rancher.secret_key, SECRET3);
	assert_string_equal(cfg->scalelite.secret, SECRET1);
	config_free(cfg);
	free(text);
	free(sp);

	/* a secret file others can read is refused, with the fix */
	sp = write_file("open.key", 0644, SECRET1 "\n");
	text = xasprintf("3: [scalelite] secret_file: %s is readable by "
	    "others (mode 0644); run: chmod 600 %s", sp, sp);
	expect_error(0600, "[scalelite]\n\nsecret_file = open.key\n", text);
	free(text);
	free(sp);

	sp = xasprintf("%s/missing.key", tmpdir);
	text = xasprintf("3: [consul] token_file: %s: No such file or "
	    "directory", sp);
	expect_error(0600, "[consul]\nurl = http://c:8500\n"
	    "token_file = missing.key\n", text);
	free(text);
	free(sp);

	free(write_file("empty.key", 0600, "\n"));
	sp = xasprintf("%s/empty.key", tmpdir);
	text = xasprintf("2: [postgres] conninfo_file: %s: the first line "
	    "is empty", sp);
	expect_error(0600, "[postgres]\nconninfo_file = empty.key\n", text);
	free(text);
	free(sp);

	/* no trailing newline; a first line that is too long */
	free(write_file("nonl.key", 0600, SECRET2));
	cause = load_text(0600, "[consul]\ntoken_file = nonl.key\n", &cfg,
	    NULL);
	assert_null(cause);
	assert_string_equal(cfg->consul.token, SECRET2);
	config_free(cfg);
	{
		char	 big[5000];

		memset(big, 'x', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		free(write_file("big.key", 0600, big));
	}
	cause = load_text(0600, "[consul]\ntoken_file = big.key\n", NULL,
	    NULL);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "big.key: the first line is longer "
	    "than 4096 characters"));
	assert_null(strstr(cause, "xxxxxxxx"));
	free(cause);

	/* KEY and KEY_file together */
	free(write_file("ok.key", 0600, SECRET1 "\n"));
	expect_error(0600, "[scalelite]\nsecret = " SECRET1 "\n"
	    "secret_file = ok.key\n",
	    "3: [scalelite] secret_file: already set on line 2 (give only "
	    "one of secret and secret_file)");
}

static void
test_modes(void **state)
{
	struct config	*cfg;
	char		*cause, *path, *want;

	(void)state;
	/* inline secret, readable by others: refused like ssh does */
	cause = load_text(0644, "[scalelite]\nurl = https://lb.example.org\n"
	    "secret = " SECRET1 "\n", NULL, &path);
	want = xasprintf("%s: holds secrets but is readable by others "
	    "(mode 0644); run: chmod 600 %s", path, path);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	free(path);

	cause = load_text(0640, "[postgres]\nconninfo = dbname=x password="
	    SECRET2 "\n", NULL, NULL);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "(mode 0640); run: chmod 600"));
	assert_null(strstr(cause, SECRET2));
	free(cause);

	/* the same at 0600 is fine */
	cause = load_text(0600, "[scalelite]\nurl = https://lb.example.org\n"
	    "secret = " SECRET1 "\n", &cfg, NULL);
	assert_null(cause);
	assert_string_equal(cfg->scalelite.secret, SECRET1);
	config_free(cfg);

	/* no secret: a world-readable file is fine */
	cause = load_text(0644, "[scalelite]\nurl = https://lb.example.org\n"
	    "[ui]\nrefresh = 5s\n", &cfg, NULL);
	assert_null(cause);
	assert_int_equal(cfg->ui.refresh_ms, 5000);
	config_free(cfg);

	/* a file others can write is refused, secret or not */
	cause = load_text(0666, "[ui]\nrefresh = 5s\n", NULL, &path);
	want = xasprintf("%s: is writable by others (mode 0666); run: "
	    "chmod o-w %s", path, path);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	free(path);

	/* an empty secret is no secret */
	cause = load_text(0644, "[consul]\ntoken =\n", &cfg, NULL);
	assert_null(cause);
	assert_null(cfg->consul.token);
	config_free(cfg);

	cause = load_text(0600, "", NULL, &path);
	assert_null(cause);
	assert_int_equal(chmod(path, 0), 0);
	if (geteuid() != 0) {
		cfg = config_new();
		assert_int_equal(config_load(cfg, path, &cause), -1);
		assert_non_null(strstr(cause, "Permission denied"));
		free(cause);
		config_free(cfg);
	}
	free(path);
	cfg = config_new();
	assert_int_equal(config_load(cfg, "/nonexistent/bbbctl.conf",
	    &cause), -1);
	assert_string_equal(cause, "/nonexistent/bbbctl.conf: No such file "
	    "or directory");
	free(cause);
	config_free(cfg);
}

static void
test_unknown(void **state)
{
	(void)state;
	expect_error(0600, "[scalelite]\nurl = https://lb\nsecert = " SECRET1
	    "\n", "3: unknown key 'secert' in [scalelite]; did you mean "
	    "'secret'?");
	expect_error(0600, "[consul]\ntokne_file = x\n",
	    "2: unknown key 'tokne_file' in [consul]; did you mean "
	    "'token_file'?");
	expect_error(0600, "[prometheus]\nquery_cpuu = up\n",
	    "2: unknown key 'query_cpuu' in [prometheus]; did you mean "
	    "'query_cpu'?");
	expect_error(0600, "[ui]\nzzzzzzzz = 1\n",
	    "2: unknown key 'zzzzzzzz' in [ui]");
	expect_error(0600, "[ui]\n\n[scalelight]\nsecret = " SECRET1 "\n"
	    "url = x\n", "3: unknown section [scalelight]; did you mean "
	    "[scalelite]?");
	expect_error(0600, "[nothing-like-it]\nkey = v\n",
	    "1: unknown section [nothing-like-it]");
	expect_error(0600, "name = x\n[cluster]\n",
	    "1: key 'name' is outside any [section]");
	expect_error(0600, "[cluster]\n" SECRET1 "\n",
	    "2: expected 'key = value' or '[section]'");
	expect_error(0600, "[cluster\n",
	    "1: expected ']' to end the section name");
	expect_error(0600, "[cluster]\nname = a\n  continued\n",
	    "3: expected 'key = value' or '[section]'");
	expect_error(0600, "[cluster]\nname = a\nname = b\n",
	    "3: [cluster] name: already set on line 2");
	expect_error(0600, "[consul]\ntoken = " SECRET2 "\n[consul]\ntoken = "
	    SECRET2 "\n", "4: [consul] token: already set on line 2 (give "
	    "only one of token and token_file)");
}

static void
test_bad_values(void **state)
{
	char	*cause;

	(void)state;
	expect_error(0600, "[ui]\nrefresh = fast\n",
	    "2: [ui] refresh: expected a duration like 2s or 500ms, got "
	    "'fast'");
	expect_error(0600, "[ui]\nrefresh = 10ms\n",
	    "2: [ui] refresh: expected a duration from 100ms to 3600s, got "
	    "'10ms'");
	expect_error(0600, "[ui]\ncolor = maybe\n",
	    "2: [ui] color: expected yes or no, got 'maybe'");
	expect_error(0600, "[ui]\nreadonly =\n",
	    "2: [ui] readonly: expected yes or no, got ''");
	expect_error(0600, "[ssh]\nuser = deploy\nport = 70000\n",
	    "3: [ssh] port: expected a whole number from 1 to 65535, got "
	    "'70000'");
	expect_error(0600, "[ssh]\nport = 22x\n",
	    "2: [ssh] port: expected a whole number from 1 to 65535, got "
	    "'22x'");
	expect_error(0600, "[consul]\nurl = ftp://c.example.org\n",
	    "2: [consul] url: expected an http:// or https:// URL, got "
	    "'ftp://c.example.org'");
	expect_error(0600, "[openstack]\nauth_url = https://\n",
	    "2: [openstack] auth_url: expected a host name after the scheme, "
	    "got 'https://'");
	expect_error(0600, "[prometheus]\nurl = https://ops:" SECRET1
	    "@prom.example.org\n", "2: [prometheus] url: user:password@ is "
	    "not allowed in a URL; use the credential keys");
	expect_error(0600, "[cluster]\nnode_key = ip\n",
	    "2: [cluster] node_key: expected one of: host fqdn alnum; "
	    "got 'ip'");
	expect_error(0600, "[cluster]\nname =\n",
	    "2: [cluster] name: expected a value (default bbb)");

	/* every error is reported, each with its line */
	cause = load_text(0600, "[ui]\nrefresh = x\ncolor = x\nmouse = x\n",
	    NULL, NULL);
	assert_non_null(strstr(cause, ":2: [ui] refresh"));
	assert_non_null(strstr(cause, ":3: [ui] color"));
	assert_non_null(strstr(cause, ":4: [ui] mouse"));
	free(cause);
}

/* Secrets in every wrong place: no message may show them. */
static void
test_no_secret_in_messages(void **state)
{
	static const char *hostile[] = {
		"[scalelite]\nsecret =\n" SECRET1 "\n",
		"[scalelite]\nsecret =\nc2VjcmV0LXZhbHVlLTQ3MTE=\n",
		"[scalelite]\nsecret =\n" SECRET1 "==\n",
		"[scalelite]\nsecret =\n3f9a8b7c6d5e4f30=\n",
		"[scalelite]\nsecret: " SECRET1 "\n",
		"[scalelite]\n" SECRET1 ": x\n",
		"[scalelite]\nsecret = " SECRET1 "\nsecret = " SECRET1 "\n",
		"[scalelite]\nsecert = " SECRET1 "\n",
		"[scalelight]\nsecret = " SECRET1 "\n",
		"[" SECRET1 "]\nsecret = x\n",
		"[" SECRET1 "\n",
		SECRET1 " = x\n",
		"secret = " SECRET1 "\n",
		"[consul]\ntoken = " SECRET2 "\nurl = https://a:" SECRET2
		    "@c\n",
		"[consul]\nurl = https://x\ntoken = " SECRET2 "\n"
		    "service =\n",
		"[postgres]\nconninfo = password=" SECRET2 "\n"
		    "conninfo_file = x\n",
		"[ui]\nrefresh = nope\n[rancher]\nsecret_key = " SECRET3
		    "\n",
	};
	char	*cause;
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(hostile); i++) {
		cause = load_text(0644, hostile[i], NULL, NULL);
		assert_non_null(cause);
		if (strstr(cause, SECRET1) != NULL ||
		    strstr(cause, SECRET2) != NULL ||
		    strstr(cause, "c2VjcmV0") != NULL ||
		    strstr(cause, "3f9a8b") != NULL ||
		    strstr(cause, SECRET3) != NULL)
			fail_msg("case %zu shows a secret: %s", i, cause);
		free(cause);
	}
}

static void
test_secret_keys_and_dump(void **state)
{
	struct config	*cfg;
	char		*cause, *out = NULL;
	size_t		 len = 0;
	FILE		*f;

	(void)state;
	assert_true(config_key_is_secret("consul", "token"));
	assert_true(config_key_is_secret("prometheus", "password"));
	assert_true(config_key_is_secret("scalelite", "secret"));
	assert_true(config_key_is_secret("rancher", "secret_key"));
	assert_true(config_key_is_secret("openstack",
	    "application_credential_secret"));
	assert_true(config_key_is_secret("postgres", "conninfo"));
	assert_false(config_key_is_secret("rancher", "access_key"));
	assert_false(config_key_is_secret("scalelite", "url"));
	assert_false(config_key_is_secret("nosuch", "secret"));

	cause = load_text(0600, "[scalelite]\nsecret = " SECRET1 "\n"
	    "[consul]\ntoken = " SECRET2 "\nurl = http://c:8500\n",
	    &cfg, NULL);
	assert_null(cause);
	f = open_memstream(&out, &len);
	assert_non_null(f);
	config_dump(cfg, f);
	fclose(f);
	assert_null(strstr(out, SECRET1));
	assert_null(strstr(out, SECRET2));
	assert_non_null(strstr(out,
	    "[scalelite]\n#url =\nsecret = ********\n"));
	assert_non_null(strstr(out, "url = http://c:8500\ntoken = ********\n"));
	assert_non_null(strstr(out, "[ssh]\nuser = root\nport = 22\n"));
	assert_non_null(strstr(out, "refresh = 2000ms\n"));
	assert_non_null(strstr(out, "query_up = up\n"));
	free(out);
	config_free(cfg);

	out = NULL;
	f = open_memstream(&out, &len);
	config_dump_keys(f);
	fclose(f);
	assert_non_null(strstr(out, "scalelite.secret\tsecret\t"));
	assert_non_null(strstr(out, "\nscalelite.secret_file\tpath\t"));
	assert_non_null(strstr(out, "\nprometheus.query_cpu\tpromql\t"));
	assert_non_null(strstr(out, "\nui.refresh\tduration\t"));
	assert_null(strstr(out, "ui.refresh_file"));
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_lookup_order),
		cmocka_unit_test(test_file_secrets),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_no_secret_in_messages),
		cmocka_unit_test(test_secret_keys_and_dump),
	};

	umask(022);
	return (cmocka_run_group_tests(tests, setup, teardown));
}
