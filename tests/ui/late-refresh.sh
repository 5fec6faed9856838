#!/bin/sh
# late-refresh.sh: the header's "late" mark follows the schedule the
# backends really use (tmux).  With --refresh 10 Rancher is polled every
# 5th refresh (50 s); the header used to assume every 2nd and marked
# Rancher late (◐) from 40 s into each cycle until its next answer.
# Over a whole cycle and more, Rancher stays marked on time (●), and its
# next answer does come (its age starts again).
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/ui.sh"

ui_init
ui_sim --nodes 3 || skip_all "bbbctl-sim did not start"
ui_start 200 30 "$ui_bbbctl" --config "$ui_conf" --log "$ui_tmp/log" \
    --refresh 10

dot=$(printf '\342\227\217')		# ● on time
half=$(printf '\342\227\220')		# ◐ late (or stale)
wait_for_text "rancher $dot "
ok $? "Rancher answered, marked on time"

# age of Rancher's data in seconds as the header shows it ("12s", "1m")
rancher_age() {
	ui_screen | sed -n "1s/.*rancher [^ ]* \\([0-9]*\\)\\(s\\|m\\).*/\\1\\2/p"
}

late=0 oldest=0 renewed=1
end=$(( $(date +%s) + 62 ))
while [ "$(date +%s)" -lt "$end" ]; do
	if ui_has "rancher $half"; then
		late=1
		diag "marked late: $(ui_screen | head -1)"
		break
	fi
	a=$(rancher_age)
	case $a in
	*s)	a=${a%s}
		[ "$a" -gt "$oldest" ] && oldest=$a
		# past 40 s once, then young again: the next answer came
		[ "$oldest" -ge 40 ] && [ "$a" -lt 20 ] && renewed=0 ;;
	esac
	sleep 1
done
ok $late "62 s at --refresh 10: Rancher never marked late"
[ "$oldest" -ge 40 ]
ok $? "its data grew older than 40 s (was $oldest s) before the next poll"
ok $renewed "and its next answer came on the backends' schedule"

ui_keys q
done_testing
