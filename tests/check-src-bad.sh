#!/bin/sh
# check-src-bad.sh: the layering check bites (TAP).  On a copy of the
# tree, tests/check-src.sh passes; then deliberately bad files make each
# of its rules fail, naming what is wrong: a ui/ file that includes
# audit.h, <term.h> and <unistd.h> and calls sprintf and atoi; a src/
# file that includes <term.h>; a ui/ object that calls fopen, strdup,
# sleep, socket and getenv; one more fopen in the terminal layer than
# its counted exception; a src/ file that computes a checksum, writes
# consul's token header and sets an HTTP password outside the clients.
# And ui/ is compiled so that an include of jansson, curl, libssh2 or
# libpq fails.
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
build=${top_builddir:-$top}
. "$top/tests/lib/tap.sh"

[ -f "$build/libui.a" ] && [ -f "$build/bbbctl" ] ||
    skip_all "libui.a and bbbctl are not built"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-src-bad.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# A copy of the sources and of the check, without the build's objects.
tree=$tmp/tree
mkdir -p "$tree/tests/lib"
(cd "$top" && find src ui -name '*.[ch]' | tar -cf - -T -) |
    (cd "$tree" && tar -xf -) || exit 1
cp "$top/tests/check-src.sh" "$top/tests/check-src.allow" "$tree/tests/"
cp "$top/tests/lib/tap.sh" "$tree/tests/lib/"

check() {
	top_srcdir=$tree top_builddir=$build sh "$tree/tests/check-src.sh" \
	    >"$tmp/out" 2>&1
}
# the TAP line of the rule whose description starts with $1
rule() {
	grep -E "^(not )?ok [0-9]+ - $1" "$tmp/out"
}
failed() {
	rule "$1" | grep -q '^not ok'
}

check
ok $? "the copy of the tree passes the check"
[ $? -eq 0 ] || sed 's/^/#   /' "$tmp/out"

# rules 1, 2, 4: includes and banned calls
cat >"$tree/ui/view-bad.c" <<'EOF'
#include <term.h>
#include <unistd.h>

#include "audit.h"
#include "ui-int.h"

void	ui_bad(char *, const char *);

void
ui_bad(char *buf, const char *s)
{
	sprintf(buf, "%d", atoi(s));
}
EOF
printf '#include <term.h>\n' >"$tree/src/bad-term.c"
check
failed "src/ includes no curses header"
ok $? "a src/ file that includes <term.h> fails rule 1"
grep -q 'src/bad-term.c:1:#include <term.h>' "$tmp/out"
ok $? "(and is named)"
failed "ui/ includes only its allow-list"
ok $? "a ui/ file that includes audit.h, <term.h>, <unistd.h> fails rule 2"
grep -q 'ui/view-bad.c:4:#include "audit.h"' "$tmp/out" &&
    grep -q 'ui/view-bad.c:1:#include <term.h>' "$tmp/out" &&
    grep -q 'ui/view-bad.c:2:#include <unistd.h>' "$tmp/out"
ok $? "(each include named)"
failed "no banned call"
ok $? "sprintf and atoi fail the banned-call rule"
grep -q 'ui/view-bad.c:12:.*\[sprintf\]' "$tmp/out" &&
    grep -q 'ui/view-bad.c:12:.*\[atoi\]' "$tmp/out"
ok $? "(both named)"
rm -f "$tree/ui/view-bad.c" "$tree/src/bad-term.c"

# rule 3: what a ui/ object calls (compiled as libui.a is)
cat >"$tree/ui/view-calls.c" <<'EOF'
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char	*ui_calls(const char *);

char *
ui_calls(const char *path)
{
	FILE	*f = fopen(path, "r");

	if (f != NULL)
		fclose(f);
	sleep(1);
	if (socket(AF_INET, SOCK_STREAM, 0) == -1 && getenv("X") != NULL)
		return (NULL);
	return (strdup(path));
}
EOF
if [ -z "$CC" ] || [ -z "$UI_COMPILE" ]; then
	ok 1 "CC and UI_COMPILE are set (make check sets them)"
else
	# shellcheck disable=SC2086
	(cd "$build" && $CC $UI_COMPILE -c "$tree/ui/view-calls.c" \
	    -o "$tmp/view-calls.o") 2>"$tmp/cc"
	ok $? "a ui/ file with file, socket, process calls compiles"
	[ -s "$tmp/cc" ] && sed 's/^/#   /' "$tmp/cc"
	CHECK_SRC_UI_OBJS="$build/libui.a $tmp/view-calls.o" check
	failed "ui/ calls only"
	ok $? "its object fails rule 3 (nm -u)"
	bad=0
	for f in fopen fclose sleep socket getenv strdup; do
		grep -q "ui/view-calls.c: calls $f\$" "$tmp/out" ||
		    { diag "not named: $f"; bad=1; }
	done
	ok $bad "(fopen fclose sleep socket getenv strdup each named)"
	! grep -q 'ui/terminal.c: calls' "$tmp/out"
	ok $? "(not the terminal layer's counted calls)"

	# ui/ cannot include the libraries' headers at all
	bad=0
	for h in jansson.h curl/curl.h libssh2.h libpq-fe.h; do
		printf '#include <%s>\n' "$h" >"$tree/ui/view-inc.c"
		# shellcheck disable=SC2086
		if (cd "$build" && $CC $UI_COMPILE -c "$tree/ui/view-inc.c" \
		    -o "$tmp/view-inc.o") 2>"$tmp/cc"; then
			diag "<$h> compiled in ui/"
			bad=1
		elif ! grep -q "ui/ must not include <$h>" "$tmp/cc"; then
			sed 's/^/#   /' "$tmp/cc"
			bad=1
		fi
	done
	ok $bad "ui/ cannot include <jansson.h> <curl/curl.h> <libssh2.h>" \
	    "<libpq-fe.h> (ui/banned/ is first on its include path)"
fi
rm -f "$tree/ui/view-calls.c" "$tree/ui/view-inc.c"

# the counted exceptions: one more use than counted fails
printf '\nstatic void *ui_bad_open(void) { return (fopen("x", "r")); }\n' \
    >>"$tree/ui/terminal.c"
check
failed "every exception of tests/check-src.allow holds its count"
ok $? "one more fopen in the terminal layer than counted fails"
n=$(awk '$1 == "ui/terminal.c" && $2 == "fopen" { print $3 }' \
    "$tree/tests/check-src.allow")
grep -q "ui/terminal.c: names fopen $((n + 1)) times, tests/check-src.allow says $n" \
    "$tmp/out"
ok $? "(named, with both counts)"

# rule 8: a request signed or authenticated outside the clients
cat >"$tree/src/bad-req.c" <<'EOF'
#include <stddef.h>

#include "http.h"
#include "util.h"

void	bad_req(struct http_req *, const char *, char *);

void
bad_req(struct http_req *r, const char *token, char *sum)
{
	static const char	*h[] = { "X-Consul-Token: x", NULL };

	util_sha256_hex(token, sum);
	r->headers = h;
	r->password = token;
}
EOF
check
failed "requests are signed and authenticated by the clients"
ok $? "a checksum, a token header and a password outside src/api/ fail rule 8"
grep -q 'src/bad-req.c:13:.*util_sha256_hex' "$tmp/out" &&
    grep -q 'src/bad-req.c:11:.*X-Consul-Token' "$tmp/out" &&
    grep -q 'src/bad-req.c:15:.*password' "$tmp/out"
ok $? "(each named)"
rm -f "$tree/src/bad-req.c"

done_testing
