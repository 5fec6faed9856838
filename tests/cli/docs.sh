#!/bin/sh
# docs.sh: every configuration key of bbbctl (bbbctl config keys, from the
# table in config.c) is documented in data/bbbctl.1 and in
# data/bbbctl.conf.example, and nothing else is; the manual renders without
# warnings; the example's values load (TAP).
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$top}
. "$top/tests/lib/tap.sh"

bbbctl=$build/bbbctl
man=$top/data/bbbctl.1
example=$top/data/bbbctl.conf.example
[ -x "$bbbctl" ] || skip_all "no $bbbctl"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bbbctl-docs.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
export HOME="$tmp" XDG_STATE_HOME="$tmp/state" XDG_CONFIG_HOME="$tmp/config"
unset BBBCTL_CONFIG

"$bbbctl" config keys >"$tmp/keys.raw"
ok $? "bbbctl config keys runs"
cut -f1 "$tmp/keys.raw" | sort >"$tmp/keys"
n=$(wc -l <"$tmp/keys")
[ "$n" -ge 40 ]; ok $? "config keys lists the table ($n keys)"

# The manual: ".Ss [section]" then ".It Cm key ..." items (the generic
# "query_ Ns Ar name" item ends in "_" and is skipped).
awk '
/^\.Sh / { sec = "" }
/^\.Ss \[[a-z]+\]$/ { sec = substr($2, 2, length($2) - 2); next }
sec != "" && /^\.It Cm / && $3 !~ /_$/ { print sec "." $3 }
' "$man" | sort -u >"$tmp/man"
out=$(comm -23 "$tmp/keys" "$tmp/man")
[ -z "$out" ]; ok $? "every key is in bbbctl.1"; [ -z "$out" ] || diag "missing:" $out
out=$(comm -13 "$tmp/keys" "$tmp/man")
[ -z "$out" ]; ok $? "bbbctl.1 documents no unknown key"; [ -z "$out" ] || diag "unknown:" $out

# The example: "[section]" then "#key = ..." or "key = ...".
awk '
/^\[[a-z]+\]$/ { sec = substr($1, 2, length($1) - 2); next }
sec != "" && /^#?[a-z_0-9]+ = / { k = $1; sub(/^#/, "", k); print sec "." k }
' "$example" | sort >"$tmp/example"
out=$(comm -23 "$tmp/keys" "$tmp/example")
[ -z "$out" ]; ok $? "every key is in bbbctl.conf.example"; [ -z "$out" ] || diag "missing:" $out
out=$(comm -13 "$tmp/keys" "$tmp/example" | sort -u)
[ -z "$out" ]; ok $? "bbbctl.conf.example has no unknown key"; [ -z "$out" ] || diag "unknown:" $out
out=$(uniq -d "$tmp/example")
[ -z "$out" ]; ok $? "bbbctl.conf.example gives each key once"; [ -z "$out" ] || diag "twice:" $out

# The example loads as it is, and with every value uncommented (the _file
# keys name files that do not exist here, so they stay out).
"$bbbctl" config check "$example" >/dev/null 2>"$tmp/err"
ok $? "the example as shipped passes config check"
[ -s "$tmp/err" ] && diag "$(cat "$tmp/err")"
sed -n 's/^#\([a-z_0-9]* = \)/\1/p; /^\[/p' "$example" | grep -v '_file = ' \
    >"$tmp/all.conf"
chmod 600 "$tmp/all.conf"
"$bbbctl" config check "$tmp/all.conf" >"$tmp/all.out" 2>"$tmp/err"
ok $? "the example with every value set passes config check"
[ -s "$tmp/err" ] && diag "$(cat "$tmp/err")"

# Its query_* lines are the built-in defaults (prom-queries.h).
"$bbbctl" config check "$example" | grep '^query_' >"$tmp/q.default"
grep '^query_' "$tmp/all.out" >"$tmp/q.example"
cmp -s "$tmp/q.default" "$tmp/q.example"
ok $? "the example's query_* values are the defaults"
[ -s "$tmp/q.default" ]; ok $? "config check prints the queries"

# The manual renders without warnings.
if command -v groff >/dev/null 2>&1; then
	out=$(LC_ALL=C.UTF-8 groff -mandoc -ww -z "$man" 2>&1)
	[ -z "$out" ]; ok $? "groff -mandoc -ww: no warnings"; [ -z "$out" ] || diag "$out"
	out=$(LC_ALL=C.UTF-8 groff -mandoc -ww -Tutf8 -rLL=78n "$man" 2>&1 >/dev/null)
	[ -z "$out" ]; ok $? "renders at 80 columns without warnings"; [ -z "$out" ] || diag "$out"
else
	ok 0 "# SKIP groff is not installed"
fi
if command -v mandoc >/dev/null 2>&1; then
	out=$(mandoc -T lint -W warning "$man" 2>&1)
	[ -z "$out" ]; ok $? "mandoc -T lint: clean"; [ -z "$out" ] || diag "$out"
fi

done_testing
