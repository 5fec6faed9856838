/*
 * sim-stubs.c: TEMPORARY.  Answers 501 for the systems whose module is
 * not in this branch yet (openstack).  The lead deletes this file when the real
 * modules are merged.
 */
#include <stdlib.h>

#include "util.h"
#include "sim/sim.h"

static void
sim_stub(const struct sim_req *req, struct sim_resp *r)
{
	sim_resp_printf(r, 501, NULL, "%s: not implemented in this build\n",
	    sim_system_name(req->system));
}


void
sim_openstack_handle(struct sim_world *w, const struct sim_req *req,
    struct sim_resp *r)
{
	sim_stub(req, r);
}
