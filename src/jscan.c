/*
 * jscan.c: a streaming JSON reader (see jscan.h).
 *
 * Strings are scanned a word (8 bytes) at a time: a word with no '"',
 * no '\\', no control byte and no byte >= 0x80 is skipped whole; the
 * first special byte of a word is found from the word's mask (little-
 * endian) or a byte loop.  Escapes and UTF-8 sequences are validated in
 * the same pass; unescaping waits until a string is asked for.  Outside
 * strings a byte-class table dispatches.  Containers are skipped by an
 * iterative loop with a bit stack (no recursion).
 */
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jscan.h"
#include "log.h"
#include "util.h"

enum jscan_class {
	JC_BAD = 0,
	JC_OBJ,
	JC_ARR,
	JC_STR,
	JC_NUM,
	JC_TRUE,
	JC_FALSE,
	JC_NULL
};

static const uint8_t jscan_class[256] = {
	['{'] = JC_OBJ, ['['] = JC_ARR, ['"'] = JC_STR, ['-'] = JC_NUM,
	['0'] = JC_NUM, ['1'] = JC_NUM, ['2'] = JC_NUM, ['3'] = JC_NUM,
	['4'] = JC_NUM, ['5'] = JC_NUM, ['6'] = JC_NUM, ['7'] = JC_NUM,
	['8'] = JC_NUM, ['9'] = JC_NUM, ['t'] = JC_TRUE, ['f'] = JC_FALSE,
	['n'] = JC_NULL
};

static const uint8_t jscan_space[256] = {
	[' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1
};

/* Hex digit values plus one, 0 for others. */
static const uint8_t jscan_hex[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6,
	['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16
};

#if defined(__GNUC__) || defined(__clang__)
#define JSCAN_INLINE	inline __attribute__((__always_inline__))
#else
#define JSCAN_INLINE	inline
#endif

#define JSCAN_ONES	0x0101010101010101ULL
#define JSCAN_HIGHS	0x8080808080808080ULL

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && \
    (defined(__GNUC__) || defined(__clang__))
#define JSCAN_LE_CTZ 1
#endif

/*
 * SSE2 (every x86-64) scans 16 bytes a step; JSCAN_NO_SIMD keeps the
 * portable word loop alone (the tests build both).
 */
#if defined(__SSE2__) && defined(JSCAN_LE_CTZ) && !defined(JSCAN_NO_SIMD)
#include <emmintrin.h>
#define JSCAN_SSE2 1
#endif

/* The high bit of each byte of w that ends a plain run of a string. */
static inline uint64_t
jscan_special(uint64_t w)
{
	uint64_t	 q = w ^ (JSCAN_ONES * '"');
	uint64_t	 b = w ^ (JSCAN_ONES * '\\');

	return ((w | ((w - JSCAN_ONES * 0x20) & ~w) |
	    ((q - JSCAN_ONES) & ~q) | ((b - JSCAN_ONES) & ~b)) & JSCAN_HIGHS);
}

static int printflike(3, 4)
jscan_fail(struct jscan *j, const char *at, const char *fmt, ...)
{
	va_list	 ap;

	if (j->failed)
		return (-1);
	j->failed = true;
	j->offset = (size_t)(at - j->base);
	va_start(ap, fmt);
	vsnprintf(j->error, sizeof j->error, fmt, ap);
	va_end(ap);
	return (-1);
}

void
jscan_init(struct jscan *j, const char *buf, size_t len)
{
	memset(j, 0, offsetof(struct jscan, stack));
	if (buf == NULL) {
		buf = "";
		len = 0;
	}
	j->base = j->p = buf;
	j->end = buf + len;
	j->want = true;
}

void
jscan_free(struct jscan *j)
{
	if (j->scratch != NULL) {
		explicit_bzero(j->scratch, j->scratchsz);
		free(j->scratch);
	}
	j->scratch = NULL;
	j->scratchsz = 0;
}

const char *
jscan_error(const struct jscan *j)
{
	return (j->failed ? j->error : NULL);
}

size_t
jscan_offset(const struct jscan *j)
{
	return (j->offset);
}

const char *
jscan_type_name(enum jscan_type t)
{
	switch (t) {
	case JSCAN_OBJECT:
		return ("an object");
	case JSCAN_ARRAY:
		return ("an array");
	case JSCAN_STRING:
		return ("a string");
	case JSCAN_INT:
		return ("an integer");
	case JSCAN_REAL:
		return ("a number");
	case JSCAN_TRUE:
	case JSCAN_FALSE:
		return ("a boolean");
	case JSCAN_NULL:
		return ("null");
	case JSCAN_NONE:
		break;
	}
	return ("nothing");
}

static inline const char *
jscan_ws(const char *p, const char *end)
{
	while (p < end && jscan_space[(unsigned char)*p])
		p++;
	return (p);
}

static inline void
jscan_push(struct jscan *j, bool object)
{
	if (object)
		j->stack[j->depth >> 3] |= (uint8_t)(1u << (j->depth & 7));
	else
		j->stack[j->depth >> 3] &= (uint8_t)~(1u << (j->depth & 7));
	j->depth++;
}

/* The innermost open container is an object. */
static inline bool
jscan_top_object(const struct jscan *j)
{
	int	 d = j->depth - 1;

	return ((j->stack[d >> 3] >> (d & 7)) & 1);
}

static int
jscan_hex4(const unsigned char *p, unsigned int *u)
{
	unsigned int	 a = jscan_hex[p[0]], b = jscan_hex[p[1]];
	unsigned int	 c = jscan_hex[p[2]], d = jscan_hex[p[3]];

	if (a == 0 || b == 0 || c == 0 || d == 0)
		return (-1);
	*u = ((a - 1) << 12) | ((b - 1) << 8) | ((c - 1) << 4) | (d - 1);
	return (0);
}

/* An escape at p (the backslash); returns its length or -1. */
static int
jscan_escape(struct jscan *j, const unsigned char *p,
    const unsigned char *end)
{
	unsigned int	 u, lo;

	if (end - p < 2)
		return (jscan_fail(j, (const char *)p,
		    "premature end of input"));
	switch (p[1]) {
	case '"':
	case '\\':
	case '/':
	case 'b':
	case 'f':
	case 'n':
	case 'r':
	case 't':
		return (2);
	case 'u':
		break;
	default:
		return (jscan_fail(j, (const char *)p, "invalid escape"));
	}
	if (end - p < 6)
		return (jscan_fail(j, (const char *)p,
		    "premature end of input"));
	if (jscan_hex4(p + 2, &u) != 0)
		return (jscan_fail(j, (const char *)p, "invalid escape"));
	if (u == 0)
		return (jscan_fail(j, (const char *)p,
		    "\\u0000 is not allowed"));
	if (u >= 0xdc00 && u <= 0xdfff)
		return (jscan_fail(j, (const char *)p, "invalid Unicode "
		    "'\\u%04X'", u));
	if (u < 0xd800 || u > 0xdbff)
		return (6);
	if (end - p < 12 || p[6] != '\\' || p[7] != 'u' ||
	    jscan_hex4(p + 8, &lo) != 0 || lo < 0xdc00 || lo > 0xdfff)
		return (jscan_fail(j, (const char *)p, "invalid Unicode "
		    "'\\u%04X' (no low surrogate)", u));
	return (12);
}

/* A UTF-8 sequence at p (a byte >= 0x80); returns its length or -1. */
static int
jscan_utf8(struct jscan *j, const unsigned char *p, const unsigned char *end)
{
	unsigned int	 c = p[0];
	int		 n, i;

	if (c < 0xc2 || c > 0xf4)
		goto bad;
	n = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (end - p < n)
		goto bad;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			goto bad;
	}
	if ((c == 0xe0 && p[1] < 0xa0) ||	/* overlong */
	    (c == 0xed && p[1] >= 0xa0) ||	/* surrogate */
	    (c == 0xf0 && p[1] < 0x90) ||	/* overlong */
	    (c == 0xf4 && p[1] >= 0x90))	/* beyond U+10FFFF */
		goto bad;
	return (n);

bad:
	return (jscan_fail(j, (const char *)p, "unable to decode byte 0x%x",
	    c));
}

/*
 * The string whose opening quote is at p: returns the byte after the
 * closing quote (NULL on error); *esc when it holds escapes.
 */
static JSCAN_INLINE const char *
jscan_string(struct jscan *j, const char *at, bool *esc)
{
	const unsigned char	*p = (const unsigned char *)at + 1;
	const unsigned char	*end = (const unsigned char *)j->end;
	uint64_t		 w, m;
	unsigned int		 c;
	int			 n;

	*esc = false;
	for (;;) {
#ifdef JSCAN_SSE2
		while (end - p >= 16) {
			__m128i		 x, sp;
			unsigned int	 mask;

			x = _mm_loadu_si128((const __m128i *)(const void *)p);
			/* Signed: bytes >= 0x80 are below 0x20 too. */
			sp = _mm_or_si128(_mm_or_si128(
			    _mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
			    _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
			    _mm_cmplt_epi8(x, _mm_set1_epi8(0x20)));
			mask = (unsigned int)_mm_movemask_epi8(sp);
			if (mask != 0) {
				p += __builtin_ctz(mask);
				goto special;
			}
			p += 16;
		}
#endif
		for (;;) {
			if (end - p < 8)
				goto bytes;
			memcpy(&w, p, sizeof w);
			if ((m = jscan_special(w)) != 0)
				break;
			p += 8;
		}
#ifdef JSCAN_LE_CTZ
		p += (unsigned int)__builtin_ctzll(m) >> 3;
#else
		while (*p != '"' && *p != '\\' && *p >= 0x20 && *p < 0x80)
			p++;
#endif
		goto special;
bytes:
		for (;;) {
			if (p >= end)
				goto premature;
			c = *p;
			if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
				break;
			p++;
		}
special:
		c = *p;
		if (c == '"')
			return ((const char *)p + 1);
		if (c == '\\') {
			if ((n = jscan_escape(j, p, end)) < 0)
				return (NULL);
			*esc = true;
		} else if (c < 0x20) {
			jscan_fail(j, (const char *)p, "control character "
			    "0x%x", c);
			return (NULL);
		} else if ((n = jscan_utf8(j, p, end)) < 0)
			return (NULL);
		p += n;
	}

premature:
	jscan_fail(j, (const char *)p, "premature end of input");
	return (NULL);
}

/*
 * strtod() of n bytes, with the locale's decimal point as jansson does
 * (strtod() follows LC_NUMERIC).  *overflow as jansson sees it.
 */
static double
jscan_strtod(const char *s, size_t n, bool *overflow)
{
	struct lconv	*lc;
	char		 tmp[64], *buf, *dot;
	double		 d;

	buf = n < sizeof tmp ? tmp : xmalloc(n + 1);
	memcpy(buf, s, n);
	buf[n] = '\0';
	lc = localeconv();
	if (lc->decimal_point[0] != '.' && lc->decimal_point[0] != '\0' &&
	    lc->decimal_point[1] == '\0' &&
	    (dot = strchr(buf, '.')) != NULL)
		*dot = lc->decimal_point[0];
	errno = 0;
	d = strtod(buf, NULL);
	*overflow = errno == ERANGE && (d == HUGE_VAL || d == -HUGE_VAL);
	if (buf != tmp)
		free(buf);
	return (d);
}

/*
 * jansson reads one byte past a number or a literal and puts it back;
 * a NUL byte put back is lost (its stream buffer is NUL-terminated), so
 * jansson accepts "[1\0]".  To accept exactly what it accepts, a NUL
 * right after a number or a literal is skipped as well.
 */
static inline const char *
jscan_lost_nul(const struct jscan *j, const char *p)
{
	if (p != NULL && p < j->end && *p == '\0')
		p++;
	return (p);
}

static const char *jscan_number_text(struct jscan *, const char *,
	     struct jscan_val *);

/* A number at p: fills v (type, text, integer); NULL on error. */
static inline const char *
jscan_number(struct jscan *j, const char *at, struct jscan_val *v)
{
	return (jscan_lost_nul(j, jscan_number_text(j, at, v)));
}

static const char *
jscan_number_text(struct jscan *j, const char *at, struct jscan_val *v)
{
	const char		*p = at, *end = j->end, *digits;
	unsigned long long	 acc = 0;
	long			 exp = 0;
	bool			 neg = false, real = false, eneg = false;
	size_t			 nint;
	char			 tmp[32];
	bool			 overflow;
	long long		 ll;

	if (*p == '-') {
		neg = true;
		p++;
	}
	if (p >= end || *p < '0' || *p > '9')
		goto invalid;
	digits = p;
	if (*p == '0') {
		p++;
		if (p < end && *p >= '0' && *p <= '9')
			goto invalid;
	} else {
		while (p < end && *p >= '0' && *p <= '9') {
			acc = acc * 10 + (unsigned int)(*p - '0');
			p++;
			if (p - digits == 19)
				break;
		}
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	nint = (size_t)(p - digits);
	if (p < end && *p == '.') {
		real = true;
		p++;
		if (p >= end || *p < '0' || *p > '9')
			goto invalid;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		real = true;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		if (p >= end || *p < '0' || *p > '9')
			goto invalid;
		while (p < end && *p >= '0' && *p <= '9') {
			if (exp < 100000)
				exp = exp * 10 + (*p - '0');
			p++;
		}
	}
	v->s = at;
	v->n = (size_t)(p - at);
	v->esc = false;
	if (!real) {
		v->type = JSCAN_INT;
		if (nint <= 18) {
			v->i = neg ? -(long long)acc : (long long)acc;
			return (p);
		}
		/* strtoll() decides, as jansson does. */
		if (v->n >= sizeof tmp)
			goto toobig;
		memcpy(tmp, at, v->n);
		tmp[v->n] = '\0';
		errno = 0;
		ll = strtoll(tmp, NULL, 10);
		if (errno == ERANGE)
			goto toobig;
		v->i = ll;
		return (p);
	}
	v->type = JSCAN_REAL;
	v->i = 0;
	/* Below 10^300 it cannot overflow; else strtod() decides. */
	if ((long)nint + (eneg ? -exp : exp) <= 300)
		return (p);
	jscan_strtod(at, v->n, &overflow);
	if (overflow) {
		jscan_fail(j, at, "real number overflow");
		return (NULL);
	}
	return (p);

toobig:
	jscan_fail(j, at, neg ? "too big negative integer" : "too big integer");
	return (NULL);
invalid:
	jscan_fail(j, at, "invalid token");
	return (NULL);
}

static inline const char *
jscan_literal(struct jscan *j, const char *p, const char *word, size_t n)
{
	size_t	 i;

	if ((size_t)(j->end - p) < n)
		goto bad;
	for (i = 1; i < n; i++)		/* p[0] chose the word */
		if (p[i] != word[i])
			goto bad;
	return (jscan_lost_nul(j, p + n));
bad:
	jscan_fail(j, p, "invalid token");
	return (NULL);
}

/*
 * Skip the rest of containers opened until depth returns to base.  p is
 * just after an opening bracket (its container pushed).
 */
static const char *
jscan_skip_open(struct jscan *j, const char *p, int base)
{
	const char	*end = j->end;
	bool		 esc, obj;
	unsigned int	 c;
	int		 depth = j->depth;	/* kept in a register */
	struct jscan_val v;

	obj = jscan_top_object(j);
	p = jscan_ws(p, end);
	if (obj) {
		if (p < end && *p == '}')
			goto pop;
		goto key;
	}
	if (p < end && *p == ']')
		goto pop;
value:
	p = jscan_ws(p, end);
	if (p >= end)
		goto premature;
	if (depth >= JSCAN_MAX_DEPTH) {
		jscan_fail(j, p, "maximum parsing depth reached");
		return (NULL);
	}
	switch (jscan_class[(unsigned char)*p]) {
	case JC_OBJ:
		j->depth = depth;
		jscan_push(j, true);
		depth++;
		obj = true;
		p = jscan_ws(p + 1, end);
		if (p < end && *p == '}')
			goto pop;
		goto key;
	case JC_ARR:
		j->depth = depth;
		jscan_push(j, false);
		depth++;
		obj = false;
		p = jscan_ws(p + 1, end);
		if (p < end && *p == ']')
			goto pop;
		goto value;
	case JC_STR:
		p = jscan_string(j, p, &esc);
		break;
	case JC_NUM:
		p = jscan_number(j, p, &v);
		break;
	case JC_TRUE:
		p = jscan_literal(j, p, "true", 4);
		break;
	case JC_FALSE:
		p = jscan_literal(j, p, "false", 5);
		break;
	case JC_NULL:
		p = jscan_literal(j, p, "null", 4);
		break;
	default:
		jscan_fail(j, p, "invalid token");
		return (NULL);
	}
	if (p == NULL)
		return (NULL);
after:
	p = jscan_ws(p, end);
	if (p >= end)
		goto premature;
	c = (unsigned char)*p;
	if (c == ',') {
		p = jscan_ws(p + 1, end);
		if (!obj)
			goto value;
		goto key;
	}
	if (obj) {
		if (c == '}')
			goto pop;
		jscan_fail(j, p, "',' or '}' expected");
	} else {
		if (c == ']')
			goto pop;
		jscan_fail(j, p, "',' or ']' expected");
	}
	return (NULL);
pop:
	p++;
	depth--;
	j->depth = depth;
	if (depth == base)
		return (p);
	obj = jscan_top_object(j);
	goto after;
key:
	if (p >= end)
		goto premature;
	if (*p != '"') {
		jscan_fail(j, p, "string or '}' expected");
		return (NULL);
	}
	if ((p = jscan_string(j, p, &esc)) == NULL)
		return (NULL);
	p = jscan_ws(p, end);
	if (p >= end)
		goto premature;
	if (*p != ':') {
		jscan_fail(j, p, "':' expected");
		return (NULL);
	}
	p++;
	goto value;

premature:
	jscan_fail(j, p, "premature end of input");
	return (NULL);
}

/* Skip the value at p (inside a container); the byte after it or NULL. */
static JSCAN_INLINE const char *
jscan_skip_at(struct jscan *j, const char *p)
{
	struct jscan_val	 v;
	bool			 esc;
	int			 base;

	p = jscan_ws(p, j->end);
	if (p >= j->end) {
		jscan_fail(j, p, "premature end of input");
		return (NULL);
	}
	if (j->depth >= JSCAN_MAX_DEPTH) {
		jscan_fail(j, p, "maximum parsing depth reached");
		return (NULL);
	}
	switch (jscan_class[(unsigned char)*p]) {
	case JC_STR:
		return (jscan_string(j, p, &esc));
	case JC_NUM:
		return (jscan_number(j, p, &v));
	case JC_OBJ:
	case JC_ARR:
		base = j->depth;
		jscan_push(j, *p == '{');
		return (jscan_skip_open(j, p + 1, base));
	case JC_TRUE:
		return (jscan_literal(j, p, "true", 4));
	case JC_FALSE:
		return (jscan_literal(j, p, "false", 5));
	case JC_NULL:
		return (jscan_literal(j, p, "null", 4));
	}
	jscan_fail(j, p, "invalid token");
	return (NULL);
}

/* The value due at the cursor: p at its first byte (after white space). */
static int
jscan_start(struct jscan *j, const char **at)
{
	const char	*p;

	if (j->failed)
		return (-1);
	if (!j->want)
		return (jscan_fail(j, j->p, "no value due (misuse)"));
	p = jscan_ws(j->p, j->end);
	j->p = p;
	if (p >= j->end) {
		if (j->depth == 0)
			return (jscan_fail(j, p, "'[' or '{' expected"));
		return (jscan_fail(j, p, "premature end of input"));
	}
	if (j->depth == 0 && *p != '{' && *p != '[')
		return (jscan_fail(j, p, "'[' or '{' expected"));
	if (j->depth >= JSCAN_MAX_DEPTH)
		return (jscan_fail(j, p, "maximum parsing depth reached"));
	*at = p;
	return (0);
}

static int
jscan_value(struct jscan *j, struct jscan_val *v)
{
	const char	*p, *q;
	int		 base;

	if (jscan_start(j, &p) != 0) {
		v->type = JSCAN_NONE;
		return (-1);
	}
	v->esc = false;
	v->i = 0;
	switch (jscan_class[(unsigned char)*p]) {
	case JC_OBJ:
	case JC_ARR:
		v->type = *p == '{' ? JSCAN_OBJECT : JSCAN_ARRAY;
		base = j->depth;
		jscan_push(j, *p == '{');
		q = jscan_skip_open(j, p + 1, base);
		break;
	case JC_STR:
		v->type = JSCAN_STRING;
		q = jscan_string(j, p, &v->esc);
		if (q != NULL) {
			v->s = p + 1;
			v->n = (size_t)(q - p - 2);
			j->p = q;
			j->want = false;
			return (0);
		}
		break;
	case JC_NUM:
		q = jscan_number(j, p, v);
		if (q != NULL) {
			j->p = q;
			j->want = false;
			return (0);
		}
		break;
	case JC_TRUE:
		v->type = JSCAN_TRUE;
		q = jscan_literal(j, p, "true", 4);
		break;
	case JC_FALSE:
		v->type = JSCAN_FALSE;
		q = jscan_literal(j, p, "false", 5);
		break;
	case JC_NULL:
		v->type = JSCAN_NULL;
		q = jscan_literal(j, p, "null", 4);
		break;
	default:
		jscan_fail(j, p, "invalid token");
		q = NULL;
		break;
	}
	if (q == NULL) {
		v->type = JSCAN_NONE;
		return (-1);
	}
	v->s = p;
	v->n = (size_t)(q - p);
	j->p = q;
	j->want = false;
	return (0);
}

int
jscan_read(struct jscan *j, struct jscan_val *v)
{
	return (jscan_value(j, v));
}

int
jscan_skip(struct jscan *j)
{
	struct jscan_val	 v;

	return (jscan_value(j, &v));
}

enum jscan_type
jscan_peek(struct jscan *j)
{
	const char		*p;
	struct jscan_val	 v;

	if (jscan_start(j, &p) != 0)
		return (JSCAN_NONE);
	switch (jscan_class[(unsigned char)*p]) {
	case JC_OBJ:
		return (JSCAN_OBJECT);
	case JC_ARR:
		return (JSCAN_ARRAY);
	case JC_STR:
		return (JSCAN_STRING);
	case JC_NUM:
		if (jscan_number(j, p, &v) == NULL)
			return (JSCAN_NONE);
		return (v.type);
	case JC_TRUE:
		return (JSCAN_TRUE);
	case JC_FALSE:
		return (JSCAN_FALSE);
	case JC_NULL:
		return (JSCAN_NULL);
	}
	jscan_fail(j, p, "invalid token");
	return (JSCAN_NONE);
}

static int
jscan_begin(struct jscan *j, char open)
{
	const char	*p;

	if (jscan_start(j, &p) != 0)
		return (-1);
	if (*p != open)
		return (jscan_fail(j, p, "expected '%c' (misuse)", open));
	jscan_push(j, open == '{');
	j->p = p + 1;
	j->first = true;
	j->want = false;
	return (0);
}

int
jscan_begin_object(struct jscan *j)
{
	return (jscan_begin(j, '{'));
}

int
jscan_begin_array(struct jscan *j)
{
	return (jscan_begin(j, '['));
}

/* Grow the scratch buffer; the old one is zeroed (it may hold secrets). */
static char *
jscan_scratch(struct jscan *j, size_t need)
{
	char	*s;

	if (need <= j->scratchsz)
		return (j->scratch);
	if (need < 256)
		need = 256;
	s = xmalloc(need);
	jscan_free(j);
	j->scratch = s;
	j->scratchsz = need;
	return (s);
}

/* Unescape a valid string body into out (never longer); its length. */
static size_t
jscan_unescape(const char *s, size_t n, char *out)
{
	const unsigned char	*p = (const unsigned char *)s;
	const unsigned char	*end = p + n;
	char			*o = out;
	unsigned int		 u, lo;
	const unsigned char	*bs;

	while (p < end) {
		bs = memchr(p, '\\', (size_t)(end - p));
		if (bs == NULL)
			bs = end;
		memcpy(o, p, (size_t)(bs - p));
		o += bs - p;
		p = bs;
		if (p >= end)
			break;
		switch (p[1]) {
		case 'b':
			*o++ = '\b';
			break;
		case 'f':
			*o++ = '\f';
			break;
		case 'n':
			*o++ = '\n';
			break;
		case 'r':
			*o++ = '\r';
			break;
		case 't':
			*o++ = '\t';
			break;
		case 'u':
			jscan_hex4(p + 2, &u);
			if (u >= 0xd800 && u <= 0xdbff) {
				jscan_hex4(p + 8, &lo);
				u = 0x10000 + ((u - 0xd800) << 10) +
				    (lo - 0xdc00);
				p += 6;
			}
			p += 4;
			if (u < 0x80)
				*o++ = (char)u;
			else if (u < 0x800) {
				*o++ = (char)(0xc0 | (u >> 6));
				*o++ = (char)(0x80 | (u & 0x3f));
			} else if (u < 0x10000) {
				*o++ = (char)(0xe0 | (u >> 12));
				*o++ = (char)(0x80 | ((u >> 6) & 0x3f));
				*o++ = (char)(0x80 | (u & 0x3f));
			} else {
				*o++ = (char)(0xf0 | (u >> 18));
				*o++ = (char)(0x80 | ((u >> 12) & 0x3f));
				*o++ = (char)(0x80 | ((u >> 6) & 0x3f));
				*o++ = (char)(0x80 | (u & 0x3f));
			}
			break;
		default:	/* " \ / */
			*o++ = (char)p[1];
			break;
		}
		p += 2;
	}
	return ((size_t)(o - out));
}

/*
 * The step to the next member of the open object (obj) or array: the
 * value due is skipped, then a ',' (*p after it) gives 1, the closing
 * bracket closes the container and gives 0, anything else -1.
 */
static JSCAN_INLINE int
jscan_member(struct jscan *j, bool obj, const char **pp)
{
	const char	*p;
	char		 close = obj ? '}' : ']';

	if (j->failed)
		return (-1);
	if (j->depth == 0 || jscan_top_object(j) != obj)
		return (jscan_fail(j, j->p, obj ? "not in an object (misuse)" :
		    "not in an array (misuse)"));
	p = j->p;
	if (j->want) {
		if ((p = jscan_skip_at(j, p)) == NULL)
			return (-1);
		j->want = false;
	}
	p = jscan_ws(p, j->end);
	if (p >= j->end)
		return (jscan_fail(j, p, "premature end of input"));
	if (j->first) {
		j->first = false;
		if (*p != close) {
			*pp = p;
			return (1);
		}
	} else if (*p == ',') {
		*pp = p + 1;
		return (1);
	} else if (*p != close)
		return (jscan_fail(j, p, obj ? "',' or '}' expected" :
		    "',' or ']' expected"));
	j->p = p + 1;
	j->depth--;
	j->first = false;
	return (0);
}

static JSCAN_INLINE int
jscan_key(struct jscan *j, const char **key, size_t *n)
{
	const char	*p = NULL, *q;
	bool		 esc;
	int		 r;

	if ((r = jscan_member(j, true, &p)) != 1)
		return (r);
	p = jscan_ws(p, j->end);
	if (p >= j->end)
		return (jscan_fail(j, p, "premature end of input"));
	if (*p != '"')
		return (jscan_fail(j, p, "string or '}' expected"));
	if ((q = jscan_string(j, p, &esc)) == NULL)
		return (-1);
	if (!esc) {
		*key = p + 1;
		*n = (size_t)(q - p - 2);
	} else {
		*key = jscan_scratch(j, (size_t)(q - p));
		*n = jscan_unescape(p + 1, (size_t)(q - p - 2), j->scratch);
	}
	q = jscan_ws(q, j->end);
	if (q >= j->end)
		return (jscan_fail(j, q, "premature end of input"));
	if (*q != ':')
		return (jscan_fail(j, q, "':' expected"));
	j->p = q + 1;
	j->want = true;
	return (1);
}

int
jscan_next_key(struct jscan *j, const char **key, size_t *n)
{
	return (jscan_key(j, key, n));
}

/* Short keys: a byte loop beats a call to memcmp(). */
static inline bool
jscan_same(const char *a, const char *b, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return (false);
	return (true);
}

static inline unsigned int
jscan_key_hash(const char *k, size_t n)
{
	if (n == 0)
		return (0);
	return ((unsigned int)(n * 7 + (unsigned char)k[0] * 3 +
	    (unsigned char)k[n - 1]) & (JSCAN_KEYS_SLOTS - 1));
}

void
jscan_keys_init(struct jscan_keys *ks, const struct jscan_field *f, size_t n)
{
	unsigned int	 h;
	size_t		 i;

	if (n > JSCAN_KEYS_MAX)
		fatalx("jscan: %zu keys (at most %d)", n, JSCAN_KEYS_MAX);
	memset(ks, 0, sizeof *ks);
	ks->f = f;
	ks->n = n;
	for (i = 0; i < n; i++) {
		h = jscan_key_hash(f[i].key, f[i].n);
		while (ks->slot[h] != 0)
			h = (h + 1) & (JSCAN_KEYS_SLOTS - 1);
		ks->slot[h] = (uint8_t)(i + 1);
	}
}

int
jscan_fields(struct jscan *j, const struct jscan_keys *ks,
    struct jscan_val *vals)
{
	const struct jscan_field	*f;
	const char			*k = NULL;
	size_t				 n = 0, i;
	unsigned int			 h;
	int				 r;

	while ((r = jscan_key(j, &k, &n)) == 1) {
		h = jscan_key_hash(k, n);
		while ((i = ks->slot[h]) != 0) {
			f = &ks->f[i - 1];
			if (f->n == n && jscan_same(f->key, k, n))
				break;
			h = (h + 1) & (JSCAN_KEYS_SLOTS - 1);
		}
		if (i == 0)
			continue;	/* skipped by the next jscan_key() */
		if (f->stop)
			return ((int)i);
		if (jscan_value(j, &vals[i - 1]) != 0)
			return (-1);
	}
	return (r);
}

int
jscan_next_elem(struct jscan *j)
{
	const char	*p = NULL;
	int		 r;

	if ((r = jscan_member(j, false, &p)) != 1)
		return (r);
	j->p = p;
	j->want = true;
	return (1);
}

int
jscan_end(struct jscan *j)
{
	const char	*k;
	size_t		 n;

	if (j->want && jscan_skip(j) != 0)
		return (-1);
	while (!j->failed && j->depth > 0) {
		if (jscan_top_object(j))
			while (jscan_next_key(j, &k, &n) == 1)
				/* next_key skips the value */;
		else
			while (jscan_next_elem(j) == 1)
				/* likewise */;
	}
	if (j->failed)
		return (-1);
	j->p = jscan_ws(j->p, j->end);
	if (j->p != j->end)
		return (jscan_fail(j, j->p, "end of file expected"));
	return (0);
}

const char *
jscan_val_str(struct jscan *j, const struct jscan_val *v, size_t *n)
{
	char	*s;

	if (!v->esc) {
		*n = v->n;
		return (v->s);
	}
	s = jscan_scratch(j, v->n + 1);
	*n = jscan_unescape(v->s, v->n, s);
	return (s);
}

char *
jscan_val_strdup(const struct jscan_val *v)
{
	char	*s;
	size_t	 n;

	s = xmalloc(v->n + 1);
	if (!v->esc) {
		memcpy(s, v->s, v->n);
		n = v->n;
	} else
		n = jscan_unescape(v->s, v->n, s);
	s[n] = '\0';
	return (s);
}

bool
jscan_val_is(struct jscan *j, const struct jscan_val *v, const char *lit)
{
	const char	*s;
	size_t		 n;

	if (v->type != JSCAN_STRING)
		return (false);
	s = jscan_val_str(j, v, &n);
	return (strlen(lit) == n && memcmp(s, lit, n) == 0);
}

double
jscan_val_double(const struct jscan_val *v)
{
	bool	 overflow;

	if (v->type == JSCAN_INT)
		return ((double)v->i);
	if (v->type != JSCAN_REAL)
		return (NAN);
	return (jscan_strtod(v->s, v->n, &overflow));
}
