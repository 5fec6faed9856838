# openstack-client.py: keystoneauth1, novaclient, openstacksdk and the
# openstack CLI (Debian python3-keystoneauth1, -novaclient, -openstacksdk,
# -openstackclient) against bbbctl-sim's Keystone, Nova, Glance and
# Neutron.  The CLI's commands run in this one process through its own
# entry point (openstackclient.shell.main, what /usr/bin/openstack calls):
# a fresh process per command costs seconds.
#   OS_AUTH_URL, OS_APPLICATION_CREDENTIAL_ID/_SECRET, CONTROL_URL,
#   PUBKEY (an OpenSSH public key file) in the environment.
import base64
import contextlib
import hashlib
import io
import json
import logging
import os
import urllib.request

from tap import eq, ok, raises, run

auth_url = os.environ["OS_AUTH_URL"]
cred_id = os.environ["OS_APPLICATION_CREDENTIAL_ID"]
cred_secret = os.environ["OS_APPLICATION_CREDENTIAL_SECRET"]
control = os.environ["CONTROL_URL"]
pubkey = os.environ["PUBKEY"]
IMAGE = "ubuntu-20.04-bbb"
NET_ID = "a1b2c3d4-0000-4000-8000-000000000001"


def tick(ms):
    req = urllib.request.Request("%s/tick?ms=%d" % (control, ms),
                                 data=b"", method="POST")
    urllib.request.urlopen(req).read()


def keystone():
    from keystoneauth1 import session
    from keystoneauth1.identity import v3

    auth = v3.ApplicationCredential(auth_url=auth_url,
                                    application_credential_id=cred_id,
                                    application_credential_secret=cred_secret)
    sess = session.Session(auth=auth)
    tok = sess.get_token()
    ok(tok is not None and len(tok) > 20, "keystoneauth1: a token")
    for t in ("compute", "image", "network"):
        ep = sess.get_endpoint(service_type=t, interface="public",
                               region_name="RegionOne")
        ok(ep is not None, "keystoneauth1: a public %s endpoint" % t, ep)
    r = sess.get(auth_url + "/auth/tokens",
                 headers={"X-Subject-Token": tok}, authenticated=True)
    eq(r.status_code, 200, "keystone validates the token (GET auth/tokens)")
    data = sess.get_endpoint_data(service_type="compute",
                                  interface="public")
    ok(data.max_microversion is not None and
       tuple(data.max_microversion) >= (2, 37),
       "compute microversions discovered", data.max_microversion)
    bad = v3.ApplicationCredential(auth_url=auth_url,
                                   application_credential_id=cred_id,
                                   application_credential_secret="wrong")
    from keystoneauth1 import exceptions as ksexc
    raises(ksexc.Unauthorized,
           lambda: session.Session(auth=bad).get_token(),
           "a wrong secret is 401")
    return sess


def nova(sess):
    from novaclient import client
    from novaclient import exceptions as nexc

    nc = client.Client("2.1", session=sess)
    vs = nc.versions.list()
    ok(any(v.id == "v2.1" for v in vs), "novaclient versions.list")
    cur = nc.versions.get_current()
    ok(cur is not None and cur.version.startswith("2."),
       "novaclient versions.get_current")
    servers = nc.servers.list()
    ok(len(servers) >= 3, "novaclient servers.list")
    f = nc.flavors.get("4")
    eq(f.name, "m1.large", "novaclient flavors.get")
    eq(f.get_keys(), {}, "novaclient flavor extra specs")
    eq(nc.flavors.find(name="m1.xlarge").id, "5", "novaclient flavors.find")
    lim = {l.name: l.value for l in nc.limits.get().absolute}
    ok(lim.get("maxTotalInstances", 0) > lim.get("totalInstancesUsed", 0),
       "novaclient limits: room for instances", lim)
    with open(pubkey) as fh:
        pk = fh.read().strip()
    kp = nc.keypairs.create("conf-nova", public_key=pk)
    ok(kp.fingerprint.count(":") == 15, "novaclient keypairs.create")
    ok("conf-nova" in [k.name for k in nc.keypairs.list()],
       "novaclient keypairs.list")
    raises(nexc.Conflict, lambda: nc.keypairs.create("conf-nova",
           public_key=pk), "the same key pair again is 409")
    nc.keypairs.delete("conf-nova")
    raises(nexc.NotFound, lambda: nc.keypairs.get("conf-nova"),
           "a deleted key pair is 404")
    n237 = client.Client("2.37", session=sess)
    srv = n237.servers.create("conf-nova-1",
                              "4f5e8c1a-2b3d-4e6f-8a9b-0c1d2e3f4a5b", "4",
                              nics="auto")
    eq(n237.servers.get(srv.id).status, "BUILD",
       "novaclient 2.37 create with nics=auto")
    raises(nexc.BadRequest, lambda: nc.servers.create(
        "conf-nova-2", "4f5e8c1a-2b3d-4e6f-8a9b-0c1d2e3f4a5b", "m1.large"),
        "a flavor name is no flavorRef")
    n237.servers.delete(srv)


def sdk():
    import openstack

    conn = openstack.connect(auth_type="v3applicationcredential",
                             auth_url=auth_url,
                             application_credential_id=cred_id,
                             application_credential_secret=cred_secret,
                             region_name="RegionOne")
    names = [s.name for s in conn.compute.servers()]
    ok("rancher-server" in names, "openstacksdk compute.servers")
    ok(conn.compute.get_endpoint_data().max_microversion is not None,
       "openstacksdk discovers compute microversions")
    eq([i.name for i in conn.image.images(name=IMAGE)], [IMAGE],
       "openstacksdk image.images(name=)")
    net = conn.network.find_network("bbb-net")
    eq(net.id if net else None, NET_ID, "openstacksdk network.find_network")
    fl = conn.compute.find_flavor("m1.large")
    eq(fl.vcpus if fl else None, 4, "openstacksdk compute.find_flavor")
    lim = conn.compute.get_limits()
    ok(lim.absolute.instances > lim.absolute.instances_used,
       "openstacksdk compute.get_limits")
    img = conn.image.find_image(IMAGE)
    s = conn.compute.create_server(name="conf-sdk-1", image_id=img.id,
                                   flavor_id=fl.id,
                                   networks=[{"uuid": net.id}],
                                   key_name="deploy")
    eq(conn.compute.get_server(s.id).status, "BUILD",
       "openstacksdk create_server: BUILD")
    tick(60000)
    s = conn.compute.wait_for_server(s, status="ACTIVE", wait=10)
    eq(s.status, "ACTIVE", "openstacksdk wait_for_server: ACTIVE")
    ok(s.updated_at >= s.created_at, "updated is not before created")
    conn.compute.delete_server(s)
    tick(10000)
    conn.compute.wait_for_delete(s, wait=10)
    eq(conn.compute.find_server("conf-sdk-1"), None,
       "openstacksdk delete_server: gone")


def cli(argv):
    """One openstack CLI command; (exit status, stdout)."""
    from openstackclient import shell

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            rc = shell.main(argv)
        except SystemExit as e:
            rc = e.code
    # each run adds its handlers to the root logger
    logging.getLogger().handlers.clear()
    return rc, out.getvalue()


def cli_json(argv, desc):
    rc, out = cli(argv + ["-f", "json"])
    try:
        data = json.loads(out) if rc == 0 else None
    except ValueError:
        data = None
    ok(rc == 0 and data is not None, "openstack %s" % " ".join(argv),
       "exit %s: %s" % (rc, out[-800:]))
    return data


def openstack_cli():
    servers = cli_json(["server", "list"], "server list") or []
    ok(any(s["Name"] == "infra-01" for s in servers),
       "server list names the servers")
    flavors = cli_json(["flavor", "list"], "flavor list") or []
    ok("m1.large" in [f["Name"] for f in flavors], "flavor list names")
    f = cli_json(["flavor", "show", "m1.large"], "flavor show") or {}
    eq(f.get("vcpus"), 4, "flavor show m1.large: 4 vcpus")
    imgs = cli_json(["image", "list"], "image list") or []
    ok(IMAGE in [i["Name"] for i in imgs], "image list names")
    nets = cli_json(["network", "list"], "network list") or []
    ok("bbb-net" in [n["Name"] for n in nets], "network list names")
    lim = cli_json(["limits", "show", "--absolute"], "limits") or []
    ok("maxTotalInstances" in [x["Name"] for x in lim],
       "limits show --absolute has maxTotalInstances")
    kp = cli_json(["keypair", "create", "--public-key", pubkey,
                   "conf-cli"], "keypair create") or {}
    ok(kp.get("fingerprint", "").count(":") == 15,
       "keypair create: nova's MD5 fingerprint")
    kps = cli_json(["keypair", "list"], "keypair list") or []
    ok("conf-cli" in [k["Name"] for k in kps], "keypair list names it")
    rc, out = cli(["keypair", "delete", "conf-cli"])
    eq(rc, 0, "openstack keypair delete")
    # no public key: nova (before 2.92) makes one; the CLI prints the
    # private key
    rc, out = cli(["keypair", "create", "conf-gen"])
    ok(rc == 0 and "-----BEGIN RSA PRIVATE KEY-----" in out,
       "keypair create without a key: the private key", out[-300:])
    kp = cli_json(["keypair", "show", "conf-gen"], "keypair show") or {}
    rc, out = cli(["keypair", "show", "--public-key", "conf-gen"])
    blob = base64.b64decode(out.split()[1]) if rc == 0 else b""
    md5 = hashlib.md5(blob).hexdigest()
    eq(kp.get("fingerprint"), ":".join(md5[i:i + 2] for i in range(0, 32, 2)),
       "its fingerprint is the MD5 of its public key")
    ok(blob[4:11] == b"ssh-rsa", "its public key is an ssh-rsa key")
    cli(["keypair", "delete", "conf-gen"])
    s = cli_json(["server", "create", "--flavor", "m1.large", "--image",
                  IMAGE, "--network", "bbb-net", "--key-name", "deploy",
                  "conf-cli-1"], "server create") or {}
    eq(s.get("status"), "BUILD", "server create: BUILD")
    tick(60000)
    s = cli_json(["server", "show", "conf-cli-1"], "server show") or {}
    eq(s.get("status"), "ACTIVE", "server show: ACTIVE after the build")
    ok("bbb-net" in str(s.get("addresses")), "server show: its network")
    rc, out = cli(["server", "delete", "conf-cli-1"])
    eq(rc, 0, "openstack server delete")
    tick(10000)
    rc, out = cli(["server", "show", "conf-cli-1"])
    ok(rc != 0, "a deleted server is gone")


def main():
    sess = keystone()
    nova(sess)
    sdk()
    openstack_cli()


run(main)
