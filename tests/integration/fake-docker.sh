#!/bin/sh
# fake-docker.sh: stands in for `docker` on the scalelite host in
# rake-ssh.sh (installed as bin/docker, first on the ssh session's PATH).
#
#   docker exec [-i] CONTAINER ./bin/rake TASK...
#   docker exec [-i] CONTAINER sh -c SCRIPT
#
# emulates scalelite's rake tasks as the reference describes them per
# version: the version is in ../version (1.0, 1.3, 1.6 or 1.6.12), the
# servers in ../state, one a line: "ID URL STATE LOAD ONLINE" (LOAD "-"
# for none).  With ../sim (bbbctl-sim's control URL) the tasks run on
# the simulator's scalelite instead (POST /rake, the legacy profile), so
# that what they change is what its APIs and poller see.  sh -c runs
# SCRIPT in a stand-in for the container's working directory
# (../container, whose bin/rake is this program again), stdin passed on
# as `docker exec -i` does.  Every call is appended to ../calls.
here=$(cd "$(dirname "$0")/.." && pwd)
state=$here/state
version=$(cat "$here/version" 2>/dev/null || echo 1.6)
echo "$*" >>"$here/calls"
# ../slow (seconds): the listing alone (`rake servers`) takes that long,
# as a Rails boot does; ../listing says it has begun.
case "$*" in
*" ./bin/rake servers")
	if [ -f "$here/slow" ]; then
		: >"$here/listing"
		sleep "$(cat "$here/slow")"
	fi
	;;
esac

[ "$1" = exec ] || { echo "fake docker: only exec" >&2; exit 125; }
shift
[ "$1" = -i ] && shift
if [ "$1" != scalelite-api ]; then
	echo "Error: No such container: $1" >&2
	exit 1
fi
shift
if [ "$1" = sh ] && [ "$2" = -c ] && [ $# -eq 3 ]; then
	mkdir -p "$here/container/bin"
	printf '#!/bin/sh\nexec "%s/bin/docker" exec scalelite-api ./bin/rake "$@"\n' \
	    "$here" >"$here/container/bin/rake"
	chmod 755 "$here/container/bin/rake"
	cd "$here/container" && exec sh -c "$3"
fi
[ "$1" = ./bin/rake ] || { echo "fake docker: not rake: $1" >&2; exit 126; }
shift

# The simulator's scalelite: its answer is the task's output.
if [ -s "$here/sim" ]; then
	out=$(printf '%s\n' "$@" | curl -sf --data-binary @- \
	    "$(cat "$here/sim")/rake?version=$version") ||
	    { echo "fake docker: the simulator did not answer" >&2; exit 125; }
	printf '%s' "$out" | jq -j .out
	printf '%s' "$out" | jq -j .err >&2
	exit "$(printf '%s' "$out" | jq .exit)"
fi

# 1.6.12 to 1.7.0 print through the Rails logger.
say() {
	if [ "$version" = 1.6.12 ]; then
		printf 'I, [2025-03-14T09:26:53.589793 #1]  INFO -- : %s\n' "$1"
	else
		printf '%s\n' "$1"
	fi
}

find_server() {
	awk -v id="$1" '$1 == id { print; found = 1 } END { exit !found }' "$state"
}

set_state() {	# id state [load]
	awk -v id="$1" -v st="$2" -v ld="${3:-keep}" '
	$1 == id { $3 = st; if (ld != "keep") $4 = ld }
	{ print }' "$state" >"$state.new" && mv "$state.new" "$state"
}

no_server() {
	if [ "$version" = 1.0 ]; then
		# 1.0.x: on stdout, and the task "succeeds"
		echo "ERROR: No server found with id: $1"
		return 0
	fi
	echo "ERROR: No server found with id: $1" >&2
	exit 1
}

list_servers() {
	while read -r id url st load online; do
		[ -n "$id" ] || continue
		say "id: $id"
		say "	url: $url"
		say "	secret: 0123456789abcdef-fake-node-secret-$id"
		say "	$st"
		if [ "$load" = - ]; then say "	load: unavailable"; else say "	load: $load"; fi
		case $version in 1.0) ;; *) say "	load multiplier: 1.0" ;; esac
		case $version in 1.6*)
			say "	bbb version: 2.7.3"
			say "	tag: " ;;
		esac
		say "	$online"
	done <"$state"
}

status_table() {
	# Tabulo with a blank border: columns padded by one space each side,
	# headers centred, numbers right-aligned.
	awk -v v="$version" '
	{ n++; host[n] = $2; sub(/^https?:\/\//, "", host[n]); sub(/[:\/].*/, "", host[n])
	  st[n] = $3; ld[n] = ($4 == "-" || $3 == "disabled") ? "" : $4; on[n] = $5 }
	END {
		if (v == "1.0") {
			hdr = sprintf(" %-18s  %-8s  %-7s  %8s  %5s  %15s  %6s ",
			    "     HOSTNAME", "STATE", "STATUS", "MEETINGS", "USERS",
			    "LARGEST MEETING", "VIDEOS")
		} else if (v == "1.3") {
			hdr = sprintf(" %-18s  %-8s  %-7s  %8s  %5s  %15s  %6s  %5s ",
			    "     HOSTNAME", "STATE", "STATUS", "MEETINGS", "USERS",
			    "LARGEST MEETING", "VIDEOS", "LOAD")
		} else {
			hdr = sprintf(" %-18s  %-8s  %-7s  %8s  %5s  %15s  %6s  %5s  %-11s  %-4s ",
			    "     HOSTNAME", "STATE", "STATUS", "MEETINGS", "USERS",
			    "LARGEST MEETING", "VIDEOS", "LOAD", "BBB VERSION", "TAG")
		}
		out[0] = hdr
		for (i = 1; i <= n; i++) {
			m = (on[i] == "online" && ld[i] != "") ? int(ld[i]) : 0
			row = sprintf(" %-18s  %-8s  %-7s  %8d  %5d  %15d  %6d ",
			    host[i], st[i], on[i], m, m * 4, m * 2, m)
			if (v == "1.3")
				row = row sprintf(" %5s ", ld[i])
			else if (v != "1.0")
				row = row sprintf(" %5s  %-11s  %-4s ", ld[i], "2.7.3", "")
			out[i] = row
		}
		for (i = 0; i <= n; i++) print out[i]
	}' "$state" | {
		if [ "$version" = 1.6.12 ]; then
			# the whole table is one log message: one prefix
			printf 'I, [2025-03-14T09:26:53.589793 #1]  INFO -- : '
		fi
		cat
	}
}

for task in "$@"; do
	case $task in
	servers)
		list_servers ;;
	status)
		status_table ;;
	servers:enable\[*\]|servers:disable\[*\]|servers:cordon\[*\]|servers:panic\[*\])
		verb=${task#servers:}; verb=${verb%%\[*}
		id=${task#*\[}; id=${id%\]}
		if [ "$verb" = cordon ] && [ "$version" = 1.0 ]; then
			echo "rake aborted!" >&2
			echo "Don't know how to build task 'servers:cordon' (See the list of available tasks with \`rake --tasks\`)" >&2
			exit 1
		fi
		line=$(find_server "$id") || { no_server "$id"; continue; }
		load=$(echo "$line" | awk '{ print $4 }')
		case $verb in
		enable)
			say "Enabling server $id..."
			set_state "$id" enabled ;;
		cordon)
			say "Cordoning server $id..."
			set_state "$id" cordoned ;;
		disable)
			if [ "$load" != - ] && [ "$load" != 0 ] && [ "$load" != 0.0 ]; then
				say "WARNING: You are trying to disable a server with active load. You should use the cordon option if you do not want to clear all the meetings"
				say "If you still wish to continue please enter \`yes\`"
				read -r answer || answer=
				[ "$answer" = yes ] || exit 0
			fi
			say "Disabling server $id..."
			set_state "$id" disabled - ;;
		panic)
			say "Clearing Meeting id=fake-meeting-1"
			set_state "$id" disabled - ;;
		esac
		say "OK" ;;
	*)
		echo "rake aborted!" >&2
		echo "Don't know how to build task '$task'" >&2
		exit 1 ;;
	esac
done
exit 0
