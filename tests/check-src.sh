#!/bin/sh
# check-src.sh: the layering rule and the banned calls (TAP).
#
# src/ never includes curses; ui/ never includes the network libraries'
# headers nor the loop/http/backends; neither uses the banned calls.
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top" || exit 1
. tests/lib/tap.sh

n=0
fail() { printf '# %s\n' "$*"; n=$((n + 1)); }

out=$(grep -rnE '#[[:space:]]*include[[:space:]]*[<"](n?curses|ncursesw/|panel|menu|form)[^>"]*[>"]' src 2>/dev/null)
[ -z "$out" ]; ok $? "src/ includes no curses header"; [ -z "$out" ] || diag "$out"

out=$(grep -rnE '#[[:space:]]*include[[:space:]]*[<"](curl/|jansson|libpq|libssh2|expat|microhttpd|ini\.h|openssl/|loop\.h|http\.h|backend/)' ui 2>/dev/null)
[ -z "$out" ]; ok $? "ui/ includes no network, loop or backend header"; [ -z "$out" ] || diag "$out"

out=$(grep -rnE '(^|[^_a-zA-Z0-9])(sprintf|vsprintf|strcpy|strcat|gets|atoi|atol|system)\(' src ui 2>/dev/null | grep -v 'check-src: allow')
[ -z "$out" ]; ok $? "no banned call (sprintf strcpy strcat gets atoi atol system)"; [ -z "$out" ] || diag "$out"

out=$(grep -rnE 'curl_easy_perform' src ui 2>/dev/null | grep -v 'check-src: allow')
[ -z "$out" ]; ok $? "curl_easy_perform only where allowed (worker threads)"; [ -z "$out" ] || diag "$out"

out=$(grep -rnP ' +$' src ui --include='*.[ch]' 2>/dev/null | head -5)
[ -z "$out" ]; ok $? "no trailing white space"; [ -z "$out" ] || diag "$out"

out=$(grep -rnE '#[[:space:]]*include[[:space:]]*[<"](fleet\.h|problems\.h|jobs\.h|loop\.h|backend/(decode|poll|backend|memo)\.h|ui/)' src/api 2>/dev/null)
[ -z "$out" ]; ok $? "src/api/ (the clients) does not see the fleet model, jobs or the loop"; [ -z "$out" ] || diag "$out"

done_testing
