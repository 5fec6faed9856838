#!/bin/sh
# backup-pg.sh: bbbctl backup run | list | verify | prune against a real
# PostgreSQL (a throw-away cluster, password authentication on TCP) with
# two databases shaped like Greenlight's and scalelite's, the real
# pg_dump / pg_restore, and Rancher and consul from bbbctl-sim.
#
# Checks: the password never reaches pg_dump's argv (ps) nor the output;
# modes 0700/0600; the manifest's row counts; stack exports and consul;
# verify, --restore-test (no scratch database left, also when
# interrupted); a corrupted dump named by verify; a truncated manifest
# listed incomplete; pg_dump killed and a cancel leave nothing
# complete-looking; a wrong password writes nothing; ENOSPC on a small
# tmpfs; prune.
. "${top_srcdir:-.}/tests/lib/tap.sh"
. "${top_srcdir:-.}/tests/lib/sim.sh"
. "${top_srcdir:-.}/tests/lib/pg.sh"

skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n # SKIP $*"; }

sim_init
pg_on_exit() {
	[ -n "$small" ] && umount "$small" 2>/dev/null
	sim_cleanup
}
small=
pg_setup
pg_start
ok $? "PostgreSQL started on 127.0.0.1:$PG_PORT"
sim_start --nodes 2 --speed 4
chmod 711 "$tmp"

pw="Bk-pw:$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
pg_psql "ALTER USER postgres PASSWORD '$pw'" >/dev/null
sed -i 's/^\(host.*127\.0\.0\.1\/32 *\)trust/\1scram-sha-256/' \
    "$PG_DIR/pg_hba.conf"
pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR" reload >/dev/null 2>&1
sleep 0.5

# Greenlight-like and scalelite-like data.
pg_psql "CREATE DATABASE greenlight_production" >/dev/null
pg_psql "CREATE DATABASE scalelite_production" >/dev/null
gl() {
	"$PG_BIN/psql" -X -q -At -h "$PG_SOCK" -p "$PG_PORT" -U postgres \
	    -d greenlight_production -v ON_ERROR_STOP=1 -c "$1"
}
sl() {
	"$PG_BIN/psql" -X -q -At -h "$PG_SOCK" -p "$PG_PORT" -U postgres \
	    -d scalelite_production -v ON_ERROR_STOP=1 -c "$1"
}
rows=${BACKUP_TEST_ROWS:-200000}
gl "CREATE TABLE users (id bigserial PRIMARY KEY, name text, email text
    UNIQUE, password_digest text, created_at timestamptz DEFAULT now());
    CREATE TABLE rooms (id bigserial PRIMARY KEY, user_id bigint
    REFERENCES users, name text, uid text, bbb_id text);
    CREATE TABLE shared_accesses (id bigserial PRIMARY KEY, room_id bigint
    REFERENCES rooms, user_id bigint REFERENCES users);
    INSERT INTO users (name, email, password_digest) SELECT 'user ' || g,
    'u' || g || '@example.org', md5(g::text) FROM generate_series(1, $rows) g;
    INSERT INTO rooms (user_id, name, uid, bbb_id) SELECT g, 'room ' || g,
    md5('r' || g), md5('b' || g) FROM generate_series(1, $rows / 2) g;
    INSERT INTO shared_accesses (room_id, user_id) SELECT g, g + 1 FROM
    generate_series(1, 1000) g;" >/dev/null
ok $? "greenlight_production: users, rooms, shared_accesses"
sl "CREATE TABLE servers (id text PRIMARY KEY, url text, secret text,
    enabled boolean, load_multiplier numeric);
    CREATE TABLE meetings (id text PRIMARY KEY, server_id text REFERENCES
    servers, moderator_pw text, voice_bridge text);
    INSERT INTO servers SELECT 'srv-' || g, 'https://bbb-' || g ||
    '.example.org/bigbluebutton/api', md5('s' || g), true, 1.0 FROM
    generate_series(1, 24) g;
    INSERT INTO meetings SELECT 'mtg-' || g, 'srv-' || (g % 24 + 1),
    md5('m' || g), g::text FROM generate_series(1, 5000) g;" >/dev/null
ok $? "scalelite_production: servers, meetings"

bdir=$tmp/backups
cat >>"$conf" <<EOF

[postgres]
conninfo = host=127.0.0.1 port=$PG_PORT dbname=postgres user=postgres password=$pw

[backup]
dir = $bdir
EOF
cluster=$(awk -F' = ' '/^\[cluster\]/ { c = 1 } c && $1 == "name" { print $2; exit }' "$conf")
root=$bdir/${cluster:-bbb}
ndirs() { find "$root" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l; }
scratch() { pg_psql "SELECT count(*) FROM pg_database WHERE datname LIKE 'bbbctl_verify%'"; }

# --- dry run ------------------------------------------------------------
run --dry-run backup run >"$tmp/dry" 2>&1
ok $? "backup run --dry-run exits 0"
grep -q 'pg_dump -Fc' "$tmp/dry" && grep -q 'exportconfig' "$tmp/dry" &&
    grep -q 'estimated size' "$tmp/dry"
ok $? "the plan says what and the estimated size"
! grep -qF "$pw" "$tmp/dry"
ok $? "the plan holds no password"
is "$(ndirs)" 0 "--dry-run wrote nothing"

run --readonly backup run >"$tmp/ro" 2>&1
[ $? -ne 0 ]; ok $? "--readonly refuses backup run"

# --- a good backup, the password never in argv --------------------------
run --yes backup run >"$tmp/run1" 2>"$tmp/run1.err" &
bp=$!
: >"$tmp/ps"
while kill -0 $bp 2>/dev/null; do
	ps -eo pid=,args= | grep '[p]g_dump' >>"$tmp/ps"
	for p in $(pgrep -x pg_dump); do
		tr '\0' '\n' 2>/dev/null <"/proc/$p/environ" >>"$tmp/env"
	done
	sleep 0.05
done
wait $bp
rc=$?
is "$rc" 0 "backup run exits 0"
[ "$rc" = 0 ] || diag "$(tail -5 "$tmp/run1.err")"
grep -q 'complete in' "$tmp/run1" "$tmp/run1.err"
ok $? "the job says the backup is complete"
[ -s "$tmp/ps" ]; ok $? "pg_dump was seen running ($(sort -u "$tmp/ps" | wc -l) lines)"
! grep -qF "$pw" "$tmp/ps"
ok $? "no pg_dump argv holds the password"
! grep -q '^PGPASSWORD=' "$tmp/env" 2>/dev/null
ok $? "pg_dump has no PGPASSWORD in its environment"
grep -q '^PGPASSFILE=' "$tmp/env" 2>/dev/null
ok $? "pg_dump reads the password from a passfile"
! grep -rqF "$pw" "$tmp/run1" "$tmp/run1.err" "$tmp/log"
ok $? "the password is in no output nor the log"
tdir=$(dirname "$(mktemp -u)")
ls "$tdir"/bbbctl-pgpass.* 2>/dev/null |
    grep -q . && fail=1 || fail=0
is "$fail" 0 "the passfile is removed"

n=$(pg_psql "SELECT count(*) FROM bbbctl_audit" 2>/dev/null)
[ "${n:-0}" -gt 0 ] &&
    is "$(pg_psql "SELECT count(*) FROM bbbctl_audit t WHERE t::text LIKE '%$pw%'")" 0 \
    "the audit trail ($n records) holds no password"
id1=$(ls "$root" | head -1)
b1=$root/$id1
[ -f "$b1/manifest.json" ]; ok $? "backup $id1 has its manifest"
is "$(find "$b1" -type d ! -perm 700 | wc -l)" 0 "every directory is 0700"
is "$(find "$b1" -type f ! -perm 600 | wc -l)" 0 "every file is 0600"
is "$(stat -c %a "$root")" 700 "the cluster directory is 0700"
for f in db/greenlight_production.dump db/scalelite_production.dump \
    consul/kv.json consul/nodes.json consul/services.json; do
	[ -s "$b1/$f" ]; ok $? "$f written"
done
[ "$(ls "$b1/stacks" | wc -l)" -ge 2 ] &&
    [ -s "$b1/stacks/$(ls "$b1/stacks" | head -1)/docker-compose.yml" ] &&
    [ -s "$b1/stacks/$(ls "$b1/stacks" | head -1)/rancher-compose.yml" ]
ok $? "every stack's compose files ($(ls "$b1/stacks" | wc -l) stacks)"
[ ! -e "$b1/db/postgres.dump" ] || [ -s "$b1/db/postgres.dump" ]
ok $? "the maintenance database is dumped too (not a template)"
! ls "$b1/db" | grep -q template
ok $? "no template database dumped"
is "$(jq -r '.databases[] | select(.name == "greenlight_production") | .rows["public.users"]' "$b1/manifest.json")" \
    "$rows" "the manifest counts the users"
is "$(jq -r '.databases[] | select(.name == "scalelite_production") | .rows["public.meetings"]' "$b1/manifest.json")" \
    5000 "the manifest counts the meetings"
f=db/scalelite_production.dump
is "$(jq -r ".files[] | select(.path == \"$f\") | .sha256" "$b1/manifest.json")" \
    "$(sha256sum "$b1/$f" | cut -d' ' -f1)" "the manifest's sha256 is the file's"
jq -e '.pg_dump and .server and .bbbctl and .started_ms and .ended_ms' \
    "$b1/manifest.json" >/dev/null
ok $? "versions and times in the manifest"

run backup list >"$tmp/list" 2>&1
grep -q "^$id1 .* complete" "$tmp/list"
ok $? "list shows it complete"
! grep -qF "$pw" "$tmp/list"; ok $? "list prints no secret"

# --- verify -----------------------------------------------------------------
run backup verify "$id1" >"$tmp/v1" 2>"$tmp/v1.err"
ok $? "verify $id1"
grep -q 'verified:' "$tmp/v1"; ok $? "verify says verified"
run backup verify --restore-test >"$tmp/v2" 2>"$tmp/v2.err"
rc=$?
is "$rc" 0 "verify --restore-test passes"
[ "$rc" = 0 ] || diag "$(tail -3 "$tmp/v2.err")"
grep -q 'restored with the same row counts' "$tmp/v2"
ok $? "the restore test compared the row counts"
is "$(scratch)" 0 "no scratch database is left"
run backup list --json >"$tmp/lj"
is "$(jq -r ".[] | select(.id == \"$id1\") | .state" "$tmp/lj")" verified \
    "list --json: verified"
is "$(jq -r ".[] | select(.id == \"$id1\") | .restore_tested" "$tmp/lj")" \
    true "list --json: restore tested"

# restore test interrupted
# (not through run: $! must be bbbctl itself)
"$bbbctl" --config "$conf" backup verify --restore-test "$id1" >/dev/null \
    2>"$tmp/v3.err" &
vp=$!
seen=0
for i in $(seq 1 400); do
	[ "$(scratch)" -gt 0 ] && { seen=1; break; }
	kill -0 $vp 2>/dev/null || break
	sleep 0.02
done
kill -INT $vp 2>/dev/null
wait $vp
vrc=$?
if [ $seen = 1 ]; then
	[ $vrc -ne 0 ] && grep -q cancelled "$tmp/v3.err"
	ok $? "an interrupted restore test says it was cancelled"
else
	skip "the restore test ended before it could be interrupted"
fi
is "$(scratch)" 0 "no scratch database after the interrupt"

# One a killed verify left (its process is gone) is dropped by the next;
# another host's is left alone.
host=$(hostname | cut -d. -f1 | tr 'A-Z' 'a-z' | tr -cd 'a-z0-9' | cut -c1-20)
dead=$(sh -c 'echo $$')
pg_psql "CREATE DATABASE bbbctl_verify_${host}_${dead}_0" >/dev/null
pg_psql "CREATE DATABASE bbbctl_verify_otherhost9_${dead}_0" >/dev/null
run backup verify --restore-test "$id1" >/dev/null 2>&1
ok $? "a restore test with a stale scratch database around"
is "$(scratch)" 1 "the stale one of this host is dropped, another host's kept"
pg_psql "SELECT datname FROM pg_database WHERE datname LIKE 'bbbctl_verify%'" |
    grep -q otherhost9
ok $? "... it is the other host's"
pg_psql "DROP DATABASE bbbctl_verify_otherhost9_${dead}_0" >/dev/null

# --- corrupted dump, truncated manifest ------------------------------------
sleep 1
run --yes backup run --only db >/dev/null 2>"$tmp/run2.err"
ok $? "a second backup (--only db)"
id2=$(ls "$root" | sort | tail -1)
[ "$id2" != "$id1" ]; ok $? "it has its own ID ($id2)"
ls "$root/$id2" | grep -q stacks && fail=1 || fail=0
is "$fail" 0 "--only db wrote no stacks"
printf 'XXXX' | dd of="$root/$id2/db/greenlight_production.dump" bs=1 \
    seek=5000 conv=notrunc 2>/dev/null
run backup verify "$id2" >/dev/null 2>"$tmp/v4.err"
[ $? -ne 0 ] && grep -q 'db/greenlight_production.dump' "$tmp/v4.err"
ok $? "verify of a corrupted dump fails naming the file"
diag "$(tail -1 "$tmp/v4.err")"
run backup list >"$tmp/list2"
grep -q "^$id2 .*verify failed" "$tmp/list2"
ok $? "list shows verify failed"

sleep 1
run --yes backup run --only consul >/dev/null 2>&1
id3=$(ls "$root" | sort | tail -1)
size=$(stat -c %s "$root/$id3/manifest.json")
truncate -s $((size / 2)) "$root/$id3/manifest.json"
run backup list >"$tmp/list3"
grep -q "^$id3 .*incomplete" "$tmp/list3"
ok $? "a truncated manifest is listed incomplete"
run backup verify "$id3" >/dev/null 2>&1
[ $? -ne 0 ]; ok $? "and does not verify"
rm -rf "${root:?}/$id3"

# --- pg_dump killed, cancel: nothing complete-looking ---------------------
before=$(ndirs)
kill_test() {
	what=$1
	sleep 1
	"$bbbctl" --config "$conf" --yes backup run --only db >"$tmp/k.out" \
	    2>"$tmp/k.err" &
	kp=$!
	victim=
	for i in $(seq 1 400); do
		victim=$(pgrep -f 'pg_dump -Fc' | head -1)
		[ -n "$victim" ] && break
		sleep 0.01
	done
	if [ "$what" = kill ]; then
		[ -n "$victim" ] && kill -9 "$victim"
	else
		[ -n "$victim" ] && kill -INT "$kp"
	fi
	wait $kp
	krc=$?
	[ -n "$victim" ]
}
if kill_test kill; then
	[ $krc -ne 0 ]; ok $? "pg_dump killed: the job fails"
	grep -q 'removed' "$tmp/k.err"; ok $? "pg_dump killed: the job says the partial backup was removed"
	diag "$(grep -i 'pg_dump' "$tmp/k.err" | tail -1)"
	is "$(ndirs)" "$before" "pg_dump killed: no backup directory left"
else
	skip "pg_dump ended before it could be killed"
	skip "pg_dump ended before it could be killed"
	skip "pg_dump ended before it could be killed"
fi
if kill_test cancel; then
	[ $krc -ne 0 ]; ok $? "^C: the job ends cancelled"
	diag "$(grep -i 'cancel' "$tmp/k.err" | tail -1)"
	grep -q 'removed' "$tmp/k.err"; ok $? "^C: the job says the partial backup was removed"
	is "$(ndirs)" "$before" "^C: no backup directory left"
else
	skip "the backup ended before it could be cancelled"
	skip "the backup ended before it could be cancelled"
	skip "the backup ended before it could be cancelled"
fi

# --- [backup] rancher_service: the cluster's own start-once service ------
starts() {
	sid=$(curl -s -u "$ak:$sk" "$rurl/projects/1a5/stacks?name=ssh-keys" |
	    jq -r '.data[0].id')
	svid=$(curl -s -u "$ak:$sk" "$rurl/projects/1a5/services?stackId=$sid&name=update-ssh-keys" |
	    jq -r '.data[0].id')
	curl -s -u "$ak:$sk" "$rurl/projects/1a5/services/$svid/instances" |
	    jq '[.data[].startCount] | add'
}
s0=$(starts)
sed 's|^dir = .*|&\nrancher_service = ssh-keys/update-ssh-keys|' "$conf" \
    >"$tmp/svc.conf"
chmod 600 "$tmp/svc.conf"
"$bbbctl" --config "$tmp/svc.conf" --dry-run backup run --only stacks \
    >"$tmp/svc.dry" 2>&1
grep -q 'restart ssh-keys/update-ssh-keys' "$tmp/svc.dry"
ok $? "the plan names the cluster's backup service"
sleep 1
"$bbbctl" --config "$tmp/svc.conf" --yes backup run --only stacks \
    --timeout 120s >"$tmp/svc.out" 2>"$tmp/svc.err"
ok $? "backup run with rancher_service"
grep -q 'ssh-keys/update-ssh-keys ran and exited 0' "$tmp/svc.out" "$tmp/svc.err"
ok $? "the service was followed to its exit"
s1=$(starts)
[ "$s1" -gt "$s0" ]; ok $? "its containers started again ($s0 -> $s1)"
sed 's|^dir = .*|&\nrancher_service = ssh-keys/no-such-service|' "$conf" \
    >"$tmp/svc2.conf"
chmod 600 "$tmp/svc2.conf"
before=$(ndirs)
sleep 1
"$bbbctl" --config "$tmp/svc2.conf" --yes backup run --only stacks \
    >/dev/null 2>"$tmp/svc2.err"
[ $? -ne 0 ] && grep -q 'no such service' "$tmp/svc2.err" &&
    grep -q 'removed' "$tmp/svc2.err"
ok $? "an unknown service fails the backup, which is removed"
is "$(ndirs)" "$before" "... and leaves no directory"

# --- wrong password ----------------------------------------------------------
sed "s/password=$pw/password=wrong-$pw/" "$conf" >"$tmp/wrong.conf"
chmod 600 "$tmp/wrong.conf"
"$bbbctl" --config "$tmp/wrong.conf" --yes backup run >"$tmp/w.out" \
    2>"$tmp/w.err"
[ $? -ne 0 ] && grep -q 'password authentication failed' "$tmp/w.err" &&
    grep -q 'nothing written' "$tmp/w.err"
ok $? "a wrong password: a clear error, nothing written"
diag "$(grep 'bbbctl' "$tmp/w.err" | tail -1)"
! grep -qF "$pw" "$tmp/w.err"; ok $? "the error holds no password"
is "$(ndirs)" "$before" "a wrong password leaves no directory"

# --- the conninfo's own passfile (no password in it) ------------------------
printf '127.0.0.1:%s:*:postgres:%s\n' "$PG_PORT" "$(printf %s "$pw" | sed 's/:/\\:/g')" \
    >"$tmp/pgpass"
chmod 600 "$tmp/pgpass"
sed "s|password=$pw|passfile=$tmp/pgpass|" "$conf" >"$tmp/pf.conf"
chmod 600 "$tmp/pf.conf"
sleep 1
"$bbbctl" --config "$tmp/pf.conf" --yes backup run --only db >/dev/null \
    2>"$tmp/pf.err"
ok $? "a conninfo with passfile= and no password: pg_dump reads it too"
[ $? = 0 ] || diag "$(tail -2 "$tmp/pf.err")"
ls -d "$root"/* | sort | tail -1 | xargs rm -rf

# --- ENOSPC on a small tmpfs -------------------------------------------------
small=$tmp/small
mkdir -p "$small"
if mount -t tmpfs -o size=600k tmpfs "$small" 2>/dev/null; then
	sed "s|^dir = .*|dir = $small|" "$conf" >"$tmp/small.conf"
	chmod 600 "$tmp/small.conf"
	"$bbbctl" --config "$tmp/small.conf" --yes backup run >/dev/null \
	    2>"$tmp/s1.err"
	[ $? -ne 0 ] && grep -q 'free' "$tmp/s1.err"
	ok $? "too little free space for the databases: refused at once"
	# A tiny earlier backup lets the check pass; the dump fills the disk.
	"$bbbctl" --config "$tmp/small.conf" --yes backup run --only consul \
	    >/dev/null 2>&1
	ok $? "a small consul-only backup fits"
	sleep 1
	"$bbbctl" --config "$tmp/small.conf" --yes backup run --only db \
	    >/dev/null 2>"$tmp/s2.err"
	[ $? -ne 0 ] && grep -q 'removed' "$tmp/s2.err"
	ok $? "the disk filling stops the backup and it is removed"
	diag "$(grep bbbctl "$tmp/s2.err" | tail -1)"
	is "$(find "$small" -name manifest.json | wc -l)" 1 \
	    "only the earlier backup looks complete"
	"$bbbctl" --config "$tmp/small.conf" backup list >"$tmp/s.list"
	is "$(grep -c complete "$tmp/s.list")" 1 "list: one complete backup"
	umount "$small"
	small=
else
	skip "no tmpfs can be mounted here (not root, or no mount privilege)"
fi

# --- prune ---------------------------------------------------------------------
sleep 1
run --yes backup run --only consul >/dev/null 2>&1
ok $? "a newer consul-only backup"
id4=$(ls "$root" | sort | tail -1)
run backup list --json >"$tmp/lj2"
ncomplete=$(jq '[.[] | select(.state != "incomplete")] | length' "$tmp/lj2")
[ "$ncomplete" -ge 3 ]; ok $? "$ncomplete complete backups before prune"
before=$(ndirs)
run --dry-run backup prune --keep 1 >/dev/null 2>&1
is "$(ndirs)" "$before" "prune --dry-run removes nothing"
run --yes backup prune --keep 1 >"$tmp/p.out" 2>"$tmp/p.err"
ok $? "backup prune --keep 1"
run backup list --json >"$tmp/lj3"
is "$(jq -r '.[0].id' "$tmp/lj3")" "$id4" "the newest is kept"
jq -e ".[] | select(.id == \"$id1\" and .state == \"verified\")" "$tmp/lj3" \
    >/dev/null
ok $? "the only verified backup is kept too"
is "$(jq length "$tmp/lj3")" 2 "the others are removed"
[ ! -d "$root/$id2" ]; ok $? "the one whose verify failed is removed"

done_testing
