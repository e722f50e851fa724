# TEST: a user task sleeping interruptibly in a syscall whose stack holds a replaced function: per-task shunt sends it a fake signal (task work), its read restarts at the kernel/user boundary and the transition completes in seconds without anything else waking it; the kernel's livepatch needs ~15 s for the same
# TIMEOUT: 240
M=$SHUNT_MODULES
load_module shunt_test_wait || fail "insmod shunt_test_wait"
R=/sys/module/shunt_test_wait/parameters/release
for backend in shunt klp; do
	say "backend $backend"
	echo 0 > $R
	kernel_log_clean "before $backend" || fail "unexpected kernel log lines"
	cat /proc/shunt_test_wait > /tmp/wait.out &
	reader=$!
	wait_for 10 "the reader to sleep in the original" sh -c 'dmesg | grep -q "reader waiting in shunt_wait_in (original)"'
	start=$(cut -d' ' -f1 /proc/uptime)
	if [ $backend = shunt ]; then
		shunt_ok apply --no-metrics --timeout=30 $M/shunt_test_wait_patch.ko
		stats=$(patch_attr shunt_test_wait_patch stats | tr '\n' ' ')
		assert_match "$stats" "switched_boundary [1-9]" "the reader switched at the boundary"
	else
		load_module shunt_test_wait_patch || fail "insmod under klp"
		wait_eq 60 /sys/kernel/livepatch/shunt_test_wait_patch/transition 0
	fi
	took=$(awk -v s=$start -v e=$(cut -d' ' -f1 /proc/uptime) 'BEGIN {printf "%.1f", e - s}')
	say "$backend: transition done after $took s"
	assert_klog "reader waiting in shunt_wait_in \(patched\)" "$backend: the restarted read runs the new version"
	echo 1 > $R
	wait $reader || fail "the reader failed"
	assert_eq "$(cat /tmp/wait.out)" "wait: patched" "$backend: the patched version let the reader go"
	if [ $backend = shunt ]; then
		shunt_ok revert shunt_test_wait_patch
	else
		echo 0 > /sys/kernel/livepatch/shunt_test_wait_patch/enabled
		wait_for 60 "klp unpatching" test ! -d /sys/kernel/livepatch/shunt_test_wait_patch
		rmmod shunt_test_wait_patch || fail "rmmod"
	fi
done
