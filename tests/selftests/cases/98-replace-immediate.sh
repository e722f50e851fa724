# TEST: a nop over an immediate function is immediate, and the replaced patch's module is kept (old code may still run); re-enabling a replaced patch is refused (runs late: the module stays)
M=$SHUNT_MODULES
shunt_ok apply --consistency=immediate $M/shunt_test_stack1.ko
shunt_ok apply $M/shunt_test_stack2.ko
shunt_ok apply --no-wait $M/shunt_test_replace.ko
wait_eq 10 $SHUNT_ROOT/shunt_test_replace/state applied
assert_eq "$(patch_attr shunt_test_stack1 state)" replaced "stack1 kept as replaced"
assert_eq "$(patch_attr shunt_test_stack1 replaced_by)" shunt_test_replace "replaced_by"
assert_klog "'shunt_test_stack1': replaced by 'shunt_test_replace'; module kept: it has immediate functions" "kept logged"
wait_for 10 "stack2 to be released" test ! -d $SHUNT_ROOT/shunt_test_stack2
rmmod shunt_test_stack2 || fail "stack2 (no immediate functions) removable"
rmmod shunt_test_stack1 2>/dev/null && fail "stack1 removable though its immediate code may run"
echo 1 > $SHUNT_ROOT/shunt_test_stack1/enabled 2>/dev/null && fail "re-enable accepted"
assert_eq "$(patch_attr shunt_test_stack1 error)" "replaced by 'shunt_test_replace'; a replaced patch cannot be enabled again" "refusal"
shunt_fails "cannot revert: replaced by 'shunt_test_replace'" revert shunt_test_stack1
assert_match "$(shunt list)" "shunt_test_stack1 +shunt +replaced" "list shows it replaced"
shunt_ok revert shunt_test_replace
