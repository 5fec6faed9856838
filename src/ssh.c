/*
 * ssh.c: one command over ssh with libssh2, host keys checked.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libssh2.h>
#include <openssl/evp.h>

#include "config.h"
#include "log.h"
#include "ssh.h"
#include "util.h"

static pthread_once_t	 ssh_once = PTHREAD_ONCE_INIT;
static int		 ssh_init_rc;

static void
ssh_init_once(void)
{
	ssh_init_rc = libssh2_init(0);
}

void
ssh_result_clear(struct ssh_result *r)
{
	if (r == NULL)
		return;
	free(r->out);
	free(r->err);
	free(r->exit_signal);
	memset(r, 0, sizeof *r);
}

char *
ssh_quote(const char *s)
{
	struct buf	 b = { 0 };

	buf_addc(&b, '\'');
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			buf_adds(&b, "'\\''");
		else
			buf_addc(&b, *s);
	}
	buf_addc(&b, '\'');
	return (buf_steal(&b));
}

char *
ssh_fingerprint(const unsigned char *blob, size_t len)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0, i;
	struct buf	 b = { 0 };
	uint32_t	 v;

	if (EVP_Digest(blob, len, md, &mdlen, EVP_sha256(), NULL) != 1)
		return (xstrdup("SHA256:?"));
	buf_adds(&b, "SHA256:");
	/* Base64 without the '=' padding, as OpenSSH prints it. */
	for (i = 0; i < mdlen; i += 3) {
		v = (uint32_t)md[i] << 16;
		if (i + 1 < mdlen)
			v |= (uint32_t)md[i + 1] << 8;
		if (i + 2 < mdlen)
			v |= md[i + 2];
		buf_addc(&b, b64[(v >> 18) & 63]);
		buf_addc(&b, b64[(v >> 12) & 63]);
		if (i + 1 < mdlen)
			buf_addc(&b, b64[(v >> 6) & 63]);
		if (i + 2 < mdlen)
			buf_addc(&b, b64[v & 63]);
	}
	return (buf_steal(&b));
}

/* Split "host", "host:port", "[host]:port". */
static int
ssh_parse_host(const char *in, long dflt, char **host, long *port,
    char **cause)
{
	const char	*p, *why;
	long long	 n;

	*port = dflt;
	if (*in == '[') {
		if ((p = strchr(in, ']')) == NULL) {
			*cause = xasprintf("bad ssh host: %s", in);
			return (-1);
		}
		*host = xstrndup(in + 1, (size_t)(p - in - 1));
		p++;
		if (*p == ':')
			goto port;
		if (*p != '\0') {
			free(*host);
			goto bad;
		}
		goto check;	/* "[]" names no host */
	}
	p = strchr(in, ':');
	if (p != NULL && strchr(p + 1, ':') != NULL) {	/* bare IPv6 */
		*host = xstrdup(in);
		return (0);
	}
	if (p == NULL) {
		*host = xstrdup(in);
		goto check;
	}
	*host = xstrndup(in, (size_t)(p - in));
port:
	if (util_parse_ll(p + 1, 1, 65535, &n, &why) != 0) {
		free(*host);
		*cause = xasprintf("bad ssh port in %s: %s", in, why);
		return (-1);
	}
	*port = (long)n;
check:
	if (**host == '\0' || (*host)[strcspn(*host, " \t\r\n/'\"\\")] != '\0') {
		free(*host);
		goto bad;
	}
	return (0);
bad:
	*cause = xasprintf("bad ssh host: %s", in);
	return (-1);
}

/* Wait for the socket to be ready; 0, or -1 on timeout / error. */
static int
ssh_wait(int fd, short events, int64_t deadline)
{
	struct pollfd	 pfd;
	int64_t		 left;
	int		 rc;

	for (;;) {
		left = deadline - util_mono_ms();
		if (left <= 0)
			return (-1);
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		rc = poll(&pfd, 1, (int)(left > 1000 ? 1000 : left));
		if (rc > 0)
			return (0);
		if (rc == -1 && errno != EINTR)
			return (-1);
	}
}

/* ssh_wait, and cancel looked at every SSH_CANCEL_MS; -1 on cancel too. */
static int
ssh_wait_cancel(int fd, short events, int64_t deadline,
    const atomic_bool *cancel)
{
	int64_t	 until;

	if (cancel == NULL)
		return (ssh_wait(fd, events, deadline));
	for (;;) {
		if (atomic_load(cancel))
			return (-1);
		until = util_mono_ms() + SSH_CANCEL_MS;
		if (until > deadline)
			until = deadline;
		if (ssh_wait(fd, events, until) == 0)
			return (0);
		if (util_mono_ms() >= deadline)
			return (-1);
	}
}

/*
 * A name resolution on its own thread, so that the caller can give up on
 * a resolver that does not answer: whichever of the two lets go last
 * frees it.
 */
struct ssh_resolve {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cond;
	int		 refs;
	bool		 done;
	int		 rc;
	struct addrinfo	*res;
	char		*host;
	char		 port[16];
};

static void
ssh_resolve_unref(struct ssh_resolve *r)
{
	int	 refs;

	pthread_mutex_lock(&r->mu);
	refs = --r->refs;
	pthread_mutex_unlock(&r->mu);
	if (refs > 0)
		return;
	if (r->res != NULL)
		freeaddrinfo(r->res);
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->mu);
	free(r->host);
	free(r);
}

static void *
ssh_resolve_main(void *arg)
{
	struct ssh_resolve	*r = arg;
	struct addrinfo		 hints, *res = NULL;
	int			 rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(r->host, r->port, &hints, &res);
	pthread_mutex_lock(&r->mu);
	r->rc = rc;
	r->res = rc == 0 ? res : NULL;
	r->done = true;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->mu);
	ssh_resolve_unref(r);
	return (NULL);
}

/* getaddrinfo by deadline or cancel: 0 with *res, or -1 with *cause. */
static int
ssh_resolve(const char *host, long port, int64_t deadline,
    const atomic_bool *cancel, struct addrinfo **res, char **cause)
{
	struct ssh_resolve	*r;
	pthread_condattr_t	 ca;
	pthread_attr_t		 attr;
	pthread_t		 th;
	struct timespec		 ts;
	int64_t			 left;
	int			 rc = EAI_AGAIN, error;
	bool			 done, cancelled = false;

	r = xcalloc(1, sizeof *r);
	pthread_mutex_init(&r->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->cond, &ca);
	pthread_condattr_destroy(&ca);
	r->refs = 2;
	r->host = xstrdup(host);
	snprintf(r->port, sizeof r->port, "%ld", port);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	error = pthread_create(&th, &attr, ssh_resolve_main, r);
	pthread_attr_destroy(&attr);
	if (error != 0)
		ssh_resolve_main(r);	/* without a deadline, then */

	pthread_mutex_lock(&r->mu);
	while (!(done = r->done)) {
		if (cancel != NULL && atomic_load(cancel)) {
			cancelled = true;
			break;
		}
		if ((left = deadline - util_mono_ms()) <= 0)
			break;
		if (left > SSH_CANCEL_MS)
			left = SSH_CANCEL_MS;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += left / 1000;
		ts.tv_nsec += (left % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&r->cond, &r->mu, &ts);
	}
	if (done) {
		rc = r->rc;
		*res = r->res;
		r->res = NULL;
	}
	pthread_mutex_unlock(&r->mu);
	ssh_resolve_unref(r);
	if (done && rc == 0)
		return (0);
	if (cancelled)
		*cause = xasprintf("ssh %s: cancelled", host);
	else if (!done)
		*cause = xasprintf("ssh %s: the name was not resolved within "
		    "%d s", host, SSH_CONNECT_TIMEOUT_MS / 1000);
	else
		*cause = xasprintf("ssh %s: %s", host, gai_strerror(rc));
	return (-1);
}

static int
ssh_connect_tcp(const char *host, long port, int64_t timeout_ms,
    const atomic_bool *cancel, char **cause)
{
	struct addrinfo	*res, *ai;
	int		 fd = -1, err = 0;
	socklen_t	 elen;
	int64_t		 deadline;

	deadline = util_mono_ms() + timeout_ms;
	if (ssh_resolve(host, port, deadline, cancel, &res, cause) != 0)
		return (-1);
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, ai->ai_protocol);
		if (fd == -1) {
			err = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS) {
			if (ssh_wait_cancel(fd, POLLOUT, deadline,
			    cancel) == 0) {
				elen = sizeof err;
				if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err,
				    &elen) == 0 && err == 0)
					break;
			} else
				err = ETIMEDOUT;
		} else
			err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1 && cancel != NULL && atomic_load(cancel)) {
		*cause = xasprintf("ssh %s port %ld: cancelled", host, port);
		return (-1);
	}
	if (fd == -1) {
		*cause = xasprintf("ssh %s port %ld: %s", host, port,
		    strerror(err != 0 ? err : ECONNREFUSED));
		return (-1);
	}
	/* libssh2 runs blocking with its own timeout from here. */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) == -1) {
		*cause = xasprintf("ssh: fcntl: %s", strerror(errno));
		close(fd);
		return (-1);
	}
	return (fd);
}

static char *
ssh_session_error(LIBSSH2_SESSION *s)
{
	char	*msg = NULL;
	int	 len;

	libssh2_session_last_error(s, &msg, &len, 0);
	return (xstrdup(msg != NULL && *msg != '\0' ? msg : "unknown error"));
}

static void
ssh_fail(char **cause, const char *shown, const char *what,
    LIBSSH2_SESSION *s)
{
	char	*why;

	why = ssh_session_error(s);
	*cause = xasprintf("ssh %s: %s: %s", shown, what, why);
	free(why);
}

static char *
ssh_default_path(const char *set, const char *rel)
{
	const char	*home;

	if (set != NULL && *set != '\0')
		return (xstrdup(set));
	home = getenv("HOME");
	if (home == NULL || *home == '\0')
		home = "/";
	return (xasprintf("%s/%s", home, rel));
}

static const char *
ssh_key_name(int type, int *mask)
{
	switch (type) {
	case LIBSSH2_HOSTKEY_TYPE_RSA:
		*mask = LIBSSH2_KNOWNHOST_KEY_SSHRSA;
		return ("RSA");
	case LIBSSH2_HOSTKEY_TYPE_DSS:
		*mask = LIBSSH2_KNOWNHOST_KEY_SSHDSS;
		return ("DSA");
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_256:
		*mask = LIBSSH2_KNOWNHOST_KEY_ECDSA_256;
		return ("ECDSA");
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_384:
		*mask = LIBSSH2_KNOWNHOST_KEY_ECDSA_384;
		return ("ECDSA");
	case LIBSSH2_HOSTKEY_TYPE_ECDSA_521:
		*mask = LIBSSH2_KNOWNHOST_KEY_ECDSA_521;
		return ("ECDSA");
	case LIBSSH2_HOSTKEY_TYPE_ED25519:
		*mask = LIBSSH2_KNOWNHOST_KEY_ED25519;
		return ("ED25519");
	default:
		*mask = LIBSSH2_KNOWNHOST_KEY_UNKNOWN;
		return ("unknown");
	}
}

/*
 * The host key check.  0 when known and matching, -2 when a known host
 * offers another key, -1 otherwise (unknown, unreadable).
 */
static int
ssh_check_hostkey(LIBSSH2_SESSION *s, const char *host, long port,
    const char *known_hosts, char **cause)
{
	LIBSSH2_KNOWNHOSTS		*kh;
	struct libssh2_knownhost	*found = NULL;
	const char			*key, *kname;
	char				*fp, *shown;
	size_t				 len;
	int				 type, mask, rc, n;

	key = libssh2_session_hostkey(s, &len, &type);
	if (key == NULL) {
		*cause = xasprintf("ssh %s: no host key", host);
		return (-1);
	}
	kname = ssh_key_name(type, &mask);
	fp = ssh_fingerprint((const unsigned char *)key, len);
	shown = port == 22 ? xstrdup(host) : xasprintf("[%s]:%ld", host,
	    port);
	if ((kh = libssh2_knownhost_init(s)) == NULL) {
		*cause = xasprintf("ssh %s: cannot read known hosts", shown);
		rc = -1;
		goto out;
	}
	n = libssh2_knownhost_readfile(kh, known_hosts,
	    LIBSSH2_KNOWNHOST_FILE_OPENSSH);
	if (n < 0 && access(known_hosts, F_OK) == 0) {
		*cause = xasprintf("ssh %s: cannot read %s", shown,
		    known_hosts);
		rc = -1;
		goto out;
	}
	rc = libssh2_knownhost_checkp(kh, host, (int)port, key, len,
	    LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | mask,
	    &found);
	/*
	 * libssh2 also tries the plain "host" entry for another port;
	 * OpenSSH does not, and neither do we.
	 */
	if (rc == LIBSSH2_KNOWNHOST_CHECK_MATCH && port != 22 &&
	    found != NULL && found->name != NULL && found->name[0] != '[')
		rc = LIBSSH2_KNOWNHOST_CHECK_NOTFOUND;
	switch (rc) {
	case LIBSSH2_KNOWNHOST_CHECK_MATCH:
		rc = 0;
		break;
	case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
		*cause = xasprintf("ssh %s: REMOTE HOST IDENTIFICATION HAS "
		    "CHANGED!  The %s host key it offers (%s) is not the one in "
		    "%s.  Someone could be intercepting the connection, or the "
		    "host key was replaced.  Not connecting; check the key "
		    "with the host's administrator before you fix %s.", shown,
		    kname, fp, known_hosts, known_hosts);
		rc = -2;
		break;
	case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
		*cause = xasprintf("ssh %s: host key not known: the %s key "
		    "fingerprint is %s, and %s has no entry for %s.  Not "
		    "connecting.  Once that fingerprint is confirmed by the "
		    "host's administrator, add the key to %s (ssh-keyscan%s%.0ld "
		    "%s prints it).", shown, kname, fp, known_hosts, shown,
		    known_hosts, port == 22 ? "" : " -p ", port == 22 ? 0L :
		    port, host);
		rc = -1;
		break;
	default:
		*cause = xasprintf("ssh %s: host key check failed (%s key "
		    "%s)", shown, kname, fp);
		rc = -1;
		break;
	}
out:
	if (kh != NULL)
		libssh2_knownhost_free(kh);
	free(fp);
	free(shown);
	return (rc);
}

static void
ssh_append(struct buf *b, const char *p, size_t n, bool *truncated)
{
	size_t	 room;

	room = b->len < SSH_OUTPUT_MAX ? SSH_OUTPUT_MAX - b->len : 0;
	if (n > room) {
		*truncated = true;
		n = room;
	}
	if (n > 0)
		buf_add(b, p, n);
}

struct ssh_session {
	LIBSSH2_SESSION	*s;
	int		 fd;
	char		*shown;		/* "host" or "[host]:port" */
	char		*user;
	int64_t		 exec_timeout_ms;
	const atomic_bool *cancel;
	bool		 broken;	/* a command failed half-way */
};

static bool
ssh_cancelled(struct ssh_session *ss)
{
	return (ss->cancel != NULL && atomic_load(ss->cancel));
}

/* Wait for what libssh2 says it is blocked on; -1 on timeout or cancel. */
static int
ssh_wait_session(struct ssh_session *ss, int64_t deadline)
{
	int64_t	 until;
	int	 dirs;
	short	 ev = 0;

	dirs = libssh2_session_block_directions(ss->s);
	if (dirs & LIBSSH2_SESSION_BLOCK_INBOUND)
		ev |= POLLIN;
	if (dirs & LIBSSH2_SESSION_BLOCK_OUTBOUND)
		ev |= POLLOUT;
	if (ev == 0)
		ev = POLLIN;
	if (ss->cancel == NULL)
		return (ssh_wait(ss->fd, ev, deadline));
	for (;;) {
		if (ssh_cancelled(ss))
			return (-1);
		until = util_mono_ms() + SSH_CANCEL_MS;
		if (until > deadline)
			until = deadline;
		if (ssh_wait(ss->fd, ev, until) == 0)
			return (0);
		if (util_mono_ms() >= deadline)
			return (-1);
	}
}

/* Run the command on the session (non-blocking from here). */
static int
ssh_run(struct ssh_session *ss, const char *command, const char *in,
    size_t in_len, struct ssh_result *res, char **cause)
{
	LIBSSH2_SESSION	*s = ss->s;
	LIBSSH2_CHANNEL	*ch = NULL;
	struct buf	 out = { 0 }, err = { 0 };
	char		 tmp[16384], *sig = NULL;
	ssize_t		 n1, n2, w;
	size_t		 off = 0, siglen = 0, chunk;
	int64_t		 deadline;
	int		 rc;
	bool		 eof_sent = false, moved;

	if (ssh_cancelled(ss)) {
		*cause = xasprintf("ssh %s: cancelled", ss->shown);
		return (-1);
	}
	deadline = util_mono_ms() + ss->exec_timeout_ms;
	libssh2_session_set_blocking(s, 0);
#define SSH_AGAIN(expr) \
	while ((expr) == LIBSSH2_ERROR_EAGAIN) { \
		if (ssh_wait_session(ss, deadline) != 0) \
			goto timeout; \
	}
	for (;;) {
		ch = libssh2_channel_open_session(s);
		if (ch != NULL)
			break;
		if (libssh2_session_last_errno(s) != LIBSSH2_ERROR_EAGAIN) {
			ssh_fail(cause, ss->shown, "open channel", s);
			goto fail;
		}
		if (ssh_wait_session(ss, deadline) != 0)
			goto timeout;
	}
	SSH_AGAIN(rc = libssh2_channel_exec(ch, command));
	if (rc != 0) {
		ssh_fail(cause, ss->shown, "exec", s);
		goto fail;
	}

	/* Feed stdin while reading, or a chatty command would block us. */
	for (;;) {
		if (ssh_cancelled(ss))
			goto timeout;
		moved = false;
		if (off < in_len) {
			chunk = in_len - off > sizeof tmp ? sizeof tmp :
			    in_len - off;
			w = libssh2_channel_write(ch, in + off, chunk);
			if (w > 0) {
				off += (size_t)w;
				moved = true;
			} else if (w != LIBSSH2_ERROR_EAGAIN) {
				if (!libssh2_channel_eof(ch)) {
					ssh_fail(cause, ss->shown, "write", s);
					goto fail;
				}
				/* The command is gone; it took what it took. */
				off = in_len;
				eof_sent = true;
			}
		}
		if (off == in_len && !eof_sent) {
			rc = libssh2_channel_send_eof(ch);
			if (rc == 0) {
				eof_sent = true;
				moved = true;
			} else if (rc != LIBSSH2_ERROR_EAGAIN) {
				ssh_fail(cause, ss->shown, "send eof", s);
				goto fail;
			}
		}
		n1 = libssh2_channel_read(ch, tmp, sizeof tmp);
		if (n1 > 0)
			ssh_append(&out, tmp, (size_t)n1, &res->truncated);
		n2 = libssh2_channel_read_stderr(ch, tmp, sizeof tmp);
		if (n2 > 0)
			ssh_append(&err, tmp, (size_t)n2, &res->truncated);
		if (n1 > 0 || n2 > 0)
			continue;
		if ((n1 < 0 && n1 != LIBSSH2_ERROR_EAGAIN) ||
		    (n2 < 0 && n2 != LIBSSH2_ERROR_EAGAIN)) {
			ssh_fail(cause, ss->shown, "read", s);
			goto fail;
		}
		if (libssh2_channel_eof(ch) && n1 == 0 && n2 == 0)
			break;
		if (!moved && ssh_wait_session(ss, deadline) != 0)
			goto timeout;
	}
	SSH_AGAIN(rc = libssh2_channel_close(ch));
	SSH_AGAIN(rc = libssh2_channel_wait_closed(ch));
	res->exit_status = libssh2_channel_get_exit_status(ch);
	if (libssh2_channel_get_exit_signal(ch, &sig, &siglen, NULL, NULL,
	    NULL, NULL) == 0 && sig != NULL) {
		res->exit_signal = xstrndup(sig, siglen);
		res->exit_status = -1;
	}
	if (sig != NULL)
		libssh2_free(s, sig);
#undef SSH_AGAIN
	libssh2_channel_free(ch);
	buf_addc(&out, '\0');
	out.len--;
	buf_addc(&err, '\0');
	err.len--;
	res->out_len = out.len;
	res->out = buf_steal(&out);
	res->err_len = err.len;
	res->err = buf_steal(&err);
	return (0);

timeout:
	if (ssh_cancelled(ss))
		*cause = xasprintf("ssh %s: cancelled", ss->shown);
	else
		*cause = xasprintf("ssh %s: no answer within %lld s",
		    ss->shown, (long long)(ss->exec_timeout_ms / 1000));
fail:
	/*
	 * Half-way through a channel: nothing more on this session.  The
	 * connection goes first, so that freeing the channel (and later
	 * the session) sends nothing and waits for nothing.
	 */
	ss->broken = true;
	shutdown(ss->fd, SHUT_RDWR);
	if (ch != NULL)
		libssh2_channel_free(ch);
	buf_free(&out);
	buf_free(&err);
	return (-1);
}

/*
 * The handshake, non-blocking so that cancel is seen; each call within
 * timeout_ms.  The session is left blocking.
 */
static int
ssh_handshake(struct ssh_session *ss, int64_t timeout_ms, char **cause)
{
	int64_t	 deadline = util_mono_ms() + timeout_ms;
	char	*why;
	int	 rc;

	libssh2_session_set_blocking(ss->s, 0);
	while ((rc = libssh2_session_handshake(ss->s, ss->fd)) ==
	    LIBSSH2_ERROR_EAGAIN) {
		if (ssh_wait_session(ss, deadline) != 0)
			break;
	}
	libssh2_session_set_blocking(ss->s, 1);
	if (rc == 0)
		return (0);
	if (ssh_cancelled(ss))
		*cause = xasprintf("ssh %s: cancelled", ss->shown);
	else if (rc == LIBSSH2_ERROR_EAGAIN)
		*cause = xasprintf("ssh %s: handshake: no answer within "
		    "%lld s", ss->shown, (long long)(timeout_ms / 1000));
	else {
		why = ssh_session_error(ss->s);
		*cause = xasprintf("ssh %s: handshake: %s", ss->shown, why);
		free(why);
	}
	return (-1);
}

/*
 * Public key authentication, non-blocking as the handshake so that cancel
 * is seen (a server may take long to look the key up); within timeout_ms.
 * A session cancelled or timed out half-way is broken (no goodbye).  The
 * session is left blocking.
 */
static int
ssh_auth(struct ssh_session *ss, const char *pub, const char *ident,
    int64_t timeout_ms, char **cause)
{
	int64_t	 deadline = util_mono_ms() + timeout_ms;
	char	*why;
	int	 rc;

	libssh2_session_set_blocking(ss->s, 0);
	while ((rc = libssh2_userauth_publickey_fromfile(ss->s, ss->user,
	    pub, ident, NULL)) == LIBSSH2_ERROR_EAGAIN) {
		if (ssh_wait_session(ss, deadline) != 0)
			break;
	}
	libssh2_session_set_blocking(ss->s, 1);
	if (rc == 0)
		return (0);
	if (rc == LIBSSH2_ERROR_EAGAIN) {
		ss->broken = true;
		if (ssh_cancelled(ss))
			*cause = xasprintf("ssh %s@%s: cancelled while "
			    "authenticating", ss->user, ss->shown);
		else
			*cause = xasprintf("ssh %s@%s: authentication: no "
			    "answer within %lld s", ss->user, ss->shown,
			    (long long)(timeout_ms / 1000));
		return (-1);
	}
	why = ssh_session_error(ss->s);
	*cause = xasprintf("ssh %s@%s: public key authentication with %s "
	    "failed: %s", ss->user, ss->shown, ident, why);
	free(why);
	return (-1);
}

struct ssh_session *
ssh_session_open(const struct config *cfg, const char *hostarg,
    const struct ssh_opts *opts, char **cause)
{
	struct ssh_session	*ss;
	struct ssh_opts		 o;
	char			*host = NULL, *known = NULL, *ident = NULL;
	char			*pub = NULL;
	long			 port;
	enum ssh_stage		 stage = SSH_STAGE_SETUP;
	int			 rc;

	if (opts != NULL && opts->failed_at != NULL)
		*opts->failed_at = SSH_STAGE_SETUP;
	pthread_once(&ssh_once, ssh_init_once);
	if (ssh_init_rc != 0) {
		*cause = xstrdup("ssh: libssh2_init failed");
		return (NULL);
	}
	if (hostarg == NULL || *hostarg == '\0') {
		*cause = xstrdup("ssh: no host");
		return (NULL);
	}
	memset(&o, 0, sizeof o);
	if (opts != NULL)
		o = *opts;
	if (o.connect_timeout_ms <= 0)
		o.connect_timeout_ms = SSH_CONNECT_TIMEOUT_MS;
	if (o.timeout_ms <= 0)
		o.timeout_ms = SSH_TIMEOUT_MS;
	if (o.exec_timeout_ms <= 0)
		o.exec_timeout_ms = SSH_EXEC_TIMEOUT_MS;
	if (ssh_parse_host(hostarg, cfg->ssh.port > 0 ? cfg->ssh.port : 22,
	    &host, &port, cause) != 0)
		return (NULL);

	ss = xcalloc(1, sizeof *ss);
	ss->fd = -1;
	ss->exec_timeout_ms = o.exec_timeout_ms;
	ss->cancel = o.cancel;
	ss->shown = port == 22 ? xstrdup(host) : xasprintf("[%s]:%ld", host,
	    port);
	ss->user = xstrdup(o.user != NULL ? o.user : cfg->ssh.user != NULL ?
	    cfg->ssh.user : "root");
	known = ssh_default_path(cfg->ssh.known_hosts, ".ssh/known_hosts");
	ident = ssh_default_path(o.identity != NULL ? o.identity :
	    cfg->ssh.identity, ".ssh/id_ed25519");
	if (o.identity_pub != NULL)
		pub = xstrdup(o.identity_pub);
	else {
		pub = xasprintf("%s.pub", ident);
		if (access(pub, R_OK) != 0) {
			/* libssh2 derives it from the private key. */
			free(pub);
			pub = NULL;
		}
	}
	if (access(ident, R_OK) != 0) {
		*cause = xasprintf("ssh %s: cannot read the identity %s: %s",
		    ss->shown, ident, strerror(errno));
		goto fail;
	}

	stage = SSH_STAGE_CONNECT;
	if ((ss->fd = ssh_connect_tcp(host, port, o.connect_timeout_ms,
	    ss->cancel, cause)) == -1)
		goto fail;
	if ((ss->s = libssh2_session_init()) == NULL) {
		*cause = xstrdup("ssh: out of memory");
		goto fail;
	}
	libssh2_session_set_blocking(ss->s, 1);
	libssh2_session_set_timeout(ss->s, (long)o.timeout_ms);
	if (ssh_handshake(ss, o.timeout_ms, cause) != 0)
		goto fail;
	stage = SSH_STAGE_HOSTKEY;
	if ((rc = ssh_check_hostkey(ss->s, host, port, known, cause)) != 0) {
		if (rc == -2)
			stage = SSH_STAGE_HOSTKEY_CHANGED;
		log_warn("%s", *cause);
		goto fail;
	}
	stage = SSH_STAGE_AUTH;
	if (ssh_auth(ss, pub, ident, o.timeout_ms, cause) != 0)
		goto fail;
	free(host);
	free(known);
	free(ident);
	free(pub);
	if (o.failed_at != NULL)
		*o.failed_at = SSH_STAGE_NONE;
	return (ss);

fail:
	if (o.failed_at != NULL)
		*o.failed_at = stage;
	ssh_session_close(ss);
	free(host);
	free(known);
	free(ident);
	free(pub);
	return (NULL);
}

int
ssh_session_exec(struct ssh_session *ss, const char *command, const void *in,
    size_t in_len, struct ssh_result *res, char **cause)
{
	int	 rc;

	memset(res, 0, sizeof *res);
	if (ss->broken) {
		*cause = xasprintf("ssh %s: the session broke off in an "
		    "earlier command", ss->shown);
		return (-1);
	}
	log_debug("ssh %s@%s: %s", ss->user, ss->shown, command);
	rc = ssh_run(ss, command, in, in != NULL ? in_len : 0, res, cause);
	if (rc != 0)
		ssh_result_clear(res);
	return (rc);
}

void
ssh_session_close(struct ssh_session *ss)
{
	if (ss == NULL)
		return;
	if (ss->s != NULL) {
		/* Blocking again, so the session timeout bounds it. */
		libssh2_session_set_blocking(ss->s, 1);
		if (!ss->broken)
			libssh2_session_disconnect(ss->s, "bbbctl done");
		libssh2_session_free(ss->s);
	}
	if (ss->fd != -1)
		close(ss->fd);
	free(ss->shown);
	free(ss->user);
	free(ss);
}

int
ssh_exec(const struct config *cfg, const char *host, const char *command,
    struct ssh_result *res, char **cause)
{
	struct ssh_session	*ss;
	int			 rc;

	memset(res, 0, sizeof *res);
	if ((ss = ssh_session_open(cfg, host, NULL, cause)) == NULL)
		return (-1);
	rc = ssh_session_exec(ss, command, NULL, 0, res, cause);
	ssh_session_close(ss);
	return (rc);
}
