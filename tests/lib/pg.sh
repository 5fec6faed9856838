# pg.sh: a throw-away PostgreSQL cluster for a test (sourced after tap.sh).
#
#   pg_setup            skip_all unless it can run; initdb in a temp dir;
#                       sets PG_DIR PG_PORT PG_SOCK PG_CONNINFO; installs
#                       the cleanup trap (pg_cleanup, then the caller's
#                       pg_on_exit if defined)
#   pg_start / pg_stop  start (waits until it accepts) / stop (fast)
#   pg_psql SQL         run SQL, print the rows unaligned (-At)
#   pg_cleanup          stop and remove everything
#
# PostgreSQL refuses to run as root, so the data directory belongs to the
# postgres user and initdb / pg_ctl run as that user (runuser).  It
# listens on 127.0.0.1 on a port free at start time and on a socket
# directory of its own; trust authentication, loopback only.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DIR=
PG_ROOT=
PG_PORT=
PG_SOCK=
PG_CONNINFO=

pg_free_port() {
	# Ask the kernel for a free port (bind port 0), then release it.
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null ||
	    echo $(( 20000 + $$ % 20000 ))
}

pg_as() {
	runuser -u postgres -- "$@"
}

pg_setup() {
	[ "${BBBCTL_SKIP_INTEGRATION:-0}" = 1 ] && skip_all "BBBCTL_SKIP_INTEGRATION=1"
	[ "$(id -u)" = 0 ] || skip_all "not root (the cluster runs as postgres)"
	for b in initdb pg_ctl postgres psql; do
		[ -x "$PG_BIN/$b" ] || command -v "$b" >/dev/null 2>&1 ||
		    skip_all "no PostgreSQL $b"
	done
	id postgres >/dev/null 2>&1 || skip_all "no postgres user"
	command -v runuser >/dev/null 2>&1 || skip_all "no runuser"
	PG_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/bbbctl-pg.XXXXXX") || exit 1
	trap 'pg_cleanup; command -v pg_on_exit >/dev/null && pg_on_exit' EXIT
	trap 'exit 1' INT TERM
	chmod 755 "$PG_ROOT"
	PG_DIR=$PG_ROOT/data
	PG_SOCK=$PG_ROOT/sock
	mkdir -p "$PG_DIR" "$PG_SOCK"
	chown postgres "$PG_DIR" "$PG_SOCK"
	chmod 700 "$PG_DIR"
	pg_as "$PG_BIN/initdb" -D "$PG_DIR" -A trust -U postgres \
	    >"$PG_ROOT/initdb.log" 2>&1 || {
		diag "$(tail -5 "$PG_ROOT/initdb.log")"
		skip_all "initdb failed"
	}
	PG_PORT=$(pg_free_port)
	PG_CONNINFO="host=127.0.0.1 port=$PG_PORT dbname=postgres user=postgres"
}

pg_start() {
	local try
	for try in 1 2 3; do
		if pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" \
		    -o "-p $PG_PORT -k $PG_SOCK -c listen_addresses=127.0.0.1" \
		    -w -t 30 start >/dev/null 2>&1; then
			return 0
		fi
		# The port was taken meanwhile (other tests run too).
		grep -q 'Address already in use' "$PG_DIR/server.log" 2>/dev/null ||
		    break
		PG_PORT=$(pg_free_port)
		PG_CONNINFO="host=127.0.0.1 port=$PG_PORT dbname=postgres user=postgres"
	done
	diag "$(tail -5 "$PG_DIR/server.log" 2>/dev/null)"
	return 1
}

pg_stop() {
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR" -m fast -w -t 30 stop >/dev/null 2>&1
}

pg_psql() {
	"$PG_BIN/psql" -X -q -At -h "$PG_SOCK" -p "$PG_PORT" -U postgres \
	    -d postgres -v ON_ERROR_STOP=1 -c "$1"
}

pg_cleanup() {
	if [ -n "$PG_DIR" ] && [ -f "$PG_DIR/postmaster.pid" ]; then
		pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR" -m immediate -w -t 10 stop \
		    >/dev/null 2>&1
	fi
	[ -n "$PG_ROOT" ] && rm -rf "$PG_ROOT"
	PG_ROOT=
	PG_DIR=
}
