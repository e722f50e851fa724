# TEST: force completes a blocked transition, warns, and pins the patch module forever (runs last: the module stays)
M=$SHUNT_MODULES
busy_load_held
shunt_ok apply --no-wait $M/shunt_test_busy_patch.ko
wait_for 10 "blocked" grep -q shunt_busy $SHUNT_ROOT/shunt_test_busy_patch/blocked
shunt_fails "no shunt patch shunt_nothing" force shunt_nothing
shunt_ok force shunt_test_busy_patch
assert_match "$(cat /tmp/shunt.out)" "its module can never be removed" "force output"
wait_eq 10 $SHUNT_ROOT/shunt_test_busy_patch/transition 0
assert_eq "$(patch_attr shunt_test_busy_patch forced)" 1 "forced"
assert_klog "forcing the transition" "force warned"
assert_match "$(patch_attr shunt_test_busy_patch stats)" "switched_force [1-9]" "forced tasks counted"
busy_hold 0
shunt_ok revert shunt_test_busy_patch
assert_match "$(cat /tmp/shunt.out)" "module kept: the patch was forced" "revert keeps the module"
rmmod shunt_test_busy_patch 2>/dev/null && fail "forced patch module removable"
return 0
