# TEST: a transition held open while thousands of tasks are created and exit and readers call a nested patched pair, then reversed through sysfs: no reader ever sees old and new code mixed, and no task created during the transition is taken as switched
# TIMEOUT: 600
M=$SHUNT_MODULES
P=shunt_test_pair_held_patch
load_module shunt_test_busy pair_calls=20 || fail "insmod shunt_test_busy"
busy_hold 1
wait_for 5 "the kthread to sleep in the original" sh -c 'dmesg | grep -q "sleeping in shunt_busy_sleep (original)"'
shunt_ok apply --no-wait --no-metrics $M/$P.ko
assert_eq "$(patch_attr $P transition)" 1 "the kthread holds the transition"
rm -f /tmp/pair.stop /tmp/pair.[0-9]
# every read is a new cat process: created during the transition
for r in 1 2 3 4; do
	( while [ ! -e /tmp/pair.stop ]; do cat /proc/shunt_test_pair || break; done > /tmp/pair.$r ) &
done
# and many short-lived tasks more, so that exited tasks' slots must be reused
forks=0
while [ $forks -lt 2500 ]; do
	/bin/true & /bin/true & /bin/true & /bin/true &
	wait $!
	forks=$((forks + 4))
done
reads=$(cat /tmp/pair.[0-9] | wc -l)
say "$forks forks and $reads reads during the transition"
echo 0 > $SHUNT_ROOT/$P/enabled || fail "reversing through sysfs"
assert_klog "shunt: '$P': reversing transition to unpatched" "reversed"
sleep 2
touch /tmp/pair.stop
wait
busy_hold 0
wait_for 60 "the reversed patch to go" test ! -d $SHUNT_ROOT/$P
cat /tmp/pair.[0-9] > /tmp/pairs
old=$(awk '{s += $2} END {print s}' /tmp/pairs)
new=$(awk '{s += $4} END {print s}' /tmp/pairs)
mixed=$(awk '{s += $6} END {print s}' /tmp/pairs)
say "calls: old $old, new $new, mixed $mixed, in $(wc -l < /tmp/pairs) reads"
[ "$new" -gt 0 ] || fail "the readers never ran the new code"
assert_eq "$mixed" 0 "mixed old/new pairs"
wait_for 10 "rmmod $P" rmmod $P
