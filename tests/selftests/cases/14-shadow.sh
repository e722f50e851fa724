# TEST: klp shadow variables work unchanged in a shunt patch: one per calling task, found again by the same task, all freed by its post_unpatch; the same module behaves alike under the kernel's livepatch
T=/proc/shunt_test_target
load_module shunt_test_target || fail "insmod shunt_test_target"

# rd: read the first line of the target's file into $v by this very shell
# (a builtin in no subshell: always the same task)
rd() { read -r v < $T; }

shunt_ok apply $SHUNT_MODULES/shunt_test_shadow.ko
assert_eq "$(patch_attr shunt_test_shadow state)" applied "applied"
rd; assert_eq "$v" "value: shadow 1" "this shell's first call allocates its shadow"
rd; assert_eq "$v" "value: shadow 2" "its second call finds it"
assert_eq "$(head -n 1 $T)" "value: shadow 1" "another process gets a shadow of its own"
rd; assert_eq "$v" "value: shadow 3" "this shell's shadow is unchanged by the other one"
kernel_log_clean "so far" || fail "kernel log"
shunt_ok revert shunt_test_shadow
assert_klog "shunt_test_shadow: freed ([2-9]|[1-9][0-9]+) shadow variables, 0 left" "post_unpatch freed them all"
rd; assert_eq "$v" "value: original" "original after revert"

say "a new apply starts from scratch"
shunt_ok apply $SHUNT_MODULES/shunt_test_shadow.ko
rd; assert_eq "$v" "value: shadow 1" "no shadow survived the revert"
shunt_ok revert shunt_test_shadow
assert_no_shunt_patches

say "the same module under the kernel's livepatch"
lp=/sys/kernel/livepatch/shunt_test_shadow
load_module shunt_test_shadow || fail "klp insmod shunt_test_shadow"
wait_eq 30 $lp/transition 0
rd; assert_eq "$v" "value: shadow 1" "klp: first call"
rd; assert_eq "$v" "value: shadow 2" "klp: second call"
kernel_log_clean "so far" || fail "kernel log"
echo 0 > $lp/enabled
wait_for 30 "klp unpatching" test ! -d $lp
assert_klog "shunt_test_shadow: freed [1-9][0-9]* shadow variables, 0 left" "klp: freed"
rmmod shunt_test_shadow || fail "rmmod shunt_test_shadow"
