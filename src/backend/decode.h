/*
 * decode.h: the pure decoders of the backends (bytes -> update), no I/O.
 *
 * Every decoder takes a response body (not necessarily NUL-terminated;
 * any bytes, any size) and either fills its output and returns 0, or
 * returns -1 with an allocated one-line *cause naming the field at fault
 * ("consul: [2].Checks[0].Status: expected a string, got an integer")
 * and leaves nothing allocated in its outputs.  Unknown fields are
 * ignored, missing optional fields tolerated.  Outputs are owned by the
 * caller (fleet_X_update_free(), or fleet_apply_X() takes them).
 *
 * Secrets (the BBB node secrets in scalelite's getServers) never go into
 * a fleet update: they go only into struct backend_sl_secrets, which the
 * caller frees with backend_sl_secrets_free() (it zeroes them).
 */
#ifndef BBBCTL_BACKEND_DECODE_H
#define BBBCTL_BACKEND_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/keystone.h"
#include "backend/rancher-projects.h"
#include "fleet.h"

/* Limits against hostile input. */
#define BACKEND_XML_MAX_DEPTH	32
#define BACKEND_XML_MAX_TEXT	(64 * 1024)	/* one element's text */
#define BACKEND_MAX_ENTRIES	200000	/* items in one answer */

/* consul: GET /v1/health/service/<name>.  Index is left 0. */
int	 backend_consul_decode(const char *, size_t,
	     struct fleet_consul_update **, char **);

/*
 * Prometheus: one /api/v1/query answer (any HTTP status: error answers
 * carry the envelope) into a figure named name.  The result must be a
 * vector; "NaN" is NAN, "+Inf"/"-Inf" infinities.  *warning (may be
 * NULL) gets the first warning, allocated, or NULL.
 */
int	 backend_prom_decode(const char *name, const char *, size_t,
	     struct fleet_prom_figure *, char **warning, char **);
/*
 * Its two halves, for tests: the no-DOM fast path (1 = decoded; 0 =
 * declined, *fig zeroed, nothing allocated) and the jansson decoder.
 */
int	 backend_prom_decode_fast(const char *name, const char *, size_t,
	     struct fleet_prom_figure *);
int	 backend_prom_decode_dom(const char *name, const char *, size_t,
	     struct fleet_prom_figure *, char **warning, char **);

/* scalelite admin API: one server's BBB API access, backend-private. */
struct backend_sl_secret {
	char		*url;		/* BBB API base of the node */
	char		*secret;	/* zeroed on free */
	bool		 pollable;	/* online and not disabled */
};
struct backend_sl_secrets {
	struct backend_sl_secret *v;
	size_t		 n;
};
void	 backend_sl_secrets_free(struct backend_sl_secrets *);

/*
 * scalelite GET /scalelite/api/getServers: the JSON array, the JSON
 * {"error":"No servers are configured"} (an empty list), or an XML
 * answer: unsupportedRequest (legacy = true), checksumError (an
 * authentication error) or another FAILED one.  secrets may be NULL.
 */
int	 backend_scalelite_decode(const char *, size_t,
	     struct fleet_scalelite_update **, struct backend_sl_secrets *,
	     char **);

/*
 * BBB API getMeetings XML (from scalelite or a node).  Meetings get node
 * = NULL.  A FAILED answer is an error naming messageKey and message.
 */
int	 backend_bbb_decode_meetings(const char *, size_t,
	     struct fleet_meetings_update **, char **);
/*
 * The same with the parser chosen, for tests: AUTO is the fast path
 * (a strict tokenizer for the XML BBB writes) falling back to expat on
 * anything it declines; FAST returns -2 where it declines; EXPAT is
 * expat alone.  Where FAST does not decline, all three agree.
 */
enum backend_xml_path {
	BACKEND_XML_AUTO,
	BACKEND_XML_FAST,
	BACKEND_XML_EXPAT
};
int	 backend_bbb_decode_meetings_path(enum backend_xml_path,
	     const char *, size_t, struct fleet_meetings_update **, char **);

/*
 * A BBB API XML answer's returncode, messageKey and message (each
 * allocated or NULL); 0 when it is well-formed XML at all.
 */
int	 backend_bbb_decode_response(const char *, size_t, char **returncode,
	     char **message_key, char **message, char **);

/*
 * Rancher v2-beta: one page of a collection, appended to acc.  *next
 * gets the next page's URL (allocated) when pagination says the answer
 * is partial, else NULL.  An error object ({"type":"error"}) is an
 * error with its status, code and message.
 */
enum backend_rancher_kind {
	BACKEND_RANCHER_STACKS,
	BACKEND_RANCHER_SERVICES,
	BACKEND_RANCHER_HOSTS
};
int	 backend_rancher_decode(enum backend_rancher_kind, const char *,
	     size_t, struct fleet_rancher_update *acc, char **next, char **);
/* Rancher GET /v2-beta/projects: backend/rancher-projects.h. */
/* A host's state as the operator must read it (the agentState quirk). */
const char *backend_rancher_host_state(const char *state,
	     const char *agent_state);

/* Keystone: backend/keystone.h (the OpenStack client uses it too). */
/*
 * Nova GET /servers/detail: one page appended to acc; *next from
 * servers_links rel=next.  A fault body ({"itemNotFound":{...}}) is an
 * error with its name, code and message.
 */
int	 backend_nova_decode(const char *, size_t,
	     struct fleet_openstack_update *acc, char **next, char **);

/* "2026-11-25T22:14:05.000000Z" / "...Z" / "...+01:00" -> wall ms. */
int	 backend_parse_time(const char *, int64_t *);

/*
 * Shared with the jansson reference decoders of the tests
 * (tests/unit/decode-dom.c), so that both read these alike: a consul
 * check status; a scalelite server's state and online strings into u
 * (path names it in *cause); scalelite's XML answers to getServers; the
 * freeing of a decoded Rancher stack, service or host and of a Nova
 * server.
 */
enum fleet_health backend_consul_status(const char *);
int	 backend_sl_states(const char *path, const char *state,
	     const char *online, struct fleet_sl_server_u *u, char **cause);
int	 backend_sl_decode_xml(const char *, size_t,
	     struct fleet_scalelite_update **, char **);
void	 backend_rancher_stack_clear(struct fleet_rancher_stack_u *);
void	 backend_rancher_service_clear(struct fleet_rancher_service_u *);
void	 backend_rancher_host_clear(struct fleet_rancher_host_u *);
void	 backend_nova_server_clear(struct fleet_os_server_u *);

#endif
