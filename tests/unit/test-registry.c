/*
 * test-registry.c: the action registry (action/registry.h) and what is
 * generated from it on the command line: the rows are complete and
 * consistent, every row is a command of `bbbctl --help` and has its
 * `bbbctl help VERB`, options (the action's own, the common ones and
 * the global ones) parse after the verb as before it, and the
 * action-private arguments reach the plan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "action/registry.h"
#include "cli.h"
#include "cmd.h"
#include "config.h"
#include "jobs.h"
#include "util.h"

/* f's text so far, as a string; closes f. */
static char *
stream_text(FILE *f, char **buf)
{
	fclose(f);
	return (*buf);
}

static bool
opt_named(const struct option *o, size_t n, const char *name)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(o[i].name, name) == 0)
			return (true);
	return (false);
}

static void
test_rows(void **state)
{
	const struct action *const	*acts;
	const struct action		*a, *b;
	const struct action_opt		*o;
	const struct option		*global;
	size_t				 i, j, n, nglobal;

	static const char *const first[] = { "server enable", "server cordon",
	    "server disable", "server panic", "server drain", "stack redeploy",
	    "stack restart" };

	acts = action_list(&n);
	/* The first actions are there, and each holds the cluster lock. */
	assert_true(n >= nitems(first));
	for (i = 0; i < nitems(first); i++) {
		assert_non_null(a = action_find(first[i]));
		assert_true(a->locks);
		assert_false(a->own_command);
	}
	/*
	 * The test meeting (M) changes no server's state: no lock; its
	 * command is cli.c's probe meeting [NODE], not one of its own.
	 */
	assert_non_null(a = action_find("probe meeting"));
	assert_false(a->locks);
	assert_true(a->own_command);
	assert_int_equal(a->key, 'M');
	assert_null(action_find("server probe"));
	global = cli_global_options(&nglobal);
	assert_true(opt_named(global, nglobal, "yes"));
	assert_false(opt_named(global, nglobal, "help"));
	for (i = 0; i < n; i++) {
		a = acts[i];
		assert_ptr_equal(action_find(a->verb), a);
		assert_non_null(a->help);
		assert_non_null(a->plan);
		assert_non_null(a->run);
		/* What a survey returns, its row frees. */
		if (a->survey != NULL)
			assert_non_null(a->survey_free);
		/* Only a row without a lock may have its own command. */
		if (a->own_command)
			assert_false(a->locks);
		/* The help names the target as the usage does. */
		if (a->target != ACTION_TARGET_NONE)
			assert_non_null(strstr(a->help,
			    action_target_word(a->target)));
		/* Options: a parser and somewhere to put them. */
		if (a->opts != NULL && a->opts[0].name != NULL) {
			assert_non_null(a->args_parse);
			assert_true(a->args_size > 0);
		}
		for (o = a->opts; o != NULL && o->name != NULL; o++) {
			assert_non_null(o->help);
			assert_false(opt_named(global, nglobal, o->name));
			assert_string_not_equal(o->name, "lock-wait");
			assert_string_not_equal(o->name, "timeout");
			assert_string_not_equal(o->name, "help");
		}
		/* A printable key, never twice where the views meet. */
		if (a->key != 0)
			assert_true(a->key > ' ' && a->key < 0x7f);
		assert_int_not_equal(action_views(a), 0);
		for (j = i + 1; j < n; j++) {
			b = acts[j];
			assert_string_not_equal(a->verb, b->verb);
			if (a->key != 0 && a->key == b->key)
				assert_int_equal(action_views(a) &
				    action_views(b), 0);
		}
	}
	assert_null(action_find("server reboot"));
	assert_string_equal(action_name(action_find("server cordon")),
	    "cordon");
}

static void
test_usage_line(void **state)
{
	char	*u;

	u = action_usage(action_find("server cordon"), NULL);
	assert_string_equal(u, "NODE");
	free(u);
	u = action_usage(action_find("server drain"), "[--x S]");
	assert_string_equal(u, "[--poll S] [--x S] NODE");
	free(u);
	u = action_usage(action_find("stack redeploy"), NULL);
	assert_string_equal(u, "[--image SERVICE=IMAGE | IMAGE | TAG] "
	    "[--poll S] STACK");
	free(u);
}

/* Every row is a command of --help, with its usage and its help. */
static void
test_cli_usage(void **state)
{
	const struct action *const	*acts;
	FILE				*f;
	char				*buf = NULL, *text, *u, want[256], *p, *q;
	size_t				 i, n, len = 0;

	f = open_memstream(&buf, &len);
	cli_usage(f);
	text = stream_text(f, &buf);
	acts = action_list(&n);
	for (i = 0; i < n; i++) {
		if (acts[i]->own_command) {
			/* Its own command's line, once; not an action's. */
			snprintf(want, sizeof want, "\n  %s ", acts[i]->verb);
			if ((u = strstr(text, want)) == NULL)
				fail_msg("--help lacks '%s'", want);
			if (strstr(u + 1, want) != NULL)
				fail_msg("--help has '%s' twice", want);
			continue;
		}
		u = action_usage(acts[i], NULL);
		snprintf(want, sizeof want, "  %s %s", acts[i]->verb, u);
		if (strstr(text, want) == NULL)
			fail_msg("--help lacks '%s'", want);
		if (strstr(text, acts[i]->help) == NULL)
			fail_msg("--help lacks '%s'", acts[i]->help);
		free(u);
	}
	/* Every action's first word, once, in that line. */
	assert_non_null(p = strstr(text, "The actions ("));
	for (i = 0; i < n; i++) {
		/* (the test meeting is no action of these: no lock) */
		if (acts[i]->own_command)
			continue;
		snprintf(want, sizeof want, "%.*s", (int)strcspn(acts[i]->verb,
		    " "), acts[i]->verb);
		q = strstr(p, want);
		assert_true(q != NULL && q < strchr(p, ')'));
	}
	assert_non_null(strstr(p, ") also take --lock-wait S and "
	    "--timeout S"));
	free(buf);
}

/* bbbctl help VERB: usage, help, every option, the key. */
static void
test_cli_help(void **state)
{
	const struct action *const	*acts;
	const struct action_opt		*o;
	FILE				*f;
	char				*buf, *text, want[256];
	size_t				 i, n, len;

	acts = action_list(&n);
	for (i = 0; i < n; i++) {
		if (acts[i]->own_command)
			continue;	/* cli.c's help (actions.sh) */
		buf = NULL;
		len = 0;
		f = open_memstream(&buf, &len);
		cmd_job_help(acts[i], f);
		text = stream_text(f, &buf);
		snprintf(want, sizeof want, "usage: bbbctl [options] %s ",
		    acts[i]->verb);
		assert_non_null(strstr(text, want));
		assert_non_null(strstr(text, acts[i]->help));
		assert_non_null(strstr(text, "--lock-wait S"));
		assert_non_null(strstr(text, "--timeout S"));
		for (o = acts[i]->opts; o != NULL && o->name != NULL; o++) {
			snprintf(want, sizeof want, "--%s", o->name);
			assert_non_null(strstr(text, want));
			assert_non_null(strstr(text, o->help));
		}
		snprintf(want, sizeof want, "key %c in ", acts[i]->key);
		if (acts[i]->key != 0)
			assert_non_null(strstr(text, want));
		else
			assert_null(strstr(text, "In the dashboard"));
		free(buf);
	}
}

static struct cmd_job *
parse(struct cli *cli, const char *verb, int *rc, ...)
{
	char		*argv[16];
	const char	*s;
	va_list		 ap;
	int		 argc = 0;

	argv[argc++] = strrchr(verb, ' ') + 1;
	va_start(ap, rc);
	while ((s = va_arg(ap, const char *)) != NULL && argc < 15)
		argv[argc++] = (char *)s;
	va_end(ap);
	argv[argc] = NULL;
	*rc = -100;
	return (cmd_job_parse(cli, action_find(verb), argc, argv, rc));
}

/* Run a parsed command (a dry run): its exit status and stdout. */
static char *
run_dry(struct cli *cli, struct cmd_job *cj, int *rc)
{
	FILE	*tmp;
	char	*out;
	long	 len;
	int	 saved;

	cli->cfg = config_new();
	cli->cfg->scalelite.url = xstrdup("https://lb.example.org/");
	cli->cfg->rancher.url = xstrdup("https://rancher.example.org/v2-beta");
	assert_non_null(tmp = tmpfile());
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	dup2(fileno(tmp), STDOUT_FILENO);
	*rc = cmd_job_run(cli, cj);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	len = ftell(tmp);
	rewind(tmp);
	out = xcalloc(1, (size_t)len + 1);
	assert_int_equal(fread(out, 1, (size_t)len, tmp), (size_t)len);
	fclose(tmp);
	return (out);
}

/* Global and action options after the verb and the target. */
static void
test_parse_after(void **state)
{
	struct cli	 cli;
	struct cmd_job	*cj;
	char		*out;
	int		 rc;

	cli_init(&cli);
	cj = parse(&cli, "server cordon", &rc, "bbb-03", "--yes",
	    "--dry-run", "--config", "x.conf", NULL);
	assert_non_null(cj);
	assert_true(cli.yes);
	assert_true(cli.dry_run);
	assert_string_equal(cli.config_path, "x.conf");
	out = run_dry(&cli, cj, &rc);
	assert_int_equal(rc, CLI_EXIT_OK);
	assert_non_null(strstr(out, "dry run, nothing is changed: server "
	    "cordon bbb-03\n"));
	free(out);
	cli_free(&cli);

	/* drain's own --poll after the target reaches its plan. */
	cli_init(&cli);
	cj = parse(&cli, "server drain", &rc, "bbb-01", "--poll", "2s",
	    "--timeout", "1h", "--dry-run", NULL);
	assert_non_null(cj);
	out = run_dry(&cli, cj, &rc);
	assert_int_equal(rc, CLI_EXIT_OK);
	assert_non_null(strstr(out, "getServerInfo every 2s"));
	free(out);
	cli_free(&cli);

	/* ... and before it, as before. */
	cli_init(&cli);
	cj = parse(&cli, "stack redeploy", &rc, "--image", "v2.7.99",
	    "bbb-01", "--dry-run", NULL);
	assert_non_null(cj);
	out = run_dry(&cli, cj, &rc);
	assert_int_equal(rc, CLI_EXIT_OK);
	assert_non_null(strstr(out, "stack redeploy bbb-01\n"));
	assert_non_null(strstr(out, "at tag v2.7.99"));
	free(out);
	cli_free(&cli);
}

/* Usage errors: exit 2, nothing parsed. */
static void
test_parse_bad(void **state)
{
	struct cli	 cli;
	int		 rc;

	cli_init(&cli);
	assert_null(parse(&cli, "server cordon", &rc, "bbb-03", "--bogus",
	    NULL));
	assert_int_equal(rc, CLI_EXIT_USAGE);
	/* Another action's option. */
	assert_null(parse(&cli, "server cordon", &rc, "--image", "x",
	    "bbb-03", NULL));
	assert_int_equal(rc, CLI_EXIT_USAGE);
	assert_null(parse(&cli, "stack restart", &rc, "--image", "x",
	    "bbb-01", NULL));
	assert_int_equal(rc, CLI_EXIT_USAGE);
	/* One NODE, not none, not two. */
	assert_null(parse(&cli, "server cordon", &rc, NULL));
	assert_int_equal(rc, CLI_EXIT_USAGE);
	assert_null(parse(&cli, "server cordon", &rc, "bbb-03", "bbb-04",
	    NULL));
	assert_int_equal(rc, CLI_EXIT_USAGE);
	/* After "--" everything is a target. */
	assert_null(parse(&cli, "server cordon", &rc, "--", "bbb-03",
	    "--yes", NULL));
	assert_int_equal(rc, CLI_EXIT_USAGE);
	assert_false(cli.yes);
	/* Bad values: the action's own, the common, a global option's. */
	assert_null(parse(&cli, "server drain", &rc, "bbb-03", "--poll",
	    "soon", NULL));
	assert_int_equal(rc, CLI_EXIT_USAGE);
	assert_null(parse(&cli, "server drain", &rc, "bbb-03",
	    "--lock-wait", NULL));
	assert_int_equal(rc, CLI_EXIT_USAGE);
	assert_null(parse(&cli, "server drain", &rc, "bbb-03",
	    "--refresh", "1ms", NULL));
	assert_int_equal(rc, CLI_EXIT_USAGE);
	cli_free(&cli);
}

/* The private arguments reach the plan (the dashboard gives none). */
static void
test_private_args(void **state)
{
	const struct action	*a = action_find("stack redeploy");
	struct config		*cfg = config_new();
	struct job_ctx		 ctx = { cfg, NULL };
	struct job_args		 args = { .target = "bbb-01" };
	struct job_plan		*p = NULL;
	char			*cause = NULL, *t;

	cfg->rancher.url = xstrdup("https://rancher.example.org/v2-beta");
	assert_int_equal(jobs_plan(a, &ctx, &args, &p, &cause), 0);
	t = job_plan_text(p);
	assert_null(strstr(t, "--image"));
	assert_null(strstr(t, "at tag"));
	free(t);
	job_plan_free(p);

	args.priv = action_args_new(a);
	assert_int_equal(a->args_parse(args.priv, "image", "v9", &cause), 0);
	assert_int_equal(a->args_parse(args.priv, "poll", "x", &cause), -1);
	assert_string_equal(cause, "--poll x: not a duration (like 2s, "
	    "500ms, 5m)");
	free(cause);
	cause = NULL;
	assert_int_equal(jobs_plan(a, &ctx, &args, &p, &cause), 0);
	t = job_plan_text(p);
	assert_non_null(strstr(t, "at tag v9"));
	free(t);
	job_plan_free(p);
	action_args_free(a, args.priv);
	config_free(cfg);

	/* No private args at all. */
	a = action_find("server cordon");
	assert_null(action_args_new(a));
	action_args_free(a, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_usage_line),
		cmocka_unit_test(test_cli_usage),
		cmocka_unit_test(test_cli_help),
		cmocka_unit_test(test_parse_after),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_private_args),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
