# consul-client.py: python-consul (Debian python3-consul) against bbbctl-sim's
# consul: catalog, health (blocking), KV (cas, flags, recurse, keys),
# sessions (TTL, lock-delay, behaviours), locks, ACLs, the agent.
#   CONSUL_URL, CONSUL_TOKEN, CONTROL_URL in the environment.
import os
import threading
import time
import urllib.parse
import urllib.request

import consul

from tap import eq, ok, raises, run

url = urllib.parse.urlparse(os.environ["CONSUL_URL"])
token = os.environ["CONSUL_TOKEN"]
control = os.environ["CONTROL_URL"]


def tick(ms):
    req = urllib.request.Request("%s/tick?ms=%d" % (control, ms),
                                 data=b"", method="POST")
    urllib.request.urlopen(req).read()


def main():
    c = consul.Consul(host=url.hostname, port=url.port, token=token)
    # python-consul 0.7.1 sends no token with its session calls (they
    # would be anonymous, denied by consul with ACLs on): the token also
    # goes in the header of every request of c.
    c.http.session.headers["X-Consul-Token"] = token
    anon = consul.Consul(host=url.hostname, port=url.port)
    wrong = consul.Consul(host=url.hostname, port=url.port, token="nope")

    # catalog
    eq(c.catalog.datacenters(), ["dc1"], "catalog.datacenters")
    idx, svcs = c.catalog.services()
    ok(int(idx) > 0 and "bbb" in svcs and "consul" in svcs,
       "catalog.services: bbb and consul, with an index", svcs)
    idx, nodes = c.catalog.service("bbb")
    ok(len(nodes) > 0 and all(n["ServiceName"] == "bbb" for n in nodes),
       "catalog.service bbb")
    names = [n["Node"] for n in nodes]
    idx, cn = c.catalog.nodes()
    ok("consul-01" in [n["Node"] for n in cn] and
       set(names) <= set(n["Node"] for n in cn), "catalog.nodes")
    idx, one = c.catalog.node(names[0])
    eq(one["Node"]["Node"], names[0], "catalog.node names the node")
    ok("bbb" in one["Services"], "catalog.node lists its services")
    idx, none = c.catalog.node("no-such-node")
    eq(none, None, "catalog.node of an unknown node is None")

    # health
    idx, hs = c.health.service("bbb")
    eq(len(hs), len(nodes), "health.service: one entry per node")
    ok(all(any(k["CheckID"] == "serfHealth" for k in h["Checks"])
           for h in hs), "health.service entries carry serfHealth")
    idx, passing = c.health.service("bbb", passing=True)
    ok(all(all(k["Status"] == "passing" for k in h["Checks"])
           for h in passing), "health.service passing=True: all passing")
    idx, checks = c.health.checks("bbb")
    eq(len(checks), len(nodes), "health.checks bbb: one check per node")
    idx, nc = c.health.node(names[0])
    ok("serfHealth" in [k["CheckID"] for k in nc], "health.node")
    idx, st = c.health.state("any")
    ok(len(st) >= len(nodes), "health.state any")

    # blocking: nothing changes, the wait ends after about 1 s
    idx, _ = c.health.service("bbb")
    t0 = time.time()
    idx2, _ = c.health.service("bbb", index=idx, wait="1s")
    dt = time.time() - t0
    ok(0.9 <= dt < 3 and idx2 == idx,
       "health.service blocks for wait= when nothing changes", dt)

    # blocking: a node's check going critical ends the wait early
    def post(path):
        req = urllib.request.Request("%s%s" % (control, path), data=b"",
                                     method="POST")
        urllib.request.urlopen(req).read()

    th = threading.Timer(0.3, lambda: post("/nodes/%s/consul-fail" %
                                           names[0]))
    th.start()
    t0 = time.time()
    idx2, hs2 = c.health.service("bbb", index=idx, wait="10s",
                                 passing=True)
    th.join()
    ok(time.time() - t0 < 5 and int(idx2) > int(idx) and
       names[0] not in [h["Node"]["Node"] for h in hs2],
       "health.service passing blocks until a check fails")
    post("/nodes/%s/consul-pass" % names[0])

    # KV
    ok(c.kv.put("conf/app/a", "1"), "kv.put")
    idx, e = c.kv.get("conf/app/a")
    eq(e["Value"], b"1", "kv.get value")
    ok(not c.kv.put("conf/app/a", "2", cas=0), "kv.put cas=0 on a key fails")
    ok(c.kv.put("conf/app/a", "2", cas=e["ModifyIndex"]),
       "kv.put cas=ModifyIndex succeeds")
    ok(c.kv.put("conf/app/b", "x", flags=42), "kv.put flags")
    c.kv.put("conf/other", "y")
    idx, es = c.kv.get("conf/app/", recurse=True)
    eq([x["Key"] for x in es], ["conf/app/a", "conf/app/b"], "kv recurse")
    eq(es[1]["Flags"], 42, "kv flags kept")
    idx, ks = c.kv.get("conf/", keys=True, separator="/")
    eq(ks, ["conf/app/", "conf/other"], "kv keys with separator")
    idx, miss = c.kv.get("conf/none")
    eq(miss, None, "kv.get of a missing key is None")

    # blocking KV: a write from another thread ends the wait early
    idx, _ = c.kv.get("conf/app/a")
    th = threading.Timer(0.3, lambda: c.kv.put("conf/app/a", "3"))
    th.start()
    t0 = time.time()
    idx2, e = c.kv.get("conf/app/a", index=idx, wait="10s")
    th.join()
    ok(time.time() - t0 < 5 and int(idx2) > int(idx) and e["Value"] == b"3",
       "kv.get blocks until the key changes")
    ok(c.kv.delete("conf/", recurse=True), "kv.delete recurse")
    idx, gone = c.kv.get("conf/", recurse=True)
    eq(gone, None, "recursive delete removed everything")

    # sessions (python-consul sends lower-case keys)
    s1 = c.session.create(name="lock-a", ttl=10, lock_delay=1,
                          behavior="release")
    idx, info = c.session.info(s1)
    eq((info["Name"], info["TTL"], info["Behavior"], info["LockDelay"]),
       ("lock-a", "10s", "release", 1000000000),
       "session.create: name, ttl, behavior, lock_delay as sent")
    s2 = c.session.create(name="lock-b", ttl=30, lock_delay=1)
    ok(c.kv.put("locks/x", "holder a", acquire=s1), "acquire a free lock")
    ok(not c.kv.put("locks/x", "holder b", acquire=s2),
       "acquire a held lock fails")
    idx, e = c.kv.get("locks/x")
    eq(e.get("Session"), s1, "the key names its holder")
    c.session.destroy(s1)
    ok(not c.kv.put("locks/x", "holder b", acquire=s2),
       "after destroy the lock-delay keeps the key")
    time.sleep(1.2)
    ok(c.kv.put("locks/x", "holder b", acquire=s2),
       "after the lock-delay the key can be taken")
    ok(c.kv.put("locks/x", "", release=s2), "release")
    idx, e = c.kv.get("locks/x")
    ok("Session" not in e, "released: no holder")
    idx, renewed = None, c.session.renew(s2)
    eq(renewed["ID"], s2, "session.renew")
    idx, ls = c.session.list()
    ok(s2 in [x["ID"] for x in ls], "session.list")
    idx, ns = c.session.node("consul-01")
    ok(s2 in [x["ID"] for x in ns], "session.node")

    # the TTL holds: 2 x ttl later (sim time) the session is gone
    s3 = c.session.create(ttl=10, behavior="delete")
    ok(c.kv.put("locks/eph", "x", acquire=s3), "acquire with a delete session")
    tick(25000)
    idx, e = c.kv.get("locks/eph")
    eq(e, None, "an expired delete session's key is deleted")
    idx, info = c.session.info(s3)
    eq(info, None, "the expired session is gone")

    # agent
    me = c.agent.self()
    eq(me["Config"]["Datacenter"], "dc1", "agent.self")
    ok(c.agent.service.register("probe", service_id="probe-1",
                                address="10.0.0.9", port=8080, tags=["t"],
                                check=consul.Check.http(
                                    "http://10.0.0.9:8080/", "10s")),
       "agent.service.register")
    idx, p = c.catalog.service("probe")
    eq([x["ServiceID"] for x in p], ["probe-1"], "registered service listed")
    idx, pc = c.health.checks("probe")
    eq(len(pc), 1, "its check is listed")
    # python-consul 0.7.1 deregisters with GET, which consul >= 1.0
    # refuses (405: the agent endpoints take PUT only)
    ok(not c.agent.service.deregister("probe-1"),
       "python-consul's GET deregister is refused, as by consul 1.x")
    r = c.http.session.put("%s/v1/agent/service/deregister/probe-1" %
                           os.environ["CONSUL_URL"])
    eq(r.status_code, 200, "deregister with PUT")
    idx, p = c.catalog.service("probe")
    eq(p, [], "deregistered")
    ok(c.status.leader().endswith(":8300"), "status.leader")

    # ACL: anonymous reads are filtered or denied, writes denied
    idx, svcs = anon.catalog.services()
    eq(svcs, {}, "anonymous catalog.services is filtered to nothing")
    raises(consul.ACLPermissionDenied, lambda: anon.kv.get("locks/x"),
           "anonymous kv.get is denied")
    raises(consul.ACLPermissionDenied, lambda: anon.kv.put("k", "v"),
           "anonymous kv.put is denied")
    raises(consul.ACLPermissionDenied, lambda: wrong.catalog.services(),
           "a wrong token is denied")


run(main)
