# rake.sh: an old scalelite reached over ssh, for the rake tests (sourced
# after sshd.sh, once sshd_setup has run).
#
#   rake_setup     the session's docker is tests/integration/fake-docker.sh
#                  (its state in $state, its calls logged in $calls); HOME
#                  and XDG_STATE_HOME in SSHD_DIR
#   old_scalelite  start a scalelite older than 1.5.1 on loopback (every
#                  call unknown); sets slport and fake_pid (the caller's
#                  sshd_on_exit kills it); ok "the old scalelite answers"

rake_setup() {
	cp "$top/tests/integration/fake-docker.sh" "$SSHD_DIR/bin/docker"
	chmod 755 "$SSHD_DIR/bin/docker"
	export HOME="$SSHD_DIR" XDG_STATE_HOME="$SSHD_DIR/xdg"
	state=$SSHD_DIR/state
	calls=$SSHD_DIR/calls
}

old_scalelite() {
	python3 "$top/tests/integration/old-scalelite.py" \
	    >"$SSHD_DIR/sl.port" &
	fake_pid=$!
	wait_for test -s "$SSHD_DIR/sl.port"
	ok $? "the old scalelite answers"
	slport=$(cat "$SSHD_DIR/sl.port")
}
