/*
 * sim-fault.c: injected faults, SYSTEM:PATH-PREFIX:KIND[:ARG].
 *
 * The list has its own lock (world->fault_lock) so that the HTTP layer
 * can look a fault up before it takes the world lock.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "util.h"
#include "sim/sim.h"

static const char *sim_system_names[SIM_NSYSTEMS] = {
	"consul", "prometheus", "scalelite", "rancher", "openstack",
	"metrics", "control", "greenlight"
};

static const char *sim_fault_kinds[] = {
	"latency", "hang", "status", "malformed", "truncated", "huge",
	"reset", "chunked"
};

const char *
sim_system_name(enum sim_system sys)
{
	if ((unsigned)sys >= SIM_NSYSTEMS)
		return ("?");
	return (sim_system_names[sys]);
}

int
sim_system_from_name(const char *name)
{
	int	i;

	for (i = 0; i < SIM_NSYSTEMS; i++) {
		if (strcmp(sim_system_names[i], name) == 0)
			return (i);
	}
	return (-1);
}

const char *
sim_fault_kind_name(enum sim_fault_kind kind)
{
	if ((unsigned)kind >= nitems(sim_fault_kinds))
		return ("?");
	return (sim_fault_kinds[kind]);
}

int
sim_fault_parse(const char *spec, struct sim_fault *f, char **cause)
{
	char		*copy, *sys, *prefix, *kind, *arg;
	const char	*errstr;
	long long	 ll;
	size_t		 i;
	int		 s;

	memset(f, 0, sizeof *f);
	copy = xstrdup(spec);
	sys = copy;
	if ((prefix = strchr(sys, ':')) == NULL)
		goto syntax;
	*prefix++ = '\0';
	if ((kind = strchr(prefix, ':')) == NULL)
		goto syntax;
	*kind++ = '\0';
	if ((arg = strchr(kind, ':')) != NULL)
		*arg++ = '\0';

	if ((s = sim_system_from_name(sys)) == -1 || s == SIM_CONTROL) {
		*cause = xasprintf("unknown system '%s' (consul, prometheus, "
		    "scalelite, rancher, openstack or metrics)", sys);
		goto fail;
	}
	f->system = s;
	if (*prefix != '/') {
		*cause = xasprintf("path prefix must start with '/': '%s'",
		    prefix);
		goto fail;
	}
	for (i = 0; i < nitems(sim_fault_kinds); i++) {
		if (strcmp(kind, sim_fault_kinds[i]) == 0)
			break;
	}
	if (i == nitems(sim_fault_kinds)) {
		*cause = xasprintf("unknown fault kind '%s' (latency, hang, "
		    "status, malformed, truncated, huge, reset or chunked)",
		    kind);
		goto fail;
	}
	f->kind = i;
	switch (f->kind) {
	case SIM_FAULT_LATENCY:
		if (arg == NULL) {
			*cause = xstrdup("latency needs milliseconds");
			goto fail;
		}
		if (util_parse_ll(arg, 0, 3600000, &ll, &errstr) != 0) {
			*cause = xasprintf("latency '%s': %s", arg, errstr);
			goto fail;
		}
		f->arg = ll;
		break;
	case SIM_FAULT_STATUS:
		if (arg == NULL) {
			*cause = xstrdup("status needs an HTTP status code");
			goto fail;
		}
		if (util_parse_ll(arg, 100, 599, &ll, &errstr) != 0) {
			*cause = xasprintf("status '%s': %s", arg, errstr);
			goto fail;
		}
		f->arg = ll;
		break;
	case SIM_FAULT_HUGE:
		f->arg = 100LL * 1024 * 1024;
		if (arg != NULL && util_parse_ll(arg, 1, 1LL << 40, &f->arg,
		    &errstr) != 0) {
			*cause = xasprintf("huge '%s': %s", arg, errstr);
			goto fail;
		}
		break;
	default:
		if (arg != NULL) {
			*cause = xasprintf("fault '%s' takes no argument",
			    kind);
			goto fail;
		}
		break;
	}
	f->prefix = xstrdup(prefix);
	free(copy);
	return (0);

syntax:
	*cause = xasprintf("fault '%s': expected SYSTEM:PATH-PREFIX:KIND[:ARG]",
	    spec);
fail:
	free(copy);
	return (-1);
}

int
sim_fault_add(struct sim_world *w, const char *spec, char **cause)
{
	struct sim_fault	f;

	if (sim_fault_parse(spec, &f, cause) != 0)
		return (-1);
	pthread_mutex_lock(&w->fault_lock);
	w->faults = xreallocarray(w->faults, w->nfaults + 1,
	    sizeof *w->faults);
	w->faults[w->nfaults++] = f;
	pthread_mutex_unlock(&w->fault_lock);
	return (0);
}

void
sim_fault_clear(struct sim_world *w)
{
	size_t	i;

	pthread_mutex_lock(&w->fault_lock);
	for (i = 0; i < w->nfaults; i++)
		free(w->faults[i].prefix);
	free(w->faults);
	w->faults = NULL;
	w->nfaults = 0;
	pthread_mutex_unlock(&w->fault_lock);
}

bool
sim_fault_match(struct sim_world *w, enum sim_system sys, const char *path,
    struct sim_fault *out)
{
	struct sim_fault	*f;
	bool			 found = false;
	size_t			 i;

	pthread_mutex_lock(&w->fault_lock);
	for (i = 0; i < w->nfaults; i++) {
		f = &w->faults[i];
		if (f->system == sys &&
		    strncmp(path, f->prefix, strlen(f->prefix)) == 0) {
			*out = *f;
			out->prefix = NULL;	/* not the caller's */
			found = true;
			break;
		}
	}
	pthread_mutex_unlock(&w->fault_lock);
	return (found);
}

char *
sim_fault_list(struct sim_world *w)
{
	json_t		*a, *o;
	struct sim_fault *f;
	char		*s, *out;
	size_t		 i;

	a = json_array();
	pthread_mutex_lock(&w->fault_lock);
	for (i = 0; i < w->nfaults; i++) {
		f = &w->faults[i];
		o = json_pack("{s:s, s:s, s:s}", "system",
		    sim_system_name(f->system), "prefix", f->prefix, "kind",
		    sim_fault_kind_name(f->kind));
		if (f->kind == SIM_FAULT_LATENCY || f->kind == SIM_FAULT_STATUS
		    || f->kind == SIM_FAULT_HUGE)
			json_object_set_new(o, "arg", json_integer(f->arg));
		json_array_append_new(a, o);
	}
	pthread_mutex_unlock(&w->fault_lock);
	s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	out = xstrdup(s != NULL ? s : "[]");
	free(s);
	return (out);
}
