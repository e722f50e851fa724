# TEST: a claim belongs to the process that made it: one left by a dead loader (the real shunt apply killed before anything, at its first openat(), and at its finit_module() call, right after its claim; or a process killed after writing a claim, with or without its symbols) never takes another process's insmod, which reaches the kernel's livepatch, and it is gone from the claim file; a loader killed during a transition leaves a transition that finishes by itself
M=$SHUNT_MODULES
S=shunt_sample_cmdline
C=$SHUNT_ROOT/claim
insmod "$SHUNT_KO" 2>/dev/null
for what in "nothing: shunt apply, at its first openat" "shunt apply, at finit_module" "claim only" "claim and a symbol line"; do
	say "a loader that died after: $what"
	if [ "$what" = "nothing: shunt apply, at its first openat" ]; then
		kill-at-syscall openat shunt apply --no-metrics $M/$S.ko > /tmp/kill.out 2>&1 ||
			fail "the loader was not killed at openat: $(tail -n 1 /tmp/kill.out)"
	elif [ "$what" = "shunt apply, at finit_module" ]; then
		# shunt.ko is loaded: the loader's one finit_module() is the
		# patch's, after its claim
		kill-at-syscall finit_module shunt apply --no-metrics $M/$S.ko > /tmp/kill.out 2>&1 ||
			fail "the loader was not killed at finit_module: $(tail -n 1 /tmp/kill.out)"
		grep -q "killed shunt at finit_module" /tmp/kill.out || fail "no kill reported"
	elif [ "$what" = "claim only" ]; then
		sh -c "printf 'claim $S\n' > $C; kill -9 \$\$"
	else
		sh -c "printf 'claim $S\nsym $S cmdline_proc_show ffffffff81000000\n' > $C; kill -9 \$\$"
	fi
	assert_eq "$(cat $C)" "" "the dead loader's claim is not listed"
	load_module $S || fail "insmod after a dead loader's claim"
	wait_eq 30 /sys/kernel/livepatch/$S/transition 0
	test -d $SHUNT_ROOT/$S && fail "the dead loader's claim took the module"
	assert_eq "$(cat /proc/cmdline)" "patched: $S" "the kernel's livepatch applied it"
	echo 0 > /sys/kernel/livepatch/$S/enabled
	wait_for 30 "klp unpatching" test ! -d /sys/kernel/livepatch/$S
	rmmod $S || fail "rmmod"
done

say "a loader killed during a held transition"
busy_load_held
shunt apply --no-metrics $M/shunt_test_busy_patch.ko > /tmp/apply.out 2>&1 &
loader=$!
wait_for 20 "the transition to start" test -d $SHUNT_ROOT/shunt_test_busy_patch
kill -9 $loader
wait $loader 2>/dev/null
assert_eq "$(patch_attr shunt_test_busy_patch transition)" 1 "the transition goes on without the loader"
assert_eq "$(cat $C)" "" "no claim left"
busy_hold 0
wait_eq 30 $SHUNT_ROOT/shunt_test_busy_patch/transition 0
assert_eq "$(patch_attr shunt_test_busy_patch state)" applied "it finished by itself"
shunt_ok revert shunt_test_busy_patch
assert_no_shunt_patches
