/*
 * rancher-projects.h: the Rancher projects decoder (in backend/rancher.c;
 * see backend/decode.h for the rules every decoder follows).  Apart from
 * decode.h because the Rancher client (api/rancher.c) uses it too and
 * must not see the fleet model's types.
 */
#ifndef BBBCTL_BACKEND_RANCHER_PROJECTS_H
#define BBBCTL_BACKEND_RANCHER_PROJECTS_H

#include <stddef.h>

/*
 * Rancher GET /v2-beta/projects: the id of the project whose id or name
 * is want, or of the first active one when want is NULL.
 */
int	 backend_rancher_decode_projects(const char *, size_t,
	     const char *want, char **id, char **);

#endif
