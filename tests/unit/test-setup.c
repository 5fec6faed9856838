/*
 * test-setup.c: setup.c: the fields' checks, a page's relations, the
 * answers file (FILE:LINE errors, nothing taken from a bad file,
 * KEY_file secrets, modes), the configuration written (0600, atomic, a
 * copy kept, readable by config_load, secrets inline or in files) and
 * the plan (no secret in it).
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "setup.h"
#include "setup-state.h"
#include "util.h"

#define OS_SECRET	"os-Secret-4f3e2d"
#define RK_SECRET	"rancher-Secret-9a8b7c"

static char	 tmpdir[PATH_MAX];

static const char good[] =
    "# a comment\n"
    "[cluster]\n"
    "name = uni-x\n"
    "domain = bbb.example.org\n"
    "nodes = 5\n"
    "\n"
    "[openstack]\n"
    "auth_url = https://keystone.example.org:5000/v3\n"
    "application_credential_id = abc123\n"
    "application_credential_secret = " OS_SECRET "\n"
    "[rancher]\n"
    "url = http://rancher.example.org:8080\n"
    "access_key = AK1\n"
    "secret_key = " RK_SECRET "\n"
    "project = 1a7\n"
    "[consul]\n"
    "mode = existing\n"
    "url = http://consul.example.org:8500\n"
    "[prometheus]\n"
    "mode = create\n"
    "[scalelite]\n"
    "mode = create\n"
    "greenlight = none\n"
    "[postgres]\n"
    "mode = create\n"
    "[backup]\n"
    "dir = /srv/backups\n";

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

static char *
read_all(const char *path)
{
	struct buf	 b = { 0 };
	char		 chunk[4096];
	size_t		 n;
	FILE		*f;

	f = fopen(path, "r");
	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	buf_add(&b, "", 1);
	return (buf_steal(&b));
}

static int
setup_tmp(void **state)
{
	snprintf(tmpdir, sizeof tmpdir, "%s/test-setup.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(tmpdir));
	return (0);
}

static int
teardown_tmp(void **state)
{
	char	*cmd;

	cmd = xasprintf("rm -rf '%s'", tmpdir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return (0);
}

static const struct setup_field *
field(const char *page, const char *key)
{
	const struct setup_field *f;
	size_t		 n;
	int		 i;

	f = setup_fields(&n);
	i = setup_field_find(page, key);
	assert_true(i >= 0);
	return (&f[i]);
}

static void
expect_bad(const char *page, const char *key, const char *v,
    const char *why)
{
	char	*c;

	c = setup_check_value(field(page, key), v);
	if (c == NULL)
		fail_msg("%s.%s = '%s' accepted", page, key, v);
	if (strstr(c, why) == NULL)
		fail_msg("%s.%s = '%s': '%s' lacks '%s'", page, key, v, c,
		    why);
	free(c);
}

static void
expect_good(const char *page, const char *key, const char *v)
{
	char	*c;

	c = setup_check_value(field(page, key), v);
	if (c != NULL)
		fail_msg("%s.%s = '%s' refused: %s", page, key, v, c);
}

static void
test_field_checks(void **state)
{
	expect_good("cluster", "name", "uni-x");
	expect_bad("cluster", "name", "Uni X", "only a-z");
	expect_bad("cluster", "name", "-x", "only a-z");
	expect_good("cluster", "domain", "bbb.example.org");
	expect_bad("cluster", "domain", "bbb..example.org", "not a DNS");
	expect_bad("cluster", "domain", "bbb.example.org-", "not a DNS");
	expect_good("cluster", "nodes", "200");
	expect_bad("cluster", "nodes", "0", "from 1 to 200");
	expect_bad("cluster", "nodes", "201", "from 1 to 200");
	expect_bad("cluster", "nodes", "3x", "a number");
	expect_good("rancher", "url", "https://rancher.example.org");
	expect_good("rancher", "url", "http://127.0.0.1:8080/v2-beta");
	expect_good("rancher", "url", "http://[::1]:8080");
	expect_bad("rancher", "url", "rancher.example.org", "http://");
	expect_bad("rancher", "url", "http://:80", "no host");
	expect_bad("rancher", "url", "http://a_b.org", "not a host name");
	expect_bad("rancher", "url", "http://a.org:0", "port");
	expect_bad("rancher", "url", "http://a.org:99999", "port");
	expect_bad("rancher", "access_key", "a b", "no blanks");
	expect_bad("rancher", "url", "https://r.example.org/v3",
	    "Rancher 2.x");
	expect_good("openstack", "auth_url", "https://k.example.org:5000/v3");
	expect_good("consul", "mode", "create");
	expect_bad("consul", "mode", "maybe", "one of: existing create");
	expect_bad("backup", "dir", "a\nb", "one line");
	/* empty is the page's business (required or not) */
	expect_good("rancher", "url", "");
}

static void
test_page_relations(void **state)
{
	struct setup_answers	*a;
	size_t			 np, consul, postgres, i;
	const struct setup_page	*p;
	char			*cause;
	int			 f;

	a = setup_answers_new();
	p = setup_pages(&np);
	consul = postgres = np;
	for (i = 0; i < np; i++) {
		if (strcmp(p[i].name, "consul") == 0)
			consul = i;
		if (strcmp(p[i].name, "postgres") == 0)
			postgres = i;
	}
	assert_true(consul < np && postgres < np);
	/* existing: the URL is required; create: it is not */
	assert_int_equal(setup_check_page(a, consul, &f, &cause), -1);
	assert_int_equal(f, setup_field_find("consul", "url"));
	assert_non_null(strstr(cause, "required (or choose mode create)"));
	free(cause);
	setup_answers_set(a, "consul", "mode", "create");
	assert_int_equal(setup_check_page(a, consul, &f, &cause), 0);
	/* a created scalelite needs a created postgres */
	setup_answers_set(a, "scalelite", "mode", "create");
	setup_answers_set(a, "postgres", "conninfo", "host=db");
	assert_int_equal(setup_check_page(a, postgres, &f, &cause), -1);
	assert_int_equal(f, setup_field_find("postgres", "mode"));
	assert_non_null(strstr(cause, "choose create"));
	free(cause);
	setup_answers_set(a, "postgres", "mode", "create");
	assert_int_equal(setup_check_page(a, postgres, &f, &cause), 0);
	setup_answers_free(a);
}

static void
test_answers_good(void **state)
{
	struct setup_answers	*a;
	char			*cause = NULL;

	a = setup_answers_new();
	assert_int_equal(setup_answers_parse(a, "a.ini", good, strlen(good),
	    &cause), 0);
	assert_null(cause);
	assert_string_equal(setup_answers_get(a, "cluster", "name"),
	    "uni-x");
	assert_string_equal(setup_answers_get(a, "cluster", "nodes"), "5");
	assert_string_equal(setup_answers_get(a, "rancher", "secret_key"),
	    RK_SECRET);
	/* defaults where nothing was given */
	assert_string_equal(setup_answers_get(a, "openstack", "region"),
	    "RegionOne");
	assert_string_equal(setup_answers_get(a, "ssh", "port"), "22");
	assert_true(setup_answers_create(a, "prometheus"));
	assert_false(setup_answers_create(a, "consul"));
	assert_int_equal(a->line[setup_field_find("cluster", "nodes")], 5);
	setup_answers_free(a);
}

static void
test_answers_errors(void **state)
{
	static const char bad[] =
	    "stray = 1\n"			/* 1 */
	    "[cluster]\n"			/* 2 */
	    "name = Bad Name\n"			/* 3 */
	    "nodes = 0\n"			/* 4 */
	    "colour = blue\n"			/* 5 */
	    "[nope]\n"				/* 6 */
	    "x = 1\n"				/* 7: in an unknown section */
	    "[rancher]\n"			/* 8 */
	    "url = ftp://r\n"			/* 9 */
	    "secret_key = " RK_SECRET "\n"	/* 10 */
	    "secret_key = " RK_SECRET "\n"	/* 11 */
	    "no equals sign\n"			/* 12 */
	    "[broken\n";			/* 13 */
	struct setup_answers	*a;
	char			*cause = NULL;

	a = setup_answers_new();
	assert_int_equal(setup_answers_parse(a, "b.ini", bad, strlen(bad),
	    &cause), -1);
	assert_non_null(cause);
	assert_string_equal(cause,
	    "b.ini:1: stray outside a section\n"
	    "b.ini:3: name: only a-z, 0-9 and '-' (not first)\n"
	    "b.ini:4: nodes: must be from 1 to 200\n"
	    "b.ini:5: unknown key colour in [cluster]\n"
	    "b.ini:6: unknown section [nope]\n"
	    "b.ini:9: url: must start with http:// or https://\n"
	    "b.ini:11: secret_key given twice in [rancher] (first on line "
	    "10)\n"
	    "b.ini:12: expected key = value\n"
	    "b.ini:13: a malformed section line");
	/* no secret in the errors, nothing taken */
	assert_null(strstr(cause, RK_SECRET));
	assert_string_equal(setup_answers_get(a, "cluster", "name"), "bbb");
	assert_string_equal(setup_answers_get(a, "rancher", "secret_key"),
	    "");
	free(cause);

	/* A missing answer names the page; a relation names its line. */
	assert_int_equal(setup_answers_parse(a, "m.ini", "[cluster]\n"
	    "domain = x.org\n", 22, &cause), -1);
	assert_non_null(strstr(cause, "m.ini: [openstack] auth_url: "
	    "required"));
	free(cause);
	setup_answers_free(a);
}

static void
test_answers_file_modes(void **state)
{
	struct setup_answers	*a;
	char			*path, *sec, *text, *cause = NULL;

	a = setup_answers_new();
	/* inline secrets in a file others can read: refused */
	path = write_file("open.ini", 0644, good);
	assert_int_equal(setup_answers_load(a, path, &cause), -1);
	assert_non_null(strstr(cause, "chmod 600"));
	free(cause);
	free(path);
	path = write_file("closed.ini", 0600, good);
	assert_int_equal(setup_answers_load(a, path, &cause), 0);
	free(path);
	/* KEY_file: the secret from a 0600 file, relative to the answers */
	sec = write_file("rk.secret", 0600, "from-file-Secret\n");
	text = xasprintf(
	    "[cluster]\ndomain = x.org\n"
	    "[openstack]\nauth_url = https://k.org/v3\n"
	    "application_credential_id = i\n"
	    "application_credential_secret_file = rk.secret\n"
	    "[rancher]\nurl = https://r.org\naccess_key = a\n"
	    "secret_key_file = rk.secret\n"
	    "[consul]\nmode = create\n[prometheus]\nmode = create\n"
	    "[scalelite]\nmode = create\n[postgres]\nmode = create\n");
	path = write_file("f.ini", 0644, text);
	if (setup_answers_load(a, path, &cause) != 0)
		fail_msg("%s", cause);
	assert_string_equal(setup_answers_get(a, "rancher", "secret_key"),
	    "from-file-Secret");
	free(path);
	/* a secret file others can read: refused, at its line */
	assert_int_equal(chmod(sec, 0644), 0);
	path = write_file("f.ini", 0644, text);
	assert_int_equal(setup_answers_load(a, path, &cause), -1);
	assert_non_null(strstr(cause, "f.ini:6: application_credential_"
	    "secret_file: "));
	assert_non_null(strstr(cause, "readable by others"));
	free(cause);
	free(path);
	free(sec);
	free(text);
	setup_answers_free(a);
}

static void
test_config_write(void **state)
{
	struct setup_answers	*a;
	struct config		*cfg;
	struct stat		 st;
	char			*path, *kept, *cause = NULL, *text, *old;

	a = setup_answers_new();
	assert_int_equal(setup_answers_parse(a, "a.ini", good, strlen(good),
	    &cause), 0);
	path = xasprintf("%s/new/dir/bbbctl.conf", tmpdir);
	assert_int_equal(setup_config_write(a, SETUP_SECRETS_INLINE, path,
	    &kept, &cause), 0);
	assert_null(kept);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* config_load reads it as written */
	cfg = config_new();
	if (config_load(cfg, path, &cause) != 0)
		fail_msg("%s", cause);
	assert_string_equal(cfg->cluster.name, "uni-x");
	assert_string_equal(cfg->rancher.secret_key, RK_SECRET);
	assert_string_equal(cfg->rancher.project, "1a7");
	assert_string_equal(cfg->consul.url, "http://consul.example.org:8500");
	assert_null(cfg->prometheus.url);	/* created: set later */
	assert_string_equal(cfg->backup.dir, "/srv/backups");
	config_free(cfg);
	old = read_all(path);

	/* Again, secrets as files: the old file kept whole */
	assert_int_equal(setup_config_write(a, SETUP_SECRETS_FILES, path,
	    &kept, &cause), 0);
	assert_non_null(kept);
	assert_non_null(strstr(kept, "bbbctl.conf.~1~"));
	text = read_all(kept);
	assert_string_equal(text, old);
	free(text);
	free(old);
	free(kept);
	text = read_all(path);
	assert_null(strstr(text, RK_SECRET));
	assert_null(strstr(text, OS_SECRET));
	assert_non_null(strstr(text, "secret_key_file = "));
	free(text);
	cfg = config_new();
	if (config_load(cfg, path, &cause) != 0)
		fail_msg("%s", cause);
	assert_string_equal(cfg->rancher.secret_key, RK_SECRET);
	assert_string_equal(cfg->openstack.application_credential_secret,
	    OS_SECRET);
	config_free(cfg);
	free(path);
	path = xasprintf("%s/new/dir/rancher-secret_key", tmpdir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	free(path);
	/* a third time: ~2~ */
	path = xasprintf("%s/new/dir/bbbctl.conf", tmpdir);
	assert_int_equal(setup_config_write(a, SETUP_SECRETS_INLINE, path,
	    &kept, &cause), 0);
	assert_non_null(strstr(kept, "bbbctl.conf.~2~"));
	free(kept);
	free(path);
	/* a directory that cannot be made: an error, not a crash */
	path = xasprintf("%s/new/dir/bbbctl.conf/x/c.conf", tmpdir);
	assert_int_equal(setup_config_write(a, SETUP_SECRETS_INLINE, path,
	    &kept, &cause), -1);
	assert_non_null(cause);
	free(cause);
	free(path);
	setup_answers_free(a);
}

static void
test_plan(void **state)
{
	struct setup_answers	*a;
	const char		*st[16];
	char			*cause = NULL, *buf = NULL, *text;
	size_t			 len = 0, n;
	FILE			*f;

	a = setup_answers_new();
	assert_int_equal(setup_answers_parse(a, "a.ini", good, strlen(good),
	    &cause), 0);
	n = setup_plan_stacks(a, st, nitems(st));
	/* postgres, scalelite (no greenlight), metrics, coturn; no consul */
	assert_int_equal(n, 4);
	assert_string_equal(st[0], "postgres");
	assert_string_equal(st[1], "bbb-scalelite");
	assert_string_equal(st[2], "metrics");
	assert_string_equal(st[3], "coturn");
	f = open_memstream(&buf, &len);
	setup_plan_print(a, "/x/bbbctl.conf", f);
	fclose(f);
	assert_non_null(strstr(buf, "create 5 BBB nodes"));
	assert_non_null(strstr(buf, "create stack metrics on Rancher "
	    "environment 1a7"));
	assert_non_null(strstr(buf, "used as they are: consul."));
	assert_null(strstr(buf, RK_SECRET));
	free(buf);
	/* the masked configuration holds no secret */
	text = setup_config_text(a, SETUP_SECRETS_INLINE, "/x", true);
	assert_null(strstr(text, RK_SECRET));
	assert_null(strstr(text, OS_SECRET));
	assert_non_null(strstr(text, "secret_key = ********"));
	free(text);
	setup_answers_free(a);
}

static void
test_stack_env(void **state)
{
	struct setup_answers	 *a;
	struct setup_secrets_file *sf, *sf2;
	const char		 *top = getenv("top_srcdir"), *st[16];
	char			 *dir, *path, *cause = NULL, **env, *k, *pub;
	char			 *first;
	struct stat		  sb;
	size_t			  n, i, j;
	bool			  pw;

	dir = xasprintf("%s/data/stacks", top != NULL ? top : ".");
	a = setup_answers_new();
	assert_int_equal(setup_answers_parse(a, "a.ini", good, strlen(good),
	    &cause), 0);
	/* every stack: consul, ssh-keys too */
	setup_answers_set(a, "consul", "mode", "create");
	setup_answers_set(a, "scalelite", "greenlight", "create");
	k = xasprintf("%s/id_test", tmpdir);
	setup_answers_set(a, "ssh", "identity", k);
	path = xasprintf("%s/secrets/setup-secrets", tmpdir);
	sf = setup_secrets_open(path, &cause);
	assert_non_null(sf);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	first = read_all(path);
	n = setup_plan_stacks(a, st, nitems(st));
	assert_int_equal(n, 7);
	/* no public key beside the identity: named */
	assert_int_equal(setup_stack_env(a, sf, dir, "ssh-keys", &env,
	    &cause), -1);
	assert_non_null(strstr(cause, "ssh-keys/docker-compose.yml: "
	    "${SSH_AUTHORIZED_KEYS}: "));
	assert_non_null(strstr(cause, "id_test.pub"));
	free(cause);
	pub = xasprintf("%s.pub", k);
	free(write_file("id_test.pub", 0644, "ssh-ed25519 AAAAC3 op@x\n"));
	for (i = 0; i < n; i++) {
		if (setup_stack_env(a, sf, dir, st[i], &env, &cause) != 0)
			fail_msg("%s: %s", st[i], cause);
		for (j = 0; env[j] != NULL; j += 2) {
			pw = setup_stack_var_secret(env[j]);
			assert_non_null(env[j + 1]);
			/* generated secrets: long and random */
			if (pw && strcmp(env[j], "LOADBALANCER_SECRET") != 0)
				assert_true(strlen(env[j + 1]) >= 48);
			if (strcmp(env[j], "LOADBALANCER_SECRET") == 0)
				assert_string_equal(env[j + 1],
				    setup_secrets_get(sf,
				    "loadbalancer_secret"));
			if (strcmp(env[j], "SSH_AUTHORIZED_KEYS") == 0)
				assert_string_equal(env[j + 1],
				    "ssh-ed25519 AAAAC3 op@x");
			if (strcmp(env[j], "DOMAIN") == 0)
				assert_string_equal(env[j + 1],
				    "bbb.example.org");
		}
		setup_stack_env_free(env);
	}
	/* Greenlight's Rails secret is its own. */
	assert_string_not_equal(setup_secrets_get(sf, "secret_key_base"),
	    setup_secrets_get(sf, "greenlight_secret_key_base"));
	/* An existing scalelite keeps its secret for Greenlight. */
	setup_answers_set(a, "scalelite", "mode", "existing");
	setup_answers_set(a, "scalelite", "secret", "the-sl-secret");
	assert_int_equal(setup_stack_env(a, sf, dir, "bbb-greenlight", &env,
	    &cause), 0);
	for (j = 0; env[j] != NULL; j += 2) {
		if (strcmp(env[j], "LOADBALANCER_SECRET") == 0)
			assert_string_equal(env[j + 1], "the-sl-secret");
	}
	setup_stack_env_free(env);
	/* Open again: the same secrets, the file untouched. */
	sf2 = setup_secrets_open(path, &cause);
	assert_non_null(sf2);
	assert_string_equal(setup_secrets_get(sf, "turn_secret"),
	    setup_secrets_get(sf2, "turn_secret"));
	k[0] = '\0';
	free(k);
	k = read_all(path);
	assert_string_equal(k, first);
	free(k);
	free(first);
	setup_secrets_free(sf2);
	/* A secrets file others can read: refused. */
	assert_int_equal(chmod(path, 0640), 0);
	assert_null(setup_secrets_open(path, &cause));
	assert_non_null(strstr(cause, "mode 0600"));
	free(cause);
	/* In memory only: nothing written. */
	sf2 = setup_secrets_open(NULL, &cause);
	assert_non_null(sf2);
	assert_string_not_equal(setup_secrets_get(sf, "turn_secret"),
	    setup_secrets_get(sf2, "turn_secret"));
	setup_secrets_free(sf2);
	setup_secrets_free(sf);
	setup_answers_free(a);
	free(pub);
	free(path);
	free(dir);
}

/* The bootstrap's state file: a recorded one, errors, its mode. */
static void
test_state(void **state)
{
	static const char rec[] =
	    "# bbbctl setup: what it created, in order; bbbctl setup --undo "
	    "removes it\n"
	    "stack postgres 1st6\n"
	    "healthy postgres\n"
	    "stack consul 1st9\n"
	    "url consul http://127.0.0.1:40123\n"
	    "node bbb-01\n"
	    "node-done bbb-01\n"
	    "node bbb-02\n"
	    "probes-passed\n";
	static const struct {
		const char	*text;
		const char	*cause;
	} bad[] = {
		{ "stack consul\n", "1: stack takes 2 fields" },
		{ "\nnode bbb 01\n", "2: node takes 1 field" },
		{ "url consul ftp://x\n", "1: bad URL" },
		{ "url consul http://a\tb\n", "1: too many fields" },
		{ "nodes bbb-01\n", "1: unknown item" },
		{ "node bbb/01\n", "1: bad name" },
		{ "stack a b c d\n", "1: too many fields" },
		{ "node a\0b\n", "1: a NUL byte" },
	};
	struct setup_state	*st, *st2;
	const struct setup_state_item *it;
	char			*cause = NULL, *text, *path;
	size_t			 i, len;

	(void)state;
	st = setup_state_new();
	assert_int_equal(setup_state_parse(st, rec, sizeof rec - 1, &cause),
	    0);
	assert_int_equal(st->n, 8);
	it = setup_state_find(st, SETUP_ST_STACK, "consul");
	assert_non_null(it);
	assert_string_equal(it->id, "1st9");
	it = setup_state_find(st, SETUP_ST_URL, "consul");
	assert_string_equal(it->id, "http://127.0.0.1:40123");
	assert_non_null(setup_state_find(st, SETUP_ST_NODE_DONE, "bbb-01"));
	assert_null(setup_state_find(st, SETUP_ST_NODE_DONE, "bbb-02"));
	assert_non_null(setup_state_find(st, SETUP_ST_PROBES, NULL));
	/* written back: the same text */
	text = setup_state_text(st);
	assert_string_equal(text, rec);
	free(text);
	setup_state_remove(st, SETUP_ST_NODE, "bbb-02");
	assert_null(setup_state_find(st, SETUP_ST_NODE, "bbb-02"));
	assert_int_equal(st->n, 7);

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		st2 = setup_state_new();
		len = strlen(bad[i].text);
		if (strcmp(bad[i].cause, "1: a NUL byte") == 0)
			len = 10;
		assert_int_equal(setup_state_parse(st2, bad[i].text, len,
		    &cause), -1);
		assert_string_equal(cause, bad[i].cause);
		free(cause);
		cause = NULL;
		setup_state_free(st2);
	}

	/* saved 0600; loaded back; absent is empty; group-readable refused */
	path = xasprintf("%s/setup-state", tmpdir);
	st2 = setup_state_load(path, &cause);
	assert_non_null(st2);
	assert_int_equal(st2->n, 0);
	setup_state_free(st2);
	assert_int_equal(setup_state_save(st, path, &cause), 0);
	st2 = setup_state_load(path, &cause);
	assert_non_null(st2);
	assert_int_equal(st2->n, 7);
	setup_state_free(st2);
	assert_int_equal(chmod(path, 0640), 0);
	assert_null(setup_state_load(path, &cause));
	assert_non_null(strstr(cause, "mode 0600"));
	free(cause);
	unlink(path);
	free(path);
	setup_state_free(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_field_checks),
		cmocka_unit_test(test_page_relations),
		cmocka_unit_test(test_answers_good),
		cmocka_unit_test(test_answers_errors),
		cmocka_unit_test(test_answers_file_modes),
		cmocka_unit_test(test_config_write),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_stack_env),
		cmocka_unit_test(test_state),
	};

	return (cmocka_run_group_tests(tests, setup_tmp, teardown_tmp));
}
