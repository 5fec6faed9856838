#!/bin/sh
# probe-coturn.sh: the STUN/TURN probes against the real coturn started
# here on loopback (use-auth-secret, a certificate for its TLS port from
# a CA made here), and the TLS probe against openssl s_server endpoints
# whose certificates expire in 3 days, expired, or are self-signed with
# no CA configured (TAP).
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$top}
. "$top/tests/lib/tap.sh"

bbbctl=$build/bbbctl
[ -x "$bbbctl" ] || skip_all "bbbctl not built"
[ "${BBBCTL_SKIP_INTEGRATION:-0}" = 1 ] && skip_all "BBBCTL_SKIP_INTEGRATION=1"
turnserver=$(command -v turnserver || echo /usr/bin/turnserver)
[ -x "$turnserver" ] || skip_all "no turnserver (Debian package coturn)"
command -v openssl >/dev/null 2>&1 || skip_all "no openssl"
command -v jq >/dev/null 2>&1 || skip_all "no jq"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bbbctl-turn.XXXXXX") || exit 1
pids=
cleanup() {
	[ -n "$pids" ] && kill $pids 2>/dev/null
	[ -f "$tmp/turn.pid" ] && kill "$(cat "$tmp/turn.pid")" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
export HOME="$tmp"
unset BBBCTL_CONFIG

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# A CA, and certificates it signs (openssl ca can date them at will).
cd "$tmp" || exit 1
mkdir ca
touch ca/index.txt
echo 01 >ca/serial
cat >ca/ca.cnf <<EOF
[ca]
default_ca = d
[d]
dir = $tmp/ca
database = $tmp/ca/index.txt
serial = $tmp/ca/serial
new_certs_dir = $tmp/ca
default_md = sha256
policy = p
copy_extensions = copy
unique_subject = no
[p]
commonName = supplied
EOF
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca/ca.key -out ca.pem \
    -days 30 -subj /CN=bbbctl-test-ca >/dev/null 2>&1
ok $? "test CA made"
cert() {	# name start end
	openssl req -new -newkey rsa:2048 -nodes -keyout "$1.key" \
	    -out "$1.csr" -subj /CN=127.0.0.1 \
	    -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 &&
	openssl ca -batch -config ca/ca.cnf -cert ca.pem -keyfile ca/ca.key \
	    -in "$1.csr" -out "$1.pem" -startdate "$2" -enddate "$3" \
	    >/dev/null 2>&1
}
past=20200101000000Z
cert turn "$past" "$(date -u -d '+30 days' +%Y%m%d%H%M%SZ)" &&
cert soon "$past" "$(date -u -d '+3 days' +%Y%m%d%H%M%SZ)" &&
cert expired "$past" 20200201000000Z &&
openssl req -x509 -newkey rsa:2048 -nodes -keyout self.key -out self.pem \
    -days 30 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    >/dev/null 2>&1
ok $? "certificates made (valid, expiring in 3 days, expired, self-signed)"

port=$(free_port)
tport=$(free_port)
secret=Turn-5a9c0e11
start_turn() {
	"$turnserver" -n --listening-ip=127.0.0.1 --listening-port="$port" \
	    --tls-listening-port="$tport" --relay-ip=127.0.0.1 \
	    --min-port=49200 --max-port=49300 --realm=test.local \
	    --use-auth-secret --static-auth-secret="$secret" --no-cli \
	    --no-dtls --fingerprint --cert="$tmp/turn.pem" \
	    --pkey="$tmp/turn.key" --userdb="$tmp/turndb" \
	    --log-file="$tmp/turn.log" --simple-log \
	    --pidfile="$tmp/turn.pid" -v >/dev/null 2>&1 &
}
start_turn
listening() {
	python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1)" "$1"
}
wait_for listening "$port" && wait_for listening "$tport"
ok $? "coturn listening on 127.0.0.1:$port (TLS $tport)"

sport1=$(free_port); sport2=$(free_port); sport3=$(free_port)
for x in "soon $sport1" "expired $sport2" "self $sport3"; do
	set -- $x
	openssl s_server -quiet -accept "$2" -cert "$1.pem" -key "$1.key" \
	    -www >/dev/null 2>&1 &
	pids="$pids $!"
done
wait_for listening "$sport1" && wait_for listening "$sport2" &&
    wait_for listening "$sport3"
ok $? "TLS endpoints listening"

conf=$tmp/bbbctl.conf
writeconf() {	# secret
	cat >"$conf" <<EOF
[probes]
coturn_host = 127.0.0.1
coturn_port = $port
coturn_tls_port = $tport
turn_secret = $1
ca_file = $tmp/ca.pem
tls_endpoints = 127.0.0.1:$sport1 127.0.0.1:$sport2, 127.0.0.1:$sport3
timeout = 2s
[problems]
cert_days = 14
cert_crit_days = 2
EOF
	chmod 600 "$conf"
}
state() { printf '%s' "$out" | jq -r ".services[] | select(.name == \"$1\") | .$2"; }

# right secret
writeconf "$secret"
out=$("$bbbctl" --config "$conf" probe --json 2>"$tmp/err")
rc=$?
for s in stun-udp stun-tcp turn-udp turn-tcp turn-tls; do
	is "$(state $s state)" ok "right secret: $s ok"
done
state turn-udp detail | grep -q '^relay 127\.0\.0\.1:49[23][0-9][0-9], lifetime 600s, released$'
ok $? "turn-udp: relayed address from coturn's range, lifetime, released"
state stun-udp detail | grep -q '^mapped 127\.0\.0\.1:'
ok $? "stun-udp: XOR-MAPPED-ADDRESS is ours"
[ -n "$(state turn-tls cert_expiry)" ] && [ "$(state turn-tls cert_expiry)" != null ]
ok $? "turn-tls: the certificate's expiry is known"
# Released: coturn logged each refresh to 0 (no allocation left over).
is "$(grep -c 'refreshed, realm=<test.local>, username=<[0-9]*:bbbctl>, lifetime=0' "$tmp/turn.log")" 3 \
    "coturn saw the three allocations released (lifetime 0)"

# TLS endpoints
is "$(state "tls:127.0.0.1:$sport1" state)" ok "expiring in 3 days: chain valid"
printf '%s' "$out" | jq -r '.services[].name' >/dev/null
"$bbbctl" --config "$conf" probe "tls:127.0.0.1:$sport1" >"$tmp/soon" 2>&1
is "$?" 1 "expiring in 3 days (crit at 2): exit 1"
grep -q "^warning tls:127.0.0.1:$sport1 TLS certificate expires in 2d" "$tmp/soon"
ok $? "expiring in 3 days: the cert-expiry problem says so"
is "$(state "tls:127.0.0.1:$sport2" failure)" tls "expired: TLS failure"
state "tls:127.0.0.1:$sport2" detail | grep -q 'certificate has expired'
ok $? "expired: the detail says the certificate has expired"
is "$(state "tls:127.0.0.1:$sport3" failure)" tls "self-signed: TLS failure"
state "tls:127.0.0.1:$sport3" detail | grep -q 'self-signed certificate'
ok $? "self-signed: the detail says self-signed"
is "$rc" 2 "all probes: exit 2 (critical: expired and self-signed)"
grep -q "$secret" "$tmp/err"
ok $(( ! $? )) "the secret is not printed"
printf '%s' "$out" | grep -q "$secret"
ok $(( ! $? )) "the secret is not in the JSON"

# an https URL of a section: its certificate checked with that
# section's ca_file ([probes] ca_file not set)
cat >"$tmp/sl.conf" <<EOF
[scalelite]
url = https://127.0.0.1:$sport1
secret = x
ca_file = $tmp/ca.pem
[probes]
timeout = 2s
EOF
chmod 600 "$tmp/sl.conf"
out=$("$bbbctl" --config "$tmp/sl.conf" probe --json 2>/dev/null)
is "$(state "tls:127.0.0.1:$sport1" state)" ok \
    "[scalelite] ca_file: the https endpoint's chain is valid"
[ "$(state scalelite kind)" = http ] && [ "$(state scalelite state)" = failed ]
ok $? "its /health_check (not scalelite here) fails on its own"

# wrong secret
writeconf "Wrong-$secret"
out=$("$bbbctl" --config "$conf" probe 2>&1)
is "$?" 2 "wrong secret: exit 2"
for s in turn-udp turn-tcp turn-tls; do
	printf '%s\n' "$out" | grep -q "^critical $s credentials refused: Allocate: 401 Unauthorized with the REST credentials - coturn's static-auth-secret differs from \[probes\] turn_secret"
	ok $? "wrong secret: $s 401, the problem says so"
done
printf '%s\n' "$out" | grep -q "^stun-udp  *ok"
ok $? "wrong secret: STUN still ok"

# coturn stopped
kill "$(cat "$tmp/turn.pid")"
stopped() { ! listening "$port"; }
wait_for stopped
writeconf "$secret"
t0=$(date +%s%N)
out=$("$bbbctl" --config "$conf" probe --json 2>&1)
t1=$(date +%s%N)
is "$(state stun-tcp failure)" refused "stopped: stun-tcp refused"
is "$(state turn-tcp failure)" refused "stopped: turn-tcp refused"
is "$(state turn-tls failure)" refused "stopped: turn-tls refused"
is "$(state stun-udp failure)" timeout "stopped: stun-udp timeout"
is "$(state turn-udp failure)" timeout "stopped: turn-udp timeout"
ms=$(( (t1 - t0) / 1000000 ))
[ "$ms" -lt 4000 ]
ok $? "stopped: all probes ended with the 2 s timeout, in parallel (${ms} ms)"

done_testing
