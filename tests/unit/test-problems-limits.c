/*
 * test-problems-limits.c: the [problems] keys: loaded and checked with
 * file:line errors, and a changed limit changes each rule's outcome.
 */
#include <sys/stat.h>

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
#include "fleet-helpers.h"
#include "fleet.h"
#include "problems.h"
#include "util.h"

#define T0	1700000000000LL
#define MIN	60000LL
#define DAY	(24 * 60 * MIN)

static char	 tmpdir[PATH_MAX];

/* Load text as a config file: the config, or NULL with *cause. */
static struct config *
load(const char *text, char **cause, char **pathp)
{
	struct config	*cfg;
	char		*path;
	FILE		*f;

	path = xasprintf("%s/bbbctl.conf", tmpdir);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, 0600), 0);
	cfg = config_new();
	*cause = NULL;
	if (config_load(cfg, path, cause) != 0) {
		config_free(cfg);
		cfg = NULL;
	}
	if (pathp != NULL)
		*pathp = path;
	else
		free(path);
	return (cfg);
}

static void
expect_error(const char *text, const char *want)
{
	char	*cause, *path, *full;

	assert_null(load(text, &cause, &path));
	full = xasprintf("%s:%s", path, want);
	assert_non_null(cause);
	assert_string_equal(cause, full);
	free(full);
	free(cause);
	free(path);
}

static void
test_keys(void **state)
{
	struct config	*cfg;
	char		*cause;

	(void)state;
	/* Defaults: the constants the rules had. */
	cfg = config_new();
	assert_int_equal(cfg->problems.cpu_warn, 90);
	assert_int_equal(cfg->problems.mem_warn, 90);
	assert_int_equal(cfg->problems.hold_ms, 5 * MIN);
	assert_int_equal(cfg->problems.cordoned_idle_ms, 30 * MIN);
	assert_int_equal(cfg->problems.cert_days, 14);
	assert_int_equal(cfg->problems.cert_crit_days, 3);
	assert_int_equal(cfg->problems.stale_after_ms, 5 * MIN);
	config_free(cfg);

	cfg = load("[problems]\ncpu_warn = 75\nmem_warn = 80\nhold = 2m\n"
	    "cordoned_idle = 0\ncert_days = 30\ncert_crit_days = 7\n"
	    "stale_after = 90s\n", &cause, NULL);
	assert_null(cause);
	assert_non_null(cfg);
	assert_int_equal(cfg->problems.cpu_warn, 75);
	assert_int_equal(cfg->problems.mem_warn, 80);
	assert_int_equal(cfg->problems.hold_ms, 2 * MIN);
	assert_int_equal(cfg->problems.cordoned_idle_ms, 0);
	assert_int_equal(cfg->problems.cert_days, 30);
	assert_int_equal(cfg->problems.cert_crit_days, 7);
	assert_int_equal(cfg->problems.stale_after_ms, 90000);
	config_free(cfg);

	expect_error("[problems]\ncpu_warn = 0\n",
	    "2: [problems] cpu_warn: expected a whole number from 1 to 100, "
	    "got '0'");
	expect_error("[problems]\n\nmem_warn = 101\n",
	    "3: [problems] mem_warn: expected a whole number from 1 to 100, "
	    "got '101'");
	expect_error("[problems]\nhold = 25h\n",
	    "2: [problems] hold: expected a duration from 0ms to 86400s, "
	    "got '25h'");
	expect_error("[problems]\nstale_after = 5s\n",
	    "2: [problems] stale_after: expected a duration from 10000ms to "
	    "86400s, got '5s'");
	expect_error("[problems]\ncert_days = -1\n",
	    "2: [problems] cert_days: expected a whole number from 0 to 365, "
	    "got '-1'");
	expect_error("[problems]\ncordoned_idle = soon\n",
	    "2: [problems] cordoned_idle: expected a duration like 2s or "
	    "500ms, got 'soon'");
	expect_error("[problems]\ncpu_wran = 80\n",
	    "2: unknown key 'cpu_wran' in [problems]; did you mean "
	    "'cpu_warn'?");
}

/* A fleet configured from text. */
static struct fleet *
fleet_from(const char *text)
{
	struct config	*cfg;
	struct fleet	*f;
	char		*cause;

	cfg = load(text, &cause, NULL);
	assert_null(cause);
	f = fleet_new("t");
	assert_int_equal(fleet_configure(f, cfg, &cause), 0);
	config_free(cfg);
	return (f);
}

static const struct fleet_problem *
find(const struct fleet *f, const char *rule, const char *key)
{
	size_t	 i;

	for (i = 0; i < f->nproblems; i++) {
		if (strcmp(f->problems[i]->rule, rule) == 0 &&
		    (key == NULL || (f->problems[i]->node_key != NULL &&
		    strcmp(f->problems[i]->node_key, key) == 0)))
			return (f->problems[i]);
	}
	return (NULL);
}

static void
prom(struct fleet *f, int64_t now, const char *fig, double v)
{
	struct fleet_prom_update	*u = t_prom_new();

	t_prom_add(u, fig, "bbb-01:9100", v);
	/* its bbb-exporter makes it a BBB node (fleet.h) */
	t_prom_add(u, "meetings", "bbb-01:9688", 1);
	fleet_apply_prom(f, u, now);
}

static void
test_cpu_mem(void **state)
{
	struct fleet	*def, *low;

	(void)state;
	def = fleet_from("[cluster]\nname = t\n");
	low = fleet_from("[problems]\ncpu_warn = 70\nmem_warn = 60\n"
	    "hold = 1m\n");
	/* 75% for a minute: only under cpu_warn = 70, hold = 1m. */
	prom(def, T0, "cpu", 75);
	prom(low, T0, "cpu", 75);
	prom(def, T0 + MIN, "cpu", 75);
	prom(low, T0 + MIN, "cpu", 75);
	assert_null(find(def, "cpu-high", "bbb-01"));
	assert_non_null(find(low, "cpu-high", "bbb-01"));
	assert_non_null(strstr(find(low, "cpu-high", "bbb-01")->text,
	    "limit 70%"));
	/* The default holds 5 minutes, and at 75% never raises. */
	prom(def, T0 + 10 * MIN, "cpu", 75);
	assert_null(find(def, "cpu-high", "bbb-01"));
	prom(def, T0 + 11 * MIN, "cpu", 95);
	prom(def, T0 + 16 * MIN, "cpu", 95);
	assert_non_null(find(def, "cpu-high", "bbb-01"));

	prom(def, T0, "mem", 65);
	prom(low, T0, "mem", 65);
	prom(def, T0 + 2 * MIN, "mem", 65);
	prom(low, T0 + 2 * MIN, "mem", 65);
	assert_null(find(def, "mem-high", "bbb-01"));
	assert_non_null(find(low, "mem-high", "bbb-01"));
	fleet_free(def);
	fleet_free(low);
}

static void
test_cert_idle_stale(void **state)
{
	struct fleet			*def, *wide;
	struct fleet_scalelite_update	*u;
	const char			*url = "https://bbb-01.example.org/";
	struct fleet			*both[2];
	int				 i;

	(void)state;
	def = fleet_from("[cluster]\nname = t\n");
	wide = fleet_from("[problems]\ncert_days = 30\ncert_crit_days = 20\n"
	    "cordoned_idle = 5m\nstale_after = 1m\n");
	both[0] = def;
	both[1] = wide;
	for (i = 0; i < 2; i++) {
		u = t_sl_new();
		t_sl_add(u, url, FLEET_LB_CORDONED, 1, 0);
		fleet_apply_scalelite(both[i], u, T0);
		fleet_apply_cert(both[i], url, T0 + 25 * DAY, T0);
	}
	/* Expires in 25 days: nothing by default, critical within 30/20? */
	assert_null(find(def, "cert-expiry", "bbb-01"));
	assert_non_null(find(wide, "cert-expiry", "bbb-01"));
	assert_int_equal(find(wide, "cert-expiry", "bbb-01")->severity,
	    FLEET_SEV_WARNING);
	fleet_apply_cert(wide, url, T0 + 15 * DAY, T0);
	assert_int_equal(find(wide, "cert-expiry", "bbb-01")->severity,
	    FLEET_SEV_CRITICAL);
	fleet_apply_cert(def, url, T0 + 15 * DAY, T0);
	assert_null(find(def, "cert-expiry", "bbb-01"));

	/* Cordoned and idle for 6 minutes: only with cordoned_idle = 5m. */
	fleet_tick(def, T0 + 6 * MIN);
	fleet_tick(wide, T0 + 6 * MIN);
	assert_null(find(def, "cordoned-idle", "bbb-01"));
	assert_non_null(find(wide, "cordoned-idle", "bbb-01"));

	/* A failing source: failed after stale_after, not before. */
	fleet_source_failed(def, FLEET_SRC_SCALELITE, "timeout",
	    T0 + 6 * MIN + 1000);
	fleet_source_failed(wide, FLEET_SRC_SCALELITE, "timeout",
	    T0 + 6 * MIN + 1000);
	/* last_ok is T0: 6 minutes old; the default limit is 5 minutes */
	assert_int_equal(def->sources[FLEET_SRC_SCALELITE].state,
	    FLEET_SRC_FAILED);
	assert_int_equal(wide->sources[FLEET_SRC_SCALELITE].state,
	    FLEET_SRC_FAILED);
	u = t_sl_new();
	t_sl_add(u, url, FLEET_LB_CORDONED, 1, 0);
	fleet_apply_scalelite(def, u, T0 + 7 * MIN);
	u = t_sl_new();
	t_sl_add(u, url, FLEET_LB_CORDONED, 1, 0);
	fleet_apply_scalelite(wide, u, T0 + 7 * MIN);
	fleet_source_failed(def, FLEET_SRC_SCALELITE, "timeout",
	    T0 + 9 * MIN);
	fleet_source_failed(wide, FLEET_SRC_SCALELITE, "timeout",
	    T0 + 9 * MIN);
	assert_int_equal(def->sources[FLEET_SRC_SCALELITE].state,
	    FLEET_SRC_STALE);
	assert_non_null(find(def, "source-stale", NULL));
	assert_int_equal(wide->sources[FLEET_SRC_SCALELITE].state,
	    FLEET_SRC_FAILED);
	assert_non_null(find(wide, "source-failed", NULL));
	fleet_free(def);
	fleet_free(wide);
}

static int
setup(void **state)
{
	const char	*t = getenv("TMPDIR");

	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "%s/test-problems-limits.XXXXXX",
	    t != NULL ? t : "/tmp");
	return (mkdtemp(tmpdir) == NULL ? -1 : 0);
}

static int
teardown(void **state)
{
	char	*path;

	(void)state;
	path = xasprintf("%s/bbbctl.conf", tmpdir);
	unlink(path);
	free(path);
	rmdir(tmpdir);
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_cpu_mem),
		cmocka_unit_test(test_cert_idle_stale),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
