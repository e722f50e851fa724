# TEST: direct calls: in steady state a patched function's ftrace call is a direct call to shunt's trampoline with --no-metrics (the ftrace_ops handler with the default metrics, alone, and with --latency, shared with a BPF trampoline); during a transition the trampoline itself sends switched tasks to the new code (no call to shunt_direct_slow()); transitions through it keep old and new unmixed, and revert leaves nothing on the function
# TIMEOUT: 300
M=$SHUNT_MODULES
orig=$(cat /proc/cmdline)
# a function's lines: the site, then "direct-->" for a direct call
ef() { grep -A1 "^$1 " /sys/kernel/tracing/enabled_functions | grep -v -- "^--"; }

say "--no-metrics: a direct call"
shunt_ok apply --no-metrics $M/shunt_sample_cmdline.ko
assert_eq "$(cat /proc/cmdline)" "patched: shunt_sample_cmdline" "patched by direct call"
assert_match "$(ef cmdline_proc_show)" "direct-->shunt_direct_tramp" "direct call on the function"
case "$(ef cmdline_proc_show)" in *shunt_ftrace_handler*) fail "the handler is also on it: $(ef cmdline_proc_show)";; esac
shunt_ok revert shunt_sample_cmdline
assert_eq "$(cat /proc/cmdline)" "$orig" "original after revert"
[ -z "$(ef cmdline_proc_show)" ] || fail "ftrace left on cmdline_proc_show: $(ef cmdline_proc_show)"

say "default metrics: the IPMODIFY handler alone (the shim counts the calls there)"
shunt_ok apply $M/shunt_sample_cmdline.ko
assert_eq "$(cat /proc/cmdline)" "patched: shunt_sample_cmdline" "patched by the handler"
assert_match "$(ef cmdline_proc_show | head -n 1)" "^cmdline_proc_show \(1\) +I " "one ftrace user: the IPMODIFY handler"
case "$(ef cmdline_proc_show)" in *"direct-->"*) fail "a direct call with the default metrics: $(ef cmdline_proc_show)";; esac
assert_eq "$(awk '{print $2, $3}' $SHUNT_ROOT/shunt_sample_cmdline/calls)" "1 0" "the handler counted the one call"
shunt_ok revert shunt_sample_cmdline
[ -z "$(ef cmdline_proc_show)" ] || fail "ftrace left on cmdline_proc_show: $(ef cmdline_proc_show)"

if on_kernel 6.1; then
	say "6.1: no --latency (no BPF metrics there), nothing to share the site with"
else
	say "--latency's fentry on the original: the IPMODIFY handler, which a BPF trampoline shares"
	shunt_ok apply --latency $M/shunt_sample_cmdline.ko
	assert_eq "$(cat /proc/cmdline)" "patched: shunt_sample_cmdline" "patched by the handler"
	# the handler and the metrics' BPF trampoline share the site (list function)
	assert_match "$(ef cmdline_proc_show | head -n 1)" " R I D " "IPMODIFY handler and a direct BPF trampoline on the function"
	assert_match "$(ef cmdline_proc_show)" "direct-->bpf_trampoline" "the BPF trampoline is the direct call"
	shunt_ok revert shunt_sample_cmdline
	[ -z "$(ef cmdline_proc_show)" ] || fail "ftrace left on cmdline_proc_show: $(ef cmdline_proc_show)"
fi

say "exclusive both ways with the kernel's livepatch"
shunt_ok apply --no-metrics $M/shunt_test_stack1.ko
assert_match "$(ef cmdline_proc_show)" "direct-->shunt_direct_tramp" "direct call on the function"
load_module shunt_sample_cmdline 2>/tmp/insmod.err && fail "klp patch loaded over shunt's direct call"
assert_match "$(cat /tmp/insmod.err)" "Device or resource busy" "klp insmod fails with EBUSY"
module_loaded shunt_sample_cmdline && fail "klp module left loaded"
assert_eq "$(cat /proc/cmdline)" "cmdline: stack1" "shunt patch intact"
shunt_ok revert shunt_test_stack1
load_module shunt_sample_cmdline || fail "klp insmod"
wait_eq 30 /sys/kernel/livepatch/shunt_sample_cmdline/transition 0
shunt_fails "function 'cmdline_proc_show' is already redirected .*held by kernel livepatch 'shunt_sample_cmdline'" apply --no-metrics $M/shunt_test_stack1.ko
module_loaded shunt_test_stack1 && fail "stack1 left loaded"
assert_eq "$(head -c 8 /proc/version)" "Linux ve" "version_proc_show not half-patched"
[ -z "$(ef version_proc_show)" ] || fail "ftrace left on version_proc_show: $(ef version_proc_show)"
echo 0 > /sys/kernel/livepatch/shunt_sample_cmdline/enabled
wait_for 30 "klp disable" test ! -d /sys/kernel/livepatch/shunt_sample_cmdline
rmmod shunt_sample_cmdline
assert_no_shunt_patches

say "a transition held open: the trampoline picks each task's version itself, asking C only for a task it does not know"
load_module shunt_test_busy pair_calls=20 || fail "insmod shunt_test_busy"
busy_hold 1
wait_for 5 "the kthread to sleep in the original" sh -c 'dmesg | grep -q "sleeping in shunt_busy_sleep (original)"'
shunt_ok apply --no-wait --no-metrics $M/shunt_test_pair_held_patch.ko
assert_eq "$(patch_attr shunt_test_pair_held_patch transition)" 1 "the kthread holds the transition"
assert_match "$(ef shunt_pair_a)" "direct-->shunt_direct_tramp" "direct call during the transition"
# shunt_direct_slow() is notrace: a kprobe of our own counts its calls
load_module shunt_test_kcount symbol=shunt_direct_slow || fail "insmod shunt_test_kcount"
# new processes, switched with the shell they come from: known states
rm -f /tmp/held.pairs
for i in 1 2 3 4 5 6 7 8 9 10; do cat /proc/shunt_test_pair >> /tmp/held.pairs; done
slow=$(cat /sys/module/shunt_test_kcount/parameters/hits)
rmmod shunt_test_kcount
pairs_tally /tmp/held.pairs
assert_eq "$old $new $mixed" "0 200 0" "switched readers ran the new pair"
assert_eq "$slow" 0 "calls that asked shunt_direct_slow()"
counted=$(awk '$1 ~ /:shunt_pair_a,/ { print $2 }' $SHUNT_ROOT/shunt_test_pair_held_patch/calls)
[ "${counted:-0}" -ge 200 ] || fail "the trampoline counted ${counted:-no} new calls of shunt_pair_a, the readers made 200"
assert_eq "$(patch_attr shunt_test_pair_held_patch transition)" 1 "still in transition"
busy_hold 0
wait_eq 30 $SHUNT_ROOT/shunt_test_pair_held_patch/transition 0
shunt_ok revert shunt_test_pair_held_patch
module_loaded shunt_test_pair_held_patch && fail "patch module left loaded"

say "transitions through the trampoline: pairs never mixed"
pair_after_apply() {
	[ "$1" = 0 ] || return 0
	grep -q 'direct-->shunt_direct_tramp' /sys/kernel/tracing/enabled_functions || fail "no direct call: $(cat /sys/kernel/tracing/enabled_functions)"
}
pair_readers 3
for model in per-task stop-machine; do
	[ $model = stop-machine ] && echo 0 > /sys/module/shunt_test_busy/parameters/pair_sleep
	pair_cycles 5 --no-metrics --consistency=$model --stop-retries=20
done
pair_readers_stop
assert_eq "$mixed" 0 "mixed old/new pairs"
[ "$old" -gt 0 ] && [ "$new" -gt 0 ] || fail "the readers did not see both versions"
assert_no_shunt_patches
