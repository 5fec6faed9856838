/*
 * slow-resolve.c: a preload library for tests (LD_PRELOAD): getaddrinfo()
 * of a name ending in ".slow.test" waits SLOW_RESOLVE_MS milliseconds
 * (default 3000), then answers for 127.0.0.1; every other name as usual.
 * It shows on which thread names are looked up: one looked up on the
 * event loop stops the loop that long.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int (*gai_fn)(const char *, const char *, const struct addrinfo *,
    struct addrinfo **);

int
getaddrinfo(const char *node, const char *service,
    const struct addrinfo *hints, struct addrinfo **res)
{
	static const char	 suffix[] = ".slow.test";
	gai_fn			 real;
	struct timespec		 ts;
	const char		*v;
	size_t			 n;
	long			 ms = 3000;

	real = (gai_fn)dlsym(RTLD_NEXT, "getaddrinfo");
	if (real == NULL)
		return (EAI_SYSTEM);
	if (node != NULL && (n = strlen(node)) > sizeof suffix - 1 &&
	    strcmp(node + n - (sizeof suffix - 1), suffix) == 0) {
		if ((v = getenv("SLOW_RESOLVE_MS")) != NULL)
			ms = strtol(v, NULL, 10);
		ts.tv_sec = ms / 1000;
		ts.tv_nsec = (ms % 1000) * 1000000L;
		while (nanosleep(&ts, &ts) != 0)
			;
		node = "127.0.0.1";
	}
	return (real(node, service, hints, res));
}
