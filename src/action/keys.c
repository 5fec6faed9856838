/*
 * keys.c: keys rotate: every VM's authorized_keys gets a new key and
 * loses the old ones, host by host, with no lockout (keyrot.h says how
 * one host is done).
 *
 *	1. the inventory (keyinv.h), narrowed by --hosts; every host is
 *	   tried with the current identity first: an unreachable one makes
 *	   the job refuse before any change, unless --skip-unreachable;
 *	2. the new key: --new-key FILE, or a new ed25519 pair made by
 *	   ssh-keygen beside [ssh] identity (mode 0600);
 *	3. the hosts, [ssh] max_parallel at once (keyrot_host());
 *	4. when every host is rotated: the new public key uploaded as an
 *	   OpenStack key pair, and [scale] key_name and [ssh] identity set
 *	   to it in the configuration file (atomic rewrite); otherwise the
 *	   hosts that still need the old key are named (with --hosts, the
 *	   other hosts still need it: nothing is switched either);
 *	5. the report: per host rotated, restored (cause), unreachable or
 *	   skipped; the job fails unless every targeted host is rotated.
 */
#include <sys/stat.h>

#include <errno.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "action/action.h"
#include "api/openstack.h"
#include "confedit.h"
#include "config.h"
#include "keyinv.h"
#include "keyrot.h"
#include "log.h"
#include "proc.h"
#include "util.h"

#define KR_KEYGEN_DEADLINE_MS	30000

struct kr_args {
	char		*new_key;
	char		**remove;
	size_t		 nremove;
	char		*hosts;
	bool		 skip_unreachable;
};

struct kr_host {
	const char		*name;
	const char		*address;
	bool			 reachable;
	char			*why;		/* unreachable: why */
	struct keyrot_result	 res;
};

struct kr {
	struct job		*job;
	const struct config	*cfg;
	struct keyrot_spec	 spec;
	struct kr_host		*hosts;
	size_t			 nhosts;

	pthread_mutex_t		 mu;
	size_t			 next;		/* the pool's next host */
	size_t			 done;
	bool			 checking;	/* the reachability pass */
	int64_t			 deadline;	/* mono ms (--timeout), or 0 */
};

static const char *
kr_identity(const struct config *cfg, char **alloc)
{
	const char	*home;

	*alloc = NULL;
	if (cfg->ssh.identity != NULL)
		return (cfg->ssh.identity);
	if ((home = getenv("HOME")) == NULL)
		home = "/";
	*alloc = xasprintf("%s/.ssh/id_ed25519", home);
	return (*alloc);
}

/* --- arguments ----------------------------------------------------------- */

static const struct action_opt kr_opts[] = {
	{ "new-key", "FILE", "this private key (FILE.pub beside it) instead "
	  "of a new ed25519 pair" },
	{ "remove", "KEY-FILE|FINGERPRINT", "remove this key (a key file or "
	  "SHA256:...; repeatable; default: the current identity's)" },
	{ "hosts", "NAME,...", "only these hosts of the inventory" },
	{ "skip-unreachable", NULL, "go on without the hosts that cannot be "
	  "reached now" },
	{ NULL, NULL, NULL }
};

static int
kr_args_parse(void *priv, const char *opt, const char *arg, char **cause)
{
	struct kr_args	*ka = priv;

	if (strcmp(opt, "new-key") == 0) {
		free(ka->new_key);
		ka->new_key = xstrdup(arg);
	} else if (strcmp(opt, "remove") == 0) {
		if (strncmp(arg, "SHA256:", 7) != 0 && access(arg, R_OK) != 0) {
			*cause = xasprintf("--remove %s: not a fingerprint "
			    "(SHA256:...) nor a readable key file", arg);
			return (-1);
		}
		ka->remove = xreallocarray(ka->remove, ka->nremove + 1,
		    sizeof *ka->remove);
		ka->remove[ka->nremove++] = xstrdup(arg);
	} else if (strcmp(opt, "hosts") == 0) {
		free(ka->hosts);
		ka->hosts = xstrdup(arg);
	} else if (strcmp(opt, "skip-unreachable") == 0)
		ka->skip_unreachable = true;
	else {
		*cause = xasprintf("--%s: unknown option", opt);
		return (-1);
	}
	return (0);
}

static void
kr_args_free(void *priv)
{
	struct kr_args	*ka = priv;
	size_t		 i;

	free(ka->new_key);
	for (i = 0; i < ka->nremove; i++)
		free(ka->remove[i]);
	free(ka->remove);
	free(ka->hosts);
}

static const struct kr_args *
kr_args_of(const struct job_args *a)
{
	static const struct kr_args	 none;

	return (a->priv != NULL ? a->priv : &none);
}

/* The keys to remove: --remove, else the current identity's. */
static int
kr_load_remove(const struct config *cfg, const struct kr_args *ka,
    struct keyrot_key **out, size_t *n, char **cause)
{
	struct keyrot_key	*v;
	const char		*ident;
	char			*alloc;
	size_t			 i, count;

	count = ka->nremove != 0 ? ka->nremove : 1;
	v = xcalloc(count, sizeof *v);
	for (i = 0; i < count; i++) {
		if (ka->nremove == 0) {
			ident = kr_identity(cfg, &alloc);
			if (keyrot_key_load(ident, &v[i], cause) != 0) {
				free(alloc);
				goto fail;
			}
			free(alloc);
		} else if (strncmp(ka->remove[i], "SHA256:", 7) == 0)
			keyrot_key_fp(ka->remove[i], &v[i]);
		else if (keyrot_key_load(ka->remove[i], &v[i], cause) != 0)
			goto fail;
	}
	*out = v;
	*n = count;
	return (0);
fail:
	while (i-- > 0)
		keyrot_key_clear(&v[i]);
	free(v);
	return (-1);
}

/* --- plan ---------------------------------------------------------------- */

/*
 * The survey (before the plan, off the loop thread): the inventory,
 * narrowed by --hosts, and a quick connect to each host with the current
 * key, [ssh] max_parallel at once, each within a few seconds.
 */
#define KR_SURVEY_CONNECT_MS	3000	/* name and TCP connect */
#define KR_SURVEY_CALL_MS	5000	/* each ssh call after it */

struct kr_survey {
	struct keyinv_check	*v;
	size_t			 n;
};

static int
kr_survey(const struct config *cfg, const struct job_args *a,
    const atomic_bool *cancel, void **out, char **cause)
{
	const struct kr_args		*ka = kr_args_of(a);
	struct keyinv_check_opts	 o;
	struct kr_survey		*sv;

	if (cfg->openstack.auth_url == NULL && cfg->rancher.url == NULL) {
		*cause = xstrdup("no inventory: neither [openstack] nor "
		    "[rancher] is configured");
		return (-1);
	}
	memset(&o, 0, sizeof o);
	o.hosts = ka->hosts;
	o.connect_ms = KR_SURVEY_CONNECT_MS;
	o.call_ms = KR_SURVEY_CALL_MS;
	o.cancel = cancel;
	sv = xcalloc(1, sizeof *sv);
	if (keyinv_check_with(cfg, &o, &sv->v, &sv->n, cause) != 0) {
		free(sv);
		return (-1);
	}
	*out = sv;
	return (0);
}

static void
kr_survey_free(void *arg)
{
	struct kr_survey	*sv = arg;

	if (sv == NULL)
		return;
	keyinv_check_free(sv->v, sv->n);
	free(sv);
}

/* A cause without its "ssh [host]:port: " head, cut to one short line. */
static void
kr_plan_why(struct buf *b, const char *why)
{
	const char	*p;
	size_t		 n;

	if (why == NULL)
		return;
	if (strncmp(why, "ssh ", 4) == 0 && (p = strstr(why, ": ")) != NULL)
		why = p + 2;
	n = strcspn(why, "\n");
	if (n > 120)
		n = 120;
	buf_printf(b, ": %.*s%s", (int)n, why, why[n] != '\0' ? "..." : "");
}

/* The plan's hosts from the survey; the refusal when one is unreachable. */
static void
kr_plan_survey(const struct kr_survey *sv, const struct kr_args *ka,
    struct job_plan *p)
{
	const struct keyinv_check	*c;
	struct buf			 b = { 0 }, bad = { 0 };
	size_t				 i, nbad = 0;

	for (i = 0; i < sv->n; i++)
		nbad += sv->v[i].reach != KEYINV_REACH_OK;
	job_plan_add(p, "the %zu hosts known now: each tried just now with "
	    "the current key (host key checked, %d s to connect): %zu "
	    "reachable, %zu not", sv->n, KR_SURVEY_CONNECT_MS / 1000,
	    sv->n - nbad, nbad);
	/* Those not reachable first: a long list is cut at the bottom. */
	for (i = 0; i < 2 * sv->n; i++) {
		c = &sv->v[i % sv->n];
		if ((c->reach == KEYINV_REACH_OK) != (i >= sv->n))
			continue;
		buf_printf(&b, "%s (%s): %s", c->name, c->address,
		    keyinv_reach_name(c->reach));
		if (c->reach != KEYINV_REACH_OK &&
		    c->reach != KEYINV_REACH_REFUSED)
			kr_plan_why(&b, c->why);
		if (c->reach != KEYINV_REACH_OK)
			buf_adds(&b, ka->skip_unreachable ? " (skipped)" :
			    "");
		job_plan_add(p, "%s", b.data);
		buf_free(&b);
		if (c->reach != KEYINV_REACH_OK)
			buf_printf(&bad, "%s%s (%s)", bad.len != 0 ? ", " : "",
			    c->name, keyinv_reach_name(c->reach));
	}
	if (sv->n == 0)
		p->refusal = xstrdup("no hosts in the inventory");
	else if (nbad != 0 && !ka->skip_unreachable)
		p->refusal = xasprintf("%zu of %zu hosts unreachable now: %s; "
		    "--skip-unreachable goes on without them", nbad, sv->n,
		    bad.data);
	else if (nbad == sv->n)
		p->refusal = xasprintf("none of the %zu hosts is reachable "
		    "now: %s", sv->n, bad.data);
	buf_free(&bad);
}

/* Is name in the --hosts list (NULL: every host)? */
static bool
kr_plan_wanted(const char *hosts, const char *name)
{
	size_t	 n = strlen(name);
	const char *p;

	if (hosts == NULL)
		return (true);
	for (p = hosts; (p = strstr(p, name)) != NULL; p += n) {
		if ((p == hosts || p[-1] == ',') && (p[n] == ',' ||
		    p[n] == '\0'))
			return (true);
	}
	return (false);
}

/* The dashboard's plan: the hosts the model knows now, with addresses. */
static void
kr_plan_hosts(const struct fleet *f, const struct kr_args *ka,
    struct job_plan *p)
{
	const struct fleet_vm	*vm;
	const struct fleet_host	*h;
	struct buf		 b = { 0 };
	size_t			 i, j, n = 0;
	bool			 seen;

	for (i = 0; i < f->nvms; i++) {
		vm = f->vms[i];
		if (vm->name == NULL || !kr_plan_wanted(ka->hosts, vm->name))
			continue;
		buf_printf(&b, "%s%s (%s)", n++ != 0 ? ", " : "", vm->name,
		    vm->addresses != NULL ? vm->addresses : "no address");
	}
	for (i = 0; i < f->nhosts; i++) {
		h = f->hosts[i];
		if (h->hostname == NULL ||
		    !kr_plan_wanted(ka->hosts, h->hostname))
			continue;
		seen = false;
		for (j = 0; j < f->nvms && !seen; j++)
			seen = f->vms[j]->node_key != NULL &&
			    h->node_key != NULL &&
			    strcmp(f->vms[j]->node_key, h->node_key) == 0;
		if (!seen)
			buf_printf(&b, "%s%s (Rancher host)", n++ != 0 ?
			    ", " : "", h->hostname);
	}
	if (n != 0)
		job_plan_add(p, "the %zu hosts known now: %s", n, b.data);
	buf_free(&b);
}

static int
kr_plan(const struct job_ctx *ctx, const struct job_args *a,
    struct job_plan *p, char **cause)
{
	const struct config	*cfg = ctx->cfg;
	const struct kr_args	*ka = kr_args_of(a);
	struct keyrot_key	 k, *rm = NULL;
	const char		*ident;
	char			*alloc, *path;
	size_t			 nrm = 0, i;
	long			 par;

	ident = kr_identity(cfg, &alloc);
	if (cfg->openstack.auth_url == NULL && cfg->rancher.url == NULL) {
		*cause = xstrdup("no inventory: neither [openstack] nor "
		    "[rancher] is configured");
		free(alloc);
		return (-1);
	}
	/* Local key files only: the plan names their fingerprints. */
	if (kr_load_remove(cfg, ka, &rm, &nrm, cause) != 0) {
		free(alloc);
		return (-1);
	}
	path = xstrdup(cfg->ssh.authorized_keys != NULL ?
	    cfg->ssh.authorized_keys : ".ssh/authorized_keys");
	job_plan_add(p, "inventory: every VM of Nova (GET /servers/detail) "
	    "and every Rancher host, joined by name%s%s", ka->hosts != NULL ?
	    "; only " : "", ka->hosts != NULL ? ka->hosts : "");
	if (ctx->survey != NULL)
		kr_plan_survey(ctx->survey, ka, p);
	else if (ctx->fleet != NULL)
		kr_plan_hosts(ctx->fleet, ka, p);
	job_plan_add(p, "connect to each with the current key %s (host key "
	    "checked against known_hosts); %s", ident, ka->skip_unreachable ?
	    "unreachable hosts are skipped" : "an unreachable host stops the "
	    "job before any change");
	if (ka->new_key != NULL) {
		if (keyrot_key_load(ka->new_key, &k, cause) != 0) {
			free(alloc);
			free(path);
			goto fail;
		}
		if (k.priv == NULL) {
			*cause = xasprintf("--new-key %s: give the private "
			    "key (its .pub beside it)", ka->new_key);
			keyrot_key_clear(&k);
			free(alloc);
			free(path);
			goto fail;
		}
		job_plan_add(p, "new key: %s %s", k.fp, ka->new_key);
		keyrot_key_clear(&k);
	} else
		job_plan_add(p, "new key: an ed25519 pair made by ssh-keygen "
		    "beside %s (mode 0600); its fingerprint is shown as it "
		    "is made", ident);
	for (i = 0; i < nrm; i++)
		job_plan_add(p, "remove key: %s%s%s", rm[i].fp,
		    rm[i].priv != NULL ? " " : "", rm[i].priv != NULL ?
		    rm[i].priv : "");
	par = cfg->ssh.max_parallel > 0 ? cfg->ssh.max_parallel : 4;
	job_plan_add(p, "on each host, %ld at once, as user %s, file %s: "
	    "add the new key (temp file, same mode and owner, renamed over; "
	    "backup .bbbctl-backup), log in with the new key alone, remove "
	    "the old keys the same way, check new in and old out; on a "
	    "failure, a cancel or --timeout put the original back and check "
	    "the current key logs in (retried over a fresh session; should "
	    "it still fail once the new key was proven, the rotation is "
	    "finished instead)", par, cfg->ssh.user != NULL ? cfg->ssh.user :
	    "root", path);
	free(path);
	if (ka->hosts != NULL)
		job_plan_add(p, "--hosts: the other hosts keep the old key, so "
		    "[ssh] identity stays and no key pair is uploaded");
	else if (cfg->openstack.auth_url != NULL)
		job_plan_add(p, "when every host is rotated: POST "
		    "/os-keypairs with the new public key, named as its file");
	if (cfg->path != NULL && ka->hosts == NULL)
		job_plan_add(p, "then in %s: [ssh] identity = the new key%s "
		    "(atomic rewrite, mode 0600)", cfg->path,
		    cfg->openstack.auth_url != NULL ? ", [scale] key_name = "
		    "the key pair" : "");
	p->confirm = xstrdup("rotate");
	free(alloc);
	for (i = 0; i < nrm; i++)
		keyrot_key_clear(&rm[i]);
	free(rm);
	return (0);
fail:
	for (i = 0; i < nrm; i++)
		keyrot_key_clear(&rm[i]);
	free(rm);
	return (-1);
}

/* --- run ----------------------------------------------------------------- */

static bool
kr_cancelled_cb(void *arg)
{
	struct kr	*k = arg;

	if (k->deadline != 0 && util_mono_ms() >= k->deadline)
		return (true);
	return (job_cancelled(k->job));
}

static int
kr_may_change_cb(void *arg, char **cause)
{
	struct kr	*k = arg;
	int		 rc;

	pthread_mutex_lock(&k->mu);
	rc = job_lock_check(k->job, cause);
	pthread_mutex_unlock(&k->mu);
	return (rc);
}

static void
kr_step_cb(void *arg, const char *host, const char *what)
{
	struct kr	*k = arg;
	size_t		 i;
	const char	*name = host;

	for (i = 0; i < k->nhosts; i++) {
		if (strcmp(k->hosts[i].address, host) == 0)
			name = k->hosts[i].name;
	}
	pthread_mutex_lock(&k->mu);
	job_step_progress(k->job, (int)(k->done * 100 / (k->nhosts + 1)),
	    "%s: %s (%zu/%zu hosts done)", name, what, k->done, k->nhosts);
	pthread_mutex_unlock(&k->mu);
}

/* One host of the pool: the reachability check or the rotation. */
static void
kr_one(struct kr *k, struct kr_host *h)
{
	char	*why = NULL;
	int	 rc;

	if (k->checking) {
		rc = keyrot_accepts(k->cfg, h->address, k->spec.cur->priv,
		    &why);
		h->reachable = rc == 1;
		if (rc == 0)
			h->why = xstrdup("the current key is refused");
		else if (rc == -1)
			h->why = why;
		return;
	}
	keyrot_host(&k->spec, h->address, &h->res);
}

static void *
kr_worker(void *arg)
{
	struct kr	*k = arg;
	struct kr_host	*h;
	size_t		 i;

	for (;;) {
		pthread_mutex_lock(&k->mu);
		for (h = NULL; k->next < k->nhosts && h == NULL; k->next++) {
			i = k->next;
			if (k->checking || k->hosts[i].reachable)
				h = &k->hosts[i];
		}
		pthread_mutex_unlock(&k->mu);
		if (h == NULL)
			break;
		kr_one(k, h);
		pthread_mutex_lock(&k->mu);
		k->done++;
		if (!k->checking)
			job_step_progress(k->job, (int)(k->done * 100 /
			    (k->nhosts + 1)), "%s: %s%s%s (%zu/%zu hosts done)",
			    h->name, keyrot_outcome_name(h->res.outcome),
			    h->res.cause != NULL ? ": " : "",
			    h->res.cause != NULL ? h->res.cause : "", k->done,
			    k->nhosts);
		pthread_mutex_unlock(&k->mu);
	}
	return (NULL);
}

static void
kr_pool(struct kr *k, bool checking)
{
	pthread_t	*t;
	long		 par;
	size_t		 i, n;

	k->checking = checking;
	k->next = 0;
	k->done = 0;
	par = k->cfg->ssh.max_parallel > 0 ? k->cfg->ssh.max_parallel : 4;
	n = (size_t)par < k->nhosts ? (size_t)par : k->nhosts;
	t = xcalloc(n + 1, sizeof *t);
	for (i = 0; i < n; i++) {
		if (pthread_create(&t[i], NULL, kr_worker, k) != 0)
			break;
	}
	if (i == 0)
		kr_worker(k);	/* no thread: this one does it all */
	n = i;
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	free(t);
}

/* A new ed25519 pair beside the identity; 0 with *path, or -1. */
static int
kr_keygen(struct kr *k, const char *ident, char **path, char **comment,
    char **cause)
{
	struct proc_opts	 o;
	struct proc_result	 res;
	struct tm		 tm;
	time_t			 now = time(NULL);
	char			 stamp[32], *copy, *dir, *pub;
	const char		*argv[12];
	int			 rc = -1;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	copy = xstrdup(ident);
	dir = xstrdup(dirname(copy));
	free(copy);
	*comment = xasprintf("bbbctl-%s", stamp);
	*path = xasprintf("%s/%s", dir, *comment);
	free(dir);
	pub = xasprintf("%s.pub", *path);
	if (access(*path, F_OK) == 0 || access(pub, F_OK) == 0) {
		*cause = xasprintf("%s exists already", *path);
		goto out;
	}
	argv[0] = "ssh-keygen";
	argv[1] = "-q";
	argv[2] = "-t";
	argv[3] = "ed25519";
	argv[4] = "-N";
	argv[5] = "";
	argv[6] = "-C";
	argv[7] = *comment;
	argv[8] = "-f";
	argv[9] = *path;
	argv[10] = NULL;
	memset(&o, 0, sizeof o);
	o.argv = argv;
	o.deadline_ms = KR_KEYGEN_DEADLINE_MS;
	if (proc_run(&o, &res, cause) != 0)
		goto out;
	if (!proc_ok(&res)) {
		*cause = xasprintf("ssh-keygen %s: %.200s", res.why,
		    res.err != NULL ? res.err : "");
		proc_result_clear(&res);
		goto out;
	}
	proc_result_clear(&res);
	if (chmod(*path, 0600) != 0) {
		*cause = xasprintf("%s: %s", *path, strerror(errno));
		goto out;
	}
	(void)k;
	rc = 0;
out:
	free(pub);
	if (rc != 0) {
		free(*path);
		free(*comment);
		*path = *comment = NULL;
	}
	return (rc);
}

/* Nova's key pair name: the file's name, in its alphabet. */
static char *
kr_keypair_name(const char *file)
{
	char	*copy, *name, *p;

	copy = xstrdup(file);
	name = xstrdup(basename(copy));
	free(copy);
	for (p = name; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			*p = '-';
	}
	return (name);
}

/* The length of "type base64" in a public key line. */
static size_t
kr_key_body_len(const char *pub)
{
	size_t	 n = strcspn(pub, " ");

	if (pub[n] == ' ')
		n += 1 + strcspn(pub + n + 1, " ");
	return (n);
}

static int
kr_keypair(const struct config *cfg, const char *name,
    const struct keyrot_key *key, char **cause)
{
	struct api_conn		 c = api_openstack_conn(cfg);
	struct api_os_token	 tok;
	json_t			*body, *out = NULL, *got = NULL;
	const char		*pk;
	char			*path, *why = NULL;
	int			 rc = -1;

	memset(&tok, 0, sizeof tok);
	if (api_keystone_login(&c, &tok, cause) != 0)
		return (-1);
	body = json_pack("{s:{s:s, s:s, s:s}}", "keypair", "name", name,
	    "type", "ssh", "public_key", key->pub);
	if (api_nova_call(&c, &tok, "POST", "/os-keypairs", body, &out,
	    &why) == 0)
		rc = 0;
	else {
		/* Already there (a rerun): fine when it is this key. */
		path = xasprintf("/os-keypairs/%s", name);
		if (api_nova_call(&c, &tok, "GET", path, NULL, &got,
		    cause) == 0 && (pk = json_string_value(json_object_get(
		    json_object_get(got, "keypair"), "public_key"))) != NULL &&
		    strncmp(pk, key->pub, kr_key_body_len(key->pub)) == 0)
			rc = 0;
		else {
			free(*cause);
			*cause = why;
			why = NULL;
		}
		free(path);
	}
	free(why);
	json_decref(body);
	json_decref(out);
	json_decref(got);
	api_os_token_clear(&tok);
	return (rc);
}

static int
kr_rewrite_config(const struct config *cfg, const char *identity,
    const char *key_name, char **cause)
{
	char	*text, *t2, *t3;
	size_t	 len, l2, l3;
	int	 rc;

	if ((text = util_read_file(cfg->path, 1024 * 1024, &len, cause)) == NULL)
		return (-1);
	t2 = confedit_set(text, len, "ssh", "identity", identity, &l2);
	free(text);
	if (key_name != NULL) {
		t3 = confedit_set(t2, l2, "scale", "key_name", key_name, &l3);
		free(t2);
		t2 = t3;
		l2 = l3;
	}
	rc = util_write_atomic(cfg->path, t2, l2, 0600, cause);
	free(t2);
	return (rc);
}

/* The report's lists: "rotated: a, b; restored: c (why) ...". */
static char *
kr_report(struct kr *k, size_t *rotated)
{
	struct buf		 b = { 0 };
	enum keyrot_outcome	 o;
	struct kr_host		*h;
	size_t			 i;
	bool			 first;

	*rotated = 0;
	for (o = KEYROT_ROTATED; o <= KEYROT_FAILED; o++) {
		first = true;
		for (i = 0; i < k->nhosts; i++) {
			h = &k->hosts[i];
			if (!h->reachable) {
				if (o != KEYROT_UNREACHABLE)
					continue;
			} else if (h->res.outcome != o)
				continue;
			if (o == KEYROT_ROTATED || o == KEYROT_FORWARD)
				(*rotated)++;
			buf_printf(&b, "%s%s%s", first ? (b.len != 0 ? "; " :
			    "") : ", ", first ? keyrot_outcome_name(o) : "",
			    first ? ": " : "");
			buf_adds(&b, h->name);
			if (!h->reachable && h->why != NULL)
				buf_printf(&b, " (%s)", h->why);
			else if (h->reachable && h->res.cause != NULL)
				buf_printf(&b, " (%s)", h->res.cause);
			first = false;
		}
	}
	if (b.data == NULL)
		buf_adds(&b, "no hosts");
	return (buf_steal(&b));
}

/* Only the new key logs in (rotated, or finished after a failed restore). */
static bool
kr_is_rotated(const struct kr_host *h)
{
	return (h->reachable && (h->res.outcome == KEYROT_ROTATED ||
	    h->res.outcome == KEYROT_FORWARD));
}

/* The hosts rotated after a failed restore, "a, b", or NULL. */
static char *
kr_forward(struct kr *k)
{
	struct buf	 b = { 0 };
	size_t		 i;

	for (i = 0; i < k->nhosts; i++) {
		if (k->hosts[i].reachable &&
		    k->hosts[i].res.outcome == KEYROT_FORWARD)
			buf_printf(&b, "%s%s", b.len != 0 ? ", " : "",
			    k->hosts[i].name);
	}
	return (b.data != NULL ? buf_steal(&b) : NULL);
}

/* The hosts not rotated, "a, b". */
static char *
kr_need_old(struct kr *k)
{
	struct buf	 b = { 0 };
	size_t		 i;

	for (i = 0; i < k->nhosts; i++) {
		if (kr_is_rotated(&k->hosts[i]))
			continue;
		buf_printf(&b, "%s%s", b.len != 0 ? ", " : "",
		    k->hosts[i].name);
	}
	if (b.data == NULL)
		buf_adds(&b, "none");
	return (buf_steal(&b));
}

static int
kr_run(struct job *j, char **cause)
{
	const struct config	*cfg = job_config(j);
	const struct kr_args	*ka = kr_args_of(job_args(j));
	struct kr		 k;
	struct keyinv		 inv = { NULL, 0 };
	struct keyrot_key	 cur, new, *rm = NULL;
	const char		*ident;
	char			*alloc = NULL, *newpath = NULL, *comment = NULL;
	char			*report = NULL, *name = NULL, *why = NULL;
	char			*need, *fwd;
	size_t			 nrm = 0, i, nunreach = 0, rotated;
	int			 rc = -1;

	memset(&k, 0, sizeof k);
	memset(&cur, 0, sizeof cur);
	memset(&new, 0, sizeof new);
	pthread_mutex_init(&k.mu, NULL);
	k.job = j;
	k.cfg = cfg;
	if (job_args(j)->timeout_ms > 0)
		k.deadline = util_mono_ms() + job_args(j)->timeout_ms;

	ident = kr_identity(cfg, &alloc);
	if (keyrot_key_load(ident, &cur, cause) != 0)
		goto out;
	if (kr_load_remove(cfg, ka, &rm, &nrm, cause) != 0)
		goto out;

	job_step(j, "inventory: Nova servers and Rancher hosts");
	if (keyinv_fetch(cfg, &inv, cause) != 0)
		goto out;
	if (ka->hosts != NULL && keyinv_select(&inv, ka->hosts,
	    cfg->cluster.domain, cause) != 0)
		goto out;
	if (inv.n == 0) {
		*cause = xstrdup("no hosts in the inventory");
		goto out;
	}
	k.hosts = xcalloc(inv.n, sizeof *k.hosts);
	for (i = 0; i < inv.n; i++) {
		k.hosts[k.nhosts].name = inv.v[i].name;
		k.hosts[k.nhosts].address = inv.v[i].address != NULL ?
		    inv.v[i].address : inv.v[i].name;
		k.nhosts++;
	}

	job_step(j, "check that the %zu hosts accept the current key",
	    k.nhosts);
	k.spec.cur = &cur;
	kr_pool(&k, true);
	for (i = 0; i < k.nhosts; i++) {
		if (!k.hosts[i].reachable) {
			nunreach++;
			job_step(j, "%s (%s): unreachable: %s",
			    k.hosts[i].name, k.hosts[i].address,
			    k.hosts[i].why);
		}
	}
	if (nunreach != 0 && !ka->skip_unreachable) {
		report = kr_report(&k, &rotated);
		*cause = xasprintf("%zu of %zu hosts unreachable, nothing "
		    "changed (--skip-unreachable goes on without them): %s",
		    nunreach, k.nhosts, report);
		goto out;
	}
	if (job_cancelled(j)) {
		*cause = xstrdup("cancelled before any change");
		goto out;
	}

	if (ka->new_key != NULL) {
		if (keyrot_key_load(ka->new_key, &new, cause) != 0)
			goto out;
	} else {
		if (job_lock_check(j, cause) != 0)
			goto out;
		job_step(j, "make a new ed25519 key pair with ssh-keygen");
		if (kr_keygen(&k, ident, &newpath, &comment, cause) != 0)
			goto out;
		if (keyrot_key_load(newpath, &new, cause) != 0)
			goto out;
		job_step(j, "new key %s: %s", new.fp, newpath);
	}
	if (new.priv == NULL) {
		*cause = xstrdup("the new key has no private key");
		goto out;
	}

	k.spec.cfg = cfg;
	k.spec.new = &new;
	k.spec.remove = rm;
	k.spec.nremove = nrm;
	k.spec.cancelled = kr_cancelled_cb;
	k.spec.may_change = kr_may_change_cb;
	k.spec.step = kr_step_cb;
	k.spec.arg = &k;
	kr_pool(&k, false);
	for (i = 0; i < k.nhosts; i++) {
		if (kr_is_rotated(&k.hosts[i]))
			log_info("keys rotate %s: rotated in %lld ms",
			    k.hosts[i].name, (long long)k.hosts[i].res.ms);
	}
	report = kr_report(&k, &rotated);
	if (rotated != k.nhosts) {
		need = kr_need_old(&k);
		fwd = kr_forward(&k);
		*cause = xasprintf("%zu of %zu hosts rotated; hosts that "
		    "still need the old key (%s, which stays the identity): "
		    "%s%s%s%s%s; %s", rotated, k.nhosts, cur.fp, need,
		    fwd != NULL ? "; hosts that now take only the new key (" :
		    "", fwd != NULL ? new.priv : "", fwd != NULL ? "): " : "",
		    fwd != NULL ? fwd : "", report);
		free(need);
		free(fwd);
		goto out;
	}

	if (ka->hosts != NULL) {
		/* Part of the fleet: the others still need the old key. */
		job_result(j, "%s; new key %s %s; [ssh] identity unchanged "
		    "(--hosts: rotate the other hosts with --new-key %s, "
		    "then it switches)", report, new.fp, new.priv, new.priv);
		rc = 0;
		goto out;
	}
	name = kr_keypair_name(new.priv);
	if (cfg->openstack.auth_url != NULL) {
		if (job_lock_check(j, cause) != 0)
			goto out;
		job_step(j, "upload key pair %s to Nova", name);
		if (kr_keypair(cfg, name, &new, &why) != 0) {
			*cause = xasprintf("every host rotated (%s), but the "
			    "key pair upload failed: %s; the configuration "
			    "is unchanged", report, why);
			free(why);
			goto out;
		}
	}
	if (cfg->path != NULL) {
		job_step(j, "set [ssh] identity in %s", cfg->path);
		if (kr_rewrite_config(cfg, new.priv,
		    cfg->openstack.auth_url != NULL ? name : NULL, &why) != 0) {
			*cause = xasprintf("every host rotated (%s), but the "
			    "configuration could not be changed: %s; set "
			    "[ssh] identity = %s", report, why, new.priv);
			free(why);
			goto out;
		}
	}
	job_result(j, "%s; new key %s %s%s%s%s", report, new.fp, new.priv,
	    cfg->openstack.auth_url != NULL ? "; key pair " : "",
	    cfg->openstack.auth_url != NULL ? name : "",
	    cfg->path != NULL ? "; [ssh] identity switched" : "");
	rc = 0;
out:
	for (i = 0; i < k.nhosts; i++) {
		free(k.hosts[i].why);
		keyrot_result_clear(&k.hosts[i].res);
	}
	free(k.hosts);
	keyinv_free(&inv);
	for (i = 0; i < nrm; i++)
		keyrot_key_clear(&rm[i]);
	free(rm);
	keyrot_key_clear(&cur);
	keyrot_key_clear(&new);
	pthread_mutex_destroy(&k.mu);
	free(alloc);
	free(newpath);
	free(comment);
	free(report);
	free(name);
	return (rc);
}

/* --- the row (registry.c lists it) -------------------------------------- */

const struct action action_keys_rotate = {
	.verb = "keys rotate",
	.help = "replace every VM's ssh key with a new one, no lockout",
	.risk = JOB_RISK_DESTRUCTIVE,
	.cancellable = true,
	.locks = true,
	.plan = kr_plan,
	.run = kr_run,
	.survey = kr_survey,
	.survey_free = kr_survey_free,
	.target = ACTION_TARGET_NONE,
	.opts = kr_opts,
	.args_size = sizeof (struct kr_args),
	.args_parse = kr_args_parse,
	.args_free = kr_args_free,
	.usage = "The plan tries each host first (a few seconds each): one "
	    "not reachable\nmakes the job refuse (--dry-run too: exit 1), "
	    "unless --skip-unreachable.\nEach host: the new key added, proved, "
	    "the old keys removed, proved; any\nfailure, a timeout or ^C puts "
	    "that host's original file back (should that\nstay impossible "
	    "once the new key was proven, the rotation is finished).\n[ssh] "
	    "identity switches to the new key only when every host is "
	    "rotated.\nExit 0 only then.",
	.key = 'K',
	.views = ACTION_VIEW_HOSTS,
	.hint = true
};
