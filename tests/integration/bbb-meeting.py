# bbb-meeting.py: a BBB node API and a scalelite in front of it, for the
# probe meeting tests until bbbctl-sim routes create/join/end: checks
# every checksum (SHA-256 of call + query + secret, as BBB 2.4+ and
# scalelite do), keeps the meetings, answers create, getMeetingInfo,
# join (scalelite: 302 to the node's re-signed URL; the node: XML with
# redirect=false), end (asynchronous: gone at the next look) and the
# client URL, and logs each call.  Usage: bbb-meeting.py SECRET NODESECRET
# [FAILCALL]; prints its port.
import hashlib, http.server, sys, urllib.parse
SECRET, NODESECRET = sys.argv[1], sys.argv[2]
FAIL = sys.argv[3] if len(sys.argv) > 3 else ""
meetings = {}
ending = set()

def xml(h, body, status=200):
    b = ("<response>" + body + "</response>").encode()
    h.send_response(status)
    h.send_header("Content-Type", "text/xml")
    h.send_header("Content-Length", str(len(b)))
    h.end_headers()
    h.wfile.write(b)

def ok(h, body=""):
    xml(h, "<returncode>SUCCESS</returncode>" + body)

def failed(h, key, msg):
    xml(h, "<returncode>FAILED</returncode><messageKey>%s</messageKey>"
        "<message>%s</message>" % (key, msg))

def signed(call, raw, secret):
    q = raw.split("&checksum=")[0] if "&checksum=" in raw else \
        ("" if raw.startswith("checksum=") else None)
    if q is None:
        return None
    got = raw.rsplit("checksum=", 1)[1]
    want = hashlib.sha256((call + q + secret).encode()).hexdigest()
    return q if got == want else None

class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        path, _, raw = self.path.partition("?")
        port = self.server.server_address[1]
        if path == "/html5client/join":
            b = b"<html>client</html>"
            self.send_response(200)
            self.send_header("Content-Length", str(len(b)))
            self.end_headers()
            self.wfile.write(b)
            return
        if path == "/scalelite/api/getServers":
            if signed("getServers", raw, SECRET) is None:
                return failed(self, "checksumError", "Checksums do not match")
            b = ('[{"id":"s7","url":"http://bbb-07.localhost:%d/node/'
                 'bigbluebutton/api/","secret":"%s","tag":"","state":'
                 '"enabled","load":"1.0","load_multiplier":"1.0",'
                 '"online":"online"}]' % (port, NODESECRET)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(b)))
            self.end_headers()
            self.wfile.write(b)
            return
        node = path.startswith("/node/")
        api = "/node/bigbluebutton/api/" if node else "/bigbluebutton/api/"
        if not path.startswith(api):
            self.send_error(404)
            return
        call = path[len(api):]
        q = signed(call, raw, NODESECRET if node else SECRET)
        print("call", "node" if node else "scalelite", call, flush=True)
        if q is None:
            return failed(self, "checksumError", "Checksums do not match")
        p = dict(urllib.parse.parse_qsl(q, keep_blank_values=True))
        mid = p.get("meetingID", "")
        if call == FAIL:
            return failed(self, "internalError", "injected failure")
        if call == "create":
            if not p.get("name") or not mid:
                return failed(self, "missingParam", "name and meetingID")
            meetings[mid] = p
            return ok(self, "<meetingID>%s</meetingID><internalMeetingID>"
                      "abc-1</internalMeetingID><moderatorPW>%s</moderatorPW>"
                      % (mid, p.get("moderatorPW")))
        if call == "getMeetingInfo":
            if mid in ending:
                ending.discard(mid)
                meetings.pop(mid, None)
            if mid not in meetings:
                return failed(self, "notFound",
                              "A meeting with that ID does not exist")
            return ok(self, "<meetingName>%s</meetingName><meetingID>%s"
                      "</meetingID><internalMeetingID>abc-1"
                      "</internalMeetingID><running>false</running>"
                      % (meetings[mid]["name"], mid))
        if call == "join":
            if mid not in meetings:
                return failed(self, "notFound", "no such meeting")
            if not node:
                nq = q
                sum = hashlib.sha256(("join" + nq + NODESECRET).encode())
                self.send_response(302)
                self.send_header("Location",
                    "http://bbb-07.localhost:%d/node/bigbluebutton/api/"
                    "join?%s&checksum=%s" % (port, nq, sum.hexdigest()))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if p.get("password") != meetings[mid].get("moderatorPW"):
                return failed(self, "invalidPassword", "wrong password")
            return ok(self, "<messageKey>successfullyJoined</messageKey>"
                      "<url>http://127.0.0.1:%d/html5client/join?"
                      "sessionToken=x1</url>" % port)
        if call == "end":
            if mid not in meetings:
                return failed(self, "notFound", "no such meeting")
            if p.get("password") != meetings[mid].get("moderatorPW"):
                return failed(self, "invalidPassword", "wrong password")
            ending.add(mid)
            return ok(self, "<messageKey>sentEndMeetingRequest</messageKey>")
        failed(self, "unsupportedRequest", "not supported")
    def log_message(self, *a):
        pass

s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
