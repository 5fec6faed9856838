/*
 * sim-test.h: helpers for the simulator API contract tests: crafted
 * requests, independent checksums (libcrypto) and a flat view of an XML
 * answer (expat).
 */
#ifndef BBBCTL_SIM_TEST_H
#define BBBCTL_SIM_TEST_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/sim.h"

typedef void (*st_handler)(struct sim_world *, const struct sim_req *,
    struct sim_resp *);

/* Call a handler; headers are "Name: value" strings, NULL-terminated. */
void	 st_call(struct sim_world *, st_handler, enum sim_system,
	     const char *method, const char *path, const char *query,
	     const char *body, const char **headers, struct sim_resp *);
void	 st_call_node(struct sim_world *, size_t, const char *path,
	     const char *query, struct sim_resp *);
/* The value of a response header, or NULL. */
const char *st_resp_header(const struct sim_resp *, const char *);

/* hex(HASH(s)) with "SHA1", "SHA256", "SHA384" or "SHA512"; allocated. */
char	*st_digest(const char *alg, const char *s);
/* "checksum=<hex(HASH(call + query + secret))>" appended to query. */
char	*st_signed(const char *alg, const char *call, const char *query,
	     const char *secret);

/* Flat XML: each element's path ("/response/meetings/meeting/x") + text. */
struct st_xml {
	char	**path;
	char	**text;
	size_t	  n;
};
struct st_xml *st_xml_parse(const char *, size_t);	/* NULL if bad */
void	 st_xml_free(struct st_xml *);
size_t	 st_xml_count(const struct st_xml *, const char *path);
/* Text of the nth element with that path, or NULL. */
const char *st_xml_get(const struct st_xml *, const char *path, size_t nth);
/* Text of the child name of the nth element at path (e.g. nth meeting). */
const char *st_xml_child(const struct st_xml *, const char *path, size_t nth,
	     const char *child);

bool	 st_is_uint(const char *);
bool	 st_is_bool(const char *);

#endif
