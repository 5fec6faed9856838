#!/bin/sh
# form.sh: the form widget in a real terminal, on the terminal layer with
# no fleet (tests/ui/form-demo: two forms as a wizard's two steps).
# Typing and editing, a validation error on its error line when a field
# is left, a secret that never shows what was typed (nor its length), an
# escape sequence curses does not know swallowed whole, choices, Esc back
# to the first step with every value kept, a refused submit, and the
# values printed on exit; the terminal given back on TERM, HUP, INT, SEGV.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/ui.sh"

demo=$ui_builddir/tests/ui/form-demo
ui_init
[ -x "$demo" ] || skip_all "no $demo"
out=$ui_tmp/out
secret='hunter2-XYZ'

# The line of the screen that shows a field's label.
field() {
	ui_screen | grep -F -- "$1"
}

ui_start 80 24 "$demo" ">$out"
wait_for_text "Step 1 of 2: the server"; ok $? "the first step is shown at 80x24"
ui_has "Host name"; ok $? "labels are shown"
ui_has "the node's host name, as consul knows it"
ok $? "the focused field's help line is shown"

# An unknown sequence (CSI 99 ~) is neither Esc (which would quit) nor text.
ui_tmux send-keys -t t -H 1b 5b 39 39 7e
ui_keys 'BAD NAME'
wait_for_text "BAD NAME"; ok $? "typed text is shown"
ui_has "99~"; [ $? -ne 0 ]; ok $? "an unknown escape sequence types nothing"
ui_has "Step 1 of 2"; ok $? "... and does not act as Esc"

ui_keys Tab
wait_for_text "only a-z, 0-9 and '-' in a host name"
ok $? "leaving a bad field shows its error line"
ui_keys BTab C-u 'bbb-01' Tab
wait_gone "only a-z"; ok $? "corrected: the error line is gone"
field "Host name" | grep -q "bbb-01"; ok $? "the host name is bbb-01"

# Port: digits only; Backspace edits.
ui_keys BSpace BSpace BSpace '84x4-3'
wait_for_text "8443"; ok $? "the number field took the digits"
field "Port" | grep -q "x"; [ $? -ne 0 ]; ok $? "... and not the letter"
ui_keys Tab

# The secret: a fixed mask, never a typed character, never its length.
ui_keys 'abc'
wait_for_text "********"; ok $? "a secret shows a mask"
m3=$(field "Shared secret")
ui_keys C-u "$secret"
sleep 0.3
m11=$(field "Shared secret")
is "$m11" "$m3" "the mask is the same for 3 and 11 characters"
ui_has "hunter"; [ $? -ne 0 ]; ok $? "no typed character of the secret is shown"
ui_screen | grep -q "XYZ"; [ $? -ne 0 ]; ok $? "... not even its last ones"
# Its cursor stays at the end: Backspace takes the last character.
ui_keys Left Left BSpace
sleep 0.2
ui_has "hunter"; [ $? -ne 0 ]; ok $? "arrows do not reveal it either"
ui_keys 'Z'		# hunter2-XYZ -> hunter2-XY -> hunter2-XYZ

# The choice cycles.
ui_keys Tab
wait_for_text "< scalelite >"; ok $? "the choice starts at its first value"
ui_keys Right
wait_for_text "< standalone >"; ok $? "Right picks the next"
ui_keys Space
wait_for_text "< test >"; ok $? "Space picks the next"
ui_keys Left
wait_for_text "< standalone >"; ok $? "Left picks the previous"

ui_keys Enter
wait_for_text "Step 2 of 2: notes"; ok $? "Enter with every field valid: the next step"
ui_keys 'naïve café'
wait_for_text "naïve café"; ok $? "UTF-8 text is typed and shown"
ui_keys BSpace 'é'
wait_for_text "naïve café"; ok $? "Backspace removes one whole UTF-8 character"

ui_keys Escape
wait_for_text "Step 1 of 2: the server"; ok $? "Esc goes back to the first step"
field "Host name" | grep -q "bbb-01"; ok $? "... the host name kept"
field "Port" | grep -q "8443"; ok $? "... the port kept"
ui_has "********"; ok $? "... the secret still set"
ui_has "< standalone >"; ok $? "... the choice kept"
ui_keys Enter
wait_for_text "Step 2 of 2: notes"; ok $? "and forward again"
ui_has "naïve café"; ok $? "the second step kept its note too"

ui_keys Tab BSpace '11' Enter
wait_for_text "must be from 1 to 10"; ok $? "a refused submit shows the error line"
ui_has "1 field to correct before going on"; ok $? "... and says how many"
ui_keys BSpace BSpace '7' Enter
wait_for sh -c "grep -q '^count=' '$out'"; ok $? "a valid submit ends the program"
is "$(grep '^name=' "$out")" "name=bbb-01" "it printed the host name"
is "$(grep '^port=' "$out")" "port=8443" "it printed the port"
is "$(grep '^secret=' "$out")" "secret=(11 characters)" "the secret as its length only"
is "$(grep '^mode=' "$out")" "mode=standalone" "it printed the choice"
is "$(grep '^note=' "$out")" "note=naïve café" "it printed the UTF-8 note"
is "$(grep '^count=' "$out")" "count=7" "it printed the count"
grep -q hunter "$out"; [ $? -ne 0 ]; ok $? "the secret is not in the output"
ui_stop

# Esc on the first step leaves, saying so.
ui_start 80 24 "$demo" ">$out"
wait_for_text "Step 1 of 2"; ok $? "started again"
ui_keys Escape
wait_for sh -c "grep -qx cancelled '$out'"; ok $? "Esc on the first step cancels"
ui_stop

# The terminal is given back on every way out (src/tui.c, as for the
# dashboard): tmux says whether the alternate screen was left.
pane() {
	ui_tmux display-message -p -t t "$1" 2>/dev/null
}
for sig in TERM HUP INT SEGV; do
	ui_start 80 24 "$demo" ">$out"
	ui_tmux set-option -t t remain-on-exit on >/dev/null
	wait_for_text "Step 1 of 2" || { ok 1 "$sig: started"; ui_stop; continue; }
	[ "$(pane '#{alternate_on}')" = 1 ]
	ok $? "$sig: on the alternate screen"
	kill -"$sig" "$(ui_pid)"
	WAIT_DEADLINE=10 wait_for sh -c "[ \"\$(tmux -L $ui_sock -f /dev/null \
	    display-message -p -t t '#{pane_dead}')\" = 1 ]"
	ok $? "$sig: the program ended"
	[ "$(pane '#{alternate_on}')" = 0 ]
	ok $? "$sig: the alternate screen is left"
	ui_stop
done

done_testing
