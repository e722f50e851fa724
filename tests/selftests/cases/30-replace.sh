# TEST: atomic replace: three stacked patches, then a cumulative one touching only cmdline: every function returns the right version, the others the original; old modules removable; replaced patches get no unpatch callbacks
M=$SHUNT_MODULES
orig_version=$(head -c 13 /proc/version)
orig_loadavg_fields=$(awk '{print NF}' /proc/loadavg)
shunt_ok apply $M/shunt_test_stack1.ko
shunt_ok apply $M/shunt_test_stack2.ko
shunt_ok apply $M/shunt_test_stack3.ko
assert_eq "$(cat /proc/cmdline)" "cmdline: stack3" "cmdline from stack3"
assert_eq "$(cat /proc/version)" "version: stack2" "version from stack2"
assert_eq "$(cat /proc/loadavg)" "loadavg: stack3" "loadavg from stack3"
assert_eq "$(shunt list | awk '{print $1}' | tr '\n' ' ')" "shunt_test_stack1 shunt_test_stack2 shunt_test_stack3 " "list in apply order"
dmesg -c > /dev/null
shunt_ok apply $M/shunt_test_replace.ko
assert_eq "$(patch_attr shunt_test_replace replace)" 1 "replace flag"
assert_eq "$(cat /proc/cmdline)" "cmdline: replace" "cmdline from the replacing patch"
assert_eq "$(head -c 13 /proc/version)" "$orig_version" "version back to the original (nop)"
assert_eq "$(awk '{print NF}' /proc/loadavg)" "$orig_loadavg_fields" "loadavg back to the original (nop)"
wait_for 10 "replaced patches to go" sh -c '[ "$(shunt list | grep -c stack)" = 0 ]'
assert_eq "$(shunt list | awk '{print $1, $3}' | tr '\n' ';')" "shunt_test_replace applied;" "list shows only the replacing patch"
assert_klog "'shunt_test_stack1': replaced by 'shunt_test_replace'" "replacement logged"
assert_klog "replace: pre_patch" "replacing patch's pre_patch ran"
assert_klog "replace: post_patch" "replacing patch's post_patch ran"
dmesg | grep -qE "stack[123]: (pre|post)_unpatch" && fail "a replaced patch got unpatch callbacks"
for m in shunt_test_stack1 shunt_test_stack2 shunt_test_stack3; do
	rmmod $m || fail "rmmod $m after replace"
done
[ -z "$(grep -E '^(version|loadavg)_proc_show' /sys/kernel/tracing/enabled_functions)" ] || fail "ftrace ops left on functions only nops covered"
shunt_ok revert shunt_test_replace
assert_no_shunt_patches
