#!/bin/sh
# setup-sim.sh: bbbctl setup --answers FILE runs every page's connection
# test against bbbctl-sim, as the wizard does, and explains each failure
# (TAP): the sim's own answers pass and the configuration is written; a
# wrong Rancher secret, consul token, Prometheus password, scalelite
# secret or OpenStack credential names its credential; a closed port is
# TCP refused; a name that does not resolve is DNS; a server of another
# kind is named so (consul pointed at Prometheus; a plain web server as
# Rancher); Rancher 2.x is refused; scalelite before 1.5.1 asks for the
# rake ssh host; a self-signed certificate shows its SHA-256
# fingerprint.  Nothing is written when a test fails.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/sim.sh"

sim_init
command -v python3 >/dev/null 2>&1 || skip_all "python3 not installed"
sim_start
key() {	# key SECTION KEY: a value of the sim's configuration
	awk -F' = ' -v s="[$1]" -v k="$2" '$0 == s { in_s = 1; next }
	    /^\[/ { in_s = 0 } in_s && $1 == k { print $2; exit }' "$conf"
}
export HOME="$tmp/home"
unset XDG_CONFIG_HOME BBBCTL_CONFIG
export BBBCTL_STACKS_DIR="$top/data/stacks"
mkdir -p "$HOME"
out_conf=$tmp/out/bbbctl.conf

# answers [SECTION KEY VALUE]...: the sim's answers with some replaced.
answers() {
	awk -v repl="$*" '
	BEGIN { n = split(repl, r, " ") }
	/^\[/ { sec = $0; print; next }
	/ = / {
		split($0, kv, " = ")
		for (i = 1; i + 2 <= n; i += 3)
			if ("[" r[i] "]" == sec && r[i + 1] == kv[1]) {
				print kv[1] " = " r[i + 2]; next
			}
	}
	{ print }' >"$tmp/answers.ini" <<EOT
[cluster]
name = sim
domain = bbb.example.org
nodes = 3
[openstack]
auth_url = $(key openstack auth_url)
application_credential_id = $(key openstack application_credential_id)
application_credential_secret = $(key openstack application_credential_secret)
region = $(key openstack region)
[rancher]
url = $rurl
access_key = $ak
secret_key = $sk
project = $(key rancher project)
[consul]
url = $(key consul url)
token = $token
[prometheus]
url = $(key prometheus url)
user = $(key prometheus user)
password = $(key prometheus password)
[scalelite]
url = $(key scalelite url)
secret = $slsecret
[postgres]
mode = create
EOT
	chmod 600 "$tmp/answers.ini"
}
setup() {
	rm -rf "$tmp/out"
	"$build/bbbctl" --config "$out_conf" --log "$tmp/log" setup \
	    --answers "$tmp/answers.ini" >"$tmp/so" 2>"$tmp/se"
	rc=$?
	so=$(cat "$tmp/so")
	se=$(cat "$tmp/se")
}
build=${top_builddir:-.}
has() {	# has TEXT PATTERN DESC
	case "$1" in
	*"$2"*) ok 0 "$3" ;;
	*) ok 1 "$3"; diag "wanted '$2' in:"; diag "$1" ;;
	esac
}
refused() {	# refused PATTERN DESC: exit 1, the pattern, nothing written
	is "$rc" 1 "$2: exit 1"
	has "$se" "$1" "$2: says so"
	[ ! -e "$out_conf" ]; ok $? "$2: nothing written"
}

answers
setup
is "$rc" 0 "the sim's answers: every test passes, exit 0"
has "$so" "openstack: Keystone v3: a token" "Keystone tested"
has "$so" "rancher: Rancher 1.6: environment" "Rancher tested"
has "$so" "consul: " "consul tested"
has "$so" "prometheus: Prometheus: " "Prometheus tested"
has "$so" "scalelite: scalelite 1.5.1 or later" "scalelite tested"
[ -s "$out_conf" ]; ok $? "the configuration is written"
"$build/bbbctl" config check "$out_conf" >/dev/null 2>&1
ok $? "config check accepts it"
XDG_STATE_HOME="$tmp/state" "$build/bbbctl" --config "$out_conf" \
    status >/dev/null 2>&1
st=$?
[ "$st" -le 2 ]; ok $? "bbbctl status runs on it against the sim ($st)"

answers rancher secret_key wrong
setup
refused "[rancher] connection test: HTTP 401: Rancher refused the API key pair" \
    "a wrong Rancher secret key"
answers openstack application_credential_secret wrong
setup
refused "[openstack] connection test: HTTP 401: Keystone refused the application credential" \
    "a wrong OpenStack secret"
answers consul token wrong
setup
refused "[consul] connection test: HTTP 403: consul refused the ACL token" \
    "a wrong consul token"
answers prometheus password wrong
setup
refused "[prometheus] connection test: HTTP 401: refused the Prometheus user and password" \
    "a wrong Prometheus password"
answers scalelite secret wrong
setup
refused "[scalelite] connection test: scalelite refused the shared secret" \
    "a wrong scalelite secret"
grep -qF -e "$sk" -e "$token" -e "$slsecret" "$tmp/se" "$tmp/so" "$tmp/log"
[ $? -ne 0 ]; ok $? "no secret in the output or the log"

answers consul url "$(key prometheus url)"
setup
refused "[consul] connection test: not consul" "consul pointed at Prometheus"

# A closed port: take one the sim used and stopped using.
python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' >"$tmp/port"
answers rancher url "http://127.0.0.1:$(cat "$tmp/port")"
setup
refused "[rancher] connection test: TCP: 127.0.0.1:$(cat "$tmp/port") refused the connection" \
    "a closed port"
answers rancher url "http://no-such-host.invalid:8080"
setup
refused "[rancher] connection test: DNS: the name in no-such-host.invalid:8080 does not resolve" \
    "a name that does not resolve"

fake() {	# fake MODE: start setup-fake.py, its port in fport
	python3 "$top/tests/integration/setup-fake.py" "$1" >"$tmp/fake.$1" &
	fpids="$fpids $!"
	wait_for test -s "$tmp/fake.$1"
	fport=$(cat "$tmp/fake.$1")
}
fpids=
trap 'kill $fpids 2>/dev/null; sim_cleanup' EXIT INT TERM
fake rancher2
answers rancher url "http://127.0.0.1:$fport"
setup
refused "[rancher] connection test: this is Rancher 2.x" "Rancher 2.x"
fake other
answers rancher url "http://127.0.0.1:$fport"
setup
refused "[rancher] connection test: not a Rancher 1.6 server" \
    "a web server that is not Rancher"
fake scalelite1
answers scalelite url "http://127.0.0.1:$fport"
setup
refused "[scalelite] connection test: scalelite before 1.5.1 (no admin API): fill in 'rake ssh host'" \
    "scalelite before 1.5.1 without a rake ssh host"

# A self-signed certificate: its fingerprint.
if openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj \
    "/CN=127.0.0.1/O=bbbctl setup test" -keyout "$tmp/key.pem" \
    -out "$tmp/cert.pem" >/dev/null 2>&1; then
	tport=$(cat "$tmp/port")
	openssl s_server -quiet -accept "$tport" -cert "$tmp/cert.pem" \
	    -key "$tmp/key.pem" -www >/dev/null 2>&1 </dev/null &
	fpids="$fpids $!"
	wait_for sh -c "openssl s_client -connect 127.0.0.1:$tport </dev/null >/dev/null 2>&1"
	fp=$(openssl x509 -in "$tmp/cert.pem" -noout -fingerprint -sha256 |
	    sed 's/^.*=//')
	answers consul url "https://127.0.0.1:$tport"
	setup
	refused "[consul] connection test: TLS: the certificate of 127.0.0.1:$tport is not trusted" \
	    "a self-signed certificate"
	has "$se" "SHA-256 $fp, issuer /CN=127.0.0.1/O=bbbctl setup test" \
	    "... its SHA-256 fingerprint and issuer"
else
	ok 0 "# SKIP openssl cannot make a certificate"
fi

done_testing
