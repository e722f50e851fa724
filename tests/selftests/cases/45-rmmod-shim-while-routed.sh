# TEST: rmmod shunt while a routed klp_enable_patch() sleeps in a pre_patch callback inside shunt.ko: the shim is pinned for the call, so rmmod is refused; the apply then completes, and once the patch is reverted shunt.ko unloads cleanly
M=$SHUNT_MODULES
P=shunt_test_patch_target
insmod "$SHUNT_KO" 2>/dev/null
kernel_log_clean "before the apply" || fail "unexpected kernel log lines"
shunt apply --no-metrics $M/$P.ko pre_patch_sleep_ms=3000 > /tmp/apply.out 2>&1 &
apply_pid=$!
wait_for 20 "the pre_patch callback to run" sh -c "dmesg | grep -q '$P: pre_patch: vmlinux'"
rmmod shunt 2>/tmp/rmmod.err && fail "rmmod shunt succeeded during a routed klp_enable_patch()"
assert_match "$(cat /tmp/rmmod.err)" "in use|busy|temporarily unavailable" "rmmod refused"
module_loaded shunt || fail "shunt.ko gone"
wait $apply_pid || fail "apply failed: $(cat /tmp/apply.out)"
assert_match "$(cat /tmp/apply.out)" "applied $P" "the apply completed"
assert_eq "$(cat /proc/cmdline)" "cmdline: $P" "patched"
shunt_ok revert $P
assert_no_shunt_patches
wait_for 10 "shunt.ko to be unloadable" rmmod shunt
module_loaded shunt && fail "shunt.ko still loaded"
assert_klog "shunt: unloaded" "unload message"
