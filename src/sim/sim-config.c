/*
 * sim-config.c: the bbbctl configuration that points at a running
 * bbbctl-sim (every system's URL and the simulated secrets), written
 * atomically with mode 0600.
 */
#include <sys/stat.h>

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "sim/sim.h"

/* The bbbctl configuration for this world (keys of src/config.h). */
char *
sim_config_text(struct sim_world *w)
{
	struct buf	 b = { 0 };
	char		*u;

	buf_printf(&b, "# bbbctl configuration for bbbctl-sim "
	    "(seed %llu, %zu nodes)\n\n", (unsigned long long)w->seed,
	    w->nnodes);
	buf_printf(&b, "[cluster]\nname = sim\n\n");
	u = sim_url(w, SIM_CONSUL);
	buf_printf(&b, "[consul]\nurl = %s\n", u);
	if (w->consul_token[0] != '\0')
		buf_printf(&b, "token = %s\n", w->consul_token);
	buf_printf(&b, "service = %s\n\n", w->consul_service);
	free(u);
	u = sim_url(w, SIM_PROMETHEUS);
	buf_printf(&b, "[prometheus]\nurl = %s\nuser = %s\npassword = %s\n\n",
	    u, w->prom_user, w->prom_password);
	free(u);
	u = sim_url(w, SIM_SCALELITE);
	buf_printf(&b, "[scalelite]\nurl = %s\nsecret = %s\n\n", u,
	    w->sl_secret);
	free(u);
	u = sim_url(w, SIM_RANCHER);
	buf_printf(&b, "[rancher]\nurl = %s/v2-beta\naccess_key = %s\n"
	    "secret_key = %s\nproject = %s\n\n", u, w->rancher_access,
	    w->rancher_secret, w->rancher_project);
	free(u);
	u = sim_url(w, SIM_OPENSTACK);
	buf_printf(&b, "[openstack]\nauth_url = %s/v3\n"
	    "application_credential_id = %s\n"
	    "application_credential_secret = %s\nregion = RegionOne\n\n",
	    u, w->os_cred_id, w->os_cred_secret);
	free(u);
	u = sim_url(w, SIM_GREENLIGHT);
	buf_printf(&b, "[probes]\ngreenlight_url = %s/b\n\n", u);
	free(u);
	buf_printf(&b, "[ui]\nrefresh = 2s\n");
	return (buf_steal(&b));
}

/* Write atomically, mode 0600. */
int
sim_write_config(struct sim_world *w, const char *path, char **cause)
{
	char	*text, *tmp, *copy;
	FILE	*f;
	int	 fd, rc = -1;

	copy = xstrdup(path);
	tmp = xasprintf("%s/.%s.XXXXXX", dirname(copy), "bbbctl-sim");
	free(copy);
	text = sim_config_text(w);
	if ((fd = mkstemp(tmp)) == -1) {
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (fchmod(fd, 0600) != 0 || (f = fdopen(fd, "w")) == NULL) {
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (fputs(text, f) == EOF || fflush(f) != 0 || fsync(fd) != 0) {
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		fclose(f);
		unlink(tmp);
		goto out;
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	freezero_str(text);
	free(tmp);
	return (rc);
}
