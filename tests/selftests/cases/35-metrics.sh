# TEST: metrics: by default the shim's call counters and BPF old-body and transition probes only (named programs, none on the call path: no BPF trampoline or kprobe at the original's or the new function's entry), --latency adds the per-call probes (new functions by kprobe: the patch module is not held); all gone after revert; exact new-call counts and zero old-body runs after the transition with the default, --latency (fentry) and --probe=kprobe; plain and JSON reports agree and say what measured what
# TIMEOUT: 400
on_kernel 6.1 && skip "6.1: no BPF metrics: its ftrace cannot share a function between BPF probes and an IPMODIFY ftrace_ops (the default apply uses the shim's call counters alone there: case 38)"
M=$SHUNT_MODULES
B=/sys/fs/bpf/shunt
N=37

# plain_calls FILE FUNC VERSION: the call count the plain report gives
plain_calls() {
	awk -v fn="$2" -v ver="$3" '
		/^  [^ ].*: in the old body now:/ { cur = $1; sub(/:$/, "", cur) }
		$1 == ver ":" && cur ~ ("^shunt_test_busy:" fn ",") { print $2 }' "$1"
}

# ef FUNC: the function's lines in enabled_functions
ef() { grep -A1 "^$1 " /sys/kernel/tracing/enabled_functions | grep -v -- "^--"; }

# check_counts PROBE: N calls of each pair function, all new, no old body
# (PROBE "shim": the default, the shim's counters; else --probe=PROBE)
check_counts() {
	local probe=$1 out js f opt=--probe=$1
	[ $probe = shim ] && opt=
	shunt_ok apply $opt $M/shunt_test_pair_patch.ko
	assert_match "$(cat /tmp/shunt.out)" "metrics: 2 function\(s\), $2" "$probe: metrics attached"
	out=$(cat /proc/shunt_test_pair)
	assert_eq "$out" "old 0 new $N mixed 0" "$probe: the workload ran the new pair $N times"
	shunt report shunt_test_pair_patch > /tmp/report.txt || fail "shunt report"
	shunt report shunt_test_pair_patch --json > /tmp/report.json || fail "shunt report --json"
	sed 's/^/#   /' /tmp/report.txt
	for f in shunt_pair_a shunt_pair_b; do
		idx=$(awk -f $SHUNT_TESTS/json.awk /tmp/report.json | grep "^functions\.[0-9]*\.name=shunt_test_busy:$f," | cut -d. -f2)
		[ -n "$idx" ] || fail "$probe: $f missing from the JSON report"
		js=$(json_get /tmp/report.json functions.$idx.new.calls)
		assert_eq "$js" $N "$probe: JSON new calls of $f"
		assert_eq "$(json_get /tmp/report.json functions.$idx.shim.new)" $N "$probe: the shim's counter of $f"
		assert_eq "$(json_get /tmp/report.json functions.$idx.shim.old)" 0 "$probe: the shim let no call of $f go to the old code"
		assert_eq "$(awk -v l=shunt_test_busy:$f,1 '$1 == l { print $2, $3 }' $SHUNT_ROOT/shunt_test_pair_patch/calls)" "$N 0" "$probe: sysfs calls of $f"
		assert_eq "$(json_get /tmp/report.json functions.$idx.old.calls)" 0 "$probe: JSON old calls of $f"
		if [ $probe = shim ]; then
			assert_eq "$(json_get /tmp/report.json functions.$idx.new.counted_by)" shim "$probe: new calls of $f counted by the shim"
			assert_eq "$(json_get /tmp/report.json functions.$idx.new.latency.count)" "" "$probe: no latency of $f without --latency"
		else
			assert_eq "$(json_get /tmp/report.json functions.$idx.new.calls_after)" $N "$probe: $f new calls after the transition"
			assert_eq "$(json_get /tmp/report.json functions.$idx.new.latency.count)" $N "$probe: latencies of $f"
		fi
		assert_eq "$(plain_calls /tmp/report.txt $f new)" "$js" "$probe: plain report new calls of $f = JSON's"
		assert_eq "$(plain_calls /tmp/report.txt $f old)" 0 "$probe: plain report old calls of $f"
	done
	assert_eq "$(json_get /tmp/report.json mode)" "$3" "$probe: the report's mode"
	assert_eq "$(json_get /tmp/report.json old_body_after_completion)" 0 "$probe: old-body runs after completion"
	assert_eq "$(json_get /tmp/report.json phase)" after "$probe: phase"
	assert_match "$(cat /tmp/report.txt)" "old-body executions after the transition completed: 0" "$probe: plain report says 0"
	shunt_ok revert shunt_test_pair_patch
	assert_match "$(cat /tmp/shunt.out)" "metrics of shunt_test_pair_patch removed" "$probe: revert removes the metrics"
	test ! -e $B/shunt_test_pair_patch || fail "$probe: metrics still pinned after revert"
}

load_module shunt_test_busy pair_sleep=0 pair_calls=$N || fail "insmod shunt_test_busy"

say "default metrics: named programs, none on the call path"
shunt_ok apply $M/shunt_sample_cmdline.ko
assert_match "$(cat /tmp/shunt.out)" "metrics: 1 function\(s\), call counters in the shim, BPF old-body probes" "the apply says what it attached"
bpftool prog show > /tmp/progs
for p in shunt_old_body shunt_tp_start shunt_tp_end shunt_tp_switch shunt_tp_stop shunt_blockers; do
	grep -q "name $p " /tmp/progs || fail "bpftool prog show lacks $p"
done
for p in shunt_old_entry shunt_old_exit shunt_kold_in shunt_kold_out shunt_knew_in shunt_knew_out; do
	grep -q "name $p " /tmp/progs && fail "default metrics loaded the per-call program $p"
done
# the handler alone on the original: no BPF trampoline, no second ftrace user
ef cmdline_proc_show | sed 's/^/#   /'
assert_match "$(ef cmdline_proc_show | head -n 1)" "^cmdline_proc_show \(1\) " "one ftrace user on the original: the IPMODIFY handler"
case "$(ef cmdline_proc_show)" in *bpf_trampoline*|*"direct-->"*) fail "a BPF trampoline on the original's entry: $(ef cmdline_proc_show)";; esac
# the one kprobe: past the ftrace call, where only the old body runs
sed 's/^/#   /' /sys/kernel/debug/kprobes/list
assert_match "$(cat /sys/kernel/debug/kprobes/list)" "^[0-9a-f]+ +k +cmdline_proc_show\+0x[0-9a-f]+ " "the old-body kprobe inside the original"
assert_eq "$(grep -c . /sys/kernel/debug/kprobes/list)" 1 "no other kprobe (none on the new function)"
say "ok: 6 named programs, nothing on the call path"
shunt_ok revert shunt_sample_cmdline

say "--latency: programs and maps while applied, none after revert"
shunt_ok apply --latency $M/shunt_sample_cmdline.ko
bpftool prog show > /tmp/progs
# new functions are patch-module code: kprobes, which do not hold the module
for p in shunt_old_entry shunt_old_exit shunt_knew_in shunt_knew_out shunt_old_body \
	 shunt_tp_start shunt_tp_end shunt_tp_switch shunt_tp_stop shunt_blockers; do
	grep -q "name $p " /tmp/progs || fail "bpftool prog show lacks $p"
done
say "ok: bpftool prog show lists the 10 shunt programs"
assert_eq "$(cat /sys/module/shunt_sample_cmdline/refcnt)" 1 "only the shim holds the patch module (no BPF trampoline on its code)"
bpftool map show > /tmp/maps
for m in calls funcs events violations oldtasks ranges; do
	grep -q "name $m " /tmp/maps || fail "bpftool map show lacks $m"
	test -e $B/shunt_sample_cmdline/$m || fail "map $m not pinned"
done
say "ok: maps listed and pinned"
test -e $B/shunt_sample_cmdline/f0_old_body || fail "old-body link not pinned"
shunt_ok revert shunt_sample_cmdline
bpftool prog show > /tmp/progs
grep -q "name shunt_" /tmp/progs && fail "shunt programs left after revert: $(grep 'name shunt_' /tmp/progs)"
bpftool map show | grep -qE "name (calls|funcs|events|violations|oldtasks|ranges) " && fail "shunt maps left after revert"
test -z "$(ls $B 2>/dev/null)" || fail "pinned left: $(ls $B)"
say "ok: nothing left after revert"

say "--no-metrics attaches nothing; the report has the shim's counters alone"
shunt_ok apply --no-metrics $M/shunt_sample_cmdline.ko
assert_no_match "$(cat /tmp/shunt.out)" "metrics" "--no-metrics prints no metrics"
bpftool prog show | grep -q "name shunt_" && fail "--no-metrics loaded BPF programs"
test ! -e $B/shunt_sample_cmdline || fail "--no-metrics pinned metrics"
cat /proc/cmdline /proc/cmdline > /dev/null
shunt report shunt_sample_cmdline --json > /tmp/nm.json || fail "report of a --no-metrics patch"
assert_eq "$(json_get /tmp/nm.json mode)" counters-only "no BPF: the shim's counters alone"
assert_eq "$(json_get /tmp/nm.json functions.0.new.calls)" 2 "the shim counted the 2 reads"
shunt_ok revert shunt_sample_cmdline
shunt_fails "no metrics pinned in .* and no shunt patch of that name" report shunt_sample_cmdline

say "exact counts, default: the shim's counters"
check_counts shim "call counters in the shim, BPF old-body probes" counters
say "exact counts, --latency, fentry/fexit"
check_counts fentry "latency: fentry/fexit" latency
say "exact counts, kprobe/kretprobe: the same"
check_counts kprobe "latency: kprobe/kretprobe" latency

say "a new function whose name another patch module has too: probed by address, --strict applies"
shunt_ok apply --no-metrics $M/shunt_test_stack1.ko
# stack2's stack_version_show is also in stack1's BTF (libbpf would search it
# first); new functions get kprobes by address, so nothing is missing
shunt_ok apply --latency --strict $M/shunt_test_stack2.ko
assert_match "$(cat /tmp/shunt.out)" "metrics: 2 function\(s\), latency: fentry/fexit on vmlinux's originals, kprobe/kretprobe on the new functions, [0-9]+ probe\(s\) pinned in [^ ]*$" "every probe attached"
test -e $B/shunt_test_stack2/f0_knew_in && test -e $B/shunt_test_stack2/f1_knew_in || fail "a new-function probe is missing: $(ls $B/shunt_test_stack2)"
shunt_ok revert shunt_test_stack2
shunt_ok revert shunt_test_stack1

say "kprobe metrics are gone when revert returns: apply again at once, 4 times"
for i in 1 2 3 4; do
	shunt apply --probe=kprobe $M/shunt_test_pair_patch.ko > /tmp/k.out 2>&1 || fail "kprobe apply $i right after a revert: $(cat /tmp/k.out)"
	shunt revert shunt_test_pair_patch > /tmp/k.out 2>&1 || fail "revert $i: $(cat /tmp/k.out)"
	grep -q "shunt_pair" /sys/kernel/debug/kprobes/list && fail "kprobes left after revert $i: $(cat /sys/kernel/debug/kprobes/list)"
done
say "ok: 4 kprobe apply/revert cycles back to back"

say "report --interval: one JSON object per interval, timestamped"
shunt_ok apply $M/shunt_test_pair_patch.ko
( sleep 1; cat /proc/shunt_test_pair > /dev/null ) &
shunt report shunt_test_pair_patch --interval 0.7 --count 3 --json > /tmp/intervals || fail "report --interval"
wait
assert_eq "$(wc -l < /tmp/intervals)" 3 "three intervals"
total=0
i=1
while [ $i -le 3 ]; do
	sed -n "${i}p" /tmp/intervals > /tmp/one.json
	assert_match "$(json_get /tmp/one.json time)" "^[0-9]{4}-[0-9]{2}-[0-9]{2}T" "interval $i timestamp"
	for f in 0 1; do
		n=$(json_get /tmp/one.json functions.$f.new.calls)
		total=$((total + n))
	done
	i=$((i + 1))
done
assert_eq $total $((2 * N)) "new calls over the intervals: one read of $N pairs"
shunt_ok revert shunt_test_pair_patch
assert_no_shunt_patches

say "transition events: seen from the start, stop_machine stalls counted"
shunt_ok apply --consistency=stop-machine $M/shunt_test_pair_patch.ko
shunt report shunt_test_pair_patch --json > /tmp/sm.json || fail "report"
assert_eq "$(json_get /tmp/sm.json stop_machine_stall.count)" 1 "one stop_machine stall seen by BPF"
assert_eq "$(json_get /tmp/sm.json switched.all)" 0 "stop-machine switches every task at once, none one by one"
[ "$(json_get /tmp/sm.json transition_ns)" -gt 0 ] || fail "no transition duration"
shunt_ok revert shunt_test_pair_patch
shunt_ok apply $M/shunt_test_pair_patch.ko
shunt report shunt_test_pair_patch --json > /tmp/pt.json || fail "report"
sw=$(awk -f $SHUNT_TESTS/json.awk /tmp/pt.json | grep '^switched\.' | cut -d= -f2 | awk '{s += $1} END {print s}')
[ "$sw" -gt 0 ] || fail "per-task: no task switch seen by BPF"
assert_eq "$(json_get /tmp/pt.json switch_latency.count)" "$sw" "one switch latency per switch"
say "ok: per-task: $sw task switches seen from the start"
shunt_ok revert shunt_test_pair_patch
assert_no_shunt_patches
