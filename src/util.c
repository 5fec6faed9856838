/* util.c: allocation, buffers, clocks and number parsing. */
#include <sys/random.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "log.h"
#include "util.h"

void *
xmalloc(size_t size)
{
	void	*p;

	if (size == 0)
		size = 1;
	if ((p = malloc(size)) == NULL)
		fatalx("out of memory (%zu bytes)", size);
	return (p);
}

void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if (n == 0 || size == 0)
		n = size = 1;
	if ((p = calloc(n, size)) == NULL)
		fatalx("out of memory (%zu x %zu bytes)", n, size);
	return (p);
}

void *
xrealloc(void *p, size_t size)
{
	return (xreallocarray(p, 1, size));
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	void	*q;

	if (size != 0 && n > SIZE_MAX / size)
		fatalx("allocation overflow (%zu x %zu)", n, size);
	if (n * size == 0)
		n = size = 1;
	if ((q = realloc(p, n * size)) == NULL)
		fatalx("out of memory (%zu bytes)", n * size);
	return (q);
}

char *
xstrdup(const char *s)
{
	return (xstrndup(s, strlen(s)));
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;
	size_t	 len;

	len = strnlen(s, n);
	p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return (p);
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	char	*s;

	if (vasprintf(&s, fmt, ap) == -1)
		fatalx("out of memory (vasprintf)");
	return (s);
}

char *
xasprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return (s);
}

void
freezero_str(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

static void
buf_grow(struct buf *b, size_t need)
{
	size_t	 cap;

	if (b->len + need + 1 <= b->cap)
		return;
	cap = b->cap == 0 ? 256 : b->cap;
	while (cap < b->len + need + 1) {
		if (cap > SIZE_MAX / 2)
			fatalx("buffer too large");
		cap *= 2;
	}
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void
buf_add(struct buf *b, const void *data, size_t len)
{
	buf_grow(b, len);
	if (len != 0)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatalx("buf_printf: bad format");
	buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *
buf_steal(struct buf *b)
{
	char	*s;

	if (b->data == NULL)
		return (xstrdup(""));
	s = b->data;
	b->data = NULL;
	b->len = b->cap = 0;
	return (s);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int64_t
util_mono_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

int64_t
util_wall_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

const char *
util_tmpdir(void)
{
	const char	*t = getenv("TMPDIR");

	return (t != NULL && *t != '\0' ? t : "/tmp");
}

int
util_parse_ll(const char *s, long long min, long long max, long long *out,
    const char **cause)
{
	char		*end;
	long long	 v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s)) {
		*cause = "not a number";
		return (-1);
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0') {
		*cause = "not a number";
		return (-1);
	}
	if ((errno == ERANGE && v == LLONG_MIN) || v < min) {
		*cause = "too small";
		return (-1);
	}
	if ((errno == ERANGE && v == LLONG_MAX) || v > max) {
		*cause = "too large";
		return (-1);
	}
	*out = v;
	return (0);
}

int
util_parse_double(const char *s, double *out, const char **cause)
{
	char	*end;
	double	 v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s)) {
		*cause = "not a number";
		return (-1);
	}
	errno = 0;
	v = strtod(s, &end);
	if (*end != '\0' || errno == ERANGE || !isfinite(v)) {
		*cause = "not a finite number";
		return (-1);
	}
	*out = v;
	return (0);
}

int
util_parse_duration_ms(const char *s, int64_t *out, const char **cause)
{
	char		*end;
	double		 v, mul = 1000;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s)) {
		*cause = "not a duration (like 2s, 500ms, 5m)";
		return (-1);
	}
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno == ERANGE || !isfinite(v) || v < 0) {
		*cause = "not a duration (like 2s, 500ms, 5m)";
		return (-1);
	}
	if (strcmp(end, "ms") == 0)
		mul = 1;
	else if (strcmp(end, "s") == 0 || *end == '\0')
		mul = 1000;
	else if (strcmp(end, "m") == 0)
		mul = 60000;
	else if (strcmp(end, "h") == 0)
		mul = 3600000;
	else {
		*cause = "not a duration (like 2s, 500ms, 5m)";
		return (-1);
	}
	if (v * mul > 1e15) {
		*cause = "duration too large";
		return (-1);
	}
	*out = (int64_t)(v * mul);
	return (0);
}

int
util_parse_bool(const char *s, bool *out)
{
	static const char *yes[] = { "yes", "true", "on", "1" };
	static const char *no[] = { "no", "false", "off", "0" };
	size_t	 i;

	for (i = 0; i < nitems(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return (0);
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return (0);
		}
	}
	return (-1);
}

const char *
util_fmt_age(int64_t ms, char *out, size_t len)
{
	int64_t	 s;

	if (ms < 0)
		ms = 0;
	s = ms / 1000;
	if (ms < 10000 && ms % 1000 != 0 && s < 10)
		snprintf(out, len, "%.1fs", (double)ms / 1000.0);
	else if (s < 60)
		snprintf(out, len, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(out, len, "%lldm", (long long)(s / 60));
	else if (s < 86400 * 2)
		snprintf(out, len, "%lldh", (long long)(s / 3600));
	else
		snprintf(out, len, "%lldd", (long long)(s / 86400));
	return (out);
}

const char *
util_fmt_bytes(double v, char *out, size_t len)
{
	static const char units[] = "BKMGTP";
	size_t	 i = 0;

	if (isnan(v)) {
		snprintf(out, len, "-");
		return (out);
	}
	while (v >= 1000 && i < sizeof units - 2) {
		v /= 1024;
		i++;
	}
	if (i == 0)
		snprintf(out, len, "%.0f%c", v, units[i]);
	else if (v < 10)
		snprintf(out, len, "%.1f%c", v, units[i]);
	else
		snprintf(out, len, "%.0f%c", v, units[i]);
	return (out);
}

size_t
util_levenshtein(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b), i, j, *row, prev, tmp, best;

	row = xcalloc(lb + 1, sizeof *row);
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			best = prev + (tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]));
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = tmp;
		}
	}
	best = row[lb];
	free(row);
	return (best);
}

char *
util_url_join(const char *base, const char *path)
{
	size_t	 n;

	n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	while (*path == '/')
		path++;
	return (xasprintf("%.*s/%s", (int)n, base, path));
}

char *
util_urlencode(const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	struct buf		 b = { 0 };
	unsigned char		 c;

	buf_add(&b, "", 0);
	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
			buf_addc(&b, (char)c);
		else {
			buf_addc(&b, '%');
			buf_addc(&b, hex[c >> 4]);
			buf_addc(&b, hex[c & 15]);
		}
	}
	return (buf_steal(&b));
}

char *
util_base64_encode(const void *data, size_t len)
{
	char	*out;

	if (len > (size_t)INT_MAX / 4 * 3)
		fatalx("base64: %zu bytes", len);
	out = xmalloc((len + 2) / 3 * 4 + 1);
	EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	return (out);
}

static int
util_base64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return (c - 'A');
	if (c >= 'a' && c <= 'z')
		return (c - 'a' + 26);
	if (c >= '0' && c <= '9')
		return (c - '0' + 52);
	if (c == '+')
		return (62);
	if (c == '/')
		return (63);
	return (-1);
}

char *
util_base64_decode(const char *s, size_t len, size_t *outlen)
{
	char		*o;
	uint32_t	 acc = 0;
	size_t		 i, n = 0, bits = 0, pad = 0;
	int		 v;

	o = xmalloc(len / 4 * 3 + 4);
	for (i = 0; i < len; i++) {
		if (s[i] == '=') {
			pad++;
			continue;
		}
		if (pad != 0 || (v = util_base64_value((unsigned char)s[i])) < 0)
			goto bad;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	/* 6 leftover bits cannot end a byte; padding at most 2. */
	if (bits >= 6 || pad > 2)
		goto bad;
	o[n] = '\0';
	*outlen = n;
	return (o);
bad:
	free(o);
	return (NULL);
}

char *
util_read_file(const char *path, size_t max, size_t *len, char **cause)
{
	struct buf	 b = { 0 };
	char		 chunk[8192];
	FILE		*f;
	size_t		 n;

	if ((f = fopen(path, "r")) == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return (NULL);
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		buf_add(&b, chunk, n);
		if (b.len > max) {
			fclose(f);
			buf_free(&b);
			*cause = xasprintf("%s: too big", path);
			return (NULL);
		}
	}
	if (ferror(f)) {
		fclose(f);
		buf_free(&b);
		*cause = xasprintf("%s: read error", path);
		return (NULL);
	}
	fclose(f);
	*len = b.len;
	return (buf_steal(&b));
}

int
util_write_atomic(const char *path, const void *data, size_t len,
    mode_t mode, char **cause)
{
	const char	*p = data;
	char		*copy, *dir, *base, *tmp;
	size_t		 off = 0;
	ssize_t		 n;
	int		 fd, dfd;

	copy = xstrdup(path);
	dir = xstrdup(dirname(copy));
	free(copy);
	copy = xstrdup(path);
	base = xstrdup(basename(copy));
	free(copy);
	tmp = xasprintf("%s/.%s.tmp.%ld", dir, base, (long)getpid());
	free(base);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    mode);
	if (fd == -1) {
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		goto fail;
	}
	while (off < len) {
		if ((n = write(fd, p + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			*cause = xasprintf("%s: %s", tmp, strerror(errno));
			close(fd);
			goto fail_unlink;
		}
		off += (size_t)n;
	}
	if (fchmod(fd, mode) != 0 || fsync(fd) != 0) {
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		close(fd);
		goto fail_unlink;
	}
	if (close(fd) != 0) {
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		goto fail_unlink;
	}
	if (rename(tmp, path) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		goto fail_unlink;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(dfd);
		close(dfd);
	}
	free(dir);
	free(tmp);
	return (0);
fail_unlink:
	unlink(tmp);
fail:
	free(dir);
	free(tmp);
	return (-1);
}

int
util_mkdirs(const char *dir, char **cause)
{
	char	*d, *p, c;

	d = xstrdup(dir);
	for (p = d + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (mkdir(d, 0700) == -1 && errno != EEXIST) {
			*cause = xasprintf("mkdir %s: %s", d, strerror(errno));
			free(d);
			return (-1);
		}
		*p = c;
		if (c == '\0')
			break;
	}
	free(d);
	return (0);
}

void
util_sha256_hex(const char *s, char out[65])
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 n = 0, i;

	if (EVP_Digest(s, strlen(s), md, &n, EVP_sha256(), NULL) != 1 ||
	    n != 32)
		fatalx("SHA-256 failed");
	for (i = 0; i < n; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
	explicit_bzero(md, sizeof md);
}

/* --- keyed hash ------------------------------------------------------- */

static uint64_t	 util_hkey[4];
static bool	 util_hkey_set;

/* Odd constants (digits of pi and e) that spread the key. */
#define UTIL_HK1	0x243f6a8885a308d3ULL
#define UTIL_HK2	0x13198a2e03707345ULL
#define UTIL_HK3	0xb7e151628aed2a6bULL

void
util_hash_seed(uint64_t a, uint64_t b)
{
	uint64_t	 r[2];

	if (a == 0 && b == 0) {
		if (getentropy(r, sizeof r) != 0)
			fatalx("getentropy: %s", strerror(errno));
		a = r[0];
		b = r[1];
		explicit_bzero(r, sizeof r);
	}
	util_hkey[0] = a;
	util_hkey[1] = b;
	util_hkey[2] = a ^ UTIL_HK1 ^ (b << 1 | b >> 63);
	util_hkey[3] = b ^ UTIL_HK2 ^ (a >> 1 | a << 63);
	util_hkey_set = true;
}

/* The 128-bit product of a and b, its halves folded. */
static inline uint64_t
util_mulfold(uint64_t a, uint64_t b)
{
#ifdef __SIZEOF_INT128__
	unsigned __int128	 r = (unsigned __int128)a * b;

	return ((uint64_t)r ^ (uint64_t)(r >> 64));
#else
	uint64_t	 ah = a >> 32, al = a & 0xffffffffu;
	uint64_t	 bh = b >> 32, bl = b & 0xffffffffu;
	uint64_t	 hh = ah * bh, hl = ah * bl, lh = al * bh, ll = al * bl;
	uint64_t	 mid = (ll >> 32) + (hl & 0xffffffffu) +
			    (lh & 0xffffffffu);
	uint64_t	 lo = (ll & 0xffffffffu) | mid << 32;
	uint64_t	 hi = hh + (hl >> 32) + (lh >> 32) + (mid >> 32);

	return (lo ^ hi);
#endif
}

static inline uint64_t
util_rd64(const unsigned char *p)
{
	uint64_t	 v;

	memcpy(&v, p, sizeof v);	/* one load; any alignment */
	return (v);
}

/* 1..8 bytes, zero-filled (the length is hashed apart). */
static inline uint64_t
util_rd_tail(const unsigned char *p, size_t n)
{
	uint64_t	 v = 0;

	if (n >= 8)
		return (util_rd64(p));
	memcpy(&v, p, n);
	return (v);
}

uint64_t
util_hash64(const void *data, size_t len)
{
	const unsigned char	*p = data;
	const uint64_t		*k = util_hkey;
	uint64_t		 a, b, c, d;
	size_t			 n = len;

	if (!util_hkey_set)
		util_hash_seed(0, 0);
	a = k[0] ^ UTIL_HK3;
	b = k[1] ^ (uint64_t)len;
	/* Two independent lanes of 16 bytes: 32 bytes a step. */
	while (n >= 32) {
		a = util_mulfold(util_rd64(p) ^ k[0], util_rd64(p + 8) ^ a);
		b = util_mulfold(util_rd64(p + 16) ^ k[1],
		    util_rd64(p + 24) ^ b);
		p += 32;
		n -= 32;
	}
	if (n >= 16) {
		a = util_mulfold(util_rd64(p) ^ k[2], util_rd64(p + 8) ^ a);
		p += 16;
		n -= 16;
	}
	c = d = 0;
	if (n > 8) {
		c = util_rd64(p);
		d = util_rd_tail(p + 8, n - 8);
	} else if (n > 0)
		c = util_rd_tail(p, n);
	b = util_mulfold(c ^ k[3], d ^ b ^ a);
	return (util_mulfold(b ^ k[2] ^ (uint64_t)len, a ^ k[1] ^ UTIL_HK1));
}

/* Length of the valid, non-control UTF-8 sequence at p, or 0. */
static size_t
util_clean_len(const unsigned char *p)
{
	size_t	 n, i;
	uint32_t cp;

	if (*p < 0x20 || *p == 0x7f)
		return (0);
	if (*p < 0x80)
		return (1);
	if (*p >= 0xc2 && *p <= 0xdf) {
		n = 2;
		cp = *p & 0x1f;
	} else if (*p >= 0xe0 && *p <= 0xef) {
		n = 3;
		cp = *p & 0x0f;
	} else if (*p >= 0xf0 && *p <= 0xf4) {
		n = 4;
		cp = *p & 0x07;
	} else
		return (0);
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return (0);
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 ||
	    cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
		return (0);
	if (cp >= 0x80 && cp <= 0x9f)		/* C1 controls */
		return (0);
	return (n);
}

void
util_clean_inplace(char *s)
{
	unsigned char	*r, *w;
	size_t		 n;

	if (s == NULL)
		return;
	r = w = (unsigned char *)s;
	while (*r != '\0') {
		if ((n = util_clean_len(r)) == 0) {
			*w++ = '?';
			r++;
			continue;
		}
		memmove(w, r, n);
		w += n;
		r += n;
	}
	*w = '\0';
}

char *
util_clean(const char *s)
{
	char	*c;

	if (s == NULL)
		return (NULL);
	c = xstrdup(s);
	util_clean_inplace(c);
	return (c);
}
