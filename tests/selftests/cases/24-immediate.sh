# TEST: immediate per function (--immediate-func) and per patch (--consistency=immediate) switch everyone at once, even with a task in the function
M=$SHUNT_MODULES
busy_load_held
shunt_ok apply --timeout=10 --immediate-func=shunt_busy_sleep $M/shunt_test_busy_patch.ko
assert_eq "$(awk '$1 == "shunt_test_busy:shunt_busy_sleep,1" { print $2 }' $SHUNT_ROOT/shunt_test_busy_patch/funcs)" 1 "function immediate (funcs)"
assert_eq "$(awk '$2 == 1 { n++ } END { print n + 0 }' $SHUNT_ROOT/shunt_test_busy_patch/funcs)" 1 "only that function immediate"
assert_match "$(cat /tmp/shunt.out)" "shunt_busy_sleep,1 -> busy_sleep_new .*\(immediate\)" "apply says immediate"
shunt_ok revert shunt_test_busy_patch
shunt_ok apply --timeout=10 --consistency=immediate $M/shunt_test_busy_patch.ko
assert_eq "$(patch_attr shunt_test_busy_patch consistency)" immediate "patch immediate"
assert_match "$(patch_attr shunt_test_busy_patch stats)" "switched_all 1" "all at once"
busy_hold 0
shunt_ok revert shunt_test_busy_patch
