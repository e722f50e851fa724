# TEST: --redirect=kprobe applies, stacks, refuses to revert the bottom patch first and reverts like ftrace, through a kprobe on ftrace; mixing mechanisms on one function is refused; with kprobes disarmed it is refused, and a patch it holds shows as not in effect
M=$SHUNT_MODULES
orig=$(cat /proc/cmdline)
shunt_ok apply --redirect=kprobe $M/shunt_test_stack1.ko
assert_eq "$(patch_attr shunt_test_stack1 redirect)" kprobe "redirect"
assert_eq "$(cat /proc/cmdline)" "cmdline: stack1" "patched by kprobe"
assert_eq "$(patch_attr shunt_test_stack1 enabled)" 1 "enabled"
assert_eq "$(cat $SHUNT_ROOT/shunt_test_stack1/vmlinux/patched)" 1 "vmlinux/patched"
test -d "$SHUNT_ROOT/shunt_test_stack1/vmlinux/cmdline_proc_show,1" || fail "function directory missing"
assert_match "$(shunt list)" "shunt_test_stack1 +shunt +applied .*redirect=kprobe" "shunt list"
rmmod shunt_test_stack1 2>/dev/null && fail "patch module removable while applied"
assert_match "$(cat /sys/kernel/debug/kprobes/list)" "cmdline_proc_show\+0x[0-9a-f]+ +\[FTRACE\]" "kprobe on ftrace"
shunt_ok apply --redirect=kprobe $M/shunt_test_stack3.ko
assert_eq "$(cat /proc/cmdline)" "cmdline: stack3" "stacked by kprobe"
assert_eq "$(head -c 16 /proc/version)" "version: stack1" "version from the bottom patch"
shunt_fails "shunt_test_stack3.*cmdline_proc_show" revert shunt_test_stack1
assert_eq "$(cat /proc/cmdline)" "cmdline: stack3" "unchanged after the refusal"
shunt_fails "redirected by shunt with kprobe; a patch using ftrace cannot stack on it" apply $M/shunt_sample_cmdline.ko
module_loaded shunt_sample_cmdline && fail "refused module left loaded"
shunt_ok revert shunt_test_stack3
assert_eq "$(cat /proc/cmdline)" "cmdline: stack1" "bottom again"
shunt_ok revert shunt_test_stack1
assert_eq "$(cat /proc/cmdline)" "$orig" "original"
assert_eq "$(head -c 13 /proc/version)" "Linux version" "version original"
module_loaded shunt_test_stack1 && fail "stack1 left loaded"
assert_no_shunt_patches
[ -z "$(grep cmdline_proc_show /sys/kernel/debug/kprobes/list)" ] || fail "kprobe left"

say "kprobes disarmed: the kprobe redirection is refused, and a patch it holds is shown as not in effect"
K=/sys/kernel/debug/kprobes/enabled
trap 'echo 1 > $K 2>/dev/null' EXIT
echo 0 > $K || fail "disarm kprobes"
shunt_fails "--redirect=kprobe would not take effect: kprobes are disarmed \(/sys/kernel/debug/kprobes/enabled is 0\)" \
	apply --no-metrics --redirect=kprobe $M/shunt_test_stack1.ko
module_loaded shunt_test_stack1 && fail "module loaded although refused"
echo 1 > $K
shunt_ok apply --no-metrics --redirect=kprobe $M/shunt_test_stack1.ko
echo 0 > $K
assert_match "$(shunt list)" "shunt_test_stack1 +shunt +applied .*redirect=kprobe NOT-IN-EFFECT\(kprobes disarmed\)" "shunt list says the patch is not in effect"
assert_klog "Kprobes globally disabled" "the kernel says it too"
echo 1 > $K
assert_no_match "$(shunt list)" "NOT-IN-EFFECT" "in effect again once re-armed"
shunt_ok revert shunt_test_stack1
