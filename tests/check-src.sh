#!/bin/sh
# check-src.sh: the layering rules of DESIGN.md and the banned calls (TAP).
#
#  1. src/ includes no curses header (term.h, unctrl.h and the other
#     terminfo headers are curses too).
#  2. ui/ includes only its own headers and those of UI_INCLUDES: C
#     library headers of things that compute, curses.h, and of the
#     project the model's (fleet.h, services.h), util.h and the action
#     registry's;
#     never the network libraries', the loop's, http's, the backends' or
#     audit.h.
#  3. What ui/ calls (nm -u of the ui objects) is defined by ui/ itself,
#     by curses, by the model, util or the action registry (UI_CORE
#     objects of libcore.a), or
#     is a C library function of UI_LIBC (memory, strings, wide
#     characters, ctype, math, regex, sorting, time conversion,
#     formatting into a buffer).  No file, socket, process, environment
#     or clock call: the terminal layer is the counted exception.
#  4. No banned call (BANNED) anywhere in src/ or ui/.
#  5. curl_easy_perform only where counted (worker threads).
#  6. No trailing white space.
#  7. src/api/ (the clients) includes neither the model, jobs, the loop
#     nor the backends' private headers.
#  8. Only the clients (src/api/) sign and authenticate requests: no
#     checksum, token header or HTTP user/password elsewhere in src/.
#
# The exceptions to 2-5 are all in tests/check-src.allow, each with the
# number of places its file names it (comments and strings left out): a
# new use fails, and so does an exception whose count no longer holds.
#
# Environment: top_srcdir (the tree checked), top_builddir (libui.a,
# libcore.a, bbbctl), CHECK_SRC_ALLOW (the exceptions file),
# CHECK_SRC_UI_OBJS (the ui objects for rule 3; libui.a by default; an
# object NAME.o or libui_a-NAME.o is ui/NAME.c).
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
build=${top_builddir:-$top}
. "$top/tests/lib/tap.sh"
cd "$top" || exit 1
allow=${CHECK_SRC_ALLOW:-$top/tests/check-src.allow}
objs=${CHECK_SRC_UI_OBJS:-$build/libui.a}

CURSES_H='(n?curses|panel|menu|form|term|termcap|unctrl|tic)\.h'
CURSES_H="$CURSES_H|ncursesw?/"
UI_INCLUDES='assert.h ctype.h errno.h inttypes.h limits.h math.h regex.h
	stdarg.h stdbool.h stddef.h stdint.h stdio.h stdlib.h string.h
	strings.h sys/queue.h sys/types.h time.h wchar.h wctype.h
	curses.h
	fleet.h services.h util.h action/registry.h'
UI_CORE='fleet services util registry'
UI_LIBC='free memcpy memmove memset memcmp memchr memrchr
	strlen strnlen strcmp strncmp strcasecmp strncasecmp strchr strrchr
	strstr strcasestr strcspn strspn strpbrk strtol strtoul strtoll
	strtoull strtod strtof strerror snprintf vsnprintf qsort qsort_r
	explicit_bzero
	bsearch tolower toupper ctype_b_loc ctype_tolower_loc
	ctype_toupper_loc ctype_get_mb_cur_max errno_location
	mbrtowc mbrlen mbstowcs mbtowc mblen wcrtomb wctomb wcwidth wcswidth
	wcslen btowc iswprint iswspace towlower towupper
	floor ceil round lround llround trunc fabs fmod log log10 log2 exp
	pow sqrt nan isnan isinf
	regcomp regexec regerror regfree
	localtime_r gmtime_r strftime mktime timegm
	assert_fail stack_chk_fail abort'
BANNED='sprintf vsprintf strcpy strcat stpcpy strncpy strncat wcscpy wcscat
	gets atoi atol atoll atof system popen tmpnam tempnam mktemp strtok
	alloca rand srand asctime ctime localtime gmtime'

# diag, every line of it
diags() { printf '%s\n' "$*" | sed 's/^/# /'; }

t=${TMPDIR:-/tmp}/check-src.$$
mkdir "$t" || exit 1
trap 'rm -rf "$t"' EXIT

# FILE:LINE:text of C files with comments, strings and character
# constants blanked (line numbers kept).
strip_c() {
	awk '
	FNR == 1 { incom = 0 }
	{
		out = ""; s = $0; i = 1; L = length(s)
		while (i <= L) {
			c = substr(s, i, 1); d = substr(s, i, 2)
			if (incom) {
				if (d == "*/") { incom = 0; i += 2 } else i++
				continue
			}
			if (d == "/*") { incom = 1; i += 2; out = out " "; continue }
			if (d == "//") break
			if (c == "\"" || c == "'\''") {
				q = c; i++
				while (i <= L && substr(s, i, 1) != q) {
					if (substr(s, i, 1) == "\\") i++
					i++
				}
				i++; out = out q q; continue
			}
			out = out c; i++
		}
		print FILENAME ":" FNR ":" out
	}' "$@"
}

# The counted exceptions: FILE NAME COUNT (# comments).
grep -v '^[[:space:]]*#' "$allow" 2>/dev/null |
    awk 'NF >= 3 { print $1, $2, $3 }' >"$t/allow"
# allowed FILE NAME: 0 if the exceptions name NAME for FILE.
allowed() {
	grep -q "^$1 $2 " "$t/allow"
}

# 1. src/ and curses.
out=$(grep -rnE "#[[:space:]]*include[[:space:]]*[<\"]($CURSES_H)" src \
	--include='*.[ch]' 2>/dev/null)
[ -z "$out" ]; ok $? "src/ includes no curses header (term.h too)"
[ -z "$out" ] || diags "$out"

# 2. ui/'s includes.
: >"$t/bad"
grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]' ui \
	--include='*.[ch]' 2>/dev/null |
while IFS= read -r line; do
	f=${line%%:*}
	h=$(printf '%s\n' "$line" |
	    sed -E 's/.*#[[:space:]]*include[[:space:]]*[<"]([^>"]*)[>"].*/\1/')
	case " $(echo $UI_INCLUDES) " in
	*" $h "*) continue ;;
	esac
	# its own headers ("x.h" of ui/, not of ui/banned/)
	case $line in
	*'"'"$h"'"'*)
		case $h in banned/*) ;; *) [ -f "ui/$h" ] && continue ;; esac ;;
	esac
	allowed "$f" "$h" || printf '%s\n' "$line" >>"$t/bad"
done
out=$(cat "$t/bad")
[ -z "$out" ]
ok $? "ui/ includes only its allow-list (C library, curses, fleet.h," \
    "util.h, its own)"
[ -z "$out" ] || diags "$out
not allowed in ui/ (UI_INCLUDES in tests/check-src.sh; counted
exceptions in tests/check-src.allow)"

# 3. What ui/ calls.
: >"$t/bad"
curses_libs=$(ldd "$build/bbbctl" 2>/dev/null |
    awk '/curses|tinfo/ && $3 ~ /^\// { print $3 }')
if [ -z "$curses_libs" ]; then
	ok 1 "ui/ calls only ui, curses, the model, util and UI_LIBC"
	diag "cannot find the curses libraries of $build/bbbctl (ldd)"
else
	for l in $curses_libs; do
		nm -D --defined-only "$l" | awk '{ print $NF }'
	done | sed 's/@.*//' >"$t/defined"
	# shellcheck disable=SC2086
	nm --defined-only $objs 2>/dev/null | awk 'NF == 3 { print $3 }' \
		>>"$t/defined"
	for m in $UI_CORE; do
		nm --defined-only "$build/libcore.a" 2>/dev/null | awk -v m="$m" '
		    /:$/ { f = ($0 ~ "^libcore_a-" m "[-.]") ; next }
		    f && NF == 3 { print $3 }'
	done >>"$t/defined"
	for s in $UI_LIBC; do echo "$s"; done >>"$t/defined"
	sort -u "$t/defined" -o "$t/defined"
	# shellcheck disable=SC2086
	nm -A -u $objs 2>/dev/null | awk '{ print $1, $NF }' |
	while read -r where sym; do
		o=${where%:}
		o=${o##*:}
		o=${o##*/}
		o=${o#libui_a-}
		f=ui/${o%.o}.c
		base=$(printf '%s\n' "$sym" |
		    sed -E 's/^__isoc(99|23)_//; s/^__//; s/_chk$//')
		case $sym in
		__asan_*|__ubsan_*|__sanitizer_*|__lsan_*|__gcov_*|__llvm_*|\
		_GLOBAL_OFFSET_TABLE_)
			continue ;;
		esac
		grep -qxF "$sym" "$t/defined" && continue
		grep -qxF "$base" "$t/defined" && continue
		allowed "$f" "$sym" || allowed "$f" "$base" ||
		    echo "$f: calls $sym" >>"$t/bad"
	done
	out=$(sort -u "$t/bad")
	[ -z "$out" ]
	ok $? "ui/ calls only ui, curses, the model, util and UI_LIBC (nm -u)"
	[ -z "$out" ] || diags "$out
no file, socket, process, environment or clock call in ui/ (UI_LIBC
in tests/check-src.sh; the terminal layer's counted exceptions in
tests/check-src.allow)"
fi

# 4, 5. Banned calls; curl_easy_perform.
strip_c $(find src ui -name '*.[ch]' | sort) >"$t/code"
: >"$t/bad"
for b in $BANNED curl_easy_perform; do
	grep -E "^[^:]*:[0-9]+:(.*[^_a-zA-Z0-9.>])?$b[[:space:]]*\(" "$t/code" |
	while IFS= read -r line; do
		allowed "${line%%:*}" "$b" || printf '%s  [%s]\n' "$line" "$b"
	done >>"$t/bad"
done
out=$(grep -v '\[curl_easy_perform\]' "$t/bad")
[ -z "$out" ]; ok $? "no banned call ($(echo $BANNED))"
[ -z "$out" ] || diags "$out"
out=$(grep '\[curl_easy_perform\]' "$t/bad")
[ -z "$out" ]; ok $? "curl_easy_perform only where counted (worker threads)"
[ -z "$out" ] || diags "$out"

# The counts of the exceptions hold.
: >"$t/bad"
while read -r f name count; do
	if [ ! -f "$f" ]; then
		echo "$f: no such file (exception for $name)" >>"$t/bad"
		continue
	fi
	case $name in
	*.h)
		have=$(grep -cE \
		    "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]$name[>\"]" \
		    "$f") ;;
	*)
		have=$(strip_c "$f" | sed 's/^[^:]*:[0-9]*://' |
		    grep -oE "(^|[^_a-zA-Z0-9])$name([^_a-zA-Z0-9]|\$)" |
		    wc -l) ;;
	esac
	have=$((have + 0))
	[ "$have" -eq "$count" ] ||
	    echo "$f: names $name $have times, tests/check-src.allow says $count" \
		>>"$t/bad"
done <"$t/allow"
out=$(cat "$t/bad")
[ -z "$out" ]; ok $? "every exception of tests/check-src.allow holds its count"
[ -z "$out" ] || diags "$out"

out=$(grep -rnP ' +$' src ui --include='*.[ch]' 2>/dev/null | head -5)
[ -z "$out" ]; ok $? "no trailing white space"; [ -z "$out" ] || diags "$out"

# 7. The clients (src/api/) see neither the model, jobs, the loop nor
# the backends' private headers.
API_NOT='fleet\.h|problems\.h|jobs\.h|loop\.h'
API_NOT="$API_NOT|backend/(decode|poll|backend|memo)\.h|ui/"
out=$(grep -rnE "#[[:space:]]*include[[:space:]]*[<\"]($API_NOT)" src/api \
	2>/dev/null)
[ -z "$out" ]
ok $? "src/api/ (the clients) does not see the fleet model, jobs or the loop"
[ -z "$out" ] || diags "$out"

# 8. A request to scalelite, consul or Rancher is built by its client
# (src/api/): elsewhere in src/ (the simulator, a server, aside) no
# checksum is computed, no token or Authorization header written, and
# no struct http_req gets a user or password (Prometheus, without a
# client yet, is counted in tests/check-src.allow).
: >"$t/bad"
for f in $(find src -name '*.[ch]' ! -path 'src/api/*' ! -path 'src/sim/*' \
    ! -name http.c ! -name http.h ! -name util.c ! -name util.h | sort); do
	strip_c "$f" | grep -E \
	    '(^|[^_a-zA-Z0-9])util_sha256_hex([^_a-zA-Z0-9]|$)' >>"$t/bad"
	grep -nHiE 'X-Consul-Token|Authorization:' "$f" >>"$t/bad"
	grep -q 'struct http_req' "$f" || continue
	allowed "$f" password && continue
	strip_c "$f" | grep -E '(\.|->)(user|password)[[:space:]]*=[^=]' \
	    >>"$t/bad"
done
out=$(cat "$t/bad")
[ -z "$out" ]
ok $? "requests are signed and authenticated by the clients (src/api/) only"
[ -z "$out" ] || diags "$out"

# 9. The requests the UI hands the glue (UI_REQ_* in ui/ui.h) are bits
# of their own: two sharing a value make one key do the other's work (a
# host's detail once answered the quit question and ended the program).
out=$(awk '$1 == "#define" && $2 ~ /^UI_REQ_/ { print $3, $2 }' ui/ui.h |
    sort | awk '$1 == last { print lastname " and " $2 " are both " $1 }
    { last = $1; lastname = $2 }')
bits=$(awk '$1 == "#define" && $2 ~ /^UI_REQ_/ { print $3 }' ui/ui.h |
    while read -r v; do
	[ $(( v & (v - 1) )) -eq 0 ] || echo "$v is not one bit"
    done)
[ -z "$out$bits" ] && [ -n "$(grep -c UI_REQ_ ui/ui.h)" ]
ok $? "each UI_REQ_ request in ui/ui.h is a bit of its own"
[ -z "$out$bits" ] || diags "$out" "$bits"

done_testing
