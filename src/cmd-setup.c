/*
 * cmd-setup.c: bbbctl setup [--answers FILE]: the first-time setup.
 * With --answers, no terminal is needed: the answers file is read and
 * checked (errors as FILE:LINE; nothing is written on a bad file), the
 * plan printed, the configuration written (--dry-run: printed, secrets
 * masked, nothing written).  Without it, the wizard (src/wizard.c, in
 * the program: it needs the terminal layer) asks the same questions.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "log.h"
#include "setup.h"
#include "setup-boot.h"
#include "setup-test.h"
#include "util.h"

static cli_cmd_fn	 cmd_setup_wizard;
/* --no-create: write the configuration only (the wizard's run too). */
static bool		 cmd_setup_create = true;

void
cmd_setup_set_wizard(cli_cmd_fn fn)
{
	cmd_setup_wizard = fn;
}

bool
cmd_setup_have_wizard(void)
{
	return (cmd_setup_wizard != NULL);
}

char *
cmd_setup_config_path(const struct cli *cli)
{
	const char	*env, *home;

	if (cli->config_path != NULL)
		return (xstrdup(cli->config_path));
	if ((env = getenv("BBBCTL_CONFIG")) != NULL && *env != '\0')
		return (xstrdup(env));
	if ((env = getenv("XDG_CONFIG_HOME")) != NULL && *env == '/')
		return (xasprintf("%s/bbbctl/bbbctl.conf", env));
	if ((home = getenv("HOME")) != NULL && *home != '\0')
		return (xasprintf("%s/.config/bbbctl/bbbctl.conf", home));
	return (NULL);
}

static void
cmd_setup_usage(FILE *f)
{
	fprintf(f, "usage: bbbctl [--config FILE] [--dry-run] setup "
	    "[--answers FILE [--no-test]] [--no-create]\n"
	    "       bbbctl [--config FILE] [--dry-run] setup --undo\n"
	    "Writes the configuration, then creates the stacks marked "
	    "\"create\", the BBB\n"
	    "nodes (scale out), runs the probes and a test meeting "
	    "through scalelite,\n"
	    "recording what it creates in the state file setup-state "
	    "beside the\n"
	    "configuration; run again, it goes on from there.  "
	    "--no-create: the\n"
	    "configuration only.  --undo: remove what the state file "
	    "lists, in reverse\n"
	    "order (--dry-run: say what).\n");
}

/* Print a multi-line cause as "bbbctl: line" each. */
static void
cmd_setup_errors(const char *cause)
{
	const char	*p = cause, *nl;

	do {
		nl = strchr(p, '\n');
		fprintf(stderr, "bbbctl: %.*s\n", (int)(nl != NULL ?
		    (size_t)(nl - p) : strlen(p)), p);
		p = nl + 1;
	} while (nl != NULL);
}

/* Where the stack templates are: $BBBCTL_STACKS_DIR, or installed. */
static const char *
cmd_setup_stacks_dir(void)
{
	const char	*env;

	if ((env = getenv("BBBCTL_STACKS_DIR")) != NULL && *env != '\0')
		return (env);
	return (PKGDATADIR "/stacks");
}

/*
 * Each planned stack's environment from the answers and the secrets;
 * printed (secrets masked) when print.  0, or -1 (said on stderr).
 */
static int
cmd_setup_stacks(const struct setup_answers *a,
    const struct setup_secrets_file *sf, bool print)
{
	const char	*stacks[16], *dir = cmd_setup_stacks_dir();
	char		**env, *cause = NULL;
	size_t		 n, i, j;
	int		 rc = 0;

	n = setup_plan_stacks(a, stacks, nitems(stacks));
	for (i = 0; i < n && i < nitems(stacks); i++) {
		if (setup_stack_env(a, sf, dir, stacks[i], &env,
		    &cause) == -1) {
			fprintf(stderr, "bbbctl: setup: stack %s: %s\n",
			    stacks[i], cause);
			free(cause);
			rc = -1;
			continue;
		}
		if (print) {
			printf("stack %s, its environment:", stacks[i]);
			for (j = 0; env[j] != NULL; j += 2)
				printf(" %s=%s", env[j],
				    setup_stack_var_secret(env[j]) ?
				    "********" : env[j + 1]);
			printf("%s\n", env[0] == NULL ? " (none)" : "");
		}
		setup_stack_env_free(env);
	}
	return (rc);
}

/*
 * What creating the nodes needs that the answers may leave out: NULL
 * when it is all there, else the first missing field's name.
 */
static const char *
cmd_setup_can_create(const struct setup_answers *a)
{
	static const char *const need[] = { "flavor", "image", "networks" };
	size_t	 i;

	for (i = 0; i < nitems(need); i++) {
		if (*setup_answers_get(a, "openstack", need[i]) == '\0')
			return (need[i]);
	}
	return (NULL);
}

int
cmd_setup_finish(struct cli *cli, struct setup_answers *a, const char *path)
{
	enum setup_secrets	 how;
	struct setup_secrets_file *sf = NULL;
	char			*kept = NULL, *cause = NULL, *text, *dir, *s;
	char			*secrets, *abs;
	const char		*stacks[16], *missing;
	size_t			 n;
	int			 rc;
	bool			 create = cmd_setup_create;

	how = strcmp(setup_answers_get(a, "backup", "secrets"), "files") ==
	    0 ? SETUP_SECRETS_FILES : SETUP_SECRETS_INLINE;
	dir = xstrdup(path);
	if ((s = strrchr(dir, '/')) != NULL)
		*s = '\0';
	else {
		free(dir);
		dir = xstrdup(".");
	}
	secrets = xasprintf("%s/setup-secrets", dir);
	/* The stacks must have what they need before anything is written. */
	if ((sf = setup_secrets_open(cli->dry_run ? NULL : secrets,
	    &cause)) == NULL) {
		fprintf(stderr, "bbbctl: setup: %s\n", cause);
		free(cause);
		rc = CLI_EXIT_ERROR;
		goto out;
	}
	if (cli->dry_run) {
		setup_plan_print(a, path, stdout);
		if (cmd_setup_stacks(a, sf, true) == -1) {
			rc = CLI_EXIT_ERROR;
			goto out;
		}
		text = setup_config_text(a, how, dir, true);
		printf("\nThe configuration it would write to %s:\n%s", path,
		    text);
		free(text);
		printf("\n--dry-run: nothing written, nothing created.\n");
		rc = CLI_EXIT_OK;
		goto out;
	}
	if (cmd_setup_create && (missing = cmd_setup_can_create(a)) != NULL) {
		printf("[openstack] %s is not given: setup writes the "
		    "configuration and creates nothing (give it, and run "
		    "bbbctl setup again)\n", missing);
		create = false;
	}
	if (create) {
		/* the nodes' BBB secret, and where the templates are */
		if (*setup_answers_get(a, "openstack", "bbb_secret") == '\0')
			setup_answers_set(a, "openstack", "bbb_secret",
			    setup_secrets_get(sf, "bbb_secret"));
		/* absolute: the configuration's paths are from its dir */
		if ((abs = realpath(cmd_setup_stacks_dir(), NULL)) == NULL)
			abs = xstrdup(cmd_setup_stacks_dir());
		free(a->extra);
		a->extra = xasprintf("[scale]\nstack_dir = %s/bbb-node\n"
		    "user_data = %s/../cloud-init/bbb-node.yaml\n", abs, abs);
		free(abs);
	}
	/* a later run: what the earlier ones created is in the state */
	if (create && setup_boot_resume_answers(a, path, sf, &cause) != 0) {
		fprintf(stderr, "bbbctl: setup: %s\n", cause);
		free(cause);
		rc = CLI_EXIT_ERROR;
		goto out;
	}
	if (cmd_setup_stacks(a, sf, false) == -1) {
		fprintf(stderr, "bbbctl: setup: nothing written (the generated "
		    "secrets are kept in %s)\n", secrets);
		rc = CLI_EXIT_ERROR;
		goto out;
	}
	/* the plan, before anything is written or created */
	if (create) {
		setup_plan_print(a, path, stdout);
		fflush(stdout);
	}
	if (setup_config_write(a, how, path, &kept, &cause) == -1) {
		fprintf(stderr, "bbbctl: setup: %s\n", cause);
		free(cause);
		rc = CLI_EXIT_ERROR;
		goto out;
	}
	log_info("setup: wrote %s%s%s", path, kept != NULL ?
	    ", kept the old one as " : "", kept != NULL ? kept : "");
	printf("wrote %s (mode 0600)\n", path);
	if (kept != NULL)
		printf("the configuration it replaces is kept as %s\n", kept);
	free(kept);
	n = setup_plan_stacks(a, stacks, nitems(stacks));
	if (n != 0)
		printf("the secrets of the stacks to create are in %s (mode "
		    "0600)\n", secrets);
	if (!create) {
		printf("nothing created (%zu stack%s, %s BBB "
		    "nodes planned)\n", n, n == 1 ? "" : "s",
		    setup_answers_get(a, "cluster", "nodes"));
		rc = CLI_EXIT_OK;
		goto out;
	}
	if (setup_boot(cli, a, path, cmd_setup_stacks_dir(), sf,
	    &cause) != 0) {
		fprintf(stderr, "bbbctl: setup: %s\n", cause);
		fprintf(stderr, "bbbctl: setup: what was created is listed in "
		    "the state file; run bbbctl setup again to go on, or "
		    "bbbctl setup --undo to remove it\n");
		free(cause);
		rc = CLI_EXIT_ERROR;
		goto out;
	}
	printf("setup: done: the fleet is set up (bbbctl status, bbbctl "
	    "probe)\n");
	rc = CLI_EXIT_OK;
out:
	setup_secrets_free(sf);
	free(secrets);
	free(dir);
	return (rc);
}

/*
 * Each page's connection test, as the wizard runs them: 0 when all
 * pass, else -1 (each failure printed as FILE: [page] ...).
 */
static int
cmd_setup_tests(const struct setup_answers *a, const char *file)
{
	const struct setup_page	*p;
	struct setup_test	 t;
	size_t			 np, i;
	int			 rc = 0;

	p = setup_pages(&np);
	for (i = 0; i < np; i++) {
		if (!setup_test_wanted(a, p[i].name))
			continue;
		setup_test_run(a, p[i].name, SETUP_TEST_TIMEOUT_MS, &t);
		if (t.ok)
			printf("%s: %s\n", p[i].name, t.text);
		else {
			fprintf(stderr, "bbbctl: %s: [%s] connection test: "
			    "%s\n", file, p[i].name, t.text);
			if (t.fingerprint != NULL)
				fprintf(stderr, "bbbctl: %s: [%s] its "
				    "certificate: SHA-256 %s, issuer %s; to "
				    "trust it, name it as ca_file\n", file,
				    p[i].name, t.fingerprint, t.issuer);
			rc = -1;
		}
		log_info("setup: test of %s: %s", p[i].name, t.ok ? "ok" :
		    "failed");
		setup_test_clear(&t);
	}
	return (rc);
}

int
cmd_setup(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "answers",	required_argument,	NULL, 'a' },
		{ "no-test",	no_argument,		NULL, 'n' },
		{ "no-create",	no_argument,		NULL, 'c' },
		{ "undo",	no_argument,		NULL, 'u' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	struct setup_answers	*a;
	const char		*answers = NULL;
	char			*path, *cause = NULL;
	int			 ch, rc;
	bool			 test = true, undo = false;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			answers = optarg;
			break;
		case 'n':
			test = false;
			break;
		case 'c':
			cmd_setup_create = false;
			break;
		case 'u':
			undo = true;
			break;
		case 'h':
			cmd_setup_usage(stdout);
			return (CLI_EXIT_OK);
		default:
			fprintf(stderr, "bbbctl: setup: unknown option or "
			    "missing argument: %s\n", argv[optind - 1]);
			cmd_setup_usage(stderr);
			return (CLI_EXIT_USAGE);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "bbbctl: setup: unexpected argument '%s'\n",
		    argv[optind]);
		cmd_setup_usage(stderr);
		return (CLI_EXIT_USAGE);
	}
	if ((path = cmd_setup_config_path(cli)) == NULL) {
		fprintf(stderr, "bbbctl: setup: no place for the "
		    "configuration (no $HOME): use --config FILE\n");
		return (CLI_EXIT_ERROR);
	}
	if (undo) {
		if (answers != NULL) {
			fprintf(stderr, "bbbctl: setup: --undo takes no "
			    "--answers\n");
			free(path);
			return (CLI_EXIT_USAGE);
		}
		rc = setup_undo(cli, path, &cause) == 0 ? CLI_EXIT_OK :
		    CLI_EXIT_ERROR;
		if (rc != CLI_EXIT_OK) {
			fprintf(stderr, "bbbctl: setup --undo: %s\n", cause);
			free(cause);
		}
		free(path);
		return (rc);
	}
	if (answers == NULL) {
		free(path);
		/* The keyboard: stdin (the screen may be /dev/tty). */
		if (!isatty(STDIN_FILENO)) {
			fprintf(stderr, "bbbctl: setup: no terminal: give "
			    "the answers with --answers FILE (see "
			    "bbbctl(1))\n");
			return (CLI_EXIT_ERROR);
		}
		if (cmd_setup_wizard == NULL) {
			fprintf(stderr, "bbbctl: setup: the wizard is not "
			    "in this program\n");
			return (CLI_EXIT_ERROR);
		}
		return (cmd_setup_wizard(cli, argc, argv));
	}
	a = setup_answers_new();
	if (setup_answers_load(a, answers, &cause) == -1) {
		cmd_setup_errors(cause);
		fprintf(stderr, "bbbctl: setup: nothing written, nothing "
		    "created\n");
		free(cause);
		setup_answers_free(a);
		free(path);
		return (CLI_EXIT_ERROR);
	}
	if (test && cmd_setup_tests(a, answers) == -1) {
		fprintf(stderr, "bbbctl: setup: nothing written, nothing "
		    "created (--no-test skips the tests)\n");
		setup_answers_free(a);
		free(path);
		return (CLI_EXIT_ERROR);
	}
	rc = cmd_setup_finish(cli, a, path);
	setup_answers_free(a);
	free(path);
	return (rc);
}
