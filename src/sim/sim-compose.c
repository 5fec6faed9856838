/*
 * sim-compose.c: what the simulated Rancher reads of a stack's
 * docker-compose file (POST /stacks dockerCompose, apis-wave2.md §2):
 * the services, each with its image and its scheduling label
 * (io.rancher.scheduler.affinity:host_label), after ${VAR} interpolation
 * from the stack's environment as Rancher does it (an unknown variable is
 * empty, $$ a literal $).  Parsed with libyaml; pure, no world.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <yaml.h>

#include "util.h"
#include "sim/sim.h"

#define SC_LABEL	"io.rancher.scheduler.affinity:host_label"
#define SC_MAX_SERVICES	64

/* ${VAR} and $VAR from env (a JSON object of strings); allocated. */
char *
sim_compose_interpolate(const char *text, size_t len, const json_t *env)
{
	struct buf	 b = { 0 };
	const char	*p = text, *end = text + len, *v;
	char		 name[128];
	size_t		 n;

	buf_add(&b, "", 0);
	while (p < end) {
		if (*p != '$' || p + 1 >= end) {
			buf_add(&b, p++, 1);
			continue;
		}
		if (p[1] == '$') {
			buf_add(&b, "$", 1);
			p += 2;
			continue;
		}
		if (p[1] == '{') {
			n = 0;
			while (p + 2 + n < end && p[2 + n] != '}' &&
			    p[2 + n] != '\n')
				n++;
			if (p + 2 + n >= end || p[2 + n] != '}' ||
			    n >= sizeof name) {
				buf_add(&b, p++, 1);
				continue;
			}
			memcpy(name, p + 2, n);
			name[n] = '\0';
			p += 3 + n;
		} else {
			n = strspn(p + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
			    "klmnopqrstuvwxyz0123456789_");
			if (n == 0 || n >= sizeof name || p + 1 + n > end) {
				buf_add(&b, p++, 1);
				continue;
			}
			memcpy(name, p + 1, n);
			name[n] = '\0';
			p += 1 + n;
		}
		v = json_string_value(json_object_get(env, name));
		if (v != NULL)
			buf_adds(&b, v);
	}
	return (buf_steal(&b));
}

static yaml_node_t *
sc_get(yaml_document_t *d, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t	*pr;
	yaml_node_t		*k;

	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return (NULL);
	for (pr = map->data.mapping.pairs.start;
	    pr < map->data.mapping.pairs.top; pr++) {
		k = yaml_document_get_node(d, pr->key);
		if (k != NULL && k->type == YAML_SCALAR_NODE &&
		    strcmp((char *)k->data.scalar.value, key) == 0)
			return (yaml_document_get_node(d, pr->value));
	}
	return (NULL);
}

static char *
sc_scalar(yaml_node_t *n)
{
	if (n == NULL || n->type != YAML_SCALAR_NODE)
		return (NULL);
	return (xstrdup((char *)n->data.scalar.value));
}

/* labels: a mapping, or a list of "key=value" strings. */
static char *
sc_label(yaml_document_t *d, yaml_node_t *labels)
{
	yaml_node_item_t	*it;
	yaml_node_t		*n;
	const char		*s;
	size_t			 kl = strlen(SC_LABEL);

	if (labels == NULL)
		return (NULL);
	if (labels->type == YAML_MAPPING_NODE)
		return (sc_scalar(sc_get(d, labels, SC_LABEL)));
	if (labels->type != YAML_SEQUENCE_NODE)
		return (NULL);
	for (it = labels->data.sequence.items.start;
	    it < labels->data.sequence.items.top; it++) {
		n = yaml_document_get_node(d, *it);
		if (n == NULL || n->type != YAML_SCALAR_NODE)
			continue;
		s = (char *)n->data.scalar.value;
		if (strncmp(s, SC_LABEL, kl) == 0 && s[kl] == '=')
			return (xstrdup(s + kl + 1));
	}
	return (NULL);
}

void
sim_compose_free(struct sim_compose_svc *sv, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(sv[i].name);
		free(sv[i].image);
		free(sv[i].host_label);
	}
	free(sv);
}

int
sim_compose_parse(const char *text, size_t len, const json_t *env,
    struct sim_compose_svc **out, size_t *nout, char **cause)
{
	yaml_parser_t		 p;
	yaml_document_t		 d;
	yaml_node_t		*root, *svcs, *k, *v;
	yaml_node_pair_t	*pr;
	struct sim_compose_svc	*sv = NULL;
	size_t			 n = 0;
	char			*s;
	int			 rc = -1;

	*out = NULL;
	*nout = 0;
	s = sim_compose_interpolate(text, len, env);
	if (!yaml_parser_initialize(&p)) {
		free(s);
		*cause = xstrdup("out of memory");
		return (-1);
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)s, strlen(s));
	if (!yaml_parser_load(&p, &d)) {
		*cause = xasprintf("dockerCompose: line %zu: %s",
		    p.problem_mark.line + 1, p.problem != NULL ? p.problem :
		    "bad YAML");
		yaml_parser_delete(&p);
		free(s);
		return (-1);
	}
	root = yaml_document_get_root_node(&d);
	svcs = sc_get(&d, root, "services");
	if (svcs == NULL || svcs->type != YAML_MAPPING_NODE) {
		*cause = xstrdup("dockerCompose: no services");
		goto out;
	}
	for (pr = svcs->data.mapping.pairs.start;
	    pr < svcs->data.mapping.pairs.top; pr++) {
		k = yaml_document_get_node(&d, pr->key);
		v = yaml_document_get_node(&d, pr->value);
		if (k == NULL || k->type != YAML_SCALAR_NODE || v == NULL ||
		    v->type != YAML_MAPPING_NODE) {
			*cause = xstrdup("dockerCompose: a service is not a "
			    "mapping");
			goto out;
		}
		if (n == SC_MAX_SERVICES) {
			*cause = xstrdup("dockerCompose: too many services");
			goto out;
		}
		sv = xreallocarray(sv, n + 1, sizeof *sv);
		memset(&sv[n], 0, sizeof sv[n]);
		sv[n].name = xstrdup((char *)k->data.scalar.value);
		n++;
		sv[n - 1].image = sc_scalar(sc_get(&d, v, "image"));
		sv[n - 1].host_label = sc_label(&d, sc_get(&d, v, "labels"));
		if (sv[n - 1].image == NULL || *sv[n - 1].image == '\0') {
			*cause = xasprintf("dockerCompose: service %s has no "
			    "image", sv[n - 1].name);
			goto out;
		}
	}
	if (n == 0) {
		*cause = xstrdup("dockerCompose: no services");
		goto out;
	}
	*out = sv;
	*nout = n;
	sv = NULL;
	n = 0;
	rc = 0;
out:
	sim_compose_free(sv, n);
	yaml_document_delete(&d);
	yaml_parser_delete(&p);
	free(s);
	return (rc);
}
