# TEST: the harness itself: a case that times out with a shunt patch applied, a kernel livepatch enabled, BPF metrics pinned and modules loaded is reported failed, and the suite's cleanup leaves the next case a clean kernel, so that one passes
# TIMEOUT: 240
M=$SHUNT_MODULES
d=/tmp/harness-cases
rm -rf $d && mkdir -p $d
cat > $d/1-times-out.sh <<'CASE'
# TEST: applies, loads, pins, then hangs past its limit
# TIMEOUT: 20
shunt_ok apply $SHUNT_MODULES/shunt_test_stack1.ko
load_module shunt_test_busy || fail "insmod busy"
load_module shunt_test_tick_patch || fail "insmod a kernel livepatch"
sleep 600
CASE
cat > $d/2-starts-clean.sh <<'CASE'
# TEST: finds nothing left by the case before
[ -z "$(ls $SHUNT_ROOT 2>/dev/null | grep -v '^claim$\|^version$')" ] || fail "shunt patches left: $(ls $SHUNT_ROOT)"
[ -z "$(ls /sys/kernel/livepatch 2>/dev/null)" ] || fail "kernel livepatches left: $(ls /sys/kernel/livepatch)"
[ -z "$(ls /sys/fs/bpf/shunt 2>/dev/null)" ] || fail "BPF pins left"
for m in shunt_test_stack1 shunt_test_tick_patch shunt_test_busy; do
	module_loaded $m && fail "module $m left loaded"
done
shunt_ok apply $SHUNT_MODULES/shunt_test_stack1.ko
shunt_ok revert shunt_test_stack1
CASE
SHUNT_CASES=$d sh $SHUNT_TESTS/run-suite.sh > /tmp/harness.out 2>&1
rc=$?
sed 's/^/#   /' /tmp/harness.out
assert_eq "$rc" 1 "the inner suite fails"
# (grep, not assert_match: a failure must not echo the inner TAP lines)
grep -q "timed out after 20s" /tmp/harness.out || fail "the inner suite did not say the timeout"
grep -q '^not ok 1 - 1-times-out$' /tmp/harness.out || fail "the hung case is not reported failed"
grep -q '^ok 2 - 2-starts-clean' /tmp/harness.out || fail "the case after it did not pass"
say "ok: a timed-out case is failed and the next one starts clean"
