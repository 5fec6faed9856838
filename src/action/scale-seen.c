/*
 * scale-seen.c: the five sources' listings, as scale.c reads them
 * (scale.h).  Pure: JSON in, names and ids out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "action/scale.h"
#include "util.h"

static const char *
ss_str(const json_t *o, const char *key)
{
	return (json_string_value(json_object_get(o, key)));
}

static void
ss_copy(char *out, size_t outsz, const char *s)
{
	snprintf(out, outsz, "%s", s != NULL ? s : "");
}

void
scale_short_name(const char *s, char *out, size_t outsz)
{
	const char	*p;
	size_t		 n;

	if ((p = strstr(s, "://")) != NULL)
		s = p + 3;
	n = strcspn(s, ".:/");
	snprintf(out, outsz, "%.*s", (int)n, s);
}

bool
scale_name_match(const char *pat, const char *name, long *num)
{
	const char	*n = strchr(pat, 'N');
	size_t		 pre, run, d;
	const char	*suf;

	if (n == NULL)
		return (false);
	pre = (size_t)(n - pat);
	run = strspn(n, "N");
	suf = n + run;
	if (strncmp(name, pat, pre) != 0)
		return (false);
	d = strspn(name + pre, "0123456789");
	if (d == 0 || d > 9 || strcmp(name + pre + d, suf) != 0)
		return (false);
	if (num != NULL)
		*num = strtol(name + pre, NULL, 10);
	return (true);
}

void
scale_name_make(const char *pat, long num, char *out, size_t outsz)
{
	const char	*n = strchr(pat, 'N');
	size_t		 run;

	if (n == NULL) {
		snprintf(out, outsz, "%s%ld", pat, num);
		return;
	}
	run = strspn(n, "N");
	snprintf(out, outsz, "%.*s%0*ld%s", (int)(n - pat), pat, (int)run,
	    num, n + run);
}

static struct scale_seen *
ss_get(struct scale_seen **v, size_t *n, const char *name)
{
	size_t	 i;

	for (i = 0; i < *n; i++) {
		if (strcmp((*v)[i].name, name) == 0)
			return (&(*v)[i]);
	}
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	memset(&(*v)[*n], 0, sizeof **v);
	ss_copy((*v)[*n].name, sizeof (*v)[*n].name, name);
	(*v)[*n].load = -1;
	return (&(*v)[(*n)++]);
}

static bool
ss_gone(const char *state)
{
	return (state != NULL && (strcmp(state, "removed") == 0 ||
	    strcmp(state, "removing") == 0 || strcmp(state, "purging") == 0 ||
	    strcmp(state, "purged") == 0));
}

void
scale_seen_add(unsigned src, const json_t *rows, const char *pat,
    struct scale_seen **v, size_t *n)
{
	const json_t		*e, *lab, *load;
	const char		*s, *st;
	char			 nm[64];
	struct scale_seen	*x;
	size_t			 i;

	if (!json_is_array(rows))
		return;
	json_array_foreach(rows, i, e) {
		if (!json_is_object(e))
			continue;
		nm[0] = '\0';
		st = ss_str(e, "state");
		switch (src) {
		case SCALE_SRC_NOVA:
		case SCALE_SRC_STACK:
			if ((s = ss_str(e, "name")) != NULL)
				ss_copy(nm, sizeof nm, s);
			break;
		case SCALE_SRC_HOST:
			lab = json_object_get(e, "labels");
			if ((s = ss_str(lab, "bbbnode")) != NULL)
				ss_copy(nm, sizeof nm, s);
			else if ((s = ss_str(e, "hostname")) != NULL)
				scale_short_name(s, nm, sizeof nm);
			break;
		case SCALE_SRC_CONSUL:
			if ((s = ss_str(json_object_get(e, "Node"), "Node")) !=
			    NULL)
				scale_short_name(s, nm, sizeof nm);
			break;
		case SCALE_SRC_SL:
			if ((s = ss_str(e, "url")) != NULL)
				scale_short_name(s, nm, sizeof nm);
			break;
		default:
			return;
		}
		if (nm[0] == '\0' || !scale_name_match(pat, nm, NULL))
			continue;
		if ((src == SCALE_SRC_HOST || src == SCALE_SRC_STACK) &&
		    ss_gone(st))
			continue;
		x = ss_get(v, n, nm);
		x->src |= src;
		switch (src) {
		case SCALE_SRC_NOVA:
			ss_copy(x->vm_id, sizeof x->vm_id, ss_str(e, "id"));
			ss_copy(x->vm_status, sizeof x->vm_status,
			    ss_str(e, "status"));
			break;
		case SCALE_SRC_HOST:
			ss_copy(x->host_id, sizeof x->host_id, ss_str(e, "id"));
			ss_copy(x->host_state, sizeof x->host_state, st);
			break;
		case SCALE_SRC_STACK:
			ss_copy(x->stack_id, sizeof x->stack_id,
			    ss_str(e, "id"));
			break;
		case SCALE_SRC_SL:
			ss_copy(x->sl_id, sizeof x->sl_id, ss_str(e, "id"));
			ss_copy(x->sl_state, sizeof x->sl_state, st);
			x->sl_online = ss_str(e, "online") != NULL &&
			    strcmp(ss_str(e, "online"), "online") == 0;
			load = json_object_get(e, "load");
			x->load = json_is_number(load) ?
			    json_number_value(load) : -1;
			break;
		}
	}
}

static const char *
ss_src_name(unsigned bit)
{
	switch (bit) {
	case SCALE_SRC_NOVA:
		return ("OpenStack VM");
	case SCALE_SRC_HOST:
		return ("Rancher host");
	case SCALE_SRC_STACK:
		return ("Rancher stack");
	case SCALE_SRC_CONSUL:
		return ("consul service");
	case SCALE_SRC_SL:
		return ("scalelite server");
	}
	return ("?");
}

char *
scale_seen_text(const struct scale_seen *x)
{
	struct buf	 b = { 0 };
	unsigned	 bit;
	int		 k = 0;

	buf_printf(&b, "%s:", x->name);
	for (bit = 1; bit <= SCALE_SRC_SL; bit <<= 1) {
		if ((x->src & bit) == 0)
			continue;
		buf_printf(&b, "%s %s", k++ > 0 ? "," : "", ss_src_name(bit));
		if (bit == SCALE_SRC_NOVA)
			buf_printf(&b, " %s (%s)", x->vm_id, x->vm_status);
		else if (bit == SCALE_SRC_HOST)
			buf_printf(&b, " %s (%s)", x->host_id, x->host_state);
		else if (bit == SCALE_SRC_STACK)
			buf_printf(&b, " %s", x->stack_id);
		else if (bit == SCALE_SRC_SL)
			buf_printf(&b, " %s", x->sl_id);
	}
	buf_adds(&b, "; not in:");
	k = 0;
	for (bit = 1; bit <= SCALE_SRC_SL; bit <<= 1) {
		if ((x->src & bit) == 0)
			buf_printf(&b, "%s %s", k++ > 0 ? "," : "",
			    ss_src_name(bit));
	}
	if (k == 0)
		buf_adds(&b, " none");
	return (buf_steal(&b));
}
