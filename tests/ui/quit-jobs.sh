#!/bin/sh
# quit-jobs.sh: quitting the dashboard never undoes work by accident.
# q (or ^C) while a job runs asks: Esc stays with the job running, w
# closes the screen and lets the job finish (its outcome printed, exit
# status 0 for a job done), c cancels it (exit status 1).  SIGHUP, which
# cannot ask, lets a redeploy that has passed its point of no return (the
# bbb service restarted) finish instead of rolling it back.  With the
# screen closed and a job running on, SIGTERM cancels it and a second
# SIGTERM ends bbbctl at once, printing where the job was.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/ui.sh"

ui_init
ui_sim --nodes 3 || skip_all "bbbctl-sim did not start"
command -v jq >/dev/null 2>&1 || skip_all "jq not installed"

# bbbctl in the pane, its stderr and exit status kept.
start() {
	rm -f "$ui_tmp/err" "$ui_tmp/rc" "$ui_tmp/log"
	ui_start 120 32 sh -c "'$ui_bbbctl --config $ui_conf --log \
$ui_tmp/log 2>$ui_tmp/err; echo \$? >$ui_tmp/rc'"
	wait_for_text "bbb-03 " || return 1
	pid=$(pgrep -P "$(ui_pid)" bbbctl)
	[ -n "$pid" ]
}
# Start the redeploy of bbb-01 from the stacks view.
redeploy() {
	ui_keys : stacks Enter
	wait_for_re "^ *bbb-01 " || return 1
	ui_keys / bbb-01 Enter
	wait_for_text "filter" || return 1
	ui_keys r
	wait_for_text "Type bbb-01 to confirm" || return 1
	ui_keys 'bbb-01' Enter
	wait_for_text "job $1 started" || return 1
	ui_keys 6
	wait_for_re "stack redeploy +bbb-01 +(running|waiting)"
}
ended() {
	[ -s "$ui_tmp/rc" ]
}

start; ok $? "the dashboard shows the fleet"
redeploy 1; ok $? "a redeploy of bbb-01 runs"
ui_keys q
wait_for_text "Quit? 1 job still running"; ok $? "q asks, naming the job count"
ui_has "stack redeploy bbb-01"; ok $? "the question names the job"
ui_has "[ Stay (Esc) ]"; ok $? "staying is the default"
ui_keys Escape
wait_for_text "not quitting: 1 job still running"
ok $? "Esc: the dashboard stays"
ui_has_re "stack redeploy +bbb-01 +(running|waiting)"
ok $? "the job still runs"
kill -INT "$pid"
wait_for_text "Quit? 1 job still running"; ok $? "^C asks too"
ui_keys w
WAIT_DEADLINE=120 wait_for ended; ok $? "w: bbbctl ends once the job has"
is "$(cat "$ui_tmp/rc")" 0 "exit status 0: the job is done"
grep -q "^bbbctl: job 1 stack redeploy bbb-01: done: stack bbb-01 redeployed" \
    "$ui_tmp/err"
ok $? "the job's outcome is printed on exit"
grep -q "waiting for 1 running job(s) to finish" "$ui_tmp/err"
ok $? "it said it waits for the job to finish"
sed 's/^/# /' "$ui_tmp/err"
ui_stop

# c: cancel and quit; the exit status says the job did not succeed.
start; ok $? "the dashboard again"
redeploy 1; ok $? "a redeploy again"
ui_keys q
wait_for_text "Quit? 1 job still running"
ui_keys c
WAIT_DEADLINE=120 wait_for ended; ok $? "c: bbbctl ends"
is "$(cat "$ui_tmp/rc")" 1 "exit status 1: the job was cancelled"
grep -q "^bbbctl: job 1 stack redeploy bbb-01: cancelled: " "$ui_tmp/err"
ok $? "the cancelled outcome is printed"
ui_stop

# SIGHUP past the point of no return: the redeploy finishes.
start; ok $? "the dashboard a third time"
redeploy 1; ok $? "a redeploy a third time"
wait_for_text "upgrading bbb-01/bbb-exporter (2 of 3)"
ok $? "the bbb service is upgraded: its meetings have ended"
kill -HUP "$pid"
WAIT_DEADLINE=120 wait_for ended; ok $? "SIGHUP: bbbctl ends once the job has"
grep -q "job 1 stack redeploy bbb-01: done: stack bbb-01 redeployed" \
    "$ui_tmp/log"
ok $? "the redeploy finished rather than rolled back"
! grep -q "rolling back" "$ui_tmp/log"; ok $? "nothing was rolled back"
"$ui_bbbctl" --config "$ui_conf" audit --json 2>/dev/null |
    jq -r '.[] | "\(.event) \(.verb) \(.target)"' | grep -c '^done stack redeploy bbb-01$' >"$ui_tmp/n"
is "$(cat "$ui_tmp/n")" 2 "the audit trail has both finished redeploys"

# After the screen closed, a job left to finish: SIGTERM cancels it, a
# second SIGTERM ends bbbctl at once, the job's state and step printed,
# instead of waiting for its roll-back (Rancher made slow, so that the
# roll-back takes long).
start; ok $? "the dashboard a fourth time"
redeploy 1; ok $? "a redeploy a fourth time"
wait_for_text "upgrading bbb-01/"; ok $? "it is upgrading a service"
curl -s -X POST "$ui_control/faults?spec=rancher:/:latency:4000" >/dev/null
ui_keys q
wait_for_text "Quit? 1 job still running"
ui_keys w
wait_for grep -q "waiting for 1 running job(s) to finish" "$ui_tmp/err"
ok $? "w: the screen closed, the job runs on"
kill -TERM "$pid"
wait_for grep -q "Terminated: cancelling the running jobs" "$ui_tmp/err"
ok $? "the first SIGTERM cancels the job"
sleep 1
! ended; ok $? "its roll-back goes on"
t0=$(date +%s)
kill -TERM "$pid"
WAIT_DEADLINE=6 wait_for ended
ok $? "a second SIGTERM ends bbbctl at once ($(( $(date +%s) - t0 )) s)"
is "$(cat "$ui_tmp/rc")" 143 "exit status 128 + SIGTERM"
grep -q "^bbbctl: job 1 stack redeploy bbb-01: running, left at: " "$ui_tmp/err"
ok $? "the job's state and step are printed"
grep -q "^bbbctl: ended with 1 job(s) still running" "$ui_tmp/err"
ok $? "and that it was left running"
sed 's/^/# /' "$ui_tmp/err"
curl -s -X DELETE "$ui_control/faults" >/dev/null
ui_stop

done_testing
