/*
 * http.h: asynchronous HTTP on the loop (libcurl multi socket API).
 *
 * http_request() copies everything in the request; the caller's strings
 * may be freed as soon as it returns.  The done callback runs once on the
 * loop thread, unless the transfer was cancelled (http_cancel or
 * http_free), in which case it never runs.  The response is borrowed for
 * the duration of the callback; the callback may take resp->body (set it
 * to NULL) to keep it.  The struct http_xfer is freed when the callback
 * returns or by http_cancel(): forget it then.  http_free() before the
 * loop's loop_free().
 *
 * TLS verification is always on.  Redirects are not followed.  Responses
 * larger than max_size abort the transfer with a clear error.
 *
 * Worker threads (jobs) use http_perform(): the same request and response,
 * blocking, with its own easy handle; never call it on the loop thread.
 */
#ifndef BBBCTL_HTTP_H
#define BBBCTL_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct loop;
struct http;
struct http_xfer;

#define HTTP_DEFAULT_MAX_SIZE		(64u * 1024 * 1024)
#define HTTP_DEFAULT_TIMEOUT_MS		10000
#define HTTP_DEFAULT_CONNECT_TIMEOUT_MS	5000

/*
 * Bytes in flight, bounded per source and overall.  The size cap is per
 * request, and a source's queries run in parallel (Prometheus's); an
 * endless answer on each would cost their number times the cap.  A
 * request may name a budget (one per source, shared by its requests):
 * the bytes its transfers are receiving may not pass budget->limit, and
 * those of every transfer of the process may not pass HTTP_TOTAL_BUDGET;
 * the transfer that would pass one fails with "answers in flight over
 * N MiB".  A transfer's bytes count until its done callback returns (or,
 * for http_perform(), until it returns).
 */
#define HTTP_SOURCE_BUDGET	(12u * 1024 * 1024)
#define HTTP_TOTAL_BUDGET	(32u * 1024 * 1024)
struct http_budget {
	_Atomic size_t	 used;
	size_t		 limit;		/* 0 = HTTP_SOURCE_BUDGET */
};
/* Bytes in flight now, in every transfer (for the tests). */
size_t		 http_total_inflight(void);

struct http_req {
	struct http_budget *budget;	/* may be NULL: only the total */
	const char	*method;	/* NULL = GET */
	const char	*url;
	const char	*body;		/* may be NULL */
	size_t		 bodylen;
	const char *const *headers;	/* "Name: value", NULL-terminated */
	const char	*user;		/* basic auth when non-NULL */
	const char	*password;
	const char	*ca_file;	/* extra CA bundle, NULL = system */
	long		 timeout_ms;	/* 0 = HTTP_DEFAULT_TIMEOUT_MS */
	long		 connect_timeout_ms;
	size_t		 max_size;	/* 0 = HTTP_DEFAULT_MAX_SIZE */
	bool		 want_cert_expiry; /* fill http_response.cert_expiry */
	/*
	 * Fetch the peer's certificate WITHOUT verifying it, into
	 * http_response.peer_cert: only to show an untrusted certificate's
	 * fingerprint (the setup wizard); never with credentials.
	 */
	bool		 want_peer_cert_unverified;
};

struct http_header {
	char	*name;
	char	*value;
};

/* A transport failure, classified for messages (the setup wizard's tests). */
enum http_fail {
	HTTP_FAIL_NONE,
	HTTP_FAIL_DNS,		/* the name does not resolve */
	HTTP_FAIL_REFUSED,	/* TCP connection refused */
	HTTP_FAIL_TIMEOUT,	/* no answer in time (connect or transfer) */
	HTTP_FAIL_TLS_VERIFY,	/* certificate not trusted (or wrong name) */
	HTTP_FAIL_TLS,		/* another TLS failure */
	HTTP_FAIL_OTHER
};

struct http_response {
	long		 status;	/* 0 when no HTTP answer arrived */
	char		*error;		/* transport failure text, or NULL */
	char		*body;		/* NUL-terminated (len excludes it) */
	size_t		 len;
	struct http_header *headers;
	size_t		 nheaders;
	int64_t		 elapsed_ms;
	uint64_t	 bytes_received; /* on the wire (compressed) */
	time_t		 cert_expiry;	/* peer certificate notAfter, or 0 */
	enum http_fail	 fail;		/* what kind of transport failure */
	char		*peer_cert;	/* PEM, want_peer_cert_unverified */
	bool		 reset;		/* timed out, reset, refused, cut */
};

typedef void (*http_done_cb)(struct http_response *, void *arg);

struct http	*http_new(struct loop *);
void		 http_free(struct http *);	/* cancels all transfers */
struct http_xfer *http_request(struct http *, const struct http_req *,
		     http_done_cb, void *arg);
void		 http_cancel(struct http_xfer *);
size_t		 http_inflight(const struct http *);

/* Blocking, for worker threads.  0 when an HTTP answer arrived. */
int		 http_perform(const struct http_req *, struct http_response *);
void		 http_response_clear(struct http_response *);

/*
 * Blocking: the peer certificate of an https url as PEM, fetched WITHOUT
 * verifying it and without credentials (want_peer_cert_unverified), to
 * show an untrusted certificate's fingerprint.  Allocated, or NULL.
 */
char		*http_peer_cert_unverified(const char *url, long timeout_ms);

/* Case-insensitive header lookup; borrowed from resp. */
const char	*http_response_header(const struct http_response *,
		     const char *);
/*
 * A failure worth retrying a little later: a 5xx or 429 answer, or a
 * transport failure that a restart or a busy server gives (timeout,
 * connection reset, refused, an answer cut short).  Not a 4xx, a TLS or
 * name failure, an answer over the size limit.
 */
bool		 http_response_transient(const struct http_response *);
/*
 * No answer because the network path failed: the name did not resolve,
 * the connection was refused, timed out, or was reset or cut.  Not an
 * HTTP answer of any status, a TLS failure or an answer over a limit.
 */
bool		 http_response_unreachable(const struct http_response *);
/* 2xx and no transport error. */
bool		 http_response_ok(const struct http_response *);
/*
 * One line for the UI: the transport error, or "HTTP 503: <first bytes
 * of the body, control characters removed>".  Allocated.
 */
char		*http_response_describe(const struct http_response *);

/*
 * Decoders of outside data, public for the tests and the fuzzer.
 * http_parse_header: one response header line ("Name: value\r\n");
 * false for a status line, a blank line, a line without a name or one
 * holding a NUL byte.
 * http_parse_cert_time: a certificate date as libcurl reports it
 * ("Nov 25 23:00:00 2027 GMT" or "2027-11-25 23:00:00Z"), 0 if none.
 */
bool		 http_parse_header(const char *, size_t, char **, char **);
time_t		 http_parse_cert_time(const char *);

#endif
