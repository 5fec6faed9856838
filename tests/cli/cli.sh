#!/bin/sh
# cli.sh: bbbctl's command line: --help, --version, usage errors (exit 2),
# config check on good and bad files, the lookup order, --log (TAP).
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$top}
. "$top/tests/lib/tap.sh"

bbbctl=$build/bbbctl
[ -x "$bbbctl" ] || skip_all "no $bbbctl"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bbbctl-cli.XXXXXX") || exit 1
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
export HOME="$tmp/home" XDG_STATE_HOME="$tmp/state"
unset BBBCTL_CONFIG XDG_CONFIG_HOME NO_COLOR
mkdir -p "$HOME"

secret=Sup3r-s3cret-value-4711

# run ARGS...: sets rc, out, err
run() {
	"$bbbctl" "$@" >"$tmp/out" 2>"$tmp/err"
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

# --help, --version
run --help
is "$rc" 0 "--help exits 0"
has "$out" "usage: bbbctl [options] [command [arguments]]" "--help: usage line"
has "$out" "--config FILE" "--help lists --config"
has "$out" "--refresh S" "--help lists --refresh"
has "$out" "config check [FILE]" "--help lists config check"
is "$err" "" "--help prints nothing on stderr"
case "$out" in *"config keys"*) ok 1 "--help hides config keys" ;;
*) ok 0 "--help hides config keys" ;; esac
run -h
is "$rc" 0 "-h exits 0"

version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$build/autoconf.h")
run --version
is "$rc" 0 "--version exits 0"
is "$(printf '%s\n' "$out" | head -n 1)" "bbbctl $version" \
    "--version prints bbbctl $version first"
printf '%s\n' "$out" | grep -qE '^built with curl [0-9.]+, ncursesw [0-9.]+, libssh2 [0-9.]+, libpq [0-9.]+, jansson [0-9.]+$'
ok $? "--version names the libraries built against"
printf '%s\n' "$out" | grep -qE '^simulator: (/.*/bbbctl-sim \(--demo available\)|not found \(--demo unavailable\))$'
ok $? "--version says whether the simulator is there"

# usage errors: exit 2 with a message
run --bogus
is "$rc" 2 "unknown option: exit 2"
has "$err" "bbbctl: unknown option '--bogus'" "unknown option: message"
is "$out" "" "unknown option: nothing on stdout"
run -x
is "$rc" 2 "unknown short option: exit 2"
run --config
is "$rc" 2 "--config without a file: exit 2"
has "$err" "option '--config' needs an argument" "missing argument: message"
run --refresh fast help
is "$rc" 2 "--refresh fast: exit 2"
has "$err" "--refresh: expected a duration" "--refresh fast: message"
run hlep
is "$rc" 2 "unknown command: exit 2"
has "$err" "unknown command 'hlep'; did you mean 'help'?" "unknown command: suggestion"
run config
is "$rc" 2 "config without a verb: exit 2"
has "$err" "config: expected one of: check" "config: lists its verbs"

# help COMMAND
run help config check
is "$rc" 0 "help config check exits 0"
has "$out" "usage: bbbctl [options] config check [FILE]" "help config check: usage"

# no command: the dashboard, or a clear message while it is not built
if "$bbbctl" --help | grep -q "not built yet"; then
	run
	is "$rc" 1 "no command without a dashboard: exit 1"
	has "$err" "the dashboard is not built yet" "no command: says so"
else
	ok 0 "# SKIP the dashboard is built (tested by the ui tests)"
	ok 0 "# SKIP the dashboard is built (tested by the ui tests)"
fi

# config check: a good file
good=$tmp/good.conf
cat >"$good" <<EOT
[cluster]
name = uni-x
[scalelite]
url = https://lb.example.org/
secret = $secret
[ui]
refresh = 5s
EOT
chmod 600 "$good"
run --config "$good" config check
is "$rc" 0 "config check on a good file: exit 0"
has "$out" "OK: $good" "config check: OK: FILE"
has "$out" "url = https://lb.example.org
secret = ********" "config check: the secret is masked"
has "$out" "refresh = 5000ms" "config check: effective values"
has "$out" "[ssh]
user = root
port = 22" "config check: defaults"
case "$out$err" in *"$secret"*) ok 1 "config check never prints the secret" ;;
*) ok 0 "config check never prints the secret" ;; esac

# config check FILE as an argument, and via $BBBCTL_CONFIG
run config check "$good"
is "$rc" 0 "config check FILE: exit 0"
BBBCTL_CONFIG=$good run config check
is "$rc" 0 "config check with BBBCTL_CONFIG: exit 0"
has "$out" "OK: $good" "BBBCTL_CONFIG is used"

# and from $XDG_CONFIG_HOME, after ~/.config
mkdir -p "$HOME/.config/bbbctl" "$tmp/xdg/bbbctl"
cp "$good" "$HOME/.config/bbbctl/bbbctl.conf"
run config check
has "$out" "OK: $HOME/.config/bbbctl/bbbctl.conf" "~/.config/bbbctl/bbbctl.conf is found"
cp "$good" "$tmp/xdg/bbbctl/bbbctl.conf"
XDG_CONFIG_HOME=$tmp/xdg run config check
has "$out" "OK: $tmp/xdg/bbbctl/bbbctl.conf" "XDG_CONFIG_HOME wins over ~/.config"
rm -rf "$HOME/.config" "$tmp/xdg"

# a bad file: every error with file:line, exit 1, no secret
bad=$tmp/bad.conf
cat >"$bad" <<EOT
[scalelite]
secert = $secret
[ui]
refresh = fast
color = maybe
[consul]
url = ftp://consul
EOT
chmod 600 "$bad"
run --config "$bad" config check
is "$rc" 1 "config check on a bad file: exit 1"
has "$err" "bbbctl: $bad:2: unknown key 'secert' in [scalelite]; did you mean 'secret'?" "bad file: unknown key with suggestion"
has "$err" "bbbctl: $bad:4: [ui] refresh: expected a duration like 2s or 500ms, got 'fast'" "bad file: bad duration"
has "$err" "$bad:5: [ui] color: expected yes or no, got 'maybe'" "bad file: bad bool"
has "$err" "$bad:7: [consul] url: expected an http:// or https:// URL" "bad file: bad url"
is "$out" "" "bad file: nothing on stdout"
case "$out$err" in *"$secret"*) ok 1 "bad file: the secret is not printed" ;;
*) ok 0 "bad file: the secret is not printed" ;; esac

# a secret in a file others can read
chmod 644 "$good"
run --config "$good" config check
is "$rc" 1 "0644 file with a secret: exit 1"
is "$err" "bbbctl: $good: holds secrets but is readable by others (mode 0644); run: chmod 600 $good" "0644 file with a secret: the chmod hint"

# no file at all (unless this machine has a system-wide one)
if [ -e /etc/bbbctl/bbbctl.conf ]; then
	ok 0 "# SKIP /etc/bbbctl/bbbctl.conf exists"
	ok 0 "# SKIP /etc/bbbctl/bbbctl.conf exists"
else
	run config check
	is "$rc" 1 "no configuration: exit 1"
	has "$err" "no configuration file found" "no configuration: says so"
fi
run --config "$tmp/nonexistent.conf" config check
is "$rc" 1 "--config of a missing file: exit 1"
has "$err" "$tmp/nonexistent.conf: No such file or directory" "missing file: named"

# --log: the file gets a line; an unusable one warns once and goes on
chmod 600 "$good"
run --log "$tmp/bbbctl.log" --config "$good" config check
is "$rc" 0 "--log FILE: exit 0"
grep -q "config check" "$tmp/bbbctl.log"
ok $? "--log FILE: the command is logged"
[ "$(stat -c %a "$tmp/bbbctl.log")" = 600 ]
ok $? "the log file is mode 600"
run --log "$tmp/no/such/dir/x.log" --config "$good" config check
is "$rc" 0 "unusable --log: the command still runs"
is "$(printf '%s\n' "$err" | grep -c 'warning: no log file')" 1 "unusable --log: one warning"
run --config "$good" config check
[ -f "$XDG_STATE_HOME/bbbctl/bbbctl.log" ]
ok $? "default log under XDG_STATE_HOME"
if ! grep -q "$secret" "$tmp/bbbctl.log" "$XDG_STATE_HOME/bbbctl/bbbctl.log"; then
	ok 0 "no secret in the logs"
else
	ok 1 "no secret in the logs"
fi

# A probe that fails before it waits for anything (a conninfo libpq
# cannot parse) is reported failed, not left pending with exit 0.
cat >"$tmp/probe.conf" <<EOT
[cluster]
name = uni-x
[postgres]
conninfo = host=127.0.0.1 port=1 bogus=1 password=$secret
EOT
chmod 600 "$tmp/probe.conf"
run --config "$tmp/probe.conf" probe postgres
is "$rc" 2 "probe: a probe failed at once: exit 2 (critical)"
has "$out" "conninfo cannot be parsed" "... and says why"
case "$out$err" in
*"$secret"*) ok 1 "... without the password" ;;
*) ok 0 "... without the password" ;;
esac

done_testing
