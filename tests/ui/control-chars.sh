#!/bin/sh
# control-chars.sh: control characters in outside text are drawn as '?'
# on the row they belong to (tmux).  A scalelite (a small fake: the
# simulator names its meetings itself) lists a meeting whose name holds
# a carriage return (&#13;), a tab and a newline; the meetings view
# shows "Night?shift?room?end" with the meeting's figures on the same
# row.  The \r used to move the cursor back to the start of the row,
# and the rest of the name overwrote the meeting's first columns.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/ui.sh"

ui_init
command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
cat >"$ui_tmp/fake.py" <<'PY'
import http.server
NAME = "Night&#13;shift&#9;room&#10;end"
MEETINGS = ("<response><returncode>SUCCESS</returncode><meetings>"
    "<meeting><meetingName>" + NAME + "</meetingName>"
    "<meetingID>evil-1</meetingID><createTime>1764100000000</createTime>"
    "<running>true</running><participantCount>77</participantCount>"
    "<listenerCount>70</listenerCount>"
    "<voiceParticipantCount>7</voiceParticipantCount>"
    "<videoCount>3</videoCount><moderatorCount>1</moderatorCount>"
    "</meeting></meetings></response>").encode()
OLD = (b"<response><returncode>FAILED</returncode><messageKey>"
    b"unsupportedRequest</messageKey><message>This request is not "
    b"supported.</message></response>")
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = MEETINGS if "getMeetings" in self.path else OLD
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PY
python3 "$ui_tmp/fake.py" >"$ui_tmp/fake.out" 2>"$ui_tmp/fake.err" &
fake_pid=$!
trap 'kill $fake_pid 2>/dev/null; ui_cleanup' EXIT
wait_for grep -q '^[0-9]' "$ui_tmp/fake.out" ||
    skip_all "the fake scalelite did not start"
port=$(head -1 "$ui_tmp/fake.out")
cat >"$ui_tmp/bbbctl.conf" <<EOC
[cluster]
name = ctrl
[scalelite]
url = http://127.0.0.1:$port
secret = 0123456789abcdef0123456789abcdef
EOC
chmod 600 "$ui_tmp/bbbctl.conf"

ui_start 120 24 "$ui_bbbctl" --config "$ui_tmp/bbbctl.conf" --log \
    "$ui_tmp/log"
wait_for_text "scalelite"; ok $? "the dashboard started"
ui_keys :meetings Enter
wait_for_text "Night?shift?room?end"
ok $? "the name is drawn with '?' for the CR, the tab and the newline"
row=$(ui_screen | grep -F "Night?shift?room?end")
printf '%s\n' "$row" | sed 's/^/#   /'
printf '%s\n' "$row" | grep -Eq '(^| )77( |$)'
ok $? "its participants (77) are on the same row"
! ui_screen | grep -q '^shift'
ok $? "no row starts with the rest of the name"
ui_screen | grep -q "MEETING\|NAME"
ok $? "the view's header row is intact"

ui_keys q
done_testing
