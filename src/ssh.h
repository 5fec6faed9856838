/*
 * ssh.h: run one command on a host over ssh (libssh2), blocking.
 *
 * For job worker threads, never the loop thread.  The host key is checked
 * against the known_hosts file ([ssh] known_hosts, default
 * ~/.ssh/known_hosts; "[host]:port" entries for a port other than 22):
 * an unknown key is refused with its SHA256 fingerprint (as OpenSSH
 * prints it) and a changed key is refused loudly; in both cases nothing
 * is sent but the key exchange.  Authentication is by public key only
 * ([ssh] identity, default ~/.ssh/id_ed25519; [ssh] user, default root).
 * The command gets an empty stdin (EOF at once).
 */
#ifndef BBBCTL_SSH_H
#define BBBCTL_SSH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;

#define SSH_CONNECT_TIMEOUT_MS	10000	/* TCP connect */
#define SSH_TIMEOUT_MS		20000	/* each libssh2 call (handshake ...) */
#define SSH_EXEC_TIMEOUT_MS	180000	/* the whole command */
#define SSH_OUTPUT_MAX		(1024 * 1024)	/* per stream; more is cut */

struct ssh_result {
	char	*out;		/* stdout, NUL-terminated, never NULL on 0 */
	size_t	 out_len;
	char	*err;		/* stderr, same */
	size_t	 err_len;
	bool	 truncated;	/* a stream went over SSH_OUTPUT_MAX */
	int	 exit_status;	/* -1 when killed by a signal */
	char	*exit_signal;	/* "KILL" ..., or NULL */
};

/*
 * Run command on host ("name", "name:port" or "[v6]:port"; the port
 * defaults to [ssh] port).  0 when the command ran (whatever its exit
 * status; see res), or -1 with *cause (connection, host key,
 * authentication, timeout).  res is filled on 0; clear it with
 * ssh_result_clear().  The command is sent as it is: quote its arguments
 * with ssh_quote().
 */
int	 ssh_exec(const struct config *, const char *host, const char *command,
	     struct ssh_result *, char **cause);
void	 ssh_result_clear(struct ssh_result *);

/* A single-quoted copy of s for a POSIX shell ('it'\''s'); allocated. */
char	*ssh_quote(const char *);

/* "SHA256:base64" of a key blob, as ssh-keygen -l prints it; allocated. */
char	*ssh_fingerprint(const unsigned char *, size_t);

#endif
