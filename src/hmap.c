/* hmap.c: open-addressing hash map (see hmap.h). */
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "util.h"

#define HMAP_EMPTY	0
#define HMAP_DELETED	1
#define HMAP_MIN	16

static uint64_t
hmap_hash_str(const char *s)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;	/* FNV-1a */

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ULL;
	}
	return (h < 2 ? h + 2 : h);
}

static uint64_t
hmap_hash_int(uint64_t x)
{
	x ^= x >> 33;			/* murmur3 finaliser */
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return (x < 2 ? x + 2 : x);
}

void
hmap_free(struct hmap *m)
{
	free(m->ents);
	memset(m, 0, sizeof *m);
}

void
hmap_clear(struct hmap *m)
{
	if (m->ents != NULL)
		memset(m->ents, 0, m->cap * sizeof *m->ents);
	m->n = m->used = 0;
}

static void
hmap_rehash(struct hmap *m, size_t cap)
{
	struct hmap_ent	*old = m->ents, *e;
	size_t		 oldcap = m->cap, i, j;

	m->ents = xcalloc(cap, sizeof *m->ents);
	m->cap = cap;
	m->used = m->n;
	for (i = 0; i < oldcap; i++) {
		if (old[i].hash < 2)
			continue;
		j = old[i].hash & (cap - 1);
		for (;;) {
			e = &m->ents[j];
			if (e->hash == HMAP_EMPTY)
				break;
			j = (j + 1) & (cap - 1);
		}
		*e = old[i];
	}
	free(old);
}

void
hmap_reserve(struct hmap *m, size_t n)
{
	size_t	 cap = HMAP_MIN;

	while (cap / 4 * 3 < n + 1)
		cap *= 2;
	if (cap > m->cap)
		hmap_rehash(m, cap);
}

static void
hmap_grow(struct hmap *m)
{
	size_t	 cap;

	if (m->cap != 0 && (m->used + 1) <= m->cap / 4 * 3)
		return;
	cap = m->cap == 0 ? HMAP_MIN : m->cap;
	/* Many tombstones: rehash at the same size. */
	while ((m->n + 1) > cap / 2)
		cap *= 2;
	hmap_rehash(m, cap);
}

/* The slot holding key, or NULL. */
static struct hmap_ent *
hmap_find(const struct hmap *m, uint64_t h, const char *key, uint64_t ikey)
{
	struct hmap_ent	*e;
	size_t		 j;

	if (m->cap == 0)
		return (NULL);
	j = h & (m->cap - 1);
	for (;;) {
		e = &m->ents[j];
		if (e->hash == HMAP_EMPTY)
			return (NULL);
		if (e->hash == h) {
			if (key != NULL ? strcmp(e->key, key) == 0 :
			    e->ikey == ikey)
				return (e);
		}
		j = (j + 1) & (m->cap - 1);
	}
}

static void *
hmap_insert(struct hmap *m, uint64_t h, const char *key, uint64_t ikey,
    void *val)
{
	struct hmap_ent	*e, *slot = NULL;
	void		*old;
	size_t		 j;

	if ((e = hmap_find(m, h, key, ikey)) != NULL) {
		old = e->val;
		e->val = val;
		e->key = key;
		return (old);
	}
	hmap_grow(m);
	j = h & (m->cap - 1);
	for (;;) {
		e = &m->ents[j];
		if (e->hash == HMAP_DELETED && slot == NULL)
			slot = e;
		if (e->hash == HMAP_EMPTY)
			break;
		j = (j + 1) & (m->cap - 1);
	}
	if (slot == NULL) {
		slot = e;
		m->used++;
	}
	slot->hash = h;
	slot->key = key;
	slot->ikey = ikey;
	slot->val = val;
	m->n++;
	return (NULL);
}

static void *
hmap_remove(struct hmap *m, struct hmap_ent *e)
{
	void	*val;

	if (e == NULL)
		return (NULL);
	val = e->val;
	e->hash = HMAP_DELETED;
	e->key = NULL;
	e->val = NULL;
	m->n--;
	return (val);
}

void *
hmap_get(const struct hmap *m, const char *key)
{
	struct hmap_ent	*e;

	e = hmap_find(m, hmap_hash_str(key), key, 0);
	return (e == NULL ? NULL : e->val);
}

void *
hmap_put(struct hmap *m, const char *key, void *val)
{
	return (hmap_insert(m, hmap_hash_str(key), key, 0, val));
}

void *
hmap_del(struct hmap *m, const char *key)
{
	return (hmap_remove(m, hmap_find(m, hmap_hash_str(key), key, 0)));
}

void *
hmap_iget(const struct hmap *m, uint64_t key)
{
	struct hmap_ent	*e;

	e = hmap_find(m, hmap_hash_int(key), NULL, key);
	return (e == NULL ? NULL : e->val);
}

void *
hmap_iput(struct hmap *m, uint64_t key, void *val)
{
	return (hmap_insert(m, hmap_hash_int(key), NULL, key, val));
}

void *
hmap_idel(struct hmap *m, uint64_t key)
{
	return (hmap_remove(m, hmap_find(m, hmap_hash_int(key), NULL, key)));
}

void *
hmap_next(const struct hmap *m, size_t *i, const char **key)
{
	struct hmap_ent	*e;

	while (*i < m->cap) {
		e = &m->ents[(*i)++];
		if (e->hash < 2)
			continue;
		if (key != NULL)
			*key = e->key;
		return (e->val);
	}
	return (NULL);
}
