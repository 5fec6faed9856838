#!/usr/bin/env python3
# hostile.py MODE: a server that answers every request badly, for the
# fault matrix (faults.sh).  Prints its port, serves until killed.  (An
# endless chunked body is bbbctl-sim's chunked fault.)
#   html      200, an HTML login page (a proxy's SSO in the way)
#   xml       500, an XML error answer
#   tls       a TLS server with a self-signed certificate (CERT KEY)
#   late      answers 200 "[]" after 30 s
import http.server
import socket
import ssl
import sys
import time

mode = sys.argv[1]


class Hostile(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        if mode == "late":
            time.sleep(30)
        if mode == "html":
            body = (b"<!DOCTYPE html><html><head><title>Sign in</title>"
                    b"</head><body><form method=post action=/login>"
                    b"<input name=user><input type=password name=pw>"
                    b"</form></body></html>")
            status, ctype = 200, "text/html"
        elif mode == "xml":
            body = (b"<?xml version=\"1.0\"?><error><code>Internal</code>"
                    b"<message>backend unavailable</message></error>")
            status, ctype = 500, "application/xml"
        else:
            body, status, ctype = b"[]", 200, "application/json"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass

    do_GET = do_POST = do_PUT = do_DELETE = answer

    def log_message(self, *args):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
srv.daemon_threads = True
if mode == "tls":
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[2], sys.argv[3])
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print(srv.server_address[1], flush=True)
srv.serve_forever()
