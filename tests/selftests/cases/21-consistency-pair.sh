# TEST: consistency under load: threads calling old-or-new pairs of nested functions never see old and new mixed, across repeated per-task and stop-machine apply/revert cycles
# TIMEOUT: 600
M=$SHUNT_MODULES
# on a mix: how and when the reader that saw it switched (shunt's
# task_switch and transition events, on once shunt.ko is in)
events="shunt_task_switch shunt_transition_start shunt_transition_end"
echo 16384 > /sys/kernel/tracing/buffer_size_kb
: > /sys/kernel/tracing/trace
trace_events() {
	for e in $events; do
		if [ -e /sys/kernel/tracing/events/shunt/$e ]; then
			echo $1 > /sys/kernel/tracing/events/shunt/$e/enable
		fi
	done
}
load_module shunt_test_busy pair_calls=20 || fail "insmod shunt_test_busy"
pair_after_apply() { trace_events 1; }
pair_readers 4
for model in per-task stop-machine; do
	# A task asleep inside shunt_pair_a() blocks stop-machine, which never
	# waits; readers that sleep there all the time would block it forever.
	# They still get preempted inside it now and then (cond_resched).
	[ $model = stop-machine ] && echo 0 > /sys/module/shunt_test_busy/parameters/pair_sleep
	pair_cycles 8 --consistency=$model --stop-retries=20
done
pair_readers_stop
trace_events 0
for pid in $(dmesg | sed -n 's/.*mixed pair: .* in [^/]*\/\([0-9]*\)$/\1/p' | sort -u); do
	say "reader $pid saw a mix; its switches and the transitions:"
	grep -E "pid=$pid |shunt_transition" /sys/kernel/tracing/trace | tail -n 40 | sed 's/^/#   /'
done
assert_eq "$mixed" 0 "mixed old/new pairs"
[ "$old" -gt 0 ] && [ "$new" -gt 0 ] || fail "the readers did not see both versions"
