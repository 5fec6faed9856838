# sim.sh: bbbctl-sim for the command-line integration tests (sourced
# after tap.sh).
#
#   sim_init         skip unless bbbctl-sim, curl and jq are there; make
#                    the throw-away directory $tmp, removed on exit with
#                    the sim and the background job $jp (if any) killed
#   sim_start ARGS   start bbbctl-sim with ARGS on loopback (ok "bbbctl-sim
#                    is ready"); sets conf (its config), control, consul,
#                    token (consul's), rurl, ak, sk (Rancher's) and
#                    slsecret (scalelite's); XDG_STATE_HOME in $tmp
#   run ARGS         bbbctl with that config, logging to $tmp/log

sim="${top_builddir:-.}/bbbctl-sim"
bbbctl="${top_builddir:-.}/bbbctl"
tmp=
pid=
jp=

sim_cleanup() {
	[ -n "$jp" ] && kill -9 "$jp" 2>/dev/null
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	[ -n "$tmp" ] && rm -rf "$tmp"
}

sim_init() {
	[ "${BBBCTL_SKIP_INTEGRATION:-0}" = 1 ] &&
	    skip_all "BBBCTL_SKIP_INTEGRATION=1"
	command -v curl >/dev/null 2>&1 || skip_all "curl not installed"
	command -v jq >/dev/null 2>&1 || skip_all "jq not installed"
	[ -x "$sim" ] || skip_all "bbbctl-sim not built"
	tmp=$(mktemp -d)
	trap sim_cleanup EXIT INT TERM
}

sim_start() {
	# A restart must not read the previous simulator's files: the shell
	# forks the new one in the background and may look for '^ready$'
	# before the child has truncated $tmp/out, then take the dead one's
	# URLs (and the old config) for the new one's.
	rm -f "$tmp/out" "$tmp/bbbctl.conf"
	"$sim" "$@" --write-config "$tmp/bbbctl.conf" >"$tmp/out" \
	    2>"$tmp/err" &
	pid=$!
	wait_for grep -q '^ready$' "$tmp/out"
	ok $? "bbbctl-sim is ready"
	control=$(awk '$1 == "control" { print $2 }' "$tmp/out")
	consul=$(awk '$1 == "consul" { print $2 }' "$tmp/out")
	conf="$tmp/bbbctl.conf"
	token=$(awk -F' = ' '$1 == "token" { print $2 }' "$conf")
	slsecret=$(awk -F' = ' '$1 == "secret" { print $2 }' "$conf")
	rurl=$(awk -F' = ' '/^\[rancher\]/ { r = 1 }
	    r && $1 == "url" { print $2; exit }' "$conf")
	ak=$(awk -F' = ' '$1 == "access_key" { print $2 }' "$conf")
	sk=$(awk -F' = ' '$1 == "secret_key" { print $2 }' "$conf")
	export XDG_STATE_HOME="$tmp/state"
}

run() { "$bbbctl" --config "$conf" --log "$tmp/log" "$@"; }
