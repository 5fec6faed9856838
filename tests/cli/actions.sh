#!/bin/sh
# actions.sh: the actions' commands, generated from the action registry:
# options (the action's own, the common and the global ones) after the
# verb and the target as before them, --dry-run plans, `bbbctl help
# server` and `bbbctl help server cordon`, usage errors (exit 2), and
# --yes or --readonly after the target obeyed (TAP).
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$top}
. "$top/tests/lib/tap.sh"

bbbctl=$build/bbbctl
[ -x "$bbbctl" ] || skip_all "no $bbbctl"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bbbctl-actions.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
export HOME="$tmp/home" XDG_STATE_HOME="$tmp/state"
unset BBBCTL_CONFIG XDG_CONFIG_HOME NO_COLOR POSIXLY_CORRECT
mkdir -p "$HOME"

secret=Sup3r-s3cret-value-4711
rsecret=Rancher-s3cret-0815
# Nothing listens on port 1: a job that really runs fails at once.
conf=$tmp/bbbctl.conf
cat >"$conf" <<EOT
[cluster]
name = uni-x
[scalelite]
url = http://127.0.0.1:1/
secret = $secret
[rancher]
url = http://127.0.0.1:1/v2-beta
access_key = AK
secret_key = $rsecret
EOT
chmod 600 "$conf"

# run ARGS...: sets rc, out, err (stdin is not a terminal)
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

# --help lists every action with its own options.
run --help
is "$rc" 0 "--help exits 0"
for v in "server cordon NODE" "server disable NODE" \
    "server drain [--poll S] NODE" "server enable NODE" "server panic NODE" \
    "stack redeploy [--image SERVICE=IMAGE | IMAGE | TAG] [--poll S] STACK" \
    "stack restart [--poll S] STACK"; do
	has "$out" "  $v" "--help lists $v"
done
has "$out" "also take --lock-wait S and --timeout S" "--help names the common options"

# Options after the verb and the target, as before them.
run --config "$conf" server cordon bbb-03 --yes --dry-run
is "$rc" 0 "server cordon bbb-03 --yes --dry-run: exit 0"
has "$out" "dry run, nothing is changed: server cordon bbb-03" "... prints the plan"
has "$out" "updateServer" "... with its API call"
hasnt "$out$err" "$secret" "... and no secret"
after=$out
run --config "$conf" --yes --dry-run server cordon bbb-03
is "$rc" 0 "--yes --dry-run server cordon bbb-03: exit 0"
is "$out" "$after" "the same plan with the options before the verb"
run server cordon --dry-run bbb-03 --config "$conf"
is "$out" "$after" "the same with --config after the verb"

run --config "$conf" stack redeploy bbb-01 --image v2.7.99 --dry-run
is "$rc" 0 "stack redeploy STACK --image TAG --dry-run: exit 0"
has "$out" "dry run, nothing is changed: stack redeploy bbb-01" "... plans the redeploy"
has "$out" "at tag v2.7.99" "... with the image given after the target"
hasnt "$out$err" "$rsecret" "... and no secret"
after=$out
run --config "$conf" --dry-run stack redeploy --image v2.7.99 bbb-01
is "$out" "$after" "the same plan with --image before the target"

run --config "$conf" server drain bbb-01 --poll 2s --dry-run
has "$out" "getServerInfo every 2s" "server drain NODE --poll 2s: the plan follows every 2s"

# help: a first word lists its actions; an action says everything.
run help server
is "$rc" 0 "help server: exit 0"
for v in cordon disable drain enable panic; do
	has "$out" "server $v" "help server lists server $v"
done
hasnt "$out" "stack redeploy" "help server lists no stack action"
run help stack
is "$rc" 0 "help stack: exit 0"
has "$out" "stack redeploy" "help stack lists stack redeploy"
run help server cordon
is "$rc" 0 "help server cordon: exit 0"
has "$out" "usage: bbbctl [options] server cordon [--lock-wait S] [--timeout S] NODE" "help server cordon: usage"
has "$out" "stop new meetings on NODE" "help server cordon: what it does"
has "$out" "key c in the nodes and node views" "help server cordon: its dashboard key"
help=$out
run server cordon bbb-03 --help
is "$rc" 0 "server cordon bbb-03 --help: exit 0"
is "$out" "$help" "--help after the verb is help VERB"
run help stack redeploy
has "$out" "--image SERVICE=IMAGE | IMAGE | TAG" "help stack redeploy: --image"
has "$out" "--poll S" "help stack redeploy: --poll"
run help server bogus
is "$rc" 2 "help server bogus: exit 2"

# Usage errors.
run --config "$conf" server cordon bbb-03 --bogus
is "$rc" 2 "an unknown option after the target: exit 2"
has "$err" "bbbctl: server cordon: unknown option '--bogus'" "... says which"
has "$err" "usage: bbbctl [options] server cordon" "... with the usage"
run --config "$conf" server cordon --image x bbb-03
is "$rc" 2 "another action's option: exit 2"
run --config "$conf" server cordon bbb-03 bbb-04 --dry-run
is "$rc" 2 "two nodes: exit 2"
has "$err" "expected one NODE" "... says so"
run --config "$conf" server drain bbb-03 --poll
is "$rc" 2 "--poll without its value: exit 2"
has "$err" "option '--poll' needs an argument" "... says so"

# --readonly and --yes after the target are obeyed.
run --config "$conf" server cordon bbb-03 --readonly
is "$rc" 1 "--readonly after the target: refused (exit 1)"
has "$err" "refused in read-only mode" "... says why"
run --config "$conf" server cordon bbb-03
is "$rc" 1 "no terminal, no --yes: exit 1"
has "$err" "refused: no terminal to confirm on" "... refused before running"
run --config "$conf" --log "$tmp/log" server cordon bbb-03 --yes
is "$rc" 1 "--yes after the target: the job runs (and fails: nothing on port 1)"
hasnt "$err" "refused" "... it was not refused"
has "$err" "bbbctl: server cordon bbb-03: failed: " "... it ran and says why it failed"
hasnt "$out$err" "$secret" "... and no secret"
# --log after the target: the job's log goes there, not to the default.
rm -rf "$tmp/state"
run --config "$conf" server cordon bbb-03 --yes --log "$tmp/log-after"
is "$rc" 1 "--log after the target: the job runs (and fails)"
grep -q "server cordon" "$tmp/log-after" 2>/dev/null
ok $? "... and logs to the --log file given after the target"
! grep -q "server cordon" "$tmp/state/bbbctl/bbbctl.log" 2>/dev/null
ok $? "... not to the default log file"

# Every action the binary knows (from the registry, through --help) is
# in the manual: its verb under COMMANDS, its key in the dashboard's list.
man=$top/data/bbbctl.1
words=$("$bbbctl" --help | sed -n 's/^The actions (\(.*\)) also take.*/\1/p' | tr -d ,)
[ -n "$words" ]; ok $? "--help names the actions' first words ($words)"
for w in $words; do
	for v in $("$bbbctl" help "$w" | sed -n "s/^  $w \([a-z-]*\).*/\1/p"); do
		awk -v w="$w" -v v="$v" '
		/^\.Sh COMMANDS/ { cmds = 1 } /^\.Sh DASHBOARD/ { cmds = 0 }
		cmds && $0 == ".Cm " w { inw = 1; next }
		inw && /^\.Cm / { for (i = 2; i <= NF; i++) if ($i == v) found = 1; inw = 0 }
		END { exit !found }' "$man"
		ok $? "bbbctl.1 documents $w $v"
		key=$("$bbbctl" help "$w" "$v" | sed -n 's/^In the dashboard: key \(.\) in .*/\1/p')
		[ -z "$key" ] && continue
		grep -A1 -x "\.It Ic $key" "$man" | grep -q "^$w $v"
		ok $? "bbbctl.1 lists key $key for $w $v"
	done
done

# The test meeting: one command (probe meeting [NODE], cli.c's), whose
# key M the registry gives the dashboard; no second verb for it.
out=$("$bbbctl" --help)
is "$(printf '%s\n' "$out" | grep -c '^  probe meeting ')" 1 \
    "--help lists probe meeting once"
hasnt "$out" "server probe" "... and no server probe"
"$bbbctl" server probe bbb-03 >/dev/null 2>&1
is "$?" 2 "server probe is no command"
has "$("$bbbctl" help probe meeting)" \
    "In the dashboard: key M in the nodes and node views." \
    "help probe meeting names its dashboard key"
grep -A1 -x '\.It Ic M' "$man" | grep -q '^probe meeting: '
ok $? "bbbctl.1 lists key M for probe meeting"

done_testing
