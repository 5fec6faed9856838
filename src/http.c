/*
 * http.c: asynchronous HTTP on the loop with the libcurl multi socket API,
 * and the same requests blocking (http_perform) for worker threads.
 *
 * curl tells us which sockets to watch (http_socket_cb) and when to call
 * it back (http_timer_cb); the loop calls curl_multi_socket_action() when
 * a socket is ready or the timer expires, then we collect the finished
 * transfers (http_check_done).  curl is never called from inside its own
 * callbacks.
 *
 * curl_global_init() runs once, through pthread_once, the first time
 * http_new() or http_perform() is called; curl_global_cleanup() is never
 * called (it is not thread-safe and the process ends anyway).
 *
 * bytes_received is CURLINFO_HEADER_SIZE (the response headers as read)
 * plus CURLINFO_SIZE_DOWNLOAD_T, which libcurl counts on the body before
 * content decoding: for a gzip response it is the compressed size.  TLS
 * record overhead and chunked framing are not counted.
 *
 * cert_expiry: CURLOPT_CERTINFO only reports on a new TLS handshake, so a
 * request that wants it also asks for a fresh connection.
 *
 * The transfer handle (struct http_xfer) is freed right after its done
 * callback returns, or by http_cancel(); the caller must forget it then.
 */
#include <sys/queue.h>

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "http.h"
#include "log.h"
#include "mask.h"
#include "loop.h"
#include "util.h"

#define HTTP_MAX_HEADERS	256
#define HTTP_DESCRIBE_BODY	120
#define HTTP_GROW_DOUBLE	(1024 * 1024)	/* then grow by a quarter */

/* What a transfer collects while it runs; shared by both APIs. */
struct http_state {
	struct buf		 body;
	size_t			 max_size;
	bool			 too_big;
	struct http_budget	*budget;
	size_t			 reserved;	/* counted in budget, total */
	size_t			 over;		/* the budget passed, or 0 */
	bool			 over_total;	/* it was HTTP_TOTAL_BUDGET */
	struct http_header	*headers;
	size_t			 nheaders;
	struct curl_slist	*slist;
	bool			 want_cert;
	bool			 want_pem;
	int64_t			 start;
	char			 errbuf[CURL_ERROR_SIZE];
};

struct http_xfer {
	struct http		*http;
	CURL			*easy;
	http_done_cb		 cb;
	void			*arg;
	struct http_state	 st;
	bool			 in_multi;
	bool			 done;		/* callback running */
	char			*fail;		/* could not even start */
	struct loop_timer	*fail_timer;
	TAILQ_ENTRY(http_xfer)	 entry;
};
TAILQ_HEAD(http_xfers, http_xfer);

struct http_sock {
	struct http		*http;
	curl_socket_t		 fd;
	struct loop_fd		*lfd;
};

struct http {
	struct loop		*loop;
	CURLM			*multi;
	struct loop_timer	*timer;
	struct http_xfers	 xfers;
	size_t			 nxfers;
	int			 busy;		/* inside http_check_done */
	bool			 free_pending;
};

static pthread_once_t	 http_once = PTHREAD_ONCE_INIT;
static CURLcode		 http_init_result;

static void
http_global_init(void)
{
	http_init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void
http_init(void)
{
	pthread_once(&http_once, http_global_init);
	if (http_init_result != CURLE_OK)
		fatalx("curl_global_init: %s",
		    curl_easy_strerror(http_init_result));
}

/* --- collecting a response ------------------------------------------------ */

static void
http_size_text(size_t n, char *out, size_t outlen)
{
	if (n >= 1024 * 1024 && n % (1024 * 1024) == 0)
		snprintf(out, outlen, "%zu MiB", n / (1024 * 1024));
	else if (n >= 1024 && n % 1024 == 0)
		snprintf(out, outlen, "%zu KiB", n / 1024);
	else
		snprintf(out, outlen, "%zu bytes", n);
}

static _Atomic size_t	 http_total_used;

size_t
http_total_inflight(void)
{
	return (atomic_load(&http_total_used));
}

/* Count n more bytes in flight; false (nothing counted) past a budget. */
static bool
http_reserve(struct http_state *st, size_t n)
{
	size_t	 limit;

	if (atomic_fetch_add(&http_total_used, n) + n > HTTP_TOTAL_BUDGET) {
		atomic_fetch_sub(&http_total_used, n);
		st->over = HTTP_TOTAL_BUDGET;
		st->over_total = true;
		return (false);
	}
	if (st->budget != NULL) {
		limit = st->budget->limit != 0 ? st->budget->limit :
		    HTTP_SOURCE_BUDGET;
		if (atomic_fetch_add(&st->budget->used, n) + n > limit) {
			atomic_fetch_sub(&st->budget->used, n);
			atomic_fetch_sub(&http_total_used, n);
			st->over = limit;
			return (false);
		}
	}
	st->reserved += n;
	return (true);
}

static void
http_release(struct http_state *st)
{
	if (st->reserved == 0)
		return;
	if (st->budget != NULL)
		atomic_fetch_sub(&st->budget->used, st->reserved);
	atomic_fetch_sub(&http_total_used, st->reserved);
	st->reserved = 0;
}

static size_t
http_write_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct http_state	*st = arg;
	size_t			 n = size * nmemb, cap;

	if (n > st->max_size || st->body.len > st->max_size - n) {
		st->too_big = true;
		return (0);	/* aborts the transfer: CURLE_WRITE_ERROR */
	}
	/*
	 * What the body holds is its capacity: that is what counts against
	 * the budgets.  It grows by doubling up to 1 MiB, then by a
	 * quarter, so that a large answer wastes little of its budget.
	 */
	cap = st->body.cap;
	if (st->body.len + n + 1 > cap) {
		cap = cap == 0 ? 16384 : cap;
		while (cap < st->body.len + n + 1)
			cap += cap < HTTP_GROW_DOUBLE ? cap : cap / 4;
	}
	if (cap > st->reserved && !http_reserve(st, cap - st->reserved)) {
		st->too_big = true;
		return (0);
	}
	if (cap > st->body.cap) {
		st->body.data = xrealloc(st->body.data, cap);
		st->body.cap = cap;
	}
	buf_add(&st->body, ptr, n);
	return (n);
}

static void
http_headers_clear(struct http_state *st)
{
	size_t	 i;

	for (i = 0; i < st->nheaders; i++) {
		free(st->headers[i].name);
		free(st->headers[i].value);
	}
	free(st->headers);
	st->headers = NULL;
	st->nheaders = 0;
}

bool
http_parse_header(const char *line, size_t len, char **name, char **value)
{
	const char	*colon, *v;
	size_t		 nlen;

	*name = *value = NULL;
	if (len >= 5 && strncmp(line, "HTTP/", 5) == 0)
		return (false);
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n'))
		len--;
	if (len == 0 || memchr(line, '\0', len) != NULL ||
	    (colon = memchr(line, ':', len)) == NULL)
		return (false);
	nlen = colon - line;
	while (nlen > 0 && (line[nlen - 1] == ' ' || line[nlen - 1] == '\t'))
		nlen--;
	if (nlen == 0)
		return (false);
	v = colon + 1;
	while (v < line + len && (*v == ' ' || *v == '\t'))
		v++;
	while (len > (size_t)(v - line) &&
	    (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	*name = xstrndup(line, nlen);
	*value = xstrndup(v, len - (v - line));
	return (true);
}

static size_t
http_header_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct http_state	*st = arg;
	size_t			 n = size * nmemb;
	struct http_header	*h;
	char			*name, *value;

	/* A new status line (after 100 Continue, say) starts over. */
	if (n >= 5 && strncmp(ptr, "HTTP/", 5) == 0) {
		http_headers_clear(st);
		return (n);
	}
	if (st->nheaders >= HTTP_MAX_HEADERS)
		return (n);
	if (!http_parse_header(ptr, n, &name, &value))
		return (n);
	st->headers = xreallocarray(st->headers, st->nheaders + 1,
	    sizeof *st->headers);
	h = &st->headers[st->nheaders++];
	h->name = name;
	h->value = value;
	return (n);
}

/* curl's own commentary, at debug level only; never headers or data. */
static int
http_debug_cb(CURL *easy, curl_infotype type, char *data, size_t size,
    void *arg)
{
	int	 len;

	if (type != CURLINFO_TEXT)
		return (0);
	while (size > 0 && (data[size - 1] == '\n' || data[size - 1] == '\r'))
		size--;
	len = size > 1000 ? 1000 : (int)size;
	log_debug("curl: %.*s", len, data);
	return (0);
}

static bool
http_is_https(const char *url)
{
	return (url != NULL && strncasecmp(url, "https://", 8) == 0);
}

/* Set every option of a request on an easy handle; 0 or -1 with *cause. */
static int
http_setup(CURL *easy, const struct http_req *req, struct http_state *st,
    char **cause)
{
	const char *const	*hp;
	const char		*method;
	bool			 have_expect = false;
	long			 timeout, ctimeout;
	CURLcode		 rc = CURLE_OK;

	memset(st, 0, sizeof *st);
	if (req->url == NULL || *req->url == '\0') {
		*cause = xstrdup("no URL");
		return (-1);
	}
	st->max_size = req->max_size != 0 ? req->max_size :
	    HTTP_DEFAULT_MAX_SIZE;
	st->budget = req->budget;
	st->want_cert = req->want_cert_expiry && http_is_https(req->url);
	st->start = util_mono_ms();
	timeout = req->timeout_ms > 0 ? req->timeout_ms :
	    HTTP_DEFAULT_TIMEOUT_MS;
	ctimeout = req->connect_timeout_ms > 0 ? req->connect_timeout_ms :
	    HTTP_DEFAULT_CONNECT_TIMEOUT_MS;
	if (ctimeout > timeout)
		ctimeout = timeout;

#define HTTP_SET(opt, val) do {						\
	if (rc == CURLE_OK)						\
		rc = curl_easy_setopt(easy, opt, val);			\
} while (0)
	HTTP_SET(CURLOPT_URL, req->url);
#if LIBCURL_VERSION_NUM >= 0x075500
	HTTP_SET(CURLOPT_PROTOCOLS_STR, "http,https");
#else
	HTTP_SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	HTTP_SET(CURLOPT_NOSIGNAL, 1L);
	HTTP_SET(CURLOPT_FOLLOWLOCATION, 0L);
	HTTP_SET(CURLOPT_TIMEOUT_MS, timeout);
	HTTP_SET(CURLOPT_CONNECTTIMEOUT_MS, ctimeout);
	HTTP_SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)st->max_size);
	HTTP_SET(CURLOPT_SSL_VERIFYPEER, 1L);
	HTTP_SET(CURLOPT_SSL_VERIFYHOST, 2L);
	if (req->ca_file != NULL)
		HTTP_SET(CURLOPT_CAINFO, req->ca_file);
	HTTP_SET(CURLOPT_ACCEPT_ENCODING, "");
	HTTP_SET(CURLOPT_USERAGENT, "bbbctl/" PACKAGE_VERSION);
	HTTP_SET(CURLOPT_ERRORBUFFER, st->errbuf);
	HTTP_SET(CURLOPT_WRITEFUNCTION, http_write_cb);
	HTTP_SET(CURLOPT_WRITEDATA, st);
	HTTP_SET(CURLOPT_HEADERFUNCTION, http_header_cb);
	HTTP_SET(CURLOPT_HEADERDATA, st);
	if (log_get_level() == LOG_LEVEL_DEBUG) {
		HTTP_SET(CURLOPT_DEBUGFUNCTION, http_debug_cb);
		HTTP_SET(CURLOPT_VERBOSE, 1L);
	}
	if (st->want_cert) {
		HTTP_SET(CURLOPT_CERTINFO, 1L);
		HTTP_SET(CURLOPT_FRESH_CONNECT, 1L);
	}
	if (req->want_peer_cert_unverified && http_is_https(req->url)) {
		st->want_pem = true;
		HTTP_SET(CURLOPT_SSL_VERIFYPEER, 0L);
		HTTP_SET(CURLOPT_SSL_VERIFYHOST, 0L);
		HTTP_SET(CURLOPT_CERTINFO, 1L);
		HTTP_SET(CURLOPT_FRESH_CONNECT, 1L);
	}
	if (req->user != NULL) {
		HTTP_SET(CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		HTTP_SET(CURLOPT_USERNAME, req->user);
		HTTP_SET(CURLOPT_PASSWORD,
		    req->password != NULL ? req->password : "");
	}

	method = req->method != NULL ? req->method : "GET";
	if (strcmp(method, "GET") == 0 && req->body == NULL)
		HTTP_SET(CURLOPT_HTTPGET, 1L);
	else if (strcmp(method, "HEAD") == 0)
		HTTP_SET(CURLOPT_NOBODY, 1L);
	else if (req->body == NULL && strcmp(method, "POST") != 0 &&
	    strcmp(method, "PUT") != 0 && strcmp(method, "PATCH") != 0)
		HTTP_SET(CURLOPT_CUSTOMREQUEST, method);	/* DELETE ... */
	else {
		/* Copied: the caller's body may go away right after. */
		HTTP_SET(CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)(req->body != NULL ? req->bodylen : 0));
		HTTP_SET(CURLOPT_COPYPOSTFIELDS,
		    req->body != NULL ? req->body : "");
		if (strcmp(method, "POST") != 0)
			HTTP_SET(CURLOPT_CUSTOMREQUEST, method);
	}

	for (hp = req->headers; hp != NULL && *hp != NULL; hp++) {
		if (strncasecmp(*hp, "Expect:", 7) == 0)
			have_expect = true;
		st->slist = curl_slist_append(st->slist, *hp);
	}
	/* No 100-continue round trip for bodies. */
	if (!have_expect)
		st->slist = curl_slist_append(st->slist, "Expect:");
	if (st->slist == NULL)
		fatalx("curl_slist_append: out of memory");
	HTTP_SET(CURLOPT_HTTPHEADER, st->slist);
#undef HTTP_SET

	if (rc != CURLE_OK) {
		*cause = xasprintf("bad request options: %s",
		    curl_easy_strerror(rc));
		return (-1);
	}
	return (0);
}

static void
http_state_free(struct http_state *st)
{
	http_release(st);
	buf_free(&st->body);
	http_headers_clear(st);
	curl_slist_free_all(st->slist);
	st->slist = NULL;
}

static int
http_month(const char *s)
{
	static const char	*months[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int			 i;

	for (i = 0; i < 12; i++) {
		if (strncasecmp(s, months[i], 3) == 0)
			return (i);
	}
	return (-1);
}

/* "Nov 25 23:00:00 2027 GMT" (OpenSSL's ASN1_TIME_print) or ISO. */
time_t
http_parse_cert_time(const char *s)
{
	struct tm	 tm;
	char		 mon[4];
	int		 day, h, m, sec, year, n = 0;
	time_t		 t;

	memset(&tm, 0, sizeof tm);
	while (*s == ' ')
		s++;
	if (sscanf(s, "%3s %2d %2d:%2d:%2d %4d%n", mon, &day, &h, &m, &sec,
	    &year, &n) == 6 && n > 0) {
		if ((tm.tm_mon = http_month(mon)) == -1)
			return (0);
	} else if (sscanf(s, "%4d-%2d-%2d %2d:%2d:%2d", &year, &tm.tm_mon, &day,
	    &h, &m, &sec) == 6)
		tm.tm_mon--;
	else
		return (0);
	if (year < 1970 || year > 9999 || tm.tm_mon < 0 || tm.tm_mon > 11 ||
	    day < 1 || day > 31 || h < 0 || h > 23 || m < 0 || m > 59 ||
	    sec < 0 || sec > 60)
		return (0);
	tm.tm_year = year - 1900;
	tm.tm_mday = day;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = sec;
	if ((t = timegm(&tm)) == (time_t)-1)
		return (0);
	return (t);
}

static time_t
http_cert_expiry(CURL *easy)
{
	struct curl_certinfo	*ci = NULL;
	struct curl_slist	*s;

	if (curl_easy_getinfo(easy, CURLINFO_CERTINFO, &ci) != CURLE_OK ||
	    ci == NULL || ci->num_of_certs < 1)
		return (0);
	/* The first certificate is the peer's own. */
	for (s = ci->certinfo[0]; s != NULL; s = s->next) {
		if (strncasecmp(s->data, "Expire date:", 12) == 0)
			return (http_parse_cert_time(s->data + 12));
	}
	return (0);
}

/* The peer's own certificate as PEM (CURLOPT_CERTINFO), or NULL. */
static char *
http_peer_pem(CURL *easy)
{
	struct curl_certinfo	*ci = NULL;
	struct curl_slist	*s;

	if (curl_easy_getinfo(easy, CURLINFO_CERTINFO, &ci) != CURLE_OK ||
	    ci == NULL || ci->num_of_certs < 1)
		return (NULL);
	for (s = ci->certinfo[0]; s != NULL; s = s->next) {
		if (strncasecmp(s->data, "Cert:", 5) == 0)
			return (xstrdup(s->data + 5));
	}
	return (NULL);
}

/* What kind of transport failure res is. */
static enum http_fail
http_classify(CURL *easy, CURLcode res)
{
	long	 err = 0;

	switch (res) {
	case CURLE_OK:
		return (HTTP_FAIL_NONE);
	case CURLE_COULDNT_RESOLVE_HOST:
		return (HTTP_FAIL_DNS);
	case CURLE_OPERATION_TIMEDOUT:
		return (HTTP_FAIL_TIMEOUT);
	case CURLE_COULDNT_CONNECT:
		curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &err);
		if (err == ETIMEDOUT)
			return (HTTP_FAIL_TIMEOUT);
		if (err == ECONNREFUSED || err == 0)
			return (HTTP_FAIL_REFUSED);
		return (HTTP_FAIL_OTHER);
	case CURLE_PEER_FAILED_VERIFICATION:
#if LIBCURL_VERSION_NUM < 0x073e00
	case CURLE_SSL_CACERT:
#endif
		return (HTTP_FAIL_TLS_VERIFY);
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
		return (HTTP_FAIL_TLS);
	default:
		return (HTTP_FAIL_OTHER);
	}
}

/* Fill resp from a finished transfer. */
static void
http_finish(CURL *easy, CURLcode res, struct http_state *st,
    struct http_response *resp)
{
	char		 lim[32];
	long		 status = 0, hsize = 0;
	curl_off_t	 dl = 0;

	memset(resp, 0, sizeof *resp);
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(easy, CURLINFO_HEADER_SIZE, &hsize);
	curl_easy_getinfo(easy, CURLINFO_SIZE_DOWNLOAD_T, &dl);
	resp->status = status;
	resp->bytes_received = (uint64_t)(hsize > 0 ? hsize : 0) +
	    (uint64_t)(dl > 0 ? dl : 0);
	resp->elapsed_ms = util_mono_ms() - st->start;

	if (st->over != 0) {
		http_size_text(st->over, lim, sizeof lim);
		resp->error = xasprintf("answers in flight over the %s budget "
		    "of %s", lim, st->over_total ? "all sources" :
		    "this source");
	} else if (st->too_big || res == CURLE_FILESIZE_EXCEEDED) {
		http_size_text(st->max_size, lim, sizeof lim);
		resp->error = xasprintf("response larger than %s limit", lim);
	} else if (res != CURLE_OK) {
		switch (res) {
		case CURLE_OPERATION_TIMEDOUT:
		case CURLE_COULDNT_CONNECT:
		case CURLE_RECV_ERROR:
		case CURLE_SEND_ERROR:
		case CURLE_GOT_NOTHING:
		case CURLE_PARTIAL_FILE:
			resp->reset = true;
			break;
		default:
			break;
		}
		if (st->errbuf[0] != '\0')
			resp->error = xstrdup(st->errbuf);
		else
			resp->error = xstrdup(curl_easy_strerror(res));
	}
	if (st->want_cert)
		resp->cert_expiry = http_cert_expiry(easy);
	if (st->want_pem)
		resp->peer_cert = http_peer_pem(easy);
	resp->fail = st->too_big ? HTTP_FAIL_OTHER : http_classify(easy, res);

	resp->len = st->body.len;
	resp->body = buf_steal(&st->body);
	resp->headers = st->headers;
	resp->nheaders = st->nheaders;
	st->headers = NULL;
	st->nheaders = 0;
}

/* --- the multi handle on the loop ----------------------------------------- */

static void	http_check_done(struct http *);
static void	http_destroy(struct http *);

static void
http_action(struct http *http, curl_socket_t fd, int flags)
{
	CURLMcode	 mc;
	int		 running;

	mc = curl_multi_socket_action(http->multi, fd, flags, &running);
	if (mc != CURLM_OK)
		log_warn("http: curl_multi_socket_action: %s",
		    curl_multi_strerror(mc));
	http_check_done(http);
}

static void
http_fd_cb(int fd, int events, void *arg)
{
	struct http_sock	*hs = arg;
	int			 flags = 0;

	if (events & LOOP_READ)
		flags |= CURL_CSELECT_IN;
	if (events & LOOP_WRITE)
		flags |= CURL_CSELECT_OUT;
	if (events & LOOP_ERROR)
		flags |= CURL_CSELECT_ERR;
	http_action(hs->http, fd, flags);
}

static void
http_timeout_cb(void *arg)
{
	http_action(arg, CURL_SOCKET_TIMEOUT, 0);
}

static int
http_socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp,
    void *socketp)
{
	struct http		*http = userp;
	struct http_sock	*hs = socketp;
	int			 events = 0;

	if (what == CURL_POLL_REMOVE) {
		if (hs != NULL) {
			loop_fd_remove(hs->lfd);
			free(hs);
			curl_multi_assign(http->multi, fd, NULL);
		}
		return (0);
	}
	if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
		events |= LOOP_READ;
	if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
		events |= LOOP_WRITE;
	if (hs == NULL) {
		hs = xcalloc(1, sizeof *hs);
		hs->http = http;
		hs->fd = fd;
		hs->lfd = loop_fd_add(http->loop, fd, events, http_fd_cb, hs);
		curl_multi_assign(http->multi, fd, hs);
	} else
		loop_fd_set_events(hs->lfd, events);
	return (0);
}

static int
http_timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct http	*http = userp;

	/* Never act from inside curl: 0 means "on the next pass". */
	if (timeout_ms < 0)
		loop_timer_stop(http->timer);
	else
		loop_timer_start(http->timer, timeout_ms);
	return (0);
}

struct http *
http_new(struct loop *loop)
{
	struct http	*http;

	http_init();
	http = xcalloc(1, sizeof *http);
	http->loop = loop;
	TAILQ_INIT(&http->xfers);
	if ((http->multi = curl_multi_init()) == NULL)
		fatalx("curl_multi_init failed");
	http->timer = loop_timer_new(loop, http_timeout_cb, http);
	curl_multi_setopt(http->multi, CURLMOPT_SOCKETFUNCTION, http_socket_cb);
	curl_multi_setopt(http->multi, CURLMOPT_SOCKETDATA, http);
	curl_multi_setopt(http->multi, CURLMOPT_TIMERFUNCTION, http_timer_cb);
	curl_multi_setopt(http->multi, CURLMOPT_TIMERDATA, http);
	/* Keep idle connections for as many transfers as we usually run. */
	curl_multi_setopt(http->multi, CURLMOPT_MAXCONNECTS, 256L);
	return (http);
}

static void
http_xfer_free(struct http_xfer *x)
{
	struct http	*http = x->http;

	TAILQ_REMOVE(&http->xfers, x, entry);
	http->nxfers--;
	if (x->in_multi)
		curl_multi_remove_handle(http->multi, x->easy);
	if (x->easy != NULL)
		curl_easy_cleanup(x->easy);
	loop_timer_free(x->fail_timer);
	free(x->fail);
	http_state_free(&x->st);
	free(x);
}

static void
http_destroy(struct http *http)
{
	struct http_xfer	*x;

	while ((x = TAILQ_FIRST(&http->xfers)) != NULL)
		http_xfer_free(x);
	/* Removing the handles closed their sockets and watchers. */
	curl_multi_cleanup(http->multi);
	loop_timer_free(http->timer);
	free(http);
}

void
http_free(struct http *http)
{
	struct http_xfer	*x;

	if (http == NULL)
		return;
	if (http->busy > 0) {
		/* Called from a done callback: finish at the end. */
		TAILQ_FOREACH(x, &http->xfers, entry)
			x->cb = NULL;
		http->free_pending = true;
		return;
	}
	http_destroy(http);
}

static void
http_complete(struct http_xfer *x, struct http_response *resp)
{
	struct http	*http = x->http;

	x->done = true;
	if (x->cb != NULL && !http->free_pending)
		x->cb(resp, x->arg);
	http_response_clear(resp);
	http_xfer_free(x);
}

static void
http_check_done(struct http *http)
{
	struct http_response	 resp;
	struct http_xfer	*x;
	CURLMsg			*msg;
	CURLcode		 res;
	int			 left;

	http->busy++;
	while (!http->free_pending &&
	    (msg = curl_multi_info_read(http->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		x = NULL;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &x);
		res = msg->data.result;
		if (x == NULL)
			continue;
		/* msg is invalid once the handle is removed. */
		curl_multi_remove_handle(http->multi, x->easy);
		x->in_multi = false;
		http_finish(x->easy, res, &x->st, &resp);
		http_complete(x, &resp);
	}
	http->busy--;
	if (http->busy == 0 && http->free_pending)
		http_destroy(http);
}

static void
http_fail_cb(void *arg)
{
	struct http_xfer	*x = arg;
	struct http		*http = x->http;
	struct http_response	 resp;

	memset(&resp, 0, sizeof resp);
	resp.error = x->fail;
	x->fail = NULL;
	resp.body = xstrdup("");
	http->busy++;
	http_complete(x, &resp);
	http->busy--;
	if (http->busy == 0 && http->free_pending)
		http_destroy(http);
}

struct http_xfer *
http_request(struct http *http, const struct http_req *req, http_done_cb cb,
    void *arg)
{
	struct http_xfer	*x;
	CURLMcode		 mc;
	char			*cause = NULL;

	x = xcalloc(1, sizeof *x);
	x->http = http;
	x->cb = cb;
	x->arg = arg;
	TAILQ_INSERT_TAIL(&http->xfers, x, entry);
	http->nxfers++;

	if ((x->easy = curl_easy_init()) == NULL)
		cause = xstrdup("curl_easy_init failed");
	else if (http_setup(x->easy, req, &x->st, &cause) == 0) {
		curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
		mc = curl_multi_add_handle(http->multi, x->easy);
		if (mc == CURLM_OK) {
			x->in_multi = true;
			return (x);
		}
		cause = xasprintf("curl_multi_add_handle: %s",
		    curl_multi_strerror(mc));
	}
	/* Report the failure through the callback, on the next pass. */
	x->fail = cause;
	x->fail_timer = loop_timer_new(http->loop, http_fail_cb, x);
	loop_timer_start(x->fail_timer, 0);
	return (x);
}

void
http_cancel(struct http_xfer *x)
{
	if (x == NULL || x->done)
		return;
	http_xfer_free(x);
}

size_t
http_inflight(const struct http *http)
{
	return (http->nxfers);
}

/* --- blocking ------------------------------------------------------------- */

int
http_perform(const struct http_req *req, struct http_response *resp)
{
	struct http_state	 st;
	CURL			*easy;
	CURLcode		 res;
	char			*cause = NULL;

	http_init();
	memset(resp, 0, sizeof *resp);
	if ((easy = curl_easy_init()) == NULL) {
		resp->error = xstrdup("curl_easy_init failed");
		resp->body = xstrdup("");
		return (-1);
	}
	if (http_setup(easy, req, &st, &cause) == -1) {
		http_state_free(&st);
		curl_easy_cleanup(easy);
		resp->error = cause;
		resp->body = xstrdup("");
		return (-1);
	}
	res = curl_easy_perform(easy);	/* check-src: allow */
	http_finish(easy, res, &st, resp);
	http_state_free(&st);
	curl_easy_cleanup(easy);
	return (resp->status != 0 && resp->error == NULL ? 0 : -1);
}

char *
http_peer_cert_unverified(const char *url, long timeout_ms)
{
	struct http_req		 rq;
	struct http_response	 resp;
	char			*pem;

	memset(&rq, 0, sizeof rq);
	rq.url = url;
	rq.timeout_ms = timeout_ms;
	rq.want_peer_cert_unverified = true;
	http_perform(&rq, &resp);
	pem = resp.peer_cert;
	resp.peer_cert = NULL;
	http_response_clear(&resp);
	return (pem);
}

/* --- responses ------------------------------------------------------------ */

void
http_response_clear(struct http_response *resp)
{
	size_t	 i;

	if (resp == NULL)
		return;
	free(resp->error);
	free(resp->body);
	free(resp->peer_cert);
	for (i = 0; i < resp->nheaders; i++) {
		free(resp->headers[i].name);
		free(resp->headers[i].value);
	}
	free(resp->headers);
	memset(resp, 0, sizeof *resp);
}

const char *
http_response_header(const struct http_response *resp, const char *name)
{
	size_t	 i;

	/* The last one wins, as for most single-valued headers. */
	for (i = resp->nheaders; i > 0; i--) {
		if (strcasecmp(resp->headers[i - 1].name, name) == 0)
			return (resp->headers[i - 1].value);
	}
	return (NULL);
}

bool
http_response_transient(const struct http_response *resp)
{
	if (resp->reset)
		return (true);
	return (resp->error == NULL && (resp->status >= 500 ||
	    resp->status == 429));
}

bool
http_response_unreachable(const struct http_response *resp)
{
	if (resp->status != 0 || resp->error == NULL)
		return (false);
	switch (resp->fail) {
	case HTTP_FAIL_DNS:
	case HTTP_FAIL_REFUSED:
	case HTTP_FAIL_TIMEOUT:
		return (true);
	case HTTP_FAIL_NONE:
	case HTTP_FAIL_TLS_VERIFY:
	case HTTP_FAIL_TLS:
	case HTTP_FAIL_OTHER:
		break;
	}
	return (resp->reset);
}

bool
http_response_ok(const struct http_response *resp)
{
	return (resp->error == NULL && resp->status >= 200 &&
	    resp->status < 300);
}

char *
http_response_describe(const struct http_response *resp)
{
	struct buf	 b = { 0 };
	const unsigned char *p, *end;
	unsigned char	*cut;
	char		*masked;
	size_t		 keep, len;
	bool		 space = false;

	if (resp->error != NULL)
		return (mask_text(resp->error));
	if (resp->status == 0)
		return (xstrdup("no response"));
	buf_printf(&b, "HTTP %ld", resp->status);
	if (resp->body == NULL || resp->len == 0)
		return (buf_steal(&b));
	keep = b.len + 2;

	buf_adds(&b, ": ");
	p = (const unsigned char *)resp->body;
	end = p + resp->len;
	while (p < end && (*p < 0x20 || *p == 0x7f || *p == ' '))
		p++;
	/*
	 * Mask over a window a secret longer than the cut: a secret the
	 * server reflected across the cut is masked whole, not half.
	 */
	if ((size_t)(end - p) > HTTP_DESCRIBE_BODY + mask_longest() + 4)
		end = p + HTTP_DESCRIBE_BODY + mask_longest() + 4;
	for (; p < end; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == ' ') {
			space = true;
			continue;
		}
		if (space)
			buf_addc(&b, ' ');
		space = false;
		buf_addc(&b, (char)*p);
	}
	masked = mask_text(b.data);
	buf_free(&b);
	len = strlen(masked);
	if (len > keep + HTTP_DESCRIBE_BODY) {
		cut = (unsigned char *)masked + keep + HTTP_DESCRIBE_BODY;
		/* Do not cut a UTF-8 sequence in half. */
		while (cut > (unsigned char *)masked && (*cut & 0xc0) == 0x80)
			cut--;
		*cut = '\0';
	}
	return (masked);
}
