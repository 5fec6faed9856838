/*
 * lock-race-driver: two contenders race for the cluster lock (lock.c)
 * against a consul, ROUNDS times, for lock-race-sim.sh.
 *
 *	lock-race-driver URL TOKEN KEY ROUNDS WAIT_MS
 *
 * Each round both threads start together (a barrier) and call
 * lock_acquire(); the winner holds it a moment and releases it.  With
 * WAIT_MS > 0 the loser waits for it, so every acquisition must succeed;
 * with 0 the loser gives up, but only with "held by ...".  Prints
 * "acquired N spurious N overlaps N" and the spurious causes; exit 0.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lock.h"
#include "util.h"

static const char	*url, *token, *key;
static int		 rounds;
static int64_t		 wait_ms;
static pthread_barrier_t barrier;
static atomic_int	 holders, acquired, spurious, overlaps;
static pthread_mutex_t	 print_mtx = PTHREAD_MUTEX_INITIALIZER;

static void *
contender_cb(void *arg)
{
	struct lock_opts	 o;
	struct lock		*l;
	char			*cause = NULL, job[64];
	int			 i;

	for (i = 0; i < rounds; i++) {
		memset(&o, 0, sizeof o);
		o.url = url;
		o.token = token;
		o.key = key;
		o.operator = "race@test";
		snprintf(job, sizeof job, "race %s round %d",
		    (const char *)arg, i);
		o.job = job;
		o.wait_ms = wait_ms;
		o.retry_ms = 20;
		pthread_barrier_wait(&barrier);
		l = lock_acquire(&o, &cause);
		if (l == NULL) {
			/* Losing without waiting is fine: it is held. */
			if (wait_ms > 0 ||
			    strstr(cause, "is held by") == NULL) {
				atomic_fetch_add(&spurious, 1);
				pthread_mutex_lock(&print_mtx);
				printf("spurious: %s\n", cause);
				pthread_mutex_unlock(&print_mtx);
			}
			free(cause);
			cause = NULL;
		} else {
			atomic_fetch_add(&acquired, 1);
			if (atomic_fetch_add(&holders, 1) != 0)
				atomic_fetch_add(&overlaps, 1);
			usleep(2000);
			atomic_fetch_sub(&holders, 1);
			lock_release(l);
		}
		pthread_barrier_wait(&barrier);
	}
	return (NULL);
}

int
main(int argc, char **argv)
{
	pthread_t	 a, b;

	if (argc != 6) {
		fprintf(stderr, "usage: lock-race-driver URL TOKEN KEY ROUNDS "
		    "WAIT_MS\n");
		return (2);
	}
	url = argv[1];
	token = argv[2];
	key = argv[3];
	rounds = atoi(argv[4]);	/* check-src: allow */
	wait_ms = atoll(argv[5]);
	pthread_barrier_init(&barrier, NULL, 2);
	pthread_create(&a, NULL, contender_cb, "a");
	pthread_create(&b, NULL, contender_cb, "b");
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	printf("acquired %d spurious %d overlaps %d\n", atomic_load(&acquired),
	    atomic_load(&spurious), atomic_load(&overlaps));
	return (0);
}
