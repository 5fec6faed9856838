/*
 * probe.c: the probes of the fleet-wide services (probe.h).
 *
 * Every probe is a small state machine driven by the loop: an fd watcher
 * (its socket, or libpq's), a deadline timer and, for STUN over UDP, a
 * retransmission timer (RFC 5389 §7.2.1: RTO 500 ms, doubling; the
 * deadline ends it long before the RFC's 39.5 s).  HTTP probes use
 * http.h.  A host name that is not an address is resolved on a thread
 * of its own, which hands the answer back through a socket pair; a probe
 * that gave up leaves the thread to finish and free it alone.  So are the
 * names of a PostgreSQL host list (host=a,b), every one, so that libpq,
 * given their addresses as hostaddr, never looks a name up on the loop.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/consul.h"
#include "api/rancher.h"
#include "api/scalelite.h"
#include "config.h"
#include "fleet.h"
#include "http.h"
#include "loop.h"
#include "probe.h"
#include "services.h"
#include "stun.h"
#include "util.h"

#define PROBE_RTO_MS		500
#define PROBE_REST_USER		"bbbctl"
#define PROBE_REST_LIFE		3600	/* s the REST username is valid */
#define PROBE_HTTP_MAX		(64 * 1024)
#define PROBE_PG_WARN_PCT	90
#define PROBE_FLUSH_MS		100	/* results applied together */

enum probe_type {
	PROBE_HTTP,
	PROBE_STUN,
	PROBE_TURN,
	PROBE_TLS,
	PROBE_PG
};

enum probe_http_check {
	PROBE_CHECK_SUCCESS,	/* 200 and body "success" */
	PROBE_CHECK_LEADER,	/* 200 and a non-empty JSON string */
	PROBE_CHECK_2XX
};

enum probe_step {
	STEP_IDLE,
	STEP_RESOLVE,
	STEP_CONNECT,
	STEP_HANDSHAKE,
	STEP_BINDING,
	STEP_ALLOC1,		/* unauthenticated Allocate: wants 401 */
	STEP_ALLOC2,		/* authenticated */
	STEP_REFRESH,		/* lifetime 0 */
	STEP_PG_CONNECT,
	STEP_PG_QUERY
};

struct probe_resolve;
struct probe_set;

struct probe {
	struct probe_set *set;
	char		*name;
	enum probe_type	 type;
	const char	*kind;

	/* what */
	struct api_req	*req;		/* HTTP, built by its client */
	char		*turn_secret;	/* TURN REST shared secret */
	const char	*ca_file;
	enum probe_http_check check;
	int		 source;	/* fleet_src, -1 */
	char		*host;		/* STUN/TURN/TLS */
	char		*port;
	int		 socktype;	/* SOCK_DGRAM / SOCK_STREAM */
	bool		 tls;
	SSL_CTX		*ssl_ctx;	/* trusts the system and ca_file */
	char		*conninfo;	/* PostgreSQL (secret) */

	/* one run */
	bool		 running;
	enum probe_step	 step;
	int64_t		 t0;
	struct loop_timer *deadline;
	struct loop_timer *rexmit;
	int		 rto;
	int		 nsent;
	bool		 icmp_refused;
	struct http_xfer *xfer;
	struct probe_resolve *res;
	struct addrinfo	*ai;
	int		 fd;
	struct loop_fd	*lfd;
	SSL		*ssl;
	PGconn		*pg;
	uint8_t		 out[STUN_MAX_MSG];
	size_t		 outlen;
	size_t		 outoff;
	uint8_t		 in[STUN_MAX_MSG];
	size_t		 inlen;
	uint8_t		 tid[STUN_TID_LEN];
	char		 username[128];
	char		 realm[STUN_TEXT_MAX];
	char		 nonce[STUN_TEXT_MAX];
	uint8_t		 key[16];
	int		 stale_nonces;
	char		 relayed[64];
	int64_t		 lifetime;
	int64_t		 cert_expiry;
};

struct probe_set {
	struct loop	*loop;
	struct http	*http;
	struct fleet	*fleet;
	const struct config *cfg;
	struct probe	**probes;
	size_t		 nprobes;
	size_t		 running;
	int64_t		 interval_ms;
	int64_t		 timeout_ms;
	struct loop_timer *tick;
	struct loop_timer *flush;	/* applies the results gathered */
	struct svc_result **results;
	size_t		 nresults;
	bool		 repeat;
	probe_round_cb	 done;
	void		*done_arg;
};

static void	probe_finish(struct probe *, struct svc_result *);
static void	probe_fd_cb(int, int, void *);
static void	probe_connect(struct probe *);
static void	probe_pg_fd_cb(int, int, void *);
static void	probe_pg_connect(struct probe *, const char *,
		    const char *, const char *);

/* --- resolving on a thread ---------------------------------------------- */

struct probe_resolve {
	pthread_mutex_t	 lock;
	int		 refs;		/* the thread and the probe */
	int		 sv[2];		/* [0] the loop's, [1] the thread's */
	char		*host;
	char		*port;
	int		 socktype;
	int		 rc;
	struct addrinfo	*ai;
	/* a PostgreSQL host list (host, port: the lists) */
	bool		 pg;
	struct buf	 hosts;		/* host=, hostaddr=, port= for libpq */
	struct buf	 addrs;
	struct buf	 ports;
	char		*failed;	/* the first name that did not resolve */
};

static void
probe_resolve_unref(struct probe_resolve *r)
{
	int	 left;

	pthread_mutex_lock(&r->lock);
	left = --r->refs;
	pthread_mutex_unlock(&r->lock);
	if (left > 0)
		return;
	if (r->ai != NULL)
		freeaddrinfo(r->ai);
	close(r->sv[1]);
	free(r->host);
	free(r->port);
	buf_free(&r->hosts);
	buf_free(&r->addrs);
	buf_free(&r->ports);
	free(r->failed);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

/* The nth (0-based) element of a comma-separated list, allocated. */
static char *
probe_list_nth(const char *list, size_t nth)
{
	size_t	 n;

	while (nth > 0 && (list = strchr(list, ',')) != NULL) {
		list++;
		nth--;
	}
	if (list == NULL)
		return (xstrdup(""));
	n = strcspn(list, ",");
	return (xstrndup(list, n));
}

static size_t
probe_list_len(const char *list)
{
	size_t	 n = 1;

	while ((list = strchr(list, ',')) != NULL) {
		list++;
		n++;
	}
	return (n);
}

/*
 * On the thread: every entry of the host list r->host, with the port of
 * the same place when r->port is a list, as libpq's three lists: a name
 * gives its addresses (at most 4, each with the name as host, for TLS
 * and authentication), an address itself, a socket directory or an
 * empty entry no address (libpq uses the host there).  A name that does
 * not resolve is left out, as libpq would go on to the next host; rc is
 * set when no entry is left.
 */
static void
probe_resolve_pg(struct probe_resolve *r)
{
	struct addrinfo	 hints, *res, *ai;
	char		 ip[INET6_ADDRSTRLEN], *h, *port;
	size_t		 i, nhosts, k = 0;
	bool		 plist;
	int		 rc, n;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	nhosts = probe_list_len(r->host);
	plist = r->port != NULL && strchr(r->port, ',') != NULL;
	for (i = 0; i < nhosts; i++) {
		h = probe_list_nth(r->host, i);
		port = plist ? probe_list_nth(r->port, i) : NULL;
		if (*h == '\0' || *h == '/' || *h == '@') {
			buf_printf(&r->hosts, "%s%s", k > 0 ? "," : "", h);
			buf_printf(&r->addrs, "%s", k > 0 ? "," : "");
			if (port != NULL)
				buf_printf(&r->ports, "%s%s", k > 0 ? "," :
				    "", port);
			k++;
		} else if ((rc = getaddrinfo(h, NULL, &hints, &res)) != 0) {
			if (r->failed == NULL) {
				r->failed = xstrdup(h);
				r->rc = rc;
			}
		} else {
			for (ai = res, n = 0; ai != NULL && n < 4;
			    ai = ai->ai_next) {
				if (getnameinfo(ai->ai_addr, ai->ai_addrlen,
				    ip, sizeof ip, NULL, 0,
				    NI_NUMERICHOST) != 0)
					continue;
				buf_printf(&r->hosts, "%s%s", k > 0 ? "," :
				    "", h);
				buf_printf(&r->addrs, "%s%s", k > 0 ? "," :
				    "", ip);
				if (port != NULL)
					buf_printf(&r->ports, "%s%s", k > 0 ?
					    "," : "", port);
				k++;
				n++;
			}
			freeaddrinfo(res);
			if (n == 0 && r->failed == NULL) {
				r->failed = xstrdup(h);
				r->rc = EAI_NONAME;
			}
		}
		free(h);
		free(port);
	}
	if (k > 0)
		r->rc = 0;
	else if (r->rc == 0)
		r->rc = EAI_NONAME;
}

static void *
probe_resolve_main(void *arg)
{
	struct probe_resolve	*r = arg;
	struct addrinfo		 hints;
	char			 c = 1;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = r->socktype;
	if (r->pg)
		probe_resolve_pg(r);
	else
		r->rc = getaddrinfo(r->host, r->port, &hints, &r->ai);
	(void)send(r->sv[1], &c, 1, MSG_NOSIGNAL);
	probe_resolve_unref(r);
	return (NULL);
}

/* --- results ---------------------------------------------------------- */

static const char *
probe_target(struct probe *p, char *buf, size_t len)
{
	if (p->req != NULL)
		return (p->req->url);
	if (p->host == NULL)
		return (NULL);
	if (strchr(p->host, ':') != NULL)
		snprintf(buf, len, "[%s]:%s", p->host, p->port);
	else
		snprintf(buf, len, "%s:%s", p->host, p->port);
	return (buf);
}

static struct svc_result *
probe_result(struct probe *p, enum svc_state st, enum svc_fail fl,
    const char *fmt, ...) printflike(4, 5);

static struct svc_result *
probe_result(struct probe *p, enum svc_state st, enum svc_fail fl,
    const char *fmt, ...)
{
	struct svc_result	*r;
	va_list			 ap;
	char			 tgt[300], *s;
	size_t			 i;

	r = services_result_new(p->name, p->kind, probe_target(p, tgt,
	    sizeof tgt));
	r->state = st;
	r->fail = fl;
	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	/* One line, no control characters (server text goes here). */
	for (i = 0; s[i] != '\0'; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			s[i] = ' ';
	}
	while (i > 0 && s[i - 1] == ' ')
		s[--i] = '\0';
	r->detail = s;
	r->latency_ms = util_mono_ms() - p->t0;
	r->cert_expiry = p->cert_expiry;
	r->source = p->source;
	return (r);
}

static enum svc_fail
probe_errno_fail(int e)
{
	switch (e) {
	case ECONNREFUSED:
		return (SVC_FAIL_REFUSED);
	case ETIMEDOUT:
		return (SVC_FAIL_TIMEOUT);
	default:
		return (SVC_FAIL_ERROR);
	}
}

/* Drop every resource of the current run (not the result). */
static void
probe_reset(struct probe *p)
{
	if (p->xfer != NULL) {
		http_cancel(p->xfer);
		p->xfer = NULL;
	}
	if (p->res != NULL) {
		close(p->res->sv[0]);
		probe_resolve_unref(p->res);
		p->res = NULL;
	}
	if (p->lfd != NULL) {
		loop_fd_remove(p->lfd);
		p->lfd = NULL;
	}
	if (p->ssl != NULL) {
		SSL_free(p->ssl);
		p->ssl = NULL;
	}
	if (p->pg != NULL) {
		PQfinish(p->pg);	/* closes its socket */
		p->pg = NULL;
		p->fd = -1;
	}
	if (p->fd != -1) {
		close(p->fd);
		p->fd = -1;
	}
	if (p->ai != NULL) {
		freeaddrinfo(p->ai);
		p->ai = NULL;
	}
	loop_timer_stop(p->deadline);
	loop_timer_stop(p->rexmit);
	explicit_bzero(p->key, sizeof p->key);
	p->step = STEP_IDLE;
}

static void
probe_flush_cb(void *arg)
{
	struct probe_set	*set = arg;

	loop_timer_stop(set->flush);
	services_apply_many(set->fleet, set->results, set->nresults,
	    util_wall_ms());
	set->nresults = 0;
}

static void
probe_finish(struct probe *p, struct svc_result *r)
{
	struct probe_set	*set = p->set;

	probe_reset(p);
	if (!p->running) {
		services_result_free(r);
		return;
	}
	p->running = false;
	/*
	 * Every apply evaluates the problem rules over the whole fleet:
	 * gather the results of a round and apply them together, when the
	 * round ends or a moment after the first.
	 */
	set->results = xreallocarray(set->results, set->nresults + 1,
	    sizeof *set->results);
	set->results[set->nresults++] = r;
	if (--set->running == 0) {
		probe_flush_cb(set);
		if (set->done != NULL)
			set->done(set->done_arg);
	} else if (!loop_timer_pending(set->flush))
		loop_timer_start(set->flush, PROBE_FLUSH_MS);
}

static void
probe_deadline_cb(void *arg)
{
	struct probe	*p = arg;
	const char	*what;

	switch (p->step) {
	case STEP_RESOLVE:
		what = "resolving the host name";
		break;
	case STEP_CONNECT:
	case STEP_PG_CONNECT:
		what = "connecting";
		break;
	case STEP_HANDSHAKE:
		what = "the TLS handshake";
		break;
	case STEP_BINDING:
		what = "Binding";
		break;
	case STEP_ALLOC1:
	case STEP_ALLOC2:
		what = "Allocate";
		break;
	case STEP_REFRESH:
		what = "Refresh";
		break;
	case STEP_PG_QUERY:
		what = "the query";
		break;
	default:
		what = p->type == PROBE_HTTP ? "HTTP" : "an answer";
		break;
	}
	probe_finish(p, probe_result(p, SVC_FAILED, SVC_FAIL_TIMEOUT,
	    "no answer within %llds (%s%s)",
	    (long long)(p->set->timeout_ms / 1000), what,
	    p->icmp_refused ? "; ICMP port unreachable" : ""));
}

/* --- HTTP ------------------------------------------------------------- */

/* The failure kind http classified (http.h), as a service's. */
static enum svc_fail
probe_http_fail(enum http_fail f)
{
	switch (f) {
	case HTTP_FAIL_REFUSED:
		return (SVC_FAIL_REFUSED);
	case HTTP_FAIL_TIMEOUT:
		return (SVC_FAIL_TIMEOUT);
	case HTTP_FAIL_DNS:
		return (SVC_FAIL_RESOLVE);
	case HTTP_FAIL_TLS_VERIFY:
	case HTTP_FAIL_TLS:
		return (SVC_FAIL_TLS);
	case HTTP_FAIL_NONE:
	case HTTP_FAIL_OTHER:
		break;
	}
	return (SVC_FAIL_ERROR);
}

static void
probe_http_done_cb(struct http_response *resp, void *arg)
{
	struct probe	*p = arg;
	char		*d;
	const char	*b = resp->body != NULL ? resp->body : "";
	size_t		 n = resp->len;

	p->xfer = NULL;
	if (resp->cert_expiry > 0)
		p->cert_expiry = (int64_t)resp->cert_expiry * 1000;
	if (resp->status == 0) {
		probe_finish(p, probe_result(p, SVC_FAILED,
		    probe_http_fail(resp->fail), "%s",
		    resp->error != NULL ? resp->error : "no answer"));
		return;
	}
	while (n > 0 && (b[n - 1] == '\n' || b[n - 1] == '\r' ||
	    b[n - 1] == ' '))
		n--;
	switch (p->check) {
	case PROBE_CHECK_SUCCESS:
		if (resp->status == 200 && n == 7 &&
		    memcmp(b, "success", 7) == 0) {
			probe_finish(p, probe_result(p, SVC_OK, SVC_FAIL_NONE,
			    "success"));
			return;
		}
		break;
	case PROBE_CHECK_LEADER:
		if (resp->status == 200 && n > 2 && b[0] == '"' &&
		    b[n - 1] == '"') {
			probe_finish(p, probe_result(p, SVC_OK, SVC_FAIL_NONE,
			    "leader %.*s", (int)(n - 2), b + 1));
			return;
		}
		if (resp->status == 200) {
			probe_finish(p, probe_result(p, SVC_FAILED,
			    SVC_FAIL_UNHEALTHY, "consul has no leader"));
			return;
		}
		break;
	case PROBE_CHECK_2XX:
		if (http_response_ok(resp)) {
			probe_finish(p, probe_result(p, SVC_OK, SVC_FAIL_NONE,
			    "HTTP %ld", resp->status));
			return;
		}
		break;
	}
	if (resp->status == 401 || resp->status == 403) {
		probe_finish(p, probe_result(p, SVC_FAILED, SVC_FAIL_AUTH,
		    "HTTP %ld", resp->status));
		return;
	}
	d = http_response_describe(resp);
	if (resp->status == 200)
		probe_finish(p, probe_result(p, SVC_FAILED, SVC_FAIL_UNHEALTHY,
		    "%.120s", b));
	else
		probe_finish(p, probe_result(p, SVC_FAILED, SVC_FAIL_UNHEALTHY,
		    "%s", d));
	free(d);
}

static void
probe_http_start(struct probe *p)
{
	struct http_req	 req;

	/* As the client built it; the probe's own limits (http copies it). */
	req = p->req->http;
	req.timeout_ms = p->set->timeout_ms;
	req.connect_timeout_ms = p->set->timeout_ms;
	req.max_size = PROBE_HTTP_MAX;
	req.want_cert_expiry = true;
	p->xfer = http_request(p->set->http, &req, probe_http_done_cb, p);
}

/* --- sockets: resolve, connect, TLS ------------------------------------- */

static void
probe_resolved_cb(int fd, int events, void *arg)
{
	struct probe		*p = arg;
	struct probe_resolve	*r = p->res;
	char			 c;

	(void)fd;
	(void)events;
	if (recv(r->sv[0], &c, 1, 0) != 1)
		return;
	loop_fd_remove(p->lfd);
	p->lfd = NULL;
	if (r->rc != 0) {
		probe_finish(p, probe_result(p, SVC_FAILED, SVC_FAIL_RESOLVE,
		    "%s: %s", r->failed != NULL ? r->failed : p->host,
		    gai_strerror(r->rc)));
		return;
	}
	if (r->pg) {
		probe_pg_connect(p, r->hosts.data, r->addrs.data,
		    r->ports.data);
		return;
	}
	p->ai = r->ai;
	r->ai = NULL;
	close(r->sv[0]);
	probe_resolve_unref(r);
	p->res = NULL;
	probe_connect(p);
}

/*
 * Resolve p->host on a thread (at once when it is an address); pg: it is
 * a PostgreSQL host list (probe_resolve_pg()), p->port its port or list.
 */
static void
probe_resolve_on_thread(struct probe *p, bool pg)
{
	struct probe_resolve	*r;
	struct addrinfo		 hints;
	pthread_t		 t;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = p->socktype;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if (!pg && getaddrinfo(p->host, p->port, &hints, &p->ai) == 0) {
		probe_connect(p);
		return;
	}
	p->ai = NULL;
	p->step = STEP_RESOLVE;
	r = xcalloc(1, sizeof *r);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, r->sv) != 0) {
		free(r);
		probe_finish(p, probe_result(p, SVC_FAILED, SVC_FAIL_ERROR,
		    "socketpair: %s", strerror(errno)));
		return;
	}
	pthread_mutex_init(&r->lock, NULL);
	r->refs = 2;
	r->host = xstrdup(p->host);
	r->port = p->port != NULL ? xstrdup(p->port) : NULL;
	r->socktype = p->socktype;
	r->pg = pg;
	p->res = r;
	if (pthread_create(&t, NULL, probe_resolve_main, r) != 0) {
		r->refs = 1;
		probe_finish(p, probe_result(p, SVC_FAILED, SVC_FAIL_ERROR,
		    "cannot start a resolver thread"));
		return;
	}
	pthread_detach(t);
	p->lfd = loop_fd_add(p->set->loop, r->sv[0], LOOP_READ,
	    probe_resolved_cb, p);
}

static void
probe_resolve(struct probe *p)
{
	probe_resolve_on_thread(p, false);
}

static void
probe_new_tid(struct probe *p)
{
	if (RAND_bytes(p->tid, sizeof p->tid) != 1)
		arc4random_buf(p->tid, sizeof p->tid);
}

/* Encode the request of the current step into p->out. */
static int
probe_build(struct probe *p)
{
	struct stun_req	 req;

	memset(&req, 0, sizeof req);
	probe_new_tid(p);
	memcpy(req.tid, p->tid, sizeof req.tid);
	req.lifetime = -1;
	req.software = "bbbctl probe";
	req.fingerprint = true;
	switch (p->step) {
	case STEP_BINDING:
		req.method = STUN_BINDING;
		break;
	case STEP_ALLOC1:
		req.method = STUN_ALLOCATE;
		req.transport = STUN_TRANSPORT_UDP;
		break;
	case STEP_ALLOC2:
	case STEP_REFRESH:
		req.method = p->step == STEP_ALLOC2 ? STUN_ALLOCATE :
		    STUN_REFRESH;
		if (p->step == STEP_ALLOC2)
			req.transport = STUN_TRANSPORT_UDP;
		else
			req.lifetime = 0;
		req.username = p->username;
		req.realm = p->realm;
		req.nonce = p->nonce;
		req.key = p->key;
		req.keylen = sizeof p->key;
		break;
	default:
		return (-1);
	}
	p->outlen = stun_encode(&req, p->out, sizeof p->out);
	p->outoff = 0;
	p->inlen = 0;
	return (p->outlen == 0 ? -1 : 0);
}

/* Write what is left of p->out; -1 on a hard error (finished). */
static int
probe_write(struct probe *p)
{
	ssize_t	 n;
	int	 e;

	while (p->outoff < p->outlen) {
		if (p->ssl != NULL) {
			ERR_clear_error();
			n = SSL_write(p->ssl, p->out + p->outoff,
			    (int)(p->outlen - p->outoff));
			if (n <= 0) {
				e = SSL_get_error(p->ssl, (int)n);
				if (e == SSL_ERROR_WANT_WRITE ||
				    e == SSL_ERROR_WANT_READ) {
					loop_fd_set_events(p->lfd, LOOP_READ |
					    LOOP_WRITE);
					return (0);
				}
				probe_finish(p, probe_result(p, SVC_FAILED,
				    SVC_FAIL_ERROR, "TLS write failed"));
				return (-1);
			}
		} else {
			n = send(p->fd, p->out + p->outoff,
			    p->outlen - p->outoff, MSG_NOSIGNAL);
			if (n < 0) {
				if (errno == EAGAIN || errno == EINTR) {
					loop_fd_set_events(p->lfd, LOOP_READ |
					    LOOP_WRITE);
					return (0);
				}
				if (errno == ECONNREFUSED &&
				    p->socktype == SOCK_DGRAM) {
					/* ICMP: RFC clients keep trying. */
					p->icmp_refused = true;
					p->outoff = p->outlen;
					break;
				}
				probe_finish(p, probe_result(p, SVC_FAILED,
				    probe_errno_fail(errno), "send: %s",
				    strerror(errno)));
				return (-1);
			}
		}
		p->outoff += (size_t)n;
		if (p->socktype == SOCK_DGRAM)
			p->outoff = p->outlen;
	}
	p->nsent++;
	loop_fd_set_events(p->lfd, LOOP_READ);
	return (0);
}

static void
probe_rexmit_cb(void *arg)
{
	struct probe	*p = arg;

	/* Same transaction, same bytes (RFC 5389 §7.2.1). */
	p->outoff = 0;
	if (probe_write(p) != 0)
		return;
	p->rto *= 2;
	loop_timer_start(p->rexmit, p->rto);
}

static int
probe_send(struct probe *p)
{
	if (probe_build(p) != 0) {
		probe_finish(p, probe_result(p, SVC_FAILED, SVC_FAIL_ERROR,
		    "cannot encode the request"));
		return (-1);
	}
	p->nsent = 0;
	if (probe_write(p) != 0)
		return (-1);
	if (p->socktype == SOCK_DGRAM) {
		p->rto = PROBE_RTO_MS;
		loop_timer_start(p->rexmit, p->rto);
	}
	return (0);
}

static void
probe_first_request(struct probe *p)
{
	p->step = p->type == PROBE_STUN ? STEP_BINDING : STEP_ALLOC1;
	probe_send(p);
}

static void
probe_tls_done(struct probe *p)
{
	const ASN1_TIME	*na;
	X509		*cert;
	struct tm	 tm;
	long		 vr;

	cert = SSL_get1_peer_certificate(p->ssl);
	if (cert != NULL) {
		na = X509_get0_notAfter(cert);
		if (na != NULL && ASN1_TIME_to_tm(na, &tm) == 1)
			p->cert_expiry = (int64_t)timegm(&tm) * 1000;
	}
	vr = SSL_get_verify_result(p->ssl);
	if (cert == NULL || vr != X509_V_OK) {
		X509_free(cert);
		probe_finish(p, probe_result(p, SVC_FAILED, SVC_FAIL_TLS,
		    "certificate: %s", cert == NULL ? "none" :
		    X509_verify_cert_error_string(vr)));
		return;
	}
	X509_free(cert);
	if (p->type == PROBE_TLS) {
		probe_finish(p, probe_result(p, SVC_OK, SVC_FAIL_NONE,
		    "certificate valid, %s", SSL_get_version(p->ssl)));
		return;
	}
	probe_first_request(p);
}

static void
probe_handshake(struct probe *p)
{
	int	 rc, e;

	ERR_clear_error();
	if ((rc = SSL_connect(p->ssl)) == 1) {
		probe_tls_done(p);
		return;
	}
	e = SSL_get_error(p->ssl, rc);
	if (e == SSL_ERROR_WANT_READ) {
		loop_fd_set_events(p->lfd, LOOP_READ);
		return;
	}
	if (e == SSL_ERROR_WANT_WRITE) {
		loop_fd_set_events(p->lfd, LOOP_WRITE);
		return;
	}
	probe_finish(p, probe_result(p, SVC_FAILED, SVC_FAIL_TLS,
	    "TLS handshake failed: %s", ERR_peek_last_error() != 0 ?
	    ERR_reason_error_string(ERR_peek_last_error()) :
	    "connection closed"));
}

static void
probe_connected(struct probe *p)
{
	uint8_t	 a[16];

	if (!p->tls) {
		probe_first_request(p);
		return;
	}
	p->step = STEP_HANDSHAKE;
	if (p->ssl_ctx == NULL &&
	    (p->ssl_ctx = SSL_CTX_new(TLS_client_method())) != NULL) {
		SSL_CTX_set_default_verify_paths(p->ssl_ctx);
		if (p->ca_file != NULL &&
		    SSL_CTX_load_verify_locations(p->ssl_ctx, p->ca_file,
		    NULL) != 1) {
			probe_finish(p, probe_result(p, SVC_FAILED,
			    SVC_FAIL_ERROR, "cannot read ca_file %s",
			    p->ca_file));
			return;
		}
	}
	if (p->ssl_ctx == NULL || (p->ssl = SSL_new(p->ssl_ctx)) == NULL ||
	    SSL_set_fd(p->ssl, p->fd) != 1) {
		probe_finish(p, probe_result(p, SVC_FAILED, SVC_FAIL_ERROR,
		    "cannot set up TLS"));
		return;
	}
	SSL_set_verify(p->ssl, SSL_VERIFY_NONE, NULL);
	if (inet_pton(AF_INET, p->host, a) != 1 &&
	    inet_pton(AF_INET6, p->host, a) != 1) {
		SSL_set_tlsext_host_name(p->ssl, p->host);
		SSL_set1_host(p->ssl, p->host);
	} else
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(p->ssl),
		    p->host);
	probe_handshake(p);
}

static void
probe_connect(struct probe *p)
{
	struct addrinfo	*ai = p->ai;
	int		 one = 1;

	p->step = STEP_CONNECT;
	p->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (p->fd == -1) {
		probe_finish(p, probe_result(p, SVC_FAILED, SVC_FAIL_ERROR,
		    "socket: %s", strerror(errno)));
		return;
	}
	if (p->socktype == SOCK_STREAM)
		setsockopt(p->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	p->lfd = loop_fd_add(p->set->loop, p->fd, LOOP_WRITE, probe_fd_cb,
	    p);
	if (connect(p->fd, ai->ai_addr, ai->ai_addrlen) == 0) {
		probe_connected(p);
		return;
	}
	if (errno != EINPROGRESS) {
		probe_finish(p, probe_result(p, SVC_FAILED,
		    probe_errno_fail(errno), "connect: %s", strerror(errno)));
		return;
	}
}

/* --- STUN/TURN answers -------------------------------------------------- */

static void
probe_stun_answer(struct probe *p, const uint8_t *buf, size_t len)
{
	struct stun_msg	 m;
	const char	*why;
	char		 a[64];
	int		 rc;

	if (stun_decode(buf, len, &m, &why) != 0) {
		if (p->socktype == SOCK_DGRAM)
			return;		/* stray datagram: ignore */
		probe_finish(p, probe_result(p, SVC_FAILED, SVC_FAIL_PROTOCOL,
		    "%s", why));
		return;
	}
	if (memcmp(m.tid, p->tid, STUN_TID_LEN) != 0 ||
	    m.cls == STUN_CLASS_REQUEST || m.cls == STUN_CLASS_INDICATION)
		return;			/* not ours (an old retransmit) */
	loop_timer_stop(p->rexmit);

	switch (p->step) {
	case STEP_BINDING:
		if (m.cls != STUN_CLASS_SUCCESS || m.mapped.family == 0) {
			probe_finish(p, probe_result(p, SVC_FAILED,
			    SVC_FAIL_PROTOCOL, "Binding: %d %s", m.error,
			    m.reason));
			return;
		}
		probe_finish(p, probe_result(p, SVC_OK, SVC_FAIL_NONE,
		    "mapped %s%s%s", stun_addr_fmt(&m.mapped, a, sizeof a),
		    m.software[0] != '\0' ? ", " : "", m.software));
		return;
	case STEP_ALLOC1:
		if (m.cls == STUN_CLASS_SUCCESS) {
			probe_finish(p, probe_result(p, SVC_WARN,
			    SVC_FAIL_NONE, "Allocate succeeded without "
			    "credentials: the TURN server is open"));
			return;
		}
		if (m.error != 401 || m.realm[0] == '\0' ||
		    m.nonce[0] == '\0') {
			probe_finish(p, probe_result(p, SVC_FAILED,
			    SVC_FAIL_PROTOCOL, "Allocate: %d %s (wanted 401 "
			    "with realm and nonce)", m.error, m.reason));
			return;
		}
		break;
	case STEP_ALLOC2:
	case STEP_REFRESH:
		if (m.cls == STUN_CLASS_ERROR && m.error == 438 &&
		    m.nonce[0] != '\0' && p->stale_nonces++ < 2) {
			snprintf(p->nonce, sizeof p->nonce, "%s", m.nonce);
			probe_send(p);
			return;
		}
		if (m.cls == STUN_CLASS_ERROR) {
			probe_finish(p, probe_result(p, SVC_FAILED,
			    m.error == 401 ? SVC_FAIL_AUTH : SVC_FAIL_ERROR,
			    "%s: %d %s%s", p->step == STEP_ALLOC2 ?
			    "Allocate" : "Refresh", m.error, m.reason,
			    m.error == 401 ? " with the REST credentials" :
			    ""));
			return;
		}
		if (!stun_check_integrity(buf, &m, p->key, sizeof p->key)) {
			probe_finish(p, probe_result(p, SVC_FAILED,
			    SVC_FAIL_PROTOCOL, "the answer's "
			    "MESSAGE-INTEGRITY does not hold"));
			return;
		}
		break;
	default:
		return;
	}

	switch (p->step) {
	case STEP_ALLOC1:
		snprintf(p->realm, sizeof p->realm, "%s", m.realm);
		snprintf(p->nonce, sizeof p->nonce, "%s", m.nonce);
		{
			char	 pass[64];

			rc = stun_rest_credentials(p->turn_secret,
			    util_wall_ms() / 1000 + PROBE_REST_LIFE,
			    PROBE_REST_USER, p->username, sizeof p->username,
			    pass, sizeof pass);
			if (rc == 0)
				stun_long_term_key(p->username, p->realm, pass,
				    p->key);
			explicit_bzero(pass, sizeof pass);
		}
		if (rc != 0) {
			probe_finish(p, probe_result(p, SVC_FAILED,
			    SVC_FAIL_ERROR, "cannot build credentials"));
			return;
		}
		p->step = STEP_ALLOC2;
		probe_send(p);
		return;
	case STEP_ALLOC2:
		if (m.relayed.family == 0) {
			probe_finish(p, probe_result(p, SVC_FAILED,
			    SVC_FAIL_PROTOCOL, "Allocate succeeded without "
			    "XOR-RELAYED-ADDRESS"));
			return;
		}
		stun_addr_fmt(&m.relayed, p->relayed, sizeof p->relayed);
		p->lifetime = m.lifetime;
		p->step = STEP_REFRESH;
		probe_send(p);
		return;
	case STEP_REFRESH:
		probe_finish(p, probe_result(p, SVC_OK, SVC_FAIL_NONE,
		    "relay %s, lifetime %llds, released", p->relayed,
		    (long long)p->lifetime));
		return;
	default:
		return;
	}
}

static void
probe_read(struct probe *p)
{
	ssize_t	 n;
	long	 fl;
	int	 e;

	for (;;) {
		if (p->ssl != NULL) {
			ERR_clear_error();
			n = SSL_read(p->ssl, p->in + p->inlen,
			    (int)(sizeof p->in - p->inlen));
			if (n <= 0) {
				e = SSL_get_error(p->ssl, (int)n);
				if (e == SSL_ERROR_WANT_READ ||
				    e == SSL_ERROR_WANT_WRITE)
					return;
				probe_finish(p, probe_result(p, SVC_FAILED,
				    SVC_FAIL_ERROR, "TLS connection closed"));
				return;
			}
		} else if (p->socktype == SOCK_DGRAM) {
			n = recv(p->fd, p->in, sizeof p->in, 0);
			if (n < 0) {
				if (errno == ECONNREFUSED) {
					p->icmp_refused = true;
					continue;
				}
				return;	/* EAGAIN, or wait for the deadline */
			}
			probe_stun_answer(p, p->in, (size_t)n);
			if (!p->running || p->fd == -1)
				return;
			continue;
		} else {
			n = recv(p->fd, p->in + p->inlen,
			    sizeof p->in - p->inlen, 0);
			if (n < 0) {
				if (errno == EAGAIN || errno == EINTR)
					return;
				probe_finish(p, probe_result(p, SVC_FAILED,
				    probe_errno_fail(errno), "recv: %s",
				    strerror(errno)));
				return;
			}
			if (n == 0) {
				probe_finish(p, probe_result(p, SVC_FAILED,
				    SVC_FAIL_PROTOCOL, "connection closed by "
				    "the server"));
				return;
			}
		}
		/* TCP and TLS: frame by the STUN length. */
		p->inlen += (size_t)n;
		while ((fl = stun_frame_len(p->in, p->inlen)) > 0 &&
		    (size_t)fl <= p->inlen) {
			uint8_t	 msg[STUN_MAX_MSG];
			size_t	 len = (size_t)fl;

			memcpy(msg, p->in, len);
			memmove(p->in, p->in + len, p->inlen - len);
			p->inlen -= len;
			probe_stun_answer(p, msg, len);
			if (!p->running || p->fd == -1)
				return;
		}
		if (fl < 0 || (fl == 0 && p->inlen == sizeof p->in) ||
		    (size_t)fl > sizeof p->in) {
			probe_finish(p, probe_result(p, SVC_FAILED,
			    SVC_FAIL_PROTOCOL, "the answer is no STUN "
			    "message"));
			return;
		}
	}
}

static void
probe_fd_cb(int fd, int events, void *arg)
{
	struct probe	*p = arg;
	socklen_t	 sl;
	int		 err = 0;

	(void)fd;
	switch (p->step) {
	case STEP_CONNECT:
		sl = sizeof err;
		if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &sl) != 0)
			err = errno;
		if (err != 0) {
			probe_finish(p, probe_result(p, SVC_FAILED,
			    probe_errno_fail(err), "connect: %s",
			    strerror(err)));
			return;
		}
		probe_connected(p);
		return;
	case STEP_HANDSHAKE:
		probe_handshake(p);
		return;
	default:
		break;
	}
	if ((events & LOOP_WRITE) && p->outoff < p->outlen) {
		if (probe_write(p) != 0)
			return;
	}
	if (events & (LOOP_READ | LOOP_ERROR))
		probe_read(p);
}

/* --- PostgreSQL ------------------------------------------------------- */

static enum svc_fail
probe_pg_fail(const char *msg)
{
	if (strstr(msg, "password authentication failed") != NULL ||
	    strstr(msg, "no password supplied") != NULL ||
	    strstr(msg, "no pg_hba.conf entry") != NULL)
		return (SVC_FAIL_AUTH);
	if (strstr(msg, "too many clients") != NULL ||
	    strstr(msg, "connection slots are reserved") != NULL)
		return (SVC_FAIL_FULL);
	if (strstr(msg, "Connection refused") != NULL ||
	    strstr(msg, "No such file or directory") != NULL)
		return (SVC_FAIL_REFUSED);
	if (strstr(msg, "could not translate host name") != NULL)
		return (SVC_FAIL_RESOLVE);
	if (strstr(msg, "timeout") != NULL)
		return (SVC_FAIL_TIMEOUT);
	return (SVC_FAIL_ERROR);
}

/* libpq's message, its last meaningful line (the first says where). */
static void
probe_pg_failed(struct probe *p, const char *msg)
{
	const char	*m = msg != NULL ? msg : "";
	const char	*f;
	char		*s, *line;

	s = xstrdup(m);
	line = s;
	/* "connection to server at ... failed: FATAL:  reason" */
	if ((f = strstr(s, "failed: ")) != NULL)
		line = s + (f - s) + 8;
	line[strcspn(line, "\n")] = '\0';
	probe_finish(p, probe_result(p, SVC_FAILED, probe_pg_fail(m), "%s",
	    line));
	free(s);
}

static void
probe_pg_watch(struct probe *p, int events)
{
	int	 fd = PQsocket(p->pg);

	/* The socket may change between PQconnectPoll calls (34.1). */
	if (p->lfd != NULL && fd != p->fd) {
		loop_fd_remove(p->lfd);
		p->lfd = NULL;
	}
	p->fd = fd;
	if (p->lfd == NULL)
		p->lfd = loop_fd_add(p->set->loop, fd, events, probe_pg_fd_cb,
		    p);
	else
		loop_fd_set_events(p->lfd, events);
}

static int
probe_pg_int(const PGresult *r, int col, int *out)
{
	long long	 v;
	const char	*why;

	if (util_parse_ll(PQgetvalue(r, 0, col), 0, 1000000, &v, &why) != 0)
		return (-1);
	*out = (int)v;
	return (0);
}

static void
probe_pg_result(struct probe *p)
{
	PGresult	*r;
	char		*ver = NULL;
	int		 used = -1, max = -1, reserved = 0, avail;
	bool		 bad = false;

	while ((r = PQgetResult(p->pg)) != NULL) {
		if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1 ||
		    PQnfields(r) != 4)
			bad = true;
		else if (ver == NULL) {
			if (probe_pg_int(r, 1, &max) != 0 ||
			    probe_pg_int(r, 2, &reserved) != 0 ||
			    probe_pg_int(r, 3, &used) != 0)
				bad = true;
			else
				ver = xstrdup(PQgetvalue(r, 0, 0));
		}
		PQclear(r);
	}
	if (bad || ver == NULL) {
		free(ver);
		probe_pg_failed(p, PQerrorMessage(p->pg));
		return;
	}
	avail = max - reserved;
	{
		struct svc_result	*res;
		bool			 warn;

		warn = avail > 0 && used * 100 >= avail * PROBE_PG_WARN_PCT;
		res = probe_result(p, warn ? SVC_WARN : SVC_OK, SVC_FAIL_NONE,
		    "PostgreSQL %s, %d of %d connections in use%s", ver, used,
		    avail, warn ? " (nearly full)" : "");
		res->conn_used = used;
		res->conn_max = avail;
		free(ver);
		probe_finish(p, res);
	}
}

static void
probe_pg_step(struct probe *p)
{
	PostgresPollingStatusType st;

	if (p->step == STEP_PG_CONNECT) {
		st = PQconnectPoll(p->pg);
		switch (st) {
		case PGRES_POLLING_READING:
			probe_pg_watch(p, LOOP_READ);
			return;
		case PGRES_POLLING_WRITING:
			probe_pg_watch(p, LOOP_WRITE);
			return;
		case PGRES_POLLING_FAILED:
			probe_pg_failed(p, PQerrorMessage(p->pg));
			return;
		default:
			break;
		}
		p->step = STEP_PG_QUERY;
		PQsetnonblocking(p->pg, 1);
		if (!PQsendQuery(p->pg, "SELECT "
		    "current_setting('server_version'), "
		    "current_setting('max_connections')::int, "
		    "current_setting('superuser_reserved_connections')::int, "
		    "(SELECT count(*) FROM pg_stat_activity "
		    "WHERE backend_type = 'client backend')")) {
			probe_pg_failed(p, PQerrorMessage(p->pg));
			return;
		}
	}
	if (PQflush(p->pg) == 1) {
		probe_pg_watch(p, LOOP_READ | LOOP_WRITE);
		return;
	}
	if (!PQconsumeInput(p->pg)) {
		probe_pg_failed(p, PQerrorMessage(p->pg));
		return;
	}
	if (PQisBusy(p->pg)) {
		probe_pg_watch(p, LOOP_READ);
		return;
	}
	probe_pg_result(p);
}

static void
probe_pg_fd_cb(int fd, int events, void *arg)
{
	(void)fd;
	(void)events;
	probe_pg_step(arg);
}

/*
 * Connect with the conninfo's options, and host, hostaddr and port when
 * resolved here (so that libpq has no name to look up on the loop; ports
 * NULL or empty: the conninfo's).
 */
static void
probe_pg_connect(struct probe *p, const char *hosts, const char *hostaddr,
    const char *ports)
{
	PQconninfoOption	*opts, *o;
	const char		**keys, **vals;
	char			*err = NULL;
	size_t			 n = 0, i = 0;

	if ((opts = PQconninfoParse(p->conninfo, &err)) == NULL) {
		PQfreemem(err);
		probe_finish(p, probe_result(p, SVC_FAILED, SVC_FAIL_ERROR,
		    "[postgres] conninfo cannot be parsed"));
		return;
	}
	for (o = opts; o->keyword != NULL; o++)
		n++;
	keys = xcalloc(n + 4, sizeof *keys);
	vals = xcalloc(n + 4, sizeof *vals);
	if (ports != NULL && *ports == '\0')
		ports = NULL;
	for (o = opts; o->keyword != NULL; o++) {
		if (o->val == NULL || (hostaddr != NULL &&
		    (strcmp(o->keyword, "hostaddr") == 0 ||
		    strcmp(o->keyword, "host") == 0)) || (ports != NULL &&
		    strcmp(o->keyword, "port") == 0))
			continue;
		keys[i] = o->keyword;
		vals[i++] = o->val;
	}
	if (hostaddr != NULL) {
		keys[i] = "host";
		vals[i++] = hosts;
		keys[i] = "hostaddr";
		vals[i++] = hostaddr;
	}
	if (ports != NULL) {
		keys[i] = "port";
		vals[i++] = ports;
	}
	p->step = STEP_PG_CONNECT;
	p->pg = PQconnectStartParams(keys, vals, 0);
	free(keys);
	free(vals);
	PQconninfoFree(opts);	/* zeroes nothing: libpq copied it */
	if (p->pg == NULL || PQstatus(p->pg) == CONNECTION_BAD) {
		probe_pg_failed(p, p->pg != NULL ? PQerrorMessage(p->pg) :
		    "out of memory");
		return;
	}
	p->fd = PQsocket(p->pg);
	p->lfd = loop_fd_add(p->set->loop, p->fd, LOOP_WRITE, probe_pg_fd_cb,
	    p);
}

static const char *
probe_pg_opt(PQconninfoOption *opts, const char *key)
{
	PQconninfoOption	*o;

	for (o = opts; o->keyword != NULL; o++) {
		if (strcmp(o->keyword, key) == 0)
			return (o->val != NULL && *o->val != '\0' ? o->val :
			    NULL);
	}
	return (NULL);
}

/* Does a libpq host list hold a name (not an address, not a socket)? */
static bool
probe_pg_has_name(const char *list)
{
	uint8_t	 a[16];
	char	*h;
	size_t	 i, n = probe_list_len(list);
	bool	 name = false;

	for (i = 0; i < n && !name; i++) {
		h = probe_list_nth(list, i);
		name = *h != '\0' && *h != '/' && *h != '@' &&
		    inet_pton(AF_INET, h, a) != 1 &&
		    inet_pton(AF_INET6, h, a) != 1;
		free(h);
	}
	return (name);
}

static void
probe_pg_start(struct probe *p)
{
	PQconninfoOption	*opts;
	const char		*host, *hostaddr, *port;
	char			*err = NULL;

	/* A conninfo libpq cannot parse may be echoed with its password. */
	if ((opts = PQconninfoParse(p->conninfo, &err)) == NULL) {
		PQfreemem(err);
		probe_finish(p, probe_result(p, SVC_FAILED, SVC_FAIL_ERROR,
		    "[postgres] conninfo cannot be parsed"));
		return;
	}
	/* libpq's own order: the conninfo, then the environment */
	if ((host = probe_pg_opt(opts, "host")) == NULL)
		host = getenv("PGHOST");
	if ((hostaddr = probe_pg_opt(opts, "hostaddr")) == NULL)
		hostaddr = getenv("PGHOSTADDR");
	if ((port = probe_pg_opt(opts, "port")) == NULL)
		port = getenv("PGPORT");
	if (port != NULL && *port == '\0')
		port = NULL;
	/*
	 * A host name (or a list with one) and no hostaddr: libpq would
	 * look each name up on the loop, blocking (PQconnectStartParams()
	 * the first, PQconnectPoll() the next when one fails); resolve them
	 * all on a thread, as the other probes do.  Addresses and socket
	 * directories only, or hostaddr given: libpq has nothing to look up.
	 * A port list must match the host list; else libpq refuses it
	 * before it looks anything up.
	 */
	if (host != NULL && *host != '\0' && (hostaddr == NULL ||
	    *hostaddr == '\0') && probe_pg_has_name(host) &&
	    (port == NULL || strchr(port, ',') == NULL ||
	    probe_list_len(port) == probe_list_len(host))) {
		free(p->host);
		free(p->port);
		p->host = xstrdup(host);
		p->port = xstrdup(port != NULL ? port : "5432");
		p->socktype = SOCK_STREAM;
		PQconninfoFree(opts);
		probe_resolve_on_thread(p, true);
		return;
	}
	PQconninfoFree(opts);
	probe_pg_connect(p, NULL, NULL, NULL);
}

/* --- the set ------------------------------------------------------------ */

static void
probe_run(struct probe *p)
{
	if (p->running)
		return;
	p->running = true;
	p->set->running++;
	p->t0 = util_mono_ms();
	p->icmp_refused = false;
	p->stale_nonces = 0;
	p->cert_expiry = 0;
	p->inlen = 0;
	loop_timer_start(p->deadline, p->set->timeout_ms);
	switch (p->type) {
	case PROBE_HTTP:
		probe_http_start(p);
		break;
	case PROBE_PG:
		probe_pg_start(p);
		break;
	default:
		probe_resolve(p);
		break;
	}
}

static struct probe *
probe_add(struct probe_set *set, const char *name, enum probe_type type,
    const char *kind)
{
	struct probe	*p;
	size_t		 i;

	for (i = 0; i < set->nprobes; i++) {
		if (strcmp(set->probes[i]->name, name) == 0)
			return (NULL);
	}
	p = xcalloc(1, sizeof *p);
	p->set = set;
	p->name = xstrdup(name);
	p->type = type;
	p->kind = kind;
	p->fd = -1;
	p->source = -1;
	p->socktype = SOCK_STREAM;
	p->deadline = loop_timer_new(set->loop, probe_deadline_cb, p);
	p->rexmit = loop_timer_new(set->loop, probe_rexmit_cb, p);
	set->probes = xreallocarray(set->probes, set->nprobes + 1,
	    sizeof *set->probes);
	set->probes[set->nprobes++] = p;
	return (p);
}

static void
probe_free(struct probe *p)
{
	probe_reset(p);
	loop_timer_free(p->deadline);
	loop_timer_free(p->rexmit);
	SSL_CTX_free(p->ssl_ctx);
	free(p->name);
	if (p->req != NULL) {
		api_req_clear(p->req);
		free(p->req);
	}
	freezero_str(p->turn_secret);
	free(p->host);
	free(p->port);
	freezero_str(p->conninfo);
	free(p);
}

/*
 * An HTTP probe of the system at url (NULL or "": none); the caller
 * builds p->req with that system's client (api/).
 */
static struct probe *
probe_add_http(struct probe_set *set, const char *name, const char *url,
    enum probe_http_check check, int source)
{
	struct probe	*p;

	if (url == NULL || *url == '\0')
		return (NULL);
	if ((p = probe_add(set, name, PROBE_HTTP, "http")) == NULL)
		return (NULL);
	p->req = xcalloc(1, sizeof *p->req);
	p->check = check;
	p->source = source;
	return (p);
}

/* Greenlight's <root>/health_check (the root may end in it already). */
static char *
probe_greenlight_url(const char *root)
{
	static const char	 path[] = "/health_check";
	size_t			 n = strlen(root), k = sizeof path - 1;

	while (n > 0 && root[n - 1] == '/')
		n--;
	if (n >= k && strncmp(root + n - k, path, k) == 0)
		return (xstrndup(root, n));
	return (xasprintf("%.*s%s", (int)n, root, path));
}

/* Split "host:port", "[v6]:port" or "host" (default port). */
static int
probe_split(const char *s, const char *defport, char **host, char **port)
{
	const char	*c;

	if (*s == '[') {
		if ((c = strchr(s, ']')) == NULL)
			return (-1);
		*host = xstrndup(s + 1, (size_t)(c - s - 1));
		c++;
	} else {
		c = strrchr(s, ':');
		if (c != NULL && strchr(s, ':') != c)
			c = NULL;	/* a bare IPv6 address */
		*host = c != NULL ? xstrndup(s, (size_t)(c - s)) :
		    xstrdup(s);
	}
	if (c != NULL && *c == ':' && c[1] != '\0')
		*port = xstrdup(c + 1);
	else
		*port = xstrdup(defport);
	return (**host == '\0' ? -1 : 0);
}

static struct probe *
probe_add_sock(struct probe_set *set, const char *name, enum probe_type type,
    const char *kind, const char *hostport, long port, int socktype,
    bool tls, const char *secret)
{
	struct probe	*p;
	char		 def[16];

	snprintf(def, sizeof def, "%ld", port);
	if ((p = probe_add(set, name, type, kind)) == NULL)
		return (NULL);
	if (probe_split(hostport, def, &p->host, &p->port) != 0) {
		free(p->host);
		p->host = xstrdup("?");
	}
	p->socktype = socktype;
	p->tls = tls;
	p->ca_file = set->cfg->probes.ca_file;
	if (secret != NULL)
		p->turn_secret = xstrdup(secret);
	return (p);
}

/* A TLS probe of an https URL's host and port, trusting ca_file too. */
static void
probe_add_tls_url(struct probe_set *set, const char *url,
    const char *ca_file)
{
	struct probe	*p;
	const char	*h, *e;
	char		*hp, *name;

	if (url == NULL || strncasecmp(url, "https://", 8) != 0)
		return;
	h = url + 8;
	e = h + strcspn(h, "/?#");
	hp = xstrndup(h, (size_t)(e - h));
	if (strchr(hp, '@') != NULL) {
		free(hp);
		return;		/* user info: not ours to show */
	}
	name = xasprintf("tls:%s", hp);
	p = probe_add_sock(set, name, PROBE_TLS, "tls", hp, 443,
	    SOCK_STREAM, true, NULL);
	if (p != NULL)
		p->ca_file = ca_file;
	free(name);
	free(hp);
}

struct probe_set *
probe_set_new(struct loop *loop, struct http *http, struct fleet *f,
    const struct config *cfg)
{
	struct probe_set	*set;
	struct probe		*p;
	struct api_conn		 c;
	const char		*h = cfg->probes.coturn_host;
	const char		*ca = cfg->probes.ca_file;
	char			*list, *w, *save, *name;
	size_t			 i;

	set = xcalloc(1, sizeof *set);
	set->loop = loop;
	set->http = http;
	set->fleet = f;
	set->cfg = cfg;
	set->flush = loop_timer_new(loop, probe_flush_cb, set);
	set->interval_ms = cfg->probes.interval_ms;
	set->timeout_ms = cfg->probes.timeout_ms;

	/* The requests come from the clients (api/): URL, token, keys. */
	if ((p = probe_add_http(set, "scalelite", cfg->scalelite.url,
	    PROBE_CHECK_SUCCESS, FLEET_SRC_SCALELITE)) != NULL) {
		c = api_scalelite_conn(cfg);
		api_scalelite_health(p->req, &c);
	}
	if ((p = probe_add_http(set, "greenlight", cfg->probes.greenlight_url,
	    PROBE_CHECK_SUCCESS, -1)) != NULL) {
		memset(&c, 0, sizeof c);
		c.ca_file = ca;
		api_req_init(p->req, &c, NULL,
		    probe_greenlight_url(cfg->probes.greenlight_url));
	}
	if ((p = probe_add_http(set, "consul-leader", cfg->consul.url,
	    PROBE_CHECK_LEADER, FLEET_SRC_CONSUL)) != NULL) {
		c = api_consul_conn(cfg);
		api_consul_req(p->req, &c, NULL, "v1/status/leader", NULL);
	}
	if ((p = probe_add_http(set, "rancher", cfg->rancher.url,
	    PROBE_CHECK_2XX, FLEET_SRC_RANCHER)) != NULL) {
		c = api_rancher_conn(cfg);
		api_rancher_req(p->req, &c, NULL, "", NULL);
	}
	if (cfg->postgres.conninfo != NULL &&
	    (p = probe_add(set, "postgres", PROBE_PG, "postgres")) != NULL)
		p->conninfo = xstrdup(cfg->postgres.conninfo);

	if (h != NULL && *h != '\0') {
		probe_add_sock(set, "stun-udp", PROBE_STUN, "stun", h,
		    cfg->probes.coturn_port, SOCK_DGRAM, false, NULL);
		probe_add_sock(set, "stun-tcp", PROBE_STUN, "stun", h,
		    cfg->probes.coturn_port, SOCK_STREAM, false, NULL);
		if (cfg->probes.turn_secret != NULL) {
			probe_add_sock(set, "turn-udp", PROBE_TURN, "turn", h,
			    cfg->probes.coturn_port, SOCK_DGRAM, false,
			    cfg->probes.turn_secret);
			probe_add_sock(set, "turn-tcp", PROBE_TURN, "turn", h,
			    cfg->probes.coturn_port, SOCK_STREAM, false,
			    cfg->probes.turn_secret);
			if (cfg->probes.coturn_tls_port > 0)
				probe_add_sock(set, "turn-tls", PROBE_TURN,
				    "turn", h, cfg->probes.coturn_tls_port,
				    SOCK_STREAM, true,
				    cfg->probes.turn_secret);
		} else if (cfg->probes.coturn_tls_port > 0)
			probe_add_sock(set, "tls:coturn", PROBE_TLS, "tls", h,
			    cfg->probes.coturn_tls_port, SOCK_STREAM, true,
			    NULL);
	}

	/* Certificates of every https endpoint bbbctl talks to. */
	probe_add_tls_url(set, cfg->scalelite.url, cfg->scalelite.ca_file);
	probe_add_tls_url(set, cfg->probes.greenlight_url, ca);
	probe_add_tls_url(set, cfg->consul.url, cfg->consul.ca_file);
	probe_add_tls_url(set, cfg->prometheus.url, cfg->prometheus.ca_file);
	probe_add_tls_url(set, cfg->rancher.url, cfg->rancher.ca_file);
	probe_add_tls_url(set, cfg->openstack.auth_url,
	    cfg->openstack.ca_file);
	if (cfg->probes.tls_endpoints != NULL) {
		list = xstrdup(cfg->probes.tls_endpoints);
		for (w = strtok_r(list, ", \t", &save); w != NULL;
		    w = strtok_r(NULL, ", \t", &save)) {
			name = xasprintf("tls:%s", w);
			probe_add_sock(set, name, PROBE_TLS, "tls", w, 443,
			    SOCK_STREAM, true, NULL);
			free(name);
		}
		free(list);
	}

	for (i = 0; i < set->nprobes; i++) {
		p = set->probes[i];
		{
			char	 tgt[300];

			services_expect(f, p->name, p->kind,
			    probe_target(p, tgt, sizeof tgt), p->source,
			    util_wall_ms());
		}
	}
	return (set);
}

void
probe_set_free(struct probe_set *set)
{
	size_t	 i;

	if (set == NULL)
		return;
	for (i = 0; i < set->nprobes; i++) {
		set->probes[i]->running = false;
		probe_free(set->probes[i]);
	}
	free(set->probes);
	for (i = 0; i < set->nresults; i++)
		services_result_free(set->results[i]);
	free(set->results);
	loop_timer_free(set->flush);
	loop_timer_free(set->tick);
	free(set);
}

size_t
probe_set_count(const struct probe_set *set)
{
	return (set->nprobes);
}

size_t
probe_set_running(const struct probe_set *set)
{
	return (set->running);
}

int
probe_set_only(struct probe_set *set, const char *name)
{
	struct probe	*keep = NULL;
	size_t		 i;

	for (i = 0; i < set->nprobes; i++) {
		if (strcmp(set->probes[i]->name, name) == 0)
			keep = set->probes[i];
	}
	if (keep == NULL)
		return (-1);
	for (i = 0; i < set->nprobes; i++) {
		if (set->probes[i] != keep)
			probe_free(set->probes[i]);
	}
	set->probes[0] = keep;
	set->nprobes = 1;
	services_free_all(set->fleet);
	services_expect(set->fleet, keep->name, keep->kind, NULL, keep->source,
	    util_wall_ms());
	return (0);
}

static void
probe_tick_cb(void *arg)
{
	struct probe_set	*set = arg;
	size_t			 i;

	/* Held at one more while starting: a probe that ends at once
	   must not end the round before the others began. */
	set->running++;
	for (i = 0; i < set->nprobes; i++)
		probe_run(set->probes[i]);
	if (set->repeat)
		loop_timer_start(set->tick, set->interval_ms);
	/* Every probe ended while starting: their results are waiting. */
	if (--set->running == 0) {
		probe_flush_cb(set);
		if (set->done != NULL)
			set->done(set->done_arg);
	}
}

void
probe_set_start(struct probe_set *set, bool repeat, probe_round_cb done,
    void *arg)
{
	set->repeat = repeat;
	set->done = done;
	set->done_arg = arg;
	if (set->tick == NULL)
		set->tick = loop_timer_new(set->loop, probe_tick_cb, set);
	probe_tick_cb(set);
}
