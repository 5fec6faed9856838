/*
 * ssh.h: commands on a host over ssh (libssh2), blocking.
 *
 * For job worker threads and tasks, never the loop thread.  The host key
 * is checked against the known_hosts file ([ssh] known_hosts, default
 * ~/.ssh/known_hosts; "[host]:port" entries for a port other than 22):
 * an unknown key is refused with its SHA256 fingerprint (as OpenSSH
 * prints it) and a changed key is refused loudly; in both cases nothing
 * is sent but the key exchange.  Authentication is by public key only
 * ([ssh] identity, default ~/.ssh/id_ed25519, or the key given to
 * ssh_session_open; [ssh] user, default root).
 *
 * A session stays open for several commands, each on its own channel,
 * each with its stdin (or an empty one: EOF at once).  Every libssh2 call
 * has a deadline: SSH_TIMEOUT_MS for each call while connecting and
 * closing, the command's timeout for a whole command.  A session whose
 * command failed half-way (timeout, broken connection) refuses further
 * commands.  One thread at a time per session.
 */
#ifndef BBBCTL_SSH_H
#define BBBCTL_SSH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;

#define SSH_CONNECT_TIMEOUT_MS	10000	/* name resolution and TCP connect */
#define SSH_TIMEOUT_MS		20000	/* each libssh2 call (handshake ...) */
#define SSH_EXEC_TIMEOUT_MS	180000	/* the whole command */
#define SSH_OUTPUT_MAX		(1024 * 1024)	/* per stream; more is cut */
#define SSH_CANCEL_MS		100	/* how often cancel is looked at */

struct ssh_result {
	char	*out;		/* stdout, NUL-terminated, never NULL on 0 */
	size_t	 out_len;
	char	*err;		/* stderr, same */
	size_t	 err_len;
	bool	 truncated;	/* a stream went over SSH_OUTPUT_MAX */
	int	 exit_status;	/* -1 when killed by a signal */
	char	*exit_signal;	/* "KILL" ..., or NULL */
};

struct ssh_session;

/* Where ssh_session_open() failed (struct ssh_opts' failed_at). */
enum ssh_stage {
	SSH_STAGE_NONE,		/* it did not fail */
	SSH_STAGE_SETUP,	/* bad host, no identity file ... */
	SSH_STAGE_CONNECT,	/* name, TCP connect, handshake */
	SSH_STAGE_HOSTKEY,	/* unknown host key (or known_hosts
				   unreadable) */
	SSH_STAGE_HOSTKEY_CHANGED, /* a known host offers another key */
	SSH_STAGE_AUTH		/* the server refused our key */
};

/* Zero (or NULL) is the default for each. */
struct ssh_opts {
	const char	*user;		/* [ssh] user, root */
	const char	*identity;	/* private key file: [ssh] identity */
	const char	*identity_pub;	/* identity.pub when readable, else
					   derived from the private key */
	int64_t		 connect_timeout_ms; /* name and TCP connect:
					   SSH_CONNECT_TIMEOUT_MS */
	int64_t		 timeout_ms;	/* each call: SSH_TIMEOUT_MS */
	int64_t		 exec_timeout_ms; /* each command:
					   SSH_EXEC_TIMEOUT_MS */
	const atomic_bool *cancel;	/* set: connecting (name, TCP,
					   handshake, authentication)
					   or a command stops
					   (the session is then dropped;
					   the remote command is not
					   killed) */
	enum ssh_stage	*failed_at;	/* set when not NULL */
};

/*
 * Connect to host ("name", "name:port" or "[v6]:port"; the port defaults
 * to [ssh] port), check its key and authenticate.  The session, or NULL
 * with *cause (connection, host key, authentication, timeout).  opts is
 * borrowed for the call, opts->cancel for the session's life.
 */
struct ssh_session *ssh_session_open(const struct config *, const char *host,
		     const struct ssh_opts *, char **cause);
/*
 * Run command with in_len bytes of stdin (in may be NULL).  0 when the
 * command ran (whatever its exit status; see res), or -1 with *cause.
 * res is filled on 0; clear it with ssh_result_clear().  The command is
 * sent as it is: quote its arguments with ssh_quote().
 */
int	 ssh_session_exec(struct ssh_session *, const char *command,
	     const void *in, size_t in_len, struct ssh_result *, char **cause);
/* Disconnect and free; takes NULL. */
void	 ssh_session_close(struct ssh_session *);

/*
 * One command, empty stdin, on a session of its own with the configured
 * identity (open, exec, close); the same answers as those.
 */
int	 ssh_exec(const struct config *, const char *host, const char *command,
	     struct ssh_result *, char **cause);
void	 ssh_result_clear(struct ssh_result *);

/* A single-quoted copy of s for a POSIX shell ('it'\''s'); allocated. */
char	*ssh_quote(const char *);

/* "SHA256:base64" of a key blob, as ssh-keygen -l prints it; allocated. */
char	*ssh_fingerprint(const unsigned char *, size_t);

#endif
