/*
 * keyrot.c: one host's key rotation over ssh (keyrot.h).
 *
 * The file is changed by small POSIX shell scripts run over the first
 * session, the new content on their stdin; libssh2 1.10 cannot rename
 * over a file with SFTP (apis-wave2.md 7.5), so the rename is mv(1).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "authkeys.h"
#include "config.h"
#include "keyrot.h"
#include "log.h"
#include "ssh.h"
#include "util.h"

#define KEYROT_DEFAULT_PATH	".ssh/authorized_keys"
#define KEYROT_FILE_MAX		(256 * 1024)	/* a bigger file is refused */
#define KEYROT_EXEC_TIMEOUT_MS	30000		/* each command on a host */
#define KEYROT_SETTLE_MS	60000		/* restore (or forward) */
#define KEYROT_RESTORE_ROUNDS	3		/* before going forward */
#define KEYROT_ROUND_PAUSE_MS	1000

/* One host's state while it is rotated. */
struct keyrot_run {
	const struct keyrot_spec *spec;
	const char		*host;
	struct ssh_session	*s1;		/* with cur, kept */
	char			*path;		/* shell expression */
	char			*orig;		/* the file as read */
	size_t			 origlen;
	char			 mode[8];	/* octal, as stat prints it */
	char			 owner[48];	/* "uid:gid" */
	bool			 written;	/* a write may have happened */
	char			*added;		/* step 2's content, or NULL */
	size_t			 addedlen;
	char			*final;		/* step 4's content, or NULL */
	size_t			 finallen;
	bool			 new_ok;	/* step 3 proved the new key */
};

static void
keyrot_sha256(const void *p, size_t len, char out[65])
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0, i;

	if (EVP_Digest(p, len, md, &mdlen, EVP_sha256(), NULL) != 1)
		mdlen = 0;
	for (i = 0; i < mdlen && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[2 * i] = '\0';
}

const char *
keyrot_outcome_name(enum keyrot_outcome o)
{
	switch (o) {
	case KEYROT_ROTATED:
		return ("rotated");
	case KEYROT_FORWARD:
		return ("rotated after a failed restore");
	case KEYROT_RESTORED:
		return ("restored");
	case KEYROT_UNREACHABLE:
		return ("unreachable");
	case KEYROT_SKIPPED:
		return ("skipped");
	case KEYROT_STOPPED:
		return ("stopped");
	case KEYROT_FAILED:
		return ("FAILED");
	}
	return ("?");
}

void
keyrot_result_clear(struct keyrot_result *r)
{
	if (r == NULL)
		return;
	free(r->cause);
	memset(r, 0, sizeof *r);
}

void
keyrot_key_clear(struct keyrot_key *k)
{
	if (k == NULL)
		return;
	free(k->priv);
	free(k->pub);
	free(k->blob);
	free(k->fp);
	memset(k, 0, sizeof *k);
}

void
keyrot_key_fp(const char *fp, struct keyrot_key *k)
{
	memset(k, 0, sizeof *k);
	k->fp = xstrdup(fp);
}

int
keyrot_key_load(const char *file, struct keyrot_key *k, char **cause)
{
	char	*pubfile, *text, *nl, *why = NULL;
	size_t	 len, flen = strlen(file);

	memset(k, 0, sizeof *k);
	if (flen > 4 && strcmp(file + flen - 4, ".pub") == 0)
		pubfile = xstrdup(file);
	else {
		pubfile = xasprintf("%s.pub", file);
		k->priv = xstrdup(file);
	}
	if ((text = util_read_file(pubfile, 16384, &len, &why)) == NULL) {
		*cause = xasprintf("public key %s", why);
		free(why);
		goto fail;
	}
	if ((nl = memchr(text, '\n', len)) != NULL)
		*nl = '\0';
	if (authkeys_parse_pub(text, strlen(text), &k->blob, &k->bloblen,
	    &why) != 0) {
		*cause = xasprintf("%s: %s", pubfile, why);
		free(why);
		free(text);
		goto fail;
	}
	k->pub = text;
	k->fp = ssh_fingerprint(k->blob, k->bloblen);
	free(pubfile);
	return (0);
fail:
	free(pubfile);
	keyrot_key_clear(k);
	return (-1);
}

char *
keyrot_path_expr(const char *path)
{
	char	*q, *e;

	if (path == NULL || *path == '\0')
		path = KEYROT_DEFAULT_PATH;
	if (path[0] == '/')
		return (ssh_quote(path));
	if (path[0] == '~' && path[1] == '/')
		path += 2;
	q = ssh_quote(path);
	e = xasprintf("\"$HOME\"/%s", q);
	free(q);
	return (e);
}

static void
keyrot_step(struct keyrot_run *r, const char *what)
{
	if (r->spec->step != NULL)
		r->spec->step(r->spec->arg, r->host, what);
}

static bool
keyrot_cancelled(struct keyrot_run *r)
{
	return (r->spec->cancelled != NULL &&
	    r->spec->cancelled(r->spec->arg));
}

static struct ssh_session *
keyrot_open(const struct config *cfg, const char *host, const char *priv,
    enum ssh_stage *stage, char **cause)
{
	struct ssh_opts	 o;

	memset(&o, 0, sizeof o);
	o.identity = priv;
	o.exec_timeout_ms = KEYROT_EXEC_TIMEOUT_MS;
	o.failed_at = stage;
	return (ssh_session_open(cfg, host, &o, cause));
}

/* The script's stderr, first line, for a cause. */
static char *
keyrot_errline(const struct ssh_result *res)
{
	size_t	 n;

	n = strcspn(res->err, "\n");
	if (n == 0)
		return (xasprintf("exit status %d", res->exit_status));
	if (n > 200)
		n = 200;
	return (xstrndup(res->err, n));
}

/* Read the file over ss: mode, owner, content. */
static int
keyrot_read_over(struct ssh_session *ss, const char *path, char **text,
    size_t *len, char mode[8], char owner[48], char **cause)
{
	struct ssh_result	 res;
	char			*cmd, *why, *nl;
	unsigned		 m;
	unsigned long		 uid, gid;

	cmd = xasprintf("f=%s; if [ -L \"$f\" ]; then echo \"$f is a "
	    "symbolic link\" >&2; exit 3; fi; if [ ! -f \"$f\" ]; then "
	    "echo \"no file $f\" >&2; exit 4; fi; stat -c '%%a %%u %%g' "
	    "\"$f\" && cat \"$f\"", path);
	if (ssh_session_exec(ss, cmd, NULL, 0, &res, cause) != 0) {
		free(cmd);
		return (-1);
	}
	free(cmd);
	if (res.exit_status != 0 || res.truncated ||
	    res.out_len > KEYROT_FILE_MAX) {
		why = res.exit_status != 0 ? keyrot_errline(&res) :
		    xstrdup("too big");
		*cause = xasprintf("read authorized_keys: %s", why);
		free(why);
		ssh_result_clear(&res);
		return (-1);
	}
	if ((nl = memchr(res.out, '\n', res.out_len)) == NULL ||
	    sscanf(res.out, "%o %lu %lu", &m, &uid, &gid) != 3 || m > 07777) {
		*cause = xstrdup("read authorized_keys: no mode and owner");
		ssh_result_clear(&res);
		return (-1);
	}
	snprintf(mode, 8, "%o", m);
	snprintf(owner, 48, "%lu:%lu", uid, gid);
	*len = res.out_len - (size_t)(nl + 1 - res.out);
	*text = xmalloc(*len + 1);
	memcpy(*text, nl + 1, *len);
	(*text)[*len] = '\0';
	ssh_result_clear(&res);
	return (0);
}

/*
 * Write content over ss: temp file beside the file, checked, same mode
 * and owner, synced, renamed, and only while the file still holds expect
 * (byte for byte, by its SHA-256: never over a change made meanwhile).
 * step names the temp file ("add", "remove", "restore"); add keeps the
 * original as the backup link; restore takes the backup link when it
 * holds this content.
 */
static int
keyrot_write(struct keyrot_run *r, struct ssh_session *ss, const char *step,
    const char *content, size_t len, const char *expect, size_t expectlen,
    char **cause)
{
	struct ssh_result	 res;
	char			 hash[65], ehash[65], *cmd, *why;
	const char		*fill;
	int			 rc = -1;

	keyrot_sha256(content, len, hash);
	keyrot_sha256(expect, expectlen, ehash);
	if (strcmp(step, "restore") == 0)
		fill = "if [ -f \"$b\" ] && [ \"$(sha256sum <\"$b\" | "
		    "cut -c1-64)\" = \"$h\" ]; then ln -f \"$b\" \"$t\"; "
		    "else cat >\"$t\"; fi";
	else if (strcmp(step, "add") == 0)
		fill = "ln -f \"$f\" \"$b\"; cat >\"$t\"";
	else
		fill = "cat >\"$t\"";
	cmd = xasprintf("set -e; umask 077; f=%s; b=\"$f.bbbctl-backup\"; "
	    "t=\"$f.bbbctl-%s.$$\"; h=%s; trap 'rm -f \"$t\"' EXIT; %s; "
	    "[ \"$(wc -c <\"$t\")\" -eq %zu ] || { echo \"short write\" >&2; "
	    "exit 5; }; [ \"$(sha256sum <\"$t\" | cut -c1-64)\" = \"$h\" ] || "
	    "{ echo \"checksum mismatch\" >&2; exit 5; }; chmod %s \"$t\"; "
	    "[ \"$(id -u):$(id -g)\" = %s ] || chown %s \"$t\"; "
	    "sync \"$t\" 2>/dev/null || sync; "
	    "[ \"$(sha256sum <\"$f\" | cut -c1-64)\" = %s ] || { echo \"the "
	    "file changed meanwhile\" >&2; exit 6; }; mv -f \"$t\" \"$f\"",
	    r->path, step, hash, fill, len, r->mode, r->owner, r->owner, ehash);
	r->written = true;
	if (ssh_session_exec(ss, cmd, content, len, &res, cause) != 0)
		goto out;
	if (res.exit_status != 0) {
		why = keyrot_errline(&res);
		*cause = xasprintf("write (%s): %s", step, why);
		free(why);
		ssh_result_clear(&res);
		goto out;
	}
	ssh_result_clear(&res);
	rc = 0;
out:
	free(cmd);
	return (rc);
}

static bool
keyrot_rm_match_cb(const struct authkeys_line *l, void *arg)
{
	const struct keyrot_spec	*spec = arg;
	const struct keyrot_key		*k;
	char				*fp;
	size_t				 i;
	bool				 match = false;

	if (l->bloblen == spec->new->bloblen &&
	    memcmp(l->blob, spec->new->blob, l->bloblen) == 0)
		return (false);
	fp = ssh_fingerprint(l->blob, l->bloblen);
	for (i = 0; i < spec->nremove && !match; i++) {
		k = &spec->remove[i];
		if (k->blob != NULL)
			match = k->bloblen == l->bloblen &&
			    memcmp(k->blob, l->blob, l->bloblen) == 0;
		else
			match = strcmp(k->fp, fp) == 0;
	}
	free(fp);
	return (match);
}

int
keyrot_accepts(const struct config *cfg, const char *host, const char *priv,
    char **cause)
{
	struct ssh_session	*ss;
	enum ssh_stage		 stage = SSH_STAGE_NONE;
	char			*why = NULL;

	if ((ss = keyrot_open(cfg, host, priv, &stage, &why)) != NULL) {
		ssh_session_close(ss);
		return (1);
	}
	if (stage == SSH_STAGE_AUTH) {
		free(why);
		return (0);
	}
	*cause = why;
	return (-1);
}

/* Steps 3 and 5: new logs in; (5) the removed keys we hold are refused. */
static int
keyrot_verify(struct keyrot_run *r, bool removed, char **cause)
{
	const struct keyrot_spec	*spec = r->spec;
	const struct keyrot_key		*k;
	char				*why = NULL;
	size_t				 i;
	int				 rc;

	rc = keyrot_accepts(spec->cfg, r->host, spec->new->priv, &why);
	if (rc != 1) {
		*cause = xasprintf("the new key does not log in: %s",
		    rc == 0 ? "refused" : why);
		free(why);
		return (-1);
	}
	if (!removed)
		return (0);
	for (i = 0; i < spec->nremove; i++) {
		k = &spec->remove[i];
		if (k->priv == NULL)
			continue;
		rc = keyrot_accepts(spec->cfg, r->host, k->priv, &why);
		if (rc != 0) {
			*cause = xasprintf("the removed key %s %s", k->fp,
			    rc == 1 ? "still logs in" : why);
			free(why);
			return (-1);
		}
	}
	return (0);
}

/* What the file holds, of the states a rotation goes through. */
enum keyrot_state {
	KEYROT_ST_ORIG,		/* the original */
	KEYROT_ST_ADDED,	/* step 2's: the original and the new key */
	KEYROT_ST_FINAL,	/* step 4's: rotated */
	KEYROT_ST_OTHER		/* none of ours: changed by someone else */
};

static enum keyrot_state
keyrot_classify(const struct keyrot_run *r, const char *text, size_t len)
{
	if (len == r->origlen && memcmp(text, r->orig, len) == 0)
		return (KEYROT_ST_ORIG);
	if (r->added != NULL && len == r->addedlen &&
	    memcmp(text, r->added, len) == 0)
		return (KEYROT_ST_ADDED);
	if (r->final != NULL && len == r->finallen &&
	    memcmp(text, r->final, len) == 0)
		return (KEYROT_ST_FINAL);
	return (KEYROT_ST_OTHER);
}

static const char *
keyrot_state_name(enum keyrot_state st)
{
	switch (st) {
	case KEYROT_ST_ORIG:
		return ("the original");
	case KEYROT_ST_ADDED:
		return ("the original with the new key added (both keys)");
	case KEYROT_ST_FINAL:
		return ("the rotated one");
	case KEYROT_ST_OTHER:
		break;
	}
	return ("changed by someone else");
}

/*
 * A session for step 6, try 0: the first one (still open?), 1: a fresh
 * one with cur, 2: a fresh one with new.  *own is set when it is fresh.
 */
static struct ssh_session *
keyrot_settle_session(struct keyrot_run *r, int try, struct ssh_session **own,
    char **why)
{
	const struct keyrot_spec	*spec = r->spec;

	*own = NULL;
	if (try == 0) {
		if (r->s1 == NULL)
			*why = xstrdup("the first session is gone");
		return (r->s1);
	}
	*own = keyrot_open(spec->cfg, r->host, try == 1 ? spec->cur->priv :
	    spec->new->priv, NULL, why);
	return (*own);
}

/* A command over the first session failed: drop it should it be broken. */
static void
keyrot_settle_drop(struct keyrot_run *r, struct ssh_session *ss,
    struct ssh_session *own)
{
	if (own != NULL)
		ssh_session_close(own);
	else if (ss == r->s1 && ss != NULL) {
		ssh_session_close(r->s1);
		r->s1 = NULL;
	}
}

/* Add a cause to the restore's list, once however often it came. */
static void
keyrot_why_add(struct buf *why, const char *e)
{
	if (why->data != NULL && strstr(why->data, e) != NULL)
		return;
	buf_printf(why, "%s%s", why->len != 0 ? "; " : "", e);
}

static void
keyrot_pause(int64_t until)
{
	int64_t	 left = until - util_mono_ms();

	if (left > KEYROT_ROUND_PAUSE_MS)
		left = KEYROT_ROUND_PAUSE_MS;
	if (left > 0)
		(void)poll(NULL, 0, (int)left);
}

/*
 * Step 6: the file back to the original (any of the three sessions, a
 * few rounds), and cur proven.  Should that be impossible while the new
 * key was proven (step 3), the rotation is finished instead (the old
 * keys removed over a session, then new in and old out checked), so that
 * the file ends the original or the rotated one, never in between.
 *
 *	0	restored, cur logs in
 *	1	restored, no login could try cur (*cause says why)
 *	2	finished forward: rotated (*cause says why not restored)
 *	-1	neither (*cause says what the file holds, as far as known)
 */
static int
keyrot_settle(struct keyrot_run *r, char **cause)
{
	const struct keyrot_spec	*spec = r->spec;
	struct ssh_session		*ss, *own;
	struct buf			 why = { 0 }, fwd = { 0 };
	enum keyrot_state		 st, last = KEYROT_ST_OTHER;
	char				*text = NULL, *e = NULL;
	char				 mode[8], owner[48];
	size_t				 len;
	int64_t				 until = util_mono_ms() + KEYROT_SETTLE_MS;
	int				 rc, try, round;
	bool				 known = false, restored = false;

	keyrot_step(r, "restore the original file");
	for (round = 0; round < KEYROT_RESTORE_ROUNDS && !restored &&
	    util_mono_ms() < until; round++) {
		if (round != 0)
			keyrot_pause(until);
		for (try = 0; try < 3 && !restored; try++) {
			if ((ss = keyrot_settle_session(r, try, &own,
			    &e)) == NULL) {
				keyrot_why_add(&why, e);
				free(e);
				e = NULL;
				continue;
			}
			if (keyrot_read_over(ss, r->path, &text, &len, mode,
			    owner, &e) != 0) {
				keyrot_why_add(&why, e);
				free(e);
				e = NULL;
				keyrot_settle_drop(r, ss, own);
				continue;
			}
			st = keyrot_classify(r, text, len);
			known = true;
			last = st;
			if (st == KEYROT_ST_OTHER) {
				/* Not ours to overwrite. */
				free(text);
				if (own != NULL)
					ssh_session_close(own);
				buf_free(&why);
				*cause = xstrdup("restore: the file changed "
				    "meanwhile (neither the original nor one "
				    "of ours): left as it is");
				return (-1);
			}
			if (st == KEYROT_ST_ORIG)
				restored = true;
			else if (keyrot_write(r, ss, "restore", r->orig,
			    r->origlen, text, len, &e) == 0) {
				restored = true;
				last = KEYROT_ST_ORIG;
			} else {
				keyrot_why_add(&why, e);
				free(e);
				e = NULL;
			}
			free(text);
			text = NULL;
			if (own != NULL)
				ssh_session_close(own);
		}
	}
	if (restored) {
		buf_free(&why);
		keyrot_step(r, "verify the current key again");
		rc = keyrot_accepts(spec->cfg, r->host, spec->cur->priv, &e);
		if (rc == 0) {
			*cause = xstrdup("restored, but the current key is "
			    "refused");
			return (-1);
		}
		if (rc == -1) {
			/* The file is the original (read back). */
			*cause = xasprintf("restored; the current key could "
			    "not be tried: %s", e);
			free(e);
			return (1);
		}
		return (0);
	}

	/* No restore: the rotation forward, when the new key is proven. */
	if (r->new_ok && known && r->final != NULL &&
	    (last == KEYROT_ST_ADDED || last == KEYROT_ST_FINAL)) {
		keyrot_step(r, "the restore failed: finish the rotation");
		for (round = 0; round < KEYROT_RESTORE_ROUNDS &&
		    util_mono_ms() < until; round++) {
			if (round != 0)
				keyrot_pause(until);
			for (try = 2; try >= 0; try -= 2) {
				if ((ss = keyrot_settle_session(r, try, &own,
				    &e)) == NULL) {
					free(e);
					e = NULL;
					continue;
				}
				if (keyrot_read_over(ss, r->path, &text, &len,
				    mode, owner, &e) != 0) {
					free(e);
					e = NULL;
					keyrot_settle_drop(r, ss, own);
					continue;
				}
				st = keyrot_classify(r, text, len);
				last = st;
				if (st == KEYROT_ST_ADDED && keyrot_write(r,
				    ss, "remove", r->final, r->finallen, text,
				    len, &e) == 0)
					st = last = KEYROT_ST_FINAL;
				if (e != NULL)
					keyrot_why_add(&fwd, e);
				free(e);
				e = NULL;
				free(text);
				text = NULL;
				if (own != NULL)
					ssh_session_close(own);
				if (st == KEYROT_ST_ORIG) {
					/* Someone's restore won after all. */
					buf_free(&why);
					buf_free(&fwd);
					*cause = xstrdup("restored late; the "
					    "current key was not tried again");
					return (1);
				}
				if (st != KEYROT_ST_FINAL)
					continue;
				keyrot_step(r, "verify new in, old out");
				if (keyrot_verify(r, true, &e) != 0) {
					*cause = xasprintf("restore: %s; "
					    "finished the rotation instead, "
					    "but %s", why.data != NULL ?
					    why.data : "failed", e);
					free(e);
					buf_free(&why);
					buf_free(&fwd);
					return (2);
				}
				*cause = xasprintf("restore: %s; finished the "
				    "rotation instead: only the new key logs "
				    "in", why.data != NULL ? why.data :
				    "failed");
				buf_free(&why);
				buf_free(&fwd);
				return (2);
			}
		}
	}
	*cause = xasprintf("restore: %s%s%s; the file is %s", why.data != NULL ?
	    why.data : "failed", fwd.data != NULL ? "; finishing the "
	    "rotation instead: " : "", fwd.data != NULL ? fwd.data : "",
	    known ? keyrot_state_name(last) : "unknown (could not be read)");
	buf_free(&why);
	buf_free(&fwd);
	return (-1);
}

int
keyrot_read(const struct config *cfg, const char *host, char **text,
    size_t *len, char **cause)
{
	struct ssh_session	*ss;
	char			 mode[8], owner[48], *path;
	int			 rc;

	if ((ss = keyrot_open(cfg, host, NULL, NULL, cause)) == NULL)
		return (-1);
	path = keyrot_path_expr(cfg->ssh.authorized_keys);
	rc = keyrot_read_over(ss, path, text, len, mode, owner, cause);
	free(path);
	ssh_session_close(ss);
	return (rc);
}

/* Steps 2-5; -1 with *cause and the step in *step. */
static int
keyrot_change(struct keyrot_run *r, int *step, char **cause)
{
	const struct keyrot_spec	*spec = r->spec;
	size_t				 n;

	*step = 2;
	if (keyrot_cancelled(r)) {
		*cause = xstrdup("cancelled (or --timeout)");
		return (-1);
	}
	if (authkeys_has_blob(r->orig, r->origlen, spec->new->blob,
	    spec->new->bloblen)) {
		r->added = xmalloc(r->origlen + 1);
		memcpy(r->added, r->orig, r->origlen);
		r->addedlen = r->origlen;
	} else {
		r->added = authkeys_add(r->orig, r->origlen, spec->new->pub,
		    &r->addedlen);
		if (spec->may_change != NULL &&
		    spec->may_change(spec->arg, cause) != 0)
			return (-1);
		keyrot_step(r, "add the new key");
		if (keyrot_write(r, r->s1, "add", r->added, r->addedlen,
		    r->orig, r->origlen, cause) != 0)
			return (-1);
	}
	r->final = authkeys_remove(r->added, r->addedlen, keyrot_rm_match_cb,
	    (void *)spec, &r->finallen, &n);

	*step = 3;
	if (keyrot_cancelled(r)) {
		*cause = xstrdup("cancelled (or --timeout)");
		return (-1);
	}
	keyrot_step(r, "verify the new key");
	if (keyrot_verify(r, false, cause) != 0)
		return (-1);
	r->new_ok = true;

	*step = 4;
	if (keyrot_cancelled(r)) {
		*cause = xstrdup("cancelled (or --timeout)");
		return (-1);
	}
	if (n != 0) {
		if (spec->may_change != NULL &&
		    spec->may_change(spec->arg, cause) != 0)
			return (-1);
		keyrot_step(r, "remove the old keys");
		if (keyrot_write(r, r->s1, "remove", r->final, r->finallen,
		    r->added, r->addedlen, cause) != 0)
			return (-1);
	}

	*step = 5;
	if (keyrot_cancelled(r)) {
		*cause = xstrdup("cancelled (or --timeout)");
		return (-1);
	}
	keyrot_step(r, "verify new in, old out");
	if (keyrot_verify(r, true, cause) != 0)
		return (-1);
	return (0);
}

int
keyrot_host(const struct keyrot_spec *spec, const char *host,
    struct keyrot_result *res)
{
	struct keyrot_run	 r;
	enum ssh_stage		 stage = SSH_STAGE_NONE;
	char			*cause = NULL, *why = NULL;
	int64_t			 t0 = util_mono_ms();
	int			 step = 0;

	memset(res, 0, sizeof *res);
	memset(&r, 0, sizeof r);
	r.spec = spec;
	r.host = host;
	r.path = keyrot_path_expr(spec->cfg->ssh.authorized_keys);

	if (keyrot_cancelled(&r)) {
		res->outcome = KEYROT_SKIPPED;
		res->cause = xstrdup("cancelled (or --timeout) before it began");
		goto out;
	}
	step = 1;
	keyrot_step(&r, "connect and read authorized_keys");
	r.s1 = keyrot_open(spec->cfg, host, spec->cur->priv, &stage, &cause);
	if (r.s1 == NULL) {
		res->outcome = KEYROT_UNREACHABLE;
		res->cause = cause;
		res->failed_step = 1;
		goto out;
	}
	if (keyrot_read_over(r.s1, r.path, &r.orig, &r.origlen, r.mode,
	    r.owner, &cause) != 0) {
		res->outcome = KEYROT_RESTORED;	/* nothing was changed */
		res->cause = cause;
		res->failed_step = 1;
		goto out;
	}
	if (keyrot_change(&r, &step, &cause) == 0) {
		res->outcome = KEYROT_ROTATED;
		goto out;
	}
	res->failed_step = step;
	if (!r.written) {
		res->outcome = KEYROT_RESTORED;	/* nothing was changed */
		res->cause = cause;
		goto out;
	}
	if (spec->may_change != NULL && spec->may_change(spec->arg,
	    &why) != 0) {
		/* A restore is a change too: leave it as it is. */
		res->outcome = KEYROT_STOPPED;
		res->cause = xasprintf("%s; %s; the file may hold both keys",
		    cause, why);
		free(why);
		free(cause);
		goto out;
	}
	switch (keyrot_settle(&r, &why)) {
	case 0:
		res->outcome = KEYROT_RESTORED;
		res->cause = cause;
		break;
	case 1:
		res->outcome = KEYROT_RESTORED;
		res->cause = xasprintf("%s; %s", cause, why);
		free(why);
		free(cause);
		break;
	case 2:
		res->outcome = KEYROT_FORWARD;
		res->cause = xasprintf("%s; %s", cause, why);
		free(why);
		free(cause);
		break;
	default:
		res->outcome = KEYROT_FAILED;
		res->cause = xasprintf("%s; %s", cause, why);
		free(why);
		free(cause);
		break;
	}
out:
	if (res->outcome != KEYROT_ROTATED)
		log_warn("keys rotate %s: %s at step %d: %s", host,
		    keyrot_outcome_name(res->outcome), res->failed_step,
		    res->cause != NULL ? res->cause : "");
	ssh_session_close(r.s1);
	free(r.path);
	free(r.orig);
	free(r.added);
	free(r.final);
	res->ms = util_mono_ms() - t0;
	return (res->outcome == KEYROT_ROTATED ? 0 : -1);
}
