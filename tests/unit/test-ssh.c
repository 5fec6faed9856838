/*
 * test-ssh.c: ssh.c's host argument and what cancel stops while a
 * session is being opened (no sshd: a listener that never answers).
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "ssh.h"
#include "util.h"

static char	 tmpdir[PATH_MAX];
static char	*ident;

static int
setup(void **state)
{
	FILE	*f;

	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "%s/test-ssh.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		return (-1);
	/* Only read before the connection; never used here. */
	ident = xasprintf("%s/id", tmpdir);
	if ((f = fopen(ident, "w")) == NULL)
		return (-1);
	fputs("not a key\n", f);
	fclose(f);
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	unlink(ident);
	free(ident);
	rmdir(tmpdir);
	return (0);
}

static char *
open_fails(const char *host, const atomic_bool *cancel)
{
	struct config		*cfg;
	struct ssh_opts		 o;
	struct ssh_session	*ss;
	char			*cause = NULL;

	cfg = config_new();
	memset(&o, 0, sizeof o);
	o.identity = ident;
	o.cancel = cancel;
	ss = ssh_session_open(cfg, host, &o, &cause);
	assert_null(ss);
	assert_non_null(cause);
	config_free(cfg);
	return (cause);
}

static void
test_host_empty_brackets(void **state)
{
	const char	*bad[] = { "[]", "[]:22", "[", "[::1]x", "[a b]",
	    ":22", "" };
	char		*cause;
	size_t		 i;

	(void)state;
	for (i = 0; i < nitems(bad); i++) {
		cause = open_fails(bad[i], NULL);
		if (*bad[i] != '\0' && strstr(cause, "bad ssh host") == NULL)
			fail_msg("'%s': %s", bad[i], cause);
		free(cause);
	}
}

/* A loopback listener on an ephemeral port; the port in *port. */
static int
listener(int backlog, int *port)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof sin;
	int			 fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd != -1);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(listen(fd, backlog), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return (fd);
}

static atomic_bool	 cancel;

static void *
cancel_later(void *arg)
{
	(void)arg;
	usleep(300 * 1000);
	atomic_store(&cancel, true);
	return (NULL);
}

/* Open with cancel set 300 ms in: it must fail as cancelled, soon. */
static void
cancel_while_opening(const char *host)
{
	pthread_t	 th;
	int64_t		 t0, took;
	char		*cause;

	atomic_store(&cancel, false);
	assert_int_equal(pthread_create(&th, NULL, cancel_later, NULL), 0);
	t0 = util_mono_ms();
	cause = open_fails(host, &cancel);
	took = util_mono_ms() - t0;
	pthread_join(th, NULL);
	print_message("# %s: %s after %lld ms\n", host, cause,
	    (long long)took);
	assert_non_null(strstr(cause, "cancelled"));
	assert_true(took < 2000);
	free(cause);
}

/*
 * A listener whose accept queue is full (backlog 0, never accepting)
 * drops further SYNs: a connect to it hangs as to a black hole.
 */
static void
test_cancel_connect(void **state)
{
	struct sockaddr_in	 sin;
	struct pollfd		 pfd;
	char			 host[64];
	int			 lfd, port, fds[16], n = 0, i;
	bool			 hung = false;

	(void)state;
	lfd = listener(0, &port);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	while (n < (int)nitems(fds) && !hung) {
		fds[n] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
		assert_true(fds[n] != -1);
		if (connect(fds[n], (struct sockaddr *)&sin, sizeof sin) != 0) {
			assert_int_equal(errno, EINPROGRESS);
			pfd.fd = fds[n];
			pfd.events = POLLOUT;
			if (poll(&pfd, 1, 300) == 0)
				hung = true;
		}
		n++;
	}
	if (!hung)
		skip();
	snprintf(host, sizeof host, "127.0.0.1:%d", port);
	cancel_while_opening(host);
	for (i = 0; i < n; i++)
		close(fds[i]);
	close(lfd);
}

/* A server that takes the connection and never says a word. */
static void
test_cancel_handshake(void **state)
{
	char	 host[64];
	int	 lfd, port;

	(void)state;
	lfd = listener(8, &port);
	snprintf(host, sizeof host, "127.0.0.1:%d", port);
	cancel_while_opening(host);
	close(lfd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_empty_brackets),
		cmocka_unit_test(test_cancel_connect),
		cmocka_unit_test(test_cancel_handshake),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
