# TEST: a call whose version is decided but not yet entered: tasks interrupted in the ftrace trampoline right after the handler chose (the sweep's IPI check of running tasks) are not switched then, so readers that never sleep in the pair see no old/new mix over per-task apply/revert cycles, on the handler and the direct path
# TIMEOUT: 400
M=$SHUNT_MODULES
load_module shunt_test_busy pair_calls=50000 pair_sleep=0 || fail "insmod shunt_test_busy"
paths="handler direct"
switch_trace_clear
pair_after_apply() { switch_trace 1; }
for path in $paths; do
	case $path in
	handler) opts="--no-metrics --no-direct" ;;
	direct) opts="--no-metrics" ;;
	esac
	# readers that always run in the pair's loop: the sweep finds them
	# running and checks them in an interrupt, wherever they are
	pair_readers 3
	# shellcheck disable=SC2086
	pair_cycles 10 $opts
	pair_readers_stop
	switch_trace 0
	switch_trace_mixes
	switch_trace_clear
	assert_eq "$mixed" 0 "$path: mixed old/new pairs"
	[ "$old" -gt 0 ] && [ "$new" -gt 0 ] || fail "$path: the readers did not see both versions"
done
