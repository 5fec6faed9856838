/*
 * setup-state.h: the state file of bbbctl setup's bootstrap: what it
 * created, as it created it (resource ids), so that running setup again
 * resumes (re-checking each item) and `bbbctl setup --undo` removes
 * exactly that, in reverse order.
 *
 * The file is "setup-state" beside the configuration, mode 0600,
 * replaced atomically (util_write_atomic) after every change.  Text, one
 * item a line, in the order they were made:
 *
 *	# comment
 *	stack NAME ID		a Rancher stack setup created (ID: 1st12)
 *	healthy NAME		that stack became active and healthy
 *	url SYSTEM URL		where a created system answers (consul,
 *				prometheus, scalelite)
 *	node NAME		a BBB node setup is creating (scale out)
 *	node-done NAME		the scale-out job made it
 *	probes-passed		the probes passed at the end
 *
 * No secret is ever in it.  The parser (setup_state_parse) is pure and
 * strict: an unknown word, a missing or extra field, a name that is not
 * [A-Za-z0-9._-], a URL with a blank, a line over 1024 bytes or more than
 * SETUP_STATE_MAX items is an error "LINE: ..."; fuzzed
 * (tests/fuzz/fuzz-setup-state.c) and unit-tested (tests/unit/test-setup.c).
 */
#ifndef BBBCTL_SETUP_STATE_H
#define BBBCTL_SETUP_STATE_H

#include <stdbool.h>
#include <stddef.h>

#define SETUP_STATE_MAX		512

enum setup_state_kind {
	SETUP_ST_STACK,		/* name, id */
	SETUP_ST_HEALTHY,	/* name */
	SETUP_ST_URL,		/* name (system), id (the URL) */
	SETUP_ST_NODE,		/* name */
	SETUP_ST_NODE_DONE,	/* name */
	SETUP_ST_PROBES		/* nothing */
};

struct setup_state_item {
	enum setup_state_kind	 kind;
	char			*name;	/* NULL for probes */
	char			*id;	/* NULL unless stack or url */
};

struct setup_state {
	struct setup_state_item	*items;
	size_t			 n;
};

/* Empty. */
struct setup_state *setup_state_new(void);
void		 setup_state_free(struct setup_state *);
/* 0, or -1 with *cause ("LINE: ..."); items appended to st. */
int		 setup_state_parse(struct setup_state *, const char *text,
		     size_t len, char **cause);
/* The file's text; allocated. */
char		*setup_state_text(const struct setup_state *);
/*
 * Read path (absent: empty, 0); a file that is not the user's own
 * with mode 0600 is refused.  NULL with *cause.
 */
struct setup_state *setup_state_load(const char *path, char **cause);
/* Write it atomically, mode 0600; 0 or -1 with *cause. */
int		 setup_state_save(const struct setup_state *, const char *path,
		     char **cause);
/* Append an item (id may be NULL). */
void		 setup_state_add(struct setup_state *, enum setup_state_kind,
		     const char *name, const char *id);
/* Remove every item of that kind and name (name NULL: any). */
void		 setup_state_remove(struct setup_state *,
		     enum setup_state_kind, const char *name);
/* The first item of that kind and name, or NULL (name NULL: any). */
const struct setup_state_item *setup_state_find(const struct setup_state *,
		     enum setup_state_kind, const char *name);

#endif
