#!/bin/sh
# decode.sh: the backend decoders on a generated refresh of every source
# (1000 and 5000 nodes).  Prints figures; asserts nothing about timings.
top_builddir=${top_builddir:-.}
${MAKE:-make} -s -C "$top_builddir" tests/bench/bench-decode >/dev/null || exit 1
b="$top_builddir/tests/bench/bench-decode"
"$b" -n 1000 -m 5 -r 20 || exit 1
"$b" -n 5000 -m 5 -r 5 || exit 1
