# TEST: the shim's call counters (/sys/kernel/shunt/<patch>/calls), on every kernel: exactly the calls made, with the default apply (ftrace_ops handler), --no-metrics (the direct-call trampoline), --no-direct and --redirect=kprobe; stacked patches each count the calls made while they were the newest; calls an unswitched task makes are counted as old; shunt report and show print them and say what measured what; on 6.1 the default apply uses them alone and --latency is refused
# TIMEOUT: 400
M=$SHUNT_MODULES
S=shunt_sample_cmdline

# calls PATCH LABEL: "NEW OLD" of the function in PATCH's calls file
calls() { awk -v l="$2" '$1 == l { print $2, $3 }' $SHUNT_ROOT/$1/calls; }

# reads N FILE: read FILE N times
reads() {
	local i=0
	while [ $i -lt $1 ]; do cat $2 > /dev/null; i=$((i + 1)); done
}

# ef FUNC: the function's lines in enabled_functions
ef() { grep -A1 "^$1 " /sys/kernel/tracing/enabled_functions | grep -v -- "^--"; }

say "the calls file: one line per function, nothing counted before a call"
shunt_ok apply --no-metrics $M/shunt_test_stack1.ko
assert_eq "$(awk '{ print $1, $2, $3, NF }' $SHUNT_ROOT/shunt_test_stack1/calls)" "vmlinux:cmdline_proc_show,1 0 0 3
vmlinux:version_proc_show,1 0 0 3" "calls of a fresh patch"
# the counters right-aligned in 20 columns: a line keeps its length
assert_eq "$(awk '{ print length($0) - length($1) }' $SHUNT_ROOT/shunt_test_stack1/calls)" "42
42" "calls: fixed-width counters"
shunt_ok revert shunt_test_stack1

for opts in "" "--no-metrics" "--no-direct --no-metrics" "--redirect=kprobe --no-metrics"; do
	say "exact counts: apply ${opts:-(default)}"
	shunt_ok apply $opts $M/$S.ko
	if [ "$opts" = --no-metrics ]; then
		assert_match "$(ef cmdline_proc_show)" "direct-->shunt_direct_tramp" "counted in the direct-call trampoline"
	fi
	c0=$(calls $S vmlinux:cmdline_proc_show,1)
	reads 7 /proc/cmdline
	c1=$(calls $S vmlinux:cmdline_proc_show,1)
	assert_eq "$(( ${c1% *} - ${c0% *} )) ${c1#* }" "7 0" "${opts:-default}: 7 reads, 7 new calls, no old one"
	reads 1000 /proc/cmdline
	c2=$(calls $S vmlinux:cmdline_proc_show,1)
	assert_eq "$(( ${c2% *} - ${c1% *} ))" 1000 "${opts:-default}: 1000 more"
	shunt_ok revert $S
done

say "stacked patches: each counts the calls made while it was the newest"
shunt_ok apply --no-metrics $M/shunt_test_stack1.ko
reads 3 /proc/cmdline
shunt_ok apply --no-metrics $M/shunt_test_stack3.ko
reads 4 /proc/cmdline
reads 2 /proc/loadavg
assert_eq "$(calls shunt_test_stack1 vmlinux:cmdline_proc_show,1)" "3 0" "stack1: its 3 calls, none of stack3's"
assert_eq "$(calls shunt_test_stack3 vmlinux:cmdline_proc_show,1)" "4 0" "stack3: the 4 since it came"
assert_eq "$(calls shunt_test_stack3 vmlinux:loadavg_proc_show,1)" "2 0" "stack3's loadavg"
shunt_ok revert shunt_test_stack3
reads 5 /proc/cmdline
assert_eq "$(calls shunt_test_stack1 vmlinux:cmdline_proc_show,1)" "8 0" "stack1 counts again once it is the newest"
shunt_ok revert shunt_test_stack1

say "a transition held open: the unswitched kthread's calls are old, a switched reader's new"
busy_load_held
echo 5 > /sys/module/shunt_test_busy/parameters/tick_calls
P=shunt_test_tick_patch
T=shunt_test_busy:shunt_busy_tick,1
shunt_ok apply --no-wait --no-metrics $M/$P.ko
wait_for 10 "one task left to switch" sh -c "grep -qx 'pending 1' $SHUNT_ROOT/$P/stats"
assert_eq "$(cat /proc/shunt_test_tick)" 10 "a switched reader gets the new tick"
sleep 1
c=$(calls $P $T)
assert_eq "${c% *}" 5 "the reader's 5 calls are new"
[ "${c#* }" -ge 10 ] || fail "the held kthread's old calls: ${c#* } in 1 s (it calls every 20 ms)"
say "ok: during the transition: new ${c% *}, old ${c#* }"
busy_hold 0
wait_eq 20 $SHUNT_ROOT/$P/transition 0
c1=$(calls $P $T)
reads 3 /proc/shunt_test_tick
c2=$(calls $P $T)
# the kthread's own calls (every 20 ms) are new now too: at least the 15
[ $(( ${c2% *} - ${c1% *} )) -ge 15 ] || fail "after the transition: $(( ${c2% *} - ${c1% *} )) new calls for 3 reads of 5"
shunt_ok revert $P
rmmod shunt_test_busy || fail "rmmod shunt_test_busy"

say "report and show print the counters and say what measured them"
shunt_ok apply $M/$S.ko
if on_kernel 6.1; then
	assert_match "$(cat /tmp/shunt.out)" "no BPF metrics on this kernel: .*the shim's call counters only" "6.1: the default apply says it counts in the shim only"
fi
reads 4 /proc/cmdline
shunt report $S --json > /tmp/r.json || fail "shunt report --json"
assert_eq "$(json_get /tmp/r.json functions.0.shim.new)" 4 "report: the shim's 4 new calls"
assert_eq "$(json_get /tmp/r.json functions.0.new.calls)" 4 "report: new calls are the shim's"
assert_eq "$(json_get /tmp/r.json functions.0.new.counted_by)" shim "report: counted by the shim"
if on_kernel 6.1; then
	assert_eq "$(json_get /tmp/r.json mode)" counters-only "6.1: the shim's counters alone"
	test -e /sys/fs/bpf/shunt/$S && fail "6.1: BPF pinned by the default apply"
else
	assert_eq "$(json_get /tmp/r.json mode)" counters "6.12: counters and BPF old-body probes"
fi
shunt report $S > /tmp/r.txt || fail "shunt report"
sed 's/^/#   /' /tmp/r.txt
assert_match "$(cat /tmp/r.txt)" "measured by the shim's call counters" "the plain report says what measured it"
assert_match "$(cat /tmp/r.txt)" "new: 4 calls" "the plain report's new calls"
shunt show $S > /tmp/show.txt || fail "shunt show"
assert_match "$(cat /tmp/show.txt)" "vmlinux:cmdline_proc_show,1: calls routed by the shim: 4 to the new function, 0 to the code below" "shunt show prints the counters"
shunt_ok revert $S

if on_kernel 6.1; then
	say "6.1: --latency is refused in one line, nothing applied"
	shunt_fails "--latency is not available on this kernel: its ftrace cannot share a function between BPF probes and an IPMODIFY ftrace_ops" apply --latency $M/$S.ko
	assert_eq "$(wc -l < /tmp/shunt.err)" 1 "one line"
	module_loaded $S && fail "$S loaded although --latency was refused"
fi
assert_no_shunt_patches
