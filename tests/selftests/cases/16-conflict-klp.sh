# TEST: a function held by the kernel's livepatch is refused with its holder named, and a function held by shunt refuses the kernel's livepatch; nothing half-applied either way
M=$SHUNT_MODULES
orig=$(cat /proc/cmdline)
load_module shunt_sample_cmdline || fail "klp insmod"
wait_eq 30 /sys/kernel/livepatch/shunt_sample_cmdline/transition 0
shunt_fails "function 'cmdline_proc_show' is already redirected .*held by kernel livepatch 'shunt_sample_cmdline'" apply $M/shunt_test_stack1.ko
assert_eq "$(wc -l < /tmp/shunt.err)" 1 "one line of error"
module_loaded shunt_test_stack1 && fail "stack1 left loaded"
assert_eq "$(cat /proc/cmdline)" "patched: shunt_sample_cmdline" "klp patch intact"
assert_eq "$(head -c 8 /proc/version)" "Linux ve" "version_proc_show not half-patched"
assert_no_shunt_patches
echo 0 > /sys/kernel/livepatch/shunt_sample_cmdline/enabled
wait_for 30 "klp disable" test ! -d /sys/kernel/livepatch/shunt_sample_cmdline
rmmod shunt_sample_cmdline

say "shunt first, then the kernel's livepatch"
shunt_ok apply $M/shunt_test_stack1.ko
load_module shunt_sample_cmdline 2>/tmp/insmod.err && fail "klp patch loaded over shunt's"
assert_match "$(cat /tmp/insmod.err)" "Device or resource busy" "klp insmod fails with EBUSY"
assert_klog "livepatch: failed to register ftrace handler for function 'cmdline_proc_show' \(-16\)" "klp names the busy function"
module_loaded shunt_sample_cmdline && fail "klp module left loaded"
test ! -d /sys/kernel/livepatch/shunt_sample_cmdline || fail "klp patch left"
assert_eq "$(cat /proc/cmdline)" "cmdline: stack1" "shunt patch intact"
assert_eq "$(head -c 16 /proc/version)" "version: stack1" "all of the shunt patch intact"
assert_match "$(shunt list)" "^shunt_test_stack1 +shunt +applied" "shunt list"
shunt_ok revert shunt_test_stack1
assert_eq "$(cat /proc/cmdline)" "$orig" "original after revert"
assert_no_shunt_patches
