#!/bin/sh
# resize.sh: the dashboard follows the terminal's size: 60x20 (columns
# dropped, still every node), 250x60 (every column), below the minimum
# a "terminal too small" screen, and back.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/ui.sh"

ui_init
ui_sim || skip_all "bbbctl-sim did not start"
ui_start 80 24 "$ui_bbbctl" --config "$ui_conf" --log "$ui_tmp/log"
wait_for_text "bbb-12 "; ok $? "starts at 80x24"

ui_tmux resize-window -t t -x 60 -y 20
wait_for_text "cols hidden"; ok $? "60x20: some columns dropped, and it says so"
n=$(ui_rows | grep -c '^bbb-')
is "$n" 12 "60x20: all 12 BBB nodes still shown"
w=$(ui_width)
[ "$w" -le 60 ]; ok $? "60x20: no line wider than 60 ($w)"

ui_tmux resize-window -t t -x 250 -y 60
wait_for_text "NET in/out"; ok $? "250x60: the NET column is back"
ui_has " VM"; ok $? "250x60: the VM column is shown"
ui_has "STACK"; ok $? "250x60: the STACK column is shown"
ui_has "cols hidden"; [ $? -ne 0 ]; ok $? "250x60: nothing hidden"
ui_has "scalelite "; ok $? "250x60: full source names in the header"

ui_tmux resize-window -t t -x 40 -y 10
wait_for_text "terminal too small: need 60x12"
ok $? "40x10: the too-small screen says what it needs"
ui_keys '?'
ui_has "terminal too small"; ok $? "keys do not break the too-small screen"
ui_keys Escape

ui_tmux resize-window -t t -x 80 -y 24
wait_for_text "HEALTH"; ok $? "back to 80x24: the table again"
wait_gone "terminal too small"; ok $? "... and the too-small text is gone"

pid=$(ui_pid)
ui_keys q
wait_for sh -c "! kill -0 $pid 2>/dev/null"; ok $? "q quits"
done_testing
