/*
 * sim-http.c: the simulator's HTTP servers.
 *
 * One libmicrohttpd daemon per system, each on its own listening socket
 * (--listen address, port 0 = the kernel's choice), a thread per
 * connection so that consul blocking queries and "hang" faults simply
 * block that connection's thread.  Each request: collect the body (capped
 * at SIM_HTTP_MAX_BODY -> 413), apply a fault if one matches, take the
 * world lock, move the world forward, call the system's handler, send its
 * struct sim_resp.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netdb.h>
#include <netinet/in.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#ifdef HAVE_ZLIB
#include <zlib.h>
#endif

#include "util.h"
#include "sim/sim.h"

#define SIM_HTTP_MAX_BODY	(1024 * 1024)
#define SIM_HTTP_BLOCK		(32 * 1024)

struct sim_daemon {
	struct sim_world	*world;
	enum sim_system		 system;
	struct MHD_Daemon	*mhd;
	/*
	 * The "empty" profile's gated systems: resv is the port's bound,
	 * not listening socket while the system is down (-1 while it
	 * serves); up is read by the connection threads (under the world
	 * lock) so that a kept-alive connection is closed too once the
	 * stack is gone.  Daemons that stopped accepting are kept in
	 * retired until sim_http_stop (a consul blocking query may still
	 * hold one of their threads).
	 */
	bool			 gated;
	bool			 up;
	int			 resv;
	struct MHD_Daemon	*retired[64];
	size_t			 nretired;
};

struct sim_http {
	struct sim_daemon	 daemons[SIM_NSYSTEMS];
	char			 listen[64];
};

/* Per request. */
struct sim_conn {
	char			*uri;	/* raw, with the query */
	struct buf		 body;
	bool			 too_large;
	bool			 started;	/* first call seen */
	struct MHD_Connection	*mhd;
};

/* A response body produced by callback (truncated, huge). */
struct sim_stream {
	char		*data;		/* may be NULL */
	size_t		 len;		/* bytes of data to send */
	uint64_t	 total;		/* bytes to send (huge; chunked:
					   UINT64_MAX, never reached) */
	bool		 cut;		/* error after len bytes */
	const char	*fill;		/* huge: repeated */
	const char	*tail;		/* huge: the end */
};

static void *
sim_http_uri_cb(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct sim_conn	*sc;

	sc = xcalloc(1, sizeof *sc);
	sc->uri = xstrdup(uri);
	sc->mhd = c;
	return (sc);
}

static void
sim_http_completed_cb(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct sim_conn	*sc = *con_cls;

	if (sc == NULL)
		return;
	free(sc->uri);
	buf_free(&sc->body);
	free(sc);
	*con_cls = NULL;
}

static const char *
sim_http_header(const struct sim_req *req, const char *name)
{
	struct sim_conn	*sc = req->conn;

	if (sc == NULL || sc->mhd == NULL)
		return (NULL);
	return (MHD_lookup_connection_value(sc->mhd, MHD_HEADER_KIND, name));
}

/* Sleep ms, waking early on shutdown. */
static void
sim_http_sleep(struct sim_world *w, int64_t ms)
{
	struct timespec	ts;
	int64_t		end, left;

	end = util_mono_ms() + ms + 1;	/* at least ms */

	while (!w->shutdown && (left = end - util_mono_ms()) > 0) {
		if (left > 50)
			left = 50;
		ts.tv_sec = 0;
		ts.tv_nsec = left * 1000000;
		nanosleep(&ts, NULL);
	}
}

/* Block until shutdown or until the client goes away. */
static void
sim_http_hang(struct sim_world *w, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo	*ci;
	struct pollfd			 pfd;
	char				 ch;
	ssize_t				 n;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	while (!w->shutdown) {
		if (ci == NULL) {
			sim_http_sleep(w, 100);
			continue;
		}
		pfd.fd = ci->connect_fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if (pfd.revents & (POLLHUP | POLLERR))
			break;
		n = recv(ci->connect_fd, &ch, 1, MSG_PEEK | MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			break;
		/* pipelined bytes: keep hanging */
		sim_http_sleep(w, 100);
	}
}

static ssize_t
sim_http_stream_cb(void *cls, uint64_t pos, char *out, size_t max)
{
	struct sim_stream	*st = cls;
	size_t			 n, flen, tlen, i, k;
	uint64_t		 tail_at;

	if (st->cut) {
		if (pos >= st->len)
			return (MHD_CONTENT_READER_END_WITH_ERROR);
		n = st->len - (size_t)pos;
		if (n > max)
			n = max;
		memcpy(out, st->data + pos, n);
		return ((ssize_t)n);
	}
	if (pos >= st->total)
		return (MHD_CONTENT_READER_END_OF_STREAM);
	flen = strlen(st->fill);
	tlen = strlen(st->tail);
	tail_at = st->total > tlen ? st->total - tlen : 0;
	n = 0;
	while (n < max && pos + n < st->total) {
		i = (size_t)(pos + n);
		if (i < st->len)
			out[n++] = st->data[i];
		else if (i >= tail_at)
			out[n++] = st->tail[i - tail_at];
		else {
			/* the rest of this fill period, in one copy */
			k = flen - (i - st->len) % flen;
			if (k > max - n)
				k = max - n;
			if (k > tail_at - i)
				k = (size_t)(tail_at - i);
			memcpy(out + n, st->fill + (i - st->len) % flen, k);
			n += k;
		}
	}
	return ((ssize_t)n);
}

static void
sim_http_stream_free_cb(void *cls)
{
	struct sim_stream	*st = cls;

	free(st->data);
	free(st);
}

static bool
sim_http_is_json(const char *ctype)
{
	return (ctype != NULL && strstr(ctype, "json") != NULL);
}

static bool
sim_http_is_xml(const char *ctype)
{
	return (ctype != NULL && strstr(ctype, "xml") != NULL);
}

/* A plausible error body for status faults, as the system would send. */
static void
sim_http_fault_status(enum sim_system sys, int status, struct sim_resp *r)
{
	const char	*reason;

	reason = MHD_get_reason_phrase_for((unsigned)status);
	if (reason == NULL || *reason == '\0')
		reason = "Error";
	switch (sys) {
	case SIM_CONSUL:
		sim_resp_printf(r, status, "text/plain; charset=utf-8",
		    "rpc error making call: %s", reason);
		break;
	case SIM_PROMETHEUS:
		sim_resp_printf(r, status, "application/json",
		    "{\"status\":\"error\",\"errorType\":\"%s\","
		    "\"error\":\"%s\"}",
		    status == 503 ? "unavailable" : status == 422 ?
		    "execution" : status == 400 ? "bad_data" : "internal",
		    reason);
		break;
	case SIM_SCALELITE:
		if (status >= 500)
			sim_resp_printf(r, status, "text/html; charset=utf-8",
			    "<!DOCTYPE html>\n<html>\n<head>\n  <title>We're "
			    "sorry, but something went wrong (%d)</title>\n"
			    "</head>\n<body>\n  <h1>We're sorry, but "
			    "something went wrong.</h1>\n</body>\n</html>\n",
			    status);
		else
			sim_resp_printf(r, status, "text/xml",
			    "<response><returncode>FAILED</returncode>"
			    "<messageKey>internalError</messageKey><message>"
			    "%s</message></response>", reason);
		break;
	case SIM_RANCHER:
		sim_resp_printf(r, status, "application/json",
		    "{\"id\":\"%d\",\"type\":\"error\",\"links\":{},"
		    "\"actions\":{},\"status\":%d,\"code\":\"%s\","
		    "\"message\":\"%s\",\"detail\":null,\"baseType\":"
		    "\"error\"}", status, status, reason, reason);
		break;
	case SIM_OPENSTACK:
		sim_resp_printf(r, status, "application/json",
		    "{\"computeFault\":{\"code\":%d,\"message\":\"%s\"}}",
		    status, reason);
		break;
	default:
		sim_resp_printf(r, status, "text/plain; charset=utf-8",
		    "%s\n", reason);
		break;
	}
}

/* Cut a body in half and append garbage: broken in its own syntax. */
static void
sim_http_malform(struct sim_resp *r)
{
	struct buf	b = { 0 };
	const char	*junk;

	if (sim_http_is_json(r->content_type))
		junk = "{\"\\u12\":[,";
	else if (sim_http_is_xml(r->content_type))
		junk = "<</returncode attr=\"><";
	else
		junk = "\n{\"} 1e+ x\xff\n";
	if (r->body != NULL)
		buf_add(&b, r->body, r->len / 2);
	buf_adds(&b, junk);
	free(r->body);
	r->len = b.len;
	r->body = buf_steal(&b);
}

enum sim_http_enc { SIM_ENC_NONE, SIM_ENC_GZIP, SIM_ENC_DEFLATE };

#ifdef HAVE_ZLIB
/* Compress the body in place (gzip, or raw deflate as Go's flate). */
static bool
sim_http_compress(struct sim_resp *r, enum sim_http_enc enc)
{
	z_stream	 z;
	unsigned char	*out;
	size_t		 cap;
	int		 rc;

	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 6, Z_DEFLATED, enc == SIM_ENC_GZIP ? 15 + 16 :
	    -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return (false);
	cap = deflateBound(&z, r->len) + 32;
	out = xmalloc(cap);
	z.next_in = (unsigned char *)r->body;
	z.avail_in = r->len;
	z.next_out = out;
	z.avail_out = cap;
	rc = deflate(&z, Z_FINISH);
	if (rc != Z_STREAM_END) {
		deflateEnd(&z);
		free(out);
		return (false);
	}
	free(r->body);
	r->body = (char *)out;
	r->len = z.total_out;
	deflateEnd(&z);
	return (true);
}
#endif

/*
 * Which encoding the real system would use (apis.md §5).  Prometheus:
 * the first token, left to right, that is exactly "gzip" or "deflate".
 * consul (gziphandler): gzip whenever a gzip token is acceptable.
 */
static enum sim_http_enc
sim_http_encoding(enum sim_system sys, struct MHD_Connection *c)
{
	const char	*ae, *p, *semi;
	size_t		 n, tok;

	if (sys != SIM_PROMETHEUS && sys != SIM_CONSUL)
		return (SIM_ENC_NONE);
	ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_ACCEPT_ENCODING);
	if (ae == NULL)
		return (SIM_ENC_NONE);
	p = ae;
	while (*p != '\0') {
		p += strspn(p, " \t,");
		n = strcspn(p, ",");
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (sys == SIM_PROMETHEUS) {
			if (n == 4 && strncmp(p, "gzip", 4) == 0)
				return (SIM_ENC_GZIP);
			if (n == 7 && strncmp(p, "deflate", 7) == 0)
				return (SIM_ENC_DEFLATE);
		} else {
			semi = memchr(p, ';', n);
			tok = semi != NULL ? (size_t)(semi - p) : n;
			while (tok > 0 && p[tok - 1] == ' ')
				tok--;
			if (tok == 4 && strncasecmp(p, "gzip", 4) == 0 &&
			    (semi == NULL || strstr(semi, "q=0") == NULL ||
			    strstr(semi, "q=0.") != NULL))
				return (SIM_ENC_GZIP);
		}
		p += strcspn(p, ",");
	}
	return (SIM_ENC_NONE);
}

static enum MHD_Result
sim_http_queue(struct MHD_Connection *c, struct sim_resp *r,
    struct MHD_Response *mr)
{
	enum MHD_Result	rc;
	size_t		i;

	MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE,
	    r->content_type != NULL ? r->content_type :
	    "text/plain; charset=utf-8");
	for (i = 0; i < r->nheaders; i++)
		MHD_add_response_header(mr, r->headers[i].name,
		    r->headers[i].value);
	rc = MHD_queue_response(c, r->status ? (unsigned)r->status : 200, mr);
	MHD_destroy_response(mr);
	return (rc);
}

static enum MHD_Result
sim_http_send(struct sim_daemon *sd, struct MHD_Connection *c,
    struct sim_resp *r, const struct sim_fault *fault)
{
	struct MHD_Response	*mr;
	struct sim_stream	*st;
	enum sim_http_enc	 enc;
	bool			 json, xml;

	if (fault != NULL && fault->kind == SIM_FAULT_TRUNCATED) {
		st = xcalloc(1, sizeof *st);
		st->cut = true;
		st->data = r->body;
		st->total = r->len < 64 ? r->len + 64 : r->len;
		st->len = r->len < 64 ? r->len : r->len / 2;
		r->body = NULL;
		mr = MHD_create_response_from_callback(st->total,
		    SIM_HTTP_BLOCK, sim_http_stream_cb, st,
		    sim_http_stream_free_cb);
		return (sim_http_queue(c, r, mr));
	}
	if (fault != NULL && (fault->kind == SIM_FAULT_HUGE ||
	    fault->kind == SIM_FAULT_CHUNKED)) {
		st = xcalloc(1, sizeof *st);
		json = sim_http_is_json(r->content_type);
		xml = sim_http_is_xml(r->content_type);
		/* chunked: no length, so the filler never ends */
		st->total = fault->kind == SIM_FAULT_CHUNKED ? UINT64_MAX :
		    (uint64_t)fault->arg;
		if (json) {
			st->data = xstrdup("[");
			st->fill = "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			    "xxxxxxxxxxxxxxxxxxxxx\",";
			st->tail = "\"x\"]";
		} else if (xml) {
			st->data = xstrdup("<response><returncode>SUCCESS"
			    "</returncode><meetings>");
			st->fill = "<meeting><meetingID>x</meetingID>"
			    "</meeting>";
			st->tail = "</meetings></response>";
		} else {
			st->data = xstrdup("");
			st->fill = "# filler of a huge response\n";
			st->tail = "\n";
		}
		st->len = strlen(st->data);
		mr = MHD_create_response_from_callback(fault->kind ==
		    SIM_FAULT_CHUNKED ? MHD_SIZE_UNKNOWN : st->total,
		    SIM_HTTP_BLOCK, sim_http_stream_cb, st,
		    sim_http_stream_free_cb);
		return (sim_http_queue(c, r, mr));
	}
	if (fault != NULL && fault->kind == SIM_FAULT_MALFORMED)
		sim_http_malform(r);
#ifdef HAVE_ZLIB
	enc = sim_http_encoding(sd->system, c);
	if (r->len > 0 && enc != SIM_ENC_NONE && sim_http_compress(r, enc)) {
		sim_resp_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING,
		    enc == SIM_ENC_GZIP ? "gzip" : "deflate");
		sim_resp_header(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
	}
#else
	(void)sim_http_encoding;
	(void)enc;
#endif
	mr = MHD_create_response_from_buffer(r->len,
	    r->body != NULL ? r->body : (char *)"", r->body != NULL ?
	    MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	r->body = NULL;
	return (sim_http_queue(c, r, mr));
}

void
sim_dispatch(struct sim_world *w, const struct sim_req *req,
    struct sim_resp *resp)
{
	switch (req->system) {
	case SIM_CONSUL:
		sim_consul_handle(w, req, resp);
		break;
	case SIM_PROMETHEUS:
		sim_prom_handle(w, req, resp);
		break;
	case SIM_SCALELITE:
		sim_scalelite_handle(w, req, resp);
		break;
	case SIM_RANCHER:
		sim_rancher_handle(w, req, resp);
		break;
	case SIM_OPENSTACK:
		sim_openstack_handle(w, req, resp);
		break;
	case SIM_METRICS:
		sim_metrics_handle(w, req, resp);
		break;
	case SIM_CONTROL:
		sim_control_handle(w, req, resp);
		break;
	case SIM_GREENLIGHT:
		sim_greenlight_handle(w, req, resp);
		break;
	default:
		sim_resp_printf(resp, 500, NULL, "no such system\n");
		break;
	}
}

/* A word of a log line: blanks and control characters become '_'. */
static void
sim_http_log_word(char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			*s = '_';
	}
}

/* One line of the access log; stdio locks the stream for the call. */
static void
sim_http_log(struct sim_daemon *sd, struct MHD_Connection *c,
    const char *method, const char *url)
{
	const char	*host;
	char		*h, *p;

	host = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_HOST);
	h = xstrdup(host != NULL && *host != '\0' ? host : "-");
	p = xstrdup(url);
	sim_http_log_word(h);
	sim_http_log_word(p);
	fprintf(sd->world->access_log, "%s %s %s %s\n",
	    sim_system_name(sd->system), h, method, p);
	free(p);
	free(h);
}

static enum MHD_Result
sim_http_access_cb(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct sim_daemon	*sd = cls;
	struct sim_world	*w = sd->world;
	struct sim_conn		*sc = *con_cls;
	struct sim_req		 req;
	struct sim_resp		 resp;
	struct sim_fault	 fault;
	bool			 faulty = false;
	const char		*q;
	enum MHD_Result		 rc;

	if (sc == NULL)		/* no URI callback: cannot happen */
		return (MHD_NO);
	if (sd->gated) {
		bool	 up;

		pthread_mutex_lock(&w->lock);
		up = sd->up;
		pthread_mutex_unlock(&w->lock);
		if (!up)	/* its stack is gone: close, no answer */
			return (MHD_NO);
	}
	/* answering in the first call would make MHD close the connection */
	if (!sc->started) {
		sc->started = true;
		return (MHD_YES);
	}
	if (*upload_data_size != 0) {
		if (sc->body.len + *upload_data_size > SIM_HTTP_MAX_BODY)
			sc->too_large = true;
		else
			buf_add(&sc->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return (MHD_YES);
	}

	memset(&resp, 0, sizeof resp);
	if (sc->too_large) {
		sim_resp_printf(&resp, 413, NULL, "Request body too large\n");
		rc = sim_http_send(sd, c, &resp, NULL);
		sim_resp_clear(&resp);
		return (rc);
	}

	if (w->access_log != NULL)
		sim_http_log(sd, c, method, url);
	if (sd->system != SIM_CONTROL &&
	    sim_fault_match(w, sd->system, url, &fault)) {
		faulty = true;
		switch (fault.kind) {
		case SIM_FAULT_RESET:
			return (MHD_NO);
		case SIM_FAULT_HANG:
			sim_http_hang(w, c);
			return (MHD_NO);
		case SIM_FAULT_LATENCY:
			sim_http_sleep(w, fault.arg);
			if (w->shutdown)
				return (MHD_NO);
			faulty = false;
			break;
		case SIM_FAULT_STATUS:
			sim_http_fault_status(sd->system, (int)fault.arg,
			    &resp);
			rc = sim_http_send(sd, c, &resp, NULL);
			sim_resp_clear(&resp);
			return (rc);
		default:
			break;
		}
	}

	memset(&req, 0, sizeof req);
	req.system = sd->system;
	req.method = method;
	req.path = url;
	q = strchr(sc->uri, '?');
	req.query = q != NULL ? q + 1 : "";
	req.host = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_HOST);
	if (req.host == NULL)
		req.host = "";
	req.body = sc->body.data != NULL ? sc->body.data : "";
	req.bodylen = sc->body.len;
	req.header = sim_http_header;
	req.conn = sc;

	resp.status = 200;
	pthread_mutex_lock(&w->lock);
	sim_world_tick(w);
	sim_dispatch(w, &req, &resp);
	pthread_mutex_unlock(&w->lock);
	if (resp.content_type == NULL)
		resp.content_type = xstrdup("text/plain; charset=utf-8");

	rc = sim_http_send(sd, c, &resp, faulty ? &fault : NULL);
	sim_resp_clear(&resp);
	return (rc);
}

static int
sim_http_socket(const char *listen_addr, int port, bool listening,
    uint16_t *bound, char **cause)
{
	struct addrinfo		 hints, *ai = NULL;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof ss;
	char			 portstr[16];
	int			 fd = -1, on = 1, e;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
	snprintf(portstr, sizeof portstr, "%d", port);
	if ((e = getaddrinfo(listen_addr, portstr, &hints, &ai)) != 0) {
		*cause = xasprintf("listen address %s: %s", listen_addr,
		    gai_strerror(e));
		return (-1);
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
	    (listening && listen(fd, 512) != 0) ||
	    getsockname(fd, (struct sockaddr *)&ss, &sslen) != 0)
		goto fail;
	if (ss.ss_family == AF_INET6)
		*bound = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	else
		*bound = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	freeaddrinfo(ai);
	return (fd);

fail:
	*cause = xasprintf("listen on %s port %d: %s", listen_addr, port,
	    strerror(errno));
	if (fd != -1)
		close(fd);
	freeaddrinfo(ai);
	return (-1);
}

/* A daemon on a listening socket (taken, even on failure). */
static struct MHD_Daemon *
sim_http_daemon(struct sim_daemon *sd, int fd)
{
	struct MHD_Daemon	*mhd;

	mhd = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ITC, 0, NULL, NULL,
	    sim_http_access_cb, sd,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_URI_LOG_CALLBACK, sim_http_uri_cb, sd,
	    MHD_OPTION_NOTIFY_COMPLETED, sim_http_completed_cb, sd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)16384,
	    MHD_OPTION_THREAD_STACK_SIZE, (size_t)(512 * 1024),
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024),
	    MHD_OPTION_END);
	if (mhd == NULL)
		close(fd);
	return (mhd);
}

/* The systems the "empty" profile's stacks bring up. */
static bool
sim_http_gated(const struct sim_world *w, int sys)
{
	if (strcmp(w->profile, "empty") != 0)
		return (false);
	return (sys == SIM_CONSUL || sys == SIM_PROMETHEUS ||
	    sys == SIM_SCALELITE || sys == SIM_GREENLIGHT);
}

int
sim_http_start(struct sim_world *w, const char *listen_addr, int port_base,
    char **cause)
{
	struct sim_http		*h;
	struct sim_daemon	*sd;
	int			 i, fd;

	h = xcalloc(1, sizeof *h);
	w->http = h;
	snprintf(w->listen, sizeof w->listen, "%s", listen_addr);
	snprintf(h->listen, sizeof h->listen, "%s", listen_addr);
	for (i = 0; i < SIM_NSYSTEMS; i++) {
		sd = &h->daemons[i];
		sd->world = w;
		sd->system = i;
		sd->resv = -1;
		sd->gated = sim_http_gated(w, i);
		fd = sim_http_socket(listen_addr, port_base > 0 ?
		    port_base + i : 0, !sd->gated, &w->ports[i], cause);
		if (fd == -1)
			goto fail;
		if (sd->gated) {
			int	 fd2;

			/*
			 * Bound, not listening: connections are refused.
			 * Bound again to the port by number (both with
			 * SO_REUSEADDR, neither listening), so that the
			 * kernel keeps the port when a shutdown takes it
			 * from listening back to closed (sim_http_gate).
			 */
			fd2 = sim_http_socket(listen_addr, w->ports[i], false,
			    &w->ports[i], cause);
			close(fd);
			if (fd2 == -1)
				goto fail;
			sd->resv = fd2;
			continue;
		}
		if ((sd->mhd = sim_http_daemon(sd, fd)) == NULL) {
			*cause = xasprintf("cannot start the %s server",
			    sim_system_name(i));
			goto fail;
		}
	}
	return (0);

fail:
	sim_http_stop(w);
	return (-1);
}

void
sim_http_stop(struct sim_world *w)
{
	struct sim_http	*h = w->http;
	int		 i;

	if (h == NULL)
		return;
	sim_world_shutdown(w);
	for (i = 0; i < SIM_NSYSTEMS; i++) {
		struct sim_daemon	*sd = &h->daemons[i];
		size_t			 k;

		if (sd->mhd != NULL)
			MHD_stop_daemon(sd->mhd);
		for (k = 0; k < sd->nretired; k++)
			MHD_stop_daemon(sd->retired[k]);
		if (sd->resv != -1)
			close(sd->resv);
	}
	free(h);
	w->http = NULL;
}

void
sim_http_gate(struct sim_world *w)
{
	struct sim_http		*h = w->http;
	struct sim_daemon	*sd;
	bool			 want[SIM_NSYSTEMS];
	char			*cause = NULL;
	uint16_t		 port;
	int			 i, fd;

	if (h == NULL || strcmp(w->profile, "empty") != 0)
		return;
	pthread_mutex_lock(&w->lock);
	for (i = 0; i < SIM_NSYSTEMS; i++) {
		sd = &h->daemons[i];
		want[i] = sd->gated && sim_rancher_serving(w, i);
		/* a stack going away closes kept-alive connections now */
		if (sd->gated && !want[i])
			sd->up = false;
	}
	pthread_mutex_unlock(&w->lock);
	for (i = 0; i < SIM_NSYSTEMS; i++) {
		sd = &h->daemons[i];
		if (!sd->gated)
			continue;
		if (want[i] && sd->mhd == NULL && sd->resv != -1) {
			if (listen(sd->resv, 512) != 0) {
				fprintf(stderr, "bbbctl-sim: %s: listen: %s\n",
				    sim_system_name(i), strerror(errno));
				continue;
			}
			fd = sd->resv;
			sd->resv = -1;
			pthread_mutex_lock(&w->lock);
			sd->up = true;
			pthread_mutex_unlock(&w->lock);
			if ((sd->mhd = sim_http_daemon(sd, fd)) == NULL)
				fprintf(stderr, "bbbctl-sim: cannot start the "
				    "%s server\n", sim_system_name(i));
		} else if (!want[i] && sd->mhd != NULL) {
			/*
			 * Stop accepting; Linux takes a listening socket
			 * shut down for reading back to closed, still bound:
			 * connections are refused and it can listen again.
			 */
			fd = MHD_quiesce_daemon(sd->mhd);
			if (sd->nretired < nitems(sd->retired))
				sd->retired[sd->nretired++] = sd->mhd;
			else
				MHD_stop_daemon(sd->mhd);
			sd->mhd = NULL;
			if (fd != -1 && shutdown(fd, SHUT_RD) == 0) {
				sd->resv = fd;
				continue;
			}
			if (fd != -1)
				close(fd);
			sd->resv = sim_http_socket(h->listen, w->ports[i],
			    false, &port, &cause);
			if (sd->resv == -1) {
				fprintf(stderr, "bbbctl-sim: %s\n", cause);
				free(cause);
				cause = NULL;
			}
		}
	}
}
