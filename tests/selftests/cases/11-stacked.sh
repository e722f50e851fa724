# TEST: two patches stacked on cmdline_proc_show: the newest wins, reverting the top restores the one below; the bottom cannot go first (shunt's safer rule; the refusal names the top), while the kernel's livepatch, shown for comparison, lets it go
M=$SHUNT_MODULES
orig=$(cat /proc/cmdline)
shunt_ok apply $M/shunt_test_stack1.ko
assert_eq "$(cat /proc/cmdline)" "cmdline: stack1" "stack1 alone"
shunt_ok apply $M/shunt_test_stack3.ko
assert_eq "$(cat /proc/cmdline)" "cmdline: stack3" "stack3 on top"
assert_eq "$(head -c 16 /proc/version)" "version: stack1" "version from stack1 (stack3 does not patch it)"
shunt_fails "patch 'shunt_test_stack3', applied later, also redirects cmdline_proc_show: revert it first" revert shunt_test_stack1
assert_eq "$(patch_attr shunt_test_stack1 state)" applied "stack1 still applied"
assert_eq "$(cat /proc/cmdline)" "cmdline: stack3" "unchanged after the refusal"
shunt_ok revert shunt_test_stack3
assert_eq "$(cat /proc/cmdline)" "cmdline: stack1" "stack1 again after reverting the top"
shunt_ok revert shunt_test_stack1
assert_eq "$(cat /proc/cmdline)" "$orig" "original after both"
say "unrelated patches go in any order"
shunt_ok apply $M/shunt_test_stack2.ko
shunt_ok apply $M/shunt_sample_cmdline.ko
shunt_ok revert shunt_test_stack2
assert_eq "$(cat /proc/cmdline)" "patched: shunt_sample_cmdline" "sample stays"
shunt_ok revert shunt_sample_cmdline
assert_no_shunt_patches

say "the kernel's own rule, for comparison: its livepatch lets the bottom patch go first, the top one stays"
lp=/sys/kernel/livepatch
load_module shunt_test_stack1 || fail "klp insmod stack1"
wait_eq 30 $lp/shunt_test_stack1/transition 0
load_module shunt_test_stack3 || fail "klp insmod stack3"
wait_eq 30 $lp/shunt_test_stack3/transition 0
assert_eq "$(cat /proc/cmdline)" "cmdline: stack3" "klp: stack3 on top"
echo 0 > $lp/shunt_test_stack1/enabled || fail "klp refused to disable the bottom patch"
wait_for 30 "klp: stack1 to go" test ! -d $lp/shunt_test_stack1
assert_eq "$(cat /proc/cmdline)" "cmdline: stack3" "klp: stack3 still on top"
assert_eq "$(head -c 13 /proc/version)" "Linux version" "klp: stack1's version_proc_show gone"
echo 0 > $lp/shunt_test_stack3/enabled
wait_for 30 "klp: stack3 to go" test ! -d $lp/shunt_test_stack3
assert_eq "$(cat /proc/cmdline)" "$orig" "klp: original after both"
rmmod shunt_test_stack1 shunt_test_stack3 || fail "rmmod the klp patches"
