# ui.sh: helpers for the terminal tests (sourced after tap.sh).
#
# Each test script gets a private tmux server (its own socket, no user
# configuration), a throw-away directory, and a simulator on loopback
# when it asks for one.  Everything is stopped by the EXIT trap.
#
#   ui_init              skip unless tmux, bbbctl and bbbctl-sim exist
#   ui_sim [ARGS]        start bbbctl-sim; sets ui_conf, ui_control
#   ui_start W H CMD     run CMD in a W x H pane (LANG UTF-8, TERM of tmux)
#   ui_screen [-e]       the pane's text (with -e: its SGR attributes too)
#   wait_for_text TEXT   until the pane shows TEXT (fixed string), within
#                        WAIT_DEADLINE seconds (default 20)
#   wait_gone TEXT       until it shows it no more
#   ui_keys KEY...       tmux send-keys
#   ui_pid               the pid of the program in the pane
#   ui_stop              end the tmux server (and the program)
#   ui_pg_start ARGS     (pg.sh sourced, pg_setup done) ui_sim ARGS and a
#                        started PostgreSQL; conf is ui_conf with its
#                        [postgres]; cli runs bbbctl with it

ui_builddir=${top_builddir:-.}
ui_bbbctl=$ui_builddir/bbbctl
ui_simbin=$ui_builddir/bbbctl-sim
ui_sock=bbbctl-test-$$
ui_tmux() { tmux -L "$ui_sock" -f /dev/null "$@"; }
ui_tmp=
ui_sim_pid=

ui_cleanup() {
	ui_tmux kill-server >/dev/null 2>&1
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$ui_sock"
	if [ -n "$ui_sim_pid" ]; then
		kill "$ui_sim_pid" 2>/dev/null
		wait "$ui_sim_pid" 2>/dev/null
	fi
	[ -n "$ui_tmp" ] && rm -rf "$ui_tmp"
}

ui_init() {
	[ "${BBBCTL_SKIP_INTEGRATION:-0}" = 1 ] &&
	    skip_all "BBBCTL_SKIP_INTEGRATION=1"
	command -v tmux >/dev/null 2>&1 || skip_all "tmux is not installed"
	[ -x "$ui_bbbctl" ] || skip_all "no $ui_bbbctl"
	[ -x "$ui_simbin" ] || skip_all "no $ui_simbin"
	ui_tmp=$(mktemp -d "${TMPDIR:-/tmp}/bbbctl-ui-test.XXXXXX") ||
	    skip_all "mktemp failed"
	trap ui_cleanup EXIT
	trap 'exit 1' INT TERM HUP
	export XDG_STATE_HOME="$ui_tmp/state" XDG_CONFIG_HOME="$ui_tmp/cfg"
	unset NO_COLOR BBBCTL_CONFIG
}

ui_sim() {
	"$ui_simbin" --listen 127.0.0.1 --write-config "$ui_tmp/bbbctl.conf" \
	    "$@" >"$ui_tmp/sim.out" 2>"$ui_tmp/sim.err" &
	ui_sim_pid=$!
	if ! wait_for grep -qx ready "$ui_tmp/sim.out"; then
		diag "bbbctl-sim did not start: $(cat "$ui_tmp/sim.err")"
		return 1
	fi
	ui_conf=$ui_tmp/bbbctl.conf
	ui_control=$(sed -n 's/^control //p' "$ui_tmp/sim.out")
}

ui_start() {
	local w=$1 h=$2
	shift 2
	ui_tmux new-session -d -x "$w" -y "$h" -s t \
	    "exec env LANG=C.UTF-8 LC_ALL=C.UTF-8 $*"
}

ui_screen() {
	ui_tmux capture-pane -p "$@" -t t 2>/dev/null
}

ui_has() {
	ui_screen | grep -qF -- "$1"
}

ui_has_re() {
	ui_screen | grep -qE -- "$1"
}

# Retry "$@" until it succeeds, the deadline passes, or the session is
# gone (the program ended: no use waiting for its screen).
ui_wait() {
	local deadline=$(( $(date +%s) + ${WAIT_DEADLINE:-20} ))
	while ! "$@" >/dev/null 2>&1; do
		if ! ui_tmux has-session -t t >/dev/null 2>&1; then
			diag "the program in the pane has ended"
			return 1
		fi
		[ "$(date +%s)" -ge "$deadline" ] && return 1
		sleep 0.1
	done
	return 0
}

# Until the pane shows a match of the extended regex.
wait_for_re() {
	if ui_wait ui_has_re "$1"; then
		return 0
	fi
	diag "timed out waiting for /$1/; the screen:"
	ui_screen | sed 's/^/#   /'
	return 1
}

wait_for_text() {
	if ui_wait ui_has "$1"; then
		return 0
	fi
	diag "timed out waiting for '$1'; the screen:"
	ui_screen | sed 's/^/#   /'
	return 1
}

wait_gone() {
	local deadline=$(( $(date +%s) + ${WAIT_DEADLINE:-20} ))
	while ui_has "$1"; do
		[ "$(date +%s)" -ge "$deadline" ] && return 1
		sleep 0.1
	done
	return 0
}

# Stop the tmux server (and so the program) and wait until it is gone.
ui_stop() {
	local spid
	spid=$(ui_tmux display-message -p '#{pid}' 2>/dev/null)
	ui_tmux kill-server >/dev/null 2>&1
	wait_for sh -c "! tmux -L $ui_sock -f /dev/null list-sessions \
	    >/dev/null 2>&1"
	# The server may still be exiting after its sessions are gone; a
	# client of the next ui_start that reaches it then gets "server
	# exited unexpectedly" and no session.  Wait until it is gone, and
	# take the socket it leaves behind.
	[ -n "$spid" ] && wait_for sh -c "! kill -0 $spid 2>/dev/null"
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$ui_sock"
}

# The widest line of the screen, in columns.
ui_width() {
	ui_screen | LC_ALL=C.UTF-8 wc -L
}

ui_keys() {
	ui_tmux send-keys -t t "$@"
}

ui_pid() {
	ui_tmux list-panes -t t -F '#{pane_pid}' 2>/dev/null
}

# The data rows of the nodes view: lines starting with a node name.
ui_rows() {
	ui_screen | grep -E '^[a-z][a-z0-9-]*[0-9] ' | awk '{print $1}'
}

ui_pg_start() {
	ui_sim "$@" || skip_all "bbbctl-sim did not start"
	pg_start
	ok $? "PostgreSQL started"
	conf=$ui_tmp/pg.conf
	{ cat "$ui_conf"; echo "[postgres]"; echo "conninfo = $PG_CONNINFO"; } \
	    >"$conf"
	chmod 600 "$conf"
}

cli() { "$ui_bbbctl" --config "$conf" --log "$ui_tmp/log" "$@"; }
