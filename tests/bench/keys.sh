#!/bin/sh
# keys.sh: randomized key rotations against five real sshd on loopback
# (tests/lib/keys.sh), with a random failure at a random step of a random
# host in most runs: the add or the remove write fails on the host, sshd
# is killed right after the add or the remove, a ^C or SIGHUP at a random
# moment, the remove's write fails and then the restore's too (once or
# twice, then it works: the restore tries again), or the remove's write
# fails once and every restore fails (the rotation is finished instead).
# After each run (sshd back), every host is checked: a lockout is a host
# where neither the old nor the new key logs in; a file that is neither
# the original nor the rotated one byte for byte (the old+new state
# included) is a third state.  Prints the lockouts and third states (both
# must be 0: the exit status says so) and the rotation time per host.
# KEYS_BENCH_ROTATIONS host rotations (default 200, five a run);
# KEYS_BENCH_SEED seeds the choices.  Asserts nothing about timings.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top}
export top_builddir
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/sim.sh"
skip_all() { echo "keys bench: skipped: $*"; exit 0; }
ok() { :; }
diag() { :; }
. "$top/tests/lib/keys.sh"

N=${KEYS_BENCH_ROTATIONS:-200}
runs=$(( (N + 4) / 5 ))
seed=${KEYS_BENCH_SEED:-$$}
sim_init
keys_init
sim_start --nodes 3 --vm-addr-base 127.0.0.2 >/dev/null
keys_conf
keys_reset
rotated_file() { keys_rotated "$keys/new"; }
rotated_file >"$tmp/rotated"

rand_state=$seed
rand() {	# rand N: R = 0..N-1, an LCG (no $RANDOM in sh)
	rand_state=$(( (rand_state * 1103515245 + 12345) % 2147483648 ))
	R=$(( rand_state / 65536 % $1 ))
}

# wrapper N KIND [R]: host N's mv does KIND (fail-add, fail-remove,
# kill-add, kill-remove) or, for fail-restore, fails the remove once and
# then R restores (99: every one).
wrapper() {
	local h=$tmp/h$1
	echo 1 >"$h/fail-remove"
	echo "${3:-0}" >"$h/fail-restore"
	cat >"$h/bin/mv" <<EOF
#!/bin/sh
case "$2:\$2" in
fail-add:*.bbbctl-add.*|fail-remove:*.bbbctl-remove.*) exit 1 ;;
fail-restore:*.bbbctl-remove.*|fail-restore:*.bbbctl-restore.*)
	w=\${2##*.bbbctl-}; k=$h/fail-\${w%%.*}
	n=\$(cat "\$k")
	if [ "\$n" != 0 ]; then echo \$((n - 1)) >"\$k"; exit 1; fi ;;
esac
/bin/mv "\$@" || exit
case "$2:\$2" in
kill-add:*.bbbctl-add.*|kill-remove:*.bbbctl-remove.*)
	kill \$(cat $h/sshd.pid) ;;
esac
EOF
	chmod 755 "$h/bin/mv"
}

lockouts=0 third=0 total=0 rotated=0 restored=0 i=0
: >"$tmp/log"
t0=$(date +%s)
while [ "$i" -lt "$runs" ]; do
	i=$((i + 1))
	keys_reset >/dev/null 2>&1
	rand 5
	host=$((R + 2))
	rand 9
	kind=$R
	sig=
	case $kind in
	0) ;;				# no failure
	1) wrapper "$host" fail-add ;;
	2) wrapper "$host" fail-remove ;;
	3) wrapper "$host" kill-add ;;
	4) wrapper "$host" kill-remove ;;
	5) rand 2; wrapper "$host" fail-restore $((R + 1)) ;;
	6) sig=INT ;;
	7) sig=HUP ;;
	8) wrapper "$host" fail-restore 99 ;;
	esac
	"$bbbctl" --config "$conf" --log "$tmp/log" --yes keys rotate \
	    --new-key "$keys/new" >"$tmp/out" 2>&1 &
	jp=$!
	if [ -n "$sig" ]; then
		rand 150
		sleep "$((R / 100)).$((R / 10 % 10))$((R % 10))"
		kill -"$sig" "$jp" 2>/dev/null
	fi
	wait "$jp"
	jp=
	for n in $KEYS_HOSTS; do
		[ -s "$tmp/h$n/sshd.pid" ] || keys_start "$n" >/dev/null 2>&1
	done
	for n in $KEYS_HOSTS; do
		total=$((total + 1))
		f=$tmp/h$n/home/.ssh/authorized_keys
		if cmp -s "$f" "$tmp/rotated"; then
			rotated=$((rotated + 1))
		elif cmp -s "$f" "$keys/orig"; then
			restored=$((restored + 1))
		else
			third=$((third + 1))
			grep -q -F "$(cut -d' ' -f2 "$keys/old.pub")" "$f" &&
			    grep -q -F "$(cut -d' ' -f2 "$keys/new.pub")" "$f" &&
			    what="old+new" || what="OTHER"
			echo "keys bench: run $i host $n: $what (failure $kind${sig:+ SIG$sig})"
		fi
		if ! keys_login "$n" "$keys/old" && ! keys_login "$n" "$keys/new"; then
			lockouts=$((lockouts + 1))
			echo "keys bench: LOCKOUT: run $i host $n (failure $kind)"
			cat "$f"
		fi
	done
done
t1=$(date +%s)
echo "keys bench: $total host rotations in $runs runs ($((t1 - t0)) s, seed $seed)"
echo "keys bench: lockouts: $lockouts"
echo "keys bench: third states (neither original nor rotated): $third"
echo "keys bench: files rotated $rotated, original $restored, other $third"
sed -n 's/.*keys rotate [^:]*: rotated in \([0-9]*\) ms.*/\1/p' "$tmp/log" |
    sort -n | awk '{ v[NR] = $1; s += $1 } END {
	if (NR == 0) { print "keys bench: no host rotated"; exit }
	p = int(NR * 0.95 + 0.5); if (p < 1) p = 1
	printf "keys bench: rotation time per host: mean %.0f ms, median %d ms, p95 %d ms, max %d ms (%d hosts)\n",
	    s / NR, v[int((NR + 1) / 2)], v[p], v[NR], NR }'
[ "$lockouts" = 0 ] && [ "$third" = 0 ]
