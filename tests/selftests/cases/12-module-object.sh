# TEST: module object: target loaded before the patch, loaded after it, unloaded while patched and loaded again
M=$SHUNT_MODULES
T=/proc/shunt_test_target
P=$SHUNT_ROOT/shunt_test_patch_target
load_module shunt_test_target || fail "insmod target"
assert_match "$(cat $T)" "value: original" "target before"
shunt_ok apply $M/shunt_test_patch_target.ko
assert_match "$(cat $T)" "value: patched" "target loaded before the patch is patched"
assert_eq "$(cat $P/shunt_test_target/patched)" 1 "object patched"
rmmod shunt_test_target || fail "rmmod target while patched"
assert_eq "$(cat $P/shunt_test_target/patched)" 0 "object unpatched when its module went"
load_module shunt_test_target || fail "reload target"
assert_match "$(cat $T)" "value: patched" "target reloaded while the patch is applied is patched"
shunt_ok revert shunt_test_patch_target
assert_match "$(cat $T)" "value: original" "original after revert"
rmmod shunt_test_target
say "target loaded after the patch"
shunt_ok apply $M/shunt_test_patch_target.ko
assert_match "$(cat /tmp/shunt.out)" "shunt_test_target: not loaded; patched when it loads" "apply says the object waits"
assert_eq "$(cat $P/shunt_test_target/patched)" 0 "object not patched yet"
load_module shunt_test_target || fail "insmod target after the patch"
assert_match "$(cat $T)" "value: patched" "patched when it loads"
assert_eq "$(cat $P/shunt_test_target/patched)" 1 "object patched"
shunt_ok revert shunt_test_patch_target
assert_match "$(cat $T)" "value: original" "original after revert"
