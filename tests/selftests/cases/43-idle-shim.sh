# TEST: an idle shim is no ftrace user: with shunt.ko loaded and nothing claimed or applied, kernel.ftrace_enabled=0 works (as with the kernel's livepatch idle); shunt apply then fails saying ftrace is disabled; with a patch applied the sysctl is refused, as under the kernel's livepatch
M=$SHUNT_MODULES
F=/proc/sys/kernel/ftrace_enabled
restore_ftrace() { echo 1 > $F; }
insmod "$SHUNT_KO" 2>/dev/null
test -d /sys/kernel/shunt || fail "shunt.ko not loaded"
[ -z "$(grep -E 'klp_enable_patch|klp_get_prev_state' /sys/kernel/tracing/enabled_functions)" ] || fail "idle shim hooks klp_enable_patch: $(cat /sys/kernel/tracing/enabled_functions)"
echo 0 > $F || fail "kernel.ftrace_enabled=0 refused with an idle shim"
assert_eq "$(cat $F)" 0 "ftrace disabled"
shunt_fails "ftrace is disabled \(sysctl kernel.ftrace_enabled=0\)" apply --no-metrics $M/shunt_sample_cmdline.ko
module_loaded shunt_sample_cmdline && { restore_ftrace; fail "module loaded although the claim failed"; }
assert_klog "cannot redirect klp_enable_patch: -16 \(ftrace disabled by kernel.ftrace_enabled=0, or another IPMODIFY user\)" "shim names the cause"
restore_ftrace
assert_no_shunt_patches

say "a shunt patch holds ftrace, as a kernel livepatch does"
shunt_ok apply --no-metrics $M/shunt_sample_cmdline.ko
assert_match "$(grep klp_enable_patch /sys/kernel/tracing/enabled_functions)" "shunt_route_enable" "the routing hook is armed while a patch exists"
echo 0 > $F 2>/dev/null && { restore_ftrace; fail "kernel.ftrace_enabled=0 accepted while a shunt patch is applied"; }
assert_eq "$(cat $F)" 1 "ftrace still enabled"
shunt_ok revert shunt_sample_cmdline
wait_for 10 "the routing hooks to go" sh -c '! grep -qE "klp_enable_patch|klp_get_prev_state" /sys/kernel/tracing/enabled_functions'

say "the same under the kernel's livepatch"
load_module shunt_sample_cmdline || fail "insmod"
wait_eq 30 /sys/kernel/livepatch/shunt_sample_cmdline/transition 0
echo 0 > $F 2>/dev/null && { restore_ftrace; fail "kernel.ftrace_enabled=0 accepted under a kernel livepatch"; }
echo 0 > /sys/kernel/livepatch/shunt_sample_cmdline/enabled
wait_for 30 "klp unpatching" test ! -d /sys/kernel/livepatch/shunt_sample_cmdline
rmmod shunt_sample_cmdline || fail "rmmod"
echo 0 > $F || fail "kernel.ftrace_enabled=0 refused once both are idle"
restore_ftrace
