# TEST: a patch module whose init fails after klp_enable_patch() succeeded: shunt takes the patch down before the module's code is freed (per-task in transition, and immediate once applied), says so, leaves nothing in /sys/kernel/shunt, and the original runs again
M=$SHUNT_MODULES
busy_load_held
for c in per-task immediate; do
	say "consistency $c"
	kernel_log_clean "before this step" || fail "unexpected kernel log lines"
	shunt_fails "init failed after klp_enable_patch\(\); its patch was taken down" \
		apply --no-metrics --consistency=$c $M/shunt_test_busy_patch.ko fail_init=1
	assert_klog "shunt_test_busy_patch: init fails after klp_enable_patch\(\)" "the module's own message"
	if [ $c = per-task ]; then
		state=applying	# the kthread in the original holds the transition
	else
		state=applied
	fi
	assert_klog "shunt: 'shunt_test_busy_patch': the module's init failed after klp_enable_patch\(\); taking its patch down at once \($state\)" "teardown logged"
	module_loaded shunt_test_busy_patch && fail "patch module still loaded"
	assert_no_shunt_patches
	[ -z "$(grep shunt_busy_sleep /sys/kernel/tracing/enabled_functions)" ] || fail "ftrace ops left on shunt_busy_sleep"
	say "the kthread runs the original again"
	busy_hold 0
	wait_for 5 "the kthread to leave" sh -c 'dmesg | grep -q "left shunt_busy_sleep (original)"'
	kernel_log_clean "before this step" || fail "unexpected kernel log lines"
	busy_hold 1
	wait_for 5 "the kthread to sleep in the original again" sh -c 'dmesg | grep -q "sleeping in shunt_busy_sleep (original)"'
done
say "without fail_init the same module applies and reverts"
busy_hold 0
shunt_ok apply --no-metrics $M/shunt_test_busy_patch.ko
shunt_ok revert shunt_test_busy_patch
assert_no_shunt_patches
