# TEST: consistency under load: threads calling old-or-new pairs of nested functions never see old and new mixed, across repeated per-task and stop-machine apply/revert cycles
# TIMEOUT: 600
M=$SHUNT_MODULES
load_module shunt_test_busy pair_calls=20 || fail "insmod shunt_test_busy"
rm -f /tmp/pair.stop /tmp/pair.[0-9]
for r in 1 2 3 4; do
	( while [ ! -e /tmp/pair.stop ]; do cat /proc/shunt_test_pair || break; done > /tmp/pair.$r ) &
done
for model in per-task stop-machine; do
	# A task asleep inside shunt_pair_a() blocks stop-machine, which never
	# waits; readers that sleep there all the time would block it forever.
	# They still get preempted inside it now and then (cond_resched).
	[ $model = stop-machine ] && echo 0 > /sys/module/shunt_test_busy/parameters/pair_sleep
	i=0
	while [ $i -lt 8 ]; do
		shunt apply --consistency=$model --stop-retries=20 $M/shunt_test_pair_patch.ko > /dev/null 2>/tmp/err || fail "$model apply $i: $(cat /tmp/err)"
		shunt revert shunt_test_pair_patch > /dev/null 2>/tmp/err || fail "$model revert $i: $(cat /tmp/err)"
		i=$((i + 1))
	done
done
touch /tmp/pair.stop
wait
pairs_tally /tmp/pair.[0-9]
assert_eq "$mixed" 0 "mixed old/new pairs"
[ "$old" -gt 0 ] && [ "$new" -gt 0 ] || fail "the readers did not see both versions"
