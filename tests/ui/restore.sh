#!/bin/sh
# restore.sh: the terminal is given back on every exit path: q, SIGTERM,
# SIGINT, SIGQUIT (the ^\ key), a crash (SIGSEGV), a fatal error (SIGABRT
# after fatalx).  tmux tells whether the program left the alternate
# screen (its cursor flag reads 0 for any dead pane, so it cannot be
# checked this way).
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/ui.sh"

ui_init
ui_sim || skip_all "bbbctl-sim did not start"

pane() {
	ui_tmux display-message -p -t t "$1" 2>/dev/null
}

dead() {
	[ "$(pane '#{pane_dead}')" = 1 ]
}

for how in q TERM INT QUIT SEGV ABRT; do
	ui_start 80 24 "$ui_bbbctl" --config "$ui_conf" --log "$ui_tmp/log"
	ui_tmux set-option -t t remain-on-exit on >/dev/null
	wait_for_text "bbb-12 " || { ok 1 "$how: started"; ui_stop; continue; }
	[ "$(pane '#{alternate_on}')" = 1 ]
	ok $? "$how: curses is on the alternate screen"
	pid=$(ui_pid)
	if [ "$how" = q ]; then
		ui_keys q
	else
		kill -"$how" "$pid"
	fi
	WAIT_DEADLINE=10 wait_for dead; ok $? "$how: bbbctl ended"
	[ "$(pane '#{alternate_on}')" = 0 ]
	ok $? "$how: the alternate screen is left"
	ui_stop
done

done_testing
