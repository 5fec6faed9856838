#!/bin/sh
# redeploy-image-sim.sh: the forms of `stack redeploy --image` against
# bbbctl-sim's Rancher: a bare TAG goes to the stack's bbb service (its
# repository kept), a bare IMAGE to the one service that runs its
# repository, SERVICE=IMAGE to that service; an IMAGE no service runs,
# an IMAGE several services run, a TAG on a stack without a bbb service
# and a malformed value are refused with a clear error before anything
# changes.
. "${top_srcdir:-.}/tests/lib/tap.sh"

. "${top_srcdir:-.}/tests/lib/sim.sh"
sim_init
sim_start --nodes 2 --speed 4
# "name image" of every service of a stack.
images() {
	sid=$(curl -s -u "$ak:$sk" "$rurl/projects/1a5/stacks?name=$1" |
	    jq -r '.data[0].id')
	curl -s -u "$ak:$sk" "$rurl/projects/1a5/services?stackId=$sid" |
	    jq -r '.data[] | "\(.name) \(.launchConfig.imageUuid)"' | sort
}
image_of() { images "$1" | awk -v s="$2" '$1 == s { print $2 }'; }

b1=$(images bbb-01)
diag "bbb-01: $(echo $b1)"
old=$(image_of bbb-01 bbb)
repo=${old#docker:}
repo=${repo%:*}

# --help and the usage name every form.
run help stack redeploy >"$tmp/help" 2>&1
grep -q -- '--image SERVICE=IMAGE | IMAGE | TAG' "$tmp/help"
ok $? "help shows the three forms"

# A bare tag: the plan says what it will do, and the run does it.
run --dry-run stack redeploy --image v2.7.99 bbb-01 >"$tmp/dry" 2>&1
ok $? "dry-run with a bare tag"
grep -q 'with the image of service bbb (its repository) at tag v2.7.99' "$tmp/dry"
ok $? "the plan says the tag goes to the bbb service"
run --yes stack redeploy --image v2.7.99 bbb-01 >"$tmp/t.out" 2>"$tmp/t.err"
ok $? "stack redeploy --image v2.7.99 bbb-01"
grep -q "new image for bbb-01/bbb: $repo:v2.7.99 (now ${old#docker:})" "$tmp/t.err"
ok $? "it says which service gets which image"
is "$(image_of bbb-01 bbb)" "docker:$repo:v2.7.99" \
    "bbb runs its repository at the new tag"
is "$(images bbb-01 | grep -v '^bbb ')" "$(echo "$b1" | grep -v '^bbb ')" \
    "the other services keep their images"
grep -q "3 services upgraded, bbb=$repo:v2.7.99" "$tmp/t.out"
ok $? "the result names the service and its image"

# A bare image: the one service running that repository.
exp=$(image_of bbb-01 bbb-exporter)
erepo=${exp#docker:}
erepo=${erepo%:*}
run --yes stack redeploy --image "$erepo:v9.9.9" bbb-01 >"$tmp/i.out" 2>"$tmp/i.err"
ok $? "stack redeploy --image $erepo:v9.9.9 bbb-01"
is "$(image_of bbb-01 bbb-exporter)" "docker:$erepo:v9.9.9" \
    "the exporter, the one service running $erepo, got it"
is "$(image_of bbb-01 bbb)" "docker:$repo:v2.7.99" "bbb kept its image"

# SERVICE=IMAGE still works.
run --yes stack redeploy --image "bbb=$repo:v2.7.98" bbb-01 >/dev/null 2>&1
ok $? "SERVICE=IMAGE"
is "$(image_of bbb-01 bbb)" "docker:$repo:v2.7.98" "bbb got it"

# Refusals: nothing changes, and the error says why.
b1=$(images bbb-01)
run --yes stack redeploy --image nobody/nothing:1 bbb-01 >/dev/null 2>"$tmp/e1"
rc=$?
sed 's/^/# /' "$tmp/e1" | grep -v 'audit:'
[ $rc -ne 0 ] && grep -q 'no service of stack bbb-01 runs nobody/nothing, so it would replace none (bbb runs .*); give --image SERVICE=IMAGE' "$tmp/e1"
ok $? "an image no service runs is refused, with each service's image"
is "$(images bbb-01)" "$b1" "nothing changed"
! grep -q 'upgrading' "$tmp/e1"
ok $? "no upgrade was started"

sc=$(images bbb-scalelite)
srepo=$(image_of bbb-scalelite scalelite-api)
srepo=${srepo#docker:}
srepo=${srepo%:*}
run --yes stack redeploy --image "$srepo:v2" bbb-scalelite >/dev/null 2>"$tmp/e2"
rc=$?
sed 's/^/# /' "$tmp/e2" | grep -v 'audit:'
[ $rc -ne 0 ] && grep -q "[0-9] services of stack bbb-scalelite run $srepo (.*); give --image SERVICE=IMAGE" "$tmp/e2"
ok $? "an image several services run is refused"
run --yes stack redeploy --image v2 bbb-scalelite >/dev/null 2>"$tmp/e3"
rc=$?
sed 's/^/# /' "$tmp/e3" | grep -v 'audit:'
[ $rc -ne 0 ] && grep -q "a bare tag is for the BBB service, and stack bbb-scalelite has no service named bbb" "$tmp/e3"
ok $? "a tag on a stack without a bbb service is refused"
is "$(images bbb-scalelite)" "$sc" "bbb-scalelite unchanged"

run --yes stack redeploy --image 'a b' bbb-01 >/dev/null 2>"$tmp/e4"
rc=$?
[ $rc -ne 0 ] && grep -q "give SERVICE=IMAGE, an IMAGE or a TAG" "$tmp/e4"
ok $? "a malformed value is refused at the plan"
run --yes stack redeploy --image '=x' bbb-01 >/dev/null 2>"$tmp/e5"
[ $? -ne 0 ] && grep -q "give SERVICE=IMAGE" "$tmp/e5"
ok $? "so is an empty service name"
is "$(images bbb-01)" "$b1" "nothing changed"

done_testing
