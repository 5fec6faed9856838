/*
 * jscan.h: a streaming (pull, no DOM) JSON reader over a byte buffer.
 *
 * The buffer need not be NUL-terminated and must stay unchanged while
 * the cursor and any struct jscan_val read from it live.  Everything
 * the cursor passes over is validated exactly as strictly as jansson's
 * json_loadb() with flags 0 (the top level an object or an array,
 * strict UTF-8, no control characters in strings, no \u0000, paired
 * surrogates, the number grammar, integers that fit a long long, reals
 * that do not overflow, at most JSCAN_MAX_DEPTH levels, nothing but
 * white space after the value).  The first error stops the cursor:
 * every later call fails, and jscan_error() / jscan_offset() say what
 * and where (a byte offset into the buffer).
 *
 * Use: jscan_init(); jscan_peek() the type of the value at the cursor;
 * jscan_begin_object() then jscan_next_key() until it returns 0, reading
 * exactly one value (jscan_read(), jscan_skip() or a nested begin)
 * after each key; likewise jscan_begin_array() / jscan_next_elem();
 * finally jscan_end() skips whatever is left open and checks the end of
 * the buffer (call it also after a semantic error, so that a syntax
 * error anywhere wins, as it does with a DOM parser).  jscan_free()
 * zeroes and frees the scratch buffer (it may have held secrets).
 */
#ifndef BBBCTL_JSCAN_H
#define BBBCTL_JSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSCAN_MAX_DEPTH	2048	/* as JSON_PARSER_MAX_DEPTH: value levels */

enum jscan_type {
	JSCAN_NONE,		/* no value: absent, or an error */
	JSCAN_NULL,
	JSCAN_FALSE,
	JSCAN_TRUE,
	JSCAN_INT,
	JSCAN_REAL,
	JSCAN_STRING,
	JSCAN_OBJECT,
	JSCAN_ARRAY
};

/*
 * One value read at the cursor.  For a string s/n are its body between
 * the quotes (raw: escaped when esc); for a number its text; for an
 * object or an array (skipped) its whole span.  Borrowed from the
 * buffer.
 */
struct jscan_val {
	enum jscan_type	 type;
	bool		 esc;
	const char	*s;
	size_t		 n;
	long long	 i;		/* JSCAN_INT */
};

struct jscan {
	const char	*base;
	const char	*p;
	const char	*end;
	int		 depth;		/* open containers */
	bool		 first;		/* no member read in the innermost */
	bool		 want;		/* a value is due at the cursor */
	bool		 failed;
	char		 error[96];
	size_t		 offset;
	char		*scratch;	/* unescaped strings */
	size_t		 scratchsz;
	uint8_t		 stack[JSCAN_MAX_DEPTH / 8 + 1]; /* bit set: object */
};

void	 jscan_init(struct jscan *, const char *, size_t);
void	 jscan_free(struct jscan *);

/* The first error ("invalid escape") and its byte offset, or NULL. */
const char *jscan_error(const struct jscan *);
size_t	 jscan_offset(const struct jscan *);

/* The type of the value due at the cursor (JSCAN_NONE on error). */
enum jscan_type jscan_peek(struct jscan *);

int	 jscan_begin_object(struct jscan *);
/*
 * 1 and the next key (unescaped: into the buffer or the scratch buffer,
 * valid until the next key or string read), 0 at the end of the
 * object, -1 on error.
 */
int	 jscan_next_key(struct jscan *, const char **, size_t *);
/*
 * The members of an object wanted by a table of keys (JSCAN_FIELD()),
 * indexed once by jscan_keys_init() (the table must outlive the index),
 * read in one loop: the value of key f[i] goes into vals[i] (a later
 * duplicate replaces it), other members are skipped, and 0 is returned
 * at the end of the object.  A key marked stop returns i + 1 with its
 * value due at the cursor (for the caller to descend into); a further
 * call goes on with the next key.  -1 on error.
 */
struct jscan_field {
	const char	*key;
	size_t		 n;
	bool		 stop;
};
#define JSCAN_FIELD(k)	{ (k), sizeof (k) - 1, false }
#define JSCAN_STOP(k)	{ (k), sizeof (k) - 1, true }
#define JSCAN_KEYS_MAX		32
#define JSCAN_KEYS_SLOTS	64	/* a power of two > 1.5 * MAX */
struct jscan_keys {
	const struct jscan_field *f;
	size_t		 n;
	uint8_t		 slot[JSCAN_KEYS_SLOTS];	/* index + 1, 0 free */
};
void	 jscan_keys_init(struct jscan_keys *, const struct jscan_field *,
	     size_t);
int	 jscan_fields(struct jscan *, const struct jscan_keys *,
	     struct jscan_val *);
int	 jscan_begin_array(struct jscan *);
/* 1 when an element is due, 0 at the end of the array, -1 on error. */
int	 jscan_next_elem(struct jscan *);

/* Read one value (a container is skipped and given as its span). */
int	 jscan_read(struct jscan *, struct jscan_val *);
int	 jscan_skip(struct jscan *);
/* Close everything still open, then expect the end: 0 if all valid. */
int	 jscan_end(struct jscan *);

/* "an object", "a string", ... (the words of the decoders' messages). */
const char *jscan_type_name(enum jscan_type);

/*
 * A string value: its unescaped bytes (no NUL inside; not terminated)
 * in the buffer or in the scratch buffer (valid until the next string
 * or key read), or a new NUL-terminated copy.
 */
const char *jscan_val_str(struct jscan *, const struct jscan_val *,
	     size_t *);
char	*jscan_val_strdup(const struct jscan_val *);
/* The string value equals the NUL-terminated s. */
bool	 jscan_val_is(struct jscan *, const struct jscan_val *, const char *);
/* A number's value (JSCAN_INT or JSCAN_REAL), as jansson gives it. */
double	 jscan_val_double(const struct jscan_val *);
/* Not null and not absent. */
#define jscan_val_present(v) ((v)->type != JSCAN_NONE && \
	(v)->type != JSCAN_NULL)

#endif
