#!/bin/sh
# nocolor.sh: colour by default; with NO_COLOR (or --no-color) no colour
# at all, only attributes (bold, reverse, underline, dim).  UTF-8 marks
# and sparklines by default; ASCII with --ascii or a non-UTF-8 locale.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/ui.sh"

ui_init
ui_sim || skip_all "bbbctl-sim did not start"

# SGR colour parameters: 30-37 38 39? no: 39/49 are "default" resets, so
# count only real colours: 30-38, 40-48, 90-97, 100-107.
esc=$(printf '\033')
has_colour() {
	ui_screen -e | grep -E "$esc\\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9;]*)?m" >/dev/null
}

ui_start 100 30 "$ui_bbbctl" --config "$ui_conf" --log "$ui_tmp/log"
wait_for_text "bbb-12 "; ok $? "started with colours"
wait_for has_colour; ok $? "colour SGR sequences are on the screen"
ui_stop

ui_start 100 30 NO_COLOR=1 "$ui_bbbctl" --config "$ui_conf" --log \
    "$ui_tmp/log"
wait_for_text "bbb-12 "; ok $? "NO_COLOR: started"
wait_for_text "PROBLEMS"
has_colour; [ $? -ne 0 ]; ok $? "NO_COLOR: no colour SGR sequence"
ui_screen -e | grep -E "$esc\\[([0-9;]*;)?(1|4|7)(;[0-9;]*)?m" >/dev/null
ok $? "NO_COLOR: attributes still mark roles"
ui_stop

ui_start 100 30 "$ui_bbbctl" --no-color --config "$ui_conf" --log \
    "$ui_tmp/log"
wait_for_text "PROBLEMS"; ok $? "--no-color: started"
has_colour; [ $? -ne 0 ]; ok $? "--no-color: no colour SGR sequence"
dot=$(printf '\342\227\217')		# U+25CF
wait_for_text "prom $dot "
ok $? "UTF-8 locale: a UTF-8 mark for a fresh source"
ui_stop

ui_start 100 30 LC_ALL=C LANG=C "$ui_bbbctl" --config "$ui_conf" --log \
    "$ui_tmp/log"
wait_for_re "prom \\* "; ok $? "C locale: ASCII marks by themselves"
ui_screen | LC_ALL=C grep -q "$(printf '[\200-\377]')"
[ $? -ne 0 ]; ok $? "C locale: not one byte outside ASCII on the screen"
ui_stop

ui_start 100 30 "$ui_bbbctl" --ascii --config "$ui_conf" --log \
    "$ui_tmp/log"
wait_for_re "prom \\* "; ok $? "--ascii: ASCII marks"
ui_screen | LC_ALL=C grep -q "$(printf '[\200-\377]')"
[ $? -ne 0 ]; ok $? "--ascii: not one byte outside ASCII on the screen"
ui_keys q

done_testing
