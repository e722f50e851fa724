# TEST: BPF safety probes during a transition held open by a kthread, with the default metrics and with --latency: the task iterator names it as the shim does, old-body runs come from the unswitched kthread only, new calls from switched tasks are exact (the shim's counters by default, BPF's per phase with --latency), the shim counts the kthread's calls as old, no old-body run after completion; after revert the old code runs again
# TIMEOUT: 400
on_kernel 6.1 && skip "6.1: no BPF metrics: its ftrace cannot share a function between BPF probes and an IPMODIFY ftrace_ops (the default apply uses the shim's call counters alone there: case 38)"
M=$SHUNT_MODULES
P=shunt_test_tick_patch
# held OPTS: the scenario, applied with OPTS (empty: the default metrics)
held() {
	local opts=$1 what=${1:-default}
	busy_load_held
	echo 5 > /sys/module/shunt_test_busy/parameters/tick_calls
	assert_eq "$(cat /proc/shunt_test_tick)" 5 "five old ticks before the patch"
	shunt_ok apply --no-wait $opts $M/$P.ko
	wait_for 10 "the shim to name the kthread" grep -q "shunt_busy shunt_busy_sleep+0x" $SHUNT_ROOT/$P/blocked
	# every task but the kthread switches; then this shell's children run new code
	wait_for 10 "one task left to switch" sh -c "grep -qx 'pending 1' $SHUNT_ROOT/$P/stats"
	kpid=$(awk '{print $1}' $SHUNT_ROOT/$P/blocked | head -n 1)
	assert_eq "$(cat /proc/shunt_test_tick)" 10 "a switched reader gets the new tick (5 x 2)"
	sleep 1
	shunt show $P > /tmp/show || fail "shunt show"
	sed 's/^/#   /' /tmp/show
	assert_match "$(cat /tmp/show)" "BPF task iterator\): 1 task" "the BPF iterator finds one task"
	assert_match "$(cat /tmp/show)" "  $kpid shunt_busy shunt_test_busy:shunt_busy_sleep,1\+0x" "the BPF iterator names the kthread in shunt_busy_sleep"
	assert_match "$(cat /tmp/show)" "$kpid shunt_busy shunt_busy_sleep\+0x" "the shim names the same task"
	shunt report $P --json > /tmp/during.json || fail "report during"
	assert_eq "$(json_get /tmp/during.json phase)" during "phase during"
	awk -f $SHUNT_TESTS/json.awk /tmp/during.json | grep '^old_body_tasks\.[0-9]*\.pid=' | cut -d= -f2 | sort -u > /tmp/oldpids
	assert_eq "$(cat /tmp/oldpids)" "$kpid" "old-body runs come from the unswitched kthread only"
	runs=$(json_get /tmp/during.json old_body_tasks.0.runs)
	[ "$runs" -ge 10 ] || fail "the kthread ran the old tick $runs times in 1 s (expected ~50)"
	idx=$(awk -f $SHUNT_TESTS/json.awk /tmp/during.json | grep "^functions\.[0-9]*\.name=shunt_test_busy:shunt_busy_tick," | cut -d. -f2)
	if [ -n "$opts" ]; then
		assert_eq "$(json_get /tmp/during.json functions.$idx.new.calls_during)" 5 "$what: new tick calls during: the reader's 5"
	else
		assert_eq "$(json_get /tmp/during.json functions.$idx.new.calls)" 5 "$what: new tick calls (the shim's): the reader's 5"
	fi
	old=$(json_get /tmp/during.json functions.$idx.old.calls_during)
	[ "$old" -ge "$runs" ] || fail "old tick calls during ($old) < the kthread's runs ($runs)"
	shim_old=$(json_get /tmp/during.json functions.$idx.shim.old)
	# the shim counts from the start, BPF once its probe is attached
	[ "$shim_old" -ge "$old" ] || fail "$what: the shim's old calls ($shim_old) < the old-body runs BPF saw ($old)"
	say "ok: $what: old tick ran $old times during the transition (the shim let $shim_old calls go to it), all in pid $kpid"
	busy_hold 0
	wait_eq 20 $SHUNT_ROOT/$P/transition 0
	assert_eq "$(cat /proc/shunt_test_tick)" 10 "new tick after the transition"
	shunt report $P --json > /tmp/after.json || fail "report after"
	assert_eq "$(json_get /tmp/after.json phase)" after "phase after"
	assert_eq "$(json_get /tmp/after.json old_body_after_completion)" 0 "no old-body run after completion"
	if [ -n "$opts" ]; then
		assert_eq "$(json_get /tmp/after.json functions.$idx.new.calls_after)" 5 "$what: new tick calls after"
	else
		assert_eq "$(json_get /tmp/after.json functions.$idx.new.calls)" 10 "$what: new tick calls (the shim's), 5 during and 5 after"
	fi
	assert_eq "$(json_get /tmp/after.json functions.$idx.old.calls_after)" 0 "old tick calls after"
	shunt_ok revert $P
	assert_eq "$(cat /proc/shunt_test_tick)" 5 "after revert the old tick runs again"
	rmmod shunt_test_busy || fail "rmmod shunt_test_busy"
	assert_no_shunt_patches
}

say "the default metrics: the shim counts the calls, BPF the old bodies"
held ""
say "--latency: BPF on every call"
held --latency
