#!/bin/sh
# complete.sh: shell completion (bbbctl complete, data/completion/): the
# commands and options come from the command table and the action
# registry (what --help lists), node and stack names from the cache that
# status writes; with no cache, completion starts a status in the
# background and returns without waiting for it; the bash script offers
# the same words (TAP).
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/sim.sh"

sim_init
export XDG_CACHE_HOME="$tmp/cache" HOME="$tmp/home"
unset BBBCTL_CONFIG
mkdir -p "$HOME"
c() { "$bbbctl" complete -- "$@"; }

# The commands: every first word --help lists, nothing hidden.
"$bbbctl" --help | awk '/^Commands:/ { on = 1; next }
    on && /^  [a-z]/ { print $1 }' | sort -u >"$tmp/first"
c "" >"$tmp/got"
diff "$tmp/first" "$tmp/got" >/dev/null
ok $? "the first words are --help's commands"
grep -qx complete "$tmp/got"; [ $? -ne 0 ]; ok $? "hidden commands are not offered"
is "$(c st)" "$(printf 'stack\nstatus')" "st -> stack, status"

# An action's sub-verbs: the registry's, as --help lists them.
"$bbbctl" --help | awk '$1 == "server" { print $2 }' | sort -u >"$tmp/want"
c server "" >"$tmp/got"
diff "$tmp/want" "$tmp/got" >/dev/null; ok $? "server -> its verbs from the registry"
[ "$(wc -l <"$tmp/got")" -ge 5 ]; ok $? "... five or more of them"
is "$(c server dr)" "drain" "server dr -> drain"
is "$(c help server co)" "cordon" "help server co -> cordon"

# Options: global, common and the action's own, after the verb too.
c stack redeploy --i >"$tmp/got"
is "$(cat "$tmp/got")" "--image" "stack redeploy --i -> --image"
c server drain web --p >"$tmp/got"
is "$(cat "$tmp/got")" "--poll" "an option after the target"
c server cordon -- >"$tmp/got"
grep -qx -- --lock-wait "$tmp/got" && grep -qx -- --dry-run "$tmp/got" &&
    ! grep -qx -- --image "$tmp/got"
ok $? "server cordon: common and global options, not redeploy's"
is "$(c status --j)" "--json" "a plain command's options from its usage"
is "$(c --config "")" "<FILE>" "--config takes a file"
is "$(c config check "")" "<FILE>" "config check takes a file"

# Names: from the cache status writes.
sim_start --nodes 5 --profile clean
c --config "$conf" server cordon "" >"$tmp/got"
is "$(cat "$tmp/got")" "" "no cache yet: no names"
wait_for sh -c "ls '$XDG_CACHE_HOME'/bbbctl/names-* 2>/dev/null | grep -v refresh"
ok $? "... and a status in the background wrote the cache"
c --config "$conf" server cordon "" >"$tmp/got"
grep -qx bbb-01 "$tmp/got" && grep -qx bbb-05 "$tmp/got"
ok $? "node names from the cache"
is "$(c --config "$conf" server cordon bbb-0 | wc -l)" 5 "bbb-0 -> the five nodes"
is "$(c --config "$conf" server cordon bbb-01 "")" "" "one target: nothing more"
c --config "$conf" probe meeting "" >"$tmp/got"
grep -qx bbb-01 "$tmp/got" && grep -qx bbb-05 "$tmp/got"
ok $? "node names for probe meeting [NODE]"
is "$(c --config "$conf" probe meeting bbb-01 "")" "" \
    "probe meeting: one node at most"
c --config "$conf" stack redeploy "" >"$tmp/got"
grep -qx bbb-01 "$tmp/got"; ok $? "stack names for a stack action"
f=$(ls "$XDG_CACHE_HOME"/bbbctl/names-* | grep -v refresh)
is "$(stat -c %a "$f")" 600 "the cache is 0600"
BBBCTL_CONFIG=$conf c server enable bbb-02 >/dev/null
BBBCTL_CONFIG=$conf c server enable "" | grep -qx bbb-02
ok $? "the configuration from BBBCTL_CONFIG"

# A hanging fleet: completion does not wait for the status it starts.
rm -f "$XDG_CACHE_HOME"/bbbctl/names-*
kill "$pid"; wait "$pid" 2>/dev/null; pid=
sim_start --nodes 3 --profile clean --fault consul:/:hang \
    --fault scalelite:/:hang --fault rancher:/:hang \
    --fault openstack:/:hang --fault prometheus:/:hang
c --config "$conf" server cordon "" >"$tmp/got"
rc=$?
pgrep -f -- "--config $conf status" >/dev/null
ok $? "the background status is still running after completion returned ($rc)"
is "$(cat "$tmp/got")" "" "... which offered nothing"

# The bash script offers the same words.
if command -v bash >/dev/null 2>&1; then
	got=$(PATH="$(dirname "$bbbctl"):$PATH" bash -c '
	    . "$1"
	    COMP_WORDS=(bbbctl server c); COMP_CWORD=2
	    _bbbctl; printf "%s\n" "${COMPREPLY[@]}"' sh \
	    "$top/data/completion/bbbctl")
	is "$got" "cordon" "bash: bbbctl server c<TAB> -> cordon"
	got=$(PATH="$(dirname "$bbbctl"):$PATH" bash -c '
	    . "$1"
	    COMP_WORDS=(bbbctl stack redeploy --); COMP_CWORD=3
	    _bbbctl; printf "%s\n" "${COMPREPLY[@]}"' sh \
	    "$top/data/completion/bbbctl" | grep -c -- --image)
	is "$got" 1 "bash: options of stack redeploy"
fi
done_testing
