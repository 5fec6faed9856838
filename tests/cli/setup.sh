#!/bin/sh
# setup.sh: bbbctl setup with no terminal (TAP): --answers FILE writes the
# configuration (0600, readable by config check, the old one kept), a
# bad answers file gives FILE:LINE errors and writes nothing, --dry-run
# prints the plan with no secret and writes nothing, secrets as _file,
# and without --answers and without a terminal it says what to do.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$top}
. "$top/tests/lib/tap.sh"

bbbctl=$build/bbbctl
[ -x "$bbbctl" ] || skip_all "no $bbbctl"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bbbctl-setup.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
export HOME="$tmp/home" XDG_STATE_HOME="$tmp/state"
unset BBBCTL_CONFIG XDG_CONFIG_HOME NO_COLOR
mkdir -p "$HOME"
export BBBCTL_STACKS_DIR="$top/data/stacks"

rsecret=Rancher-s3cret-4711
osecret=Keystone-s3cret-0815

run() {
	"$bbbctl" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}
has() {	# has TEXT PATTERN DESC
	case "$1" in
	*"$2"*) ok 0 "$3" ;;
	*) ok 1 "$3"; diag "wanted '$2' in:"; diag "$1" ;;
	esac
}
hasnt() {
	case "$1" in
	*"$2"*) ok 1 "$3"; diag "did not want '$2' in:"; diag "$1" ;;
	*) ok 0 "$3" ;;
	esac
}
mode() { stat -c %a "$1"; }

cat >"$tmp/answers.ini" <<EOT
# the answers of a new fleet
[cluster]
name = uni-x
domain = bbb.example.org
nodes = 3

[openstack]
auth_url = https://keystone.example.org:5000/v3
application_credential_id = 0123abcd
application_credential_secret = $osecret

[rancher]
url = https://rancher.example.org
access_key = AK0123
secret_key = $rsecret
project = 1a5

[consul]
mode = create
[prometheus]
mode = create
[scalelite]
mode = create
[postgres]
mode = create
EOT
chmod 600 "$tmp/answers.ini"
conf=$HOME/.config/bbbctl/bbbctl.conf

# No terminal and no answers: say what to do.
run setup
is "$rc" 1 "setup without a terminal or --answers: exit 1"
has "$err" "no terminal: give the answers with --answers FILE" \
    "... and it says to use --answers"
[ ! -e "$conf" ]; ok $? "... nothing written"

# --dry-run: the plan, no secret, nothing written.
run --dry-run setup --no-test --answers "$tmp/answers.ini"
is "$rc" 0 "--dry-run setup --answers: exit 0"
has "$out" "create stack bbb-scalelite on Rancher environment 1a5" \
    "--dry-run prints the stacks of the plan"
has "$out" "create 3 BBB nodes" "... and the nodes"
has "$out" "secret_key = ********" "... and the configuration, masked"
hasnt "$out$err" "$rsecret" "... without the Rancher secret"
hasnt "$out$err" "$osecret" "... without the OpenStack secret"
[ ! -e "$conf" ]; ok $? "--dry-run writes nothing"
has "$out" "stack bbb-scalelite, its environment: LOADBALANCER_SECRET=******** SECRET_KEY_BASE=******** POSTGRES_PASSWORD=********" \
    "--dry-run prints each stack's environment, secrets masked"
has "$out" "stack coturn, its environment: TURN_SECRET=******** DOMAIN=bbb.example.org" \
    "... coturn's generated static auth secret among them"
[ ! -e "$(dirname "$conf")/setup-secrets" ]; ok $? "... no secrets file made"

# The configuration written where bbbctl looks for it.
run setup --no-test --answers "$tmp/answers.ini"
is "$rc" 0 "setup --answers: exit 0"
has "$out" "wrote $conf (mode 0600)" "it says where it wrote"
is "$(mode "$conf")" 600 "the configuration is mode 0600"
is "$(mode "$(dirname "$conf")")" 700 "its new directory is mode 0700"
hasnt "$out$err" "$rsecret" "no secret on the output"
"$bbbctl" config check >"$tmp/check" 2>&1
ok $? "bbbctl config check accepts it (found by the lookup order)"
grep -q "^name = uni-x" "$tmp/check"; ok $? "... with the fleet's name"
grep -q "^project = 1a5" "$tmp/check"; ok $? "... and the Rancher project"
grep -qx "secret_key = $rsecret" "$conf"; ok $? "the secret is inline"
cp "$conf" "$tmp/first.conf"
sec=$(dirname "$conf")/setup-secrets
is "$(mode "$sec")" 600 "the stacks' generated secrets: a 0600 file"
has "$out" "the secrets of the stacks to create are in $sec" "... named"
leak=0
for v in $(sed -n 's/^[a-z_]*=//p' "$sec"); do
	case "$out$err$(cat "$conf")" in *"$v"*) leak=1 ;; esac
done
is "$leak" 0 "no generated secret on the output or in the configuration"
cp "$sec" "$tmp/first.secrets"

# Again, secrets as files: the old configuration kept whole.
printf '[backup]\nsecrets = files\ndir = %s/backups\n' "$tmp" \
    >>"$tmp/answers.ini"
run setup --no-test --answers "$tmp/answers.ini"
is "$rc" 0 "setup again: exit 0"
has "$out" "kept as $conf.~1~" "it says where the old one is kept"
cmp -s "$conf.~1~" "$tmp/first.conf"; ok $? "the copy is the old file"
cmp -s "$sec" "$tmp/first.secrets"; ok $? "the generated secrets are kept"
grep -q "$rsecret" "$conf"; [ $? -ne 0 ]; ok $? "no secret inline now"
grep -q "^secret_key_file = " "$conf"; ok $? "... secret_key_file instead"
is "$(mode "$(dirname "$conf")/rancher-secret_key")" 600 \
    "the secret's file is mode 0600"
"$bbbctl" config check >/dev/null 2>&1; ok $? "config check accepts it"

# A bad answers file: FILE:LINE errors, nothing written.
rm -rf "$HOME/.config"
cat >"$tmp/bad.ini" <<EOT
[cluster]
name = Uni X
nodes = 500
[rancher]
url = rancher.example.org
colour = blue
[moon]
EOT
run setup --answers "$tmp/bad.ini"
is "$rc" 1 "a bad answers file: exit 1"
has "$err" "$tmp/bad.ini:2: name: only a-z" "FILE:LINE of a bad name"
has "$err" "$tmp/bad.ini:3: nodes: must be from 1 to 200" \
    "FILE:LINE of a number out of range"
has "$err" "$tmp/bad.ini:5: url: must start with http:// or https://" \
    "FILE:LINE of a bad URL"
has "$err" "$tmp/bad.ini:6: unknown key colour in [rancher]" \
    "FILE:LINE of an unknown key"
has "$err" "$tmp/bad.ini:7: unknown section [moon]" \
    "FILE:LINE of an unknown section"
has "$err" "nothing written, nothing created" "it says nothing was done"
[ ! -e "$conf" ]; ok $? "... and nothing was written"

# A missing answer: the file and the page.
printf '[cluster]\ndomain = x.org\n' >"$tmp/short.ini"
run setup --answers "$tmp/short.ini"
is "$rc" 1 "missing answers: exit 1"
has "$err" "$tmp/short.ini: [openstack] auth_url: required" \
    "it names the missing answer's page and key"

# Inline secrets in a file others may read: refused.
chmod 644 "$tmp/answers.ini"
run setup --no-test --answers "$tmp/answers.ini"
is "$rc" 1 "an answers file with a secret, readable by others: exit 1"
has "$err" "holds a secret and others can read it" "... and why"
[ ! -e "$conf" ]; ok $? "... nothing written"

run setup --answers
is "$rc" 2 "--answers without a file: usage error"

done_testing
