# TEST: a target module loaded while its patch's transition is held: its functions become code tasks must leave, so a reversal waits for a reader asleep in the new function instead of switching it there, and the reader ends in the original; a module loaded while the patch is being reverted gets patched, and re-enabling the patch then (reversing the revert) keeps it patched and in effect
# TIMEOUT: 180
M=$SHUNT_MODULES
P=shunt_test_late_patch
busy_load_held
shunt_ok apply --no-wait --no-metrics $M/$P.ko
assert_eq "$(patch_attr $P transition)" 1 "the kthread holds the transition"
load_module shunt_test_wait || fail "insmod shunt_test_wait during the transition"
assert_eq "$(cat $SHUNT_ROOT/$P/shunt_test_wait/patched)" 1 "the late object is patched"
cat /proc/shunt_test_wait > /tmp/wait.out &
reader=$!
wait_for 10 "the reader to sleep in the new function" sh -c 'dmesg | grep -q "reader waiting in shunt_wait_in (patched)"'
kernel_log_clean "before the reversal" || fail "unexpected kernel log lines"
echo 0 > $SHUNT_ROOT/$P/enabled || fail "reversing through sysfs"
sleep 0.3
assert_match "$(patch_attr $P blocked)" "[0-9]+ cat late_wait_in\+0x" "the reader in the new function holds the reversal"
assert_eq "$(patch_attr $P transition)" 1 "still in transition"
# the fake signal restarts its read at the boundary, in the original
wait_for 30 "the reader to restart in the original" sh -c 'dmesg | grep -q "reader waiting in shunt_wait_in (original)"'
wait_for 30 "the reversal to finish" test ! -d $SHUNT_ROOT/$P
echo 1 > /sys/module/shunt_test_wait/parameters/release
wait $reader || fail "the reader failed"
assert_eq "$(cat /tmp/wait.out)" "wait: original" "the reader left through the original"
busy_hold 0
wait_for 10 "rmmod $P" rmmod $P
rmmod shunt_test_wait || fail "rmmod shunt_test_wait"

say "a target module loaded while the patch is being reverted, then the revert reversed"
# shunt_test_busy is still loaded, its kthread not held
shunt_ok apply --no-metrics $M/$P.ko
assert_eq "$(cat $SHUNT_ROOT/$P/shunt_test_wait/patched)" 0 "shunt_test_wait is not loaded yet"
busy_hold 1
sleep 1	# the kthread sleeps in the new shunt_busy_sleep()
echo 0 > $SHUNT_ROOT/$P/enabled || fail "revert through sysfs"
sleep 0.5
assert_eq "$(patch_attr $P transition)" 1 "the kthread in the new code holds the revert"
load_module shunt_test_wait || fail "insmod shunt_test_wait during the revert"
assert_eq "$(cat $SHUNT_ROOT/$P/shunt_test_wait/patched)" 1 "the object is patched while tasks may still use the patch"
echo 1 > $SHUNT_ROOT/$P/enabled || fail "re-enable through sysfs"
wait_eq 30 $SHUNT_ROOT/$P/transition 0
assert_eq "$(patch_attr $P state)" applied "re-enabled"
assert_eq "$(cat $SHUNT_ROOT/$P/shunt_test_wait/patched)" 1 "the module loaded meanwhile stays patched"
echo 1 > /sys/module/$P/parameters/release
assert_eq "$(cat /proc/shunt_test_wait)" "wait: patched" "its function runs the patch"
busy_hold 0
shunt_ok revert $P
echo 1 > /sys/module/shunt_test_wait/parameters/release
assert_eq "$(cat /proc/shunt_test_wait)" "wait: original" "reverted: the original again"
rmmod shunt_test_wait || fail "rmmod shunt_test_wait"
rmmod shunt_test_busy || fail "rmmod shunt_test_busy"
assert_no_shunt_patches
