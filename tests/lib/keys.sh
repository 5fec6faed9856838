# keys.sh: five real OpenSSH servers on loopback (127.0.0.2 to 127.0.0.6,
# one port) for the key rotation tests, reached as the five VMs of a
# bbbctl-sim started with --nodes 3 --vm-addr-base 127.0.0.2 (sourced
# after tap.sh and sim.sh, once sim_init made $tmp).
#
#   keys_init        skip unless root with sshd and ssh; the keys (old:
#                    ecdsa, the identity; new: ed25519; other: a
#                    colleague's, with options), five host dirs with a
#                    host key, $h/home/.ssh/authorized_keys (the original:
#                    other + old) and bin/ first on the session's PATH
#   keys_conf        append [ssh] to $conf (after sim_start)
#   keys_start N     (re)start host N's sshd (N is 2..6); EXTRA lines in
#                    KEYS_SSHD_EXTRA_N are added to its config
#   keys_reset       every host back to the original file, no wrappers,
#                    its sshd (re)started unless up with its config;
#                    $conf back to keys_conf's
#   keys_login N F   0 when the private key F logs in to host N
#   keys_state F L   TAP (L labels it): on every host old or new (the
#                    private key F) logs in, and the file is the original
#                    or the rotated one, no temp file left
#   keys_stop_all    stop every sshd
#
# sshd runs as root with StrictModes off (the dirs are under /tmp) and
# SetEnv HOME=$h/home, so that "$HOME/.ssh/authorized_keys" is each
# host's own file.  The tests never touch the ~/.ssh of the user.

KEYS_HOSTS="2 3 4 5 6"
KEYS_PORT=
keys=

keys_init() {
	local n h
	[ "$(id -u)" = 0 ] || skip_all "not root (sshd runs as root)"
	[ -x /usr/sbin/sshd ] || skip_all "no /usr/sbin/sshd"
	command -v ssh >/dev/null 2>&1 || skip_all "no ssh client"
	command -v ssh-keygen >/dev/null 2>&1 || skip_all "no ssh-keygen"
	mkdir -p /run/sshd
	keys=$tmp/keys
	mkdir -p "$keys"
	chmod 700 "$keys"
	ssh-keygen -q -t ecdsa -N '' -C old@bbbctl-test -f "$keys/old" &&
	ssh-keygen -q -t ed25519 -N '' -C new@bbbctl-test -f "$keys/new" &&
	ssh-keygen -q -t ed25519 -N '' -C colleague -f "$keys/other" ||
	    skip_all "ssh-keygen failed"
	KEYS_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null ||
	    echo $(( 20000 + $$ % 20000 )))
	: >"$tmp/known_hosts"
	{
		printf '# hosts of the key rotation test\n'
		printf 'restrict,from="127.0.0.0/8" %s\n' "$(cat "$keys/other.pub")"
		printf '\n'
		cat "$keys/old.pub"
	} >"$keys/orig"
	for n in $KEYS_HOSTS; do
		h=$tmp/h$n
		mkdir -p "$h/home/.ssh" "$h/bin"
		ssh-keygen -q -t ed25519 -N '' -C "host$n" -f "$h/host_key" ||
		    skip_all "ssh-keygen failed"
		printf '[127.0.0.%s]:%s %s\n' "$n" "$KEYS_PORT" \
		    "$(cut -d' ' -f1-2 "$h/host_key.pub")" >>"$tmp/known_hosts"
		cp "$keys/orig" "$h/home/.ssh/authorized_keys"
		chmod 600 "$h/home/.ssh/authorized_keys"
	done
	trap 'keys_stop_all; sim_cleanup' EXIT INT TERM
}

# The rotated file: the original without old, then the line of the new
# key (its private key file is $1).
keys_rotated() {
	grep -v -F "$(cut -d' ' -f2 "$keys/old.pub")" "$keys/orig"
	head -n 1 "$1.pub"
}

keys_conf() {
	cat >>"$conf" <<EOF

[ssh]
user = root
port = $KEYS_PORT
identity = $keys/old
known_hosts = $tmp/known_hosts
max_parallel = ${KEYS_PARALLEL:-3}
EOF
	cp "$conf" "$tmp/conf.orig"
}

keys_config() {
	local n=$1 h=$tmp/h$1 extra
	eval "extra=\${KEYS_SSHD_EXTRA_$n:-}"
	cat <<EOF
Port $KEYS_PORT
ListenAddress 127.0.0.$n
HostKey $h/host_key
PidFile $h/sshd.pid
AuthorizedKeysFile $h/home/.ssh/authorized_keys
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
StrictModes no
SetEnv HOME=$h/home PATH=$h/bin:/usr/local/bin:/usr/bin:/bin
$extra
EOF
}

keys_start() {
	local n=$1 h=$tmp/h$1
	keys_kill "$n"
	keys_config "$n" >"$h/sshd_config"
	/usr/sbin/sshd -f "$h/sshd_config" -E "$h/sshd.log" &&
	    wait_for test -s "$h/sshd.pid"
}

# Is host N's sshd up with the config it should have?
keys_up() {
	local h=$tmp/h$1
	[ -s "$h/sshd.pid" ] && kill -0 "$(cat "$h/sshd.pid")" 2>/dev/null &&
	    keys_config "$1" | cmp -s - "$h/sshd_config"
}

# Stop host N's listener (its pid file's process) and wait till it is gone.
keys_kill() {
	local h=$tmp/h$1 p
	[ -s "$h/sshd.pid" ] || return 0
	p=$(cat "$h/sshd.pid")
	# SIGKILL: sshd takes seconds to end on SIGTERM; its sessions
	# are processes of their own and go on either way
	kill -9 "$p" 2>/dev/null
	wait_for sh -c "! kill -0 $p 2>/dev/null"
	rm -f "$h/sshd.pid"
	return 0
}

keys_stop_all() {
	local n
	[ -n "$tmp" ] || return 0
	for n in $KEYS_HOSTS; do
		[ -s "$tmp/h$n/sshd.pid" ] &&
		    kill "$(cat "$tmp/h$n/sshd.pid")" 2>/dev/null
		# a test's read-only bind or tmpfs, should it have stopped
		# half-way
		mountpoint -q "$tmp/h$n/home/.ssh" 2>/dev/null &&
		    umount "$tmp/h$n/home/.ssh" 2>/dev/null
	done
	return 0
}

keys_reset() {
	local n h
	for n in $KEYS_HOSTS; do
		h=$tmp/h$n
		rm -f "$h"/bin/*
		cp "$keys/orig" "$h/home/.ssh/authorized_keys"
		chmod 600 "$h/home/.ssh/authorized_keys"
		rm -f "$h"/home/.ssh/*.bbbctl-*
		keys_up "$n" || keys_start "$n" ||
		    diag "sshd $n did not start: $(tail -3 "$h/sshd.log")"
	done
	cp "$tmp/conf.orig" "$conf"
	chmod 600 "$conf"
}

# keys_login N KEYFILE: 0 when it logs in to host N (with
# KEYS_ANY_HOSTKEY=1, whatever its host key).
keys_login() {
	local kh=$tmp/known_hosts strict=yes
	[ "${KEYS_ANY_HOSTKEY:-}" = 1 ] && kh=/dev/null strict=no
	HOME=$tmp ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes \
	    -o IdentityAgent=none -o UserKnownHostsFile="$kh" \
	    -o StrictHostKeyChecking=$strict -o ConnectTimeout=5 \
	    -i "$2" -p "$KEYS_PORT" "root@127.0.0.$1" true \
	    </dev/null >/dev/null 2>&1
}

# keys_state NEWKEY-FILE LABEL
keys_state() {
	local n h f newkey=$1 label=$2 in state left
	keys_rotated "$newkey" >"$tmp/rotated"
	for n in $KEYS_HOSTS; do
		h=$tmp/h$n
		f=$h/home/.ssh/authorized_keys
		if cmp -s "$f" "$keys/orig"; then
			state=original
		elif cmp -s "$f" "$tmp/rotated"; then
			state=rotated
		else
			state=other
		fi
		[ "$state" != other ]
		ok $? "$label: host $n: the file is the original or the rotated one ($state)"
		[ "$state" = other ] && diag "$(cat "$f")"
		in=
		keys_login "$n" "$keys/old" && in="$in old"
		keys_login "$n" "$newkey" && in="$in new"
		[ -n "$in" ]
		ok $? "$label: host $n: a key logs in ($in )"
		left=$(ls -a "$h/home/.ssh" | grep -E '\.bbbctl-(add|remove|restore)\.' )
		[ -z "$left" ]
		ok $? "$label: host $n: no temp file left"
	done
}

has() {
	case $1 in *"$2"*) ok 0 "$3" ;; *) ok 1 "$3"; diag "no '$2' in: $1" ;; esac
}
hasnt() {
	case $1 in *"$2"*) ok 1 "$3"; diag "'$2' found" ;; *) ok 0 "$3" ;; esac
}
# skip WHY N: N tests skipped
skip() {
	local i=0
	while [ "$i" -lt "$2" ]; do
		tap_n=$((tap_n + 1))
		echo "ok $tap_n # SKIP $1"
		i=$((i + 1))
	done
}
