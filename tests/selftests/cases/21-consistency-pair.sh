# TEST: consistency under load: threads calling old-or-new pairs of nested functions never see old and new mixed, across repeated per-task and stop-machine apply/revert cycles, with and without the default BPF metrics
# TIMEOUT: 600
M=$SHUNT_MODULES
switch_trace_clear
load_module shunt_test_busy pair_calls=20 || fail "insmod shunt_test_busy"
pair_after_apply() { switch_trace 1; }
pair_readers 4
for model in per-task stop-machine; do
	# A task asleep inside shunt_pair_a() blocks stop-machine, which never
	# waits; readers that sleep there all the time would block it forever.
	# They still get preempted inside it now and then (cond_resched).
	[ $model = stop-machine ] && echo 0 > /sys/module/shunt_test_busy/parameters/pair_sleep
	# two cycles with the default BPF metrics (their probes on the
	# pair's old bodies), six without: attaching them takes seconds
	pair_cycles 2 --consistency=$model --stop-retries=20
	pair_cycles 6 --no-metrics --consistency=$model --stop-retries=20
done
pair_readers_stop
switch_trace 0
switch_trace_mixes
assert_eq "$mixed" 0 "mixed old/new pairs"
[ "$old" -gt 0 ] && [ "$new" -gt 0 ] || fail "the readers did not see both versions"
