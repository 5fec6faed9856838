/*
 * probe-meeting.h: an end-to-end test meeting through the BBB API: the
 * one implementation behind `bbbctl probe meeting [NODE]` (cmd-probe.c)
 * and the dashboard's key M on a node (action/probe-meeting.c).
 *
 * Through scalelite ([scalelite] url and secret), or on one node
 * directly (its API URL and secret from scalelite's getServers):
 *   create          a random meeting id "bbbctl-probe-<hex>", a name that
 *                   says it is a bbbctl probe, record=false, a short
 *                   duration, meta_bbbctl-probe=1;
 *   getMeetingInfo  finds it;
 *   join            redirect=false; through scalelite the 302 names the
 *                   node it landed on and is followed; the node answers
 *                   with the client's URL;
 *   join URL        that URL answers (2xx or 3xx);
 *   end             with the moderator password scalelite needs;
 *   gone            getMeetingInfo says notFound (end is asynchronous:
 *                   asked again for a few seconds).
 * Each step is timed; the first that fails ends the run (an end is
 * still sent when the meeting was created).
 *
 * Blocking (http_perform): for the command line and worker threads,
 * never the loop.  No secret or checksum reaches a step's detail.
 */
#ifndef BBBCTL_PROBE_MEETING_H
#define BBBCTL_PROBE_MEETING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct job_plan;

/* A BBB API XML answer: the top-level fields a probe reads. */
struct pm_answer {
	char		*returncode;
	char		*message_key;
	char		*message;
	char		*meeting_id;
	char		*internal_id;	/* internalMeetingID */
	char		*url;		/* join with redirect=false */
	int		 running;	/* -1 absent, 0, 1 */
};

/*
 * Decode an answer (outside data; fuzzed).  0, or -1 with *cause when it
 * is not a well-formed <response>.
 */
int		 probe_meeting_decode(const char *, size_t, struct pm_answer *,
		     char **cause);
void		 probe_meeting_answer_clear(struct pm_answer *);

#define PM_STEPS_MAX	8

struct pm_step {
	const char	*name;		/* static: "create" ... */
	bool		 ok;
	int64_t		 ms;
	char		*detail;	/* one line, no secret */
};

struct pm_result {
	char		*via;		/* "scalelite" or the node's key */
	char		*meeting_id;
	char		*node;		/* where it landed, NULL unknown */
	struct pm_step	 steps[PM_STEPS_MAX];
	size_t		 nsteps;
	bool		 ok;		/* every step passed */
};

/*
 * Run the test meeting (node NULL: through scalelite).  0 when it ran
 * (r->ok says whether every step passed), -1 with *cause when it could
 * not start (no scalelite configured, unknown node ...).  step_cb (may
 * be NULL) is called after each step, with the step (borrowed for the
 * call).
 */
typedef void (*pm_step_cb)(const struct pm_step *, void *);
int		 probe_meeting_run(const struct config *, const char *node,
		     struct pm_result *, pm_step_cb step_cb, void *arg,
		     char **cause);
void		 probe_meeting_result_clear(struct pm_result *);

/*
 * What a run will do (node NULL: through scalelite), as steps of plan:
 * the job's plan and the command's --dry-run.  No secret, no checksum.
 * 0, or -1 with *cause when it could not start (no scalelite).
 */
int		 probe_meeting_plan(const struct config *, const char *node,
		     struct job_plan *, char **cause);
/*
 * One line on a run: 0 with "test meeting on <node>: N steps passed in
 * T ms", or -1 with "<step> failed: <detail>" (the first that failed).
 * *line is allocated either way.
 */
int		 probe_meeting_summary(const struct pm_result *, char **line);

#endif
