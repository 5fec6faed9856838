/*
 * cmd-status.c: bbbctl status [--json] [--watch] [--timeout S]
 *
 * Polls every configured source once (the backends, on our own loop),
 * until each has answered or failed, or until the timeout, whichever
 * comes first; then prints the report (status.c) and exits as a
 * monitoring plugin does (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).  A
 * source without an answer by then is reported failed ("no answer
 * within 10s") and the others are printed as they are.  --watch keeps
 * polling and redraws at every refresh until interrupted.
 */
#include <sys/ioctl.h>

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/backend.h"
#include "cli.h"
#include "cmd.h"
#include "config.h"
#include "fleet.h"
#include "http.h"
#include "log.h"
#include "loop.h"
#include "names.h"
#include "probe.h"
#include "problems.h"
#include "services.h"
#include "status.h"
#include "util.h"

#define STATUS_TIMEOUT_MS	10000
#define STATUS_TIMEOUT_MIN	500
#define STATUS_TIMEOUT_MAX	(10 * 60 * 1000)

struct status_run {
	struct loop	*loop;
	struct backends	*backends;
	struct probe_set *probes;
	struct fleet	*fleet;
	struct loop_timer *deadline;
	struct loop_timer *redraw;
	bool		 json;
	bool		 watch;
	bool		 tty;
	bool		 color;
	bool		 drawn;
	bool		 stop;
	int64_t		 timeout_ms;
	int64_t		 refresh_ms;
	uint64_t	 drawn_version;
	int		 code;
};

static void
status_usage(FILE *f)
{
	fprintf(f, "usage: bbbctl status [--json] [--watch] "
	    "[--timeout S]\n");
}

/* Sources that have not answered by the deadline have failed. */
static void
status_fail_pending(struct status_run *r)
{
	struct fleet	*f = r->fleet;
	char		 age[16], *cause;
	int		 s;

	for (s = 0; s < FLEET_SRC_COUNT; s++) {
		if (f->sources[s].state != FLEET_SRC_PENDING)
			continue;
		cause = xasprintf("no answer within %s",
		    util_fmt_age(r->timeout_ms, age, sizeof age));
		fleet_source_failed(f, s, cause, util_wall_ms());
		free(cause);
	}
	services_fail_pending(f, r->timeout_ms, util_wall_ms());
}

/*
 * --watch on a terminal: the text cut to the terminal's height, so that
 * the screen never scrolls (the top line would go); the last line says
 * how many lines did not fit.
 */
#define STATUS_ROWS(len, cols)	((len) <= 0 ? 1 : ((size_t)(len) + (cols) - 1) / \
				    (cols))

static void
status_print_fit(struct fleet *f, const struct status_opts *o)
{
	struct winsize	 ws;
	char		*text = NULL, *p, *nl;
	size_t		 len = 0, lines = 0, total = 0, rows, cols, need;
	FILE		*mem;

	if ((mem = open_memstream(&text, &len)) == NULL) {
		status_print_text(stdout, f, o);
		return;
	}
	status_print_text(mem, f, o);
	fclose(mem);
	rows = 24;
	cols = 80;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 2) {
		rows = ws.ws_row;
		cols = ws.ws_col > 0 ? ws.ws_col : 80;
	}
	/* Screen rows, a long line wrapping over several. */
	for (p = text; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		total += STATUS_ROWS(nl - p, cols);
	}
	for (p = text; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		need = STATUS_ROWS(nl - p, cols);
		if (total > rows - 1 && lines + need > rows - 2) {
			printf("... %zu more lines: a taller terminal shows "
			    "them (or status without --watch)\n",
			    total - lines);
			break;
		}
		fwrite(p, 1, (size_t)(nl - p) + 1, stdout);
		lines += need;
	}
	free(text);
}

static void
status_draw(struct status_run *r)
{
	struct status_opts	 o;

	o.color = r->color;
	o.now_ms = util_wall_ms();
	fleet_tick(r->fleet, o.now_ms);
	if (r->watch && r->tty)
		fputs("\033[H\033[2J", stdout);
	else if (r->watch && r->drawn)
		fputc('\n', stdout);
	if (r->json)
		status_print_json(stdout, r->fleet, &o);
	else if (r->watch && r->tty)
		status_print_fit(r->fleet, &o);
	else
		status_print_text(stdout, r->fleet, &o);
	fflush(stdout);
	r->code = status_exit_code(r->fleet);
	r->drawn = true;
	r->drawn_version = r->fleet->version;
}

static void
status_change_cb(void *arg)
{
	struct status_run	*r = arg;

	if (r->drawn || !backends_settled(r->backends) ||
	    probe_set_running(r->probes) > 0)
		return;
	loop_timer_stop(r->deadline);
	if (!r->watch) {
		r->stop = true;
		loop_break(r->loop);
		return;
	}
	status_draw(r);
	loop_timer_start(r->redraw, r->refresh_ms);
}

static void
status_deadline_cb(void *arg)
{
	struct status_run	*r = arg;

	status_fail_pending(r);
	if (!r->watch) {
		r->stop = true;
		loop_break(r->loop);
		return;
	}
	status_draw(r);
	loop_timer_start(r->redraw, r->refresh_ms);
}

static void
status_redraw_cb(void *arg)
{
	struct status_run	*r = arg;

	if (r->fleet->version != r->drawn_version)
		status_draw(r);
	loop_timer_start(r->redraw, r->refresh_ms);
}

static void
status_signal_cb(int signo, void *arg)
{
	struct status_run	*r = arg;

	(void)signo;
	r->stop = true;
	loop_break(r->loop);
}

int
cmd_status(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json",	no_argument,		NULL, 'j' },
		{ "watch",	no_argument,		NULL, 'w' },
		{ "timeout",	required_argument,	NULL, 't' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	struct status_run	 r;
	struct http		*http = NULL;
	const struct config	*cfg;
	const char		*cause;
	char			*why;
	int64_t			 margin;
	int			 ch;

	memset(&r, 0, sizeof r);
	r.timeout_ms = STATUS_TIMEOUT_MS;
	r.code = STATUS_UNKNOWN;
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":hjwt:", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			r.json = true;
			break;
		case 'w':
			r.watch = true;
			break;
		case 't':
			if (util_parse_duration_ms(optarg, &r.timeout_ms,
			    &cause) == -1 ||
			    r.timeout_ms < STATUS_TIMEOUT_MIN ||
			    r.timeout_ms > STATUS_TIMEOUT_MAX) {
				fprintf(stderr, "bbbctl: status: --timeout: "
				    "expected a duration from 500ms to 10m, "
				    "got '%s'\n", optarg);
				return (STATUS_UNKNOWN);
			}
			break;
		case 'h':
			status_usage(stdout);
			return (CLI_EXIT_OK);
		default:
			fprintf(stderr, "bbbctl: status: bad option '%s'\n",
			    argv[optind - 1]);
			status_usage(stderr);
			return (STATUS_UNKNOWN);
		}
	}
	if (optind != argc) {
		status_usage(stderr);
		return (STATUS_UNKNOWN);
	}
	/* Every failure to even look is UNKNOWN, as a plugin says. */
	if (cli_load_config(cli, CLI_CONFIG_REQUIRED) == -1)
		return (STATUS_UNKNOWN);
	cfg = cli->cfg;
	r.tty = isatty(STDOUT_FILENO);
	r.color = r.tty && !cli->no_color && cfg->ui.color && !r.json;
	r.refresh_ms = cfg->ui.refresh_ms > 0 ? cfg->ui.refresh_ms : 2000;

	r.fleet = fleet_new(cfg->cluster.name);
	if (fleet_configure(r.fleet, cfg, &why) == -1) {
		fprintf(stderr, "bbbctl: status: %s\n", why);
		free(why);
		fleet_free(r.fleet);
		return (STATUS_UNKNOWN);
	}
	/* One look cannot see how long a condition held: say it now. */
	if (!r.watch)
		problems_limits(fleet_problems(r.fleet))->hold = false;
	r.loop = loop_new();
	http = http_new(r.loop);
	r.backends = backends_new(r.loop, http, cfg, r.fleet);
	backends_on_change(r.backends, status_change_cb, &r);
	/*
	 * One look: the backends' request timeouts follow their period;
	 * make that our timeout, so that a slow source may use most of it.
	 */
	if (!r.watch)
		backends_set_refresh(r.backends, r.timeout_ms);
	loop_signal(r.loop, SIGINT, status_signal_cb, &r);
	loop_signal(r.loop, SIGTERM, status_signal_cb, &r);

	/* Leave time to print within the timeout. */
	margin = r.timeout_ms / 10;
	if (margin > 500)
		margin = 500;
	r.deadline = loop_timer_new(r.loop, status_deadline_cb, &r);
	r.redraw = loop_timer_new(r.loop, status_redraw_cb, &r);
	loop_timer_start(r.deadline, r.timeout_ms - margin);
	backends_start(r.backends);
	r.probes = probe_set_new(r.loop, http, r.fleet, cfg);
	probe_set_start(r.probes, r.watch, status_change_cb, &r);
	/* A fleet with nothing configured is settled at once. */
	status_change_cb(&r);

	while (!r.stop) {
		if (loop_run(r.loop) == -1)
			break;
	}
	if (!r.watch) {
		status_fail_pending(&r);
		status_draw(&r);
	}
	/* The names shell completion offers (names.h). */
	if (cfg->path != NULL && (r.fleet->nnodes > 0 ||
	    r.fleet->nstacks > 0 || r.fleet->nhosts > 0) &&
	    names_save(r.fleet, cfg->path, &why) == -1) {
		log_debug("names cache: %s", why);
		free(why);
	}

	loop_timer_free(r.deadline);
	loop_timer_free(r.redraw);
	backends_free(r.backends);
	probe_set_free(r.probes);
	http_free(http);
	loop_free(r.loop);
	fleet_free(r.fleet);
	return (r.code);
}
