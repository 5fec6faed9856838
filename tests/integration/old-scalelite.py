# old-scalelite.py: a scalelite older than 1.5.1 for the rake tests:
# every call is unknown (unsupportedRequest).  Prints its port.
import http.server
class H(http.server.BaseHTTPRequestHandler):
    def answer(self):
        body = (b"<response><returncode>FAILED</returncode><messageKey>"
                b"unsupportedRequest</messageKey><message>This request is "
                b"not supported.</message></response>")
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    do_GET = do_POST = answer
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
