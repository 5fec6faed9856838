/*
 * keyinv.h: the inventory of keys rotate, keys list and keys check:
 * every VM of the fleet (BBB nodes and infra VMs) with the address ssh
 * reaches it at, from Nova's servers and Rancher's hosts joined on the
 * node key (fleet_node_key()).  The readers are pure (the text of one
 * answer page in, hosts added); the blocking fetch is keyinv_fetch().
 *
 * The address: a Nova server's first fixed IPv4 address, else its first
 * IPv4, else its first address; a host Nova does not know, Rancher's
 * agentIpAddress.
 */
#ifndef BBBCTL_KEYINV_H
#define BBBCTL_KEYINV_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;

#define KEYINV_NOVA	0x1
#define KEYINV_RANCHER	0x2

struct keyinv_host {
	char		*name;		/* as the source names it */
	char		*key;		/* the node key */
	char		*address;	/* NULL: none known */
	unsigned	 sources;	/* KEYINV_* */
};

struct keyinv {
	struct keyinv_host *v;
	size_t		 n;
};

/*
 * One page of Nova GET /servers/detail, or of Rancher GET
 * .../hosts: 0 with the hosts added (joined) and *next (allocated, the
 * next page's URL, or NULL), or -1 with *cause.
 */
int	 keyinv_add_nova(struct keyinv *, const char *, size_t,
	     const char *domain, char **next, char **cause);
int	 keyinv_add_rancher(struct keyinv *, const char *, size_t,
	     const char *domain, char **next, char **cause);
/*
 * Keep the hosts named in csv ("bbb-01,infra-01": names or node keys),
 * in the inventory's order; a name it does not know is an error.
 */
int	 keyinv_select(struct keyinv *, const char *csv, const char *domain,
	     char **cause);
void	 keyinv_free(struct keyinv *);

/* Blocking: Nova and Rancher (those configured), every page. */
int	 keyinv_fetch(const struct config *, struct keyinv *, char **cause);

/*
 * What a quick connect to a host with a key found (keys check, and the
 * plan of keys rotate: "is it reachable now?").
 */
enum keyinv_reach {
	KEYINV_REACH_OK,		/* logged in with the key */
	KEYINV_REACH_REFUSED,		/* the server refused the key */
	KEYINV_REACH_DOWN,		/* no connection: name, TCP,
					   handshake, deadline */
	KEYINV_REACH_HOSTKEY_UNKNOWN,	/* not in known_hosts: refused */
	KEYINV_REACH_HOSTKEY_CHANGED,	/* another key than known_hosts' */
	KEYINV_REACH_ERROR		/* not tried: no key file, cancelled */
};
/* "reachable", "current key refused", "unreachable", "host key
   unknown", "host key CHANGED", "not tried". */
const char	*keyinv_reach_name(enum keyinv_reach);

/*
 * keys check: does every host of the inventory accept [ssh] identity?
 * Blocking, [ssh] max_parallel hosts at once.  0 with *out (n entries,
 * the inventory's order; free with keyinv_check_free()), or -1 with
 * *cause when there is no inventory.
 */
struct keyinv_check {
	char		*name;
	char		*key;
	char		*address;	/* as tried */
	int		 accepts;	/* 1 yes, 0 refused, -1 unknown */
	char		*why;		/* when -1 */
	enum keyinv_reach reach;
};
int	 keyinv_check(const struct config *, struct keyinv_check **out,
	     size_t *n, char **cause);
/*
 * The same with options: only the hosts of a --hosts list (an unknown
 * name is an error, as keyinv_select()), its own deadlines (0: ssh.h's)
 * and a cancel flag (then the hosts not yet tried are KEYINV_REACH_ERROR,
 * "cancelled").  The key tried is [ssh] identity.
 */
struct keyinv_check_opts {
	const char		*hosts;		/* NULL: all */
	int64_t			 connect_ms;	/* name and TCP connect */
	int64_t			 call_ms;	/* each ssh call after it */
	const atomic_bool	*cancel;	/* may be NULL */
};
int	 keyinv_check_with(const struct config *,
	     const struct keyinv_check_opts *, struct keyinv_check **out,
	     size_t *n, char **cause);
void	 keyinv_check_free(struct keyinv_check *, size_t);

#endif
