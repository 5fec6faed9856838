#!/bin/sh
# probe-pg.sh: the postgres probe (libpq, asynchronous, on the loop)
# against a real PostgreSQL started here: up (version, connections in
# use of max_connections), wrong password, max_connections reached,
# server down; the password never printed (TAP).
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$top}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/pg.sh"

bbbctl=$build/bbbctl
[ -x "$bbbctl" ] || skip_all "bbbctl not built"
pg_setup
tmp=$PG_ROOT/t
mkdir -p "$tmp"
export HOME="$tmp"
unset BBBCTL_CONFIG
pw=Probe-7c1d90ab
conf=$tmp/bbbctl.conf
holders=

pg_on_exit() {
	[ -n "$holders" ] && kill $holders 2>/dev/null
	return 0
}

# Passwords on TCP, trust on the socket (for psql here).
cat >"$PG_DIR/pg_hba.conf" <<EOF
local all all trust
host all all 127.0.0.1/32 scram-sha-256
EOF
echo "max_connections = 8" >>"$PG_DIR/postgresql.conf"
echo "superuser_reserved_connections = 3" >>"$PG_DIR/postgresql.conf"
pg_start
ok $? "PostgreSQL started on 127.0.0.1:$PG_PORT"
pg_psql "CREATE ROLE prober LOGIN PASSWORD '$pw'" >/dev/null
ok $? "role created"

writeconf() {
	cat >"$conf" <<EOF
[postgres]
conninfo = host=127.0.0.1 port=$PG_PORT dbname=postgres user=prober password=$1
[probes]
timeout = 3s
EOF
	chmod 600 "$conf"
}

# up
writeconf "$pw"
out=$("$bbbctl" --config "$conf" probe --json postgres 2>&1)
rc=$?
is "$rc" 0 "up: exit 0"
is "$(printf '%s' "$out" | jq -r '.services[0].state')" ok "up: state ok"
ver=$(pg_psql "SHOW server_version")
printf '%s' "$out" | jq -r '.services[0].detail' | grep -q "PostgreSQL $ver, "
ok $? "up: detail names the server version $ver"
is "$(printf '%s' "$out" | jq -r '.services[0].connections_max')" 5 \
    "up: connections_max is max_connections less the superuser reserve"
used=$(printf '%s' "$out" | jq -r '.services[0].connections_used')
[ "$used" -ge 1 ] && [ "$used" -le 5 ]
ok $? "up: connections in use counted ($used, the probe's own included)"

# a host name: resolved off the loop, every address tried (localhost
# may give ::1 first, where nothing listens)
sed -i 's/host=127.0.0.1 /host=localhost /' "$conf"
out=$("$bbbctl" --config "$conf" probe --json postgres 2>&1)
is "$?" 0 "host=localhost: exit 0"
is "$(printf '%s' "$out" | jq -r '.services[0].target')" "localhost:$PG_PORT" \
    "host=localhost: the target names it"

# A host list of names (host=a,b): every name is looked up off the loop
# too.  With the preload library each lookup of a *.slow.test name takes
# SLOW_RESOLVE_MS and then gives 127.0.0.1; a lookup on the loop (libpq's
# own) would hold the loop, and the probe, past its deadline.
shim=$tmp/slow-resolve.so
${CC:-cc} -shared -fPIC -o "$shim" "$top/tests/integration/slow-resolve.c" \
    -ldl 2>"$tmp/cc.err"
ok $? "the preload library builds"
if [ -f "$shim" ]; then
	sed -i 's/host=localhost /host=a.slow.test,b.slow.test /' "$conf"
	out=$(SLOW_RESOLVE_MS=200 LD_PRELOAD=$shim "$bbbctl" --config "$conf" \
	    probe --json postgres 2>&1)
	is "$?" 0 "host=a,b (names): exit 0"
	is "$(printf '%s' "$out" | jq -r '.services[0].state')" ok \
	    "host=a,b (names): state ok"
	sed -i 's/^timeout = .*/timeout = 1s/' "$conf"
	t0=$(date +%s%N)
	out=$(SLOW_RESOLVE_MS=6000 LD_PRELOAD=$shim "$bbbctl" --config "$conf" \
	    probe --json postgres 2>&1)
	rc=$?
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	diag "names that take 6 s to look up, probe timeout 1 s: ${ms} ms"
	is "$rc" 2 "host=a,b, lookups slower than the deadline: exit 2"
	is "$(printf '%s' "$out" | jq -r '.services[0].failure')" timeout \
	    "host=a,b, lookups slower than the deadline: failure 'timeout'"
	[ "$ms" -lt 3500 ]
	ok $? "host=a,b: the probe ends at its deadline, not after the lookups (${ms} ms)"
	printf '%s' "$out" | grep -q "$pw"
	ok $(( ! $? )) "host=a,b: no password printed"
else
	diag "$(cat "$tmp/cc.err")"
fi

# wrong password
writeconf "Wrong-$pw"
out=$("$bbbctl" --config "$conf" probe postgres 2>&1)
is "$?" 2 "wrong password: exit 2 (critical)"
printf '%s\n' "$out" | grep -q 'postgres credentials refused: .*password authentication failed'
ok $? "wrong password: the service-auth problem says so"
printf '%s\n' "$out" | grep -q "$pw"
ok $(( ! $? )) "wrong password: no password printed"

# Sessions of a plain user hold the non-reserved slots.
writeconf "$pw"
hold() {
	PGPASSWORD=$pw "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" \
	    -U prober -d postgres -c "SELECT pg_sleep(60)" >/dev/null 2>&1 &
	holders="$holders $!"
}
nheld() {
	pg_psql "SELECT count(*) FROM pg_stat_activity WHERE usename = 'prober'"
}
# A slot frees a moment after its session ends (the probe's own): a
# session refused meanwhile is started again.
hold_until() {
	local try=0 n w
	while [ $try -lt 100 ]; do
		n=$(nheld)
		[ "$n" -eq "$1" ] && return 0
		[ "$n" -gt "$1" ] && return 1
		hold
		# until it is in, or was refused and ended
		w=0
		while [ $w -lt 30 ] && [ "$(nheld)" -eq "$n" ] &&
		    kill -0 "$!" 2>/dev/null; do
			sleep 0.1
			w=$((w + 1))
		done
		try=$((try + 1))
	done
	return 1
}
hold_until 4
ok $? "four sessions hold four of the five slots"
out=$("$bbbctl" --config "$conf" probe --json postgres 2>&1)
is "$?" 1 "nearly full (5 of 5 with the probe): exit 1"
is "$(printf '%s' "$out" | jq -r '.services[0].state')" warning \
    "nearly full: state warning"

# max_connections reached
hold_until 5
ok $? "five sessions hold every non-reserved slot"
out=$("$bbbctl" --config "$conf" probe --json postgres 2>&1)
is "$?" 2 "full: exit 2"
is "$(printf '%s' "$out" | jq -r '.services[0].failure')" full \
    "full: failure 'full'"
printf '%s' "$out" | jq -r '.services[0].fix' | grep -q max_connections
ok $? "full: the fix names max_connections"
kill $holders 2>/dev/null
wait 2>/dev/null
holders=

# down
pg_stop
out=$("$bbbctl" --config "$conf" probe --json postgres 2>&1)
is "$?" 2 "down: exit 2"
is "$(printf '%s' "$out" | jq -r '.services[0].failure')" refused \
    "down: failure 'refused'"
printf '%s' "$out" | grep -q "$pw"
ok $(( ! $? )) "down: no password printed"

done_testing
