# sshd.sh: a throw-away OpenSSH server on loopback for a test (sourced
# after tap.sh).
#
#   sshd_setup      skip_all unless it can run; a temp dir SSHD_DIR with a
#                   host key, a user key (SSHD_KEY), authorized_keys, a
#                   known_hosts for it (SSHD_KNOWN), bin/ first on the
#                   session's PATH (put test programs there); the cleanup
#                   trap (sshd_cleanup, then the caller's sshd_on_exit)
#   sshd_start      start on 127.0.0.1:SSHD_PORT (a free port); waits
#   sshd_stop       stop it (by its pid file)
#   sshd_cleanup    stop and remove everything
#
# sshd runs as root with a private config (no PAM, keys only, StrictModes
# off for the temp dir); /run/sshd must exist.

SSHD_BIN=${SSHD_BIN:-/usr/sbin/sshd}
SSHD_DIR=
SSHD_PORT=
SSHD_KEY=
SSHD_KNOWN=

sshd_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null ||
	    echo $(( 20000 + $$ % 20000 ))
}

sshd_setup() {
	[ "${BBBCTL_SKIP_INTEGRATION:-0}" = 1 ] && skip_all "BBBCTL_SKIP_INTEGRATION=1"
	[ "$(id -u)" = 0 ] || skip_all "not root (sshd runs as root)"
	[ -x "$SSHD_BIN" ] || skip_all "no $SSHD_BIN"
	command -v ssh-keygen >/dev/null 2>&1 || skip_all "no ssh-keygen"
	SSHD_DIR=$(mktemp -d "${TMPDIR:-/tmp}/bbbctl-sshd.XXXXXX") || exit 1
	trap 'sshd_cleanup; command -v sshd_on_exit >/dev/null && sshd_on_exit' EXIT
	trap 'exit 1' INT TERM
	chmod 755 "$SSHD_DIR"
	mkdir -p "$SSHD_DIR/bin" /run/sshd
	ssh-keygen -q -t ed25519 -N '' -C bbbctl-test-host -f "$SSHD_DIR/host_key" || skip_all "ssh-keygen failed"
	ssh-keygen -q -t ed25519 -N '' -C bbbctl-test-user -f "$SSHD_DIR/id_ed25519" || skip_all "ssh-keygen failed"
	cp "$SSHD_DIR/id_ed25519.pub" "$SSHD_DIR/authorized_keys"
	SSHD_KEY=$SSHD_DIR/id_ed25519
	SSHD_PORT=$(sshd_free_port)
	SSHD_KNOWN=$SSHD_DIR/known_hosts
	sshd_write_config
}

sshd_write_config() {
	cat >"$SSHD_DIR/sshd_config" <<EOF
Port $SSHD_PORT
ListenAddress 127.0.0.1
HostKey $SSHD_DIR/host_key
AuthorizedKeysFile $SSHD_DIR/authorized_keys
PidFile $SSHD_DIR/sshd.pid
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
StrictModes no
SetEnv PATH=$SSHD_DIR/bin:/usr/local/bin:/usr/bin:/bin
EOF
	printf '[127.0.0.1]:%s %s\n' "$SSHD_PORT" \
	    "$(cut -d' ' -f1-2 "$SSHD_DIR/host_key.pub")" >"$SSHD_KNOWN"
}

sshd_start() {
	local try
	for try in 1 2 3; do
		: >"$SSHD_DIR/sshd.log"
		if "$SSHD_BIN" -f "$SSHD_DIR/sshd_config" -E "$SSHD_DIR/sshd.log" &&
		    wait_for test -s "$SSHD_DIR/sshd.pid"; then
			return 0
		fi
		grep -q 'Address already in use' "$SSHD_DIR/sshd.log" || break
		SSHD_PORT=$(sshd_free_port)
		sshd_write_config
	done
	diag "$(tail -5 "$SSHD_DIR/sshd.log")"
	return 1
}

sshd_stop() {
	local pid
	[ -n "$SSHD_DIR" ] && [ -s "$SSHD_DIR/sshd.pid" ] || return 0
	pid=$(cat "$SSHD_DIR/sshd.pid")
	kill "$pid" 2>/dev/null
	rm -f "$SSHD_DIR/sshd.pid"
}

sshd_cleanup() {
	sshd_stop
	[ -n "$SSHD_DIR" ] && rm -rf "$SSHD_DIR"
	SSHD_DIR=
}
