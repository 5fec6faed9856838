/*
 * setup.h: the answers of the first-time setup (bbbctl setup), shared by
 * the wizard (src/wizard.c: a form a page) and the answers file
 * (bbbctl setup --answers FILE): one table of pages and fields, with
 * their defaults, help lines and checks; the answers file reader (INI,
 * errors as FILE:LINE); the plan; the configuration they make, written
 * atomically with mode 0600, a copy kept of the file it replaces.
 *
 * A page whose system may not exist yet (consul, Prometheus, scalelite,
 * PostgreSQL) has a "mode" field: "existing" (its connection fields are
 * required) or "create" (bbbctl setup creates its stack on the Rancher
 * environment; its connection fields stay empty).
 *
 * Ownership: struct setup_answers owns its values; setup_answers_free()
 * wipes them (secrets among them).  Table strings are static.
 */
#ifndef BBBCTL_SETUP_H
#define BBBCTL_SETUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum setup_kind {
	SETUP_TEXT,
	SETUP_NUMBER,
	SETUP_SECRET,
	SETUP_CHOICE
};

enum setup_check {
	SETUP_CHECK_NONE,
	SETUP_CHECK_NAME,	/* a-z, 0-9, '-' */
	SETUP_CHECK_DOMAIN,	/* a DNS name */
	SETUP_CHECK_URL,	/* http:// or https:// and a host */
	SETUP_CHECK_WORD,	/* no blanks */
	SETUP_CHECK_PATH	/* a file or directory path */
};

struct setup_field {
	const char	*page;
	const char	*key;		/* in the answers file */
	enum setup_kind	 kind;
	const char	*label;
	const char	*help;
	const char	*dflt;		/* may be NULL */
	const char	*choices;	/* SETUP_CHOICE: words, blank-separated */
	long long	 lo, hi;	/* SETUP_NUMBER */
	bool		 required;	/* always (else: when "existing") */
	bool		 conn;		/* required when the page is "existing" */
	enum setup_check check;
	const char	*cfg;		/* "section.key" it sets, or NULL */
};

struct setup_page {
	const char	*name;		/* the answers file's [section] */
	const char	*title;
	const char	*intro;
	bool		 creatable;	/* has a mode field */
	const char	*stack;		/* the stack "create" makes, or NULL */
};

/* The tables; static. */
const struct setup_page	*setup_pages(size_t *n);
const struct setup_field *setup_fields(size_t *n);
/* The index of page.key in setup_fields(), or -1. */
int		 setup_field_find(const char *page, const char *key);
/* The choices of a choice field as an array (static, NULL-ended). */
const char *const *setup_field_choices(const struct setup_field *,
		     size_t *n);

struct setup_answers {
	char	**val;			/* one per field; never NULL */
	int	 *line;			/* where the answers file set it, or 0 */
	bool	 *fromfile;		/* a secret given as KEY_file */
	char	 *path;			/* the answers file, or NULL */
	/*
	 * Configuration lines setup_config_text() appends (no secret; the
	 * bootstrap's [scale] paths), or NULL; allocated.
	 */
	char	 *extra;
};

/* Every field at its default ("" when it has none). */
struct setup_answers *setup_answers_new(void);
void		 setup_answers_free(struct setup_answers *);
const char	*setup_answers_get(const struct setup_answers *,
		     const char *page, const char *key);
void		 setup_answers_set(struct setup_answers *, const char *page,
		     const char *key, const char *value);
/* The page is marked "create for me". */
bool		 setup_answers_create(const struct setup_answers *,
		     const char *page);

/*
 * One field's value alone (range, syntax, required-ness not counted):
 * NULL, or what is wrong (allocated).  The wizard checks on leaving a
 * field with it.
 */
char		*setup_check_value(const struct setup_field *, const char *);
/*
 * A whole page, fields and their relations (required when "existing"):
 * 0, or -1 with *field the first wrong field and *cause what is wrong.
 */
int		 setup_check_page(const struct setup_answers *, size_t page,
		     int *field, char **cause);

/*
 * Read an answers file: [page] sections, key = value lines (key_file =
 * PATH for a secret), "#" and ";" comments.  Every field not given keeps
 * its default; then every page is checked.  0, or -1 with *cause: every
 * error, one a line, as "FILE:LINE: ..." (or "FILE: ..." for a missing
 * answer).  A file holding a secret inline must not be readable by
 * group or others.  Nothing but *a is changed.
 */
int		 setup_answers_load(struct setup_answers *, const char *path,
		     char **cause);
/* The same, from memory (tests, the fuzzer); name is the "FILE". */
int		 setup_answers_parse(struct setup_answers *, const char *name,
		     const char *text, size_t len, char **cause);

/* How secrets are stored in the configuration. */
enum setup_secrets {
	SETUP_SECRETS_INLINE,		/* in the 0600 configuration */
	SETUP_SECRETS_FILES		/* KEY_file = a 0600 file beside it */
};

/*
 * The configuration text.  With SETUP_SECRETS_FILES, each secret is
 * "KEY_file = <dir>/<section>-<key>" and mask is ignored; inline, a
 * secret is its value, or "********" when mask (for --dry-run).
 */
char		*setup_config_text(const struct setup_answers *,
		     enum setup_secrets, const char *dir, bool mask);
/*
 * Write the configuration to path atomically (a temporary file in the
 * same directory, mode 0600, fsync, rename), the secret files first
 * when SETUP_SECRETS_FILES; the directory is made (0700) if missing.
 * An existing file is kept as path.~N~ (the first free N); *kept (may be
 * NULL) is that name, allocated, or NULL.  0, or -1 with *cause.
 */
int		 setup_config_write(const struct setup_answers *,
		     enum setup_secrets, const char *path, char **kept,
		     char **cause);

/*
 * Write data to path atomically with mode 0600, making its directory
 * (0700) if missing (a CA file the operator chose to trust).
 */
int		 setup_write_file(const char *path, const char *data,
		     char **cause);

/* The plan, for the screen and --dry-run (no secret in it). */
void		 setup_plan_print(const struct setup_answers *,
		     const char *config_path, FILE *);
/* Stacks to create, in order; their count. */
size_t		 setup_plan_stacks(const struct setup_answers *,
		     const char **out, size_t max);

/*
 * The secrets setup generates for the stacks it creates (postgres
 * password, scalelite's LOADBALANCER_SECRET and SECRET_KEY_BASE,
 * Grafana's admin password, coturn's static auth secret): kept in a
 * 0600 file of NAME=VALUE lines, made once and read again when setup
 * runs again (so a resumed set-up uses the same ones).  Never shown.
 */
struct setup_secrets_file;
/*
 * Read path, or make it with new random secrets (path NULL: in memory
 * only, for --dry-run); NULL with *cause.
 */
struct setup_secrets_file *setup_secrets_open(const char *path,
		     char **cause);
void		 setup_secrets_free(struct setup_secrets_file *);
/* The value of name, or NULL (borrowed). */
const char	*setup_secrets_get(const struct setup_secrets_file *,
		     const char *name);

/*
 * The environment of a stack the plan creates (Rancher interpolates its
 * compose files from it): an array of NAME, VALUE pairs, NULL-ended,
 * allocated (setup_stack_env_free wipes it).  Every ${NAME} of the
 * stack's two files in dir/<stack>/ must get a value, or it is -1 with
 * *cause naming the file and the variable.  secret[i] (may be NULL) is
 * set for the pairs whose value is secret.
 */
int		 setup_stack_env(const struct setup_answers *,
		     const struct setup_secrets_file *, const char *dir,
		     const char *stack, char ***env, char **cause);
void		 setup_stack_env_free(char **);
/* Is this environment variable a secret (masked in every output)? */
bool		 setup_stack_var_secret(const char *name);

#endif
