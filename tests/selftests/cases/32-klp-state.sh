# TEST: klp_state: a compatible cumulative patch takes the state over (klp_get_prev_state from its callbacks sees the old version); incompatible ones are refused with the patch and state named and nothing changes
M=$SHUNT_MODULES
shunt_ok apply $M/shunt_test_stack1.ko
assert_klog "stack1: pre_patch: state 7 version 1, previous version -1" "first state"
shunt_fails "not compatible with patch 'shunt_test_stack1': a cumulative patch must carry its state id 7" apply $M/shunt_test_replace_bad.ko
shunt_fails "not compatible with patch 'shunt_test_stack1': state id 7 has version 1 there, 0 here" apply $M/shunt_test_replace_old.ko
assert_eq "$(cat /proc/cmdline)" "cmdline: stack1" "nothing changed"
assert_eq "$(shunt list | awk '{print $1}' | tr '\n' ' ')" "shunt_test_stack1 " "only stack1"
shunt_ok apply $M/shunt_test_replace.ko
assert_klog "replace: pre_patch: state 7 version 2, previous version 1" "the replacing patch sees the previous state in pre_patch"
assert_klog "replace: post_patch: state 7 version 2, previous version 1" "and in post_patch"
shunt_ok revert shunt_test_replace
