# TEST: per-task: a kthread sleeping in a replaced function holds the transition, 'shunt show' names it; it completes once the kthread leaves; --timeout names it and reverses; a revert mid-transition reverses
M=$SHUNT_MODULES
B=$SHUNT_ROOT/shunt_test_busy_patch
busy_load_held
shunt_ok apply --no-wait $M/shunt_test_busy_patch.ko
wait_for 10 "blocked to name the kthread" grep -q "shunt_busy shunt_busy_sleep+0x" $B/blocked
assert_eq "$(patch_attr shunt_test_busy_patch transition)" 1 "transition pending"
assert_eq "$(patch_attr shunt_test_busy_patch state)" applying "state"
shunt show shunt_test_busy_patch > /tmp/show
assert_match "$(cat /tmp/show)" "blocked by:" "show has blockers"
assert_match "$(cat /tmp/show)" "[0-9]+ shunt_busy shunt_busy_sleep\+0x[0-9a-f]+/0x[0-9a-f]+ \[shunt_test_busy\]" "show names pid, comm and function+offset"
busy_hold 0
wait_eq 20 $SHUNT_ROOT/shunt_test_busy_patch/transition 0
assert_eq "$(patch_attr shunt_test_busy_patch state)" applied "applied"
assert_match "$(patch_attr shunt_test_busy_patch stats)" "switched_stack [1-9]" "tasks switched by stack checks"
shunt_ok revert shunt_test_busy_patch

say "--timeout: the loader names the blocker and reverses"
busy_hold 1
wait_for 5 "the kthread to sleep again" sh -c 'dmesg | tail -n 3 | grep -q "sleeping in shunt_busy_sleep (original)"'
shunt_fails "transition not done after 2 s; blocked by:" apply --timeout=2 $M/shunt_test_busy_patch.ko
assert_match "$(cat /tmp/shunt.err)" "shunt_busy shunt_busy_sleep\+0x" "the blocker is named"
assert_match "$(cat /tmp/shunt.err)" "transition reversed, nothing applied" "reversed"
module_loaded shunt_test_busy_patch && fail "patch module left loaded"
assert_no_shunt_patches
assert_klog "'shunt_test_busy_patch': reversing transition to unpatched" "reversal logged"

say "revert mid-transition reverses it"
shunt_ok apply --no-wait $M/shunt_test_busy_patch.ko
wait_for 10 "blocked" grep -q "shunt_busy" $B/blocked
shunt_ok revert shunt_test_busy_patch
assert_no_shunt_patches
module_loaded shunt_test_busy_patch && fail "patch module left loaded"

# The sweep of blocked tasks runs under the shim's mutex, which a revert
# holds: a revert landing while a sweep waits for it once deadlocked.
say "reverts racing the sweep: 6 more apply/revert-mid-transition cycles"
for d in 0 0.05 0.1 0.2 0.3 0.45; do
	shunt apply --no-metrics --no-wait $M/shunt_test_busy_patch.ko > /dev/null 2>&1 || fail "apply (delay $d)"
	sleep $d
	shunt revert shunt_test_busy_patch > /tmp/rev.out 2>&1 || fail "revert after $d s: $(cat /tmp/rev.out)"
done
assert_no_shunt_patches
busy_hold 0
