/*
 * test-audit.c: the audit spool format, operator and origin, the UUIDs,
 * the masking of secrets, spooling without a database, --since.
 */
#include <sys/stat.h>

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "audit.h"
#include "cmd.h"
#include "config.h"
#include "util.h"

static char	*tmpdir;

static char *
slurp(const char *path)
{
	FILE		*f;
	struct buf	 b = { 0 };
	char		 tmp[4096];
	size_t		 n;

	if ((f = fopen(path, "r")) == NULL)
		return (NULL);
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_add(&b, tmp, n);
	fclose(f);
	return (b.data != NULL ? buf_steal(&b) : xstrdup(""));
}

/* The spool audit_new(cfg) writes to. */
static char *
spool_of(const struct config *cfg)
{
	char	*id, *p;

	id = audit_cluster_id(cfg);
	p = audit_spool_path_for(cfg != NULL && cfg->cluster.name != NULL ?
	    cfg->cluster.name : "bbb", id);
	free(id);
	return (p);
}

static void
test_origin(void **state)
{
	char	*o;

	(void)state;
	o = audit_origin_from("10.0.0.5 51234 22", NULL);
	assert_string_equal(o, "10.0.0.5");
	free(o);
	o = audit_origin_from(NULL, "2001:db8::7 40000 2001:db8::1 22");
	assert_string_equal(o, "2001:db8::7");
	free(o);
	o = audit_origin_from("", "192.168.1.9 1 192.168.1.1 22");
	assert_string_equal(o, "192.168.1.9");
	free(o);
	o = audit_origin_from(NULL, NULL);
	assert_string_equal(o, "local");
	free(o);
	/* Not an address (a hostile environment): never passed on. */
	o = audit_origin_from("evil;rm -rf / 1 22", NULL);
	assert_string_equal(o, "unknown");
	free(o);
	o = audit_origin_from("\x1b[31mred 1 22", NULL);
	assert_string_equal(o, "unknown");
	free(o);

	setenv("SSH_CLIENT", "10.1.2.3 5555 22", 1);
	o = audit_origin();
	assert_string_equal(o, "10.1.2.3");
	free(o);
	unsetenv("SSH_CLIENT");
	unsetenv("SSH_CONNECTION");
	o = audit_origin();
	assert_string_equal(o, "local");
	free(o);
}

static void
test_operator(void **state)
{
	char	*o;

	(void)state;
	o = audit_operator();
	assert_non_null(o);
	assert_true(strlen(o) > 0);
	if (getuid() == 0)
		assert_string_equal(o, "root");
	free(o);
}

static void
test_uuid(void **state)
{
	char	*a, *b;
	size_t	 i;

	(void)state;
	a = audit_uuid_new();
	b = audit_uuid_new();
	assert_int_equal(strlen(a), 36);
	assert_string_not_equal(a, b);
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			assert_int_equal(a[i], '-');
		else
			assert_non_null(strchr("0123456789abcdef", a[i]));
	}
	assert_int_equal(a[14], '4');			/* version 4 */
	assert_non_null(strchr("89ab", a[19]));		/* RFC 4122 variant */
	free(a);
	free(b);
}

static void
test_spool_roundtrip(void **state)
{
	struct audit_rec	 r;
	struct audit_entry	 e;
	char			*line, *cause = NULL;

	(void)state;
	memset(&r, 0, sizeof r);
	r.uuid = "5b0f8c1e-2f55-4a59-9b7e-0a0d6c5e7f10";
	r.event = "done";
	r.verb = "server cordon";
	r.target = "bbb-03";
	r.plan = "1. POST /scalelite/api/updateServer\n2. \"quoted\" \\ tab\t";
	r.result = "cordoned \xc3\xa4";
	r.operator_ = "alice";
	r.origin = "10.0.0.5";
	r.at_ms = INT64_C(1764110460123);
	r.duration_ms = 1520;
	r.job_id = 42;
	line = audit_spool_format(&r, "console-1");
	/* One line: no raw newline, whatever the plan holds. */
	assert_null(strchr(line, '\n'));
	assert_int_equal(audit_spool_parse(line, &e, &cause), 0);
	assert_string_equal(e.uuid, r.uuid);
	assert_string_equal(e.event, "done");
	assert_string_equal(e.verb, "server cordon");
	assert_string_equal(e.target, "bbb-03");
	assert_string_equal(e.plan, r.plan);
	assert_string_equal(e.result, r.result);
	assert_string_equal(e.operator_, "alice");
	assert_string_equal(e.origin, "10.0.0.5");
	assert_string_equal(e.host, "console-1");
	assert_true(e.at_ms == INT64_C(1764110460123));
	assert_true(e.duration_ms == 1520);
	assert_int_equal(e.job_id, 42);
	assert_true(e.spooled);
	audit_entry_clear(&e);
	free(line);

	/* NULLs stay NULL; a negative duration is "none". */
	r.target = NULL;
	r.plan = NULL;
	r.result = NULL;
	r.duration_ms = -1;
	r.job_id = 0;
	line = audit_spool_format(&r, NULL);
	assert_int_equal(audit_spool_parse(line, &e, &cause), 0);
	assert_null(e.target);
	assert_null(e.plan);
	assert_null(e.result);
	assert_null(e.host);
	assert_true(e.duration_ms == -1);
	assert_int_equal(e.job_id, 0);
	audit_entry_clear(&e);
	free(line);
}

/* A spool line as written by hand from the documented format. */
static void
test_spool_parse_samples(void **state)
{
	static const char *bad[] = {
		"",
		"{\"uuid\":\"torn",
		"[]",
		"{}",
		"{\"uuid\":\"\",\"event\":\"done\",\"verb\":\"v\","
		    "\"operator\":\"o\",\"origin\":\"local\",\"at_ms\":1}",
		"{\"uuid\":\"u\",\"event\":\"done\",\"verb\":\"v\","
		    "\"operator\":\"o\",\"origin\":\"local\"}",
		"{\"uuid\":\"u\",\"event\":\"done\",\"verb\":\"v\","
		    "\"operator\":\"o\",\"origin\":\"local\",\"at_ms\":-5}",
		"{\"uuid\":\"u\",\"event\":\"done\",\"verb\":\"v\","
		    "\"operator\":\"o\",\"origin\":\"local\",\"at_ms\":1,"
		    "\"job_id\":4294967296}",
		"{\"uuid\":\"u\",\"event\":7,\"verb\":\"v\","
		    "\"operator\":\"o\",\"origin\":\"local\",\"at_ms\":1}",
		"{\"uuid\":\"u\",\"uuid\":\"w\",\"event\":\"done\","
		    "\"verb\":\"v\",\"operator\":\"o\",\"origin\":\"local\","
		    "\"at_ms\":1}",
	};
	struct audit_entry	 e;
	char			*cause;
	size_t			 i;

	(void)state;
	assert_int_equal(audit_spool_parse("{\"uuid\":\"u-1\",\"event\":"
	    "\"planned\",\"job_id\":7,\"verb\":\"server panic\",\"target\":"
	    "\"bbb-01\",\"plan\":\"1. panic\",\"result\":null,\"operator\":"
	    "\"bob\",\"origin\":\"10.0.0.9\",\"at_ms\":1700000000000,"
	    "\"duration_ms\":null,\"host\":\"c\",\"extra\":true}", &e,
	    &cause), 0);
	assert_string_equal(e.verb, "server panic");
	assert_null(e.result);
	assert_true(e.duration_ms == -1);
	audit_entry_clear(&e);

	for (i = 0; i < nitems(bad); i++) {
		cause = NULL;
		assert_int_equal(audit_spool_parse(bad[i], &e, &cause), -1);
		assert_non_null(cause);
		assert_null(e.uuid);
		free(cause);
	}
}

/* No database: records go to the spool, masked, 0600, one per line. */
static void
test_spool_no_database(void **state)
{
	struct config		*cfg;
	struct audit		*a;
	struct audit_rec	 r;
	struct audit_list	 l;
	struct stat		 st;
	char			*cause = NULL, *spool, *text;
	const char		*pw = "Hunter2-very-secret";
	const char		*slsecret = "scalelite-shared-secret-123";
	int			 i;

	(void)state;
	cfg = config_new();
	/* A socket directory that does not exist: fails at once. */
	cfg->postgres.conninfo = xasprintf("host=%s/nonexistent port=5 "
	    "dbname=x user=y password=%s", tmpdir, pw);
	cfg->scalelite.secret = xstrdup(slsecret);
	a = audit_new(cfg);
	config_free(cfg);

	memset(&r, 0, sizeof r);
	r.event = "planned";
	r.verb = "server enable";
	r.target = "bbb-02";
	r.operator_ = "alice";
	r.origin = "local";
	r.duration_ms = -1;
	for (i = 0; i < 3; i++) {
		r.uuid = i == 0 ? "u-0" : i == 1 ? "u-1" : "u-2";
		r.plan = i == 1 ? "checksum over secret "
		    "scalelite-shared-secret-123 and Hunter2-very-secret" :
		    "1. enable";
		cause = NULL;
		assert_int_equal(audit_record(a, &r, &cause), 0);
		assert_true(audit_last_spooled(a));
		assert_non_null(cause);
		assert_null(strstr(cause, pw));
		free(cause);
	}
	/* Invalid UTF-8 (JSON and PostgreSQL refuse it) is replaced. */
	r.uuid = "u-3";
	r.plan = "bad \xff\xfe bytes \xc3\xa4 ok \xe2\x82";
	assert_int_equal(audit_record(a, &r, &cause), 0);
	free(cause);
	spool = xstrdup(audit_spool_file(a));
	assert_int_equal(stat(spool, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	text = slurp(spool);
	assert_non_null(text);
	assert_null(strstr(text, pw));
	assert_null(strstr(text, slsecret));
	assert_non_null(strstr(text, "checksum over secret ******** and "
	    "********"));
	assert_int_equal(text[strlen(text) - 1], '\n');
	assert_non_null(strstr(text, "bad ?? bytes \\u00E4 ok ??\""));
	free(text);

	/* Listed as spooled, in order, with the database's error. */
	cause = NULL;
	assert_int_equal(audit_list(a, 0, 0, &l, &cause), 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[0].uuid, "u-0");
	assert_string_equal(l.v[2].uuid, "u-2");
	assert_string_equal(l.v[3].plan, "bad ?? bytes \xc3\xa4 ok ??");
	assert_true(l.v[1].spooled);
	assert_non_null(l.db_error);
	assert_null(strstr(l.db_error, pw));
	audit_list_free(&l);
	assert_int_equal(audit_list(a, 0, 2, &l, &cause), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].uuid, "u-2");
	audit_list_free(&l);

	audit_free(a);
	unlink(spool);
	free(spool);
}

/*
 * A conninfo libpq cannot parse: its message may quote the password
 * (`invalid percent-encoded token: "..."`); no error shown, logged or
 * listed may carry it.
 */
static void
test_conninfo_unparsable(void **state)
{
	static const char *const bad[] = {
		"postgresql://bbbctl:Hunter%zz-very-secret@127.0.0.1:1/audit",
		"host=127.0.0.1 port=1 password=Hunter2 very-secret",
	};
	struct config		*cfg;
	struct audit		*a;
	struct audit_rec	 r;
	struct audit_list	 l;
	char			*cause, *spool;
	size_t			 i;

	(void)state;
	for (i = 0; i < nitems(bad); i++) {
		cfg = config_new();
		cfg->postgres.conninfo = xstrdup(bad[i]);
		a = audit_new(cfg);
		config_free(cfg);
		memset(&r, 0, sizeof r);
		r.uuid = "u-c";
		r.event = "planned";
		r.verb = "server enable";
		r.operator_ = "alice";
		r.origin = "local";
		r.duration_ms = -1;
		cause = NULL;
		assert_int_equal(audit_record(a, &r, &cause), 0);
		assert_non_null(cause);
		assert_null(strstr(cause, "very-secret"));
		assert_non_null(strstr(cause, "conninfo"));
		free(cause);
		cause = NULL;
		assert_int_equal(audit_list(a, 0, 0, &l, &cause), 0);
		assert_non_null(l.db_error);
		assert_null(strstr(l.db_error, "very-secret"));
		audit_list_free(&l);
		spool = xstrdup(audit_spool_file(a));
		audit_free(a);
		unlink(spool);
		free(spool);
	}
}

/* Without any conninfo the record still is kept (spooled). */
static void
test_spool_unconfigured(void **state)
{
	struct audit		*a;
	struct audit_rec	 r;
	char			*cause = NULL, *spool;

	(void)state;
	a = audit_new(NULL);
	memset(&r, 0, sizeof r);
	r.uuid = "x";
	r.event = "done";
	r.verb = "server cordon";
	r.operator_ = "o";
	r.origin = "local";
	assert_int_equal(audit_record(a, &r, &cause), 0);
	assert_non_null(strstr(cause, "conninfo"));
	free(cause);
	audit_free(a);
	audit_free(NULL);
	spool = spool_of(NULL);
	unlink(spool);
	free(spool);
}

/* Neither database nor spool: -1, and the cause says both. */
static void
test_spool_fails(void **state)
{
	struct audit		*a;
	struct audit_rec	 r;
	char			*cause = NULL, *blocker;
	FILE			*f;

	(void)state;
	/* A regular file where the spool's directory should be. */
	blocker = xasprintf("%s/blocker", tmpdir);
	assert_non_null(f = fopen(blocker, "w"));
	fclose(f);
	setenv("XDG_STATE_HOME", blocker, 1);
	a = audit_new(NULL);
	setenv("XDG_STATE_HOME", tmpdir, 1);
	memset(&r, 0, sizeof r);
	r.uuid = "lost";
	r.event = "done";
	r.verb = "server panic";
	r.operator_ = "o";
	r.origin = "local";
	assert_int_equal(audit_record(a, &r, &cause), -1);
	assert_non_null(strstr(cause, "conninfo"));
	assert_non_null(strstr(cause, "spool failed"));
	free(cause);
	audit_free(a);
	unlink(blocker);
	free(blocker);
}

#define THREADS		4
#define PER_THREAD	25

static void *
record_thread(void *arg)
{
	struct audit		*a = arg;
	struct audit_rec	 r;
	char			*cause, *uuid;
	int			 i;

	for (i = 0; i < PER_THREAD; i++) {
		uuid = audit_uuid_new();
		memset(&r, 0, sizeof r);
		r.uuid = uuid;
		r.event = "started";
		r.verb = "server drain";
		r.operator_ = "o";
		r.origin = "local";
		r.duration_ms = -1;
		cause = NULL;
		if (audit_record(a, &r, &cause) != 0)
			abort();
		free(cause);
		free(uuid);
	}
	return (NULL);
}

/* One struct audit shared by worker threads: every record, whole. */
static void
test_threads(void **state)
{
	struct audit		*a;
	struct audit_list	 l;
	pthread_t		 t[THREADS];
	char			*cause = NULL, *spool;
	size_t			 i, j;

	(void)state;
	spool = spool_of(NULL);
	unlink(spool);
	a = audit_new(NULL);
	for (i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, record_thread, a),
		    0);
	for (i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(audit_list(a, 0, 0, &l, &cause), 0);
	assert_int_equal(l.n, THREADS * PER_THREAD);
	for (i = 0; i < l.n; i++) {
		for (j = i + 1; j < l.n; j++)
			assert_string_not_equal(l.v[i].uuid, l.v[j].uuid);
	}
	audit_list_free(&l);
	audit_free(a);
	unlink(spool);
	free(spool);
}

static void
test_spool_path(void **state)
{
	char	*p;

	(void)state;
	setenv("XDG_STATE_HOME", "/state", 1);
	p = audit_spool_path();
	assert_string_equal(p, "/state/bbbctl/audit.spool");
	free(p);
	unsetenv("XDG_STATE_HOME");
	setenv("HOME", "/home/alice", 1);
	p = audit_spool_path();
	assert_string_equal(p, "/home/alice/.local/state/bbbctl/audit.spool");
	free(p);
	setenv("XDG_STATE_HOME", tmpdir, 1);
}

/* Two fleets (even of one name) never share a spool or a listing. */
static void
test_spool_per_cluster(void **state)
{
	struct config		*ca, *cb;
	struct audit		*a, *b;
	struct audit_rec	 r;
	struct audit_list	 l;
	char			*cause = NULL, *text, *old;
	FILE			*f;

	(void)state;
	ca = config_new();
	cb = config_new();
	free(ca->cluster.name);
	free(cb->cluster.name);
	ca->cluster.name = xstrdup("uni x");
	cb->cluster.name = xstrdup("uni x");
	ca->consul.url = xstrdup("https://consul.a.example:8500");
	cb->consul.url = xstrdup("https://consul.b.example:8500");
	a = audit_new(ca);
	b = audit_new(cb);
	assert_string_equal(audit_cluster(a), "uni x");
	assert_string_not_equal(audit_cluster_ident(a),
	    audit_cluster_ident(b));
	assert_string_not_equal(audit_spool_file(a), audit_spool_file(b));
	assert_non_null(strstr(audit_spool_file(a), "/audit-uni_x-"));
	/* An unrelated key does not change the identity. */
	free(ca->cluster.domain);
	ca->cluster.domain = xstrdup("example.org");
	text = audit_cluster_id(ca);
	assert_string_equal(text, audit_cluster_ident(a));
	free(text);

	/* An old shared spool is kept, never listed as this cluster's. */
	old = audit_spool_path();
	assert_non_null(f = fopen(old, "w"));
	fputs("{\"uuid\":\"old-1\",\"event\":\"done\",\"verb\":\"v\","
	    "\"operator\":\"o\",\"origin\":\"local\",\"at_ms\":1}\n", f);
	fclose(f);

	memset(&r, 0, sizeof r);
	r.event = "done";
	r.verb = "server cordon";
	r.operator_ = "o";
	r.origin = "local";
	r.uuid = "rec-a";
	assert_int_equal(audit_record(a, &r, &cause), 0);
	free(cause);
	r.uuid = "rec-b";
	assert_int_equal(audit_record(b, &r, &cause), 0);
	free(cause);

	text = slurp(audit_spool_file(a));
	assert_non_null(strstr(text, "\"rec-a\""));
	assert_null(strstr(text, "rec-b"));
	assert_non_null(strstr(text, "\"cluster\":\"uni x\""));
	assert_non_null(strstr(text, audit_cluster_ident(a)));
	free(text);
	text = slurp(audit_spool_file(b));
	assert_null(strstr(text, "rec-a"));
	assert_non_null(strstr(text, audit_cluster_ident(b)));
	free(text);

	cause = NULL;
	assert_int_equal(audit_list(a, 0, 0, &l, &cause), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].uuid, "rec-a");
	assert_string_equal(l.v[0].cluster, "uni x");
	audit_list_free(&l);
	free(cause);
	cause = NULL;
	assert_int_equal(audit_list(b, 0, 0, &l, &cause), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].uuid, "rec-b");
	audit_list_free(&l);
	free(cause);

	/* The old shared spool is still there, untouched. */
	text = slurp(old);
	assert_non_null(strstr(text, "old-1"));
	free(text);

	unlink(audit_spool_file(a));
	unlink(audit_spool_file(b));
	unlink(old);
	free(old);
	audit_free(a);
	audit_free(b);
	config_free(ca);
	config_free(cb);
}

static void
test_since(void **state)
{
	const char	*why;
	int64_t		 now = INT64_C(1764110460000);

	(void)state;
	assert_true(cmd_audit_parse_since("2h", now, &why) ==
	    now - 2 * 3600 * 1000);
	assert_true(cmd_audit_parse_since("30m", now, &why) ==
	    now - 30 * 60 * 1000);
	assert_true(cmd_audit_parse_since("7d", now, &why) ==
	    now - INT64_C(7) * 24 * 3600 * 1000);
	assert_true(cmd_audit_parse_since("2025-11-25T22:41:00Z", now,
	    &why) == INT64_C(1764110460000));
	assert_true(cmd_audit_parse_since("2025-11-25T00:00Z", now, &why) ==
	    INT64_C(1764028800000));
	assert_true(cmd_audit_parse_since("2026-11-25", now, &why) > 0);
	assert_true(cmd_audit_parse_since("yesterday", now, &why) == -1);
	assert_true(cmd_audit_parse_since("2026-13-45", now, &why) == -1);
	assert_true(cmd_audit_parse_since("", now, &why) == -1);
	assert_true(cmd_audit_parse_since("-2h", now, &why) == -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_origin),
		cmocka_unit_test(test_operator),
		cmocka_unit_test(test_uuid),
		cmocka_unit_test(test_spool_roundtrip),
		cmocka_unit_test(test_spool_parse_samples),
		cmocka_unit_test(test_spool_path),
		cmocka_unit_test(test_spool_no_database),
		cmocka_unit_test(test_spool_unconfigured),
		cmocka_unit_test(test_conninfo_unparsable),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_spool_fails),
		cmocka_unit_test(test_spool_per_cluster),
		cmocka_unit_test(test_since),
	};
	char	 tmpl[4096], *sub;
	int	 rc;

	snprintf(tmpl, sizeof tmpl, "%s/test-audit.XXXXXX", util_tmpdir());
	if ((tmpdir = mkdtemp(tmpl)) == NULL)
		return (1);
	setenv("XDG_STATE_HOME", tmpdir, 1);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	sub = xasprintf("%s/bbbctl", tmpdir);
	rmdir(sub);
	free(sub);
	rmdir(tmpdir);
	return (rc);
}
