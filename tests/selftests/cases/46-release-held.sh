# TEST: a reverted patch whose module code a kthread still sleeps in: the release waits, names the task in sysfs and shunt list, checks the blocked task without stopping the machine again and again, and completes once the kthread leaves
M=$SHUNT_MODULES
P=shunt_test_busy_patch
T=/sys/kernel/tracing
load_module shunt_test_busy || fail "insmod shunt_test_busy"
shunt_ok apply --no-metrics --consistency=immediate $M/$P.ko
busy_hold 1
wait_for 5 "the kthread to sleep in the new function" sh -c 'dmesg | grep -q "sleeping in shunt_busy_sleep (patched)"'
# count stop_machine() calls from here on
echo 'p:shunt_test_stopm stop_machine_cpuslocked' >> $T/kprobe_events || fail "kprobe event"
echo > $T/trace
echo 1 > $T/events/kprobes/shunt_test_stopm/enable
echo 1 > $T/events/shunt/shunt_module_release/enable
echo 0 > $SHUNT_ROOT/$P/enabled || fail "revert through sysfs"
wait_eq 10 $SHUNT_ROOT/$P/state releasing
sleep 3
assert_match "$(patch_attr $P blocked)" "^[0-9]+ shunt_busy busy_sleep_new\+0x" "blocked names the kthread in the new function"
assert_match "$(shunt list)" "^$P +shunt +releasing .* release pending, held by [0-9]+ shunt_busy" "shunt list names the holder"
checks=$(grep -c shunt_module_release $T/trace)
stops=$(grep -c shunt_test_stopm $T/trace)
[ "$checks" -ge 4 ] || fail "only $checks release checks in 3 s"
# the kthread may be caught running now and then (it wakes every 100
# ms; on a loaded host a vCPU stalls while it runs): then, and only then,
# stop_machine() has the last word, never at every check
[ $((stops * 2)) -le "$checks" ] || fail "$stops stop_machine() calls for $checks release checks"
say "ok: $checks release checks, $stops stop_machine() calls"
rmmod $P 2>/dev/null && fail "patch module removed while a task sleeps in it"
busy_hold 0
wait_for 30 "the release" test ! -d $SHUNT_ROOT/$P
echo 0 > $T/events/kprobes/shunt_test_stopm/enable
echo 0 > $T/events/shunt/shunt_module_release/enable
echo '-:shunt_test_stopm' >> $T/kprobe_events
wait_for 10 "rmmod $P" rmmod $P
assert_klog "shunt: '$P': module released" "released"
assert_no_shunt_patches
