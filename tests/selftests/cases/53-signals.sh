# TEST: SIGTERM or Ctrl-C to shunt apply: during a held transition it goes on and the loader says how to follow or undo it (exit 143); with --timeout given the loader reverses it (exit 130); early, nothing is applied
M=$SHUNT_MODULES
P=shunt_test_busy_patch
busy_load_held

# signal_held_apply SIG STATUS [OPTION...]: apply $P, send SIG once its
# transition runs (held by the kthread), check the exit status
signal_held_apply() {
	local sig=$1 want=$2 rc
	shift 2
	shunt apply --no-metrics "$@" $M/$P.ko > /tmp/out 2> /tmp/err &
	loader=$!
	wait_for 20 "the transition to start" test -d $SHUNT_ROOT/$P
	kill -$sig $loader
	wait $loader
	rc=$?
	sed 's/^/#   /' /tmp/err
	assert_eq "$rc" "$want" "exit status 128 + SIG$sig"
}

say "SIGTERM during the transition"
signal_held_apply TERM 143
assert_match "$(cat /tmp/err)" "interrupted \(Terminated\): the transition goes on in the kernel; follow it with 'shunt show $P', undo it with 'shunt revert $P'" "what it leaves, and how to go on"
assert_eq "$(patch_attr $P transition)" 1 "still in transition"
busy_hold 0
wait_eq 30 $SHUNT_ROOT/$P/transition 0
shunt_ok revert $P

say "Ctrl-C with --timeout given"
busy_hold 1
wait_for 5 "the kthread to sleep in the original again" sh -c 'dmesg | tail -n 5 | grep -q "sleeping in shunt_busy_sleep (original)"'
signal_held_apply INT 130 --timeout=120
assert_match "$(cat /tmp/err)" "interrupted \(Interrupt\): reversing the transition, as --timeout asks" "it reverses"
assert_match "$(cat /tmp/err)" "transition reversed, nothing applied" "and says so"
module_loaded $P && fail "patch module left loaded"
busy_hold 0

say "a signal early in the apply"
shunt apply --no-metrics $M/shunt_sample_cmdline.ko > /tmp/out 2> /tmp/err &
loader=$!
kill -TERM $loader
wait $loader
rc=$?
sed 's/^/#   /' /tmp/err
if grep -q "before the module was loaded: nothing applied" /tmp/err; then
	assert_eq "$rc" 143 "exit status"
	module_loaded shunt_sample_cmdline && fail "module loaded although nothing was applied"
elif grep -q "goes on in the kernel" /tmp/err; then
	# it came while the module loaded: the transition is left running
	wait_eq 30 $SHUNT_ROOT/shunt_sample_cmdline/transition 0
	shunt_ok revert shunt_sample_cmdline
elif [ "$rc" = 143 ]; then
	# it came before the handlers were set: the default action
	module_loaded shunt_sample_cmdline && fail "killed early, yet the module is loaded"
else
	# too late to stop it: it must have been applied whole
	test -d $SHUNT_ROOT/shunt_sample_cmdline || fail "exit $rc, yet nothing applied: $(cat /tmp/err)"
	shunt_ok revert shunt_sample_cmdline
fi
assert_no_shunt_patches
