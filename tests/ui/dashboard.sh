#!/bin/sh
# dashboard.sh: the dashboard in a real terminal (tmux) against
# bbbctl-sim: start, all nodes, sort, filter, drill down and back, the
# palette, help, quit.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/ui.sh"

ui_init
ui_sim || skip_all "bbbctl-sim did not start"
ui_start 80 24 "$ui_bbbctl" --config "$ui_conf" --log "$ui_tmp/log"

# start: every node of the simulated fleet
wait_for_text "NODES 1"; ok $? "the totals line appears"
all=1
for i in 01 02 03 04 05 06 07 08 09 10 11 12; do
	wait_for_text "bbb-$i " || all=0
done
[ $all = 1 ]; ok $? "all 12 nodes are shown"
ui_has "sort: worst first"; ok $? "the default order is worst first"
first=$(ui_rows | head -1)
wait_for_text "PROBLEMS"
ui_screen | grep -E "^$first +[0-9]+ " >/dev/null
ok $? "the first row ($first) has problems"

# sort by NODE: alphabetical
ui_keys '>'
wait_for_text "sort: NODE"; ok $? "> sorts by the next column"
rows=$(ui_rows | grep '^bbb-' | tr '\n' ' ')
sorted=$(ui_rows | grep '^bbb-' | sort | tr '\n' ' ')
is "$rows" "$sorted" "rows are in NODE order"
ui_keys I
wait_for_text "sort: NODE (inverted)"; ok $? "I inverts"
is "$(ui_rows | grep '^bbb-' | head -1)" "bbb-12" "inverted: bbb-12 first"
ui_keys w
wait_for_text "sort: worst first"; ok $? "w: worst first again"

# filter
ui_keys / 'bbb-1' Enter
wait_for_text "filter: bbb-1"; ok $? "/ sets a filter"
wait_gone "bbb-05 "; ok $? "the filter hides bbb-05"
ui_has "bbb-11 "; ok $? "the filter keeps bbb-11"
ui_keys Escape
wait_for_text "bbb-05 "; ok $? "Esc clears the filter"
ui_keys / 'health:re:^(ok|OFFLINE)$ node:bbb-0' Enter
wait_for_text "filter: health:"; ok $? "a field and regex filter"
ui_keys Escape

# drill down and back
ui_keys '>' g Enter
wait_for_text "Scalelite"; ok $? "Enter opens the node detail"
ui_has "node bbb-01"; ok $? "... of the selected node"
ui_keys G
wait_for_text "Meetings ("; ok $? "the detail scrolls to its meetings"
ui_keys Escape
wait_for_text "sort: NODE"; ok $? "Esc goes back to the nodes view"

# palette with completion
ui_keys : 'prob' Tab
wait_for_text ":problems"; ok $? ": completes a command with Tab"
ui_keys Enter
wait_for_text "SEVERITY"; ok $? ":problems opens the problems view"
ui_keys : 'meetings' Enter
wait_for_text "DURATION"; ok $? ":meetings opens the meetings view"
# The meetings list is fetched only while a view shows it: it fills in.
meetings_listed() { ui_screen | grep -qE 'meetings +\[[1-9][0-9]*/'; }
wait_for meetings_listed; ok $? "the meetings view fills in from scalelite"
ui_keys : 'hosts' Enter
wait_for_text "FLAVOR"; ok $? ":hosts opens the hosts view"
ui_keys : 'nodes' Enter
wait_for_text "HEALTH"; ok $? ":nodes goes back"

# help
ui_keys '?'
wait_for_text "this help, generated from the key table"
ok $? "? shows help"
ui_keys Escape
wait_for_text "HEALTH"; ok $? "Esc leaves help"

# refresh rate
ui_keys '+'
wait_for_text "refresh every 1.0s"; ok $? "+ refreshes more often"

# quit
pid=$(ui_pid)
ui_keys q
wait_for sh -c "! kill -0 $pid 2>/dev/null"; ok $? "q quits"

done_testing
