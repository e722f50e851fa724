# TEST: callbacks run in the kernel's order (checked against the kernel's livepatch with the same module) for vmlinux and a module object, also for a module loaded later, unloaded while patched, or absent; a failing pre_patch aborts cleanly, for vmlinux (also with readers and a writer of the patch's sysfs files waiting for the apply) and for a module loaded later; a target coming and going while a busy module holds the transition, which is then reversed through sysfs; two stacked patches, and an atomic replace
M=$SHUNT_MODULES
P=shunt_test_patch_target
T=shunt_test_target
orig=$(cat /proc/cmdline)

# cb_seq: the patch's callback lines and its "(un)patching complete" line
# (from shunt or from the kernel's livepatch) logged since the last call,
# as "line;line;..."; the lines are left in the log for the runner to check
rm -f /tmp/cb.seen
# "cb_seq both": the lines of ${P} and ${P}2, each after its module's name
cb_seq() {
	dmesg > /tmp/cb.all
	tail -n +$(($(cat /tmp/cb.seen 2>/dev/null || echo 0) + 1)) /tmp/cb.all > /tmp/cb.log
	wc -l < /tmp/cb.all > /tmp/cb.seen
	if [ "${1:-}" = both ]; then
		sed -n -E -e "s/.*(${P}2?): (p[a-z_]+_?[a-z]*: [a-z_]+( \[[a-z]+\])?)$/\1 \2/p" \
			-e "s/.*(livepatch|shunt): '(${P}2?)': ((un)?patching complete)$/\2 \3/p" \
			/tmp/cb.log | tr '\n' ';'
		return
	fi
	sed -n -E -e "s/.*$P: (p[a-z_]+_?[a-z]*: [a-z_]+( \[[a-z]+\])?)$/\1/p" \
		-e "s/.*(livepatch|shunt): '$P': ((un)?patching complete)$/\2/p" \
		/tmp/cb.log | tr '\n' ';'
}

# the backend under test: $backend (guest/lib.sh)
apply_p() { backend_apply $P "$@"; }
revert_p() { backend_revert $P; }

# what the target module's load logs when a pre_patch refuses it: busybox
# insmod tries finit_module() and then init_module(), so two attempts
coming_refused="pre_patch: $T [coming];pre_patch: $T [coming];"

for backend in klp shunt; do
	say "--- $backend: target loaded before the patch, unloaded and loaded again while patched"
	load_module $T || fail "insmod $T"
	cb_seq > /dev/null
	apply_p
	assert_eq "$(cb_seq)" "pre_patch: vmlinux;pre_patch: $T [live];post_patch: vmlinux;post_patch: $T [live];patching complete;" "$backend: apply"
	rmmod $T || fail "rmmod $T while patched"
	assert_eq "$(cb_seq)" "pre_unpatch: $T [going];post_unpatch: $T [going];" "$backend: target unloaded while patched"
	load_module $T || fail "insmod $T while patched"
	assert_eq "$(cb_seq)" "pre_patch: $T [coming];post_patch: $T [coming];" "$backend: target loaded while patched"
	assert_match "$(cat /proc/$T)" "value: patched" "$backend: target patched"
	revert_p
	assert_eq "$(cb_seq)" "pre_unpatch: vmlinux;pre_unpatch: $T [live];post_unpatch: vmlinux;post_unpatch: $T [live];unpatching complete;" "$backend: revert"
	assert_match "$(cat /proc/$T)" "value: original" "$backend: target original"
	rmmod $T || fail "rmmod $T"
	cb_seq > /dev/null

	say "--- $backend: target absent: only vmlinux gets callbacks"
	apply_p
	assert_eq "$(cb_seq)" "pre_patch: vmlinux;post_patch: vmlinux;patching complete;" "$backend: apply without the target"
	revert_p
	assert_eq "$(cb_seq)" "pre_unpatch: vmlinux;post_unpatch: vmlinux;unpatching complete;" "$backend: revert without the target"

	say "--- $backend: pre_patch of vmlinux fails"
	if [ $backend = shunt ]; then
		shunt_fails "$P.*vmlinux.*(-19|No such device)" apply $M/$P.ko pre_patch_ret=-19
		assert_eq "$(wc -l < /tmp/shunt.err)" 1 "one line of error"
		test ! -e $SHUNT_ROOT/$P || fail "$SHUNT_ROOT/$P left"
		assert_no_shunt_patches
		assert_eq "$(shunt list)" "no patches" "shunt list"
		assert_eq "$(cb_seq)" "pre_patch: vmlinux;" "only the failing pre_patch ran"

		say "--- shunt: pre_patch of vmlinux fails while a reader of stats, one of calls and a writer of enabled wait for the apply: they get their answers, the patch goes"
		# the readers' and the writer's handlers wait for shunt's mutex,
		# which the apply holds; the failed apply must take the patch out
		# of sysfs (which waits for them) only after dropping it
		seen=$(dmesg | grep -c "$P: pre_patch: vmlinux")
		shunt apply --no-metrics $M/$P.ko pre_patch_ret=-19 pre_patch_sleep_ms=3000 > /tmp/apply.out 2>&1 &
		apply_pid=$!
		wait_for 20 "the pre_patch callback to run" sh -c "[ \$(dmesg | grep -c '$P: pre_patch: vmlinux') -gt $seen ]"
		test -d $SHUNT_ROOT/$P || fail "no $SHUNT_ROOT/$P during pre_patch"
		cat $SHUNT_ROOT/$P/stats > /tmp/stats.out 2>&1 &
		stats_pid=$!
		cat $SHUNT_ROOT/$P/calls > /tmp/calls.out 2>&1 &
		calls_pid=$!
		sh -c "echo 0 > $SHUNT_ROOT/$P/enabled" 2> /tmp/enabled.err &
		enabled_pid=$!
		for pid in $stats_pid $calls_pid $enabled_pid; do
			wait_for 10 "task $pid to wait in the kernel" grep -q "^State:.*D" /proc/$pid/status
		done
		wait_for 30 "the failed apply to return" sh -c "! kill -0 $apply_pid"
		wait $apply_pid && fail "the apply succeeded: $(cat /tmp/apply.out)"
		assert_match "$(cat /tmp/apply.out)" "$P.*vmlinux.*(-19|No such device)" "the apply's error"
		# their answer; reading on after it may find the file gone (ENODEV)
		wait $stats_pid $calls_pid
		assert_match "$(head -n 1 /tmp/stats.out)" "^duration_ns [0-9]+$" "what the reader of stats got"
		assert_match "$(head -n 1 /tmp/calls.out)" "^vmlinux:[a-z_]+,[0-9]+ +0 +0$" "what the reader of calls got"
		wait $enabled_pid && fail "writing 0 to enabled of the failed patch succeeded"
		assert_match "$(cat /tmp/enabled.err)" "Invalid argument" "writing enabled of the failed patch"
		test ! -e $SHUNT_ROOT/$P || fail "$SHUNT_ROOT/$P left"
		assert_no_shunt_patches
		assert_eq "$(cb_seq)" "pre_patch: vmlinux;" "only the failing pre_patch ran"
	else
		load_module $P pre_patch_ret=-19 2>/tmp/insmod.err && fail "klp: insmod succeeded"
		assert_match "$(cat /tmp/insmod.err)" "No such device" "klp: insmod error"
		# two attempts by busybox insmod, as above; the kernel cancels each
		# with an "unpatching complete" (no callbacks)
		assert_eq "$(cb_seq)" "pre_patch: vmlinux;unpatching complete;pre_patch: vmlinux;unpatching complete;" "klp: only the failing pre_patch ran"
	fi
	module_loaded $P && fail "$backend: patch module left loaded"
	assert_eq "$(cat /proc/cmdline)" "$orig" "$backend: cmdline untouched"

	say "--- $backend: pre_patch of a module loaded later fails: that module is refused"
	apply_p pre_patch_ret=-19 fail_object=$T
	assert_eq "$(cb_seq)" "pre_patch: vmlinux;post_patch: vmlinux;patching complete;" "$backend: apply"
	load_module $T 2>/tmp/insmod.err && fail "$backend: $T loaded despite its failing pre_patch"
	assert_match "$(cat /tmp/insmod.err)" "No such device" "$backend: insmod error"
	module_loaded $T && fail "$backend: $T loaded"
	assert_eq "$(cb_seq)" "$coming_refused" "$backend: only the refused module's pre_patch ran"
	assert_match "$(cat /tmp/cb.log)" "pre-patch callback failed for object '$T'" "$backend: the failure is logged"
	assert_match "$(cat /tmp/cb.log)" "refusing to load module '$T'" "$backend: the refusal is logged"
	assert_eq "$(cat /proc/cmdline)" "cmdline: $P" "$backend: vmlinux part still applied"
	revert_p
	assert_eq "$(cb_seq)" "pre_unpatch: vmlinux;post_unpatch: vmlinux;unpatching complete;" "$backend: revert"
	assert_eq "$(cat /proc/cmdline)" "$orig" "$backend: cmdline original"

	say "--- $backend: busy target module: a target comes and goes while the transition is held, then it is reversed (the kernel's test-callbacks.sh)"
	load_module shunt_test_busy || fail "insmod shunt_test_busy"
	busy_hold 1
	wait_for 5 "the kthread to sleep in the original" sh -c 'dmesg | grep -q "sleeping in shunt_busy_sleep (original)"'
	cb_seq > /dev/null
	if [ $backend = shunt ]; then
		shunt_ok apply --no-wait --no-metrics $M/$P.ko
		root=$SHUNT_ROOT
	else
		load_module $P || fail "klp: insmod $P"
		root=/sys/kernel/livepatch
	fi
	assert_eq "$(cat $root/$P/transition)" 1 "$backend: the kthread holds the transition"
	assert_eq "$(cb_seq)" "pre_patch: vmlinux;pre_patch: shunt_test_busy [live];" "$backend: apply, held"
	load_module $T || fail "insmod $T during the transition"
	assert_eq "$(cb_seq)" "pre_patch: $T [coming];" "$backend: target loaded during the transition: no post_patch yet"
	rmmod $T || fail "rmmod $T during the transition"
	assert_eq "$(cb_seq)" "post_unpatch: $T [going];" "$backend: target unloaded during the transition: no pre_unpatch"
	echo 0 > $root/$P/enabled || fail "$backend: reversing through sysfs"
	wait_for 30 "$backend: $P to go" test ! -d $root/$P
	wait_for 10 "$backend: rmmod $P after the reversal to succeed" rmmod $P
	assert_eq "$(cb_seq)" "post_unpatch: vmlinux;post_unpatch: shunt_test_busy [live];unpatching complete;" "$backend: reversed"
	busy_hold 0
	rmmod shunt_test_busy || fail "rmmod shunt_test_busy"
	cb_seq > /dev/null

	say "--- $backend: multiple livepatches, then an atomic replace (the kernel's test-callbacks.sh)"
	P2=${P}2
	cb_seq both > /dev/null
	apply_p
	backend_apply $P2
	assert_eq "$(cb_seq both)" "$P pre_patch: vmlinux;$P post_patch: vmlinux;$P patching complete;$P2 pre_patch: vmlinux;$P2 post_patch: vmlinux;$P2 patching complete;" "$backend: two patches applied"
	assert_eq "$(cat /proc/cmdline)" "cmdline: $P2" "$backend: the newer one on top"
	backend_revert $P2
	revert_p
	assert_eq "$(cb_seq both)" "$P2 pre_unpatch: vmlinux;$P2 post_unpatch: vmlinux;$P2 unpatching complete;$P pre_unpatch: vmlinux;$P post_unpatch: vmlinux;$P unpatching complete;" "$backend: both reverted, newest first"
	apply_p
	backend_apply $P2 replace=1
	[ $backend = shunt ] && root=$SHUNT_ROOT || root=/sys/kernel/livepatch
	wait_for 30 "$backend: the replaced patch to go" test ! -d $root/$P
	wait_for 10 "$backend: rmmod of the replaced patch" rmmod $P
	assert_eq "$(cb_seq both)" "$P pre_patch: vmlinux;$P post_patch: vmlinux;$P patching complete;$P2 pre_patch: vmlinux;$P2 post_patch: vmlinux;$P2 patching complete;" "$backend: atomic replace: the replaced patch gets no unpatch callbacks"
	backend_revert $P2
	assert_eq "$(cb_seq both)" "$P2 pre_unpatch: vmlinux;$P2 post_unpatch: vmlinux;$P2 unpatching complete;" "$backend: the replacing patch reverted"
	assert_eq "$(cat /proc/cmdline)" "$orig" "$backend: cmdline original"
done
assert_no_shunt_patches
