/*
 * registry.h: the action registry.  Every mutating action of bbbctl is
 * one row, a struct action in its file src/action/<name>.c, listed once
 * in src/action/registry.c.  The row says everything about the action:
 *
 *	verb		"server cordon": the command, the audit record's verb
 *	target		what it acts on: nothing, a node, nodes, a stack, a host
 *	opts, args_*	its own command options and their parser into the
 *			action's private arguments (job_args.priv)
 *	help, usage	the line of `bbbctl --help` and the `?` screen; more
 *			lines for `bbbctl help VERB`
 *	risk		y/N, or the target's name typed
 *	key, views	the dashboard key and the views it works in
 *	cancellable, locks, plan, run	(jobs.h)
 *
 * and everything else is generated from the rows: the command-line
 * commands (cli.c, cmd-job.c: parsing, usage, help), the dashboard's
 * key rows (ui/keys.c: dispatch, footer hints, the ? screen) and the
 * target a key acts on (ui/ui.c).  Nothing else lists actions: a new
 * action is its file and its line in registry.c.
 *
 * This header includes no library header (ui/ includes it); the rows
 * are static and live as long as the program.
 */
#ifndef BBBCTL_ACTION_REGISTRY_H
#define BBBCTL_ACTION_REGISTRY_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct job;
struct job_args;
struct job_ctx;
struct job_plan;

enum job_risk {
	JOB_RISK_REVERSIBLE,	/* y/N, No focused */
	JOB_RISK_DESTRUCTIVE	/* type the target's name */
};

/*
 * What an action acts on (the command line's positional arguments); a
 * node unless its row says otherwise.
 */
enum action_target {
	ACTION_TARGET_NODE,	/* NODE: a node key or scalelite id */
	ACTION_TARGET_NODES,	/* NODE...: job_args.target holds them
				   separated by single blanks */
	ACTION_TARGET_STACK,	/* STACK: a Rancher stack name */
	ACTION_TARGET_HOST,	/* HOST: a Rancher host or VM name */
	ACTION_TARGET_NONE	/* nothing: no argument */
};

/*
 * Views where an action's key works (bits).  0 in a row: the views of
 * its target kind (node: the nodes list and a node's detail; stack: the
 * stacks view; host: the hosts view; none: every view).
 */
#define ACTION_VIEW_NODES	0x01	/* the nodes list: the selected node */
#define ACTION_VIEW_NODE	0x02	/* a node's detail: that node */
#define ACTION_VIEW_STACKS	0x04	/* the stacks view: the row's stack */
#define ACTION_VIEW_HOSTS	0x08	/* the hosts view: the row's host */
#define ACTION_VIEW_ANY		0x10	/* every view (target none) */

/*
 * One command option of an action, "--name ARG".  The parser gets the
 * name; every action also takes the common --lock-wait S and --timeout S
 * (cmd-job.c), which no row may name again.
 */
struct action_opt {
	const char	*name;		/* without "--": "image"; NULL ends */
	const char	*arg;		/* its argument in the usage, "S";
					   NULL: takes none */
	const char	*help;		/* one line, for `bbbctl help VERB` */
};

struct action {
	/* The first seven in this order (older rows are positional). */
	const char	*verb;		/* "server cordon" */
	const char	*help;		/* one line; names the target in
					   capitals, as the usage does */
	enum job_risk	 risk;
	bool		 cancellable;
	bool		 locks;		/* holds the cluster lock */
	int		(*plan)(const struct job_ctx *, const struct job_args *,
			    struct job_plan *, char **);
	int		(*run)(struct job *, char **);

	enum action_target target;
	/*
	 * Options (NULL or ended by a NULL name), parsed on the command
	 * line into job_args.priv: args_size bytes, zeroed, then
	 * args_parse() once per option given (0, or -1 with *cause: a
	 * usage error).  args_free() frees what the parser put in (not
	 * the block itself); may be NULL.  A job without options given
	 * (the dashboard's) has priv NULL: the action's defaults.
	 */
	const struct action_opt *opts;
	size_t		 args_size;
	int		(*args_parse)(void *, const char *opt, const char *arg,
			    char **cause);
	void		(*args_free)(void *);
	const char	*usage;		/* more lines for `bbbctl help VERB`
					   (may be NULL) */

	/*
	 * The systems it changes (FLEET_SRC_BIT()s, fleet.h); 0 none.
	 * A plan made while one of them fails says so, and since when.
	 */
	unsigned	 acts_on;
	/*
	 * On the command line, before the plan (may do blocking I/O): is
	 * the target there?  0 yes, or the system could not say (a warning
	 * in *cause, may be set); -1 no, with *cause (a did-you-mean).
	 * NULL: not checked.
	 */
	int		(*resolve)(const struct config *, const char *target,
			    char **cause);
	/*
	 * Blocking look-ups the plan shows (keys rotate: each host and
	 * whether it can be reached now; scale out: the quota), made
	 * before plan() and never on
	 * the loop thread: the command line calls it before the plan, the
	 * dashboard on a task (task.h), with a configuration of its own.
	 * 0 with *out, which plan() gets as ctx->survey and
	 * survey_free() frees; or -1 with *cause.  cancel (may be NULL):
	 * stop soon.  Each look-up has a short deadline of its own.  NULL:
	 * none.
	 */
	int		(*survey)(const struct config *, const struct job_args *,
			    const atomic_bool *cancel, void **out,
			    char **cause);
	void		(*survey_free)(void *);

	/* The dashboard. */
	int		 key;		/* printable ASCII; 0: no key */
	unsigned	 views;		/* ACTION_VIEW_*; 0: from target */
	bool		 hint;		/* the key is shown in the footer */

	/* NODE... may be left out (an option picks the nodes instead). */
	bool		 target_optional;
	/*
	 * The dashboard asks for this option's value ("count") before it
	 * plans (a one-line prompt, ask_default in it); NULL: asks none.
	 */
	const char	*ask;
	const char	*ask_default;
	/*
	 * The command line.  false: the command generated from this row
	 * (cmd-job.c).  true: a command of cli.c's own table with the
	 * same verb, running the same code with its own arguments and
	 * output (probe meeting: NODE optional, --json, exit codes of a
	 * monitoring check); this row then gives the dashboard its key and
	 * the job, and no command of its own.
	 */
	bool		 own_command;
};

/* The rows, in the order of the dashboard's help; never NULL. */
const struct action *const *action_list(size_t *n);
/* The row of verb ("server cordon"), or NULL. */
const struct action *action_find(const char *verb);
/* The last word of the verb ("cordon"): the key's name in the footer. */
const char	*action_name(const struct action *);
/* "NODE", "NODE...", "STACK", "HOST"; "" for none. */
const char	*action_target_word(enum action_target);
/* The views of the row's key (ACTION_VIEW_*, never 0). */
unsigned	 action_views(const struct action *);
/*
 * Its options, then common (may be NULL), then its target, for a usage
 * line: "[--poll S] NODE".  Allocated.
 */
char		*action_usage(const struct action *, const char *common);

/* Private arguments (see struct action); both take NULL. */
void		*action_args_new(const struct action *);
void		 action_args_free(const struct action *, void *);
/* For parsers: a duration option "2s", "500ms" (>= 0) into *ms. */
int		 action_parse_duration(const char *opt, const char *arg,
		     int64_t *ms, char **cause);

#endif
