/*
 * ssh-driver: drives ssh.c's sessions for ssh-session.sh.
 *
 *	ssh-driver CONFIG HOST [-i KEY] [-p PUB] [-t MS] [-c MS | -C MS]
 *	    CMD IN ...
 *
 * Opens one session (with KEY and PUB when given; -t: each command's
 * timeout; -c: the cancel flag is set that long after the first command
 * starts; -C: that long after the session starts to open), then runs
 * each CMD
 * with the contents of file IN as its stdin ("-": none).  Prints, per
 * command, "ok N exit S" then its stdout, and "stderr: " lines; or
 * "error: CAUSE" and exits 1.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "ssh.h"
#include "util.h"

static char *
slurp(const char *path, size_t *len)
{
	struct buf	 b = { 0 };
	char		 tmp[8192];
	size_t		 n;
	FILE		*f;

	if ((f = fopen(path, "rb")) == NULL)
		return (NULL);
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_add(&b, tmp, n);
	fclose(f);
	*len = b.len;
	buf_addc(&b, '\0');
	return (buf_steal(&b));
}

static atomic_bool	 cancel;
static long		 cancel_ms = -1;
static bool		 cancel_open;	/* -C */

static void *
cancel_later(void *arg)
{
	(void)arg;
	usleep((useconds_t)cancel_ms * 1000);
	atomic_store(&cancel, true);
	return (NULL);
}

int
main(int argc, char **argv)
{
	struct config		*cfg;
	struct ssh_opts		 o;
	struct ssh_session	*ss;
	struct ssh_result	 res;
	char			*cause = NULL, *in;
	size_t			 in_len;
	int			 ch, i, rc = 0;
	pthread_t		 th;

	if (argc < 3) {
		fprintf(stderr, "usage: ssh-driver CONFIG HOST [-i KEY] "
		    "[-p PUB] [-t MS] CMD IN ...\n");
		return (2);
	}
	cfg = config_new();
	if (config_load(cfg, argv[1], &cause) != 0) {
		fprintf(stderr, "ssh-driver: %s\n", cause);
		return (2);
	}
	memset(&o, 0, sizeof o);
	optind = 3;
	while ((ch = getopt(argc, argv, "i:p:t:c:C:")) != -1) {
		switch (ch) {
		case 'i':
			o.identity = optarg;
			break;
		case 'p':
			o.identity_pub = optarg;
			break;
		case 't':
			o.exec_timeout_ms = strtoll(optarg, NULL, 10);
			break;
		case 'c':
		case 'C':
			cancel_ms = strtol(optarg, NULL, 10);
			cancel_open = ch == 'C';
			o.cancel = &cancel;
			break;
		default:
			return (2);
		}
	}
	if ((argc - optind) % 2 != 0) {
		fprintf(stderr, "ssh-driver: CMD IN pairs\n");
		return (2);
	}
	if (cancel_open &&
	    pthread_create(&th, NULL, cancel_later, NULL) != 0)
		return (2);
	if ((ss = ssh_session_open(cfg, argv[2], &o, &cause)) == NULL) {
		printf("error: %s\n", cause);
		free(cause);
		if (cancel_open)
			pthread_join(th, NULL);
		config_free(cfg);
		return (1);
	}
	if (cancel_ms >= 0 && !cancel_open &&
	    pthread_create(&th, NULL, cancel_later, NULL) != 0)
		return (2);
	for (i = optind; i < argc; i += 2) {
		in = NULL;
		in_len = 0;
		if (strcmp(argv[i + 1], "-") != 0 &&
		    (in = slurp(argv[i + 1], &in_len)) == NULL) {
			fprintf(stderr, "ssh-driver: cannot read %s\n",
			    argv[i + 1]);
			rc = 2;
			break;
		}
		if (ssh_session_exec(ss, argv[i], in, in_len, &res,
		    &cause) != 0) {
			printf("error: %s\n", cause);
			free(cause);
			cause = NULL;
			free(in);
			rc = 1;
			break;
		}
		printf("ok %d exit %d\n%s", (i - optind) / 2 + 1,
		    res.exit_status, res.out);
		if (res.err_len > 0)
			printf("stderr: %s", res.err);
		ssh_result_clear(&res);
		free(in);
	}
	ssh_session_close(ss);
	if (cancel_ms >= 0)
		pthread_join(th, NULL);
	config_free(cfg);
	return (rc);
}
