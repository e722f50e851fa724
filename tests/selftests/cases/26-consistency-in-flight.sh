# TEST: a call whose version is decided but not yet entered: tasks interrupted in the ftrace trampoline right after the handler chose (the sweep's IPI check of running tasks) are not switched then, so readers that never sleep in the pair see no old/new mix over per-task apply/revert cycles, on the handler and (6.12) the direct path
# TIMEOUT: 400
M=$SHUNT_MODULES
load_module shunt_test_busy pair_calls=50000 pair_sleep=0 || fail "insmod shunt_test_busy"
paths="handler"
on_kernel 6.1 || paths="handler direct"
for path in $paths; do
	case $path in
	handler) opts="--no-metrics --no-direct" ;;
	direct) opts="--no-metrics" ;;
	esac
	rm -f /tmp/pair.stop /tmp/pair.[0-9]
	# readers that always run in the pair's loop: the sweep finds them
	# running and checks them in an interrupt, wherever they are
	for r in 1 2 3; do
		( while [ ! -e /tmp/pair.stop ]; do cat /proc/shunt_test_pair || break; done > /tmp/pair.$r ) &
	done
	i=0
	while [ $i -lt 10 ]; do
		shunt apply $opts $M/shunt_test_pair_patch.ko > /dev/null 2>/tmp/err || fail "$path apply $i: $(cat /tmp/err)"
		shunt revert shunt_test_pair_patch > /dev/null 2>/tmp/err || fail "$path revert $i: $(cat /tmp/err)"
		i=$((i + 1))
	done
	touch /tmp/pair.stop
	wait
	pairs_tally /tmp/pair.[0-9]
	assert_eq "$mixed" 0 "$path: mixed old/new pairs"
	[ "$old" -gt 0 ] && [ "$new" -gt 0 ] || fail "$path: the readers did not see both versions"
done
