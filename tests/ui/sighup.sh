#!/bin/sh
# sighup.sh: `bbbctl --demo` starts its own simulator; when the terminal
# goes away (SIGHUP, as when an SSH connection drops) bbbctl exits at
# once and leaves no process and no temp dir behind.  SIGTERM too.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/ui.sh"

ui_init

demo_run() {
	ui_start 80 24 "$ui_bbbctl" --demo --log "$ui_tmp/log"
	wait_for_text "bbb-12 " || return 1
	pid=$(ui_pid)
	sim=$(pgrep -P "$pid" bbbctl-sim)
	dir=$(tr '\0' '\n' </proc/"$sim"/cmdline 2>/dev/null |
	    sed -n 's,/bbbctl.conf$,,p')
	return 0
}

gone() {
	! kill -0 "$1" 2>/dev/null
}

export TMPDIR="$ui_tmp"
demo_run; ok $? "--demo shows the simulated fleet"
[ -n "$sim" ]; ok $? "--demo runs bbbctl-sim as its child ($sim)"
[ -n "$dir" ] && [ -d "$dir" ]; ok $? "... with a private temp dir"
[ "$(stat -c %a "$dir" 2>/dev/null)" = 700 ]; ok $? "... of mode 0700"

# The pane's process gets SIGHUP: the terminal is gone.
ui_tmux kill-server
WAIT_DEADLINE=5 wait_for gone "$pid"; ok $? "SIGHUP: bbbctl exits at once"
WAIT_DEADLINE=5 wait_for gone "$sim"; ok $? "SIGHUP: the simulator is gone"
[ ! -e "$dir" ]; ok $? "SIGHUP: the temp dir is removed"
left=$(pgrep -f "$ui_tmp" | grep -v "^$$\$")
[ -z "$left" ]; ok $? "no process left behind"

demo_run; ok $? "--demo again"
kill -TERM "$pid"
WAIT_DEADLINE=5 wait_for gone "$pid"; ok $? "SIGTERM: bbbctl exits"
WAIT_DEADLINE=5 wait_for gone "$sim"; ok $? "SIGTERM: the simulator is gone"
[ ! -e "$dir" ]; ok $? "SIGTERM: the temp dir is removed"
ui_stop

demo_run; ok $? "--demo a third time"
ui_keys q
WAIT_DEADLINE=5 wait_for gone "$pid"; ok $? "q: bbbctl exits"
WAIT_DEADLINE=5 wait_for gone "$sim"; ok $? "q: the simulator is gone"
[ ! -e "$dir" ]; ok $? "q: the temp dir is removed"
log=$(grep -c . "$ui_tmp/log" 2>/dev/null)
[ "${log:-0}" -gt 0 ]; ok $? "the log file was written, not the screen"

done_testing
