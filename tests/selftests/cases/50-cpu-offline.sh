# TEST: a CPU taken offline and back during a held per-task transition: the transition completes once its blocker leaves, and the patch reverts cleanly
M=$SHUNT_MODULES
C=/sys/devices/system/cpu/cpu1/online
[ -w $C ] || fail "cpu1 cannot go offline in this VM"
trap 'echo 1 > $C 2>/dev/null' EXIT	# the next case wants both CPUs
busy_load_held
shunt_ok apply --no-wait --no-metrics $M/shunt_test_busy_patch.ko
assert_eq "$(patch_attr shunt_test_busy_patch transition)" 1 "held by the kthread"
echo 0 > $C || fail "cpu1 offline"
assert_eq "$(cat $C)" 0 "cpu1 is offline"
busy_hold 0
wait_eq 30 $SHUNT_ROOT/shunt_test_busy_patch/transition 0
echo 1 > $C || fail "cpu1 online"
shunt_ok revert shunt_test_busy_patch
say "offline during the revert too"
shunt_ok apply --no-metrics $M/shunt_test_busy_patch.ko
echo 0 > $C || fail "cpu1 offline"
shunt_ok revert shunt_test_busy_patch
echo 1 > $C || fail "cpu1 online"
assert_eq "$(cat $C)" 1 "cpu1 back"
assert_no_shunt_patches
