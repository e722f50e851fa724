# TEST: a failing replace (pre_patch error) and a replace reversed mid-transition both leave the old stack exactly as it was
M=$SHUNT_MODULES
snapshot() { echo "$(cat /proc/cmdline)|$(head -c 16 /proc/version)|$(shunt list | awk '{print $1, $3}' | tr '\n' ';')"; }
load_module shunt_test_busy || fail "insmod"
shunt_ok apply $M/shunt_test_stack1.ko
# no metrics: an fexit trampoline around the new function the kthread
# sleeps in would make its stack unreliable for the shim (README)
shunt_ok apply --no-metrics $M/shunt_test_busy_patch.ko
before=$(snapshot)
shunt_fails "pre-patch callback failed for object 'vmlinux': -22" apply $M/shunt_test_replace.ko pre_patch_ret=-22
assert_eq "$(snapshot)" "$before" "stack intact after a failing replace"
module_loaded shunt_test_replace && fail "replace module left"

say "the kthread sleeps in stack busy_patch's new function: the replace cannot finish"
busy_hold 1
wait_for 5 "the kthread to sleep in the patched function" sh -c 'dmesg | grep -q "sleeping in shunt_busy_sleep (patched)"'
shunt_ok apply --no-wait $M/shunt_test_replace.ko
wait_for 10 "blocked" grep -q "shunt_busy busy_sleep_new" $SHUNT_ROOT/shunt_test_replace/blocked
shunt_ok revert shunt_test_replace
assert_eq "$(snapshot)" "$before" "stack intact after a reversed replace"
busy_hold 0
shunt_ok revert shunt_test_busy_patch
shunt_ok revert shunt_test_stack1
