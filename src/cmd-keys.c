/*
 * cmd-keys.c: the read-only key commands (keys rotate is an action,
 * action/keys.c):
 *
 *	bbbctl keys list [--json]	per host, the fingerprint, type,
 *					options and comment of each key in
 *					its authorized_keys (never a key)
 *	bbbctl keys check		does every host accept [ssh]
 *					identity?  exit 0 only then
 *
 * The hosts are the inventory of keys rotate (keyinv.h), [ssh]
 * max_parallel at once.
 */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "authkeys.h"
#include "cli.h"
#include "cmd.h"
#include "config.h"
#include "keyinv.h"
#include "keyrot.h"
#include "ssh.h"
#include "util.h"

struct ck_host {
	const struct keyinv_host *h;
	const char	*address;
	char		*text;		/* the file */
	size_t		 len;
	char		*error;
};

struct ck {
	const struct config *cfg;
	struct ck_host	*v;
	size_t		 n;
	size_t		 next;
	pthread_mutex_t	 mu;
};

static void *
ck_worker(void *arg)
{
	struct ck	*c = arg;
	struct ck_host	*h;

	for (;;) {
		pthread_mutex_lock(&c->mu);
		h = c->next < c->n ? &c->v[c->next++] : NULL;
		pthread_mutex_unlock(&c->mu);
		if (h == NULL)
			return (NULL);
		if (keyrot_read(c->cfg, h->address, &h->text, &h->len,
		    &h->error) != 0)
			h->text = NULL;
	}
}

static int
ck_gather(struct cli *cli, struct ck *c, struct keyinv *inv)
{
	pthread_t	 t[64];
	char		*cause = NULL;
	long		 par;
	size_t		 i, n;

	if (keyinv_fetch(cli->cfg, inv, &cause) != 0) {
		fprintf(stderr, "bbbctl: keys: %s\n", cause);
		free(cause);
		return (-1);
	}
	memset(c, 0, sizeof *c);
	c->cfg = cli->cfg;
	c->n = inv->n;
	c->v = xcalloc(inv->n + 1, sizeof *c->v);
	pthread_mutex_init(&c->mu, NULL);
	for (i = 0; i < inv->n; i++) {
		c->v[i].h = &inv->v[i];
		c->v[i].address = inv->v[i].address != NULL ?
		    inv->v[i].address : inv->v[i].name;
	}
	par = cli->cfg->ssh.max_parallel > 0 ? cli->cfg->ssh.max_parallel : 4;
	if (par > 64)
		par = 64;
	n = (size_t)par < c->n ? (size_t)par : c->n;
	for (i = 0; i < n; i++) {
		if (pthread_create(&t[i], NULL, ck_worker, c) != 0)
			break;
	}
	if (i == 0)
		ck_worker(c);
	n = i;
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	pthread_mutex_destroy(&c->mu);
	return (0);
}

static void
ck_free(struct ck *c)
{
	size_t	 i;

	for (i = 0; i < c->n; i++) {
		free(c->v[i].text);
		free(c->v[i].error);
	}
	free(c->v);
}

/* n bytes of a line, control characters as '?'; allocated. */
static char *
ck_clean(const char *s, size_t n)
{
	char	*o = xstrndup(s, n), *p;

	for (p = o; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	}
	return (o);
}

/* The keys of one file, as JSON objects; no key itself. */
static json_t *
ck_keys_json(const char *text, size_t len)
{
	struct authkeys_line	 l;
	json_t			*a = json_array(), *o;
	const char		*nl, *s;
	char			*cause, *fp, *str;
	size_t			 pos = 0, n, lineno = 0;

	while (pos < len) {
		s = text + pos;
		nl = memchr(s, '\n', len - pos);
		n = nl != NULL ? (size_t)(nl - s) : len - pos;
		pos += nl != NULL ? n + 1 : n;
		lineno++;
		cause = NULL;
		if (authkeys_parse_line(s, n, &l, &cause) != 0) {
			json_array_append_new(a, json_pack("{s:i, s:s}",
			    "line", (json_int_t)lineno, "error", cause));
			free(cause);
			authkeys_line_clear(&l);
			continue;
		}
		if (l.kind != AUTHKEYS_KEY) {
			authkeys_line_clear(&l);
			continue;
		}
		fp = ssh_fingerprint(l.blob, l.bloblen);
		o = json_pack("{s:i, s:s, s:s%}", "line", (json_int_t)lineno,
		    "fingerprint", fp, "type", s + l.type_off,
		    (size_t)l.type_len);
		str = ck_clean(s + l.comment_off, l.comment_len);
		json_object_set_new(o, "comment", json_string(str));
		free(str);
		str = ck_clean(s + l.opts_off, l.opts_len);
		json_object_set_new(o, "options", json_string(str));
		free(str);
		json_array_append_new(a, o);
		free(fp);
		authkeys_line_clear(&l);
	}
	return (a);
}

static void
keys_usage(FILE *f, const char *which)
{
	if (strcmp(which, "list") == 0)
		fprintf(f, "usage: bbbctl keys list [--json]\n");
	else
		fprintf(f, "usage: bbbctl keys check\n");
}

static int
keys_parse(const char *which, int argc, char **argv, bool *json)
{
	static const struct option opts[] = {
		{ "json",	no_argument,		NULL, 'j' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	int	 ch;

	*json = false;
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			if (strcmp(which, "list") == 0) {
				*json = true;
				break;
			}
			/* FALLTHROUGH */
		default:
			fprintf(stderr, "bbbctl: keys %s: bad option %s\n",
			    which, argv[optind - 1]);
			keys_usage(stderr, which);
			return (CLI_EXIT_USAGE);
		case 'h':
			keys_usage(stdout, which);
			return (CLI_EXIT_OK);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "bbbctl: keys %s: unexpected argument %s\n",
		    which, argv[optind]);
		keys_usage(stderr, which);
		return (CLI_EXIT_USAGE);
	}
	return (-1);
}

int
cmd_keys_list(struct cli *cli, int argc, char **argv)
{
	struct keyinv	 inv = { NULL, 0 };
	struct ck	 c;
	json_t		*all, *o, *keys, *k;
	const char	*s;
	size_t		 i, j;
	bool		 json;
	int		 rc;

	if ((rc = keys_parse("list", argc, argv, &json)) != -1)
		return (rc);
	if (ck_gather(cli, &c, &inv) != 0) {
		keyinv_free(&inv);
		return (CLI_EXIT_ERROR);
	}
	rc = CLI_EXIT_OK;
	all = json_array();
	for (i = 0; i < c.n; i++) {
		o = json_pack("{s:s, s:s}", "host", c.v[i].h->name,
		    "address", c.v[i].address);
		if (c.v[i].text == NULL) {
			json_object_set_new(o, "error",
			    json_string(c.v[i].error));
			rc = CLI_EXIT_ERROR;
		} else
			json_object_set_new(o, "keys",
			    ck_keys_json(c.v[i].text, c.v[i].len));
		json_array_append_new(all, o);
	}
	if (json) {
		json_dumpf(all, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
	} else {
		for (i = 0; i < json_array_size(all); i++) {
			o = json_array_get(all, i);
			printf("%s (%s)\n", json_string_value(json_object_get(
			    o, "host")), json_string_value(json_object_get(o,
			    "address")));
			if ((s = json_string_value(json_object_get(o,
			    "error"))) != NULL) {
				printf("  cannot read: %s\n", s);
				continue;
			}
			keys = json_object_get(o, "keys");
			json_array_foreach(keys, j, k) {
				if ((s = json_string_value(json_object_get(k,
				    "error"))) != NULL) {
					printf("  line %lld: skipped (%s)\n",
					    (long long)json_integer_value(
					    json_object_get(k, "line")), s);
					continue;
				}
				printf("  %s %s %s%s%s\n",
				    json_string_value(json_object_get(k,
				    "fingerprint")),
				    json_string_value(json_object_get(k,
				    "type")),
				    json_string_value(json_object_get(k,
				    "comment")),
				    *json_string_value(json_object_get(k,
				    "options")) != '\0' ? " options: " : "",
				    json_string_value(json_object_get(k,
				    "options")));
			}
		}
	}
	json_decref(all);
	ck_free(&c);
	keyinv_free(&inv);
	return (rc);
}

int
cmd_keys_check(struct cli *cli, int argc, char **argv)
{
	struct keyinv_check	*v;
	char			*cause = NULL;
	size_t			 i, n, bad = 0;
	bool			 json;
	int			 rc;

	if ((rc = keys_parse("check", argc, argv, &json)) != -1)
		return (rc);
	if (keyinv_check(cli->cfg, &v, &n, &cause) != 0) {
		fprintf(stderr, "bbbctl: keys: %s\n", cause);
		free(cause);
		return (CLI_EXIT_ERROR);
	}
	for (i = 0; i < n; i++) {
		printf("%-24s %-16s %s%s%s\n", v[i].name, v[i].address,
		    v[i].accepts == 1 ? "accepts our key" :
		    v[i].accepts == 0 ? "REFUSES our key" : "unreachable",
		    v[i].accepts == -1 ? ": " : "",
		    v[i].accepts == -1 ? v[i].why : "");
		if (v[i].accepts != 1)
			bad++;
	}
	printf("%zu of %zu hosts accept %s\n", n - bad, n,
	    cli->cfg->ssh.identity != NULL ? cli->cfg->ssh.identity :
	    "~/.ssh/id_ed25519");
	keyinv_check_free(v, n);
	return (bad == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR);
}
