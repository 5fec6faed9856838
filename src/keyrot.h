/*
 * keyrot.h: one host's authorized_keys changed over ssh without ever
 * locking anyone out (keys rotate), and the reads of keys list and keys
 * check.  Blocking: for job worker threads and tasks.
 *
 * keyrot_host() on one host, with the current identity (cur) and the new
 * key (new):
 *
 *  1. connect with cur (host key checked against known_hosts, ssh.h) and
 *     keep this session until the host is finished; read the file
 *     ([ssh] authorized_keys), its mode and owner;
 *  2. write the file with new's line added: a temp file beside it, same
 *     mode and owner, its length and SHA-256 checked on the host, synced,
 *     then renamed over the file (never truncated in place); the
 *     original stays as a hard link "<file>.bbbctl-backup";
 *  3. a fresh connection with new only must log in;
 *  4. write it again without the keys to remove (the other lines byte for
 *     byte);
 *  5. a fresh connection with new logs in, and each removed key whose
 *     private key we hold is refused (an authentication failure, not a
 *     broken connection);
 *  6. on any failure or cancel in 2-5: the original back over the first
 *     session (or a new one, with cur then new, should it have broken),
 *     from the backup link or from memory, then cur must log in again;
 *     a few rounds within a deadline.  Should the original not go back
 *     while step 3 proved new, the rotation is finished instead (step 4
 *     over a session with new, then step 5): the file ends the original
 *     or the rotated one, not the original with new added.
 *
 * Every state the file goes through has cur or new in it (each change is
 * one rename), so no step leaves the host without a key that logs in.
 * Each write renames only over the content it expects (what was read or
 * written last): a change made meanwhile by someone else is left alone.
 */
#ifndef BBBCTL_KEYROT_H
#define BBBCTL_KEYROT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;

/* A key: its private key file (may be NULL) and public line. */
struct keyrot_key {
	char		*priv;		/* private key file, or NULL */
	char		*pub;		/* "type base64 comment", one line */
	unsigned char	*blob;
	size_t		 bloblen;
	char		*fp;		/* "SHA256:..." */
};

/*
 * Load a key from a file: a private key (pub from FILE.pub) or a .pub
 * file (no private key).  0, or -1 with *cause.
 */
int	 keyrot_key_load(const char *file, struct keyrot_key *, char **cause);
/* A key known only by its fingerprint (--remove SHA256:...). */
void	 keyrot_key_fp(const char *fp, struct keyrot_key *);
void	 keyrot_key_clear(struct keyrot_key *);

/* What every host of a rotation shares; borrowed for the calls. */
struct keyrot_spec {
	const struct config	*cfg;
	const struct keyrot_key	*cur;		/* [ssh] identity: logs in */
	const struct keyrot_key	*new;
	const struct keyrot_key	*remove;	/* the keys to remove */
	size_t			 nremove;

	/* Stop (restore) when it returns true; may be NULL. */
	bool			(*cancelled)(void *);
	/* Before every change: 0, or -1 with *cause (a lost lock): then
	   nothing more is changed on the host; may be NULL. */
	int			(*may_change)(void *, char **);
	/* A step begins on host ("verify new key"); may be NULL. */
	void			(*step)(void *, const char *host,
				    const char *what);
	void			*arg;
};

enum keyrot_outcome {
	KEYROT_ROTATED,		/* new logs in, the removed keys are gone */
	KEYROT_FORWARD,		/* a step failed and the original could
				   not be put back: the rotation was
				   finished instead (new proven before) */
	KEYROT_RESTORED,	/* the original file, cur logs in again */
	KEYROT_UNREACHABLE,	/* no session with cur: nothing changed */
	KEYROT_SKIPPED,		/* not tried (cancelled before it) */
	KEYROT_STOPPED,		/* may_change refused: left as it is */
	KEYROT_FAILED		/* the restore did not prove cur: look! */
};

struct keyrot_result {
	enum keyrot_outcome outcome;
	char		*cause;		/* why not rotated; NULL when it was */
	int		 failed_step;	/* 1-5, 0 none */
	int64_t		 ms;		/* how long the host took */
};

/* 0 when rotated, -1 otherwise; *res filled in every case. */
int	 keyrot_host(const struct keyrot_spec *, const char *host,
	     struct keyrot_result *);
void	 keyrot_result_clear(struct keyrot_result *);
const char *keyrot_outcome_name(enum keyrot_outcome);

/*
 * Read a host's authorized_keys with the configured identity: 0 with
 * *text (allocated) and *len, or -1 with *cause.
 */
int	 keyrot_read(const struct config *, const char *host,
	     char **text, size_t *len, char **cause);

/*
 * Does host accept key (a fresh session with it alone)?  1 yes, 0 the
 * server refused it, -1 cannot tell (connection, host key: *cause).
 */
int	 keyrot_accepts(const struct config *, const char *host,
	     const char *priv, char **cause);

/* The remote shell's name of [ssh] authorized_keys; allocated. */
char	*keyrot_path_expr(const char *path);

#endif
