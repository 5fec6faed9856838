/*
 * test-backend-dom.c: the streaming decoders against the jansson (DOM)
 * decoders they replace, on every fixture of tests/fixtures/ and on the
 * fixtures cut short (truncated answers) and with one byte changed:
 * the same accept / reject, the same outputs field by field, and the
 * same message when the answer is JSON (a syntax error is worded by
 * each parser).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/decode.h"
#include "decode-dom.h"
#include "decode-same.h"
#include "fixture.h"

static int	 nchecked;

static void
same_cause(const char *what, const char *body, size_t len, int rc,
    const char *cause, int drc, const char *dcause)
{
	if (rc != drc) {
		print_error("%s: scanner %d (%s), jansson %d (%s) on %zu "
		    "bytes: %.*s\n", what, rc, cause != NULL ? cause : "-",
		    drc, dcause != NULL ? dcause : "-", len,
		    (int)(len > 300 ? 300 : len), body);
		fail();
	}
	if (rc == 0)
		return;
	assert_non_null(cause);
	assert_non_null(dcause);
	if (strstr(dcause, ": not JSON: ") != NULL ||
	    strstr(dcause, ": empty answer") != NULL) {
		/* Both name the syntax error and its place. */
		if (strstr(cause, ": not JSON: ") == NULL &&
		    strstr(cause, ": empty answer") == NULL) {
			print_error("%s: \"%s\" vs \"%s\"\n", what, cause,
			    dcause);
			fail();
		}
		return;
	}
	if (strcmp(cause, dcause) != 0) {
		print_error("%s: \"%s\" vs \"%s\"\n", what, cause, dcause);
		fail();
	}
}

static void
check_rancher(const char *body, size_t len)
{
	struct fleet_rancher_update	*u, *d;
	static const char		*wants[] = { NULL, "Default", "1a5",
					    "nope" };
	char				*cause, *next, *dcause, *dnext;
	char				*id, *did;
	const char			*diff;
	int				 k, rc, drc;
	size_t				 w;

	u = xcalloc(1, sizeof *u);
	d = xcalloc(1, sizeof *d);
	for (k = BACKEND_RANCHER_STACKS; k <= BACKEND_RANCHER_HOSTS; k++) {
		cause = next = dcause = dnext = NULL;
		rc = backend_rancher_decode(k, body, len, u, &next, &cause);
		drc = backend_rancher_decode_dom(k, body, len, d, &dnext,
		    &dcause);
		same_cause("rancher", body, len, rc, cause, drc, dcause);
		assert_false(ds_str_differ(next, dnext));
		if ((diff = ds_rancher(u, d)) != NULL) {
			print_error("rancher: %s differs\n", diff);
			fail();
		}
		free(next);
		free(dnext);
		free(cause);
		free(dcause);
	}
	fleet_rancher_update_free(u);
	fleet_rancher_update_free(d);
	for (w = 0; w < nitems(wants); w++) {
		cause = dcause = id = did = NULL;
		rc = backend_rancher_decode_projects(body, len, wants[w], &id,
		    &cause);
		drc = backend_rancher_decode_projects_dom(body, len, wants[w],
		    &did, &dcause);
		same_cause("rancher projects", body, len, rc, cause, drc,
		    dcause);
		assert_false(ds_str_differ(id, did));
		free(id);
		free(did);
		free(cause);
		free(dcause);
	}
	nchecked++;
}

static void
check_nova(const char *body, size_t len)
{
	struct fleet_openstack_update	*u, *d;
	char				*cause = NULL, *next = NULL;
	char				*dcause = NULL, *dnext = NULL;
	const char			*diff;
	int				 rc, drc;

	u = xcalloc(1, sizeof *u);
	d = xcalloc(1, sizeof *d);
	rc = backend_nova_decode(body, len, u, &next, &cause);
	drc = backend_nova_decode_dom(body, len, d, &dnext, &dcause);
	same_cause("nova", body, len, rc, cause, drc, dcause);
	assert_false(ds_str_differ(next, dnext));
	if ((diff = ds_nova(u, d)) != NULL) {
		print_error("nova: %s differs\n", diff);
		fail();
	}
	free(next);
	free(dnext);
	free(cause);
	free(dcause);
	fleet_openstack_update_free(u);
	fleet_openstack_update_free(d);
}

static void
check_consul(const char *body, size_t len)
{
	struct fleet_consul_update	*u = NULL, *d = NULL;
	char				*cause = NULL, *dcause = NULL;
	const char			*diff;
	int				 rc, drc;

	rc = backend_consul_decode(body, len, &u, &cause);
	drc = backend_consul_decode_dom(body, len, &d, &dcause);
	same_cause("consul", body, len, rc, cause, drc, dcause);
	if (rc == 0 && (diff = ds_consul(u, d)) != NULL) {
		print_error("consul: %s differs\n", diff);
		fail();
	}
	free(cause);
	free(dcause);
	fleet_consul_update_free(u);
	fleet_consul_update_free(d);
}

static void
check_scalelite(const char *body, size_t len)
{
	struct fleet_scalelite_update	*u = NULL, *d = NULL;
	struct backend_sl_secrets	 us, ds;
	char				*cause = NULL, *dcause = NULL;
	const char			*diff;
	int				 rc, drc;

	rc = backend_scalelite_decode(body, len, &u, &us, &cause);
	drc = backend_scalelite_decode_dom(body, len, &d, &ds, &dcause);
	same_cause("scalelite", body, len, rc, cause, drc, dcause);
	if (rc == 0 && (diff = ds_scalelite(u, &us, d, &ds)) != NULL) {
		print_error("scalelite: %s differs\n", diff);
		fail();
	}
	if (rc == 0) {
		backend_sl_secrets_free(&us);
		backend_sl_secrets_free(&ds);
	}
	free(cause);
	free(dcause);
	fleet_scalelite_update_free(u);
	fleet_scalelite_update_free(d);

	/* Without secrets. */
	u = d = NULL;
	cause = dcause = NULL;
	rc = backend_scalelite_decode(body, len, &u, NULL, &cause);
	drc = backend_scalelite_decode_dom(body, len, &d, NULL, &dcause);
	same_cause("scalelite", body, len, rc, cause, drc, dcause);
	if (rc == 0 && (diff = ds_scalelite(u, NULL, d, NULL)) != NULL) {
		print_error("scalelite: %s differs\n", diff);
		fail();
	}
	free(cause);
	free(dcause);
	fleet_scalelite_update_free(u);
	fleet_scalelite_update_free(d);
}

static void (*const checks[])(const char *, size_t) = {
	check_rancher,
	check_nova,
	check_consul,
	check_scalelite,
};

static void
check_all(const char *body, size_t len)
{
	size_t	 i;

	for (i = 0; i < nitems(checks); i++)
		checks[i](body, len);
}

/* Every fixture as it is, cut short, and with a byte changed. */
static void
test_fixtures(void **state)
{
	static const char	*dirs[] = { "rancher", "openstack", "consul",
				    "scalelite", "prometheus", "bbb" };
	static const char	 subst[] = "\"{}[],:0\\ax";
	const char		*top = getenv("top_srcdir");
	char			*path, *name, *body, *copy;
	struct dirent		*de;
	DIR			*dir;
	size_t			 d, len, cut, stride, s;
	int			 nfiles = 0;

	(void)state;
	for (d = 0; d < nitems(dirs); d++) {
		path = xasprintf("%s/tests/fixtures/%s",
		    top != NULL ? top : ".", dirs[d]);
		assert_non_null(dir = opendir(path));
		while ((de = readdir(dir)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			name = xasprintf("%s/%s", dirs[d], de->d_name);
			body = fixture_read(name, &len);
			check_all(body, len);
			stride = len / 200 + 1;
			for (cut = 0; cut < len; cut += stride)
				check_all(body, cut);
			copy = xmalloc(len + 1);
			for (cut = 0; cut < len; cut += stride * 4) {
				for (s = 0; s < sizeof subst - 1; s++) {
					memcpy(copy, body, len);
					copy[cut] = subst[s];
					check_all(copy, len);
				}
			}
			free(copy);
			free(body);
			free(name);
			nfiles++;
		}
		closedir(dir);
		free(path);
	}
	assert_true(nfiles > 40);
	assert_true(nchecked > 1000);
}

/* Hand-made answers at the edges of the two decoders' rules. */
static void
test_edges(void **state)
{
	static const char *const bodies[] = {
		"{\"data\":[{\"id\":\"a\"}],\"data\":[{\"id\":\"b\"}]}",
		"{\"data\":[{\"id\":1}],\"data\":[{\"id\":\"b\"}]}",
		"{\"data\":[{\"id\":\"b\"}],\"data\":[{\"id\":1}]}",
		"{\"data\":[{\"id\":\"a\",\"id\":null}]}",
		"{\"data\":[{\"id\":\"a\",\"scale\":1.0}]}",
		"{\"data\":[{\"id\":\"a\",\"scale\":-1}]}",
		"{\"data\":[{\"id\":\"a\",\"scale\":9223372036854775807}]}",
		"{\"data\":[{\"id\":\"a\",\"instanceIds\":[\"x\",2]}]}",
		"{\"data\":[{\"id\":\"a\",\"instanceIds\":[\"x\",2],"
		    "\"instanceIds\":[\"y\"]}]}",
		"{\"data\":[{\"id\":\"a\",\"launchConfig\":{\"imageUuid\":"
		    "\"docker:x\"},\"launchConfig\":{}}]}",
		"{\"data\":[{\"id\":\"a\",\"launchConfig\":{\"imageUuid\":"
		    "\"docker:x\"},\"launchConfig\":null}]}",
		"{\"data\":[{\"id\":\"a\",\"launchConfig\":[]}]}",
		"{\"data\":[{\"id\":\"a\",\"launchConfig\":{\"imageUuid\":"
		    "\"docker:x\",\"imageUuid\":7}}]}",
		"{\"data\":[{\"\\u0069d\":\"\\u00e9\\ud83d\\ude00\"}]}",
		"{\"data\":[{\"id\":\"a\",\"hostname\":\"\",\"name\":\"n\","
		    "\"state\":\"active\",\"agentState\":\"reconnecting\"}]}",
		"{\"type\":\"error\",\"status\":401,\"code\":\"Unauthorized\","
		    "\"message\":\"no\",\"data\":[1]}",
		"{\"data\":[1],\"type\":\"error\",\"status\":1000}",
		"{\"data\":[1],\"type\":7}",
		"{\"data\":{},\"pagination\":3}",
		"{\"data\":[],\"pagination\":3}",
		"{\"data\":[],\"pagination\":{\"next\":\"u\",\"next\":\"\"}}",
		"{\"data\":[],\"pagination\":{\"next\":\"u\",\"partial\":1}}",
		"{\"data\":[],\"pagination\":{\"next\":\"u\"},\"pagination\":"
		    "null}",
		"{\"data\":[{\"id\":\"1a5\",\"name\":\"Default\",\"state\":"
		    "\"inactive\"},7]}",
		"{\"data\":[7,{\"id\":\"1a5\"}]}",
		"{\"data\":[{\"id\":\"a\"}]} x",
		"{\"data\":[{\"id\":\"a\",\"system\":true}]}\n\r\t ",
		"{\"data\":[{\"id\":\"a\",\"system\":1}]}",
		"{\"data\":[{\"id\":\"a\"}] ,}",
		"[{\"id\":\"a\"}]",
		"",
		"{}",
		"{\"data\":null}",
		"{\"servers\":[{\"id\":\"a\",\"status\":\"ACTIVE\","
		    "\"addresses\":{\"n1\":[{\"addr\":\"1\"}],\"n2\":"
		    "[{\"addr\":\"2\"}],\"n1\":[{\"addr\":\"3\"},"
		    "{\"addr\":\"4\"}]}}]}",
		"{\"servers\":[{\"id\":\"a\",\"status\":\"ACTIVE\","
		    "\"addresses\":{\"n1\":[{\"addr\":\"1\"},3],\"n2\":7}}]}",
		"{\"servers\":[{\"id\":\"a\",\"status\":\"ACTIVE\","
		    "\"addresses\":{\"n1\":[{\"addr\":null}]}}]}",
		"{\"servers\":[{\"id\":\"a\",\"status\":\"ACTIVE\","
		    "\"addresses\":{\"n\\u0031\":[{\"addr\":1}]}}]}",
		"{\"servers\":[{\"id\":\"a\",\"status\":\"ACTIVE\","
		    "\"flavor\":{\"original_name\":null,\"id\":\"5\"},"
		    "\"created\":\"2026-04-20T09:12:33Z\"}]}",
		"{\"servers\":[{\"id\":\"a\",\"status\":\"ACTIVE\","
		    "\"flavor\":{\"original_name\":5,\"id\":\"5\"}}]}",
		"{\"servers\":[{\"id\":\"a\",\"status\":\"ACTIVE\","
		    "\"created\":\"yesterday\"}]}",
		"{\"servers\":[],\"servers_links\":[{\"rel\":\"prev\","
		    "\"href\":\"p\"},{\"rel\":\"next\",\"href\":\"n\"},7]}",
		"{\"servers\":[],\"servers_links\":[7,{\"rel\":\"next\","
		    "\"href\":\"n\"}]}",
		"{\"servers\":[],\"servers_links\":{\"message\":\"m\"}}",
		"{\"servers\":[],\"servers_links\":[{\"rel\":\"prev\","
		    "\"href\":\"p\"},{\"rel\":5},{\"rel\":\"next\","
		    "\"href\":\"n\"}]}",
		"{\"servers\":[],\"servers_links\":[{\"rel\":\"next\"},"
		    "{\"rel\":\"n\\u0065xt\",\"href\":null},{\"href\":\"h\","
		    "\"rel\":\"next\"},{\"rel\":3}]}",
		"{\"servers_links\":{\"message\":\"m\"},\"servers\":null}",
		"{\"a\":{\"code\":404},\"b\":{\"code\":500,\"message\":"
		    "\"x\"},\"a\":{\"message\":\"y\",\"code\":1000}}",
		"{\"a\":{\"message\":\"y\"},\"a\":1,\"b\":{\"message\":"
		    "2}}",
		"{\"servers\":{\"message\":\"m\"}}",
		"{\"x\":1}",
		"[{\"Node\":{\"Node\":\"a\",\"Address\":\"1\"},"
		    "\"Service\":{\"Address\":\"\"},\"Checks\":[]}]",
		"[{\"Node\":{\"Node\":\"a\",\"Address\":\"1\"},"
		    "\"Service\":{\"Address\":\"s\"},\"Service\":null}]",
		"[{\"Node\":{\"Node\":\"a\"},\"Node\":{\"Address\":\"1\"}}]",
		"[{\"Node\":{\"Node\":\"a\"},\"Checks\":[{\"Status\":"
		    "\"passing\"},{\"Status\":\"odd\",\"Output\":\"o\"}]}]",
		"[{\"Node\":{\"Node\":\"a\"},\"Checks\":[{\"Status\":"
		    "\"passing\"},7,{\"Status\":1}]}]",
		"[{\"Node\":{\"Node\":\"a\"},\"Checks\":[{\"Status\":"
		    "1}],\"Checks\":[]}]",
		"[{\"Node\":{\"Node\":\"a\"},\"Checks\":{}}]",
		"[{\"Node\":{\"Node\":\"a\"}},7]",
		"[7,{\"Node\":5}]",
		"[{\"Node\":{\"Node\":\"a\"},\"Service\":[]}]",
		"[]",
		"{}",
		"{\"error\":\"No servers are configured\"}",
		"{\"error\":\"No servers are configured\",\"error\":\"x\"}",
		"{\"error\":7}",
		"[{\"id\":\"a\",\"url\":\"u\",\"secret\":\"s\\u00e9\","
		    "\"state\":\"cordoned\",\"online\":\"true\",\"load\":"
		    "\"unavailable\",\"load_multiplier\":2}]",
		"[{\"id\":\"a\",\"url\":\"u\",\"secret\":\"\",\"load\":"
		    "\"1.5\",\"load_multiplier\":\"\"}]",
		"[{\"id\":\"a\",\"url\":\"u\",\"load\":\"x\"}]",
		"[{\"id\":\"a\",\"url\":\"u\",\"load\":1e308,"
		    "\"load_multiplier\":-0.0}]",
		"[{\"id\":\"a\",\"url\":\"u\",\"secret\":5}]",
		"[{\"id\":\"a\",\"url\":\"u\",\"state\":\"gone\"}]",
		"[{\"id\":\"a\",\"url\":\"u\",\"online\":true}]",
		"[{\"id\":\"a\",\"url\":\"u\",\"tag\":\"\",\"bbb_version\":"
		    "\"2.7\",\"state\":\"disabled\",\"secret\":\"s\"}]",
		"[{\"id\":\"a\"}]",
		" <response><returncode>FAILED</returncode></response>",
	};
	struct buf	 b = { 0 };
	size_t		 i;

	(void)state;
	for (i = 0; i < nitems(bodies); i++)
		check_all(bodies[i], strlen(bodies[i]));

	/* Many networks (the decoder's map), duplicates among them. */
	buf_adds(&b, "{\"servers\":[{\"id\":\"a\",\"status\":\"ACTIVE\","
	    "\"addresses\":{");
	for (i = 0; i < 40; i++)
		buf_printf(&b, "%s\"n%zu\":[{\"addr\":\"10.0.0.%zu\"}]",
		    i == 0 ? "" : ",", i % 30, i);
	buf_adds(&b, ",\"n\\u0031\":[{\"addr\":\"x\"}]}}]}");
	check_all(b.data, b.len);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_fixtures),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
