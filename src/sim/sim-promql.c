/*
 * sim-promql.c: the simulator's PromQL.  A lexer and a precedence-climbing
 * parser build a small tree; the evaluator works on instant vectors and
 * range vectors taken from the view store (sim-prom.h), following the
 * semantics of the real Prometheus 2.x engine where bbbctl depends on
 * them: 5 minute lookback and staleness for instant selectors, closed
 * [t-range, t] windows, rate()/increase() extrapolation, irate() from
 * the last two samples, counter resets, __name__ dropped by functions,
 * aggregations and arithmetic, one-to-one vector matching.
 *
 * Supported: number and string literals, selectors with = != =~ !~,
 * range selectors, offset, unary minus, + - * / % ^ and the comparisons
 * (with bool), and/or/unless, on()/ignoring(), sum avg min max count
 * with by/without, rate irate increase delta idelta, *_over_time,
 * abs ceil floor round sqrt exp ln, clamp_min clamp_max, time vector
 * scalar.  Everything else is a parse error.
 *
 * All memory of one query lives in an arena freed at its end.
 */
#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim-prom.h"
#include "util.h"

/* ---------------------------------------------------------------------- */
/* Arena. */

struct arena_blk {
	struct arena_blk	*next;
	size_t			 used;
	size_t			 size;
	max_align_t		 data[];
};

struct arena {
	struct arena_blk	*head;
};

static void *
ar_alloc(struct arena *a, size_t n)
{
	struct arena_blk	*b = a->head;
	size_t			 al = sizeof (max_align_t), sz;
	void			*p;

	n = (n + al - 1) / al * al;
	if (n == 0)
		n = al;
	if (b == NULL || b->size - b->used < n) {
		sz = n > 65536 ? n : 65536;
		b = xmalloc(sizeof *b + sz);
		b->size = sz;
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	p = (char *)b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return (p);
}

static char *
ar_strndup(struct arena *a, const char *s, size_t n)
{
	char	*p = ar_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return (p);
}

static char *
ar_strdup(struct arena *a, const char *s)
{
	return (ar_strndup(a, s, strlen(s)));
}

static void
ar_free(struct arena *a)
{
	struct arena_blk	*b, *n;

	for (b = a->head; b != NULL; b = n) {
		n = b->next;
		free(b);
	}
	a->head = NULL;
}

/* Growable array in the arena. */
static void *
ar_grow(struct arena *a, void *old, size_t n, size_t *cap, size_t elsize)
{
	void	*p;
	size_t	 nc;

	if (n < *cap)
		return (old);
	nc = *cap == 0 ? 16 : *cap * 2;
	p = ar_alloc(a, nc * elsize);
	if (old != NULL)
		memcpy(p, old, n * elsize);
	*cap = nc;
	return (p);
}

/* ---------------------------------------------------------------------- */
/* Store. */

/*
 * A view as the store keeps it: the doubles a view prints stay doubles
 * (counters need every bit for rate() and irate()), counts shrink to 32
 * bits and histogram buckets to 16 (saturating at 65535 meetings of a
 * node in one bucket, far beyond any BBB node).  About 370 bytes instead
 * of sizeof (struct sim_mview).
 */
struct pview {
	int64_t		 t_ms;
	double		 cpu_idle[SIM_MVIEW_MAXCPU];
	double		 cpu_busy[SIM_MVIEW_MAXCPU];
	double		 mem_total;
	double		 mem_used;
	double		 rx;
	double		 tx;
	double		 lo;
	double		 load1;
	double		 load5;
	double		 load15;
	double		 boot_s;
	double		 start_s;
	double		 unique_meetings;
	double		 scrapes;
	int32_t		 meetings;
	int32_t		 participants;
	int32_t		 pmax;
	int32_t		 listeners;
	int32_t		 voice;
	int32_t		 video;
	int32_t		 dialin;
	int32_t		 recording;
	uint16_t	 hist_part[SIM_MVIEW_PBUCKETS];
	uint16_t	 hist_listen[SIM_MVIEW_PBUCKETS];
	uint16_t	 hist_voice[SIM_MVIEW_VBUCKETS];
	uint16_t	 hist_video[SIM_MVIEW_VBUCKETS];
	uint8_t		 flags;
#define PV_UP		0x1
#define PV_EXPORTER_UP	0x2
#define PV_API_OK	0x4
	uint8_t		 version;
	uint8_t		 ncpu;
};

struct pstore_node {
	char		 name[64];
	struct pview	*ring;
	size_t		 len;		/* slots in ring */
	size_t		 head;		/* next slot */
	size_t		 count;
	struct sim_mview last;		/* the newest view, unpacked */
};

struct sim_pstore {
	struct pstore_node *nodes;
	size_t		 nnodes;
	size_t		 capnodes;
	size_t		 hint;		/* where the next push likely goes */
	size_t		 budget;	/* bytes */
	size_t		 bytes;		/* allocated now */
	size_t		 planned;	/* nodes the plan is for */
	size_t		 ring;		/* planned slots per node */
	int64_t		 step_ms;	/* planned time between views */
};

static int32_t
pv_int(int v)
{
	return ((int32_t)v);
}

static uint16_t
pv_u16(int v)
{
	if (v < 0)
		return (0);
	return (v > UINT16_MAX ? UINT16_MAX : (uint16_t)v);
}

static void
pview_pack(struct pview *p, const struct sim_mview *v)
{
	size_t	 i;

	memset(p, 0, sizeof *p);
	p->t_ms = v->t_ms;
	p->flags = (v->up ? PV_UP : 0) | (v->exporter_up ? PV_EXPORTER_UP :
	    0) | (v->api_ok ? PV_API_OK : 0);
	p->version = (uint8_t)(v->version == 7 ? 7 : 2);
	p->ncpu = (uint8_t)(v->ncpu < 0 ? 0 : v->ncpu > SIM_MVIEW_MAXCPU ?
	    SIM_MVIEW_MAXCPU : v->ncpu);
	memcpy(p->cpu_idle, v->cpu_idle, sizeof p->cpu_idle);
	memcpy(p->cpu_busy, v->cpu_busy, sizeof p->cpu_busy);
	p->mem_total = v->mem_total;
	p->mem_used = v->mem_used;
	p->rx = v->rx;
	p->tx = v->tx;
	p->lo = v->lo;
	p->load1 = v->load1;
	p->load5 = v->load5;
	p->load15 = v->load15;
	p->boot_s = v->boot_s;
	p->start_s = v->start_s;
	p->unique_meetings = v->unique_meetings;
	p->scrapes = v->scrapes;
	p->meetings = pv_int(v->meetings);
	p->participants = pv_int(v->participants);
	p->pmax = pv_int(v->pmax);
	p->listeners = pv_int(v->listeners);
	p->voice = pv_int(v->voice);
	p->video = pv_int(v->video);
	p->dialin = pv_int(v->dialin);
	p->recording = pv_int(v->recording);
	for (i = 0; i < SIM_MVIEW_PBUCKETS; i++) {
		p->hist_part[i] = pv_u16(v->hist_part[i]);
		p->hist_listen[i] = pv_u16(v->hist_listen[i]);
	}
	for (i = 0; i < SIM_MVIEW_VBUCKETS; i++) {
		p->hist_voice[i] = pv_u16(v->hist_voice[i]);
		p->hist_video[i] = pv_u16(v->hist_video[i]);
	}
}

static void
pview_unpack(struct sim_mview *v, const struct pview *p)
{
	size_t	 i;

	memset(v, 0, sizeof *v);
	v->t_ms = p->t_ms;
	v->up = (p->flags & PV_UP) != 0;
	v->exporter_up = (p->flags & PV_EXPORTER_UP) != 0;
	v->api_ok = (p->flags & PV_API_OK) != 0;
	v->version = p->version;
	v->ncpu = p->ncpu;
	memcpy(v->cpu_idle, p->cpu_idle, sizeof v->cpu_idle);
	memcpy(v->cpu_busy, p->cpu_busy, sizeof v->cpu_busy);
	v->mem_total = p->mem_total;
	v->mem_used = p->mem_used;
	v->rx = p->rx;
	v->tx = p->tx;
	v->lo = p->lo;
	v->load1 = p->load1;
	v->load5 = p->load5;
	v->load15 = p->load15;
	v->boot_s = p->boot_s;
	v->start_s = p->start_s;
	v->unique_meetings = p->unique_meetings;
	v->scrapes = p->scrapes;
	v->meetings = p->meetings;
	v->participants = p->participants;
	v->pmax = p->pmax;
	v->listeners = p->listeners;
	v->voice = p->voice;
	v->video = p->video;
	v->dialin = p->dialin;
	v->recording = p->recording;
	for (i = 0; i < SIM_MVIEW_PBUCKETS; i++) {
		v->hist_part[i] = p->hist_part[i];
		v->hist_listen[i] = p->hist_listen[i];
	}
	for (i = 0; i < SIM_MVIEW_VBUCKETS; i++) {
		v->hist_voice[i] = p->hist_voice[i];
		v->hist_video[i] = p->hist_video[i];
	}
}

struct sim_pstore *
sim_pstore_new(void)
{
	struct sim_pstore	*s = xcalloc(1, sizeof *s);

	s->budget = SIM_PSTORE_BUDGET;
	s->bytes = sizeof *s;
	sim_pstore_plan(s, 0);
	return (s);
}

void
sim_pstore_free(struct sim_pstore *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nnodes; i++)
		free(s->nodes[i].ring);
	free(s->nodes);
	free(s);
}

size_t
sim_pstore_slot_size(void)
{
	return (sizeof (struct pview));
}

void
sim_pstore_set_budget(struct sim_pstore *s, size_t bytes)
{
	s->budget = bytes;
	sim_pstore_plan(s, s->nnodes);
}

/*
 * Ring length and step for n nodes: what the budget leaves after the
 * per-node overhead, at most SIM_PSTORE_RING slots, never fewer than
 * SIM_PSTORE_MIN_RING; the step grows (up to SIM_PSTORE_MAX_STEP_MS) so
 * that the ring still spans SIM_PSTORE_RING seconds where it can.
 */
void
sim_pstore_plan(struct sim_pstore *s, size_t n)
{
	size_t	 fixed, per, ring;
	int64_t	 step;

	if (n < 1)
		n = 1;
	fixed = sizeof *s + (n > s->capnodes ? n : s->capnodes) *
	    sizeof *s->nodes;
	per = s->budget > fixed ? (s->budget - fixed) / n /
	    sizeof (struct pview) : 0;
	ring = per < SIM_PSTORE_RING ? per : SIM_PSTORE_RING;
	if (ring < SIM_PSTORE_MIN_RING)
		ring = SIM_PSTORE_MIN_RING;
	step = (SIM_PSTORE_RING * 1000 + (int64_t)ring * 1000 - 1) /
	    ((int64_t)ring * 1000) * 1000;
	if (step > SIM_PSTORE_MAX_STEP_MS)
		step = SIM_PSTORE_MAX_STEP_MS;
	s->planned = n;
	s->ring = ring;
	s->step_ms = step;
}

int64_t
sim_pstore_step_ms(const struct sim_pstore *s)
{
	return (s->step_ms);
}

size_t
sim_pstore_ring_len(const struct sim_pstore *s)
{
	return (s->ring);
}

size_t
sim_pstore_bytes(const struct sim_pstore *s)
{
	return (s->bytes);
}

/* View k of node n, oldest first. */
static const struct pview *
pstore_at(const struct pstore_node *n, size_t k)
{
	size_t	 first = (n->head + n->len - n->count) % n->len;

	return (&n->ring[(first + k) % n->len]);
}

/* Give node n a ring of len slots, keeping its newest views. */
static void
pstore_resize(struct sim_pstore *s, struct pstore_node *n, size_t len)
{
	struct pview	*r;
	size_t		 keep, k;

	r = xcalloc(len, sizeof *r);
	keep = n->count < len ? n->count : len;
	for (k = 0; k < keep; k++)
		r[k] = *pstore_at(n, n->count - keep + k);
	free(n->ring);
	s->bytes -= n->len * sizeof *r;
	s->bytes += len * sizeof *r;
	n->ring = r;
	n->len = len;
	n->count = keep;
	n->head = keep % len;
}

static struct pstore_node *
pstore_find(struct sim_pstore *s, const char *name)
{
	size_t	 i;

	if (s->hint < s->nnodes && strcmp(s->nodes[s->hint].name,
	    name) == 0)
		return (&s->nodes[s->hint++]);
	for (i = 0; i < s->nnodes; i++) {
		if (strcmp(s->nodes[i].name, name) == 0) {
			s->hint = i + 1;
			return (&s->nodes[i]);
		}
	}
	return (NULL);
}

void
sim_pstore_push(struct sim_pstore *s, const char *name,
    const struct sim_mview *v)
{
	struct pstore_node	*n = pstore_find(s, name);
	size_t			 nc;

	if (n == NULL) {
		if (s->nnodes + 1 > s->capnodes) {
			/* the planned fleet at once, else doubling */
			if (s->planned > s->nnodes)
				nc = s->planned;
			else
				nc = s->capnodes == 0 ? 16 : s->capnodes * 2;
			s->nodes = xreallocarray(s->nodes, nc,
			    sizeof *s->nodes);
			s->bytes += (nc - s->capnodes) * sizeof *s->nodes;
			s->capnodes = nc;
		}
		if (s->nnodes + 1 > s->planned)
			sim_pstore_plan(s, s->nnodes + 1);
		n = &s->nodes[s->nnodes++];
		s->hint = s->nnodes;
		memset(n, 0, sizeof *n);
		snprintf(n->name, sizeof n->name, "%s", name);
	}
	/* Rings follow the plan lazily, at their next push. */
	if (n->len != s->ring)
		pstore_resize(s, n, s->ring);
	pview_pack(&n->ring[n->head], v);
	pview_unpack(&n->last, &n->ring[n->head]);
	n->head = (n->head + 1) % n->len;
	if (n->count < n->len)
		n->count++;
}

size_t
sim_pstore_nnodes(const struct sim_pstore *s)
{
	return (s->nnodes);
}

const struct sim_mview *
sim_pstore_last(const struct sim_pstore *s, size_t i, const char **name)
{
	const struct pstore_node *n;

	if (i >= s->nnodes)
		return (NULL);
	n = &s->nodes[i];
	if (name != NULL)
		*name = n->name;
	if (n->count == 0)
		return (NULL);
	return (&n->last);
}

void
sim_pstore_retain(struct sim_pstore *s, const char *const *names)
{
	size_t	 i, j, k;

	for (i = 0, j = 0; i < s->nnodes; i++) {
		for (k = 0; names[k] != NULL; k++) {
			if (strcmp(names[k], s->nodes[i].name) == 0)
				break;
		}
		if (names[k] == NULL) {
			s->bytes -= s->nodes[i].len * sizeof (struct pview);
			free(s->nodes[i].ring);
			continue;
		}
		s->nodes[j++] = s->nodes[i];
	}
	s->nnodes = j;
	s->hint = 0;
	sim_pstore_plan(s, s->nnodes);
}

/* ---------------------------------------------------------------------- */
/* Lexer. */

enum tok {
	T_EOF, T_ERR, T_NUM, T_STR, T_IDENT, T_DUR,
	T_LPAREN, T_RPAREN, T_LBRACE, T_RBRACE, T_LBRACK, T_RBRACK,
	T_COMMA, T_COLON, T_ASSIGN, T_EQLC, T_NEQ, T_LSS, T_LTE, T_GTR,
	T_GTE, T_EQLRE, T_NEQRE, T_ADD, T_SUB, T_MUL, T_DIV, T_MOD, T_POW,
	T_AND, T_OR, T_UNLESS
};

struct lexer {
	const char	*src;
	size_t		 pos;
	enum tok	 tok;
	size_t		 start;		/* of the current token */
	size_t		 len;
	double		 num;
	int64_t		 dur_ms;
	char		*str;		/* T_STR value, T_IDENT text */
	char		*err;
	struct arena	*ar;
};

static int
dur_parse(const char *s, size_t n, int64_t *out)
{
	static const struct {
		const char	*u;
		int64_t		 ms;
	} units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 },
		{ "d", 86400000 }, { "w", 604800000 }, { "y", 31536000000LL }
	};
	size_t	 i = 0, j, k, ul;
	int64_t	 total = 0, v;
	int	 last = -1;

	if (n == 0)
		return (-1);
	while (i < n) {
		if (!isdigit((unsigned char)s[i]))
			return (-1);
		v = 0;
		while (i < n && isdigit((unsigned char)s[i])) {
			if (v > INT64_MAX / 10 - 10)
				return (-1);
			v = v * 10 + (s[i++] - '0');
		}
		for (j = i; j < n && isalpha((unsigned char)s[j]); j++)
			;
		ul = j - i;
		for (k = 0; k < nitems(units); k++) {
			if (strlen(units[k].u) == ul &&
			    strncmp(units[k].u, s + i, ul) == 0)
				break;
		}
		if (k == nitems(units))
			return (-1);
		/* Units must be given in decreasing order. */
		if (last != -1 && units[k].ms >= units[last].ms)
			return (-1);
		last = (int)k;
		if (v != 0 && units[k].ms > INT64_MAX / v)
			return (-1);
		total += v * units[k].ms;
		i = j;
	}
	*out = total;
	return (0);
}

static bool
is_ident_start(int c)
{
	return (isalpha(c) || c == '_' || c == ':');
}

static bool
is_ident(int c)
{
	return (isalnum(c) || c == '_' || c == ':');
}

static void
lex_error(struct lexer *lx, size_t pos, const char *fmt, ...)
    printflike(3, 4);

static void
lex_error(struct lexer *lx, size_t pos, const char *fmt, ...)
{
	va_list	 ap;
	char	*m;
	size_t	 i, line = 1, col, lastnl = (size_t)-1;

	if (lx->err != NULL)
		return;
	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	for (i = 0; i < pos && lx->src[i] != '\0'; i++) {
		if (lx->src[i] == '\n') {
			line++;
			lastnl = i;
		}
	}
	col = pos - lastnl;
	lx->err = xasprintf("%zu:%zu: parse error: %s", line, col, m);
	free(m);
	lx->tok = T_ERR;
}

static int
lex_string(struct lexer *lx)
{
	const char	*s = lx->src;
	char		 q = s[lx->pos];
	struct buf	 b = { 0 };
	size_t		 p = lx->pos + 1;
	char		 c;
	unsigned long	 cp;
	int		 i, nd;

	buf_adds(&b, "");
	for (;;) {
		c = s[p];
		if (c == '\0' || (c == '\n' && q != '`')) {
			lex_error(lx, lx->pos, "unterminated quoted string %c",
			    q);
			buf_free(&b);
			return (-1);
		}
		p++;
		if (c == q)
			break;
		if (c != '\\' || q == '`') {
			buf_addc(&b, c);
			continue;
		}
		c = s[p++];
		switch (c) {
		case 'a': buf_addc(&b, '\a'); break;
		case 'b': buf_addc(&b, '\b'); break;
		case 'f': buf_addc(&b, '\f'); break;
		case 'n': buf_addc(&b, '\n'); break;
		case 'r': buf_addc(&b, '\r'); break;
		case 't': buf_addc(&b, '\t'); break;
		case 'v': buf_addc(&b, '\v'); break;
		case '\\': buf_addc(&b, '\\'); break;
		case '"': case '\'':
			buf_addc(&b, c);
			break;
		case 'x': case 'u': case 'U':
			nd = c == 'x' ? 2 : c == 'u' ? 4 : 8;
			cp = 0;
			for (i = 0; i < nd; i++) {
				if (!isxdigit((unsigned char)s[p])) {
					lex_error(lx, p, "illegal character "
					    "%c in escape sequence",
					    s[p] == '\0' ? ' ' : s[p]);
					buf_free(&b);
					return (-1);
				}
				cp = cp * 16 + (unsigned long)(isdigit(
				    (unsigned char)s[p]) ? s[p] - '0' :
				    tolower((unsigned char)s[p]) - 'a' + 10);
				p++;
			}
			if (c == 'x' || cp < 0x80)
				buf_addc(&b, (char)cp);
			else if (cp < 0x800) {
				buf_addc(&b, (char)(0xc0 | (cp >> 6)));
				buf_addc(&b, (char)(0x80 | (cp & 0x3f)));
			} else if (cp < 0x10000) {
				buf_addc(&b, (char)(0xe0 | (cp >> 12)));
				buf_addc(&b, (char)(0x80 | ((cp >> 6) & 0x3f)));
				buf_addc(&b, (char)(0x80 | (cp & 0x3f)));
			} else if (cp < 0x110000) {
				buf_addc(&b, (char)(0xf0 | (cp >> 18)));
				buf_addc(&b, (char)(0x80 |
				    ((cp >> 12) & 0x3f)));
				buf_addc(&b, (char)(0x80 | ((cp >> 6) & 0x3f)));
				buf_addc(&b, (char)(0x80 | (cp & 0x3f)));
			} else {
				lex_error(lx, p, "invalid escape sequence");
				buf_free(&b);
				return (-1);
			}
			break;
		default:
			if (c >= '0' && c <= '7') {
				cp = (unsigned long)(c - '0');
				for (i = 0; i < 2; i++) {
					if (s[p] < '0' || s[p] > '7') {
						lex_error(lx, p, "illegal "
						    "character in escape "
						    "sequence");
						buf_free(&b);
						return (-1);
					}
					cp = cp * 8 + (unsigned long)(s[p++] -
					    '0');
				}
				buf_addc(&b, (char)cp);
				break;
			}
			lex_error(lx, p - 1, "unknown escape sequence %c",
			    c == '\0' ? ' ' : c);
			buf_free(&b);
			return (-1);
		}
	}
	lx->str = ar_strndup(lx->ar, b.data, b.len);
	buf_free(&b);
	lx->len = p - lx->pos;
	lx->pos = p;
	lx->tok = T_STR;
	return (0);
}

static void
lex_next(struct lexer *lx)
{
	const char	*s = lx->src;
	size_t		 p, q;
	char		*end;
	char		 c;

	if (lx->tok == T_ERR)
		return;
	while (isspace((unsigned char)s[lx->pos]) || s[lx->pos] == '#') {
		if (s[lx->pos] == '#') {
			while (s[lx->pos] != '\0' && s[lx->pos] != '\n')
				lx->pos++;
		} else
			lx->pos++;
	}
	p = lx->pos;
	lx->start = p;
	lx->len = 1;
	c = s[p];
	if (c == '\0') {
		lx->tok = T_EOF;
		lx->len = 0;
		return;
	}
	if (c == '"' || c == '\'' || c == '`') {
		lex_string(lx);
		return;
	}
	if (isdigit((unsigned char)c) || (c == '.' &&
	    isdigit((unsigned char)s[p + 1]))) {
		/* A duration is digits followed by a unit letter. */
		q = p;
		while (isalnum((unsigned char)s[q]))
			q++;
		if (q > p && isdigit((unsigned char)c) &&
		    dur_parse(s + p, q - p, &lx->dur_ms) == 0) {
			lx->tok = T_DUR;
			lx->len = q - p;
			lx->pos = q;
			return;
		}
		lx->num = strtod(s + p, &end);
		if (end == s + p || is_ident(*end)) {
			while (is_ident((unsigned char)s[q]) || s[q] == '.')
				q++;
			lex_error(lx, p, "bad number or duration syntax: "
			    "\"%.*s\"", (int)(q - p), s + p);
			return;
		}
		lx->tok = T_NUM;
		lx->len = (size_t)(end - (s + p));
		lx->pos = p + lx->len;
		return;
	}
	if (is_ident_start((unsigned char)c)) {
		q = p;
		while (is_ident((unsigned char)s[q]))
			q++;
		lx->str = ar_strndup(lx->ar, s + p, q - p);
		lx->len = q - p;
		lx->pos = q;
		if (strcasecmp(lx->str, "and") == 0)
			lx->tok = T_AND;
		else if (strcasecmp(lx->str, "or") == 0)
			lx->tok = T_OR;
		else if (strcasecmp(lx->str, "unless") == 0)
			lx->tok = T_UNLESS;
		else
			lx->tok = T_IDENT;
		return;
	}
	lx->pos = p + 1;
	switch (c) {
	case '(': lx->tok = T_LPAREN; return;
	case ')': lx->tok = T_RPAREN; return;
	case '{': lx->tok = T_LBRACE; return;
	case '}': lx->tok = T_RBRACE; return;
	case '[': lx->tok = T_LBRACK; return;
	case ']': lx->tok = T_RBRACK; return;
	case ',': lx->tok = T_COMMA; return;
	case ':': lx->tok = T_COLON; return;
	case '+': lx->tok = T_ADD; return;
	case '-': lx->tok = T_SUB; return;
	case '*': lx->tok = T_MUL; return;
	case '/': lx->tok = T_DIV; return;
	case '%': lx->tok = T_MOD; return;
	case '^': lx->tok = T_POW; return;
	case '=':
		if (s[p + 1] == '=') {
			lx->tok = T_EQLC;
			lx->pos++;
		} else if (s[p + 1] == '~') {
			lx->tok = T_EQLRE;
			lx->pos++;
		} else
			lx->tok = T_ASSIGN;
		lx->len = lx->pos - p;
		return;
	case '!':
		if (s[p + 1] == '=') {
			lx->tok = T_NEQ;
			lx->pos++;
		} else if (s[p + 1] == '~') {
			lx->tok = T_NEQRE;
			lx->pos++;
		} else {
			lex_error(lx, p, "unexpected character after '!': "
			    "'%c'", s[p + 1] == '\0' ? ' ' : s[p + 1]);
			return;
		}
		lx->len = 2;
		return;
	case '<':
		if (s[p + 1] == '=') {
			lx->tok = T_LTE;
			lx->pos++;
		} else
			lx->tok = T_LSS;
		lx->len = lx->pos - p;
		return;
	case '>':
		if (s[p + 1] == '=') {
			lx->tok = T_GTE;
			lx->pos++;
		} else
			lx->tok = T_GTR;
		lx->len = lx->pos - p;
		return;
	default:
		if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f)
			lex_error(lx, p, "unexpected character: '\\x%02x'",
			    (unsigned char)c);
		else
			lex_error(lx, p, "unexpected character: '%c'", c);
		return;
	}
}

/* What the current token looks like in an error message. */
static const char *
tok_desc(struct lexer *lx, char *buf, size_t len)
{
	switch (lx->tok) {
	case T_EOF:
		return ("end of input");
	case T_NUM:
		snprintf(buf, len, "number \"%.*s\"", (int)lx->len,
		    lx->src + lx->start);
		return (buf);
	case T_DUR:
		snprintf(buf, len, "duration \"%.*s\"", (int)lx->len,
		    lx->src + lx->start);
		return (buf);
	case T_STR:
		snprintf(buf, len, "string \"%.*s\"", (int)lx->len,
		    lx->src + lx->start);
		return (buf);
	case T_IDENT:
		snprintf(buf, len, "identifier \"%s\"", lx->str);
		return (buf);
	case T_LPAREN:
		return ("\"(\"");
	case T_RPAREN:
		return ("right parenthesis ')'");
	case T_LBRACE:
		return ("\"{\"");
	case T_RBRACE:
		return ("\"}\"");
	case T_LBRACK:
		return ("\"[\"");
	case T_RBRACK:
		return ("\"]\"");
	case T_COMMA:
		return ("\",\"");
	case T_COLON:
		return ("\":\"");
	case T_ASSIGN:
		return ("\"=\"");
	default:
		snprintf(buf, len, "<op:%.*s>", (int)lx->len,
		    lx->src + lx->start);
		return (buf);
	}
}

/* ---------------------------------------------------------------------- */
/* Syntax tree. */

enum node_kind {
	N_NUM, N_STR, N_SEL, N_CALL, N_AGG, N_BIN, N_NEG, N_PAREN
};

enum mop { M_EQ, M_NE, M_RE, M_NRE };

struct matcher {
	char		*name;
	enum mop	 op;
	char		*value;
	regex_t		*re;
};

enum func {
	F_RATE, F_IRATE, F_INCREASE, F_DELTA, F_IDELTA,
	F_AVG_OT, F_MIN_OT, F_MAX_OT, F_SUM_OT, F_COUNT_OT, F_LAST_OT,
	F_ABS, F_CEIL, F_FLOOR, F_ROUND, F_SQRT, F_EXP, F_LN,
	F_CLAMP_MIN, F_CLAMP_MAX, F_TIME, F_VECTOR, F_SCALAR
};

enum argt { A_NONE, A_SCALAR, A_VECTOR, A_MATRIX };

static const struct {
	const char	*name;
	enum func	 f;
	enum argt	 args[2];
	int		 nargs;
	int		 optargs;	/* trailing optional */
	enum sim_promql_type ret;
} funcs[] = {
	{ "rate", F_RATE, { A_MATRIX }, 1, 0, SIM_PROMQL_VECTOR },
	{ "irate", F_IRATE, { A_MATRIX }, 1, 0, SIM_PROMQL_VECTOR },
	{ "increase", F_INCREASE, { A_MATRIX }, 1, 0, SIM_PROMQL_VECTOR },
	{ "delta", F_DELTA, { A_MATRIX }, 1, 0, SIM_PROMQL_VECTOR },
	{ "idelta", F_IDELTA, { A_MATRIX }, 1, 0, SIM_PROMQL_VECTOR },
	{ "avg_over_time", F_AVG_OT, { A_MATRIX }, 1, 0, SIM_PROMQL_VECTOR },
	{ "min_over_time", F_MIN_OT, { A_MATRIX }, 1, 0, SIM_PROMQL_VECTOR },
	{ "max_over_time", F_MAX_OT, { A_MATRIX }, 1, 0, SIM_PROMQL_VECTOR },
	{ "sum_over_time", F_SUM_OT, { A_MATRIX }, 1, 0, SIM_PROMQL_VECTOR },
	{ "count_over_time", F_COUNT_OT, { A_MATRIX }, 1, 0,
	    SIM_PROMQL_VECTOR },
	{ "last_over_time", F_LAST_OT, { A_MATRIX }, 1, 0,
	    SIM_PROMQL_VECTOR },
	{ "abs", F_ABS, { A_VECTOR }, 1, 0, SIM_PROMQL_VECTOR },
	{ "ceil", F_CEIL, { A_VECTOR }, 1, 0, SIM_PROMQL_VECTOR },
	{ "floor", F_FLOOR, { A_VECTOR }, 1, 0, SIM_PROMQL_VECTOR },
	{ "round", F_ROUND, { A_VECTOR, A_SCALAR }, 2, 1,
	    SIM_PROMQL_VECTOR },
	{ "sqrt", F_SQRT, { A_VECTOR }, 1, 0, SIM_PROMQL_VECTOR },
	{ "exp", F_EXP, { A_VECTOR }, 1, 0, SIM_PROMQL_VECTOR },
	{ "ln", F_LN, { A_VECTOR }, 1, 0, SIM_PROMQL_VECTOR },
	{ "clamp_min", F_CLAMP_MIN, { A_VECTOR, A_SCALAR }, 2, 0,
	    SIM_PROMQL_VECTOR },
	{ "clamp_max", F_CLAMP_MAX, { A_VECTOR, A_SCALAR }, 2, 0,
	    SIM_PROMQL_VECTOR },
	{ "time", F_TIME, { A_NONE }, 0, 0, SIM_PROMQL_SCALAR },
	{ "vector", F_VECTOR, { A_SCALAR }, 1, 0, SIM_PROMQL_VECTOR },
	{ "scalar", F_SCALAR, { A_VECTOR }, 1, 0, SIM_PROMQL_SCALAR },
};

/* Functions and aggregations of the real PromQL that we do not do. */
static const char *const unsupported[] = {
	"absent", "absent_over_time", "changes", "clamp", "day_of_month",
	"day_of_week", "day_of_year", "days_in_month", "deriv",
	"histogram_quantile", "holt_winters", "hour", "label_join",
	"label_replace", "log10", "log2", "minute", "month",
	"predict_linear", "quantile_over_time", "resets", "sgn", "sort",
	"sort_desc", "stddev_over_time", "stdvar_over_time", "timestamp",
	"year", "present_over_time", "acos", "asin", "atan", "cos", "sin",
	"tan", "deg", "rad", "pi",
	"topk", "bottomk", "quantile", "stddev", "stdvar", "count_values",
	"group",
};

enum aggop { AG_SUM, AG_AVG, AG_MIN, AG_MAX, AG_COUNT };

static const char *const aggops[] = { "sum", "avg", "min", "max", "count" };

struct node {
	enum node_kind	 kind;
	size_t		 pos;
	enum sim_promql_type type;
	double		 num;
	char		*str;
	/* selector */
	char		*metric;
	struct matcher	*m;
	size_t		 nm;
	int64_t		 range_ms;	/* > 0: range selector */
	int64_t		 offset_ms;
	/* call */
	int		 func;
	struct node	*args[2];
	int		 nargs;
	/* aggregation */
	enum aggop	 aggop;
	bool		 without;
	bool		 grouped;	/* by/without given */
	char	       **grouping;
	size_t		 ngrouping;
	/* binary */
	enum tok	 op;
	bool		 retbool;
	bool		 matching;	/* on/ignoring given */
	bool		 on;
	char	       **mlabels;
	size_t		 nmlabels;
	struct node	*lhs;
	struct node	*rhs;
};

struct sim_promql {
	struct arena	 ar;
	struct node	*root;
	regex_t	       **res;
	size_t		 nres;
};

struct parser {
	struct lexer	 lx;
	struct sim_promql *q;
	int		 depth;		/* open parentheses */
	int		 nest;		/* parse_expr recursion */
};

#define PARSE_MAX_NEST	200
#define EVAL_MAX_DEPTH	1000

static struct node *parse_expr(struct parser *, int);

static struct node *
node_new(struct parser *p, enum node_kind kind, size_t pos)
{
	struct node	*n = ar_alloc(&p->q->ar, sizeof *n);

	n->kind = kind;
	n->pos = pos;
	return (n);
}

static const char *
type_name(enum sim_promql_type t)
{
	switch (t) {
	case SIM_PROMQL_SCALAR:
		return ("scalar");
	case SIM_PROMQL_VECTOR:
		return ("instant vector");
	case SIM_PROMQL_MATRIX:
		return ("range vector");
	default:
		return ("string");
	}
}

static void
perr_unexpected(struct parser *p, const char *ctx, const char *expected)
{
	char	 b[128];

	if (p->lx.tok == T_ERR)
		return;
	if (p->lx.tok == T_EOF && ctx != NULL &&
	    (strcmp(ctx, "function call") == 0 ||
	    strcmp(ctx, "aggregation") == 0)) {
		lex_error(&p->lx, p->lx.start, "unclosed left parenthesis");
		return;
	}
	lex_error(&p->lx, p->lx.start, "unexpected %s%s%s%s%s",
	    tok_desc(&p->lx, b, sizeof b), ctx != NULL ? " in " : "",
	    ctx != NULL ? ctx : "", expected != NULL ? ", expected " : "",
	    expected != NULL ? expected : "");
}

static bool
is_label_name(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return (false);
	for (s++; *s != '\0'; s++) {
		if (!isalnum((unsigned char)*s) && *s != '_')
			return (false);
	}
	return (true);
}

/*
 * What RE2 (Prometheus' regexp engine) refuses and glibc's regcomp would
 * take at great cost: nested repetition ("a**", "b++"), repeat counts
 * over 1000 (here: in sum, so that (a{1000}){1000} is out too) and
 * backreferences.  NULL if fine, else the reason.
 */
static const char *
re_check(const char *re)
{
	const char	*p;
	bool		 prevq = false, lazy = false;
	long		 n, m, total = 0;
	char		*end, e;

	if (strlen(re) > 4096)
		return ("expression too large");
	for (p = re; *p != '\0'; p++) {
		switch (*p) {
		case '\\':
			if (isdigit((unsigned char)p[1]))
				return ("invalid escape sequence");
			if (p[1] != '\0')
				p++;
			prevq = lazy = false;
			continue;
		case '[':
			p++;
			if (*p == '^')
				p++;
			if (*p == ']')
				p++;
			while (*p != '\0' && *p != ']') {
				if (*p == '[' && (p[1] == ':' || p[1] == '=' ||
				    p[1] == '.')) {
					e = p[1];
					p += 2;
					while (*p != '\0' &&
					    !(*p == e && p[1] == ']'))
						p++;
					if (*p == '\0')
						break;
					p++;
				}
				p++;
			}
			if (*p == '\0')
				return ("missing closing ]");
			prevq = lazy = false;
			continue;
		case '?':
			if (lazy) {		/* x+? is non-greedy */
				lazy = false;
				continue;
			}
			/* FALLTHROUGH */
		case '*':
		case '+':
			if (prevq)
				return ("invalid nested repetition operator");
			prevq = lazy = true;
			continue;
		case '{':
			if (!isdigit((unsigned char)p[1]))
				break;
			n = strtol(p + 1, &end, 10);
			m = n;
			if (*end == ',') {
				m = isdigit((unsigned char)end[1]) ?
				    strtol(end + 1, &end, 10) : n;
				if (*end != '}' && end[-1] != ',')
					break;
			}
			if (*end != '}')
				break;
			if (prevq)
				return ("invalid nested repetition operator");
			if (n > 1000 || m > 1000 || m < n)
				return ("invalid repeat count");
			total += m;
			if (total > 1000)
				return ("expression too large");
			p = end;
			prevq = lazy = true;
			continue;
		default:
			break;
		}
		prevq = lazy = false;
	}
	return (NULL);
}

static regex_t *
compile_re(struct parser *p, const char *re, size_t pos)
{
	regex_t		*r;
	char		*anch, eb[128];
	const char	*why;
	int		 rc;

	if ((why = re_check(re)) != NULL) {
		lex_error(&p->lx, pos, "error parsing regexp: %s: `%s`", why,
		    re);
		return (NULL);
	}
	r = xmalloc(sizeof *r);

	anch = xasprintf("^(%s)$", re);
	rc = regcomp(r, anch, REG_EXTENDED | REG_NOSUB);
	free(anch);
	if (rc != 0) {
		regerror(rc, r, eb, sizeof eb);
		free(r);
		lex_error(&p->lx, pos, "error parsing regexp: %s", eb);
		return (NULL);
	}
	p->q->res = xreallocarray(p->q->res, p->q->nres + 1,
	    sizeof *p->q->res);
	p->q->res[p->q->nres++] = r;
	return (r);
}

/* { name op "value", ... } ; current token is '{'. */
static int
parse_matchers(struct parser *p, struct node *n)
{
	size_t		 cap = 0, pos;
	struct matcher	*m;
	char		*name;
	enum mop	 op;

	lex_next(&p->lx);
	while (p->lx.tok != T_RBRACE) {
		if (p->lx.tok == T_NUM || p->lx.tok == T_DUR) {
			lex_error(&p->lx, p->lx.start, "unexpected character "
			    "inside braces: '%c'", p->lx.src[p->lx.start]);
			return (-1);
		}
		if (p->lx.tok != T_IDENT || !is_label_name(p->lx.str)) {
			perr_unexpected(p, "label matching",
			    "identifier or \"}\"");
			return (-1);
		}
		name = p->lx.str;
		pos = p->lx.start;
		lex_next(&p->lx);
		switch (p->lx.tok) {
		case T_ASSIGN: op = M_EQ; break;
		case T_NEQ: op = M_NE; break;
		case T_EQLRE: op = M_RE; break;
		case T_NEQRE: op = M_NRE; break;
		default:
			perr_unexpected(p, "label matching",
			    "label matching operator");
			return (-1);
		}
		lex_next(&p->lx);
		if (p->lx.tok != T_STR) {
			perr_unexpected(p, "label matching", "string");
			return (-1);
		}
		n->m = ar_grow(&p->q->ar, n->m, n->nm, &cap, sizeof *n->m);
		m = &n->m[n->nm++];
		m->name = name;
		m->op = op;
		m->value = p->lx.str;
		if (op == M_RE || op == M_NRE) {
			m->re = compile_re(p, m->value, pos);
			if (m->re == NULL)
				return (-1);
		}
		lex_next(&p->lx);
		if (p->lx.tok == T_COMMA) {
			lex_next(&p->lx);
			continue;
		}
		if (p->lx.tok != T_RBRACE) {
			perr_unexpected(p, "label matching",
			    "\",\" or \"}\"");
			return (-1);
		}
	}
	lex_next(&p->lx);
	return (0);
}

static bool
matcher_matches_empty(const struct matcher *m)
{
	switch (m->op) {
	case M_EQ:
		return (*m->value == '\0');
	case M_NE:
		return (*m->value != '\0');
	case M_RE:
		return (regexec(m->re, "", 0, NULL, 0) == 0);
	default:
		return (regexec(m->re, "", 0, NULL, 0) != 0);
	}
}

static struct node *
parse_selector(struct parser *p, char *metric, size_t pos)
{
	struct node	*n = node_new(p, N_SEL, pos);
	struct matcher	*m;
	size_t		 i;
	bool		 nonempty = false;

	n->type = SIM_PROMQL_VECTOR;
	n->metric = metric;
	if (p->lx.tok == T_LBRACE && parse_matchers(p, n) != 0)
		return (NULL);
	for (i = 0; i < n->nm; i++) {
		if (strcmp(n->m[i].name, "__name__") == 0 && metric != NULL) {
			lex_error(&p->lx, pos, "metric name must not be set "
			    "twice: \"%s\" or \"%s\"", metric, n->m[i].value);
			return (NULL);
		}
		if (!matcher_matches_empty(&n->m[i]))
			nonempty = true;
	}
	if (metric != NULL) {
		/* The name is a matcher like any other. */
		m = ar_alloc(&p->q->ar, (n->nm + 1) * sizeof *m);
		if (n->nm > 0)
			memcpy(m + 1, n->m, n->nm * sizeof *m);
		m[0].name = "__name__";
		m[0].op = M_EQ;
		m[0].value = metric;
		n->m = m;
		n->nm++;
		nonempty = true;
	}
	if (!nonempty) {
		lex_error(&p->lx, pos, "vector selector must contain at least "
		    "one non-empty matcher");
		return (NULL);
	}
	return (n);
}

static int
parse_label_list(struct parser *p, char ***out, size_t *nout)
{
	size_t	 cap = 0;

	if (p->lx.tok != T_LPAREN) {
		perr_unexpected(p, "grouping opts", "\"(\"");
		return (-1);
	}
	lex_next(&p->lx);
	while (p->lx.tok != T_RPAREN) {
		if (p->lx.tok == T_EOF) {
			lex_error(&p->lx, p->lx.start, "unclosed left "
			    "parenthesis");
			return (-1);
		}
		if (p->lx.tok != T_IDENT || !is_label_name(p->lx.str)) {
			perr_unexpected(p, "grouping opts", "label");
			return (-1);
		}
		*out = ar_grow(&p->q->ar, *out, *nout, &cap, sizeof **out);
		(*out)[(*nout)++] = p->lx.str;
		lex_next(&p->lx);
		if (p->lx.tok == T_COMMA)
			lex_next(&p->lx);
		else if (p->lx.tok != T_RPAREN) {
			perr_unexpected(p, "grouping opts",
			    "\",\" or \")\"");
			return (-1);
		}
	}
	lex_next(&p->lx);
	return (0);
}

static int
parse_grouping(struct parser *p, struct node *n)
{
	if (p->lx.tok != T_IDENT)
		return (0);
	if (strcasecmp(p->lx.str, "by") == 0)
		n->without = false;
	else if (strcasecmp(p->lx.str, "without") == 0)
		n->without = true;
	else
		return (0);
	if (n->grouped) {
		perr_unexpected(p, "aggregation", NULL);
		return (-1);
	}
	n->grouped = true;
	lex_next(&p->lx);
	return (parse_label_list(p, &n->grouping, &n->ngrouping));
}

static struct node *
parse_aggregation(struct parser *p, enum aggop op, size_t pos)
{
	struct node	*n = node_new(p, N_AGG, pos), *e;

	n->aggop = op;
	n->type = SIM_PROMQL_VECTOR;
	if (parse_grouping(p, n) != 0)
		return (NULL);
	if (p->lx.tok != T_LPAREN) {
		perr_unexpected(p, "aggregation", "\"(\"");
		return (NULL);
	}
	lex_next(&p->lx);
	if (p->lx.tok == T_RPAREN) {
		lex_error(&p->lx, p->lx.start, "no arguments for aggregate "
		    "expression provided");
		return (NULL);
	}
	p->depth++;
	e = parse_expr(p, 0);
	p->depth--;
	if (e == NULL)
		return (NULL);
	if (p->lx.tok == T_COMMA) {
		lex_error(&p->lx, pos, "wrong number of arguments for "
		    "aggregate expression provided, expected 1, got 2");
		return (NULL);
	}
	if (p->lx.tok != T_RPAREN) {
		perr_unexpected(p, "aggregation", "\",\" or \")\"");
		return (NULL);
	}
	lex_next(&p->lx);
	if (parse_grouping(p, n) != 0)
		return (NULL);
	if (e->type != SIM_PROMQL_VECTOR) {
		lex_error(&p->lx, e->pos, "expected type instant vector in "
		    "aggregation expression, got %s", type_name(e->type));
		return (NULL);
	}
	n->args[0] = e;
	return (n);
}

static struct node *
parse_call(struct parser *p, const char *name, size_t pos)
{
	struct node	*n = node_new(p, N_CALL, pos), *e;
	size_t		 i;
	int		 nargs = 0, k;
	enum argt	 want;
	enum sim_promql_type wt;

	for (i = 0; i < nitems(funcs); i++) {
		if (strcmp(funcs[i].name, name) == 0)
			break;
	}
	if (i == nitems(funcs)) {
		size_t	 j;

		for (j = 0; j < nitems(unsupported); j++) {
			if (strcmp(unsupported[j], name) == 0) {
				lex_error(&p->lx, pos, "function \"%s\" is "
				    "not supported by bbbctl-sim", name);
				return (NULL);
			}
		}
		lex_error(&p->lx, pos, "unknown function with name \"%s\"",
		    name);
		return (NULL);
	}
	n->func = (int)i;
	n->type = funcs[i].ret;
	lex_next(&p->lx);	/* ( */
	while (p->lx.tok != T_RPAREN) {
		p->depth++;
		e = parse_expr(p, 0);
		p->depth--;
		if (e == NULL)
			return (NULL);
		if (nargs < 2)
			n->args[nargs] = e;
		nargs++;
		if (p->lx.tok == T_COMMA)
			lex_next(&p->lx);
		else if (p->lx.tok != T_RPAREN) {
			perr_unexpected(p, "function call",
			    "\",\" or \")\"");
			return (NULL);
		}
	}
	lex_next(&p->lx);
	if (nargs > funcs[i].nargs ||
	    nargs < funcs[i].nargs - funcs[i].optargs) {
		lex_error(&p->lx, pos, "expected %d argument(s) in call to "
		    "\"%s\", got %d", funcs[i].nargs, name, nargs);
		return (NULL);
	}
	n->nargs = nargs;
	for (k = 0; k < nargs; k++) {
		want = funcs[i].args[k];
		wt = want == A_SCALAR ? SIM_PROMQL_SCALAR :
		    want == A_MATRIX ? SIM_PROMQL_MATRIX : SIM_PROMQL_VECTOR;
		if (n->args[k]->type != wt) {
			lex_error(&p->lx, n->args[k]->pos, "expected type %s "
			    "in call to function \"%s\", got %s",
			    type_name(wt), name, type_name(n->args[k]->type));
			return (NULL);
		}
	}
	return (n);
}

static bool
is_aggop(const char *s, enum aggop *op)
{
	size_t	 i;

	for (i = 0; i < nitems(aggops); i++) {
		if (strcasecmp(s, aggops[i]) == 0) {
			*op = (enum aggop)i;
			return (true);
		}
	}
	return (false);
}

static struct node *
parse_primary(struct parser *p)
{
	struct node	*n;
	size_t		 pos = p->lx.start;
	char		*id;
	enum aggop	 op;

	switch (p->lx.tok) {
	case T_NUM:
		n = node_new(p, N_NUM, pos);
		n->num = p->lx.num;
		n->type = SIM_PROMQL_SCALAR;
		lex_next(&p->lx);
		return (n);
	case T_STR:
		n = node_new(p, N_STR, pos);
		n->str = p->lx.str;
		n->type = SIM_PROMQL_STRING;
		lex_next(&p->lx);
		return (n);
	case T_LPAREN:
		lex_next(&p->lx);
		n = node_new(p, N_PAREN, pos);
		p->depth++;
		n->args[0] = parse_expr(p, 0);
		p->depth--;
		if (n->args[0] == NULL)
			return (NULL);
		if (p->lx.tok != T_RPAREN) {
			if (p->lx.tok == T_EOF)
				lex_error(&p->lx, p->lx.start, "unclosed "
				    "left parenthesis");
			else
				perr_unexpected(p, "paren expression",
				    NULL);
			return (NULL);
		}
		lex_next(&p->lx);
		n->type = n->args[0]->type;
		return (n);
	case T_LBRACE:
		return (parse_selector(p, NULL, pos));
	case T_IDENT:
		id = p->lx.str;
		if (strcasecmp(id, "inf") == 0 || strcasecmp(id, "nan") == 0) {
			n = node_new(p, N_NUM, pos);
			n->num = strcasecmp(id, "inf") == 0 ? INFINITY : NAN;
			n->type = SIM_PROMQL_SCALAR;
			lex_next(&p->lx);
			return (n);
		}
		lex_next(&p->lx);
		if (is_aggop(id, &op) && (p->lx.tok == T_LPAREN ||
		    (p->lx.tok == T_IDENT && (strcasecmp(p->lx.str,
		    "by") == 0 || strcasecmp(p->lx.str, "without") == 0))))
			return (parse_aggregation(p, op, pos));
		if (p->lx.tok == T_LPAREN)
			return (parse_call(p, id, pos));
		if (strchr("bB", id[0]) != NULL && strcasecmp(id, "bool") ==
		    0) {
			lex_error(&p->lx, pos, "unexpected <bool>");
			return (NULL);
		}
		return (parse_selector(p, id, pos));
	case T_EOF:
		if (p->lx.src[strspn(p->lx.src, " \t\r\n")] == '\0')
			lex_error(&p->lx, 0, "no expression found in input");
		else if (p->depth > 0)
			lex_error(&p->lx, p->lx.start, "unclosed left "
			    "parenthesis");
		else
			lex_error(&p->lx, p->lx.start, "unexpected end of "
			    "input");
		return (NULL);
	default:
		perr_unexpected(p, NULL, NULL);
		return (NULL);
	}
}

static struct node *
parse_postfix(struct parser *p)
{
	struct node	*n = parse_primary(p);
	int64_t		 d;

	if (n == NULL)
		return (NULL);
	if (p->lx.tok == T_LBRACK) {
		size_t	 bpos = p->lx.start, dpos;

		lex_next(&p->lx);
		dpos = p->lx.start;
		if (p->lx.tok != T_DUR) {
			if (p->lx.tok == T_NUM)
				lex_error(&p->lx, p->lx.start, "bad duration "
				    "syntax: \"%.*s\"", (int)p->lx.len,
				    p->lx.src + p->lx.start);
			else
				perr_unexpected(p, "range selector",
				    "duration");
			return (NULL);
		}
		d = p->lx.dur_ms;
		lex_next(&p->lx);
		if (p->lx.tok == T_COLON || (p->lx.tok == T_IDENT &&
		    p->lx.str[0] == ':')) {
			lex_error(&p->lx, p->lx.start, "subqueries are not "
			    "supported by bbbctl-sim");
			return (NULL);
		}
		if (p->lx.tok != T_RBRACK) {
			perr_unexpected(p, "range selector", "\"]\"");
			return (NULL);
		}
		lex_next(&p->lx);
		if (n->kind != N_SEL || n->range_ms != 0 ||
		    n->offset_ms != 0) {
			lex_error(&p->lx, bpos, "ranges only allowed for "
			    "vector selectors");
			return (NULL);
		}
		if (d == 0) {
			lex_error(&p->lx, dpos, "duration must be greater "
			    "than 0");
			return (NULL);
		}
		n->range_ms = d;
		n->type = SIM_PROMQL_MATRIX;
	}
	if (p->lx.tok == T_IDENT && strcasecmp(p->lx.str, "offset") == 0) {
		lex_next(&p->lx);
		d = 1;
		if (p->lx.tok == T_SUB) {
			d = -1;
			lex_next(&p->lx);
		}
		if (p->lx.tok != T_DUR) {
			perr_unexpected(p, "offset", "duration");
			return (NULL);
		}
		if (n->kind != N_SEL || n->offset_ms != 0) {
			lex_error(&p->lx, n->pos, "offset modifier must be "
			    "preceded by an instant vector selector or range "
			    "vector selector");
			return (NULL);
		}
		n->offset_ms = d * p->lx.dur_ms;
		lex_next(&p->lx);
	}
	return (n);
}

static struct node *
parse_unary(struct parser *p)
{
	struct node	*n, *e;
	size_t		 pos = p->lx.start;
	bool		 neg;

	if (p->lx.tok == T_SUB || p->lx.tok == T_ADD) {
		neg = p->lx.tok == T_SUB;
		lex_next(&p->lx);
		/* -a^b is -(a^b): unary binds less than ^. */
		e = parse_expr(p, 6);
		if (e == NULL)
			return (NULL);
		if (e->type != SIM_PROMQL_SCALAR &&
		    e->type != SIM_PROMQL_VECTOR) {
			lex_error(&p->lx, pos, "unary expression only allowed "
			    "on expressions of type scalar or instant vector, "
			    "got %s", type_name(e->type));
			return (NULL);
		}
		if (!neg)
			return (e);
		if (e->kind == N_NUM) {
			e->num = -e->num;
			return (e);
		}
		n = node_new(p, N_NEG, pos);
		n->args[0] = e;
		n->type = e->type;
		return (n);
	}
	return (parse_postfix(p));
}

static int
binop_prec(enum tok t)
{
	switch (t) {
	case T_OR:
		return (1);
	case T_AND: case T_UNLESS:
		return (2);
	case T_EQLC: case T_NEQ: case T_LSS: case T_LTE: case T_GTR:
	case T_GTE:
		return (3);
	case T_ADD: case T_SUB:
		return (4);
	case T_MUL: case T_DIV: case T_MOD:
		return (5);
	case T_POW:
		return (6);
	default:
		return (-1);
	}
}

static bool
is_comparison(enum tok t)
{
	return (t == T_EQLC || t == T_NEQ || t == T_LSS || t == T_LTE ||
	    t == T_GTR || t == T_GTE);
}

static bool
is_setop(enum tok t)
{
	return (t == T_AND || t == T_OR || t == T_UNLESS);
}

static struct node *parse_expr_nested(struct parser *, int);

static struct node *
parse_expr(struct parser *p, int minprec)
{
	struct node	*n;

	if (p->nest >= PARSE_MAX_NEST) {
		lex_error(&p->lx, p->lx.start, "expression nested too deeply "
		    "(more than %d levels)", PARSE_MAX_NEST);
		return (NULL);
	}
	p->nest++;
	n = parse_expr_nested(p, minprec);
	p->nest--;
	return (n);
}

static struct node *
parse_expr_nested(struct parser *p, int minprec)
{
	struct node	*lhs, *rhs, *n;
	enum tok	 op;
	int		 prec;
	size_t		 pos;

	lhs = parse_unary(p);
	if (lhs == NULL)
		return (NULL);
	for (;;) {
		op = p->lx.tok;
		prec = binop_prec(op);
		if (prec < 0 || prec < minprec)
			break;
		pos = p->lx.start;
		lex_next(&p->lx);
		n = node_new(p, N_BIN, pos);
		n->op = op;
		if (p->lx.tok == T_IDENT && strcasecmp(p->lx.str, "bool") ==
		    0) {
			if (!is_comparison(op)) {
				lex_error(&p->lx, p->lx.start, "bool modifier "
				    "can only be used on comparison "
				    "operators");
				return (NULL);
			}
			n->retbool = true;
			lex_next(&p->lx);
		}
		if (p->lx.tok == T_IDENT && (strcasecmp(p->lx.str, "on") ==
		    0 || strcasecmp(p->lx.str, "ignoring") == 0)) {
			n->matching = true;
			n->on = strcasecmp(p->lx.str, "on") == 0;
			lex_next(&p->lx);
			if (parse_label_list(p, &n->mlabels, &n->nmlabels) !=
			    0)
				return (NULL);
			if (p->lx.tok == T_IDENT && (strcasecmp(p->lx.str,
			    "group_left") == 0 || strcasecmp(p->lx.str,
			    "group_right") == 0)) {
				lex_error(&p->lx, p->lx.start, "%s is not "
				    "supported by bbbctl-sim", p->lx.str);
				return (NULL);
			}
		}
		rhs = parse_expr(p, op == T_POW ? prec : prec + 1);
		if (rhs == NULL)
			return (NULL);
		n->lhs = lhs;
		n->rhs = rhs;
		if ((lhs->type != SIM_PROMQL_SCALAR &&
		    lhs->type != SIM_PROMQL_VECTOR) ||
		    (rhs->type != SIM_PROMQL_SCALAR &&
		    rhs->type != SIM_PROMQL_VECTOR)) {
			lex_error(&p->lx, lhs->pos, "binary expression must "
			    "contain only scalar and instant vector types");
			return (NULL);
		}
		if (is_setop(op) && (lhs->type != SIM_PROMQL_VECTOR ||
		    rhs->type != SIM_PROMQL_VECTOR)) {
			lex_error(&p->lx, lhs->pos, "set operator \"%s\" not "
			    "allowed in binary scalar expression",
			    op == T_AND ? "and" : op == T_OR ? "or" :
			    "unless");
			return (NULL);
		}
		if (is_comparison(op) && !n->retbool &&
		    lhs->type == SIM_PROMQL_SCALAR &&
		    rhs->type == SIM_PROMQL_SCALAR) {
			lex_error(&p->lx, pos, "comparisons between "
			    "scalars must use BOOL modifier");
			return (NULL);
		}
		if (n->matching && (lhs->type != SIM_PROMQL_VECTOR ||
		    rhs->type != SIM_PROMQL_VECTOR)) {
			lex_error(&p->lx, lhs->pos, "vector matching only "
			    "allowed between instant vectors");
			return (NULL);
		}
		n->type = (lhs->type == SIM_PROMQL_SCALAR &&
		    rhs->type == SIM_PROMQL_SCALAR) ? SIM_PROMQL_SCALAR :
		    SIM_PROMQL_VECTOR;
		lhs = n;
	}
	return (lhs);
}

struct sim_promql *
sim_promql_parse(const char *src, char **cause)
{
	struct parser	 p;
	struct node	*n;

	memset(&p, 0, sizeof p);
	p.q = xcalloc(1, sizeof *p.q);
	p.lx.src = src;
	p.lx.ar = &p.q->ar;
	p.lx.tok = T_EOF;
	lex_next(&p.lx);
	n = parse_expr(&p, 0);
	if (n != NULL && p.lx.tok != T_EOF) {
		char	 b[128];

		if (p.lx.tok == T_RPAREN)
			lex_error(&p.lx, p.lx.start + 1, "unexpected right "
			    "parenthesis ')'");
		else
			lex_error(&p.lx, p.lx.start, "unexpected %s",
			    tok_desc(&p.lx, b, sizeof b));
		n = NULL;
	}
	if (n == NULL || p.lx.err != NULL) {
		*cause = p.lx.err != NULL ? p.lx.err :
		    xstrdup("1:1: parse error: unexpected input");
		sim_promql_free(p.q);
		return (NULL);
	}
	p.q->root = n;
	return (p.q);
}

void
sim_promql_free(struct sim_promql *q)
{
	size_t	 i;

	if (q == NULL)
		return;
	for (i = 0; i < q->nres; i++) {
		regfree(q->res[i]);
		free(q->res[i]);
	}
	free(q->res);
	ar_free(&q->ar);
	free(q);
}

enum sim_promql_type
sim_promql_type(const struct sim_promql *q)
{
	return (q->root->type);
}

/* ---------------------------------------------------------------------- */
/* Values. */

struct label {
	const char	*name;
	const char	*value;
};

struct labels {
	struct label	*l;		/* sorted by name */
	size_t		 n;
};

struct point {
	int64_t		 t;
	double		 v;
};

struct elem {				/* of an instant vector */
	struct labels	 ls;
	double		 v;
};

struct series {				/* of a range vector */
	struct labels	 ls;
	struct point	*p;
	size_t		 n;
	size_t		 cap;
};

struct value {
	enum sim_promql_type type;
	double		 scalar;
	const char	*str;
	struct elem	*vec;
	size_t		 nvec;
	struct series	*mat;
	size_t		 nmat;
};

struct eval {
	struct arena	 ar;
	struct sim_pstore *store;
	int64_t		 t;
	char		*err;
	size_t		 samples;	/* loaded, for the limit */
	int		 depth;
	/* range selectors: only the last n samples are needed (irate) */
	size_t		 last_n;
	int64_t		 deadline;	/* util_mono_ms() */
	bool		 timeout;
};

#define EVAL_MAX_SAMPLES	50000000
#define EVAL_TIMEOUT_MS		10000

static int
label_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct label *)a)->name,
	    ((const struct label *)b)->name));
}

static const char *
labels_get(const struct labels *ls, const char *name)
{
	size_t	 i;

	for (i = 0; i < ls->n; i++) {
		if (strcmp(ls->l[i].name, name) == 0)
			return (ls->l[i].value);
	}
	return (NULL);
}

/* Canonical text of a label set (for matching and sorting). */
static char *
labels_sig(struct eval *ev, const struct labels *ls)
{
	char		*s, *p;
	size_t		 i, len = 1, n;

	for (i = 0; i < ls->n; i++)
		len += strlen(ls->l[i].name) + strlen(ls->l[i].value) + 2;
	p = s = ar_alloc(&ev->ar, len);
	for (i = 0; i < ls->n; i++) {
		n = strlen(ls->l[i].name);
		memcpy(p, ls->l[i].name, n);
		p += n;
		*p++ = '\x01';
		n = strlen(ls->l[i].value);
		memcpy(p, ls->l[i].value, n);
		p += n;
		*p++ = '\x02';
	}
	*p = '\0';
	return (s);
}

/* Copy of ls, keeping (keep=true) or dropping the named labels. */
static struct labels
labels_filter(struct eval *ev, const struct labels *ls, char **names,
    size_t nnames, bool keep, bool dropname)
{
	struct labels	 out;
	size_t		 i, j;
	bool		 listed;

	out.l = ar_alloc(&ev->ar, (ls->n + 1) * sizeof *out.l);
	out.n = 0;
	for (i = 0; i < ls->n; i++) {
		listed = false;
		for (j = 0; j < nnames; j++) {
			if (strcmp(names[j], ls->l[i].name) == 0)
				listed = true;
		}
		if (dropname && strcmp(ls->l[i].name, "__name__") == 0)
			continue;
		if (listed != keep)
			continue;
		out.l[out.n++] = ls->l[i];
	}
	return (out);
}

static struct labels
labels_drop_name(struct eval *ev, const struct labels *ls)
{
	return (labels_filter(ev, ls, NULL, 0, false, true));
}

static bool
matcher_ok(const struct matcher *m, const char *v)
{
	if (v == NULL)
		v = "";
	switch (m->op) {
	case M_EQ:
		return (strcmp(v, m->value) == 0);
	case M_NE:
		return (strcmp(v, m->value) != 0);
	case M_RE:
		return (regexec(m->re, v, 0, NULL, 0) == 0);
	default:
		return (regexec(m->re, v, 0, NULL, 0) != 0);
	}
}

/* ---------------------------------------------------------------------- */
/* Selectors. */

struct collect {
	struct eval	*ev;
	const struct node *sel;
	const char	*instance;
	const char	*job;
	int64_t		 t;		/* of the view */
	bool		 range;
	/* instant: elements; range: the target's series */
	struct elem	*vec;
	size_t		 nvec;
	size_t		 capvec;
	struct series	*mat;
	size_t		 nmat;
	size_t		 capmat;
	size_t		 first;		/* target's first series */
	size_t		 vidx;		/* samples matched in this view */
	const char	*name_eq;	/* the selector's __name__="..." */
	bool		 skip;		/* this family cannot match */
	const struct label *extra;	/* sample's labels */
	const struct sim_mlabel *sl;
	size_t		 nsl;
};

static const char *
collect_label(const struct collect *c, const char *metric, const char *name)
{
	size_t	 i;

	if (strcmp(name, "__name__") == 0)
		return (metric);
	if (strcmp(name, "instance") == 0)
		return (c->instance);
	if (strcmp(name, "job") == 0)
		return (c->job);
	for (i = 0; i < c->nsl; i++) {
		if (strcmp(c->sl[i].name, name) == 0)
			return (c->sl[i].value);
	}
	return (NULL);
}

static void
collect_family_cb(void *arg, const char *name, enum sim_mtype type,
    const char *help)
{
	struct collect	*c = arg;

	(void)type;
	(void)help;
	/* Samples of a family are named after it (+ _bucket, _sum ...). */
	c->skip = c->name_eq != NULL &&
	    strncmp(c->name_eq, name, strlen(name)) != 0;
}

/* Is s the series of metric with the current sample's labels? */
static bool
series_is(const struct series *s, const struct collect *c,
    const char *metric, size_t nls)
{
	const char	*sv;
	size_t		 i;

	if (s->ls.n != nls)
		return (false);
	sv = labels_get(&s->ls, "__name__");
	if (sv == NULL || strcmp(sv, metric) != 0)
		return (false);
	for (i = 0; i < c->nsl; i++) {
		sv = labels_get(&s->ls, c->sl[i].name);
		if (sv == NULL || strcmp(sv, c->sl[i].value) != 0)
			return (false);
	}
	return (true);
}

static void
collect_add(struct collect *c, const char *metric, double v)
{
	struct eval	*ev = c->ev;
	struct labels	 ls;
	struct series	*s;
	size_t		 i, k;

	ls.n = 0;
	ls.l = ar_alloc(&ev->ar, (c->nsl + 3) * sizeof *ls.l);
	ls.l[ls.n].name = "__name__";
	ls.l[ls.n++].value = metric;
	ls.l[ls.n].name = "instance";
	ls.l[ls.n++].value = c->instance;
	ls.l[ls.n].name = "job";
	ls.l[ls.n++].value = c->job;
	for (i = 0; i < c->nsl; i++) {
		ls.l[ls.n].name = c->sl[i].name;
		ls.l[ls.n++].value = c->sl[i].value;
	}
	ev->samples++;
	if (!c->range) {
		for (i = 0; i < ls.n; i++) {
			ls.l[i].name = ar_strdup(&ev->ar, ls.l[i].name);
			ls.l[i].value = ar_strdup(&ev->ar, ls.l[i].value);
		}
		qsort(ls.l, ls.n, sizeof *ls.l, label_cmp);
		c->vec = ar_grow(&ev->ar, c->vec, c->nvec, &c->capvec,
		    sizeof *c->vec);
		c->vec[c->nvec].ls = ls;
		c->vec[c->nvec++].v = v;
		return;
	}
	/*
	 * Find this series among the target's.  Every view prints its
	 * series in the same order: the n-th sample matched in this view
	 * is most likely the target's n-th series.
	 */
	k = c->first + c->vidx++;
	if (k >= c->nmat || !series_is(&c->mat[k], c, metric, ls.n)) {
		for (k = c->first; k < c->nmat; k++) {
			if (series_is(&c->mat[k], c, metric, ls.n))
				break;
		}
	}
	if (k == c->nmat) {
		for (i = 0; i < ls.n; i++) {
			ls.l[i].name = ar_strdup(&ev->ar, ls.l[i].name);
			ls.l[i].value = ar_strdup(&ev->ar, ls.l[i].value);
		}
		qsort(ls.l, ls.n, sizeof *ls.l, label_cmp);
		c->mat = ar_grow(&ev->ar, c->mat, c->nmat, &c->capmat,
		    sizeof *c->mat);
		s = &c->mat[c->nmat++];
		memset(s, 0, sizeof *s);
		s->ls = ls;
	}
	s = &c->mat[k];
	s->p = ar_grow(&ev->ar, s->p, s->n, &s->cap, sizeof *s->p);
	s->p[s->n].t = c->t;
	s->p[s->n++].v = v;
}

static void
collect_sample_cb(void *arg, const char *name, const struct sim_mlabel *l,
    size_t n, double v)
{
	struct collect	*c = arg;
	size_t		 i;

	if (c->skip)
		return;
	c->sl = l;
	c->nsl = n;
	for (i = 0; i < c->sel->nm; i++) {
		if (!matcher_ok(&c->sel->m[i], collect_label(c, name,
		    c->sel->m[i].name)))
			return;
	}
	collect_add(c, name, v);
}

/* Could a selector match metric "up" at all? */
static void
collect_up(struct collect *c, double v)
{
	c->skip = false;
	collect_sample_cb(c, "up", NULL, 0, v);
}

/*
 * Can exporter e have a series this selector matches?  Only a shortcut:
 * the name and job matchers decide, everything else says yes.
 */
static bool
exporter_may_match(const struct node *sel, int e)
{
	static const struct {
		const char	*prefix;
		unsigned	 mask;
	} pfx[] = {
		{ "node_", 1 << SIM_EXP_NODE },
		{ "go_", 1 << SIM_EXP_NODE },
		{ "namedprocess_", 1 << SIM_EXP_PROCESS },
		{ "bbb_", 1 << SIM_EXP_BBB },
		{ "python_", 1 << SIM_EXP_BBB },
		{ "process_", (1 << SIM_EXP_NODE) | (1 << SIM_EXP_BBB) },
	};
	const struct matcher	*m;
	size_t			 i, k;

	for (i = 0; i < sel->nm; i++) {
		m = &sel->m[i];
		if (m->op != M_EQ)
			continue;
		if (strcmp(m->name, "job") == 0 &&
		    strcmp(m->value, sim_exporter_job[e]) != 0)
			return (false);
		if (strcmp(m->name, "__name__") != 0 ||
		    strcmp(m->value, "up") == 0)
			continue;
		for (k = 0; k < nitems(pfx); k++) {
			if (strncmp(m->value, pfx[k].prefix,
			    strlen(pfx[k].prefix)) == 0)
				return ((pfx[k].mask & (1u << e)) != 0);
		}
		return (false);	/* no exporter prints it */
	}
	return (true);
}

static int
eval_selector(struct eval *ev, const struct node *sel, struct value *out)
{
	struct sim_pstore	*st = ev->store;
	struct pstore_node	*pn;
	const struct pview	*vw, *last;
	struct sim_mview	 uv;
	struct sim_memit	 em;
	struct collect		 c;
	char			 inst[96];
	int64_t			 t = ev->t - sel->offset_ms, from;
	size_t			 i, k, taken;
	int			 e;
	bool			 upsel = true, up, onlyup;

	/* Could it match "up" (a sample in every view)? */
	memset(&c, 0, sizeof c);
	onlyup = false;
	for (i = 0; i < sel->nm; i++) {
		if (strcmp(sel->m[i].name, "__name__") != 0)
			continue;
		if (!matcher_ok(&sel->m[i], "up"))
			upsel = false;
		if (sel->m[i].op == M_EQ)
			c.name_eq = sel->m[i].value;
	}
	/* up comes from the scrape, not from the exporters' samples */
	if (c.name_eq != NULL && strcmp(c.name_eq, "up") == 0)
		onlyup = true;
	c.ev = ev;
	c.sel = sel;
	c.range = sel->range_ms > 0;
	em.family_cb = collect_family_cb;
	em.sample_cb = collect_sample_cb;
	em.arg = &c;
	from = c.range ? t - sel->range_ms : t - SIM_PROMQL_LOOKBACK_MS;

	for (i = 0; i < st->nnodes; i++) {
		if (util_mono_ms() > ev->deadline) {
			ev->timeout = true;
			ev->err = xstrdup("query timed out in expression "
			    "evaluation");
			return (-1);
		}
		pn = &st->nodes[i];
		for (e = 0; e < SIM_NEXPORTERS; e++) {
			if (!exporter_may_match(sel, e))
				continue;
			snprintf(inst, sizeof inst, "%s:%d", pn->name,
			    sim_exporter_port[e]);
			c.instance = inst;
			c.job = sim_exporter_job[e];
			c.first = c.nmat;
			last = NULL;
			taken = 0;
			for (k = pn->count; k > 0; k--) {
				vw = pstore_at(pn, k - 1);
				if (vw->t_ms > t)
					continue;
				if (!c.range) {
					if (vw->t_ms >= from)
						last = vw;
					break;
				}
				if (vw->t_ms < from)
					break;
				if (ev->last_n > 0 && !upsel &&
				    (vw->flags & PV_EXPORTER_UP) != 0 &&
				    ++taken >= ev->last_n) {
					/* enough: the last n in the window */
					k--;
					break;
				}
			}
			if (!c.range) {
				if (last == NULL)
					continue;
				c.t = t;
				up = (last->flags & PV_EXPORTER_UP) != 0;
				collect_up(&c, up ? 1 : 0);
				if (up && !onlyup) {
					pview_unpack(&uv, last);
					sim_metrics_gen(&uv, pn->name, e, &em);
				}
			} else {
				for (; k < pn->count; k++) {
					vw = pstore_at(pn, k);
					if (vw->t_ms > t)
						break;
					if (vw->t_ms < from)
						continue;
					c.t = vw->t_ms;
					c.vidx = 0;
					up = (vw->flags & PV_EXPORTER_UP) != 0;
					collect_up(&c, up ? 1 : 0);
					if (!up || onlyup)
						continue;
					pview_unpack(&uv, vw);
					sim_metrics_gen(&uv, pn->name, e, &em);
				}
			}
			if (ev->samples > EVAL_MAX_SAMPLES) {
				ev->err = xstrdup("query processing would "
				    "load too many samples into memory in "
				    "query execution");
				return (-1);
			}
		}
	}
	memset(out, 0, sizeof *out);
	if (c.range) {
		out->type = SIM_PROMQL_MATRIX;
		out->mat = c.mat;
		out->nmat = c.nmat;
	} else {
		out->type = SIM_PROMQL_VECTOR;
		out->vec = c.vec;
		out->nvec = c.nvec;
	}
	return (0);
}

/* ---------------------------------------------------------------------- */
/* Functions. */

static bool
range_fn(const struct series *s, enum func f, int64_t t, int64_t range,
    double *out)
{
	const struct point	*p = s->p;
	size_t			 n = s->n, i;
	double			 r, last, dstart, dend, interval, avgdur;
	double			 thr, ext, zero;
	bool			 counter = f == F_RATE || f == F_INCREASE;

	switch (f) {
	case F_RATE: case F_INCREASE: case F_DELTA:
		if (n < 2)
			return (false);
		r = p[n - 1].v - p[0].v;
		if (counter) {
			last = 0;
			for (i = 0; i < n; i++) {
				if (p[i].v < last)
					r += last;
				last = p[i].v;
			}
		}
		dstart = (double)(p[0].t - (t - range)) / 1000;
		dend = (double)(t - p[n - 1].t) / 1000;
		interval = (double)(p[n - 1].t - p[0].t) / 1000;
		avgdur = interval / (double)(n - 1);
		if (counter && r > 0 && p[0].v >= 0) {
			zero = interval * (p[0].v / r);
			if (zero < dstart)
				dstart = zero;
		}
		thr = avgdur * 1.1;
		ext = interval;
		ext += dstart < thr ? dstart : avgdur / 2;
		ext += dend < thr ? dend : avgdur / 2;
		r = r * (ext / interval);
		if (f == F_RATE)
			r /= (double)range / 1000;
		*out = r;
		return (true);
	case F_IRATE: case F_IDELTA:
		if (n < 2)
			return (false);
		if (f == F_IRATE && p[n - 1].v < p[n - 2].v)
			r = p[n - 1].v;
		else
			r = p[n - 1].v - p[n - 2].v;
		if (p[n - 1].t == p[n - 2].t)
			return (false);
		if (f == F_IRATE)
			r /= (double)(p[n - 1].t - p[n - 2].t) / 1000;
		*out = r;
		return (true);
	default:
		break;
	}
	if (n == 0)
		return (false);
	r = p[0].v;
	for (i = 1; i < n; i++) {
		switch (f) {
		case F_MIN_OT:
			if (p[i].v < r || isnan(r))
				r = p[i].v;
			break;
		case F_MAX_OT:
			if (p[i].v > r || isnan(r))
				r = p[i].v;
			break;
		case F_AVG_OT: case F_SUM_OT:
			r += p[i].v;
			break;
		default:
			r = p[i].v;
			break;
		}
	}
	if (f == F_AVG_OT)
		r /= (double)n;
	else if (f == F_COUNT_OT)
		r = (double)n;
	*out = r;
	return (true);
}

static int	eval_node(struct eval *, const struct node *, struct value *);

static int
eval_call(struct eval *ev, const struct node *n, struct value *out)
{
	enum func	 f = funcs[n->func].f;
	struct value	 a, b;
	size_t		 i;
	double		 v, s = 0;

	memset(out, 0, sizeof *out);
	out->type = funcs[n->func].ret;
	if (f == F_TIME) {
		out->scalar = (double)ev->t / 1000;
		return (0);
	}
	if (f == F_IRATE || f == F_IDELTA)
		ev->last_n = 2;
	if (eval_node(ev, n->args[0], &a) != 0) {
		ev->last_n = 0;
		return (-1);
	}
	ev->last_n = 0;
	if (n->nargs > 1) {
		if (eval_node(ev, n->args[1], &b) != 0)
			return (-1);
		s = b.scalar;
	}
	if (f == F_VECTOR) {
		out->vec = ar_alloc(&ev->ar, sizeof *out->vec);
		out->nvec = 1;
		out->vec[0].v = a.scalar;
		return (0);
	}
	if (f == F_SCALAR) {
		out->scalar = a.nvec == 1 ? a.vec[0].v : NAN;
		return (0);
	}
	if (a.type == SIM_PROMQL_MATRIX) {
		out->vec = ar_alloc(&ev->ar, (a.nmat + 1) * sizeof *out->vec);
		for (i = 0; i < a.nmat; i++) {
			if (!range_fn(&a.mat[i], f, ev->t -
			    n->args[0]->offset_ms, n->args[0]->range_ms, &v))
				continue;
			out->vec[out->nvec].ls = labels_drop_name(ev,
			    &a.mat[i].ls);
			out->vec[out->nvec++].v = v;
		}
		return (0);
	}
	out->vec = ar_alloc(&ev->ar, (a.nvec + 1) * sizeof *out->vec);
	for (i = 0; i < a.nvec; i++) {
		v = a.vec[i].v;
		switch (f) {
		case F_ABS: v = fabs(v); break;
		case F_CEIL: v = ceil(v); break;
		case F_FLOOR: v = floor(v); break;
		case F_SQRT: v = sqrt(v); break;
		case F_EXP: v = exp(v); break;
		case F_LN: v = log(v); break;
		case F_CLAMP_MIN: v = v < s ? s : v; break;
		case F_CLAMP_MAX: v = v > s ? s : v; break;
		case F_ROUND:
			if (n->nargs > 1 && s != 0)
				v = floor(v * (1 / s) + 0.5) / (1 / s);
			else
				v = floor(v + 0.5);
			break;
		default:
			break;
		}
		out->vec[out->nvec].ls = labels_drop_name(ev, &a.vec[i].ls);
		out->vec[out->nvec++].v = v;
	}
	return (0);
}

/* ---------------------------------------------------------------------- */
/* Aggregations. */

static uint64_t
sig_hash(const char *s)
{
	uint64_t	 h = 14695981039346656037ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (h);
}

struct group {
	char		*sig;
	struct labels	 ls;
	double		 v;
	double		 mean;
	double		 count;
};

static int
eval_agg(struct eval *ev, const struct node *n, struct value *out)
{
	struct value	 a;
	struct group	*g = NULL;
	size_t		 ng = 0, cap = 0, i, k, h, *tab, tsize;
	struct labels	 ls;
	char		*sig;
	double		 v;

	if (eval_node(ev, n->args[0], &a) != 0)
		return (-1);
	/* Groups found by a hash of their signature; slots hold index + 1. */
	for (tsize = 16; tsize < a.nvec * 2; tsize *= 2)
		;
	tab = ar_alloc(&ev->ar, tsize * sizeof *tab);
	for (i = 0; i < a.nvec; i++) {
		if (n->without)
			ls = labels_filter(ev, &a.vec[i].ls, n->grouping,
			    n->ngrouping, false, true);
		else
			ls = labels_filter(ev, &a.vec[i].ls, n->grouping,
			    n->ngrouping, true, false);
		sig = labels_sig(ev, &ls);
		h = sig_hash(sig) & (tsize - 1);
		while (tab[h] != 0 && strcmp(g[tab[h] - 1].sig, sig) != 0)
			h = (h + 1) & (tsize - 1);
		k = tab[h] != 0 ? tab[h] - 1 : ng;
		v = a.vec[i].v;
		if (k == ng) {
			tab[h] = ng + 1;
			g = ar_grow(&ev->ar, g, ng, &cap, sizeof *g);
			g[ng].sig = sig;
			g[ng].ls = ls;
			g[ng].v = v;
			g[ng].mean = v;
			g[ng].count = 1;
			ng++;
			continue;
		}
		g[k].count++;
		switch (n->aggop) {
		case AG_SUM:
			g[k].v += v;
			break;
		case AG_AVG:
			if (isinf(g[k].mean) && isinf(v) &&
			    (g[k].mean > 0) == (v > 0))
				break;
			g[k].mean += v / g[k].count - g[k].mean /
			    g[k].count;
			break;
		case AG_MIN:
			if (g[k].v > v || isnan(g[k].v))
				g[k].v = v;
			break;
		case AG_MAX:
			if (g[k].v < v || isnan(g[k].v))
				g[k].v = v;
			break;
		default:
			break;
		}
	}
	memset(out, 0, sizeof *out);
	out->type = SIM_PROMQL_VECTOR;
	out->vec = ar_alloc(&ev->ar, (ng + 1) * sizeof *out->vec);
	for (k = 0; k < ng; k++) {
		out->vec[k].ls = g[k].ls;
		if (n->aggop == AG_AVG)
			out->vec[k].v = g[k].mean;
		else if (n->aggop == AG_COUNT)
			out->vec[k].v = g[k].count;
		else
			out->vec[k].v = g[k].v;
	}
	out->nvec = ng;
	return (0);
}

/* ---------------------------------------------------------------------- */
/* Binary operators. */

static bool
binop_apply(enum tok op, double l, double r, double *out)
{
	switch (op) {
	case T_ADD: *out = l + r; return (true);
	case T_SUB: *out = l - r; return (true);
	case T_MUL: *out = l * r; return (true);
	case T_DIV: *out = l / r; return (true);
	case T_MOD: *out = fmod(l, r); return (true);
	case T_POW: *out = pow(l, r); return (true);
	case T_EQLC: *out = l; return (l == r);
	case T_NEQ: *out = l; return (l != r);
	case T_LSS: *out = l; return (l < r);
	case T_LTE: *out = l; return (l <= r);
	case T_GTR: *out = l; return (l > r);
	case T_GTE: *out = l; return (l >= r);
	default: *out = 0; return (false);
	}
}

static char *
match_sig(struct eval *ev, const struct node *n, const struct labels *ls)
{
	struct labels	 m;

	if (n->matching && n->on)
		m = labels_filter(ev, ls, n->mlabels, n->nmlabels, true,
		    true);
	else
		m = labels_filter(ev, ls, n->mlabels, n->nmlabels, false,
		    true);
	return (labels_sig(ev, &m));
}

struct sigidx {
	char		*sig;
	size_t		 i;
};

static int
sigidx_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct sigidx *)a)->sig,
	    ((const struct sigidx *)b)->sig));
}

static struct sigidx *
sig_index(struct eval *ev, const struct node *n, const struct value *v)
{
	struct sigidx	*ix;
	size_t		 i;

	ix = ar_alloc(&ev->ar, (v->nvec + 1) * sizeof *ix);

	for (i = 0; i < v->nvec; i++) {
		ix[i].sig = match_sig(ev, n, &v->vec[i].ls);
		ix[i].i = i;
	}
	qsort(ix, v->nvec, sizeof *ix, sigidx_cmp);
	return (ix);
}

static struct sigidx *
sig_find(struct sigidx *ix, size_t n, char *sig)
{
	struct sigidx	 key = { sig, 0 };

	return (bsearch(&key, ix, n, sizeof *ix, sigidx_cmp));
}

static char *
labels_text(struct eval *ev, const struct labels *ls)
{
	struct buf	 b = { 0 };
	char		*s;
	size_t		 i;

	buf_addc(&b, '{');
	for (i = 0; i < ls->n; i++)
		buf_printf(&b, "%s%s=\"%s\"", i > 0 ? ", " : "",
		    ls->l[i].name, ls->l[i].value);
	buf_addc(&b, '}');
	s = ar_strdup(&ev->ar, b.data);
	buf_free(&b);
	return (s);
}

static int
eval_setop(struct eval *ev, const struct node *n, struct value *l,
    struct value *r, struct value *out)
{
	struct sigidx	*ix;
	size_t		 i, k;
	char		*sig;
	bool		 found;

	memset(out, 0, sizeof *out);
	out->type = SIM_PROMQL_VECTOR;
	out->vec = ar_alloc(&ev->ar, (l->nvec + r->nvec + 1) *
	    sizeof *out->vec);
	ix = sig_index(ev, n, r);
	for (i = 0; i < l->nvec; i++) {
		sig = match_sig(ev, n, &l->vec[i].ls);
		found = sig_find(ix, r->nvec, sig) != NULL;
		if ((n->op == T_AND && found) ||
		    (n->op == T_UNLESS && !found) || n->op == T_OR)
			out->vec[out->nvec++] = l->vec[i];
	}
	if (n->op != T_OR)
		return (0);
	ix = sig_index(ev, n, l);
	for (k = 0; k < r->nvec; k++) {
		sig = match_sig(ev, n, &r->vec[k].ls);
		if (sig_find(ix, l->nvec, sig) == NULL)
			out->vec[out->nvec++] = r->vec[k];
	}
	return (0);
}

static int
eval_binary(struct eval *ev, const struct node *n, struct value *out)
{
	struct value	 l, r, *vv;
	struct sigidx	*ix, *hit;
	size_t		 i, j;
	double		 lv, rv, res;
	bool		 keep, cmp = is_comparison(n->op), scalar_left;
	char		*sig;

	if (eval_node(ev, n->lhs, &l) != 0 || eval_node(ev, n->rhs, &r) != 0)
		return (-1);
	memset(out, 0, sizeof *out);
	if (l.type == SIM_PROMQL_SCALAR && r.type == SIM_PROMQL_SCALAR) {
		out->type = SIM_PROMQL_SCALAR;
		keep = binop_apply(n->op, l.scalar, r.scalar, &res);
		out->scalar = cmp ? (keep ? 1 : 0) : res;
		return (0);
	}
	out->type = SIM_PROMQL_VECTOR;
	if (is_setop(n->op))
		return (eval_setop(ev, n, &l, &r, out));
	if (l.type == SIM_PROMQL_SCALAR || r.type == SIM_PROMQL_SCALAR) {
		scalar_left = l.type == SIM_PROMQL_SCALAR;
		vv = scalar_left ? &r : &l;
		out->vec = ar_alloc(&ev->ar, (vv->nvec + 1) *
		    sizeof *out->vec);
		for (i = 0; i < vv->nvec; i++) {
			lv = scalar_left ? l.scalar : vv->vec[i].v;
			rv = scalar_left ? vv->vec[i].v : r.scalar;
			keep = binop_apply(n->op, lv, rv, &res);
			if (cmp && !n->retbool) {
				if (!keep)
					continue;
				/* The vector's sample is kept. */
				res = vv->vec[i].v;
			} else if (cmp)
				res = keep ? 1 : 0;
			if (!cmp || n->retbool)
				out->vec[out->nvec].ls = labels_drop_name(ev,
				    &vv->vec[i].ls);
			else
				out->vec[out->nvec].ls = vv->vec[i].ls;
			out->vec[out->nvec++].v = res;
		}
		return (0);
	}
	/* Vector to vector, one-to-one. */
	ix = sig_index(ev, n, &r);
	for (j = 1; j < r.nvec; j++) {
		if (strcmp(ix[j].sig, ix[j - 1].sig) == 0) {
			struct labels	 mg;

			if (n->matching && n->on)
				mg = labels_filter(ev, &r.vec[ix[j].i].ls,
				    n->mlabels, n->nmlabels, true, true);
			else
				mg = labels_filter(ev, &r.vec[ix[j].i].ls,
				    n->mlabels, n->nmlabels, false, true);
			ev->err = xasprintf("found duplicate series for the "
			    "match group %s on the right hand-side of the "
			    "operation: [%s, %s];many-to-many matching not "
			    "allowed: matching labels must be unique on one "
			    "side", labels_text(ev, &mg),
			    labels_text(ev, &r.vec[ix[j - 1].i].ls),
			    labels_text(ev, &r.vec[ix[j].i].ls));
			return (-1);
		}
	}
	out->vec = ar_alloc(&ev->ar, (l.nvec + 1) * sizeof *out->vec);
	{
		struct sigidx	*lix = sig_index(ev, n, &l);

		for (j = 1; j < l.nvec; j++) {
			if (strcmp(lix[j].sig, lix[j - 1].sig) == 0 &&
			    sig_find(ix, r.nvec, lix[j].sig) != NULL) {
				ev->err = xasprintf("multiple matches for "
				    "labels: many-to-one matching must be "
				    "explicit (group_left/group_right)");
				return (-1);
			}
		}
	}
	for (i = 0; i < l.nvec; i++) {
		sig = match_sig(ev, n, &l.vec[i].ls);
		hit = sig_find(ix, r.nvec, sig);
		if (hit == NULL)
			continue;
		lv = l.vec[i].v;
		rv = r.vec[hit->i].v;
		keep = binop_apply(n->op, lv, rv, &res);
		if (cmp && !n->retbool && !keep)
			continue;
		if (cmp)
			res = n->retbool ? (keep ? 1 : 0) : lv;
		if (n->matching && n->on)
			out->vec[out->nvec].ls = labels_filter(ev,
			    &l.vec[i].ls, n->mlabels, n->nmlabels, true,
			    true);
		else if (!cmp || n->retbool)
			out->vec[out->nvec].ls = labels_filter(ev,
			    &l.vec[i].ls, n->mlabels, n->nmlabels, false,
			    true);
		else
			out->vec[out->nvec].ls = l.vec[i].ls;
		out->vec[out->nvec++].v = res;
	}
	return (0);
}

static int	eval_node_at(struct eval *, const struct node *,
		    struct value *);

static int
eval_node(struct eval *ev, const struct node *n, struct value *out)
{
	int	 rc;

	if (ev->depth >= EVAL_MAX_DEPTH) {
		if (ev->err == NULL)
			ev->err = xasprintf("expression nested too deeply "
			    "(more than %d levels)", EVAL_MAX_DEPTH);
		return (-1);
	}
	ev->depth++;
	rc = eval_node_at(ev, n, out);
	ev->depth--;
	return (rc);
}

static int
eval_node_at(struct eval *ev, const struct node *n, struct value *out)
{
	size_t	 i;

	memset(out, 0, sizeof *out);
	switch (n->kind) {
	case N_NUM:
		out->type = SIM_PROMQL_SCALAR;
		out->scalar = n->num;
		return (0);
	case N_STR:
		out->type = SIM_PROMQL_STRING;
		out->str = n->str;
		return (0);
	case N_PAREN:
		return (eval_node(ev, n->args[0], out));
	case N_SEL:
		return (eval_selector(ev, n, out));
	case N_CALL:
		return (eval_call(ev, n, out));
	case N_AGG:
		return (eval_agg(ev, n, out));
	case N_BIN:
		return (eval_binary(ev, n, out));
	case N_NEG:
		if (eval_node(ev, n->args[0], out) != 0)
			return (-1);
		if (out->type == SIM_PROMQL_SCALAR) {
			out->scalar = -out->scalar;
			return (0);
		}
		for (i = 0; i < out->nvec; i++) {
			out->vec[i].ls = labels_drop_name(ev, &out->vec[i].ls);
			out->vec[i].v = -out->vec[i].v;
		}
		return (0);
	}
	return (-1);
}

/* ---------------------------------------------------------------------- */
/* Output. */

void
sim_json_str(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char	 c;

	buf_addc(b, '"');
	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		switch (c) {
		case '"': buf_adds(b, "\\\""); break;
		case '\\': buf_adds(b, "\\\\"); break;
		case '\n': buf_adds(b, "\\n"); break;
		case '\r': buf_adds(b, "\\r"); break;
		case '\t': buf_adds(b, "\\t"); break;
		default:
			if (c < 0x20 || c == '<' || c == '>' || c == '&') {
				buf_adds(b, "\\u00");
				buf_addc(b, hex[c >> 4]);
				buf_addc(b, hex[c & 0xf]);
			} else
				buf_addc(b, (char)c);
			break;
		}
	}
	buf_addc(b, '"');
}

static void
json_labels(struct buf *b, const struct labels *ls)
{
	size_t	 i;

	buf_addc(b, '{');
	for (i = 0; i < ls->n; i++) {
		if (i > 0)
			buf_addc(b, ',');
		sim_json_str(b, ls->l[i].name);
		buf_addc(b, ':');
		sim_json_str(b, ls->l[i].value);
	}
	buf_addc(b, '}');
}

static void
json_point(struct buf *b, int64_t t, double v)
{
	buf_addc(b, '[');
	sim_fmt_json_time(b, t);
	buf_addc(b, ',');
	sim_fmt_json_value(b, v);
	buf_addc(b, ']');
}

struct sorted {
	char		*sig;
	size_t		 i;
};

static int
sorted_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct sorted *)a)->sig,
	    ((const struct sorted *)b)->sig));
}

static struct sorted *
sort_vec(struct eval *ev, const struct value *v)
{
	struct sorted	*s = ar_alloc(&ev->ar, (v->nvec + 1) * sizeof *s);
	size_t		 i;

	for (i = 0; i < v->nvec; i++) {
		s[i].sig = labels_sig(ev, &v->vec[i].ls);
		s[i].i = i;
	}
	qsort(s, v->nvec, sizeof *s, sorted_cmp);
	return (s);
}

static void
eval_init(struct eval *ev, struct sim_pstore *st, int64_t t,
    int64_t deadline)
{
	memset(ev, 0, sizeof *ev);
	ev->store = st;
	ev->t = t;
	ev->deadline = deadline;
}

int
sim_promql_query(struct sim_pstore *st, const struct sim_promql *q,
    int64_t t, struct buf *out, char **cause)
{
	struct eval	 ev;
	struct value	 v;
	struct sorted	*s;
	size_t		 i, k;

	eval_init(&ev, st, t, util_mono_ms() + EVAL_TIMEOUT_MS);
	if (eval_node(&ev, q->root, &v) != 0) {
		*cause = ev.err != NULL ? ev.err : xstrdup("evaluation "
		    "failed");
		ar_free(&ev.ar);
		return (ev.timeout ? -2 : -1);
	}
	switch (v.type) {
	case SIM_PROMQL_SCALAR:
		buf_adds(out, "{\"resultType\":\"scalar\",\"result\":");
		json_point(out, t, v.scalar);
		break;
	case SIM_PROMQL_STRING:
		buf_adds(out, "{\"resultType\":\"string\",\"result\":[");
		sim_fmt_json_time(out, t);
		buf_addc(out, ',');
		sim_json_str(out, v.str);
		buf_addc(out, ']');
		break;
	case SIM_PROMQL_VECTOR:
		buf_adds(out, "{\"resultType\":\"vector\",\"result\":[");
		s = sort_vec(&ev, &v);
		for (k = 0; k < v.nvec; k++) {
			i = s[k].i;
			if (k > 0)
				buf_addc(out, ',');
			buf_adds(out, "{\"metric\":");
			json_labels(out, &v.vec[i].ls);
			buf_adds(out, ",\"value\":");
			json_point(out, t, v.vec[i].v);
			buf_addc(out, '}');
		}
		buf_addc(out, ']');
		break;
	case SIM_PROMQL_MATRIX:
		buf_adds(out, "{\"resultType\":\"matrix\",\"result\":[");
		for (i = 0; i < v.nmat; i++) {
			if (i > 0)
				buf_addc(out, ',');
			buf_adds(out, "{\"metric\":");
			json_labels(out, &v.mat[i].ls);
			buf_adds(out, ",\"values\":[");
			for (k = 0; k < v.mat[i].n; k++) {
				if (k > 0)
					buf_addc(out, ',');
				json_point(out, v.mat[i].p[k].t,
				    v.mat[i].p[k].v);
			}
			buf_adds(out, "]}");
		}
		buf_addc(out, ']');
		break;
	}
	buf_addc(out, '}');
	ar_free(&ev.ar);
	return (0);
}

/* One series of a range query's result, kept across steps. */
struct rseries {
	char		*sig;
	char		*json;		/* its labels, as JSON */
	struct buf	 values;
};

static int
rseries_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct rseries *)a)->sig,
	    ((const struct rseries *)b)->sig));
}

int
sim_promql_query_range(struct sim_pstore *st, const struct sim_promql *q,
    int64_t start, int64_t end, int64_t step, struct buf *out,
    char **cause)
{
	struct eval	 ev;
	struct value	 v;
	struct rseries	*rs = NULL;
	size_t		 nrs = 0, i, k, *tab = NULL, tsize = 0, h;
	struct buf	 lb = { 0 };
	char		*sig;
	int64_t		 t, deadline = util_mono_ms() + EVAL_TIMEOUT_MS;
	int		 rc = -1;

	for (t = start; t <= end; t += step) {
		eval_init(&ev, st, t, deadline);
		if (eval_node(&ev, q->root, &v) != 0) {
			*cause = ev.err != NULL ? ev.err :
			    xstrdup("evaluation failed");
			if (ev.timeout)
				rc = -2;
			ar_free(&ev.ar);
			goto out;
		}
		if (v.type == SIM_PROMQL_SCALAR) {
			v.vec = ar_alloc(&ev.ar, sizeof *v.vec);
			v.vec[0].v = v.scalar;
			v.nvec = 1;
		}
		for (i = 0; i < v.nvec; i++) {
			if ((nrs + 1) * 2 > tsize) {
				/* grow and rehash; slots hold index + 1 */
				free(tab);
				tsize = tsize == 0 ? 64 : tsize * 2;
				tab = xcalloc(tsize, sizeof *tab);
				for (k = 0; k < nrs; k++) {
					h = sig_hash(rs[k].sig) & (tsize - 1);
					while (tab[h] != 0)
						h = (h + 1) & (tsize - 1);
					tab[h] = k + 1;
				}
			}
			sig = labels_sig(&ev, &v.vec[i].ls);
			h = sig_hash(sig) & (tsize - 1);
			while (tab[h] != 0 &&
			    strcmp(rs[tab[h] - 1].sig, sig) != 0)
				h = (h + 1) & (tsize - 1);
			if (tab[h] == 0) {
				k = nrs;
				rs = xreallocarray(rs, nrs + 1, sizeof *rs);
				memset(&rs[nrs], 0, sizeof *rs);
				rs[nrs].sig = xstrdup(sig);
				buf_reset(&lb);
				json_labels(&lb, &v.vec[i].ls);
				rs[nrs].json = xstrdup(lb.data);
				nrs++;
				tab[h] = nrs;
			} else {
				k = tab[h] - 1;
				buf_addc(&rs[k].values, ',');
			}
			json_point(&rs[k].values, t, v.vec[i].v);
		}
		ar_free(&ev.ar);
		if (step <= 0 || t > INT64_MAX - step)
			break;
	}
	/* Sorted by labels, as the real engine returns a matrix. */
	if (nrs > 0)
		qsort(rs, nrs, sizeof *rs, rseries_cmp);
	buf_adds(out, "{\"resultType\":\"matrix\",\"result\":[");
	for (i = 0; i < nrs; i++) {
		if (i > 0)
			buf_addc(out, ',');
		buf_printf(out, "{\"metric\":%s,\"values\":[%s]}",
		    rs[i].json, rs[i].values.data != NULL ?
		    rs[i].values.data : "");
	}
	buf_adds(out, "]}");
	rc = 0;
out:
	for (i = 0; i < nrs; i++) {
		free(rs[i].sig);
		free(rs[i].json);
		buf_free(&rs[i].values);
	}
	free(rs);
	free(tab);
	buf_free(&lb);
	return (rc);
}
