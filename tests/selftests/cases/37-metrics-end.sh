# TEST: metrics end with the patch however it ends (shunt revert; enabled=0 then rmmod, the klp way, with the default metrics and with --latency's fentry and kprobe probes; an atomic replace; a reversed transition; --timeout): nothing holds the patch module, rmmod works, the pins go at the next shunt command, no shunt_* program is left, no safety violation for a reverted patch
# TIMEOUT: 400
on_kernel 6.1 && skip "6.1: no BPF metrics: its ftrace cannot share a function between BPF probes and an IPMODIFY ftrace_ops (the default apply uses the shim's call counters alone there: case 38)"
M=$SHUNT_MODULES
B=/sys/fs/bpf/shunt
S=shunt_sample_cmdline

refcnt() { cat /sys/module/$1/refcnt 2>/dev/null; }

# no_programs WHAT: bpftool lists no shunt_* program (they are freed after RCU)
no_programs() {
	wait_for 10 "$1: no shunt_* program" sh -c '! bpftool prog show | grep -q "name shunt_"'
	say "ok: $1: bpftool prog show lists no shunt_* program"
}

# gone_and_removable NAME: the shim let go of the module, rmmod removes it
gone_and_removable() {
	wait_for 20 "$1 to leave $SHUNT_ROOT" test ! -d $SHUNT_ROOT/$1
	wait_for 10 "$1's refcnt to drop to 0 (is something else holding it? $(refcnt $1))" \
		sh -c "[ \"\$(cat /sys/module/$1/refcnt)\" = 0 ]"
	wait_for 10 "rmmod $1" rmmod $1
	module_loaded $1 && fail "$1 still loaded after rmmod"
	say "ok: $1 released by the shim and removed by rmmod"
}

say "shunt revert: the metrics go first, the module with them"
shunt_ok apply $M/$S.ko
assert_eq "$(refcnt $S)" 1 "applied with metrics, only the shim holds $S"
cat /proc/cmdline > /dev/null
shunt_ok revert $S
assert_match "$(cat /tmp/shunt.out)" "metrics of $S removed" "revert removes the metrics"
module_loaded $S && fail "revert left $S loaded"
test -e $B/$S && fail "revert left $B/$S"
no_programs "after shunt revert"

for probe in default fentry kprobe; do
	opt=--probe=$probe
	[ $probe = default ] && opt=
	say "the klp way with ${opt:-the default metrics}: echo 0 > enabled, then rmmod"
	shunt_ok apply $opt $M/$S.ko
	for i in 1 2 3; do cat /proc/cmdline > /dev/null; done
	echo 0 > $SHUNT_ROOT/$S/enabled || fail "echo 0 > enabled"
	# the original runs again, during the revert and after: no violation
	cat /proc/cmdline > /dev/null
	gone_and_removable $S
	for i in 1 2 3 4 5; do cat /proc/cmdline > /dev/null; done
	test -d $B/$S || fail "the pins went before any shunt command ran"
	shunt report $S --json > /tmp/end.json 2> /tmp/end.err || fail "report of the ended patch: $(cat /tmp/end.err)"
	sed 's/^/#   /' /tmp/end.err
	assert_match "$(cat /tmp/end.err)" "^shunt: $S: the patch is gone; its last numbers:" "report says the patch is gone"
	assert_match "$(cat /tmp/end.err)" "^shunt: removed the metrics of $S: the patch is gone$" "and removes its metrics"
	assert_eq "$(json_get /tmp/end.json ended)" unpatched "$probe: the metrics saw the unpatching end"
	assert_eq "$(json_get /tmp/end.json old_body_after_completion)" 0 "$probe: no safety violation for the reverted patch"
	if [ $probe = default ]; then
		# the shim counted them, and its counters went with the patch
		assert_eq "$(json_get /tmp/end.json functions.0.new.counted_by)" shim "$probe: new calls were the shim's"
		assert_eq "$(json_get /tmp/end.json functions.0.new.calls)" "" "$probe: no new-call count once the patch is gone"
		assert_eq "$(json_get /tmp/end.json functions.0.shim.new)" "" "$probe: no shim counters once the patch is gone"
	else
		assert_eq "$(json_get /tmp/end.json functions.0.new.calls)" 3 "$probe: the three new calls"
	fi
	# the original ran at most during the revert transition, never after
	old=$(json_get /tmp/end.json functions.0.old.calls)
	[ "$old" -le 1 ] || fail "$probe: $old old calls counted; the 5 after the end must not be"
	say "ok: $probe: $old old call(s) counted, none after the end"
	test -e $B/$S && fail "report left $B/$S"
	no_programs "--probe=$probe, after the report"
done

say "a gone patch's pins go at the next command: shunt list"
shunt_ok apply $M/$S.ko
echo 0 > $SHUNT_ROOT/$S/enabled || fail "echo 0 > enabled"
gone_and_removable $S
shunt list > /tmp/list.out 2> /tmp/list.err || fail "shunt list"
assert_eq "$(cat /tmp/list.err)" "shunt: removed the metrics of $S: the patch is gone" "shunt list removes them, one line"
test -e $B/$S && fail "shunt list left $B/$S"
shunt list > /dev/null 2> /tmp/list.err
assert_eq "$(cat /tmp/list.err)" "" "nothing more to remove"
no_programs "after shunt list"

say "atomic replace over stacked patches with metrics: the replaced modules go with rmmod"
shunt_ok apply $M/shunt_test_stack1.ko
shunt_ok apply $M/shunt_test_stack2.ko
shunt_ok apply $M/shunt_test_stack3.ko
for m in shunt_test_stack1 shunt_test_stack2 shunt_test_stack3; do
	assert_eq "$(refcnt $m)" 1 "only the shim holds $m"
done
shunt_ok apply $M/shunt_test_replace.ko
for m in shunt_test_stack1 shunt_test_stack2 shunt_test_stack3; do
	assert_match "$(cat /tmp/shunt.out)" "metrics of $m removed: shunt_test_replace replaces it" "$m's metrics end with it"
done
for m in shunt_test_stack1 shunt_test_stack2 shunt_test_stack3; do
	gone_and_removable $m
	test -e $B/$m && fail "$m's metrics left pinned"
done
# version and loadavg: nops, the originals run again for the replacing patch
head -c 13 /proc/version > /dev/null
cat /proc/cmdline /proc/loadavg > /dev/null
shunt report shunt_test_replace --json > /tmp/rep.json || fail "report of the replacing patch"
assert_eq "$(json_get /tmp/rep.json old_body_after_completion)" 0 "no violation for the replacing patch"
assert_eq "$(ls $B)" shunt_test_replace "only the replacing patch has metrics"
shunt_ok revert shunt_test_replace
no_programs "after the replace and its revert"
assert_no_shunt_patches

say "a reversed transition: held, echo 0 > enabled, then rmmod"
busy_load_held
shunt_ok apply --no-wait $M/shunt_test_busy_patch.ko
wait_for 10 "the shim to name the kthread" grep -q "shunt_busy shunt_busy_sleep+0x" $SHUNT_ROOT/shunt_test_busy_patch/blocked
echo 0 > $SHUNT_ROOT/shunt_test_busy_patch/enabled || fail "echo 0 > enabled mid-transition"
gone_and_removable shunt_test_busy_patch
assert_klog "'shunt_test_busy_patch': reversing transition to unpatched" "the transition was reversed"
shunt report shunt_test_busy_patch --json > /tmp/rev.json 2> /dev/null || fail "report of the reversed patch"
assert_eq "$(json_get /tmp/rev.json phase)" "after (reversed)" "the metrics saw the reversal"
assert_eq "$(json_get /tmp/rev.json ended)" unpatched "and the end"
assert_eq "$(json_get /tmp/rev.json old_body_after_completion)" 0 "no violation"
test -e $B/shunt_test_busy_patch && fail "report left the reversed patch's pins"
no_programs "after the reversed transition"

say "--timeout: the loader reverses, nothing holds the module"
shunt_fails "transition not done after 2 s; blocked by:" apply --timeout=2 $M/shunt_test_busy_patch.ko
assert_match "$(cat /tmp/shunt.err)" "transition reversed, nothing applied" "reversed and removed"
module_loaded shunt_test_busy_patch && fail "patch module left loaded"
test -e $B/shunt_test_busy_patch && fail "--timeout left metrics pinned"
no_programs "after --timeout"
busy_hold 0
assert_no_shunt_patches
