/*
 * sim-greenlight.c: Greenlight's health check, as Greenlight 2 answers
 * it under its usual root /b (GET /b/health_check: 200 "success"; a
 * failing check is 200 "Health Check Failure: ..." there, set with the
 * control's POST /health?system=greenlight&failure=TEXT, and 500 in
 * Greenlight 3; faults too: greenlight:/b:status:500, greenlight:/b:hang
 * ...).
 */
#include <string.h>

#include "sim/sim.h"

void
sim_greenlight_handle(struct sim_world *w, const struct sim_req *q,
    struct sim_resp *r)
{
	if (strcmp(q->method, "GET") == 0 &&
	    (strcmp(q->path, "/b/health_check") == 0 ||
	    strcmp(q->path, "/b/health_check/") == 0)) {
		if (*w->gl_health_failure != '\0')
			sim_resp_printf(r, 200, "text/plain; charset=utf-8",
			    "Health Check Failure: %s", w->gl_health_failure);
		else
			sim_resp_printf(r, 200, "text/plain; charset=utf-8",
			    "success");
		return;
	}
	/* Greenlight's catch-all renders its single-page app. */
	sim_resp_printf(r, 404, "text/html; charset=utf-8",
	    "<!DOCTYPE html>\n<html><body>Not Found</body></html>\n");
}
