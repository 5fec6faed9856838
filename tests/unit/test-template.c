/*
 * test-template.c: the ${NAME} renderer (template.c), and the templates
 * bbbctl ships in data/: the BBB node stack (docker-compose v2 and
 * rancher-compose, read with libyaml as Rancher reads them) and the
 * cloud-init user_data, which must render to valid YAML.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <yaml.h>

#include "template.h"
#include "util.h"

/* --- the renderer -------------------------------------------------------- */

static const char *
vars_cb(const char *name, void *arg)
{
	const char	**kv = arg;
	size_t		  i;

	for (i = 0; kv[i] != NULL; i += 2) {
		if (strcmp(kv[i], name) == 0)
			return (kv[i + 1]);
	}
	return (NULL);
}

static char *
render(const char *text, const char **kv, char **cause)
{
	char	*out = NULL;

	*cause = NULL;
	if (template_render(text, strlen(text), vars_cb, kv, &out,
	    cause) != 0)
		return (NULL);
	return (out);
}

static void
test_render_replaces(void **state)
{
	const char	*kv[] = { "NODE", "bbb-07", "X_1", "v", NULL };
	char		*out, *cause;

	out = render("a ${NODE} b ${X_1}${NODE}", kv, &cause);
	assert_non_null(out);
	assert_string_equal(out, "a bbb-07 b vbbb-07");
	free(out);
	/* a value is not rendered again */
	kv[1] = "${X_1}";
	out = render("${NODE}", kv, &cause);
	assert_string_equal(out, "${X_1}");
	free(out);
}

static void
test_render_keeps_other_dollars(void **state)
{
	const char	*kv[] = { "A", "1", NULL };
	char		*out, *cause;

	out = render("$UPTIME $ $$ $${A} ${A}$", kv, &cause);
	assert_non_null(out);
	assert_string_equal(out, "$UPTIME $ $$ ${A} 1$");
	free(out);
	out = render("", kv, &cause);
	assert_string_equal(out, "");
	free(out);
}

static void
test_render_errors_name_the_line(void **state)
{
	const char	*kv[] = { "A", "1", NULL };
	char		*out, *cause;

	out = render("x\ny ${A}\nz ${B}\n", kv, &cause);
	assert_null(out);
	assert_string_equal(cause, "line 3: unknown variable ${B}");
	free(cause);
	out = render("\n${A", kv, &cause);
	assert_null(out);
	assert_non_null(strstr(cause, "line 2: a malformed"));
	free(cause);
	out = render("${a}", kv, &cause);
	assert_null(out);
	assert_non_null(strstr(cause, "line 1: a malformed"));
	free(cause);
	out = render("${}", kv, &cause);
	assert_null(out);
	free(cause);
	assert_int_equal(template_render("a\0b", 3, vars_cb, kv, &out,
	    &cause), -1);
	assert_non_null(strstr(cause, "NUL"));
	free(cause);
}

static void
test_names(void **state)
{
	const char	*t = "${B} $${C} ${A} ${B} ${bad} $X ${D";
	char		**n;
	size_t		  nn, i;

	n = template_names(t, strlen(t), &nn);
	assert_int_equal(nn, 2);
	assert_string_equal(n[0], "B");
	assert_string_equal(n[1], "A");
	for (i = 0; i < nn; i++)
		free(n[i]);
	free(n);
	assert_null(template_names("none", 4, &nn));
	assert_int_equal(nn, 0);

	/*
	 * The same references the renderer looks up: "$$${X}" is a '$'
	 * and a literal "${X}", "$$ ${Y}" a '$', a '$' and ${Y}.
	 */
	t = "$$${X} $$ ${Y}";
	n = template_names(t, strlen(t), &nn);
	assert_int_equal(nn, 1);
	assert_string_equal(n[0], "Y");
	for (i = 0; i < nn; i++)
		free(n[i]);
	free(n);
}

/* --- a small YAML tree, read with libyaml -------------------------------- */

struct ynode {
	int		  kind;		/* 's' scalar, 'm' mapping, 'q' sequence */
	char		 *text;		/* scalar */
	struct ynode	**kids;		/* mapping: key, value, key, value ... */
	size_t		  nkids;
};

static void
ynode_free(struct ynode *n)
{
	size_t	 i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nkids; i++)
		ynode_free(n->kids[i]);
	free(n->kids);
	free(n->text);
	free(n);
}

static struct ynode *
ynode_read(yaml_parser_t *p, yaml_event_t *first)
{
	struct ynode	*n, *kid;
	yaml_event_t	 ev;

	n = xcalloc(1, sizeof *n);
	switch (first->type) {
	case YAML_SCALAR_EVENT:
		n->kind = 's';
		n->text = xstrndup((const char *)first->data.scalar.value,
		    first->data.scalar.length);
		return (n);
	case YAML_MAPPING_START_EVENT:
		n->kind = 'm';
		break;
	case YAML_SEQUENCE_START_EVENT:
		n->kind = 'q';
		break;
	default:
		free(n);
		return (NULL);
	}
	for (;;) {
		if (!yaml_parser_parse(p, &ev)) {
			ynode_free(n);
			return (NULL);
		}
		if (ev.type == YAML_MAPPING_END_EVENT ||
		    ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			return (n);
		}
		kid = ynode_read(p, &ev);
		yaml_event_delete(&ev);
		if (kid == NULL) {
			ynode_free(n);
			return (NULL);
		}
		n->kids = xreallocarray(n->kids, n->nkids + 1,
		    sizeof *n->kids);
		n->kids[n->nkids++] = kid;
	}
}

/* The one document of text, or NULL when libyaml rejects it. */
static struct ynode *
yaml_read(const char *text, size_t len)
{
	yaml_parser_t	 p;
	yaml_event_t	 ev;
	struct ynode	*root = NULL;
	int		 docs = 0;
	bool		 bad = false;

	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	for (;;) {
		if (!yaml_parser_parse(&p, &ev)) {
			bad = true;
			break;
		}
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type == YAML_DOCUMENT_START_EVENT)
			docs++;
		if (ev.type == YAML_SCALAR_EVENT ||
		    ev.type == YAML_MAPPING_START_EVENT ||
		    ev.type == YAML_SEQUENCE_START_EVENT) {
			if (root != NULL ||
			    (root = ynode_read(&p, &ev)) == NULL)
				bad = true;
		}
		yaml_event_delete(&ev);
		if (bad)
			break;
	}
	yaml_parser_delete(&p);
	if (bad || docs != 1) {
		ynode_free(root);
		return (NULL);
	}
	return (root);
}

static const struct ynode *
ymap_get(const struct ynode *m, const char *key)
{
	size_t	 i;

	if (m == NULL || m->kind != 'm')
		return (NULL);
	for (i = 0; i + 1 < m->nkids; i += 2) {
		if (m->kids[i]->kind == 's' &&
		    strcmp(m->kids[i]->text, key) == 0)
			return (m->kids[i + 1]);
	}
	return (NULL);
}

static const char *
ystr(const struct ynode *n)
{
	return (n != NULL && n->kind == 's' ? n->text : NULL);
}

static char *
data_read(const char *name, size_t *len)
{
	const char	*top = getenv("top_srcdir");
	char		*path, chunk[8192];
	struct buf	 b = { 0 };
	FILE		*f;
	size_t		 n;

	path = xasprintf("%s/data/%s", top != NULL ? top : ".", name);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	free(path);
	buf_add(&b, "", 0);
	*len = b.len;
	return (buf_steal(&b));
}

/* --- the shipped node stack ---------------------------------------------- */

static void
test_node_stack(void **state)
{
	static const char *svcs[] = { "bbb", "bbb-exporter", "lb" };
	char		*dc, *rc, **names;
	size_t		 dlen, rlen, i, nn;
	struct ynode	*d, *r;
	const struct ynode *ds, *rs, *s, *labels;
	const char	*pin;

	dc = data_read("stacks/bbb-node/docker-compose.yml", &dlen);
	rc = data_read("stacks/bbb-node/rancher-compose.yml", &rlen);
	d = yaml_read(dc, dlen);
	r = yaml_read(rc, rlen);
	assert_non_null(d);
	assert_non_null(r);
	assert_string_equal(ystr(ymap_get(d, "version")), "2");
	assert_string_equal(ystr(ymap_get(r, "version")), "2");
	ds = ymap_get(d, "services");
	rs = ymap_get(r, "services");
	assert_non_null(ds);
	assert_non_null(rs);
	/* the seed set-up's three services, in both files, nothing else */
	assert_int_equal(ds->nkids, 2 * 3);
	assert_int_equal(rs->nkids, 2 * 3);
	for (i = 0; i < 3; i++) {
		s = ymap_get(ds, svcs[i]);
		assert_non_null(s);
		assert_non_null(ystr(ymap_get(s, "image")));
		labels = ymap_get(s, "labels");
		pin = ystr(ymap_get(labels,
		    "io.rancher.scheduler.affinity:host_label"));
		assert_non_null(pin);
		assert_string_equal(pin, "bbbnode=${NODE}");
		s = ymap_get(rs, svcs[i]);
		assert_non_null(s);
		assert_string_equal(ystr(ymap_get(s, "scale")), "1");
		assert_non_null(ymap_get(s, "health_check"));
	}
	/* the images of the seed set-up */
	assert_string_equal(ystr(ymap_get(ymap_get(ds, "bbb-exporter"),
	    "image")), "greenstatic/bigbluebutton-exporter:v0.2.0");
	assert_string_equal(ystr(ymap_get(ymap_get(ds, "lb"), "image")),
	    "rancher/lb-service-haproxy:v0.9.6");
	assert_string_equal(ystr(ymap_get(ymap_get(ds, "bbb"), "image")),
	    "${BBB_IMAGE}");
	assert_string_equal(ystr(ymap_get(ymap_get(ds, "bbb"),
	    "network_mode")), "host");
	/* the secret only as a variable, never a value in the file */
	assert_string_equal(ystr(ymap_get(ymap_get(ymap_get(ds, "bbb"),
	    "environment"), "BBB_SECRET")), "${BBB_SECRET}");
	/* exactly the variables bbbctl puts in the stack's environment */
	names = template_names(dc, dlen, &nn);
	assert_int_equal(nn, 4);
	for (i = 0; i < nn; i++) {
		assert_true(strcmp(names[i], "NODE") == 0 ||
		    strcmp(names[i], "BBB_DOMAIN") == 0 ||
		    strcmp(names[i], "BBB_SECRET") == 0 ||
		    strcmp(names[i], "BBB_IMAGE") == 0);
		free(names[i]);
	}
	free(names);
	ynode_free(d);
	ynode_free(r);
	free(dc);
	free(rc);
}

static void
test_cloud_init(void **state)
{
	const char	*kv[] = { "NODE", "bbb-07",
	    "RANCHER_AGENT_IMAGE", "rancher/agent:v1.2.11",
	    "RANCHER_URL", "http://rancher.example.org:8080/v1/scripts/"
	    "D5F0:1514764800000:abc", NULL };
	char		*text, *out, *cause;
	size_t		 len;
	struct ynode	*y;
	const struct ynode *cmds, *c;

	text = data_read("cloud-init/bbb-node.yaml", &len);
	assert_true(strncmp(text, "#cloud-config\n", 14) == 0);
	assert_int_equal(template_render(text, len, vars_cb, kv, &out,
	    &cause), 0);
	assert_true(strncmp(out, "#cloud-config\n", 14) == 0);
	assert_null(strstr(out, "${"));
	y = yaml_read(out, strlen(out));
	assert_non_null(y);
	cmds = ymap_get(y, "runcmd");
	assert_non_null(cmds);
	assert_int_equal(cmds->kind, 'q');
	assert_int_equal(cmds->nkids, 2);
	c = cmds->kids[1];
	assert_int_equal(c->kind, 'q');
	assert_int_equal(c->nkids, 3);
	assert_string_equal(ystr(c->kids[2]), "docker run --rm --privileged "
	    "-e CATTLE_HOST_LABELS='bbbnode=bbb-07&role=bbb' "
	    "-v /var/run/docker.sock:/var/run/docker.sock "
	    "-v /var/lib/rancher:/var/lib/rancher rancher/agent:v1.2.11 "
	    "http://rancher.example.org:8080/v1/scripts/"
	    "D5F0:1514764800000:abc");
	assert_string_equal(ystr(ymap_get(y, "final_message")),
	    "bbbctl: bbb-07 registered with Rancher after $UPTIME s");
	ynode_free(y);
	free(out);
	/* without the registration URL it does not render */
	kv[4] = "NOT_IT";
	assert_int_equal(template_render(text, len, vars_cb, kv, &out,
	    &cause), -1);
	assert_non_null(strstr(cause, "${RANCHER_URL}"));
	free(cause);
	free(text);
}

/* --- the seed set-up's infrastructure stacks (bbbctl setup) -------------- */

struct infra_stack {
	const char	*name;
	const char	*svc[5];	/* its services, NULL-ended */
	const char	*image[5];	/* the image of each */
	const char	*secret[4];	/* variables that are secrets */
};

static const struct infra_stack infra_stacks[] = {
	{ "postgres", { "postgres" }, { "postgres:12-alpine" },
	  { "POSTGRES_PASSWORD" } },
	{ "consul", { "consul", "lb" },
	  { "consul:1.7", "rancher/lb-service-haproxy:v0.9.6" }, { NULL } },
	{ "bbb-scalelite",
	  { "scalelite-api", "scalelite-poller", "scalelite-redis" },
	  { "blindsidenetwks/scalelite:v1-api",
	    "blindsidenetwks/scalelite:v1-poller",
	    "redis:5.0.8-alpine3.11" },
	  { "LOADBALANCER_SECRET", "SECRET_KEY_BASE", "POSTGRES_PASSWORD" } },
	{ "bbb-greenlight", { "greenlight" },
	  { "bigbluebutton/greenlight:release-2.5" },
	  { "LOADBALANCER_SECRET", "SECRET_KEY_BASE", "POSTGRES_PASSWORD" } },
	{ "metrics",
	  { "prometheus", "nodeexporter", "processexporter", "grafana" },
	  { "prom/prometheus:v2.16.0", "prom/node-exporter:v0.18.1",
	    "ncabatoff/process-exporter:0.6.0", "grafana/grafana:6.7.1" },
	  { "GRAFANA_ADMIN_PASSWORD" } },
	{ "coturn", { "coturn" }, { "coturn/coturn:4.5.1.1" },
	  { "TURN_SECRET" } },
	{ "ssh-keys", { "ssh-keys" }, { "alpine:3.11" }, { NULL } },
};

/* Does the text of a mapping's values (recursively) hold needle? */
static bool
ytree_has(const struct ynode *n, const char *needle)
{
	size_t	 i;

	if (n == NULL)
		return (false);
	if (n->kind == 's')
		return (strstr(n->text, needle) != NULL);
	for (i = 0; i < n->nkids; i++) {
		if (ytree_has(n->kids[i], needle))
			return (true);
	}
	return (false);
}

static void
test_infra_stacks(void **state)
{
	const struct infra_stack *st;
	char		*dc, *rc, *path, *var;
	size_t		 dlen, rlen, i, j, nsvc;
	struct ynode	*d, *r;
	const struct ynode *ds, *rs, *s;

	for (i = 0; i < nitems(infra_stacks); i++) {
		st = &infra_stacks[i];
		path = xasprintf("stacks/%s/docker-compose.yml", st->name);
		dc = data_read(path, &dlen);
		free(path);
		path = xasprintf("stacks/%s/rancher-compose.yml", st->name);
		rc = data_read(path, &rlen);
		free(path);
		d = yaml_read(dc, dlen);
		r = yaml_read(rc, rlen);
		if (d == NULL || r == NULL)
			fail_msg("%s: not valid YAML", st->name);
		assert_string_equal(ystr(ymap_get(d, "version")), "2");
		assert_string_equal(ystr(ymap_get(r, "version")), "2");
		ds = ymap_get(d, "services");
		rs = ymap_get(r, "services");
		assert_non_null(ds);
		assert_non_null(rs);
		for (nsvc = 0; nsvc < 5 && st->svc[nsvc] != NULL; nsvc++)
			;
		/* exactly the seed set-up's services, in both files */
		if (ds->nkids != 2 * nsvc || rs->nkids != 2 * nsvc)
			fail_msg("%s: %zu/%zu services, expected %zu",
			    st->name, ds->nkids / 2, rs->nkids / 2, nsvc);
		for (j = 0; j < nsvc; j++) {
			s = ymap_get(ds, st->svc[j]);
			if (s == NULL || ymap_get(rs, st->svc[j]) == NULL)
				fail_msg("%s: no service %s", st->name,
				    st->svc[j]);
			assert_string_equal(ystr(ymap_get(s, "image")),
			    st->image[j]);
		}
		/* a secret only as a variable: never a value in the file */
		for (j = 0; j < nitems(st->secret) &&
		    st->secret[j] != NULL; j++) {
			var = xasprintf("${%s}", st->secret[j]);
			if (!ytree_has(ds, var))
				fail_msg("%s: %s not used", st->name, var);
			free(var);
		}
		ynode_free(d);
		ynode_free(r);
		free(dc);
		free(rc);
	}
}

/* The prometheus of metrics finds the nodes through consul. */
static void
test_infra_metrics_consul(void **state)
{
	char		*dc;
	size_t		 len;
	struct ynode	*d;
	const struct ynode *p, *c;

	dc = data_read("stacks/metrics/docker-compose.yml", &len);
	d = yaml_read(dc, len);
	assert_non_null(d);
	assert_true(ytree_has(ymap_get(ymap_get(ymap_get(d, "services"),
	    "prometheus"), "environment"), "consul.consul:8500"));
	/*
	 * prom/prometheus reads no environment: its command writes the
	 * configuration file it runs with, a consul_sd_configs block made
	 * of those variables ($$: expanded in the container, not by
	 * Rancher).
	 */
	p = ymap_get(ymap_get(d, "services"), "prometheus");
	assert_string_equal(ystr(ymap_get(p, "entrypoint")), "/bin/sh");
	c = ymap_get(p, "command");
	assert_true(ytree_has(c, "consul_sd_configs:"));
	assert_true(ytree_has(c, "server: '$${CONSUL_SD_SERVER}'"));
	assert_true(ytree_has(c, "services: ['$${CONSUL_SD_SERVICE}']"));
	assert_true(ytree_has(c, ">/etc/prometheus/prometheus.yml &&"));
	assert_true(ytree_has(c,
	    "exec /bin/prometheus --config.file=/etc/prometheus/prometheus.yml"));
	ynode_free(d);
	free(dc);
}

/* A YAML error is found (the reader is not blind). */
static void
test_yaml_reader_rejects(void **state)
{
	const char	*bad = "a: [1, 2\nb: c\n";
	struct ynode	*y;

	assert_null(yaml_read(bad, strlen(bad)));
	y = yaml_read("a: {b: c}\n", 10);
	assert_non_null(y);
	assert_string_equal(ystr(ymap_get(ymap_get(y, "a"), "b")), "c");
	ynode_free(y);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_replaces),
		cmocka_unit_test(test_render_keeps_other_dollars),
		cmocka_unit_test(test_render_errors_name_the_line),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_yaml_reader_rejects),
		cmocka_unit_test(test_node_stack),
		cmocka_unit_test(test_cloud_init),
		cmocka_unit_test(test_infra_stacks),
		cmocka_unit_test(test_infra_metrics_consul),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
