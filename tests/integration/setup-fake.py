# setup-fake.py MODE: a server of a kind bbbctl setup's tests must name,
# for tests/integration/setup-sim.sh.  Prints its port.
#   rancher2   Rancher 2.x: /v3 answers JSON, /v2-beta is 404
#   scalelite1 scalelite before 1.5.1: the BBB API answers (any
#              checksum), /scalelite/api/... is 404
#   other      a web server that is none of them (HTML for everything)
import http.server
import sys

mode = sys.argv[1]


class H(http.server.BaseHTTPRequestHandler):
    def send(self, status, ctype, body):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        p = self.path
        if mode == "rancher2" and p.startswith("/v3"):
            self.send(401, "application/json",
                      b'{"type":"error","status":"401",'
                      b'"message":"must authenticate"}')
        elif mode == "scalelite1" and p.startswith("/bigbluebutton/api"):
            self.send(200, "application/xml",
                      b"<response><returncode>SUCCESS</returncode>"
                      b"<meetings/></response>")
        else:
            self.send(404, "text/html", b"<html>not here</html>")

    do_POST = do_GET

    def log_message(self, *a):
        pass


s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
