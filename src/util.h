/*
 * util.h: allocation that never fails (it aborts), growable buffers,
 * clocks and strict number parsing.  Used by src/, ui/ and the simulator.
 *
 * Ownership: every x*() allocation is the caller's; free it with free().
 * A struct buf owns its data; buf_free() releases it, buf_steal() hands it
 * over (NUL-terminated) and leaves the buf empty.
 */
#ifndef BBBCTL_UTIL_H
#define BBBCTL_UTIL_H

#include <sys/types.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define nitems(a) (sizeof (a) / sizeof (a)[0])

#ifndef __dead
#define __dead __attribute__((__noreturn__))
#endif
#define printflike(a, b) __attribute__((format(printf, a, b)))

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) printflike(1, 2);
char	*xvasprintf(const char *, va_list);
/* Zero then free a secret; takes NULL. */
void	 freezero_str(char *);

struct buf {
	char	*data;		/* always NUL-terminated once non-NULL */
	size_t	 len;
	size_t	 cap;
};
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_adds(struct buf *, const char *);
void	 buf_addc(struct buf *, char);
void	 buf_printf(struct buf *, const char *, ...) printflike(2, 3);
char	*buf_steal(struct buf *);
void	 buf_reset(struct buf *);
void	 buf_free(struct buf *);

/* Monotonic milliseconds (for timeouts and ages) and wall-clock ms. */
int64_t	 util_mono_ms(void);
int64_t	 util_wall_ms(void);

/* Where temporary files go: $TMPDIR when set and not empty, else /tmp. */
const char *util_tmpdir(void);

/*
 * Parse a whole string as a number in [min, max].  0 on success, -1 with
 * *cause ("not a number", "too large" ...; a static string) otherwise.
 */
int	 util_parse_ll(const char *, long long, long long, long long *,
	     const char **);
int	 util_parse_double(const char *, double *, const char **);
/* "5s", "250ms", "2m", "1h" or a bare number of seconds -> milliseconds. */
int	 util_parse_duration_ms(const char *, int64_t *, const char **);
/* yes/no/true/false/on/off/1/0 */
int	 util_parse_bool(const char *, bool *);

/* Human formats into a caller buffer; return it. */
const char *util_fmt_age(int64_t ms, char *, size_t);	/* "4s" "3m" "2h" */
const char *util_fmt_bytes(double, char *, size_t);	/* "120M" */

/*
 * URLs: base + "/" + path with one slash between them; percent-encoding
 * of everything but RFC 3986 unreserved characters.  Allocated.
 */
char	*util_url_join(const char *base, const char *path);
char	*util_urlencode(const char *);
/* Lower-case hex SHA-256 of a string (scalelite and BBB checksums). */
void	 util_sha256_hex(const char *, char out[65]);

/* Standard base64 with padding of len bytes; allocated. */
char	*util_base64_encode(const void *, size_t len);
/*
 * Decode standard base64 strictly: only the alphabet, '=' only at the
 * end and at most two, no leftover that cannot end a byte.  Padding may
 * be left out.  Allocated and NUL-terminated (*outlen without the NUL;
 * "" gives ""), or NULL when malformed.
 */
char	*util_base64_decode(const char *, size_t len, size_t *outlen);

/*
 * The whole file at path, NUL-terminated, *len its size; NULL with
 * *cause ("PATH: why", "PATH: too big" past max bytes).
 */
char	*util_read_file(const char *path, size_t max, size_t *len,
	     char **cause);
/*
 * Replace path with len bytes of data, atomically: a temporary file
 * beside it (".NAME.tmp.PID", created exclusively, never through a
 * link) written, given mode, flushed, renamed over path, and the
 * directory flushed.  0, or -1 with *cause ("FILE: why") and nothing
 * left behind.
 */
int	 util_write_atomic(const char *path, const void *data, size_t len,
	     mode_t mode, char **cause);
/*
 * mkdir -p: dir and every missing directory above it, mode 0700 (those
 * that exist are left as they are).  0, or -1 with *cause
 * ("mkdir DIR: why").
 */
int	 util_mkdirs(const char *dir, char **cause);

/*
 * A keyed 64-bit hash of len bytes, to tell whether an answer is the same
 * as one seen before.  Word at a time (16 bytes a step, multiply-folded);
 * the key is drawn from the kernel once per process, so a server cannot
 * choose two answers that collide (it never sees a hash).  Not a MAC, not
 * for anything that leaves the process.  util_hash_seed() sets the key
 * (tests and benchmarks; 0, 0 draws a new random one).
 */
uint64_t util_hash64(const void *, size_t);
void	 util_hash_seed(uint64_t, uint64_t);

/*
 * A copy of s fit for a terminal: every control character (C0, DEL, C1
 * in UTF-8) and every byte that is not valid UTF-8 becomes '?', so that
 * remote data or a config value cannot retitle, clear or reprogram the
 * operator's terminal.  Allocated; NULL for NULL.
 */
char	*util_clean(const char *);
/* The same, in place (it never grows). */
void	 util_clean_inplace(char *);

/* Edit distance, for "did you mean" suggestions. */
size_t	 util_levenshtein(const char *, const char *);

#endif
