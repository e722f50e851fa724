# TEST: processes forked during a transition inherit their parent's state; many short-lived ones neither stall it nor keep it from finishing
M=$SHUNT_MODULES
busy_load_held
shunt_ok apply --no-wait $M/shunt_test_busy_patch.ko
wait_for 10 "blocked" grep -q shunt_busy $SHUNT_ROOT/shunt_test_busy_patch/blocked
i=0
while [ $i -lt 300 ]; do
	/bin/true &
	i=$((i + 1))
done
wait
assert_eq "$(patch_attr shunt_test_busy_patch transition)" 1 "still held by the kthread only"
busy_hold 0
wait_eq 20 $SHUNT_ROOT/shunt_test_busy_patch/transition 0
stats=$(patch_attr shunt_test_busy_patch stats | tr '\n' ' ')
say "stats: $stats"
assert_match "$stats" "switched_inherit [1-9]" "children inherited"
assert_match "$stats" "switched_exit [0-9]" "exits counted"
shunt_ok revert shunt_test_busy_patch
