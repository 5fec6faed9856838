#!/bin/sh
# setup.sh: the setup wizard in a real 80x24 terminal against bbbctl-sim:
# bbbctl with no configuration opens it; every page filled with the
# sim's systems, each page's connection test passing; a wrong secret
# names the credential and Enter again is needed to go on; a wrong
# consul token says it is the ACL token; Esc goes back with every answer
# kept (the secret too, never shown); a self-signed TLS endpoint
# (openssl s_server) shows its SHA-256 fingerprint and issuer, and Enter
# saves it as the page's CA file; the configuration written is 0600 and
# config check accepts it, and the dashboard starts on it; no secret on
# the screen or in the log.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/ui.sh"

ui_init
export BBBCTL_STACKS_DIR="$top/data/stacks"
ui_sim || skip_all "bbbctl-sim did not start"
key() {	# key SECTION KEY: a value of the sim's configuration
	awk -F' = ' -v s="[$1]" -v k="$2" '$0 == s { in_s = 1; next }
	    /^\[/ { in_s = 0 } in_s && $1 == k { print $2; exit }' "$ui_conf"
}
os_url=$(key openstack auth_url)
os_id=$(key openstack application_credential_id)
os_secret=$(key openstack application_credential_secret)
r_url=$(key rancher url)
r_ak=$(key rancher access_key)
r_sk=$(key rancher secret_key)
c_url=$(key consul url)
c_token=$(key consul token)
p_url=$(key prometheus url)
p_user=$(key prometheus user)
p_pass=$(key prometheus password)
s_url=$(key scalelite url)
s_secret=$(key scalelite secret)
conf=$XDG_CONFIG_HOME/bbbctl/bbbctl.conf
log=$ui_tmp/log
secrets_gone() {	# no secret on the screen
	! ui_screen | grep -qF -e "$os_secret" -e "$r_sk" -e "$c_token" \
	    -e "$p_pass" -e "$s_secret"
}

# bbbctl with no configuration found, on a terminal: the wizard.
ui_start 80 24 "$ui_bbbctl" --log "$log"
wait_for_text "No configuration found: this wizard makes one"
ok $? "bbbctl without a configuration opens the wizard at 80x24"
ui_has "bbbctl setup  1/10  The fleet"; ok $? "the first page: the fleet"
[ "$(ui_width)" -le 80 ]; ok $? "it fits 80 columns"

# The fleet: leaving a bad field shows why.
ui_keys C-u 'Uni X' Tab
wait_for_text "only a-z, 0-9 and '-'"; ok $? "a bad name: its error line"
ui_keys BTab C-u 'uni-x' Tab 'bbb.example.org' Tab BSpace '5' Enter
wait_for_text "2/10  OpenStack"; ok $? "Enter: the OpenStack page"

# OpenStack: a wrong secret names the credential.
ui_keys "$os_url" Tab "$os_id" Tab 'not-the-secret' Enter
wait_for_text "Keystone refused the application credential"
ok $? "a wrong secret: Keystone refused the application credential"
ui_has "2/10  OpenStack"; ok $? "... and the page stays"
ui_has "Enter again goes on anyway"; ok $? "... saying Enter goes on anyway"
ui_keys C-u "$os_secret" Enter
wait_for_text "3/10  Rancher"; ok $? "the right secret: tested, next page"
ui_has "Keystone v3: a token"; ok $? "... saying what the test found"

# Esc back: the answers kept.
ui_keys Escape
wait_for_text "2/10  OpenStack"; ok $? "Esc: back a page"
ui_screen | grep -F "Keystone URL" | grep -qF "$os_url"
ok $? "... the URL kept"
ui_has "********"; ok $? "... the secret kept, masked"
secrets_gone; ok $? "no secret on the screen"
ui_keys Enter
wait_for_text "3/10  Rancher"; ok $? "forward again, tested again"

# Rancher behind a self-signed certificate: its fingerprint, trust it.
ossl=$ui_tmp/tls
mkdir -p "$ossl"
tlsport=$(( 20000 + $$ % 20000 ))
if openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj \
    "/CN=127.0.0.1/O=bbbctl test CA" -addext "subjectAltName=IP:127.0.0.1" \
    -keyout "$ossl/key.pem" -out "$ossl/cert.pem" >/dev/null 2>&1; then
	openssl s_server -quiet -accept "$tlsport" -cert "$ossl/cert.pem" \
	    -key "$ossl/key.pem" -www >/dev/null 2>&1 </dev/null &
	spid=$!
	fp=$(openssl x509 -in "$ossl/cert.pem" -noout -fingerprint \
	    -sha256 | sed 's/^.*=//')
	wait_for sh -c "exec 3<>/dev/tcp/127.0.0.1/$tlsport" 2>/dev/null ||
	    sleep 1
	ui_keys "https://127.0.0.1:$tlsport" Tab "$r_ak" Tab "$r_sk" Enter
	wait_for_text "is not trusted"
	ok $? "a self-signed certificate: not trusted"
	fp1=$(printf %s "$fp" | cut -c1-47)
	fp2=$(printf %s "$fp" | cut -c49-)
	ui_has "SHA-256 $fp1" && ui_has "        $fp2"
	ok $? "... its SHA-256 fingerprint is shown"
	ui_has "bbbctl test CA"; ok $? "... and its issuer"
	ui_keys Enter
	wait_for_text "not a Rancher 1.6 server"
	ok $? "Enter trusts it: TLS passes, the server is the wrong kind"
	cmp -s "$XDG_CONFIG_HOME/bbbctl/rancher-ca.pem" "$ossl/cert.pem"
	ok $? "the certificate is saved as the Rancher CA file"
	ui_screen | grep -F "CA file" | grep -qF "rancher-ca.pem"
	ok $? "... and named in the page's CA file field"
	kill "$spid" 2>/dev/null
	# back to the sim: the URL, and no CA file
	ui_keys BTab BTab C-u "$r_url" Tab Tab Tab Tab C-u Enter
else
	for i in 1 2 3 4 5 6; do ok 0 "# SKIP openssl cannot make a cert"; done
	ui_keys "$r_url" Tab "$r_ak" Tab "$r_sk" Enter
fi
wait_for_text "4/10  consul"; ok $? "Rancher tested: the consul page"
ui_has "Rancher 1.6: environment"; ok $? "... it found the environment"

# consul: a wrong token is the ACL token.
ui_keys Tab "$c_url" Tab 'wrong-token' Enter
wait_for_text "consul refused the ACL token"; ok $? "a wrong token: the ACL token"
ui_keys C-u "$c_token" Enter
wait_for_text "5/10  Prometheus"; ok $? "consul tested: the Prometheus page"
ui_keys Tab "$p_url" Tab "$p_user" Tab 'wrong' Enter
wait_for_text "refused the Prometheus user and password"
ok $? "a wrong password: the Prometheus user and password"
ui_keys C-u "$p_pass" Enter
wait_for_text "6/10  scalelite"; ok $? "Prometheus tested: the scalelite page"
ui_keys Tab "$s_url" Tab "$s_secret" Enter
wait_for_text "7/10  PostgreSQL"; ok $? "scalelite tested: the PostgreSQL page"
ui_has "scalelite 1.5.1 or later"; ok $? "... its version found"
# PostgreSQL: create for me; then ssh, backups, save.
ui_keys Space
wait_for_text "< create >"; ok $? "PostgreSQL: create for me"
ui_keys Enter
wait_for_text "8/10  ssh"; ok $? "the ssh page"
ui_keys Enter
wait_for_text "9/10  Backups"; ok $? "the backups page"
ui_keys Enter
wait_for_text "10/10  Save"; ok $? "the save page"
wait_for_text "Stacks to create: postgres"; ok $? "... it says what will be created"
ui_has "5 BBB nodes"; ok $? "... and how many nodes"
secrets_gone; ok $? "no secret on any page"
ui_keys Enter
wait_for sh -c "[ -s '$conf' ]"; ok $? "Enter writes the configuration"
wait_for_text "NODES"; ok $? "then the dashboard starts on it"
ui_has "uni-x"; ok $? "... for the fleet just set up"
ui_stop
is "$(stat -c %a "$conf")" 600 "it is mode 0600"
"$ui_bbbctl" config check "$conf" >"$ui_tmp/check" 2>&1
ok $? "config check accepts it"
grep -qx "url = $c_url" "$conf"; ok $? "it holds consul's URL"
grep -qx "token = $c_token" "$conf"; ok $? "... and its token"
grep -qx "name = uni-x" "$conf"; ok $? "... and the fleet's name"
! grep -qF -e "$os_secret" -e "$r_sk" -e "$c_token" -e "$s_secret" "$log"
ok $? "no secret in the log"

# Esc on the first page quits, writing nothing.
rm -f "$conf"
ui_start 80 24 "$ui_bbbctl" --log "$log" setup ">$ui_tmp/out"
wait_for_text "1/10  The fleet"; ok $? "bbbctl setup opens the wizard"
ui_keys Escape
wait_for sh -c "grep -q 'setup cancelled: nothing written' '$ui_tmp/out'"
ok $? "Esc on the first page: cancelled"
[ ! -e "$conf" ]; ok $? "... nothing written"
ui_stop

done_testing
