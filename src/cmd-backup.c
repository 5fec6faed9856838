/*
 * cmd-backup.c: bbbctl backup list [--json], bbbctl backup verify [ID]
 * [--restore-test].  `backup run` and `backup prune` are jobs
 * (action/backup.c).
 *
 * list reads the backup directory (backup.h) and prints each backup's
 * time, size, contents and state; verify checks one backup (the newest
 * complete one when no ID is given), prints its progress on stderr and
 * records the result beside it.  ^C stops a verify: the restore test's
 * scratch database is dropped first.  Neither prints a file's content.
 */
#include <getopt.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "backup.h"
#include "cli.h"
#include "cmd.h"
#include "config.h"
#include "util.h"

static atomic_bool	 cmd_backup_stop;

static void
cmd_backup_signal(int signo)
{
	(void)signo;
	atomic_store(&cmd_backup_stop, true);
}

static const char *
cmd_backup_time(int64_t ms, char *out, size_t len)
{
	struct tm	 tm;
	time_t		 t = (time_t)(ms / 1000);

	if (ms <= 0 || localtime_r(&t, &tm) == NULL ||
	    strftime(out, len, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(out, len, "-");
	return (out);
}

int
cmd_backup_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct backup_entry	*v;
	size_t			 n, i;
	json_t			*a, *o;
	char			*root, *cause = NULL, *s, t[32], sz[16];
	bool			 json = false;
	int			 c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			printf("usage: bbbctl backup list [--json]\n");
			return (CLI_EXIT_OK);
		default:
			fprintf(stderr, "usage: bbbctl backup list [--json]\n");
			return (CLI_EXIT_USAGE);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "usage: bbbctl backup list [--json]\n");
		return (CLI_EXIT_USAGE);
	}
	if ((root = backup_root(cli->cfg, &cause)) == NULL ||
	    backup_list(root, &v, &n, &cause) != 0) {
		fprintf(stderr, "bbbctl: %s\n", cause);
		free(cause);
		free(root);
		return (CLI_EXIT_ERROR);
	}
	if (json) {
		a = json_array();
		for (i = 0; i < n; i++) {
			o = json_object();
			json_object_set_new(o, "id", json_string(v[i].id));
			json_object_set_new(o, "time_ms",
			    json_integer(v[i].time_ms));
			json_object_set_new(o, "size",
			    json_integer((json_int_t)v[i].size));
			json_object_set_new(o, "contents", json_string(
			    backup_contents_words(v[i].contents)));
			json_object_set_new(o, "state", json_string(
			    backup_state_name(v[i].state)));
			if (v[i].verified_ms > 0) {
				json_object_set_new(o, "verified_ms",
				    json_integer(v[i].verified_ms));
				json_object_set_new(o, "restore_tested",
				    json_boolean(v[i].restore_tested));
			}
			if (v[i].why != NULL)
				json_object_set_new(o, "why",
				    json_string(v[i].why));
			json_array_append_new(a, o);
		}
		s = json_dumps(a, JSON_INDENT(1));
		printf("%s\n", s);
		free(s);
		json_decref(a);
	} else {
		printf("%-17s %-16s %7s  %-17s %s\n", "ID", "TIME", "SIZE",
		    "CONTENTS", "STATE");
		for (i = 0; i < n; i++) {
			util_fmt_bytes((double)v[i].size, sz, sizeof sz);
			printf("%-17s %-16s %7s  %-17s %s", v[i].id,
			    cmd_backup_time(v[i].time_ms, t, sizeof t), sz,
			    v[i].state == BACKUP_INCOMPLETE ? "-" :
			    backup_contents_words(v[i].contents),
			    backup_state_name(v[i].state));
			if (v[i].state == BACKUP_VERIFIED)
				printf(" %s%s", cmd_backup_time(
				    v[i].verified_ms, t, sizeof t),
				    v[i].restore_tested ? " (restored)" : "");
			else if (v[i].why != NULL)
				printf(" (%s)", v[i].why);
			printf("\n");
		}
		if (n == 0)
			printf("(no backup in %s)\n", root);
	}
	backup_entries_free(v, n);
	free(root);
	return (CLI_EXIT_OK);
}

static void
cmd_backup_progress_cb(void *arg, uint64_t done, uint64_t total,
    const char *what)
{
	(void)arg;
	fprintf(stderr, "bbbctl: verify: %3d%% %s\n", total > 0 ?
	    (int)(done * 100 / total) : 100, what);
}

int
cmd_backup_verify(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "restore-test", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const char usage[] =
	    "usage: bbbctl backup verify [--restore-test] [ID]\n";
	struct backup_verify	 vf;
	struct backup_entry	*v = NULL, e;
	struct sigaction	 sa, oint, oterm;
	size_t			 n = 0, i;
	char			*root, *cause = NULL, *dir = NULL, sz[16];
	bool			 restore = false;
	int			 c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			restore = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return (CLI_EXIT_OK);
		default:
			fputs(usage, stderr);
			return (CLI_EXIT_USAGE);
		}
	}
	if (argc - optind > 1) {
		fputs(usage, stderr);
		return (CLI_EXIT_USAGE);
	}
	if ((root = backup_root(cli->cfg, &cause)) == NULL) {
		fprintf(stderr, "bbbctl: %s\n", cause);
		free(cause);
		return (CLI_EXIT_ERROR);
	}
	if (optind < argc) {
		if (backup_id_time(argv[optind]) < 0) {
			fprintf(stderr, "bbbctl: %s is not a backup ID (like "
			    "20261207T210500Z)\n", argv[optind]);
			free(root);
			return (CLI_EXIT_USAGE);
		}
		backup_entry_load(&e, root, argv[optind]);
		if (e.size == 0 && e.state == BACKUP_INCOMPLETE) {
			fprintf(stderr, "bbbctl: no backup %s in %s\n",
			    argv[optind], root);
			free(e.id);
			free(e.path);
			free(e.why);
			free(root);
			return (CLI_EXIT_ERROR);
		}
		dir = xstrdup(e.path);
		free(e.id);
		free(e.path);
		free(e.why);
	} else {
		if (backup_list(root, &v, &n, &cause) != 0) {
			fprintf(stderr, "bbbctl: %s\n", cause);
			free(cause);
			free(root);
			return (CLI_EXIT_ERROR);
		}
		for (i = 0; i < n; i++) {
			if (v[i].state != BACKUP_INCOMPLETE) {
				dir = xstrdup(v[i].path);
				break;
			}
		}
		backup_entries_free(v, n);
		if (dir == NULL) {
			fprintf(stderr, "bbbctl: no complete backup in %s\n",
			    root);
			free(root);
			return (CLI_EXIT_ERROR);
		}
	}
	free(root);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = cmd_backup_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &oint);
	sigaction(SIGTERM, &sa, &oterm);
	memset(&vf, 0, sizeof vf);
	vf.cfg = cli->cfg;
	vf.restore_test = restore;
	vf.cancel = &cmd_backup_stop;
	vf.progress = cmd_backup_progress_cb;
	rc = backup_verify_run(&vf, dir, &cause);
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGTERM, &oterm, NULL);
	if (rc != 0) {
		fprintf(stderr, "bbbctl: verify %s: %s\n", dir, cause);
		free(cause);
		free(dir);
		return (CLI_EXIT_ERROR);
	}
	util_fmt_bytes((double)vf.bytes, sz, sizeof sz);
	printf("%s: verified: %zu files (%s) match the manifest, every dump "
	    "lists%s", dir, vf.files_ok, sz, restore ? "" : "\n");
	if (restore)
		printf(", %zu database%s restored with the same row counts\n",
		    vf.dbs_restored, vf.dbs_restored == 1 ? "" : "s");
	if (vf.hash_ms > 0)
		fprintf(stderr, "bbbctl: verify: hashed %.1f MB/s\n",
		    (double)vf.bytes / 1e6 / ((double)vf.hash_ms / 1000.0));
	free(dir);
	return (CLI_EXIT_OK);
}
