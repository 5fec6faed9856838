#!/bin/sh
# http.sh: requests through the loop + libcurl multi engine against a local
# libmicrohttpd server.  Prints figures; asserts nothing about timings.
top_builddir=${top_builddir:-.}
${MAKE:-make} -s -C "$top_builddir" tests/bench/bench-http >/dev/null || exit 1
b="$top_builddir/tests/bench/bench-http"
"$b" -n 1000 -c 200 -s 100 || exit 1
"$b" -n 1000 -c 200 -s 65536 || exit 1
"$b" -n 1000 -c 1 -s 100 || exit 1
