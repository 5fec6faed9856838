/* test-backup.c: backup.c (manifest, listing, prune, hashing) and the
 * pg_restore --list reader of backup-pg.c */
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backup.h"
#include "util.h"

#define SHA_A	"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static struct backup_manifest *
sample(void)
{
	struct backup_manifest	*m = xcalloc(1, sizeof *m);

	m->format = BACKUP_FORMAT;
	m->id = xstrdup("20261207T210500Z");
	m->cluster = xstrdup("uni-x");
	m->bbbctl = xstrdup("0.1");
	m->pg_dump = xstrdup("pg_dump (PostgreSQL) 15.18");
	m->server = xstrdup("15.18");
	m->started_ms = 1796677500000LL;
	m->ended_ms = 1796677560000LL;
	m->contents = BACKUP_DB | BACKUP_CONSUL;
	m->ndbs = 1;
	m->dbs = xcalloc(1, sizeof *m->dbs);
	m->dbs[0].name = xstrdup("greenlight_production");
	m->dbs[0].file = xstrdup("db/greenlight_production.dump");
	m->dbs[0].size = 8000000;
	m->dbs[0].ntables = 2;
	m->dbs[0].tables = xcalloc(2, sizeof *m->dbs[0].tables);
	m->dbs[0].tables[0].name = xstrdup("public.users");
	m->dbs[0].tables[0].rows = 200000;
	m->dbs[0].tables[1].name = xstrdup("public.rooms");
	m->dbs[0].tables[1].rows = 0;
	m->nfiles = 2;
	m->files = xcalloc(2, sizeof *m->files);
	m->files[0].path = xstrdup("consul/kv.json");
	m->files[0].size = 3;
	memcpy(m->files[0].sha256, SHA_A, 65);
	m->files[1].path = xstrdup("db/greenlight_production.dump");
	m->files[1].size = 123456789012LL;
	memcpy(m->files[1].sha256, SHA_A, 65);
	return (m);
}

static void
test_manifest_roundtrip(void **state)
{
	struct backup_manifest	*m = sample(), *d = NULL;
	char			*text, *cause = NULL;

	(void)state;
	text = backup_manifest_encode(m);
	assert_int_equal(backup_manifest_decode(text, strlen(text), &d,
	    &cause), 0);
	assert_string_equal(d->id, m->id);
	assert_string_equal(d->cluster, "uni-x");
	assert_string_equal(d->pg_dump, m->pg_dump);
	assert_int_equal(d->started_ms, m->started_ms);
	assert_int_equal(d->contents, BACKUP_DB | BACKUP_CONSUL);
	assert_int_equal(d->ndbs, 1);
	assert_int_equal(d->dbs[0].ntables, 2);
	assert_string_equal(d->dbs[0].tables[0].name, "public.users");
	assert_int_equal(d->dbs[0].tables[0].rows, 200000);
	assert_int_equal(d->nfiles, 2);
	assert_int_equal(d->files[1].size, 123456789012LL);
	assert_string_equal(d->files[0].sha256, SHA_A);
	assert_non_null(strstr(text, "\"started\": \"2026-"));
	backup_manifest_free(d);
	free(text);
	backup_manifest_free(m);
}

/* Each edit of the sample's JSON is refused, with a cause. */
static void
test_manifest_rejects(void **state)
{
	static const char *const bad[][2] = {
		{ "\"consul/kv.json\"", "\"../kv.json\"" },
		{ "\"consul/kv.json\"", "\"/etc/passwd\"" },
		{ "\"consul/kv.json\"", "\"consul//kv.json\"" },
		{ "\"consul/kv.json\"", "\"consul/./kv.json\"" },
		{ "\"consul/kv.json\"", "\"manifest.json\"" },
		{ "\"consul/kv.json\"", "\"\"" },
		{ "\"db/greenlight_production.dump\",\n   \"size\": 8000000",
		  "\"db/../../x\",\n   \"size\": 8000000" },
		{ "\"format\": 1", "\"format\": 2" },
		{ "\"format\": 1", "\"format\": \"1\"" },
		{ "\"size\": 3", "\"size\": -3" },
		{ "\"public.users\": 200000", "\"public.users\": \"many\"" },
		{ "\"ba7816", "\"BA7816" },
		{ "\"ba7816", "\"zz7816" },
		{ "\"consul\"", "\"tapes\"" },
		{ "\"id\"", "\"idx\"" },
		{ "\"files\"", "\"filez\"" },
		{ "\"cluster\": \"uni-x\"", "\"cluster\": 7" },
		/* a file entry that is not an object (found by fuzz-backup) */
		{ "\"files\": [", "\"files\": [\"consul\"," },
	};
	struct backup_manifest	*m = sample(), *d;
	struct buf		 b = { 0 };
	char			*text, *p, *cause;
	size_t			 i;

	(void)state;
	text = backup_manifest_encode(m);
	for (i = 0; i < nitems(bad); i++) {
		p = strstr(text, bad[i][0]);
		if (p == NULL)
			fail_msg("sample lacks %s", bad[i][0]);
		buf_reset(&b);
		buf_add(&b, text, (size_t)(p - text));
		buf_adds(&b, bad[i][1]);
		buf_adds(&b, p + strlen(bad[i][0]));
		cause = NULL;
		d = (void *)1;
		if (backup_manifest_decode(b.data, b.len, &d, &cause) == 0)
			fail_msg("accepted edit %zu: %s", i, bad[i][1]);
		assert_null(d);
		assert_non_null(cause);
		assert_non_null(strstr(cause, "manifest"));
		free(cause);
	}
	/* Every truncation of it, too. */
	for (i = 0; i < strlen(text) - 2; i += 7) {
		cause = NULL;
		assert_int_equal(backup_manifest_decode(text, i, &d, &cause),
		    -1);
		free(cause);
	}
	/* A duplicate key. */
	cause = NULL;
	assert_int_equal(backup_manifest_decode("{\"format\":1,\"format\":1}",
	    24, &d, &cause), -1);
	free(cause);
	buf_free(&b);
	free(text);
	backup_manifest_free(m);
}

static void
test_id(void **state)
{
	char	*id;

	(void)state;
	id = backup_id_new(1796677500000LL);
	assert_string_equal(id, "20261207T210500Z");
	assert_int_equal(backup_id_time(id), 1796677500000LL);
	free(id);
	assert_int_equal(backup_id_time("20261207T210500"), -1);
	assert_int_equal(backup_id_time("20261207T210500Z.tmp"), -1);
	assert_int_equal(backup_id_time("2026120xT210500Z"), -1);
	assert_int_equal(backup_id_time(".."), -1);
	assert_int_equal(backup_id_time(""), -1);
}

static void
prune_case(const char *states, size_t keep, const char *want)
{
	struct backup_entry	 v[16];
	bool			 rm[16];
	char			 got[17];
	size_t			 i, n = strlen(states), count;

	memset(v, 0, sizeof v);
	for (i = 0; i < n; i++) {
		switch (states[i]) {
		case 'i':
			v[i].state = BACKUP_INCOMPLETE;
			break;
		case 'c':
			v[i].state = BACKUP_COMPLETE;
			break;
		case 'f':
			v[i].state = BACKUP_VERIFY_FAILED;
			break;
		case 'v':
			v[i].state = BACKUP_VERIFIED;
			break;
		}
	}
	count = backup_prune_select(v, n, keep, rm);
	for (i = 0; i < n; i++)
		got[i] = rm[i] ? 'x' : '.';
	got[n] = '\0';
	if (strcmp(got, want) != 0)
		fail_msg("prune %s keep %zu: got %s, want %s", states, keep,
		    got, want);
	for (i = 0; got[i] != '\0'; i++)
		count -= got[i] == 'x';
	assert_int_equal(count, 0);
}

static void
test_prune(void **state)
{
	(void)state;
	/* newest first */
	prune_case("ccc", 1, ".xx");
	prune_case("ccc", 3, "...");
	prune_case("ccc", 5, "...");
	prune_case("ccvc", 1, ".x.x");		/* the only verified one */
	prune_case("vcvc", 1, ".xxx");		/* kept one is verified */
	prune_case("cvcv", 2, "..xx");
	prune_case("icci", 1, "..xx");		/* newest incomplete: a run */
	prune_case("iii", 1, "...");		/* nothing complete at all */
	prune_case("fcc", 1, "..x");		/* verify failed: not good */
	prune_case("cfc", 1, ".xx");
	prune_case("", 1, "");
}

static void
write_file(const char *path, const char *text)
{
	FILE	*f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_list_and_hash(void **state)
{
	struct backup_manifest	*m = sample();
	struct backup_entry	*v;
	char			 tmpl[256], hex[65];
	char			*root, *p, *text, *cause = NULL;
	uint64_t		 size;
	size_t			 n;

	(void)state;
	snprintf(tmpl, sizeof tmpl, "%s/test-backup.XXXXXX", P_tmpdir);
	assert_non_null(mkdtemp(tmpl));
	root = xasprintf("%s/a/b", tmpl);
	assert_int_equal(backup_mkdirs(root, &cause), 0);
	/* complete, verified */
	p = xasprintf("%s/20261207T210500Z", root);
	mkdir(p, 0700);
	free(p);
	text = backup_manifest_encode(m);
	p = xasprintf("%s/20261207T210500Z/manifest.json", root);
	write_file(p, text);
	free(p);
	p = xasprintf("%s/20261207T210500Z/verify.json", root);
	write_file(p, "{\"ok\":true,\"at_ms\":5,\"restore_test\":true}");
	free(p);
	/* complete, verify failed */
	p = xasprintf("%s/20261208T210500Z", root);
	mkdir(p, 0700);
	free(p);
	p = xasprintf("%s/20261208T210500Z/manifest.json", root);
	write_file(p, text);
	free(p);
	p = xasprintf("%s/20261208T210500Z/verify.json", root);
	write_file(p, "{\"ok\":false,\"at_ms\":6,\"cause\":\"db/x.dump: "
	    "sha256 differs\"}");
	free(p);
	/* truncated manifest */
	p = xasprintf("%s/20261209T210500Z", root);
	mkdir(p, 0700);
	free(p);
	text[strlen(text) / 2] = '\0';
	p = xasprintf("%s/20261209T210500Z/manifest.json", root);
	write_file(p, text);
	free(p);
	/* no manifest; a stray directory that is not an ID */
	p = xasprintf("%s/20261210T210500Z", root);
	mkdir(p, 0700);
	free(p);
	p = xasprintf("%s/lost+found", root);
	mkdir(p, 0700);
	free(p);

	assert_int_equal(backup_list(root, &v, &n, &cause), 0);
	assert_int_equal(n, 4);
	assert_string_equal(v[0].id, "20261210T210500Z");
	assert_int_equal(v[0].state, BACKUP_INCOMPLETE);
	assert_string_equal(v[0].why, "no manifest");
	assert_int_equal(v[1].state, BACKUP_INCOMPLETE);
	assert_non_null(strstr(v[1].why, "not JSON"));
	assert_int_equal(v[2].state, BACKUP_VERIFY_FAILED);
	assert_non_null(strstr(v[2].why, "db/x.dump"));
	assert_int_equal(v[3].state, BACKUP_VERIFIED);
	assert_true(v[3].restore_tested);
	assert_int_equal(v[3].db_size, 8000000);
	assert_int_equal(v[3].contents, BACKUP_DB | BACKUP_CONSUL);
	assert_true(v[3].size > 100);
	backup_entries_free(v, n);

	p = xasprintf("%s/abc", tmpl);
	write_file(p, "abc");
	assert_int_equal(backup_sha256_file(p, hex, &size, NULL, &cause), 0);
	assert_string_equal(hex, SHA_A);
	assert_int_equal(size, 3);
	free(p);
	p = xasprintf("%s/none", tmpl);
	assert_int_equal(backup_sha256_file(p, hex, &size, NULL, &cause), -1);
	assert_non_null(strstr(cause, "none"));
	free(cause);
	free(p);

	/* rmtree does not follow a symbolic link out of the tree */
	p = xasprintf("%s/20261207T210500Z/link", root);
	assert_int_equal(symlink(tmpl, p), 0);
	free(p);
	assert_int_equal(backup_rmtree(root, &cause), 0);
	assert_int_equal(access(root, F_OK), -1);
	p = xasprintf("%s/abc", tmpl);
	assert_int_equal(access(p, F_OK), 0);
	free(p);
	p = xasprintf("%s/a", tmpl);
	assert_int_equal(backup_rmtree(p, &cause), 0);
	free(p);
	p = xasprintf("%s/abc", tmpl);
	unlink(p);
	free(p);
	rmdir(tmpl);
	assert_int_equal(backup_list(root, &v, &n, &cause), 0);
	assert_int_equal(n, 0);
	free(root);
	free(text);
	backup_manifest_free(m);
}

/* pg_restore --list of a real 15.18 archive (trimmed). */
static const char toc_sample[] =
    ";\n"
    "; Archive created at 2026-12-07 21:05:01 UTC\n"
    ";     dbname: greenlight_production\n"
    ";     TOC Entries: 13\n"
    ";     Compression: -1\n"
    ";     Dump Version: 1.14-0\n"
    ";     Format: CUSTOM\n"
    ";     Integer: 4 bytes\n"
    ";     Offset: 8 bytes\n"
    ";     Dumped from database version: 15.18 (Debian 15.18-0+deb12u1)\n"
    ";     Dumped by pg_dump version: 15.18 (Debian 15.18-0+deb12u1)\n"
    ";\n"
    ";\n"
    "; Selected TOC Entries:\n"
    ";\n"
    "215; 1259 16386 TABLE public users postgres\n"
    "214; 1259 16385 SEQUENCE public users_id_seq postgres\n"
    "3347; 0 16386 TABLE DATA public users postgres\n"
    "3348; 0 16390 TABLE DATA public rooms postgres\n"
    "3200; 2606 16392 CONSTRAINT public users users_pkey postgres\n";

static void
test_toc(void **state)
{
	size_t	 entries, tables;
	char	*cause = NULL;

	(void)state;
	assert_int_equal(backup_pg_toc_parse(toc_sample, strlen(toc_sample),
	    &entries, &tables, &cause), 0);
	assert_int_equal(entries, 5);
	assert_int_equal(tables, 2);
	assert_int_equal(backup_pg_toc_parse("", 0, &entries, &tables,
	    &cause), -1);
	assert_non_null(strstr(cause, "header"));
	free(cause);
	cause = NULL;
	assert_int_equal(backup_pg_toc_parse("215; 1259 16386 TABLE x\n", 24,
	    &entries, &tables, &cause), -1);
	free(cause);
	/* cut before its header line */
	cause = NULL;
	assert_int_equal(backup_pg_toc_parse(toc_sample, 60, &entries,
	    &tables, &cause), -1);
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifest_roundtrip),
		cmocka_unit_test(test_manifest_rejects),
		cmocka_unit_test(test_id),
		cmocka_unit_test(test_prune),
		cmocka_unit_test(test_list_and_hash),
		cmocka_unit_test(test_toc),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
