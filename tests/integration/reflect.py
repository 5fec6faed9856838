#!/usr/bin/env python3
# reflect.py: a hostile (or misconfigured) server that answers every
# request with an error page echoing the request as it arrived: request
# line (the query as sent), every header (a consul token, a Basic
# credential) and the body (a Keystone request's secret).  Rancher's
# paths get Rancher's JSON error with the echo as its message, the
# scalelite admin API its JSON error.  Prints its port, serves until
# killed.
import http.server
import json
import sys


class Reflect(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def echo(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode("utf-8", "replace") if n else ""
        # Credentials first: the part a client quotes is the start.
        hdrs = "".join("%s: %s\n" % (k, v) for k, v in self.headers.items()
                       if k.lower() in ("authorization", "x-consul-token"))
        text = "%s%s %s\n%s\n%s" % (hdrs, self.command, self.path,
                                    str(self.headers), body)
        if self.path.startswith("/v2-beta"):
            out = json.dumps({"type": "error", "status": 500,
                              "code": "Debug", "message": text})
            ctype = "application/json"
        elif self.path.startswith("/scalelite/api"):
            out = json.dumps({"error": text})
            ctype = "application/json"
        else:
            out = "<html><body><h1>proxy debug</h1><pre>%s</pre></body>" \
                  "</html>" % text
            ctype = "text/html"
        data = out.encode()
        self.send_response(500)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = echo

    def log_message(self, *args):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Reflect)
print(srv.server_address[1], flush=True)
srv.serve_forever()
