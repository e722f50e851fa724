# TEST: per-CPU hotplug kthreads sleeping in a replaced function: the kernel's livepatch stalls on them; shunt apply --park-kthreads parks them, switches them where they parked and unparks them (the report names them, their park and unpark callbacks ran, they then wait in the new code), and does the same on the revert; a plain kthread is never parked and is named as the blocker
# TIMEOUT: 300
M=$SHUNT_MODULES
P=shunt_test_park_patch
nwait() { dmesg | grep -c "$1 waits in shunt_park_wait ($2)"; }
ncpu=$(grep -c ^processor /proc/cpuinfo)

say "the kernel's livepatch: the sleeping kthreads hold the transition"
load_module shunt_test_park || fail "insmod shunt_test_park"
wait_for 10 "the threads to sleep" sh -c "[ \$(dmesg | grep -c 'cpu [0-9]* waits in shunt_park_wait (original)') -ge $ncpu ]"
load_module $P || fail "insmod $P under klp"
sleep 5
assert_eq "$(cat /sys/kernel/livepatch/$P/transition)" 1 "klp: still in transition after 5 s"
echo 0 > /sys/kernel/livepatch/$P/enabled
wait_for 60 "klp to reverse" test ! -d /sys/kernel/livepatch/$P
wait_for 10 "rmmod $P" rmmod $P
rmmod shunt_test_park || fail "rmmod shunt_test_park"

say "shunt without --park-kthreads: they block it"
load_module shunt_test_park || fail "insmod shunt_test_park"
wait_for 10 "the threads to sleep" sh -c "[ \$(dmesg | grep -c 'cpu [0-9]* waits in shunt_park_wait (original)') -ge $((2 * ncpu)) ]"
shunt_fails "blocked by:" apply --no-metrics --timeout=2 $M/$P.ko
grep -qE "^[0-9]+ shunt_park/[0-9]+ shunt_park_sleep" /tmp/shunt.err ||
	grep -qE "^[0-9]+ shunt_park/[0-9]+ shunt_park_wait" /tmp/shunt.err ||
	fail "the hotplug threads are not named as blockers"
wait_for 30 "the undo" test ! -d $SHUNT_ROOT/$P
wait_for 10 "shunt to remove $P" test ! -d /sys/module/$P

say "shunt --park-kthreads"
before=$(dmesg | grep -c "cpu [0-9]* unparked")
shunt_ok apply --no-metrics --park-kthreads --timeout=30 $M/$P.ko
assert_match "$(cat /tmp/shunt.out)" "parked: [0-9]+ shunt_park/[0-9]+" "apply names the parked threads"
assert_eq "$(patch_attr $P parked | grep -c ' shunt_park/')" "$ncpu" "sysfs 'parked' names one thread per CPU"
assert_match "$(shunt show $P)" "kthreads parked by the transition:" "shunt show lists them"
for c in $(seq 0 $((ncpu - 1))); do
	assert_klog "shunt: '$P': parked kthread [0-9]+ shunt_park/$c: switched" "cpu $c: parked and switched"
	wait_for 10 "cpu $c to wait in the new code" sh -c "[ \$(dmesg | grep -c 'cpu $c waits in shunt_park_wait (patched)') -ge 1 ]"
done
assert_eq "$(($(dmesg | grep -c 'cpu [0-9]* unparked') - before))" "$ncpu" "each thread's unpark callback ran once"
assert_eq "$(dmesg | grep -c 'cpu [0-9]* parked$')" "$ncpu" "each park callback ran once (nothing parked them before)"
say "the revert parks them again"
orig=$(dmesg | grep -c "waits in shunt_park_wait (original)")
parks=$(dmesg | grep -c "parked kthread [0-9]* shunt_park/[0-9]*: switched")
shunt_ok revert --timeout=30 $P
assert_eq "$(($(dmesg | grep -c "parked kthread [0-9]* shunt_park/[0-9]*: switched") - parks))" "$ncpu" "the revert parked and switched each thread"
wait_for 10 "the threads back in the original" sh -c "[ \$(dmesg | grep -c 'waits in shunt_park_wait (original)') -ge $((orig + ncpu)) ]"
wait_for 10 "shunt to remove $P" test ! -d /sys/module/$P
rmmod shunt_test_park || fail "rmmod shunt_test_park"

say "a plain kthread is never parked"
load_module shunt_test_park plain=1 || fail "insmod shunt_test_park plain=1"
wait_for 10 "the plain thread to sleep" sh -c 'dmesg | grep -q "plain waits in shunt_park_wait (original)"'
shunt_fails "shunt_plain" apply --no-metrics --park-kthreads --timeout=3 $M/$P.ko
assert_klog "kthread [0-9]+ shunt_plain blocks and is not parked: not a per-CPU hotplug thread" "the refusal is logged with its reason"
grep -q "shunt_park/" /tmp/shunt.err && fail "a hotplug thread still blocked: it should have been parked"
wait_for 60 "the undo" test ! -d $SHUNT_ROOT/$P
wait_for 10 "shunt to remove $P" test ! -d /sys/module/$P
rmmod shunt_test_park || fail "rmmod shunt_test_park"
assert_no_shunt_patches
