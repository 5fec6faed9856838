/*
 * status.c: the report of `bbbctl status` (see status.h).
 */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fleet.h"
#include "services.h"
#include "status.h"
#include "util.h"

#define STATUS_RED	"\033[31m"
#define STATUS_YELLOW	"\033[33m"
#define STATUS_BOLD	"\033[1m"
#define STATUS_RESET	"\033[0m"

static const char *
status_src_state_name(enum fleet_src_state s)
{
	switch (s) {
	case FLEET_SRC_OFF:
		return ("off");
	case FLEET_SRC_PENDING:
		return ("pending");
	case FLEET_SRC_OK:
		return ("ok");
	case FLEET_SRC_STALE:
		return ("stale");
	case FLEET_SRC_FAILED:
		return ("failed");
	}
	return ("?");
}

static bool
status_problem_counts(const struct fleet_problem *p)
{
	return (strcmp(p->rule, "source-failed") != 0);
}

int
status_exit_code(const struct fleet *f)
{
	size_t	 i;
	int	 s, configured = 0, failed = 0, warn = 0;

	for (i = 0; i < f->nproblems; i++) {
		if (f->problems[i]->severity == FLEET_SEV_CRITICAL &&
		    status_problem_counts(f->problems[i]))
			return (STATUS_CRITICAL);
		if (f->problems[i]->severity == FLEET_SEV_WARNING)
			warn++;
	}
	for (s = 0; s < FLEET_SRC_COUNT; s++) {
		if (f->sources[s].state == FLEET_SRC_OFF)
			continue;
		configured++;
		if (f->sources[s].state == FLEET_SRC_FAILED ||
		    f->sources[s].state == FLEET_SRC_PENDING)
			failed++;
	}
	if ((configured == 0 && f->nsvcs == 0) || failed > 0)
		return (STATUS_UNKNOWN);
	return (warn > 0 ? STATUS_WARNING : STATUS_OK);
}

const char *
status_exit_name(int code)
{
	switch (code) {
	case STATUS_OK:
		return ("OK");
	case STATUS_WARNING:
		return ("WARNING");
	case STATUS_CRITICAL:
		return ("CRITICAL");
	default:
		return ("UNKNOWN");
	}
}

static void
status_count_sev(const struct fleet *f, int *crit, int *warn, int *info)
{
	size_t	 i;

	*crit = *warn = *info = 0;
	for (i = 0; i < f->nproblems; i++) {
		switch (f->problems[i]->severity) {
		case FLEET_SEV_CRITICAL:
			(*crit)++;
			break;
		case FLEET_SEV_WARNING:
			(*warn)++;
			break;
		default:
			(*info)++;
			break;
		}
	}
}

void
status_print_summary(FILE *out, const struct fleet *f,
    const struct status_opts *o)
{
	const struct fleet_totals *t = &f->totals;
	int			 code, crit, warn, info, s, configured = 0;
	int			 failed = 0;
	char			*cluster;

	(void)o;
	code = status_exit_code(f);
	status_count_sev(f, &crit, &warn, &info);
	cluster = util_clean(f->cluster);
	fprintf(out, "BBBCTL %s - %s: ", status_exit_name(code), cluster);
	free(cluster);
	for (s = 0; s < FLEET_SRC_COUNT; s++) {
		if (f->sources[s].state == FLEET_SRC_OFF)
			continue;
		configured++;
		if (f->sources[s].state == FLEET_SRC_FAILED ||
		    f->sources[s].state == FLEET_SRC_PENDING)
			fprintf(out, "%s%s failed", failed++ > 0 ? ", " : "",
			    fleet_src_name(s));
	}
	if (configured == 0)
		fprintf(out, "no source configured, ");
	else if (failed > 0)
		fprintf(out, "; ");
	fprintf(out, "%d critical, %d warning, %d info; %d nodes (%d up), ",
	    crit, warn, info, t->nodes, t->up);
	/* Unknown is not 0: a graph would record a drop to zero. */
	if (t->load_known)
		fprintf(out, "%d meetings, %d users", t->meetings,
		    t->participants);
	else
		fprintf(out, "meetings and users unknown");
	fprintf(out, " | nodes=%d up=%d cordoned=%d offline=%d ", t->nodes,
	    t->up, t->cordoned, t->offline);
	if (t->load_known)
		fprintf(out, "meetings=%d users=%d video=%d ", t->meetings,
		    t->participants, t->video);
	else
		fprintf(out, "meetings=U users=U video=U ");
	fprintf(out, "critical=%d warning=%d\n", crit, warn);
}

/* --- a text table ------------------------------------------------------ */

#define STATUS_MAXCOL	16

struct status_table {
	size_t		 ncols;
	const char	*head[STATUS_MAXCOL];
	bool		 right[STATUS_MAXCOL];
	char		**cells;	/* nrows * ncols, allocated */
	const char	**color;	/* per row, or NULL */
	size_t		 nrows;
	size_t		 cap;
};

static void
status_table_row(struct status_table *t, const char *color, ...)
{
	va_list	 ap;
	size_t	 c;

	if (t->nrows == t->cap) {
		t->cap = t->cap == 0 ? 64 : t->cap * 2;
		t->cells = xreallocarray(t->cells, t->cap * t->ncols,
		    sizeof *t->cells);
		t->color = xreallocarray(t->color, t->cap, sizeof *t->color);
	}
	va_start(ap, color);
	for (c = 0; c < t->ncols; c++)
		t->cells[t->nrows * t->ncols + c] = va_arg(ap, char *);
	va_end(ap);
	t->color[t->nrows] = color;
	t->nrows++;
}

static void
status_table_print(FILE *out, struct status_table *t, bool color)
{
	size_t	 w[STATUS_MAXCOL], r, c, len;
	char	*cell;

	for (c = 0; c < t->ncols; c++)
		w[c] = strlen(t->head[c]);
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			/* Remote data: no control character to the terminal. */
			util_clean_inplace(t->cells[r * t->ncols + c]);
			len = strlen(t->cells[r * t->ncols + c]);
			if (len > w[c])
				w[c] = len;
		}
	}
	for (c = 0; c < t->ncols; c++) {
		if (c + 1 == t->ncols && !t->right[c])
			fprintf(out, "%s%s\n", c > 0 ? "  " : "", t->head[c]);
		else
			fprintf(out, "%s%*s%s", c > 0 ? "  " : "",
			    t->right[c] ? (int)w[c] : -(int)w[c], t->head[c],
			    c + 1 == t->ncols ? "\n" : "");
	}
	for (r = 0; r < t->nrows; r++) {
		if (color && t->color[r] != NULL)
			fputs(t->color[r], out);
		for (c = 0; c < t->ncols; c++) {
			cell = t->cells[r * t->ncols + c];
			if (c + 1 == t->ncols && !t->right[c])
				fprintf(out, "%s%s", c > 0 ? "  " : "", cell);
			else
				fprintf(out, "%s%*s", c > 0 ? "  " : "",
				    t->right[c] ? (int)w[c] : -(int)w[c],
				    cell);
		}
		if (color && t->color[r] != NULL)
			fputs(STATUS_RESET, out);
		fputc('\n', out);
	}
	for (r = 0; r < t->nrows * t->ncols; r++)
		free(t->cells[r]);
	free(t->cells);
	free(t->color);
	memset(t, 0, sizeof *t);
}

/* A number rounded, with an optional unit; "-" when unknown. */
static char *
status_num(double v, const char *unit)
{
	if (isnan(v) || isinf(v))
		return (xstrdup("-"));
	return (xasprintf("%.0f%s", v, unit));
}

static char *
status_int(int v)
{
	if (v < 0)
		return (xstrdup("-"));
	return (xasprintf("%d", v));
}

static char *
status_str(const char *s)
{
	return (xstrdup(s != NULL && *s != '\0' ? s : "-"));
}

static const char *
status_sev_color(enum fleet_severity s)
{
	switch (s) {
	case FLEET_SEV_CRITICAL:
		return (STATUS_RED);
	case FLEET_SEV_WARNING:
		return (STATUS_YELLOW);
	default:
		return (NULL);
	}
}

static void
status_print_sources(FILE *out, const struct fleet *f,
    const struct status_opts *o)
{
	struct status_table	 t = { 0 };
	const struct fleet_source *s;
	const char		*color;
	char			 age[16], buf[16];
	char			*cause;
	int			 i;

	t.ncols = 6;
	t.head[0] = "SOURCE";
	t.head[1] = "STATE";
	t.head[2] = "AGE";
	t.head[3] = "LATENCY";
	t.head[4] = "BYTES";
	t.head[5] = "CAUSE";
	t.right[2] = t.right[3] = t.right[4] = true;
	for (i = 0; i < FLEET_SRC_COUNT; i++) {
		s = &f->sources[i];
		if (s->state == FLEET_SRC_OFF)
			continue;
		color = s->state == FLEET_SRC_FAILED ? STATUS_RED :
		    s->state == FLEET_SRC_STALE ? STATUS_YELLOW : NULL;
		if (s->cause != NULL && s->detail != NULL)
			cause = xasprintf("%s (%s)", s->cause, s->detail);
		else if (s->cause != NULL || s->detail != NULL)
			cause = xstrdup(s->cause != NULL ? s->cause :
			    s->detail);
		else
			cause = xstrdup("");
		status_table_row(&t, color, xstrdup(fleet_src_name(i)),
		    xstrdup(status_src_state_name(s->state)),
		    s->last_ok != 0 ? xstrdup(util_fmt_age(o->now_ms -
		    s->last_ok, age, sizeof age)) : xstrdup("-"),
		    s->last_ok != 0 ? xasprintf("%lldms",
		    (long long)s->latency_ms) : xstrdup("-"),
		    s->last_ok != 0 ? xstrdup(util_fmt_bytes(s->bytes, buf,
		    sizeof buf)) : xstrdup("-"), cause);
	}
	if (t.nrows == 0) {
		fprintf(out, "no source configured\n");
		free(t.cells);
		free(t.color);
		return;
	}
	status_table_print(out, &t, o->color);
}

static char *
status_node_problems(const struct fleet_node *n)
{
	if (n->nproblems == 0)
		return (xstrdup("-"));
	return (xasprintf("%d %s", n->nproblems,
	    fleet_severity_name(n->worst)));
}

static char *
status_online(const struct fleet_node *n)
{
	if (n->online < 0)
		return (xstrdup("-"));
	return (xstrdup(n->online ? "online" : "offline"));
}

static void
status_print_nodes(FILE *out, const struct fleet *f,
    const struct status_opts *o)
{
	struct status_table	 t = { 0 };
	const struct fleet_node	*n;
	static const char	*head[] = {
		"NODE", "LB STATE", "ONLINE", "HEALTH", "CPU", "MEM",
		"MEETINGS", "USERS", "VIDEO", "LOAD", "STACK", "VM",
		"PROBLEMS"
	};
	size_t			 i;

	t.ncols = nitems(head);
	for (i = 0; i < t.ncols; i++)
		t.head[i] = head[i];
	for (i = 4; i <= 9; i++)
		t.right[i] = true;
	for (i = 0; i < f->nnodes; i++) {
		n = f->nodes[i];
		status_table_row(&t, n->nproblems > 0 ?
		    status_sev_color(n->worst) : NULL,
		    xstrdup(n->key),
		    n->lb == FLEET_LB_UNKNOWN ? xstrdup("-") :
		    xstrdup(fleet_lb_name(n->lb)),
		    status_online(n),
		    n->health == FLEET_HEALTH_UNKNOWN ? xstrdup("-") :
		    xstrdup(fleet_health_name(n->health)),
		    status_num(n->cpu, "%"),
		    status_num(n->mem, "%"),
		    status_int(n->meetings),
		    status_int(n->participants),
		    status_int(n->video),
		    status_num(n->load, ""),
		    status_str(n->stack_state),
		    status_str(n->vm_status),
		    status_node_problems(n));
	}
	if (t.nrows == 0) {
		fprintf(out, "no nodes\n");
		free(t.cells);
		free(t.color);
		return;
	}
	status_table_print(out, &t, o->color);
}

static char *
status_src_list(unsigned bits, const char *sep)
{
	struct buf	 b = { 0 };
	int		 s;

	for (s = 0; s < FLEET_SRC_COUNT; s++) {
		if (bits & FLEET_SRC_BIT(s)) {
			if (b.len > 0)
				buf_adds(&b, sep);
			buf_adds(&b, fleet_src_name(s));
		}
	}
	if (b.data == NULL)
		buf_adds(&b, "");
	return (buf_steal(&b));
}

static void
status_print_problems(FILE *out, const struct fleet *f,
    const struct status_opts *o)
{
	struct status_table	 t = { 0 };
	const struct fleet_problem *p;
	char			 age[16];
	size_t			 i;

	if (f->nproblems == 0) {
		fprintf(out, "PROBLEMS none\n");
		return;
	}
	fprintf(out, "PROBLEMS %zu\n", f->nproblems);
	t.ncols = 6;
	t.head[0] = "SEVERITY";
	t.head[1] = "AGE";
	t.head[2] = "PROBLEM";
	t.head[3] = "SOURCES";
	t.head[4] = "RULE";
	t.head[5] = "ACTION";
	t.right[1] = true;
	for (i = 0; i < f->nproblems; i++) {
		p = f->problems[i];
		status_table_row(&t, status_sev_color(p->severity),
		    xstrdup(fleet_severity_name(p->severity)),
		    xstrdup(util_fmt_age(o->now_ms - p->since, age,
		    sizeof age)),
		    xstrdup(p->text), status_src_list(p->sources, "+"),
		    xstrdup(p->rule), status_str(p->action));
	}
	status_table_print(out, &t, o->color);
}

void
status_print_text(FILE *out, const struct fleet *f,
    const struct status_opts *o)
{
	const struct fleet_totals *t = &f->totals;

	status_print_summary(out, f, o);
	fputc('\n', out);
	status_print_sources(out, f, o);
	fputc('\n', out);
	if (f->nsvcs > 0) {
		services_print_text(out, f, o->now_ms);
		fputc('\n', out);
	}
	status_print_nodes(out, f, o);
	fputc('\n', out);
	fprintf(out, "TOTAL %d nodes: %d up, %d cordoned, %d disabled, "
	    "%d offline; ", t->nodes, t->up, t->cordoned, t->disabled,
	    t->offline);
	if (t->load_known)
		fprintf(out, "%d meetings, %d users, %d voice, %d video\n",
		    t->meetings, t->participants, t->voice, t->video);
	else
		fprintf(out, "meetings, users, voice and video unknown\n");
	fputc('\n', out);
	status_print_problems(out, f, o);
}

/* --- JSON --------------------------------------------------------------- */

static json_t *
status_json_num(double v)
{
	if (isnan(v) || isinf(v))
		return (json_null());
	return (json_real(v));
}

static json_t *
status_json_int(int v)
{
	if (v < 0)
		return (json_null());
	return (json_integer(v));
}

static json_t *
status_json_str(const char *s)
{
	if (s == NULL)
		return (json_null());
	return (json_string(s));	/* NULL for invalid UTF-8 */
}

static json_t *
status_json_time(int64_t ms)
{
	char		 buf[32];
	struct tm	 tm;
	time_t		 t;

	if (ms <= 0)
		return (json_null());
	t = (time_t)(ms / 1000);
	if (gmtime_r(&t, &tm) == NULL)
		return (json_null());
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return (json_string(buf));
}

static json_t *
status_json_srcs(unsigned bits)
{
	json_t	*a = json_array();
	int	 s;

	for (s = 0; s < FLEET_SRC_COUNT; s++) {
		if (bits & FLEET_SRC_BIT(s))
			json_array_append_new(a,
			    json_string(fleet_src_name(s)));
	}
	return (a);
}

/* Set, dropping a value jansson refused (invalid UTF-8) as null. */
static void
status_json_set(json_t *o, const char *k, json_t *v)
{
	json_object_set_new(o, k, v != NULL ? v : json_null());
}

static json_t *
status_json_node(const struct fleet_node *n)
{
	json_t	*o = json_object();

	status_json_set(o, "key", status_json_str(n->key));
	status_json_set(o, "id", json_integer(n->id));
	status_json_set(o, "sources", status_json_srcs(n->seen));
	status_json_set(o, "lb", n->lb == FLEET_LB_UNKNOWN ? json_null() :
	    json_string(fleet_lb_name(n->lb)));
	status_json_set(o, "online", n->online < 0 ? json_null() :
	    json_boolean(n->online));
	status_json_set(o, "health", n->health == FLEET_HEALTH_UNKNOWN ?
	    json_null() : json_string(fleet_health_name(n->health)));
	status_json_set(o, "address", status_json_str(n->address));
	status_json_set(o, "cpu", status_json_num(n->cpu));
	status_json_set(o, "mem", status_json_num(n->mem));
	status_json_set(o, "load1", status_json_num(n->load1));
	status_json_set(o, "net_in", status_json_num(n->net_in));
	status_json_set(o, "net_out", status_json_num(n->net_out));
	status_json_set(o, "meetings", status_json_int(n->meetings));
	status_json_set(o, "participants", status_json_int(n->participants));
	status_json_set(o, "voice", status_json_int(n->voice));
	status_json_set(o, "video", status_json_int(n->video));
	status_json_set(o, "listeners", status_json_int(n->listeners));
	status_json_set(o, "api_up", n->api_up < 0 ? json_null() :
	    json_boolean(n->api_up));
	status_json_set(o, "exporters_up", status_json_int(n->exporters_up));
	status_json_set(o, "exporters_total",
	    status_json_int(n->exporters_total));
	status_json_set(o, "load", status_json_num(n->load));
	status_json_set(o, "load_multiplier",
	    status_json_num(n->load_multiplier));
	status_json_set(o, "tag", status_json_str(n->tag));
	status_json_set(o, "bbb_version", status_json_str(n->bbb_version));
	status_json_set(o, "stack", status_json_str(n->stack));
	status_json_set(o, "stack_state", status_json_str(n->stack_state));
	status_json_set(o, "host_state", status_json_str(n->host_state));
	status_json_set(o, "agent_state", status_json_str(n->agent_state));
	status_json_set(o, "vm_id", status_json_str(n->vm_id));
	status_json_set(o, "vm_status", status_json_str(n->vm_status));
	status_json_set(o, "flavor", status_json_str(n->flavor));
	status_json_set(o, "cert_expiry", status_json_time(n->cert_expiry));
	status_json_set(o, "problems", json_integer(n->nproblems));
	status_json_set(o, "worst", n->nproblems == 0 ? json_null() :
	    json_string(fleet_severity_name(n->worst)));
	return (o);
}

int
status_print_json(FILE *out, const struct fleet *f,
    const struct status_opts *o)
{
	const struct fleet_source *s;
	const struct fleet_problem *p;
	const struct fleet_totals *t = &f->totals;
	json_t			*doc, *a, *e;
	size_t			 i;
	int			 code, rc, k;

	code = status_exit_code(f);
	doc = json_object();
	status_json_set(doc, "schema", json_string(STATUS_SCHEMA));
	status_json_set(doc, "cluster", status_json_str(f->cluster));
	status_json_set(doc, "generated", status_json_time(o->now_ms));
	status_json_set(doc, "status", json_string(status_exit_name(code)));
	status_json_set(doc, "exit_code", json_integer(code));

	a = json_array();
	for (k = 0; k < FLEET_SRC_COUNT; k++) {
		s = &f->sources[k];
		e = json_object();
		status_json_set(e, "name", json_string(fleet_src_name(k)));
		status_json_set(e, "state",
		    json_string(status_src_state_name(s->state)));
		status_json_set(e, "cause", status_json_str(s->cause));
		status_json_set(e, "detail", status_json_str(s->detail));
		status_json_set(e, "last_ok", status_json_time(s->last_ok));
		status_json_set(e, "age_ms", s->last_ok == 0 ? json_null() :
		    json_integer(o->now_ms - s->last_ok));
		status_json_set(e, "latency_ms", s->last_ok == 0 ?
		    json_null() : json_integer(s->latency_ms));
		status_json_set(e, "bytes", json_integer(s->bytes));
		json_array_append_new(a, e);
	}
	status_json_set(doc, "sources", a);

	a = json_array();
	for (i = 0; i < f->nnodes; i++)
		json_array_append_new(a, status_json_node(f->nodes[i]));
	status_json_set(doc, "nodes", a);

	e = json_object();
	status_json_set(e, "nodes", json_integer(t->nodes));
	status_json_set(e, "up", json_integer(t->up));
	status_json_set(e, "cordoned", json_integer(t->cordoned));
	status_json_set(e, "disabled", json_integer(t->disabled));
	status_json_set(e, "offline", json_integer(t->offline));
	/* Unknown is null, not 0. */
	status_json_set(e, "meetings", t->load_known ?
	    json_integer(t->meetings) : json_null());
	status_json_set(e, "participants", t->load_known ?
	    json_integer(t->participants) : json_null());
	status_json_set(e, "voice", t->load_known ?
	    json_integer(t->voice) : json_null());
	status_json_set(e, "video", t->load_known ?
	    json_integer(t->video) : json_null());
	status_json_set(doc, "totals", e);

	a = json_array();
	for (i = 0; i < f->nproblems; i++) {
		p = f->problems[i];
		e = json_object();
		status_json_set(e, "id", json_integer(p->id));
		status_json_set(e, "severity",
		    json_string(fleet_severity_name(p->severity)));
		status_json_set(e, "rule", json_string(p->rule));
		status_json_set(e, "node", status_json_str(p->node_key));
		status_json_set(e, "text", status_json_str(p->text));
		status_json_set(e, "sources", status_json_srcs(p->sources));
		status_json_set(e, "since", status_json_time(p->since));
		status_json_set(e, "age_ms", json_integer(o->now_ms -
		    p->since));
		status_json_set(e, "action", status_json_str(p->action));
		json_array_append_new(a, e);
	}
	status_json_set(doc, "problems", a);
	status_json_set(doc, "services", services_json(f, o->now_ms));

	rc = json_dumpf(doc, out, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(doc);
	return (rc == 0 ? 0 : -1);
}
