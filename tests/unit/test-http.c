/*
 * test-http.c: http.c against a libmicrohttpd server started here, on
 * 127.0.0.1 with a port the kernel picks; HTTPS with a CA and server
 * certificate made by the openssl command at run time.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <zlib.h>

#include "http.h"
#include "log.h"
#include "loop.h"
#include "util.h"

#define BIG_SIZE	(5u * 1024 * 1024)
#define TRUNC_CLAIM	1000
#define TRUNC_SENT	100

static struct MHD_Daemon	*srv;
static unsigned short		 srv_port;
static volatile int		 srv_stopping;
static char			*gz_plain;	/* the body /gzip encodes */
static size_t			 gz_plain_len;
static unsigned char		*gz_data;
static size_t			 gz_len;
static char			*big;

/* --- the test server --------------------------------------------------- */

struct upload {
	struct buf	 body;
	bool		 started;
};

static void
srv_completed_cb(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct upload	*u = *con_cls;

	if (u != NULL) {
		buf_free(&u->body);
		free(u);
		*con_cls = NULL;
	}
}

static ssize_t
srv_trunc_reader(void *cls, uint64_t pos, char *out, size_t max)
{
	if (pos >= TRUNC_SENT)
		return (MHD_CONTENT_READER_END_WITH_ERROR);
	if (max > TRUNC_SENT - pos)
		max = TRUNC_SENT - pos;
	memset(out, 'x', max);
	return ((ssize_t)max);
}

static ssize_t
srv_chunked_reader(void *cls, uint64_t pos, char *out, size_t max)
{
	if (pos >= BIG_SIZE)
		return (MHD_CONTENT_READER_END_OF_STREAM);
	if (max > BIG_SIZE - pos)
		max = BIG_SIZE - pos;
	memset(out, 'c', max);
	return ((ssize_t)max);
}

/* As srv_chunked_reader, slowly: parallel transfers overlap. */
static ssize_t
srv_slow_reader(void *cls, uint64_t pos, char *out, size_t max)
{
	if (!srv_stopping)
		usleep(3000);
	return (srv_chunked_reader(cls, pos, out, max));
}

static enum MHD_Result
srv_reply(struct MHD_Connection *c, unsigned int status, const char *body,
    size_t len)
{
	struct MHD_Response	*r;
	enum MHD_Result		 ret;

	r = MHD_create_response_from_buffer(len, (void *)body,
	    MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(r, "Content-Type", "text/plain");
	MHD_add_response_header(r, "X-Custom", "yes");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return (ret);
}

static const char *
srv_header(struct MHD_Connection *c, const char *name)
{
	const char	*v;

	v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
	return (v != NULL ? v : "-");
}

static enum MHD_Result
srv_handler_cb(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct upload		*u = *con_cls;
	struct MHD_Response	*r;
	enum MHD_Result		 ret;
	char			*s;
	int64_t			 end;

	if (u == NULL) {
		u = xcalloc(1, sizeof *u);
		*con_cls = u;
		return (MHD_YES);
	}
	if (*upload_data_size != 0) {
		buf_add(&u->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return (MHD_YES);
	}

	if (strcmp(url, "/ok") == 0)
		return (srv_reply(c, 200, "hello world", 11));
	if (strcmp(url, "/fail") == 0) {
		s = xasprintf("boom\r\n\tline two\x01" "end %0200d", 7);
		ret = srv_reply(c, 500, s, strlen(s));
		free(s);
		return (ret);
	}
	if (strncmp(url, "/n/", 3) == 0) {
		s = xasprintf("n=%s", url + 3);
		ret = srv_reply(c, 200, s, strlen(s));
		free(s);
		return (ret);
	}
	if (strcmp(url, "/echo") == 0) {
		s = xasprintf("method=%s\nx-test=%s\nauth=%s\nlen=%zu\n"
		    "body=%s", method, srv_header(c, "X-Test"),
		    srv_header(c, "Authorization"), u->body.len,
		    u->body.data != NULL ? u->body.data : "");
		ret = srv_reply(c, 200, s, strlen(s));
		free(s);
		return (ret);
	}
	if (strcmp(url, "/hang") == 0) {
		/* Thread per connection: hold this one for a while. */
		end = util_mono_ms() + 5000;
		while (!srv_stopping && util_mono_ms() < end)
			usleep(10 * 1000);
		return (srv_reply(c, 200, "late", 4));
	}
	if (strcmp(url, "/truncated") == 0) {
		r = MHD_create_response_from_callback(TRUNC_CLAIM, 4096,
		    srv_trunc_reader, NULL, NULL);
		ret = MHD_queue_response(c, 200, r);
		MHD_destroy_response(r);
		return (ret);
	}
	if (strcmp(url, "/gzip") == 0) {
		r = MHD_create_response_from_buffer(gz_len, gz_data,
		    MHD_RESPMEM_PERSISTENT);
		MHD_add_response_header(r, "Content-Encoding", "gzip");
		ret = MHD_queue_response(c, 200, r);
		MHD_destroy_response(r);
		return (ret);
	}
	if (strcmp(url, "/big") == 0) {
		r = MHD_create_response_from_buffer(BIG_SIZE, big,
		    MHD_RESPMEM_PERSISTENT);
		ret = MHD_queue_response(c, 200, r);
		MHD_destroy_response(r);
		return (ret);
	}
	if (strcmp(url, "/slowchunked") == 0) {
		r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 65536,
		    srv_slow_reader, NULL, NULL);
		ret = MHD_queue_response(c, 200, r);
		MHD_destroy_response(r);
		return (ret);
	}
	if (strcmp(url, "/bigchunked") == 0) {
		r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 65536,
		    srv_chunked_reader, NULL, NULL);
		ret = MHD_queue_response(c, 200, r);
		MHD_destroy_response(r);
		return (ret);
	}
	return (srv_reply(c, 404, "no such thing", 13));
}

static struct MHD_Daemon *
srv_start(unsigned int extra, const char *key, const char *cert,
    unsigned short *port)
{
	struct MHD_Daemon	*d;
	const union MHD_DaemonInfo *info;
	struct sockaddr_in	 sin;
	unsigned int		 flags;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = 0;
	flags = MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL | extra;
	if (key != NULL) {
		d = MHD_start_daemon(flags, 0, NULL, NULL, srv_handler_cb, NULL,
		    MHD_OPTION_SOCK_ADDR, &sin,
		    MHD_OPTION_CONNECTION_LIMIT, 2000,
		    MHD_OPTION_NOTIFY_COMPLETED, srv_completed_cb, NULL,
		    MHD_OPTION_HTTPS_MEM_KEY, key,
		    MHD_OPTION_HTTPS_MEM_CERT, cert,
		    MHD_OPTION_END);
	} else {
		d = MHD_start_daemon(flags, 0, NULL, NULL, srv_handler_cb, NULL,
		    MHD_OPTION_SOCK_ADDR, &sin,
		    MHD_OPTION_CONNECTION_LIMIT, 2000,
		    MHD_OPTION_NOTIFY_COMPLETED, srv_completed_cb, NULL,
		    MHD_OPTION_END);
	}
	if (d == NULL)
		return (NULL);
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	*port = info->port;
	return (d);
}

static void
make_gzip(void)
{
	z_stream	 zs;
	struct buf	 b = { 0 };
	int		 i;

	for (i = 0; i < 400; i++)
		buf_printf(&b, "line %d of a body that compresses well\n", i);
	gz_plain_len = b.len;
	gz_plain = buf_steal(&b);

	memset(&zs, 0, sizeof zs);
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	gz_data = xmalloc(deflateBound(&zs, gz_plain_len));
	zs.next_in = (unsigned char *)gz_plain;
	zs.avail_in = gz_plain_len;
	zs.next_out = gz_data;
	zs.avail_out = deflateBound(&zs, gz_plain_len);
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	gz_len = zs.total_out;
	deflateEnd(&zs);
}

static int
group_setup(void **state)
{
	make_gzip();
	big = xmalloc(BIG_SIZE);
	memset(big, 'b', BIG_SIZE);
	srv = srv_start(0, NULL, NULL, &srv_port);
	if (srv == NULL) {
		fprintf(stderr, "cannot start the test server\n");
		return (-1);
	}
	return (0);
}

static int
group_teardown(void **state)
{
	srv_stopping = 1;
	if (srv != NULL)
		MHD_stop_daemon(srv);
	free(gz_plain);
	free(gz_data);
	free(big);
	return (0);
}

static char *
url(const char *path)
{
	return (xasprintf("http://127.0.0.1:%u%s", srv_port, path));
}

/* --- running requests on a loop ------------------------------------------ */

struct got {
	struct http_response	 resp;
	bool			 done;
	int			 calls;
};

static void
got_cb(struct http_response *resp, void *arg)
{
	struct got	*g = arg;

	g->calls++;
	g->done = true;
	g->resp = *resp;	/* take everything */
	memset(resp, 0, sizeof *resp);
}

static void
run_until_done(struct loop *loop, const bool *done, int64_t ms)
{
	int64_t	 end = util_mono_ms() + ms;

	while (!*done && util_mono_ms() < end)
		assert_int_equal(loop_run_once(loop, 100), 0);
	assert_true(*done);
}

/* One request on a fresh loop; the response goes to *g. */
static void
fetch(const struct http_req *req, struct got *g)
{
	struct loop	*loop;
	struct http	*http;

	memset(g, 0, sizeof *g);
	loop = loop_new();
	http = http_new(loop);
	assert_non_null(http_request(http, req, got_cb, g));
	assert_int_equal(http_inflight(http), 1);
	run_until_done(loop, &g->done, 150000);
	assert_int_equal(g->calls, 1);
	assert_int_equal(http_inflight(http), 0);
	http_free(http);
	loop_free(loop);
}

/* --- tests --------------------------------------------------------------- */

static void
test_ok(void **state)
{
	struct http_req	 req = { 0 };
	struct got	 g;
	char		*u = url("/ok"), *d;

	req.url = u;
	fetch(&req, &g);
	assert_null(g.resp.error);
	assert_int_equal(g.resp.status, 200);
	assert_true(http_response_ok(&g.resp));
	assert_int_equal(g.resp.len, 11);
	assert_string_equal(g.resp.body, "hello world");
	assert_string_equal(http_response_header(&g.resp, "x-custom"), "yes");
	assert_string_equal(http_response_header(&g.resp, "CONTENT-TYPE"),
	    "text/plain");
	assert_null(http_response_header(&g.resp, "X-Nothing"));
	/* Headers and body came over the wire. */
	assert_true(g.resp.bytes_received > 11 + 40);
	assert_true(g.resp.elapsed_ms >= 0 && g.resp.elapsed_ms < 20000);
	assert_int_equal(g.resp.cert_expiry, 0);
	d = http_response_describe(&g.resp);
	assert_string_equal(d, "HTTP 200: hello world");
	free(d);
	http_response_clear(&g.resp);
	assert_null(g.resp.body);
	free(u);
}

static void
test_404(void **state)
{
	struct http_req	 req = { 0 };
	struct got	 g;
	char		*u = url("/nowhere"), *d;

	req.url = u;
	fetch(&req, &g);
	assert_null(g.resp.error);
	assert_int_equal(g.resp.status, 404);
	assert_false(http_response_ok(&g.resp));
	assert_false(http_response_unreachable(&g.resp));
	d = http_response_describe(&g.resp);
	assert_string_equal(d, "HTTP 404: no such thing");
	free(d);
	http_response_clear(&g.resp);
	free(u);
}

static void
test_500_describe(void **state)
{
	struct http_req	 req = { 0 };
	struct got	 g;
	char		*u = url("/fail"), *d;

	req.url = u;
	fetch(&req, &g);
	assert_null(g.resp.error);
	assert_int_equal(g.resp.status, 500);
	assert_false(http_response_ok(&g.resp));
	assert_false(http_response_unreachable(&g.resp));
	d = http_response_describe(&g.resp);
	/* Control characters gone, the body cut short. */
	assert_memory_equal(d, "HTTP 500: boom line two end 000", 31);
	assert_null(strchr(d, '\r'));
	assert_null(strchr(d, '\n'));
	assert_null(strchr(d, '\x01'));
	assert_true(strlen(d) <= strlen("HTTP 500: ") + 120);
	assert_true(strlen(d) > strlen("HTTP 500: ") + 100);
	free(d);
	http_response_clear(&g.resp);
	free(u);
}

static void
test_describe(void **state)
{
	struct http_response	 r;
	char			 body[300];
	char			*d;
	size_t			 i;

	memset(&r, 0, sizeof r);
	d = http_response_describe(&r);
	assert_string_equal(d, "no response");
	free(d);

	r.error = xstrdup("Operation timed out");
	r.status = 200;
	d = http_response_describe(&r);
	assert_string_equal(d, "Operation timed out");
	free(d);
	free(r.error);
	r.error = NULL;

	r.status = 503;
	d = http_response_describe(&r);
	assert_string_equal(d, "HTTP 503");
	free(d);

	/* 119 ASCII bytes then a two-byte UTF-8 "é" across the cut. */
	for (i = 0; i < 119; i++)
		body[i] = 'a';
	body[119] = (char)0xc3;
	body[120] = (char)0xa9;
	body[121] = '\0';
	r.body = body;
	r.len = 121;
	d = http_response_describe(&r);
	assert_int_equal(strlen(d), strlen("HTTP 503: ") + 119);
	free(d);
}

static bool
parse_line(const char *line, char **n, char **v)
{
	return (http_parse_header(line, strlen(line), n, v));
}

static void
test_parse_header(void **state)
{
	char	*n, *v;

	assert_true(parse_line("Content-Type: text/plain\r\n", &n, &v));
	assert_string_equal(n, "Content-Type");
	assert_string_equal(v, "text/plain");
	free(n);
	free(v);
	/* White space around the name and the value goes. */
	assert_true(parse_line("X-A \t:  \t b c \t\r\n", &n, &v));
	assert_string_equal(n, "X-A");
	assert_string_equal(v, "b c");
	free(n);
	free(v);
	/* An empty value is a value; only the first colon splits. */
	assert_true(parse_line("X-Empty:\r\n", &n, &v));
	assert_string_equal(v, "");
	free(n);
	free(v);
	assert_true(parse_line("Location: http://x:1/", &n, &v));
	assert_string_equal(v, "http://x:1/");
	free(n);
	free(v);
	/* Not headers. */
	assert_false(parse_line("HTTP/1.1 200 OK\r\n", &n, &v));
	assert_false(parse_line("\r\n", &n, &v));
	assert_false(parse_line(": nameless\r\n", &n, &v));
	assert_false(parse_line("no colon here\r\n", &n, &v));
	assert_null(n);
	assert_null(v);
	assert_false(http_parse_header("A\0B: c", 7, &n, &v));
	/* Length, not NUL: the colon past len does not count. */
	assert_false(http_parse_header("abc: d", 3, &n, &v));
}

static void
test_cert_time(void **state)
{
	/* 2027-11-25T23:00:00Z */
	assert_int_equal(http_parse_cert_time("Nov 25 23:00:00 2027 GMT"),
	    1827183600);
	assert_int_equal(http_parse_cert_time("nov 25 23:00:00 2027 GMT"),
	    1827183600);
	assert_int_equal(http_parse_cert_time("2027-11-25 23:00:00Z"),
	    1827183600);
	/* OpenSSL pads one-digit days with a space. */
	assert_int_equal(http_parse_cert_time("Mar  1 00:00:00 2030 GMT"),
	    1898553600);
	assert_int_equal(http_parse_cert_time(""), 0);
	assert_int_equal(http_parse_cert_time("Foo 25 23:00:00 2027 GMT"), 0);
	assert_int_equal(http_parse_cert_time("Nov 32 23:00:00 2027 GMT"), 0);
	assert_int_equal(http_parse_cert_time("Nov 25 24:00:00 2027 GMT"), 0);
	assert_int_equal(http_parse_cert_time("2027-13-25 23:00:00Z"), 0);
	assert_int_equal(http_parse_cert_time("Nov 25 23:00 2027"), 0);
	assert_int_equal(http_parse_cert_time(
	    "Nov 99999999999999999999 23:00:00 2027 GMT"), 0);
}

static void
test_refused(void **state)
{
	struct http_req		 req = { 0 };
	struct got		 g;
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof sin;
	char			*u, *d;
	int			 s;

	/* A port that was free a moment ago and is closed now. */
	s = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sin, &len), 0);
	close(s);

	u = xasprintf("http://127.0.0.1:%u/", ntohs(sin.sin_port));
	req.url = u;
	fetch(&req, &g);
	assert_int_equal(g.resp.status, 0);
	assert_non_null(g.resp.error);
	assert_non_null(strstr(g.resp.error, "onnect"));
	assert_false(http_response_ok(&g.resp));
	/* the network path: a source's back-off may end early */
	assert_true(http_response_unreachable(&g.resp));
	d = http_response_describe(&g.resp);
	assert_string_equal(d, g.resp.error);
	free(d);
	http_response_clear(&g.resp);
	free(u);
}

struct ticks {
	struct loop_timer	*t;
	int			 n;
};

static void
tick_cb(void *arg)
{
	struct ticks	*tk = arg;

	tk->n++;
	loop_timer_start(tk->t, 50);
}

static void
test_hang_timeout(void **state)
{
	struct http_req	 req = { 0 };
	struct got	 g = { 0 };
	struct loop	*loop;
	struct http	*http;
	struct ticks	 tk = { 0 };
	char		*u = url("/hang");
	int64_t		 start;

	loop = loop_new();
	http = http_new(loop);
	tk.t = loop_timer_new(loop, tick_cb, &tk);
	loop_timer_start(tk.t, 50);
	req.url = u;
	req.timeout_ms = 1000;
	start = util_mono_ms();
	http_request(http, &req, got_cb, &g);
	run_until_done(loop, &g.done, 10000);

	assert_int_equal(g.resp.status, 0);
	assert_non_null(g.resp.error);
	assert_non_null(strstr(g.resp.error, "timed out"));
	assert_true(http_response_unreachable(&g.resp));
	assert_true(util_mono_ms() - start >= 950);
	assert_true(g.resp.elapsed_ms >= 950 && g.resp.elapsed_ms < 5000);
	/* The loop kept running while the server hung: ~20 ticks. */
	assert_true(tk.n >= 8);

	loop_timer_free(tk.t);
	http_response_clear(&g.resp);
	http_free(http);
	loop_free(loop);
	free(u);
}

static void
test_truncated(void **state)
{
	struct http_req	 req = { 0 };
	struct got	 g;
	char		*u = url("/truncated");

	req.url = u;
	fetch(&req, &g);
	assert_non_null(g.resp.error);
	assert_false(http_response_ok(&g.resp));
	/* Whatever arrived is kept, but never counts as a good answer. */
	assert_true(g.resp.len <= TRUNC_SENT);
	http_response_clear(&g.resp);
	free(u);
}

static void
test_gzip(void **state)
{
	struct http_req	 req = { 0 };
	struct got	 g;
	char		*u = url("/gzip");

	req.url = u;
	fetch(&req, &g);
	assert_null(g.resp.error);
	assert_int_equal(g.resp.status, 200);
	assert_string_equal(http_response_header(&g.resp, "Content-Encoding"),
	    "gzip");
	assert_int_equal(g.resp.len, gz_plain_len);
	assert_memory_equal(g.resp.body, gz_plain, gz_plain_len);
	/* bytes_received counts the compressed body plus headers. */
	assert_true(gz_len < gz_plain_len / 4);
	assert_true(g.resp.bytes_received >= gz_len);
	assert_true(g.resp.bytes_received < gz_len + 1024);
	http_response_clear(&g.resp);
	free(u);
}

static void
test_too_big(void **state)
{
	static const char	*paths[] = { "/big", "/bigchunked" };
	struct http_req		 req = { 0 };
	struct got		 g;
	char			*u, *d;
	size_t			 i;

	for (i = 0; i < nitems(paths); i++) {
		u = url(paths[i]);
		req.url = u;
		req.max_size = 1024 * 1024;
		fetch(&req, &g);
		assert_non_null(g.resp.error);
		assert_string_equal(g.resp.error,
		    "response larger than 1 MiB limit");
		assert_false(http_response_ok(&g.resp));
		assert_false(http_response_unreachable(&g.resp));
		assert_true(g.resp.len <= 1024 * 1024);
		d = http_response_describe(&g.resp);
		assert_string_equal(d, "response larger than 1 MiB limit");
		free(d);
		http_response_clear(&g.resp);

		/* The default limit lets 5 MiB through. */
		req.max_size = 0;
		fetch(&req, &g);
		assert_null(g.resp.error);
		assert_int_equal(g.resp.len, BIG_SIZE);
		http_response_clear(&g.resp);
		free(u);
	}
}

/* n parallel requests for path on one loop; counts the errors with err. */
static void
fetch_parallel(const char *path, struct http_budget *budget, size_t n,
    const char *err, size_t *nok, size_t *nerr)
{
	struct loop	*loop;
	struct http	*http;
	struct http_req	 req = { 0 };
	struct got	 g[8];
	char		*u = url(path);
	size_t		 i, done;

	assert_true(n <= nitems(g));
	memset(g, 0, sizeof g);
	loop = loop_new();
	http = http_new(loop);
	req.url = u;
	req.budget = budget;
	for (i = 0; i < n; i++)
		assert_non_null(http_request(http, &req, got_cb, &g[i]));
	for (;;) {
		for (i = done = 0; i < n; i++)
			done += g[i].done;
		if (done == n)
			break;
		assert_int_equal(loop_run_once(loop, 100), 0);
	}
	*nok = *nerr = 0;
	for (i = 0; i < n; i++) {
		if (g[i].resp.error == NULL && g[i].resp.len == BIG_SIZE)
			(*nok)++;
		else if (g[i].resp.error != NULL &&
		    strcmp(g[i].resp.error, err) == 0)
			(*nerr)++;
		http_response_clear(&g[i].resp);
	}
	http_free(http);
	loop_free(loop);
	free(u);
}

/*
 * The bytes in flight are bounded per budget (a source's parallel
 * queries) and overall, whatever each request's own limit.
 */
static void
test_budget(void **state)
{
	struct http_budget	 b;
	size_t			 nok, nerr;

	(void)state;
	/* 3 x 5 MiB at once in an 8 MiB budget: not all of them. */
	memset(&b, 0, sizeof b);
	b.limit = 8 * 1024 * 1024;
	fetch_parallel("/slowchunked", &b, 3, "answers in flight over the "
	    "8 MiB budget of this source", &nok, &nerr);
	assert_true(nok >= 1);
	assert_true(nerr >= 1);
	assert_int_equal(nok + nerr, 3);
	assert_int_equal(atomic_load(&b.used), 0);
	assert_int_equal(http_total_inflight(), 0);

	/* The same in a budget that holds them. */
	b.limit = 24 * 1024 * 1024;
	fetch_parallel("/slowchunked", &b, 3, "-", &nok, &nerr);
	assert_int_equal(nok, 3);

	/* 8 x 5 MiB without a budget: the total one stops some. */
	fetch_parallel("/slowchunked", NULL, 8, "answers in flight over the 32 MiB "
	    "budget of all sources", &nok, &nerr);
	assert_true(nerr >= 1);
	assert_int_equal(nok + nerr, 8);
	assert_int_equal(http_total_inflight(), 0);
}

static void
test_methods(void **state)
{
	static const char	*methods[] = { "POST", "PUT", "DELETE",
				    "PATCH" };
	static const char *const hdrs[] = { "X-Test: hello there",
				    "Content-Type: text/plain", NULL };
	struct http_req		 req = { 0 };
	struct got		 g;
	char			*u = url("/echo"), *want, body[64];
	size_t			 i;

	for (i = 0; i < nitems(methods); i++) {
		snprintf(body, sizeof body, "payload-%zu", i);
		req.url = u;
		req.method = methods[i];
		req.body = body;
		req.bodylen = strlen(body);
		req.headers = hdrs;
		req.user = "ops";
		req.password = "s3cret";
		fetch(&req, &g);
		assert_null(g.resp.error);
		assert_int_equal(g.resp.status, 200);
		want = xasprintf("method=%s\nx-test=hello there\n"
		    "auth=Basic b3BzOnMzY3JldA==\nlen=%zu\nbody=%s", methods[i],
		    strlen(body), body);
		assert_string_equal(g.resp.body, want);
		free(want);
		http_response_clear(&g.resp);
	}

	/* GET: no body, no auth. */
	memset(&req, 0, sizeof req);
	req.url = u;
	fetch(&req, &g);
	assert_string_equal(g.resp.body, "method=GET\nx-test=-\nauth=-\nlen=0\n"
	    "body=");
	http_response_clear(&g.resp);

	/* DELETE without a body; HEAD. */
	req.method = "DELETE";
	fetch(&req, &g);
	assert_int_equal(g.resp.status, 200);
	assert_string_equal(g.resp.body,
	    "method=DELETE\nx-test=-\nauth=-\nlen=0\nbody=");
	http_response_clear(&g.resp);
	req.method = "HEAD";
	fetch(&req, &g);
	assert_null(g.resp.error);
	assert_int_equal(g.resp.status, 200);
	assert_int_equal(g.resp.len, 0);
	assert_string_equal(g.resp.body, "");
	assert_string_equal(http_response_header(&g.resp, "X-Custom"), "yes");
	http_response_clear(&g.resp);

	/* A binary body with a NUL in it goes through whole. */
	req.method = "POST";
	req.body = "a\0b";
	req.bodylen = 3;
	fetch(&req, &g);
	assert_string_equal(g.resp.body, "method=POST\nx-test=-\nauth=-\n"
	    "len=3\nbody=a");
	http_response_clear(&g.resp);
	free(u);
}

static void
test_debug_log(void **state)
{
	struct http_req	 req = { 0 };
	struct got	 g;
	const char	*tmp;
	char		*u = url("/echo"), *path, *cause = NULL, *text;
	struct buf	 b = { 0 };
	FILE		*f;
	char		 line[1024];

	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	path = xasprintf("%s/bbbctl-test-http-%d.log", tmp, (int)getpid());
	assert_int_equal(log_open(path, &cause), 0);
	log_set_level(LOG_LEVEL_DEBUG);
	req.url = u;
	req.method = "POST";
	req.body = "x";
	req.bodylen = 1;
	req.user = "ops";
	req.password = "s3cret";
	fetch(&req, &g);
	log_set_level(LOG_LEVEL_INFO);
	log_close();
	assert_int_equal(g.resp.status, 200);
	http_response_clear(&g.resp);

	assert_non_null(f = fopen(path, "r"));
	while (fgets(line, sizeof line, f) != NULL)
		buf_adds(&b, line);
	fclose(f);
	unlink(path);
	text = buf_steal(&b);
	/* curl talked, and neither the password nor its encoding leaked. */
	assert_non_null(strstr(text, "curl: "));
	assert_null(strstr(text, "s3cret"));
	assert_null(strstr(text, "b3BzOnMzY3JldA=="));
	free(text);
	free(path);
	free(u);
}

struct many {
	int		 done;
	int		 good;
	bool		 all;
};

struct one {
	struct many	*m;
	int		 i;
};

static void
many_cb(struct http_response *resp, void *arg)
{
	struct one	*o = arg;
	char		 want[32];

	snprintf(want, sizeof want, "n=%d", o->i);
	if (resp->error == NULL && resp->status == 200 &&
	    strcmp(resp->body, want) == 0)
		o->m->good++;
	if (++o->m->done == 200)
		o->m->all = true;
}

static void
test_many(void **state)
{
	struct loop	*loop;
	struct http	*http;
	struct many	 m = { 0 };
	struct one	 o[200];
	struct http_req	 req = { 0 };
	char		*u;
	int		 i;

	loop = loop_new();
	http = http_new(loop);
	for (i = 0; i < 200; i++) {
		o[i].m = &m;
		o[i].i = i;
		u = xasprintf("http://127.0.0.1:%u/n/%d", srv_port, i);
		req.url = u;
		req.timeout_ms = 20000;
		http_request(http, &req, many_cb, &o[i]);
		free(u);	/* copied by http_request */
	}
	assert_int_equal(http_inflight(http), 200);
	run_until_done(loop, &m.all, 30000);
	assert_int_equal(m.done, 200);
	assert_int_equal(m.good, 200);
	assert_int_equal(http_inflight(http), 0);
	http_free(http);
	loop_free(loop);
}

static void
never_cb(struct http_response *resp, void *arg)
{
	fail_msg("a cancelled transfer called back");
}

static void
test_cancel(void **state)
{
	struct loop		*loop;
	struct http		*http;
	struct http_xfer	*x;
	struct http_req		 req = { 0 };
	char			*u = url("/hang");
	int			 i;

	loop = loop_new();
	http = http_new(loop);
	req.url = u;
	x = http_request(http, &req, never_cb, NULL);
	for (i = 0; i < 5; i++)
		loop_run_once(loop, 20);
	http_cancel(x);
	assert_int_equal(http_inflight(http), 0);
	for (i = 0; i < 5; i++)
		loop_run_once(loop, 20);

	/* http_free with transfers in flight: no callbacks either. */
	for (i = 0; i < 3; i++)
		http_request(http, &req, never_cb, NULL);
	loop_run_once(loop, 20);
	assert_int_equal(http_inflight(http), 3);
	http_free(http);
	loop_run_once(loop, 20);
	loop_free(loop);
	free(u);
}

struct freer {
	struct http	*http;
	int		 calls;
};

static void
free_from_cb(struct http_response *resp, void *arg)
{
	struct freer	*f = arg;

	f->calls++;
	http_free(f->http);
}

static void
test_free_in_callback(void **state)
{
	struct loop	*loop;
	struct http	*http;
	struct freer	 f = { 0 };
	struct http_req	 req = { 0 };
	char		*u = url("/ok"), *h = url("/hang");
	int64_t		 end;

	loop = loop_new();
	http = http_new(loop);
	f.http = http;
	req.url = u;
	http_request(http, &req, free_from_cb, &f);
	req.url = h;
	http_request(http, &req, never_cb, NULL);
	end = util_mono_ms() + 10000;
	while (f.calls == 0 && util_mono_ms() < end)
		loop_run_once(loop, 100);
	assert_int_equal(f.calls, 1);
	loop_run_once(loop, 20);
	loop_free(loop);
	free(u);
	free(h);
}

static void
test_bad_url(void **state)
{
	struct http_req	 req = { 0 };
	struct got	 g;

	req.url = "ftp://127.0.0.1/x";
	fetch(&req, &g);
	assert_non_null(g.resp.error);
	assert_int_equal(g.resp.status, 0);
	http_response_clear(&g.resp);

	req.url = "";
	fetch(&req, &g);
	assert_string_equal(g.resp.error, "no URL");
	http_response_clear(&g.resp);
}

struct perf {
	const char		*url;
	struct http_response	 resp;
	int			 rc;
};

static void *
perform_thread(void *arg)
{
	struct perf	*p = arg;
	struct http_req	 req = { 0 };

	req.url = p->url;
	p->rc = http_perform(&req, &p->resp);
	return (NULL);
}

static void
test_perform_thread(void **state)
{
	struct perf	 p = { 0 };
	pthread_t	 th;
	char		*u = url("/ok");

	p.url = u;
	assert_int_equal(pthread_create(&th, NULL, perform_thread, &p), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.resp.status, 200);
	assert_string_equal(p.resp.body, "hello world");
	assert_string_equal(http_response_header(&p.resp, "X-Custom"), "yes");
	http_response_clear(&p.resp);
	free(u);

	/* A blocking failure is data too. */
	u = url("/big");
	{
		struct http_req	req = { 0 };

		req.url = u;
		req.max_size = 1000;
		assert_int_equal(http_perform(&req, &p.resp), -1);
		assert_string_equal(p.resp.error,
		    "response larger than 1000 bytes limit");
		http_response_clear(&p.resp);
	}
	free(u);
}

/* --- TLS ------------------------------------------------------------------ */

static char	 tls_dir[64];

static int
run_cmd(char *const argv[])
{
	pid_t	 pid;
	int	 st, fd;

	if ((pid = fork()) == -1)
		return (-1);
	if (pid == 0) {
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) == -1) {
		if (errno != EINTR)
			return (-1);
	}
	return (WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

static char *
tls_path(const char *name)
{
	return (xasprintf("%s/%s", tls_dir, name));
}

static void
write_file(const char *name, const char *text)
{
	char	*p = tls_path(name);
	FILE	*f;

	assert_non_null(f = fopen(p, "w"));
	fputs(text, f);
	fclose(f);
	free(p);
}

static char *
read_file(const char *name)
{
	char		*p = tls_path(name), tmp[4096];
	struct buf	 b = { 0 };
	FILE		*f;
	size_t		 n;

	assert_non_null(f = fopen(p, "r"));
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_add(&b, tmp, n);
	fclose(f);
	free(p);
	return (buf_steal(&b));
}

/* CA and server certificate (for 127.0.0.1 and localhost), 30 days. */
static int
tls_make(void)
{
	char	*cacnf, *srvcnf, *cakey, *ca, *key, *csr, *crt;
	int	 rc;

	write_file("ca.cnf", "[req]\ndistinguished_name = dn\n[dn]\n"
	    "[v3_ca]\nbasicConstraints = critical,CA:TRUE\n"
	    "keyUsage = critical,keyCertSign,cRLSign\n"
	    "subjectKeyIdentifier = hash\n");
	write_file("srv.cnf", "[v3_srv]\nbasicConstraints = CA:FALSE\n"
	    "keyUsage = critical,digitalSignature\n"
	    "extendedKeyUsage = serverAuth\n"
	    "subjectAltName = IP:127.0.0.1,DNS:localhost\n"
	    "authorityKeyIdentifier = keyid\n");
	cacnf = tls_path("ca.cnf");
	srvcnf = tls_path("srv.cnf");
	cakey = tls_path("ca.key");
	ca = tls_path("ca.pem");
	key = tls_path("srv.key");
	csr = tls_path("srv.csr");
	crt = tls_path("srv.pem");
	{
		char *const a1[] = { "openssl", "req", "-x509", "-newkey", "ec",
		    "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
		    "-keyout", cakey, "-out", ca, "-days", "30",
		    "-subj", "/CN=bbbctl test CA", "-config", cacnf,
		    "-extensions", "v3_ca", NULL };
		char *const a2[] = { "openssl", "req", "-new", "-newkey", "ec",
		    "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
		    "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1",
		    "-config", cacnf, NULL };
		char *const a3[] = { "openssl", "x509", "-req", "-in", csr,
		    "-CA", ca, "-CAkey", cakey, "-set_serial", "2",
		    "-out", crt, "-days", "30", "-extfile", srvcnf,
		    "-extensions", "v3_srv", NULL };

		rc = run_cmd(a1);
		if (rc == 0)
			rc = run_cmd(a2);
		if (rc == 0)
			rc = run_cmd(a3);
	}
	free(cacnf);
	free(srvcnf);
	free(cakey);
	free(ca);
	free(key);
	free(csr);
	free(crt);
	return (rc);
}

static void
tls_cleanup(void)
{
	char *const	 argv[] = { "rm", "-rf", tls_dir, NULL };

	if (tls_dir[0] != '\0')
		run_cmd(argv);
}

static void
test_tls(void **state)
{
	struct MHD_Daemon	*d;
	struct http_req		 req = { 0 };
	struct got		 g;
	unsigned short		 port;
	const char		*tmp;
	char			*key, *cert, *u, *ca;
	time_t			 now;

	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
		skip();
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(tls_dir, sizeof tls_dir, "%s/bbbctl-tls.XXXXXX", tmp);
	assert_non_null(mkdtemp(tls_dir));
	if (tls_make() != 0) {
		tls_cleanup();
		print_message("# openssl could not make certificates\n");
		skip();
	}
	key = read_file("srv.key");
	cert = read_file("srv.pem");
	ca = tls_path("ca.pem");
	d = srv_start(MHD_USE_TLS, key, cert, &port);
	assert_non_null(d);
	u = xasprintf("https://127.0.0.1:%u/ok", port);

	/* The system CAs do not know ours.  Slow under valgrind: be patient. */
	req.url = u;
	req.timeout_ms = 120000;
	req.connect_timeout_ms = 120000;
	fetch(&req, &g);
	assert_non_null(g.resp.error);
	if (strstr(g.resp.error, "certificate") == NULL)
		fail_msg("no certificate error: %s", g.resp.error);
	assert_int_equal(g.resp.status, 0);
	http_response_clear(&g.resp);

	/* Named CA file: verified. */
	req.ca_file = ca;
	req.want_cert_expiry = true;
	fetch(&req, &g);
	assert_null(g.resp.error);
	assert_int_equal(g.resp.status, 200);
	assert_string_equal(g.resp.body, "hello world");
	now = time(NULL);
	assert_true(g.resp.cert_expiry > now + 29 * 86400);
	assert_true(g.resp.cert_expiry < now + 31 * 86400);
	http_response_clear(&g.resp);

	/* The name must match: the certificate is not for this one. */
	free(u);
	u = xasprintf("https://bbb-01.localhost:%u/ok", port);
	req.url = u;
	fetch(&req, &g);
	assert_non_null(g.resp.error);
	http_response_clear(&g.resp);

	/* Blocking, same rules. */
	free(u);
	u = xasprintf("https://127.0.0.1:%u/ok", port);
	req.url = u;
	assert_int_equal(http_perform(&req, &g.resp), 0);
	assert_true(g.resp.cert_expiry > now + 29 * 86400);
	http_response_clear(&g.resp);
	req.ca_file = NULL;
	assert_int_equal(http_perform(&req, &g.resp), -1);
	assert_non_null(strstr(g.resp.error, "certificate"));
	http_response_clear(&g.resp);

	MHD_stop_daemon(d);
	free(u);
	free(ca);
	free(key);
	free(cert);
	tls_cleanup();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok),
		cmocka_unit_test(test_404),
		cmocka_unit_test(test_500_describe),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_parse_header),
		cmocka_unit_test(test_cert_time),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_hang_timeout),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_methods),
		cmocka_unit_test(test_debug_log),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_free_in_callback),
		cmocka_unit_test(test_bad_url),
		cmocka_unit_test(test_perform_thread),
		cmocka_unit_test(test_tls),
	};

	return (cmocka_run_group_tests(tests, group_setup, group_teardown));
}
