/*
 * setup-boot.h: bbbctl setup's bootstrap (the stacks marked "create",
 * the BBB nodes by the scale-out job, the probes), resumable from its
 * state file (setup-state.h), and `bbbctl setup --undo`.
 */
#ifndef BBBCTL_SETUP_BOOT_H
#define BBBCTL_SETUP_BOOT_H

struct cli;
struct setup_answers;
struct setup_secrets_file;

/* The state file beside the configuration conf; allocated. */
char	*setup_boot_state_path(const char *conf);
/*
 * Before the configuration conf is written again by a later run: the
 * answers get the addresses the state file beside it has for created
 * systems (and scalelite's generated secret from sf).  0, or -1 with
 * *cause (a state file that cannot be read).
 */
int	 setup_boot_resume_answers(struct setup_answers *, const char *conf,
	     const struct setup_secrets_file *, char **cause);
/*
 * After the configuration conf is written: create what the plan names,
 * or go on from the state file.  The answers get the created systems'
 * addresses (and the configuration is written again with them); cli->cfg
 * is the configuration read back.  0, or -1 with *cause (the state file
 * lists what exists).
 */
int	 setup_boot(struct cli *, struct setup_answers *, const char *conf,
	     const char *stacks_dir, struct setup_secrets_file *,
	     char **cause);
/*
 * Remove what the state file beside conf lists, in reverse order, then
 * the generated secrets file and the state file; with cli->dry_run only
 * print what it would remove.  0, or -1 with *cause.
 */
int	 setup_undo(struct cli *, const char *conf, char **cause);

#endif
