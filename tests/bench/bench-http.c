/*
 * bench-http.c: N requests through http.c with C in flight against a
 * libmicrohttpd server on 127.0.0.1 (port picked by the kernel).  Prints
 * figures; asserts nothing about timings.
 *
 *   bench-http [-n requests] [-c in-flight] [-s body-bytes]
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

#include "http.h"
#include "loop.h"
#include "util.h"

static char	*bench_body;
static size_t	 bench_size = 100;

static enum MHD_Result
bench_handler_cb(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct MHD_Response	*r;
	enum MHD_Result		 ret;

	r = MHD_create_response_from_buffer(bench_size, bench_body,
	    MHD_RESPMEM_PERSISTENT);
	ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return (ret);
}

struct bench {
	struct loop	*loop;
	struct http	*http;
	char		*url;
	int		 total;
	int		 issued;
	int		 done;
	int		 errors;
	int64_t		*lat;
	uint64_t	 bytes;
};

static void	bench_issue(struct bench *);

static void
bench_done_cb(struct http_response *resp, void *arg)
{
	struct bench	*b = arg;

	if (!http_response_ok(resp) || resp->len != bench_size)
		b->errors++;
	b->lat[b->done++] = resp->elapsed_ms;
	b->bytes += resp->bytes_received;
	if (b->issued < b->total)
		bench_issue(b);
	if (b->done == b->total)
		loop_break(b->loop);
}

static void
bench_issue(struct bench *b)
{
	struct http_req	 req = { 0 };

	req.url = b->url;
	req.timeout_ms = 30000;
	b->issued++;
	http_request(b->http, &req, bench_done_cb, b);
}

static int
bench_cmp(const void *a, const void *b)
{
	int64_t	 x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x < y ? -1 : x > y);
}

int
main(int argc, char **argv)
{
	struct MHD_Daemon	*d;
	const union MHD_DaemonInfo *info;
	struct sockaddr_in	 sin;
	struct bench		 b = { 0 };
	int			 ch, inflight = 200, i;
	int64_t			 start, ms;

	b.total = 1000;
	while ((ch = getopt(argc, argv, "n:c:s:")) != -1) {
		switch (ch) {
		case 'n':
			b.total = (int)strtol(optarg, NULL, 10);
			break;
		case 'c':
			inflight = (int)strtol(optarg, NULL, 10);
			break;
		case 's':
			bench_size = (size_t)strtoul(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: bench-http [-n N] [-c C] "
			    "[-s BYTES]\n");
			return (1);
		}
	}
	if (b.total < 1 || inflight < 1)
		return (1);
	if (inflight > b.total)
		inflight = b.total;
	bench_body = xmalloc(bench_size + 1);
	memset(bench_body, 'x', bench_size);

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL,
	    0, NULL, NULL, bench_handler_cb, NULL,
	    MHD_OPTION_SOCK_ADDR, &sin,
	    MHD_OPTION_CONNECTION_LIMIT, 4000,
	    MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "bench-http: cannot start the server\n");
		return (1);
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	b.url = xasprintf("http://127.0.0.1:%u/bench", info->port);
	b.lat = xcalloc(b.total, sizeof *b.lat);
	b.loop = loop_new();
	b.http = http_new(b.loop);

	start = util_mono_ms();
	for (i = 0; i < inflight; i++)
		bench_issue(&b);
	loop_run(b.loop);
	ms = util_mono_ms() - start;

	qsort(b.lat, b.total, sizeof *b.lat, bench_cmp);
	printf("http: %d requests, %d in flight, %zu-byte bodies: "
	    "%lld ms, %.0f req/s, latency p50 %lld ms p99 %lld ms "
	    "max %lld ms, %llu bytes received, %d errors\n",
	    b.total, inflight, bench_size, (long long)ms,
	    ms > 0 ? b.total * 1000.0 / ms : 0.0,
	    (long long)b.lat[b.total / 2],
	    (long long)b.lat[(b.total * 99) / 100 - (b.total >= 100 ? 1 : 0)],
	    (long long)b.lat[b.total - 1], (unsigned long long)b.bytes,
	    b.errors);

	http_free(b.http);
	loop_free(b.loop);
	MHD_stop_daemon(d);
	free(b.lat);
	free(b.url);
	free(bench_body);
	return (b.errors == 0 ? 0 : 1);
}
