/*
 * memo.h: answers that did not change are not decoded again (private to
 * src/backend/ and its benchmark).
 *
 * A source's refresh is a cycle of answer pages in one or more parts
 * (Rancher: stacks, services, hosts, each paged; Nova: one paged part;
 * consul: one part of one page).  The memo keeps a keyed hash
 * (util_hash64()) and the length of every page of the last cycle that
 * was decoded and applied, and for each page the next page's URL that
 * decoding found.  In a new cycle, while every page so far is the same
 * as the page at its place in that cycle, the bodies are only held (and
 * the next URL is the remembered one); at the first page of a part that
 * differs, that part's held pages are decoded in order and every later
 * page of it at once.  A part whose pages are all the same, and as many,
 * is not decoded at all (bk_memo_part_same(); the caller fills it in
 * from what it kept of the last decode).  A cycle whose parts are all
 * the same ends unchanged: nothing was decoded; the caller tells the
 * fleet (fleet_touch_source()) instead of applying.
 *
 * Only a complete, good cycle (bk_memo_end() returning 0) becomes the
 * reference; a failed one (bk_memo_abort()) leaves the last good one.
 * Held bodies are freed at the end of the cycle.
 */
#ifndef BBBCTL_BACKEND_MEMO_H
#define BBBCTL_BACKEND_MEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Decode one page of part into arg (the cycle's update); *next gets the
 * next page's URL (allocated) or NULL.  0, or -1 with an allocated
 * *cause (decode.h's rules).
 */
typedef int	(*bk_memo_decode_cb)(void *arg, int part, const char *,
		    size_t, char **next, char **cause);

struct bk_memo;

struct bk_memo	*bk_memo_new(int nparts);
void		 bk_memo_free(struct bk_memo *);
/* Begin a cycle whose pages decode into arg with cb. */
void		 bk_memo_begin(struct bk_memo *, bk_memo_decode_cb,
		     void *arg);
/*
 * The next page of part (in the order of its pages).  body (len bytes,
 * from malloc) is taken.  0 with *next, or -1 with *cause when it (or a
 * held page before it) did not decode; then abort the cycle.
 */
int		 bk_memo_page(struct bk_memo *, int part, char *body,
		     size_t len, char **next, char **cause);
/*
 * Every page of the cycle is in.  0 with *unchanged (true: nothing was
 * decoded, the answer is the same as the last good one), or -1 with
 * *cause (a held page did not decode).  The cycle becomes the reference
 * when 0.
 */
int		 bk_memo_end(struct bk_memo *, bool *unchanged, char **cause);
/* After bk_memo_end(): part was the same (not decoded). */
bool		 bk_memo_part_same(const struct bk_memo *, int part);
/* The cycle failed: forget it; the last good one stays the reference. */
void		 bk_memo_abort(struct bk_memo *);
/* Forget the reference too (the next cycle is decoded). */
void		 bk_memo_reset(struct bk_memo *);
/* The most bytes held at once so far (transient memory). */
size_t		 bk_memo_held_max(const struct bk_memo *);
/*
 * At most this many bytes are held at once (default BK_MEMO_HELD_LIMIT,
 * one answer's worth): a page that would hold more is decoded, with the
 * held pages of its part before it, as if it differed.
 */
#define BK_MEMO_HELD_LIMIT	(64u * 1024 * 1024) /* HTTP_DEFAULT_MAX_SIZE */
void		 bk_memo_set_held_limit(struct bk_memo *, size_t);

/*
 * After bk_memo_end(): a good cycle was decoded before this one, so the
 * caller's last decode of a part that was the same is there to copy.
 */
bool		 bk_memo_had_ref(const struct bk_memo *);

#endif
