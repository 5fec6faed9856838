#!/bin/sh
# oncall.sh: the console at 3 a.m. (issue 16): it never shows a false
# problem at start, never shows stale or unknown data as empty or zero.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/ui.sh"

ui_init
export TMPDIR="$ui_tmp"

# Item 9: the first answers after a start (no CPU rate yet: a rate needs
# two samples) make no "no metrics" problem on every node.
ui_start 160 40 "$ui_bbbctl" --demo --log "$ui_tmp/log"
ui_keys 3
wait_for_text "BBB API down"; ok $? "--demo: Prometheus answered: its real problems"
! ui_has "no metrics"; ok $? "no false 'no metrics' problem at start"
ui_stop

done_testing
