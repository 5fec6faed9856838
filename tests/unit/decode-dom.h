/*
 * decode-dom.h: the jansson (DOM) decoders the streaming decoders of
 * src/backend/ replaced (decode-dom.c), for the tests, the fuzzers and
 * the decode benchmark only; their contracts are those of the decoders
 * of the same name without _dom in src/backend/decode.h.
 */
#ifndef BBBCTL_TESTS_DECODE_DOM_H
#define BBBCTL_TESTS_DECODE_DOM_H

#include <stddef.h>

#include "backend/decode.h"

int	 backend_consul_decode_dom(const char *, size_t,
	     struct fleet_consul_update **, char **);
int	 backend_scalelite_decode_dom(const char *, size_t,
	     struct fleet_scalelite_update **, struct backend_sl_secrets *,
	     char **);
int	 backend_rancher_decode_dom(enum backend_rancher_kind, const char *,
	     size_t, struct fleet_rancher_update *acc, char **next, char **);
int	 backend_rancher_decode_projects_dom(const char *, size_t,
	     const char *want, char **id, char **);
int	 backend_nova_decode_dom(const char *, size_t,
	     struct fleet_openstack_update *acc, char **next, char **);

#endif
