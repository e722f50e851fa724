# TEST: stop-machine: blocked by a kthread in the function it fails after its retries naming it, nothing applied; otherwise it flips at once and reports the CPU stall
M=$SHUNT_MODULES
busy_load_held
shunt_fails "stop-machine: 1 task\(s\) in the functions after 3 tries: [0-9]+ shunt_busy shunt_busy_sleep\+0x" apply --consistency=stop-machine --stop-retries=2 $M/shunt_test_busy_patch.ko
module_loaded shunt_test_busy_patch && fail "patch module left loaded"
assert_no_shunt_patches
busy_hold 0
wait_for 5 "the kthread to leave" sh -c 'dmesg | grep -q "left shunt_busy_sleep (original)"'
shunt_ok apply --consistency=stop-machine $M/shunt_test_busy_patch.ko
assert_match "$(cat /tmp/shunt.out)" "stop_machine: CPUs stopped for [0-9.]+ ms" "stall reported"
assert_match "$(patch_attr shunt_test_busy_patch stats)" "stop_machine_ns [1-9]" "stall in stats"
assert_match "$(patch_attr shunt_test_busy_patch stats)" "switched_all 1" "all at once"
shunt_ok revert shunt_test_busy_patch
