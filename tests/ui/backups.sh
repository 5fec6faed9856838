#!/bin/sh
# backups.sh: the dashboard and backups (tmux): with only an old complete
# backup the problems view has backup-old; :backups lists each backup
# with its state (complete, incomplete, verify failed); the key b shows
# the plan with what and the estimated size, and once confirmed the job
# writes a new complete backup (Rancher stacks and consul from the
# simulator), the view lists it and backup-old goes; v verifies the
# selected backup in the background and says what failed.  No secret on the
# screen.
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/ui.sh"

ui_init
ui_sim --nodes 2 || skip_all "bbbctl-sim did not start"
conf=$ui_conf
sk=$(awk -F' = ' '$1 == "secret_key" { print $2 }' "$conf")
token=$(awk -F' = ' '$1 == "token" { print $2 }' "$conf")
cluster=$(awk -F' = ' '/^\[cluster\]/ { c = 1 } c && $1 == "name" { print $2; exit }' "$conf")
root=$ui_tmp/backups/${cluster:-bbb}
printf '\n[backup]\ndir = %s\nmax_age = 26h\n' "$ui_tmp/backups" >>"$conf"

# An old complete backup (3 days), one without manifest, one that failed.
old=$(date -u -d '3 days ago' +%Y%m%dT%H%M%SZ)
inc=$(date -u -d '2 days ago' +%Y%m%dT%H%M%SZ)
bad=$(date -u -d '50 hours ago' +%Y%m%dT%H%M%SZ)
mkdir -p "$root/$old" "$root/$inc" "$root/$bad"
for id in $old $bad; do
	printf '{"format":1,"id":"%s","cluster":"x","bbbctl":"0","started_ms":1,"ended_ms":2,"contents":["consul"],"databases":[],"files":[]}\n' \
	    "$id" >"$root/$id/manifest.json"
done
printf '{"ok":false,"at_ms":5,"cause":"consul/kv.json: sha256 differs"}' \
    >"$root/$bad/verify.json"
chmod -R go-rwx "$ui_tmp/backups"

ui_start 160 30 "$ui_bbbctl" --config "$conf" --log "$ui_tmp/log"
wait_for_text "bbb-02 "; ok $? "the dashboard shows the fleet"
ui_keys : problems Enter
WAIT_DEADLINE=30 wait_for_text "backup-old"
ok $? "backup-old: the newest complete backup is older than max_age"
ui_has_re "newest complete backup is [0-9]+[dh] old"
ok $? "... and it says how old"

ui_keys : backups Enter
WAIT_DEADLINE=30 wait_for_re "ID +TIME +SIZE +CONTENTS +STATE"
ok $? ":backups has the columns of backup list"
wait_for_text "backups, "
ui_screen | sed 's/^/#   /'
ui_has_re "^ *$old .* consul +complete"; ok $? "the old one is complete"
ui_has_re "^ *$inc .* incomplete +no manifest"; ok $? "no manifest: incomplete"
ui_has_re "^ *$bad .* verify failed +consul/kv.json: sha256 differs"
ok $? "verify failed, with the file named"

ui_keys b
wait_for_text "backup run"
ok $? "b opens the confirmation of backup run"
ui_has "estimated size"; ok $? "the plan says the estimated size"
ui_has "exportconfig"; ok $? "the plan says what (Rancher stacks)"
ui_keys y
WAIT_DEADLINE=60 wait_for_re "job [0-9]+ backup run : done"
ok $? "the job is done"
WAIT_DEADLINE=30 wait_for_re "stacks consul +complete"
ok $? "the new backup is listed complete"
new=$(ls "$root" | sort | tail -1)
[ -f "$root/$new/manifest.json" ] && [ -d "$root/$new/stacks" ]
ok $? "it is on disk with its manifest ($new)"
ui_keys : problems Enter
no_backup_old() { ! ui_has backup-old; }
WAIT_DEADLINE=30 wait_for no_backup_old
ok $? "backup-old is gone"

# v verifies the selected (newest) backup as a background task.
ui_keys : backups Enter
WAIT_DEADLINE=30 wait_for_re "^ *$new "
ui_keys v
WAIT_DEADLINE=30 wait_for_text "backup $new verified: "
ok $? "v: the verify's result comes as a message"
WAIT_DEADLINE=30 wait_for_re "^ *$new .* verified "
ok $? "the row says verified"
printf 'x' >>"$root/$new/consul/kv.json"
ui_keys v
WAIT_DEADLINE=30 wait_for_text "verify failed: consul/kv.json"
ok $? "v on a changed file: verify failed, naming the file"
WAIT_DEADLINE=30 wait_for_re "^ *$new .* verify failed "
ok $? "the row says verify failed"
ui_keys : problems Enter
WAIT_DEADLINE=30 wait_for_text "backup-old"
ok $? "with no good backup left, backup-old is back"

scr=$(ui_screen)
! echo "$scr" | grep -qF "$sk" && ! echo "$scr" | grep -qF "$token"
ok $? "no secret on the screen"
ui_keys q
done_testing
