# TEST: a transition held open while thousands of tasks are created and exit, readers call a nested patched pair (new cat processes, and io_uring workers made by copy_process() directly), and CPU 1 goes offline and online, then reversed through sysfs while all that goes on: no reader ever sees old and new code mixed, and no task created during the transition is taken as switched
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
for r in 1 2 3; do
	( while [ ! -e /tmp/pair.stop ]; do cat /proc/shunt_test_pair || break; done > /tmp/pair.$r ) &
done
# reads in io_uring workers, a new ring (so new workers) every round
uring-read /proc/shunt_test_pair /tmp/pair.stop > /tmp/pair.4 2> /tmp/uring.err &
# and CPU hotplug
cpu1=/sys/devices/system/cpu/cpu1/online
( while [ ! -e /tmp/pair.stop ]; do
	echo 0 > $cpu1; sleep 0.3; echo 1 > $cpu1; sleep 0.3
  done; echo 1 > $cpu1 ) &
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
assert_eq "$(cat $cpu1)" 1 "CPU 1 back online"
grep -q "uring-read: [1-9][0-9]* rounds" /tmp/uring.err || fail "no io_uring reads: $(cat /tmp/uring.err)"
uring=$(wc -l < /tmp/pair.4)
[ "$uring" -gt 0 ] || fail "the io_uring workers read nothing"
say "$uring reads in io_uring workers ($(cat /tmp/uring.err))"
busy_hold 0
wait_for 60 "the reversed patch to go" test ! -d $SHUNT_ROOT/$P
pairs_tally /tmp/pair.[0-9]
[ "$new" -gt 0 ] || fail "the readers never ran the new code"
assert_eq "$mixed" 0 "mixed old/new pairs"
wait_for 10 "rmmod $P" rmmod $P
