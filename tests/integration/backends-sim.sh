#!/bin/sh
# backends-sim.sh: the backends against bbbctl-sim over real HTTP: every
# source answers, meetings find their node, a consul change arrives
# within a second (blocking queries), and for each fault (hang, 5xx,
# malformed, truncated, huge) on one source that source is reported
# failed with the right cause while the other sources stay intact.
. "${top_srcdir:-.}/tests/lib/tap.sh"

sim="${top_builddir:-.}/bbbctl-sim"
drv="${top_builddir:-.}/tests/integration/backend-driver"
[ "${BBBCTL_SKIP_INTEGRATION:-0}" = 1 ] && skip_all "BBBCTL_SKIP_INTEGRATION=1"
command -v curl >/dev/null 2>&1 || skip_all "curl not installed"
[ -x "$sim" ] || skip_all "bbbctl-sim not built"
if [ ! -x "$drv" ]; then
	${MAKE:-make} -s -C "${top_builddir:-.}" tests/integration/backend-driver \
	    >/dev/null 2>&1 || skip_all "backend-driver not built"
fi

tmp=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

"$sim" --nodes 6 --write-config "$tmp/bbbctl.conf" >"$tmp/out" 2>"$tmp/err" &
pid=$!
wait_for grep -q '^ready$' "$tmp/out"
ok $? "bbbctl-sim is ready"
control=$(awk '$1 == "control" { print $2 }' "$tmp/out")
conf="$tmp/bbbctl.conf"
all="consul prometheus scalelite rancher openstack"

# What answers: every source must at least settle.
"$drv" -l "$conf" 30 consul=settled prometheus=settled scalelite=settled \
    rancher=settled openstack=settled >"$tmp/base" 2>&1
ok $? "every source answers or fails within the deadline"
good=
for s in $all; do
	st=$(awk -v s="$s" '$1 == "source" && $2 == s { print $3 }' "$tmp/base")
	if [ "$st" = ok ]; then
		good="$good $s"
	else
		diag "$s not served by this bbbctl-sim build: $(grep "^source $s " "$tmp/base")"
	fi
done
[ -n "$good" ]
ok $? "at least one source served:$good"
val() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }

case " $good " in *" consul "*)
	is "$(val seen_by_consul "$tmp/base")" 6 "consul: the 6 nodes"
	# a change arrives within a second even with a 10 s refresh
	sed 's/^refresh = .*/refresh = 10s/' "$conf" >"$tmp/slow.conf"
	chmod 600 "$tmp/slow.conf"
	"$drv" -l "$tmp/slow.conf" 30 consul=ok health:bbb-02=passing -- \
	    "!curl -s -X POST $control/nodes/bbb-02/consul-fail >/dev/null" -- \
	    health:bbb-02=critical >"$tmp/block" 2>&1
	ok $? "consul: a failing check shows up"
	ms=$(val phase_ms "$tmp/block")
	diag "consul change arrived after ${ms} ms (refresh 10 s)"
	[ -n "$ms" ] && [ "$ms" -lt 1500 ]
	ok $? "consul: the change arrived within a second, not a refresh later"
	curl -s -X POST "$control/nodes/bbb-02/consul-pass" >/dev/null
	;;
esac
case " $good " in *" scalelite "*)
	is "$(val seen_by_scalelite "$tmp/base")" 6 "scalelite: the 6 servers"
	"$drv" -l "$conf" 30 scalelite=ok >"$tmp/nomeet" 2>&1
	is "$(val meetings "$tmp/nomeet")" 0 "scalelite: no meetings fetched unless wanted"
	"$drv" -l -m "$conf" 30 scalelite=meetings >"$tmp/meet" 2>&1
	ok $? "scalelite: meetings know their node (per-node BBB API)"
	;;
esac
case " $good " in *" prometheus "*)
	is "$(val seen_by_prometheus "$tmp/base")" 6 "prometheus: the 6 nodes"
	;;
esac
case " $good " in *" rancher "*)
	n=$(val hosts "$tmp/base")
	[ "${n:-0}" -ge 6 ]
	ok $? "rancher: hosts ($n)"
	;;
esac
case " $good " in *" openstack "*)
	n=$(val vms "$tmp/base")
	[ "${n:-0}" -ge 6 ]
	ok $? "openstack: VMs ($n)"
	;;
esac

# Faults: the faulted source fails with its cause, the others stay ok.
cause_re() {
	case "$1" in
	hang) echo 'timed out|Timeout' ;;
	status:500) echo 'HTTP 500' ;;
	malformed) echo 'JSON|XML|expected|missing|answer' ;;
	truncated) echo 'JSON|XML|transfer closed|partial|answer' ;;
	huge:*) echo 'larger than|timed out' ;;
	esac
}
for s in $good; do
	others=
	for o in $good; do
		[ "$o" = "$s" ] || others="$others $o=ok"
	done
	for f in hang status:500 malformed truncated huge:100000000; do
		curl -s -X DELETE "$control/faults" >/dev/null
		curl -s -X POST "$control/faults?spec=$s:/:$f" >/dev/null
		start=$(date +%s)
		# shellcheck disable=SC2086
		"$drv" -l "$conf" 30 "$s=failed" $others >"$tmp/f" 2>&1
		rc=$?
		took=$(( $(date +%s) - start ))
		ok $rc "$s $f: $s failed, others ok (${took}s)"
		[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/f"
		cause=$(awk -v s="$s" '$1 == "source" && $2 == s {
		    $1 = $2 = $3 = ""; print }' "$tmp/f")
		echo "$cause" | grep -Eq "$(cause_re "$f")"
		ok $? "$s $f: cause names it:$cause"
	done
done
curl -s -X DELETE "$control/faults" >/dev/null

# no secret of the config in any output
for k in secret secret_key application_credential_secret password token; do
	v=$(awk -v k="$k" '$1 == k { print $3; exit }' "$conf")
	[ -z "$v" ] && continue
	! cat "$tmp"/base "$tmp"/f "$tmp"/meet 2>/dev/null | grep -qF "$v"
	ok $? "no $k value in the driver's output"
done

done_testing
