# TEST: shunt apply/revert of the sample: the effect shows, sysfs mirrors livepatch, module pinned then removable; the same .ko still works with insmod
M=$SHUNT_MODULES
P=$SHUNT_ROOT/shunt_sample_cmdline
orig=$(cat /proc/cmdline)
# without BPF metrics: their fentry trampoline would share the ftrace site (case 35)
shunt_ok apply --no-metrics $M/shunt_sample_cmdline.ko
assert_match "$(cat /tmp/shunt.out)" "applied shunt_sample_cmdline \(consistency per-task, redirect ftrace\)" "apply output"
assert_match "$(cat /tmp/shunt.out)" "vmlinux: cmdline_proc_show,1 -> sample_cmdline_proc_show" "apply names the function"
assert_eq "$(cat /proc/cmdline)" "patched: shunt_sample_cmdline" "/proc/cmdline while patched"
assert_eq "$(patch_attr shunt_sample_cmdline enabled)" 1 "enabled"
assert_eq "$(patch_attr shunt_sample_cmdline transition)" 0 "transition"
assert_eq "$(patch_attr shunt_sample_cmdline consistency)" per-task "consistency"
assert_eq "$(patch_attr shunt_sample_cmdline redirect)" ftrace "redirect"
assert_eq "$(cat $P/vmlinux/patched)" 1 "vmlinux/patched"
test -d "$P/vmlinux/cmdline_proc_show,1" || fail "function directory missing"
assert_eq "$(ls -A "$P/vmlinux/cmdline_proc_show,1")" "" "no files in the function directory (as in klp's)"
assert_eq "$(cat $P/funcs)" "vmlinux:cmdline_proc_show,1 0 sample_cmdline_proc_show [shunt_sample_cmdline]" "funcs: the function, not immediate, its replacement"
old=$(awk '$3 == "cmdline_proc_show" { print $1; exit }' /proc/kallsyms)
new=$(awk '$3 == "sample_cmdline_proc_show" { print $1; exit }' /proc/kallsyms)
assert_match "$(cat $P/addrs)" "^vmlinux:cmdline_proc_show,1 0x$old +[1-9][0-9]* 0x[0-9a-f]{16} 0x$new +[1-9][0-9]* 1\$" "addrs: kallsyms' addresses, sizes, direct"
body=$(awk '{ print $4 }' $P/addrs)
[ $((body)) -gt $((0x$old)) ] && [ $((body)) -le $((0x$old + 16)) ] || fail "old_body $body not just past 0x$old"
assert_eq "$(awk '{ print $1, $2, $3 }' $P/calls)" "vmlinux:cmdline_proc_show,1 1 0" "calls: the one read of /proc/cmdline, new"
assert_eq "$(patch_attr shunt_sample_cmdline state)" applied "state"
assert_eq "$(patch_attr shunt_sample_cmdline seq)" 1 "seq"
test ! -e /sys/kernel/livepatch/shunt_sample_cmdline || fail "shunt patch shows in /sys/kernel/livepatch"
assert_eq $(( $(cat /proc/sys/kernel/tainted) & 32768 )) 32768 "TAINT_LIVEPATCH"
assert_match "$(shunt list)" "^shunt_sample_cmdline +shunt +applied" "shunt list"
assert_match "$(shunt list --json)" '"name":"shunt_sample_cmdline","backend":"shunt"' "shunt list --json"
shunt show shunt_sample_cmdline > /tmp/show || fail "shunt show"
assert_match "$(cat /tmp/show)" "cmdline_proc_show,1 -> sample_cmdline_proc_show" "shunt show names the function"
assert_match "$(cat /sys/module/shunt_sample_cmdline/refcnt)" "^[1-9]" "the patch module is referenced"
assert_match "$(grep -A1 cmdline_proc_show /sys/kernel/tracing/enabled_functions)" "direct-->shunt_direct_tramp" "a direct call on the function"
assert_klog "shunt: 'shunt_sample_cmdline': patching complete" "patching message"
test -d /sys/kernel/tracing/events/shunt/shunt_patch_enable || fail "shunt tracepoints not in tracefs"
rmmod shunt_sample_cmdline 2>/dev/null && fail "patch module removable while applied"
shunt_ok revert shunt_sample_cmdline
assert_match "$(cat /tmp/shunt.out)" "reverted shunt_sample_cmdline; module removed" "revert output"
assert_eq "$(cat /proc/cmdline)" "$orig" "/proc/cmdline after revert"
module_loaded shunt_sample_cmdline && fail "module still loaded"
assert_no_shunt_patches
assert_klog "shunt: 'shunt_sample_cmdline': module released" "release message"
[ -z "$(grep cmdline_proc_show /sys/kernel/tracing/enabled_functions)" ] || fail "ftrace ops left on cmdline_proc_show"

say "the same module, unclaimed, goes to the kernel's livepatch with shunt.ko loaded"
load_module shunt_sample_cmdline || fail "insmod"
wait_eq 30 /sys/kernel/livepatch/shunt_sample_cmdline/transition 0
assert_eq "$(cat /proc/cmdline)" "patched: shunt_sample_cmdline" "/proc/cmdline under klp"
assert_match "$(shunt list)" "^shunt_sample_cmdline +klp" "shunt list shows the klp patch"
test ! -d $P || fail "klp patch shows up under shunt"
assert_no_shunt_patches
echo 0 > /sys/kernel/livepatch/shunt_sample_cmdline/enabled
wait_for 30 "klp unpatching" test ! -d /sys/kernel/livepatch/shunt_sample_cmdline
assert_eq "$(cat /proc/cmdline)" "$orig" "/proc/cmdline after the klp patch is disabled"
rmmod shunt_sample_cmdline || fail "rmmod after klp disable"
