/*
 * hmap.h: a small open-addressing hash map (linear probing, tombstones)
 * from a string or a 64-bit integer to a pointer.
 *
 * String keys are borrowed: the caller keeps each key alive (usually it
 * lives in the value) until it is deleted or the map is freed.  A map
 * holds either string keys or integer keys, never both.  Values are
 * never NULL.  The zero struct is an empty map; hmap_free() releases the
 * table only.
 */
#ifndef BBBCTL_HMAP_H
#define BBBCTL_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hmap_ent {
	uint64_t	 hash;		/* 0 empty, 1 deleted */
	const char	*key;
	uint64_t	 ikey;
	void		*val;
};

struct hmap {
	struct hmap_ent	*ents;
	size_t		 cap;		/* a power of two, or 0 */
	size_t		 n;		/* live entries */
	size_t		 used;		/* live + deleted */
};

void	 hmap_free(struct hmap *);
void	 hmap_clear(struct hmap *);	/* keeps the table */
/* Make room for n entries without growing again. */
void	 hmap_reserve(struct hmap *, size_t n);

void	*hmap_get(const struct hmap *, const char *key);
/* Insert or replace; returns the old value or NULL. */
void	*hmap_put(struct hmap *, const char *key, void *val);
void	*hmap_del(struct hmap *, const char *key);

void	*hmap_iget(const struct hmap *, uint64_t key);
void	*hmap_iput(struct hmap *, uint64_t key, void *val);
void	*hmap_idel(struct hmap *, uint64_t key);

/* Iterate: *i starts at 0; returns the next value or NULL at the end. */
void	*hmap_next(const struct hmap *, size_t *i, const char **key);

#endif
