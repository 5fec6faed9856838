/*
 * test-memo.c: util_hash64(), the pollers' memo of unchanged answers
 * (backend/memo.h) and fleet_touch_source().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "backend/decode.h"
#include "backend/memo.h"
#include "backend/poll.h"
#include "fixture.h"
#include "fleet-helpers.h"
#include "fleet.h"
#include "util.h"

/* --- util_hash64 ------------------------------------------------------ */

static void
test_hash_bits(void **state)
{
	unsigned char	 b[200];
	uint64_t	 h, h2;
	size_t		 len, i;
	int		 bit;

	(void)state;
	util_hash_seed(1, 2);
	for (i = 0; i < sizeof b; i++)
		b[i] = (unsigned char)(i * 31 + 7);
	/* Every length and every flipped bit gives another hash. */
	for (len = 1; len <= 100; len++) {
		h = util_hash64(b, len);
		assert_true(h == util_hash64(b, len));
		for (i = 0; i < len; i++) {
			for (bit = 0; bit < 8; bit++) {
				b[i] ^= (unsigned char)(1u << bit);
				h2 = util_hash64(b, len);
				b[i] ^= (unsigned char)(1u << bit);
				assert_true(h2 != h);
			}
		}
		assert_true(util_hash64(b, len - 1) != h);
	}
	/* Trailing zero bytes count. */
	b[0] = 'a';
	b[1] = '\0';
	assert_true(util_hash64(b, 1) != util_hash64(b, 2));
	assert_true(util_hash64(b, 0) != util_hash64(b, 1));
}

static void
test_hash_seed_align(void **state)
{
	char	 a[96], *p;
	uint64_t h1, h2;
	size_t	 off;

	(void)state;
	memset(a, 0, sizeof a);
	memcpy(a, "the same answer, byte for byte, at any address", 46);
	util_hash_seed(1, 2);
	h1 = util_hash64(a, 46);
	for (off = 1; off < 8; off++) {
		p = xmalloc(46 + off);
		memcpy(p + off, a, 46);
		assert_true(util_hash64(p + off, 46) == h1);
		free(p);
	}
	/* Another key, another hash; a random key is drawn for 0, 0. */
	util_hash_seed(3, 4);
	h2 = util_hash64(a, 46);
	assert_true(h2 != h1);
	util_hash_seed(0, 0);
	assert_true(util_hash64(a, 46) != h1);
	assert_true(util_hash64(a, 46) != h2);
}

/* --- the memo ---------------------------------------------------------- */

static int	 decodes;

static int
count_cb(void *arg, int part, const char *body, size_t len, char **next,
    char **cause)
{
	decodes++;
	return (bk_consul_decode_cb(arg, part, body, len, next, cause));
}

/* One cycle of one consul page; true when unchanged. */
static bool
consul_cycle(struct bk_memo *m, const char *name,
    struct fleet_consul_update **u)
{
	char	*body, *next = NULL, *cause = NULL;
	size_t	 len;
	bool	 same;

	body = fixture_read(name, &len);
	*u = NULL;
	bk_memo_begin(m, count_cb, u);
	assert_int_equal(bk_memo_page(m, 0, body, len, &next, &cause), 0);
	assert_null(next);
	assert_int_equal(bk_memo_end(m, &same, &cause), 0);
	return (same);
}

static void
test_memo_one_page(void **state)
{
	struct bk_memo			*m;
	struct fleet_consul_update	*u;
	char				*body, *next = NULL, *cause = NULL;
	size_t				 len;

	(void)state;
	m = bk_memo_new(1);
	decodes = 0;
	/* First answer: decoded. */
	assert_false(consul_cycle(m, "consul/health-service.json", &u));
	assert_non_null(u);
	assert_int_equal(decodes, 1);
	fleet_consul_update_free(u);
	/* The same again: not decoded. */
	assert_true(consul_cycle(m, "consul/health-service.json", &u));
	assert_null(u);
	assert_int_equal(decodes, 1);
	/* Another answer: decoded. */
	assert_false(consul_cycle(m, "consul/health-empty.json", &u));
	assert_non_null(u);
	assert_int_equal(decodes, 2);
	fleet_consul_update_free(u);

	/* A cycle that fails later (aborted) leaves the reference. */
	u = NULL;
	body = fixture_read("consul/health-service.json", &len);
	bk_memo_begin(m, count_cb, &u);
	assert_int_equal(bk_memo_page(m, 0, body, len, &next, &cause), 0);
	assert_non_null(u);
	fleet_consul_update_free(u);
	bk_memo_abort(m);
	assert_true(consul_cycle(m, "consul/health-empty.json", &u));
	assert_null(u);

	/* An answer that does not decode is an error, and no reference. */
	u = NULL;
	body = fixture_read("consul/health-not-array.json", &len);
	bk_memo_begin(m, count_cb, &u);
	assert_int_equal(bk_memo_page(m, 0, body, len, &next, &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	bk_memo_abort(m);
	assert_true(consul_cycle(m, "consul/health-empty.json", &u));
	assert_null(u);

	/* After a reset everything is decoded again. */
	bk_memo_reset(m);
	assert_false(consul_cycle(m, "consul/health-empty.json", &u));
	assert_non_null(u);
	fleet_consul_update_free(u);
	bk_memo_free(m);
}

/* A page in memory. */
struct page {
	char	*data;
	size_t	 len;
};

static struct page
page_read(const char *name)
{
	struct page	 pg;

	pg.data = fixture_read(name, &pg.len);
	return (pg);
}

/*
 * One Rancher cycle: parts[p] is a NULL-data-terminated list of pages of
 * stacks, services, hosts (copied: the memo takes them).  *next1 gets
 * the next URL given for the first services page.  Returns unchanged.
 */
static bool
rancher_cycle(struct bk_memo *m, struct fleet_rancher_update *acc,
    struct page parts[3][4], char **next1)
{
	char	*next, *cause = NULL;
	bool	 same;
	int	 p, i;

	bk_memo_begin(m, bk_rancher_decode_cb, acc);
	for (p = 0; p < 3; p++) {
		for (i = 0; parts[p][i].data != NULL; i++) {
			next = NULL;
			assert_int_equal(bk_memo_page(m, p,
			    xstrndup(parts[p][i].data, parts[p][i].len),
			    parts[p][i].len, &next, &cause), 0);
			if (p == 1 && i == 0)
				*next1 = next;
			else
				free(next);
		}
	}
	assert_int_equal(bk_memo_end(m, &same, &cause), 0);
	return (same);
}

static void
test_memo_pages(void **state)
{
	struct bk_memo			*m;
	struct fleet_rancher_update	*acc, *last;
	struct page			 parts[3][4], changed;
	char				*next1, *next2, *p;
	size_t				 nsv;
	int				 k, i;

	(void)state;
	memset(parts, 0, sizeof parts);
	parts[0][0] = page_read("rancher/stacks.json");
	parts[1][0] = page_read("rancher/services-page1.json");
	parts[1][1] = page_read("rancher/services-page2.json");
	parts[2][0] = page_read("rancher/hosts.json");
	m = bk_memo_new(3);
	last = xcalloc(1, sizeof *last);

	acc = xcalloc(1, sizeof *acc);
	assert_false(rancher_cycle(m, acc, parts, &next1));
	nsv = acc->nservices;
	assert_true(nsv >= 2);
	assert_true(acc->nstacks > 0 && acc->nhosts > 0);
	assert_non_null(next1);
	bk_rancher_fill(m, acc, last);
	assert_int_equal(last->nservices, nsv);
	assert_int_equal(last->nstacks, acc->nstacks);
	assert_int_equal(last->nhosts, acc->nhosts);
	fleet_rancher_update_free(acc);

	/* Every page the same: nothing decoded, the next URL remembered. */
	acc = xcalloc(1, sizeof *acc);
	assert_true(rancher_cycle(m, acc, parts, &next2));
	assert_int_equal(acc->nservices, 0);
	assert_int_equal(acc->nstacks, 0);
	assert_int_equal(acc->nhosts, 0);
	assert_non_null(next2);
	assert_string_equal(next1, next2);
	free(next1);
	free(next2);
	fleet_rancher_update_free(acc);

	/* The last services page differs: every page is decoded, in order. */
	changed.len = parts[1][1].len;
	changed.data = xstrndup(parts[1][1].data, changed.len);
	assert_non_null(p = strstr(changed.data, "\"active\""));
	memcpy(p, "\"ACTIVE\"", 8);
	free(parts[1][1].data);
	parts[1][1] = changed;
	acc = xcalloc(1, sizeof *acc);
	assert_false(rancher_cycle(m, acc, parts, &next1));
	free(next1);
	assert_int_equal(acc->nservices, nsv);
	/* The other collections were the same: not decoded ... */
	assert_true(bk_memo_part_same(m, 0));
	assert_false(bk_memo_part_same(m, 1));
	assert_true(bk_memo_part_same(m, 2));
	assert_int_equal(acc->nstacks, 0);
	assert_int_equal(acc->nhosts, 0);
	/* ... but filled in from the last decode. */
	bk_rancher_fill(m, acc, last);
	assert_int_equal(acc->nstacks, last->nstacks);
	assert_int_equal(acc->nhosts, last->nhosts);
	assert_true(acc->nstacks > 0 && acc->nhosts > 0);
	assert_string_equal(acc->hosts[0].id, last->hosts[0].id);
	assert_ptr_not_equal(acc->hosts[0].id, last->hosts[0].id);
	assert_int_equal(acc->hosts[0].ninstance_ids,
	    last->hosts[0].ninstance_ids);
	for (i = 0; i < (int)acc->nservices; i++) {
		if (acc->services[i].state != NULL &&
		    strcmp(acc->services[i].state, "ACTIVE") == 0)
			break;
	}
	assert_true(i < (int)nsv);	/* found */
	assert_true(i >= 1);	/* page 1's services come first */
	fleet_rancher_update_free(acc);

	/* That one is the reference now. */
	acc = xcalloc(1, sizeof *acc);
	assert_true(rancher_cycle(m, acc, parts, &next1));
	free(next1);
	assert_int_equal(acc->nservices, 0);
	fleet_rancher_update_free(acc);

	/* One more page than before (all pages the same): decoded. */
	parts[2][1] = parts[2][0];
	acc = xcalloc(1, sizeof *acc);
	assert_false(rancher_cycle(m, acc, parts, &next1));
	free(next1);
	assert_true(bk_memo_part_same(m, 1));
	assert_false(bk_memo_part_same(m, 2));
	assert_int_equal(acc->nservices, 0);
	assert_int_equal(acc->nhosts, 2 * last->nhosts);
	bk_rancher_fill(m, acc, last);
	assert_int_equal(acc->nservices, nsv);
	assert_int_equal(acc->nhosts, last->nhosts);
	fleet_rancher_update_free(acc);
	parts[2][1].data = NULL;

	/* One page fewer: decoded (what there is). */
	acc = xcalloc(1, sizeof *acc);
	assert_false(rancher_cycle(m, acc, parts, &next1));
	free(next1);
	assert_false(bk_memo_part_same(m, 2));
	assert_int_equal(acc->nhosts * 2, last->nhosts);
	fleet_rancher_update_free(acc);
	assert_true(bk_memo_held_max(m) > 0);
	fleet_rancher_update_free(last);

	bk_memo_free(m);
	for (k = 0; k < 3; k++) {
		for (i = 0; i < 4; i++)
			free(parts[k][i].data);
	}
}

/* New bytes that say nothing new to fleet: the source is unchanged. */
static void
test_memo_same_fields(void **state)
{
	struct bk_memo			*m;
	struct fleet_rancher_update	*acc, *last;
	struct page			 parts[3][4];
	char				*next1, *p;
	int				 k, i;

	(void)state;
	memset(parts, 0, sizeof parts);
	parts[0][0] = page_read("rancher/stacks.json");
	parts[1][0] = page_read("rancher/services-page1.json");
	parts[1][1] = page_read("rancher/services-page2.json");
	parts[2][0] = page_read("rancher/hosts.json");
	m = bk_memo_new(3);
	last = xcalloc(1, sizeof *last);
	acc = xcalloc(1, sizeof *acc);
	assert_false(rancher_cycle(m, acc, parts, &next1));
	free(next1);
	assert_false(bk_rancher_fill(m, acc, last));
	fleet_rancher_update_free(acc);

	/* info.cpuInfo.count is no field fleet reads */
	assert_non_null(p = strstr(parts[2][0].data, "\"count\":8"));
	p[8] = '9';
	acc = xcalloc(1, sizeof *acc);
	assert_false(rancher_cycle(m, acc, parts, &next1));
	free(next1);
	assert_false(bk_memo_part_same(m, 2));
	assert_true(acc->nhosts > 0);
	assert_true(bk_rancher_fill(m, acc, last));
	fleet_rancher_update_free(acc);

	/* a host's state is */
	assert_non_null(p = strstr(parts[2][0].data, "\"state\":\"active\""));
	memcpy(p + 9, "ACTIVE", 6);
	acc = xcalloc(1, sizeof *acc);
	assert_false(rancher_cycle(m, acc, parts, &next1));
	free(next1);
	assert_false(bk_rancher_fill(m, acc, last));
	assert_true(acc->nstacks > 0 && acc->nservices > 0);
	assert_string_equal(last->hosts[0].state, "ACTIVE");
	fleet_rancher_update_free(acc);

	fleet_rancher_update_free(last);
	bk_memo_free(m);
	for (k = 0; k < 3; k++) {
		for (i = 0; i < 4; i++)
			free(parts[k][i].data);
	}
}

/* A first cycle is never "the same", even when everything is empty. */
static void
test_memo_first_empty(void **state)
{
	static const char		 empty[] =
	    "{\"type\":\"collection\",\"data\":[]}";
	struct bk_memo			*m;
	struct fleet_rancher_update	*acc, *last;
	char				*next = NULL, *cause = NULL;
	bool				 same;
	int				 round, p;

	(void)state;
	m = bk_memo_new(3);
	last = xcalloc(1, sizeof *last);
	for (round = 0; round < 2; round++) {
		acc = xcalloc(1, sizeof *acc);
		bk_memo_begin(m, bk_rancher_decode_cb, acc);
		for (p = 0; p < 3; p++) {
			assert_int_equal(bk_memo_page(m, p, xstrdup(empty),
			    strlen(empty), &next, &cause), 0);
			assert_null(next);
		}
		assert_int_equal(bk_memo_end(m, &same, &cause), 0);
		if (round == 0) {
			assert_false(same);
			assert_false(bk_rancher_fill(m, acc, last));
		} else
			assert_true(same);
		fleet_rancher_update_free(acc);
	}
	fleet_rancher_update_free(last);
	bk_memo_free(m);
}

/*
 * Pages the same as the last good cycle are held until their part is
 * known to be the same; never more bytes than the limit: past it the
 * part is decoded, every page once and in order.
 */
static int	 order[16], norder;

static int
order_cb(void *arg, int part, const char *body, size_t len, char **next,
    char **cause)
{
	(void)arg;
	(void)part;
	(void)cause;
	assert_true(len >= 1 && norder < 16);
	order[norder++] = body[0] - 'a';
	*next = NULL;
	return (0);
}

static void
test_memo_held_limit(void **state)
{
	struct bk_memo	*m;
	char		*body, *next = NULL, *cause = NULL;
	bool		 same;
	int		 round, i;

	(void)state;
	m = bk_memo_new(1);
	bk_memo_set_held_limit(m, 1000);
	for (round = 0; round < 3; round++) {
		norder = 0;
		bk_memo_begin(m, order_cb, NULL);
		for (i = 0; i < 10; i++) {
			body = xmalloc(300);
			memset(body, 'a' + i, 300);
			assert_int_equal(bk_memo_page(m, 0, body, 300, &next,
			    &cause), 0);
			assert_null(next);
		}
		assert_int_equal(bk_memo_end(m, &same, &cause), 0);
		assert_false(same);
		assert_int_equal(norder, 10);
		for (i = 0; i < 10; i++)
			assert_int_equal(order[i], i);
		assert_true(bk_memo_held_max(m) <= 1000);
	}
	/* Within the limit: held, not decoded. */
	bk_memo_set_held_limit(m, 3000);
	norder = 0;
	bk_memo_begin(m, order_cb, NULL);
	for (i = 0; i < 10; i++) {
		body = xmalloc(300);
		memset(body, 'a' + i, 300);
		assert_int_equal(bk_memo_page(m, 0, body, 300, &next, &cause),
		    0);
	}
	assert_int_equal(bk_memo_end(m, &same, &cause), 0);
	assert_true(same);
	assert_int_equal(norder, 0);
	assert_int_equal(bk_memo_held_max(m), 3000);
	bk_memo_free(m);
}

/* --- fleet_touch_source ------------------------------------------------ */

static void
test_touch(void **state)
{
	struct fleet			*f;
	struct fleet_consul_update	*u;
	struct fleet_fetch		 fetch = { 12, 3456 };
	const struct fleet_node		*n;
	uint64_t			 v;

	(void)state;
	f = fleet_new("t");
	fleet_source_enable(f, FLEET_SRC_CONSUL, true);
	u = t_consul_new();
	t_consul_add(u, "bbb-01", FLEET_HEALTH_PASSING);
	fleet_apply_consul(f, u, 1000);
	assert_non_null(n = fleet_node_by_key(f, "bbb-01"));
	assert_true(fleet_node_fresh(f, n, FLEET_SRC_CONSUL));

	/* A failed refresh: stale, with a problem. */
	fleet_source_failed(f, FLEET_SRC_CONSUL, "timeout", 5000);
	assert_int_equal(f->sources[FLEET_SRC_CONSUL].state,
	    FLEET_SRC_STALE);
	assert_true(f->nproblems > 0);

	/* The same answer again: OK, fresh, no problem, version bumped. */
	v = f->version;
	fleet_touch_source(f, FLEET_SRC_CONSUL, &fetch, 7000);
	assert_true(f->version > v);
	assert_int_equal(f->sources[FLEET_SRC_CONSUL].state, FLEET_SRC_OK);
	assert_null(f->sources[FLEET_SRC_CONSUL].cause);
	assert_int_equal(f->sources[FLEET_SRC_CONSUL].last_ok, 7000);
	assert_int_equal(f->sources[FLEET_SRC_CONSUL].latency_ms, 12);
	assert_int_equal(f->sources[FLEET_SRC_CONSUL].bytes, 3456);
	assert_int_equal(f->nproblems, 0);
	assert_non_null(n = fleet_node_by_key(f, "bbb-01"));
	assert_true(fleet_node_fresh(f, n, FLEET_SRC_CONSUL));
	assert_int_equal(n->seen_at[FLEET_SRC_CONSUL], 7000);

	/* And again: nothing the screen shows moved, no bump. */
	v = f->version;
	fleet_touch_source(f, FLEET_SRC_CONSUL, &fetch, 9000);
	assert_int_equal(f->version, v);
	assert_int_equal(f->sources[FLEET_SRC_CONSUL].last_ok, 9000);
	assert_true(fleet_node_fresh(f, n, FLEET_SRC_CONSUL));
	fleet_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_bits),
		cmocka_unit_test(test_hash_seed_align),
		cmocka_unit_test(test_memo_one_page),
		cmocka_unit_test(test_memo_pages),
		cmocka_unit_test(test_memo_same_fields),
		cmocka_unit_test(test_memo_first_empty),
		cmocka_unit_test(test_memo_held_limit),
		cmocka_unit_test(test_touch),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
